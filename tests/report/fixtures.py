"""Builds extract-style tables (TABLES.md) from annotation records, for report tests.

The report reads only what `make extract` writes. These helpers write the same
seven CSV tables, plus ``confidence`` and ``source`` on the span tables, from
records in the gold format (seed-gold.json) and the raw document files, so the
report can be tested on the seed and on a synthetic corpus without the
pipeline. Segments are laid out from blank-line blocks the way the annotation
guide describes; sentences are a rough regex split, enough for sentence ids.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.corpus import canonical_text
from pipeline.report.tables import REQUIRED_COLUMNS

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT = REPO / "corpus" / "seed-article.txt"
SEED_GOLD = REPO / "annotations" / "gold" / "seed-article.json"

DATE_LINE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])|\n")
SPAN_COLUMNS = ("confidence", "source")
TABLE_NAMES = ("documents", "segments", "sentences", "mentions", "actors", "demands", "recommendations")
SENTENCE_COLUMNS = ["doc_id", "sentence_id", "segment_id", "section", "start_char", "end_char", "text"]


@dataclass
class FixtureDocument:
    """A document file's bytes and its annotation record (gold format)."""

    doc_id: str
    raw: bytes
    record: dict
    with_segments: bool = True  # False: write no segments rows, as a failed layout would

    @property
    def text(self) -> str:
        return canonical_text(self.raw)


def seed_document() -> FixtureDocument:
    """The seed article with its gold record standing in for predictions."""
    record = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    return FixtureDocument(record["doc_id"], SEED_TEXT.read_bytes(), record)


def annotate(text: str, spans: Iterable[tuple]) -> list[dict]:
    """Record spans from ``(label, needle, occurrence, attributes)``: the needle's
    n-th occurrence in ``text`` (0-based) gives the offsets."""
    records = []
    for label, needle, occurrence, attributes in spans:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(needle, start + 1)
        records.append({"label": label, "start": start, "end": start + len(needle), "text": needle, **attributes})
    return sorted(records, key=lambda s: (s["start"], s["end"]))


def layout(text: str, segments: dict) -> list[dict]:
    """Segments of a text from its blank-line blocks and the record's segment summary."""
    blocks = [(m.start(), m.end()) for m in re.finditer(r"[^\n](?:.|\n(?!\n))*", text)]
    headings = set(segments.get("headings", []))
    rows, section, seen_lead = [], "", False
    for index, (block_start, block_end) in enumerate(blocks):
        # Number and date lines may share a block; lay them out line by line.
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text[block_start:block_end])]
        header = index > 0 and not seen_lead and all(
            _is_number_or_date(text[block_start + s:block_start + e], segments) for s, e in lines
        )
        for start, end in [(block_start + s, block_start + e) for s, e in lines] if header else [(block_start, block_end)]:
            block = text[start:end]
            if index == 0:
                kind = "title"
            elif header:
                kind = "number" if block == segments.get("number") or block.isdigit() else "date"
            elif block == segments.get("caption"):
                kind = "caption"
            elif block in headings:
                kind, section = "heading", block
            elif not seen_lead:
                kind, seen_lead = "lead", True
            else:
                kind = "paragraph"
            rows.append({"kind": kind, "section": "" if kind == "heading" else section, "start": start, "end": end})
    return rows


def _is_number_or_date(line: str, segments: dict) -> bool:
    return line == segments.get("number") or line.isdigit() or DATE_LINE.fullmatch(line) is not None


def _sentences(text: str, segment: dict) -> list[tuple[int, int]]:
    if segment["kind"] not in ("title", "lead", "paragraph"):
        return []
    spans, cursor = [], segment["start"]
    for match in SENTENCE_BREAK.finditer(text, segment["start"], segment["end"]):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, segment["end"]))
    return [(s, e) for s, e in spans if e > s]


def _containing(rows: list[dict], start: int) -> dict:
    return next((r for r in rows if r["start_char"] <= start < r["end_char"]), {"sentence_id": "", "section": ""})


def root_id(actor_id: str, actor_type: str, affiliation: str) -> str:
    """The root of an actor id (ANNOTATION_GUIDE.md, "Actor ids")."""
    if actor_type == "person":
        return affiliation or actor_id
    if actor_type == "body" and ":" in actor_id:
        return actor_id.split(":", 1)[0]
    return actor_id


