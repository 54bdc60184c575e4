"""Terminal rendering for the CLI: rich tables and a progress bar."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.engine import Connection

from storyline.model import SourceSpan, TimelineEntry

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@contextmanager
def progress_bar(label: str, disable: bool = False) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error; yields ``advance(n)``."""
    if disable or not err_console.is_terminal:
        yield lambda n: None
        return
    with Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda n: progress.advance(task, n)


def _short(text: str | None, width: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def stories_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(rows)} stories")
    for column in ("id", "title", "articles", "first", "last"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["id"],
            escape(_short(row["title"], 70)),
            str(row["size"]),
            row["first_date"] or "",
            row["last_date"] or "",
        )
    console.print(table)


def quotes_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(rows)} quotes")
    for column in ("date", "speaker", "kind", "quote", "article"):
        table.add_column(column, overflow="fold")
    for row in rows:
        speaker = row.get("speaker") or {}
        name = (
            speaker.get("entity_name")
            or speaker.get("name")
            or (f"? ({speaker.get('surface')})" if speaker.get("surface") else "?")
        )
        table.add_row(
            row.get("date") or row.get("published") or "",
            escape(name),
            row["kind"],
            escape(_short(row.get("words") or row["text"], 80)),
            row["article_id"],
        )
    console.print(table)


def entities_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(rows)} entities")
    for column in ("id", "name", "type", "mentions", "other names"):
        table.add_column(column, overflow="fold")
    for row in rows:
        aliases = [a for a in (row.get("data") or {}).get("aliases", {}) if a != row["name"]]
        table.add_row(
            row["id"],
            escape(row["name"]),
            row["type"],
            str(row["mention_count"]),
            escape(", ".join(aliases[:6])),
        )
    console.print(table)


def search_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(rows)} matches")
    for column in ("article", "date", "outlet", "title", "snippet"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["id"],
            row["published"] or "",
            escape(row["outlet"] or ""),
            escape(_short(row["title"], 50)),
            escape(_short(row["snippet"], 80)),
        )
    console.print(table)


def show_article(article: dict[str, Any]) -> None:
    console.print(f"[bold]{escape(article['title'] or '(no title)')}[/bold]")
    console.print(
        f"id {article['id']}  outlet {escape(article['outlet'] or '-')}  source {escape(article['source'])}"
        + (f"  story {article['story_id']}" if article.get("story_id") else "")
    )
    dateline = article.get("dateline")
    if dateline:
        console.print(
            f"dateline: {escape(dateline.get('text') or '')} -> place {dateline.get('place')}, date {dateline.get('date')}"
        )
    console.print(
        f"published: {article['published'] or 'unknown'} ({article['published_precision']}, "
        f"confidence {article['published_confidence']:.2f})"
    )
    for evidence in article["published_evidence"]:
        console.print(
            f"  evidence {evidence['kind']}: {escape(_short(evidence['text'], 70))} -> {evidence.get('value')}"
        )
    console.print()
    console.print(escape(article["text"]))
    console.print()
    if article["removed_lines"]:
        table = Table(title="removed lines")
        table.add_column("line")
        table.add_column("reason")
        table.add_column("text", overflow="fold")
        for row in article["removed_lines"]:
            table.add_row(str(row["line_no"]), row["reason"], escape(row["text"]))
        console.print(table)
    if article["timexes"]:
        table = Table(title="time expressions")
        for column in ("text", "type", "value", "offsets"):
            table.add_column(column)
        for x in article["timexes"]:
            table.add_row(escape(x["text"]), x["type"], x["value"], f"{x['start']}-{x['end']}")
        console.print(table)
    if article["quotes"]:
        quotes_table([{**q, "article_id": f"{q['start']}-{q['end']}"} for q in article["quotes"]])
    if article["reuse"]:
        table = Table(title="duplicates and reused passages")
        for column in ("kind", "other article", "similarity", "first", "spans"):
            table.add_column(column)
        for r in article["reuse"]:
            other = r["b"] if r["a"] == article["id"] else r["a"]
            table.add_row(r["kind"], other, f"{r['similarity']:.2f}", r["first"] or "", str(len(r["spans"])))
        console.print(table)


def show_story(conn: Connection, story: dict[str, Any], timeline: bool, fmt: str, since: str | None) -> None:
    from storyline.store import queries as q

    entries = [entry_from_row(e) for e in story["timeline"]]
    if fmt == "json":
        print(json.dumps(story, ensure_ascii=False, indent=2, default=str))
        return
    if timeline and fmt != "table":
        from storyline.render.timeline import render_html, render_markdown

        render = render_markdown if fmt == "markdown" else render_html
        print(render(entries, title=story["title"]))
        return
    if story["requested_id"] != story["id"]:
        console.print(f"(story {story['requested_id']} was merged into {story['id']})")
    console.print(
        f"[bold]{escape(story['title'])}[/bold]  {story['id']}  {story['size']} articles, {story['first_date']} .. {story['last_date']}"
    )
    if story["summary"]:
        console.print(escape(story["summary"]))
    if timeline:
        from storyline.render.timeline import render_table

        console.print(render_table(entries))
    else:
        table = Table(title="articles")
        for column in ("article", "published", "outlet", "title"):
            table.add_column(column, overflow="fold")
        for aid in story["article_ids"]:
            a = q.article(conn, aid) or {}
            table.add_row(
                aid,
                a.get("published") or "",
                escape(a.get("outlet") or ""),
                escape(_short(a.get("title"), 60)),
            )
        console.print(table)
    if since:
        from storyline.corpus.story_view import changes_since

        changes = changes_since(conn, story["id"], since)
        console.print(
            f"[bold]since {since}:[/bold] {len(changes['entries'])} new entries, "
            f"{len(changes['quotes'])} new quotes, {len(changes['entities'])} new entities"
        )
        for entry in changes["entries"]:
            console.print(f"  {entry['date']}  {escape(_short(entry['text'], 100))}")
        quotes_table(changes["quotes"])
        if changes["entities"]:
            console.print("new entities: " + escape(", ".join(e["name"] for e in changes["entities"])))


def entry_from_row(row: dict[str, Any]) -> TimelineEntry:
    """A stored timeline entry as the record the renderers take."""
    spans = [SourceSpan(**s) for s in row["spans"]]
    return TimelineEntry(
        date=row["date"],
        precision=row["precision"],
        text=row["text"],
        kind=row["kind"],
        article_ids=list(row["article_ids"]),
        spans=spans,
        id=row["id"],
    )


def show_entity(conn: Connection, entity: dict[str, Any], as_json: bool) -> None:
    from storyline.corpus.entity_view import entity_view

    view = entity_view(conn, entity)
    if as_json:
        print(json.dumps(view, ensure_ascii=False, indent=2, default=str))
        return
    console.print(f"[bold]{escape(view['name'])}[/bold] ({view['type']})  {view['id']}")
    console.print("other names: " + escape(", ".join(f"{a} ({n})" for a, n in view["aliases"].items())))
    table = Table(title="mentions over time")
    table.add_column("period")
    table.add_column("mentions")
    table.add_column("")
    for period, n in view["mentions_by_year"].items():
        table.add_row(period, str(n), "█" * min(n, 60))
    console.print(table)
    if view["stories"]:
        console.print(
            "stories: " + ", ".join(f"{s['id']} ({escape(_short(s['title'], 40))})" for s in view["stories"])
        )
    quotes_table(view["quotes_by"])
    if view["quotes_about"]:
        console.print(f"{len(view['quotes_about'])} quote(s) about {escape(view['name'])}")
        quotes_table(view["quotes_about"])
