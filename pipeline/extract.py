"""Corpus → tables: the work behind ``python -m pipeline extract``.

Documents stream through ``nlp.pipe`` (one or more processes) and their rows
stream into the table files, so memory stays flat as the corpus grows. A bad
file gets one line naming it and the problem; every other document is still
processed; the tables replace the old ones only when the run completes and
at least one document made it through, so nothing already written is lost.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from spacy.language import Language
from tqdm import tqdm

from .corpus import MAX_BYTES, DocumentError, iter_corpus, list_corpus
from .export import TableWriter
from .records import doc_to_record
from .tables import ActorAggregate, doc_tables


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
    writer = TableWriter(out)
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
        stream = nlp.pipe(good_documents(), as_tuples=True, n_process=n_process, batch_size=batch_size)
        for doc, context in tqdm(stream, total=len(paths), unit="doc", disable=not show):
            doc._.doc_id, doc._.path = context["doc_id"], context["path"]
            if doc._.title is None:
                missing = "no title line and no date" if doc._.date is None else "no title line"
                summary.warnings.append(f"{context['path']}: {missing} found; processed as body text")
                report(f"warning: {summary.warnings[-1]}")
            tables = doc_tables(doc)
            for name, frame in tables.frames().items():
                writer.append(name, frame)
            actors.add(tables)
            if write_records:
                writer.add_record(doc._.doc_id, doc_to_record(doc))
            summary.documents += 1
            summary.sentences += len(tables.rows["sentences"])
            summary.mentions += len(tables.rows["mentions"])
            summary.demands += len(tables.rows["demands"])
            summary.recommendations += len(tables.rows["recommendations"])
        if summary.documents == 0:
            # nothing to show for the run: the tables of the last good run stay
            writer.abort()
            message = f"{corpus}: no document could be processed; the tables in {out} were left as they were"
            summary.failures.append(message)
            report(f"error: {message}")
            return summary
        writer.append("actors", actors.frame())
        writer.commit(xlsx=xlsx)
    except BaseException:
        writer.abort()
        raise
    return summary
