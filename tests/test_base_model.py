"""The syntactic base: CoNLL-U conversion, policy_lemmatizer, a tiny trained base, load_syntax, make base-model.

The tiny base is trained in seconds, with the real config, from a synthetic
CoNLL-U treebank written here, so no download and no ../shared/ud are needed.
"""

import itertools
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from spacy.cli.evaluate import evaluate as spacy_evaluate
from spacy.cli.train import train as spacy_train
from spacy.tokens import Doc
from spacy.training import Example

from pipeline.base_model import BaseModelError
from pipeline.base_model.card import best_epoch, treebank_metadata, write_model_card
from pipeline.base_model.convert import convert_conllu
from pipeline.base_model.lemmatizer import TableLemmatizer, fallback_lemma, learn_tables, suffix_rule
from pipeline.syntax import ENV_VAR, SyntaxModelError, load_syntax, syntax_scheme

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "pipeline" / "configs" / "base_model.cfg"
TINY = {  # small enough to train in seconds, large enough to fit the synthetic treebank
    "components.tok2vec.model.encode.width": 32,
    "components.tok2vec.model.encode.depth": 1,
    "components.tok2vec.model.embed.rows": [1000, 500, 500, 500],
    "components.parser.model.hidden_width": 32,
    "training.max_epochs": 6,
    "training.eval_frequency": 50,
    "initialize.components.lemmatizer.min_rule_count": 1,
}

DET = ("DET", "DT", "Definite=Def|PronType=Art")
SUBJECTS = [  # (determiner, form, lemma, upos, xpos, feats)
    ("The", "ministers", "minister", "NOUN", "NNS", "Number=Plur"),
    ("The", "allies", "ally", "NOUN", "NNS", "Number=Plur"),
    ("The", "council", "council", "NOUN", "NN", "Number=Sing"),
    (None, "Russia", "Russia", "PROPN", "NNP", "Number=Sing"),
    (None, "NATO", "NATO", "PROPN", "NNP", "Number=Sing"),
    (None, "Iran", "Iran", "PROPN", "NNP", "Number=Sing"),
]
VERBS = [  # (form, lemma, xpos, feats)
    ("urged", "urge", "VBD", "Mood=Ind|Tense=Past|VerbForm=Fin"),
    ("sought", "seek", "VBD", "Mood=Ind|Tense=Past|VerbForm=Fin"),
    ("made", "make", "VBD", "Mood=Ind|Tense=Past|VerbForm=Fin"),
    ("demanded", "demand", "VBD", "Mood=Ind|Tense=Past|VerbForm=Fin"),
    ("rejected", "reject", "VBD", "Mood=Ind|Tense=Past|VerbForm=Fin"),
    ("supports", "support", "VBZ", "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin"),
]
OBJECTS = [  # (determiner, form, lemma, feats)
    ("the", "talks", "talk", "Number=Plur"),
    ("the", "sanctions", "sanction", "Number=Plur"),
    ("a", "guarantee", "guarantee", "Number=Sing"),
    ("the", "treaty", "treaty", "Number=Sing"),
]


def conllu_sentence(subject, verb, obj) -> str:
    """One `Subject verb the object.` sentence in CoNLL-U, with UD heads and relations."""
    s_det, s_form, s_lemma, s_upos, s_xpos, s_feats = subject
    v_form, v_lemma, v_xpos, v_feats = verb
    o_det, o_form, o_lemma, o_feats = obj
    rows = []
    if s_det:
        rows.append((s_det, s_det.lower(), *DET, "+1", "det"))
    rows.append((s_form, s_lemma, s_upos, s_xpos, s_feats, "V", "nsubj"))
    rows.append((v_form, v_lemma, "VERB", v_xpos, v_feats, "0", "root"))
    rows.append((o_det, o_det, "DET", "DT", "Definite=Def|PronType=Art" if o_det == "the" else "Definite=Ind|PronType=Art", "+1", "det"))
    rows.append((o_form, o_lemma, "NOUN", "NNS" if "Plur" in o_feats else "NN", o_feats, "V", "obj"))
    rows.append((".", ".", "PUNCT", ".", "_", "V", "punct"))
    verb_id = 3 if s_det else 2
    text = " ".join(row[0] for row in rows[:-1]) + "."
    lines = [f"# text = {text}"]
    for i, (form, lemma, upos, xpos, feats, head, deprel) in enumerate(rows, start=1):
        head_id = verb_id if head == "V" else i + 1 if head == "+1" else 0
        misc = "SpaceAfter=No" if i == len(rows) - 1 else "_"
        lines.append("\t".join([str(i), form, lemma, upos, xpos, feats, str(head_id), deprel, "_", misc]))
    return "\n".join(lines)


