"""JSON routes under ``/api/``: stories, articles, quotes, entities, search, and entity edits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Generic, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection

from storyline.serve import queries_extra as qx
from storyline.store import queries as q

T = TypeVar("T")

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def get_conn(request: Request) -> Iterator[Connection]:
    """One read connection per request."""
    with request.app.state.store.engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(get_conn)]
Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, description="items to skip")]
Since = Annotated[
    str | None, Query(pattern=DATE_PATTERN, description="on or after (YYYY, YYYY-MM or YYYY-MM-DD)")
]
Until = Annotated[
    str | None, Query(pattern=DATE_PATTERN, description="on or before (YYYY, YYYY-MM or YYYY-MM-DD)")
]


class Out(BaseModel):
    """Base of every response model: built from query rows, extra row fields ignored."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)


class Page(Out, Generic[T]):
    total: int = Field(description="items matching the filters, all pages together")
    limit: int
    offset: int
    items: list[T]


# ---- models ----------------------------------------------------------------------------------


class StoryBrief(Out):
    id: str
    title: str
    summary: str = ""
    size: int = 0
    first_date: str | None = None
    last_date: str | None = None
    outlets: list[str] = []


class SourceSpanOut(Out):
    article_id: str
    start: int
    end: int


class TimelineEntryOut(Out):
    id: str
    date: str = Field(description="TIMEX3 value")
    precision: str
    text: str
    kind: str = Field(description="news or background")
    article_ids: list[str]
    spans: list[SourceSpanOut]


class ArticleBrief(Out):
    id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_precision: str | None = None
    story_id: str | None = None


class StoryEventOut(Out):
    kind: str
    story_id: str
    other: str | None = None
    at_seq: int
    reason: str | None = None


class EntityCount(Out):
    id: str
    name: str
    type: str
    mentions: int


class StoryOut(StoryBrief):
    requested_id: str
    timeline: list[TimelineEntryOut]
    articles: list[ArticleBrief]
    events: list[StoryEventOut]
    entities: list[EntityCount]


class RemovedLineOut(Out):
    line_no: int
    text: str
    reason: str


class TimexOut(Out):
    idx: int
    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    anchor: str | None = None
    confidence: float


class EventOut(Out):
    idx: int
    start: int
    end: int
    text: str
    date: str | None = None
    precision: str
    kind: str
    trigger: str | None = None
    timex: int | None = None
    confidence: float


class MentionOut(Out):
    idx: int
    start: int
    end: int
    text: str
    label: str
    cluster: int


class LocalEntityOut(Out):
    cluster: int
    name: str
    label: str
    titles: list[str] = []
    entity_id: str | None = None


class SpeakerOut(Out):
    surface: str | None = None
    start: int | None = None
    end: int | None = None
    name: str | None = None
    cluster: int | None = None
    entity_id: str | None = None
    entity_name: str | None = Field(default=None, description="the registry's name of the speaker's entity")
    confidence: float = 0.0
    reason: str | None = None


class ArticleQuote(Out):
    id: str
    idx: int
    start: int
    end: int
    text: str
    kind: str
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: SpeakerOut | None = None
    confidence: float
    date: str | None = None
    note: str | None = None
    parts: list[tuple[int, int]] = Field(
        default_factory=list, description="the quoted fragments [start, end] when a cue interrupts the quote"
    )
    words: str | None = Field(
        default=None, description="the quote's own words: its fragments joined by ' … '"
    )


class QuoteListed(ArticleQuote):
    article_id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None


class ReusedSpanOut(Out):
    a_start: int
    a_end: int
    b_start: int
    b_end: int


class ReuseOut(Out):
    a: str
    b: str
    kind: str = Field(description="duplicate or passage")
    similarity: float
    spans: list[ReusedSpanOut]
    first: str | None = None


class EvidenceOut(Out):
    kind: str
    text: str
    value: str | None = None
    start: int | None = None
    end: int | None = None


