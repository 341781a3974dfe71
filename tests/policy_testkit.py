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


_LISTENER = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}
_TREEBANK = [
    ("Russia demands guarantees .", ["NNP", "VBZ", "NNS", "."], [1, 1, 1, 1], ["nsubj", "ROOT", "obj", "punct"]),
    ("NATO should act .", ["NNP", "MD", "VB", "."], [2, 2, 2, 2], ["nsubj", "aux", "ROOT", "punct"]),
]


def train_tiny_base(path: Path) -> Path:
    """Save at ``path`` a syntactic base laid out like ours (tok2vec with a tagger and a
    parser listening to it, UD labels), trained for a few steps on two sentences: what
    tests of the syntax layer need from a parser, in seconds and without a download."""
    from spacy.training import Example

    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger", config={"model": {"@architectures": "spacy.Tagger.v2", "tok2vec": _LISTENER}})
    nlp.add_pipe("parser", config={"min_action_freq": 1, "model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "parser", "extra_state_tokens": False,
        "hidden_width": 16, "maxout_pieces": 2, "use_upper": True, "tok2vec": _LISTENER}})
    examples = [Example.from_dict(nlp.make_doc(text), {"tags": tags, "heads": heads, "deps": deps})
                for text, tags, heads, deps in _TREEBANK]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(3):
        nlp.update(examples, sgd=optimizer)
    nlp.to_disk(path)
    return path

