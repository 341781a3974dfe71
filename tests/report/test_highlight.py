"""Span drawing: tracks, layout of blocks, escaping and well-formed markup."""

from __future__ import annotations

from html.parser import HTMLParser

from pipeline.report.highlight import (
    Block,
    Highlight,
    HighlightRenderer,
    assign_tracks,
    layout_blocks,
    offset_anchor,
)


def span(label: str, start: int, end: int) -> Highlight:
    return Highlight(label, start, end, offset_anchor(label, start, end), label, f"{label} tooltip")


class Reader(HTMLParser):
    """Collects the text outside badges, the badges, and checks tags are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = ""
        self.badges: list[dict] = []
        self.pieces: dict[str, str] = {}
        self.starttags: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.starttags.append(tag)
        if "tag" in attributes.get("class", "").split():
            self.badges.append(attributes)
        self.stack.append((tag, attributes.get("data-span")))

    def handle_endtag(self, tag):
        opened, _ = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>"

    def handle_data(self, data):
        self.text += data
        for _, anchor in self.stack:
            if anchor:
                self.pieces[anchor] = self.pieces.get(anchor, "") + data


def read(markup: str) -> Reader:
    reader = Reader()
    reader.feed(markup)
    reader.close()
    assert reader.stack == [], "unclosed elements"
    return reader


def test_overlapping_demands_and_recommendations_get_separate_tracks():
    placed = assign_tracks([span("DEMAND", 0, 20), span("RECOMMENDATION", 10, 30), span("DEMAND", 25, 40),
                            span("ACTOR", 12, 15)])
    tracks = {(h.label, h.start): h.track for h in placed}
    assert tracks[("DEMAND", 0)] == 0
    assert tracks[("RECOMMENDATION", 10)] == 1
    assert tracks[("DEMAND", 25)] == 0  # the first demand has ended: its track is free again
    assert tracks[("ACTOR", 12)] == 0  # actors are tinted, not stacked


def test_nested_span_sits_outside_the_span_around_it():
    placed = assign_tracks([span("RECOMMENDATION", 5, 9), span("DEMAND", 0, 20)])
    assert {h.label: h.track for h in placed} == {"DEMAND": 0, "RECOMMENDATION": 1}


def test_text_outside_segments_is_kept_as_paragraphs():
    text = "Title\n\nFirst paragraph.\n\nSecond paragraph.\n"
    blocks = layout_blocks(text, [Block("title", "", 0, 5)], [])
    assert [(b.kind, text[b.start:b.end]) for b in blocks] == [
        ("title", "Title"), ("paragraph", "First paragraph."), ("paragraph", "Second paragraph."),
    ]


def test_span_in_whitespace_between_segments_is_not_dropped():
    text = "Title\n\nBody."
    blocks = layout_blocks(text, [Block("title", "", 0, 5), Block("lead", "", 7, 12)], [span("ACTOR", 5, 8)])
    covered = [(b.start, b.end) for b in blocks]
    assert any(start <= 5 < end for start, end in covered)


def test_markup_in_the_text_is_escaped_and_the_text_survives_exactly():
    text = 'The <b>EU</b> & "NATO" say <script>alert(1)</script>.'
    highlights = [span("ACTOR", 7, 9), span("ACTOR", 18, 22), span("DEMAND", 4, 52)]
    markup = str(HighlightRenderer(text, highlights).render(Block("lead", "", 0, len(text))))
    assert "<script>" not in markup and "<b>" not in markup
    reader = read(markup)
    assert reader.text == text
    assert reader.starttags.count("script") == 0
    assert reader.pieces[offset_anchor("ACTOR", 7, 9)] == "EU"
    assert reader.pieces[offset_anchor("DEMAND", 4, 52)] == text[4:52]


def test_crossing_spans_are_cut_into_balanced_pieces():
    text = "support the effort while also urging Germany to contribute"
    first, second = span("RECOMMENDATION", 0, 44), span("RECOMMENDATION", 30, 58)
    reader = read(str(HighlightRenderer(text, [first, second]).render(Block("paragraph", "", 0, len(text)))))
    assert reader.pieces[first.anchor] == text[0:44]
    assert reader.pieces[second.anchor] == text[30:58]
    assert [b["data-label"] for b in reader.badges] == ["RECOMMENDATION", "RECOMMENDATION"]


def test_a_span_across_two_blocks_has_one_badge():
    text = "One line\n\nnext line"
    renderer = HighlightRenderer(text, [span("DEMAND", 4, 14)])
    first = read(str(renderer.render(Block("lead", "", 0, 8))))
    second = read(str(renderer.render(Block("paragraph", "", 10, 19))))
    assert len(first.badges) == 1 and len(second.badges) == 0
    assert first.pieces["d4-14"] + second.pieces["d4-14"] == "line" + "next"


def test_badge_carries_label_offsets_and_tag_escaped():
    text = "Russia demands"
    highlight = Highlight("ACTOR", 0, 6, "a0-6", 'R"U<S>', "tip", link="#actor-RUS")
    markup = str(HighlightRenderer(text, [highlight]).render(Block("title", "", 0, len(text))))
    badge = read(markup).badges[0]
    assert badge["data-tag"] == 'R"U<S>'
    assert (badge["data-label"], badge["data-start"], badge["data-end"], badge["href"]) == ("ACTOR", "0", "6", "#actor-RUS")
    assert "&lt;S&gt;" in markup
