"""One call warns once per condition, naming the affected items in one
message (not once per group, pair or category)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from framing.stats import StatsWarning, compare, summarize
from framing.stats.effects import effects
from framing.stats.prevalence import corrected_prevalence


@pytest.fixture(scope="module")
def clustered():
    # three leans of two outlets each (fewer than 10 clusters everywhere); category z is hit once
    rng = np.random.default_rng(0)
    rows = []
    for lean, outlets in {"L": ["a", "b"], "C": ["c", "d"], "R": ["e", "f"]}.items():
        for outlet in outlets:
            for i in range(6):
                for cat in ("x", "y", "z"):
                    n = int(rng.integers(0, 3)) if cat != "z" else int(outlet == "a" and i == 0)
                    rows.append(dict(doc_id=f"{outlet}{i}", outlet=outlet, lean=lean, part="text", voice="outlet",
                                     category=cat, count=n, negated=0, weight=float(n), tokens=100, rate=10.0 * n,
                                     denominator="per_1000_tokens"))
    scores = pd.DataFrame(rows)
    return scores, scores.drop_duplicates("doc_id")[["doc_id", "outlet", "lean"]]


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, StatsWarning)]


def test_compare_warns_each_condition_once(clustered):
    scores, corpus = clustered
    got = _caught(lambda: compare(scores, by="lean", corpus=corpus, cluster="outlet", n_resamples=99))
    # was 10 warnings: each group once per pair it is in, and one rate-ratio warning per pair
    assert len(got) == 3
    clusters = [m for m in got if "clusters" in m]
    assert clusters == ["3 of 3 groups have fewer than 10 outlet clusters ('C': 2, 'L': 2, 'R': 2); cluster-level "
                        "intervals are approximate and tests coarse (permutation p-values cannot fall below 1 / "
                        "number of relabelings)"]
    ratio = [m for m in got if m.startswith("rate_ratio")]
    assert len(ratio) == 1 and "in 3 category comparisons (z (C vs L), z (C vs R), z (L vs R))" in ratio[0]


def test_effects_and_summarize_warn_each_condition_once(clustered):
    scores, corpus = clustered
    assert len(_caught(lambda: effects(scores, by="lean", corpus=corpus, cluster="outlet", n_resamples=99))) == 2
    got = _caught(lambda: summarize(scores, by="lean", corpus=corpus, cluster="outlet", n_resamples=99))
    assert got == ["3 of 3 groups have fewer than 10 outlet clusters ('C': 2, 'L': 2, 'R': 2); their intervals are "
                   "approximate (NaN with one cluster)"]


def test_prevalence_names_every_single_cluster_group_once():
    docs = pd.DataFrame({"lean": ["L"] * 4 + ["R"] * 4 + ["C"] * 4, "outlet": list("xxyyzzzzwwww"),
                         "predicted": [1, 0] * 6})
    got = _caught(lambda: corrected_prevalence(docs, tpr=0.9, fpr=0.1, by="lean", cluster="outlet", n_resamples=50))
    assert [m for m in got if "one outlet only" in m] == [
        "2 of 3 groups have one outlet only ('C', 'R'); their intervals are NaN"]


def test_an_error_filter_still_raises_and_the_warning_points_at_the_caller(clustered):
    scores, corpus = clustered
    with warnings.catch_warnings():
        warnings.simplefilter("error", StatsWarning)
        with pytest.raises(StatsWarning, match="3 of 3 groups have fewer than 10 outlet clusters"):
            summarize(scores, by="lean", corpus=corpus, cluster="outlet", n_resamples=20)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summarize(scores, by="lean", corpus=corpus, cluster="outlet", n_resamples=20)
    assert {w.filename for w in caught} == {__file__}
