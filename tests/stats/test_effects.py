import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from framing.stats import StatsWarning
from framing.stats.effects import EFFECT_COLUMNS, cliffs_delta, effects, hedges_j

from .conftest import make_scores


def test_hand_computed_effects(two_groups):
    # A = 10, 20, 30 (mean 20, var 100); B = 0, 10 (mean 5, var 50)
    out = effects(two_groups, n_resamples=200).set_index("effect")
    assert list(effects(two_groups, n_resamples=10).columns) == list(EFFECT_COLUMNS)
    assert out.loc["rate_difference", "estimate"] == pytest.approx(15.0)
    assert out.loc["rate_ratio", "estimate"] == pytest.approx(4.0)
    sp = math.sqrt((2 * 100 + 1 * 50) / 3)  # pooled SD 9.1287
    assert out.loc["cohens_d", "estimate"] == pytest.approx(15 / sp)
    j = math.gamma(1.5) / (math.sqrt(1.5) * math.gamma(1.0))  # exact J for 3 df = 0.7236
    assert out.loc["hedges_g", "estimate"] == pytest.approx(j * 15 / sp)
    # pairs: 10>0, 10=10, 20>0, 20>10, 30>0, 30>10 -> (5 - 0) / 6
    assert out.loc["cliffs_delta", "estimate"] == pytest.approx(5 / 6)
    assert out["rate_a"].tolist() == pytest.approx([20.0] * 5) and out["rate_b"].tolist() == pytest.approx([5.0] * 5)
    assert (out["ci_low"] <= out["estimate"]).all() and (out["estimate"] <= out["ci_high"]).all()


def test_hedges_j_matches_approximation():
    df = np.array([10.0, 50.0, 200.0])
    assert hedges_j(df) == pytest.approx(1 - 3 / (4 * df - 1), rel=1e-3)


def test_cliffs_delta_matches_mannwhitney():
    rng = np.random.default_rng(0)
    xa, xb = rng.poisson(2, size=(30, 3)).astype(float), rng.poisson(3, size=(20, 3)).astype(float)
    u = scipy.stats.mannwhitneyu(xa, xb, axis=0).statistic
    assert cliffs_delta(xa, xb) == pytest.approx(2 * u / (30 * 20) - 1)


def test_bootstrap_cliffs_delta_matches_brute_force():
    # the weighted cumulative-sum shortcut equals counting every weighted pair
    from framing.stats.effects import _weighted_delta

    rng = np.random.default_rng(1)
    xa, xb = rng.integers(0, 4, 7).astype(float), rng.integers(0, 4, 5).astype(float)
    wa, wb = rng.multinomial(7, np.full(7, 1 / 7), size=3).astype(float), rng.multinomial(5, np.full(5, 1 / 5), size=3).astype(float)
    sign = np.sign(xa[:, None] - xb[None, :])
    brute = np.einsum("ri,rj,ij->r", wa, wb, sign) / 35
    assert _weighted_delta(xa, xb, wa, wb) == pytest.approx(brute)


def stratified_scores():
    # stratum s1: A 10, 30 ; B 0      stratum s2: A 50 ; B 20, 40
    rows = [
        ("a1", "A", "x", 1, 100, {"story": "s1"}),
        ("a2", "A", "x", 3, 100, {"story": "s1"}),
        ("b1", "B", "x", 0, 100, {"story": "s1"}),
        ("a3", "A", "x", 5, 100, {"story": "s2"}),
        ("b2", "B", "x", 2, 100, {"story": "s2"}),
        ("b3", "B", "x", 4, 100, {"story": "s2"}),
    ]
    return make_scores(rows)


def test_stratified_effects_hand_computed():
    scores = stratified_scores()
    out = effects(scores, strata="story", effects=["rate_difference", "rate_ratio", "cliffs_delta"], n_resamples=50)
    out = out.set_index("effect")
    # w1 = 2*1/3 = w2 ; differences 20 and 20 -> 20 (unstratified: 30 - 20 = 10)
    assert out.loc["rate_difference", "estimate"] == pytest.approx(20.0)
    assert out.loc["rate_ratio", "estimate"] == pytest.approx((20 + 50) / (0 + 30))
    # s1: 10>0, 30>0 -> 1 ; s2: 50>20, 50>40 -> 1
    assert out.loc["cliffs_delta", "estimate"] == pytest.approx(1.0)
    assert (out["n_strata"] == 2).all() and (out["strata"] == "story").all()
    assert effects(scores, effects=["rate_difference"], n_resamples=10)["estimate"].iloc[0] == pytest.approx(10.0)


