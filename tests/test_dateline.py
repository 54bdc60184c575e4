"""Datelines at the start of a news body: forms found, offsets, and ordinary first sentences left alone."""

from __future__ import annotations

import pytest

from storyline.time.dateline import find_dateline

FOUND = [
    # text, place, date, agency, dateline text
    (
        "SELLA, March 3 /KESTRAN WIRE/. The minister said",
        "SELLA",
        "XXXX-03-03",
        "KESTRAN WIRE",
        "SELLA, March 3 /KESTRAN WIRE/.",
    ),
    (
        "BRUSSELS, March 3 (Reuters) - The union agreed",
        "BRUSSELS",
        "XXXX-03-03",
        "Reuters",
        "BRUSSELS, March 3 (Reuters) -",
    ),
    ("WASHINGTON (AP) — The Senate voted", "WASHINGTON", None, "AP", "WASHINGTON (AP) —"),
    ("LONDON, Sept 12, 2018 — Shares rose", "LONDON", "2018-09-12", None, "LONDON, Sept 12, 2018 —"),
    (
        "MOSCOW, 12 March. /TASS/. The ministry said",
        "MOSCOW",
        "XXXX-03-12",
        "TASS",
        "MOSCOW, 12 March. /TASS/.",
    ),
    ("Paris, le 3 mars - Le conseil a voté", "Paris", "XXXX-03-03", None, "Paris, le 3 mars -"),
    ("KYIV, Ukraine (AP) — Officials said", "KYIV, Ukraine", None, "AP", "KYIV, Ukraine (AP) —"),
    (
        "SAN FRANCISCO, Calif. — The company said",
        "SAN FRANCISCO, Calif.",
        None,
        None,
        "SAN FRANCISCO, Calif. —",
    ),
    ("RICHMOND, Va. Feb 26 - The bank said", "RICHMOND, Va.", "XXXX-02-26", None, "RICHMOND, Va. Feb 26 -"),
    ("NEW YORK, March 3, 2019 /PRNewswire/ -- Acme Corp said", "NEW YORK", "2019-03-03", "PRNewswire", None),
    ("LONDON, Feb 29 (Reuters) - Sales fell", "LONDON", "XXXX-02-29", "Reuters", None),
    ("WASHINGTON, Tuesday, March 3 (AP) — The House", "WASHINGTON", "XXXX-03-03", "AP", None),
    ("Washington (AP) — The House voted", "Washington", None, "AP", None),
    ("THE HAGUE, March 2 - Imports rose", "THE HAGUE", "XXXX-03-02", None, None),
    ("Berlin, 3. März 2020 (dpa) - Der Rat", "Berlin", "2020-03-03", "dpa", None),
    ("(Reuters) - Oil prices rose on Monday", None, None, "Reuters", "(Reuters) -"),
]


@pytest.mark.parametrize(("text", "place", "date", "agency", "span"), FOUND, ids=[f[0][:24] for f in FOUND])
def test_dateline_forms(
    text: str, place: str | None, date: str | None, agency: str | None, span: str | None
) -> None:
    found = find_dateline(text)
    assert found is not None
    assert (found.place, found.date, found.agency) == (place, date, agency)
    assert text[found.start : found.end] == found.text
    if span is not None:
        assert found.text == span


def test_dateline_after_title_and_byline_lines() -> None:
    text = "Harbour council approves the new quay\nBy Mira Talvane\nSELLA, March 3 /KESTRAN WIRE/. The council voted."
    found = find_dateline(text)
    assert found is not None and found.place == "SELLA" and found.date == "XXXX-03-03"
    assert found.start == text.index("SELLA")


def test_no_dateline_beyond_the_opening() -> None:
    text = (
        "The council met.\n"
        + "It talked for a long time about the quay. " * 10
        + "\nSELLA, March 3 /KESTRAN WIRE/. Late."
    )
    assert find_dateline(text) is None


NOT_DATELINES = [
    "In March, the minister said the plan was late.",
    "On March 3, 2020, the minister said the plan was late.",
    "Yesterday, March 3, the minister said the plan was late.",
    "Apple (AAPL) - shares fell in early trading.",
    "BREAKING — The council has resigned.",
    "COVID-19 — what you need to know about the new rules.",
    "UPDATED: March 3, 2020 — The council has resigned.",
    "The minister said on Tuesday that the plan was late.",
    "",
]


@pytest.mark.parametrize("text", NOT_DATELINES)
def test_ordinary_openings_are_not_datelines(text: str) -> None:
    assert find_dateline(text) is None
