"""Reads what the report is built from: the extract tables and the document texts.

The report trusts nothing it reads: missing files and columns are errors naming
them, and every span row must quote the document text at its offsets exactly,
so a highlight can never land on the wrong words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.corpus import canonical_text, text_sha256

REQUIRED_COLUMNS = {
    "documents": ["doc_id", "title", "number", "date", "path", "sha256", "n_chars", "n_tokens", "n_sentences"],
    "segments": ["doc_id", "segment_id", "kind", "section", "start_char", "end_char", "text"],
    "mentions": ["doc_id", "mention_id", "sentence_id", "start_char", "end_char", "text", "actor_id", "actor_type"],
    "actors": ["actor_id", "name", "actor_type", "root_id", "n_mentions", "n_documents"],
    "demands": [
        "doc_id", "demand_id", "sentence_id", "section", "start_char", "end_char", "text",
        "demander_id", "addressee_ids", "cue",
    ],
    "recommendations": [
        "doc_id", "recommendation_id", "sentence_id", "section", "start_char", "end_char", "text",
        "target_ids", "modality",
    ],
}
SPAN_TABLES = ("mentions", "demands", "recommendations")
INTEGER_COLUMNS = ("start_char", "end_char", "n_chars", "n_tokens", "n_sentences", "n_mentions", "n_documents")
# Optional columns the report shows when present (TABLES.md: once a model is involved).
OPTIONAL_COLUMNS = ("confidence", "source")


class ReportError(Exception):
    """A problem with the report's input, stated in one line naming the file."""


@dataclass
class Tables:
    """The extract tables the report reads, as string-typed frames (empty cell = "")."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    mentions: pd.DataFrame
    actors: pd.DataFrame
    demands: pd.DataFrame
    recommendations: pd.DataFrame


def split_ids(cell: str) -> list[str]:
    """A multi-valued cell (``USA;NATO``) as a list; an empty cell is an empty list."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def read_table(out_dir: Path, name: str) -> pd.DataFrame:
    """Reads ``out_dir/<name>.csv``, checks its required columns and types its numbers."""
    path = out_dir / f"{name}.csv"
    if not path.is_file():
        raise ReportError(f"{path}: not found; run `make extract OUT={out_dir}` first")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ReportError(f"{path}: not a readable CSV table ({error})") from None
    missing = [column for column in REQUIRED_COLUMNS[name] if column not in frame.columns]
    if missing:
        raise ReportError(f"{path}: missing required column(s) {', '.join(missing)}")
    for column in INTEGER_COLUMNS:
        if column in frame.columns:
            frame[column] = _to_numbers(frame[column], path, column, integer=True)
    if "confidence" in frame.columns:
        frame["confidence"] = _to_numbers(frame["confidence"], path, "confidence", integer=False)
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns and name in SPAN_TABLES:
            frame[column] = float("nan") if column == "confidence" else ""
    if "start_char" in frame.columns:
        # The index stays the row's place in the file, for error messages.
        frame = frame.sort_values(["doc_id", "start_char", "end_char"], kind="stable")
    return frame


def _to_numbers(column: pd.Series, path: Path, name: str, integer: bool) -> pd.Series:
    numbers = pd.to_numeric(column.where(column != "", None), errors="coerce")
    required = name in ("start_char", "end_char")
    bad = numbers.isna() & ((column != "") | required)
    if integer:
        bad |= numbers.notna() & (numbers % 1 != 0)
    if bad.any():
        index = bad[bad].index[0]
        raise ReportError(f"{path}: row {index + 1}: column {name} holds {column[index]!r}, not a number")
    return numbers.astype("Int64") if integer else numbers.astype(float)


def read_tables(out_dir: Path) -> Tables:
    """Reads the six tables the report uses from an extract output folder."""
    return Tables(**{name: read_table(out_dir, name) for name in REQUIRED_COLUMNS})


def resolve_text_path(path_cell: str, out_dir: Path) -> Path:
    """Finds a document by the ``path`` in documents.csv: absolute, or relative to
    the working directory (where `make extract` ran) or to the output folder."""
    path = Path(path_cell)
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, out_dir / path]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ReportError(f"{out_dir / 'documents.csv'}: document file {path_cell!r} not found")


def read_texts(tables: Tables, out_dir: Path) -> dict[str, str]:
    """Canonical text of every document, checked against the span rows' offsets."""
    texts = {}
    for row in tables.documents.itertuples(index=False):
        path = resolve_text_path(row.path, out_dir)
        try:
            text = canonical_text(path.read_bytes())
        except UnicodeDecodeError as error:
            raise ReportError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
        if row.sha256 and text_sha256(text) != row.sha256:
            raise ReportError(f"{path}: changed since the tables were extracted (sha256 differs); extract again")
        texts[row.doc_id] = text
    for name in ("segments", *SPAN_TABLES):
        check_offsets(name, getattr(tables, name), texts, out_dir / f"{name}.csv")
    return texts


def check_offsets(name: str, frame: pd.DataFrame, texts: dict[str, str], path: Path) -> None:
    """Raises unless each row's text is the document text at its offsets."""
    for row in frame.itertuples():
        number = row.Index + 1  # data row number, header not counted
        if row.doc_id not in texts:
            raise ReportError(f"{path}: row {number}: doc_id {row.doc_id!r} is not in documents.csv")
        text = texts[row.doc_id]
        start, end = int(row.start_char), int(row.end_char)
        if not 0 <= start < end <= len(text):
            raise ReportError(
                f"{path}: row {number}: offsets [{start}, {end}) outside {row.doc_id!r} ({len(text)} chars)"
            )
        # Segment texts may be trimmed by the exporter; span texts must match exactly.
        if name != "segments" and text[start:end] != row.text:
            raise ReportError(
                f"{path}: row {number}: text {row.text[:40]!r} differs from {row.doc_id!r} at [{start}, {end})"
            )
