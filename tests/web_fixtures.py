"""Databases for the web tests: the sample corpus ingested for real, plus rows written by hand.

``ingest_examples`` runs ``storyline ingest examples/articles``. ``add_hostile_story`` inserts an
article (and a story, an entity and a quote) whose title and text carry script-injection payloads.
``build_invented_db`` writes a small invented corpus row by row (two stories, overlapping spans)
for tests that need exact, known content. All texts here are invented.
"""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from storyline.corpus.registry import CorpusEntity
from storyline.store import Store
from storyline.store import schema as t

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"

SCRIPT_PAYLOAD = "<script>alert(1)</script>"
IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = f"Harbour notice {SCRIPT_PAYLOAD} {IMG_PAYLOAD}"
HOSTILE_TEXT = (
    f"Mayor Ilse Brandt said on Monday that the notice {SCRIPT_PAYLOAD} was a prank.\n\n"
    f'"Nobody should click {IMG_PAYLOAD} in any message," Brandt said.\n\n'
    "The harbour office reopened on March 3, 2021."
)
HOSTILE_STORY = "s_0000000000aa"
HOSTILE_ARTICLE = "a_00000000000000aa"
HOSTILE_ENTITY = "e_hostile"


_BUILT: dict[str, str] = {}


def corpus_db(folder: Path) -> str:
    """The sample corpus ingested for real, plus the hostile story; built once per test run."""
    if "corpus" not in _BUILT:
        db = str(folder / "corpus.db")
        ingest_examples(db)
        add_hostile_story(db)
        _BUILT["corpus"] = db
    return _BUILT["corpus"]


def invented_db(folder: Path) -> str:
    """The invented corpus plus the hostile story; built once per test run."""
    if "invented" not in _BUILT:
        db = str(folder / "invented.db")
        build_invented_db(db)
        add_hostile_story(db)
        _BUILT["invented"] = db
    return _BUILT["invented"]


@contextmanager
def running_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free local port; yield its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def ingest_examples(db: str) -> None:
    """Run the real pipeline over ``examples/articles`` into ``db``; raise when it fails."""
    from storyline.cli import main

    code = main(["ingest", str(EXAMPLES), "--db", db, "--quiet"])
    if code != 0:
        raise RuntimeError(f"storyline ingest examples/articles exited with {code}")


def article_id_for(title: str) -> str:
    return "a_" + hashlib.sha256(title.encode()).hexdigest()[:16]


@dataclass
class InventedArticle:
    """One hand-written article; spans are given as phrases and located in the text."""

    title: str
    outlet: str
    published: str
    text: str
    mentions: list[tuple[str, str, str]] = field(default_factory=list)  # (phrase, label, entity_id)
    timexes: list[tuple[str, str]] = field(default_factory=list)  # (phrase, value)
    quotes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (content, cue, speaker name)
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (phrase, date, kind)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)
    fixed_id: str | None = None

    @property
    def id(self) -> str:
        return self.fixed_id or article_id_for(self.title)

    def span(self, phrase: str, after: int = 0) -> tuple[int, int]:
        start = self.text.index(phrase, after)
        return start, start + len(phrase)


def _article_row(article: InventedArticle, seq: int) -> dict[str, Any]:
    raw_id = hashlib.sha256(article.text.encode()).hexdigest()
    return {
        "seq": seq,
        "id": article.id,
        "raw_id": raw_id,
        "source": f"invented/{article.id}.txt",
        "locator": None,
        "kind": "text",
        "url": f"https://news.invalid/{article.id}",
        "title": article.title,
        "outlet": article.outlet,
        "input_text": article.text,
        "text": article.text,
        "offset_map": [],
        "sentences": [],
        "terms": {},
        "extra": {},
        "metadata_date": article.published,
        "html_date": None,
        "crawl_date": None,
        "dateline": None,
        "published": article.published,
        "published_precision": "day",
        "published_confidence": 0.9,
        "published_evidence": [{"kind": "metadata", "text": article.published, "value": article.published}],
        "model": "invented",
        "corpus_done": True,
    }


