"""Where an indirect or mixed content ends and starts: learned choices among its sentence's word boundaries.

The rules end a content where the parse's subtree ends, so a parse error costs the exact span
(``that "a bomb"`` cut before ``had gone off in New York``), and annotators often end it earlier
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

from spacy.tokens import Doc, Span, Token

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


@lru_cache(maxsize=2)
def load_model(side: str) -> BoundaryModel | None:
    """The shipped model of one side, ``"start"`` or ``"end"`` (None when its data file is absent)."""
    raw = read_model_file(MODEL_FILES[side])
    return BoundaryModel(raw["weights"], raw["intercept"], raw["margin"]) if raw else None


def _word(token: Token) -> str:
    return token.lower_ if token.pos_ in _CLOSED_CLASS else token.pos_


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


def _moved_over(between: Span, moved: str) -> list[str]:
    """Features of the words a move takes in or leaves out: whether they hold a verb, the first one."""
    if not len(between):
        return []
    return [
        f"span_verbs={any(t.pos_ in ('VERB', 'AUX') for t in between)}|{moved}",
        f"span_first={_word(between[0])}|{between[0].dep_}|{moved}",
    ]


def token_range(index: TextIndex, part: tuple[int, int]) -> tuple[int, int]:
    """The tokens of a character fragment: first token, last token + 1."""
    first = index.token_at_or_after(part[0])
    last = index.token_at_or_after(part[1])
    return first, max(first + 1, last)


def candidate_ends(
    doc: Doc, first: int, end: int, blocked: Sequence[tuple[int, int]], limit: int
) -> list[int]:
    """Token ends from just after ``first`` to ``limit`` (or ``end`` beyond it), up to a blocked token;
    none after white space or punctuation other than a closing mark, except ``end`` itself."""
    ends = []
    for e in range(first + 1, max(limit, end) + 1):
        if any(a <= e - 1 < b for a, b in blocked):
            break
        last = doc[e - 1]
        if last.is_space or (last.is_punct and last.text not in _CLOSING and e != end):
            continue
        ends.append(e)
    return ends


def end_features(
    doc: Doc, first: int, e: int, current: int, sentence_end: int, cue_first: bool, cue: str, kind: str
) -> list[str]:
    """Named features of ending the content (tokens ``first`` to ``e``) at ``e``."""
    moved = "same" if e == current else ("trim" if e < current else "extend")
    found = _move_features(moved, abs(e - current), e - first, cue_first, cue, kind)
    last = doc[e - 1]
    found.append(f"last={_word(last)}")
    found.append(f"last_dep={last.dep_}")
    if e >= sentence_end:
        found.append("next=END")
    else:
        nxt = doc[e]
        where = "in" if first <= nxt.head.i < e else ("before" if nxt.head.i < first else "after")
        found += [
            f"next={_word(nxt)}",
            f"next_dep={nxt.dep_}|{where}",
            f"next={_word(nxt)}|last={_word(last)}",
            f"next={_word(nxt)}|{moved}",
            f"next_dep={nxt.dep_}|{where}|{moved}",
            f"next_head={_word(nxt.head)}|{nxt.dep_}|{where}",
        ]
        if e + 1 < sentence_end:
            found.append(f"next={_word(nxt)}|next2={_word(doc[e + 1])}")
        cut = next((t for t in doc[e:sentence_end] if first <= t.head.i < e), None)
        found.append(f"cuts={cut.dep_ if cut is not None else '-'}")
        found.append(f"cuts={cut.dep_ if cut is not None else '-'}|{moved}")
    outside = sum(1 for t in doc[first:e] if not first <= t.head.i < e)
    found.append(f"heads_outside={_bucket(outside)}")
    found.append(f"heads_outside={_bucket(outside)}|{moved}")
    found += _moved_over(doc[min(e, current) : max(e, current)], moved)
    found.append(f"to_end={_bucket(sentence_end - e)}")
    return found


def candidate_starts(
    doc: Doc, start: int, stop: int, blocked: Sequence[tuple[int, int]], limit: int
) -> list[int]:
    """Token starts from ``limit`` (or ``start`` before it) to just before ``stop``, after the last blocked
    token before ``start``; none at white space or punctuation other than an opening mark, except ``start``."""
    floor = max([b for a, b in blocked if b <= start] + [min(limit, start)])
    return [
        i
        for i in range(floor, stop)
        if i == start or not (doc[i].is_space or (doc[i].is_punct and doc[i].text not in _OPENING))
    ]


def start_features(
    doc: Doc, s: int, stop: int, current: int, sentence_start: int, cue_first: bool, cue: str, kind: str
) -> list[str]:
    """Named features of starting the content (tokens ``s`` to ``stop``) at ``s``."""
    moved = "same" if s == current else ("trim" if s > current else "extend")
    first = doc[s]
    found = _move_features(moved, abs(s - current), stop - s, cue_first, cue, kind)
    found += [f"first={_word(first)}", f"first_dep={first.dep_}", f"first={_word(first)}|{moved}"]
    if s <= sentence_start:
        found.append("previous=START")
    else:
        previous = doc[s - 1]
        where = "in" if s <= previous.head.i < stop else ("before" if previous.head.i < s else "after")
        found += [
            f"previous={_word(previous)}",
            f"previous_dep={previous.dep_}|{where}",
            f"previous={_word(previous)}|first={_word(first)}",
            f"previous={_word(previous)}|{moved}",
            f"previous_dep={previous.dep_}|{where}|{moved}",
            f"previous_head={_word(previous.head)}|{previous.dep_}|{where}",
        ]
        if s - 1 > sentence_start:
            found.append(f"previous={_word(previous)}|previous2={_word(doc[s - 2])}")
        cut = next((t for t in reversed(doc[sentence_start:s]) if s <= t.head.i < stop), None)
        found.append(f"cuts={cut.dep_ if cut is not None else '-'}|{moved}")
    outside = sum(1 for t in doc[s:stop] if not s <= t.head.i < stop)
    found.append(f"heads_outside={_bucket(outside)}|{moved}")
    found += _moved_over(doc[min(s, current) : max(s, current)], moved)
    found.append(f"from_start={_bucket(s - sentence_start)}")
    return found


def blocked_tokens(
    index: TextIndex, candidate: Candidate, accepted: Sequence[Candidate]
) -> list[tuple[int, int]]:
    """Token ranges a content may not grow over: the cues, sources and other contents of all attributions."""
    blocked = []
    for other in accepted:
        if other is not candidate:
            blocked += [token_range(index, part) for part in other.parts]
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
    index: TextIndex, candidate: Candidate, accepted: Sequence[Candidate], side: str
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
    blocked = blocked_tokens(index, candidate, accepted)
    if side == "end":
        first, current = token_range(index, candidate.parts[-1])
        while current > first + 1 and doc[current - 1].is_space:
            current -= 1
        edge = index.sentence(current - 1).end
        while edge > current and (doc[edge - 1].is_punct or doc[edge - 1].is_space):
            edge -= 1
        ends = candidate_ends(doc, first, current, [(a, b) for a, b in blocked if a > first], edge)
        cue_first = candidate.cue[0] < first
        options = [
            (e, end_features(doc, first, e, current, edge, cue_first, cue, candidate.kind)) for e in ends
        ]
        return Choices(current, first, options) if current in ends else None
    current, stop = token_range(index, candidate.parts[0])
    edge = index.sentence(current).start
    starts = candidate_starts(doc, current, stop, [(a, b) for a, b in blocked if b <= current], edge)
    cue_first = candidate.cue[0] < current
    options = [
        (s, start_features(doc, s, stop, current, edge, cue_first, cue, candidate.kind)) for s in starts
    ]
    return Choices(current, stop, options) if current in starts else None


def choose_side(
    index: TextIndex, accepted: Sequence[Candidate], side: str, model: BoundaryModel | None = None
) -> None:
    """Move one boundary (``"start"`` or ``"end"``) of each indirect or mixed content to the model's
    best, when it beats the rules' by the model's margin."""
    model = model or load_model(side)
    if model is None:
        return
    doc = index.doc
    for candidate in accepted:
        choices = boundary_choices(index, candidate, accepted, side)
        if choices is None:
            continue
        scores = {position: model.score(names) for position, names in choices.options}
        best = max(scores, key=scores.__getitem__)
        if best == choices.current or scores[best] <= scores[choices.current] + model.margin:
            continue
        if side == "end":
            last = doc[best - 1]
            candidate.parts[-1] = (candidate.parts[-1][0], last.idx + len(last.text))
        else:
            candidate.parts[0] = (doc[best].idx, candidate.parts[0][1])


def choose_bounds(index: TextIndex, accepted: Sequence[Candidate]) -> None:
    """The learned end, then the learned start, of every indirect or mixed content."""
    choose_side(index, accepted, "end")
    choose_side(index, accepted, "start")
