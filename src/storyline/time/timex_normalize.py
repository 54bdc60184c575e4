"""From a matched rule to TIMEX3 type, value and mod, relative to the article's date.

Each rule of :mod:`timex_patterns` has a normalizer of the same name here. Relative values are
computed from the DCT (or, for anaphoric expressions like "a year earlier" and "the next day",
from the last date mentioned before them); unknown parts stay ``X`` (never an invented year).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from storyline.model import precision_of
from storyline.time.timex_calendar import (
    RefDate,
    month_day_near,
    month_near,
    valid_day,
    week_shift,
    weekday_near,
)
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
    if ref.day:
        return ref.day_value()
    if ref.month:
        return ref.month_value()
    return ref.year_str()


# --- word tables ---------------------------------------------------------------------------------


def _key(word: str) -> str:
    return " ".join(word.lower().rstrip(".").replace("-", " ").split())


def month_number(word: str) -> int:
    return int(lexicon()["months"][_key(word)])


def weekday_number(word: str) -> int:
    return int(lexicon()["weekdays"][_key(word).removesuffix("s") if _key(word) not in lexicon()["weekdays"] else _key(word)])


_POSITION = {"early": "START", "earlier": "START", "beginning": "START", "start": "START", "first half": "START",
             "mid": "MID", "middle": "MID", "late": "END", "later": "END", "end": "END", "close": "END",
             "latter part": "END", "second half": "END"}  # fmt: skip


def position_mod(word: str | None) -> str | None:
    """``"the end of"`` -> ``END``, ``"early"`` -> ``START``, ``"mid"`` -> ``MID``."""
    if not word:
        return None
    key = _key(word).removeprefix("the ").removesuffix(" of the").removesuffix(" of")
    return _POSITION.get(key)


def approx_mod(word: str | None) -> str | None:
    if not word:
        return None
    key = _key(word)
    if key in ("about", "some", "around"):
        return "APPROX"
    return lexicon()["mods_prefix"].get(key)


def _number(word: str | None) -> float | None:
    return None if word is None else number_value(word)


def _ordinal(word: str) -> int:
    key = _key(word)
    m = re.match(r"(\d+)", key)
    if m:
        return int(m.group(1))
    value = lexicon()["ordinals"].get(key)
    return int(value) if value is not None else 0


def _short_year(text: str, ref: RefDate) -> int:
    """``'98`` or ``98`` -> 1998 (or 20xx when that is not after the DCT's year)."""
    two = int(text.strip("'"))
    if ref.year is not None and 2000 + two <= ref.year + 1:
        return 2000 + two
    return 1900 + two


def _year(text: str | None, ref: RefDate) -> int | None:
    if not text:
        return None
    text = text.strip()
    return int(text) if re.fullmatch(r"\d{4}", text) else _short_year(text, ref)


# --- value shifting at a value's own granularity ------------------------------------------------

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
        ref = _week_start(value)
        return week_shift(ref, n) if ref else value
    if precision == "year" and years and value[:4].isdigit():
        return f"{int(value[:4]) + n * years:04d}"
    if precision == "decade" and unit == "decade" and value[:3].isdigit():
        return f"{int(value[:3]) + n:03d}"
    return value


def _week_start(value: str) -> RefDate | None:
    import datetime as dt

    m = _WEEK.match(value)
    if not m or not m.group(1).isdigit() or not m.group(2).isdigit():
        return None
    d = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    return RefDate(d.year, d.month, d.day)


def _granular(ref: RefDate, precision: str) -> str:
    if precision == "year":
        return ref.year_str()
    if precision == "month":
        return ref.month_value()
    if precision == "week":
        return ref.week_value()
    return ref.day_value()


def _quarter_year(ref: RefDate, q: int, direction: int, per_year: int = 4) -> int | None:
    """The year of quarter (or half) ``q`` nearest the DCT: a later one than the current is
    last year's unless the clause looks forward."""
    if ref.year is None:
        return None
    current = ref.quarter() if per_year == 4 else (None if ref.month is None else (ref.month - 1) // 6 + 1)
    if current is None or q <= current:
        return ref.year
    return ref.year if direction == FUTURE else ref.year - 1


def _latest_quarter(ref: RefDate, direction: int) -> str:
    """The quarter a report refers to: the last one completed (the current one when looking forward)."""
    q = ref.quarter()
    if ref.year is None or q is None:
        return f"{ref.year_str()}-QX"
    if direction == FUTURE:
        return f"{ref.year:04d}-Q{q}"
    index = ref.year * 4 + q - 2
    return f"{index // 4:04d}-Q{index % 4 + 1}"


_SEASON_ORDER = ("SP", "SU", "FA", "WI")


def _season_index(month: int) -> tuple[int, str]:
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


def _season_year(ref: RefDate, code: str, rel: str, direction: int) -> int | None:
    if ref.year is None:
        return None
    if ref.month is None:
        return ref.year
    current, _ = _season_index(ref.month)
    target = {"SP": 1, "SU": 2, "FA": 3, "WI": 4}[code]
    if code == "WI" and current == 0:
        target = 0
    if rel in ("last", "past", "the past", "this past"):
        return ref.year if target < current else ref.year - 1
    if rel in ("next", "coming", "the coming", "this coming", "the next"):
        return ref.year if target > current else ref.year + 1
    if rel == "this" or direction == UNKNOWN:
        return ref.year
    if direction == PAST:
        return ref.year if target <= current else ref.year - 1
    return ref.year if target >= current else ref.year + 1


# --- normalizers ---------------------------------------------------------------------------------

Normalizer = Callable[[re.Match[str], Context], list[Piece] | Piece | None]


def _g(m: re.Match[str], name: str) -> str | None:
    """Group ``name`` of ``m``, or None when the rule has no such group."""
    return m.group(name) if name in m.re.groupindex else None


def _span(m: re.Match[str]) -> tuple[int, int]:
    if "t" in m.re.groupindex and m.group("t") is not None:
        return m.span("t")
    return m.span()


def _date(m: re.Match[str], value: str, mod: str | None = None, anchor: str = "dct", kind: str = "DATE") -> Piece:
    start, end = _span(m)
    return Piece(start, end, kind, value, mod, anchor)


def n_iso_date(m: re.Match[str], ctx: Context) -> Piece | None:
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    if not valid_day(year, month, day):
        return None
    value = f"{year:04d}-{month:02d}-{day:02d}"
    if m["hh"]:
        value += f"T{m['hh']}:{m['mm']}" + (f":{m['ss']}" if m["ss"] else "")
        return _date(m, value, anchor="absolute", kind="TIME")
    return _date(m, value, anchor="absolute")


def n_slash_date(m: re.Match[str], ctx: Context) -> Piece | None:
    a, b = int(m["a"]), int(m["b"])
    year = _year(m["y"], ctx.dct) if len(m["y"]) == 2 else int(m["y"])
    month, day = (a, b) if a <= 12 else (b, a)
    if year is None or not valid_day(year, month, day):
        return None
    return _date(m, f"{year:04d}-{month:02d}-{day:02d}", anchor="absolute")


def _hour(m: re.Match[str]) -> tuple[int, int] | None:
    hour = int(m["h"])
    minute = int(m["mi"]) if "mi" in m.re.groupindex and m["mi"] else 0
    ampm = (m["ampm"] if "ampm" in m.re.groupindex else None) or ""
    ampm = ampm.lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 24 or (hour == 24 and minute):
        return None
    return hour, minute


def _day_of(when: str | None, m: re.Match[str], ctx: Context) -> str:
    """The day a clock time is on: its own weekday/date words, else the DCT (or the last date)."""
    if when:
        key = _key(when)
        if key in ("today", "tonight"):
            return ctx.dct.day_value()
        if key == "yesterday":
            return ctx.dct.shift_days(-1).day_value()
        if key == "tomorrow":
            return ctx.dct.shift_days(1).day_value()
        if key in lexicon()["weekdays"]:
            return _weekday_value(weekday_number(when), ctx, ctx.direction(*m.span()))
        parts = re.match(r"(\S+)\s+(\d+)", when)
        if parts:
            month, day = month_number(parts.group(1)), int(parts.group(2))
            year = month_day_near(ctx.dct, month, day, ctx.direction(*m.span()))
            return RefDate(year, month, day).day_value()
    anchor = ctx.anchor()
    return anchor if precision_of(anchor) == "day" else ctx.dct.day_value()


def n_clock(m: re.Match[str], ctx: Context) -> Piece | None:
    hm = _hour(m)
    if hm is None:
        return None
    day = _day_of(m["when"], m, ctx)
    return _date(m, f"{day}T{hm[0]:02d}:{hm[1]:02d}", approx_mod(m["approx"]), kind="TIME")


n_clock24 = n_clock


def n_clock_word(m: re.Match[str], ctx: Context) -> Piece:
    clock = lexicon()["clock_words"][_key(m["word"])]
    day = _day_of(m["when"], m, ctx)
    return _date(m, f"{day}T{clock}", approx_mod(m["approx"]), kind="TIME")


def _month_day(month: int, day: int, year_text: str | None, m: re.Match[str], ctx: Context) -> tuple[str, str]:
    year = _year(year_text, ctx.dct)
    if year is not None:
        return RefDate(year, month, day).day_value(), "absolute"
    year = month_day_near(ctx.dct, month, day, ctx.direction(*m.span()))
    return RefDate(year, month, day).day_value(), "dct"


def n_md_range(m: re.Match[str], ctx: Context) -> list[Piece] | None:
    month = month_number(m["month"])
    d1, d2 = int(re.sub(r"\D", "", m["d1"])), int(re.sub(r"\D", "", m["d2"]))
    if not (valid_day(None, month, d1) and valid_day(None, month, d2)) or d2 <= d1:
        return None
    v1, anchor = _month_day(month, d1, m["y"], m, ctx)
    v2 = v1[:-2] + f"{d2:02d}"
    return [
        Piece(m.start(), m.end("d1"), "DATE", v1, None, anchor),
        Piece(m.start("d2"), m.end(), "DATE", v2, None, anchor),
    ]


def n_mdy(m: re.Match[str], ctx: Context) -> Piece | None:
    month = month_number(m["month"])
    day = int(re.sub(r"\D", "", m["d"]))
    if not valid_day(_year(m["y"], ctx.dct), month, day):
        return None
    value, anchor = _month_day(month, day, m["y"], m, ctx)
    return _date(m, value, position_mod(m["pos"]) if "pos" in m.re.groupindex else None, anchor)


n_dmy = n_mdy


def n_month_year(m: re.Match[str], ctx: Context) -> Piece:
    year = _year(m["y"], ctx.dct)
    return _date(m, f"{year:04d}-{month_number(m['month']):02d}", position_mod(m["pos"]), "absolute")


def n_month(m: re.Match[str], ctx: Context) -> Piece:
    month = month_number(m["month"])
    rel = _key(m["rel"] or "")
    yrel = _key(m["yrel"] or "")
    ref = ctx.dct
    if yrel:
        year = None if ref.year is None else ref.year + {"last": -1, "next": 1}.get(yrel, 0)
    elif rel in ("last", "past", "this past"):
        year = None if ref.year is None else (ref.year if ref.month and month < ref.month else ref.year - 1)
    elif rel in ("next", "coming", "this coming"):
        year = None if ref.year is None else (ref.year if ref.month and month > ref.month else ref.year + 1)
    elif rel == "this":
        year = ref.year
    else:
        year = month_near(ref, month, ctx.direction(*m.span()))
    return _date(m, RefDate(year, month).month_value(), position_mod(m["pos"]))


def n_year_range(m: re.Match[str], ctx: Context) -> list[Piece] | None:
    y1 = int(m["y1"])
    y2 = y1 // 100 * 100 + int(m["y2"])
    if y2 <= y1:
        return None
    return [
        Piece(m.start("y1"), m.end("y1"), "DATE", f"{y1:04d}", None, "absolute"),
        Piece(m.start("y2"), m.end("y2"), "DATE", f"{y2:04d}", None, "absolute"),
    ]


def n_fiscal_year(m: re.Match[str], ctx: Context) -> Piece | None:
    year = _year(m["y"], ctx.dct)
    return None if year is None else _date(m, f"{year:04d}", anchor="absolute")


def n_year(m: re.Match[str], ctx: Context) -> Piece:
    return _date(m, m["y"], position_mod(m["pos"]), "absolute")


_DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
                 "eighties": 8, "nineties": 9}  # fmt: skip


