"""``storyline eval quotes``: attribution extraction scored on PolNeAR.

An attribution is (content, cue, source), each a tuple of character fragments; fragments
separated only by white space are joined first (PolNeAR annotators often cut one quotation
into several fragments at sentence ends). Measures (defined in ``docs/quotes.md``):

* content exact / overlap P, R, F1: one-to-one greedy matching of system and gold contents,
  exact = same fragments, overlap = at least one shared character (pairs with more shared
  characters are matched first);
* source exact / overlap P, R, F1, PARC-style: over the content-overlap matched pairs only;
  precision counts the pairs whose system attribution has a source, recall those whose gold
  attribution has one;
* cue exact / overlap P, R, F1: one-to-one greedy matching of all cues;
* attribution F1: one-to-one matching where content, cue and source all overlap (or both
  sources are absent);
* citron's measures (``storyline.eval.citron_metrics``): exact and proportional overlap P, R,
  F1 of cue, source, content and whole quotes on spaCy tokens, as citron's ``evaluate`` computes
  them (needs the document's parse);
* speaker accuracy: of the direct quotes found (content matched) whose gold source names a
  person or is a personal pronoun, the share whose resolved speaker is that person.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.eval import citron_metrics
from storyline.eval.common import PRF, DatasetNotFoundError, dataset_path, print_report
from storyline.eval.polnear import Fragments, GoldDocument, read_split, read_versions

_PERSONAL_PRONOUNS = {"he": "male", "him": "male", "she": "female", "her": "female"}


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attribution to score (system or gold), fragments already normalized."""

    content: Fragments
    cue: Fragments = ()
    source: Fragments = ()
    kind: str | None = None
    speaker_name: str | None = None
    speaker_cluster: int | None = None


@dataclass(slots=True)
class Counts:
    """Running totals over documents."""

    values: Counter[str] = field(default_factory=Counter)
    proportional: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counter[str]) -> None:
        self.values.update(other)


# -- span arithmetic ------------------------------------------------------------------------
def normalize(fragments: Iterable[tuple[int, int]], text: str) -> Fragments:
    """Fragments sorted, trimmed of white space, joined when only white space separates them."""
    trimmed = []
    for start, end in sorted(fragments):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            trimmed.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in trimmed:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def overlap(a: Fragments, b: Fragments) -> int:
    """Characters shared by two fragment sets."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def greedy_match(
    system: Sequence[Any], gold: Sequence[Any], score: Callable[[Any, Any], float]
) -> list[tuple[int, int]]:
    """One-to-one pairs (system index, gold index), best score first; pairs scoring 0 never match."""
    pairs = []
    for i, s in enumerate(system):
        for j, g in enumerate(gold):
            value = score(s, g)
            if value > 0:
                pairs.append((-value, i, j))
    pairs.sort()
    used_s: set[int] = set()
    used_g: set[int] = set()
    matched = []
    for _, i, j in pairs:
        if i not in used_s and j not in used_g:
            used_s.add(i)
            used_g.add(j)
            matched.append((i, j))
    return matched


# -- one document ---------------------------------------------------------------------------
def score_document(system: list[Attribution], gold: list[Attribution], doc: Any = None) -> Counter[str]:
    """Counts for one document (see the module docstring); citron's measures need ``doc``, its parse."""
    counts: Counter[str] = Counter()
    counts["n_sys"] += len(system)
    counts["n_gold"] += len(gold)

    exact = greedy_match(system, gold, lambda s, g: 1.0 if s.content == g.content else 0.0)
    counts["content_exact_tp"] += len(exact)
    matched = greedy_match(system, gold, lambda s, g: overlap(s.content, g.content))
    counts["content_overlap_tp"] += len(matched)

    for i, j in matched:
        s, g = system[i], gold[j]
        if s.source:
            counts["source_sys"] += 1
        if g.source:
            counts["source_gold"] += 1
        if s.source and g.source:
            counts["source_exact_tp"] += s.source == g.source
            counts["source_overlap_tp"] += overlap(s.source, g.source) > 0

    sys_cues = [s.cue for s in system if s.cue]
    gold_cues = [g.cue for g in gold if g.cue]
    counts["cue_sys"] += len(sys_cues)
    counts["cue_gold"] += len(gold_cues)
    counts["cue_exact_tp"] += len(greedy_match(sys_cues, gold_cues, lambda s, g: 1.0 if s == g else 0.0))
    counts["cue_overlap_tp"] += len(greedy_match(sys_cues, gold_cues, lambda s, g: overlap(s, g)))

    def whole(s: Attribution, g: Attribution) -> float:
        if not overlap(s.cue, g.cue) or ((s.source or g.source) and not overlap(s.source, g.source)):
            return 0.0
        return overlap(s.content, g.content)

    counts["attribution_tp"] += len(greedy_match(system, gold, whole))

    if doc is not None:
        index = citron_metrics.char_to_token(doc)

        def tokens(a: Attribution) -> citron_metrics.TokenQuote:
            return citron_metrics.token_quote(a.cue, a.source, a.content, index)

        citron = citron_metrics.score_quotes([tokens(s) for s in system], [tokens(g) for g in gold])
        counts.update({f"citron_{key}": value for key, value in citron.items()})

    counts.update(Counter(f"sys_{s.kind}" for s in system if s.kind))
    return counts


