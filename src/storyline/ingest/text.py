"""Plain-text articles: one article per file."""

from __future__ import annotations

from storyline.ingest.decode import decode_text
from storyline.ingest.errors import IngestError
from storyline.model import RawDocument


def read_text(raw: bytes, source: str, outlet: str | None = None) -> RawDocument:
    """A plain-text article; its title is found later by the cleaner (the first title-shaped line)."""
    text, encoding = decode_text(raw, source)
    if not text.strip():
        raise IngestError(source, "empty file (no text)")
    return RawDocument(source=source, kind="text", raw=raw, text=text, outlet=outlet, encoding=encoding)
