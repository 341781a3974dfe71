"""Offline tests of turning a reviewed doccano export into a gold record."""

from __future__ import annotations

import json

import pytest
from review_fixtures import as_exported, gold_spans, unicode_record

from pipeline.review.actor_lookup import document_resolver
from pipeline.review.doccano_format import record_to_example
from pipeline.review.reviewed import infer_modality, reviewed_record


def _export(record: dict, text: str) -> dict:
    return as_exported(record_to_example(record, text, pipeline_version="1"))


def _review(example: dict, aliases: dict | None = None):
    machine = json.loads(example["machine_record"])
    return reviewed_record(example, resolve_actor=document_resolver(machine["spans"], aliases or {}))


def _entity(example: dict, label: str, text: str, occurrence: int = 1) -> dict:
    start = -1
    for _ in range(occurrence):
        start = example["text"].index(text, start + 1)
    return next(e for e in example["entities"]
                if (e["label"], e["start_offset"], e["end_offset"]) == (label, start, start + len(text)))


def _add_entity(example: dict, label: str, start: int, end: int) -> dict:
    entity = {"id": max(e["id"] for e in example["entities"]) + 1, "label": label,
              "start_offset": start, "end_offset": end}
    example["entities"].append(entity)
    return entity


def _add_relation(example: dict, source: dict, target: dict, kind: str) -> None:
    example["relations"].append({"id": max([r["id"] for r in example["relations"]] + [0]) + 1,
                                 "from_id": source["id"], "to_id": target["id"], "type": kind})


def _remove(example: dict, entity: dict) -> None:
    example["entities"].remove(entity)
    example["relations"] = [r for r in example["relations"] if entity["id"] not in (r["from_id"], r["to_id"])]


def _span(record: dict, label: str, start: int) -> dict:
    return next(s for s in record["spans"] if s["label"] == label and s["start"] == start)


@pytest.mark.parametrize("which", ["seed", "unicode"])
def test_no_edits_give_back_exactly_the_machine_annotations(which, seed):
    record, text = seed if which == "seed" else unicode_record()
    reviewed = _review(_export(record, text))
    assert reviewed.record["spans"] == gold_spans(record["spans"])
    assert {k: reviewed.record[k] for k in ("doc_id", "text_sha256", "n_chars", "segments")} == \
        {k: record[k] for k in ("doc_id", "text_sha256", "n_chars", "segments")}
    assert reviewed.warnings == []


def test_seed_round_trip_is_byte_identical_to_seed_gold(seed):
    record, text = seed
    reviewed = _review(_export(record, text))
    assert list(reviewed.record) == list(record)
    assert reviewed.record == record


def test_deleted_span_is_gone_and_added_actor_gets_its_id_from_the_document():
    record, text = unicode_record()
    example = _export(record, text)
    _remove(example, _entity(example, "ACTOR", "Moscow"))
    start = text.index("Ukraine")  # a second mention of an id the document already knows
    _remove(example, _entity(example, "ACTOR", "Ukraine"))
    _add_entity(example, "ACTOR", start, start + len("Ukraine"))
    spans = _review(example).record["spans"]
    assert "Moscow" not in [s["text"] for s in spans]
    assert _span({"spans": spans}, "ACTOR", start)["actor_id"] == "UKR"


def test_added_actor_unknown_to_the_document_comes_from_the_gazetteer_or_is_reported():
    record, text = unicode_record()
    example = _export(record, text)
    start = text.index("Kraków")
    _add_entity(example, "ACTOR", start, start + len("Kraków"))
    known = _review(example, {"Kraków": {"actor_id": "POL:krakow", "actor_type": "body"}})
    assert _span(known.record, "ACTOR", start)["actor_id"] == "POL:krakow"
    unknown = _review(example, {})
    assert _span(unknown.record, "ACTOR", start)["actor_id"] == ""
    assert len(unknown.warnings) == 1 and "'Kraków'" in unknown.warnings[0]


def test_changed_relation_changes_the_addressees_and_unlinked_roles_stay():
    record, text = unicode_record()
    example = _export(record, text)
    demand = _entity(example, "DEMAND", "“withdraw its forces” from Ukraine")
    example["relations"] = [r for r in example["relations"]
                            if not (r["from_id"] == demand["id"] and r["type"] == "addressee")]
    _add_relation(example, demand, _entity(example, "ACTOR", "Ukraine", 1), "addressee")
    reviewed = _review(example).record
    assert _span(reviewed, "DEMAND", demand["start_offset"])["addressees"] == ["UKR"]
    recommendation = next(s for s in reviewed["spans"] if s["label"] == "RECOMMENDATION")
    assert recommendation["targets"] == ["NATO", "EU"]  # EU had no mention: kept from the machine


def test_removing_a_linked_role_removes_it():
    record, text = unicode_record()
    example = _export(record, text)
    recommendation = _entity(example, "RECOMMENDATION", "support the résistance of Ukraine’s citizens")
    example["relations"] = [r for r in example["relations"] if r["from_id"] != recommendation["id"]]
    assert _span(_review(example).record, "RECOMMENDATION", recommendation["start_offset"])["targets"] == ["EU"]


def test_new_boundaries_keep_modality_and_roles_of_the_span_they_replace():
    record, text = unicode_record()
    example = _export(record, text)
    old = _entity(example, "RECOMMENDATION", "support the résistance of Ukraine’s citizens")
    _remove(example, old)
    start = text.index("support the résistance")
    _add_entity(example, "RECOMMENDATION", start, start + len("support the résistance"))
    span = _span(_review(example).record, "RECOMMENDATION", start)
    assert span == {"label": "RECOMMENDATION", "start": start, "end": start + len("support the résistance"),
                    "text": "support the résistance", "targets": ["NATO", "EU"], "modality": "should"}


def test_added_recommendation_takes_targets_from_relations_and_modality_from_the_text():
    record, text = unicode_record()
    example = _export(record, text)
    start = text.index("went on")
    added = _add_entity(example, "RECOMMENDATION", start, start + len("went on"))
    _add_relation(example, added, _entity(example, "ACTOR", "NATO"), "target")
    span = _span(_review(example).record, "RECOMMENDATION", start)
    assert span["targets"] == ["NATO"] and span["modality"] == ""  # no modal verb before it
    start = text.index("withdraw its forces")
    added = _add_entity(example, "RECOMMENDATION", start, start + len("withdraw its forces"))
    assert _span(_review(example).record, "RECOMMENDATION", start)["modality"] == "must"


def test_two_demanders_keep_the_first_with_a_warning():
    record, text = unicode_record()
    example = _export(record, text)
    demand = _entity(example, "DEMAND", "“withdraw its forces” from Ukraine")
    _add_relation(example, demand, _entity(example, "ACTOR", "NATO"), "demander")
    reviewed = _review(example)
    assert _span(reviewed.record, "DEMAND", demand["start_offset"])["demander"] == "POL"
    assert any("2 demanders" in w for w in reviewed.warnings)


def test_spans_stay_sorted_by_start():
    record, text = unicode_record()
    example = _export(record, text)
    _add_entity(example, "ACTOR", 0, len("Poland’s"))  # same start as a kept span
    starts = [s["start"] for s in _review(example).record["spans"]]
    assert starts == sorted(starts)


@pytest.mark.parametrize("sentence, expected", [
    ("Poland could then ", "could"),
    ("NATO should, in our view, ", "should"),
    ("The desired response of NATO would be to ", "would be"),
    ("It said so. Then ", ""),
])
def test_infer_modality(sentence, expected):
    text = sentence + "act now."
    assert infer_modality(text, len(sentence)) == expected
