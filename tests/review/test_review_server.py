"""Integration tests against a real doccano server (started once per session by conftest)."""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from review_fixtures import REPO, gold_spans, unicode_record

from pipeline.review.doccano_format import record_to_example
from pipeline.review.remote import ReviewError
from pipeline.review.server import DoccanoServer, ServerError, free_port
from pipeline.review.workflow import pull_reviews, push_records


def _pull(connection, tmp_path: Path, corpus: Path | None = None, **kwargs):
    return pull_reviews(connection, corpus=corpus or tmp_path / "corpus", gold_dir=tmp_path / "gold",
                        texts_dir=tmp_path / "texts", report_path=tmp_path / "report.json", **kwargs)


def _seed_corpus(tmp_path: Path, text: str) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir(exist_ok=True)
    (corpus / "seed-article.txt").write_text(text, encoding="utf-8")
    return corpus


def _actor_at(record: dict, start: int) -> dict:
    return next(s for s in record["spans"] if s["label"] == "ACTOR" and s["start"] == start)


def test_review_round_trip_edits_come_back_as_gold(seed, connection, reviewer, tmp_path):
    gold, text = seed
    # The machine missed `Poland` (360), tagged a place as an actor, and got an addressee wrong.
    machine = copy.deepcopy(gold)
    missed = _actor_at(machine, 360)
    machine["spans"].remove(missed)
    wrong_start = text.index("European")  # `Europe` is a region, not an actor
    wrong = {"label": "ACTOR", "start": wrong_start, "end": wrong_start + 6, "text": text[wrong_start:wrong_start + 6],
             "actor_id": "EU", "actor_type": "organisation"}
    machine["spans"].append(wrong)
    machine["spans"].sort(key=lambda s: s["start"])
    demand = next(s for s in machine["spans"] if s["label"] == "DEMAND" and s["start"] == 2151)
    assert demand["addressees"] == ["NATO"]
    demand["addressees"] = ["USA"]

    result = push_records([(machine, text)], connection)
    assert result.errors == [] and result.plan.new == ["seed-article"]

    # The reviewer fixes all three through doccano's API and confirms the example.
    project = reviewer.project_id(connection.project)
    example = reviewer.example_id(project, "seed-article")
    reviewer.delete_span(project, example, reviewer.find_span(project, example, "ACTOR", wrong["start"], wrong["end"]))
    reviewer.add_span(project, example, "ACTOR", missed["start"], missed["end"])
    demand_id = reviewer.find_span(project, example, "DEMAND", 2151, 2226)
    (old,) = [r for r in reviewer.relations(project, example)
              if r["from_id"] == demand_id and r["type_text"] == "addressee"]
    reviewer.delete_relation(project, example, old["id"])
    nato = next(s for s in machine["spans"] if s["label"] == "ACTOR" and s["actor_id"] == "NATO" and s["start"] > 2151)
    reviewer.add_relation(project, example, demand_id,
                          reviewer.find_span(project, example, "ACTOR", nato["start"], nato["end"]), "addressee")
    reviewer.confirm(project, example)

    corpus = _seed_corpus(tmp_path, text)
    pulled = _pull(connection, tmp_path, corpus)
    assert pulled.errors == [] and pulled.warnings == [] and pulled.written == {"seed-article": "new"}
    written = json.loads((tmp_path / "gold" / "seed-article.json").read_text(encoding="utf-8"))
    assert written == gold  # every correction came back; nothing lost, nothing duplicated
    assert not (tmp_path / "texts").exists()  # the text is in the corpus

    totals = pulled.report.totals()
    actor, demands = totals["ACTOR"], totals["DEMAND"]
    assert (actor.machine, actor.reviewed, actor.kept, actor.removed, actor.added) == (148, 148, 147, 1, 1)
    assert actor.precision == pytest.approx(147 / 148) and actor.recall == pytest.approx(147 / 148)
    assert (demands.kept, demands.roles_changed) == (12, 1)
    assert totals["RECOMMENDATION"].f1 == 1.0
    saved = json.loads((tmp_path / "report.json").read_text())
    assert saved["totals"]["ACTOR"]["removed"] == 1

    # A newer machine output never overwrites the reviewed example.
    again = push_records([(gold, text)], connection)
    assert again.plan.reviewed == ["seed-article"] and again.plan.upload == []
    assert len(reviewer.examples(project)) == 1
    assert _pull(connection, tmp_path, corpus).written == {"seed-article": "unchanged"}

    # A later correction replaces the gold file and keeps the previous version.
    reviewer.delete_span(project, example, reviewer.find_span(project, example, "ACTOR", missed["start"], missed["end"]))
    assert _pull(connection, tmp_path, corpus).written == {"seed-article": "replaced"}
    (previous,) = (tmp_path / "gold" / ".history").iterdir()
    assert json.loads(previous.read_text(encoding="utf-8")) == gold
    assert len(json.loads((tmp_path / "gold" / "seed-article.json").read_text(encoding="utf-8"))["spans"]) == \
        len(gold["spans"]) - 1


def test_lossless_round_trip_of_unicode_text(connection, reviewer, tmp_path):
    record, text = unicode_record()
    push_records([(record, text)], connection)
    project = reviewer.project_id(connection.project)
    reviewer.confirm(project, reviewer.example_id(project, "unicode-note"))
    pulled = _pull(connection, tmp_path)
    assert pulled.errors == []
    written = json.loads((tmp_path / "gold" / "unicode-note.json").read_text(encoding="utf-8"))
    assert written["spans"] == gold_spans(record["spans"])
    for span in written["spans"]:
        assert text[span["start"]:span["end"]] == span["text"]
    # not in the corpus: the reviewed text is kept beside the gold file, byte for byte
    assert (tmp_path / "texts" / "unicode-note.txt").read_bytes() == text.encode("utf-8")


