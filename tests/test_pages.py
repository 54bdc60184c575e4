"""The server-rendered pages: highlighting, charts, escaping, and every page over real and invented data."""

from __future__ import annotations

import html as html_lib
import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

import web_fixtures as wf
from storyline.serve.app import create_app
from storyline.serve.pages import (
    CHAR_WIDTH,
    LANE_HEIGHT,
    LANE_TOP,
    MAX_LANES,
    Span,
    article_spans,
    axis_ticks,
    bar_chart,
    highlight,
    mark_snippet,
    parse_spans,
    safe_url,
    sparkline,
    timeline_layout,
    timex_interval,
)
from storyline.serve.queries_extra import month_counts


@pytest.fixture(scope="session")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(wf.invented_db(tmp_path_factory.mktemp("web-invented")))) as client:
        yield client


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(wf.corpus_db(tmp_path_factory.mktemp("web-corpus")))) as client:
        yield client


# ---- highlighting --------------------------------------------------------------------------------


def test_highlight_wraps_each_span_and_keeps_the_text() -> None:
    text = "Ada met Bo on Monday."
    html = highlight(text, [Span(0, 3, "m-ent", "PERSON"), Span(14, 20, "m-time", "DATE")])
    assert html == "Ada met Bo on Monday.".replace(
        "Ada", '<mark class="m-ent" title="PERSON">Ada</mark>', 1
    ).replace("Monday", '<mark class="m-time" title="DATE">Monday</mark>')


def test_overlapping_spans_are_cut_into_pieces_carrying_every_class() -> None:
    text = "abcdefgh"
    html = str(highlight(text, [Span(0, 5, "m-quote", "q"), Span(3, 8, "m-ent", "e")]))
    assert html == (
        '<mark class="m-quote" title="q">abc</mark>'
        '<mark class="m-quote m-ent" title="q · e">de</mark>'
        '<mark class="m-ent" title="e">fgh</mark>'
    )
    assert re.sub(r"<[^>]+>", "", html) == text


def test_highlight_escapes_text_and_tooltips() -> None:
    text = 'x <script>alert(1)</script> "y" & z'
    start = text.index("<script>")
    html = str(highlight(text, [Span(start, start + 8, "m-ent", '<b onmouseover="x">')]))
    assert "<script>" not in html
    assert '">&lt;script&gt;</mark>alert(1)&lt;/script&gt;' in html
    assert 'title="&lt;b onmouseover=&#34;x&#34;&gt;"' in html
    assert "&amp; z" in html


def test_highlight_puts_anchors_at_span_starts_and_ignores_spans_outside_the_text() -> None:
    html = str(highlight("one two", [Span(4, 7, "m-source", anchor="span-4-7"), Span(5, 99, "m-ent")]))
    assert html == 'one <span class="anchor" id="span-4-7"></span><mark class="m-source" title="">two</mark>'


def test_requested_spans_are_outlined_without_surrounding_whitespace() -> None:
    article = {
        "text": "One.\n\nTwo three.\n\n",
        "local_entities": [],
        "mentions": [],
        "timexes": [],
        "quotes": [],
    }
    (span,) = article_spans(article, [(4, 18)])
    assert (span.start, span.end, span.anchor) == (6, 16, "span-4-18")


def test_parse_spans_keeps_valid_ranges_only() -> None:
    assert parse_spans(["2-5", "5-2", "x", "1-99", " 0-1 "], length=10) == [(2, 5), (0, 1)]


def test_snippet_marks_matches_and_escapes_the_rest() -> None:
    html = str(mark_snippet("the [bridge] <img src=x onerror=alert(1)>"))
    assert html == "the <mark>bridge</mark> &lt;img src=x onerror=alert(1)&gt;"


def test_safe_url_refuses_script_urls() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url(None) is None


