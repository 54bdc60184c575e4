"""Timeline ROUGE metrics of tilse (Martschat & Markert 2017), re-implemented without Perl.

news-tls (Gholipour Ghalandari & Ifrim 2020) scores Timeline17 with tilse's
``TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"])``, i.e. the original ROUGE-1.5.5 Perl
script run as ``-a -n 2 -x -f A -d -m -s -t 2`` on SEE files written by tilse's bundled pyrouge.
This module reproduces that figure for figure:

* :class:`Rouge155` - ROUGE-1.5.5's n-gram counting with those options: SEE line parsing (a
  sentence stops at its first ``<``; ``^`` is written as ``&circ;``), ASCII lower-casing, ``-``
  split off, every other non-alphanumeric character a space, SMART stopwords removed, tokens not
  starting with ``[a-z0-9$]`` dropped, tokens longer than 3 characters stemmed by the WordNet 2.0
  exception list and then ROUGE's Porter stemmer; n-grams counted over the whole summary.
* the timeline variants ``concat``, ``agreement``, ``align_date_costs``,
  ``align_date_content_costs`` and ``align_date_content_costs_many_to_one`` (news-tls's AR-N),
  with tilse's content-cost approximation, assignment and date weighting.
* :func:`date_prf` - set precision/recall/F1 of dates.

A timeline is a mapping ``datetime.date -> list of sentences`` (sentences are strings whose tokens
are separated by whitespace, as in tilse).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from importlib import resources

import numpy as np
from scipy import optimize

Timeline = Mapping[dt.date, Sequence[str]]
Scores = dict[str, dict[str, float]]

MEASURES = ("rouge_1", "rouge_2")
VARIANTS = (
    "concat",
    "agreement",
    "align_date_costs",
    "align_date_content_costs",
    "align_date_content_costs_many_to_one",
)
_SEE_TEXT = re.compile(r"^([^<]+)")
_NON_TOKEN = re.compile(r"[^A-Za-z0-9\-]")
_SPACES = re.compile(r"\s+")
_COUNTED = re.compile(r"[a-z0-9$]")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _data_lines(name: str) -> list[str]:
    text = resources.files("storyline.data").joinpath(name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@cache
def _stopwords() -> frozenset[str]:
    return frozenset(_data_lines("tilse_metrics_stopwords.txt"))


@cache
def _exceptions() -> dict[str, str]:
    return dict(line.split(" ", 1) for line in _data_lines("tilse_metrics_wordnet_exceptions.txt"))


# --- ROUGE-1.5.5's Porter stemmer (its ``stem`` sub, with the 2004 "-ement" change) -------------

_C = "[^aeiou][^aeiouy]*"
_V = "[aeiouy][aeiou]*"
_MGR0 = re.compile(f"^({_C})?{_V}{_C}")
_MEQ1 = re.compile(f"^({_C})?{_V}{_C}({_V})?$")
_MGR1 = re.compile(f"^({_C})?{_V}{_C}{_V}{_C}")
_VOWEL_IN_STEM = re.compile(f"^({_C})?[aeiouy]")
_CVC = re.compile(f"^{_C}[aeiouy][^aeiouwxy]$")
_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
    "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
    "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
    "iviti": "ive", "biliti": "ble", "logi": "log",
}  # fmt: skip
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_STEP2_RE = re.compile(
    "(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|"
    "fulness|ousness|aliti|iviti|biliti|logi)$"
)
_STEP3_RE = re.compile("(icate|ative|alize|iciti|ical|ful|ness)$")
_STEP4_RE = re.compile("(al|ance|ence|er|ic|able|ible|ant|ement|ou|ism|ate|iti|ous|ive|ize)$")


def porter_stem(word: str) -> str:
    """ROUGE-1.5.5's Porter stemmer, rule for rule (it differs from NLTK's default mode)."""
    if len(word) < 3:
        return word
    first_y = word[0] == "y"
    w = "Y" + word[1:] if first_y else word
    # Step 1a
    if (m := re.search("(ss|i)es$", w)) or (m := re.search("([^s])s$", w)):
        w = w[: m.start()] + m.group(1)
    # Step 1b
    if w.endswith("eed"):
        if _MGR0.search(w[:-3]):
            w = w[:-1]
    elif m := re.search("(ed|ing)$", w):
        stem = w[: m.start()]
        if _VOWEL_IN_STEM.search(stem):
            w = stem
            if re.search("(at|bl|iz)$", w):
                w += "e"
            elif re.search(r"([^aeiouylsz])\1$", w):
                w = w[:-1]
            elif _CVC.search(w):
                w += "e"
    # Step 1c
    if w.endswith("y") and _VOWEL_IN_STEM.search(w[:-1]):
        w = w[:-1] + "i"
    # Step 2 and 3
    for pattern, table in ((_STEP2_RE, _STEP2), (_STEP3_RE, _STEP3)):
        if m := pattern.search(w):
            stem = w[: m.start()]
            if _MGR0.search(stem):
                w = stem + table[m.group(1)]
    # Step 4
    if m := _STEP4_RE.search(w):
        stem = w[: m.start()]
        if _MGR1.search(stem):
            w = stem
    if w.endswith("ment") and _MGR1.search(w[:-4]):
        w = w[:-4]
    if w.endswith("ent"):
        if _MGR1.search(w[:-3]):
            w = w[:-3]
    elif m := re.search("(s|t)(ion)$", w):
        stem = w[: m.start()] + m.group(1)
        if _MGR1.search(stem):
            w = stem
    # Step 5
    if w.endswith("e"):
        stem = w[:-1]
        if _MGR1.search(stem) or (_MEQ1.search(stem) and not _CVC.search(stem)):
            w = stem
    if w.endswith("ll") and _MGR1.search(w):
        w = w[:-1]
    if first_y:
        w = "y" + w[1:]
    return w


class Rouge155:
    """ROUGE-1.5.5 n-gram counts as tilse's pyrouge runs it (``-n 2 -x -f A -m -s -t 2``)."""

    def __init__(self, stem: bool = True, ignore_stopwords: bool = True) -> None:
        self.stem = stem
        self.stopwords = _stopwords() if ignore_stopwords else frozenset()
        self._stem_cache: dict[str, str] = {}

    def tokens(self, sentences: Iterable[Sequence[str]]) -> list[str]:
        """The tokens ROUGE counts for a summary given as tokenised sentences."""
        kept: list[str] = []
        for sentence in sentences:
            line = " ".join(tok.replace("^", "&circ;") for tok in sentence)
            m = _SEE_TEXT.match(line)
            if m:
                kept.append(m.group(1).translate(_ASCII_LOWER))
        text = " ".join(kept).replace("-", " - ")
        text = _SPACES.sub(" ", _NON_TOKEN.sub(" ", text)).strip()
        out: list[str] = []
        for tok in text.split():
            if tok in self.stopwords or not _COUNTED.match(tok):
                continue
            out.append(self._stem(tok) if self.stem and len(tok) > 3 else tok)
        return out

    def _stem(self, token: str) -> str:
        stemmed = self._stem_cache.get(token)
        if stemmed is None:
            stemmed = _exceptions().get(token) or porter_stem(token)
            self._stem_cache[token] = stemmed
        return stemmed

    @staticmethod
    def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
        return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))

    def score_summary(
        self, summary: Sequence[Sequence[str]], references: Mapping[str, Sequence[Sequence[str]]]
    ) -> dict[str, int]:
        """``rouge_N_{h,p,m}_count`` for N = 1, 2, as pyrouge's ``average="raw"`` returns them."""
        peer_tokens = self.tokens(summary)
        model_tokens = [self.tokens(ref) for ref in references.values()]
        out: dict[str, int] = {}
        for n in (1, 2):
            peer = self.ngrams(peer_tokens, n)
            hit = model_total = peer_total = 0
            for tokens in model_tokens:
                model = self.ngrams(tokens, n)
                hit += sum(min(count, peer[gram]) for gram, count in model.items())
                model_total += max(len(tokens) - n + 1, 0)
                peer_total += max(len(peer_tokens) - n + 1, 0)
            out[f"rouge_{n}_h_count"] = hit
            out[f"rouge_{n}_p_count"] = peer_total
            out[f"rouge_{n}_m_count"] = model_total
        return out


