"""The JSON export: a documented contract (``docs/export-schema.md``, ``schema/export.schema.json``).

Fields are only ever added, never renamed. The export is streamed record by record, so its
memory does not grow with the corpus, and written in a fixed order, so that the same store
content gives the same bytes on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline import __version__
from storyline.store import Store
from storyline.store import queries as q
from storyline.store import schema as t

EXPORT_VERSION = "1.1"
SECTIONS = ("articles", "entities", "quotes", "stories", "reuse")


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def article_record(conn: Connection, row: dict[str, Any], story_of: dict[str, str]) -> dict[str, Any]:
    aid = row["id"]
    dateline = row["dateline"] or {}
    return {
        "id": aid,
        "source": row["source"],
        "title": row["title"],
        "outlet": row["outlet"],
        "dateline": {"place": dateline.get("place"), "date": dateline.get("date")} if dateline else None,
        "published": {
            "value": row["published"],
            "precision": row["published_precision"],
            "confidence": _round(row["published_confidence"]),
            "evidence": row["published_evidence"],
        },
        "text": row["text"],
        "removed": [
            {"text": r["text"], "reason": r["reason"]} for r in q.per_article(conn, t.removed_lines, aid)
        ],
        "url": row["url"],
        "kind": row["kind"],
        "locator": row["locator"],
        "metadata": row["extra"],
        "story_id": story_of.get(aid),
        "timexes": [
            {k: x[k] for k in ("start", "end", "text", "type", "value", "mod")}
            for x in q.per_article(conn, t.timexes, aid)
        ],
        "events": [
            {k: e[k] for k in ("start", "end", "text", "date", "precision", "kind", "trigger")}
            for e in q.per_article(conn, t.events, aid)
        ],
    }


def entity_record(row: dict[str, Any]) -> dict[str, Any]:
    data = row["data"] or {}
    aliases: dict[str, int] = data.get("aliases", {})
    return {
        "id": row["id"],
        "name": row["name"],
        "type": row["type"],
        "aliases": sorted(aliases, key=lambda a: (-aliases[a], a)),
        "alias_counts": aliases,
        "mention_count": row["mention_count"],
        "titles": sorted(data.get("titles", {}), key=lambda k: (-data["titles"][k], k)),
        "related": sorted({i for ids in (data.get("related") or {}).values() for i in ids}),
    }


def quote_record(row: dict[str, Any]) -> dict[str, Any]:
    speaker = row["speaker"]
    return {
        "id": row["id"],
        "article_id": row["article_id"],
        "text": row["text"],
        "kind": row["kind"],
        "speaker": (
            {
                "entity_id": row.get("speaker_entity_id"),
                "name": speaker.get("name"),
                "surface": speaker.get("surface"),
                "start": speaker.get("start"),
                "end": speaker.get("end"),
                "confidence": _round(speaker.get("confidence")),
                "reason": speaker.get("reason"),
            }
            if speaker
            else None
        ),
        "cue": row["cue"],
        "start": row["start"],
        "end": row["end"],
        "cue_start": row["cue_start"],
        "cue_end": row["cue_end"],
        "date": row["date"],
        "confidence": _round(row["confidence"]),
        "note": row["note"],
        "parts": [{"start": s, "end": e, "text": text} for s, e, text in q.quote_fragments(row)],
    }


def story_record(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    sid = row["id"]
    return {
        "id": sid,
        "title": row["title"],
        "article_ids": q.story_article_ids(conn, sid),
        "timeline": [
            {
                "date": e["date"],
                "precision": e["precision"],
                "text": e["text"],
                "article_ids": e["article_ids"],
                "kind": e["kind"],
                "id": e["id"],
                "spans": e["spans"],
            }
            for e in q.timeline(conn, sid)
        ],
        "summary": row["summary"],
        "first_date": row["first_date"],
        "last_date": row["last_date"],
    }


def reuse_record(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "article_ids": [row["a"], row["b"]],
        "spans": row["spans"],
        "similarity": _round(row["similarity"]),
        "kind": row["kind"],
        "first": row["first"],
    }


def iter_records(store: Store) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(section, record)`` pairs in the export's fixed order (stale timelines rebuilt first)."""
    from storyline.corpus.timelines import refresh

    refresh(store.engine)
    with store.engine.connect() as conn:
        story_of = {
            r.article_id: q.resolve_story_id(conn, r.story_id) or r.story_id
            for r in conn.execute(sa.select(t.story_articles))
        }
        for row in q.iter_articles(conn):
            yield "articles", article_record(conn, row, story_of)
        for entity in conn.execute(
            sa.select(t.entities)
            .where(t.entities.c.redirect_to.is_(None), t.entities.c.ignored.is_(False))
            .order_by(t.entities.c.id)
        ):
            yield "entities", entity_record(dict(entity._mapping))
        for quote in conn.execute(q.quotes_query().order_by(t.articles.c.seq, t.quotes.c.idx)):
            yield "quotes", quote_record(dict(quote._mapping))
        for story in conn.execute(
            sa.select(t.stories).where(t.stories.c.redirect_to.is_(None)).order_by(t.stories.c.id)
        ):
            yield "stories", story_record(conn, dict(story._mapping))
        for reuse in conn.execute(sa.select(t.reuse).order_by(t.reuse.c.a, t.reuse.c.b, t.reuse.c.kind)):
            yield "reuse", reuse_record(dict(reuse._mapping))


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write_json(store: Store, out: IO[str]) -> int:
    """Write the whole export as one JSON object; return the number of records."""
    out.write('{"storyline_export": ' + _dumps({"version": EXPORT_VERSION, "storyline": __version__}))
    count = 0
    current: str | None = None
    seen: set[str] = set()
    for section, record in iter_records(store):
        if section != current:
            if current is not None:
                out.write("\n]")
            out.write(f',\n"{section}": [\n')
            current = section
            seen.add(section)
        else:
            out.write(",\n")
        out.write(_dumps(record))
        count += 1
    if current is not None:
        out.write("\n]")
    for section in SECTIONS:
        if section not in seen:
            out.write(f',\n"{section}": []')
    out.write("\n}\n")
    return count


def write_jsonl(store: Store, out: IO[str]) -> int:
    """Write one JSON object per line, each with a ``record`` field naming its section."""
    count = 0
    for section, record in iter_records(store):
        out.write(_dumps({"record": section[:-1] if section != "reuse" else "reuse", **record}) + "\n")
        count += 1
    return count
