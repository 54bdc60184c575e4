"""The line cleaner: each rule, what it must keep, reasons, offsets back to the input."""

from __future__ import annotations

import pytest

from storyline import clean as c
from storyline.clean import clean, fingerprint, short_line_keys, to_input_offset

BODY = "The two foreign ministers met in Sella on Tuesday and agreed to resume talks in May."


def _reason_of(line: str, text: str | None = None, **kwargs: object) -> str | None:
    result = clean(text if text is not None else f"{BODY}\n{line}\n{BODY} Again.", find_title=False, **kwargs)  # type: ignore[arg-type]
    reasons = {r.text: r.reason for r in result.removed}
    return reasons.get(line.strip())


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Get short URL", c.WIDGET),
        ("0 63", c.COUNTER),
        ("1.2K shares", c.COUNTER),
        ("Listen Live", c.WIDGET),
        ("Follow us on Twitter", c.WIDGET),
        ("Subscribe to our newsletter", c.WIDGET),
        ("© Pavel Orlov/KESTRAN WIRE", c.CREDIT),
        ("Photo: Lena Ark / Harbor Daily Post", c.CREDIT),
        ("The president at a press conference in Sella. (Photo by Lena Ark)", c.CREDIT),
        ("Tags: Valdoria, Kestrania, diplomacy", c.TAGS),
        ("Topics: islands | treaty", c.TAGS),
        ("Reposting of this material is allowed only with a hyperlink to Kestran Wire", c.RIGHTS),
        ("All rights reserved.", c.RIGHTS),
        ("Comments (14)", c.COMMENTS),
        ("Add comment", c.COMMENTS),
        ("Log in to comment", c.COMMENTS),
        ("Updated 14:32 02.11.2024", c.STAMP),
        ("Page generated 2025-01-07 10:15:22", c.STAMP),
        ("07.01.2025 10:15", c.STAMP),
        ("Home > World > Europe", c.BREADCRUMB),
    ],
)
def test_noise_line_is_removed_with_its_reason(line: str, reason: str) -> None:
    assert _reason_of(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Published: 12 September 2019",  # the article's own date line: kept for the date stage
        "The minister said on Monday that the copyright treaty would be signed in 2020.",
        '"We will share the islands with nobody," Ivanov said.',
        "Novak will follow the talks closely, her spokeswoman said.",
        "12 people were injured.",
        "12.03.2019",  # a bare date line, no time of day: possibly the article's date
        "In 1956 the two countries signed a joint declaration.",
    ],
)
def test_prose_and_date_lines_are_kept(line: str) -> None:
    assert _reason_of(line) is None


def test_related_headlines_list_is_removed_up_to_the_next_paragraph() -> None:
    text = (
        f"{BODY}\nYou might also like:\nIvanov visits the islands\nTalks stall again\nNovak to travel to Sella\n\n"
        "The talks will continue next week, officials said."
    )
    result = clean(text, find_title=False)
    assert [r.reason for r in result.removed] == [c.RELATED_HEADER] + [c.RELATED_ITEM] * 3
    assert result.text.endswith("officials said.")


def test_every_removed_line_has_a_reason_and_line_number() -> None:
    text = f"Updated 14:32 02.11.2024\nGet short URL\nTalks resume in Sella\n{BODY}\nTags: a, b\n"
    result = clean(text)
    assert result.title == "Talks resume in Sella"
    assert [(r.line_no, r.reason) for r in result.removed] == [
        (1, c.STAMP),
        (2, c.WIDGET),
        (3, c.TITLE_LINE),
        (5, c.TAGS),
    ]
    assert result.text == BODY


def test_a_given_title_is_not_searched_for_but_its_repeat_is_removed() -> None:
    result = clean(f"Talks resume in Sella\n{BODY}", title="Talks Resume in Sella")
    assert result.title == "Talks Resume in Sella"
    assert result.removed[0].reason == c.TITLE_REPEAT


def test_outlet_boilerplate_is_removed_only_when_short() -> None:
    background = (
        "In 1956 the two countries signed a joint declaration that promised the transfer of two islands "
        "after a peace treaty, which was never signed."
    )
    text = f"{BODY}\nMore Harbor news every morning\n{background}"
    keys = short_line_keys(text)
    assert fingerprint("More Harbor news every morning") in keys
    assert fingerprint(background) not in keys
    result = clean(text, outlet_boilerplate=keys, find_title=False)
    assert [r.reason for r in result.removed] == [c.REPEATED]
    assert background in result.text


def test_offsets_map_back_to_the_input() -> None:
    text = "Get short URL\n\n  Talks resume\n\n" + BODY + "\n0 63\n" + "Novak arrived on Monday."
    result = clean(text)
    start = result.text.index("Novak")
    original = to_input_offset(result.offset_map, start)
    assert original is not None and text[original : original + 5] == "Novak"
    assert result.text == BODY + "\nNovak arrived on Monday."


def test_paragraph_breaks_survive_and_blank_runs_collapse() -> None:
    result = clean(f"{BODY}\n\n\n\nSecond paragraph here, officials said.", find_title=False)
    assert result.text == f"{BODY}\n\nSecond paragraph here, officials said."
