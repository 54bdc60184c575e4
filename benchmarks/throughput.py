"""Throughput of ``storyline ingest`` against spaCy's own ``nlp.pipe`` over the same texts.

Both run as separate processes over the first N Reuters-21578 stories, each timed from start to
exit (interpreter start and model load included on both sides) and measured for peak memory
(max RSS). The ratio ingest/spaCy says how little the pipeline around spaCy costs (aim: >= 0.8).

    python benchmarks/throughput.py [--limit 2000] [--jobs 1]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_jsonl

SPACY_ONLY = """
import json, sys
from storyline.nlp import load_nlp
nlp = load_nlp()
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
n = sum(1 for _ in nlp.pipe(texts, batch_size=64))
print(n)
"""


def run_measured(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB and stdout of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    out = process.stdout.read() if process.stdout else ""
    err = process.stderr.read() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=2000, help="number of Reuters-21578 stories")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "reuters.jsonl"
        n = write_jsonl(corpus, args.limit)
        spacy_s, spacy_mb, _ = run_measured([sys.executable, "-c", SPACY_ONLY, str(corpus)])
        db = str(Path(tmp) / "bench.db")
        ingest_cmd = [
            sys.executable,
            "-m",
            "storyline.cli",
            "ingest",
            str(corpus),
            "--db",
            db,
            "--quiet",
            "--jobs",
            str(args.jobs),
        ]
        ingest_s, ingest_mb, _ = run_measured(ingest_cmd)
    spacy_rate, ingest_rate = n / spacy_s, n / ingest_s
    print(
        f"Reuters-21578, first {n} stories; jobs={args.jobs}; wall time includes interpreter start and model load"
    )
    print(f"{'run':<28}{'seconds':>10}{'articles/s':>12}{'peak RSS MiB':>14}")
    print(f"{'spaCy nlp.pipe only':<28}{spacy_s:>10.1f}{spacy_rate:>12.1f}{spacy_mb:>14.0f}")
    print(f"{'storyline ingest':<28}{ingest_s:>10.1f}{ingest_rate:>12.1f}{ingest_mb:>14.0f}")
    print(f"ratio ingest/spaCy (articles per second): {ingest_rate / spacy_rate:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
