"""`python -m pipeline.train`: what `make train` runs (cross-validation, final model, card)."""

from __future__ import annotations

from pathlib import Path

import typer

from . import TrainError

app = typer.Typer(add_completion=False, help="Train the layer learned from annotations (issue 4).")


@app.command()
def run(
    gold: Path = typer.Option(Path("annotations/gold"), help="Folder of gold files."),
    splits: Path = typer.Option(Path("annotations/splits.json"), help="Train on its `dev` split only."),
    out: Path = typer.Option(Path("models/trained"), help="Output folder (model-best, folds, cv.json)."),
    folds: int = typer.Option(5, help="Cross-validation folds (by document)."),
    epochs: int = typer.Option(None, help="Epochs (default: trained.cfg's training.max_epochs)."),
    seed: int = typer.Option(0, help="Random seed."),
    card: Path = typer.Option(None, help="Also write the model card here."),
    config: Path = typer.Option(None, help="Training config (default: pipeline/train/trained.cfg)."),
    tok2vec_source: Path = typer.Option(None, help="Start the tok2vec from this pipeline's (e.g. models/base/model-best)."),
) -> None:
    """Cross-validate by document, choose the merge, train on all of dev, write the card."""
    from .card import write_card
    from .cv import train_all

    try:
        result = train_all(gold, out, splits=splits, k=folds, epochs=epochs, seed=seed,
                           tok2vec_source=tok2vec_source, config=config, report=typer.echo)
    except TrainError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    text = write_card(result)
    (out / "MODEL_CARD.md").write_text(text, encoding="utf-8")
    if card:
        card.write_text(text, encoding="utf-8")
    typer.echo(f"{out}/model-best: trained; out-of-fold figures in {out}/cv.json, card {out}/MODEL_CARD.md")


if __name__ == "__main__":
    app()