def speaker_judgements(
    system: list[Attribution],
    gold: list[Attribution],
    text: str,
    mentions: list[Any],
    entities: list[Any],
    doc: Any = None,
) -> Counter[str]:
    """Speaker accuracy counts for the direct quotes found in one document (named and pronoun
    sources). With the parse ``doc``, a gold source names only the mention that holds its head
    word; a source that merely mentions someone ("a senior Cruz adviser") is counted apart, as
    avoided when our speaker is not that someone."""
    counts: Counter[str] = Counter()
    by_cluster = {e.cluster: e for e in entities}
    gold_sources = sorted(g.source for g in gold if g.source)
    for i, j in greedy_match(system, gold, lambda s, g: overlap(s.content, g.content)):
        s, g = system[i], gold[j]
        if s.kind != "direct" or not g.source:
            continue
        referents = gold_referents(g.source, text, mentions, by_cluster, gold_sources, doc)
        anywhere = gold_referents(g.source, text, mentions, by_cluster, gold_sources)
        if anywhere is not None:  # the judge before heads: any named mention in the source
            counts["speaker_judged_any_mention"] += 1
            counts["speaker_right_any_mention"] += speaker_matches(s, anywhere)
        if referents is None and anywhere and doc is not None and not _is_pronoun(g.source, text):
            counts["speaker_modifier_judged"] += 1
            counts["speaker_modifier_avoided"] += not speaker_matches(s, anywhere)
        if referents is None:
            counts["speaker_unnamed"] += 1
            counts["speaker_unnamed_span_overlap"] += bool(s.source and overlap(s.source, g.source))
            continue
        kind = "pronoun" if _is_pronoun(g.source, text) else "named"
        right = speaker_matches(s, referents)
        counts["speaker_judged"] += 1
        counts["speaker_resolved"] += s.speaker_name is not None
        counts["speaker_right"] += right
        counts[f"speaker_{kind}_judged"] += 1
        counts[f"speaker_{kind}_right"] += right
    return counts


def _is_pronoun(source: Fragments, text: str) -> bool:
    return " ".join(text[s:e] for s, e in source).strip().lower() in _PERSONAL_PRONOUNS


def gold_referents(
    source: Fragments,
    text: str,
    mentions: list[Any],
    by_cluster: dict[int, Any],
    gold_sources: list[Fragments] | None = None,
    doc: Any = None,
) -> list[tuple[int | None, str]] | None:
    """(cluster, name) of the persons a gold source may refer to; None when it names nobody.

    A source containing named mentions refers to them; given the parse ``doc``, only to the
    mention that holds the source's head word or stands in apposition to it ("Sen. Marco
    Rubio", "Huma Abedin, vice chairwoman ..."), so that "the Russian leader", "Clinton's aide"
    or "a senior Cruz adviser" names nobody (the owner or the modifier is not who speaks).
    A lone "he"/"she" (or "him"/"her") refers to either of two antecedents, both accepted:
    the person named in the nearest
    preceding gold source (its first person name of agreeing gender, else its first name of
    any type), and the nearest preceding person mention of agreeing gender. Anything else
    (role phrases, groups, "I") names nobody and is counted apart.
    """
    from storyline.extract import names

    def named_in(fragments: Fragments) -> list[Any]:
        return [m for m in mentions if any(m.start < e and s < m.end for s, e in fragments)]

    def agrees(mention: Any, gender: str) -> bool:
        entity = by_cluster.get(mention.cluster)
        if entity is None or entity.label != "PERSON":
            return False
        known = names.gender_of(names.name_words(entity.name), entity.titles)
        return known is None or known == gender

    def referent(mention: Any) -> tuple[int | None, str]:
        entity = by_cluster.get(mention.cluster)
        return mention.cluster, entity.name if entity is not None else mention.text

    inside = named_in(source)
    heads = _head_offsets(doc, source) if doc is not None else None
    if heads is not None:
        inside = [m for m in inside if any(m.start <= h < m.end for h in heads)]
    if inside:
        return [referent(m) for m in inside]
    if not _is_pronoun(source, text):
        return None
    gender = _PERSONAL_PRONOUNS[" ".join(text[s:e] for s, e in source).strip().lower()]
    start = source[0][0]
    found: list[tuple[int | None, str]] = []
    for earlier in sorted((f for f in gold_sources or [] if f[-1][1] <= start), key=lambda f: -f[0][0]):
        named = named_in(earlier)
        people = [m for m in named if agrees(m, gender)]
        if people or named:
            found.append(referent((people or named)[0]))
            break
    for mention in sorted((m for m in mentions if m.end <= start), key=lambda m: -m.start):
        if agrees(mention, gender):
            found.append(referent(mention))
            break
    return found


