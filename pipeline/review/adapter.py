"""The only code that talks HTTP to doccano: a thin command-line adapter over doccano-client.

It runs in its own environment (`.venv-doccano-client`: doccano-client 1.2.8 needs
pydantic<2 and urllib3<2, which would hold the main environment back) and exchanges
JSON/JSONL files with the main side (`pipeline.review.remote`). It imports nothing from
the pipeline. Credentials come from DOCCANO_USERNAME / DOCCANO_PASSWORD.

    python adapter.py snapshot --url URL --project NAME --out snapshot.json [--create]
    python adapter.py apply --url URL --project NAME --upload new.jsonl --delete ids.json --out result.json

Exit status 0 on success; 2 with one line `error: ...` on stderr otherwise.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

import requests
from doccano_client import DoccanoClient
from doccano_client.exceptions import DoccanoAPIError

SPAN_TYPES = {"ACTOR": ("a", "#1f77b4"), "DEMAND": ("d", "#d62728"), "RECOMMENDATION": ("r", "#2ca02c")}
RELATION_TYPES = {"demander": "#9467bd", "addressee": "#ff7f0e", "target": "#17becf"}
PROJECT_DESCRIPTION = "Review of machine-tagged actors, demands and recommendations (policy-pipeline)."


class AdapterError(RuntimeError):
    """One line for the user."""


def connect(url: str, request_timeout: float, task_timeout: int) -> DoccanoClient:
    client = DoccanoClient(url)
    # doccano-client sets no HTTP timeout and waits an hour for tasks: bound both, so a
    # hung server or a missing task worker ends in a clear error.
    session = client._base_repository._session
    session.request = functools.partial(session.request, timeout=request_timeout)
    repository = client._task_status_repository
    repository.wait = functools.partial(repository.wait, timeout=task_timeout)
    username = os.environ.get("DOCCANO_USERNAME", "")
    try:
        client.login(username, os.environ.get("DOCCANO_PASSWORD", ""))
    except DoccanoAPIError as error:
        if error.response is not None and error.response.status_code in (400, 401, 403):
            raise AdapterError(f"doccano at {url} refused the login of user {username!r}: "
                               "check DOCCANO_USERNAME and DOCCANO_PASSWORD") from None
        raise
    return client


def find_project(client: DoccanoClient, name: str) -> int | None:
    found = [p for p in client.list_projects() if p.name == name]
    if len(found) > 1:
        raise AdapterError(f"doccano has {len(found)} projects named {name!r}; rename or delete all but one")
    if not found:
        return None
    project = found[0]
    if project.project_type.value != "SequenceLabeling" or not project.use_relation:
        raise AdapterError(f"doccano project {name!r} is not a sequence-labelling project with relations; "
                           "choose another REVIEW_PROJECT")
    return project.id


def ensure_project(client: DoccanoClient, name: str) -> int:
    """The project's id; creates it, and any missing label or relation type."""
    project_id = find_project(client, name)
    if project_id is None:
        project_id = client.create_project(
            name, "SequenceLabeling", PROJECT_DESCRIPTION, use_relation=True,
            allow_overlapping=True, collaborative_annotation=True,
        ).id
    existing = {t.text for t in client.list_label_types(project_id, "span")}
    for text, (key, color) in SPAN_TYPES.items():
        if text not in existing:
            client.create_label_type(project_id, "span", text, suffix_key=key, color=color)
    existing = {t.text for t in client.list_label_types(project_id, "relation")}
    for text, color in RELATION_TYPES.items():
        if text not in existing:
            client.create_label_type(project_id, "relation", text, color=color)
    return project_id


def export_examples(client: DoccanoClient, project_id: int) -> list[dict]:
    """All examples as doccano's JSONL export has them, plus `is_confirmed`."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = client.download(project_id, "JSONL", dir_name=tmp)
        examples = []
        with zipfile.ZipFile(archive) as zipped:
            for member in sorted(zipped.namelist()):
                if member.endswith(".jsonl"):
                    lines = zipped.read(member).decode("utf-8").splitlines()
                    examples.extend(json.loads(line) for line in lines if line.strip())
    confirmed = {e.id: e.is_confirmed for e in client.list_examples(project_id)}
    for example in examples:
        example["is_confirmed"] = confirmed.get(example["id"], False)
    return examples


def snapshot(client: DoccanoClient, args: argparse.Namespace) -> dict:
    project_id = ensure_project(client, args.project) if args.create else find_project(client, args.project)
    if project_id is None:
        raise AdapterError(f"doccano at {args.url} has no project named {args.project!r} "
                           "(run `make review-push` first, or set REVIEW_PROJECT)")
    return {"project_id": project_id, "examples": export_examples(client, project_id)}


def apply(client: DoccanoClient, args: argparse.Namespace) -> dict:
    """Upload new examples, then delete the replaced ones (never the other way round)."""
    project_id = find_project(client, args.project)
    if project_id is None:
        raise AdapterError(f"doccano at {args.url} has no project named {args.project!r}")
    n_lines = sum(1 for line in args.upload.read_text(encoding="ascii").splitlines() if line.strip())
    if n_lines:
        status = client.upload(project_id, [str(args.upload)], task="RelationExtraction", format="JSONL")
        problems = list((status.result or {}).get("error") or []) if isinstance(status.result, dict) else []
        if status.error:
            raise AdapterError(f"doccano rejected the upload of {n_lines} example(s): the import task failed "
                               f"({status.error})")
        if problems:
            detail = "; ".join(f"line {p.get('line')}: {p.get('message')}" for p in problems[:3])
            raise AdapterError(f"doccano rejected the upload of {n_lines} example(s) ({len(problems)} error(s)): "
                               f"{detail}")
    deleted = json.loads(args.delete.read_text()) if args.delete else []
    if deleted:
        client.bulk_delete_examples(project_id, deleted)
    return {"project_id": project_id, "uploaded": n_lines, "deleted": len(deleted)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="doccano adapter of policy-pipeline")
    parser.add_argument("command", choices=["snapshot", "apply"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--create", action="store_true", help="snapshot: create the project if missing")
    parser.add_argument("--upload", type=Path, help="apply: JSONL file of examples to upload")
    parser.add_argument("--delete", type=Path, help="apply: JSON list of example ids to delete")
    parser.add_argument("--request-timeout", type=float, default=30.0)
    parser.add_argument("--task-timeout", type=int, default=300)
    args = parser.parse_args(argv)
    try:
        client = connect(args.url, args.request_timeout, args.task_timeout)
        result = snapshot(client, args) if args.command == "snapshot" else apply(client, args)
    except AdapterError as error:
        message = str(error)
    except requests.exceptions.ConnectionError:
        message = f"cannot connect to doccano at {args.url}: is it running? (make doccano-up)"
    except requests.exceptions.Timeout:
        message = f"doccano at {args.url} did not answer within {args.request_timeout:g} s"
    except TimeoutError:
        message = (f"doccano at {args.url} did not finish its {args.command} task within {args.task_timeout} s: "
                   "is its task worker running? (make doccano-down doccano-up)")
    except DoccanoAPIError as error:
        response = error.response
        body = " ".join(response.text.split())[:200] if response is not None else ""
        message = f"doccano at {args.url} answered {response.status_code if response is not None else '?'} " \
                  f"to {response.request.method} {response.request.path_url}: {body}"
    else:
        args.out.write_text(json.dumps(result))
        return 0
    print(f"error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
