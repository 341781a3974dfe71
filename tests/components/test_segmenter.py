"""The policy_segmenter component: segments as spans, sentences that respect them."""

from __future__ import annotations

import pytest
import spacy

from pipeline.components.segmenter import SEGMENTS_KEY
from pipeline.records import segment_summary
from policy_testkit import document


def sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def body_sentences(nlp, paragraph: str) -> list[str]:
    """Sentences of one paragraph (the title is dropped)."""
    return sentences(nlp, document(paragraph))[1:]


def test_seed_segments_equal_gold(nlp, seed_text, seed_gold):
    doc = nlp(seed_text)
    assert segment_summary(doc) == seed_gold["segments"]


def test_segment_spans_carry_kind_and_section(nlp, seed_text):
    doc = nlp(seed_text)
    spans = list(doc.spans[SEGMENTS_KEY])
    assert [s.label_ for s in spans[:5]] == ["title", "number", "date", "lead", "caption"]
    headings = [s for s in spans if s.label_ == "heading"]
    assert [h.text for h in headings] == ["The Statement", "Russia’s Goals", "Conclusions"]
    # a heading is its own section; the lead belongs to section ""
    assert all(h.kb_id_ == h.text for h in headings)
    assert spans[3].kb_id_ == ""
    assert (doc._.title, doc._.number, doc._.date) == (
        "Russia Demands Security Guarantees from the U.S. and NATO", "214", "2021-12-15")


def test_segmenter_alone_on_a_blank_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("policy_segmenter")
    doc = nlp(document("Russia met NATO. Talks failed.", "Second paragraph.", date="2021-12-15"))
    assert [s.label_ for s in doc.spans[SEGMENTS_KEY]] == ["title", "date", "lead", "paragraph"]
    assert doc._.date == "2021-12-15"
    assert [s.text.strip() for s in doc.sents][2:] == ["Russia met NATO.", "Talks failed.", "Second paragraph."]


@pytest.mark.parametrize("text", [
    # a paragraph without final punctuation, then another paragraph
    document("The talks continue without a full stop", "Next paragraph starts here."),
    # a title and a lead with no blank line between their text and a heading
    document("Lead sentence one. Lead sentence two", "Heading Here", "Paragraph after the heading"),
    "No Title Here\nU.S. officials\n\nsaid nothing\n",
])
def test_sentences_never_cross_segments(nlp, text):
    doc = nlp(text)
    bounds = [(s.start_char, s.end_char) for s in doc.spans[SEGMENTS_KEY]]
    for sent in doc.sents:
        core = sent.text.strip()
        if not core:
            continue
        start = sent.start_char + sent.text.index(core)
        end = start + len(core)
        assert any(a <= start and end <= b for a, b in bounds), core


def test_seed_sentences_inside_segments(nlp, seed_text):
    doc = nlp(seed_text)
    bounds = [(s.start, s.end) for s in doc.spans[SEGMENTS_KEY]]
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        assert any(a <= tokens[0].i and tokens[-1].i < b for a, b in bounds)


@pytest.mark.parametrize("paragraph, expected", [
    ("The talks with U.S. officials ended. Nothing changed.",
     ["The talks with U.S. officials ended.", "Nothing changed."]),
    ("Some states (e.g. Poland and Lithuania) objected. The rest agreed.",
     ["Some states (e.g. Poland and Lithuania) objected.", "The rest agreed."]),
    ("The meeting began at 5 p.m. on Friday and ended late.",
     ["The meeting began at 5 p.m. on Friday and ended late."]),
    ("The meeting ended at 5 p.m. The ministers left.",
     ["The meeting ended at 5 p.m.", "The ministers left."]),
    ("Resolution No. 5 was adopted. It binds all members.",
     ["Resolution No. 5 was adopted.", "It binds all members."]),
    ("The vote failed (the EU abstained). A new vote is planned.",
     ["The vote failed (the EU abstained).", "A new vote is planned."]),
    ("The talks (held in Geneva, i.e. in Switzerland) failed.",
     ["The talks (held in Geneva, i.e. in Switzerland) failed."]),
    ("“We will not accept this,” the minister said. He left.",
     ["“We will not accept this,” the minister said.", "He left."]),
    ("He said “this is over.” Then he left.",
     ["He said “this is over.”", "Then he left."]),
    ("Officials arrived from the U.S. The next round is in May.",
     ["Officials arrived from the U.S.", "The next round is in May."]),
    ("The U.S. Senate voted. What now? Nobody knows!",
     ["The U.S. Senate voted.", "What now?", "Nobody knows!"]),
    ("Mr. Smith met Dr. Jones on Jan. 5 in Vienna.",
     ["Mr. Smith met Dr. Jones on Jan. 5 in Vienna."]),
    ("It cost $5.5 billion. That is a lot.",
     ["It cost $5.5 billion.", "That is a lot."]),
])
def test_sentence_boundaries(nlp, paragraph, expected):
    assert body_sentences(nlp, paragraph) == expected


@pytest.mark.parametrize("paragraph, expected", [
    ("Russia demanded guarantees from the U.S. “We want them now,” Lavrov said.",
     ["Russia demanded guarantees from the U.S.", "“We want them now,” Lavrov said."]),
    ("Aid came from the U.S. (The EU declined.)", ["Aid came from the U.S.", "(The EU declined.)"]),
    ("The U.S. “Patriot” systems arrived in Poland.", ["The U.S. “Patriot” systems arrived in Poland."]),
])
def test_sentence_after_initialism_then_quote(nlp, paragraph, expected):
    assert body_sentences(nlp, paragraph) == expected


@pytest.mark.parametrize("paragraph, expected", [
    ("The answer was no. Congress met again.", ["The answer was no.", "Congress met again."]),
    ("Moscow said no. The talks ended.", ["Moscow said no.", "The talks ended."]),
    ("See Report No. R45890 for the details.", ["See Report No. R45890 for the details."]),
    ("Resolution No. 2231 still binds Iran.", ["Resolution No. 2231 still binds Iran."]),
    ("Under Art. IV of the treaty, states consult.", ["Under Art. IV of the treaty, states consult."]),
])
def test_abbreviations_before_numbers_and_the_word_no(nlp, paragraph, expected):
    assert body_sentences(nlp, paragraph) == expected


def test_list_items_are_sentences(nlp):
    text = document("Russia demands the following:\n- no enlargement\n- no new bases\n- fewer exercises")
    assert sentences(nlp, text)[1:] == [
        "Russia demands the following:", "- no enlargement", "- no new bases", "- fewer exercises"]
