"""RSS and Atom feeds saved as files: one article per item, through feedparser.

An item gives ``url`` (its link), ``title``, ``metadata_date`` (its published date as an ISO
day, in the feed's own time zone) and ``text`` (its full content, else its summary; HTML is
turned into text with one line per block). The feed title is the outlet. ``updated`` is
kept in ``extra`` only: it is when the item last changed, not when it was published. An
item with no text is reported as ``IngestError("<source>@<index>", reason)`` and skipped.
"""

from __future__ import annotations

import email.utils
import html
import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from storyline.ingest.errors import IngestError
from storyline.model import RawDocument

BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer "  # noqa: SIM905
    "figure figcaption hr dd dt dl aside".split()
)
DROPPED_TAGS = ("script", "style", "noscript", "template")
_ITEM_TOKENS = re.compile(
    rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<(/?)(?:[\w.-]+:)?(item|entry)(?=[\s>/])[^>]*?(/?)>", re.DOTALL
)
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")


def read_feed(raw: bytes, source: str) -> Iterator[RawDocument | IngestError]:
    """Yield one RawDocument (or IngestError) per feed item, in feed order."""
    parsed = feedparser.parse(io.BytesIO(raw), sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        reason = parsed.get("bozo_exception") or "no items"
        yield IngestError(source, f"not a readable RSS/Atom feed, or a feed with no items ({_short(reason)})")
        return
    outlet = _clean_line(_html_to_text(parsed.feed.get("title") or "")) or None
    item_bytes = _item_slices(raw, len(entries))
    for index, entry in enumerate(entries):
        try:
            yield _document(entry, source, index, outlet, item_bytes[index] if item_bytes else raw)
        except IngestError as error:
            yield error


def _document(entry: Any, source: str, index: int, outlet: str | None, raw: bytes) -> RawDocument:
    where = f"{source}@{index}"
    text = _entry_text(entry)
    if not text:
        raise IngestError(where, "feed item has no content or summary text")
    title = _clean_line(_html_to_text(entry.get("title") or "")) or None
    extra: dict[str, Any] = {}
    if entry.get("id"):
        extra["feed_item_id"] = entry["id"]
    updated = dict.get(entry, "updated")  # plain dict access: no fallback from updated to published
    if updated and updated != dict.get(entry, "published"):
        extra["feed_updated"] = updated
    if entry.get("author"):
        extra["author"] = _clean_line(entry["author"])
    return RawDocument(
        source=source,
        kind="feed",
        raw=raw,
        text=text,
        locator=str(index),
        title=title,
        url=entry.get("link") or None,
        outlet=outlet,
        metadata_date=published_day(entry),
        encoding="utf-8",
        extra=extra,
    )


def _entry_text(entry: Any) -> str:
    """The longest of the item's contents and summary, as text."""
    candidates = [(c.get("value") or "", c.get("type") or "") for c in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    if entry.get("summary"):
        candidates.append((entry["summary"], detail.get("type") or "text/html"))
    texts = [_as_text(value, kind) for value, kind in candidates]
    return max(texts, key=len, default="")


def _as_text(value: str, kind: str) -> str:
    if "html" in kind or re.search(r"<[a-zA-Z/!]", value):
        return _html_to_text(value)
    return "\n".join(filter(None, (_clean_line(line) for line in html.unescape(value).splitlines())))


def _html_to_text(fragment: str) -> str:
    """HTML to text: one line per block element, inline markup dropped, entities decoded."""
    if not fragment.strip():
        return ""
    if not re.search(r"<[a-zA-Z/!]", fragment):
        return _clean_line(html.unescape(fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _clean_line(html.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for element in list(root.iter(*DROPPED_TAGS)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    lines = (_clean_line(line) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _clean_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def published_day(entry: Any) -> str | None:
    """The item's published date as ``YYYY-MM-DD`` in its own time zone; None when it has none."""
    stated = dict.get(entry, "published") or dict.get(entry, "created")
    if stated:
        day = _parse_day(stated)
        if day:
            return day
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "created_parsed")
    if parsed:  # feedparser's reading, converted to UTC
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday).isoformat()
    return None


def _parse_day(stated: str) -> str | None:
    """An RFC 822 (RSS) or RFC 3339 (Atom) date's calendar day, as written (no time-zone shift)."""
    stated = stated.strip()
    try:
        return email.utils.parsedate_to_datetime(stated).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(stated.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", stated)
    if match:
        try:
            return date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return None
    return None


def _item_slices(raw: bytes, expected: int) -> list[bytes] | None:
    """The untouched bytes of each ``<item>``/``<entry>``, or None when they cannot be matched to the items."""
    slices: list[bytes] = []
    depth, begin = 0, 0
    for match in _ITEM_TOKENS.finditer(raw):
        closing, tag, self_closing = match.group(1), match.group(2), match.group(3)
        if tag is None:
            continue  # CDATA or comment
        if self_closing:
            if depth == 0:
                slices.append(match.group())
        elif not closing:
            if depth == 0:
                begin = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                slices.append(raw[begin : match.end()])
    return slices if len(slices) == expected else None


def _short(reason: object) -> str:
    text = " ".join(str(reason).split())
    return text if len(text) <= 160 else text[:157] + "..."
