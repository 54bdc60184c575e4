"""Date every event: each clause that reports something happening gets the date it happened.

A clause is headed by a finite verb that is not a reporting verb ("said" dates the quote, not
what it reports). Its date is the DATE/TIME timex it governs ("talks were held on Monday" ->
that Monday); a clause joined to a dated one ("held talks on Monday and signed a deal") shares
that date; a past-tense clause with none defaults to the article's date (DCT), with low
confidence. Events clearly before the news window (several years before the DCT, or a
past-perfect recall such as "had signed in 1956") are ``background``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Span, Token

from storyline.model import Event, Timex, precision_of

_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_CLAUSE_DEPS = {"ROOT", "conj", "ccomp", "advcl", "relcl", "parataxis", "csubj", "acl"}
_CONCRETE = re.compile(r"^(\d{4}|XXXX)")

# confidences
_OWN_TIMEX, _SHARED_TIMEX, _DCT_DEFAULT, _UNDATED = 0.8, 0.6, 0.3, 0.1


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    raw = resources.files("storyline.data").joinpath("timex_events.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


@lru_cache(maxsize=1)
def reporting_verbs() -> frozenset[str]:
    """Lemmas of verbs that report speech or thought."""
    return frozenset(_table()["reporting"]["verbs"])


def _finite(token: Token) -> bool:
    if token.tag_ in _FINITE_TAGS:
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE_TAGS for c in token.children)


def is_event_head(token: Token) -> bool:
    """A finite verb heading a clause (not an auxiliary, not a reporting verb)."""
    if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass"):
        return False
    if token.dep_ not in _CLAUSE_DEPS and token.head is not token:
        return False
    return _finite(token) and token.lemma_.lower() not in reporting_verbs()


def _clause_head(token: Token) -> Token:
    """The nearest finite clause head (reporting verbs included) at or above ``token``."""
    current = token
    for _ in range(20):
        if current.pos_ in ("VERB", "AUX") and current.dep_ not in ("aux", "auxpass") and _finite(current):
            return current
        if current.head is current:
            return current
        current = current.head
    return current


def _past(verb: Token) -> bool:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in ("will", "shall", "'ll", "would", "could", "may", "might", "should", "must", "can")
           for a in auxes):  # fmt: skip
        return False
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return True
    return verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes)  # present perfect


def _past_perfect(verb: Token) -> bool:
    return verb.tag_ == "VBN" and any(c.lower_ in ("had", "'d") for c in verb.children if c.dep_ == "aux")


def _clause_span(doc: Doc, verb: Token) -> Span:
    """The verb's clause: its subtree, cut to the sentence and without nested event clauses'
    trailing material when they follow the verb."""
    left, right = verb.left_edge.i, verb.right_edge.i
    for child in verb.children:
        if child.i > verb.i and child.dep_ in ("ccomp", "conj", "parataxis") and is_event_head(child):
            right = min(right, child.left_edge.i - 1)
    sent = verb.sent
    left, right = max(left, sent.start), min(right, sent.end - 1)
    while right > left and (doc[right].is_punct or doc[right].dep_ == "cc"):
        right -= 1
    return doc[left : right + 1]


@dataclass(slots=True)
class _Dated:
    value: str
    index: int


def _timex_heads(doc: Doc, timexes: list[Timex]) -> dict[int, list[_Dated]]:
    """Clause-head token index -> the dated timexes (DATE/TIME with a calendar value) it governs."""
    out: dict[int, list[_Dated]] = {}
    for index, timex in enumerate(timexes):
        if timex.type not in ("DATE", "TIME") or not _CONCRETE.match(timex.value):
            continue
        span = doc.char_span(timex.start, timex.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        head = _clause_head(span.root.head if span.root.head is not span.root else span.root)
        out.setdefault(head.i, []).append(_Dated(timex.value.split("T")[0], index))
    return out


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def _background(date: str | None, dct: str | None, verb: Token, years_before: int) -> bool:
    """Several years before the DCT's year, or a past-perfect recall of an earlier year."""
    event_year, dct_year = _year(date), _year(dct)
    if event_year is None or dct_year is None:
        return False
    if event_year <= dct_year - years_before:
        return True
    return _past_perfect(verb) and event_year < dct_year


def date_events(doc: Doc, timexes: list[Timex], dct: str | None) -> list[Event]:
    """Every event clause of ``doc`` with the date it happened.

    ``timexes`` are the article's timexes (``tag_timexes`` over ``doc.text``); ``Event.timex``
    indexes into them. Offsets are into ``doc.text``.
    """
    governed = _timex_heads(doc, timexes)
    years_before = int(_table()["background"]["years_before"])
    events: list[Event] = []
    dated_by_head: dict[int, _Dated] = {}
    for token in doc:
        if not is_event_head(token):
            continue
        own = governed.get(token.i)
        dated: _Dated | None = own[0] if own else None
        confidence = _OWN_TIMEX if own else 0.0
        if dated is None and token.dep_ == "conj" and token.head.i in dated_by_head:
            dated, confidence = dated_by_head[token.head.i], _SHARED_TIMEX
        if dated is not None:
            dated_by_head[token.i] = dated
            date: str | None = dated.value
        elif _past(token) and dct:
            date, confidence = dct.split("T")[0], _DCT_DEFAULT
        else:
            date, confidence = None, _UNDATED
        span = _clause_span(doc, token)
        background = _background(date, dct, token, years_before)
        events.append(
            Event(
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                date=date,
                precision=precision_of(date),
                kind="background" if background else "news",
                trigger=token.text,
                timex=dated.index if dated is not None else None,
                confidence=confidence,
            )
        )
    return events
