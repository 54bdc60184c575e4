"""The learned attribution filter: drop indirect and mixed quotes that are likely not attributions.

The rules and the cue detector propose more than PolNeAR's annotators mark: a verb of thinking with
no one behind it, a stance noun, a `X is Y` with a content noun, an inner attribution where the
annotators mark the one around it. After speakers are resolved, a logistic regression over named
features of the finished quote (its cue word and the cue's place in the parse, its kind, which
step found it, how its speaker was resolved, the kind of source and content) estimates whether it
is a real attribution: one whose content overlaps a gold content with a cue that touches its own.
Quotes scored under the model's threshold are dropped. Direct quotes (words in quotation marks,
which the rules find with few errors) are always kept.

The weights (``data/quote_filter.toml``, names and numbers only) are fitted by
``python -m storyline.extract.quote_filter_fit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from storyline.extract.quote_index import char_span
from storyline.extract.quote_model import logistic, read_model_file
from storyline.model import Quote

MODEL_FILE = "quote_filter.toml"
_QUOTATION_MARKS = frozenset('"“”')
_CONTENT_OPENERS = frozenset(
    {"that", "to", "whether", "if", "how", "what", "why", "the", "a", '"', "“", "''"}
)


@dataclass(frozen=True, slots=True)
class FilterModel:
    """Weights over named features and the probability a quote needs to be kept."""

    weights: dict[str, float]
    intercept: float
    threshold: float

    def probability(self, features: list[str]) -> float:
        return logistic(self.weights, self.intercept, features)

    def keeps(self, doc: Doc, quote: Quote) -> bool:
        """True for a direct quote, or one the model scores at or above the threshold."""
        return quote.kind == "direct" or self.probability(quote_features(doc, quote)) >= self.threshold


@lru_cache(maxsize=1)
def load_filter() -> FilterModel | None:
    """The shipped model, loaded once (None when the data file is absent)."""
    raw = read_model_file(MODEL_FILE)
    return FilterModel(raw["weights"], raw["intercept"], raw["threshold"]) if raw else None


def filter_quotes(doc: Doc, quotes: list[Quote], model: FilterModel | None = None) -> list[Quote]:
    """The quotes ``model`` (default: the shipped one) keeps, in their order."""
    model = model or load_filter()
    if model is None:
        return quotes
    return [q for q in quotes if model.keeps(doc, q)]


def quote_features(doc: Doc, quote: Quote) -> list[str]:
    """Named binary features of a finished quote."""
    speaker = quote.speaker
    reason = (speaker.reason or "none").split(":")[0] if speaker else "none"
    names = [
        f"kind={quote.kind}",
        f"note={quote.note}",
        f"confidence={round(quote.confidence * 10) / 10:.1f}",
        f"speaker_reason={reason}",
        f"speaker_named={bool(speaker and speaker.name)}",
        f"fragments={min(len(quote.parts) or 1, 3)}",
        f"quotation_mark={any(c in _QUOTATION_MARKS for c in quote.text)}",
        f"opening={quote.start < 300}",
    ]
    names += _cue_features(doc, quote)
    names += _source_features(doc, quote)
    names += _content_features(doc, quote)
    return names


def _cue_features(doc: Doc, quote: Quote) -> list[str]:
    cue = char_span(doc, quote.cue_start, quote.cue_end) if quote.cue_start is not None else None
    if cue is None or quote.cue_end is None:
        return ["cue=none"]
    head = cue.root
    lemma = head.lemma_.lower()
    subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
    subject = "none"
    if subjects:
        first = subjects[0]
        subject = first.ent_type_ or (first.lower_ if first.pos_ == "PRON" else first.pos_)
    return [
        f"lemma={lemma}",
        f"lemma|kind={lemma}|{quote.kind}",
        f"lemma|note={lemma}|{quote.note}",
        f"pos={head.pos_}",
        f"tag={head.tag_}",
        f"dep={head.dep_}",
        f"head_dep={head.head.dep_}",
        f"negated={any(c.dep_ == 'neg' for c in head.children)}",
        f"cue_words={min(len(cue), 4)}",
        f"sentence_opening={head.i - head.sent.start < 3}",
        f"subject={subject}",
        f"cue_first={quote.cue_start < quote.start}",
    ]


def _source_features(doc: Doc, quote: Quote) -> list[str]:
    speaker = quote.speaker
    if speaker is None or speaker.start is None or speaker.end is None:
        return ["source=none"]
    source = char_span(doc, speaker.start, speaker.end)
    if source is None:
        return ["source=none"]
    return [f"source_root={source.root.ent_type_ or source.root.pos_}", f"source_words={min(len(source), 4)}"]


def _content_features(doc: Doc, quote: Quote) -> list[str]:
    content = char_span(doc, quote.start, quote.end)
    if content is None:
        return ["content=none"]
    first = content[0]
    opener = f"opener={first.lower_}" if first.lower_ in _CONTENT_OPENERS else f"opener_pos={first.pos_}"
    words = sum(
        len(span) for s, e in (quote.parts or [(quote.start, quote.end)]) if (span := char_span(doc, s, e))
    )
    return [
        opener,
        f"content_words={min(words // 5, 8)}",
        f"content_root={content.root.pos_}",
        f"content_entity={content.root.ent_type_}",
        f"sentences={min(sum(1 for _ in content.sents), 3)}",
    ]
