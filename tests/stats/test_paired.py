import numpy as np
import pandas as pd
import pytest
import scipy.stats

from framing.stats.compare import COMPARE_COLUMNS
from framing.stats.paired import paired

from .conftest import make_scores


def story_scores(a=(1, 2, 3, 4), b=(0, 1, 1, 2)):
    rows = [(f"a{i}", "A", "x", c, 100, {"story": f"s{i}"}) for i, c in enumerate(a)]
    rows += [(f"b{i}", "B", "x", c, 100, {"story": f"s{i}"}) for i, c in enumerate(b)]
    return make_scores(rows)


def test_hand_computed_sign_flip_and_effects():
    # rates A 10 20 30 40, B 0 10 10 20: d = 10 10 20 20, mean 15.
    # 2^4 = 16 sign vectors, |mean| >= 15 only for all + and all -: p = 2/16
    out = paired(story_scores(), pair_on="story", methods=["sign_flip", "wilcoxon", "paired_t"], n_resamples=999)
    assert list(out.columns) == list(COMPARE_COLUMNS)
    rows = out.set_index("method")
    assert rows.loc["sign_flip", "statistic"] == pytest.approx(15.0)
    assert rows.loc["sign_flip", "p_value"] == pytest.approx(2 / 16)
    d = [10.0, 10.0, 20.0, 20.0]
    assert rows.loc["wilcoxon", "p_value"] == pytest.approx(scipy.stats.wilcoxon(d).pvalue)
    assert rows.loc["paired_t", "statistic"] == pytest.approx(scipy.stats.ttest_1samp(d, 0).statistic)
    assert (out["unit"] == "story").all() and (out["n_strata"] == 4).all()
    ratio = paired(story_scores(), pair_on="story", effect="rate_ratio", methods=["paired_t"], n_resamples=99)
    assert ratio["estimate"].iloc[0] == pytest.approx(100 / 40)
    dz = paired(story_scores(), pair_on="story", effect="cohens_dz", methods=["paired_t"], n_resamples=99)
    assert dz["estimate"].iloc[0] == pytest.approx(15 / np.std(d, ddof=1))


def test_several_documents_of_one_outlet_per_story_are_averaged():
    scores = pd.concat([story_scores(), make_scores([("a9", "A", "x", 3, 100, {"story": "s0"})])])
    out = paired(scores, pair_on="story", methods=["paired_t"], effect="rate_difference", n_resamples=99)
    # story s0: A = mean(10, 30) = 20 -> d = 20 10 20 20
    assert out["estimate"].iloc[0] == pytest.approx(17.5)
    assert out["n_docs_a"].iloc[0] == 5
    # the default effect (DEFAULTS["effect"]) is the ratio of the story means' sums: 110 / 40
    ratio = paired(scores, pair_on="story", methods=["paired_t"], n_resamples=99)
    assert ratio["effect"].iloc[0] == "rate_ratio" and ratio["estimate"].iloc[0] == pytest.approx(110 / 40)


def test_unmatched_stories():
    scores = pd.concat([story_scores(), make_scores([("a9", "A", "x", 3, 100, {"story": "s9"})])])
    with pytest.raises(ValueError, match=r"1 story/stories are covered by only one of 'A' and 'B' \(e.g. \['s9'\]\)"):
        paired(scores, pair_on="story")
    out = paired(scores, pair_on="story", unmatched="drop", methods=["sign_flip"], n_resamples=99)
    assert out["n_strata_dropped"].iloc[0] == 1 and out["n_strata"].iloc[0] == 4


def test_monte_carlo_sign_flip_matches_exact():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 6, 12), rng.integers(0, 6, 12)
    scores = story_scores(tuple(int(v) for v in a), tuple(int(v) for v in b))
    exact = paired(scores, pair_on="story", methods=["sign_flip"], n_resamples=4096)["p_value"].iloc[0]
    mc = paired(scores, pair_on="story", methods=["sign_flip"], n_resamples=20000)["p_value"].iloc[0]
    assert mc == pytest.approx(exact, abs=0.015)


def test_paired_errors():
    scores = story_scores()
    with pytest.raises(ValueError, match=r"methods: expected one of 'sign_flip', 'wilcoxon', 'paired_t', got 'welch'"):
        paired(scores, pair_on="story", methods=["welch"])
    with pytest.raises(ValueError, match=r"effect: expected one of 'rate_difference', 'rate_ratio', 'cohens_dz', "
                                         r"got 'cliffs_delta'"):
        paired(scores, pair_on="story", effect="cliffs_delta")
    with pytest.raises(ValueError, match="unmatched: expected one of 'error', 'drop', got 'keep'"):
        paired(scores, pair_on="story", unmatched="keep")
    with pytest.raises(ValueError, match="correction: expected one of 'bh', .*got 'fdr'"):
        paired(scores, pair_on="story", correction="fdr")
    with pytest.raises(ValueError, match="alternative: expected one of 'two-sided', 'greater', 'less', got 'up'"):
        paired(scores, pair_on="story", alternative="up")
    with pytest.raises(TypeError, match="random_state: expected an integer >= 0, got '1'"):
        paired(scores, pair_on="story", random_state="1")
    one = story_scores((1,), (2,))
    with pytest.raises(ValueError, match="'A' and 'B' share 1 story/stories; a paired comparison needs at least 2"):
        paired(one, pair_on="story")
    with pytest.raises(ValueError, match="pair_on='topic' is neither a column of scores nor of the corpus"):
        paired(scores, pair_on="topic")