class DatelineOut(Out):
    place: str | None = None
    date: str | None = None
    text: str
    start: int
    end: int
    agency: str | None = None


class ArticleSourceOut(Out):
    source: str
    locator: str | None = None


class ArticleOut(Out):
    id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    source: str
    kind: str
    locator: str | None = None
    published: str | None = None
    published_precision: str
    published_confidence: float
    published_evidence: list[EvidenceOut]
    dateline: DatelineOut | None = None
    text: str = Field(description="cleaned text; every offset points here")
    removed_lines: list[RemovedLineOut]
    timexes: list[TimexOut]
    events: list[EventOut]
    local_entities: list[LocalEntityOut]
    mentions: list[MentionOut]
    quotes: list[ArticleQuote]
    reuse: list[ReuseOut]
    sources: list[ArticleSourceOut]
    story_id: str | None = None


class EntityBrief(Out):
    id: str
    name: str
    type: str
    mention_count: int


class PeriodCount(Out):
    period: str
    count: int


class EntityMentionOut(Out):
    article_id: str
    start: int
    end: int
    text: str
    published: str | None = None
    title: str | None = None
    outlet: str | None = None


class StoryRef(Out):
    id: str
    title: str


class EntityOut(EntityBrief):
    aliases: dict[str, int] = Field(description="other names with their mention counts")
    titles: list[str]
    related: list[Any]
    mentions_by_month: list[PeriodCount]
    undated_mentions: int
    mentions: list[EntityMentionOut]
    stories: list[StoryRef]
    quotes_by: list[QuoteListed]
    quotes_about: list[QuoteListed]


class SearchHit(Out):
    id: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    snippet: str | None = Field(None, description="matching passage; matched words between [ and ]")


class MergeRequest(BaseModel):
    keep: str = Field(description="entity id or name that survives")
    other: str = Field(description="entity id or name merged into it")


class RenameRequest(BaseModel):
    entity: str = Field(description="entity id or name")
    name: str = Field(min_length=1, max_length=200)


class EditResult(BaseModel):
    message: str


# ---- routes ----------------------------------------------------------------------------------

router = APIRouter(prefix="/api")


@router.get("/outlets", response_model=list[str], tags=["articles"])
def list_outlets(conn: Conn) -> list[str]:
    """Every outlet with at least one article."""
    return qx.outlets(conn)


