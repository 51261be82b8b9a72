import datetime as dt

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from framing.match.scoring import SCORE_COLUMNS
from framing.stats.simulate import (
    METADATA_COLUMNS,
    SIMULATED_SCORE_COLUMNS,
    SimulatedTermCounts,
    simulate_scores,
    simulate_term_counts,
)

BASE = {"outlets": ["left", "right"], "n_docs": 10, "categories": ["threat", "hedging"], "base_rate": 5.0}


# --------------------------------------------------------------------------- simulate_scores


def test_schema_is_score_columns_then_metadata():
    s = simulate_scores(**BASE, random_state=0)
    assert tuple(s.columns) == (*SCORE_COLUMNS, "outlet_group", "story_id", "date") == SIMULATED_SCORE_COLUMNS
    assert METADATA_COLUMNS == ("outlet_group", "story_id", "date")
    assert len(s) == 2 * 10 * 2
    assert (s.part == "text").all() and (s.voice == "all").all() and (s.denominator == "per_1000_tokens").all()
    assert (s.negated == 0).all() and (s.weight == s["count"].astype(float)).all()
    assert np.allclose(s.rate, 1000 * s["count"] / s.tokens)
    assert (s.tokens >= 1).all() and (s.outlet_group == "all").all() and s.story_id.isna().all()
    for col, kind in (("count", "i"), ("negated", "i"), ("tokens", "i"), ("weight", "f"), ("rate", "f")):
        assert s[col].dtype.kind == kind
    assert s.doc_id.iloc[0] == "left-0001" and s.doc_id.iloc[-1] == "right-0010"
    assert s.category.tolist()[:4] == ["threat", "hedging", "threat", "hedging"]
    # each document has one length and one date across its categories
    assert (s.groupby("doc_id")[["tokens", "date"]].nunique() == 1).all().all()
    dates = pd.to_datetime(s.date, format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp("2024-01-01") and dates.max() <= pd.Timestamp("2024-12-31")


def test_names_from_ints_groups_part_and_date_range():
    s = simulate_scores(
        outlets=3,
        n_docs=4,
        categories=2,
        base_rate=1.0,
        group_of={"outlet1": "L", "outlet2": "L", "outlet3": "R"},
        part="title",
        start_date="2025-03-01",
        end_date="2025-03-01",
        random_state=1,
    )
    assert s.outlet.unique().tolist() == ["outlet1", "outlet2", "outlet3"]
    assert s.category.unique().tolist() == ["cat1", "cat2"]
    assert s.groupby("outlet").outlet_group.first().tolist() == ["L", "L", "R"]
    assert (s.part == "title").all() and (s.date == "2025-03-01").all()


def test_reproducible_and_seed_sensitive():
    a = simulate_scores(**BASE, strata=5, stratum_sd=0.3, random_state=7)
    b = simulate_scores(**BASE, strata=5, stratum_sd=0.3, random_state=7)
    pd.testing.assert_frame_equal(a, b)
    c = simulate_scores(**BASE, strata=5, stratum_sd=0.3, random_state=8)
    assert not a["count"].equals(c["count"])
    # reproducible by default: random_state defaults to DEFAULTS["seed"] (0)
    pd.testing.assert_frame_equal(simulate_scores(**BASE), simulate_scores(**BASE, random_state=0))
    kw = {"n_docs_per_group": 5, "n_terms": 20, "dispersion": 0.5, "length_mean": 30}
    assert (simulate_term_counts(**kw).counts != simulate_term_counts(**kw, random_state=0).counts).nnz == 0


def test_mean_rates_match_planted_rates():
    # 2 x 400 documents of ~600 tokens: ~1,200 expected hits per outlet and category; with dispersion 0.5 the
    # pooled rate has a relative sd of about 5%, so 15% is a 3-sd tolerance.
    s = simulate_scores(
        outlets=["a", "b"],
        n_docs=400,
        categories=["x", "y"],
        base_rate={"x": 5.0, "y": 2.0},
        outlet_effects={"b": {"x": 2.0}},
        dispersion=0.5,
        random_state=3,
    )
    pooled = s.groupby(["outlet", "category"]).apply(lambda g: 1000 * g["count"].sum() / g["tokens"].sum())
    planted = {("a", "x"): 5.0, ("a", "y"): 2.0, ("b", "x"): 10.0, ("b", "y"): 2.0}
    for key, rate in planted.items():
        assert pooled[key] == pytest.approx(rate, rel=0.15)


def test_dispersion_produces_overdispersion():
    # Fixed length 1000 and base rate 5: the count mean is 5.  Poisson: variance/mean = 1; gamma-Poisson with
    # dispersion phi: variance/mean = 1 + phi * mean = 1 + 1 * 5 = 6.
    kw = {
        "outlets": 1,
        "n_docs": 1500,
        "categories": 1,
        "base_rate": 5.0,
        "length_mean": 1000,
        "length_sd": 0,
        "random_state": 2,
    }
    poisson = simulate_scores(**kw, dispersion=0.0)["count"]
    bursty = simulate_scores(**kw, dispersion=1.0)["count"]
    assert poisson.var() / poisson.mean() == pytest.approx(1.0, abs=0.15)
    assert bursty.var() / bursty.mean() > 4.0
    assert bursty.mean() == pytest.approx(5.0, rel=0.1)


@pytest.mark.parametrize("distribution", ["lognormal", "negative_binomial"])
def test_length_distributions(distribution):
    s = simulate_scores(
        outlets=1,
        n_docs=3000,
        categories=1,
        base_rate=1.0,
        length_mean=500,
        length_sd=200,
        length_distribution=distribution,
        random_state=4,
    )
    assert s.tokens.mean() == pytest.approx(500, rel=0.03)
    assert s.tokens.std() == pytest.approx(200, rel=0.08)


def test_strata_cover_every_outlet_and_share_story_effects():
    s = simulate_scores(
        outlets=["a", "b", "c"],
        n_docs=20,
        categories=["x"],
        base_rate=20.0,
        strata=10,
        stratum_sd=1.0,
        dispersion=0.0,
        length_sd=0,
        random_state=5,
    )
    coverage = pd.crosstab(s.story_id, s.outlet)
    assert coverage.shape == (10, 3) and (coverage == 2).all().all()
    assert sorted(s.story_id.unique()) == [f"s{j:03d}" for j in range(1, 11)]
    assert (s.groupby("story_id").date.nunique() == 1).all()
    # the story effect is shared: per-story mean counts correlate across outlets
    means = s.pivot_table(index="story_id", columns="outlet", values="count", aggfunc="mean")
    # (over seeds 0-199 the smallest of the three correlations has median 0.94 and 1% quantile 0.59;
    # without a story effect it would scatter around 0)
    assert means.corr().to_numpy()[np.triu_indices(3, 1)].min() > 0.5


def test_strata_with_uneven_documents_still_cover():
    s = simulate_scores(outlets=2, n_docs=7, categories=1, base_rate=1.0, strata=7, random_state=0)
    assert (pd.crosstab(s.story_id, s.outlet) == 1).all().all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"outlets": "abc"},
            TypeError,
            r"outlets: expected an int \(how many\) or a sequence of unique names, got str",
        ),
        ({"outlets": 0}, ValueError, r"outlets: expected an integer >= 1, got 0"),
        ({"outlets": []}, ValueError, r"outlets: expected at least one name, got an empty sequence"),
        ({"outlets": ["a", 3]}, TypeError, r"outlets: expected a string, got 3"),
        ({"outlets": ["a", "a"]}, ValueError, r"outlets: names must be unique, 'a' appears more than once"),
        ({"n_docs": 2.0}, TypeError, r"n_docs: expected an integer >= 1, got 2.0"),
        ({"n_docs": 0}, ValueError, r"n_docs: expected an integer >= 1, got 0"),
        ({"categories": ["x", ""]}, ValueError, r"categories: expected a non-empty string, got ''"),
        ({"base_rate": -1.0}, ValueError, r"base_rate: expected a finite number >= 0, got -1.0"),
        ({"base_rate": "5"}, TypeError, r"base_rate: expected a finite number >= 0, got '5'"),
        ({"base_rate": float("nan")}, ValueError, r"base_rate: expected a finite number >= 0, got nan"),
        (
            {"base_rate": {"threat": 1.0}},
            ValueError,
            r"base_rate: a mapping must give every category; missing \['hedging'\]",
        ),
        (
            {"base_rate": {"threat": 1.0, "hedging": 1.0, "z": 1.0}},
            ValueError,
            r"base_rate: unknown categories \['z'\]",
        ),
        (
            {"base_rate": {"threat": 1.0, "hedging": True}},
            TypeError,
            r"base_rate\['hedging'\]: expected a finite number",
        ),
        ({"outlet_effects": [1]}, TypeError, r"outlet_effects: expected a mapping outlet"),
        ({"outlet_effects": {"centre": {}}}, ValueError, r"outlet_effects: unknown outlets \['centre'\]"),
        (
            {"outlet_effects": {"left": 2.0}},
            TypeError,
            r"outlet_effects\['left'\]: expected a mapping category → multiplier, got float",
        ),
        ({"outlet_effects": {"left": {"z": 2.0}}}, ValueError, r"outlet_effects\['left'\]: unknown categories \['z'\]"),
        (
            {"outlet_effects": {"left": {"threat": 0.0}}},
            ValueError,
            r"outlet_effects\['left'\]\['threat'\]: expected a finite number > 0, got 0.0",
        ),
        ({"group_of": ["L"]}, TypeError, r"group_of: expected a mapping outlet → group name, got list"),
        (
            {"group_of": {"left": "L"}},
            ValueError,
            r"group_of: must give the group of every outlet; missing \['right'\]",
        ),
        ({"group_of": {"left": "L", "right": "R", "x": "R"}}, ValueError, r"group_of: unknown outlets \['x'\]"),
        (
            {"group_of": {"left": "L", "right": 2}},
            TypeError,
            r"group_of\['right'\]: expected a string, got 2",
        ),
        ({"dispersion": -0.1}, ValueError, r"dispersion: expected a finite number >= 0, got -0.1"),
        ({"length_mean": 0}, ValueError, r"length_mean: expected a finite number > 0, got 0$"),
        ({"length_sd": -1}, ValueError, r"length_sd: expected a finite number >= 0, got -1$"),
        (
            {"length_distribution": "poisson"},
            ValueError,
            r"length_distribution: expected one of 'lognormal', 'negative_binomial', got 'poisson'",
        ),
        (
            {"length_distribution": "negative_binomial", "length_mean": 100, "length_sd": 5},
            ValueError,
            r"length_sd: a negative binomial needs variance > mean.*length_sd=5, length_mean=100",
        ),
        ({"strata": 0}, ValueError, r"strata: expected an integer >= 1, got 0"),
        ({"strata": 11}, ValueError, r"n_docs: is 10 but strata=11; every outlet must cover every story"),
        ({"stratum_sd": 0.5}, ValueError, r"stratum_sd: is 0.5 but strata is None"),
        ({"strata": 2, "stratum_sd": -1}, ValueError, r"stratum_sd: expected a finite number >= 0, got -1$"),
        ({"start_date": "2024-13-01"}, ValueError, r"start_date: expected an ISO date 'YYYY-MM-DD', got '2024-13-01'"),
        ({"end_date": 20240101}, TypeError, r"end_date: expected an ISO date string or datetime.date, got int"),
        (
            {"start_date": "2024-02-01", "end_date": dt.date(2024, 1, 1)},
            ValueError,
            r"end_date: 2024-01-01 is before start_date 2024-02-01",
        ),
        ({"part": "body"}, ValueError, r"part: expected one of 'text', 'title', 'captions', 'boilerplate', got 'body'"),
        ({"random_state": "1"}, TypeError, r"random_state: expected an integer >= 0, got '1'"),
        ({"random_state": -1}, ValueError, r"random_state: expected an integer >= 0, got -1"),
    ],
)
def test_simulate_scores_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_scores(**{**BASE, **kwargs})


