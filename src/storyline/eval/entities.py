"""``storyline eval entities``: cross-document coreference of named entities.

Scores the corpus entity registry on two gold corpora, with MUC, B-cubed, CEAF-e and their
mean (CoNLL F1), computed by :mod:`storyline.eval.coref_metrics`:

* MEANTIME English, cross-document annotation: gold mentions with ``syntactic_type="NAM"``
  that REFER_TO an ENTITY of type PER, ORG or LOC; gold cluster = the entity's corpus-wide
  ``instance_id`` (or the document's ENTITY when it has none).
* ECB+: mentions tagged HUMAN_PART*, LOC_* or NON_HUMAN_PART* in the sentences listed in
  ``ECBplus_coreference_sentences.csv``; gold cluster = CROSS_DOC_COREF instance, else the
  INTRA_DOC_COREF chain, else the mention alone. ECB+ marks no "named" mentions, so a mention
  counts as named when, without leading determiners and trailing possessive or punctuation,
  its last token is a proper noun by spaCy's tagger (PROPN) and its first letter is a capital.

Two settings (``--mentions``):

* ``gold``: the gold named mentions' spans are fed to the registry; their NER label comes from
  spaCy (the entity inside the span that the parsed name falls in, else none) and their
  within-document grouping from :func:`storyline.corpus.registry.group_by_name` - never from
  the gold annotation.
* ``predicted``: our spaCy NER + ``find_entities`` mentions (PERSON, ORG, GPE, LOC, FAC; for
  ECB+ also PRODUCT, and only in the listed sentences), aligned to gold by exact span after
  trimming a leading "the" and a trailing possessive; mentions found by only one side stay
  in their clusters (twinless mentions are scored as the CoNLL-2012 reference scorer does).

No gold story is given to the registry unless ``--stories gold`` (then the gold topic is the
story id: an upper bound of what a story stage adds). Baselines printed alongside: every
mention alone, and mentions grouped by identical name key.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

from storyline.corpus.aliases import default_book
from storyline.corpus.names import coarse_type, parse_name
from storyline.corpus.registry import ArticleContext, EntityRegistry, group_by_name
from storyline.eval.common import DatasetNotFoundError, dataset_path, print_report
from storyline.eval.coref_metrics import conll
from storyline.model import Mention

MEANTIME = "meantime-en"
ECBPLUS = "ecbplus"
MEANTIME_TYPES = ("PER", "ORG", "LOC")
PREDICTED_LABELS = {
    "meantime": frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"}),
    "ecbplus": frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT"}),
}
_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
)
_DETERMINERS = {"the", "a", "an"}
_TRIM_END = {"'s", "'", "’s", "’", ",", ".", ")", "(", ";", ":"}


@dataclass(slots=True)
class GoldMention:
    start: int
    end: int
    text: str
    cluster: str


@dataclass(slots=True)
class EvalDocument:
    """One document ready for scoring: text, date, gold named mentions, sentences kept."""

    name: str
    text: str
    topic: str
    date: str | None = None
    outlet: str | None = None
    gold: list[GoldMention] = field(default_factory=list)
    kept: list[tuple[int, int]] | None = None  # character ranges evaluated (None: all)
    named_by_tagger: bool = False  # gold holds all entity mentions; keep those :func:`is_named` accepts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="storyline eval entities", description="Cross-document entity coreference (MEANTIME, ECB+)."
    )
    parser.add_argument(
        "--data", help="the dataset folder (with --dataset) or a folder holding meantime-en/ and ecbplus/"
    )
    parser.add_argument("--dataset", choices=["meantime", "ecbplus", "all"], default="all")
    parser.add_argument("--mentions", choices=["gold", "predicted", "both"], default="gold")
    parser.add_argument(
        "--stories", choices=["none", "gold"], default="none", help="give the gold topic as story id"
    )
    parser.add_argument(
        "--scope",
        choices=["auto", "corpus", "topic"],
        default="auto",
        help="one registry for the corpus, or one per gold topic; auto: corpus for MEANTIME (corpus-wide "
        "instances), topic for ECB+ (its instances are defined within a topic)",
    )
    parser.add_argument("--aliases", help="a user alias file (TOML) read before the gazetteer")
    parser.add_argument("--limit", type=int, help="only the first N documents of each dataset")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    names = ["meantime", "ecbplus"] if args.dataset == "all" else [args.dataset]
    modes = ["gold", "predicted"] if args.mentions == "both" else [args.mentions]
    result: dict[str, Any] = {
        "settings": {"mentions": args.mentions, "stories": args.stories, "limit": args.limit}
    }
    try:
        for name in names:
            folder = _folder(name, args.data, len(names) > 1)
            scope = args.scope if args.scope != "auto" else ("corpus" if name == "meantime" else "topic")
            result[name] = evaluate(
                name, folder, modes, args.stories == "gold", args.aliases, args.limit, scope
            )
    except DatasetNotFoundError as error:
        print(f"storyline eval entities: {error}")
        return 2
    print_report(result, args.json, title="Cross-document entity coreference (named mentions)")
    return 0


def evaluate(
    dataset: str,
    folder: Path,
    modes: Iterable[str],
    gold_stories: bool = False,
    alias_file: str | None = None,
    limit: int | None = None,
    scope: str = "corpus",
) -> dict[str, Any]:
    """Figures for one dataset in each mention setting (``scope``: one registry, or one per topic)."""
    from storyline.nlp import load_nlp, model_name

    nlp = load_nlp()
    started = time.perf_counter()
    docs = read_meantime(folder, limit) if dataset == "meantime" else read_ecbplus(folder, limit)
    parsed = list(nlp.pipe((d.text for d in docs), batch_size=16))
    for doc, sdoc in zip(docs, parsed, strict=True):
        if doc.named_by_tagger:
            doc.gold = [g for g in doc.gold if is_named(sdoc, g.start, g.end)]
    parse_seconds = time.perf_counter() - started
    key = _gold_clusters(docs)
    out: dict[str, Any] = {
        "documents": len(docs),
        "gold_mentions": sum(len(d.gold) for d in docs),
        "gold_clusters": len(key),
        "model": model_name(nlp),
        "scope": scope,
        "read_and_parse_seconds": round(parse_seconds, 1),
    }
    for mode in modes:
        started = time.perf_counter()
        book = default_book(alias_file)
        if mode == "gold":
            response, baseline = _run_gold(docs, parsed, book, gold_stories, scope)
            out["gold"] = _figures(key, response)
            out["gold"]["baseline_same_name"] = conll(key, baseline)["conll"]
            out["gold"]["baseline_singletons"] = conll(key, [[m] for c in key for m in c])["conll"]
        else:
            response, annotated, within = _run_predicted(
                docs, parsed, book, gold_stories, PREDICTED_LABELS[dataset], scope
            )
            out["predicted"] = _figures(key, response)
            out["predicted"]["within_document"] = within
            out["predicted"].update(_mention_detection(key, response))
            out["predicted"]["overlapping_gold"] = _figures(key, annotated)
            out["predicted"]["overlapping_gold"].update(_mention_detection(key, annotated))
        out[mode]["seconds"] = round(time.perf_counter() - started, 1)
    return out


# ---- datasets --------------------------------------------------------------------------------


def read_meantime(folder: Path, limit: int | None = None) -> list[EvalDocument]:
    """MEANTIME documents with their named PER/ORG/LOC gold mentions (cross-document level)."""
    from storyline.eval.meantime import iter_meantime

    docs = []
    for doc in iter_meantime(folder, level="intra_cross-doc_annotation"):
        gold = [
            GoldMention(m.start, m.end, m.text, m.instance_id or f"{doc.name}:{m.entity}")
            for m in doc.mentions
            if m.syntactic_type == "NAM" and m.entity_type in MEANTIME_TYPES and m.end > m.start
        ]
        topic = _meantime_topic(folder, doc.name)
        docs.append(EvalDocument(doc.name, doc.text, topic, doc.dct, _outlet(doc.url), gold))
        if limit and len(docs) >= limit:
            break
    return docs


def read_ecbplus(folder: Path, limit: int | None = None) -> list[EvalDocument]:
    """ECB+ documents with their entity gold mentions in the validated sentences (all of them:
    the named ones are picked after parsing, see :func:`is_named`)."""
    from storyline.eval.ecbplus import iter_ecbplus, selected_sentences

    selected = selected_sentences(folder)
    docs = []
    for doc in iter_ecbplus(folder):
        keep = selected.get(doc.name)
        if not keep:
            continue
        gold = [GoldMention(m.start, m.end, m.text, m.gold) for m in doc.mentions if m.sentence in keep]
        kept = [doc.sentences[n] for n in sorted(keep) if n in doc.sentences]
        topic = f"{doc.topic}_{doc.subtopic}"
        docs.append(EvalDocument(doc.name, doc.text, topic, None, None, gold, kept, named_by_tagger=True))
        if limit and len(docs) >= limit:
            break
    return docs


def is_named(doc: Doc, start: int, end: int) -> bool:
    """A proper-noun mention: its last token (after trimming) is PROPN, its first letter a capital."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    tokens = list(span)
    while tokens and tokens[0].lower_ in _DETERMINERS:
        tokens.pop(0)
    while tokens and (tokens[-1].text in _TRIM_END or tokens[-1].is_punct):
        tokens.pop()
    if not tokens or not tokens[0].text[:1].isupper():
        return False
    return tokens[-1].pos_ == "PROPN"


