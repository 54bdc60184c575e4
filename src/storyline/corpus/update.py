"""The corpus stages, run after the per-article stages over every article not yet through them.

For each pending article, in arrival order: its local entities are resolved in the entity
registry, its text is looked up in the reuse index, it joins (or founds) a story, and a
publication date with an open year is settled from its outlet-and-story neighbours. Touched
stories get their timeline rebuilt. Work is committed in chunks, with the algorithms' state,
so a killed run resumes from the last chunk; nothing is rebuilt from scratch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storyline.corpus import timelines
from storyline.corpus.dates import settle_open_years
from storyline.corpus.edits import replay_rules
from storyline.corpus.entity_store import EntityStage, load_local_entities, store_entity_ids
from storyline.corpus.reuse import ReuseIndex
from storyline.corpus.state import dump_state, load_state
from storyline.corpus.stories import StoryClusterer
from storyline.corpus.story_features import ArticleFeatures, normalize_entity
from storyline.corpus.story_store import load_clusterer, save_clusterer
from storyline.model import LocalEntity
from storyline.store import Store
from storyline.store import schema as t

#: Articles per committed chunk of corpus work. With workers, chunks run while they parse, and only
#: the last, partial chunk waits for the end: small chunks keep that serial tail short.
CHUNK = 250


@dataclass(slots=True)
class CorpusReport:
    articles: int = 0
    stories_created: int = 0
    story_merges: int = 0
    story_splits: int = 0
    story_moves: int = 0
    reuse_links: int = 0
    dates_settled: int = 0
    timelines_stale: int = 0
    rules_replayed: int = 0
    touched_stories: set[str] = field(default_factory=set)

    def summary(self) -> dict[str, int]:
        return {
            "articles through corpus stages": self.articles,
            "stories created": self.stories_created,
            "story merges": self.story_merges,
            "story splits": self.story_splits,
            "articles moved between stories": self.story_moves,
            "reuse links": self.reuse_links,
            "dates settled from neighbours": self.dates_settled,
            "timelines to rebuild when viewed": self.timelines_stale,
            "entity corrections replayed": self.rules_replayed,
        }


@dataclass(slots=True)
class _Stages:
    """The corpus-stage algorithms with their state, kept across chunks of one run."""

    entities: EntityStage
    reuse: ReuseIndex
    stories: StoryClusterer
    generation: int


class CorpusUpdater:
    """Takes pending articles through the corpus stages, chunk by chunk, keeping the stages' state
    between calls; an ingest calls :meth:`run_full_chunks` while workers parse later batches."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.report = CorpusReport()
        self._stages: _Stages | None = None

    def run(self, full_chunks_only: bool = False) -> None:
        """Process pending articles in chunks of :data:`CHUNK` (all of them, or only full chunks)."""
        store = self.store
        while True:
            with store.corpus_lock() as conn:
                pending = _pending(conn, CHUNK)
                if not pending or (full_chunks_only and len(pending) < CHUNK):
                    break
                generation = _generation(conn)
                if self._stages is None or self._stages.generation != generation:
                    self._stages = _load_stages(store, conn, generation)
                _process_chunk(store, conn, self._stages, pending, self.report)
                self._stages.generation = _bump_generation(conn, generation)

    def run_full_chunks(self) -> None:
        self.run(full_chunks_only=True)

    def finish(self) -> dict[str, int]:
        """Process what is left, replay the user's entity corrections, count stale timelines."""
        self.run()
        report = self.report
        with self.store.corpus_lock() as conn:
            if report.articles:
                report.rules_replayed = replay_rules(self.store, conn)
            report.timelines_stale = len(timelines.stale_stories(conn))
        return report.summary()


def update_corpus(store: Store) -> dict[str, int]:
    """Take every pending article through the corpus stages; count the timelines to rebuild."""
    return CorpusUpdater(store).finish()


