"""The syntax layer (pipeline.syntax.SyntaxLayer) and the dependency path of the demand and
recommendation taggers (pipeline.components.dependency, resources/dependency_patterns.json).

Parses are written by hand (UD and ClearNLP labels) so the patterns are tested
deterministically; the layer's selection and copy-back also run with a tiny trained parser.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.clauses import DocContext
from pipeline.components.dependency import DependencyRoles, load_dependency_patterns, mention_actors
from pipeline.components.demands import DEMANDS_KEY
from pipeline.components.recommendations import RECOMMENDATIONS_KEY
from pipeline.nlp import load_pipeline, with_syntax
from pipeline.resources import ResourceError, root_of
from pipeline.syntax import SyntaxLayer, cue_words, doc_scheme, sentence_parsed
from policy_testkit import document, train_tiny_base

# -- hand-made parses ------------------------------------------------------------------------
# (words, heads, UD labels, ClearNLP labels)
LONG_SUBJECT = (
    "Finland and Sweden , whose accession to the alliance changes the balance of forces in the north , "
    "want NATO to treat the region as a priority .").split()
PARSES = {
    # "want" is a noun as often as a verb, and the subject is far from it: only the parse links them
    tuple(LONG_SUBJECT): (
        [18, 2, 0, 9, 5, 9, 8, 8, 5, 0, 11, 9, 13, 11, 16, 16, 9, 9, 18, 18, 21, 18, 23, 21, 26, 26, 21, 18],
        ["nsubj", "cc", "conj", "punct", "nmod:poss", "nsubj", "case", "det", "nmod", "acl:relcl", "det", "obj",
         "case", "nmod", "case", "det", "obl", "punct", "ROOT", "obj", "mark", "xcomp", "det", "obj", "case", "det",
         "obl", "punct"]),
    tuple("EU member states with forces in the region should relocate their capabilities to Niger .".split()): (
        [2, 2, 9, 4, 2, 7, 7, 4, 9, 9, 11, 9, 13, 9, 9],
        ["compound", "compound", "nsubj", "case", "nmod", "case", "det", "nmod", "aux", "ROOT", "nmod:poss", "obj",
         "case", "obl", "punct"]),
    # a question asks what an actor should do; it advises nothing
    tuple("What , then , should the allies do ?".split()): (
        [7, 7, 7, 7, 7, 6, 7, 7, 7],
        ["obj", "punct", "advmod", "punct", "aux", "det", "nsubj", "ROOT", "punct"]),
    tuple("Iran was urged by the E3 to return to the talks .".split()): (
        [2, 2, 2, 5, 5, 2, 7, 2, 10, 10, 7, 2],
        ["nsubj:pass", "aux:pass", "ROOT", "case", "det", "obl:agent", "mark", "xcomp", "case", "det", "obl", "punct"]),
}
CLEARNLP_PASSIVE = ("Iran was urged by the E3 to return to the talks .".split(),
                    [2, 2, 2, 2, 5, 3, 7, 2, 7, 10, 8, 2],
                    ["nsubjpass", "auxpass", "ROOT", "agent", "det", "pobj", "aux", "xcomp", "prep", "det", "pobj",
                     "punct"])
CLEARNLP_THAT = ("Russia demands that NATO withdraw its forces .".split(),
                 [1, 1, 4, 4, 1, 6, 4, 1],
                 ["nsubj", "ROOT", "mark", "nsubj", "ccomp", "poss", "dobj", "punct"])
CLEARNLP_ON = ("The OSCE calls on Armenia to respect the ceasefire .".split(),
               [1, 2, 2, 2, 3, 6, 2, 8, 6, 2],
               ["det", "nsubj", "ROOT", "prep", "pobj", "aux", "xcomp", "det", "dobj", "punct"])


@Language.factory("hand_parser")
def make_hand_parser(nlp: Language, name: str):
    """A base whose 'parser' reads the parses above (an unknown sentence is a test error)."""
    def parse(doc: Doc) -> Doc:
        words = tuple(t.text for t in doc if not t.is_space)
        heads, deps = PARSES[words]
        assert len(heads) == len(deps) == len(words), words
        root = heads[deps.index("ROOT")]
        heads, deps = heads + [root] * (len(doc) - len(words)), deps + ["dep"] * (len(doc) - len(words))
        labels = numpy.array([doc.vocab.strings.add(d) for d in deps], dtype="uint64")
        relative = (numpy.array(heads) - numpy.arange(len(doc))).astype("int64").view("uint64")
        doc.from_array([HEAD, DEP], numpy.stack([relative, labels], axis=1))
        for token in doc:
            token.pos_ = "VERB" if token.dep_ in {"ROOT", "xcomp", "ccomp", "conj"} and token.is_lower else "X"
        return doc
    return parse


def _hand_base() -> Language:
    base = spacy.blank("en")
    base.add_pipe("hand_parser")
    return base


@pytest.fixture(scope="module")
def syntax_nlp():
    return with_syntax(load_pipeline(), _hand_base())


def _ctx(words, heads, deps, actors: dict[int, tuple[int, str]]) -> tuple[DocContext, Doc]:
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)
    doc.spans["actors"] = [Span(doc, start, end, label="state", kb_id=kb) for start, (end, kb) in actors.items()]
    return DocContext(doc), doc


def _roles(words, heads, deps, actors, *, cues=(), modals=()):
    ctx, doc = _ctx(words, heads, deps, actors)
    scheme = doc_scheme(doc)
    ctx.dep = DependencyRoles(doc.vocab, scheme, list(cues), list(modals))
    sent = doc[:]
    return ctx, doc, sent, scheme


# -- the patterns, on hand-made Docs -----------------------------------------------------------

def test_ud_passive_agent_is_the_demander_and_passive_subject_the_addressee():
    words = "Iran was urged by the E3 to return to the talks .".split()
    heads, deps = PARSES[tuple(words)]
    ctx, doc, sent, scheme = _roles(words, heads, deps, {0: (1, "IRN"), 5: (6, "E3")}, cues=["urged"])
    assert scheme == "ud"
    demander = ctx.dep.roles(sent, "demander")[2]
    addressee = ctx.dep.roles(sent, "addressee")[2]
    assert [mention_actors(ctx, doc[i]) for i in demander] == [["E3"]]
    assert [mention_actors(ctx, doc[i]) for i in addressee] == [["IRN"]]
    assert ctx.dep.roles(sent, "content")[2] == [7]


@pytest.mark.parametrize("words, heads, deps, actors, cue, demander, addressees", [
    (*CLEARNLP_PASSIVE, {0: (1, "IRN"), 5: (6, "E3")}, 2, ["E3"], ["IRN"]),
    (*CLEARNLP_THAT, {0: (1, "RUS"), 3: (4, "NATO")}, 1, ["RUS"], ["NATO"]),
    (*CLEARNLP_ON, {1: (2, "OSCE"), 4: (5, "ARM")}, 2, ["OSCE"], ["ARM"]),
])
def test_clearnlp_labels_give_the_same_roles(words, heads, deps, actors, cue, demander, addressees):
    ctx, doc, sent, scheme = _roles(words, heads, deps, actors, cues=[words[cue].lower()])
    assert scheme == "clearnlp"
    found = [a for i in ctx.dep.roles(sent, "demander")[cue] for a in mention_actors(ctx, doc[i])]
    assert found[:1] == demander
    found = [a for i in ctx.dep.roles(sent, "addressee")[cue] for a in mention_actors(ctx, doc[i])]
    assert found == addressees


def test_ud_on_x_and_that_clause_subject_are_addressees():
    words = "The OSCE calls on Armenia to respect the ceasefire .".split()
    heads = [1, 2, 2, 4, 2, 6, 2, 8, 6, 2]
    deps = ["det", "nsubj", "ROOT", "case", "obl", "mark", "xcomp", "det", "obj", "punct"]
    ctx, doc, sent, _ = _roles(words, heads, deps, {1: (2, "OSCE"), 4: (5, "ARM")}, cues=["calls"])
    assert [mention_actors(ctx, doc[i]) for i in ctx.dep.roles(sent, "addressee")[2]] == [["ARM"]]
    words = "Russia demands that NATO and the EU withdraw their forces .".split()
    heads = [1, 1, 7, 7, 6, 6, 3, 1, 9, 7, 1]
    deps = ["nsubj", "ROOT", "mark", "nsubj", "cc", "det", "conj", "ccomp", "nmod:poss", "obj", "punct"]
    ctx, doc, sent, _ = _roles(words, heads, deps, {0: (1, "RUS"), 3: (4, "NATO"), 6: (7, "EU")}, cues=["demands"])
    assert [mention_actors(ctx, doc[i]) for i in ctx.dep.roles(sent, "addressee")[1]] == [["NATO", "EU"]]


def test_target_is_the_subject_of_the_modals_verb_with_its_owner():
    words = "EU member states with forces in the region should relocate their capabilities to Niger .".split()
    heads, deps = PARSES[tuple(words)]
    ctx, doc, sent, _ = _roles(words, heads, deps, {0: (3, "EU"), 13: (14, "NER")}, modals=["should"])
    assert [mention_actors(ctx, doc[i]) for i in ctx.dep.roles(sent, "target")[8]] == [["EU"]]


@pytest.mark.parametrize("words, heads, deps, actors, expected", [
    # a thing owned by an actor does not act for it
    ("the council 's scientific work can continue .".split(), [1, 4, 1, 4, 6, 6, 6, 6],
     ["det", "nmod:poss", "case", "amod", "nsubj", "aux", "ROOT", "punct"], {1: (2, "ARCTIC-COUNCIL")}, []),
    # people and bodies acting for it do, office titles included
    ("Iran 's foreign minister should resign .".split(), [3, 0, 3, 5, 5, 5, 5],
     ["nmod:poss", "case", "amod", "nsubj", "aux", "ROOT", "punct"], {0: (1, "IRN")}, ["IRN"]),
    ("the UN Secretary - General should resign .".split(), [4, 4, 4, 4, 6, 6, 6, 6],
     ["det", "compound", "compound", "punct", "nsubj", "aux", "ROOT", "punct"], {1: (2, "UN")}, ["UN"]),
])
def test_an_owner_acts_only_through_people_or_bodies(words, heads, deps, actors, expected):
    modal = words.index("can") if "can" in words else words.index("should")
    ctx, doc, sent, _ = _roles(words, heads, deps, actors, modals=[words[modal]])
    (subject,) = ctx.dep.roles(sent, "target")[modal]
    assert mention_actors(ctx, doc[subject]) == expected


def test_a_question_is_no_recommendation(syntax_nlp):
    text = document("NATO is divided. What, then, should the allies do? NATO should act.")
    doc = syntax_nlp(text)
    assert [(r.text, r._.targets) for r in doc.spans[RECOMMENDATIONS_KEY]] == [("act", ["NATO"])]


def test_pronoun_subject_is_resolved_to_an_earlier_actor():
    words = "Hungary objected . It demands that Croatia pay .".split()
    heads = [1, 1, 1, 4, 4, 7, 7, 4, 4]
    deps = ["nsubj", "ROOT", "punct", "nsubj", "ROOT", "mark", "nsubj", "ccomp", "punct"]
    ctx, doc, _, _ = _roles(words, heads, deps, {0: (1, "HUN"), 6: (7, "HRV")}, cues=["demands"])
    sent = doc[3:]
    assert [mention_actors(ctx, doc[i]) for i in ctx.dep.roles(sent, "demander")[4]] == [["HUN"]]


# -- the components on the dependency path -------------------------------------------------------

def test_long_subject_needs_the_parse(nlp, syntax_nlp):
    text = document(" ".join(LONG_SUBJECT).replace(" ,", ",").replace(" .", "."))
    assert list(nlp(text).spans[DEMANDS_KEY]) == []  # rules only: "want" far from any subject is not trusted
    doc = syntax_nlp(text)
    assert doc_scheme(doc) == "ud"
    (found,) = doc.spans[DEMANDS_KEY]
    assert found.text == "treat the region as a priority"
    assert root_of(found._.demander) == "FIN" and found._.addressees == ["NATO"]


def test_modal_target_from_the_parse(nlp, syntax_nlp):
    text = document("EU member states with forces in the region should relocate their capabilities to Niger.")
    assert list(nlp(text).spans[RECOMMENDATIONS_KEY]) == []
    doc = syntax_nlp(text)
    (found,) = doc.spans[RECOMMENDATIONS_KEY]
    assert found.text == "relocate their capabilities to Niger" and found._.targets == ["EU"]


def test_passive_on_both_paths(nlp, syntax_nlp):
    text = document("Iran was urged by the E3 to return to the talks.")
    for pipeline in (nlp, syntax_nlp):
        doc = pipeline(text)
        (found,) = doc.spans[DEMANDS_KEY]
        assert (found.text, found._.demander, found._.addressees) == ("return to the talks", "E3", ["IRN"])


def test_unparsed_sentences_keep_the_surface_rules(syntax_nlp):
    # no cue word: the layer leaves the first paragraph unparsed; the second is parsed
    doc = syntax_nlp(document("The talks ended in Vienna.", "Iran was urged by the E3 to return to the talks."))
    sents = [s for s in doc.sents if s.text.strip()]
    assert [sentence_parsed(s) for s in sents] == [False, False, True]
    assert [s.text.strip() for s in sents] == ["Test Document", "The talks ended in Vienna.",
                                               "Iran was urged by the E3 to return to the talks."]


# -- the layer with a trained parser -------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory) -> Path:
    return train_tiny_base(tmp_path_factory.mktemp("base") / "model-best")


def test_layer_parses_only_cue_sentences_and_keeps_the_segmenters_sentences(tiny_base, seed_text, tmp_path):
    plain = load_pipeline()(seed_text)
    nlp = with_syntax(load_pipeline(), tiny_base, select="cues")
    assert nlp.pipe_names[:2] == ["policy_segmenter", "policy_syntax"]
    doc = nlp(seed_text)
    assert [s.text for s in doc.sents] == [s.text for s in plain.sents]
    words = cue_words()
    for sent in doc.sents:
        assert sentence_parsed(sent) == any(t.lower_ in words for t in sent) or \
            (sent.text.rstrip().endswith(":") and sentence_parsed(sent)), sent.text
    assert 0 < sum(sentence_parsed(s) for s in doc.sents) < len(list(doc.sents))
    # saved with the pipeline: the base travels in the component's folder
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    again = loaded(seed_text)
    assert [t.dep_ for t in again] == [t.dep_ for t in doc]
    assert isinstance(loaded.get_pipe("policy_syntax"), SyntaxLayer)


def test_lazy_layer_parses_only_sentences_where_a_rule_was_unsure(tiny_base, seed_text):
    nlp = with_syntax(load_pipeline(), tiny_base)  # select="unsure"
    assert nlp.get_pipe("policy_syntax").lazy
    plain = load_pipeline()(seed_text)
    doc = nlp(seed_text)
    assert [s.text for s in doc.sents] == [s.text for s in plain.sents]
    parsed = [s for s in doc.sents if sentence_parsed(s)]
    cue_sentences = [s for s in doc.sents if any(t.lower_ in cue_words() for t in s)]
    assert 0 < len(parsed) < len(cue_sentences)


def test_no_parse_without_an_unsure_rule(tiny_base):
    nlp = with_syntax(load_pipeline(), tiny_base)
    doc = nlp(document("Germany urges Hungary to lift its veto on the sanctions package."))
    assert not doc.has_annotation("DEP")
    assert [(s.text, s._.demander, s._.addressees) for s in doc.spans[DEMANDS_KEY]] == [
        ("lift its veto on the sanctions package", "DEU", ["HUN"])]


def test_layer_can_parse_every_sentence(tiny_base):
    nlp = with_syntax(load_pipeline(), tiny_base, select="all")
    doc = nlp(document("The talks ended in Vienna. Russia demands guarantees."))
    assert all(sentence_parsed(s) for s in doc.sents if len(s) > 2)


# -- the pattern file --------------------------------------------------------------------------

def test_shipped_patterns_load():
    data = load_dependency_patterns()
    assert set(data["patterns"]) == {"demander", "addressee", "content", "target"}


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("use"), "missing or non-object key 'use'"),
    (lambda d: d["use"].update(demander="yes"), "'use' must map exactly"),
    (lambda d: d["labels"]["clearnlp"].pop("obj"), "labels of 'clearnlp' must name the same roles as 'ud'"),
    (lambda d: d["patterns"]["target"][0]["nodes"][0].update(RIGHT_ID="modal"), "the first node must be 'cue'"),
    (lambda d: d["patterns"]["demander"][0]["nodes"][1]["RIGHT_ATTRS"]["DEP"].update(IN="@subject"),
     "unknown label role '@subject'"),
    (lambda d: d["patterns"]["demander"][1].update(schemes=["stanford"]), "unknown scheme 'stanford'"),
])
def test_broken_pattern_file_is_one_clear_line(tmp_path, change, message):
    data = json.loads(json.dumps(load_dependency_patterns()))
    change(data)
    path = tmp_path / "dependency_patterns.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResourceError) as err:
        load_dependency_patterns(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)
    assert "\n" not in str(err.value)


def test_unreadable_pattern_file(tmp_path):
    path = tmp_path / "dependency_patterns.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"dependency_patterns.json: cannot read dependency patterns"):
        load_dependency_patterns(path)


def test_two_processes_give_the_same_records(tiny_base, seed_text):
    from pipeline.records import doc_to_record

    nlp = with_syntax(load_pipeline(), tiny_base)
    texts = [seed_text, document("Iran was urged by the E3 to return to the talks.")]
    one, two = [], []
    for out, kwargs in ((one, {}), (two, {"n_process": 2, "batch_size": 1})):
        for i, doc in enumerate(nlp.pipe(texts, **kwargs)):
            doc._.doc_id = f"d{i}"
            out.append(doc_to_record(doc))
    assert one == two and sum(len(r["spans"]) for r in one) > 100


def test_build_pipeline_with_the_syntax_layer(tiny_base, monkeypatch):
    from pipeline.nlp import LayerError, build_pipeline

    monkeypatch.setenv("POLICY_BASE_MODEL", str(tiny_base))
    nlp = build_pipeline("rules+syntax")
    assert nlp.meta["policy_layers"] == ["rules", "syntax"]
    assert nlp.pipe_names.index("policy_syntax") == nlp.pipe_names.index("policy_segmenter") + 1
    doc = nlp(document("Iran was urged by the E3 to return to the talks."))
    assert [(s.text, s._.demander) for s in doc.spans[DEMANDS_KEY]] == [("return to the talks", "E3")]
    monkeypatch.setenv("POLICY_BASE_MODEL", "none")
    assert build_pipeline("best").meta["policy_layers"] == ["rules"]
    with pytest.raises(LayerError, match="no syntactic base"):
        build_pipeline("rules+syntax")
