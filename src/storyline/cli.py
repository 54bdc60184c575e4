"""The command line: a thin layer over the pipeline, the store queries and the renderers.

Exit codes: 0 all good, 1 some inputs rejected (each listed) or a thing not found, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storyline import __version__

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storyline", description="Turn a pile of news articles into storylines."
    )
    parser.add_argument("--version", action="version", version=f"storyline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", help="database: a SQLite file (default ./storyline.db) or postgresql://...")
        p.add_argument("--config", help="a storyline.toml settings file")
        p.add_argument("--quiet", "-q", action="store_true", help="print only errors and results")
        return p

    p = command("ingest", "Read articles (files, folders, globs, - for stdin) and run the whole pipeline.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--jobs", "-j", type=int, help="worker processes for the per-article stages")
    p.add_argument("--batch-size", type=int, help="articles per batch (default 64)")
    p.add_argument("--engine", choices=["local", "dask"], help="where per-article stages run")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster)")
    p.add_argument("--aliases", help="the alias file (TOML) for the entity registry")
    p.add_argument("--max-article-mb", type=float, help="largest single text/HTML article accepted")

    p = command("stories", "List stories.")
    p.add_argument("--since", help="only stories with articles on or after this date (YYYY[-MM[-DD]])")
    p.add_argument("--json", action="store_true")

    p = command("story", "Show one story (by id or id prefix).")
    p.add_argument("id")
    p.add_argument("--timeline", action="store_true", help="show the timeline")
    p.add_argument("--format", choices=["table", "markdown", "html", "json"], default="table")
    p.add_argument("--since", help="also list what changed since this date")

    p = command("quotes", "List quotes, oldest first.")
    p.add_argument("--speaker", help="speaker name, alias or entity id")
    p.add_argument("--story", help="story id")
    p.add_argument("--since", help="only quotes on or after this date")
    p.add_argument("--json", action="store_true")

    p = command(
        "entities",
        "List entities, or correct the registry: merge A B | split ENTITY ALIAS | rename ENTITY NAME | ignore NAME.",
    )
    p.add_argument(
        "action", nargs="?", choices=["list", "merge", "split", "rename", "ignore"], default="list"
    )
    p.add_argument("args", nargs="*")
    p.add_argument("--type", help="PERSON, ORG, GPE, LOC, ...")
    p.add_argument("--json", action="store_true")

    p = command("entity", "Show one entity: mentions over time, stories, quotes by and about, other names.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")

    p = command(
        "article", "Show one article: cleaned text, removed lines with reasons, dates, quotes, reuse."
    )
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = command("export", "Export everything as the documented JSON contract.")
    p.add_argument("--format", choices=["json", "jsonl"], default="json")
    p.add_argument("--out", help="output file (default: standard output)")

    p = command("search", "Full-text search over titles and texts.")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")

    p = command("serve", "Serve the JSON API and the web pages.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--allow-edits", action="store_true", help="allow entity merges and renames from the UI")

    p = sub.add_parser(
        "eval",
        help="Score a task against gold data: time, quotes, entities, stories, timeline, pubdate, extraction.",
    )
    p.add_argument("task")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    if args.command == "eval":
        return _eval(args.task, args.rest)
    from storyline.config import ConfigError, Settings
    from storyline.store import StoreError

    try:
        settings = Settings.load(args.config).override(db=args.db)
        handler = COMMANDS[args.command]
        return handler(args, settings)
    except (ConfigError, StoreError) as error:
        print(f"storyline: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


def _store(settings: Any, must_exist: bool = True) -> Any:
    from storyline.store import Store, StoreError

    if must_exist and "://" not in settings.db and not Path(settings.db).exists():
        raise StoreError(
            f"{settings.db}: no such database; run `storyline ingest PATH --db {settings.db}` first"
        )
    return Store(settings.db)


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def cmd_ingest(args: argparse.Namespace, settings: Any) -> int:
    from storyline.ingest.sources import Limits
    from storyline.pipeline import IngestOptions, ingest
    from storyline.show import console, err_console, progress_bar

    settings.override(
        jobs=args.jobs,
        batch_size=args.batch_size,
        engine=args.engine,
        scheduler=args.scheduler,
        aliases=args.aliases,
        max_article_mb=args.max_article_mb,
    )
    if settings.jobs < 1 or settings.batch_size < 1:
        err_console.print("storyline: --jobs and --batch-size must be at least 1")
        return EXIT_USAGE
    if settings.aliases:
        import os

        os.environ["STORYLINE_ALIASES"] = settings.aliases
    options = IngestOptions(
        jobs=settings.jobs,
        batch_size=settings.batch_size,
        engine=settings.engine,
        scheduler=settings.scheduler,
        limits=Limits(max_article_bytes=int(settings.max_article_mb * 1024 * 1024)),
    )
    store = _store(settings, must_exist=False)

    def on_error(error: Any) -> None:
        err_console.print(f"rejected: {error.source}: {error.reason}", markup=False, highlight=False)

    with progress_bar("ingesting", disable=args.quiet) as advance:
        report = ingest(args.paths, store, options, on_progress=advance, on_error=on_error)
    if not args.quiet:
        console.print(
            f"{report.added} new article(s), {report.already_stored} already stored, "
            f"{len(report.rejected)} input(s) rejected; database {settings.db}",
            highlight=False,
        )
        if report.corpus:
            console.print(
                ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.corpus.items()), highlight=False
            )
    store.close()
    return EXIT_REJECTED if report.rejected else EXIT_OK


def cmd_stories(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import stories_table
    from storyline.store import queries as q

    store = _store(settings)
    with store.engine.connect() as conn:
        rows = q.list_stories(conn, since=args.since)
    if args.json:
        _print_json(rows)
    else:
        stories_table(rows)
    return EXIT_OK


def cmd_story(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import err_console, show_story
    from storyline.store import queries as q

    store = _store(settings)
    with store.engine.connect() as conn:
        story = q.story(conn, args.id)
        if story is None:
            err_console.print(f"storyline: no story {args.id!r}")
            return EXIT_REJECTED
        show_story(conn, story, timeline=args.timeline, fmt=args.format, since=args.since)
    return EXIT_OK


def cmd_quotes(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import quotes_table
    from storyline.store import queries as q

    store = _store(settings)
    with store.engine.connect() as conn:
        rows = q.list_quotes(conn, speaker=args.speaker, story_id=args.story, since=args.since)
    if args.json:
        _print_json(rows)
    else:
        quotes_table(rows)
    return EXIT_OK


def cmd_entities(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import entities_table, err_console
    from storyline.store import queries as q

    store = _store(settings)
    if args.action != "list":
        from storyline.corpus.edits import EditError, apply_edit

        try:
            message = apply_edit(store, args.action, args.args)
        except EditError as error:
            err_console.print(f"storyline: {error}")
            return EXIT_USAGE
        print(message)
        return EXIT_OK
    with store.engine.connect() as conn:
        rows = q.list_entities(conn, type_=args.type)
    if args.json:
        _print_json(rows)
    else:
        entities_table(rows)
    return EXIT_OK


def cmd_entity(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import err_console, show_entity
    from storyline.store import queries as q

    store = _store(settings)
    with store.engine.connect() as conn:
        entity = q.find_entity(conn, args.name)
        if entity is None:
            err_console.print(f"storyline: no entity named {args.name!r}")
            return EXIT_REJECTED
        show_entity(conn, entity, as_json=args.json)
    return EXIT_OK


def cmd_article(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import err_console, show_article
    from storyline.store import queries as q

    store = _store(settings)
    with store.engine.connect() as conn:
        article = q.article(conn, args.id)
    if article is None:
        err_console.print(f"storyline: no article {args.id!r}")
        return EXIT_REJECTED
    if args.json:
        article.pop("input_text", None)
        _print_json(article)
    else:
        show_article(article)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Any) -> int:
    from storyline.export import write_json, write_jsonl

    store = _store(settings)
    writer = write_json if args.format == "json" else write_jsonl
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            count = writer(store, out)
        if not args.quiet:
            print(f"{count} records written to {args.out}", file=sys.stderr)
    else:
        writer(store, sys.stdout)
    return EXIT_OK


def cmd_search(args: argparse.Namespace, settings: Any) -> int:
    from storyline.show import search_table
    from storyline.store import queries as q

    store = _store(settings)
    with store.engine.connect() as conn:
        rows = q.search(conn, args.text, limit=args.limit)
    if args.json:
        _print_json(rows)
    else:
        search_table(rows)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Any) -> int:
    import uvicorn

    from storyline.serve.app import create_app

    _store(settings)
    app = create_app(settings.db, allow_edits=args.allow_edits)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info")
    return EXIT_OK


def _eval(task: str, rest: list[str]) -> int:
    import importlib

    from storyline.eval import TASKS

    known = (*TASKS, "pubdate")
    if task not in known:
        print(f"storyline eval: unknown task {task!r}; choose from {', '.join(known)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        module = importlib.import_module(f"storyline.eval.{task}")
    except ModuleNotFoundError as error:
        print(f"storyline eval: task {task!r} is not available ({error})", file=sys.stderr)
        return EXIT_USAGE
    result = module.main(rest)
    return int(result or 0)


COMMANDS = {
    "ingest": cmd_ingest,
    "stories": cmd_stories,
    "story": cmd_story,
    "quotes": cmd_quotes,
    "entities": cmd_entities,
    "entity": cmd_entity,
    "article": cmd_article,
    "export": cmd_export,
    "search": cmd_search,
    "serve": cmd_serve,
}


if __name__ == "__main__":
    raise SystemExit(main())