def insert_article(store: Store, article: InventedArticle, story_id: str | None) -> None:
    """Write one article and everything found in it, as the per-article stages would."""
    aid = article.id
    with store.transaction() as conn:
        seq = (conn.execute(sa.select(sa.func.max(t.articles.c.seq))).scalar() or 0) + 1
        conn.execute(sa.insert(t.articles).values(_article_row(article, seq)))
        conn.execute(
            sa.insert(t.article_sources).values(article_id=aid, source=f"invented/{aid}.txt", locator="")
        )
        store.index_text(conn, [(seq, article.title, article.text)])
        if story_id:
            conn.execute(sa.insert(t.story_articles).values(article_id=aid, story_id=story_id))
        for line_no, (line, reason) in enumerate(article.removed):
            conn.execute(
                sa.insert(t.removed_lines).values(article_id=aid, line_no=line_no, text=line, reason=reason)
            )
        clusters: dict[str, int] = {}
        for idx, (phrase, label, entity_id) in enumerate(article.mentions):
            cluster = clusters.setdefault(entity_id, len(clusters))
            start, end = article.span(phrase)
            conn.execute(
                sa.insert(t.mentions).values(
                    article_id=aid, idx=idx, start=start, end=end, text=phrase, label=label, cluster=cluster
                )
            )
        for entity_id, cluster in clusters.items():
            name, label = next((p, lab) for p, lab, e in article.mentions if e == entity_id)
            conn.execute(
                sa.insert(t.local_entities).values(
                    article_id=aid, cluster=cluster, name=name, label=label, titles=[], entity_id=entity_id
                )
            )
        for idx, (phrase, value) in enumerate(article.timexes):
            start, end = article.span(phrase)
            conn.execute(
                sa.insert(t.timexes).values(
                    article_id=aid,
                    idx=idx,
                    start=start,
                    end=end,
                    text=phrase,
                    type="DATE",
                    value=value,
                    mod=None,
                    anchor="dct",
                    confidence=0.9,
                )
            )
        for idx, (phrase, date, kind) in enumerate(article.events):
            start, end = article.span(phrase)
            conn.execute(
                sa.insert(t.events).values(
                    article_id=aid,
                    idx=idx,
                    start=start,
                    end=end,
                    text=phrase,
                    date=date,
                    precision="day",
                    kind=kind,
                    trigger=None,
                    timex=None,
                    confidence=0.6,
                )
            )
        for idx, (content, cue, speaker_name) in enumerate(article.quotes):
            start, end = article.span(content)
            cue_start, cue_end = article.span(cue, end)
            speaker = None
            if speaker_name:
                speaker_entity = next((e for p, _, e in article.mentions if p == speaker_name), None)
                s_start, s_end = article.span(speaker_name, end)
                speaker = {
                    "surface": speaker_name,
                    "start": s_start,
                    "end": s_end,
                    "name": speaker_name,
                    "cluster": clusters.get(speaker_entity or ""),
                    "entity_id": speaker_entity,
                    "confidence": 0.9,
                    "reason": "named at the cue",
                }
            conn.execute(
                sa.insert(t.quotes).values(
                    id=f"q_{aid[2:]}_{idx}",
                    article_id=aid,
                    idx=idx,
                    start=start,
                    end=end,
                    text=content,
                    kind="direct",
                    cue=cue,
                    cue_start=cue_start,
                    cue_end=cue_end,
                    speaker=speaker,
                    speaker_cluster=speaker["cluster"] if speaker else None,
                    confidence=0.8,
                    date=article.published,
                    note=None,
                )
            )


