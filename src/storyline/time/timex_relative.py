"""Normalizers for expressions counted from the DCT or from the last date mentioned: "today",
"last week", "Friday", "two years ago", "the next day", "a year earlier", "the quarter".
"""

from __future__ import annotations

import re

from storyline.model import precision_of
from storyline.time.timex_calendar import (
    RefDate,
    week_shift,
    weekday_near,
)
from storyline.time.timex_lexicon import lexicon
from storyline.time.timex_tense import FUTURE, PAST, UNKNOWN
from storyline.time.timex_values import (
    PART_CODE,
    Context,
    Piece,
    approx_mod,
    at_precision,
    dct_value,
    group,
    latest_quarter,
    make_piece,
    number_of,
    position_mod,
    previous_word,
    shift_value,
    unit_of,
    weekday_number,
    weekday_value,
    word_key,
)


def _weekend(ctx: Context, direction: int) -> str:
    """The weekend meant by "the weekend": the coming one when looking forward or on a weekend
    day, else the one just past."""
    ref = ctx.dct
    weekday = ref.weekday()
    if weekday is None:
        return ref.week_value() + "-WE"
    if weekday >= 6 or direction == FUTURE:
        return week_shift(ref, 0) + "-WE"
    return week_shift(ref, -1) + "-WE"


def n_anaphoric_unit(m: re.Match[str], ctx: Context) -> Piece | None:
    rel, unit = word_key(m["rel"]), word_key(m["unit"])
    after = word_key(m["after"] or "")
    mod = position_mod(m["pos"])
    shift = 0
    if rel in ("the previous", "the prior", "the preceding") or after in ("before", "earlier"):
        shift = -1
    elif rel in ("the following", "the next") or after in ("after", "later"):
        shift = 1
    if unit == "period":
        if rel not in ("the latest", "the same", "that", "the previous", "the prior"):
            return None
        unit = "quarter"
    anchor = ctx.anchor()
    if unit == "weekend":
        if rel not in ("the", "that"):
            return None
        return make_piece(m, _weekend(ctx, ctx.direction(*m.span())), mod)
    if unit == "quarter":
        if rel in ("the", "the latest") or precision_of(anchor) != "quarter":
            base = latest_quarter(ctx.dct, PAST if rel == "the latest" else ctx.direction(*m.span()))
        else:
            base = anchor
        value = shift_value(base, "quarter", shift)
        return make_piece(m, shift_value(value, "year", -1) if m["ya"] else value, mod, "dct")
    if unit == "year" and rel == "the latest":
        return make_piece(m, RefDate(None if ctx.dct.year is None else ctx.dct.year - 1).year_str(), mod)
    if m["ya"]:  # "the same month a year ago"
        anchor = shift_value(at_precision(anchor, unit), "year", -1)
    generic = unit != "day" or previous_word(ctx.text, m.start()) not in lexicon()["cue_words"]["day_span"]
    if rel == "the" and not after and unit in ("day", "morning", "night", "evening", "afternoon") and generic:
        return None  # "the day", "the morning": too often generic; "ended the day" is not
    if rel in ("the full", "the entire") and unit != "year":
        return None
    base_unit = "day" if unit in PART_CODE else unit
    if (
        unit == "year"
        and rel in ("the", "the full", "the entire", "that")
        and re.match(r"\s+(?:ended|ending|that\s+ended)\b", ctx.text[m.end() : m.end() + 15])
    ):
        return make_piece(m, "P1Y", kind="DURATION")  # "the year ended March 31": a fiscal year's span
    if rel in ("the", "the full", "the entire") and unit in ("year", "month", "week"):
        anchor = dct_value(ctx.dct)  # "for the year", "the week's most active session"
    value = shift_value(at_precision(anchor, base_unit), base_unit, shift)
    if unit in PART_CODE:
        return make_piece(m, f"{value}T{PART_CODE[unit]}", mod, "timex", "TIME")
    return make_piece(m, value, mod, "timex")


_PERIOD_LETTER = {"week": "W", "weekend": "WE", "month": "M", "year": "Y", "quarter": "Q"}
_RELATIVE_SHIFT = {"last": -1, "the last": -1, "this past": -1, "next": 1, "coming": 1, "the coming": 1,
                   "this coming": 1}  # fmt: skip