def synthetic_treebank(path: Path) -> Path:
    sentences = [conllu_sentence(*combo) for combo in itertools.product(SUBJECTS, VERBS, OBJECTS)]
    path.write_text("\n\n".join(sentences) + "\n\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def ud_dir(tmp_path_factory) -> Path:
    """A UD-like treebank folder: train/dev/test splits and a README with the metadata block."""
    folder = tmp_path_factory.mktemp("ud")
    for split in ("train", "dev", "test"):
        synthetic_treebank(folder / f"en_ewt-ud-{split}.conllu")
    (folder / "README.md").write_text(
        "# Summary\n\nSynthetic.\n\n# Changelog\n\n**2025-05-15 v2.16**\n\n"
        "=== Machine-readable metadata (DO NOT REMOVE!) ===\nLicense: CC BY-SA 4.0\nGenre: synthetic\n"
        "===============================\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, ud_dir) -> Path:
    """A tiny base trained with the real config: the training output folder (model-best inside)."""
    out = tmp_path_factory.mktemp("base")
    for split in ("train", "dev", "test"):
        convert_conllu(ud_dir / f"en_ewt-ud-{split}.conllu", out / "corpus" / f"{split}.spacy")
    overrides = {"paths.train": str(out / "corpus" / "train.spacy"), "paths.dev": str(out / "corpus" / "dev.spacy"), **TINY}
    spacy_train(CONFIG, out, overrides=overrides)
    return out


# ---- conversion -------------------------------------------------------------

MWT_SENTENCE = """# text = I don't agree.
1	I	I	PRON	PRP	Case=Nom|Number=Sing|Person=1|PronType=Prs	4	nsubj	_	_
2-3	don't	_	_	_	_	_	_	_	_
2	do	do	AUX	VBP	Mood=Ind|Tense=Pres|VerbForm=Fin	4	aux	_	_
3	n't	not	PART	RB	Polarity=Neg	4	advmod	_	_
4	agree	agree	VERB	VB	VerbForm=Inf	0	root	_	SpaceAfter=No
5	.	.	PUNCT	.	_	4	punct	_	_
"""


def test_convert_keeps_syntactic_words_text_and_annotation(tmp_path):
    src = tmp_path / "mwt.conllu"
    src.write_text(MWT_SENTENCE, encoding="utf-8")
    assert convert_conllu(src, tmp_path / "mwt.spacy") == (1, 5)
    (doc,) = spacy.tokens.DocBin().from_disk(tmp_path / "mwt.spacy").get_docs(spacy.blank("en").vocab)
    assert doc.text == "I don't agree. "  # a sentence keeps the space that follows it in running text
    assert [t.text for t in doc] == ["I", "do", "n't", "agree", "."]
    assert [t.lemma_ for t in doc] == ["I", "do", "not", "agree", "."]
    assert [t.dep_ for t in doc] == ["nsubj", "aux", "advmod", "ROOT", "punct"]
    assert doc[0].head.text == "agree" and doc[0].pos_ == "PRON" and doc[1].tag_ == "VBP"


def test_convert_limit_and_docs_of_n_sentences(tmp_path, ud_dir):
    dest = tmp_path / "train.spacy"
    assert convert_conllu(ud_dir / "en_ewt-ud-train.conllu", dest, n_sents=4, limit=10)[0] == 10
    docs = list(spacy.tokens.DocBin().from_disk(dest).get_docs(spacy.blank("en").vocab))
    assert [len(list(doc.sents)) for doc in docs] == [4, 4, 2]


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such CoNLL-U file"), ("just some text\n", "no CoNLL-U token lines"), ("1\tonly\tthree\n", "malformed")],
)
def test_convert_errors_name_the_file(tmp_path, content, problem):
    src = tmp_path / "bad.conllu"
    if content is not None:
        src.write_text(content, encoding="utf-8")
    with pytest.raises(BaseModelError, match=problem) as err:
        convert_conllu(src, tmp_path / "bad.spacy")
    assert str(src) in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "bad.spacy").exists()


