"""Timeline evaluation: tilse's alignment ROUGE, ROUGE-1.5.5 counting, the SemEval-2015 scorer."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import numpy as np
import pytest

from storyline.corpus.timeline_dates import COUNTS
from storyline.eval.common import shared_datasets
from storyline.eval.semeval_timeline import (
    figures,
    natural_key,
    order_timeline,
    score_folders,
    score_timeline,
)
from storyline.eval.tilse_metrics import (
    Rouge155,
    TimelineRouge,
    average_scores,
    content_similarity,
    date_prf,
    porter_stem,
)
from storyline.eval.timegraph import reduce_relations, temporal_awareness
from storyline.eval.timeline import (
    DateTable,
    choose_c,
    date_f1,
    detokenize,
    detokenize_with_offsets,
    entity_aliases,
    loto_models,
    mention_count_model,
    ptb_text,
    read_gold_timeline,
    semeval_anchor,
    split_ptb_sentences,
    t17_article,
    tagger_fingerprint,
    timeline_file_name,
)

D = dt.date
PRED = {D(2010, 1, 1): ["a cat slept"], D(2010, 1, 3): ["dogs run fast"]}
REF = {D(2010, 1, 2): ["the cat slept"], D(2010, 1, 5): ["birds fly"]}


# --- ROUGE-1.5.5 counting ---------------------------------------------------------------------


def test_porter_stemmer_matches_rouge_155_perl_outputs() -> None:
    # Pairs printed by ROUGE-1.5.5.pl's own `stem` sub (including its "-ement" change: agreem).
    perl = {
        "generalization": "gener", "operational": "oper", "relational": "relat", "yelling": "yell",
        "yield": "yield", "happiness": "happi", "conditional": "condit", "rational": "ration",
        "sensibility": "sensibl", "hopeful": "hope", "agreement": "agreem", "enlargement": "enlarg",
        "thermographic": "thermograph", "institutionalizing": "institut", "principly": "principli",
        "1890s": "1890", "incogniti": "incogn", "archrivals": "archriv", "bayoumy": "bayoumi",
        "delharee": "delhare", "fatally": "fatal", "pronouncements": "pronounc",
    }  # fmt: skip
    assert {w: porter_stem(w) for w in perl} == perl


def test_rouge_tokens_follow_rouge_155_rules() -> None:
    rouge = Rouge155()
    # stopwords (SMART list, with month and weekday abbreviations) go; hyphens split; > 3 letters stemmed
    assert rouge.tokens([["The", "cat", "sat", "on", "Mon", "."]]) == ["cat"]
    assert rouge.tokens([["U.S.-led", "forces", "went", "geese"]]) == [
        "led",
        "forc",
        "goose",
    ]  # WordNet exception
    # a sentence stops at its first "<"; "^" is written as "&circ;"
    assert rouge.tokens([["cats", "<b>", "dogs"]]) == ["cat"]
    assert rouge.tokens([["x^y"]]) == ["circ"]
    assert rouge.tokens([["Café", "naïve"]]) == ["caf", "na", "ve"]
    counts = rouge.score_summary([["cat", "dogs"], ["cat"]], {"0": [["cat", "dog", "bird"]]})
    assert counts == {
        "rouge_1_h_count": 2, "rouge_1_p_count": 3, "rouge_1_m_count": 3,
        "rouge_2_h_count": 1, "rouge_2_p_count": 2, "rouge_2_m_count": 2,
    }  # fmt: skip


def test_content_similarity_drops_tokens_that_are_substrings_of_punctuation() -> None:
    assert content_similarity(["a cat ( ) ()"], [["a cat"]]) == 1.0
    assert content_similarity(["A cat"], [["a cat"]]) == pytest.approx(0.5)  # case-sensitive


# --- timeline metrics, figures computed by hand ------------------------------------------------


def test_many_to_one_alignment_matches_hand_computed_figures() -> None:
    # Precision: both predicted dates align to 2010-01-02 (weight 1/2): R1 hits 2 of 2+3 -> 1/5.
    # Recall: 01-02 -> 01-01 (hits 2, weight 1/2), 01-05 -> 01-03 (hits 0): 1 / (2+2).
    scores = TimelineRouge().align_date_content_costs_many_to_one(PRED, [REF])
    assert scores["rouge_1"]["precision"] == pytest.approx(0.2)
    assert scores["rouge_1"]["recall"] == pytest.approx(0.25)
    assert scores["rouge_1"]["f_score"] == pytest.approx(2 / 9)
    assert scores["rouge_2"]["precision"] == pytest.approx(1 / 6)
    assert scores["rouge_2"]["recall"] == pytest.approx(0.25)


def test_concat_and_agreement_match_hand_computed_figures() -> None:
    concat = TimelineRouge().concat(PRED, [REF])
    assert (concat["rouge_1"]["precision"], concat["rouge_1"]["recall"]) == pytest.approx((0.4, 0.5))
    assert (concat["rouge_2"]["precision"], concat["rouge_2"]["recall"]) == pytest.approx((0.25, 1 / 3))
    agreement = TimelineRouge().agreement(PRED, [REF])  # no shared date
    assert agreement["rouge_1"]["f_score"] == 0


def test_a_timeline_scored_against_itself_is_perfect() -> None:
    for variant in ("align_date_costs", "align_date_content_costs", "align_date_content_costs_many_to_one"):
        scores = TimelineRouge().evaluate(variant, REF, [REF])
        assert scores["rouge_1"]["f_score"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        TimelineRouge().evaluate("nope", REF, [REF])


def test_empty_prediction_scores_zero() -> None:
    scores = TimelineRouge().align_date_content_costs_many_to_one({}, [REF])
    assert scores["rouge_1"]["f_score"] == 0
    assert date_prf([], REF)["f_score"] == 0


def test_date_f1_and_news_tls_averaging() -> None:
    d = date_prf([D(2010, 1, 1), D(2010, 1, 2)], [D(2010, 1, 2), D(2010, 1, 3), D(2010, 1, 4)])
    assert (d["precision"], d["recall"]) == pytest.approx((0.5, 1 / 3))
    avg = average_scores([{"precision": 1.0, "recall": 0.0}, {"precision": 0.0, "recall": 1.0}])
    assert avg["f_score"] == pytest.approx(0.5)  # F of the mean P and R, not the mean of the Fs (0)


def test_agrees_with_tilse_when_it_is_installed() -> None:
    rouge = pytest.importorskip("tilse.evaluation.rouge")
    timelines = pytest.importorskip("tilse.data.timelines")
    if shutil.which("perl") is None:
        pytest.skip("perl is needed by tilse's ROUGE-1.5.5")
    pred = {
        D(2010, 1, 1): ["Mr. Smith went to the U.S.-led talks ."],
        D(2010, 1, 4): ["Oil spill reaches coast ."],
    }
    ref = {
        D(2010, 1, 2): ["Smith goes to talks on Monday ."],
        D(2010, 1, 4): ["The oil spill reached the coast ."],
    }
    try:
        theirs = rouge.TimelineRougeEvaluator(measures=["rouge_1", "rouge_2"]).evaluate_all(
            timelines.Timeline(pred), timelines.GroundTruth([timelines.Timeline(ref)])
        )
    except Exception as err:  # Perl modules missing: tilse cannot run here
        pytest.skip(f"tilse's ROUGE does not run: {err}")
    ours = TimelineRouge()
    for variant, scores in theirs.items():
        mine = ours.evaluate(variant, pred, [ref])
        for measure in ("rouge_1", "rouge_2"):
            for key in ("precision", "recall", "f_score"):
                assert mine[measure][key] == pytest.approx(scores[measure][key], abs=1e-12)


# --- SemEval-2015 TimeLine scorer -------------------------------------------------------------

GOLD_A = "A\n1\t2010\t1-1-a\n2\t2011\t1-2-b\n"
SYS_A = "A\n1\t2010\t1-1-a\n2\t2012\t1-2-b\n"
GOLD_B = "B\n1\t2010\t2-1-c\n"


def test_scorer_worked_example_both_timelines() -> None:
    a, b = score_timeline(GOLD_A, SYS_A), score_timeline(GOLD_B, GOLD_B)
    assert (a.p_match, a.p_total, a.r_match, a.r_total) == (2, 3, 2, 3)
    micro = figures([a, b])
    assert (micro["precision"], micro["recall"], micro["f1"]) == (75.0, 75.0, 75.0)


def test_scorer_skips_a_gold_file_without_system_file(tmp_path) -> None:
    gold, system = tmp_path / "gold", tmp_path / "sys"
    gold.mkdir()
    system.mkdir()
    (gold / "a.txt").write_text(GOLD_A)
    (gold / "b.txt").write_text(GOLD_B)
    (system / "a.txt").write_text(SYS_A)
    (system / "extra.txt").write_text(GOLD_B)  # no gold counterpart: ignored
    result = score_folders(gold, system)
    assert result["micro"]["precision"] == pytest.approx(66.6667)
    assert result["micro"]["f1"] == pytest.approx(66.6667)
    assert result["missing_system_files"] == ["b.txt"]


def test_scorer_ignores_ordinal_zero_and_short_lines_and_sorts_naturally() -> None:
    gold = "E\n0\tXXXX-XX-XX\t9-9-x\n2\t2011\t1-2-b\n10\t2012\t1-3-c\n1\t2010\t1-1-a\nbroken line\n"
    ordered = order_timeline(gold)
    assert [line.split("\t")[0] for line in ordered if "\t" in line] == ["0", "1", "2", "10"]
    assert natural_key("10\tx") > natural_key("2\tx")
    assert score_timeline(gold, "E\n1\t2010\t1-1-a\n2\t2011\t1-2-b\n3\t2012\t1-3-c\n").p_match == 5


def test_scorer_gives_no_credit_for_anchor_granularity() -> None:
    c = score_timeline("E\n1\t2008-02\t1-1-a\n", "E\n1\t2008-02-XX\t1-1-a\n")
    assert (c.p_match, c.r_match) == (0, 0)


def test_repeated_mentions_map_to_the_gold_occurrences_in_order() -> None:
    gold = "E\n1\t2010\t1-1-a\n2\t2011\t1-1-a\n"
    c = score_timeline(gold, gold)
    assert c.p_match == c.p_total and c.r_match == c.r_total == 3


# --- time graph -------------------------------------------------------------------------------


def test_reduction_drops_relations_the_graph_already_entails() -> None:
    red = reduce_relations(
        [("e1", "t0", "SIMULTANEOUS"), ("e2", "t0", "SIMULTANEOUS"), ("e1", "e2", "SIMULTANEOUS")]
    )
    assert red.redundant == [("e1", "e2", "SIMULTANEOUS")]
    assert len(red.final) == 2


def test_contradictions_are_kept_as_violations_and_closure_is_transitive() -> None:
    red = reduce_relations(
        [("a", "b", "BEFORE"), ("b", "c", "BEFORE"), ("c", "a", "BEFORE"), ("a", "c", "BEFORE")]
    )
    assert red.violated == [("c", "a", "BEFORE")]
    assert red.redundant == [("a", "c", "BEFORE")]
    assert red.graph.entails("c", "a", "AFTER")
    assert red.graph.check("a", "d", "BEFORE") == "unknown"


def test_temporal_awareness_credits_relations_found_by_closure() -> None:
    gold = [("a", "b", "BEFORE"), ("b", "c", "BEFORE")]
    system = [("a", "c", "BEFORE"), ("c", "b", "AFTER")]
    counts = temporal_awareness(gold, system)
    assert (counts.p_match, counts.p_total) == (2, 2)  # a<c by closure, c AFTER b stated reversed
    assert (counts.r_match, counts.r_total) == (1, 2)  # system cannot tell a vs b


# --- Timeline17 and SemEval helpers -----------------------------------------------------------


def test_detokenize_and_sentence_split_of_ptb_text() -> None:
    text = "He said : `` We 're done . '' Prices -LRB- in $ -RRB- did n't fall . Next"
    sents = split_ptb_sentences(text)
    assert [detokenize(s) for s in sents] == ['He said: "We\'re done."', "Prices (in $) didn't fall.", "Next"]


def test_ptb_text_gives_the_tokens_an_entry_span_keeps() -> None:
    tokens = ["VELL", "-LRB-", "Reuters", "-RRB-", "-", "Talks", "``", "failed", "''", "."]
    text, starts = detokenize_with_offsets(tokens)
    assert text == 'VELL (Reuters) - Talks "failed".'
    assert [text[s : s + 1] for s in starts] == ["V", "(", "R", ")", "-", "T", '"', "f", '"', "."]
    article = t17_article("topic_x", {"uid": 1, "dct": "2021-03-04", "text": " ".join(tokens)})
    assert article.article.text == text
    assert ptb_text(article, 0, len(text)) == " ".join(tokens)
    assert ptb_text(article, text.index("Talks"), len(text)) == "Talks `` failed '' ."


def test_gold_timeline_reader_merges_repeated_dates_and_splits_sentences(tmp_path) -> None:
    path = tmp_path / "t.timeline.json"
    items = [
        {"date": "2010-01-02", "text": " One thing . "},
        {"date": "2010-01-02", "text": " Two . "},
        {"date": "2010-01-01", "text": " A . "},
    ]
    path.write_text(json.dumps(items))
    assert read_gold_timeline(path) == {D(2010, 1, 2): ["One thing .", "Two ."], D(2010, 1, 1): ["A ."]}


def test_entity_aliases_and_anchor_format() -> None:
    assert ("gm",) in entity_aliases("General Motors", {"GM"})
    assert ("gm",) not in entity_aliases("General Motors", {"General"})
    assert ("gallois",) in entity_aliases("Louis Gallois", is_person=True)
    assert ("a380",) in entity_aliases("Airbus A380")
    assert ("federal", "reserve") in entity_aliases("US Federal Reserve")
    assert ("s&p",) in entity_aliases("S&P 500")
    assert semeval_anchor("2008-03") == "2008-03-XX" and semeval_anchor("2008") == "2008-XX-XX"
    assert semeval_anchor("2008-03-01T10:00") == "2008-03-01" and semeval_anchor("XXXX-03") is None
    assert timeline_file_name("S&P 500") == "s&p_500.txt"


# --- gold data (skipped without ../shared/datasets) --------------------------------------------


@pytest.mark.shared
def test_semeval_gold_scored_against_itself_is_perfect() -> None:
    root = shared_datasets() / "semeval2015-timeline" / "SemEval_Task4_data"  # type: ignore[operator]
    counts = [
        score_timeline(p.read_text(), p.read_text())
        for p in sorted(root.glob("corpus_*/TimeLines_Gold_Standard/*.txt"))
    ]
    assert len(counts) == 39
    micro = figures(counts)
    assert (micro["precision"], micro["recall"]) == (100.0, 100.0)


@pytest.mark.shared
def test_timeline17_gold_timelines_read_and_score_perfectly_against_themselves() -> None:
    root = shared_datasets() / "timeline17"  # type: ignore[operator]
    gold = read_gold_timeline(next((root / "bpoil_bbc").glob("*.timeline.json")))
    assert len(gold) == 48
    scores = TimelineRouge().align_date_content_costs_many_to_one(gold, [gold])
    assert scores["rouge_1"]["f_score"] == pytest.approx(1.0)


# --- the supervised date ranker, leave one topic out ------------------------------------------


def _table(group: str, seed: int, flip: bool = False) -> DateTable:
    """Ten candidate days; the gold ones have high ``later_articles`` (low when ``flip``)."""
    rng = np.random.default_rng(seed)
    features = rng.random((10, len(COUNTS))) * 0.2
    labels = np.array([1, 0, 0, 1, 0, 0, 1, 0, 0, 0])
    signal = labels if not flip else 1 - labels
    features[:, COUNTS.index("later_articles")] += signal
    dates = [f"2021-03-{2 * i + 1:02d}" for i in range(10)]  # no two days adjacent
    return DateTable(group, f"{group}/tl{seed}", dates, features, labels, int(labels.sum()), labels * 1.0)


def test_leave_one_topic_out_models_never_see_their_topic() -> None:
    tables = [_table("a", 1), _table("a", 2), _table("b", 3), _table("c", 4, flip=True)]
    models = loto_models(tables, 1.0)
    assert sorted(models) == ["a", "b", "c"]
    later = COUNTS.index("later_articles")
    assert models["c"].coef[later] > 0  # fitted on a and b only
    assert models["a"].coef[later] < models["c"].coef[later]  # a's model includes the flipped c
    consistent = tables[:3]
    assert date_f1(consistent, loto_models(consistent, 1.0), 0.3) == pytest.approx(1.0)


def test_date_f1_is_news_tls_f_of_mean_precision_and_recall() -> None:
    tables = [_table("a", 1), _table("b", 2, flip=True)]
    good = loto_models([_table("a", 5), _table("b", 6)], 1.0)  # both rank by later_articles
    # a: 3/3 right; b: its gold days have the lowest later_articles, so 0/3 right
    assert date_f1(tables, good, 0.0) == pytest.approx(0.5)


def test_choose_c_reports_a_figure_for_every_value_tried() -> None:
    tables = [_table("a", 1), _table("b", 2), _table("c", 3)]
    c, figures = choose_c(tables, 0.3)
    assert c in figures and len(figures) >= 2
    assert figures[c] == max(figures.values()) == pytest.approx(1.0)


def test_mention_count_model_ranks_by_dated_sentences_only() -> None:
    features = np.zeros((3, len(COUNTS)))
    features[:, COUNTS.index("mention_sentences")] = [0.1, 0.9, 0.4]
    features[:, COUNTS.index("published")] = [0.9, 0.0, 0.5]
    assert np.argsort(-mention_count_model().score(features)).tolist() == [1, 2, 0]


def test_the_tagger_fingerprint_follows_code_and_timex_word_lists_only(tmp_path) -> None:
    (tmp_path / "timex_rules.py").write_text("RULE = 1\n")
    (tmp_path / "timex_lexicon.toml").write_text("[a]\n")
    (tmp_path / "timeline.toml").write_text("[b]\n")
    first = tagger_fingerprint([tmp_path])
    assert len(first) == 12 and first == tagger_fingerprint([tmp_path])
    (tmp_path / "timeline.toml").write_text("[c]\n")  # not the tagger's
    assert tagger_fingerprint([tmp_path]) == first
    (tmp_path / "timex_lexicon.toml").write_text("[a]\nx = 1\n")
    second = tagger_fingerprint([tmp_path])
    assert second != first
    (tmp_path / "timex_rules.py").write_text("RULE = 2\n")
    assert tagger_fingerprint([tmp_path]) not in (first, second)
    assert tagger_fingerprint() == tagger_fingerprint()  # the shipped tagger
