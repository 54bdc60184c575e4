"""An ingest killed mid-run (kill -9) and started again finishes without duplicates or losses."""

from __future__ import annotations

import calendar
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pg import pg_server, pg_url  # noqa: F401
from storyline.export import write_json
from storyline.store import Store
from storyline.store import schema as t

TOWNS = (
    "Port Ellery",
    "Drummond",
    "Lowick",
    "Ashby Cross",
    "Carrow",
    "Fennmoor",
    "Kestle Bay",
    "Oldham Ford",
)
PEOPLE = (
    ("Lina Ortiz", "mayor"),
    ("Tomas Reyes", "water minister"),
    ("Helen Marsh", "chief engineer"),
    ("Peter Vance", "business leader"),
    ("Anya Petrov", "councillor"),
    ("Ines Duarte", "council leader"),
)
HAPPENINGS = (
    ("closed the old harbour bridge", "Bridge closed in {town}"),
    ("opened a new public library", "{town} opens new library"),
    ("approved a budget for road repairs", "{town} approves road budget"),
    ("announced limits on water use", "Water limits announced in {town}"),
    ("started building a school", "Work starts on {town} school"),
)
RUNNER = "from storyline.cli import main; raise SystemExit(main())"


def invented_articles(count: int, outlet: str = "Invented Courier") -> list[dict[str, str]]:
    """``count`` distinct short news stories, all made up, as JSON Lines records."""
    records = []
    for i in range(count):
        town = TOWNS[i % len(TOWNS)]
        happened, headline = HAPPENINGS[(i // len(TOWNS)) % len(HAPPENINGS)]
        person, role = PEOPLE[(i * 5) % len(PEOPLE)]
        month, day = 1 + (i // 28) % 12, 1 + i % 28
        weekday = calendar.day_name[calendar.weekday(2024, month, day)]
        month_name = calendar.month_name[month]
        text = (
            f"{town.upper()}, {month_name} {day} - The council of {town} {happened} on {weekday}, "
            f"after a vote that followed {3 + i % 9} weeks of debate.\n"
            f'"This decision matters for every family here," said {person}, the {role}, in a statement. '
            f"Work is due to finish in {calendar.month_name[1 + (month + 2) % 12]}, officials said.\n"
            f"It is report number {i + 1} in this invented series."
        )
        records.append(
            {
                "title": headline.format(town=town) + f" ({i + 1})",
                "text": text,
                "date": f"2024-{month:02d}-{day:02d}",
                "outlet": outlet,
                "url": f"https://courier.example/{i + 1}",
            }
        )
    return records


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def storyline_command(*args: str) -> list[str]:
    return [sys.executable, "-c", RUNNER, *args]


def stored_articles(db: str) -> int:
    engine = sa.create_engine(
        db.replace("postgresql://", "postgresql+psycopg://") if "://" in db else f"sqlite:///{db}"
    )
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("articles"):
                return 0
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.articles)).scalar_one())
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


def export(db: str) -> str:
    store = Store(db)
    out = io.StringIO()
    write_json(store, out)
    store.close()
    return out.getvalue()


def kill_mid_run(inputs: Path, db: str, at_least: int, total: int) -> int:
    """Start an ingest, kill -9 it once ``at_least`` articles are stored; return how many were stored."""
    process = subprocess.Popen(
        storyline_command("ingest", str(inputs), "--db", db, "--batch-size", "8", "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        stored = 0
        while time.monotonic() < deadline and process.poll() is None:
            stored = stored_articles(db)
            if stored >= at_least:
                break
            time.sleep(0.05)
        assert process.poll() is None, f"ingest ended before it could be killed: {process.stderr.read()!r}"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()
    stored = stored_articles(db)
    assert at_least <= stored < total, f"{stored} articles stored when killed; the kill came too late"
    return stored


def check_resume(tmp_path: Path, db: str, reference_db: str) -> None:
    total = 200
    inputs = write_jsonl(tmp_path / "courier.jsonl", invented_articles(total))
    kill_mid_run(inputs, db, at_least=16, total=total)
    finished = subprocess.run(
        storyline_command("ingest", str(inputs), "--db", db, "--batch-size", "8", "--quiet"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr
    store = Store(db)
    try:
        assert store.count(t.articles) == total
        assert store.count(t.article_sources) == total  # no article recorded twice
        assert store.pending_seqs() == []  # every article went through the corpus stages
        with store.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(sa.select(t.articles.c.id).order_by(t.articles.c.seq))]
            urls = [r[0] for r in conn.execute(sa.select(t.articles.c.url).order_by(t.articles.c.seq))]
    finally:
        store.close()
    assert len(set(ids)) == total
    assert urls == [f"https://courier.example/{i + 1}" for i in range(total)]  # none lost, input order kept
    # an uninterrupted ingest of the same input gives the same export
    whole = subprocess.run(
        storyline_command("ingest", str(inputs), "--db", reference_db, "--batch-size", "8", "--quiet"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert whole.returncode == 0, whole.stderr
    assert export(db) == export(reference_db)


@pytest.mark.slow
def test_killed_ingest_resumes_on_sqlite(tmp_path: Path) -> None:
    check_resume(tmp_path, str(tmp_path / "killed.db"), str(tmp_path / "whole.db"))


@pytest.mark.slow
@pytest.mark.postgres
def test_killed_ingest_resumes_on_postgres(tmp_path: Path, pg_server) -> None:  # noqa: F811
    check_resume(
        tmp_path, pg_server.create_database("resume_killed"), pg_server.create_database("resume_whole")
    )