def test_convert_command_fails_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.base_model", "convert", str(tmp_path / "missing.conllu"), str(tmp_path / "x.spacy")],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / 'missing.conllu'}: no such CoNLL-U file (set UD_DIR to a UD English-EWT folder)"]


# ---- the lemmatizer ------------------------------------------------------------

def gold_doc(vocab, rows) -> Doc:
    words, lemmas, pos, morphs = zip(*rows)
    return Doc(vocab, words=list(words), lemmas=list(lemmas), pos=list(pos), morphs=list(morphs))


LEMMA_TRAIN = [
    ("ministers", "minister", "NOUN", "Number=Plur"), ("talks", "talk", "NOUN", "Number=Plur"),
    ("states", "state", "NOUN", "Number=Plur"), ("treaty", "treaty", "NOUN", "Number=Sing"),
    ("news", "news", "NOUN", "Number=Sing"), ("went", "go", "VERB", "Tense=Past|VerbForm=Fin"),
    ("urged", "urge", "VERB", "Tense=Past|VerbForm=Fin"), ("demanded", "demand", "VERB", "Tense=Past|VerbForm=Fin"),
    ("rejected", "reject", "VERB", "Tense=Past|VerbForm=Fin"), ("negotiate", "negotiate", "VERB", "VerbForm=Inf"),
    ("I", "I", "PRON", "Case=Nom"), ("Russia", "Russia", "PROPN", "Number=Sing"),
]


@pytest.fixture()
def lemmatizer_nlp():
    nlp = spacy.blank("en")
    train = gold_doc(nlp.vocab, LEMMA_TRAIN)
    nlp.add_pipe("policy_lemmatizer", name="lemmatizer").initialize(lambda: [Example(train, train)], min_rule_count=1)
    return nlp


def lemmatize(nlp, rows) -> list[str]:
    doc = Doc(nlp.vocab, words=[r[0] for r in rows], pos=[r[1] for r in rows], morphs=[r[2] for r in rows])
    return [t.lemma_ for t in nlp.get_pipe("lemmatizer")(doc)]


def test_suffix_rules_and_fallback():
    assert suffix_rule("ministers", "minister") == ("s", "")
    assert suffix_rule("studies", "study") == ("ies", "y")
    assert suffix_rule("went", "go") is None  # suppletion belongs in the table
    rules = {"VERB": [("ed", ""), ("d", "")]}
    index = {"VERB": {"urge", "demand"}}
    assert fallback_lemma("urged", "VERB", None, rules, index) == "urge"  # the known lemma wins
    assert fallback_lemma("demanded", "VERB", None, rules, index) == "demand"
    assert fallback_lemma("Tehran", "PROPN", None, rules, index) == "Tehran"
    assert fallback_lemma("The", "DET", None, rules, index) == "the"


def test_learned_table_holds_only_what_the_rules_miss():
    nlp = spacy.blank("en")
    train = gold_doc(nlp.vocab, LEMMA_TRAIN)
    tables = learn_tables([Example(train, train)], min_rule_count=1)
    assert tables["lemma_exc"]["VERB"] == {"went": "go"}
    assert tables["lemma_exc"]["NOUN"] == {"news": "news"}  # the rules alone would say `new`
    assert tables["lemma_exc"]["PRON"] == {"i": "I"}
    assert "ministers" not in tables["lemma_exc"]["NOUN"]  # `s` -> `` gets it right
    assert ["ed", ""] in tables["lemma_rules"]["VERB"]
    assert "negotiate" in tables["lemma_index"]["VERB"]


