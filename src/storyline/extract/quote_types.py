"""The working record of the quote extractor, before speakers are resolved."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token


@dataclass(slots=True)
class Candidate:
    """A possible attribution: content fragments, its cue and the phrase naming its source."""

    parts: list[tuple[int, int]]  # character offsets of the content fragments, in text order
    kind: str  # direct | indirect | mixed
    cue: tuple[int, int] | None = None  # token range of the cue
    verb: Token | None = None  # the cue's head word
    source: Span | None = None  # the source phrase at the cue ("he", "the spokeswoman", "Novak")
    confidence: float = 0.8
    note: str | None = None
    hint: Span | None = None  # a speaker named in the preceding sentence (uncued quotes)

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def covers(self, char: int) -> bool:
        """True when ``char`` lies inside one of the content fragments."""
        return any(s <= char < e for s, e in self.parts)

    def cue_chars(self, doc: Doc) -> tuple[int, int] | None:
        """Character offsets of the cue."""
        if self.cue is None:
            return None
        first, last = doc[self.cue[0]], doc[self.cue[1] - 1]
        return first.idx, last.idx + len(last.text)


def merge_parts(parts: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Fragments sorted, with those separated only by white space joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(parts):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
