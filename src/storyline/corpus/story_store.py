"""Articles' story features kept in the store (``story_features``) rather than in memory.

The clusterer keeps each article's pruned features to re-check members later (splits, moves,
orphan absorption). In a long-running corpus that is one record per article ever added: here
they are rows, written once, with a bounded cache of those used lately, so the corpus stage's
memory stays flat. ``conn`` is the connection of the chunk being processed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

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
        table = t.story_features
        self._c().execute(sa.delete(table).where(table.c.article_id == article_id))
        self._c().execute(table.insert().values(article_id=article_id, data=features.to_dict()))
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

    def __contains__(self, article_id: object) -> bool:
        if article_id in self._cache:
            return True
        table = t.story_features
        query = sa.select(table.c.article_id).where(table.c.article_id == article_id)
        return self._c().execute(query).first() is not None

    def __len__(self) -> int:
        return int(self._c().execute(sa.select(sa.func.count()).select_from(t.story_features)).scalar() or 0)

    def values(self) -> Iterator[ArticleFeatures]:
        for row in self._c().execute(
            sa.select(t.story_features.c.data).order_by(t.story_features.c.article_id)
        ):
            yield ArticleFeatures.from_dict(row.data)
