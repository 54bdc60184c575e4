"""Per-article named mentions and their clusters (storyline.extract.entities)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from storyline.extract import names
from storyline.extract.entities import find_entities
from storyline.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _cluster_of(mentions, entities, text):
    found = [m for m in mentions if m.text == text]
    assert found, f"no mention {text!r} in {[m.text for m in mentions]}"
    return next(e for e in entities if e.cluster == found[0].cluster)


def test_surname_and_possessive_join_the_full_name_with_its_title(nlp):
    doc = nlp(
        "Foreign Minister Anna Novak arrived in Brno on Monday. Novak said the talks had failed. "
        "Novak's aides left the building."
    )
    mentions, entities = find_entities(doc)
    novak = _cluster_of(mentions, entities, "Anna Novak")
    assert novak.name == "Anna Novak"
    assert novak.label == "PERSON"
    assert "Foreign Minister" in novak.titles
    novak_mentions = [m for m in mentions if m.cluster == novak.cluster]
    assert [m.text for m in novak_mentions] == ["Anna Novak", "Novak", "Novak"]
    assert all(doc.text[m.start : m.end] == m.text for m in mentions)
    assert all("Minister" not in m.text for m in novak_mentions)


def test_acronym_joins_the_earlier_full_name(nlp):
    doc = nlp("The United Nations sent an envoy to Brno. The UN envoy met the mayor on Tuesday.")
    mentions, entities = find_entities(doc)
    un = _cluster_of(mentions, entities, "United Nations")
    assert {m.text for m in mentions if m.cluster == un.cluster} == {"United Nations", "UN"}


def test_role_phrases_dates_and_numbers_are_not_named_mentions(nlp):
    doc = nlp("The Kestranian leader said on 12 May 2021 that 300 soldiers would leave the islands.")
    mentions, _ = find_entities(doc)
    texts = [m.text for m in mentions]
    assert not any("leader" in t for t in texts)
    assert not any(t[0].isdigit() for t in texts)
    assert all(m.label not in {"DATE", "CARDINAL", "TIME", "QUANTITY"} for m in mentions)


def test_appositive_role_is_recorded_as_title(nlp):
    doc = nlp("Peter Kral, the government spokesman, disagreed with the plan on Monday.")
    mentions, entities = find_entities(doc)
    kral = _cluster_of(mentions, entities, "Peter Kral")
    assert any("spokesman" in title for title in kral.titles)


def test_majority_label_corrects_a_disagreeing_mention(nlp):
    words = ["Kestrel", "grew", ".", "Kestrel", "voted", ".", "Kestrel", "won", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True, False, True] * 3)
    doc.ents = [Span(doc, 0, 1, "GPE"), Span(doc, 3, 4, "ORG"), Span(doc, 6, 7, "GPE")]
    mentions, entities = find_entities(doc)
    assert len(entities) == 1
    assert entities[0].label == "GPE"
    assert [m.label for m in mentions] == ["GPE", "GPE", "GPE"]


def test_empty_document(nlp):
    assert find_entities(nlp("")) == ([], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("United Nations", "UN"),
        ("Ministry of Foreign Affairs", "MFA"),
        ("North Atlantic Treaty Organization", "NATO"),
    ],
)
def test_acronym(text, expected):
    assert names.acronym(text) == expected


def test_name_helpers():
    assert names.strip_possessive("Novak's") == "Novak"
    assert names.strip_possessive("Democrats’") == "Democrats"
    assert names.is_acronym("U.N.")
    assert not names.is_acronym("Novak")
    assert names.gender_of(["Anna", "Novak"]) == "female"
    assert names.gender_of(["Kral"], ["Mr."]) == "male"
    assert names.gender_of(["Kral"]) is None
    assert "senator" in names.role_words("Sen.")
    assert "minister" in names.role_words("Foreign Minister")


KRALS = (
    "Former President Pavel Kral spoke at the harbour on Monday. Mr. Kral praised the fishermen. "
    "Pavel Kral then left for Brno. Mrs. Kral arrived later."
)


def _after(prefix: str, mentions, text: str):
    """The mentions written right after ``prefix``."""
    return [m for m in mentions if text[m.start - len(prefix) : m.start] == prefix]


def test_a_surname_under_an_honorific_of_the_other_gender_is_another_person(nlp):
    mentions, entities = find_entities(nlp(KRALS))
    husband = _cluster_of(mentions, entities, "Pavel Kral").cluster
    assert [m.cluster == husband for m in _after("Mrs. ", mentions, KRALS)] == [False]
    assert [m.cluster == husband for m in _after("Mr. ", mentions, KRALS)] == [True]


def test_a_given_name_of_either_gender_does_not_keep_an_honorific_apart(nlp):
    text = "Foreign Minister Jan Novak arrived in Brno on Monday. Mr. Novak said the talks had failed."
    mentions, entities = find_entities(nlp(text))
    jan = _cluster_of(mentions, entities, "Jan Novak").cluster
    assert [m.cluster == jan for m in _after("Mr. ", mentions, text)] == [True]
