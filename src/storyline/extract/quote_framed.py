"""Attributions framed by a phrase rather than a verb of saying.

* "According to X, CLAUSE" / "CLAUSE, according to X": X is the source;
* "In a CNN poll released Monday, Clinton led ...": the poll opening the clause is its source;
* headline-style lines "Novak: Talks Have Failed", and in a headline also "Poll: ..." or
  "NY Post: ..." (a poll, report, organisation or group before the colon).
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

from storyline.extract.quote_cues import lexicon, phrase_of
from storyline.extract.quote_index import TextIndex, char_span
from storyline.extract.quote_spans import is_quote_mark, span_chars
from storyline.extract.quote_types import Candidate


def according_candidate(according: Token, index: TextIndex) -> Candidate | None:
    """ "According to X, CLAUSE" / "CLAUSE, according to X": X is the source."""
    doc = according.doc
    to = doc[according.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"] or [
        c for c in according.children if c.dep_ == "pobj"
    ]
    if not objects:
        return None
    source = phrase_of(objects[0])
    head = according.head if according.head is not according else None
    if head is None:
        return None
    clause = head
    while clause.dep_ not in {"ROOT", "ccomp", "conj", "advcl", "relcl"} and clause.head is not clause:
        clause = clause.head
    sentence = index.sentence(according.i)
    start, end = clause.left_edge.i, clause.right_edge.i + 1
    start, end = max(start, sentence.start), min(end, sentence.end)
    pp_start, pp_end = according.i, max(according.right_edge.i, source.end - 1) + 1
    parts = [p for p in (span_chars(doc, start, pp_start), span_chars(doc, pp_end, end)) if p]
    if not parts:
        return None
    return Candidate(parts, "indirect", (according.i, according.i + 2), according, source, 0.7)


SURVEY_NOUNS = frozenset({"poll", "survey", "study", "analysis"})


def survey_candidate(preposition: Token, index: TextIndex) -> Candidate | None:
    """ "In a CNN poll, Clinton led by 5 points": the poll that opens the clause is its source,
    "in" its cue (PolNeAR annotates it so)."""
    objects = [c for c in preposition.children if c.dep_ == "pobj"]
    if not objects or objects[0].lemma_.lower() not in SURVEY_NOUNS:
        return None
    head = preposition.head
    if head.pos_ not in {"VERB", "AUX"} or head.i < preposition.i:
        return None  # "leads in national polls": a circumstance of the clause, not its source
    doc = preposition.doc
    sentence = index.sentence(preposition.i)
    start, end = max(head.left_edge.i, sentence.start), min(head.right_edge.i + 1, sentence.end)
    pp_start, pp_end = preposition.i, preposition.right_edge.i + 1
    parts = [p for p in (span_chars(doc, start, pp_start), span_chars(doc, pp_end, end)) if p]
    if not parts or not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in head.children):
        return None
    return Candidate(
        parts, "indirect", (preposition.i, preposition.i + 1), preposition, phrase_of(objects[0]), 0.6
    )


def _speaks_in_headline(source: Span) -> bool:
    """ "Poll: Clinton Leads", "NY Post: ...", "Insiders: ...": in a headline, a poll, report,
    organisation or group before the colon is who speaks ("The Latest:", "Breaking:" are not)."""
    words = [t for t in source if t.is_alpha]
    lowered = {t.lower_ for t in words}
    return bool(
        lowered & (SURVEY_NOUNS | {"report", "newspaper", "editorial"})
        or lowered & lexicon().groups
        or (words and all(t.ent_type_ == "ORG" for t in words))
    )


def colon_line_candidates(
    doc: Doc, paragraphs: list[tuple[int, int]], colon_source: Callable[[int], tuple[Token, Span] | None]
) -> list[Candidate]:
    """Lines such as ``Novak: Talks Have Failed`` (headline style, no quotation marks)."""
    found = []
    for p_start, p_end in paragraphs:
        span = char_span(doc, p_start, p_end)
        if span is None:
            continue
        colon = next((t for t in span[:8] if t.text == ":"), None)
        if colon is None or colon.i + 1 >= span.end:
            continue
        first_word = doc[colon.i + 1]
        if is_quote_mark(first_word):
            continue
        found_source = colon_source(first_word.idx)
        if found_source is None:
            continue
        content = span_chars(doc, colon.i + 1, span.end)
        if content is None or len(doc[colon.i + 1 : span.end]) < 3:
            continue
        mark, source = found_source
        if not (
            any(t.ent_type_ == "PERSON" for t in source) or (p_start == 0 and _speaks_in_headline(source))
        ):
            continue
        found.append(Candidate([content], "indirect", (mark.i, mark.i + 1), mark, source, 0.6))
    return found
