"""The Dask engine: spaCy loaded once per worker, bounded in-flight batches, input order, same export."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.model import RawDocument
from storyline.process import Prepared, prepare
from test_resume import export, invented_articles, storyline_command, write_jsonl

pytest.importorskip("distributed")

from storyline.engines import dask_engine

pytestmark = pytest.mark.slow


def prepared_batches(sizes: list[int]) -> list[list[Prepared]]:
    records = invented_articles(sum(sizes))
    docs = [
        prepare(
            RawDocument(
                source="mem",
                kind="jsonl",
                raw=r["text"].encode(),
                text=r["text"],
                title=r["title"],
                locator=str(i),
                metadata_date=r["date"],
            )
        )
        for i, r in enumerate(records)
    ]
    batches, start = [], 0
    for size in sizes:
        batches.append(docs[start : start + size])
        start += size
    return batches


@pytest.fixture(scope="module")
def runner() -> Iterator[dask_engine.DaskRunner]:
    run = dask_engine.DaskRunner(None, 2)
    yield run
    run.shutdown()


def test_local_cluster_has_two_single_threaded_worker_processes(runner: dask_engine.DaskRunner) -> None:
    assert runner.worker_threads() == 2
    assert len(runner.client.scheduler_info()["workers"]) == 2
    assert runner.in_flight == 4


def test_results_come_back_in_input_order(runner: dask_engine.DaskRunner) -> None:
    batches = prepared_batches([5, 1, 7, 2, 4, 3, 6])
    results = list(runner.run(iter(batches)))
    assert [b for b, _ in results] == batches
    for batch, analyzed in results:
        assert [a.article_id for a in analyzed] == [p.article_id for p in batch]
        assert all(a.analysis.text == p.cleaned.text for p, a in zip(batch, analyzed, strict=True))


def test_spacy_model_loaded_once_per_worker(runner: dask_engine.DaskRunner) -> None:
    list(runner.run(iter(prepared_batches([3] * 10))))
    loads = runner.client.run(dask_engine.model_loads)
    assert len(loads) == 2
    assert set(loads.values()) == {1}


def test_in_flight_batches_are_bounded(runner: dask_engine.DaskRunner) -> None:
    pulled = 0
    gaps = []

    def counting(batches: list[list[Prepared]]) -> Iterator[list[Prepared]]:
        nonlocal pulled
        for batch in batches:
            pulled += 1
            yield batch

    returned = 0
    for _ in runner.run(counting(prepared_batches([2] * 12))):
        returned += 1
        gaps.append(pulled - returned)
    assert returned == 12
    assert max(gaps) <= runner.in_flight - 1  # never more than in_flight batches out at once


def test_dask_engine_export_equals_local_engine(tmp_path: Path) -> None:
    inputs = write_jsonl(tmp_path / "courier.jsonl", invented_articles(40))
    feeds = Path(__file__).parent / "fixtures" / "feeds"
    exports = {}
    for engine in ("local", "dask"):
        db = str(tmp_path / f"{engine}.db")
        done = subprocess.run(
            storyline_command(
                "ingest",
                str(inputs),
                str(feeds),
                "--db",
                db,
                "--engine",
                engine,
                "--jobs",
                "2",
                "--batch-size",
                "8",
                "--quiet",
            ),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode in (0, 1), done.stderr  # 1: the feed item without text is rejected
        assert "harbour_gazette.rss@3" in done.stderr
        exports[engine] = export(db)
    assert exports["dask"].count('"kind": "jsonl"') == 40
    assert exports["dask"] == exports["local"]
