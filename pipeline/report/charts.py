"""The corpus page's charts, as static SVG files drawn by matplotlib.

Figures are made with ``matplotlib.figure.Figure`` directly (no pyplot state),
text is drawn as paths (no fonts needed to view, no markup from the data in the
file) and ids are salted by a fixed string, so the same tables give the same
bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Patch

SVG_SETTINGS = {"svg.fonttype": "path", "svg.hashsalt": "policy-pipeline-report", "font.size": 9}
TYPE_COLOURS = {
    "state": "#4c78a8",
    "organisation": "#f58518",
    "body": "#54a24b",
    "person": "#b279a2",
    "group": "#9d755d",
}
OTHER_COLOUR = "#bab0ac"


def _shorten(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(SVG_SETTINGS):
        figure.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return path


def _new_figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(SVG_SETTINGS):
        return Figure(figsize=(width, height), layout="constrained")


def horizontal_bars(
    labels: Sequence[str], values: Sequence[int], colours: Sequence[str], xlabel: str, path: Path,
    legend: dict[str, str] | None = None,
) -> Path:
    """A horizontal bar chart, largest bar on top, each bar labelled with its value.

    ``legend`` maps a colour's meaning to the colour, for the colours in use.
    """
    with matplotlib.rc_context(SVG_SETTINGS):
        figure = _new_figure(6.4, 0.8 + 0.28 * max(len(labels), 1))
        axes = figure.add_subplot()
        positions = range(len(labels))
        bars = axes.barh(positions, values, color=colours)
        axes.set_yticks(list(positions), [_shorten(label) for label in labels])
        axes.invert_yaxis()
        axes.bar_label(bars, padding=2)
        axes.set_xlabel(xlabel)
        axes.spines[["top", "right"]].set_visible(False)
        axes.margins(x=0.08)
        if legend:
            handles = [Patch(color=colour, label=meaning) for meaning, colour in legend.items()]
            axes.legend(handles=handles, loc="lower right", frameon=False)
    return _save(figure, path)


def actor_bars(actors: Sequence[tuple[str, str, int]], path: Path) -> Path:
    """Most-mentioned actors: (label, actor_type, n_mentions) triples, coloured by type."""
    colours = [TYPE_COLOURS.get(actor_type, OTHER_COLOUR) for _, actor_type, _ in actors]
    types_shown = {actor_type for _, actor_type, _ in actors}
    legend = {t: c for t, c in TYPE_COLOURS.items() if t in types_shown}
    if types_shown - set(TYPE_COLOURS):
        legend["other"] = OTHER_COLOUR
    return horizontal_bars([a[0] for a in actors], [a[2] for a in actors], colours, "mentions", path, legend)


def demand_matrix(
    demanders: Sequence[str], addressees: Sequence[str], counts: Sequence[Sequence[int]], path: Path
) -> Path:
    """Who demands from whom: demanders as rows, addressees as columns, counts in the cells."""
    with matplotlib.rc_context(SVG_SETTINGS):
        figure = _new_figure(1.6 + 0.55 * len(addressees), 1.2 + 0.4 * len(demanders))
        axes = figure.add_subplot()
        highest = max((max(row) for row in counts), default=0)
        axes.imshow(counts, cmap="Oranges", vmin=0, vmax=max(highest, 1), aspect="auto")
        axes.set_xticks(range(len(addressees)), [_shorten(a, 22) for a in addressees], rotation=45, ha="right")
        axes.set_yticks(range(len(demanders)), [_shorten(d, 22) for d in demanders])
        axes.set_xlabel("addressee")
        axes.set_ylabel("demander")
        for row, values in enumerate(counts):
            for column, value in enumerate(values):
                if value:
                    dark = value > highest * 0.6
                    axes.text(column, row, str(value), ha="center", va="center", color="white" if dark else "black")
        # White rules between the cells keep empty ones apart.
        axes.set_xticks([x - 0.5 for x in range(1, len(addressees))], minor=True)
        axes.set_yticks([y - 0.5 for y in range(1, len(demanders))], minor=True)
        axes.grid(which="minor", color="white", linewidth=2)
        axes.tick_params(which="both", length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
    return _save(figure, path)
