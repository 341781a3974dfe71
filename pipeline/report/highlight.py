"""Document text as HTML with highlighted spans, in the manner of displaCy's span style.

displaCy's span style draws every span as a bar under its tokens, stacking bars
of overlapping spans on separate tracks, with the label on the first token.
Here the same is done over character offsets, because the tables' offsets are
the contract and need not fall on token boundaries: the text is cut at every
span and block boundary, and each piece is wrapped in one element per span
covering it. Actors are tinted, demands and recommendations underlined on
their own tracks. Labels are drawn by CSS from a data attribute, so the text
in the DOM (and copied from the page) is exactly the document's text.

Everything from the document or the tables passes through ``markupsafe.escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

LABELS = ("ACTOR", "DEMAND", "RECOMMENDATION")
ANCHOR_PREFIX = {"ACTOR": "a", "DEMAND": "d", "RECOMMENDATION": "r"}
# Labels drawn as underlines on stacked tracks; actors are a background tint.
UNDERLINED = frozenset({"DEMAND", "RECOMMENDATION"})
MAX_TRACK = 5  # the stylesheet has classes up to this track; deeper ones share it


@dataclass(frozen=True)
class Highlight:
    """One span to draw: where it is, what its badge says, what hovering it says."""

    label: str
    start: int
    end: int
    anchor: str
    tag: str
    tooltip: str
    link: str = ""
    track: int = 0


@dataclass(frozen=True)
class Block:
    """A block of the layout (a segment, or text no segment covers)."""

    kind: str
    section: str
    start: int
    end: int


def offset_anchor(label: str, start: int, end: int) -> str:
    """The element id of a span: its label's letter and its offsets, e.g. ``d1289-1577``."""
    return f"{ANCHOR_PREFIX[label]}{start}-{end}"


def assign_tracks(highlights: Iterable[Highlight]) -> list[Highlight]:
    """Gives each underlined span the lowest track no overlapping span holds.

    Spans are taken longest-first among those starting together, so an outer
    demand sits nearer the text than a shorter span nested in it.
    """
    placed: list[Highlight] = []
    ordered = sorted(highlights, key=lambda h: (h.start, -h.end, h.label))
    for highlight in ordered:
        if highlight.label not in UNDERLINED:
            placed.append(highlight)
            continue
        taken = {
            other.track
            for other in placed
            if other.label in UNDERLINED and other.start < highlight.end and highlight.start < other.end
        }
        track = next(t for t in range(len(taken) + 1) if t not in taken)
        placed.append(replace(highlight, track=track))
    return placed


def layout_blocks(text: str, segments: Sequence[Block], highlights: Sequence[Highlight]) -> list[Block]:
    """The segments in text order, plus any stretch of text they leave out.

    A left-out stretch is kept when it holds visible text or part of a span, so
    nothing annotated can fall off the page when segmentation is partial.
    """
    blocks: list[Block] = []
    cursor = 0
    section = ""

    def gap(start: int, end: int) -> None:
        if start >= end:
            return
        touched = any(h.start < end and start < h.end for h in highlights)
        pieces = _split_paragraphs(text, start, end) if not touched else [(start, end)]
        for piece_start, piece_end in pieces:
            if text[piece_start:piece_end].strip() or touched:
                blocks.append(Block("paragraph", section, piece_start, piece_end))

    for segment in sorted(segments, key=lambda s: (s.start, s.end)):
        start = max(segment.start, cursor)
        if start >= segment.end:
            continue  # overlaps what is already laid out
        gap(cursor, start)
        blocks.append(replace(segment, start=start))
        section = segment.section
        cursor = segment.end
    gap(cursor, len(text))
    return blocks


def _split_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Blank-line separated paragraphs of ``text[start:end]``, as offsets."""
    pieces = []
    position = start
    for part in text[start:end].split("\n\n"):
        stripped = part.strip("\n")
        if stripped:
            offset = position + part.index(stripped)
            pieces.append((offset, offset + len(stripped)))
        position += len(part) + 2
    return pieces


class HighlightRenderer:
    """Renders the blocks of one document; each span's badge appears once, where it starts."""

    def __init__(self, text: str, highlights: Iterable[Highlight]) -> None:
        self.text = text
        self.highlights = assign_tracks(highlights)
        self._badged: set[str] = set()

    def render(self, block: Block) -> Markup:
        """The block's text as HTML, split and wrapped at every span boundary."""
        inside = [h for h in self.highlights if h.start < block.end and block.start < h.end]
        cuts = {block.start, block.end}
        for h in inside:
            cuts.update(c for c in (h.start, h.end) if block.start < c < block.end)
        bounds = sorted(cuts)
        html = []
        for piece_start, piece_end in zip(bounds, bounds[1:]):
            active = [h for h in inside if h.start <= piece_start and piece_end <= h.end]
            html.append(self._piece(self.text[piece_start:piece_end], active))
        return Markup("").join(html)

    def _piece(self, piece: str, active: list[Highlight]) -> Markup:
        opened = []
        for h in active:  # already in (start, -end) order: outer spans first
            track = min(h.track, MAX_TRACK)
            classes = f"hl hl-{h.label.lower()}" + (f" trk-{track}" if h.label in UNDERLINED else "")
            opened.append(
                Markup('<span class="{}" data-span="{}" title="{}">').format(classes, h.anchor, h.tooltip)
            )
            if h.anchor not in self._badged:
                self._badged.add(h.anchor)
                opened.append(_badge(h))
        return Markup("").join(opened) + escape(piece) + Markup("</span>" * len(active))


def _badge(h: Highlight) -> Markup:
    return Markup(
        '<a class="tag tag-{label_class}" id="{anchor}" href="{link}" data-label="{label}"'
        ' data-start="{start}" data-end="{end}" data-tag="{tag}" aria-label="{tag}"></a>'
    ).format(
        label_class=h.label.lower(),
        anchor=h.anchor,
        link=h.link or f"#{h.anchor}",
        label=h.label,
        start=h.start,
        end=h.end,
        tag=h.tag,
    )
