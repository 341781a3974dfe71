"""Shallow clause helpers shared by the demand and recommendation taggers.

Without a parser these work on tokens and actor spans: who stands left of a
verb (the subject), where a complement ends, how coordinated actions split,
who a pronoun or "we" points back to, and who a sentence reports.
"""

from __future__ import annotations

import re
from functools import lru_cache

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from ..resources import RESOURCES, ResourceError, root_of
from .actors import ACTORS_KEY, actor_root
from .tokens import doc_tokens

BOUNDARIES_FILE = RESOURCES / "clause_boundaries.json"
_BOUNDARY_KEYS = ("comma_participles", "verbs_after_and", "clause_openers_after_comma", "clause_verbs",
                  "reporting_tail", "prediction_tail", "source_nouns", "comma_concessives",
                  "comma_time_clauses")


@lru_cache(maxsize=1)
def load_clause_boundaries() -> dict[str, frozenset[str]]:
    """The word lists of ``resources/clause_boundaries.json`` (one-line error naming the file)."""
    import json

    try:
        data = json.loads(BOUNDARIES_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResourceError(f"{BOUNDARIES_FILE}: cannot read ({type(err).__name__}: {err})") from None
    if not isinstance(data, dict):
        raise ResourceError(f"{BOUNDARIES_FILE}: must be a JSON object")
    unknown = set(data) - set(_BOUNDARY_KEYS) - {k for k in data if k.startswith("_")}
    if unknown:
        raise ResourceError(f"{BOUNDARIES_FILE}: unknown keys {sorted(unknown)}; allowed: {list(_BOUNDARY_KEYS)}")
    out = {}
    for key in _BOUNDARY_KEYS:
        words = data.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w == w.lower() for w in words):
            raise ResourceError(f"{BOUNDARIES_FILE}: {key!r} must be a list of lower-case words")
        out[key] = frozenset(words)
    return out

# Skipped between a subject and its verb ("Russia also proposes", "Russia has demanded").
SKIP_BEFORE_VERB = {
    "also", "additionally", "further", "furthermore", "again", "repeatedly", "explicitly",
    "publicly", "formally", "now", "then", "has", "have", "had", "is", "are", "was", "were",
    "did", "does", "do", "only", "even", "reportedly", "once", "already", "still", "strongly",
    "firmly", "jointly", "recently", "previously", "therefore", "thus", "in", "turn", "too",
    "meanwhile", "today", "yesterday", "specifically", "directly", "openly", "officially",
    "likewise", "similarly", "consequently", "accordingly", "immediately", "urgently",
    "on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "last", "week",
    "month", "year", "this", "earlier", "later", "since", "had", "subsequently", "ultimately",
    "itself", "themselves", "herself", "himself",
}
# Nouns that stand for the actor named before them: "the U.S. side", "Belarusian authorities".
PROXY_HEADS = {"side", "government", "authorities", "leadership", "officials", "administration",
               "regime", "junta", "delegation", "leaders", "president", "ministers", "diplomats",
               "spokesperson", "spokesman", "spokeswoman", "official", "minister", "envoy",
               "diplomat", "ambassador", "representative", "negotiators", "military", "forces", "army",
               "troops", "peacekeepers", "navy", "police", "coast", "guard", "ministry", "parliament", "cabinet",
               "secretary-general", "negotiator", "chief", "head", "leader", "prime", "foreign",
               "policymakers", "policy-makers", "makers", "decision-makers", "lawmakers", "planners",
               "strategists", "governments", "capitals"}
# "Requests the Chairperson of the Commission to ...": an office held in the actor named after "of".
OFFICE_HEADS = {"chairperson", "chair", "chairman", "chairwoman", "president", "head", "secretary-general",
                "director-general", "secretary", "government", "governments", "authorities", "leadership"}
# "The members of the Security Council called ...": the actor after "of" is the subject.
MEMBER_NOUNS = {"members", "member", "ministers", "leaders", "representatives", "heads", "delegates",
                "presidents", "governments", "officials", "delegations"}
NEGATIONS = {"not", "n't", "never", "no", "neither", "nor", "cannot"}
PRONOUNS = {"it": "thing", "he": "person", "she": "person", "they": "plural", "we": "issuer",
            "i": "issuer", "its": "thing", "their": "plural", "our": "issuer"}
