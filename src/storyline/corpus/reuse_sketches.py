"""Where the reuse index keeps its sketches and finds candidates: in memory, or in the store.

A sketch is what the index keeps of an article: its 16-bit MinHash signature, the signatures of
its passage windows with their character spans, its date and arrival rank; never its text.
Candidates are found by LSH banding: a signature is cut into ``bands`` runs of ``rows`` values,
and two signatures that agree on a whole band are candidates.

- :class:`MemorySketches` holds everything in datasketch ``MinHashLSH`` indexes: for tests,
  evaluation and benchmarks.
- :class:`StoreSketches` keeps sketches and band keys in the tables ``reuse_sketches`` and
  ``reuse_bands``, so the corpus stage's memory stays flat however large the corpus grows; a
  lookup is one indexed query for an article's band keys. Both find the same candidates (the
  same bands; band keys are 63-bit hashes, whose collisions only add candidates that the
  Jaccard check then drops).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import sqlalchemy as sa
from datasketch import MinHashLSH
from sqlalchemy.engine import Connection

from storyline.corpus.shingles import lean
from storyline.store import schema as t

#: ``reuse_bands.kind`` of whole-article bands and of passage-window bands.
ARTICLE, PASSAGE = 0, 1


@dataclass(slots=True)
class Sketch:
    """What the index keeps of an article: signatures and window offsets, not the text."""

    published: str | None
    seq: int
    signature: np.ndarray  # article_perm values, uint16 (low 16 bits of each minimum)
    passages: np.ndarray  # (windows, passage_perm) uint16
    spans: np.ndarray  # (windows, 2) character offsets
    extent: tuple[int, int]  # first word start, last word end

    def to_row(self, article_id: str) -> dict[str, Any]:
        return {
            "article_id": article_id,
            "seq": self.seq,
            "published": self.published,
            "signature": self.signature.astype("<u2").tobytes(),
            "passages": self.passages.astype("<u2").tobytes(),
            "spans": self.spans.astype("<u4").tobytes(),
            "extent_start": int(self.extent[0]),
            "extent_end": int(self.extent[1]),
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any], passage_perm: int) -> Sketch:
        """A sketch from :meth:`to_row`'s fields (a store row's mapping or saved state)."""
        return cls(
            published=row["published"],
            seq=int(row["seq"]),
            signature=np.frombuffer(bytes(row["signature"]), dtype="<u2").astype(np.uint16),
            passages=np.frombuffer(bytes(row["passages"]), dtype="<u2")
            .astype(np.uint16)
            .reshape(-1, passage_perm),
            spans=np.frombuffer(bytes(row["spans"]), dtype="<u4").astype(np.uint32).reshape(-1, 2),
            extent=(int(row["extent_start"]), int(row["extent_end"])),
        )


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's optimal (bands, rows) for a threshold (an integration; computed once)."""
    probe = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return probe.b, probe.r


class Sketches(Protocol):
    """Storage of sketches with LSH candidate lookup."""

    def __len__(self) -> int: ...

    def __contains__(self, article_id: object) -> bool: ...

    def add(self, article_id: str, sketch: Sketch) -> None: ...

    def get(self, article_id: str) -> Sketch: ...

    def get_many(self, article_ids: Iterable[str]) -> dict[str, Sketch]: ...

    def article_candidates(self, signature: np.ndarray) -> set[str]: ...

    def passage_candidates(self, signatures: np.ndarray) -> list[set[tuple[str, int]]]: ...

    def items(self) -> Iterable[tuple[str, Sketch]]: ...


class MemorySketches:
    """Sketches in a dict; candidates from two datasketch ``MinHashLSH`` indexes."""

    def __init__(
        self,
        article_perm: int,
        article_bands: tuple[int, int],
        passage_perm: int,
        passage_bands: tuple[int, int],
    ) -> None:
        self._sketches: dict[str, Sketch] = {}
        self._article_lsh = MinHashLSH(num_perm=article_perm, params=article_bands)
        self._passage_lsh = MinHashLSH(num_perm=passage_perm, params=passage_bands)

    def __len__(self) -> int:
        return len(self._sketches)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sketches

    def add(self, article_id: str, sketch: Sketch) -> None:
        self._sketches[article_id] = sketch
        self._article_lsh.insert(article_id, lean(sketch.signature), check_duplication=False)
        for index, signature in enumerate(sketch.passages):
            self._passage_lsh.insert((article_id, index), lean(signature), check_duplication=False)

    def get(self, article_id: str) -> Sketch:
        return self._sketches[article_id]

    def get_many(self, article_ids: Iterable[str]) -> dict[str, Sketch]:
        return {article_id: self._sketches[article_id] for article_id in article_ids}

    def article_candidates(self, signature: np.ndarray) -> set[str]:
        return set(self._article_lsh.query(lean(signature)))

    def passage_candidates(self, signatures: np.ndarray) -> list[set[tuple[str, int]]]:
        return [set(self._passage_lsh.query(lean(s))) for s in signatures]

    def items(self) -> Iterable[tuple[str, Sketch]]:
        return self._sketches.items()


