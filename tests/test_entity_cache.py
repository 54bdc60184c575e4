"""The registry's bounded entity cache: entities dropped from memory come back from the store unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

import storyline.corpus.entity_store as entity_store
import storyline.corpus.update as corpus_update
from storyline.corpus.entity_cache import EntityCache
from storyline.corpus.registry import CorpusEntity
from storyline.pipeline import ingest
from storyline.store import Store
from storyline.store import schema as t

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"


def test_cache_drops_the_least_recently_used_clean_entities_and_reads_them_back() -> None:
    saved = {f"e{i}": CorpusEntity(id=f"e{i}", name=f"Name {i}", type="PER") for i in range(4)}
    reads: list[str] = []

    def load(entity_id: str) -> CorpusEntity | None:
        reads.append(entity_id)
        return CorpusEntity.from_dict(saved[entity_id].to_dict())

    cache = EntityCache(loader=load, size=2)
    for entity in saved.values():
        cache[entity.id] = entity
    cache.get("e0")  # used lately: kept
    cache.trim(dirty={"e1"})  # e1 changed and not saved: kept too
    assert len(cache) == 4 and reads == []
    assert cache["e2"].name == "Name 2" and reads == ["e2"]  # dropped, read back
    assert cache.get("e1") is saved["e1"] and cache.get("e0") is saved["e0"]
    del cache["e3"]
    assert "e3" not in cache and cache.get("e3") is None and len(cache) == 3


def test_memory_cache_without_loader_keeps_everything_in_insertion_order() -> None:
    cache = EntityCache()
    for name in ("b", "a", "c"):
        cache[name] = CorpusEntity(id=name, name=name, type="ORG")
    cache.trim(dirty=set())
    assert list(cache) == ["b", "a", "c"] and [e.id for e in cache.values()] == ["b", "a", "c"]


def entity_rows(db: str) -> tuple[list[tuple], list[tuple]]:
    store = Store(db)
    with store.engine.connect() as conn:
        entities = [tuple(r) for r in conn.execute(sa.select(t.entities).order_by(t.entities.c.id))]
        links = [
            tuple(r)
            for r in conn.execute(
                sa.select(
                    t.local_entities.c.article_id, t.local_entities.c.cluster, t.local_entities.c.entity_id
                ).order_by(t.local_entities.c.article_id, t.local_entities.c.cluster)
            )
        ]
    store.close()
    return entities, links


@pytest.mark.slow
def test_a_tiny_cache_resolves_the_samples_exactly_as_an_unbounded_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_update, "CHUNK", 4)
    results = []
    for size in (100_000, 2):
        monkeypatch.setattr(entity_store, "CACHED_ENTITIES", size)
        db = str(tmp_path / f"cache{size}.db")
        store = Store(db)
        ingest([str(EXAMPLES)], store)
        store.close()
        results.append(entity_rows(db))
    assert results[0][0] and results[0] == results[1]
