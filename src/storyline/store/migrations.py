"""Schema versions and the steps between them, for both dialects.

Version 1 creates every table of ``schema.metadata`` (so a new database gets the tables of
later versions at once; their steps then find them and create nothing). A later change adds a function to
``STEPS`` keyed by the version it produces; ``migrate`` runs the missing steps in order, in
one transaction, and records the version in ``meta``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storyline.store import schema as t


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Storyline."""


def _create_v1(conn: Connection) -> None:
    t.metadata.create_all(conn)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, tokenize='unicode61')"
        )
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles USING GIN "
            "(to_tsvector('english', coalesce(title, '') || ' ' || text))"
        )


def _create_v2(conn: Connection) -> None:
    """Version 2: the reuse index's tables and the story clusterer's kept features."""
    t.reuse_sketches.create(conn, checkfirst=True)
    t.reuse_bands.create(conn, checkfirst=True)
    t.story_features.create(conn, checkfirst=True)


def _create_v3(conn: Connection) -> None:
    """Version 3: the story clusterer's stories and document frequencies as rows (a saved whole-clusterer state is moved there
    by the next corpus update)."""
    t.story_state.create(conn, checkfirst=True)
    t.story_df.create(conn, checkfirst=True)


def _create_v4(conn: Connection) -> None:
    """Version 4: a quote's fragments (``parts``), so that a cue inside a quotation is not quoted."""
    if "parts" not in {c["name"] for c in sa.inspect(conn).get_columns("quotes")}:
        conn.exec_driver_sql("ALTER TABLE quotes ADD COLUMN parts JSON")


STEPS: dict[int, Callable[[Connection], None]] = {1: _create_v1, 2: _create_v2, 3: _create_v3, 4: _create_v4}


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table("meta"):
        return 0
    row = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def migrate(engine: Engine) -> int:
    """Bring the database to ``schema.SCHEMA_VERSION``; return the version."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(727000)"))
        version = current_version(conn)
        if version > t.SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"database schema version {version} is newer than this Storyline's ({t.SCHEMA_VERSION})"
            )
        for target in range(version + 1, t.SCHEMA_VERSION + 1):
            STEPS[target](conn)
        if version != t.SCHEMA_VERSION:
            conn.execute(sa.delete(t.meta).where(t.meta.c.key == "schema_version"))
            conn.execute(sa.insert(t.meta).values(key="schema_version", value=str(t.SCHEMA_VERSION)))
    return t.SCHEMA_VERSION
