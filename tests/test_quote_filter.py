"""The learned attribution filter (storyline.extract.quote_filter) on short invented texts."""

from __future__ import annotations

import pytest

from storyline.eval.citron_metrics import TokenQuote
from storyline.extract.entities import find_entities
from storyline.extract.quote_filter import FilterModel, filter_quotes, load_filter, quote_features
from storyline.extract.quote_filter_fit import content_f1s
from storyline.extract.quotes import extract_quotes
from storyline.nlp import load_nlp

# A paragraph of background first, so that the sentence after it is not the article's opening.
BACKGROUND = "The ferry between the two islands runs twice a day in summer and once a day in winter. " * 4


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _quotes(nlp, text: str, **options):
    doc = nlp(text)
    mentions, entities = find_entities(doc)
    return doc, extract_quotes(doc, mentions, entities, **options)


def test_shipped_filter_loads_with_named_features_and_a_threshold():
    model = load_filter()
    assert model is not None
    assert 0 < model.threshold < 1
    assert len(model.weights) > 50
    assert all("=" in name for name in model.weights)


def test_the_shipped_filter_drops_a_non_attribution_and_keeps_a_report(nlp):
    text = BACKGROUND + "\n\nIt did not respond to the letter. Anna Novak said that the talks had failed."
    _, unfiltered = _quotes(nlp, text, learned_filter=False)
    assert [q.text for q in unfiltered] == ["the letter", "that the talks had failed"]
    _, filtered = _quotes(nlp, text)
    assert [q.text for q in filtered] == ["that the talks had failed"]


def test_features_name_the_cue_the_kind_and_where_the_cue_stands(nlp):
    doc, quotes = _quotes(nlp, "Anna Novak said that the talks had failed.", learned_filter=False)
    names = quote_features(doc, quotes[0])
    assert {"kind=indirect", "lemma=say", "lemma|kind=say|indirect", "cue_first=True", "opener=that"} <= set(
        names
    )


def test_a_hand_made_model_drops_what_it_scores_low_but_never_a_direct_quote(nlp):
    text = 'Anna Novak said that the talks had failed. "We will try again," Kral said.'
    doc, quotes = _quotes(nlp, text, learned_filter=False)
    assert [q.kind for q in quotes] == ["indirect", "direct"]
    strict = FilterModel({"lemma=say": -10.0}, 0.0, 0.5)
    assert [q.kind for q in filter_quotes(doc, quotes, strict)] == ["direct"]
    lenient = FilterModel({"lemma=say": 10.0}, 0.0, 0.5)
    assert [q.kind for q in filter_quotes(doc, quotes, lenient)] == ["indirect", "direct"]


def test_content_scores_after_dropping_follow_citrons_counts():
    gold = [TokenQuote((0, 1), ((1, 2),), ((2, 6),))]
    right = TokenQuote((0, 1), ((1, 2),), ((2, 6),))
    wrong = TokenQuote((8, 9), (), ((10, 14),))
    direct = TokenQuote((20, 21), (), ((22, 24),))
    documents = [([0.9, 0.2, None], [right, wrong, direct], gold)]
    # Everything kept: 1 exact of 3 predictions, the gold found: P 1/3, R 1 -> F1 0.5.
    # Overlap: 4 shared tokens of 4 + 4 + 2 predicted, of 4 gold: P 0.4, R 1 -> F1 4/7.
    assert content_f1s(documents, 0.0) == pytest.approx((0.5, 4 / 7))
    # Threshold 0.5 drops the wrong quote (0.2), never the direct one (None): P 1/2 -> F1 2/3;
    # overlap P 4/6 -> F1 0.8.
    assert content_f1s(documents, 0.5) == pytest.approx((2 / 3, 0.8))