def _meantime_topic(folder: Path, name: str) -> str:
    for path in folder.rglob(f"{name}.xml"):
        return path.parent.name
    return "unknown"


def _outlet(url: str | None) -> str | None:
    match = re.match(r"https?://([^/]+)", url or "")
    return match.group(1) if match else None


def _folder(dataset: str, data: str | None, several: bool) -> Path:
    name = MEANTIME if dataset == "meantime" else ECBPLUS
    if data is None:
        return dataset_path(name)
    base = Path(data)
    if (base / name).is_dir():
        return base / name
    if several:
        raise DatasetNotFoundError(f"{base / name}: dataset folder does not exist")
    return dataset_path(name, base)


# ---- running the registry -------------------------------------------------------------------


def _run_gold(
    docs: list[EvalDocument], parsed: list[Doc], book: Any, gold_stories: bool, scope: str = "corpus"
) -> tuple[list[list[tuple[str, int, int]]], list[list[tuple[str, int, int]]]]:
    registries: dict[str, EntityRegistry] = {}
    clusters: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    same_name: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for doc, sdoc in zip(docs, parsed, strict=True):
        part = _scope_key(doc, scope)
        registry = registries.setdefault(part, EntityRegistry(book))
        unique = {_trim(doc.text, g.start, g.end): g for g in reversed(doc.gold)}
        gold = sorted(unique.values(), key=lambda g: (g.start, g.end))
        mentions = [_gold_mention(sdoc, g) for g in gold]
        local = group_by_name(mentions, book)
        registry.resolve(_context(doc, gold_stories), mentions, local)
        for i, m in enumerate(mentions):
            mid = (doc.name, *_trim(doc.text, m.start, m.end))
            clusters[f"{part}:{m.entity_id}" if m.entity_id else f"{doc.name}:alone:{i}"].append(mid)
            parsed_name = parse_name(m.text, coarse_type(m.label))
            same_name[f"{part}:{parsed_name.key}" if parsed_name else f"{doc.name}:{i}"].append(mid)
    return list(clusters.values()), list(same_name.values())


