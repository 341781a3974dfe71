"""Actor ids for ACTOR spans a reviewer added in doccano (doccano only holds the label).

Where an id comes from, first hit wins:
1. another ACTOR mention with the same text in the same document (the machine's or a
   kept one), so `Russia` gets the id `Russia` has elsewhere in the document;
2. the pipeline's actor gazetteer (`pipeline.resources.load_gazetteer`: pycountry's
   countries merged with `pipeline/resources/states.jsonl` and `actors.jsonl`).
A span none of them knows keeps an empty `actor_id` and is reported, so the alias can be
added to the gazetteer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from ..resources import load_gazetteer

ActorAttributes = dict[str, str]  # actor_id, actor_type and, for persons, affiliation


@lru_cache(maxsize=1)
def gazetteer_aliases() -> dict[str, ActorAttributes]:
    """Alias text -> actor attributes, from the pipeline's validated gazetteer
    (pycountry's countries merged with the project's data files)."""
    aliases: dict[str, ActorAttributes] = {}
    for entry in load_gazetteer().values():
        attributes = {"actor_id": entry["id"], "actor_type": entry["type"]}
        if entry.get("affiliation"):
            attributes["affiliation"] = entry["affiliation"]
        for alias in [entry.get("name"), *entry.get("aliases", []), *entry.get("demonyms", []),
                      *entry.get("metonyms", [])]:
            if alias:
                aliases.setdefault(alias, attributes)
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
