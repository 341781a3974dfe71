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

import numpy
import spacy
import srsly
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path, is_package

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
        nlp.meta["policy_description"] = f"{path}, {_describe(nlp)}"
        logger.info("syntax: trained base %s", nlp.meta["policy_description"])
        return nlp
    package = settings.get("spacy_package")
    if package and is_package(package):
        nlp = spacy.load(package)
        nlp.meta["policy_description"] = f"{package} {nlp.meta.get('version', '')}, {_describe(nlp)}"
        logger.info("syntax: installed spaCy package %s", nlp.meta["policy_description"])
        return nlp
    missing = f"no trained base at {path}" + (f", spaCy package {package} not installed" if package else "")
    logger.info("syntax: none (%s): rules-only extraction; `make base-model` builds one", missing)
    return None


# -- the syntax layer in the extraction pipeline ------------------------------------------

#: Attributes copied from a parsed sentence into the document.
_TOKEN_ATTRS = ("tag_", "pos_", "lemma_")


def cue_words() -> frozenset[str]:
    """Lower-case words that make a sentence worth parsing: the demand cue verbs and
    nouns and the recommendation modals of the cue lexicons. Auxiliaries that only open
    a multi-word cue ("has to", "would have to") are left out: they are in most sentences."""
    from .resources import load_demand_cues, load_recommendation_cues

    demand, rec = load_demand_cues(), load_recommendation_cues()
    auxiliaries = {"has", "have", "had", "is", "are", "was", "were", "would", "will", "to", "this", "these"}
    words: set[str] = set()
    for entry in demand["cues"]:
        words.update(form.split()[0] for form in entry["forms"])
    words.update(demand["nominal_cues"]["nouns"])
    words.update(p.split()[0] for p in demand["obligation_cues"] + rec["modals"])
    words.add(rec["option_modal"])
    return frozenset(words - auxiliaries)


SELECT_MODES = ("unsure", "cues", "all")