def insert_story(
    store: Store,
    story_id: str,
    title: str,
    summary: str,
    articles: list[InventedArticle],
    entries: list[dict[str, Any]],
) -> None:
    """Write a story row and its timeline entries (``entries``: date, text, kind, article index, phrase)."""
    dates = sorted(a.published for a in articles)
    with store.transaction() as conn:
        conn.execute(
            sa.insert(t.stories).values(
                id=story_id,
                title=title,
                summary=summary,
                size=len(articles),
                first_date=dates[0],
                last_date=dates[-1],
                created_seq=1,
                updated_seq=1,
                redirect_to=None,
                timeline_stale=False,
            )
        )
        for idx, entry in enumerate(entries):
            source = articles[entry["article"]]
            start, end = source.span(entry["phrase"])
            conn.execute(
                sa.insert(t.timeline_entries).values(
                    story_id=story_id,
                    idx=idx,
                    id=f"{story_id}_{idx}",
                    date=entry["date"],
                    precision=entry.get("precision", "day"),
                    text=entry["text"],
                    kind=entry["kind"],
                    article_ids=[source.id],
                    spans=[{"article_id": source.id, "start": start, "end": end}],
                )
            )


def insert_entities(store: Store, entities: list[dict[str, Any]]) -> None:
    """Registry entities, their ``data`` in the registry's own format (``CorpusEntity.to_dict``)."""
    with store.transaction() as conn:
        for entity in entities:
            record = CorpusEntity(
                id=entity["id"],
                name=entity["name"],
                type=entity["type"],
                aliases=entity.get("aliases", {entity["name"]: 1}),
                labels={entity["type"]: entity.get("mentions", 1)},
                mention_count=entity.get("mentions", 1),
            )
            conn.execute(
                sa.insert(t.entities).values(
                    id=record.id,
                    name=record.name,
                    type=record.type,
                    mention_count=record.mention_count,
                    redirect_to=None,
                    data=record.to_dict(),
                )
            )


def add_hostile_story(db: str) -> None:
    """An article, story, entity and quote whose title and text carry HTML/script payloads."""
    store = Store(db)
    try:
        article = InventedArticle(
            title=HOSTILE_TITLE,
            outlet=f"Outlet {IMG_PAYLOAD}",
            published="2021-03-01",
            text=HOSTILE_TEXT,
            mentions=[("Ilse Brandt", "PERSON", HOSTILE_ENTITY), ("Brandt", "PERSON", HOSTILE_ENTITY)],
            timexes=[("on Monday", "2021-03-01"), ("March 3, 2021", "2021-03-03")],
            quotes=[(f"Nobody should click {IMG_PAYLOAD} in any message", "said", "Brandt")],
            events=[(f"the notice {SCRIPT_PAYLOAD} was a prank", "2021-03-01", "news")],
            removed=[(f"Share {SCRIPT_PAYLOAD}", "share-widget")],
            fixed_id=HOSTILE_ARTICLE,
        )
        insert_article(store, article, story_id=None)
        insert_entities(
            store,
            [
                {
                    "id": HOSTILE_ENTITY,
                    "name": f"Ilse Brandt {SCRIPT_PAYLOAD}",
                    "type": "PERSON",
                    "aliases": {"Ilse Brandt": 1, "Brandt": 1, IMG_PAYLOAD: 1},
                    "mentions": 2,
                }
            ],
        )
        with store.transaction() as conn:
            conn.execute(
                sa.insert(t.story_articles).values(article_id=HOSTILE_ARTICLE, story_id=HOSTILE_STORY)
            )
            conn.execute(
                sa.insert(t.stories).values(
                    id=HOSTILE_STORY,
                    title=HOSTILE_TITLE,
                    summary=f"Summary {IMG_PAYLOAD} {SCRIPT_PAYLOAD}",
                    size=1,
                    first_date="2021-03-01",
                    last_date="2021-03-03",
                    created_seq=1,
                    updated_seq=1,
                    redirect_to=None,
                    timeline_stale=False,
                )
            )
            start = HOSTILE_TEXT.index(SCRIPT_PAYLOAD)
            conn.execute(
                sa.insert(t.timeline_entries).values(
                    story_id=HOSTILE_STORY,
                    idx=0,
                    id=f"{HOSTILE_STORY}_0",
                    date="2021-03-01",
                    precision="day",
                    text=f"A notice {SCRIPT_PAYLOAD} {IMG_PAYLOAD} was called a prank.",
                    kind="news",
                    article_ids=[HOSTILE_ARTICLE],
                    spans=[
                        {"article_id": HOSTILE_ARTICLE, "start": start, "end": start + len(SCRIPT_PAYLOAD)}
                    ],
                )
            )
    finally:
        store.close()


