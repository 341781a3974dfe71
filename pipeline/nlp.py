"""Building and loading the extraction pipeline declared in ``configs/pipeline.cfg``."""

from __future__ import annotations

import logging
from pathlib import Path

import spacy
from spacy.language import Language

from . import extensions  # noqa: F401

CONFIG = Path(__file__).parent / "configs" / "pipeline.cfg"
DEFAULT_MODEL = Path("models") / "policy"
log = logging.getLogger(__name__)


def assemble(config: Path = CONFIG) -> Language:
    """Build and initialise the pipeline from its config (what ``spacy assemble`` does)."""
    cfg = spacy.util.load_config(config)
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True)
    nlp.initialize()
    return nlp


def load_pipeline(model: Path | None = None) -> Language:
    """The built pipeline in ``model`` (default ``models/policy``), else one
    assembled from the config in memory."""
    path = Path(model) if model else DEFAULT_MODEL
    if (path / "config.cfg").exists():
        return spacy.load(path)
    if model is not None:
        raise FileNotFoundError(f"{path}: no spaCy pipeline here (no config.cfg)")
    return assemble()
