"""Server-rendered HTML pages: stories, story timeline, articles, quotes, speakers, entities, search.

Everything from the database is untrusted: templates autoescape, and the two helpers that build
markup here (``highlight`` and the snippet marker) escape every piece of text themselves.
Charts are inline SVG whose geometry is computed here; the templates only draw it.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from sqlalchemy.engine import Connection
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.serve import queries_extra as qx
from storyline.serve.api import Conn, article_detail, entity_detail, run_edit, story_detail
from storyline.store import queries as q

TEMPLATES_DIR = Path(__file__).parent / "templates"
PAGE_SIZE = 20
_DATE_PARAM = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_EPOCH = date(1970, 1, 1)


def _quote_path(value: str) -> str:
    return quote(str(value), safe="")


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) URL, else None (never a ``javascript:`` link)."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def _short(text: str | None, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined)
    env.filters["qp"] = _quote_path
    env.filters["short"] = _short
    env.filters["safe_url"] = safe_url
    env.filters["pct"] = lambda value: f"{100 * float(value or 0):.0f}%"
    return env


templates = Jinja2Templates(env=_environment())
router = APIRouter(include_in_schema=False)


# ---- highlighting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text to highlight: ``css`` classes, a tooltip, and an optional anchor id at its start."""

    start: int
    end: int
    css: str
    title: str = ""
    anchor: str | None = None


def highlight(text: str, spans: list[Span]) -> Markup:
    """``text`` as HTML with every span wrapped in ``<mark>``; overlapping spans are flattened.

    The text is cut at every span boundary; each piece is escaped and, when spans cover it, wrapped
    in one ``<mark>`` carrying the classes and tooltips of all of them.
    """
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    anchors: dict[int, list[str]] = {}
    for span in valid:
        if span.anchor:
            anchors.setdefault(span.start, []).append(span.anchor)
    pieces: list[Markup] = []
    for left, right in itertools.pairwise(cuts):
        for anchor in dict.fromkeys(anchors.get(left, [])):
            pieces.append(Markup('<span class="anchor" id="{}"></span>').format(anchor))
        covering = [s for s in valid if s.start <= left and right <= s.end]
        piece = escape(text[left:right])
        if not covering:
            pieces.append(piece)
            continue
        classes = " ".join(dict.fromkeys(c for s in covering for c in s.css.split()))
        titles = " · ".join(dict.fromkeys(s.title for s in covering if s.title))
        pieces.append(Markup('<mark class="{}" title="{}">{}</mark>').format(classes, titles, piece))
    return Markup("").join(pieces)


def mark_snippet(snippet: str | None) -> Markup:
    """A search snippet with its ``[matched]`` words wrapped in ``<mark>``, every piece escaped."""
    pieces: list[Markup] = []
    for i, part in enumerate(re.split(r"\[([^\[\]]*)\]", snippet or "")):
        pieces.append(Markup("<mark>{}</mark>").format(part) if i % 2 else escape(part))
    return Markup("").join(pieces)


def parse_spans(values: list[str], length: int) -> list[tuple[int, int]]:
    """``START-END`` strings from the ``span`` query parameter, kept when inside the text."""
    found = []
    for value in values:
        match = re.fullmatch(r"(\d{1,9})-(\d{1,9})", value.strip())
        if match and int(match[1]) < int(match[2]) <= length:
            found.append((int(match[1]), int(match[2])))
    return found