def _scope_key(doc: EvalDocument, scope: str) -> str:
    """The registry a document goes to: the whole corpus, or its gold topic (ECB+ sub-topics together)."""
    return doc.topic.split("_")[0] if scope == "topic" else "corpus"


def _run_predicted(
    docs: list[EvalDocument],
    parsed: list[Doc],
    book: Any,
    gold_stories: bool,
    labels: frozenset[str],
    scope: str = "corpus",
) -> tuple[list[list[tuple[str, int, int]]], list[list[tuple[str, int, int]]], str]:
    """System clusters over predicted mentions: all of them, and only those overlapping a gold
    named mention (the others lie outside what was annotated, or outside the scored types)."""
    try:
        from storyline.extract.entities import find_entities

        within = "storyline.extract.entities.find_entities"
    except ImportError:  # the within-article pass is not there: group spaCy's entities by name
        find_entities = None
        within = "stand-in: spaCy doc.ents grouped by storyline.corpus.registry.group_by_name"
    registries: dict[str, EntityRegistry] = {}
    clusters: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    annotated: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for doc, sdoc in zip(docs, parsed, strict=True):
        part = _scope_key(doc, scope)
        registry = registries.setdefault(part, EntityRegistry(book))
        if find_entities is not None:
            mentions, local = find_entities(sdoc)
        else:
            mentions = [Mention(e.start_char, e.end_char, e.text, e.label_, -1) for e in sdoc.ents]
            local = group_by_name(mentions, book)
        registry.resolve(_context(doc, gold_stories), mentions, local)
        for i, m in enumerate(mentions):
            if m.label not in labels or not _kept(doc, m.start, m.end):
                continue
            start, end = _trim(doc.text, m.start, m.end)
            cluster = f"{part}:{m.entity_id}" if m.entity_id else f"{doc.name}:alone:{i}"
            clusters[cluster].append((doc.name, start, end))
            if any(g.start < end and start < g.end for g in doc.gold):
                annotated[cluster].append((doc.name, start, end))
    return list(clusters.values()), list(annotated.values()), within


