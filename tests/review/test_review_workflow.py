"""Offline tests of reading what review-push uploads."""

from __future__ import annotations

import json

from review_fixtures import unicode_record

from pipeline.review.workflow import load_predictions


def test_load_predictions_pairs_corpus_texts_with_records_and_names_each_failure(tmp_path):
    record, text = unicode_record()
    corpus, predictions = tmp_path / "corpus", tmp_path / "predictions"
    corpus.mkdir()
    predictions.mkdir()
    (corpus / "unicode-note.txt").write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    (predictions / "unicode-note.json").write_text(json.dumps(record), encoding="utf-8")
    (corpus / "no-prediction.txt").write_text("Title\n")
    (corpus / "bad-json.txt").write_text("Title\n")
    (predictions / "bad-json.json").write_text("{not json")
    (corpus / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    (predictions / "latin1.json").write_text("{}")
    documents, errors = load_predictions(corpus, predictions)
    assert documents == [(record, text)]  # canonical text: BOM and \r\n gone
    assert sorted(e.split(":")[0].rsplit("/", 1)[-1] for e in errors) == \
        ["bad-json.json", "latin1.txt", "no-prediction.json"]
    assert any("no prediction for" in e and "run `make extract`" in e for e in errors)


def test_empty_corpus_is_an_error(tmp_path):
    documents, errors = load_predictions(tmp_path, tmp_path)
    assert documents == [] and errors == [f"{tmp_path}: no .txt documents to push"]
