"""End-to-end: the web UI in headless Chromium over the ingested sample corpus.

Screenshots go to ``tests/artifacts/`` (git-ignored). Skipped when /usr/bin/chromium is absent
(``apt-get install -y chromium``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import web_fixtures as wf
from storyline.serve.app import create_app
from storyline.serve.pages import timex_interval
from storyline.serve.security import CONTENT_SECURITY_POLICY

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install -y chromium)"
    ),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(wf.corpus_db(tmp_path_factory.mktemp("web-corpus")))
    with wf.running_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every console error, page error and dialog it produced."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Watched(page)
    context.close()


def api(base_url: str, path: str, **params: Any) -> Any:
    response = httpx.get(base_url + path, params=params, timeout=30)
    response.raise_for_status()
    return response.json()


def story_with_background(base_url: str) -> dict[str, Any]:
    """The sample story with the most dated timeline entries, preferring one with background entries."""
    stories = [
        api(base_url, f"/api/stories/{s['id']}") for s in api(base_url, "/api/stories", limit=200)["items"]
    ]
    return max(
        stories, key=lambda s: (any(e["kind"] == "background" for e in s["timeline"]), len(s["timeline"]))
    )


def visible_entries(watched: Watched) -> int:
    return int(watched.page.locator(".tl-entry:not([display='none'])").count())


def test_story_list_shows_every_story_and_the_coverage_chart(base_url: str, watched: Watched) -> None:
    page = watched.page
    response = page.goto(base_url + "/")
    assert response is not None and response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    stories = api(base_url, "/api/stories", limit=20)
    assert page.locator(".story-link").count() == len(stories["items"])
    assert page.locator("svg.bars rect.bar").count() >= 1
    watched.shot("stories.png")
    assert watched.errors == []


def test_story_timeline_toggles_background_zooms_and_pans(base_url: str, watched: Watched) -> None:
    page = watched.page
    story = story_with_background(base_url)
    page.goto(f"{base_url}/stories/{story['id']}")
    news = [e for e in story["timeline"] if e["kind"] == "news" and timex_interval(e["date"])]
    background = [e for e in story["timeline"] if e["kind"] == "background" and timex_interval(e["date"])]
    assert visible_entries(watched) == len(news)
    assert page.locator(".tl-list li.bg").first.is_hidden() if background else True
    watched.shot("story-timeline.png")

    if background:
        page.check("#tl-bg")
        assert visible_entries(watched) == len(news) + len(background)
        assert page.locator(".tl-list li.bg").first.is_visible()
        watched.shot("story-timeline-background.png")
        page.uncheck("#tl-bg")
        assert visible_entries(watched) == len(news)

    range_text = page.locator(".tl-range")
    before = range_text.inner_text()
    page.click(".tl-zoom-in")
    page.click(".tl-zoom-in")
    zoomed = range_text.inner_text()
    assert zoomed != before
    assert visible_entries(watched) <= len(news)
    watched.shot("story-timeline-zoomed.png")

    box = page.locator(".tl-viewport").bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 600, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 300, y, steps=8)
    page.mouse.up()
    panned = range_text.inner_text()
    assert panned != zoomed
    page.mouse.move(box["x"] + 400, y)
    page.mouse.wheel(0, 400)
    page.wait_for_function("t => document.querySelector('.tl-range').textContent !== t", arg=panned)
    page.click(".tl-fit")
    assert range_text.inner_text() == before
    assert watched.errors == []


def test_timeline_entry_links_to_its_source_span(base_url: str, watched: Watched) -> None:
    page = watched.page
    story = story_with_background(base_url)
    page.goto(f"{base_url}/stories/{story['id']}")
    link = page.locator(".tl-list li.news .sources a").first
    href = link.get_attribute("href")
    assert href is not None and "?span=" in href and "#span-" in href
    link.click()
    page.wait_for_url("**/articles/**")
    anchor = href.split("#", 1)[1]
    assert page.locator(f"#{anchor}").count() == 1
    assert page.locator(".doc mark.m-source").first.is_visible()
    watched.shot("article-source-span.png")
    assert watched.errors == []


def test_article_highlights_and_layer_toggles(base_url: str, watched: Watched) -> None:
    page = watched.page
    articles = [
        api(base_url, f"/api/articles/{a['id']}") for a in api(base_url, "/api/articles", limit=200)["items"]
    ]
    article = max(articles, key=lambda a: (len(a["quotes"]), len(a["removed_lines"]), len(a["timexes"])))
    page.goto(f"{base_url}/articles/{article['id']}")
    assert page.locator(".doc mark.m-time").count() >= 1
    assert page.locator(".doc mark.m-quote").count() >= len(article["quotes"]) >= 1
    assert page.locator(".removed tbody tr").count() == len(article["removed_lines"])
    quote = page.locator(".doc mark.m-quote").first
    coloured = quote.evaluate("el => getComputedStyle(el).backgroundColor")
    assert coloured != "rgba(0, 0, 0, 0)"
    watched.shot("article.png")
    page.uncheck("#layer-quote")
    assert quote.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert watched.errors == []


def test_search_from_the_header(base_url: str, watched: Watched) -> None:
    page = watched.page
    article = api(base_url, "/api/articles/" + api(base_url, "/api/articles", limit=1)["items"][0]["id"])
    word = max((w.strip(".,:;'\"“”‘’") for w in article["text"].split()[:40]), key=len)
    page.goto(base_url + "/")
    page.fill("header .search input[name=q]", word)
    page.press("header .search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert page.locator(".hits li").count() >= 1
    assert page.locator(".snippet mark").count() >= 1
    assert article["id"] in page.content()
    watched.shot("search.png")
    assert watched.errors == []


def test_hostile_title_and_text_stay_inert(base_url: str, watched: Watched) -> None:
    page = watched.page
    urls = [
        f"/articles/{wf.HOSTILE_ARTICLE}",
        f"/stories/{wf.HOSTILE_STORY}",
        f"/entities/{wf.HOSTILE_ENTITY}",
        "/",
        "/quotes",
        "/search?q=harbour+notice",
        f"/articles/{wf.HOSTILE_ARTICLE}?span=0-20",
    ]
    for url in urls:
        response = page.goto(base_url + url)
        assert response is not None and response.status == 200, url
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert page.locator("img[src='x']").count() == 0, url
        assert page.locator("script:not([src])").count() == 0, url
    page.goto(f"{base_url}/articles/{wf.HOSTILE_ARTICLE}")
    assert page.locator("h1.article-title").inner_text() == wf.HOSTILE_TITLE
    text = page.locator(".doc").inner_text()
    assert wf.SCRIPT_PAYLOAD in text and wf.IMG_PAYLOAD in text
    watched.shot("hostile-article.png")
    page.wait_for_timeout(300)  # give a stray handler the chance to fire
    assert watched.dialogs == []
    assert watched.errors == []
