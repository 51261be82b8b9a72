"""Stratum-level intervals of effects(..., strata=...) against hand computations."""

import math
import warnings

import numpy as np
import pytest
import scipy.stats

from framing.stats import StatsWarning, compare, effects, paired
from framing.stats.effects import AUTO_CI, EFFECT_COLUMNS

from .conftest import make_scores


def scores_of(cells):
    """cells: {story: ([A rates], [B rates])}, rates per 1,000 tokens (count / 1000 tokens)."""
    rows = []
    for story, (a, b) in cells.items():
        for group, rates in (("A", a), ("B", b)):
            for i, rate in enumerate(rates):
                rows.append((f"{story}-{group}{i}", group, "x", rate, 1000, {"story": story}))
    return make_scores(rows)


EQUAL = {"s1": ([5], [3]), "s2": ([9], [4]), "s3": ([4], [5]), "s4": ([12], [6])}
UNEQUAL = {"s1": ([10, 20], [5]), "s2": ([8], [4]), "s3": ([3], [5, 9]), "s4": ([6], [2])}


def run(cells, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)  # 4 strata: the fewer-than-10 warning
        return effects(scores_of(cells), strata="story", n_resamples=999, **kwargs).set_index("effect")


def by_hand(cells):
    """Stratum weights w_s, A and B means per stratum and Cliff's delta per stratum."""
    w, ma, mb, delta = [], [], [], []
    for a, b in cells.values():
        a, b = np.array(a, float), np.array(b, float)
        w.append(len(a) * len(b) / (len(a) + len(b)))
        ma.append(a.mean())
        mb.append(b.mean())
        delta.append(np.mean(np.sign(a[:, None] - b[None, :])))
    return np.array(w), np.array(ma), np.array(mb), np.array(delta)


def weighted_t(values, w, q):
    s = len(w)
    theta = (w * values).sum() / w.sum()
    se = math.sqrt(s / (s - 1) * (w**2 * (values - theta) ** 2).sum() / w.sum() ** 2)
    return theta, se, (theta - q * se, theta + q * se)


def test_auto_methods_with_strata():
    assert dict(AUTO_CI["strata"]) == {"rate_difference": "t", "rate_ratio": "studentized", "cohens_d": "t",
                                       "hedges_g": "t", "cliffs_delta": "t"}
    out = run(EQUAL)
    assert sorted(out.reset_index().columns) == sorted(EFFECT_COLUMNS)
    assert out["ci_method"].to_dict() == {
        "rate_difference": "weighted_t_strata", "rate_ratio": "symmetric_studentized_bootstrap_strata_log",
        "cohens_d": "noncentral_t_strata", "hedges_g": "noncentral_t_strata", "cliffs_delta": "weighted_t_strata"}
    assert out["n_resamples"].to_dict() == {"rate_difference": 0, "rate_ratio": 999, "cohens_d": 0, "hedges_g": 0,
                                            "cliffs_delta": 0}


