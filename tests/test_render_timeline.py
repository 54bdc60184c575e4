"""Rendering a timeline: rich table, Markdown, standalone HTML (escaped), JSON."""

from __future__ import annotations

import json

from rich.console import Console

from storyline.model import SourceSpan, TimelineEntry
from storyline.render.timeline import render_html, render_json, render_markdown, render_table

ENTRIES = [
    TimelineEntry(
        "2021-03-03",
        "day",
        'Talks <b>failed</b> & "ended" | without *deal*',
        "news",
        ["a1", "a2"],
        [SourceSpan("a1", 0, 10), SourceSpan("a2", 5, 9)],
        "e1",
    ),
    TimelineEntry(
        "1956",
        "year",
        "A treaty <script>alert(1)</script> was signed.",
        "background",
        ["a1"],
        [SourceSpan("a1", 20, 40)],
        "e2",
    ),
]
LABELS = {"a1": "Daily <Norland>", "a2": "Sudria Times"}


def test_html_escapes_every_piece_of_article_text() -> None:
    page = render_html(ENTRIES, title="Dam <talks>", labels=LABELS)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;failed&lt;/b&gt;" in page
    assert "Daily &lt;Norland&gt;" in page and "<title>Dam &lt;talks&gt;</title>" in page
    assert page.index("News") < page.index("Background")


def test_markdown_has_sections_and_escapes_table_and_emphasis_characters() -> None:
    md = render_markdown(ENTRIES, title="Dam talks", labels=LABELS)
    assert md.startswith("# Dam talks")
    assert "## News" in md and "## Background" in md
    assert r"\*deal\*" in md and r"\|" in md
    assert "**2021-03-03**" in md
    assert render_markdown([]).strip() == "_No dated entries._"


def test_json_round_trips_the_entries() -> None:
    data = json.loads(render_json(ENTRIES, title="t"))
    assert data["title"] == "t"
    assert [e["id"] for e in data["entries"]] == ["e1", "e2"]
    assert data["entries"][0]["spans"][1] == {"article_id": "a2", "start": 5, "end": 9}


def test_table_lists_news_then_background_with_source_counts() -> None:
    table = render_table(ENTRIES, title="Dam", labels=LABELS)
    assert table.row_count == 2
    console = Console(width=200, record=True)
    console.print(table)
    out = console.export_text()
    assert out.index("2021-03-03") < out.index("1956")
    assert "2 (Daily <Norland>, Sudria Times)" in out
    assert "<b>failed</b>" in out  # shown literally, not read as markup


def test_table_fits_an_80_column_terminal_with_whole_dates_and_summaries() -> None:
    ids = [
        "a_ce5dd80e363f2336",
        "a_7859d60f801e2dc5",
        "a_8d8eb394edd73950",
        "a_2273ebf14aed599d",
        "a_c7ab6405",
    ]
    long = TimelineEntry(
        "2015-08-31",
        "day",
        "Ministers of Norland and Sudria met in Vell for talks about the river dam and its quotas.",
        "news",
        ids,
        [SourceSpan(i, 0, 5) for i in ids],
        "e3",
    )
    console = Console(width=80, record=True)
    console.print(render_table([long, ENTRIES[1]]))
    out = console.export_text()
    lines = out.splitlines()
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in lines)  # nothing cut at the right edge
    assert "2015-08-31" in out and "background" in out
    words = " ".join(line.split("│")[3].strip() for line in out.splitlines() if line.count("│") == 5)
    assert " ".join(words.split()).startswith("Ministers of Norland and Sudria met in Vell")
    assert "quotas." in words
