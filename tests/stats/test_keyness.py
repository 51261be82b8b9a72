"""framing.stats.keyness: hand-computed values, scipy cross-checks,
calibration under a bursty null, determinism and every error message."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import scipy.stats as ss

from framing.stats._warnings import StatsWarning
from framing.stats.keyness import KEYNESS_COLUMNS, document_keyness, keyness, log_odds
from framing.match.terms import TermMatrix, term_matrix

pytestmark = pytest.mark.filterwarnings("ignore::framing.stats._warnings.StatsWarning")

Z975 = ss.norm.ppf(0.975)


def row(frame: pd.DataFrame, term: str, method: str | None = None) -> pd.Series:
    sub = frame[frame["term"] == term]
    if method is not None:
        sub = sub[sub["method"] == method]
    assert len(sub) == 1
    return sub.iloc[0]


# ---------------------------------------------------------------- 2 × 2 table
# Group A: 2 documents, 100 tokens; group B: 2 documents, 300 tokens.
# term "x": 10 in A, 20 in B.  term "z": 3 in A, 0 in B.
#
#            A     B
#   x       10    20   | R1 = 30
#   not x   90   280   | R2 = 370
#   C1 = 100, C2 = 300, N = 400
# expected: 30*100/400 = 7.5, 30*300/400 = 22.5, 370*100/400 = 92.5, 370*300/400 = 277.5
# O - E = +2.5, -2.5, -2.5, +2.5

TABLE = TermMatrix(
    np.array([[6, 2, 0], [4, 1, 0], [12, 0, 0], [8, 0, 0]]),
    ("x", "z", "pad"),
    ("a1", "a2", "b1", "b2"),
    np.array([50, 50, 150, 150]),
)
GROUPS = ["A", "A", "B", "B"]
OBS = np.array([[10, 20], [90, 280]])

# X² = 2.5² (1/7.5 + 1/22.5 + 1/92.5 + 1/277.5) = 6.25 × 64/333 = 400/333
CHI2_NONE = 400 / 333
# Yates: |O - E| - 0.5 = 2.0 in every cell → 4 × 64/333 = 256/333
CHI2_YATES = 256 / 333
# Williams: q = 1 + (N/R1 + N/R2 - 1)(N/C1 + N/C2 - 1) / (6N)
#             = 1 + (400/30 + 400/370 - 1)(400/100 + 400/300 - 1) / 2400
#             = 1 + (1489/111)(13/3) / 2400 = 1 + 19357/799200
Q_WILLIAMS = 1 + 19357 / 799200
# G² = 2 Σ O ln(O/E)
G2_NONE = 2 * (10 * math.log(10 / 7.5) + 20 * math.log(20 / 22.5) + 90 * math.log(90 / 92.5) + 280 * math.log(280 / 277.5))
# Yates on G²: each observed count moved 0.5 towards its expected count: 10→9.5, 20→20.5, 90→90.5, 280→279.5
G2_YATES = 2 * (9.5 * math.log(9.5 / 7.5) + 20.5 * math.log(20.5 / 22.5) + 90.5 * math.log(90.5 / 92.5)
                + 279.5 * math.log(279.5 / 277.5))


@pytest.mark.parametrize(
    "method, continuity, expected",
    [
        ("chi2", "none", CHI2_NONE),
        ("chi2", "yates", CHI2_YATES),
        ("chi2", "williams", CHI2_NONE / Q_WILLIAMS),
        ("g2", "none", G2_NONE),
        ("g2", "yates", G2_YATES),
        ("g2", "williams", G2_NONE / Q_WILLIAMS),
    ],
)
def test_chi2_and_g2_hand_computed(method, continuity, expected):
    r = row(keyness(TABLE, GROUPS, comparison="pairwise", method=method, continuity=continuity), "x")
    assert r.statistic == pytest.approx(expected, rel=1e-12)
    assert r.p_value == pytest.approx(ss.chi2.sf(expected, 1), rel=1e-10)
    assert (r.count_a, r.count_b, r.total_a, r.total_b, r.docs_a, r.docs_b) == (10, 20, 100, 300, 2, 2)
    assert r.unit == "token" and r.continuity == continuity and r.correction == "bh" and np.isnan(r.estimate)


@pytest.mark.parametrize("method, lambda_", [("chi2", None), ("g2", "log-likelihood")])
@pytest.mark.parametrize("yates", [False, True])
def test_chi2_and_g2_match_scipy(method, lambda_, yates):
    ref = ss.chi2_contingency(OBS, correction=yates, lambda_=lambda_)
    r = row(keyness(TABLE, GROUPS, comparison="pairwise", method=method, continuity="yates" if yates else "none"),
            "x")
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_log_ratio_hand_computed_with_zero_smoothing():
    k = keyness(TABLE, GROUPS, comparison="pairwise", method="log_ratio")
    r = row(k, "x")
    # log2((10/100) / (20/300)) = log2(1.5)
    assert r.estimate == pytest.approx(math.log2(1.5), rel=1e-12)
    # Katz se of ln RR: sqrt(1/10 - 1/100 + 1/20 - 1/300), divided by ln 2 for binary logs
    se = math.sqrt(1 / 10 - 1 / 100 + 1 / 20 - 1 / 300) / math.log(2)
    assert r.se == pytest.approx(se, rel=1e-12)
    assert (r.ci_low, r.ci_high) == pytest.approx((math.log2(1.5) - Z975 * se, math.log2(1.5) + Z975 * se), rel=1e-12)
    assert r.statistic == pytest.approx(math.log2(1.5) / se) and r.continuity == "none"
    z = row(k, "z")
    # count_b = 0 → 0.5 (only that count): log2((3/100) / (0.5/300)) = log2(18)
    assert z.estimate == pytest.approx(math.log2(18), rel=1e-12)
    assert z.se == pytest.approx(math.sqrt(1 / 3 - 1 / 100 + 1 / 0.5 - 1 / 300) / math.log(2), rel=1e-12)
    assert z.continuity == "zero_to_0.5" and z.count_b == 0


def test_pct_diff_hand_computed():
    k = keyness(TABLE, GROUPS, comparison="pairwise", method="pct_diff")
    # 100 × (10/100 - 20/300) / (20/300) = 50
    assert row(k, "x").estimate == pytest.approx(50.0, rel=1e-12)
    assert row(k, "z").estimate == np.inf  # count_b = 0, no smoothing
    assert np.isnan(row(k, "x").p_value) and np.isnan(row(k, "x").statistic)
    assert k["term"].tolist() == ["z", "x"]  # sorted by |estimate| (pct_diff has no statistic)


def test_odds_ratio_hand_computed_with_haldane():
    k = keyness(TABLE, GROUPS, comparison="pairwise", method="odds_ratio", confidence=0.9)
    r = row(k, "x")
    # OR = (10 × 280) / (20 × 90) = 14/9; Woolf se = sqrt(1/10 + 1/20 + 1/90 + 1/280)
    se = math.sqrt(1 / 10 + 1 / 20 + 1 / 90 + 1 / 280)
    z90 = ss.norm.ppf(0.95)
    assert r.estimate == pytest.approx(14 / 9, rel=1e-12)
    assert r.se == pytest.approx(se, rel=1e-12)
    assert r.ci_low == pytest.approx(math.exp(math.log(14 / 9) - z90 * se), rel=1e-12)
    assert r.ci_high == pytest.approx(math.exp(math.log(14 / 9) + z90 * se), rel=1e-12)
    assert r.p_value == pytest.approx(2 * ss.norm.sf(math.log(14 / 9) / se), rel=1e-12)
    assert '"confidence": 0.9' in r.params
    z = row(k, "z")
    # cells 3, 0, 97, 300 → Haldane: 3.5, 0.5, 97.5, 300.5
    assert z.estimate == pytest.approx(3.5 * 300.5 / (0.5 * 97.5), rel=1e-12)
    assert z.se == pytest.approx(math.sqrt(1 / 3.5 + 1 / 0.5 + 1 / 97.5 + 1 / 300.5), rel=1e-12)
    assert z.continuity == "haldane_0.5" and r.continuity == "none"


def test_several_methods_one_schema_and_order():
    k = keyness(TABLE, GROUPS, comparison="pairwise", method=["pct_diff", "g2", "chi2"])
    assert tuple(k.columns) == KEYNESS_COLUMNS
    assert k["method"].tolist() == ["chi2", "chi2", "g2", "g2", "pct_diff", "pct_diff"]
    assert (k["unit"] == "token").all() and (k["group_a"] == "A").all() and (k["group_b"] == "B").all()
    assert k[k.method == "chi2"]["statistic"].is_monotonic_decreasing
    assert "pad" not in set(k["term"])  # absent from both sides: min_count=1 leaves it out
    # p_adj: BH over the 2 rows of each method
    chi = k[k.method == "chi2"]
    assert chi["p_adj"].tolist() == pytest.approx(ss.false_discovery_control(chi["p_value"].to_numpy()).tolist())


# ---------------------------------------------------------------- Monroe et al.
# Tiny vocabulary (x, y, w); doc_tokens None → totals are row sums.
# A: docs [2,1,0] + [1,0,0] → y_A = (3, 1, 0), n_A = 4
# B: docs [0,1,1] + [1,1,0] → y_B = (1, 2, 1), n_B = 4
TINY = TermMatrix(np.array([[2, 1, 0], [1, 0, 0], [0, 1, 1], [1, 1, 0]]), ("w_x", "y", "z_w"), ("a1", "a2", "b1", "b2"))


def test_monroe_uniform_prior_both_variances():
    # uniform alpha = 0.5 → alpha0 = 0.5 × 3 = 1.5
    # term x: delta = ln((3 + .5)/(4 + 1.5 - 3 - .5)) - ln((1 + .5)/(4 + 1.5 - 1 - .5))
    #               = ln(3.5/2) - ln(1.5/4) = ln(1.75/0.375) = ln(14/3) = 1.540445
    delta = math.log(14 / 3)
    mon = row(log_odds(TINY, GROUPS, comparison="pairwise", alpha=0.5, variance="monroe"), "w_x")
    # monroe: var = 1/3.5 + 1/1.5 = 0.952381; z = 1.540445 / 0.975900 = 1.578486
    var_m = 1 / 3.5 + 1 / 1.5
    assert mon.estimate == pytest.approx(delta, rel=1e-12)
    assert mon.se == pytest.approx(math.sqrt(var_m), rel=1e-12)
    assert mon.statistic == pytest.approx(1.578486, abs=1e-6)
    assert mon.p_value == pytest.approx(2 * ss.norm.sf(delta / math.sqrt(var_m)), rel=1e-12)  # two-sided
    assert mon.ci_low == pytest.approx(delta - Z975 * math.sqrt(var_m), rel=1e-12)
    assert (mon.variance, mon.prior, mon.alpha0, mon.method) == ("monroe", "uniform", 1.5, "log_odds")
    full = row(log_odds(TINY, GROUPS, comparison="pairwise", alpha=0.5, variance="full"), "w_x")
    # full: var = 1/3.5 + 1/2 + 1/1.5 + 1/4 = 1.702381; z = 1.540445 / 1.304753 = 1.180641
    var_f = 1 / 3.5 + 1 / 2 + 1 / 1.5 + 1 / 4
    assert full.estimate == pytest.approx(delta, rel=1e-12)
    assert full.se == pytest.approx(math.sqrt(var_f), rel=1e-12)
    assert full.statistic == pytest.approx(1.180641, abs=1e-6)
    assert full.variance == "full"


def test_monroe_pooled_and_background_priors():
    # pooled counts (4, 3, 1), total 8; alpha0 = 10 → alpha = (5, 3.75, 1.25)
    # x: delta = ln((3+5)/(4+10-3-5)) - ln((1+5)/(4+10-1-5)) = ln(8/6) - ln(6/8) = 2 ln(4/3)
    r = row(log_odds(TINY, GROUPS, comparison="pairwise", prior="pooled", alpha0=10), "w_x")
    assert r.estimate == pytest.approx(2 * math.log(4 / 3), rel=1e-12)
    assert r.se == pytest.approx(math.sqrt(1 / 8 + 1 / 6), rel=1e-12)
    assert (r.prior, r.alpha0) == ("pooled", 10.0)
    # background (1, 1, 2), alpha0 = 4 → alpha = (1, 1, 2)
    # w: y_A = 0, y_B = 1: delta = ln((0+2)/(4+4-0-2)) - ln((1+2)/(4+4-1-2)) = ln(1/3) - ln(3/5) = ln(5/9)
    b = row(log_odds(TINY, GROUPS, comparison="pairwise", prior="background", alpha0=4, background=[1, 1, 2]), "z_w")
    assert b.estimate == pytest.approx(math.log(5 / 9), rel=1e-12)
    assert b.se == pytest.approx(math.sqrt(1 / 2 + 1 / 3), rel=1e-12)
    assert b.statistic < 0


def test_monroe_comparisons():
    # vs_pooled: side b is the whole corpus, y = (4, 3, 1), n = 8; uniform alpha 0.5, alpha0 1.5
    # x: delta = ln(3.5/2) - ln((4+.5)/(8+1.5-4-.5)) = ln(1.75) - ln(0.9)
    pooled = log_odds(TINY, GROUPS, alpha=0.5, comparison="vs_pooled")
    r = pooled[(pooled.group_a == "A") & (pooled.term == "w_x")].iloc[0]
    assert r.group_b == "(all)" and r.count_b == 4 and r.total_b == 8
    assert r.estimate == pytest.approx(math.log(1.75) - math.log(0.9), rel=1e-12)
    assert pooled["group_a"].tolist()[:3] == ["A"] * 3 and set(pooled["comparison"]) == {"vs_pooled"}
    # one_vs_rest with two groups: A vs rest = A vs B, B vs rest = -(A vs B)
    ovr = log_odds(TINY, GROUPS, alpha=0.5, comparison="one_vs_rest")
    a = ovr[(ovr.group_a == "A") & (ovr.term == "w_x")].iloc[0]
    b = ovr[(ovr.group_a == "B") & (ovr.term == "w_x")].iloc[0]
    assert a.group_b == "(rest)" and a.estimate == pytest.approx(-b.estimate, rel=1e-12)


def test_three_groups_give_sorted_pairs():
    m = TermMatrix(np.array([[1, 0], [2, 1], [0, 1], [1, 1], [3, 0], [0, 2]]), ("p", "q"), tuple("abcdef"))
    out = log_odds(m, ["R", "R", "C", "C", "L", "L"], comparison="pairwise")
    assert list(dict.fromkeys(zip(out.group_a, out.group_b))) == [("C", "L"), ("C", "R"), ("L", "R")]


# ---------------------------------------------------------------- document level

def random_matrix(seed: int, n_a: int = 12, n_b: int = 15, n_terms: int = 25) -> tuple[TermMatrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = n_a + n_b
    counts = rng.poisson(rng.gamma(0.6, 2.0, size=(n, n_terms)))
    tokens = counts.sum(axis=1) + rng.integers(40, 120, size=n)
    m = TermMatrix(sp.csr_matrix(counts), tuple(f"t{j:02d}" for j in range(n_terms)), tuple(range(n)), tokens)
    return m, np.array(["A"] * n_a + ["B"] * n_b), counts / tokens[:, None]


def test_welch_matches_scipy():
    m, groups, rates = random_matrix(1)
    out = document_keyness(m, groups, comparison="pairwise", test="welch", confidence=0.9)
    assert (out["unit"] == "document").all() and (out["method"] == "welch").all()
    for r in out.itertuples():
        j = int(r.term[1:])
        ref = ss.ttest_ind(rates[:12, j], rates[12:, j], equal_var=False)
        ci = ref.confidence_interval(0.9)
        assert r.statistic == pytest.approx(ref.statistic, rel=1e-9)
        assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)
        assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
        assert r.estimate == pytest.approx(rates[:12, j].mean() - rates[12:, j].mean(), rel=1e-9)
        assert r.rate_a == pytest.approx(rates[:12, j].mean(), rel=1e-12)
    assert out["p_adj"].to_numpy() == pytest.approx(ss.false_discovery_control(out["p_value"].to_numpy()))


def test_mannwhitney_matches_scipy():
    m, groups, rates = random_matrix(2)
    out = document_keyness(m, groups, comparison="pairwise", test="mannwhitney")
    assert len(out) == 25
    for r in out.itertuples():
        j = int(r.term[1:])
        ref = ss.mannwhitneyu(rates[:12, j], rates[12:, j], method="asymptotic")
        assert r.estimate * 12 * 15 == pytest.approx(ref.statistic, rel=1e-12)  # U_a
        assert r.p_value == pytest.approx(ref.pvalue, rel=1e-9)
        assert r.continuity == "continuity"


def test_permutation_hand_checked_and_deterministic():
    # one term, rates A = (0.1, 0.2), B = (0, 0): d = 0.15; among the 6 equally likely splits of
    # 4 documents into 2 + 2, |d*| >= 0.15 only for the observed split and its mirror (2 of 6)
    m = TermMatrix(np.array([[1], [2], [0], [0]]), ("x",), tuple("abcd"), np.array([10, 10, 10, 10]))
    out = document_keyness(m, ["A", "A", "B", "B"], test="permutation", n_resamples=3000, random_state=7)
    r = out.iloc[0]
    assert r.estimate == pytest.approx(0.15) and r.statistic == pytest.approx(0.15)
    assert r.p_value == pytest.approx(2 / 6, abs=0.03)  # p = (1 + #)/(1 + n) ≈ 1/3
    assert r.p_value * 3001 == pytest.approx(round(r.p_value * 3001))  # of the form (1 + k)/(1 + n)
    big, groups, _ = random_matrix(3)
    first = document_keyness(big, groups, test=["permutation", "welch"], n_resamples=199, random_state=11)
    again = document_keyness(big, groups, test=["permutation", "welch"], n_resamples=199, random_state=11)
    pd.testing.assert_frame_equal(first, again)
    other = document_keyness(big, groups, test="permutation", n_resamples=199, random_state=12)
    assert not np.array_equal(other["p_value"].to_numpy(), first[first.method == "permutation"]["p_value"].to_numpy())
    assert '"random_state": 11' in first["params"].iloc[0]


def test_documents_without_tokens_are_left_out_with_a_warning(corpus):
    m = term_matrix(corpus)
    with pytest.raises(ValueError, match="at least 2 documents with at least one token; too few in 'B' \\(1\\)"):
        document_keyness(m, corpus["outlet"], comparison="pairwise")
    m2 = term_matrix(pd.concat([corpus, corpus.assign(doc_id=corpus.doc_id + "x")], ignore_index=True))
    with pytest.warns(StatsWarning, match="2 documents have no tokens"):
        out = document_keyness(m2, ["A", "A", "B", "B"] * 2, comparison="pairwise")
    assert (out["docs_b"] == 2).all() and (out["docs_a"] == 4).all()


def test_bursty_null_document_level_calibrated_token_level_not():
    # Planted null: both groups draw each document's rate of each term from the same
    # gamma distribution (burstiness), counts are Poisson given the rate (gamma-Poisson).
    rng = np.random.default_rng(2024)
    n_docs, n_terms, length = 80, 1500, 400
    mean_rate = rng.uniform(0.002, 0.01, size=n_terms)
    shape = 0.3
    lam = rng.gamma(shape, mean_rate / shape, size=(n_docs, n_terms))
    counts = np.minimum(rng.poisson(lam * length), length)
    m = TermMatrix(sp.csr_matrix(counts), tuple(f"w{j:04d}" for j in range(n_terms)), tuple(range(n_docs)),
                   np.full(n_docs, length))
    groups = np.array(["A", "B"] * (n_docs // 2))
    token = keyness(m, groups, comparison="pairwise", method="chi2")
    doc = document_keyness(m, groups, comparison="pairwise", test=["welch", "mannwhitney", "permutation"],
                           n_resamples=199, random_state=5)
    token_rate = float(np.mean(token["p_value"] < 0.05))
    assert token_rate > 0.3  # tokens are not independent draws
    for test in ("welch", "mannwhitney", "permutation"):
        rate = float(np.mean(doc[doc.method == test]["p_value"] < 0.05))
        assert 0.03 <= rate <= 0.07, (test, rate)


def test_planted_document_level_effect_is_detected():
    rng = np.random.default_rng(9)
    counts = rng.poisson(2.0, size=(40, 30))
    counts[:20, 0] += rng.poisson(6.0, size=20)  # term 0 planted in group A
    m = TermMatrix(sp.csr_matrix(counts), tuple(f"w{j:02d}" for j in range(30)), tuple(range(40)), np.full(40, 300))
    out = document_keyness(m, ["A"] * 20 + ["B"] * 20, comparison="pairwise")
    top = out.iloc[0]
    assert top.term == "w00" and top.p_adj < 1e-6 and top.estimate > 0


# ---------------------------------------------------------------- warnings and errors

def test_warnings_are_stats_warnings():
    with pytest.warns(StatsWarning, match="expected count below 5"):
        keyness(TABLE, GROUPS, comparison="pairwise", method="chi2")
    with pytest.warns(StatsWarning, match="were smoothed with 0.5"):
        keyness(TABLE, GROUPS, comparison="pairwise", method="log_ratio")
    with pytest.warns(StatsWarning, match="infinite %DIFF"):
        keyness(TABLE, GROUPS, comparison="pairwise", method="pct_diff")
    with pytest.warns(StatsWarning, match="driven by the prior"):
        log_odds(TABLE, GROUPS, comparison="pairwise")
    flat = TermMatrix(np.array([[1], [1], [1], [1]]), ("x",), tuple("abcd"), np.array([10, 10, 10, 10]))
    with pytest.warns(StatsWarning, match="1 welch rows are undefined"):
        out = document_keyness(flat, GROUPS, comparison="pairwise")
    assert np.isnan(out["p_value"].iloc[0])
    sparse = TermMatrix(np.array([[1], [0], [0], [0], [0], [2]]), ("x",), tuple("abcdef"), np.full(6, 10))
    with pytest.warns(StatsWarning, match="1 of 1 mannwhitney rows have a zero rate in more than half"):
        document_keyness(sparse, ["A"] * 3 + ["B"] * 3, comparison="pairwise", test="mannwhitney")


def test_no_warning_for_clean_input():
    m, groups, _ = random_matrix(4, n_terms=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        document_keyness(m, groups, comparison="pairwise", test="welch")


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: keyness(TABLE, GROUPS, method="tfidf"),
         r"method: expected one of 'chi2', 'g2', 'log_ratio', 'odds_ratio', 'pct_diff', got 'tfidf'"),
        (lambda: keyness(TABLE, GROUPS, method=[]), "method: expected at least one of 'chi2'.*got an empty list"),
        (lambda: keyness(TABLE, GROUPS, comparison="all"), "comparison: expected one of 'pairwise', 'one_vs_rest', got 'all'"),
        (lambda: keyness(TABLE, GROUPS, comparison="vs_pooled"), "'vs_pooled' .* defined for log_odds only"),
        (lambda: keyness(TABLE, GROUPS, continuity="bonferroni"),
         "continuity: expected one of 'none', 'yates', 'williams', got 'bonferroni'"),
        (lambda: keyness(TABLE, GROUPS, method="log_ratio", continuity="yates"),
         "continuity: 'yates' applies to method 'chi2' or 'g2', but method is 'log_ratio'"),
        (lambda: keyness(TABLE, GROUPS, correction="fdr"),
         "correction: expected one of 'bh', 'by', 'holm', 'bonferroni', 'none', got 'fdr'"),
        (lambda: keyness(TABLE, GROUPS, method="chi2", correction="yates"),
         r"correction: 'yates' is a continuity correction; continuity corrections are now continuity='yates', "
         r"and correction= is the multiple-comparison correction \(one of 'bh'"),
        (lambda: log_odds(TABLE, GROUPS, correction="williams"),
         "correction: 'williams' is a continuity correction; continuity corrections are now continuity="),
        (lambda: document_keyness(TABLE, GROUPS, correction=1), "correction: expected one of 'bh'"),
        (lambda: keyness(TABLE, GROUPS, min_count=0), "min_count: expected an integer >= 1, got 0"),
        (lambda: keyness(TABLE, GROUPS, confidence=95), r"confidence: expected a finite number in \(0, 1\), got 95"),
        (lambda: keyness(TABLE, ["A", "A", "B"]), "groups: got 3 labels for a matrix with 4 documents"),
        (lambda: keyness(TABLE, ["A", "A", "A", "B"]), r"every group needs at least 2 documents; too few in 'B' \(1\)"),
        (lambda: keyness(TABLE, ["A"] * 4), r"need at least 2 groups to compare, got 1 \('A'\)"),
        (lambda: keyness(TABLE, ["A", "A", None, "B"]), "label of row 2 is missing"),
        (lambda: keyness(TABLE, ["A", "A", 1, 1]), "groups: labels cannot be sorted"),
        (lambda: keyness(TABLE, ["A", "A", "(rest)", "(rest)"]), "the label '\\(rest\\)' is reserved"),
        (lambda: keyness(TermMatrix(np.zeros((4, 0), dtype=int), (), tuple("abcd")), GROUPS), "matrix has no terms"),
        (lambda: keyness(TermMatrix(np.array([[1], [0], [0], [0]]), ("x",), tuple("abcd"), np.array([1, 0, 0, 0])), GROUPS,
                           comparison="pairwise"),
         "group 'B' has no tokens"),
        (lambda: log_odds(TINY, GROUPS, variance="exact"), "variance: expected one of 'monroe', 'full', got 'exact'"),
        (lambda: log_odds(TINY, GROUPS, prior="jeffreys"),
         "prior: expected one of 'uniform', 'background', 'pooled', got 'jeffreys'"),
        (lambda: log_odds(TINY, GROUPS, comparison="each"),
         "comparison: expected one of 'pairwise', 'one_vs_rest', 'vs_pooled', got 'each'"),
        (lambda: log_odds(TINY, GROUPS, alpha0=10), "alpha0: with prior='uniform' the prior is set by alpha"),
        (lambda: log_odds(TINY, GROUPS, alpha=0), r"alpha: expected a finite number > 0, got 0"),
        (lambda: log_odds(TINY, GROUPS, prior="pooled"), "alpha0: prior='pooled' needs alpha0"),
        (lambda: log_odds(TINY, GROUPS, prior="pooled", alpha0=-1), r"alpha0: expected a finite number > 0, got -1"),
        (lambda: log_odds(TINY, GROUPS, prior="background", alpha0=5), "background: prior='background' needs background counts"),
        (lambda: log_odds(TINY, GROUPS, prior="background", alpha0=5, background=[1, 2]),
         r"background: expected counts of shape \(3,\), one per matrix term, got shape \(2,\)"),
        (lambda: log_odds(TINY, GROUPS, prior="background", alpha0=5, background=[1, -2, 1]),
         "background: counts must be finite and non-negative"),
        (lambda: log_odds(TINY, GROUPS, prior="background", alpha0=5, background=[1, 0, 1]),
         "background: 1 tested terms have a zero background count \\(first: 'y'\\)"),
        (lambda: log_odds(TINY, GROUPS, prior="background", alpha0=5, background=[0, 0, 0]),
         "background: the background counts sum to 0"),
        (lambda: log_odds(TINY, GROUPS, background=[1, 1, 1]), "background counts are used only with prior='background'"),
        (lambda: document_keyness(TABLE, GROUPS, test="ttest"),
         "test: expected one of 'mannwhitney', 'permutation', 'welch', got 'ttest'"),
        (lambda: document_keyness(TABLE, GROUPS, test="permutation", n_resamples=0), "n_resamples: expected an integer >= 1, got 0"),
        (lambda: document_keyness(TABLE, GROUPS, random_state=-3), "random_state: expected an integer >= 0, got -3"),
        (lambda: document_keyness(TABLE, GROUPS, comparison="vs_pooled"), "defined for log_odds only"),
        (lambda: document_keyness(TABLE, ["A", "B", "B", "B"]), r"too few in 'A' \(1\)"),
    ],
)
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors_and_negative_counts():
    with pytest.raises(TypeError, match="matrix: expected a framing.match.terms.TermMatrix"):
        keyness(np.ones((4, 2)), GROUPS)
    with pytest.raises(TypeError, match="matrix: expected a framing.match.terms.TermMatrix"):
        document_keyness(np.ones((4, 2)), GROUPS)
    with pytest.raises(ValueError, match="counts must be non-negative"):
        keyness(TermMatrix(np.array([[1], [-1], [0], [2]]), ("x",), tuple("abcd")), GROUPS)


def test_option_type_errors():
    with pytest.raises(TypeError, match=r"method: expected a name or a list of names from 'chi2'.*got \{'g2'\}"):
        keyness(TABLE, GROUPS, method={"g2"})
    with pytest.raises(TypeError, match="min_count: expected an integer >= 1, got 1.5"):
        keyness(TABLE, GROUPS, min_count=1.5)
    with pytest.raises(TypeError, match="alpha: expected a finite number > 0, got '0.1'"):
        log_odds(TABLE, GROUPS, alpha="0.1")
    with pytest.raises(TypeError, match="random_state: expected an integer >= 0, got 1.5"):
        document_keyness(TABLE, GROUPS, random_state=1.5)
    with pytest.raises(TypeError, match="n_resamples: expected an integer >= 1, got '99'"):
        document_keyness(TABLE, GROUPS, n_resamples="99")


def test_defaults_come_from_vocab():
    # comparison defaults to DEFAULTS["keyness_comparison"] ("one_vs_rest") in every keyness function
    from framing.vocab import DEFAULTS

    assert DEFAULTS["keyness_comparison"] == "one_vs_rest"
    for out in (keyness(TABLE, GROUPS), log_odds(TABLE, GROUPS), document_keyness(TABLE, GROUPS)):
        assert set(out["comparison"]) == {"one_vs_rest"} and set(out["group_b"]) == {"(rest)"}
        assert out["group_a"].unique().tolist() == ["A", "B"]
    doc = document_keyness(TABLE, GROUPS)
    assert set(doc["method"]) == {DEFAULTS["keyness_test"]}


def test_permutation_streams_are_named_per_comparison():
    # a comparison's shuffles come from rng(random_state, "document_keyness", "permutation", a, b):
    # adding a third group leaves the A-vs-B p-values unchanged
    m, groups, _ = random_matrix(6)
    two = document_keyness(m, groups, test="permutation", comparison="pairwise", n_resamples=99)
    extra = TermMatrix(sp.vstack([m.counts, m.counts[:3]]).tocsr(), m.terms, tuple(range(m.shape[0] + 3)),
                       np.concatenate([m.tokens(), m.tokens()[:3]]))
    three = document_keyness(extra, np.concatenate([groups, ["C"] * 3]), test="permutation", comparison="pairwise",
                             n_resamples=99)
    ab = three[(three.group_a == "A") & (three.group_b == "B")].reset_index(drop=True)
    pd.testing.assert_frame_equal(two, ab.assign(p_adj=two["p_adj"]))


def test_empty_result_keeps_schema():
    out = keyness(TABLE, GROUPS, min_count=1000)
    assert out.empty and tuple(out.columns) == KEYNESS_COLUMNS


def test_pooled_prior_ignores_columns_that_never_occur():
    # 'pad' never occurs: its pooled prior is 0 but it is never tested
    out = log_odds(TABLE, GROUPS, prior="pooled", alpha0=5, comparison="pairwise")
    assert sorted(out["term"]) == ["x", "z"] and np.isfinite(out["statistic"]).all()


def test_mannwhitney_ties_equal_rates_computed_from_different_counts():
    # 3/10 == 9/30 == 6/20 but 3 * (1/10) != 9 * (1/30) in floating point: the rates must still tie
    counts = np.array([[3], [9], [6], [1], [3], [9], [2], [12]])
    tokens = np.array([10, 30, 20, 10, 10, 30, 20, 40])
    m = TermMatrix(counts, ("x",), tuple("abcdefgh"), tokens)
    groups = ["A"] * 4 + ["B"] * 4
    out = document_keyness(m, groups, comparison="pairwise", test="mannwhitney")
    exact = [0.3, 0.3, 0.3, 0.1, 0.3, 0.3, 0.1, 0.3]  # the rates as exact fractions, rounded once
    ref = ss.mannwhitneyu(exact[:4], exact[4:], method="asymptotic")
    assert out["p_value"].iloc[0] == pytest.approx(ref.pvalue, abs=1e-12)
    from framing.stats.keyness import document_rates

    rates = document_rates(sp.csr_matrix(counts), tokens).toarray().ravel()
    assert len(set(rates.tolist())) == 2


@pytest.mark.parametrize("func", [keyness, log_odds, document_keyness])
def test_the_old_p_adjust_keyword_fails_naming_correction(func):
    # renamed, never silently accepted: correction= is the multiple-comparison correction everywhere
    with pytest.raises(TypeError, match=rf"{func.__name__}: the keyword p_adjust was renamed to correction \(the "
                                        r"multiple-comparison correction, one of 'bh'.*pass correction= instead"):
        func(TABLE, GROUPS, p_adjust="holm")


def test_correction_and_continuity_are_recorded_per_row():
    k = keyness(TABLE, GROUPS, comparison="pairwise", method=["chi2", "log_ratio"], continuity="yates",
                correction="holm")
    assert set(k["correction"]) == {"holm"}
    assert set(k.loc[k["method"] == "chi2", "continuity"]) == {"yates"}
    assert list(KEYNESS_COLUMNS).index("correction") == list(KEYNESS_COLUMNS).index("p_adj") + 1
    assert "p_adjust" not in KEYNESS_COLUMNS
