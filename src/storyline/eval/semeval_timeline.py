"""The official SemEval-2015 Task 4 (TimeLine) measure, re-implemented with its quirks.

See ``shared/datasets/semeval2015-timeline/SCORER.md``. One timeline file per target entity:
line 1 the entity name, then ``ordinal TAB anchor TAB mention [TAB mention ...]``. Each file is
"naturally" sorted, turned into a TimeML graph (anchors become TIMEX3 nodes ``t<i>``, mentions
EVENT instances ``ei<n>``; every mention SIMULTANEOUS with its anchor; neighbouring mentions
BEFORE when the first ordinal is smaller, else SIMULTANEOUS), and scored with temporal
awareness (:mod:`storyline.eval.timegraph`). Lines with fewer than 3 columns or ordinal 0 are
ignored. Micro figures pool the four counts over the gold folder; a gold file with no system
file is skipped entirely (quirk 1); system files without gold are ignored (quirk 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from storyline.eval.timegraph import AwarenessCounts, Relation, temporal_awareness

_DIGITS = re.compile(r"(\d+)")


def natural_key(line: str) -> list[int | str]:
    """The scorer's sort key: digit runs compare as numbers, the rest as text."""
    return [int(c) if c.isdigit() else c for c in _DIGITS.split(line)]


def order_timeline(text: str) -> list[str]:
    """Non-empty lines, right-stripped, naturally sorted (the entity-name line included)."""
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    return sorted(lines, key=natural_key)


def _scored_lines(text: str) -> list[tuple[int, str, list[str]]]:
    out = []
    for line in order_timeline(text):
        info = line.split("\t")
        if len(info) < 3 or int(info[0]) == 0:
            continue
        out.append((int(info[0]), info[1], info[2:]))
    return out


@dataclass
class GoldGraph:
    """The gold timeline as the scorer numbers it."""

    times: list[str]
    events: list[str]  # mention strings, gold event i has id i+1
    relations: list[Relation]


def gold_graph(text: str, ordering_only: bool = False) -> GoldGraph:
    """``create_gold_tml``: anchors ``t0, t1, ...`` in order of appearance, mentions ``ei1, ei2, ...``."""
    times: list[str] = []
    events: list[str] = []
    orders: list[int] = []
    anchors: list[str] = []
    for order, time, mentions in _scored_lines(text):
        if time not in times:
            times.append(time)
        for mention in mentions:
            events.append(mention)
            orders.append(order)
            anchors.append(time)
    relations: list[Relation] = []
    if not ordering_only:
        relations += [(f"ei{i + 1}", f"t{times.index(t)}", "SIMULTANEOUS") for i, t in enumerate(anchors)]
    for i in range(len(events) - 1):
        rel = "BEFORE" if orders[i] < orders[i + 1] else "SIMULTANEOUS"
        relations.append((f"ei{i + 1}", f"ei{i + 2}", rel))
    return GoldGraph(times, events, relations)


def system_relations(text: str, gold: GoldGraph, ordering_only: bool = False) -> list[Relation]:
    """``create_system_tml``: system anchors and mentions mapped onto gold ids where the strings match.

    New anchors get ids from ``len(gold anchors) + 1`` and new mentions from ``len(gold mentions) + 1``.
    The k-th repeat of a mention takes the first gold occurrence at or after position
    ``first + k`` (the scorer's formula, which can reuse an id when gold repeats are not adjacent).
    """
    next_tid = len(gold.times) + 1
    next_eid = len(gold.events) + 1
    time_ids: dict[str, int] = {}
    used: list[str] = []
    ids: list[int] = []
    order_of: dict[int, int] = {}
    time_of: dict[int, int] = {}
    for order, time, mentions in _scored_lines(text):
        if time in time_ids:
            tid = time_ids[time]
        elif time in gold.times:
            tid = gold.times.index(time)
        else:
            tid, next_tid = next_tid, next_tid + 1
        time_ids.setdefault(time, tid)
        for mention in mentions:
            if mention not in gold.events:
                eid, next_eid = next_eid, next_eid + 1
            elif mention not in used:
                eid = gold.events.index(mention) + 1
            else:
                repeats = used.count(mention)
                if repeats < gold.events.count(mention):
                    first = gold.events.index(mention)
                    eid = gold.events.index(mention, first + repeats) + 1
                else:
                    eid, next_eid = next_eid, next_eid + 1
            order_of[eid] = order
            time_of[eid] = tid
            used.append(mention)
            ids.append(eid)
    relations: list[Relation] = []
    if not ordering_only:
        relations += [(f"ei{eid}", f"t{time_of[eid]}", "SIMULTANEOUS") for eid in ids]
    for a, b in pairwise(ids):
        rel = "BEFORE" if order_of[a] < order_of[b] else "SIMULTANEOUS"
        relations.append((f"ei{a}", f"ei{b}", rel))
    return relations


def score_timeline(gold_text: str, system_text: str, ordering_only: bool = False) -> AwarenessCounts:
    """Temporal-awareness counts of one system timeline against its gold timeline."""
    gold = gold_graph(gold_text, ordering_only)
    return temporal_awareness(gold.relations, system_relations(system_text, gold, ordering_only))


def _percent(num: float, den: float) -> float:
    return 100 * round(num / den, 6) if den else 0.0


def figures(counts: Iterable[AwarenessCounts]) -> dict[str, float]:
    """MICRO-PRECISION / RECALL / FSCORE as ``evaluation_all.py`` prints them."""
    pm = pt = rm = rt = 0
    n = 0
    for c in counts:
        pm, pt, rm, rt, n = pm + c.p_match, pt + c.p_total, rm + c.r_match, rt + c.r_total, n + 1
    p, r = _percent(pm, pt), _percent(rm, rt)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "timelines": n,
        "p_match": pm,
        "p_total": pt,
        "r_match": rm,
        "r_total": rt,
    }


def score_folders(
    gold_dir: str | Path, system_dir: str | Path, ordering_only: bool = False
) -> dict[str, Any]:
    """Score every gold file that has a system file of the same name; micro figures and per file."""
    per_file: dict[str, dict[str, float]] = {}
    counts: list[AwarenessCounts] = []
    missing: list[str] = []
    for gold_path in sorted(Path(gold_dir).glob("*.txt")):
        sys_path = Path(system_dir) / gold_path.name
        if not sys_path.exists():
            missing.append(gold_path.name)  # "Fscore set at 0", and skipped
            continue
        c = score_timeline(
            gold_path.read_text(encoding="utf-8"), sys_path.read_text(encoding="utf-8"), ordering_only
        )
        counts.append(c)
        p, r = _percent(c.p_match, c.p_total), _percent(c.r_match, c.r_total)
        per_file[gold_path.name] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return {"micro": figures(counts), "files": per_file, "missing_system_files": missing}
