"""Inline annotation markup: hand-written ``.ann`` sources compiled into gold records.

People read and edit annotations as inline markup; the gold files are generated
from it. A source file is a ``segments:`` header line (JSON), a ``---`` line, then
the document text with nestable tags::

    {ACTOR RUS|Russia}                    actor id -> actor_type (see ``actor_type``)
    {ACTOR person:joe-biden@USA|Joe Biden}
    {DEMAND RUS>USA,NATO|content}         demander > addressees (``RUS>`` for none)
    {REC POL,NATO@should|action}          targets @ modality (may contain spaces)

``\\{``, ``\\}``, ``\\|`` and ``\\\\`` stand for literal characters. Everything after
the ``---`` line, markup removed, is the canonical text byte for byte (a final
newline, if present, is part of it). Run ``python -m pipeline.markup annotations/src``
to write ``annotations/texts/<doc_id>.txt`` and ``annotations/gold/<doc_id>.json``;
``--check`` only verifies that they are up to date.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pycountry

LABELS = {"ACTOR": "ACTOR", "DEMAND": "DEMAND", "REC": "RECOMMENDATION"}
SEGMENT_KEYS = ("title", "number", "date", "caption", "headings", "n_paragraphs",
                "section_paragraphs")
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y")

_TAG = re.compile(r"\{(ACTOR|DEMAND|REC) ([^{}|\n]*)\|")
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_ROOT = r"[A-Z][A-Z0-9]*"
_PERSON = re.compile(rf"person:({_SLUG})(?:@({_ROOT}|group:{_SLUG}))?")
#: Usual acronyms of organisations that are also ISO alpha-2 codes (AU: African Union).
ACRONYMS_LIKE_COUNTRY_CODES = {"AU"}
_GROUP = re.compile(rf"group:{_SLUG}")
_BODY = re.compile(rf"({_ROOT}):{_SLUG}")
_ORGANISATION = re.compile(r"[A-Z0-9][A-Z0-9-]*")
_MODALITY = re.compile(r"[a-z]+(?: [a-z]+)*")
_DOC_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_FINAL_PUNCT = re.compile(r"(?:[,;:!?]|(?<![A-Z]\.[A-Z])\.)$")


class MarkupError(ValueError):
    """A problem in a source; ``line`` is 1-based in the ``.ann`` file."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass
class _OpenTag:
    label: str
    attributes: dict
    start: int
    line: int


def canonical_text(raw: bytes) -> str:
    """Decode bytes as the guide's canonical text (UTF-8, no BOM, ``\\n`` newlines)."""
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_root(root: str) -> None:
    if root in ACRONYMS_LIKE_COUNTRY_CODES or root.startswith("group:"):
        return
    if len(root) == 2 and pycountry.countries.get(alpha_2=root):
        alpha_3 = pycountry.countries.get(alpha_2=root).alpha_3
        raise ValueError(f"'{root}' is an ISO alpha-2 country code; states are alpha-3 ('{alpha_3}')")
    if len(root) == 3 and root.isalpha() and not pycountry.countries.get(alpha_3=root):
        raise ValueError(f"'{root}' is not an ISO 3166-1 alpha-3 code (3 letters mean a state)")


def actor_type(actor_id: str) -> tuple[str, str | None]:
    """Return ``(actor_type, affiliation)`` derived from an actor id.

    Raises:
        ValueError: when the id is malformed or names an unknown state.
    """
    if actor_id.startswith("person:"):
        match = _PERSON.fullmatch(actor_id)
        if not match:
            raise ValueError(f"bad person id '{actor_id}' (expected person:slug@AFFILIATION, "
                             "the affiliation a state, organisation or group id)")
        if match.group(2):
            _check_root(match.group(2))
        return "person", match.group(2)
    if actor_id.startswith("group:"):
        if not _GROUP.fullmatch(actor_id):
            raise ValueError(f"bad group id '{actor_id}' (expected group:lower-case-slug)")
        return "group", None
    if ":" in actor_id:
        match = _BODY.fullmatch(actor_id)
        if not match:
            raise ValueError(f"bad body id '{actor_id}' (expected OWNER:lower-case-slug)")
        _check_root(match.group(1))
        return "body", None
    if not _ORGANISATION.fullmatch(actor_id):
        raise ValueError(f"bad actor id '{actor_id}'")
    _check_root(actor_id)
    if len(actor_id) == 3 and actor_id.isalpha():
        return "state", None
    return "organisation", None