def _generation(conn: Connection) -> int:
    """A counter bumped by every committed chunk: another writer's work shows as a new value."""
    value = conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == "corpus_generation")).scalar()
    return int(value) if value is not None else 0


def _bump_generation(conn: Connection, generation: int) -> int:
    conn.execute(sa.delete(t.meta).where(t.meta.c.key == "corpus_generation"))
    conn.execute(t.meta.insert().values(key="corpus_generation", value=str(generation + 1)))
    return generation + 1


def _load_stages(store: Store, conn: Connection, generation: int) -> _Stages:
    return _Stages(
        entities=EntityStage.load(store, conn),
        reuse=_load_reuse(store, conn),
        stories=load_clusterer(store, conn),
        generation=generation,
    )


def _pending(conn: Connection, limit: int) -> list[dict[str, Any]]:
    a = t.articles
    rows = conn.execute(
        sa.select(a.c.id, a.c.seq, a.c.text, a.c.title, a.c.outlet, a.c.published, a.c.terms)
        .where(a.c.corpus_done.is_(False))
        .order_by(a.c.seq)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def _entity_features(locals_: list[LocalEntity]) -> tuple[dict[str, float], dict[str, str]]:
    """Normalized names of an article's local entities, weighted by mentions, with their labels."""
    counts: dict[str, float] = {}
    labels: dict[str, str] = {}
    for entity in locals_:
        key = normalize_entity(entity.name)
        if key and any(c.isalpha() for c in key):
            counts[key] = counts.get(key, 0.0) + float(max(1, len(entity.mentions)))
            labels.setdefault(key, entity.label)
    return counts, labels


def _process_chunk(
    store: Store, conn: Connection, stages: _Stages, pending: list[dict[str, Any]], report: CorpusReport
) -> None:
    touched: set[str] = set()
    reuse_rows: list[dict[str, Any]] = []
    stages.reuse.sketches.conn = conn  # type: ignore[attr-defined]
    stages.entities.conn = conn
    stages.stories._articles.conn = conn  # type: ignore[union-attr]
    local = load_local_entities(conn, [a["id"] for a in pending])
    entity_ids: list[tuple[str, int, str]] = []
    for article in pending:
        for found in stages.reuse.add(article["id"], article["text"], article["published"], article["seq"]):
            reuse_rows.append(
                {
                    "a": found.a,
                    "b": found.b,
                    "kind": found.kind,
                    "similarity": float(found.similarity),
                    "spans": [s.to_dict() for s in found.spans],
                    "first": found.first,
                }
            )
        locals_, mentions = local[article["id"]]
        entities, labels = _entity_features(locals_)
        features = ArticleFeatures(
            article_id=article["id"],
            published=article["published"],
            seq=article["seq"],
            terms=article["terms"] or {},
            entities=entities,
            title=article["title"],
            entity_labels=labels,
        )
        assignment = stages.stories.add(features)
        mapping = stages.entities.resolve_article(article, locals_, mentions, story_id=assignment.story_id)
        entity_ids.extend((article["id"], cluster, eid) for cluster, eid in mapping.items())
        report.stories_created += int(assignment.created)
        touched.add(assignment.story_id)
        for event in assignment.events:
            touched.update({event.story_id, event.other})
            if event.kind == "merge":
                report.story_merges += 1
            elif event.kind == "split":
                report.story_splits += 1
            elif event.kind == "move":
                report.story_moves += 1
            conn.execute(
                t.story_events.insert().values(
                    kind=event.kind,
                    story_id=event.story_id,
                    other=event.other,
                    at_seq=event.at_seq,
                    reason=event.reason,
                )
            )
        if assignment.created:
            conn.execute(
                t.story_events.insert().values(
                    kind="create",
                    story_id=assignment.story_id,
                    other=None,
                    at_seq=article["seq"],
                    reason=f"founded by {article['id']}",
                )
            )
    store_entity_ids(conn, entity_ids)
    store.insert_ignore(conn, t.reuse, reuse_rows)
    report.reuse_links += len(reuse_rows)
    _write_memberships(conn, stages.stories, touched)
    report.dates_settled += settle_open_years(conn, [a["id"] for a in pending])
    _write_stories(conn, stages.stories, touched)
    stages.entities.save(store, conn)
    store.save_state(conn, "reuse", dump_state(stages.reuse.to_state()))
    save_clusterer(store, conn, stages.stories)
    ids = [a["id"] for a in pending]
    conn.execute(sa.update(t.articles).where(t.articles.c.id.in_(ids)).values(corpus_done=True))
    report.articles += len(pending)
    report.touched_stories |= touched


def _load_reuse(store: Store, conn: Connection) -> ReuseIndex:
    """The reuse index, its sketches in the store; texts of earlier articles are read when a span is aligned."""

    def text_of(article_id: str) -> str | None:
        with store.engine.connect() as reader:
            return reader.execute(sa.select(t.articles.c.text).where(t.articles.c.id == article_id)).scalar()

    blob = store.load_state("reuse", conn)
    if blob is None:
        index = ReuseIndex.in_store(text_lookup=text_of)
        index.sketches.conn = conn  # type: ignore[attr-defined]
        return index
    return ReuseIndex.from_state(load_state(blob), text_lookup=text_of, keep_texts=False, conn=conn)


def _write_memberships(conn: Connection, clusterer: StoryClusterer, touched: set[str]) -> None:
    """Rewrite ``story_articles`` for the members of every touched live story."""
    for story_id in touched:
        live = clusterer.resolve(story_id)
        members = clusterer.members(live)
        if not members:
            continue
        conn.execute(sa.delete(t.story_articles).where(t.story_articles.c.article_id.in_(members)))
        conn.execute(t.story_articles.insert(), [{"article_id": m, "story_id": live} for m in members])


def _write_stories(conn: Connection, clusterer: StoryClusterer, touched: set[str]) -> None:
    """Upsert story rows (title, size, dates, redirects) for touched stories; mark timelines stale."""
    a = t.articles
    for story_id in sorted(touched):
        live = clusterer.resolve(story_id)
        existing = conn.execute(sa.select(t.stories.c.id).where(t.stories.c.id == story_id)).first()
        if live != story_id:
            values: dict[str, Any] = {"redirect_to": live, "size": 0, "timeline_stale": False}
            if existing:
                conn.execute(sa.update(t.stories).where(t.stories.c.id == story_id).values(**values))
            else:
                conn.execute(
                    t.stories.insert().values(
                        id=story_id, title="(merged)", summary="", created_seq=0, updated_seq=0, **values
                    )
                )
            conn.execute(sa.delete(t.timeline_entries).where(t.timeline_entries.c.story_id == story_id))
            continue
        members = clusterer.members(story_id)
        rows = conn.execute(
            sa.select(a.c.id, a.c.seq, a.c.title, a.c.published).where(a.c.id.in_(members)).order_by(a.c.seq)
        ).all()
        if not rows:
            continue
        dated = sorted(r.published for r in rows if r.published and r.published[:4].isdigit())
        values = {
            "title": _story_title(rows),
            "size": len(rows),
            "first_date": dated[0] if dated else None,
            "last_date": dated[-1] if dated else None,
            "updated_seq": max(r.seq for r in rows),
            "redirect_to": None,
            "timeline_stale": True,
        }
        if existing:
            conn.execute(sa.update(t.stories).where(t.stories.c.id == story_id).values(**values))
        else:
            conn.execute(
                t.stories.insert().values(id=story_id, summary="", created_seq=rows[0].seq, **values)
            )


def _story_title(rows: Sequence[Any]) -> str:
    """The title of the story's founding article: stable as the story grows."""
    for row in rows:
        if row.title:
            return str(row.title)
    return "(untitled story)"
