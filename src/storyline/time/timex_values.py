"""Shared pieces of TIMEX3 normalization: the ``Piece`` and ``Context`` records, word tables,
and value arithmetic that keeps a value's own precision (``shift_value("1989-Q3", "year", -1)``
is ``"1988-Q3"``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from storyline.model import precision_of
from storyline.time.timex_calendar import RefDate, week_shift, weekday_near
from storyline.time.timex_lexicon import lexicon, number_value, unit_table
from storyline.time.timex_tense import FUTURE, PAST, UNKNOWN


@dataclass(slots=True)
class Piece:
    """One normalized time expression (offsets into the text)."""

    start: int
    end: int
    type: str
    value: str
    mod: str | None = None
    anchor: str | None = None  # "dct", "absolute" or "timex"
    confidence: float = 1.0


@dataclass(slots=True)
class Context:
    """What normalizers read: the text, the DCT, tense directions and the last date mentioned."""

    text: str
    dct: RefDate
    direction_of: Callable[[int, int], int]
    anchor_value: str | None = None  # last concrete DATE value, for anaphoric expressions
    anchor_index: int | None = None  # index of the timex that gave ``anchor_value``
    _directions: dict[tuple[int, int], int] = field(default_factory=dict)

    def direction(self, start: int, end: int) -> int:
        key = (start, end)
        if key not in self._directions:
            self._directions[key] = self.direction_of(start, end)
        return self._directions[key]

    def anchor(self) -> str:
        """The value anaphoric expressions count from: the last date mentioned, else the DCT."""
        return self.anchor_value or dct_value(self.dct)


def dct_value(ref: RefDate) -> str:
    """The DCT as a value at its own precision (day, month or year)."""
    if ref.day:
        return ref.day_value()
    if ref.month:
        return ref.month_value()
    return ref.year_str()


def word_key(word: str) -> str:
    """Lower case, no trailing dot, hyphens as spaces, single spaces: the key for word tables."""
    return " ".join(word.lower().rstrip(".").replace("-", " ").split())


def month_number(word: str) -> int:
    return int(lexicon()["months"][word_key(word)])


def weekday_number(word: str) -> int:
    """ISO weekday of a weekday name or its plural ("Mondays" -> 1)."""
    key, table = word_key(word), lexicon()["weekdays"]
    return int(table[key] if key in table else table[key.removesuffix("s")])


def position_mod(word: str | None) -> str | None:
    """``"the end of"`` -> ``END``, ``"early"`` -> ``START``, ``"mid"`` -> ``MID``."""
    if not word:
        return None
    key = word_key(word).removeprefix("the ").removesuffix(" of the").removesuffix(" of")
    return lexicon()["position_mods"].get(key)


def approx_mod(word: str | None) -> str | None:
    if not word:
        return None
    key = word_key(word)
    if key in ("about", "some", "around"):
        return "APPROX"
    return lexicon()["mods_prefix"].get(key)


def number_of(word: str | None) -> float | None:
    return None if word is None else number_value(word)


def ordinal_of(word: str) -> int:
    key = word_key(word)
    m = re.match(r"(\d+)", key)
    if m:
        return int(m.group(1))
    value = lexicon()["ordinals"].get(key)
    return int(value) if value is not None else 0


def short_year(text: str, ref: RefDate) -> int:
    """``'98`` or ``98`` -> 1998 (or 20xx when that is not after the DCT's year)."""
    two = int(text.strip("'"))
    if ref.year is not None and 2000 + two <= ref.year + 1:
        return 2000 + two
    return 1900 + two


def year_of(text: str | None, ref: RefDate) -> int | None:
    if not text:
        return None
    text = text.strip()
    return int(text) if re.fullmatch(r"\d{4}", text) else short_year(text, ref)


_QUARTER = re.compile(r"^(\d{4}|XXXX)-([QH])([1-4X])$")
_SEASON = re.compile(r"^(\d{4}|XXXX)-(SP|SU|FA|WI)$")
_WEEK = re.compile(r"^(\d{4}|XXXX)-W(\d\d|XX)")


def shift_value(value: str, unit: str, n: int) -> str:
    """``value`` moved by ``n`` ``unit``\\ s (day, week, month, quarter, year, decade), kept at its
    own precision: ``shift_value("1989-Q3", "year", -1) == "1988-Q3"``."""
    precision = precision_of(value)
    years = {"year": 1, "decade": 10, "century": 100}.get(unit)
    if precision in ("day", "month"):
        ref = RefDate.parse(value)
        if unit in ("day", "week"):
            moved = ref.shift_days(n * (7 if unit == "week" else 1))
        elif unit == "month":
            moved = ref.shift_months(n)
        elif unit == "quarter":
            moved = ref.shift_months(3 * n)
        else:
            moved = ref.shift_years(n * (years or 1))
        return moved.day_value() if precision == "day" and moved.day else moved.month_value()
    m = _QUARTER.match(value)
    if m:
        year = None if m.group(1) == "XXXX" else int(m.group(1))
        if years and year is not None:
            return f"{year + n * years:04d}-{m.group(2)}{m.group(3)}"
        if unit == "quarter" and m.group(2) == "Q" and m.group(3) != "X" and year is not None:
            index = year * 4 + int(m.group(3)) - 1 + n
            return f"{index // 4:04d}-Q{index % 4 + 1}"
        return value
    m = _SEASON.match(value) or _WEEK.match(value)
    if m and years and m.group(1) != "XXXX":
        return f"{int(m.group(1)) + n * years:04d}" + value[4:]
    if m and unit == "week" and _WEEK.match(value):
        monday = _week_start(value)
        return week_shift(monday, n) if monday else value
    if precision == "year" and years and value[:4].isdigit():
        return f"{int(value[:4]) + n * years:04d}"
    if precision == "decade" and unit == "decade" and value[:3].isdigit():
        return f"{int(value[:3]) + n:03d}"
    return value


def _week_start(value: str) -> RefDate | None:
    """The Monday of an ISO week value."""
    m = _WEEK.match(value)
    if not m or not m.group(1).isdigit() or not m.group(2).isdigit():
        return None
    d = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    return RefDate(d.year, d.month, d.day)


def quarter_year(ref: RefDate, q: int, direction: int, per_year: int = 4) -> int | None:
    """The year of quarter (or half) ``q`` nearest the DCT: a later one than the current is
    last year's unless the clause looks forward."""
    if ref.year is None:
        return None
    current = ref.quarter() if per_year == 4 else (None if ref.month is None else (ref.month - 1) // 6 + 1)
    if current is None or q <= current + 1:
        return ref.year  # this year's, up to the coming one
    return ref.year if direction == FUTURE else ref.year - 1


def latest_quarter(ref: RefDate, direction: int) -> str:
    """The quarter a report refers to: the last one completed (the current one when looking forward)."""
    q = ref.quarter()
    if ref.year is None or q is None:
        return f"{ref.year_str()}-QX"
    if direction == FUTURE:
        return f"{ref.year:04d}-Q{q}"
    index = ref.year * 4 + q - 2
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def season_index(month: int) -> tuple[int, str]:
    """(index within the year, season code); December's winter counts with its own year."""
    if month <= 2:
        return 0, "WI"
    if month <= 5:
        return 1, "SP"
    if month <= 8:
        return 2, "SU"
    if month <= 11:
        return 3, "FA"
    return 4, "WI"


def season_year(ref: RefDate, code: str, rel: str, direction: int) -> int | None:
    if ref.year is None:
        return None
    if ref.month is None:
        return ref.year
    current, _ = season_index(ref.month)
    target = {"SP": 1, "SU": 2, "FA": 3, "WI": 4}[code]
    if code == "WI" and current == 0:
        target = 0
    if rel == "this past":
        return ref.year if target < current else ref.year - 1
    if rel in ("last", "past", "the past"):
        return ref.year - 1  # TempEval practice: "last fall" said in October is the year before
    if rel in ("next", "coming", "the coming", "this coming", "the next"):
        return ref.year if target > current else ref.year + 1
    if rel == "this" or direction == UNKNOWN:
        return ref.year
    if direction == PAST:
        return ref.year if target <= current else ref.year - 1
    return ref.year if target >= current else ref.year + 1


Normalizer = Callable[[re.Match[str], Context], list[Piece] | Piece | None]


def group(m: re.Match[str], name: str) -> str | None:
    """Group ``name`` of ``m``, or None when the rule has no such group."""
    return m.group(name) if name in m.re.groupindex else None


def extent(m: re.Match[str]) -> tuple[int, int]:
    if "t" in m.re.groupindex and m.group("t") is not None:
        return m.span("t")
    return m.span()


def make_piece(
    m: re.Match[str], value: str, mod: str | None = None, anchor: str = "dct", kind: str = "DATE"
) -> Piece:
    start, end = extent(m)
    return Piece(start, end, kind, value, mod, anchor)


PART_CODE = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}


