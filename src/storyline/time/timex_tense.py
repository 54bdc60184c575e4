"""Which way an underspecified date points: the tense of the verb that governs it.

``direction`` is -1 (past: "said on Wednesday" -> the Wednesday before the article's date),
+1 (future: "will meet on Friday" -> the one after) or 0 (unknown: the nearest one).
With a spaCy ``Doc`` the governing verb is found on the dependency tree; without one, a few
cue words in the sentence before the expression decide.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Token

from storyline.time.timex_lexicon import lexicon

PAST, UNKNOWN, FUTURE = -1, 0, 1

_FUTURE_AUX = {"will", "shall", "'ll", "wo", "ll"}
_MODAL_FUTURE = {"would", "could", "might", "may", "should", "must", "can"}
_VERBAL = {"VERB", "AUX"}


@lru_cache(maxsize=1)
def _future_governors() -> frozenset[str]:
    return frozenset(lexicon()["future_governors"]["words"])


def _verb_of(token: Token) -> Token | None:
    """The nearest verb at or above ``token`` on the dependency tree."""
    seen = 0
    while seen < 12:
        if token.pos_ in _VERBAL and token.dep_ not in ("aux", "auxpass"):
            return token
        if token.head is token:
            return None
        token = token.head
        seen += 1
    return None


def verb_tense(verb: Token) -> int:
    """The direction a verb's own tense gives: future for will/shall, past for a past form."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lower = {a.lower_ for a in auxes}
    if lower & _FUTURE_AUX:
        return FUTURE
    if any(a.tag_ == "VBD" for a in auxes if a.lower_ not in _MODAL_FUTURE):
        return PAST
    if lower & _MODAL_FUTURE:
        return FUTURE if lower & {"would", "might", "may", "could"} and not _has_perfect(auxes) else PAST
    if any(a.lemma_ == "have" for a in auxes) and verb.tag_ == "VBN":
        return PAST  # present perfect: "has signed"
    if verb.tag_ == "VBD":
        return PAST
    if verb.tag_ == "VBN" and not auxes:
        return PAST  # reduced relative: "talks held on Monday"
    if any(a.lower_ in ("is", "are", "am") for a in auxes) and verb.lower_ == "going":
        return FUTURE
    return UNKNOWN


def _has_perfect(auxes: list[Token]) -> bool:
    return any(a.lemma_ == "have" for a in auxes)


def doc_direction(doc: Doc, start: int, end: int) -> int:
    """The direction given by the verb governing the characters ``start:end`` of ``doc``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return UNKNOWN
    verb = _verb_of(span.root)
    if verb is None:
        return _sentence_fallback(doc, span.root)
    direction = verb_tense(verb)
    if direction != UNKNOWN:
        return direction
    # infinitive or gerund: "plans to meet Friday", "is expected to sign next week"
    head = verb.head
    if verb.dep_ in ("xcomp", "acl", "advcl", "ccomp", "conj") and head is not verb:
        if head.lemma_.lower() in _future_governors() and verb.tag_ == "VB":
            return FUTURE
        if verb.tag_ in ("VB", "VBG") or verb.dep_ == "conj":
            return verb_tense(head) if head.pos_ in _VERBAL else UNKNOWN
    if verb.tag_ == "VB" and any(c.lower_ == "to" for c in verb.children):
        return FUTURE
    return UNKNOWN


def _sentence_fallback(doc: Doc, token: Token) -> int:
    """No governing verb (a headline, a fragment): the sentence root's tense, if any."""
    root = token.sent.root if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else None
    if root is not None and root.pos_ in _VERBAL:
        return verb_tense(root)
    return UNKNOWN


_FUTURE_CUE = re.compile(
    r"\b(?:will|shall|'ll|going to|plans? to|planned to|scheduled to|expected to|due to|is to|are to|"
    r"would|set to|intends? to|aims? to)\b",
    re.I,
)
_PAST_CUE = re.compile(
    r"\b(?:was|were|had|did|said|told|announced|reported|died|killed|held|met|began|ended|signed|"
    r"\w+ed)\b",
    re.I,
)
_SENTENCE_START = re.compile(r"[.!?]\s+(?=[A-Z\"'“])|\n\s*\n")


def text_direction(text: str, start: int, end: int) -> int:
    """Direction from cue words in the sentence around ``start:end`` (no parse available)."""
    begin = 0
    for m in _SENTENCE_START.finditer(text, max(0, start - 300), start):
        begin = m.end()
    stop = text.find(".", end)
    stop = len(text) if stop < 0 else min(stop, end + 80)
    window = text[begin:stop]
    if _FUTURE_CUE.search(window):
        return FUTURE
    if _PAST_CUE.search(window):
        return PAST
    return UNKNOWN
