"""Per-article features for story clustering: content lemmas, named entities, date, title.

:class:`ArticleFeatures` is what :class:`storyline.corpus.stories.StoryClusterer` consumes. Two builders
fill it: :func:`features_from_doc` from a spaCy parse (the pipeline's way) and :func:`features_from_text`
from a blank tokenizer and a stop list (cheap; used by the benchmark).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


@dataclass(slots=True)
class ArticleFeatures:
    """What the story clusterer knows about one article.

    ``terms`` maps content-word lemmas to counts (title words counted ``title_weight`` times);
    ``entities`` maps entity keys (a corpus entity id or a normalized name) to mention counts, with
    their labels in ``entity_labels``. ``published`` is a TIMEX3 value and may be partial or None.
    """

    article_id: str
    published: str | None = None
    seq: int = 0
    terms: dict[str, float] = field(default_factory=dict)
    entities: dict[str, float] = field(default_factory=dict)
    title: str | None = None
    entity_labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ArticleFeatures:
        return cls(**data)


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    """The parsed ``data/stories.toml``."""
    raw = resources.files("storyline.data").joinpath("stories.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def _feature_settings() -> dict[str, Any]:
    return settings()["features"]


_SPACE = re.compile(r"\s+")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def normalize_entity(text: str) -> str:
    """A comparable key for an entity name: lower case, no leading article or trailing possessive."""
    name = _SPACE.sub(" ", text).strip().lower()
    name = _POSSESSIVE.sub("", name)
    for article in _feature_settings()["entity_drop_prefixes"]:
        if name.startswith(article + " "):
            name = name[len(article) + 1 :]
    return _EDGE_JUNK.sub("", name)


def content_lemmas(doc: Doc | Span) -> Counter[str]:
    """Counts of lower-cased lemmas of content words (open-class, not stop words, with a letter)."""
    conf = _feature_settings()
    keep_pos = set(conf["content_pos"])
    extra_stops = set(conf["extra_stop_lemmas"])
    counts: Counter[str] = Counter()
    for token in doc:
        if token.pos_ not in keep_pos or token.is_stop or not any(c.isalpha() for c in token.text):
            continue
        lemma = (token.lemma_ or token.text).lower().strip("-'’.")
        if len(lemma) < 2 or lemma in extra_stops:
            continue
        counts[lemma] += 1
    return counts


def doc_entities(doc: Doc) -> tuple[Counter[str], dict[str, str]]:
    """Entity keys with mention counts, and their labels.

    Uses ``storyline.extract.entities.find_entities`` when that module is installed (its entities
    group an article's mentions of one referent); otherwise ``doc.ents``, where a short mention
    (``Reid``) counts towards a longer name of the article that ends with it (``Tara Reid``).
    """
    found = _entities_from_extractor(doc)
    if found is not None:
        return found
    keep = set(_feature_settings()["entity_labels"])
    names: list[tuple[str, str]] = []
    for ent in doc.ents:
        if ent.label_ not in keep:
            continue
        key = normalize_entity(ent.text)
        if key and any(c.isalpha() for c in key):
            names.append((key, ent.label_))
    return _fold_short_names(names)


def _fold_short_names(names: list[tuple[str, str]]) -> tuple[Counter[str], dict[str, str]]:
    """Count each name under the longest name of the article that ends with its words."""
    full = sorted({key for key, _ in names}, key=lambda k: (-len(k.split()), k))
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for key, label in names:
        target = key
        for longer in full:
            if len(longer.split()) > len(key.split()) and longer.endswith(" " + key):
                target = longer
                break
        counts[target] += 1
        labels.setdefault(target, label)
    return counts, labels


def _entities_from_extractor(doc: Doc) -> tuple[Counter[str], dict[str, str]] | None:
    try:
        from storyline.extract.entities import find_entities
    except ImportError:
        return None
    try:
        result = find_entities(doc)
    except Exception:  # another engineer's module: fall back rather than fail the corpus stage
        return None
    entities = _local_entities_in(result)
    if entities is None:
        return None
    keep = set(_feature_settings()["entity_labels"])
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for entity in entities:
        if entity.label not in keep:
            continue
        key = normalize_entity(entity.name)
        if key and any(c.isalpha() for c in key):
            counts[key] += max(1, len(entity.mentions))
            labels.setdefault(key, entity.label)
    return counts, labels


def _local_entities_in(result: Any) -> list[Any] | None:
    """The LocalEntity-like items in what ``find_entities`` returned (a list or a tuple of lists)."""
    candidates = result if isinstance(result, tuple) else (result,)
    for item in candidates:
        if isinstance(item, list) and item and all(hasattr(e, "name") and hasattr(e, "label") for e in item):
            return item
    return None


def _merge_title(body: Counter[str], title: Counter[str], weight: float) -> dict[str, float]:
    terms = {k: float(v) for k, v in body.items()}
    for key, count in title.items():
        terms[key] = terms.get(key, 0.0) + weight * count
    return terms


def features_from_doc(
    article_id: str,
    doc: Doc,
    *,
    title_doc: Doc | None = None,
    published: str | None = None,
    seq: int = 0,
    title: str | None = None,
) -> ArticleFeatures:
    """Features from a spaCy parse of the article text (and optionally of its title)."""
    weight = float(_feature_settings()["title_weight"])
    title_terms = content_lemmas(title_doc) if title_doc is not None else Counter()
    entities, labels = doc_entities(doc)
    if title_doc is not None:
        title_ents, title_labels = doc_entities(title_doc)
        for key, count in title_ents.items():
            entities[key] += count
            labels.setdefault(key, title_labels[key])
    return ArticleFeatures(
        article_id=article_id,
        published=published,
        seq=seq,
        terms=_merge_title(content_lemmas(doc), title_terms, weight),
        entities={k: float(v) for k, v in entities.items()},
        title=title,
        entity_labels=labels,
    )


# --- cheap features: a tokenizer and a stop list, no tagger or parser -------------------------------

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_SENTENCE_END = re.compile(r"[.!?]\s*$")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | frozenset(_feature_settings()["extra_stop_lemmas"])


def cheap_terms_and_names(text: str) -> tuple[Counter[str], Counter[str]]:
    """Lower-cased non-stop words, and runs of capitalized words not opening a sentence."""
    stops = _stop_words()
    terms: Counter[str] = Counter()
    names: Counter[str] = Counter()
    run: list[str] = []
    sentence_start = True
    for match in _WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        capital = (word[0].isupper() and not word.isupper()) or (word.isupper() and len(word) > 1)
        if capital and not sentence_start and lower not in stops:
            run.append(lower)
        else:
            if run:
                names[" ".join(run)] += 1
            run = []
        if lower not in stops and len(lower) > 2:
            terms[lower.rstrip("'’")] += 1
        following = text[match.end() : match.end() + 2]
        sentence_start = bool(_SENTENCE_END.match(following))
    if run:
        names[" ".join(run)] += 1
    return terms, names


def features_from_text(
    article_id: str,
    text: str,
    *,
    published: str | None = None,
    seq: int = 0,
    title: str | None = None,
) -> ArticleFeatures:
    """Cheap features without a statistical model: words minus stop words, capitalized runs as names."""
    terms, names = cheap_terms_and_names(text)
    if title:
        title_terms, title_names = cheap_terms_and_names(title)
        weight = float(_feature_settings()["title_weight"])
        merged = _merge_title(terms, title_terms, weight)
        names.update(title_names)
    else:
        merged = {k: float(v) for k, v in terms.items()}
    return ArticleFeatures(
        article_id=article_id,
        published=published,
        seq=seq,
        terms=merged,
        entities={k: float(v) for k, v in names.items()},
        title=title,
    )


# --- dates ----------------------------------------------------------------------------------------

_DAY = re.compile(r"^(\d{4})(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?")


def day_number(value: str | None) -> float | None:
    """A TIMEX3 value as a day ordinal (the middle of a month or year stated without a day); None if no year."""
    if not value:
        return None
    m = _DAY.match(value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) and m.group(2) != "XX" else None
    day = int(m.group(3)) if m.group(3) and m.group(3) != "XX" else None
    try:
        if month is None:
            return float(date(year, 7, 2).toordinal())
        if day is None:
            return float(date(year, month, 15).toordinal())
        return float(date(year, month, day).toordinal())
    except ValueError:
        return None


def sublinear(counts: dict[str, float]) -> dict[str, float]:
    """``1 + ln(count)`` for positive counts, L2-normalized (each article weighs the same)."""
    weights = {k: 1.0 + math.log(v) for k, v in counts.items() if v >= 1.0}
    weights.update({k: v for k, v in counts.items() if 0.0 < v < 1.0})
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


def top_keys(weights: dict[str, float], idf: dict[str, float] | None, limit: int) -> list[str]:
    """The ``limit`` keys with the largest weight x idf, ties broken by key."""
    scored = ((w * (idf.get(k, 1.0) if idf else 1.0), k) for k, w in weights.items())
    return [k for _, k in sorted(scored, key=lambda p: (-p[0], p[1]))[:limit]]
