"""Offline tests of the review report."""

from __future__ import annotations

import pytest
from review_fixtures import unicode_record

from pipeline.review.report import ReviewReport, compare_spans, pair_changes


def test_identical_spans_are_all_kept():
    record, _ = unicode_record()
    review = compare_spans(record["spans"], record["spans"])
    assert review["ACTOR"].kept == review["ACTOR"].machine == 7
    assert (review["ACTOR"].precision, review["ACTOR"].recall, review["ACTOR"].f1) == (1.0, 1.0, 1.0)


def test_kept_changed_removed_added_and_roles():
    machine = [
        {"label": "ACTOR", "start": 0, "end": 6, "actor_id": "RUS"},
        {"label": "ACTOR", "start": 10, "end": 14, "actor_id": "NATO"},
        {"label": "DEMAND", "start": 20, "end": 40, "demander": "RUS", "addressees": ["NATO"]},
        {"label": "DEMAND", "start": 50, "end": 60, "demander": "RUS", "addressees": []},
    ]
    reviewed = [
        machine[0],
        {"label": "ACTOR", "start": 30, "end": 34, "actor_id": "USA"},               # added
        {**machine[2], "addressees": ["NATO", "USA"]},                              # kept, roles changed
        {"label": "DEMAND", "start": 52, "end": 60, "demander": "RUS", "addressees": []},  # new boundaries
    ]
    review = compare_spans(machine, reviewed)
    actor, demand = review["ACTOR"], review["DEMAND"]
    assert (actor.machine, actor.reviewed, actor.kept, actor.changed, actor.removed, actor.added) == (2, 2, 1, 0, 1, 1)
    assert (demand.kept, demand.changed, demand.removed, demand.added, demand.roles_changed) == (1, 1, 0, 0, 1)
    assert demand.precision == pytest.approx(0.5) and demand.recall == pytest.approx(0.5)


def test_pairs_are_one_to_one_by_largest_overlap():
    removed = [("DEMAND", 0, 10), ("DEMAND", 20, 30)]
    added = [("DEMAND", 2, 25), ("DEMAND", 5, 9), ("ACTOR", 0, 10)]
    # (2, 25) overlaps (0, 10) most; (5, 9) only overlaps (0, 10), which is taken by then
    assert pair_changes(removed, added) == {("DEMAND", 2, 25): ("DEMAND", 0, 10)}
    pairs = pair_changes(removed, added)
    assert len(set(pairs.values())) == len(pairs) and ("ACTOR", 0, 10) not in pairs


def test_totals_sum_documents_and_format_lists_every_label():
    record, _ = unicode_record()
    report = ReviewReport()
    report.documents["a"] = compare_spans(record["spans"], record["spans"])
    report.documents["b"] = compare_spans(record["spans"], record["spans"][:-1])
    report.pending.append("c")
    totals = report.totals()
    assert totals["ACTOR"].machine == 14 and totals["ACTOR"].removed == 1
    text = report.format()
    for label in ("ACTOR", "DEMAND", "RECOMMENDATION"):
        assert label in text
    assert "not confirmed yet" in text and "c" in text
    assert report.to_dict()["totals"]["ACTOR"]["recall"] == 1.0
