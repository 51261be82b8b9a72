"""The resampling kernels for large samples (more than ``INDEX_DRAWS_ABOVE`` /
``SUBSET_DRAWS_ABOVE`` units):
index draws instead of multinomial weights, relabelings drawn as
hypergeometric counts plus one random order per group (shared by the pairs
of a group), and the sparse group sums of the omnibus permutation test."""

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from framing import seeds
from framing.stats import compare, effects, omnibus, simulate_scores, summarize
from framing.stats._resample import (
    INDEX_DRAWS_ABOVE,
    SUBSET_DRAWS_ABOVE,
    bootstrap_weights,
    prefix_sums,
    random_orders,
    relabeling_tables,
)
from framing.stats.compare import (
    _between_ss,
    _large_omnibus_count,
    _permuted_between_ss,
    enumerable,
    permutation_test,
    permutation_tests,
)
from framing.stats.effects import PairData


def _large_scores(n_docs=700, effects_=None, outlets=("A", "B", "C"), seed=5):
    return simulate_scores(outlets=list(outlets), n_docs=n_docs, categories=3, base_rate=5.0,
                           outlet_effects=effects_, random_state=seed)


def test_bootstrap_weights_are_multinomial_counts():
    w = bootstrap_weights(np.random.default_rng(0), 50, 2000)
    assert w.shape == (2000, 50)
    assert np.all(w.sum(axis=1) == 50)
    # each unit's multiplicity is Binomial(50, 1/50): mean 1, variance 49/50
    assert w.mean() == pytest.approx(1.0, abs=0.01)
    assert w.var() == pytest.approx(49 / 50, abs=0.03)


def test_random_orders_are_uniform_and_do_not_depend_on_the_batch():
    orders = random_orders(np.random.default_rng(1), 4, 24_000)
    assert orders.shape == (24_000, 4)
    assert np.all(np.sort(orders, axis=1) == np.arange(4))
    # each of the 24 orderings about 1,000 times
    _, counts = np.unique(orders, axis=0, return_counts=True)
    assert len(counts) == 24
    assert scipy.stats.chisquare(counts).pvalue > 1e-3
    rng = np.random.default_rng(2)
    split = np.vstack([random_orders(rng, 50, 3), random_orders(rng, 50, 7)])
    np.testing.assert_array_equal(split, random_orders(np.random.default_rng(2), 50, 10))


def test_prefix_sums_are_the_sums_over_each_prefix():
    rng = np.random.default_rng(3)
    x = rng.random((30, 4))
    orders = random_orders(rng, 30, 12)
    cuts = rng.integers(0, 31, size=(12, 5))
    cuts[0] = 0
    cuts[1] = 30
    out = prefix_sums(orders, cuts, x)
    assert out.shape == (12, 5, 4)
    for r in range(12):
        for j in range(5):
            np.testing.assert_allclose(out[r, j], x[orders[r, : cuts[r, j]]].sum(axis=0), atol=1e-12)


def test_relabeling_tables_have_the_group_sizes_as_margins_and_the_hypergeometric_mean():
    sizes = np.array([6, 4, 7, 5])
    tables = relabeling_tables(np.random.default_rng(3), sizes, 40_000)
    assert tables.shape == (40_000, 4, 4)
    assert np.all(tables.sum(axis=1) == sizes) and np.all(tables.sum(axis=2) == sizes)
    np.testing.assert_allclose(tables.mean(axis=0), np.outer(sizes, sizes) / sizes.sum(), atol=0.03)
    # a cell's count is hypergeometric: 6 of group 0's units among the 4 labels of group 1
    hyper = scipy.stats.hypergeom(sizes.sum(), 6, 4)
    observed = np.bincount(tables[:, 0, 1], minlength=5)
    assert scipy.stats.chisquare(observed, hyper.pmf(np.arange(5)) * len(tables)).pvalue > 1e-3
    empty = relabeling_tables(np.random.default_rng(3), np.array([2, 0, 3]), 5)
    assert np.all(empty[:, 1] == 0) and np.all(empty[:, :, 1] == 0)


def test_enumerable_skips_the_binomial_coefficient_of_large_pairs():
    assert enumerable(2, 3, 10) and not enumerable(2, 3, 9)
    assert not enumerable(30_000, 40_000, 4999)


