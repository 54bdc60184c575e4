"""Read-side queries shared by the CLI, the JSON API, the web pages and the export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.store import schema as t


def _row(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


def _unique_prefix(conn: Connection, table: sa.Table, prefix: str) -> str | None:
    """The one id of ``table`` that starts with ``prefix``, if exactly one does."""
    matches = conn.execute(sa.select(table.c.id).where(table.c.id.like(f"{prefix}%")).limit(2)).all()
    return str(matches[0][0]) if len(matches) == 1 else None


def _follow_redirects(conn: Connection, table: sa.Table, start: str, prefix_ok: bool) -> str | None:
    """The live id a (possibly merged-away) id of ``table`` points to now."""
    seen: set[str] = set()
    current: str | None = start
    while current and current not in seen:
        seen.add(current)
        row = conn.execute(sa.select(table.c.id, table.c.redirect_to).where(table.c.id == current)).first()
        if row is None:
            current = _unique_prefix(conn, table, current) if prefix_ok and len(seen) == 1 else None
            continue
        if not row.redirect_to:
            return str(row.id)
        current = row.redirect_to
    return None


def resolve_story_id(conn: Connection, story_id: str) -> str | None:
    """Follow merge redirects to the story an id points to now; accepts a unique prefix."""
    return _follow_redirects(conn, t.stories, story_id, prefix_ok=True)


def resolve_entity_id(conn: Connection, entity_id: str) -> str | None:
    """Follow merge redirects to the entity an id points to now."""
    return _follow_redirects(conn, t.entities, entity_id, prefix_ok=False)


def resolve_article_id(conn: Connection, article_id: str) -> str | None:
    """An article id, or the one article whose id starts with the given prefix."""
    row = conn.execute(sa.select(t.articles.c.id).where(t.articles.c.id == article_id)).first()
    return str(row[0]) if row else _unique_prefix(conn, t.articles, article_id)


def list_stories(
    conn: Connection, since: str | None = None, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """Live stories (not merged away), largest and latest first; ``since`` keeps stories active after a date."""
    query = sa.select(t.stories).where(t.stories.c.redirect_to.is_(None))
    if since:
        query = query.where(t.stories.c.last_date >= since)
    query = query.order_by(t.stories.c.size.desc(), t.stories.c.last_date.desc(), t.stories.c.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_row(r) for r in conn.execute(query)]


def story_article_ids(conn: Connection, story_id: str) -> list[str]:
    rows = conn.execute(
        sa.select(t.story_articles.c.article_id)
        .join(t.articles, t.articles.c.id == t.story_articles.c.article_id)
        .where(t.story_articles.c.story_id == story_id)
        .order_by(t.articles.c.published.asc().nulls_first(), t.articles.c.seq)  # same order on both stores
    )
    return [r[0] for r in rows]


def timeline(conn: Connection, story_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(t.timeline_entries)
        .where(t.timeline_entries.c.story_id == story_id)
        .order_by(t.timeline_entries.c.idx)
    )
    return [{k: v for k, v in _row(r).items() if k not in ("story_id", "idx")} for r in rows]


def story(conn: Connection, story_id: str) -> dict[str, Any] | None:
    """A story with its articles, timeline and recorded merges."""
    resolved = resolve_story_id(conn, story_id)
    if resolved is None:
        return None
    from storyline.corpus.timelines import refresh

    refresh(conn.engine, [resolved])
    row = conn.execute(sa.select(t.stories).where(t.stories.c.id == resolved)).first()
    if row is None:
        return None
    result = _row(row)
    result["requested_id"] = story_id
    result["article_ids"] = story_article_ids(conn, resolved)
    result["timeline"] = timeline(conn, resolved)
    events = conn.execute(
        sa.select(t.story_events)
        .where(sa.or_(t.story_events.c.story_id == resolved, t.story_events.c.other == resolved))
        .order_by(t.story_events.c.id)
    )
    result["events"] = [_row(e) for e in events]
    return result


def article_story(conn: Connection, article_id: str) -> str | None:
    row = conn.execute(
        sa.select(t.story_articles.c.story_id).where(t.story_articles.c.article_id == article_id)
    ).first()
    return resolve_story_id(conn, row[0]) if row else None


def per_article(conn: Connection, table: sa.Table, article_id: str) -> list[dict[str, Any]]:
    order = table.c.idx if "idx" in table.c else table.c.line_no if "line_no" in table.c else table.c.cluster
    rows = conn.execute(sa.select(table).where(table.c.article_id == article_id).order_by(order))
    return [{k: v for k, v in _row(r).items() if k != "article_id"} for r in rows]


def article(conn: Connection, article_id: str) -> dict[str, Any] | None:
    """One article with everything found in it."""
    resolved = resolve_article_id(conn, article_id)
    if resolved is None:
        return None
    row = conn.execute(sa.select(t.articles).where(t.articles.c.id == resolved)).first()
    if row is None:
        return None
    result = _row(row)
    for table in t.PER_ARTICLE_TABLES:
        result[table.name] = per_article(conn, table, resolved)
    for quote in result["quotes"]:
        _add_words(quote)
    sources = conn.execute(sa.select(t.article_sources).where(t.article_sources.c.article_id == resolved))
    result["sources"] = [{"source": s.source, "locator": s.locator or None} for s in sources]
    result["reuse"] = reuse_of(conn, resolved)
    result["story_id"] = article_story(conn, resolved)
    return result


def reuse_of(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(t.reuse)
        .where(sa.or_(t.reuse.c.a == article_id, t.reuse.c.b == article_id))
        .order_by(t.reuse.c.kind, t.reuse.c.similarity.desc())
    )
    return [_row(r) for r in rows]


def quotes_query() -> sa.Select[Any]:
    """Quotes joined with their article and with the corpus entity of their speaker."""
    q, a, le, e = t.quotes, t.articles, t.local_entities, t.entities
    speaker = le.alias("speaker_entity")
    return (
        sa.select(
            q,
            a.c.title,
            a.c.outlet,
            a.c.published,
            a.c.seq,
            speaker.c.entity_id.label("speaker_entity_id"),
            e.c.name.label("speaker_entity_name"),
        )
        .join(a, a.c.id == q.c.article_id)
        .outerjoin(
            speaker, sa.and_(speaker.c.article_id == q.c.article_id, speaker.c.cluster == q.c.speaker_cluster)
        )
        # a merge moves local entities to the survivor, so the live registry entry is one join away
        .outerjoin(e, sa.and_(e.c.id == speaker.c.entity_id, e.c.redirect_to.is_(None)))
    )


def list_quotes(
    conn: Connection,
    speaker: str | None = None,
    story_id: str | None = None,
    since: str | None = None,
    until: str | None = None,
    outlet: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Quotes with their article's title, outlet and date, oldest first."""
    q, a = t.quotes, t.articles
    query = quotes_query()
    if story_id:
        resolved = resolve_story_id(conn, story_id) or story_id
        members = sa.select(t.story_articles.c.article_id).where(t.story_articles.c.story_id == resolved)
        query = query.where(q.c.article_id.in_(members))
    if since:
        query = query.where(sa.func.coalesce(q.c.date, a.c.published) >= since)
    if until:
        query = query.where(sa.func.coalesce(q.c.date, a.c.published) <= until)
    if outlet:
        query = query.where(a.c.outlet == outlet)
    query = query.order_by(sa.func.coalesce(q.c.date, a.c.published), a.c.seq, q.c.idx)
    rows = [_with_speaker_entity(_row(r)) for r in conn.execute(query)]
    if speaker:
        rows = [r for r in rows if _speaker_matches(conn, r, speaker)]
    if limit is not None:
        rows = rows[offset : offset + limit]
    return rows


