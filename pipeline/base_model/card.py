"""The model card of the syntactic base, written from what training and evaluation left behind.

Reads, under the training output folder: `model-best/` (the pipeline and its
config), `evaluation.json` (`spacy evaluate` on the test split), `training.json`
(wall time), `train.log` (spaCy's training table) and `corpus/*.spacy`; and,
from the treebank folder, the README's machine-readable metadata (licence, genres).
"""

import json
import re
import time
from pathlib import Path
from typing import Any, Optional

import spacy
from spacy.language import Language
from spacy.tokens import DocBin
from spacy.training import Corpus

from . import BaseModelError

SPLITS = ("train", "dev", "test")
SCORES = [  # (evaluation key, label in the card)
    ("pos_acc", "UPOS accuracy"),
    ("tag_acc", "XPOS (PTB tag) accuracy"),
    ("morph_acc", "Morphological features accuracy"),
    ("dep_uas", "UAS (unlabelled attachment)"),
    ("dep_las", "LAS (labelled attachment)"),
    ("sents_f", "Sentence boundaries F1"),
    ("lemma_acc", "Lemma accuracy"),
]


def read_json(path: Path) -> dict:
    """A JSON file, or a one-line error naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaseModelError(f"{path}: not found (run `make base-model` first)") from None
    except (OSError, ValueError) as err:
        raise BaseModelError(f"{path}: cannot read as JSON ({err})") from None


def treebank_metadata(ud_dir: Path) -> dict[str, str]:
    """The `Key: value` lines of a UD README's machine-readable metadata block, plus its release."""
    meta: dict[str, str] = {}
    readme = ud_dir / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8", errors="replace")
        block = text.split("Machine-readable metadata", 1)[-1] if "Machine-readable metadata" in text else ""
        for line in block.splitlines()[1:]:
            if line.startswith("==="):
                break
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip()] = value.strip()
        release = re.search(r"^\*\*(\d{4}-\d{2}-\d{2}) (v\d+\.\d+)\*\*", text, re.MULTILINE)
        if release:
            meta["Release"] = f"UD {release.group(2)} of {release.group(1)}"
    return meta


def split_sizes(model_dir: Path, vocab) -> dict[str, tuple[int, int]]:
    """Sentences and tokens of each converted split."""
    sizes = {}
    for split in SPLITS:
        path = model_dir / "corpus" / f"{split}.spacy"
        if not path.is_file():
            raise BaseModelError(f"{path}: not found (run `make base-model` first)")
        docs = list(DocBin().from_disk(path).get_docs(vocab))
        sizes[split] = (sum(1 for doc in docs for _ in doc.sents), sum(len(doc) for doc in docs))
    return sizes


def best_epoch(train_log: Path, performance: dict[str, Any]) -> Optional[tuple[int, int, float]]:
    """(epoch, step, score) of the row of spaCy's training table that model-best was saved from.

    The table rounds scores, so ties are broken by matching the dev scores in model-best's meta.
    """
    if not train_log.is_file():
        return None
    header: list[str] = []
    rows = []
    for line in train_log.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if fields[:2] == ["E", "#"]:
            header = fields
        elif len(fields) > 3 and fields[0].isdigit() and fields[1].isdigit():
            rows.append(fields)
    if not rows:
        return None

    def matches(fields: list[str]) -> bool:
        # Score columns are the headers that name a metric in lower case (DEP_LAS -> dep_las).
        offset = len(fields) - len(header)  # the loss columns' headers hold spaces
        return all(
            abs(float(fields[i + offset]) - performance[name.lower()] * 100) < 0.006
            for i, name in enumerate(header)
            if name.lower() in performance and i + offset >= 0
        )

    best = max(rows, key=lambda fields: (matches(fields), float(fields[-1])))
    return int(best[0]), int(best[1]), float(best[-1])


def directory_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def lemma_accuracy(nlp: Language, corpus: Path, *, exceptions: bool) -> float:
    """Lemma accuracy on a `.spacy` corpus with or without the lemmatizer's exception table."""
    lemmatizer = nlp.get_pipe("lemmatizer")
    saved = lemmatizer.exceptions
    lemmatizer.exceptions = exceptions
    try:
        # Fresh examples each time: evaluate() annotates them, and the lemmatizer keeps existing lemmas.
        return nlp.evaluate(list(Corpus(corpus)(nlp)))["lemma_acc"]
    finally:
        lemmatizer.exceptions = saved


def raw_text_speed(nlp: Language, texts: list[str]) -> float:
    """Words per second of the whole pipeline, tokenizer included, on raw texts (1 process)."""
    start = time.perf_counter()
    n_words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    return n_words / (time.perf_counter() - start)