def test_lemmatizer_uses_the_table_then_the_rules(lemmatizer_nlp):
    rows = [("I", "PRON", ""), ("went", "VERB", "Tense=Past|VerbForm=Fin"), ("NEWS", "NOUN", "Number=Sing"),
            ("negotiated", "VERB", "Tense=Past|VerbForm=Fin"), ("ministers", "NOUN", "Number=Plur"),
            ("Tehran", "PROPN", "Number=Sing")]
    assert lemmatize(lemmatizer_nlp, rows) == ["I", "go", "news", "negotiate", "minister", "Tehran"]
    lemmatizer_nlp.get_pipe("lemmatizer").exceptions = False
    assert lemmatize(lemmatizer_nlp, rows)[:2] == ["i", "went"]


def test_lemmatizer_round_trips_through_bytes(lemmatizer_nlp):
    restored = TableLemmatizer(spacy.blank("en").vocab).from_bytes(lemmatizer_nlp.get_pipe("lemmatizer").to_bytes())
    doc = Doc(restored.vocab, words=["went"], pos=["VERB"], morphs=["Tense=Past"])
    assert restored(doc)[0].lemma_ == "go"


def test_lemmatizer_needs_examples_or_tables():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="needs gold examples"):
        nlp.add_pipe("policy_lemmatizer").initialize()


# ---- a tiny trained base ---------------------------------------------------------

TEXTS = ["Iran sought the talks.", "The allies made a guarantee. NATO rejected the sanctions."]


def test_tiny_base_parses_tags_and_lemmatizes(tiny_base):
    nlp = spacy.load(tiny_base / "model-best")
    assert nlp.pipe_names == ["tok2vec", "tagger", "morphologizer", "parser", "lemmatizer"]
    doc = nlp(TEXTS[0])
    assert doc.has_annotation("DEP") and doc.has_annotation("SENT_START")
    assert [t.pos_ for t in doc] == ["PROPN", "VERB", "DET", "NOUN", "PUNCT"]
    assert [t.dep_ for t in doc] == ["nsubj", "ROOT", "det", "obj", "punct"]
    assert [t.head.i for t in doc] == [1, 1, 3, 1, 1]
    assert [t.lemma_ for t in doc] == ["Iran", "seek", "the", "talk", "."]  # sought -> seek: the exception table
    assert syntax_scheme(nlp) == "ud"


def test_tiny_base_without_the_table_misses_the_irregular_verb(tiny_base):
    nlp = spacy.load(tiny_base / "model-best", config={"components": {"lemmatizer": {"exceptions": False}}})
    assert nlp(TEXTS[0])[1].lemma_ == "sought"


def test_tiny_base_round_trips_through_disk(tiny_base, tmp_path):
    nlp = spacy.load(tiny_base / "model-best")
    nlp.to_disk(tmp_path / "copy")
    copy = spacy.load(tmp_path / "copy")
    for a, b in zip(nlp.pipe(TEXTS), copy.pipe(TEXTS)):
        assert [(t.pos_, t.tag_, str(t.morph), t.dep_, t.head.i, t.lemma_) for t in a] == [
            (t.pos_, t.tag_, str(t.morph), t.dep_, t.head.i, t.lemma_) for t in b
        ]


def test_tiny_base_with_two_processes(tiny_base):
    nlp = spacy.load(tiny_base / "model-best")
    texts = TEXTS * 4
    one = [[(t.dep_, t.lemma_) for t in doc] for doc in nlp.pipe(texts)]
    two = [[(t.dep_, t.lemma_) for t in doc] for doc in nlp.pipe(texts, n_process=2, batch_size=2)]
    assert one == two
    assert [len(list(doc.sents)) for doc in nlp.pipe(TEXTS)] == [1, 2]


def test_model_card_from_a_tiny_build(tiny_base, ud_dir, tmp_path):
    spacy_evaluate(str(tiny_base / "model-best"), tiny_base / "corpus" / "test.spacy", output=tiny_base / "evaluation.json", silent=True)
    write_model_card(tiny_base, ud_dir, tmp_path / "MODEL_CARD.md")
    card = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    las = json.loads((tiny_base / "evaluation.json").read_text())["dep_las"]
    assert "CC BY-SA 4.0" in card and "UD v2.16" in card
    assert f"| LAS (labelled attachment) | {las * 100:.2f} |" in card
    assert "| train | 144 | 792 |" in card
    assert "words/s" in card and "6 epochs" in card


