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
_MODALS = {"would", "could", "might", "may", "should", "must", "can", "ca", "'d"}
_FUTURE_MODALS = {"would", "should", "must", "'d"}
_UNTIL = {"until", "till", "by", "before"}
_VERBAL = {"VERB", "AUX"}
_NOMINAL = {"NOUN", "PROPN", "ADJ"}


@lru_cache(maxsize=1)
def _future_governors() -> frozenset[str]:
    return frozenset(lexicon()["future_governors"]["words"])


def _verb_of(token: Token) -> tuple[Token | None, bool]:
    """The nearest verb at or above ``token`` on the dependency tree, and whether the way up
    passes through a noun or adjective ("a dividend payable Dec. 7") rather than straight to it."""
    nominal = False
    start = token
    for _ in range(12):
        if token.pos_ in _VERBAL and token.dep_ not in ("aux", "auxpass"):
            return token, nominal
        if token is not start and token.pos_ in _NOMINAL:
            nominal = True
        if token.head is token:
            return None, nominal
        token = token.head
    return None, nominal


def verb_tense(verb: Token) -> int:
    """The direction a verb's own tense gives: future for will/shall/would/must, past for a past
    form or a perfect, unknown for the present and for can/could/may/might."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    lower = {a.lower_ for a in auxes}
    perfect = any(a.lemma_ == "have" for a in auxes) and verb.tag_ == "VBN"
    if lower & _FUTURE_AUX:
        return FUTURE
    if lower & _MODALS:
        if perfect:
            return PAST  # "would have signed"
        return FUTURE if lower & _FUTURE_MODALS else UNKNOWN
    if any(a.tag_ == "VBD" for a in auxes):
        return PAST
    if perfect:
        return PAST  # present perfect: "has signed"
    if verb.tag_ == "VBD":
        return PAST
    if verb.tag_ == "VBN" and not auxes:
        # reduced relative: "talks held on Monday" (past), but "a summit set for April" (future)
        return FUTURE if verb.lemma_.lower() in _future_governors() else PAST
    if verb.lower_ == "going" and any(a.lower_ in ("is", "are", "am", "'s", "'re") for a in auxes):
        return FUTURE
    if verb.tag_ == "VBN" and verb.lemma_.lower() in _future_governors():
        return FUTURE  # "is scheduled for Friday"
    return UNKNOWN


def doc_direction(doc: Doc, start: int, end: int) -> int:
    """The direction given by the verb governing the characters ``start:end`` of ``doc``."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return UNKNOWN
    root = span.root
    if root.dep_ == "poss":
        return PAST  # "Wednesday's ruling": an event already reported
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    verb, nominal = _verb_of(root)
    if verb is None:
        return _sentence_fallback(doc, root)
    direction = verb_tense(verb)
    if direction == UNKNOWN:
        direction = _complement_direction(verb)
    simple_past = verb.tag_ == "VBD" or any(
        a.tag_ == "VBD" for a in verb.children if a.dep_ in ("aux", "auxpass")
    )
    if before in _UNTIL and not simple_past:
        return FUTURE  # "until Tuesday", "has been given until 9 a.m. Tuesday"
    if nominal and direction == PAST:
        return UNKNOWN  # "declared a dividend payable Dec. 7": the date belongs to the noun
    return direction


def _complement_direction(verb: Token) -> int:
    """Infinitives and participles: future under plan/expect/..., else their head's past or present."""
    head = verb.head
    if head is verb:
        return UNKNOWN
    if verb.tag_ == "VB" and any(c.lower_ == "to" for c in verb.children):
        if head.lemma_.lower() in _future_governors():
            return FUTURE
        return UNKNOWN  # "subpoenaed him to testify on Feb. 10": after the head, not before the DCT
    if verb.dep_ in ("conj", "advcl", "ccomp", "xcomp", "acl", "relcl") and verb.tag_ in ("VBG", "VB", "VBN"):
        return verb_tense(head) if head.pos_ in _VERBAL else UNKNOWN
    return UNKNOWN


def _sentence_fallback(doc: Doc, token: Token) -> int:
    """No governing verb (a headline, a fragment): the sentence root's tense, if any."""
    root = token.sent.root if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else None
    if root is not None and root.pos_ in _VERBAL:
        return verb_tense(root)
    return UNKNOWN


_CUE = re.compile(
    r"\b(?:(?P<future>will|shall|'ll|going\s+to|plans?\s+to|planned\s+to|scheduled\s+(?:to|for)|expected\s+to|"
    r"due\s+to|is\s+to|are\s+to|would|set\s+to|intends?\s+to|aims?\s+to|until|next)"
    r"|(?P<past>was|were|had|did|said|told|\w+ed|ago|last|began|met|held|took|made|went|came|left|won|lost|"
    r"fell|rose|sank|shot|hit|struck|killed|died|spoke))\b",
    re.I,
)
_SENTENCE_START = re.compile(r"[.!?]\s+(?=[A-Z\"'“])|\n\s*\n")


_BE_BEFORE = re.compile(r"\b(?:be|being|is|are|am|'s|'re)\s+$", re.I)


def _participle_governs_future(word: str) -> bool:
    """Whether a past participle is one of the future governors ("expected", "scheduled", "planned")."""
    w = word.lower()
    stems = {w[:-1], w[:-2]}
    if len(w) > 4 and w[-3] == w[-4]:
        stems.add(w[:-3])  # "planned" -> "plan"
    return bool(stems & _future_governors())


def _cue_directions(text: str, begin: int, end: int) -> list[int]:
    """The direction of each cue word in ``text[begin:end]``, in order.

    A participle after a present or bare form of "be" is passive voice, not past tense: "will be
    held on Friday" is decided by "will", "is expected on Friday" points ahead.
    """
    out = []
    for m in _CUE.finditer(text, begin, end):
        if m.lastgroup == "past" and _BE_BEFORE.search(text[max(begin, m.start() - 12) : m.start()]):
            if _participle_governs_future(m.group(0)):
                out.append(FUTURE)
            continue
        out.append(FUTURE if m.lastgroup == "future" else PAST)
    return out


def text_direction(text: str, start: int, end: int) -> int:
    """Direction from cue words (no parse available): the nearest cue before the expression in
    its sentence ("said on Wednesday he will..." -> past), else the first one after it."""
    begin = 0
    for m in _SENTENCE_START.finditer(text, max(0, start - 300), start):
        begin = m.end()
    stop = text.find(".", end)
    stop = len(text) if stop < 0 else min(stop, end + 80)
    before = _cue_directions(text, begin, start)
    if before:
        return before[-1]
    after = _cue_directions(text, end, stop)
    return after[0] if after else UNKNOWN
