"""Publication-date accuracy on htmldate's MediaCloud 2020 pages: our article dating against htmldate's default.

Ours is the whole article dating: ``read_html`` -> text -> ``find_dateline`` -> ``estimate_published``.
The baseline is ``htmldate.find_date(page, url=url)`` with its default settings, run in the same pass.
A page counts as right when the estimate's value equals the gold day (``YYYY-MM-DD``). The 5 pages with
no gold date are skipped; the 2 stub pages (bot check, iframe wrapper; see the dataset's SOURCE.md) are
reported apart from the main figure.

Run: ``storyline eval pubdate [--data DIR] [--json] [--errors]``.
"""

from __future__ import annotations

import argparse
import json
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import htmldate

from storyline.eval.common import dataset_path, print_report
from storyline.ingest.errors import IngestError
from storyline.ingest.html import read_html
from storyline.model import DateEstimate
from storyline.time.dateline import find_dateline
from storyline.time.pubdate import estimate_published

DATASET = "htmldate-mediacloud2020"
#: Pages with a gold date but no article (SOURCE.md): no method can date them.
STUB_PAGES = frozenset({"1566929327.html", "1685765130.html"})


def date_article(raw: bytes, source: str, url: str | None) -> DateEstimate | None:
    """Our full article dating of one HTML page; None when the page has no article text."""
    try:
        document = read_html(raw, source, url)
    except IngestError:
        return None
    dateline = find_dateline(document.text)
    return estimate_published(document, document.text, dateline)


def htmldate_default(raw: bytes, url: str | None) -> str | None:
    """htmldate's own reading with its default settings."""
    try:
        return htmldate.find_date(raw, url=url) or None
    except Exception:
        return None


def evaluate_mediacloud(path: Path, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Day-precision accuracy of our dating and of htmldate's default on the MediaCloud set at ``path``.

    Keys: ``pages`` (gold-dated non-stub pages), ``ours`` and ``htmldate_default`` (``correct``,
    ``accuracy``, ``no_date``, ``off_by_one_day``), ``stubs``, ``all_dated`` (the 195 pages with stubs),
    ``skipped_no_gold``, ``ours_precisions``. ``errors``, when given, receives one dict per page ours got
    wrong (file, gold, ours, htmldate): file names and dates only.
    """
    path = Path(path)
    gold = json.loads((path / "eval_mediacloud_2020.json").read_text(encoding="utf-8"))
    tallies = {"ours": Counter(), "htmldate_default": Counter()}
    stub_tallies = {"ours": Counter(), "htmldate_default": Counter()}
    precisions: Counter[str] = Counter()
    skipped = 0
    for url, entry in sorted(gold.items(), key=lambda item: item[1]["file"]):
        expected = entry.get("date")
        if not isinstance(expected, str):  # NaN: no gold date
            skipped += 1
            continue
        name = entry["file"]
        raw = (path / "test_set" / name).read_bytes()
        estimate = date_article(raw, name, url)
        ours = estimate.value if estimate else None
        baseline = htmldate_default(raw, url)
        target = stub_tallies if name in STUB_PAGES else tallies
        _tally(target["ours"], ours, expected)
        _tally(target["htmldate_default"], baseline, expected)
        if name not in STUB_PAGES:
            precisions[estimate.precision if estimate else "no article"] += 1
            if errors is not None and ours != expected:
                errors.append({"file": name, "gold": expected, "ours": ours, "htmldate": baseline})
    pages = sum(tallies["ours"].values())
    stubs = sum(stub_tallies["ours"].values())
    return {
        "dataset": DATASET,
        "pages": pages,
        "skipped_no_gold": skipped,
        "ours": _figures(tallies["ours"], pages),
        "htmldate_default": _figures(tallies["htmldate_default"], pages),
        "stubs": {
            "pages": stubs,
            "ours_correct": stub_tallies["ours"]["correct"],
            "htmldate_default_correct": stub_tallies["htmldate_default"]["correct"],
        },
        "all_dated": {
            "pages": pages + stubs,
            "ours_accuracy": _ratio(tallies["ours"]["correct"] + stub_tallies["ours"]["correct"], pages + stubs),
            "htmldate_default_accuracy": _ratio(
                tallies["htmldate_default"]["correct"] + stub_tallies["htmldate_default"]["correct"], pages + stubs
            ),
        },
        "ours_precisions": dict(sorted(precisions.items())),
    }


def _tally(counter: Counter[str], value: str | None, expected: str) -> None:
    if value == expected:
        counter["correct"] += 1
    elif value is None or not value[:4].isdigit() or len(value) < 10:
        counter["no_date"] += 1
    elif _days_apart(value, expected) == 1:
        counter["off_by_one_day"] += 1
    else:
        counter["other"] += 1


def _days_apart(a: str, b: str) -> int | None:
    try:
        return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days)
    except ValueError:
        return None


def _figures(counter: Counter[str], pages: int) -> dict[str, Any]:
    return {
        "correct": counter["correct"],
        "accuracy": _ratio(counter["correct"], pages),
        "no_date": counter["no_date"],
        "off_by_one_day": counter["off_by_one_day"],
        "other_wrong": counter["other"],
    }


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="storyline eval pubdate", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help=f"the {DATASET} folder (default: shared/datasets/{DATASET})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list the pages ours gets wrong (names and dates)")
    args = parser.parse_args(argv)
    errors: list[dict[str, Any]] | None = [] if args.errors else None
    result = evaluate_mediacloud(dataset_path(DATASET, args.data), errors)
    if errors is not None:
        result["errors"] = errors
    print_report(result, args.json, title=f"Publication dates, {DATASET} (day precision)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
