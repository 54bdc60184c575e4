"""Entity corrections from the command line are stored as rules and survive later ingests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.cli import main


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def _entities(db: str, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert main(["entities", "--db", db, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _names(entities: list[dict]) -> set[str]:
    return {e["name"] for e in entities}


def test_merge_rename_ignore_last_across_ingests(
    tmp_path: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first"
    _write(
        first,
        "a.txt",
        "Talks in Sella\n\nForeign Minister Anna Novak met Kestranian officials in Sella on Monday.\n",
    )
    _write(
        first,
        "b.txt",
        "Nowak in Corvanne\n\nMinister Anna Nowak told the Corvanne Herald the islands matter.\n",
    )
    assert main(["ingest", str(first), "--db", db_path, "--quiet"]) == 0
    assert {"Anna Novak", "Anna Nowak"} <= _names(_entities(db_path, capsys))

    assert main(["entities", "merge", "Anna Novak", "Anna Nowak", "--db", db_path]) == 0
    assert main(["entities", "rename", "Anna Novak", "Anna K. Novak", "--db", db_path]) == 0
    assert main(["entities", "ignore", "Corvanne Herald", "--db", db_path]) == 0
    names = _names(_entities(db_path, capsys))
    assert "Anna K. Novak" in names and "Anna Nowak" not in names and "Corvanne Herald" not in names

    later = tmp_path / "later"
    _write(
        later,
        "c.txt",
        "Nowak again\n\nAnna Nowak spoke to the Corvanne Herald on Friday about the islands.\n",
    )
    assert main(["ingest", str(later), "--db", db_path, "--quiet"]) == 0
    entities = _entities(db_path, capsys)
    novak = [e for e in entities if "Novak" in e["name"] or "Nowak" in e["name"]]
    assert [e["name"] for e in novak] == ["Anna K. Novak"]
    assert "Anna Nowak" in novak[0]["data"]["aliases"]
    assert "Corvanne Herald" not in _names(entities)


def test_bad_corrections_are_usage_errors(
    tmp_path: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        tmp_path / "in", "a.txt", "Talks in Sella\n\nForeign Minister Anna Novak met officials in Sella.\n"
    )
    main(["ingest", str(tmp_path / "in"), "--db", db_path, "--quiet"])
    assert main(["entities", "merge", "Anna Novak", "--db", db_path]) == 2
    assert main(["entities", "merge", "Anna Novak", "Nobody Known", "--db", db_path]) == 2
    assert "Nobody Known" in capsys.readouterr().err
