"""``Doc`` → rows of the seven tables of TABLES.md (pandas DataFrames).

Ids are stable for the same input and pipeline version: segments and
sentences are numbered in document order, mentions, demands and
recommendations are named by their offsets.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from spacy.tokens import Doc, Span

from .components.actors import ACTORS_KEY
from .components.demands import DEMANDS_KEY
from .components.recommendations import RECOMMENDATIONS_KEY
from .components.segmenter import SEGMENTS_KEY
from .corpus import text_sha256
from .resources import load_gazetteer, root_of

COLUMNS = {
    "documents": ["doc_id", "title", "number", "date", "path", "sha256", "n_chars", "n_tokens",
                  "n_sentences"],
    "segments": ["doc_id", "segment_id", "kind", "section", "start_char", "end_char", "text"],
    "sentences": ["doc_id", "sentence_id", "segment_id", "section", "start_char", "end_char", "text"],
    "mentions": ["doc_id", "mention_id", "sentence_id", "start_char", "end_char", "text", "actor_id",
                 "actor_type", "root_id", "affiliation", "confidence", "source"],
    "actors": ["actor_id", "name", "actor_type", "root_id", "n_mentions", "n_documents"],
    "demands": ["doc_id", "demand_id", "sentence_id", "section", "start_char", "end_char", "text",
                "demander_id", "addressee_ids", "cue", "conditional", "confidence", "source"],
    "recommendations": ["doc_id", "recommendation_id", "sentence_id", "section", "start_char",
                        "end_char", "text", "target_ids", "modality", "conditional", "confidence",
                        "source"],
}
TABLES = tuple(COLUMNS)


def _sentences(doc: Doc) -> list[tuple[str, str, Span, Span]]:
    """(sentence_id, segment_id, segment, trimmed sentence) for every sentence inside a segment."""
    out = []
    n = 0
    for seg_index, segment in enumerate(doc.spans.get(SEGMENTS_KEY, [])):
        for sent in segment.sents:
            tokens = [t for t in sent if not t.is_space]
            if not tokens:
                continue
            n += 1
            trimmed = doc[tokens[0].i:tokens[-1].i + 1]
            out.append((f"{doc._.doc_id}:s{n}", f"{doc._.doc_id}:g{seg_index + 1}", segment, trimmed))
    return out


def _sentence_of(index: list[tuple[int, int, str, str]], start: int) -> tuple[str, str]:
    """The sentence holding a character offset (``index`` is sorted by start)."""
    k = bisect_right(index, (start, float("inf"))) - 1
    if k >= 0 and index[k][0] <= start < index[k][1]:
        return index[k][2], index[k][3]
    return "", ""


@dataclass
class DocTables:
    """The rows one document contributes to each table (actors are aggregated later)."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLES if t != "actors"})
    actor_counts: Counter = field(default_factory=Counter)
    actor_types: dict[str, str] = field(default_factory=dict)
    actor_names: dict[str, Counter] = field(default_factory=dict)
    affiliations: dict[str, str] = field(default_factory=dict)

    def frames(self) -> dict[str, pd.DataFrame]:
        """One frame per table, rows in ``start_char`` order (TABLES.md: sorted by
        doc_id, then start_char; documents arrive in doc_id order)."""
        return {name: pd.DataFrame(_in_text_order(rows), columns=COLUMNS[name])
                for name, rows in self.rows.items()}


def _in_text_order(rows: list[dict]) -> list[dict]:
    if rows and "start_char" in rows[0]:
        return sorted(rows, key=lambda r: (r["start_char"], r["end_char"]))
    return rows


def _join(ids) -> str:
    return ";".join(ids or [])


