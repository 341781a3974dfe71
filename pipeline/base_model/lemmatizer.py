"""`policy_lemmatizer`: UD lemmas from a form+UPOS exception table learned from a treebank.

spaCy's rule lemmatizer needs `spacy-lookups-data`, whose tables follow spaCy's
own lemma conventions rather than UD's. This component keeps spaCy's
`Lemmatizer` machinery (lookups saved with the pipeline, cache, scorer) and
learns its three tables from the gold training examples in `initialize()`:

- `lemma_exc`   {UPOS: {lowercased form: lemma}}: every training form whose most
                frequent lemma the fallback below would get wrong;
- `lemma_rules` {UPOS: [[old suffix, new suffix], ...]}: suffix rewrites seen on
                at least `min_rule_count` different training forms, most frequent first;
- `lemma_index` {UPOS: [lemma, ...]}: the training lemmas, to choose between rules.

The fallback for a form missing from the table: a PROPN keeps its text; a form
the morphologizer marks as a base form (singular noun, infinitive, positive
adjective) is lowercased; otherwise the first rule whose result is a known lemma,
else the first rule that applies, else the lowercased form.
"""

from collections import Counter, defaultdict
from typing import Callable, Iterable, Optional

from spacy.language import Language
from spacy.lookups import Lookups
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline import Lemmatizer
from spacy.pipeline.lemmatizer import lemmatizer_score
from spacy.tokens import MorphAnalysis, Token
from spacy.training import Example
from spacy.vocab import Vocab

TABLES = ["lemma_exc", "lemma_rules", "lemma_index"]
# Parts of speech that inflect regularly in English and so get suffix rules.
INFLECTING_POS = ("NOUN", "VERB", "AUX", "ADJ")
MAX_SUFFIX = 4  # longer rewrites are suppletion (went -> go) and belong in the table
MIN_STEM = 2
UPOS = tuple(name for name in POS_IDS if name and name not in ("EOL", "SPACE"))


def is_base_form(upos: str, morph: Optional[MorphAnalysis]) -> bool:
    """Whether the morphological features say the form is its own lemma (lowercased)."""
    if morph is None:
        return False
    feats = morph.to_dict()
    if upos == "NOUN":
        return feats.get("Number") == "Sing"
    if upos == "ADJ":
        return feats.get("Degree") == "Pos"
    if upos in ("VERB", "AUX"):
        if feats.get("VerbForm") == "Inf" or feats.get("Mood") == "Imp":
            return True
        return (
            feats.get("VerbForm") == "Fin"
            and feats.get("Tense") == "Pres"
            and not (feats.get("Person") == "3" and feats.get("Number") == "Sing")
        )
    return False


def suffix_rule(form: str, lemma: str) -> Optional[tuple[str, str]]:
    """The (old, new) suffix rewrite turning `form` into `lemma`, if it strips a suffix."""
    prefix = 0
    for a, b in zip(form, lemma):
        if a != b:
            break
        prefix += 1
    old, new = form[prefix:], lemma[prefix:]
    if not old or prefix < MIN_STEM or len(old) > MAX_SUFFIX:
        return None
    return old, new


def fallback_lemma(
    text: str,
    upos: str,
    morph: Optional[MorphAnalysis],
    rules: dict[str, list],
    index: dict[str, set],
) -> str:
    """The lemma of a form missing from the exception table (see the module docstring)."""
    if upos == "PROPN":
        return text
    lower = text.lower()
    if upos not in rules or is_base_form(upos, morph):
        return lower
    candidates = [
        lower[: len(lower) - len(old)] + new
        for old, new in rules[upos]
        if lower.endswith(old) and len(lower) - len(old) >= MIN_STEM
    ]
    known = index.get(upos, set())
    for candidate in candidates:
        if candidate in known:
            return candidate
    return candidates[0] if candidates else lower


def learn_tables(examples: Iterable[Example], *, min_rule_count: int = 3) -> dict[str, dict]:
    """Learn the exception table, suffix rules and lemma index from gold examples."""
    lemma_counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    surface_counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    index: dict[str, set] = defaultdict(set)
    for example in examples:
        for token in example.reference:
            if not token.pos_ or not token.lemma_:
                continue
            key = (token.text.lower(), token.pos_)
            lemma_counts[key][token.lemma_] += 1
            surface_counts[key][token.text] += 1
            index[token.pos_].add(token.lemma_)
    rule_forms: dict[str, Counter] = defaultdict(Counter)
    for (lower, upos), lemmas in lemma_counts.items():
        if upos not in INFLECTING_POS:
            continue
        rule = suffix_rule(lower, lemmas.most_common(1)[0][0].lower())
        if rule is not None:
            rule_forms[upos][rule] += 1  # counts forms (types), not tokens
    rules = {
        upos: [list(rule) for rule, n in counts.most_common() if n >= min_rule_count]
        for upos, counts in sorted(rule_forms.items())
    }
    rules = {upos: upos_rules for upos, upos_rules in rules.items() if upos_rules}
    exceptions: dict[str, dict[str, str]] = defaultdict(dict)
    for (lower, upos), lemmas in sorted(lemma_counts.items()):
        lemma = lemmas.most_common(1)[0][0]
        surface = surface_counts[(lower, upos)].most_common(1)[0][0]
        if fallback_lemma(surface, upos, None, rules, index) != lemma:
            exceptions[upos][lower] = lemma
    return {
        "lemma_exc": dict(exceptions),
        "lemma_rules": rules,
        "lemma_index": {upos: sorted(lemmas) for upos, lemmas in sorted(index.items())},
    }


