"""The merge of model and rule rows (``policy_trained_merge``).

Reads the span classifier's scored spans (``doc.spans["policy_model_spans"]``,
``attrs["scores"]``) and rewrites the rule groups ``demands`` and ``recommendations``:

- a rule row the model confirms (score ≥ ``confirm``) gets a higher confidence
  (noisy-or of the rule's and the model's);
- a rule row the model rejects (score < ``reject``) gets a lower one, and is dropped
  when ``drop_below[label]`` is set and its score is under it;
- a model-only span (score ≥ ``add_threshold[label]``, overlapping no rule row, and
  with ``add_scope="sentence"`` only in a sentence without rule rows) is added with
  ``source="model"``, ``confidence`` = its score, and its demander,
  addressees, targets and modality found with the clause helpers.

Thresholds are chosen by cross-validation (``pipeline.train.cv``); ``null`` turns a
step off. Every row keeps ``Span._.source`` and ``Span._.confidence``.
"""

from __future__ import annotations

from typing import Dict, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401
from ..components.clauses import DocContext, actors_right, has_condition, reported_speaker, roots, subject_left
from ..components.demands import DEMANDS_KEY
from ..components.recommendations import RECOMMENDATIONS_KEY
from ..resources import load_demand_cues

MODEL_KEY = "policy_model_spans"
GROUPS = {"DEMAND": DEMANDS_KEY, "RECOMMENDATION": RECOMMENDATIONS_KEY}
MODALS = {"should", "could", "must", "may", "can", "would", "shall", "need", "needs", "might"}
#: Where a model-only span may go: anywhere no rule row overlaps it ("span"), or only in
#: a sentence where the rules found nothing ("sentence").
ADD_SCOPES = ("span", "sentence")
_BRIDGE = {"to", "that", "for", "on", "upon", "the", "and", ",", "also", "be"}


def model_scores(doc: Doc) -> dict[tuple[int, int, str], float]:
    """(start, end, label) → the span classifier's score."""
    group = doc.spans.get(MODEL_KEY)
    if group is None:
        return {}
    scores = group.attrs.get("scores")
    if scores is None:
        return {}
    return {(s.start, s.end, s.label_): float(v) for s, v in zip(group, scores)}


def _cue_index(ctx: DocContext, start: int, sent_start: int) -> int:
    """The token a model span's complement hangs on: left of it, over "to", "that" and addressees."""
    doc = ctx.doc
    k = start - 1
    while k > sent_start and (doc[k].lower_ in _BRIDGE or k in ctx.actor_at):
        k -= 1
    return max(k, sent_start)


