"""Calendar words and small date helpers shared by the dateline finder and the publication-date estimator.

Dates are kept as ``(year, month, day)`` parts where any part may be unknown (``None``) and are
written out as TIMEX3 values (``2018-09-12``, ``XXXX-03-03``, ``2016-12``). Nothing here invents a
year: a date written without one stays ``XXXX``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: English month and weekday names are capitalised in running text ("May 3", not "may 3").
_ENGLISH_CAPITALISED = frozenset(
    [
        "january",
        "jan",
        "february",
        "feb",
        "march",
        "mar",
        "april",
        "apr",
        "may",
        "june",
        "jun",
        "july",
        "jul",
        "august",
        "aug",
        "september",
        "sept",
        "sep",
        "october",
        "oct",
        "november",
        "nov",
        "december",
        "dec",
        "monday",
        "mon",
        "tuesday",
        "tue",
        "tues",
        "wednesday",
        "wed",
        "thursday",
        "thu",
        "thur",
        "thurs",
        "friday",
        "fri",
        "saturday",
        "sat",
        "sunday",
        "sun",
    ]
)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Word tables loaded from ``data/pubdate_calendar.toml``."""

    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]


@cache
def calendar() -> Calendar:
    """The calendar word tables (loaded once)."""
    text = resources.files("storyline.data").joinpath("pubdate_calendar.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Calendar(
        months=dict(data["months"]), weekdays=dict(data["weekdays"]), numbers=dict(data["numbers"])
    )


def word_alternation(words: list[str] | set[str] | dict[str, int]) -> str:
    """A regex alternation of words, longest first so that ``sept`` wins over ``sep``."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def month_number(word: str) -> int | None:
    """``"Sept."`` -> 9; None for a word that is no month name."""
    return calendar().months.get(word.lower().rstrip("."))


def weekday_number(word: str) -> int | None:
    """ISO weekday (1 = Monday) of a weekday name, or None."""
    return calendar().weekdays.get(word.lower().rstrip("."))


def capitalised_ok(word: str) -> bool:
    """English calendar words count only when capitalised; other languages write them in lower case."""
    key = word.lower().rstrip(".")
    return key not in _ENGLISH_CAPITALISED or word[:1].isupper()


def number_value(word: str) -> int | None:
    """``"60th"`` -> 60, ``"seventy-fifth"`` -> 75, ``"sixty"`` -> 60; None when not a number."""
    word = word.lower().strip()
    digits = re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)?", word)
    if digits:
        return int(digits.group(1))
    numbers = calendar().numbers
    total = 0
    for part in re.split(r"[-\s]+", word):
        if part not in numbers:
            return None
        total += numbers[part]
    return total or None


# --- TIMEX values -----------------------------------------------------------------------------------


def timex(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """TIMEX3 value of date parts: ``timex(None, 3, 3)`` -> ``"XXXX-03-03"``."""
    value = f"{year:04d}" if year is not None else "XXXX"
    if month is not None:
        value += f"-{month:02d}"
        if day is not None:
            value += f"-{day:02d}"
    return value


_TIMEX_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?")


def parse_timex(value: str | None) -> tuple[int | None, int | None, int | None]:
    """``"XXXX-03-03"`` -> ``(None, 3, 3)``; unknown parts are None."""
    match = _TIMEX_DATE.match(value or "")
    if not match:
        return None, None, None
    parts = [int(p) if p and p.isdigit() else None for p in match.groups()]
    return parts[0], parts[1], parts[2]


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def valid_day(year: int | None, month: int, day: int) -> bool:
    """True when the day exists in that month (Feb 29 only in leap years; any year when unknown)."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        return year is None or is_leap(year)
    try:
        dt.date(year or 2001, month, day)
    except ValueError:
        return False
    return True


def to_date(year: int, month: int | None, day: int | None) -> dt.date | None:
    """A ``datetime.date`` for known parts (month precision -> the 15th), None when invalid."""
    try:
        return dt.date(year, month or 7, day or (15 if month else 1))
    except ValueError:
        return None


def last_day(year: int, month: int | None, day: int | None) -> dt.date:
    """The latest day a value of this precision can mean (used for upper bounds)."""
    if month is None:
        return dt.date(year, 12, 31)
    if day is None:
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(year, month, day)


