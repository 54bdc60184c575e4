"""Article-body extraction on the Zyte article-extraction benchmark, scored exactly as its SCORER.md says.

Ours is ``read_html``'s text for each page (an IngestError counts as an empty prediction). The metric:
``\\w+`` tokens (no lowercasing), 4-token shingles counted as a multiset, per-document precision and
recall with the special cases (both 1 when nothing is missed or extra; 0 when nothing matches),
precision averaged over documents whose prediction has a shingle, recall over documents whose gold
has one, F1 from the two averages, accuracy = share of documents whose token lists are identical.
The ± figures are bootstrap standard deviations over documents (seeded here, so they repeat).

Run: ``storyline eval extraction [--data DIR] [--json] [--n-bootstrap N]``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.eval.common import dataset_path, f1, print_report
from storyline.ingest.errors import IngestError
from storyline.ingest.html import read_html

DATASET = "article-extraction-benchmark"
SHINGLE = 4
_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Maximal runs of Unicode word characters, case kept."""
    return _TOKEN.findall(text or "")


def shingles(tokens: Sequence[str], n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles; a text of 1..n-1 tokens is one short shingle, none when empty."""
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True, slots=True)
class DocumentScore:
    """One document's shingle counts and scores; None where the document is left out of that mean."""

    tp: int
    fp: int
    fn: int
    exact: bool

    @property
    def precision(self) -> float | None:
        if self.tp + self.fp == 0:
            return None
        return self._ratio(self.fp)

    @property
    def recall(self) -> float | None:
        if self.tp + self.fn == 0:
            return None
        return self._ratio(self.fn)

    def _ratio(self, miss: int) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and miss == 0:
            return 0.0
        return self.tp / (self.tp + miss)


def score_document(gold: str, predicted: str) -> DocumentScore:
    """Shingle TP/FP/FN of one prediction against its gold body."""
    gold_tokens, pred_tokens = tokenize(gold), tokenize(predicted)
    gold_bag, pred_bag = shingles(gold_tokens), shingles(pred_tokens)
    tp = fp = fn = 0
    for shingle in gold_bag.keys() | pred_bag.keys():
        g, p = gold_bag[shingle], pred_bag[shingle]
        tp += min(g, p)
        fp += max(0, p - g)
        fn += max(0, g - p)
    return DocumentScore(tp, fp, fn, gold_tokens == pred_tokens)


def corpus_figures(scores: Sequence[DocumentScore]) -> dict[str, float]:
    """Precision and recall means over their own subsets, F1 from the means, accuracy over all."""
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    accuracy = sum(s.exact for s in scores) / len(scores) if scores else 0.0
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall), "accuracy": accuracy}


def score_corpus(
    gold: Mapping[str, str], predicted: Mapping[str, str], n_bootstrap: int = 0, seed: int = 0
) -> dict[str, Any]:
    """Corpus figures for predictions keyed like the gold (a missing key is an empty prediction)."""
    keys = sorted(gold)
    scores = [score_document(gold[k], predicted.get(k) or "") for k in keys]
    result: dict[str, Any] = {"documents": len(scores), **corpus_figures(scores)}
    if n_bootstrap > 0 and scores:
        rng = random.Random(seed)
        samples = [corpus_figures(rng.choices(scores, k=len(scores))) for _ in range(n_bootstrap)]
        result["stdev"] = {name: statistics.pstdev(s[name] for s in samples) for name in samples[0]}
    return result


def extract_bodies(path: Path) -> tuple[dict[str, str], dict[str, str], int]:
    """Gold bodies, our bodies and the number of pages read_html refused."""
    truth = json.loads((path / "ground-truth.json").read_text(encoding="utf-8"))
    gold: dict[str, str] = {}
    ours: dict[str, str] = {}
    refused = 0
    for key, entry in sorted(truth.items()):
        gold[key] = entry.get("articleBody") or ""
        raw = gzip.decompress((path / "html" / f"{key}.html.gz").read_bytes())
        try:
            ours[key] = read_html(raw, key, entry.get("url")).text
        except IngestError:
            ours[key] = ""
            refused += 1
    return gold, ours, refused


def evaluate(path: Path, n_bootstrap: int = 1000, seed: int = 0) -> dict[str, Any]:
    """Our body extraction on the benchmark at ``path``."""
    gold, ours, refused = extract_bodies(Path(path))
    result = score_corpus(gold, ours, n_bootstrap=n_bootstrap, seed=seed)
    result["refused_pages"] = refused
    result["dataset"] = DATASET
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="storyline eval extraction", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help=f"the {DATASET} folder (default: shared/datasets/{DATASET})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--n-bootstrap", type=int, default=1000, help="bootstrap resamples for the ± figures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap resampling")
    args = parser.parse_args(argv)
    result = evaluate(dataset_path(DATASET, args.data), n_bootstrap=args.n_bootstrap, seed=args.seed)
    print_report(result, args.json, title=f"Article-body extraction, {DATASET} (shingle P/R/F1, SCORER.md)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
