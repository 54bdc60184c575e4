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

from storyline.model import Dateline, Evidence, RawDocument, RemovedLine, Timex
from storyline.time.pubdate_calendar import (
    DateMention,
    calendar,
    capitalised_ok,
    find_dates,
    last_day,
    number_value,
    parse_date_string,
    parse_timex,
    timex,
    weekday_number,
    word_alternation,
)

RENDER_REASON = "page-render timestamp"
_TITLE_MAX = 150  # a first line longer than this is a paragraph, not a headline


@dataclass(slots=True)
class Signal:
    """One dated signal: a TIMEX3 value, the role that sets its weight, and where it was found."""

    kind: str
    role: str
    value: str
    text: str
    start: int | None = None
    end: int | None = None

    @property
    def parts(self) -> tuple[int | None, int | None, int | None]:
        return parse_timex(self.value)

    def evidence(self, note: str | None = None) -> Evidence:
        text = f"{self.text} ({note})" if note else self.text
        return Evidence(self.kind, text, self.value, self.start, self.end)


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
    elapsed_openers: frozenset[str]
    elapsed_markers: frozenset[str]
    anniversary: re.Pattern[str]


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
    ordinal = r"(?:\d{1,3}(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?)"
    anniversary = re.compile(
        rf"\b(?P<n>{ordinal})\s+(?P<word>{word_alternation(data['anniversary'])})\b"
        rf"|\b(?P<alone>centenary|centennial|bicentenary|bicentennial)\b"
        rf"|\b(?P<count>\d{{1,3}}|[a-z]+(?:-[a-z]+)?)\s+years\s+(?P<rel>ago|since|after|on\s+from)\b",
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
        elapsed_openers=frozenset(data["elapsed_openers"]),
        elapsed_markers=frozenset(data["elapsed_markers"]),
        anniversary=anniversary,
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
    names = word_alternation(calendar().weekdays)
    found: dict[int, tuple[str, int, int]] = {}
    for match in re.finditer(rf"(?<!\w)({names})\.?(?!\w)", text[dateline.start : lead_end], re.IGNORECASE):
        word = match.group(1)
        if not capitalised_ok(word) or word.lower() in _WEEKDAY_ABBREVIATIONS:
            continue
        start = dateline.start + match.start()
        before = _WORD_BEFORE.search(text[max(0, start - 20) : start])
        if before and before.group(1).lower() in rules.weekday_not_after:
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


# --- anniversaries ---------------------------------------------------------------------------------------

# A sentence ends at . ! ? before a space, at a blank line, or at a line break before anything but a
# lower-case letter (a hard-wrapped line goes on in lower case).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’)]?\s+|\n\s*\n|\n(?![ \t]*[a-z])")
_ANY_YEAR = re.compile(r"(?<![\w.,/-])(1[0-9]\d\d|20\d\d)(?![\w%]|[.,]\d)")
_HEAD = re.compile(r"[^\W\d_]{3,}")
_STOP_HEADS = frozenset(
    [
        "the",
        "of",
        "and",
        "its",
        "his",
        "her",
        "their",
        "this",
        "that",
        "which",
        "who",
        "end",
        "start",
        "beginning",
    ]
)


def anniversary_years(text: str) -> list[Signal]:
    """Years computed from anniversaries and elapsed years ("the 60th anniversary of the 1956 declaration").

    When the year counted from is not in the phrase's clause, the years of the other sentences (else
    paragraphs) about the phrase's head noun ("the war") are the candidates: one signal per candidate,
    for the weigher to narrow down with the weekday and the bounds.
    """
    signals: list[Signal] = []
    sentences = _sentences(text)
    for offset, sentence in sentences:
        for match in cues().anniversary.finditer(sentence):
            count, role = _elapsed(match)
            if count is None or (role != "anniversary" and not _said_of_now(sentence[: match.start()])):
                continue
            bases = _base_years(text, (offset, sentence), match, role, sentences)
            named = {int(y) for y in _ANY_YEAR.findall(sentence)}
            for base in sorted(bases):
                year = base + count
                if year in named or not 1900 <= year <= 2099:
                    continue  # "in 1990, 20 years after the 1970 coup" dates an event, not the article
                start, end = offset + match.start(), offset + match.end()
                signals.append(Signal("anniversary", role, timex(year), sentence.strip(), start, end))
    return signals


def _sentences(text: str) -> list[tuple[int, str]]:
    """``(offset, sentence)`` pairs; line breaks inside a sentence become spaces, so offsets hold."""
    found: list[tuple[int, str]] = []
    start = 0
    for match in [*_SENTENCE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            found.append((start, text[start:end].replace("\n", " ")))
        start = match.end() if match else end
    return found


def _said_of_now(before: str) -> bool:
    """True when "N years since/after" opens the sentence, closes it after a comma ("..., 70 years after
    the war") or follows a present marker ("it has been", "marks")."""
    rules = cues()
    if before.rstrip().endswith(","):
        return True
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", before)]
    if all(w in rules.elapsed_openers for w in words):
        return True
    return words[-1] in rules.elapsed_markers


def _elapsed(match: re.Match[str]) -> tuple[int | None, str]:
    if match.group("alone"):
        return number_value(match.group("alone")), "anniversary"
    if match.group("n"):
        count = number_value(match.group("n"))
        if count is None:  # "the centenary": the word itself says how many years
            count = calendar().numbers.get(match.group("word").lower())
        return count, "anniversary"
    count = number_value(match.group("count"))
    rel = match.group("rel").lower()
    role = "years-after" if rel == "after" else "years-since"
    return (count if count and count >= 2 else None), role


_MAX_BASES = 3


def _base_years(
    text: str, where: tuple[int, str], match: re.Match[str], role: str, sentences: list[tuple[int, str]]
) -> set[int]:
    """The years counted from: named in the phrase's clause, else in other sentences (or paragraphs)
    about its head noun; none when there are more than a few."""
    offset, sentence = where
    after = sentence[match.end() :]
    if match.group("rel") and match.group("rel").lower() == "ago":
        return {int(y) for y in _ANY_YEAR.findall(sentence)}  # "Seventy years ago, in 1950, ..."
    clause = re.split(r"[;:,](?!\d)", after, maxsplit=1)[0] if role != "anniversary" else after
    years = _ANY_YEAR.findall(clause)
    if years:
        return {int(years[0])}
    if role == "anniversary":
        before = set(_ANY_YEAR.findall(sentence[max(0, match.start() - 40) : match.start()]))
        if len(before) == 1:
            return {int(before.pop())}
    heads = [w for w in _HEAD.findall(clause[:80]) if w.lower() not in _STOP_HEADS]
    if not heads:
        return set()
    head = heads[-1] if role != "anniversary" else _noun_after_of(clause) or heads[-1]
    about = re.compile(rf"\b{re.escape(head)}\b", re.IGNORECASE)
    found = {
        int(y)
        for start, other in sentences
        if start != offset and about.search(other)
        for y in _ANY_YEAR.findall(other)
    }
    if not found:
        own = (offset, offset + len(sentence))
        for paragraph in _paragraphs(text):
            rest = _outside(text, paragraph, own)
            if about.search(rest):
                found |= {int(y) for y in _ANY_YEAR.findall(rest)}
    return found if len(found) <= _MAX_BASES else set()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _outside(text: str, span: tuple[int, int], hole: tuple[int, int]) -> str:
    """The text of ``span`` without the part that ``hole`` covers."""
    start, end = span
    if hole[1] <= start or hole[0] >= end:
        return text[start:end]
    return text[start : max(start, hole[0])] + " " + text[min(end, hole[1]) : end]


def _noun_after_of(clause: str) -> str | None:
    """The head of "of the 1956 declaration" / "of the end of the war": the last content word before a break."""
    phrase = re.split(r"[,;:.(]|\b(?:which|that|when|who|in|on|at|with)\b", clause, maxsplit=1)[0]
    words = [w for w in _HEAD.findall(phrase) if w.lower() not in _STOP_HEADS]
    return words[-1] if words else None
