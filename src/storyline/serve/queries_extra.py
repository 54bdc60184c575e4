"""Read-side queries the API and the pages need beyond ``storyline.store.queries``.

Pagination helpers return ``(total, rows)``. Date filters compare TIMEX3 strings at the
precision of the stored value: ``since="2018-09-01"`` keeps an article dated ``2018-09`` and
``until="2018-09"`` keeps one dated ``2018-09-30``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from storyline.store import queries as q
from storyline.store import schema as t

#: Appended to an ``until`` bound so that finer values inside it compare lower ("2018-09-30" <= "2018-09~").
_UNTIL_PAD = "~"


def _row(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def _on_or_after(column: Any, since: str) -> ColumnElement[bool]:
    """``column`` (a TIMEX3 value) is on or after ``since``, compared at the column's own precision."""
    return column >= sa.func.substr(sa.literal(since), 1, sa.func.length(column))


def _on_or_before(column: Any, until: str) -> ColumnElement[bool]:
    return column <= until + _UNTIL_PAD


def outlets(conn: Connection) -> list[str]:
    """Every outlet with at least one article, alphabetically."""
    rows = conn.execute(
        sa.select(t.articles.c.outlet)
        .where(t.articles.c.outlet.is_not(None))
        .distinct()
        .order_by(t.articles.c.outlet)
    )
    return [r[0] for r in rows]


# ---- stories ---------------------------------------------------------------------------------


