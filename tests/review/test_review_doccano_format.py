"""Offline tests of the record <-> doccano conversion."""

from __future__ import annotations

import json

import pytest
from review_fixtures import as_exported, unicode_record

from pipeline.review.doccano_format import (
    METADATA_KEYS, RecordError, annotations_of, check_example, check_record, examples_to_jsonl, is_touched,
    link_roles, machine_record_of, record_to_example,
)
from pipeline.review.documents import text_sha256


def test_seed_becomes_one_example_with_all_spans_and_role_relations(seed):
    record, text = seed
    line = record_to_example(record, text, pipeline_version="0.1.0")
    assert line["text"] == text
    assert [e["id"] for e in line["entities"]] == list(range(1, len(record["spans"]) + 1))
    assert [(e["label"], e["start_offset"], e["end_offset"]) for e in line["entities"]] == \
        [(s["label"], s["start"], s["end"]) for s in record["spans"]]
    entities = {e["id"]: e for e in line["entities"]}
    spans = {i + 1: s for i, s in enumerate(record["spans"])}
    expected = sum(1 + len(s["addressees"]) for s in record["spans"] if s["label"] == "DEMAND") + \
        sum(len(s["targets"]) for s in record["spans"] if s["label"] == "RECOMMENDATION")
    assert len(line["relations"]) == expected  # every role of the seed has a mention to point to
    assert len({r["id"] for r in line["relations"]}) == len(line["relations"])
    for relation in line["relations"]:
        source, target = spans[relation["from_id"]], spans[relation["to_id"]]
        assert entities[relation["to_id"]]["label"] == "ACTOR"
        if relation["type"] == "demander":
            assert source["label"] == "DEMAND" and target["actor_id"] == source["demander"]
        elif relation["type"] == "addressee":
            assert source["label"] == "DEMAND" and target["actor_id"] in source["addressees"]
        else:
            assert source["label"] == "RECOMMENDATION" and target["actor_id"] in source["targets"]


def test_metadata_keys_are_the_same_on_every_line_and_hold_the_machine_record(seed):
    record, text = seed
    line = record_to_example(record, text, pipeline_version="0.1.0")
    reserved = {"id", "text", "label", "entities", "relations", "Comments"}
    assert set(line) - {"text", "entities", "relations"} == set(METADATA_KEYS)
    assert not set(METADATA_KEYS) & reserved
    assert all(line[key] not in (None, "") for key in METADATA_KEYS)
    assert json.loads(line["machine_record"]) == record


def test_jsonl_is_ascii_escaped_and_lossless():
    record, text = unicode_record()
    jsonl = examples_to_jsonl([record_to_example(record, text, pipeline_version="1")])
    assert jsonl.isascii()
    assert "\\u201c" in jsonl and "\\ud83d\\ude00" in jsonl  # curly quote, emoji as a surrogate pair
    assert json.loads(jsonl)["text"] == text


def test_role_goes_to_nearest_mention_outside_the_span():
    record, text = unicode_record()
    links = {(record["spans"][l.source]["label"], l.relation_type, l.actor_id): l for l in link_roles(record["spans"])}
    demander = links[("DEMAND", "demander", "POL")]
    assert record["spans"][demander.target]["text"] == "Polish"  # nearer than "Poland" in the title
    addressee = links[("DEMAND", "addressee", "RUS")]
    assert record["spans"][addressee.target]["text"] == "Russia"
    assert links[("RECOMMENDATION", "target", "EU")].target is None  # no EU mention in the text


def test_span_inside_is_used_when_no_other_mention_exists():
    spans = [{"label": "DEMAND", "start": 0, "end": 20, "demander": "RUS", "addressees": []},
             {"label": "ACTOR", "start": 5, "end": 11, "actor_id": "RUS"}]
    (link,) = link_roles(spans)
    assert link.target == 1


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(text_sha256="0" * 64), "text_sha256"),
    (lambda r: r["spans"][0].update(end=10_000), "offsets outside"),
    (lambda r: r["spans"][0].update(text="Prussia"), "differs from the document text"),
    (lambda r: r["spans"][0].update(label="PLACE"), "unknown label"),
])
def test_check_record_names_the_problem(change, message):
    record, text = unicode_record()
    change(record)
    with pytest.raises(RecordError, match=message):
        check_record(record, text, text_sha256(text))


def _exported_unicode(**kwargs) -> dict:
    record, text = unicode_record()
    return as_exported(record_to_example(record, text, pipeline_version="1"), **kwargs)


@pytest.mark.parametrize("change, message", [
    (lambda e: e["entities"][0].update(label="PLACE"), "unknown label"),
    (lambda e: e["entities"][0].update(end_offset=10_000), "offsets outside"),
    (lambda e: e["relations"][0].update(type="likes"), "unknown relation type"),
    (lambda e: e["relations"][0].update(to_id=99_999), "does not exist"),
    (lambda e: e["relations"][0].update(from_id=e["relations"][0]["to_id"]), "must go from a DEMAND span"),
    (lambda e: e.update(text=e["text"] + "!"), "does not match its text_sha256"),
])
def test_check_example_names_the_problem(change, message):
    example = _exported_unicode()
    change(example)
    with pytest.raises(RecordError, match=message):
        check_example(example, text_sha256(example["text"]))


def test_untouched_export_is_not_touched_but_confirmed_or_edited_is():
    assert not is_touched(_exported_unicode())
    assert is_touched(_exported_unicode(confirmed=True))
    edited = _exported_unicode()
    edited["entities"].pop()
    assert is_touched(edited)
    rewired = _exported_unicode()
    rewired["relations"][0]["to_id"] = rewired["entities"][0]["id"]
    assert annotations_of(rewired) != annotations_of(_exported_unicode())
    assert is_touched(rewired)


@pytest.mark.parametrize("value, message", [
    (None, "no machine_record metadata"), ("{oops", "is not JSON"), ("[1, 2]", "not an annotation record"),
])
def test_broken_machine_record_is_a_clear_error(value, message):
    example = _exported_unicode()
    example["machine_record"] = value
    with pytest.raises(RecordError, match=message):
        machine_record_of(example)
    assert is_touched(example)  # not ours to replace