def test_best_epoch_breaks_rounded_ties_with_the_saved_scores(tmp_path):
    log = tmp_path / "train.log"
    log.write_text(
        "E    #       LOSS TOK2VEC  LOSS PARSER  DEP_UAS  DEP_LAS  SCORE \n"
        "---  ------  ------------  -----------  -------  -------  ------\n"
        "  0     250       4311.03     38233.07    80.40    76.01    0.86\n"
        "  1     500       6005.53     26913.40    80.61    76.06    0.86\n"
        "  2     750       6568.54     23846.08    80.55    75.90    0.85\n",
        encoding="utf-8",
    )
    assert best_epoch(log, {"dep_uas": 0.806102, "dep_las": 0.760623}) == (1, 500, 0.86)
    assert best_epoch(tmp_path / "absent.log", {}) is None


def test_treebank_metadata_of_a_folder_without_readme(tmp_path):
    assert treebank_metadata(tmp_path) == {}


def test_model_card_without_a_build_is_one_clear_error(tmp_path, ud_dir):
    with pytest.raises(BaseModelError, match="no trained pipeline"):
        write_model_card(tmp_path, ud_dir, tmp_path / "MODEL_CARD.md")


# ---- load_syntax ----------------------------------------------------------------

def test_load_syntax_prefers_the_env_var(tiny_base, monkeypatch, caplog):
    monkeypatch.setenv(ENV_VAR, str(tiny_base / "model-best"))
    with caplog.at_level(logging.INFO, logger="pipeline.syntax"):
        nlp = load_syntax({"base_model": "/nonexistent"})
    assert nlp is not None and "parser" in nlp.pipe_names
    assert len(caplog.records) == 1 and "syntax: trained base" in caplog.records[0].message


def test_load_syntax_uses_the_configured_base(tiny_base, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert load_syntax({"base_model": str(tiny_base / "model-best")}).pipe_names[-1] == "lemmatizer"


def test_load_syntax_falls_back_to_none_with_one_log_line(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with caplog.at_level(logging.INFO, logger="pipeline.syntax"):
        nlp = load_syntax({"base_model": str(tmp_path / "absent"), "spacy_package": "en_policy_not_installed"})
    assert nlp is None
    (record,) = caplog.records
    assert record.message == (
        f"syntax: none (no trained base at {tmp_path / 'absent'}, spaCy package en_policy_not_installed not installed): "
        "rules-only extraction; `make base-model` builds one"
    )


def test_load_syntax_can_be_turned_off(tiny_base, monkeypatch, caplog):
    monkeypatch.setenv(ENV_VAR, "none")
    with caplog.at_level(logging.INFO, logger="pipeline.syntax"):
        assert load_syntax({"base_model": str(tiny_base / "model-best")}) is None
    assert "rules-only" in caplog.records[0].message


def test_load_syntax_rejects_a_wrong_env_path(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    with pytest.raises(SyntaxModelError, match=f"{ENV_VAR}={tmp_path}: no spaCy pipeline there"):
        load_syntax()


# ---- make base-model, end to end ---------------------------------------------

@pytest.mark.slow
def test_make_base_model_end_to_end(tmp_path, ud_dir):
    """The real Makefile recipe on the synthetic treebank, one epoch at full width."""
    base = tmp_path / "base"
    command = ["make", "-s", "-o", ".venv/.installed", f"PY={sys.executable}", f"UD_DIR={ud_dir}",
               f"BASE_DIR={base}", "BASE_EPOCHS=1", "base-model"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert (base / "model-best" / "meta.json").is_file()
    assert "| UAS (unlabelled attachment) |" in (base / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert json.loads((base / "training.json").read_text())["train_seconds"] >= 0
    # Nothing changed: make has nothing to rebuild.
    again = subprocess.run([*command[:-1], "-q", f"{base}/MODEL_CARD.md"], cwd=REPO, capture_output=True, text=True)
    assert again.returncode == 0, again.stdout


def test_make_base_model_names_a_missing_treebank(tmp_path):
    result = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", f"PY={sys.executable}", f"UD_DIR={tmp_path}", f"BASE_DIR={tmp_path}/base", "base-model"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert f"base-model: {tmp_path}/en_ewt-ud-" in result.stderr and "not found" in result.stderr
