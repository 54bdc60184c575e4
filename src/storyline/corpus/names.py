"""Name normalization: surface names cut down to keys that different spellings share.

``parse_name("Foreign Minister Anna Novak's", "PER")`` gives the display form ``Anna Novak``,
the key ``anna novak`` and the role ``Foreign Minister``. Keys are case- and accent-folded,
without possessives, leading determiners, descriptors ("automaker GM") or, for organisations,
company suffixes ("Velta Inc."). ``loose_key`` adds transliteration-ish rewrites ("Nowak" and
"Novak" share ``novak``). The word tables live in ``storyline/data/names.toml``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

#: Coarse entity types the registry keeps apart.
ENTITY_TYPES = ("PER", "ORG", "LOC", "NORP", "MISC")

_LABEL_TO_TYPE = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "FAC": "LOC",
    "NORP": "NORP",
}

_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,8}$|^[A-Z][A-Z&]{1,7}$")
_INITIAL = re.compile(r"^[A-Za-z]\.?$")
_POSSESSIVE_END = re.compile(r"(?:'s|')$")
_PAREN = re.compile(r"\(\s*([^()]*?)\s*(?:\)|$)")
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]")

#: Entries per name cache. Names repeat (a few thousand cover most mentions), so a bounded cache keeps
#: nearly all the speed while the corpus stage's memory stays flat as the corpus grows.
NAME_CACHE = 20_000


@dataclass(frozen=True, slots=True)
class NameTables:
    """The word lists of ``names.toml``, as sets."""

    honorifics: frozenset[str]
    title_heads: frozenset[str]
    role_modifiers: frozenset[str]
    connectors: frozenset[str]
    determiners: frozenset[str]
    org_suffixes: frozenset[str]
    descriptors: frozenset[str]
    government_words: frozenset[str]
    name_suffixes: frozenset[str]
    locatives: frozenset[str]
    surname_particles: frozenset[str]
    generic_org_words: frozenset[str]
    word_forms: dict[str, str]
    nicknames: dict[str, str]
    letters: dict[str, str]
    transliteration: tuple[tuple[str, str], ...]


@lru_cache(maxsize=1)
def tables() -> NameTables:
    """Load ``data/names.toml`` once."""
    raw: dict[str, Any] = tomllib.loads(
        resources.files("storyline.data").joinpath("names.toml").read_text(encoding="utf-8")
    )
    sets = {
        name: frozenset(raw[name])
        for name in (
            "honorifics",
            "title_heads",
            "role_modifiers",
            "connectors",
            "determiners",
            "org_suffixes",
            "descriptors",
            "government_words",
            "name_suffixes",
            "locatives",
            "surname_particles",
            "generic_org_words",
        )
    }
    rules = tuple((a, b) for a, b in raw["transliteration"]["rules"])
    return NameTables(
        **sets,
        word_forms=dict(raw["word_forms"]),
        nicknames=dict(raw["nicknames"]),
        letters=dict(raw["letters"]),
        transliteration=rules,
    )


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name cut out of a mention: what to show, what to compare, what was stripped."""

    display: str  # "Anna Novak", "U.S.", "Velta Motors"
    key: str  # "anna novak", "us", "velta motors"
    kind: str  # coarse type it was parsed as: PER | ORG | LOC | NORP | MISC
    titles: tuple[str, ...] = ()  # role phrases stripped from a person's name
    extra: tuple[str, ...] = ()  # names given in parentheses: "NFB" in "Northern Fisheries Board (NFB)"
    acronym: bool = False
    tokens: tuple[str, ...] = field(default=())  # the key's words
    complete: bool = False  # an organisation named with its company suffix ("Velta Inc."): not a prefix
    government: bool = False  # a government word was cut off ("Valdorian Government" -> "Valdorian")

    @property
    def first(self) -> str | None:
        """A person's first word (given name or initial), None for one-word names."""
        return self.tokens[0] if self.kind == "PER" and len(self.tokens) > 1 else None

    @property
    def surname(self) -> tuple[str, ...]:
        """A person's surname words: the last word that is not a generational suffix, with the
        particles before it ("lo verde", "van beethoven")."""
        t = tables()
        words = [w for w in self.tokens if w not in t.name_suffixes] or list(self.tokens)
        start = len(words) - 1
        while start > 0 and words[start - 1] in t.surname_particles:
            start -= 1
        return tuple(words[start:])

    @property
    def last(self) -> str:
        """A person's surname as one key: ``lo verde``, ``novak``."""
        return " ".join(self.surname)

    @property
    def full(self) -> bool:
        """A person's given and family name; an organisation's or place's name of several words."""
        if self.acronym or len(self.tokens) < 2:
            return False
        if self.kind == "PER":
            suffixes = tables().name_suffixes
            given = [w for w in self.tokens if w not in suffixes]
            return len(given) > len(self.surname)
        return True


