"""Cost of TIMEX3 tagging (and event dating) on top of spaCy's own pass over the same texts.

Texts: TempEval-3 TBAQ-cleaned (``shared/datasets/tempeval3``), or the Reuters-21578 bodies
(``shared/datasets/reuters21578``, read as latin-1) with ``--corpus reuters``. The spaCy pass
and the tagging are timed in the same run; the overhead ratio is tagging time / spaCy time
(the budget is 0.10), measured in CPU time of this process because the machine is shared
(wall-clock times are printed too).

    python benchmarks/time_tagging.py [--corpus tbaq|reuters] [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from storyline.eval.common import dataset_path
from storyline.eval.tempeval import iter_timeml
from storyline.nlp import load_nlp, model_name
from storyline.time.events import date_events
from storyline.time.timex import tag_timexes

_REUTERS_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_REUTERS_DATE = re.compile(r"<DATE>\s*(\d{1,2})-([A-Z]{3})-(\d{4})", re.I)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}


def tbaq_texts(limit: int) -> list[tuple[str, str | None]]:
    folder = dataset_path("tempeval3") / "TBAQ-cleaned"
    return [(d.text, d.dct) for d in iter_timeml(folder)][:limit]


def reuters_texts(limit: int) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for path in sorted(dataset_path("reuters21578").rglob("*.sgm")):
        raw = path.read_text(encoding="latin-1")
        for record in raw.split("</REUTERS>"):
            body = _REUTERS_BODY.search(record)
            if not body:
                continue
            date = _REUTERS_DATE.search(record)
            dct = None
            if date and date.group(2).upper() in _MONTHS:
                dct = f"{date.group(3)}-{_MONTHS[date.group(2).upper()]:02d}-{int(date.group(1)):02d}"
            out.append((body.group(1).replace("&lt;", "<").replace("&amp;", "&"), dct))
            if len(out) >= limit:
                return out
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("tbaq", "reuters"), default="tbaq")
    parser.add_argument("--limit", type=int, default=300, help="number of texts")
    parser.add_argument("--repeat", type=int, default=3, help="tagging passes (the fastest is kept)")
    args = parser.parse_args(argv)
    texts = tbaq_texts(args.limit) if args.corpus == "tbaq" else reuters_texts(args.limit)
    if not texts:
        print("no texts found", file=sys.stderr)
        return 2
    nlp = load_nlp()
    nlp("warm up")
    tag_timexes("warm up on Monday", "2020-01-01")

    wall, cpu = time.perf_counter(), time.process_time()
    docs = list(nlp.pipe([t for t, _ in texts], batch_size=32))
    spacy_s, spacy_cpu = time.perf_counter() - wall, time.process_time() - cpu

    tag_s = tag_cpu = events_cpu = float("inf")
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        tagged = [tag_timexes(text, dct, doc) for (text, dct), doc in zip(texts, docs, strict=True)]
        tag_s, tag_cpu = min(tag_s, time.perf_counter() - wall), min(tag_cpu, time.process_time() - cpu)
        cpu = time.process_time()
        for (_, dct), doc, timexes in zip(texts, docs, tagged, strict=True):
            date_events(doc, timexes, dct)
        events_cpu = min(events_cpu, time.process_time() - cpu)

    words = sum(len(doc) for doc in docs)
    print(f"corpus: {args.corpus}, {len(texts)} texts, {words} tokens, model {model_name(nlp)}")
    print(f"timexes found: {sum(len(t) for t in tagged)}")
    print("                        CPU s     wall s")
    print(f"spaCy only            : {spacy_cpu:8.3f}  {spacy_s:8.3f}")
    print(f"spaCy + timex tagging : {spacy_cpu + tag_cpu:8.3f}  {spacy_s + tag_s:8.3f}")
    print(f"  + event dating      : {spacy_cpu + tag_cpu + events_cpu:8.3f}")
    print(f"overhead ratio, CPU (tagging / spaCy): {tag_cpu / spacy_cpu:.3f}  (budget 0.100)")
    print(f"overhead ratio, CPU (tagging + event dating / spaCy): {(tag_cpu + events_cpu) / spacy_cpu:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
