"""The demand tagger (ANNOTATION_GUIDE.md, DEMAND).

Finds cue words from ``resources/demand_cues.json`` and, for each, the frame
that fits: who demands (subject, passive agent, possessor, reporting speaker,
or the running demander of the paragraph), from whom (object, ``that``-clause
subject, ``from X``, else actors named in the content, else the addressees
last named), and what (the complement, split into distinct actions).
Negated, hypothetical and recommended demands are left out. Writes
``doc.spans["demands"]``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401
from ..layout import ANNOTATED_KINDS
from ..resources import RESOURCES, ResourceError, load_demand_cues
from .clauses import (
    CueLexiconStore, cut_parts,
    NEGATIONS, DocContext, actors_right, cited_source, clause_end, has_condition, is_gerund, trim_end,
    SKIP_BEFORE_VERB, _after_preposition, list_item, reported_speaker, roots, shared_subject, split_actions, subject_left,
)
from .dependency import DependencyRoles, load_dependency_patterns, mention_actors, subtree_span

DEMANDS_KEY = "demands"
FRAMES_FILE = RESOURCES / "demand_frames.json"


@lru_cache(maxsize=1)
def load_demand_frames() -> dict:
    """``resources/demand_frames.json``: condition markers and ultimatum words (one-line error naming the file)."""
    try:
        data = json.loads(FRAMES_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResourceError(f"{FRAMES_FILE}: cannot read ({type(err).__name__}: {err})") from None
    shape = {"conditions": ("markers", "skip"), "deadline": ("verbs", "nouns")}
    keys = set(shape) | {"collectives", "non_actor_subjects", "party_nouns"}
    if not isinstance(data, dict) or set(k for k in data if not k.startswith("_")) != keys:
        raise ResourceError(f"{FRAMES_FILE}: must be an object with the keys {sorted(keys)}")
    for key in ("non_actor_subjects", "party_nouns"):
        words = data[key]
        if not isinstance(words, list) or not all(isinstance(w, str) and w == w.lower() for w in words):
            raise ResourceError(f"{FRAMES_FILE}: {key!r} must be a list of lower-case strings")
    collectives = data["collectives"]
    if not isinstance(collectives, dict) or not all(
            isinstance(v, list) and len(v) > 1 and all(isinstance(x, str) for x in v) for v in collectives.values()):
        raise ResourceError(f"{FRAMES_FILE}: 'collectives' must map an actor id to a list of at least two member ids")
    for key, lists in shape.items():
        if not isinstance(data[key], dict) or set(data[key]) != set(lists):
            raise ResourceError(f"{FRAMES_FILE}: {key!r} must have exactly the keys {list(lists)}")
        for name in lists:
            words = data[key][name]
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w == w.lower() for w in words):
                raise ResourceError(f"{FRAMES_FILE}: {key}.{name} must be a non-empty list of lower-case strings")
    return data
_MODALS = {"may", "might", "would", "could", "will", "should", "must", "can", "shall"}
_PASSIVE_AUX = {"is", "was", "were", "are", "been", "being", "be"}
# Forms that are nouns as often as verbs: they need a subject right before them.
_AMBIGUOUS = {"demand", "demands", "request", "requests", "call", "calls", "appeal", "appeals",
              "offer", "offers", "want", "wants", "press", "push", "pressure", "pressures",
              "proposal", "proposals"}
_LIST_NUMBER = re.compile(r"^\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]?$")
# "X's demand that Y withdraw its troops was rejected": the main clause's verb ends the content.
_NOMINAL_TAIL_AUX = {"was", "were", "is", "are", "has", "have", "had", "remains", "remained", "will", "would"}
_GENERIC_QUANTIFIERS = {"all", "third", "other", "any", "every", "neighbouring", "neighboring", "external",
                        "regional", "international", "member", "concerned", "relevant"}
_PREPOSITIONS = {"of", "for", "on", "in", "with", "from", "about", "by", "at", "into", "over", "against"}
_PARTICIPIAL_OPENERS = {"while", "by", "after", "when", "in", "before", "besides", "also"}
# An object never starts with these: "the terms it proposes would be ..." is a relative clause.
_NOT_OBJECT = {"to", "that", "for", ",", ".", "would", "will", "is", "are", "was", "were", "could",
               "should", "may", "might", "can", "has", "have", "had", "be", "by", "in", "on", "at",
               "and", "or", "with", "as", "if", "when", "so", "'", "’", ")", ":", ";", "-", "—"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
# Words before a cue form that make it a noun: "the demands", "Russia’s demand", "a number of calls".
_BEFORE_NOUN = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my", "your",
                "’s", "'s", "of", "for", "on", "in", "to", "with", "by", "from", "at", "number", "such", "new",
                "further", "other", "many", "some", "any", "no", "several", "all", "and", "or", "key", "main",
                "western", "russian", "american", "chinese", "european", "repeated", "public", "formal"}
_THAT_SKIP = {"should", "must", "shall", "would", "immediately", "also", "urgently", "quickly",
              "fully", "not", "to", "be", "allowed", "promptly"}


@dataclass
class Demand:
    start: int
    end: int
    demander: str | None
    addressees: list[str]
    cue: str
    confidence: float
    conditional: bool = False
    explicit: list[str] = field(default_factory=list)


class DemandTagger(CueLexiconStore):
    """Tags demands: content spans with demander, addressees and cue."""

    load_cues = staticmethod(load_demand_cues)

    def _build(self) -> None:
        make = self.nlp.make_doc
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.frames: dict[str, list[str]] = {}
        for entry in self.cues["cues"]:
            self.matcher.add(entry["cue"], [make(f) for f in entry["forms"]])
            self.frames[entry["cue"]] = entry["frames"]
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.phrases.add("necessity", [make(p) for p in self.cues["necessity_cues"]])
        self.phrases.add("obligation", [make(p) for p in self.cues["obligation_cues"] if p != "must"])
        self.phrases.add("continuation", [make(p) for p in self.cues["continuation_cues"]])
        self.nouns = set(self.cues["nominal_cues"]["nouns"])
        self.reporting = set(self.cues["reporting_verbs"])
        frames = load_demand_frames()
        self.conditions = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.conditions.add("condition", [make(m) for m in frames["conditions"]["markers"]])
        self.condition_skip = set(frames["conditions"]["skip"])
        self.deadline_verbs = set(frames["deadline"]["verbs"])
        self.deadline_nouns = set(frames["deadline"]["nouns"])
        self.collectives = {frozenset(members): cid for cid, members in frames["collectives"].items()}
        self.non_actor_subjects = set(frames["non_actor_subjects"])
        self.party_nouns = set(frames["party_nouns"])
        self._dep_roles: dict[str, DependencyRoles] = {}
        self.use_syntax = load_dependency_patterns()["use"]

    def dependency_roles(self, doc: Doc) -> DependencyRoles | None:
        """The compiled dependency patterns for this document's label scheme (None: unparsed)."""
        from ..syntax import doc_scheme

        scheme = doc_scheme(doc)
        if scheme == "none":
            return None
        if scheme not in self._dep_roles:
            forms = [f for entry in self.cues["cues"] for f in entry["forms"]]
            self._dep_roles[scheme] = DependencyRoles(self.nlp.vocab, scheme, forms, [])
        return self._dep_roles[scheme]

    def _syntax_roles(self, ctx: DocContext, sent: Span, cue_i: int) -> dict | None:
        """Demander, addressees and content the dependency patterns give for the cue at
        ``cue_i`` (None when the sentence has no parse)."""
        from ..syntax import sentence_parsed

        if ctx.dep is None or not sentence_parsed(sent):
            if ctx.asked is not None:
                ctx.asked.add(sent.start)
            return None
        doc = ctx.doc
        out: dict = {"use": ctx.dep.use}
        for token_i in ctx.dep.roles(sent, "demander").get(cue_i, []):
            ids = mention_actors(ctx, doc[token_i])
            if ids:
                out["demander"] = ids
                break
        addressees: list[str] = []
        for token_i in ctx.dep.roles(sent, "addressee").get(cue_i, []):
            for actor in mention_actors(ctx, doc[token_i]):
                if actor not in addressees:
                    addressees.append(actor)
        out["addressees"] = addressees
        fillers = ctx.dep.roles(sent, "content").get(cue_i, [])
        if fillers:
            head = doc[fillers[0]]
            start, end = subtree_span(head, sent, skip_first={"to", "that"})
            subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubj:pass", "nsubjpass"}), None)
            if subject is not None and subject.right_edge.i < head.i:
                start = subject.right_edge.i + 1
            while start < end and doc[start].lower_ in {"should", "must", "shall", "would", "to", "not"}:
                start += 1
            out["content"] = (start, trim_end(doc, start, end))
        return out

    # -- finding --------------------------------------------------------------
    def find(self, doc: Doc, *, asked: set[int] | None = None) -> list[Demand]:
        """The demands of ``doc``; ``asked`` collects the starts of unparsed sentences where
        the dependency path was wanted."""
        ctx = DocContext(doc)
        ctx.asked = asked
        ctx.dep = self.dependency_roles(doc)
        if ctx.dep is not None:
            ctx.dep.reset()
        found: list[Demand] = []
        segments = [s for s in doc.spans.get("segments", []) if s.label_ in ANNOTATED_KINDS]
        cue_matches = sorted(self.matcher(doc), key=lambda m: (m[1], -m[2]))
        phrase_matches = sorted(self.phrases(doc), key=lambda m: m[1])
        condition_matches = sorted(self.conditions(doc), key=lambda m: (m[1], -m[2]))
        last_sent_with_demand: tuple[int, int] | None = None  # (segment index, sentence start)
        list_intro: tuple[str, list[str], str] | None = None
        for seg_index, segment in enumerate(segments):
            if list_intro is not None:
                item = list_item(doc, segment, skip={"to", "that"})
                if item is not None:
                    demander, addressees, cue = list_intro
                    parts = split_actions(doc, item[0], item[1])
                    found.extend(Demand(a, b, demander, list(addressees), cue, 0.55) for a, b in parts)
                    continue
                list_intro = None
            for sent in segment.sents:
                intro = self._list_intro(ctx, sent, _within(cue_matches, sent))
                if intro is not None:
                    list_intro = intro
                    continue
                sent_found: list[Demand] = []
                used: set[int] = set()
                for match_id, start, end in _within(cue_matches, sent):
                    if start in used:
                        continue
                    cue = self.nlp.vocab.strings[match_id]
                    prev_in_par = last_sent_with_demand is not None and last_sent_with_demand[0] == seg_index
                    demand = self._verb_cue(ctx, sent, cue, start, end, prev_in_par)
                    if demand:
                        sent_found.extend(demand)
                        used.update(range(start, end))
                for match_id, start, end in _within(phrase_matches, sent):
                    kind = self.nlp.vocab.strings[match_id]
                    prev_in_par = last_sent_with_demand is not None and last_sent_with_demand[0] == seg_index
                    sent_found.extend(self._phrase_cue(ctx, sent, kind, start, end, prev_in_par))
                sent_found.extend(self._nominal(ctx, sent))
                for _, start, end in _within(condition_matches, sent):
                    sent_found.extend(self._condition(ctx, sent, start, end))
                sent_found.extend(self._deadline(ctx, sent))
                sent_found.extend(self._reported_modal(ctx, sent))
                sent_found = _drop_overlaps(sent_found)
                if sent_found:
                    last_sent_with_demand = (seg_index, sent.start)
                    for demand in sent_found:
                        demand.conditional = has_condition(sent)
                        ctx.last_demander = demand.demander or ctx.last_demander
                        if demand.explicit:
                            ctx.last_addressees = demand.explicit
                found.extend(sent_found)
        return found

    def _addressees(self, ctx: DocContext, demander: str | None, explicit: list[str],
                    parts: list[tuple[int, int]]) -> list[str]:
        if explicit:
            return explicit
        demander_roots = roots(ctx, [demander]) if demander else set()
        if parts and self._parties_before(ctx, parts[0][0]):
            # "urges the parties to ...", "demands that both sides ...": those fighting or negotiating
            pair = self._latest_between(ctx, parts[0][0])
            if pair:
                return [a for a in pair if not roots(ctx, [a]) & demander_roots]
        inside = []
        for a, b in parts:
            for span in ctx.actors_in(a, b):
                if roots(ctx, [span.kb_id_]) & demander_roots or span.kb_id_ in inside:
                    continue
                if span.id_ == "demonym" and span.end < len(ctx.doc) and ctx.doc[span.end].is_lower:
                    continue  # "Russian nuclear fuel": an adjective names no one who must act
                inside.append(span.kb_id_)
        if inside or not parts:
            return inside
        a = parts[0][0]
        doc = ctx.doc
        if a >= 3 and doc[a - 1].lower_ == "to" and doc[a - 2].is_lower and doc[a - 2].is_alpha \
                and doc[a - 2].lower_.endswith("s") and doc[a - 3].lower_ in _GENERIC_QUANTIFIERS:
            return []  # "calls upon all states to ...", "urged third countries to ...": no one named
        return list(ctx.last_addressees)

    def _make(self, ctx, parts, demander, explicit, cue, confidence) -> list[Demand]:
        addressees = self._addressees(ctx, demander, explicit, parts)
        return [Demand(a, b, demander, addressees, cue, confidence, explicit=explicit)
                for a, b in parts if b - a >= 1]

    def _verb_cue(self, ctx: DocContext, sent: Span, cue: str, start: int, end: int,
                  prev_in_par: bool) -> list[Demand]:
        doc = ctx.doc
        form = doc[start:end].text.lower()
        before = [t for t in doc[max(sent.start, start - 3):start]]
        if any(t.lower_ in NEGATIONS for t in before):
            return []
        k = start - 1
        while k >= sent.start and doc[k].lower_ in {"also", "additionally", "further", "again", "not", ",",
                                                     "however", "therefore", "then", "thus", "still"}:
            k -= 1
        if k >= sent.start and (doc[k].lower_ in _MODALS or doc[k].lower_ == "to"):
            return []  # hypothetical ("would seek"), recommended ("should (not, however,) expect"), infinitive
        if self._non_actor_subject(ctx, sent, start):
            return []  # "Analysts expect Russia to ...", "a diplomat, who asked not to be named"
        passive = k >= sent.start and doc[k].lower_ in _PASSIVE_AUX and form.endswith(("ed", "ed on", "ed upon", "told", "asked"))
        participial = is_gerund(doc[start]) and (
            start == sent.start or doc[start - 1].lower_ in _PARTICIPIAL_OPENERS and start - 1 == sent.start)
        if is_gerund(doc[start]) and not participial and not demander_ids_possible(ctx, start):
            return []
        demander_ids, _ = subject_left(ctx, start)
        if not demander_ids and not passive:
            demander_ids = shared_subject(ctx, sent, start)
        demander_ids = self._collective(demander_ids)
        surface_sure = bool(demander_ids) and not passive  # a subject right before the cue
        if passive:
            addressee_subject = demander_ids
            demander_ids = []
        if not demander_ids and not passive and form in _AMBIGUOUS and self._operative(ctx, sent, start):
            demander_ids = [ctx.issuer]  # "3. Demands that both parties ...", "..., and requests X to ..."
        if not demander_ids and not participial and not passive:
            if form in _AMBIGUOUS:
                # a noun as often as a verb: only the parse can say it is a verb with a subject
                # ("Russia's demands", "a number of demands" are nouns without asking)
                if start == sent.start or doc[start - 1].lower_ in _BEFORE_NOUN or doc[start - 1].is_digit:
                    return []
                syntax = self._syntax_roles(ctx, sent, start)
                if syntax is None or not syntax["use"]["demander"] or doc[start].pos_ != "VERB" \
                        or not syntax.get("demander"):
                    return []
                demander_ids = syntax["demander"]
            demander_ids, _ = subject_left(ctx, start, strict=False)
            if not demander_ids:
                speaker = reported_speaker(ctx, sent, self.reporting, self.cues["according_to"])
                demander_ids = speaker[0] if speaker else []
            if not demander_ids and self._is_statement(ctx) and ctx.issuer:
                demander_ids = [ctx.issuer]  # "the ministers call on ...": the statement's issuer
        limit = sent.end
        for frame in self.frames[cue]:
            if frame == "continuation":
                if not prev_in_par or not demander_ids or demander_ids[0] != ctx.last_demander:
                    continue
                content_start = end
                parts = split_actions(doc, content_start, clause_end(doc, content_start, limit), after_to=True)
                return self._make(ctx, parts, demander_ids[0], [], cue, 0.6)
            result = self._frame(ctx, frame, end, limit, participial)
            if result is None:
                continue
            parts, explicit, agent = result
            more = self._second_that(ctx, frame, parts, limit) if parts else None
            if passive:
                demander = agent[0] if agent else ctx.last_demander
                explicit = explicit or addressee_subject
            elif participial:
                after = parts[-1][1] if parts else end
                while after < limit and doc[after].text != ",":
                    after += 1
                ids, _ = actors_right(ctx, after + 1, limit) if after < limit else ([], 0)
                if not ids:
                    return []  # "by proposing ...": a means, not a demand made by someone
                demander = ids[0]
            else:
                demander = demander_ids[0] if demander_ids else ctx.last_demander
            use = self.use_syntax
            unsure = (use["demander"] and not surface_sure and not participial) or (use["addressees"] and not explicit)
            syntax = self._syntax_roles(ctx, sent, start) if unsure else None
            if syntax is not None:
                use = syntax["use"]
                if use["demander"] and syntax.get("demander") and not participial and not surface_sure:
                    demander = syntax["demander"][0]
                if use["addressees"] and syntax["addressees"] and not explicit:
                    demander_roots = roots(ctx, [demander]) if demander else set()
                    kept = [a for a in syntax["addressees"] if not roots(ctx, [a]) & demander_roots]
                    explicit = kept or explicit
                if use["content"] and syntax.get("content") and len(parts) == 1:
                    a, b = syntax["content"]
                    if b > a and a >= parts[0][0] - 3:
                        parts = split_actions(doc, a, b, after_to=True)
            if demander is None:
                return []
            confidence = 0.8 if explicit else 0.65
            made = self._make(ctx, parts, demander, explicit, cue, confidence)
            if more is not None:
                made += self._make(ctx, more[0], demander, more[1], cue, confidence)
            return made
        return []

    def _parties_before(self, ctx: DocContext, start: int) -> bool:
        """Whether the content at ``start`` is addressed to "the parties" / "both sides" (a few words before it)."""
        doc = ctx.doc
        sent_start = doc[start].sent.start
        window = [t.lower_ for t in doc[max(sent_start, start - 4):start]]
        return bool(set(window) & self.party_nouns)

    def _latest_between(self, ctx: DocContext, i: int) -> list[str]:
        """The actors of the latest "between X and Y" before token ``i``."""
        doc = ctx.doc
        for k in range(i - 1, -1, -1):
            if doc[k].lower_ == "between":
                ids, _ = actors_right(ctx, k + 1, min(len(doc), k + 20))
                if len(ids) >= 2:
                    return ids
        return []

    def _operative(self, ctx: DocContext, sent: Span, start: int) -> bool:
        """An operative clause of a statement, resolution or communiqué: a verb in the third person
        with no subject, opening a numbered paragraph ("6. Requests the Chairperson ...") or after
        ", and" ("condemns the siege, and demands that ..."); its subject is the issuer."""
        doc = ctx.doc
        if not (self._is_statement(ctx) and ctx.issuer) or not doc[start].lower_.endswith("s"):
            return False
        if start + 1 >= sent.end or (doc[start + 1].lower_ not in {"that", "the", "all", "both", "its"}
                                     and (start + 1) not in ctx.actor_at):
            return False
        if start >= sent.start + 2 and doc[start - 1].lower_ == "and" and doc[start - 2].text == ",":
            return True
        j = start - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        return doc[start].is_title and (j < 0 or _LIST_NUMBER.match(doc[j].text) is not None
                                        or j >= 1 and doc[j].text in {".", ")"} and _LIST_NUMBER.match(doc[j - 1].text))

    def _non_actor_subject(self, ctx: DocContext, sent: Span, start: int) -> bool:
        """Whether the cue at ``start`` has a subject that names no actor (``non_actor_subjects``,
        or ", who" after a noun that is no actor)."""
        doc = ctx.doc
        j = start - 1
        while j >= sent.start and doc[j].lower_ in SKIP_BEFORE_VERB:
            j -= 1
        if j < sent.start:
            return False
        if doc[j].lower_ in self.non_actor_subjects:
            return (j - 1) not in ctx.actor_at  # "Russian analysts" are still analysts, not Russia
        if doc[j].lower_ == "who" and j - 2 >= sent.start and doc[j - 1].text == ",":
            before = ctx.actor_at.get(j - 2)
            if before is None:
                return True  # "said a Western diplomat in Yerevan, who asked not to be named"
            return _after_preposition(doc, before.start)  # "a diplomat in Yerevan, who asked ..."
        return False

    def _collective(self, ids: list[str]) -> list[str]:
        """Joint demanders that make up a collective with an id: that id ("Britain, France and Germany" -> E3)."""
        if len(ids) > 1 and frozenset(ids) in self.collectives:
            return [self.collectives[frozenset(ids)]]
        return ids

    def _second_that(self, ctx: DocContext, frame: str, parts, limit: int):
        """"insisted that X restore ... and that Norway guarantee ...": a second that-clause
        under the same cue, with its own addressee; (parts, addressees) or None."""
        doc = ctx.doc
        k = parts[-1][1]
        while k < limit and (doc[k].text == "," or doc[k].is_space):
            k += 1
        if frame != "that" or k + 1 >= limit or doc[k].lower_ != "and" or doc[k + 1].lower_ != "that":
            return None
        ids, j = actors_right(ctx, k + 2, limit)
        while j < limit and doc[j].lower_ in _THAT_SKIP:
            j += 1
        stop = clause_end(doc, j, limit)
        return (split_actions(doc, j, stop), ids) if stop > j else None

    def _frame(self, ctx: DocContext, frame: str, end: int, limit: int, participial: bool):
        """Content parts, explicit addressees and passive agent for one frame, or None."""
        doc = ctx.doc
        if end >= limit:
            return None
        agent: list[str] = []
        k = end
        if doc[k].lower_ == "by":  # passive agent: "was urged by the E3 to ..."
            agent, k2 = actors_right(ctx, k + 1, limit)
            if agent:
                k = k2
        nxt = doc[k].lower_ if k < limit else ""
        if frame == "named_addressee_to" and k not in ctx.actor_at and not (
                k + 1 < limit and doc[k].lower_ == "the" and (k + 1) in ctx.actor_at):
            return None  # "warned Iran to stop ...", but not "warned it would respond to ..."
        if frame in {"addressee_to", "named_addressee_to"}:
            ids, j = actors_right(ctx, k, limit)
            if ids:
                # "the Malian transitional authorities to ...", "the EU and its member states to ...":
                # nouns after the named actor
                j0 = j
                while j < min(limit, j0 + 4) and doc[j].is_alpha and doc[j].lower_ not in {"to", "that", "for"}:
                    j += 1
                if j < limit and doc[j].text == "," and j == j0:
                    # "call on China and Russia, as permanent members of the Council, to ..."
                    close = next((c for c in range(j + 1, min(limit, j + 14)) if doc[c].text == ","), None)
                    if close is not None and close + 1 < limit and doc[close + 1].lower_ == "to":
                        j = close + 1
                if j >= limit or doc[j].lower_ != "to":
                    j = j0
                # "Israel demands Hezbollah pull back": a bare infinitive after the addressee
                if j < limit and doc[j].is_lower and doc[j].is_alpha and doc[j].lower_ not in _NOT_OBJECT \
                        and doc[j].lower_ not in _DETERMINERS and doc[j].lower_ != "to" and not is_gerund(doc[j]):
                    stop = clause_end(doc, j, limit, first_comma=participial)
                    return split_actions(doc, j, stop), ids, agent
            if not ids:
                # "called on all parties to ...": a short addressee that is no named actor
                j = k
                while j < min(limit, k + 4) and doc[j].lower_ != "to" and doc[j].is_alpha:
                    j += 1
                if j >= limit or doc[j].lower_ != "to" or j == k:
                    if not (agent and nxt == "to"):
                        return None
            if j < limit and doc[j].lower_ == "to" and j + 1 < limit and doc[j + 1].is_lower \
                    and doc[j + 1].lower_ not in _DETERMINERS:
                start = j + 1
                stop = clause_end(doc, start, limit, first_comma=participial)
                return split_actions(doc, start, stop, after_to=True), ids, agent
            return None
        if frame == "that" and nxt == "that":
            ids, j = actors_right(ctx, k + 1, limit)
            while j < limit and doc[j].lower_ in _THAT_SKIP:
                j += 1
            stop = clause_end(doc, j, limit)
            if stop <= j:
                return None  # "demands that NATO:": a list follows
            return split_actions(doc, j, stop), ids, agent
        if frame == "to" and nxt == "to" and k + 1 < limit and doc[k + 1].is_lower:
            stop = clause_end(doc, k + 1, limit, first_comma=participial)
            return split_actions(doc, k + 1, stop, after_to=True), [], agent
        cue_has_for = k == end and doc[end - 1].lower_ == "for"  # the cue form "called for" ends in "for"
        if frame == "for" and (nxt in {"for", "on", "upon"} or cue_has_for and nxt not in _NOT_OBJECT):
            c = k if cue_has_for and nxt not in {"for", "on", "upon"} else k + 1
            ids, j = actors_right(ctx, c, limit)
            if ids and j < limit and doc[j].lower_ == "to":
                stop = clause_end(doc, j + 1, limit, first_comma=participial)
                return split_actions(doc, j + 1, stop, after_to=True), ids, agent
            stop = clause_end(doc, c, limit, first_comma=participial)
            stop, explicit = _cut_from(ctx, c, stop)
            return ([(c, stop)], explicit, agent) if stop > c else None
        if frame in {"object", "object_from", "want_object"} and nxt not in _NOT_OBJECT:
            if k in ctx.actor_at and frame != "want_object":
                return None
            stop = clause_end(doc, k, limit, first_comma=participial)
            stop, explicit = _cut_from(ctx, k, stop)
            if frame == "object_from" and not explicit:
                return None
            return ([(k, stop)], explicit, agent) if stop > k else None
        return None

    def _phrase_cue(self, ctx: DocContext, sent: Span, kind: str, start: int, end: int,
                    prev_in_par: bool) -> list[Demand]:
        doc = ctx.doc
        limit = sent.end
        if kind == "necessity":
            k = start - 1
            while k > sent.start and doc[k].lower_ != "that":
                k -= 1
            if doc[k].lower_ != "that" or k + 1 >= start:
                return []
            speaker = reported_speaker(ctx, sent, self.reporting, self.cues["according_to"])
            demander = speaker[0][0] if speaker else (subject_left(ctx, k, strict=False)[0] or [None])[0]
            if demander is None:
                return []
            return self._make(ctx, [(k + 1, start)], demander, [], "is a necessity", 0.6)
        if kind == "obligation":
            if not prev_in_par or ctx.last_demander is None:
                return []
            ids, _ = subject_left(ctx, start)
            demander = ctx.last_demander
            explicit = [i for i in ids if not roots(ctx, [i]) & roots(ctx, [demander])]
            stop = clause_end(doc, end, limit)
            return self._make(ctx, split_actions(doc, end, stop, after_to=True), demander, explicit,
                              doc[start:end].text.lower(), 0.55)
        if kind == "continuation":
            if start != sent.start or not prev_in_par or ctx.last_demander is None:
                return []
            stop = clause_end(doc, end, limit)
            return self._make(ctx, [(end, stop)], ctx.last_demander, [], "continuation", 0.5)
        return []

    def _nominal(self, ctx: DocContext, sent: Span) -> list[Demand]:
        """"Russia's demand for X"; "Among Russia's demands to the U.S. is X"; "the demand is that X"."""
        doc = ctx.doc
        out = []
        if not ctx.words(sent) & self.nouns:
            return out
        for token in sent:
            if token.lower_ not in self.nouns or token.i + 1 >= sent.end:
                continue
            demander = _possessor(ctx, token.i)
            j = token.i + 1
            explicit: list[str] = []
            if doc[j].lower_ in {"to", "on", "from", "of"} and j + 1 < sent.end:
                explicit, j2 = actors_right(ctx, j + 1, sent.end)
                if explicit:
                    ctx.last_addressees = explicit
                    j = j2
            if demander is None:
                continue
            if doc[j].lower_ == "to" and j + 1 < sent.end and doc[j + 1].is_lower \
                    and doc[j + 1].lower_ not in _DETERMINERS and not explicit:
                stop = clause_end(doc, j + 1, sent.end)
                out.extend(self._make(ctx, split_actions(doc, j + 1, stop, after_to=True), demander,
                                      [], token.lower_ + " to", 0.55))
                continue
            if doc[j].lower_ == "that" and not explicit:
                # "Kenya's demand that Ethiopia withdraw its troops was rejected"
                ids, c = actors_right(ctx, j + 1, sent.end)
                while c < sent.end and doc[c].lower_ in _THAT_SKIP:
                    c += 1
                if ids and c < sent.end and doc[c].is_lower and doc[c].is_alpha and doc[c].lower_ not in _NOT_OBJECT:
                    stop = clause_end(doc, c, sent.end)
                    aux = next((t.i for t in doc[c + 1:stop] if t.lower_ in _NOMINAL_TAIL_AUX), stop)
                    stop = trim_end(doc, c, aux)
                    out.extend(self._make(ctx, [(c, stop)], demander, ids, token.lower_ + " that", 0.55))
                    continue
            if doc[j].lower_ == "for" and j + 1 < sent.end:
                stop = clause_end(doc, j + 1, sent.end)
                out.extend(self._make(ctx, [(j + 1, stop)], demander, explicit, token.lower_ + " for", 0.6))
                continue
            copula = next((t.i for t in doc[j:sent.end] if t.lower_ in {"is", "are", "was", "were"}), None)
            if copula is None or copula + 1 >= sent.end:
                continue
            among = doc[sent.start].lower_ == "among"
            nxt = doc[copula + 1].lower_
            if among or nxt in {"that", "to"}:
                c = copula + 2 if nxt in {"that", "to"} else copula + 1
                stop = clause_end(doc, c, sent.end)
                out.extend(self._make(ctx, [(c, stop)], demander, explicit, token.lower_, 0.6))
        return out

    def _condition(self, ctx: DocContext, sent: Span, start: int, end: int) -> list[Demand]:
        """"China is willing to talk, provided that the U.S. stops interfering ...": a condition
        set on another actor (markers in demand_frames.json)."""
        doc = ctx.doc
        addressees, k = actors_right(ctx, end, sent.end)
        if not addressees:
            return []
        if k < sent.end and doc[k].is_lower and ctx.actor_at[k - 1].id_ == "demonym":
            addressees, k = [], end  # "unless Russian nuclear fuel is excluded": a modifier, not who must act
        while k < sent.end and doc[k].lower_ in self.condition_skip:
            k += 1
        if addressees and k >= sent.end or addressees and not doc[k].is_lower or not doc[k].is_alpha or doc[k].lower_ in _NOT_OBJECT \
                or doc[k].lower_ in _DETERMINERS or doc[k].lower_ in NEGATIONS | _MODALS:
            return []
        demander_ids, _ = subject_left(ctx, start, strict=False)
        if not demander_ids:
            speaker = reported_speaker(ctx, sent, self.reporting, self.cues["according_to"])
            demander_ids = speaker[0] if speaker else []
        if not demander_ids and self._is_statement(ctx) and ctx.issuer:
            demander_ids = [ctx.issuer]
        demander_ids = [d for d in demander_ids if not roots(ctx, [d]) & roots(ctx, addressees or ctx.last_addressees)]
        if not demander_ids:
            return []
        stop = clause_end(doc, k, sent.end)
        parts = _split_finite(doc, k, stop)
        marker = doc[start:end].text.lower()
        return self._make(ctx, parts, demander_ids[0], list(addressees), marker, 0.55)

    def _deadline(self, ctx: DocContext, sent: Span) -> list[Demand]:
        """"ECOWAS gave the junta one week to restore constitutional order": an ultimatum."""
        doc = ctx.doc
        out = []
        if not ctx.words(sent) & self.deadline_verbs:
            return out
        for token in sent:
            if token.lower_ not in self.deadline_verbs:
                continue
            j = token.i + 1
            stop = min(sent.end, token.i + 25)
            while j < stop and doc[j].lower_ not in self.deadline_nouns:
                j += 1
            if j + 2 >= sent.end or doc[j + 1].lower_ != "to" or not doc[j + 2].is_lower:
                continue
            demander, _ = subject_left(ctx, token.i, strict=False)
            addressees = [s.kb_id_ for s in ctx.actors_in(token.i + 1, j)]
            if not addressees:
                # "the military officers who seized power in Niger": the actor named in the description
                continue
            if not demander:
                continue
            end = clause_end(doc, j + 2, sent.end)
            for a, b in split_actions(doc, j + 2, end, after_to=True):
                out.append(Demand(a, b, demander[0], list(dict.fromkeys(addressees)), "deadline", 0.55,
                                  explicit=list(dict.fromkeys(addressees))))
        return out

    def _reported_modal(self, ctx: DocContext, sent: Span) -> list[Demand]:
        """"The presidents said the EU should pay ...": an actor asking another to act."""
        doc = ctx.doc
        if not ctx.words(sent) & {"should", "must", "needs", "has", "ought"}:
            return []
        speaker = reported_speaker(ctx, sent, self.reporting, self.cues["according_to"])
        if not speaker:
            if not (self._is_statement(ctx) and ctx.issuer):
                return []
            speaker = ([ctx.issuer], sent.end)  # a statement speaks for its issuer
        speaker_ids, verb_i = speaker
        if any(cited_source(ctx, s) for s in speaker_ids):
            return []  # an analyst's advice is a recommendation (guide: DEMAND or RECOMMENDATION?)
        out = []
        for token in sent:
            if token.lower_ not in {"should", "must", "needs", "has", "ought"}:
                continue
            k = token.i + 1
            if token.lower_ in {"needs", "has", "ought"}:
                if k >= sent.end or doc[k].lower_ != "to":
                    continue
                k += 1
            if k < sent.end and doc[k].lower_ in NEGATIONS and k + 1 < sent.end and doc[k + 1].lower_ == "be" \
                    or k < sent.end and doc[k].lower_ == "be":
                continue  # "must be", "must not be": a state, not an action asked for
            targets, _ = subject_left(ctx, token.i)
            if not targets or roots(ctx, targets) & roots(ctx, speaker_ids):
                continue
            stop = clause_end(doc, k, sent.end)  # stops before a closing ", X said" (clause_boundaries.json)
            if verb_i > token.i:
                stop = min(stop, trim_end(doc, k, verb_i))
            parts = [p for a, b in split_actions(doc, k, stop) for p in _split_finite(doc, a, b)]
            out.extend(self._make(ctx, parts, speaker_ids[0], targets,
                                  token.lower_, 0.6))
        return out

    def _list_intro(self, ctx: DocContext, sent: Span, cue_matches) -> tuple[str, list[str], str] | None:
        """"The European Union calls on the Belarusian authorities to:" introduces a list of demands."""
        doc = ctx.doc
        if ":" not in ctx.words(sent):
            return None
        tokens = [t for t in sent if not t.is_space]
        if len(tokens) < 3 or tokens[-1].text != ":" or tokens[-2].lower_ not in {"to", "that", "for"}:
            return None
        for match_id, start, end in cue_matches:
            if not sent.start <= start < sent.end:
                continue
            demander, _ = subject_left(ctx, start)
            if not demander and self._is_statement(ctx) and ctx.issuer:
                demander = [ctx.issuer]
            if not demander:
                continue
            addressees, _ = actors_right(ctx, end, sent.end)
            return demander[0], addressees, self.nlp.vocab.strings[match_id]
        return None

    def _is_statement(self, ctx: DocContext) -> bool:
        title = (ctx.doc._.title or "").lower()
        return any(word in title for word in self.cues.get("statement_title_words", []))

    # -- writing --------------------------------------------------------------
    def set_annotations(self, doc: Doc, demands: list[Demand]) -> None:
        spans = []
        for demand in demands:
            span = Span(doc, demand.start, demand.end, label="DEMAND")
            span._.demander = demand.demander
            span._.addressees = list(demand.addressees)
            span._.cue = demand.cue
            span._.confidence = demand.confidence
            span._.source = "rule"
            span._.conditional = demand.conditional
            spans.append(span)
        doc.spans[DEMANDS_KEY] = spans


