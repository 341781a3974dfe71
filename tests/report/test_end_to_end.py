"""The real commands: `python -m pipeline extract`, then `python -m pipeline.report`, then a browser."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from .fixtures import seed_document, synthetic_documents

LABEL_TABLES = {"ACTOR": "mentions", "DEMAND": "demands", "RECOMMENDATION": "recommendations"}
BADGE_COUNTS_JS = """(() => {
  const counts = {ACTOR: 0, DEMAND: 0, RECOMMENDATION: 0};
  for (const el of document.querySelectorAll('.tag')) counts[el.dataset.label] += 1;
  return counts;
})()"""


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The extract tables of the seed and the synthetic corpus, and their report."""
    root = tmp_path_factory.mktemp("end-to-end")
    corpus = root / "corpus"
    corpus.mkdir()
    for document in [seed_document(), *synthetic_documents()]:
        (corpus / f"{document.doc_id}.txt").write_bytes(document.raw)
    for command in (
        ["-m", "pipeline", "extract", "--corpus", str(corpus), "--out", str(root / "out")],
        ["-m", "pipeline.report", "--out", str(root / "out")],
    ):
        result = subprocess.run([sys.executable, *command], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
    return root / "out"


def test_report_of_the_extract_output_shows_every_row(page, extracted):
    documents = pd.read_csv(extracted / "documents.csv", dtype=str, keep_default_na=False)
    tables = {name: pd.read_csv(extracted / f"{name}.csv", dtype=str) for name in LABEL_TABLES.values()}
    assert len(tables["mentions"]) > 100  # the rules found the seed's actors at least
    for doc_id in documents.doc_id:
        page.open((extracted / "report" / "docs" / f"{doc_id}.html").as_uri())
        assert page.console_errors() == [], doc_id
        expected = {label: int((tables[table].doc_id == doc_id).sum()) for label, table in LABEL_TABLES.items()}
        assert page.evaluate(BADGE_COUNTS_JS) == expected, doc_id
    page.open((extracted / "report" / "index.html").as_uri())
    assert page.console_errors() == []
    assert page.evaluate("Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)")


def test_script_in_an_extracted_document_stays_text(page, extracted):
    page.open((extracted / "report" / "docs" / "script-and-markup.html").as_uri())
    assert page.evaluate("document.scripts.length") == 0
    assert "<script>alert(1)</script>" in page.evaluate("document.querySelector('article').textContent")
    assert page.evaluate("document.body.dataset.pwned === undefined")