def test_shared_permutation_tests_give_the_exact_permutation_p_values():
    rng = np.random.default_rng(0)
    groups = {"A": rng.gamma(1, 1, (6, 3)), "B": rng.gamma(1, 1, (5, 3)) + 0.5, "C": rng.gamma(1, 1, (7, 3))}
    pairs = [("A", "B"), ("A", "C"), ("C", "B")]
    res = permutation_tests(groups, pairs, n_resamples=20_000,
                            pair_rngs=[np.random.default_rng(i) for i in range(3)],
                            group_rngs={g: np.random.default_rng(10 + i) for i, g in enumerate("ABC")})
    for (a, b), (stat, p) in zip(pairs, res):
        pair = PairData(a, b, groups[a], groups[b], None, None, len(groups[a]), len(groups[b]), "document", 0, 0)
        exact_stat, exact_p, used = permutation_test(pair, n_resamples=10**6, rng=np.random.default_rng(0))
        assert used < 10**6  # every relabeling enumerated
        np.testing.assert_allclose(stat, exact_stat)
        np.testing.assert_allclose(p, exact_p, atol=0.015)


def test_large_omnibus_draws_give_the_full_shuffle_null():
    rng = np.random.default_rng(0)
    sizes = np.array([6, 4, 7, 5])
    labels = np.repeat(np.arange(4), sizes)
    x = rng.gamma(1, 1, (labels.size, 3))
    x[labels == 1, 0] += 0.8
    expected = np.vstack([s * x.mean(axis=0) for s in sizes])
    observed = _between_ss(labels[None], x, expected, sizes.astype(float))[0]
    shared = _large_omnibus_count(x, labels, expected, sizes.astype(float), observed, n_resamples=20_000,
                                  rng=np.random.default_rng(1))
    perms = np.argsort(np.random.default_rng(2).random((20_000, labels.size)), axis=1)
    full = (_between_ss(labels[perms], x, expected, sizes.astype(float)) >= observed * (1 - 1e-9)).sum(axis=0)
    np.testing.assert_allclose(shared / 20_000, full / 20_000, atol=0.015)


def test_large_pair_p_values_do_not_depend_on_other_groups_and_are_seeded():
    # 1,100 documents per outlet: every pair has more than SUBSET_DRAWS_ABOVE
    two = _large_scores(n_docs=1100, outlets=("A", "B"), effects_={"A": {"cat1": 1.2}})
    three = pd.concat([two, _large_scores(n_docs=1100, outlets=("C",), seed=9)], ignore_index=True)
    assert 2 * 1100 > SUBSET_DRAWS_ABOVE
    kw = dict(methods=["permutation"], n_resamples=199, random_state=3)
    ab2 = compare(two, **kw)
    ab3 = compare(three, **kw)
    ab3 = ab3[(ab3.group_a == "A") & (ab3.group_b == "B")].reset_index(drop=True)
    np.testing.assert_array_equal(ab2["p_value"], ab3["p_value"])
    pd.testing.assert_frame_equal(compare(three, **kw), compare(three, **kw))
    other = compare(two, **{**kw, "random_state": 4})
    assert not np.array_equal(ab2["p_value"], other["p_value"])
    # the planted 1.2 in cat1 is detected
    p = ab2.set_index("category")["p_value"]
    assert p["cat1"] < 0.05


def test_large_omnibus_agrees_with_the_f_test_and_is_seeded():
    scores = _large_scores(n_docs=900, effects_={"A": {"cat1": 1.25}})
    out = omnibus(scores, methods=["permutation"], n_resamples=999, random_state=1)
    assert (out["n_units"] > SUBSET_DRAWS_ABOVE).all()
    pd.testing.assert_frame_equal(out, omnibus(scores, methods=["permutation"], n_resamples=999, random_state=1))
    wide = scores.pivot_table(index=["doc_id", "outlet"], columns="category", values="rate").reset_index()
    for _, row in out.iterrows():
        f = scipy.stats.f_oneway(*[g[row.category].to_numpy() for _, g in wide.groupby("outlet")])
        assert row.statistic == pytest.approx(f.statistic, rel=1e-9)
        assert row.p_value == pytest.approx(f.pvalue, abs=0.03)


def test_permuted_between_ss_equals_the_per_group_statistic():
    rng = np.random.default_rng(2)
    labels = np.repeat([0, 1, 2], [5, 7, 4])
    x = rng.random((16, 3))
    sizes = np.bincount(labels).astype(float)
    expected = np.vstack([sizes[g] * x.mean(axis=0) for g in range(3)])
    perms = np.argsort(rng.random((40, 16)), axis=1)
    np.testing.assert_allclose(_permuted_between_ss(perms, labels, x, expected, sizes),
                               _between_ss(labels[perms], x, expected, sizes), rtol=1e-12)


