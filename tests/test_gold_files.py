"""The committed gold files are well-formed and in step with their markup sources."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.markup import actor_type, canonical_text, compile_directory

REPO = Path(__file__).resolve().parents[1]
ANNOTATIONS = REPO / "annotations"
GOLD_FILES = sorted((ANNOTATIONS / "gold").glob("*.json"))
SPAN_KEYS = {
    "ACTOR": {"label", "start", "end", "text", "actor_id", "actor_type"},
    "DEMAND": {"label", "start", "end", "text", "demander", "addressees"},
    "RECOMMENDATION": {"label", "start", "end", "text", "targets", "modality"},
}


def gold_text(doc_id: str) -> str:
    for folder in ("texts", "../corpus"):
        path = ANNOTATIONS / folder / f"{doc_id}.txt"
        if path.exists():
            return canonical_text(path.read_bytes())
    raise AssertionError(f"{doc_id}: no text in annotations/texts/ or corpus/")


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda path: path.stem)
def test_gold_file_is_well_formed(path):
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["doc_id"] == path.stem
    text = gold_text(path.stem)
    assert record["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert record["n_chars"] == len(text)
    spans = record["spans"]
    assert [span["start"] for span in spans] == sorted(span["start"] for span in spans)
    for span in spans:
        keys = SPAN_KEYS[span["label"]]
        assert keys <= set(span) <= keys | {"affiliation"}, span
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"]:span["end"]] == span["text"]
        if span["label"] == "ACTOR":
            assert actor_type(span["actor_id"])[0] == span["actor_type"]
        elif span["label"] == "DEMAND":
            for actor_id in [span["demander"], *span["addressees"]]:
                actor_type(actor_id)
        else:
            for actor_id in span["targets"]:
                actor_type(actor_id)


def test_compiled_gold_files_match_their_markup_sources():
    outputs, errors = compile_directory(ANNOTATIONS / "src")
    assert errors == []
    compiled = {path: content for path, content in outputs.items() if path.exists()}
    assert compiled, "no compiled annotations/src documents"
    for path, content in compiled.items():
        assert path.read_text(encoding="utf-8") == content, f"{path} is stale: run python -m pipeline.markup"
