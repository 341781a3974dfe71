"""review-push and review-pull as plain functions over files and a `DoccanoConnection`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.review.actor_lookup import document_resolver
from pipeline.review.doccano_format import (
    RecordError, check_example, check_record, machine_record_of, record_to_example,
)
from pipeline.review.documents import (
    document_text, pipeline_version, read_canonical_text, text_sha256, write_atomic, write_gold,
)
from pipeline.review.push_plan import PushPlan, plan_push
from pipeline.review.remote import DoccanoConnection
from pipeline.review.report import ReviewReport, compare_spans
from pipeline.review.reviewed import reviewed_record


@dataclass
class PushResult:
    plan: PushPlan
    errors: list[str] = field(default_factory=list)


@dataclass
class PullResult:
    report: ReviewReport
    written: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_predictions(corpus: Path, predictions: Path) -> tuple[list[tuple[dict, str]], list[str]]:
    """(record, text) for every corpus document, with one error line per document that fails."""
    documents, errors = [], []
    texts = sorted(Path(corpus).glob("*.txt"))
    if not texts:
        errors.append(f"{corpus}: no .txt documents to push")
    for path in texts:
        prediction = Path(predictions) / f"{path.stem}.json"
        if not prediction.is_file():
            errors.append(f"{prediction}: no prediction for {path} (run `make extract`)")
            continue
        try:
            record = json.loads(prediction.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, OSError) as error:
            errors.append(f"{prediction}: not a readable JSON record ({error})")
            continue
        try:
            documents.append((record, read_canonical_text(path)))
        except (UnicodeDecodeError, OSError) as error:
            errors.append(f"{path}: cannot read the text ({error})")
    return documents, errors


def push_records(documents: list[tuple[dict, str]], connection: DoccanoConnection) -> PushResult:
    """Push (record, canonical text) pairs; records that do not fit their text are not pushed.

    Raises:
        ReviewError: when doccano cannot be reached or refuses the push.
    """
    version = pipeline_version()
    lines, errors = [], []
    for record, text in documents:
        try:
            check_record(record, text, text_sha256(text))
        except RecordError as error:
            errors.append(str(error))
            continue
        lines.append(record_to_example(record, text, pipeline_version=version))
    snapshot = connection.snapshot(create=True)
    plan = plan_push(lines, snapshot["examples"])
    if plan.upload or plan.delete:
        connection.apply(plan.upload, plan.delete)
    return PushResult(plan=plan, errors=errors)


def _safe_doc_id(doc_id: object) -> bool:
    return isinstance(doc_id, str) and bool(doc_id) and Path(doc_id).name == doc_id and not doc_id.startswith(".")


def pull_reviews(connection: DoccanoConnection, *, corpus: Path, gold_dir: Path, texts_dir: Path,
                 include_unconfirmed: bool = False, report_path: Path | None = None,
                 now: datetime | None = None) -> PullResult:
    """Turn the project's confirmed examples into gold files and a review report.

    Args:
        include_unconfirmed: also write gold for examples nobody confirmed yet.
        report_path: where to write the report as JSON (not written when None).

    Raises:
        ReviewError: when doccano cannot be reached or the project does not exist.
    """
    snapshot = connection.snapshot(create=False)
    result = PullResult(report=ReviewReport())
    by_doc: dict[str, list[dict]] = {}
    for example in snapshot["examples"]:
        doc_id = example.get("doc_id")
        if not _safe_doc_id(doc_id):
            result.errors.append(f"doccano example {example.get('id')}: doc_id {doc_id!r} is not a file name")
            continue
        by_doc.setdefault(doc_id, []).append(example)
    for doc_id, examples in sorted(by_doc.items()):
        if len(examples) > 1:
            result.errors.append(f"{doc_id}: {len(examples)} examples in doccano "
                                 f"(ids {', '.join(str(e['id']) for e in examples)}); "
                                 "run `make review-push` or delete all but one")
            continue
        example = examples[0]
        if not example.get("is_confirmed") and not include_unconfirmed:
            result.report.pending.append(doc_id)
            continue
        try:
            sha = text_sha256(example["text"])
            check_example(example, sha)
            machine = machine_record_of(example)
            local = document_text(doc_id, corpus, texts_dir)
            if local is not None and text_sha256(local[1]) != sha:
                raise RecordError(f"{local[0]}: differs from the text reviewed in doccano "
                                  "(changed since the push?); gold not written")
            reviewed = reviewed_record(example, resolve_actor=document_resolver(machine["spans"]))
        except RecordError as error:
            result.errors.append(str(error))
            continue
        if local is None:
            write_atomic(Path(texts_dir) / f"{doc_id}.txt", example["text"])
        result.written[doc_id] = write_gold(reviewed.record, gold_dir, now=now)
        result.warnings.extend(reviewed.warnings)
        result.report.documents[doc_id] = compare_spans(machine["spans"], reviewed.record["spans"])
    if report_path is not None:
        write_atomic(Path(report_path), json.dumps(result.report.to_dict(), indent=1) + "\n")
    return result