def article_spans(article: dict[str, Any], sources: list[tuple[int, int]]) -> list[Span]:
    """Highlights of an article: entity mentions, time expressions, quotes, speakers, cues, source spans."""
    names = {e["cluster"]: e["name"] for e in article["local_entities"]}
    spans = [
        Span(
            m["start"],
            m["end"],
            f"m-ent m-{m['label'].lower()}",
            f"{m['label']}: {names.get(m['cluster'], m['text'])}",
        )
        for m in article["mentions"]
    ]
    spans += [
        Span(x["start"], x["end"], "m-time", f"{x['type']} {x['value']}", anchor=f"timex-{x['idx']}")
        for x in article["timexes"]
    ]
    for quote_row in article["quotes"]:
        speaker = quote_row["speaker"] or {}
        who = speaker.get("name") or speaker.get("surface") or "unknown speaker"
        for n, (start, end) in enumerate(q.quote_parts(quote_row)):
            anchor = f"quote-{quote_row['idx']}" if n == 0 else None
            spans.append(Span(start, end, "m-quote", f"{quote_row['kind']} quote: {who}", anchor))
        if quote_row["cue_start"] is not None and quote_row["cue_end"] is not None:
            spans.append(
                Span(quote_row["cue_start"], quote_row["cue_end"], "m-cue", f"cue: {quote_row['cue'] or ''}")
            )
        if speaker.get("start") is not None and speaker.get("end") is not None:
            spans.append(Span(speaker["start"], speaker["end"], "m-speaker", f"speaker: {who}"))
    for start, end in sources:
        inner_start, inner_end = _strip_span(article["text"], start, end)
        spans.append(
            Span(inner_start, inner_end, "m-source", "requested passage", anchor=f"span-{start}-{end}")
        )
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its leading and trailing whitespace (kept whole when it is all whitespace)."""
    piece = text[start:end]
    if not piece.strip():
        return start, end
    return start + len(piece) - len(piece.lstrip()), end - (len(piece) - len(piece.rstrip()))


# ---- dates and charts ------------------------------------------------------------------------

_SEASONS = {"SP": (3, 6), "SU": (6, 9), "FA": (9, 12), "WI": (12, 15)}


def _day(year: int, month: int = 1, day: int = 1) -> int:
    """Days since 1970-01-01 of a date; months past 12 roll into the next year."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return (date(year, month, day) - _EPOCH).days


def timex_interval(value: str | None) -> tuple[int, int] | None:
    """The days a TIMEX3 value covers, as ``[start, end)`` day numbers; None when the year is unknown."""
    if value and re.fullmatch(r"\d{2,3}", value):  # century or decade
        scale = 10 ** (4 - len(value))
        return _day(max(int(value) * scale, 1)), _day(int(value) * scale + scale)
    if not value or not re.match(r"\d{4}", value):
        return None
    year, rest = int(value[:4]), value[4:]
    try:
        if m := re.match(r"^-(\d{2})-(\d{2})", rest):
            start = _day(year, int(m[1]), int(m[2]))
            return start, start + 1
        if m := re.match(r"^-W(\d{2})", rest):
            start = (date.fromisocalendar(year, int(m[1]), 1) - _EPOCH).days
            return start, start + 7
        if m := re.match(r"^-(\d{2})(?!\d)", rest):
            return _day(year, int(m[1])), _day(year, int(m[1]) + 1)
        if m := re.match(r"^-(SP|SU|FA|WI)", rest):
            first, after = _SEASONS[m[1]]
            return _day(year, first), _day(year, after)
        if m := re.match(r"^-Q([1-4])", rest):
            return _day(year, 3 * int(m[1]) - 2), _day(year, 3 * int(m[1]) + 1)
        if m := re.match(r"^-H([12])", rest):
            return _day(year, 6 * int(m[1]) - 5), _day(year, 6 * int(m[1]) + 1)
    except ValueError:
        return None
    return _day(year), _day(year + 1)


def _day_label(day: int, unit: str) -> str:
    when = _EPOCH + timedelta(days=day)
    if unit == "year":
        return str(when.year)
    if unit == "month":
        return when.strftime("%b %Y")
    return when.strftime("%-d %b %Y")


#: Tick steps, finest first: (unit, count).
_TICK_STEPS = (
    ("day", 1),
    ("day", 2),
    ("day", 7),
    ("day", 14),
    ("month", 1),
    ("month", 3),
    ("month", 6),
    ("year", 1),
    ("year", 2),
    ("year", 5),
    ("year", 10),
    ("year", 20),
    ("year", 50),
    ("year", 100),
)


