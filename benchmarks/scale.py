"""Ingest throughput and peak memory on Reuters-21578, engine by engine and store by store.

Each configuration runs ``storyline ingest`` as a separate process over the first ``--limit``
stories (all 21,578 by default) written as JSON Lines, and measures:

- articles per second over the whole run (model loading and corpus stages included) and over
  the per-article phase alone (until the last article is stored);
- peak resident memory of the ingest process and all its children (workers), sampled;
- the database size at the end.

Results are printed as one table and appended to ``--save`` (a JSON file), so that
configurations can be run separately (``--config jobs1-sqlite``) and tabulated together
(``--table``). Ratios against the baselines (``jobs1``/``jobs2``/``sqlite``) use the rows of
the same ``--limit``. PostgreSQL runs use ``--postgres URL`` or a throw-away local server
(tests/pg.py) whose own memory is not counted.

    python benchmarks/scale.py --limit 2000 --config all
    python benchmarks/scale.py --config jobs1-sqlite          # all 21,578 stories
    python benchmarks/scale.py --table
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import sqlalchemy as sa

REUTERS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "reuters21578"
DEFAULT_SAVE = Path(tempfile.gettempdir()) / "storyline-scale.json"
RUNNER = "from storyline.cli import main; raise SystemExit(main())"

#: name -> (engine, jobs, store)
CONFIGS: dict[str, tuple[str, int, str]] = {
    "jobs1-sqlite": ("local", 1, "sqlite"),
    "jobs2-sqlite": ("local", 2, "sqlite"),
    "dask2-sqlite": ("dask", 2, "sqlite"),
    "jobs1-postgres": ("local", 1, "postgres"),
    "jobs2-postgres": ("local", 2, "postgres"),
    "dask2-postgres": ("dask", 2, "postgres"),
}

_STORY = re.compile(rb"<REUTERS\b(.*?)</REUTERS>", re.DOTALL)
_NEWID = re.compile(rb'NEWID="(\d+)"')
_FIELD = {
    name: re.compile(rf"<{name}\b[^>]*>(.*?)</{name}>".encode(), re.DOTALL)
    for name in ("DATE", "TITLE", "BODY", "TEXT")
}
_TAG = re.compile(r"<[^>]+>")
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), start=1)}  # noqa: SIM905


# ---- the corpus --------------------------------------------------------------------------
def reuters_records(folder: Path = REUTERS) -> list[dict[str, Any]]:
    """Every story of the .sgm files (latin-1) as a JSON Lines record, in NEWID order.

    The text is the BODY, else the TITLE, else (unprocessed stories) the bare TEXT.
    """
    records = []
    for path in sorted(folder.glob("reut2-*.sgm")):
        for match in _STORY.finditer(path.read_bytes()):
            story = match.group(1)
            fields = {k: _field(story, k) for k in _FIELD}
            newid = _NEWID.search(story)
            # UNPROC stories have neither: their bare TEXT (NEWID 12793 is empty; the ingest rejects it)
            text = fields["BODY"] or fields["TITLE"] or _TAG.sub(" ", fields["TEXT"]).strip()
            records.append(
                {
                    "text": text,
                    "title": fields["TITLE"] or None,
                    "date": _iso_day(fields["DATE"]),
                    "outlet": "Reuters",
                    "newid": int(newid.group(1)) if newid else None,
                }
            )
    return sorted(records, key=lambda r: r["newid"] or 0)


def _field(story: bytes, name: str) -> str:
    found = _FIELD[name].search(story)
    if not found:
        return ""
    return html.unescape(found.group(1).decode("latin-1")).replace("\x03", "").strip()


def _iso_day(stamp: str) -> str | None:
    """``26-FEB-1987 15:01:01.79`` -> ``1987-02-26`` (the day part only, which is always well formed)."""
    found = re.match(r"\s*(\d{1,2})-([A-Z]{3})-(\d{4})", stamp)
    if not found or found.group(2) not in _MONTHS:
        return None
    return f"{found.group(3)}-{_MONTHS[found.group(2)]:02d}-{int(found.group(1)):02d}"


def write_corpus(limit: int | None, folder: Path) -> tuple[Path, int]:
    records = reuters_records()[:limit]
    path = folder / f"reuters-{len(records)}.jsonl"
    if not path.exists():
        with path.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path, len(records)


# ---- measuring one run -------------------------------------------------------------------
@dataclass(slots=True)
class Result:
    config: str
    stories: int
    added: int
    seconds: float
    article_seconds: float  # until the last article was stored; the rest is the corpus stages
    articles_per_s: float
    article_phase_per_s: float
    cpu_s: float  # user + system time of the ingest process and its workers
    db_cpu_s: float | None  # the PostgreSQL server's, when this script started it
    peak_rss_mb: float
    article_phase_peak_mb: float  # the peak until the last article was stored (before the corpus stages)
    db_mb: float
    load_avg: float  # the machine's 1-minute load average at the end: other work competing for the cores
    when: str


class PeakMemory(threading.Thread):
    """Samples the summed RSS of a process and its descendants; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.phase_peak: int | None = None  # the peak when ``mark_phase`` was called
        self.done = threading.Event()

    def mark_phase(self) -> None:
        self.phase_peak = self.peak

    def run(self) -> None:
        while not self.done.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = 0
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            self.done.wait(self.every)


