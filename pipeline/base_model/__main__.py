"""`python -m pipeline.base_model convert|card`: the steps of `make base-model` that are ours.

Training and scoring are spaCy's own (`spacy train`, `spacy evaluate`).
"""

from pathlib import Path

import typer

from . import BaseModelError

app = typer.Typer(add_completion=False, help="Build the syntactic base from UD English-EWT.")


@app.command()
def convert(
    src: Path = typer.Argument(..., help="A UD CoNLL-U file (one split)."),
    dest: Path = typer.Argument(..., help="The .spacy DocBin to write."),
    n_sents: int = typer.Option(10, help="Sentences per Doc."),
    limit: int = typer.Option(0, help="Keep only the first N sentences (0: all); for smoke runs."),
) -> None:
    """Convert a UD CoNLL-U split into a spaCy DocBin."""
    from .convert import convert_conllu

    try:
        n_sentences, n_tokens = convert_conllu(src, dest, n_sents=n_sents, limit=limit)
    except BaseModelError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{dest}: {n_sentences} sentences, {n_tokens} tokens from {src}")


@app.command()
def card(
    model_dir: Path = typer.Option(Path("models/base"), help="The training output folder (holds model-best)."),
    ud_dir: Path = typer.Option(..., help="The UD treebank folder the model was trained on."),
    out: Path = typer.Option(..., help="The model card to write (Markdown)."),
) -> None:
    """Write the model card: data, licence, test scores, lemma table effect, size, speed."""
    from .card import write_model_card

    try:
        write_model_card(model_dir, ud_dir, out)
    except BaseModelError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{out}: written")


if __name__ == "__main__":
    app()
