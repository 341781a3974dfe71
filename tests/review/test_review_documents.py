"""Offline tests of local files: canonical text and gold files with history."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from pipeline.review.documents import document_text, read_canonical_text, write_gold


def test_canonical_text_strips_bom_and_normalises_newlines_only(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes("\ufeffA\r\nB\rC\u00a0“D”\n".encode("utf-8"))
    assert read_canonical_text(path) == "A\nB\nC\u00a0“D”\n"


def test_document_text_prefers_the_corpus(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "d.txt").write_text("from texts")
    assert document_text("d", tmp_path / "corpus", tmp_path / "texts")[1] == "from texts"
    (tmp_path / "corpus" / "d.txt").write_text("from corpus")
    assert document_text("d", tmp_path / "corpus", tmp_path / "texts")[1] == "from corpus"
    assert document_text("missing", tmp_path / "corpus", tmp_path / "texts") is None


def test_write_gold_keeps_the_replaced_version(tmp_path):
    record = {"doc_id": "d", "spans": [{"label": "ACTOR", "text": "Poland’s"}]}
    first = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert write_gold(record, tmp_path, now=first) == "new"
    assert write_gold(record, tmp_path, now=first) == "unchanged"
    assert not (tmp_path / ".history").exists()
    changed = {**record, "spans": []}
    assert write_gold(changed, tmp_path, now=first) == "replaced"
    assert write_gold(record, tmp_path, now=first) == "replaced"  # same second: no clobbering
    history = sorted(p.name for p in (tmp_path / ".history").iterdir())
    assert history == ["d.20240102T030405Z-1.json", "d.20240102T030405Z.json"]
    assert json.loads((tmp_path / ".history" / "d.20240102T030405Z.json").read_text(encoding="utf-8")) == record
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8")) == record
    assert "Poland’s" in (tmp_path / "d.json").read_text(encoding="utf-8")  # like seed-gold.json: not escaped
    assert sorted(p.name for p in tmp_path.iterdir()) == [".history", "d.json"]  # no temporary files left
