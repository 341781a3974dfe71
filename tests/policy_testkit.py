"""Helpers shared by the foundation tests (tiny documents, corpora, the real CLI).

A plain module rather than conftest.py, so that test files import it by a
name no other test folder uses.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import spacy
from spacy.language import Language

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = REPO / "corpus" / "seed-article.txt"
SEED_GOLD = REPO / "annotations" / "gold" / "seed-article.json"

#: Required columns of TABLES.md, in order (copied from the contract, not from the code).
REQUIRED_COLUMNS = {
    "documents": ["doc_id", "title", "number", "date", "path", "sha256", "n_chars", "n_tokens",
                  "n_sentences"],
    "segments": ["doc_id", "segment_id", "kind", "section", "start_char", "end_char", "text"],
    "sentences": ["doc_id", "sentence_id", "segment_id", "section", "start_char", "end_char", "text"],
    "mentions": ["doc_id", "mention_id", "sentence_id", "start_char", "end_char", "text", "actor_id",
                 "actor_type"],
    "actors": ["actor_id", "name", "actor_type", "root_id", "n_mentions", "n_documents"],
    "demands": ["doc_id", "demand_id", "sentence_id", "section", "start_char", "end_char", "text",
                "demander_id", "addressee_ids", "cue"],
    "recommendations": ["doc_id", "recommendation_id", "sentence_id", "section", "start_char",
                        "end_char", "text", "target_ids", "modality"],
}
TABLE_NAMES = tuple(REQUIRED_COLUMNS)


def document(*paragraphs: str, title: str = "Test Document", date: str | None = None) -> str:
    """A plain-layout document: title, optional date line, then one block per paragraph."""
    head = [title] + ([date] if date else [])
    return "\n\n".join(head + list(paragraphs)) + "\n"


def write_corpus(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``folder`` and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def read_table(path: Path) -> pd.DataFrame:
    """A CSV as strings, empty cells as ``""`` (what a downstream user sees)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_left(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".")]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` in a fresh process. ``cwd`` is a scratch folder
    without ``models/policy``, so the pipeline is assembled from its config."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def stderr_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


#: A document holding this text makes the crashing pipeline raise.
CRASH_MARKER = "CRASH-HERE"


@Language.component("test_crash_on_marker")
def crash_on_marker(doc):
    """Fails like a buggy component would, on one document only."""
    if CRASH_MARKER in doc.text:
        raise RuntimeError("component failed")
    return doc


def crashing_pipeline():
    """The segmenter, then a component that raises on the marker text."""
    nlp = spacy.blank("en")
    nlp.add_pipe("policy_segmenter")
    nlp.add_pipe("test_crash_on_marker")
    return nlp
