"""Fit the attribution filter of ``storyline.extract.quote_filter`` on PolNeAR.

Examples: every indirect or mixed quote the extractor finds in train, labelled 1 when its content
overlaps (in spaCy tokens, as citron's measures count) the content of a gold attribution whose
cue touches its own. The cue detector is fitted on train, so its train output is better than its
output anywhere else; the examples therefore come from **out-of-fold** detectors: train's
documents are split in five folds, and each fold is extracted with a detector fitted on the
other four (same C and threshold as the shipped one). C and the threshold are chosen on dev, by
the mean of citron's content exact F1 and content overlap F1 (the two content measures of the
quote targets) with the whole extractor::

    python -m storyline.extract.quote_filter_fit --data ../shared/datasets/polnear --cache DIR
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from storyline.extract.quote_filter import MODEL_FILE, FilterModel, quote_features
from storyline.extract.quote_model import (
    DETECTOR_C,
    CueModel,
    document_examples,
    fit_weights,
    load_model,
    save_model,
)
from storyline.model import Quote

FOLDS = 5
C_GRID = (0.3, 1.0, 3.0)
THRESHOLD_GRID = tuple(step / 100 for step in range(20, 65, 5))


def out_of_fold_detectors(root: Path, cache: Path | None) -> list[CueModel]:
    """One cue detector per fold of train, fitted on the other folds (document ``i`` is in fold
    ``i % FOLDS``)."""
    shipped = load_model()
    if shipped is None:
        raise RuntimeError("the shipped cue detector (data/quote_model.toml) is missing")
    examples = list(document_examples(root, "train", cache))
    detectors = []
    for fold in range(FOLDS):
        rows = [x for i, (xs, _) in enumerate(examples) if i % FOLDS != fold for x in xs]
        labels = [y for i, (_, ys) in enumerate(examples) if i % FOLDS != fold for y in ys]
        weights, intercept = fit_weights(rows, labels, DETECTOR_C, 0.01, random_state=0)
        detectors.append(CueModel(weights, intercept, shipped.threshold))
    return detectors


def judged_quotes(
    root: Path, split: str, cache: Path | None, detectors: list[CueModel] | None = None
) -> Iterator[tuple[Doc, list[Quote], list[int], Any, list[Any]]]:
    """Per document of a split: the parse, the unfiltered quotes, each quote's label, and the
    token quotes of the system and gold (for citron's measures). With ``detectors``, document
    ``i`` is extracted with ``detectors[i % len(detectors)]``."""
    from storyline.eval.citron_metrics import _shared, _touch, char_to_token, token_quote
    from storyline.eval.polnear import read_split
    from storyline.eval.quotes import gold_attributions, parsed_documents, system_attributions
    from storyline.extract.entities import find_entities
    from storyline.extract.quotes import extract_quotes

    documents = list(read_split(root, split))
    parses = parsed_documents(documents, cache, f"polnear-{split}")
    for i, (document, doc) in enumerate(zip(documents, parses, strict=True)):
        mentions, entities = find_entities(doc)
        detector = detectors[i % len(detectors)] if detectors else None
        quotes = extract_quotes(doc, mentions, entities, learned_filter=False, cue_model=detector)
        tokens = char_to_token(doc)
        system = [
            token_quote(a.cue, a.source, a.content, tokens) for a in system_attributions(quotes, doc.text)
        ]
        gold = [token_quote(a.cue, a.source, a.content, tokens) for a in gold_attributions(document)]
        labels = [
            int(
                any(
                    _touch(p.cue, g.cue) and any(_shared(a, b) for a in p.contents for b in g.contents)
                    for g in gold
                )
            )
            for p in system
        ]
        yield doc, quotes, labels, system, gold


def content_f1s(
    documents: list[tuple[list[float | None], list[Any], list[Any]]], threshold: float
) -> tuple[float, float]:
    """citron's content exact and overlap F1 when quotes scored under ``threshold`` are dropped
    (``documents``: each quote's probability, None for a direct quote; system and gold token quotes)."""
    from storyline.eval.citron_metrics import score_quotes, summarize

    counts: Counter[str] = Counter()
    for probabilities, system, gold in documents:
        kept = [p for p, q in zip(system, probabilities, strict=True) if q is None or q >= threshold]
        counts.update(score_quotes(kept, gold))
    content = summarize(counts)["content"]
    return content["exact"]["f1"], content["overlap"]["f1"]


def train(root: Path, cache: Path | None, min_weight: float = 0.01) -> dict[str, Any]:
    """Fit on train (out-of-fold detectors), choose C and the threshold on dev."""
    rows: list[list[str]] = []
    labels: list[int] = []
    for doc, quotes, judged, _, _ in judged_quotes(root, "train", cache, out_of_fold_detectors(root, cache)):
        for quote, label in zip(quotes, judged, strict=True):
            if quote.kind != "direct":
                rows.append(quote_features(doc, quote))
                labels.append(label)
    dev = [
        ([quote_features(doc, q) if q.kind != "direct" else None for q in quotes], system, gold)
        for doc, quotes, _, system, gold in judged_quotes(root, "dev", cache)
    ]
    baseline = content_f1s([([None] * len(s), s, g) for _, s, g in dev], 0.0)
    best: tuple[float, float, float, tuple[float, float], dict[str, float], float] | None = None
    for c in C_GRID:
        weights, intercept = fit_weights(rows, labels, c, min_weight, random_state=0)
        model = FilterModel(weights, intercept, 0.0)
        scored = [
            ([None if f is None else model.probability(f) for f in features], system, gold)
            for features, system, gold in dev
        ]
        for threshold in THRESHOLD_GRID:
            figures = content_f1s(scored, threshold)
            if best is None or sum(figures) / 2 > best[0]:
                best = (sum(figures) / 2, c, threshold, figures, weights, intercept)
    assert best is not None
    _, c, threshold, figures, weights, intercept = best
    return {
        "about": "Attribution filter of storyline.extract.quote_filter, fitted on PolNeAR train (out-of-fold "
        "cue detectors); C and threshold chosen on dev. Feature names and weights only.",
        "train_quotes": len(labels),
        "train_positive": sum(labels),
        "dev_unfiltered_content_exact_f1": round(baseline[0], 4),
        "dev_unfiltered_content_overlap_f1": round(baseline[1], 4),
        "dev_content_exact_f1": round(figures[0], 4),
        "dev_content_overlap_f1": round(figures[1], 4),
        "c": c,
        "threshold": threshold,
        "intercept": intercept,
        "weights": dict(sorted(weights.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fit the attribution filter of the quote extractor on PolNeAR."
    )
    parser.add_argument("--data", help="PolNeAR folder (default: shared/datasets/polnear)")
    parser.add_argument("--cache", type=Path, default=None, help="folder caching the spaCy parses")
    parser.add_argument("--min-weight", type=float, default=0.01, help="weights kept: |w| at least this")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the model (default: package data)"
    )
    args = parser.parse_args(argv)
    from storyline.eval.common import dataset_path

    model = train(dataset_path("polnear", args.data), args.cache, args.min_weight)
    save_model(model, args.out or Path(str(resources.files("storyline.data").joinpath(MODEL_FILE))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
