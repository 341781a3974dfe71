"""The per-Doc token cache (pipeline/components/tokens.py) gives exactly what spaCy's
own Token attributes give, on text that is hard to tokenize."""

import pytest
import spacy

from pipeline.components.tokens import doc_tokens, sentence_starts

TRICKY = [
    "Plain words, with punctuation: yes!",
    "Runs   of\u00a0\u00a0spaces\t\tand\n\n\nline breaks  \n  end ",
    "NBSP\u00a0between\u00a0words and\u202fnarrow\u2007spaces.",
    "Emoji 🇺🇦 flags 👍🏽 and ZWJ 👩‍👩‍👧 sequences🙂.",
    "Combining accents: Vuc\u030cic\u0301, cafe\u0301, Ångström, İstanbul, ß, ǅ.",
    "U.S. officials e.g. said No. 5 (approx.) — “quoted” ‘text’ isn’t 3.5% of $12,000…",
    "ΑΘΗΝΑ Москва İİ ﬁnal ﬀ KΩ",
    "  leading whitespace and a trailing one ",
    "",
    "\n",
]


@pytest.fixture(scope="module")
def nlp():
    return spacy.blank("en")


@pytest.mark.parametrize("text", TRICKY)
def test_cached_values_equal_spacy_token_attributes(nlp, text):
    doc = nlp(text)
    t = doc_tokens(doc)
    assert t.text == doc.text == text
    for cached, spacy_attr in (("words", "text"), ("lower", "lower_"), ("idx", "idx"), ("is_space", "is_space"),
                               ("is_alpha", "is_alpha"), ("is_punct", "is_punct"), ("is_stop", "is_stop"),
                               ("like_num", "like_num"), ("is_lower", "is_lower"), ("is_upper", "is_upper"),
                               ("is_title", "is_title"), ("is_digit", "is_digit")):
        assert getattr(t, cached) == [getattr(tok, spacy_attr) for tok in doc], cached
    for start in range(len(doc) + 1):
        for end in range(start, len(doc) + 1):
            assert t.span_text(start, end) == doc[start:end].text


def test_cache_is_per_doc_and_follows_retokenization(nlp):
    doc = nlp("New York is big")
    other = nlp("New York is big")
    assert doc_tokens(doc) is doc_tokens(doc)
    assert doc_tokens(other) is not doc_tokens(doc)
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:2])
    assert doc_tokens(doc).words == ["New York", "is", "big"]


def test_given_text_is_used_and_nothing_lands_in_user_data(nlp):
    text = "A text given by the caller."
    doc = nlp.make_doc(text)
    assert doc_tokens(doc, text).text is text
    assert doc.user_data == {}
    assert doc.to_bytes()  # serialisable as before


def test_sentence_starts_match_is_sent_start(nlp):
    doc = nlp("One two. Three four. Five")
    assert sentence_starts(doc) == [bool(tok.is_sent_start) for tok in doc]  # unknown (None) reads as False
    assert sentence_starts(doc)[1:] == [False] * (len(doc) - 1)
    doc[0].is_sent_start = True
    doc[3].is_sent_start = True
    doc[4].is_sent_start = False
    assert sentence_starts(doc) == [bool(tok.is_sent_start) for tok in doc]


def test_sentence_bounds_match_token_sent(nlp):
    from pipeline.components.tokens import Sentences

    doc = nlp("One two. Three four five. Six")
    for i in (0, 3, 6):
        doc[i].is_sent_start = True
    for i in range(len(doc)):
        if not doc[i].is_sent_start:
            doc[i].is_sent_start = False
    sentences = Sentences(doc)
    assert [sentences.of(i) for i in range(len(doc))] == [(tok.sent.start, tok.sent.end) for tok in doc]
