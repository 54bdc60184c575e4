"""The entity registry's side of the corpus stages: load it from the store, resolve articles, save it.

Each corpus entity is one row of ``entities`` (its full registry state in ``data``), so a chunk of
new articles rewrites only the entities it touched; the registry-wide part (redirects, ignored
names, per-article bookkeeping) is one ``corpus_state`` blob. User corrections are rules in
``entity_rules``, replayed after every run so they survive re-ingests.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.corpus.aliases import default_book
from storyline.corpus.registry import STATE_VERSION, ArticleContext, EntityRegistry
from storyline.corpus.state import dump_state, load_state
from storyline.model import LocalEntity, Mention
from storyline.store import Store
from storyline.store import schema as t

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


class EntityStage:
    """The registry plus the store rows it reads and writes."""

    def __init__(self, registry: EntityRegistry) -> None:
        self.registry = registry

    @classmethod
    def load(cls, store: Store, conn: Connection) -> EntityStage:
        blob = store.load_state(STATE_NAME, conn)
        aliases = default_book(alias_file())
        if blob is None:
            registry = EntityRegistry(aliases)
        else:
            entities = {
                row.id: row.data
                for row in conn.execute(
                    sa.select(t.entities.c.id, t.entities.c.data).where(t.entities.c.redirect_to.is_(None))
                )
            }
            state = {"version": STATE_VERSION, "entities": entities, "meta": load_state(blob)}
            registry = EntityRegistry.from_state(state, aliases)
        registry.set_aliases(aliases)
        return cls(registry)

    def resolve_article(
        self, conn: Connection, article: dict[str, Any], story_id: str | None = None
    ) -> dict[str, int]:
        """Resolve one article's local entities; store their entity ids; return entity id -> mentions."""
        aid = article["id"]
        locals_ = [
            LocalEntity(cluster=r.cluster, name=r.name, label=r.label, titles=list(r.titles or []))
            for r in conn.execute(
                sa.select(t.local_entities)
                .where(t.local_entities.c.article_id == aid)
                .order_by(t.local_entities.c.cluster)
            )
        ]
        mentions = [
            Mention(start=r.start, end=r.end, text=r.text, label=r.label, cluster=r.cluster)
            for r in conn.execute(
                sa.select(t.mentions).where(t.mentions.c.article_id == aid).order_by(t.mentions.c.idx)
            )
        ]
        for i, mention in enumerate(mentions):
            for entity in locals_:
                if entity.cluster == mention.cluster:
                    entity.mentions.append(i)
        context = ArticleContext(
            article_id=aid, date=article["published"], outlet=article["outlet"], story_id=story_id
        )
        mapping = self.registry.resolve(context, mentions, locals_)
        for cluster, entity_id in mapping.items():
            conn.execute(
                sa.update(t.local_entities)
                .where(t.local_entities.c.article_id == aid, t.local_entities.c.cluster == cluster)
                .values(entity_id=entity_id)
            )
        counts: Counter[str] = Counter()
        for mention in mentions:
            if mention.entity_id:
                counts[mention.entity_id] += 1
        return dict(counts)

    def save(self, store: Store, conn: Connection) -> None:
        """Write the entities touched since loading, the redirects, and the registry-wide state."""
        registry = self.registry
        for entity_id in registry.changed_entities():
            state = registry.entity_state(entity_id)
            conn.execute(sa.delete(t.entities).where(t.entities.c.id == entity_id))
            if state is None:
                survivor = registry.canonical_id(entity_id)
                conn.execute(
                    t.entities.insert().values(
                        id=entity_id,
                        name="(merged)",
                        type="MISC",
                        mention_count=0,
                        redirect_to=survivor,
                        ignored=False,
                        data={},
                    )
                )
                conn.execute(
                    sa.update(t.local_entities)
                    .where(t.local_entities.c.entity_id == entity_id)
                    .values(entity_id=survivor)
                )
                continue
            conn.execute(
                t.entities.insert().values(
                    id=entity_id,
                    name=state["name"],
                    type=display_type(state, state["type"]),
                    mention_count=state["mention_count"],
                    redirect_to=None,
                    ignored=bool(state.get("ignored")),
                    data=state,
                )
            )
        registry.clear_changes()
        store.save_state(conn, STATE_NAME, dump_state(registry.meta_state()))
