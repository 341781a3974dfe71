"""``Doc`` → rows of the seven tables of TABLES.md: plain tuples in column order
(``DocTables.frames()`` gives them as pandas DataFrames).

Everything is read from the Doc in as few passes as possible (``extract`` calls
this once per document, so it is on the hot path): sentence bounds and token
offsets from one ``to_array``, texts sliced from ``doc.text``, span extensions
from ``doc.user_data``.

Ids are stable for the same input and pipeline version: segments and
sentences are numbered in document order, mentions, demands and
recommendations are named by their offsets.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

import numpy
import pandas as pd
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
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


def _sentences(doc: Doc, segments) -> list[tuple[int, int, int]]:
    """(segment index, first, last token index) of every sentence inside a segment, trimmed of
    whitespace tokens, in segment order: what ``segment.sents`` yields, read from
    one array instead of token by token."""
    n = len(doc)
    if not n or not segments:
        return []
    array = doc.to_array([SENT_START, IS_SPACE])
    starts = numpy.flatnonzero(array[:, 0] == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)  # Span.sents walks back to the document start
    words = numpy.flatnonzero(array[:, 1] == 0).tolist()
    out = []
    for seg_index, segment in enumerate(segments):
        k = bisect_right(starts, segment.start) - 1
        while k < len(starts) and starts[k] < segment.end:
            first = starts[k]
            stop = starts[k + 1] if k + 1 < len(starts) else n
            k += 1
            lo = bisect_left(words, first)
            if lo < len(words) and words[lo] < stop:
                out.append((seg_index, words[lo], words[bisect_left(words, stop) - 1]))
    return out


def _sentence_of(index: list[tuple[int, int, str, str]], start: int) -> tuple[str, str]:
    """The sentence holding a character offset (``index`` is sorted by start)."""
    k = bisect_right(index, (start, float("inf"))) - 1
    if k >= 0 and index[k][0] <= start < index[k][1]:
        return index[k][2], index[k][3]
    return "", ""


@dataclass
class DocTables:
    """The rows one document contributes to each table (actors are aggregated later):
    tuples in ``COLUMNS`` order, sorted by ``start_char`` (then ``end_char``)."""

    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in TABLES if t != "actors"})
    actor_counts: Counter = field(default_factory=Counter)
    actor_types: dict[str, str] = field(default_factory=dict)
    actor_names: dict[str, Counter] = field(default_factory=dict)
    affiliations: dict[str, str] = field(default_factory=dict)

    def frames(self) -> dict[str, pd.DataFrame]:
        """One frame per table, rows in ``start_char`` order (TABLES.md: sorted by
        doc_id, then start_char; documents arrive in doc_id order)."""
        return {name: pd.DataFrame(rows, columns=COLUMNS[name]) for name, rows in self.rows.items()}


def _in_text_order(name: str, rows: list[tuple]) -> list[tuple]:
    if "start_char" in COLUMNS[name]:
        s, e = COLUMNS[name].index("start_char"), COLUMNS[name].index("end_char")
        rows.sort(key=lambda r: (r[s], r[e]))
    return rows


def _join(ids) -> str:
    return ";".join(ids or [])


def span_values(doc: Doc, key: str, names: tuple[str, ...]) -> list[tuple]:
    """``(start_char, end_char, label_, kb_id_, *extension values)`` of every span in
    ``doc.spans[key]``: the values ``span._`` gives, read straight from
    ``doc.user_data`` where spaCy stores them (keyed by name and character offsets),
    which is several times faster than one ``Underscore`` object per span."""
    spans = doc.spans.get(key)
    if not spans:
        return []
    data = doc.user_data
    extensions = [Span.get_extension(name) for name in names]
    defaults = [default for default, _, _, _ in extensions]
    if any(getter is not None or method is not None for _, method, getter, _ in extensions):
        # an extension computed by a getter: ask spaCy
        return [(s.start_char, s.end_char, s.label_, s.kb_id_, *[getattr(s._, name) for name in names])
                for s in spans]
    out = []
    for span in spans:
        start, end = span.start_char, span.end_char
        out.append((start, end, span.label_, span.kb_id_,
                    *[data.get(("._.", name, start, end), default) for name, default in zip(names, defaults)]))
    return out


#: The span extensions the tables and the records read, per span group.
SPAN_EXTENSIONS = {
    ACTORS_KEY: ("affiliation", "confidence", "source"),
    DEMANDS_KEY: ("demander", "addressees", "cue", "conditional", "confidence", "source"),
    RECOMMENDATIONS_KEY: ("targets", "modality", "conditional", "confidence", "source"),
}


def doc_span_values(doc: Doc) -> dict[str, list[tuple]]:
    """``span_values`` of the actor, demand and recommendation groups with the
    extensions of ``SPAN_EXTENSIONS``: read once, for ``doc_tables`` and ``doc_to_record``."""
    return {key: span_values(doc, key, names) for key, names in SPAN_EXTENSIONS.items()}


def doc_tables(doc: Doc, text: str | None = None, values: dict[str, list[tuple]] | None = None) -> DocTables:
    """Rows of every table for one processed document (``text``: ``doc.text``, when
    the caller already has it; ``values``: ``doc_span_values(doc)``, likewise)."""
    values = doc_span_values(doc) if values is None else values
    out = DocTables()
    rows = out.rows
    text = doc.text if text is None else text
    doc_id = doc._.doc_id
    segments = list(doc.spans.get(SEGMENTS_KEY, []))
    for i, seg in enumerate(segments, start=1):
        rows["segments"].append((doc_id, f"{doc_id}:g{i}", seg.label_, seg.kb_id_, seg.start_char,
                                 seg.end_char, text[seg.start_char:seg.end_char]))
    array = doc.to_array([IDX, LENGTH, IS_SPACE]) if len(doc) else numpy.zeros((0, 3), dtype="uint64")
    idx, length = array[:, 0].tolist(), array[:, 1].tolist()
    index = []
    n = 0
    for seg_index, first, last in _sentences(doc, segments):
        n += 1
        segment_id, section = f"{doc_id}:g{seg_index + 1}", segments[seg_index].kb_id_
        start, end = idx[first], idx[last] + length[last]
        sentence_id = f"{doc_id}:s{n}"
        index.append((start, end, sentence_id, section))
        rows["sentences"].append((doc_id, sentence_id, segment_id, section, start, end, text[start:end]))
    rows["documents"].append((
        doc_id, doc._.title, doc._.number, doc._.date, doc._.path, text_sha256(text), len(text),
        int(len(doc) - array[:, 2].sum()), n,
    ))
    for start, end, label, actor_id, affiliation, confidence, source in values[ACTORS_KEY]:
        sentence_id, _ = _sentence_of(index, start)
        mention = text[start:end]
        rows["mentions"].append((doc_id, f"{doc_id}:m{start}-{end}", sentence_id, start, end, mention,
                                 actor_id, label, root_of(actor_id, affiliation), affiliation,
                                 confidence, source))
        out.actor_counts[actor_id] += 1
        out.actor_types[actor_id] = label
        out.actor_names.setdefault(actor_id, Counter())[mention] += 1
        if affiliation:
            out.affiliations[actor_id] = affiliation
    for start, end, _, _, demander, addressees, cue, conditional, confidence, source in values[DEMANDS_KEY]:
        sentence_id, section = _sentence_of(index, start)
        rows["demands"].append((doc_id, f"{doc_id}:d{start}-{end}", sentence_id, section, start, end,
                                text[start:end], demander, _join(addressees), cue, bool(conditional),
                                confidence, source))
    for start, end, _, _, targets, modality, conditional, confidence, source in values[RECOMMENDATIONS_KEY]:
        sentence_id, section = _sentence_of(index, start)
        rows["recommendations"].append((doc_id, f"{doc_id}:r{start}-{end}", sentence_id, section, start,
                                        end, text[start:end], _join(targets), modality,
                                        bool(conditional), confidence, source))
    for name, table in rows.items():
        _in_text_order(name, table)
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

    def rows(self) -> list[tuple]:
        """The rows of actors.csv, sorted by actor id, in ``COLUMNS["actors"]`` order."""
        gazetteer = load_gazetteer()
        rows = []
        for actor_id in sorted(self.mentions):
            entry = gazetteer.get(actor_id)
            name = entry["name"] if entry else self.names[actor_id].most_common(1)[0][0]
            rows.append((actor_id, name, self.types[actor_id], root_of(actor_id, self.affiliations.get(actor_id)),
                         self.mentions[actor_id], self.documents[actor_id]))
        return rows

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows(), columns=COLUMNS["actors"])