def n_decade(m: re.Match[str], ctx: Context) -> Piece:
    if m["full"]:
        value = m["full"]
    else:
        digit = int(m["short"]) if m["short"] else _DECADE_WORDS[_key(m["word"])]
        century = 19
        if ctx.dct.year is not None and ctx.dct.year >= 2000 and digit <= (ctx.dct.year % 100) // 10:
            century = 20
        value = f"{century}{digit}"
    return _date(m, value, position_mod(m["pos"]), "absolute")


def n_century(m: re.Match[str], ctx: Context) -> Piece | None:
    n = _ordinal(m["n"])
    if not 1 <= n <= 21:
        return None
    return _date(m, f"{n - 1:02d}", position_mod(m["pos"]), "absolute")


def n_this_century(m: re.Match[str], ctx: Context) -> Piece:
    rel, unit = _key(m["rel"]), _key(m["unit"])
    year = ctx.dct.year
    if rel in ("the past", "the last", "the next"):
        return _date(m, "P100Y" if unit == "century" else "P10Y", kind="DURATION")
    shift = {"last": -1, "the previous": -1, "next": 1}.get(rel, 0)
    if year is None:
        return _date(m, "XX" if unit == "century" else "XXX")
    if unit == "century":
        return _date(m, f"{year // 100 + shift:02d}")
    return _date(m, f"{year // 10 + shift:03d}")


