"""The story clusterer's state in the store, as rows, so that a chunk of articles writes what it changed.

* Articles' kept features (``story_features``): the clusterer keeps each article's pruned features to
  re-check members later (splits, moves, orphan absorption). That is one record per article ever
  added: here they are rows, written once, with a bounded cache of those used lately, so the corpus
  stage's memory stays flat. ``conn`` is the connection of the chunk being processed.
* Stories (``story_state``): one row per live story (profile, members, arrivals) or merged-away id,
  rewritten only when the story changed; document frequencies (``story_df``): one row per term or
  entity, rewritten when its count changed; the rest (settings, clock, totals) is the small
  ``stories`` corpus-state blob.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.corpus.state import dump_state, load_state
from storyline.corpus.story_features import ArticleFeatures
from storyline.store import Store
from storyline.store import schema as t
from storyline.store.store import delete_in

if TYPE_CHECKING:
    from storyline.corpus.stories import StoryClusterer

STATE_NAME = "stories"


class StoredFeatures:
    """A dict-like map of article id -> kept features, backed by ``story_features``."""

    #: Features kept in memory.
    CACHE = 5000

    def __init__(self, conn: Connection | None = None) -> None:
        self.conn = conn
        self._cache: OrderedDict[str, ArticleFeatures] = OrderedDict()

    def _c(self) -> Connection:
        if self.conn is None:
            raise RuntimeError("StoredFeatures used without a connection")
        return self.conn

    def _remember(self, article_id: str, features: ArticleFeatures) -> None:
        self._cache[article_id] = features
        self._cache.move_to_end(article_id)
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)

    def __setitem__(self, article_id: str, features: ArticleFeatures) -> None:
        """Write an article's features (once: the clusterer adds an article only once)."""
        self._c().execute(t.story_features.insert().values(article_id=article_id, data=features.to_dict()))
        self._remember(article_id, features)

    def __getitem__(self, article_id: str) -> ArticleFeatures:
        found = self._cache.get(article_id)
        if found is not None:
            self._cache.move_to_end(article_id)
            return found
        table = t.story_features
        data = self._c().execute(sa.select(table.c.data).where(table.c.article_id == article_id)).scalar()
        if data is None:
            raise KeyError(article_id)
        features = ArticleFeatures.from_dict(data)
        self._remember(article_id, features)
        return features


def load_clusterer(store: Store, conn: Connection) -> StoryClusterer:
    """The story clusterer as the store holds it (a new one for a new corpus).

    A store written before stories were rows holds the whole clusterer in its blob: it is read, and
    every story is written as a row by the next :func:`save_clusterer`.
    """
    from storyline.corpus.stories import StoryClusterer

    features = StoredFeatures(conn)
    blob = store.load_state(STATE_NAME, conn)
    if blob is None:
        return StoryClusterer(features=features)
    state = load_state(blob)
    if state.get("version", 2) < 3:
        clusterer = StoryClusterer.from_state(state, features=features)
        clusterer.mark_all_changed()
        return clusterer
    table = t.story_state
    stories, redirects = [], {}
    for row in conn.execute(sa.select(table)):
        if row.redirect_to is not None:
            redirects[row.story_id] = row.redirect_to
        else:
            stories.append(row.data)
    stories.sort(key=lambda item: (item["created_seq"], item["id"]))
    df = t.story_df
    df_rows = conn.execute(sa.select(df.c.kind, df.c.key, df.c.count, df.c.snapshot))
    return StoryClusterer.from_rows(state, stories, redirects, (tuple(r) for r in df_rows), features=features)


def save_clusterer(store: Store, conn: Connection, clusterer: StoryClusterer) -> None:
    """Write the stories changed since the last save, and the clusterer's core state."""
    live, gone = clusterer.take_changes()
    changed = sorted(live) + sorted(gone)
    table = t.story_state
    delete_in(conn, table.c.story_id, changed)
    rows = [{"story_id": sid, "redirect_to": None, "data": data} for sid, data in live.items()]
    rows += [{"story_id": sid, "redirect_to": survivor, "data": None} for sid, survivor in gone.items()]
    if rows:
        conn.execute(table.insert(), rows)
    _save_frequencies(conn, clusterer.df.take_changes())
    store.save_state(conn, STATE_NAME, dump_state(clusterer.core_state()))


def _save_frequencies(conn: Connection, rows: list[tuple[int, str, int, int | None]]) -> None:
    """Replace the document-frequency rows of the keys that changed."""
    df = t.story_df
    for kind in (0, 1):
        delete_in(conn, df.c.key, [key for k, key, _, _ in rows if k == kind], df.c.kind == kind)
    if rows:
        conn.execute(
            df.insert(), [{"kind": k, "key": key, "count": n, "snapshot": snap} for k, key, n, snap in rows]
        )
