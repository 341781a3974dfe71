"""pipeline.records: a processed Doc as an annotation record in the gold format."""

from __future__ import annotations

import json

import pytest

from pipeline.corpus import text_sha256
from pipeline.records import doc_to_record
from policy_testkit import document


@pytest.fixture(scope="module")
def seed_record(nlp, seed_text):
    doc = nlp(seed_text)
    doc._.doc_id = "seed-article"
    return doc_to_record(doc)


def test_record_has_the_gold_format(seed_record, seed_gold, seed_text):
    assert set(seed_record) == set(seed_gold)
    assert seed_record["doc_id"] == "seed-article"
    assert seed_record["text_sha256"] == seed_gold["text_sha256"] == text_sha256(seed_text)
    assert seed_record["n_chars"] == seed_gold["n_chars"] == len(seed_text)
    assert seed_record["segments"] == seed_gold["segments"]
    json.dumps(seed_record)  # plain JSON values only


def test_record_spans(seed_record, seed_text):
    spans = seed_record["spans"]
    assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)
    required = {"ACTOR": {"actor_id", "actor_type"}, "DEMAND": {"demander", "addressees", "cue"},
                "RECOMMENDATION": {"targets", "modality"}}
    for span in spans:
        assert seed_text[span["start"]:span["end"]] == span["text"]
        assert required[span["label"]] <= set(span)
        assert span["source"] == "rule" and 0 <= span["confidence"] <= 1
    assert {s["label"] for s in spans} == set(required)


def test_person_affiliation_in_record(nlp):
    doc = nlp(document("President Joe Biden called on Russia to de-escalate."))
    doc._.doc_id = "x"
    person = next(s for s in doc_to_record(doc)["spans"] if s["label"] == "ACTOR" and s["actor_type"] == "person")
    assert (person["text"], person["actor_id"], person["affiliation"]) == ("Joe Biden", "person:joe-biden", "USA")


def test_record_of_a_text_without_annotations(nlp):
    doc = nlp(document("Nothing happened here at all."))
    doc._.doc_id = "quiet"
    record = doc_to_record(doc)
    assert record["spans"] == []
    assert record["segments"]["n_paragraphs"] == 0  # the lead is not counted
    assert record["segments"]["title"] == "Test Document"
