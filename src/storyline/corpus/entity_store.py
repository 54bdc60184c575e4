"""The entity registry's side of the corpus stages: load it from the store, resolve articles, save it.

Each corpus entity is one row of ``entities`` (its full registry state in ``data``), so a chunk of
new articles rewrites only the entities it touched; the registry-wide part (redirects, ignored
names, per-article bookkeeping) is one ``corpus_state`` blob. User corrections are rules in
``entity_rules``, replayed after every run so they survive re-ingests.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.corpus.aliases import AliasBook, default_book
from storyline.corpus.entity_cache import EntityCache
from storyline.corpus.registry import STATE_VERSION, ArticleContext, CorpusEntity, EntityRegistry
from storyline.corpus.state import dump_state, load_state
from storyline.model import LocalEntity, Mention
from storyline.store import Store
from storyline.store import schema as t
from storyline.store.store import delete_in

STATE_NAME = "registry"


def display_type(data: dict[str, Any], fallback: str) -> str:
    """The type an alias file gave, else the NER label most often seen (PERSON, GPE, ...), else the registry's."""
    if data.get("book_name"):
        return {"PER": "PERSON"}.get(fallback, fallback)
    labels: dict[str, int] = data.get("labels") or {}
    return max(sorted(labels), key=lambda k: labels[k]) if labels else fallback


def alias_file() -> str | None:
    """The user's alias file: ``$STORYLINE_ALIASES`` (set by ``--aliases``), else ``./aliases.toml``."""
    path = os.environ.get("STORYLINE_ALIASES")
    if path:
        return path
    return "aliases.toml" if os.path.exists("aliases.toml") else None


def load_local_entities(
    conn: Connection, article_ids: list[str]
) -> dict[str, tuple[list[LocalEntity], list[Mention]]]:
    """The local entities and mentions of many articles, in two queries."""
    found: dict[str, tuple[list[LocalEntity], list[Mention]]] = {aid: ([], []) for aid in article_ids}
    le, m = t.local_entities, t.mentions
    for r in conn.execute(
        sa.select(le).where(le.c.article_id.in_(article_ids)).order_by(le.c.article_id, le.c.cluster)
    ):
        found[r.article_id][0].append(
            LocalEntity(cluster=r.cluster, name=r.name, label=r.label, titles=list(r.titles or []))
        )
    for r in conn.execute(
        sa.select(m).where(m.c.article_id.in_(article_ids)).order_by(m.c.article_id, m.c.idx)
    ):
        mentions = found[r.article_id][1]
        mentions.append(Mention(start=r.start, end=r.end, text=r.text, label=r.label, cluster=r.cluster))
    for locals_, mentions in found.values():
        by_cluster = {e.cluster: e for e in locals_}
        for i, mention in enumerate(mentions):
            if mention.cluster in by_cluster:
                by_cluster[mention.cluster].mentions.append(i)
    return found


def store_entity_ids(conn: Connection, assignments: list[tuple[str, int, str]]) -> None:
    """Write ``(article_id, cluster, entity_id)`` assignments in one statement."""
    if assignments:
        le = t.local_entities
        conn.execute(
            sa.update(le)
            .where(le.c.article_id == sa.bindparam("a_id"), le.c.cluster == sa.bindparam("a_cluster"))
            .values(entity_id=sa.bindparam("a_entity")),
            [{"a_id": a, "a_cluster": c, "a_entity": e} for a, c, e in assignments],
        )


#: Entities the corpus stage keeps in memory; the others are read back from ``entities`` when needed.
CACHED_ENTITIES = 5000


class EntityStage:
    """The registry plus the store rows it reads and writes.

    Its entities live in the store: a bounded cache holds those used lately, so memory stays flat
    as the corpus grows. ``conn`` is the connection of the chunk being processed.
    """

    def __init__(self, conn: Connection, aliases: AliasBook) -> None:
        self.conn = conn
        self.cache = EntityCache(loader=self._read_entity, size=CACHED_ENTITIES)
        self.registry = EntityRegistry(aliases, self.cache)

    def _read_entity(self, entity_id: str) -> CorpusEntity | None:
        data = self.conn.execute(sa.select(t.entities.c.data).where(t.entities.c.id == entity_id)).scalar()
        return CorpusEntity.from_dict(data) if data else None

    @classmethod
    def load(cls, store: Store, conn: Connection) -> EntityStage:
        """The registry as the store holds it: entities streamed once to build the name index."""
        aliases = default_book(alias_file())
        stage = cls(conn, aliases)
        blob = store.load_state(STATE_NAME, conn)
        if blob is not None:
            rows = conn.execute(
                sa.select(t.entities.c.data)
                .where(t.entities.c.redirect_to.is_(None))
                .order_by(t.entities.c.id)
            )
            state = {"version": STATE_VERSION, "meta": load_state(blob)}
            stage.registry = EntityRegistry.from_state(
                state, aliases, stage.cache, stream=(row.data for row in rows)
            )
        stage.registry.set_aliases(aliases)
        return stage

    def resolve_article(
        self,
        article: dict[str, Any],
        locals_: list[LocalEntity],
        mentions: list[Mention],
        story_id: str | None,
    ) -> dict[int, str]:
        """Resolve one article's local entities (with their mentions); return cluster -> entity id."""
        context = ArticleContext(
            article_id=article["id"], date=article["published"], outlet=article["outlet"], story_id=story_id
        )
        return self.registry.resolve(context, mentions, locals_)

    def save(self, store: Store, conn: Connection) -> None:
        """Write the entities touched since loading, the redirects, and the registry-wide state."""
        registry = self.registry
        changed = registry.changed_entities()
        rows, redirects = [], []
        for entity_id in changed:
            state = registry.entity_state(entity_id)
            if state is None:
                survivor = registry.canonical_id(entity_id)
                redirects.append((entity_id, survivor))
                rows.append(
                    {
                        "id": entity_id,
                        "name": "(merged)",
                        "type": "MISC",
                        "mention_count": 0,
                        "redirect_to": survivor,
                        "ignored": False,
                        "data": {},
                    }
                )
                continue
            rows.append(
                {
                    "id": entity_id,
                    "name": state["name"],
                    "type": display_type(state, state["type"]),
                    "mention_count": state["mention_count"],
                    "redirect_to": None,
                    "ignored": bool(state.get("ignored")),
                    "data": state,
                }
            )
        delete_in(conn, t.entities.c.id, changed)
        if rows:
            conn.execute(t.entities.insert(), rows)
        for old, survivor in redirects:
            conn.execute(
                sa.update(t.local_entities)
                .where(t.local_entities.c.entity_id == old)
                .values(entity_id=survivor)
            )
        registry.clear_changes()
        store.save_state(conn, STATE_NAME, dump_state(registry.meta_state()))
