"""The JSON API over the ingested sample corpus (and the invented corpus where exact content matters)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import web_fixtures as wf
from storyline.serve.app import create_app
from storyline.serve.security import CONTENT_SECURITY_POLICY


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(wf.corpus_db(tmp_path_factory.mktemp("web-corpus")))) as client:
        yield client


@pytest.fixture(scope="session")
def invented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(wf.invented_db(tmp_path_factory.mktemp("web-invented")))) as client:
        yield client


def all_items(client: TestClient, url: str, limit: int = 2) -> list[dict[str, Any]]:
    """Every item of a paginated route, fetched ``limit`` at a time."""
    items: list[dict[str, Any]] = []
    separator = "&" if "?" in url else "?"
    while True:
        page = client.get(f"{url}{separator}limit={limit}&offset={len(items)}").json()
        items += page["items"]
        if not page["items"] or len(items) >= page["total"]:
            assert len(items) == page["total"]
            return items


# ---- over the ingested sample corpus ---------------------------------------------------------------


def test_the_sample_corpus_has_stories_with_timelines(corpus: TestClient) -> None:
    stories = corpus.get("/api/stories").json()
    assert stories["total"] >= 3  # two sample stories and the hostile one
    detailed = [corpus.get(f"/api/stories/{s['id']}").json() for s in stories["items"]]
    assert any(len(s["timeline"]) >= 2 for s in detailed)


def test_story_pages_are_consistent_with_the_full_list(corpus: TestClient) -> None:
    full = corpus.get("/api/stories?limit=200").json()
    paged = all_items(corpus, "/api/stories", limit=1)
    assert [s["id"] for s in paged] == [s["id"] for s in full["items"]]
    assert len({s["id"] for s in paged}) == full["total"]


def test_story_outlet_filter_keeps_stories_that_outlet_covered(corpus: TestClient) -> None:
    outlets = corpus.get("/api/outlets").json()
    assert len(outlets) >= 3
    everything = corpus.get("/api/stories?limit=200").json()["total"]
    for outlet in outlets:
        page = corpus.get("/api/stories", params={"outlet": outlet, "limit": 200}).json()
        assert page["total"] <= everything
        assert all(outlet in s["outlets"] for s in page["items"])


def test_story_date_filters(corpus: TestClient) -> None:
    stories = corpus.get("/api/stories?limit=200").json()["items"]
    dated = [s for s in stories if s["first_date"] and s["last_date"]]
    assert dated
    pivot = sorted(s["last_date"] for s in dated)[len(dated) // 2][:10]
    since = corpus.get("/api/stories", params={"since": pivot, "limit": 200}).json()["items"]
    until = corpus.get("/api/stories", params={"until": pivot, "limit": 200}).json()["items"]
    assert since and all(s["last_date"] >= pivot[: len(s["last_date"])] for s in since)
    assert until and all(s["first_date"][: len(pivot)] <= pivot for s in until)
    assert corpus.get("/api/stories", params={"since": "last week"}).status_code == 422


def test_timeline_spans_point_into_the_story_articles(corpus: TestClient) -> None:
    for brief in corpus.get("/api/stories?limit=200").json()["items"]:
        story = corpus.get(f"/api/stories/{brief['id']}").json()
        members = {a["id"] for a in story["articles"]}
        for entry in story["timeline"]:
            assert entry["kind"] in ("news", "background")
            for span in entry["spans"]:
                assert span["article_id"] in members
                article = corpus.get(f"/api/articles/{span['article_id']}").json()
                assert 0 <= span["start"] < span["end"] <= len(article["text"])


def test_unknown_ids_are_404_in_json(corpus: TestClient) -> None:
    for url in ("/api/stories/s_nothing", "/api/articles/a_nothing", "/api/entities/nobody-at-all-xyz"):
        response = corpus.get(url)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert "detail" in response.json()


def test_article_list_filters_and_pagination(corpus: TestClient) -> None:
    everything = all_items(corpus, "/api/articles", limit=5)
    assert len(everything) >= 20  # 19 sample articles and the hostile one
    for outlet in corpus.get("/api/outlets").json():
        filtered = all_items(corpus, f"/api/articles?outlet={outlet}", limit=3)
        assert {a["id"] for a in filtered} == {a["id"] for a in everything if a["outlet"] == outlet}
    dated = sorted(a["published"] for a in everything if a["published"] and a["published"][:4].isdigit())
    first, last = dated[0][:7], dated[-1][:7]
    window = all_items(corpus, f"/api/articles?since={first}&until={first}")
    assert window and all(a["published"].startswith(first) for a in window)
    assert len(all_items(corpus, f"/api/articles?since={first}&until={last}")) == len(dated)


def test_article_detail_carries_everything_found_with_offsets_in_the_text(corpus: TestClient) -> None:
    seen_removed = seen_quotes = seen_timexes = 0
    for brief in corpus.get("/api/articles?limit=200").json()["items"]:
        article = corpus.get(f"/api/articles/{brief['id']}").json()
        text = article["text"]
        for key in ("removed_lines", "timexes", "events", "local_entities", "mentions", "quotes", "reuse"):
            assert isinstance(article[key], list)
        for item in article["timexes"] + article["mentions"] + article["events"] + article["quotes"]:
            assert 0 <= item["start"] < item["end"] <= len(text)
        for timex in article["timexes"]:
            assert text[timex["start"] : timex["end"]] == timex["text"]
        seen_removed += len(article["removed_lines"])
        seen_quotes += len(article["quotes"])
        seen_timexes += len(article["timexes"])
        assert "input_text" not in article
    assert seen_removed and seen_quotes and seen_timexes


def test_quote_filters(corpus: TestClient) -> None:
    quotes = all_items(corpus, "/api/quotes", limit=10)
    assert quotes
    named = [q for q in quotes if (q["speaker"] or {}).get("name")]
    assert named
    name = named[0]["speaker"]["name"]
    by_speaker = all_items(corpus, f"/api/quotes?speaker={name}", limit=3)
    assert named[0]["id"] in {q["id"] for q in by_speaker}
    story = corpus.get("/api/stories?limit=1").json()["items"][0]
    members = {a["id"] for a in corpus.get(f"/api/stories/{story['id']}").json()["articles"]}
    assert all(q["article_id"] in members for q in all_items(corpus, f"/api/quotes?story={story['id']}"))
    outlet = quotes[0]["outlet"]
    assert all(q["outlet"] == outlet for q in all_items(corpus, f"/api/quotes?outlet={outlet}"))


def test_entities_list_and_detail(corpus: TestClient) -> None:
    entities = all_items(corpus, "/api/entities", limit=25)
    assert entities
    person = next(e for e in entities if e["type"] == "PERSON")
    people = all_items(corpus, "/api/entities?type=PERSON", limit=25)
    assert person["id"] in {e["id"] for e in people} and all(e["type"] == "PERSON" for e in people)
    part = person["name"].split()[-1]
    assert person["id"] in {e["id"] for e in all_items(corpus, f"/api/entities?name={part}", limit=25)}
    detail = corpus.get(f"/api/entities/{person['id']}").json()
    assert detail["name"] == person["name"]
    assert sum(p["count"] for p in detail["mentions_by_month"]) + detail["undated_mentions"] == len(
        detail["mentions"]
    )
    assert corpus.get(f"/api/entities/{person['name']}").json()["id"] == person["id"]


def test_search_finds_titles_and_pages(corpus: TestClient) -> None:
    article = corpus.get("/api/articles?limit=1").json()["items"][0]
    word = max(article["title"].split(), key=len).strip(".,:;'\"")
    hits = corpus.get("/api/search", params={"q": word}).json()
    assert article["id"] in {h["id"] for h in hits["items"]}
    assert hits["total"] >= len(hits["items"])
    paged = all_items(corpus, f"/api/search?q={word}", limit=1)
    assert {h["id"] for h in paged} == {
        h["id"] for h in corpus.get("/api/search", params={"q": word, "limit": 200}).json()["items"]
    }
    assert corpus.get("/api/search?q=").status_code == 422
    assert corpus.get("/api/search", params={"q": '"unbalanced AND ('}).status_code == 200


def test_hostile_text_is_returned_as_data(corpus: TestClient) -> None:
    response = corpus.get(f"/api/articles/{wf.HOSTILE_ARTICLE}")
    assert response.headers["content-type"] == "application/json"
    assert response.json()["title"] == wf.HOSTILE_TITLE
    assert response.headers["x-content-type-options"] == "nosniff"


# ---- the OpenAPI document and headers ---------------------------------------------------------------


def test_openapi_documents_the_response_models(invented: TestClient) -> None:
    spec = invented.get("/openapi.json").json()
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/quotes",
        "/api/entities",
        "/api/entities/{entity}",
        "/api/search",
        "/api/entities/merge",
        "/api/entities/rename",
    ):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    for model in ("StoryOut", "ArticleOut", "EntityOut", "QuoteListed", "TimelineEntryOut", "SearchHit"):
        assert model in schemas, model
    assert "timeline" in schemas["StoryOut"]["properties"]
    assert not any(path.startswith(("/stories", "/articles/")) for path in spec["paths"])  # pages stay out


def test_docs_are_served_offline(invented: TestClient) -> None:
    html = invented.get("/docs").text
    assert "/api/stories" in html and "StoryOut" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing loaded from elsewhere
    assert invented.get("/redoc").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/stories", "/", "/static/app.js", "/api/articles/none", "/missing", "/openapi.json"]
)
def test_every_response_carries_the_security_headers(invented: TestClient, url: str) -> None:
    headers = invented.get(url).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


# ---- exact content (invented corpus) ----------------------------------------------------------------


def test_pagination_reports_the_total(invented: TestClient) -> None:
    first = invented.get("/api/articles?limit=2").json()
    second = invented.get("/api/articles?limit=2&offset=2").json()
    assert first["total"] == second["total"] == 6
    assert len(first["items"]) == len(second["items"]) == 2
    assert not {a["id"] for a in first["items"]} & {a["id"] for a in second["items"]}
    assert invented.get("/api/articles?limit=0").status_code == 422
    assert invented.get("/api/articles?limit=201").status_code == 422


def test_story_detail_has_summary_timeline_articles_and_entities(invented: TestClient) -> None:
    story = invented.get("/api/stories/s_bridge000001").json()
    assert story["summary"].startswith("The Old Mill bridge")
    assert [e["date"] for e in story["timeline"]] == [
        "1908",
        "2022-04-12",
        "2022-05-03",
        "2022-10-28",
        "XXXX-06-01",
    ]
    assert [a["id"] for a in story["articles"]] == [a.id for a in wf.BRIDGE]
    assert story["entities"][0] == {"id": "e_quell", "name": "Marta Quell", "type": "PERSON", "mentions": 4}
    assert story["outlets"] == ["Riverside Courier", "Valley Herald"]
    assert invented.get("/api/stories/s_bridge").json()["id"] == "s_bridge000001"  # a unique prefix


def test_quotes_by_speaker_and_date_range(invented: TestClient) -> None:
    quotes = invented.get("/api/quotes", params={"speaker": "Marta Quell"}).json()
    assert quotes["total"] == 3
    assert [q["published"] for q in quotes["items"]] == ["2022-04-12", "2022-05-03", "2022-10-28"]
    window = invented.get("/api/quotes", params={"since": "2022-05", "until": "2022-07"}).json()
    assert {q["text"] for q in window["items"]} == {
        "The piers come first, then the deck",
        "Nobody wants closed doors",
        "We got what we asked for",
    }


def test_entity_detail_counts_mentions_by_month(invented: TestClient) -> None:
    entity = invented.get("/api/entities/e_quell").json()
    assert entity["aliases"] == {"Marta Quell": 3, "Quell": 1}
    assert entity["mentions_by_month"] == [
        {"period": "2022-04", "count": 1},
        {"period": "2022-05", "count": 2},
        {"period": "2022-06", "count": 0},
        {"period": "2022-07", "count": 0},
        {"period": "2022-08", "count": 0},
        {"period": "2022-09", "count": 0},
        {"period": "2022-10", "count": 1},
    ]
    assert [s["id"] for s in entity["stories"]] == ["s_bridge000001"]
    assert len(entity["quotes_by"]) == 3


def test_article_detail_lists_reuse_removed_lines_and_speakers(invented: TestClient) -> None:
    article = invented.get(f"/api/articles/{wf.BRIDGE[0].id}").json()
    assert [r["reason"] for r in article["removed_lines"]] == ["boilerplate", "share-widget"]
    assert article["reuse"][0]["b"] == wf.BRIDGE[2].id
    assert article["quotes"][0]["speaker"]["entity_id"] == "e_quell"
    assert article["story_id"] == "s_bridge000001"


# ---- edits ------------------------------------------------------------------------------------------


def test_edits_are_refused_when_read_only(invented: TestClient) -> None:
    assert (
        invented.post("/api/entities/merge", json={"keep": "e_quell", "other": "e_brehm"}).status_code == 403
    )
    assert (
        invented.post("/api/entities/rename", json={"entity": "e_quell", "name": "M. Quell"}).status_code
        == 403
    )
    assert invented.post("/entities/e_quell/rename", data={"name": "M. Quell"}).status_code == 403
    assert invented.get("/api/entities/e_quell").json()["name"] == "Marta Quell"


@pytest.fixture
def editable(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    source = wf.invented_db(tmp_path_factory.mktemp("web-invented"))
    copy = tmp_path / "editable.db"
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    with TestClient(create_app(str(copy), allow_edits=True)) as client:
        yield client


def test_cross_site_writes_are_refused_even_with_edits_allowed(editable: TestClient) -> None:
    body = {"entity": "e_quell", "name": "M. Quell"}
    assert (
        editable.post(
            "/api/entities/rename", json=body, headers={"Origin": "http://evil.example"}
        ).status_code
        == 403
    )
    assert (
        editable.post("/api/entities/rename", json=body, headers={"Sec-Fetch-Site": "cross-site"}).status_code
        == 403
    )
    response = editable.post("/entities/e_quell/rename", data={"name": "x"}, headers={"Origin": "null"})
    assert response.status_code == 403


@pytest.fixture
def editable_corpus(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A copy of the ingested corpus (it has the entity registry that edits change), edits allowed."""
    source = wf.corpus_db(tmp_path_factory.mktemp("web-corpus"))
    copy = tmp_path / "editable-corpus.db"
    with sqlite3.connect(source) as original, sqlite3.connect(copy) as target:
        original.backup(target)
    with TestClient(create_app(str(copy), allow_edits=True)) as client:
        yield client


