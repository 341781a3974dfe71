"""The benchmark machinery (pipeline/bench.py) on tiny corpora.

Only the structure of the results is checked (keys, positive figures, documents
counted, files written), never speeds: timings depend on the machine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.bench import (SEED_ARTICLE, SEED_EVERY, TEMPLATES, BenchmarkError, load_templates, run_benchmark,
                            write_corpus)
from pipeline.corpus import read_document
from pipeline.layout import parse_layout
from pipeline.nlp import load_pipeline, with_syntax
from policy_testkit import train_tiny_base

@pytest.fixture(scope="module")
def tiny_syntax_model(tmp_path_factory) -> Path:
    return train_tiny_base(tmp_path_factory.mktemp("base") / "model-best")


def test_corpus_is_reproducible_and_a_prefix_of_larger_ones(tmp_path):
    small = write_corpus(tmp_path / "a", 12)
    again = write_corpus(tmp_path / "b", 12)
    larger = write_corpus(tmp_path / "c", 30)
    names = sorted(p.name for p in (tmp_path / "a").glob("*.txt"))
    assert len(names) == 12 and small["documents"] == 12
    assert small["words"] == again["words"] and larger["words"] > small["words"]
    for name in names:
        text = (tmp_path / "a" / name).read_bytes()
        assert text == (tmp_path / "b" / name).read_bytes() == (tmp_path / "c" / name).read_bytes()


def test_corpus_mixes_seed_copies_and_every_genre(tmp_path):
    info = write_corpus(tmp_path, 60)
    assert info["seed_copies"] == 60 // SEED_EVERY
    assert set(info["genres"]) == set(load_templates()["genres"])
    assert sum(info["genres"].values()) + info["seed_copies"] == 60
    seed = SEED_ARTICLE.read_bytes()
    assert all(p.read_bytes() == seed for p in tmp_path.glob("*-seed.txt"))

    date_shapes, headings, lists, numbers = set(), 0, 0, 0
    for path in sorted(tmp_path.glob("*.txt")):
        document = read_document(path)  # valid UTF-8, not empty
        layout = parse_layout(document.text)
        assert layout.title, path.name
        kinds = [s.kind for s in layout.segments]
        headings += kinds.count("heading")
        numbers += kinds.count("number")
        lists += len(re.findall(r":\n+(?:- |• |1\. |\(a\) )", document.text))
        for segment in layout.segments:
            if segment.kind == "date":
                date_shapes.add(re.sub(r"[A-Za-z]+", "A", re.sub(r"\d", "9", document.text[segment.start:segment.end])))
    assert len(date_shapes) >= 4, date_shapes
    assert headings >= 30 and lists >= 5 and numbers >= 5


def test_templates_are_validated(tmp_path):
    good = json.loads(TEMPLATES.read_text(encoding="utf-8"))

    def check(mutate, message):
        data = json.loads(json.dumps(good))
        mutate(data)
        path = tmp_path / "bad_templates.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(BenchmarkError, match=message) as err:
            load_templates(path)
        assert "bad_templates.json" in str(err.value)

    check(lambda d: d["sentences"]["demand"].append("{nobody} demands {action}."), r"unknown slot \{nobody\}")
    check(lambda d: d["slots"]["name"].append("{person}"), "refers back to itself")
    check(lambda d: d.pop("genres"), "missing key 'genres'")
    check(lambda d: d["genres"]["news"]["mix"].update(rumour=1), "unknown sentence kind 'rumour'")
    check(lambda d: d["genres"]["news"].update(sections=[2, 1]), "low <= high")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(BenchmarkError, match=r"broken.json:1: invalid JSON"):
        load_templates(tmp_path / "broken.json")


def test_syntax_hook_keeps_the_segmenter_sentences(tiny_syntax_model):
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    plain = load_pipeline()(text)
    nlp = with_syntax(load_pipeline(), tiny_syntax_model)
    names = nlp.pipe_names
    assert names[:3] == ["policy_segmenter", "policy_syntax", "policy_actors"]
    assert nlp.get_pipe("policy_syntax").base.pipe_names == ["tok2vec", "tagger", "parser"]
    doc = nlp(text)
    assert doc.has_annotation("DEP") and doc.has_annotation("TAG")
    assert [s.text for s in doc.sents] == [s.text for s in plain.sents]


@pytest.mark.slow
def test_benchmark_result_structure(tmp_path, tiny_syntax_model):
    lines: list[str] = []
    result = run_benchmark(n_docs=6, work=tmp_path, report=lines.append, scale_docs=(3, 12),
                           syntax_model=tiny_syntax_model, repeat=1)
    assert json.loads((tmp_path / "bench.json").read_text(encoding="utf-8")) == result
    corpus = result["corpus"]
    assert corpus["documents"] == 6 and corpus["words"] > 1000 and corpus["seed_copies"] == 1

    runs = {(r["name"], r["n_process"]): r for r in result["runs"]}
    assert set(runs) == {("baseline", 1), ("end_to_end", 1), ("baseline", 2), ("end_to_end", 2),
                         ("end_to_end_syntax", 1)}
    for (name, n_process), run in runs.items():
        assert run["documents"] == 6 and run["failures"] == 0
        assert run["words"] == corpus["words"]
        for key in ("seconds", "words_per_second", "documents_per_second", "peak_rss_mb", "peak_rss_total_mb"):
            assert run[key] > 0, (name, n_process, key)
        assert run["sentences"] > 6
        if n_process > 1:
            assert run["worker_peak_rss_mb"] > 0
            assert run["peak_rss_total_mb"] == pytest.approx(run["peak_rss_mb"] + 2 * run["worker_peak_rss_mb"], abs=0.2)
        else:
            assert run["worker_peak_rss_mb"] is None
        if name != "baseline":
            assert run["actors"] > 0 and run["demands"] > 0 and run["recommendations"] > 0
            out = tmp_path / f"out-{name}-{n_process}p-6"
            assert len(list((out / "annotations").glob("*.json"))) == 6
            documents_csv = (out / "documents.csv").read_text(encoding="utf-8").splitlines()
            assert len(documents_csv) == 1 + 6
    assert "policy_syntax" in runs[("end_to_end_syntax", 1)]["pipes"]
    assert "policy_syntax" not in runs[("end_to_end", 1)]["pipes"]

    assert set(result["ratios"]) == {"1", "2"} and all(r > 0 for r in result["ratios"].values())
    assert result["ratio_best"] >= min(result["ratios"].values())
    assert isinstance(result["target_met"], bool)
    assert result["syntax_ratio"] == round(runs[("end_to_end_syntax", 1)]["words_per_second"]
                                           / runs[("baseline", 1)]["words_per_second"], 3)
    assert any(line.startswith("ratio end-to-end + syntax / baseline, 1 process: ") for line in lines)
    memory = result["memory_scaling"]
    assert [p["documents"] for p in memory["points"]] == [3, 6, 12]
    assert all(p["peak_rss_mb"] > 0 for p in memory["points"])
    assert memory["points"][1]["peak_rss_mb"] == runs[("end_to_end", 1)]["peak_rss_mb"]
    assert isinstance(memory["flat"], bool)

    printed = "\n".join(lines)
    for label in ("baseline tokenizer+sentencizer", "end-to-end extract", "end-to-end + syntax",
                  "ratio end-to-end / baseline", "peak RSS vs corpus size", "bench.json"):
        assert label in printed


@pytest.mark.slow
def test_benchmark_skips_absent_syntax_model_silently(tmp_path):
    lines: list[str] = []
    result = run_benchmark(n_docs=2, work=tmp_path, report=lines.append, processes=(1,),
                           check_memory=False, syntax_model=tmp_path / "no-such-model", repeat=3)
    assert [r["name"] for r in result["runs"]] == ["baseline", "end_to_end"]
    for run in result["runs"]:  # three fresh processes each; the median pass is the figure
        assert len(run["pass_seconds"]) == 3 and run["seconds"] == sorted(run["pass_seconds"])[1]
    assert result["memory_scaling"] is None and set(result["ratios"]) == {"1"}
    assert not any("syntax" in line for line in lines)


def test_measurement_failure_is_one_clear_error(tmp_path):
    with pytest.raises(BenchmarkError, match=r"extract on .* failed: .*no-such-pipeline: no spaCy pipeline"):
        run_benchmark(n_docs=2, work=tmp_path, report=lambda _: None, processes=(1,), check_memory=False,
                      model=tmp_path / "no-such-pipeline", syntax_model=None, repeat=1)