CONDITION_MARKERS = {"if", "unless", "provided", "subject", "condition", "conditional", "assuming"}
_CLAUSE_BREAK_AFTER_COMMA = {"while", "whereas", "but", "as", "although", "though", "since",
                             "because", "so", "thereby", "thus", "yet"}
_TRAILING = {".", ",", ";", ":", "!", "?", "”", "’", '"', "'", "…", "-", "–", "—"}
_ING_EXCEPTIONS = {"thing", "bring", "king", "ring", "spring", "wing", "string", "sting", "during"}


class CueLexiconStore:
    """What the demand and recommendation taggers share: the call with lazy syntax,
    and saving the cue lexicon (``self.cues``) with the pipeline, so a pipeline folder
    gives the same results anywhere; ``_build`` recompiles it."""

    cues: dict
    nlp: Language

    @staticmethod
    def load_cues() -> dict:
        """The validated cue lexicon of the tagger (a loader from pipeline.resources)."""
        raise NotImplementedError

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp = nlp
        self.name = name
        self.cues = self.load_cues()
        self._build()

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        self.cues = self.load_cues()
        self._build()

    def _build(self) -> None:
        raise NotImplementedError

    def find(self, doc: Doc, *, asked: set[int] | None = None) -> list:
        raise NotImplementedError

    def set_annotations(self, doc: Doc, found: list) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        from ..syntax import lazy_layer

        layer = lazy_layer(self.nlp)
        if layer is None:
            self.set_annotations(doc, self.find(doc))
            return doc
        # lazy syntax: decide on the surface, have the sentences where a role was unsure
        # parsed, and decide again with the parse
        asked: set[int] = set()
        found = self.find(doc, asked=asked)
        if asked:
            layer.parse_sentences(doc, [s for s in doc.sents if s.start in asked])
            found = self.find(doc)
        self.set_annotations(doc, found)
        return doc

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cues.json", self.cues)

    def from_disk(self, path, *, exclude=tuple()):
        self.cues = srsly.read_json(ensure_path(path) / "cues.json")
        self._build()
        return self


