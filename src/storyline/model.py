"""Typed records shared by every stage.

Every extracted thing carries provenance: character offsets ``start``/``end`` into the
article's cleaned text (``Article.text``). Dates are TIMEX3 value strings (``2018-09-12``,
``2016-12``, ``1956``, ``XXXX-04-27``), never Python datetimes that would invent a day or
a year the text does not give.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
QuoteKind = Literal["direct", "indirect", "mixed"]
EntryKind = Literal["news", "background"]

#: Precision names, finest first.
PRECISIONS = ("time", "day", "week", "month", "season", "quarter", "year", "decade", "century", "unknown")

_PRECISION_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[\dX]{4}-[\dX]{2}-[\dX]{2}T"), "time"),
    (re.compile(r"^[\dX]{4}-[\dX]{2}-[\dX]{2}$"), "day"),
    (re.compile(r"^[\dX]{4}-W[\dX]{2}"), "week"),
    (re.compile(r"^[\dX]{4}-[\dX]{2}$"), "month"),
    (re.compile(r"^[\dX]{4}-(SP|SU|FA|WI)$"), "season"),
    (re.compile(r"^[\dX]{4}-Q[1-4X]$"), "quarter"),
    (re.compile(r"^[\dX]{4}-H[12X]$"), "quarter"),
    (re.compile(r"^[\dX]{4}$"), "year"),
    (re.compile(r"^[\dX]{3}$"), "decade"),
    (re.compile(r"^[\dX]{2}$"), "century"),
)


def precision_of(value: str | None) -> str:
    """The precision of a TIMEX3 DATE/TIME value (``"2016-12"`` -> ``"month"``)."""
    if not value:
        return "unknown"
    for pattern, name in _PRECISION_PATTERNS:
        if pattern.match(value):
            return name
    return "unknown"


def year_known(value: str | None) -> bool:
    """True when a TIMEX3 value states a concrete year (not ``XXXX``)."""
    return bool(value) and bool(re.match(r"^\d{4}", value or ""))


class Record:
    """Mixin: a JSON-ready dict of a dataclass record."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(slots=True)
class Evidence(Record):
    """One signal used to date something: what it said and where it was found."""

    kind: str  # metadata | htmldate | dateline | date-line | weekday | crawl-bound | render-bound | year-mention | anniversary | neighbours
    text: str
    value: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class DateEstimate(Record):
    """A dated judgement: a TIMEX3 value with its precision, confidence and evidence."""

    value: str | None
    precision: str = "unknown"
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class RawDocument(Record):
    """One article as read from an input, before cleaning.

    ``raw`` holds the input bytes untouched (a whole file, one JSON line, one feed item or
    WARC record); ``text`` is the decoded main text the rest of the pipeline works on.
    """

    source: str
    kind: str  # text | html | jsonl | feed | warc
    raw: bytes
    text: str
    locator: str | None = None  # line number, record offset or item index inside ``source``
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    metadata_date: str | None = None  # a date stated by the input's metadata (JSON field, feed item)
    html_date: str | None = None  # htmldate's reading of an HTML page
    crawl_date: str | None = None  # when the page was fetched: an upper bound, never the date itself
    encoding: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class RemovedLine(Record):
    """A line the cleaner removed, with the rule that removed it."""

    text: str
    reason: str
    line_no: int


@dataclass(slots=True)
class Dateline(Record):
    place: str | None
    date: str | None  # TIMEX3 value, XXXX for an unstated year
    text: str
    start: int
    end: int
    agency: str | None = None


@dataclass(slots=True)
class Timex(Record):
    """A TIMEX3 time expression normalized against the article's date."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str
    mod: str | None = None
    anchor: str | None = None  # what the value was computed from: "dct", "absolute", "timex:<i>"
    confidence: float = 1.0


@dataclass(slots=True)
class Mention(Record):
    """A named mention inside one article; ``cluster`` groups mentions of one referent."""

    start: int
    end: int
    text: str
    label: str  # PERSON | ORG | GPE | LOC | NORP | ...
    cluster: int
    entity_id: str | None = None  # set by the corpus registry


@dataclass(slots=True)
class LocalEntity(Record):
    """One referent within an article: its best name and its mentions (indices)."""

    cluster: int
    name: str
    label: str
    mentions: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # "Foreign Minister", "President", ...


@dataclass(slots=True)
class Speaker(Record):
    surface: str | None  # the words naming the speaker at the cue ("he", "the spokeswoman", "Novak")
    start: int | None
    end: int | None
    name: str | None  # the person resolved to, when known
    cluster: int | None = None  # LocalEntity cluster within the article
    entity_id: str | None = None  # corpus registry entity
    confidence: float = 0.0
    reason: str | None = None  # why the speaker is unresolved, or how it was resolved


@dataclass(slots=True)
class Quote(Record):
    start: int
    end: int
    text: str
    kind: str  # direct | indirect | mixed
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: Speaker | None = None
    confidence: float = 1.0
    date: str | None = None  # when it was said, TIMEX3
    note: str | None = None  # e.g. "unbalanced quotation marks"
    parts: list[tuple[int, int]] = field(default_factory=list)  # content fragments when a cue interrupts it


@dataclass(slots=True)
class Event(Record):
    """A clause reporting something that happened, with the date it happened."""

    start: int
    end: int
    text: str
    date: str | None
    precision: str
    kind: str = "news"  # news | background
    trigger: str | None = None
    timex: int | None = None  # index into the article's timexes that dated it
    confidence: float = 0.5


@dataclass(slots=True)
class Analysis(Record):
    """Everything the per-article stages find in one article."""

    text: str
    removed: list[RemovedLine] = field(default_factory=list)
    dateline: Dateline | None = None
    published: DateEstimate = field(default_factory=lambda: DateEstimate(None))
    timexes: list[Timex] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[LocalEntity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)  # content-word lemma counts (story clustering)


@dataclass(slots=True)
class Article(Record):
    """A stored article: its input, cleaned text and per-article analysis."""

    id: str
    source: str
    kind: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    seq: int = 0  # arrival order in the store
    analysis: Analysis | None = None


@dataclass(slots=True)
class SourceSpan(Record):
    """A span of one article's cleaned text that supports something."""

    article_id: str
    start: int
    end: int


@dataclass(slots=True)
class TimelineEntry(Record):
    """A dated entry of a story's timeline, merged across the articles that report it."""

    date: str  # TIMEX3 value
    precision: str
    text: str  # one- or two-sentence extractive summary
    kind: str  # news | background
    article_ids: list[str] = field(default_factory=list)
    spans: list[SourceSpan] = field(default_factory=list)
    id: str | None = None


@dataclass(slots=True)
class ReusedSpan(Record):
    """Offsets of one reused passage in both articles."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(slots=True)
class Reuse(Record):
    """A near-duplicate pair or a passage reused between two articles; ``first`` published first."""

    a: str
    b: str
    kind: str  # duplicate | passage
    similarity: float
    spans: list[ReusedSpan] = field(default_factory=list)
    first: str | None = None
