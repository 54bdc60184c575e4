"""WARC input: HTML responses only, target URI and crawl date kept, bad records named and skipped."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest.errors import IngestError
from storyline.ingest.sources import Limits, iter_inputs
from storyline.ingest.warc import read_warc
from storyline.model import RawDocument

PAGES = Path(__file__).parent / "fixtures" / "warc"
PAGE_NAMES = ("bridge-inspection.html", "reservoir-plan.html", "school-opening.html")


def _response(writer: WARCWriter, url: str, body: bytes, status: str, content_type: str, when: str) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": when}
    )
    writer.write_record(record)


class _SameBytesWriter(WARCWriter):
    """A WARC writer whose record ids and default dates are fixed, so a crawl is the same bytes on
    every run (the damage of a broken-record test lands on the same bytes each time)."""

    def __init__(self, out: io.BytesIO, gzip: bool) -> None:
        super().__init__(out, gzip=gzip)
        self._records = 0

    def _make_warc_id(self) -> str:
        self._records += 1
        return f"<urn:uuid:00000000-0000-4000-8000-{self._records:012d}>"

    def curr_warc_date(self) -> str:
        return "2024-09-01T05:00:00Z"


def build_warc(gzip: bool) -> bytes:
    """A small crawl: three article pages among records that are not articles."""
    out = io.BytesIO()
    writer = _SameBytesWriter(out, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "storyline tests"}))
    request = StatusAndHeaders("GET /bridge HTTP/1.1", [("Host", "coastline.example")], is_http_request=True)
    writer.write_record(
        writer.create_warc_record("https://coastline.example/bridge", "request", http_headers=request)
    )
    for day, name in enumerate(PAGE_NAMES, start=1):
        charset = "iso-8859-1" if name.startswith("school") else "utf-8"
        _response(
            writer,
            f"https://coastline.example/{name.removesuffix('.html')}",
            (PAGES / name).read_bytes(),
            "200 OK",
            f"text/html; charset={charset}",
            f"2024-09-0{day}T06:00:00Z",
        )
        if day == 1:
            _response(
                writer,
                "https://coastline.example/logo.png",
                b"\x89PNG\r\n\x1a\n",
                "200 OK",
                "image/png",
                "2024-09-01T06:00:01Z",
            )
            _response(
                writer,
                "https://coastline.example/missing",
                b"<html><body>Not found</body></html>",
                "404 Not Found",
                "text/html",
                "2024-09-01T06:00:02Z",
            )
            _response(
                writer,
                "https://coastline.example/old",
                b"",
                "301 Moved Permanently",
                "text/html",
                "2024-09-01T06:00:03Z",
            )
    return out.getvalue()


def articles(items: list[RawDocument | IngestError]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_reads_only_html_responses_with_url_and_crawl_date(gzip: bool) -> None:
    data = build_warc(gzip)
    items = list(read_warc(data, "crawl.warc"))
    assert not [i for i in items if isinstance(i, IngestError)]
    docs = articles(items)
    assert [d.url for d in docs] == [
        f"https://coastline.example/{n.removesuffix('.html')}" for n in PAGE_NAMES
    ]
    assert [d.crawl_date for d in docs] == [
        "2024-09-01T06:00:00Z",
        "2024-09-02T06:00:00Z",
        "2024-09-03T06:00:00Z",
    ]
    for doc, name in zip(docs, PAGE_NAMES, strict=True):
        assert doc.kind == "warc"
        assert doc.source == "crawl.warc"
        assert doc.raw == (PAGES / name).read_bytes()
        assert doc.metadata_date != doc.crawl_date  # a crawl time is an upper bound, never the date
        assert doc.extra["warc_record_id"].startswith("<urn:uuid:")
    assert "Helen Marsh" in docs[0].text
    assert "école" in docs[2].text  # an ISO-8859-1 page decoded right


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_locator_is_the_record_offset(gzip: bool) -> None:
    data = build_warc(gzip)
    for doc in articles(list(read_warc(data, "crawl.warc"))):
        offset = int(doc.locator or "-1")
        again = articles(list(read_warc(data[offset:], "crawl.warc")))
        assert again[0].url == doc.url


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_a_broken_record_is_named_and_the_rest_goes_on(gzip: bool) -> None:
    data = build_warc(gzip)
    offsets = [int(d.locator or 0) for d in articles(list(read_warc(data, "crawl.warc")))]
    broken = bytearray(data)
    middle = offsets[1]
    if gzip:
        broken[middle + 12 : middle + 40] = b"\x00" * 28  # damage the compressed member
    else:
        broken[middle : middle + 8] = b"XXXX/1.0"  # damage the record's version line
    items = list(read_warc(bytes(broken), "crawl.warc"))
    errors = [i for i in items if isinstance(i, IngestError)]
    assert [e.source for e in errors] == [f"crawl.warc@{middle}"]
    assert "broken WARC record" in errors[0].reason
    assert [d.url for d in articles(items)] == [
        "https://coastline.example/bridge-inspection",
        "https://coastline.example/school-opening",
    ]


def test_truncated_file_keeps_the_complete_records() -> None:
    data = build_warc(gzip=True)
    offsets = [int(d.locator or 0) for d in articles(list(read_warc(data, "crawl.warc.gz")))]
    items = list(read_warc(data[: offsets[2] + 50], "crawl.warc.gz"))
    assert len(articles(items)) == 2
    assert [e.source for e in items if isinstance(e, IngestError)] == [f"crawl.warc.gz@{offsets[2]}"]


def test_not_a_warc_is_one_named_error() -> None:
    items = list(read_warc(b"this is not a crawl file\n", "notes.warc"))
    assert len(items) == 1
    assert isinstance(items[0], IngestError)
    assert items[0].source == "notes.warc@0"


def test_files_are_dispatched_by_name_and_ids_are_stable(tmp_path: Path) -> None:
    from storyline.process import article_id

    (tmp_path / "a.warc").write_bytes(build_warc(gzip=False))
    (tmp_path / "b.warc.gz").write_bytes(build_warc(gzip=True))
    docs = articles(list(iter_inputs([str(tmp_path)], Limits())))
    assert len(docs) == 6
    by_file: dict[str, list[str]] = {}
    for doc in docs:
        by_file.setdefault(Path(doc.source).name, []).append(article_id(doc))
    assert by_file["a.warc"] == by_file["b.warc.gz"]  # same pages, same ids, compressed or not
    assert len(set(by_file["a.warc"])) == 3


def test_http_charset_is_used_to_decode_the_page() -> None:
    text = (
        "<html><body><article><p>Die alte Brücke wurde am Dienstag gesperrt, nachdem Prüfer Risse gefunden "
        "hatten. „Wir gehen kein Risiko ein“, sagte die Bürgermeisterin.</p></article></body></html>"
    )
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    _response(
        writer,
        "https://zeitung.example/bruecke",
        text.encode("cp1252"),
        "200 OK",
        "text/html; charset=windows-1252",
        "2024-09-01T06:00:00Z",
    )
    (doc,) = articles(list(read_warc(out.getvalue(), "de.warc")))
    assert codecs.lookup(doc.encoding or "").name == "cp1252"  # the header's, not a guess
    assert "„Wir gehen kein Risiko ein“" in doc.text
    assert doc.raw == text.encode("cp1252")  # raw stays the payload, without the HTTP head


def test_reingest_changes_nothing_and_keeps_the_crawl_date(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from storyline.export import write_json
    from storyline.pipeline import ingest
    from storyline.store import Store
    from storyline.store import schema as t

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(build_warc(gzip=True))
    store = Store(str(tmp_path / "s.db"))
    first = ingest([str(path)], store)
    before = io.StringIO()
    write_json(store, before)
    again = ingest([str(path)], store)
    after = io.StringIO()
    write_json(store, after)
    with store.engine.connect() as conn:
        stored = conn.execute(
            sa.select(t.articles.c.url, t.articles.c.crawl_date, t.articles.c.metadata_date)
        ).all()
    store.close()
    assert (first.added, again.added, again.already_stored) == (3, 0, 3)
    assert after.getvalue() == before.getvalue()
    assert sorted((url, crawl) for url, crawl, _ in stored) == [
        ("https://coastline.example/bridge-inspection", "2024-09-01T06:00:00Z"),
        ("https://coastline.example/reservoir-plan", "2024-09-02T06:00:00Z"),
        ("https://coastline.example/school-opening", "2024-09-03T06:00:00Z"),
    ]
    assert all(metadata != crawl for _, crawl, metadata in stored)
