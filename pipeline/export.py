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
from json.encoder import c_make_encoder, encode_basestring
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
    output folder; ``commit`` moves them into place, ``abort`` throws them away.

    With ``xlsx`` (the default) every row also goes, as it is written, into the
    sheet of that table in the spreadsheet copy; ``commit`` packs the sheets into
    ``tables.xlsx``."""

    def __init__(self, out: Path, xlsx: bool = True) -> None:
        self.out = Path(out)
        if self.out.exists() and not self.out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a folder, cannot hold the tables", str(self.out))
        self.out.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out))
        self.xlsx = xlsx
        self._files: dict[str, Any] = {}
        self._writers: dict[str, Any] = {}
        self._sheets: dict[str, _Sheet] = {}
        self._records = False

    def _writer(self, name: str):
        writer = self._writers.get(name)
        if writer is None:
            handle = open(self.staging / f"{name}.csv", "w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(COLUMNS[name])
            self._files[name], self._writers[name] = handle, writer
            if self.xlsx:
                self._sheets[name] = _Sheet(self.staging / f".{name}.sheet.xml", name)
        return writer

    def write_rows(self, name: str, rows: Sequence[Sequence]) -> None:
        """Append rows (sequences in ``COLUMNS[name]`` order) to a table. Cells are
        written as pandas' ``to_csv`` writes them: None as an empty cell, floats
        by ``repr``, booleans as ``True``/``False``."""
        self._writer(name).writerows(rows)
        if self.xlsx:
            self._sheets[name].write(rows)

    def append(self, name: str, frame: pd.DataFrame) -> None:
        """Append the rows of a DataFrame with the table's columns."""
        frame = frame.astype(object).where(frame.notna(), None)
        self.write_rows(name, list(frame[COLUMNS[name]].itertuples(index=False, name=None)))

    def records_folder(self) -> Path:
        """The staging folder of the annotation records, created; ``write_record`` into
        it (worker processes do) and ``commit`` moves it into place."""
        folder = self.staging / RECORDS_DIR
        if not self._records:
            folder.mkdir(exist_ok=True)
            self._records = True
        return folder

    def add_record(self, doc_id: str, record: dict | str) -> None:
        """Stage one document's annotation record (``annotations/<doc_id>.json``); a
        string is taken as the record already in JSON."""
        write_record(self.records_folder(), doc_id, record if isinstance(record, str) else record_json(record))

    def _close(self) -> None:
        for handle in [*self._files.values(), *self._sheets.values()]:
            handle.close()
        self._files.clear()
        self._writers.clear()

    def commit(self, xlsx: bool = True) -> list[Path]:
        """Write the data package and the spreadsheet copy (unless ``xlsx`` is false
        here or was at the start), then move every file into place.

        Each table replaces the old one with ``os.replace``; the records folder
        replaces the old one whole, so no record of an earlier run stays behind.
        """
        for name in TABLES:
            self._writer(name)  # a table without rows still gets its header
        self._close()
        (self.staging / "datapackage.json").write_text(json.dumps(datapackage(), indent=2), encoding="utf-8")
        if xlsx and self.xlsx:
            _pack_xlsx([self._sheets[name] for name in TABLES], self.staging / "tables.xlsx")
        written = []
        for path in sorted(self.staging.iterdir()):
            if path.is_dir() or path.name.startswith("."):
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
        self._sheets.clear()
        shutil.rmtree(self.staging, ignore_errors=True)


def write_record(folder: Path, doc_id: str, text: str) -> None:
    """Write ``folder/<doc_id>.json`` (a staging folder: see ``TableWriter.records_folder``)."""
    with open(Path(folder) / f"{doc_id}.json", "w", encoding="utf-8") as handle:
        handle.write(text)


def record_json(record: dict) -> str:
    """An annotation record as the text of its ``annotations/<doc_id>.json`` file:
    exactly ``json.dumps(record, ensure_ascii=False, indent=1)``, written faster (see
    ``_indented``)."""
    return _indented(record, "\n")


# json.dumps with an indent runs the pure-Python encoder; without one, the C encoder.
# A dict or list whose items are all scalars (most spans of a record) is one C call
# with "," + newline + indent as the item separator: the same text as the indented
# encoder writes (a newline inside a string is escaped, so separators are the only
# newlines). Deeper values go through ``_indented`` again.
_NESTED = (dict, list, tuple)
_ENCODERS: dict[str, Any] = {}