def coarse_type(label: str | None) -> str:
    """spaCy/ACE label to the registry's coarse type: ``GPE`` -> ``LOC``, ``PERSON`` -> ``PER``."""
    return _LABEL_TO_TYPE.get((label or "").upper(), "MISC")


def fold(text: str) -> str:
    """Case- and accent-folded text: ``Łódź`` -> ``lodz``, ``Straße`` -> ``strasse``."""
    if text.isascii():
        return text.casefold()
    text = text.translate(_letter_table())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
def _letter_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for letter, ascii_form in tables().letters.items():
        table[ord(letter)] = ascii_form
        upper = letter.upper()
        if len(upper) == 1 and upper != letter:
            table[ord(upper)] = ascii_form
    return table


def strip_possessive(text: str) -> str:
    """``Novak's`` -> ``Novak``; ``Reuters'`` stays (a name ending in s keeps its s)."""
    text = text.replace("’", "'").rstrip()
    if text.endswith("'s"):
        return text[:-2].rstrip()
    if text.endswith("s'"):
        return text[:-1].rstrip()
    return text


def is_acronym(text: str) -> bool:
    """``UN``, ``U.N.``, ``NATO``, ``AT&T``: a short all-capitals token."""
    return bool(_ACRONYM.match(text.strip()))


@lru_cache(maxsize=NAME_CACHE)
def key_of(text: str, kind: str = "MISC") -> str:
    """The comparison key of an already cleaned name (see :func:`name_key` for raw text)."""
    t = tables()
    text = fold(text.replace("’", "'"))
    text = text.replace("&", " and ").replace(".", "").replace("'", "")
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    words = _join_letters(_SPACES.sub(" ", text).strip().split(" "))
    words = [t.word_forms.get(w, w) for w in words]
    while len(words) > 1 and words[0] in t.determiners:
        words.pop(0)
    if kind == "ORG":
        while len(words) > 1 and words[-1] in t.org_suffixes:
            words.pop()
    return " ".join(w for w in words if w)