# ---- the invented corpus -------------------------------------------------------------------------

BRIDGE = [
    InventedArticle(
        title="Council shuts Old Mill bridge after cracks found",
        outlet="Riverside Courier",
        published="2022-04-12",
        text=(
            "Riverside council closed the Old Mill bridge on Tuesday after engineers found cracks in two piers.\n\n"
            '"We will not take risks with a bridge this old," council leader Marta Quell said.\n\n'
            "The bridge was built in 1908 and last repaired in 1987."
        ),
        mentions=[
            ("Riverside council", "ORG", "e_council"),
            ("Old Mill bridge", "FAC", "e_bridge"),
            ("Marta Quell", "PERSON", "e_quell"),
        ],
        timexes=[("on Tuesday", "2022-04-12"), ("in 1908", "1908"), ("in 1987", "1987")],
        quotes=[("We will not take risks with a bridge this old", "said", "Marta Quell")],
        events=[
            ("closed the Old Mill bridge on Tuesday", "2022-04-12", "news"),
            ("The bridge was built in 1908", "1908", "background"),
        ],
        removed=[("Subscribe to our newsletter", "boilerplate"), ("Share this story", "share-widget")],
    ),
    InventedArticle(
        title="Old Mill bridge repairs to take six months",
        outlet="Valley Herald",
        published="2022-05-03",
        text=(
            "Repairs to the Old Mill bridge will take six months, Marta Quell told residents on May 3.\n\n"
            '"The piers come first, then the deck," Quell said. Ferries will run until October.'
        ),
        mentions=[
            ("Old Mill bridge", "FAC", "e_bridge"),
            ("Marta Quell", "PERSON", "e_quell"),
            ("Quell", "PERSON", "e_quell"),
        ],
        timexes=[("on May 3", "2022-05-03"), ("October", "2022-10")],
        quotes=[("The piers come first, then the deck", "said", "Quell")],
        events=[("Ferries will run until October", "2022-10", "news")],
    ),
    InventedArticle(
        title="Old Mill bridge reopens to traffic",
        outlet="Riverside Courier",
        published="2022-10-28",
        text=(
            "The Old Mill bridge reopened on Friday, two weeks ahead of schedule.\n\n"
            '"It is stronger than it has been in a century," Marta Quell said at the ribbon cutting.'
        ),
        mentions=[("Old Mill bridge", "FAC", "e_bridge"), ("Marta Quell", "PERSON", "e_quell")],
        timexes=[("on Friday", "2022-10-28")],
        quotes=[("It is stronger than it has been in a century", "said", "Marta Quell")],
        events=[("The Old Mill bridge reopened on Friday", "2022-10-28", "news")],
    ),
]

