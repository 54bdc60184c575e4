"""The article's publication (creation) date, weighed from every signal it has.

Signals (``storyline.time.pubdate_signals``) are weighed together:

1. Upper bounds (crawl date, page-render stamps, "Updated ..." lines) reject any dated signal after them.
2. Dated signals (metadata, htmldate, a dateline with a year, "Published ..." lines, bare date lines, a
   dated headline) vote for their date; a date one day off lends part of its weight (time zones).
3. A dateline without a year ("March 3") gives the day: it refines a month, and replaces a markup or
   headline day one day off (time zones) or far later (a re-post). A publication line that states
   another day wins: the dateline's day is then the filing or event day.
4. With no dated signal, the dateline's year comes from anniversaries, or from the one year of the
   window [latest year the text names, upper bound] that the day fits (weekday, Feb 29). No evidence
   for the year: ``XXXX``. Never a year the evidence does not support.

``refine_with_neighbours`` (``pubdate_neighbours``) settles an open year at corpus level. Weights and
confidence settings are in ``data/pubdate_weights.toml``.
"""

from __future__ import annotations

import datetime as dt

from storyline.model import DateEstimate, Dateline, Evidence, RawDocument, RemovedLine, Timex, precision_of
from storyline.time.pubdate_calendar import (
    first_day,
    parse_timex,
    timex,
    to_date,
    valid_day,
    weekday_of,
)
from storyline.time.pubdate_config import config
from storyline.time.pubdate_neighbours import refine_with_neighbours
from storyline.time.pubdate_signal import Signal
from storyline.time.pubdate_signals import Signals, YearMention, bound_day, collect

__all__ = ["estimate_published", "refine_with_neighbours"]


def estimate_published(
    raw: RawDocument,
    text: str,
    dateline: Dateline | None,
    timexes: list[Timex] | None = None,
    removed: list[RemovedLine] | None = None,
) -> DateEstimate:
    """The article's creation date as a TIMEX3 value with precision, confidence and evidence."""
    signals = collect(raw, text, dateline, timexes, removed)
    bound = _tightest_bound(signals.bounds)
    accepted, rejected = _apply_bound(signals.full, bound)
    anchor = signals.partial[0] if signals.partial else None
    if accepted:
        return _from_dated(accepted, anchor, signals, bound, rejected)
    if anchor is not None:
        return _from_anchor(anchor, signals, bound, rejected)
    return _from_years(signals, bound, rejected)


# --- bounds ------------------------------------------------------------------------------------------


def _tightest_bound(bounds: list[Signal]) -> tuple[dt.date, Signal] | None:
    dated = [(day, s) for s in bounds if (day := bound_day(s)) is not None]
    return min(dated, key=lambda item: item[0]) if dated else None


def _apply_bound(
    full: list[Signal], bound: tuple[dt.date, Signal] | None
) -> tuple[list[Signal], list[Evidence]]:
    """Drop dated signals that start after the upper bound (a date later than the crawl cannot be right)."""
    if bound is None:
        return list(full), []
    accepted: list[Signal] = []
    rejected: list[Evidence] = []
    for signal in full:
        year, month, day = signal.parts
        if year is not None and first_day(year, month, day) > bound[0]:
            rejected.append(signal.evidence(f"rejected: later than the {bound[1].kind} {bound[1].value}"))
        else:
            accepted.append(signal)
    return accepted, rejected


def _bound_evidence(bound: tuple[dt.date, Signal] | None) -> list[Evidence]:
    return [bound[1].evidence("upper bound")] if bound else []


# --- dated signals -------------------------------------------------------------------------------------


def _weight(signal: Signal) -> float:
    return config().weights.get(signal.role, 0.3)


def _relation(a: Signal | str, b: Signal | str) -> str | None:
    """``same``, ``near`` (within near_days, or a month holding the day) or None."""
    va = a if isinstance(a, str) else a.value
    vb = b if isinstance(b, str) else b.value
    if va == vb:
        return "same"
    ya, ma, da = parse_timex(va)
    yb, mb, db = parse_timex(vb)
    if ya is None or yb is None or ma is None or mb is None:
        return None
    if da is None or db is None:
        return "near" if (ya, ma) == (yb, mb) else None
    date_a, date_b = to_date(ya, ma, da), to_date(yb, mb, db)
    if date_a and date_b and abs((date_a - date_b).days) <= config().agreement["near_days"]:
        return "near"
    return None


