"""Benchmark: cost of resolving one new article in the entity registry as the registry grows.

Reads Reuters-21578 (``../shared/datasets/reuters21578/*.sgm``, latin-1, ``<BODY>`` by regex),
runs spaCy + ``find_entities`` once over the first ``--nlp-docs`` stories, then feeds articles
to one registry and, at registry sizes of 1k, 5k and 19k articles, times ``resolve`` alone on
``--probes`` held-out articles (each one forgotten again after timing). Prints a table of
milliseconds per article, the growth against the 1k size (the baseline, measured in the same
run), the growth of log(n), and the same for a naive registry that compares each cluster with
every entity (rapidfuzz), to show what the indexes save.

When more articles are needed than were parsed, the parsed ones are reused with every name
respelled per round (a deterministic suffix on each capitalised word), so that the registry
keeps growing with new names as a real archive does; that is the harder case for the indexes.

    python benchmarks/registry.py [--nlp-docs 2000] [--sizes 1000,5000,19000] [--probes 200]
"""

from __future__ import annotations

import argparse
import gc
import html
import math
import re
import statistics
import sys
import time
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from storyline.corpus.names import parse_name
from storyline.corpus.registry import ArticleContext, EntityRegistry, group_by_name
from storyline.eval.common import dataset_path
from storyline.model import LocalEntity, Mention

_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Z]{3})-(\d{4})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_WORD = re.compile(r"\b([A-Z][A-Za-z]+)")

Parsed = tuple[str, str | None, list[Mention], list[LocalEntity]]


def read_bodies(limit: int, data: str | None = None) -> list[tuple[str, str, str | None]]:
    """(newid, body, ISO date) of the first ``limit`` stories that have a body."""
    folder = dataset_path("reuters21578", data)
    out: list[tuple[str, str, str | None]] = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        for match in _STORY.finditer(path.read_text(encoding="latin-1")):
            body = _BODY.search(match.group(2))
            if not body:
                continue
            date = _DATE.search(match.group(2))
            iso = (
                f"{date.group(3)}-{_MONTHS.get(date.group(2), 1):02d}-{int(date.group(1)):02d}"
                if date
                else None
            )
            out.append((match.group(1), html.unescape(body.group(1)).strip(), iso))
            if len(out) >= limit:
                return out
    return out


def parse_all(stories: list[tuple[str, str, str | None]]) -> tuple[list[Parsed], str]:
    """spaCy + the within-article pass, once; returns per-article mentions and local entities."""
    from storyline.nlp import load_nlp

    try:
        from storyline.extract.entities import find_entities

        within = "storyline.extract.entities.find_entities"
    except ImportError:
        find_entities = None
        within = "stand-in: doc.ents grouped by name (find_entities not available)"
    nlp = load_nlp()
    parsed: list[Parsed] = []
    for (newid, _, date), doc in zip(stories, nlp.pipe((s[1] for s in stories), batch_size=64), strict=True):
        if find_entities is not None:
            mentions, local = find_entities(doc)
        else:
            mentions = [Mention(e.start_char, e.end_char, e.text, e.label_, -1) for e in doc.ents]
            local = group_by_name(mentions)
        parsed.append((newid, date, mentions, local))
    return parsed, within


def respelled(article: Parsed, round_no: int) -> Parsed:
    """The article with every capitalised word of its names given a per-round suffix."""
    if round_no == 0:
        return article
    tag = _suffix(round_no)
    newid, date, mentions, local = article

    def spell(text: str) -> str:
        return _WORD.sub(lambda m: m.group(1) + tag, text)

    new_mentions = [replace(m, text=spell(m.text), entity_id=None) for m in mentions]
    new_local = [
        replace(e, name=spell(e.name), mentions=list(e.mentions), titles=list(e.titles)) for e in local
    ]
    return f"{newid}r{round_no}", date, new_mentions, new_local


def _suffix(n: int) -> str:
    letters = "bcdfghjklmnpqrstvwxz"
    out = ""
    while n:
        n, r = divmod(n, len(letters))
        out += letters[r]
    return out


def feed(registry: EntityRegistry, article: Parsed) -> None:
    newid, date, mentions, local = article
    mentions = [replace(m) for m in mentions]
    registry.resolve(ArticleContext(newid, date, "Reuters", None), mentions, local)


