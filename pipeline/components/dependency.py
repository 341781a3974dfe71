"""Dependency-based roles for the demand and recommendation taggers.

On a sentence the syntax layer parsed (``pipeline.syntax.sentence_parsed``), spaCy's
``DependencyMatcher`` runs the patterns of ``resources/dependency_patterns.json``:
who demands (subject of the cue, passive agent), from whom (object, ``on X``,
subject of the ``that``-clause, passive subject), what (the ``xcomp``/``ccomp``
subtree) and who should act on a recommendation (subject of the modal's verb).
Labels are written as ``@role`` in the patterns and mapped per label scheme
(UD for our base, ClearNLP for spaCy's ``en_core_web_*`` packages).
Actor ids always come from the actor spans: syntax only says which mention fills the role.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token

from ..resources import RESOURCES, ResourceError, load_person_titles
from .clauses import PROXY_HEADS

PATTERNS_FILE = RESOURCES / "dependency_patterns.json"
ROLES = ("demander", "addressee", "content", "target")
SCHEMES = ("ud", "clearnlp")
_DECISIONS = ("demander", "addressees", "content", "targets")
# Dependents that extend a mention to the actors it stands for: "Russia and China",
# "the Malian authorities", "the U.S. side", "Russia's foreign minister".
_MENTION_DEPS = {"conj", "compound", "flat", "amod", "nmod:poss", "poss", "appos", "nmod", "nn"}


def _fail(path: Path, problem: str):
    raise ResourceError(f"{path}: {problem}")


@lru_cache(maxsize=4)
def load_dependency_patterns(path: Path = PATTERNS_FILE) -> dict:
    """The validated pattern file (one-line ``ResourceError`` naming the file and the problem)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResourceError(f"{path}: cannot read dependency patterns ({type(err).__name__}: {err})") from None
    try:
        for key in ("use", "labels", "patterns"):
            if not isinstance(data.get(key), dict):
                _fail(path, f"missing or non-object key {key!r}")
        if set(data["use"]) != set(_DECISIONS) or not all(isinstance(v, bool) for v in data["use"].values()):
            _fail(path, f"'use' must map exactly {list(_DECISIONS)} to true/false")
        if set(data["labels"]) != set(SCHEMES):
            _fail(path, f"'labels' must have exactly the schemes {list(SCHEMES)}")
        names = set(data["labels"]["ud"])
        for scheme, mapping in data["labels"].items():
            if set(mapping) != names:
                _fail(path, f"labels of {scheme!r} must name the same roles as 'ud' ({sorted(names ^ set(mapping))} differ)")
            if not all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in mapping.values()):
                _fail(path, f"labels of {scheme!r}: each role maps to a list of labels")
        if set(data["patterns"]) != set(ROLES):
            _fail(path, f"'patterns' must have exactly the roles {list(ROLES)}")
        for role, patterns in data["patterns"].items():
            for n, pattern in enumerate(patterns):
                where_ = f"pattern {role}[{n}] ({pattern.get('name', '?')})"
                nodes = pattern.get("nodes")
                if not isinstance(nodes, list) or len(nodes) < 2:
                    _fail(path, f"{where_}: 'nodes' must be a list of at least two nodes")
                ids = [node.get("RIGHT_ID") for node in nodes]
                if ids[0] != "cue" or "role" not in ids:
                    _fail(path, f"{where_}: the first node must be 'cue' and one node must be 'role'")
                for scheme in pattern.get("schemes", SCHEMES):
                    if scheme not in SCHEMES:
                        _fail(path, f"{where_}: unknown scheme {scheme!r}")
                for node in nodes:
                    for attr in node.get("RIGHT_ATTRS", {}).values():
                        value = attr.get("IN") if isinstance(attr, dict) else None
                        if isinstance(value, str) and value[1:] not in names | {"cue", "modal"}:
                            _fail(path, f"{where_}: unknown label role {value!r}")
    except (AttributeError, TypeError) as err:
        _fail(path, f"malformed pattern data ({type(err).__name__}: {err})")
    return data


def _resolve(nodes: list[dict], labels: dict[str, list[str]], words: dict[str, list[str]]) -> list[dict] | None:
    nodes = copy.deepcopy(nodes)
    for node in nodes:
        for attr, value in node.get("RIGHT_ATTRS", {}).items():
            if isinstance(value, dict) and isinstance(value.get("IN"), str) and value["IN"].startswith("@"):
                key = value["IN"][1:]
                value["IN"] = list(words[key]) if key in words else list(labels[key])
                if not value["IN"]:
                    return None  # a role this label scheme has no label for
    return nodes


