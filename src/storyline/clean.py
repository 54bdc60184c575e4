"""Scrape-noise removal, line by line; every removed line is kept with the rule that removed it.

The rules are shapes that generalize across sites: a line's length and punctuation (prose ends
with a full stop; widgets, headlines and counters do not), its position (a related-headlines list
follows its header), a little vocabulary (``data/noise.toml``) to tell a widget from a short line
of prose, and repetition across one outlet's articles. Sentence-shaped lines are only removed by
the strong rules (credits, rights notes, tag lines), never by vocabulary alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from storyline.model import RemovedLine

# Reasons, as stored and exported. ``page-render timestamp`` lines are upper bounds for the date.
COUNTER = "share or view counter"
STAMP = "page-render timestamp"
CREDIT = "photo caption or credit"
TAGS = "tag line"
RIGHTS = "reposting or rights note"
COMMENTS = "comment widget"
RELATED_HEADER = "related-headlines header"
RELATED_ITEM = "related headline"
WIDGET = "share, follow or player widget"
BREADCRUMB = "navigation breadcrumb"
REPEATED = "repeated across the outlet's articles"
TITLE_LINE = "title line (moved to the title)"
TITLE_REPEAT = "repeats the title"

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_SENTENCE_END = re.compile(r"""[.!?…]["'”’»)\]]*$""")
_NUMERIC_TOKEN = re.compile(r"^[\d.,:+/()-]*\d[\d.,:+/()-]*[kKmM]?$")
_TIME = re.compile(r"\b\d{1,2}(?:[:h]\d{2}(?::\d{2})?|(?:[.:]\d{2})?\s*[ap]\.?m\b\.?)", re.IGNORECASE)
_DATE_NUMERIC = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_DATE_WORDS = re.compile(rf"\b(?:{_MONTHS})\.?\b", re.IGNORECASE)
_STAMP_FILLER = re.compile(
    rf"^[\s\d.,:/|()+-]*(?:(?:{_MONTHS}|am|pm|a\.m\.|p\.m\.|utc|gmt|est|edt|cet|msk|at|on|h|"
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"[a-z]{0,2})\b[\s\d.,:/|()+-]*)*$",
    re.IGNORECASE,
)
_BREADCRUMB_SEPARATORS = re.compile(r"\s[>›»|/]\s")
_COMMENT_COUNT = re.compile(r"^\s*(?:comments?|replies)\s*[(\[]?\s*\d+\s*[)\]]?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class NoiseVocabulary:
    """Word lists and limits from ``data/noise.toml``."""

    widget_words: tuple[str, ...]
    related_headers: tuple[str, ...]
    tag_prefixes: tuple[str, ...]
    rights_words: tuple[str, ...]
    comment_words: tuple[str, ...]
    stamp_words: tuple[str, ...]
    published_words: tuple[str, ...]
    credit_markers: tuple[str, ...]
    short_line_words: int = 8
    headline_words: int = 18
    outlet_repeat_min: int = 3


@lru_cache(maxsize=1)
def load_vocabulary() -> NoiseVocabulary:
    """Read the packaged noise vocabulary once."""
    data = tomllib.loads(resources.files("storyline.data").joinpath("noise.toml").read_text("utf-8"))
    limits: dict[str, int] = data.pop("limits", {})
    words: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in data.items()}
    return NoiseVocabulary(**words, **limits)  # type: ignore[arg-type]


@dataclass(slots=True)
class CleanResult:
    """Cleaned text, the title if one was found, removed lines, and offsets back to the input."""

    text: str
    title: str | None
    removed: list[RemovedLine] = field(default_factory=list)
    #: ``(clean_start, input_start, length)`` for every kept line.
    offset_map: list[tuple[int, int, int]] = field(default_factory=list)


def fingerprint(line: str) -> str:
    """A key for a line that ignores case, digits and punctuation (for repetition counts)."""
    return " ".join(w for w in _WORD.findall(line.lower()) if not any(ch.isdigit() for ch in w))


