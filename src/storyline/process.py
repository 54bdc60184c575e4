"""The per-article stages: a pure function of one cleaned article and the spaCy model.

``prepare`` (identity and cleaning) runs where the inputs are read; ``analyze`` (spaCy and
every extractor) can run in this process, in worker processes or on Dask workers, and gives
the same result for the same article whatever the order or the place.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from storyline.clean import CleanResult, clean
from storyline.corpus.story_features import content_lemmas
from storyline.extract.entities import find_entities
from storyline.extract.quotes import extract_quotes
from storyline.model import Analysis, Quote, RawDocument, Timex
from storyline.nlp import load_nlp, model_name, sentence_spans
from storyline.time.dateline import find_dateline
from storyline.time.events import date_events
from storyline.time.pubdate import estimate_published
from storyline.time.timex import tag_timexes

_SPACES = re.compile(r"\s+")


def article_id(raw: RawDocument) -> str:
    """A stable id from the normalized content: title and text, case and spacing ignored."""
    content = f"{raw.title or ''}\n{raw.text}"
    normal = _SPACES.sub(" ", unicodedata.normalize("NFKC", content)).strip().casefold()
    return "a_" + hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def quote_id(article: str, quote: Quote) -> str:
    digest = hashlib.sha256(f"{article}:{quote.start}:{quote.end}:{quote.kind}".encode()).hexdigest()
    return "q_" + digest[:16]


@dataclass(slots=True)
class Prepared:
    """An article identified and cleaned, ready for the NLP stages (picklable)."""

    article_id: str
    raw: RawDocument
    cleaned: CleanResult


@dataclass(slots=True)
class Analyzed:
    """The per-article stages' result for one prepared article."""

    article_id: str
    analysis: Analysis | None  # None when an extractor failed on this article (see ``error``)
    model: str
    error: str | None = None


def prepare(raw: RawDocument, outlet_boilerplate: Iterable[str] = ()) -> Prepared:
    """Identify and clean one raw document."""
    cleaned = clean(raw.text, title=raw.title, outlet_boilerplate=outlet_boilerplate)
    return Prepared(article_id=article_id(raw), raw=raw, cleaned=cleaned)


def analyze(batch: Sequence[Prepared], nlp: Language | None = None, batch_size: int = 64) -> list[Analyzed]:
    """Run spaCy (batched) and every per-article extractor over a batch."""
    nlp = nlp or load_nlp()
    name = model_name(nlp)
    # The strings and lexemes a batch adds to the vocabulary are freed when it is done (spaCy's
    # memory zones): without this, a long ingest grows by every new word it ever sees.
    with nlp.memory_zone():
        docs = nlp.pipe((p.cleaned.text for p in batch), batch_size=batch_size)
        return [_analyze_one(p, doc, name) for p, doc in zip(batch, docs, strict=True)]


def _analyze_one(prepared: Prepared, doc: Doc, model: str) -> Analyzed:
    """One article's analysis; an extractor's failure is its error, not the batch's end."""
    try:
        return Analyzed(prepared.article_id, analyze_doc(prepared, doc), model)
    except Exception as error:
        return Analyzed(prepared.article_id, None, model, f"{type(error).__name__}: {error}")


def analyze_doc(prepared: Prepared, doc: Doc) -> Analysis:
    """Every per-article extraction over one parsed article."""
    text = doc.text
    dateline = find_dateline(text)
    published = estimate_published(prepared.raw, text, dateline, None, prepared.cleaned.removed)
    timexes = tag_timexes(text, published.value, doc)
    events = date_events(doc, timexes, published.value)
    mentions, entities = find_entities(doc)
    quotes = extract_quotes(doc, mentions, entities)
    sentences = sentence_spans(doc)
    date_quotes(quotes, timexes, sentences, published.value)
    terms = {k: float(v) for k, v in content_lemmas(doc).items()}
    return Analysis(
        text=text,
        removed=prepared.cleaned.removed,
        dateline=dateline,
        published=published,
        timexes=timexes,
        mentions=mentions,
        entities=entities,
        quotes=quotes,
        events=events,
        sentences=sentences,
        terms=terms,
    )


def date_quotes(
    quotes: list[Quote], timexes: list[Timex], sentences: list[tuple[int, int]], published: str | None
) -> None:
    """Date each quote: a day-level date in its cue's sentence outside the quote ("said on Wednesday"), else the article's."""
    for quote in quotes:
        anchor = quote.cue_start if quote.cue_start is not None else quote.start
        sentence = next(((s, e) for s, e in sentences if s <= anchor < e), None)
        quote.date = published
        if sentence is None:
            continue
        for timex in timexes:
            inside_sentence = sentence[0] <= timex.start < sentence[1]
            inside_quote = quote.start <= timex.start < quote.end
            if (
                inside_sentence
                and not inside_quote
                and timex.type == "DATE"
                and re.match(r"^[\dX]{4}-\d\d-\d\d$", timex.value)
            ):
                quote.date = timex.value
                break
