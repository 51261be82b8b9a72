import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from framing.stats._warnings import StatsWarning
from framing.stats.distinct import (
    DISTINCT_COLUMNS,
    TERM_CONTRIBUTION_COLUMNS,
    _design,
    _estimates,
    _permuted_labels,
    distinctiveness,
    term_contributions,
)
from framing.stats.simulate import simulate_term_counts

# Toy 1: two terms, R = {[2,0], [1,1]}, D = {[0,2], [1,1]}.
TOY1 = np.array([[2, 0], [1, 1], [0, 2], [1, 1]])
TOY1_GROUPS = ["R", "R", "D", "D"]

# Toy 2: terms (x, y, z); R = r1 [3,1,0], r2 [1,0,1]; D = d1 [0,2,0], d2 [1,1,0], d3 [0,0,0] (empty).
TOY2 = np.array([[3, 1, 0], [1, 0, 1], [0, 2, 0], [1, 1, 0], [0, 0, 0]])
TOY2_GROUPS = ["R", "R", "D", "D", "D"]


def _estimate(frame, estimator):
    return float(frame.loc[frame["estimator"] == estimator, "estimate"].iloc[0])


# --------------------------------------------------------------------------- hand-computed values


def test_toy1_hand_computed():
    # Plug-in: pooled R = [3,1]/4 = [.75,.25]; pooled D = [1,3]/4 = [.25,.75]; rho = [.75,.25]
    #   pi = 1/2 (.75*.75 + .25*.25) + 1/2 (.25*.25 + .75*.75) = 1/2 * .625 + 1/2 * .625 = .625
    # Leave-out:
    #   r1 q=[1,0]:   R_-1 = [.5,.5], qD=[.25,.75] -> rho = [.5/.75, .5/1.25] = [2/3, .4]; q.rho = 2/3
    #   r2 q=[.5,.5]: R_-2 = [1,0]                 -> rho = [1/1.25, 0/.75] = [.8, 0];   q.rho = .4
    #   mean R = (2/3 + .4)/2 = 8/15
    #   d1 q=[0,1]:   D_-1 = [.5,.5], qR=[.75,.25] -> 1-rho = [.5/1.25, .5/.75] = [.4, 2/3]; = 2/3
    #   d2 q=[.5,.5]: D_-2 = [0,1]                 -> 1-rho = [0, 1/1.25] = [0, .8];         = .4
    #   mean D = 8/15 ;  pi_LO = 1/2 * 8/15 + 1/2 * 8/15 = 8/15
    out = distinctiveness(TOY1, TOY1_GROUPS, group_a="R", n_resamples=0)
    assert _estimate(out, "leave_out") == pytest.approx(8 / 15, abs=1e-12)
    assert _estimate(out, "plug_in") == pytest.approx(0.625, abs=1e-12)


def test_toy2_hand_computed_with_empty_document_and_undefined_rho():
    # d3 is empty: excluded (n_excluded = 1).  Pooled R = [4,1,1]/6, pooled D = [1,3,0]/4.
    # qR = [2/3, 1/6, 1/6]; qD = [1/4, 3/4, 0]; rho = [8/11, 2/11, 1]
    # Plug-in: 1/2 (2/3*8/11 + 1/6*2/11 + 1/6*1) = 1/2 * 45/66 = 45/132
    #          1/2 (1/4*3/11 + 3/4*9/11 + 0)      = 1/2 * 30/44 = 45/132  -> pi = 90/132 = 15/22
    # Leave-out:
    #   r1 q=[3/4,1/4,0]: R_-r1 = [1/2,0,1/2]; rho = [(1/2)/(3/4), 0, (1/2)/(1/2)] = [2/3,0,1]; q.rho = 1/2
    #   r2 q=[1/2,0,1/2]: R_-r2 = [3/4,1/4,0]; rho = [3/4, 1/4, 0/0 -> 1/2 by convention];
    #                     q.rho = 1/2*3/4 + 1/2*1/2 = 5/8
    #   mean R = (1/2 + 5/8)/2 = 9/16
    #   d1 q=[0,1,0]:     D_-d1 = [1/2,1/2,0]; 1-rho = [(1/2)/(7/6), (1/2)/(2/3), 0] = [3/7,3/4,0]; = 3/4
    #   d2 q=[1/2,1/2,0]: D_-d2 = [0,1,0];     1-rho = [0, 1/(7/6), 0] = [0,6/7,0]; = 3/7
    #   mean D = (3/4 + 3/7)/2 = 33/56
    #   pi_LO = 9/32 + 33/112 = 129/224
    out = distinctiveness(TOY2, TOY2_GROUPS, group_a="R", n_resamples=0)
    assert _estimate(out, "leave_out") == pytest.approx(129 / 224, abs=1e-12)
    assert _estimate(out, "plug_in") == pytest.approx(15 / 22, abs=1e-12)
    row = out.iloc[0]
    assert (row.group_a, row.group_b, row.n_docs_a, row.n_docs_b, row.n_excluded, row.n_terms) == ("R", "D", 2, 2, 1, 3)
    assert (row.unit, row.n_units_a, row.n_units_b) == ("document", 2, 2)


