"""pipeline.tables: one document's rows, and the actor counts across documents."""

from __future__ import annotations

from pipeline.components.actors import ACTORS_KEY
from pipeline.tables import COLUMNS, ActorAggregate, doc_tables
from policy_testkit import REQUIRED_COLUMNS, document


def processed(nlp, doc_id: str, *paragraphs: str):
    doc = nlp(document(*paragraphs))
    doc._.doc_id, doc._.path = doc_id, f"corpus/{doc_id}.txt"
    return doc


def test_columns_start_with_the_contract():
    for name, required in REQUIRED_COLUMNS.items():
        assert COLUMNS[name][:len(required)] == required


def test_rows_of_one_document(nlp):
    doc = processed(nlp, "d1", "The EU calls on Russia to withdraw. Poland should close the border.")
    tables = doc_tables(doc)
    frames = tables.frames()
    assert frames["documents"].to_dict("records")[0] | {"sha256": None} == {
        "doc_id": "d1", "title": "Test Document", "number": None, "date": None, "path": "corpus/d1.txt",
        "sha256": None, "n_chars": len(doc.text), "n_tokens": 16, "n_sentences": 3}
    assert frames["demands"][["text", "demander_id", "addressee_ids", "cue", "sentence_id"]].values.tolist() == [
        ["withdraw", "EU", "RUS", "call on", "d1:s2"]]
    assert frames["recommendations"][["text", "target_ids", "modality", "sentence_id"]].values.tolist() == [
        ["close the border", "POL", "should", "d1:s3"]]
    assert frames["mentions"]["sentence_id"].tolist() == ["d1:s2", "d1:s2", "d1:s3"]


def test_rows_come_out_in_text_order_whatever_the_span_order(nlp):
    doc = processed(nlp, "d1", "Russia, NATO and the EU met. Germany and Poland agreed.")
    ordered = doc_tables(doc).frames()["mentions"]["start_char"].tolist()
    doc.spans[ACTORS_KEY] = list(reversed(list(doc.spans[ACTORS_KEY])))
    assert doc_tables(doc).frames()["mentions"]["start_char"].tolist() == ordered == sorted(ordered)


def test_actor_aggregate_across_documents(nlp):
    aggregate = ActorAggregate()
    aggregate.add(doc_tables(processed(nlp, "a", "Russia and NATO met. Russia left.")))
    aggregate.add(doc_tables(processed(nlp, "b", "President Joe Biden met Russia.")))
    frame = aggregate.frame().set_index("actor_id")
    rus = frame.loc["RUS", ["n_mentions", "n_documents", "actor_type", "root_id"]].tolist()
    assert rus == [3, 2, "state", "RUS"]
    assert frame.loc["person:joe-biden", ["name", "actor_type", "root_id"]].tolist() == [
        "Joe Biden", "person", "USA"]
    assert list(frame.index) == sorted(frame.index)
