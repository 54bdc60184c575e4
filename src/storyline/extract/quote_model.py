"""A learned cue detector for the long tail of attributions the rules miss.

PolNeAR annotates any attributed statement, belief or stance, with well over a thousand cue
lemmas. After the rules have run, every verb or noun not yet part of an attribution is given
a generic content (its clause complement, to-infinitive, prepositional object or direct
object, in that order) and a logistic regression over parse features (lemma, part of speech,
dependency label, kind of content, subject type, negation, ...) decides whether that is an
attribution. The weights are package data (``data/quote_model.toml``: feature names, lemmas
and numbers only), rebuilt from PolNeAR train (threshold chosen on dev) with::

    python -m storyline.extract.quote_model --data ../shared/datasets/polnear

Scoring is a sparse dot product in pure Python: no learning library is needed at run time.
"""

from __future__ import annotations

import argparse
import json
import math
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token

from storyline.extract.quote_cues import cue_extent, cue_lemma, lexicon, phrase_of, subject_of
from storyline.extract.quote_index import TextIndex
from storyline.extract.quote_indirect import _within_paragraph, cut_reported_relative
from storyline.extract.quote_spans import has_that, is_question_clause, span_chars, subtree_range
from storyline.extract.quote_types import Candidate

MODEL_FILE = "quote_model.toml"
DETECTOR_C = 1.5  # the shipped detector's C, chosen on dev (docs/quotes.md)
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
_SKIP_LEMMAS = frozenset({"be", "have", "do", "'s"})
_COMPLEMENT_START_DEPS = frozenset({"dobj", "dep", "nmod", "oprd"})


@dataclass(frozen=True, slots=True)
class CueModel:
    """Logistic-regression weights over named features, and the decision threshold."""

    weights: dict[str, float]
    intercept: float
    threshold: float

    def probability(self, features: list[str]) -> float:
        return logistic(self.weights, self.intercept, features)


def logistic(weights: dict[str, float], intercept: float, features: Iterable[str]) -> float:
    """The logistic of ``intercept`` plus the weights of ``features`` (unknown names weigh 0)."""
    score = intercept + sum(weights.get(f, 0.0) for f in features)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


@lru_cache(maxsize=1)
def load_model() -> CueModel | None:
    """The shipped model, loaded once (None when the data file is absent)."""
    raw = read_model_file(MODEL_FILE)
    return CueModel(raw["weights"], raw["intercept"], raw["threshold"]) if raw else None


def read_model_file(name: str) -> dict[str, Any] | None:
    """A model's TOML file of the package data, parsed (None when it is absent)."""
    path = resources.files("storyline.data").joinpath(name)
    if not path.is_file():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8"))


# -- generic candidates ---------------------------------------------------------------------
def _content_head(token: Token) -> tuple[str, Token, Token | None] | None:
    """(kind, content head, preposition) of the first generic complement of ``token``."""
    rights = list(token.rights)
    for child in rights:
        if child.dep_ == "ccomp" or (child.dep_ == "advcl" and is_question_clause(child)):
            return "clause", child, None
    if token.pos_ == "NOUN":
        for child in rights:
            if child.dep_ in {"acl", "relcl"} and has_that(child):
                return "clause", child, None
    for child in rights:
        if child.dep_ == "xcomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
            return "infinitive", child, None
    complements = [c for c in rights if c.dep_ == "oprd"]
    if complements and token.pos_ == "VERB":  # "called Trump “crazy”": object and its complement
        return "complement", complements[-1], None
    for child in rights:
        if child.dep_ == "dobj" and token.pos_ != "NOUN":
            return "object", child, None
    for child in rights:
        if child.dep_ == "prep" and child.i <= token.i + 3:
            objects = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
            if objects:
                return "prep", objects[0], child
    return None


def _source_of(token: Token) -> Any:
    """A noun's owner ("his claim"), else the subject of the verb it is the object of;
    a passive verb's agent; an active verb's subject."""
    if token.pos_ == "NOUN":
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None:
            return phrase_of(owner)
        head = token
        while head.dep_ in {"pobj", "prep", "dobj", "conj"} and head.head.i != head.i:
            head = head.head
            if head.pos_ == "VERB":
                return subject_of(head)
        return None
    if any(c.dep_ in {"auxpass", "nsubjpass"} for c in token.children):
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        objects = [c for c in agent.children if c.dep_ == "pobj"] if agent is not None else []
        return phrase_of(objects[0]) if objects else None
    return subject_of(token)


