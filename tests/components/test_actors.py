"""The policy_actors component on sentences written for these tests (not from the seed)."""

from __future__ import annotations

import pytest

from pipeline.components.actors import ACTORS_KEY, actor_root
from policy_testkit import document


def mentions(nlp, *paragraphs: str) -> list[tuple[str, str]]:
    doc = nlp(document(*paragraphs))
    return [(s.text, s.kb_id_) for s in doc.spans[ACTORS_KEY]]


def spans(nlp, *paragraphs: str):
    doc = nlp(document(*paragraphs))
    return list(doc.spans[ACTORS_KEY]), doc  # the spans stay usable while the doc lives


@pytest.mark.parametrize("sentence, expected", [
    ("Russia and Ukraine signed nothing.", [("Russia", "RUS"), ("Ukraine", "UKR")]),
    ("Officials in the U.S. were silent.", [("U.S.", "USA")]),
    ("The United States and the UK disagreed.", [("United States", "USA"), ("UK", "GBR")]),
    ("The United Kingdom and Germany agreed.", [("United Kingdom", "GBR"), ("Germany", "DEU")]),
    # a possessive is not part of the span
    ("Poland’s border guards stopped them.", [("Poland", "POL")]),
    ("Lithuania's position hardened.", [("Lithuania", "LTU")]),
    ("Lithuania's parliament voted.", [("Lithuania", "LTU"), ("parliament", "LTU:parliament")]),
    # state names as places are tagged too
    ("Exercises were held in Belarus near Ukraine.", [("Belarus", "BLR"), ("Ukraine", "UKR")]),
])
def test_states_and_short_forms(nlp, sentence, expected):
    assert mentions(nlp, sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Russian forces massed near the border.", [("Russian", "RUS")]),
    ("The Belarusian authorities refused.", [("Belarusian", "BLR")]),
    ("Chinese and Iranian diplomats met.", [("Chinese", "CHN"), ("Iranian", "IRN")]),
    ("The Russian-occupied areas must be returned.", [("Russian", "RUS")]),
    ("The Russians refused to negotiate.", [("Russians", "RUS")]),
    ("Russian propaganda spread quickly.", [("Russian", "RUS")]),
])
def test_demonyms_stand_for_the_state(nlp, sentence, expected):
    assert mentions(nlp, sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Moscow insists on guarantees.", [("Moscow", "RUS")]),
    ("Washington rejected the proposal.", [("Washington", "USA")]),
    ("The Kremlin denied the report.", [("Kremlin", "RUS")]),
    ("Beijing warned Taipei.", [("Beijing", "CHN"), ("Taipei", "TWN")]),
    # places, not actors
    ("Several facilities in Moscow were closed.", []),
    ("The talks in Washington ended.", []),
    ("Its HQ in Brussels was evacuated.", []),
    ("The Minsk agreements failed.", []),
])
def test_capitals_act_but_places_do_not(nlp, sentence, expected):
    assert mentions(nlp, sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("NATO and the EU met.", [("NATO", "NATO"), ("EU", "EU")]),
    ("The North Atlantic Treaty Organization responded.", [("North Atlantic Treaty Organization", "NATO")]),
    ("The Organization for Security and Co-operation in Europe sent monitors.",
     [("Organization for Security and Co-operation in Europe", "OSCE")]),
    ("The Collective Security Treaty Organization held drills.",
     [("Collective Security Treaty Organization", "CSTO")]),
    ("The International Atomic Energy Agency sent inspectors.",
     [("International Atomic Energy Agency", "IAEA")]),
    ("The G7 and the E3 issued statements.", [("G7", "G7"), ("E3", "E3")]),
    ("The North Atlantic Alliance must stay united. The Alliance will decide.",
     [("North Atlantic Alliance", "NATO"), ("Alliance", "NATO")]),
])
def test_organisations(nlp, sentence, expected):
    assert mentions(nlp, sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The Russian Foreign Ministry issued a note.", [("Russian Foreign Ministry", "RUS:foreign-ministry")]),
    ("The Ukrainian Foreign Ministry protested.", [("Ukrainian Foreign Ministry", "UKR:foreign-ministry")]),
    ("Congress passed the bill.", [("Congress", "USA:congress")]),
    ("The NATO-Russia Council met.", [("NATO-Russia Council", "NATO:nato-russia-council")]),
])
def test_bodies(nlp, sentence, expected):
    assert mentions(nlp, sentence) == expected