def card_facts(model_dir: Path, ud_dir: Path) -> dict[str, Any]:
    """Everything the card states, measured or read from the build outputs."""
    model_path = model_dir / "model-best"
    if not (model_path / "meta.json").is_file():
        raise BaseModelError(f"{model_path}: no trained pipeline (run `make base-model` first)")
    evaluation = read_json(model_dir / "evaluation.json")
    training_path = model_dir / "training.json"
    training = read_json(training_path) if training_path.is_file() else {}
    nlp = spacy.load(model_path)
    test_path = model_dir / "corpus" / "test.spacy"
    encode = nlp.config["components"]["tok2vec"]["model"]["encode"]
    return {
        "evaluation": evaluation,
        "train_seconds": training.get("train_seconds"),
        "max_epochs": nlp.config["training"]["max_epochs"],
        "best": best_epoch(model_dir / "train.log", nlp.meta.get("performance", {})),
        "width": encode["width"],
        "depth": encode["depth"],
        "pipeline": nlp.pipe_names,
        "n_dep_labels": len(nlp.get_pipe("parser").labels),
        "lemma_without_table": lemma_accuracy(nlp, test_path, exceptions=False),
        "lemma_with_table": lemma_accuracy(nlp, test_path, exceptions=True),
        "n_exceptions": sum(len(v) for v in nlp.get_pipe("lemmatizer")._get_tables()[0].values()),
        "raw_speed": raw_text_speed(nlp, [eg.reference.text for eg in Corpus(test_path)(nlp)]),
        "size_mb": directory_bytes(model_path) / 1e6,
        "splits": split_sizes(model_dir, nlp.vocab),
        "treebank": treebank_metadata(ud_dir),
        "spacy_version": spacy.about.__version__,
    }


def render_card(facts: dict[str, Any], ud_dir: Path) -> str:
    """The model card in Markdown."""
    ev, tb = facts["evaluation"], facts["treebank"]
    licence = tb.get("License", "see the treebank's LICENSE.txt")
    rows = "\n".join(f"| {label} | {ev[key] * 100:.2f} |" for key, label in SCORES if key in ev)
    splits = "\n".join(f"| {name} | {n_sents:,} | {n_tokens:,} |" for name, (n_sents, n_tokens) in facts["splits"].items())
    minutes = f"{facts['train_seconds'] / 60:.1f} min" if facts["train_seconds"] else "not recorded"
    best = facts["best"]
    best_line = f"epoch {best[0]} (step {best[1]}, weighted dev score {best[2]:.2f})" if best else "see train.log"
    return f"""# Model card: policy syntactic base (`models/base/model-best`)

A small English spaCy pipeline trained here, on CPU, by `make base-model`. It gives
the extraction pipeline part-of-speech tags, morphology, lemmas, sentence
boundaries and dependency trees (subjects, objects, complement clauses), which
spaCy's pretrained English pipelines would give but which cannot be downloaded here.

## Pipeline
- Components: {", ".join(f"`{name}`" for name in facts["pipeline"])} (spaCy {facts["spacy_version"]}).
- `tok2vec`: hash embeddings of NORM, PREFIX, SUFFIX, SHAPE; CNN width {facts["width"]} x depth {facts["depth"]}, no word vectors.
- `tagger`: Penn Treebank tags (`token.tag_`); `morphologizer`: UPOS (`token.pos_`) and UD features (`token.morph`).
- `parser`: Universal Dependencies relations ({facts["n_dep_labels"]} labels, subtypes kept: `nsubj:pass`,
  `obl:agent`, `acl:relcl`, ...). Note: these are UD labels (`obj`, `nsubj:pass`), not the ClearNLP labels
  of spaCy's `en_core_web_*` pipelines (`dobj`, `nsubjpass`); dependency patterns must say which they expect.
- `lemmatizer`: `policy_lemmatizer`, UD lemmas from a form+UPOS exception table ({facts["n_exceptions"]:,} entries) learned
  from the training split, with suffix rules learned from the same split for unseen forms.

## Data
UD English-EWT, release {tb.get("Release", "(see the treebank README)")}, read from `{ud_dir}`: English web text
(genres: {tb.get("Genre", "see README")}). Licence: **{licence}**; the model is derived from it and shared under the
same licence, with attribution to the UD English-EWT contributors. Splits as released:

| split | sentences | tokens |
|---|---:|---:|
{splits}

## Test scores (UD test split, `spacy evaluate`)
| measure | % |
|---|---:|
{rows}

Lemma accuracy without the exception table (learned suffix rules alone): {facts["lemma_without_table"] * 100:.2f};
with it: {facts["lemma_with_table"] * 100:.2f} (both with predicted UPOS and features).

## Size, speed, training
- Size on disk: {facts["size_mb"]:.1f} MB.
- Speed: {ev.get("speed", 0):,.0f} words/s in `spacy evaluate` (pre-tokenised); {facts["raw_speed"]:,.0f} words/s on raw
  test texts, tokenizer included, one process (measured on the build machine, which may be shared).
- Training: {facts["max_epochs"]} epoch{"s" if facts["max_epochs"] != 1 else ""} (fixed, no early stopping), {minutes} wall time; model-best is {best_line}.

## Limits
- Trained on web text (blogs, reviews, e-mail, answers), not on policy statements or news: expect lower
  scores on long formal sentences; no named entities.
- Trained on CPU with a fixed seed; retraining on another machine gives close, not identical, figures.

Rebuild: `make base-model UD_DIR=/path/to/UD_English-EWT` (inputs: the three `.conllu` splits,
`pipeline/configs/base_model.cfg`, `pipeline/base_model/`).
"""


def write_model_card(model_dir: Path, ud_dir: Path, out: Path) -> None:
    """Measure, render and write the model card atomically."""
    text = render_card(card_facts(model_dir, ud_dir), ud_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
