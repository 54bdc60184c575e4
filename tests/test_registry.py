"""The corpus entity registry, on hand-made mentions of invented people, bodies and places."""

from __future__ import annotations

import json

import pytest

from storyline.corpus.aliases import AliasBook, load_gazetteer, parse_alias_toml
from storyline.corpus.registry import ArticleContext, EntityRegistry, group_by_name
from storyline.model import LocalEntity, Mention

ALIASES = """
[[entity]]
name = "Merrow Islands"
type = "LOC"
aliases = ["Sellen Isles", "Merrow/Sellen islands"]
[entity.used_by]
"Valdoria" = ["Merrow Islands"]
"Kestrania" = ["Sellen Isles"]

[demonyms]
Valdorian = "Valdoria"
Kestranian = "Kestrania"
"""


def book() -> AliasBook:
    return parse_alias_toml(ALIASES, "test").extend(load_gazetteer())


def article(*clusters: list[tuple[str, str]], titles: dict[int, list[str]] | None = None):
    """Mentions and local entities from clusters of (text, label); the entity name is the longest text."""
    mentions: list[Mention] = []
    entities: list[LocalEntity] = []
    pos = 0
    for c, items in enumerate(clusters):
        indices = []
        for text, label in items:
            mentions.append(Mention(pos, pos + len(text), text, label, c))
            indices.append(len(mentions) - 1)
            pos += len(text) + 2
        name = max((t for t, _ in items), key=len)
        entities.append(LocalEntity(c, name, items[0][1], indices, (titles or {}).get(c, [])))
    return mentions, entities


def ctx(article_id: str, story: str | None = None, outlet: str | None = None, date: str | None = None):
    return ArticleContext(article_id, date, outlet, story)


@pytest.fixture
def registry() -> EntityRegistry:
    return EntityRegistry(book())


def resolve(
    registry: EntityRegistry, context: ArticleContext, *clusters: list[tuple[str, str]]
) -> dict[int, str]:
    mentions, entities = article(*clusters)
    return registry.resolve(context, mentions, entities)


def test_full_name_surname_title_and_possessive_are_one_person(registry: EntityRegistry) -> None:
    first = resolve(
        registry, ctx("a1", "s1", "Daily"), [("Foreign Minister Anna Novak", "PERSON"), ("Novak's", "PERSON")]
    )
    later = resolve(registry, ctx("a2", "s9", "Other"), [("Novak", "PERSON")])
    titled = resolve(registry, ctx("a3", "s8", "Third"), [("Minister Novak", "PERSON")])
    assert first[0] == later[0] == titled[0]
    entity = registry.entity(first[0])
    assert entity is not None
    assert entity.name == "Anna Novak" and entity.type == "PER"
    assert entity.aliases["Novak"] == 3
    assert "Foreign Minister" in entity.titles and "Minister" in entity.titles
    assert entity.first_names == {"anna": 1}
    assert entity.mention_count == 4 and set(entity.outlets) == {"Daily", "Other", "Third"}


def test_mentions_get_entity_ids_and_records(registry: EntityRegistry) -> None:
    mentions, entities = article([("Anna Novak", "PERSON"), ("Novak", "PERSON")])
    found = registry.resolve(ctx("a1", date="2024-03-05"), mentions, entities)
    assert [m.entity_id for m in mentions] == [found[0], found[0]]
    records = registry.entity(found[0]).sightings  # type: ignore[union-attr]
    assert sorted((r.article_id, r.date, r.alias, r.count) for r in records) == [
        ("a1", "2024-03-05", "Anna Novak", 1),
        ("a1", "2024-03-05", "Novak", 1),
    ]


def test_bare_surname_needs_an_unambiguous_person(registry: EntityRegistry) -> None:
    anna = resolve(registry, ctx("a1", "s1", "Daily"), [("Anna Novak", "PERSON")])[0]
    boris = resolve(registry, ctx("a2", "s2", "Weekly"), [("Boris Novak", "PERSON")])[0]
    unknown = resolve(registry, ctx("a3", "s3", "Third"), [("Novak", "PERSON")])[0]
    assert unknown not in (anna, boris)  # two Novaks, nothing to choose: a bare "Novak" entity
    assert resolve(registry, ctx("a4", "s2", "Fourth"), [("Novak", "PERSON")])[0] == boris  # the story agrees


