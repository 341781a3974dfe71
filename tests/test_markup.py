"""Tests for the inline annotation markup compiler (pipeline/markup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.markup import (
    MarkupError,
    canonical_text,
    compile_source,
    parse_body,
    record_json,
    to_markup,
)

REPO = Path(__file__).resolve().parents[1]
SEED_TEXT = REPO / "corpus" / "seed-article.txt"
SEED_GOLD = REPO / "annotations" / "gold" / "seed-article.json"

# The seed's title, number/date, lead, caption and first paragraph, written by hand
# (the seed has a no-break space in "a\u00a0dialogue").
SEED_PREFIX_MARKUP = """\
{ACTOR RUS|Russia} Demands {DEMAND RUS>USA,NATO|Security Guarantees} from the {ACTOR USA|U.S.} \
and {ACTOR NATO|NATO}

214
15.12.2021

On 10 December, the {ACTOR RUS:foreign-ministry|Russian Foreign Ministry} issued a statement on \
the dialogue with the {ACTOR USA|United States} and other {ACTOR group:west|Western countries} \
regarding security guarantees. The statement has an accusatory and provocative tone, and in it \
{ACTOR RUS|Russia} makes a number of demands on the “{ACTOR group:west|collective West}”. \
{ACTOR POL|Poland} can {REC POL@can|support the diplomatic efforts} while also \
{REC POL@can|indicating that entering into negotiations with {ACTOR RUS|Russia} on the terms it \
proposes would be detrimental to European security}.

Photo: Mikhail Metzel/TASS/Forum

