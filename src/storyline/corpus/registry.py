"""One registry of entities across the corpus: name variants, titles, typos and aliases.

Each article's local clusters (``LocalEntity`` from the within-article pass) are mapped to
corpus entities by :meth:`EntityRegistry.resolve`. Matching never scans the registry: every
rule looks candidates up in a dict index (exact key, surname, acronym, name prefix, and a
SymSpell-style deletion neighbourhood of transliteration-folded surnames), and only a handful
of candidates are ever compared. Order of the rules, first match wins:

1. the alias book (user alias file, then the built-in gazetteer) gives the canonical name;
2. exact name key ("the U.S." = "US"; "Velta Inc." = "Velta"), full names only for persons;
3. persons: first + last name without middle names; a bare surname ("Novak", "Minister Novak")
   goes to the one full-name entity with that surname, or the one the article or story agrees on,
   never to a person of the other gender than its honorific says ("Mrs. Kral" is not Peter Kral);
   a surname one or two edits away, or spelled another way ("Nowak"), only when the first name
   or a role agrees AND the story or the outlet agrees;
4. organisations and places: acronyms both ways (UN = United Nations), organisation names that
   extend one another ("Harlow" = "Harlow Dynamics") when only one entity fits;
5. otherwise a new entity, with a deterministic id: ``e_`` + hash of type and key at creation.

Demonyms ("Valdorian") become their own NORP entity, linked to their country by a ``related``
entry, never merged into it. Merged-away ids keep resolving to their survivor.
"""

from __future__ import annotations

import gc
import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from storyline.corpus.aliases import AliasBook, AliasEntry, load_gazetteer
from storyline.corpus.entity_cache import EntityCache
from storyline.corpus.names import (
    ParsedName,
    acronyms_of,
    coarse_type,
    fold,
    given_name_key,
    is_initial,
    key_of,
    loose_key,
    parse_name,
    role_of,
    tables,
)
from storyline.extract.names import Gender, firm_gender_of
from storyline.model import LocalEntity, Mention, year_known

STATE_VERSION = 2

#: Labels that never name an entity (numbers, dates); such clusters are left unresolved.
NON_ENTITY_LABELS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY"})

#: A lookup returning more candidates than this is ambiguous without looking further.
MAX_CANDIDATES = 16

_INDEXES = ("key", "surname", "first", "loose", "acronym", "prefix", "suffix")
_SQUASH = "\x00sq:"  # key prefix of names written without spaces ("Blue Wave" = "BlueWave")
_FIRST_LAST = "\x00fl:"  # key prefix of a person's first and last name without middle names


@dataclass(slots=True)
class ArticleContext:
    """What the registry knows of the article being resolved."""

    article_id: str
    date: str | None = None  # TIMEX3 value of the publication date
    outlet: str | None = None
    story_id: str | None = None


@dataclass(slots=True)
class Sighting:
    """Mentions of a corpus entity in one article under one alias: enough to take them back
    (:meth:`EntityRegistry.forget_article`) or move them (:meth:`EntityRegistry.split`).

    Offsets and texts stay in the store's ``mentions`` table: keeping them here made the
    registry's memory and its saved state grow with every mention of the corpus.
    """

    article_id: str
    date: str | None
    alias: str | None  # the display form counted in ``aliases``; None for "the minister"
    count: int = 1

    def to_list(self) -> list[Any]:
        return [self.article_id, self.date, self.alias, self.count]

    @classmethod
    def from_list(cls, row: list[Any]) -> Sighting:
        if len(row) == 6:  # state version 1: article_id, start, end, text, date, alias (one mention)
            return cls(_intern(row[0]), _intern(row[4]), _intern(row[5]), 1)
        return cls(_intern(row[0]), _intern(row[1]), _intern(row[2]), int(row[3]))


def _intern(value: str | None) -> str | None:
    """One copy of the ids, dates and aliases repeated across entities (they come from JSON)."""
    return sys.intern(value) if value is not None else None