def f_score(prec: float, rec: float, beta: float = 1.0) -> float:
    """tilse's F_beta."""
    if prec + rec == 0:
        return 0.0
    return (1 + beta**2) * prec * rec / (beta**2 * prec + rec)


def content_similarity(pred_summary: Sequence[str], groundtruth: Sequence[Sequence[str]]) -> float:
    """tilse's ``compute_rouge_approximation``: a case-sensitive, unstemmed ROUGE-1 F.

    Tokens are whitespace-split and dropped when they are a substring of ``string.punctuation``
    (tilse tests ``k not in string.punctuation``, so ``"()"`` is dropped too).
    """

    def counts(sentences: Iterable[str]) -> Counter[str]:
        c: Counter[str] = Counter()
        for sent in sentences:
            c.update(k for k in sent.split() if k not in string.punctuation)
        return c

    pred = counts(pred_summary)
    refs = [counts(summary) for summary in groundtruth]
    match = sum(min(pred[tok], ref[tok]) for tok in pred for ref in refs)
    prec_denom = len(refs) * sum(pred.values())
    precision = match / prec_denom if prec_denom else 0
    recall_denom = sum(sum(ref.values()) for ref in refs)
    recall = match / recall_denom if recall_denom else 0
    return 0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _date_factor(a: dt.date, b: dt.date) -> float:
    return 1 - 1 / (abs(a.toordinal() - b.toordinal()) + 1)


