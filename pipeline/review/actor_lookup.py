"""Actor ids for ACTOR spans a reviewer added in doccano (doccano only holds the label).

Where an id comes from, first hit wins:
1. another ACTOR mention with the same text in the same document (the machine's or a
   kept one), so `Russia` gets the id `Russia` has elsewhere in the document;
2. the pipeline's actor gazetteer (`pipeline/resources/states.jsonl`, `actors.jsonl`);
3. pycountry's country names (ISO 3166-1 alpha-3).
A span none of them knows keeps an empty `actor_id` and is reported, so the alias can be
added to the gazetteer.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

RESOURCES = Path(__file__).resolve().parent.parent / "resources"

ActorAttributes = dict[str, str]  # actor_id, actor_type and, for persons, affiliation


def _actor_type(actor_id: str, declared: str | None) -> str:
    if declared:
        return declared
    if actor_id.startswith("person:"):
        return "person"
    if actor_id.startswith("group:"):
        return "group"
    if ":" in actor_id:
        return "body"
    return "state" if len(actor_id) == 3 and actor_id.isupper() else "organisation"


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@lru_cache(maxsize=1)
def gazetteer_aliases(resources: Path = RESOURCES) -> dict[str, ActorAttributes]:
    """Alias text -> actor attributes, from the gazetteer files and pycountry."""
    aliases: dict[str, ActorAttributes] = {}

    def add(alias: str, attributes: ActorAttributes) -> None:
        aliases.setdefault(alias, attributes)

    for entry in _read_jsonl(resources / "states.jsonl"):
        state = {"actor_id": entry["id"], "actor_type": "state"}
        for alias in [*entry.get("aliases", []), *entry.get("demonyms", []), *entry.get("metonyms", [])]:
            add(alias, state)
    for entry in _read_jsonl(resources / "actors.jsonl"):
        attributes = {"actor_id": entry["id"], "actor_type": _actor_type(entry["id"], entry.get("type"))}
        if entry.get("affiliation"):
            attributes["affiliation"] = entry["affiliation"]
        for alias in [entry.get("name"), *entry.get("aliases", [])]:
            if alias:
                add(alias, attributes)
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a main dependency
        return aliases
    for country in pycountry.countries:
        state = {"actor_id": country.alpha_3, "actor_type": "state"}
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name:
                add(name, state)
    return aliases


def document_resolver(machine_spans: list[dict],
                      aliases: dict[str, ActorAttributes] | None = None) -> Callable[[str], ActorAttributes | None]:
    """A lookup from span text to actor attributes for one document."""
    in_document: dict[str, ActorAttributes] = {}
    for span in machine_spans:
        if span["label"] == "ACTOR" and span.get("actor_id") and span.get("text"):
            attributes = {k: span[k] for k in ("actor_id", "actor_type", "affiliation") if span.get(k)}
            in_document.setdefault(span["text"], attributes)
    known = gazetteer_aliases() if aliases is None else aliases

    def resolve(text: str) -> ActorAttributes | None:
        found = in_document.get(text) or known.get(text)
        return dict(found) if found else None

    return resolve
