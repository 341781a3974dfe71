"""pipeline.evaluate: the guide's scoring on hand-made records, and the floors on the seed."""

from __future__ import annotations

import json

import pytest

from pipeline.evaluate import evaluate, score_document
from policy_testkit import REPO, SEED_GOLD, SEED_TEXT, run_cli, stderr_lines, write_corpus

TEXT = "Russia demands that Ukraine withdraw its forces from the border now."


def record(*spans: dict) -> dict:
    return {"doc_id": "d", "text_sha256": "", "n_chars": len(TEXT), "segments": {}, "spans": list(spans)}


def actor(start, end, actor_id, **extra):
    return {"label": "ACTOR", "start": start, "end": end, "text": TEXT[start:end], "actor_id": actor_id,
            "actor_type": "state", **extra}


def demand(start, end, demander="RUS", addressees=("UKR",)):
    return {"label": "DEMAND", "start": start, "end": end, "text": TEXT[start:end], "demander": demander,
            "addressees": list(addressees)}


def recommendation(start, end, targets=("UKR",)):
    return {"label": "RECOMMENDATION", "start": start, "end": end, "text": TEXT[start:end],
            "targets": list(targets), "modality": "should"}


WITHDRAW = (TEXT.index("withdraw"), TEXT.index(" now"))   # "withdraw its forces from the border"
SPLIT = TEXT.index(" from the border")


def test_identical_records_score_one():
    gold = record(actor(0, 6, "RUS"), demand(*WITHDRAW), recommendation(*WITHDRAW))
    m = score_document(gold, gold).metrics()
    for label in ("ACTOR", "DEMAND", "RECOMMENDATION"):
        assert (m[label]["precision"], m[label]["recall"], m[label]["f1"]) == (1.0, 1.0, 1.0)
    assert (m["demander_accuracy"], m["addressee_f1"], m["target_f1"], m["actor_id_accuracy"]) == (1.0,) * 4


def test_split_span_still_counts():
    gold = record(demand(*WITHDRAW))
    pred = record(demand(WITHDRAW[0], SPLIT), demand(SPLIT + 1, WITHDRAW[1]))
    m = score_document(gold, pred).metrics()
    assert (m["DEMAND"]["precision"], m["DEMAND"]["recall"]) == (1.0, 1.0)
    assert m["DEMAND"]["n_pred"] == 2


def test_extra_text_lowers_precision():
    gold = record(demand(TEXT.index("withdraw"), SPLIT))            # "withdraw its forces"
    pred = record(demand(TEXT.index("Ukraine"), len(TEXT)))          # far more than that
    m = score_document(gold, pred).metrics()
    assert m["DEMAND"]["recall"] == 1.0     # all of the gold span is covered
    assert m["DEMAND"]["precision"] == 0.0  # less than half of the prediction is gold


def test_missing_text_lowers_recall():
    gold = record(demand(*WITHDRAW))
    pred = record(demand(WITHDRAW[0], WITHDRAW[0] + 8))              # "withdraw" only
    m = score_document(gold, pred).metrics()
    assert (m["DEMAND"]["precision"], m["DEMAND"]["recall"]) == (1.0, 0.0)


def test_exactly_half_covered_counts():
    gold = record(demand(0, 10))
    pred = record(demand(5, 10))
    m = score_document(gold, pred).metrics()
    assert m["DEMAND"]["recall"] == 1.0


