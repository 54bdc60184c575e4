"""Corpus level: the year of an article whose text leaves it open, from dated neighbouring articles."""

from __future__ import annotations

import datetime as dt
import re

from storyline.model import DateEstimate, Evidence, precision_of
from storyline.time.pubdate_calendar import (
    first_day,
    last_day,
    parse_timex,
    timex,
    to_date,
    valid_day,
    weekday_of,
)
from storyline.time.pubdate_config import config

_WEEKDAY_VALUE = re.compile(r"^XXXX-WXX-([1-7])$")
_BOUND_KINDS = ("crawl-bound", "render-bound", "update-bound")


def refine_with_neighbours(estimate: DateEstimate, neighbours: list[DateEstimate]) -> DateEstimate:
    """Give an undated-year estimate (``XXXX-03-03``) the year its dated neighbours agree on, else keep it.

    Each neighbour points to the year that puts the day closest to its own date; neighbours farther than
    ``window_days`` point nowhere. The year is taken when those that point agree and are at least half of
    the dated neighbours; the weekday and upper bound recorded in the evidence must hold.
    """
    year, month, day = parse_timex(estimate.value)
    if year is not None or month is None:
        return estimate
    cfg = config()
    window = int(cfg.neighbours["window_days"])
    weekday, bound = _constraints(estimate.evidence)
    dated = [(n, parse_timex(n.value)) for n in neighbours if n.value]
    dated = [(n, parts) for n, parts in dated if parts[0] is not None and parts[1] is not None]
    if not dated:
        return estimate

    def fits(candidate: int) -> bool:
        if day is not None and not valid_day(candidate, month, day):
            return False
        if weekday is not None and (day is None or weekday_of(candidate, month, day) != weekday):
            return False
        return bound is None or first_day(candidate, month, day) <= bound

    close: list[tuple[DateEstimate, int]] = []  # neighbours within the window, with the year they point to
    for neighbour, (n_year, n_month, n_day) in dated:
        reference = to_date(n_year, n_month, n_day) if n_year is not None else None
        if reference is None:
            continue
        options = [
            (abs((d - reference).days), y)
            for y in range(reference.year - 1, reference.year + 2)
            if fits(y) and (d := to_date(y, month, day)) is not None
        ]
        if options and min(options)[0] <= window:
            close.append((neighbour, min(options)[1]))
    years = {year for _, year in close}
    if len(years) != 1 or 2 * len(close) < len(dated):  # one year, backed by at least half the neighbours
        return estimate
    chosen = years.pop()
    value = timex(chosen, month, day)
    values = ", ".join(sorted({n.value or "" for n, _ in close}))
    evidence = [
        *estimate.evidence,
        Evidence("neighbours", f"{len(close)} dated neighbouring article(s): {values}", timex(chosen)),
    ]
    confidence = min(
        cfg.confidence["neighbours_max"],
        cfg.confidence["neighbours_base"] + cfg.confidence["neighbours_per_article"] * len(close),
    )
    return DateEstimate(value, precision_of(value), round(max(confidence, estimate.confidence), 3), evidence)


def _constraints(evidence: list[Evidence]) -> tuple[int | None, dt.date | None]:
    """The weekday the date must fall on and the upper bound, as recorded in an estimate's evidence."""
    weekday = None
    bound: dt.date | None = None
    for item in evidence:
        if item.kind == "weekday" and item.value and "does not match" not in item.text:
            match = _WEEKDAY_VALUE.match(item.value)
            weekday = int(match.group(1)) if match else weekday
        elif item.kind in _BOUND_KINDS and item.value:
            year, month, day = parse_timex(item.value)
            if year is not None:
                day_bound = last_day(year, month, day)
                bound = day_bound if bound is None else min(bound, day_bound)
    return weekday, bound
