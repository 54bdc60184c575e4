"""TIMEX3 tagging: our own test set (tests/data/time_cases.toml) and the calendar helpers."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from storyline.time.timex import tag_timexes
from storyline.time.timex_calendar import RefDate, month_day_near, weekday_near
from storyline.time.timex_spans import duration_value
from storyline.time.timex_tense import FUTURE, PAST, doc_direction
from storyline.time.timex_values import shift_value

CASES_PATH = Path(__file__).parent / "data" / "time_cases.toml"
CASES: list[dict[str, Any]] = tomllib.loads(CASES_PATH.read_text(encoding="utf-8"))["case"]


@pytest.fixture(scope="module")
def nlp():
    from storyline.nlp import load_nlp

    return load_nlp()


def test_case_file_is_large_enough():
    assert len(CASES) >= 40
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any], request: pytest.FixtureRequest) -> None:
    text = case["text"]
    doc = request.getfixturevalue("nlp")(text) if case.get("parse") else None
    found = tag_timexes(text, case.get("dct"), doc)
    unused = list(found)
    for want in case["expect"]:  # in text order; the same words may occur twice
        got = next((t for t in unused if t.text == want["text"]), None)
        assert got is not None, f"{want['text']!r} not tagged; got {[t.text for t in found]}"
        unused.remove(got)
        assert text[got.start : got.end] == got.text
        assert got.value == want["value"], f"{want['text']!r}: {got.value} != {want['value']}"
        if "type" in want:
            assert got.type == want["type"]
        if "mod" in want:
            assert got.mod == want["mod"]
    if case.get("only"):
        assert [t.text for t in found] == [w["text"] for w in case["expect"]]


def test_offsets_point_into_the_text():
    text = "On Monday, 3 June 2019, talks resumed; a deal came two days later."
    for timex in tag_timexes(text, "2019-06-10"):
        assert text[timex.start : timex.end] == timex.text
        assert timex.anchor is not None
        assert timex.anchor in ("dct", "absolute") or timex.anchor.startswith("timex:")


def test_anaphoric_anchor_names_the_timex_it_counts_from():
    found = tag_timexes("The strike began on March 3. Two days later, the mines closed.", "2018-04-01")
    assert found[1].anchor == "timex:0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a round count that overshoots the article's year by less than its rounding: the present
        (
            "In 1956 the two sides signed a declaration. Nearly seventy years later, there is still no treaty.",
            "2023",
        ),
        (
            "In 1956 the two sides signed a declaration. Seventy years later, there is still no treaty.",
            "2023",
        ),
        # a short exact count lands where it says, even after the article's date
        ("In 2021 the two sides agreed to meet again five years later.", "2026"),
        ("In 1990 the two sides met. Forty years later, they will meet again.", "2030"),
        ("In 1956 the two sides signed a declaration. Fifty years later, they met again.", "2006"),
    ],
)
def test_a_count_of_years_from_a_past_date_stops_at_the_articles_present(text, expected):
    found = tag_timexes(text, "2023-04-04")
    assert found[-1].value == expected


# --- calendar ---------------------------------------------------------------------------------


def test_refdate_parse_partial_values():
    assert RefDate.parse("2018-09-12T10:00") == RefDate(2018, 9, 12)
    assert RefDate.parse("XXXX-03-03") == RefDate(None, 3, 3)
    assert RefDate.parse("2018-09") == RefDate(2018, 9, None)
    assert RefDate.parse(None) == RefDate(None)


def test_day_shift_without_year_keeps_what_is_certain():
    assert RefDate(None, 3, 3).shift_days(-1) == RefDate(None, 3, 2)
    assert RefDate(None, 3, 1).shift_days(-1) == RefDate(None, 2, None)  # 28th or 29th?
    assert RefDate(None, 12, 31).shift_days(1) == RefDate(None, 1, 1)


def test_leap_day_shifts():
    assert RefDate(2020, 2, 29).shift_years(-1) == RefDate(2019, 2, 28)
    assert RefDate(2020, 3, 1).shift_days(-1) == RefDate(2020, 2, 29)


def test_weekday_near_directions():
    friday = RefDate(2018, 9, 14)
    assert weekday_near(friday, 3, -1) == RefDate(2018, 9, 12)
    assert weekday_near(friday, 3, 1) == RefDate(2018, 9, 19)
    assert weekday_near(friday, 6, 0) == RefDate(2018, 9, 15)  # nearest Saturday is tomorrow


def test_month_day_near_prefers_a_near_date():
    assert month_day_near(RefDate(2019, 1, 3), 12, 28, 0) == 2018
    assert month_day_near(RefDate(1989, 11, 2), 11, 20, PAST) == 1989  # "extended to Nov. 20"
    assert month_day_near(RefDate(1989, 11, 2), 10, 20, FUTURE) == 1990  # "will", even if just past


def test_shift_value_keeps_precision():
    assert shift_value("1989-Q3", "year", -1) == "1988-Q3"
    assert shift_value("1989-Q1", "quarter", -1) == "1988-Q4"
    assert shift_value("2018-03", "month", -3) == "2017-12"
    assert shift_value("2018-W01", "week", -1) == "2017-W52"
    assert shift_value("199", "decade", 1) == "200"


def test_duration_values():
    assert duration_value(3, "years") == "P3Y"
    assert duration_value(2.5, "years") == "P2Y6M"
    assert duration_value(5.5, "hours") == "PT5H30M"
    assert duration_value(None, "minutes") == "PTXM"
    assert duration_value(2, "decades") == "P20Y"


# --- tense -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "word", "direction"),
    [
        ("Talks were held on Monday.", "Monday", PAST),
        ("The ministers will meet on Friday.", "Friday", FUTURE),
        ("The company plans to list its shares on Friday.", "Friday", FUTURE),
        ("The deadline was extended until Friday.", "Friday", PAST),
        ("Officials have been given until Friday.", "Friday", FUTURE),
        ("A summit set for April was postponed.", "April", FUTURE),
    ],
)
def test_doc_direction(nlp, sentence: str, word: str, direction: int) -> None:
    start = sentence.index(word)
    assert doc_direction(nlp(sentence), start, start + len(word)) == direction


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Talks will be held on Friday in Geneva.", "2011-03-18"),  # "will" decides, not "held"
        ("Preliminary talks are due to be held on Sunday.", "2011-03-20"),
        ("The vote is expected on Wednesday.", "2011-03-23"),  # a future governor after "is"
        ("Talks were held on Monday.", "2011-03-14"),
        ("Talks have been held on Monday.", "2011-03-14"),  # a perfect stays past
    ],
)
def test_text_direction_reads_a_passive_participle_by_its_auxiliary(sentence: str, value: str) -> None:
    """Without a parse, a participle after "be" is passive voice, not a past tense (DCT: Thursday)."""
    found = tag_timexes(sentence, "2011-03-17")
    assert [t.value for t in found] == [value]