def stories_page(
    conn: Connection,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Live stories active in a date range and covered by an outlet, ordered like ``queries.list_stories``."""
    s = t.stories
    query = sa.select(s).where(s.c.redirect_to.is_(None))
    if since:
        query = query.where(_on_or_after(s.c.last_date, since))
    if until:
        query = query.where(_on_or_before(s.c.first_date, until))
    if outlet:
        covered = (
            sa.select(t.story_articles.c.story_id)
            .join(t.articles, t.articles.c.id == t.story_articles.c.article_id)
            .where(t.articles.c.outlet == outlet)
        )
        query = query.where(s.c.id.in_(covered))
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    query = query.order_by(s.c.size.desc(), s.c.last_date.desc(), s.c.id).limit(limit).offset(offset)
    rows = [_row(r) for r in conn.execute(query)]
    by_story = story_outlets(conn, [r["id"] for r in rows])
    for row in rows:
        row["outlets"] = by_story.get(row["id"], [])
    return int(total), rows


def story_outlets(conn: Connection, story_ids: list[str]) -> dict[str, list[str]]:
    """The outlets that covered each story."""
    if not story_ids:
        return {}
    sa_, a = t.story_articles, t.articles
    rows = conn.execute(
        sa.select(sa_.c.story_id, a.c.outlet)
        .join(a, a.c.id == sa_.c.article_id)
        .where(sa_.c.story_id.in_(story_ids), a.c.outlet.is_not(None))
        .distinct()
        .order_by(sa_.c.story_id, a.c.outlet)
    )
    found: dict[str, list[str]] = {}
    for story_id, name in rows:
        found.setdefault(story_id, []).append(name)
    return found


def story_entities(conn: Connection, story_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """The corpus entities named in a story's articles, most mentioned first."""
    le, m, e = t.local_entities, t.mentions, t.entities
    members = sa.select(t.story_articles.c.article_id).where(t.story_articles.c.story_id == story_id)
    rows = conn.execute(
        sa.select(e.c.id, e.c.name, e.c.type, sa.func.count().label("mentions"))
        .select_from(m)
        .join(le, sa.and_(le.c.article_id == m.c.article_id, le.c.cluster == m.c.cluster))
        .join(e, e.c.id == le.c.entity_id)
        .where(m.c.article_id.in_(members))
        .group_by(e.c.id, e.c.name, e.c.type)
        .order_by(sa.func.count().desc(), e.c.name)
        .limit(limit)
    )
    return [_row(r) for r in rows]


# ---- articles --------------------------------------------------------------------------------

_BRIEF_COLUMNS = (
    t.articles.c.id,
    t.articles.c.title,
    t.articles.c.outlet,
    t.articles.c.published,
    t.articles.c.published_precision,
)


def articles_page(
    conn: Connection,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    story_id: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Articles, newest first, with the story each belongs to."""
    a, sa_ = t.articles, t.story_articles
    query = sa.select(*_BRIEF_COLUMNS, sa_.c.story_id).outerjoin(sa_, sa_.c.article_id == a.c.id)
    if since:
        query = query.where(_on_or_after(a.c.published, since))
    if until:
        query = query.where(_on_or_before(a.c.published, until))
    if outlet:
        query = query.where(a.c.outlet == outlet)
    if story_id:
        query = query.where(sa_.c.story_id == (q.resolve_story_id(conn, story_id) or story_id))
    total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    query = query.order_by(a.c.published.desc().nulls_last(), a.c.seq.desc()).limit(limit).offset(offset)
    return int(total), [_row(r) for r in conn.execute(query)]


def article_briefs(conn: Connection, article_ids: list[str]) -> list[dict[str, Any]]:
    """Title, outlet and date of the given articles, in the order given."""
    if not article_ids:
        return []
    rows = {
        r.id: _row(r)
        for r in conn.execute(sa.select(*_BRIEF_COLUMNS).where(t.articles.c.id.in_(article_ids)))
    }
    return [rows[i] for i in article_ids if i in rows]


def article_count(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar_one())


def coverage_by_month(
    conn: Connection, article_ids: list[str] | None = None
) -> tuple[list[tuple[str, int]], int]:
    """Articles per month (``YYYY-MM``, oldest first, empty months included) and the count of undated ones."""
    query = sa.select(t.articles.c.published)
    if article_ids is not None:
        query = query.where(t.articles.c.id.in_(article_ids))
    values = [r[0] for r in conn.execute(query)]
    return month_counts(values)


def month_counts(values: list[str | None]) -> tuple[list[tuple[str, int]], int]:
    """Count TIMEX3 values by month; values without a known year and month are counted as undated."""
    counts: Counter[str] = Counter()
    undated = 0
    for value in values:
        if value and len(value) >= 7 and value[:4].isdigit() and value[5:7].isdigit():
            counts[value[:7]] += 1
        else:
            undated += 1
    if not counts:
        return [], undated
    return [(month, counts.get(month, 0)) for month in _months_between(min(counts), max(counts))], undated


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# ---- quotes ----------------------------------------------------------------------------------


def quotes_page(
    conn: Connection,
    speaker: str | None = None,
    story_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """A page of ``queries.list_quotes`` and the number of quotes that match (``until`` includes finer dates)."""
    padded = until + _UNTIL_PAD if until else None
    rows = q.list_quotes(conn, speaker=speaker, story_id=story_id, since=since, until=padded, outlet=outlet)
    return len(rows), rows[offset : offset + limit]


def speakers(conn: Connection, limit: int = 50) -> list[dict[str, Any]]:
    """Resolved speakers by number of quotes: ``name``, ``entity_id``, ``quotes``."""
    counts: Counter[tuple[str, str | None]] = Counter()
    for (speaker,) in conn.execute(sa.select(t.quotes.c.speaker)):
        if speaker and speaker.get("name"):
            counts[(speaker["name"], speaker.get("entity_id"))] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))[:limit]
    return [{"name": name, "entity_id": entity_id, "quotes": n} for (name, entity_id), n in ranked]


# ---- entities --------------------------------------------------------------------------------


def entities_page(
    conn: Connection, type_: str | None = None, name: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """A page of ``queries.list_entities`` and the number of entities that match."""
    e = t.entities
    query = sa.select(sa.func.count()).select_from(e).where(e.c.redirect_to.is_(None))
    if type_:
        query = query.where(e.c.type == type_)
    if name:
        query = query.where(e.c.name.ilike(f"%{name}%"))
    total = int(conn.execute(query).scalar_one())
    return total, q.list_entities(conn, type_=type_, query_text=name, limit=limit, offset=offset)


def entity_types(conn: Connection) -> list[str]:
    e = t.entities
    rows = conn.execute(sa.select(e.c.type).where(e.c.redirect_to.is_(None)).distinct().order_by(e.c.type))
    return [r[0] for r in rows]


def entity_names(conn: Connection, entity_ids: list[str]) -> dict[str, str]:
    """Current names of the given entities (following merges)."""
    names = {}
    for entity_id in set(entity_ids):
        resolved = q.resolve_entity_id(conn, entity_id)
        row = (
            conn.execute(sa.select(t.entities.c.name).where(t.entities.c.id == resolved)).first()
            if resolved
            else None
        )
        if row:
            names[entity_id] = row[0]
    return names


# ---- search ----------------------------------------------------------------------------------


def search_page(
    conn: Connection, text: str, limit: int = 20, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """A page of ``queries.search`` and the number of matching articles."""
    if not text.split():
        return 0, []
    return search_count(conn, text), q.search(conn, text, limit=limit, offset=offset)


def search_count(conn: Connection, text: str) -> int:
    """How many articles ``queries.search`` finds for ``text`` (same query, counted)."""
    if conn.dialect.name == "sqlite":
        phrase = " ".join('"' + w.replace('"', '""') + '"' for w in text.split())
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (phrase,)
            ).scalar_one()
        )
    vector = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
    return int(
        conn.execute(
            sa.text(f"SELECT count(*) FROM articles WHERE {vector} @@ plainto_tsquery('english', :q)"),
            {"q": text},
        ).scalar_one()
    )
