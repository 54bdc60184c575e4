"""Context checks that reject matches which only look like dates.

A four-digit number is a year unless money, a unit or a count noun surrounds it ("$1990",
"2000 people"); a bare "May" or "March" is a month only after a date preposition; a month
name followed by a capitalized word is a person ("June Carter").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from storyline.time.timex_lexicon import lexicon

_YEAR_BEFORE = re.compile(r"(?<!\d)[12]\d{3}-$")
_YEAR_AFTER = re.compile(r"-(?:[12]\d{3}|\d\d)(?!\d)")
_WORD_BEFORE = re.compile(r"([\w$£€.%]+)\W*$")
_WORDS_AFTER = re.compile(r"^\s*([\w%]+(?:\.\w)?)")


@lru_cache(maxsize=8)
def _cue(name: str) -> frozenset[str]:
    return frozenset(lexicon()["cue_words"][name])


@lru_cache(maxsize=1)
def _blockers() -> tuple[frozenset[str], frozenset[str]]:
    table = lexicon()["year_blockers"]
    return frozenset(table["before"]), frozenset(table["after"])


@lru_cache(maxsize=1)
def _ambiguous_months() -> frozenset[str]:
    return frozenset(lexicon()["ambiguous_months"]["words"])


def _word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text[max(0, start - 30) : start])
    return m.group(1).lower() if m else ""


def _word_after(text: str, end: int) -> str:
    m = _WORDS_AFTER.match(text[end : end + 30])
    return m.group(1).lower() if m else ""


def _year_ok(m: re.Match[str], text: str) -> bool:
    if m["pos"] or m["yr"]:
        return True
    before_words, after_words = _blockers()
    start, end = m.span("y")
    prev = _word_before(text, start)
    nxt = _word_after(text, end)
    prev_char = text[start - 1 : start]
    if prev_char and prev_char in "$£€#":
        return False
    if (
        prev_char == "-"
        and text[start - 2 : start - 1].isdigit()
        and not _YEAR_BEFORE.search(text[max(0, start - 6) : start])
    ):
        return False  # "555-1990", but not "2009-2010"
    if text[end : end + 1] == "%" or nxt in after_words:
        return False
    if text[end : end + 1] == "-" and text[end + 1 : end + 2].isdigit() and not _YEAR_AFTER.match(text, end):
        return False
    if prev in before_words:
        return False
    year = int(m["y"])
    return year >= 1700 or prev in _cue("date_prepositions")


def _month_ok(m: re.Match[str], text: str) -> bool:
    word = m["month"].lower().rstrip(".")
    start, end = m.span("month")
    if m["pos"] or m["rel"] or m["yrel"]:
        return True
    nxt = text[end : end + 30]
    if re.match(r"\s+[A-Z][a-z]", nxt) and not re.match(
        r"\s+(?:The|This|That|It|He|She|They|We|In|On|At)\b", nxt
    ):
        return False  # "June Carter", "August Wilson"
    if word in _ambiguous_months():
        return _word_before(text, start) in _cue("date_prepositions")
    return True


def _mdy_ok(m: re.Match[str], text: str) -> bool:
    start = m.start("month")
    word = m["month"].lower().rstrip(".")
    if word in _ambiguous_months() and not m["y"] and not m["wd"]:
        # "may 5" is rare in lower case; capitalized "May 5" is a date, but not "May 2 percent"
        return _word_after(text, m.end()) not in _blockers()[1]
    return start >= 0


def _duration_ok(m: re.Match[str], text: str) -> bool:
    nxt = _word_after(text, m.end())
    return nxt not in ("old", "olds")


def _set_adverb_ok(m: re.Match[str], text: str) -> bool:
    """Keep "daily", "quarterly" as adverbs ("paid quarterly."), not as adjectives ("a quarterly dividend")."""
    if m["word"].lower() not in _cue("adjectival_adverbs"):
        return True  # "annually" is never an adjective
    nxt = text[m.end() : m.end() + 20]
    word = _word_after(text, m.end())
    if not re.match(r"\s*[A-Za-z]", nxt):
        return True
    return word in _cue("adverb_followers")


def _fuzzy_ok(m: re.Match[str], text: str) -> bool:
    """ "current" before "account", "affairs"... is not a time reference."""
    if m["word"].lower() == "current":
        return _word_after(text, m.end()) not in _cue("not_temporal_after_current")
    return True


FILTERS: dict[str, Callable[[re.Match[str], str], bool]] = {
    "year": _year_ok,
    "month": _month_ok,
    "mdy": _mdy_ok,
    "duration": _duration_ok,
    "fuzzy": _fuzzy_ok,
    "set_adverb": _set_adverb_ok,
}


def accept(rule: str, m: re.Match[str], text: str) -> bool:
    """False when the match of ``rule`` is not a time expression in its context."""
    start, end = m.span()
    if start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        return False
    if end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        return False
    check = FILTERS.get(rule)
    return check(m, text) if check else True