def at_precision(value: str, unit: str) -> str:
    """``value`` coarsened (or, with unknown parts, padded) to ``unit``'s precision."""
    precision = precision_of(value)
    ref = RefDate.parse(value)
    if unit == "year":
        return value[:4]
    if unit == "month":
        return ref.month_value() if precision in ("day", "month", "time") else value
    if unit == "week":
        return ref.week_value() if precision in ("day", "time") else value
    if unit == "quarter":
        if precision == "quarter":
            return value
        q = ref.quarter()
        return f"{ref.year_str()}-Q{q}" if q else value
    return ref.day_value() if precision in ("day", "time") else value


def weekday_value(weekday: int, ctx: Context, direction: int, strict: bool = False) -> str:
    if ctx.dct.as_date() is None:
        return f"{ctx.dct.year_str()}-WXX-{weekday}"
    if strict and ctx.dct.weekday() == weekday:
        return ctx.dct.shift_days(7 * direction).day_value()
    return weekday_near(ctx.dct, weekday, direction).day_value()


def unit_of(word: str) -> tuple[str, str, bool]:
    return unit_table()[" ".join(word.lower().split())]


def duration_prepositions() -> frozenset[str]:
    """Words after which "a year" is a span ("for a year"), not a rate."""
    return frozenset(lexicon()["cue_words"]["duration_prepositions"])


_PREVIOUS_WORD = re.compile(r"([\w$%]+)\W*$")


def previous_word(text: str, start: int) -> str:
    m = _PREVIOUS_WORD.search(text[max(0, start - 25) : start])
    return m.group(1).lower() if m else ""


def set_context(text: str, start: int) -> bool:
    """True when "a year" follows an amount or a counted noun ("$5 a year", "twice a day",
    "four flights a week"): a frequency, not a span."""
    word = previous_word(text, start).lstrip("$£€")
    if not word or word in duration_prepositions():
        return False
    if word[0].isdigit() or word in (
        "times",
        "once",
        "twice",
        "percent",
        "cents",
        "million",
        "billion",
        "each",
    ):
        return True
    return word.endswith("s") and not word.endswith("ss") and len(word) > 3
