"""Wilson intervals and the precision of coded hits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from framing.stats.proportions import PRECISION_COLUMNS, precision_table, wilson_interval

# statsmodels 0.15.0: proportion_confint(x, n, alpha=1 - confidence, method="wilson"), computed once
STATSMODELS_WILSON = [
    (0, 10, 0.95, 0.0, 0.27753279986288926),
    (1, 10, 0.95, 0.017876213095072924, 0.40415002679523854),
    (5, 10, 0.95, 0.23659309051256394, 0.7634069094874361),
    (10, 10, 0.95, 0.7224672001371106, 1.0),
    (37, 50, 0.95, 0.6044684273515116, 0.841284725064476),
    (81, 100, 0.90, 0.7376400476715522, 0.8660274654428798),
    (3, 250, 0.99, 0.0030365357053388047, 0.04619642819927049),
    (1, 1, 0.95, 0.2065493143772374, 1.0),
]


@pytest.mark.parametrize("x, n, confidence, low, high", STATSMODELS_WILSON)
def test_wilson_matches_statsmodels(x, n, confidence, low, high):
    got = wilson_interval(x, n, confidence=confidence)
    assert got == pytest.approx((low, high), abs=1e-12)
    assert isinstance(got[0], float)


def test_wilson_by_hand():
    # 8 of 20, z = 1.959964: centre (0.4 + z²/40) / (1 + z²/20), half z/(1 + z²/20) sqrt(0.24/20 + z²/1600)
    z = 1.959963984540054
    scale = 1 + z * z / 20
    centre = (0.4 + z * z / 40) / scale
    half = z / scale * math.sqrt(0.4 * 0.6 / 20 + z * z / 1600)
    assert wilson_interval(8, 20) == pytest.approx((centre - half, centre + half), abs=1e-14)


def test_wilson_is_vectorised_and_nan_for_no_trials():
    low, high = wilson_interval(np.array([0, 1, 5, 0]), np.array([10, 10, 10, 0]))
    assert low[:3] == pytest.approx([row[3] for row in STATSMODELS_WILSON[:3]], abs=1e-12)
    assert high[:3] == pytest.approx([row[4] for row in STATSMODELS_WILSON[:3]], abs=1e-12)
    assert np.isnan(low[3]) and np.isnan(high[3])
    low, high = wilson_interval([[1], [5]], 10)  # broadcasting
    assert low.shape == (2, 1)


def test_wilson_errors():
    with pytest.raises(ValueError, match="successes: expected at most n, got 11 successes in 10 trials"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="n: expected finite numbers >= 0, got -1"):
        wilson_interval(0, -1)
    with pytest.raises(TypeError, match="successes: expected numbers, got 'a'"):
        wilson_interval("a", 10)
    with pytest.raises(TypeError, match="successes: expected numbers, got True"):
        wilson_interval(True, 10)
    with pytest.raises(ValueError, match="confidence: expected a finite number in"):
        wilson_interval(1, 10, confidence=95)


def _sheet(counts):
    """counts: {group: (n_coded, n_correct)}"""
    rows = []
    for group, (n, x) in counts.items():
        rows += [(group, 1)] * x + [(group, 0)] * (n - x)
    return pd.DataFrame(rows, columns=["category", "correct"])


def test_precision_per_group_and_pooled():
    table = precision_table(_sheet({"moral": (10, 5), "conflict": (10, 1)}), by="category")
    assert list(table.columns) == list(PRECISION_COLUMNS)
    assert table.group.tolist() == ["conflict", "moral", None]
    assert table.scope.tolist() == ["group", "group", "overall"]
    conflict = table.iloc[0]
    assert (conflict.n_coded, conflict.n_correct, conflict.precision) == (10, 1, 0.1)
    assert (conflict.ci_low, conflict.ci_high) == pytest.approx(STATSMODELS_WILSON[1][3:], abs=1e-12)
    overall = table.iloc[2]
    assert overall.precision == pytest.approx(0.3) and overall.method == "wilson" and np.isnan(overall.weight)
    assert (overall.ci_low, overall.ci_high) == pytest.approx(wilson_interval(6, 20))


def test_stratified_precision_by_hand():
    # strata A: 40 coded, 36 correct, 75% of hits; B: 20 coded, 10 correct, 25% of hits
    table = precision_table(_sheet({"A": (40, 36), "B": (20, 10)}), by="category", weights={"A": 300, "B": 100})
    overall = table.iloc[-1]
    p = 0.75 * 0.9 + 0.25 * 0.5
    variance = 0.75 ** 2 * 0.9 * 0.1 / 40 + 0.25 ** 2 * 0.5 * 0.5 / 20
    n_eff = p * (1 - p) / variance
    assert overall.precision == pytest.approx(p)
    assert overall.n_effective == pytest.approx(n_eff)
    assert (overall.ci_low, overall.ci_high) == pytest.approx(wilson_interval(p * n_eff, n_eff))
    assert overall.method == "stratified_wilson"
    assert table.weight.tolist() == pytest.approx([0.75, 0.25, 1.0])
    # the pooled (unweighted) precision would be 46/60, not 0.8
    assert precision_table(_sheet({"A": (40, 36), "B": (20, 10)}), by="category").precision.iloc[-1] == \
        pytest.approx(46 / 60)


def test_stratified_precision_without_variance_uses_the_number_coded():
    table = precision_table(_sheet({"A": (10, 10), "B": (10, 0)}), by="category",
                            weights=pd.Series({"A": 0.5, "B": 0.5}))
    overall = table.iloc[-1]
    assert overall.precision == 0.5 and overall.n_effective == 20
    assert (overall.ci_low, overall.ci_high) == pytest.approx(wilson_interval(10, 20))


def test_boolean_codes_and_other_column_names():
    sheet = pd.DataFrame({"entry": ["x", "x", "y"], "ok": [True, False, True]})
    table = precision_table(sheet, by="entry", correct="ok")
    assert table.precision.tolist() == pytest.approx([0.5, 1.0, 2 / 3])


def test_precision_table_errors():
    sheet = _sheet({"A": (4, 2), "B": (3, 1)})
    with pytest.raises(ValueError, match="by: column 'outlet' not in the sheet; it has category, correct"):
        precision_table(sheet, by="outlet")
    with pytest.raises(ValueError, match="correct: column 'ok' not in the sheet"):
        precision_table(sheet, by="category", correct="ok")
    with pytest.raises(ValueError, match="correct: expected 0/1 codes in column 'correct', got 2"):
        precision_table(sheet.assign(correct=[2] + [1] * 6), by="category")
    with pytest.raises(ValueError, match="correct: column 'correct' has 1 missing codes; drop uncoded rows first"):
        precision_table(sheet.assign(correct=[np.nan] + [1] * 6), by="category")
    with pytest.raises(ValueError, match="by: column 'category' has 1 missing group labels"):
        precision_table(sheet.assign(category=[None] + ["A"] * 6), by="category")
    with pytest.raises(ValueError, match="sheet: expected coded hits, got an empty table"):
        precision_table(sheet.iloc[:0], by="category")
    with pytest.raises(TypeError, match="sheet: expected a DataFrame, got list"):
        precision_table([], by="category")
    with pytest.raises(ValueError, match="weights: no weight for group 'B'"):
        precision_table(sheet, by="category", weights={"A": 10})
    with pytest.raises(ValueError, match="weights: group 'C' has hits but no coded sample in the sheet"):
        precision_table(sheet, by="category", weights={"A": 10, "B": 5, "C": 1})
    with pytest.raises(ValueError, match="weights: expected finite numbers >= 0, got -1 for group 'B'"):
        precision_table(sheet, by="category", weights={"A": 10, "B": -1})
    with pytest.raises(ValueError, match="weights: expected a positive total, got all zero"):
        precision_table(sheet, by="category", weights={"A": 0, "B": 0})
    with pytest.raises(TypeError, match="weights: expected a mapping of group to its number"):
        precision_table(sheet, by="category", weights=[1, 2])
    # a group with no hits in the population may be left out or weighted 0
    table = precision_table(sheet, by="category", weights={"A": 1, "B": 0, "C": 0})
    assert table.precision.iloc[-1] == 0.5
