"""The command line, run for real: ``python -m pipeline extract|evaluate`` in a subprocess."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import pipeline.nlp
from policy_bad_inputs import BAD_INPUTS, GOOD
from pipeline.cli import app
from policy_testkit import (
    REPO, REQUIRED_COLUMNS, SEED_TEXT, TABLE_NAMES, crashing_pipeline, document, read_table, run_cli,
    snapshot, staging_left, stderr_lines, write_corpus,
)


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_through_the_cli(tmp_path, case):
    build, problem = BAD_INPUTS[case]
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": GOOD})
    bad = build(corpus)
    result = run_cli("extract", "--corpus", str(corpus), "--out", "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (line,) = stderr_lines(result)
    assert line.startswith(f"error: {bad}: ") and problem in line
    assert "failures: 1" in result.stdout
    doc_ids = read_table(tmp_path / "out" / "documents.csv")["doc_id"].tolist()
    assert doc_ids == (["good", "note"] if case == "duplicate-doc_id" else ["good"])
    assert staging_left(tmp_path / "out") == []


def test_no_title_or_date_through_the_cli(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {
        "untitled.txt": "Russia demands that NATO stop its enlargement. The West refused to talk.\n"})
    result = run_cli("extract", "--corpus", str(corpus), "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stderr_lines(result) == [f"warning: {corpus / 'untitled.txt'}: no title line and no date found; "
                                    "processed as body text"]
    assert read_table(tmp_path / "out" / "documents.csv")["doc_id"].tolist() == ["untitled"]


@pytest.mark.parametrize("files", [{}, {"readme.md": "# notes"}])
def test_folder_without_txt_files_exits_2_with_one_line(tmp_path, files):
    corpus = write_corpus(tmp_path / "corpus", files)
    result = run_cli("extract", "--corpus", str(corpus), "--out", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert stderr_lines(result) == [f"error: {corpus}: no .txt files in the corpus folder"]
    assert result.stdout == "pipeline: rules (pipeline.cfg)\n"
    assert not (tmp_path / "out").exists()


def test_usage_errors_are_one_line(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": GOOD})
    (tmp_path / "taken").write_text("a file, not a folder")
    cases = [
        (["--corpus", str(tmp_path / "missing")], f"error: {tmp_path / 'missing'}: no such corpus folder"),
        (["--corpus", str(corpus), "--out", "taken"], "error: taken: not a folder, cannot hold the tables"),
        (["--corpus", str(corpus), "--model", "nowhere"],
         "error: nowhere: no spaCy pipeline here (no config.cfg)"),
    ]
    for args, message in cases:
        result = run_cli("extract", *args, cwd=tmp_path)
        assert result.returncode == 2
        assert stderr_lines(result) == [message]


def test_everything_failing_keeps_previous_tables(tmp_path):
    good = write_corpus(tmp_path / "good", {"good.txt": GOOD})
    assert run_cli("extract", "--corpus", str(good), "--out", "out", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "out")
    bad = write_corpus(tmp_path / "bad", {"empty.txt": b"", "latin1.txt": "Caf\u00e9".encode("latin-1")})
    result = run_cli("extract", "--corpus", str(bad), "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert len(stderr_lines(result)) == 3
    assert stderr_lines(result)[-1] == (f"error: {bad}: no document could be processed; "
                                        "the tables in out were left as they were")
    assert snapshot(tmp_path / "out") == before


def test_crash_is_one_line_and_keeps_previous_tables(nlp, tmp_path, monkeypatch):
    """A component that raises (a bug, not bad input): one line, exit 1, old tables kept."""
    good = write_corpus(tmp_path / "good", {"good.txt": GOOD})
    runner = CliRunner()
    monkeypatch.setattr(pipeline.nlp, "load_pipeline", lambda model=None: nlp)
    result = runner.invoke(app, ["extract", "--corpus", str(good), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    before = snapshot(tmp_path / "out")

    crashing = crashing_pipeline()
    monkeypatch.setattr(pipeline.nlp, "load_pipeline", lambda model=None: crashing)
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": GOOD, "b.txt": document("CRASH-HERE")})
    result = runner.invoke(app, ["extract", "--corpus", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[1:] == [
        f"error: extract stopped (RuntimeError: component failed); the tables in {tmp_path / 'out'} "
        "were left as they were"]
    assert snapshot(tmp_path / "out") == before
    assert staging_left(tmp_path / "out") == []


def test_end_to_end_extract_and_evaluate(tmp_path):
    """The real commands on a small corpus: the seed, a statement and a news report."""
    corpus = write_corpus(tmp_path / "corpus", {
        "seed-article.txt": SEED_TEXT.read_bytes(),
        "statements/eu-statement.txt": document(
            "The EU calls on Russia to withdraw its troops from the border.",
            "The EU should impose new sanctions if Russia refuses.",
            title="Statement by the High Representative", date="2022-02-21"),
        "news/riga-talks.txt": document(
            "Lithuania was urged by the EU to reopen the border crossing.",
            title="Ministers Meet in Riga", date="15 December 2021"),
    })
    result = run_cli("extract", "--corpus", str(corpus), "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stderr_lines(result) == []
    announced, summary = result.stdout.splitlines()
    assert announced == "pipeline: rules (pipeline.cfg)"
    assert summary.startswith("documents: 3, sentences: ")
    assert result.stdout.strip().endswith("failures: 0")
    out = tmp_path / "out"
    for name in TABLE_NAMES:
        table = read_table(out / f"{name}.csv")
        assert list(table.columns[:len(REQUIRED_COLUMNS[name])]) == REQUIRED_COLUMNS[name]
    documents = read_table(out / "documents.csv").set_index("doc_id")
    assert documents.index.tolist() == ["eu-statement", "riga-talks", "seed-article"]
    assert documents["date"].tolist() == ["2022-02-21", "2021-12-15", "2021-12-15"]
    assert documents.loc["seed-article", "number"] == "214"
    demands = read_table(out / "demands.csv")
    row = demands[demands["doc_id"] == "eu-statement"].iloc[0]
    assert (row["text"], row["demander_id"], row["addressee_ids"]) == (
        "withdraw its troops from the border", "EU", "RUS")
    assert (demands["doc_id"] == "seed-article").sum() >= 10
    recs = read_table(out / "recommendations.csv")
    assert "EU" in recs[recs["doc_id"] == "eu-statement"]["target_ids"].tolist()
    assert sorted(p.name for p in (out / "annotations").iterdir()) == [
        "eu-statement.json", "riga-talks.json", "seed-article.json"]
    assert (out / "datapackage.json").exists() and (out / "tables.xlsx").exists()

    result = run_cli("evaluate", "--gold", str(REPO / "annotations" / "gold" / "seed-article.json"), "--texts", str(corpus),
                     "--out", "evaluation", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ACTOR F1" in result.stdout and "seed-article" in result.stdout
    metrics = json.loads((tmp_path / "evaluation" / "metrics.json").read_text())
    assert set(metrics["documents"]) == {"seed-article"}
    micro = metrics["micro"]
    assert micro["ACTOR"]["f1"] >= 0.95 and micro["DEMAND"]["f1"] >= 0.85
    assert micro["RECOMMENDATION"]["f1"] >= 0.85
    assert micro["demander_accuracy"] >= 0.9 and micro["target_f1"] >= 0.9


def test_evaluate_without_gold_files_is_one_line(tmp_path):
    (tmp_path / "gold").mkdir()
    result = run_cli("evaluate", "--gold", "gold", "--out", "evaluation", cwd=tmp_path)
    assert result.returncode == 2
    assert stderr_lines(result) == ["error: gold: no gold files (*.json)"]
