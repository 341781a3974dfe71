"""Per-Doc token values as plain Python lists, read once and shared by the components.

``doc[i].text`` or ``for token in sent`` builds a ``Token`` object per access, and
each attribute read crosses into Cython; on a rules pipeline that reads every
token several times, that is most of the cost. ``doc_tokens(doc)`` reads the text
once, slices the token texts out of it (a token's text is always the exact
substring at ``idx``), and reads the lexical flags with one ``to_array``; the
lists are computed on first use and cached per Doc, so the segmenter, the actor
tagger and any other component share them.

The cache holds only values fixed by the tokenization (texts, offsets, lexical
flags), never sentence starts, tags or trees, which later components change. It
is keyed by the Doc itself (weakly: it goes with the Doc) and checked against
the number of tokens, so a retokenized Doc gets fresh values. Nothing is stored
in ``doc.user_data``, so ``DocBin`` and ``Doc.to_bytes`` are unaffected.

Usage::

    t = doc_tokens(doc)
    t.words[i] == doc[i].text;  t.lower[i] == doc[i].lower_;  t.idx[i] == doc[i].idx
    t.is_alpha[i] == doc[i].is_alpha  (also is_space, is_punct, is_stop, like_num, is_lower,
                                       is_upper, is_title, is_digit)
    t.span_text(start, end) == doc[start:end].text
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from functools import cached_property

from spacy.attrs import (
    IDX, IS_ALPHA, IS_DIGIT, IS_LOWER, IS_PUNCT, IS_SPACE, IS_STOP, IS_TITLE, IS_UPPER, LENGTH, LIKE_NUM, SENT_START,
)
from spacy.tokens import Doc

_FLAGS = (("is_alpha", IS_ALPHA), ("is_punct", IS_PUNCT), ("is_stop", IS_STOP), ("like_num", LIKE_NUM),
          ("is_lower", IS_LOWER), ("is_upper", IS_UPPER), ("is_title", IS_TITLE), ("is_digit", IS_DIGIT))
_CACHE: "weakref.WeakKeyDictionary[Doc, DocTokens]" = weakref.WeakKeyDictionary()


class DocTokens:
    """Token values of one Doc as lists indexed by token position."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.n = len(doc)
        self.text = doc.text if text is None else text
        self._doc = weakref.ref(doc)
        if self.n:
            array = doc.to_array([IDX, LENGTH, IS_SPACE]).astype("int64")
            self.idx: list[int] = array[:, 0].tolist()
            self.length: list[int] = array[:, 1].tolist()
            self.is_space: list[bool] = array[:, 2].astype(bool).tolist()
        else:
            self.idx, self.length, self.is_space = [], [], []

    @cached_property
    def words(self) -> list[str]:
        text = self.text
        return [text[i:i + n] for i, n in zip(self.idx, self.length)]

    @cached_property
    def lower(self) -> list[str]:
        """``token.lower_``: the lowercase form (``str.lower``, as the English lexical attributes)."""
        doc = self._doc()
        if doc is not None and doc.lang_ != "en":
            return [t.lower_ for t in doc]
        return [w.lower() for w in self.words]

    def _flags(self) -> None:
        """The lexical flags, all from one ``to_array`` on first use of any."""
        doc = self._doc()
        if doc is None or not self.n:
            columns = [[] for _ in _FLAGS]
        else:
            array = doc.to_array([attr for _, attr in _FLAGS])
            columns = [array[:, k].astype(bool).tolist() for k in range(len(_FLAGS))]
        self.__dict__.update(zip((name for name, _ in _FLAGS), columns))

    def _flag(self, name: str) -> list[bool]:
        if name not in self.__dict__:
            self._flags()
        return self.__dict__[name]

    is_alpha = property(lambda self: self._flag("is_alpha"), doc="``token.is_alpha`` per token")
    is_punct = property(lambda self: self._flag("is_punct"), doc="``token.is_punct`` per token")
    is_stop = property(lambda self: self._flag("is_stop"), doc="``token.is_stop`` per token")
    like_num = property(lambda self: self._flag("like_num"), doc="``token.like_num`` per token")
    is_lower = property(lambda self: self._flag("is_lower"), doc="``token.is_lower`` per token")
    is_upper = property(lambda self: self._flag("is_upper"), doc="``token.is_upper`` per token")
    is_title = property(lambda self: self._flag("is_title"), doc="``token.is_title`` per token")
    is_digit = property(lambda self: self._flag("is_digit"), doc="``token.is_digit`` per token")

    def span_text(self, start: int, end: int) -> str:
        """``doc[start:end].text`` (no trailing whitespace)."""
        if end <= start:
            return ""
        return self.text[self.idx[start]:self.idx[end - 1] + self.length[end - 1]]


def doc_tokens(doc: Doc, text: str | None = None) -> DocTokens:
    """The cached token values of ``doc`` (``text``: ``doc.text``, when the caller has it)."""
    cached = _CACHE.get(doc)
    if cached is None or cached.n != len(doc):
        cached = DocTokens(doc, text)
        _CACHE[doc] = cached
    return cached


class Sentences:
    """Sentence bounds of a Doc from one ``to_array``, read when built (build one per
    component call: components may change sentence starts)."""

    def __init__(self, doc: Doc) -> None:
        self.n = len(doc)
        self.starts = sentence_starts(doc)
        self._bounds = [i for i, start in enumerate(self.starts) if start]

    def of(self, i: int) -> tuple[int, int]:
        """``(doc[i].sent.start, doc[i].sent.end)``."""
        bounds = self._bounds
        k = bisect_right(bounds, i) - 1
        start = bounds[k] if k >= 0 else 0
        end = bounds[k + 1] if k + 1 < len(bounds) else self.n
        return start, end


def sentence_starts(doc: Doc) -> list[bool]:
    """``token.is_sent_start`` of every token as a bool (None, unknown, reads as False).
    Not cached: components after the segmenter may change sentence starts."""
    if not len(doc):
        return []
    return (doc.to_array(SENT_START).astype("int64") == 1).tolist()
