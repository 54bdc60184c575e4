"""The registry's entities by id: all in memory, or a bounded cache over the store's ``entities`` rows.

With a loader, entities not used lately are dropped from memory and read again (from their saved
``data``) when next needed, so the corpus stage's memory does not grow with the number of
entities. An entity changed since the last save is never dropped: ``dirty`` is the registry's
set of changed ids, and the caller saves them before :meth:`EntityCache.trim`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storyline.corpus.registry import CorpusEntity

Loader = Callable[[str], "CorpusEntity | None"]


class EntityCache:
    """A dict-like map of entity id -> entity; bounded when it has a ``loader``."""

    def __init__(self, loader: Loader | None = None, size: int = 5000) -> None:
        self.loader = loader
        self.size = size
        self._ids: set[str] = set()
        self._held: OrderedDict[str, CorpusEntity] = OrderedDict()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._ids) if self.loader else list(self._held))

    def __getitem__(self, entity_id: str) -> CorpusEntity:
        entity = self.get(entity_id)
        if entity is None:
            raise KeyError(entity_id)
        return entity

    def get(self, entity_id: str) -> CorpusEntity | None:
        entity = self._held.get(entity_id)
        if entity is not None:
            if self.loader:
                self._held.move_to_end(entity_id)
            return entity
        if entity_id not in self._ids or self.loader is None:
            return None
        entity = self.loader(entity_id)
        if entity is not None:
            self._held[entity_id] = entity
        return entity

    def __setitem__(self, entity_id: str, entity: CorpusEntity) -> None:
        self._ids.add(entity_id)
        self._held[entity_id] = entity
        if self.loader:
            self._held.move_to_end(entity_id)

    def __delitem__(self, entity_id: str) -> None:
        self._ids.discard(entity_id)
        self._held.pop(entity_id, None)

    def values(self) -> Iterator[CorpusEntity]:
        for entity_id in list(self):
            entity = self.get(entity_id)
            if entity is not None:
                yield entity

    def items(self) -> Iterator[tuple[str, CorpusEntity]]:
        for entity in self.values():
            yield entity.id, entity

    def trim(self, dirty: set[str]) -> None:
        """Drop the least recently used entities beyond ``size``, never one in ``dirty``."""
        if self.loader is None:
            return
        excess = len(self._held) - self.size
        for entity_id in list(self._held):
            if excess <= 0:
                break
            if entity_id not in dirty:
                del self._held[entity_id]
                excess -= 1