def test_large_permutation_test_agrees_with_the_full_shuffle():
    rng = np.random.default_rng(3)
    # 1500 + 1000 units > SUBSET_DRAWS_ABOVE: relabelings drawn as hypergeometric counts and group orders
    xa, xb = rng.gamma(1.0, 1.0, (1500, 4)), rng.gamma(1.0, 1.0, (1000, 4))
    xa[:, 0] += 0.1
    assert len(xa) + len(xb) > SUBSET_DRAWS_ABOVE

    def pair(a, b):
        return PairData("A", "B", a, b, None, None, len(a), len(b), "document", 0, 0)

    stat, p, used = permutation_test(pair(xa, xb), n_resamples=2000, rng=np.random.default_rng(0))
    np.testing.assert_allclose(stat, xa.mean(0) - xb.mean(0))
    assert used == 2000
    # the two-sample t test's p-value as the reference (2500 units: the null is normal)
    z = scipy.stats.ttest_ind(xa, xb, equal_var=True).pvalue
    np.testing.assert_allclose(p, z, atol=0.03)
    # the smaller group may be either one: swapping the groups mirrors the statistic
    stat2, p2, _ = permutation_test(pair(xb, xa), n_resamples=2000, rng=np.random.default_rng(0))
    np.testing.assert_allclose(stat2, -stat)
    np.testing.assert_allclose(p2, z, atol=0.03)


def test_large_pairs_share_group_draws_and_rows_do_not_depend_on_other_groups():
    two = _large_scores(outlets=("A", "B"))
    three = pd.concat([two, _large_scores(outlets=("C",), seed=9)], ignore_index=True)
    kw = dict(effects=["rate_ratio", "rate_difference"], n_resamples=199)
    ab2 = effects(two, **kw)
    ab3 = effects(three, **kw)
    ab3 = ab3[(ab3.group_a == "A") & (ab3.group_b == "B")].reset_index(drop=True)
    pd.testing.assert_frame_equal(ab2, ab3)
    # compare reports the same effect rows as effects
    cmp = compare(three, methods=["welch"], effect="rate_ratio", n_resamples=199)
    eff = effects(three, effects=["rate_ratio"], n_resamples=199)
    np.testing.assert_allclose(cmp["ci_low"], eff["ci_low"])
    np.testing.assert_allclose(cmp["ci_high"], eff["ci_high"])


def test_large_pair_intervals_cover_like_the_multinomial_draws():
    scores = _large_scores(n_docs=800, outlets=("A", "B"), effects_={"A": {"cat1": 1.3}})
    out = effects(scores, effects=["rate_ratio", "rate_difference", "cohens_d"], n_resamples=999)
    # the same pair at or below INDEX_DRAWS_ABOVE (every 8th document: multinomial draws) gives
    # intervals of the expected width ratio
    docs = sorted(scores["doc_id"].unique())[::8]
    assert len(docs) <= INDEX_DRAWS_ABOVE
    half = effects(scores[scores["doc_id"].isin(docs)], effects=["rate_ratio", "rate_difference", "cohens_d"],
                   n_resamples=999)
    width, half_width = out["ci_high"] - out["ci_low"], half["ci_high"] - half["ci_low"]
    np.testing.assert_allclose(width / half_width, np.sqrt(1 / 8), rtol=0.3)
    assert np.all((out["ci_low"] < out["estimate"]) & (out["estimate"] < out["ci_high"]))
    ratio = out[(out.effect == "rate_ratio") & (out.category == "cat1")].iloc[0]
    assert ratio.ci_low > 1.0  # the planted 1.3 is detected with 800 documents per outlet


def test_large_group_summary_matches_the_t_interval():
    scores = _large_scores(n_docs=1500, outlets=("A", "B"))
    boot = summarize(scores, n_resamples=1999, ci_method="studentized")
    t = summarize(scores, n_resamples=1999, ci_method="t")
    assert (boot["n_resamples"] == 1999).all()
    for col in ("mean_low", "mean_high", "pooled_low", "pooled_high"):
        np.testing.assert_allclose(boot[col], t[col], rtol=0.02)


def test_large_sample_draws_are_seeded():
    scores = _large_scores(n_docs=600, outlets=("A", "B"))
    a = compare(scores, n_resamples=99, random_state=4)
    b = compare(scores, n_resamples=99, random_state=4)
    c = compare(scores, n_resamples=99, random_state=5)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["ci_low"], c["ci_low"])
    assert seeds.derive_seed(4, "effect_group", "A") != seeds.derive_seed(4, "effect", "A")
