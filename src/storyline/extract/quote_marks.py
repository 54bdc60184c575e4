"""Pair quotation marks in raw text, tolerating unbalanced and multi-paragraph quotations.

Works on characters only (no parse), so it never depends on tokenization and never raises on
odd input. Double marks (``" “ ” « » „``) are paired first, paragraph by paragraph:

* a straight ``"`` opens or closes by its neighbours (space before: opens; space after: closes)
  and, when they do not tell, by whether a quotation is open;
* a paragraph that ends inside an open quotation continues it when the next paragraph opens with
  a mark (the journalistic convention for quotations over several paragraphs);
* otherwise the open quotation ends with its paragraph and is marked unbalanced; an orphan
  closing mark is paired with the start of its paragraph (or the end of the previous quotation
  there) and marked unbalanced too.

Single marks (``' ‘ ’``) are read as quotation marks only outside double quotations, when an
opening mark (after a space or a bracket, before a letter) finds a closing one in its paragraph;
elsewhere they are apostrophes. Nested quotations inside a double quotation stay part of it.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENERS = frozenset("“«„‟〝")
CLOSERS = frozenset("”»〞")
STRAIGHT = '"'
DOUBLE_MARKS = OPENERS | CLOSERS | {STRAIGHT}
SINGLE_OPENERS = frozenset("‘'")
SINGLE_CLOSERS = frozenset("’'")

_OPEN_CONTEXT = frozenset(" \t\n([{—–-/:;,")
_CLOSE_CONTEXT = frozenset(" \t\n)]}—–-/:;,.!?…")
_MAX_SINGLE_QUOTE = 600


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """One quotation: ``start`` at its opening mark, ``end`` after its closing mark."""

    start: int
    end: int
    balanced: bool = True
    single: bool = False  # delimited by single marks

    @property
    def inner(self) -> tuple[int, int]:
        """Offsets of the quoted words without the marks (as far as the marks are there)."""
        return self.start + 1, self.end - 1 if self.balanced else self.end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank line, trimmed of surrounding spaces."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            offset = pos + line.index(stripped[0])
            spans.append((offset, offset + len(stripped)))
        pos += len(line) + 1
    return spans


def _role(text: str, i: int) -> str:
    """``open``, ``close`` or ``either`` for the double mark at ``i``."""
    char = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens_by_context = before in _OPEN_CONTEXT and not after.isspace()
    closes_by_context = after in _CLOSE_CONTEXT and not before.isspace()
    if char in OPENERS:
        return "close" if before.isalnum() and (after.isspace() or after in ".,;:!?") else "open"
    if char in CLOSERS:
        return "open" if (before.isspace() or before in "([{") and after.isalnum() else "close"
    if opens_by_context and not closes_by_context:
        return "open"
    if closes_by_context and not opens_by_context:
        return "close"
    return "either"


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def find_double_quotes(text: str) -> list[QuotedSpan]:
    """Quotations delimited by double marks (see the module docstring for the recovery rules)."""
    found: list[QuotedSpan] = []
    paras = paragraphs(text)
    open_at: int | None = None
    open_para_end = 0
    for p_index, (p_start, p_end) in enumerate(paras):
        marks = [i for i in range(p_start, p_end) if text[i] in DOUBLE_MARKS]
        last_close = p_start
        if open_at is not None:
            continues = bool(marks) and marks[0] == p_start and _role(text, p_start) != "close"
            if continues:
                marks = marks[1:]
            else:
                found.append(QuotedSpan(open_at, _rstrip_end(text, open_at, open_para_end), balanced=False))
                open_at = None
        for i in marks:
            role = _role(text, i)
            if open_at is None:
                if role == "close":
                    start = last_close
                    if start < i:
                        found.append(QuotedSpan(start, i + 1, balanced=False))
                    last_close = i + 1
                else:
                    open_at = i
            elif role == "open":
                if text[i] == STRAIGHT and text[open_at] == STRAIGHT and i == open_at + 1:
                    continue
                found.append(QuotedSpan(open_at, _rstrip_end(text, open_at, i), balanced=False))
                open_at = i
            else:
                found.append(QuotedSpan(open_at, i + 1))
                open_at = None
                last_close = i + 1
        open_para_end = p_end
        if open_at is not None:
            next_start = paras[p_index + 1][0] if p_index + 1 < len(paras) else None
            if next_start is None or text[next_start] not in DOUBLE_MARKS:
                found.append(QuotedSpan(open_at, _rstrip_end(text, open_at, p_end), balanced=False))
                open_at = None
    if open_at is not None:
        found.append(QuotedSpan(open_at, _rstrip_end(text, open_at, len(text)), balanced=False))
    return [q for q in found if any(c.isalnum() for c in text[q.start : q.end])]


def _single_opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPEN_CONTEXT | {'"', "“"} and after.isalpha()


def _single_closes(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalpha() and after.isalpha():
        return False  # an apostrophe inside a word
    return (before.isalnum() or before in ".,!?…") and (after in _CLOSE_CONTEXT or after in '"”')


def find_single_quotes(text: str, outside: list[QuotedSpan]) -> list[QuotedSpan]:
    """Quotations delimited by single marks, outside the given double quotations."""
    covered = sorted((q.start, q.end) for q in outside)
    found: list[QuotedSpan] = []
    for p_start, p_end in paragraphs(text):
        i = p_start
        while i < p_end:
            if text[i] in SINGLE_OPENERS and _single_opens(text, i) and not _inside(i, covered):
                close = _find_single_close(text, i, p_end)
                if close is not None and not _inside(close, covered):
                    found.append(QuotedSpan(i, close + 1, single=True))
                    i = close + 1
                    continue
            i += 1
    return found


def _find_single_close(text: str, opener: int, p_end: int) -> int | None:
    weak: int | None = None
    for j in range(opener + 2, min(p_end, opener + _MAX_SINGLE_QUOTE)):
        if text[j] in SINGLE_CLOSERS and _single_closes(text, j):
            if text[j - 1] == "s" and text[j + 1 : j + 2] == " ":
                weak = weak if weak is not None else j  # "voters' views": maybe a possessive
                continue
            return j
        if text[j] in SINGLE_OPENERS and _single_opens(text, j) and text[j] == "‘":
            break
    return weak


def _inside(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= i < e for s, e in spans)


def shadow_doubled_marks(text: str) -> str:
    """``text`` with typewriter double marks (``''`` and two backquotes) read as one mark.

    The first character of the pair becomes ``"`` and the second a copy of the character after
    the pair, so offsets stay the same and the mark keeps its neighbours.
    """
    if "''" not in text and "``" not in text:
        return text
    chars = list(text)
    i = 0
    while i < len(chars) - 1:
        if text[i : i + 2] in {"''", "``"}:
            chars[i] = '"' if text[i] == "'" else "“"
            chars[i + 1] = text[i + 2] if i + 2 < len(text) else " "
            i += 2
            continue
        i += 1
    return "".join(chars)


def _widen_doubled(span: QuotedSpan, text: str) -> QuotedSpan:
    """Extend a quotation closed by the first character of ``''`` over the second one."""
    if span.balanced and text[span.end - 1 : span.end + 1] == "''":
        return QuotedSpan(span.start, span.end + 1, span.balanced, span.single)
    return span


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """All top-level quotations of ``text``, in text order."""
    shadow = shadow_doubled_marks(text)
    doubles = [_widen_doubled(q, text) for q in find_double_quotes(shadow)]
    singles = find_single_quotes(shadow, doubles)
    return sorted(doubles + singles, key=lambda q: q.start)
