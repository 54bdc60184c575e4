"""Who said what: direct, indirect and mixed quotes with resolved speakers.

``extract_quotes(doc, mentions, entities)`` runs four steps over the spaCy parse:

1. quotation marks are paired on the raw text (:mod:`quote_marks`), never failing on
   unbalanced marks, and each quotation gets its cue and source (:mod:`quote_direct`);
2. cue words of the lexicon yield reported speech, thoughts and stances (:mod:`quote_indirect`);
3. candidates are made univocal the way PolNeAR annotates (:mod:`quote_merge`): a word belongs
   to one attribution at most, an attribution inside another one's content is dropped, and a
   quotation inside an indirect content with the same cue (or none) makes that content a mixed
   quote; uncued quotations join the attribution before them or the verb that governs them;
4. a learned cue detector (:mod:`quote_model`) adds attributions for the long tail of cue
   words: verbs and nouns outside every attribution so far, with a generic content, kept when
   a logistic regression over parse features says so.

Learned models then move the end and start of indirect contents (:mod:`quote_bounds`), speakers
are resolved (:mod:`speakers`), and a learned filter drops indirect and mixed quotes that are
likely not attributions (:mod:`quote_filter`). The content span (``start``/``end``/``text``)
of a direct quote includes its quotation marks, as PolNeAR's Content spans do; ``parts`` lists
the fragments when the cue interrupts the content.
"""

from __future__ import annotations

from spacy.tokens import Doc

from storyline.extract.quote_bounds import choose_bounds
from storyline.extract.quote_direct import colon_source, direct_candidates
from storyline.extract.quote_filter import filter_quotes
from storyline.extract.quote_framed import colon_line_candidates
from storyline.extract.quote_index import TextIndex
from storyline.extract.quote_indirect import indirect_candidates
from storyline.extract.quote_marks import find_quoted_spans
from storyline.extract.quote_merge import (
    attach_governed,
    join_uncued_paragraphs,
    make_univocal,
    take_lead_in,
    take_object_complement,
    take_passive_subject,
    widen_cue,
)
from storyline.extract.quote_model import CueModel, learned_candidates
from storyline.extract.quote_types import Candidate, merge_parts
from storyline.extract.speakers import SpeakerResolver
from storyline.model import LocalEntity, Mention, Quote, Speaker


def extract_quotes(
    doc: Doc,
    mentions: list[Mention],
    entities: list[LocalEntity],
    learned_bounds: bool = True,
    learned_filter: bool = True,
    cue_model: CueModel | None = None,
) -> list[Quote]:
    """Quotes of ``doc`` with content, cue and speaker spans as character offsets into ``doc.text``.

    With ``learned_bounds=False``, indirect contents keep the rules' boundaries; with
    ``learned_filter=False``, no quote is dropped by the attribution filter; ``cue_model``
    replaces the shipped cue detector (the filter's fitting uses models fitted without a fold).
    """
    if not len(doc):
        return []
    index = TextIndex.build(doc)
    accepted = attribution_candidates(doc, index, cue_model)
    if learned_bounds:
        choose_bounds(index, accepted)
    quoted = find_quoted_spans(index.text)
    resolver = SpeakerResolver(
        doc, mentions, entities, quoted=[(q.start, q.end) for q in quoted], index=index
    )
    quotes = _to_quotes(doc, accepted, resolver, index)
    return filter_quotes(doc, quotes) if learned_filter else quotes


def attribution_candidates(doc: Doc, index: TextIndex, cue_model: CueModel | None = None) -> list[Candidate]:
    """The rules' candidates and the learned detector's (``cue_model``, default the shipped one),
    with the words the rules add around them."""
    accepted = learned_candidates(doc, index, rule_candidates(doc, index), cue_model)
    for candidate in accepted:
        take_lead_in(index, candidate, accepted)
        take_object_complement(index, candidate, accepted)
        take_passive_subject(index, candidate, accepted)
    return accepted


def rule_candidates(doc: Doc, index: TextIndex) -> list[Candidate]:
    """The univocal candidates of the rules (quotation marks, cue lexicon, parse), in text order."""
    quoted = find_quoted_spans(index.text)
    direct = direct_candidates(doc, quoted, index)
    indirect = indirect_candidates(doc, index)
    indirect += colon_line_candidates(doc, index.paras, lambda start: colon_source(index, start))
    accepted = make_univocal(doc, direct, indirect, [(q.start, q.end) for q in quoted])
    accepted = [attach_governed(index, c, accepted) if c.cue is None else c for c in accepted]
    accepted = join_uncued_paragraphs(index, accepted)
    for candidate in accepted:
        widen_cue(index, candidate)
    return accepted


def _near_named(index: TextIndex, start: int, previous: tuple[Candidate, Speaker] | None) -> bool:
    """The previous quote has a named speaker and ends in this paragraph or the one before."""
    if previous is None or previous[1].name is None:
        return False
    return index.paragraph_of(start) - index.paragraph_of(previous[0].end - 1) <= 1


def _to_quotes(
    doc: Doc, candidates: list[Candidate], resolver: SpeakerResolver, index: TextIndex
) -> list[Quote]:
    quotes: list[Quote] = []
    text = index.text
    previous: tuple[Candidate, Speaker] | None = None
    for candidate in candidates:
        parts = merge_parts(candidate.parts, text)
        start, end = parts[0][0], parts[-1][1]
        if candidate.cue is None:
            speaker = resolver.from_hint(candidate.hint)
            if speaker.name is None and _near_named(index, start, previous):
                speaker = resolver.inherit(previous[1])  # type: ignore[index]  # the speaker of the quote just before
        else:
            speaker = resolver.resolve(candidate.source)
        previous = (candidate, speaker)
        cue = candidate.cue_chars(doc)
        if cue and cue[0] < end <= cue[1]:
            cue = (end, cue[1])  # a cue token glued to the closing mark ('”―')
        confidence = candidate.confidence
        if speaker.name is None:
            confidence = min(confidence, 0.5)
        quotes.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                kind=candidate.kind,
                cue=text[cue[0] : cue[1]] if cue else None,
                cue_start=cue[0] if cue else None,
                cue_end=cue[1] if cue else None,
                speaker=speaker,
                confidence=round(confidence, 2),
                note=candidate.note,
                parts=parts,
            )
        )
    return quotes
