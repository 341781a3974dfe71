"""Writing the tables: CSV (RFC 4180), a Frictionless ``datapackage.json`` and a
spreadsheet-safe ``tables.xlsx``.

Writes are atomic: rows stream into a temporary folder inside the output
folder, and each finished file replaces the old one with ``os.replace``; a
crash leaves the previous tables as they were.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .tables import COLUMNS, TABLES

#: The folder of per-document annotation records inside the output folder.
RECORDS_DIR = "annotations"

# Frictionless field types per column (the rest are strings).
_TYPES = {
    "n_chars": "integer", "n_tokens": "integer", "n_sentences": "integer", "start_char": "integer",
    "end_char": "integer", "n_mentions": "integer", "n_documents": "integer",
    "confidence": "number", "conditional": "boolean", "date": "date",
}
_REQUIRED = {"doc_id", "segment_id", "sentence_id", "mention_id", "demand_id", "recommendation_id",
             "actor_id", "kind", "start_char", "end_char", "text", "sha256", "path", "actor_type",
             "root_id", "n_mentions", "n_documents", "n_chars", "n_tokens", "n_sentences"}
_PRIMARY = {"documents": "doc_id", "segments": "segment_id", "sentences": "sentence_id",
            "mentions": "mention_id", "actors": "actor_id", "demands": "demand_id",
            "recommendations": "recommendation_id"}
_FOREIGN = {
    "segments": [("doc_id", "documents", "doc_id")],
    "sentences": [("doc_id", "documents", "doc_id"), ("segment_id", "segments", "segment_id")],
    "mentions": [("doc_id", "documents", "doc_id"), ("actor_id", "actors", "actor_id"),
                 ("sentence_id", "sentences", "sentence_id")],
    "demands": [("doc_id", "documents", "doc_id"), ("sentence_id", "sentences", "sentence_id")],
    "recommendations": [("doc_id", "documents", "doc_id"),
                        ("sentence_id", "sentences", "sentence_id")],
}
_DESCRIPTIONS = {
    "documents": "One row per input document.",
    "segments": "One row per block of the layout (title, number, date, lead, caption, heading, paragraph).",
    "sentences": "One row per sentence; a sentence never crosses a segment.",
    "mentions": "One row per actor mention, with its canonical actor id.",
    "actors": "One row per distinct actor in the run.",
    "demands": "One row per demand: what is demanded (the span), by whom, from whom.",
    "recommendations": "One row per recommendation: the recommended action, to whom, with which modality.",
}


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def datapackage(names: tuple[str, ...] = TABLES) -> dict:
    """The Frictionless Data Package descriptor of the tables."""
    resources = []
    for name in names:
        fields = []
        for column in COLUMNS[name]:
            spec = {"name": column, "type": _TYPES.get(column, "string")}
            if column in _REQUIRED and not (name == "mentions" and column == "sentence_id"):
                spec["constraints"] = {"required": True}
            fields.append(spec)
        schema = {"fields": fields, "primaryKey": [_PRIMARY[name]], "missingValues": [""]}
        foreign = [{"fields": [col], "reference": {"resource": res, "fields": [ref]}}
                   for col, res, ref in _FOREIGN.get(name, []) if res in names]
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": _DESCRIPTIONS[name], "schema": schema,
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
        })
    return {
        "profile": "tabular-data-package",
        "name": "policy-pipeline-tables",
        "title": "Actors, demands and recommendations extracted from policy texts",
        "resources": resources,
    }


class TableWriter:
    """Streams table rows (and annotation records) into a staging folder inside the
    output folder; ``commit`` moves them into place, ``abort`` throws them away."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder, cannot hold the tables", str(self.out))
        self.out.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        self._started: set[str] = set()
        self._records = False

    def append(self, name: str, frame: pd.DataFrame) -> None:
        path = self.staging / f"{name}.csv"
        header = name not in self._started
        if frame.empty and not header:
            return
        frame.to_csv(path, mode="w" if header else "a", header=header, index=False,
                     lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self._started.add(name)

    def add_record(self, doc_id: str, record: dict) -> None:
        """Stage one document's annotation record (``annotations/<doc_id>.json``)."""
        folder = self.staging / RECORDS_DIR
        folder.mkdir(exist_ok=True)
        (folder / f"{doc_id}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1),
                                               encoding="utf-8")
        self._records = True

    def commit(self, xlsx: bool = True) -> list[Path]:
        """Write the data package and the spreadsheet copy, then move every file into place.

        Each table replaces the old one with ``os.replace``; the records folder
        replaces the old one whole, so no record of an earlier run stays behind.
        """
        for name in TABLES:
            if name not in self._started:
                self.append(name, pd.DataFrame(columns=COLUMNS[name]))
        (self.staging / "datapackage.json").write_text(json.dumps(datapackage(), indent=2), encoding="utf-8")
        if xlsx:
            write_xlsx(self.staging, self.staging / "tables.xlsx")
        written = []
        for path in sorted(self.staging.iterdir()):
            if path.is_dir():
                continue
            target = self.out / path.name
            os.replace(path, target)
            written.append(target)
        if self._records:
            target = self.out / RECORDS_DIR
            if target.exists():
                os.replace(target, self.staging / f"old-{RECORDS_DIR}")
            os.replace(self.staging / RECORDS_DIR, target)
            written.append(target)
        self.abort()
        return written

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def write_xlsx(folder: Path, target: Path) -> None:
    """A workbook with one sheet per table, every value a text or number cell.

    Spreadsheet programs run CSV cells that start with ``=``, ``+``, ``-`` or ``@``
    as formulas (OWASP "CSV injection"); the CSVs keep the exact text for
    programs, and this copy is the one to open in a spreadsheet: its text cells
    are typed as strings, so nothing in them is ever evaluated. Rows stream from
    the CSVs, so memory stays flat.
    """
    workbook = Workbook(write_only=True)
    for name in TABLES:
        sheet = workbook.create_sheet(title=name)
        numeric = {c for c in COLUMNS[name] if _TYPES.get(c) in {"integer", "number"}}
        with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            sheet.append(header)
            for row in reader:
                cells = []
                for column, value in zip(header, row):
                    if column in numeric and value != "":
                        cell = WriteOnlyCell(sheet, value=float(value) if "." in value else int(value))
                    else:
                        cell = WriteOnlyCell(sheet, value=value)
                        cell.data_type = "s"  # text, never a formula
                    cells.append(cell)
                sheet.append(cells)
    workbook.save(target)
