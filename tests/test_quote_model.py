"""The learned cue detector (storyline.extract.quote_model) on short invented sentences."""

from __future__ import annotations

import math

import pytest

from storyline.extract.entities import find_entities
from storyline.extract.quote_index import TextIndex
from storyline.extract.quote_model import CueModel, generic_candidate, learned_candidates, load_model
from storyline.extract.quotes import extract_quotes, rule_candidates
from storyline.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_probability_is_the_logistic_of_the_summed_weights():
    model = CueModel({"lemma=back": 1.5, "kind=object": -0.5}, intercept=0.25, threshold=0.5)
    expected = 1 / (1 + math.exp(-(0.25 + 1.5 - 0.5)))
    assert model.probability(["lemma=back", "kind=object", "unknown"]) == pytest.approx(expected)


def test_shipped_model_loads_with_a_threshold_and_named_features():
    model = load_model()
    assert model is not None
    assert 0 < model.threshold < 1
    assert len(model.weights) > 100
    assert all("=" in name or name == "bias" for name in model.weights)


def test_generic_candidate_takes_the_object_and_the_subject(nlp):
    doc = nlp("The governor backed the new school plan on Monday.")
    verb = next(t for t in doc if t.lower_ == "backed")
    candidate, kind, head = generic_candidate(verb)
    assert kind == "object" and head.lower_ == "plan"
    assert doc.text[candidate.start : candidate.end].startswith("the new school plan")
    assert candidate.source is not None and candidate.source.text == "The governor"


def test_generic_candidate_of_a_noun_takes_its_owner_and_that_clause(nlp):
    doc = nlp("Her insistence that the bridge was safe surprised the engineers.")
    noun = next(t for t in doc if t.lower_ == "insistence")
    made = generic_candidate(noun)
    assert made is not None
    candidate, kind, head = made
    assert kind == "clause" and head.lower_ == "was"
    assert doc.text[candidate.start : candidate.end] == "that the bridge was safe"
    assert candidate.source is not None and candidate.source.text == "Her"


def test_threshold_decides_and_added_candidates_never_overlap_the_rules(nlp):
    doc = nlp("Mayor Lena Ortiz said the tunnel would open in May. The council trimmed the new budget.")
    index = TextIndex.build(doc)
    rules = rule_candidates(doc, index)
    assert learned_candidates(doc, index, rules, CueModel({}, 0.0, 1.01)) == rules
    everything = learned_candidates(doc, index, rules, CueModel({}, 0.0, 0.0))
    added = [c for c in everything if c not in rules]
    assert any(index.text[c.start : c.end].startswith("the new budget") for c in added)
    for new in added:
        assert new.note == "learned cue"
        assert not any(s1 < e2 and s2 < e1 for s1, e1 in new.parts for r in rules for s2, e2 in r.parts)


def test_extract_quotes_keeps_its_offsets_with_the_model(nlp):
    doc = nlp("The union endorsed the candidate after a long debate. Critics mocked the choice.")
    mentions, entities = find_entities(doc)
    for quote in extract_quotes(doc, mentions, entities):
        assert doc.text[quote.start : quote.end] == quote.text
        if quote.note == "learned cue":
            assert quote.confidence <= 0.6


def test_to_toml_round_trips_names_with_quotes_and_accents():
    import tomllib

    from storyline.extract.quote_model import to_toml

    model = {
        "about": "demo",
        "threshold": 0.5,
        "intercept": -0.25,
        "weights": {'lemma="x"': 1.0, "lemma=café": -2.5},
    }
    raw = tomllib.loads(to_toml(model))
    assert raw["weights"] == model["weights"]
    assert (raw["threshold"], raw["intercept"]) == (0.5, -0.25)


def test_generic_candidate_takes_an_object_with_its_complement(nlp):
    doc = nlp("The senator called the plan a disaster.")
    verb = next(t for t in doc if t.lower_ == "called")
    candidate, kind, _ = generic_candidate(verb)
    assert kind == "complement"
    assert doc.text[candidate.start : candidate.end] == "the plan a disaster"
    assert candidate.source is not None and candidate.source.text == "The senator"