# ---- dates and charts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "first", "days"),
    [
        ("2022-04-12", "2022-04-12", 1),
        ("2022-04-12T10:00", "2022-04-12", 1),
        ("2022-02", "2022-02-01", 28),
        ("2024-02", "2024-02-01", 29),
        ("2022", "2022-01-01", 365),
        ("2022-Q4", "2022-10-01", 92),
        ("2022-H1", "2022-01-01", 181),
        ("2022-WI", "2022-12-01", 90),
        ("2022-W01", "2022-01-03", 7),
        ("199", "1990-01-01", 3652),
    ],
)
def test_timex_interval_covers_the_stated_period(value: str, first: str, days: int) -> None:
    from datetime import date

    interval = timex_interval(value)
    assert interval is not None
    start, end = interval
    assert (date(1970, 1, 1).toordinal() + start) == date.fromisoformat(first).toordinal()
    assert end - start == days


@pytest.mark.parametrize("value", ["XXXX-04-27", "XXXX", "", None, "PRESENT_REF", "2022-13-40"])
def test_timex_interval_is_none_without_a_known_year_or_date(value: str | None) -> None:
    assert timex_interval(value) is None


def test_month_counts_fill_empty_months_and_count_undated_values() -> None:
    months, undated = month_counts(["2021-11-03", "2022-01", "2022-01-30", "2022", None, "XXXX-01-02"])
    assert months == [("2021-11", 1), ("2021-12", 0), ("2022-01", 2)]
    assert undated == 3


def test_bar_chart_scales_bars_to_the_busiest_month() -> None:
    chart = bar_chart([("2022-01", 2), ("2022-02", 0), ("2022-03", 4)], width=300, height=100)
    assert chart is not None
    heights = [bar["h"] for bar in chart["bars"]]
    assert heights[1] == 0 and heights[2] == 2 * heights[0] > 0
    assert all(bar["y"] + bar["h"] == pytest.approx(chart["baseline"]) for bar in chart["bars"])
    assert bar_chart([]) is None


def test_sparkline_marks_the_peak_month() -> None:
    spark = sparkline([("2022-01", 1), ("2022-02", 5), ("2022-03", 2)])
    assert spark is not None
    assert spark["peak"]["month"] == "2022-02" and spark["peak"]["count"] == 5
    assert len(spark["line"].split()) == 3


def test_axis_ticks_are_ordered_inside_the_width_and_spaced() -> None:
    first = timex_interval("2020-01-01")[0]  # type: ignore[index]
    last = timex_interval("2022-12-31")[0]  # type: ignore[index]
    ticks = axis_ticks(first, last, 900)
    xs = [t["x"] for t in ticks]
    assert xs == sorted(xs) and xs[0] >= 0 and xs[-1] <= 900
    assert all(b - a >= 89 for a, b in itertools.pairwise(xs))
    assert ticks[0]["label"].startswith(("2020", "Jan 2020", "Apr 2020", "Jul 2020"))


def test_timeline_layout_fits_news_and_sets_aside_undated_entries() -> None:
    entries = [
        {"id": "a", "date": "1908", "text": "Built.", "kind": "background"},
        {"id": "b", "date": "2022-04-12", "text": "Closed.", "kind": "news"},
        {"id": "c", "date": "2022-10-28", "text": "Reopened.", "kind": "news"},
        {"id": "d", "date": "XXXX-06-01", "text": "Undated.", "kind": "news"},
    ]
    layout = timeline_layout(entries, width=800)
    by_id = {e["id"]: e for e in layout["entries"]}
    assert [e["id"] for e in layout["undated"]] == ["d"]
    assert 0 < by_id["b"]["x"] < by_id["c"]["x"] < 800
    assert by_id["a"]["x"] < 0  # background lies outside the first view, which fits the news
    assert by_id["c"]["anchor"] == "end"  # the last label is drawn left of its dot