class DocContext:
    """Actor spans of a document, indexed by token, with discourse memory."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.actors: list[Span] = sorted(doc.spans.get(ACTORS_KEY, []), key=lambda s: s.start)
        self.actor_at: dict[int, Span] = {}
        for span in self.actors:
            for i in range(span.start, span.end):
                self.actor_at[i] = span
        self.issuer = self._issuer()
        self.last_demander: str | None = None
        self.last_addressees: list[str] = []
        self.dep = None  # the dependency patterns (pipeline.components.dependency) when the doc is parsed
        self.asked: set[int] | None = None  # starts of unparsed sentences a tagger wants parsed (lazy syntax)

    def _issuer(self) -> str | None:
        """Who "we" are: the first actor of the title, else of the document."""
        segments = self.doc.spans.get("segments", [])
        title = next((s for s in segments if s.label_ == "title"), None)
        topics: set[str] = set()
        for span in self.actors:
            if title is None or span.start >= title.end:
                break
            before = {t.lower_ for t in self.doc[title.start:span.start]}
            if before & {"on", "about", "regarding", "concerning", "to", "against", "with", "toward", "towards"}:
                topics.add(actor_root(span))  # the topic of the statement, not its author
                continue
            return span.kb_id_
        # "Statement ... on U.S. Arms Sales to Taiwan": the issuer is the first other actor
        after_title = [s for s in self.actors if (title is None or s.start >= title.end) and actor_root(s) not in topics]
        return after_title[0].kb_id_ if after_title else None

    def words(self, sent: Span) -> frozenset[str]:
        """The lower-case words of a sentence (computed once per sentence)."""
        cache = self.__dict__.setdefault("_words", {})
        if sent.start not in cache:
            cache[sent.start] = frozenset(doc_tokens(self.doc).lower[sent.start:sent.end])
        return cache[sent.start]

    def actors_in(self, start: int, end: int) -> list[Span]:
        return [s for s in self.actors if s.start >= start and s.end <= end]

    def resolve_pronoun(self, token_i: int) -> str | None:
        """The actor a pronoun points back to: the latest fitting actor before it."""
        kind = PRONOUNS.get(self.doc[token_i].lower_)
        if kind == "issuer":
            return self.issuer
        sent_start = self.doc[token_i].sent.start
        before_word = self.doc[token_i - 1].lower_ if token_i > sent_start else ""
        after_reporting = before_word in load_clause_boundaries()["reporting_tail"] or (
            before_word == "that" and token_i - 1 > sent_start
            and self.doc[token_i - 2].lower_ in load_clause_boundaries()["reporting_tail"])
        if token_i > sent_start and (before_word in {"and", "but", ";"} or after_reporting) and kind in {"thing", "plural"}:
            # "The EU calls on X ..., and it calls on Y", "...; it should ...": the subject of the first clause;
            # "France, which sells radars to Armenia, said it expected ...": the subject of the reporting verb
            for span in self.actors:
                if span.start >= token_i:
                    break
                if span.start >= sent_start and span.label_ != "person" and not _after_preposition(self.doc, span.start) \
                        and self.doc[span.end].text not in {"’s", "'s"}:
                    return span.kb_id_
        previous = [s for s in self.actors if s.end <= token_i]
        if kind == "person":
            previous = [s for s in previous if s.label_ == "person"]
        elif kind in {"thing", "plural"}:
            previous = [s for s in previous if s.label_ != "person"]
        if not previous:
            return None
        # prefer the subject of the sentence before: the first actor of it not after a preposition
        before = [s for s in previous if s.start < sent_start]
        if before and not [s for s in previous if s.start >= sent_start]:
            prev_sent = before[-1].sent
            for span in [s for s in before if s.start >= prev_sent.start]:
                if span.start == prev_sent.start or not _after_preposition(self.doc, span.start):
                    return span.kb_id_
        return previous[-1].kb_id_


def _after_preposition(doc: Doc, i: int) -> bool:
    j = i - 1
    while j >= 0 and doc[j].lower_ in {"the", "other", "some", "its", "their", "“", '"'}:
        j -= 1
    if j >= 1 and doc[j].lower_ == "of" and doc[j - 1].lower_ in MEMBER_NOUNS:
        return False  # "the members of the Security Council": the council acts
    return j >= 0 and doc[j].lower_ in {
        "of", "in", "on", "to", "with", "from", "by", "for", "near", "at", "against", "between",
        "about", "into", "toward", "towards", "including", "like", "than", "and", "or", "among",
    }


def is_gerund(token) -> bool:
    return token.is_lower and token.text.endswith("ing") and len(token.text) > 4 \
        and token.lower_ not in _ING_EXCEPTIONS


def subject_left(ctx: DocContext, i: int, *, strict: bool = True) -> tuple[list[str], int | None]:
    """Actor ids of the subject left of the verb at token ``i`` (conjoined
    subjects included), and the token index where the subject starts.

    Pronouns are resolved. With ``strict`` only a subject right before the
    verb counts (adverbs and auxiliaries skipped); otherwise the nearest actor
    to the left of the verb in the sentence that does not follow a preposition.
    """
    doc = ctx.doc
    sent_start = doc[i].sent.start
    j = i - 1
    while j >= sent_start and (doc[j].lower_ in SKIP_BEFORE_VERB or doc[j].text == ","):
        if doc[j].text == ",":
            # skip a parenthetical ", however," or an apposition ", Russia's foreign minister,"
            k = j - 1
            while k >= sent_start and doc[k].text != ",":
                k -= 1
            if k < sent_start or j - k > 8:
                break
            if doc[k + 1].lower_ in {"led", "headed", "spearheaded"} and doc[k + 2].lower_ == "by":
                # "Several member states, led by the Netherlands and Estonia, have asked ..."
                ids, _ = actors_right(ctx, k + 3, j)
                if ids:
                    return ids, k + 3
            if ctx.actor_at.get(k - 1) is not None:
                j = k - 1
                break
            j = k - 1
            continue
        j -= 1
    if j >= sent_start and doc[j].lower_ in PRONOUNS and doc[j].lower_ not in {"its", "their", "our"}:
        actor = ctx.resolve_pronoun(j)
        return ([actor] if actor else []), j
    # "the U.S. side must", "the Malian authorities should", "Iran's chief negotiator", "the UN Secretary-General"
    p = j
    while p > sent_start and j - p < 4 and (doc[p].lower_ in PROXY_HEADS or doc[p].text == "-"
                                            or doc[p].lower_ in {"general", "secretary"}):
        if (p - 1) in ctx.actor_at and doc[p].text != "-":
            j = p - 1
            break
        p -= 1
    if j >= sent_start and j in ctx.actor_at:
        head = ctx.actor_at[j]
        if head.id_ == "demonym" and not head.text.endswith("s") and head.end == i:
            return [], None  # "the Russian demands": an adjective, the cue is a noun
        ids, first = [], j
        k = j
        seen_and = False
        while k >= sent_start:
            span = ctx.actor_at.get(k)
            if span is not None:
                if span.kb_id_ not in ids:
                    ids.insert(0, span.kb_id_)
                first = span.start
                k = span.start - 1
            elif doc[k].lower_ in {"and", "the", "other", "its", "some", "both"} or (doc[k].text == "," and seen_and):
                seen_and = seen_and or doc[k].lower_ == "and"
                k -= 1
            else:
                break
        # "The Russian statement should ...": a demonym that only modifies the subject
        if head.end < i and doc[head.end].is_alpha and doc[head.end].lower_ not in SKIP_BEFORE_VERB \
                and doc[head.end].lower_ not in PROXY_HEADS:
            return [], None
        return ids, first
    if strict:
        return [], None
    for k in range(i - 1, sent_start - 1, -1):
        span = ctx.actor_at.get(k)
        if span is not None and not _after_preposition(doc, span.start) \
                and doc[span.end].text not in {"’s", "'s"}:
            return [span.kb_id_], span.start
    return [], None


def shared_subject(ctx: DocContext, sent: Span, i: int) -> list[str]:
    """"The Administration has encouraged Taipei ... and has urged Taiwan to ...", "it accused
    France ... and demanded that ...": a verb after ``and`` shares the subject of the sentence's
    first clause (its first actor or pronoun that follows no preposition); [] otherwise."""
    doc = ctx.doc
    j = i - 1
    while j > sent.start and doc[j].lower_ in {"has", "have", "had", "also", "then", "later", "further"}:
        j -= 1
    if j <= sent.start or doc[j].lower_ != "and":
        return []
    for k in range(sent.start, j):
        token = doc[k]
        if k in ctx.actor_at:
            span = ctx.actor_at[k]
            if not _after_preposition(doc, span.start) and doc[span.end].text not in {"’s", "'s"} \
                    and (span.start == sent.start or doc[span.start - 1].text == "," or doc[span.start - 1].lower_ in {"the", "“"}):
                ids, _ = actors_right(ctx, span.start, j)
                return ids[:1] if ids else [span.kb_id_]
        elif token.lower_ in {"it", "they", "he", "she", "we"} and (k == sent.start or doc[k - 1].text == ","):
            found = ctx.resolve_pronoun(k)
            return [found] if found else []
    return []


def actors_right(ctx: DocContext, i: int, limit: int) -> tuple[list[str], int]:
    """Conjoined actors starting at token ``i`` ("the U.S. and other NATO countries");
    returns their ids and the token after them (``i`` when none)."""
    doc = ctx.doc
    ids, k, end = [], i, i
    while k < limit:
        span = ctx.actor_at.get(k)
        if span is not None:
            if span.kb_id_ not in ids:
                ids.append(span.kb_id_)
            k = end = span.end
        elif doc[k].lower_ in {"the", "and", ",", "other", "its", "both", "all", "some", "“", "”", '"'}:
            k += 1
        elif not ids and k + 1 < limit and doc[k + 1].lower_ == "of" and (
                doc[k].lower_ in MEMBER_NOUNS or doc[k].lower_ in OFFICE_HEADS):
            k += 2  # "the Chairperson of the Commission", "the members of the Council": the body named after "of"
        else:
            break
    return ids, end


def clause_end(doc: Doc, start: int, limit: int, *, first_comma: bool = False) -> int:
    """Where the complement that starts at ``start`` ends (exclusive), before ``limit``."""
    depth = 0
    k = start
    while k < limit:
        text = doc[k].text
        if text == "(":
            depth += 1
        elif text == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            if text in {";", "—", "–"} or (text == ":" and k > start + 2) or (k > start and _and_new_clause(doc, k, limit)):
                break
            if k > start + 1 and doc[k].lower_ in load_clause_boundaries()["comma_time_clauses"] \
                    and _finite_clause_follows(doc, k + 1, limit):
                break  # "crack down on the PKK before Turkey ratifies its accession": the speaker's own step
            if text == ",":
                if first_comma or _new_clause_after_comma(doc, k, limit):
                    break
                nxt = doc[k + 1] if k + 1 < limit else None
                if nxt is not None and nxt.lower_ in _CLAUSE_BREAK_AFTER_COMMA \
                        and not (nxt.lower_ == "so" and k + 2 < limit and doc[k + 2].lower_ == "that"):
                    # ", so that ..." states the purpose of the action and stays in it
                    break
                if nxt is not None and nxt.lower_ == "which" and "," not in [t.text for t in doc[k + 2:limit]]:
                    break
                if nxt is not None and _concessive(doc, k + 1, limit):
                    break  # ", however painful that is", ", even if ...": the author's concession
                if nxt is not None and nxt.lower_ in load_clause_boundaries()["comma_time_clauses"] \
                        and k + 2 < limit and not is_gerund(doc[k + 2]) and doc[k + 2].is_alpha:
                    break  # ", before Moscow and Baku present it with ...": a time clause of its own
        k += 1
    return trim_end(doc, start, k)


def _finite_clause_follows(doc: Doc, k: int, limit: int) -> bool:
    """A named subject and a finite verb at ``k`` ("Turkey ratifies", "the EU has agreed")."""
    if k < limit and doc[k].lower_ == "the":
        k += 1
    if k >= limit or not doc[k].is_title or doc[k].lower_ == "i":
        return False
    j = k + 1
    while j < limit and j <= k + 3 and doc[j].is_title:
        j += 1  # "the European Commission presents"
    if j >= limit or not doc[j].is_lower or not doc[j].is_alpha:
        return False
    word = doc[j].lower_
    return word in {"has", "have", "had", "is", "are", "was", "were", "will", "can", "does", "did"} \
        or (word.endswith("s") and not word.endswith("ss")) or word.endswith("ed")


def _concessive(doc: Doc, k: int, limit: int) -> bool:
    """Whether a concession (``comma_concessives``: "however", "even if", ...) starts at ``k``."""
    for phrase in load_clause_boundaries()["comma_concessives"]:
        words = phrase.split()
        if k + len(words) <= limit and [t.lower_ for t in doc[k:k + len(words)]] == words:
            return True
    return False


def _new_clause_after_comma(doc: Doc, k: int, limit: int) -> bool:
    """Whether the comma at ``k`` opens a clause that is not part of the action:
    ", recalling that ...", ", the EU said.", ",\" said X.", ", and the State Department has ..."."""
    rules = load_clause_boundaries()
    nxt = k + 1
    while nxt < limit and doc[nxt].text in {"”", '"', "’", "'"}:
        nxt += 1
    if nxt >= limit:
        return False
    if nxt > k + 1:
        return True  # a closing quote after the comma: the reporting clause follows
    word = doc[nxt].lower_
    if word in rules["comma_participles"]:
        return True
    if word in {"a", "an"} and nxt + 2 < limit and doc[nxt + 2].lower_ in {"that", "which"}:
        return True  # ", a demand that Bosniak parties reject": an apposition about what precedes
    # ", the EU said." / ", analysts warn." / ", said Karim Haddad, a fellow ...": the speaker closes the sentence
    rest = [t.lower_ for t in doc[nxt:limit] if not t.is_punct]
    if word in rules["reporting_tail"] or any(w in rules["reporting_tail"] for w in rest[:5]) and \
            "to" not in rest[:5] and "that" not in rest[:5] and len(rest) <= 7:
        return True
    if word in {"he", "she", "they", "it", "we"} and len(rest) > 1 and rest[1] in rules["reporting_tail"]:
        return True  # ", he said, while ...": a reporting clause in the middle of the sentence
    if word == "and" and nxt + 1 < limit:
        after = doc[nxt + 1].lower_
        if after in rules["verbs_after_and"]:
            return True
        if after in rules["clause_openers_after_comma"] or (doc[nxt + 1].is_title and after not in {"to"}):
            window = [t.lower_ for t in doc[nxt + 2:min(limit, nxt + 10)]]
            if any(w in rules["clause_verbs"] for w in window) and "to" not in window[:2]:
                return True
            # ", and the Commission presented ...": a past-tense verb right after a name
            for t in doc[nxt + 2:min(limit, nxt + 6)]:
                if t.is_lower and t.lower_.endswith("ed") and doc[t.i - 1].is_title:
                    return True
    return False


def _and_new_clause(doc: Doc, k: int, limit: int) -> bool:
    """"... conduct and has reaffirmed that ...": ``and`` at ``k`` goes back to the reporting subject."""
    return k + 1 < limit and doc[k].lower_ in {"and", "but"} \
        and doc[k + 1].lower_ in load_clause_boundaries()["verbs_after_and"]


def trim_end(doc: Doc, start: int, end: int) -> int:
    while end > start and (doc[end - 1].text in _TRAILING or doc[end - 1].is_space):
        end -= 1
    # a closing parenthetical that only adds an aside: "(which includes ...)"
    if end > start and doc[end - 1].text == ")":
        k = end - 1
        while k > start and doc[k].text != "(":
            k -= 1
        if k > start and k + 1 < end and doc[k + 1].lower_ in {"which", "including", "e.g.", "i.e.", "see"}:
            end = k
            while end > start and (doc[end - 1].text in _TRAILING or doc[end - 1].is_space):
                end -= 1
    return end


def split_actions(doc: Doc, start: int, end: int, *, after_to: bool = False) -> list[tuple[int, int]]:
    """Split coordinated actions: "to X and to Y", "X while also Y-ing", "X-ing ..., and Y-ing"."""
    cuts: list[tuple[int, int]] = []  # (end of left part, start of right part)
    gerund_start = is_gerund(doc[start])
    depth = 0
    for k in range(start + 1, end - 1):
        text = doc[k].lower_
        depth += text == "("
        depth -= text == ")"
        if depth > 0:
            continue
        if text in {"and", "or"} and doc[k + 1].lower_ in _REPEATED_MODALS and k + 2 < end \
                and doc[k + 2].is_lower and doc[k + 2].is_alpha and doc[k + 2].lower_ not in NEGATIONS:
            cuts.append((k, k + 2))  # "should impose sanctions and should freeze assets"
        elif text in {"and", "or"} and doc[k + 1].lower_ == "by" and k + 2 < end and is_gerund(doc[k + 2]):
            cuts.append((k, k + 2))  # "by presenting X and by offering Y"
        elif after_to and text in {"and", "or"} and doc[k + 1].lower_ == "to" and k + 2 < end \
                and doc[k + 2].is_lower:
            cuts.append((k, k + 2))
        elif text == "while":
            nxt = k + 1
            while nxt < end and doc[nxt].lower_ in {"also", "simultaneously", "at", "the", "same", "time"}:
                nxt += 1
            if nxt < end and is_gerund(doc[nxt]):
                cuts.append((k, nxt))
        elif gerund_start and text == "and" and doc[k - 1].text == "," and is_gerund(doc[k + 1]):
            cuts.append((k - 1, k + 1))
    return cut_parts(doc, start, end, cuts)


def cut_parts(doc: Doc, start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The non-empty parts of ``[start, end)`` between ``cuts`` (each ``(end of one part,
    start of the next)``), each part trimmed at its end."""
    parts, left = [], start
    for cut_end, cut_start in cuts:
        parts.append((left, trim_end(doc, left, cut_end)))
        left = cut_start
    parts.append((left, end))
    return [(a, b) for a, b in parts if b > a]


