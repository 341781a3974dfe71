"""pipeline.export (and the tables it writes): columns, order, offsets, stable ids,
datapackage.json, the spreadsheet-safe tables.xlsx, and 1 vs 2 processes."""

from __future__ import annotations

import re
import shutil

import frictionless
import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline.corpus import read_document
from pipeline.export import TableWriter, datapackage
from pipeline.extract import extract
from pipeline.tables import COLUMNS
from policy_testkit import (
    REQUIRED_COLUMNS, SEED_TEXT, TABLE_NAMES, crashing_pipeline, document, read_table, snapshot,
    staging_left, write_corpus,
)

FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+SUM(2)", "-2+3 is what Russia demands."]
CORPUS = {
    "seed-article.txt": SEED_TEXT.read_bytes(),
    "formulas.txt": document(*FORMULAS, "The EU calls on Russia to stop.", title="=cmd|' /C calc'!A0"),
    # BOM, CRLF, a character outside the BMP and a no-break space before the actors
    "crlf.txt": ("\ufeffStatement on Belarus\r\n2022-03-01\r\n\r\n\U0001F1EA\U0001F1FA The EU\u00a0urges "
                 "Belarus to release all political prisoners.\r\n\r\nPoland should close the border.\r\n"
                 ).encode("utf-8"),
    "statements/zz-last.txt": document("NATO countries urged Russia to pull back its forces.",
                                       "Germany could consider new sanctions.", title="Allies Respond"),
}


def _run(corpus, out, nlp, n_process=1):
    summary = extract(corpus, out, nlp=nlp, n_process=n_process, report=lambda line: None)
    assert summary.failures == []
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("export") / "corpus", CORPUS)


@pytest.fixture(scope="module")
def out(nlp, corpus):
    return _run(corpus, corpus.parent / "out", nlp)


@pytest.fixture(scope="module")
def tables(out):
    return {name: read_table(out / f"{name}.csv") for name in TABLE_NAMES}


def test_seven_tables_with_required_columns_in_order(out, tables):
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(f"{n}.csv" for n in TABLE_NAMES)
    for name, table in tables.items():
        assert list(table.columns[:len(REQUIRED_COLUMNS[name])]) == REQUIRED_COLUMNS[name], name


def test_confidence_and_source_columns(tables):
    for name in ("mentions", "demands", "recommendations"):
        assert {"confidence", "source"} <= set(tables[name].columns)
        assert set(tables[name]["source"]) == {"rule"}
        assert all(0 <= float(c) <= 1 for c in tables[name]["confidence"])


def test_csv_is_rfc4180(out):
    raw = (out / "segments.csv").read_bytes()
    assert raw.count(b"\r\n") >= raw.count(b"\n") - raw.count(b"\r\n")  # CRLF record ends
    assert raw.decode("utf-8")  # UTF-8


def test_rows_sorted_by_doc_id_then_start_char(tables):
    for name, table in tables.items():
        if "start_char" not in table.columns:
            continue
        keys = list(zip(table["doc_id"], table["start_char"].astype(int)))
        assert keys == sorted(keys), name
    assert tables["documents"]["doc_id"].tolist() == ["crlf", "formulas", "seed-article", "zz-last"]
    assert tables["actors"]["actor_id"].tolist() == sorted(tables["actors"]["actor_id"])


def test_offsets_slice_the_canonical_text(tables):
    texts = {row.doc_id: read_document(row.path).text for row in tables["documents"].itertuples()}
    for name in ("segments", "sentences", "mentions", "demands", "recommendations"):
        for row in tables[name].itertuples():
            assert texts[row.doc_id][int(row.start_char):int(row.end_char)] == row.text, (name, row)
    crlf = tables["mentions"][tables["mentions"]["doc_id"] == "crlf"]
    assert crlf[["start_char", "text", "actor_id"]].values.tolist()[1:3] == [["40", "EU", "EU"],
                                                                           ["49", "Belarus", "BLR"]]


