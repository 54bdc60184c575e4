"""The store: schema, migrations, SQLite by default and PostgreSQL as an option."""

from storyline.store.store import DEFAULT_DB, Store, StoreError

__all__ = ["DEFAULT_DB", "Store", "StoreError"]
