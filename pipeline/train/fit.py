"""Training the components of ``trained.cfg`` on annotated documents.

A plain loop over ``nlp.update`` with a fixed number of epochs and a fixed seed:
with 21 documents there is no held-out set to stop on, and cross-validation
(``pipeline.train.cv``) trains the same way on each fold.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

import spacy
from spacy import util
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from thinc.api import fix_random_seed

from . import suggester  # noqa: F401  (registers policy.candidate_spans.v1)
from .data import GOLD_KEY
from .suggester import CANDIDATE_KEYS, TRIGGERS, clause_candidates

CONFIG = Path(__file__).parent / "trained.cfg"
SPANCAT = "policy_spancat"
TOK2VEC = "policy_tok2vec"
#: Keys of doc.spans that hold training targets: never visible on the predicted side.
TARGET_KEYS = (GOLD_KEY, "policy_model_spans")
#: Gold spans offered to the span classifier as candidates while training (teacher forcing),
#: so it sees positives before the span finder proposes them; absent at inference.
GOLD_CANDIDATES = "policy_gold_candidates"


#: What the trained layer reads of a token; the syntactic base's analyses are not carried.
DOC_ATTRS = ["ORTH", "NORM", "SPACY", "SENT_START"]


def to_vocab(docs: list[Doc], nlp: Language) -> list[Doc]:
    """The same documents (spans and user data included) in ``nlp``'s vocab."""
    data = DocBin(attrs=DOC_ATTRS, docs=docs, store_user_data=True).to_bytes()
    return list(DocBin().from_bytes(data).get_docs(nlp.vocab))


def matching_candidates(doc: Doc, gold: list[Span]) -> list[Span]:
    """Candidates (rule rows, clause candidates) that the guide's scoring would count as
    a gold span: each covers at least half of the other (in tokens). spancat learns
    exact spans; these targets teach it the evaluation's notion of a right span."""
    candidates = {(s.start, s.end) for key in CANDIDATE_KEYS for s in doc.spans.get(key, [])}
    candidates |= clause_candidates(doc, set(TRIGGERS), 50)
    found = []
    for g in gold:
        for a, b in candidates:
            overlap = min(b, g.end) - max(a, g.start)
            if (a, b) != (g.start, g.end) and 2 * overlap >= g.end - g.start and 2 * overlap >= b - a:
                found.append(Span(doc, a, b, label=g.label_))
    return found


def make_example(doc: Doc) -> Example:
    """Reference: gold spans, and the candidates the scoring would count as them, under
    the classifier's key; predicted: the same document with the rule spans (and the
    gold ones as training candidates)."""
    reference = doc.copy()
    gold = list(reference.spans.get(GOLD_KEY, []))
    reference.spans["policy_model_spans"] = gold + matching_candidates(reference, gold)
    predicted = doc.copy()
    for key in TARGET_KEYS:
        if key in predicted.spans:
            del predicted.spans[key]
    predicted.spans[GOLD_CANDIDATES] = [predicted[s.start:s.end] for s in gold]
    return Example(predicted, reference)


def train_model(docs: list[Doc], *, config: Path = CONFIG, epochs: int | None = None,
                seed: int | None = None, tok2vec_source: Path | str | None = None, progress: Callable[[int, dict], None] | None = None) -> Language:
    """A pipeline of the trained components, trained on ``docs`` (from ``data.annotate``).

    Args:
        docs: annotated documents: gold spans under ``sc``, rule spans under their keys.
        config: the training config (default ``trained.cfg``).
        epochs: passes over the data (default: the config's ``training.max_epochs``).
        seed: random seed (default: the config's ``training.seed``).
        tok2vec_source: a saved pipeline whose ``tok2vec`` starts the layer's (default:
            the config's ``training.tok2vec_source``; "" or null: from scratch).
        progress: called with (epoch, losses) after each epoch.
    """
    cfg = util.load_config(config, interpolate=True)
    training = cfg["training"]
    seed = training["seed"] if seed is None else seed
    epochs = training["max_epochs"] if epochs is None else epochs
    fix_random_seed(seed)
    nlp = util.load_model_from_config(cfg, auto_fill=True, validate=True)
    source = tok2vec_source if tok2vec_source is not None else training.get("tok2vec_source")
    if source:
        # Start from a trained tok2vec (the UD base's) and fine-tune it.
        base = spacy.load(source)
        nlp.remove_pipe(TOK2VEC)
        nlp.add_pipe("tok2vec", name=TOK2VEC, source=base, first=True)
    examples = [make_example(doc) for doc in to_vocab(docs, nlp)]
    optimizer = util.registry.resolve({"optimizer": training["optimizer"]})["optimizer"]
    with nlp.select_pipes(disable=[TOK2VEC] if source else []):
        nlp.initialize(lambda: examples, sgd=optimizer)
    rng = random.Random(seed)
    size = int(training.get("batch_size", 2))
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict = {}
        for batch in util.minibatch(examples, size=size):
            nlp.update(batch, sgd=optimizer, drop=float(training["dropout"]), losses=losses)
        if progress:
            progress(epoch, losses)
    return nlp
