"""Normalizers for calendar expressions: absolute dates, clock times, months, years, decades,
centuries, quarters, halves, seasons and holidays.

Each ``n_<rule>`` reads the named groups of the rule of the same name in :mod:`timex_patterns`.
"""

from __future__ import annotations

import re

from storyline.model import precision_of
from storyline.time.timex_calendar import (
    RefDate,
    month_day_near,
    month_near,
    valid_day,
)
from storyline.time.timex_lexicon import lexicon
from storyline.time.timex_tense import FUTURE, PAST
from storyline.time.timex_values import (
    Context,
    Piece,
    approx_mod,
    group,
    make_piece,
    month_number,
    number_of,
    ordinal_of,
    position_mod,
    quarter_year,
    season_year,
    short_year,
    weekday_number,
    weekday_value,
    word_key,
    year_of,
)


def n_iso_date(m: re.Match[str], ctx: Context) -> Piece | None:
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    if not valid_day(year, month, day):
        return None
    value = f"{year:04d}-{month:02d}-{day:02d}"
    if m["hh"]:
        value += f"T{m['hh']}:{m['mm']}" + (f":{m['ss']}" if m["ss"] else "")
        return make_piece(m, value, anchor="absolute", kind="TIME")
    return make_piece(m, value, anchor="absolute")


def n_slash_date(m: re.Match[str], ctx: Context) -> Piece | None:
    a, b = int(m["a"]), int(m["b"])
    year = year_of(m["y"], ctx.dct) if len(m["y"]) == 2 else int(m["y"])
    month, day = (a, b) if a <= 12 else (b, a)
    if year is None or not valid_day(year, month, day):
        return None
    return make_piece(m, f"{year:04d}-{month:02d}-{day:02d}", anchor="absolute")


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
        key = word_key(when)
        if key in ("today", "tonight"):
            return ctx.dct.day_value()
        if key == "yesterday":
            return ctx.dct.shift_days(-1).day_value()
        if key == "tomorrow":
            return ctx.dct.shift_days(1).day_value()
        if key in lexicon()["weekdays"]:
            return weekday_value(weekday_number(when), ctx, ctx.direction(*m.span()))
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
    return make_piece(m, f"{day}T{hm[0]:02d}:{hm[1]:02d}", approx_mod(group(m, "approx")), kind="TIME")


n_clock24 = n_clock_military = n_clock


def n_short_year(m: re.Match[str], ctx: Context) -> Piece:
    return make_piece(m, f"{short_year(m['yy'], ctx.dct):04d}", anchor="absolute")


def n_clock_word(m: re.Match[str], ctx: Context) -> Piece:
    clock = lexicon()["clock_words"][word_key(m["word"])]
    day = _day_of(m["when"], m, ctx)
    return make_piece(m, f"{day}T{clock}", approx_mod(group(m, "approx")), kind="TIME")


_REL_DIRECTION = {"last": PAST, "this past": PAST, "next": FUTURE, "this coming": FUTURE}


def _month_day(
    month: int, day: int, year_text: str | None, m: re.Match[str], ctx: Context, weekday: int | None = None
) -> tuple[str, str]:
    year = year_of(year_text, ctx.dct)
    if year is not None:
        return RefDate(year, month, day).day_value(), "absolute"
    rel = word_key(group(m, "rel") or "")
    direction = _REL_DIRECTION[rel] if rel in _REL_DIRECTION else ctx.direction(*m.span())
    year = month_day_near(ctx.dct, month, day, direction)
    if weekday is not None and year is not None:
        # "Monday, Oct. 26": the year in which that date is that weekday
        for candidate in (year, year - 1, year + 1):
            if valid_day(candidate, month, day) and RefDate(candidate, month, day).weekday() == weekday:
                year = candidate
                break
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
    if not valid_day(year_of(m["y"], ctx.dct), month, day):
        return None
    weekday = weekday_number(m["wd"]) if m["wd"] else None
    value, anchor = _month_day(month, day, m["y"], m, ctx, weekday)
    return make_piece(m, value, position_mod(group(m, "pos")), anchor)


n_dmy = n_mdy


def n_month_year(m: re.Match[str], ctx: Context) -> Piece:
    year = year_of(m["y"], ctx.dct)
    return make_piece(m, f"{year:04d}-{month_number(m['month']):02d}", position_mod(m["pos"]), "absolute")


def n_month(m: re.Match[str], ctx: Context) -> Piece:
    month = month_number(m["month"])
    rel = word_key(m["rel"] or "")
    yrel = word_key(m["yrel"] or "")
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
    return make_piece(m, RefDate(year, month).month_value(), position_mod(m["pos"]))


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
    year = year_of(m["y"], ctx.dct)
    return None if year is None else make_piece(m, f"{year:04d}", anchor="absolute")


def n_year(m: re.Match[str], ctx: Context) -> Piece:
    return make_piece(m, m["y"], position_mod(m["pos"]), "absolute")


def n_decade(m: re.Match[str], ctx: Context) -> Piece:
    if m["full"]:
        value = m["full"]
    else:
        digit = int(m["short"]) if m["short"] else lexicon()["decade_words"][word_key(m["word"])]
        century = 19
        if ctx.dct.year is not None and ctx.dct.year >= 2000 and digit <= (ctx.dct.year % 100) // 10:
            century = 20
        value = f"{century}{digit}"
    return make_piece(m, value, position_mod(m["pos"]), "absolute")


