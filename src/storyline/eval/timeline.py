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
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from storyline.corpus.timeline import TimelineArticle, TimelineSettings, build_timeline
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
    out: list[str] = []
    glue = True
    for tok in tokens:
        opening, closing = tok == "``", tok == "''"
        word = _PTB.get(tok, tok)
        if out and not glue and not closing and not _NO_SPACE_BEFORE.match(word):
            out.append(" ")
        out.append(word)
        glue = opening or word in _NO_SPACE_AFTER
    return "".join(out)


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
    ptb_sentences: list[str]  # each sentence's tokens joined by spaces, as the gold is written
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
                articles.append(_t17_article(folder.name, raw))
            for p in sorted(folder.glob("*.timeline.json")):
                timelines[f"{folder.name}/{p.name}"] = read_gold_timeline(p)
        out.append(T17Topic(key, articles, timelines))
    return out


def _t17_article(topic: str, raw: dict[str, Any]) -> T17Article:
    sentences = split_ptb_sentences(raw["text"])
    parts, spans, pos = [], [], 0
    for tokens in sentences:
        s = detokenize(tokens)
        spans.append((pos, pos + len(s)))
        parts.append(s)
        pos += len(s) + 1
    article = TimelineArticle(
        id=f"{topic}/{raw['uid']}", published=raw["dct"], text=" ".join(parts), sentences=spans, outlet=topic
    )
    return T17Article(
        str(raw["uid"]), dt.date.fromisoformat(raw["dct"]), [" ".join(t) for t in sentences], article
    )


# --- time tagging with a cache ----------------------------------------------------------------

Tagger = Callable[[str, str | None], list[Timex]]


def default_tagger() -> tuple[Tagger, str]:
    """The project's TIMEX3 tagger (text only, no parse), and its name."""
    from storyline.time.timex import tag_timexes

    return (lambda text, dct: tag_timexes(text, dct)), "storyline.time.timex.tag_timexes"


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
    ptb = {}
    for a in inside:
        for (s, e), text in zip(a.article.sentences, a.ptb_sentences, strict=True):
            ptb[(a.article.id, s, e)] = text
    out: dict[dt.date, list[str]] = {}
    for entry in entries:
        head = entry.spans[0]
        out.setdefault(dt.date.fromisoformat(entry.date), []).append(
            ptb[(head.article_id, head.start, head.end)]
        )
    return out


def evaluate_t17(
    topics: Sequence[T17Topic],
    settings: TimelineSettings,
    log: Callable[[str], None] = lambda _: None,
    spare: int = 0,
) -> dict[str, Any]:
    """AR-1, AR-2 (many-to-one alignment) and date F1 per timeline and averaged (news-tls)."""
    metric = TimelineRouge()
    per_timeline: dict[str, Any] = {}
    r1, r2, dates = [], [], []
    for topic in topics:
        for name, gold in topic.timelines.items():
            pred = predict_t17(topic, gold, settings, spare)
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


def run_t17(data: Path, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    topics = load_t17(data, args.topics, args.collections)
    tagger, tagger_name = default_tagger()
    cache = None if args.no_cache else Path(args.cache) / "timeline17-timexes.pkl"
    log(
        f"Timeline17: {sum(len(t.articles) for t in topics)} articles in {len(topics)} collections; tagging with {tagger_name}"
    )
    tag_articles([a for t in topics for a in t.articles], tagger, cache, log)
    settings = TimelineSettings.load()
    result = evaluate_t17(topics, settings, log)
    result["tagger"] = tagger_name
    result["collections"] = args.collections
    result["metric"] = (
        f"tilse {METRIC}, ROUGE-1.5.5 counts (-n 2 -m -s), re-implemented in storyline.eval.tilse_metrics"
    )
    if args.grid:
        result["grid"] = grid_t17(topics, settings, log)
    return result


def grid_t17(
    topics: Sequence[T17Topic], base: TimelineSettings, log: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Sensitivity of the figures to one knob at a time (the others at their defaults)."""
    w = base.weights
    variants: list[tuple[str, TimelineSettings]] = [
        ("defaults", base),
        (
            "news-tls-like: mention counts only",
            base.replace(weights={k: 0.0 for k in w} | {"mention_articles": 1.0}),
        ),
        ("later_articles=0", base.replace(weights=w | {"later_articles": 0.0})),
        ("retro_articles=0", base.replace(weights=w | {"retro_articles": 0.0})),
        ("published=0", base.replace(weights=w | {"published": 0.0})),
        ("neighbour_penalty=0", base.replace(neighbour_penalty=0.0)),
        ("relevance_quantile=0", base.replace(relevance_quantile=0.0)),
        ("max_similarity=0.9999", base.replace(max_similarity=0.9999)),
        ("topic_terms=0", base.replace(topic_terms=0)),
    ]
    rows = []
    for label, settings in variants:
        r = evaluate_t17(topics, settings)
        rows.append(
            {
                "settings": label,
                "ar1_f": r["ar1"]["f_score"],
                "ar2_f": r["ar2"]["f_score"],
                "date_f1": r["date"]["f_score"],
            }
        )
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
    parser.add_argument("--cache", default=_default_cache(), help="folder for the time-tagging cache")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--semeval-out", help="write the SemEval system timelines under this folder")
    args = parser.parse_args(argv)

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
