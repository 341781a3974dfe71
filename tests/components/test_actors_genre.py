"""The actor tagger on the genre beyond the seed: statements, news, bulletins and
research-service analyses. Sentences are written for these tests."""

from __future__ import annotations

import json

import pytest

from pipeline import resources
from pipeline.components.actors import ACTORS_KEY, slugify
from pipeline.nlp import CONFIG, assemble
from policy_testkit import document


def found(nlp, *paragraphs: str) -> list[tuple[str, str, str | None]]:
    doc = nlp(document(*paragraphs))
    return [(s.text, s.kb_id_, s._.affiliation) for s in doc.spans[ACTORS_KEY]]


def ids(nlp, *paragraphs: str) -> list[tuple[str, str]]:
    return [(text, actor_id) for text, actor_id, _ in found(nlp, *paragraphs)]


# -- capitals: the state acting, or a place -----------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("Warsaw seeks firmer guarantees from Washington.", [("Warsaw", "POL"), ("Washington", "USA")]),
    ("Moscow demands guarantees from Washington.", [("Moscow", "RUS"), ("Washington", "USA")]),
    ("The deal depends on arms sales to Taipei.", [("Taipei", "TWN")]),
    ("The leader lost the support of Belgrade.", [("Belgrade", "SRB")]),
    ("Its arsenal is smaller than those of Washington and Moscow.", [("Washington", "USA"), ("Moscow", "RUS")]),
    ("Talks between Moscow and Kyiv stalled.", [("Moscow", "RUS"), ("Kyiv", "UKR")]),
    ("The Holy See offered to mediate between Moscow and Kyiv.",
     [("Holy See", "VAT"), ("Moscow", "RUS"), ("Kyiv", "UKR")]),
    ("The fighting in Ukraine, Moscow said, will go on.", [("Ukraine", "UKR"), ("Moscow", "RUS")]),
    ("Minsk received backing from Moscow and Beijing.",
     [("Minsk", "BLR"), ("Moscow", "RUS"), ("Beijing", "CHN")]),
])
def test_capital_acting_after_an_interaction(nlp, sentence, expected):
    assert ids(nlp, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "The delegation arrived from Washington and flew on to Moscow.",
    "The envoy visited Astana, Bishkek and Yerevan in May.",      # places in a list after 'visited'
    "She is an analyst at a London think tank.",
    "He is a fellow at a Beirut-based research centre.",
])
def test_capital_as_a_place(nlp, sentence):
    assert ids(nlp, sentence) == []


# -- state names inside other names -------------------------------------------------------

def test_state_inside_a_place_or_law_name(nlp):
    assert ids(nlp, "Ships crowd the South China Sea and the East China Sea.") == []
    assert ids(nlp, "The Ukraine Support Act and the Taiwan Relations Act passed.") == []
    # a strait keeps the state's name: state names are tagged also as places
    assert ids(nlp, "Tension rose in the Taiwan Strait.") == [("Taiwan", "TWN")]


def test_people_named_by_two_demonyms_are_not_states(nlp):
    assert ids(nlp, "Bosnian Serbs and Bosnian Croats walked out. Bosnian officials stayed.") == [
        ("Bosnian", "BIH")]


def test_names_with_curly_or_straight_apostrophes(nlp):
    assert ids(nlp, "Côte d’Ivoire and Côte d'Ivoire are one state.") == [
        ("Côte d’Ivoire", "CIV"), ("Côte d'Ivoire", "CIV")]