@dataclass(slots=True)
class CorpusEntity:
    """A referent across the corpus, with every name and role it was seen under."""

    id: str
    name: str  # canonical: the alias book's name, a user's rename, or the fullest most frequent form
    type: str  # PER | ORG | LOC | NORP | MISC
    aliases: dict[str, int] = field(default_factory=dict)  # display form -> mentions
    titles: dict[str, int] = field(default_factory=dict)  # roles: "Foreign Minister" -> mentions
    first_names: dict[str, int] = field(default_factory=dict)
    outlets: dict[str, int] = field(default_factory=dict)
    stories: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)  # NER labels seen
    mention_count: int = 0
    sightings: list[Sighting] = field(default_factory=list)
    related: dict[str, list[str]] = field(default_factory=dict)  # "country" / "demonym" -> ids
    used_by: dict[str, list[str]] = field(default_factory=dict)  # party -> names it uses
    first_date: str | None = None
    last_date: str | None = None
    name_locked: bool = False  # renamed by a user: keep the name
    book_name: str | None = None  # canonical name given by the alias book
    ignored: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (``dataclasses.asdict`` recursed through every sighting: 10x slower)."""
        data: dict[str, Any] = {}
        for name in _ENTITY_FIELDS:
            value = getattr(self, name)
            if isinstance(value, dict):
                value = {k: list(v) if isinstance(v, list) else v for k, v in value.items()}
            data[name] = value
        data["sightings"] = [m.to_list() for m in self.sightings]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusEntity:
        data = dict(data)
        rows = data.pop("sightings", None) or data.pop("mentions", None) or []
        data["sightings"] = [Sighting.from_list(row) for row in rows]
        for attr in ("outlets", "stories", "labels"):
            if attr in data:
                data[attr] = {sys.intern(k): v for k, v in data[attr].items()}
        return cls(**data)

    def has_full_name(self) -> bool:
        """A person seen with first and last name; an organisation or place by a non-acronym name."""
        return any(_is_full(alias, self.type) for alias in self.aliases)


_ENTITY_FIELDS = tuple(f.name for f in fields(CorpusEntity))


@dataclass(slots=True)
class _Cluster:
    """One local cluster, ready for matching."""

    cluster: int
    kind: str
    label: str
    forms: list[ParsedName]  # fullest first
    counts: dict[str, int]  # display form -> mentions in the cluster
    roles: list[str]
    mention_idx: list[int]
    mention_alias: dict[int, str]  # mention index -> the display form it contributes
    entry: AliasEntry | None = None
    country: str | None = None  # for demonyms: the country's name

    @property
    def main(self) -> ParsedName:
        return self.forms[0]

    @property
    def fullness(self) -> tuple[int, int]:
        return (int(self.main.full), len(self.main.tokens))


class NameIndex:
    """Entity ids by key; a key held by one entity maps to the id itself rather than to a set
    (most keys are one entity's, and a set per key was most of the registry's memory)."""

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids: dict[str, str | set[str]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        """The ids under ``key`` as a set (do not change it), else ``default``."""
        ids = self._ids.get(key)
        if ids is None:
            return default
        return {ids} if isinstance(ids, str) else ids

    def add(self, key: str, entity_id: str) -> None:
        ids = self._ids.get(key)
        if ids is None:
            self._ids[key] = entity_id
        elif isinstance(ids, str):
            if ids != entity_id:
                self._ids[key] = {ids, entity_id}
        else:
            ids.add(entity_id)

    def discard(self, key: str, entity_id: str) -> None:
        ids = self._ids.get(key)
        if ids is None:
            return
        if isinstance(ids, str):
            if ids == entity_id:
                del self._ids[key]
            return
        ids.discard(entity_id)
        if len(ids) == 1:
            self._ids[key] = next(iter(ids))
        elif not ids:
            del self._ids[key]


class EntityRegistry:
    """Corpus entities with incremental indexes; restorable with :meth:`to_state`/:meth:`from_state`."""

    def __init__(self, aliases: AliasBook | None = None, entities: EntityCache | None = None) -> None:
        self.aliases = aliases if aliases is not None else load_gazetteer()
        self._entities = entities if entities is not None else EntityCache()
        self._redirects: dict[str, str] = {}
        self._index: dict[str, NameIndex] = {name: NameIndex() for name in _INDEXES}
        self._keys: dict[str, dict[str, set[str]]] = {}  # entity id -> index -> keys it is under
        self._ignored: set[tuple[str, str]] = set()  # (type or "*", key)
        self._apart: dict[str, set[str]] = {}  # ids a user split apart: never merged automatically
        self._pending_links: dict[str, set[str]] = {}  # country key -> demonym entity ids
        self._articles: dict[str, dict[str, Any]] = {}  # article id -> outlet, story, entity ids
        self._changed: set[str] = set()

    # ---- reading -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[CorpusEntity]:
        return iter(self._entities.values())

    def canonical_id(self, entity_id: str) -> str:
        """The surviving id of ``entity_id`` (itself unless it was merged away)."""
        seen = []
        while entity_id in self._redirects:
            seen.append(entity_id)
            entity_id = self._redirects[entity_id]
        for old in seen[:-1]:
            self._redirects[old] = entity_id
        return entity_id

    def entity(self, entity_id: str) -> CorpusEntity | None:
        """The entity for an id, following redirects of merged-away ids."""
        return self._entities.get(self.canonical_id(entity_id))

    @property
    def redirects(self) -> dict[str, str]:
        """Merged-away id -> the id it was merged into (follow with :meth:`canonical_id`)."""
        return dict(self._redirects)

    def find(self, name: str, kind: str | None = None) -> list[str]:
        """Ids of entities with a name or alias whose key is that of ``name``, most mentioned first."""
        kinds = [kind] if kind else ["MISC", "ORG", "PER"]
        keys = {key_of(name, k) for k in kinds}
        parsed = parse_name(name, kind or "MISC")
        if parsed:
            keys.add(parsed.key)
        ids = {eid for key in keys for eid in self._index["key"].get(key, ())}
        found = [self._entities[eid] for eid in ids if kind is None or self._entities[eid].type == kind]
        found.sort(key=lambda e: (-e.mention_count, e.id))
        return [e.id for e in found]

    # ---- resolving articles ------------------------------------------------------------

    def resolve(
        self, article: ArticleContext, mentions: list[Mention], entities: list[LocalEntity]
    ) -> dict[int, str]:
        """Map each local cluster to a corpus entity id, creating entities as needed.

        Sets ``entity_id`` on the mentions. Clusters with no name (only "the minister"),
        with a non-entity label, or with an ignored name are left out of the result.
        Resolving an article again first forgets what it contributed before.
        """
        if article.article_id in self._articles:
            self.forget_article(article.article_id)
        self._articles[article.article_id] = {
            "outlet": article.outlet,
            "story": article.story_id,
            "entities": [],
        }
        clusters = [c for c in (self._prepare(le, mentions) for le in entities) if c is not None]
        clusters.sort(key=lambda c: (-c.fullness[0], -c.fullness[1], c.cluster))
        assigned: dict[int, str] = {}
        claimed: dict[str, int] = {}
        for cluster in clusters:
            eid = self._match_exact(cluster, article)
            if eid is not None:
                self._assign(eid, cluster, article, mentions, assigned, claimed)
        for cluster in clusters:
            if cluster.cluster in assigned:
                continue
            eid = self._match_rules(cluster, article, claimed)
            if eid is None:
                eid = self._create(cluster)
            self._assign(eid, cluster, article, mentions, assigned, claimed)
        result = {c: self.canonical_id(eid) for c, eid in assigned.items()}
        for cluster in clusters:
            for i in cluster.mention_idx:
                mentions[i].entity_id = result[cluster.cluster]
        self._articles[article.article_id]["entities"] = sorted(set(result.values()))
        return result

    def forget_article(self, article_id: str) -> None:
        """Take back the mentions, aliases and counts an article contributed."""
        info = self._articles.pop(article_id, None)
        if info is None:
            return
        for eid in {self.canonical_id(e) for e in info["entities"]}:
            entity = self._entities.get(eid)
            if entity is None:
                continue
            kept = [m for m in entity.sightings if m.article_id != article_id]
            dropped = [m for m in entity.sightings if m.article_id == article_id]
            entity.sightings = kept
            entity.mention_count = max(0, entity.mention_count - sum(m.count for m in dropped))
            for record in dropped:
                if record.alias is not None:
                    _decrement(entity.aliases, record.alias, keep_zero=True, by=record.count)
            _decrement(entity.outlets, info.get("outlet"))
            _decrement(entity.stories, info.get("story"))
            self._refresh_name(entity)
            self._changed.add(eid)

    # ---- changes -----------------------------------------------------------------------

    def changed_entities(self) -> list[str]:
        """Ids created, updated or merged away since :meth:`clear_changes` (merged-away ids have
        no entity any more: look them up in :attr:`redirects`)."""
        return sorted(self._changed)

    def clear_changes(self) -> None:
        """Forget which entities changed (they are saved); a bounded entity cache may now drop them."""
        self._changed.clear()
        self._entities.trim(self._changed)

    # ---- state -------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """Everything needed to restore the registry, as JSON-ready data."""
        return {
            "version": STATE_VERSION,
            "entities": {eid: e.to_dict() for eid, e in sorted(self._entities.items())},
            "meta": self.meta_state(),
        }

    def meta_state(self) -> dict[str, Any]:
        """The registry-wide part of the state (everything but the entities)."""
        return {
            "redirects": dict(sorted(self._redirects.items())),
            "ignored": sorted([list(item) for item in self._ignored]),
            "apart": {eid: sorted(ids) for eid, ids in sorted(self._apart.items())},
            "pending_links": {key: sorted(ids) for key, ids in sorted(self._pending_links.items())},
            "articles": self._articles,
        }

    def entity_state(self, entity_id: str) -> dict[str, Any] | None:
        """One entity's state, or None when the id was merged away (see :attr:`redirects`)."""
        entity = self._entities.get(entity_id)
        return entity.to_dict() if entity else None

    @classmethod
    def from_state(
        cls,
        state: dict[str, Any],
        aliases: AliasBook | None = None,
        entities: EntityCache | None = None,
        stream: Iterable[dict[str, Any]] | None = None,
    ) -> EntityRegistry:
        """Restore a registry saved with :meth:`to_state`; indexes are rebuilt from the entities.

        ``stream`` yields the entities' data instead of ``state["entities"]`` (read row by row
        from the store), and ``entities`` may be a bounded cache that reads them back later.
        """
        version = state.get("version")
        if version not in (1, STATE_VERSION):  # version 1 differs only in its mention records
            raise ValueError(f"registry state version {version!r}; this code reads {STATE_VERSION}")
        registry = cls(aliases, entities)
        meta = state.get("meta", {})
        collecting = gc.isenabled()
        gc.disable()  # hundreds of thousands of new index entries: collector passes would dominate
        try:
            for data in stream if stream is not None else state.get("entities", {}).values():
                entity = CorpusEntity.from_dict(data)
                registry._entities[entity.id] = entity
                registry._index_entity(entity)
                registry._entities.trim(registry._changed)
        finally:
            if collecting:
                gc.enable()
        registry._redirects = dict(meta.get("redirects", {}))
        registry._ignored = {(kind, key) for kind, key in meta.get("ignored", [])}
        registry._apart = {eid: set(ids) for eid, ids in meta.get("apart", {}).items()}
        registry._pending_links = {key: set(ids) for key, ids in meta.get("pending_links", {}).items()}
        registry._articles = dict(meta.get("articles", {}))
        return registry

    # ---- corrections (called by storyline.corpus.corrections) ---------------------------

    def merge(self, keep_id: str, other_id: str, manual: bool = True) -> str:
        """Merge ``other_id`` into ``keep_id``; the other id then redirects to the survivor."""
        keep, other = self.canonical_id(keep_id), self.canonical_id(other_id)
        if keep == other:
            return keep
        a, b = self._entities[keep], self._entities[other]
        self._unindex_entity(a)
        self._unindex_entity(b)
        for attr in ("aliases", "titles", "first_names", "outlets", "stories", "labels"):
            target = getattr(a, attr)
            for k, v in getattr(b, attr).items():
                target[k] = target.get(k, 0) + v
        a.mention_count += b.mention_count
        a.sightings.extend(b.sightings)
        for party, names in b.used_by.items():
            a.used_by[party] = sorted(set(a.used_by.get(party, [])) | set(names))
        a.first_date = _min_date(a.first_date, b.first_date)
        a.last_date = _max_date(a.last_date, b.last_date)
        a.book_name = a.book_name or b.book_name
        if b.name_locked and not a.name_locked:
            a.name, a.name_locked = b.name, True
        for relation, ids in b.related.items():
            for rid in ids:
                self._link(a.id, relation, rid)
                target = self._entities.get(self.canonical_id(rid))
                if target:
                    for back in target.related.values():
                        if other in back:
                            back[:] = sorted({a.id if x == other else x for x in back})
        for ids in self._pending_links.values():
            if other in ids:
                ids.discard(other)
                ids.add(keep)
        apart = self._apart.pop(other, set())
        for rid in apart:
            self._apart.setdefault(rid, set()).discard(other)
            if rid != keep:
                self._keep_apart(keep, rid)
        if manual:
            self._apart.get(keep, set()).discard(other)
        del self._entities[other]
        self._redirects[other] = keep
        self._index_entity(a)
        self._refresh_name(a)
        self._changed.update({keep, other})
        return keep

    def split(self, entity_id: str, alias: str) -> str | None:
        """Move an alias (and its mentions) out of an entity into an entity of its own.

        Returns the new entity's id, or None when the entity has no such alias.
        """
        eid = self.canonical_id(entity_id)
        source = self._entities.get(eid)
        if source is None:
            return None
        key = self._alias_key(alias, source.type)
        moved = [a for a in source.aliases if self._alias_key(a, source.type) == key]
        if not moved or len(moved) == len(source.aliases):
            return None
        self._unindex_entity(source)
        name = max(moved, key=lambda a: (source.aliases[a], a))
        target = CorpusEntity(id=self._new_id(source.type, key), name=name, type=source.type)
        self._entities[target.id] = target
        for a in moved:
            target.aliases[a] = source.aliases.pop(a)
        records = [m for m in source.sightings if m.alias in target.aliases]
        source.sightings = [m for m in source.sightings if m.alias not in target.aliases]
        target.sightings = records
        target.mention_count = sum(m.count for m in records)
        source.mention_count = max(0, source.mention_count - target.mention_count)
        for record in records:
            info = self._articles.get(record.article_id)
            if info:
                info["entities"] = sorted(set(info["entities"]) | {target.id})
                _increment(target.outlets, info.get("outlet"))
                _increment(target.stories, info.get("story"))
            target.first_date = _min_date(target.first_date, record.date)
            target.last_date = _max_date(target.last_date, record.date)
        if source.type == "PER":
            for a in moved:
                parsed = parse_name(a, "PER")
                if parsed and parsed.first and not is_initial(parsed.first):
                    _increment(target.first_names, parsed.first)
                    _decrement(source.first_names, parsed.first)
        if source.name in target.aliases or (
            source.book_name and self._alias_key(source.book_name, source.type) == key
        ):
            source.name_locked = False
            source.book_name = None
        self._keep_apart(source.id, target.id)
        self._refresh_name(source)
        self._refresh_name(target)
        self._index_entity(source)
        self._index_entity(target)
        self._changed.update({source.id, target.id})
        return target.id

    def rename(self, entity_id: str, name: str) -> None:
        """Give an entity a canonical name that sticks; the name also becomes an alias."""
        entity = self._entities[self.canonical_id(entity_id)]
        self._unindex_entity(entity)
        entity.name, entity.name_locked = name, True
        entity.aliases.setdefault(name, 0)
        self._index_entity(entity)
        self._changed.add(entity.id)

    def ignore(self, name: str, kind: str | None = None) -> list[str]:
        """Stop resolving a name (e.g. a false entity such as a news agency in datelines).

        Entities whose canonical name has this key are flagged ``ignored``; returns their ids.
        """
        flagged = set()
        for key in {self._alias_key(name, k) for k in ([kind] if kind else ["MISC", "ORG", "PER"])}:
            self._ignored.add((kind or "*", key))
            for eid in list(self._index["key"].get(key, ())):
                entity = self._entities[eid]
                if (kind is None or entity.type == kind) and self._alias_key(entity.name, entity.type) == key:
                    if not entity.ignored:
                        entity.ignored = True
                        self._changed.add(eid)
                    flagged.add(eid)
        return sorted(flagged)

    def is_ignored(self, key: str, kind: str) -> bool:
        """True when a name key of this type is ignored."""
        return ("*", key) in self._ignored or (kind, key) in self._ignored

    def is_name_ignored(self, name: str, kind: str | None = None) -> bool:
        """True when :meth:`ignore` was called for this name (and type)."""
        kinds = [kind] if kind else ["MISC", "ORG", "PER"]
        return all((kind or "*", self._alias_key(name, k)) in self._ignored for k in kinds)

    def set_aliases(self, aliases: AliasBook) -> list[str]:
        """Use a new alias book and merge existing entities that its entries say are one.

        Returns the ids merged away. Cost grows with the book, not with the registry.
        """
        self.aliases = aliases
        merged = []
        for entry in aliases.entries:
            ids: list[str] = []
            for text in entry.names:
                for eid in self._index["key"].get(self._alias_key(text, entry.type or "MISC"), ()):
                    entity = self._entities[eid]
                    if eid not in ids and (entry.type is None or entity.type == entry.type):
                        ids.append(eid)
            if len(ids) < 2:
                continue
            ids.sort(key=lambda i: (-self._entities[i].mention_count, i))
            for eid in ids[1:]:
                if eid not in self._apart.get(ids[0], set()):
                    self.merge(ids[0], eid, manual=False)
                    merged.append(eid)
            keep = self._entities[ids[0]]
            if not keep.name_locked:
                keep.book_name = entry.name
                self._unindex_entity(keep)
                self._index_entity(keep)
                self._refresh_name(keep)
        return merged

    # ---- preparing clusters -------------------------------------------------------------

    def _prepare(self, local: LocalEntity, mentions: list[Mention]) -> _Cluster | None:
        if local.label.upper() in NON_ENTITY_LABELS:
            return None
        kind = coarse_type(local.label)
        indices = [i for i in local.mentions if 0 <= i < len(mentions)]
        counts: dict[str, int] = {}
        forms: dict[str, ParsedName] = {}
        mention_alias: dict[int, str] = {}
        roles = list(local.titles)
        for i in indices:
            text = mentions[i].text
            parsed = parse_name(text, kind)
            if parsed is None:
                role = role_of(text)
                if role:
                    roles.append(role)
                continue
            parsed = self._singular_demonym(parsed)
            if self.is_ignored(parsed.key, kind):
                continue
            mention_alias[i] = parsed.display
            counts[parsed.display] = counts.get(parsed.display, 0) + 1
            forms.setdefault(parsed.key, parsed)
            roles.extend(parsed.titles)
            for extra in parsed.extra:
                extra_name = _extra_form(parsed, extra, kind)
                if extra_name:
                    forms.setdefault(extra_name.key, extra_name)
        named = parse_name(local.name, kind) if local.name else None
        if named is not None:
            named = self._singular_demonym(named)
            forms.setdefault(named.key, named)
            roles.extend(named.titles)
        forms = {k: f for k, f in forms.items() if not self.is_ignored(k, kind)}
        if not forms:
            return None
        ordered = sorted(
            forms.values(), key=lambda f: (-int(f.full), -len(f.tokens), -counts.get(f.display, 0))
        )
        if named is not None and named.key in forms and named.full == ordered[0].full:
            ordered.remove(forms[named.key])
            ordered.insert(0, forms[named.key])
        if self.is_ignored(ordered[0].key, kind):
            return None
        cluster = _Cluster(
            cluster=local.cluster,
            kind=kind,
            label=local.label,
            forms=ordered,
            counts=counts,
            roles=_unique(r for r in roles if r),
            mention_idx=indices,
            mention_alias=mention_alias,
        )
        self._apply_book(cluster)
        return cluster

    def _singular_demonym(self, parsed: ParsedName) -> ParsedName:
        """``Valdorians`` -> ``Valdorian`` when the singular is a known demonym."""
        key = parsed.key
        if key.endswith("s") and self.aliases.country_of(key) and self.aliases.country_of(key[:-1]):
            return replace(parsed, display=parsed.display[:-1], key=key[:-1], tokens=(key[:-1],))
        return parsed

    def _apply_book(self, cluster: _Cluster) -> None:
        """Consult the alias book first: canonical names, and demonyms."""
        for form in cluster.forms:
            entry = self.aliases.lookup(form.key, cluster.kind)
            if entry is not None:
                cluster.entry = entry
                if entry.type:
                    cluster.kind = entry.type
                return
        if cluster.kind in ("PER",):
            return
        country = self.aliases.country_of(cluster.main.key)
        if country is None:
            if cluster.kind == "NORP":  # "Marek" tagged NORP: not a demonym, type unknown
                cluster.kind = "MISC"
            return
        if cluster.kind == "LOC" or cluster.main.government:  # "the Valdorian Government": the country itself
            country_form = parse_name(country, "LOC")
            if country_form is not None:
                cluster.forms.insert(0, country_form)
                cluster.entry = self.aliases.lookup(country_form.key, "LOC")
                cluster.kind = "LOC"
            return
        cluster.kind = "NORP"
        cluster.country = country

    # ---- matching -----------------------------------------------------------------------

    def _match_exact(self, cluster: _Cluster, ctx: ArticleContext) -> str | None:
        keys: list[str] = []
        if cluster.entry is not None:
            keys.append(self._alias_key(cluster.entry.name, cluster.entry.type or cluster.kind))
        for form in cluster.forms:
            if cluster.kind == "PER" and not form.full:
                continue  # bare surnames go through the surname rule
            keys.append(form.key)
        if cluster.kind != "PER":
            keys += [_SQUASH + form.key.replace(" ", "") for form in cluster.forms]
        for key in keys:
            cands = self._candidates("key", key, cluster, any_type=cluster.entry is not None)
            if cands:
                return self._pick(cands, ctx)
        return None

    def _match_rules(self, cluster: _Cluster, ctx: ArticleContext, claimed: dict[str, int]) -> str | None:
        if cluster.kind == "NORP":
            return None
        if cluster.kind == "PER":
            found = self._match_person(cluster, ctx, claimed)
        else:
            found = self._match_org_or_place(cluster, ctx, claimed)
        return found or self._match_any_type(cluster, ctx, claimed)

    def _match_any_type(self, cluster: _Cluster, ctx: ArticleContext, claimed: dict[str, int]) -> str | None:
        """NER labels are noisy ("Brightwing" as PERSON, "Zorec" as ORG): the same name under another type.

        Exact keys of any type first; then, for a one-word organisation or untyped name, the
        surname of exactly one person; then, for an untyped name, the organisation rules.
        """
        keys: list[str] = []
        for form in cluster.forms:
            keys.append(form.key)
            keys.append(key_of(form.display, "ORG"))
            person = parse_name(form.display, "PER")
            if person is not None:
                keys.append(person.key)
        cands: set[str] = set()
        for key in _unique(keys):
            for eid in self._index["key"].get(key, ()):
                entity = self._entities[eid]
                if not entity.ignored and entity.type != "NORP" and entity.type != cluster.kind:
                    cands.add(eid)
        if cands:
            return self._pick_unique(cands, ctx, claimed, prefer_claimed=True)
        main = cluster.main
        if cluster.kind in ("ORG", "MISC") and len(main.tokens) == 1 and not main.acronym:
            people = self._index["surname"].get(main.key, set())
            if len(people) == 1:
                return next(iter(people))
        if cluster.kind == "MISC":
            cluster.kind = "ORG"
            try:
                return self._match_org_or_place(cluster, ctx, claimed)
            finally:
                cluster.kind = "MISC"
        return None

    def _match_person(self, cluster: _Cluster, ctx: ArticleContext, claimed: dict[str, int]) -> str | None:
        main = cluster.main
        if main.full:
            first_last = _first_last(main)
            for key in _unique([first_last, main.key]):
                cands = self._candidates("key", key, cluster) | self._candidates("firstlast", key, cluster)
                if cands:
                    return self._pick_unique(cands, ctx, claimed)
            if main.first and is_initial(main.first):
                cands = {
                    eid
                    for eid in self._candidates("surname", main.last, cluster)
                    if any(f.startswith(main.first) for f in self._entities[eid].first_names)
                }
                eid = self._pick_unique(cands, ctx, claimed)
                if eid:
                    return eid
            return self._match_typo(cluster, ctx)
        surname = main.key
        fulls = self._same_gender(cluster, self._candidates("surname", surname, cluster))
        named = self._same_gender(cluster, self._candidates("key", surname, cluster))
        bares = {eid for eid in named if not self._entities[eid].has_full_name()}
        fulls |= named - bares
        if fulls:
            eid = self._pick_unique(fulls, ctx, claimed, prefer_claimed=True)
            if eid:
                return eid
        if len(bares) == 1:
            return next(iter(bares))
        if bares:
            return self._pick(bares, ctx)
        if fulls:
            return None  # several people with this surname and nothing to tell them apart
        return self._match_given_name(cluster, ctx, claimed) or self._match_typo(cluster, ctx)

    def _match_given_name(
        self, cluster: _Cluster, ctx: ArticleContext, claimed: dict[str, int]
    ) -> str | None:
        """A given name alone ("Halina") for the one person of the article or its story with that given name."""
        cands = self._candidates("first", given_name_key(cluster.main.key), cluster)
        here = {e for e in cands if e in claimed}
        if not here and ctx.story_id is not None:
            here = {e for e in cands if ctx.story_id in self._entities[e].stories}
        return next(iter(here)) if len(here) == 1 else None

    def _match_typo(self, cluster: _Cluster, ctx: ArticleContext) -> str | None:
        """A surname spelled another way, accepted only when the context agrees."""
        if ctx.story_id is None and ctx.outlet is None:
            return None
        main = cluster.main
        loose = loose_key(main.last)
        limit = _max_edits(loose)
        found: set[str] = set()
        for variant in _deletions(loose, limit):
            found |= self._index["loose"].get(variant, set())
            if len(found) > MAX_CANDIDATES:
                return None
        matches: list[tuple[int, str]] = []
        for eid in sorted(found):
            entity = self._entities[eid]
            if entity.type != "PER" or entity.ignored or self._is_apart_from_form(eid, main):
                continue
            distance = min(
                (Levenshtein.distance(loose, loose_key(s), score_cutoff=limit) for s in _surnames(entity)),
                default=limit + 1,
            )
            if distance > limit:
                continue
            same_person = self._first_name_agrees(main, entity) or self._role_agrees(cluster, entity)
            same_context = (ctx.story_id is not None and ctx.story_id in entity.stories) or (
                ctx.outlet is not None and ctx.outlet in entity.outlets
            )
            if same_person and same_context:
                matches.append((distance, eid))
        matches.sort()
        if len(matches) == 1 or (len(matches) > 1 and matches[0][0] < matches[1][0]):
            return matches[0][1]  # the closest spelling, when only one is closest
        return None

    def _match_org_or_place(
        self, cluster: _Cluster, ctx: ArticleContext, claimed: dict[str, int]
    ) -> str | None:
        for form in cluster.forms:
            if form.acronym or len(form.tokens) == 1:
                cands = self._candidates("acronym", form.key, cluster)
                cands = {e for e in cands if claimed.get(e, cluster.cluster) == cluster.cluster}
                eid = self._pick_unique(cands, ctx, claimed)
                if eid:
                    return eid
            if form.full:
                for acronym in acronyms_of(form.display, cluster.kind):
                    cands = {
                        e
                        for e in self._candidates("key", acronym, cluster)
                        if not self._entities[e].has_full_name()
                        and claimed.get(e, cluster.cluster) == cluster.cluster
                    }
                    eid = self._pick_unique(cands, ctx, claimed)
                    if eid:
                        return eid
        if cluster.kind not in ("ORG", "MISC"):
            return None
        main = cluster.main
        if not main.complete:  # "Velta Inc." is a whole name, not the start of "Velta Records"
            cands = self._candidates("prefix", main.key, cluster)
            cands = {e for e in cands if claimed.get(e, cluster.cluster) == cluster.cluster}
            eid = self._pick_unique(cands, ctx, claimed)
            if eid:
                return eid
        # "Otters" = "Dunmere Otters", "Assembly" = "Valdorian Assembly": a qualifier before the name
        for index, key in [("suffix", main.key)] + [("key", rest) for rest in _name_rests(main)]:
            cands = {
                e
                for e in self._candidates(index, key, cluster)
                if claimed.get(e, cluster.cluster) == cluster.cluster
            }
            eid = self._pick_unique(cands, ctx, claimed)
            if eid:
                return eid
        if main.acronym:
            return None
        for n in range(len(main.tokens) - 1, 0, -1):
            if not _prefix_ok(main.tokens, n):
                continue
            prefix = " ".join(main.tokens[:n])
            cands = {
                e
                for e in self._candidates("key", prefix, cluster)
                if claimed.get(e, cluster.cluster) == cluster.cluster
            }
            eid = self._pick_unique(cands, ctx, claimed)
            if eid:
                return eid
            if cands:
                return None
        return None

    def _candidates(self, index: str, key: str, cluster: _Cluster, any_type: bool = False) -> set[str]:
        """Live, non-ignored entities under ``key`` whose type fits the cluster."""
        if index == "firstlast":
            index, key = "key", _FIRST_LAST + key
        ids = self._index[index].get(key)
        if not ids:
            return set()
        if len(ids) > MAX_CANDIDATES:
            return set()
        out = set()
        for eid in ids:
            entity = self._entities[eid]
            if entity.ignored:
                continue
            if any_type:
                if (entity.type == "PER") != (cluster.kind == "PER"):
                    continue
            elif entity.type != cluster.kind and "MISC" not in (entity.type, cluster.kind):
                continue
            out.add(eid)
        return out

    def _pick(self, cands: set[str], ctx: ArticleContext) -> str:
        """Best of several exact matches: same story, then same outlet, then most mentioned."""
        return max(
            sorted(cands),
            key=lambda eid: (
                ctx.story_id is not None and ctx.story_id in self._entities[eid].stories,
                ctx.outlet is not None and ctx.outlet in self._entities[eid].outlets,
                self._entities[eid].mention_count,
            ),
        )

    def _pick_unique(
        self, cands: set[str], ctx: ArticleContext, claimed: dict[str, int], prefer_claimed: bool = False
    ) -> str | None:
        """The one candidate, or the one the article, its story or its outlet agrees on."""
        if len(cands) == 1:
            return next(iter(cands))
        if not cands:
            return None
        filters = []
        if prefer_claimed:
            filters.append(lambda eid: eid in claimed)
        if ctx.story_id is not None:
            filters.append(lambda eid: ctx.story_id in self._entities[eid].stories)
        if ctx.outlet is not None:
            filters.append(lambda eid: ctx.outlet in self._entities[eid].outlets)
        for keep in filters:
            narrowed = {eid for eid in cands if keep(eid)}
            if len(narrowed) == 1:
                return next(iter(narrowed))
            if narrowed:
                cands = narrowed
        return None

    def _first_name_agrees(self, form: ParsedName, entity: CorpusEntity) -> bool:
        first = form.first
        if not first:
            return False
        if is_initial(first):
            return any(name.startswith(first) for name in entity.first_names)
        loose = loose_key(given_name_key(first))
        return any(loose_key(given_name_key(name)) == loose for name in entity.first_names)

    def _same_gender(self, cluster: _Cluster, ids: set[str]) -> set[str]:
        """``ids`` less the people known to be of the other gender than the cluster's titles say
        ("Mrs. Kral" is not Pavel Kral)."""
        mine = firm_gender_of([], cluster.roles)
        if mine is None:
            return ids
        return {eid for eid in ids if _gender(self._entities[eid]) in {None, mine}}

    def _role_agrees(self, cluster: _Cluster, entity: CorpusEntity) -> bool:
        roles = {fold(r) for r in cluster.roles}
        return any(fold(t) in roles for t in entity.titles)

    def _is_apart_from_form(self, eid: str, form: ParsedName) -> bool:
        """True when the form belongs to an entity a user split away from ``eid``."""
        for other in self._apart.get(eid, ()):
            entity = self._entities.get(other)
            if entity and any(self._alias_key(a, entity.type) == form.key for a in entity.aliases):
                return True
        return False

    # ---- creating and updating -------------------------------------------------------------

    def _create(self, cluster: _Cluster) -> str:
        entry = cluster.entry
        kind = (entry.type if entry and entry.type else None) or cluster.kind
        name = entry.name if entry else cluster.main.display
        entity = CorpusEntity(
            id=self._new_id(kind, self._alias_key(name, kind)),
            name=name,
            type=kind,
            book_name=entry.name if entry else None,
            used_by={p: list(n) for p, n in entry.used_by.items()} if entry else {},
        )
        self._entities[entity.id] = entity
        self._index_entity(entity)
        if cluster.country is not None:
            self._link_demonym(entity, cluster.country)
        self._changed.add(entity.id)
        return entity.id

    def _assign(
        self,
        eid: str,
        cluster: _Cluster,
        ctx: ArticleContext,
        mentions: list[Mention],
        assigned: dict[int, str],
        claimed: dict[str, int],
    ) -> None:
        eid = self.canonical_id(eid)
        assigned[cluster.cluster] = eid
        claimed.setdefault(eid, cluster.cluster)
        self._record(self._entities[eid], cluster, ctx, mentions)

    def _record(
        self, entity: CorpusEntity, cluster: _Cluster, ctx: ArticleContext, mentions: list[Mention]
    ) -> None:
        """Add a cluster's mentions, names, roles and context to an entity."""
        new_aliases = []
        for form in cluster.forms:
            if form.display not in entity.aliases:
                entity.aliases[form.display] = 0
                new_aliases.append(form.display)
        for display, n in cluster.counts.items():
            entity.aliases[display] = entity.aliases.get(display, 0) + n
        per_alias: dict[str | None, int] = {}
        for i in cluster.mention_idx:
            alias = cluster.mention_alias.get(i)
            per_alias[alias] = per_alias.get(alias, 0) + 1
        article_id, date = _intern(ctx.article_id), _intern(ctx.date)
        for alias, count in per_alias.items():
            entity.sightings.append(Sighting(article_id, date, _intern(alias), count))
        entity.mention_count += len(cluster.mention_idx)
        for role in cluster.roles:
            _increment(entity.titles, role)
        if cluster.kind == "PER":
            for form in cluster.forms:
                if form.first and not is_initial(form.first):
                    _increment(entity.first_names, form.first)
        _increment(entity.outlets, ctx.outlet)
        _increment(entity.stories, ctx.story_id)
        _increment(entity.labels, cluster.label)
        entity.first_date = _min_date(entity.first_date, ctx.date)
        entity.last_date = _max_date(entity.last_date, ctx.date)
        if cluster.entry is not None:
            for party, names in cluster.entry.used_by.items():
                entity.used_by[party] = sorted(set(entity.used_by.get(party, [])) | set(names))
        for display in new_aliases:
            self._index_alias(entity, display)
        self._retype(entity)
        self._refresh_name(entity, touched=[f.display for f in cluster.forms])
        self._changed.add(entity.id)
        if new_aliases:
            self._absorb(entity, cluster)

    def _absorb(self, entity: CorpusEntity, cluster: _Cluster) -> None:
        """Merge bare-surname or acronym-only entities that this fuller name now explains."""
        if entity.type == "PER":
            for form in cluster.forms:
                if not form.full:
                    continue
                surname = form.last
                if self._index["surname"].get(surname) != {entity.id}:
                    continue
                for eid in sorted(self._index["key"].get(surname, set()) - {entity.id}):
                    other = self._entities.get(eid)
                    if (
                        other
                        and other.type == "PER"
                        and not other.has_full_name()
                        and not self._is_apart(entity.id, eid)
                        and _gender(other) in {None, _gender(entity)}
                    ):
                        self.merge(entity.id, eid, manual=False)
            return
        acronyms = {f.key for f in cluster.forms if f.acronym}
        if not acronyms:
            return
        explained = set()
        for form in cluster.forms:
            if form.full:
                explained |= acronyms & acronyms_of(form.display, entity.type)
        for acronym in sorted(explained):
            for eid in sorted(self._index["key"].get(acronym, set()) - {entity.id}):
                other = self._entities.get(eid)
                if (
                    other
                    and other.type == entity.type
                    and not other.has_full_name()
                    and not self._is_apart(entity.id, eid)
                ):
                    self.merge(entity.id, eid, manual=False)

    def _retype(self, entity: CorpusEntity) -> None:
        """Follow the majority of NER labels seen (the first mention's label may have been wrong)."""
        if entity.book_name or entity.type == "NORP":
            return
        votes: dict[str, int] = {}
        for label, n in entity.labels.items():
            kind = coarse_type(label)
            if kind not in ("MISC", "NORP"):
                votes[kind] = votes.get(kind, 0) + n
        if not votes:
            return
        best = max(sorted(votes), key=lambda k: votes[k])
        if best != entity.type and votes[best] > votes.get(entity.type, 0):
            self._unindex_entity(entity)
            entity.type = best
            self._index_entity(entity)
            self._refresh_name(entity)
            self._changed.add(entity.id)

    def _refresh_name(self, entity: CorpusEntity, touched: list[str] | None = None) -> None:
        """Canonical name: a user's rename, else the book's name, else the fullest most frequent form.

        With ``touched`` (aliases whose counts just rose), only those are compared with the
        current name, so the cost does not grow with the entity's number of aliases.
        """
        if entity.name_locked:
            return
        if entity.book_name:
            entity.name = entity.book_name
            return
        if not entity.aliases:
            return
        if touched is not None and entity.aliases.get(entity.name, 0) > 0:
            pool = {a: entity.aliases[a] for a in [*touched, entity.name] if a in entity.aliases}
        else:
            pool = {a: n for a, n in entity.aliases.items() if n > 0} or entity.aliases
        entity.name = max(pool, key=lambda a: (_is_full(a, entity.type), pool[a], len(a.split()), a))

    # ---- demonyms ------------------------------------------------------------------------

    def _link_demonym(self, entity: CorpusEntity, country: str) -> None:
        entry = self.aliases.lookup(key_of(country, "LOC"), "LOC")
        country_key = self._alias_key(entry.name if entry else country, "LOC")
        targets = [e for e in self._index["key"].get(country_key, ()) if self._entities[e].type == "LOC"]
        if targets:
            target = max(targets, key=lambda e: (self._entities[e].mention_count, e))
            self._link(entity.id, "country", target)
            self._link(target, "demonym", entity.id)
        else:
            self._pending_links.setdefault(country_key, set()).add(entity.id)

    def _link(self, source: str, relation: str, target: str) -> None:
        entity = self._entities.get(self.canonical_id(source))
        if entity is None or target == entity.id:
            return
        ids = entity.related.setdefault(relation, [])
        if target not in ids:
            ids.append(target)
            ids.sort()
            self._changed.add(entity.id)

    # ---- indexes -------------------------------------------------------------------------

    def _alias_key(self, text: str, kind: str) -> str:
        parsed = parse_name(text, kind)
        return parsed.key if parsed else key_of(text, kind)

    def _entity_keys(self, entity: CorpusEntity, display: str) -> dict[str, set[str]]:
        """The index keys one name of an entity is filed under."""
        keys: dict[str, set[str]] = {name: set() for name in _INDEXES}
        parsed = parse_name(display, entity.type)
        if parsed is None:
            keys["key"].add(key_of(display, entity.type))
            return keys
        keys["key"].add(parsed.key)
        if entity.type == "PER":
            if parsed.full:
                keys["surname"].update({parsed.last, parsed.surname[-1]})
                keys["key"].add(_FIRST_LAST + _first_last(parsed))
                if parsed.first and not is_initial(parsed.first):
                    keys["first"].add(given_name_key(parsed.first))
            keys["loose"].update(_deletions(loose_key(parsed.last), _max_edits(loose_key(parsed.last))))
        elif entity.type in ("ORG", "LOC", "MISC"):
            keys["key"].add(_SQUASH + parsed.key.replace(" ", ""))
            if parsed.full:
                keys["acronym"].update(acronyms_of(parsed.display, entity.type))
            if entity.type in ("ORG", "MISC") and not parsed.acronym:
                for n in range(1, len(parsed.tokens)):
                    if _prefix_ok(parsed.tokens, n):
                        keys["prefix"].add(" ".join(parsed.tokens[:n]))
                keys["suffix"].update(_name_rests(parsed))
        return keys

    def _index_alias(self, entity: CorpusEntity, display: str) -> None:
        filed = self._keys.get(entity.id)
        if filed is None:
            filed = self._keys[entity.id] = {}
        for index, keys in self._entity_keys(entity, display).items():
            if not keys:
                continue  # no empty sets: one per index and entity cost more than the keys themselves
            done = filed.setdefault(index, set())
            for key in keys - done:
                self._index[index].add(key, entity.id)
                done.add(key)
                if index == "key" and entity.type == "LOC" and key in self._pending_links:
                    for norp in sorted(self._pending_links.pop(key)):
                        self._link(norp, "country", entity.id)
                        self._link(entity.id, "demonym", self.canonical_id(norp))

    def _index_entity(self, entity: CorpusEntity) -> None:
        names = [*entity.aliases, entity.name] + ([entity.book_name] if entity.book_name else [])
        for display in _unique(names):
            self._index_alias(entity, display)

    def _unindex_entity(self, entity: CorpusEntity) -> None:
        filed = self._keys.pop(entity.id, {})
        for index, keys in filed.items():
            for key in keys:
                self._index[index].discard(key, entity.id)

    def _new_id(self, kind: str, key: str) -> str:
        base = f"{kind}:{key}"
        n = 1
        while True:
            text = base if n == 1 else f"{base}#{n}"
            eid = "e_" + hashlib.blake2b(text.encode("utf-8"), digest_size=5).hexdigest()
            if eid not in self._entities and eid not in self._redirects:
                return eid
            n += 1

    def _keep_apart(self, a: str, b: str) -> None:
        self._apart.setdefault(a, set()).add(b)
        self._apart.setdefault(b, set()).add(a)

    def _is_apart(self, a: str, b: str) -> bool:
        return b in self._apart.get(a, ())


