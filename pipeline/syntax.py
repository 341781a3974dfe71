"""Which syntactic base the extraction pipeline stands on: ours, an installed spaCy package, or none.

In order of preference:
1. the pipeline at `$POLICY_BASE_MODEL` when that variable is set (`none` turns syntax off);
2. our trained base, `models/base/model-best` from `make base-model` (or the
   `base_model` setting);
3. an installed spaCy English package named by the `spacy_package` setting
   (for instance `en_core_web_sm` on a machine that has it);
4. nothing: the extraction falls back to its rules-only path.

One INFO line on the `pipeline.syntax` logger says which one is in use.
Our base labels dependencies with Universal Dependencies relations (`obj`,
`nsubj:pass`, `obl:agent`); spaCy's `en_core_web_*` packages use ClearNLP
labels (`dobj`, `nsubjpass`, `agent`), so `syntax_scheme()` tells them apart.
"""

import logging
import os
from pathlib import Path
from typing import Any, Mapping, Optional

import spacy
from spacy.language import Language
from spacy.util import is_package

logger = logging.getLogger(__name__)

ENV_VAR = "POLICY_BASE_MODEL"
DEFAULT_BASE_MODEL = Path(__file__).resolve().parents[1] / "models" / "base" / "model-best"


class SyntaxModelError(Exception):
    """A syntactic base was asked for explicitly but cannot be loaded (one line for the user)."""


def is_pipeline_dir(path: Path) -> bool:
    """Whether `path` holds a saved spaCy pipeline."""
    return (path / "config.cfg").is_file() and (path / "meta.json").is_file()


def syntax_scheme(nlp: Language) -> str:
    """`ud` or `clearnlp`: the dependency label set of a loaded base."""
    if "parser" not in nlp.pipe_names:
        return "none"
    labels = set(nlp.get_pipe("parser").labels)
    return "ud" if "obj" in labels or "nsubj:pass" in labels else "clearnlp"


def _describe(nlp: Language) -> str:
    performance = nlp.meta.get("performance") or {}
    scores = [f"{name} {performance[key] * 100:.1f}" for key, name in (("pos_acc", "UPOS"), ("dep_las", "LAS"))
              if isinstance(performance.get(key), (int, float))]
    return f"{syntax_scheme(nlp)} labels" + (f", dev {' '.join(scores)}" if scores else "")


def load_syntax(config: Optional[Mapping[str, Any]] = None) -> Optional[Language]:
    """Load the best syntactic base available on this machine, or None for the rules-only path.

    Args:
        config: optional settings: `base_model` (path of our trained base, default
            `models/base/model-best`), `spacy_package` (an installed spaCy English
            package to use when our base is absent, e.g. `en_core_web_sm`).

    Returns:
        The loaded pipeline, or None when no syntactic base is present.

    Raises:
        SyntaxModelError: `$POLICY_BASE_MODEL` names a folder that holds no spaCy pipeline.
    """
    settings = config or {}
    explicit = os.environ.get(ENV_VAR, "").strip()
    if explicit.lower() == "none":
        logger.info("syntax: none (%s=none): rules-only extraction", ENV_VAR)
        return None
    if explicit:
        path = Path(explicit)
        if not is_pipeline_dir(path):
            raise SyntaxModelError(f"{ENV_VAR}={explicit}: no spaCy pipeline there (config.cfg or meta.json missing)")
    else:
        path = Path(settings.get("base_model") or DEFAULT_BASE_MODEL)
    if is_pipeline_dir(path):
        try:
            nlp = spacy.load(path)
        except (OSError, ValueError, KeyError) as err:
            raise SyntaxModelError(f"{path}: cannot load the syntactic base ({type(err).__name__}: {err})") from None
        logger.info("syntax: trained base %s (%s)", path, _describe(nlp))
        return nlp
    package = settings.get("spacy_package")
    if package and is_package(package):
        nlp = spacy.load(package)
        logger.info("syntax: installed spaCy package %s %s (%s)", package, nlp.meta.get("version", ""), _describe(nlp))
        return nlp
    missing = f"no trained base at {path}" + (f", spaCy package {package} not installed" if package else "")
    logger.info("syntax: none (%s): rules-only extraction; `make base-model` builds one", missing)
    return None