@router.get("/stories", response_model=Page[StoryBrief], tags=["stories"])
def stories(
    conn: Conn,
    since: Since = None,
    until: Until = None,
    outlet: str | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Live stories, largest and latest first; filter by active date range and covering outlet."""
    total, rows = qx.stories_page(conn, since=since, until=until, outlet=outlet, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.get("/stories/{story_id}", response_model=StoryOut, tags=["stories"])
def story(story_id: str, conn: Conn) -> dict[str, Any]:
    """A story with its summary, timeline, articles and recorded merges (merged-away ids redirect)."""
    return story_detail(conn, story_id)


def story_detail(conn: Connection, story_id: str) -> dict[str, Any]:
    found = q.story(conn, story_id)
    if found is None:
        raise HTTPException(404, f"no story {story_id!r}")
    found["articles"] = [
        {**brief, "story_id": found["id"]} for brief in qx.article_briefs(conn, found["article_ids"])
    ]
    found["outlets"] = qx.story_outlets(conn, [found["id"]]).get(found["id"], [])
    found["entities"] = qx.story_entities(conn, found["id"])
    return found


@router.get("/articles", response_model=Page[ArticleBrief], tags=["articles"])
def articles(
    conn: Conn,
    since: Since = None,
    until: Until = None,
    outlet: str | None = None,
    story: str | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Articles, newest first; filter by publication date range, outlet and story."""
    total, rows = qx.articles_page(
        conn, since=since, until=until, outlet=outlet, story_id=story, limit=limit, offset=offset
    )
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.get("/articles/{article_id}", response_model=ArticleOut, tags=["articles"])
def article(article_id: str, conn: Conn) -> dict[str, Any]:
    """One article: cleaned text, removed lines, time expressions, events, entities, quotes, reuse."""
    return article_detail(conn, article_id)


def article_detail(conn: Connection, article_id: str) -> dict[str, Any]:
    found = q.article(conn, article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    found.pop("input_text", None)
    return found


@router.get("/quotes", response_model=Page[QuoteListed], tags=["quotes"])
def quotes(
    conn: Conn,
    speaker: str | None = Query(None, description="speaker name (part of it), alias or entity id"),
    story: str | None = None,
    since: Since = None,
    until: Until = None,
    outlet: str | None = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Quotes, oldest first; filter by speaker, story, date range and outlet."""
    total, rows = qx.quotes_page(
        conn,
        speaker=speaker,
        story_id=story,
        since=since,
        until=until,
        outlet=outlet,
        limit=limit,
        offset=offset,
    )
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.get("/entities", response_model=Page[EntityBrief], tags=["entities"])
def entities(
    conn: Conn,
    type: str | None = Query(None, description="PERSON, ORG, GPE, LOC, NORP, ..."),
    name: str | None = Query(None, description="part of the name"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Entities of the corpus registry, most mentioned first."""
    total, rows = qx.entities_page(conn, type_=type, name=name, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.get("/entities/{entity}", response_model=EntityOut, tags=["entities"])
def entity(entity: str, conn: Conn) -> dict[str, Any]:
    """One entity (by id, name or alias): mentions over time, other names, stories, quotes by and about it."""
    return entity_detail(conn, entity)


def entity_detail(conn: Connection, name_or_id: str) -> dict[str, Any]:
    from storyline.corpus.entity_view import entity_view

    found = q.find_entity(conn, name_or_id)
    if found is None:
        raise HTTPException(404, f"no entity {name_or_id!r}")
    view = entity_view(conn, found)
    months, undated = qx.month_counts([m["published"] for m in view["mentions"]])
    view["mentions_by_month"] = [{"period": month, "count": n} for month, n in months]
    view["undated_mentions"] = undated
    titles = view.get("titles") or []
    view["titles"] = sorted(titles, key=lambda k: -titles[k]) if isinstance(titles, dict) else list(titles)
    related = view.get("related") or []
    view["related"] = (
        [{"relation": k, "ids": v} for k, v in related.items()] if isinstance(related, dict) else related
    )
    return view


@router.get("/search", response_model=Page[SearchHit], tags=["search"])
def search(
    conn: Conn,
    q_: str = Query(..., alias="q", min_length=1, max_length=500, description="words to find"),
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Full-text search over titles and texts, best match first."""
    total, rows = qx.search_page(conn, q_, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


@router.post("/entities/merge", response_model=EditResult, tags=["edits"], responses={403: {}, 400: {}})
def merge_entities(body: MergeRequest, request: Request) -> dict[str, str]:
    """Merge `other` into `keep` (recorded as a rule; needs `--allow-edits`)."""
    return {"message": run_edit(request, "merge", [body.keep, body.other])}


@router.post("/entities/rename", response_model=EditResult, tags=["edits"], responses={403: {}, 400: {}})
def rename_entity(body: RenameRequest, request: Request) -> dict[str, str]:
    """Give an entity a new canonical name (recorded as a rule; needs `--allow-edits`)."""
    return {"message": run_edit(request, "rename", [body.entity, body.name])}


def run_edit(request: Request, action: str, args: list[str]) -> str:
    """Apply an entity correction through ``storyline.corpus.edits.apply_edit``; 403 when edits are off."""
    if not request.app.state.allow_edits:
        raise HTTPException(403, "edits are disabled; start the server with --allow-edits")
    try:
        from storyline.corpus.edits import EditError, apply_edit
    except ImportError as error:
        raise HTTPException(501, f"entity edits are not available ({error})") from None
    try:
        return str(apply_edit(request.app.state.store, action, args))
    except EditError as error:
        raise HTTPException(400, str(error)) from None
