"""pipeline.nlp: assembling from the config, loading, and the disk round trip."""

from __future__ import annotations

import json

import pytest
import spacy

from pipeline.nlp import load_pipeline
from pipeline.records import doc_to_record
from policy_testkit import document

PIPE_NAMES = ["policy_segmenter", "policy_actors", "policy_demands", "policy_recommendations"]
VARIED = document(
    "The EU calls on Russia to withdraw its troops. President Joe Biden met NATO in Brussels.",
    "Poland should strengthen its border. The Russian Foreign Ministry objected. The ministry said no.",
    title="Brussels Talks End", date="3 March 2022")


def records(nlp, texts: list[str]) -> list[dict]:
    out = []
    for i, doc in enumerate(nlp.pipe(texts)):
        doc._.doc_id = f"d{i}"
        out.append(doc_to_record(doc))
    return out


def test_assembled_pipeline_is_declared_in_the_config(nlp):
    assert nlp.pipe_names == PIPE_NAMES
    assert nlp.config["components"]["policy_actors"]["factory"] == "policy_actors"


def test_disk_round_trip_gives_identical_records(nlp, seed_text, tmp_path):
    nlp.to_disk(tmp_path / "model")
    # the saved folder is self-contained: the component data travel with it
    assert (tmp_path / "model" / "policy_actors" / "gazetteer.json").exists()
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == PIPE_NAMES
    before = records(nlp, [seed_text, VARIED])
    after = records(loaded, [seed_text, VARIED])
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    assert sum(len(r["spans"]) for r in after) > 150


def test_load_pipeline_from_a_model_folder(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    assert load_pipeline(tmp_path / "model").pipe_names == PIPE_NAMES


def test_load_pipeline_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        load_pipeline(tmp_path / "nowhere")
    assert str(err.value) == f"{tmp_path / 'nowhere'}: no spaCy pipeline here (no config.cfg)"


def test_load_pipeline_without_models_assembles_the_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no models/policy here
    assert load_pipeline().pipe_names == PIPE_NAMES


def test_pipe_with_two_processes_gives_the_same_records(nlp, seed_text):
    texts = [seed_text, VARIED, document("NATO countries urged Belarus to free prisoners.")]
    one = records(nlp, texts)
    docs = list(nlp.pipe(texts, n_process=2, batch_size=1))
    for i, doc in enumerate(docs):
        doc._.doc_id = f"d{i}"
    assert [doc_to_record(d) for d in docs] == one
