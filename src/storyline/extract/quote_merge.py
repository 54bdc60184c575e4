"""Turn overlapping candidates into univocal attributions and join the loose quotations.

* ``make_univocal``: a word belongs to one attribution at most (PolNeAR's convention). Direct
  quotations come first; indirect candidates follow, longest content first, so an outer
  attribution wins over one inside its content. An indirect content that holds a quotation
  with the same cue, no cue, or a cue inside that content absorbs it and becomes mixed.
* ``attach_governed``: an uncued quotation governed by a verb with a subject becomes that
  verb's mixed quote ("referred to Rubio as “a bright leader”").
* ``join_uncued_paragraphs``: an uncued quotation opening a paragraph continues the
  attribution that ended the paragraph before.
* ``widen_cue``: a colon right after the cue joins it ("said:").
* ``take_lead_in``, ``take_object_complement``, ``take_passive_subject``: words around an
  accepted content that PolNeAR counts in it (a lead-in said too, an ``as`` phrase after the
  object, the subject of a passive or raising cue).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from storyline.extract.quote_cues import cue_extent, cue_lemma, lexicon, subject_of
from storyline.extract.quote_index import TextIndex, char_span
from storyline.extract.quote_spans import is_quote_mark
from storyline.extract.quote_types import Candidate

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_COMPARING = frozenset({"compare", "liken", "equate"})


def make_univocal(
    doc: Doc, direct: list[Candidate], indirect: list[Candidate], quoted: list[tuple[int, int]]
) -> list[Candidate]:
    """Candidates such that no word is part of two attributions (outer ones win)."""
    accepted: list[Candidate] = []
    for candidate in direct:
        if not any(_clashes(doc, candidate, other) for other in accepted):
            accepted.append(candidate)
    for candidate in sorted(indirect, key=lambda c: -(c.end - c.start)):
        absorbed = _absorbs(doc, candidate, accepted)
        if absorbed is None:
            continue
        if absorbed:
            for other in absorbed:
                accepted.remove(other)
                candidate.parts = _union(candidate.parts, other.parts)
            candidate.kind = "mixed"
            candidate.confidence = max(candidate.confidence, 0.8)
        elif any(_inside(q, candidate) for q in quoted):
            candidate.kind = "mixed"
        accepted.append(candidate)
    return sorted(accepted, key=lambda c: c.start)


def _named_by(doc: Doc, candidate: Candidate) -> list[tuple[int, int]]:
    """Character spans of a candidate's cue and source (the words that introduce it)."""
    spans = []
    cue = candidate.cue_chars(doc)
    if cue:
        spans.append(cue)
    if candidate.source is not None:
        spans.append((candidate.source.start_char, candidate.source.end_char))
    return spans


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a.parts for s2, e2 in b.parts)


def _clashes(doc: Doc, candidate: Candidate, other: Candidate) -> bool:
    """True when the two cannot both stand: shared words or the same cue."""
    if _overlaps(candidate, other):
        return True
    if candidate.verb is not None and other.verb is not None and candidate.verb.i == other.verb.i:
        return True
    cue = candidate.cue_chars(doc)
    return cue is not None and other.covers(cue[0])


def _inside(span: tuple[int, int], candidate: Candidate) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in candidate.parts)


def _starts_inside(inner: Candidate, outer: Candidate) -> bool:
    """``inner`` begins inside ``outer``'s content and does not reach past the next fragment."""
    first = inner.start
    return any(s <= first < e for s, e in outer.parts)