# --------------------------------------------------------------------------- simulate_term_counts


def test_term_counts_structure():
    sim = simulate_term_counts(
        n_docs_per_group=9,
        n_terms=50,
        dispersion=0.5,
        length_mean=80,
        n_outlets_per_group=3,
        outlet_sd=0.5,
        random_state=0,
    )
    assert isinstance(sim, SimulatedTermCounts) and sp.isspmatrix_csr(sim.counts)
    assert sim.counts.shape == (18, 50) and sim.counts.dtype == np.int64
    assert (np.asarray(sim.counts.sum(axis=1)).ravel() == 80).all()  # length_sd = 0: fixed length
    assert sim.groups.tolist() == ["a"] * 9 + ["b"] * 9
    assert sim.outlets.tolist()[:4] == ["a1", "a2", "a3", "a1"] and sim.outlets.tolist()[-1] == "b3"
    assert all(o[0] == g for o, g in zip(sim.outlets, sim.groups))  # outlets nest in groups
    # K = max(2, 50 // 10) = 5 planted terms at round(linspace(0, 49, 5)) = 0, 12, 24, 37, 49
    assert sim.planted_terms.tolist() == [0, 12, 24, 37, 49]
    assert sim.planted_direction.tolist() == [1, -1, 1, -1, 1]
    assert sim.base_probs.sum() == pytest.approx(1.0) and sim.base_probs[0] / sim.base_probs[1] == pytest.approx(2.0)