def test_bare_surname_seen_first_is_absorbed_by_the_full_name(registry: EntityRegistry) -> None:
    bare = resolve(registry, ctx("a1"), [("Kral", "PERSON")])[0]
    full = resolve(registry, ctx("a2"), [("Ivo Kral", "PERSON")])[0]
    assert registry.canonical_id(bare) == full
    assert registry.entity(bare).name == "Ivo Kral"  # type: ignore[union-attr]
    assert registry.redirects[bare] == full


def test_typo_is_merged_only_when_the_context_agrees(registry: EntityRegistry) -> None:
    anna = resolve(registry, ctx("a1", "s1", "Daily"), [("Anna Novak", "PERSON")])[0]
    elsewhere = resolve(registry, ctx("a2", "s7", "Weekly"), [("Anna Novick", "PERSON")])[0]
    assert elsewhere != anna  # one edit away, but another story and outlet
    same_story = resolve(registry, ctx("a3", "s1", "Weekly"), [("Anna Nowak", "PERSON")])[0]
    assert same_story == anna  # transliteration, same first name, same story
    other_first = resolve(registry, ctx("a4", "s1", "Daily"), [("Pavel Novack", "PERSON")])[0]
    assert other_first != anna  # same story but neither the first name nor a role agrees


def test_typo_with_a_shared_role_instead_of_a_first_name(registry: EntityRegistry) -> None:
    mentions, entities = article([("Minister Brennan", "PERSON")])
    first = registry.resolve(ctx("a1", "s1", "Daily"), mentions, entities)[0]
    mentions, entities = article([("Minister Brenan", "PERSON")])
    assert registry.resolve(ctx("a2", "s1", "Daily"), mentions, entities)[0] == first


def test_acronyms_both_ways(registry: EntityRegistry) -> None:
    full_first = resolve(registry, ctx("a1"), [("Northern Fisheries Board", "ORG")])[0]
    assert resolve(registry, ctx("a2"), [("NFB", "ORG")])[0] == full_first
    short_first = resolve(registry, ctx("a3"), [("KTA", "ORG")])[0]
    assert resolve(registry, ctx("a4"), [("Kestranian Trade Authority", "ORG")])[0] == short_first
    assert registry.entity(short_first).name == "Kestranian Trade Authority"  # type: ignore[union-attr]


def test_gazetteer_names_one_body(registry: EntityRegistry) -> None:
    un = resolve(registry, ctx("a1"), [("the U.N.", "ORG")])[0]
    assert resolve(registry, ctx("a2"), [("United Nations", "ORG")])[0] == un
    assert resolve(registry, ctx("a3"), [("UN", "GPE")])[0] == un
    assert registry.entity(un).name == "United Nations"  # type: ignore[union-attr]


def test_alias_file_is_consulted_first(registry: EntityRegistry) -> None:
    merrow = resolve(registry, ctx("a1"), [("Merrow Islands", "LOC")])[0]
    assert resolve(registry, ctx("a2"), [("the Sellen Isles", "GPE")])[0] == merrow
    entity = registry.entity(merrow)
    assert entity is not None and entity.name == "Merrow Islands"
    assert entity.used_by == {"Valdoria": ["Merrow Islands"], "Kestrania": ["Sellen Isles"]}


def test_demonym_is_linked_to_its_country_not_merged(registry: EntityRegistry) -> None:
    people = resolve(registry, ctx("a1"), [("Valdorians", "NORP")])[0]  # before the country exists
    country = resolve(registry, ctx("a2"), [("Valdoria", "GPE")])[0]
    adjective = resolve(registry, ctx("a3"), [("Valdorian", "NORP")])[0]
    assert people != country and adjective == people
    assert registry.entity(people).related == {"country": [country]}  # type: ignore[union-attr]
    assert registry.entity(country).related == {"demonym": [people]}  # type: ignore[union-attr]