class SyntaxLayer:
    """A syntactic base run on some sentences of a document, each as its own Doc through
    ``base.pipe``, with TAG/POS/MORPH/LEMMA/HEAD/DEP copied back (heads inside the
    sentence, the segmenter's sentence boundaries kept).

    Which sentences (``select``):
    - ``unsure`` (default): none up front; the demand and recommendation taggers ask for
      the sentences where their surface rule is unsure of a role (no subject right before
      the cue, no addressee, no target) through ``parse_sentences`` and decide again;
    - ``cues``: every sentence with a cue word of the lexicons, a modal, or a list intro;
    - ``all``: every sentence.

    Sentences left out stay unparsed (their tokens other than the first carry no
    dependency label); ``sentence_parsed`` tells the rule components which path to take.
    ``scheme`` is the base's label set (``ud`` or ``clearnlp``)."""

    def __init__(self, nlp: Language, name: str = "policy_syntax", base: Optional[Language] = None,
                 select: str = "unsure") -> None:
        self.nlp = nlp
        self.name = name
        self.base = base
        self.select = select
        self.words = cue_words()
        self.scheme = syntax_scheme(base) if base is not None else "none"

    def set_base(self, base: Language) -> None:
        self.base = base
        self.scheme = syntax_scheme(base)

    @property
    def lazy(self) -> bool:
        return self.base is not None and self.select == "unsure"

    def wanted(self, sent) -> bool:
        """Whether a sentence can carry a demand or a recommendation."""
        if self.select == "all":
            return True
        last = None
        for token in sent:
            if token.lower_ in self.words:
                return True
            if not token.is_space:
                last = token
        return last is not None and last.text == ":"

    def __call__(self, doc: Doc) -> Doc:
        if self.base is not None and self.select != "unsure":
            self.parse_sentences(doc, [s for s in doc.sents if self.wanted(s)])
        return doc

    def parse_sentences(self, doc: Doc, sents) -> None:
        """Parse ``sents`` (spans of ``doc``) and write their analyses into ``doc``;
        sentences parsed before keep theirs."""
        sents = [s for s in sents if not sentence_parsed(s)]
        if self.base is None or not sents:
            return
        vocab = self.base.vocab
        subdocs = []
        for sent in sents:
            words = [t.text for t in sent]
            spaces = [bool(t.whitespace_) for t in sent]
            spaces[-1] = False
            sub = Doc(vocab, words=words, spaces=spaces)
            for k, token in enumerate(sub):
                token.is_sent_start = k == 0  # one sentence: the parser keeps the segmenter's boundary
            subdocs.append(sub)
        n = len(doc)
        strings = doc.vocab.strings
        if doc.has_annotation("DEP"):
            current = doc.to_array([HEAD, DEP])
            heads = current[:, 0].astype("uint64").view("int64") + numpy.arange(n, dtype="int64")
            deps = current[:, 1].astype("uint64")
        else:
            # an unparsed sentence: its first token is a ROOT and every other token hangs on it
            # with no label, so the tree keeps the segmenter's sentence boundaries
            heads = numpy.arange(n, dtype="int64")
            deps = numpy.zeros(n, dtype="uint64")
            root_label = strings.add("ROOT")
            for sent in doc.sents:
                heads[sent.start:sent.end] = sent.start
                deps[sent.start] = root_label
        for sent, sub in zip(sents, self.base.pipe(subdocs)):
            root = None
            for token in sub:
                if token.head.i == token.i:
                    root = token.i if root is None else root
            for token in sub:
                i = sent.start + token.i
                target = doc[i]
                target.tag_ = token.tag_
                target.pos_ = token.pos_
                target.lemma_ = token.lemma_
                target.set_morph(str(token.morph) or None)
                dep = token.dep_ or "dep"
                head = token.head.i
                if head == token.i and token.i != root:
                    head, dep = root, "dep"  # a second root: attach it to the first
                elif head == token.i:
                    dep = "ROOT"
                heads[i] = sent.start + head
                deps[i] = strings.add(dep)
        relative = (heads - numpy.arange(n)).astype("int64").view("uint64")
        doc.from_array([HEAD, DEP], numpy.stack([relative, deps], axis=1))

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "settings.json", {"select": self.select})
        if self.base is not None:
            self.base.to_disk(path / "base")

    def from_disk(self, path, *, exclude=tuple()):
        path = ensure_path(path)
        if (path / "settings.json").exists():
            self.select = srsly.read_json(path / "settings.json")["select"]
        if is_pipeline_dir(path / "base"):
            self.set_base(spacy.load(path / "base"))
        return self


def lazy_layer(nlp: Language) -> Optional[SyntaxLayer]:
    """The pipeline's syntax layer when it parses on request (``select="unsure"``), else None."""
    if "policy_syntax" not in nlp.pipe_names:
        return None
    layer = nlp.get_pipe("policy_syntax")
    return layer if isinstance(layer, SyntaxLayer) and layer.lazy else None


_UD_ONLY = {"obj", "nsubj:pass", "obl", "obl:agent", "case", "nmod:poss", "aux:pass"}
_CLEARNLP_ONLY = {"dobj", "nsubjpass", "pobj", "prep", "agent", "poss", "auxpass", "dative"}


def doc_scheme(doc: Doc) -> str:
    """`ud`, `clearnlp` or `none` (no parse): the label set the document's parse uses."""
    if not doc.has_annotation("DEP"):
        return "none"
    strings = doc.vocab.strings
    labels = {strings[int(h)] for h in numpy.unique(doc.to_array(DEP)) if h}
    if labels & _UD_ONLY:
        return "ud"
    if labels & _CLEARNLP_ONLY:
        return "clearnlp"
    return "ud" if len(labels) > 1 else "none"


def sentence_parsed(sent) -> bool:
    """Whether this sentence has a parse: some token other than its root carries a
    dependency label (the syntax layer leaves the other tokens of a skipped sentence unlabelled)."""
    return any(token.dep and token.head.i != token.i for token in sent)


@Language.factory("policy_syntax", default_config={"select": "unsure"})
def make_syntax_layer(nlp: Language, name: str, select: str) -> SyntaxLayer:
    if select not in SELECT_MODES:
        raise ValueError(f"policy_syntax: select must be one of {', '.join(SELECT_MODES)}, not {select!r}")
    return SyntaxLayer(nlp, name, select=select)
