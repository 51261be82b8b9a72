import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from framing.stats import StatsWarning
from framing.stats.compare import COMPARE_COLUMNS, OMNIBUS_COLUMNS, compare, omnibus

from .conftest import make_scores, null_scores
from .test_effects import stratified_scores


def test_exact_permutation_hand_computed(two_groups):
    # values 10 20 30 | 0 10: C(5,3) = 10 relabelings; mean differences with
    # |T| >= 15 are {0,1,2}: 15, {1,2,4}: 15 and {0,3,4}->A=10,0,10: -18.33 -> 3/10
    out = compare(two_groups, methods=["permutation"], n_resamples=999)
    assert list(out.columns) == list(COMPARE_COLUMNS)
    row = out.iloc[0]
    assert row["statistic"] == pytest.approx(15.0) and row["p_value"] == pytest.approx(0.3)
    # the default effect is DEFAULTS["effect"], the rate ratio: 20 / 5
    assert row["estimate"] == pytest.approx(4.0) and row["effect"] == "rate_ratio"
    diff = compare(two_groups, methods=["permutation"], effect="rate_difference", n_resamples=999)
    assert diff["estimate"].iloc[0] == pytest.approx(15.0)
    greater = compare(two_groups, methods=["permutation"], alternative="greater", n_resamples=999)
    assert greater["p_value"].iloc[0] == pytest.approx(0.2)  # T >= 15: two of ten


def test_welch_and_mannwhitney_match_scipy(two_groups):
    out = compare(two_groups, methods=["welch", "mannwhitney"], n_resamples=99).set_index("method")
    a, b = [10.0, 20.0, 30.0], [0.0, 10.0]
    t = scipy.stats.ttest_ind(a, b, equal_var=False)
    u = scipy.stats.mannwhitneyu(a, b)
    assert out.loc["welch", "statistic"] == pytest.approx(15 / np.sqrt(100 / 3 + 50 / 2))
    assert out.loc["welch", "p_value"] == pytest.approx(t.pvalue)
    assert out.loc["mannwhitney", "statistic"] == pytest.approx(5.5) == u.statistic
    assert out.loc["mannwhitney", "p_value"] == pytest.approx(u.pvalue)


