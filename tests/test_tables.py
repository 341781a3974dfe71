"""pipeline.tables: one document's rows, and the actor counts across documents."""

from __future__ import annotations

import pytest

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


def test_span_values_are_what_span_underscore_reads(nlp, seed_text):
    from pipeline.components.demands import DEMANDS_KEY
    from pipeline.components.recommendations import RECOMMENDATIONS_KEY
    from pipeline.tables import span_values

    doc = nlp(seed_text)
    names = ("confidence", "source", "cue", "demander", "addressees", "targets", "modality", "conditional",
             "affiliation")
    for key in (ACTORS_KEY, DEMANDS_KEY, RECOMMENDATIONS_KEY):
        spans = list(doc.spans[key])
        assert spans, key
        expected = [(s.start_char, s.end_char, s.label_, s.kb_id_, *[getattr(s._, n) for n in names])
                    for s in spans]
        assert span_values(doc, key, names) == expected
        assert any(value is not None for row in expected for value in row[4:])


@pytest.mark.parametrize("paragraphs", [
    ("Russia met NATO. Talks failed.", "The allies said:\n- no enlargement\n- no new bases", "Last one"),
    ("  Leading spaces.  Trailing ones.   ", "Heading Here", "U.S. officials met. (They agreed.)"),
])
def test_sentence_rows_are_the_trimmed_sentences_of_each_segment(nlp, seed_text, paragraphs):
    from pipeline.components.segmenter import SEGMENTS_KEY

    seed = nlp(seed_text)
    seed._.doc_id = "seed"
    for doc in (processed(nlp, "d", *paragraphs), seed):
        expected = []
        for segment in doc.spans[SEGMENTS_KEY]:
            for sent in segment.sents:
                words = [t for t in sent if not t.is_space]
                if words:
                    expected.append((words[0].idx, words[-1].idx + len(words[-1]), doc[words[0].i:words[-1].i + 1].text))
        rows = doc_tables(doc).rows["sentences"]
        assert [(r[4], r[5], r[6]) for r in rows] == expected
        assert doc_tables(doc).rows["documents"][0][7] == sum(1 for t in doc if not t.is_space)


def test_span_values_ask_spacy_for_an_extension_with_a_getter(nlp):
    from spacy.tokens import Span

    from pipeline.tables import span_values

    doc = processed(nlp, "d1", "Russia, NATO and the EU met.")
    Span.set_extension("test_n_chars", getter=lambda span: len(span.text))
    try:
        values = span_values(doc, ACTORS_KEY, ("source", "test_n_chars"))
    finally:
        Span.remove_extension("test_n_chars")
    assert [v[4:] for v in values] == [("rule", len(s.text)) for s in doc.spans[ACTORS_KEY]]
