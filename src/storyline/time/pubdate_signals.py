"""Signals of an article's publication date, gathered from its inputs and its text.

Each signal is a TIMEX3 value with where it came from; ``storyline.time.pubdate`` weighs them. Kinds:
``metadata``, ``htmldate``, ``dateline``, ``date-line`` (a "Published: ..." line or a bare date line),
``anniversary`` (a year computed from "the 60th anniversary of the 1956 ..."), ``weekday``
(``XXXX-WXX-2``: the dateline's day is a Tuesday), ``year-mention`` and the upper bounds
``crawl-bound``, ``render-bound`` and ``update-bound``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from storyline.model import Dateline, RawDocument, RemovedLine, Timex
from storyline.time.pubdate_anniversary import anniversary_years
from storyline.time.pubdate_calendar import (
    DateMention,
    calendar,
    capitalised_ok,
    find_dates,
    last_day,
    month_number,
    parse_date_string,
    parse_timex,
    weekday_number,
    word_alternation,
)
from storyline.time.pubdate_signal import Signal

RENDER_REASON = "page-render timestamp"
_TITLE_MAX = 150  # a first line longer than this is a paragraph, not a headline


@dataclass(frozen=True, slots=True)
class YearMention:
    """A year named in the text; ``future`` when it is about what is to come ("by 2030")."""

    year: int
    text: str
    start: int | None
    end: int | None
    future: bool = False


@dataclass(slots=True)
class Signals:
    """Everything found, sorted by use."""

    full: list[Signal] = field(default_factory=list)  # dates with a known year (day or month precision)
    partial: list[Signal] = field(default_factory=list)  # day and month without a year
    years: list[Signal] = field(default_factory=list)  # a year computed from anniversaries
    bounds: list[Signal] = field(default_factory=list)  # the article existed by then
    weekday: Signal | None = None
    mentions: list[YearMention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cues:
    published: re.Pattern[str]
    updated: re.Pattern[str]
    cue_gap: int
    max_line: int
    bare_date_lines: int
    leftover: re.Pattern[str]
    future_before: frozenset[str]
    weekday_not_after: frozenset[str]
    weekday_future: frozenset[str]
    other_day: re.Pattern[str]


@cache
def cues() -> Cues:
    """Cue tables from ``data/pubdate_cues.toml`` (loaded once)."""
    text = resources.files("storyline.data").joinpath("pubdate_cues.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    opener = r"(?:^[ \t]*|[|•·][ \t]*)"

    def cue_pattern(words: list[str]) -> re.Pattern[str]:
        return re.compile(rf"{opener}(?:{word_alternation(words)})(?!\w)", re.IGNORECASE | re.MULTILINE)

    zones = word_alternation(data["time_zones"])
    leftover = re.compile(
        rf"\d{{1,2}}[:.h]\d{{2}}(?::\d{{2}})?|(?<!\w)(?:{zones})\.?(?!\w)|[+-]\d{{1,2}}(?::?\d{{2}})?|\bat\b|\bon\b|[\W_]",
        re.IGNORECASE,
    )
    return Cues(
        published=cue_pattern(data["published"]),
        updated=cue_pattern(data["updated"]),
        cue_gap=int(data["cue_gap"]),
        max_line=int(data["max_line"]),
        bare_date_lines=int(data["bare_date_lines"]),
        leftover=leftover,
        future_before=frozenset(data["future_before"]),
        weekday_not_after=frozenset(data["weekday_not_after"]),
        weekday_future=frozenset(data["weekday_future"]),
        other_day=re.compile(rf"\b(?:{word_alternation(data['lead_names_the_day'])})\b", re.IGNORECASE),
    )


def collect(
    raw: RawDocument,
    text: str,
    dateline: Dateline | None,
    timexes: list[Timex] | None = None,
    removed: list[RemovedLine] | None = None,
) -> Signals:
    """Gather every signal the inputs and the text give."""
    found = Signals()
    for kind, value in (("metadata", raw.metadata_date), ("htmldate", raw.html_date)):
        mention = parse_date_string(value)
        if mention is None or mention.year is None:
            continue
        if kind == "htmldate" and raw.kind == "html" and any(s.value == mention.value for s in found.full):
            continue  # for a page, both readings come from htmldate: one signal, not two
        found.full.append(Signal(kind, kind, mention.value, f"{kind} date {value}"))
    if dateline is not None and dateline.date:
        year, _, _ = parse_timex(dateline.date)
        target = found.full if year is not None else found.partial
        target.append(
            Signal("dateline", "dateline", dateline.date, dateline.text, dateline.start, dateline.end)
        )
    published, updated = date_lines(text)
    for signal in published:
        year, month, _ = signal.parts
        if year is not None and month is not None:
            found.full.append(signal)
        elif year is None and signal.role == "date-line":
            found.partial.append(signal)
    seen = {(s.start, s.end) for s in found.full if s.start is not None}
    headline = title_dates(raw.title, text, dateline)
    found.full.extend(s for s in headline if (s.start, s.end) not in seen or s.start is None)
    found.bounds.extend(upper_bounds(raw, removed))
    found.bounds.extend(updated)
    found.mentions = year_mentions(text, timexes)
    found.years = anniversary_years(text)
    found.weekday = lead_weekday(text, dateline, timexes)
    return found


# --- date lines ---------------------------------------------------------------------------------------


def date_lines(text: str) -> tuple[list[Signal], list[Signal]]:
    """Dates on "Published: ..." lines and bare date lines near the top; and dates on "Updated: ..." lines."""
    rules = cues()
    published: list[Signal] = []
    updated: list[Signal] = []
    for pattern, role, out in ((rules.published, "date-line", published), (rules.updated, "update", updated)):
        for cue in pattern.finditer(text):
            line_end = _line_end(text, cue.start())
            if line_end - (text.rfind("\n", 0, cue.start()) + 1) > rules.max_line:
                continue
            date = _date_after(text, cue.end(), rules.cue_gap)
            if date is None:
                continue
            span = text[cue.start() : line_end].strip(" |•·\t")
            kind = "date-line" if role == "date-line" else "update-bound"
            out.append(Signal(kind, role, date.value, span, date.start, date.end))
    cue_spans = [(s.start, s.end) for s in published + updated]
    for start, line in _first_lines(text, rules.bare_date_lines):
        for date in find_dates(line):
            if date.year is None or date.day is None:
                continue
            if any(s == start + date.start for s, _ in cue_spans):
                continue
            rest = rules.leftover.sub("", line[: date.start] + line[date.end :])
            if not rest and not line.rstrip().endswith("."):  # a sentence's tail ends with a full stop
                published.append(
                    Signal(
                        "date-line",
                        "bare-date-line",
                        date.value,
                        line.strip(),
                        start + date.start,
                        start + date.end,
                    )
                )
    return published, updated


def _date_after(text: str, pos: int, gap: int) -> DateMention | None:
    """The date right after a cue: within ``gap`` characters, with only times, zones and separators between."""
    window_end = min(_line_end(text, pos), pos + gap + 40)
    for date in find_dates(text[pos:window_end]):
        between = text[pos : pos + date.start]
        if date.start > gap or cues().leftover.sub("", between):
            return None
        if date.day is not None or date.year is not None:
            return DateMention(pos + date.start, pos + date.end, date.text, date.year, date.month, date.day)
    return None


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _first_lines(text: str, count: int) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text) and len(lines) < count:
        end = _line_end(text, pos)
        if text[pos:end].strip():
            lines.append((pos, text[pos:end]))
        pos = end + 1
    return lines


def title_dates(title: str | None, text: str, dateline: Dateline | None = None) -> list[Signal]:
    """A dated headline: the text's first line when it is a short title line, else the input's title."""
    first = _first_lines(text, 1)
    signals: list[Signal] = []
    if (
        first
        and len(first[0][1]) <= _TITLE_MAX
        and (dateline is None or dateline.start > first[0][0] + len(first[0][1]))
    ):
        start, line = first[0]
        for date in find_dates(line):
            if date.year is not None and date.day is not None:
                signals.append(
                    Signal(
                        "date-line",
                        "title-date",
                        date.value,
                        line.strip(),
                        start + date.start,
                        start + date.end,
                    )
                )
    if title and not signals and title.strip() not in text[:500]:
        for date in find_dates(title):
            if date.year is not None and date.day is not None:
                signals.append(Signal("date-line", "title-date", date.value, f"title: {title.strip()}"))
    return signals[:1]


# --- upper bounds ------------------------------------------------------------------------------------


def upper_bounds(raw: RawDocument, removed: list[RemovedLine] | None) -> list[Signal]:
    """The crawl date and page-render stamps the cleaner removed: the article existed by then."""
    bounds: list[Signal] = []
    crawl = parse_date_string(raw.crawl_date)
    if crawl is not None and crawl.year is not None:
        bounds.append(Signal("crawl-bound", "crawl-bound", crawl.value, f"crawled {raw.crawl_date}"))
    for line in removed or []:
        if not line.reason.startswith(RENDER_REASON):
            continue
        dated = [d for d in find_dates(line.text) if d.year is not None] or [
            d for d in [parse_date_string(line.text)] if d is not None and d.year is not None
        ]
        if dated:
            bounds.append(
                Signal(
                    "render-bound",
                    "render-bound",
                    dated[0].value,
                    f"removed line {line.line_no}: {line.text}",
                )
            )
    return bounds


def bound_day(signal: Signal) -> dt.date | None:
    """The last day a bound signal allows."""
    year, month, day = signal.parts
    return last_day(year, month, day) if year is not None else None


# --- years named in the text ------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\w$€£¥.,/:-])((?:19|20)\d\d)(?![\w%]|[.,]\d|[:/-]\d)")
_WORD_BEFORE = re.compile(r"(\w+)\W*$")


def year_mentions(text: str, timexes: list[Timex] | None = None) -> list[YearMention]:
    """Every year named in the text (and in the timexes given), with a flag for future context."""
    rules = cues()
    mentions: dict[int, YearMention] = {}
    for match in _YEAR.finditer(text):
        before = _WORD_BEFORE.search(text[max(0, match.start() - 25) : match.start()])
        future = bool(before and before.group(1).lower() in rules.future_before)
        mentions[match.start()] = YearMention(
            int(match.group(1)), match.group(0), match.start(), match.end(), future
        )
    for item in timexes or []:
        year, _, _ = parse_timex(getattr(item, "value", None))
        if year is None or item.start in mentions or not 1900 <= year <= 2099:
            continue
        before = _WORD_BEFORE.search(text[max(0, item.start - 25) : item.start])
        future = bool(before and before.group(1).lower() in rules.future_before)
        mentions[item.start] = YearMention(year, item.text, item.start, item.end, future)
    return [mentions[k] for k in sorted(mentions)]


# --- the weekday of the dateline ------------------------------------------------------------------------

_WEEKDAY_ABBREVIATIONS = frozenset(["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"])
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“'‘(]?[A-Z])|\n")


def _names_the_day(text: str, start: int, end: int, rules: Cues) -> bool:
    """False for "last Tuesday", "will tender Thursday", "Monday's crash", "Black Monday"."""
    before = re.findall(r"[\w']+", text[max(0, start - 40) : start])[-4:]
    if before and before[-1].lower() in rules.weekday_not_after:
        return False
    if any(w.lower() in rules.weekday_future for w in before) or re.match(r"\s+will\b", text[end : end + 8]):
        return False
    if text[end : end + 2] in ("'s", "’s"):
        return False
    following = re.match(r"\s+([A-Z]\w*)", text[end : end + 30])
    named_before = (
        before and before[-1][:1].isupper() and not text[:start].rstrip().endswith((".", "-", "—", "–"))
    )
    return not (named_before or (following and month_number(following.group(1)) is None))


def lead_weekday(text: str, dateline: Dateline | None, timexes: list[Timex] | None = None) -> Signal | None:
    """The one weekday the dateline and the first sentence after it name ("said on Tuesday"), if exactly one."""
    if dateline is None or not dateline.date:
        return None
    for date in find_dates(dateline.text):
        if date.weekday is not None:
            start = dateline.start + date.start
            return Signal(
                "weekday", "weekday", f"XXXX-WXX-{date.weekday}", date.text, start, start + len(date.text)
            )
    end = _SENTENCE_END.search(text, dateline.end)
    lead_end = min(end.start() if end else len(text), dateline.end + 300)
    rules = cues()
    if rules.other_day.search(text, dateline.end, lead_end):
        return None  # "said today that ... on Monday": the weekday names another day
    names = word_alternation(calendar().weekdays)
    found: dict[int, tuple[str, int, int]] = {}
    for match in re.finditer(rf"(?<!\w)({names})\.?(?!\w)", text[dateline.start : lead_end], re.IGNORECASE):
        word = match.group(1)
        if not capitalised_ok(word) or word.lower() in _WEEKDAY_ABBREVIATIONS:
            continue
        start = dateline.start + match.start()
        if not _names_the_day(text, start, start + len(word), rules):
            continue
        number = weekday_number(word)
        if number is not None:
            found.setdefault(number, (word, start, start + len(word)))
    for item in timexes or []:
        weekday = re.fullmatch(r"XXXX-WXX-([1-7])", getattr(item, "value", "") or "")
        if weekday and dateline.start <= item.start < lead_end:
            found.setdefault(int(weekday.group(1)), (item.text, item.start, item.end))
    if len(found) != 1:
        return None
    number, (word, start, end_) = next(iter(found.items()))
    return Signal("weekday", "weekday", f"XXXX-WXX-{number}", word, start, end_)