def generic_candidate(token: Token) -> tuple[Candidate, str, Token] | None:
    """A candidate attribution cued by ``token`` (any verb or noun), the kind of its content and its head."""
    found = _content_head(token)
    if found is None:
        return None
    kind, head, prep = found
    start, end = subtree_range(head)
    if kind == "infinitive" or (kind == "clause" and head.i > token.i):
        start = min([start] + [c.i for c in head.children if c.dep_ in {"aux", "mark"} and c.i < head.i])
    if kind == "complement":
        start = min([start] + [c.left_edge.i for c in token.rights if c.dep_ in _COMPLEMENT_START_DEPS])
    if kind == "infinitive":  # "pressed the spouse to organize": the object joins the content
        addressee = next((c for c in token.children if c.dep_ == "dobj" and token.i < c.i < head.i), None)
        start = min(start, addressee.left_edge.i) if addressee is not None else start
    if start <= token.i < end:
        return None
    content = span_chars(token.doc, start, end)
    if content is None:
        return None
    extra = [prep] if prep is not None else []
    cue = (
        cue_extent(token, extra)
        if token.pos_ != "NOUN"
        else (min([token.i] + [t.i for t in extra]), max([token.i] + [t.i for t in extra]) + 1)
    )
    candidate = cut_reported_relative(Candidate([content], "indirect", cue, token, _source_of(token), 0.4))
    return candidate, kind, head


def _subject_kind(source: Any) -> str:
    if source is None:
        return "none"
    root = source.root
    if root.pos_ == "PRON":
        return "pron:" + root.lower_
    if root.ent_type_:
        return "ent:" + root.ent_type_
    return "pos:" + root.pos_


def features(token: Token, candidate: Candidate, kind: str, head: Token, headline: bool) -> list[str]:
    """Named binary features of a generic candidate (``head``: its content's head word)."""
    lemma = cue_lemma(token)
    lex = lexicon()
    lists = [
        name
        for name in ("speech", "cognition", "evidence", "object", "infinitive")
        if lemma in getattr(lex, name)
    ]
    span_words = candidate.cue[1] - candidate.cue[0] if candidate.cue else 1
    content_len = candidate.parts[-1][1] - candidate.parts[0][0]
    subject = _subject_kind(candidate.source)
    negated = any(c.dep_ == "neg" for c in token.children)
    passive = any(c.dep_ == "auxpass" for c in token.children)
    found = [
        "bias",
        f"lemma={lemma}",
        f"lemma_kind={lemma}|{kind}",
        f"pos={token.pos_}",
        f"tag={token.tag_}",
        f"dep={token.dep_}",
        f"kind={kind}",
        f"pos_kind={token.pos_}|{kind}",
        f"dep_kind={token.dep_}|{kind}",
        f"subject={subject}",
        f"subject_kind={subject.split(':')[0]}|{kind}",
        f"negated={negated}",
        f"passive={passive}",
        f"cue_words={min(span_words, 4)}",
        f"content_len={min(int(math.log2(content_len + 1)), 9)}",
        f"head_dep={token.head.dep_}" if token.head.i != token.i else "head_dep=ROOT",
        f"head_lemma={cue_lemma(token.head)}" if token.head.i != token.i else "head_lemma=ROOT",
    ]
    found += [f"list={name}" for name in lists]
    found += [f"list_kind={name}|{kind}" for name in lists]
    found.append(f"headline={headline}")
    if candidate.source is not None and candidate.source.root.pos_ == "NOUN":
        found.append(f"subject_lemma={candidate.source.root.lemma_.lower()}")
    found += [f"content_pos={head.pos_}|{kind}", f"content_ent={head.ent_type_ or '-'}|{kind}"]
    if kind == "clause":
        found.append(f"that={has_that(head)}")
    if kind == "prep":
        prep = token.doc[candidate.cue[1] - 1] if candidate.cue else None
        if prep is not None:
            found.append(f"prep={prep.lower_}")
            found.append(f"lemma_prep={lemma}|{prep.lower_}")
    return found


def residual_candidates(
    doc: Doc, index: TextIndex, accepted: list[Candidate]
) -> Iterator[tuple[Candidate, list[str]]]:
    """Generic candidates of the verbs and nouns outside every accepted attribution, with features."""
    covered = bytearray(len(index.text) + 1)
    for candidate in accepted:
        for start, end in candidate.parts:
            covered[start:end] = b"\x01" * (end - start)
        cue = candidate.cue_chars(doc)
        if cue:
            covered[cue[0] : cue[1]] = b"\x01" * (cue[1] - cue[0])
    first_sentence_end = next(iter(doc.sents)).end
    for token in doc:
        if token.pos_ not in {"VERB", "NOUN"} or token.dep_ in {"aux", "auxpass", "compound"}:
            continue
        if covered[token.idx] or cue_lemma(token) in _SKIP_LEMMAS:
            continue
        made = generic_candidate(token)
        if made is None:
            continue
        candidate, kind, head = made
        clipped = _within_paragraph(candidate, index)
        if clipped is None:
            continue
        yield clipped, features(token, clipped, kind, head, token.i < first_sentence_end)