def n_relative_unit(m: re.Match[str], ctx: Context) -> Piece | None:
    rel, unit = word_key(m["rel"]), word_key(m["unit"])
    mod = position_mod(m["pos"])
    if rel in ("the past", "past") or (rel == "the last" and unit != "week"):
        return make_piece(m, f"P1{_PERIOD_LETTER[unit]}", mod, kind="DURATION")  # "the past year"
    shift = _RELATIVE_SHIFT.get(rel, 0)
    ref = ctx.dct
    if unit == "year":
        return make_piece(m, RefDate(None if ref.year is None else ref.year + shift).year_str(), mod)
    if unit == "month":
        return make_piece(
            m, ref.shift_months(shift).month_value() if ref.month else f"{ref.year_str()}-XX", mod
        )
    if unit in ("week", "weekend"):
        value = week_shift(ref, shift)
        return make_piece(m, value + ("-WE" if unit == "weekend" else ""), mod)
    if unit == "quarter":
        q = ref.quarter()
        if q is None or ref.year is None:
            return make_piece(m, f"{ref.year_str()}-QX", mod)
        index = ref.year * 4 + q - 1 + shift
        return make_piece(m, f"{index // 4:04d}-Q{index % 4 + 1}", mod)
    return None


def n_earlier_unit(m: re.Match[str], ctx: Context) -> Piece:
    when, rel, unit = word_key(m["when"]), word_key(m["rel"]), word_key(m["unit"])
    mod = "START" if when == "earlier" else "END"
    base = ctx.anchor() if rel in ("that", "in the") else dct_value(ctx.dct)
    shift = {"last": -1, "next": 1}.get(rel, 0)
    value = shift_value(at_precision(base, unit), unit, shift)
    return make_piece(m, value, mod, "timex" if rel in ("that", "in the") else "dct")


_SPAN_MONTHS = {"nine months": 9, "six months": 6}


def n_year_adj(m: re.Match[str], ctx: Context) -> Piece:
    unit = word_key(m["unit"] or "")
    if not unit and m["det"]:
        m_start = m.start("kind")  # "the year-ago results": the determiner belongs to the noun
        piece = _year_adj_value(m, ctx, unit)
        piece.start = m_start
        return piece
    return _year_adj_value(m, ctx, unit)


def _year_adj_value(m: re.Match[str], ctx: Context, unit: str) -> Piece:
    if unit in _SPAN_MONTHS:
        return make_piece(m, f"P{_SPAN_MONTHS[unit]}M", kind="DURATION")  # "the year-earlier nine months"
    anchor = ctx.anchor()
    if unit in ("quarter", "period") and precision_of(anchor) != "quarter":
        anchor = latest_quarter(ctx.dct, PAST)
    return make_piece(m, shift_value(anchor, "year", -1), None, "timex")


def n_year_period(m: re.Match[str], ctx: Context) -> Piece:
    year = int(m["y"])
    unit = word_key(m["unit"])
    if unit == "fiscal year":
        return make_piece(m, f"{year:04d}", anchor="absolute")
    anchor = ctx.anchor()
    q = (
        anchor[-1]
        if precision_of(anchor) == "quarter" and anchor[-2] == "Q"
        else latest_quarter(ctx.dct, PAST)[-1]
    )
    return make_piece(m, f"{year:04d}-Q{q}", anchor="timex")


def n_year_end(m: re.Match[str], ctx: Context) -> Piece:
    kind = word_key(m["kind"])
    rel = word_key(m["rel"] or "")
    ref = ctx.dct
    shift = {"last": -1, "next": 1}.get(rel, 0)
    direction = ctx.direction(*m.span())
    if kind == "year":
        year = ref.year
        if year is not None and not rel and direction == PAST and ref.month and ref.month <= 3:
            shift = -1
        return make_piece(m, RefDate(None if year is None else year + shift).year_str(), "END")
    if kind == "month":
        return make_piece(m, ref.shift_months(shift).month_value(), "END")
    if kind == "week":
        return make_piece(m, week_shift(ref, shift), "END")
    return make_piece(m, latest_quarter(ref, FUTURE if direction != PAST else PAST), "END")


def n_deictic(m: re.Match[str], ctx: Context) -> Piece:
    word = word_key(m["word"])
    offsets = {"today": 0, "tonight": 0, "overnight": 0, "yesterday": -1, "tomorrow": 1,
               "the day before yesterday": -2, "the day after tomorrow": 2}  # fmt: skip
    day = ctx.dct.shift_days(offsets[word]) if ctx.dct.day else RefDate(ctx.dct.year, ctx.dct.month)
    value = day.day_value()
    mod = position_mod(m["pos"])
    part = word_key(m["part"] or "")
    if word in ("tonight", "overnight"):
        part = part or "night"
    if part:
        return make_piece(m, f"{value}T{PART_CODE[part]}", mod, kind="TIME")
    return make_piece(m, value, mod)