def test_demonym_with_government_stands_for_the_country(registry: EntityRegistry) -> None:
    country = resolve(registry, ctx("a1"), [("Kestrania", "GPE")])[0]
    assert resolve(registry, ctx("a2"), [("the Kestranian Government", "ORG")])[0] == country


def test_organisation_short_and_long_names(registry: EntityRegistry) -> None:
    velta = resolve(registry, ctx("a1"), [("Velta Motor Company", "ORG")])[0]
    assert resolve(registry, ctx("a2"), [("Velta", "ORG")])[0] == velta
    team = resolve(registry, ctx("a3"), [("Dunmere Otters", "ORG")])[0]
    assert resolve(registry, ctx("a4"), [("the Otters", "ORG")])[0] == team


def test_noisy_labels_still_find_the_entity(registry: EntityRegistry) -> None:
    airline = resolve(registry, ctx("a1"), [("Brightwing", "ORG")])[0]
    assert resolve(registry, ctx("a2"), [("Brightwing", "PERSON")])[0] == airline
    person = resolve(registry, ctx("a3"), [("Halina Zorec", "PERSON")])[0]
    assert resolve(registry, ctx("a4"), [("Zorec", "ORG")])[0] == person


def test_ids_are_deterministic() -> None:
    ids = []
    for _ in range(2):
        registry = EntityRegistry(book())
        ids.append(
            resolve(registry, ctx("a1"), [("Anna Novak", "PERSON")], [("Northern Fisheries Board", "ORG")])
        )
    assert ids[0] == ids[1]
    assert all(eid.startswith("e_") for eid in ids[0].values())


def test_resolving_an_article_again_does_not_count_twice(registry: EntityRegistry) -> None:
    clusters = ([("Anna Novak", "PERSON"), ("Novak", "PERSON")],)
    eid = resolve(registry, ctx("a1", "s1", "Daily"), *clusters)[0]
    resolve(registry, ctx("a1", "s1", "Daily"), *clusters)
    entity = registry.entity(eid)
    assert entity is not None
    assert entity.mention_count == 2 and entity.aliases == {"Anna Novak": 1, "Novak": 1}
    assert entity.outlets == {"Daily": 1}


def test_state_round_trip_continues_identically() -> None:
    original = EntityRegistry(book())
    resolve(original, ctx("a1", "s1", "Daily"), [("Anna Novak", "PERSON")], [("Valdorians", "NORP")])
    resolve(original, ctx("a2", "s1", "Daily"), [("NFB", "ORG")])
    restored = EntityRegistry.from_state(json.loads(json.dumps(original.to_state())), book())
    assert restored.to_state() == original.to_state()
    more = ([("Novak", "PERSON")], [("Northern Fisheries Board", "ORG")], [("Valdoria", "GPE")])
    assert resolve(restored, ctx("a3", "s1", "Daily"), *more) == resolve(
        original, ctx("a3", "s1", "Daily"), *more
    )
    assert restored.to_state() == original.to_state()


def test_changed_entities_lists_what_to_write(registry: EntityRegistry) -> None:
    first = resolve(registry, ctx("a1"), [("Anna Novak", "PERSON")], [("Velta Motor Company", "ORG")])
    assert registry.changed_entities() == sorted(first.values())
    registry.clear_changes()
    assert registry.changed_entities() == []
    resolve(registry, ctx("a2"), [("Novak", "PERSON")])
    assert registry.changed_entities() == [first[0]]


def test_ignored_names_are_not_resolved(registry: EntityRegistry) -> None:
    agency = resolve(registry, ctx("a1"), [("Wirepress", "ORG")])[0]
    assert registry.ignore("Wirepress") == [agency]
    assert registry.entity(agency).ignored  # type: ignore[union-attr]
    mentions, entities = article([("Wirepress", "ORG")], [("Anna Novak", "PERSON")])
    found = registry.resolve(ctx("a2"), mentions, entities)
    assert 0 not in found and 1 in found
    assert mentions[0].entity_id is None


