"""Where a sentence's own words begin: past the scrape furniture that opens many lead sentences.

Wire and web pages glue a page-render stamp, an update note or a dateline to the first sentence:

- ``LONDON | Tue Apr 28, 2009 9:03 pm BST LONDON (Reuters) - The World Health ...``
- ``Thursday 11 June 2009 18.39 BST Swine flu has become ...`` (often after a headline)
- ``(Update 2:17 p.m. in Cairo, 7:17 a.m. ET) Protesters formed ...``
- ``Page last updated at 08:03 GMT, Tuesday, 26 July 2011 09:03 UK Syria's ...``
- ``By the CNN Wire Staff ... Washington (CNN) -- The United States ...``
- ``Photograph: Jane Doe/AP Health officials ...``, ``LIBYA, 5:29 p.m. ET, 12:29 a.m. local: ...``
- ``Published: 8 March 2017 By Tom Hadley CORVANNE — Officials ...``

A timeline entry's summary should start at "The World Health ...": the furniture says nothing of
the event and only dilutes the summary. :func:`own_words_start` finds that offset; the text
before it is left where it is (entries point at the rest with their offsets).
:func:`is_reader_comment` spots sentences of a reader-comment thread, and :func:`is_furniture`
sentences that are furniture and nothing else ("Published: 8 March 2017 By Tom Hadley"): neither
is summary material, and a furniture line dates nothing.
"""

from __future__ import annotations

import re
from functools import cache

from storyline.time.dateline import find_dateline, known_agencies

_ZONE = r"(?:GMT|BST|UTC|CET|CEST|EET|EEST|EDT|EST|ET|CDT|CST|MDT|MST|PDT|PST|PT|IST|JST)"
_CLOCK = rf"\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?\s?m\.?\s*)?{_ZONE}\b\)?\s*"
# After a date with its year a clock needs no zone when it says am/pm ("April 29, 2010; 4:49 PM").
_DATED_CLOCK = rf"(?:{_CLOCK}|\d{{1,2}}[:.]\d{{2}}\s*[ap]\.?\s?m\b\.?\s*)"

# A leading note in brackets with a clock or "Update": "(Update 2:17 p.m. in Cairo, 7:17 a.m. ET)",
# "(7:38 p.m. Monday ET, 1:38 a.m. Tuesday in Libya) -", optionally after a dash.
_UPDATE_NOTE = re.compile(
    r"\s*(?:--\s*|[-—–]\s*)?\((?=[^()]{0,20}(?:Update|\d{1,2}[:.]\d{2}))(?:[^()]|\([^()]{0,20}\)){0,80}\)"
    r"\s*(?:(?:--|[-—–])\s*)?"
)
# "Page last updated at 08:03 GMT, Tuesday, 26 July 2011 09:03 UK", "24 June 2010 Last updated at
# 14:59 GMT Help" (a page's own stamp, with the "Help" link after it).
_STAMP_CLOCK = rf"\d{{1,2}}[:.]\d{{2}}(?:\s*(?:UK|{_ZONE})\b)?"
_LAST_UPDATED = re.compile(
    rf"\s*(?:\d{{1,2}}\s+[A-Za-z]+\s+(?:19|20)\d{{2}}\s+)?(?:Page\s+)?last\s+updated\s+(?:at\s+)?"
    rf"(?:{_STAMP_CLOCK},?\s*(?:[A-Za-z]+,\s*)?)?(?:\d{{1,2}}\s+[A-Za-z]+\s+(?:19|20)\d{{2}}\s*)?"
    rf"(?:{_STAMP_CLOCK}\s*)?(?:Help\b\s*)?",
    re.IGNORECASE,
)
# A page-render stamp: a date with its year, then a clock time with a time zone
# ("Tue Apr 28, 2009 9:03 pm BST", "Thursday 11 June 2009 18.39 BST", "May 11, 2010 - 20:24 UTC",
# "Thursday, April 29, 2010; 4:49 PM"),
# possibly after a headline or a photo credit; or a bare stamp ("9:51 pm ET") opening the sentence.
_PAGE_STAMP = re.compile(
    rf".{{0,200}}?\b(?:19|20)\d{{2}}\b[ ,;|\-—–]{{0,6}}{_DATED_CLOCK}|\s*{_CLOCK}(?:[:\-—–]\s*)?",
    re.IGNORECASE,
)
# A publication line, with its byline if one follows: "Published: 8 March 2017 By Tom Hadley",
# "Updated: March 9, 2017, 10:15 a.m.", "Posted on 2017-03-08". A byline's names are title case,
# so a dateline in capitals after it ("... By Tom Hadley CORVANNE —") is left to the dateline rule.
_PUB_DATE = (
    r"(?:[A-Za-z]+,?\s+)?(?:\d{1,2}\s+[A-Za-z]+\.?,?\s+(?:19|20)\d{2}|[A-Za-z]+\.?\s+\d{1,2},?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/(?:19|20)\d{2})"
)
_PUBLISHED_LINE = re.compile(
    rf"\s*(?:(?:[Ff]irst\s+)?[Pp]ublished|[Pp]osted|[Uu]pdated|[Ll]ast\s+[Mm]odified)(?:\s+(?:on|at))?\s*:?\s*"
    rf"{_PUB_DATE}(?:[\s,;|\-—–]{{0,4}}\d{{1,2}}[:.]\d{{2}}(?:\s*[apAP]\.?\s?[mM]\b\.?)?(?:\s*{_ZONE}\b)?)?"
    r"[\s,;|]*(?:By\s+(?:[A-Z][a-z][\w.'’\-]*[ \t]*){1,4}\s*)?"
)
# A live-blog entry: "LIBYA, 5:29 p.m. ET, 12:29 a.m. local: ..."
_LIVE_ENTRY = re.compile(
    rf"\s*[A-Z][A-Z .'\-]{{1,30}},\s*{_CLOCK}(?:,\s*\d{{1,2}}[:.]\d{{2}}\s*[ap]\.?\s?m\.?\s*local)?\s*[:\-—–]\s*"
)
# A photo credit glued to the sentence: "Photograph: Jane Doe/AP", "Photo: AFP/Getty Images",
# "(AP Photo/Jane Doe) NO SALES".
_CREDIT_SOURCE = r"(?:AP|PA|AFP|EPA|Reuters|Getty\s+Images|Rex\s+Features|Corbis|Handout|Bloomberg)"
_PHOTO_CREDIT = re.compile(
    rf"\s*(?:Photograph|Photo|Picture|Image|Credit)\s*:\s*(?:[A-Z][\w.'’\-]*\s+){{0,6}}?"
    rf"(?:[\w.'’\- ]{{0,40}}\\?/)?{_CREDIT_SOURCE}\b(?:\\?/{_CREDIT_SOURCE}\b)*\s*"
    rf"|\s*\({_CREDIT_SOURCE}\s+Photo\b[^()]{{0,60}}\)\s*(?:NO\s+SALES\b\s*)?"
)
# A reader comment as comment threads print it: "January 28, 2011 at 12:17 pm | Reply ..."
_READER_COMMENT = re.compile(
    r"\b[A-Za-z]+\s+\d{1,2},?\s+(?:19|20)\d{2}\s+at\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?\s*\|"
)