def group_by_name(mentions: list[Mention], aliases: AliasBook | None = None) -> list[LocalEntity]:
    """Group one article's mentions into local clusters with the registry's own name rules.

    A stand-in for the within-article pass: each mention is resolved, fullest names first,
    against a registry of this article alone. Sets ``cluster`` on the mentions.
    """
    registry = EntityRegistry(aliases)
    order = sorted(
        range(len(mentions)),
        key=lambda i: (
            -len((parse_name(mentions[i].text, coarse_type(mentions[i].label)) or _EMPTY).tokens),
            i,
        ),
    )
    entity_of: dict[int, str] = {}
    for i in order:
        m = mentions[i]
        single = Mention(m.start, m.end, m.text, m.label, 0)
        local = LocalEntity(cluster=0, name=m.text, label=m.label, mentions=[0])
        ctx = ArticleContext(article_id=f"m{i}", story_id="article", outlet="article")
        found = registry.resolve(ctx, [single], [local])
        if 0 in found:
            entity_of[i] = found[0]
    clusters: dict[str, LocalEntity] = {}
    for i, m in enumerate(mentions):
        eid = registry.canonical_id(entity_of[i]) if i in entity_of else f"_unresolved{i}"
        local = clusters.get(eid)
        if local is None:
            entity = registry.entity(eid)
            local = LocalEntity(cluster=len(clusters), name=entity.name if entity else m.text, label=m.label)
            clusters[eid] = local
        local.mentions.append(i)
        m.cluster = local.cluster
    return list(clusters.values())


