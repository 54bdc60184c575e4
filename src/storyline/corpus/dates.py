"""Settle publication years the text leaves open, from the same outlet's articles in the same story.

An article dated ``XXXX-03-03`` whose outlet-and-story neighbours are dated gets the year
that ``refine_with_neighbours`` supports (or keeps ``XXXX`` when they disagree). When the
year is settled, its time expressions and event dates are normalized again against it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.model import DateEstimate, Evidence, year_known
from storyline.store import schema as t
from storyline.time.pubdate import refine_with_neighbours

#: At most this many neighbours are consulted: half arrived just before the article, half just after.
MAX_NEIGHBOURS = 20


def _estimate(row: Any) -> DateEstimate:
    return DateEstimate(
        value=row.published,
        precision=row.published_precision,
        confidence=row.published_confidence,
        evidence=[Evidence(**e) for e in (row.published_evidence or [])],
    )


def settle_open_years(conn: Connection, article_ids: list[str]) -> int:
    """Refine open-year dates among ``article_ids``; return how many were settled."""
    a, sa_ = t.articles, t.story_articles
    open_rows = conn.execute(sa.select(a).where(a.c.id.in_(article_ids), a.c.published.like("XXXX%"))).all()
    settled = 0
    for row in open_rows:
        story = conn.execute(sa.select(sa_.c.story_id).where(sa_.c.article_id == row.id)).scalar()
        if story is None or row.outlet is None:
            continue
        members = sa.select(sa_.c.article_id).where(sa_.c.story_id == story)
        same = sa.select(a).where(
            a.c.id.in_(members), a.c.outlet == row.outlet, a.c.id != row.id, a.c.published.is_not(None)
        )
        # by arrival rank, not seq distance: seq values may have gaps (PostgreSQL sequences after a crash)
        half = MAX_NEIGHBOURS // 2
        neighbours = [
            *conn.execute(same.where(a.c.seq < row.seq).order_by(a.c.seq.desc()).limit(half)).all(),
            *conn.execute(same.where(a.c.seq > row.seq).order_by(a.c.seq).limit(half)).all(),
        ]
        dated = [_estimate(n) for n in neighbours if year_known(n.published)]
        if not dated:
            continue
        refined = refine_with_neighbours(_estimate(row), dated)
        if refined.value is None or refined.value == row.published or not year_known(refined.value):
            continue
        conn.execute(
            sa.update(a)
            .where(a.c.id == row.id)
            .values(
                published=refined.value,
                published_precision=refined.precision,
                published_confidence=float(refined.confidence),
                published_evidence=[e.to_dict() for e in refined.evidence],
            )
        )
        renormalize(conn, row.id, row.text, refined.value)
        settled += 1
    return settled


def renormalize(conn: Connection, article_id: str, text: str, published: str) -> None:
    """Tag time expressions and date events again against a newly settled publication date."""
    from storyline.nlp import load_nlp
    from storyline.time.events import date_events
    from storyline.time.timex import tag_timexes

    doc = load_nlp()(text)
    timexes = tag_timexes(text, published, doc)
    events = date_events(doc, timexes, published)
    conn.execute(sa.delete(t.timexes).where(t.timexes.c.article_id == article_id))
    conn.execute(sa.delete(t.events).where(t.events.c.article_id == article_id))
    if timexes:
        conn.execute(
            t.timexes.insert(),
            [{"article_id": article_id, "idx": i, **x.to_dict()} for i, x in enumerate(timexes)],
        )
    if events:
        conn.execute(
            t.events.insert(),
            [{"article_id": article_id, "idx": i, **e.to_dict()} for i, e in enumerate(events)],
        )
    conn.execute(
        sa.update(t.quotes)
        .where(
            t.quotes.c.article_id == article_id,
            sa.or_(t.quotes.c.date.is_(None), t.quotes.c.date.like("XXXX%")),
        )
        .values(date=published)
    )