class TableLemmatizer(Lemmatizer):
    """spaCy's `Lemmatizer` in a `table` mode whose tables are learned from a treebank."""

    @classmethod
    def get_lookups_config(cls, mode: str) -> tuple[list[str], list[str]]:
        return (TABLES, []) if mode == "table" else super().get_lookups_config(mode)

    def __init__(
        self,
        vocab: Vocab,
        name: str = "lemmatizer",
        *,
        exceptions: bool = True,
        overwrite: bool = False,
        scorer: Optional[Callable] = lemmatizer_score,
    ) -> None:
        super().__init__(vocab, None, name, mode="table", overwrite=overwrite, scorer=scorer)
        self._exceptions = exceptions
        self._tables: Optional[tuple[dict, dict, dict]] = None

    @property
    def exceptions(self) -> bool:
        """Whether the exception table is used (False: the rule fallback alone)."""
        return self._exceptions

    @exceptions.setter
    def exceptions(self, value: bool) -> None:
        self._exceptions = value
        self.cache = {}

    def initialize(
        self,
        get_examples: Optional[Callable[[], Iterable[Example]]] = None,
        *,
        nlp: Optional[Language] = None,
        lookups: Optional[Lookups] = None,
        min_rule_count: int = 3,
    ) -> None:
        """Learn the tables from `get_examples()` (the training split), unless `lookups` are given.

        Args:
            get_examples: gold examples with UPOS and lemmas.
            nlp: the pipeline (unused).
            lookups: ready-made tables named as in `TABLES`.
            min_rule_count: a suffix rule is kept when this many training forms show it.
        """
        if lookups is None:
            if get_examples is None:
                raise ValueError(f"{self.name}: initialize() needs gold examples to learn the lemma tables from")
            lookups = Lookups()
            for name, table in learn_tables(get_examples(), min_rule_count=min_rule_count).items():
                lookups.add_table(name, table)
        self.lookups = lookups
        self._validate_tables()
        self._tables = None
        self.cache = {}

    def from_disk(self, path, *, exclude=tuple()):
        self._tables = None
        self.cache = {}
        return super().from_disk(path, exclude=exclude)

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        self._tables = None
        self.cache = {}
        return super().from_bytes(bytes_data, exclude=exclude)

    def _get_tables(self) -> tuple[dict, dict, dict]:
        # Lookups tables key by string hash; plain dicts (and index sets) are faster per token.
        if self._tables is None:
            exc, rules, index = (self.lookups.get_table(name) for name in TABLES)
            self._tables = (
                {pos: exc[pos] for pos in UPOS if pos in exc},
                {pos: [tuple(rule) for rule in rules[pos]] for pos in UPOS if pos in rules},
                {pos: set(index[pos]) for pos in UPOS if pos in index},
            )
        return self._tables

    def table_lemmatize(self, token: Token) -> list[str]:
        """The lemma of `token`: its form+UPOS exception, else the rule fallback."""
        cache_key = (token.orth, token.pos, token.morph.key)
        if cache_key in self.cache:
            return self.cache[cache_key]
        exceptions, rules, index = self._get_tables()
        upos = token.pos_
        lemma = exceptions.get(upos, {}).get(token.lower_) if self._exceptions else None
        if lemma is None:
            lemma = fallback_lemma(token.text, upos, token.morph, rules, index)
        self.cache[cache_key] = [lemma]
        return [lemma]


@Language.factory(
    "policy_lemmatizer",
    assigns=["token.lemma"],
    requires=["token.pos"],
    default_config={
        "exceptions": True,
        "overwrite": False,
        "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"},
    },
    default_score_weights={"lemma_acc": 1.0},
)
def make_lemmatizer(
    nlp: Language, name: str, exceptions: bool, overwrite: bool, scorer: Optional[Callable]
) -> TableLemmatizer:
    """Create a `policy_lemmatizer`; `exceptions=False` scores the rule fallback alone."""
    return TableLemmatizer(nlp.vocab, name, exceptions=exceptions, overwrite=overwrite, scorer=scorer)
