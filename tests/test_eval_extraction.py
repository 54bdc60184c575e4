"""The article-extraction scorer against SCORER.md: tokens, shingles, special cases, corpus means."""

from __future__ import annotations

import json

import pytest

from storyline.eval.common import shared_datasets
from storyline.eval.extraction import score_corpus, score_document, shingles, tokenize


def test_worked_example_from_scorer_md() -> None:
    gold = {"1": "The cat sat on the mat today.", "2": "Short text"}
    predicted = {"1": "The cat sat on the mat. Subscribe now!", "2": ""}
    result = score_corpus(gold, predicted)
    assert round(result["precision"], 3) == 0.600
    assert round(result["recall"], 3) == 0.375
    assert round(result["f1"], 3) == 0.462
    assert result["accuracy"] == 0.0
    first = score_document(gold["1"], predicted["1"])
    assert (first.tp, first.fp, first.fn) == (3, 2, 1)


def test_tokenization_keeps_case_and_splits_on_punctuation() -> None:
    assert tokenize("The e-mail from the U.S. arrived") == [
        "The",
        "e",
        "mail",
        "from",
        "the",
        "U",
        "S",
        "arrived",
    ]
    assert tokenize("Ünïcode wörds_ok 42") == ["Ünïcode", "wörds_ok", "42"]
    assert tokenize("The") != tokenize("the")


def test_short_texts_have_one_short_shingle() -> None:
    assert shingles(["a", "b"]) == {("a", "b"): 1}
    assert shingles([]) == {}
    assert shingles(list("abcde")) == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_shingles_are_a_multiset() -> None:
    gold = "one two three four one two three four"
    once = score_document(gold, "one two three four")
    assert (once.tp, once.fp, once.fn) == (1, 0, 4)


def test_special_cases() -> None:
    perfect = score_document("Some gold text here", "Some gold text here")
    assert (perfect.precision, perfect.recall, perfect.exact) == (1.0, 1.0, True)
    disjoint = score_document("alpha beta gamma delta", "one two three four")
    assert (disjoint.precision, disjoint.recall) == (0.0, 0.0)
    empty_both = score_document("", "")
    assert (empty_both.precision, empty_both.recall) == (None, None)
    empty_prediction = score_document("gold text", "")
    assert (empty_prediction.precision, empty_prediction.recall) == (None, 0.0)


def test_precision_mean_skips_empty_predictions_and_accuracy_counts_all() -> None:
    gold = {"a": "one two three four five", "b": "six seven eight nine ten"}
    result = score_corpus(gold, {"a": "one two three four five"})
    assert result["precision"] == 1.0 and result["recall"] == 0.5 and result["accuracy"] == 0.5


def test_bootstrap_is_reproducible_with_a_seed() -> None:
    gold = {str(i): f"word{i} a b c d e f" for i in range(20)}
    predicted = {str(i): (gold[str(i)] if i % 3 else "x y z w") for i in range(20)}
    first = score_corpus(gold, predicted, n_bootstrap=50, seed=3)
    second = score_corpus(gold, predicted, n_bootstrap=50, seed=3)
    assert first["stdev"] == second["stdev"] and first["stdev"]["f1"] > 0


@pytest.mark.shared
def test_gold_against_itself_scores_perfectly() -> None:
    root = shared_datasets()
    if root is None or not (root / "article-extraction-benchmark").is_dir():
        pytest.skip("shared datasets not available")
    truth = json.loads(
        (root / "article-extraction-benchmark" / "ground-truth.json").read_text(encoding="utf-8")
    )
    gold = {key: entry["articleBody"] for key, entry in truth.items()}
    result = score_corpus(gold, gold)
    assert result["documents"] == 181
    assert (result["precision"], result["recall"], result["f1"], result["accuracy"]) == (1.0, 1.0, 1.0, 1.0)
