"""Build a story's timeline: dated entries, merged across outlets, with their supporting spans.

The method extends news-tls's DATEWISE (Gholipour Ghalandari & Ifrim 2020):

1. Every sentence gets the date of its first usable time expression (a DATE/TIME timex, or an
   event dated from one) at day, month or year precision with a known year. Undated lead
   sentences of an article stand for its publication date and the days before. Page-render or
   crawl stamps are never used: only timexes, events and the publication date the store gives.
2. Dates are ranked by a supervised ranker (:mod:`storyline.corpus.timeline_dates`) over how the
   story refers to them: articles mentioning the date, articles published later that still
   mention it (the story looking back), articles published on it, ... (a logistic regression
   fitted on Timeline17; weights in ``data/timeline_dates.toml``).
3. For each date in rank order, the candidate sentences close to the date's shared vocabulary
   are kept (PM-Mean), and up to ``per_date`` sentences are chosen to stay closest to their
   centroid, skipping near-duplicates of sentences chosen for any date and sentences without a
   story keyword.
4. Each chosen sentence becomes an entry; the date's other candidate sentences that say the same
   thing (TF-IDF cosine) join it as further sources, so five outlets reporting the same talks make
   one entry with five sources. An entry dated well before its articles were published is
   ``background`` (history the articles recall), otherwise ``news``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from storyline.corpus.sentence_lead import content_start, is_reader_comment
from storyline.corpus.summarize import SentenceSpace, centroid_select, cosine, date_candidates
from storyline.corpus.timeline_dates import DateModel, date_features, period
from storyline.model import Event, Quote, SourceSpan, TimelineEntry, Timex, precision_of

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")
_STOP = ENGLISH_STOP_WORDS


@dataclass(slots=True)
class TimelineArticle:
    """What the timeline needs of one stored article."""

    id: str
    published: str | None  # TIMEX3 value of the publication date
    text: str  # cleaned text; every offset below points into it
    sentences: list[tuple[int, int]]
    outlet: str | None = None
    events: list[Event] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TimelineSettings:
    """Knobs of the builder; defaults come from ``data/timeline.toml``."""

    lead_sentences: int
    every_date: bool
    publication_days: int
    precisions: tuple[str, ...]
    coarse_penalty: float
    neighbour_penalty: float
    per_date: int
    min_words: int
    max_words: int
    max_similarity: float
    topic_terms: int
    relevance_quantile: float
    relevance_min_articles: int
    merge_similarity: float
    background_days: int
    date_model: DateModel | None = None  # None: the shipped model (data/timeline_dates.toml)

    @classmethod
    def load(cls) -> TimelineSettings:
        return _default_settings()

    def replace(self, **changes: object) -> TimelineSettings:
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return TimelineSettings(**values)


@cache
def _default_settings() -> TimelineSettings:
    raw = tomllib.loads(resources.files("storyline.data").joinpath("timeline.toml").read_text("utf-8"))
    c, d, s, m, k = raw["candidates"], raw["dates"], raw["summary"], raw["merge"], raw["kind"]
    return TimelineSettings(
        lead_sentences=int(c["lead_sentences"]),
        every_date=bool(c["every_date"]),
        publication_days=int(c["publication_days"]),
        precisions=tuple(c["precisions"]),
        coarse_penalty=float(d["coarse_penalty"]),
        neighbour_penalty=float(d["neighbour_penalty"]),
        per_date=int(s["per_date"]),
        min_words=int(s["min_words"]),
        max_words=int(s["max_words"]),
        max_similarity=float(s["max_similarity"]),
        topic_terms=int(s["topic_terms"]),
        relevance_quantile=float(s["relevance_quantile"]),
        relevance_min_articles=int(s["relevance_min_articles"]),
        merge_similarity=float(m["similarity"]),
        background_days=int(k["background_days"]),
    )


# --- dates ------------------------------------------------------------------------------------


def entry_date(value: str | None, precisions: Sequence[str] = ("day", "month", "year")) -> str | None:
    """A TIMEX3 value cut to an entry date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``), or None.

    Times are cut to their day; values without a concrete year, weeks, seasons, quarters and
    references such as ``PRESENT_REF`` give None.
    """
    if not value or not re.match(r"^\d{4}", value):
        return None
    if precision_of(value) == "time":
        value = value[:10]
    precision = precision_of(value)
    if precision not in precisions or "X" in value:
        return None
    try:
        period(value)
    except ValueError:  # "2010-02-30", "2010-13"
        return None
    return value


def _day(value: str | None) -> dt.date | None:
    v = entry_date(value, ("day",))
    try:
        return dt.date.fromisoformat(v) if v else None
    except ValueError:
        return None


def sentence_dates(
    article: TimelineArticle, precisions: Sequence[str], own_starts: Sequence[int] | None = None
) -> list[list[str]]:
    """The dates of each sentence, first first: its usable DATE/TIME timexes in text order, else
    the dates of events dated by a timex.

    ``own_starts`` gives where each sentence's own words begin (:func:`content_start`): a
    timex or event before that, in a page stamp or dateline glued to the sentence, dates nothing.
    """
    out: list[list[str]] = [[] for _ in article.sentences]
    starts = [s for s, _ in article.sentences]

    def sentence_of(offset: int) -> int | None:
        i = int(np.searchsorted(starts, offset, side="right")) - 1
        inside = i >= 0 and article.sentences[i][0] <= offset < article.sentences[i][1]
        if inside and (own_starts is None or offset >= own_starts[i]):
            return i
        return None

    for timex in sorted(article.timexes, key=lambda t: t.start):
        i = sentence_of(timex.start)
        value = entry_date(timex.value, precisions) if timex.type in ("DATE", "TIME") else None
        if i is not None and value and value not in out[i]:
            out[i].append(value)
    for event in sorted(article.events, key=lambda e: e.start):
        i = sentence_of(event.start)
        value = entry_date(event.date, precisions) if event.timex is not None else None
        if i is not None and value and not out[i]:
            out[i].append(value)
    return out


# --- the builder ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Sentence:
    article: int
    index: int
    start: int
    end: int
    text: str
    date: str | None


@dataclass(slots=True)
class _Story:
    articles: Sequence[TimelineArticle]
    sentences: list[_Sentence]
    space: SentenceSpace
    mention: dict[str, list[int]]  # date -> sentences whose date it is
    published: dict[str, list[int]]  # day -> undated lead sentences of articles published then
    summary_ok: np.ndarray  # may a sentence be summary material


def _prepare(articles: Sequence[TimelineArticle], settings: TimelineSettings) -> _Story:
    sentences: list[_Sentence] = []
    mention: dict[str, list[int]] = defaultdict(list)
    published: dict[str, list[int]] = defaultdict(list)
    for a, article in enumerate(articles):
        pub_day = _day(article.published)
        own = [_own_words(article.text, a, j, start, end) for j, (start, end) in enumerate(article.sentences)]
        for j, (sentence, dates) in enumerate(
            zip(own, sentence_dates(article, settings.precisions, [s.start for s in own]), strict=True)
        ):
            k = len(sentences)
            sentence.date = dates[0] if dates else None
            sentences.append(sentence)
            for d in dates if settings.every_date else dates[:1]:
                mention[d].append(k)
            if not dates and pub_day and j < settings.lead_sentences and sentence.text:
                for back in range(settings.publication_days):
                    published[(pub_day - dt.timedelta(days=back)).isoformat()].append(k)
    space = SentenceSpace([s.text for s in sentences])
    topic = _topic_terms(articles, settings.topic_terms)
    ok = np.array([_summary_material(s.text, topic, settings) for s in sentences], dtype=bool)
    if settings.relevance_quantile > 0 and len(articles) >= settings.relevance_min_articles:
        relevance = space.relevance()
        ok &= relevance >= np.quantile(relevance, settings.relevance_quantile)
    return _Story(articles, sentences, space, dict(mention), dict(published), ok)


def _own_words(text: str, article: int, index: int, start: int, end: int) -> _Sentence:
    """The sentence from where its own words begin (past a page stamp or dateline; see
    :mod:`storyline.corpus.sentence_lead`) and without surrounding white space; empty when the
    sentence is furniture and nothing else ("Published: 8 March 2017 By Tom Hadley")."""
    raw = text[start:end]
    skip = content_start(raw)
    skip += len(raw[skip:]) - len(raw[skip:].lstrip())
    own = raw[skip:].rstrip()
    return _Sentence(article, index, start + skip, start + skip + len(own), own, None)


def _topic_terms(articles: Sequence[TimelineArticle], n: int) -> frozenset[str]:
    if n <= 0:
        return frozenset()
    df: Counter[str] = Counter()
    for article in articles:
        df.update({w.lower() for w in _WORD.findall(article.text)} - _STOP)
    return frozenset(w for w, _ in df.most_common(n))


def _summary_material(text: str, topic: frozenset[str], settings: TimelineSettings) -> bool:
    if is_reader_comment(text):
        return False
    words = text.split()
    if not settings.min_words <= len(words) <= settings.max_words:
        return False
    return not topic or any(w.lower() in topic for w in _WORD.findall(text))


def date_table(story: _Story, settings: TimelineSettings) -> tuple[list[str], np.ndarray]:
    """Every candidate date of the story (sorted) with its ranker features (one row each)."""
    dates = sorted(set(story.mention) | set(story.published))
    lead = {d: len(rows) for d, rows in story.published.items()}
    published = [_day(a.published) for a in story.articles]
    owner = [s.article for s in story.sentences]
    position = [s.index for s in story.sentences]
    return dates, date_features(
        dates, story.mention, owner, position, published, lead, settings.lead_sentences
    )


def rank_dates(story: _Story, settings: TimelineSettings) -> list[tuple[str, float]]:
    """Dates with their ranker scores, best first (ties: more mentions, then earlier).

    Month and year dates have their score divided by ``coarse_penalty``.
    """
    dates, features = date_table(story, settings)
    model = settings.date_model or DateModel.load()
    scores = {
        date: float(score) / (1.0 if precision_of(date) == "day" else settings.coarse_penalty)
        for date, score in zip(dates, model.score(features), strict=True)
    }
    return sorted(scores.items(), key=lambda x: (-x[1], -len(story.mention.get(x[0], ())), x[0]))


def story_dates(
    articles: Sequence[TimelineArticle],
    window: tuple[dt.date, dt.date] | None = None,
    settings: TimelineSettings | None = None,
) -> tuple[list[str], np.ndarray]:
    """The candidate dates of a story (within ``window``) and their ranker features, to fit a model."""
    settings = settings or TimelineSettings.load()
    dates, features = date_table(_prepare(articles, settings), settings)
    keep = [i for i, d in enumerate(dates) if _within(d, window)]
    return [dates[i] for i in keep], features[keep]


def _within(date: str, window: tuple[dt.date, dt.date] | None) -> bool:
    return not window or (window[0] <= period(date)[0] and period(date)[1] <= window[1])


def build_timeline(
    articles: Sequence[TimelineArticle],
    max_dates: int | None = None,
    per_date: int | None = None,
    window: tuple[dt.date, dt.date] | None = None,
    settings: TimelineSettings | None = None,
) -> list[TimelineEntry]:
    """The story's timeline: up to ``max_dates`` dates (all by default), ``per_date`` entries each.

    ``window`` keeps only dates whose period lies within it (inclusive). Entries come in date
    order; within a date, the best-supported first. An undated lead sentence stands for its
    article's publication day and the days before it only when a number of dates is asked for
    (the ranker then picks among them); the whole timeline dates it by the publication day alone,
    rather than guess a day before it.
    """
    settings = settings or TimelineSettings.load()
    if max_dates is None:
        settings = settings.replace(publication_days=min(settings.publication_days, 1))
    per_date = settings.per_date if per_date is None else per_date
    story = _prepare(articles, settings)
    chosen_rows: list[int] = []
    entries: list[TimelineEntry] = []
    ranked = [(date, score) for date, score in rank_dates(story, settings) if _within(date, window)]
    chosen_days: set[dt.date] = set()
    while ranked and (max_dates is None or len(chosen_days) < max_dates):
        best = _next_date(ranked, chosen_days, settings.neighbour_penalty)
        date = ranked.pop(best)[0]
        picked, pool = _summarize_date(story, date, per_date, chosen_rows, settings)
        if not picked:
            continue
        chosen_days.add(period(date)[0])
        chosen_rows += picked
        entries += _entries(story, date, picked, pool, settings)
    entries.sort(key=lambda e: (period(e.date)[0], period(e.date)[1], -len(e.spans)))
    return entries


def greedy_dates(ranked: Sequence[tuple[str, float]], k: int, penalty: float) -> list[str]:
    """The first ``k`` dates that :func:`build_timeline` takes from ``ranked`` (best first) when
    every date gets a summary: dates next to a chosen day lose ``penalty`` of their score."""
    pool = list(ranked)
    chosen: set[dt.date] = set()
    out: list[str] = []
    while pool and len(out) < k:
        date = pool.pop(_next_date(pool, chosen, penalty))[0]
        chosen.add(period(date)[0])
        out.append(date)
    return out


def _next_date(ranked: list[tuple[str, float]], chosen: set[dt.date], penalty: float) -> int:
    """Index of the best date once dates next to chosen ones lose ``penalty`` of their score."""
    if not penalty or not chosen:
        return 0
    one = dt.timedelta(days=1)
    best, best_score = 0, float("-inf")
    for i, (date, score) in enumerate(ranked):
        if score <= best_score:
            break  # sorted: no later date can do better
        first, last = period(date)
        if first - one in chosen or last + one in chosen:
            score *= 1 - penalty
        if score > best_score:
            best, best_score = i, score
    return best


def _summarize_date(
    story: _Story, date: str, k: int, chosen_rows: list[int], settings: TimelineSettings
) -> tuple[list[int], list[int]]:
    """Up to ``k`` summary sentences of ``date`` and every candidate sentence of it.

    The sentences are picked among the candidates close to the date's shared vocabulary
    (PM-Mean); when none of those may be a summary, among all the date's candidates, so that a
    date the ranker chose is not dropped because its closest sentences are too long or off-topic.
    """
    mention = story.mention.get(date, [])
    published = story.published.get(date, [])
    all_candidates = list(dict.fromkeys(mention + published))
    if not all_candidates:
        return [], []
    keep_m, keep_p = date_candidates(story.space.rows(mention), story.space.rows(published))
    close = list(dict.fromkeys([mention[i] for i in keep_m] + [published[i] for i in keep_p]))
    avoid = story.space.rows(chosen_rows) if chosen_rows else None
    pools = [close] if len(close) == len(all_candidates) else [close, all_candidates]
    for pool in pools:
        allowed = [bool(story.summary_ok[i]) for i in pool]
        picked = centroid_select(story.space.rows(pool), k, allowed, settings.max_similarity, avoid)
        if picked:
            return [pool[i] for i in picked], all_candidates
    return [], all_candidates


def _entries(
    story: _Story, date: str, picked: list[int], candidates: list[int], settings: TimelineSettings
) -> list[TimelineEntry]:
    sims = cosine(story.space.rows(candidates), story.space.rows(picked))  # candidates x picked
    members: dict[int, list[int]] = {p: [p] for p in picked}
    for row, cand in enumerate(candidates):
        if cand in members:
            continue
        best = int(np.argmax(sims[row]))
        if sims[row, best] >= settings.merge_similarity:
            members[picked[best]].append(cand)
    out = []
    for p in picked:
        rows = members[p]
        spans = [
            SourceSpan(
                story.articles[story.sentences[r].article].id,
                story.sentences[r].start,
                story.sentences[r].end,
            )
            for r in rows
        ]
        article_ids = list(dict.fromkeys(s.article_id for s in spans))
        head = story.sentences[p]
        out.append(
            TimelineEntry(
                date=date,
                precision=precision_of(date),
                text=head.text,
                kind=_kind(story, date, rows, settings),
                article_ids=article_ids,
                spans=spans,
                id=entry_id(date, spans[0]),
            )
        )
    return out


def _kind(story: _Story, date: str, rows: list[int], settings: TimelineSettings) -> str:
    for r in rows:
        s = story.sentences[r]
        for event in story.articles[s.article].events:
            if (
                s.start <= event.start < s.end
                and event.kind == "background"
                and entry_date(event.date) == date
            ):
                return "background"
    pubs = [d for r in rows if (d := _day(story.articles[story.sentences[r].article].published))]
    if pubs and period(date)[1] < min(pubs) - dt.timedelta(days=settings.background_days):
        return "background"
    return "news"


def entry_id(date: str, span: SourceSpan) -> str:
    """A stable id: hash of the date and the first supporting span."""
    key = f"{date}|{span.article_id}|{span.start}|{span.end}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
