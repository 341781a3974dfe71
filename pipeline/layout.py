"""Document layout: title, number, date, lead, caption, headings and paragraphs.

Pure functions over canonical text; the segmenter component turns the result
into spans. Rules follow ANNOTATION_GUIDE.md ("Segments") and live as data in
``resources/layout.json``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .resources import load_layout_rules

SEGMENT_KINDS = ("title", "number", "date", "lead", "caption", "heading", "paragraph")
#: Segments whose text is annotated (actors, demands, recommendations).
ANNOTATED_KINDS = frozenset({"title", "lead", "paragraph"})

_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        [
            ("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"),
            ("May",), ("June", "Jun"), ("July", "Jul"), ("August", "Aug"),
            ("September", "Sep", "Sept"), ("October", "Oct"), ("November", "Nov"),
            ("December", "Dec"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RES = [
    # 15.12.2021, 15/12/2021 (day first, as European bulletins write it)
    (re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b"), ("d", "m", "y")),
    # 2021-12-15
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    # 15 December 2021
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I), ("d", "M", "y")),
    # December 15, 2021
    (re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), ("M", "d", "y")),
]

_YEAR = re.compile(r"\d{4}")

# "U.S." or "e.g." at the end of a line: the stop belongs to the abbreviation
_INITIALISM_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")


@dataclass(frozen=True)
class Segment:
    """One block of the layout: ``[start, end)`` in the canonical text."""

    kind: str
    start: int
    end: int
    section: str = ""


@dataclass
class Layout:
    """The segments of a document and the metadata read from them."""

    segments: list[Segment] = field(default_factory=list)
    title: str | None = None
    number: str | None = None
    date: str | None = None


def parse_date(line: str) -> str | None:
    """The ISO date written in ``line`` if the line is a date line, else None."""
    if _YEAR.search(line) is None:
        return None  # every date pattern has a four-digit year
    rules = load_layout_rules()
    for regex, order in _DATE_RES:
        match = regex.search(line)
        if not match:
            continue
        rest = (line[: match.start()] + " " + line[match.end():]).strip(" ,;:-–|()")
        if len(rest.split()) > rules["date_max_extra_words"]:
            return None
        parts = dict(zip(order, match.groups()))
        month = _MONTHS[parts["M"].lower()] if "M" in parts else int(parts["m"])
        try:
            return dt.date(int(parts["y"]), month, int(parts["d"])).isoformat()
        except ValueError:
            return None
    return None


@lru_cache(maxsize=1)
def _number_res() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.I) for p in load_layout_rules()["number_patterns"])


def is_number_line(line: str) -> bool:
    return any(regex.match(line) for regex in _number_res())


def is_caption(line: str) -> bool:
    return line.startswith(tuple(load_layout_rules()["caption_prefixes"]))


def is_heading(block: str) -> bool:
    """A short single line without final punctuation that does not introduce a list."""
    rules = load_layout_rules()
    line = block.strip()
    if "\n" in line or not line or len(line) > rules["heading_max_chars"]:
        return False
    if len(line.split()) > rules["heading_max_words"]:
        return False
    if line.endswith(tuple(rules["heading_forbidden_endings"])):
        return False
    if line.split()[-1].lower() in rules["list_intro_endings"]:
        return False
    first = line.lstrip("#*0123456789.) IVX")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def is_title_line(line: str) -> bool:
    """Whether the first line of a document reads as a title: short, and not
    ending in a full stop unless that stop closes an initialism (``the U.S.``);
    a date or bulletin number line is no title either."""
    if len(line) > 200 or parse_date(line) or is_number_line(line):
        return False
    if line.endswith(".") and not _INITIALISM_END.search(line):
        return False
    return True


def _blocks(text: str) -> list[tuple[int, int]]:
    """Blocks separated by blank lines; in a block of long unwrapped lines, each
    line is a block of its own (news copy often has one paragraph per line)."""
    rules = load_layout_rules()
    blocks = []
    for match in re.finditer(r"[^\n]+(?:\n(?![ \t\u00a0]*\n)[^\n]*)*", text):
        start, chunk = match.start(), match.group()
        lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", chunk)]
        long_lines = sum(1 for s, e in lines if e - s > rules["wrapped_line_max_chars"])
        if len(lines) > 1 and long_lines >= len(lines) - 1:
            blocks.extend((start + s, start + e) for s, e in lines)
        else:
            blocks.append((start, start + len(chunk)))
    # strip surrounding whitespace from each block
    out = []
    for s, e in blocks:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if e - trail > s + lead:
            out.append((s + lead, e - trail))
    return out


def parse_layout(text: str) -> Layout:
    """Segment a canonical text. Never fails: a text without title or date
    gets segments all the same, with the metadata left empty."""
    layout = Layout()
    blocks = _blocks(text)
    if not blocks:
        return layout
    # Title and the header lines after it (number, date) may share a block.
    header: list[tuple[int, int]] = []
    rest: list[tuple[int, int]] = []
    for i, (s, e) in enumerate(blocks):
        lines = [(s + m.start(), s + m.end()) for m in re.finditer(r"[^\n]+", text[s:e])]
        if i == 0:
            header.extend(lines)
            continue
        if not rest and all(
            is_number_line(text[a:b].strip()) or parse_date(text[a:b].strip()) for a, b in lines
        ):
            header.extend(lines)
            continue
        rest.append((s, e))
    first_s, first_e = header[0]
    first_line = text[first_s:first_e].strip()
    if not is_title_line(first_line):
        # no title: the document starts with running text
        leftover_header = header
    else:
        layout.title = first_line
        layout.segments.append(Segment("title", first_s, first_e))
        leftover_header = header[1:]
    leftover = []
    for s, e in leftover_header:
        line = text[s:e].strip()
        if layout.number is None and is_number_line(line):
            layout.number = re.sub(r"\D+", " ", line).split()[0]
            layout.segments.append(Segment("number", s, e))
        elif layout.date is None and parse_date(line):
            layout.date = parse_date(line)
            layout.segments.append(Segment("date", s, e))
        else:
            leftover.append((s, e))
    if leftover:
        rest.insert(0, (leftover[0][0], leftover[-1][1]))

    section, seen_lead = "", False
    byline = tuple(load_layout_rules()["byline_prefixes"])
    for s, e in rest:
        block = text[s:e]
        if is_caption(block):
            kind = "caption"
        elif layout.date is None and "\n" not in block and parse_date(block.strip()):
            layout.date = parse_date(block.strip())
            kind = "date"
        elif seen_lead and is_heading(block):
            kind = "heading"
            section = block.strip().lstrip("#").strip()
        elif not seen_lead and not block.startswith(byline) and not is_heading(block):
            kind, seen_lead = "lead", True
        else:
            kind = "paragraph"
        layout.segments.append(Segment(kind, s, e, section))
    return layout