def test_rate_difference_t_over_four_equal_strata_is_the_paired_t():
    # differences 2, 5, -1, 6: mean 3, variance 10, se sqrt(10 / 4), t on 3 df
    q = scipy.stats.t.ppf(0.975, 3)
    row = run(EQUAL, effects=["rate_difference"]).loc["rate_difference"]
    assert row["estimate"] == pytest.approx(3.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((3 - q * math.sqrt(2.5), 3 + q * math.sqrt(2.5)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        pair = paired(scores_of(EQUAL), pair_on="story", methods=["paired_t"], effect="rate_difference")
    assert (pair["ci_low"].iloc[0], pair["ci_high"].iloc[0]) == pytest.approx((row["ci_low"], row["ci_high"]))


def test_rate_difference_t_with_unequal_weights():
    w, ma, mb, _ = by_hand(UNEQUAL)
    theta, _, (low, high) = weighted_t(ma - mb, w, scipy.stats.t.ppf(0.975, 3))
    # w = 2/3, 1/2, 2/3, 1/2 ; D = 10, 4, -4, 4
    assert theta == pytest.approx((2 / 3 * 10 + 0.5 * 4 - 2 / 3 * 4 + 0.5 * 4) / (2 / 3 + 0.5 + 2 / 3 + 0.5))
    row = run(UNEQUAL, effects=["rate_difference"], confidence=0.95).loc["rate_difference"]
    assert row["estimate"] == pytest.approx(theta)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    q90 = scipy.stats.t.ppf(0.95, 3)
    row90 = run(UNEQUAL, effects=["rate_difference"], confidence=0.9).loc["rate_difference"]
    assert (row90["ci_low"], row90["ci_high"]) == pytest.approx(weighted_t(ma - mb, w, q90)[2])


def test_rate_ratio_log_scale_by_hand():
    w, ma, mb, _ = by_hand(UNEQUAL)
    a, b = (w * ma).sum(), (w * mb).sum()
    log_r = math.log(a / b)
    se = math.sqrt(4 / 3 * (w**2 * (ma / a - mb / b) ** 2).sum())
    q = scipy.stats.t.ppf(0.975, 3)
    t = run(UNEQUAL, effects=["rate_ratio"], ci_method="t").loc["rate_ratio"]
    assert t["estimate"] == pytest.approx(a / b)
    assert (t["ci_low"], t["ci_high"]) == pytest.approx((math.exp(log_r - q * se), math.exp(log_r + q * se)))
    assert t["ci_method"] == "weighted_t_strata_log" and t["n_resamples"] == 0
    # the symmetric bootstrap-t is symmetric around log R
    auto = run(UNEQUAL, effects=["rate_ratio"]).loc["rate_ratio"]
    assert math.log(auto["ci_low"]) + math.log(auto["ci_high"]) == pytest.approx(2 * log_r)
    assert auto["ci_low"] < a / b < auto["ci_high"]


def test_cohens_d_noncentral_t_by_hand():
    w, ma, mb, _ = by_hand(UNEQUAL)
    theta, se, _ = weighted_t(ma - mb, w, 0.0)
    xa = np.concatenate([a for a, _ in UNEQUAL.values()]).astype(float)
    xb = np.concatenate([b for _, b in UNEQUAL.values()]).astype(float)
    sp = math.sqrt(((len(xa) - 1) * xa.var(ddof=1) + (len(xb) - 1) * xb.var(ddof=1)) / (len(xa) + len(xb) - 2))
    out = run(UNEQUAL, effects=["cohens_d", "hedges_g"])
    d = out.loc["cohens_d"]
    assert d["estimate"] == pytest.approx(theta / sp)
    t_obs, scale = theta / se, sp / se
    # the bounds are the noncentralities (on the d scale) where t_obs is the 97.5% and 2.5% quantile on 3 df
    assert scipy.stats.nct.cdf(t_obs, 3, d["ci_low"] * scale) == pytest.approx(0.975, abs=1e-8)
    assert scipy.stats.nct.cdf(t_obs, 3, d["ci_high"] * scale) == pytest.approx(0.025, abs=1e-8)
    g = out.loc["hedges_g"]
    assert (g["ci_low"], g["ci_high"]) == pytest.approx((d["ci_low"], d["ci_high"]))
    assert g["estimate"] < d["estimate"]


def test_cliffs_delta_t_is_clipped_to_its_range():
    w, _, _, delta = by_hand(UNEQUAL)
    assert list(delta) == [1.0, 1.0, -1.0, 1.0]
    theta, _, (low, high) = weighted_t(delta, w, scipy.stats.t.ppf(0.975, 3))
    row = run(UNEQUAL, effects=["cliffs_delta"]).loc["cliffs_delta"]
    assert row["estimate"] == pytest.approx(theta)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((max(low, -1.0), min(high, 1.0)))
    assert row["ci_high"] == 1.0


def test_no_spread_between_strata_gives_no_t_interval():
    same = {f"s{i}": ([i + 4], [i + 2]) for i in range(4)}  # every difference 2
    row = run(same, effects=["rate_difference"]).loc["rate_difference"]
    assert row["estimate"] == pytest.approx(2.0) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_studentized_with_strata_and_its_error():
    out = run(UNEQUAL, effects=["rate_difference", "cliffs_delta"], ci_method="studentized")
    assert (out["ci_method"] == "symmetric_studentized_bootstrap_strata").all()
    assert (out["n_resamples"] == 999).all()
    for effect in ("rate_difference", "cliffs_delta"):
        centre = (out.loc[effect, "ci_low"] + out.loc[effect, "ci_high"]) / 2
        if out.loc[effect, "ci_high"] < 1:
            assert centre == pytest.approx(out.loc[effect, "estimate"])
    with pytest.raises(ValueError, match=r"ci_method='studentized' is not available for hedges_g with strata; "
                                         r"choose 'auto', 't' \(the noncentral t\), 'bca' or 'percentile'"):
        effects(scores_of(UNEQUAL), strata="story", effects=["hedges_g"], ci_method="studentized")


def test_percentile_and_bca_stay_available():
    for method, label in (("percentile", "percentile_bootstrap_strata"), ("bca", "bca_bootstrap_strata")):
        out = run(UNEQUAL, ci_method=method)
        assert (out["ci_method"] == label).all() and (out["n_resamples"] == 999).all()


def test_fewer_than_ten_strata_warn():
    with pytest.warns(StatsWarning, match=r"strata='story': only 4 strata hold both 'A' and 'B' \(fewer than 10\); "
                                          "stratum-level intervals are approximate"):
        effects(scores_of(EQUAL), strata="story", effects=["rate_difference"])
    many = {f"s{i:02d}": ([i % 3 + 1], [i % 4 + 1]) for i in range(10)}
    with warnings.catch_warnings():
        warnings.simplefilter("error", StatsWarning)
        effects(scores_of(many), strata="story", effects=["rate_difference"])


def test_compare_with_strata_reports_the_same_intervals():
    cells = {f"s{i:02d}": ([i % 3 + 2, i % 5 + 1], [i % 4 + 1]) for i in range(12)}
    scores = scores_of(cells)
    eff = effects(scores, strata="story", effects=["rate_difference"]).iloc[0]
    cmp = compare(scores, strata="story", effect="rate_difference")
    assert (cmp["ci_low"] == eff["ci_low"]).all() and (cmp["ci_high"] == eff["ci_high"]).all()
    assert (cmp["ci_method"] == "weighted_t_strata").all()


def test_stratified_intervals_cover_at_ten_strata():
    # 300 independent categories, 10 stories with a shared story effect, one document per cell: 95% coverage
    rng = np.random.default_rng(3)
    s, k = 10, 300
    story = np.exp(rng.normal(0, 0.5, size=(s, k)))
    rows = []
    for i in range(s):
        for group in ("A", "B"):
            counts = rng.poisson(8 * story[i] * rng.gamma(2.0, 0.5, size=k))
            rows += [(f"s{i}-{group}", group, f"c{j:03d}", int(c), 1000, {"story": f"s{i}"}) for j, c in enumerate(counts)]
    out = effects(make_scores(rows), strata="story", effects=["rate_difference", "rate_ratio"], n_resamples=499)
    truth = out["effect"].map({"rate_difference": 0.0, "rate_ratio": 1.0})
    covered = ((out["ci_low"] <= truth) & (truth <= out["ci_high"])).groupby(out["effect"]).mean()
    assert ((covered >= 0.91) & (covered <= 0.99)).all(), covered


def test_rate_ratio_without_hits_in_a_group_falls_back_to_percentile_over_strata():
    cells = {f"s{i:02d}": ([i % 3 + 1], [0]) for i in range(10)}
    with pytest.warns(StatsWarning, match=r"rate_ratio: in 1 category comparison \(x \(A vs B\)\) at least 2.5% of "
                                          "bootstrap replicates have no hit in a group"):
        out = effects(scores_of(cells), strata="story", effects=["rate_ratio"], n_resamples=200)
    row = out.iloc[0]
    assert math.isinf(row["estimate"]) and row["ci_method"] == "percentile_bootstrap_strata"
    assert row["n_resamples"] == 200
    with pytest.warns(StatsWarning, match="at least 2.5% of bootstrap replicates have no hit in a group"):
        t = effects(scores_of(cells), strata="story", effects=["rate_ratio"], n_resamples=200, ci_method="t").iloc[0]
    assert t["ci_method"] == "percentile_bootstrap_strata" and t["n_resamples"] == 200