def _anchor_year(anchor: Signal, reference: Signal | str) -> tuple[int, int] | None:
    """The year that puts the anchor's day closest to the reference date, and the distance in days."""
    _, month, day = anchor.parts
    ref_year, ref_month, ref_day = parse_timex(reference if isinstance(reference, str) else reference.value)
    if month is None or day is None or ref_year is None:
        return None
    ref_date = to_date(ref_year, ref_month, ref_day)
    if ref_date is None:
        return None
    options = [
        (abs((dt.date(y, month, day) - ref_date).days), y, (dt.date(y, month, day) - ref_date).days)
        for y in (ref_year - 1, ref_year, ref_year + 1)
        if valid_day(y, month, day)
    ]
    if not options:
        return None
    _, year, delta = min(options)
    return year, delta


def _anchor_year_before(anchor: Signal, reference: Signal) -> tuple[int, int] | None:
    """The latest year whose anchor day falls on or before the reference date (within a year)."""
    _, month, day = anchor.parts
    ref_year, ref_month, ref_day = reference.parts
    if month is None or day is None or ref_year is None or ref_day is None:
        return None
    ref_date = to_date(ref_year, ref_month, ref_day)
    if ref_date is None:
        return None
    for year in (ref_year, ref_year - 1):
        if valid_day(year, month, day) and dt.date(year, month, day) <= ref_date:
            return year, (dt.date(year, month, day) - ref_date).days
    return None


def _latest_named_year(
    mentions: list[YearMention], bound: tuple[dt.date, Signal] | None
) -> YearMention | None:
    limit = bound[0].year if bound else 9999
    usable = [m for m in mentions if not m.future and m.year <= limit]
    return max(usable, key=lambda m: (m.year, -(m.start or 0))) if usable else None


def _score(
    candidate: Signal, accepted: list[Signal], anchor: Signal | None, signals: Signals, latest: int | None
) -> float:
    cfg = config()
    score = 0.0
    for other in accepted:
        relation = _relation(candidate, other)
        if relation == "same":
            score += _weight(other)
        elif relation == "near":
            score += cfg.agreement["near_share"] * _weight(other)
    if anchor is not None:
        found = _anchor_year(anchor, candidate)
        if found is not None:
            delta = abs(found[1])
            if delta == 0:
                score += cfg.weights["partial"]
            elif delta <= cfg.agreement["near_days"]:
                score += cfg.agreement["near_share"] * cfg.weights["partial"]
            elif delta <= cfg.agreement["anchor_days"]:
                score += cfg.agreement["anchor_close_bonus"]
    year = candidate.parts[0]
    score += sum(cfg.agreement["year_support"] for y in signals.years if y.parts[0] == year)
    if latest is not None and year is not None and year + 1 < latest:
        score -= cfg.agreement["stale_year_penalty"]
    return score


