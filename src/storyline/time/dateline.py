"""Find the dateline that opens a news body: place, date (TIMEX3, ``XXXX`` for an unstated year), agency.

Forms recognised at the start of one of the first lines (after a title or a byline line):

- ``BRUSSELS, March 3 (Reuters) -``, ``LONDON, Sept 12, 2018 —``, ``SELLA, March 3 /KESTRAN WIRE/.``
- ``MOSCOW, 12 March. /TASS/.``, ``KYIV, Ukraine (AP) —``, ``WASHINGTON (AP) —``, ``LONDON —``
- ``Paris, le 3 mars``; ``(Reuters) -`` alone (agency, no place)

A place in UPPER CASE is enough; a place in Title Case needs a known agency, a dash after the date or
the French ``le``, so that an ordinary first sentence ("In March, the minister said ...") is never taken
for a dateline.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from storyline.model import Dateline
from storyline.time.pubdate_calendar import DateMention, calendar, date_at, word_alternation

_WORD = r"[^\W\d_][\w'’.\-]*"
_DASH = r"(?:--|[-—–])"
_AGENCY_BODY = r"[^\W\d_][\w.&'’ \-]{0,38}?"


@dataclass(frozen=True, slots=True)
class _Rules:
    max_start: int
    max_lines: int
    not_place: frozenset[str]
    known_agencies: frozenset[str]
    place: re.Pattern[str]


@cache
def _rules() -> _Rules:
    text = resources.files("storyline.data").joinpath("dateline_rules.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    months = word_alternation(calendar().months)
    weekdays = word_alternation(calendar().weekdays)
    # A place: up to four words, then up to two sub-places after commas ("SAN FRANCISCO, Calif.");
    # a sub-place never starts with a month or weekday name (that is the date).
    not_date = rf"(?!(?:{months})\.?\s+\d)(?!(?:{weekdays})\b)(?!le\s+\d)"
    sub = rf"(?:,[ \t]*{not_date}{_WORD}(?:[ \t]{not_date}{_WORD}){{0,2}})"
    place = re.compile(rf"(?P<place>{_WORD}(?:[ \t\-]{_WORD}){{0,3}})(?P<sub>{sub}{{0,2}})", re.IGNORECASE)
    return _Rules(
        max_start=int(data["max_start"]),
        max_lines=int(data["max_lines"]),
        not_place=frozenset(w.lower() for w in data["not_place"]),
        known_agencies=frozenset(a.lower() for a in data["known_agencies"]),
        place=place,
    )


_AGENCY = re.compile(rf"[ \t]*(?:\((?P<paren>{_AGENCY_BODY})\)|/(?P<slash>{_AGENCY_BODY})/)")
_TERMINATOR = re.compile(
    rf"[ \t]*(?:[.:][ \t]*)?(?P<dash>{_DASH})(?=[ \t]|\w|$)|[ \t]*[.:,;]|[ \t]*$", re.MULTILINE
)
_DATE_SEPARATOR = re.compile(r",[ \t]*|(?<=\.)[ \t]+")  # "RICHMOND, Va. Feb 26 -" has no comma
_LEAD_AGENCY = re.compile(rf"\((?P<paren>{_AGENCY_BODY})\)[ \t]*(?:{_DASH}[ \t]*)?(?=\w)")


def known_agencies() -> frozenset[str]:
    """The news agencies the dateline rules know (lower case)."""
    return _rules().known_agencies


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of the body (within the first ~300 characters), or None."""
    rules = _rules()
    for pos in _line_starts(text, rules.max_start, rules.max_lines):
        found = _dateline_at(text, pos, rules)
        if found is not None:
            return found
    return None


def _line_starts(text: str, max_start: int, max_lines: int) -> list[int]:
    """Offsets of the first characters of the first non-empty lines."""
    starts: list[int] = []
    pos = 0
    while pos < len(text) and pos <= max_start and len(starts) < max_lines:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        stripped = len(line) - len(line.lstrip(" \t\ufeff\u00a0"))
        if line.strip():
            starts.append(pos + stripped)
        pos = end + 1
    return starts