def count_articles(engine: sa.Engine) -> int:
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT count(*) FROM articles").scalar_one())
    except sa.exc.DBAPIError:
        return 0


def db_size_mb(db: str, engine: sa.Engine) -> float:
    if "://" not in db:
        return sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*")) / 1e6
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()) / 1e6


def expected_articles(corpus: Path) -> int:
    """How many distinct articles the corpus holds (identical stories are stored once)."""
    from storyline.ingest.jsonl import read_jsonl
    from storyline.model import RawDocument
    from storyline.process import article_id

    return len(
        {article_id(d) for d in read_jsonl(corpus.read_bytes(), str(corpus)) if isinstance(d, RawDocument)}
    )


def run_config(
    name: str, corpus: Path, stories: int, db: str, batch_size: int, server_pid: int | None
) -> Result:
    engine_name, jobs, _ = CONFIGS[name]
    command = [sys.executable, "-c", RUNNER, "ingest", str(corpus), "--db", db, "--quiet"]
    command += ["--jobs", str(jobs), "--engine", engine_name, "--batch-size", str(batch_size)]
    url = db.replace("postgresql://", "postgresql+psycopg://") if "://" in db else f"sqlite:///{db}"
    engine = sa.create_engine(url)
    expected = expected_articles(corpus)
    cpu_before = _children_cpu()
    db_cpu_before = server_cpu(server_pid)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, text=True)
        memory = PeakMemory(process.pid)
        memory.start()
        articles_done = None
        while process.poll() is None:
            time.sleep(0.5)
            if articles_done is None and count_articles(engine) >= expected:
                articles_done = time.perf_counter()
                memory.mark_phase()
        seconds = time.perf_counter() - started
        memory.done.set()
        memory.join()
        errors.seek(0)
        stderr = errors.read()
    added = count_articles(engine)
    if process.returncode not in (0, 1) or "Traceback" in stderr or added < expected:
        engine.dispose()
        raise SystemExit(
            f"{name}: ingest failed (exit {process.returncode}, {added} of {expected} articles): {stderr[-3000:]}"
        )
    article_seconds = min(articles_done or started + seconds, started + seconds) - started
    db_cpu = server_cpu(server_pid)
    result = Result(
        config=name,
        stories=stories,
        added=added,
        seconds=round(seconds, 1),
        article_seconds=round(article_seconds, 1),
        articles_per_s=round(stories / seconds, 2),
        article_phase_per_s=round(stories / article_seconds, 2),
        cpu_s=round(_children_cpu() - cpu_before, 1),
        db_cpu_s=None if db_cpu is None or db_cpu_before is None else round(db_cpu - db_cpu_before, 1),
        peak_rss_mb=round(memory.peak / 1e6, 1),
        article_phase_peak_mb=round((memory.phase_peak or memory.peak) / 1e6, 1),
        db_mb=round(db_size_mb(db, engine), 1),
        load_avg=round(os.getloadavg()[0], 2),
        when=datetime.now().isoformat(timespec="seconds"),
    )
    engine.dispose()
    return result


def _children_cpu() -> float:
    """CPU seconds of every finished child of this process and of their waited-for descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu(pid: int | None) -> float | None:
    """CPU seconds a PostgreSQL server (postmaster and backends, live and ended) has used."""
    if pid is None:
        return None
    try:
        root = psutil.Process(pid)
        total = sum(root.cpu_times()[:4])  # user, system, children_user, children_system
        for child in root.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += sum(child.cpu_times()[:2])
        return total
    except psutil.NoSuchProcess:
        return None


# ---- stores ------------------------------------------------------------------------------
class Databases:
    """A fresh database per run: a SQLite file, or a database on a PostgreSQL server."""

    def __init__(self, folder: Path, postgres: str | None) -> None:
        self.folder = folder
        self.postgres = postgres
        self.server: Any = None
        self.counter = 0

    def new(self, store: str) -> str:
        self.counter += 1
        if store == "sqlite":
            return str(self.folder / f"run{self.counter}.db")
        if self.postgres is None:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from pg import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("no PostgreSQL binaries: pass --postgres URL or install postgresql-15")
            self.server = PostgresServer(bindir)
            self.server.start()
            self.postgres = self.server.url
        return self._create(f"scale_{os.getpid()}_{self.counter}")

    def _create(self, name: str) -> str:
        base = sa.create_engine(
            str(self.postgres).replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with base.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        base.dispose()
        return str(self.postgres).rsplit("/", 1)[0] + "/" + name

    @property
    def server_pid(self) -> int | None:
        """The postmaster's pid, for a server this script started."""
        if self.server is None:
            return None
        return int((self.server.data / "postmaster.pid").read_text().split()[0])

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


# ---- the table ---------------------------------------------------------------------------
def load(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text()) if path.exists() else []