_NUMBER_ITEM = re.compile(r"^\(?\d{1,2}[.)]?$")
_LETTER_ITEM = re.compile(r"^\(?(?:[a-h]|[ivx]{1,4})[.)]$")
_REPEATED_MODALS = {"should", "must", "could", "can", "shall", "would"}
_BULLETS = {"•", "-", "–", "*", "·", "▪"}


def list_item(doc: Doc, segment: Span, *, skip: set[str]) -> tuple[int, int] | None:
    """The content of one list item ("• release all prisoners;") after a list intro,
    without the bullet and leading ``skip`` words; None when the list has ended."""
    tokens = [t for t in segment if not t.is_space]
    if not tokens:
        return None
    k = 1 if tokens[0].text in _BULLETS or tokens[0].text[:1] == "•" else 0
    if k == 0 and len(tokens) > 2:
        first, second = tokens[0].text, tokens[1].text
        if _NUMBER_ITEM.match(first):
            k = 2 if second in {".", ")"} else 1  # "1. Strengthen ...", "2) require ..."
        elif _LETTER_ITEM.match(first):
            k = 1  # "b) fund ...", "ii. require ..." as one token
        elif first == "(" and len(tokens) > 3 and tokens[2].text == ")" and _LETTER_ITEM.match(second + ")"):
            k = 3  # "(a) require ..."
        elif _LETTER_ITEM.match(first + ")") and second == ")":
            k = 2  # "b ) fund ..." split by the tokenizer
    if k == 0 and not tokens[0].is_lower:
        return None
    while k < len(tokens) and tokens[k].lower_ in skip:
        k += 1
    if k >= len(tokens):
        return None
    end = trim_end(doc, tokens[k].i, tokens[-1].i + 1)
    return (tokens[k].i, end) if end > tokens[k].i else None


