"""Supervised date ranking for timelines (news-tls's DATEWISE date ranker, with our features).

For every candidate date of a story, :func:`date_features` counts how the story refers to it
(sentences and articles dating themselves to it, articles published later that look back at it,
articles published on it, lead sentences standing for it, its neighbours, ...). A
:class:`DateModel` (a logistic regression: label = the date is in a gold timeline) turns those
counts into a score. The shipped model in ``data/timeline_dates.toml`` is fitted on every
Timeline17 timeline by ``storyline eval timeline --fit-date-model``; it holds numbers only.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from storyline.model import precision_of

MODEL_FILE = "timeline_dates.toml"
_RETRO_DAYS = 7
_NEAR_DAYS = 3

COUNTS = (
    "mention_sentences",  # sentences dated to the date
    "mention_articles",  # articles with such a sentence
    "later_articles",  # ... published after the date (looking back at it)
    "retro_articles",  # ... published more than a week after it
    "earlier_articles",  # ... published before it (announcing it)
    "lead_articles",  # ... dating one of their lead sentences to it (the date is their news)
    "published",  # articles published on the date (within it, for a month or year)
    "published_next",  # articles published the day after
    "lead_sentences",  # undated lead sentences standing for the date
    "neighbour_articles",  # mention_articles of the day before and the day after
    "near_articles",  # mention_articles of the days within three days (the date excluded)
)
"""Per-date counts. Each is divided by the l2 norm of its column over the story's candidate dates
(news-tls's ``normalize(X, norm="l2", axis=0)``), so that stories of any size share one model."""

FEATURES = COUNTS


@dataclass(frozen=True, slots=True)
class DateModel:
    """A linear date scorer over standardised :data:`FEATURES` (logistic regression)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def score(self, matrix: np.ndarray) -> np.ndarray:
        """Probability that each row's date belongs in the timeline."""
        if matrix.shape[0] == 0:
            return np.zeros(0)
        z = (matrix - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

    @classmethod
    def load(cls, path: Path | None = None) -> DateModel:
        """The model in ``path`` (default: the shipped ``data/timeline_dates.toml``)."""
        if path is None:
            return _shipped_model()
        return cls.from_toml(path.read_text(encoding="utf-8"))

    @classmethod
    def from_toml(cls, text: str) -> DateModel:
        raw = tomllib.loads(text)["model"]
        model = cls(
            tuple(raw["features"]),
            tuple(float(x) for x in raw["mean"]),
            tuple(float(x) for x in raw["scale"]),
            tuple(float(x) for x in raw["coef"]),
            float(raw["intercept"]),
        )
        if model.features != FEATURES:
            raise ValueError(f"date model features {model.features} differ from {FEATURES}; refit it")
        return model

    def to_toml(self, header: str = "") -> str:
        """The model as TOML (``header`` lines become comments)."""
        lines = [f"# {line}".rstrip() for line in header.splitlines()]

        def floats(values: Sequence[float]) -> str:
            return "[" + ", ".join(repr(round(float(v), 6)) for v in values) + "]"

        lines += [
            "[model]",
            "features = [" + ", ".join(f'"{f}"' for f in self.features) + "]",
            f"mean = {floats(self.mean)}",
            f"scale = {floats(self.scale)}",
            f"coef = {floats(self.coef)}",
            f"intercept = {round(self.intercept, 6)!r}",
        ]
        return "\n".join(lines) + "\n"


@cache
def _shipped_model() -> DateModel:
    return DateModel.from_toml(resources.files("storyline.data").joinpath(MODEL_FILE).read_text("utf-8"))


def fit_date_model(matrix: np.ndarray, labels: np.ndarray, c: float = 1.0) -> DateModel:
    """A logistic regression (L2, ``C = c``) of ``labels`` on standardised features.

    Labels are 1 for a gold date, 0 otherwise, or soft targets in [0, 1] (each row then counts
    as a positive with weight ``label`` and a negative with weight ``1 - label``).
    """
    from sklearn.linear_model import LogisticRegression

    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    z = (matrix - mean) / scale
    labels = np.asarray(labels, dtype=float)
    weights = np.concatenate([labels, 1.0 - labels])
    keep = weights > 0
    targets = np.concatenate([np.ones(len(labels)), np.zeros(len(labels))])
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(np.vstack([z, z])[keep], targets[keep], sample_weight=weights[keep])
    return DateModel(
        FEATURES,
        tuple(float(x) for x in mean),
        tuple(float(x) for x in scale),
        tuple(float(x) for x in clf.coef_[0]),
        float(clf.intercept_[0]),
    )


def period(value: str) -> tuple[dt.date, dt.date]:
    """First and last day of a day/month/year value."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def date_features(
    dates: Sequence[str],
    mentions: Mapping[str, Sequence[int]],
    sentence_article: Sequence[int],
    sentence_index: Sequence[int],
    published: Sequence[dt.date | None],
    lead: Mapping[str, int],
    lead_size: int = 5,
) -> np.ndarray:
    """The :data:`FEATURES` of each date (rows in the order of ``dates``), l2-normalised per column.

    ``mentions``: date -> sentences dated to it; ``sentence_article`` and ``sentence_index``: each
    sentence's article and position in it; ``published``: each article's publication day;
    ``lead``: date -> undated lead sentences standing for it; ``lead_size``: sentences that
    count as an article's lead.
    """
    counts = np.zeros((len(dates), len(COUNTS)))
    if not dates:
        return counts
    pub_days: Counter[dt.date] = Counter(p for p in published if p is not None)
    articles_of = {d: {sentence_article[i] for i in mentions.get(d, ())} for d in set(dates) | set(mentions)}
    day_articles = {
        dt.date.fromisoformat(d): len(a) for d, a in articles_of.items() if precision_of(d) == "day"
    }
    one = dt.timedelta(days=1)
    for row, date in enumerate(dates):
        first, last = period(date)
        arts = articles_of.get(date, set())
        pubs = [p for a in arts if (p := published[a]) is not None]
        is_day = first == last
        around = [first + dt.timedelta(days=k) for k in range(-_NEAR_DAYS, _NEAR_DAYS + 1) if k]
        counts[row] = (
            len(mentions.get(date, ())),
            len(arts),
            sum(1 for p in pubs if p > last),
            sum(1 for p in pubs if p > last + dt.timedelta(days=_RETRO_DAYS)),
            sum(1 for p in pubs if p < first),
            len({sentence_article[i] for i in mentions.get(date, ()) if sentence_index[i] < lead_size}),
            sum(c for d, c in pub_days.items() if first <= d <= last),
            pub_days[last + one],
            lead.get(date, 0),
            day_articles.get(first - one, 0) + day_articles.get(first + one, 0) if is_day else 0,
            sum(day_articles.get(d, 0) for d in around) if is_day else 0,
        )
    norms = np.linalg.norm(counts, axis=0)
    norms[norms == 0] = 1.0
    return counts / norms