def _within(matches: list[tuple[int, int, int]], sent: Span) -> list[tuple[int, int, int]]:
    """The matches (sorted by start) that start inside ``sent``."""
    lo = bisect_left(matches, sent.start, key=lambda m: m[1])
    hi = bisect_left(matches, sent.end, key=lambda m: m[1])
    return matches[lo:hi]


def _split_finite(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """"ends X, releases Y and engages in Z" / "reverse X and restore Y": coordinated verbs
    of the same form (third person -s, past -ed, or base form) are distinct actions."""
    first = doc[start].lower_

    def form(word: str) -> str:
        return "ed" if word.endswith("ed") else "s" if word.endswith("s") and not word.endswith("ss") else "base"

    kind = form(first)
    cuts, depth = [], 0
    for k in range(start + 1, end - 1):
        text = doc[k].lower_
        depth += text == "("
        depth -= text == ")"
        if depth or text not in {"and", ","}:
            continue
        nxt = doc[k + 1]
        if text == "," and nxt.lower_ == "and":
            continue
        if not nxt.is_lower or not nxt.is_alpha or nxt.lower_ in _DETERMINERS | _NOT_OBJECT | NEGATIONS:
            continue
        if form(nxt.lower_) != kind or (kind == "base" and text == ","):
            continue
        if kind == "base" and (is_gerund(nxt) or nxt.lower_.endswith(("al", "ive", "ous", "ic", "ful", "ent", "ant"))
                               or doc[k - 2].lower_ in _DETERMINERS or doc[k - 1].lower_ in _DETERMINERS
                               or doc[k - 2].lower_ in _PREPOSITIONS):
            continue  # "the security and safety of", "a fleet of survey and repair vessels": nouns, not actions
        left = k - 1 if doc[k - 1].text == "," else k
        cuts.append((left, k + 1))
    return cut_parts(doc, start, end, cuts)


def _possessor(ctx: DocContext, i: int) -> str | None:
    """The actor owning a noun: "Russia’s (most important) demands", "the Russian demand"."""
    doc = ctx.doc
    k = i - 1
    steps = 0
    while k >= 0 and steps < 4 and doc[k].is_lower and doc[k].is_alpha \
            and doc[k].lower_ not in {"the", "a", "of", "its", "their"}:
        k -= 1
        steps += 1
    if k >= 0 and doc[k].text in {"’s", "'s"} and (k - 1) in ctx.actor_at:
        return ctx.actor_at[k - 1].kb_id_
    if k >= 0 and k in ctx.actor_at and ctx.actor_at[k].end == k + 1 and doc[i - 1].i == k:
        return ctx.actor_at[k].kb_id_
    if k >= 0 and doc[k].lower_ in {"its", "their", "our"} and k + 1 == i:
        # "Egypt renewed its demand for ...": the subject of the clause owns it
        sent_start = doc[k].sent.start
        for span in ctx.actors:
            if span.start >= k:
                break
            if span.start >= sent_start and not _after_preposition(doc, span.start) \
                    and doc[span.end].text not in {"’s", "'s"}:
                return span.kb_id_
        return ctx.resolve_pronoun(k)
    return None


def demander_ids_possible(ctx: DocContext, i: int) -> bool:
    """A gerund cue ("insisting") is a demand only with an actor subject before it."""
    return bool(subject_left(ctx, i)[0])


def _cut_from(ctx: DocContext, start: int, stop: int) -> tuple[int, list[str]]:
    """Cut "... from the U.S. and NATO" off a content span: the addressees."""
    doc = ctx.doc
    for k in range(start + 1, stop):
        if doc[k].lower_ == "from":
            ids, end = actors_right(ctx, k + 1, stop + 1)
            if ids and end >= stop:
                return k, ids
    return stop, []


def _drop_overlaps(demands: list[Demand]) -> list[Demand]:
    kept: list[Demand] = []
    for demand in sorted(demands, key=lambda d: (-d.confidence, d.start)):
        if all(demand.end <= k.start or demand.start >= k.end for k in kept):
            kept.append(demand)
    return sorted(kept, key=lambda d: d.start)


@Language.factory("policy_demands")
def make_demand_tagger(nlp: Language, name: str) -> DemandTagger:
    return DemandTagger(nlp, name)
