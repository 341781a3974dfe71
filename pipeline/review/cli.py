"""`python -m pipeline.review push|pull`: thin wrappers over `pipeline.review.workflow`.

Connection settings come from the environment (the Makefile passes them on):
DOCCANO_URL (or DOCCANO_PORT on 127.0.0.1), DOCCANO_USERNAME, DOCCANO_PASSWORD,
REVIEW_PROJECT.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from pipeline.review.remote import DEFAULT_CLIENT_PYTHON, DoccanoConnection, ReviewError
from pipeline.review.server import DEFAULT_PASSWORD, DEFAULT_PORT, DEFAULT_USERNAME
from pipeline.review.workflow import load_predictions, pull_reviews, push_records

app = typer.Typer(help="Review machine annotations in doccano.", no_args_is_help=True, add_completion=False)

DEFAULT_PROJECT = "policy-review"


def connection_from_env(client_python: Path, request_timeout: float, task_timeout: int) -> DoccanoConnection:
    url = os.environ.get("DOCCANO_URL") or f"http://127.0.0.1:{os.environ.get('DOCCANO_PORT') or DEFAULT_PORT}"
    return DoccanoConnection(
        url=url.rstrip("/"),
        project=os.environ.get("REVIEW_PROJECT") or DEFAULT_PROJECT,
        username=os.environ.get("DOCCANO_USERNAME") or DEFAULT_USERNAME,
        password=os.environ.get("DOCCANO_PASSWORD") or DEFAULT_PASSWORD,
        client_python=client_python,
        request_timeout=request_timeout,
        task_timeout=task_timeout,
    )


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


ClientPython = typer.Option(DEFAULT_CLIENT_PYTHON, help="Python of the doccano-client environment.")
RequestTimeout = typer.Option(30.0, help="Seconds one HTTP request to doccano may take.")
TaskTimeout = typer.Option(300, help="Seconds an import or export may take on the server.")


@app.command()
def push(
    corpus: Path = typer.Option(Path("corpus"), help="Folder of the documents (*.txt)."),
    predictions: Path = typer.Option(Path("out/annotations"), help="Folder of the machine's <doc_id>.json."),
    client_python: Path = ClientPython,
    request_timeout: float = RequestTimeout,
    task_timeout: int = TaskTimeout,
) -> None:
    """Upload the machine's annotations of every corpus document to doccano."""
    connection = connection_from_env(client_python, request_timeout, task_timeout)
    documents, errors = load_predictions(corpus, predictions)
    try:
        result = push_records(documents, connection)
    except ReviewError as error:
        for line in errors:
            _fail(line)
        _fail(str(error))
        raise typer.Exit(1)
    for line in [*errors, *result.errors]:
        _fail(line)
    for line in result.plan.warnings:
        typer.echo(f"warning: {line}", err=True)
    typer.echo(f"review-push to {connection.url} project {connection.project!r}: {result.plan.summary()}"
               f"{f', {len(errors) + len(result.errors)} failed' if errors or result.errors else ''}")
    if errors or result.errors:
        raise typer.Exit(1)


@app.command()
def pull(
    corpus: Path = typer.Option(Path("corpus"), help="Folder of the documents (*.txt)."),
    gold: Path = typer.Option(Path("annotations/gold"), help="Folder of the gold files."),
    texts: Path = typer.Option(Path("annotations/texts"), help="Folder for texts not in the corpus."),
    report: Path = typer.Option(Path("out/review/report.json"), help="The review report as JSON."),
    include_unconfirmed: bool = typer.Option(False, "--all", help="Also write gold for unconfirmed examples."),
    client_python: Path = ClientPython,
    request_timeout: float = RequestTimeout,
    task_timeout: int = TaskTimeout,
) -> None:
    """Download the reviewed examples into gold files and print the review report."""
    connection = connection_from_env(client_python, request_timeout, task_timeout)
    try:
        result = pull_reviews(connection, corpus=corpus, gold_dir=gold, texts_dir=texts,
                              include_unconfirmed=include_unconfirmed, report_path=report)
    except ReviewError as error:
        _fail(str(error))
        raise typer.Exit(1)
    for line in result.warnings:
        typer.echo(f"warning: {line}", err=True)
    for line in result.errors:
        _fail(line)
    typer.echo(result.report.format())
    counts = {status: sum(1 for s in result.written.values() if s == status) for status in ("new", "replaced", "unchanged")}
    typer.echo(f"gold files in {gold}: {counts['new']} new, {counts['replaced']} replaced "
               f"(previous versions in {gold / '.history'}), {counts['unchanged']} unchanged; report in {report}")
    if result.errors:
        raise typer.Exit(1)


def main() -> None:
    app()