def first_day(year: int, month: int | None, day: int | None) -> dt.date:
    """The earliest day a value of this precision can mean."""
    return dt.date(year, month or 1, day or 1)


# --- finding dates in text ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar date written in a text (any part may be missing)."""

    start: int
    end: int
    text: str
    year: int | None
    month: int | None
    day: int | None
    weekday: int | None = None

    @property
    def value(self) -> str:
        return timex(self.year, self.month, self.day)


@cache
def _date_patterns() -> tuple[re.Pattern[str], ...]:
    months = word_alternation(calendar().months)
    weekdays = word_alternation(calendar().weekdays)
    wd = rf"(?:(?P<wd>{weekdays})\.?,?\s+(?:the\s+)?)?"
    mon = rf"(?P<mon>{months})\.?"
    year = r"(?P<year>(?:1[89]|20)\d\d)(?!\d)"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?"
    flags = re.IGNORECASE
    return (
        re.compile(rf"(?<!\w){wd}{mon}\s+{day}(?!\d)(?:,?\s+{year})?", flags),
        re.compile(
            rf"(?<!\w){wd}(?:le\s+)?{day}(?:\.|\s+of|\s+de)?\s+{mon}(?!\w)(?:,?\s+(?:de\s+)?{year})?", flags
        ),
        re.compile(rf"(?<![\w-]){year}[-/](?P<m>[01]\d)[-/](?P<d>[0-3]\d)(?![\d/-])"),
        re.compile(r"(?<![\d.])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d)"),
        re.compile(rf"(?<!\w){mon}(?!\w),?\s+{year}", flags),
    )


def find_dates(text: str) -> list[DateMention]:
    """Every calendar date written in ``text``, longest match first where two overlap, in text order."""
    found: list[DateMention] = []
    for pattern in _date_patterns():
        for match in pattern.finditer(text):
            mention = _mention(match)
            if mention is not None:
                found.append(mention)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def date_at(text: str, pos: int) -> DateMention | None:
    """The written day-and-month date (with or without year) starting exactly at ``pos``, if any."""
    best: DateMention | None = None
    for pattern in _date_patterns()[:2]:
        match = pattern.match(text, pos)
        mention = _mention(match) if match else None
        if mention is not None and (best is None or mention.end > best.end):
            best = mention
    return best


def _mention(match: re.Match[str]) -> DateMention | None:
    groups = match.groupdict()
    if groups.get("mon"):
        if not capitalised_ok(groups["mon"]):
            return None
        month = month_number(groups["mon"])
    else:
        month = int(groups["m"])
    day_text = groups.get("day") or groups.get("d")
    day = int(day_text) if day_text else None
    year = int(groups["year"]) if groups.get("year") else None
    weekday = None
    if groups.get("wd"):
        if not capitalised_ok(groups["wd"]):
            return None
        weekday = weekday_number(groups["wd"])
    if month is None or (day is not None and not valid_day(year, month, day)):
        return None
    return DateMention(match.start(), match.end(), match.group(0), year, month, day, weekday)


_ISO_START = re.compile(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T\s]|$)")


def parse_date_string(value: str | None) -> DateMention | None:
    """Read a metadata date (ISO 8601, RFC 2822 feed date or written date) as written, no time-zone shift."""
    if not value or not value.strip():
        return None
    text = value.strip()
    iso = _ISO_START.match(text)
    if iso:
        year, month, day = (int(g) if g else None for g in iso.groups())
        if year and (month is None or 1 <= month <= 12) and (day is None or valid_day(year, month or 1, day)):
            return DateMention(0, len(text), text, year, month, day)
    try:
        parsed = email.utils.parsedate_tz(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed and parsed[0] and valid_day(parsed[0], parsed[1], parsed[2]):
        return DateMention(0, len(text), text, parsed[0], parsed[1], parsed[2])
    mentions = [m for m in find_dates(text) if m.year is not None]
    return mentions[0] if mentions else None


def weekday_of(year: int, month: int, day: int) -> int | None:
    """ISO weekday of a date, None when the date does not exist."""
    try:
        return dt.date(year, month, day).isoweekday()
    except ValueError:
        return None