def test_edits_go_through_apply_edit_when_allowed(editable_corpus: TestClient) -> None:
    client = editable_corpus
    people = client.get("/api/entities", params={"type": "PERSON", "limit": 2}).json()["items"]
    keep, other = people[0], people[1]
    response = client.post("/api/entities/rename", json={"entity": keep["id"], "name": "Renamed Person"})
    assert response.status_code == 200, response.text
    assert "rename" in response.json()["message"]
    assert client.get(f"/api/entities/{keep['id']}").json()["name"] == "Renamed Person"
    response = client.post("/api/entities/merge", json={"keep": keep["id"], "other": other["id"]})
    assert response.status_code == 200, response.text
    assert client.get(f"/api/entities/{other['id']}").json()["id"] == keep["id"]
    assert other["id"] not in {e["id"] for e in all_items(client, "/api/entities", limit=200)}
    response = client.post("/api/entities/rename", json={"entity": "nobody-at-all-xyz", "name": "X"})
    assert response.status_code == 400 and "nobody-at-all-xyz" in response.json()["detail"]


def test_edit_forms_rename_and_redirect_back(editable_corpus: TestClient) -> None:
    client = editable_corpus
    person = client.get("/api/entities", params={"type": "PERSON", "limit": 1}).json()["items"][0]
    page = client.get(f"/entities/{person['id']}").text
    assert f'action="/entities/{person["id"]}/rename"' in page
    response = client.post(
        f"/entities/{person['id']}/rename", data={"name": "Form Renamed"}, follow_redirects=False
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "<h1>Form Renamed" in page and 'class="flash"' in page


def test_edit_forms_appear_only_with_edits_allowed(editable: TestClient, invented: TestClient) -> None:
    assert 'action="/entities/e_quell/rename"' in editable.get("/entities/e_quell").text
    assert 'action="/entities/e_quell/rename"' not in invented.get("/entities/e_quell").text


def test_edit_bodies_must_be_json(editable: TestClient) -> None:
    response = editable.post(
        "/api/entities/rename",
        content='{"entity": "e_quell", "name": "X"}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 422