_AGENCY_MARK_REACH = 150
"""How far into a sentence a ``(Reuters) -`` mark may end the furniture (headline, teaser, place)."""

MIN_REST = 20
"""Characters that must remain after the furniture; otherwise the sentence is left whole."""


def own_words_start(sentence: str) -> int:
    """Offset in ``sentence`` where its own words begin (0 when nothing opens it)."""
    return _furniture_end(sentence, MIN_REST)


def is_furniture(sentence: str) -> bool:
    """Is the sentence furniture and nothing else ("Published: 8 March 2017 By Tom Hadley")?"""
    return bool(sentence) and content_start(sentence) == len(sentence)


def content_start(sentence: str) -> int:
    """:func:`own_words_start`, or the sentence's length when it is furniture and nothing else.

    One scan in the common case: when the furniture found without a minimum rest leaves
    :data:`MIN_REST` characters, the scan that keeps them takes the same steps.
    """
    end = _furniture_end(sentence, 0)
    if end == 0:
        return 0
    if not any(c.isalnum() for c in sentence[end:]):
        return len(sentence)
    if len(sentence) - end >= MIN_REST:
        return end
    return _furniture_end(sentence, MIN_REST)


def is_reader_comment(sentence: str) -> bool:
    """Does the sentence carry a comment thread's stamp ("January 28, 2011 at 12:17 pm |")?"""
    return "|" in sentence and _READER_COMMENT.search(sentence) is not None  # the bar: a cheap first test


def _furniture_end(sentence: str, rest: int) -> int:
    """Where the furniture opening ``sentence`` ends, keeping at least ``rest`` characters after it."""
    pos = 0
    for _ in range(5):  # update note, stamp, byline and dateline can follow one another
        moved = _skip_once(sentence, pos, rest)
        if moved is None or moved <= pos:
            break
        pos = moved
    return pos


def _skip_once(sentence: str, pos: int, rest: int) -> int | None:
    """The offset past one piece of furniture at ``pos`` (leaving ``rest`` characters), or None."""
    for pattern in (_UPDATE_NOTE, _LAST_UPDATED, _PUBLISHED_LINE, _PAGE_STAMP, _LIVE_ENTRY, _PHOTO_CREDIT):
        match = pattern.match(sentence, pos)
        if match and match.end() > pos and len(sentence) - match.end() >= rest:
            return match.end()
    mark = _agency_mark().match(sentence, pos)
    if mark and len(sentence) - mark.end() >= rest:
        return mark.end()
    dateline = find_dateline(sentence[pos:])
    if dateline is not None and dateline.start == 0:
        end = pos + dateline.end
        end += len(sentence[end:]) - len(sentence[end:].lstrip(" \t-—–"))
        if len(sentence) - end >= rest:
            return end
    return None


@cache
def _agency_mark() -> re.Pattern[str]:
    """Anything (a headline, a teaser, a place) up to a known agency in brackets and a dash:
    ``... Washington (CNN) --``, ``TRIPOLI Oct 5 (Reuters) -``."""
    names = "|".join(re.escape(a) for a in sorted(known_agencies(), key=len, reverse=True))
    return re.compile(rf".{{0,{_AGENCY_MARK_REACH}}}?\((?:{names})\)\s*(?:--|[-—–])\s*", re.IGNORECASE)
