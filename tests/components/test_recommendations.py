"""The policy_recommendations component on sentences written for these tests (not from the seed)."""

from __future__ import annotations

import pytest

from pipeline.components.recommendations import RECOMMENDATIONS_KEY
from pipeline.resources import root_of
from policy_testkit import document


def recommendations(nlp, *paragraphs: str) -> list[tuple[str, set[str], str]]:
    doc = nlp(document(*paragraphs))
    return [(s.text, {root_of(t) for t in s._.targets or []}, s._.modality)
            for s in doc.spans[RECOMMENDATIONS_KEY]]


@pytest.mark.parametrize("sentence, expected", [
    ("The EU should impose new sanctions on Iran.", [("impose new sanctions on Iran", {"EU"}, "should")]),
    ("Poland could consider expanding its air defence.",
     [("consider expanding its air defence", {"POL"}, "could")]),
    ("Poland needs to strengthen its eastern border.", [("strengthen its eastern border", {"POL"}, "needs to")]),
    ("Germany must increase its defence spending.", [("increase its defence spending", {"DEU"}, "must")]),
    ("The desired response of the EU would be to impose sanctions.",
     [("impose sanctions", {"EU"}, "would be")]),
    ("It is advisable that Germany increase its defence spending.",
     [("increase its defence spending", {"DEU"}, "is advisable")]),
    ("It is recommended that the OSCE expand its monitoring mission.",
     [("expand its monitoring mission", {"OSCE"}, "is recommended")]),
])
def test_modal_recommendations(nlp, sentence, expected):
    assert recommendations(nlp, sentence) == expected


@pytest.mark.parametrize("sentence, action", [
    ("Congress may consider whether to extend the sanctions program.", "extend the sanctions program"),
    ("Members of Congress may wish to examine the export controls.", "examine the export controls"),
])
def test_options_laid_before_congress(nlp, sentence, action):
    (found,) = recommendations(nlp, sentence)
    text, targets, modality = found
    # the span may keep the option verb ("consider whether to"), but it ends with the action
    assert text.endswith(action) and len(text) < len(action) + len("consider whether to ") + 1
    assert (targets, modality) == ({"USA"}, "may")


def test_two_actions_under_one_modal(nlp):
    sentence = "The U.S. can support Ukraine while also indicating that escalation is unacceptable."
    assert recommendations(nlp, sentence) == [
        ("support Ukraine", {"USA"}, "can"),
        ("indicating that escalation is unacceptable", {"USA"}, "can"),
    ]


def test_implicit_target_from_the_sentence_before(nlp):
    found = recommendations(nlp, "The Alliance faces a hard choice. It should strengthen the eastern flank. "
                                 "This can be achieved by deploying more troops.")
    assert found == [("strengthen the eastern flank", {"NATO"}, "should"),
                     ("deploying more troops", {"NATO"}, "can")]


def test_goal_should_be(nlp):
    assert recommendations(nlp, "Latvia’s goal should be to deter aggression.") == [
        ("deter aggression", {"LVA"}, "should")]


@pytest.mark.parametrize("sentence", [
    "Germany is likely to block the proposal.",
    "NATO cannot accept most of the demands.",
    "Russia will probably continue its campaign.",
    "The EU has imposed sanctions on Belarus.",
    "Russia wants to disrupt NATO’s activity.",
])
def test_not_recommendations(nlp, sentence):
    assert recommendations(nlp, sentence) == []


def test_recommended_demand_is_a_recommendation_not_a_demand(nlp):
    doc = nlp(document("NATO should call for a moratorium on deployments."))
    assert [s.text for s in doc.spans["demands"]] == []
    assert [(s.text, s._.targets) for s in doc.spans[RECOMMENDATIONS_KEY]] == [
        ("call for a moratorium on deployments", ["NATO"])]


def test_two_modal_actions_are_two_spans(nlp):
    assert recommendations(nlp, "The EU should impose new sanctions on Iran and should freeze the assets "
                                "of the central bank.") == [
        ("impose new sanctions on Iran", {"EU"}, "should"),
        ("freeze the assets of the central bank", {"EU"}, "should"),
    ]


def test_warning_is_a_prediction(nlp):
    assert recommendations(nlp, "Turkey could veto the decision, analysts warn.") == []


# -- genre rules of issue 4 --------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    # a purpose clause stays in the action
    ("The EU should fund a customs database, so that member states can compare their data.",
     [("fund a customs database, so that member states can compare their data", {"EU"}, "should")]),
    # "by X-ing and by Y-ing": two actions
    ("Japan could help by training coast guards and by donating patrol boats.",
     [("help by training coast guards", {"JPN"}, "could"), ("donating patrol boats", {"JPN"}, "could")]),
    # "but warned that ...": the speaker's comment is not part of the action
    ("Britain could send minesweepers but warned that this risked escalation.",
     [("send minesweepers", {"GBR"}, "could")]),
    # a cited analyst's advice to an actor is a recommendation
    ('"Canada should expand its Arctic patrols," said Maria Lind, an analyst at a Toronto institute.',
     [("expand its Arctic patrols", {"CAN"}, "should")]),
])
def test_action_boundaries(nlp, sentence, expected):
    assert recommendations(nlp, sentence) == expected


