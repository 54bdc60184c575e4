"""Where an indirect or mixed content ends and starts: learned choices among its sentence's word boundaries.

The rules end a content where the parse's subtree ends, so a parse error costs the exact span
(``that "a deal"`` cut before ``had been struck in Vienna``), and annotators often end it earlier
or later than the subtree. Each token boundary from the content's first word to its sentence's
end is a candidate end (each from the sentence's start to its last word a candidate start), up
to the first cue, source or other content on the way. A logistic regression over the words
around the boundary and the parse across it scores them; the content moves to the best one when
it beats the rules' boundary by a margin. The end is chosen first, then the start. The weights
are package data (``data/quote_ends.toml``, ``data/quote_starts.toml``), fitted by
``storyline.extract.quote_bounds_fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.attrs import HEAD
from spacy.tokens import Doc, Token

from storyline.extract.quote_index import TextIndex
from storyline.extract.quote_model import logistic, read_model_file
from storyline.extract.quote_types import Candidate, merge_parts

MODEL_FILES = {"start": "quote_starts.toml", "end": "quote_ends.toml"}
_CLOSED_CLASS = frozenset({"PUNCT", "ADP", "SCONJ", "CCONJ", "PART", "AUX", "DET", "PRON", "ADV"})
_CLOSING = frozenset({"”", '"', "’", "'", ")", "]"})
_OPENING = frozenset({"“", '"', "‘", "'", "(", "["})


@dataclass(frozen=True, slots=True)
class BoundaryModel:
    """Weights over named features of a candidate boundary, and the margin a move must clear."""

    weights: dict[str, float]
    intercept: float
    margin: float

    def score(self, features: Sequence[str]) -> float:
        return logistic(self.weights, self.intercept, features)

    def choose(self, options: Sequence[Sequence[str]], current: int) -> int:
        """The index of the best-scored option, or ``current`` unless the best beats it by the margin."""
        scores = [self.score(names) for names in options]
        best = max(range(len(scores)), key=scores.__getitem__)
        return best if scores[best] > scores[current] + self.margin else current


@lru_cache(maxsize=2)
def load_model(side: str) -> BoundaryModel | None:
    """The shipped model of one side, ``"start"`` or ``"end"`` (None when its data file is absent)."""
    raw = read_model_file(MODEL_FILES[side])
    return BoundaryModel(raw["weights"], raw["intercept"], raw["margin"]) if raw else None


def _word(token: Token) -> str:
    return token.lower_ if token.pos_ in _CLOSED_CLASS else token.pos_


@dataclass(frozen=True, slots=True)
class TokenTable:
    """The token attributes the features read, as plain lists (spaCy's token access is slow in loops)."""

    word: list[str]  # closed-class words as themselves, others as their part of speech
    dep: list[str]
    head: list[int]
    verb: list[bool]
    no_end_after: list[bool]  # white space, or punctuation other than a closing mark
    no_start_at: list[bool]  # white space, or punctuation other than an opening mark

    @classmethod
    def build(cls, doc: Doc) -> TokenTable:
        tokens = list(doc)
        offsets = doc.to_array(HEAD).astype("int64").tolist()  # head index minus token index
        return cls(
            [_word(t) for t in tokens],
            [t.dep_ for t in tokens],
            [i + offset for i, offset in enumerate(offsets)],
            [t.pos_ in {"VERB", "AUX"} for t in tokens],
            [t.is_space or (t.is_punct and t.text not in _CLOSING) for t in tokens],
            [t.is_space or (t.is_punct and t.text not in _OPENING) for t in tokens],
        )


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-6" if n <= 6 else "7-12" if n <= 12 else "13+"


def _move_features(moved: str, distance: int, length: int, cue_first: bool, cue: str, kind: str) -> list[str]:
    """Features of a move (``same``, ``trim`` or ``extend``) shared by both sides."""
    return [
        f"move={moved}",
        f"move={moved}|{_bucket(distance)}",
        f"cue_first={cue_first}|{moved}",
        f"cue={cue}|{moved}",
        f"kind={kind}|{moved}",
        f"length={_bucket(length)}|{moved}",
    ]


def _moved_over(table: TokenTable, a: int, b: int, moved: str) -> list[str]:
    """Features of the words ``a`` to ``b`` a move takes in or leaves out: a verb among them, the first."""
    if a >= b:
        return []
    return [
        f"span_verbs={any(table.verb[a:b])}|{moved}",
        f"span_first={table.word[a]}|{table.dep[a]}|{moved}",
    ]


def token_range(index: TextIndex, part: tuple[int, int]) -> tuple[int, int]:
    """The tokens of a character fragment: first token, last token + 1."""
    first = index.token_at_or_after(part[0])
    last = index.token_at_or_after(part[1])
    return first, max(first + 1, last)


def candidate_ends(
    table: TokenTable, first: int, end: int, blocked: Sequence[tuple[int, int]], limit: int
) -> list[int]:
    """Token ends from just after ``first`` to ``limit`` (or ``end`` beyond it), up to a blocked token
    after ``first``; none after white space or punctuation other than a closing mark, except ``end``."""
    last = min([a for a, _ in blocked if a > first] + [max(limit, end)])
    return [e for e in range(first + 1, last + 1) if e == end or not table.no_end_after[e - 1]]


def end_features(
    table: TokenTable,
    first: int,
    e: int,
    current: int,
    sentence_end: int,
    cue_first: bool,
    cue: str,
    kind: str,
) -> list[str]:
    """Named features of ending the content (tokens ``first`` to ``e``) at ``e``."""
    word, dep, head = table.word, table.dep, table.head
    moved = "same" if e == current else ("trim" if e < current else "extend")
    found = _move_features(moved, abs(e - current), e - first, cue_first, cue, kind)
    found += [f"last={word[e - 1]}", f"last_dep={dep[e - 1]}"]
    if e >= sentence_end:
        found.append("next=END")
    else:
        nxt = head[e]
        where = "in" if first <= nxt < e else ("before" if nxt < first else "after")
        found += [
            f"next={word[e]}",
            f"next_dep={dep[e]}|{where}",
            f"next={word[e]}|last={word[e - 1]}",
            f"next={word[e]}|{moved}",
            f"next_dep={dep[e]}|{where}|{moved}",
            f"next_head={word[nxt]}|{dep[e]}|{where}",
        ]
        if e + 1 < sentence_end:
            found.append(f"next={word[e]}|next2={word[e + 1]}")
        cut = next((dep[j] for j in range(e, sentence_end) if first <= head[j] < e), "-")
        found += [f"cuts={cut}", f"cuts={cut}|{moved}"]
    outside = sum(1 for j in range(first, e) if not first <= head[j] < e)
    found += [f"heads_outside={_bucket(outside)}", f"heads_outside={_bucket(outside)}|{moved}"]
    found += _moved_over(table, min(e, current), max(e, current), moved)
    found.append(f"to_end={_bucket(sentence_end - e)}")
    return found


def candidate_starts(
    table: TokenTable, start: int, stop: int, blocked: Sequence[tuple[int, int]], limit: int
) -> list[int]:
    """Token starts from ``limit`` (or ``start`` before it) to just before ``stop``, after the last blocked
    token before ``start``; none at white space or punctuation other than an opening mark, except ``start``."""
    floor = max([b for a, b in blocked if b <= start] + [min(limit, start)])
    return [i for i in range(floor, stop) if i == start or not table.no_start_at[i]]


def start_features(
    table: TokenTable,
    s: int,
    stop: int,
    current: int,
    sentence_start: int,
    cue_first: bool,
    cue: str,
    kind: str,
) -> list[str]:
    """Named features of starting the content (tokens ``s`` to ``stop``) at ``s``."""
    word, dep, head = table.word, table.dep, table.head
    moved = "same" if s == current else ("trim" if s > current else "extend")
    found = _move_features(moved, abs(s - current), stop - s, cue_first, cue, kind)
    found += [f"first={word[s]}", f"first_dep={dep[s]}", f"first={word[s]}|{moved}"]
    if s <= sentence_start:
        found.append("previous=START")
    else:
        p = s - 1
        where = "in" if s <= head[p] < stop else ("before" if head[p] < s else "after")
        found += [
            f"previous={word[p]}",
            f"previous_dep={dep[p]}|{where}",
            f"previous={word[p]}|first={word[s]}",
            f"previous={word[p]}|{moved}",
            f"previous_dep={dep[p]}|{where}|{moved}",
            f"previous_head={word[head[p]]}|{dep[p]}|{where}",
        ]
        if p > sentence_start:
            found.append(f"previous={word[p]}|previous2={word[p - 1]}")
        cut = next((dep[j] for j in range(p, sentence_start - 1, -1) if s <= head[j] < stop), "-")
        found.append(f"cuts={cut}|{moved}")
    outside = sum(1 for j in range(s, stop) if not s <= head[j] < stop)
    found.append(f"heads_outside={_bucket(outside)}|{moved}")
    found += _moved_over(table, min(s, current), max(s, current), moved)
    found.append(f"from_start={_bucket(s - sentence_start)}")
    return found


PartRanges = dict[int, list[tuple[int, int]]]  # id of a candidate -> token ranges of its parts


def part_ranges(index: TextIndex, candidates: Sequence[Candidate]) -> PartRanges:
    """The token ranges of every candidate's content fragments."""
    return {id(c): [token_range(index, part) for part in c.parts] for c in candidates}


def blocked_tokens(
    candidate: Candidate, accepted: Sequence[Candidate], ranges: PartRanges
) -> list[tuple[int, int]]:
    """Token ranges a content may not grow over: the cues, sources and other contents of all attributions."""
    blocked = []
    for other in accepted:
        if other is not candidate:
            blocked += ranges[id(other)]
        if other.cue is not None:
            blocked.append(other.cue)
        if other.source is not None:
            blocked.append((other.source.start, other.source.end))
    return blocked


@dataclass(frozen=True, slots=True)
class Choices:
    """One boundary of a content: the rules' token position, the fragment's other boundary (token
    end for a start, first token for an end), and each candidate position with its features."""

    current: int
    other: int
    options: list[tuple[int, list[str]]]


def boundary_choices(
    index: TextIndex,
    table: TokenTable,
    candidate: Candidate,
    accepted: Sequence[Candidate],
    side: str,
    ranges: PartRanges | None = None,
) -> Choices | None:
    """The candidate ends (``side="end"``, of the last fragment) or starts (of the first) of ``candidate``.

    None for a content the models do not judge: direct quotes, uncued ones, and those whose
    rules' boundary is not itself a candidate (punctuation, or a blocked token on the way).
    """
    if candidate.kind not in {"indirect", "mixed"} or candidate.cue is None:
        return None
    doc = index.doc
    candidate.parts = merge_parts(candidate.parts, index.text)
    cue = candidate.verb.lemma_.lower() if candidate.verb is not None else "-"
    blocked = blocked_tokens(candidate, accepted, part_ranges(index, accepted) if ranges is None else ranges)
    if side == "end":
        first, current = token_range(index, candidate.parts[-1])
        while current > first + 1 and doc[current - 1].is_space:
            current -= 1
        edge = index.sentence(current - 1).end
        while edge > current and (doc[edge - 1].is_punct or doc[edge - 1].is_space):
            edge -= 1
        ends = candidate_ends(table, first, current, blocked, edge)
        cue_first = candidate.cue[0] < first
        options = [
            (e, end_features(table, first, e, current, edge, cue_first, cue, candidate.kind)) for e in ends
        ]
        return Choices(current, first, options) if current in ends else None
    current, stop = token_range(index, candidate.parts[0])
    edge = index.sentence(current).start
    starts = candidate_starts(table, current, stop, blocked, edge)
    cue_first = candidate.cue[0] < current
    options = [
        (s, start_features(table, s, stop, current, edge, cue_first, cue, candidate.kind)) for s in starts
    ]
    return Choices(current, stop, options) if current in starts else None


def choose_side(
    index: TextIndex,
    accepted: Sequence[Candidate],
    side: str,
    model: BoundaryModel | None = None,
    table: TokenTable | None = None,
) -> None:
    """Move one boundary (``"start"`` or ``"end"``) of each indirect or mixed content to the model's
    best, when it beats the rules' by the model's margin."""
    model = model or load_model(side)
    if model is None:
        return
    doc = index.doc
    table = table or TokenTable.build(doc)
    ranges = part_ranges(index, accepted)
    for candidate in accepted:
        choices = boundary_choices(index, table, candidate, accepted, side, ranges)
        if choices is not None:
            _move(doc, candidate, choices, model, side)
            ranges[id(candidate)] = [token_range(index, part) for part in candidate.parts]


def _move(doc: Doc, candidate: Candidate, choices: Choices, model: BoundaryModel, side: str) -> None:
    """Put ``candidate``'s boundary at the model's best position if it beats the rules' by the margin."""
    positions = [position for position, _ in choices.options]
    best = positions[model.choose([names for _, names in choices.options], positions.index(choices.current))]
    if best == choices.current:
        return
    if side == "end":
        last = doc[best - 1]
        candidate.parts[-1] = (candidate.parts[-1][0], last.idx + len(last.text))
    else:
        candidate.parts[0] = (doc[best].idx, candidate.parts[0][1])


def choose_bounds(index: TextIndex, accepted: Sequence[Candidate]) -> None:
    """The learned end, then the learned start, of every indirect or mixed content."""
    table = TokenTable.build(index.doc)
    choose_side(index, accepted, "end", table=table)
    choose_side(index, accepted, "start", table=table)
