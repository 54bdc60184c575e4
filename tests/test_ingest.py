"""Readers and input expansion: kinds, encodings, bad inputs named with their reason."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from storyline.ingest.decode import decode_text, looks_binary
from storyline.ingest.errors import IngestError
from storyline.ingest.jsonl import read_jsonl
from storyline.ingest.sources import Limits, iter_inputs, kind_of
from storyline.model import RawDocument

ARTICLE = "Talks resume\n\nThe two ministers met in Sella on Tuesday and agreed to meet again in May.\n"


def _docs(items: list[RawDocument | IngestError]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def _errors(items: list[RawDocument | IngestError]) -> list[IngestError]:
    return [i for i in items if isinstance(i, IngestError)]


def test_utf8_text_file_is_read_with_its_bytes_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    (doc,) = list(iter_inputs([str(path)]))
    assert isinstance(doc, RawDocument)
    assert doc.kind == "text" and doc.encoding == "utf-8"
    assert doc.raw == ARTICLE.encode("utf-8")
    assert "Sella on Tuesday" in doc.text


@pytest.mark.parametrize(
    ("encoding", "sample"),
    [
        ("latin-1", "Zoë Müller, the café owner in Señora Street, said the naïve plan failed. " * 3),
        ("cp1251", "Президент Кестрании Дмитрий Иванов прибыл в столицу во вторник утром. " * 3),
    ],
)
def test_legacy_encodings_are_detected(encoding: str, sample: str) -> None:
    text, found = decode_text(sample.encode(encoding), "x.txt")
    assert text == sample
    assert found != "utf-8"


def test_binary_bytes_are_rejected_with_reason() -> None:
    raw = bytes(range(256)) * 4
    assert looks_binary(raw)
    with pytest.raises(IngestError, match="binary"):
        decode_text(raw, "blob.bin")


def test_bad_inputs_each_get_one_clear_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (11 * 1024 * 1024 // 5))
    missing = tmp_path / "missing.txt"
    items = list(iter_inputs([str(empty), str(binary), str(big), str(missing), str(good)]))
    errors = {Path(e.source).name: e.reason for e in _errors(items)}
    assert "empty" in errors["empty.txt"]
    assert "binary" in errors["image.txt"]
    assert "MB" in errors["big.txt"] and "limit" in errors["big.txt"]
    assert "no such file" in errors["missing.txt"]
    assert [d.source for d in _docs(items)] == [str(good)]


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE * 100, encoding="utf-8")
    items = list(iter_inputs([str(path)], Limits(max_article_bytes=1000)))
    assert _errors(items) and "limit" in _errors(items)[0].reason


def test_jsonl_keeps_unknown_fields_and_skips_a_malformed_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "text": ARTICLE,
                "title": "Talks",
                "url": "https://x.example/1",
                "date": "2019-03-05",
                "outlet": "Wire",
                "section": "World",
                "author": "A. Writer",
            }
        ),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps({"text": "Second article body with enough words to be an article.", "outlet": "Wire"}),
    ]
    items = list(read_jsonl("\n".join(lines).encode(), "feed.jsonl"))
    docs, errors = _docs(items), _errors(items)
    assert len(docs) == 2
    assert docs[0].extra == {"section": "World", "author": "A. Writer"}
    assert docs[0].metadata_date == "2019-03-05" and docs[0].outlet == "Wire" and docs[0].title == "Talks"
    assert docs[0].locator == "1" and docs[1].locator == "4"
    assert [e.source for e in errors] == ["feed.jsonl:2", "feed.jsonl:3"]
    assert "malformed JSON" in errors[0].reason
    assert "no 'text' or 'html'" in errors[1].reason


def test_folders_are_read_recursively_and_subfolders_name_the_outlet(tmp_path: Path) -> None:
    (tmp_path / "north-wire").mkdir()
    (tmp_path / "north-wire" / "one.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "two.txt").write_text(ARTICLE.replace("May", "June"), encoding="utf-8")
    docs = _docs(list(iter_inputs([str(tmp_path)])))
    outlets = {Path(d.source).name: d.outlet for d in docs}
    assert outlets == {"one.txt": "North Wire", "two.txt": None}


def test_globs_and_stdin(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.md"):
        (tmp_path / name).write_text(ARTICLE + name, encoding="utf-8")
    docs = _docs(list(iter_inputs([str(tmp_path / "*.txt")])))
    assert sorted(Path(d.source).name for d in docs) == ["a.txt", "b.txt"]
    stdin = io.BytesIO(ARTICLE.encode())
    (doc,) = _docs(list(iter_inputs(["-"], stdin=stdin)))  # type: ignore[arg-type]
    assert doc.source == "<stdin>"


def test_gzip_member_is_read_by_its_inner_kind(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"text": ARTICLE}).encode()))
    (doc,) = _docs(list(iter_inputs([str(path)])))
    assert doc.kind == "jsonl"


@pytest.mark.parametrize(
    ("name", "head", "kind"),
    [
        ("x.txt", b"hello", "text"),
        ("x", b"<!DOCTYPE html><html>", "html"),
        ("x", b'{"text": "a"}', "jsonl"),
        ("x.xml", b'<?xml version="1.0"?><rss version="2.0">', "feed"),
        ("x", b"WARC/1.0\r\n", "warc"),
    ],
)
def test_kind_by_name_or_content(name: str, head: bytes, kind: str) -> None:
    assert kind_of(name, head) == kind