def _head_offsets(doc: Any, source: Fragments) -> list[int] | None:
    """Start offsets of the head words (``speakers.head_tokens``) of the source's first fragment,
    as the speaker resolver reads a source phrase; None when the parse has no such span."""
    from storyline.extract.speakers import head_tokens

    span = doc.char_span(source[0][0], source[0][1], alignment_mode="expand")
    return None if span is None else [t.idx for t in head_tokens(span)]


def speaker_matches(system: Attribution, referents: list[tuple[int | None, str]]) -> bool:
    """Our resolved speaker is one of the referents (same cluster, or same last name word)."""
    if system.speaker_name is None:
        return False
    if system.speaker_cluster is not None and any(c == system.speaker_cluster for c, _ in referents):
        return True
    ours = _last_word(system.speaker_name)
    return any(ours and ours == _last_word(name) for _, name in referents)


def _last_word(name: str) -> str:
    words = re.findall(r"[\w\-]+", name.lower().replace("’s", "").replace("'s", ""))
    return words[-1] if words else ""


# -- totals ---------------------------------------------------------------------------------
def summarize(counts: Counter[str]) -> dict[str, Any]:
    """Figures from summed counts."""

    def prf(tp: str, n_sys: str, n_gold: str) -> dict[str, float]:
        return PRF(counts[tp], counts[n_sys], counts[tp], counts[n_gold]).to_dict()

    judged = counts["speaker_judged"]
    return {
        "documents": counts["documents"],
        "gold_attributions": counts["n_gold"],
        "system_attributions": counts["n_sys"],
        "system_kinds": {k: counts[f"sys_{k}"] for k in ("direct", "indirect", "mixed")},
        "content_exact": prf("content_exact_tp", "n_sys", "n_gold"),
        "content_overlap": prf("content_overlap_tp", "n_sys", "n_gold"),
        "source_exact": prf("source_exact_tp", "source_sys", "source_gold"),
        "source_overlap": prf("source_overlap_tp", "source_sys", "source_gold"),
        "cue_exact": prf("cue_exact_tp", "cue_sys", "cue_gold"),
        "cue_overlap": prf("cue_overlap_tp", "cue_sys", "cue_gold"),
        "attribution": prf("attribution_tp", "n_sys", "n_gold"),
        "citron": citron_metrics.summarize(
            Counter({k.removeprefix("citron_"): v for k, v in counts.items() if k.startswith("citron_")})
        ),
        "speaker": {
            "direct_quotes_judged": judged,
            "resolved_share": counts["speaker_resolved"] / judged if judged else 0.0,
            "right_person_share": counts["speaker_right"] / judged if judged else 0.0,
            "named_source_judged": counts["speaker_named_judged"],
            "named_source_right_share": _share(counts["speaker_named_right"], counts["speaker_named_judged"]),
            "pronoun_source_judged": counts["speaker_pronoun_judged"],
            "pronoun_source_right_share": _share(
                counts["speaker_pronoun_right"], counts["speaker_pronoun_judged"]
            ),
            "unnamed_gold_sources": counts["speaker_unnamed"],
            "unnamed_source_span_overlap_share": (
                counts["speaker_unnamed_span_overlap"] / counts["speaker_unnamed"]
                if counts["speaker_unnamed"]
                else 0.0
            ),
            "right_person_share_any_mention": _share(
                counts["speaker_right_any_mention"], counts["speaker_judged_any_mention"]
            ),
            "any_mention_judged": counts["speaker_judged_any_mention"],
            "modifier_sources_judged": counts["speaker_modifier_judged"],
            "modifier_avoided_share": _share(
                counts["speaker_modifier_avoided"], counts["speaker_modifier_judged"]
            ),
        },
        "crashes": counts["crashes"],
    }


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def system_attributions(quotes: list[Any], text: str) -> list[Attribution]:
    """Our quotes as attributions to score."""
    found = []
    for quote in quotes:
        parts = quote.parts or [(quote.start, quote.end)]
        cue: Fragments = ((quote.cue_start, quote.cue_end),) if quote.cue_start is not None else ()
        speaker = quote.speaker
        source: Fragments = ()
        if speaker is not None and speaker.start is not None and speaker.end is not None:
            source = ((speaker.start, speaker.end),)
        found.append(
            Attribution(
                normalize(parts, text),
                normalize(cue, text),
                normalize(source, text),
                quote.kind,
                speaker.name if speaker else None,
                speaker.cluster if speaker else None,
            )
        )
    return found