def _join_letters(words: list[str]) -> list[str]:
    """``u s coastal survey`` -> ``us coastal survey`` ("U. S." written with a space)."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) > 1:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out


def name_key(text: str, kind: str = "MISC") -> str:
    """The key of raw mention text: ``name_key("the U.S.'s")`` -> ``us``."""
    parsed = parse_name(text, kind)
    return parsed.key if parsed else key_of(text, kind)


@lru_cache(maxsize=NAME_CACHE)
def loose_key(key: str) -> str:
    """A transliteration-ish key: ``nowak`` and ``novak`` -> ``novak``; doubled letters collapsed."""
    text = key.replace(" ", "")
    for old, new in tables().transliteration:
        text = text.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", text)


@lru_cache(maxsize=NAME_CACHE)
def acronyms_of(display: str, kind: str = "MISC") -> frozenset[str]:
    """Initialisms a full name may be shortened to: ``Velta Motors Corporation`` -> {``vm``, ``vmc``}."""
    t = tables()
    words = [w for w in re.split(r"[\s\-/]+", display) if w and w[0].isalnum()]
    if len(words) < 2:
        return frozenset()
    # an acronym inside a name gives all its letters ("US Coastal Survey" -> uscs)
    initials = [fold(w).replace(".", "") if is_acronym(w) else fold(w)[0] for w in words]
    folded = [fold(w) for w in words]
    content = [
        i for i, w in zip(initials, folded, strict=True) if w not in t.connectors and w not in t.determiners
    ]
    variants = {"".join(content)}
    variants.add("".join(i for i, w in zip(initials, folded, strict=True) if w not in t.determiners))
    if kind == "ORG":
        core = [
            (i, w)
            for i, w in zip(initials, folded, strict=True)
            if w not in t.connectors and w not in t.determiners
        ]
        while len(core) > 1 and core[-1][1].replace(".", "") in t.org_suffixes:
            core.pop()
        variants.add("".join(i for i, _ in core))
    return frozenset(v for v in variants if len(v) >= 2 and v.isalnum())


@lru_cache(maxsize=NAME_CACHE)
def parse_name(text: str, kind: str = "MISC") -> ParsedName | None:
    """Cut the name out of a mention's text; None when no name is left ("the minister")."""
    text = _tidy(text)
    extra: list[str] = []
    for inner in _PAREN.findall(text):
        if inner and inner[0].isupper():
            extra.append(inner)
    main = _PAREN.sub(" ", text).strip(" ,;:")
    if not main and extra:
        main, extra = extra[0], extra[1:]
    titles: list[str] = []
    parts = [p.strip() for p in main.split(",") if p.strip()]
    for i, part in enumerate(parts):
        words, roles, described, government = _name_words(part, kind)
        titles += roles
        if words and not (described and i + 1 < len(parts)):
            return _parsed(words, kind, titles, extra, government)
    if extra:
        words, roles, _, government = _name_words(extra[0], kind)
        if words:
            return _parsed(words, kind, titles + roles, extra[1:], government)
    return None


def role_of(text: str) -> str | None:
    """A bare role mention ("the minister", "Foreign Minister") as a role string, else None."""
    t = tables()
    words = _tidy(text).split()
    while words and words[0].lower() in t.determiners:
        words.pop(0)
    if words and words[-1].lower().strip(".") in t.title_heads:
        return " ".join(words)
    return None


def _tidy(text: str) -> str:
    """Undo tokenizer spacing ("Novak 's", "O' Leary", "( GM )", "Gov.Sarah") and normalize quotes."""
    text = _SPACES.sub(" ", text.replace("’", "'").replace("`", "'")).strip()
    text = re.sub(r"\b([A-Z][a-z]{1,4})\.([A-Z][a-z])", r"\1. \2", text)
    text = re.sub(r"(\w) - (\w)", r"\1-\2", text)
    text = re.sub(r" 's\b", "'s", text)
    text = re.sub(r"(\w) '(?=\s|$)", r"\1'", text)
    text = re.sub(r"\b([A-Z])' ([A-Z])", r"\1'\2", text)
    text = re.sub(r" ([,;:)])", r"\1", text)
    return re.sub(r"\( ", "(", text)


def _is_lower_word(word: str) -> bool:
    """A word with letters and no capital: description, not name ("automaker", "150px")."""
    return any(ch.isalpha() for ch in word) and not any(ch.isupper() for ch in word)