def n_century(m: re.Match[str], ctx: Context) -> Piece | None:
    n = ordinal_of(m["n"])
    if not 1 <= n <= 21:
        return None
    return make_piece(m, f"{n - 1:02d}", position_mod(m["pos"]), "absolute")


def n_this_century(m: re.Match[str], ctx: Context) -> Piece:
    rel, unit = word_key(m["rel"]), word_key(m["unit"])
    year = ctx.dct.year
    if rel in ("the past", "the last", "the next"):
        return make_piece(m, "P100Y" if unit == "century" else "P10Y", kind="DURATION")
    shift = {"last": -1, "the previous": -1, "next": 1}.get(rel, 0)
    if year is None:
        return make_piece(m, "XX" if unit == "century" else "XXX")
    if unit == "century":
        return make_piece(m, f"{year // 100 + shift:02d}")
    return make_piece(m, f"{year // 10 + shift:03d}")


_QNUM = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "final": 4}


def _period_year(of: str | None, ctx: Context) -> int | str | None:
    """The year named by ``of 1990`` / ``of the year`` / ``of last year``; "" when none given."""
    if not of:
        return ""
    key = word_key(of)
    if re.fullmatch(r"\d{4}", key):
        return int(key)
    if ctx.dct.year is None:
        return None
    return ctx.dct.year + {"last year": -1, "next year": 1}.get(key, 0)


def n_quarter(m: re.Match[str], ctx: Context) -> Piece:
    q = _QNUM[word_key(m["q"])]
    adj = word_key(m["adj"] or "")
    year: int | str | None = _period_year(m["of"] or (f"{m['yrel']} year" if m["yrel"] else None), ctx)
    if year == "":
        explicit = m["yr"] or m["yr2"]
        if explicit:
            year = int(explicit)
        else:
            year = quarter_year(ctx.dct, q, ctx.direction(*m.span()))
            if adj in ("year earlier", "year ago") and year is not None:
                year -= 1
    y = f"{year:04d}" if isinstance(year, int) else "XXXX"
    return make_piece(m, f"{y}-Q{q}")


def n_quarter_code(m: re.Match[str], ctx: Context) -> Piece:
    q = int(m["q"][1])
    if m["y"]:
        year: int | None = int(m["y"])
    elif m["yy"]:
        year = short_year(m["yy"], ctx.dct)
    else:
        year = quarter_year(ctx.dct, q, ctx.direction(*m.span()))
    return make_piece(m, f"{RefDate(year).year_str()}-Q{q}")


def n_half(m: re.Match[str], ctx: Context) -> Piece:
    h = 1 if word_key(m["h"]) in ("first", "1st") else 2
    year = _period_year(m["of"], ctx)
    if year == "":
        year = quarter_year(ctx.dct, h, ctx.direction(*m.span()), per_year=2)
    y = f"{year:04d}" if isinstance(year, int) else "XXXX"
    return make_piece(m, f"{y}-H{h}")


def n_season(m: re.Match[str], ctx: Context) -> Piece | None:
    code = lexicon()["seasons"][word_key(m["season"])]
    rel = word_key(m["rel"] or "")
    if m["y"]:
        year: int | None = int(m["y"])
    else:
        if not rel and not m["pos"]:
            return None  # "spring", "fall" alone are too often not seasons
        year = season_year(ctx.dct, code, rel, ctx.direction(*m.span()))
    return make_piece(m, f"{RefDate(year).year_str()}-{code}", position_mod(m["pos"]))


def _thanksgiving(year: int) -> RefDate:
    import datetime as dt

    first = dt.date(year, 11, 1)
    offset = (3 - first.weekday()) % 7  # first Thursday
    return RefDate(year, 11, 1 + offset + 21)


def n_holiday(m: re.Match[str], ctx: Context) -> Piece | None:
    name = word_key(m["name"]).replace(" s ", "'s ")
    rel = word_key(m["rel"] or "")
    direction = {"last": PAST, "next": FUTURE}.get(rel) or ctx.direction(*m.span())
    if name.startswith("thanksgiving"):
        if ctx.dct.year is None:
            return make_piece(m, "XXXX-11-XX")
        year = ctx.dct.year
        here = ctx.dct.as_date()
        day = _thanksgiving(year)
        date = day.as_date()
        if here and date and direction == PAST and date > here:
            day = _thanksgiving(year - 1)
        elif here and date and direction == FUTURE and date < here:
            day = _thanksgiving(year + 1)
        return make_piece(m, day.day_value())
    fixed = lexicon()["holidays_fixed"].get(name) or lexicon()["holidays_fixed"].get(name.replace("'", ""))
    if not fixed:
        return None
    month, day_n = (int(p) for p in fixed.split("-"))
    return make_piece(m, RefDate(month_day_near(ctx.dct, month, day_n, direction), month, day_n).day_value())


def n_spoken_year(m: re.Match[str], ctx: Context) -> Piece | None:
    words = word_key(m["words"]).split()
    if words[:2] == ["two", "thousand"]:
        rest = " ".join(words[3:]) if len(words) > 3 else ""
        value = 2000 + int(number_of(rest) or 0) if rest else 2000
        return make_piece(m, f"{value:04d}", anchor="absolute")
    century = int(number_of(words[0]) or 0)
    rest = " ".join(words[1:])
    if rest == "hundred":
        tail = 0
    elif rest.startswith("oh "):
        tail = int(number_of(rest[3:]) or -1)
    else:
        tail = int(number_of(rest) or -1)
    if not 0 <= tail <= 99 or century not in (19, 20):
        return None
    return make_piece(m, f"{century}{tail:02d}", anchor="absolute")