def test_unconfirmed_examples_are_pending_unless_asked_for(connection, tmp_path):
    record, text = unicode_record()
    push_records([(record, text)], connection)
    pending = _pull(connection, tmp_path)
    assert pending.written == {} and pending.report.pending == ["unicode-note"]
    assert not (tmp_path / "gold").exists()
    everything = _pull(connection, tmp_path, include_unconfirmed=True)
    assert everything.written == {"unicode-note": "new"}


def test_re_push_never_duplicates_and_refreshes_untouched_examples(seed, connection, reviewer):
    record, text = seed
    assert push_records([(record, text)], connection).plan.new == ["seed-article"]
    assert push_records([(record, text)], connection).plan.unchanged == ["seed-article"]
    newer = copy.deepcopy(record)
    newer["spans"] = newer["spans"][:-1]
    assert push_records([(newer, text)], connection).plan.refreshed == ["seed-article"]
    project = reviewer.project_id(connection.project)
    (example,) = reviewer.examples(project)
    assert json.loads(example["meta"]["machine_record"]) == newer
    assert len(reviewer.spans(project, example["id"])) == len(newer["spans"])


def test_record_that_does_not_fit_its_text_is_not_pushed(seed, connection, reviewer):
    record, text = seed
    broken = copy.deepcopy(record)
    broken["doc_id"] = "broken"
    broken["spans"][0]["end"] = len(text) + 5
    result = push_records([(broken, text), (record, text)], connection)
    assert len(result.errors) == 1 and result.errors[0].startswith("broken: ACTOR span")
    assert [e["meta"]["doc_id"] for e in reviewer.examples(reviewer.project_id(connection.project))] == ["seed-article"]


# ---- failure paths: one clear line, nothing local lost, safe to run again --------------

def test_server_down(connection, tmp_path):
    down = replace(connection, url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ReviewError, match=r"^cannot connect to doccano at http://127\.0\.0\.1:\d+: is it running"):
        _pull(down, tmp_path)


def test_wrong_credentials(connection):
    record, text = unicode_record()
    with pytest.raises(ReviewError, match="refused the login of user 'admin': check DOCCANO_USERNAME"):
        push_records([(record, text)], replace(connection, password="wrong"))


def test_unknown_project(connection, tmp_path):
    with pytest.raises(ReviewError, match=f"has no project named '{connection.project}'"):
        _pull(connection, tmp_path)


def test_upload_that_reports_errors_is_an_error_and_can_be_retried(connection, reviewer):
    record, text = unicode_record()
    push_records([(record, text)], connection)  # creates the project
    line = record_to_example(record, text, pipeline_version="1")
    del line["text"]
    with pytest.raises(ReviewError, match=r"^doccano rejected the upload of 1 example\(s\)"):
        connection.apply([line], [])
    project = reviewer.project_id(connection.project)
    assert len(reviewer.examples(project)) == 1
    assert push_records([(record, text)], connection).plan.unchanged == ["unicode-note"]


def test_hung_server(connection, tmp_path):
    # A server that accepts connections and never answers.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        stuck = replace(connection, url=f"http://127.0.0.1:{hung.getsockname()[1]}", request_timeout=1)
        with pytest.raises(ReviewError, match=r"did not answer within 1 s"):
            _pull(stuck, tmp_path)


def test_cli_failure_is_one_line_and_keeps_local_gold(tmp_path, seed):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    kept = gold_dir / "seed-article.json"
    kept.write_text(json.dumps(seed[0]), encoding="utf-8")
    before = kept.read_bytes()
    env = dict(os.environ, DOCCANO_URL=f"http://127.0.0.1:{free_port()}", REVIEW_PROJECT="any")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.review", "pull", "--corpus", str(tmp_path), "--gold", str(gold_dir),
         "--texts", str(tmp_path / "texts"), "--report", str(tmp_path / "report.json"),
         "--client-python", str(REPO / ".venv-doccano-client" / "bin" / "python")],
        capture_output=True, text=True, env=env, cwd=REPO,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: cannot connect to doccano")
    assert kept.read_bytes() == before and sorted(p.name for p in gold_dir.iterdir()) == ["seed-article.json"]
    assert not (tmp_path / "report.json").exists()


def test_cli_push_reports_missing_prediction(doccano_server, tmp_path, seed):
    corpus = _seed_corpus(tmp_path, seed[1])
    env = dict(os.environ, DOCCANO_URL=doccano_server.url, DOCCANO_USERNAME=doccano_server.username,
               DOCCANO_PASSWORD=doccano_server.password, REVIEW_PROJECT=f"cli-{tmp_path.name}")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.review", "push", "--corpus", str(corpus),
         "--predictions", str(tmp_path / "none"),
         "--client-python", str(REPO / ".venv-doccano-client" / "bin" / "python")],
        capture_output=True, text=True, env=env, cwd=REPO,
    )
    assert done.returncode == 1
    assert f"error: {tmp_path / 'none' / 'seed-article.json'}: no prediction for" in done.stderr


def test_second_server_on_a_taken_port_is_refused(doccano_server, tmp_path):
    other = DoccanoServer(home=tmp_path / "other", venv=doccano_server.venv, port=doccano_server.port)
    with pytest.raises(ServerError, match=f"port {doccano_server.port} on 127.0.0.1 is already in use"):
        other.start()
    assert not other.stop()  # nothing of its own was started
