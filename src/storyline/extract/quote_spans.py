"""Character spans of parse subtrees for the quote rules and the cue detector.

Contents are token ranges of the parse turned into character offsets: outer punctuation and
a trailing conjunction dropped, a closing quotation mark kept when the content opened one.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token


def span_chars(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Character offsets of tokens ``start..end`` with outer punctuation dropped (not quote marks)."""
    while start < end and ((doc[start].is_punct and not is_quote_mark(doc[start])) or doc[start].is_space):
        start += 1
    while end > start and (
        (doc[end - 1].is_punct and not is_quote_mark(doc[end - 1])) or doc[end - 1].is_space
    ):
        end -= 1
    while end > start and doc[end - 1].dep_ == "cc":
        end -= 1
    if end <= start:
        return None
    end = close_quotes(doc, start, end)
    start = open_quotes(doc, start, end)
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def subtree_chars(token: Token) -> tuple[int, int] | None:
    """:func:`span_chars` of ``token``'s whole subtree."""
    return span_chars(token.doc, token.left_edge.i, token.right_edge.i + 1)


def close_quotes(doc: Doc, start: int, end: int) -> int:
    """``end`` moved past a closing quotation mark when the content opened one and stops short."""
    text = doc[start:end].text
    opened = sum(text.count(c) for c in "“«") - sum(text.count(c) for c in "”»")
    opened += text.count('"') % 2
    if opened <= 0:
        return end
    for i in range(end, min(end + 3, len(doc))):
        if doc[i].text in {"”", '"', "»", "''"} or doc[i].tag_ == "''":
            return i + 1
        if not doc[i].is_punct:
            break
    return end


def open_quotes(doc: Doc, start: int, end: int) -> int:
    """``start`` moved back over the opening quotation mark of a quotation the content closes
    (the parser often hangs the opening mark on the verb before it)."""
    text = doc[start:end].text
    unopened = sum(text.count(c) for c in "”»") - sum(text.count(c) for c in "“«")
    if unopened <= 0 or start == 0:
        return start
    before = doc[start - 1]
    return start - 1 if before.text in {"“", "«"} or before.tag_ == "``" else start


def is_quote_mark(token: Token) -> bool:
    return token.text in {'"', "“", "”", "'", "‘", "’", "«", "»"} or token.tag_ in {"``", "''"}


def subtree_range(token: Token, exclude: Token | None = None) -> tuple[int, int]:
    """Token range of ``token``'s subtree, cut before ``exclude`` (the cue) when it lies inside."""
    start, end = token.left_edge.i, token.right_edge.i + 1
    if exclude is not None and start <= exclude.i < end:
        if exclude.i > token.i:
            end = exclude.left_edge.i
        else:
            start = exclude.right_edge.i + 1
    return start, end


def has_that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)


def is_question_clause(clause: Token) -> bool:
    """An embedded question: "asked whether ...", "wondered if ..."."""
    return any(c.dep_ == "mark" and c.lower_ in {"if", "whether"} for c in clause.children)


def has_to(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
