"""Reading the extract tables and texts: canonical text, clear errors on bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.report.tables import ReportError, read_tables, read_texts, split_ids

from .fixtures import seed_document, synthetic_documents, write_extract_output


@pytest.fixture
def extract_output(tmp_path) -> Path:
    write_extract_output(synthetic_documents(), tmp_path / "out", tmp_path / "corpus")
    return tmp_path / "out"


def test_split_ids():
    assert split_ids("USA;NATO") == ["USA", "NATO"]
    assert split_ids("") == []


def test_texts_are_read_by_path_and_offsets_hold(extract_output):
    tables = read_tables(extract_output)
    texts = read_texts(tables, extract_output)
    assert texts["script-and-markup"].startswith("Statement on <script>")
    assert "\r" not in texts["script-and-markup"]
    assert list(tables.mentions.doc_id) == sorted(tables.mentions.doc_id)


def test_relative_paths_resolve_against_the_output_folder(extract_output, tmp_path, monkeypatch):
    documents = pd.read_csv(extract_output / "documents.csv", dtype=str, keep_default_na=False)
    documents["path"] = [str(Path("..") / "corpus" / Path(p).name) for p in documents.path]
    documents.to_csv(extract_output / "documents.csv", index=False)
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)  # ../corpus is not there from here
    tables = read_tables(extract_output)
    assert set(read_texts(tables, extract_output)) == set(documents.doc_id)


def test_missing_table_names_the_file(tmp_path):
    with pytest.raises(ReportError, match=r"documents\.csv: not found; run `make extract"):
        read_tables(tmp_path)


def test_missing_column_is_named(extract_output):
    demands = pd.read_csv(extract_output / "demands.csv", dtype=str, keep_default_na=False)
    demands.drop(columns=["addressee_ids"]).to_csv(extract_output / "demands.csv", index=False)
    with pytest.raises(ReportError, match=r"demands\.csv: missing required column\(s\) addressee_ids"):
        read_tables(extract_output)


def test_bad_offset_is_named_with_its_row(extract_output):
    mentions = pd.read_csv(extract_output / "mentions.csv", dtype=str, keep_default_na=False)
    mentions.loc[2, "start_char"] = "four"
    mentions.to_csv(extract_output / "mentions.csv", index=False)
    with pytest.raises(ReportError, match=r"mentions\.csv: row 3: column start_char holds 'four'"):
        read_tables(extract_output)


def test_span_text_that_does_not_match_the_document_is_an_error(extract_output):
    recommendations = pd.read_csv(extract_output / "recommendations.csv", dtype=str, keep_default_na=False)
    recommendations.loc[0, "start_char"] = str(int(recommendations.loc[0, "start_char"]) + 1)
    recommendations.to_csv(extract_output / "recommendations.csv", index=False)
    tables = read_tables(extract_output)
    with pytest.raises(ReportError, match=r"recommendations\.csv: row 1: text .* differs from 'joint-statement'"):
        read_texts(tables, extract_output)


def test_missing_document_file_is_named(extract_output, tmp_path):
    (tmp_path / "corpus" / "notes.txt").unlink()
    with pytest.raises(ReportError, match=r"documents\.csv: document file .*notes\.txt' not found"):
        read_texts(read_tables(extract_output), extract_output)


def test_a_document_changed_since_extract_is_an_error(extract_output, tmp_path):
    with (tmp_path / "corpus" / "notes.txt").open("a", encoding="utf-8") as notes:
        notes.write("An added line.\n")
    with pytest.raises(ReportError, match=r"notes\.txt: changed since the tables were extracted"):
        read_texts(read_tables(extract_output), extract_output)


def test_confidence_and_source_are_optional(tmp_path):
    write_extract_output([seed_document()], tmp_path / "out", tmp_path / "corpus")
    for name in ("mentions", "demands", "recommendations"):
        frame = pd.read_csv(tmp_path / "out" / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.drop(columns=["confidence", "source"]).to_csv(tmp_path / "out" / f"{name}.csv", index=False)
    tables = read_tables(tmp_path / "out")
    assert tables.demands.confidence.isna().all() and (tables.demands.source == "").all()
