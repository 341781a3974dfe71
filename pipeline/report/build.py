"""Builds the static HTML report from an extract output folder.

Layout of ``OUT/report/``: ``index.html`` (the corpus page), ``docs/<doc>.html``
(one page per document), ``charts/*.svg`` and ``style.css``. Pages link to each
other with relative URLs, so the folder opens from disk and can be moved whole.
"""

from __future__ import annotations

import math
import re
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jinja2
import pandas as pd
from tqdm import tqdm

from pipeline.report import charts
from pipeline.report.highlight import LABELS, Block, Highlight, HighlightRenderer, layout_blocks, offset_anchor
from pipeline.report.tables import SPAN_TABLES, read_tables, read_texts, split_ids

TOP_ACTORS = 20
TOP_DEMAND_PARTIES = 15
UNSPECIFIED = "(unspecified)"
SNIPPET_CHARS = 220


@dataclass
class ActorIndex:
    """Names and types of actor ids, from actors.csv (ids it lacks stand for themselves)."""

    names: dict[str, str]
    types: dict[str, str]

    @classmethod
    def from_table(cls, actors: pd.DataFrame) -> "ActorIndex":
        return cls(dict(zip(actors.actor_id, actors.name)), dict(zip(actors.actor_id, actors.actor_type)))

    def name(self, actor_id: str) -> str:
        return self.names.get(actor_id) or actor_id

    def label(self, actor_id: str) -> str:
        """``Russia (RUS)``, or the id alone where the name adds nothing."""
        name = self.name(actor_id)
        return actor_id if name == actor_id else f"{name} ({actor_id})"


def page_name(doc_id: str, taken: set[str]) -> str:
    """A file name for a document's page that is safe on any file system and unique."""
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", doc_id).lstrip(".") or "document"
    name, n = f"{stem}.html", 1
    while name.lower() in taken:
        n += 1
        name = f"{stem}-{n}.html"
    taken.add(name.lower())
    return name


def actor_anchor(actor_id: str) -> str:
    """Element id of an actor's row (no whitespace is allowed in HTML ids)."""
    return "actor-" + re.sub(r"\s", "_", actor_id)


def fragment(anchor: str) -> str:
    """``#anchor`` percent-encoded for use in a URL."""
    return "#" + quote(anchor, safe="")


def confidence_text(value: float) -> str:
    """Two decimals, or empty where the model gave none (NaN)."""
    return "" if math.isnan(value) else f"{value:.2f}"


def snippet(text: str) -> str:
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def _details(row, *parts: str) -> str:
    """``parts``, then the row's confidence and source where known, joined by dots."""
    confidence = confidence_text(row.confidence)
    conditional = "conditional" if getattr(row, "conditional", "") == "True" else ""
    extra = (conditional, f"confidence {confidence}" if confidence else "", row.source)
    return " · ".join(p for p in (*parts, *extra) if p)


def span_highlights(label: str, rows: pd.DataFrame, actors: ActorIndex) -> list[Highlight]:
    """Highlights of one table's rows for one document, in row order, with badge and hover texts."""
    highlights = []
    for row in rows.itertuples():
        anchor = offset_anchor(label, row.start_char, row.end_char)
        if label == "ACTOR":
            tag = row.actor_id or "?"
            tooltip = _details(row, f"ACTOR {tag}", actors.name(row.actor_id), row.actor_type)
            link = fragment(actor_anchor(row.actor_id))
        elif label == "DEMAND":
            tag = f"DEMAND {row.demander_id or '?'} → {', '.join(split_ids(row.addressee_ids)) or '?'}"
            tooltip = _details(row, tag, f"cue: {row.cue}" if row.cue else "")
            link = fragment("row-" + anchor)
        else:
            tag = f"RECOMMENDATION → {', '.join(split_ids(row.target_ids)) or '?'}"
            tag += f" · {row.modality}" if row.modality else ""
            tooltip = _details(row, tag)
            link = fragment("row-" + anchor)
        highlights.append(Highlight(label, row.start_char, row.end_char, anchor, tag, tooltip, link))
    return _unique_anchors(highlights)


