"""WARC (and ARC) crawl files, plain or gzip-compressed: one article per HTML response record.

Only ``response`` records with HTTP status 200 and an HTML content type are read; requests,
metadata, revisits, redirects and non-HTML payloads are skipped silently. Each page goes
through ``storyline.ingest.html.read_html``; the record keeps its target URI as ``url`` and
its ``WARC-Date`` as ``crawl_date`` -- the time the page was fetched, an upper bound for the
publication date and never the date itself. A bad record is reported as
``IngestError("<source>@<offset>", reason)`` and skipped; reading resumes at the next record.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Generator, Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from storyline.ingest.errors import IngestError
from storyline.model import RawDocument

HTML_TYPES = ("text/html", "application/xhtml+xml")
FILE_HEADERS = (b"WARC/", b"filedesc://")  # a WARC record, an ARC file header
MAX_PAGE_BYTES = 10 * 1024 * 1024  # same as ingest.sources.Limits.max_article_bytes
MAX_WARC_BYTES = 4 * 1024**3  # same as ingest.sources.Limits.max_container_bytes
_GZIP_MEMBER = re.compile(rb"\x1f\x8b\x08")
_WARC_HEADER = re.compile(rb"(?:^|\n)(?:WARC/1\.[01]\r?\n)")


def read_warc(raw: bytes, source: str) -> Iterator[RawDocument | IngestError]:
    """Yield one RawDocument per HTML response record, or an IngestError per bad record.

    Locators are record offsets in the file; for a WARC gzipped as one whole stream (not record
    by record, so not seekable), offsets in the decompressed stream.
    """
    if raw[:2] == b"\x1f\x8b" and not _is_multi_member(raw):
        try:
            raw = _gunzip(raw)
        except (OSError, EOFError, ValueError, zlib.error) as error:
            yield IngestError(f"{source}@0", f"broken gzip stream ({_short(error)})")
            return
    if not _head(raw).lstrip().startswith(FILE_HEADERS):
        yield IngestError(f"{source}@0", "not a WARC or ARC file (it does not start with a WARC/1.x record)")
        return
    start: int | None = 0
    while start is not None:
        resume = yield from _read_from(raw, source, start)
        start = resume if resume is not None and resume > start else None


def _read_from(raw: bytes, source: str, start: int) -> Generator[RawDocument | IngestError, None, int | None]:
    """Read records from ``start``; on a framing error, report it and return where to resume (or None)."""
    stream = io.BytesIO(raw)
    stream.seek(start)
    records = ArchiveIterator(stream, arc2warc=True)
    try:
        for record in records:
            item = _article(record, source, records.offset)
            if item is not None:
                yield item
    except Exception as error:
        offset = max(records.offset, start)  # the start of the record that failed
        yield IngestError(f"{source}@{offset}", f"broken WARC record ({_short(error)})")
        return _next_record_start(raw, offset)
    if raw[records.offset :].strip():
        yield IngestError(f"{source}@{records.offset}", "truncated WARC record at the end of the file")
    return None


def _is_multi_member(raw: bytes) -> bool:
    """True for a record-by-record gzip (the WARC standard); False for one gzip stream over the whole file."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    position = 0
    try:
        while not inflater.eof and position < len(raw):
            inflater.decompress(raw[position : position + (1 << 16)], 1 << 20)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            position += 1 << 16
    except zlib.error:
        return True  # a broken first member: let the record reader name it
    return bool(inflater.unused_data.strip(b"\x00")) or (inflater.eof and position < len(raw))


def _gunzip(raw: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
        data = handle.read(MAX_WARC_BYTES + 1)
    if len(data) > MAX_WARC_BYTES:
        raise ValueError("decompressed size over the limit")
    return data


def _article(record: Any, source: str, offset: int) -> RawDocument | IngestError | None:
    """The article of one record, None for a record that holds no HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    headers = record.http_headers
    if headers.get_statuscode() != "200":
        return None
    content_type = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        return None
    where = f"{source}@{offset}"
    try:
        payload = record.content_stream().read(MAX_PAGE_BYTES + 1)
    except Exception as error:
        return IngestError(where, f"unreadable HTTP payload ({_short(error)})")
    while record.raw_stream.read(1 << 16):
        pass
    if getattr(record.raw_stream, "limit", 0) > 0:
        return IngestError(where, "truncated WARC record (shorter than its Content-Length)")
    if len(payload) > MAX_PAGE_BYTES:
        return IngestError(where, f"HTML page over the {MAX_PAGE_BYTES / 1e6:.0f} MB limit for one article")
    if not payload.strip():
        return IngestError(where, "empty HTML page")
    url = record.rec_headers.get_header("WARC-Target-URI")
    from storyline.ingest.html import read_html

    # read_html takes the charset from an HTTP head (it outranks <meta charset>, as in browsers)
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {headers.get_header('Content-Type')}\r\n\r\n"
    try:
        doc = read_html(head.encode("latin-1", "replace") + payload, where, url)
    except IngestError as error:
        return error
    doc.source, doc.kind, doc.locator, doc.raw = source, "warc", str(offset), payload
    doc.url = url or doc.url
    doc.crawl_date = record.rec_headers.get_header("WARC-Date")
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if record_id:
        doc.extra["warc_record_id"] = record_id
    return doc


def _head(raw: bytes) -> bytes:
    """The first bytes of the file, decompressed when it is gzip."""
    if raw[:2] != b"\x1f\x8b":
        return raw[:64]
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw[:4096], 64)
    except zlib.error:
        return b""


def _next_record_start(raw: bytes, after: int) -> int | None:
    """Where the next record may start after a broken one: the next gzip member or WARC header line."""
    pattern = _GZIP_MEMBER if raw[:2] == b"\x1f\x8b" else _WARC_HEADER
    match = pattern.search(raw, after + 1)
    if match is None:
        return None
    return match.start() + (1 if match.group().startswith(b"\n") else 0)


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 160 else text[:157] + "..."