def _union(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments covering both lists (overlapping or touching ones joined)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(a + b):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _adds_words(text: str, outer: Candidate, inner: Candidate) -> bool:
    """``outer``'s content has words outside ``inner``'s fragments (not only marks and punctuation)."""
    for start, end in outer.parts:
        pieces = [(start, end)]
        for s2, e2 in inner.parts:
            pieces = [p for a, b in pieces for p in ((a, min(b, s2)), (max(a, e2), b)) if p[0] < p[1]]
        if any(any(c.isalnum() for c in text[a:b]) for a, b in pieces):
            return True
    return False


def _absorbs(doc: Doc, candidate: Candidate, accepted: list[Candidate]) -> list[Candidate] | None:
    """Accepted direct quotes that ``candidate`` turns into a mixed quote; None when it clashes."""
    absorbed = []
    cue = candidate.cue_chars(doc)
    for other in accepted:
        same_cue = other.verb is not None and candidate.verb is not None and other.verb.i == candidate.verb.i
        nested = (
            other.cue is not None
            and candidate.covers(other.cue_chars(doc)[0])  # type: ignore[index]
            and candidate.start <= other.start
            and other.end <= candidate.end
        )
        if (
            other.kind == "direct"
            and (same_cue or other.cue is None or nested)
            and _starts_inside(other, candidate)
        ):
            if not _adds_words(doc.text, candidate, other):
                return None  # the same quotation seen twice: keep it direct
            absorbed.append(other)
            continue
        if same_cue or _overlaps(candidate, other):
            return None
        if cue is not None and other.covers(cue[0]):
            return None
        if (
            other.cue is not None
            and not _within_source(doc, candidate, other)
            and any(s < e2 and s2 < e for s, e in candidate.parts for s2, e2 in _named_by(doc, other))
        ):
            return None
    return absorbed


def _within_source(doc: Doc, candidate: Candidate, other: Candidate) -> bool:
    """``candidate`` (cue and content) lies inside ``other``'s source phrase: an attribution in
    the source's relative clause ("Barkley, who said he votes Democratic, said ...")."""
    if other.source is None:
        return False
    cue = candidate.cue_chars(doc)
    first = min([candidate.start] + ([cue[0]] if cue else []))
    last = max([candidate.end] + ([cue[1]] if cue else []))
    return other.source.start_char <= first and last <= other.source.end_char


def attach_governed(index: TextIndex, candidate: Candidate, accepted: list[Candidate]) -> Candidate:
    """An uncued quotation that a verb with a subject governs becomes that verb's mixed quote.

    "Bush referred to Rubio as “a bright leader”": the content runs from the verb's first
    complement to the end of the quotation, the cue is the verb, the source its subject.
    """
    doc = index.doc
    span = char_span(doc, candidate.start, candidate.end)
    if span is None:
        return candidate
    sentence = index.sentence(span.start)
    verb = next(
        (t.head for t in span if not span.start <= t.head.i < span.end and t.head.i < span.start), None
    )
    while verb is not None and verb.pos_ not in {"VERB", "AUX"} and verb.i != verb.head.i:
        verb = verb.head
    if verb is None or verb.pos_ not in {"VERB", "AUX"} or verb.i < sentence.start or verb.i > span.start:
        return candidate
    source = subject_of(verb)
    if (
        source is None
        or source.root.pos_ not in {"PROPN", "PRON", "NOUN"}
        or "\n" in index.text[source.start_char : span.start_char]
    ):
        return candidate
    if any(other.verb is not None and other.verb.i == verb.i for other in accepted):
        return candidate  # the verb already cues another quote
    if any(t.text in {".", "!", "?"} for t in doc[verb.i : span.start]):
        return candidate  # a sentence ends in between (the parser joined two sentences)
    first = next((c for c in verb.rights if not c.is_punct), None)
    if first is None or first.left_edge.i > span.start:
        return candidate
    start = doc[first.left_edge.i].idx
    if any(
        other is not candidate and any(s < candidate.end and start < e for s, e in other.parts)
        for other in accepted
    ):
        return candidate
    cue = cue_extent(verb)
    if any(other.covers(doc[cue[0]].idx) for other in accepted):
        return candidate
    return Candidate(
        [(start, candidate.end)], "mixed", cue, verb, source, min(candidate.confidence, 0.5), candidate.note
    )


def widen_cue(index: TextIndex, candidate: Candidate) -> None:
    """A colon right after the cue belongs to it ("said: “...”"), as in PolNeAR's spans."""
    if candidate.cue is None or candidate.verb is None:
        return
    start, end = candidate.cue
    doc = index.doc
    if end < len(doc) and doc[end].text == ":" and doc[end].idx < candidate.start:
        candidate.cue = (start, end + 1)


def join_uncued_paragraphs(index: TextIndex, candidates: list[Candidate]) -> list[Candidate]:
    """An uncued quotation opening a paragraph continues the attribution that ended the previous one."""
    kept: list[Candidate] = []
    for candidate in candidates:
        previous = kept[-1] if kept else None
        if (
            candidate.cue is None
            and previous is not None
            and _ends_previous_paragraph(index, previous, candidate)
        ):
            previous.parts.extend(candidate.parts)
            if previous.kind == "indirect":
                previous.kind = "mixed"
            continue
        kept.append(candidate)
    return kept


def _ends_previous_paragraph(index: TextIndex, previous: Candidate, candidate: Candidate) -> bool:
    para = index.paragraph_of(candidate.start)
    if (
        para == 0
        or index.paras[para][0] != candidate.start
        or index.paragraph_of(previous.end - 1) != para - 1
    ):
        return False
    para_end = index.paras[para - 1][1]
    rest_from = previous.end
    if previous.verb is not None and previous.verb.idx >= previous.end:
        rest_from = max(rest_from, index.sentence(previous.verb.i).end_char)
    return not index.text[rest_from:para_end].strip(" ,.;:—–-\n\"”’'")


def take_lead_in(index: TextIndex, candidate: Candidate, accepted: list[Candidate]) -> None:
    """Words before a parenthetical cue belong to the content after it, as a first fragment.

    ``It is time, he said, “not only by a strong leader ...”`` and ``That, the commission said,
    “would be helpful ...”``: the cue and its source sit between commas inside the sentence and
    the content starts right after them; the sentence's words before the first comma are said too.
    Words inside quotation marks or another attribution are left alone.
    """
    if candidate.cue is None or candidate.source is None:
        return
    doc = index.doc
    first = min(candidate.cue[0], candidate.source.start)
    last = max(candidate.cue[1], candidate.source.end)
    if first < 2 or last >= len(doc) or doc[first - 1].text != "," or doc[last].text != ",":
        return
    after_comma = doc[last].idx + 1
    if candidate.start < after_comma or index.text[after_comma : candidate.start].strip():
        return
    sentence = index.sentence(first)
    lead = doc[sentence.start : first - 1]
    while len(lead) and lead[0].is_space:
        lead = lead[1:]
    if not _is_said_lead(lead, last) or any(is_quote_mark(t) for t in lead):
        return
    span = (lead.start_char, lead.end_char)
    if any(other is not candidate and _touches(span, other) for other in accepted):
        return
    candidate.parts.insert(0, span)
    if candidate.kind == "direct":
        candidate.kind = "mixed"


def _is_said_lead(lead: Span, content_from: int) -> bool:
    """A lead that is part of what was said: a lone conjunction (``But``), a clause, or the subject
    of the content's verb (``That``); not a setting (``On Tuesday``, ``In a statement``, ``Even then``)."""
    if not len(lead):
        return False
    if len(lead) == 1 and lead[0].pos_ == "CCONJ":
        return True
    if lead[0].pos_ in {"ADP", "SCONJ", "ADV"} or lead[0].ent_type_ in {"DATE", "TIME"}:
        return False
    return any(t.pos_ in {"VERB", "AUX"} for t in lead) or any(
        t.dep_ in _SUBJECT_DEPS and t.head.i >= content_from for t in lead
    )


def _touches(span: tuple[int, int], candidate: Candidate) -> bool:
    return any(s < span[1] and span[0] < e for s, e in candidate.parts)


def take_object_complement(index: TextIndex, candidate: Candidate, accepted: list[Candidate]) -> None:
    """What the cue verb says of its object belongs to the content that ended at the object: an
    ``as`` phrase (``sees golf courses as wasted space``) or the second term of a comparison
    (``compared her to a religious heretic``), attached to the verb by the parse, unless another
    attribution holds words of it."""
    verb = candidate.verb
    if verb is None or len(candidate.parts) != 1:
        return
    doc = index.doc
    after = index.token_at_or_after(candidate.parts[0][1])
    while after < len(doc) and doc[after].is_space:
        after += 1
    if after >= len(doc):
        return
    complement = _object_complement(doc[after], verb)
    if complement is None:
        return
    last = complement.right_edge
    added = (complement.idx, last.idx + len(last.text))
    if not any(other is not candidate and _touches(added, other) for other in accepted):
        candidate.parts[0] = (candidate.parts[0][0], added[1])


def _object_complement(token: Token, verb: Token) -> Token | None:
    """The phrase opened by ``token`` (the word after the object) when it completes ``verb``'s object."""
    word = token.lower_
    completes = word == "as" or (word == "to" and verb.lemma_ in _COMPARING)
    if completes and token.head.i == verb.i and token.dep_ == "prep" and any(True for _ in token.children):
        return token
    return None


#: Verbs whose passive subject is the one spoken to, not what is said of ("she was asked about").
_ADDRESSEE_VERBS = frozenset(
    {"ask", "tell", "question", "assure", "persuade", "inform", "warn", "urge", "remind", "advise", "invite"}
)


def take_passive_subject(index: TextIndex, candidate: Candidate, accepted: list[Candidate]) -> None:
    """What a passive or raising cue says something of is content too (``Ginsburg ‖ is known for
    ‖ her liberal bent``, ``The statistics ‖ appear ‖ to be fabricated``): the subject before the
    verb becomes the first fragment, and no longer the source, unless another attribution holds
    words of it."""
    verb = candidate.verb
    if verb is None or candidate.kind == "direct" or verb.pos_ not in {"VERB", "AUX"}:
        return
    lemma = cue_lemma(verb)
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    if not (passive or lemma in lexicon().raising) or lemma in _ADDRESSEE_VERBS:
        return
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i < verb.i), None)
    if subject is None or subject.lower_ in {"it", "there"}:
        return
    first, last = subject.left_edge, subject.right_edge
    added = (first.idx, last.idx + len(last.text))
    if added[1] > candidate.start or any(s <= added[0] < e for s, e in candidate.parts):
        return
    if any(other is not candidate and _touches(added, other) for other in accepted):
        return
    candidate.parts.insert(0, added)
    source = candidate.source
    if source is not None and source.start_char < added[1] and added[0] < source.end_char:
        candidate.source = None