def _assign_to_min_cost(costs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Many-to-one: every row goes to its cheapest column (first one on ties)."""
    rows = np.arange(costs.shape[0])
    return rows, costs.argmin(axis=1) if costs.shape[1] else np.zeros(0, dtype=int)


class TimelineRouge:
    """tilse's ``TimelineRougeEvaluator`` over one or more reference timelines."""

    def __init__(self, measures: Sequence[str] = MEASURES, beta: float = 1.0, rouge: Rouge155 | None = None):
        self.measures = tuple(measures)
        self.beta = beta
        self.rouge = rouge or Rouge155()

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _get(timeline: Timeline, date: dt.date) -> Sequence[str]:
        return timeline.get(date, "")  # tilse's Timeline.__getitem__ returns "" for a missing date

    def _refs_at(self, refs: Sequence[Timeline], date: dt.date) -> dict[str, list[list[str]]]:
        return {str(i): [s.split() for s in self._get(tl, date)] for i, tl in enumerate(refs)}

    def _counts(self, pred: Sequence[Sequence[str]], refs: Mapping[str, Sequence[Sequence[str]]]):
        raw = self.rouge.score_summary(pred, refs)
        return {m: (raw[f"{m}_h_count"], raw[f"{m}_p_count"], raw[f"{m}_m_count"]) for m in self.measures}

    def _scores(self, num_p: dict, den_p: dict, num_r: dict, den_r: dict) -> Scores:
        out: Scores = {}
        for m in self.measures:
            prec = sum(num_p[m]) / sum(den_p[m]) if sum(den_p[m]) else 0
            rec = sum(num_r[m]) / sum(den_r[m]) if sum(den_r[m]) else 0
            out[m] = {"precision": prec, "recall": rec, "f_score": f_score(prec, rec, self.beta)}
        return out

    @staticmethod
    def _ref_dates(refs: Sequence[Timeline]) -> set[dt.date]:
        return set().union(*(set(tl) for tl in refs)) if refs else set()

    def _lists(self) -> dict[str, list[float]]:
        return {m: [] for m in self.measures}

    # -- variants --------------------------------------------------------------------------
    def concat(self, pred: Timeline, refs: Sequence[Timeline]) -> Scores:
        pred_sents = [s.split() for d in sorted(pred) for s in pred[d]]
        ref_sents = {str(i): [s.split() for d in sorted(tl) for s in tl[d]] for i, tl in enumerate(refs)}
        counts = self._counts(pred_sents, ref_sents)
        out: Scores = {}
        for m in self.measures:
            hit, p, r = counts[m]
            prec, rec = hit / p, hit / r  # tilse divides unguarded
            out[m] = {"precision": prec, "recall": rec, "f_score": f_score(prec, rec, self.beta)}
        return out

    def agreement(self, pred: Timeline, refs: Sequence[Timeline]) -> Scores:
        num_p, den_p, num_r, den_r = (self._lists() for _ in range(4))
        pred_dates, ref_dates = set(pred), self._ref_dates(refs)
        for date in pred_dates | ref_dates:
            counts = self._counts([s.split() for s in self._get(pred, date)], self._refs_at(refs, date))
            for m in self.measures:
                hit, p, r = counts[m]
                if date in pred_dates:
                    num_p[m].append(hit)
                    den_p[m].append(p)
                if date in ref_dates:
                    num_r[m].append(hit)
                    den_r[m].append(r)
        return self._scores(num_p, den_p, num_r, den_r)

    def align_date_costs(self, pred: Timeline, refs: Sequence[Timeline]) -> Scores:
        return self._aligned(pred, refs, self._date_costs, optimize.linear_sum_assignment)

    def align_date_content_costs(self, pred: Timeline, refs: Sequence[Timeline]) -> Scores:
        return self._aligned(pred, refs, self._date_content_costs, optimize.linear_sum_assignment)

    def align_date_content_costs_many_to_one(self, pred: Timeline, refs: Sequence[Timeline]) -> Scores:
        """news-tls's AR-N ("align+ m:1")."""
        return self._aligned(pred, refs, self._date_content_costs, _assign_to_min_cost)

    def evaluate(self, variant: str, pred: Timeline, refs: Sequence[Timeline]) -> Scores:
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}; one of {VARIANTS}")
        scores: Scores = getattr(self, variant)(pred, refs)
        return scores

    # -- alignment -------------------------------------------------------------------------
    def _date_costs(self, pred_dates, ref_dates, pred, refs, axis):
        a, b = (pred_dates, ref_dates) if axis == 0 else (ref_dates, pred_dates)
        return np.array([[_date_factor(s, t) for t in b] for s in a]).reshape(len(a), len(b))

    def _date_content_costs(self, pred_dates, ref_dates, pred, refs, axis):
        a, b = (pred_dates, ref_dates) if axis == 0 else (ref_dates, pred_dates)
        rows = []
        for s in a:
            row = []
            for t in b:
                d_pred, d_ref = (s, t) if axis == 0 else (t, s)
                content = 1 - content_similarity(
                    self._get(pred, d_pred), [self._get(tl, d_ref) for tl in refs]
                )
                row.append(_date_factor(s, t) * content)
            rows.append(row)
        return np.array(rows).reshape(len(a), len(b))

    def _aligned(
        self,
        pred: Timeline,
        refs: Sequence[Timeline],
        costs: Callable[..., np.ndarray],
        assign: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    ) -> Scores:
        num_p, den_p, num_r, den_r = (self._lists() for _ in range(4))
        pred_dates, ref_dates = sorted(pred), sorted(self._ref_dates(refs))
        can_align = bool(pred_dates) and bool(ref_dates)
        none = (np.zeros(0, dtype=int), np.zeros(0, dtype=int))
        prec_rows, prec_cols = assign(costs(pred_dates, ref_dates, pred, refs, 0)) if can_align else none
        rec_rows, rec_cols = assign(costs(pred_dates, ref_dates, pred, refs, 1)) if can_align else none

        for row, col in zip(prec_rows, prec_cols, strict=True):
            p_date, r_date = pred_dates[row], ref_dates[col]
            counts = self._counts([s.split() for s in pred[p_date]], self._refs_at(refs, r_date))
            weight = 1 / (abs(p_date.toordinal() - r_date.toordinal()) + 1)
            for m in self.measures:
                num_p[m].append(weight * counts[m][0])
                den_p[m].append(counts[m][1])
        matched = set(int(r) for r in prec_rows)
        empty_refs = {str(i): [[""]] for i in range(len(refs))}
        for i, p_date in enumerate(pred_dates):
            if i not in matched:
                counts = self._counts([s.split() for s in pred[p_date]], empty_refs)
                for m in self.measures:
                    num_p[m].append(counts[m][0])
                    den_p[m].append(counts[m][1])

        for row, col in zip(rec_rows, rec_cols, strict=True):
            p_date, r_date = pred_dates[col], ref_dates[row]
            counts = self._counts([s.split() for s in pred[p_date]], self._refs_at(refs, r_date))
            weight = 1 / (abs(p_date.toordinal() - r_date.toordinal()) + 1)
            for m in self.measures:
                num_r[m].append(weight * counts[m][0])
                den_r[m].append(counts[m][2])
        matched = set(int(r) for r in rec_rows)
        for i, r_date in enumerate(ref_dates):
            if i not in matched:
                counts = self._counts([[""]], self._refs_at(refs, r_date))
                for m in self.measures:
                    num_r[m].append(counts[m][0])
                    den_r[m].append(counts[m][2])
        return self._scores(num_p, den_p, num_r, den_r)


def date_prf(pred: Iterable[dt.date], refs: Iterable[dt.date]) -> dict[str, float]:
    """Set precision, recall and F1 of predicted dates against reference dates (news-tls)."""
    pred_set, ref_set = set(pred), set(refs)
    shared = len(pred_set & ref_set)
    prec = shared / len(pred_set) if pred_set else 0.0
    rec = shared / len(ref_set) if ref_set else 0.0
    return {"precision": prec, "recall": rec, "f_score": f_score(prec, rec)}


def average_scores(results: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """news-tls's average: mean precision and mean recall, F1 of the two means."""
    n = len(results)
    if not n:
        return {"precision": 0.0, "recall": 0.0, "f_score": 0.0}
    prec = sum(r["precision"] for r in results) / n
    rec = sum(r["recall"] for r in results) / n
    return {"precision": prec, "recall": rec, "f_score": f_score(prec, rec)}
