"""Lookups shared by the quote extractor: character -> token, paragraph and sentence.

``Token.sent`` walks the document from its start on every call; the extractor asks for
sentences often, so they are indexed once per document here.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from storyline.extract.quote_marks import paragraphs


def char_span(doc: Doc, start: int, end: int) -> Span | None:
    """``doc.char_span(start, end, alignment_mode="expand")``, or None for an empty or reversed range."""
    length = (
        doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
    )  # len(doc.text), without rebuilding it
    start, end = max(0, start), min(end, length)
    if end <= start:
        return None
    return doc.char_span(start, end, alignment_mode="expand")


@dataclass(slots=True)
class TextIndex:
    """Character-to-token and character-to-paragraph lookups for one document."""

    doc: Doc
    text: str  # ``doc.text``, which spaCy rebuilds on every access
    starts: list[int]
    paras: list[tuple[int, int]]
    para_starts: list[int]

    sentences: list[Span]
    sentence_starts: list[int]  # token index of each sentence's first token

    @classmethod
    def build(cls, doc: Doc) -> TextIndex:
        text = doc.text
        paras = paragraphs(text)
        sentences = list(doc.sents) if len(doc) else []
        return cls(
            doc,
            text,
            [t.idx for t in doc],
            paras,
            [p[0] for p in paras],
            sentences,
            [s.start for s in sentences],
        )

    def sentence(self, token_i: int) -> Span:
        """The sentence holding token ``token_i``."""
        return self.sentences[max(0, bisect.bisect_right(self.sentence_starts, token_i) - 1)]

    def token_at_or_after(self, char: int) -> int:
        """Index of the first token starting at or after ``char`` (``len(doc)`` when none)."""
        return bisect.bisect_left(self.starts, char)

    def token_before(self, char: int) -> int:
        """Index of the last token (not white space) starting before ``char`` (-1 when none)."""
        i = bisect.bisect_left(self.starts, char) - 1
        while i >= 0 and self.doc[i].is_space:
            i -= 1
        return i

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)

    def paragraph_end(self, char: int) -> int:
        return self.paras[self.paragraph_of(char)][1] if self.paras else len(self.text)

    def paragraph_start(self, char: int) -> int:
        return self.paras[self.paragraph_of(char)][0] if self.paras else 0