# -- organisations, missions, agencies, groups --------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("MONUSCO and UNIFIL asked for more troops.", [("MONUSCO", "UN:monusco"), ("UNIFIL", "UN:unifil")]),
    ("Frontex and Europol signed a deal.", [("Frontex", "EU:frontex"), ("Europol", "EU:europol")]),
    ("EUFOR Althea will stay; EUFOR has 1 100 troops.",
     [("EUFOR Althea", "EU:eufor-althea"), ("EUFOR", "EU:eufor-althea")]),
    ("The IRGC and the PLA held drills.", [("IRGC", "IRN:irgc"), ("PLA", "CHN:pla")]),
    ("JNIM and ISWAP attacked bases.", [("JNIM", "group:jnim"), ("ISWAP", "group:iswap")]),
    ("The Arctic Council and ICAO met.", [("Arctic Council", "ARCTIC-COUNCIL"), ("ICAO", "ICAO")]),
    ("The Kuomintang opposed the bill.", [("Kuomintang", "group:kmt")]),
    ("The AU's Peace and Security Council met.",
     [("AU", "AU"), ("Peace and Security Council", "AU:peace-and-security-council")]),
    ("The Western members objected.", [("Western members", "group:west")]),
    ("All UN member states should comply.", [("UN member states", "UN")]),
])
def test_genre_gazetteer(nlp, sentence, expected):
    assert ids(nlp, sentence) == expected


def test_international_community_is_not_an_actor(nlp):
    assert ids(nlp, "The international community must respond.") == []


def test_islamic_state_affiliate_is_not_islamic_state(nlp):
    assert ids(nlp, "The Islamic State in the Greater Sahara struck.") == [
        ("Islamic State in the Greater Sahara", "group:isgs")]


def test_ministry_with_its_own_name_after_a_possessive(nlp):
    assert ids(nlp, "Taiwan’s Ministry of National Defense asked for drones.") == [
        ("Taiwan", "TWN"), ("Ministry of National Defense", "TWN:ministry-of-national-defense")]


# -- persons ------------------------------------------------------------------------------

def test_slugs_drop_accents_apostrophes_and_initials_stay_out_of_ids(nlp):
    assert slugify("Aleksandar Vučić") == "aleksandar-vucic"
    assert slugify("Seán O’Connor") == "sean-oconnor"
    assert ids(nlp, "Secretary of State Antony J. Blinken spoke.") == [("Antony J. Blinken", "person:antony-blinken")]


def test_name_suffix_and_surname_in_a_headline(nlp):
    doc = nlp(document("President Rodrigo Alvarez Jr. thanked Paraguay. Alvarez left.",
                       title="Alvarez Wins Vote"))
    got = [(s.text, s.kb_id_) for s in doc.spans[ACTORS_KEY]]
    assert ("Alvarez", "person:rodrigo-alvarez-jr") == got[0]
    assert ("Rodrigo Alvarez Jr.", "person:rodrigo-alvarez-jr") in got
    assert got[-1] == ("Alvarez", "person:rodrigo-alvarez-jr")


def test_secretary_general_is_a_title_not_a_name(nlp):
    assert found(nlp, "NATO Secretary General Anna Lind spoke.") == [
        ("NATO", "NATO", None), ("Anna Lind", "person:anna-lind", "NATO")]


@pytest.mark.parametrize("sentence, name, affiliation", [
    ("Lithuanian Energy Minister Rasa Vaitkus called for a ban.", "Rasa Vaitkus", "LTU"),
    ("Chinese foreign ministry spokesperson Li Wen denied it.", "Li Wen", "CHN"),
    ("Hezbollah leader Karim Saad spoke on television.", "Karim Saad", "group:hezbollah"),
    ("Russia's envoy Oleg Markov left early.", "Oleg Markov", "RUS"),
    ("Israel's defence minister, Dan Levi, said no.", "Dan Levi", "ISR"),
    ("The EU’s sanctions envoy, Paul Berger, visited Astana.", "Paul Berger", "EU"),
    ("Foreign Minister Kenji Sato of Japan spoke first.", "Kenji Sato", "JPN"),
    ("Council President Maria Borg (Malta) read it.", "Maria Borg", "MLT"),
])
def test_affiliation_from_the_phrase(nlp, sentence, name, affiliation):
    got = {text: aff for text, _, aff in found(nlp, sentence)}
    assert got[name] == affiliation


def test_affiliation_from_the_surrounding_sentences(nlp):
    got = found(nlp, "Kenya said it would send police. "
                     "Colonel Omar Said took control of the port.")
    assert ("Omar Said", "person:omar-said", "KEN") in got


