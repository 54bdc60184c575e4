"""Extractive summaries: the sentences of a date, the story paragraph.

Sentences live in one TF-IDF space fitted on every sentence of a story (:class:`SentenceSpace`).
A date's summary is chosen greedily so that the summary's vector stays closest to the centroid
of that date's candidate sentences (news-tls's ``CentroidOpt``), skipping near-duplicates.
The story paragraph takes, in date order, the most central sentences of the most widely
reported timeline entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from storyline.model import TimelineEntry

if TYPE_CHECKING:
    from storyline.corpus.timeline import TimelineArticle


class SentenceSpace:
    """TF-IDF vectors (English stop words removed, l2-normalised) of a story's sentences."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.vectorizer: TfidfVectorizer | None = TfidfVectorizer(stop_words="english", lowercase=True)
        try:
            self.matrix = sparse.csr_matrix(self.vectorizer.fit_transform(sentences))
        except ValueError:  # no sentences, or only stop words
            self.vectorizer = None
            self.matrix = sparse.csr_matrix((len(sentences), 1))

    def relevance(self) -> np.ndarray:
        """Cosine of each sentence with the centroid of all sentences (how on-topic it is)."""
        centroid = normalize(sparse.csr_matrix(self.matrix.sum(axis=0)))
        return np.asarray((normalize(self.matrix) @ centroid.T).todense()).ravel()

    def rows(self, indices: Sequence[int]) -> sparse.csr_matrix:
        return self.matrix[list(indices)]

    def vectorize(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self.vectorizer is None:
            return sparse.csr_matrix((len(texts), 1))
        return sparse.csr_matrix(self.vectorizer.transform(texts))


def cosine(a: sparse.spmatrix, b: sparse.spmatrix) -> np.ndarray:
    """Cosine similarity of the rows of ``a`` with the rows of ``b`` (dense array)."""
    return np.asarray((normalize(a) @ normalize(b).T).todense())


def knee_point(values: Sequence[float]) -> int:
    """Index of the point farthest from the line joining the first and last values (sorted curve)."""
    n = len(values)
    if n < 3:
        return n - 1
    coords = np.column_stack([np.arange(n), np.asarray(values, dtype=float)])
    line = coords[-1] - coords[0]
    norm = np.sqrt((line**2).sum())
    if norm == 0:
        return 0
    line /= norm
    rel = coords - coords[0]
    proj = np.outer(rel @ line, line)
    return int(np.argmax(np.sqrt(((rel - proj) ** 2).sum(axis=1))))


def date_candidates(mention: sparse.csr_matrix, published: sparse.csr_matrix) -> tuple[list[int], list[int]]:
    """news-tls's PM-Mean collector: keep the candidates close to a date's shared vocabulary.

    The date vector keeps only terms found both in sentences that mention the date and in lead
    sentences of articles published then (each side averaged); candidates scoring above the knee
    of the sorted similarities are kept. Returns the kept row indices of each side.
    """
    n_m, n_p = mention.shape[0], published.shape[0]
    if not n_m or not n_p:
        return list(range(n_m)), list(range(n_p))
    c_m = np.asarray(mention.sum(axis=0)).ravel()
    c_p = np.asarray(published.sum(axis=0)).ravel()
    both = (c_m > 0) & (c_p > 0)
    date_vec = np.where(both, c_m / n_m + c_p / n_p, 0.0)
    if not date_vec.any():
        return list(range(n_m)), list(range(n_p))
    centroid = sparse.csr_matrix(date_vec)
    sims_m, sims_p = cosine(centroid, mention)[0], cosine(centroid, published)[0]
    all_sims = np.concatenate([sims_m, sims_p])
    threshold = all_sims[knee_point(sorted(all_sims, reverse=True))]
    keep_m = [i for i, s in enumerate(sims_m) if s > 0 and s > threshold]
    keep_p = [i for i, s in enumerate(sims_p) if s > 0 and s > threshold]
    if not keep_m and not keep_p:
        return list(range(n_m)), list(range(n_p))
    return keep_m, keep_p


def centroid_select(
    vectors: sparse.csr_matrix,
    k: int,
    allowed: Sequence[bool] | None = None,
    max_similarity: float = 0.9999,
    avoid: sparse.csr_matrix | None = None,
) -> list[int]:
    """Greedily pick up to ``k`` rows whose sum stays closest (cosine) to the centroid of all rows.

    ``allowed`` masks rows that may not be picked (they still shape the centroid); a row more
    similar than ``max_similarity`` to a picked row, or to a row of ``avoid``, is skipped.
    """
    n = vectors.shape[0]
    if n == 0 or k <= 0:
        return []
    centroid = normalize(sparse.csr_matrix(vectors.sum(axis=0)))
    if centroid.nnz == 0:
        return []
    unit = normalize(vectors)
    to_centroid = np.asarray((unit @ centroid.T).todense()).ravel()
    allowed_mask = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    if avoid is not None and avoid.shape[0]:
        too_close = np.asarray((unit @ normalize(avoid).T).todense()).max(axis=1) > max_similarity
        allowed_mask &= ~too_close
    remaining = [i for i in range(n) if allowed_mask[i]]
    picked: list[int] = []
    summary = sparse.csr_matrix((1, vectors.shape[1]))
    while remaining and len(picked) < k:
        if picked:
            ones = sparse.csr_matrix(np.ones((len(remaining), 1)))
            trial = normalize(vectors[remaining] + ones @ summary)
            scores = np.asarray((trial @ centroid.T).todense()).ravel()
        else:
            scores = to_centroid[remaining]
        order = np.argsort(-scores, kind="stable")
        chosen = None
        for pos in order:
            i = remaining[pos]
            if picked and float((unit[i] @ unit[picked].T).max()) > max_similarity:
                continue
            chosen = i
            break
        if chosen is None:
            break
        picked.append(chosen)
        summary = summary + vectors[chosen]
        remaining.remove(chosen)
    return picked


def summarize_story(
    entries: Sequence[TimelineEntry], articles: Sequence[TimelineArticle], max_sentences: int = 4
) -> str:
    """A paragraph: the summaries of the most widely reported news entries, in date order.

    Entries are ranked by how many articles support them (ties: earlier first); background
    entries are used only when the story has no news entry. Sentences repeating an already used
    one (TF-IDF cosine above 0.5) are skipped.
    """
    pool = [e for e in entries if e.kind == "news"] or list(entries)
    if not pool:
        return ""
    ranked = sorted(range(len(pool)), key=lambda i: (-len(set(pool[i].article_ids)), pool[i].date, i))
    space = SentenceSpace([e.text for e in pool])
    chosen: list[int] = []
    for i in ranked:
        if len(chosen) >= max_sentences:
            break
        if chosen and float(cosine(space.rows([i]), space.rows(chosen)).max()) > 0.5:
            continue
        chosen.append(i)
    chosen.sort(key=lambda i: (pool[i].date, i))
    return " ".join(_as_sentence(pool[i].text) for i in chosen)


def _as_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", '"', "'", "”", "’")) else text + "."
