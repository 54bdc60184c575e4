"""Publication-date accuracy on htmldate's MediaCloud 2020 pages: our article dating against htmldate's default.

Ours is the whole article dating: ``read_html`` -> text -> ``find_dateline`` -> ``estimate_published``.
The baseline is ``htmldate.find_date(page, url=url)`` with its default settings, run in the same pass.
A page counts as right when the estimate's value equals the gold day (``YYYY-MM-DD``). The 5 pages with
no gold date are skipped; the 2 stub pages (bot check, iframe wrapper; see the dataset's SOURCE.md) are
reported apart from the main figure.

With ``--reuters``, a second check on Reuters-21578 (1987 wire stories with their ``<DATE>``): the
dateline is put back before the body, and we count datelines found, their day and month against the
story's date, and every year the estimate states (none may be wrong: the text gives no year).

Run: ``storyline eval pubdate [--data DIR] [--json] [--errors] [--reuters [--reuters-data DIR]]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import htmldate

from storyline.eval.common import dataset_path, print_report
from storyline.ingest.errors import IngestError
from storyline.ingest.html import read_html
from storyline.model import DateEstimate, RawDocument
from storyline.time.dateline import find_dateline
from storyline.time.pubdate import estimate_published

DATASET = "htmldate-mediacloud2020"
REUTERS = "reuters21578"
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
    tallies: dict[str, Counter[str]] = {"ours": Counter(), "htmldate_default": Counter()}
    stub_tallies: dict[str, Counter[str]] = {"ours": Counter(), "htmldate_default": Counter()}
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
            "ours_accuracy": _ratio(
                tallies["ours"]["correct"] + stub_tallies["ours"]["correct"], pages + stubs
            ),
            "htmldate_default_accuracy": _ratio(
                tallies["htmldate_default"]["correct"] + stub_tallies["htmldate_default"]["correct"],
                pages + stubs,
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


_STORY = re.compile(r"<REUTERS.*?</REUTERS>", re.DOTALL)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL) for name in ("DATE", "DATELINE", "BODY")}
_SGML_DATE = re.compile(r"(\d{1,2})-([A-Z]{3})-(\d{4})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}


def evaluate_reuters_datelines(path: Path, limit: int | None = None) -> dict[str, Any]:
    """Datelines and stated years on Reuters-21578 stories that have a DATELINE and a BODY."""
    counts: Counter[str] = Counter()
    for sgm in sorted(Path(path).glob("reut2-*.sgm")):
        for story in _STORY.findall(sgm.read_text(encoding="latin-1")):
            fields = {name: pattern.search(story) for name, pattern in _FIELD.items()}
            date = _SGML_DATE.search(fields["DATE"].group(1)) if fields["DATE"] else None
            if not (date and fields["DATELINE"] and fields["BODY"]):
                continue
            if limit is not None and counts["stories"] >= limit:
                break
            gold = dt.date(int(date.group(3)), _MONTHS[date.group(2)], int(date.group(1)))
            text = html.unescape(fields["DATELINE"].group(1).strip() + " " + fields["BODY"].group(1))
            _count_story(counts, text, gold)
    stories = counts["stories"]
    return {
        "dataset": REUTERS,
        "stories": stories,
        "dateline_found": _ratio(counts["found"], stories),
        "dateline_dated": _ratio(counts["dated"], stories),
        "day_month_matches_story_date": _ratio(counts["day_month_ok"], counts["dated"]),
        "day_month_one_day_off": _ratio(counts["day_month_near"], counts["dated"]),
        "years_stated": counts["year_stated"],
        "years_stated_wrong": counts["year_wrong"],
    }


def _count_story(counts: Counter[str], text: str, gold: dt.date) -> None:
    counts["stories"] += 1
    dateline = find_dateline(text)
    if dateline is None:
        return
    counts["found"] += 1
    if dateline.date:
        counts["dated"] += 1
        month, day = int(dateline.date[5:7]), int(dateline.date[8:10])
        if (month, day) == (gold.month, gold.day):
            counts["day_month_ok"] += 1
        elif any((d.month, d.day) == (month, day) for d in (gold - dt.timedelta(1), gold + dt.timedelta(1))):
            counts["day_month_near"] += 1
    estimate = estimate_published(
        RawDocument(source="reuters", kind="text", raw=b"", text=text), text, dateline
    )
    if estimate.value and estimate.value[:4].isdigit():
        counts["year_stated"] += 1
        counts["year_wrong"] += int(estimate.value[:4]) != gold.year


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="storyline eval pubdate", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help=f"the {DATASET} folder (default: shared/datasets/{DATASET})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--errors", action="store_true", help="list the pages ours gets wrong (names and dates)"
    )
    parser.add_argument("--reuters", action="store_true", help="also check datelines on Reuters-21578")
    parser.add_argument("--reuters-data", help=f"the {REUTERS} folder (default: shared/datasets/{REUTERS})")
    parser.add_argument("--reuters-limit", type=int, help="check only the first N Reuters stories")
    args = parser.parse_args(argv)
    errors: list[dict[str, Any]] | None = [] if args.errors else None
    result = evaluate_mediacloud(dataset_path(DATASET, args.data), errors)
    if args.reuters:
        result["reuters_datelines"] = evaluate_reuters_datelines(
            dataset_path(REUTERS, args.reuters_data), args.reuters_limit
        )
    if errors is not None and args.json:
        result["errors"] = errors
    print_report(result, args.json, title=f"Publication dates, {DATASET} (day precision)")
    if errors is not None and not args.json:
        print("errors (file: gold / ours / htmldate):")
        for item in errors:
            print(f"  {item['file']}: {item['gold']} / {item['ours']} / {item['htmldate']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