def test_crowded_timelines_hide_labels_instead_of_overlapping_them() -> None:
    entries = [
        {
            "id": str(i),
            "date": f"2022-04-{i + 1:02d}",
            "text": "Something happened on this day.",
            "kind": "news",
        }
        for i in range(28)
    ]
    layout = timeline_layout(entries, width=600)
    labelled = [e for e in layout["entries"] if e["labelled"]]
    assert 0 < len(labelled) < len(entries)
    assert layout["height"] <= LANE_TOP + (MAX_LANES + 1) * LANE_HEIGHT

    def extent(e: dict[str, Any]) -> tuple[float, float]:
        width = CHAR_WIDTH * len(e["label"])
        if e["anchor"] == "end":
            return e["text_x"] - width, max(e["x2"], e["x"] + 6)
        return e["x"] - 6, e["text_x"] + width

    lanes: dict[int, list[tuple[float, float]]] = {}
    for entry in labelled:
        lanes.setdefault(entry["y"], []).append(extent(entry))
    for spans in lanes.values():
        spans.sort()
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


# ---- pages over the invented corpus ------------------------------------------------------------------


class _InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes, event handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"{tag}[{name}]" for name in names if name == "style" or name.startswith("on")]
        self.found += [
            f"{tag}[{name}] javascript: URL"
            for name, value in attrs
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:")
        ]


def inline_code(html: str) -> list[str]:
    finder = _InlineCodeFinder()
    finder.feed(html)
    return finder.found


def _pages(client: TestClient) -> list[str]:
    stories = client.get("/api/stories?limit=200").json()["items"]
    articles = client.get("/api/articles?limit=200").json()["items"]
    entities = client.get("/api/entities?limit=200").json()["items"]
    speakers = {(q["speaker"] or {}).get("name") for q in client.get("/api/quotes?limit=200").json()["items"]}
    return [
        "/",
        "/articles",
        "/quotes",
        "/entities",
        "/docs",
        "/search?q=the",
        *(f"/stories/{s['id']}" for s in stories),
        *(f"/articles/{a['id']}" for a in articles),
        *(f"/entities/{e['id']}" for e in entities),
        *(f"/speakers/{name}" for name in speakers if name),
    ]


def test_every_page_renders_without_inline_code(invented: TestClient) -> None:
    for url in _pages(invented):
        response = invented.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        assert inline_code(response.text) == [], url


def test_story_page_lists_entries_with_links_to_their_source_spans(invented: TestClient) -> None:
    story = invented.get("/api/stories/s_bridge000001").json()
    html = invented.get("/stories/s_bridge000001").text
    for entry in story["timeline"]:
        assert f'id="e-{entry["id"]}"' in html
        span = entry["spans"][0]
        assert (
            f"/articles/{span['article_id']}?span={span['start']}-{span['end']}#span-{span['start']}-{span['end']}"
            in html
        )
    assert html.count('class="tl-entry bg"') == 1 and html.count('class="tl-entry news"') == 3
    assert "Undated entries" in html and "XXXX-06-01" in html


def test_article_page_highlights_spans_and_lists_removed_lines(invented: TestClient) -> None:
    article_id = wf.BRIDGE[0].id
    article = invented.get(f"/api/articles/{article_id}").json()
    html = invented.get(f"/articles/{article_id}").text
    doc = html.split('<div class="doc">', 1)[1].split("</div>", 1)[0]
    assert html_lib.unescape(re.sub(r"<[^>]+>", "", doc)) == article["text"]
    assert doc.count('class="m-time"') == len(article["timexes"])
    assert re.search(
        r'<mark class="[^"]*\bm-speaker\b[^"]*" title="[^"]*speaker: Marta Quell">Marta Quell</mark>', doc
    )
    assert 'id="quote-0"' in doc
    removed = html.split('class="removed"', 1)[1]
    assert "boilerplate" in removed and "Subscribe to our newsletter" in removed


def test_requested_span_is_outlined_and_anchored(invented: TestClient) -> None:
    article = wf.BRIDGE[0]
    start, end = article.span("closed the Old Mill bridge on Tuesday")
    html = invented.get(f"/articles/{article.id}?span={start}-{end}").text
    assert f'<span class="anchor" id="span-{start}-{end}"></span>' in html
    assert "m-source" in html.split('<div class="doc">', 1)[1]


