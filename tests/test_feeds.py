"""RSS and Atom feeds: one article per item, dates as written, bad items named and skipped."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from storyline.ingest.errors import IngestError
from storyline.ingest.feeds import published_day, read_feed
from storyline.ingest.sources import Limits, iter_inputs
from storyline.model import RawDocument

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
RSS = FEEDS / "harbour_gazette.rss"
ATOM = FEEDS / "valley_post.atom"


def read(path: Path) -> list[RawDocument | IngestError]:
    return list(read_feed(path.read_bytes(), str(path)))


def test_rss_items_become_articles_in_feed_order() -> None:
    items = read(RSS)
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [d.locator for d in docs] == ["0", "1", "2", "4"]
    first = docs[0]
    assert first.kind == "feed"
    assert first.title == "Port Ellery bridge closed after cracks found"
    assert first.url == "https://gazette.example/2024/03/bridge-closed"
    assert first.outlet == "The Harbour Gazette"
    assert first.crawl_date is None
    # content:encoded (full text) wins over the one-line description, one line per paragraph
    assert first.text.splitlines()[0].startswith("PORT ELLERY, March 5 - The old harbour bridge")
    assert len(first.text.splitlines()) == 3
    assert '"We cannot take any risk with people\'s lives," Mayor Lina Ortiz' in first.text


def test_rss_date_is_the_day_as_written_not_shifted_to_utc() -> None:
    docs = [i for i in read(RSS) if isinstance(i, RawDocument)]
    # "Tue, 05 Mar 2024 23:30:00 -0500" is already March 6 in UTC
    assert docs[0].metadata_date == "2024-03-05"
    assert [d.metadata_date for d in docs] == ["2024-03-05", "2024-03-07", "2024-03-20", "2024-04-09"]


def test_escaped_html_summary_is_turned_into_text() -> None:
    budget = [i for i in read(RSS) if isinstance(i, RawDocument)][3]
    assert "<b>" not in budget.text and "&lt;" not in budget.text
    assert "Work will begin in May, Mayor Lina Ortiz said." in budget.text


def test_item_without_text_is_named_and_skipped() -> None:
    errors = [i for i in read(RSS) if isinstance(i, IngestError)]
    assert [e.source for e in errors] == [f"{RSS}@3"]
    assert "no content or summary" in errors[0].reason


def test_raw_is_the_item_bytes() -> None:
    docs = [i for i in read(RSS) if isinstance(i, RawDocument)]
    assert docs[0].raw.startswith(b"<item>") and docs[0].raw.endswith(b"</item>")
    assert b"bridge-closed" in docs[0].raw and b"ferries-added" not in docs[0].raw


def test_atom_entries() -> None:
    docs = [i for i in read(ATOM) if isinstance(i, RawDocument)]
    assert [d.title for d in docs] == [
        "Drummond Valley reservoir falls to record low",
        "Farmers protest water limits in Drummond Valley",
        "Rain brings little relief to the valley",
    ]
    assert {d.outlet for d in docs} == {"Drummond Valley Post"}
    assert docs[0].url == "https://valleypost.example/reservoir-low"
    assert docs[0].metadata_date == "2024-06-30"  # 22:10 at -07:00, July 1 in UTC
    assert docs[0].extra["feed_item_id"] == "urn:example:valley-post:1"
    assert docs[0].text.splitlines()[1].startswith('"Every household must cut its water use')
    assert docs[0].raw.startswith(b"<entry>")


def test_updated_is_not_a_publication_date() -> None:
    rain = [i for i in read(ATOM) if isinstance(i, RawDocument)][2]
    assert rain.metadata_date is None
    assert rain.extra["feed_updated"] == "2024-07-09T12:00:00Z"


@pytest.mark.parametrize("data", [b"<html><body><p>a web page</p></body></html>", b"\x00\x01 not xml"])
def test_not_a_feed_is_one_named_error(data: bytes) -> None:
    items = list(read_feed(data, "page.xml"))
    assert len(items) == 1
    assert isinstance(items[0], IngestError)
    assert items[0].source == "page.xml"


@pytest.mark.parametrize(
    ("stated", "day"),
    [
        ("Tue, 05 Mar 2024 23:30:00 -0500", "2024-03-05"),
        ("Wed, 06 Mar 2024 01:00:00 +0900", "2024-03-06"),
        ("2024-06-30T22:10:00-07:00", "2024-06-30"),
        ("2024-07-01T05:10:00Z", "2024-07-01"),
        ("2024-07-01", "2024-07-01"),
    ],
)
def test_published_day(stated: str, day: str) -> None:
    assert published_day({"published": stated}) == day


def test_published_day_unknown() -> None:
    assert published_day({}) is None
    assert published_day({"published": "sometime soon"}) is None


def test_feed_files_through_sources_keep_the_feed_title_as_outlet(tmp_path: Path) -> None:
    folder = tmp_path / "some_folder"
    folder.mkdir()
    shutil.copy(RSS, folder / "gazette.xml")  # .xml: recognised as a feed by its content
    shutil.copy(ATOM, folder / "valley.atom")
    items = list(iter_inputs([str(tmp_path)], Limits()))
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert len(docs) == 7
    assert {d.outlet for d in docs} == {"The Harbour Gazette", "Drummond Valley Post"}
    assert sum(isinstance(i, IngestError) for i in items) == 1


def test_ids_are_stable_across_reads() -> None:
    from storyline.process import article_id

    first = [article_id(d) for d in read(RSS) if isinstance(d, RawDocument)]
    second = [article_id(d) for d in read(RSS) if isinstance(d, RawDocument)]
    assert first == second
    assert len(set(first)) == 4


def test_reingest_changes_nothing(tmp_path: Path) -> None:
    import io

    from storyline.export import write_json
    from storyline.pipeline import ingest
    from storyline.store import Store

    store = Store(str(tmp_path / "s.db"))
    first = ingest([str(FEEDS)], store)
    before = io.StringIO()
    write_json(store, before)
    again = ingest([str(FEEDS)], store)
    after = io.StringIO()
    write_json(store, after)
    store.close()
    assert (first.added, len(first.rejected)) == (7, 1)
    assert (again.added, again.already_stored) == (0, 7)
    assert after.getvalue() == before.getvalue()