def _from_dated(
    accepted: list[Signal],
    anchor: Signal | None,
    signals: Signals,
    bound: tuple[dt.date, Signal] | None,
    rejected: list[Evidence],
) -> DateEstimate:
    """The best-supported dated signal; a dateline's day replaces its day when close (or a re-post)."""
    cfg = config()
    latest_mention = _latest_named_year(signals.mentions, bound)
    latest = latest_mention.year if latest_mention else None
    best = _pick(accepted, anchor, signals, latest)
    value, shift = _anchored_value(anchor, best)
    exact = [c for c in accepted if c.value == value]
    near = [c for c in accepted if c.value != value and _relation(c, value) == "near"]
    conflicts = [
        c
        for c in accepted
        if c not in exact and c not in near and _weight(c) >= cfg.confidence["conflict_min_weight"]
    ]
    anchored = anchor is not None and _matches_anchor(anchor, value)
    weights = [_weight(c) for c in exact] + ([cfg.weights["partial"]] if anchored else [])
    base = max(weights) if weights else cfg.weights["partial"] - cfg.confidence["dateline_shift_penalty"]
    confidence = base + cfg.confidence["agree_bonus"] * max(0, len(weights) - 1)
    confidence += cfg.confidence["near_bonus"] * len(near)
    confidence -= cfg.confidence["conflict_penalty"] * len(conflicts)
    confidence -= cfg.confidence["dateline_shift_penalty"] * (shift or (anchor is not None and not anchored))
    confidence -= cfg.confidence["rejected_penalty"] if rejected else 0.0
    year = parse_timex(value)[0]
    if latest is not None and year is not None and year + 1 < latest:
        confidence -= cfg.agreement["stale_year_penalty"]
    evidence = [c.evidence() for c in exact] + [c.evidence("within a day") for c in near]
    if anchor is not None:
        evidence.append(anchor.evidence(None if anchored else "its day is not taken"))
    confidence += _weekday_adjust(_dateline_day(anchor, value), signals, evidence)
    evidence += [y.evidence() for y in signals.years if y.parts[0] == year]
    evidence += [c.evidence("disagrees") for c in conflicts] + rejected + _bound_evidence(bound)
    return _estimate(value, confidence, evidence)


def _pick(accepted: list[Signal], anchor: Signal | None, signals: Signals, latest: int | None) -> Signal:
    """The dated signal with the most support; a day rather than its month; a stated day over markup."""
    best = max(
        accepted,
        key=lambda c: (_score(c, accepted, anchor, signals, latest), _weight(c), c.parts[2] is not None),
    )
    if best.parts[2] is None:  # a month; take a day inside it when one is given
        days = [c for c in accepted if c.parts[2] is not None and _relation(c, best) == "near"]
        best = max(days, key=_weight) if days else best
    return _prefer_text_day(best, accepted)


_PUBLICATION_ROLES = ("date-line", "bare-date-line", "dateline")


def _anchored_value(anchor: Signal | None, best: Signal) -> tuple[str, int]:
    """The value to state and how far it moved from the dated signals (0 none, 1 near, 3 a re-post).

    The dateline's day refines a month, and replaces a markup or headline day one day off (time
    zones) or far later (a re-post); a publication line stating another day wins: the dateline's day
    is then the filing or event day.
    """
    if anchor is None or best.role in _PUBLICATION_ROLES:
        return best.value, 0
    cfg = config()
    found = _anchor_year(anchor, best)
    if found is None:
        return best.value, 0
    far = abs(found[1]) > cfg.agreement["anchor_days"]
    if far:
        found = _anchor_year_before(anchor, best)  # the dated signal may be a later re-post or update
    elif best.parts[2] is not None and abs(found[1]) > cfg.agreement["near_days"]:
        return best.value, 0
    if found is None:
        return best.value, 0
    _, month, day = anchor.parts
    moved = found[1] != 0 and best.parts[2] is not None
    return timex(found[0], month, day), (3 if far else 1) if moved else 0


_MARKUP_ROLES = ("metadata", "htmldate")
_TEXT_ROLES = ("dateline", "date-line", "bare-date-line")


def _prefer_text_day(best: Signal, accepted: list[Signal]) -> Signal:
    """A day the text states beats a markup date one day off (markup is often UTC, the text local time).

    A bare date line only wins when it is the earlier day: a later one may be a page-render stamp.
    """
    if best.role not in _MARKUP_ROLES or best.parts[2] is None:
        return best
    best_date = to_date(*best.parts)  # type: ignore[arg-type]
    stated = []
    for signal in accepted:
        if signal.role not in _TEXT_ROLES or signal.parts[2] is None or _relation(signal, best) != "near":
            continue
        date = to_date(*signal.parts)  # type: ignore[arg-type]
        if signal.role == "bare-date-line" and (date is None or best_date is None or date > best_date):
            continue
        stated.append(signal)
    return max(stated, key=_weight) if stated else best


