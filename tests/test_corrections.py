"""User corrections (merge, split, rename, ignore): replayable, idempotent, robust to rebuilds."""

from __future__ import annotations

import json

import pytest

from storyline.corpus.aliases import load_gazetteer
from storyline.corpus.corrections import (
    CorrectionError,
    Rule,
    apply_rules,
    ignore,
    merge,
    rename,
    split,
)
from storyline.corpus.registry import ArticleContext, EntityRegistry
from storyline.model import LocalEntity, Mention

# (article id, story, clusters of (text, label)), invented names.
ARTICLES = [
    ("a1", "s1", [[("Anna Novak", "PERSON"), ("Novak", "PERSON")], [("Harbour Board", "ORG")]]),
    ("a2", "s1", [[("Anna Nowak", "PERSON")], [("Port Authority of Dunmere", "ORG")]]),
    ("a3", "s2", [[("Wirepress", "ORG")], [("Ivo Kral", "PERSON")]]),
    ("a4", "s2", [[("Novak", "PERSON")], [("Dunmere Port Authority", "ORG")]]),
]


def feed(registry: EntityRegistry, articles: list) -> None:
    for article_id, story, clusters in articles:
        mentions: list[Mention] = []
        entities: list[LocalEntity] = []
        for c, items in enumerate(clusters):
            start = len(mentions)
            for text, label in items:
                mentions.append(Mention(len(mentions) * 40, len(mentions) * 40 + len(text), text, label, c))
            entities.append(LocalEntity(c, items[0][0], items[0][1], list(range(start, len(mentions)))))
        registry.resolve(ArticleContext(article_id, None, "Daily", story), mentions, entities)


def groups(registry: EntityRegistry) -> set[frozenset[str]]:
    """The partition of alias names into entities: comparable across registries whatever the ids."""
    return {frozenset(e.aliases) for e in registry if not e.ignored}


def fresh(articles: list = ARTICLES) -> EntityRegistry:
    registry = EntityRegistry(load_gazetteer())
    feed(registry, articles)
    return registry


def saved(rules: list[Rule]) -> list[dict]:
    return json.loads(json.dumps([r.to_dict() for r in rules]))


def test_merge_redirects_the_merged_away_id() -> None:
    registry = fresh()
    board = registry.find("Harbour Board")[0]
    authority = registry.find("Port Authority of Dunmere")[0]
    rule = merge(registry, board, authority, now="2025-01-01T00:00:00+00:00")
    assert rule.op == "merge" and rule.args["other"]["name"] == "Port Authority of Dunmere"
    assert registry.canonical_id(authority) == board
    assert registry.entity(authority) is registry.entity(board)
    assert set(registry.entity(board).aliases) >= {"Harbour Board", "Port Authority of Dunmere"}  # type: ignore[union-attr]
    assert registry.entity(board).mention_count == 2  # type: ignore[union-attr]
    feed(registry, [("a5", "s3", [[("Port Authority of Dunmere", "ORG")]])])
    assert registry.entity(board).mention_count == 3  # type: ignore[union-attr]


def test_rules_replay_idempotently() -> None:
    registry = fresh()
    rules = [
        merge(registry, "Harbour Board", "Port Authority of Dunmere"),
        rename(registry, "Harbour Board", "Dunmere Harbour Board"),
        ignore(registry, "Wirepress"),
    ]
    before = registry.to_state()
    outcomes = apply_rules(registry, saved(rules))
    assert [o.status for o in outcomes] == ["already", "already", "already"]
    assert registry.to_state() == before


def test_rules_work_on_a_registry_rebuilt_in_another_order() -> None:
    registry = fresh()
    rules = [
        merge(registry, "Harbour Board", "Port Authority of Dunmere"),
        split(registry, "Anna Novak", "Anna Nowak"),
        rename(registry, "Ivo Kral", "Ivo J. Kral"),
        ignore(registry, "Wirepress", "ORG"),
    ]
    rebuilt = fresh(list(reversed(ARTICLES)))  # other creation order: other ids
    outcomes = apply_rules(rebuilt, saved(rules))
    assert [o.status for o in outcomes] == ["applied", "applied", "applied", "applied"]
    assert groups(rebuilt) == groups(registry)
    assert rebuilt.find("Ivo Kral") and rebuilt.entity(rebuilt.find("Ivo Kral")[0]).name == "Ivo J. Kral"  # type: ignore[union-attr]
    assert [o.status for o in apply_rules(rebuilt, saved(rules))] == ["already"] * 4


def test_split_moves_the_alias_and_its_mentions_and_lasts() -> None:
    registry = fresh()
    anna = registry.find("Anna Novak", "PER")[0]
    assert registry.find("Anna Nowak", "PER") == [anna]  # merged as a typo in the same story
    split(registry, anna, "Anna Nowak")
    nowak = registry.find("Anna Nowak", "PER")
    assert nowak and nowak[0] != anna
    moved = registry.entity(nowak[0])
    assert moved is not None and [m.article_id for m in moved.sightings] == ["a2"]
    assert "Anna Nowak" not in registry.entity(anna).aliases  # type: ignore[union-attr]
    feed(registry, [("a6", "s1", [[("Anna Nowak", "PERSON")]])])
    assert registry.entity(nowak[0]).mention_count == 2  # type: ignore[union-attr]
    assert registry.entity(anna).mention_count == 3  # type: ignore[union-attr]


def test_rename_sticks_when_more_mentions_arrive() -> None:
    registry = fresh()
    kral = registry.find("Ivo Kral")[0]
    rename(registry, kral, "Ivo J. Kral")
    feed(registry, [(f"k{i}", "s9", [[("Ivo Kral", "PERSON")]]) for i in range(3)])
    assert registry.entity(kral).name == "Ivo J. Kral"  # type: ignore[union-attr]
    assert registry.find("Ivo J. Kral") == [kral]


def test_ignore_stops_new_mentions() -> None:
    registry = fresh()
    ignore(registry, "Wirepress")
    mentions = [Mention(0, 9, "Wirepress", "ORG", 0)]
    found = registry.resolve(ArticleContext("a9"), mentions, [LocalEntity(0, "Wirepress", "ORG", [0])])
    assert found == {} and mentions[0].entity_id is None


def test_a_rule_waits_for_its_entities() -> None:
    registry = fresh(ARTICLES[:1])
    rule = Rule(
        "merge",
        {
            "into": {"name": "Harbour Board", "type": "ORG"},
            "other": {"name": "Dunmere Port Authority", "type": "ORG"},
        },
        "2025-01-01T00:00:00+00:00",
    )
    assert [o.status for o in apply_rules(registry, [rule])] == ["unresolved"]
    feed(registry, ARTICLES[3:])
    assert [o.status for o in apply_rules(registry, [rule])] == ["applied"]


def test_unknown_entity_is_an_error() -> None:
    with pytest.raises(CorrectionError):
        merge(fresh(), "Harbour Board", "Nobody Anywhere")


def test_rule_records_round_trip_and_keys() -> None:
    rule = Rule("ignore", {"name": "Wirepress", "type": None}, "2025-01-01T00:00:00+00:00")
    again = Rule.from_dict(json.loads(json.dumps(rule.to_dict())))
    assert again == rule and again.key == rule.key and rule.key.startswith("r_")
    with pytest.raises(CorrectionError):
        Rule.from_dict({"op": "explode", "args": {}})
