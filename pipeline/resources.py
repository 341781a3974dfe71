"""Loading and validating the data files under ``pipeline/resources``.

Rules and lexicons are data: a reviewer adds an actor alias or a cue without
touching Python. Every file is validated on load; an error names the file, the
line and what is allowed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

RESOURCES = Path(__file__).parent / "resources"
ACTOR_TYPES = ("state", "organisation", "body", "person", "group")
_ID_RE = re.compile(r"^(?:[A-Z][A-Z0-9+-]{1,15}|[A-Z][A-Z0-9-]*:[a-z0-9][a-z0-9-]*|person:[a-z0-9-]+|group:[a-z0-9-]+)$")

_ACTOR_KEYS = {
    "id": str, "type": str, "name": str, "aliases": list, "weak": list,
    "demonyms": list, "metonyms": list, "affiliation": str,
}


class ResourceError(ValueError):
    """A data file that does not follow its schema."""


def _fail(path: Path, line: int | None, message: str) -> None:
    where = f"{path.name}:{line}" if line else path.name
    raise ResourceError(f"{where}: {message}")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        _fail(path, err.lineno, f"invalid JSON ({err.msg})")


def _check_keys(path: Path, line: int | None, record: dict, allowed: dict[str, type]) -> None:
    for key, value in record.items():
        if key.startswith("_"):
            continue
        if key not in allowed:
            _fail(path, line, f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}")
        if not isinstance(value, allowed[key]):
            _fail(path, line, f"{key!r} must be a {allowed[key].__name__}, got {type(value).__name__}")
        if isinstance(value, list) and not all(isinstance(v, str) and v for v in value):
            _fail(path, line, f"{key!r} must be a list of non-empty strings")


def check_actor_id(actor_id: str) -> bool:
    """Whether an id has one of the guide's forms (see "Actor ids")."""
    return bool(_ID_RE.match(actor_id))


def actor_type_of(actor_id: str) -> str:
    """The actor type implied by the form of an id."""
    if actor_id.startswith("person:"):
        return "person"
    if actor_id.startswith("group:"):
        return "group"
    if ":" in actor_id:
        return "body"
    if len(actor_id) == 3 and actor_id.isalpha() and pycountry.countries.get(alpha_3=actor_id):
        return "state"
    return "organisation"


def root_of(actor_id: str, affiliation: str | None = None) -> str:
    """The root of an id: the owner of a body, the affiliation of a person, else the id."""
    if actor_id.startswith("person:"):
        return affiliation or actor_id
    if ":" in actor_id and not actor_id.startswith("group:"):
        return actor_id.split(":", 1)[0]
    return actor_id


