"""Alias books: the user's alias file and the built-in gazetteer of alternative names.

An alias file is TOML; each ``[[entity]]`` names one referent, its type and the other names
it goes by, and optionally which party uses which name::

    [[entity]]
    name = "Merrow Islands"
    type = "LOC"
    aliases = ["Sellen Isles", "Merrow/Sellen islands"]
    [entity.used_by]
    "Valdoria" = ["Merrow Islands"]
    "Kestrania" = ["Sellen Isles"]

    [demonyms]
    Valdorian = "Valdoria"

The registry consults the book before anything else: every name of an entry resolves to the
entry's canonical name. :func:`default_book` puts the user's file before the gazetteer, so the
user's entries win.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.corpus.names import ENTITY_TYPES, fold, key_of

GAZETTEER_SOURCE = "storyline/data/gazetteer.toml"


class AliasFileError(ValueError):
    """An alias file that cannot be read as the documented TOML format."""


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One referent of an alias book: its canonical name and the other names it goes by."""

    name: str
    type: str | None  # PER | ORG | LOC | NORP | MISC, or None for any
    aliases: tuple[str, ...] = ()
    used_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name first, then the aliases."""
        return (self.name, *self.aliases)


class AliasBook:
    """Alias entries indexed by name key; the first entry to claim a key keeps it."""

    def __init__(self, entries: Iterable[AliasEntry] = (), demonyms: Mapping[str, str] | None = None) -> None:
        self.entries: list[AliasEntry] = []
        self.conflicts: list[tuple[str, AliasEntry, AliasEntry]] = []  # (key, kept, ignored)
        self._by_key: dict[str, AliasEntry] = {}
        self._demonyms: dict[str, str] = {}
        for entry in entries:
            self.add(entry)
        for demonym, country in (demonyms or {}).items():
            self.add_demonym(demonym, country)

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, entry: AliasEntry) -> None:
        """Index an entry under the keys of all its names."""
        self.entries.append(entry)
        for text in entry.names:
            for key in {key_of(text, entry.type or "MISC"), key_of(text)}:
                kept = self._by_key.setdefault(key, entry)
                if kept is not entry and kept.name != entry.name:
                    self.conflicts.append((key, kept, entry))

    def add_demonym(self, demonym: str, country: str) -> None:
        """Record that ``demonym`` (and its regular plural) belongs to ``country``."""
        key = fold(demonym.strip())
        self._demonyms.setdefault(key, country)
        if not key.endswith(("s", "sh", "ch", "ese", "men")):
            self._demonyms.setdefault(key + "s", country)

    def lookup(self, key: str, kind: str = "MISC") -> AliasEntry | None:
        """The entry that has a name with this key, if its type fits ``kind``."""
        entry = self._by_key.get(key)
        if entry is None:
            return None
        if kind == "PER" and entry.type not in (None, "PER"):
            return None
        if entry.type == "PER" and kind not in ("PER", "MISC"):
            return None
        return entry

    def country_of(self, demonym_key: str) -> str | None:
        """The country a demonym key belongs to: ``valdorians`` -> ``Valdoria``."""
        return self._demonyms.get(demonym_key)

    def extend(self, other: AliasBook) -> AliasBook:
        """A new book with this book's entries first, then ``other``'s."""
        book = AliasBook(self.entries, self._demonyms)
        for entry in other.entries:
            book.add(entry)
        for demonym, country in other._demonyms.items():
            book._demonyms.setdefault(demonym, country)
        return book


def parse_alias_toml(text: str, source: str = "") -> AliasBook:
    """An alias book from TOML text in the alias file format."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AliasFileError(f"{source}: not valid TOML: {exc}") from exc
    entries = [_entry(item, source, i) for i, item in enumerate(raw.get("entity", []))]
    demonyms = raw.get("demonyms", {})
    if not isinstance(demonyms, dict) or not all(isinstance(v, str) for v in demonyms.values()):
        raise AliasFileError(f"{source}: [demonyms] must map names to country names")
    return AliasBook(entries, demonyms)


def load_alias_file(path: str | Path) -> AliasBook:
    """Read the user's alias file (TOML, see the module docstring)."""
    path = Path(path)
    return parse_alias_toml(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def load_gazetteer() -> AliasBook:
    """The built-in gazetteer and demonym table (compiled by the Storyline authors from common usage)."""
    data = resources.files("storyline.data")
    book = parse_alias_toml(data.joinpath("gazetteer.toml").read_text(encoding="utf-8"), GAZETTEER_SOURCE)
    demonyms = tomllib.loads(data.joinpath("demonyms.toml").read_text(encoding="utf-8"))["demonyms"]
    for demonym, country in demonyms.items():
        book.add_demonym(demonym, country)
    return book


def default_book(path: str | Path | None = None) -> AliasBook:
    """The user's alias file (when given and present) first, then the built-in gazetteer."""
    gazetteer = load_gazetteer()
    if path is None or not Path(path).exists():
        return AliasBook().extend(gazetteer)
    return load_alias_file(path).extend(gazetteer)


def _entry(item: Any, source: str, index: int) -> AliasEntry:
    where = f"{source}: [[entity]] #{index + 1}"
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
        raise AliasFileError(f"{where}: needs a non-empty 'name'")
    kind = item.get("type")
    if kind is not None and kind not in ENTITY_TYPES:
        raise AliasFileError(f"{where}: type {kind!r} is not one of {', '.join(ENTITY_TYPES)}")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise AliasFileError(f"{where}: 'aliases' must be a list of strings")
    used_by = item.get("used_by", {})
    if not isinstance(used_by, dict) or not all(
        isinstance(v, list) and all(isinstance(n, str) for n in v) for v in used_by.values()
    ):
        raise AliasFileError(f"{where}: 'used_by' must map parties to lists of names")
    return AliasEntry(
        name=item["name"].strip(),
        type=kind,
        aliases=tuple(a.strip() for a in aliases if a.strip()),
        used_by={party: tuple(names) for party, names in used_by.items()},
        source=source,
    )
