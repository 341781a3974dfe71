"""pipeline.layout: title, number, date, lead, caption, headings and paragraphs."""

from __future__ import annotations

import pytest

from pipeline.layout import is_heading, parse_date, parse_layout


def kinds(text: str) -> list[tuple[str, str, str]]:
    return [(s.kind, s.section, text[s.start:s.end]) for s in parse_layout(text).segments]


@pytest.mark.parametrize("line, iso", [
    ("15.12.2021", "2021-12-15"),
    ("2021-12-15", "2021-12-15"),
    ("15 December 2021", "2021-12-15"),
    ("December 15, 2021", "2021-12-15"),
    ("Warsaw, 3 March 2022", "2022-03-03"),
    ("1st Sept. 2020", "2020-09-01"),
    ("31.02.2021", None),                       # no such day
    ("Russia met NATO on 15 December 2021 in Brussels after long talks", None),  # a sentence
    ("The Statement", None),
])
def test_parse_date(line, iso):
    assert parse_date(line) == iso


@pytest.mark.parametrize("block, heading", [
    ("The Statement", True),
    ("Russia’s Goals", True),
    ("Conclusions", True),
    ("Key demands:", False),                    # introduces a list
    ("The measures include", False),
    ("Russia rejected the offer.", False),
    ("two lines\nof text", False),
    ("lowercase words here", False),
])
def test_is_heading(block, heading):
    assert is_heading(block) is heading


def test_seed_layout(seed_text):
    layout = parse_layout(seed_text)
    assert (layout.title, layout.number, layout.date) == (
        "Russia Demands Security Guarantees from the U.S. and NATO", "214", "2021-12-15")
    head = [s.kind for s in layout.segments[:5]]
    assert head == ["title", "number", "date", "lead", "caption"]
    # segments never overlap and come in text order
    ends = [(s.start, s.end) for s in layout.segments]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))
    assert all(seed_text[s:e].strip() == seed_text[s:e] for s, e in ends)


def test_statement_with_iso_date():
    text = ("Joint Statement of the Foreign Ministers\n2021-12-15\n\n"
            "The ministers met in Vienna and discussed the situation.\n\n"
            "They agreed to meet again in spring.\n")
    layout = parse_layout(text)
    assert (layout.title, layout.number, layout.date) == ("Joint Statement of the Foreign Ministers", None,
                                                           "2021-12-15")
    assert [k for k, _, _ in kinds(text)] == ["title", "date", "lead", "paragraph"]


def test_news_report_with_written_date_and_heading():
    text = ("Ministers Meet in Riga\n\n15 December 2021\n\n"
            "The foreign ministers met in Riga on Tuesday.\n\n"
            "Background\n\n"
            "Talks began in 2020.\n\n"
            "They stalled in 2021.\n")
    assert parse_layout(text).date == "2021-12-15"
    assert kinds(text) == [
        ("title", "", "Ministers Meet in Riga"),
        ("date", "", "15 December 2021"),
        ("lead", "", "The foreign ministers met in Riga on Tuesday."),
        ("heading", "Background", "Background"),
        ("paragraph", "Background", "Talks began in 2020."),
        ("paragraph", "Background", "They stalled in 2021."),
    ]


def test_no_date_at_all():
    text = "A Title Without Date\n\nThe first paragraph.\n\nThe second paragraph.\n"
    layout = parse_layout(text)
    assert (layout.title, layout.date, layout.number) == ("A Title Without Date", None, None)
    assert [k for k, _, _ in kinds(text)] == ["title", "lead", "paragraph"]


def test_no_title_and_no_date():
    text = ("Russia demands talks with NATO. The West refused to negotiate on those terms.\n\n"
            "A second paragraph follows.\n")
    layout = parse_layout(text)
    assert (layout.title, layout.date) == (None, None)
    assert [k for k, _, _ in kinds(text)] == ["lead", "paragraph"]


def test_date_first_is_not_a_title():
    text = "2021-12-15\n\nRussia demands talks with NATO.\n"
    layout = parse_layout(text)
    assert (layout.title, layout.date) == (None, "2021-12-15")
    assert [k for k, _, _ in kinds(text)] == ["date", "lead"]


def test_title_ending_in_an_initialism_is_a_title():
    text = "Russia Demands Guarantees from the U.S.\n\nThe ministry published a draft.\n"
    assert parse_layout(text).title == "Russia Demands Guarantees from the U.S."


def test_line_ending_in_colon_is_a_paragraph_not_a_heading():
    text = ("Ministers Agree on Measures\n\nThe ministers met on Monday.\n\n"
            "Sanctions\n\n"
            "Key measures:\n\n"
            "Freezing the assets of the central bank.\n\n"
            "The measures include\n\n"
            "A ban on exports.\n")
    assert kinds(text)[2:] == [
        ("heading", "Sanctions", "Sanctions"),
        ("paragraph", "Sanctions", "Key measures:"),
        ("paragraph", "Sanctions", "Freezing the assets of the central bank."),
        ("paragraph", "Sanctions", "The measures include"),
        ("paragraph", "Sanctions", "A ban on exports."),
    ]


def test_bulletin_caption_and_sections():
    text = ("Title of the Bulletin\n\nNo. 12\n\n03.04.2022\n\nThe lead paragraph.\n\n"
            "Photo: Someone/Agency\n\nA first paragraph before any heading.\n\n"
            "First Section\n\nOne.\n\nTwo.\n\nSecond Section\n\nThree.\n")
    layout = parse_layout(text)
    assert (layout.number, layout.date) == ("12", "2022-04-03")
    assert kinds(text)[3:] == [
        ("lead", "", "The lead paragraph."),
        ("caption", "", "Photo: Someone/Agency"),
        ("paragraph", "", "A first paragraph before any heading."),
        ("heading", "First Section", "First Section"),
        ("paragraph", "First Section", "One."),
        ("paragraph", "First Section", "Two."),
        ("heading", "Second Section", "Second Section"),
        ("paragraph", "Second Section", "Three."),
    ]


def test_unwrapped_news_copy_one_paragraph_per_line():
    line = "This is a long line of news copy that goes on well past the wrapping width of a normal text file here."
    text = f"Headline Here\n\n{line}\n{line}\n{line}\n"
    assert [k for k, _, _ in kinds(text)] == ["title", "lead", "paragraph", "paragraph"]


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_text_has_no_segments(text):
    assert parse_layout(text).segments == []