def test_documents_table(tables):
    docs = tables["documents"].set_index("doc_id")
    assert docs.loc["seed-article", ["title", "number", "date"]].tolist() == [
        "Russia Demands Security Guarantees from the U.S. and NATO", "214", "2021-12-15"]
    assert docs.loc["crlf", "date"] == "2022-03-01"
    text = read_document(docs.loc["crlf", "path"]).text
    assert int(docs.loc["crlf", "n_chars"]) == len(text)
    sentences = tables["sentences"]
    for doc_id, row in docs.iterrows():
        assert int(row["n_sentences"]) == (sentences["doc_id"] == doc_id).sum()


def test_actors_table_counts_mentions(tables):
    mentions, actors = tables["mentions"], tables["actors"].set_index("actor_id")
    assert set(actors.index) == set(mentions["actor_id"])
    for actor_id, group in mentions.groupby("actor_id"):
        assert int(actors.loc[actor_id, "n_mentions"]) == len(group)
        assert int(actors.loc[actor_id, "n_documents"]) == group["doc_id"].nunique()
    assert actors.loc["RUS:foreign-ministry", ["actor_type", "root_id"]].tolist() == ["body", "RUS"]
    assert actors.loc["EU", ["n_documents", "name"]].tolist() == ["2", "European Union"]


def test_foreign_keys_hold(tables):
    sentence_ids = set(tables["sentences"]["sentence_id"])
    assert set(tables["sentences"]["segment_id"]) <= set(tables["segments"]["segment_id"])
    for name in ("mentions", "demands", "recommendations"):
        assert set(tables[name]["sentence_id"]) <= sentence_ids, name
        assert set(tables[name]["doc_id"]) <= set(tables["documents"]["doc_id"])


def test_datapackage_validates(out):
    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "note"])[:5]
    descriptor = datapackage()
    assert [r["name"] for r in descriptor["resources"]] == list(TABLE_NAMES)


