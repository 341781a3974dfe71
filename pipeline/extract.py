"""Corpus → tables: the work behind ``python -m pipeline extract``.

Documents stream through ``nlp.pipe`` and their rows stream into the table
files, so memory stays flat as the corpus grows. With several processes the
workers (forked, sharing the loaded pipeline) also turn each Doc into rows and
an annotation record, and only those plain values come back. A bad
file gets one line naming it and the problem; every other document is still
processed; the tables replace the old ones only when the run completes and
at least one document made it through, so nothing already written is lost.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from tqdm import tqdm

from .components.tokens import doc_tokens
from .corpus import MAX_BYTES, DocumentError, iter_corpus, list_corpus
from .export import TableWriter, record_json, write_record
from .records import doc_to_record
from .tables import ActorAggregate, DocTables, doc_span_values, doc_tables


@dataclass
class Summary:
    """What a run did."""

    documents: int = 0
    sentences: int = 0
    mentions: int = 0
    demands: int = 0
    recommendations: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def actors(self) -> int:
        return self.mentions

    def line(self) -> str:
        return (f"documents: {self.documents}, sentences: {self.sentences}, actors: {self.mentions}, "
                f"demands: {self.demands}, recommendations: {self.recommendations}, "
                f"failures: {len(self.failures)}")


def _say(message: str) -> None:
    tqdm.write(message, file=sys.stderr)


@dataclass
class DocResult:
    """What one processed document contributes: its table rows, its annotation
    record (JSON text) and a warning. Plain values, cheap to send between processes."""

    doc_id: str
    tables: DocTables
    record: str | None
    warning: str | None


def doc_result(doc: Doc, text: str, context: dict, write_records: bool = True) -> DocResult:
    """Rows, record and warning of one processed document (``text`` is ``doc.text``)."""
    doc._.doc_id, doc._.path = context["doc_id"], context["path"]
    warning = None
    if doc._.title is None:
        missing = "no title line and no date" if doc._.date is None else "no title line"
        warning = f"{context['path']}: {missing} found; processed as body text"
    values = doc_span_values(doc)
    record = record_json(doc_to_record(doc, text, values)) if write_records else None
    return DocResult(context["doc_id"], doc_tables(doc, text, values), record, warning)


#: Documents per task sent to a worker process.
TASK_SIZE = 4
# The pipeline of the worker processes: set before they are forked, so each
# shares the loaded pipeline instead of loading or unpickling its own.
_WORKER_NLP: Language | None = None


def _with_docs(nlp: Language, items: Iterator[tuple[str, dict]]) -> Iterator[tuple[Doc, tuple[str, dict]]]:
    """``(Doc, (text, context))`` per item: the Doc tokenized here, its text handed to the
    token cache (``components/tokens.py``), so no component joins it back from the tokens."""
    for text, context in items:
        doc = nlp.make_doc(text)
        doc_tokens(doc, text)
        yield doc, (text, context)


def _work(batch: list[tuple[str, dict]], write_records: bool, records: Path | None = None) -> list[DocResult]:
    """Rows and records of a batch, in a worker process. With ``records`` (the staging
    folder of the records) the worker writes each record file there itself, so the
    JSON never travels back and the main process only writes the tables."""
    docs = _WORKER_NLP.pipe(_with_docs(_WORKER_NLP, batch), as_tuples=True)
    out = []
    for doc, (text, context) in docs:
        result = doc_result(doc, text, context, write_records)
        if records is not None and result.record is not None:
            write_record(records, result.doc_id, result.record)
            result.record = None
        out.append(result)
    return out


def _batches(items: Iterator[tuple[str, dict]], size: int) -> Iterator[list[tuple[str, dict]]]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _results(nlp: Language, items: Iterator[tuple[str, dict]], n_process: int, batch_size: int,
             write_records: bool, records: Path | None = None) -> Iterator[DocResult]:
    """``DocResult`` of every document, in corpus order.

    With several processes the workers run the pipeline *and* turn each Doc into
    rows and a record, so only plain values travel back (no Doc to rebuild) and
    this process only writes; with ``records`` (the staging folder of the records)
    the workers write the record files themselves. Documents go out in small tasks (``TASK_SIZE``), so
    no worker idles long at the end; at most ``4 * n_process`` tasks are in
    flight, so the corpus is never held in memory.
    """
    global _WORKER_NLP
    if n_process == 1:
        docs = nlp.pipe(_with_docs(nlp, items), as_tuples=True, batch_size=batch_size)
        for doc, (text, context) in docs:
            yield doc_result(doc, text, context, write_records)
        return
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:
        # no fork: spaCy's own multiprocessing, rows made here
        docs = nlp.pipe(items, as_tuples=True, n_process=n_process, batch_size=batch_size)
        for doc, context in docs:
            yield doc_result(doc, doc.text, context, write_records)
        return
    _WORKER_NLP = nlp
    # A worker that dies (killed for memory, say) fails the run with BrokenProcessPool
    # instead of leaving it waiting for a result that never comes.
    pool = ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("fork"))
    pending: deque = deque()
    try:
        for batch in _batches(items, min(batch_size, TASK_SIZE)):
            pending.append(pool.submit(_work, batch, write_records, records))
            while len(pending) >= 4 * n_process:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        _WORKER_NLP = None
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def extract(
    corpus: Path,
    out: Path,
    *,
    nlp: Language | None = None,
    n_process: int = 1,
    batch_size: int = 16,
    max_bytes: int = MAX_BYTES,
    write_records: bool = True,
    xlsx: bool = True,
    report: Callable[[str], None] = _say,
    progress: bool | None = None,
) -> Summary:
    """Process every ``.txt`` file of ``corpus`` into the tables in ``out``.

    Raises:
        DocumentError: when the corpus folder is missing or has no ``.txt`` file.
    """
    from .nlp import load_pipeline

    paths = list_corpus(Path(corpus))
    nlp = nlp or load_pipeline()
    nlp.max_length = max(nlp.max_length, max_bytes + 1)
    summary = Summary()
    out = Path(out)
    writer = TableWriter(out, xlsx=xlsx)
    actors = ActorAggregate()

    def good_documents() -> Iterator[tuple[str, dict]]:
        for item in iter_corpus(paths, max_bytes=max_bytes):
            if isinstance(item, DocumentError):
                summary.failures.append(str(item))
                report(f"error: {item}")
                continue
            yield item.text, {"doc_id": item.doc_id, "path": str(item.path)}

    show = sys.stderr.isatty() if progress is None else progress
    try:
        # worker processes write the record files straight into the staging folder
        records = writer.records_folder() if write_records and n_process > 1 else None
        stream = _results(nlp, good_documents(), max(1, n_process), batch_size, write_records, records)
        for result in tqdm(stream, total=len(paths), unit="doc", disable=not show):
            if result.warning:
                summary.warnings.append(result.warning)
                report(f"warning: {result.warning}")
            rows = result.tables.rows
            for name, table in rows.items():
                if table:
                    writer.write_rows(name, table)
            actors.add(result.tables)
            if result.record is not None:
                writer.add_record(result.doc_id, result.record)
            summary.documents += 1
            summary.sentences += len(rows["sentences"])
            summary.mentions += len(rows["mentions"])
            summary.demands += len(rows["demands"])
            summary.recommendations += len(rows["recommendations"])
        if summary.documents == 0:
            # nothing to show for the run: the tables of the last good run stay
            writer.abort()
            message = f"{corpus}: no document could be processed; the tables in {out} were left as they were"
            summary.failures.append(message)
            report(f"error: {message}")
            return summary
        writer.write_rows("actors", actors.rows())
        writer.commit(xlsx=xlsx)
    except BaseException:
        writer.abort()
        raise
    return summary
