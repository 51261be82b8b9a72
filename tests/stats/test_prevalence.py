"""Misclassification-corrected prevalence (adjusted classify and count)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from framing.stats import StatsWarning
from framing.stats.prevalence import PREVALENCE_COLUMNS, corrected_prevalence, error_rates


def _docs(counts, by="outlet"):
    """counts: {group: (n_docs, n_predicted_positive)}"""
    rows = []
    for group, (n, k) in counts.items():
        rows += [(group, 1)] * k + [(group, 0)] * (n - k)
    return pd.DataFrame(rows, columns=[by, "predicted"])


def _validation(tp, fn, fp, tn):
    rows = [(1, 1)] * tp + [(1, 0)] * fn + [(0, 1)] * fp + [(0, 0)] * tn
    return pd.DataFrame(rows, columns=["truth", "predicted"])


def test_error_rates():
    rates = error_rates(_validation(80, 20, 30, 270))
    assert rates == {"tpr": 0.8, "fpr": 0.1, "n_positive": 100, "n_negative": 300, "n_validation": 400}


def test_correction_by_hand():
    # q = 0.31: p = (0.31 - 0.1) / (0.8 - 0.1) = 0.3 ; q = 0.59: p = 0.7
    table = corrected_prevalence(_docs({"a": (100, 31), "b": (100, 59)}), _validation(80, 20, 30, 270),
                                 n_resamples=500)
    assert list(table.columns) == list(PREVALENCE_COLUMNS)
    assert table.group.tolist() == ["a", "b"]
    assert table.raw_share.tolist() == pytest.approx([0.31, 0.59])
    assert table.corrected_share.tolist() == pytest.approx([0.3, 0.7])
    assert table.tpr.tolist() == [0.8, 0.8] and table.fpr.tolist() == [0.1, 0.1]
    assert (table.n_validation == 400).all() and not table.clipped.any()
    assert (table.ci_low < table.corrected_share).all() and (table.corrected_share < table.ci_high).all()
    assert table.unit.tolist() == ["document"] * 2 and table.n_clusters.isna().all()
    assert table.ci_method.iloc[0] == "percentile_bootstrap_documents+validation"
    assert table.method.iloc[0] == "adjusted_classify_and_count"


def test_interval_includes_the_classifiers_uncertainty():
    docs = _docs({"a": (2000, 620)})
    small = corrected_prevalence(docs, _validation(16, 4, 6, 54), n_resamples=2000).iloc[0]
    large = corrected_prevalence(docs, _validation(800, 200, 300, 2700), n_resamples=2000).iloc[0]
    known = corrected_prevalence(docs, tpr=0.8, fpr=0.1, n_resamples=2000).iloc[0]
    widths = [row.ci_high - row.ci_low for row in (small, large, known)]
    assert widths[0] > widths[1] > widths[2]
    assert small.corrected_share == large.corrected_share == known.corrected_share
    assert known.n_validation == 0 and known.ci_method == "percentile_bootstrap_documents"


def test_clipping_is_flagged():
    table = corrected_prevalence(_docs({"a": (100, 5), "b": (100, 95)}), tpr=0.8, fpr=0.1, n_resamples=200)
    assert table.corrected_share.tolist() == [0.0, 1.0]
    assert table.clipped.tolist() == [True, True]
    assert "clipped to [0, 1]" in table.note.iloc[0]
    assert (table.ci_low >= 0).all() and (table.ci_high <= 1).all()


def test_clusters_are_the_units():
    # lean L: outlets x (10 docs, 2 positive) and y (30 docs, 18 positive): raw = mean(0.2, 0.6) = 0.4
    docs = pd.DataFrame({
        "lean": ["L"] * 40 + ["R"] * 20,
        "outlet": ["x"] * 10 + ["y"] * 30 + ["z"] * 20,
        "predicted": [1] * 2 + [0] * 8 + [1] * 18 + [0] * 12 + [1] * 10 + [0] * 10,
    })
    with pytest.warns(StatsWarning, match=r"1 of 2 groups have one outlet only \('R'\); their intervals are NaN"):
        table = corrected_prevalence(docs, tpr=0.9, fpr=0.1, by="lean", cluster="outlet", n_resamples=300)
    left, right = table.iloc[0], table.iloc[1]
    assert left.raw_share == pytest.approx(0.4) and left.corrected_share == pytest.approx(0.375)
    assert (left.n_docs, left.n_clusters, left.unit) == (40, 2, "cluster")
    # two clusters: shares 0.2, 0.6 are spread to 0.4 -/+ 0.2 * sqrt(2), so the bootstrap mean takes
    # the values 0.4 - 0.2 sqrt(2), 0.4, 0.4 + 0.2 sqrt(2), corrected (q - 0.1) / 0.8
    assert left.ci_low == pytest.approx((0.3 - 0.2 * np.sqrt(2)) / 0.8)
    assert left.ci_high == pytest.approx((0.3 + 0.2 * np.sqrt(2)) / 0.8)
    assert np.isnan(right.ci_low) and "one outlet only" in right.note


def test_deterministic_and_groups_do_not_affect_each_other():
    validation = _validation(40, 10, 15, 135)
    one = corrected_prevalence(_docs({"a": (200, 70)}), validation, n_resamples=300, random_state=3)
    two = corrected_prevalence(_docs({"a": (200, 70), "b": (150, 20)}), validation, n_resamples=300,
                               random_state=3)
    again = corrected_prevalence(_docs({"a": (200, 70)}), validation, n_resamples=300, random_state=3)
    pd.testing.assert_frame_equal(one, again)
    pd.testing.assert_frame_equal(one, two.iloc[:1])
    other = corrected_prevalence(_docs({"a": (200, 70)}), validation, n_resamples=300, random_state=4)
    assert other.ci_low.iloc[0] != one.ci_low.iloc[0]


def test_weak_validation_replicates_are_left_out_with_a_warning():
    with pytest.warns(StatsWarning, match="bootstrap replicates of the validation table had tpr <= fpr"):
        table = corrected_prevalence(_docs({"a": (100, 40)}), _validation(3, 2, 2, 3), n_resamples=300)
    assert "replicates with tpr <= fpr left out" in table.note.iloc[0]


def test_no_warning_normally():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corrected_prevalence(_docs({"a": (100, 40)}), _validation(80, 20, 30, 270), n_resamples=100)


def test_errors():
    docs, validation = _docs({"a": (10, 4)}), _validation(8, 2, 3, 27)
    with pytest.raises(ValueError, match="validation: give either a validation table or tpr and fpr, not both"):
        corrected_prevalence(docs, validation, tpr=0.8, fpr=0.1)
    with pytest.raises(ValueError, match="validation: expected a validation table of true and predicted labels, "
                                         "or both tpr and fpr"):
        corrected_prevalence(docs, tpr=0.8)
    with pytest.raises(ValueError, match="tpr: expected a true-positive rate above the false-positive rate, "
                                         "got tpr=0.3 and fpr=0.3"):
        corrected_prevalence(docs, tpr=0.3, fpr=0.3)
    with pytest.raises(ValueError, match="tpr: expected a true-positive rate above the false-positive rate"):
        corrected_prevalence(docs, _validation(2, 8, 27, 3))
    with pytest.raises(ValueError, match=r"fpr: expected a finite number in \[0, 1\], got 1.5"):
        corrected_prevalence(docs, tpr=0.8, fpr=1.5)
    with pytest.raises(ValueError, match="validation: expected both true classes, got 10 positive and 0 negative"):
        corrected_prevalence(docs, _validation(8, 2, 0, 0))
    with pytest.raises(ValueError, match="truth: column 'truth' not in the validation table"):
        corrected_prevalence(docs, validation.rename(columns={"truth": "gold"}))
    with pytest.raises(ValueError, match="predicted: expected 0/1 labels in column 'predicted' of the docs, got 2"):
        corrected_prevalence(docs.assign(predicted=[2] + [0] * 9), validation)
    with pytest.raises(ValueError, match="predicted: column 'predicted' of the docs has 1 missing values"):
        corrected_prevalence(docs.assign(predicted=[np.nan] + [0] * 9), validation)
    with pytest.raises(ValueError, match="by: column 'lean' not in docs; it has outlet, predicted"):
        corrected_prevalence(docs, validation, by="lean")
    with pytest.raises(ValueError, match="by: column 'outlet' has 1 missing labels"):
        corrected_prevalence(docs.assign(outlet=[None] + ["a"] * 9), validation)
    with pytest.raises(ValueError, match="cluster: column 'site' not in docs"):
        corrected_prevalence(docs, validation, cluster="site")
    with pytest.raises(ValueError, match="docs: expected documents, got an empty table"):
        corrected_prevalence(docs.iloc[:0], validation)
    with pytest.raises(TypeError, match="docs: expected a DataFrame, got list"):
        corrected_prevalence([], validation)
    with pytest.raises(TypeError, match="validation: expected a DataFrame, got dict"):
        corrected_prevalence(docs, {"truth": [1]})
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        corrected_prevalence(docs, validation, n_resamples=0)
