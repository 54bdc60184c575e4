"""Decode bytes of plain text: UTF-8 first, then a detected legacy encoding (cp1251, latin-1, ...)."""

from __future__ import annotations

import unicodedata

from charset_normalizer import CharsetMatch, from_bytes

from storyline.ingest.errors import IngestError

#: Encodings by how common they are on the web: the tie-break between equally good guesses.
_COMMON_ENCODINGS = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1251",
    "koi8_r",
    "cp1250",
    "iso8859_2",
    "shift_jis",
    "gb18030",
)

#: Share of control characters above which bytes are taken for a binary file.
_BINARY_CONTROL_SHARE = 0.05
_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f", "\v"}


def looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KiB."""
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and chr(b) not in _ALLOWED_CONTROLS)
    return bool(head) and controls / len(head) > _BINARY_CONTROL_SHARE


def decode_text(raw: bytes, source: str) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise IngestError for binary or undecodable bytes."""
    if looks_binary(raw):
        raise IngestError(source, "binary file, not text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(raw, source)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")), encoding


def _decode_legacy(raw: bytes, source: str) -> tuple[str, str]:
    best = _best_guess(raw)
    if best is None or best.encoding is None:
        raise IngestError(source, "undecodable text: no character encoding fits the bytes")
    text = str(best)
    if _garbled(text):
        raise IngestError(source, f"undecodable text: best guess {best.encoding} gives garbled characters")
    return text, best.encoding


def _garbled(text: str) -> bool:
    """Many replacement or private-use characters mean a wrong guess."""
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cs", "Cc"))
    bad -= sum(text.count(c) for c in _ALLOWED_CONTROLS)
    return bad / len(text) > 0.02


def _best_guess(raw: bytes) -> CharsetMatch | None:
    """charset-normalizer's best match; among equally good ones, the most common web encoding."""
    results = list(from_bytes(raw))
    if not results:
        return None
    top = results[0]
    tied = [m for m in results if m.chaos == top.chaos and m.coherence == top.coherence]

    def rank(match: CharsetMatch) -> int:
        name = match.encoding
        return _COMMON_ENCODINGS.index(name) if name in _COMMON_ENCODINGS else len(_COMMON_ENCODINGS)

    return min(tied, key=rank)
