"""Writing the tables: CSV (RFC 4180), a Frictionless ``datapackage.json`` and a
spreadsheet-safe ``tables.xlsx``.

Writes are atomic: rows stream into a temporary folder inside the output
folder, and each finished file replaces the old one with ``os.replace``; a
crash leaves the previous tables as they were.
"""

from __future__ import annotations

import csv
import errno
import itertools
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

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
        self._files: dict[str, Any] = {}
        self._writers: dict[str, Any] = {}
        self._records = False

    def _writer(self, name: str):
        writer = self._writers.get(name)
        if writer is None:
            handle = open(self.staging / f"{name}.csv", "w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(COLUMNS[name])
            self._files[name], self._writers[name] = handle, writer
        return writer

    def write_rows(self, name: str, rows: Iterable[Sequence]) -> None:
        """Append rows (sequences in ``COLUMNS[name]`` order) to a table. Cells are
        written as pandas' ``to_csv`` writes them: None as an empty cell, floats
        by ``repr``, booleans as ``True``/``False``."""
        self._writer(name).writerows(rows)

    def append(self, name: str, frame: pd.DataFrame) -> None:
        """Append the rows of a DataFrame with the table's columns."""
        frame = frame.astype(object).where(frame.notna(), None)
        self.write_rows(name, frame[COLUMNS[name]].itertuples(index=False, name=None))

    def add_record(self, doc_id: str, record: dict | str) -> None:
        """Stage one document's annotation record (``annotations/<doc_id>.json``); a
        string is taken as the record already in JSON."""
        folder = self.staging / RECORDS_DIR
        if not self._records:
            folder.mkdir(exist_ok=True)
            self._records = True
        text = record if isinstance(record, str) else record_json(record)
        with open(folder / f"{doc_id}.json", "w", encoding="utf-8") as handle:
            handle.write(text)

    def _close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()
        self._writers.clear()

    def commit(self, xlsx: bool = True) -> list[Path]:
        """Write the data package and the spreadsheet copy, then move every file into place.

        Each table replaces the old one with ``os.replace``; the records folder
        replaces the old one whole, so no record of an earlier run stays behind.
        """
        for name in TABLES:
            self._writer(name)  # a table without rows still gets its header
        self._close()
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
        self._close()
        shutil.rmtree(self.staging, ignore_errors=True)


def record_json(record: dict) -> str:
    """An annotation record as the text of its ``annotations/<doc_id>.json`` file."""
    return json.dumps(record, ensure_ascii=False, indent=1)


# ---- the spreadsheet copy ----------------------------------------------------------
# A minimal SpreadsheetML package written directly (text as inline strings): the
# same workbook openpyxl wrote, several times faster, streamed from the CSVs.

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# XML 1.0 cannot hold these characters; SpreadsheetML writes them as _xHHHH_ (and a
# literal "_xHHHH_" in the text gets its underscore escaped the same way).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_NEEDS_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\\s|\\s$")


def _xml_text(value: str) -> str:
    """A string as the content of a ``<t>`` element."""
    value = _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return value


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _write_sheet(handle, csv_path: Path, numeric: set[str]) -> None:
    with open(csv_path, encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        letters = [_column_letters(i + 1) for i in range(len(header))]
        is_number = [column in numeric for column in header]
        handle.write(f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><sheetData>'.encode())
        r = 0
        chunk: list[str] = []
        for row in itertools.chain([header], reader):
            r += 1
            cells = [f'<row r="{r}">']
            for letter, number, value in zip(letters, is_number, row):
                if number and r > 1 and value != "":
                    float(value)  # a number, or a ValueError: never raw text in a <v>
                    cells.append(f'<c r="{letter}{r}"><v>{value}</v></c>')
                elif value == "":
                    cells.append(f'<c r="{letter}{r}" t="inlineStr"/>')  # an empty cell, as openpyxl wrote it
                elif _NEEDS_WORK.search(value) is None:
                    cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{value}</t></is></c>')
                else:
                    cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">'
                                 f'{_xml_text(value)}</t></is></c>')
            cells.append("</row>")
            chunk.append("".join(cells))
            if len(chunk) >= 512:
                handle.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        chunk.append("</sheetData></worksheet>")
        handle.write("".join(chunk).encode("utf-8"))


def write_xlsx(folder: Path, target: Path, names: tuple[str, ...] = TABLES) -> None:
    """A workbook with one sheet per table, every value a text or number cell.

    Spreadsheet programs run CSV cells that start with ``=``, ``+``, ``-`` or ``@``
    as formulas (OWASP "CSV injection"); the CSVs keep the exact text for
    programs, and this copy is the one to open in a spreadsheet: its text cells
    are inline strings (``t="inlineStr"``), never formulas, so nothing in them is
    ever evaluated. Rows stream from the CSVs into the zip, so memory stays flat.
    """
    sheets = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, name in enumerate(names, start=1))
    sheet_rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" '
                         f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
    styles_id = len(names) + 1
    parts = {
        "[Content_Types].xml": (
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
                      for i in range(1, len(names) + 1))
            + "</Types>"),
        "_rels/.rels": (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">{sheet_rels}<Relationship '
            f'Id="rId{styles_id}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>'),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, xml in parts.items():
            package.writestr(name, xml)
        for i, name in enumerate(names, start=1):
            numeric = {c for c in COLUMNS[name] if _TYPES.get(c) in {"integer", "number"}}
            with package.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as handle:
                _write_sheet(handle, folder / f"{name}.csv", numeric)