def _matches_anchor(anchor: Signal, value: str) -> bool:
    """True when a full value has the anchor's month and day."""
    _, month, day = anchor.parts
    _, v_month, v_day = parse_timex(value)
    return (month, day) == (v_month, v_day)


def _dateline_day(anchor: Signal | None, value: str) -> str:
    """The day the weekday constraint speaks of: the dateline's day in the chosen year."""
    year = parse_timex(value)[0]
    if anchor is None or year is None:
        return value
    _, month, day = anchor.parts
    return timex(year, month, day) if month and day and valid_day(year, month, day) else value


def _weekday_adjust(value: str, signals: Signals, evidence: list[Evidence]) -> float:
    if signals.weekday is None:
        return 0.0
    year, month, day = parse_timex(value)
    if year is None or month is None or day is None:
        return 0.0
    wanted = int(signals.weekday.value[-1])
    if weekday_of(year, month, day) == wanted:
        evidence.append(signals.weekday.evidence())
        return config().confidence["weekday_bonus"]
    evidence.append(signals.weekday.evidence("does not match the chosen date"))
    return -config().confidence["weekday_penalty"]


# --- a day without a year -------------------------------------------------------------------------------


def _from_anchor(
    anchor: Signal, signals: Signals, bound: tuple[dt.date, Signal] | None, rejected: list[Evidence]
) -> DateEstimate:
    """The year of a day written without one: an anniversary, or the one year of the window [latest year
    the text names, year of the upper bound] that the day fits (weekday, Feb 29); else ``XXXX``."""
    cfg = config()
    _, month, day = anchor.parts
    assert month is not None and day is not None
    weekday = int(signals.weekday.value[-1]) if signals.weekday else None
    evidence = [anchor.evidence()] + ([signals.weekday.evidence()] if signals.weekday else [])
    evidence += rejected + _bound_evidence(bound)

    def fits(year: int | None) -> bool:
        if year is None or not valid_day(year, month, day):
            return False
        if weekday is not None and weekday_of(year, month, day) != weekday:
            return False
        return bound is None or dt.date(year, month, day) <= bound[0]

    window: set[int] | None = None
    named = [m for m in signals.mentions if not m.future and bound is not None and m.year <= bound[0].year]
    latest = max(named, key=lambda m: m.year) if named and bound is not None else None
    if latest is not None and bound is not None:
        window = {y for y in range(latest.year, bound[0].year + 1) if fits(y)}
        evidence.append(Evidence("year-mention", latest.text, timex(latest.year), latest.start, latest.end))
    anniversary = {y for s in signals.years if fits(y := s.parts[0])}
    if anniversary:
        pool = anniversary & window if window and anniversary & window else anniversary
        if len(pool) == 1:
            year = pool.pop()
            evidence += [s.evidence() for s in signals.years if s.parts[0] == year]
            return _estimate(timex(year, month, day), cfg.confidence["year_from_anniversary"], evidence)
    if window is not None and len(window) == 1:
        key = "year_from_weekday" if weekday is not None else "year_from_window"
        return _estimate(timex(window.pop(), month, day), cfg.confidence[key], evidence)
    return _estimate(timex(None, month, day), cfg.confidence["day_without_year"], evidence)


def _from_years(
    signals: Signals, bound: tuple[dt.date, Signal] | None, rejected: list[Evidence]
) -> DateEstimate:
    years = {s.parts[0] for s in signals.years}
    if len(years) == 1:
        year = years.pop()
        if year is not None and (bound is None or year <= bound[0].year):
            evidence = [s.evidence() for s in signals.years] + rejected + _bound_evidence(bound)
            return _estimate(timex(year), config().confidence["year_only"], evidence)
    return DateEstimate(None, "unknown", 0.0, rejected + _bound_evidence(bound))


def _estimate(value: str, confidence: float, evidence: list[Evidence]) -> DateEstimate:
    cfg = config().confidence
    confidence = min(cfg["ceiling"], max(cfg["floor"], confidence))
    return DateEstimate(value, precision_of(value), round(confidence, 3), evidence)
