"""Turn command-line inputs (files, folders, globs, ``-``) into raw documents.

Each input kind has its reader; containers (gzip, zip) are opened and their members read
by kind. Readers yield ``RawDocument`` or ``IngestError``: one bad input never stops a batch.
"""

from __future__ import annotations

import glob
import gzip
import io
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storyline.ingest.errors import IngestError
from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.text import read_text
from storyline.model import RawDocument

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
WARC_SUFFIXES = {".warc"}
SKIPPED_NAMES = {"README.md", "SOURCE.md", ".DS_Store"}


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits that turn a runaway input into a clear error."""

    max_article_bytes: int = 10 * 1024 * 1024  # one text or HTML article
    max_container_bytes: int = 4 * 1024**3  # a JSON Lines, feed, WARC or archive file


def iter_inputs(
    inputs: Iterable[str], limits: Limits | None = None, stdin: io.BufferedReader | None = None
) -> Iterator[RawDocument | IngestError]:
    """Expand each input and read every file it names."""
    limits = limits or Limits()
    for spec in inputs:
        if spec == "-":
            data = (stdin or sys.stdin.buffer).read()
            yield from read_bytes(data, "<stdin>", "<stdin>", limits)
            continue
        files = list(_expand(spec))
        if not files:
            yield IngestError(spec, "no such file, folder or matching glob")
        for path, root in files:
            yield from read_file(path, limits, outlet=_outlet_from_folder(path, root))


def _expand(spec: str) -> Iterator[tuple[Path, Path | None]]:
    path = Path(spec)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            if child.name not in SKIPPED_NAMES and not any(part.startswith(".") for part in child.parts):
                yield child, path
    elif path.exists():
        yield path, None
    elif any(ch in spec for ch in "*?["):
        for match in sorted(glob.glob(spec, recursive=True)):
            if Path(match).is_file():
                yield Path(match), None


def _outlet_from_folder(path: Path, root: Path | None) -> str | None:
    """A file inside a subfolder of a given folder takes the subfolder's name as its outlet."""
    if root is None or path.parent == root:
        return None
    name = path.parent.name.replace("_", " ").replace("-", " ").strip()
    return name.title() if name else None


def read_file(path: Path, limits: Limits, outlet: str | None = None) -> Iterator[RawDocument | IngestError]:
    """Read one file of any supported kind."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_container_bytes:
            yield IngestError(
                source,
                f"file is {size / 1e6:.1f} MB, over the {limits.max_container_bytes / 1e6:.0f} MB limit",
            )
            return
        data = path.read_bytes()
    except OSError as error:
        yield IngestError(source, f"cannot read file ({error.strerror or error})")
        return
    for item in read_bytes(data, source, path.name, limits):
        if isinstance(item, RawDocument) and item.outlet is None:
            item.outlet = outlet
        yield item


def read_bytes(data: bytes, source: str, name: str, limits: Limits) -> Iterator[RawDocument | IngestError]:
    """Dispatch bytes to the reader for their kind (by name, else by content)."""
    lower = name.lower()
    if lower.endswith(".zip") or data[:4] == b"PK\x03\x04":
        yield from _read_zip(data, source, limits)
        return
    if lower.endswith(".gz") or data[:2] == b"\x1f\x8b":
        if lower.endswith((".warc.gz", ".arc.gz")):
            yield from _reader_for("warc")(data, source)
            return
        try:
            inner = _gunzip(data, limits)
        except (OSError, EOFError, ValueError) as error:
            yield IngestError(source, f"broken gzip file ({error})")
            return
        yield from read_bytes(inner, source, lower.removesuffix(".gz"), limits)
        return
    kind = kind_of(lower, data)
    if not data.strip():
        yield IngestError(source, "empty file")
        return
    if kind in ("text", "html") and len(data) > limits.max_article_bytes:
        yield IngestError(
            source,
            f"file is {len(data) / 1e6:.1f} MB, over the {limits.max_article_bytes / 1e6:.0f} MB limit for one article",
        )
        return
    try:
        if kind == "text":
            yield read_text(data, source)
        elif kind == "html":
            from storyline.ingest.html import read_html

            yield read_html(data, source)
        else:
            yield from _reader_for(kind)(data, source)
    except IngestError as error:
        yield error


def kind_of(name: str, data: bytes) -> str:
    """The input kind from the file name, else from the first bytes."""
    suffix = Path(name).suffix
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in WARC_SUFFIXES:
        return "warc"
    if suffix in TEXT_SUFFIXES:
        return "text"
    head = data[:2048].lstrip().lower()
    if head.startswith(b"warc/"):
        return "warc"
    if suffix in FEED_SUFFIXES or head.startswith(b"<?xml"):
        if b"<rss" in head or b"<feed" in head or b"<rdf" in head:
            return "feed"
        return "html" if b"<html" in head else "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    return "text"


def _reader_for(kind: str) -> Callable[[bytes, str], Iterator[RawDocument | IngestError]]:
    if kind == "jsonl":
        return read_jsonl
    if kind == "feed":
        from storyline.ingest.feeds import read_feed

        return read_feed
    if kind == "warc":
        from storyline.ingest.warc import read_warc

        return read_warc
    raise ValueError(kind)


def _gunzip(data: bytes, limits: Limits) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
        inner = handle.read(limits.max_container_bytes + 1)
    if len(inner) > limits.max_container_bytes:
        raise ValueError("decompressed size over the limit")
    return inner


def _read_zip(data: bytes, source: str, limits: Limits) -> Iterator[RawDocument | IngestError]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        yield IngestError(source, f"broken zip file ({error})")
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.is_dir() or Path(info.filename).name in SKIPPED_NAMES:
                continue
            member = f"{source}!{info.filename}"
            if info.file_size > limits.max_container_bytes:
                yield IngestError(member, "archive member over the size limit")
                continue
            yield from read_bytes(archive.read(info), member, info.filename, limits)
