"""Words, sentence windows, word shingles and MinHash signatures (numpy, one matrix per article).

Signatures follow datasketch's ``affine32`` scheme in spirit: each shingle's 32-bit hash is mixed,
then permuted as ``a * h + b mod 2**32`` (``a`` odd). The first ``k`` columns of a signature are a
valid ``k``-permutation signature, so one matrix serves the article (all columns) and its passages
(the first columns).
"""

from __future__ import annotations

import bisect
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash

#: datasketch scheme name of the signatures built here.
SCHEME = "affine32"
SEED = 20240601

_WORD = re.compile(r"\w+")
# A sentence ends at . ! ? (and closing quotes/brackets) before whitespace and a capital, digit or
# opening quote; a line break always ends one.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")


@dataclass(frozen=True, slots=True)
class Words:
    """Lower-cased ``\\w+`` tokens of a text with their character offsets."""

    words: list[str]
    starts: np.ndarray
    ends: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


def words_of(text: str) -> Words:
    """The lower-cased word tokens of ``text`` and where they are."""
    matches = list(_WORD.finditer(text))
    return Words(
        [m.group().lower() for m in matches],
        np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches)),
        np.fromiter((m.end() for m in matches), dtype=np.int64, count=len(matches)),
    )


def sentence_starts(text: str, words: Words) -> list[int]:
    """Token indices where sentences (or lines) begin."""
    if not len(words):
        return []
    bounds = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    starts = {0} | {int(i) for i in np.searchsorted(words.starts, bounds) if i < len(words)}
    return sorted(starts)


def windows(text: str, words: Words, min_words: int, max_words: int) -> list[tuple[int, int]]:
    """Passage windows as token ranges: from each sentence start, whole sentences until ``min_words``.

    A window never exceeds ``max_words`` (a long sentence is cut, and also gets starts every
    ``max_words // 2`` words inside it). Windows shorter than ``min_words`` are dropped.
    """
    n = len(words)
    starts = sentence_starts(text, words)
    if not starts:
        return []
    step = max(1, max_words // 2)
    all_starts: list[int] = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else n
        all_starts += (
            range(start, max(start + 1, end - min_words + 1), step) if end - start > max_words else [start]
        )
    sentence_set = [*starts, n]
    out = []
    for start in all_starts:
        index = bisect.bisect_left(sentence_set, start + min_words)
        end = min(sentence_set[index] if index < len(sentence_set) else n, start + max_words, n)
        if end - start >= min_words:
            out.append((start, end))
    return out


@lru_cache(maxsize=1 << 16)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """32-bit hashes of the ``size``-word shingles (one shingle of all words if there are fewer)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    hashes = np.fromiter((_word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    count = max(1, len(words) - size + 1)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(min(size, len(words))):
        combined = combined * np.uint64(0x100000001B3) ^ hashes[offset : offset + count]
    return _mix32(combined)


def _mix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, folded to 32 bits."""
    h = values.astype(np.uint64)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)


class MinHasher:
    """``num_perm`` affine permutations of 32-bit hashes; signatures of shingle sets and their ranges."""

    def __init__(self, num_perm: int, seed: int = SEED) -> None:
        rng = np.random.RandomState(seed)
        self.num_perm = num_perm
        self.seed = seed
        self.a = (rng.randint(0, 1 << 31, num_perm, dtype=np.uint64) * 2 + 1).astype(np.uint32)
        self.b = rng.randint(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)

    def matrix(self, hashes: np.ndarray) -> np.ndarray:
        """Permuted hashes, one row per shingle (uint32, wrapping arithmetic)."""
        return hashes[:, None] * self.a[None, :] + self.b[None, :]

    def signature(
        self, matrix: np.ndarray, start: int = 0, end: int | None = None, width: int | None = None
    ) -> np.ndarray:
        """Column minima of rows ``start:end`` (the first ``width`` columns)."""
        rows = matrix[start:end, :width] if width else matrix[start:end]
        return rows.min(axis=0) if len(rows) else np.full(rows.shape[1], 0xFFFFFFFF, dtype=np.uint32)


def lean(signature: np.ndarray) -> LeanMinHash:
    """A datasketch LeanMinHash holding ``signature`` (for MinHashLSH insert and query)."""
    return LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures of equal width."""
    return float(np.count_nonzero(a == b)) / len(a) if len(a) else 0.0