def n_part_of_day(m: re.Match[str], ctx: Context) -> Piece | None:
    rel, part = word_key(m["rel"]), word_key(m["part"])
    if rel == "the":
        anchor = ctx.anchor()
        if precision_of(anchor) != "day":
            return None
        return make_piece(m, f"{anchor}T{PART_CODE[part]}", position_mod(m["pos"]), "timex", "TIME")
    shift = {"last": -1, "yesterday": -1, "tomorrow": 1}.get(rel, 0)
    day = ctx.dct.shift_days(shift) if ctx.dct.day else RefDate(ctx.dct.year, ctx.dct.month)
    return make_piece(m, f"{day.day_value()}T{PART_CODE[part]}", position_mod(m["pos"]), kind="TIME")


def n_weekday(m: re.Match[str], ctx: Context) -> Piece:
    weekday = weekday_number(m["wd"])
    rel = word_key(group(m, "rel") or "")
    anchor = RefDate.parse(ctx.anchor())
    if rel in ("the previous", "the following", "the next", "that") and anchor.as_date() is not None:
        direction = {"the previous": PAST, "that": UNKNOWN}.get(rel, FUTURE)
        value = _weekday_from(anchor, weekday, direction, strict=rel != "that")
    elif rel in ("last", "this past"):
        value = weekday_value(weekday, ctx, PAST, strict=True)
    elif rel in ("next", "this coming", "coming"):
        value = weekday_value(weekday, ctx, FUTURE, strict=True)
    else:
        value = weekday_value(weekday, ctx, ctx.direction(*m.span()))
    part = word_key(group(m, "part") or "")
    mod = position_mod(group(m, "pos"))
    if part:
        return make_piece(m, f"{value}T{PART_CODE[part]}", mod, kind="TIME")
    return make_piece(m, value, mod)


def _weekday_from(ref: RefDate, weekday: int, direction: int, strict: bool) -> str:
    if strict and ref.weekday() == weekday:
        return ref.shift_days(7 * (direction or 1)).day_value()
    return weekday_near(ref, weekday, direction).day_value()


n_weekday_abbr = n_part_weekday = n_weekday


def n_ago(m: re.Match[str], ctx: Context) -> Piece | None:
    name, _, _ = unit_of(m["unit"])
    amount = number_of(m["n"])
    direction = word_key(m["dir"])
    mod = approx_mod(group(m, "approx")) or ("APPROX" if "or so" in m.group(0) else None)
    backwards = direction in ("ago", "earlier", "before", "previously")
    if amount is None:
        return make_piece(m, "PAST_REF" if backwards else "FUTURE_REF", mod)
    if amount != int(amount) or name in ("second", "minute", "hour", "weekend"):
        return make_piece(m, dct_value(ctx.dct) if name != "weekend" else ctx.dct.week_value(), mod)
    n = -int(amount) if backwards else int(amount)
    if direction == "ago" and name == "year" and precision_of(ctx.anchor()) == "quarter":
        return make_piece(m, shift_value(ctx.anchor(), "year", n), mod, "timex")  # results "a year ago"
    if direction == "ago":
        base = ctx.dct
        if name in ("decade", "century", "year"):
            years = {"decade": 10, "century": 100}.get(name, 1) * n
            return make_piece(m, RefDate(None if base.year is None else base.year + years).year_str(), mod)
        if name == "quarter":
            return make_piece(m, shift_value(latest_quarter(base, FUTURE), "quarter", n), mod)
        if name == "month":
            return make_piece(m, base.shift_months(n).month_value() if base.month else base.year_str(), mod)
        if name == "week" and abs(n) > 2:
            return make_piece(m, week_shift(base, n), mod)
        if name == "week":
            return make_piece(m, base.shift_days(7 * n).day_value(), mod)  # "a week ago": that day
        return make_piece(m, base.shift_days(n).day_value(), mod)
    anchor = ctx.anchor()
    if precision_of(anchor) == "year" and name in ("day", "week", "month"):
        return make_piece(m, anchor, mod, "timex")  # "two days later" after "in 1999": still 1999
    value = shift_value(anchor, name, n)
    if _rounded_count_reaches_now(value, name, n, ctx) and ctx.direction(*m.span()) != FUTURE:
        # "Nearly seventy years later, there is still no treaty" after "in 1956", in an article
        # of 2023: a round count from a past date that overshoots the article's date by less
        # than its rounding means the article's present, not 2026
        return make_piece(m, ctx.dct.year_str(), mod, "dct")
    return make_piece(m, value, mod, "timex")


def _rounded_count_reaches_now(value: str, unit: str, n: int, ctx: Context) -> bool:
    """A count of years from a past date lands after the article's year, by at most a tenth of
    the count (the rounding of "seventy years"); "five years later" from 2021 stays 2026."""
    years = {"year": 1, "decade": 10, "century": 100}.get(unit)
    if years is None or n <= 0 or ctx.dct.year is None or not value[:4].isdigit():
        return False
    overshoot = int(value[:4]) - ctx.dct.year
    return 0 < overshoot <= n * years // 10