_QNUM = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "final": 4}


def _period_year(of: str | None, ctx: Context) -> int | None | str:
    """The year named by ``of 1990`` / ``of the year`` / ``of last year``; "" when none given."""
    if not of:
        return ""
    key = _key(of)
    if re.fullmatch(r"\d{4}", key):
        return int(key)
    if ctx.dct.year is None:
        return None
    return ctx.dct.year + {"last year": -1, "next year": 1}.get(key, 0)


def n_quarter(m: re.Match[str], ctx: Context) -> Piece:
    q = _QNUM[_key(m["q"])]
    adj = _key(m["adj"] or "")
    year: int | None | str = _period_year(m["of"], ctx)
    if year == "":
        explicit = m["yr"] or m["yr2"]
        if explicit:
            year = int(explicit)
        else:
            year = _quarter_year(ctx.dct, q, ctx.direction(*m.span()))
            if adj in ("year earlier", "year ago") and year is not None:
                year -= 1
    y = f"{year:04d}" if isinstance(year, int) else "XXXX"
    return _date(m, f"{y}-Q{q}")


def n_quarter_code(m: re.Match[str], ctx: Context) -> Piece:
    q = int(m["q"][1])
    if m["y"]:
        year: int | None = int(m["y"])
    elif m["yy"]:
        year = _short_year(m["yy"], ctx.dct)
    else:
        year = _quarter_year(ctx.dct, q, ctx.direction(*m.span()))
    return _date(m, f"{RefDate(year).year_str()}-Q{q}")