def tables_for(documents: Iterable[FixtureDocument], corpus_dir: Path) -> dict[str, pd.DataFrame]:
    """The seven tables for ``documents``, whose files are written into ``corpus_dir``."""
    rows = defaultdict(list)
    actor_texts: dict[str, Counter] = defaultdict(Counter)
    actor_info: dict[str, tuple[str, str]] = {}
    actor_docs: dict[str, set] = defaultdict(set)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    for document in sorted(documents, key=lambda d: d.doc_id):
        doc_id, text, record = document.doc_id, document.text, document.record
        path = corpus_dir / f"{doc_id}.txt"
        path.write_bytes(document.raw)
        segments = layout(text, record.get("segments", {}))
        sentences = []
        for n, segment in enumerate(segments):
            segment_id = f"{doc_id}:g{n:03d}"
            if document.with_segments:
                rows["segments"].append({
                    "doc_id": doc_id, "segment_id": segment_id, "kind": segment["kind"],
                    "section": segment["section"], "start_char": segment["start"], "end_char": segment["end"],
                    "text": text[segment["start"]:segment["end"]],
                })
            for start, end in _sentences(text, segment):
                sentences.append({
                    "doc_id": doc_id, "sentence_id": f"{doc_id}:s{len(sentences):04d}", "segment_id": segment_id,
                    "section": segment["section"], "start_char": start, "end_char": end, "text": text[start:end],
                })
        rows["sentences"].extend(sentences)
        segment_info = record.get("segments", {})
        rows["documents"].append({
            "doc_id": doc_id, "title": segment_info.get("title", ""), "number": segment_info.get("number", ""),
            "date": segment_info.get("date", ""), "path": str(path),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "n_chars": len(text),
            "n_tokens": len(re.findall(r"\w+|[^\w\s]", text)), "n_sentences": len(sentences),
        })
        counters = Counter()
        for span in record["spans"]:
            sentence = _containing(sentences, span["start"])
            common = {
                "doc_id": doc_id, "sentence_id": sentence["sentence_id"],
                "start_char": span["start"], "end_char": span["end"], "text": span["text"],
            }
            extra = {"confidence": span.get("confidence", 1.0), "source": span.get("source", "human")}
            counters[span["label"]] += 1
            n = counters[span["label"]]
            if span["label"] == "ACTOR":
                actor_id = span["actor_id"]
                actor_texts[actor_id][span["text"]] += 1
                actor_info.setdefault(actor_id, (span["actor_type"], span.get("affiliation", "")))
                actor_docs[actor_id].add(doc_id)
                rows["mentions"].append({
                    **common, "mention_id": f"{doc_id}:m{n:04d}", "actor_id": actor_id,
                    "actor_type": span["actor_type"], **extra,
                })
            elif span["label"] == "DEMAND":
                rows["demands"].append({
                    **common, "demand_id": f"{doc_id}:d{n:03d}", "section": sentence["section"],
                    "demander_id": span.get("demander", ""), "addressee_ids": ";".join(span.get("addressees", [])),
                    "cue": span.get("cue", ""), **extra,
                })
            else:
                rows["recommendations"].append({
                    **common, "recommendation_id": f"{doc_id}:r{n:03d}", "section": sentence["section"],
                    "target_ids": ";".join(span.get("targets", [])), "modality": span.get("modality", ""), **extra,
                })
    for actor_id in sorted(actor_texts):
        actor_type, affiliation = actor_info[actor_id]
        rows["actors"].append({
            "actor_id": actor_id, "name": actor_texts[actor_id].most_common(1)[0][0], "actor_type": actor_type,
            "root_id": root_id(actor_id, actor_type, affiliation),
            "n_mentions": sum(actor_texts[actor_id].values()), "n_documents": len(actor_docs[actor_id]),
        })
    columns = {**REQUIRED_COLUMNS, "sentences": SENTENCE_COLUMNS}
    tables = {}
    for name in TABLE_NAMES:
        wanted = list(columns[name]) + (list(SPAN_COLUMNS) if name in ("mentions", "demands", "recommendations") else [])
        frame = pd.DataFrame(rows[name], columns=wanted)
        if "start_char" in frame.columns:
            frame = frame.sort_values(["doc_id", "start_char"], kind="stable")
        tables[name] = frame
    return tables