class TrainedMerge:
    """Combines the span classifier's scores with the rule rows."""

    def __init__(self, nlp: Language, name: str, *, confirm: float, reject: float,
                 add_threshold: Dict[str, Optional[float]], drop_below: Dict[str, Optional[float]],
                 add_scope: str = "span") -> None:
        if add_scope not in ADD_SCOPES:
            raise ValueError(f"{name}: add_scope {add_scope!r}: expected one of {', '.join(ADD_SCOPES)}")
        self.name = name
        self.add_scope = add_scope
        self.confirm = confirm
        self.reject = reject
        self.add_threshold = dict(add_threshold)
        self.drop_below = dict(drop_below)
        cues = load_demand_cues()
        self.reporting = set(cues["reporting_verbs"])
        self.according = list(cues["according_to"])

    def __call__(self, doc: Doc) -> Doc:
        return merge(doc, self)

    def model_demand(self, ctx: DocContext, span: Span) -> None:
        sent = span.sent
        cue = _cue_index(ctx, span.start, sent.start)
        speaker = reported_speaker(ctx, sent, self.reporting, self.according)
        addressees: list[str] = []
        if ctx.doc[cue].lower_ in MODALS:
            # "X said Y must ...": the speaker demands, the modal's subject must act
            addressees, _ = subject_left(ctx, cue)
            demander_ids = speaker[0] if speaker else []
        else:
            demander_ids, _ = subject_left(ctx, cue, strict=False)
            if not demander_ids and speaker:
                demander_ids = speaker[0]
            addressees, _ = actors_right(ctx, cue + 1, span.start)
        demander = demander_ids[0] if demander_ids else None
        if not addressees:
            own = roots(ctx, [demander]) if demander else set()
            for actor in ctx.actors_in(span.start, span.end):
                if actor.kb_id_ not in addressees and not roots(ctx, [actor.kb_id_]) & own:
                    addressees.append(actor.kb_id_)
        span._.demander = demander
        span._.addressees = list(addressees)
        span._.cue = ctx.doc[cue].lower_

    def model_recommendation(self, ctx: DocContext, span: Span) -> None:
        sent = span.sent
        k = span.start - 1
        while k > sent.start and ctx.doc[k].lower_ not in MODALS and span.start - k < 4:
            k -= 1
        modal = k if ctx.doc[k].lower_ in MODALS else span.start - 1
        targets, _ = subject_left(ctx, modal) if modal >= sent.start else ([], None)
        if not targets and modal >= sent.start:
            # "EU member states with forces in the region should": the nearest actor left
            targets, _ = subject_left(ctx, modal, strict=False)
        span._.targets = list(targets)
        span._.modality = ctx.doc[modal].lower_ if ctx.doc[modal].lower_ in MODALS else None


def merge(doc: Doc, settings: TrainedMerge) -> Doc:
    """Rewrite the demand and recommendation groups of ``doc`` as the module docstring says."""
    scores = model_scores(doc)
    taken = [(s.start, s.end) for key in GROUPS.values() for s in doc.spans.get(key, [])]
    busy_sentences = {doc[a].sent.start for a, _ in taken} if settings.add_scope == "sentence" else set()
    ctx = None
    for label, key in GROUPS.items():
        kept = []
        for span in doc.spans.get(key, []):
            score = scores.get((span.start, span.end, label), 0.0)
            rule = span._.confidence if span._.confidence is not None else 0.5
            drop = settings.drop_below.get(label)
            if drop is not None and score < drop:
                continue
            if score >= settings.confirm:
                span._.confidence = round(1 - (1 - rule) * (1 - score), 3)
            elif score < settings.reject:
                span._.confidence = round(rule * (0.5 + score), 3)
            kept.append(span)
        added = []
        threshold = settings.add_threshold.get(label)
        if threshold is not None:
            proposals = sorted(((v, s, e) for (s, e, lab), v in scores.items() if lab == label and v >= threshold),
                               reverse=True)
            for value, start, end in proposals:
                if any(start < b and a < end for a, b in taken) or doc[start].sent.start in busy_sentences:
                    continue
                ctx = ctx or DocContext(doc)
                span = Span(doc, start, end, label=label)
                span._.source = "model"
                span._.confidence = round(value, 3)
                span._.conditional = has_condition(span.sent)
                if label == "DEMAND":
                    settings.model_demand(ctx, span)
                else:
                    settings.model_recommendation(ctx, span)
                taken.append((start, end))
                added.append(span)
        doc.spans[key] = sorted(kept + added, key=lambda s: (s.start, s.end))
    return doc


@Language.factory(
    "policy_trained_merge",
    default_config={"confirm": 0.5, "reject": 0.1,
                    "add_threshold": {"DEMAND": None, "RECOMMENDATION": None},
                    "drop_below": {"DEMAND": None, "RECOMMENDATION": None}, "add_scope": "span"},
)
def make_trained_merge(nlp: Language, name: str, confirm: float, reject: float,
                       add_threshold: Dict[str, Optional[float]],
                       drop_below: Dict[str, Optional[float]], add_scope: str) -> TrainedMerge:
    return TrainedMerge(nlp, name, confirm=confirm, reject=reject, add_threshold=add_threshold,
                        drop_below=drop_below, add_scope=add_scope)
