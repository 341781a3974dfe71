"""The recommendation tagger (ANNOTATION_GUIDE.md, RECOMMENDATION).

Frames, with cues from ``resources/recommendation_cues.json``:
``TARGET (adv) MODAL ACTION`` ("Poland could indicate ..."), ``TARGET may
consider/wish to ...``, ``TARGET's goal should be to ACTION``, ``the desired
response of TARGET ... would be to ACTION``, ``it is advisable that TARGET ...``
and ``This can be achieved by ACTION`` (targets of the recommendation before).
A modal whose subject is not an actor, a negated modal, and predictions
("could become", "may be used") are not advice. Writes ``doc.spans["recommendations"]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401
from ..layout import ANNOTATED_KINDS
from ..resources import RESOURCES, ResourceError, load_recommendation_cues
from .clauses import (
    CueLexiconStore,
    NEGATIONS, DocContext, actors_right, clause_end, has_condition, is_gerund, list_item, load_clause_boundaries,
    prediction_tail, split_actions,
    subject_left,
)
from .demands import DEMANDS_KEY, _within
from .dependency import DependencyRoles, mention_actors

RECOMMENDATIONS_KEY = "recommendations"
FRAMES_FILE = RESOURCES / "recommendation_frames.json"


@lru_cache(maxsize=1)
def load_recommendation_frames() -> dict[str, frozenset[str]]:
    """``resources/recommendation_frames.json`` (one-line error naming the file and the problem)."""
    try:
        data = json.loads(FRAMES_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResourceError(f"{FRAMES_FILE}: cannot read ({type(err).__name__}: {err})") from None
    keys = ("member_nouns", "legislature_suffixes", "option_modals", "gerund_modals", "be_modals", "negated_frame_verbs",
            "frame_determiners", "recommend_speakers", "recommend_verbs", "list_intro_words")
    if not isinstance(data, dict) or {k for k in data if not k.startswith("_")} != set(keys):
        raise ResourceError(f"{FRAMES_FILE}: must be an object with exactly the keys {list(keys)}")
    for key in keys:
        if not isinstance(data[key], list) or not all(isinstance(w, str) and w == w.lower() for w in data[key]):
            raise ResourceError(f"{FRAMES_FILE}: {key!r} must be a list of lower-case strings")
    return {key: frozenset(data[key]) for key in keys}
# Subordinate clauses are no advice: "..., where Russia could block it", "because Turkey can veto it".
_SUBORDINATE = {"where", "which", "whom", "whose", "if", "unless", "because", "since", "although", "though",
                "whereas", "when", "once", "until", "as"}
_TIME_ADVERBS = {"soon", "eventually", "ultimately", "again", "still", "ever", "already", "yet"}
_IRREGULAR_PARTICIPLES = {"been", "done", "made", "taken", "given", "known", "seen", "gone", "put", "set", "kept",
                          "held", "left", "sent", "spent", "built", "brought", "thought", "sought", "chosen",
                          "spoken", "written", "drawn", "shown", "told", "won", "lost", "met", "paid", "led", "read"}


def _PAST_PARTICIPLE(token) -> bool:  # noqa: N802 - reads like the word class it tests
    word = token.lower_
    return token.is_lower and (word.endswith("ed") or word in _IRREGULAR_PARTICIPLES)


_REPEATED_MODAL_WORDS = {"should", "must", "could", "can", "would", "may"}
_ADVERBS = {"also", "therefore", "thus", "then", "still", "now", "instead", "further", "first",
            "perhaps", "even", "additionally", "furthermore", "urgently", "immediately", "clearly"}


@dataclass
class Recommendation:
    start: int
    end: int
    targets: list[str]
    modality: str
    confidence: float
    conditional: bool = False


class RecommendationTagger(CueLexiconStore):
    """Tags recommended actions with their targets and modality."""

    load_cues = staticmethod(load_recommendation_cues)

    def _build(self) -> None:
        make = self.nlp.make_doc
        self.modals = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.modals.add("modal", [make(m) for m in self.cues["modals"]])
        self.modals.add("option", [make(m) for m in [self.cues["option_modal"]] + list(self.frames_option_modals())])
        self.means = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.means.add("means", [make(m) for m in self.cues["means_cues"]])
        self.not_actions = set(self.cues["not_actions"])
        self.be_allowed = set(self.cues["be_allowed"])
        frames = load_recommendation_frames()
        self.member_nouns = frames["member_nouns"]
        self.legislature_suffixes = tuple(frames["legislature_suffixes"])
        self.frames = frames
        self.threats = load_clause_boundaries()["prediction_tail"] | {"warning", "threatening", "threatened", "threatens"}
        self._dep_roles: dict[str, DependencyRoles] = {}

    @staticmethod
    def frames_option_modals() -> frozenset[str]:
        """More modals that lay an option before an actor when an option verb follows ("might consider")."""
        return load_recommendation_frames()["option_modals"]

    def dependency_roles(self, doc: Doc) -> DependencyRoles | None:
        """The compiled dependency patterns for this document's label scheme (None: unparsed)."""
        from ..syntax import doc_scheme

        scheme = doc_scheme(doc)
        if scheme == "none":
            return None
        if scheme not in self._dep_roles:
            modals = self.cues["modals"] + [self.cues["option_modal"]]
            self._dep_roles[scheme] = DependencyRoles(self.nlp.vocab, scheme, [], modals)
        return self._dep_roles[scheme]

    def syntax_targets(self, ctx: DocContext, sent: Span, modal_i: int) -> list[str] | None:
        """Targets of the modal at ``modal_i`` from the parse: the actors of the subject of
        the modal's verb (None when the sentence has no parse or the patterns find none)."""
        from ..syntax import sentence_parsed

        if ctx.dep is not None and not ctx.dep.use["targets"]:
            return None
        if sent.text.rstrip().endswith("?"):
            return None  # "What, then, should the allies do?" asks; it does not advise
        if ctx.dep is None or not sentence_parsed(sent):
            if ctx.asked is not None:
                ctx.asked.add(sent.start)
            return None
        for token_i in ctx.dep.roles(sent, "target").get(modal_i, []):
            ids = mention_actors(ctx, ctx.doc[token_i])
            if ids:
                return ids
        return None

    def find(self, doc: Doc, *, asked: set[int] | None = None) -> list[Recommendation]:
        """The recommendations of ``doc``; ``asked`` collects the starts of unparsed sentences
        where the dependency path was wanted."""
        ctx = DocContext(doc)
        ctx.asked = asked
        ctx.dep = self.dependency_roles(doc)
        if ctx.dep is not None:
            ctx.dep.reset()
        demand_tokens = {i for s in doc.spans.get(DEMANDS_KEY, []) for i in range(s.start, s.end)}
        segments = [s for s in doc.spans.get("segments", []) if s.label_ in ANNOTATED_KINDS]
        modal_matches = sorted(self.modals(doc), key=lambda m: (m[1], -m[2]))
        means_matches = {m[1]: m for m in self.means(doc)}
        found: list[Recommendation] = []
        last_targets: list[str] = []
        list_intro: tuple[list[str], str] | None = None
        for segment in segments:
            if list_intro is not None:
                item = list_item(doc, segment, skip={"whether", "how", "to"})
                if item is not None:
                    found.append(Recommendation(item[0], item[1], list(list_intro[0]), list_intro[1], 0.55))
                    continue
                list_intro = None
            for sent in segment.sents:
                sent_found: list[Recommendation] = []
                taken: set[int] = set()
                # "This can be achieved by ..." opens the sentence or follows a semicolon
                firsts = [_first_word(sent)] + [t.i + 1 for t in sent if t.text == ";" and t.i + 1 < sent.end] \
                    if means_matches and last_targets else []
                means = [means_matches[i] for i in firsts if i in means_matches]
                for _, start, end in means:
                    taken.update(range(start, sent.end))
                sent_found += self._goal(ctx, sent, taken)
                sent_found += self._response(ctx, sent, taken)
                sent_found += self._impersonal(ctx, sent, taken)
                sent_found += self._for_frame(ctx, sent, taken)
                sent_found += self._recommend(ctx, sent, taken)
                intro = self._list_intro(ctx, sent, last_targets)
                for match_id, start, end in _within(modal_matches, sent):
                    if start in taken or intro is not None:
                        continue  # "Options Congress may consider include whether to:" introduces the list
                    kind = self.nlp.vocab.strings[match_id]
                    sent_found += self._modal(ctx, sent, kind, start, end, demand_tokens)
                    taken.update(range(start, end))
                for _, start, end in means:
                    # "...; this can be achieved by X": X continues the recommendation before it
                    before = [r for r in sent_found if r.start < start]
                    targets = before[-1].targets if before else last_targets
                    stop = clause_end(doc, end, sent.end)
                    modality = doc[start + 1].lower_
                    for a, b in split_actions(doc, end, stop):
                        sent_found.append(Recommendation(a, b, list(targets), modality, 0.6))
                sent_found = [r for r in sent_found if not demand_tokens & set(range(r.start, r.end))]
                for rec in sent_found:
                    rec.conditional = has_condition(sent)
                if sent_found:
                    last_targets = sent_found[-1].targets
                found.extend(sent_found)
                if intro is not None:
                    list_intro = intro
        return sorted(found, key=lambda r: r.start)

    def _list_intro(self, ctx: DocContext, sent: Span, last_targets: list[str]) -> tuple[list[str], str] | None:
        """"Members may wish to:", "Options Congress may consider include whether to:",
        "The coastal states should:", "Our recommendations are as follows:"."""
        tokens = [t for t in sent if not t.is_space]
        if not tokens or tokens[-1].text != ":":
            return None
        words = {t.lower_ for t in tokens}
        modal = next((m for m in ("should", "could", "may", "must", "can") if m in words), None)
        ends_in_modal = len(tokens) > 2 and tokens[-2].lower_ in {"should", "could", "must", "can"}
        if modal is not None and not ends_in_modal and not words & {
                "wish", "consider", "options", "option", "include", "to", "recommend"}:
            return None
        if modal is None and words & {"options", "option"}:
            modal = "may"  # "Possible options for Congress include:": options laid before an actor
        if modal is None:
            if not words & self.frames["list_intro_words"]:
                return None
            modal = "recommend"  # "Our recommendations are as follows:", "We recommend:"
        targets = []
        for span in ctx.actors_in(sent.start, sent.end):
            if span.kb_id_ not in targets:
                targets.append(span.kb_id_)
        if not targets and words & self.member_nouns:
            targets = self._legislature(ctx, sent.start)
        if not targets and modal == "recommend":
            targets = list(last_targets)  # the list goes on advising whom the text advised before
        if modal == "recommend" and not targets:
            return None
        return targets, modal

    def _organisation(self, ctx: DocContext, i: int) -> list[str]:
        """"Member states should ...": the latest international organisation named before token ``i``."""
        before = [s for s in ctx.actors if s.start < i and s.label_ == "organisation"]
        return [before[-1].kb_id_] if before else []

    def _legislature(self, ctx: DocContext, i: int) -> list[str]:
        """"Members may wish to ...": the latest legislature named before token ``i`` (else after it)."""
        found = [s for s in ctx.actors if s.kb_id_.lower().endswith(self.legislature_suffixes)]
        before = [s for s in found if s.start < i]
        pick = before[-1] if before else (found[0] if found else None)
        return [pick.kb_id_] if pick is not None else []

    def _action_start(self, doc: Doc, k: int, limit: int) -> int | None:
        """First token of the action after a modal, or None for a prediction or assessment."""
        if k < limit and doc[k].text == ",":
            # "should, however, avoid ...", "should, first and foremost, agree ...": a parenthetical
            close = next((c for c in range(k + 1, min(limit, k + 6)) if doc[c].text == ","), None)
            if close is None:
                return None
            k = close + 1
        if k + 1 < limit and doc[k].lower_ in {"and", "or"} and doc[k + 1].lower_ in _REPEATED_MODAL_WORDS:
            k += 2  # "France can and should lead ..."
        while k < limit and doc[k].lower_ in _ADVERBS:
            k += 1
        if k + 1 < limit and doc[k].lower_ == "not" and doc[k + 1].lower_ == "only":
            k += 2  # "should not only increase spending but also reform procurement"
        if k >= limit or doc[k].lower_ in NEGATIONS:
            return None
        word = doc[k].lower_
        # "could soon face", "may eventually become": the verb after a time or manner adverb decides
        nxt_word = doc[k + 1].lower_ if k + 1 < limit else ""
        if (word in _TIME_ADVERBS or word.endswith("ly") and doc[k].is_lower) and nxt_word in self.not_actions:
            return None
        if word == "have" and k + 1 < limit and _PAST_PARTICIPLE(doc[k + 1]):
            return None  # "should have acted sooner": a criticism of the past, not advice
        if word == "be":
            nxt = doc[k + 1].lower_ if k + 1 < limit else ""
            return k if nxt in self.be_allowed else None
        if word in self.not_actions or not doc[k].is_alpha or not doc[k].is_lower:
            return None
        return k

    def _modal(self, ctx: DocContext, sent: Span, kind: str, start: int, end: int,
               demand_tokens: set[int]) -> list[Recommendation]:
        doc = ctx.doc
        modality = doc[start:end].text.lower().replace(" also", "")
        k = end
        if kind == "option":
            # "Congress may consider ...", "Members may wish to ...": an option, not a prediction
            j = k
            while j < sent.end and doc[j].lower_ in _ADVERBS - {"also"}:
                j += 1
            if j >= sent.end or doc[j].lower_ not in set(self.cues["option_verbs"]) - {"also"}:
                if not (doc[j].lower_ == "also" and j + 1 < sent.end
                        and doc[j + 1].lower_ in self.cues["option_verbs"]):
                    return []
            # "may (also) wish to X", "may consider whether to X": the option is X
            while j < sent.end and doc[j].lower_ in set(self.cues["option_verbs"]):
                j += 1
            if j < sent.end and doc[j].lower_ in {"whether", "how"}:
                j += 1
            if j + 1 < sent.end and doc[j].lower_ == "to" and doc[j + 1].is_lower and doc[j + 1].is_alpha:
                k = j + 1
        action = self._action_start(doc, k, sent.end)
        if action is None or action in demand_tokens or prediction_tail(sent):
            return []
        if modality in self.frames["gerund_modals"] and not is_gerund(doc[action]):
            return []  # "Russia would benefit from a ceasefire": an assessment, not advice
        if modality in self.frames["be_modals"] and start > sent.start and doc[start - 1].lower_ in {"it", "there"}:
            return []  # "it would be wise to wait": says nothing about an actor
        targets, subject_start = subject_left(ctx, start)
        if subject_start is not None and self._negated_frame(doc, subject_start, sent.start):
            return []  # "This does not mean that NATO should ..."
        before = subject_start - 1 if subject_start is not None else None
        while before is not None and before > sent.start and doc[before].lower_ in {"the", "a", "an"}:
            before -= 1
        if before is not None and before >= sent.start and (
                doc[before].lower_ in _SUBORDINATE
                or doc[before].lower_ == "that" and before > sent.start and doc[before - 1].lower_ in self.threats):
            return []  # "..., where Russia could block it", "warns that the Council may consider sanctions"
        if not targets and start > sent.start and doc[start - 1].lower_ in self.member_nouns:
            targets = self._legislature(ctx, start)  # "Members may wish to weigh ..."
        if not targets and start > sent.start + 1 and doc[start - 2].lower_ == "member" \
                and doc[start - 1].lower_ in {"states", "countries", "governments"} \
                and (start - 2 == sent.start or doc[start - 3].lower_ in {"the", "its", "their", "all", "individual"}) \
                and not (start - 3 > sent.start and doc[start - 4].lower_ in _SUBORDINATE | {"that"}):
            targets = self._organisation(ctx, start)  # "Member states may wish to ...": the latest organisation
        if not targets:  # the surface rule found no subject: ask the parse
            targets = self.syntax_targets(ctx, sent, start) or []
        if not targets:
            return []
        stop = clause_end(doc, action, sent.end)
        parts = split_actions(doc, action, stop)
        # "X should maintain A, while keeping open B": the gerund after ", while" is a second action
        k = stop
        if k + 2 < sent.end and doc[k].text == "," and doc[k + 1].lower_ in {"while", "whilst"}:
            k += 2
            while k < sent.end and doc[k].lower_ in {"also", "at", "the", "same", "time", "simultaneously"}:
                k += 1
            if k < sent.end and is_gerund(doc[k]):
                parts.append((k, clause_end(doc, k, sent.end)))
        return [Recommendation(a, b, targets, modality, 0.7) for a, b in parts if b > a]

    def _negated_frame(self, doc: Doc, subject_start: int, sent_start: int) -> bool:
        """"This does not mean that X should", "nor does it follow that X must": negated advice."""
        j = subject_start - 1
        while j > sent_start and doc[j].lower_ in {"the", "a", "an", "that"}:
            j -= 1
        if j <= sent_start or doc[j].lower_ not in self.frames["negated_frame_verbs"]:
            return False
        return any(t.lower_ in NEGATIONS for t in doc[max(sent_start, j - 4):j])

    def _for_frame(self, ctx: DocContext, sent: Span, taken: set[int]) -> list[Recommendation]:
        """"One option would be for the EU to ...", "A priority for Congress should be to ...",
        "The main task of NATO should be to ..."."""
        doc = ctx.doc
        out: list[Recommendation] = []
        nouns = set(self.cues["goal_nouns"]) | set(self.cues["response_nouns"])
        if not ctx.words(sent) & nouns:
            return out
        determiners = self.frames["frame_determiners"] | set(self.cues["response_adjectives"])
        for token in sent:
            i = token.i
            if token.lower_ not in nouns or i in taken or i == sent.start or doc[i - 1].lower_ not in determiners:
                continue
            words = [t.lower_ for t in doc[i + 1:min(sent.end, i + 4)]]
            # NOUN would/should be for TARGET to ACTION
            if len(words) >= 3 and words[0] in {"would", "should", "could", "might", "is"} and words[1] == "be" \
                    and words[2] == "for" or words[:2] == ["is", "for"]:
                if words[0] == "is" and doc[i - 1].lower_ not in self.cues["response_adjectives"] \
                        and token.lower_ not in self.cues["response_nouns"]:
                    continue  # "the task is for ..." describes; "the best option / another option is for X to" advises
                at = i + (4 if words[1] == "be" else 3)
                targets, k = actors_right(ctx, at, sent.end)
                if not targets or k >= sent.end or doc[k].lower_ != "to":
                    continue
                modality = f"{words[0]} be" if words[1] == "be" else "is"
            # NOUN for/of TARGET should/must be to ACTION
            elif words and words[0] in {"for", "of"}:
                targets, k = actors_right(ctx, i + 2, sent.end)
                after = [t.lower_ for t in doc[k:min(sent.end, k + 3)]]
                if not targets or after not in (["should", "be", "to"], ["must", "be", "to"]):
                    continue
                modality = after[0]
                k += 2
            else:
                continue
            a = k + 1
            if a >= sent.end or not doc[a].is_lower:
                continue
            stop = clause_end(doc, a, sent.end)
            out += [Recommendation(x, y, targets, modality, 0.7) for x, y in split_actions(doc, a, stop)]
            taken.update(range(i, a))
        return out

    def _recommend(self, ctx: DocContext, sent: Span, taken: set[int]) -> list[Recommendation]:
        """"We recommend that the EU (should) ...", "This report suggests that X ...": the author advising."""
        doc = ctx.doc
        out: list[Recommendation] = []
        if not ctx.words(sent) & self.frames["recommend_verbs"]:
            return out
        for token in sent:
            i = token.i
            if token.lower_ not in self.frames["recommend_verbs"] or i in taken or i == sent.start:
                continue
            j = i - 1
            while j > sent.start and doc[j].lower_ in {"would", "strongly", "also", "therefore", "thus", "further"}:
                j -= 1
            if doc[j].lower_ not in self.frames["recommend_speakers"] or (j - 1) in ctx.actor_at:
                continue
            if j > sent.start and doc[j - 1].lower_ in {"which", "that", "who"}:
                continue
            if i + 1 >= sent.end or doc[i + 1].lower_ != "that":
                continue
            targets, k = actors_right(ctx, i + 2, sent.end)
            if not targets:
                continue
            while k < sent.end and doc[k].lower_ in {"should", "must", "also", "urgently", "immediately"}:
                k += 1
            if k >= sent.end or not doc[k].is_lower or doc[k].lower_ in NEGATIONS or doc[k].lower_ == "be":
                continue
            stop = clause_end(doc, k, sent.end)
            out += [Recommendation(x, y, targets, "recommend", 0.7) for x, y in split_actions(doc, k, stop)]
            taken.update(range(i, k))
        return out

    def _goal(self, ctx: DocContext, sent: Span, taken: set[int]) -> list[Recommendation]:
        """"Poland’s goal should be to avoid ..."."""
        doc = ctx.doc
        out = []
        if not ctx.words(sent) & set(self.cues["goal_nouns"]):
            return out
        for token in sent:
            if token.lower_ not in self.cues["goal_nouns"] or token.i < 2:
                continue
            j = token.i - 1
            while j > sent.start and doc[j].is_lower and doc[j].is_alpha:
                j -= 1
            if doc[j].text not in {"’s", "'s"} or (j - 1) not in ctx.actor_at:
                continue
            target = ctx.actor_at[j - 1].kb_id_
            words = [t.lower_ for t in doc[token.i + 1:token.i + 5]]
            for modal in ("should", "must", "could", "would"):
                if words[:3] == [modal, "be", "to"]:
                    a = token.i + 4
                    stop = clause_end(doc, a, sent.end)
                    out += [Recommendation(x, y, [target], modal, 0.75) for x, y in split_actions(doc, a, stop)]
                    taken.update(range(token.i, token.i + 4))
        return out

    def _response(self, ctx: DocContext, sent: Span, taken: set[int]) -> list[Recommendation]:
        """"The desired response of the NATO countries ... would be to call for ..."."""
        doc = ctx.doc
        out = []
        if not ctx.words(sent) & set(self.cues["response_nouns"]):
            return out
        for token in sent:
            if token.lower_ not in self.cues["response_nouns"] or token.i == 0:
                continue
            if doc[token.i - 1].lower_ not in self.cues["response_adjectives"]:
                continue
            if token.i + 1 >= sent.end or doc[token.i + 1].lower_ not in {"of", "for", "by"}:
                continue
            targets, _ = actors_right(ctx, token.i + 2, sent.end)
            if not targets:
                continue
            for t in doc[token.i:sent.end]:
                words = [w.lower_ for w in doc[t.i:t.i + 3]]
                if words in (["would", "be", "to"], ["should", "be", "to"], ["is", "to", "be"]) or words[:2] == ["is", "to"]:
                    n = 3 if words[1] == "be" else 2
                    a = t.i + n
                    stop = clause_end(doc, a, sent.end)
                    modality = " ".join(words[:2]) if words[1] == "be" else "is"
                    out += [Recommendation(x, y, targets, modality, 0.7) for x, y in split_actions(doc, a, stop)]
                    taken.update(range(token.i, t.i + n))
                    break
        return out

    def _impersonal(self, ctx: DocContext, sent: Span, taken: set[int]) -> list[Recommendation]:
        """"It is advisable that NATO (should) ...", "it is essential for the EU to ..."."""
        doc = ctx.doc
        out = []
        if "it" not in ctx.words(sent):
            return out
        for token in sent:
            if token.lower_ != "it" or token.i + 3 >= sent.end:
                continue
            if doc[token.i + 1].lower_ not in {"is", "would", "will", "remains"}:
                continue
            j = token.i + 2
            if doc[j].lower_ == "be":
                j += 1
            if doc[j].lower_ in {"therefore", "also", "thus", "now", "high", "about"}:
                j += 1  # "it is therefore essential that", "it is high time for"
            if doc[j].lower_ not in self.cues["impersonal_adjectives"] or j + 1 >= sent.end:
                continue
            if doc[j + 1].lower_ not in {"that", "for"}:
                continue
            targets, k = actors_right(ctx, j + 2, sent.end)
            if not targets:
                continue
            while k < sent.end and doc[k].lower_ in {"should", "must", "to", "also"}:
                k += 1
            stop = clause_end(doc, k, sent.end)
            modality = f"{doc[token.i + 1].lower_} {doc[j].lower_}"
            out += [Recommendation(a, b, targets, modality, 0.7) for a, b in split_actions(doc, k, stop)]
            taken.update(range(token.i, k))
        return out

    def set_annotations(self, doc: Doc, recommendations: list[Recommendation]) -> None:
        spans = []
        for rec in recommendations:
            span = Span(doc, rec.start, rec.end, label="RECOMMENDATION")
            span._.targets = list(rec.targets)
            span._.modality = rec.modality
            span._.confidence = rec.confidence
            span._.source = "rule"
            span._.conditional = rec.conditional
            spans.append(span)
        doc.spans[RECOMMENDATIONS_KEY] = spans


def _first_word(sent: Span) -> int:
    for token in sent:
        if not token.is_space and not token.is_punct:
            return token.i
    return sent.start


@Language.factory("policy_recommendations")
def make_recommendation_tagger(nlp: Language, name: str) -> RecommendationTagger:
    return RecommendationTagger(nlp, name)
