"""Publication-date estimation: our invented case set, the signals, and the neighbour refinement."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from storyline.eval.common import shared_datasets
from storyline.model import DateEstimate, Evidence, RawDocument, RemovedLine, Timex, precision_of
from storyline.time.dateline import find_dateline
from storyline.time.pubdate import estimate_published, refine_with_neighbours
from storyline.time.pubdate_anniversary import anniversary_years
from storyline.time.pubdate_signals import lead_weekday, year_mentions

CASES = tomllib.loads((Path(__file__).parent / "data" / "pubdate_cases.toml").read_text(encoding="utf-8"))[
    "case"
]


def _estimate(case: dict[str, Any]) -> DateEstimate:
    text = case["text"]
    raw = RawDocument(
        source=case["name"],
        kind=case.get("kind", "text"),
        raw=text.encode(),
        text=text,
        title=case.get("title"),
        metadata_date=case.get("metadata_date"),
        html_date=case.get("html_date"),
        crawl_date=case.get("crawl_date"),
    )
    removed = [RemovedLine(**line) for line in case.get("removed", [])]
    return estimate_published(raw, text, find_dateline(text), None, removed or None)


def test_case_set_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    estimate = _estimate(case)
    expected = case["expected"] or None
    assert estimate.value == expected
    assert estimate.precision == precision_of(expected)
    assert 0.0 <= estimate.confidence <= 1.0
    kinds = {e.kind for e in estimate.evidence}
    assert set(case.get("evidence", [])) <= kinds
    if "max_confidence" in case:
        assert estimate.confidence <= case["max_confidence"]
    if "min_confidence" in case:
        assert estimate.confidence >= case["min_confidence"]
    for item in estimate.evidence:  # offsets point into the text
        if item.start is not None:
            assert item.end is not None and 0 <= item.start < item.end <= len(case["text"])


def test_a_stated_year_always_has_evidence() -> None:
    for case in CASES:
        estimate = _estimate(case)
        if estimate.value and estimate.value[:4].isdigit():
            assert estimate.evidence, case["name"]


def test_timexes_given_add_year_mentions_and_weekdays() -> None:
    text = "SELLA, March 3 /KESTRAN WIRE/. The minister said that day that last year's budget had been spent."
    day, year = text.index("that day"), text.index("last year")
    timexes = [
        Timex(start=day, end=day + 8, text="that day", type="DATE", value="XXXX-WXX-2"),
        Timex(start=year, end=year + 9, text="last year", type="DATE", value="2016"),
    ]
    raw = RawDocument(source="t", kind="text", raw=b"", text=text, crawl_date="2021-06-01")
    without = estimate_published(raw, text, find_dateline(text))
    with_timexes = estimate_published(raw, text, find_dateline(text), timexes)
    assert without.value == "XXXX-03-03"
    assert with_timexes.value == "2020-03-03"


def test_year_mentions_flag_future_years() -> None:
    mentions = year_mentions("Opened in 2014, the port must double its traffic by 2025 and until 2030.")
    assert [(m.year, m.future) for m in mentions] == [(2014, False), (2025, True), (2030, True)]


@pytest.mark.parametrize(
    ("lead", "weekday"),
    [
        ("The minister said on Tuesday that the plan was late.", "XXXX-WXX-2"),
        ("The minister resigned last Tuesday, officials said.", None),
        ("Egypt will tender Thursday for corn, traders said.", None),
        ("The ministry will put into effect Monday a new rule.", None),
        ("Monday's crash was exaggerated, the banker said.", None),
        ("The Black Monday crash did not shake the markets.", None),
        ("The minister said today that talks would resume on Friday.", None),
        ("The council met on Monday and voted on Tuesday.", None),
    ],
)
def test_the_weekday_of_the_lead(lead: str, weekday: str | None) -> None:
    text = f"SELLA, March 3 /KESTRAN WIRE/. {lead}"
    found = lead_weekday(text, find_dateline(text))
    assert (found.value if found else None) == weekday
    if found is not None:
        assert text[found.start : found.end] == found.text


def test_the_weekday_written_in_the_dateline() -> None:
    text = "WASHINGTON, Tuesday, March 3 (AP) — The House voted on Monday's bill."
    found = lead_weekday(text, find_dateline(text))
    assert found is not None and found.value == "XXXX-WXX-2"


def test_anniversaries() -> None:
    assert [s.value for s in anniversary_years("The town celebrated the centenary of the 1916 rising.")] == [
        "2016"
    ]
    assert [s.value for s in anniversary_years("Seventy years ago, in 1950, the bridge opened.")] == [
        "2020",
        "2021",
    ]
    assert anniversary_years("Nearly seventy years ago, in 1950, the bridge opened.") == []
    assert anniversary_years("He was freed in 1990, 27 years after his arrest in 1963.") == []
    assert anniversary_years("Lending helped in the two or three years since the crisis in 1982.") == []


def _open_year(weekday: str | None = None, bound: str | None = None) -> DateEstimate:
    evidence = [Evidence("dateline", "SELLA, March 3 /KESTRAN WIRE/.", "XXXX-03-03", 0, 30)]
    if weekday:
        evidence.append(Evidence("weekday", "Tuesday", weekday, 40, 47))
    if bound:
        evidence.append(Evidence("crawl-bound", f"crawled {bound}", bound))
    return DateEstimate("XXXX-03-03", "day", 0.5, evidence)


def test_neighbours_that_agree_give_the_year() -> None:
    refined = refine_with_neighbours(
        _open_year(), [DateEstimate("2020-03-05", "day", 0.8), DateEstimate("2020-02-20", "day", 0.7)]
    )
    assert refined.value == "2020-03-03"
    assert refined.evidence[-1].kind == "neighbours"
    assert refined.evidence[-1].value == "2020"


def test_neighbours_across_new_year_pick_the_closest_year() -> None:
    estimate = DateEstimate(
        "XXXX-12-30", "day", 0.5, [Evidence("dateline", "OSLO, Dec. 30", "XXXX-12-30", 0, 13)]
    )
    refined = refine_with_neighbours(estimate, [DateEstimate("2020-01-02", "day", 0.8)])
    assert refined.value == "2019-12-30"


def test_one_far_neighbour_does_not_veto_the_close_ones() -> None:
    neighbours = [DateEstimate(v, "day", 0.8) for v in ("2020-03-05", "2020-03-10", "2021-11-02")]
    assert refine_with_neighbours(_open_year(), neighbours).value == "2020-03-03"
    mostly_far = [DateEstimate(v, "day", 0.8) for v in ("2020-03-05", "2021-11-02", "2022-08-01")]
    assert refine_with_neighbours(_open_year(), mostly_far).value == "XXXX-03-03"


def test_neighbours_that_disagree_keep_xxxx() -> None:
    neighbours = [DateEstimate("2019-03-05", "day", 0.8), DateEstimate("2021-03-01", "day", 0.8)]
    assert refine_with_neighbours(_open_year(), neighbours).value == "XXXX-03-03"


def test_neighbours_far_away_keep_xxxx() -> None:
    assert (
        refine_with_neighbours(_open_year(), [DateEstimate("2020-09-20", "day", 0.8)]).value == "XXXX-03-03"
    )


def test_neighbours_honour_the_weekday() -> None:
    # March 3 was a Sunday in 2019 and a Tuesday in 2020.
    tuesday = _open_year(weekday="XXXX-WXX-2")
    assert refine_with_neighbours(tuesday, [DateEstimate("2019-03-05", "day", 0.8)]).value == "XXXX-03-03"
    assert refine_with_neighbours(tuesday, [DateEstimate("2020-03-04", "day", 0.8)]).value == "2020-03-03"


def test_neighbours_honour_the_upper_bound() -> None:
    bounded = _open_year(bound="2020-03-01")
    assert refine_with_neighbours(bounded, [DateEstimate("2020-03-05", "day", 0.8)]).value == "XXXX-03-03"


def test_neighbours_leave_known_years_and_undated_neighbours_alone() -> None:
    known = DateEstimate("2018-09-12", "day", 0.8, [])
    assert refine_with_neighbours(known, [DateEstimate("2020-03-05", "day", 0.8)]) is known
    assert (
        refine_with_neighbours(_open_year(), [DateEstimate(None), DateEstimate("XXXX-03-04")]).value
        == "XXXX-03-03"
    )


@pytest.mark.shared
@pytest.mark.slow
def test_mediacloud_accuracy_beats_htmldate() -> None:
    root = shared_datasets()
    if root is None or not (root / "htmldate-mediacloud2020").is_dir():
        pytest.skip("shared datasets not available")
    from storyline.eval.pubdate import evaluate_mediacloud

    result = evaluate_mediacloud(root / "htmldate-mediacloud2020")
    assert result["pages"] == 193 and result["skipped_no_gold"] == 5 and result["stubs"]["pages"] == 2
    assert result["ours"]["accuracy"] >= 0.90
    assert result["ours"]["accuracy"] > result["htmldate_default"]["accuracy"]
