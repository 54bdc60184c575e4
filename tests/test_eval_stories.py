"""Story-clustering evaluation: measures, readers (on invented files), and the gold sets when present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.eval.common import shared_datasets
from storyline.eval.ecb_docs import read_ecb_documents
from storyline.eval.giveme5w1h import read_news_cluster
from storyline.eval.stories import bcubed, main, pairwise, stability


def test_bcubed_on_a_hand_worked_example() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    result = bcubed(pred, gold)
    # precision: a,b 2/2; c,d 1/2 -> 3/4. recall: a,b 2/3; c 1/3; d 1/1 -> (2/3+2/3+1/3+1)/4 = 2/3
    assert result.precision == pytest.approx(0.75)
    assert result.recall == pytest.approx(2 / 3)


def test_pairwise_on_a_hand_worked_example() -> None:
    gold = {"a": "1", "b": "1", "c": "1", "d": "2"}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    result = pairwise(pred, gold)
    assert result.precision == pytest.approx(0.5)  # (a,b) right, (c,d) wrong
    assert result.recall == pytest.approx(1 / 3)  # (a,b) of (a,b),(a,c),(b,c)


def test_perfect_clustering_scores_one() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    assert bcubed({"a": "p", "b": "p", "c": "q"}, gold).f1 == pytest.approx(1.0)
    assert pairwise({"a": "p", "b": "p", "c": "q"}, gold).f1 == pytest.approx(1.0)


def test_stability_follows_redirects() -> None:
    at_80 = {"a": "s1", "b": "s2", "c": "s3"}
    at_100 = {"a": "s1", "b": "s1", "c": "s4", "d": "s4"}
    redirects = {"s2": "s1"}
    assert stability(at_80, at_100, lambda s: redirects.get(s, s)) == pytest.approx(2 / 3)


def _write_news_cluster(root: Path) -> None:
    folder = root / "giveme5w1h-news" / "news_cluster"
    folder.mkdir(parents=True)
    stories = [
        (
            "1",
            "Marlow bridge closes for repairs",
            "Engineers closed the Marlow bridge on Tuesday after finding cracks.",
        ),
        (
            "1",
            "Cracks shut Marlow bridge",
            "The Marlow bridge was shut by engineers who found cracks in its supports.",
        ),
        ("2", "Harwick wins chess league", "The Harwick chess club won the regional chess league on Sunday."),
        ("2", "Chess title for Harwick", "Harwick chess club players took the regional league chess title."),
    ]
    for i, (event, title, text) in enumerate(stories):
        record = {
            "dId": f"doc{i}",
            "title": title,
            "text": text,
            "date_publish": f"2021-03-0{i + 1} 10:00:00",
            "source_domain": "example.org",
            "newsCluster": {"EventId": int(event), "Event": f"event{event}"},
        }
        (folder / f"doc{i}.json").write_text(json.dumps(record), encoding="utf-8")


def _write_ecb(root: Path) -> None:
    for topic, sub, n, sentence in [
        (1, "ecb", 1, "Anna Kors won the Valdoria election ."),
        (1, "ecb", 2, "Valdoria elected Anna Kors as mayor ."),
        (1, "ecbplus", 1, "Piet Marsh lost the Oldbury vote ."),
        (2, "ecb", 1, "A storm flooded Marlow ."),
    ]:
        folder = root / "ecbplus" / "ECB+" / str(topic)
        folder.mkdir(parents=True, exist_ok=True)
        tokens = "".join(
            f'<token t_id="{i + 1}" sentence="0" number="{i}">{word}</token>'
            for i, word in enumerate(sentence.split())
        )
        (folder / f"{topic}_{n}{sub}.xml").write_text(
            f'<Document doc_name="x">{tokens}</Document>', encoding="utf-8"
        )


def test_readers_on_invented_files(tmp_path: Path) -> None:
    _write_news_cluster(tmp_path)
    _write_ecb(tmp_path)
    articles = read_news_cluster(tmp_path / "giveme5w1h-news")
    assert [a.gold for a in articles] == ["1", "1", "2", "2"]
    assert articles[0].published == "2021-03-01" and articles[0].title == "Marlow bridge closes for repairs"
    docs = read_ecb_documents(tmp_path / "ecbplus")
    assert [d.gold for d in docs] == ["1_ecb", "1_ecb", "1_ecbplus", "2_ecb"]
    assert docs[0].text == "Anna Kors won the Valdoria election ."
    assert [d.id for d in read_ecb_documents(tmp_path / "ecbplus", topics={2})] == ["2_1ecb"]


def test_main_prints_figures_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_news_cluster(tmp_path)
    _write_ecb(tmp_path)
    assert main(["--data", str(tmp_path), "--json", "--seeds", "2", "--dataset", "giveme5w1h"]) == 0
    result = json.loads(capsys.readouterr().out)
    figures = result["giveme5w1h"]
    assert figures["documents"] == 4 and figures["gold_stories"] == 2
    assert 0.0 <= figures["batch"]["bcubed"]["f1"] <= 1.0
    assert figures["online"]["seeds"] == 2
    assert 0.0 <= figures["online"]["stability"]["mean"] <= 1.0


@pytest.mark.shared
def test_gold_sets_have_the_documented_sizes() -> None:
    root = shared_datasets()
    assert root is not None
    articles = read_news_cluster(root / "giveme5w1h-news")
    assert len(articles) == 383 and len({a.gold for a in articles}) == 69
    docs = read_ecb_documents(root / "ecbplus")
    assert len(docs) == 982 and len({d.gold for d in docs}) == 86


def test_giveme_tuning_half_is_a_fixed_hash_split() -> None:
    from storyline.eval.stories import giveme_tuning_event

    ids = [f"event_{i}" for i in range(200)]
    tuning = [i for i in ids if giveme_tuning_event(i)]
    assert 60 < len(tuning) < 140  # roughly half
    assert tuning == [i for i in ids if giveme_tuning_event(i)]  # deterministic


def test_tune_scores_every_grid_point_and_picks_the_better_threshold() -> None:
    from storyline.corpus.story_features import ArticleFeatures
    from storyline.eval.stories import GoldDoc, tune

    words = {"a": "flood river rain levee evacuate", "b": "chess league endgame captain rating"}
    docs, features = [], []
    for story, terms in words.items():
        for i in range(4):
            aid = f"{story}{i}"
            docs.append(GoldDoc(aid, None, "", None, story))
            features.append(ArticleFeatures(aid, None, 0, {t: 1.0 for t in f"{terms} extra{aid}".split()}))
    result = tune({"invented": (docs, features)}, seeds=1, grid_values={"join_threshold": (0.14, 0.95)})
    assert [g["join_threshold"] for g in result["grid"]] == [0.14, 0.95]
    assert result["best"]["join_threshold"] == 0.14
    assert result["best"]["invented"]["batch"] == pytest.approx(1.0)
    assert result["grid"][1]["invented"]["batch"] < 1.0  # at 0.95 every article stays alone
