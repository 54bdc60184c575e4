"""Read one HTML page: decode it, extract the article body and metadata (trafilatura) and its date (htmldate).

- Encoding: a byte-order mark, the HTTP ``Content-Type`` header when the bytes start with an HTTP
  response head, ``<meta charset>``, then UTF-8, then charset-normalizer's guess.
- Body: ``trafilatura.bare_extraction`` without comments, favouring precision (its default settings when
  that finds fewer than ``MIN_WORDS`` words); one paragraph per line.
- Dates: ``html_date`` is htmldate's full reading (markup, then text heuristics) and ``metadata_date``
  its reading of the page's date markup only (``extensive_search=False``); both with
  ``original_date=True``, which is the best setting on the MediaCloud pages (see docs/dates.md).
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import htmldate
import trafilatura
from charset_normalizer import from_bytes

from storyline.ingest.decode import looks_binary
from storyline.ingest.errors import IngestError
from storyline.model import RawDocument

#: htmldate settings: the full reading and the markup-only reading.
HTMLDATE_FULL: dict[str, Any] = {"original_date": True, "extensive_search": True}
HTMLDATE_MARKUP: dict[str, Any] = {"original_date": True, "extensive_search": False}

NO_TEXT = "HTML with no article text"

_HTTP_HEAD = re.compile(rb"^HTTP/\d(?:\.\d)? \d{3}")
_HEAD_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE | re.DOTALL
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_MARKUP = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|div|p|article|main|section|span|table|title|meta|br|h[1-6])\b",
    re.IGNORECASE,
)
#: Python codec names of labels that pages often put on bytes that are in fact UTF-8.
_OFTEN_MISLABELLED = {"iso8859-1", "ascii", "cp1252"}
#: Fewer words than this is no article ("Please enable JavaScript.").
MIN_WORDS = 8

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def read_html(raw: bytes, source: str, url: str | None = None) -> RawDocument:
    """One HTML page as a RawDocument (``kind="html"``); IngestError when it is no HTML or has no article."""
    body, header_charset, content_type = split_http_head(raw)
    if content_type and "html" not in content_type and "xml" not in content_type:
        raise IngestError(source, f"not HTML: Content-Type {content_type}")
    if not body.strip():
        raise IngestError(source, "not HTML: empty input")
    utf16 = body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if looks_binary(body) and not utf16:
        raise IngestError(source, "not HTML: binary data")
    page, encoding = decode_html(body, header_charset)
    if not _MARKUP.search(page[:200_000]):
        raise IngestError(source, "not HTML: no HTML markup found")
    document = _extract(page, source, url)
    text = _paragraph_lines(document.get("text") or "")
    page_url = url or document.get("url")
    sitename = document.get("sitename")
    return RawDocument(
        source=source,
        kind="html",
        raw=raw,
        text=text,
        title=(document.get("title") or "").strip() or None,
        url=page_url,
        outlet=outlet_name(sitename, page_url or document.get("hostname")),
        metadata_date=find_page_date(page, page_url, HTMLDATE_MARKUP),
        html_date=find_page_date(page, page_url, HTMLDATE_FULL),
        encoding=encoding,
        extra={
            key: document[key]
            for key in ("author", "sitename", "description", "language", "date")
            if document.get(key)
        },
    )


def split_http_head(raw: bytes) -> tuple[bytes, str | None, str | None]:
    """Strip an HTTP response head (as in WARC records); return the body, its charset and content type."""
    if not _HTTP_HEAD.match(raw):
        return raw, None, None
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(separator)
        if index >= 0:
            head, body = raw[:index], raw[index + len(separator) :]
            break
    else:
        return b"", None, None
    content_type = None
    charset = None
    for line in head.splitlines():
        if line.lower().startswith(b"content-type:"):
            content_type = line.split(b":", 1)[1].split(b";")[0].strip().decode("ascii", "replace").lower()
            found = _HEAD_CHARSET.search(line)
            charset = found.group(1).decode("ascii", "replace") if found else None
    return body, charset, content_type


def decode_html(body: bytes, header_charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes; return ``(text, encoding)``. Never fails: the last resort replaces bad bytes."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            try:
                return body.decode(name), name.removesuffix("-sig")
            except UnicodeDecodeError:
                break
    declared = [header_charset] if header_charset else []
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            declared.append(found.group(1).decode("ascii", "replace"))
    for name in declared:
        codec = _codec(name)
        if codec is None:
            continue
        if codec in _OFTEN_MISLABELLED:
            # Pages labelled Latin-1 are very often UTF-8 in fact; UTF-8 never decodes Latin-1 text by chance.
            try:
                return body.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                codec = "cp1252"
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    return body.decode("utf-8", errors="replace"), "utf-8"


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _extract(page: str, source: str, url: str | None) -> dict[str, Any]:
    """trafilatura favouring precision (less boilerplate); its default settings when that finds too little."""
    for favor_precision in (True, False):
        try:
            found = trafilatura.bare_extraction(
                page,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                favor_precision=favor_precision,
            )
        except Exception as error:  # trafilatura and lxml raise many kinds on odd pages
            raise IngestError(source, f"HTML extraction failed: {type(error).__name__}: {error}") from error
        if found is not None:
            document = found.as_dict() if hasattr(found, "as_dict") else dict(found)
            if _word_count(document.get("text")) >= MIN_WORDS:
                return document
    raise IngestError(source, NO_TEXT)


def _word_count(text: str | None) -> int:
    return len(re.findall(r"\w+", text or ""))


def _paragraph_lines(text: str) -> str:
    """One paragraph per line: trim each line, drop empty ones."""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def find_page_date(page: str, url: str | None, options: dict[str, Any]) -> str | None:
    """htmldate's reading of the page (``YYYY-MM-DD``), None when it finds none or fails."""
    try:
        found = htmldate.find_date(page, url=url, **options)
    except Exception:  # htmldate must never stop ingestion
        return None
    return found or None


def outlet_name(sitename: str | None, url: str | None) -> str | None:
    """The site name, else the URL's host without ``www.``."""
    if sitename and sitename.strip():
        return sitename.strip()
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    host = re.sub(r"^www\d*\.", "", host)
    return host or None