def short_line_keys(text: str, vocab: NoiseVocabulary | None = None) -> set[str]:
    """Fingerprints of an article's short, non-sentence lines (candidates for outlet boilerplate)."""
    vocab = vocab or load_vocabulary()
    keys = set()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and _is_short(stripped, vocab, limit=12):
            key = fingerprint(stripped)
            if key:
                keys.add(key)
    return keys


def clean(
    text: str,
    title: str | None = None,
    outlet_boilerplate: Iterable[str] = (),
    find_title: bool = True,
    vocab: NoiseVocabulary | None = None,
) -> CleanResult:
    """Remove scrape noise from ``text``; ``outlet_boilerplate`` holds fingerprints seen often in the outlet."""
    vocab = vocab or load_vocabulary()
    boilerplate = set(outlet_boilerplate)
    lines = text.split("\n")
    starts = _line_starts(lines)
    reasons: dict[int, str] = {}
    in_related = False
    for index, raw_line in enumerate(lines):
        line = raw_line.strip()
        if not line:
            # a blank line ends a related-headlines list, unless it follows the header itself
            in_related = in_related and reasons.get(index - 1) == RELATED_HEADER
            continue
        reason = _line_reason(line, vocab, boilerplate, title)
        if in_related and reason is None and _is_headline(line, vocab):
            reason = RELATED_ITEM
        in_related = reason in (RELATED_HEADER, RELATED_ITEM) or (in_related and reason is not None)
        if reason:
            reasons[index] = reason
    found_title = title
    if find_title and title is None:
        found_title = _take_title(lines, reasons)
    return _assemble(lines, starts, reasons, found_title)


def _line_starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _is_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line)) and len(_words(line)) >= 4


def _is_short(line: str, vocab: NoiseVocabulary, limit: int | None = None) -> bool:
    return len(_words(line)) <= (limit or vocab.short_line_words) and not _is_sentence(line)


def _is_headline(line: str, vocab: NoiseVocabulary) -> bool:
    words = _words(line)
    return 2 <= len(words) <= vocab.headline_words and not line.rstrip().endswith(".")


@lru_cache(maxsize=64)
def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation of whole-word phrases, longest first."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in ordered) + r")(?!\w)")


@lru_cache(maxsize=8)
def _tag_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^(?:{'|'.join(map(re.escape, prefixes))})\s*[:|–-]")


def _has_phrase(line_lower: str, phrases: tuple[str, ...]) -> bool:
    return bool(_phrases_pattern(phrases).search(line_lower))


def _phrase_coverage(line_lower: str, phrases: tuple[str, ...]) -> float:
    """Share of the line's words covered by the given phrases."""
    words = [w for w in _words(line_lower) if not _NUMERIC_TOKEN.match(w)]
    if not words:
        return 0.0
    covered = _phrases_pattern(phrases).sub(" ", line_lower)
    left = [w for w in _words(covered) if not _NUMERIC_TOKEN.match(w)]
    return 1 - len(left) / len(words)


def _line_reason(line: str, vocab: NoiseVocabulary, boilerplate: set[str], title: str | None) -> str | None:
    """The reason to remove one line, or None to keep it."""
    lower = line.lower()
    words = _words(line)
    if title and fingerprint(line) == fingerprint(title) and fingerprint(title):
        return TITLE_REPEAT
    if _COMMENT_COUNT.match(line):
        return COMMENTS
    stamp = _stamp_reason(line, lower, words, vocab)
    if stamp:
        return stamp
    if _is_counter(words, vocab) and not _DATE_NUMERIC.search(line):
        return COUNTER
    if _is_credit(line, lower, words, vocab):
        return CREDIT
    if _tag_pattern(vocab.tag_prefixes).match(lower):
        return TAGS
    if len(words) <= 40 and _has_phrase(lower, vocab.rights_words) and not _quotes_someone(line):
        return RIGHTS
    if lower.startswith("copyright") and len(words) <= 12:
        return RIGHTS
    if len(words) <= 6 and not _is_sentence(line) and _phrase_coverage(lower, vocab.comment_words) >= 0.5:
        return COMMENTS
    header = lower.rstrip(" :.-–—»>").strip()
    is_header = any(header == h or header.startswith(h + " ") for h in vocab.related_headers)
    if len(words) <= 6 and is_header and not _is_sentence(line):
        return RELATED_HEADER
    if _is_short(line, vocab) and _phrase_coverage(lower, vocab.widget_words) >= 0.5:
        return WIDGET
    if len(words) <= 10 and not _is_sentence(line) and len(_BREADCRUMB_SEPARATORS.findall(line)) >= 2:
        return BREADCRUMB
    if boilerplate and _is_short(line, vocab, limit=12) and fingerprint(line) in boilerplate:
        return REPEATED
    return None