@pytest.mark.parametrize("sentence, name, affiliation", [
    ("“It will not hold,” said Maria Lopez, a senior fellow at a Brussels think tank.", "Maria Lopez", None),
    ("Jean Dupont, France’s ambassador to NATO, said the alliance would respond.", "Jean Dupont", "FRA"),
    ("Anna Berg, the EU official who leads the talks, was hopeful.", "Anna Berg", "EU"),
    ("The plan was drafted by Petar Ilic, the President of Montenegro, last year.", "Petar Ilic", "MNE"),
    ("It was drafted by Petar Ilic, the President of the Republic of Korea.", "Petar Ilic", "KOR"),
    ("According to Ivan Petrov, Russia’s deputy foreign minister, talks are over.", "Ivan Petrov", "RUS"),
])
def test_persons_named_without_a_title(nlp, sentence, name, affiliation):
    got = {text: (actor_id, aff) for text, actor_id, aff in found(nlp, sentence)}
    assert got[name] == (f"person:{slugify(name)}", affiliation)


@pytest.mark.parametrize("sentence", [
    "In Berlin, the foreign minister said nothing.",
    "On Monday, the president met the minister Tuesday.",
    "After Brexit, analysts said little.",
])
def test_no_person_from_sentence_openers_places_or_days(nlp, sentence):
    assert [a for a in found(nlp, sentence) if a[1].startswith("person:")] == []


def test_a_title_before_the_next_name_makes_no_apposition(nlp):
    got = found(nlp, "Speaking at the Munich Security Conference, the Vice President Mark Dale said little.")
    assert [a[0] for a in got if a[1].startswith("person:")] == ["Mark Dale"]


# -- short forms and back-references ------------------------------------------------------

def test_council_parliament_and_members_of_the_eu(nlp):
    got = ids(nlp, "The European Parliament voted. Parliament then asked the Commission and the Council "
                   "to act. Members may wish to press the Council further.")
    assert ("Parliament", "EU:parliament") in got
    assert got.count(("Council", "EU:council")) == 2
    assert ("Members", "EU:parliament") in got
    assert ("Commission", "EU:commission") in got


def test_members_of_a_named_legislature(nlp):
    got = ids(nlp, "Members of Congress wrote to the Administration. Some Members disagreed.")
    assert got == [("Members of Congress", "USA:congress"), ("Administration", "USA:administration"),
                   ("Members", "USA:congress")]


def test_council_after_a_security_council(nlp):
    got = ids(nlp, "The UN Security Council met. Council members disagreed on the text.")
    assert got[-1] == ("Council", "UN:security-council")


def test_government_of_a_parliament_briefing(nlp):
    got = ids(nlp, "The UK has joined the talks. Parliament may wish to ask the Government to report.")
    assert ("Parliament", "GBR:parliament") in got and ("Government", "GBR") in got


def test_mission_and_member_states(nlp):
    got = ids(nlp, "The attack on UNAMA was condemned. The Mission will continue. "
                   "The EU urged its Member States to help.")
    assert ("Mission", "UN:unama") in got and ("Member States", "EU") in got


@pytest.mark.parametrize("paragraphs, expected", [
    (("ECOWAS met in Abuja. The bloc gave the soldiers a week.",), ("bloc", "ECOWAS")),
    (("The Sudanese junta closed the border. Egypt protested. The junta refused to talk.",),
     ("junta", "SDN")),
    (("Hamas fired rockets. Israel struck back. The group said it would fight on.",), ("group", "group:hamas")),
    (("Hezbollah rejected the plan. Israel insisted that the armed group withdraw.",),
     ("armed group", "group:hezbollah")),
    (("The Arctic Council met in Tromsø. Norway wants to keep the council alive.",),
     ("council", "ARCTIC-COUNCIL")),
])
def test_back_references(nlp, paragraphs, expected):
    assert expected in ids(nlp, *paragraphs)


def test_regime_in_a_capital(nlp):
    got = ids(nlp, "Lithuania urged the regime in Minsk to stop. Poland agreed. The regime refused.")
    assert got.count(("regime", "BLR")) == 2


