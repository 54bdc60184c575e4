"""End to end over the sample corpus: ingest, the export contract, and the truth in examples/truth.json."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from storyline.cli import main
from storyline.export import write_json
from storyline.store import Store

ROOT = Path(__file__).resolve().parent.parent
TRUTH = json.loads((ROOT / "examples" / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = str(tmp_path_factory.mktemp("examples") / "examples.db")
    code = main(["ingest", str(ROOT / "examples" / "articles"), "--db", db, "--quiet"])
    out = io.StringIO()
    write_json(Store(db), out)
    return {"db": db, "code": code, "export": json.loads(out.getvalue()), "text": out.getvalue()}


def _by_truth(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Truth id (KW1, GD3, ...) -> exported article."""
    found = {}
    for truth in TRUTH["articles"]:
        for article in export["articles"]:
            source = article["source"].replace("\\", "/")
            same_file = source.endswith(truth["file"].removeprefix("articles/"))
            same_record = truth["record"] is None or article["locator"] == str(truth["record"])
            if same_file and same_record:
                found[truth["id"]] = article
    return found


def test_ingest_succeeds_and_every_sample_article_is_stored(ingested: dict[str, Any]) -> None:
    assert ingested["code"] == 0
    assert len(_by_truth(ingested["export"])) == len(TRUTH["articles"]) == len(ingested["export"]["articles"])


def test_export_follows_the_json_schema(ingested: dict[str, Any]) -> None:
    schema = json.loads(resources.files("storyline.schema").joinpath("export.schema.json").read_text("utf-8"))
    jsonschema.validate(ingested["export"], schema)
    for section in ("articles", "entities", "quotes", "stories", "reuse"):
        assert ingested["export"][section], f"{section} is empty"


def test_reingesting_the_same_input_changes_nothing(ingested: dict[str, Any]) -> None:
    code = main(["ingest", str(ROOT / "examples" / "articles"), "--db", ingested["db"], "--quiet"])
    out = io.StringIO()
    write_json(Store(ingested["db"]), out)
    assert code == 0
    assert out.getvalue() == ingested["text"]


def test_every_truth_noise_line_is_removed_and_titles_found(ingested: dict[str, Any]) -> None:
    articles = _by_truth(ingested["export"])
    for truth in TRUTH["articles"]:
        article = articles[truth["id"]]
        removed = {r["text"] for r in article["removed"]}
        missing = [
            line for line in truth["noise"] if line.strip() not in removed and line.strip() in article["text"]
        ]
        assert not missing, f"{truth['id']}: noise kept: {missing}"
        assert article["title"] == truth["title"], truth["id"]
        assert all(r["reason"] for r in article["removed"])


def test_publication_dates_are_right_or_honestly_unknown(ingested: dict[str, Any]) -> None:
    articles = _by_truth(ingested["export"])
    right, unknown_year = 0, 0
    for truth in TRUTH["articles"]:
        value = articles[truth["id"]]["published"]["value"] or "XXXX"
        if value == truth["date"]:
            right += 1
        elif value.startswith("XXXX"):
            unknown_year += 1
        else:
            pytest.fail(f"{truth['id']}: published {value}, truth {truth['date']} ({truth['date_clue']})")
    assert right >= 16, (
        f"only {right} of {len(TRUTH['articles'])} dated exactly ({unknown_year} with unknown year)"
    )


def test_no_date_comes_from_a_render_stamp(ingested: dict[str, Any]) -> None:
    for article in ingested["export"]["articles"]:
        for evidence in article["published"]["evidence"]:
            if "render" in evidence["kind"] or "crawl" in evidence["kind"]:
                assert evidence["value"] != article["published"]["value"] or evidence["kind"].endswith(
                    "bound"
                )


def test_the_two_stories_are_found(ingested: dict[str, Any]) -> None:
    articles = _by_truth(ingested["export"])
    story_of = {tid: a["story_id"] for tid, a in articles.items()}
    groups: dict[str, set[str]] = defaultdict(set)
    for truth in TRUTH["articles"]:
        groups[truth["story"]].add(story_of[truth["id"]])
    assert len(groups["A"]) == 1 and len(groups["B"]) == 1
    assert groups["A"] != groups["B"]


def test_republished_wire_story_and_pasted_background_are_found(ingested: dict[str, Any]) -> None:
    articles = _by_truth(ingested["export"])
    kw3, hdp2 = articles["KW3"]["id"], articles["HDP2"]["id"]
    pairs = {(tuple(sorted(r["article_ids"])), r["kind"]): r for r in ingested["export"]["reuse"]}
    duplicate = pairs.get((tuple(sorted((kw3, hdp2))), "duplicate"))
    assert duplicate is not None and duplicate["first"] == kw3
    background = TRUTH["background_paragraph"][:60]
    passage_articles = set()
    for r in ingested["export"]["reuse"]:
        if r["kind"] != "passage":
            continue
        a, b = r["article_ids"]
        texts = {x["id"]: x["text"] for x in ingested["export"]["articles"]}
        for span in r["spans"]:
            if background[:40] in texts[a][span["a_start"] : span["a_end"]]:
                passage_articles.update((a, b))
    assert {articles[k]["id"] for k in ("KW1", "KW4", "KW5")} <= passage_articles


def test_quotes_have_speakers_resolved_to_people(ingested: dict[str, Any]) -> None:
    quotes = ingested["export"]["quotes"]
    assert len(quotes) >= 40
    names = [q["speaker"]["name"] for q in quotes if q["speaker"] and q["speaker"]["name"]]
    assert any("Novak" in n for n in names) and any("Ivanov" in n for n in names)
    kinds = {q["kind"] for q in quotes}
    assert {"direct", "indirect"} <= kinds
    for q in quotes:
        article = next(a for a in ingested["export"]["articles"] if a["id"] == q["article_id"])
        assert 0 <= q["start"] < q["end"] <= len(article["text"])


def test_name_variants_are_one_entity(ingested: dict[str, Any]) -> None:
    novak = [e for e in ingested["export"]["entities"] if "Novak" in e["name"]]
    assert len(novak) == 1
    assert {"Novak", "Anna Novak"} <= set(novak[0]["aliases"])


def test_every_timeline_entry_links_to_a_source_span(ingested: dict[str, Any]) -> None:
    texts = {a["id"]: a["text"] for a in ingested["export"]["articles"]}
    entries = [e for s in ingested["export"]["stories"] for e in s["timeline"]]
    assert entries
    for entry in entries:
        assert entry["spans"], entry
        for span in entry["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(texts[span["article_id"]])
