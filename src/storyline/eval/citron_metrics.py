"""citron's quote measures, as BBC R&D's citron computes them (``citron/metrics.py``), on tokens.

A quote is a cue span, a list of source spans and a list of content spans, in spaCy tokens (a
character offset belongs to the token whose text or trailing white space holds it, as citron's
``CitronParser`` maps them). For each role:

* **exact**: a predicted quote is a true positive when some gold quote matches it, a false
  positive otherwise; a gold quote that no prediction matches is a false negative
  (P = tp / (tp + fp), R = tp / (tp + fn); not one-to-one). The cue matches when the spans are
  equal; the sources (contents) match when the cues *overlap* and the span lists are equal,
  span by span; a whole quote matches when cue, sources and contents are all equal.
* **overlap** (proportional): the tokens shared by every predicted/gold pair, summed, over the
  tokens of all predicted spans (P) and of all gold spans (R). "All spans" sums the three roles.

Kept from citron on purpose: its cue overlap test,
``predicted.start <= gold.end and predicted.end > gold.start`` (a predicted cue starting where
the gold cue ends overlaps it), and a quote without a cue (citron always has one) matches
nothing that needs a cue. Not kept: citron prints the precision and recall of its "all quote
spans" overlap swapped (F1 is the same; here P is over predicted and R over gold tokens, as for
the roles), and its PARC converter trims and filters gold spans (every PolNeAR attribution
counts here as annotated).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.eval.common import PRF

TokenSpan = tuple[int, int]
ROLES = ("cue", "source", "content")


@dataclass(frozen=True, slots=True)
class TokenQuote:
    """A quote in token spans: ``end`` exclusive, like a spaCy ``Span``."""

    cue: TokenSpan | None
    sources: tuple[TokenSpan, ...]
    contents: tuple[TokenSpan, ...]

    def spans(self, role: str) -> tuple[TokenSpan, ...]:
        if role == "cue":
            return (self.cue,) if self.cue else ()
        return self.sources if role == "source" else self.contents


def char_to_token(doc: Any) -> list[int]:
    """For every character of ``doc.text``, the index of the token holding it (or its trailing space)."""
    index = [0] * len(doc.text)
    for token in doc:
        for i in range(token.idx, token.idx + len(token.text_with_ws)):
            index[i] = token.i
    return index


def token_spans(fragments: Iterable[tuple[int, int]], index: Sequence[int]) -> tuple[TokenSpan, ...]:
    """Character fragments as token spans (first token, last token + 1), in order."""
    return tuple((index[start], index[end - 1] + 1) for start, end in fragments if end > start)


def token_quote(
    cue: Sequence[tuple[int, int]],
    source: Sequence[tuple[int, int]],
    content: Sequence[tuple[int, int]],
    index: Sequence[int],
) -> TokenQuote:
    """A quote from character fragments; a cue in several fragments becomes the span covering them."""
    cue_spans = token_spans(cue, index)
    whole_cue = (cue_spans[0][0], cue_spans[-1][1]) if cue_spans else None
    return TokenQuote(whole_cue, token_spans(source, index), token_spans(content, index))


def _touch(a: TokenSpan | None, b: TokenSpan | None) -> bool:
    """citron's ``are_overlapping_spans`` (spans that only touch count)."""
    return a is not None and b is not None and a[0] <= b[1] and a[1] > b[0]


def _shared(a: TokenSpan, b: TokenSpan) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _matches(role: str, predicted: TokenQuote, gold: TokenQuote) -> bool:
    if role == "cue":
        return predicted.cue is not None and predicted.cue == gold.cue
    if role == "quote":
        return (
            predicted.cue is not None
            and predicted.cue == gold.cue
            and predicted.sources == gold.sources
            and predicted.contents == gold.contents
        )
    return _touch(predicted.cue, gold.cue) and predicted.spans(role) == gold.spans(role)


def score_quotes(predicted: Sequence[TokenQuote], gold: Sequence[TokenQuote]) -> Counter[str]:
    """citron's counts for one document (keys ``{role}_tp/fp/fn``, ``{role}_shared/pred/gold``)."""
    counts: Counter[str] = Counter()
    for role in (*ROLES, "quote"):
        for p in predicted:
            counts[f"{role}_tp" if any(_matches(role, p, g) for g in gold) else f"{role}_fp"] += 1
        counts[f"{role}_fn"] += sum(1 for g in gold if not any(_matches(role, p, g) for p in predicted))
    for role in ROLES:
        counts[f"{role}_shared"] += sum(
            _shared(a, b) for p in predicted for g in gold for a in p.spans(role) for b in g.spans(role)
        )
        counts[f"{role}_pred"] += sum(b - a for p in predicted for a, b in p.spans(role))
        counts[f"{role}_gold"] += sum(b - a for g in gold for a, b in g.spans(role))
    return counts


def summarize(counts: Counter[str]) -> dict[str, dict[str, dict[str, float]]]:
    """Exact and overlap P, R, F1 per role and for whole quotes ("all")."""

    def exact(role: str) -> dict[str, float]:
        tp = counts[f"{role}_tp"]
        return PRF(tp, tp + counts[f"{role}_fp"], tp, tp + counts[f"{role}_fn"]).to_dict()

    def proportional(roles: Sequence[str]) -> dict[str, float]:
        shared = sum(counts[f"{r}_shared"] for r in roles)
        return PRF(
            shared, sum(counts[f"{r}_pred"] for r in roles), shared, sum(counts[f"{r}_gold"] for r in roles)
        ).to_dict()

    result = {role: {"exact": exact(role), "overlap": proportional((role,))} for role in ROLES}
    result["all"] = {"exact": exact("quote"), "overlap": proportional(ROLES)}
    return result
