"""`make evaluate`'s side-by-side mode: every layer present, skipped ones named,
dev/test micro rows, the trained layer scored out of fold on dev."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from pipeline.evaluate import compare, read_splits
from policy_testkit import REPO

from test_train import tiny_trained  # noqa: F401  (the session's tiny trained layer)

GOLD = REPO / "annotations" / "gold"
TEXTS = [REPO / "corpus", REPO / "annotations" / "texts"]


def _gold(tmp_path, ids):
    folder = tmp_path / "gold"
    folder.mkdir()
    for doc_id in ids:
        shutil.copy(GOLD / f"{doc_id}.json", folder / f"{doc_id}.json")
    return folder


def test_compare_without_optional_layers_scores_rules_and_names_the_rest(tmp_path):
    gold = _gold(tmp_path, ["seed-article", "a-01"])
    lines = []
    metrics = compare(gold, tmp_path / "out", text_dirs=TEXTS, splits=None, report=lines.append)
    assert list(metrics["pipelines"]) == ["rules"]
    assert set(metrics["skipped"]) == {"rules+syntax", "rules+trained"}
    assert "POLICY_TRAINED_MODEL=none" in metrics["skipped"]["rules+trained"]
    assert metrics["pipelines"]["rules"]["documents"]["seed-article"]["DEMAND"]["f1"] >= 0.85
    table = lines[-1]
    assert "seed-article  [rules]" in table and "MICRO  [rules]" in table
    assert "skipped rules+syntax" in table
    saved = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert saved["pipelines"]["rules"]["micro"] == metrics["pipelines"]["rules"]["micro"]


def test_compare_scores_the_trained_layer_out_of_fold_and_splits_dev_test(tmp_path, tiny_trained, monkeypatch):
    monkeypatch.delenv("POLICY_TRAINED_MODEL")
    gold = _gold(tmp_path, ["seed-article", "a-01", "b-01"])
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"dev": ["seed-article", "a-01"], "test": ["b-01"]}), encoding="utf-8")
    lines = []
    metrics = compare(gold, tmp_path / "out", text_dirs=TEXTS, splits=splits,
                      trained=tiny_trained / "model-best", report=lines.append)
    assert list(metrics["pipelines"]) == ["rules", "rules+trained"]
    trained = metrics["pipelines"]["rules+trained"]
    assert set(trained["micro_by_split"]) == {"dev", "test"}
    assert trained["micro_by_split"]["test"]["DEMAND"]["n_gold"] > 0
    assert "out of fold" in metrics["notes"]["rules+trained"]
    assert "MICRO test  [rules+trained]" in lines[-1] and "MICRO dev  [rules]" in lines[-1]
    # the rules rows are those of the rules-only pipeline, whatever the trained layer does
    rules = metrics["pipelines"]["rules"]["documents"]
    assert rules["seed-article"]["DEMAND"]["n_gold"] == trained["documents"]["seed-article"]["DEMAND"]["n_gold"]


def test_read_splits_names_a_broken_file(tmp_path):
    bad = tmp_path / "splits.json"
    bad.write_text("{", encoding="utf-8")
    try:
        read_splits(bad)
    except ValueError as err:
        assert "splits.json" in str(err)
    else:
        raise AssertionError("a broken splits file must be an error")
    assert read_splits(tmp_path / "absent.json") == {}


def test_evaluate_cli_compare_prints_one_table(tmp_path):
    gold = _gold(tmp_path, ["seed-article"])
    env = {**os.environ, "PYTHONPATH": str(REPO), "POLICY_BASE_MODEL": "none", "POLICY_TRAINED_MODEL": "none"}
    result = subprocess.run([sys.executable, "-m", "pipeline", "evaluate", "--compare", "--gold", str(gold),
                             "--texts", str(REPO / "corpus"), "--out", str(tmp_path / "out")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert "seed-article  [rules]" in result.stdout
    assert "skipped rules+trained: POLICY_TRAINED_MODEL=none" in result.stdout
    assert (tmp_path / "out" / "metrics.json").exists()
