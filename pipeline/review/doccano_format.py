"""Pure conversion between annotation records and doccano JSONL examples.

One doccano example is one document: its whole canonical text, so offsets stay the
record's offsets (doccano keeps Python code points as sent). ACTOR, DEMAND and
RECOMMENDATION spans become entities; a DEMAND's demander and addressees and a
RECOMMENDATION's targets become relations (`demander`, `addressee`, `target`) from the
span to an ACTOR mention carrying that id. The machine's record travels along as
metadata (`machine_record`), so an export alone says what the machine proposed: the
attributes doccano cannot show (actor ids, modality, segments) and the role ids that no
mention could carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable

SPAN_LABELS = ("ACTOR", "DEMAND", "RECOMMENDATION")

#: relation type -> (label of the span it starts from, record attribute it fills)
ROLE_RELATIONS = {
    "demander": ("DEMAND", "demander"),
    "addressee": ("DEMAND", "addressees"),
    "target": ("RECOMMENDATION", "targets"),
}

#: doccano metadata of every example; the same non-null keys on every line, none of
#: doccano's reserved names (id, text, label, entities, relations, Comments).
METADATA_KEYS = ("doc_id", "text_sha256", "pipeline_version", "machine_record")

#: the attributes a gold span keeps, in the order of seed-gold.json
GOLD_ATTRIBUTES = {
    "ACTOR": ("actor_id", "actor_type", "affiliation"),
    "DEMAND": ("demander", "addressees"),
    "RECOMMENDATION": ("targets", "modality"),
}

SpanKey = tuple[str, int, int]  # (label, start, end)


class RecordError(ValueError):
    """A record or an exported example that does not fit its document."""


def span_key(span: dict) -> SpanKey:
    return (span["label"], span["start"], span["end"])


def role_ids(span: dict, relation_type: str) -> list[str]:
    """The ids a span holds for one role, as a list (the demander is a single id)."""
    value = span.get(ROLE_RELATIONS[relation_type][1])
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class RoleLink:
    """A role of a DEMAND or RECOMMENDATION (index `source` in the spans) held by an
    ACTOR mention (index `target`), or by no mention (`target` None) when the document
    has no mention with exactly that id."""

    source: int
    relation_type: str
    actor_id: str
    target: int | None


def link_roles(spans: list[dict]) -> list[RoleLink]:
    """Attach each role id to the ACTOR mention that carries it, nearest to the span.

    Mentions outside the span are preferred (the demander is usually named in the
    reporting clause, not inside what is demanded); ties go to the earlier mention.
    """
    mentions_by_id: dict[str, list[int]] = {}
    for index, span in enumerate(spans):
        if span["label"] == "ACTOR" and span.get("actor_id"):
            mentions_by_id.setdefault(span["actor_id"], []).append(index)
    links = []
    for index, span in enumerate(spans):
        for relation_type, (label, _) in ROLE_RELATIONS.items():
            if span["label"] != label:
                continue
            for actor_id in dict.fromkeys(role_ids(span, relation_type)):
                candidates = mentions_by_id.get(actor_id, [])
                target = min(candidates, key=lambda m: _mention_distance(span, spans[m]), default=None)
                links.append(RoleLink(index, relation_type, actor_id, target))
    return links


def _mention_distance(span: dict, mention: dict) -> tuple[bool, int, int]:
    inside = mention["start"] >= span["start"] and mention["end"] <= span["end"]
    gap = max(span["start"] - mention["end"], mention["start"] - span["end"], 0)
    return (inside, gap, mention["start"])


def check_record(record: dict, text: str, text_sha256: str) -> None:
    """Check a record against its document's canonical text.

    Raises:
        RecordError: naming the document and the first problem found.
    """
    doc_id = record.get("doc_id", "?")
    if record.get("text_sha256") != text_sha256:
        raise RecordError(f"{doc_id}: text_sha256 of the record does not match the document text")
    for span in record.get("spans", []):
        where = f"{doc_id}: {span.get('label')} span [{span.get('start')}, {span.get('end')})"
        if span.get("label") not in SPAN_LABELS:
            raise RecordError(f"{where}: unknown label (known: {', '.join(SPAN_LABELS)})")
        if not (isinstance(span["start"], int) and isinstance(span["end"], int)
                and 0 <= span["start"] < span["end"] <= len(text)):
            raise RecordError(f"{where}: offsets outside the text (0..{len(text)})")
        if "text" in span and text[span["start"]:span["end"]] != span["text"]:
            raise RecordError(f"{where}: span text {span['text']!r} differs from the document text")


def machine_record_json(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"))


def record_to_example(record: dict, text: str, *, pipeline_version: str) -> dict:
    """One doccano JSONL line (RelationExtraction import format) for a record.

    Entity and relation ids are the 1-based positions in this line, unique per line.
    """
    spans = record["spans"]
    entities = [
        {"id": i + 1, "label": s["label"], "start_offset": s["start"], "end_offset": s["end"]}
        for i, s in enumerate(spans)
    ]
    relations = [
        {"id": j + 1, "from_id": link.source + 1, "to_id": link.target + 1, "type": link.relation_type}
        for j, link in enumerate(link for link in link_roles(spans) if link.target is not None)
    ]
    return {
        "text": text,
        "entities": entities,
        "relations": relations,
        "doc_id": record["doc_id"],
        "text_sha256": record["text_sha256"],
        "pipeline_version": pipeline_version,
        "machine_record": machine_record_json(record),
    }


def examples_to_jsonl(examples: Iterable[dict]) -> str:
    # ASCII-escaped on purpose: doccano guesses the file encoding and corrupts
    # curly quotes in UTF-8 uploads.
    return "".join(json.dumps(example, ensure_ascii=True) + "\n" for example in examples)


@dataclass(frozen=True)
class Annotations:
    """What a person sees in doccano: spans, and relations between spans."""

    spans: frozenset[SpanKey]
    relations: frozenset[tuple[str, SpanKey, SpanKey]]


def annotations_of(example: dict) -> Annotations:
    """The annotations of an uploaded line or an exported example (ids resolved to spans)."""
    by_id = {e["id"]: (e["label"], e["start_offset"], e["end_offset"]) for e in example.get("entities", [])}
    relations = set()
    for relation in example.get("relations", []):
        source, target = by_id.get(relation["from_id"]), by_id.get(relation["to_id"])
        if source is not None and target is not None:
            relations.add((relation["type"], source, target))
    return Annotations(frozenset(by_id.values()), frozenset(relations))


def machine_record_of(example: dict) -> dict:
    """The machine record stored in an example's metadata.

    Raises:
        RecordError: when the example was not made by review-push.
    """
    raw = example.get("machine_record")
    where = f"doccano example {example.get('id')} ({example.get('doc_id', 'no doc_id')})"
    if not isinstance(raw, str):
        raise RecordError(f"{where}: no machine_record metadata; it was not created by review-push")
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as error:
        raise RecordError(f"{where}: machine_record metadata is not JSON ({error})") from None
    if not isinstance(record, dict) or not isinstance(record.get("spans"), list):
        raise RecordError(f"{where}: machine_record metadata is not an annotation record")
    return record


def pushed_annotations(example: dict) -> Annotations:
    """The annotations the example had when review-push uploaded it."""
    machine = machine_record_of(example)
    return annotations_of(record_to_example(machine, example["text"], pipeline_version=""))


def is_touched(example: dict) -> bool:
    """True when a person confirmed the example or changed its annotations.

    An example review-push did not make (no machine record) counts as touched: it is
    someone's work, never to be replaced.
    """
    if example.get("is_confirmed"):
        return True
    try:
        return annotations_of(example) != pushed_annotations(example)
    except RecordError:
        return True


def check_example(example: dict, text_sha256: str) -> Annotations:
    """Check an exported example against its text and the project's labels.

    Raises:
        RecordError: naming the document and the first problem found.
    """
    doc_id = example.get("doc_id", f"example {example.get('id')}")
    if example.get("text_sha256") != text_sha256:
        raise RecordError(f"{doc_id}: the example text in doccano does not match its text_sha256 metadata")
    n_chars = len(example["text"])
    by_id: dict[Any, dict] = {}
    for entity in example.get("entities", []):
        where = f"{doc_id}: span {entity.get('label')} [{entity.get('start_offset')}, {entity.get('end_offset')})"
        if entity.get("label") not in SPAN_LABELS:
            raise RecordError(f"{where}: unknown label (known: {', '.join(SPAN_LABELS)})")
        if not 0 <= entity["start_offset"] < entity["end_offset"] <= n_chars:
            raise RecordError(f"{where}: offsets outside the text (0..{n_chars})")
        by_id[entity["id"]] = entity
    for relation in example.get("relations", []):
        kind = relation.get("type")
        source, target = by_id.get(relation.get("from_id")), by_id.get(relation.get("to_id"))
        where = f"{doc_id}: relation {kind}"
        if kind not in ROLE_RELATIONS:
            raise RecordError(f"{where}: unknown relation type (known: {', '.join(ROLE_RELATIONS)})")
        if source is None or target is None:
            raise RecordError(f"{where}: points to a span that does not exist")
        if source["label"] != ROLE_RELATIONS[kind][0] or target["label"] != "ACTOR":
            raise RecordError(
                f"{where} from {source['label']} [{source['start_offset']}, {source['end_offset']}) "
                f"to {target['label']}: must go from a {ROLE_RELATIONS[kind][0]} span to an ACTOR span"
            )
    return annotations_of(example)
