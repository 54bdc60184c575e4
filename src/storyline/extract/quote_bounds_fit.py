"""Fit the content-end and content-start models of ``storyline.extract.quote_bounds`` on PolNeAR.

Examples: every indirect or mixed content the extractor finds in train whose cue touches the cue
of a gold attribution and whose last (first) fragment overlaps that attribution's last (first)
fragment, with as many fragments; each candidate end (start) is one example, labelled 1 when it
is the gold one (in
spaCy tokens, as citron's measures count). The regularisation and the margin are chosen on dev
by the number of contents whose end the model puts right minus those it puts wrong::

    python -m storyline.extract.quote_bounds_fit --side end --data ../shared/datasets/polnear
    python -m storyline.extract.quote_bounds_fit --side start --data ../shared/datasets/polnear

The start model is fitted on the contents as the shipped end model leaves them, so fit the end
first.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.extract.quote_bounds import (
    MODEL_FILES,
    BoundaryModel,
    TokenTable,
    boundary_choices,
    choose_side,
)
from storyline.extract.quote_index import TextIndex
from storyline.extract.quote_model import fit_weights, save_model

# (features of each candidate end, index of the rules' end, index of the gold end or -1)
Group = tuple[list[list[str]], int, int]
C_GRID = (0.3, 1.0, 3.0)
MARGIN_GRID = (0.0, 0.05, 0.1, 0.2)


def boundary_groups(root: Path, split: str, side: str, cache: Path | None) -> Iterator[Group]:
    """The candidate boundaries of one side of every judged content of one PolNeAR split (for the
    start, after the shipped end model has moved the ends, as the extractor does)."""
    from storyline.eval.citron_metrics import _touch, char_to_token, token_quote
    from storyline.eval.polnear import read_split
    from storyline.eval.quotes import gold_attributions, parsed_documents
    from storyline.extract.quotes import attribution_candidates

    documents = list(read_split(root, split))
    for document, doc in zip(documents, parsed_documents(documents, cache, f"polnear-{split}"), strict=True):
        index = TextIndex.build(doc)
        accepted = attribution_candidates(doc, index)
        table = TokenTable.build(doc)
        if side == "start":
            choose_side(index, accepted, "end", table=table)
        tokens = char_to_token(doc)
        gold = [token_quote(a.cue, a.source, a.content, tokens) for a in gold_attributions(document)]
        for candidate in accepted:
            choices = boundary_choices(index, table, candidate, accepted, side)
            if choices is None:
                continue
            fragment = -1 if side == "end" else 0
            first, stop = sorted((choices.current, choices.other))
            match = next(
                (
                    g
                    for g in gold
                    if _touch(candidate.cue, g.cue)
                    and len(g.contents) == len(candidate.parts)
                    and g.contents[fragment][0] < stop
                    and first < g.contents[fragment][1]
                ),
                None,
            )
            if match is None:
                continue
            positions = [p for p, _ in choices.options]
            gold_position = match.contents[fragment][1 if side == "end" else 0]
            yield (
                [names for _, names in choices.options],
                positions.index(choices.current),
                positions.index(gold_position) if gold_position in positions else -1,
            )


def net_fixes(groups: list[Group], model: BoundaryModel) -> int:
    """Contents whose boundary ``model`` puts right, minus those whose right boundary it moves."""
    net = 0
    for ends, current, gold in groups:
        chosen = model.choose(ends, current)
        net += (chosen == gold) - (current == gold)
    return net


def train(root: Path, side: str, cache: Path | None, min_weight: float = 0.01) -> dict[str, Any]:
    """Fit one side on train, choose C and the margin on dev; returns the model as a JSON-ready dict."""
    train_groups = list(boundary_groups(root, "train", side, cache))
    dev_groups = list(boundary_groups(root, "dev", side, cache))
    rows = [names for ends, _, _ in train_groups for names in ends]
    labels = [int(i == gold) for ends, _, gold in train_groups for i in range(len(ends))]
    best: tuple[int, float, float, dict[str, float], float] | None = None
    for c in C_GRID:
        weights, intercept = fit_weights(rows, labels, c, min_weight, random_state=0)
        for margin in MARGIN_GRID:
            net = net_fixes(dev_groups, BoundaryModel(weights, intercept, margin))
            if best is None or net > best[0]:
                best = (net, c, margin, weights, intercept)
    assert best is not None
    net, c, margin, weights, intercept = best
    return {
        "about": f"Content-{side} model of storyline.extract.quote_bounds, fitted on PolNeAR train; C and "
        "margin chosen on dev. Feature names and weights only.",
        "train_contents": len(train_groups),
        "train_candidates": len(labels),
        "dev_contents": len(dev_groups),
        "dev_rules_right": sum(current == gold for _, current, gold in dev_groups),
        "dev_net_fixes": net,
        "c": c,
        "margin": margin,
        "intercept": intercept,
        "weights": dict(sorted(weights.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fit the content-end model of the quote extractor on PolNeAR."
    )
    parser.add_argument("--data", help="PolNeAR folder (default: shared/datasets/polnear)")
    parser.add_argument("--cache", type=Path, default=None, help="folder caching the spaCy parses")
    parser.add_argument(
        "--side", choices=("end", "start"), required=True, help="fit the end (first) or the start"
    )
    parser.add_argument("--min-weight", type=float, default=0.01, help="weights kept: |w| at least this")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the model (default: package data)"
    )
    args = parser.parse_args(argv)
    from storyline.eval.common import dataset_path

    model = train(dataset_path("polnear", args.data), args.side, args.cache, args.min_weight)
    save_model(
        model, args.out or Path(str(resources.files("storyline.data").joinpath(MODEL_FILES[args.side])))
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