def test_stories_page_draws_coverage_bars_linking_to_months(invented: TestClient) -> None:
    html = invented.get("/").text
    assert '<svg class="bars"' in html
    assert 'href="/articles?since=2022-04&amp;until=2022-04"' in html
    assert html.count('class="story-link"') == 3


def test_filters_on_the_story_list(invented: TestClient) -> None:
    html = invented.get("/?since=2022-07&outlet=Riverside+Courier").text
    assert "Library staff vote to strike" in html and "Old Mill bridge" in html
    html = invented.get("/?until=2022-05").text
    assert "Library staff vote" not in html and "Council shuts Old Mill bridge" in html


def test_entity_page_draws_a_sparkline_and_lists_other_names(invented: TestClient) -> None:
    html = invented.get("/entities/e_quell").text
    assert '<svg class="spark"' in html and "peak 2 in 2022-05" in html
    assert "Quell <small>1</small>" in html
    assert "Corrections" not in html  # edit forms only with --allow-edits


def test_speaker_page_lists_quotes_oldest_first(invented: TestClient) -> None:
    html = invented.get("/speakers/Marta Quell").text
    dates = re.findall(r'<div class="when"><time>([^<]+)</time>', html)
    assert dates == sorted(dates) and len(dates) == 3


def test_unknown_pages_answer_404_in_html(invented: TestClient) -> None:
    response = invented.get("/articles/a_does_not_exist")
    assert response.status_code == 404 and "<h1>404</h1>" in response.text
    assert invented.get("/speakers/Nobody At All").status_code == 404
    assert invented.get("/no/such/page").headers["content-type"].startswith("text/html")


def test_search_page_pages_through_results(invented: TestClient) -> None:
    html = invented.get("/search?q=bridge").text
    assert html.count('class="hit-title"') == 3 and "<mark>bridge</mark>" in html
    assert "Nothing found" in invented.get("/search?q=zeppelin").text


# ---- hostile input -----------------------------------------------------------------------------------


def _hostile_pages() -> list[str]:
    return [
        "/",
        "/articles",
        "/quotes",
        "/entities",
        f"/stories/{wf.HOSTILE_STORY}",
        f"/articles/{wf.HOSTILE_ARTICLE}",
        f"/entities/{wf.HOSTILE_ENTITY}",
        "/speakers/Brandt",
        "/search?q=harbour+notice",
        f"/search?q={wf.SCRIPT_PAYLOAD}",
    ]


def test_payloads_are_shown_escaped_on_every_page(invented: TestClient) -> None:
    for url in _hostile_pages():
        html = invented.get(url).text
        assert wf.SCRIPT_PAYLOAD not in html, url
        assert wf.IMG_PAYLOAD not in html, url
        assert (
            "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x onerror=alert(1)&gt;" in html
        ), url


def test_payloads_in_the_corpus_database_are_escaped_too(corpus: TestClient) -> None:
    for url in _hostile_pages():
        html = corpus.get(url).text
        assert wf.SCRIPT_PAYLOAD not in html and wf.IMG_PAYLOAD not in html, url


def test_every_corpus_page_renders_without_inline_code(corpus: TestClient) -> None:
    for url in _pages(corpus):
        response = corpus.get(url)
        assert response.status_code == 200, url
        assert inline_code(response.text) == [], url


def test_corpus_article_pages_reproduce_the_cleaned_text(corpus: TestClient) -> None:
    for item in corpus.get("/api/articles?limit=200").json()["items"]:
        article = corpus.get(f"/api/articles/{item['id']}").json()
        page = corpus.get(f"/articles/{item['id']}").text
        doc = page.split('<div class="doc">', 1)[1].split("</div>", 1)[0]
        assert html_lib.unescape(re.sub(r"<[^>]+>", "", doc)) == article["text"], item["id"]


def test_static_files_are_served_with_the_policy(invented: TestClient) -> None:
    for path in ("/static/style.css", "/static/app.js"):
        response = invented.get(path)
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