def test_default_methods_are_the_paired_designs():
    from framing.vocab import default_methods

    out = paired(story_scores(), pair_on="story", n_resamples=99)
    assert out["method"].tolist() == list(default_methods("paired")) == ["sign_flip", "wilcoxon"]
    assert (out["effect"] == "rate_ratio").all()
    # 4 stories: the sign-flip p enumerates all 2**4 sign vectors and says so; wilcoxon rows keep the CI's 99
    assert out.set_index("method")["n_resamples"].to_dict() == {"sign_flip": 16, "wilcoxon": 99}


def test_exact_sign_flip_with_a_rounding_zero_mean_is_one():
    # rounding: the observed mean is -1.4e-17, not 0, and some sign vectors give exact zeros; every
    # sign vector is as extreme as a zero mean (was p = 0.875 with a tolerance relative to the mean)
    from framing.stats.paired import _sign_flip

    d = np.array([[0.1], [0.7], [-0.3], [-0.5]])
    assert d.mean() != 0 and abs(d.mean()) < 1e-16
    _, p, used = _sign_flip(d, n_resamples=999, rng=np.random.default_rng(0), alternative="two-sided")
    assert p[0] == 1.0 and used == 16
    scores = story_scores((1, 2, 3, 7), (2, 1, 5, 5))  # d = -10 10 -20 20 per 1000: mean exactly 0
    out = paired(scores, pair_on="story", methods=["sign_flip"], effect="rate_difference", n_resamples=99)
    assert out["p_value"].iloc[0] == 1.0


def test_paired_intervals_auto_and_explicit():
    # d = 10 10 20 20: mean 15, s_d = sqrt(100/3), n = 4
    d = np.array([10.0, 10.0, 20.0, 20.0])
    out = paired(story_scores(), pair_on="story", methods=["paired_t"], effect="rate_difference", n_resamples=499)
    row = out.iloc[0]
    q = scipy.stats.t.ppf(0.975, 3)
    se = d.std(ddof=1) / 2
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((15 - q * se, 15 + q * se))
    assert row["ci_method"] == "paired_t" and row["n_resamples"] == 0
    dz = paired(story_scores(), pair_on="story", methods=["paired_t"], effect="cohens_dz", n_resamples=99).iloc[0]
    t = 15 / se
    assert dz["ci_method"] == "noncentral_t"
    assert scipy.stats.nct.cdf(t, 3, dz["ci_low"] * 2) == pytest.approx(0.975)
    assert scipy.stats.nct.cdf(t, 3, dz["ci_high"] * 2) == pytest.approx(0.025)
    ratio = paired(story_scores(), pair_on="story", methods=["paired_t"], n_resamples=499).iloc[0]
    assert ratio["ci_method"] == "symmetric_studentized_bootstrap_log" and ratio["n_resamples"] == 499
    assert ratio["estimate"] == pytest.approx(2.5) and ratio["ci_low"] < 2.5 < ratio["ci_high"]
    old = paired(story_scores(), pair_on="story", methods=["paired_t"], n_resamples=499, ci_method="percentile")
    assert old["ci_method"].iloc[0] == "percentile_bootstrap"
    bca = paired(story_scores(), pair_on="story", methods=["paired_t"], n_resamples=499, ci_method="bca")
    assert bca["ci_method"].iloc[0] == "bca_bootstrap"
    t_log = paired(story_scores(), pair_on="story", methods=["paired_t"], n_resamples=99, ci_method="t").iloc[0]
    # log R = log(100/40); linearised se = s(x_a - R x_b) / (sqrt(n) mean(x_a))
    xa, xb = np.array([10.0, 20, 30, 40]), np.array([0.0, 10, 10, 20])
    se_log = (xa - 2.5 * xb).std(ddof=1) / (2 * xa.mean())
    assert (t_log["ci_low"], t_log["ci_high"]) == pytest.approx(
        (2.5 * np.exp(-q * se_log), 2.5 * np.exp(q * se_log)))
    assert t_log["ci_method"] == "t_log"


def test_paired_ci_method_errors():
    with pytest.raises(ValueError, match="ci_method: expected one of 'auto', 'percentile', 'bca', 'studentized', 't', "
                                         "got 'wild'"):
        paired(story_scores(), pair_on="story", ci_method="wild")
    with pytest.raises(ValueError, match="ci_method='studentized' needs a standard error, which cohens_dz does not "
                                         r"have here; choose 'auto', 't' \(the noncentral t\), 'bca' or 'percentile'"):
        paired(story_scores(), pair_on="story", effect="cohens_dz", ci_method="studentized")


def test_symmetric_studentized_ci_by_hand():
    from framing.stats._resample import symmetric_studentized_ci

    t_reps = np.array([[-3.0], [1.0], [2.0], [-0.5], [np.nan]])  # |t*| = 3, 1, 2, 0.5 -> 0.75 quantile (inverted cdf) = 2
    low, high = symmetric_studentized_ci(np.array([1.0]), np.array([0.5]), t_reps, 0.75)
    assert (low[0], high[0]) == pytest.approx((0.0, 2.0))
    low, high = symmetric_studentized_ci(np.array([1.0]), np.array([0.0]), t_reps, 0.75)
    assert np.isnan(low[0]) and np.isnan(high[0])