def test_resolve_never_scans_the_registry(registry: EntityRegistry) -> None:
    """Matching goes through the indexes: iterating over all entities during resolve fails."""
    for i in range(50):
        resolve(
            registry,
            ctx(f"x{i}", f"s{i}", "Daily"),
            [(f"Person{i} Surname{i}", "PERSON")],
            [(f"Body{i} Board", "ORG")],
        )

    class NoScan(dict):
        def __iter__(self):  # type: ignore[override]
            raise AssertionError("resolve iterated over every entity")

        def values(self):  # type: ignore[override]
            raise AssertionError("resolve iterated over every entity")

        def items(self):  # type: ignore[override]
            raise AssertionError("resolve iterated over every entity")

    registry._entities = NoScan(registry._entities.items())  # type: ignore[assignment]
    found = resolve(
        registry,
        ctx("new", "s3", "Daily"),
        [("Person3 Surname3", "PERSON")],
        [("Surname7", "PERSON")],
        [("Body9 Board", "ORG")],
        [("BB", "ORG")],
        [("Anna Nowak", "PERSON")],
    )
    assert len(found) == 5


def test_group_by_name_clusters_one_article() -> None:
    mentions = [
        Mention(0, 10, "Anna Novak", "PERSON", -1),
        Mention(20, 25, "Novak", "PERSON", -1),
        Mention(30, 54, "Northern Fisheries Board", "ORG", -1),
        Mention(60, 63, "NFB", "ORG", -1),
        Mention(70, 78, "Valdoria", "GPE", -1),
    ]
    local = group_by_name(mentions)
    assert [sorted(e.mentions) for e in local] == [[0, 1], [2, 3], [4]]
    assert [m.cluster for m in mentions] == [0, 0, 1, 1, 2]
    assert local[0].name == "Anna Novak"


def test_name_index_holds_one_id_or_a_set_and_gives_sets_back() -> None:
    from storyline.corpus.registry import NameIndex

    index = NameIndex()
    index.add("novak", "e1")
    index.add("novak", "e1")
    assert index.get("novak") == {"e1"} and index.get("other", ()) == ()
    index.add("novak", "e2")
    assert index.get("novak") == {"e1", "e2"}
    index.discard("novak", "e1")
    assert index.get("novak") == {"e2"}
    index.discard("novak", "e2")
    assert index.get("novak") is None


def test_a_bare_surname_under_an_honorific_of_the_other_gender_stays_apart(registry: EntityRegistry) -> None:
    peter = resolve(registry, ctx("a1", "s1", "Daily"), [("Peter Kral", "PERSON")])[0]
    mentions, entities = article([("Kral", "PERSON")], titles={0: ["Mrs."]})
    wife = registry.resolve(ctx("a2", "s1", "Daily"), mentions, entities)[0]
    assert registry.canonical_id(wife) != peter
    mentions, entities = article([("Kral", "PERSON")], titles={0: ["Mr."]})
    assert registry.resolve(ctx("a3", "s1", "Daily"), mentions, entities)[0] == peter


def test_a_full_name_does_not_absorb_a_bare_surname_of_the_other_gender(registry: EntityRegistry) -> None:
    mentions, entities = article([("Kral", "PERSON")], titles={0: ["Mrs."]})
    wife = registry.resolve(ctx("a1"), mentions, entities)[0]
    peter = resolve(registry, ctx("a2"), [("Peter Kral", "PERSON")])[0]
    assert registry.canonical_id(wife) == wife != peter


def test_a_given_name_of_either_gender_does_not_keep_a_surname_apart(registry: EntityRegistry) -> None:
    jan = resolve(registry, ctx("a1", "s1", "Daily"), [("Jan Kral", "PERSON")])[0]  # a man's name in Brno
    mentions, entities = article([("Kral", "PERSON")], titles={0: ["Mr."]})
    assert registry.resolve(ctx("a2", "s1", "Daily"), mentions, entities)[0] == jan
