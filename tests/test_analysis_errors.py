"""An extractor failing on one article costs that article only: it is named, and the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

import storyline.process as process
from storyline.pipeline import IngestOptions, ingest
from storyline.store import Store
from storyline.store import schema as t
from storyline.time.timex import tag_timexes


def test_failing_article_is_named_and_the_others_are_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [
        {
            "title": f"Harbour report {i}",
            "text": f"The Marlow harbour board met on Monday, report number {i}.",
            "date": "2021-03-0" + str(i + 1),
        }
        for i in range(5)
    ]
    records[2]["text"] = "POISON " + records[2]["text"]
    path = tmp_path / "courier.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    original = process.analyze_doc

    def fragile(prepared, doc):  # type: ignore[no-untyped-def]
        if "POISON" in doc.text:
            raise RuntimeError("extractor bug")
        return original(prepared, doc)

    monkeypatch.setattr(process, "analyze_doc", fragile)
    errors = []
    store = Store(str(tmp_path / "s.db"))
    report = ingest([str(path)], store, IngestOptions(batch_size=5), on_error=errors.append)
    assert report.added == 4
    assert [(e.source, e.reason) for e in report.rejected] == [
        (f"{path}@3", "analysis failed (RuntimeError: extractor bug); the article was not stored")
    ]
    assert errors == report.rejected
    with store.engine.connect() as conn:
        titles = sorted(conn.execute(sa.select(t.articles.c.title)).scalars())
    assert titles == [f"Harbour report {i}" for i in (0, 1, 3, 4)]
    store.close()


@pytest.mark.parametrize("text", ["It rose 500000 weeks ago.", "Prices were lower 5000000 months ago."])
def test_offsets_off_the_calendar_are_not_normalized_and_never_crash(text: str) -> None:
    assert all(not t.value.startswith("-") for t in tag_timexes(text, "1987-03-01"))