def _is_counter(words: list[str], vocab: NoiseVocabulary) -> bool:
    """A bare counter ("0 63", "1.2K shares", "12 comments")."""
    if not words or len(words) > 5:
        return False
    numeric = [w for w in words if _NUMERIC_TOKEN.match(w)]
    if not numeric:
        return False
    rest = " ".join(w.lower() for w in words if not _NUMERIC_TOKEN.match(w))
    return (
        not rest or _phrase_coverage(rest, vocab.widget_words + vocab.comment_words + ("views", "likes")) >= 1
    )


def _stamp_reason(line: str, lower: str, words: list[str], vocab: NoiseVocabulary) -> str | None:
    """A standalone timestamp line: page furniture unless it says it is the publication date."""
    if len(words) > 12 or (_is_sentence(line) and len(words) > 8):
        return None
    has_date = bool(_DATE_NUMERIC.search(line) or (_DATE_WORDS.search(line) and re.search(r"\d", line)))
    if not has_date:
        return None
    rest = _phrases_pattern(vocab.stamp_words + vocab.published_words).sub(" ", lower)
    if not _STAMP_FILLER.match(rest.replace(":", " ")):
        return None
    if _has_phrase(lower, vocab.published_words):
        return None  # the article's own date line: kept for the date stage
    if _has_phrase(lower, vocab.stamp_words) or _TIME.search(line):
        return STAMP
    return None


def _is_credit(line: str, lower: str, words: list[str], vocab: NoiseVocabulary) -> bool:
    if lower.startswith(("©", "(c) ")):
        return True
    if not any(marker in lower for marker in vocab.credit_markers):
        return False
    if _quotes_someone(line):
        return False
    return len(words) <= 30


def _quotes_someone(line: str) -> bool:
    return any(mark in line for mark in ('"', "“", "”", "«"))


def _take_title(lines: list[str], reasons: dict[int, str]) -> str | None:
    """The first kept line, when it is shaped like a headline, becomes the title."""
    for index, raw_line in enumerate(lines):
        line = raw_line.strip()
        if not line or index in reasons:
            continue
        words = _words(line)
        if 2 <= len(words) <= 25 and not line.endswith((".", ",", ";", ":")):
            reasons[index] = TITLE_LINE
            return line
        return None
    return None


def _assemble(lines: list[str], starts: list[int], reasons: dict[int, str], title: str | None) -> CleanResult:
    removed = [
        RemovedLine(text=lines[i].strip(), reason=reason, line_no=i + 1)
        for i, reason in sorted(reasons.items())
    ]
    pieces: list[str] = []
    offset_map: list[tuple[int, int, int]] = []
    length = 0
    pending_break = False
    for index, raw_line in enumerate(lines):
        line = raw_line.strip()
        if index in reasons:
            continue
        if not line:
            pending_break = bool(pieces)
            continue
        if pieces:
            sep = "\n\n" if pending_break else "\n"
            pieces.append(sep)
            length += len(sep)
        pending_break = False
        lead = len(raw_line) - len(raw_line.lstrip())
        offset_map.append((length, starts[index] + lead, len(line)))
        pieces.append(line)
        length += len(line)
    return CleanResult(text="".join(pieces), title=title, removed=removed, offset_map=offset_map)


def to_input_offset(offset_map: list[tuple[int, int, int]], clean_offset: int) -> int | None:
    """Map an offset in the cleaned text back to the decoded input text."""
    for clean_start, input_start, length in offset_map:
        if clean_start <= clean_offset <= clean_start + length:
            return input_start + (clean_offset - clean_start)
    return None
