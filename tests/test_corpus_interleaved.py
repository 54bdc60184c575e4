"""Corpus stages run on full chunks while workers parse: the same results as one pass at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

import storyline.corpus.update as corpus_update
from storyline.pipeline import IngestOptions, in_flight_batches, ingest
from storyline.store import Store
from storyline.store import schema as t
from test_resume import export, invented_articles, write_jsonl

pytestmark = pytest.mark.slow


def test_interleaved_corpus_chunks_give_the_export_of_one_pass_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = write_jsonl(tmp_path / "courier.jsonl", invented_articles(40))
    calls: list[int] = []
    stored_then: list[int] = []
    original = corpus_update._process_chunk

    def counting(store, conn, stages, pending, report):  # type: ignore[no-untyped-def]
        calls.append(len(pending))
        stored_then.append(conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar())
        return original(store, conn, stages, pending, report)

    monkeypatch.setattr(corpus_update, "CHUNK", 8)
    monkeypatch.setattr(corpus_update, "_process_chunk", counting)
    exports = {}
    for jobs in (1, 2):
        calls.clear()
        stored_then.clear()
        db = str(tmp_path / f"jobs{jobs}.db")
        store = Store(db)
        report = ingest([str(inputs)], store, IngestOptions(jobs=jobs, batch_size=4))
        store.close()
        assert report.added == 40
        assert calls == [8] * 5  # the same chunks, whether run during the parse or at the end
        interleaved = min(stored_then) < 40
        assert interleaved == (jobs > 1)
        exports[jobs] = export(db)
    assert exports[1] == exports[2]


def test_enough_batches_in_flight_to_cover_a_chunk_of_corpus_work() -> None:
    options = IngestOptions(jobs=2, batch_size=64)
    assert in_flight_batches(options) * options.batch_size >= corpus_update.CHUNK
    assert in_flight_batches(IngestOptions(jobs=8, batch_size=1000)) == 16