def axis_ticks(first: float, last: float, width: float, min_gap: float = 90) -> list[dict[str, Any]]:
    """Calendar ticks between two day numbers, spaced at least ``min_gap`` pixels apart."""
    span = max(last - first, 1)
    approx = {"day": 1, "month": 30.44, "year": 365.25}
    unit, step = next(
        ((u, n) for u, n in _TICK_STEPS if approx[u] * n / span * width >= min_gap), _TICK_STEPS[-1]
    )
    start = _EPOCH + timedelta(days=math.floor(first))
    ticks = []
    if unit == "day":
        day = math.floor(first)
        day -= day % step
        while day <= last:
            ticks.append(day)
            day += step
    elif unit == "month":
        index = start.year * 12 + start.month - 1
        index -= index % step
        while (tick := _day(index // 12, index % 12 + 1)) <= last:
            ticks.append(tick)
            index += step
    else:
        year = start.year - start.year % step
        while (tick := _day(max(year, 1))) <= last:
            ticks.append(tick)
            year += step
    placed = [(round((d - first) / span * width, 1), _day_label(d, unit)) for d in ticks if d >= first]
    return [{"x": x, "label": label} for x, label in placed if x <= width - 7 * len(label)]


def bar_chart(counts: list[tuple[str, int]], width: int = 720, height: int = 120) -> dict[str, Any] | None:
    """Bars for ``(YYYY-MM, n)`` counts: geometry, year labels, and a link per bar to that month's articles."""
    if not counts:
        return None
    top = max(n for _, n in counts) or 1
    slot = width / len(counts)
    bars, labels = [], []
    for i, (month, n) in enumerate(counts):
        h = round(n / top * (height - 18 - 14), 1)
        bars.append(
            {
                "x": round(i * slot + 0.5, 1),
                "w": round(max(slot - 1, 1), 1),
                "y": round(height - 18 - h, 1),
                "h": h,
                "month": month,
                "count": n,
            }
        )
        if month.endswith("-01") or i == 0:
            labels.append({"x": round(i * slot, 1), "text": month[:4] if len(counts) > 18 else month})
    if len(counts) <= 18:
        labels = [{"x": round(i * slot, 1), "text": m} for i, (m, _) in enumerate(counts)][
            :: max(1, len(counts) // 8)
        ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "top": top,
        "baseline": height - 18,
    }


def sparkline(counts: list[tuple[str, int]], width: int = 320, height: int = 48) -> dict[str, Any] | None:
    """A line and area through monthly counts, with the peak marked."""
    if not counts:
        return None
    top = max(n for _, n in counts) or 1
    step = width / max(len(counts) - 1, 1)
    points = [
        (round(i * step, 1), round(height - 4 - n / top * (height - 8), 1)) for i, (_, n) in enumerate(counts)
    ]
    if len(points) == 1:
        points = [(0.0, points[0][1]), (float(width), points[0][1])]
    line = " ".join(f"{x},{y}" for x, y in points)
    peak = max(range(len(counts)), key=lambda i: counts[i][1])
    return {
        "width": width,
        "height": height,
        "line": line,
        "area": f"0,{height} {line} {points[-1][0]},{height}",
        "peak": {
            "x": points[min(peak, len(points) - 1)][0],
            "y": points[min(peak, len(points) - 1)][1],
            "month": counts[peak][0],
            "count": counts[peak][1],
        },
        "first": counts[0][0],
        "last": counts[-1][0],
    }


def extent_bars(stories: list[dict[str, Any]], width: int = 160) -> dict[str, dict[str, float]]:
    """Where each story's dated extent lies on the span of all listed stories (for a mini bar per row)."""
    spans = {}
    for story in stories:
        first, last = (
            timex_interval(story["first_date"]),
            timex_interval(story["last_date"] or story["first_date"]),
        )
        if first and last:
            spans[story["id"]] = (first[0], last[1])
    if not spans:
        return {}
    low, high = min(s for s, _ in spans.values()), max(e for _, e in spans.values())
    scale = width / max(high - low, 1)
    return {
        sid: {"x": round((s - low) * scale, 1), "w": round(max((e - s) * scale, 3), 1)}
        for sid, (s, e) in spans.items()
    }


# ---- timeline ----------------------------------------------------------------------------------

TIMELINE_WIDTH = 960
LANE_TOP, LANE_HEIGHT, MAX_LANES, CHAR_WIDTH = 44, 24, 12, 7


def assign_lane(
    lane_ends: list[float], labelled: tuple[float, float], dot: tuple[float, float]
) -> tuple[int, bool]:
    """The lane for an entry, and whether its label fits: ``lane_ends`` holds where each lane is taken up to.

    The entry takes the first lane free for its dot and label, or a new lane while fewer than
    ``MAX_LANES`` exist; failing that, the first lane free for the dot alone (label hidden, the tooltip
    remains), or else an overflow row below the others.
    """
    for lane, end in enumerate(lane_ends[:MAX_LANES]):
        if end < labelled[0]:
            lane_ends[lane] = labelled[1]
            return lane, True
    if len(lane_ends) < MAX_LANES:
        lane_ends.append(labelled[1])
        return len(lane_ends) - 1, True
    free = next((i for i, end in enumerate(lane_ends[:MAX_LANES]) if end < dot[0]), None)
    if free is None:  # one overflow row of bare dots, which may overlap
        lane_ends[MAX_LANES:] = [max([*lane_ends[MAX_LANES:], dot[1]])]
        return MAX_LANES, False
    lane_ends[free] = dot[1]
    return free, False


def timeline_layout(entries: list[dict[str, Any]], width: int = TIMELINE_WIDTH) -> dict[str, Any]:
    """Positions of timeline entries on a time axis; the story page's script redoes this on zoom and pan.

    The first view fits the news entries (background ones are hidden until asked for).
    """
    placed: list[tuple[dict[str, Any], tuple[int, int]]] = []
    undated: list[tuple[dict[str, Any], None]] = []
    for entry in entries:
        interval = timex_interval(entry["date"])
        if interval:
            placed.append((entry, interval))
        else:
            undated.append((entry, None))
    fit = [iv for e, iv in placed if e["kind"] != "background"] or [iv for _, iv in placed]
    if not fit:
        return {
            "width": width,
            "height": LANE_TOP,
            "entries": [],
            "ticks": [],
            "undated": [e for e, _ in undated],
        }
    first, last = min(s for s, _ in fit), max(e for _, e in fit)
    pad = max((last - first) * 0.05, 3)
    low, high = first - pad, last + pad
    scale = width / (high - low)
    lane_ends: list[float] = []
    drawn = []
    for entry, (start, end) in sorted(placed, key=lambda p: p[1]):
        x, x2 = (start - low) * scale, (end - low) * scale
        label = f"{entry['date']} · {_short(entry['text'], 28)}"
        text_width = CHAR_WIDTH * len(label)
        flipped = x + 9 + text_width > width  # label left of the dot when it would run off the right edge
        left, right = (
            (x - 9 - text_width, max(x2, x + 6)) if flipped else (x - 6, max(x2, x + 9) + text_width)
        )
        lane, labelled = assign_lane(lane_ends, (left, right), (x - 6, max(x2, x + 6)))
        drawn.append(
            {
                **entry,
                "start_day": start,
                "end_day": end,
                "x": round(x, 1),
                "x2": round(x2, 1),
                "y": LANE_TOP + lane * LANE_HEIGHT,
                "label": label,
                "ranged": end - start > 1,
                "text_x": round(x - 9 if flipped else max(x2 + 4, x + 9), 1),
                "anchor": "end" if flipped else "start",
                "labelled": labelled,
            }
        )
    lanes = max(len(lane_ends), 1)
    return {
        "width": width,
        "height": LANE_TOP + lanes * LANE_HEIGHT,
        "entries": drawn,
        "ticks": axis_ticks(low, high, width),
        "undated": [e for e, _ in undated],
    }


# ---- helpers for routes ----------------------------------------------------------------------


def _date_param(value: str | None) -> str | None:
    return value if value and _DATE_PARAM.match(value.strip()) else None


def _offset(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def pager(request: Request, total: int, offset: int, limit: int = PAGE_SIZE) -> dict[str, Any]:
    """Previous/next links that keep the other query parameters."""
    url = request.url
    return {
        "total": total,
        "first": offset + 1 if total else 0,
        "last": min(offset + limit, total),
        "prev": str(url.include_query_params(offset=max(offset - limit, 0))) if offset > 0 else None,
        "next": str(url.include_query_params(offset=offset + limit)) if offset + limit < total else None,
    }


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("allow_edits", request.app.state.allow_edits)
    context.setdefault("query", "")
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def _article_stories(conn: Connection, rows: list[dict[str, Any]]) -> dict[str, str | None]:
    return {aid: q.article_story(conn, aid) for aid in {r["article_id"] for r in rows}}


# ---- routes ----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def stories_page(request: Request, conn: Conn) -> HTMLResponse:
    params = request.query_params
    since, until, outlet = (
        _date_param(params.get("since")),
        _date_param(params.get("until")),
        params.get("outlet") or None,
    )
    offset = _offset(params.get("offset"))
    total, rows = qx.stories_page(
        conn, since=since, until=until, outlet=outlet, limit=PAGE_SIZE, offset=offset
    )
    months, undated = qx.coverage_by_month(conn)
    return render(
        request,
        "stories.html",
        stories=rows,
        extents=extent_bars(rows),
        chart=bar_chart(months),
        undated=undated,
        articles=qx.article_count(conn),
        outlets=qx.outlets(conn),
        since=since or "",
        until=until or "",
        outlet=outlet or "",
        pager=pager(request, total, offset),
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str, conn: Conn) -> HTMLResponse:
    found = story_detail(conn, story_id)
    ids = {a for entry in found["timeline"] for a in entry["article_ids"]}
    briefs = {b["id"]: b for b in qx.article_briefs(conn, sorted(ids))}
    months, _ = qx.coverage_by_month(conn, found["article_ids"])
    total_quotes, quotes = qx.quotes_page(conn, story_id=found["id"], limit=12)
    return render(
        request,
        "story.html",
        story=found,
        layout=timeline_layout(found["timeline"]),
        briefs=briefs,
        chart=bar_chart(months, width=480, height=80),
        quotes=quotes,
        total_quotes=total_quotes,
        background=sum(e["kind"] == "background" for e in found["timeline"]),
    )


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, conn: Conn) -> HTMLResponse:
    params = request.query_params
    since, until, outlet = (
        _date_param(params.get("since")),
        _date_param(params.get("until")),
        params.get("outlet") or None,
    )
    offset = _offset(params.get("offset"))
    total, rows = qx.articles_page(
        conn, since=since, until=until, outlet=outlet, limit=PAGE_SIZE, offset=offset
    )
    return render(
        request,
        "articles.html",
        articles=rows,
        outlets=qx.outlets(conn),
        since=since or "",
        until=until or "",
        outlet=outlet or "",
        pager=pager(request, total, offset),
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str, conn: Conn) -> HTMLResponse:
    found = article_detail(conn, article_id)
    sources = parse_spans(request.query_params.getlist("span"), len(found["text"]))
    others = {r["b"] if r["a"] == found["id"] else r["a"] for r in found["reuse"]}
    return render(
        request,
        "article.html",
        article=found,
        body=highlight(found["text"], article_spans(found, sources)),
        sources=sources,
        url=safe_url(found["url"]),
        briefs={b["id"]: b for b in qx.article_briefs(conn, sorted(others))},
        entity_names=qx.entity_names(
            conn, [e["entity_id"] for e in found["local_entities"] if e["entity_id"]]
        ),
        labels=sorted({m["label"] for m in found["mentions"]}),
    )


@router.get("/quotes", response_class=HTMLResponse)
def quotes_page(request: Request, conn: Conn) -> HTMLResponse:
    params = request.query_params
    speaker, outlet, story = (
        params.get("speaker") or None,
        params.get("outlet") or None,
        params.get("story") or None,
    )
    since, until = _date_param(params.get("since")), _date_param(params.get("until"))
    offset = _offset(params.get("offset"))
    total, rows = qx.quotes_page(
        conn,
        speaker=speaker,
        story_id=story,
        since=since,
        until=until,
        outlet=outlet,
        limit=PAGE_SIZE,
        offset=offset,
    )
    return render(
        request,
        "quotes.html",
        quotes=rows,
        speakers=qx.speakers(conn, limit=30),
        outlets=qx.outlets(conn),
        speaker=speaker or "",
        outlet=outlet or "",
        since=since or "",
        until=until or "",
        story=story or "",
        pager=pager(request, total, offset),
        stories=_article_stories(conn, rows),
    )


@router.get("/speakers/{name:path}", response_class=HTMLResponse)
def speaker_page(request: Request, name: str, conn: Conn) -> HTMLResponse:
    rows = q.list_quotes(conn, speaker=name)
    if not rows:
        raise HTTPException(404, f"no quotes by {name!r}")
    months, undated = qx.month_counts([r["date"] or r["published"] for r in rows])
    entity_ids = sorted({eid for r in rows if (eid := (r["speaker"] or {}).get("entity_id"))})
    stories = _article_stories(conn, rows)
    story_titles = {sid: (q.story(conn, sid) or {}).get("title", sid) for sid in set(stories.values()) if sid}
    return render(
        request,
        "speaker.html",
        name=name,
        quotes=rows,
        chart=bar_chart(months, width=640, height=90),
        undated=undated,
        entities=qx.entity_names(conn, entity_ids),
        stories=stories,
        story_titles=story_titles,
    )


@router.get("/entities", response_class=HTMLResponse)
def entities_page(request: Request, conn: Conn) -> HTMLResponse:
    params = request.query_params
    type_, name = params.get("type") or None, params.get("name") or None
    offset = _offset(params.get("offset"))
    total, rows = qx.entities_page(conn, type_=type_, name=name, limit=PAGE_SIZE * 2, offset=offset)
    return render(
        request,
        "entities.html",
        entities=rows,
        types=qx.entity_types(conn),
        type=type_ or "",
        name=name or "",
        pager=pager(request, total, offset, PAGE_SIZE * 2),
    )


@router.get("/entities/{entity}", response_class=HTMLResponse)
def entity_page(request: Request, entity: str, conn: Conn) -> HTMLResponse:
    view = entity_detail(conn, entity)
    months = [(p["period"], p["count"]) for p in view["mentions_by_month"]]
    stories = _article_stories(conn, view["quotes_by"] + view["quotes_about"])
    return render(
        request,
        "entity.html",
        entity=view,
        spark=sparkline(months),
        message=request.query_params.get("message", ""),
        stories=stories,
    )


@router.post("/entities/{entity}/rename")
def rename_form(
    request: Request, entity: str, name: str = Form(..., min_length=1, max_length=200)
) -> RedirectResponse:
    message = run_edit(request, "rename", [entity, name])
    return RedirectResponse(f"/entities/{_quote_path(entity)}?message={quote(message)}", status_code=303)


@router.post("/entities/{entity}/merge")
def merge_form(
    request: Request, entity: str, other: str = Form(..., min_length=1, max_length=200)
) -> RedirectResponse:
    message = run_edit(request, "merge", [entity, other])
    return RedirectResponse(f"/entities/{_quote_path(entity)}?message={quote(message)}", status_code=303)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, conn: Conn) -> HTMLResponse:
    text = (request.query_params.get("q") or "").strip()[:500]
    offset = _offset(request.query_params.get("offset"))
    total, rows = qx.search_page(conn, text, limit=PAGE_SIZE, offset=offset)
    for row in rows:
        row["marked"] = mark_snippet(row["snippet"])
    return render(request, "search.html", query=text, hits=rows, pager=pager(request, total, offset))


async def error_page(request: Request, error: Exception) -> Response:
    """HTML error pages for browser routes; the default JSON error for ``/api/`` and ``/openapi.json``."""
    status = getattr(error, "status_code", 500)
    detail = getattr(error, "detail", "Something went wrong.")
    if request.url.path.startswith(("/api/", "/openapi")) or not isinstance(error, StarletteHTTPException):
        return await http_exception_handler(request, error)  # type: ignore[arg-type]
    return render(request, "error.html", status_code=status, status=status, detail=str(detail))


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI document as a plain page (Swagger UI would need a CDN)."""
    spec = request.app.openapi()
    routes = [
        {"method": method.upper(), "path": path, "returns": _schema_type(_ok_schema(operation)), **operation}
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]
    models = {
        name: [
            {
                "name": field,
                "type": _schema_type(prop),
                "required": field in schema.get("required", []),
                "description": prop.get("description", ""),
            }
            for field, prop in schema.get("properties", {}).items()
        ]
        for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())
    }
    return render(request, "docs.html", spec=spec, routes=routes, models=models)


def _ok_schema(operation: dict[str, Any]) -> dict[str, Any]:
    return (
        operation.get("responses", {})
        .get("200", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
    )


def _schema_type(schema: dict[str, Any]) -> str:
    """A short type name for a JSON Schema: ``Page_StoryBrief_``, ``list[str]``, ``str | null``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_type(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        return f"list[{_schema_type(schema.get('items', {}))}]"
    if kind == "object" and "additionalProperties" in schema:
        return f"dict[str, {_schema_type(schema['additionalProperties'])}]"
    return str(kind or "any")
