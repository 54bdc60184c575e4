"""Articles' story features kept in the store (``story_features``) rather than in memory.

The clusterer keeps each article's pruned features to re-check members later (splits, moves,
orphan absorption). In a long-running corpus that is one record per article ever added: here
they are rows, written once, with a bounded cache of those used lately, so the corpus stage's
memory stays flat. ``conn`` is the connection of the chunk being processed.
"""

from __future__ import annotations

from collections import OrderedDict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.corpus.story_features import ArticleFeatures
from storyline.store import schema as t


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
