"""``storyline eval timeline``: Timeline17 (news-tls protocol) and SemEval-2015 TimeLine.

Timeline17: for each of the 18 usable gold timelines, the articles of its folder published
within the gold timeline's first..last date are built into a timeline of k = (gold dates) dates
and l = round(mean gold sentences per date) sentences per date, restricted to that span, and
scored with tilse's alignment ROUGE ``align_date_content_costs_many_to_one`` (AR-1, AR-2) and
date F1, averaged as news-tls does (mean P and R over timelines, F of the means).

SemEval-2015 Task 4, track A: for each target entity, the sentences naming it in the raw
corpus give its events (verbs and event nouns with the entity among their participants),
anchored to a date of the sentence or the document date and ordered; the official measure
is in :mod:`storyline.eval.semeval_timeline`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np

from storyline.corpus.timeline import (
    TimelineArticle,
    TimelineSettings,
    build_timeline,
    greedy_dates,
    story_dates,
)
from storyline.corpus.timeline_dates import COUNTS, MODEL_FILE, DateModel, fit_date_model
from storyline.eval.common import DatasetNotFoundError, dataset_path, print_report
from storyline.eval.tilse_metrics import TimelineRouge, average_scores, date_prf, f_score
from storyline.model import Timex

METRIC = "align_date_content_costs_many_to_one"

# --- Timeline17 data --------------------------------------------------------------------------

_PTB = {
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
    "``": '"',
    "''": '"',
}
_NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]}]|'s|'S|n't|N'T|'re|'ve|'ll|'d|'m|\.\.\.)$")
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}
_SENT_END = {".", "?", "!"}


def detokenize(tokens: Sequence[str]) -> str:
    """Plain text from PTB tokens (``-LRB-`` -> ``(``, `````` / ``''`` -> ``"``, no space before punctuation)."""
    return detokenize_with_offsets(tokens)[0]


def detokenize_with_offsets(tokens: Sequence[str]) -> tuple[str, list[int]]:
    """:func:`detokenize`'s text and the offset in it where each token starts."""
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    glue = True
    for tok in tokens:
        opening, closing = tok == "``", tok == "''"
        word = _PTB.get(tok, tok)
        if out and not glue and not closing and not _NO_SPACE_BEFORE.match(word):
            out.append(" ")
            pos += 1
        offsets.append(pos)
        out.append(word)
        pos += len(word)
        glue = opening or word in _NO_SPACE_AFTER
    return "".join(out), offsets


def split_ptb_sentences(text: str) -> list[list[str]]:
    """PTB tokens cut after ``.``, ``?`` or ``!`` (closing quotes and brackets stay with the sentence)."""
    sentences: list[list[str]] = []
    current: list[str] = []
    tokens = text.split()
    for i, tok in enumerate(tokens):
        current.append(tok)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            tok in _SENT_END or (tok in ("''", "-RRB-") and len(current) > 1 and current[-2] in _SENT_END)
        ) and nxt not in (
            "''",
            "-RRB-",
        ):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


@dataclass
class T17Article:
    uid: str
    dct: dt.date
    ptb_tokens: list[list[str]]  # each sentence's PTB tokens (the gold is written in them)
    token_starts: list[list[int]]  # where each token starts in the article's text
    article: TimelineArticle


@dataclass
class T17Topic:
    name: str
    articles: list[T17Article]
    timelines: dict[str, dict[dt.date, list[str]]]  # file name -> date -> gold sentences


def read_gold_timeline(path: Path) -> dict[dt.date, list[str]]:
    """Gold timeline: date -> sentences (repeated dates merged; sentences split on runs of 2+ spaces)."""
    out: dict[dt.date, list[str]] = {}
    for item in json.loads(path.read_text(encoding="utf-8")):
        sents = [s.strip() for s in re.split(r"\s{2,}", item["text"]) if s.strip()]
        out.setdefault(dt.date.fromisoformat(item["date"]), []).extend(sents)
    return out


def load_t17(root: Path, topics: Sequence[str] | None = None, by: str = "topic") -> list[T17Topic]:
    """Article collections with their gold timelines; empty and repeated texts dropped.

    ``by="topic"`` (news-tls's setting) pools the folders of one topic (``bpoil_bbc``,
    ``bpoil_reuters``, ... -> ``bpoil``) so that each timeline is built from every outlet's
    articles; ``by="folder"`` keeps each outlet's folder apart. Folders without articles are left
    out, and so are their timelines.
    """
    groups: dict[str, list[Path]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not (folder / "articles.json").exists():
            continue
        key = folder.name.split("_")[0] if by == "topic" else folder.name
        if topics and key not in topics and folder.name not in topics:
            continue
        groups.setdefault(key, []).append(folder)
    out = []
    for key, folders in groups.items():
        seen: set[str] = set()
        articles = []
        timelines = {}
        for folder in folders:
            for raw in json.loads((folder / "articles.json").read_text(encoding="utf-8")):
                text = raw.get("text") or ""
                if not text.strip() or text in seen:
                    continue
                seen.add(text)
                articles.append(t17_article(folder.name, raw))
            for p in sorted(folder.glob("*.timeline.json")):
                timelines[f"{folder.name}/{p.name}"] = read_gold_timeline(p)
        out.append(T17Topic(key, articles, timelines))
    return out


def t17_article(topic: str, raw: dict[str, Any]) -> T17Article:
    sentences = split_ptb_sentences(raw["text"])
    parts, spans, starts, pos = [], [], [], 0
    for tokens in sentences:
        s, offsets = detokenize_with_offsets(tokens)
        spans.append((pos, pos + len(s)))
        starts.append([pos + o for o in offsets])
        parts.append(s)
        pos += len(s) + 1
    article = TimelineArticle(
        id=f"{topic}/{raw['uid']}", published=raw["dct"], text=" ".join(parts), sentences=spans, outlet=topic
    )
    return T17Article(str(raw["uid"]), dt.date.fromisoformat(raw["dct"]), sentences, starts, article)


def ptb_text(article: T17Article, start: int, end: int) -> str:
    """The PTB tokens (joined by spaces) of the tokens that start within ``start..end`` of the text.

    A timeline entry's span may leave out the start of its sentence (a dateline, a page stamp);
    the metric is given the tokens the entry keeps, written as the gold is.
    """
    return " ".join(
        tok
        for tokens, starts in zip(article.ptb_tokens, article.token_starts, strict=True)
        for tok, at in zip(tokens, starts, strict=True)
        if start <= at < end
    )


# --- time tagging with a cache ----------------------------------------------------------------

Tagger = Callable[[str, str | None], list[Timex]]


def default_tagger() -> tuple[Tagger, str]:
    """The project's TIMEX3 tagger (text only, no parse), and its name."""
    from storyline.time.timex import tag_timexes

    return (lambda text, dct: tag_timexes(text, dct)), "storyline.time.timex.tag_timexes"


def tagger_fingerprint(folders: Sequence[Traversable] | None = None) -> str:
    """A digest of the tagger's code and word lists (the ``.py`` files and the ``timex*.toml``
    files of ``folders``, by default ``storyline.time`` and ``storyline.data``), so that a cache of
    tagged articles is never read by a changed tagger."""
    if folders is None:
        folders = [resources.files("storyline.time"), resources.files("storyline.data")]
    digest = hashlib.sha1()
    for folder in folders:
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if item.name.endswith(".py") or (item.name.startswith("timex") and item.name.endswith(".toml")):
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()[:12]


def tag_articles(
    articles: Sequence[T17Article], tagger: Tagger, cache_file: Path | None, log: Callable[[str], None]
) -> None:
    """Fill ``article.timexes`` for every article, reading and writing a pickle cache."""
    cache: dict[str, list[Timex]] = {}
    if cache_file and cache_file.exists():
        try:
            cache = pickle.loads(cache_file.read_bytes())
        except Exception:  # a stale or broken cache is rebuilt
            cache = {}
    dirty = 0
    started = time.monotonic()
    for i, item in enumerate(articles):
        art = item.article
        key = hashlib.sha1(f"{art.published}\n{art.text}".encode()).hexdigest()
        if key not in cache:
            cache[key] = tagger(art.text, art.published)
            dirty += 1
            if dirty % 500 == 0:
                log(
                    f"  tagged {dirty} new articles ({i + 1}/{len(articles)}, {time.monotonic() - started:.0f}s)"
                )
        art.timexes = cache[key]
    if cache_file and dirty:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_file.parent, delete=False) as tmp:
            tmp.write(pickle.dumps(cache))
        os.replace(tmp.name, cache_file)


# --- Timeline17 evaluation --------------------------------------------------------------------


def predict_t17(
    topic: T17Topic, gold: dict[dt.date, list[str]], settings: TimelineSettings, spare: int = 0
) -> dict[dt.date, list[str]]:
    """news-tls's protocol: gold span, k gold dates, l = round(mean sentences per date).

    ``spare`` sentences of the budget ``l`` are left unused when ``l`` exceeds it.
    """
    start, end = min(gold), max(gold)
    k = len(gold)
    l_sents = round(sum(len(s) for s in gold.values()) / len(gold))
    l_sents = max(1, l_sents - spare) if l_sents > spare else l_sents
    inside = [a for a in topic.articles if start <= a.dct <= end]
    entries = build_timeline(
        [a.article for a in inside],
        max_dates=k,
        per_date=l_sents,
        window=(start, end),
        settings=settings.replace(precisions=("day",)),
    )
    by_id = {a.article.id: a for a in inside}
    out: dict[dt.date, list[str]] = {}
    for entry in entries:
        head = entry.spans[0]
        out.setdefault(dt.date.fromisoformat(entry.date), []).append(
            ptb_text(by_id[head.article_id], head.start, head.end)
        )
    return out


def evaluate_t17(
    topics: Sequence[T17Topic],
    settings: TimelineSettings,
    log: Callable[[str], None] = lambda _: None,
    spare: int = 0,
    models: dict[str, DateModel] | None = None,
) -> dict[str, Any]:
    """AR-1, AR-2 (many-to-one alignment) and date F1 per timeline and averaged (news-tls).

    ``models``: the date model of each topic (e.g. fitted without it); default ``settings``'s.
    """
    metric = TimelineRouge()
    per_timeline: dict[str, Any] = {}
    r1, r2, dates = [], [], []
    for topic in topics:
        topic_settings = settings.replace(date_model=models[topic.name]) if models else settings
        for name, gold in topic.timelines.items():
            pred = predict_t17(topic, gold, topic_settings, spare)
            scores = metric.evaluate(METRIC, pred, [gold])
            d = date_prf(pred, gold)
            r1.append(scores["rouge_1"])
            r2.append(scores["rouge_2"])
            dates.append(d)
            key = name
            per_timeline[key] = {
                "ar1_f": scores["rouge_1"]["f_score"],
                "ar2_f": scores["rouge_2"]["f_score"],
                "date_f1": d["f_score"],
                "gold_dates": len(gold),
                "system_dates": len(pred),
            }
            log(
                f"  {key}: AR-1 F {scores['rouge_1']['f_score']:.3f}  AR-2 F {scores['rouge_2']['f_score']:.3f}  date F1 {d['f_score']:.3f}"
            )
    avg1, avg2, avgd = average_scores(r1), average_scores(r2), average_scores(dates)
    n = len(per_timeline)
    return {
        "timelines": n,
        "ar1": avg1,
        "ar2": avg2,
        "date": avgd,
        "mean_of_f": {
            "ar1_f": sum(t["ar1_f"] for t in per_timeline.values()) / n if n else 0.0,
            "ar2_f": sum(t["ar2_f"] for t in per_timeline.values()) / n if n else 0.0,
            "date_f1": sum(t["date_f1"] for t in per_timeline.values()) / n if n else 0.0,
        },
        "per_timeline": per_timeline,
    }


# --- the supervised date ranker: features, leave-one-topic-out fitting -------------------------

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
"""Inverse regularisation strengths tried for the date model (chosen by leave-one-topic-out)."""


@dataclass
class DateTable:
    """The candidate dates of one gold timeline's story, their features and gold labels."""

    group: str  # the topic (folders of one topic share a group, also with --collections folder)
    timeline: str
    dates: list[str]
    features: np.ndarray
    labels: np.ndarray  # 1 for a gold date
    k: int  # gold dates
    targets: np.ndarray  # what the model is fitted to (the labels, or soft targets)


def date_tables(
    topics: Sequence[T17Topic], settings: TimelineSettings, targets: str = "exact"
) -> list[DateTable]:
    """One table per gold timeline: the dates within its span, as the evaluation builds it.

    ``targets="exact"``: fit to the labels; ``"near"``: to the weight the alignment metric gives
    a date, ``1 / (days to the nearest gold date + 1)``.
    """
    day_settings = settings.replace(precisions=("day",))
    out = []
    for topic in topics:
        for name, gold in topic.timelines.items():
            start, end = min(gold), max(gold)
            inside = [a.article for a in topic.articles if start <= a.dct <= end]
            dates, features = story_dates(inside, (start, end), day_settings)
            days = [dt.date.fromisoformat(d) for d in dates]
            labels = np.array([d in gold for d in days], dtype=int)
            near = np.array([1 / (min(abs((d - g).days) for g in gold) + 1) for d in days])
            soft = near if targets == "near" else labels.astype(float)
            out.append(DateTable(topic.name.split("_")[0], name, dates, features, labels, len(gold), soft))
    return out


def fit_tables(tables: Sequence[DateTable], c: float) -> DateModel:
    """The date model fitted on the pooled rows of ``tables``."""
    return fit_date_model(
        np.vstack([t.features for t in tables]), np.concatenate([t.targets for t in tables]), c
    )


def date_f1(tables: Sequence[DateTable], models: dict[str, DateModel], penalty: float) -> float:
    """news-tls's date F1 (F of mean P and mean R) of the dates the builder would pick."""
    precision, recall = [], []
    for t in tables:
        scores = models[t.group].score(t.features)
        ranked = sorted(zip(t.dates, scores, strict=True), key=lambda x: (-x[1], x[0]))
        picked = greedy_dates(ranked, t.k, penalty)
        hits = sum(int(t.labels[t.dates.index(d)]) for d in picked)
        precision.append(hits / len(picked) if picked else 0.0)
        recall.append(hits / t.k)
    return f_score(float(np.mean(precision)), float(np.mean(recall)))


def loto_models(tables: Sequence[DateTable], c: float) -> dict[str, DateModel]:
    """For each topic, the model fitted on the other topics' timelines."""
    groups = sorted({t.group for t in tables})
    return {g: fit_tables([t for t in tables if t.group != g], c) for g in groups}


def choose_c(tables: Sequence[DateTable], penalty: float) -> tuple[float, dict[float, float]]:
    """The C of :data:`C_GRID` with the best leave-one-topic-out date F1 on ``tables``."""
    figures = {c: date_f1(tables, loto_models(tables, c), penalty) for c in C_GRID}
    return max(C_GRID, key=lambda c: (figures[c], -c)), figures


def cross_validated_models(
    tables: Sequence[DateTable], penalty: float, log: Callable[[str], None]
) -> dict[str, DateModel]:
    """For each topic, a model fitted on the other topics only, its C chosen on them too (nested)."""
    out = {}
    for group in sorted({t.group for t in tables}):
        train = [t for t in tables if t.group != group]
        c, _ = choose_c(train, penalty)
        out[group] = fit_tables(train, c)
        log(f"  date model without {group}: C = {c}")
    return out


def production_model(
    tables: Sequence[DateTable], penalty: float
) -> tuple[DateModel, float, dict[float, float]]:
    """The model fitted on every timeline, C chosen leave-one-topic-out (what ships)."""
    c, figures = choose_c(tables, penalty)
    return fit_tables(tables, c), c, figures


def write_date_model(model: DateModel, c: float, tables: Sequence[DateTable], path: Path) -> None:
    header = (
        "Date ranker of storyline.corpus.timeline (storyline.corpus.timeline_dates): logistic regression,\n"
        f"label = the date is in a gold timeline; fitted on {len(tables)} Timeline17 timelines "
        f"({sum(len(t.dates) for t in tables)} candidate dates),\n"
        f"C = {c} chosen by leave-one-topic-out date F1 from {list(C_GRID)}.\n"
        "Numbers only. Rebuild: storyline eval timeline --fit-date-model"
    )
    path.write_text(model.to_toml(header), encoding="utf-8")


def _with_group(models: dict[str, DateModel], topics: Sequence[T17Topic]) -> dict[str, DateModel]:
    return {t.name: models[t.name.split("_")[0]] for t in topics}


def _figures(r: dict[str, Any]) -> dict[str, float]:
    return {"ar1_f": r["ar1"]["f_score"], "ar2_f": r["ar2"]["f_score"], "date_f1": r["date"]["f_score"]}


def run_t17(data: Path, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    topics = load_t17(data, args.topics, args.collections)
    tagger, tagger_name = default_tagger()
    cache = None if args.no_cache else Path(args.cache) / f"timeline17-timexes-{tagger_fingerprint()}.pkl"
    log(
        f"Timeline17: {sum(len(t.articles) for t in topics)} articles in {len(topics)} collections; tagging with {tagger_name}"
    )
    tag_articles([a for t in topics for a in t.articles], tagger, cache, log)
    settings = TimelineSettings.load()
    tables = date_tables(topics, settings, args.date_targets)
    model, c, c_figures = production_model(tables, settings.neighbour_penalty)
    if args.fit_date_model:
        path = Path(args.date_model_out) if args.date_model_out else _shipped_model_path()
        write_date_model(model, c, tables, path)
        log(f"date model (C = {c}) written to {path}")
        return {
            "date_model": str(path),
            "c": c,
            "loto_date_f1_by_c": c_figures,
            "coef": dict(zip(COUNTS, model.coef, strict=True)),
        }
    log("cross-validated date models (leave one topic out, C chosen on the other topics):")
    models = _with_group(cross_validated_models(tables, settings.neighbour_penalty, log), topics)
    result = evaluate_t17(topics, settings, log, models=models)
    result["date_ranker"] = (
        "logistic regression, leave-one-topic-out (each topic ranked by a model fitted on the others)"
    )
    result["in_sample"] = _figures(evaluate_t17(topics, settings.replace(date_model=model)))
    result["in_sample"]["note"] = f"model fitted on every timeline (C = {c}), as shipped; not held out"
    result["tagger"] = tagger_name
    result["collections"] = args.collections
    result["metric"] = (
        f"tilse {METRIC}, ROUGE-1.5.5 counts (-n 2 -m -s), re-implemented in storyline.eval.tilse_metrics"
    )
    if args.grid:
        result["grid"] = grid_t17(topics, settings, models, log)
    return result


def _shipped_model_path() -> Path:
    return Path(str(resources.files("storyline.data").joinpath(MODEL_FILE)))


def mention_count_model() -> DateModel:
    """news-tls's MentionCount ranker as a date model: sentences dated to the date, nothing else."""
    n = len(COUNTS)
    coef = tuple(1.0 if name == "mention_sentences" else 0.0 for name in COUNTS)
    return DateModel(COUNTS, (0.0,) * n, (1.0,) * n, coef, 0.0)


def grid_t17(
    topics: Sequence[T17Topic],
    base: TimelineSettings,
    models: dict[str, DateModel],
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Sensitivity of the cross-validated figures to one knob at a time (the others at their defaults)."""
    mention_only = {t.name: mention_count_model() for t in topics}
    variants: list[tuple[str, TimelineSettings, dict[str, DateModel]]] = [
        ("defaults", base, models),
        ("date ranker = mention counts only (news-tls MentionCount)", base, mention_only),
        ("neighbour_penalty=0", base.replace(neighbour_penalty=0.0), models),
        ("relevance_quantile=0", base.replace(relevance_quantile=0.0), models),
        ("max_similarity=0.9999", base.replace(max_similarity=0.9999), models),
        ("topic_terms=0", base.replace(topic_terms=0), models),
    ]
    rows = []
    for label, settings, variant_models in variants:
        r = evaluate_t17(topics, settings, models=variant_models)
        rows.append({"settings": label, **_figures(r)})
        log(
            f"  grid {label}: AR-1 F {rows[-1]['ar1_f']:.4f} AR-2 F {rows[-1]['ar2_f']:.4f} date F1 {rows[-1]['date_f1']:.4f}"
        )
    return rows


# --- SemEval-2015 TimeLine, track A -----------------------------------------------------------


@dataclass
class CatDoc:
    """A track-A document: id, creation date and tokenised sentences (CAT XML)."""

    doc_id: str
    dct: str | None
    sentences: dict[int, list[str]]


def read_cat(path: Path) -> CatDoc:
    """Tokens by sentence and the creation date; a non-ISO date value ("03-02-2009") is read
    again from the words it is anchored to."""
    root = ElementTree.parse(path).getroot()
    sentences: dict[int, list[str]] = {}
    words: dict[str, str] = {}
    for tok in root.iter("token"):
        sentences.setdefault(int(tok.get("sentence", "0")), []).append(tok.text or "")
        words[tok.get("t_id", "")] = tok.text or ""
    dct = None
    for timex in root.iter("TIMEX3"):
        if timex.get("functionInDocument") == "CREATION_TIME":
            dct = timex.get("value")
            if dct and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", dct):
                dct = _repair_dct(
                    dct, " ".join(words.get(a.get("t_id", ""), "") for a in timex.iter("token_anchor"))
                )
    return CatDoc(root.get("doc_id", path.name.split("_")[0]), dct, sentences)


def _repair_dct(value: str, text: str) -> str | None:
    """An ISO date from a value like ``03-02-2009`` and the words it stands for ("February 03")."""
    from storyline.time.timex import tag_timexes

    year = re.search(r"\d{4}", value)
    for timex in tag_timexes(text, None):
        m = re.fullmatch(r"(\d{4}|XXXX)-(\d{2})-(\d{2})", timex.value)
        if m and (m.group(1) != "XXXX" or year):
            return f"{m.group(1) if m.group(1) != 'XXXX' else year.group(0)}-{m.group(2)}-{m.group(3)}"  # type: ignore[union-attr]
    m = re.fullmatch(r"(\d{2})-(\d{2})-(\d{4})", value)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    month, day = (b, a) if a > 12 else (a, b)
    return f"{m.group(3)}-{month:02d}-{day:02d}"


@cache
def _semeval_lists() -> dict[str, Any]:
    return tomllib.loads(resources.files("storyline.data").joinpath("eval_timeline.toml").read_text("utf-8"))


def entity_aliases(
    name: str, corpus_tokens: set[str] | None = None, is_person: bool = False
) -> list[tuple[str, ...]]:
    """Lower-cased token sequences naming a target entity.

    The name itself; the name without leading/trailing generic words ("US Federal Reserve" ->
    "federal reserve", "NASDAQ Composite" -> "nasdaq"); its acronym when the corpus writes it
    ("General Motors" -> "GM"); a person's surname; the word after a model number
    ("Boeing 787 Dreamliner" -> "dreamliner"); a model designation with letters and digits ("A380").
    """
    lists = _semeval_lists()["aliases"]
    words = name.replace("&", " & ").split()
    lower = [w.lower() for w in words]
    out = {tuple(lower)}
    trimmed = list(lower)
    while len(trimmed) > 1 and trimmed[0] in lists["drop_leading"]:
        trimmed.pop(0)
    while len(trimmed) > 1 and (trimmed[-1] in lists["drop_trailing"] or trimmed[-1].isdigit()):
        trimmed.pop()  # "NIKKEI 225" -> "nikkei", "FTSE 100 index" -> "ftse"
    out.add(tuple(trimmed))
    content = [w for w in words if w.lower() not in ("of", "and", "the", "&")]
    capitals = [w for w in content if w[:1].isupper() and w.isalpha()]
    acronym = "".join(w[0] for w in capitals).upper()
    if (
        len(capitals) >= 2
        and len(capitals) == len(content)
        and not is_person
        and (corpus_tokens is None or acronym in corpus_tokens)
    ):
        out.add((acronym.lower(),))
    if is_person and len(words) >= 2:
        out.add((lower[-1],))
    for i, w in enumerate(words[1:], start=1):
        if re.fullmatch(r"(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9-]{3,}", w):
            out.add((w.lower(),))  # "A380"
        if any(ch.isdigit() for ch in words[i - 1]) and w.isalpha() and w[:1].isupper():
            out.add((w.lower(),))  # "787 Dreamliner" -> "dreamliner"
    if len(words) > 1 and corpus_tokens is not None and "".join(words) in corpus_tokens:
        out.add(("".join(lower),))  # "Daimler Chrysler" -> "daimlerchrysler"
    if "&" in lower:
        out.add(("".join(lower[: lower.index("&") + 2]),))  # "S & P 500" -> "s&p"
    return sorted(out, key=len, reverse=True)


def _find_mentions(
    tokens: Sequence[str], aliases: dict[str, list[tuple[str, ...]]]
) -> dict[str, list[tuple[int, int]]]:
    """Token spans of each entity; a span inside another entity's longer span is dropped."""
    lower = [t.lower() for t in tokens]
    found: list[tuple[int, int, str]] = []
    for entity, forms in aliases.items():
        for form in forms:
            n = len(form)
            for i in range(len(lower) - n + 1):
                if tuple(lower[i : i + n]) == form:
                    found.append((i, i + n, entity))
    out: dict[str, list[tuple[int, int]]] = {}
    for i, j, entity in found:
        if any(a <= i and j <= b and (b - a) > (j - i) and e != entity for a, b, e in found):
            continue
        if (i, j) not in out.setdefault(entity, []):
            out[entity].append((i, j))
    return out


_ARG_DEPS = {
    "nsubj",
    "nsubjpass",
    "dobj",
    "obj",
    "iobj",
    "pobj",
    "agent",
    "attr",
    "poss",
    "compound",
    "appos",
    "conj",
    "dative",
}


def _is_event_noun(token: Any) -> bool:
    lists = _semeval_lists()["events"]
    if token.pos_ != "NOUN":
        return False
    word = token.text.lower()
    return (
        word in lists["nouns"]
        or token.lemma_.lower() in lists["nouns"]
        or word.endswith(tuple(lists["noun_suffixes"]))
    )


def _events_for_mention(doc: Any, start: int, end: int) -> list[int]:
    """Token indices of the events the mention takes part in."""
    light = set(_semeval_lists()["events"]["light_verbs"])
    span = doc[start:end]
    root = span.root
    events: list[int] = []
    tok, steps = root, 0
    while tok.dep_ in _ARG_DEPS | {"prep"} and tok.head is not tok and steps < 4:
        head = tok.head
        if head.pos_ == "VERB" and head.lemma_.lower() not in light:
            events.append(head.i)
            events += [c.i for c in head.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            break
        if _is_event_noun(head) and tok.dep_ in {"poss", "compound", "pobj", "nsubj"}:
            events.append(head.i)
        if head.pos_ in ("VERB", "AUX"):
            break
        tok, steps = head, steps + 1
    return [i for i in dict.fromkeys(events) if not start <= i < end]


def semeval_anchor(value: str | None) -> str | None:
    """A TIMEX3 value in the task's anchor format (``2008-03-01``, ``2008-03-XX``, ``2008-XX-XX``)."""
    if not value or not re.match(r"^\d{4}", value):
        return None
    value = value[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return value + "-XX"
    if re.fullmatch(r"\d{4}", value):
        return value + "-XX-XX"
    return None


def _anchor_key(anchor: str) -> tuple[str, str]:
    return anchor.replace("XX", "00"), anchor.replace("XX", "99")


def system_timelines(
    docs: Sequence[CatDoc], entities: Sequence[str], log: Callable[[str], None]
) -> dict[str, str]:
    """One timeline file text per target entity."""
    from spacy.tokens import Doc

    from storyline.nlp import load_nlp
    from storyline.time.timex import tag_timexes

    nlp = load_nlp()
    corpus_tokens = {t for d in docs for sent in d.sentences.values() for t in sent}
    people = {e for e in entities if any(ent.label_ == "PERSON" for ent in nlp(e).ents)}
    aliases = {e: entity_aliases(e, corpus_tokens, e in people) for e in entities}
    names = {e: tuple(e.lower().replace("&", " & ").split()) for e in entities}
    for e in entities:  # an alias may not be another target's own name ("Boeing 777" -> "boeing")
        aliases[e] = [a for a in aliases[e] if a == names[e] or a not in set(names.values()) - {names[e]}]
    keys = [(d, s) for d in docs for s in sorted(d.sentences)]
    parsed = nlp.pipe(Doc(nlp.vocab, words=d.sentences[s]) for d, s in keys)
    found: dict[str, list[tuple[str, int, int, int, str]]] = {e: [] for e in entities}
    for (doc, sent), sdoc in zip(keys, parsed, strict=True):
        tokens = doc.sentences[sent]
        mentions = _find_mentions(tokens, aliases)
        if not mentions:
            continue
        anchor = None
        for timex in tag_timexes(sdoc.text, doc.dct):
            if timex.type == "DATE" and (anchor := semeval_anchor(timex.value)):
                break
        anchor = anchor or semeval_anchor(doc.dct) or "XXXX-XX-XX"
        for entity, spans in mentions.items():
            for i, j in spans:
                for ev in _events_for_mention(sdoc, i, j):
                    found[entity].append(
                        (anchor, int(doc.doc_id), sent, ev, f"{doc.doc_id}-{sent}-{tokens[ev]}")
                    )
    out = {}
    for entity, items in found.items():
        anchors = sorted({a for a, *_ in items}, key=_anchor_key)
        ordinal = {a: i + 1 for i, a in enumerate(anchors)}
        lines, seen = [entity], set()
        for anchor, _doc, _sent, _ev, mention in sorted(
            items, key=lambda x: (_anchor_key(x[0]), x[1], x[2], x[3])
        ):
            if mention in seen:
                continue
            seen.add(mention)
            lines.append(f"{ordinal[anchor]}\t{anchor}\t{mention}")
        out[entity] = "\n".join(lines) + "\n"
    log(f"  {len(docs)} documents, {sum(len(v) for v in found.values())} entity events")
    return out


def timeline_file_name(entity: str) -> str:
    """The task's file name: lower case, spaces as underscores."""
    return entity.lower().replace(" ", "_") + ".txt"


def run_semeval(root: Path, out_dir: str | None, log: Callable[[str], None]) -> dict[str, Any]:
    """Build system timelines for the three evaluation corpora and score them officially."""
    from storyline.eval.semeval_timeline import figures, score_timeline

    data = root / "SemEval_Task4_data"
    result: dict[str, Any] = {}
    all_counts = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(out_dir) if out_dir else Path(tmp)
        for corpus in sorted(p for p in data.iterdir() if p.is_dir() and p.name.startswith("corpus_")):
            entities = [
                line.strip()
                for line in next(corpus.glob("list_target_entities_*.txt"))
                .read_text(encoding="utf-8")
                .splitlines()
                if line.strip()
            ]
            docs = [read_cat(p) for p in sorted((corpus / "corpus_trackA_CAT").glob("*.xml"))]
            log(f"SemEval {corpus.name}: {len(entities)} target entities")
            timelines = system_timelines(docs, entities, log)
            sys_dir = base / corpus.name
            sys_dir.mkdir(parents=True, exist_ok=True)
            for entity, text in timelines.items():
                (sys_dir / timeline_file_name(entity)).write_text(text, encoding="utf-8")
            counts, missing = [], []
            for gold_path in sorted((corpus / "TimeLines_Gold_Standard").glob("*.txt")):
                sys_path = sys_dir / gold_path.name
                if not sys_path.exists():
                    missing.append(gold_path.name)
                    continue
                counts.append(
                    score_timeline(
                        gold_path.read_text(encoding="utf-8"), sys_path.read_text(encoding="utf-8")
                    )
                )
            all_counts += counts
            result[corpus.name] = dict(figures(counts), missing_system_files=missing)
    result["total"] = figures(all_counts)
    result["system"] = (
        "entity-name matching + dependency participants, sentence timex or DCT anchor (track A)"
    )
    return result


# --- command line -----------------------------------------------------------------------------


def _default_cache() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "storyline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="storyline eval timeline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="shared/datasets folder (default: found beside the repository)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--task", choices=["all", "t17", "semeval"], default="all")
    parser.add_argument("--topics", nargs="*", help="Timeline17 folders to use (default: all)")
    parser.add_argument(
        "--collections",
        choices=["topic", "folder"],
        default="topic",
        help="Timeline17 article collections: pooled per topic (news-tls) or per outlet folder",
    )
    parser.add_argument("--grid", action="store_true", help="also print the Timeline17 sensitivity grid")
    parser.add_argument(
        "--fit-date-model",
        action="store_true",
        help="fit the date ranker on every Timeline17 timeline and write it (data/timeline_dates.toml)",
    )
    parser.add_argument(
        "--date-targets",
        choices=["exact", "near"],
        default="exact",
        help="fit the date ranker to gold dates (exact) or to 1/(days to the nearest gold date + 1)",
    )
    parser.add_argument("--date-model-out", help="with --fit-date-model: write the model here instead")
    parser.add_argument("--cache", default=_default_cache(), help="folder for the time-tagging cache")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--semeval-out", help="write the SemEval system timelines under this folder")
    args = parser.parse_args(argv)
    if args.fit_date_model:
        args.task = "t17"

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    result: dict[str, Any] = {}
    try:
        if args.task in ("all", "t17"):
            t17 = dataset_path("timeline17", Path(args.data) / "timeline17" if args.data else None)
            result["timeline17"] = run_t17(t17, args, log)
        if args.task in ("all", "semeval"):
            sem = dataset_path(
                "semeval2015-timeline", Path(args.data) / "semeval2015-timeline" if args.data else None
            )
            result["semeval2015"] = run_semeval(sem, args.semeval_out, log)
    except DatasetNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not args.json:
        for part in result.values():
            part.pop("per_timeline", None)
    print_report(result, args.json, "Timeline evaluation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["detokenize", "evaluate_t17", "f_score", "load_t17", "main", "predict_t17", "split_ptb_sentences"]