def test_datapackage_catches_a_broken_foreign_key(out, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    mentions = (broken / "mentions.csv").read_bytes().split(b"\r\n")
    row = next(i for i, line in enumerate(mentions) if b",RUS,state," in line)
    mentions[row] = mentions[row].replace(b",RUS,state,", b",XYZ,state,", 1)
    (broken / "mentions.csv").write_bytes(b"\r\n".join(mentions))
    report = frictionless.validate(broken / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


def test_xlsx_never_holds_a_formula_and_keeps_the_text(out, tables):
    workbook = load_workbook(out / "tables.xlsx")
    assert workbook.sheetnames == list(TABLE_NAMES)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    sheet = workbook["segments"]
    header = [c.value for c in sheet[1]]
    texts = [row[header.index("text")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    for formula in FORMULAS + ["=cmd|' /C calc'!A0"]:
        assert formula in texts
        assert formula in tables["segments"]["text"].tolist()  # the CSV keeps it exactly too
    # numbers stay numbers
    assert all(isinstance(row[header.index("start_char")], int)
               for row in sheet.iter_rows(min_row=2, values_only=True))
    assert sheet.max_row == len(tables["segments"]) + 1


def test_ids_stable_across_runs_and_processes(nlp, corpus, out, tmp_path):
    first = snapshot(out)
    again = snapshot(_run(corpus, tmp_path / "again", nlp))
    two = snapshot(_run(corpus, tmp_path / "two", nlp, n_process=2))
    compared = [name for name in first if name.endswith(".csv") or name.startswith("annotations/")]
    assert len(compared) == 7 + len(CORPUS)
    for name in compared:
        assert again[name] == first[name], name
        assert two[name] == first[name], name


def test_ids_name_the_document(tables):
    row = tables["mentions"].iloc[0]
    assert row["mention_id"] == f"{row['doc_id']}:m{row['start_char']}-{row['end_char']}"
    assert tables["sentences"]["sentence_id"].iloc[0] == f"{tables['sentences']['doc_id'].iloc[0]}:s1"
    for name, key in (("segments", "segment_id"), ("sentences", "sentence_id"), ("mentions", "mention_id"),
                      ("demands", "demand_id"), ("recommendations", "recommendation_id")):
        assert tables[name][key].is_unique, name


def _excel_text(value: str) -> str:
    """What a spreadsheet program shows for an inline string: ``_xHHHH_`` decoded (ECMA-376)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def test_xlsx_text_cells_hold_any_text(tmp_path):
    texts = ["form\x0cfeed and \x01 control", "_x0041_ is not an A", "  spaces kept  ", "a & <b> > c",
             "line\r\nbreaks\tand tabs", "\U0001F1EA\U0001F1FA flag", "=SUM(A1:A2)", "-1", "@x", "+1"]
    writer = TableWriter(tmp_path / "out")
    writer.write_rows("segments", [("d", f"d:g{i}", "paragraph", "", i, i + len(t), t) for i, t in enumerate(texts)])
    writer.write_rows("documents", [("d", "T", None, None, "d.txt", "0" * 64, 10, 2, 0)])
    writer.commit()
    sheet = load_workbook(tmp_path / "out" / "tables.xlsx")["segments"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [_excel_text(row[6].value) for row in rows] == texts
    assert all(row[6].data_type == "s" and row[3].value is None for row in rows)  # "" is an empty cell
    assert [row[4].value for row in rows] == list(range(len(texts)))
    assert read_table(tmp_path / "out" / "segments.csv")["text"].tolist() == texts


def test_table_writer_formats_cells_as_pandas_did(tmp_path):
    row = ("d", "d:m0-6", "d:s1", 0, 6, "Russia", "RUS", "state", "RUS", None, 0.95, "rule")
    writer = TableWriter(tmp_path / "out", xlsx=False)
    writer.write_rows("mentions", [row])
    writer.append("mentions", pd.DataFrame([row], columns=COLUMNS["mentions"]))
    writer.commit()
    lines = (tmp_path / "out" / "mentions.csv").read_bytes().split(b"\r\n")
    assert lines[1] == lines[2] == b"d,d:m0-6,d:s1,0,6,Russia,RUS,state,RUS,,0.95,rule"
    assert not (tmp_path / "out" / "tables.xlsx").exists()


def test_crash_in_a_worker_process_keeps_the_old_tables(out, tmp_path):
    target = tmp_path / "out"
    shutil.copytree(out, target)
    before = snapshot(target)
    corpus = write_corpus(tmp_path / "corpus", {f"{i}.txt": document("NATO met Russia.") for i in range(4)}
                          | {"9.txt": document("CRASH-HERE now.")})
    with pytest.raises(RuntimeError, match="component failed"):
        extract(corpus, target, nlp=crashing_pipeline(), n_process=2, batch_size=1, report=lambda line: None)
    assert snapshot(target) == before
    assert staging_left(target) == []


def test_record_json_is_exactly_the_indented_stdlib_json():
    import json

    from pipeline.export import record_json

    record = {
        "doc_id": "x", "text_sha256": "ab", "n_chars": 3,
        "segments": {"title": "T", "number": None, "headings": [], "section_paragraphs": {"": 2, "A\nB": 1}},
        "spans": [
            {"label": "ACTOR", "start": 0, "end": 3, "text": "é “q” \\ \u2028 \x01", "confidence": 0.95},
            {"label": "DEMAND", "addressees": ["USA", "RUS"], "conditional": False, "cue": None},
            {"label": "RECOMMENDATION", "targets": [], "confidence": float("nan")},
        ],
        "nested": [[1, [2, {}]], {"k": {"m": [True]}}], 7: "int key", None: 0.5,
    }
    for value in (record, {}, [], "s", 1.5, [{}], {"a": []}):
        assert record_json(value) == json.dumps(value, ensure_ascii=False, indent=1)
    with pytest.raises(TypeError):
        record_json({"a": object()})
