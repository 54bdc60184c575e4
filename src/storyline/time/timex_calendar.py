"""Calendar arithmetic on partial dates, honest about unknown parts.

A :class:`RefDate` is a date whose year, month or day may be unknown (``XXXX-03-03`` has no
year). Shifting it never invents a part: a day shift without a known year is computed in a leap
and a common year, and the day is dropped (``XX``) when the two disagree.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PROBE_YEARS = (2000, 2001)  # a leap year and a common year
_VALUE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}|XX)(?:-(\d{2}|XX))?)?")


@dataclass(frozen=True, slots=True)
class RefDate:
    """A possibly partial calendar date."""

    year: int | None
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> RefDate:
        """Read the date part of a TIMEX3 value (``2018-09-12``, ``2018-09``, ``XXXX-03-03T10:00``)."""
        if not value:
            return cls(None)
        m = _VALUE.match(value.strip())
        if not m:
            return cls(None)
        year, month, day = (int(p) if p and p.isdigit() else None for p in m.groups())
        if month is not None and not 1 <= month <= 12:
            month = day = None
        if day is not None and (month is None or not 1 <= day <= days_in_month(year or 2000, month)):
            day = None
        return cls(year, month, day)

    @property
    def complete(self) -> bool:
        return None not in (self.year, self.month, self.day)

    def as_date(self) -> dt.date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def weekday(self) -> int | None:
        """ISO weekday (Monday = 1), when the date is complete."""
        d = self.as_date()
        return d.isoweekday() if d else None

    def shift_days(self, n: int) -> RefDate:
        """This date plus ``n`` days; unknown parts stay unknown."""
        if self.month is None or self.day is None:
            return RefDate(self.year, self.month, None) if n == 0 else RefDate(self.year, None, None)
        if self.year is not None:
            d = dt.date(self.year, self.month, self.day) + dt.timedelta(days=n)
            return RefDate(d.year, d.month, d.day)
        results = set()
        for probe in _PROBE_YEARS:
            if self.day > days_in_month(probe, self.month):
                continue
            d = dt.date(probe, self.month, self.day) + dt.timedelta(days=n)
            results.add((d.month, d.day))
        if len(results) == 1:
            month, day = results.pop()
            return RefDate(None, month, day)
        months = {m for m, _ in results}
        return RefDate(None, months.pop() if len(months) == 1 else None, None)

    def shift_months(self, n: int) -> RefDate:
        """This date plus ``n`` months (day clipped to the month's length)."""
        if self.month is None:
            return RefDate(None, None, None)
        index = self.month - 1 + n
        year = None if self.year is None else self.year + index // 12
        month = index % 12 + 1
        day = None
        if self.day is not None:
            day = min(self.day, days_in_month(year, month) if year is not None else 28 if month == 2 else 31)
            if year is None and month == 2 and self.day >= 29:
                day = None
        return RefDate(year, month, day)

    def shift_years(self, n: int) -> RefDate:
        """This date plus ``n`` years (29 February becomes 28 February in a common year)."""
        year = None if self.year is None else self.year + n
        day = self.day
        if year is not None and self.month == 2 and day == 29 and not is_leap(year):
            day = 28
        return RefDate(year, self.month, day)

    def quarter(self) -> int | None:
        return None if self.month is None else (self.month - 1) // 3 + 1

    def iso_week(self) -> tuple[int | None, int | None]:
        """ISO (year, week); (year, None) when the day is unknown."""
        d = self.as_date()
        if d is None:
            return self.year, None
        year, week, _ = d.isocalendar()
        return year, week

    # -- formatting ---------------------------------------------------------------------------
    def year_str(self) -> str:
        return f"{self.year:04d}" if self.year is not None else "XXXX"

    def month_value(self) -> str:
        return f"{self.year_str()}-{self.month:02d}" if self.month else f"{self.year_str()}-XX"

    def day_value(self) -> str:
        day = f"{self.day:02d}" if self.day else "XX"
        return f"{self.month_value()}-{day}"

    def week_value(self) -> str:
        year, week = self.iso_week()
        if week is None:
            return f"{self.year_str()}-WXX"
        return f"{year:04d}-W{week:02d}" if year is not None else "XXXX-WXX"


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int | None, month: int) -> int:
    if month == 2:
        return 29 if year is None or is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def valid_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)


def weekday_near(ref: RefDate, weekday: int, direction: int) -> RefDate:
    """The date of ``weekday`` (ISO) nearest to ``ref``: on or before it (direction < 0), on or
    after it (> 0), or the closest one within three days (0, ties go to the past)."""
    current = ref.weekday()
    if current is None:
        return RefDate(ref.year, None, None)
    back = (current - weekday) % 7
    ahead = (weekday - current) % 7
    if direction < 0:
        offset = -back
    elif direction > 0:
        offset = ahead
    else:
        offset = -back if back <= ahead else ahead
    return ref.shift_days(offset)


def week_shift(ref: RefDate, weeks: int) -> str:
    """The ISO week value ``weeks`` weeks from ``ref`` (``XXXX-WXX`` when the day is unknown)."""
    if ref.as_date() is None:
        return ref.week_value()
    return ref.shift_days(7 * weeks).week_value()


#: With no tense to go by, a month or date this far ahead of the DCT is taken as coming; anything
#: further ahead is last year's (news looks back more often than forward).
AHEAD_MONTHS = 4
#: A date named in a past-tense clause is still taken as coming when it is at most this many
#: months ahead.
PAST_TENSE_AHEAD = 1.5


def month_near(ref: RefDate, month: int, direction: int) -> int | None:
    """The year of ``month``: on or before the reference month (direction < 0), on or after it
    (> 0), or, with no direction, the coming one within ``AHEAD_MONTHS``, else the past one."""
    if ref.year is None:
        return None
    if ref.month is None:
        return ref.year
    ahead = (month - ref.month) % 12  # months until the next such month (0: this one)
    if direction < 0:
        return ref.year - (month > ref.month)
    if direction > 0:
        return ref.year + (month < ref.month)
    year = ref.year if month >= ref.month else ref.year + 1
    return year if ahead <= AHEAD_MONTHS else year - 1


def month_day_near(ref: RefDate, month: int, day: int, direction: int) -> int | None:
    """The year for ``month``/``day``: on or before, on or after the reference date, or with no
    direction the coming one within about ``AHEAD_MONTHS``, else the past one."""
    if ref.year is None:
        return None
    if ref.month is None:
        return ref.year
    here = (ref.month, ref.day or 15)
    upcoming = ref.year if (month, day) >= here else ref.year + 1  # the next such date
    ahead = ((month - here[0]) % 12) + (day - here[1]) / 31  # months until it
    if (month, day) < here and month == here[0]:
        ahead += 12
    if direction < 0:
        # past tense, but a date a few weeks ahead is far likelier than one eleven months back
        # ("extended the offer to Nov. 20", "payable Dec. 7")
        return upcoming if ahead <= PAST_TENSE_AHEAD else upcoming - 1
    if direction > 0:
        return upcoming
    return upcoming if ahead <= AHEAD_MONTHS else upcoming - 1