def test_body_root_is_its_owner(nlp):
    (span,), _ = spans(nlp, "The Russian Foreign Ministry issued a note.")
    assert span.label_ == "body" and actor_root(span) == "RUS"


def test_persons_without_title_with_affiliation(nlp):
    found, _ = spans(nlp, "President Joe Biden spoke. "
                          "German Chancellor Olaf Scholz met Polish President Andrzej Duda.")
    assert [(s.text, s.kb_id_, s._.affiliation) for s in found] == [
        ("Joe Biden", "person:joe-biden", "USA"),
        ("German", "DEU", None),
        ("Olaf Scholz", "person:olaf-scholz", "DEU"),
        ("Polish", "POL", None),
        ("Andrzej Duda", "person:andrzej-duda", "POL"),
    ]
    assert [actor_root(s) for s in found if s.label_ == "person"] == ["USA", "DEU", "POL"]


def test_surname_refers_back_to_the_person(nlp):
    found = mentions(nlp, "French President Emmanuel Macron arrived. Macron said little.")
    assert ("Macron", "person:emmanuel-macron") in found


@pytest.mark.parametrize("sentence, expected", [
    ("The West objected.", [("West", "group:west")]),
    ("The collective West objected.", [("collective West", "group:west")]),
    ("Western states and Western partners objected.",
     [("Western states", "group:west"), ("Western partners", "group:west")]),
    ("NATO countries and NATO states agreed.", [("NATO countries", "NATO"), ("NATO states", "NATO")]),
    ("The allies agreed.", [("allies", "NATO")]),
    ("Hezbollah fired rockets.", [("Hezbollah", "group:hezbollah")]),
])
def test_collectives_and_groups(nlp, sentence, expected):
    assert mentions(nlp, sentence) == expected


def test_back_references_resolve_to_the_named_actor(nlp):
    found = mentions(nlp, "The Ukrainian Foreign Ministry protested. The ministry called it illegal.",
                     "The Belarusian regime detained protesters. The regime denied it.")
    assert ("ministry", "UKR:foreign-ministry") in found
    assert ("regime", "BLR") in found


def test_hyphen_compounds_split_but_body_names_stay_whole(nlp):
    assert mentions(nlp, "Russia-NATO cooperation ended.") == [("Russia", "RUS"), ("NATO", "NATO")]


@pytest.mark.parametrize("sentence", [
    "It said they would decide on its own.",
    "Europe and the post-Soviet area are regions.",
    "European security and allied decision-making matter.",
    "Other states and superpowers met near the Eastern Flank.",
    "The INF treaty lapsed.",
])
def test_not_actors(nlp, sentence):
    assert mentions(nlp, sentence) == []


def test_caption_is_not_annotated(nlp):
    doc = nlp("A Title\n\n2021-12-15\n\nThe lead paragraph is here.\n\nPhoto: NATO/Russia Today\n\nBody text.\n")
    assert [s.text for s in doc.spans[ACTORS_KEY]] == []


def test_mentions_are_sorted_and_typed(nlp):
    found, _ = spans(nlp, "President Joe Biden met NATO and the Russian Foreign Ministry in Vienna. "
                          "Russia objected.")
    assert [s.start for s in found] == sorted(s.start for s in found)
    assert {s.label_ for s in found} <= {"state", "organisation", "body", "person", "group"}
    assert all(s._.source == "rule" and 0 < s._.confidence <= 1 for s in found)
