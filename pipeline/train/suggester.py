"""The candidate spans the span classifier scores: the rule rows and clause candidates.

Scoring the rule spans themselves lets the model confirm or reject them. The model's
own proposals are the complements that follow a trigger word ("to", "that", a modal,
"for") up to where the clause ends (``clauses.clause_end``), and their coordinated
parts (``clauses.split_actions``). spaCy's ``span_finder`` was tried first: on 21
documents its start/end tagger collapses to "no span" within two epochs and takes the
shared tok2vec with it. Registered as ``policy.candidate_spans.v1``.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

from ..components.clauses import clause_end, split_actions

CANDIDATE_KEYS = ("demands", "recommendations")
TRIGGERS = ("to", "that", "for", "should", "could", "must", "may", "can", "would", "shall",
            "need", "needs")


def clause_candidates(doc: Doc, triggers: set[str], max_length: int) -> set[tuple[int, int]]:
    """(start, end) of the complement after each trigger word, and of its coordinated parts."""
    found: set[tuple[int, int]] = set()
    for sent in doc.sents:
        for token in sent:
            if token.lower_ not in triggers or token.i + 1 >= sent.end:
                continue
            start = token.i + 1
            end = clause_end(doc, start, sent.end)
            if end <= start:
                continue
            found.add((start, min(end, start + max_length)))
            for a, b in split_actions(doc, start, end, after_to=True):
                if b - a <= max_length:
                    found.add((a, b))
    return found


@registry.misc("policy.candidate_spans.v1")
def build_candidate_suggester(keys: List[str] = list(CANDIDATE_KEYS), triggers: List[str] = list(TRIGGERS),
                              max_length: int = 50):
    """A suggester proposing every span under ``keys`` and the clause candidates, once each."""
    trigger_set = set(triggers)

    def suggest(docs: Iterable[Doc], *, ops: Optional[Ops] = None) -> Ragged:
        ops = ops or get_current_ops()
        spans, lengths = [], []
        for doc in docs:
            seen = {(s.start, s.end) for key in keys for s in doc.spans.get(key, [])}
            if doc.has_annotation("SENT_START"):
                seen |= clause_candidates(doc, trigger_set, max_length)
            spans.extend(sorted(seen))
            lengths.append(len(seen))
        data = ops.asarray2i(spans) if spans else ops.alloc2i(0, 2)
        return Ragged(data, ops.asarray1i(lengths))

    return suggest
