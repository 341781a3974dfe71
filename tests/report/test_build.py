"""The built report as files: pages, counts, links, escaping, charts, determinism, CLI."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pipeline.report import ReportError, build_report

from .fixtures import FixtureDocument, annotate, seed_document, synthetic_documents, write_extract_output

LABEL_TABLES = {"ACTOR": "mentions", "DEMAND": "demands", "RECOMMENDATION": "recommendations"}
SVG = "{http://www.w3.org/2000/svg}"


class PageReader(HTMLParser):
    """Element ids, links, span badges and script elements of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.badges: list[dict] = []
        self.tags: list[str] = []
        self.csp = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        if "tag" in (attributes.get("class") or "").split():
            self.badges.append(attributes)
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.csp = attributes["content"]


def read_page(path: Path) -> PageReader:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def test_one_page_per_document_and_a_corpus_page(built_report):
    pages = sorted(p.stem for p in (built_report.index.parent / "docs").glob("*.html"))
    assert pages == sorted(built_report.tables["documents"].doc_id)
    assert built_report.index.name == "index.html"
    assert (built_report.index.parent / "style.css").is_file()


@pytest.mark.parametrize("doc_id", ["seed-article", "script-and-markup", "joint-statement", "notes"])
def test_each_span_row_has_one_badge_at_its_offsets(built_report, doc_id):
    badges = read_page(built_report.page(doc_id)).badges
    for label, table in LABEL_TABLES.items():
        rows = built_report.tables[table]
        rows = rows[rows.doc_id == doc_id]
        drawn = sorted((int(b["data-start"]), int(b["data-end"])) for b in badges if b["data-label"] == label)
        assert drawn == sorted(zip(rows.start_char, rows.end_char)), label


def test_no_page_contains_markup_from_a_document(built_report):
    for path in built_report.index.parent.rglob("*.html"):
        page = read_page(path)
        html = path.read_text(encoding="utf-8")
        assert not {"script", "b", "i", "em"} & set(page.tags), path.name
        if path.name != "index.html":  # only the corpus page shows images: its charts
            assert "img" not in page.tags, path.name
        assert "<script" not in html.lower()
        assert "script-src" not in page.csp and "default-src 'none'" in page.csp
    script_page = built_report.page("script-and-markup").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in script_page


def test_every_internal_link_reaches_an_element(built_report):
    root = built_report.index.parent
    ids = {path.resolve(): set(read_page(path).ids) for path in root.rglob("*.html")}
    checked = 0
    for path in root.rglob("*.html"):
        for link in read_page(path).links:
            parts = urlsplit(link)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            assert target in ids, f"{path.name}: {link} leads to no page"
            if parts.fragment:
                assert unquote(parts.fragment) in ids[target], f"{path.name}: {link} leads to no element"
            checked += 1
    assert checked > 300


def test_rows_of_the_corpus_page_link_to_their_spans(built_report):
    links = read_page(built_report.index).links
    demands = built_report.tables["demands"]
    for row in demands.itertuples():
        assert f"docs/{row.doc_id}.html#d{row.start_char}-{row.end_char}" in links
    recommendations = built_report.tables["recommendations"]
    for row in recommendations.itertuples():
        assert f"docs/{row.doc_id}.html#r{row.start_char}-{row.end_char}" in links


def test_charts_are_svg_with_drawn_content(built_report):
    charts = sorted((built_report.index.parent / "charts").glob("*.svg"))
    assert [c.name for c in charts] == ["actors.svg", "demands.svg", "recommendations.svg"]
    for chart in charts:
        tree = ElementTree.parse(chart)
        assert len(tree.getroot().findall(f".//{SVG}path")) > 20, chart.name
        assert not tree.getroot().findall(f".//{SVG}script")


def test_building_twice_gives_the_same_files_and_drops_stale_pages(built_report, tmp_path):
    out = tmp_path / "out"
    write_extract_output([seed_document(), *synthetic_documents()], out, tmp_path / "corpus")
    first = build_report(out)
    (first.parent / "docs" / "removed-document.html").write_text("stale", encoding="utf-8")
    snapshot = {p.relative_to(out): p.read_bytes() for p in (out / "report").rglob("*") if p.is_file()}
    build_report(out)
    again = {p.relative_to(out): p.read_bytes() for p in (out / "report").rglob("*") if p.is_file()}
    assert Path("report/docs/removed-document.html") not in again
    del snapshot[Path("report/docs/removed-document.html")]
    assert again == snapshot


def test_empty_corpus_gives_a_report_without_charts(tmp_path):
    write_extract_output([], tmp_path / "out", tmp_path / "corpus")
    index = build_report(tmp_path / "out")
    assert "No actors, demands or recommendations to chart." in index.read_text(encoding="utf-8")


def test_command_line_builds_the_report(built_report, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.report", "--out", str(built_report.out_dir)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"report: {built_report.index}"


def test_command_line_error_is_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.report", "--out", str(tmp_path / "nowhere")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"error: {tmp_path / 'nowhere' / 'documents.csv'}: not found")


def test_report_error_is_raised_for_a_missing_folder(tmp_path):
    with pytest.raises(ReportError):
        build_report(tmp_path)


def test_element_ids_are_unique_on_every_page(built_report):
    for path in built_report.index.parent.rglob("*.html"):
        ids = read_page(path).ids
        assert len(ids) == len(set(ids)), path.name


def test_two_rows_on_the_same_span_get_two_badges_and_distinct_ids(tmp_path):
    text = "NATO-Russia Council met.\n"
    record = {"doc_id": "double", "segments": {"title": text.strip()}, "spans": annotate(text, [
        ("ACTOR", "NATO-Russia Council", 0, {"actor_id": "NATO:nato-russia-council", "actor_type": "body"}),
        ("ACTOR", "NATO-Russia Council", 0, {"actor_id": "RUS:nato-russia-council", "actor_type": "body"}),
    ])}
    write_extract_output([FixtureDocument("double", text.encode(), record)], tmp_path / "out", tmp_path / "corpus")
    page = read_page(build_report(tmp_path / "out").parent / "docs" / "double.html")
    assert [b["id"] for b in page.badges] == ["a0-19", "a0-19-2"]
    assert len(page.ids) == len(set(page.ids))