def test_toy2_sparse_integer_labels_and_group_swap_agree():
    dense = distinctiveness(TOY2, TOY2_GROUPS, group_a="R", n_resamples=0)
    for counts in (sp.csr_matrix(TOY2), sp.csc_matrix(TOY2), sp.coo_array(TOY2), TOY2.astype(float)):
        out = distinctiveness(counts, TOY2_GROUPS, group_a="R", n_resamples=0)
        assert out["estimate"].tolist() == pytest.approx(dense["estimate"].tolist(), abs=1e-14)
    swapped = distinctiveness(TOY2, TOY2_GROUPS, group_a="D", n_resamples=0)  # pi is symmetric in the groups
    assert swapped["estimate"].tolist() == pytest.approx(dense["estimate"].tolist(), abs=1e-14)
    as_ints = distinctiveness(TOY2, pd.Series([1, 1, 0, 0, 0]), n_resamples=0)  # default group_a: sorted first = 0
    assert (as_ints.group_a[0], as_ints.group_b[0]) == ("0", "1")
    assert as_ints["estimate"].tolist() == pytest.approx(dense["estimate"].tolist(), abs=1e-14)


def test_term_contributions_hand_computed():
    # kappa_j = 1/2 mean_R(q_ij rho_-i,j) + 1/2 mean_D(q_ij (1 - rho_-i,j)), from the toy-2 arithmetic above:
    #   x: 1/2 * (3/4*2/3 + 1/2*3/4)/2 + 1/2 * (0 + 1/2*0)/2 = 1/2 * 7/16 = 7/32
    #   y: 1/2 * (0 + 0)/2 + 1/2 * (1*3/4 + 1/2*6/7)/2 = 1/2 * 33/56 = 33/112
    #   z: 1/2 * (0 + 1/2*1/2)/2 + 0 = 1/16              sum = 129/224 = pi_LO
    # baseline 1/4 (mean_R q_j + mean_D q_j): x 1/4 (5/8 + 1/4) = 7/32; y 1/4 (1/8 + 3/4) = 7/32;
    #   z 1/4 (1/4 + 0) = 1/16 -> excess x 0, y 33/112 - 7/32 = 17/224, z 0 (sum 17/224 = pi_LO - 1/2)
    out = term_contributions(TOY2, TOY2_GROUPS, group_a="R", terms=["x", "y", "z"])
    assert tuple(out.columns) == TERM_CONTRIBUTION_COLUMNS
    assert out["term"].iloc[0] == "y"
    by_term = out.set_index("term")
    assert by_term.loc[["x", "y", "z"], "contribution"].tolist() == pytest.approx([7 / 32, 33 / 112, 1 / 16], abs=1e-12)
    assert by_term.loc[["x", "y", "z"], "excess"].tolist() == pytest.approx([0, 17 / 224, 0], abs=1e-12)
    assert by_term.loc[["x", "y", "z"], "rho"].tolist() == pytest.approx([8 / 11, 2 / 11, 1], abs=1e-12)
    assert by_term.loc[["x", "y", "z"], "count_a"].tolist() == [4, 1, 1]
    assert by_term.loc[["x", "y", "z"], "count_b"].tolist() == [1, 3, 0]
    assert by_term.loc[["x", "y", "z"], "share_b"].tolist() == pytest.approx([1 / 4, 3 / 4, 0])
    assert (out.group_a == "R").all() and (out.group_b == "D").all()


