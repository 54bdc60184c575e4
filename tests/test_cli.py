"""The command line: exit codes, rejected inputs listed, commands over a small corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.cli import main

ARTICLES = {
    "wire/one.txt": (
        "Ministers meet in Sella\n\nSELLA, March 3 /NORTH WIRE/. Foreign Minister Anna Novak met President "
        'Dmitry Ivanov on Tuesday to discuss the islands in 2019.\n\n"We are ready to talk," Novak said.\n'
        "Get short URL\n0 63\n"
    ),
    "wire/two.txt": (
        "Novak returns to Sella\n\nSELLA, June 5 /NORTH WIRE/. Anna Novak returned to Sella on Wednesday for "
        'another round of island talks with Ivanov in 2019.\n\n"The talks were useful," she said.\n'
    ),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for name, text in ARTICLES.items():
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "in"


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2


def test_unknown_option_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["ingest", "x", "--no-such-flag"])
    assert exit_info.value.code == 2


def test_rejected_inputs_are_listed_and_exit_one(
    corpus: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    code = main(["ingest", str(corpus), str(corpus / "missing.txt"), "--db", db_path, "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "empty.txt" in err and "missing.txt" in err
    assert main(["export", "--db", db_path, "--format", "jsonl", "--quiet"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sum(1 for line in lines if line["record"] == "article") == 2


def test_query_commands_run_on_an_ingested_corpus(
    corpus: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(corpus), "--db", db_path, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["stories", "--db", db_path, "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert stories
    assert main(["story", stories[0]["id"], "--db", db_path, "--timeline"]) == 0
    assert "Ministers meet in Sella" in capsys.readouterr().out
    assert main(["quotes", "--db", db_path, "--speaker", "Novak", "--json"]) == 0
    quotes = json.loads(capsys.readouterr().out)
    assert quotes and all("Novak" in (q["speaker"]["name"] or "") for q in quotes)
    assert main(["entities", "--db", db_path, "--json"]) == 0
    entities = json.loads(capsys.readouterr().out)
    assert any(e["name"] == "Anna Novak" for e in entities)
    assert main(["entity", "Novak", "--db", db_path, "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["name"] == "Anna Novak" and view["quotes_by"]
    article_id = quotes[0]["article_id"]
    assert main(["article", article_id, "--db", db_path, "--json"]) == 0
    article = json.loads(capsys.readouterr().out)
    assert {"Get short URL", "0 63"} <= {r["text"] for r in article["removed_lines"]}
    assert main(["search", "islands", "--db", db_path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_missing_database_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stories", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such database" in capsys.readouterr().err


def test_unknown_ids_exit_one(corpus: Path, db_path: str) -> None:
    main(["ingest", str(corpus), "--db", db_path, "--quiet"])
    assert main(["story", "s_nope", "--db", db_path]) == 1
    assert main(["article", "a_nope", "--db", db_path]) == 1
    assert main(["entity", "Nobody Atall", "--db", db_path]) == 1


INTERRUPTED_QUOTE = (
    "Novak in Sella\n\nForeign Minister Anna Novak arrived in Sella on Monday.\n\n"
    '"It is," she told reporters at the airport, "a first step."\n'
)
NOVAK_AND_AIDES = (
    "Talks in Sella\n\nSELLA, March 3 /NORTH WIRE/. Foreign Minister Anna Novak met President "
    'Dmitry Ivanov on Tuesday.\n\n"We are ready to talk," Novak said.\n\n'
    "Novak's aides said the talks would resume in April.\n"
)


def test_a_quote_interrupted_by_its_cue_is_shown_and_exported_without_the_cue(
    tmp_path: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    quotes = _ingested_quotes(tmp_path, db_path, capsys, INTERRUPTED_QUOTE)
    (quote,) = [q for q in quotes if q["kind"] == "direct"]
    assert quote["words"] == '"It is," … "a first step."'
    assert "told reporters" in quote["text"]  # the content span, from first to last fragment
    assert main(["quotes", "--db", db_path]) == 0
    assert "told reporters" not in capsys.readouterr().out
    assert main(["export", "--db", db_path, "--format", "json", "--quiet"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["storyline_export"]["version"] == "1.1"
    (record,) = [q for q in exported["quotes"] if q["kind"] == "direct"]
    assert [p["text"] for p in record["parts"]] == ['"It is,"', '"a first step."']


def test_quotes_name_the_speakers_registry_entity_not_a_misspelt_surface(
    tmp_path: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n, name in enumerate(["Anna Novak", "Anna Novak", "Anna Nowak"]):
        (folder / f"{n}.txt").write_text(
            f"Talks in Sella\n\nSELLA, March {n + 3} /NORTH WIRE/. Foreign Minister {name} met President "
            f'Dmitry Ivanov on Tuesday to discuss the islands.\n\n"We are ready to talk," {name.split()[1]} said.\n',
            encoding="utf-8",
        )
    assert main(["ingest", str(folder), "--db", db_path, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["quotes", "--db", db_path, "--json"]) == 0
    speakers = {
        (q["speaker"]["name"], q["speaker"].get("entity_name")) for q in json.loads(capsys.readouterr().out)
    }
    assert ("Anna Nowak", "Anna Novak") in speakers  # the registry joined the misspelling to Novak
    assert main(["quotes", "--db", db_path]) == 0
    assert "Nowak" not in capsys.readouterr().out


def test_quotes_by_a_speaker_leave_out_those_of_the_people_named_after_them(
    tmp_path: Path, db_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    speakers = {q["speaker"]["name"] for q in _ingested_quotes(tmp_path, db_path, capsys, NOVAK_AND_AIDES)}
    assert speakers >= {"Anna Novak", "Novak's aides"}
    assert main(["quotes", "--db", db_path, "--speaker", "Novak", "--json"]) == 0
    assert {q["speaker"]["name"] for q in json.loads(capsys.readouterr().out)} == {"Anna Novak"}


def _ingested_quotes(
    tmp_path: Path, db_path: str, capsys: pytest.CaptureFixture[str], text: str
) -> list[dict]:
    """The quotes `storyline quotes --json` lists after ingesting one article of ``text``."""
    path = tmp_path / "in" / "article.txt"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    assert main(["ingest", str(path), "--db", db_path, "--quiet"]) == 0
    capsys.readouterr()
    assert main(["quotes", "--db", db_path, "--json"]) == 0
    return json.loads(capsys.readouterr().out)
