"""What changed in a story since a date: new timeline entries, new quotes, new entities."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.store import queries as q
from storyline.store import schema as t


def changes_since(conn: Connection, story_id: str, since: str) -> dict[str, Any]:
    """Entries dated on or after ``since``, quotes said since then, entities first seen since then."""
    resolved = q.resolve_story_id(conn, story_id) or story_id
    entries = [
        e
        for e in q.timeline(conn, resolved)
        if e["date"][:4].isdigit() and e["date"] >= since[: len(e["date"])]
    ]
    quotes = q.list_quotes(conn, story_id=resolved, since=since)
    members = q.story_article_ids(conn, resolved)
    le, a = t.local_entities, t.articles
    first_seen = conn.execute(
        sa.select(le.c.entity_id, sa.func.min(a.c.published))
        .join(a, a.c.id == le.c.article_id)
        .where(le.c.article_id.in_(members), le.c.entity_id.is_not(None))
        .group_by(le.c.entity_id)
    ).all()
    new_ids = [entity_id for entity_id, first in first_seen if first and first >= since]
    entities = []
    for entity_id in sorted(new_ids):
        row = conn.execute(
            sa.select(t.entities.c.id, t.entities.c.name, t.entities.c.type).where(
                t.entities.c.id == entity_id
            )
        ).first()
        if row:
            entities.append({"id": row.id, "name": row.name, "type": row.type})
    return {"story_id": resolved, "since": since, "entries": entries, "quotes": quotes, "entities": entities}
