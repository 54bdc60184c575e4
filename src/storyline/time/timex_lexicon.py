"""The TIMEX3 tagger's word lists and tables (``data/timex_lexicon.toml``), loaded once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The parsed ``timex_lexicon.toml``."""
    raw = resources.files("storyline.data").joinpath("timex_lexicon.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def alternation(words: Iterable[str], *, period: bool = False) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace.

    With ``period`` an abbreviation may carry a trailing dot (``Sept.``).
    """
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        escaped = r"\s+".join(re.escape(p) for p in word.split())
        parts.append(escaped + (r"\.?" if period else ""))
    return "(?:" + "|".join(parts) + ")"


def title_forms(words: Iterable[str]) -> list[str]:
    """``Title`` and ``UPPER`` spellings of lower-case words."""
    out = []
    for word in words:
        out += [word.title(), word.upper()]
    return out


@lru_cache(maxsize=1)
def unit_table() -> dict[str, tuple[str, str, bool]]:
    """Unit word -> (unit name, TIMEX3 letter, is a time-of-day unit)."""
    table = {}
    for name, spec in lexicon()["units"].items():
        for form in spec["forms"]:
            table[form] = (name, spec["letter"], bool(spec["time"]))
    return table


def number_value(word: str) -> float | None:
    """The number a numeral or number word states (``"two"`` -> 2, ``"2 1/2"`` -> 2.5, ``"twenty-five"`` -> 25)."""
    word = " ".join(word.lower().replace(",", "").split())
    numbers = lexicon()["numbers"]
    if word in numbers:
        return float(numbers[word])
    m = re.fullmatch(r"(\d+)(?:\s+(\d)/(\d))?", word)
    if m:
        value = float(m.group(1))
        if m.group(2):
            value += int(m.group(2)) / int(m.group(3))
        return value
    m = re.fullmatch(r"(\d+\.\d+)", word)
    if m:
        return float(m.group(1))
    if word.endswith(" and a half"):
        base = number_value(word[: -len(" and a half")])
        return None if base is None else base + 0.5
    m = re.fullmatch(r"([a-z]+)[- ]([a-z]+)", word)
    if m and m.group(1) in numbers and m.group(2) in numbers:
        tens, ones = numbers[m.group(1)], numbers[m.group(2)]
        if tens >= 20 and tens % 10 == 0 and ones < 10:
            return float(tens + ones)
    return None
