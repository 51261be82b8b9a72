"""Krippendorff's alpha against the published worked examples, the
``krippendorff`` package and NLTK."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from framing.stats import StatsWarning
from framing.stats.agreement import ALPHA_COLUMNS, alpha_table, krippendorff_alpha, reliability_table

# Krippendorff (2011), section C: 4 observers × 12 units, with missing values
# (rows here are units, columns observers).
KRIPPENDORFF_2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
    [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
]).T
# Krippendorff (2011), section A: two observers, binary data, 10 units.
BINARY = [[0, 1], [1, 1], [0, 1], [0, 0], [0, 0], [0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]


@pytest.mark.parametrize("level, published", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_reproduces_krippendorffs_worked_example(level, published):
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == published


def test_binary_example_by_hand():
    # n_0 = 14, n_1 = 6, n = 20; four disagreeing units give o_01 = o_10 = 4:
    # alpha = 1 - (n - 1) * (o_01 + o_10) / (2 n_0 n_1) = 1 - 19 * 8 / 168
    assert krippendorff_alpha(BINARY) == pytest.approx(1 - 19 * 8 / 168, abs=1e-12)
    assert krippendorff_alpha(BINARY, level="interval") == pytest.approx(1 - 19 * 8 / 168, abs=1e-12)


def test_by_hand_interval_three_coders():
    # one unit (1, 2, 3): o_ck = 1/2 for c != k; one unit (1, 1): o_11 = 2
    # n_1 = 3, n_2 = 1, n_3 = 1, n = 5.  sum o d² = 2 * (1/2)(1 + 4 + 1) = 6;
    # sum n_c n_k d² = 2 * (3*1*1 + 3*1*4 + 1*1*1) = 32; alpha = 1 - 4 * 6 / 32
    data = [[1, 2, 3], [1, 1, None]]
    assert krippendorff_alpha(data, level="interval") == pytest.approx(1 - 4 * 6 / 32)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_matches_krippendorff_package(level):
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    for _ in range(3):
        data = rng.integers(0, 6, size=(40, 4)).astype(float)
        data[rng.random(data.shape) < 0.3] = np.nan
        expected = krippendorff.alpha(reliability_data=data.T, level_of_measurement=level)
        assert krippendorff_alpha(data, level=level) == pytest.approx(expected, abs=1e-10)


def test_matches_nltk_for_nominal_labels():
    from nltk.metrics.agreement import AnnotationTask

    rng = np.random.default_rng(3)
    labels = np.array(["conflict", "economic", "moral"], dtype=object)
    data = labels[rng.integers(0, 3, size=(30, 3))]
    data[[0, 4, 9], [1, 2, 0]] = None
    # a dominant label gives a positive alpha
    data[rng.random(30) < 0.5] = "economic"
    triples = [(f"c{j}", f"u{i}", data[i, j]) for i in range(30) for j in range(3) if data[i, j] is not None]
    assert krippendorff_alpha(data) == pytest.approx(AnnotationTask(data=triples).alpha(), abs=1e-10)


def test_strings_and_numbers_are_nominal_values_and_dataframes_work():
    frame = pd.DataFrame({"ann": ["a", "b", "a", None], "bob": ["a", "b", "b", "a"]})
    numbers = pd.DataFrame({"ann": [1, 2, 1, None], "bob": [1, 2, 2, 1]})
    assert krippendorff_alpha(frame) == pytest.approx(krippendorff_alpha(numbers))


def test_extra_missing_marker():
    marked = [[1, 1], [2, 2], [1, "*"], [2, 1]]
    plain = [[1, 1], [2, 2], [1, None], [2, 1]]
    assert krippendorff_alpha(marked, missing="*") == krippendorff_alpha(plain)
    as_float = np.array([[1, 1], [2, 2], [1, -1], [2, 1]], dtype=float)
    assert krippendorff_alpha(as_float, missing=-1) == krippendorff_alpha(plain)


def test_units_with_fewer_than_two_values_are_dropped_and_counted():
    table = alpha_table(KRIPPENDORFF_2011, level="nominal", n_resamples=200)
    assert list(table.columns) == list(ALPHA_COLUMNS)
    row = table.iloc[0]
    assert (row.n_units, row.n_units_dropped, row.n_coders, row.n_pairable) == (11, 1, 4, 40)
    assert row.alpha == pytest.approx(0.743, abs=5e-4)
    assert row.ci_low <= row.alpha <= row.ci_high
    assert row.ci_method == "percentile_bootstrap_units"


def test_identical_values_give_nan_with_a_reason():
    data = [[1, 1], [1, 1], [1, None]]
    with pytest.warns(StatsWarning, match="no variation"):
        assert np.isnan(krippendorff_alpha(data))
    row = alpha_table(data, n_resamples=50).iloc[0]
    assert np.isnan(row.alpha) and np.isnan(row.ci_low) and "no variation" in row.note


def test_no_pairable_unit_gives_nan_with_a_reason():
    data = [[1, None], [None, 2]]
    with pytest.warns(StatsWarning, match="no unit has values from two or more coders"):
        assert np.isnan(krippendorff_alpha(data))
    row = alpha_table(data, n_resamples=50).iloc[0]
    assert row.n_units == 0 and row.n_units_dropped == 2 and "no unit" in row.note


def test_resamples_without_variation_are_counted_in_the_note():
    row = alpha_table([["a", "b"], ["a", "a"], ["b", "b"]], n_resamples=99).iloc[0]
    assert row.note.endswith("resamples had no variation and were left out of the interval")


def test_bootstrap_is_deterministic_and_seeded():
    a = alpha_table(KRIPPENDORFF_2011, level="interval", n_resamples=300, random_state=1)
    b = alpha_table(KRIPPENDORFF_2011, level="interval", n_resamples=300, random_state=1)
    c = alpha_table(KRIPPENDORFF_2011, level="interval", n_resamples=300, random_state=2)
    pd.testing.assert_frame_equal(a, b)
    assert (a.ci_low.iloc[0], a.ci_high.iloc[0]) != (c.ci_low.iloc[0], c.ci_high.iloc[0])


def test_bootstrap_interval_covers_the_truth_roughly():
    # 200 units, 3 coders who copy a true value 80% of the time: alpha near its
    # population value, interval of sensible width
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 4, 200)
    data = np.where(rng.random((200, 3)) < 0.8, truth[:, None], rng.integers(0, 4, (200, 3)))
    row = alpha_table(data, n_resamples=1000).iloc[0]
    assert row.ci_low < row.alpha < row.ci_high
    assert 0.05 < row.ci_high - row.ci_low < 0.25


def test_reliability_table_from_long_rows():
    long = pd.DataFrame({
        "doc": ["d2", "d1", "d1", "d2", "d3"],
        "who": ["bob", "ann", "bob", "ann", "ann"],
        "frame": ["moral", "economic", "economic", "conflict", "moral"],
    })
    wide = reliability_table(long, unit="doc", coder="who", value="frame")
    assert list(wide.index) == ["d1", "d2", "d3"] and list(wide.columns) == ["ann", "bob"]
    assert wide.loc["d2", "bob"] == "moral" and pd.isna(wide.loc["d3", "bob"])
    assert krippendorff_alpha(wide) == pytest.approx(krippendorff_alpha([["economic", "economic"],
                                                                           ["conflict", "moral"]]))


def test_reliability_table_errors():
    long = pd.DataFrame({"unit": [1, 1], "coder": ["a", "a"], "value": [1, 2]})
    with pytest.raises(ValueError, match="long: coder 'a' coded unit 1 more than once"):
        reliability_table(long)
    with pytest.raises(ValueError, match="value: column 'label' not in the table"):
        reliability_table(long, value="label")
    with pytest.raises(ValueError, match="coder: column 'coder' has missing ids"):
        reliability_table(pd.DataFrame({"unit": [1], "coder": [None], "value": [1]}))
    with pytest.raises(TypeError, match="long: expected a DataFrame, got list"):
        reliability_table([[1, "a", 1]])


def test_parameter_errors():
    with pytest.raises(ValueError,
                       match="level: expected one of 'nominal', 'ordinal', 'interval', 'ratio', got 'metric'"):
        krippendorff_alpha(BINARY, level="metric")
    with pytest.raises(ValueError, match="data: level='interval' needs real numbers, got 'a'"):
        krippendorff_alpha([["a", 1], [2, 2]], level="interval")
    with pytest.raises(ValueError, match="data: level='ratio' needs values >= 0, got -1.0"):
        krippendorff_alpha([[-1, 1], [2, 2]], level="ratio")
    with pytest.raises(ValueError,
                       match="data: level='ordinal' needs values that can be ordered, got a mix of int, str"):
        krippendorff_alpha([["a", 1], [2, 2]], level="ordinal")
    with pytest.raises(ValueError, match="data: expected a 2-D table"):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(ValueError, match="data: expected a units × coders table with rows of equal length"):
        krippendorff_alpha([[1, 2], [1]])
    with pytest.raises(TypeError, match="data: expected a DataFrame or a 2-D array"):
        krippendorff_alpha("1,2")
    with pytest.raises(TypeError, match="missing: expected one value"):
        krippendorff_alpha(BINARY, missing=["*", -1])
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        alpha_table(BINARY, n_resamples=0)
    with pytest.raises(ValueError, match="confidence: expected a finite number in"):
        alpha_table(BINARY, confidence=1.5)
    with pytest.raises(ValueError, match="random_state: expected an integer >= 0, got -1"):
        alpha_table(BINARY, random_state=-1)


def test_no_warning_for_a_defined_alpha():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        krippendorff_alpha(BINARY)
