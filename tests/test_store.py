"""The store: schema version and migrations, WAL, transactions that leave a consistent database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from storyline.store import Store, StoreError
from storyline.store import schema as t
from storyline.store.migrations import SchemaTooNewError, current_version


def test_new_database_gets_the_current_schema_version_and_wal(db_path: str) -> None:
    store = Store(db_path)
    with store.engine.connect() as conn:
        assert current_version(conn) == t.SCHEMA_VERSION
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        tables = set(sa.inspect(conn).get_table_names())
    assert {
        "articles",
        "quotes",
        "entities",
        "stories",
        "timeline_entries",
        "reuse",
        "articles_fts",
    } <= tables


def test_reopening_does_not_migrate_again(db_path: str) -> None:
    Store(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("INSERT INTO meta(key, value) VALUES ('marker', 'kept')")
    store = Store(db_path)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == "marker")).scalar() == "kept"


def test_a_newer_schema_is_refused_with_a_clear_error(db_path: str) -> None:
    Store(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(SchemaTooNewError, match="newer"):
        Store(db_path)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(str(tmp_path / "nope" / "x.db"))


def test_a_failed_transaction_leaves_nothing_behind(db_path: str) -> None:
    store = Store(db_path)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(t.entity_rules.insert().values(op="merge", args={"a": 1}, created_at="now"))
        raise RuntimeError("crash mid-write")
    assert store.count(t.entity_rules) == 0


def test_insert_ignore_skips_existing_keys(db_path: str) -> None:
    store = Store(db_path)
    row = {"article_id": "a_1", "source": "x.txt", "locator": ""}
    with store.transaction() as conn:
        store.insert_ignore(conn, t.article_sources, [row])
    with store.transaction() as conn:
        store.insert_ignore(conn, t.article_sources, [row, {**row, "source": "y.txt"}])
    assert store.count(t.article_sources) == 2


def test_a_version_3_database_gets_the_quote_parts_column(db_path: str) -> None:
    Store(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("ALTER TABLE quotes DROP COLUMN parts")
        raw.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    store = Store(db_path)
    with store.engine.connect() as conn:
        assert current_version(conn) == 4
        assert "parts" in {c["name"] for c in sa.inspect(conn).get_columns("quotes")}