def test_term_counts_planted_odds_ratio():
    # p_a / p_b = exp(delta * direction) times a common normalising constant: for a planted term favouring a,
    # against an unplanted term, the ratio of ratios is exactly exp(delta).
    sim = simulate_term_counts(
        n_docs_per_group=2,
        n_terms=20,
        dispersion=0.0,
        length_mean=10,
        group_effect=0.8,
        n_effect_terms=4,
        random_state=0,
    )
    pa, pb = sim.group_probs
    ratio = pa / pb
    assert sim.planted_terms.tolist() == [0, 6, 13, 19]
    assert ratio[0] / ratio[1] == pytest.approx(np.exp(0.8))
    assert ratio[6] / ratio[1] == pytest.approx(np.exp(-0.8))
    null = simulate_term_counts(n_docs_per_group=2, n_terms=20, dispersion=0.0, length_mean=10, random_state=0)
    assert np.allclose(null.group_probs[0], null.group_probs[1])


def test_term_counts_burstiness():
    # Dirichlet-multinomial: Var(c_dj) = m p (1 - p) (1 + (m - 1) phi / (1 + phi)); with m = 100, phi = 1 the
    # factor over the multinomial is 1 + 99 / 2 = 50.5 for every term.
    kw = {"n_docs_per_group": 300, "n_terms": 10, "length_mean": 100, "zipf_exponent": 0.0, "random_state": 3}
    plain = simulate_term_counts(dispersion=0.0, **kw).counts.toarray()
    bursty = simulate_term_counts(dispersion=1.0, **kw).counts.toarray()
    p = 0.1
    assert plain.var(axis=0).mean() == pytest.approx(100 * p * (1 - p), rel=0.1)
    assert bursty.var(axis=0).mean() == pytest.approx(100 * p * (1 - p) * 50.5, rel=0.15)
    assert (bursty.var(axis=0) / bursty.mean(axis=0) > 1).all()


