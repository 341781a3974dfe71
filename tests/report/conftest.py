"""Fixtures of the report tests: extract-style tables, a built report, a real browser."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from pipeline.report import build_report

from .cdp import Chromium, find_chromium
from .fixtures import seed_document, synthetic_documents, write_extract_output


@dataclass
class BuiltReport:
    """A report built from fixture tables, with the tables it was built from."""

    out_dir: Path
    index: Path
    tables: dict[str, pd.DataFrame]

    def page(self, doc_id: str) -> Path:
        return self.index.parent / "docs" / f"{doc_id}.html"


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> BuiltReport:
    """The report of the seed article (gold as predictions) and the synthetic corpus."""
    root = tmp_path_factory.mktemp("report")
    tables = write_extract_output([seed_document(), *synthetic_documents()], root / "out", root / "corpus")
    return BuiltReport(root / "out", build_report(root / "out"), tables)


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless chromium, started once for the session and stopped after it."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("chromium is not installed; `make install-chromium` installs Debian's chromium (as root)")
    with Chromium(executable) as browser:
        yield browser


@pytest.fixture
def page(chromium):
    """A fresh tab in the session's browser."""
    tab = chromium.new_page()
    yield tab
    tab.close()
