"""Pure conversion of a reviewed doccano example into a gold record (seed-gold.json format).

What a person sees in doccano decides which spans and roles the gold holds; the machine
record in the example's metadata supplies what doccano cannot show:
- a span the reviewer kept keeps the machine's attributes (actor id, modality, ...);
- a span that replaces an overlapping machine span of its label (new boundaries) keeps
  that span's modality, and its roles too when the reviewer drew no relation from it;
- a new ACTOR span gets its id from the document and the gazetteer (`actor_lookup`); a
  new RECOMMENDATION its modality from the modal verb before it;
- roles come from the relations; role ids the machine had but no mention could carry
  (no mention with exactly that id) stay on a kept span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from pipeline.review.doccano_format import (
    GOLD_ATTRIBUTES, ROLE_RELATIONS, SpanKey, link_roles, machine_record_of, role_ids, span_key,
)
from pipeline.review.report import pair_changes

#: modal cues for recommendations a reviewer added, longest first (see the guide)
MODAL_CUES = ("would be", "needs to", "need to", "ought to", "should", "could", "must", "may",
              "might", "can", "would")
_MODAL_PATTERN = re.compile(r"\b(" + "|".join(re.escape(c) for c in MODAL_CUES) + r")\b", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?]\s|\n")


def infer_modality(text: str, start: int) -> str:
    """The last modal cue between the start of the sentence and `start` ('' if none)."""
    sentence_start = max((m.end() for m in _SENTENCE_START.finditer(text, 0, start)), default=0)
    cues = _MODAL_PATTERN.findall(text, sentence_start, start)
    return cues[-1].lower() if cues else ""


@dataclass
class ReviewedDocument:
    """A gold record and the warnings met while building it."""

    record: dict
    machine: dict
    warnings: list[str] = field(default_factory=list)


def _ordered_relations(example: dict) -> dict[tuple[SpanKey, str], list[SpanKey]]:
    by_id = {e["id"]: (e["label"], e["start_offset"], e["end_offset"]) for e in example.get("entities", [])}
    targets: dict[tuple[SpanKey, str], list[SpanKey]] = {}
    for relation in sorted(example.get("relations", []), key=lambda r: r["id"]):
        key = (by_id[relation["from_id"]], relation["type"])
        target = by_id[relation["to_id"]]
        if target not in targets.setdefault(key, []):
            targets[key].append(target)
    return targets


def _gold_span(key: SpanKey, text: str, attributes: dict) -> dict:
    label, start, end = key
    span = {"label": label, "start": start, "end": end, "text": text[start:end]}
    for name in GOLD_ATTRIBUTES[label]:
        if name in attributes and not (name == "affiliation" and not attributes[name]):
            span[name] = attributes[name]
    return span


def reviewed_record(example: dict, *, resolve_actor: Callable[[str], dict | None]) -> ReviewedDocument:
    """Turn one exported example (already checked with `check_example`) into a gold record.

    Args:
        example: a record of doccano's JSONL export (metadata flattened into it).
        resolve_actor: span text -> actor attributes, for ACTOR spans the reviewer added.
    """
    machine = machine_record_of(example)
    text, doc_id = example["text"], machine["doc_id"]
    warnings: list[str] = []
    machine_spans = {span_key(s): s for s in machine["spans"]}
    keys = sorted({(e["label"], e["start_offset"], e["end_offset"]) for e in example.get("entities", [])},
                  key=lambda k: (k[1], k[2], k[0]))
    new_keys = [k for k in keys if k not in machine_spans]
    replaced = pair_changes(sorted(set(machine_spans) - set(keys)), new_keys)
    relations = _ordered_relations(example)
    unlinked: dict[tuple[SpanKey, str], list[str]] = {}
    for link in link_roles(machine["spans"]):
        if link.target is None:
            unlinked.setdefault((span_key(machine["spans"][link.source]), link.relation_type), []).append(link.actor_id)

    actors: dict[SpanKey, dict] = {}
    for key in (k for k in keys if k[0] == "ACTOR"):
        if key in machine_spans:
            actors[key] = machine_spans[key]
            continue
        found = resolve_actor(text[key[1]:key[2]])
        if found is None:
            warnings.append(f"{doc_id}: ACTOR {text[key[1]:key[2]]!r} [{key[1]}, {key[2]}) has no actor id "
                            "(not in the document or the gazetteer); written with actor_id \"\"")
            found = {"actor_id": "", "actor_type": ""}
        actors[key] = found

    def roles(key: SpanKey, relation_type: str) -> list[str]:
        linked = [actors[t]["actor_id"] for t in relations.get((key, relation_type), []) if actors[t]["actor_id"]]
        linked = list(dict.fromkeys(linked))
        if key in machine_spans:
            carried = set(linked) | set(unlinked.get((key, relation_type), []))
            kept = [i for i in role_ids(machine_spans[key], relation_type) if i in carried]
            return kept + [i for i in linked if i not in kept]
        old = replaced.get(key)
        drawn = any((key, kind) in relations for kind in ROLE_RELATIONS)
        if old is not None and not drawn:
            return role_ids(machine_spans[old], relation_type)
        return linked

    spans = []
    for key in keys:
        label = key[0]
        source = machine_spans.get(key) or machine_spans.get(replaced.get(key), {})
        if label == "ACTOR":
            attributes = actors[key]
        elif label == "DEMAND":
            demanders = roles(key, "demander")
            if len(demanders) > 1:
                warnings.append(f"{doc_id}: DEMAND [{key[1]}, {key[2]}) has {len(demanders)} demanders "
                                f"({', '.join(demanders)}); kept the first")
            if not demanders:
                warnings.append(f"{doc_id}: DEMAND [{key[1]}, {key[2]}) has no demander relation")
            attributes = {"demander": demanders[0] if demanders else "", "addressees": roles(key, "addressee")}
        else:
            attributes = {"targets": roles(key, "target"),
                          "modality": source.get("modality") or infer_modality(text, key[1])}
        spans.append(_gold_span(key, text, attributes))

    # Kept spans keep the machine's order among spans that start together.
    machine_order = {key: i for i, key in enumerate(machine_spans)}
    spans.sort(key=lambda s: (s["start"], machine_order.get(span_key(s), len(machine_order)), s["end"]))
    record = {
        "doc_id": doc_id,
        "text_sha256": machine["text_sha256"],
        "n_chars": len(text),
        "segments": machine.get("segments", {}),
        "spans": spans,
    }
    return ReviewedDocument(record=record, machine=machine, warnings=warnings)