class DependencyRoles:
    """Compiled patterns for one vocab and label scheme; ``roles(doc, cue_i, kind)``
    gives the role tokens the patterns find for the cue at token ``cue_i``."""

    def __init__(self, vocab, scheme: str, cue_forms: list[str], modals: list[str]) -> None:
        data = load_dependency_patterns()
        self.use = dict(data["use"])
        self.scheme = scheme if scheme in SCHEMES else "ud"
        words = {"cue": sorted({w for form in cue_forms for w in form.split()[:1]}),
                 "modal": sorted({m.split()[0] for m in modals})}
        self.matcher = DependencyMatcher(vocab)
        self.role_of: dict[int, str] = {}
        self.order: dict[int, int] = {}
        self.nodes: dict[int, list[str]] = {}
        for role, patterns in data["patterns"].items():
            for n, pattern in enumerate(patterns):
                if self.scheme not in pattern.get("schemes", SCHEMES):
                    continue
                nodes = _resolve(pattern["nodes"], data["labels"][self.scheme], words)
                if nodes is None:
                    continue
                key = f"{role}:{n}"
                self.matcher.add(key, [nodes])
                self.role_of[vocab.strings[key]] = role
                self.nodes[vocab.strings[key]] = [node["RIGHT_ID"] for node in nodes]
                self.order[vocab.strings[key]] = n
        self._cache: dict[int, dict[str, dict[int, list[int]]]] = {}

    def roles(self, sent: Span, role: str) -> dict[int, list[int]]:
        """cue token index -> role token indices in ``sent``, in pattern order (one matcher
        run per sentence for all roles)."""
        if sent.start not in self._cache:
            found: dict[str, dict[int, list[int]]] = {r: {} for r in ROLES}
            for match_id, tokens in sorted(self.matcher(sent), key=lambda m: (self.order[m[0]], m[1][0])):
                ids = self.nodes[match_id]
                cue, filler = tokens[ids.index("cue")] + sent.start, tokens[ids.index("role")] + sent.start
                fillers = found[self.role_of[match_id]].setdefault(cue, [])
                if filler not in fillers:
                    fillers.append(filler)
            self._cache[sent.start] = found
        return self._cache[sent.start][role]

    def reset(self) -> None:
        self._cache.clear()


#: Nouns that stand for the actor modifying them: people and bodies acting for it
#: ("the Malian authorities", "EU member states"); any other noun ("the council's work")
#: is a thing, and its owner does not act through it.
#: Last words of office titles count too ("the UN Secretary-General": "General").
AGENT_HEADS = PROXY_HEADS | {"states", "countries", "members", "member", "nations", "allies", "partners",
                             "sides", "institutions", "agencies", "services", "bodies", "people", "public"} \
    | {entry["title"].replace("-", " ").split()[-1].lower() for entry in load_person_titles()}


def mention_actors(ctx, token: Token) -> list[str]:
    """Actor ids a role token stands for: the actor span it is in, a pronoun's referent,
    or actors hanging on it as conjuncts, compounds or possessors when the token names
    people or a body acting for them ("the Malian authorities", "Russia and China",
    "Iran's foreign minister"; not "the council's work")."""
    if token.i in ctx.actor_at:
        ids = [ctx.actor_at[token.i].kb_id_]
    elif token.lower_ in {"it", "he", "she", "they", "we", "i"}:
        found = ctx.resolve_pronoun(token.i)
        return [found] if found else []
    elif token.lower_ in AGENT_HEADS:
        ids = []
        for child in token.children:
            if child.dep_ in {"amod", "compound", "nmod:poss", "poss", "flat", "nn"} and child.i in ctx.actor_at \
                    and child.i < token.i:
                ids.append(ctx.actor_at[child.i].kb_id_)
                break
    else:
        ids = []  # "the council's scientific work can continue": a thing, not an actor acting
    for child in token.children:
        if child.dep_ == "conj":
            for more in mention_actors(ctx, child):
                if more not in ids:
                    ids.append(more)
    return ids


def subtree_span(token: Token, sent: Span, *, skip_first: set[str]) -> tuple[int, int]:
    """The subtree of ``token`` inside the sentence, without a leading ``to``/``that``/modal."""
    start, end = token.left_edge.i, token.right_edge.i + 1
    start, end = max(start, sent.start), min(end, sent.end)
    while start < end and (token.doc[start].lower_ in skip_first or token.doc[start].is_punct):
        start += 1
    return start, end
