"""Reader of the Giveme5W1H ``news_cluster`` articles (news-please JSON with a gold event id)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from storyline.eval.common import dataset_path

DATASET = "giveme5w1h-news"

_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class NewsClusterArticle:
    """One article of the news_cluster set; ``gold`` is its ``newsCluster.EventId``."""

    id: str
    title: str | None
    text: str
    published: str | None  # TIMEX3 day from the crawler's date_publish (not checked by people)
    gold: str
    outlet: str | None = None


def _day(value: object) -> str | None:
    m = _ISO_DAY.match(str(value or ""))
    return m.group(1) if m else None


def _clean(value: object) -> str | None:
    text = str(value) if value is not None else ""
    return None if text in ("", "None") else text


def read_news_cluster(data: str | Path | None = None) -> list[NewsClusterArticle]:
    """All articles of ``news_cluster/`` sorted by id; ``data`` is the dataset folder (or its news_cluster)."""
    root = dataset_path(DATASET, data)
    folder = root / "news_cluster" if (root / "news_cluster").is_dir() else root
    articles = []
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        cluster = record.get("newsCluster") or {}
        if "EventId" not in cluster:
            continue
        articles.append(
            NewsClusterArticle(
                id=str(record.get("dId") or path.stem),
                title=_clean(record.get("title")),
                text=_clean(record.get("text")) or "",
                published=_day(record.get("date_publish")),
                gold=str(cluster["EventId"]),
                outlet=_clean(record.get("source_domain")),
            )
        )
    return articles