_EMPTY = ParsedName("", "", "MISC")


def _prefix_ok(tokens: tuple[str, ...], n: int) -> bool:
    """The first ``n`` words may stand for the whole name: no connector on either side of the cut
    ("Bank" is not short for "Bank of Valdoria", nor "Velta" for "Velta and Harlow Dynamics")."""
    connectors = tables().connectors
    return tokens[n - 1] not in connectors and tokens[n] not in connectors


def _name_rests(parsed: ParsedName) -> list[str]:
    """The ends of an organisation's name that may stand for it alone, after a qualifier
    ("dunmere otters" -> "otters", "valdorian assembly" -> "assembly"); generic words
    ("Airways", "Bank") never stand alone."""
    t = tables()
    generic = t.generic_org_words | t.org_suffixes | t.descriptors
    rests = []
    for k in range(1, len(parsed.tokens)):
        rest = parsed.tokens[k:]
        if rest[0] in t.connectors or parsed.tokens[k - 1] in t.connectors or all(w in generic for w in rest):
            continue
        rests.append(" ".join(rest))
    return rests


def _first_last(form: ParsedName) -> str:
    """Given name and surname without middle names or a leading initial: "J. Pavel Marek" -> "pavel marek";
    short given names spelled out ("Fred" -> "frederick")."""
    given = form.tokens[: len(form.tokens) - len(form.surname)]
    given = tuple(w for w in given if w not in tables().name_suffixes)
    if not given:
        return form.key
    first = next((w for w in given if len(w) > 1), given[0])
    return f"{given_name_key(first)} {form.last}"


