"""The learned content boundaries (storyline.extract.quote_bounds) on short invented sentences."""

from __future__ import annotations

import pytest

from storyline.extract.entities import find_entities
from storyline.extract.quote_bounds import BoundaryModel, choose_side, load_model
from storyline.extract.quote_bounds_fit import net_fixes
from storyline.extract.quote_index import TextIndex
from storyline.extract.quotes import attribution_candidates, extract_quotes
from storyline.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _contents(nlp, text: str, side: str, model: BoundaryModel) -> list[str]:
    doc = nlp(text)
    index = TextIndex.build(doc)
    accepted = attribution_candidates(doc, index)
    choose_side(index, accepted, side, model)
    return [text[c.parts[0][0] : c.parts[-1][1]] for c in accepted]


@pytest.mark.parametrize("side", ["start", "end"])
def test_shipped_models_load_with_named_features_and_a_margin(side):
    model = load_model(side)
    assert model is not None
    assert 0 <= model.margin < 1
    assert len(model.weights) > 100
    assert all("=" in name for name in model.weights)


def test_a_mixed_content_the_parse_cut_after_its_quotation_runs_to_the_end_of_its_clause(nlp):
    text = 'Anna Novak said at a rally in Lisbon that "a deal" had been struck in Vienna.'
    doc = nlp(text)
    mentions, entities = find_entities(doc)
    quotes = extract_quotes(doc, mentions, entities)
    assert [q.text for q in quotes] == ['that "a deal" had been struck in Vienna']
    rules_only = extract_quotes(doc, mentions, entities, learned_bounds=False)
    assert [q.text for q in rules_only] == ['that "a deal"']


def test_an_end_grows_up_to_the_next_attribution_and_not_over_it(nlp):
    text = "Novak said the talks failed, and Kral said the deal was off."
    grown = _contents(nlp, text, "end", BoundaryModel({"move=extend": 20.0}, 0.0, 0.0))
    assert grown == ["the talks failed, and", "the deal was off"]


def test_a_move_that_does_not_clear_the_margin_is_not_made(nlp):
    text = "Novak said the talks failed, and Kral said the deal was off."
    kept = _contents(nlp, text, "end", BoundaryModel({"move=extend": 20.0}, 0.0, 1.0))
    assert kept == ["the talks failed", "the deal was off"]


def test_a_start_grows_back_to_the_cue_and_not_over_it(nlp):
    text = "The fishermen have called on the coast guard to release the boats."
    assert _contents(nlp, text, "start", BoundaryModel({"move=extend": 20.0}, 0.0, 0.0)) == [
        "on the coast guard to release the boats"
    ]


def test_net_fixes_counts_boundaries_put_right_minus_those_put_wrong():
    model = BoundaryModel({"good": 5.0, "bad": -5.0}, 0.0, 0.0)
    groups = [
        ([["bad"], ["good"]], 0, 1),  # the rules' boundary is wrong, the model's is right: +1
        ([["bad"], ["good"]], 1, 1),  # the rules' boundary is kept: 0
        ([["bad"], ["good"], ["bad"]], 0, 0),  # a right boundary moved: -1
        ([["bad"], ["good"]], 0, -1),  # gold among no candidate: a move from wrong to wrong, 0
    ]
    assert net_fixes(groups, model) == 0
    assert net_fixes(groups[:1], model) == 1