def latest(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    by_key: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        by_key[(row["config"], row["stories"])] = row
    return by_key


def table(rows: list[dict[str, Any]]) -> str:
    by_key = latest(rows)
    head = (
        f"{'config':<15} {'stories':>7} {'added':>6} {'wall s':>7} {'art/s':>6} {'phase/s':>7} {'cpu s':>6} "
        f"{'db cpu':>6} {'ms/art':>6} {'peak MB':>7} {'db MB':>6} {'load':>5}  ratio (art/s)"
    )
    lines = [head, "-" * len(head)]
    for (name, stories), row in sorted(
        by_key.items(), key=lambda kv: (kv[0][1], list(CONFIGS).index(kv[0][0]))
    ):
        db_cpu = row.get("db_cpu_s")
        cpu_per_article = 1000 * (row["cpu_s"] + (db_cpu or 0)) / max(1, row["added"])
        lines.append(
            f"{name:<15} {stories:>7} {row['added']:>6} {row['seconds']:>7.1f} {row['articles_per_s']:>6.2f} "
            f"{row['article_phase_per_s']:>7.2f} {row['cpu_s']:>6.0f} {'-' if db_cpu is None else f'{db_cpu:.0f}':>6} "
            f"{cpu_per_article:>6.0f} {row['peak_rss_mb']:>7.0f} {row['db_mb']:>6.1f} {row['load_avg']:>5.1f}  "
            f"{_ratio(by_key, name, stories)}"
        )
    lines += _memory_lines(by_key)
    return "\n".join(lines)


def _ratio(by_key: dict[tuple[str, int], dict[str, Any]], name: str, stories: int) -> str:
    """The throughput ratio this configuration is judged by, against its baseline of the same size."""
    baselines = {
        "jobs2-sqlite": ("jobs1-sqlite", ">= 1.80"),
        "dask2-sqlite": ("jobs2-sqlite", ">= 0.85"),
        "jobs1-postgres": ("jobs1-sqlite", ">= 0.80"),
        "jobs2-postgres": ("jobs2-sqlite", ">= 0.80"),
        "dask2-postgres": ("dask2-sqlite", ">= 0.80"),
    }
    if name not in baselines:
        return ""
    base, target = baselines[name]
    if (base, stories) not in by_key:
        return f"(no {base} run)"
    ratio = by_key[(name, stories)]["articles_per_s"] / by_key[(base, stories)]["articles_per_s"]
    return f"{ratio:.2f}x {base} (target {target})"


def _memory_lines(by_key: dict[tuple[str, int], dict[str, Any]]) -> list[str]:
    lines = []
    for name in CONFIGS:
        sizes = sorted(s for n, s in by_key if n == name)
        if len(sizes) >= 2:
            small, large = by_key[(name, sizes[0])], by_key[(name, sizes[-1])]
            lines.append(
                f"memory {name}: peak {large['peak_rss_mb']:.0f} MB at {sizes[-1]} vs {small['peak_rss_mb']:.0f} MB "
                f"at {sizes[0]} stories = {large['peak_rss_mb'] / small['peak_rss_mb']:.2f}x (target <= 1.50x)"
                + _phase_ratio(small, large)
            )
    return lines


def _phase_ratio(small: dict[str, Any], large: dict[str, Any]) -> str:
    if not small.get("article_phase_peak_mb") or not large.get("article_phase_peak_mb"):
        return ""
    ratio = large["article_phase_peak_mb"] / small["article_phase_peak_mb"]
    return (
        f"; per-article phase alone {large['article_phase_peak_mb']:.0f} vs {small['article_phase_peak_mb']:.0f} MB"
        f" = {ratio:.2f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--config", action="append", choices=[*CONFIGS, "all"], help="configuration(s) to run"
    )
    parser.add_argument("--limit", type=int, help="first N stories (default: all 21,578)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: a throw-away local server)")
    parser.add_argument(
        "--save", type=Path, default=DEFAULT_SAVE, help=f"results file (default {DEFAULT_SAVE})"
    )
    parser.add_argument("--table", action="store_true", help="print the table of the saved results")
    parser.add_argument("--json", action="store_true", help="print this run's results as JSON")
    args = parser.parse_args(argv)
    if not args.config and not args.table:
        parser.error("give --config NAME (or all), or --table")
    names = list(CONFIGS) if "all" in (args.config or []) else list(dict.fromkeys(args.config or []))
    results = []
    with tempfile.TemporaryDirectory(prefix="storyline-scale-") as tmp:
        folder = Path(tmp)
        databases = Databases(folder, args.postgres)
        try:
            if names:
                corpus, stories = write_corpus(args.limit, folder)
            for name in names:
                db = databases.new(CONFIGS[name][2])
                result = run_config(name, corpus, stories, db, args.batch_size, databases.server_pid)
                results.append(asdict(result))
                print(
                    f"{name}: {result.stories} stories in {result.seconds:.1f} s, "
                    f"{result.articles_per_s:.2f} articles/s, peak {result.peak_rss_mb:.0f} MB",
                    file=sys.stderr,
                )
                args.save.write_text(json.dumps([*load(args.save), asdict(result)], indent=1))
        finally:
            databases.close()
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(table(load(args.save) if args.table else results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
