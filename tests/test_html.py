"""HTML ingestion: decoding, body and metadata extraction, dates, and clean refusals."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import storyline.ingest.html as html_reader
from storyline.ingest.errors import IngestError
from storyline.ingest.html import decode_html, outlet_name, read_html, split_http_head
from storyline.time.dateline import find_dateline

FIXTURES = Path(__file__).parent / "fixtures" / "html"
URL = "https://www.kestran-daily.example/world/quay"


def _page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_article_body_metadata_and_dates() -> None:
    raw = _page("article_dateline.html")
    doc = read_html(raw, "article_dateline.html", URL)
    assert doc.kind == "html" and doc.raw is raw and doc.source == "article_dateline.html"
    assert doc.title == "Harbour council approves the new quay"
    assert doc.outlet == "Kestran Daily"
    assert doc.url == URL
    assert doc.encoding == "utf-8"
    assert doc.extra.get("author") == "Mira Talvane"
    assert doc.metadata_date == "2019-03-03" and doc.html_date == "2019-03-03"
    lines = doc.text.split("\n")
    assert len(lines) >= 4  # one paragraph per line
    assert any(line.startswith("SELLA, March 3 /KESTRAN WIRE/.") for line in lines)
    assert "Privacy" not in doc.text and "Log in" not in doc.text  # navigation and footer left out
    dateline = find_dateline(doc.text)
    assert dateline is not None and dateline.date == "XXXX-03-03"


def test_meta_charset_latin1() -> None:
    doc = read_html(_page("latin1_charset.html"), "latin1_charset.html")
    assert doc.encoding == "cp1252"
    assert "approuvé" in doc.text and "\ufffd" not in doc.text
    assert doc.outlet == "Le Courrier de Sella"
    assert doc.html_date == "2019-03-03"  # htmldate reads it from the text


def test_utf8_bytes_labelled_latin1_are_read_as_utf8() -> None:
    page = (
        "<html><head><meta charset='iso-8859-1'><title>Quai</title></head><body><article>"
        "<p>Le conseil du port a approuvé dimanche la construction du nouveau quai, après deux années de débats "
        "très animés entre les élus et les habitants de la vieille ville.</p></article></body></html>"
    ).encode()
    doc = read_html(page, "mislabelled")
    assert doc.encoding == "utf-8" and "approuvé" in doc.text


def test_http_head_gives_the_charset() -> None:
    body = _page("latin1_charset.html").replace(
        b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', b""
    )
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\nServer: x\r\n\r\n" + body
    stripped, charset, content_type = split_http_head(raw)
    assert stripped == body and charset == "windows-1252" and content_type == "text/html"
    doc = read_html(raw, "warc-record")
    assert "approuvé" in doc.text and doc.raw is raw


def test_http_head_with_another_content_type_is_refused() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4"
    with pytest.raises(IngestError, match="not HTML: Content-Type application/pdf"):
        read_html(raw, "file.pdf")


def test_page_without_article_text() -> None:
    with pytest.raises(IngestError) as error:
        read_html(_page("no_article.html"), "no_article.html")
    assert error.value.reason == "HTML with no article text"
    assert error.value.source == "no_article.html"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "not HTML: empty input"),
        (b"   \n ", "not HTML: empty input"),
        (b"%PDF-1.4\x00\x01\x02\x03 binary stream", "not HTML: binary data"),
        (b"Just a few plain words, with no markup at all.", "not HTML: no HTML markup found"),
    ],
)
def test_bytes_that_are_not_html(raw: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as error:
        read_html(raw, "input")
    assert error.value.reason == reason


def test_library_failures_become_ingest_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("parser exploded")

    monkeypatch.setattr(html_reader.trafilatura, "bare_extraction", broken)
    with pytest.raises(IngestError, match="HTML extraction failed: ValueError: parser exploded"):
        read_html(_page("article_dateline.html"), "article_dateline.html")


def test_htmldate_failure_leaves_dates_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no dates today")

    monkeypatch.setattr(html_reader.htmldate, "find_date", broken)
    doc = read_html(_page("article_dateline.html"), "article_dateline.html")
    assert doc.html_date is None and doc.metadata_date is None and doc.text


def test_odd_pages_never_crash() -> None:
    rng = random.Random(7)
    words = " ".join(
        rng.choice(["harbour", "quay", "council", "vote", "ferry", "crossing"]) for _ in range(80)
    )
    pages = [
        b"<html><body>" + b"<div>" * 3000 + words.encode() + b"</div>" * 3000 + b"</body></html>",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>" + words.encode() + b"</p></body></html>",
        b"<html><body><p>" + bytes(rng.randrange(32, 256) for _ in range(3000)) + b"</p></body></html>",
        b"<html><head><meta charset='no-such-codec'></head><body><article><p>"
        + words.encode()
        + b"</p></article></body></html>",
        b"<p>unclosed <b>tags <i>everywhere " + words.encode(),
        b"<html>" + b"<script>var a = '<p>';</script>" * 50 + b"</html>",
    ]
    for page in pages:
        try:
            doc = read_html(page, "odd")
        except IngestError as error:
            assert error.reason
        else:
            assert doc.text.strip()


def test_utf16_page() -> None:
    page = _page("article_dateline.html").decode("utf-8").replace('<meta charset="utf-8">', "")
    doc = read_html(page.encode("utf-16"), "utf16")
    assert doc.encoding == "utf-16" and "SELLA, March 3" in doc.text


def test_decode_html_fallbacks() -> None:
    assert decode_html("caf\u00e9".encode("utf-16"))[1] == "utf-16"
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>") == ("<p>café</p>", "utf-8")
    text, encoding = decode_html("<p>Привет, как дела? Всё хорошо.</p>".encode("cp1251"))
    assert "Привет" in text and encoding


def test_outlet_name() -> None:
    assert outlet_name("Kestran Daily", URL) == "Kestran Daily"
    assert outlet_name(None, URL) == "kestran-daily.example"
    assert outlet_name("  ", "news.example.org/story") == "news.example.org"
    assert outlet_name(None, None) is None