def _not_serializable(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _flat_encoder(indent: str):
    """A function writing a dict or list of scalars with ``"," + indent`` between items."""
    encode = _ENCODERS.get(indent)
    if encode is None:
        if c_make_encoder is not None:
            chunks = c_make_encoder(None, _not_serializable, encode_basestring, None, ": ", "," + indent,
                                    False, False, True)
            encode = _ENCODERS[indent] = lambda value: "".join(chunks(value, 0))
        else:
            encode = _ENCODERS[indent] = json.JSONEncoder(ensure_ascii=False, separators=("," + indent, ": ")).encode
    return encode


def _scalar(value: Any) -> str:
    """A scalar as JSON (what the encoders write for it)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and value - value == 0:  # finite
        return float.__repr__(value)
    return _flat_encoder("")([value])[1:-1]


def _indented(value: Any, newline: str) -> str:
    """``value`` as ``json.dumps(..., ensure_ascii=False, indent=1)`` writes it at the
    depth whose line break and indent is ``newline``."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + " "
        for item in value.values():
            if isinstance(item, _NESTED):
                break
        else:
            return "{" + inner + _flat_encoder(inner)(value)[1:-1] + newline + "}"
        return "{" + inner + ("," + inner).join(
            (encode_basestring(key) if isinstance(key, str) else _flat_encoder(inner)({key: 0})[1:-4]) + ": "
            + (_indented(item, inner) if isinstance(item, _NESTED) else _scalar(item))
            for key, item in value.items()) + newline + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = newline + " "
        for item in value:
            if isinstance(item, _NESTED):
                break
        else:
            return "[" + inner + _flat_encoder(inner)(value)[1:-1] + newline + "]"
        return "[" + inner + ("," + inner).join(_indented(item, inner) for item in value) + newline + "]"
    return _scalar(value)


# ---- the spreadsheet copy ----------------------------------------------------------
# Spreadsheet programs run CSV cells that start with "=", "+", "-" or "@" as formulas
# (OWASP "CSV injection"); the CSVs keep the exact text for programs, and
# tables.xlsx is the copy to open in a spreadsheet: one sheet per table, every
# text an inline string (t="inlineStr"), never a formula, so nothing in it is ever
# evaluated; numbers in number columns stay numbers. The SpreadsheetML is written
# directly, row by row as the tables grow (memory stays flat), and zipped at the end.

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# XML 1.0 cannot hold these characters; SpreadsheetML writes them as _xHHHH_ (and a
# literal "_xHHHH_" in the text gets its underscore escaped the same way). A
# carriage return would be read back as a line feed, so it goes as a reference.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")


def _xml_text(value: str) -> str:
    """A string as the content of a ``<t>`` element."""
    value = _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Sheet:
    """The ``<sheetData>`` rows of one table, appended to a staging file."""

    def __init__(self, path: Path, name: str) -> None:
        self.path, self.name = path, name
        columns = COLUMNS[name]
        self.letters = [_column_letters(i + 1) for i in range(len(columns))]
        self.numeric = [_TYPES.get(c) in {"integer", "number"} for c in columns]
        self.handle = open(path, "w", encoding="utf-8", newline="")
        self.row = 0
        self.write([columns])

    def write(self, rows: Sequence[Sequence]) -> None:
        out = []
        letters, numeric = self.letters, self.numeric
        r = self.row
        for values in rows:
            r += 1
            rs = str(r)
            texts = ["" if v is None else str(v) for v in values]
            if _SPECIAL.search("\t".join(texts)) is not None:
                texts = [_xml_text(t) for t in texts]
            cells = ['<row r="' + rs + '">']
            for letter, number, value, text in zip(letters, numeric, values, texts):
                if not text:
                    cells.append('<c r="' + letter + rs + '" t="inlineStr"/>')  # empty, as openpyxl wrote it
                elif number and (type(value) is int or type(value) is float):
                    cells.append('<c r="' + letter + rs + '"><v>' + text + "</v></c>")
                else:
                    cells.append('<c r="' + letter + rs + '" t="inlineStr"><is><t xml:space="preserve">'
                                 + text + "</t></is></c>")
            cells.append("</row>")
            out.append("".join(cells))
        self.row = r
        self.handle.write("".join(out))

    def close(self) -> None:
        self.handle.close()


def _pack_xlsx(sheets: list[_Sheet], target: Path) -> None:
    """Zip the sheets and the package parts into ``target``."""
    n = len(sheets)
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
                      for i in range(1, n + 1))
            + "</Types>"),
        "_rels/.rels": (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>'
            + "".join(f'<sheet name="{sheet.name}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, sheet in enumerate(sheets, start=1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'),
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
        for i, sheet in enumerate(sheets, start=1):
            with package.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as handle:
                handle.write(f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><sheetData>'.encode())
                with open(sheet.path, "rb") as body:
                    shutil.copyfileobj(body, handle, 1 << 20)
                handle.write(b"</sheetData></worksheet>")

