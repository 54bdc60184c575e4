"""Name normalization: keys that spellings of one name share, and what gets stripped."""

from __future__ import annotations

import pytest

from storyline.corpus.names import (
    acronyms_of,
    coarse_type,
    fold,
    given_name_key,
    is_acronym,
    key_of,
    loose_key,
    parse_name,
    role_of,
    strip_possessive,
)


def test_fold_removes_accents_and_case() -> None:
    assert fold("Łódź") == "lodz"
    assert fold("Straße") == "strasse"
    assert fold("ÉLYSÉE") == "elysee"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Novak's", "Novak"), ("Novak’s", "Novak"), ("Reuters", "Reuters"), ("the Beatles'", "the Beatles")],
)
def test_strip_possessive(text: str, expected: str) -> None:
    assert strip_possessive(text) == expected


def test_titles_are_stripped_into_roles() -> None:
    parsed = parse_name("Foreign Minister Anna Novak's", "PER")
    assert parsed is not None
    assert (parsed.display, parsed.key) == ("Anna Novak", "anna novak")
    assert parsed.titles == ("Foreign Minister",)
    spokesman = parse_name("Government Spokesman Ivo Kral", "PER")
    assert spokesman is not None and spokesman.display == "Ivo Kral"
    assert spokesman.titles == ("Government Spokesman",)


def test_honorific_is_dropped_but_not_kept_as_a_role() -> None:
    parsed = parse_name("Mr. Tomas Brenner", "PER")
    assert parsed is not None and parsed.display == "Tomas Brenner" and parsed.titles == ()


def test_a_role_alone_is_no_name() -> None:
    assert parse_name("the minister", "PER") is None
    assert parse_name("Harbour Authority CEO", "PER") is None
    assert role_of("the minister") == "minister"
    assert role_of("the harbour") is None


def test_a_title_word_at_the_end_of_a_name_stays() -> None:
    parsed = parse_name("Marta King", "PER")
    assert parsed is not None and parsed.display == "Marta King"


def test_organisation_keys_drop_company_suffixes_but_not_titles() -> None:
    assert key_of("Velta Motors Inc.", "ORG") == "velta motors"
    assert key_of("Velta Motors", "ORG") == "velta motors"
    parsed = parse_name("General Velta", "ORG")  # "General" is a title word only for people
    assert parsed is not None and parsed.key == "general velta"
    assert parse_name("Velta Motors Inc.", "ORG").complete  # type: ignore[union-attr]


def test_descriptions_and_place_qualifiers_are_cut() -> None:
    assert parse_name("Kestranian carmaker Velta", "ORG").display == "Velta"  # type: ignore[union-attr]
    assert parse_name("Harlow Clinic in Dunmere", "ORG").display == "Harlow Clinic"  # type: ignore[union-attr]
    assert parse_name("Dunmere, Valdoria", "LOC").display == "Dunmere"  # type: ignore[union-attr]
    government = parse_name("the Valdorian Government", "ORG")
    assert government is not None and government.key == "valdorian" and government.government


def test_parenthesised_acronym_is_kept_aside() -> None:
    parsed = parse_name("Northern Fisheries Board (NFB)", "ORG")
    assert parsed is not None
    assert parsed.display == "Northern Fisheries Board" and parsed.extra == ("NFB",)


def test_tokenizer_spacing_is_undone() -> None:
    assert parse_name("Novak 's", "PER").display == "Novak"  # type: ignore[union-attr]
    assert parse_name("Ciaran O' Dell", "PER").key == "ciaran odell"  # type: ignore[union-attr]
    assert key_of("U. N. Relief Office") == key_of("U.N. Relief Office") == "un relief office"


def test_quoted_nickname_inside_a_person_name_is_dropped() -> None:
    assert parse_name('Pavel "The Fox" Marek', "PER").display == "Pavel Marek"  # type: ignore[union-attr]


def test_acronyms() -> None:
    assert is_acronym("UN") and is_acronym("U.N.") and is_acronym("AT&T")
    assert not is_acronym("Novak") and not is_acronym("U")
    assert "nfb" in acronyms_of("Northern Fisheries Board", "ORG")
    assert "vmc" in acronyms_of("Velta Motor Company", "ORG") and "vm" in acronyms_of(
        "Velta Motor Company", "ORG"
    )
    assert "uscs" in acronyms_of("US Coastal Survey", "ORG")
    assert acronyms_of("Velta", "ORG") == set()


def test_loose_key_joins_transliterations() -> None:
    assert loose_key("nowak") == loose_key("novak")
    assert loose_key("qaddafi") == loose_key("gadhafi") == loose_key("kadhafi")
    assert loose_key("novak") != loose_key("novik")


def test_person_surname_keeps_its_particles() -> None:
    full = parse_name("Gaspare Lo Verde", "PER")
    bare = parse_name("Lo Verde", "PER")
    assert full is not None and bare is not None
    assert full.last == bare.last == "lo verde"
    assert full.full and not bare.full


def test_given_name_short_forms() -> None:
    assert given_name_key("fred") == "frederick"
    assert given_name_key("anna") == "anna"


def test_coarse_types() -> None:
    assert [coarse_type(x) for x in ("PERSON", "GPE", "FAC", "ORG", "NORP", "PRODUCT", "")] == [
        "PER",
        "LOC",
        "LOC",
        "ORG",
        "NORP",
        "MISC",
        "MISC",
    ]