def time_probes(registry: EntityRegistry, probes: list[Parsed]) -> list[float]:
    """Milliseconds to resolve each probe article; each is forgotten again afterwards.

    The probes are resolved once untimed first, so that name parsing (cached per string) is warm
    at every size alike and the timing isolates the registry's own work.
    """
    for newid, date, mentions, local in probes:
        registry.resolve(
            ArticleContext(f"probe-{newid}", date, "Reuters", None), [replace(m) for m in mentions], local
        )
        registry.forget_article(f"probe-{newid}")
    times = []
    gc.disable()  # as timeit does: no collector pauses inside the timed calls
    try:
        for newid, date, mentions, local in probes:
            copy = [replace(m) for m in mentions]
            started = time.perf_counter()
            registry.resolve(ArticleContext(f"probe-{newid}", date, "Reuters", None), copy, local)
            times.append((time.perf_counter() - started) * 1000)
            registry.forget_article(f"probe-{newid}")
    finally:
        gc.enable()
    return times


def time_naive(registry: EntityRegistry, probes: list[Parsed]) -> float:
    """Mean milliseconds per article for a registry that compares each cluster with every entity."""
    names = [e.name.lower() for e in registry]
    started = time.perf_counter()
    for _, _, _, local in probes:
        for entity in local:
            parsed = parse_name(entity.name, "MISC")
            if parsed is not None:
                min((Levenshtein.distance(parsed.display.lower(), name) for name in names), default=0)
    return (time.perf_counter() - started) * 1000 / max(1, len(probes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nlp-docs", type=int, default=2000, help="stories parsed with spaCy (once)")
    parser.add_argument("--sizes", default="1000,5000,19000", help="registry sizes in articles")
    parser.add_argument("--probes", type=int, default=200, help="held-out articles timed at each size")
    parser.add_argument("--naive-probes", type=int, default=20, help="articles timed with the naive scan")
    parser.add_argument("--data", help="the reuters21578 folder")
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    started = time.perf_counter()
    stories = read_bodies(args.nlp_docs + args.probes, args.data)
    parsed, within = parse_all(stories)
    probes, pool = parsed[: args.probes], parsed[args.probes :]
    print(
        f"parsed {len(parsed)} Reuters bodies in {time.perf_counter() - started:.1f} s; within-article pass: {within}"
    )
    print(
        f"{len(probes)} probe articles held out; {len(pool)} articles feed the registry (respelled per round)"
    )

    registry = EntityRegistry()
    rows = []
    fed = 0
    for size in sizes:
        t0 = time.perf_counter()
        first = fed
        while fed < size:
            feed(registry, respelled(pool[fed % len(pool)], fed // len(pool)))
            fed += 1
        cold = (time.perf_counter() - t0) * 1000 / max(1, fed - first)
        times = time_probes(registry, probes)
        naive = time_naive(registry, probes[: args.naive_probes])
        rows.append((size, len(registry), statistics.median(times), statistics.fmean(times), naive, cold))

    base = rows[0]
    print(
        f"\n{'articles':>9} {'entities':>9} {'median ms':>10} {'mean ms':>8} {'x vs 1st':>9} "
        f"{'log n x':>8} {'ratio/log':>9} {'feed ms':>8} {'naive ms':>9} {'naive x':>8}"
    )
    for size, entities, median, mean, naive, cold in rows:
        growth = mean / base[3]
        log_growth = math.log(size) / math.log(base[0])
        print(
            f"{size:>9} {entities:>9} {median:>10.3f} {mean:>8.3f} {growth:>9.2f} "
            f"{log_growth:>8.2f} {growth / log_growth:>9.2f} {cold:>8.2f} {naive:>9.2f} {naive / base[4]:>8.2f}"
        )
    print(
        "\nmedian/mean ms: resolve() per probe article at that registry size; x vs 1st: mean against the "
        "smallest size (this run's baseline); log n x: ln(n)/ln(n_1st); ratio/log <= ~1: growth no faster "
        "than log n. feed ms: mean ms per article while growing to that size (new names, cold caches). "
        "naive: one rapidfuzz comparison of each cluster with every entity (what a scan would cost)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
