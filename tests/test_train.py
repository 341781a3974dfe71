"""The trained layer (pipeline/train): a tiny model trained for real in seconds, then
train → layer → merge → records and tables, and the merge rules on hand-set scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.tokens import DocBin, Span

from pipeline.nlp import build_pipeline
from pipeline.records import doc_to_record
from pipeline.tables import doc_tables
from pipeline.train import TrainError
from pipeline.train.cv import deal_folds, train_all
from pipeline.train.data import read_split
from pipeline.train.merge import MODEL_KEY, TrainedMerge, merge
from policy_testkit import REPO

TINY_DEV = ["seed-article", "a-01", "a-02"]


@pytest.fixture(scope="session")
def tiny_trained(tmp_path_factory) -> Path:
    """`make train` on three dev documents: 2 folds, 2 epochs (seconds, not minutes)."""
    root = tmp_path_factory.mktemp("trained")
    splits = root / "splits.json"
    splits.write_text(json.dumps({"dev": TINY_DEV, "test": ["b-01"]}), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("POLICY_BASE_MODEL", "none")
    try:
        train_all(REPO / "annotations" / "gold", root / "trained", splits=splits, k=2, epochs=2,
                  report=lambda line: None)
    finally:
        mp.undo()
    return root / "trained"


def test_training_writes_model_folds_and_out_of_fold_figures(tiny_trained):
    cv = json.loads((tiny_trained / "cv.json").read_text(encoding="utf-8"))
    corpus = list(DocBin().from_disk(tiny_trained / "corpus" / "dev.spacy").get_docs(spacy.blank("en").vocab))
    assert sorted(d.user_data.get(("._.", "doc_id", None, None)) for d in corpus) == sorted(TINY_DEV)
    assert all(len(d.spans["sc"]) and "demands" in d.spans and d.has_annotation("SENT_START") for d in corpus)
    assert sorted(cv["documents"]) == sorted(TINY_DEV)
    assert "b-01" not in json.dumps(cv["folds"])  # the test split is never trained on
    held_out = sorted(i for fold in cv["folds"] for i in fold)
    assert held_out == sorted(TINY_DEV)
    for fold in range(2):
        meta = json.loads((tiny_trained / "folds" / f"fold-{fold}" / "meta.json").read_text(encoding="utf-8"))
        assert meta["policy_held_out"] == cv["folds"][fold]
    rules = cv["out_of_fold"]["rules_only"]
    assert rules["DEMAND"]["n_gold"] > 0 and 0 <= rules["DEMAND"]["f1"] <= 1
    assert set(cv["merge"]["add_threshold"]) == set(cv["merge"]["drop_below"]) == {"DEMAND", "RECOMMENDATION"}
    for label in ("DEMAND", "RECOMMENDATION"):
        assert cv["span_classifier"][label]["n_gold"] > 0
        bands = cv["rule_rows_by_model_score"][label]
        assert sum(b["rows"] for b in bands.values()) == rules[label]["n_pred"]


def test_train_cli_names_a_missing_gold_file(tmp_path):
    import os
    import subprocess
    import sys

    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"dev": ["no-such-doc"]}), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "POLICY_BASE_MODEL": "none"}
    result = subprocess.run([sys.executable, "-m", "pipeline.train", "--gold", str(REPO / "annotations" / "gold"),
                             "--splits", str(splits), "--out", str(tmp_path / "out")],
                            cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip() and "Warning" not in line]
    assert lines[-1].startswith("error: ") and "no-such-doc" in lines[-1]


def test_trained_layer_in_the_pipeline_keeps_source_and_confidence(tiny_trained, seed_text, monkeypatch):
    monkeypatch.delenv("POLICY_TRAINED_MODEL")
    nlp = build_pipeline("rules+trained", trained=tiny_trained / "model-best")
    assert nlp.meta["policy_layers"] == ["rules", "trained"]
    names = nlp.pipe_names
    assert names.index("policy_spancat") > names.index("policy_recommendations")
    assert names[-1] == "policy_trained_merge"
    doc = nlp(seed_text)
    doc._.doc_id = "seed-article"
    record = doc_to_record(doc)
    rows = [s for s in record["spans"] if s["label"] in {"DEMAND", "RECOMMENDATION"}]
    assert rows
    for row in rows:
        assert row["source"] in {"rule", "model"}
        assert 0.0 <= row["confidence"] <= 1.0
    tables = doc_tables(doc).frames()
    for table in ("demands", "recommendations"):
        assert tables[table]["source"].isin(["rule", "model"]).all()
        assert tables[table]["confidence"].between(0, 1).all()


def test_trained_layer_survives_a_disk_round_trip(tiny_trained, seed_text, tmp_path, monkeypatch):
    monkeypatch.delenv("POLICY_TRAINED_MODEL")
    nlp = build_pipeline("rules+trained", trained=tiny_trained / "model-best")
    nlp.to_disk(tmp_path / "stacked")
    again = spacy.load(tmp_path / "stacked")
    a, b = nlp(seed_text), again(seed_text)
    assert [(s.start, s.end, s._.confidence) for s in a.spans["demands"]] == \
        [(s.start, s.end, s._.confidence) for s in b.spans["demands"]]


def _scored(nlp, text: str, scored: list[tuple[int, int, str, float]]):
    doc = nlp(text)
    group = [Span(doc, s, e, label=label) for s, e, label, _ in scored]
    doc.spans[MODEL_KEY] = group
    doc.spans[MODEL_KEY].attrs["scores"] = numpy.asarray([v for *_, v in scored], dtype="f")
    return doc


def _merge(nlp, **settings):
    base = {"confirm": 0.5, "reject": 0.1, "add_threshold": {"DEMAND": None, "RECOMMENDATION": None},
            "drop_below": {"DEMAND": None, "RECOMMENDATION": None}}
    base.update(settings)
    return TrainedMerge(nlp, "policy_trained_merge", **base)


TEXT = ("Ministers Call on Iran\n\nGermany urged Iran to halt enrichment at Fordow. "
        "Poland said Belarus must withdraw its troops from the border.\n")


def test_merge_confirms_and_rejects_rule_rows(nlp):
    doc = nlp(TEXT)
    rules = [(s.start, s.end) for s in doc.spans["demands"]]
    assert rules, "the rules should find 'halt enrichment at Fordow'"
    start, end = rules[0]
    before = doc.spans["demands"][0]._.confidence
    confirmed = merge(_scored(nlp, TEXT, [(start, end, "DEMAND", 0.9)]), _merge(nlp))
    assert confirmed.spans["demands"][0]._.confidence > before
    rejected = merge(_scored(nlp, TEXT, [(start, end, "DEMAND", 0.01)]), _merge(nlp))
    assert rejected.spans["demands"][0]._.confidence < before
    assert rejected.spans["demands"][0]._.source == "rule"
    dropped = merge(_scored(nlp, TEXT, []), _merge(nlp, drop_below={"DEMAND": 0.05, "RECOMMENDATION": None}))
    assert (start, end) not in [(s.start, s.end) for s in dropped.spans["demands"]]


def test_merge_adds_model_only_spans_with_their_roles(nlp):
    doc = nlp(TEXT)
    taken = {(s.start, s.end) for key in ("demands", "recommendations") for s in doc.spans[key]}
    withdraw = next(t.i for t in doc if t.text == "withdraw")
    end = next(t.i for t in doc if t.text == "border") + 1
    span = (withdraw, end)
    for key in ("demands", "recommendations"):  # leave room for the model's span
        doc.spans[key] = [s for s in doc.spans[key] if s.end <= withdraw or s.start >= end]
    scored = _scored(nlp, TEXT, [(*span, "DEMAND", 0.8), (*span, "RECOMMENDATION", 0.3)])
    for key in ("demands", "recommendations"):
        scored.spans[key] = [scored[s.start:s.end] for s in doc.spans[key]]
        for s, old in zip(scored.spans[key], doc.spans[key]):
            s._.confidence, s._.source = old._.confidence, old._.source
    off = merge(scored.copy(), _merge(nlp))
    assert span not in [(s.start, s.end) for s in off.spans["demands"]]
    on = merge(scored, _merge(nlp, add_threshold={"DEMAND": 0.7, "RECOMMENDATION": 0.7}))
    added = [s for s in on.spans["demands"] if (s.start, s.end) == span]
    assert len(added) == 1 and added[0]._.source == "model" and added[0]._.confidence == 0.8
    assert added[0]._.demander == "POL" and added[0]._.addressees == ["BLR"]
    assert span not in [(s.start, s.end) for s in on.spans["recommendations"]]  # under its threshold
    assert taken  # the rules found something in the text to begin with


def test_folds_are_by_document_and_reproducible():
    ids = [f"d{i}" for i in range(11)]
    folds = deal_folds(ids, 5, seed=0)
    assert sorted(i for f in folds for i in f) == sorted(ids)
    assert folds == deal_folds(list(reversed(ids)), 5, seed=0)
    assert max(map(len, folds)) - min(map(len, folds)) <= 1


def test_bad_split_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "splits.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(TrainError, match="splits.json"):
        read_split(bad, "dev")
    bad.write_text(json.dumps({"test": []}), encoding="utf-8")
    with pytest.raises(TrainError, match="'dev'"):
        read_split(bad, "dev")
