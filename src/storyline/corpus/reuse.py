"""Near-duplicate articles and passages reused between articles, found as articles arrive.

Each article is read as lower-cased words; its 5-word shingles get one MinHash matrix. The column
minima over all shingles are the article signature, indexed in a MinHashLSH for near-duplicates
(estimated Jaccard >= ``duplicate_threshold``). Passage windows (whole sentences from each
sentence start until at least 25 words) get signatures from the same matrix, indexed in a second
MinHashLSH. A window matched in another article points to a reused passage; the two texts are then
aligned word by word (exact runs of ``seed_words`` words, extended greedily and joined across small
gaps) to give exact character spans on both sides. Without the earlier article's text (an index
loaded from state with no ``text_lookup``) the matched windows' offsets are the spans.

``first`` is the article published first: the earlier publication date, compared at the precision
both dates state; a tie or an unknown date falls back to arrival order (``seq``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.engine import Connection

from storyline.corpus.reuse_sketches import MemorySketches, Sketch, Sketches, StoreSketches, lsh_bands
from storyline.corpus.shingles import MinHasher, Words, jaccard, shingle_hashes, windows, words_of
from storyline.corpus.story_features import settings
from storyline.model import Reuse, ReusedSpan

TextLookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class ReuseConfig:
    """Reuse thresholds (defaults from ``data/stories.toml`` [reuse])."""

    shingle_words: int
    article_perm: int
    duplicate_threshold: float
    min_passage_words: int
    max_passage_words: int
    passage_perm: int
    passage_threshold: float
    boilerplate_articles: int
    seed_words: int
    gap_words: int

    @classmethod
    def from_settings(cls, **overrides: Any) -> ReuseConfig:
        values = {k: v for k, v in settings()["reuse"].items() if k in cls.__dataclass_fields__}
        values.update(overrides)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


# --- publication order -------------------------------------------------------------------------


def _known_prefix(value: str | None) -> str:
    """The leading part of a TIMEX3 date that states digits (``2016-12-XX`` -> ``2016-12``)."""
    if not value or not value[:4].isdigit():
        return ""
    out = []
    for part in value[:10].split("-"):
        if not part.isdigit():
            break
        out.append(part)
    return "-".join(out)


def published_first(a: str, a_date: str | None, a_seq: int, b: str, b_date: str | None, b_seq: int) -> str:
    """The id of the article published first (tie or unknown date: the earlier arrival)."""
    pa, pb = _known_prefix(a_date), _known_prefix(b_date)
    width = min(len(pa), len(pb))
    if width and pa[:width] != pb[:width]:
        return a if pa[:width] < pb[:width] else b
    return a if (a_seq, a) <= (b_seq, b) else b


# --- alignment ---------------------------------------------------------------------------------


def align(a: list[str], b: list[str], seed: int, gap: int, min_words: int) -> list[tuple[int, int, int, int]]:
    """Reused runs as token ranges ``(a_start, a_end, b_start, b_end)``, each at least ``min_words`` long.

    Greedy tiling: walking ``a``, the longest exact match starting there (found through ``seed``-word
    n-grams of ``b``) becomes a tile; tiles that follow each other on both sides with gaps of at
    most ``gap`` words are joined (an edited word or two).
    """
    if len(a) < seed or len(b) < seed:
        return []
    grams: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(b) - seed + 1):
        grams.setdefault(tuple(b[j : j + seed]), []).append(j)
    tiles: list[list[int]] = []
    i = 0
    while i <= len(a) - seed:
        best_len, best_j = 0, -1
        for j in grams.get(tuple(a[i : i + seed]), ()):
            k = seed
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            if k > best_len:
                best_len, best_j = k, j
        if best_len:
            last = tiles[-1] if tiles else None
            if last and 0 <= i - last[1] <= gap and 0 <= best_j - last[3] <= gap:
                last[1], last[3] = i + best_len, best_j + best_len
            else:
                tiles.append([i, i + best_len, best_j, best_j + best_len])
            i += best_len
        else:
            i += 1
    return [(t[0], t[1], t[2], t[3]) for t in tiles if t[1] - t[0] >= min_words and t[3] - t[2] >= min_words]


def _char_span(words: Words, start: int, end: int) -> tuple[int, int]:
    return int(words.starts[start]), int(words.ends[end - 1])


def _merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


# --- the index ---------------------------------------------------------------------------------


class ReuseIndex:
    """Incremental index of article and passage signatures; ``add`` reports reuse with earlier articles.

    ``text_lookup`` returns an earlier article's text by id (e.g. from the store) for exact spans;
    texts added in this process are kept in memory for that unless ``keep_texts`` is False. State
    never holds texts.
    """

    def __init__(
        self,
        config: ReuseConfig | None = None,
        text_lookup: TextLookup | None = None,
        keep_texts: bool = True,
        in_store: bool = False,
    ) -> None:
        self.config = c = config or ReuseConfig.from_settings()
        self.text_lookup = text_lookup
        self.keep_texts = keep_texts
        self._hasher = MinHasher(max(c.article_perm, c.passage_perm))
        self._texts: dict[str, str] = {}
        article_bands = lsh_bands(c.duplicate_threshold, c.article_perm)
        passage_bands = lsh_bands(c.passage_threshold, c.passage_perm)
        self.sketches: Sketches = (
            StoreSketches(article_bands, passage_bands, c.passage_perm)
            if in_store
            else MemorySketches(c.article_perm, article_bands, c.passage_perm, passage_bands)
        )

    @classmethod
    def in_store(cls, text_lookup: TextLookup | None = None) -> ReuseIndex:
        """An index whose sketches live in the store (set ``sketches.conn`` before each use)."""
        return cls(text_lookup=text_lookup, keep_texts=False, in_store=True)

    def __len__(self) -> int:
        return len(self.sketches)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.sketches

    def add(self, article_id: str, text: str, published: str | None, seq: int) -> list[Reuse]:
        """Reuse between this article and every article indexed before it; then index it."""
        if article_id in self.sketches:
            return []
        words = words_of(text)
        if not len(words):
            return []
        entry = self._sketch(text, words, published, seq)
        found = self._duplicates(article_id, entry, text, words)
        duplicates = {r.b for r in found}
        found += self._passages(article_id, entry, text, words, duplicates)
        self.sketches.add(article_id, entry)
        if self.keep_texts:
            self._texts[article_id] = text
        return found

    # --- sketches ------------------------------------------------------------------------------

    def _sketch(self, text: str, words: Words, published: str | None, seq: int) -> Sketch:
        c = self.config
        hashes = shingle_hashes(words.words, c.shingle_words)
        matrix = self._hasher.matrix(hashes)
        ranges = windows(text, words, c.min_passage_words, c.max_passage_words)
        last_shingle = max(1, len(words) - c.shingle_words + 1)
        passages = np.array(
            [
                self._hasher.signature(
                    matrix,
                    start,
                    min(max(start + 1, end - c.shingle_words + 1), last_shingle),
                    c.passage_perm,
                )
                for start, end in ranges
            ],
            dtype=np.uint32,
        ).reshape(len(ranges), c.passage_perm)
        # Only the low 16 bits are kept: two different minima then agree by chance once in 65,536,
        # which leaves Jaccard estimates and LSH buckets as good while halving memory and state.
        passages = passages.astype(np.uint16)
        spans = np.array([_char_span(words, s, e) for s, e in ranges], dtype=np.uint32).reshape(
            len(ranges), 2
        )
        return Sketch(
            published=published,
            seq=seq,
            signature=self._hasher.signature(matrix, width=c.article_perm).astype(np.uint16),
            passages=passages,
            spans=spans,
            extent=_char_span(words, 0, len(words)),
        )

    # --- finding -------------------------------------------------------------------------------

    def _duplicates(self, article_id: str, entry: Sketch, text: str, words: Words) -> list[Reuse]:
        found = []
        for other_id in sorted(self.sketches.article_candidates(entry.signature)):
            other = self.sketches.get(other_id)
            score = jaccard(entry.signature, other.signature)
            if score < self.config.duplicate_threshold:
                continue
            spans = self._exact_spans(words, other_id)
            if spans is None:
                spans = [ReusedSpan(*entry.extent, *other.extent)]
            found.append(self._reuse(article_id, entry, other_id, other, "duplicate", score, spans))
        return found

    def _passages(
        self, article_id: str, entry: Sketch, text: str, words: Words, skip: set[str]
    ) -> list[Reuse]:
        matched: dict[str, list[tuple[int, int]]] = {}
        candidates = self.sketches.passage_candidates(entry.passages)
        others = self.sketches.get_many(
            sorted({other_id for hits in candidates for other_id, _ in hits} - skip)
        )
        for index, signature in enumerate(entry.passages):
            hits: dict[str, list[int]] = {}
            for other_id, other_index in sorted(candidates[index]):
                if other_id in skip:
                    continue
                other_sig = others[other_id].passages[other_index]
                if jaccard(signature, other_sig) >= self.config.passage_threshold:
                    hits.setdefault(other_id, []).append(other_index)
            if len(hits) > self.config.boilerplate_articles:
                continue  # page furniture repeated across the corpus, not a reused passage
            for other_id, other_indexes in hits.items():
                matched.setdefault(other_id, []).extend((index, j) for j in other_indexes)
        found = []
        for other_id in sorted(matched):
            other = others[other_id]
            spans = self._exact_spans(words, other_id)
            if spans is None:
                spans = self._window_spans(entry, other, matched[other_id])
            if not spans:
                continue
            found.append(
                self._reuse(
                    article_id, entry, other_id, other, "passage", self._coverage(entry, other, spans), spans
                )
            )
        return found

    def _exact_spans(self, words: Words, other_id: str) -> list[ReusedSpan] | None:
        """Aligned spans with the earlier article, or None when its text is not at hand."""
        other_text = self._texts.get(other_id)
        if other_text is None and self.text_lookup is not None:
            other_text = self.text_lookup(other_id)
        if other_text is None:
            return None
        other_words = words_of(other_text)
        c = self.config
        runs = align(words.words, other_words.words, c.seed_words, c.gap_words, c.min_passage_words)
        return [
            ReusedSpan(*_char_span(words, a0, a1), *_char_span(other_words, b0, b1))
            for a0, a1, b0, b1 in runs
        ]

    @staticmethod
    def _window_spans(entry: Sketch, other: Sketch, pairs: list[tuple[int, int]]) -> list[ReusedSpan]:
        """Spans from the matched windows' offsets (used when the earlier text is not available)."""
        spans = []
        for a_start, a_end in _merge_ranges(
            [(int(entry.spans[i][0]), int(entry.spans[i][1])) for i, _ in pairs]
        ):
            inside = [j for i, j in pairs if a_start <= int(entry.spans[i][0]) < a_end]
            b_start = min(int(other.spans[j][0]) for j in inside)
            b_end = max(int(other.spans[j][1]) for j in inside)
            spans.append(ReusedSpan(a_start, a_end, b_start, b_end))
        return spans

    @staticmethod
    def _coverage(entry: Sketch, other: Sketch, spans: list[ReusedSpan]) -> float:
        """Share of the shorter article (in characters) inside the reused spans."""
        a_len = max(1, entry.extent[1] - entry.extent[0])
        b_len = max(1, other.extent[1] - other.extent[0])
        a_cov = sum(s.a_end - s.a_start for s in spans) / a_len
        b_cov = sum(s.b_end - s.b_start for s in spans) / b_len
        return round(min(1.0, a_cov if a_len <= b_len else b_cov), 4)

    @staticmethod
    def _reuse(
        article_id: str,
        entry: Sketch,
        other_id: str,
        other: Sketch,
        kind: str,
        score: float,
        spans: list[ReusedSpan],
    ) -> Reuse:
        first = published_first(article_id, entry.published, entry.seq, other_id, other.published, other.seq)
        return Reuse(
            a=article_id, b=other_id, kind=kind, similarity=round(score, 4), spans=spans, first=first
        )

    # --- state ---------------------------------------------------------------------------------

    def to_state(self) -> dict[str, Any]:
        """The configuration and, for an in-memory index, every sketch as bytes (never a text).

        An index kept in the store saves its sketches as it goes: its state is the configuration.
        """
        in_store = isinstance(self.sketches, StoreSketches)
        return {
            "version": 2,
            "config": self.config.to_dict(),
            "in_store": in_store,
            "articles": [] if in_store else [e.to_row(article_id) for article_id, e in self.sketches.items()],
        }

    @classmethod
    def from_state(
        cls,
        state: dict[str, Any],
        text_lookup: TextLookup | None = None,
        keep_texts: bool = True,
        conn: Connection | None = None,
    ) -> ReuseIndex:
        """An index saved by :meth:`to_state`.

        With ``conn`` the index keeps its sketches in that store; sketches found in ``state`` (an
        index saved in memory) are moved there. Without it, the LSH indexes are rebuilt in memory.
        """
        index = cls(
            ReuseConfig(**state["config"]),
            text_lookup=text_lookup,
            keep_texts=keep_texts,
            in_store=conn is not None,
        )
        if isinstance(index.sketches, StoreSketches):
            index.sketches.conn = conn
        for item in state["articles"]:
            if "extent" in item:  # state version 1: "id" and an "extent" pair
                item = {
                    **item,
                    "article_id": item["id"],
                    "extent_start": item["extent"][0],
                    "extent_end": item["extent"][1],
                }
            if item["article_id"] not in index.sketches:
                index.sketches.add(item["article_id"], Sketch.from_row(item, index.config.passage_perm))
        return index
