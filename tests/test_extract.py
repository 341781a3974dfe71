"""pipeline.extract: bad input, atomic output, and what a run reports."""

from __future__ import annotations

import pytest

from policy_bad_inputs import BAD_INPUTS, GOOD
from pipeline.corpus import DocumentError
from pipeline.extract import extract
from policy_testkit import (
    crashing_pipeline, document, read_table, snapshot, staging_left, write_corpus,
)


class Lines:
    """Collects what extract reports (the lines the CLI prints on stderr)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_one_line_and_others_still_processed(nlp, tmp_path, case):
    build, problem = BAD_INPUTS[case]
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": GOOD})
    bad = build(corpus)
    out, lines = tmp_path / "out", Lines()
    summary = extract(corpus, out, nlp=nlp, report=lines)
    assert lines.lines == [f"error: {bad}: " + lines.lines[0].split(": ", 2)[2]]
    assert problem in lines.lines[0]
    assert summary.failures == [lines.lines[0].removeprefix("error: ")]
    documents = read_table(out / "documents.csv")
    expected = ["good", "note"] if case == "duplicate-doc_id" else ["good"]
    assert documents["doc_id"].tolist() == expected
    assert summary.documents == len(expected)
    if case == "duplicate-doc_id":  # the first file wins
        assert documents.set_index("doc_id").loc["note", "title"] == "First Note"
        assert documents.set_index("doc_id").loc["note", "path"] == str(corpus / "a" / "note.txt")
    assert len(read_table(out / "demands.csv")) == 1
    assert sorted(p.name for p in (out / "annotations").iterdir()) == [f"{d}.json" for d in expected]
    assert staging_left(out) == []


def test_size_limit_is_an_option(nlp, tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": GOOD, "long.txt": document("word " * 400)})
    lines = Lines()
    summary = extract(corpus, tmp_path / "out", nlp=nlp, report=lines, max_bytes=1000)
    assert lines.lines == [f"error: {corpus / 'long.txt'}: too large (2.02 kB; the limit is 1 kB)"]
    assert summary.documents == 1


def test_no_title_or_date_is_processed_with_a_warning(nlp, tmp_path):
    text = ("Russia demands that NATO stop its enlargement. The West refused to negotiate on those terms.\n\n"
            "The talks ended without result.\n")
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": GOOD, "untitled.txt": text})
    lines = Lines()
    summary = extract(corpus, tmp_path / "out", nlp=nlp, report=lines)
    assert lines.lines == [f"warning: {corpus / 'untitled.txt'}: no title line and no date found; "
                           "processed as body text"]
    assert summary.failures == [] and summary.documents == 2
    row = read_table(tmp_path / "out" / "documents.csv").set_index("doc_id").loc["untitled"]
    assert (row["title"], row["date"]) == ("", "")
    demands = read_table(tmp_path / "out" / "demands.csv")
    assert "stop its enlargement" in demands["text"].tolist()


def test_folder_without_txt_files(nlp, tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"notes.md": "# notes"})
    with pytest.raises(DocumentError, match="no .txt files"):
        extract(corpus, tmp_path / "out", nlp=nlp)
    assert not (tmp_path / "out").exists()


def test_summary_counts(nlp, tmp_path):
    corpus = write_corpus(tmp_path / "corpus", {"good.txt": GOOD, "empty.txt": ""})
    summary = extract(corpus, tmp_path / "out", nlp=nlp, report=Lines())
    assert (summary.documents, summary.demands, summary.recommendations, len(summary.failures)) == (1, 1, 1, 1)
    assert summary.sentences == len(read_table(tmp_path / "out" / "sentences.csv"))
    assert summary.mentions == len(read_table(tmp_path / "out" / "mentions.csv"))
    assert summary.line() == (f"documents: 1, sentences: {summary.sentences}, actors: {summary.mentions}, "
                              "demands: 1, recommendations: 1, failures: 1")


@pytest.fixture
def previous_run(nlp, tmp_path):
    """An output folder holding the tables of a good run, and a copy of every byte."""
    corpus = write_corpus(tmp_path / "good-corpus", {"good.txt": GOOD, "other.txt": document("NATO met Russia.")})
    out = tmp_path / "out"
    extract(corpus, out, nlp=nlp, report=Lines())
    before = snapshot(out)
    assert {"documents.csv", "mentions.csv", "datapackage.json", "tables.xlsx",
            "annotations/good.json"} <= set(before)
    return out, before


def test_run_where_everything_fails_keeps_the_old_tables(nlp, tmp_path, previous_run):
    out, before = previous_run
    corpus = write_corpus(tmp_path / "bad-corpus", {"empty.txt": b"", "binary.txt": b"\x00\x01" * 100})
    lines = Lines()
    summary = extract(corpus, out, nlp=nlp, report=lines)
    assert summary.documents == 0 and len(summary.failures) == 3
    assert lines.lines[-1] == (f"error: {corpus}: no document could be processed; "
                               f"the tables in {out} were left as they were")
    assert snapshot(out) == before
    assert staging_left(out) == []


def test_crash_mid_run_keeps_the_old_tables(tmp_path, previous_run):
    out, before = previous_run
    crashing = crashing_pipeline()
    # "a" is processed and staged before "b" crashes the run
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": GOOD, "b.txt": document("CRASH-HERE now."),
                                                "c.txt": GOOD})
    with pytest.raises(RuntimeError, match="component failed"):
        extract(corpus, out, nlp=crashing, report=Lines(), batch_size=1)
    assert snapshot(out) == before
    assert staging_left(out) == []


def test_second_run_replaces_tables_and_records(nlp, tmp_path, previous_run):
    out, _ = previous_run
    corpus = write_corpus(tmp_path / "new-corpus", {"fresh.txt": GOOD})
    extract(corpus, out, nlp=nlp, report=Lines())
    assert read_table(out / "documents.csv")["doc_id"].tolist() == ["fresh"]
    # no record of the earlier run stays behind to contradict the tables
    assert sorted(p.name for p in (out / "annotations").iterdir()) == ["fresh.json"]
    assert staging_left(out) == []


def test_single_file_as_corpus(nlp, tmp_path):
    path = write_corpus(tmp_path / "corpus", {"only.txt": GOOD}) / "only.txt"
    summary = extract(path, tmp_path / "out", nlp=nlp, report=Lines())
    assert summary.documents == 1
    assert read_table(tmp_path / "out" / "documents.csv")["path"].tolist() == [str(path)]
