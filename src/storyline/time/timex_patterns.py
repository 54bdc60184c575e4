"""The TIMEX3 recognition rules: one compiled regex per kind of expression.

Fragments (month names, numbers, units, ...) come from ``data/timex_lexicon.toml``. Month and
weekday names are case-sensitive (``(?-i:...)``); everything else ignores case. Each rule's
named groups are read by the normalizer of the same name in :mod:`timex_normalize`.
Extents follow TempEval-3 practice: determiners and modifiers ("the", "last", "early",
"nearly") are inside, prepositions ("on", "in", "about") outside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from storyline.time.timex_lexicon import alternation, lexicon, title_forms, unit_table


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of time expression: its name (= normalizer) and compiled pattern."""

    name: str
    pattern: re.Pattern[str]
    priority: int  # lower wins between equally long overlapping matches
    triggers: frozenset[str]  # lower-case words or token classes (``#year``) that any match contains
    reach: tuple[int, int]  # characters a match may extend before and after a trigger


def _fragments() -> dict[str, str]:
    lex = lexicon()
    months = list(lex["months"])
    full_months = [m for m in months if (len(m) > 3 or m == "may") and m != "sept"]
    abbr_months = [m for m in months if m not in full_months or m == "sept"]
    weekdays = list(lex["weekdays"])
    full_weekdays = [w for w in weekdays if w.endswith("day")]
    abbr_weekdays = [w for w in weekdays if not w.endswith("day")]
    numbers = [w for w in lex["numbers"] if w not in ("a", "an")]
    tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    ones = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    units = unit_table()
    plural_units = [u for u in units if u.endswith("s") and u not in ("secs", "mins", "hrs", "yrs")]
    singular_units = [u for u in units if u not in plural_units]
    f: dict[str, str] = {}
    f["MONTH_FULL"] = "(?-i:" + alternation(title_forms(full_months)) + r")(?!\w)"
    f["MONTH_ABBR"] = "(?-i:" + alternation(title_forms(abbr_months), period=True) + r")(?!\w)"
    f["MONTH"] = "(?:" + f["MONTH_FULL"] + "|" + f["MONTH_ABBR"] + ")"
    f["WEEKDAY_FULL"] = "(?-i:" + alternation(title_forms(full_weekdays)) + r")(?!\w)"
    f["WEEKDAY"] = (
        "(?-i:" + alternation(title_forms(full_weekdays))
        + "|" + alternation(title_forms(abbr_weekdays), period=True) + r")(?!\w)"
    )  # fmt: skip
    f["DAY"] = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d/]|:\d)"
    f["YEAR"] = r"(?<![\d$£€.,:/])(?:1[0-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d)"
    f["COMPOUND"] = alternation(tens) + "(?:[- ]" + alternation(ones) + ")?"
    f["NUM"] = (
        r"(?:(?<![\d,.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s+\d/\d)?|(?:" + f["COMPOUND"] + r")(?:\s+and\s+a\s+half)?|"
        + alternation(numbers) + r"(?:\s+and\s+a\s+half)?|an?)"
    )  # fmt: skip
    f["VAGUE"] = alternation(lex["vague_numbers"]["words"])
    f["UNIT"] = alternation(units) + r"(?!\w)"
    f["UNIT_SG"] = alternation(singular_units) + r"(?!\w)"
    f["UNIT_PL"] = alternation(plural_units) + r"(?!\w)"
    f["ORDINAL"] = alternation([o for o in lex["ordinals"] if o not in ("last", "final")])
    f["ORDNUM"] = r"(?:\d{1,2}(?:st|nd|rd|th))"
    f["SEASON"] = alternation(lex["seasons"]) + r"(?!\w)"
    f["DAYPART"] = alternation(lex["day_parts"]) + r"(?!\w)"
    f["POSMOD"] = (
        r"(?:(?:the\s+)?(?:beginning|start|middle|end|close|latter\s+part)\s+of"
        r"(?:\s+the)?|early|earlier|mid|late|later)"
    )
    f["APPROX"] = alternation(lex["mods_prefix"])
    f["REL"] = (
        r"(?:this\s+past|this\s+coming|the\s+past|the\s+last|the\s+next|the\s+coming|the\s+previous|"
        r"the\s+following|the\s+same|the\s+current|the\s+prior|the\s+preceding|the\s+latest|the\s+first|"
        r"the\s+final|this|last|next|past|coming|previous|following|current|that|prior)"
    )
    f["TZ"] = r"(?:GMT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|BST|CET|CEST|local\s+time|[A-Z]{2,4}T)"
    f["AMPM"] = r"(?:a\.m\.?|p\.m\.?|am\b|pm\b|A\.M\.?|P\.M\.?|AM\b|PM\b)"
    f["HOLIDAY"] = alternation(_holiday_forms([*lex["holidays_fixed"], "thanksgiving", "thanksgiving day"]))
    f["FUZZY"] = alternation(lex["fuzzy"])
    f["SETADV"] = alternation(lex["set_adverbs"])
    f["DECADE_WORD"] = alternation(["twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                                    "eighties", "nineties"])  # fmt: skip
    return f


def _holiday_forms(names: list[str]) -> list[str]:
    """``Christmas Day``, ``New Year's Eve``: each word capitalized."""
    return [" ".join(w[:1].upper() + w[1:] for w in name.split()) for name in names]


def _compile(template: str, frags: dict[str, str]) -> re.Pattern[str]:
    # starting only at a word start makes the many-branch patterns fail fast elsewhere
    return re.compile(r"(?<![\w'])(?=[\w'])(?:" + template % frags + ")", re.I)


#: (name, template, triggers) in priority order; ``%(NAME)s`` are fragments; triggers are words,
#: token classes (``#year``, see :func:`token_keys`) or word lists (``@MONTHS``).
_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    (
        "iso_date",
        r"(?<![\d-])(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
        r"(?:T(?P<hh>[0-2]\d):(?P<mm>[0-5]\d)(?::(?P<ss>[0-5]\d))?)?(?![\d-])",
        "#iso",
    ),
    ("slash_date", r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])", "#slash"),
    (
        "clock",
        r"(?:(?P<approx>%(APPROX)s|around|about)\s+)?(?<![\d.:,$])(?P<h>[0-2]?\d)(?:[:.](?P<mi>[0-5]\d))?(?::(?P<s>[0-5]\d))?"
        r"\s*(?:(?P<ampm>%(AMPM)s)|o'clock)(?:\s+(?P<tz>%(TZ)s))?"
        r"(?:,?\s+(?:on\s+)?(?P<when>%(WEEKDAY)s|today|tonight|yesterday|tomorrow|"
        r"%(MONTH)s\s+%(DAY)s(?:,?\s+%(YEAR)s)?))?",
        "m am pm clock",
    ),
    (
        "clock_military",
        r"(?<![\d.:,$])(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)\s+(?P<tz>GMT|UTC)\b"
        r"(?:,?\s+(?:on\s+)?(?P<when>%(WEEKDAY)s|today|tonight|yesterday|tomorrow))?",
        "gmt utc",
    ),
    (
        "clock24",
        r"(?:(?P<approx>%(APPROX)s)\s+)?(?<![\d.:,$])(?P<h>[0-2]?\d):(?P<mi>[0-5]\d)(?!:\d)"
        r"(?:\s+(?P<tz>%(TZ)s))?(?:,?\s+(?:on\s+)?(?P<when>%(WEEKDAY)s|today|tonight|yesterday|tomorrow))?",
        "#clock",
    ),
    (
        "clock_word",
        r"(?:(?P<approx>%(APPROX)s|around|about)\s+)?(?P<word>(?-i:noon|midday|midnight))"
        r"(?:\s+(?P<tz>%(TZ)s))?(?:,?\s+(?:on\s+)?(?P<when>%(WEEKDAY)s|today|tonight|yesterday|tomorrow))?",
        "noon midday midnight",
    ),
    (
        "md_range",
        r"(?P<month>%(MONTH)s)\s+(?P<d1>%(DAY)s)\s*(?:-|–|—|to|and|through|or)\s*(?P<d2>%(DAY)s)"
        r"(?:,?\s+(?P<y>%(YEAR)s))?",
        "@MONTHS",
    ),
    (
        "mdy",
        r"(?:(?P<wd>%(WEEKDAY)s),?\s+)?(?:(?P<rel>last|next|this\s+past|this\s+coming)\s+)?"
        r"(?:(?P<pos>early|mid|late)[\s-]+)?(?P<month>%(MONTH)s)\s+"
        r"(?:the\s+)?(?P<d>%(DAY)s)(?:(?:,\s*|\s+)(?P<y>%(YEAR)s|'\d\d))?",
        "@MONTHS",
    ),
    (
        "dmy",
        r"(?:(?P<wd>%(WEEKDAY)s),?\s+)?(?:the\s+)?(?P<d>%(DAY)s)\s+(?:of\s+)?(?P<month>%(MONTH)s)"
        r"(?:,?\s+(?P<y>%(YEAR)s))?",
        "@MONTHS",
    ),
    (
        "month_year",
        r"(?:(?P<pos>%(POSMOD)s)[\s-]+)?(?P<month>%(MONTH)s),?\s+(?:of\s+)?(?P<y>%(YEAR)s|'\d\d)",
        "@MONTHS",
    ),
    (
        "month",
        r"(?:(?P<pos>%(POSMOD)s)[\s-]+)?(?:(?P<rel>last|next|this|this\s+past|this\s+coming|coming|past)\s+)?"
        r"(?P<month>%(MONTH_FULL)s|Sept\.|Jan\.|Feb\.|Aug\.|Oct\.|Nov\.|Dec\.)"
        r"(?:\s+(?:of\s+)?(?P<yrel>last|next|this)\s+year)?",
        "@MONTHS",
    ),
    (
        "spoken_year",
        r"(?:(?P<the>the\s+year)\s+)?(?P<words>(?:nineteen|twenty)[\s-]+(?:%(COMPOUND)s|ten|eleven|twelve|"
        r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred|oh[\s-]+\w+)"
        r"|two\s+thousand(?:\s+and\s+(?:%(COMPOUND)s|one|two|three|four|five|six|seven|eight|nine|ten))?)(?!\w)",
        "nineteen twenty thousand",
    ),
    ("short_year", r"\b(?:since|in|of|from|until|by|to)\s+(?P<t>'(?P<yy>\d\d))(?![\w'])", "#apos"),
    ("year_range", r"(?P<y1>%(YEAR)s)\s*(?:-|–|/)\s*(?P<y2>\d\d)(?![\d%%])", "#year"),
    (
        "fiscal_year",
        r"(?:(?P<rel>%(REL)s)\s+)?(?:fiscal|FY|financial)(?:\s+year)?[\s-]*(?P<y>%(YEAR)s|'?\d\d(?!\d))",
        "fiscal fy financial",
    ),
    ("year", r"(?:(?:the\s+)?(?P<pos>%(POSMOD)s)[\s-]+)?(?:(?P<yr>the\s+year)\s+)?(?P<y>%(YEAR)s)", "#year"),
    (
        "decade",
        r"(?:(?:the\s+)?(?P<pos>early|mid|late)[\s-]+)?(?:(?P<full>\d{3})0'?s|(?:'|(?<=the\s)|(?<=and\s))(?P<short>\d)0'?s"
        r"|(?P<word>%(DECADE_WORD)s))(?!\w)",
        "#decade @DECADES",
    ),
    (
        "century",
        r"(?:(?:the\s+)?(?P<pos>early|mid|late)[\s-]+)?(?P<n>%(ORDINAL)s|%(ORDNUM)s)[\s-]+century(?!\w)",
        "century",
    ),
    (
        "this_century",
        r"(?P<rel>this|last|next|the\s+last|the\s+past|the\s+next|the\s+current|the\s+previous)\s+"
        r"(?P<unit>century|decade)",
        "century decade",
    ),
    (
        "quarter",
        r"(?:(?P<det>the|its|a|this|that|their|his|her)\s+)?(?:(?P<yrel>next|last|this)\s+year's\s+)?"
        r"(?:(?P<yr>%(YEAR)s)\s+)?"
        r"(?:(?P<adj>latest|current|past|previous|prior|same|comparable|fiscal|flat|latest\s+fiscal|"
        r"year-earlier|year-ago)[\s-]+)?"
        r"(?:(?P<yr2>%(YEAR)s)\s+)?(?:fiscal[\s-]+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final)"
        r"[\s-]+(?:fiscal\s+)?quarter(?!s)(?:\s+of\s+(?:fiscal\s+)?(?P<of>%(YEAR)s|the\s+year|this\s+year|"
        r"last\s+year|next\s+year))?",
        "quarter",
    ),
    (
        "quarter_code",
        r"(?<!\w)(?P<q>Q[1-4])(?:\s+(?:of\s+)?(?P<y>%(YEAR)s)|[\s/-]?(?P<yy>'?\d\d)(?!\d))?(?!\w)",
        "q",
    ),
    (
        "half",
        r"(?:(?P<det>the|its|this)\s+)?(?P<h>first|second|1st|2nd|latter|last)[\s-]+half"
        r"(?:\s+of\s+(?:fiscal\s+)?(?P<of>%(YEAR)s|the\s+year|this\s+year|last\s+year|next\s+year))?",
        "half",
    ),
    (
        "season",
        r"(?:(?P<pos>early|mid|late|the\s+end\s+of|the\s+beginning\s+of)[\s-]+)?"
        r"(?:(?P<rel>this\s+past|this\s+coming|the\s+past|the\s+coming|the\s+next|this|last|next|past|coming|the)\s+)?"
        r"(?P<season>%(SEASON)s)(?:\s+(?:of\s+)?(?P<y>%(YEAR)s))?",
        "@SEASONS",
    ),
    (
        "anaphoric_unit",
        r"(?:(?P<pos>%(POSMOD)s)\s+)?(?P<rel>the\s+same|the\s+previous|the\s+following|the\s+next|"
        r"the\s+prior|the\s+preceding|the\s+latest|the\s+full|the\s+entire|that|the)\s+(?:(?P<fiscal>fiscal|calendar)\s+)?"
        r"(?P<unit>day|week|weekend|month|year|quarter|period|morning|night|evening|afternoon)"
        r"(?!\w|-)(?:\s+(?P<after>before|after|earlier|later|previous)(?=\s*[.,;:!?)'\"]|\s*$))?"
        r"(?:\s+(?P<ya>last\s+year|a\s+year\s+(?:ago|earlier)|of\s+the\s+(?:last|previous)\s+year))?",
        "day week weekend month year quarter period morning night evening afternoon",
    ),
    (
        "relative_unit",
        r"(?:(?P<pos>%(POSMOD)s)\s+)?(?P<rel>this\s+past|this\s+coming|the\s+past|the\s+last|"
        r"the\s+coming|the\s+current|this|last|next|past|coming|current)\s+"
        r"(?:(?P<fiscal>fiscal|calendar)\s+)?(?P<unit>week|weekend|month|year|quarter)(?!\w|-)",
        "week weekend month year quarter",
    ),
    (
        "earlier_unit",
        r"(?P<when>earlier|later)\s+(?P<rel>this|that|last|next)\s+(?P<unit>week|month|year|day)",
        "earlier later",
    ),
    (
        "year_adj",
        r"(?:(?P<det>the|a|its)\s+)?(?:(?P<adj>comparable|same)\s+)?(?P<kind>year-earlier|year-ago|year-before|"
        r"prior-year)(?:\s+(?P<unit>quarter|period|month|week|nine\s+months|six\s+months))?",
        "earlier ago before prior",
    ),
    (
        "year_period",
        r"(?P<det>the|its|a)\s+(?P<y>%(YEAR)s)\s+(?:(?P<fiscal>fiscal)\s+)?(?P<unit>quarter|period|fiscal\s+year)(?!\w)",
        "#year",
    ),
    (
        "year_end",
        r"(?:(?P<rel>this|last|next|the)\s+)?(?P<kind>year|month|quarter|week)(?:[\s-]+|'s\s+)end(?!\w)",
        "end",
    ),
    (
        "deictic",
        r"(?:(?P<pos>early|earlier|late|later|mid)[\s-]+)?(?P<word>the\s+day\s+before\s+yesterday|"
        r"the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow|tonight|overnight)(?:'s)?(?!\w)"
        r"(?:\s+(?P<part>%(DAYPART)s))?",
        "today yesterday tomorrow tonight overnight",
    ),
    (
        "part_of_day",
        r"(?:(?P<pos>early|late|mid)[\s-]+)?(?P<rel>this|last|tomorrow|yesterday|the)\s+"
        r"(?P<part>morning|afternoon|evening|night)(?!\w)",
        "morning afternoon evening night",
    ),
    (
        "weekday",
        r"(?:(?P<pos>early|late|mid)[\s-]+)?(?:(?P<rel>last|next|this\s+past|this\s+coming|this|coming|"
        r"the\s+previous|the\s+following|the\s+next|that)\s+)?(?P<wd>%(WEEKDAY_FULL)s)"
        r"(?:\s+(?P<part>%(DAYPART)s))?",
        "@WEEKDAYS",
    ),
    (
        "weekday_abbr",
        r"(?P<wd>(?-i:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun))\.(?=\s*,?\s*(?:%(MONTH)s|\d))",
        "@WEEKDAYS",
    ),
    ("part_weekday", r"(?P<part>%(DAYPART)s)\s+(?:of\s+)?(?P<wd>%(WEEKDAY_FULL)s)", "@WEEKDAYS"),
    ("holiday", r"(?:(?P<rel>last|next|this)\s+)?(?-i:(?P<name>%(HOLIDAY)s))(?!\w)", "@HOLIDAYS"),
    (
        "ago",
        r"(?:(?P<approx>%(APPROX)s|about|some)\s+)?(?P<n>%(NUM)s|%(VAGUE)s)[\s-]+(?P<unit>%(UNIT)s)"
        r"(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|previously|(?:before|after)(?=\s*(?:[.,;:!?)'\"]|$)))(?!\w)",
        "ago earlier later before after previously",
    ),
    (
        "set_every",
        r"(?P<q>every|each|per|once\s+a|twice\s+a|once\s+every)\s+(?:(?P<other>other)\s+)?"
        r"(?:(?P<unit>%(UNIT_SG)s)|(?P<wd>%(WEEKDAY_FULL)s)|(?P<month>%(MONTH_FULL)s)|(?P<season>%(SEASON)s)"
        r"|(?P<part>%(DAYPART)s))",
        "every each per once twice",
    ),
    (
        "set_plural",
        r"(?<!\w)(?P<wd>(?-i:Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays))(?!\w)",
        "@WEEKDAYS",
    ),
    ("set_adverb", r"(?<![\w-])(?P<word>%(SETADV)s)(?![\w-])", "@SETADV"),
    (
        "duration",
        r"(?:(?P<approx>%(APPROX)s)\s+)?(?:(?P<rel>the\s+past|the\s+last|the\s+next|the\s+first|the\s+final|"
        r"the\s+previous|the\s+coming|the\s+following|the\s+latest|the\s+same|the\s+remaining|the\s+full|"
        r"the\s+entire|the|past|last|next|first|another|an\s+additional|additional|more)\s+)?"
        r"(?P<n>%(NUM)s)[\s-]+(?:(?P<more>more|full|long|straight|consecutive)\s+)?(?P<unit>%(UNIT)s)"
        r"(?P<half>\s+and\s+a\s+half)?(?P<adj>-long|-old|\s+old)?",
        "@UNITS",
    ),
    ("vague_duration", r"(?:(?P<approx>%(APPROX)s)\s+)?(?P<n>%(VAGUE)s)\s+(?P<unit>%(UNIT_PL)s)", "@UNITS"),
    (
        "bare_plural",
        r"\b(?:for|within|in|over|take|takes|took|taking|than|lasted|last|after|spent|spend)\s+"
        r"(?P<t>(?P<unit>days|weeks|months|years|decades|minutes|hours|centuries))(?!\w)",
        "@UNITS",
    ),
    ("fuzzy", r"(?<![\w-])(?P<word>%(FUZZY)s)(?![\w-])", "@FUZZY"),
)


