"""The store's tables: one SQLAlchemy definition, rendered for SQLite and PostgreSQL.

Per-article tables are written once per article by the per-article stages; corpus tables
(entities, reuse, stories, timelines) are updated incrementally by the corpus stages.
Bump ``SCHEMA_VERSION`` and add a step to ``store.migrations`` for every change.
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = 4

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

raw_inputs = sa.Table(
    "raw_inputs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the bytes
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("encoding", sa.String(32)),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(32), nullable=False, unique=True),
    sa.Column("raw_id", sa.String(64), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("locator", sa.String(64)),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("input_text", sa.Text, nullable=False),  # decoded input text, before cleaning
    sa.Column("text", sa.Text, nullable=False),  # cleaned text: every offset points here
    sa.Column("offset_map", sa.JSON, nullable=False),
    sa.Column("sentences", sa.JSON, nullable=False),
    sa.Column("terms", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("metadata_date", sa.String(40)),
    sa.Column("html_date", sa.String(40)),
    sa.Column("crawl_date", sa.String(40)),
    sa.Column("dateline", sa.JSON),
    sa.Column("published", sa.String(40)),
    sa.Column("published_precision", sa.String(16), nullable=False),
    sa.Column("published_confidence", sa.Float, nullable=False),
    sa.Column("published_evidence", sa.JSON, nullable=False),
    sa.Column("model", sa.String(80), nullable=False),
    sa.Column("corpus_done", sa.Boolean, nullable=False, default=False),
    sa.Index("ix_articles_pending", "corpus_done", "seq"),
    sa.Index("ix_articles_outlet", "outlet"),
    sa.Index("ix_articles_published", "published"),
)

article_sources = sa.Table(
    "article_sources",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("locator", sa.String(64), primary_key=True, default=""),
)

removed_lines = sa.Table(
    "removed_lines",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("line_no", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("reason", sa.String(80), nullable=False),
)

outlet_lines = sa.Table(
    "outlet_lines",
    metadata,
    sa.Column("outlet", sa.Text, primary_key=True),
    sa.Column("fingerprint", sa.Text, primary_key=True),
    sa.Column("articles", sa.Integer, nullable=False),
)

timexes = sa.Table(
    "timexes",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("value", sa.String(64), nullable=False),
    sa.Column("mod", sa.String(32)),
    sa.Column("anchor", sa.String(32)),
    sa.Column("confidence", sa.Float, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("date", sa.String(64)),
    sa.Column("precision", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("trigger", sa.Text),
    sa.Column("timex", sa.Integer),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Index("ix_events_date", "date"),
)

local_entities = sa.Table(
    "local_entities",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("cluster", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
    sa.Column("titles", sa.JSON, nullable=False),
    sa.Column("entity_id", sa.String(32)),
    sa.Index("ix_local_entities_entity", "entity_id"),
)

mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("label", sa.String(16), nullable=False),
    sa.Column("cluster", sa.Integer, nullable=False),
)

quotes = sa.Table(
    "quotes",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("article_id", sa.String(32), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("cue", sa.Text),
    sa.Column("cue_start", sa.Integer),
    sa.Column("cue_end", sa.Integer),
    sa.Column("speaker", sa.JSON),
    sa.Column("speaker_cluster", sa.Integer),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("date", sa.String(64)),
    sa.Column("note", sa.Text),
    sa.Column("parts", sa.JSON),  # [[start, end], ...]: the quoted fragments when a cue interrupts them
    sa.Index("ix_quotes_article", "article_id"),
)

entities = sa.Table(
    "entities",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("mention_count", sa.Integer, nullable=False, default=0),
    sa.Column("redirect_to", sa.String(32)),
    sa.Column("ignored", sa.Boolean, nullable=False, default=False),  # a user said: not an entity
    sa.Column(
        "data", sa.JSON, nullable=False
    ),  # the registry's state of the entity: aliases, titles, mentions...
    sa.Index("ix_entities_name", "name"),
)

entity_rules = sa.Table(
    "entity_rules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("op", sa.String(16), nullable=False),
    sa.Column("args", sa.JSON, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

reuse = sa.Table(
    "reuse",
    metadata,
    sa.Column("a", sa.String(32), primary_key=True),
    sa.Column("b", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("similarity", sa.Float, nullable=False),
    sa.Column("spans", sa.JSON, nullable=False),
    sa.Column("first", sa.String(32)),
    sa.Index("ix_reuse_b", "b"),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("size", sa.Integer, nullable=False, default=0),
    sa.Column("first_date", sa.String(40)),
    sa.Column("last_date", sa.String(40)),
    sa.Column("created_seq", sa.Integer, nullable=False),
    sa.Column("updated_seq", sa.Integer, nullable=False),
    sa.Column("redirect_to", sa.String(32)),
    sa.Column("timeline_stale", sa.Boolean, nullable=False, default=True),
)

story_articles = sa.Table(
    "story_articles",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("story_id", sa.String(32), nullable=False),
    sa.Index("ix_story_articles_story", "story_id"),
)

story_events = sa.Table(
    "story_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # create | merge | split | move
    sa.Column("story_id", sa.String(32), nullable=False),
    sa.Column("other", sa.String(32)),
    sa.Column("at_seq", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text),
)

timeline_entries = sa.Table(
    "timeline_entries",
    metadata,
    sa.Column("story_id", sa.String(32), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("id", sa.String(40), nullable=False),
    sa.Column("date", sa.String(40), nullable=False),
    sa.Column("precision", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("article_ids", sa.JSON, nullable=False),
    sa.Column("spans", sa.JSON, nullable=False),
)

# The reuse index kept in the store (schema version 2), so that its memory does not grow with the
# corpus: one sketch per article (16-bit MinHash signatures of the article and of its passage
# windows, the windows' character spans) and one row per LSH band of each signature.
reuse_sketches = sa.Table(
    "reuse_sketches",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("published", sa.String(40)),
    sa.Column("signature", sa.LargeBinary, nullable=False),
    sa.Column("passages", sa.LargeBinary, nullable=False),
    sa.Column("spans", sa.LargeBinary, nullable=False),
    sa.Column("extent_start", sa.Integer, nullable=False),
    sa.Column("extent_end", sa.Integer, nullable=False),
    sa.Index("ix_reuse_sketches_seq", "seq", unique=True),
)

reuse_bands = sa.Table(
    "reuse_bands",
    metadata,
    # key first: lookups are by key (= ANY of an article's band keys), and with the key leading the
    # primary-key index serves them even before PostgreSQL has statistics for the table
    sa.Column("key", sa.BigInteger, primary_key=True),  # hash of (band number, band values)
    sa.Column("kind", sa.SmallInteger, primary_key=True),  # 0 = whole article, 1 = passage window
    sa.Column("seq", sa.Integer, primary_key=True),  # the article's arrival rank (reuse_sketches.seq)
    sa.Column("part", sa.Integer, primary_key=True),  # window number; 0 for the article
    sqlite_with_rowid=False,  # the table is its primary-key index: half the size
)

# The story clusterer's kept features of every article (schema version 2), read back when a story's
# members are re-checked; kept here so that the clusterer's memory does not grow with the corpus.
story_features = sa.Table(
    "story_features",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
)

# The story clusterer's stories (schema version 3): one row per live story (its profile, members and
# their arrival), or the story it was merged into; a chunk of articles rewrites only the stories it touched.
story_state = sa.Table(
    "story_state",
    metadata,
    sa.Column("story_id", sa.String(32), primary_key=True),
    sa.Column("redirect_to", sa.String(32)),
    sa.Column("data", sa.JSON),
)

# The story clusterer's document frequencies (schema version 3): a term (kind 0) or entity (kind 1)
# with its article count, and its count at the last idf snapshot (null when first seen after it).
story_df = sa.Table(
    "story_df",
    metadata,
    sa.Column("kind", sa.SmallInteger, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),  # a lemma or a normalized entity name, any length
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("snapshot", sa.Integer),
)

corpus_state = sa.Table(
    "corpus_state",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("state", sa.LargeBinary, nullable=False),
)

#: Tables whose rows belong to one article (deleted with it).
PER_ARTICLE_TABLES = (removed_lines, timexes, events, local_entities, mentions, quotes)
