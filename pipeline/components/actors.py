"""The actor tagger: gazetteer matches, state bodies, persons, short forms and back-references.

The words it reads around a mention are data (resources/actor_context.json,
short_forms.json, backrefs.json, person_titles.json, body_names.json); each kind
of match has a confidence (``_CONFIDENCE``) and ``confidence_floor`` drops the
kinds below it.

Writes ``doc.spans["actors"]``: ``kb_id_`` is the canonical actor id,
``label_`` the actor type; ``Span._.affiliation`` holds a person's affiliation.
Only the annotated segments (title, lead, paragraphs) are tagged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import srsly
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from .. import extensions  # noqa: F401
from ..layout import ANNOTATED_KINDS
from ..resources import (
    load_actor_context, load_backrefs, load_body_names, load_gazetteer, load_person_titles,
    load_short_forms, root_of, actor_type_of,
)
from .segmenter import SEGMENTS_KEY
from .tokens import DocTokens, Sentences, doc_tokens

ACTORS_KEY = "actors"

_KIND_PRIORITY = {"body": 6, "person": 5, "alias": 4, "demonym": 3, "metonym": 2, "short": 1, "backref": 1}
#: How sure each kind of match is; ``confidence_floor`` drops the kinds below it.
_CONFIDENCE = {"body": 0.9, "person": 0.85, "alias": 0.95, "weak": 0.8, "demonym": 0.9,
               "metonym": 0.75, "backref": 0.7, "surname": 0.8, "short": 0.7, "apposition": 0.75}
_POSSESSIVE = {"’s", "'s", "’", "'"}
_ORG_TYPES = {"state", "organisation", "group"}
_NOT_BEFORE_A_NAME = {"the", "a", "an", "at", "in", "on", "of", "for", "from", "into", "this", "that"}


@dataclass
class Candidate:
    start: int
    end: int
    actor_id: str
    kind: str
    affiliation: str | None = None
    weak: bool = False
    how: str = ""  # finer than kind, for the confidence: weak, surname, apposition

    @property
    def confidence(self) -> float:
        return _CONFIDENCE[self.how or self.kind]


def slugify(text: str) -> str:
    """``"Aleksandar Vučić"`` -> ``"aleksandar-vucic"``; ``"David O’Sullivan"`` -> ``"david-osullivan"``."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "").replace(".", "")).strip("-")


_OPENING = {"“", '"', "(", "‘"}


class _View:
    """What the rules read of a Doc's tokens, as plain lists (see ``tokens.py``):
    no Token objects are built."""

    __slots__ = ("n", "words", "lower", "is_alpha", "is_stop", "is_punct", "like_num", "sent_start",
                 "tokens", "sentences")

    def __init__(self, doc: Doc) -> None:
        t: DocTokens = doc_tokens(doc)
        self.tokens = t
        self.n = t.n
        self.words, self.lower = t.words, t.lower
        self.is_alpha, self.is_stop, self.is_punct, self.like_num = t.is_alpha, t.is_stop, t.is_punct, t.like_num
        self.sentences = Sentences(doc)
        self.sent_start = self.sentences.starts

    def cap(self, i: int) -> bool:
        """``token.text[:1].isupper() and token.is_alpha``."""
        return self.words[i][:1].isupper() and self.is_alpha[i]

    def starts_sentence(self, i: int) -> bool:
        """A sentence start, the document start, or right after an opening quote or bracket."""
        return self.sent_start[i] or i == 0 or self.words[i - 1] in _OPENING

    def sent(self, i: int) -> tuple[int, int]:
        """``(doc[i].sent.start, doc[i].sent.end)``."""
        return self.sentences.of(i)


def _annotated_ranges(doc: Doc) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in doc.spans.get(SEGMENTS_KEY, []) if s.label_ in ANNOTATED_KINDS]


def _resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    cands.sort(key=lambda c: (-(c.end - c.start), -_KIND_PRIORITY[c.kind], c.start))
    taken: set[int] = set()
    kept = []
    for cand in cands:
        start, end = cand.start, cand.end
        if end - start == 1:
            if start in taken:
                continue
            taken.add(start)
        else:
            tokens = range(start, end)
            if not taken.isdisjoint(tokens):
                continue
            taken.update(tokens)
        kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