def n_half(m: re.Match[str], ctx: Context) -> Piece:
    h = 1 if _key(m["h"]) in ("first", "1st") else 2
    year = _period_year(m["of"], ctx)
    if year == "":
        year = _quarter_year(ctx.dct, h, ctx.direction(*m.span()), per_year=2)
    y = f"{year:04d}" if isinstance(year, int) else "XXXX"
    return _date(m, f"{y}-H{h}")


def n_season(m: re.Match[str], ctx: Context) -> Piece | None:
    code = lexicon()["seasons"][_key(m["season"])]
    rel = _key(m["rel"] or "")
    if m["y"]:
        year: int | None = int(m["y"])
    else:
        if not rel and not m["pos"]:
            return None  # "spring", "fall" alone are too often not seasons
        year = _season_year(ctx.dct, code, rel, ctx.direction(*m.span()))
    return _date(m, f"{RefDate(year).year_str()}-{code}", position_mod(m["pos"]))


_UNIT_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year", "morning": "day",
                   "night": "day", "evening": "day", "afternoon": "day", "quarter": "quarter", "weekend": "week"}  # fmt: skip
_PART_CODE = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}


def _at_precision(value: str, unit: str) -> str:
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


def n_anaphoric_unit(m: re.Match[str], ctx: Context) -> Piece | None:
    rel, unit = _key(m["rel"]), _key(m["unit"])
    after = _key(m["after"] or "")
    shift = 0
    if rel in ("the previous", "the prior", "the preceding") or after in ("before", "earlier"):
        shift = -1
    elif rel in ("the following", "the next") or after in ("after", "later"):
        shift = 1
    if rel == "the" and unit in ("day", "morning", "night", "evening", "afternoon") and not after:
        return None  # "the day", "the morning": too often generic
    anchor = ctx.anchor()
    if unit == "year" and rel == "the" and not after:
        anchor = ctx.anchor_value if ctx.anchor_value and precision_of(ctx.anchor_value) != "unknown" else anchor
    base_unit = "day" if unit in _PART_CODE else unit
    value = shift_value(_at_precision(anchor, base_unit), base_unit if base_unit != "quarter" else "quarter", shift)
    if unit == "quarter" and rel == "the" and precision_of(anchor) != "quarter":
        value = _latest_quarter(ctx.dct, ctx.direction(*m.span()))
    if unit in _PART_CODE:
        return _date(m, f"{value}T{_PART_CODE[unit]}", position_mod(m["pos"]), "timex", "TIME")
    return _date(m, value, position_mod(m["pos"]), "timex")


