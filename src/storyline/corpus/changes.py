"""What changed in a story since a date: new timeline entries, new quotes, newly named entities.

"After DATE" means wholly after it: the first day of the thing's period comes after the last day
of DATE's period, so ``2016-12`` is not after ``2016-12-05`` (it may be, it may not: uncertain
things are left out rather than reported as new). A quote is dated by when it was said when the
quote says so, else by its article's publication date; an entity is new when none of its
sightings is on or before DATE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from storyline.corpus.timeline import entry_date, period
from storyline.model import Quote, Record, TimelineEntry


@dataclass(slots=True)
class DatedQuote(Record):
    """A quote with the article it is from and that article's publication date."""

    article_id: str
    published: str | None
    quote: Quote

    @property
    def date(self) -> str | None:
        return entry_date(self.quote.date) or entry_date(self.published)


@dataclass(slots=True)
class EntitySighting(Record):
    """One article naming an entity (the registry's id when known, else its name)."""

    name: str
    label: str
    article_id: str
    published: str | None
    entity_id: str | None = None

    @property
    def key(self) -> str:
        return self.entity_id or f"{self.label}:{self.name.casefold()}"


@dataclass(slots=True)
class NewEntity(Record):
    """An entity first named after the date: where and when it first appears."""

    name: str
    label: str
    entity_id: str | None
    first_seen: str
    article_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Changes(Record):
    """Everything new in a story after ``since``."""

    since: str
    entries: list[TimelineEntry] = field(default_factory=list)
    quotes: list[DatedQuote] = field(default_factory=list)
    entities: list[NewEntity] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.entries or self.quotes or self.entities)


def is_after(value: str | None, since: str) -> bool:
    """True when the whole period of ``value`` lies after the whole period of ``since``."""
    v, s = entry_date(value), entry_date(since)
    if v is None or s is None:
        return False
    return period(v)[0] > period(s)[1]


def _first_day(value: str) -> dt.date:
    return period(value)[0]


def changes_since(
    since: str,
    entries: Sequence[TimelineEntry],
    quotes: Sequence[DatedQuote] = (),
    entities: Sequence[EntitySighting] = (),
) -> Changes:
    """New entries, quotes and entities after ``since`` (a TIMEX3 day, month or year), in date order."""
    if entry_date(since) is None:
        raise ValueError(f"not a day, month or year with a known year: {since!r}")
    new_entries = sorted((e for e in entries if is_after(e.date, since)), key=lambda e: _first_day(e.date))
    new_quotes = sorted(
        (q for q in quotes if q.date is not None and is_after(q.date, since)),
        key=lambda q: (_first_day(q.date or since), q.article_id, q.quote.start),
    )
    by_key: dict[str, list[EntitySighting]] = {}
    for s in entities:
        by_key.setdefault(s.key, []).append(s)
    new_entities = []
    for sightings in by_key.values():
        dated = [s for s in sightings if entry_date(s.published)]
        if not dated or any(not is_after(s.published, since) for s in dated):
            continue  # seen on or before the date, or never dated: not known to be new
        first = min(dated, key=lambda s: _first_day(entry_date(s.published) or since))
        new_entities.append(
            NewEntity(
                name=first.name,
                label=first.label,
                entity_id=first.entity_id,
                first_seen=entry_date(first.published) or since,
                article_ids=list(dict.fromkeys(s.article_id for s in dated)),
            )
        )
    new_entities.sort(key=lambda n: (_first_day(n.first_seen), n.name))
    return Changes(since, new_entries, new_quotes, new_entities)
