"""``add_trained_layer(nlp, model_dir)``: the trained layer on top of the rule components."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from . import merge, suggester  # noqa: F401  (register the factory and the suggester)


def add_trained_layer(nlp: Language, model_dir: Path | Language) -> Language:
    """Append the trained components of ``model_dir`` (``make train``'s model-best)
    after the rule components: the tok2vec, the span classifier and the merge."""
    trained = model_dir if isinstance(model_dir, Language) else spacy.load(model_dir)
    for name in trained.pipe_names:
        if name in nlp.pipe_names:
            raise ValueError(f"{model_dir}: component {name!r} is already in the pipeline")
        nlp.add_pipe(name, source=trained)
    return nlp
