"""Coreference metrics: MUC, B-cubed, CEAF-e and their mean, the CoNLL F1.

Clusterings are lists of sets of hashable mention ids. The key (gold) and the response
(system) need not hold the same mentions: a mention in only one of them ("twinless") is
handled as the CoNLL-2012 reference scorer (v8.01, Pradhan et al. 2014) does:

* MUC (Vilain et al. 1995): recall = sum over key clusters K of (|K| - |p(K)|) / sum (|K| - 1),
  where p(K) partitions K by the response clusters, each key mention absent from the response
  counting as a part of its own; precision swaps key and response. Singletons count zero.
* B-cubed (Bagga & Baldwin 1998): recall = sum over K, R of |K & R|^2 / |K|, divided by the
  number of key mentions; precision = sum of |K & R|^2 / |R| over the number of response mentions.
* CEAF-e (Luo 2005): phi4(K, R) = 2 |K & R| / (|K| + |R|); the best one-to-one alignment of key
  and response clusters (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``) gives
  Phi; recall = Phi / number of key clusters, precision = Phi / number of response clusters.
* CoNLL F1 = mean of the three F1 values.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from storyline.eval.common import f1

Cluster = frozenset[Hashable]


@dataclass(frozen=True, slots=True)
class Score:
    """Recall and precision as numerator/denominator pairs, and the F1 they give."""

    recall_num: float
    recall_den: float
    precision_num: float
    precision_den: float

    @property
    def recall(self) -> float:
        return self.recall_num / self.recall_den if self.recall_den else 0.0

    @property
    def precision(self) -> float:
        return self.precision_num / self.precision_den if self.precision_den else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    def to_dict(self) -> dict[str, float]:
        return {"recall": self.recall, "precision": self.precision, "f1": self.f1}


def clusters_of(groups: Iterable[Iterable[Hashable]]) -> list[Cluster]:
    """Clusters as frozensets, empty ones dropped."""
    return [frozenset(g) for g in groups if g]


def muc(key: Sequence[Iterable[Hashable]], response: Sequence[Iterable[Hashable]]) -> Score:
    """The link-based MUC score."""
    k, r = clusters_of(key), clusters_of(response)
    rn, rd = _muc_side(k, r)
    pn, pd = _muc_side(r, k)
    return Score(rn, rd, pn, pd)


def _muc_side(gold: list[Cluster], other: list[Cluster]) -> tuple[float, float]:
    where = _owner(other)
    num = den = 0
    for cluster in gold:
        parts = {where.get(m, ("alone", m)) for m in cluster}
        num += len(cluster) - len(parts)
        den += len(cluster) - 1
    return num, den


def b_cubed(key: Sequence[Iterable[Hashable]], response: Sequence[Iterable[Hashable]]) -> Score:
    """The mention-based B-cubed score."""
    k, r = clusters_of(key), clusters_of(response)
    rn, rd = _b3_side(k, r)
    pn, pd = _b3_side(r, k)
    return Score(rn, rd, pn, pd)


def _b3_side(gold: list[Cluster], other: list[Cluster]) -> tuple[float, float]:
    where = _owner(other)
    num = 0.0
    for cluster in gold:
        overlaps: dict[int, int] = {}
        for m in cluster:
            j = where.get(m)
            if j is not None:
                overlaps[j] = overlaps.get(j, 0) + 1
        num += sum(n * n for n in overlaps.values()) / len(cluster)
    return num, float(sum(len(c) for c in gold))


def ceaf_e(key: Sequence[Iterable[Hashable]], response: Sequence[Iterable[Hashable]]) -> Score:
    """The entity-based CEAF score (phi4 similarity, optimal one-to-one alignment)."""
    k, r = clusters_of(key), clusters_of(response)
    if not k or not r:
        return Score(0.0, len(k), 0.0, len(r))
    where = _owner(r)
    sim = np.zeros((len(k), len(r)))
    for i, cluster in enumerate(k):
        overlaps: dict[int, int] = {}
        for m in cluster:
            j = where.get(m)
            if j is not None:
                overlaps[j] = overlaps.get(j, 0) + 1
        for j, n in overlaps.items():
            sim[i, j] = 2.0 * n / (len(cluster) + len(r[j]))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = float(sim[rows, cols].sum())
    return Score(total, len(k), total, len(r))


def conll(
    key: Sequence[Iterable[Hashable]], response: Sequence[Iterable[Hashable]]
) -> dict[str, dict[str, float]]:
    """MUC, B-cubed and CEAF-e (recall, precision, F1 each) and the CoNLL F1, their mean F1."""
    scores = {"muc": muc(key, response), "b_cubed": b_cubed(key, response), "ceaf_e": ceaf_e(key, response)}
    out: dict[str, dict[str, float]] = {name: s.to_dict() for name, s in scores.items()}
    out["conll"] = {"f1": sum(s.f1 for s in scores.values()) / 3}
    return out


def _owner(clusters: list[Cluster]) -> dict[Hashable, int]:
    """Mention -> index of the cluster holding it (a mention in two clusters keeps the first)."""
    where: dict[Hashable, int] = {}
    for i, cluster in enumerate(clusters):
        for m in cluster:
            where.setdefault(m, i)
    return where