def _extra_form(parsed: ParsedName, extra: str, kind: str) -> ParsedName | None:
    """A name given in parentheses: an acronym ("Northern Fisheries Board (NFB)"), or a person's nickname
    ("Gerald (Jerry) Brenner" -> "Jerry Brenner"); "(R-AZ)" after a person is neither."""
    if kind != "PER":
        return parse_name(extra, kind)
    words = extra.split()
    if len(words) != 1 or not words[0][:1].isupper() or not words[0].isalpha() or not parsed.full:
        return None
    surname = " ".join(parsed.display.split()[-len(parsed.surname) :])
    return parse_name(f"{words[0]} {surname}", "PER")


def _surnames(entity: CorpusEntity) -> set[str]:
    out = set()
    for alias in entity.aliases:
        parsed = parse_name(alias, "PER")
        if parsed:
            out.add(parsed.last)
    return out


def _is_full(display: str, kind: str) -> bool:
    parsed = parse_name(display, kind)
    if parsed is None:
        return False
    return parsed.full if kind == "PER" else not parsed.acronym


def _max_edits(word: str) -> int:
    """Edits allowed between surnames: none under 4 letters, 1 up to 6, 2 from 7."""
    return 0 if len(word) < 4 else 1 if len(word) <= 6 else 2


@lru_cache(maxsize=20_000)
def _deletions(word: str, max_edits: int) -> frozenset[str]:
    """The SymSpell deletion neighbourhood: the word with up to ``max_edits`` letters deleted."""
    out = {word}
    frontier = {word}
    for _ in range(max_edits):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return frozenset(out)


def _increment(counts: dict[str, int], key: str | None) -> None:
    if key:
        counts[key] = counts.get(key, 0) + 1


def _decrement(counts: dict[str, int], key: str | None, keep_zero: bool = False, by: int = 1) -> None:
    if key and key in counts:
        counts[key] -= by
        if counts[key] <= 0 and not keep_zero:
            del counts[key]


def _min_date(a: str | None, b: str | None) -> str | None:
    known = [x for x in (a, b) if year_known(x)]
    return min(known) if known else None


def _max_date(a: str | None, b: str | None) -> str | None:
    known = [x for x in (a, b) if year_known(x)]
    return max(known) if known else None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _gender(entity: CorpusEntity) -> Gender | None:
    """What the entity's most frequent given name (not one of either gender), or else its titles,
    say of its gender."""
    first = sorted(entity.first_names, key=lambda n: -entity.first_names[n])[:1]
    titles = sorted(entity.titles, key=lambda t: -entity.titles[t])
    return firm_gender_of(first) or firm_gender_of([], titles)