def test_term_contributions_sum_ties_and_unused_terms():
    rng = np.random.default_rng(5)
    counts = rng.poisson(0.7, size=(12, 8))
    counts[:, 7] = counts[:, 6]  # identical columns: identical excess, tie broken by term_index
    counts[:, 3] = 0  # unused term: no row
    groups = np.array(["L", "R"] * 6)
    out = term_contributions(counts, groups)
    lo = _estimate(distinctiveness(counts, groups, n_resamples=0), "leave_out")
    assert out["contribution"].sum() == pytest.approx(lo, abs=1e-12)
    assert out["excess"].sum() == pytest.approx(lo - 0.5, abs=1e-12)
    assert 3 not in out["term_index"].tolist() and out["term"].tolist() == [str(j) for j in out["term_index"]]
    positions = out["term_index"].tolist()
    assert positions.index(6) + 1 == positions.index(7)
    assert (np.diff(out["excess"].to_numpy()) <= 0).all()


# --------------------------------------------------------------------------- against a slow reference


def _slow(counts, groups, a, weights=None):
    """Obvious per-document loops; weights = bootstrap multiplicities (copies left out together)."""
    counts = np.asarray(counts, dtype=float)
    groups = np.asarray(groups)
    w = np.ones(len(groups)) if weights is None else np.asarray(weights, dtype=float)
    keep = counts.sum(axis=1) > 0
    counts, groups, w = counts[keep], groups[keep], w[keep]

    def ratio(num, other):
        out = np.full(num.shape, 0.5)
        for j in range(num.size):
            if num[j] + other[j] > 0:
                out[j] = num[j] / (num[j] + other[j])
        return out

    pooled = {g: (w[groups == g][:, None] * counts[groups == g]).sum(axis=0) for g in set(groups.tolist())}
    b = next(g for g in pooled if g != a)
    q_a, q_b = pooled[a] / pooled[a].sum(), pooled[b] / pooled[b].sum()
    rho = ratio(q_a, q_b)
    plug_in = 0.5 * q_a @ rho + 0.5 * q_b @ (1 - rho)
    halves = []
    for g, other in ((a, q_b), (b, q_a)):
        total, weight = 0.0, 0.0
        for i in range(len(groups)):
            if groups[i] != g or w[i] == 0:
                continue
            rest = pooled[g] - w[i] * counts[i]
            own = rest / rest.sum()
            q_i = counts[i] / counts[i].sum()
            total += w[i] * q_i @ ratio(own, other)
            weight += w[i]
        halves.append(total / weight)
    return 0.5 * halves[0] + 0.5 * halves[1], plug_in


