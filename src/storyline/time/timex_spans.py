"""Normalizers for durations ("three years" -> ``P3Y``), sets ("every Monday") and fuzzy
references ("recently" -> ``PAST_REF``).
"""

from __future__ import annotations

import re

from storyline.time.timex_lexicon import lexicon
from storyline.time.timex_values import (
    PART_CODE,
    Context,
    Piece,
    approx_mod,
    duration_prepositions,
    extent,
    group,
    make_piece,
    month_number,
    number_of,
    previous_word,
    set_context,
    unit_of,
    weekday_number,
    word_key,
)


def duration_value(amount: float | None, unit_word: str) -> str:
    """``P3Y``, ``PT2H``, ``P2Y6M``, ``PXD``...: a TIMEX3 duration for an amount of a unit."""
    name, letter, is_time = unit_of(unit_word)
    prefix = "PT" if is_time else "P"
    if amount is None:
        return f"{prefix}X{letter}"
    if name == "decade":
        amount, letter = amount * 10, "Y"
    elif name == "century":
        amount, letter = amount * 100, "Y"
    whole = int(amount)
    rest = amount - whole
    if rest and name in ("year", "day", "hour", "minute", "week"):
        smaller = {"year": (12, "M", False), "day": (24, "H", True), "hour": (60, "M", True),
                   "minute": (60, "S", True), "week": (7, "D", False)}[name]  # fmt: skip
        extra = round(rest * smaller[0])
        if smaller[2] and not is_time:
            return f"P{whole}{letter}T{extra}{smaller[1]}" if whole else f"PT{extra}{smaller[1]}"
        return f"{prefix}{whole}{letter}{extra}{smaller[1]}" if whole else f"{prefix}{extra}{smaller[1]}"
    if rest:
        return f"{prefix}{amount:g}{letter}"
    return f"{prefix}{whole}{letter}"


def n_duration(m: re.Match[str], ctx: Context) -> Piece | None:
    if m["adj"] and "old" in m["adj"]:
        return None  # an age, not a duration
    amount = number_of(m["n"])
    if amount is None or amount == 0:
        return None
    if m["half"]:
        amount += 0.5
    name, _, _ = unit_of(m["unit"])
    n_word = word_key(m["n"])
    rel = word_key(m["rel"] or "")
    start, end = extent(m)
    if m["adj"]:
        end = m.start("adj")
    text = ctx.text
    if name == "second" and n_word in ("a", "an", "one") and not rel:
        return None  # "a second term"
    if name == "quarter" and re.match(r"\s+of\b", text[end : end + 5]):
        return None  # "three-quarters of"
    if (
        name == "day"
        and n_word == "one"
        and not rel
        and previous_word(text, start) not in duration_prepositions()
    ):
        return None  # "one day" = some day
    if n_word in ("a", "an") and not rel and set_context(text, start):
        return Piece(start, end, "SET", duration_value(1, m["unit"]), None, None)
    if name == "weekend" and amount == 1:
        return None
    if rel == "the" and (("-" in text[m.start("n") : m.end("unit")]) or not m["unit"].lower().endswith("s")):
        start = m.start("n")  # "the eight-year war": the determiner belongs to the noun
    mod = approx_mod(group(m, "approx"))
    if (
        name == "quarter"
        and rel in ("the next", "the past", "the last", "the first", "the previous")
        and amount > 1
    ):
        return Piece(start, end, "DURATION", f"P{int(amount) * 3}M", mod)
    if name == "quarter":
        return Piece(start, end, "DURATION", f"P{amount:g}Q", mod)
    return Piece(start, end, "DURATION", duration_value(amount, m["unit"]), mod)


def n_vague_duration(m: re.Match[str], ctx: Context) -> Piece:
    name, letter, is_time = unit_of(m["unit"])
    if name == "decade":
        letter = "DE"
    elif name == "century":
        letter = "CE"
    return make_piece(
        m, f"{'PT' if is_time else 'P'}X{letter}", approx_mod(group(m, "approx")), kind="DURATION"
    )


def n_bare_plural(m: re.Match[str], ctx: Context) -> Piece:
    return n_vague_duration(m, ctx)


def n_set_every(m: re.Match[str], ctx: Context) -> Piece | None:
    step = 2 if m["other"] else 1
    if m["unit"]:
        name = unit_of(m["unit"])[0]
        if name == "weekend":
            return make_piece(m, "XXXX-WXX-WE", kind="SET")
        if name == "quarter":
            return make_piece(m, f"P{step}Q", kind="SET")
        return make_piece(m, duration_value(step, m["unit"]), kind="SET")
    if m["wd"]:
        return make_piece(m, f"XXXX-WXX-{weekday_number(m['wd'])}", kind="SET")
    if m["month"]:
        return make_piece(m, f"XXXX-{month_number(m['month']):02d}", kind="SET")
    if m["season"]:
        return make_piece(m, f"XXXX-{lexicon()['seasons'][word_key(m['season'])]}", kind="SET")
    if m["part"]:
        return make_piece(m, f"XXXX-XX-XXT{PART_CODE[word_key(m['part'])]}", kind="SET")
    return None


def n_set_plural(m: re.Match[str], ctx: Context) -> Piece:
    return make_piece(m, f"XXXX-WXX-{weekday_number(m['wd'])}", kind="SET")


def n_set_adverb(m: re.Match[str], ctx: Context) -> Piece:
    return make_piece(m, lexicon()["set_adverbs"][word_key(m["word"]).replace(" ", "-")]
                 if word_key(m["word"]).replace(" ", "-") in lexicon()["set_adverbs"]
                 else lexicon()["set_adverbs"][m["word"].lower()], kind="SET")  # fmt: skip


def n_fuzzy(m: re.Match[str], ctx: Context) -> Piece:
    return make_piece(m, lexicon()["fuzzy"][" ".join(m["word"].lower().split())])