def test_list_intro_is_not_itself_a_recommendation(nlp):
    found = recommendations(nlp, "Options Congress may consider include whether to:",
                            "extend the sanctions program;", "require a report on arms sales.")
    assert [text for text, _, _ in found] == ["extend the sanctions program", "require a report on arms sales"]
    assert all(targets == {"USA"} and modality == "may" for _, targets, modality in found)


@pytest.mark.parametrize("sentence", [
    "Hungary could block the decision, diplomats fear.",
    "Serbia can veto the resolution, analysts predict.",
])
def test_predictions_reported_after_a_comma(nlp, sentence):
    assert recommendations(nlp, sentence) == []


@pytest.mark.parametrize("sentence", [
    "The mission depends on a renewal by the Security Council, where Russia could block it.",
    "The leaders gave the junta a week, warning that they could use force.",
    "Talks stalled because Turkey can veto any decision.",
])
def test_subordinate_clauses_and_threats_are_no_advice(nlp, sentence):
    assert recommendations(nlp, sentence) == []


def test_while_keeping_is_a_second_action(nlp):
    assert recommendations(nlp, "Norway should suspend the talks, while keeping open the fisheries channel.") == [
        ("suspend the talks", {"NOR"}, "should"), ("keeping open the fisheries channel", {"NOR"}, "should")]


def test_means_after_a_semicolon_continues_the_recommendation(nlp):
    found = recommendations(nlp, "It is advisable that NATO expand its exercises. Romania’s goal should be to "
                                 "secure the Black Sea; this can be achieved by leasing patrol ships.")
    assert found[-2:] == [("secure the Black Sea", {"ROU"}, "should"), ("leasing patrol ships", {"ROU"}, "can")]


def test_members_are_the_legislature_named_before(nlp):
    found = recommendations(nlp, "Congress has held hearings on the export controls.", "Members may wish to:",
                            "require a report on licence approvals;", "review the entity list.")
    assert found == [("require a report on licence approvals", {"USA"}, "may"),
                     ("review the entity list", {"USA"}, "may")]
    found = recommendations(nlp, "The European Parliament adopted a resolution on Georgia. "
                                 "Members may wish to examine the visa regime.")
    assert found == [("examine the visa regime", {"EU"}, "may")]


# -- genre frames of policy briefs and research-service analyses (sentences written for these tests) --

@pytest.mark.parametrize("sentence, expected", [
    ("Japan would do well to expand its coast guard.", [("expand its coast guard", {"JPN"}, "would do well to")]),
    ("Canada would be wise to diversify its uranium suppliers.",
     [("diversify its uranium suppliers", {"CAN"}, "would be wise to")]),
    ("Norway is advised to publish its export licences.",
     [("publish its export licences", {"NOR"}, "is advised to")]),
    ("The Netherlands would benefit from joining the drone coalition.",
     [("joining the drone coalition", {"NLD"}, "would benefit from")]),
    ("One option would be for the OSCE to reopen its field office.",
     [("reopen its field office", {"OSCE"}, "would be")]),
    ("A first priority for Austria should be to review its gas contracts.",
     [("review its gas contracts", {"AUT"}, "should")]),
    ("We recommend that the African Union appoint a special envoy.",
     [("appoint a special envoy", {"AU"}, "recommend")]),
    ("This paper suggests that Brazil should join the grain initiative.",
     [("join the grain initiative", {"BRA"}, "recommend")]),
    ("Indian policymakers should deepen maritime cooperation with France.",
     [("deepen maritime cooperation with France", {"IND"}, "should")]),
])
def test_genre_frames_of_advice(nlp, sentence, expected):
    assert recommendations(nlp, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Chile would benefit from the higher copper prices.",              # an assessment, not advice
    "It would be wise to wait for the election results in Chile.",     # no actor advised
    "This does not mean that Norway should leave the agreement.",      # negated advice
    "Nor does it follow that Japan must rearm.",
    "The Council warns that the EU may consider new listings.",         # a threat, not advice
    "Serbia could indeed retaliate against the embargo.",              # a prediction
])
def test_genre_non_advice(nlp, sentence):
    assert recommendations(nlp, sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    ("Poland should finish the canal, however costly it proves.", "finish the canal"),
    ("Finland should keep the border closed, even if Russia lowers the pressure.", "keep the border closed"),
    ("The EU should admit Moldova quickly, before Russia destabilises the country.", "admit Moldova quickly"),
    ("Norway should raise its budget, before leaving the chair.", "raise its budget, before leaving the chair"),
])
def test_concessions_and_time_clauses_end_the_action(nlp, sentence, expected):
    assert [text for text, _, _ in recommendations(nlp, sentence)] == [expected]