#: How far a match may reach before / after its trigger word (the trigger ends most patterns).
_DEFAULT_REACH = (70, 70)
_REACH = {
    "duration": (70, 15),
    "vague_duration": (45, 10),
    "bare_plural": (25, 10),
    "ago": (80, 10),
    "anaphoric_unit": (50, 25),
    "relative_unit": (50, 10),
    "spoken_year": (20, 40),
    "earlier_unit": (10, 30),
    "year_adj": (30, 25),
    "fuzzy": (25, 25),
    "set_every": (10, 25),
    "set_adverb": (5, 5),
    "quarter": (60, 35),
    "deictic": (20, 25),
    "part_of_day": (30, 10),
    "century": (40, 10),
}


def _word_lists() -> dict[str, set[str]]:
    lex = lexicon()
    weekdays = set(lex["weekdays"])
    return {
        "@MONTHS": set(lex["months"]),
        "@WEEKDAYS": weekdays | {w + "s" for w in weekdays if w.endswith("day")},
        "@SEASONS": set(lex["seasons"]),
        "@DECADES": {
            "twenties",
            "thirties",
            "forties",
            "fifties",
            "sixties",
            "seventies",
            "eighties",
            "nineties",
        },
        # a phrase wakes its rule by its last word: "trading days" by "days", "at the time" by "time"
        "@HOLIDAYS": {h.split()[-1].split("'")[0] for h in lex["holidays_fixed"]} | {"thanksgiving"},
        "@SETADV": {w.split("-")[-1] for w in lex["set_adverbs"]},
        "@UNITS": {form.split()[-1] for form in unit_table()},
        "@FUZZY": {phrase.split()[-1] for phrase in lex["fuzzy"]},
    }


