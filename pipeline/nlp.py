"""Building and loading the extraction pipeline, layer by layer.

Three layers, each optional above the first:

- ``rules``: the components declared in ``configs/pipeline.cfg`` (segmenter, actors,
  demands, recommendations), built into ``models/policy`` by ``spacy assemble``.
- ``syntax``: a syntactic base (tagger, parser, lemmatizer; see ``pipeline.syntax``)
  sourced in right after the segmenter, so the parser keeps its sentence boundaries;
  the rule components then also use dependency patterns.
- ``trained``: components trained from ``annotations/gold`` by ``make train``
  (``models/trained/model-best``), appended after the rules, merged with their rows
  by ``source`` and ``confidence``.

``build_pipeline("best")`` stacks every layer present on this machine and says
which on the ``pipeline.nlp`` logger.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language

from . import extensions  # noqa: F401

CONFIG = Path(__file__).parent / "configs" / "pipeline.cfg"
DEFAULT_MODEL = Path("models") / "policy"
TRAINED_MODEL = Path("models") / "trained" / "model-best"
#: Set to a folder to use another trained layer, or to "none" to leave it out.
TRAINED_ENV_VAR = "POLICY_TRAINED_MODEL"
LAYERS = ("rules", "syntax", "trained")
#: Names accepted by ``--layers``: "best" or a "+"-joined subset that starts with rules.
CHOICES = ("best", "rules", "rules+syntax", "rules+trained", "rules+syntax+trained")
log = logging.getLogger(__name__)


class LayerError(Exception):
    """A layer was asked for by name but is not available (one line for the user)."""


def assemble(config: Path = CONFIG) -> Language:
    """Build and initialise the pipeline from its config (what ``spacy assemble`` does)."""
    cfg = spacy.util.load_config(config)
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True)
    nlp.initialize()
    return nlp


def load_pipeline(model: Path | None = None) -> Language:
    """The rules-only pipeline in ``model`` (default ``models/policy``), else one
    assembled from the config in memory."""
    path = Path(model) if model else DEFAULT_MODEL
    if (path / "config.cfg").exists():
        return spacy.load(path)
    if model is not None:
        raise FileNotFoundError(f"{path}: no spaCy pipeline here (no config.cfg)")
    return assemble()


def with_syntax(nlp: Language, base: Language | Path, *, select: str = "unsure") -> Language:
    """``nlp`` with a syntactic base as its ``policy_syntax`` component, right after the
    segmenter (see ``pipeline.syntax.SyntaxLayer``). The base parses, each as its own Doc,
    only some sentences, and their tags, lemmas and trees are copied back within the
    segmenter's sentences: by default (``select="unsure"``) those where the demand and
    recommendation taggers' surface rules are unsure of a role; ``"cues"``: every sentence
    with a cue word; ``"all"``: every sentence. ``base`` is a loaded pipeline or a saved one's folder."""
    from .syntax import SyntaxLayer  # noqa: F401  (registers the policy_syntax factory)

    if not isinstance(base, Language):
        base = spacy.load(base)
    if "policy_syntax" in nlp.pipe_names:
        nlp.remove_pipe("policy_syntax")
    after = {"after": "policy_segmenter"} if "policy_segmenter" in nlp.pipe_names else {"first": True}
    layer = nlp.add_pipe("policy_syntax", config={"select": select}, **after)
    layer.set_base(base)
    return nlp


def _trained_layer():
    """The function that appends the trained layer, or None when that code is absent."""
    try:
        from .train.layer import add_trained_layer
    except ImportError:
        return None
    return add_trained_layer


def parse_layers(choice: str) -> tuple[str, ...]:
    """``"rules+syntax"`` → ``("rules", "syntax")``; "best" → ``()`` (decided by what exists)."""
    if choice == "best":
        return ()
    layers = tuple(part.strip() for part in choice.split("+"))
    if choice not in CHOICES or layers[0] != "rules":
        raise LayerError(f"--layers {choice}: expected one of {', '.join(CHOICES)}")
    return layers


def build_pipeline(layers: str | Iterable[str] = "best", *, model: Path | None = None,
                   trained: Path | None = None) -> Language:
    """The extraction pipeline with the asked layers (``"best"``: every layer present).

    Args:
        layers: "best", a name from ``CHOICES``, or an iterable of layer names.
        model: the rules pipeline folder (default ``models/policy``, else the config).
        trained: the trained layer's folder (default ``models/trained/model-best``).

    Returns:
        The pipeline; ``nlp.meta["policy_layers"]`` names its layers and
        ``nlp.meta["policy_layers_description"]`` says where each came from.

    Raises:
        LayerError: a layer asked for by name is not available.
    """
    from .syntax import load_syntax

    wanted = parse_layers(layers) if isinstance(layers, str) else tuple(layers)
    best = not wanted
    nlp = load_pipeline(model)
    rules_path = Path(model or DEFAULT_MODEL)
    used = ["rules"]
    described = [f"rules ({rules_path if (rules_path / 'config.cfg').exists() else CONFIG.name})"]
    if best or "syntax" in wanted:
        base = load_syntax()
        if base is not None:
            with_syntax(nlp, base)
            used.append("syntax")
            described.append(f"syntax ({base.meta.get('policy_description') or base.meta.get('name', 'base')})")
        elif not best:
            raise LayerError("syntax layer asked for, but no syntactic base here (`make base-model` builds one)")
    if best or "trained" in wanted:
        setting = os.environ.get(TRAINED_ENV_VAR, "").strip()
        path = Path(trained or setting or TRAINED_MODEL)
        add = _trained_layer()
        if setting.lower() == "none" and trained is None:
            add = None
        if add is not None and (path / "config.cfg").exists():
            add(nlp, path)
            used.append("trained")
            described.append(f"trained ({path})")
        elif not best:
            raise LayerError(f"trained layer asked for, but no trained model at {path} (`make train` builds one)")
    nlp.meta["policy_layers"] = used
    nlp.meta["policy_layers_description"] = " + ".join(described)
    log.info("pipeline: %s", nlp.meta["policy_layers_description"])
    return nlp
