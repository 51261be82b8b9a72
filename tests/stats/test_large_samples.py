"""The resampling kernels for large samples (more than ``INDEX_DRAWS_ABOVE`` /
``SUBSET_DRAWS_ABOVE`` units):
index draws instead of multinomial weights, random subsets instead of full
shuffles, and the sparse group sums of the omnibus permutation test."""

import numpy as np
import pandas as pd
import pytest

from framing import seeds
from framing.stats import compare, effects, simulate_scores, summarize
from framing.stats._resample import INDEX_DRAWS_ABOVE, SUBSET_DRAWS_ABOVE, bootstrap_weights, random_subsets
from framing.stats.compare import _between_ss, _permuted_between_ss, permutation_test
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


def test_random_subsets_are_subsets_of_the_right_size():
    sub = random_subsets(np.random.default_rng(1), 30, 7, 500).toarray()
    assert sub.shape == (500, 30)
    assert set(np.unique(sub)) == {0.0, 1.0}
    assert np.all(sub.sum(axis=1) == 7)
    # every unit is drawn with probability 7/30
    assert sub.mean(axis=0) == pytest.approx(np.full(30, 7 / 30), abs=0.07)
    assert random_subsets(np.random.default_rng(1), 5, 0, 3).toarray().sum() == 0


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
    # 1500 + 1000 units > SUBSET_DRAWS_ABOVE: relabelings are random subsets of 1000
    xa, xb = rng.gamma(1.0, 1.0, (1500, 4)), rng.gamma(1.0, 1.0, (1000, 4))
    xa[:, 0] += 0.1
    assert len(xa) + len(xb) > SUBSET_DRAWS_ABOVE

    def pair(a, b):
        return PairData("A", "B", a, b, None, None, len(a), len(b), "document", 0, 0)

    stat, p, used = permutation_test(pair(xa, xb), n_resamples=2000, rng=np.random.default_rng(0))
    np.testing.assert_allclose(stat, xa.mean(0) - xb.mean(0))
    assert used == 2000
    # the two-sample t test's p-value as the reference (2500 units: the null is normal)
    import scipy.stats
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