Following the 7 December conversation between the {ACTOR RUS|Russian} and {ACTOR USA|U.S.} \
presidents, {ACTOR RUS|Russia} recognised that President {ACTOR person:joe-biden@USA|Joe Biden} \
might be willing to engage in dialogue on issues that {ACTOR RUS|Russia} is particularly concerned \
about and has raised for several years. In the context of the ongoing concentration of \
{ACTOR RUS|Russian} forces on the border with {ACTOR UKR|Ukraine}, {ACTOR RUS|Russia} has stated in \
its messaging that {DEMAND RUS>group:west|establishing a\u00a0dialogue} is a necessity, as relations \
between {ACTOR RUS|Russia} and what it calls the “{ACTOR group:west|collective West}”, had reached \
a critical point, which suggests the threat of escalation if the {ACTOR RUS|Russian} offer is not \
taken up."""

SEED_PREFIX_SEGMENTS = {
    "title": "Russia Demands Security Guarantees from the U.S. and NATO",
    "number": "214", "date": "2021-12-15", "caption": "Photo: Mikhail Metzel/TASS/Forum",
    "headings": [], "n_paragraphs": 1, "section_paragraphs": {"": 1},
}

MINI_SEGMENTS = {"title": "T", "number": None, "date": None, "caption": None, "headings": [],
                 "n_paragraphs": 0, "section_paragraphs": {}}


def source(body: str, segments: dict | None = None) -> str:
    return f"segments: {json.dumps(segments or MINI_SEGMENTS, ensure_ascii=False)}\n---\n{body}"


def test_hand_markup_of_seed_sentences_reproduces_seed_offsets():
    seed_text = canonical_text(SEED_TEXT.read_bytes())
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    text, record = compile_source(source(SEED_PREFIX_MARKUP, SEED_PREFIX_SEGMENTS), "seed-prefix")
    assert seed_text.startswith(text)
    expected = [span for span in gold["spans"] if span["end"] <= len(text)]
    assert len(expected) == 25
    assert record["spans"] == expected


def test_whole_seed_round_trips_byte_for_byte():
    seed_text = canonical_text(SEED_TEXT.read_bytes())
    gold_json = SEED_GOLD.read_text(encoding="utf-8")
    gold = json.loads(gold_json)
    markup = source(to_markup(seed_text, gold["spans"]), gold["segments"])
    text, record = compile_source(markup, "seed-article")
    assert text == seed_text
    assert record_json(record) == gold_json


def test_nesting_gives_outer_span_first_and_inner_offsets():
    text, spans = parse_body("T\n\n{ACTOR USA|Washington} called on {DEMAND USA>IRN|{ACTOR IRN|Iran} "
                             "to halt {ACTOR UN:security-council|Security Council} work} now.")
    assert text == "T\n\nWashington called on Iran to halt Security Council work now."
    assert [(s["label"], s["text"]) for s in spans] == [
        ("ACTOR", "Washington"),
        ("DEMAND", "Iran to halt Security Council work"),
        ("ACTOR", "Iran"),
        ("ACTOR", "Security Council"),
    ]
    for span in spans:
        assert text[span["start"]:span["end"]] == span["text"]
    demand = spans[1]
    assert demand["demander"] == "USA" and demand["addressees"] == ["IRN"]
    assert spans[3]["actor_type"] == "body"


def test_actor_types_and_attributes():
    _, spans = parse_body("{ACTOR RUS|a} {ACTOR person:joe-biden@USA|b} {ACTOR group:hamas|c} "
                          "{ACTOR EU:european-commission|d} {ACTOR G7|e} "
                          "{ACTOR AU|i} {ACTOR person:naim-qassem@group:hezbollah|j} "
                          "{DEMAND RUS>|f} {REC NATO,POL@would be|g} {REC @may|h}")
    kinds = [(s.get("actor_id"), s.get("actor_type"), s.get("affiliation")) for s in spans[:5]]
    assert kinds == [("RUS", "state", None), ("person:joe-biden", "person", "USA"),
                     ("group:hamas", "group", None), ("EU:european-commission", "body", None),
                     ("G7", "organisation", None)]
    assert spans[5]["actor_type"] == "organisation"
    assert spans[6]["affiliation"] == "group:hezbollah"
    assert spans[7]["addressees"] == []
    assert (spans[8]["targets"], spans[8]["modality"]) == (["NATO", "POL"], "would be")
    assert spans[8]["label"] == "RECOMMENDATION"
    assert spans[9]["targets"] == []


def test_escapes_are_literal_and_shift_offsets():
    text, spans = parse_body(r"a \{b\} c\|d \\ {ACTOR FRA|France \| Paris}")
    assert text == r"a {b} c|d \ France | Paris"
    assert spans[0]["text"] == "France | Paris"
    assert text[spans[0]["start"]:spans[0]["end"]] == "France | Paris"
    # A backslash before an ordinary character stays as it is.
    assert parse_body(r"C:\path")[0] == r"C:\path"


def test_to_markup_escapes_and_inverts_parse_body():
    body = "x {ACTOR DEU|Germany} \\| y \\{z\\} {DEMAND DEU>POL|{ACTOR POL|Poland} acts}"
    text, spans = parse_body(body)
    assert to_markup(text, spans) == body


@pytest.mark.parametrize("body, line, problem", [
    ("T\n\n{ACTOR RUS|Russia", 3, "'{ACTOR' is never closed"),
    ("T\n\nA }", 3, "'}' closes no tag"),
    ("T\n\na | b", 3, "unescaped '|'"),
    ("T\n\n{ACTR RUS|x}", 3, "'{' starts no tag"),
    ("T\n\n{ACTOR US|U.S.}", 3, "ISO alpha-2 country code; states are alpha-3 ('USA')"),
    ("T\n\n{ACTOR XYZ|X}", 3, "'XYZ' is not an ISO 3166-1 alpha-3 code"),
    ("T\n\n{ACTOR US:congress|Congress}", 3, "states are alpha-3 ('USA')"),
    ("T\n\n{ACTOR person:Joe Biden@USA|x}", 3, "bad person id"),
    ("T\n\n{ACTOR group:The_West|x}", 3, "bad group id"),
    ("T\n\n{ACTOR USA|the U.S.}", 3, "starts with an article"),
    ("T\n\n{ACTOR RUS|Russia’s}", 3, "ends with a possessive"),
    ("T\n\n{ACTOR RUS|{ACTOR RUS|Russia}}", 3, "{ACTOR inside an ACTOR span"),
    ("T\n\n{DEMAND RUS|x}", 3, "DEMAND needs 'demander>addressees'"),
    ("T\n\n{DEMAND >USA|x}", 3, "DEMAND without a demander"),
    ("T\n\n{DEMAND RUS>USA|to leave}", 3, "starts with 'to'"),
    ("T\n\n{DEMAND RUS>USA|leave now.}", 3, "ends with punctuation"),
    ("T\n\n{REC USA|x}", 3, "REC needs 'targets@modality'"),
    ("T\n\n{REC USA@Should|x}", 3, "bad modality"),
    ("T\n\n{REC USA@should| act}", 3, "starts or ends with whitespace"),
    ("T\n\n{REC USA@should|}", 3, "empty span"),
    ("T\n\n{DEMAND RUS>USA|a\nb}", 3, "crosses a line break"),
])
def test_errors_name_line_and_problem(body, line, problem):
    with pytest.raises(MarkupError) as info:
        parse_body(body, first_line=1)
    assert info.value.line == line
    assert problem in info.value.problem


def test_abbreviation_at_end_of_demand_is_not_final_punctuation():
    _, spans = parse_body("{DEMAND RUS>USA|talks with the U.S.}.")
    assert spans[0]["text"] == "talks with the U.S."


def test_error_lines_count_header_lines():
    with pytest.raises(MarkupError) as info:
        compile_source(source("T\n\nok\n\n{ACTOR RUS|x"), "d")
    assert info.value.line == 7


DATED_SEGMENTS = {**MINI_SEGMENTS, "date": "2022-02-24", "n_paragraphs": 2, "section_paragraphs": {"": 2}}


@pytest.mark.parametrize("segments, problem", [
    ({**DATED_SEGMENTS, "title": "Other"}, "is not the first line"),
    ({**DATED_SEGMENTS, "section_paragraphs": {"": 3}}, "section_paragraphs"),
    ({**DATED_SEGMENTS, "n_paragraphs": 3}, "n_paragraphs 3 but the text has 2"),
    ({**DATED_SEGMENTS, "date": "2022-02-25"}, "segments date is '2022-02-25' but the text has '2022-02-24'"),
    ({**DATED_SEGMENTS, "headings": ["Missing"]}, "headings not found"),
    ({"title": "T"}, "segments keys must be"),
])
def test_segment_header_is_checked_against_the_layout(segments, problem):
    body = "T\n\n24 February 2022\n\nLead.\n\nParagraph one.\n\nParagraph two."
    compile_source(source(body, DATED_SEGMENTS), "d")
    with pytest.raises(MarkupError) as info:
        compile_source(source(body, segments), "d")
    assert info.value.line == 1
    assert problem in info.value.problem


def test_sections_lists_and_captions_are_counted_like_the_seed():
    body = ("T\n\n2022-02-24\n\nLead.\n\nPhoto: X\n\nBefore.\n\nThe Demands\n\n"
            "The ministers call on Russia to:\n\nwithdraw;\n\nrelease detainees.")
    segments = {"title": "T", "number": None, "date": "2022-02-24", "caption": "Photo: X",
                "headings": ["The Demands"], "n_paragraphs": 4,
                "section_paragraphs": {"": 1, "The Demands": 3}}
    text, record = compile_source(source(body, segments), "d")
    assert record["n_chars"] == len(text)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline.markup", *args], cwd=REPO,
                          capture_output=True, text=True)


def test_cli_compiles_checks_and_reports_file_and_line(tmp_path):
    src = tmp_path / "annotations" / "src"
    src.mkdir(parents=True)
    body = "Iran Talks\n\n{ACTOR FRA|France} urged {ACTOR IRN|Iran} to {DEMAND FRA>IRN|return to talks}."
    (src / "a-99.ann").write_text(source(body, {**MINI_SEGMENTS, "title": "Iran Talks"}), encoding="utf-8")

    assert run_cli(str(src), "--check").returncode == 1
    result = run_cli(str(src))
    assert result.returncode == 0, result.stdout + result.stderr
    text = (tmp_path / "annotations" / "texts" / "a-99.txt").read_text(encoding="utf-8")
    gold = json.loads((tmp_path / "annotations" / "gold" / "a-99.json").read_text(encoding="utf-8"))
    assert text == "Iran Talks\n\nFrance urged Iran to return to talks."
    assert gold["n_chars"] == len(text)
    assert [s["text"] for s in gold["spans"]] == ["France", "Iran", "return to talks"]
    assert run_cli(str(src), "--check").returncode == 0

    (src / "a-99.ann").write_text(source(body.replace("talks}", "talks"), {**MINI_SEGMENTS,
                                  "title": "Iran Talks"}), encoding="utf-8")
    result = run_cli(str(src), "--check")
    assert result.returncode == 1
    assert f"{src / 'a-99.ann'}:5: '{{DEMAND' is never closed" in result.stdout

    (src / "a-99.ann").write_text(source(body.replace("talks}", "negotiations}"), {**MINI_SEGMENTS,
                                  "title": "Iran Talks"}), encoding="utf-8")
    result = run_cli(str(src), "--check")
    assert result.returncode == 1
    assert "a-99.txt: out of date" in result.stdout