def gold_attributions(document: GoldDocument) -> list[Attribution]:
    return [
        Attribution(
            normalize(a.content, document.text),
            normalize(a.cue, document.text),
            normalize(a.source, document.text),
        )
        for a in document.attributions
    ]


def parsed_documents(
    documents: list[GoldDocument], cache: Path | None = None, name: str = "polnear"
) -> Iterator[Any]:
    """spaCy parses of ``documents``; with ``cache``, read from (or written to) a DocBin there."""
    from spacy.tokens import DocBin

    from storyline.nlp import load_nlp, model_name

    nlp = load_nlp()
    if cache is None:
        yield from nlp.pipe(d.text for d in documents)
        return
    key = hashlib.sha1("\0".join(d.text for d in documents).encode()).hexdigest()[:16]
    path = cache / f"{name}-{model_name(nlp)}-{key}.spacy"
    if path.exists():
        yield from DocBin().from_disk(path).get_docs(nlp.vocab)
        return
    docs = list(nlp.pipe(d.text for d in documents))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=False, docs=docs).to_disk(path)
    yield from docs


def evaluate(root: Path, split: str, limit: int | None = None, cache: Path | None = None) -> dict[str, Any]:
    """Run the extractor over one PolNeAR split and return the figures (parses cached in ``cache``)."""
    from storyline.extract.entities import find_entities
    from storyline.extract.quotes import extract_quotes

    documents = list(read_split(root, split))[:limit]
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    parses = parsed_documents(documents, cache, f"polnear-{split}")
    for document, doc in zip(documents, parses, strict=True):
        counts["documents"] += 1
        gold = gold_attributions(document)
        try:
            mentions, entities = find_entities(doc)
            quotes = extract_quotes(doc, mentions, entities)
        except Exception:
            counts["crashes"] += 1
            mentions, entities, quotes = [], [], []
        system = system_attributions(quotes, document.text)
        counts.update(score_document(system, gold, doc))
        counts.update(speaker_judgements(system, gold, document.text, mentions, entities, doc))
    result = summarize(counts)
    result["split"] = split
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


AGREEMENT_SPLITS = ("train", "dev", "annotator-training")


def annotator_agreement(root: Path, splits: Sequence[str] = AGREEMENT_SPLITS) -> dict[str, Any]:
    """The measures scored between annotators: on every document several annotators annotated,
    each annotator's version against each other's (every ordered pair, summed), tokenized by the
    pipeline's tokenizer. A ceiling for the system's figures. Test is left out by default
    (PolNeAR keeps it for final evaluation)."""
    from storyline.nlp import load_nlp

    nlp = load_nlp()
    counts: Counter[str] = Counter()
    documents = pairs = 0
    for split in splits:
        for versions in read_versions(root, split):
            documents += 1
            doc = nlp.make_doc(versions[0].text)
            attributions = [gold_attributions(v) for v in versions]
            for gold_index, gold in enumerate(attributions):
                for other_index, other in enumerate(attributions):
                    if other_index != gold_index:
                        counts.update(score_document(other, gold, doc))
                        pairs += 1
    result = summarize(counts)
    for key in ("speaker", "crashes", "system_kinds", "gold_attributions", "system_attributions"):
        result.pop(key, None)
    result.update(splits=list(splits), documents=documents, annotator_pairs=pairs)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="storyline eval quotes", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="PolNeAR folder (default: shared/datasets/polnear)")
    parser.add_argument(
        "--split", default=None, choices=["train", "dev", "test", "annotator-training"], help="default: dev"
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N documents")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--cache", type=Path, default=None, help="folder caching the spaCy parses")
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="score annotators against each other instead (documents with several versions; "
        "train, dev and annotator-training unless --split is given)",
    )
    args = parser.parse_args(argv)
    try:
        root = dataset_path("polnear", args.data)
    except DatasetNotFoundError as error:
        print(error)
        return 2
    if args.agreement:
        splits = [args.split] if args.split else AGREEMENT_SPLITS
        result = annotator_agreement(root, splits)
        print_report(result, args.json, title=f"PolNeAR {', '.join(splits)}: agreement between annotators")
        return 0
    split = args.split or "dev"
    result = evaluate(root, split, args.limit, args.cache)
    print_report(result, args.json, title=f"PolNeAR {split}: attribution extraction")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
