"""The store on a real PostgreSQL server: same schema, same export as SQLite, concurrent writers, search."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from pg import PostgresServer, pg_server, pg_url  # noqa: F401
from storyline.pipeline import IngestOptions, ingest
from storyline.store import Store
from storyline.store import queries as q
from storyline.store import schema as t
from storyline.store.migrations import current_version, migrate
from test_resume import export, invented_articles, storyline_command, write_jsonl

pytestmark = pytest.mark.postgres

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


UNDATED = {  # two undated articles joining a dated story: NULL dates must sort alike on both stores
    "undated-1.txt": (
        "Drummond Valley reservoir nearly empty as water limits bite\n\n"
        "The main reservoir of Drummond Valley is nearly empty, and farmers say the water limits are ruining "
        "their harvest.\n"
        '"Every household must cut its water use by a third," Water Minister Tomas Reyes repeated at a meeting '
        "with farmers in Drummond.\n"
    ),
    "undated-2.txt": (
        "Farmers and minister meet over Drummond Valley water limits\n\n"
        "Farmers from Drummond Valley met Water Minister Tomas Reyes to protest against the water limits imposed "
        "after the reservoir fell to a record low.\n"
        '"Nobody wants these limits," Tomas Reyes told the farmers.\n'
    ),
}


def small_corpus(folder: Path) -> Path:
    """Two invented feeds, 24 invented JSON Lines articles and two undated invented texts (33 articles)."""
    folder.mkdir(parents=True, exist_ok=True)
    for feed in FEEDS.iterdir():
        shutil.copy(feed, folder / feed.name)
    write_jsonl(folder / "courier.jsonl", invented_articles(24))
    for name, text in UNDATED.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def columns(engine: sa.Engine) -> dict[str, list[str]]:
    inspector = sa.inspect(engine)
    return {name: [c["name"] for c in inspector.get_columns(name)] for name in sorted(t.metadata.tables)}


def test_same_schema_and_migrations_as_sqlite(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    pg, lite = Store(pg_url), Store(str(tmp_path / "s.db"))
    try:
        assert pg.dialect == "postgresql"
        assert set(t.metadata.tables) <= set(sa.inspect(pg.engine).get_table_names())
        assert columns(pg.engine) == columns(lite.engine)
        with pg.engine.connect() as conn:
            assert current_version(conn) == t.SCHEMA_VERSION
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("articles")}
        assert {"ix_articles_fts", "ix_articles_pending", "ix_articles_published"} <= indexes
        assert migrate(pg.engine) == t.SCHEMA_VERSION  # a second run changes nothing
        again = Store(pg_url)
        assert again.count(t.meta) == 1
        again.close()
    finally:
        pg.close()
        lite.close()


def test_export_is_byte_for_byte_the_sqlite_export(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    corpus = small_corpus(tmp_path / "corpus")
    databases = {"sqlite": str(tmp_path / "s.db"), "postgresql": pg_url}
    for db in databases.values():
        store = Store(db)
        report = ingest([str(corpus)], store, IngestOptions(batch_size=8))
        assert report.added == 33
        store.close()
    exported = {name: export(db) for name, db in databases.items()}
    assert '"stories": [\n{' in exported["sqlite"]  # the corpus stages produced something to compare
    assert '"published": {"value": null' in exported["sqlite"]  # undated articles are part of the test
    assert exported["postgresql"] == exported["sqlite"]


def test_reingest_changes_nothing(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    corpus = small_corpus(tmp_path / "corpus")
    store = Store(pg_url)
    ingest([str(corpus)], store)
    before = export(pg_url)
    report = ingest([str(corpus)], store)
    store.close()
    assert (report.added, report.already_stored) == (0, 33)
    assert export(pg_url) == before


def test_two_concurrent_ingests_lose_and_duplicate_nothing(pg_server: PostgresServer, tmp_path: Path) -> None:  # noqa: F811
    records = invented_articles(120)
    first = write_jsonl(tmp_path / "first.jsonl", records[:80])
    second = write_jsonl(tmp_path / "second.jsonl", records[40:])  # 40 articles in both
    db = pg_server.create_database("concurrent")
    Store(db).close()  # schema first, so both writers start on the same footing
    processes = [
        subprocess.Popen(
            storyline_command("ingest", str(path), "--db", db, "--batch-size", "8", "--quiet"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second)
    ]
    try:
        outputs = [p.communicate(timeout=600) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    store = Store(db)
    try:
        assert store.count(t.articles) == 120
        assert store.pending_seqs() == []
        with store.engine.connect() as conn:
            urls = {r[0] for r in conn.execute(sa.select(t.articles.c.url))}
            sources = conn.execute(
                sa.select(t.article_sources.c.article_id, sa.func.count()).group_by(
                    t.article_sources.c.article_id
                )
            ).all()
            in_stories = conn.execute(sa.select(sa.func.count()).select_from(t.story_articles)).scalar_one()
    finally:
        store.close()
    assert urls == {r["url"] for r in records}
    assert sorted(n for _, n in sources).count(2) == 40  # the shared articles: one row per input file
    assert len(sources) == 120
    assert in_stories <= 120


def test_full_text_search_uses_postgres(pg_url: str, tmp_path: Path) -> None:  # noqa: F811
    corpus = small_corpus(tmp_path / "corpus")
    store = Store(pg_url)
    ingest([str(corpus)], store)
    try:
        with store.engine.connect() as conn:
            hits = q.search(conn, "reservoir")
            stemmed = q.search(conn, "protesting farmer")
            none = q.search(conn, "zeppelin")
    finally:
        store.close()
    assert {h["title"] for h in hits} == {
        "Drummond Valley reservoir falls to record low",
        "Farmers protest water limits in Drummond Valley",
        "Rain brings little relief to the valley",
        "Drummond Valley reservoir nearly empty as water limits bite",
        "Farmers and minister meet over Drummond Valley water limits",
    }
    assert all("[" in h["snippet"] and "]" in h["snippet"] for h in hits)
    assert {h["title"] for h in stemmed} == {
        "Farmers protest water limits in Drummond Valley",
        "Farmers and minister meet over Drummond Valley water limits",
    }
    assert none == []