def _unique_anchors(highlights: list[Highlight]) -> list[Highlight]:
    """Two rows with the same label and offsets (two ids for one span) get distinct anchors."""
    seen: Counter[str] = Counter()
    unique = []
    for h in highlights:
        seen[h.anchor] += 1
        if seen[h.anchor] > 1:
            h = replace(h, anchor=f"{h.anchor}-{seen[h.anchor]}")
        unique.append(h)
    return unique


class ReportBuilder:
    """Renders the pages of one report; the tables and texts are read once, up front."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.report_dir = out_dir / "report"
        self.tables = read_tables(out_dir)
        self.texts = read_texts(self.tables, out_dir)
        self.actors = ActorIndex.from_table(self.tables.actors)
        taken: set[str] = set()
        self.pages = {doc_id: page_name(doc_id, taken) for doc_id in self.tables.documents.doc_id}
        self.rows_by_doc = {
            name: dict(tuple(getattr(self.tables, name).groupby("doc_id", sort=False)))
            for name in ("segments", *SPAN_TABLES)
        }
        self.environment = jinja2.Environment(
            loader=jinja2.PackageLoader("pipeline.report", "templates"),
            autoescape=True,  # every value from the data is untrusted text
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=lambda value: "" if value is pd.NA else value,  # an empty number cell shows empty
        )
        self.environment.filters["fragment"] = fragment
        self.environment.filters["actor_anchor"] = actor_anchor
        self.environment.globals["actor_label"] = self.actors.label
        self.environment.globals["actor_name"] = self.actors.name

    def build(self) -> Path:
        """Writes the whole report and returns the path of its corpus page."""
        for stale in ("docs", "charts"):
            shutil.rmtree(self.report_dir / stale, ignore_errors=True)
        (self.report_dir / "docs").mkdir(parents=True, exist_ok=True)
        stylesheet = resources.files("pipeline.report").joinpath("static/report.css").read_text("utf-8")
        (self.report_dir / "style.css").write_text(stylesheet, encoding="utf-8")
        documents = list(self.tables.documents.itertuples())
        # disable=None: a progress bar on a terminal, silence in CI and tests.
        for position, document in enumerate(tqdm(documents, desc="report", unit="doc", disable=None)):
            neighbours = (
                documents[position - 1].doc_id if position > 0 else None,
                documents[position + 1].doc_id if position + 1 < len(documents) else None,
            )
            html = self.document_page(document, neighbours)
            (self.report_dir / "docs" / self.pages[document.doc_id]).write_text(html, encoding="utf-8")
        index = self.report_dir / "index.html"
        index.write_text(self.corpus_page(), encoding="utf-8")
        return index

    # ---- one page per document ------------------------------------------
    def rows(self, name: str, doc_id: str) -> pd.DataFrame:
        """The rows of table ``name`` that belong to one document."""
        return self.rows_by_doc[name].get(doc_id, getattr(self.tables, name).iloc[0:0])

    def document_page(self, document, neighbours: tuple[str | None, str | None]) -> str:
        doc_id, text = document.doc_id, self.texts[document.doc_id]
        mentions, demands, recommendations = (self.rows(name, doc_id) for name in SPAN_TABLES)
        spans = {
            label: span_highlights(label, rows, self.actors)
            for label, rows in zip(LABELS, (mentions, demands, recommendations))
        }
        highlights = [h for label in LABELS for h in spans[label]]
        blocks = layout_blocks(
            text,
            [Block(s.kind, s.section, s.start_char, s.end_char) for s in self.rows("segments", doc_id).itertuples()],
            highlights,
        )
        renderer = HighlightRenderer(text, highlights)
        article = [
            {"kind": block.kind, "html": renderer.render(block), "anchor": f"c{block.start}-{block.end}"}
            for block in blocks
        ]
        actor_rows: dict[str, dict] = {}
        for row, highlight in zip(mentions.itertuples(), spans["ACTOR"]):
            entry = actor_rows.setdefault(
                row.actor_id, {"actor_id": row.actor_id, "actor_type": row.actor_type, "n_mentions": 0,
                               "first": highlight.anchor}
            )
            entry["n_mentions"] += 1
        previous, following = neighbours
        return self.environment.get_template("document.html.j2").render(
            root="../",
            doc=document,
            page_title=document.title or doc_id,
            has_title_block=any(block.kind == "title" for block in blocks),
            article=article,
            actors=sorted(actor_rows.values(), key=lambda a: (-a["n_mentions"], a["actor_id"])),
            demands=[
                {
                    "anchor": highlight.anchor,
                    "demander": row.demander_id,
                    "addressees": split_ids(row.addressee_ids),
                    "cue": row.cue,
                    "text": snippet(row.text),
                    "details": _details(row),
                }
                for row, highlight in zip(demands.itertuples(), spans["DEMAND"])
            ],
            recommendations=[
                {
                    "anchor": highlight.anchor,
                    "targets": split_ids(row.target_ids),
                    "modality": row.modality,
                    "text": snippet(row.text),
                    "details": _details(row),
                }
                for row, highlight in zip(recommendations.itertuples(), spans["RECOMMENDATION"])
            ],
            previous=(self.pages[previous], previous) if previous else None,
            following=(self.pages[following], following) if following else None,
        )

    # ---- the corpus page --------------------------------------------------
    def corpus_page(self) -> str:
        tables = self.tables
        documents = [
            {
                "page": "docs/" + self.pages[d.doc_id],
                "doc_id": d.doc_id,
                "title": d.title,
                "date": d.date,
                "n_sentences": d.n_sentences,
                "n_mentions": len(self.rows("mentions", d.doc_id)),
                "n_actors": self.rows("mentions", d.doc_id).actor_id.nunique(),
                "n_demands": len(self.rows("demands", d.doc_id)),
                "n_recommendations": len(self.rows("recommendations", d.doc_id)),
            }
            for d in tables.documents.itertuples()
        ]
        docs_of_actor = tables.mentions.groupby("actor_id").doc_id.unique()
        actors = [
            {
                "actor_id": a.actor_id,
                "name": a.name,
                "actor_type": a.actor_type,
                "root_id": a.root_id,
                "n_mentions": a.n_mentions,
                "n_documents": a.n_documents,
                "documents": [
                    (f"docs/{self.pages[d]}{fragment(actor_anchor(a.actor_id))}", d)
                    for d in docs_of_actor.get(a.actor_id, [])
                ],
            }
            for a in tables.actors.sort_values(["n_mentions", "actor_id"], ascending=[False, True]).itertuples()
        ]
        pairs, demand_links = self.demand_pairs()
        by_target = self.recommendations_by_target()
        return self.environment.get_template("corpus.html.j2").render(
            root="",
            page_title="Corpus report",
            documents=documents,
            totals={
                "documents": len(documents),
                "mentions": len(tables.mentions),
                "actors": len(tables.actors),
                "demands": len(tables.demands),
                "recommendations": len(tables.recommendations),
            },
            charts=self.write_charts(actors, pairs, by_target),
            actors=actors,
            actor_ids={a["actor_id"] for a in actors},
            pairs=[
                {"demander": d, "addressee": a, "count": n, "links": demand_links[(d, a)]}
                for (d, a), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
            ],
            recommendations_by_target=by_target,
        )

    def span_link(self, doc_id: str, label: str, start: int, end: int) -> str:
        return f"docs/{self.pages[doc_id]}{fragment(offset_anchor(label, start, end))}"

    def demand_pairs(self) -> tuple[Counter, dict]:
        """Counts of (demander, addressee) pairs, and the demands behind each pair."""
        pairs: Counter[tuple[str, str]] = Counter()
        links = defaultdict(list)
        for row in self.tables.demands.itertuples():
            demander = row.demander_id or UNSPECIFIED
            for addressee in split_ids(row.addressee_ids) or [UNSPECIFIED]:
                pairs[(demander, addressee)] += 1
                links[(demander, addressee)].append({
                    "href": self.span_link(row.doc_id, "DEMAND", row.start_char, row.end_char),
                    "doc_id": row.doc_id,
                    "text": snippet(row.text),
                })
        return pairs, links

    def recommendations_by_target(self) -> list[dict]:
        groups = defaultdict(list)
        for row in self.tables.recommendations.itertuples():
            for target in split_ids(row.target_ids) or [UNSPECIFIED]:
                groups[target].append({
                    "href": self.span_link(row.doc_id, "RECOMMENDATION", row.start_char, row.end_char),
                    "doc_id": row.doc_id,
                    "modality": row.modality,
                    "text": snippet(row.text),
                    "details": _details(row),
                })
        ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        return [{"target": target, "items": items} for target, items in ordered]

    def write_charts(self, actors: list[dict], pairs: Counter, by_target: list[dict]) -> list[dict]:
        """Draws the corpus charts that have data; returns their captions and paths."""
        chart_dir = self.report_dir / "charts"
        drawn = []
        top = [a for a in actors if a["n_mentions"]][:TOP_ACTORS]
        if top:
            charts.actor_bars(
                [(self.actors.label(a["actor_id"]), a["actor_type"], a["n_mentions"]) for a in top],
                chart_dir / "actors.svg",
            )
            drawn.append({
                "id": "chart-actors",
                "src": "charts/actors.svg",
                "title": f"The {len(top)} most-mentioned actors",
                "alt": "; ".join(f"{a['actor_id']}: {a['n_mentions']}" for a in top),
            })
        if pairs:
            demanders = _top_keys(_sum_by(pairs, 0), TOP_DEMAND_PARTIES)
            addressees = _top_keys(_sum_by(pairs, 1), TOP_DEMAND_PARTIES)
            counts = [[pairs.get((d, a), 0) for a in addressees] for d in demanders]
            charts.demand_matrix(demanders, addressees, counts, chart_dir / "demands.svg")
            drawn.append({
                "id": "chart-demands",
                "src": "charts/demands.svg",
                "title": "Who demands from whom (number of demands)",
                "alt": "; ".join(f"{d} → {a}: {n}" for (d, a), n in sorted(pairs.items())),
            })
        targets = Counter({g["target"]: len(g["items"]) for g in by_target})
        if targets:
            ordered = _top_keys(targets, TOP_ACTORS)
            charts.horizontal_bars(
                [self.actors.label(t) for t in ordered],
                [targets[t] for t in ordered],
                [charts.TYPE_COLOURS.get(self.actors.types.get(t, ""), charts.OTHER_COLOUR) for t in ordered],
                "recommendations",
                chart_dir / "recommendations.svg",
            )
            drawn.append({
                "id": "chart-recommendations",
                "src": "charts/recommendations.svg",
                "title": "Recommendations by target",
                "alt": "; ".join(f"{t}: {targets[t]}" for t in ordered),
            })
        return drawn


def _sum_by(pairs: Counter, side: int) -> Counter:
    totals: Counter[str] = Counter()
    for pair, n in pairs.items():
        totals[pair[side]] += n
    return totals


def _top_keys(totals: Counter, limit: int) -> list[str]:
    return [key for key, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]]


def build_report(out_dir: Path) -> Path:
    """Builds ``out_dir/report/`` from the extract tables in ``out_dir``.

    Args:
        out_dir: the folder `make extract` wrote the tables into.

    Returns:
        The path of the corpus page, ``out_dir/report/index.html``.

    Raises:
        ReportError: a table or document is missing or does not match.
    """
    return ReportBuilder(Path(out_dir)).build()
