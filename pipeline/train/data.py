"""Gold records of a split → spaCy DocBins for training.

Each document is run through the rules pipeline (with the syntactic base when one is
present), so its tokens and sentences are those of extraction and the rule spans the
model learns to confirm or reject are under ``doc.spans["demands"]`` and
``doc.spans["recommendations"]``. The gold DEMAND and RECOMMENDATION spans go under
``doc.spans["sc"]`` (token-aligned by expanding to whole tokens).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from . import TrainError

GOLD_KEY = "sc"
LABELS = ("DEMAND", "RECOMMENDATION")
SPLITS = Path("annotations") / "splits.json"
TEXT_DIRS = (Path("corpus"), Path("annotations") / "texts")


@dataclass
class GoldDocument:
    doc_id: str
    text: str
    record: dict


def read_split(splits: Path, name: str) -> list[str]:
    """The doc_ids of split ``name`` in ``splits`` (annotations/splits.json)."""
    try:
        data = json.loads(Path(splits).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise TrainError(f"{splits}: cannot read the splits file ({err})") from None
    ids = data.get(name)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise TrainError(f"{splits}: no list of doc_ids under {name!r}")
    return ids


def load_gold(gold_dir: Path, doc_ids: list[str], text_dirs=TEXT_DIRS) -> list[GoldDocument]:
    """The gold records and canonical texts of ``doc_ids``; any missing or changed one is an error."""
    from ..corpus import DocumentError, read_document
    from ..evaluate import find_text

    docs = []
    for doc_id in doc_ids:
        path = Path(gold_dir) / f"{doc_id}.json"
        if not path.is_file():
            raise TrainError(f"{path}: gold file of split document {doc_id!r} not found")
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise TrainError(f"{path}: not a gold record ({type(err).__name__}: {err})") from None
        text_path = find_text(doc_id, [Path(d) for d in text_dirs])
        if text_path is None:
            raise TrainError(f"{path}: no text for {doc_id!r} in {', '.join(map(str, text_dirs))}")
        try:
            source = read_document(text_path)
        except DocumentError as err:
            raise TrainError(f"{path}: {err}") from None
        if source.sha256 != record.get("text_sha256", source.sha256):
            raise TrainError(f"{path}: text {text_path} does not match the gold file's text_sha256")
        docs.append(GoldDocument(doc_id, source.text, record))
    return docs


def gold_spans(doc: Doc, record: dict) -> list[Span]:
    spans = []
    for item in record["spans"]:
        if item["label"] in LABELS:
            span = doc.char_span(item["start"], item["end"], label=item["label"], alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
    return spans


def annotate(nlp: Language, gold_docs: list[GoldDocument]) -> list[Doc]:
    """Each gold document through ``nlp`` (the rules, maybe syntax), gold spans under ``sc``."""
    docs = []
    for gold, doc in zip(gold_docs, nlp.pipe(g.text for g in gold_docs)):
        doc._.doc_id = gold.doc_id
        doc.spans[GOLD_KEY] = gold_spans(doc, gold.record)
        docs.append(doc)
    return docs


def rules_pipeline() -> Language:
    """The layers below the trained one: rules, with syntax when a base is present."""
    from ..nlp import LayerError, build_pipeline

    try:
        return build_pipeline(("rules", "syntax"))
    except LayerError:
        return build_pipeline(("rules",))


def write_docbin(docs: list[Doc], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    from .fit import DOC_ATTRS

    DocBin(attrs=DOC_ATTRS, docs=docs, store_user_data=True).to_disk(path)


def read_docbin(path: Path, nlp: Language) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))