def n_relative_unit(m: re.Match[str], ctx: Context) -> Piece | None:
    rel, unit = _key(m["rel"]), _key(m["unit"])
    mod = position_mod(m["pos"])
    if rel in ("the past", "past") or (rel == "the last" and unit != "week"):
        return _date(m, f"P1{'Q' if unit == 'quarter' else unit[0].upper()}" if unit != "weekend" else "P1WE",
                     mod, kind="DURATION")  # fmt: skip
    shift = {"last": -1, "the last": -1, "this past": -1, "next": 1, "coming": 1, "the coming": 1,
             "this coming": 1}.get(rel, 0)  # fmt: skip
    ref = ctx.dct
    if unit == "year":
        return _date(m, RefDate(None if ref.year is None else ref.year + shift).year_str(), mod)
    if unit == "month":
        return _date(m, ref.shift_months(shift).month_value() if ref.month else f"{ref.year_str()}-XX", mod)
    if unit in ("week", "weekend"):
        value = week_shift(ref, shift)
        return _date(m, value + ("-WE" if unit == "weekend" else ""), mod)
    if unit == "quarter":
        q = ref.quarter()
        if q is None or ref.year is None:
            return _date(m, f"{ref.year_str()}-QX", mod)
        index = ref.year * 4 + q - 1 + shift
        return _date(m, f"{index // 4:04d}-Q{index % 4 + 1}", mod)
    return None


def n_earlier_unit(m: re.Match[str], ctx: Context) -> Piece:
    when, rel, unit = _key(m["when"]), _key(m["rel"]), _key(m["unit"])
    mod = "START" if when == "earlier" else "END"
    base = ctx.anchor() if rel in ("that", "in the") else dct_value(ctx.dct)
    shift = {"last": -1, "next": 1}.get(rel, 0)
    value = shift_value(_at_precision(base, unit), unit, shift)
    return _date(m, value, mod, "timex" if rel in ("that", "in the") else "dct")


def n_year_adj(m: re.Match[str], ctx: Context) -> Piece:
    unit = _key(m["unit"] or "")
    anchor = ctx.anchor()
    if unit == "quarter" and precision_of(anchor) != "quarter":
        anchor = _latest_quarter(ctx.dct, PAST)
    return _date(m, shift_value(anchor, "year", -1), None, "timex")