LIBRARY = [
    InventedArticle(
        title="Library staff vote to strike over rotas",
        outlet="Valley Herald",
        published="2022-06-20",
        text=(
            "Staff at the Eastgate library voted on Monday to strike from July 1 over weekend rotas.\n\n"
            '"Nobody wants closed doors," union steward Tomas Brehm said.'
        ),
        mentions=[("Eastgate library", "ORG", "e_library"), ("Tomas Brehm", "PERSON", "e_brehm")],
        timexes=[("on Monday", "2022-06-20"), ("July 1", "2022-07-01")],
        quotes=[("Nobody wants closed doors", "said", "Tomas Brehm")],
        events=[("voted on Monday to strike", "2022-06-20", "news")],
    ),
    InventedArticle(
        title="Eastgate library strike ends with rota deal",
        outlet="Riverside Courier",
        published="2022-07-15",
        text=(
            "The strike at the Eastgate library ended on Friday after managers agreed to a new rota.\n\n"
            '"We got what we asked for," Tomas Brehm said.'
        ),
        mentions=[("Eastgate library", "ORG", "e_library"), ("Tomas Brehm", "PERSON", "e_brehm")],
        timexes=[("on Friday", "2022-07-15")],
        quotes=[("We got what we asked for", "said", "Tomas Brehm")],
        events=[("The strike at the Eastgate library ended on Friday", "2022-07-15", "news")],
    ),
]


def build_invented_db(db: str) -> None:
    """Write the invented corpus (two stories, five articles) into a new store at ``db``."""
    store = Store(db)
    try:
        for article in BRIDGE:
            insert_article(store, article, "s_bridge000001")
        for article in LIBRARY:
            insert_article(store, article, "s_library00001")
        insert_story(
            store,
            "s_bridge000001",
            BRIDGE[0].title,
            "The Old Mill bridge closed for repairs and reopened.",
            BRIDGE,
            [
                {
                    "date": "1908",
                    "precision": "year",
                    "text": "The bridge was built.",
                    "kind": "background",
                    "article": 0,
                    "phrase": "The bridge was built in 1908",
                },
                {
                    "date": "2022-04-12",
                    "text": "The council closed the bridge.",
                    "kind": "news",
                    "article": 0,
                    "phrase": "closed the Old Mill bridge on Tuesday",
                },
                {
                    "date": "2022-05-03",
                    "text": "Repairs will take six months.",
                    "kind": "news",
                    "article": 1,
                    "phrase": "Repairs to the Old Mill bridge will take six months",
                },
                {
                    "date": "2022-10-28",
                    "text": "The bridge reopened.",
                    "kind": "news",
                    "article": 2,
                    "phrase": "The Old Mill bridge reopened on Friday",
                },
                {
                    "date": "XXXX-06-01",
                    "text": "An undated remark.",
                    "kind": "news",
                    "article": 1,
                    "phrase": "Ferries will run until October",
                },
            ],
        )
        insert_story(
            store,
            "s_library00001",
            LIBRARY[0].title,
            "Library staff struck over rotas and won a deal.",
            LIBRARY,
            [
                {
                    "date": "2022-06-20",
                    "text": "Staff voted to strike.",
                    "kind": "news",
                    "article": 0,
                    "phrase": "voted on Monday to strike",
                },
                {
                    "date": "2022-07-15",
                    "text": "The strike ended.",
                    "kind": "news",
                    "article": 1,
                    "phrase": "The strike at the Eastgate library ended on Friday",
                },
            ],
        )
        insert_entities(
            store,
            [
                {
                    "id": "e_quell",
                    "name": "Marta Quell",
                    "type": "PERSON",
                    "aliases": {"Marta Quell": 3, "Quell": 1},
                    "mentions": 4,
                },
                {"id": "e_bridge", "name": "Old Mill bridge", "type": "FAC", "mentions": 3},
                {"id": "e_council", "name": "Riverside council", "type": "ORG", "mentions": 1},
                {"id": "e_library", "name": "Eastgate library", "type": "ORG", "mentions": 2},
                {"id": "e_brehm", "name": "Tomas Brehm", "type": "PERSON", "mentions": 2},
            ],
        )
        with store.transaction() as conn:
            a, b = BRIDGE[0], BRIDGE[2]
            conn.execute(
                sa.insert(t.reuse).values(
                    a=a.id,
                    b=b.id,
                    kind="passage",
                    similarity=0.42,
                    first=a.id,
                    spans=[{"a_start": 0, "a_end": 20, "b_start": 0, "b_end": 20}],
                )
            )
    finally:
        store.close()