def _with_speaker_entity(row: dict[str, Any]) -> dict[str, Any]:
    """The listed quote with its speaker's registry entity (id and name) and its own words.

    The name lets a misspelt "Anna Nowak", joined to Anna Novak by the registry, be listed as the
    "Anna Novak" the registry holds (``speaker.name`` keeps the article's spelling)."""
    if row.get("speaker") is not None:
        row["speaker"] = {
            **row["speaker"],
            "entity_id": row.get("speaker_entity_id"),
            "entity_name": row.get("speaker_entity_name"),
        }
    _add_words(row)
    return row


def _add_words(quote: dict[str, Any]) -> None:
    quote["parts"] = quote_parts(quote)
    quote["words"] = " … ".join(text for _, _, text in quote_fragments(quote))


def quote_parts(row: dict[str, Any]) -> list[tuple[int, int]]:
    """A stored quote's fragments (its whole span in databases written before they were kept)."""
    return [(s, e) for s, e in row.get("parts") or [(row["start"], row["end"])]]


def quote_fragments(row: dict[str, Any]) -> list[tuple[int, int, str]]:
    """A stored quote's fragments with their words: joined by " … ", they are what was quoted
    without the cue between them ('"It is," she said, "a first step."' -> '"It is," … "a first step."')."""
    base = row["start"]
    return [(s, e, row["text"][s - base : e - base]) for s, e in quote_parts(row)]