def doc_tables(doc: Doc) -> DocTables:
    """Rows of every table for one processed document."""
    out = DocTables()
    doc_id = doc._.doc_id
    sentences = _sentences(doc)
    index = [(s.start_char, s.end_char, sid, seg.kb_id_) for sid, _, seg, s in sentences]
    out.rows["documents"].append({
        "doc_id": doc_id, "title": doc._.title, "number": doc._.number, "date": doc._.date,
        "path": doc._.path, "sha256": text_sha256(doc.text), "n_chars": len(doc.text),
        "n_tokens": sum(1 for t in doc if not t.is_space), "n_sentences": len(sentences),
    })
    for i, seg in enumerate(doc.spans.get(SEGMENTS_KEY, []), start=1):
        out.rows["segments"].append({
            "doc_id": doc_id, "segment_id": f"{doc_id}:g{i}", "kind": seg.label_, "section": seg.kb_id_,
            "start_char": seg.start_char, "end_char": seg.end_char, "text": seg.text,
        })
    for sentence_id, segment_id, segment, sent in sentences:
        out.rows["sentences"].append({
            "doc_id": doc_id, "sentence_id": sentence_id, "segment_id": segment_id,
            "section": segment.kb_id_, "start_char": sent.start_char, "end_char": sent.end_char,
            "text": sent.text,
        })
    for span in doc.spans.get(ACTORS_KEY, []):
        sentence_id, _ = _sentence_of(index, span.start_char)
        actor_id = span.kb_id_
        root = root_of(actor_id, span._.affiliation)
        out.rows["mentions"].append({
            "doc_id": doc_id, "mention_id": f"{doc_id}:m{span.start_char}-{span.end_char}",
            "sentence_id": sentence_id, "start_char": span.start_char, "end_char": span.end_char,
            "text": span.text, "actor_id": actor_id, "actor_type": span.label_, "root_id": root,
            "affiliation": span._.affiliation, "confidence": span._.confidence, "source": span._.source,
        })
        out.actor_counts[actor_id] += 1
        out.actor_types[actor_id] = span.label_
        out.actor_names.setdefault(actor_id, Counter())[span.text] += 1
        if span._.affiliation:
            out.affiliations[actor_id] = span._.affiliation
    for span in doc.spans.get(DEMANDS_KEY, []):
        sentence_id, section = _sentence_of(index, span.start_char)
        out.rows["demands"].append({
            "doc_id": doc_id, "demand_id": f"{doc_id}:d{span.start_char}-{span.end_char}",
            "sentence_id": sentence_id, "section": section, "start_char": span.start_char,
            "end_char": span.end_char, "text": span.text, "demander_id": span._.demander,
            "addressee_ids": _join(span._.addressees), "cue": span._.cue,
            "conditional": bool(span._.conditional), "confidence": span._.confidence,
            "source": span._.source,
        })
    for span in doc.spans.get(RECOMMENDATIONS_KEY, []):
        sentence_id, section = _sentence_of(index, span.start_char)
        out.rows["recommendations"].append({
            "doc_id": doc_id, "recommendation_id": f"{doc_id}:r{span.start_char}-{span.end_char}",
            "sentence_id": sentence_id, "section": section, "start_char": span.start_char,
            "end_char": span.end_char, "text": span.text, "target_ids": _join(span._.targets),
            "modality": span._.modality, "conditional": bool(span._.conditional),
            "confidence": span._.confidence, "source": span._.source,
        })
    return out


class ActorAggregate:
    """Counts for actors.csv, accumulated document by document (memory grows with
    the number of distinct actors, not with the corpus)."""

    def __init__(self) -> None:
        self.mentions: Counter = Counter()
        self.documents: Counter = Counter()
        self.types: dict[str, str] = {}
        self.names: dict[str, Counter] = {}
        self.affiliations: dict[str, str] = {}

    def add(self, tables: DocTables) -> None:
        self.mentions.update(tables.actor_counts)
        self.documents.update(tables.actor_counts.keys())
        self.types.update(tables.actor_types)
        self.affiliations.update(tables.affiliations)
        for actor_id, names in tables.actor_names.items():
            self.names.setdefault(actor_id, Counter()).update(names)

    def frame(self) -> pd.DataFrame:
        gazetteer = load_gazetteer()
        rows = []
        for actor_id in sorted(self.mentions):
            entry = gazetteer.get(actor_id)
            name = entry["name"] if entry else self.names[actor_id].most_common(1)[0][0]
            rows.append({
                "actor_id": actor_id, "name": name, "actor_type": self.types[actor_id],
                "root_id": root_of(actor_id, self.affiliations.get(actor_id)),
                "n_mentions": self.mentions[actor_id], "n_documents": self.documents[actor_id],
            })
        return pd.DataFrame(rows, columns=COLUMNS["actors"])