def n_year_end(m: re.Match[str], ctx: Context) -> Piece:
    kind = _key(m["kind"])
    rel = _key(m["rel"] or "")
    ref = ctx.dct
    shift = {"last": -1, "next": 1}.get(rel, 0)
    direction = ctx.direction(*m.span())
    if kind == "year":
        year = ref.year
        if year is not None and not rel and direction == PAST and ref.month and ref.month <= 3:
            shift = -1
        return _date(m, RefDate(None if year is None else year + shift).year_str(), "END")
    if kind == "month":
        return _date(m, ref.shift_months(shift).month_value(), "END")
    if kind == "week":
        return _date(m, week_shift(ref, shift), "END")
    return _date(m, _latest_quarter(ref, FUTURE if direction != PAST else PAST), "END")


def _weekday_value(weekday: int, ctx: Context, direction: int, strict: bool = False) -> str:
    if ctx.dct.as_date() is None:
        return f"{ctx.dct.year_str()}-WXX-{weekday}"
    if strict and ctx.dct.weekday() == weekday:
        return ctx.dct.shift_days(7 * direction).day_value()
    return weekday_near(ctx.dct, weekday, direction).day_value()


def n_deictic(m: re.Match[str], ctx: Context) -> Piece:
    word = _key(m["word"])
    offsets = {"today": 0, "tonight": 0, "overnight": 0, "yesterday": -1, "tomorrow": 1,
               "the day before yesterday": -2, "the day after tomorrow": 2}  # fmt: skip
    day = ctx.dct.shift_days(offsets[word]) if ctx.dct.day else RefDate(ctx.dct.year, ctx.dct.month)
    value = day.day_value()
    mod = position_mod(m["pos"])
    part = _key(m["part"] or "")
    if word in ("tonight", "overnight"):
        part = part or "night"
    if part:
        return _date(m, f"{value}T{_PART_CODE[part]}", mod, kind="TIME")
    return _date(m, value, mod)


def n_part_of_day(m: re.Match[str], ctx: Context) -> Piece | None:
    rel, part = _key(m["rel"]), _key(m["part"])
    if rel == "the":
        anchor = ctx.anchor()
        if precision_of(anchor) != "day":
            return None
        return _date(m, f"{anchor}T{_PART_CODE[part]}", position_mod(m["pos"]), "timex", "TIME")
    shift = {"last": -1, "yesterday": -1, "tomorrow": 1}.get(rel, 0)
    if rel == "last" and part != "night":
        shift = -1
    day = ctx.dct.shift_days(shift) if ctx.dct.day else RefDate(ctx.dct.year, ctx.dct.month)
    return _date(m, f"{day.day_value()}T{_PART_CODE[part]}", position_mod(m["pos"]), kind="TIME")


def n_weekday(m: re.Match[str], ctx: Context) -> Piece:
    weekday = weekday_number(m["wd"])
    rel = _key(m["rel"] or "") if "rel" in m.re.groupindex else ""
    if rel in ("last", "this past", "the previous"):
        value = _weekday_value(weekday, ctx, PAST, strict=True)
    elif rel in ("next", "this coming", "coming", "the following", "the next"):
        value = _weekday_value(weekday, ctx, FUTURE, strict=True)
    elif rel == "that":
        value = _weekday_value(weekday, ctx, UNKNOWN)
    else:
        value = _weekday_value(weekday, ctx, ctx.direction(*m.span()))
    part = _key(m["part"] or "") if "part" in m.re.groupindex else ""
    mod = position_mod(m["pos"]) if "pos" in m.re.groupindex else None
    if part:
        return _date(m, f"{value}T{_PART_CODE[part]}", mod, kind="TIME")
    return _date(m, value, mod)


n_weekday_abbr = n_weekday
n_part_weekday = n_weekday


def _thanksgiving(year: int) -> RefDate:
    import datetime as dt

    first = dt.date(year, 11, 1)
    offset = (3 - first.weekday()) % 7  # first Thursday
    return RefDate(year, 11, 1 + offset + 21)