@pytest.mark.parametrize("seed", range(6))
def test_leave_out_equals_slow_loop(seed):
    rng = np.random.default_rng(seed)
    n, v = rng.integers(5, 15), rng.integers(3, 12)
    counts = rng.poisson(rng.uniform(0.2, 2.0), size=(n, v))
    counts[0] = 0  # an empty document
    groups = np.array(["left"] * 3 + ["right"] * 3 + list(rng.choice(["left", "right"], size=n - 6)))
    lo, pi = _slow(counts, groups, "left")
    for matrix in (counts, sp.csr_matrix(counts)):
        out = distinctiveness(matrix, groups, n_resamples=0)
        assert _estimate(out, "leave_out") == pytest.approx(lo, rel=1e-12)
        assert _estimate(out, "plug_in") == pytest.approx(pi, rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_weighted_leave_out_equals_slow_loop(seed):
    # The bootstrap's weighted estimator: multiplicity w_i, all copies of i left out of rho_-i.
    rng = np.random.default_rng(100 + seed)
    counts = rng.poisson(1.0, size=(10, 6)) + np.eye(10, 6, dtype=int)
    groups = np.array(["a", "b"] * 5)
    weights = rng.integers(0, 4, size=10).astype(float)
    weights[:4] = [1, 2, 1, 3]  # at least two used documents per group
    d = _design(counts, groups, None, None)
    lo, pi = _estimates(d, weights, d.is_a)
    assert (lo, pi) == pytest.approx(_slow(counts, groups, "a", weights), rel=1e-12)
    # replicating every document k times changes nothing
    assert _estimates(d, 3 * np.ones(10), d.is_a) == pytest.approx(_estimates(d, np.ones(10), d.is_a), rel=1e-12)


# --------------------------------------------------------------------------- null, bias and power


def test_null_leave_out_near_half_plug_in_biased_upward():
    # Planted null: 20 corpora of 2 x 30 bursty documents over 400 terms.
    lo, pi = [], []
    for seed in range(20):
        sim = simulate_term_counts(n_docs_per_group=30, n_terms=400, dispersion=0.3, length_mean=120, random_state=seed)
        out = distinctiveness(sim.counts, sim.groups, n_resamples=0)
        lo.append(_estimate(out, "leave_out"))
        pi.append(_estimate(out, "plug_in"))
    assert abs(np.mean(lo) - 0.5) < 0.015  # observed 0.5065; the standard error of the mean is 0.005
    assert np.mean(pi) > 0.65  # observed 0.696
    assert all(p > q for p, q in zip(pi, lo))


def test_permutation_null_centres_near_half():
    sim = simulate_term_counts(n_docs_per_group=40, n_terms=300, dispersion=0.3, length_mean=150, random_state=11)
    out = distinctiveness(sim.counts, sim.groups, n_resamples=199, random_state=3)
    lo, pi = out.iloc[0], out.iloc[1]
    assert abs(lo.null_mean - 0.5) < 0.01
    assert lo.null_low < 0.5 < lo.null_high
    assert pi.null_mean > lo.null_mean + 0.1 and pi.null_low > 0.5
    assert lo.p_value > 0.05
    for row in (lo, pi):  # p = (1 + #{null >= observed}) / (1 + n)
        hits = row.p_value * 200 - 1
        assert hits == pytest.approx(round(hits)) and 0 <= round(hits) <= 199
    assert lo.ci_low <= lo.estimate <= lo.ci_high
    assert np.isnan(pi.ci_low) and np.isnan(pi.ci_high)


def test_planted_group_effect_detected():
    sim = simulate_term_counts(
        n_docs_per_group=40, n_terms=300, dispersion=0.3, length_mean=150, group_effect=1.5, random_state=2
    )
    out = distinctiveness(sim.counts, sim.groups, n_resamples=199, random_state=1)
    lo = out.iloc[0]
    assert lo.estimate > lo.null_high and lo.p_value == pytest.approx(1 / 200)
    assert lo.ci_low > 0.5
    terms = term_contributions(sim.counts, sim.groups)
    planted = terms["term_index"].isin(sim.planted_terms)
    # planted terms carry most of the excess over 0.5; per term, far more than the others
    assert terms.loc[planted, "excess"].sum() > 0.6 * (lo.estimate - 0.5)
    assert terms.loc[planted, "excess"].mean() > 10 * abs(terms.loc[~planted, "excess"].mean())
    # rho points to the group each planted term was planted in (a: +1, b: -1) for most planted terms
    present = np.isin(sim.planted_terms, terms["term_index"])  # rare planted terms may not occur at all
    rho = terms.set_index("term_index").loc[sim.planted_terms[present], "rho"].to_numpy()
    assert np.mean(np.sign(rho - 0.5) == sim.planted_direction[present]) >= 0.75  # observed 0.86


def test_cluster_permutation_moves_whole_clusters():
    sim = simulate_term_counts(
        n_docs_per_group=12, n_terms=50, dispersion=0.0, length_mean=40, n_outlets_per_group=3, random_state=0
    )
    d = _design(sim.counts, sim.groups, None, sim.outlets)
    rng = np.random.default_rng(0)
    for _ in range(20):
        labels = _permuted_labels(d, rng)
        per_cluster = pd.Series(labels).groupby(d.clusters).nunique()
        assert (per_cluster == 1).all()
        assert pd.Series(labels).groupby(d.clusters).first().sum() == 3


def test_cluster_null_absorbs_outlet_house_style():
    # Null groups, strong outlet random effects: moving whole outlets gives a null centred above the
    # document-level one, since any split of outlets separates their house styles.
    doc_means, cluster_means = [], []
    for seed in range(3):
        sim = simulate_term_counts(
            n_docs_per_group=30,
            n_terms=200,
            dispersion=0.3,
            length_mean=100,
            n_outlets_per_group=5,
            outlet_sd=0.8,
            random_state=seed,
        )
        doc = distinctiveness(sim.counts, sim.groups, n_resamples=49, random_state=seed)
        cl = distinctiveness(sim.counts, sim.groups, clusters=sim.outlets, n_resamples=49, random_state=seed)
        assert cl.unit.tolist() == ["cluster"] * 2 and cl.n_units_a[0] == 5 and cl.n_docs_a[0] == 30
        doc_means.append(doc.null_mean[0])
        cluster_means.append(cl.null_mean[0])
    assert np.mean(cluster_means) > np.mean(doc_means) + 0.005


# --------------------------------------------------------------------------- schema, determinism, warnings


def test_schema_and_dtypes():
    out = distinctiveness(TOY2, TOY2_GROUPS, n_resamples=0)
    assert tuple(out.columns) == DISTINCT_COLUMNS
    assert out["estimator"].tolist() == ["leave_out", "plug_in"]
    assert out[["ci_low", "ci_high", "null_mean", "null_low", "null_high", "p_value"]].isna().all().all()
    for col in ("n_docs_a", "n_docs_b", "n_units_a", "n_units_b", "n_terms", "n_excluded", "n_resamples"):
        assert out[col].dtype == np.int64
    assert out["estimate"].dtype == np.float64 and out["confidence"].tolist() == [0.95, 0.95]


def test_determinism():
    sim = simulate_term_counts(n_docs_per_group=15, n_terms=80, dispersion=0.5, length_mean=60, random_state=4)
    first = distinctiveness(sim.counts, sim.groups, n_resamples=50, random_state=9)
    again = distinctiveness(sim.counts, sim.groups, n_resamples=50, random_state=9)
    pd.testing.assert_frame_equal(first, again)
    other = distinctiveness(sim.counts, sim.groups, n_resamples=50, random_state=10)
    assert not first[["ci_low", "null_mean"]].equals(other[["ci_low", "null_mean"]])
    assert first["estimate"].equals(other["estimate"])
    # random_state defaults to DEFAULTS["seed"] (0): the default call is reproducible
    pd.testing.assert_frame_equal(distinctiveness(sim.counts, sim.groups, n_resamples=20),
                                  distinctiveness(sim.counts, sim.groups, n_resamples=20, random_state=0))


def test_few_clusters_warn():
    counts = np.array([[2, 1], [1, 2], [3, 0], [0, 1], [1, 1], [2, 2], [0, 3], [1, 0]])
    groups = ["a"] * 4 + ["b"] * 4
    clusters = ["o1", "o1", "o2", "o2", "o3", "o3", "o4", "o4"]
    with pytest.warns(StatsWarning, match=r"only 2 and 2 clusters in groups 'a' and 'b'"):
        out = distinctiveness(counts, groups, clusters=clusters, n_resamples=20, random_state=0)
    assert out.unit[0] == "cluster" and (out.n_units_a[0], out.n_units_b[0]) == (2, 2)


def test_degenerate_bootstrap_replicates_warn():
    with pytest.warns(StatsWarning, match=r"bootstrap replicates drew a single distinct document in a group"):
        distinctiveness(TOY1, TOY1_GROUPS, n_resamples=30, random_state=0)


def test_no_warning_in_ordinary_use():
    sim = simulate_term_counts(n_docs_per_group=20, n_terms=60, dispersion=0.2, length_mean=50, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        distinctiveness(sim.counts, sim.groups, n_resamples=30, random_state=0)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("counts", "groups", "kwargs", "error", "match"),
    [
        ([[1, 2], [3, 4]], ["a", "b"], {}, TypeError, r"counts: expected a scipy.sparse matrix or a 2-D numpy.ndarray"),
        (
            np.ones(4),
            ["a", "b"],
            {},
            ValueError,
            r"counts: expected a 2-D documents × terms matrix, got an array with 1",
        ),
        (np.array([["x", "y"]] * 4), list("aabb"), {}, TypeError, r"counts: expected integer counts, got dtype <U1"),
        (-TOY1, TOY1_GROUPS, {}, ValueError, r"counts: contains a negative value \(-2\)"),
        (TOY1 * 0.5, TOY1_GROUPS, {}, ValueError, r"counts: contains a non-integer value \(0.5\)"),
        (TOY1 * np.nan, TOY1_GROUPS, {}, ValueError, r"counts: contains NaN or infinite values"),
        (np.zeros((4, 0)), TOY1_GROUPS, {}, ValueError, r"counts: has no terms"),
        (TOY1, "RRDD", {}, TypeError, r"groups: expected an array of labels, one per document"),
        (TOY1, ["R", "R", "D"], {}, ValueError, r"groups: has 3 labels but counts has 4 documents"),
        (TOY1, ["R", None, "D", "D"], {}, ValueError, r"groups: label of document 1 is missing"),
        (TOY1, ["R", 1, "D", "D"], {}, TypeError, r"groups: labels must be mutually comparable"),
        (TOY1, ["R", "R", "R", "R"], {}, ValueError, r"groups: expected exactly 2 distinct labels, got 1"),
        (TOY1, ["R", "D", "I", "D"], {}, ValueError, r"groups: expected exactly 2 distinct labels, got 3"),
        (TOY1, TOY1_GROUPS, {"group_a": "X"}, ValueError, r"group_a: 'X' is not one of the group labels \['D', 'R'\]"),
        (TOY2, ["R", "D", "D", "D", "R"], {}, ValueError, r"groups: group 'R' has 1 document\(s\) with at least one"),
        (
            TOY1,
            TOY1_GROUPS,
            {"clusters": ["o1", "o2", "o2", "o3"]},
            ValueError,
            r"clusters: cluster 'o2' has documents in both groups",
        ),
        (
            TOY1,
            TOY1_GROUPS,
            {"clusters": ["o1", "o1", "o2", "o3"]},
            ValueError,
            r"clusters: group 'R' has 1 cluster\(s\)",
        ),
        (TOY1, TOY1_GROUPS, {"clusters": ["o1", "o1", "o2"]}, ValueError, r"clusters: has 3 labels but counts has 4"),
        (
            TOY1,
            TOY1_GROUPS,
            {"n_resamples": 1.5},
            TypeError,
            r"n_resamples: expected an integer >= 0, got 1.5",
        ),
        (
            TOY1,
            TOY1_GROUPS,
            {"n_resamples": -1},
            ValueError,
            r"n_resamples: expected an integer >= 0, got -1",
        ),
        (
            TOY1,
            TOY1_GROUPS,
            {"confidence": "95"},
            TypeError,
            r"confidence: expected a finite number in \(0, 1\), got '95'",
        ),
        (
            TOY1,
            TOY1_GROUPS,
            {"confidence": 95},
            ValueError,
            r"confidence: expected a finite number in \(0, 1\), got 95",
        ),
        (TOY1, TOY1_GROUPS, {"random_state": 1.0}, TypeError, r"random_state: expected an integer >= 0, got 1.0"),
        (
            TOY1,
            TOY1_GROUPS,
            {"random_state": -3},
            ValueError,
            r"random_state: expected an integer >= 0, got -3",
        ),
    ],
)
def test_errors(counts, groups, kwargs, error, match):
    with pytest.raises(error, match=match):
        distinctiveness(counts, groups, **kwargs)


def test_error_huge_counts_and_terms_length():
    with pytest.raises(ValueError, match=r"counts: a count is too large to be summed exactly"):
        distinctiveness(TOY1 * 2.0**53, TOY1_GROUPS)
    with pytest.raises(ValueError, match=r"terms: has 2 labels but counts has 3 terms"):
        term_contributions(TOY2, TOY2_GROUPS, terms=["x", "y"])
    with pytest.raises(TypeError, match=r"terms: expected a sequence of term labels, got str"):
        term_contributions(TOY2, TOY2_GROUPS, terms="xyz")