def _id_list(text: str, what: str) -> list[str]:
    ids = [part.strip() for part in text.split(",")] if text.strip() else []
    for actor_id in ids:
        if not actor_id:
            raise ValueError(f"empty id in {what} list '{text}'")
        actor_type(actor_id)
    return ids


def parse_attributes(label: str, attributes: str) -> dict:
    """Parse the part between a tag's label and ``|`` into span attributes.

    Raises:
        ValueError: naming what is wrong with the attributes.
    """
    attributes = attributes.strip()
    if label == "ACTOR":
        kind, affiliation = actor_type(attributes)
        result = {"actor_id": attributes.split("@")[0], "actor_type": kind}
        if affiliation:
            result["affiliation"] = affiliation
        return result
    if label == "DEMAND":
        if ">" not in attributes:
            raise ValueError(f"DEMAND needs 'demander>addressees', got '{attributes}'")
        demander, addressees = attributes.split(">", 1)
        if not demander.strip():
            raise ValueError("DEMAND without a demander")
        actor_type(demander.strip())
        return {"demander": demander.strip(), "addressees": _id_list(addressees, "addressee")}
    if "@" not in attributes:
        raise ValueError(f"REC needs 'targets@modality', got '{attributes}'")
    targets, modality = attributes.rsplit("@", 1)
    if not _MODALITY.fullmatch(modality.strip()):
        raise ValueError(f"bad modality '{modality}' (lower-case words, e.g. 'should', 'would be')")
    return {"targets": _id_list(targets, "target"), "modality": modality.strip()}


def _span_problem(label: str, text: str) -> str | None:
    if not text:
        return "empty span"
    if text != text.strip():
        return f"span '{text}' starts or ends with whitespace"
    if "\n" in text:
        return "span crosses a line break"
    if label == "ACTOR":
        if re.match(r"(?:the|The) ", text):
            return f"ACTOR span '{text}' starts with an article"
        if re.search(r"['’]s$", text):
            return f"ACTOR span '{text}' ends with a possessive"
    else:
        if re.match(r"to ", text):
            return f"{label} span '{text[:30]}...' starts with 'to'"
        if _FINAL_PUNCT.search(text):
            return f"{label} span '...{text[-30:]}' ends with punctuation"
    return None


def parse_body(body: str, first_line: int = 1) -> tuple[str, list[dict]]:
    """Strip the markup from a document body.

    Args:
        body: the text after the ``---`` line.
        first_line: line number of the body's first line in the source file.

    Returns:
        The canonical text and its spans (sorted by start, outer spans first).

    Raises:
        MarkupError: at the first problem, with its line.
    """
    out: list[str] = []
    spans: list[dict] = []
    stack: list[_OpenTag] = []
    pos, line, i = 0, first_line, 0
    while i < len(body):
        char = body[i]
        if char == "\\" and body[i + 1:i + 2] in ("{", "}", "|", "\\"):
            out.append(body[i + 1])
            pos, i = pos + 1, i + 2
        elif char == "{":
            match = _TAG.match(body, i)
            if not match:
                raise MarkupError(line, "'{' starts no tag: expected '{ACTOR id|', '{DEMAND who>whom|' "
                                        "or '{REC whom@modal|' (a literal brace is '\\{')")
            label = match.group(1)
            if any(tag.label == "ACTOR" for tag in stack):
                raise MarkupError(line, f"{{{label} inside an ACTOR span")
            try:
                attributes = parse_attributes(label, match.group(2))
            except ValueError as err:
                raise MarkupError(line, str(err)) from None
            stack.append(_OpenTag(label, attributes, pos, line))
            i = match.end()
        elif char == "}":
            if not stack:
                raise MarkupError(line, "'}' closes no tag (a literal brace is '\\}')")
            tag = stack.pop()
            text = "".join(out)[tag.start:pos]
            problem = _span_problem(tag.label, text)
            if problem:
                raise MarkupError(tag.line, problem)
            spans.append({"label": LABELS[tag.label], "start": tag.start, "end": pos, "text": text,
                          **tag.attributes})
            i += 1
        elif char == "|":
            raise MarkupError(line, "unescaped '|' outside a tag header (a literal bar is '\\|')")
        else:
            out.append(char)
            line += char == "\n"
            pos, i = pos + 1, i + 1
    if stack:
        raise MarkupError(stack[-1].line, f"'{{{stack[-1].label}' is never closed")
    spans.sort(key=lambda span: (span["start"], -span["end"]))
    return "".join(out), spans