def reported_speaker(ctx: DocContext, sent: Span, reporting: set[str], according: list[str]) -> tuple[list[str], int] | None:
    """The actor(s) a sentence reports and the reporting verb's index: "X said (that) ...",
    "..., X said." , "..., said X.", "according to X"."""
    doc = ctx.doc
    lowers = [t.lower_ for t in sent]
    for phrase in according:
        words = phrase.split()
        for k in range(len(lowers) - len(words) + 1):
            if lowers[k:k + len(words)] == words:
                ids, _ = actors_right(ctx, sent.start + k + len(words), sent.end)
                if ids:
                    return ids, sent.start + k
    for token in sent:
        if token.lower_ not in reporting or token.i in ctx.actor_at:
            continue  # "the Baltic states": part of a name, not "X states that"
        ids, _ = subject_left(ctx, token.i)
        if ids:
            return ids, token.i
        # '...," the three countries, known as the E3, said': the actor between the closing quote and the verb
        quote = next((k for k in range(token.i - 1, max(sent.start, token.i - 15) - 1, -1)
                      if doc[k].text in {"”", '"'}), None)
        if quote is not None:
            between = [s for s in ctx.actors_in(quote + 1, token.i) if not _after_preposition(doc, s.start)
                       or doc[s.start - 1].lower_ == "as" or doc[s.start - 2].lower_ == "as"]
            if between:
                return [between[0].kb_id_], token.i
        ids, _ = actors_right(ctx, token.i + 1, sent.end)
        if ids and token.i > sent.start and doc[token.i - 1].text == ",":
            return ids, token.i
    return None


