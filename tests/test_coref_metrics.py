"""MUC, B-cubed, CEAF-e and CoNLL F1 against figures computed by hand and published ones."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from storyline.eval.coref_metrics import b_cubed, ceaf_e, conll, muc


def approx(x: F | float) -> object:
    return pytest.approx(float(x), abs=1e-9)


# Toy case computed by hand: key {a,b,c} {d,e}; response {a,b} {c,d,e}.
#   MUC  R = ((3-2) + (2-1)) / ((3-1) + (2-1)) = 2/3;  P = ((2-1) + (3-2)) / ((2-1) + (3-1)) = 2/3
#   B3   R = (4/3 + 1/3 + 4/2) / 5 = 11/15;            P = (4/2 + 1/3 + 4/3) / 5 = 11/15
#   CEAF phi4(K1,R1) = 4/5, phi4(K2,R2) = 4/5 (best alignment), R = P = (8/5) / 2 = 4/5
#   CoNLL = (2/3 + 11/15 + 4/5) / 3 = 11/15
TOY_KEY = [{"a", "b", "c"}, {"d", "e"}]
TOY_RESPONSE = [{"a", "b"}, {"c", "d", "e"}]


def test_toy_case_by_hand() -> None:
    m, b, c = muc(TOY_KEY, TOY_RESPONSE), b_cubed(TOY_KEY, TOY_RESPONSE), ceaf_e(TOY_KEY, TOY_RESPONSE)
    assert (m.recall, m.precision) == (approx(F(2, 3)), approx(F(2, 3)))
    assert (b.recall, b.precision) == (approx(F(11, 15)), approx(F(11, 15)))
    assert (c.recall, c.precision) == (approx(F(4, 5)), approx(F(4, 5)))
    assert conll(TOY_KEY, TOY_RESPONSE)["conll"]["f1"] == approx(F(11, 15))


def test_perfect_response_scores_one() -> None:
    scores = conll(TOY_KEY, TOY_KEY)
    assert [scores[m]["f1"] for m in ("muc", "b_cubed", "ceaf_e", "conll")] == [1.0, 1.0, 1.0, 1.0]


def test_all_singletons_have_no_muc_links() -> None:
    key = [{"a"}, {"b"}]
    response = [{"a"}, {"b"}]
    assert muc(key, response).f1 == 0.0  # MUC counts links; singletons have none
    assert b_cubed(key, response).f1 == 1.0


# Example of Pradhan et al. 2014 ("Scoring Coreference Partitions of Predicted Mentions"):
# key {a,b,c} {d,e,f,g}; response {a,b} {c,d} {f,g,h,i} (e is missed, h and i are extra).
PAPER_KEY = [set("abc"), set("defg")]
PAPER_RESPONSE = [set("ab"), set("cd"), set("fghi")]


def test_published_example_with_twinless_mentions() -> None:
    m, b, c = (
        muc(PAPER_KEY, PAPER_RESPONSE),
        b_cubed(PAPER_KEY, PAPER_RESPONSE),
        ceaf_e(PAPER_KEY, PAPER_RESPONSE),
    )
    assert (m.recall, m.precision) == (approx(F(2, 5)), approx(F(2, 5)))
    assert (b.recall, b.precision) == (approx(F(35, 84)), approx(F(1, 2)))  # 0.42, 0.50 in the paper
    assert (c.recall, c.precision) == (approx(F(13, 20)), approx(F(13, 30)))  # 0.65, 0.43


# CoNLL-2012 reference scorer test cases (conll/reference-coreference-scorers, test/CorefMetricTestConfig.pm):
# key TC-A = {a} {b,c} {d,e,f}.
TC_A_KEY = [{"a"}, {"b", "c"}, {"d", "e", "f"}]


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        # A2: response {a} {d,e}
        ([{"a"}, {"d", "e"}], {"muc": (F(1, 3), 1), "bcub": (F(7, 3) / 6, 1), "ceafe": (0.6, 0.9)}),
        # A3: response {a} {b,c,x} {d,e,f,y} {z}
        (
            [{"a"}, {"b", "c", "x"}, {"d", "e", "f", "y"}, {"z"}],
            {"muc": (1, F(3, 5)), "bcub": (1, (4 + F(7, 12)) / 9), "ceafe": (0.88571, 0.66429)},
        ),
        # A4: response {a} {b,c,x} {d,y} {z}
        (
            [{"a"}, {"b", "c", "x"}, {"d", "y"}, {"z"}],
            {
                "muc": (F(1, 3), F(1, 3)),
                "bcub": ((3 + F(1, 3)) / 6, (1 + F(4, 3) + F(1, 2)) / 7),
                "ceafe": (0.73333, 0.55),
            },
        ),
    ],
)
def test_reference_scorer_cases(response: list[set[str]], expected: dict[str, tuple[float, float]]) -> None:
    m, b, c = muc(TC_A_KEY, response), b_cubed(TC_A_KEY, response), ceaf_e(TC_A_KEY, response)
    assert (m.recall, m.precision) == (approx(expected["muc"][0]), approx(expected["muc"][1]))
    assert (b.recall, b.precision) == (approx(expected["bcub"][0]), approx(expected["bcub"][1]))
    assert c.recall == pytest.approx(expected["ceafe"][0], abs=1e-5)
    assert c.precision == pytest.approx(expected["ceafe"][1], abs=1e-5)


def test_ceaf_uses_the_best_alignment_not_the_greedy_one() -> None:
    # phi4: K1-R1 = 4/6, K1-R2 = 2/4, K2-R1 = 2/4, K2-R2 = 0. Taking the largest first (K1-R1)
    # would total 4/6; the optimal alignment K1-R2 + K2-R1 totals 1.
    key = [{"a", "b", "c"}, {"d"}]
    response = [{"a", "b", "d"}, {"c"}]
    score = ceaf_e(key, response)
    assert (score.recall, score.precision) == (approx(F(1, 2)), approx(F(1, 2)))


def test_empty_response_scores_zero() -> None:
    assert conll(TOY_KEY, [])["conll"]["f1"] == 0.0
