"""Name helpers for the per-article entity pass and speaker resolution.

Reads ``data/titles.toml`` once: honorifics, title abbreviations, role nouns, words allowed
inside a title, and given names by gender. Every function here works on plain strings.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Literal

Gender = Literal["male", "female"]

_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$", re.IGNORECASE)
_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "la", "le", "del", "&", "on", "in", "to"})


@dataclass(frozen=True, slots=True)
class TitleTables:
    """The contents of ``titles.toml``, as lookup sets."""

    honorific_gender: dict[str, str | None]
    abbreviations: dict[str, str]
    roles: frozenset[str]
    role_gender: dict[str, str]
    title_words: frozenset[str]
    first_name_gender: dict[str, str]
    either_gender_names: frozenset[str]
    salient_roles: frozenset[str]


@lru_cache(maxsize=1)
def titles() -> TitleTables:
    """Load ``titles.toml`` (once)."""
    raw = tomllib.loads(resources.files("storyline.data").joinpath("titles.toml").read_text("utf-8"))
    honorifics: dict[str, str | None] = {}
    for gender in ("male", "female"):
        honorifics.update({w: gender for w in raw["honorifics"][gender]})
    honorifics.update({w: None for w in raw["honorifics"]["neutral"]})
    role_gender = {w: g for g in ("male", "female") for w in raw["roles"][g]}
    roles = frozenset(raw["roles"]["neutral"]) | frozenset(role_gender)
    first_names = {w: g for g in ("male", "female") for w in raw["first_names"][g]}
    return TitleTables(
        honorific_gender=honorifics,
        abbreviations=dict(raw["abbreviations"]),
        roles=roles,
        role_gender=role_gender,
        title_words=frozenset(raw["title_words"]["modifiers"]),
        first_name_gender=first_names,
        either_gender_names=frozenset(raw["first_names"]["either"]),
        salient_roles=frozenset(raw["salient_roles"]["words"]),
    )


def fold(word: str) -> str:
    """Lower case without a trailing full stop: ``"Sen."`` -> ``"sen"``."""
    return word.lower().rstrip(".")


def expand(word: str) -> str:
    """The long form of an abbreviated title word: ``"Sen."`` -> ``"senator"``."""
    folded = fold(word)
    return titles().abbreviations.get(folded, folded)


def is_honorific(word: str) -> bool:
    return fold(word) in titles().honorific_gender


def is_role_word(word: str) -> bool:
    """A role noun (``minister``, ``spokeswoman``) or an abbreviated title (``Sen.``)."""
    folded = fold(word)
    tables = titles()
    return folded in tables.roles or folded in tables.abbreviations or folded.rstrip("s") in tables.roles


def is_title_word(word: str) -> bool:
    """A word that may stand inside a title (role, honorific, modifier such as ``foreign``)."""
    folded = fold(word)
    return is_role_word(word) or folded in titles().title_words or folded in titles().honorific_gender


def role_words(phrase: str) -> set[str]:
    """The role nouns of a title or role phrase, in long form, single words and listed pairs.

    ``"Foreign Minister"`` -> ``{"minister", "foreign minister"}``; ``"Sen."`` -> ``{"senator"}``.
    """
    words = [expand(w) for w in re.findall(r"[\w.\-’']+", phrase)]
    words = [
        w[:-1] if w.endswith("s") and w[:-1] in titles().roles and w not in titles().roles else w
        for w in words
    ]
    found = {w for w in words if w in titles().roles}
    for a, b in pairwise(words):
        if f"{a} {b}" in titles().roles:
            found.add(f"{a} {b}")
    for long in (w for w in words if " " in w):
        found.add(long.split()[-1])
    return found


def strip_possessive(text: str) -> str:
    """``"Novak's"`` -> ``"Novak"``; ``"Democrats'"`` -> ``"Democrats"``."""
    return _POSSESSIVE.sub("", text)


def name_words(text: str) -> list[str]:
    """The words of a name, possessive stripped: ``"Anna Novak's"`` -> ``["Anna", "Novak"]``."""
    return [w for w in re.split(r"\s+", strip_possessive(text.strip())) if w]


def squash(text: str) -> str:
    """A comparison key: lower case, no dots, no possessive, single spaces."""
    text = strip_possessive(text.strip()).replace(".", "").replace("’", "'")
    return re.sub(r"\s+", " ", text).lower()


def acronym(name: str) -> str:
    """Initials of the capitalized content words: ``"United Nations"`` -> ``"UN"``."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in _FUNCTION_WORDS]
    return "".join(w[0] for w in words if w[0].isupper())


def is_acronym(text: str) -> bool:
    """``"UN"``, ``"U.N."``, ``"NATO"``: 2 to 6 capitals, dots allowed."""
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()


def firm_gender_of(words: list[str], titles_seen: list[str] | None = None) -> Gender | None:
    """:func:`gender_of`, without given names that men and women both bear (``Jan``, ``Andrea``):
    what may keep two people apart."""
    if words and fold(words[0]) in titles().either_gender_names:
        words = []
    return gender_of(words, titles_seen)


def gender_of(words: list[str], titles_seen: list[str] | None = None) -> Gender | None:
    """The gender a name or its titles state, when cheaply known (honorific, role, given name)."""
    tables = titles()
    for title in titles_seen or []:
        for word in re.findall(r"[\w\-]+", title.lower()):
            gender = tables.honorific_gender.get(word) or tables.role_gender.get(word)
            if gender:
                return gender  # type: ignore[return-value]
        if "first lady" in title.lower():
            return "female"
    if words:
        gender = tables.first_name_gender.get(fold(words[0]))
        if gender:
            return gender  # type: ignore[return-value]
    return None
