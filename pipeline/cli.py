"""The command line: ``python -m pipeline extract|evaluate|bench``.

Each command is a thin wrapper over a plain function that tests call directly.
Errors are one clear line and a non-zero exit, not a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .corpus import MAX_BYTES

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Actors, demands and recommendations from policy texts, as tables.")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def extract(
    corpus: Path = typer.Option(Path("corpus"), help="Folder of .txt documents, read with its subfolders (or one file)."),
    out: Path = typer.Option(Path("out"), help="Where the tables go."),
    n_process: int = typer.Option(1, help="Worker processes."),
    model: Path = typer.Option(None, help="A built pipeline folder (default: models/policy, else the config)."),
    layers: str = typer.Option("best", help="best (every layer present), rules, rules+syntax, rules+syntax+trained."),
    max_mb: float = typer.Option(MAX_BYTES / 1e6, help="Refuse files larger than this many MB."),
) -> None:
    """Process a corpus into the seven tables, datapackage.json and tables.xlsx.

    Exit codes: 0 all documents processed, 1 some failed (each named on
    stderr), 2 nothing to do (no corpus, no .txt file, unusable output folder).
    """
    from .corpus import DocumentError
    from .extract import extract as run
    from .nlp import LayerError, build_pipeline

    try:
        nlp = build_pipeline(layers, model=model)
        typer.echo(f"pipeline: {nlp.meta['policy_layers_description']}")
        summary = run(corpus, out, nlp=nlp, n_process=n_process, max_bytes=int(max_mb * 1e6))
    except (DocumentError, FileNotFoundError, LayerError) as err:
        _fail(str(err))
    except OSError as err:
        _fail(f"{err.filename or out}: {err.strerror or err}")
    except Exception as err:  # a bug, not bad input: still one line, and the old tables stay
        _fail(f"extract stopped ({type(err).__name__}: {err}); the tables in {out} were left as they were", 1)
    typer.echo(summary.line())
    if summary.failures:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Path = typer.Option(Path("annotations/gold"), help="A gold file or a folder of them."),
    out: Path = typer.Option(Path("out/evaluation"), help="Where metrics.json goes."),
    texts: list[Path] = typer.Option([Path("corpus"), Path("annotations/texts")],
                                     help="Folders holding the gold documents' texts."),
    model: Path = typer.Option(None, help="A built pipeline folder."),
    layers: str = typer.Option("best", help="best (every layer present), rules, rules+syntax, rules+syntax+trained."),
    compare: bool = typer.Option(False, "--compare", help="Score rules, rules+syntax and rules+syntax+trained "
                                 "side by side (trained: out of fold on dev); --layers is then ignored."),
    splits: Path = typer.Option(Path("annotations/splits.json"), help="dev/test splits, for --compare."),
    trained: Path = typer.Option(None, help="The trained layer's model-best (default: models/trained/model-best)."),
) -> None:
    """Score the pipeline against gold annotations (ANNOTATION_GUIDE.md, Scoring)."""
    from .evaluate import compare as run_compare
    from .evaluate import evaluate as run
    from .nlp import LayerError, build_pipeline

    errors: list[str] = []

    def report_error(line: str) -> None:
        errors.append(line)
        typer.echo(line, err=True)

    try:
        if compare:
            run_compare(gold, out, text_dirs=texts, splits=splits, model=model, trained=trained,
                        report=typer.echo, report_error=report_error)
        else:
            nlp = build_pipeline(layers, model=model, trained=trained)
            typer.echo(f"pipeline: {nlp.meta['policy_layers_description']}")
            run(gold, out, text_dirs=texts, nlp=nlp, report=typer.echo, report_error=report_error)
    except (FileNotFoundError, LayerError) as err:
        _fail(str(err))
    except ValueError as err:
        _fail(str(err))
    if errors:
        raise typer.Exit(1)


@app.command()
def report(out: Path = typer.Option(Path("out"), help="The folder of the tables.")) -> None:
    """A static HTML report over the tables: one page per document and a corpus page."""
    from .report import build_report

    try:
        typer.echo(build_report(out))
    except (FileNotFoundError, ValueError) as err:
        _fail(str(err), 1)


@app.command()
def bench(
    n_docs: int = typer.Option(200, help="Documents in the generated corpus."),
    work: Path = typer.Option(Path("build/bench"), help="Scratch folder."),
) -> None:
    """Throughput and peak memory against spaCy's tokenizer + sentencizer."""
    from .bench import BenchmarkError, run_benchmark

    try:
        run_benchmark(n_docs=n_docs, work=work, report=typer.echo)
    except BenchmarkError as err:
        _fail(str(err), 1)


def main() -> None:
    app(prog_name="python -m pipeline")


if __name__ == "__main__":
    sys.exit(main())
