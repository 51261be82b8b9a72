import math

import numpy as np
import pandas as pd
import pytest

from framing.report.reading import READING_COLUMNS, contrast_readings, reading
from framing.stats.compare import COMPARE_COLUMNS


def row(a, b, category, estimate, low, high, p, *, effect="rate_ratio", method="permutation", strata="story_id"):
    out = {c: 0 for c in COMPARE_COLUMNS}
    out.update(category=category, group_a=a, group_b=b, effect=effect, estimate=estimate, ci_low=low, ci_high=high,
               method=method, p_adj=p, confidence=0.95, strata=strata)
    return out


def test_ratio_wording():
    assert reading("rate_ratio", group_a="A", group_b="B", category="insinuation", estimate=2.2, ci_low=1.4,
                   ci_high=3.5, strata="story_id") == (
        "A uses insinuation cues 2.2× as often as B within the same story (95% CI 1.4× to 3.5×).")
    assert reading("rate_ratio", group_a="A", group_b="B", category="threat", estimate=0.25, ci_low=0.125,
                   ci_high=0.5) == "A uses threat cues 4.0× less often than B (95% CI 2.0× to 8.0×)."
    assert reading("rate_ratio", group_a="A", group_b="B", category="threat", estimate=1.3, ci_low=0.8,
                   ci_high=2.1) == ("No clear difference between A and B in threat cues "
                                    "(ratio 1.3, 95% CI 0.80 to 2.1).")
    assert reading("rate_ratio", group_a="A", group_b="B", category="threat", estimate=math.inf, ci_low=math.inf,
                   ci_high=math.inf) == "A uses threat cues and B none (ratio ∞)."
    assert reading("rate_ratio", group_a="A", group_b="B", category="threat", estimate=3.0, ci_low=1.5,
                   ci_high=math.inf).endswith("(95% CI 1.5× or more).")


def test_difference_and_standardized_wording():
    assert reading("rate_difference", group_a="A", group_b="B", category="hedging", estimate=-3.7, ci_low=-5.4,
                   ci_high=-1.9, denominator="per_1000_tokens") == (
        "A has 3.7 fewer hedging cues per 1,000 tokens than B (95% CI −5.4 to −1.9).")
    assert "rate units" in reading("rate_difference", group_a="A", group_b="B", category="hedging", estimate=2.0,
                                   ci_low=-1.0, ci_high=3.0)
    assert reading("cohens_d", group_a="A", group_b="B", category="hedging", estimate=0.45, ci_low=0.1,
                   ci_high=0.8, confidence=0.9) == (
        "A has higher hedging cue rates than B, by 0.45 standard deviations (d = 0.45, 90% CI 0.10 to 0.80).")
    assert reading("cliffs_delta", group_a="A", group_b="B", category="hedging", estimate=0.3, ci_low=-0.1,
                   ci_high=0.6).startswith("No clear difference between A and B in hedging cues (δ = 0.30")
    assert reading("hedges_g", group_a="A", group_b="B", category="x", estimate=np.nan, ci_low=np.nan,
                   ci_high=np.nan) == "No estimate for A vs B on x cues."


def test_reading_errors():
    with pytest.raises(ValueError, match=r"effect: expected one of 'rate_ratio', .*, got 'odds'"):
        reading("odds", group_a="A", group_b="B", category="x", estimate=1, ci_low=1, ci_high=1)
    with pytest.raises(ValueError, match=r"denominator: expected one of 'per_1000_tokens', .*, got 'per_word'"):
        reading("rate_difference", group_a="A", group_b="B", category="x", estimate=1, ci_low=1, ci_high=1,
                denominator="per_word")


def test_contrast_readings_one_row_per_contrast_clearest_first():
    pairs = pd.DataFrame([
        row("A", "B", "threat", 1.1, 0.8, 1.5, 0.6, method="sign_flip"),
        row("A", "B", "threat", 1.1, 0.8, 1.5, 0.7, method="wilcoxon"),
        row("A", "C", "hedging", 4.0, 2.0, 8.0, 0.01, method="sign_flip"),
        row("A", "C", "hedging", 4.0, 2.0, 8.0, 0.02, method="wilcoxon"),
        row("B", "C", "hedging", 0.5, 0.3, 0.9, 0.01, method="sign_flip"),
        row("B", "C", "hedging", 0.5, 0.3, 0.9, 0.03, method="wilcoxon"),
    ], columns=list(COMPARE_COLUMNS))
    out = contrast_readings(pairs)
    assert list(out.columns) == [*READING_COLUMNS[:-1], "p_adj sign_flip", "p_adj wilcoxon", "reading"]
    assert out["contrast"].tolist() == ["A vs C", "B vs C", "A vs B"]  # p, then larger |log2 ratio|
    assert out["p_adj wilcoxon"].tolist() == [0.02, 0.03, 0.7]
    assert out["reading"].iloc[2].startswith("No clear difference")
    empty = contrast_readings(pairs.iloc[:0])
    assert empty.empty and list(empty.columns)[-1] == "reading"


def test_contrast_readings_errors():
    pairs = pd.DataFrame([row("A", "B", "x", 1, 1, 1, 0.5), row("A", "C", "x", 1, 1, 1, 0.5, effect="cohens_d")],
                         columns=list(COMPARE_COLUMNS))
    with pytest.raises(ValueError, match=r"pairs: rows mix several effects \(rate_ratio, cohens_d\)"):
        contrast_readings(pairs)
    with pytest.raises(ValueError, match=r"pairs: missing column\(s\) p_adj"):
        contrast_readings(pairs.drop(columns="p_adj"))
    with pytest.raises(TypeError, match=r"pairs: expected a pandas DataFrame, got list"):
        contrast_readings([])
    with pytest.raises(ValueError, match=r"denominator: expected one of"):
        contrast_readings(pairs.iloc[:1], denominator="per_word")