def test_list_after_a_modal_intro(nlp):
    found = recommendations(nlp, "The Nordic governments, above all Denmark and Norway, should:",
                            "- pool their satellite imagery;", "- fund a joint ice-breaker fleet.")
    assert found == [("pool their satellite imagery", {"DNK", "NOR"}, "should"),
                     ("fund a joint ice-breaker fleet", {"DNK", "NOR"}, "should")]


def test_imperative_list_advises_whom_the_text_advised_before(nlp):
    found = recommendations(nlp, "Canada should rethink its Arctic policy. Our recommendations are as follows:",
                            "• Build two deep-water ports.", "• Invite Greenland to the Arctic dialogue.")
    assert found == [("rethink its Arctic policy", {"CAN"}, "should"),
                     ("Build two deep-water ports", {"CAN"}, "recommend"),
                     ("Invite Greenland to the Arctic dialogue", {"CAN"}, "recommend")]


def test_member_states_are_the_organisation_named_before(nlp):
    found = recommendations(nlp, "NATO has revised its plans for the north. Member states may wish to "
                                 "pre-position fuel in Norway.")
    assert found == [("pre-position fuel in Norway", {"NATO"}, "may")]


def test_it_after_a_semicolon_is_the_subject_before(nlp):
    found = recommendations(nlp, "This does not mean that Japan should copy India; it should choose its own path.")
    assert found == [("choose its own path", {"JPN"}, "should")]


@pytest.mark.parametrize("sentence, expected", [
    ("It is high time for Ireland to review its neutrality.", [("review its neutrality", {"IRL"}, "is time")]),
    ("Austria should, however, avoid a veto.", [("avoid a veto", {"AUT"}, "should")]),
    ("Belgium can and should host the summit.", [("host the summit", {"BEL"}, "can")]),
    ("Sweden should not only buy frigates but also train crews.",
     [("buy frigates but also train crews", {"SWE"}, "should")]),
    ("Congress might consider whether to tighten the reporting rules.",
     [("tighten the reporting rules", {"USA"}, "might")]),
    ("The best way for Greece to respond would be to upgrade its radars.",
     [("upgrade its radars", {"GRC"}, "would be")]),
])
def test_more_advice_phrasings(nlp, sentence, expected):
    assert recommendations(nlp, sentence) == expected


def test_a_modal_might_without_an_option_verb_is_a_prediction(nlp):
    assert recommendations(nlp, "Congress might extend the waiver next year.") == []


@pytest.mark.parametrize("items", [
    ("1. Build two deep-water ports.", "2. Invite Greenland to the dialogue."),
    ("(a) build two deep-water ports;", "(b) invite Greenland to the dialogue."),
    ("a) build two deep-water ports;", "b) invite Greenland to the dialogue."),
])
def test_numbered_and_lettered_list_items(nlp, items):
    found = recommendations(nlp, "Canada should rethink its Arctic policy. We recommend the following:", *items)
    assert [(text.lower(), targets) for text, targets, _ in found] == [
        ("rethink its arctic policy", {"CAN"}), ("build two deep-water ports", {"CAN"}),
        ("invite greenland to the dialogue", {"CAN"})]


@pytest.mark.parametrize("sentence", [
    "NATO could soon face a shortage of shells.",          # a prediction behind a time adverb
    "Critics say the EU should have acted sooner.",        # a criticism of the past
    "The OSCE should have sent observers in 2014.",
])
def test_predictions_and_hindsight_are_no_advice(nlp, sentence):
    assert recommendations(nlp, sentence) == []


def test_should_have_an_object_is_advice(nlp):
    assert recommendations(nlp, "The EU should have a plan for the day after.") == [
        ("have a plan for the day after", {"EU"}, "should")]


@pytest.mark.parametrize("sentence, expected", [
    ("Another option is for Congress to withhold the funds.", [("withhold the funds", {"USA"}, "is")]),
    ("An alternative would be for the EU to buy the gas jointly.", [("buy the gas jointly", {"EU"}, "would be")]),
    ("The simplest solution would be for Norway to lease the ships.", [("lease the ships", {"NOR"}, "would be")]),
])
def test_options_and_alternatives_for_an_actor(nlp, sentence, expected):
    assert recommendations(nlp, sentence) == expected


@pytest.mark.parametrize("sentence", [
    "The task of the mission is to monitor the ceasefire.",   # a mandate described
    "Russia's response was to expel diplomats.",              # what an actor did
])
def test_descriptions_of_tasks_and_responses_are_no_advice(nlp, sentence):
    assert recommendations(nlp, sentence) == []


def test_options_list_without_a_modal(nlp):
    found = recommendations(nlp, "Possible options for Congress include:", "• extending the waiver;",
                            "• requiring an annual report.")
    assert found == [("extending the waiver", {"USA"}, "may"), ("requiring an annual report", {"USA"}, "may")]


def test_a_reflexive_after_the_target(nlp):
    assert recommendations(nlp, "Serbia itself would benefit from opening its archives.") == [
        ("opening its archives", {"SRB"}, "would benefit from")]