def test_bootstrap_test_is_deterministic_and_sensible(two_groups):
    a = compare(two_groups, methods=["bootstrap"], n_resamples=999, random_state=3)
    b = compare(two_groups, methods=["bootstrap"], n_resamples=999, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert 0.05 < a["p_value"].iloc[0] < 0.6
    assert a["statistic"].iloc[0] == pytest.approx(15 / np.sqrt(100 / 3 + 50 / 2))


def test_stratified_permutation_hand_computed():
    # 3 x 3 equally likely within-stratum relabelings; |T| >= 20 for 2 of 9
    out = compare(stratified_scores(), strata="story", methods=["permutation"], n_resamples=20000)
    assert out["statistic"].iloc[0] == pytest.approx(20.0)
    assert out["p_value"].iloc[0] == pytest.approx(2 / 9, abs=0.01)
    assert out["n_strata"].iloc[0] == 2


def test_stratified_rejects_unstratified_methods():
    with pytest.raises(ValueError, match=r"methods: \['welch'\] are not defined with strata='story'; choose from "
                                         r"\['permutation'\] \(or framing.stats.paired"):
        compare(stratified_scores(), strata="story", methods=["permutation", "welch"])


def test_default_methods_follow_the_design():
    # methods=None: framing.vocab.default_methods of the design the columns name
    from framing.vocab import default_methods

    out = compare(stratified_scores(), strata="story", n_resamples=999)
    assert out["method"].tolist() == ["permutation"] == list(default_methods("strata"))
    assert out["p_value"].iloc[0] == pytest.approx(2 / 9, abs=0.05) and out["n_strata"].iloc[0] == 2
    plain = compare(stratified_scores(), n_resamples=99)
    assert plain["method"].tolist() == list(default_methods("independent")) == ["permutation", "welch"]
    rows = []
    for side, outlets in (("L", ["o1", "o2"]), ("R", ["o3", "o4"])):
        for k, outlet in enumerate(outlets):
            rows += [(f"{outlet}-{i}", outlet, "x", k + i + (side == "R"), 100, {"side": side}) for i in range(2)]
    with pytest.warns(UserWarning, match=r"2 of 2 groups have fewer than 10 outlet clusters \(.L.: 2, .R.: 2\)"):
        clustered = compare(make_scores(rows), by="side", cluster="outlet", n_resamples=99)
    assert clustered["method"].tolist() == list(default_methods("cluster"))


def test_strata_and_cluster_cannot_be_combined():
    scores = stratified_scores().assign(o="o")
    with pytest.raises(ValueError, match="strata and cluster cannot be combined; set at most one of strata"):
        compare(scores, strata="story", cluster="o")
    with pytest.raises(ValueError, match="strata and cluster cannot be combined"):
        omnibus(scores, strata="story", cluster="o")


def test_fdr_family_is_categories_times_pairs():
    rng = np.random.default_rng(2)
    scores = null_scores(n_cats=4, groups=["A", "B", "C"], n_docs=10, rng=rng)
    out = compare(scores, methods=["welch", "permutation"], n_resamples=199)
    for method, sub in out.groupby("method"):
        assert len(sub) == 12
        from framing.stats.multitest import adjust_pvalues

        assert sub["p_adj"].to_numpy() == pytest.approx(adjust_pvalues(sub["p_value"].to_numpy()))
    holm = compare(scores, methods=["welch"], correction="holm", n_resamples=99)
    assert (holm["correction"] == "holm").all() and (holm["p_adj"] >= holm["p_value"]).all()


def test_sorted_and_seed_stable():
    rng = np.random.default_rng(4)
    scores = null_scores(n_cats=3, groups=["B", "A", "C"], n_docs=8, rng=rng)
    out = compare(scores, methods=["mannwhitney", "permutation"], n_resamples=99)
    keys = list(zip(out.category, out.group_a, out.group_b, out.method))
    assert keys[:3] == [("c0000", "A", "B", "permutation"), ("c0000", "A", "B", "mannwhitney"), ("c0000", "A", "C", "permutation")]
    sub = compare(scores[scores.category == "c0001"], methods=["permutation"], n_resamples=99)
    full = out[(out.category == "c0001") & (out.method == "permutation")].reset_index(drop=True)
    assert sub["p_value"].tolist() == full["p_value"].tolist()


def test_constant_rates_give_nan_not_fake_p():
    rows = [(f"a{i}", "A", "x", 0, 100) for i in range(3)] + [(f"b{i}", "B", "x", 0, 100) for i in range(3)]
    rows += [(f"a{i}", "A", "y", i, 100) for i in range(3)] + [(f"b{i}", "B", "y", i + 1, 100) for i in range(3)]
    scores = make_scores(rows)
    with pytest.raises(ValueError, match=r"categories \['x'\] have zero hits in every document.*categories=\[...\]"):
        compare(scores)
    scores.loc[scores.doc_id.str.startswith("a") & (scores.category == "x"), ["count", "rate"]] = [1, 10.0]
    out = compare(scores, methods=["mannwhitney"], n_resamples=99)
    assert out.loc[out.category == "y", "p_value"].notna().all()


def test_option_errors(two_groups):
    with pytest.raises(ValueError, match=r"methods: expected one of 'permutation', 'welch', 'mannwhitney', "
                                         r"'bootstrap', got 'ttest'"):
        compare(two_groups, methods=["ttest"])
    with pytest.raises(ValueError, match=r"methods: expected at least one of 'permutation'.*got an empty list"):
        compare(two_groups, methods=[])
    with pytest.raises(TypeError, match=r"methods: expected a name or a list of names"):
        compare(two_groups, methods={"welch"})
    with pytest.raises(ValueError, match="alternative: expected one of 'two-sided', 'greater', 'less', got 'bigger'"):
        compare(two_groups, alternative="bigger")
    with pytest.raises(ValueError, match="correction: expected one of 'bh', 'by', 'holm', 'bonferroni', 'none', got 'fdr'"):
        compare(two_groups, correction="fdr")
    with pytest.raises(ValueError, match=r"effect: expected one of 'rate_difference', .*, got 'odds'"):
        compare(two_groups, effect="odds")
    with pytest.raises(ValueError, match="unmatched: expected one of 'error', 'drop', got 'keep'"):
        compare(two_groups, unmatched="keep")
    with pytest.raises(TypeError, match="random_state: expected an integer >= 0, got 1.5"):
        compare(two_groups, random_state=1.5)
    with pytest.raises(ValueError, match="random_state: expected an integer >= 0, got -1"):
        compare(two_groups, random_state=-1)
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        compare(two_groups, n_resamples=0)
    with pytest.raises(ValueError, match=r"confidence: expected a finite number in \(0, 1\), got 95"):
        compare(two_groups, confidence=95)


def test_repeated_methods_run_once(two_groups):
    out = compare(two_groups, methods=["welch", "welch"], n_resamples=99)
    assert out["method"].tolist() == ["welch"]


def test_omnibus_matches_scipy():
    rng = np.random.default_rng(5)
    scores = null_scores(n_cats=2, groups=["A", "B", "C"], n_docs=12, rng=rng, rate=0.05)
    out = omnibus(scores, n_resamples=999)
    assert list(out.columns) == list(OMNIBUS_COLUMNS)
    for category in ("c0000", "c0001"):
        samples = [scores[(scores.category == category) & (scores.outlet == g)]["rate"].to_numpy() for g in "ABC"]
        rows = out[out.category == category].set_index("method")
        assert rows.loc["permutation", "statistic"] == pytest.approx(scipy.stats.f_oneway(*samples).statistic)
        assert rows.loc["kruskal", "statistic"] == pytest.approx(scipy.stats.kruskal(*samples).statistic)
        assert rows.loc["kruskal", "p_value"] == pytest.approx(scipy.stats.kruskal(*samples).pvalue)
        # the permutation p-value approximates the F test's when its assumptions roughly hold
        assert rows.loc["permutation", "p_value"] == pytest.approx(scipy.stats.f_oneway(*samples).pvalue, abs=0.1)


def test_omnibus_stratified_detects_within_story_difference():
    rows = []
    for s in range(12):
        level = 1 + 3 * (s % 4)  # stories differ a lot; outlet C is always one hit higher
        for g, bump in (("A", 0), ("B", 0), ("C", 2)):
            rows.append((f"{g}{s}", g, "x", level + bump + (s % 2), 100, {"story": f"s{s:02d}"}))
    scores = make_scores(rows)
    strat = omnibus(scores, strata="story", methods=["permutation"], n_resamples=1999)
    plain = omnibus(scores, methods=["permutation"], n_resamples=1999)
    assert strat["p_value"].iloc[0] < 0.01 < plain["p_value"].iloc[0]
    # methods=None: framing.vocab.default_omnibus_methods of the design
    assert omnibus(scores, strata="story", n_resamples=99)["method"].tolist() == ["permutation"]
    assert omnibus(scores, n_resamples=99)["method"].tolist() == ["permutation", "kruskal"]
    with pytest.raises(ValueError, match=r"methods: \['kruskal'\] are not defined with strata='story'; choose from "
                                         r"\['permutation'\]$"):
        omnibus(scores, strata="story", methods=["permutation", "kruskal"])
    with pytest.raises(ValueError, match=r"methods: expected one of 'permutation', 'kruskal', got 'anova'"):
        omnibus(scores, methods=["anova"])
    with pytest.raises(ValueError, match=r"correction: expected one of 'bh'.*got 'fdr'"):
        omnibus(scores, correction="fdr")
    with pytest.raises(TypeError, match=r"n_resamples: expected an integer >= 1, got 9.5"):
        omnibus(scores, n_resamples=9.5)


# ------------------------------------------------------------ calibration


def test_false_positive_rates_under_a_bursty_null():
    # 1,000 independent null categories in one call: every default test
    # must reject 3-7% at alpha 0.05 (documents are the unit).
    rng = np.random.default_rng(20261128)
    scores = null_scores(n_cats=1000, groups=["A", "B"], n_docs=40, rng=rng, dispersion=1.0, rate=0.02)
    out = compare(scores, methods=["permutation", "welch", "mannwhitney", "bootstrap"], n_resamples=999, correction="none")
    rates = out.groupby("method")["p_value"].apply(lambda p: float((p < 0.05).mean()))
    for method, rate in rates.items():
        assert 0.03 <= rate <= 0.07, (method, rate)


def test_token_level_chi_square_is_anticonservative_on_the_same_data():
    # the contrast the module exists for: pooling tokens treats bursty
    # counts as independent draws and rejects far too often
    rng = np.random.default_rng(20261128)
    scores = null_scores(n_cats=300, groups=["A", "B"], n_docs=40, rng=rng, dispersion=1.0, rate=0.02)
    totals = scores.groupby(["category", "outlet"])[["count", "tokens"]].sum()
    rejected = 0
    for category in totals.index.get_level_values(0).unique():
        t = totals.loc[category]
        table = np.array([t["count"].to_numpy(), (t["tokens"] - t["count"]).to_numpy()])
        rejected += scipy.stats.chi2_contingency(table, correction=False).pvalue < 0.05
    assert rejected / 300 > 0.2


def test_planted_effect_is_detected():
    rng = np.random.default_rng(9)
    scores = null_scores(n_cats=50, groups=["A", "B"], n_docs=60, rng=rng, effects={"A": 2.0}, rate=0.02)
    out = compare(scores, methods=["permutation", "welch"], n_resamples=999)
    power = out.groupby("method")["p_adj"].apply(lambda p: float((p < 0.05).mean()))
    assert (power > 0.8).all()
    assert (out["estimate"] > 0).mean() > 0.95


def test_cluster_level_false_positive_rate():
    # outlets carry their own random level; documents within an outlet are
    # correlated. Clustered inference holds alpha, document-level does not.
    rng = np.random.default_rng(17)
    n_cats, outlets = 300, [f"o{i}" for i in range(12)]
    level = {o: rng.gamma(4.0, 0.25, size=n_cats) for o in outlets}
    rows = []
    for o in outlets:
        side = "L" if int(o[1:]) < 6 else "R"
        for d in range(15):
            tokens = int(rng.integers(200, 600))
            counts = rng.poisson(rng.gamma(2.0, 0.5, size=n_cats) * level[o] * 0.02 * tokens)
            rows.extend((f"{o}-{d}", o, f"c{c:04d}", int(counts[c]), tokens, {"side": side}) for c in range(n_cats))
    scores = make_scores(rows)
    clustered = compare(scores, by="side", cluster="outlet", methods=["permutation", "welch"], n_resamples=923)
    docs = compare(scores, by="side", methods=["welch"], n_resamples=99)
    for method, sub in clustered.groupby("method"):
        assert 0.02 <= (sub["p_value"] < 0.05).mean() <= 0.08, method
    assert (docs["p_value"] < 0.05).mean() > 0.3
    assert (clustered["n_units_a"] == 6).all() and (clustered["unit"] == "cluster").all()


def test_calibration_with_the_project_simulator():
    # the generator users get for power analyses: 400 null categories with
    # bursty counts and strong story effects (every outlet covers every story)
    from framing.stats.paired import paired
    from framing.stats.simulate import simulate_scores

    sim = simulate_scores(outlets=["A", "B"], n_docs=30, categories=400, base_rate=8.0, dispersion=1.0, strata=10,
                          stratum_sd=0.8, random_state=3)
    strat = compare(sim, strata="story_id", methods=["permutation"], n_resamples=499, correction="none")
    assert 0.03 <= (strat["p_value"] < 0.05).mean() <= 0.07
    pair = paired(sim, pair_on="story_id", methods=["sign_flip", "paired_t"], n_resamples=499, correction="none")
    for method, sub in pair.groupby("method"):
        assert 0.03 <= (sub["p_value"] < 0.05).mean() <= 0.07, method
    planted = simulate_scores(outlets=["A", "B"], n_docs=80, categories=20, base_rate=8.0, dispersion=0.5,
                              outlet_effects={"A": {f"cat{i:02d}": 1.6 for i in range(1, 21)}}, random_state=4)
    found = compare(planted, methods=["permutation"], n_resamples=499)
    assert (found["p_adj"] < 0.05).mean() >= 0.8
    ratios = compare(planted, methods=["welch"], effect="rate_ratio", n_resamples=499)
    assert ((ratios["ci_low"] <= 1.6) & (ratios["ci_high"] >= 1.6)).mean() >= 0.8


def test_welch_on_groups_without_variance_is_undefined_and_warned():
    # x: A all 10, B all 20 per 1000 (zero variance in both: t would be -inf, p 0); y: ordinary
    rows = [(f"a{i}", "A", "x", 1, 100) for i in range(3)] + [(f"b{i}", "B", "x", 2, 100) for i in range(3)]
    rows += [(f"a{i}", "A", "y", i, 100) for i in range(3)] + [(f"b{i}", "B", "y", i + 1, 100) for i in range(3)]
    with pytest.warns(StatsWarning, match=r"1 comparison\(s\) have zero variance in both groups, so Welch's t is "
                                          r"undefined \(not infinite\).*: x \(A vs B\)\. The permutation test"):
        out = compare(make_scores(rows), methods=["permutation", "welch", "bootstrap"], n_resamples=99)
    x = out[out.category == "x"].set_index("method")
    assert np.isnan(x.loc["welch", "statistic"]) and np.isnan(x.loc["welch", "p_value"])
    assert np.isnan(x.loc["welch", "p_adj"]) and np.isnan(x.loc["bootstrap", "p_value"])
    assert x.loc["permutation", "p_value"] == pytest.approx(0.1)  # 2 of C(6, 3) = 20 relabelings
    y = out[out.category == "y"].set_index("method")
    assert np.isfinite(y.loc["welch", "p_value"])


def test_mannwhitney_exact_or_asymptotic_per_category():
    # x has no ties (small: exact), y has ties (asymptotic); each must match scipy on its own
    rows = []
    for i, (cx, cy) in enumerate([(1, 0), (2, 0), (3, 1), (4, 1), (5, 2)]):
        rows += [(f"a{i}", "A", "x", cx, 100), (f"a{i}", "A", "y", cy, 100)]
    for i, (cx, cy) in enumerate([(6, 1), (7, 2), (8, 2), (9, 3), (11, 3)]):
        rows += [(f"b{i}", "B", "x", cx, 100), (f"b{i}", "B", "y", cy, 100)]
    scores = make_scores(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        out = compare(scores, methods=["mannwhitney"], n_resamples=99).set_index("category")
    for cat in ("x", "y"):
        sub = scores[scores.category == cat]
        a, b = sub[sub.outlet == "A"]["rate"], sub[sub.outlet == "B"]["rate"]
        assert out.loc[cat, "p_value"] == pytest.approx(scipy.stats.mannwhitneyu(a, b, method="auto").pvalue)
    assert out.loc["x", "p_value"] == pytest.approx(2 / 252)  # exact: 2 of C(10, 5) orderings


def test_n_resamples_reports_what_the_p_value_used(two_groups):
    # 3 + 2 documents: C(5, 3) = 10 relabelings are enumerated, not 4999 drawn
    out = compare(two_groups, methods=["permutation", "welch", "bootstrap"], effect="rate_difference")
    assert out.set_index("method")["n_resamples"].to_dict() == {"permutation": 10, "welch": 4999, "bootstrap": 4999}
    drawn = compare(two_groups, methods=["permutation"], n_resamples=5)
    assert drawn["n_resamples"].iloc[0] == 5


def test_ci_method_option_and_errors(two_groups):
    new = compare(two_groups, methods=["welch"], effect="rate_difference", n_resamples=499)
    old = compare(two_groups, methods=["welch"], effect="rate_difference", n_resamples=499, ci_method="percentile")
    assert new["ci_low"].iloc[0] < old["ci_low"].iloc[0]  # the studentized interval is wider at n = 3 + 2
    with pytest.raises(ValueError, match="ci_method: expected one of 'auto', 'percentile', 'bca', 'studentized', "
                                         "'t', got 'normal'"):
        compare(two_groups, ci_method="normal")
    with pytest.raises(ValueError, match="ci_method='t' needs a standard error, which cliffs_delta does not have"):
        compare(two_groups, effect="cliffs_delta", ci_method="t")