def write_extract_output(documents: Iterable[FixtureDocument], out_dir: Path, corpus_dir: Path) -> dict[str, pd.DataFrame]:
    """Writes OUT/<table>.csv as `make extract` would; returns the tables written."""
    tables = tables_for(documents, corpus_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8")
    return tables


# ---- a synthetic mini-corpus -------------------------------------------------
# Hostile text on purpose: markup and script in the title, in plain text and
# inside a demand; a BOM and CRLF line ends (offsets are on the canonical text);
# an emoji of two code points before a span; crossing spans; empty roles.
MARKUP_TEXT = (
    "Statement on <script>alert(1)</script> & <b>bold</b> claims\r\n"
    "\r\n"
    "2024-03-01\r\n"
    "\r\n"
    "The EU & NATO say <b>Russia</b> must withdraw its forces at once. "
    "<img src=x onerror=\"document.title='pwned'\"> was pasted here.\r\n"
    "\r\n"
    "Reactions\r\n"
    "\r\n"
    "Poland demands that Russia <script>document.body.dataset.pwned = \"yes\"</script> pay reparations & "
    "return the ships. \U0001F1EA\U0001F1FA The EU should “review” its <i>sanctions</i> policy.\r\n"
)
JOINT_TEXT = (
    "Joint Statement on Border Security\n"
    "\n"
    "15 December 2021\n"
    "\n"
    "The presidents of Lithuania, Latvia and Estonia said the EU should pay for the barriers on the "
    "border with Belarus.\n"
    "\n"
    "Requests\n"
    "\n"
    "They call on NATO to strengthen its presence and to keep the door open for Ukraine.\n"
    "The following measures are proposed:\n"
    "- sanctions on the regime in Minsk\n"
    "- an end to the crisis\n"
    "\n"
    "Assessment\n"
    "\n"
    "Washington could support the effort while also urging Germany to contribute. Allies should coordinate. "
    "It is advisable to act fast.\n"
)
NOTES_TEXT = "Notes without annotations\n\nA short text in which nothing is tagged & nothing <em>should</em> be.\n"


def _actor(needle: str, occurrence: int, actor_id: str, actor_type: str = "state", **extra) -> tuple:
    return ("ACTOR", needle, occurrence, {"actor_id": actor_id, "actor_type": actor_type, **extra})


def synthetic_documents() -> list[FixtureDocument]:
    """Three small documents that exercise escaping, layout and span drawing."""
    markup = canonical_text(b"\xef\xbb\xbf" + MARKUP_TEXT.encode("utf-8"))
    markup_spans = annotate(markup, [
        _actor("EU", 0, "EU", "organisation", confidence=0.91, source="rule"),
        _actor("NATO", 0, "NATO", "organisation", confidence=0.88, source="rule"),
        _actor("Russia", 0, "RUS", confidence=0.97, source="rule"),
        ("DEMAND", "withdraw its forces at once", 0,
         {"demander": "EU", "addressees": ["RUS"], "cue": "must", "confidence": 0.62, "source": "model"}),
        _actor("Poland", 0, "POL", confidence=0.99, source="rule"),
        _actor("Russia", 1, "RUS", confidence=0.97, source="rule"),
        ("DEMAND", "<script>document.body.dataset.pwned = \"yes\"</script> pay reparations & return the ships", 0,
         {"demander": "POL", "addressees": ["RUS"], "cue": "demands", "confidence": 0.55, "source": "model"}),
        _actor("EU", 1, "EU", "organisation", confidence=0.91, source="rule"),
        ("RECOMMENDATION", "“review” its <i>sanctions</i> policy", 0,
         {"targets": ["EU"], "modality": "should", "confidence": 0.74, "source": "model"}),
    ])
    joint_spans = annotate(JOINT_TEXT, [
        _actor("Lithuania", 0, "LTU"), _actor("Latvia", 0, "LVA"), _actor("Estonia", 0, "EST"),
        _actor("EU", 0, "EU", "organisation"), _actor("Belarus", 0, "BLR"),
        ("DEMAND", "pay for the barriers on the border with Belarus", 0, {"demander": "LTU", "addressees": ["EU"]}),
        _actor("NATO", 0, "NATO", "organisation"),
        ("DEMAND", "strengthen its presence", 0, {"demander": "LTU", "addressees": ["NATO"], "cue": "call on"}),
        ("DEMAND", "keep the door open for Ukraine", 0, {"demander": "LTU", "addressees": ["NATO"], "cue": "call on"}),
        _actor("Ukraine", 0, "UKR"),
        ("DEMAND", "sanctions on the regime in Minsk", 0, {"demander": "LTU", "addressees": []}),
        _actor("regime", 0, "BLR"),
        _actor("Washington", 0, "USA"),
        ("RECOMMENDATION", "support the effort while also urging Germany", 0, {"targets": ["USA"], "modality": "could"}),
        ("RECOMMENDATION", "urging Germany to contribute", 0, {"targets": ["USA"], "modality": "could"}),
        _actor("Germany", 0, "DEU"),
        _actor("Allies", 0, "NATO", "organisation"),
        ("RECOMMENDATION", "coordinate", 0, {"targets": ["NATO"], "modality": "should"}),
        ("RECOMMENDATION", "act fast", 0, {"targets": [], "modality": "advisable"}),
    ])
    return [
        FixtureDocument("script-and-markup", b"\xef\xbb\xbf" + MARKUP_TEXT.encode("utf-8"), {
            "doc_id": "script-and-markup",
            "segments": {"title": markup.split("\n")[0], "date": "2024-03-01", "headings": ["Reactions"]},
            "spans": markup_spans,
        }),
        FixtureDocument("joint-statement", JOINT_TEXT.encode("utf-8"), {
            "doc_id": "joint-statement",
            "segments": {"title": "Joint Statement on Border Security", "date": "2021-12-15",
                         "headings": ["Requests", "Assessment"]},
            "spans": joint_spans,
        }),
        FixtureDocument("notes", NOTES_TEXT.encode("utf-8"), {
            "doc_id": "notes", "segments": {"title": "Notes without annotations"}, "spans": [],
        }, with_segments=False),
    ]
