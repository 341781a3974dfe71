"""The review report: how the machine's spans fared against the reviewer's, per label.

A machine span the reviewer left in place is *kept*; one they deleted is *removed*; one
they added is *added*; a removed span and an added span of the same label that overlap
are one *changed* span (new boundaries). *roles* counts kept DEMAND and RECOMMENDATION
spans whose demander, addressees or targets the reviewer changed. Precision is kept / machine spans, recall is
kept / reviewed spans: exact boundaries, so a changed span counts against both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from pipeline.review.doccano_format import ROLE_RELATIONS, SPAN_LABELS, SpanKey, role_ids, span_key


def pair_changes(removed: list[SpanKey], added: list[SpanKey]) -> dict[SpanKey, SpanKey]:
    """Pair added spans with removed spans of the same label they overlap most (one to one).

    Returns:
        added span -> the removed machine span it replaces.
    """
    candidates = []
    for new in added:
        for old in removed:
            overlap = min(new[2], old[2]) - max(new[1], old[1])
            if new[0] == old[0] and overlap > 0:
                candidates.append((-overlap, new[1], old[1], new, old))
    pairs: dict[SpanKey, SpanKey] = {}
    used: set[SpanKey] = set()
    for _, _, _, new, old in sorted(candidates):
        if new not in pairs and old not in used:
            pairs[new] = old
            used.add(old)
    return pairs


@dataclass
class LabelReview:
    """Counts for one label (in one document or summed over many)."""

    machine: int = 0
    reviewed: int = 0
    kept: int = 0
    changed: int = 0
    removed: int = 0
    added: int = 0
    roles_changed: int = 0

    @property
    def precision(self) -> float:
        return self.kept / self.machine if self.machine else 1.0

    @property
    def recall(self) -> float:
        return self.kept / self.reviewed if self.reviewed else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: LabelReview) -> LabelReview:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)
        return self


def _roles(span: dict) -> tuple:
    return tuple(frozenset(role_ids(span, kind)) for kind, (label, _) in ROLE_RELATIONS.items()
                 if label == span["label"])


def compare_spans(machine_spans: list[dict], reviewed_spans: list[dict]) -> dict[str, LabelReview]:
    """Per-label counts for one document."""
    review = {label: LabelReview() for label in SPAN_LABELS}
    machine = {span_key(s): s for s in machine_spans}
    reviewed = {span_key(s): s for s in reviewed_spans}
    for label in SPAN_LABELS:
        m = {k for k in machine if k[0] == label}
        h = {k for k in reviewed if k[0] == label}
        changes = pair_changes(sorted(m - h), sorted(h - m))
        counts = review[label]
        counts.machine, counts.reviewed, counts.kept = len(m), len(h), len(m & h)
        counts.changed = len(changes)
        counts.removed = len(m - h) - len(changes)
        counts.added = len(h - m) - len(changes)
        counts.roles_changed = sum(_roles(machine[k]) != _roles(reviewed[k]) for k in m & h)
    return review


@dataclass
class ReviewReport:
    """Per-document label counts, and the problems met while pulling."""

    documents: dict[str, dict[str, LabelReview]] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, LabelReview]:
        totals = {label: LabelReview() for label in SPAN_LABELS}
        for review in self.documents.values():
            for label, counts in review.items():
                totals[label] += counts
        return totals

    def to_dict(self) -> dict:
        def row(counts: LabelReview) -> dict:
            return {**asdict(counts), "precision": round(counts.precision, 4),
                    "recall": round(counts.recall, 4), "f1": round(counts.f1, 4)}
        return {
            "totals": {label: row(c) for label, c in self.totals().items()},
            "documents": {doc: {label: row(c) for label, c in review.items()}
                          for doc, review in sorted(self.documents.items())},
            "pending_review": sorted(self.pending),
        }

    def format(self) -> str:
        """The table printed after a pull."""
        header = f"{'label':<15}{'machine':>8}{'reviewed':>9}{'kept':>6}{'changed':>8}{'removed':>8}" \
                 f"{'added':>6}{'roles':>7}{'P':>7}{'R':>7}{'F1':>7}"
        lines = [f"Review report: machine vs reviewer, {len(self.documents)} reviewed document(s)"]
        if self.documents:
            lines.append(header)
        for label, c in self.totals().items() if self.documents else ():
            # "-" where there is nothing to divide by (no machine spans / no reviewed spans)
            p = f"{c.precision:>7.3f}" if c.machine else f"{'-':>7}"
            r = f"{c.recall:>7.3f}" if c.reviewed else f"{'-':>7}"
            f = f"{c.f1:>7.3f}" if c.machine and c.reviewed else f"{'-':>7}"
            lines.append(f"{label:<15}{c.machine:>8}{c.reviewed:>9}{c.kept:>6}{c.changed:>8}{c.removed:>8}"
                         f"{c.added:>6}{c.roles_changed:>7}{p}{r}{f}")
        if self.pending:
            lines.append(f"not confirmed yet (no gold written): {', '.join(sorted(self.pending))}")
        return "\n".join(lines)
