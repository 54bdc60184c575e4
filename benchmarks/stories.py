"""Time per added article for reuse lookup and story clustering as the corpus grows (Reuters-21578).

Articles (those with a <BODY>, in NEWID order) are added one at a time to one ReuseIndex and one
StoryClusterer. At each checkpoint (1k, 5k, 19k articles) the mean time per article over the last
``--window`` additions is printed, with its ratio to the first checkpoint measured in the same run
(the growth ratio; 19x more articles at a ratio well under 19 is sub-linear growth).

Features come from a cheap tokenizer (regex words minus spaCy's English stop list, capitalized runs
as names; storyline.corpus.story_features.features_from_text), not from the full spaCy parse.

    python benchmarks/stories.py [--data DIR] [--checkpoints 1000,5000,19000] [--window 500]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from storyline.corpus.reuse import ReuseIndex
from storyline.corpus.stories import StoryClusterer
from storyline.corpus.story_features import features_from_text
from storyline.eval.common import dataset_path

_DOC = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_DATE = re.compile(r"<DATE>\s*(\d{1,2}-[A-Z]{3}-\d{4})")
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)


def read_reuters(folder: Path) -> list[tuple[str, str | None, str | None, str]]:
    """(id, TIMEX3 day, title, body) of every story with a body, in NEWID order."""
    docs = []
    for path in sorted(folder.glob("*.sgm")):
        for m in _DOC.finditer(path.read_text(encoding="latin-1")):
            body = _BODY.search(m.group(2))
            if not body:
                continue
            date = _DATE.search(m.group(2))
            day = datetime.strptime(date.group(1).title(), "%d-%b-%Y").strftime("%Y-%m-%d") if date else None
            title = _TITLE.search(m.group(2))
            docs.append(
                (
                    f"reuters-{m.group(1)}",
                    day,
                    html.unescape(title.group(1)).strip() if title else None,
                    html.unescape(body.group(1)).replace("\x03", "").strip(),
                )
            )
    docs.sort(key=lambda d: int(d[0].split("-")[1]))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the reuters21578 folder (default: shared/datasets/reuters21578)")
    parser.add_argument("--checkpoints", default="1000,5000,19000")
    parser.add_argument("--window", type=int, default=500, help="additions averaged before each checkpoint")
    args = parser.parse_args(argv)
    docs = read_reuters(dataset_path("reuters21578", args.data))
    checkpoints = [min(int(c), len(docs)) for c in args.checkpoints.split(",")]
    print(
        f"Reuters-21578: {len(docs)} stories with a body; features from a cheap tokenizer + stop list (no parse)"
    )
    reuse, clusterer = ReuseIndex(), StoryClusterer()
    reuse_times: list[float] = []
    story_times: list[float] = []
    feature_times: list[float] = []
    links = 0
    rows = []
    total = max(checkpoints)
    at_80: dict[str, str] = {}
    for n, (doc_id, day, title, body) in enumerate(docs[:total], start=1):
        if n == round(0.8 * total):
            at_80 = clusterer.assignments()
        t0 = time.perf_counter()
        links += len(reuse.add(doc_id, body, day, n))
        t1 = time.perf_counter()
        # as in production: body terms only, the title as text (the clusterer weighs its words)
        features = replace(features_from_text(doc_id, body, published=day, seq=n), title=title)
        t2 = time.perf_counter()
        clusterer.add(features)
        t3 = time.perf_counter()
        reuse_times.append(t1 - t0)
        feature_times.append(t2 - t1)
        story_times.append(t3 - t2)
        if n in checkpoints:
            w = min(args.window, n)
            rows.append(
                (
                    n,
                    1000 * sum(reuse_times[-w:]) / w,
                    1000 * sum(story_times[-w:]) / w,
                    1000 * max(story_times[-w:]),
                    1000 * sum(feature_times[-w:]) / w,
                    len(clusterer.stories()),
                    links,
                )
            )
    base_reuse, base_story = rows[0][1], rows[0][2]
    print(
        f"ms per added article (mean of the last {args.window} additions before each checkpoint; "
        "max ms: the slowest of them for stories, e.g. one that re-clustered a neighbourhood)"
    )
    print(
        f"{'articles':>9} {'reuse ms':>9} {'x':>6} {'stories ms':>11} {'x':>6} {'max ms':>8} {'features ms':>12} {'stories':>8} {'reuse links':>12}"
    )
    for n, r, s, top, f, stories, found in rows:
        print(
            f"{n:>9} {r:>9.2f} {r / base_reuse:>6.2f} {s:>11.2f} {s / base_story:>6.2f} {top:>8.1f} {f:>12.2f} {stories:>8} {found:>12}"
        )
    n_growth = rows[-1][0] / rows[0][0]
    print(
        f"articles grew {n_growth:.1f}x; reuse time grew {rows[-1][1] / base_reuse:.2f}x, clustering {rows[-1][2] / base_story:.2f}x"
    )
    kinds = [e.kind for e in clusterer.events]
    final = clusterer.assignments()
    same = sum(1 for aid, sid in at_80.items() if clusterer.resolve(sid) == final[aid])
    absorbed = sum(1 for e in clusterer.events if e.kind == "merge" and "absorbed" in e.reason)
    print(
        f"merges: {kinds.count('merge')} ({absorbed} of them single-article stories absorbed), "
        f"splits: {kinds.count('split')}, moves: {kinds.count('move')}"
    )
    print(
        f"stability: {same / max(1, len(at_80)):.4f} of the {len(at_80)} articles present at 80% keep their story id"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
