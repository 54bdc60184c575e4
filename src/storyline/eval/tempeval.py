"""TempEval-3 TimeML reader and the Task A (TIMEX3) scorer.

The scorer re-implements the official ``TE3-evaluation.py`` timex figures as described in
``shared/datasets/tempeval3/SCORER.md``: strict and relaxed extent P/R/F1, type and value
accuracy over relaxed matches, and type/value F1 = accuracy x relaxed F1, all micro-averaged.

Relaxed match: the official toolkit aligns entities inside a Java binary; the task paper calls
it "an overlap of at least one token". Here two extents match when they share at least one
non-space character (so at least one token), and pairs are made one-to-one: candidate pairs are
taken greedily by overlap length (longest first, then document order), each gold and each
system timex used once. Strict match: a relaxed pair whose extents are identical.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class TimexLike(Protocol):
    """What the scorer reads from a gold or system timex."""

    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class GoldTimex:
    """A gold TIMEX3 with offsets into the document's plain text."""

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    tid: str | None = None


@dataclass(slots=True)
class TimemlDocument:
    """One TimeML file: the plain text of ``<TEXT>``, its DCT value and gold timexes."""

    name: str
    text: str
    dct: str | None
    timexes: list[GoldTimex] = field(default_factory=list)


_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'([A-Za-z_:]+)\s*=\s*"([^"]*)"')
_TEXT_SECTION = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_DCT = re.compile(r"<TIMEX3[^>]*functionInDocument=\"CREATION_TIME\"[^>]*>", re.S)


def _attrs(raw: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(raw)}


def read_timeml(path: str | Path) -> TimemlDocument:
    """Parse a ``.tml`` file: plain text of ``<TEXT>`` (tags removed, entities decoded) and its timexes."""
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    dct_tag = _DCT.search(raw)
    dct = _attrs(dct_tag.group(0)).get("value") if dct_tag else None
    section = _TEXT_SECTION.search(raw)
    body = section.group(1) if section else ""
    parts: list[str] = []
    length = 0
    timexes: list[GoldTimex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    pos = 0
    for tag in _TAG.finditer(body):
        chunk = html.unescape(body[pos : tag.start()])
        parts.append(chunk)
        length += len(chunk)
        pos = tag.end()
        closing, name, attrs, selfclosing = tag.groups()
        if name != "TIMEX3" or selfclosing:
            continue
        if not closing:
            open_timex = (length, _attrs(attrs))
        elif open_timex is not None:
            start, attr = open_timex
            text = "".join(parts)[start:length]
            timexes.append(
                GoldTimex(
                    start=start,
                    end=length,
                    text=text,
                    type=attr.get("type", ""),
                    value=attr.get("value", ""),
                    mod=attr.get("mod") or None,
                    tid=attr.get("tid"),
                )
            )
            open_timex = None
    parts.append(html.unescape(body[pos:]))
    text = "".join(parts)
    timexes = [t for t in timexes if t.tid != "t0"]
    return TimemlDocument(name=path.stem, text=text, dct=dct, timexes=timexes)


def iter_timeml(folder: str | Path) -> Iterator[TimemlDocument]:
    """Every ``*.tml`` file under ``folder`` (recursively), in name order."""
    for path in sorted(Path(folder).rglob("*.tml")):
        yield read_timeml(path)


def _overlap(text: str, a: TimexLike, b: TimexLike) -> int:
    lo, hi = max(a.start, b.start), min(a.end, b.end)
    if hi <= lo or not text[lo:hi].strip():
        return 0
    return hi - lo


def _nonempty(text: str, t: TimexLike) -> bool:
    return bool(text[t.start : t.end].strip())


def align(text: str, gold: Sequence[TimexLike], system: Sequence[TimexLike]) -> list[tuple[int, int]]:
    """One-to-one (gold index, system index) pairs whose extents share a token, longest overlap first."""
    candidates = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            size = _overlap(text, g, s)
            if size:
                candidates.append((-size, g.start, s.start, gi, si))
    candidates.sort()
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, _, _, gi, si in candidates:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        pairs.append((gi, si))
    return sorted(pairs)


@dataclass(slots=True)
class TimexCounts:
    """Summed counts over documents (micro average)."""

    n_gold: int = 0
    n_sys: int = 0
    relaxed: int = 0  # one-to-one pairs, so rel_P = rel_R
    strict: int = 0
    type_ok: int = 0
    value_ok: int = 0

    def add(self, text: str, gold: Sequence[TimexLike], system: Sequence[TimexLike]) -> list[tuple[int, int]]:
        """Score one document and add its counts; returns its pairs."""
        self.n_gold += len(gold)
        self.n_sys += len(system)
        pairs = [
            (gi, si)
            for gi, si in align(text, gold, system)
            if _nonempty(text, gold[gi]) and _nonempty(text, system[si])
        ]
        for gi, si in pairs:
            g, s = gold[gi], system[si]
            self.relaxed += 1
            self.strict += (g.start, g.end) == (s.start, s.end)
            self.type_ok += g.type == s.type
            self.value_ok += g.value == s.value
        return pairs

    def figures(self) -> dict[str, Any]:
        """The TE3 Task A figures (fractions, not percent)."""
        if self.n_gold == 0 and self.n_sys == 0:
            ones = {"precision": 1.0, "recall": 1.0, "f1": 1.0}
            return {"strict": ones, "relaxed": ones, "type": {"accuracy": 1.0, "f1": 1.0},
                    "value": {"accuracy": 1.0, "f1": 1.0}, "counts": self.counts()}  # fmt: skip
        strict = _prf(self.strict, self.n_sys, self.n_gold)
        relaxed = _prf(self.relaxed, self.n_sys, self.n_gold)
        type_acc = self.type_ok / self.relaxed if self.relaxed else 0.0
        value_acc = self.value_ok / self.relaxed if self.relaxed else 0.0
        return {
            "strict": strict,
            "relaxed": relaxed,
            "type": {"accuracy": type_acc, "f1": type_acc * relaxed["f1"]},
            "value": {"accuracy": value_acc, "f1": value_acc * relaxed["f1"]},
            "counts": self.counts(),
        }

    def counts(self) -> dict[str, int]:
        return {
            "gold": self.n_gold,
            "system": self.n_sys,
            "relaxed": self.relaxed,
            "strict": self.strict,
            "type_ok": self.type_ok,
            "value_ok": self.value_ok,
        }


def _prf(tp: int, n_sys: int, n_gold: int) -> dict[str, float]:
    p = tp / n_sys if n_sys else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_documents(docs: Iterable[tuple[str, Sequence[TimexLike], Sequence[TimexLike]]]) -> dict[str, Any]:
    """TE3 Task A figures over ``(text, gold, system)`` triples."""
    counts = TimexCounts()
    for text, gold, system in docs:
        counts.add(text, gold, system)
    return counts.figures()
