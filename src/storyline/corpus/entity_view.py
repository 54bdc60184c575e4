"""One entity seen across the corpus: mentions over time, stories, quotes by and about it, other names."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.store import queries as q
from storyline.store import schema as t


def entity_view(conn: Connection, entity: dict[str, Any]) -> dict[str, Any]:
    """Everything the entity page and ``storyline entity`` show."""
    entity_id = entity["id"]
    mentions = q.entity_mentions(conn, entity_id)
    by_year: Counter[str] = Counter((m["published"] or "XXXX")[:4] for m in mentions)
    article_ids = sorted({m["article_id"] for m in mentions})
    story_ids = sorted({s for s in (q.article_story(conn, a) for a in article_ids) if s})
    stories = []
    for story_id in story_ids:
        row = conn.execute(
            sa.select(t.stories.c.id, t.stories.c.title).where(t.stories.c.id == story_id)
        ).first()
        if row:
            stories.append({"id": row.id, "title": row.title})
    quotes = q.list_quotes(conn)
    by = [x for x in quotes if (x.get("speaker") or {}).get("entity_id") == entity_id]
    names = {entity["name"].casefold(), *(a.casefold() for a in (entity["data"] or {}).get("aliases", {}))}
    about = [
        x
        for x in quotes
        if x not in by and any(n and len(n) > 2 and n in x["text"].casefold() for n in names)
    ]
    data = entity["data"] or {}
    return {
        "id": entity_id,
        "name": entity["name"],
        "type": entity["type"],
        "mention_count": entity["mention_count"],
        "aliases": data.get("aliases", {}),
        "titles": data.get("titles", []),
        "related": data.get("related", []),
        "mentions_by_year": dict(sorted(by_year.items())),
        "mentions": mentions,
        "stories": stories,
        "quotes_by": by,
        "quotes_about": about,
    }
