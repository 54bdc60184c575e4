"""``storyline eval time``: TempEval-3 Task A figures of the TIMEX3 tagger, and publication dates.

Without ``--data`` it scores te3-platinum (the TempEval-3 test set), MEANTIME English and,
when ``storyline.eval.pubdate`` is importable, the MediaCloud publication-date set. With
``--data DIR`` it sniffs which dataset DIR holds (a TimeML folder, a MEANTIME folder, a
MediaCloud folder, or the tempeval3 folder, whose ``--split`` is chosen).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from storyline.eval.common import DatasetNotFoundError, dataset_path, print_report
from storyline.eval.meantime import MeantimeDocument, iter_meantime
from storyline.eval.tempeval import GoldTimex, TimemlDocument, TimexCounts, iter_timeml
from storyline.model import Timex
from storyline.time.timex import tag_timexes

SPLITS = {"platinum": "te3-platinum", "tbaq": "TBAQ-cleaned"}


def _parse_all(texts: list[str], use_doc: bool) -> list[Any]:
    if not use_doc:
        return [None] * len(texts)
    from storyline.nlp import load_nlp

    nlp = load_nlp()
    return list(nlp.pipe(texts, batch_size=16))


def _score(
    docs: Sequence[tuple[str, str, str | None, Sequence[GoldTimex], Sequence[tuple[int, int]]]],
    use_doc: bool,
    errors: list[str] | None,
) -> dict[str, Any]:
    """Tag each ``(name, text, dct, gold, ignored extents)`` and add up TE3 counts."""
    counts = TimexCounts()
    parsed = _parse_all([d[1] for d in docs], use_doc)
    started = time.perf_counter()
    for (name, text, dct, gold, ignored), doc in zip(docs, parsed, strict=True):
        system = [t for t in tag_timexes(text, dct, doc) if not _inside_any(t, ignored)]
        pairs = counts.add(text, gold, system)
        if errors is not None:
            errors.extend(_describe(name, dct, text, gold, system, pairs))
    figures = counts.figures()
    figures["documents"] = len(docs)
    figures["tagging_seconds"] = round(time.perf_counter() - started, 3)
    return figures


def _inside_any(t: Timex, spans: Iterable[tuple[int, int]]) -> bool:
    return any(t.start < e and s < t.end for s, e in spans)


def _describe(
    name: str,
    dct: str | None,
    text: str,
    gold: Sequence[GoldTimex],
    system: Sequence[Timex],
    pairs: list[tuple[int, int]],
) -> list[str]:
    lines = []
    matched_g = {g for g, _ in pairs}
    matched_s = {s for _, s in pairs}

    def ctx(start: int, end: int) -> str:
        return (
            text[max(0, start - 40) : start] + "[" + text[start:end] + "]" + text[end : end + 25]
        ).replace("\n", " ")

    for gi, si in pairs:
        g, s = gold[gi], system[si]
        if g.value != s.value or g.type != s.type or (g.start, g.end) != (s.start, s.end):
            lines.append(f"DIFF {name} dct={dct} gold={g.type}:{g.value}:[{g.text}] sys={s.type}:{s.value}:[{s.text}]"
                         f" | {ctx(g.start, g.end)}")  # fmt: skip
    for gi, g in enumerate(gold):
        if gi not in matched_g:
            lines.append(f"MISS {name} dct={dct} gold={g.type}:{g.value} | {ctx(g.start, g.end)}")
    for si, s in enumerate(system):
        if si not in matched_s:
            lines.append(f"FALSE {name} dct={dct} sys={s.type}:{s.value} | {ctx(s.start, s.end)}")
    return lines


def evaluate_timeml(folder: Path, use_doc: bool = True, errors: list[str] | None = None) -> dict[str, Any]:
    """TE3 Task A figures of the tagger on every ``.tml`` file under ``folder``."""
    docs: list[TimemlDocument] = list(iter_timeml(folder))
    return _score([(d.name, d.text, d.dct, d.timexes, []) for d in docs], use_doc, errors)


def evaluate_meantime(folder: Path, use_doc: bool = True, errors: list[str] | None = None) -> dict[str, Any]:
    """TE3 Task A figures on MEANTIME (document-level annotation); empty timexes left out, the
    DCT excluded on both sides, and system timexes outside the annotated sentences ignored."""
    docs: list[MeantimeDocument] = list(iter_meantime(folder))
    items = []
    for d in docs:
        gold = [
            GoldTimex(t.start, t.end, t.text, t.type, t.value, t.mod, t.id)
            for t in d.timexes
            if not t.empty and not t.is_dct
        ]
        ignored = [(t.start, t.end) for t in d.timexes if t.is_dct and not t.empty]
        ignored.append((d.annotated_end, len(d.text) + 1))  # sentences the annotators did not cover
        items.append((d.name, d.text, d.dct, gold, ignored))
    return _score(items, use_doc, errors)


def evaluate_pubdate(path: Path | None) -> dict[str, Any] | str:
    """The MediaCloud publication-date figures from ``storyline.eval.pubdate``, if available."""
    try:
        from storyline.eval.pubdate import evaluate_mediacloud
    except ImportError:
        return "not available"
    try:
        target = path if path is not None else dataset_path("htmldate-mediacloud2020")
    except DatasetNotFoundError as exc:
        return f"not available: {exc}"
    return dict(evaluate_mediacloud(target))


def sniff(path: Path) -> str:
    """Which dataset a folder holds: ``tempeval3``, ``timeml``, ``meantime`` or ``mediacloud``."""
    if (path / "te3-platinum").is_dir() or (path / "TBAQ-cleaned").is_dir():
        return "tempeval3"
    if next(path.rglob("*.tml"), None) is not None:
        return "timeml"
    if (path / "intra-doc_annotation").is_dir() or (path / "MEANTIME_NWR.xsd").exists():
        return "meantime"
    if next(path.rglob("*.xml"), None) is not None and "meantime" in str(path).lower():
        return "meantime"
    return "mediacloud"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="storyline eval time", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", help="a dataset folder (TempEval-3, a TimeML folder, MEANTIME or MediaCloud)"
    )
    parser.add_argument("--split", choices=sorted(SPLITS), default="platinum", help="TempEval-3 split")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-parse", action="store_true", help="tag without a spaCy parse (tense from cue words)"
    )
    parser.add_argument("--errors", action="store_true", help="print every mismatch (development aid)")
    args = parser.parse_args(argv)
    use_doc = not args.no_parse
    errors: list[str] | None = [] if args.errors else None
    result: dict[str, Any] = {}
    try:
        if args.data:
            path = Path(args.data)
            kind = sniff(path)
            if kind == "tempeval3":
                result[f"tempeval3-{args.split}"] = evaluate_timeml(
                    path / SPLITS[args.split], use_doc, errors
                )
            elif kind == "timeml":
                result[f"timeml:{path.name}"] = evaluate_timeml(path, use_doc, errors)
            elif kind == "meantime":
                result["meantime-en"] = evaluate_meantime(path, use_doc, errors)
            else:
                result["pubdate-mediacloud"] = evaluate_pubdate(path)
        else:
            te3 = dataset_path("tempeval3")
            result[f"tempeval3-{args.split}"] = evaluate_timeml(te3 / SPLITS[args.split], use_doc, errors)
            result["meantime-en"] = evaluate_meantime(dataset_path("meantime-en"), use_doc, errors)
            result["pubdate-mediacloud"] = evaluate_pubdate(None)
    except DatasetNotFoundError as exc:
        print(f"error: {exc}")
        return 2
    if errors:
        print("\n".join(errors))
    print_report(result, args.json, title="TIMEX3 (TempEval-3 Task A scorer)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
