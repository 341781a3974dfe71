"""The segmenter: layout segments and sentences.

Segments go to ``doc.spans["segments"]`` (label = kind, ``kb_id_`` = section);
every token gets ``is_sent_start`` so later components (and a parser, which
keeps preset boundaries) see sentences that never cross a segment.
"""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy
from spacy.attrs import SENT_START

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions  # noqa: F401  (declares the attributes)
from ..layout import parse_layout
from .tokens import DocTokens, doc_tokens

SEGMENTS_KEY = "segments"

# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "e.g.", "i.e.", "etc.", "vs.", "cf.", "no.", "nos.", "p.m.", "a.m.", "mr.", "mrs.", "ms.",
    "dr.", "prof.", "gen.", "col.", "lt.", "sen.", "rep.", "gov.", "adm.", "st.", "jan.",
    "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
    "approx.", "art.", "para.", "fig.", "vol.", "ed.", "eds.", "inc.", "ltd.", "co.", "corp.",
    "jr.", "sr.", "u.s.", "u.k.", "u.n.", "e.u.", "op.", "al.", "ca.", "pp.", "p.",
}
# Words that start a sentence after an abbreviation such as "U.S." at a sentence end.
_SENTENCE_STARTERS = {
    "the", "this", "that", "these", "those", "it", "its", "in", "on", "at", "a", "an", "as",
    "but", "however", "moreover", "meanwhile", "he", "she", "they", "we", "there", "such",
    "if", "while", "although", "since", "after", "before", "when", "for", "nevertheless",
    "yet", "still", "thus", "therefore", "also", "both", "some", "many", "most", "one",
}
# Abbreviations that stand only before a number ("No. 5", "Art. II", "pp. 3-4").
_NUMBER_ABBREVIATIONS = {"no.", "nos.", "art.", "para.", "fig.", "vol.", "pp."}
_ROMAN = re.compile(r"[IVXLC]+")
_HAS_DIGIT = re.compile(r"\d")
_CLOSERS = {'"', "”", "’", "'", ")", "]", "»"}
_OPENERS = {'"', "“", "‘", "'", "(", "[", "«"}


_FINAL = {".", "!", "?", "…"}
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+")
_LIST_MARK = re.compile(r"\d+[.)]|[a-z][.)]")


def _ends_sentence(tokens: DocTokens, i: int, end: int) -> bool:
    """Whether token ``i`` ends a sentence inside a segment ending at token ``end``."""
    words, is_space = tokens.words, tokens.is_space
    text = words[i]
    if text[-1:] not in _FINAL or is_space[i]:
        return False
    nxt = i + 1
    while nxt < end and (words[nxt] in _CLOSERS or is_space[nxt] and "\n" not in words[nxt]):
        nxt += 1
    if nxt >= end:
        return False
    following = words[nxt]
    # the first word of what follows, past an opening quote or bracket
    head = words[nxt + 1] if following in _OPENERS and nxt + 1 < end else following
    if text in _FINAL:
        prev = words[i - 1].lower() + "." if i > 0 else ""
        if text == "." and prev in _ABBREVIATIONS and not _word_not_abbreviation(prev, head):
            return False
    elif text.endswith(".") and len(text) > 1:
        lower = text.lower()
        if lower in _ABBREVIATIONS and _word_not_abbreviation(lower, head):
            pass
        elif lower in _ABBREVIATIONS or _INITIALISM.fullmatch(text):
            # "U.S. The ..." and "U.S. “We ..." end a sentence; "U.S. President" does not
            if not (head.istitle() and head.lower() in _SENTENCE_STARTERS):
                return False
        else:
            return False
    else:
        return False
    first = head[:1]
    return first.isupper() or first.isdigit()


def _word_not_abbreviation(abbreviation: str, head: str) -> bool:
    """Whether ``no.`` (or another abbreviation that only stands before a number) is a
    plain word ending a sentence here: "The answer was no. Congress ..." but "No. 5",
    "No. R45890", "Art. IV"."""
    return abbreviation in _NUMBER_ABBREVIATIONS and not (_HAS_DIGIT.search(head) or _ROMAN.fullmatch(head))


def _line_breaks(tokens: DocTokens, start: int, end: int) -> set[int]:
    """Token indices that start a new sentence after a line break inside a
    block: a list item, or a line after one ending in ``:`` or final punctuation."""
    words, is_space = tokens.words, tokens.is_space
    starts = set()
    for i in range(start, end - 1):
        # a token's own trailing whitespace is at most one space: line breaks are space tokens
        if is_space[i] and "\n" in words[i]:
            prev, nxt = words[i - 1], words[i + 1]
            if prev[-1:] in {":", ".", "!", "?", ";"} or nxt in {"-", "•", "*", "–", "—"} \
                    or _LIST_MARK.fullmatch(nxt) or nxt[:1] in {"•", "-"}:
                starts.add(i + 1)
    return starts


class Segmenter:
    """Splits a document into layout segments and sentences."""

    def __init__(self, nlp: Language, name: str = "policy_segmenter") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_tokens(doc).text
        layout = parse_layout(text)
        doc._.title, doc._.number, doc._.date = layout.title, layout.number, layout.date
        spans = []
        for segment in layout.segments:
            span = doc.char_span(segment.start, segment.end, label=segment.kind,
                                 kb_id=segment.section, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SEGMENTS_KEY] = spans
        self.set_sentences(doc, spans, text)
        return doc

    @staticmethod
    def set_sentences(doc: Doc, segments: list, text: str | None = None) -> None:
        tokens = doc_tokens(doc, text)
        words, is_space = tokens.words, tokens.is_space
        # only a token ending in final punctuation can end a sentence
        candidates = [i for i, w in enumerate(words) if w[-1:] in _FINAL]
        starts = {0}
        for span in segments:
            starts.add(span.start)
            if span.end < len(doc):
                starts.add(span.end)
            starts |= _line_breaks(tokens, span.start, span.end)
            for i in candidates[bisect_left(candidates, span.start):bisect_left(candidates, span.end)]:
                if _ends_sentence(tokens, i, span.end):
                    j = i + 1
                    while j < span.end and (words[j] in _CLOSERS or is_space[j]):
                        j += 1
                    starts.add(j)
        # One array write: setting token.is_sent_start one by one rescans the doc each time.
        values = numpy.full(len(doc), -1, dtype="int64")
        for i in starts:
            # whitespace between segments stays with the sentence before it
            if i < len(doc) and not is_space[i]:
                values[i] = 1
        if len(doc):
            values[0] = 1
            doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))


@Language.factory("policy_segmenter")
def make_segmenter(nlp: Language, name: str) -> Segmenter:
    return Segmenter(nlp, name)
