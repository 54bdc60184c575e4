"""Timelines and summaries: a derived view of each story, rebuilt when first needed after a change.

The corpus stages only mark a touched story ``timeline_stale``; the timeline is rebuilt when
someone looks at it (``storyline story``, the export, the web pages), so an ingest of many
articles does not rebuild the timeline of every story it touches again and again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from storyline.model import Event, Quote, Speaker, Timex
from storyline.store import queries as q
from storyline.store import schema as t


def load_timeline_articles(conn: Connection, story_id: str) -> list[Any]:
    """The story's articles as the timeline builder wants them."""
    from storyline.corpus.timeline import TimelineArticle

    result = []
    for article_id in q.story_article_ids(conn, story_id):
        row = conn.execute(sa.select(t.articles).where(t.articles.c.id == article_id)).first()
        if row is None:
            continue
        events = [Event(**_fields(e, Event)) for e in q.per_article(conn, t.events, article_id)]
        timexes = [Timex(**_fields(x, Timex)) for x in q.per_article(conn, t.timexes, article_id)]
        quotes = []
        for quote in q.per_article(conn, t.quotes, article_id):
            speaker = Speaker(**quote["speaker"]) if quote["speaker"] else None
            parts = [(s, e) for s, e in quote.get("parts") or []]  # none in databases before version 4
            quotes.append(Quote(**{**_fields(quote, Quote), "speaker": speaker, "parts": parts}))
        result.append(
            TimelineArticle(
                id=row.id,
                published=row.published,
                outlet=row.outlet,
                text=row.text,
                sentences=[tuple(s) for s in row.sentences],
                events=events,
                timexes=timexes,
                quotes=quotes,
            )
        )
    return result


def _fields(row: dict[str, Any], cls: type) -> dict[str, Any]:
    names = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return {k: v for k, v in row.items() if k in names}


def rebuild_story(conn: Connection, story_id: str) -> int:
    """Rebuild one story's timeline entries and summary; return the number of entries."""
    from storyline.corpus.summarize import summarize_story
    from storyline.corpus.timeline import build_timeline

    articles = load_timeline_articles(conn, story_id)
    entries = build_timeline(articles) if articles else []
    conn.execute(sa.delete(t.timeline_entries).where(t.timeline_entries.c.story_id == story_id))
    if entries:
        conn.execute(
            t.timeline_entries.insert(),
            [
                {
                    "story_id": story_id,
                    "idx": i,
                    "id": e.id or f"{story_id}:{i}",
                    "date": e.date,
                    "precision": e.precision,
                    "text": e.text,
                    "kind": e.kind,
                    "article_ids": list(e.article_ids),
                    "spans": [s.to_dict() for s in e.spans],
                }
                for i, e in enumerate(entries)
            ],
        )
    summary = summarize_story(entries, articles) if articles else ""
    conn.execute(
        sa.update(t.stories).where(t.stories.c.id == story_id).values(summary=summary, timeline_stale=False)
    )
    return len(entries)


def stale_stories(conn: Connection, story_ids: list[str] | None = None) -> list[str]:
    query = sa.select(t.stories.c.id).where(
        t.stories.c.timeline_stale.is_(True), t.stories.c.redirect_to.is_(None)
    )
    if story_ids is not None:
        query = query.where(t.stories.c.id.in_(story_ids))
    return [r[0] for r in conn.execute(query.order_by(t.stories.c.id))]


def rebuild_stale(conn: Connection, story_ids: list[str] | None = None) -> int:
    """Rebuild every live story (of ``story_ids``, or all) whose timeline is stale; return how many."""
    stale = stale_stories(conn, story_ids)
    for story_id in stale:
        rebuild_story(conn, story_id)
    return len(stale)


def refresh(engine: Engine, story_ids: list[str] | None = None) -> int:
    """Bring stale timelines up to date in their own transaction (under the corpus lock)."""
    with engine.connect() as reader:
        if not stale_stories(reader, story_ids):
            return 0
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(727001)"))
        return rebuild_stale(conn, story_ids)