def n_holiday(m: re.Match[str], ctx: Context) -> Piece | None:
    name = _key(m["name"]).replace(" s ", "'s ")
    rel = _key(m["rel"] or "")
    direction = {"last": PAST, "next": FUTURE}.get(rel) or ctx.direction(*m.span())
    if name.startswith("thanksgiving"):
        if ctx.dct.year is None:
            return _date(m, "XXXX-11-XX")
        year = ctx.dct.year
        here = ctx.dct.as_date()
        day = _thanksgiving(year)
        date = day.as_date()
        if here and date and direction == PAST and date > here:
            day = _thanksgiving(year - 1)
        elif here and date and direction == FUTURE and date < here:
            day = _thanksgiving(year + 1)
        return _date(m, day.day_value())
    fixed = lexicon()["holidays_fixed"].get(name) or lexicon()["holidays_fixed"].get(name.replace("'", ""))
    if not fixed:
        return None
    month, day_n = (int(p) for p in fixed.split("-"))
    year = month_day_near(ctx.dct, month, day_n, direction)
    return _date(m, RefDate(year, month, day_n).day_value())


def _unit_of(word: str) -> tuple[str, str, bool]:
    return unit_table()[" ".join(word.lower().split())]


def duration_value(amount: float | None, unit_word: str) -> str:
    """``P3Y``, ``PT2H``, ``P2Y6M``, ``PXD``...: a TIMEX3 duration for an amount of a unit."""
    name, letter, is_time = _unit_of(unit_word)
    prefix = "PT" if is_time else "P"
    if amount is None:
        return f"{prefix}X{letter}"
    if name == "decade":
        amount, letter = amount * 10, "Y"
    elif name == "century":
        amount, letter = amount * 100, "Y"
    whole = int(amount)
    rest = amount - whole
    if rest and name in ("year", "day", "hour", "minute", "week"):
        smaller = {"year": (12, "M", False), "day": (24, "H", True), "hour": (60, "M", True),
                   "minute": (60, "S", True), "week": (7, "D", False)}[name]  # fmt: skip
        extra = int(round(rest * smaller[0]))
        if smaller[2] and not is_time:
            return f"P{whole}{letter}T{extra}{smaller[1]}" if whole else f"PT{extra}{smaller[1]}"
        return f"{prefix}{whole}{letter}{extra}{smaller[1]}" if whole else f"{prefix}{extra}{smaller[1]}"
    if rest:
        return f"{prefix}{amount:g}{letter}"
    return f"{prefix}{whole}{letter}"


_VAGUE = {"several", "a few", "few", "many", "some", "numerous", "a number of", "countless"}


def n_ago(m: re.Match[str], ctx: Context) -> Piece | None:
    name, _, _ = _unit_of(m["unit"])
    amount = _number(m["n"])
    direction = _key(m["dir"])
    mod = approx_mod(m["approx"]) or ("APPROX" if "or so" in m.group(0) else None)
    backwards = direction in ("ago", "earlier", "before", "previously")
    if amount is None:
        return _date(m, "PAST_REF" if backwards else "FUTURE_REF", mod)
    if amount != int(amount) or name in ("second", "minute", "hour", "weekend"):
        return _date(m, dct_value(ctx.dct) if name != "weekend" else ctx.dct.week_value(), mod)
    n = -int(amount) if backwards else int(amount)
    if direction == "ago":
        base = ctx.dct
        if name in ("decade", "century", "year"):
            years = {"decade": 10, "century": 100}.get(name, 1) * n
            return _date(m, RefDate(None if base.year is None else base.year + years).year_str(), mod)
        if name == "quarter":
            return _date(m, shift_value(_latest_quarter(base, FUTURE), "quarter", n), mod)
        if name == "month":
            return _date(m, base.shift_months(n).month_value() if base.month else base.year_str(), mod)
        if name == "week":
            return _date(m, week_shift(base, n), mod)
        return _date(m, base.shift_days(n).day_value(), mod)
    anchor = ctx.anchor()
    unit = {"decade": "decade", "century": "century"}.get(name, name)
    if precision_of(anchor) in ("year",) and unit in ("day", "week", "month"):
        return _date(m, anchor, mod, "timex")
    return _date(m, shift_value(anchor, unit, n), mod, "timex")


