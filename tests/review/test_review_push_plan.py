"""Offline tests of push planning: no duplicates, reviewed work never overwritten."""

from __future__ import annotations

import copy

from review_fixtures import as_exported, unicode_record

from pipeline.review.doccano_format import record_to_example
from pipeline.review.push_plan import plan_push


def _line(version: str = "1", drop_last_span: bool = False) -> dict:
    record, text = unicode_record()
    if drop_last_span:
        record["spans"].pop()
    return record_to_example(record, text, pipeline_version=version)


def test_new_document_is_uploaded():
    plan = plan_push([_line()], [])
    assert plan.new == ["unicode-note"] and plan.upload == [_line()] and plan.delete == []


def test_identical_untouched_example_stays():
    plan = plan_push([_line()], [as_exported(_line(), 3)])
    assert plan.unchanged == ["unicode-note"] and plan.upload == [] and plan.delete == []


def test_newer_output_refreshes_an_untouched_example():
    plan = plan_push([_line("2", drop_last_span=True)], [as_exported(_line("1"), 3)])
    assert plan.refreshed == ["unicode-note"]
    assert plan.upload == [_line("2", drop_last_span=True)] and plan.delete == [3]


def test_confirmed_or_edited_example_is_never_replaced():
    confirmed = as_exported(_line("1"), 3, confirmed=True)
    edited = as_exported(_line("1"), 4)
    edited["entities"].pop(0)
    for existing in (confirmed, edited):
        plan = plan_push([_line("2", drop_last_span=True)], [existing])
        assert plan.reviewed == ["unicode-note"] and plan.upload == [] and plan.delete == []


def test_duplicates_are_cleaned_keeping_the_reviewed_or_one_current_copy():
    reviewed = as_exported(_line(), 3, confirmed=True)
    copy_a, copy_b = as_exported(_line(), 4), as_exported(_line(), 5)
    assert plan_push([_line()], [reviewed, copy_a, copy_b]).delete == [4, 5]
    plan = plan_push([_line()], [copy_a, copy_b])
    assert plan.unchanged == ["unicode-note"] and plan.delete == [5]


def test_changed_text_of_a_reviewed_document_is_warned_about():
    reviewed = as_exported(_line(), 3, confirmed=True)
    newer = copy.deepcopy(_line())
    newer["text_sha256"] = "f" * 64
    plan = plan_push([newer], [reviewed])
    assert plan.reviewed == ["unicode-note"] and any("text changed" in w for w in plan.warnings)


def test_examples_of_other_documents_are_left_alone():
    other = as_exported(_line(), 9)
    other["doc_id"] = "another-document"
    plan = plan_push([_line()], [other])
    assert plan.new == ["unicode-note"] and plan.delete == []


def test_example_not_made_by_push_is_never_replaced():
    foreign = as_exported(_line(), 3)
    del foreign["machine_record"]
    plan = plan_push([_line()], [foreign])
    assert plan.reviewed == ["unicode-note"] and plan.upload == [] and plan.delete == []