def _speaker_matches(conn: Connection, quote: dict[str, Any], wanted: str) -> bool:
    speaker = quote.get("speaker") or {}
    wanted_lower = wanted.casefold()
    names = [speaker.get("name"), speaker.get("surface")]
    entity_id = speaker.get("entity_id")
    if entity_id:
        if entity_id == wanted:
            return True
        row = conn.execute(
            sa.select(t.entities.c.name, t.entities.c.data).where(t.entities.c.id == entity_id)
        ).first()
        if row is not None:
            names.append(row.name)
            names.extend((row.data or {}).get("aliases", {}).keys())
    return any(n and _names_speaker(n, wanted_lower) for n in names)


def _names_speaker(name: str, wanted: str) -> bool:
    """``wanted`` (case-folded) stands in ``name`` as whole words, not as an owner: "Novak" is in
    "Anna Novak" and "Minister Novak", not in "Novak's aides" (the aides speak, not Novak)."""
    return re.search(rf"(?<![^\W_]){re.escape(wanted)}(?![^\W_]|['’]s)", name.casefold()) is not None


def list_entities(
    conn: Connection,
    type_: str | None = None,
    query_text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    query = sa.select(t.entities).where(t.entities.c.redirect_to.is_(None), t.entities.c.ignored.is_(False))
    if type_:
        query = query.where(t.entities.c.type == type_)
    if query_text:
        query = query.where(t.entities.c.name.ilike(f"%{query_text}%"))
    query = query.order_by(t.entities.c.mention_count.desc(), t.entities.c.name)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_row(r) for r in conn.execute(query)]


def find_entity(conn: Connection, name_or_id: str) -> dict[str, Any] | None:
    """An entity by id, exact name, alias, or unique name fragment."""
    resolved = resolve_entity_id(conn, name_or_id)
    if resolved is None:
        wanted = name_or_id.casefold()
        candidates = list_entities(conn)
        exact = [e for e in candidates if e["name"].casefold() == wanted]
        alias = [
            e for e in candidates if wanted in {a.casefold() for a in (e["data"] or {}).get("aliases", {})}
        ]
        partial = [e for e in candidates if wanted in e["name"].casefold()]
        pick = exact or alias or partial
        if not pick:
            return None
        resolved = pick[0]["id"]
    row = conn.execute(sa.select(t.entities).where(t.entities.c.id == resolved)).first()
    return _row(row) if row else None


def entity_mentions(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    """Every mention of an entity with its article's date, oldest first."""
    le, m, a = t.local_entities, t.mentions, t.articles
    query = (
        sa.select(m.c.article_id, m.c.start, m.c.end, m.c.text, a.c.published, a.c.title, a.c.outlet)
        .join(le, sa.and_(le.c.article_id == m.c.article_id, le.c.cluster == m.c.cluster))
        .join(a, a.c.id == m.c.article_id)
        .where(le.c.entity_id == entity_id)
        .order_by(a.c.published, a.c.seq, m.c.start)
    )
    return [_row(r) for r in conn.execute(query)]


def search(conn: Connection, text: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Full-text search over titles and texts (SQLite FTS5 or PostgreSQL text search)."""
    if conn.dialect.name == "sqlite":
        phrase = " ".join('"' + w.replace('"', '""') + '"' for w in text.split())
        rows = conn.exec_driver_sql(
            "SELECT a.id, a.title, a.outlet, a.published, snippet(articles_fts, 1, '[', ']', ' … ', 12) "
            "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (phrase, limit, offset),
        )
        return [{"id": r[0], "title": r[1], "outlet": r[2], "published": r[3], "snippet": r[4]} for r in rows]
    vector = "to_tsvector('english', coalesce(title, '') || ' ' || text)"
    rows = conn.execute(
        sa.text(
            f"SELECT id, title, outlet, published, ts_headline('english', text, plainto_tsquery('english', :q), "
            f"'StartSel=[,StopSel=],MaxWords=24,MinWords=8') FROM articles "
            f"WHERE {vector} @@ plainto_tsquery('english', :q) "
            f"ORDER BY ts_rank({vector}, plainto_tsquery('english', :q)) DESC, seq LIMIT :limit OFFSET :offset"
        ),
        {"q": text, "limit": limit, "offset": offset},
    )
    return [{"id": r[0], "title": r[1], "outlet": r[2], "published": r[3], "snippet": r[4]} for r in rows]


def iter_articles(conn: Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(sa.select(t.articles).order_by(t.articles.c.seq)):
        yield _row(row)
