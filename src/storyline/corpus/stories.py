"""Online story clustering with stable story ids, and the batch agglomeration it is compared with.

An article is a profile: sublinear, L2-normalized counts of its content lemmas and of its entities,
and its date. A story's profile is the sum of its articles' profiles (a centroid) and the range of
their dates. The similarity of two profiles is ``(term_weight * cos_terms + entity_weight * cos_entities)
x (n * m) ^ -size_damping x time_factor`` (n, m: their numbers of articles), the cosines weighting each
key by its current idf (document frequencies are counted as articles arrive: no global refit). The time factor decays with the gap between the date ranges
but never below ``1 - time_weight``: a story may sleep for years and wake up again.

:class:`StoryClusterer` assigns each arriving article to the most similar story reaching
``join_threshold``, found through an inverted index from top terms and entities to stories (so an
article is compared with a few dozen stories, not all). Otherwise it founds a story whose id is
``s_`` + a hash of its first article id. Ids never change: when an article bridges two stories
that are themselves similar enough (``merge_threshold``), the younger is merged into the older and
its id redirects; each time a story doubles in size, it and its close neighbours are re-clustered
as the batch would and each resulting group keeps the id it shares most articles with (the repair;
with ``repair_reach`` 0, a bisection splits off a far part instead); when an article joins a story,
the story's few most recent members may move to another candidate story they now match better; a
story still made of one article when it is old enough is absorbed by its most similar grown story
(``orphan_threshold``: delayed commitment). All are recorded as :class:`StoryEvent`.
:func:`batch_cluster` agglomerates a whole set with the same similarity and threshold (centroid
linkage), then attaches the single articles left at ``orphan_threshold``.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from storyline.corpus.story_features import (
    ArticleFeatures,
    cheap_terms_and_names,
    day_number,
    settings,
    sublinear,
    top_keys,
)
from storyline.corpus.story_store import StoredFeatures
from storyline.model import Record

__all__ = [
    "ArticleFeatures",
    "Assignment",
    "DocumentFrequencies",
    "Profile",
    "StoryClusterer",
    "StoryConfig",
    "StoryEvent",
    "batch_cluster",
    "similarity",
    "story_id_for",
]


@dataclass(slots=True)
class StoryEvent(Record):
    """A change of story membership that is not a plain join: ``merge``, ``split`` or ``move``.

    merge: ``other`` was merged into ``story_id`` (``other`` redirects; the older story survives a
    bridge, the grown story survives absorbing a single-article story).
    split: ``other`` is a new story made of articles that left ``story_id``.
    move: one article (named in ``reason``) left ``story_id`` for the existing story ``other``.
    """

    kind: str
    story_id: str
    other: str
    at_seq: int
    reason: str


@dataclass(slots=True)
class Assignment(Record):
    """Where an added article went."""

    story_id: str
    created: bool
    events: list[StoryEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Thresholds and weights (defaults from ``data/stories.toml`` [stories])."""

    term_weight: float
    entity_weight: float
    join_threshold: float
    time_weight: float
    time_scale_days: float
    lookup_terms: int
    post_terms: int
    max_posting: int
    candidates: int
    split_min_size: int
    split_part_size: int
    split_ratio: float
    profile_terms: int = 400
    profile_entities: int = 200
    kept_terms: int = 64
    kept_entities: int = 32
    specific_labels: tuple[str, ...] = ("PERSON",)
    specific_penalty: float = 0.0
    title_weight: float = 0.0
    size_damping: float = 0.0
    orphan_threshold: float = 0.0
    orphan_min_size: int = 2
    orphan_min_age: int = 0
    merge_threshold: float = 0.0
    recheck_members: int = 0
    recheck_margin: float = 0.0
    repair_reach: float = 0.0
    repair_max_articles: int = 100

    @classmethod
    def from_settings(cls, **overrides: Any) -> StoryConfig:
        values = {k: v for k, v in settings()["stories"].items() if k in cls.__dataclass_fields__}
        if "specific_labels" in values:
            values["specific_labels"] = tuple(values["specific_labels"])
        values.update(overrides)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["specific_labels"] = list(self.specific_labels)
        return values


def story_id_for(article_id: str, is_taken: Callable[[str], bool] | None = None) -> str:
    """``s_`` + 12 hex digits of SHA-1 of the founding article id (``-2``, ``-3``... if that id is taken)."""
    base = "s_" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]
    candidate, n = base, 1
    while is_taken is not None and is_taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