def test_unmatched_strata():
    scores = pd.concat([stratified_scores(), make_scores([("a9", "A", "x", 1, 100, {"story": "s3"})])])
    with pytest.raises(ValueError, match=r"1 stratum/strata hold only one of the groups 'A' and 'B' \(e.g. \['s3'\]\).*unmatched='drop'"):
        effects(scores, strata="story", n_resamples=10)
    out = effects(scores, strata="story", unmatched="drop", effects=["rate_difference"], n_resamples=10)
    assert out["n_strata_dropped"].iloc[0] == 1 and out["estimate"].iloc[0] == pytest.approx(20.0)


def test_no_shared_stratum():
    scores = make_scores(
        [(f"a{i}", "A", "x", i, 100, {"story": "s1"}) for i in range(3)]
        + [(f"b{i}", "B", "x", i, 100, {"story": "s2"}) for i in range(3)]
    )
    with pytest.raises(ValueError, match="no stratum holds both 'A' and 'B'"):
        effects(scores, strata="story", unmatched="drop", n_resamples=10)


def test_determinism_and_seed_streams(two_groups):
    a = effects(two_groups, n_resamples=300, random_state=7)
    b = effects(two_groups, n_resamples=300, random_state=7)
    c = effects(two_groups, n_resamples=300, random_state=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["ci_low"].equals(c["ci_low"])


def test_adding_a_group_does_not_change_other_rows(two_groups):
    extra = make_scores([("c1", "C", "x", 4, 100), ("c2", "C", "x", 5, 100)])
    a = effects(two_groups, n_resamples=200)
    b = effects(pd.concat([two_groups, extra]), n_resamples=200)
    pd.testing.assert_frame_equal(a, b[(b.group_a == "A") & (b.group_b == "B")].reset_index(drop=True))


def test_pairs_reference_and_sorting():
    rows = [(f"{g}{i}", g, c, i + k, 100) for k, g in enumerate("ABC") for i in range(3) for c in ("y", "x")]
    scores = make_scores(rows)
    out = effects(scores, pairs="reference", reference="B", effects=["rate_difference"], n_resamples=10)
    assert list(zip(out.category, out.group_a, out.group_b)) == [("y", "A", "B"), ("y", "C", "B"), ("x", "A", "B"), ("x", "C", "B")]
    with pytest.raises(ValueError, match="pairs='reference' needs reference=<group name>"):
        effects(scores, pairs="reference")
    with pytest.raises(ValueError, match=r"reference='Z' is not one of the groups \['A', 'B', 'C'\]"):
        effects(scores, pairs="reference", reference="Z")
    with pytest.raises(ValueError, match="pairs: expected one of 'all', 'reference', got 'some'"):
        effects(scores, pairs="some")


def test_cluster_unit_uses_outlet_means():
    rows = []
    for grp, outlets in (("L", ["o1", "o2", "o3"]), ("R", ["o4", "o5", "o6"])):
        for k, outlet in enumerate(outlets):
            for i in range(k + 1):  # unequal outlet sizes: each outlet still weighs the same
                rows.append((f"{outlet}-{i}", outlet, "x", k + i + (2 if grp == "R" else 0), 100, {"side": grp}))
    scores = make_scores(rows)
    with pytest.warns(UserWarning, match=r"2 of 2 groups have fewer than 10 outlet clusters \('L': 3, 'R': 3\); "
                                         "cluster-level intervals are approximate"):
        out = effects(scores, by="side", cluster="outlet", effects=["rate_difference"], n_resamples=100)
    means = scores.groupby(["side", "outlet"])["rate"].mean().groupby("side").mean()
    assert out["estimate"].iloc[0] == pytest.approx(means["L"] - means["R"])
    assert out["unit"].iloc[0] == "cluster" and out["n_units_a"].iloc[0] == 3 and out["n_docs_a"].iloc[0] == 6


def test_cluster_must_nest():
    scores = make_scores(
        [(f"d{i}", "o1" if i < 3 else "o2", "x", i, 100, {"side": "L" if i % 2 else "R"}) for i in range(6)]
    )
    with pytest.raises(ValueError, match="cluster 'o1' spans groups"):
        effects(scores, by="side", cluster="outlet", n_resamples=10)


def test_errors(two_groups):
    with pytest.raises(ValueError, match=r"effects: expected one of 'rate_difference', 'rate_ratio', 'cohens_d', "
                                         r"'hedges_g', 'cliffs_delta', got 'glass'"):
        effects(two_groups, effects=["glass"])
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        effects(two_groups, n_resamples=0)
    with pytest.raises(TypeError, match=r"n_resamples: expected an integer >= 1, got True"):
        effects(two_groups, n_resamples=True)
    with pytest.raises(ValueError, match=r"confidence: expected a finite number in \(0, 1\), got 95"):
        effects(two_groups, confidence=95)
    with pytest.raises(TypeError, match=r"confidence: expected a finite number in \(0, 1\), got '0.9'"):
        effects(two_groups, confidence="0.9")
    with pytest.raises(ValueError, match="unmatched: expected one of 'error', 'drop', got 'skip'"):
        effects(two_groups, unmatched="skip")
    with pytest.raises(ValueError, match="random_state: expected an integer >= 0, got -2"):
        effects(two_groups, random_state=-2)
    small = two_groups[two_groups.doc_id != "b2"]
    with pytest.raises(ValueError, match="group 'B' has 1 scored document\\(s\\); each group needs at least 2"):
        effects(small)
    with pytest.raises(ValueError, match="cluster='o' and strata='story' cannot be combined"):
        effects(two_groups.assign(story="s", o="o"), cluster="o", strata="story")


def test_coverage_of_bootstrap_ci_under_the_null():
    # 600 independent null categories (bursty counts): the 95% CI of the
    # rate difference must cover 0 in 93-97% of them.
    from .conftest import null_scores

    rng = np.random.default_rng(11)
    scores = null_scores(n_cats=600, groups=["A", "B"], n_docs=60, rng=rng, dispersion=0.5, rate=0.02)
    out = effects(scores, effects=["rate_difference"], n_resamples=999)
    covered = ((out["ci_low"] <= 0) & (out["ci_high"] >= 0)).mean()
    assert 0.93 <= covered <= 0.97


def test_ci_method_labels_and_percentile_reproduces_old_rows(two_groups):
    out = effects(two_groups, n_resamples=200).set_index("effect")
    assert out["ci_method"].to_dict() == {
        "rate_difference": "studentized_bootstrap", "rate_ratio": "studentized_bootstrap_log",
        "cohens_d": "bca_bootstrap", "hedges_g": "bca_bootstrap", "cliffs_delta": "percentile_bootstrap"}
    old = effects(two_groups, n_resamples=200, ci_method="percentile")
    assert (old["ci_method"] == "percentile_bootstrap").all()
    t = effects(two_groups, effects=["rate_difference"], ci_method="t").iloc[0]
    se = math.sqrt(100 / 3 + 50 / 2)
    df = (100 / 3 + 50 / 2) ** 2 / ((100 / 3) ** 2 / 2 + (50 / 2) ** 2 / 1)
    q = scipy.stats.t.ppf(0.975, df)
    assert (t["ci_low"], t["ci_high"]) == pytest.approx((15 - q * se, 15 + q * se))
    assert t["ci_method"] == "welch_t" and t["n_resamples"] == 0
    with pytest.warns(StatsWarning, match="only 2 strata hold both 'A' and 'B'"):
        strat = effects(stratified_scores(), strata="story", effects=["rate_difference"], n_resamples=50)
    assert strat["ci_method"].iloc[0] == "weighted_t_strata"


def test_ci_method_errors(two_groups):
    with pytest.raises(ValueError, match="ci_method: expected one of 'auto', 'percentile', 'bca', 'studentized', 't', "
                                         "got 'basic'"):
        effects(two_groups, ci_method="basic")
    with pytest.raises(ValueError, match="ci_method='studentized' needs a standard error, which cohens_d does not "
                                         "have here; choose 'auto', 'bca' or 'percentile'"):
        effects(two_groups, ci_method="studentized")
    with pytest.raises(ValueError, match="ci_method='studentized' is not available for cohens_d with strata; "
                                         r"choose 'auto', 't' \(the noncentral t\), 'bca' or 'percentile'"):
        effects(stratified_scores(), strata="story", effects=["cohens_d"], ci_method="studentized")


def test_log_scale_interval_falls_back_to_percentile_for_a_zero_mean():
    rows = [(f"a{i}", "A", "x", 0, 100) for i in range(4)] + [(f"b{i}", "B", "x", i, 100) for i in range(4)]
    rows += [(f"a{i}", "A", "y", i + 1, 100) for i in range(4)] + [(f"b{i}", "B", "y", i, 100) for i in range(4)]
    from framing.stats import StatsWarning

    with pytest.warns(StatsWarning, match=r"rate_ratio: in 1 category comparison \(x \(A vs B\)\) at least 2.5% of "
                                          "bootstrap replicates have no hit in a group"):
        out = effects(make_scores(rows), effects=["rate_ratio"], n_resamples=500).set_index("category")
    assert out.loc["x", "ci_method"] == "percentile_bootstrap" and out.loc["x", "estimate"] == 0
    assert out.loc["y", "ci_method"] == "studentized_bootstrap_log"


def test_jackknife_of_cliffs_delta_matches_brute_force():
    from framing.stats.effects import PairData, jackknife

    rng = np.random.default_rng(3)
    xa, xb = rng.integers(0, 4, (6, 2)).astype(float), rng.integers(0, 4, (5, 2)).astype(float)
    pair = PairData("A", "B", xa, xb, None, None, 6, 5, "document", 0, 0)
    ja, jb = jackknife(pair, "cliffs_delta")
    assert ja == pytest.approx(np.array([cliffs_delta(np.delete(xa, i, 0), xb) for i in range(6)]))
    assert jb == pytest.approx(np.array([cliffs_delta(xa, np.delete(xb, j, 0)) for j in range(5)]))
    jd, _ = jackknife(pair, "hedges_g")
    from framing.stats.effects import point_estimate

    one_out = PairData("A", "B", xa[1:], xb, None, None, 5, 5, "document", 0, 0)
    assert jd[0] == pytest.approx(point_estimate(one_out, "hedges_g"))


def test_small_sample_coverage_reaches_the_target():
    # 10 documents per group, 300 independent null categories: the default intervals cover 93-97%
    # where the percentile interval of 0.2.0 covers about 91% (rate difference) and 87% (summary mean)
    from framing.stats.summary import summarize
    from .conftest import null_scores

    rng = np.random.default_rng(5)
    scores = null_scores(n_cats=300, groups=["A", "B"], n_docs=10, rng=rng, dispersion=0.5, rate=0.02)
    out = effects(scores, effects=["rate_difference"], n_resamples=499)
    assert 0.93 <= ((out["ci_low"] <= 0) & (out["ci_high"] >= 0)).mean() <= 0.97
    summary = summarize(scores, n_resamples=499)
    assert 0.93 <= ((summary["mean_low"] <= 20) & (summary["mean_high"] >= 20)).mean() <= 0.97


# ------------------------------------------------- noncentral-t interval of d and g


def test_noncentral_t_ci_inverts_the_noncentral_t_cdf():
    from scipy.optimize import brentq

    from framing.stats._resample import noncentral_t_ci

    t = np.array([2.0, -3.5, 0.7, 12.0])
    df = np.array([8.0, 38.0, 3.0, 18.0])
    low, high = noncentral_t_ci(t, df, 1.0, 0.95)
    for j in range(len(t)):
        # independent root finding, the same inversion (Steiger & Fouladi 1997)
        lo = brentq(lambda ncp: scipy.stats.nct.cdf(t[j], df[j], ncp) - 0.975, t[j] - 8, t[j] + 8, xtol=1e-12)
        hi = brentq(lambda ncp: scipy.stats.nct.cdf(t[j], df[j], ncp) - 0.025, t[j] - 8, t[j] + 8, xtol=1e-12)
        assert (low[j], high[j]) == pytest.approx((lo, hi), abs=1e-8)
    # t = 0: P(T <= 0) = Phi(-ncp) for every df, so the bounds are -/+ z_0.975 (hand-checkable)
    low0, high0 = noncentral_t_ci(np.zeros(3), np.array([2.0, 10.0, 100.0]), 1.0, 0.95)
    assert low0 == pytest.approx([-1.959964] * 3, abs=1e-6) and high0 == pytest.approx([1.959964] * 3, abs=1e-6)
    # undefined t (zero pooled SD) or df < 1: NaN bounds
    bad_low, bad_high = noncentral_t_ci(np.array([np.inf, np.nan, 1.0]), np.array([4.0, 4.0, 0.0]), 1.0, 0.95)
    assert np.isnan(bad_low).all() and np.isnan(bad_high).all()


def test_noncentral_t_ci_of_d_approaches_the_large_sample_interval():
    from framing.stats._resample import noncentral_t_ci

    # d = 0.5 with 1,000 per group: Hedges & Olkin's (1985) large-sample SE sqrt(1/m + d^2 / (2 df))
    d, n = 0.5, 1000
    m, df = n * n / (2 * n), 2 * n - 2
    low, high = noncentral_t_ci(np.array([d * math.sqrt(m)]), float(df), math.sqrt(m), 0.95)
    se = math.sqrt(1 / m + d**2 / (2 * df))
    assert (low[0], high[0]) == pytest.approx((d - 1.959964 * se, d + 1.959964 * se), abs=2e-3)


def _clustered_scores():
    rows = []
    values = {"L": [3, 5, 4, 6, 2], "R": [7, 9, 6, 10, 8]}
    for side, counts in values.items():
        for k, c in enumerate(counts):
            for i in range(2):
                rows.append((f"{side}{k}-{i}", f"{side}{k}", "x", c + i, 100, {"side": side}))
    return make_scores(rows)


def test_cluster_d_and_g_use_the_noncentral_t_interval_on_cluster_means():
    from framing.stats import StatsWarning
    from framing.stats._resample import noncentral_t_ci

    scores = _clustered_scores()
    with pytest.warns(StatsWarning, match=r"2 of 2 groups have fewer than 10 outlet clusters"):
        out = effects(scores, by="side", cluster="outlet", n_resamples=200)
    assert list(out.columns) == list(EFFECT_COLUMNS)
    out = out.set_index("effect")
    assert out.loc["cohens_d", "ci_method"] == "noncentral_t" and out.loc["hedges_g", "ci_method"] == "noncentral_t"
    assert out.loc["cohens_d", "n_resamples"] == 0 and out.loc["rate_difference", "ci_method"] == "welch_t"
    means = scores.groupby(["side", "outlet"])["rate"].mean()
    x, y = means.loc["L"].to_numpy(), means.loc["R"].to_numpy()
    sp = math.sqrt((4 * x.var(ddof=1) + 4 * y.var(ddof=1)) / 8)
    d = (x.mean() - y.mean()) / sp
    assert out.loc["cohens_d", "estimate"] == pytest.approx(d)
    scale = math.sqrt(5 * 5 / 10)
    low, high = noncentral_t_ci(np.array([d * scale]), 8.0, scale, 0.95)
    assert (out.loc["cohens_d", "ci_low"], out.loc["cohens_d", "ci_high"]) == pytest.approx((low[0], high[0]))
    # Hedges' g estimates the same delta: same bounds, a shrunken point estimate inside them
    assert (out.loc["hedges_g", "ci_low"], out.loc["hedges_g", "ci_high"]) == pytest.approx((low[0], high[0]))
    assert low[0] < out.loc["hedges_g", "estimate"] < high[0]
    assert scipy.stats.nct.cdf(d * scale, 8, low[0] * scale) == pytest.approx(0.975)


def test_ci_method_t_gives_d_and_g_the_noncentral_t_interval_and_is_refused_for_cliffs_delta(two_groups):
    out = effects(two_groups, effects=["cohens_d", "hedges_g"], ci_method="t").set_index("effect")
    assert (out["ci_method"] == "noncentral_t").all() and (out["n_resamples"] == 0).all()
    assert out.loc["cohens_d", "ci_low"] < out.loc["cohens_d", "estimate"] < out.loc["cohens_d", "ci_high"]
    with pytest.raises(ValueError, match=r"ci_method='t' needs a standard error, which cliffs_delta does not have "
                                         r"here; choose 'auto', 'bca' or 'percentile' \(or effects rate_difference / "
                                         r"rate_ratio / cohens_d / hedges_g\)"):
        effects(two_groups, effects=["cliffs_delta"], ci_method="t")
    strat = effects(stratified_scores(), strata="story", effects=["cohens_d"], ci_method="t")
    assert strat["ci_method"].iloc[0] == "noncentral_t_strata"