def test_term_counts_reproducible_and_lengths():
    kw = {
        "n_docs_per_group": 20,
        "n_terms": 40,
        "dispersion": 0.2,
        "length_mean": 60,
        "length_sd": 20,
        "random_state": 5,
    }
    a, b = simulate_term_counts(**kw), simulate_term_counts(**kw)
    assert (a.counts != b.counts).nnz == 0
    c = simulate_term_counts(**{**kw, "random_state": 6})
    assert (a.counts != c.counts).nnz > 0
    lengths = np.asarray(a.counts.sum(axis=1)).ravel()
    assert lengths.min() >= 1 and len(set(lengths.tolist())) > 5


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_docs_per_group": 0}, ValueError, r"n_docs_per_group: expected an integer >= 1, got 0"),
        ({"n_terms": 1}, ValueError, r"n_terms: expected an integer >= 2, got 1"),
        ({"n_terms": 10.0}, TypeError, r"n_terms: expected an integer >= 2, got 10.0"),
        ({"dispersion": -1}, ValueError, r"dispersion: expected a finite number >= 0, got -1$"),
        ({"length_mean": -5}, ValueError, r"length_mean: expected a finite number > 0, got -5$"),
        ({"length_sd": float("inf")}, ValueError, r"length_sd: expected a finite number >= 0, got inf"),
        ({"group_effect": float("nan")}, ValueError, r"group_effect: expected a finite number, got nan"),
        ({"group_effect": "big"}, TypeError, r"group_effect: expected a finite number, got 'big'"),
        ({"n_effect_terms": 0}, ValueError, r"n_effect_terms: expected an integer >= 1, got 0"),
        ({"n_effect_terms": 51}, ValueError, r"n_effect_terms: is 51 but n_terms is 50"),
        ({"zipf_exponent": -1}, ValueError, r"zipf_exponent: expected a finite number >= 0, got -1$"),
        ({"n_outlets_per_group": 0}, ValueError, r"n_outlets_per_group: expected an integer >= 1, got 0"),
        ({"n_outlets_per_group": 11}, ValueError, r"n_outlets_per_group: is 11 but n_docs_per_group is 10"),
        ({"outlet_sd": -0.5}, ValueError, r"outlet_sd: expected a finite number >= 0, got -0.5"),
        ({"random_state": 1.5}, TypeError, r"random_state: expected an integer >= 0, got 1.5"),
    ],
)
def test_simulate_term_counts_errors(kwargs, error, match):
    base = {"n_docs_per_group": 10, "n_terms": 50, "dispersion": 0.5, "length_mean": 50}
    with pytest.raises(error, match=match):
        simulate_term_counts(**{**base, **kwargs})