def band_keys(signatures: np.ndarray, bands: tuple[int, int]) -> np.ndarray:
    """Keys of each signature's bands, shape (signatures, bands): signed 63-bit hashes of the band's
    number and values (FNV-style fold, then MurmurHash3's finalizer), all in numpy."""
    b, r = bands
    values = np.atleast_2d(signatures).astype(np.uint64)[:, : b * r].reshape(-1, b, r)
    h = np.broadcast_to(
        np.arange(1, b + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15), values.shape[:2]
    )
    h = h.copy()
    for j in range(r):
        h = (h * np.uint64(0x100000001B3)) ^ values[:, :, j]
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h >> np.uint64(1)).astype(np.int64)


class StoreSketches:
    """Sketches and band keys in the store; a bounded cache of recently used sketches.

    ``conn`` must be set to the connection of the transaction the corpus stage runs in, so that
    articles of one chunk see each other before it commits.
    """

    #: Sketches kept in memory (most recently used first out of the cache last).
    CACHE = 2000
    #: Keys per ``IN (...)`` query.
    QUERY_KEYS = 400

    def __init__(
        self, article_bands: tuple[int, int], passage_bands: tuple[int, int], passage_perm: int
    ) -> None:
        self.article_bands = article_bands
        self.passage_bands = passage_bands
        self.passage_perm = passage_perm
        self.conn: Connection | None = None
        self._cache: OrderedDict[str, Sketch] = OrderedDict()
        self._seq_ids: OrderedDict[int, str] = OrderedDict()

    def _c(self) -> Connection:
        if self.conn is None:
            raise RuntimeError("StoreSketches used without a connection")
        return self.conn

    def __len__(self) -> int:
        return int(self._c().execute(sa.select(sa.func.count()).select_from(t.reuse_sketches)).scalar() or 0)

    def __contains__(self, article_id: object) -> bool:
        if article_id in self._cache:
            return True
        s = t.reuse_sketches
        return (
            self._c().execute(sa.select(s.c.article_id).where(s.c.article_id == article_id)).first()
            is not None
        )

    def add(self, article_id: str, sketch: Sketch) -> None:
        conn = self._c()
        conn.execute(t.reuse_sketches.insert(), [sketch.to_row(article_id)])
        seq = sketch.seq
        rows = [
            (ARTICLE, key, seq, 0) for key in set(band_keys(sketch.signature, self.article_bands)[0].tolist())
        ]
        if len(sketch.passages):
            for index, keys in enumerate(band_keys(sketch.passages, self.passage_bands).tolist()):
                rows += [(PASSAGE, key, seq, index) for key in set(keys)]
        mark = self._mark()
        cursor = conn.connection.cursor()
        try:
            # One multi-row statement per 200 rows: PostgreSQL pays per statement, not per row.
            for start in range(0, len(rows), 200):
                part = rows[start : start + 200]
                values = ", ".join([f"({mark}, {mark}, {mark}, {mark})"] * len(part))
                cursor.execute(
                    f"INSERT INTO reuse_bands (kind, key, seq, part) VALUES {values}",
                    [value for row in part for value in row],
                )
        finally:
            cursor.close()
        self._remember(article_id, sketch)
        self._remember_id(seq, article_id)

    def _mark(self) -> str:
        """The DB-API placeholder of the connection's driver (band rows go through the driver
        directly: SQLAlchemy's statement handling cost more than the queries themselves)."""
        return "?" if self._c().dialect.paramstyle == "qmark" else "%s"

    def _remember(self, article_id: str, sketch: Sketch) -> None:
        self._cache[article_id] = sketch
        self._cache.move_to_end(article_id)
        while len(self._cache) > self.CACHE:
            self._cache.popitem(last=False)

    def get(self, article_id: str) -> Sketch:
        found = self.get_many([article_id])
        return found[article_id]

    def get_many(self, article_ids: Iterable[str]) -> dict[str, Sketch]:
        """Sketches by id (cached, else read in one query per 400 ids)."""
        found: dict[str, Sketch] = {}
        missing = []
        for article_id in article_ids:
            if article_id in self._cache:
                self._cache.move_to_end(article_id)
                found[article_id] = self._cache[article_id]
            else:
                missing.append(article_id)
        s = t.reuse_sketches
        for start in range(0, len(missing), self.QUERY_KEYS):
            chunk = missing[start : start + self.QUERY_KEYS]
            for row in self._c().execute(sa.select(s).where(s.c.article_id.in_(chunk))):
                sketch = Sketch.from_row(row._mapping, self.passage_perm)
                found[row.article_id] = sketch
                self._remember(row.article_id, sketch)
        return found

    def _postings(self, kind: int, keys: set[int]) -> dict[int, list[tuple[str, int]]]:
        """(article id, window) pairs under each band key: one query for the bands, one for the ids.

        Two simple queries rather than a join: PostgreSQL planned the join badly on tables that
        grow inside one transaction (no statistics yet) and scanned them.
        """
        by_seq: dict[int, list[tuple[int, int]]] = {}
        ordered = sorted(keys)
        mark = self._mark()
        cursor = self._c().connection.cursor()
        try:
            for start in range(0, len(ordered), self.QUERY_KEYS):
                chunk = ordered[start : start + self.QUERY_KEYS]
                if mark == "?":
                    marks = ", ".join([mark] * len(chunk))
                    cursor.execute(
                        f"SELECT key, seq, part FROM reuse_bands WHERE kind = ? AND key IN ({marks})",
                        (kind, *chunk),
                    )
                else:  # typed, or the driver sends large ints as numeric and the index goes unused
                    cursor.execute(
                        "SELECT key, seq, part FROM reuse_bands WHERE kind = %s AND key = ANY(%s::bigint[])",
                        (kind, chunk),
                    )
                for key, seq, part in cursor.fetchall():
                    by_seq.setdefault(int(seq), []).append((int(key), int(part)))
            ids = self._ids_of(cursor, sorted(by_seq))
        finally:
            cursor.close()
        postings: dict[int, list[tuple[str, int]]] = {}
        for seq, hits in by_seq.items():
            for key, part in hits:
                postings.setdefault(key, []).append((ids[seq], part))
        return postings

    def _ids_of(self, cursor: Any, seqs: list[int]) -> dict[int, str]:
        """Article ids by arrival rank (remembered: a rank never changes)."""
        missing = [seq for seq in seqs if seq not in self._seq_ids]
        mark = self._mark()
        for start in range(0, len(missing), self.QUERY_KEYS):
            chunk = missing[start : start + self.QUERY_KEYS]
            marks = ", ".join([mark] * len(chunk))
            cursor.execute(f"SELECT seq, article_id FROM reuse_sketches WHERE seq IN ({marks})", chunk)
            for seq, article_id in cursor.fetchall():
                self._remember_id(int(seq), article_id)
        return {seq: self._seq_ids[seq] for seq in seqs}

    def _remember_id(self, seq: int, article_id: str) -> None:
        self._seq_ids[seq] = article_id
        self._seq_ids.move_to_end(seq)
        while len(self._seq_ids) > 8 * self.CACHE:
            self._seq_ids.popitem(last=False)

    def article_candidates(self, signature: np.ndarray) -> set[str]:
        keys = set(band_keys(signature, self.article_bands)[0].tolist())
        return {article_id for hits in self._postings(ARTICLE, keys).values() for article_id, _ in hits}

    def passage_candidates(self, signatures: np.ndarray) -> list[set[tuple[str, int]]]:
        if not len(signatures):
            return []
        per_window = [set(keys) for keys in band_keys(signatures, self.passage_bands).tolist()]
        postings = self._postings(PASSAGE, set().union(*per_window) if per_window else set())
        return [{hit for key in keys for hit in postings.get(key, ())} for keys in per_window]

    def items(self) -> Iterable[tuple[str, Sketch]]:
        s = t.reuse_sketches
        for row in self._c().execute(sa.select(s).order_by(s.c.seq)):
            yield row.article_id, Sketch.from_row(row._mapping, self.passage_perm)