def _mention_detection(
    key: list[list[tuple[str, int, int]]], response: list[list[tuple[str, int, int]]]
) -> dict[str, float]:
    """Exact-span mention recall and precision of the system's mentions."""
    gold = {m for c in key for m in c}
    system = {m for c in response for m in c}
    return {
        "mention_recall": len(gold & system) / max(1, len(gold)),
        "mention_precision": len(gold & system) / max(1, len(system)),
    }


def _context(doc: EvalDocument, gold_stories: bool) -> ArticleContext:
    return ArticleContext(doc.name, doc.date, doc.outlet, doc.topic if gold_stories else None)


def _gold_mention(doc: Doc, gold: GoldMention) -> Mention:
    """A gold span as a registry mention, labelled by the spaCy entity its parsed name falls in.

    When that entity is a person whose name the span's text does not yield ("President of
    Valdoria Anna Novak"), the entity's text is given as the mention's text.
    """
    ent = _entity_inside(doc, gold.start, gold.end, gold.text)
    if ent is None:
        return Mention(gold.start, gold.end, gold.text, "", -1)
    text = gold.text
    if ent.label_ == "PERSON":
        parsed = parse_name(text, "PER")
        if parsed is None or not _inside(parsed.display, ent):
            text = ent.text
    return Mention(gold.start, gold.end, text, ent.label_, -1)


def _entity_inside(doc: Doc, start: int, end: int, text: str) -> Span | None:
    ents = [e for e in doc.ents if e.start_char < end and e.end_char > start and e.label_ in _NAME_LABELS]
    if len(ents) <= 1:
        return ents[0] if ents else None
    for ent in sorted(ents, key=lambda e: -e.end_char):
        parsed = parse_name(text, coarse_type(ent.label_))
        if parsed and _inside(parsed.display, ent):
            return ent
    return max(ents, key=lambda e: e.end_char)


def _inside(display: str, ent: Span) -> bool:
    last = display.split()[-1].lower() if display.split() else ""
    return bool(last) and last in ent.text.lower()


def _kept(doc: EvalDocument, start: int, end: int) -> bool:
    if doc.kept is None:
        return True
    return any(lo <= start and end <= hi for lo, hi in doc.kept)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Span without a leading "the " and a trailing possessive: how mentions are aligned."""
    if text[start:end].lower().startswith("the "):
        start += 4
    for ending in ("'s", "’s", "'", "’"):
        if text[start:end].endswith(ending) and end - len(ending) > start:
            end -= len(ending)
            break
    return start, end


def _gold_clusters(docs: list[EvalDocument]) -> list[list[tuple[str, int, int]]]:
    clusters: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    seen = set()
    for doc in docs:
        for g in doc.gold:
            start, end = _trim(doc.text, g.start, g.end)
            mid = (doc.name, start, end)
            if mid in seen:
                continue
            seen.add(mid)
            clusters[g.cluster].append(mid)
    return list(clusters.values())


def _figures(
    key: list[list[tuple[str, int, int]]], response: list[list[tuple[str, int, int]]]
) -> dict[str, Any]:
    scores: dict[str, Any] = conll(key, response)
    scores["system_mentions"] = sum(len(c) for c in response)
    scores["system_clusters"] = len(response)
    return scores


if __name__ == "__main__":
    raise SystemExit(main())
