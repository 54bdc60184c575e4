"""Read Reuters-21578 stories (``../shared/datasets/reuters21578``) for the benchmarks.

The SGML files are read as latin-1 (one file has a byte that is not UTF-8); each story becomes
``{"text", "title", "date", "outlet", "newid"}`` with the body (or the title when there is none).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from storyline.eval.common import dataset_path

_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_FIELD = {
    name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "BODY", "DATELINE")
}


def _field(name: str, block: str) -> str:
    match = _FIELD[name].search(block)
    return html.unescape(match.group(1)).strip() if match else ""


def _iso(date_field: str) -> str | None:
    try:
        return datetime.strptime(date_field.split()[0], "%d-%b-%Y").date().isoformat()
    except (ValueError, IndexError):
        return None


def iter_stories(limit: int | None = None, data: str | Path | None = None) -> Iterator[dict[str, str | None]]:
    """Stories in NEWID order across the 22 files, with text = body or title."""
    folder = dataset_path("reuters21578", data)
    count = 0
    for path in sorted(folder.glob("reut2-*.sgm")):
        for match in _STORY.finditer(path.read_text(encoding="latin-1")):
            block = match.group(2)
            title, body = _field("TITLE", block), _field("BODY", block)
            text = body.removesuffix("Reuter").strip() if body else title
            if not text:
                continue
            yield {
                "newid": match.group(1),
                "title": title or None,
                "text": text,
                "date": _iso(_field("DATE", block)),
                "outlet": "Reuters",
            }
            count += 1
            if limit is not None and count >= limit:
                return


def write_jsonl(path: Path, limit: int | None = None) -> int:
    """Write stories as JSON Lines for ``storyline ingest``; return how many."""
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for story in iter_stories(limit):
            out.write(json.dumps(story) + "\n")
            n += 1
    return n