class DocumentFrequencies:
    """Document frequencies of terms and entities, counted as articles arrive.

    Idf is read from a snapshot of the counts, refreshed whenever the number of articles has grown
    by ``refresh_ratio`` since the last one (every article while there are fewer than 100). Between
    refreshes story norms stay valid, so scoring an article costs O(its own terms) per candidate.
    Keys first seen after the snapshot get the highest idf.
    """

    __slots__ = (
        "_changed",
        "_idf_e",
        "_idf_t",
        "_max_idf",
        "_since_snapshot",
        "entities",
        "epoch",
        "n",
        "refresh_ratio",
        "snapshot",
        "terms",
    )

    def __init__(self, refresh_ratio: float = 0.02) -> None:
        self.n = 0
        self.terms: dict[str, int] = {}
        self.entities: dict[str, int] = {}
        self.refresh_ratio = refresh_ratio
        self.snapshot: dict[str, Any] = {"n": 0, "terms": {}, "entities": {}}
        self.epoch = 0
        self._idf_t: dict[str, float] = {}
        self._idf_e: dict[str, float] = {}
        self._max_idf = 1.0
        # (kind, key) pairs, 0 = term and 1 = entity: keys whose count or snapshot count changed since
        # take_changes(), and keys counted since the last snapshot (their snapshot counts change at the next).
        self._changed: set[tuple[int, str]] = set()
        self._since_snapshot: set[tuple[int, str]] = set()

    def add(self, features: ArticleFeatures) -> None:
        self.n += 1
        for key in features.terms:
            self.terms[key] = self.terms.get(key, 0) + 1
            self._changed.add((0, key))
            self._since_snapshot.add((0, key))
        for key in features.entities:
            self.entities[key] = self.entities.get(key, 0) + 1
            self._changed.add((1, key))
            self._since_snapshot.add((1, key))
        if self.n < 100 or self.n > self.snapshot["n"] * (1 + self.refresh_ratio):
            self.freeze()

    def _load_snapshot(self) -> None:
        n = self.snapshot["n"]
        self._idf_t = {k: math.log((n + 1) / (v + 1)) + 1.0 for k, v in self.snapshot["terms"].items()}
        self._idf_e = {k: math.log((n + 1) / (v + 1)) + 1.0 for k, v in self.snapshot["entities"].items()}
        self._max_idf = math.log(n + 1) + 1.0
        self.epoch += 1

    def freeze(self) -> None:
        """Take a snapshot of the current counts now (batch clustering scores with exact idf)."""
        self.snapshot = {"n": self.n, "terms": dict(self.terms), "entities": dict(self.entities)}
        self._changed |= self._since_snapshot
        self._since_snapshot = set()
        self._load_snapshot()

    def idf_term(self, key: str) -> float:
        return self._idf_t.get(key, self._max_idf)

    def idf_entity(self, key: str) -> float:
        return self._idf_e.get(key, self._max_idf)

    def to_state(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "terms": self.terms,
            "entities": self.entities,
            "refresh_ratio": self.refresh_ratio,
            "snapshot": self.snapshot,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> DocumentFrequencies:
        df = cls(state["refresh_ratio"])
        df.n = int(state["n"])
        df.terms = dict(state["terms"])
        df.entities = dict(state["entities"])
        df.snapshot = state["snapshot"]
        df._load_snapshot()
        df._since_snapshot = df._differing()
        df._changed = {(0, k) for k in df.terms} | {(1, k) for k in df.entities}
        return df

    # --- as rows: (kind, key, count, count at the snapshot or None) ---------------------------

    def core_state(self) -> dict[str, Any]:
        return {"n": self.n, "snapshot_n": self.snapshot["n"], "refresh_ratio": self.refresh_ratio}

    def take_changes(self) -> list[tuple[int, str, int, int | None]]:
        """The keys whose count or snapshot count changed since the last call, as rows."""
        tables = ((self.terms, self.snapshot["terms"]), (self.entities, self.snapshot["entities"]))
        rows = []
        for kind, key in sorted(self._changed):
            counts, snap = tables[kind]
            rows.append((kind, key, counts[key], snap.get(key)))
        self._changed = set()
        return rows

    @classmethod
    def from_rows(
        cls, core: dict[str, Any], rows: Iterable[tuple[int, str, int, int | None]]
    ) -> DocumentFrequencies:
        df = cls(core["refresh_ratio"])
        df.n = int(core["n"])
        snapshot: dict[str, Any] = {"n": int(core["snapshot_n"]), "terms": {}, "entities": {}}
        for kind, key, count, snap in rows:
            (df.terms if kind == 0 else df.entities)[key] = count
            if snap is not None:
                snapshot["terms" if kind == 0 else "entities"][key] = snap
        df.snapshot = snapshot
        df._load_snapshot()
        df._since_snapshot = df._differing()
        return df

    def _differing(self) -> set[tuple[int, str]]:
        """Keys whose count differs from their snapshot count (counts only grow)."""
        snap_t, snap_e = self.snapshot["terms"], self.snapshot["entities"]
        return {(0, k) for k, v in self.terms.items() if snap_t.get(k) != v} | {
            (1, k) for k, v in self.entities.items() if snap_e.get(k) != v
        }


class Profile:
    """Summed normalized term and entity vectors of one or more articles, with their date range."""

    __slots__ = ("_norms", "entities", "first_day", "last_day", "size", "specific", "terms")

    def __init__(
        self,
        terms: dict[str, float] | None = None,
        entities: dict[str, float] | None = None,
        first_day: float | None = None,
        last_day: float | None = None,
        size: int = 0,
        specific: dict[str, float] | None = None,
    ) -> None:
        self.terms = terms if terms is not None else {}
        self.specific = specific if specific is not None else {}
        self.entities = entities if entities is not None else {}
        self.first_day = first_day
        self.last_day = last_day
        self.size = size
        self._norms: tuple[int, float, float, float] | None = None  # (df.epoch, term, entity, specific norm)

    @classmethod
    def of_article(cls, features: ArticleFeatures, specific_labels: tuple[str, ...] = ("PERSON",)) -> Profile:
        """An article's profile; ``specific`` holds its entities labelled with ``specific_labels``."""
        day = day_number(features.published)
        labels = features.entity_labels
        specific = {k: v for k, v in features.entities.items() if labels.get(k) in specific_labels}
        return cls(sublinear(features.terms), sublinear(features.entities), day, day, 1, sublinear(specific))

    def add(self, other: Profile, df: DocumentFrequencies, config: StoryConfig) -> None:
        """Add another profile (an article or a whole story) in place, then prune to the caps."""
        for key, w in other.terms.items():
            self.terms[key] = self.terms.get(key, 0.0) + w
        for key, w in other.entities.items():
            self.entities[key] = self.entities.get(key, 0.0) + w
        for key, w in other.specific.items():
            self.specific[key] = self.specific.get(key, 0.0) + w
        if other.first_day is not None:
            self.first_day = (
                other.first_day if self.first_day is None else min(self.first_day, other.first_day)
            )
        if other.last_day is not None:
            self.last_day = other.last_day if self.last_day is None else max(self.last_day, other.last_day)
        self.size += other.size
        self.terms = _pruned(self.terms, df.idf_term, config.profile_terms)
        self.entities = _pruned(self.entities, df.idf_entity, config.profile_entities)
        self.specific = _pruned(self.specific, df.idf_entity, config.profile_entities)
        self._norms = None

    def without(self, other: Profile, df: DocumentFrequencies) -> Profile:
        """A copy with another profile's weights taken out (keys pruned since stay pruned; weights >= 0)."""
        rest = self.copy()
        for mine, theirs in (
            (rest.terms, other.terms),
            (rest.entities, other.entities),
            (rest.specific, other.specific),
        ):
            for key, w in theirs.items():
                if key in mine:
                    left = mine[key] - w
                    if left > 1e-9:
                        mine[key] = left
                    else:
                        del mine[key]
        rest.size = max(1, self.size - other.size)
        return rest

    def copy(self) -> Profile:
        return Profile(
            dict(self.terms),
            dict(self.entities),
            self.first_day,
            self.last_day,
            self.size,
            dict(self.specific),
        )

    def norms(self, df: DocumentFrequencies) -> tuple[float, float, float]:
        """Idf-weighted L2 norms of the term, entity and specific-entity vectors (cached per idf snapshot)."""
        if self._norms is None or self._norms[0] != df.epoch:
            tn = math.sqrt(sum((w * df.idf_term(k)) ** 2 for k, w in self.terms.items()))
            en = math.sqrt(sum((w * df.idf_entity(k)) ** 2 for k, w in self.entities.items()))
            sn = math.sqrt(sum((w * df.idf_entity(k)) ** 2 for k, w in self.specific.items()))
            self._norms = (df.epoch, tn, en, sn)
        return self._norms[1], self._norms[2], self._norms[3]

    def to_state(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "entities": self.entities,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "size": self.size,
            "specific": self.specific,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Profile:
        return cls(
            dict(state["terms"]),
            dict(state["entities"]),
            state["first_day"],
            state["last_day"],
            state["size"],
            dict(state["specific"]),
        )


def _pruned(weights: dict[str, float], idf: Any, cap: int) -> dict[str, float]:
    """Keep the ``cap`` keys of largest weight x idf once the vector grows a quarter past the cap."""
    if len(weights) <= cap + cap // 4:
        return weights
    keep = sorted(weights, key=lambda k: (-weights[k] * idf(k), k))[:cap]
    return {k: weights[k] for k in sorted(keep)}


def _weighted_dot(a: dict[str, float], b: dict[str, float], idf: Any) -> float:
    if len(a) > len(b):
        a, b = b, a
    total = 0.0
    for key, w in a.items():
        other = b.get(key)
        if other is not None:
            total += w * other * idf(key) ** 2
    return total


def time_factor(a: Profile, b: Profile, config: StoryConfig) -> float:
    """``1 - time_weight * (1 - exp(-gap / scale))``; 1 when either date is unknown."""
    if a.first_day is None or b.first_day is None or a.last_day is None or b.last_day is None:
        return 1.0
    gap = max(0.0, a.first_day - b.last_day, b.first_day - a.last_day)
    return 1.0 - config.time_weight * (1.0 - math.exp(-gap / config.time_scale_days))


def similarity(a: Profile, b: Profile, df: DocumentFrequencies, config: StoryConfig) -> float:
    """Weighted term and entity cosines (idf-weighted) times the time and specific-entity factors.

    When both sides name specific entities (people), their disagreement ``1 - cos_specific`` removes
    up to ``specific_penalty`` of the score: two rehab check-ins by different actors share words, not people.
    """
    a_tn, a_en, a_sn = a.norms(df)
    b_tn, b_en, b_sn = b.norms(df)
    cos_t = _weighted_dot(a.terms, b.terms, df.idf_term) / (a_tn * b_tn) if a_tn and b_tn else 0.0
    cos_e = _weighted_dot(a.entities, b.entities, df.idf_entity) / (a_en * b_en) if a_en and b_en else 0.0
    score = config.term_weight * cos_t + config.entity_weight * cos_e
    if config.specific_penalty and a_sn and b_sn:
        cos_s = _weighted_dot(a.specific, b.specific, df.idf_entity) / (a_sn * b_sn)
        score *= 1.0 - config.specific_penalty * (1.0 - cos_s)
    if config.size_damping and a.size * b.size > 1:
        score *= (a.size * b.size) ** -config.size_damping
    return score * time_factor(a, b, config)


def with_title_terms(features: ArticleFeatures, weight: float) -> ArticleFeatures:
    """The article with its title's words added to its terms, each ``weight`` times (0: unchanged).

    Production terms are body lemmas; the title arrives as text, so its words are found by the cheap
    tokenizer (lower-cased words minus stop words; proper nouns match their lemmas).
    """
    if not weight or not features.title:
        return features
    terms = dict(features.terms)
    for word, count in cheap_terms_and_names(features.title)[0].items():
        terms[word] = terms.get(word, 0.0) + weight * count
    return replace(features, terms=terms)


def lookup_keys(features: ArticleFeatures, df: DocumentFrequencies, limit: int) -> list[str]:
    """Inverted-index keys of an article: its top terms by tf-idf and its entities (by weight)."""
    terms = ["t:" + k for k in top_keys(features.terms, {k: df.idf_term(k) for k in features.terms}, limit)]
    ents = [
        "e:" + k for k in top_keys(features.entities, {k: df.idf_entity(k) for k in features.entities}, limit)
    ]
    return terms + ents


def _key_idf(key: str, df: DocumentFrequencies) -> float:
    return df.idf_term(key[2:]) if key.startswith("t:") else df.idf_entity(key[2:])


class _Story:
    __slots__ = ("created_seq", "first_article", "id", "keys", "members", "next_split_check", "profile")

    def __init__(self, story_id: str, first_article: str, created_seq: int, profile: Profile) -> None:
        self.id = story_id
        self.first_article = first_article
        self.created_seq = created_seq
        self.profile = profile
        self.members: list[str] = [first_article]
        self.keys: dict[str, None] = {}
        self.next_split_check = 0

    def to_state(self, arrival: dict[str, int] | None = None) -> dict[str, Any]:
        """The story's state; with ``arrival``, each member's arrival clock too (a row of the store)."""
        state = {
            "id": self.id,
            "first_article": self.first_article,
            "created_seq": self.created_seq,
            "profile": self.profile.to_state(),
            "members": self.members,
            "keys": list(self.keys),
            "next_split_check": self.next_split_check,
        }
        if arrival is not None:
            state["arrival"] = [arrival[aid] for aid in self.members]
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _Story:
        story = cls(
            state["id"], state["first_article"], state["created_seq"], Profile.from_state(state["profile"])
        )
        story.members = list(state["members"])
        story.keys = dict.fromkeys(state["keys"])
        story.next_split_check = state["next_split_check"]
        return story


class StoryClusterer:
    """Online story clustering: ``add`` one article at a time; story ids never change."""

    def __init__(self, config: StoryConfig | None = None, features: StoredFeatures | None = None) -> None:
        self.config = config or StoryConfig.from_settings()
        self.df = DocumentFrequencies()
        self._stories: dict[str, _Story] = {}
        self._redirects: dict[str, str] = {}
        self._article_story: dict[str, str] = {}
        # Kept features of every added article: in memory, or rows of the store (``features``).
        self._articles: dict[str, ArticleFeatures] | StoredFeatures = features if features is not None else {}
        self._arrival: dict[str, int] = {}
        self._postings: dict[str, dict[str, None]] = {}
        self.events: list[StoryEvent] = []
        self._clock = 0
        self._founded: dict[int, list[str]] = {}  # arrival clock -> stories founded then (orphan re-checks)
        self._dirty: set[str] = set()  # stories changed (or merged away) since take_changes()

    # --- queries -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._article_story)

    def resolve(self, story_id: str) -> str:
        """The live story an id stands for (following merge redirects)."""
        seen = story_id
        while seen in self._redirects:
            seen = self._redirects[seen]
        return seen

    def story_of(self, article_id: str) -> str | None:
        """The live story id of an added article."""
        sid = self._article_story.get(article_id)
        return self.resolve(sid) if sid is not None else None

    def assignments(self) -> dict[str, str]:
        """Article id -> live story id, for every added article."""
        return {aid: self.resolve(sid) for aid, sid in self._article_story.items()}

    def stories(self) -> dict[str, list[str]]:
        """Live story id -> its article ids in arrival order."""
        return {sid: list(story.members) for sid, story in self._stories.items()}

    def members(self, story_id: str) -> list[str]:
        """The article ids of a live story in arrival order (empty for an unknown or merged id)."""
        story = self._stories.get(story_id)
        return list(story.members) if story is not None else []

    # --- adding --------------------------------------------------------------------------------

    def add(self, features: ArticleFeatures) -> Assignment:
        """Assign one article to a story (joining, founding, and possibly merging or splitting stories)."""
        known = self._article_story.get(features.article_id)
        if known is not None:
            return Assignment(self.resolve(known), created=False)
        self._clock += 1
        at_seq = features.seq
        features = with_title_terms(features, self.config.title_weight)
        self.df.add(features)
        self._articles[features.article_id] = self._kept(features)
        self._arrival[features.article_id] = self._clock
        article = Profile.of_article(features, self.config.specific_labels)
        keys = lookup_keys(features, self.df, self.config.lookup_terms)
        scored = [
            (similarity(article, self._stories[sid].profile, self.df, self.config), sid)
            for sid in self._candidates(keys)
        ]
        scored.sort(key=lambda p: (-p[0], self._stories[p[1]].created_seq, p[1]))
        events: list[StoryEvent] = []
        if scored and scored[0][0] >= self.config.join_threshold:
            story = self._stories[scored[0][1]]
            story.profile.add(article, self.df, self.config)
            story.members.append(features.article_id)
            created = False
        else:
            sid = story_id_for(features.article_id, self._taken)
            story = _Story(sid, features.article_id, self._clock, article)
            story.next_split_check = self.config.split_min_size
            self._stories[sid] = story
            self._founded.setdefault(self._clock, []).append(sid)
            created = True
        self._article_story[features.article_id] = story.id
        self._post(story, keys)
        if not created:
            events += self._recheck_members(story, scored, at_seq)
        for score, other_id in scored[1:]:
            if score < self.config.join_threshold:
                break
            events += self._maybe_merge(self.resolve(story.id), other_id, at_seq, features.article_id)
        events += self._recheck_orphans(at_seq)
        story = self._stories[self.resolve(story.id)]
        if len(story.members) >= story.next_split_check:
            story.next_split_check = max(self.config.split_min_size, 2 * len(story.members))
            if self.config.repair_reach and len(story.members) <= self.config.repair_max_articles:
                events += self._repair(story, at_seq)
            else:
                events += self._maybe_split(story, at_seq)
        self.events += events
        self._dirty.add(story.id)
        for event in events:
            self._dirty.update((event.story_id, event.other))
        return Assignment(self.story_of(features.article_id) or story.id, created, events)

    def _recheck_members(
        self, story: _Story, scored: list[tuple[float, str]], at_seq: int
    ) -> list[StoryEvent]:
        """Re-assignment: the story's few most recent earlier members move to another candidate story of
        the new article when they match it better (by ``recheck_margin``) than the rest of their story."""
        c = self.config
        if not c.recheck_members or len(story.members) < 3:
            return []
        others = [self._stories[sid] for _, sid in scored if sid != story.id and sid in self._stories]
        if not others:
            return []
        events: list[StoryEvent] = []
        for aid in story.members[-1 - c.recheck_members : -1]:
            if aid == story.first_article:
                continue
            member = Profile.of_article(self._articles[aid], c.specific_labels)
            rest = story.profile.without(member, self.df)
            stay = similarity(member, rest, self.df, c)
            score, target = max(
                ((similarity(member, o.profile, self.df, c), o) for o in others), key=lambda p: p[0]
            )
            if score < c.join_threshold or score <= stay + c.recheck_margin:
                continue
            story.profile = rest
            story.members.remove(aid)
            target.profile.add(member, self.df, c)
            target.members.append(aid)
            self._article_story[aid] = target.id
            self._post(target, lookup_keys(self._articles[aid], self.df, c.lookup_terms))
            reason = f"article {aid} moved: similarity {score:.3f} there, {stay:.3f} to the rest"
            events.append(StoryEvent("move", story.id, target.id, at_seq, reason))
        return events

    def _recheck_orphans(self, at_seq: int) -> list[StoryEvent]:
        """Delayed commitment: a story still made of its founding article alone when it is
        ``orphan_min_age``, 2x, 4x... arrivals old is merged into the most similar story of at least
        ``orphan_min_size`` articles among its index candidates, if that reaches ``orphan_threshold``."""
        c = self.config
        if not c.orphan_threshold or c.orphan_min_age < 1:
            return []
        events: list[StoryEvent] = []
        age = c.orphan_min_age
        while age < self._clock:
            founded_at = self._clock - age
            for sid in self._founded.get(founded_at, ()):
                if self._is_alone(sid):
                    events += self._absorb(self._stories[sid], at_seq)
            alone = [sid for sid in self._founded.pop(founded_at, ()) if self._is_alone(sid)]
            if alone:
                self._founded[founded_at] = alone
            age *= 2
        return events

    def _is_alone(self, story_id: str) -> bool:
        story = self._stories.get(story_id)
        return story is not None and len(story.members) == 1

    def _absorb(self, orphan: _Story, at_seq: int) -> list[StoryEvent]:
        """Merge a single-article story into its best candidate story of ``orphan_min_size``+ articles."""
        c = self.config
        features = self._articles[orphan.first_article]
        best: tuple[float, int, str] | None = None
        for sid in self._candidates(lookup_keys(features, self.df, c.lookup_terms)):
            story = self._stories[sid]
            if sid == orphan.id or len(story.members) < c.orphan_min_size:
                continue
            option = (similarity(orphan.profile, story.profile, self.df, c), -story.created_seq, sid)
            if best is None or option > best:
                best = option
        if best is None or best[0] < c.orphan_threshold:
            return []
        survivor = self._stories[best[2]]
        reason = f"single-article story absorbed at age {self._clock - orphan.created_seq}; similarity {best[0]:.3f}"
        return [self._merge_into(survivor, orphan, at_seq, reason)]

    def _kept(self, features: ArticleFeatures) -> ArticleFeatures:
        """What is kept of an article for later re-clustering: its top terms and entities, no title."""
        c = self.config
        terms = top_keys(features.terms, {k: self.df.idf_term(k) for k in features.terms}, c.kept_terms)
        ents = top_keys(
            features.entities, {k: self.df.idf_entity(k) for k in features.entities}, c.kept_entities
        )
        return ArticleFeatures(
            article_id=features.article_id,
            published=features.published,
            seq=features.seq,
            terms={k: features.terms[k] for k in terms},
            entities={k: features.entities[k] for k in ents},
            entity_labels={k: features.entity_labels[k] for k in ents if k in features.entity_labels},
        )

    def _taken(self, story_id: str) -> bool:
        return story_id in self._stories or story_id in self._redirects

    def _candidates(self, keys: list[str]) -> list[str]:
        scores: dict[str, float] = {}
        for key in keys:
            posting = self._postings.get(key)
            if not posting or len(posting) > self.config.max_posting:
                continue
            weight = _key_idf(key, self.df)
            for sid in posting:
                scores[sid] = scores.get(sid, 0.0) + weight
        ranked = sorted(scores, key=lambda s: (-scores[s], self._stories[s].created_seq, s))
        return ranked[: self.config.candidates]

    def _post(self, story: _Story, keys: list[str]) -> None:
        terms = [k for k in keys if k.startswith("t:")][: self.config.post_terms]
        for key in terms + [k for k in keys if k.startswith("e:")]:
            if key not in story.keys:
                story.keys[key] = None
                self._postings.setdefault(key, {})[story.id] = None

    def _unpost(self, story: _Story) -> None:
        for key in story.keys:
            posting = self._postings.get(key)
            if posting is not None:
                posting.pop(story.id, None)
                if not posting:
                    del self._postings[key]

    def _maybe_merge(self, sid: str, other_id: str, at_seq: int, article_id: str) -> list[StoryEvent]:
        """Merge two live stories the article bridges when they are similar enough themselves."""
        other_id = self.resolve(other_id)
        if other_id == sid or sid not in self._stories or other_id not in self._stories:
            return []
        a, b = self._stories[sid], self._stories[other_id]
        score = similarity(a.profile, b.profile, self.df, self.config)
        if score < max(self.config.join_threshold, self.config.merge_threshold):
            return []
        survivor, merged = (a, b) if (a.created_seq, a.id) <= (b.created_seq, b.id) else (b, a)
        reason = f"article {article_id} bridges them; story similarity {score:.3f}"
        return [self._merge_into(survivor, merged, at_seq, reason)]

    def _merge_into(self, survivor: _Story, merged: _Story, at_seq: int, reason: str) -> StoryEvent:
        """Move ``merged``'s articles into ``survivor``; ``merged``'s id redirects from now on."""
        survivor.profile.add(merged.profile, self.df, self.config)
        survivor.members += merged.members
        self._unpost(merged)
        for key in merged.keys:
            if key not in survivor.keys:
                survivor.keys[key] = None
                self._postings.setdefault(key, {})[survivor.id] = None
        del self._stories[merged.id]
        self._redirects[merged.id] = survivor.id
        survivor.next_split_check = max(survivor.next_split_check, self.config.split_min_size)
        return StoryEvent("merge", survivor.id, merged.id, at_seq, reason)

    def _repair(self, story: _Story, at_seq: int) -> list[StoryEvent]:
        """Local re-clustering: agglomerate the members of ``story`` and of its close neighbours as
        :func:`batch_cluster` would, then give each resulting group the id of the region story it
        shares most articles with. Ids are kept; an article that changes story is a recorded move, a
        group matching no old story is a split, and an old story left without a group is merged into
        the story that took most of its articles."""
        c = self.config
        region = self._repair_region(story)
        members = [self._articles[aid] for s in region for aid in s.members]
        groups = [[m.article_id for m in g] for g in _agglomerate(members, self.df, c)]
        old_of = {aid: s.id for s in region for aid in s.members}
        owner = _reconcile(groups, old_of, {s.id: s.created_seq for s in region})
        groups, owner = _fold_small_parts(groups, owner, old_of, c.split_part_size)
        groups = self._hold_moves(groups, owner, old_of, c.recheck_margin)
        by_id = {s.id: s for s in region}
        self._dirty.update(by_id)
        events: list[StoryEvent] = []
        for gi, group in enumerate(groups):
            order = sorted(group, key=lambda aid: (self._arrival[aid], aid))
            if gi in owner:
                target = by_id[owner[gi]]
                if target.first_article not in group:
                    target.first_article = order[0]
            else:
                source = Counter(old_of[aid] for aid in group).most_common(1)[0][0]
                target = _Story(story_id_for(order[0], self._taken), order[0], self._clock, Profile())
                self._stories[target.id] = target
                self._dirty.add(target.id)
                reason = f"{len(group)} articles re-clustered apart from it"
                events.append(StoryEvent("split", source, target.id, at_seq, reason))
            self._fill(target, order)
            target.next_split_check = max(c.split_min_size, 2 * len(order))
        kept = set(owner.values())
        for s in region:
            if s.id not in kept:
                dest = Counter(self._article_story[aid] for aid in s.members).most_common(1)[0][0]
                self._unpost(s)
                del self._stories[s.id]
                self._redirects[s.id] = dest
                events.append(StoryEvent("merge", dest, s.id, at_seq, "its articles re-clustered into it"))
            elif len(s.members) == 1 and s.id not in self._founded.get(s.created_seq, ()):
                self._founded.setdefault(s.created_seq, []).append(s.id)  # orphan checks, as on reload
        for aid, old in old_of.items():
            new = self._article_story[aid]
            if new != old and old in kept and new in by_id:
                reason = f"article {aid} moved by re-clustering"
                events.append(StoryEvent("move", old, new, at_seq, reason))
        return events

    def _hold_moves(
        self, groups: list[list[str]], owner: dict[int, str], old_of: dict[str, str], margin: float
    ) -> list[list[str]]:
        """Hysteresis for repairs: an article the re-clustering moves from one kept story to another
        moves only if it is more than ``margin`` more similar to its new group (without it) than to
        the group keeping its old id; otherwise it stays."""
        c = self.config
        group_of_id = {sid: gi for gi, sid in owner.items()}
        profiles: dict[int, Profile] = {}

        def profile(gi: int) -> Profile:
            if gi not in profiles:
                profiles[gi] = _profile_of([self._articles[a] for a in groups[gi]], self.df, c)
            return profiles[gi]

        back: list[tuple[str, int, int]] = []
        for gi in owner:
            for aid in groups[gi]:
                home = group_of_id.get(old_of[aid])
                if home is None or home == gi:
                    continue
                article = Profile.of_article(self._articles[aid], c.specific_labels)
                new = similarity(article, profile(gi).without(article, self.df), self.df, c)
                if new <= similarity(article, profile(home), self.df, c) + margin:
                    back.append((aid, gi, home))
        kept = [list(g) for g in groups]
        for aid, gi, home in back:
            kept[gi].remove(aid)
            kept[home].append(aid)
        return kept

    def _repair_region(self, story: _Story) -> list[_Story]:
        """``story`` and its index candidates at least ``repair_reach`` similar to it, most similar
        first, while the region stays within ``repair_max_articles`` articles."""
        c = self.config
        options = []
        for sid in self._candidates(list(story.keys)):
            other = self._stories[sid]
            if sid != story.id:
                score = similarity(story.profile, other.profile, self.df, c)
                if score >= c.repair_reach:
                    options.append((score, other))
        region, total = [story], len(story.members)
        for _, other in sorted(options, key=lambda p: (-p[0], p[1].created_seq, p[1].id)):
            if total + len(other.members) <= c.repair_max_articles:
                region.append(other)
                total += len(other.members)
        return region

    def _fill(self, story: _Story, members: list[str]) -> None:
        """Make ``members`` (in arrival order) the whole of ``story``: its profile, its index keys and
        the article -> story map are rebuilt from the members' kept features."""
        c = self.config
        self._unpost(story)
        story.members = members
        story.profile = _profile_of([self._articles[aid] for aid in members], self.df, c)
        story.keys = {}
        for aid in members:
            self._article_story[aid] = story.id
            self._post(story, lookup_keys(self._articles[aid], self.df, c.lookup_terms))

    def _maybe_split(self, story: _Story, at_seq: int) -> list[StoryEvent]:
        """Bisect a story's articles; a far part of some size leaves as a new story."""
        members = [self._articles[aid] for aid in story.members]
        plain = replace(self.config, size_damping=0.0)  # coherence of the parts, whatever their sizes
        group, rest = _bisect(members, story.first_article, self.df, plain)
        if len(group) < self.config.split_part_size:
            return []
        part = _profile_of(group, self.df, self.config)
        score = similarity(part, _profile_of(rest, self.df, self.config), self.df, plain)
        if score >= self.config.split_ratio * self.config.join_threshold:
            return []
        moved = {m.article_id for m in group}
        event = self._split_off(story, moved, at_seq, score)
        self._fill(story, [aid for aid in story.members if aid not in moved])
        return [event]

    def _split_off(self, story: _Story, moved: set[str], at_seq: int, score: float) -> StoryEvent:
        """A new story, founded by its earliest arrival, of the articles ``moved`` out of ``story``
        (which the caller then refills with the rest)."""
        founder = min(moved, key=lambda aid: (self._arrival[aid], aid))
        sid = story_id_for(founder, self._taken)
        new = _Story(sid, founder, self._clock, Profile())
        self._stories[sid] = new
        self._fill(new, [aid for aid in story.members if aid in moved])
        new.next_split_check = max(self.config.split_min_size, 2 * len(new.members))
        reason = f"{len(moved)} articles left; similarity to the rest {score:.3f}"
        return StoryEvent("split", story.id, sid, at_seq, reason)

    # --- state ---------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """A JSON-ready dict of everything needed to continue (articles' features included)."""
        return {
            "version": 2,
            "config": self.config.to_dict(),
            "df": self.df.to_state(),
            "clock": self._clock,
            "stories": [story.to_state() for story in self._stories.values()],
            "redirects": self._redirects,
            "article_story": self._article_story,
            "articles": []
            if isinstance(self._articles, StoredFeatures)
            else [f.to_dict() for f in self._articles.values()],
            "arrival": self._arrival,
            "events": [e.to_dict() for e in self.events],
        }

    @classmethod
    def from_state(
        cls, state: dict[str, Any], config: StoryConfig | None = None, features: StoredFeatures | None = None
    ) -> StoryClusterer:
        """Rebuild a clusterer saved by :meth:`to_state` (the inverted index is rebuilt from story keys).

        With ``features`` the articles' features are rows of the store; any found in ``state`` (a
        clusterer saved in memory) are moved there.
        """
        clusterer = cls(config or StoryConfig(**state["config"]), features)
        clusterer.df = DocumentFrequencies.from_state(state["df"])
        clusterer._clock = int(state["clock"])
        clusterer._redirects = dict(state["redirects"])
        clusterer._load_stories(state["stories"])
        clusterer._article_story = dict(state["article_story"])
        for item in state["articles"]:
            clusterer._articles[item["article_id"]] = ArticleFeatures.from_dict(item)
        clusterer._arrival = dict(state["arrival"])
        clusterer.events = [StoryEvent(**e) for e in state["events"]]
        return clusterer

    # --- state as rows (the store) -------------------------------------------------------------

    def core_state(self) -> dict[str, Any]:
        """What is neither per story nor per key: settings, the clock, document-frequency totals."""
        return {
            "version": 3,
            "config": self.config.to_dict(),
            "df": self.df.core_state(),
            "clock": self._clock,
        }

    def take_changes(self) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """The stories changed since the last call: live ones' states (members' arrival clocks
        included) and, for those merged away, the story they redirect to. (Document frequencies:
        ``df.take_changes()``.)"""
        live: dict[str, dict[str, Any]] = {}
        gone: dict[str, str] = {}
        for sid in sorted(self._dirty):
            if sid in self._stories:
                live[sid] = self._stories[sid].to_state(self._arrival)
            elif sid in self._redirects:
                gone[sid] = self._redirects[sid]
        self._dirty.clear()
        return live, gone

    def mark_all_changed(self) -> None:
        """Make the next :meth:`take_changes` return every story (a first save as rows)."""
        self._dirty = set(self._stories) | set(self._redirects)

    @classmethod
    def from_rows(
        cls,
        core: dict[str, Any],
        stories: Iterable[dict[str, Any]],
        redirects: dict[str, str],
        df_rows: Iterable[tuple[int, str, int, int | None]],
        features: StoredFeatures | None = None,
    ) -> StoryClusterer:
        """Rebuild a clusterer from :meth:`core_state` and the rows :meth:`take_changes` and
        ``df.take_changes`` gave: who belongs where and when each article arrived come from the
        stories' members."""
        clusterer = cls(StoryConfig(**core["config"]), features)
        clusterer.df = DocumentFrequencies.from_rows(core["df"], df_rows)
        clusterer._clock = int(core["clock"])
        clusterer._redirects = dict(redirects)
        rows = list(stories)
        clusterer._load_stories(rows)
        for row in rows:
            for aid, arrival in zip(row["members"], row["arrival"], strict=True):
                clusterer._article_story[aid] = row["id"]
                clusterer._arrival[aid] = arrival
        return clusterer

    def _load_stories(self, states: Iterable[dict[str, Any]]) -> None:
        """Live stories from their states, with the inverted index and the orphan schedule."""
        for item in states:
            story = _Story.from_state(item)
            self._stories[story.id] = story
            for key in story.keys:
                self._postings.setdefault(key, {})[story.id] = None
            if len(story.members) == 1:
                self._founded.setdefault(story.created_seq, []).append(story.id)


# --- batch agglomeration -------------------------------------------------------------------------


def _reconcile(groups: list[list[str]], old_of: dict[str, str], created: dict[str, int]) -> dict[int, str]:
    """Group index -> the old story id it keeps: pairs (group, old story) by most shared articles
    (ties: the older story), each group and each old story used once."""
    overlap = Counter((gi, old_of[aid]) for gi, group in enumerate(groups) for aid in group)
    owner: dict[int, str] = {}
    used: set[str] = set()
    for (gi, sid), _ in sorted(overlap.items(), key=lambda p: (-p[1], created[p[0][1]], p[0][1], p[0][0])):
        if gi not in owner and sid not in used:
            owner[gi] = sid
            used.add(sid)
    return owner


def _fold_small_parts(
    groups: list[list[str]], owner: dict[int, str], old_of: dict[str, str], min_size: int
) -> tuple[list[list[str]], dict[int, str]]:
    """Hysteresis for repairs: a group of fewer than ``min_size`` articles that keeps no old id
    does not become a new story; each of its articles goes back to the group holding its old story's
    id (or stays, if that story keeps none)."""
    group_of_id = {sid: gi for gi, sid in owner.items()}
    kept: list[list[str]] = [list(g) for g in groups]
    for gi, group in enumerate(groups):
        if gi in owner or len(group) >= min_size:
            continue
        for aid in group:
            home = group_of_id.get(old_of[aid])
            if home is not None:
                kept[home].append(aid)
                kept[gi].remove(aid)
    index = [gi for gi, g in enumerate(kept) if g]
    return [kept[gi] for gi in index], {new: owner[gi] for new, gi in enumerate(index) if gi in owner}


def _profile_of(members: list[ArticleFeatures], df: DocumentFrequencies, config: StoryConfig) -> Profile:
    profile = Profile()
    for m in members:
        profile.add(Profile.of_article(m, config.specific_labels), df, config)
    return profile


def _bisect(
    members: list[ArticleFeatures],
    founder: str,
    df: DocumentFrequencies,
    config: StoryConfig,
    rounds: int = 3,
) -> tuple[list[ArticleFeatures], list[ArticleFeatures]]:
    """Two-means split of a story's articles: (the part without ``founder``, the part with it).

    Seeded with the article least similar to the whole story; each round assigns every article to
    the closer of the two part profiles. Linear in the story's size.
    """
    profiles = [Profile.of_article(m, config.specific_labels) for m in members]
    whole = _sum_profiles(profiles, df, config)
    far = min(range(len(members)), key=lambda i: (similarity(profiles[i], whole, df, config), i))
    in_far = [i == far for i in range(len(members))]
    for _ in range(rounds):
        far_profile = _sum_profiles([p for p, f in zip(profiles, in_far, strict=True) if f], df, config)
        near_profile = _sum_profiles([p for p, f in zip(profiles, in_far, strict=True) if not f], df, config)
        moved = [
            similarity(p, far_profile, df, config) > similarity(p, near_profile, df, config) for p in profiles
        ]
        if moved == in_far or all(moved) or not any(moved):
            break
        in_far = moved
    founder_far = next(f for m, f in zip(members, in_far, strict=True) if m.article_id == founder)
    part = [m for m, f in zip(members, in_far, strict=True) if f != founder_far]
    rest = [m for m, f in zip(members, in_far, strict=True) if f == founder_far]
    return part, rest


def _sum_profiles(profiles: list[Profile], df: DocumentFrequencies, config: StoryConfig) -> Profile:
    total = Profile()
    for p in profiles:
        total.add(p, df, config)
    return total


def _agglomerate(
    members: list[ArticleFeatures], df: DocumentFrequencies, config: StoryConfig
) -> list[list[ArticleFeatures]]:
    """Centroid-linkage agglomeration: merge the most similar pair of groups while it reaches the threshold.

    Only pairs sharing an inverted-index key (as in online lookup) are ever compared.
    """
    profiles = [Profile.of_article(m, config.specific_labels) for m in members]
    groups: dict[int, list[int]] = {i: [i] for i in range(len(members))}
    versions = dict.fromkeys(range(len(members)), 0)
    neighbours: dict[int, dict[int, None]] = {i: {} for i in range(len(members))}
    postings: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        for key in lookup_keys(m, df, config.lookup_terms):
            postings.setdefault(key, []).append(i)
    for i, m in enumerate(members):
        scores: dict[int, float] = {}
        for key in lookup_keys(m, df, config.lookup_terms):
            posting = postings[key]
            if len(posting) > config.max_posting:
                continue
            weight = _key_idf(key, df)
            for j in posting:
                if j != i:
                    scores[j] = scores.get(j, 0.0) + weight
        for j in sorted(scores, key=lambda j: (-scores[j], j))[: config.candidates]:
            neighbours[i][j] = None
            neighbours[j][i] = None
    heap: list[tuple[float, int, int, int, int]] = []

    def push(i: int, j: int) -> None:
        score = similarity(profiles[i], profiles[j], df, config)
        if score >= config.join_threshold:
            a, b = min(i, j), max(i, j)
            heapq.heappush(heap, (-score, a, b, versions[a], versions[b]))

    for i in range(len(members)):
        for j in neighbours[i]:
            if i < j:
                push(i, j)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        if a not in groups or b not in groups or versions[a] != va or versions[b] != vb:
            continue
        profiles[a].add(profiles[b], df, config)
        groups[a] += groups.pop(b)
        versions[a] += 1
        merged_nbrs = {**neighbours[a], **neighbours.pop(b)}
        merged_nbrs.pop(a, None)
        merged_nbrs.pop(b, None)
        neighbours[a] = merged_nbrs
        for n in merged_nbrs:
            neighbours[n].pop(b, None)
            neighbours[n][a] = None
        for n in sorted(merged_nbrs):
            push(a, n)
    _attach_orphans(groups, profiles, neighbours, df, config)
    return [[members[i] for i in sorted(group)] for _, group in sorted(groups.items())]


def _attach_orphans(
    groups: dict[int, list[int]],
    profiles: list[Profile],
    neighbours: dict[int, dict[int, None]],
    df: DocumentFrequencies,
    config: StoryConfig,
) -> None:
    """Attach each single-article group to its most similar group of ``orphan_min_size`` or more articles
    (among its index neighbours) when that reaches ``orphan_threshold``; scored against the groups as
    agglomerated, so the order of attachment does not matter."""
    if not config.orphan_threshold:
        return
    min_size = max(2, config.orphan_min_size)  # singletons never receive, so no chains
    moves: list[tuple[int, int]] = []
    for i in sorted(groups):
        if len(groups[i]) != 1:
            continue
        options = [
            (similarity(profiles[i], profiles[j], df, config), -j)
            for j in neighbours[i]
            if len(groups[j]) >= min_size
        ]
        if options:
            score, j = max(options)
            if score >= config.orphan_threshold:
                moves.append((i, -j))
    for i, j in moves:
        groups[j] += groups.pop(i)
        groups[j].sort()


def batch_cluster(features_list: list[ArticleFeatures], config: StoryConfig | None = None) -> dict[str, str]:
    """Offline clustering of a whole set with the online similarity: article id -> story id.

    Document frequencies are counted over the whole set first; a story's id is derived from its
    earliest article (by ``seq``, then id), as online.
    """
    config = config or StoryConfig.from_settings()
    features_list = [with_title_terms(f, config.title_weight) for f in features_list]
    df = DocumentFrequencies()
    for f in features_list:
        df.add(f)
    df.freeze()
    result: dict[str, str] = {}
    taken: dict[str, None] = {}
    groups = _agglomerate(features_list, df, config)
    groups.sort(key=lambda g: min((m.seq, m.article_id) for m in g))
    for group in groups:
        founder = min(group, key=lambda m: (m.seq, m.article_id))
        sid = story_id_for(founder.article_id, taken.__contains__)
        taken[sid] = None
        for m in group:
            result[m.article_id] = sid
    return result