def cited_source(ctx: DocContext, actor_id: str) -> bool:
    """Whether an actor is introduced as a cited source: a mention followed by ", a fellow at ...",
    ", an arms control expert" (``source_nouns``)."""
    nouns = load_clause_boundaries()["source_nouns"]
    doc = ctx.doc
    for span in ctx.actors:
        if span.kb_id_ != actor_id or span.end + 1 >= len(doc) or doc[span.end].text != ",":
            continue
        if doc[span.end + 1].lower_ in {"a", "an", "the"} and any(
                t.lower_ in nouns for t in doc[span.end + 2:min(len(doc), span.end + 7)]):
            return True
    return False


def prediction_tail(sent: Span) -> bool:
    """"Turkey could veto the decision, analysts warn.": the sentence ends with a clause that
    reports a prediction (a verb of ``prediction_tail`` after the last comma)."""
    tokens = [t for t in sent if not t.is_space]
    commas = [t.i for t in tokens if t.text == ","]
    if not commas:
        return False
    tail = [t.lower_ for t in sent.doc[commas[-1] + 1:sent.end] if not t.is_punct]
    return 0 < len(tail) <= 6 and any(w in load_clause_boundaries()["prediction_tail"] for w in tail)


def has_condition(sent: Span) -> bool:
    lowers = {t.lower_ for t in sent}
    return bool(lowers & {"unless"}) or "subject to" in sent.text.lower() or \
        "provided that" in sent.text.lower() or "on condition" in sent.text.lower() or "if" in lowers


def roots(ctx: DocContext, ids: list[str]) -> set[str]:
    affiliations = ctx.doc._.affiliations or {}
    return {root_of(i, affiliations.get(i)) for i in ids}


__all__ = [
    "CueLexiconStore", "DocContext", "subject_left", "shared_subject", "MEMBER_NOUNS", "actors_right", "clause_end", "split_actions", "trim_end",
    "reported_speaker", "has_condition", "prediction_tail", "cited_source", "load_clause_boundaries", "list_item", "is_gerund", "roots", "actor_root", "NEGATIONS",
]
