"""The report in a real browser: Debian's headless chromium over the DevTools protocol."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pipeline.report.highlight import offset_anchor

LABEL_TABLES = {"ACTOR": "mentions", "DEMAND": "demands", "RECOMMENDATION": "recommendations"}
DOC_IDS = ["seed-article", "script-and-markup", "joint-statement", "notes"]

# Text of each highlighted span as the browser has it, joined over its pieces.
SPAN_TEXTS_JS = """(() => {
  const texts = {};
  for (const el of document.querySelectorAll('[data-span]')) {
    texts[el.dataset.span] = (texts[el.dataset.span] || '') + el.textContent;
  }
  return texts;
})()"""
BADGES_JS = """Array.from(document.querySelectorAll('.tag')).map(el => ({
  label: el.dataset.label,
  id: el.id,
  shown: getComputedStyle(el, '::before').content,
}))"""


def open_page(page, path) -> None:
    page.open(path.as_uri())
    assert page.console_errors() == [], path.name


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_document_page_loads_and_shows_every_span(built_report, page, doc_id):
    open_page(page, built_report.page(doc_id))
    badges = page.evaluate(BADGES_JS)
    span_texts = page.evaluate(SPAN_TEXTS_JS)
    for label, table in LABEL_TABLES.items():
        rows = built_report.tables[table]
        rows = rows[rows.doc_id == doc_id]
        assert sum(b["label"] == label for b in badges) == len(rows), label
        for row in rows.itertuples():
            assert span_texts[offset_anchor(label, row.start_char, row.end_char)] == row.text
    # Labels are drawn by the stylesheet: a badge showing "none" means it did not load.
    assert all(b["shown"] not in ("none", "normal", '""') for b in badges)


def test_script_in_a_document_shows_as_text_and_never_runs(built_report, page):
    open_page(page, built_report.page("script-and-markup"))
    title = page.evaluate("document.querySelector('h1.title').textContent")
    assert title == "Statement on <script>alert(1)</script> & <b>bold</b> claims"
    article = page.evaluate("document.querySelector('article').textContent")
    assert '<img src=x onerror="document.title=\'pwned\'">' in article
    assert '<script>document.body.dataset.pwned = "yes"</script>' in article
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.querySelectorAll('article b, article i, article img').length") == 0
    assert page.evaluate("document.body.dataset.pwned === undefined")
    assert "pwned" not in page.evaluate("document.title")
    assert not [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]


def test_corpus_page_loads_with_drawn_charts(built_report, page):
    open_page(page, built_report.index)
    charts = page.evaluate(
        "Array.from(document.querySelectorAll('figure.chart img'))"
        ".map(img => [img.getAttribute('src'), img.complete, img.naturalWidth, img.naturalHeight])"
    )
    assert [c[0] for c in charts] == ["charts/actors.svg", "charts/demands.svg", "charts/recommendations.svg"]
    for src, complete, width, height in charts:
        assert complete and width > 100 and height > 50, src
    cells = page.evaluate(
        "Array.from(document.querySelectorAll('#documents tbody tr'))"
        ".map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))"
    )
    assert len(cells) == len(built_report.tables["documents"])
    for row, doc_id in zip(cells, built_report.tables["documents"].doc_id):
        counts = [int((built_report.tables[t].doc_id == doc_id).sum()) for t in LABEL_TABLES.values()]
        assert row[0].endswith(doc_id)
        assert [int(row[3]), int(row[5]), int(row[6])] == counts, doc_id


def test_a_row_link_lands_on_its_span(built_report, page):
    demand = built_report.tables["demands"].query("doc_id == 'seed-article'").iloc[-1]
    anchor = offset_anchor("DEMAND", demand.start_char, demand.end_char)
    page.open(built_report.page("seed-article").as_uri() + "#" + anchor)
    assert page.evaluate("document.querySelector(':target').id") == anchor
    assert page.evaluate("window.scrollY") > 0


def test_screenshot_is_not_blank(built_report, page, tmp_path):
    page.screenshot(1280, 860)
    open_page(page, built_report.page("seed-article"))
    png = page.screenshot(1280, 860)
    (tmp_path / "seed-article.png").write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 860)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200  # text, tints, badges and underlines, not one flat colour
    white = max(count for count, colour in colours if colour == (255, 255, 255))
    assert white < 0.9 * 1280 * 860
