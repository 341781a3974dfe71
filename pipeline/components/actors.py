"""The actor tagger: gazetteer matches, state bodies, persons and back-references.

Writes ``doc.spans["actors"]``: ``kb_id_`` is the canonical actor id,
``label_`` the actor type; ``Span._.affiliation`` holds a person's affiliation.
Only the annotated segments (title, lead, paragraphs) are tagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from .. import extensions  # noqa: F401
from ..layout import ANNOTATED_KINDS
from ..resources import (
    load_backrefs, load_body_names, load_gazetteer, load_person_titles, root_of,
)
from .segmenter import SEGMENTS_KEY

ACTORS_KEY = "actors"

# Before a capital, these make it a place, not an actor ("facilities in Moscow").
_PLACE_PREPOSITIONS = {
    "in", "at", "to", "from", "near", "into", "outside", "around", "across", "via", "through",
    "towards", "toward", "within", "inside", "visit", "visited", "visiting", "visits", "reached",
    "left", "arrived", "based", "held", "over", "above", "beyond", "off", "of",
}
# After a capital, these make it the name of an event or place ("the Bucharest summit").
_EVENT_NOUNS = {
    "summit", "summits", "process", "format", "agreement", "agreements", "accord", "accords",
    "talks", "declaration", "treaty", "conference", "meeting", "protocol", "memorandum",
    "communique", "communiqué", "principles", "consensus", "group", "initiative", "time",
    "region", "oblast", "airport", "office", "metro", "area", "suburbs", "street", "streets",
    "residents", "university", "correspondent", "bureau", "club", "forum", "plan", "framework",
}
_PREDICATIVE = {"become", "became", "becoming", "becomes", "as", "remain", "remains", "are", "were"}
_NAME_PARTICLES = {"von", "van", "der", "den", "de", "da", "del", "bin", "al", "el", "la", "le", "ibn"}
_ALLIES_BEFORE = {"the", "some", "other", "many", "all", "several", "most", "few", "european",
                  "eastern", "western", "key", "nato", "fellow", "our"}
_KIND_PRIORITY = {"body": 6, "person": 5, "alias": 4, "demonym": 3, "metonym": 2, "backref": 1}
_CONFIDENCE = {"body": 0.9, "person": 0.85, "alias": 0.95, "weak": 0.8, "demonym": 0.9,
               "metonym": 0.75, "backref": 0.7, "surname": 0.8}


@dataclass
class Candidate:
    start: int
    end: int
    actor_id: str
    kind: str
    affiliation: str | None = None
    weak: bool = False


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", "")).strip("-")


def _is_cap(token) -> bool:
    return token.text[:1].isupper() and token.is_alpha


def _sentence_start(token) -> bool:
    return token.is_sent_start or token.i == 0 or token.nbor(-1).text in {"“", '"', "(", "‘"}


def _annotated_ranges(doc: Doc) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in doc.spans.get(SEGMENTS_KEY, []) if s.label_ in ANNOTATED_KINDS]


def _resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    cands.sort(key=lambda c: (-(c.end - c.start), -_KIND_PRIORITY[c.kind], c.start))
    taken: set[int] = set()
    kept = []
    for cand in cands:
        if taken.isdisjoint(range(cand.start, cand.end)):
            kept.append(cand)
            taken.update(range(cand.start, cand.end))
    return sorted(kept, key=lambda c: c.start)


class ActorTagger:
    """Tags actor mentions with canonical ids from the gazetteer (see resources/)."""

    def __init__(self, nlp: Language, name: str = "policy_actors", *, confidence_floor: float = 0.0) -> None:
        self.nlp = nlp
        self.name = name
        self.confidence_floor = confidence_floor
        self.gazetteer: dict[str, dict] = {}
        self.bodies: list[dict] = []
        self.titles: list[dict] = []
        self.backrefs: list[dict] = []
        self._build_matchers()

    # -- data -----------------------------------------------------------------
    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Load the gazetteer and lexicons from the package resources."""
        self.gazetteer = load_gazetteer()
        self.bodies = load_body_names()
        self.titles = load_person_titles()
        self.backrefs = load_backrefs()
        self._build_matchers()

    def _build_matchers(self) -> None:
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.body_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.title_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.backref_nouns = {b["noun"].lower(): b for b in self.backrefs}
        make = self.nlp.make_doc
        for actor in self.gazetteer.values():
            weak = set(actor.get("weak", []))
            for kind in ("aliases", "demonyms", "metonyms"):
                for alias in actor.get(kind, []):
                    label = {"aliases": "alias", "demonyms": "demonym", "metonyms": "metonym"}[kind]
                    if alias in weak:
                        label = "weak"
                    variants = {alias, alias[:1].upper() + alias[1:]}
                    self.matcher.add(f"{label}|{actor['id']}", [make(v) for v in variants])
        for body in self.bodies:
            names = {body["name"]} | ({body["name"].lower()} if body.get("lower") else set())
            self.body_matcher.add(body["slug"], [make(n) for n in names])
        for title in self.titles:
            self.title_matcher.add(title["title"], [make(title["title"])])
        self._title_affiliation = {t["title"].lower(): t.get("affiliation") for t in self.titles}

    # -- finding --------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.find(doc))
        return doc

    def find(self, doc: Doc) -> list[Candidate]:
        ranges = _annotated_ranges(doc)
        inside = set()
        for a, b in ranges:
            inside.update(range(a, b))
        cands = [c for c in self._gazetteer_matches(doc) if c.start in inside]
        cands = self._filter_context(doc, cands)
        cands += [c for c in self._bodies(doc, cands) if c.start in inside]
        cands += [c for c in self._persons(doc, cands) if c.start in inside]
        kept = _resolve_overlaps(cands)
        kept = self._surnames(doc, kept, inside)
        kept += [c for c in self._backrefs(doc, kept) if c.start in inside]
        return _resolve_overlaps(kept)

    def _gazetteer_matches(self, doc: Doc) -> list[Candidate]:
        out = []
        for match_id, start, end in self.matcher(doc):
            kind, actor_id = self.nlp.vocab.strings[match_id].split("|", 1)
            entry = self.gazetteer.get(actor_id, {})
            out.append(Candidate(start, end, actor_id, "alias" if kind == "weak" else kind,
                                 entry.get("affiliation"), weak=kind == "weak"))
        return out

    def _filter_context(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        kept = []
        for cand in cands:
            prev = doc[cand.start - 1] if cand.start > 0 else None
            nxt = doc[cand.end] if cand.end < len(doc) else None
            first = doc[cand.start]
            if cand.kind == "metonym":
                before = prev
                if before is not None and before.lower_ == "the" and before.i > 0:
                    before = doc[before.i - 1]
                if before is not None and before.lower_ in _PLACE_PREPOSITIONS:
                    continue
                if prev is not None and _is_cap(prev) and not _sentence_start(prev) and prev.lower_ != "the":
                    continue
                if nxt is not None and (_is_cap(nxt) and not nxt.is_sent_start or nxt.like_num
                                        or nxt.lower_ in _EVENT_NOUNS):
                    continue
            if cand.kind == "alias" and doc[cand.end - 1].lower_ in {"members", "member"} \
                    and prev is not None and prev.lower_ in _PREDICATIVE:
                # "would become NATO members": the organisation, not its members
                cand.end -= 1
            if cand.weak:
                text = doc[cand.start:cand.end].text
                if prev is not None and _is_cap(prev) and not _sentence_start(prev) and prev.lower_ != "the":
                    continue
                if nxt is not None and _is_cap(nxt) and nxt.text not in {"’s", "'s"} and not nxt.is_sent_start:
                    continue
                if text.lower() == "allies":
                    if prev is None or prev.lower_ not in _ALLIES_BEFORE:
                        continue
                    if nxt is not None and nxt.lower_ == "of":
                        continue
                if text == "West" and (prev is None or prev.lower_ not in {"the", "collective"}):
                    continue
            kept.append(cand)
        return kept

    def _owner_before(self, doc: Doc, start: int, cands: list[Candidate]) -> Candidate | None:
        for cand in cands:
            if cand.end == start and self.gazetteer.get(cand.actor_id, {}).get("type") in {"state", "organisation"}:
                return cand
        return None

    def _bodies(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        out = []
        states = sorted((c for c in cands if self.gazetteer.get(c.actor_id, {}).get("type") == "state"),
                        key=lambda c: c.start)
        for match_id, start, end in self.body_matcher(doc):
            slug = self.nlp.vocab.strings[match_id]
            owner = self._owner_before(doc, start, cands)
            if owner is not None:
                out.append(Candidate(owner.start, end, f"{owner.actor_id}:{slug}", "body"))
                continue
            # "Russia's Foreign Ministry": the owner is the possessor
            if start >= 2 and doc[start - 1].text in {"’s", "'s"}:
                owner = self._owner_before(doc, start - 1, cands)
                if owner is not None:
                    out.append(Candidate(start, end, f"{owner.actor_id}:{slug}", "body"))
                    continue
            # "the Foreign Ministry" alone: a ministry of the state last named
            name = doc[start:end].text
            if not slug.endswith("ministry") or any(c.start <= start < c.end for c in cands):
                continue
            if name[:1].isupper() and doc[start - 1].lower_ == "the" if start > 0 else False:
                previous = [c for c in states if c.end <= start]
                if previous:
                    out.append(Candidate(start, end, f"{previous[-1].actor_id}:{slug}", "body"))
        return out

    def _persons(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        out = []
        for match_id, start, end in self.title_matcher(doc):
            title = self.nlp.vocab.strings[match_id]
            # the title itself is capitalised when it introduces a name
            if not doc[start].text[:1].isupper() and title[:1].isupper():
                continue
            i = end
            name_end = i
            while i < len(doc) and i - end < 4:
                tok = doc[i]
                if _is_cap(tok) and "’" not in tok.text or (tok.lower_ in _NAME_PARTICLES and i > end):
                    i += 1
                    name_end = i
                elif tok.text == "-" and i + 1 < len(doc) and _is_cap(doc[i + 1]) and i > end:
                    i += 2
                    name_end = i
                else:
                    break
            while name_end > end and doc[name_end - 1].lower_ in _NAME_PARTICLES:
                name_end -= 1
            if name_end == end:
                continue
            name = doc[end:name_end]
            # a gazetteer name right after a title is not a person ("President of Russia")
            if any(c.start == end and c.kind in {"alias", "demonym"} and
                   self.gazetteer[c.actor_id]["type"] != "person" for c in cands):
                continue
            if len(name) == 1 and name[0].lower_ in {"of", "and"}:
                continue
            known = next((c for c in cands if c.start == end and c.kind == "alias"
                          and self.gazetteer[c.actor_id]["type"] == "person"), None)
            actor_id = known.actor_id if known else f"person:{slugify(name.text)}"
            affiliation = self._affiliation_before(doc, start, cands) or \
                self._title_affiliation.get(title.lower()) or (known.affiliation if known else None)
            if known and known.affiliation:
                affiliation = known.affiliation
            out.append(Candidate(name.start, name.end, actor_id, "person", affiliation))
        return out

    def _affiliation_before(self, doc: Doc, start: int, cands: list[Candidate]) -> str | None:
        j = start
        if j > 0 and doc[j - 1].text in {"’s", "'s"}:
            j -= 1
        for cand in cands:
            if cand.end == j and self.gazetteer.get(cand.actor_id, {}).get("type") in {"state", "organisation"}:
                return cand.actor_id
        return None

    def _surnames(self, doc: Doc, kept: list[Candidate], inside: set[int]) -> list[Candidate]:
        """A person named in full may later be mentioned by surname alone."""
        surnames = {}
        for cand in kept:
            if cand.kind == "person" and cand.end - cand.start >= 2:
                surnames.setdefault(doc[cand.end - 1].text, cand)
        if not surnames:
            return kept
        taken = {i for c in kept for i in range(c.start, c.end)}
        extra = []
        for token in doc:
            cand = surnames.get(token.text)
            if cand and token.i >= cand.end and token.i not in taken and token.i in inside:
                extra.append(Candidate(token.i, token.i + 1, cand.actor_id, "person", cand.affiliation))
        return sorted(kept + extra, key=lambda c: c.start)

    def _backrefs(self, doc: Doc, kept: list[Candidate]) -> list[Candidate]:
        out = []
        for token in doc:
            spec = self.backref_nouns.get(token.lower_)
            if spec is None or token.i == 0 or doc[token.i - 1].lower_ != "the":
                continue
            if token.i + 1 < len(doc) and _is_cap(doc[token.i + 1]):
                continue
            previous = [c for c in kept if c.end <= token.i]
            for cand in reversed(previous):
                entry = self.gazetteer.get(cand.actor_id, {})
                kind = entry.get("type") or ("body" if ":" in cand.actor_id else None)
                if cand.kind == "body":
                    kind = "body"
                if kind != spec["type"]:
                    continue
                if spec.get("slug_contains") and spec["slug_contains"] not in cand.actor_id:
                    continue
                if spec.get("prefer") and cand.actor_id not in spec["prefer"]:
                    continue
                out.append(Candidate(token.i, token.i + 1, cand.actor_id, "backref", cand.affiliation))
                break
        return out

    # -- writing --------------------------------------------------------------
    def set_annotations(self, doc: Doc, cands: list[Candidate]) -> None:
        spans = []
        affiliations = {}
        for cand in cands:
            entry = self.gazetteer.get(cand.actor_id)
            actor_type = entry["type"] if entry else ("person" if cand.kind == "person" else "body")
            if cand.actor_id.startswith("group:"):
                actor_type = "group"
            # id_ keeps how the mention was found (alias, demonym, metonym, body, person, backref)
            span = Span(doc, cand.start, cand.end, label=actor_type, kb_id=cand.actor_id, span_id=cand.kind)
            span._.source = "rule"
            span._.confidence = _CONFIDENCE["weak" if cand.weak else cand.kind]
            if actor_type == "person":
                span._.affiliation = cand.affiliation
                if cand.affiliation:
                    affiliations[cand.actor_id] = cand.affiliation
            spans.append(span)
        doc.spans[ACTORS_KEY] = spans
        doc._.affiliations = affiliations

    # -- serialisation --------------------------------------------------------
    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "gazetteer.json", {
            "gazetteer": self.gazetteer, "bodies": self.bodies,
            "titles": self.titles, "backrefs": self.backrefs,
        })

    def from_disk(self, path, *, exclude=tuple()) -> "ActorTagger":
        data = srsly.read_json(ensure_path(path) / "gazetteer.json")
        self.gazetteer, self.bodies = data["gazetteer"], data["bodies"]
        self.titles, self.backrefs = data["titles"], data["backrefs"]
        self._build_matchers()
        return self


def actor_root(span: Span) -> str:
    """The root of a mention's actor id (see ANNOTATION_GUIDE.md, Actor ids)."""
    return root_of(span.kb_id_, span._.affiliation)


@Language.factory("policy_actors", default_config={"confidence_floor": 0.0})
def make_actor_tagger(nlp: Language, name: str, confidence_floor: float) -> ActorTagger:
    return ActorTagger(nlp, name, confidence_floor=confidence_floor)