def test_the_entity_refers_to_a_body_not_a_person(nlp):
    got = ids(nlp, "Republika Srpska passed a law. Its president Milan Kovac said the entity would leave.")
    assert ("entity", "BIH:republika-srpska") in got


# -- confidence floor and data validation ---------------------------------------------------

def test_confidence_floor_drops_the_less_certain_kinds(tmp_path):
    config = tmp_path / "pipeline.cfg"
    text = CONFIG.read_text(encoding="utf-8")
    assert "confidence_floor = 0.0" in text
    config.write_text(text.replace("confidence_floor = 0.0", "confidence_floor = 0.8"), encoding="utf-8")
    strict = assemble(config)
    doc = strict(document("The Belarusian regime detained protesters. The regime denied it. "
                          "Moscow insists on guarantees."))
    got = [(s.text, s._.confidence) for s in doc.spans[ACTORS_KEY]]
    assert got == [("Belarusian", 0.9)]  # the back-reference (0.7) and the capital (0.75) are dropped


def test_confidence_floor_out_of_range_is_refused(tmp_path):
    config = tmp_path / "pipeline.cfg"
    config.write_text(CONFIG.read_text(encoding="utf-8").replace("confidence_floor = 0.0", "confidence_floor = 2.0"),
                      encoding="utf-8")
    with pytest.raises(ValueError, match="confidence_floor"):
        assemble(config)


@pytest.fixture
def resource_dir(tmp_path, monkeypatch):
    for name in ("short_forms.json", "actor_context.json", "backrefs.json"):
        (tmp_path / name).write_text((resources.RESOURCES / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(resources, "RESOURCES", tmp_path)
    loaders = (resources.load_short_forms, resources.load_actor_context, resources.load_backrefs)
    for loader in loaders:
        loader.cache_clear()
    yield tmp_path
    for loader in loaders:
        loader.cache_clear()


def _edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_short_form_with_a_bad_id_is_refused(resource_dir):
    _edit(resource_dir / "short_forms.json",
          lambda d: d["short_forms"][0].update({"via": {"EU": "not an id"}}))
    with pytest.raises(resources.ResourceError, match=r"short_forms.json: .*'Council'.*not an id"):
        resources.load_short_forms()


def test_short_form_without_a_way_to_resolve_is_refused(resource_dir):
    _edit(resource_dir / "short_forms.json", lambda d: d["short_forms"].append({"form": "Assembly"}))
    with pytest.raises(resources.ResourceError, match="'Assembly' needs 'id_contains' or 'types'"):
        resources.load_short_forms()


def test_context_list_must_hold_strings(resource_dir):
    _edit(resource_dir / "actor_context.json", lambda d: d.update({"acting_heads": ["support", 3]}))
    with pytest.raises(resources.ResourceError, match="actor_context.json: 'acting_heads'"):
        resources.load_actor_context()


def test_backref_with_unknown_key_is_refused(resource_dir):
    _edit(resource_dir / "backrefs.json", lambda d: d["backrefs"][0].update({"prefers": ["EU"]}))
    with pytest.raises(resources.ResourceError, match="unknown key 'prefers'"):
        resources.load_backrefs()


def test_names_that_only_look_like_short_forms_or_appositions(nlp):
    got = ids(nlp, "The EU is divided, the Council on Foreign Relations said. "
                   "Zelensky told Al Jazeera, a broadcaster, that Kyiv would fight.")
    assert got == [("EU", "EU"), ("Zelensky", "person:volodymyr-zelensky"), ("Kyiv", "UKR")]


def test_allies_opening_a_sentence_and_party_names(nlp):
    got = ids(nlp, "NATO met in Vilnius. Allies agreed on new plans. The allies of Ukraine met later. "
                   "Georgia's ruling Georgian Dream party froze the talks.")
    assert got == [("NATO", "NATO"), ("Allies", "NATO"), ("Ukraine", "UKR"), ("Georgia", "GEO"),
                   ("Georgian Dream", "group:georgian-dream")]
