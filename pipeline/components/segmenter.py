"""The segmenter: layout segments and sentences.

Segments go to ``doc.spans["segments"]`` (label = kind, ``kb_id_`` = section);
every token gets ``is_sent_start`` so later components (and a parser, which
keeps preset boundaries) see sentences that never cross a segment.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import SENT_START

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions  # noqa: F401  (declares the attributes)
from ..layout import parse_layout

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
_CLOSERS = {'"', "”", "’", "'", ")", "]", "»"}
_OPENERS = {'"', "“", "‘", "'", "(", "[", "«"}


def _ends_sentence(doc: Doc, i: int, end: int) -> bool:
    """Whether token ``i`` ends a sentence inside a segment ending at token ``end``."""
    token = doc[i]
    nxt = i + 1
    while nxt < end and (doc[nxt].text in _CLOSERS or doc[nxt].is_space and "\n" not in doc[nxt].text):
        nxt += 1
    if nxt >= end:
        return False
    following = doc[nxt]
    if "\n" in token.whitespace_ or token.is_space:
        return False
    text = token.text
    lower = text.lower()
    if text in {".", "!", "?", "…"} or (text.endswith(".") and len(text) > 1):
        if text in {".", "!", "?", "…"}:
            prev = doc[i - 1].text.lower() + "." if i > 0 else ""
            if text == "." and prev in _ABBREVIATIONS:
                return False
        elif lower in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Za-z]\.)+", text):
            # "U.S. The ..." ends a sentence; "U.S. President" does not
            if not (following.is_title and following.lower_ in _SENTENCE_STARTERS):
                return False
        else:
            return False
        first = following.text[:1]
        if following.text in _OPENERS and nxt + 1 < end:
            first = doc[nxt + 1].text[:1]
        return first.isupper() or first.isdigit()
    return False


def _line_breaks(doc: Doc, start: int, end: int) -> set[int]:
    """Token indices that start a new sentence after a line break inside a
    block: a list item, or a line after one ending in ``:`` or final punctuation."""
    starts = set()
    for i in range(start, end - 1):
        token = doc[i]
        if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
            prev = doc[i] if not token.is_space else doc[i - 1]
            nxt = doc[i + 1]
            if prev.text[-1:] in {":", ".", "!", "?", ";"} or nxt.text in {"-", "•", "*", "–", "—"} \
                    or re.fullmatch(r"\d+[.)]|[a-z][.)]", nxt.text) or nxt.text[:1] in {"•", "-"}:
                starts.add(i + 1)
    return starts


class Segmenter:
    """Splits a document into layout segments and sentences."""

    def __init__(self, nlp: Language, name: str = "policy_segmenter") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        layout = parse_layout(doc.text)
        doc._.title, doc._.number, doc._.date = layout.title, layout.number, layout.date
        spans = []
        for segment in layout.segments:
            span = doc.char_span(segment.start, segment.end, label=segment.kind,
                                 kb_id=segment.section, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SEGMENTS_KEY] = spans
        self.set_sentences(doc, spans)
        return doc

    @staticmethod
    def set_sentences(doc: Doc, segments: list) -> None:
        starts = {0}
        for span in segments:
            starts.add(span.start)
            if span.end < len(doc):
                starts.add(span.end)
            starts |= _line_breaks(doc, span.start, span.end)
            for i in range(span.start, span.end):
                if _ends_sentence(doc, i, span.end):
                    j = i + 1
                    while j < span.end and (doc[j].text in _CLOSERS or doc[j].is_space):
                        j += 1
                    starts.add(j)
        # One array write: setting token.is_sent_start one by one rescans the doc each time.
        values = numpy.full(len(doc), -1, dtype="int64")
        for i in starts:
            # whitespace between segments stays with the sentence before it
            if i < len(doc) and not doc[i].is_space:
                values[i] = 1
        if len(doc):
            values[0] = 1
            doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))


@Language.factory("policy_segmenter")
def make_segmenter(nlp: Language, name: str) -> Segmenter:
    return Segmenter(nlp, name)