def _date_of_line(line: str) -> str | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(line, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def check_segments(segments: dict, text: str) -> None:
    """Check a segments header against the text's layout.

    Blocks are separated by blank lines; line 1 is the title; lines equal to the
    number, a date line, the caption or a heading are not paragraph text; the first
    other block is the lead (not counted as a paragraph, as in the seed gold) and
    every later one is a paragraph of the section of the nearest heading above it.

    Raises:
        ValueError: naming the first inconsistency.
    """
    if tuple(segments) != SEGMENT_KEYS:
        raise ValueError(f"segments keys must be {list(SEGMENT_KEYS)} in this order")
    lines = text.split("\n")
    if segments["title"] != lines[0]:
        raise ValueError(f"title {segments['title']!r} is not the first line {lines[0]!r}")
    found = {"number": None, "date": None, "caption": None}
    counts: dict[str, int] = {"": 0}
    section, in_paragraph, lead_seen = "", False, False
    for line in lines[1:]:
        if not line.strip():
            in_paragraph = False
        elif not lead_seen and line == segments["number"]:
            found["number"] = line
        elif not lead_seen and _date_of_line(line):
            found["date"] = _date_of_line(line)
        elif line == segments["caption"]:
            found["caption"] = line
        elif line in segments["headings"]:
            section = line
            counts.setdefault(section, 0)
        elif not lead_seen:
            lead_seen = in_paragraph = True
        elif not in_paragraph:
            counts[section] = counts.get(section, 0) + 1
            in_paragraph = True
    for key in found:
        if found[key] != segments[key]:
            raise ValueError(f"segments {key} is {segments[key]!r} but the text has {found[key]!r}")
    missing = [heading for heading in segments["headings"] if heading not in counts]
    if missing:
        raise ValueError(f"headings not found as lines of the text: {missing}")
    counts = {key: value for key, value in counts.items() if key or value}
    if counts != segments["section_paragraphs"]:
        raise ValueError(f"section_paragraphs {segments['section_paragraphs']} but the text has {counts}")
    if segments["n_paragraphs"] != sum(counts.values()):
        raise ValueError(f"n_paragraphs {segments['n_paragraphs']} but the text has {sum(counts.values())}")


def compile_source(source: str, doc_id: str) -> tuple[str, dict]:
    """Compile one ``.ann`` source into its canonical text and gold record.

    Raises:
        MarkupError: naming the line and the problem.
    """
    lines = source.split("\n")
    if "---" not in lines:
        raise MarkupError(1, "no '---' line separating the header from the text")
    separator = lines.index("---")
    segments, segments_line = None, 1
    for number, line in enumerate(lines[:separator], start=1):
        if line.startswith("segments:"):
            try:
                segments, segments_line = json.loads(line[len("segments:"):]), number
            except json.JSONDecodeError as err:
                raise MarkupError(number, f"segments header is not valid JSON ({err.msg})") from None
        elif line.strip():
            raise MarkupError(number, f"unknown header line {line[:40]!r} (only 'segments: {{...}}')")
    if not isinstance(segments, dict):
        raise MarkupError(1, "missing 'segments: {...}' header line")
    text, spans = parse_body("\n".join(lines[separator + 1:]), first_line=separator + 2)
    try:
        check_segments(segments, text)
    except ValueError as err:
        raise MarkupError(segments_line, str(err)) from None
    record = {"doc_id": doc_id, "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
              "n_chars": len(text), "segments": segments, "spans": spans}
    return text, record


def record_json(record: dict) -> str:
    """Serialise a record exactly like the seed gold file."""
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def _escape(text: str) -> str:
    return re.sub(r"([\\{}|])", r"\\\1", text)


def _tag_header(span: dict) -> str:
    if span["label"] == "ACTOR":
        affiliation = f"@{span['affiliation']}" if span.get("affiliation") else ""
        return f"ACTOR {span['actor_id']}{affiliation}"
    if span["label"] == "DEMAND":
        return f"DEMAND {span['demander']}>{','.join(span['addressees'])}"
    return f"REC {','.join(span['targets'])}@{span['modality']}"


def to_markup(text: str, spans: list[dict]) -> str:
    """Write a text and its (properly nested) spans as markup: the inverse of ``parse_body``."""
    opens: dict[int, list[dict]] = {}
    closes: dict[int, int] = {}
    for span in sorted(spans, key=lambda span: (span["start"], -span["end"])):
        opens.setdefault(span["start"], []).append(span)
        closes[span["end"]] = closes.get(span["end"], 0) + 1
    parts = []
    for pos in range(len(text) + 1):
        parts.append("}" * closes.get(pos, 0))
        parts.extend("{" + _tag_header(span) + "|" for span in opens.get(pos, []))
        if pos < len(text):
            parts.append(_escape(text[pos]))
    return "".join(parts)


def compile_directory(src_dir: Path, pattern: str = "*") -> tuple[dict[Path, str], list[str]]:
    """Compile every ``<doc_id>.ann`` in ``src_dir`` whose doc id matches ``pattern`` (a glob).

    Returns:
        The output files (``../texts/<doc_id>.txt``, ``../gold/<doc_id>.json``)
        with their contents, and one error line per bad source.
    """
    outputs: dict[Path, str] = {}
    errors: list[str] = []
    sources = sorted(src_dir.glob(f"{pattern}.ann"))
    if not sources:
        errors.append(f"{src_dir}: no {pattern}.ann files")
    for path in sources:
        doc_id = path.stem
        if not _DOC_ID.fullmatch(doc_id):
            errors.append(f"{path}: bad doc id {doc_id!r} (lower-case letters, digits, '-')")
            continue
        try:
            text, record = compile_source(canonical_text(path.read_bytes()), doc_id)
        except MarkupError as err:
            errors.append(f"{path}:{err.line}: {err.problem}")
            continue
        except UnicodeDecodeError as err:
            errors.append(f"{path}: not valid UTF-8 (byte {err.start})")
            continue
        outputs[src_dir.parent / "texts" / f"{doc_id}.txt"] = text
        outputs[src_dir.parent / "gold" / f"{doc_id}.json"] = record_json(record)
    return outputs, errors


def stale_outputs(outputs: dict[Path, str]) -> list[str]:
    """Return one line per output file that is missing or differs from its source."""
    problems = []
    for path, content in outputs.items():
        if not path.exists():
            problems.append(f"{path}: missing (run python -m pipeline.markup)")
        elif path.read_bytes() != content.encode("utf-8"):
            problems.append(f"{path}: out of date with its .ann source (run python -m pipeline.markup)")
    return problems


def main(src_dir: Path, check: bool = False, pattern: str = "*") -> int:
    """Compile (or with ``check`` verify) the gold files of ``src_dir``; return the exit code."""
    if not src_dir.is_dir():
        print(f"{src_dir}: not a directory")
        return 2
    outputs, errors = compile_directory(src_dir, pattern)
    problems = errors + (stale_outputs(outputs) if check else [])
    for problem in problems:
        print(problem)
    if problems:
        return 1
    if not check:
        for path, content in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content.encode("utf-8"))
    print(f"{len(outputs) // 2} documents {'up to date' if check else 'compiled'}")
    return 0


def _cli() -> None:
    import typer

    def command(src_dir: Path = typer.Argument(..., help="folder of <doc_id>.ann sources"),
                check: bool = typer.Option(False, "--check", help="only verify outputs are up to date"),
                pattern: str = typer.Option("*", "--pattern", help="glob of doc ids, e.g. 'a-*'")):
        """Compile annotations/src/*.ann into annotations/texts and annotations/gold."""
        raise typer.Exit(main(src_dir, check, pattern))

    typer.run(command)


if __name__ == "__main__":
    _cli()
