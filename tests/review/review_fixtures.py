"""Records and exports the review tests build (shared by the test modules and conftest)."""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path

from pipeline.review.doccano_format import GOLD_ATTRIBUTES

REPO = Path(__file__).resolve().parents[2]
SERVER_VENV = REPO / ".venv-doccano"
CLIENT_PYTHON = REPO / ".venv-doccano-client" / "bin" / "python"

#: curly quotes, no-break space, accented letters and an emoji (4 bytes in UTF-8, one code point)
UNICODE_TEXT = (
    "Poland’s “Answer” to Moscow\n\n"
    "On 3 May the Polish president said Russia must “withdraw its forces” from Ukraine.\u00a0"
    "Café talks in Kraków 😀 went on. NATO should support the résistance of Ukraine’s citizens.\n"
)


def _find(text: str, fragment: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(fragment, start + 1)
    return start, start + len(fragment)


def make_record(doc_id: str, text: str, spans: list[tuple]) -> dict:
    """A prediction record; spans are (label, fragment, occurrence, attributes)."""
    built = []
    for label, fragment, occurrence, attributes in spans:
        start, end = _find(text, fragment, occurrence)
        built.append({"label": label, "start": start, "end": end, "text": fragment, **attributes})
    built.sort(key=lambda s: s["start"])
    return {
        "doc_id": doc_id,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "n_chars": len(text),
        "segments": {"title": text.split("\n")[0], "number": "", "date": "", "caption": "", "headings": [],
                     "n_paragraphs": 1, "section_paragraphs": {"": 1}},
        "spans": built,
    }


def unicode_record() -> tuple[dict, str]:
    machine = {"confidence": 0.9, "source": "rule"}
    record = make_record("unicode-note", UNICODE_TEXT, [
        ("ACTOR", "Poland", 1, {"actor_id": "POL", "actor_type": "state", **machine}),
        ("ACTOR", "Moscow", 1, {"actor_id": "RUS", "actor_type": "state", **machine}),
        ("ACTOR", "Polish", 1, {"actor_id": "POL", "actor_type": "state", **machine}),
        ("ACTOR", "Russia", 1, {"actor_id": "RUS", "actor_type": "state", **machine}),
        ("DEMAND", "“withdraw its forces” from Ukraine", 1,
         {"demander": "POL", "addressees": ["RUS"], "cue": "must", **machine}),
        ("ACTOR", "Ukraine", 1, {"actor_id": "UKR", "actor_type": "state", **machine}),
        ("ACTOR", "NATO", 1, {"actor_id": "NATO", "actor_type": "organisation", **machine}),
        # EU has no mention in the text: the target travels in the metadata, not as a relation.
        ("RECOMMENDATION", "support the résistance of Ukraine’s citizens", 1,
         {"targets": ["NATO", "EU"], "modality": "should", **machine}),
        ("ACTOR", "Ukraine", 2, {"actor_id": "UKR", "actor_type": "state", **machine}),
    ])
    return record, UNICODE_TEXT


def gold_spans(spans: list[dict]) -> list[dict]:
    """Spans as a gold file has them (prediction-only keys dropped)."""
    keep = {"label", "start", "end", "text"}
    return [{k: v for k, v in s.items() if k in keep or k in GOLD_ATTRIBUTES[s["label"]]} for s in spans]


def as_exported(line: dict, example_id: int = 7, *, confirmed: bool = False) -> dict:
    """An uploaded line as doccano's export returns it: database ids, metadata flattened."""
    exported = copy.deepcopy(line)
    offset = 1000
    for entity in exported["entities"]:
        entity["id"] += offset
    for number, relation in enumerate(exported["relations"]):
        relation.update(id=500 + number, from_id=relation["from_id"] + offset, to_id=relation["to_id"] + offset)
    exported.update(id=example_id, Comments=[], is_confirmed=confirmed)
    return exported
