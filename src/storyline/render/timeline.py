"""Render a timeline: a rich table for the terminal, Markdown, a standalone HTML page, JSON.

Every renderer takes the entries (``storyline.model.TimelineEntry``) and, optionally, a title
and a map ``article id -> label`` (outlet, headline) used to name the sources. News entries
and background entries (history the articles recall) are shown apart. All article text in the
HTML page goes through ``html.escape``; Markdown escapes its table and emphasis characters.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence

from rich.markup import escape as rich_escape
from rich.table import Table

from storyline.model import TimelineEntry

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#])")


def _sources(entry: TimelineEntry, labels: Mapping[str, str] | None) -> list[str]:
    labels = labels or {}
    return [labels.get(a, a) for a in entry.article_ids]


def _sections(entries: Sequence[TimelineEntry]) -> list[tuple[str, list[TimelineEntry]]]:
    news = [e for e in entries if e.kind != "background"]
    background = [e for e in entries if e.kind == "background"]
    return [(name, group) for name, group in (("News", news), ("Background", background)) if group]


def render_table(
    entries: Sequence[TimelineEntry], title: str | None = None, labels: Mapping[str, str] | None = None
) -> Table:
    """A rich table: date, kind, summary, number of sources and their names."""
    # The table fills the terminal and the summary gets three parts of the room to the sources'
    # one: on a narrow terminal the source list wraps, the date never breaks.
    table = Table(title=rich_escape(title) if title else None, show_lines=False, expand=True)
    table.add_column("Date", no_wrap=True, min_width=10)
    table.add_column("Kind", no_wrap=True)
    table.add_column("What happened", ratio=3, min_width=24)
    table.add_column("Sources", justify="right", ratio=1, overflow="fold")
    for _name, group in _sections(entries):
        for e in group:
            names = _sources(e, labels)
            shown = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
            table.add_row(
                e.date,
                e.kind,
                rich_escape(e.text),
                f"{len(names)} ({rich_escape(shown)})" if names else "0",
            )
    return table


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_markdown(
    entries: Sequence[TimelineEntry], title: str | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """Markdown: a heading per section (news, background), one bullet per entry with its sources."""
    lines = [f"# {_md(title)}", ""] if title else []
    for name, group in _sections(entries):
        lines += [f"## {name}", ""]
        for e in group:
            names = ", ".join(_md(n) for n in _sources(e, labels))
            lines.append(f"- **{e.date}** {_md(e.text)}" + (f" _(sources: {names})_" if names else ""))
        lines.append("")
    if not entries:
        lines.append("_No dated entries._")
    return "\n".join(lines).rstrip() + "\n"


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "ol{list-style:none;padding:0}li{margin:.6rem 0;padding-left:.8rem;border-left:3px solid #4a7}"
    "li.background{border-color:#999;color:#444}time{font-weight:600;margin-right:.5rem}"
    ".sources{font-size:.85em;color:#666}"
)


def render_html(
    entries: Sequence[TimelineEntry], title: str | None = None, labels: Mapping[str, str] | None = None
) -> str:
    """A minimal standalone HTML page; every piece of text is escaped."""
    esc = html.escape
    heading = esc(title or "Timeline")
    body = [f"<h1>{heading}</h1>"]
    for name, group in _sections(entries):
        body.append(f"<h2>{esc(name)}</h2>")
        body.append("<ol>")
        for e in group:
            names = ", ".join(esc(n) for n in _sources(e, labels))
            body.append(
                f'<li class="{esc(e.kind)}" id="entry-{esc(e.id or "")}">'
                f'<time datetime="{esc(e.date)}">{esc(e.date)}</time>{esc(e.text)}'
                + (f' <span class="sources">({len(e.article_ids)} sources: {names})</span>' if names else "")
                + "</li>"
            )
        body.append("</ol>")
    if not entries:
        body.append("<p>No dated entries.</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{heading}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def render_json(entries: Sequence[TimelineEntry], title: str | None = None, indent: int | None = 2) -> str:
    """JSON: ``{"title": ..., "entries": [TimelineEntry as dict, ...]}``."""
    return json.dumps(
        {"title": title, "entries": [e.to_dict() for e in entries]}, ensure_ascii=False, indent=indent
    )