class ActorTagger:
    """Tags actor mentions with canonical ids from the gazetteer (see resources/)."""

    def __init__(self, nlp: Language, name: str = "policy_actors", *, confidence_floor: float = 0.0) -> None:
        if not 0.0 <= confidence_floor <= 1.0:
            raise ValueError(f"policy_actors: confidence_floor must be within 0-1, got {confidence_floor}")
        self.nlp = nlp
        self.name = name
        self.confidence_floor = confidence_floor
        self.gazetteer: dict[str, dict] = {}
        self.bodies: list[dict] = []
        self.titles: list[dict] = []
        self.backrefs: list[dict] = []
        self.short_forms: list[dict] = []
        self.context: dict[str, list[str]] = {}
        self._build_matchers()

    # -- data -----------------------------------------------------------------
    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Load the gazetteer and lexicons from the package resources."""
        self.gazetteer = load_gazetteer()
        self.bodies = load_body_names()
        self.titles = load_person_titles()
        self.backrefs = load_backrefs()
        self.short_forms = load_short_forms()
        self.context = load_actor_context()
        self._build_matchers()

    def _build_matchers(self) -> None:
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.body_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.title_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.cue_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self._not_name: set[int] = set()  # per document, set by find()
        self._v: _View | None = None  # per document, set by find()
        self._maps, self._maps_of, self._maps_len = None, None, -1  # see _owner_maps
        self._match_names: dict[int, tuple[str, str]] = {}  # gazetteer match id -> (kind, actor id)
        self.backref_nouns: dict[str, list[dict]] = {}
        for spec in self.backrefs:
            self.backref_nouns.setdefault(spec["noun"].lower(), []).append(spec)
        ctx = {key: set(values) for key, values in self.context.items()}
        self._ctx = {key: ctx.get(key, set()) for key in (
            "place_prepositions", "acting_prepositions", "acting_heads", "event_nouns", "predicative",
            "name_particles", "name_suffixes", "non_names", "allies_before", "geo_suffixes", "law_nouns",
            "title_modifiers", "role_nouns", "reporting_verbs", "analyst_roles")}
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
        self._title_words = {t["title"].split()[0].lower() for t in self.titles}
        # words that start the context rules: short forms, back-references, role nouns, reporting verbs
        for i, form in enumerate(self.short_forms):
            self.cue_matcher.add(f"short|{i}", [make(form["form"])])
        for noun in self.backref_nouns:
            self.cue_matcher.add(f"backref|{noun}", [make(noun), make(noun.capitalize())])
        for word in self._ctx["role_nouns"] | self._ctx["reporting_verbs"]:
            self.cue_matcher.add(f"cue|{word.lower()}", [make(word), make(word.capitalize())])

    # -- finding --------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.find(doc))
        return doc

    def find(self, doc: Doc) -> list[Candidate]:
        """All mentions in the annotated segments. Mentions elsewhere (headings, the
        date line) are found too, as referents for short forms, and then dropped."""
        inside = set()
        for a, b in _annotated_ranges(doc):
            inside.update(range(a, b))
        self._v = _View(doc)
        self._maps, self._maps_of = None, None
        raw = self._gazetteer_matches(doc)
        # tokens of places, states and organisations are no part of a personal name
        self._not_name = {i for c in raw if self.gazetteer.get(c.actor_id, {}).get("type") != "person"
                          for i in range(c.start, c.end)}
        cands = self._filter_context(doc, raw)
        cands += self._bodies(doc, cands)
        cues = [(self.nlp.vocab.strings[m].split("|", 1), s, e) for m, s, e in self.cue_matcher(doc)]
        cands += self._persons(doc, cands)
        kept = _resolve_overlaps(cands)
        kept = _resolve_overlaps(kept + self._appositions(doc, kept, cues))
        kept = self._surnames(doc, kept)
        kept = _resolve_overlaps(kept + self._short_forms(doc, kept, cues))
        kept = _resolve_overlaps(kept + self._backrefs(doc, kept, raw, cues))
        return [c for c in kept if c.start in inside and c.confidence >= self.confidence_floor]

    def _gazetteer_matches(self, doc: Doc) -> list[Candidate]:
        out = []
        names = self._match_names
        for match_id, start, end in self.matcher(doc):
            name = names.get(match_id)
            if name is None:
                name = names[match_id] = tuple(self.nlp.vocab.strings[match_id].split("|", 1))
            kind, actor_id = name
            entry = self.gazetteer.get(actor_id, {})
            out.append(Candidate(start, end, actor_id, "alias" if kind == "weak" else kind,
                                 entry.get("affiliation"), weak=kind == "weak",
                                 how="weak" if kind == "weak" else ""))
        return out

    def _type(self, cand: Candidate) -> str | None:
        if cand.kind == "body":
            return "body"
        return self.gazetteer.get(cand.actor_id, {}).get("type")

    def _coordination_head(self, doc: Doc, i: int, end: int) -> int:
        """The token before a coordination of names that ends at ``i``
        ('visited Astana, Bishkek and Yerevan' -> 'visited' for each); the token
        before ``i`` when ``i`` is no conjunct ('fighting in Ukraine, Moscow said')."""
        v = self._v
        words, lower = v.words, v.lower
        prev = words[i - 1] if i > 0 else ""
        nxt = words[end] if end < v.n else ""
        if not (prev in {"and", "or"} or prev == "," and nxt in {",", "and", "or"}):
            j = i - 1
            return j - 1 if j >= 0 and lower[j] == "the" else j
        j, seen_conj = i - 1, False
        while j >= 0 and i - j <= 10:
            if words[j] in {",", "and", "or"}:
                seen_conj = True
            elif not (v.cap(j) or lower[j] == "the"):
                break
            j -= 1
        if not seen_conj:
            j = i - 1
        if j >= 0 and lower[j] == "the":
            j -= 1
        return j

    def _capital_acts(self, doc: Doc, cand: Candidate) -> bool:
        """Whether a capital (or seat of power) stands for its state here."""
        ctx = self._ctx
        v = self._v
        words, lower = v.words, v.lower
        p = cand.start - 1 if cand.start > 0 else None
        x = cand.end if cand.end < v.n else None
        if p is not None and v.cap(p) and not v.starts_sentence(p) and lower[p] != "the":
            return False  # inside a longer name
        if x is not None and (v.cap(x) and not v.sent_start[x] or v.like_num[x]
                              or lower[x] in ctx["event_nouns"]):
            return False  # "the Minsk agreements", "a London think tank"
        if x is not None and words[x] in {"-", "–"} and cand.end + 1 < v.n \
                and lower[cand.end + 1] in ctx["event_nouns"]:
            return False  # "a Beirut-based centre"
        j = self._coordination_head(doc, cand.start, cand.end)
        if j < 0:
            return True
        if lower[j] not in ctx["place_prepositions"]:
            return True
        # "support from Washington", "arms sales to Taipei", "those of Moscow": the state acts
        return lower[j] in ctx["acting_prepositions"] and j > 0 and lower[j - 1] in ctx["acting_heads"]

    def _filter_context(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        ctx = self._ctx
        kept = []
        v = self._v
        words, lower = v.words, v.lower
        demonym_at = {c.start: c for c in cands if c.kind == "demonym"}
        for cand in cands:
            p = cand.start - 1 if cand.start > 0 else None
            x = cand.end if cand.end < v.n else None
            if cand.kind == "metonym" and not self._capital_acts(doc, cand):
                continue
            if self.gazetteer.get(cand.actor_id, {}).get("type") == "state" and cand.kind in {"alias", "demonym"}:
                if x is not None and words[x] in ctx["geo_suffixes"] and p is not None \
                        and v.cap(p) and not v.starts_sentence(p):
                    continue  # "the South China Sea" (but "the Taiwan Strait" names Taiwan)
                if self._in_law_name(doc, cand.end):
                    continue  # "the Taiwan Relations Act"
            if cand.kind == "demonym" and self._ethnic_pair(doc, cand, demonym_at):
                continue  # "Bosnian Croats", "Bosnian Serbs": a people, not a state
            if cand.kind == "alias" and lower[cand.end - 1] in {"members", "member"} \
                    and p is not None and lower[p] in ctx["predicative"]:
                # "would become NATO members": the organisation, not its members
                cand.end -= 1
            if cand.weak:
                text = v.tokens.span_text(cand.start, cand.end)
                if p is not None and v.cap(p) and not v.starts_sentence(p) and lower[p] != "the":
                    continue
                if x is not None and v.cap(x) and words[x] not in {"’s", "'s"} and not v.sent_start[x]:
                    continue
                if text.lower() == "allies":
                    # "Allies agreed ..." opens a sentence of an alliance's statement
                    opens = text == "Allies" and v.starts_sentence(cand.start)
                    if not opens and (p is None or lower[p] not in ctx["allies_before"]):
                        continue
                    if x is not None and lower[x] == "of":
                        continue
                if text == "West" and (p is None or lower[p] not in {"the", "collective"}):
                    continue
            kept.append(cand)
        return kept

    def _in_law_name(self, doc: Doc, i: int) -> bool:
        """Whether capitalised words from ``i`` end in a law noun ('Relations Act')."""
        v = self._v
        for k in range(i, min(i + 4, v.n)):
            if v.words[k] in self._ctx["law_nouns"]:
                return True
            if not v.cap(k):
                return False
        return False

    def _ethnic_pair(self, doc: Doc, cand: Candidate, demonym_at: dict[int, Candidate]) -> bool:
        """A demonym followed by a plural demonym ('Bosnian Croats'), either part."""
        words = self._v.words
        nxt = demonym_at.get(cand.end)
        if nxt is not None and words[nxt.end - 1].endswith("s"):
            return True
        return any(c.end == cand.start for c in demonym_at.values()) and words[cand.end - 1].endswith("s") \
            and words[cand.start][:1].isupper()

    def _owner_before(self, doc: Doc, start: int, cands: list[Candidate]) -> Candidate | None:
        for cand in cands:
            if cand.end == start and self.gazetteer.get(cand.actor_id, {}).get("type") in {"state", "organisation"}:
                return cand
        return None

    def _bodies(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        out = []
        states = sorted((c for c in cands if self.gazetteer.get(c.actor_id, {}).get("type") == "state"),
                        key=lambda c: c.start)
        words = self._v.words
        for match_id, start, end in self.body_matcher(doc):
            slug = self.nlp.vocab.strings[match_id]
            owner = self._owner_before(doc, start, cands)
            if owner is not None:
                out.append(Candidate(owner.start, end, f"{owner.actor_id}:{slug}", "body"))
                continue
            # "Russia's Foreign Ministry": the owner is the possessor
            if start >= 2 and words[start - 1] in {"’s", "'s"}:
                owner = self._owner_before(doc, start - 1, cands)
                if owner is not None:
                    out.append(Candidate(start, end, f"{owner.actor_id}:{slug}", "body"))
                    continue
            # "the Foreign Ministry" alone: a ministry of the state last named
            name = self._v.tokens.span_text(start, end)
            if not slug.endswith("ministry") or any(c.start <= start < c.end for c in cands):
                continue
            if name[:1].isupper() and self._v.lower[start - 1] == "the" if start > 0 else False:
                previous = [c for c in states if c.end <= start]
                if previous:
                    out.append(Candidate(start, end, f"{previous[-1].actor_id}:{slug}", "body"))
        return out

    # -- persons --------------------------------------------------------------
    def _name_token(self, i: int) -> bool:
        """Whether token ``i`` can be part of a personal name."""
        text = self._v.words[i]
        if not text[:1].isupper() or text.endswith(("’s", "'s")) or text in self._ctx["non_names"]:
            return False
        if len(text) == 2 and text[1] == ".":
            return True  # an initial: "Antony J. Blinken"
        return any(ch.islower() for ch in text) and all(ch.isalpha() or ch in "’'-" for ch in text)

    def _scan_name(self, doc: Doc, i: int, limit: int = 4) -> int:
        """The end of a personal name starting at ``i`` (``i`` when there is none)."""
        v = self._v
        n, words, lower = v.n, v.words, v.lower
        particles = self._ctx["name_particles"]
        start, end = i, i
        if i >= n or v.is_stop[i] or i in self._not_name:
            return i  # "In Berlin, ...", "On Monday, ..."
        while i < n and i - start < limit:
            if i in self._not_name:
                break
            if self._name_token(i) or (lower[i] in particles and i > start):
                i += 1
                end = i
            elif words[i] == "-" and i > start and i + 1 < n and v.cap(i + 1):
                i += 2
                end = i
            else:
                break
        while end > start and lower[end - 1] in particles:
            end -= 1
        if end > start + 1 and end < n and words[end] in self._ctx["name_suffixes"]:
            end += 1  # "Ferdinand Marcos Jr."
        return end

    def _person_id(self, doc: Doc, start: int, end: int) -> tuple[str, str | None]:
        """The id of a name, and the affiliation the gazetteer knows for it."""
        words = [w for w in self._v.words[start:end] if not (len(w) == 2 and w[1] == ".")]
        actor_id = f"person:{slugify(' '.join(words))}"
        entry = self.gazetteer.get(actor_id)
        return actor_id, entry.get("affiliation") if entry else None

    def _persons(self, doc: Doc, cands: list[Candidate]) -> list[Candidate]:
        out = []
        matches = {}
        words, lower = self._v.words, self._v.lower
        for match_id, start, end in self.title_matcher(doc):
            title = self.nlp.vocab.strings[match_id]
            # a title written with a capital introduces a name only when capitalised in the text
            if words[start][:1].isupper() or not title[:1].isupper():
                matches[(start, end)] = title
        title_starts = {s for s, _e in matches}
        for (start, end), title in sorted(matches.items()):
            first = end
            # "Israel's defence minister, Yoav Gallant": a comma may stand between them
            comma = first < self._v.n and words[first] == ","
            if comma:
                first += 1
            if first in title_starts:
                continue  # "Secretary General Jens ...": the longer title introduces the name
            name_end = self._scan_name(doc, first)
            if name_end == first or comma and name_end - first < 2:
                continue
            # a gazetteer name right after a title is not a person ("President of Russia")
            if any(c.start == first and c.kind in {"alias", "demonym", "metonym"} and
                   self.gazetteer[c.actor_id]["type"] != "person" for c in cands):
                continue
            if name_end - first == 1 and lower[first] in {"of", "and"}:
                continue
            known = next((c for c in cands if c.start == first and c.kind == "alias"
                          and self.gazetteer[c.actor_id]["type"] == "person"), None)
            if known:
                actor_id, affiliation = known.actor_id, known.affiliation
                name_end = max(name_end, known.end)
            else:
                actor_id, affiliation = self._person_id(doc, first, name_end)
            affiliation = affiliation or self._affiliation_before(doc, start, cands) \
                or self._affiliation_after(doc, name_end, cands) \
                or self._title_affiliation.get(title.lower()) \
                or self._affiliation_nearby(doc, first, name_end, cands)
            out.append(Candidate(first, name_end, actor_id, "person", affiliation))
        return out

    def _owner_of(self, cand: Candidate) -> str | None:
        """The id a person can be affiliated with: a state, organisation or group, or a body's owner."""
        kind = self._type(cand)
        if kind in _ORG_TYPES:
            return cand.actor_id
        if kind == "body":
            return root_of(cand.actor_id)
        return None

    def _owner_maps(self, cands: list[Candidate]) -> tuple[dict, dict, list[Candidate]]:
        """Candidates that can own a person, by end and by start, and the states and
        bodies in text order; computed once per candidate list (``_persons`` asks for
        each title it finds)."""
        if self._maps_of is not cands or self._maps_len != len(cands):
            ends = {c.end: c for c in cands if self._owner_of(c)}
            starts = {c.start: c for c in cands if self._owner_of(c)}
            owners = sorted((c for c in cands if self._type(c) in {"state", "body"}), key=lambda c: c.start)
            self._maps, self._maps_of, self._maps_len = (ends, starts, owners), cands, len(cands)
        return self._maps

    def _affiliation_before(self, doc: Doc, start: int, cands: list[Candidate]) -> str | None:
        """'Polish President', "Israel's defence minister", 'Lithuanian Energy Minister'."""
        v = self._v
        ends = self._owner_maps(cands)[0]
        j = start
        for _ in range(4):
            if j in ends:
                return self._owner_of(ends[j])
            if j > 0 and v.words[j - 1] in _POSSESSIVE:
                j -= 1
                continue
            if j > 0 and (v.lower[j - 1] in self._ctx["title_modifiers"]
                          or v.cap(j - 1) and not v.starts_sentence(j - 1)):
                j -= 1
                continue
            break
        return ends[j].actor_id if j in ends and self._owner_of(ends[j]) else None

    def _affiliation_after(self, doc: Doc, end: int, cands: list[Candidate]) -> str | None:
        """'Yoshimasa Hayashi of Japan', 'Vanessa Frazier (Malta)',
        'Milorad Dodik, the President of Republika Srpska', 'X, Russia’s ambassador'."""
        v = self._v
        n, words, lower = v.n, v.words, v.lower
        starts = self._owner_maps(cands)[1]
        if end < n and lower[end] in {"of", "("}:
            k = end + 1 + (end + 1 < n and lower[end + 1] == "the")
            if k in starts:
                return self._owner_of(starts[k])
        if end < n and words[end] == ",":
            k = end + 1 + (end + 1 < n and lower[end + 1] == "the")
            if k in starts and starts[k].end < n and words[starts[k].end] in _POSSESSIVE:
                return self._owner_of(starts[k])
            # ", the President of X"
            for m in range(k, min(k + 4, n - 1)):
                if lower[m] == "of" and m + 1 in starts:
                    return self._owner_of(starts[m + 1])
                if lower[m] == "of" and m + 2 in starts and lower[m + 1] == "the":
                    return self._owner_of(starts[m + 2])
                if v.is_punct[m]:
                    break
        return None

    def _affiliation_nearby(self, doc: Doc, start: int, end: int, cands: list[Candidate]) -> str | None:
        """A titled person with no owner in the phrase: the nearest state or body in
        the same sentence (before, then after), else in the next sentence, else in the
        one before ('caretaker Prime Minister Najib Mikati. Mikati said Lebanon ...')."""
        v = self._v
        sent_start, sent_end = v.sent(start)
        owners = self._owner_maps(cands)[2]
        before = [c for c in owners if sent_start <= c.start and c.end <= start]
        if before:
            return self._owner_of(before[-1])
        if sent_end < v.n:
            nxt_start, nxt_end = v.sent(sent_end)
            found = [c for c in owners if nxt_start <= c.start < nxt_end]
            if found:
                return self._owner_of(found[0])
        if sent_start > 0:
            prv_start, prv_end = v.sent(sent_start - 1)
            found = [c for c in owners if prv_start <= c.start < prv_end]
            if found:
                return self._owner_of(found[-1])
        after = [c for c in owners if end <= c.start < sent_end]
        return self._owner_of(after[0]) if after else None

    def _appositions(self, doc: Doc, kept: list[Candidate], cues) -> list[Candidate]:
        """Persons named without a title: 'said Laura Brenner, a ... analyst',
        'Enrique Mora, the EU official', 'Nikolai Korchunov, Russia’s ambassador'."""
        out = []
        v = self._v
        n, words, lower = v.n, v.words, v.lower
        taken = {i for c in kept for i in range(c.start, c.end)}
        role_nouns, analyst = self._ctx["role_nouns"], self._ctx["analyst_roles"]
        cands_at: dict[int, list[Candidate]] = {}
        for cand in kept:
            cands_at.setdefault(cand.start, []).append(cand)
        for (kind, word), s, _e in cues:
            if kind != "cue":
                continue
            if word in self._ctx["reporting_verbs"]:
                # "said Laura Brenner, a ..."
                first = s + 1
                name_end = self._scan_name(doc, first)
                if name_end - first >= 2 and name_end < n and words[name_end] in {",", "."} \
                        and taken.isdisjoint(range(first, name_end)):
                    role = self._role_after(doc, name_end, cands_at)
                    actor_id, affiliation = self._person_id(doc, first, name_end)
                    if role and role[0] not in analyst and not affiliation:
                        affiliation = role[1]
                    out.append(Candidate(first, name_end, actor_id, "person", affiliation, how="apposition"))
                    taken.update(range(first, name_end))
                continue
            if word not in role_nouns:
                continue
            # "<Name>, (the|a|an)? (<owner>('s)?)? ... <role>": look back for the comma and the name
            k = s - 1
            while k > 0 and s - k <= 6 and words[k] != "," and not v.sent_start[k] \
                    and words[k] not in {".", ";", ":", "(", ")", "“", "”", '"'}:
                k -= 1
            if k <= 0 or words[k] != ",":
                continue
            first = k - 1
            while first > 0 and k - first < 4 and self._name_token(first - 1):
                first -= 1
            while first < k and not self._name_token(first):
                first += 1
            name_end = self._scan_name(doc, first)
            if name_end != k or k - first < 2 or not taken.isdisjoint(range(first, k)):
                continue
            if first > 0 and (v.cap(first - 1) and not v.starts_sentence(first - 1)
                              or lower[first - 1] in _NOT_BEFORE_A_NAME):
                continue  # "the Munich Security Conference, ..." names no person
            role = self._role_after(doc, k, cands_at)
            if role is None:
                continue
            actor_id, affiliation = self._person_id(doc, first, k)
            if not affiliation and role[0] not in analyst:
                affiliation = role[1]
            out.append(Candidate(first, k, actor_id, "person", affiliation, how="apposition"))
            taken.update(range(first, k))
        return out

    def _role_after(self, doc: Doc, comma: int, cands_at: dict[int, list[Candidate]]) -> tuple[str, str | None] | None:
        """After ', ' a role noun within a few words, and the owner named before it:
        (role, owner id or None)."""
        v = self._v
        n, words, lower = v.n, v.words, v.lower
        if comma >= n or words[comma] != ",":
            return None
        owner = None
        for m in range(comma + 1, min(comma + 8, n)):
            if v.is_punct[m] and words[m] not in {"-", "’s", "'s"} or lower[m] in {"who", "which", "said", "says"}:
                return None
            if lower[m] in self._ctx["role_nouns"]:
                if m + 1 < n and self._name_token(m + 1):
                    return None  # "..., U.S. Vice President JD Vance": the title of the next name
                if owner is None and m + 2 < n and lower[m + 1] == "of":
                    # "the President of Republika Srpska"
                    j = m + 2 + (lower[m + 2] == "the")
                    owner = next((self._owner_of(c) for c in cands_at.get(j, [])), None)
                return lower[m], owner
            if owner is None:
                for cand in cands_at.get(m, []):
                    owner = self._owner_of(cand)
        return None

    def _surnames(self, doc: Doc, kept: list[Candidate]) -> list[Candidate]:
        """A person named in full may be mentioned by surname alone, before (a headline)
        or after."""
        words = self._v.words
        surnames: dict[str, Candidate] = {}
        for cand in kept:
            if cand.kind == "person" and cand.end - cand.start >= 2:
                last = words[cand.end - 1]
                if last in self._ctx["name_suffixes"] and cand.end - cand.start >= 3:
                    last = words[cand.end - 2]
                surnames.setdefault(last, cand)
        if not surnames:
            return kept
        taken = {i for c in kept for i in range(c.start, c.end)}
        extra = []
        for i, word in enumerate(words):
            if word in surnames and i not in taken:
                cand = surnames[word]
                extra.append(Candidate(i, i + 1, cand.actor_id, "person", cand.affiliation, how="surname"))
        return sorted(kept + extra, key=lambda c: c.start)

    # -- references -----------------------------------------------------------
    def _short_forms(self, doc: Doc, kept: list[Candidate], cues) -> list[Candidate]:
        """'the Council', 'Parliament', 'Members', 'the Government', 'Member States', 'the Mission'."""
        out = []
        v = self._v
        words, lower = v.words, v.lower
        taken = {i for c in kept for i in range(c.start, c.end)}
        roots_in_doc = {root_of(c.actor_id, c.affiliation) for c in kept}
        for (kind, index), start, end in cues:
            if kind != "short":
                continue
            spec = self.short_forms[int(index)]
            if not taken.isdisjoint(range(start, end)) or not words[start][:1].isupper():
                continue
            p = start - 1 if start > 0 else None
            x = end if end < v.n else None
            if p is not None and (v.cap(p) and not v.starts_sentence(p) and lower[p] != "the"
                                  or words[p] in _POSSESSIVE):
                continue  # part of a longer name, or someone's ("Russia's Government")
            if spec.get("require_the") and (p is None or lower[p] != "the"):
                continue
            span_end = end
            if x is not None and words[x] in spec.get("not_before", []):
                continue
            if x is not None and lower[x] == "of":
                # "Members of Congress": the body named after 'of'
                named = next((c for c in kept if c.start == end + 1), None)
                if named is None or not self._short_match(spec, named):
                    continue
                out.append(Candidate(start, named.end, named.actor_id, "short"))
                continue
            if x is not None and v.cap(x) and not v.sent_start[x] \
                    and lower[x] not in self._title_words:
                continue  # part of a longer name (but "Council President Vanessa Frazier")
            actor_id = self._short_referent(spec, kept, start, roots_in_doc)
            if actor_id:
                if spec.get("use_root"):
                    actor_id = root_of(actor_id)
                out.append(Candidate(start, span_end, actor_id, "short"))
        return out

    def _short_match(self, spec: dict, cand: Candidate) -> str | None:
        if cand.kind == "short":
            return None
        ident = cand.actor_id.lower()
        if any(part in ident for part in spec.get("id_contains", [])):
            return cand.actor_id
        if self._type(cand) in spec.get("types", []):
            return cand.actor_id
        via = spec.get("via", {}).get(root_of(cand.actor_id, cand.affiliation))
        return via if via and cand.kind != "person" else None

    def _short_referent(self, spec: dict, kept: list[Candidate], start: int, roots: set[str]) -> str | None:
        before = [m for c in kept if c.end <= start and (m := self._short_match(spec, c))]
        if before:
            return before[-1]
        after = [m for c in kept if c.start > start and (m := self._short_match(spec, c))]
        if after:
            return after[0]
        return next((actor_id for root, actor_id in spec.get("fallback", {}).items() if root in roots), None)

    def _anchored_state(self, doc: Doc, i: int, raw: list[Candidate], kept: list[Candidate]) -> str | None:
        """The state tied to a 'junta'/'regime' at token ``i``: 'Niger junta',
        "Mali's junta", 'the regime in Minsk'."""
        v = self._v
        j = i - 1
        if j >= 0 and v.words[j] in _POSSESSIVE:
            j -= 1
        for cand in kept:
            if cand.end == j + 1 and self._type(cand) == "state":
                return cand.actor_id
        if i + 2 < v.n and v.lower[i + 1] in {"in", "of"}:
            for cand in raw:
                if cand.start == i + 2 and self.gazetteer.get(cand.actor_id, {}).get("type") == "state":
                    return cand.actor_id
        return None

    def _backrefs(self, doc: Doc, kept: list[Candidate], raw: list[Candidate], cues) -> list[Candidate]:
        out = []
        v = self._v
        lower = v.lower
        taken = {i for c in kept for i in range(c.start, c.end)}
        anchors: list[tuple[int, str, str]] = []  # (token, noun, state)
        for (kind, noun), i, _e in sorted(cues, key=lambda m: m[1]):
            if kind != "backref" or i in taken:
                continue
            specs = self.backref_nouns[noun]
            if any(spec.get("anchor") for spec in specs):
                state = self._anchored_state(doc, i, raw, kept)
                if state:
                    anchors.append((i, noun, state))
                    if lower[i - 1] == "the" and lower[i + 1] in {"in", "of"}:
                        out.append(Candidate(i, i + 1, state, "backref"))
                    continue
            start = i
            modifiers = {m.lower() for spec in specs for m in spec.get("modifiers", [])}
            if start > 0 and lower[start - 1] in modifiers:
                start -= 1
            if start == 0 or lower[start - 1] != "the":
                continue
            if i + 1 < v.n and v.cap(i + 1):
                continue
            found = None
            if any(spec.get("anchor") for spec in specs):
                earlier = [state for k, n, state in anchors if n == noun and k < i]
                found = earlier[-1] if earlier else None
            if found is None:
                found = self._backref_referent(specs, [c for c in kept if c.end <= start])
            if found is not None:
                out.append(Candidate(start, i + 1, found.actor_id if isinstance(found, Candidate) else found,
                                     "backref", found.affiliation if isinstance(found, Candidate) else None))
        return out

    def _backref_referent(self, specs: list[dict], previous: list[Candidate]) -> Candidate | None:
        for cand in reversed(previous):
            kind = self._type(cand) or actor_type_of(cand.actor_id)
            for spec in specs:
                if kind != spec["type"]:
                    continue
                if spec.get("slug_contains") and spec["slug_contains"] not in cand.actor_id.lower():
                    continue
                if spec.get("prefer") and cand.actor_id not in spec["prefer"]:
                    continue
                if cand.actor_id in spec.get("exclude", []):
                    continue
                return cand
        return None

    # -- writing --------------------------------------------------------------
    def set_annotations(self, doc: Doc, cands: list[Candidate]) -> None:
        spans = []
        affiliations = {}
        # span._.x = value stores ("._.", "x", start_char, end_char) -> value in doc.user_data;
        # writing there directly saves an Underscore object per value
        data = doc.user_data
        tokens = doc_tokens(doc)
        idx, length = tokens.idx, tokens.length
        direct = all(Span.get_extension(name)[2] is None and Span.get_extension(name)[3] is None
                     for name in ("source", "confidence", "affiliation"))
        for cand in cands:
            entry = self.gazetteer.get(cand.actor_id)
            actor_type = entry["type"] if entry else actor_type_of(cand.actor_id)
            if cand.actor_id.startswith("group:"):
                actor_type = "group"
            # id_ keeps how the mention was found (alias, demonym, metonym, body, person, short, backref)
            span = Span(doc, cand.start, cand.end, label=actor_type, kb_id=cand.actor_id, span_id=cand.kind)
            if direct:
                start, end = idx[cand.start], idx[cand.end - 1] + length[cand.end - 1]
                data[("._.", "source", start, end)] = "rule"
                data[("._.", "confidence", start, end)] = cand.confidence
                if actor_type == "person":
                    data[("._.", "affiliation", start, end)] = cand.affiliation
            else:
                span._.source = "rule"
                span._.confidence = cand.confidence
                if actor_type == "person":
                    span._.affiliation = cand.affiliation
            if actor_type == "person" and cand.affiliation:
                affiliations[cand.actor_id] = cand.affiliation
            spans.append(span)
        doc.spans[ACTORS_KEY] = spans
        doc._.affiliations = affiliations

    # -- serialisation --------------------------------------------------------
    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "gazetteer.json", {
            "gazetteer": self.gazetteer, "bodies": self.bodies, "titles": self.titles,
            "backrefs": self.backrefs, "short_forms": self.short_forms, "context": self.context,
        })

    def from_disk(self, path, *, exclude=tuple()) -> "ActorTagger":
        data = srsly.read_json(ensure_path(path) / "gazetteer.json")
        self.gazetteer, self.bodies = data["gazetteer"], data["bodies"]
        self.titles, self.backrefs = data["titles"], data["backrefs"]
        # pipelines saved before these lexicons existed read today's package data
        self.short_forms = data.get("short_forms") or load_short_forms()
        self.context = data.get("context") or load_actor_context()
        self._build_matchers()
        return self


def actor_root(span: Span) -> str:
    """The root of a mention's actor id (see ANNOTATION_GUIDE.md, Actor ids)."""
    return root_of(span.kb_id_, span._.affiliation)


@Language.factory("policy_actors", default_config={"confidence_floor": 0.0})
def make_actor_tagger(nlp: Language, name: str, confidence_floor: float) -> ActorTagger:
    return ActorTagger(nlp, name, confidence_floor=confidence_floor)