def _dateline_at(text: str, pos: int, rules: _Rules) -> Dateline | None:
    lead = _LEAD_AGENCY.match(text, pos)
    if lead and _agency_ok(lead.group("paren"), upper_place=False, rules=rules):
        end = lead.end()
        return Dateline(
            None, None, text[pos:end].rstrip(), pos, pos + len(text[pos:end].rstrip()), lead["paren"]
        )
    match = rules.place.match(text, pos)
    if match is None:
        return None
    place = match.group("place")
    full_place = match.group(0)
    if not _place_ok(full_place, rules):
        return None
    upper = _is_upper(place)
    if not upper and not _is_title(full_place):
        return None
    after = match.end()
    comma = _DATE_SEPARATOR.match(text, after)
    if comma:
        date = date_at(text, comma.end())
        if date is not None:
            return _dated(text, pos, full_place, date, upper, rules)
    return _undated(text, pos, full_place, after, upper, rules)


def _dated(text: str, pos: int, place: str, date: DateMention, upper: bool, rules: _Rules) -> Dateline | None:
    """``PLACE, <date> [(AGENCY)|/AGENCY/] [-]``."""
    end = date.end
    agency = None
    found = _AGENCY.match(text, end)
    if found and _agency_ok(found["paren"] or found["slash"], upper, rules):
        agency = (found["paren"] or found["slash"]).strip()
        end = found.end()
    terminator = _TERMINATOR.match(text, end)
    has_dash = bool(terminator and terminator["dash"])
    french = date.text.lower().startswith("le ")
    if not upper and not (agency or has_dash or french):
        return None
    if terminator is None and not french:
        return None
    if terminator is not None and (has_dash or agency):
        end = terminator.end()
    value = date.value if date.day is not None else None
    return _make(text, pos, end, place, value, agency)


def _undated(text: str, pos: int, place: str, after: int, upper: bool, rules: _Rules) -> Dateline | None:
    """``PLACE (AGENCY) -``, ``PLACE /AGENCY/.`` or ``PLACE -`` (upper case only)."""
    found = _AGENCY.match(text, after)
    if found and _agency_ok(found["paren"] or found["slash"], upper, rules):
        agency = (found["paren"] or found["slash"]).strip()
        terminator = _TERMINATOR.match(text, found.end())
        if terminator is None or not (terminator["dash"] or found["slash"]):
            return None
        return _make(text, pos, terminator.end(), place, None, agency)
    if not upper:
        return None
    dash = re.compile(rf"[ \t]+{_DASH}[ \t]+(?=\w)").match(text, after)
    if dash is None:
        return None
    return _make(text, pos, dash.end(), place, None, None)


def _make(text: str, start: int, end: int, place: str, value: str | None, agency: str | None) -> Dateline:
    span = text[start:end].rstrip()
    return Dateline(
        place=place.strip().rstrip(",") or None,
        date=value,
        text=span,
        start=start,
        end=start + len(span),
        agency=agency,
    )


def _place_ok(place: str, rules: _Rules) -> bool:
    words = [w.lower().strip(".,'’") for w in re.split(r"[\s,]+", place) if w]
    if len(words) > 1 and words[0] == "the" and _is_upper(place):
        words = words[1:]  # THE HAGUE
    if not words or any(w in rules.not_place for w in words) or re.search(r"\d", place):
        return False
    return len(re.sub(r"\W", "", place)) >= 2


def _is_upper(place: str) -> bool:
    letters = [c for c in place if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_title(place: str) -> bool:
    """Every word of the place starts with a capital ("Paris", "San Francisco", "Washington, D.C.")."""
    words = [w for w in re.split(r"[\s,\-]+", place) if w]
    return bool(words) and all(w[0].isupper() for w in words)


def _agency_ok(agency: str | None, upper_place: bool, rules: _Rules) -> bool:
    if not agency:
        return False
    name = agency.strip()
    if name.lower() in rules.known_agencies:
        return True
    return upper_place and name[:1].isupper() and len(name.split()) <= 4