def _set_context(text: str, start: int) -> bool:
    """True when "a year" follows an amount ("$5 a year", "twice a day"): a frequency, not a span."""
    before = text[max(0, start - 30) : start]
    return bool(re.search(r"(?:\d%?|percent|cents?|dollars?|times|once|twice|million|billion|each|apiece)\s*$", before))


def n_duration(m: re.Match[str], ctx: Context) -> Piece | None:
    if m["adj"] and "old" in m["adj"]:
        return None  # an age, not a duration
    amount = _number(m["n"])
    if amount is None or amount == 0:
        return None
    name, letter, _ = _unit_of(m["unit"])
    n_word = _key(m["n"])
    rel = _key(m["rel"] or "")
    start, end = _span(m)
    if m["adj"]:
        end = m.start("adj")
    if n_word in ("a", "an") and not rel and _set_context(ctx.text, start):
        return Piece(start, end, "SET", duration_value(1, m["unit"]), None, None)
    if name == "weekend" and amount == 1:
        return None
    if name == "quarter" and rel in ("the next", "the past", "the last", "the first", "the previous") and amount > 1:
        return Piece(start, end, "DURATION", f"P{int(amount) * 3}M", approx_mod(m["approx"]))
    if name == "quarter":
        return Piece(start, end, "DURATION", f"P{amount:g}Q", approx_mod(m["approx"]))
    return Piece(start, end, "DURATION", duration_value(amount, m["unit"]), approx_mod(m["approx"]))


def n_vague_duration(m: re.Match[str], ctx: Context) -> Piece:
    name, letter, is_time = _unit_of(m["unit"])
    if name == "decade":
        letter = "DE"
    elif name == "century":
        letter = "CE"
    return _date(m, f"{'PT' if is_time else 'P'}X{letter}", approx_mod(_g(m, "approx")), kind="DURATION")


def n_bare_plural(m: re.Match[str], ctx: Context) -> Piece:
    return n_vague_duration(m, ctx)


def n_set_every(m: re.Match[str], ctx: Context) -> Piece | None:
    q = _key(m["q"])
    step = 2 if m["other"] else 1
    if m["unit"]:
        name, letter, is_time = _unit_of(m["unit"])
        if name == "weekend":
            return _date(m, "XXXX-WXX-WE", kind="SET")
        if name == "quarter":
            return _date(m, f"P{step}Q", kind="SET")
        if q == "per" and not _set_context(ctx.text, m.start()):
            pass
        return _date(m, duration_value(step, m["unit"]), kind="SET")
    if m["wd"]:
        return _date(m, f"XXXX-WXX-{weekday_number(m['wd'])}", kind="SET")
    if m["month"]:
        return _date(m, f"XXXX-{month_number(m['month']):02d}", kind="SET")
    if m["season"]:
        return _date(m, f"XXXX-{lexicon()['seasons'][_key(m['season'])]}", kind="SET")
    if m["part"]:
        return _date(m, f"XXXX-XX-XXT{_PART_CODE[_key(m['part'])]}", kind="SET")
    return None


def n_set_plural(m: re.Match[str], ctx: Context) -> Piece:
    return _date(m, f"XXXX-WXX-{weekday_number(m['wd'])}", kind="SET")


def n_set_adverb(m: re.Match[str], ctx: Context) -> Piece:
    return _date(m, lexicon()["set_adverbs"][_key(m["word"]).replace(" ", "-")]
                 if _key(m["word"]).replace(" ", "-") in lexicon()["set_adverbs"]
                 else lexicon()["set_adverbs"][m["word"].lower()], kind="SET")  # fmt: skip


def n_fuzzy(m: re.Match[str], ctx: Context) -> Piece:
    return _date(m, lexicon()["fuzzy"][" ".join(m["word"].lower().split())])


NORMALIZERS: dict[str, Normalizer] = {
    name.removeprefix("n_"): fn for name, fn in globals().items() if name.startswith("n_") and callable(fn)
}