def read_actor_file(path: Path) -> list[dict]:
    """Read and validate a gazetteer file (JSONL, one actor a line)."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            _fail(path, number, f"invalid JSON ({err.msg})")
        if not isinstance(record, dict) or "id" not in record:
            _fail(path, number, "each line must be an object with an 'id'")
        _check_keys(path, number, record, _ACTOR_KEYS)
        if not check_actor_id(record["id"]):
            _fail(path, number, f"bad actor id {record['id']!r} (see ANNOTATION_GUIDE.md, Actor ids)")
        if record.get("type", "state") not in ACTOR_TYPES:
            _fail(path, number, f"bad type {record['type']!r}; allowed: {', '.join(ACTOR_TYPES)}")
        for weak in record.get("weak", []):
            if weak not in record.get("aliases", []):
                _fail(path, number, f"weak alias {weak!r} is not among the aliases")
        records.append(record)
    return records


@lru_cache(maxsize=1)
def load_gazetteer() -> dict[str, dict]:
    """All actors by id: every ISO 3166-1 country from pycountry, merged with
    the project's own aliases, demonyms and metonyms, organisations, bodies,
    groups and persons."""
    actors: dict[str, dict] = {}
    for country in pycountry.countries:
        names = {country.name}
        for attr in ("common_name", "official_name"):
            if getattr(country, attr, None):
                names.add(getattr(country, attr))
        # "Korea, Republic of" is no way to write a name in running text
        names = {n for n in names if "," not in n}
        actors[country.alpha_3] = {
            "id": country.alpha_3, "type": "state",
            "name": getattr(country, "common_name", None) or country.name,
            "aliases": sorted(names), "demonyms": [], "metonyms": [], "weak": [],
        }
    for filename in ("states.jsonl", "actors.jsonl"):
        path = RESOURCES / filename
        for record in read_actor_file(path):
            entry = actors.setdefault(record["id"], {
                "id": record["id"], "type": record.get("type", "state"),
                "name": record.get("name", record["id"]), "aliases": [],
                "demonyms": [], "metonyms": [], "weak": [],
            })
            for key in ("aliases", "demonyms", "metonyms", "weak"):
                entry[key] = sorted(set(entry[key]) | set(record.get(key, [])))
            for key in ("type", "name", "affiliation"):
                if key in record:
                    entry[key] = record[key]
    for entry in actors.values():
        # names are written with straight or curly apostrophes ("Côte d'Ivoire", "Côte d’Ivoire")
        for key in ("aliases", "demonyms", "metonyms", "weak"):
            entry[key] = sorted(set(entry[key]) | {_other_apostrophe(n) for n in entry[key] if "'" in n or "’" in n})
    return actors


def _other_apostrophe(name: str) -> str:
    return name.replace("'", "’") if "'" in name else name.replace("’", "'")


def _load_json_resource(name: str, required: dict[str, type]) -> dict:
    path = RESOURCES / name
    data = _read_json(path)
    if not isinstance(data, dict):
        _fail(path, None, "must be a JSON object")
    for key, kind in required.items():
        if key not in data:
            _fail(path, None, f"missing key {key!r}")
        if not isinstance(data[key], kind):
            _fail(path, None, f"{key!r} must be a {kind.__name__}")
    unknown = set(data) - set(required) - {k for k in data if k.startswith("_")}
    if unknown:
        _fail(path, None, f"unknown keys {sorted(unknown)}; allowed: {sorted(required)}")
    return data


@lru_cache(maxsize=1)
def load_layout_rules() -> dict:
    return _load_json_resource("layout.json", {
        "number_patterns": list, "caption_prefixes": list, "byline_prefixes": list,
        "list_intro_endings": list, "heading_max_words": int, "heading_max_chars": int,
        "heading_forbidden_endings": list, "date_max_extra_words": int,
        "wrapped_line_max_chars": int,
    })


@lru_cache(maxsize=1)
def load_person_titles() -> list[dict]:
    data = _load_json_resource("person_titles.json", {"titles": list})
    for entry in data["titles"]:
        _check_keys(RESOURCES / "person_titles.json", None, entry, {"title": str, "affiliation": str})
    return data["titles"]


@lru_cache(maxsize=1)
def load_body_names() -> list[dict]:
    data = _load_json_resource("body_names.json", {"bodies": list})
    for entry in data["bodies"]:
        _check_keys(RESOURCES / "body_names.json", None, entry, {"name": str, "slug": str, "lower": bool})
    return data["bodies"]


@lru_cache(maxsize=1)
def load_backrefs() -> list[dict]:
    path = RESOURCES / "backrefs.json"
    data = _load_json_resource("backrefs.json", {"backrefs": list})
    for entry in data["backrefs"]:
        _check_keys(path, None, entry,
                    {"noun": str, "type": str, "slug_contains": str, "prefer": list, "exclude": list,
                     "modifiers": list, "anchor": bool})
        if "noun" not in entry or "type" not in entry:
            _fail(path, None, f"each backref needs 'noun' and 'type': {entry}")
        if entry["type"] not in ACTOR_TYPES:
            _fail(path, None, f"bad type {entry['type']!r}; allowed: {', '.join(ACTOR_TYPES)}")
        for actor_id in entry.get("prefer", []) + entry.get("exclude", []):
            if not check_actor_id(actor_id):
                _fail(path, None, f"noun {entry['noun']!r}: bad actor id {actor_id!r}")
    return data["backrefs"]


@lru_cache(maxsize=1)
def load_short_forms() -> list[dict]:
    """Capitalised short forms ('the Council', 'Members') and how they resolve."""
    path = RESOURCES / "short_forms.json"
    data = _load_json_resource("short_forms.json", {"short_forms": list})
    for entry in data["short_forms"]:
        _check_keys(path, None, entry, {"form": str, "id_contains": list, "types": list, "via": dict,
                                        "fallback": dict, "use_root": bool, "require_the": bool,
                                        "not_before": list})
        if "form" not in entry:
            _fail(path, None, f"each short form needs a 'form': {entry}")
        if not entry.get("id_contains") and not entry.get("types"):
            _fail(path, None, f"short form {entry['form']!r} needs 'id_contains' or 'types'")
        bad = set(entry.get("types", [])) - set(ACTOR_TYPES)
        if bad:
            _fail(path, None, f"short form {entry['form']!r}: bad types {sorted(bad)}")
        for key in ("via", "fallback"):
            for root, actor_id in entry.get(key, {}).items():
                if not (check_actor_id(root) and isinstance(actor_id, str) and check_actor_id(actor_id)):
                    _fail(path, None, f"short form {entry['form']!r}: {key} {root!r} -> {actor_id!r} is not id -> id")
    return data["short_forms"]


_CONTEXT_LISTS = ("place_prepositions", "acting_prepositions", "acting_heads", "event_nouns", "predicative",
                  "name_particles", "name_suffixes", "non_names", "allies_before", "geo_suffixes", "law_nouns",
                  "title_modifiers", "role_nouns", "reporting_verbs", "analyst_roles")


@lru_cache(maxsize=1)
def load_actor_context() -> dict[str, list[str]]:
    """Context words the actor tagger reads around a mention (lists of strings)."""
    path = RESOURCES / "actor_context.json"
    data = _load_json_resource("actor_context.json", {key: list for key in _CONTEXT_LISTS})
    for key in _CONTEXT_LISTS:
        if not all(isinstance(v, str) and v for v in data[key]):
            _fail(path, None, f"{key!r} must be a list of non-empty strings")
    return {key: data[key] for key in _CONTEXT_LISTS}


@lru_cache(maxsize=1)
def load_demand_cues() -> dict:
    data = _load_json_resource("demand_cues.json", {
        "cues": list, "nominal_cues": dict, "necessity_cues": list, "obligation_cues": list,
        "continuation_cues": list, "reporting_verbs": list, "according_to": list,
        "addressee_modals": list, "statement_title_words": list,
    })
    frames = {"addressee_to", "named_addressee_to", "that", "to", "for", "object", "object_from", "want_object",
              "continuation"}
    for entry in data["cues"]:
        _check_keys(RESOURCES / "demand_cues.json", None, entry, {"cue": str, "frames": list, "forms": list})
        bad = set(entry["frames"]) - frames
        if bad:
            _fail(RESOURCES / "demand_cues.json", None,
                  f"cue {entry['cue']!r}: unknown frames {sorted(bad)}; allowed: {sorted(frames)}")
    return data


@lru_cache(maxsize=1)
def load_recommendation_cues() -> dict:
    return _load_json_resource("recommendation_cues.json", {
        "modals": list, "option_modal": str, "option_verbs": list, "goal_nouns": list,
        "response_nouns": list, "response_adjectives": list, "impersonal_adjectives": list,
        "means_cues": list, "not_actions": list, "be_allowed": list,
    })