def _expand(triggers: str, lists: dict[str, set[str]]) -> frozenset[str]:
    out: set[str] = set()
    for item in triggers.split():
        out |= lists[item] if item.startswith("@") else {item}
    return frozenset(out)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """All rules, compiled once."""
    frags = _fragments()
    lists = _word_lists()
    return tuple(
        Rule(name, _compile(t, frags), i, _expand(trig, lists), _REACH.get(name, _DEFAULT_REACH))
        for i, (name, t, trig) in enumerate(_TEMPLATES)
    )


@lru_cache(maxsize=1)
def trigger_index() -> dict[str, tuple[int, ...]]:
    """Trigger word or token class -> indices of the rules it wakes."""
    index: dict[str, list[int]] = {}
    for i, rule in enumerate(rules()):
        for key in rule.triggers:
            index.setdefault(key, []).append(i)
    return {k: tuple(v) for k, v in index.items()}


#: Runs of digits with their date punctuation ("1998-08-07", "10:35", "1990s", "'82").
TOKEN = re.compile(r"'?\d[\d:/.\-']*s?")
_YEARISH = re.compile(r"(?<!\d)[12]\d{3}(?!\d)")


def token_keys(token: str) -> tuple[str, ...]:
    """The trigger classes of one :data:`TOKEN` (``#year``, ``#iso``, ``#clock``, ...)."""
    if token[0] == "'":
        return ("#decade",) if token.endswith("0s") else ("#apos",) if len(token) == 3 else ()
    keys = ["#"]
    if token.endswith("0s") or token.endswith("0's"):
        keys.append("#decade")
    if len(token) >= 10 and token[4] == "-" and token[7] == "-":
        keys.append("#iso")
    if token.count("/") >= 2:
        keys.append("#slash")
    if ":" in token or (len(token) > 3 and token[-3] == "."):
        keys.append("#clock")
    if _YEARISH.search(token):
        keys.append("#year")
    return tuple(keys)
