"""Cost of the learned content boundaries on top of the rest of the quote extractor.

Texts: one PolNeAR split (``shared/datasets/polnear``, dev by default), parsed once by spaCy.
``extract_quotes`` then runs over them with the learned boundaries and without
(``learned_bounds=False``, the baseline measured in the same run), alternately, ``--repeat``
times each; the CPU time of this process is summed per variant, because the machine may be
shared. Prints both times, their ratio, and how many quotes the boundaries changed.

    python benchmarks/quote_bounds.py [--split dev|train] [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import time

from storyline.eval.common import dataset_path
from storyline.eval.polnear import read_split
from storyline.extract.entities import find_entities
from storyline.extract.quotes import extract_quotes
from storyline.nlp import load_nlp, model_name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--limit", type=int, default=None, help="first N documents only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    documents = list(read_split(dataset_path("polnear"), args.split))[: args.limit]
    nlp = load_nlp()
    started = time.process_time()
    parsed = [(doc, *find_entities(doc)) for doc in nlp.pipe(d.text for d in documents)]
    parse_seconds = time.process_time() - started

    seconds = {True: 0.0, False: 0.0}
    outputs: dict[bool, list[list[tuple[int, int]]]] = {}
    for _ in range(args.repeat):
        for learned in (False, True):
            started = time.process_time()
            found = [extract_quotes(doc, mentions, entities, learned) for doc, mentions, entities in parsed]
            seconds[learned] += time.process_time() - started
            outputs[learned] = [[(q.start, q.end) for q in quotes] for quotes in found]
    changed = sum(len(set(a) - set(b)) for a, b in zip(outputs[True], outputs[False], strict=True))
    total = sum(len(quotes) for quotes in outputs[True])
    print(f"model {model_name(nlp)}, PolNeAR {args.split}: {len(documents)} documents, {total} quotes")
    print(f"spaCy parse and entities, once: {parse_seconds:.1f} s CPU")
    print(f"quotes, rules' boundaries ({args.repeat} runs): {seconds[False]:.2f} s CPU")
    print(f"quotes, learned boundaries ({args.repeat} runs): {seconds[True]:.2f} s CPU")
    print(f"ratio learned / rules: {seconds[True] / seconds[False]:.2f}")
    print(f"quotes whose span the learned boundaries changed: {changed} of {total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