def test_wrong_root_id_counts_against_actor():
    gold = record(actor(0, 6, "RUS"), actor(20, 27, "UKR"))
    pred = record(actor(0, 6, "DEU"), actor(20, 27, "UKR"))
    m = score_document(gold, pred).metrics()
    assert (m["ACTOR"]["precision"], m["ACTOR"]["recall"]) == (0.5, 0.5)
    assert m["actor_id_accuracy"] == 0.5
    assert m["actor_set"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_same_root_is_right():
    # a body of Russia and Russia itself share the root RUS; a person's root is the affiliation
    gold = record(actor(0, 6, "RUS"), actor(20, 27, "person:x", affiliation="UKR"))
    pred = record(actor(0, 6, "RUS:foreign-ministry"), actor(20, 27, "UKR"))
    m = score_document(gold, pred).metrics()
    assert m["ACTOR"]["f1"] == 1.0 and m["actor_id_accuracy"] == 1.0
    assert m["actor_set"]["f1"] == 0.0  # the sets compare the ids themselves


def test_demander_and_addressees_at_the_root():
    gold = record(demand(*WITHDRAW, demander="RUS", addressees=["UKR", "NATO"]))
    pred = record(demand(*WITHDRAW, demander="RUS:foreign-ministry", addressees=["UKR"]))
    m = score_document(gold, pred).metrics()
    assert m["demander_accuracy"] == 1.0
    assert m["addressee_f1"] == pytest.approx(2 / 3, abs=1e-4)
    wrong = score_document(gold, record(demand(*WITHDRAW, demander="UKR"))).metrics()
    assert wrong["demander_accuracy"] == 0.0


def test_target_f1():
    gold = record(recommendation(*WITHDRAW, targets=["POL"]))
    assert score_document(gold, record(recommendation(*WITHDRAW, targets=["DEU"]))).metrics()["target_f1"] == 0.0
    assert score_document(gold, record(recommendation(*WITHDRAW, targets=["POL"]))).metrics()["target_f1"] == 1.0


def test_labels_are_scored_apart():
    gold = record(demand(*WITHDRAW))
    pred = record(recommendation(*WITHDRAW))
    m = score_document(gold, pred).metrics()
    assert m["DEMAND"]["recall"] == 0.0 and m["RECOMMENDATION"]["precision"] == 0.0


def test_empty_prediction():
    gold = record(actor(0, 6, "RUS"), demand(*WITHDRAW))
    m = score_document(gold, record()).metrics()
    assert m["ACTOR"]["recall"] == 0.0 and m["DEMAND"]["f1"] == 0.0
    assert m["demander_accuracy"] is None  # nothing found to judge


def test_floors_on_the_seed(nlp, tmp_path):
    """Issue 2, Quality: the floors `make evaluate` must reach on the seed."""
    metrics = evaluate(REPO / "annotations" / "gold", tmp_path, text_dirs=[REPO / "corpus"], nlp=nlp,
                       report=lambda line: None)
    micro = metrics["micro"]
    assert micro["ACTOR"]["f1"] >= 0.95
    assert micro["DEMAND"]["f1"] >= 0.85
    assert micro["RECOMMENDATION"]["f1"] >= 0.85
    assert micro["demander_accuracy"] >= 0.9
    assert micro["target_f1"] >= 0.9
    assert json.loads((tmp_path / "metrics.json").read_text()) == metrics


def test_gold_that_cannot_be_scored_is_one_line_each(nlp, tmp_path):
    gold = write_corpus(tmp_path / "gold", {
        "seed-article.json": SEED_GOLD.read_bytes(),
        "broken.json": "{not json",
        "orphan.json": json.dumps({"doc_id": "orphan", "text_sha256": "", "spans": []}),
        "changed.json": json.dumps({"doc_id": "changed", "text_sha256": "0" * 64, "spans": []}),
    })
    texts = write_corpus(tmp_path / "texts", {"sub/seed-article.txt": SEED_TEXT.read_bytes(),
                                              "changed.txt": "Another text.\n"})
    errors = []
    metrics = evaluate(gold, tmp_path / "eval", text_dirs=[texts], nlp=nlp, report=lambda line: None,
                       report_error=errors.append)
    assert set(metrics["documents"]) == {"seed-article"}  # found in a subfolder
    assert len(errors) == 3
    assert errors[0].startswith(f"error: {gold / 'broken.json'}: not a gold record")
    assert errors[1] == (f"error: {gold / 'changed.json'}: text {texts / 'changed.txt'} "
                         "does not match the gold file's text_sha256")
    assert errors[2].startswith(f"error: {gold / 'orphan.json'}: no text for doc_id 'orphan'")


def test_evaluate_cli_exits_1_when_a_gold_file_has_no_text(tmp_path):
    gold = write_corpus(tmp_path / "gold", {"orphan.json": json.dumps({"doc_id": "orphan", "spans": []})})
    result = run_cli("evaluate", "--gold", str(gold), "--texts", str(tmp_path), "--out", "eval", cwd=tmp_path)
    assert result.returncode == 1
    assert stderr_lines(result) == [f"error: {gold / 'orphan.json'}: no text for doc_id 'orphan' in {tmp_path}"]
