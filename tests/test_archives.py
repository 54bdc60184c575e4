"""gzip and zip archives of every input kind read like the files they hold."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest

from storyline.ingest.errors import IngestError
from storyline.ingest.sources import Limits, iter_inputs
from storyline.model import RawDocument
from test_warc import build_warc

FIXTURES = Path(__file__).parent / "fixtures"
TEXT = (
    "Port Ellery opens night market\n\n"
    "PORT ELLERY, May 3 - The town opened its first night market on Friday, with forty stalls along the quay.\n"
    '"We hope it brings people back to the harbour," said Mayor Lina Ortiz.\n'
)
JSONL = (
    "\n".join(
        json.dumps({"title": title, "text": text, "date": day, "outlet": "Quay Weekly", "url": url})
        for title, text, day, url in [
            (
                "Night market draws crowds",
                "Thousands visited the new night market in Port Ellery on Saturday.",
                "2024-05-05",
                "https://quay.example/1",
            ),
            (
                "Market to run all summer",
                "The council said the night market would run every weekend until September.",
                "2024-05-12",
                "https://quay.example/2",
            ),
        ]
    )
    + "\n"
)


def kinds() -> dict[str, bytes]:
    """One input of each kind, by file name."""
    return {
        "market.txt": TEXT.encode(),
        "quay.jsonl": JSONL.encode(),
        "gazette.rss": (FIXTURES / "feeds" / "harbour_gazette.rss").read_bytes(),
        "valley.atom": (FIXTURES / "feeds" / "valley_post.atom").read_bytes(),
        "crawl.warc": build_warc(gzip=False),
        "bridge.html": (FIXTURES / "warc" / "bridge-inspection.html").read_bytes(),
    }


def read_all(path: Path) -> list[RawDocument | IngestError]:
    return list(iter_inputs([str(path)], Limits()))


def fingerprint(items: list[RawDocument | IngestError]) -> list[tuple[str, str | None, str | None, str]]:
    from storyline.process import article_id

    return [(article_id(d), d.kind, d.locator, d.text) for d in items if isinstance(d, RawDocument)]


@pytest.mark.parametrize("name", list(kinds()))
def test_gzip_of_each_kind_reads_like_the_plain_file(tmp_path: Path, name: str) -> None:
    data = kinds()[name]
    (tmp_path / name).write_bytes(data)
    (tmp_path / f"{name}.gz").write_bytes(gzip.compress(data))
    plain, packed = read_all(tmp_path / name), read_all(tmp_path / f"{name}.gz")
    assert fingerprint(plain), "the plain file gave no article"
    assert fingerprint(packed) == fingerprint(plain)
    assert {d.source for d in packed if isinstance(d, RawDocument)} == {str(tmp_path / f"{name}.gz")}


def test_zip_of_every_kind(tmp_path: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in kinds().items():
            zf.writestr(f"inputs/{name}", data)
        zf.writestr("inputs/crawl2.warc.gz", build_warc(gzip=True))
    path = tmp_path / "bundle.zip"
    path.write_bytes(archive.getvalue())
    items = read_all(path)
    docs = [d for d in items if isinstance(d, RawDocument)]
    by_member: dict[str, int] = {}
    for doc in docs:
        member = doc.source.split("!", 1)[1]
        by_member[member] = by_member.get(member, 0) + 1
    assert by_member == {
        "inputs/bridge.html": 1,
        "inputs/crawl.warc": 3,
        "inputs/crawl2.warc.gz": 3,
        "inputs/gazette.rss": 4,
        "inputs/market.txt": 1,
        "inputs/quay.jsonl": 2,
        "inputs/valley.atom": 3,
    }
    assert {d.source.split("!")[0] for d in docs} == {str(path)}
    # the feed's item without text is named inside the archive
    assert [e.source for e in items if isinstance(e, IngestError)] == [f"{path}!inputs/gazette.rss@3"]


def test_broken_gzip_is_named_and_other_files_go_on(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(JSONL.encode())[:40])
    (tmp_path / "b.txt").write_text(TEXT)
    items = read_all(tmp_path)
    errors = [e for e in items if isinstance(e, IngestError)]
    assert [e.source for e in errors] == [str(tmp_path / "a.jsonl.gz")]
    assert len([d for d in items if isinstance(d, RawDocument)]) == 1


def test_broken_member_of_a_zip_does_not_stop_the_others(tmp_path: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a-broken.warc.gz", gzip.compress(b"WARC/1.0\r\nnot a real record")[:30])
        zf.writestr("b.txt", TEXT)
    path = tmp_path / "mixed.zip"
    path.write_bytes(archive.getvalue())
    items = read_all(path)
    assert next(e.source.split("!")[1] for e in items if isinstance(e, IngestError)).startswith(
        "a-broken.warc.gz"
    )
    assert [d.source for d in items if isinstance(d, RawDocument)] == [f"{path}!b.txt"]