def learned_candidates(
    doc: Doc, index: TextIndex, accepted: list[Candidate], model: CueModel | None = None
) -> list[Candidate]:
    """Accepted candidates plus the residual ones the model keeps, none overlapping another."""
    model = model or load_model()
    if model is None:
        return accepted
    scored = []
    for candidate, names in residual_candidates(doc, index, accepted):
        probability = model.probability(names)
        if probability >= model.threshold:
            candidate.confidence = round(min(0.6, probability), 2)
            candidate.note = "learned cue"
            scored.append((probability, candidate))
    taken = list(accepted)
    for _, candidate in sorted(scored, key=lambda p: -(p[1].end - p[1].start)):
        if any(_clash(doc, candidate, other) for other in taken):
            continue
        taken.append(candidate)
    return sorted(taken, key=lambda c: c.start)


def _clash(doc: Doc, candidate: Candidate, other: Candidate) -> bool:
    if any(s1 < e2 and s2 < e1 for s1, e1 in candidate.parts for s2, e2 in other.parts):
        return True
    cue = candidate.cue_chars(doc)
    return cue is not None and any(s < cue[1] and cue[0] < e for s, e in other.parts)


# -- training -------------------------------------------------------------------------------
def _examples(root: Path, split: str, cache: Path | None) -> tuple[list[list[str]], list[int], Counter[str]]:
    """Features and labels of the residual candidates of one split, and the rules' own counts."""
    xs: list[list[str]] = []
    ys: list[int] = []
    counts: Counter[str] = Counter()
    for names, labels in document_examples(root, split, cache, counts):
        xs += names
        ys += labels
    return xs, ys, counts


def document_examples(
    root: Path, split: str, cache: Path | None, counts: Counter[str] | None = None
) -> Iterator[tuple[list[list[str]], list[int]]]:
    """Per document of one split: the features and labels of its residual candidates.

    Label 1: the candidate's content and cue overlap those of one gold attribution that the
    rules left unmatched (content alone would also count verbs inside another's content).
    ``counts`` gathers the rules' own counts (``n_sys``, ``n_gold``, ``tp``).
    """
    from storyline.eval.polnear import read_split
    from storyline.eval.quotes import gold_attributions, greedy_match, normalize, overlap, parsed_documents
    from storyline.extract import quotes as extractor

    documents = list(read_split(root, split))
    for document, doc in zip(documents, parsed_documents(documents, cache, f"polnear-{split}"), strict=True):
        index = TextIndex.build(doc)
        accepted = extractor.rule_candidates(doc, index)
        gold = gold_attributions(document)
        system = [normalize(c.parts, document.text) for c in accepted]
        matched = {j for _, j in greedy_match(system, gold, lambda s, g: overlap(s, g.content))}
        if counts is not None:
            counts.update(n_sys=len(system), n_gold=len(gold), tp=len(matched))
        left = [g for j, g in enumerate(gold) if j not in matched]
        xs: list[list[str]] = []
        ys: list[int] = []
        for candidate, names in residual_candidates(doc, index, accepted):
            parts = normalize(candidate.parts, document.text)
            cue_chars = candidate.cue_chars(doc)
            cue = normalize([cue_chars], document.text) if cue_chars else ()
            xs.append(names)
            ys.append(int(any(overlap(parts, g.content) and overlap(cue, g.cue) for g in left)))
        yield xs, ys


