"""Years that anniversaries and elapsed years give ("the 60th anniversary of the 1956 declaration").

Rules (cue words in ``data/pubdate_anniversary.toml``):

- "the Nth anniversary of ... YEAR", "the centenary of the YEAR ..." -> YEAR + N;
- "N years ago, in YEAR" -> YEAR + N or YEAR + N + 1 (such counts are often rounded);
- an approximate count ("nearly 70 years", "more than 60 years") gives nothing;
- "N years since/after X" -> YEAR + N, only when said of the present: the phrase opens the sentence,
  closes it after a comma, or follows a marker ("it has been", "marks");
- without a year in the phrase's clause, the years of other sentences (else paragraphs) about the
  phrase's head noun ("the war") are candidates, one signal each, for the weigher to narrow down;
- a computed year that the same sentence names dates an event, not the article, and is dropped.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from storyline.time.pubdate_calendar import calendar, number_value, timex, word_alternation
from storyline.time.pubdate_signal import Signal


@dataclass(frozen=True, slots=True)
class _Rules:
    pattern: re.Pattern[str]
    openers: frozenset[str]
    markers: frozenset[str]
    approximate: frozenset[str]


@cache
def _rules() -> _Rules:
    text = resources.files("storyline.data").joinpath("pubdate_anniversary.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    ordinal = r"(?:\d{1,3}(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?)"
    pattern = re.compile(
        rf"\b(?P<n>{ordinal})\s+(?P<word>{word_alternation(data['anniversary'])})\b"
        rf"|\b(?P<alone>centenary|centennial|bicentenary|bicentennial)\b"
        rf"|\b(?P<count>\d{{1,3}}|[a-z]+(?:-[a-z]+)?)\s+years\s+(?P<rel>ago|since|after|on\s+from)\b",
        re.IGNORECASE,
    )
    return _Rules(
        pattern,
        frozenset(data["elapsed_openers"]),
        frozenset(data["elapsed_markers"]),
        frozenset(data["approximate"]),
    )


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
        for match in _rules().pattern.finditer(sentence):
            count, role = _elapsed(match)
            before = sentence[: match.start()]
            if count is None or _approximate(before):
                continue
            if role != "anniversary" and not _said_of_now(before):
                continue
            bases = _base_years(text, (offset, sentence), match, role, sentences)
            # "N years ago" is often rounded ("Thirty years ago, in 1956" written in 1987): two candidates.
            counts = (count, count + 1) if (match.group("rel") or "").lower() == "ago" else (count,)
            named = {int(y) for y in _ANY_YEAR.findall(sentence)}
            for year in sorted({base + n for base in bases for n in counts}):
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


def _approximate(before: str) -> bool:
    """ "nearly 70 years", "more than 70 years": no exact count."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", before)[-2:]]
    return bool(words) and (words[-1] in _rules().approximate or " ".join(words) in _rules().approximate)


def _said_of_now(before: str) -> bool:
    """True when "N years since/after" opens the sentence, closes it after a comma ("..., 70 years after
    the war") or follows a present marker ("it has been", "marks")."""
    rules = _rules()
    if before.rstrip().endswith(","):
        return True
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", before)]
    if all(w in rules.openers for w in words):
        return True
    return words[-1] in rules.markers


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
