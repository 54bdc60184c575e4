"""The store: SQLite by default (WAL, one file), PostgreSQL with a ``postgresql://`` URL.

All writes go through ``Store.transaction()``: a crash mid-run leaves the last committed
state, and a re-run picks up where it stopped (articles already stored are skipped; articles
not yet through the corpus stages are marked ``corpus_done = false`` and are taken up again).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storyline.store import schema as t
from storyline.store.migrations import migrate

DEFAULT_DB = "storyline.db"


class StoreError(RuntimeError):
    """The database cannot be opened or is of an unknown schema."""


def engine_for(db: str) -> Engine:
    """An engine for a SQLite path or a database URL."""
    if "://" in db:
        url = db
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        elif url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        return sa.create_engine(url, pool_pre_ping=True)
    path = Path(db)
    if path.parent and not path.parent.exists():
        raise StoreError(f"{db}: folder {path.parent} does not exist")
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 60})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    return engine


class Store:
    """Typed access to the database; one instance per process."""

    def __init__(self, db: str = DEFAULT_DB) -> None:
        self.db = db
        self.engine = engine_for(db)
        self.dialect = self.engine.dialect.name
        try:
            migrate(self.engine)
        except sa.exc.OperationalError as error:
            raise StoreError(f"{db}: cannot open database ({error.orig})") from None

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one transaction: committed on success, rolled back on error.

        On PostgreSQL the transaction holds an advisory lock: concurrent ingests into one
        database write one batch at a time, each seeing the articles the others committed.
        """
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(727002)"))
            yield conn

    @contextmanager
    def corpus_lock(self) -> Iterator[Connection]:
        """A transaction that holds the corpus-stage lock (one writer of corpus records at a time)."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(727001)"))
            else:
                conn.exec_driver_sql("SELECT 1")  # SQLite: the first write takes the database lock
            yield conn

    # ---- reads -------------------------------------------------------------------------
    def known_ids(self, ids: Iterable[str], conn: Connection | None = None) -> set[str]:
        ids = list(ids)
        if not ids:
            return set()
        found: set[str] = set()
        with self._conn(conn) as c:
            for chunk in _chunks(ids, 500):
                rows = c.execute(sa.select(t.articles.c.id).where(t.articles.c.id.in_(chunk)))
                found.update(r[0] for r in rows)
        return found

    def outlet_boilerplate(self, outlet: str, minimum: int) -> set[str]:
        """Fingerprints of short lines seen in at least ``minimum`` articles of ``outlet``."""
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(t.outlet_lines.c.fingerprint).where(
                    t.outlet_lines.c.outlet == outlet, t.outlet_lines.c.articles >= minimum
                )
            )
            return {r[0] for r in rows}

    def outlet_line_counts(self, outlet: str, keys: Iterable[str]) -> dict[str, int]:
        keys = list(keys)
        counts: dict[str, int] = {}
        with self.engine.connect() as c:
            for chunk in _chunks(keys, 500):
                rows = c.execute(
                    sa.select(t.outlet_lines.c.fingerprint, t.outlet_lines.c.articles).where(
                        t.outlet_lines.c.outlet == outlet, t.outlet_lines.c.fingerprint.in_(chunk)
                    )
                )
                counts.update({r[0]: r[1] for r in rows})
        return counts

    def count(self, table: sa.Table) -> int:
        with self.engine.connect() as c:
            return int(c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    def pending_seqs(self) -> list[int]:
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(t.articles.c.seq)
                .where(t.articles.c.corpus_done.is_(False))
                .order_by(t.articles.c.seq)
            )
            return [r[0] for r in rows]

    def load_state(self, name: str, conn: Connection | None = None) -> bytes | None:
        with self._conn(conn) as c:
            row = c.execute(sa.select(t.corpus_state.c.state).where(t.corpus_state.c.name == name)).first()
            return bytes(row[0]) if row else None

    # ---- writes ------------------------------------------------------------------------
    def save_state(self, conn: Connection, name: str, state: bytes) -> None:
        conn.execute(sa.delete(t.corpus_state).where(t.corpus_state.c.name == name))
        conn.execute(sa.insert(t.corpus_state).values(name=name, state=state))

    def add_outlet_lines(self, conn: Connection, outlet: str, counts: dict[str, int]) -> None:
        """Add per-article counts of short-line fingerprints for an outlet."""
        if not counts:
            return
        existing = {}
        for chunk in _chunks(list(counts), 500):
            rows = conn.execute(
                sa.select(t.outlet_lines.c.fingerprint, t.outlet_lines.c.articles).where(
                    t.outlet_lines.c.outlet == outlet, t.outlet_lines.c.fingerprint.in_(chunk)
                )
            )
            existing.update({r[0]: r[1] for r in rows})
        new = [
            {"outlet": outlet, "fingerprint": k, "articles": n}
            for k, n in counts.items()
            if k not in existing
        ]
        if new:
            conn.execute(sa.insert(t.outlet_lines), new)
        for key, n in counts.items():
            if key in existing:
                conn.execute(
                    sa.update(t.outlet_lines)
                    .where(t.outlet_lines.c.outlet == outlet, t.outlet_lines.c.fingerprint == key)
                    .values(articles=existing[key] + n)
                )

    def insert_ignore(self, conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows, skipping those whose primary key exists (safe with concurrent writers)."""
        if not rows:
            return
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            conn.execute(pg_insert(table).on_conflict_do_nothing(), list(rows))
        else:
            conn.execute(sa.insert(table).prefix_with("OR IGNORE"), list(rows))

    def index_text(self, conn: Connection, rows: Sequence[tuple[int, str, str]]) -> None:
        """Add ``(seq, title, text)`` rows to the full-text index."""
        if self.dialect == "sqlite" and rows:
            conn.exec_driver_sql(
                "INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)", [tuple(r) for r in rows]
            )

    @contextmanager
    def _conn(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with self.engine.connect() as c:
                yield c


def delete_in(
    conn: Connection, column: sa.Column[Any], values: Sequence[Any], *also: sa.ColumnElement[bool]
) -> None:
    """Delete the rows of ``column``'s table whose ``column`` is among ``values`` (and match ``also``),
    in statements of at most 500 values."""
    for part in _chunks(values, 500):
        conn.execute(sa.delete(column.table).where(column.in_(part), *also))


def raw_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