def fit_weights(
    rows: list[list[str]], labels: list[int], c: float, min_weight: float, random_state: int | None = None
) -> tuple[dict[str, float], float]:
    """An L1 logistic regression (liblinear) over named binary features: weights of at least
    ``min_weight`` in size, rounded, and the intercept."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(x, 1) for x in rows])
    matrix.indices = matrix.indices.astype("int32")  # liblinear takes 32-bit sparse indices only
    matrix.indptr = matrix.indptr.astype("int32")
    classifier = LogisticRegression(
        C=c, l1_ratio=1.0, solver="liblinear", max_iter=3000, random_state=random_state
    )
    classifier.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    weights = {
        str(n): round(float(w), 4)
        for n, w in zip(names, classifier.coef_[0], strict=True)
        if abs(w) >= min_weight
    }
    return weights, round(float(classifier.intercept_[0]), 4)


def _dev_documents(root: Path, cache: Path | None) -> list[tuple[Doc, TextIndex, list[Candidate], list[Any]]]:
    """PolNeAR dev parses with their rule candidates and normalized gold contents."""
    from storyline.eval.polnear import read_split
    from storyline.eval.quotes import gold_attributions, parsed_documents
    from storyline.extract import quotes as extractor

    documents = list(read_split(root, "dev"))
    found = []
    for document, doc in zip(documents, parsed_documents(documents, cache, "polnear-dev"), strict=True):
        index = TextIndex.build(doc)
        gold = [g.content for g in gold_attributions(document)]
        found.append((doc, index, extractor.rule_candidates(doc, index), gold))
    return found


def _overlap_f1(
    documents: list[tuple[Doc, TextIndex, list[Candidate], list[Any]]], model: CueModel | None
) -> float:
    """Content overlap F1 (as ``storyline eval quotes`` computes it) of rules plus ``model``."""
    from storyline.eval.quotes import greedy_match, normalize, overlap

    tp = n_sys = n_gold = 0
    for doc, index, rules, gold in documents:
        taken = learned_candidates(doc, index, rules, model) if model is not None else rules
        system = [normalize(c.parts, index.text) for c in taken]
        tp += len(greedy_match(system, gold, overlap))
        n_sys += len(system)
        n_gold += len(gold)
    return 2 * tp / (n_sys + n_gold) if n_sys + n_gold else 0.0


def train(root: Path, cache: Path | None, c: float = DETECTOR_C, min_weight: float = 0.01) -> dict[str, Any]:
    """Fit on train, choose the threshold on dev; returns the model as a JSON-ready dict."""
    train_x, train_y, _ = _examples(root, "train", cache)
    weights, intercept = fit_weights(train_x, train_y, c, min_weight)
    dev = _dev_documents(root, cache)
    rules_f1 = _overlap_f1(dev, None)
    best = max(
        (_overlap_f1(dev, CueModel(weights, intercept, step / 100)), step / 100) for step in range(20, 75, 5)
    )
    return {
        "about": "Learned quote cue detector (storyline.extract.quote_model), fitted on PolNeAR train; "
        "threshold chosen on dev. Feature names and weights only.",
        "train_examples": len(train_y),
        "train_positive": sum(train_y),
        "dev_rules_overlap_f1": round(rules_f1, 4),
        "dev_overlap_f1": round(best[0], 4),
        "threshold": best[1],
        "intercept": intercept,
        "weights": dict(sorted(weights.items())),
    }


def to_toml(model: dict[str, Any]) -> str:
    """The model as TOML: scalar fields first, then the ``[weights]`` table (JSON strings are TOML strings)."""
    lines = [f"# {model['about']}"]
    for key, value in model.items():
        if key not in {"about", "weights"}:
            lines.append(f"{key} = {json.dumps(value)}")
    lines.append("")
    lines.append("[weights]")
    lines += [
        f"{json.dumps(name, ensure_ascii=False)} = {weight!r}" for name, weight in model["weights"].items()
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fit the learned quote cue detector on PolNeAR.")
    parser.add_argument("--data", help="PolNeAR folder (default: shared/datasets/polnear)")
    parser.add_argument("--cache", type=Path, default=None, help="folder caching the spaCy parses")
    parser.add_argument("--c", type=float, default=DETECTOR_C, help="inverse regularisation strength")
    parser.add_argument("--min-weight", type=float, default=0.01, help="weights kept: |w| at least this")
    parser.add_argument(
        "--out", type=Path, default=None, help="where to write the model (default: package data)"
    )
    args = parser.parse_args(argv)
    from storyline.eval.common import dataset_path

    model = train(dataset_path("polnear", args.data), args.cache, args.c, args.min_weight)
    save_model(model, args.out or Path(str(resources.files("storyline.data").joinpath(MODEL_FILE))))
    return 0


def save_model(model: dict[str, Any], out: Path) -> None:
    """Write ``model`` as TOML to ``out`` and print its summary (all but the weights) as JSON."""
    out.write_text(to_toml(model), encoding="utf-8")
    summary = {k: v for k, v in model.items() if k != "weights"}
    print(json.dumps(summary | {"features": len(model["weights"]), "file": str(out)}))


if __name__ == "__main__":
    raise SystemExit(main())
