"""JSON Lines: one article per line with ``text`` or ``html``, ``title``, ``url``, ``date``, ``outlet``.

Every other field is kept in ``RawDocument.extra``. A bad line is reported and skipped; the
rest of the file goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from storyline.ingest.errors import IngestError
from storyline.model import RawDocument

KNOWN_FIELDS = ("text", "html", "title", "url", "date", "outlet")


def read_jsonl(raw: bytes, source: str) -> Iterator[RawDocument | IngestError]:
    """Yield one RawDocument (or IngestError) per non-blank line."""
    for line_no, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{line_no}"
        try:
            yield _record(line, where, source, line_no)
        except IngestError as error:
            yield error


def _record(line: bytes, where: str, source: str, line_no: int) -> RawDocument:
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise IngestError(where, f"malformed JSON line ({error})") from None
    if not isinstance(obj, dict):
        raise IngestError(where, "JSON line is not an object")
    html, text = obj.get("html"), obj.get("text")
    extra: dict[str, Any] = {k: v for k, v in obj.items() if k not in KNOWN_FIELDS}
    if isinstance(html, str) and html.strip() and not (isinstance(text, str) and text.strip()):
        from storyline.ingest.html import read_html

        doc = read_html(html.encode("utf-8"), where, url=_str(obj.get("url")))
        doc.kind, doc.raw, doc.locator, doc.source = "jsonl", line, str(line_no), source
    elif isinstance(text, str) and text.strip():
        doc = RawDocument(source=source, kind="jsonl", raw=line, text=text, locator=str(line_no))
    else:
        raise IngestError(where, "JSON line has no 'text' or 'html' field with content")
    doc.title = _str(obj.get("title")) or doc.title
    doc.url = _str(obj.get("url")) or doc.url
    doc.outlet = _str(obj.get("outlet")) or doc.outlet
    doc.metadata_date = _str(obj.get("date")) or doc.metadata_date
    doc.encoding = "utf-8"
    doc.extra = extra
    return doc


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