def _name_words(part: str, kind: str) -> tuple[list[str], list[str], bool, bool]:
    """The name words of one comma-separated part, the role phrases cut from its front,
    whether the part ended in lower-case description ("European aircraft manufacturer") and
    whether a government word was cut from its end."""
    t = tables()
    if kind == "PER":  # a nickname in quotes: Pavel "The Fox" Marek
        part = re.sub(r"\s[\"“'‘][^\"”'’]{1,30}[\"”'’]\s", " ", f" {part} ").strip()
    words = part.split()
    words = _cut_inner_possessive(words)
    if kind != "PER":  # "Harlow Clinic in Dunmere": the place qualifies the name
        for i in range(1, len(words) - 1):
            if words[i] in t.locatives and words[i - 1][:1].isupper() and words[i + 1][:1].isupper():
                words = words[:i]
                break
    while words and words[0].lower() in t.determiners:
        words.pop(0)
    described = False
    while words and (_is_lower_word(words[-1]) or words[-1] in {"-", "&"}):
        words.pop()
        described = True
    government = False
    if kind != "PER" and len(words) > 1 and words[-1].lower() in t.government_words:
        words.pop()
        government = True
    elif kind != "PER" and described and part.split()[-1].lower() in t.government_words:
        government = True  # "US government"
    cut = max((i for i, w in enumerate(words) if _is_lower_word(w) and w not in t.connectors), default=-1)
    words = words[cut + 1 :]
    while words and (words[0].lower() in t.connectors or words[0].lower() in t.determiners):
        words.pop(0)
    roles: list[str] = []
    if kind == "PER":
        words, roles = _strip_titles(words)
    elif len(words) == 2 and words[0].lower() in t.descriptors:
        words = words[1:]  # "Carmaker Velta"; longer names keep their first word ("Government Safety Office")
    if words:
        words[-1] = strip_possessive(words[-1])
        if not words[-1]:
            words.pop()
    return words, roles, described, government


def _cut_inner_possessive(words: list[str]) -> list[str]:
    """``Valdoria's Merrow Airport`` -> ``Merrow Airport`` (the possessor is a descriptor)."""
    t = tables()
    for i in range(len(words) - 2, -1, -1):
        if words[i].endswith("'s") or words[i].endswith("s'"):
            rest = words[i + 1 :]
            named = [w for w in rest if w[:1].isupper() and key_of(w, "ORG") not in t.org_suffixes]
            return rest if named else words
    return words


def _strip_titles(words: list[str]) -> tuple[list[str], list[str]]:
    """Split a person mention into role words and name words at the last title word."""
    t = tables()
    if words and _is_role_phrase(words):
        return [], [" ".join(words)]  # "Brightwing CEO", "Foreign Minister": a role, no name
    for i in range(len(words) - 3, -1, -1):
        if words[i].lower().strip(".,") in t.org_suffixes:  # "... of Velta LLC Ivo Kral"
            return words[i + 1 :], [" ".join(words[: i + 1])]
    last_title = -1
    for i, word in enumerate(words[:-1]):
        low = word.lower().strip(".")
        if low in t.title_heads or low in t.honorifics:
            last_title = i
    if last_title < 0:
        return words, []
    name = words[last_title + 1 :]
    if name[0].lower() in t.connectors:
        return [], [" ".join(words)]  # "Prime Minister of Valdoria": no clean cut between role and name
    roles = [w for w in words[: last_title + 1] if w.lower().strip(".") not in t.honorifics]
    return name, [" ".join(roles)] if roles else []


def _is_role_phrase(words: list[str]) -> bool:
    """A title with its qualifiers and nothing else ("Foreign Minister", "Brightwing CEO"), unlike a
    name that ends in a title word ("Marta King")."""
    t = tables()
    last = words[-1].strip(".")
    if last.lower() not in t.title_heads:
        return False
    if last.isupper() and len(last) > 1:  # CEO, CFO, MP
        return True
    role_words = t.title_heads | t.honorifics | t.role_modifiers
    return all(w.lower().strip(".") in role_words or _is_lower_word(w) for w in words[:-1])


def _parsed(
    words: list[str], kind: str, titles: list[str], extra: list[str], government: bool = False
) -> ParsedName | None:
    display = " ".join(words)
    key = key_of(display, kind)
    if not key or not any(ch.isalpha() for ch in key):
        return None
    acronym = len(words) == 1 and is_acronym(words[0])
    return ParsedName(
        display=display,
        key=key,
        kind=kind,
        titles=tuple(titles),
        extra=tuple(extra),
        acronym=acronym,
        tokens=tuple(key.split(" ")),
        complete=kind == "ORG" and key != key_of(display),
        government=government,
    )


def given_name_key(word: str) -> str:
    """A given name with its short form spelled out: ``fred`` -> ``frederick``."""
    return tables().nicknames.get(word, word)


def is_initial(word: str) -> bool:
    """``A.`` or ``A``: a first name given as an initial."""
    return bool(_INITIAL.match(word))
