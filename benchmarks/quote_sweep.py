"""Crash sweep: entities and quotes over every article text the shared datasets hold.

Runs ``find_entities`` and ``extract_quotes`` on each text (no subsampling) and prints, per
dataset, the documents read, the crashes, the outputs that break an invariant (offsets that do
not match the text) and the quotes found; then the time spent in the two extractors against
the time spaCy took to parse the same texts (the baseline measured in the same run).

    python benchmarks/quote_sweep.py [--data DIR] [--only polnear,reuters21578] [--json]

Sources read: PolNeAR texts (all splits), German quotes ``originalText``, Giveme5W1H texts,
Timeline17 texts, MEANTIME and ECB+ token text, TempEval-3 text, Reuters-21578 bodies (latin-1),
article-extraction-benchmark gold bodies. Exit status 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from storyline.eval.common import shared_datasets
from storyline.extract.entities import find_entities
from storyline.extract.quotes import extract_quotes
from storyline.nlp import load_nlp

Texts = Iterator[tuple[str, str]]  # (document id, text)


def polnear(root: Path) -> Texts:
    for path in sorted((root / "polnear").glob("*/text/*.txt")):
        yield path.stem, path.read_text(encoding="utf-8")


def german_quotes(root: Path) -> Texts:
    for path in sorted((root / "german-news-quotes").glob("**/*.json")):
        yield path.stem, json.loads(path.read_text(encoding="utf-8")).get("originalText") or ""


def giveme5w1h(root: Path) -> Texts:
    for path in sorted((root / "giveme5w1h-news").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            yield path.stem, data["text"]


def timeline17(root: Path) -> Texts:
    for path in sorted((root / "timeline17").glob("*/articles.json")):
        for n, article in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield f"{path.parent.name}/{article.get('uid', n)}", article.get("text") or ""


def _token_text(path: Path) -> str:
    """Token text of a CAT XML document, one sentence per line."""
    sentences: dict[int, list[str]] = {}
    for token in ET.parse(path).getroot().iter("token"):
        sentences.setdefault(int(token.get("sentence", 0)), []).append(token.text or "")
    return "\n".join(" ".join(words) for _, words in sorted(sentences.items()))


def meantime(root: Path) -> Texts:
    for path in sorted((root / "meantime-en" / "intra-doc_annotation").glob("*/*.xml")):
        yield path.stem, _token_text(path)


def ecbplus(root: Path) -> Texts:
    for path in sorted((root / "ecbplus" / "ECB+").glob("*/*.xml")):
        yield path.stem, _token_text(path)


def tempeval3(root: Path) -> Texts:
    for path in sorted((root / "tempeval3").glob("**/*.tml")):
        raw = path.read_text(encoding="utf-8")
        match = re.search(r"<TEXT>(.*)</TEXT>", raw, re.DOTALL)
        body = re.sub(r"<[^>]+>", "", match.group(1)) if match else ""
        yield path.stem, html.unescape(body)


def reuters(root: Path) -> Texts:
    for path in sorted((root / "reuters21578").glob("reut2-*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for match in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)".*?</REUTERS>', raw, re.DOTALL):
            body = re.search(r"<BODY>(.*?)</BODY>", match.group(0), re.DOTALL)
            if body:
                yield match.group(1), html.unescape(body.group(1))


def article_bodies(root: Path) -> Texts:
    path = root / "article-extraction-benchmark" / "ground-truth.json"
    if path.exists():
        for key, item in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
            yield key, item.get("articleBody") or ""


SOURCES: dict[str, Callable[[Path], Texts]] = {
    "polnear": polnear,
    "german-news-quotes": german_quotes,
    "giveme5w1h-news": giveme5w1h,
    "timeline17": timeline17,
    "meantime-en": meantime,
    "ecbplus": ecbplus,
    "tempeval3": tempeval3,
    "reuters21578": reuters,
    "article-extraction-benchmark": article_bodies,
}


def broken_invariants(text: str, mentions, entities, quotes) -> list[str]:  # type: ignore[no-untyped-def]
    """Offsets that do not match the text, or indices that point nowhere."""
    problems = []
    clusters = {e.cluster for e in entities}
    for mention in mentions:
        if text[mention.start : mention.end] != mention.text or mention.cluster not in clusters:
            problems.append(f"mention {mention.text!r}")
    for quote in quotes:
        if text[quote.start : quote.end] != quote.text or not quote.parts:
            problems.append(f"quote {quote.text[:40]!r}")
        if quote.cue is not None and text[quote.cue_start : quote.cue_end] != quote.cue:
            problems.append(f"cue {quote.cue!r}")
        speaker = quote.speaker
        if (
            speaker is not None
            and speaker.start is not None
            and text[speaker.start : speaker.end] != speaker.surface
        ):
            problems.append(f"speaker {speaker.surface!r}")
    return problems


def sweep(root: Path, names: list[str], every: int = 1) -> dict[str, object]:
    """Counts per dataset; ``every`` > 1 sweeps every n-th text only (a quicker subsample)."""
    nlp = load_nlp()
    per_dataset: dict[str, Counter[str]] = {}
    examples: list[str] = []
    parse_seconds = extract_seconds = 0.0
    for name in names:
        counts: Counter[str] = Counter()
        per_dataset[name] = counts
        if not (root / name).exists():
            counts["missing"] = 1
            continue
        items = list(SOURCES[name](root))[:: max(1, every)]
        started = time.perf_counter()
        docs = nlp.pipe((text for _, text in items), batch_size=32)
        for (doc_id, _), doc in zip(items, docs, strict=True):
            parsed = time.perf_counter()
            parse_seconds += parsed - started
            counts["documents"] += 1
            try:
                mentions, entities = find_entities(doc)
                quotes = extract_quotes(doc, mentions, entities)
            except Exception:
                counts["crashes"] += 1
                if len(examples) < 20:
                    examples.append(f"{name}/{doc_id}: {traceback.format_exc(limit=3).splitlines()[-1]}")
                started = time.perf_counter()
                extract_seconds += started - parsed
                continue
            started = time.perf_counter()
            extract_seconds += started - parsed
            problems = broken_invariants(doc.text, mentions, entities, quotes)
            counts["invariant_failures"] += bool(problems)
            if problems and len(examples) < 20:
                examples.append(f"{name}/{doc_id}: {problems[:3]}")
            counts["quotes"] += len(quotes)
            counts["mentions"] += len(mentions)
        print(f"{name}: {dict(counts)}", file=sys.stderr, flush=True)
    totals: Counter[str] = Counter()
    for counts in per_dataset.values():
        totals.update(counts)
    return {
        "datasets": {name: dict(counts) for name, counts in per_dataset.items()},
        "total": dict(totals),
        "parse_seconds": round(parse_seconds, 1),
        "extract_seconds": round(extract_seconds, 1),
        "extract_to_parse_ratio": round(extract_seconds / parse_seconds, 3) if parse_seconds else None,
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the shared datasets folder (default: found beside the repo)")
    parser.add_argument("--only", help="comma-separated dataset folders to sweep")
    parser.add_argument("--every", type=int, default=1, help="sweep every n-th text only (default: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    root = Path(args.data) if args.data else shared_datasets()
    if root is None:
        print("no shared datasets folder found; pass --data DIR")
        return 2
    names = args.only.split(",") if args.only else list(SOURCES)
    result = sweep(root, names, args.every)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, counts in result["datasets"].items():  # type: ignore[union-attr]
            print(f"{name:30s} {counts}")
        print(f"{'total':30s} {result['total']}")
        print(
            f"parse {result['parse_seconds']} s, extract {result['extract_seconds']} s, "
            f"ratio extract/parse {result['extract_to_parse_ratio']}"
        )
        for line in result["examples"]:  # type: ignore[union-attr]
            print("  ", line)
    return 1 if result["total"].get("crashes") else 0  # type: ignore[union-attr]


if __name__ == "__main__":
    raise SystemExit(main())
