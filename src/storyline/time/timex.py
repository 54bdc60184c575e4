"""TIMEX3 tagging and normalization: every date and time expression of a text, valued against the
article's creation date (DCT).

Recognition is regex- and table-driven (:mod:`timex_patterns`, ``data/timex_lexicon.toml``);
a spaCy parse, when given, is read only for the tense of the verb governing an underspecified
expression ("said on Wednesday" -> the Wednesday before the DCT, "will meet on Friday" -> the
one after). Values follow TimeML / TempEval-3 conventions; unknown parts are ``X``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from storyline.model import Timex, precision_of
from storyline.time.timex_calendar import RefDate
from storyline.time.timex_filters import accept
from storyline.time.timex_normalize import NORMALIZERS, Context, Piece
from storyline.time.timex_patterns import TOKEN, rules, token_keys, trigger_index
from storyline.time.timex_tense import doc_direction, text_direction

__all__ = ["tag_timexes"]

_CONFIDENCE = {"absolute": 1.0, "dct": 0.9, "timex": 0.7}
_CONCRETE = re.compile(r"^\d{4}")
_WORD = re.compile(r"[a-z]+")


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    priority: int
    rule: str
    match: re.Match[str]


def _extent(m: re.Match[str]) -> tuple[int, int]:
    if "t" in m.re.groupindex and m.group("t") is not None:
        return m.span("t")
    return m.span()


def _trigger_hits(text: str) -> dict[int, list[tuple[int, int]]]:
    """Rule index -> spans of its trigger words and token classes in ``text``, in text order."""
    index = trigger_index()
    lowered = text.lower()
    size = len(lowered)
    hits: dict[int, list[tuple[int, int]]] = {}
    for word in index.keys() & set(_WORD.findall(lowered)):
        length = len(word)
        at = lowered.find(word)
        while at >= 0:
            end = at + length
            if (at == 0 or not lowered[at - 1].isalpha()) and (end == size or not lowered[end].isalpha()):
                for rule in index[word]:
                    hits.setdefault(rule, []).append((at, end))
            at = lowered.find(word, end)
    for m in TOKEN.finditer(text):
        for key in token_keys(m.group()):
            for rule in index.get(key, ()):
                hits.setdefault(rule, []).append(m.span())
    for spans in hits.values():
        spans.sort()
    return hits


def _windows(text: str) -> dict[int, list[tuple[int, int]]]:
    """For each rule, the merged stretches of text around its trigger words.

    Rules only run where one of their trigger words occurs, which keeps tagging cheap; a
    stretch reaches the rule's ``reach`` either side of the trigger, widened to whitespace.
    """
    size = len(text)
    merged: dict[int, list[tuple[int, int]]] = {}
    all_rules = rules()
    for rule, spans in _trigger_hits(text).items():
        back, ahead = all_rules[rule].reach
        out: list[tuple[int, int]] = []
        for start, end in spans:
            lo, hi = max(0, start - back), min(size, end + ahead)
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(hi, out[-1][1]))
            else:
                out.append((lo, hi))
        merged[rule] = [(_back_to_space(text, lo), _on_to_space(text, hi)) for lo, hi in out]
    return merged


def _back_to_space(text: str, pos: int) -> int:
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _on_to_space(text: str, pos: int) -> int:
    size = len(text)
    while pos < size and not text[pos].isspace():
        pos += 1
    return pos


def find_candidates(text: str) -> list[_Candidate]:
    """Every rule match that passes its context check (overlapping ones included)."""
    found = []
    all_rules = rules()
    for index, stretches in _windows(text).items():
        rule = all_rules[index]
        for lo, hi in stretches:
            for m in rule.pattern.finditer(text, lo, hi):
                start, end = _extent(m)
                if end > start and accept(rule.name, m, text):
                    found.append(_Candidate(start, end, rule.priority, rule.name, m))
    return found


def resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the longest of overlapping matches (the earlier rule on a tie), in text order."""
    chosen: list[_Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), c.priority, c.start)):
        if any(cand.start < e and s < cand.end for s, e in taken):
            continue
        chosen.append(cand)
        taken.append((cand.start, cand.end))
    return sorted(chosen, key=lambda c: c.start)


def _trim(text: str, piece: Piece) -> Piece:
    """Drop spaces and a trailing comma from an extent."""
    while piece.end > piece.start and text[piece.end - 1] in " \t\n,":
        piece.end -= 1
    while piece.start < piece.end and text[piece.start] in " \t\n":
        piece.start += 1
    return piece


def tag_timexes(text: str, dct: str | None, doc: Doc | None = None) -> list[Timex]:
    """Every date/time expression of ``text`` with TIMEX3 type, value and mod.

    ``dct`` is the article's creation date as a TIMEX3 value, possibly partial (``2018-09``,
    ``XXXX-03-03``) or None; ``doc`` is the spaCy parse of ``text``, used for tense only.
    """
    if doc is not None:

        def direction(start: int, end: int) -> int:
            return doc_direction(doc, start, end)
    else:

        def direction(start: int, end: int) -> int:
            return text_direction(text, start, end)

    ctx = Context(text=text, dct=RefDate.parse(dct), direction_of=direction)
    timexes: list[Timex] = []
    for cand in resolve_overlaps(find_candidates(text)):
        try:
            result = NORMALIZERS[cand.rule](cand.match, ctx)
        except (OverflowError, ValueError):  # "500000 weeks ago": off the calendar; not a date we can state
            result = None
        pieces = [] if result is None else result if isinstance(result, list) else [result]
        for piece in pieces:
            piece = _trim(text, piece)
            if piece.end <= piece.start or piece.value.startswith("-"):  # a year before year 0
                continue
            anchor = piece.anchor
            if anchor == "timex":
                anchor = f"timex:{ctx.anchor_index}" if ctx.anchor_index is not None else "dct"
            confidence = _CONFIDENCE.get(piece.anchor or "", 0.8)
            if piece.value.startswith("XXXX") or "X" in piece.value[:4]:
                confidence = min(confidence, 0.5)
            timexes.append(
                Timex(
                    start=piece.start,
                    end=piece.end,
                    text=text[piece.start : piece.end],
                    type=piece.type,
                    value=piece.value,
                    mod=piece.mod,
                    anchor=anchor,
                    confidence=confidence,
                )
            )
            if piece.type in ("DATE", "TIME") and piece.anchor != "timex" and _CONCRETE.match(piece.value):
                ctx.anchor_value = (
                    piece.value.split("T")[0] if precision_of(piece.value) == "time" else piece.value
                )
                ctx.anchor_index = len(timexes) - 1
    return timexes
