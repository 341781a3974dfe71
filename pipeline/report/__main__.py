"""``python -m pipeline.report --out OUT``: build the HTML report beside the tables."""

from __future__ import annotations

from pathlib import Path

import typer

from pipeline.report import ReportError, build_report

app = typer.Typer(add_completion=False)


@app.command()
def report(
    out: Path = typer.Option(Path("out"), "--out", help="Folder holding the extract tables; the report goes to OUT/report."),
) -> None:
    """Writes OUT/report/index.html and one page per document."""
    try:
        index = build_report(out)
    except ReportError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"report: {index}")


if __name__ == "__main__":
    app()
