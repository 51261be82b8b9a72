import numpy as np
import pytest
import scipy.stats

from framing.stats.multitest import adjust_pvalues

P = [0.01, 0.04, 0.03, 0.2, 0.5, 0.001]


def test_bh_hand_computed():
    # sorted: .001 .01 .03 .04 .2 .5 ; m=6 ; m*p/i: .006 .03 .06 .06 .24 .5
    assert adjust_pvalues(P, method="bh").tolist() == pytest.approx([0.03, 0.06, 0.06, 0.24, 0.5, 0.006])


def test_by_hand_computed():
    c = 1 + 1 / 2 + 1 / 3 + 1 / 4 + 1 / 5 + 1 / 6  # 2.45
    expected = np.minimum(1, np.array([0.03, 0.06, 0.06, 0.24, 0.5, 0.006]) * c)
    assert adjust_pvalues(P, method="by") == pytest.approx(expected)


@pytest.mark.parametrize("method", ["bh", "by"])
def test_matches_scipy(method):
    rng = np.random.default_rng(3)
    p = rng.uniform(size=40) ** 2
    assert adjust_pvalues(p, method=method) == pytest.approx(scipy.stats.false_discovery_control(p, method=method))


def test_holm_hand_computed():
    # sorted .001 .01 .03 .04 .2 .5 ; (m-i+1)p: .006 .05 .12 .12 .4 .5 ; running max
    assert adjust_pvalues(P, method="holm").tolist() == pytest.approx([0.05, 0.12, 0.12, 0.4, 0.5, 0.006])


def test_bonferroni_and_none():
    assert adjust_pvalues([0.01, 0.3], method="bonferroni").tolist() == pytest.approx([0.02, 0.6])
    assert adjust_pvalues([0.01, 0.3], method="none").tolist() == [0.01, 0.3]


def test_nan_left_out_of_family():
    out = adjust_pvalues([0.01, np.nan, 0.04], method="bonferroni")
    assert out[0] == pytest.approx(0.02) and np.isnan(out[1]) and out[2] == pytest.approx(0.08)
    assert np.isnan(adjust_pvalues([np.nan], method="bh")).all()
    assert adjust_pvalues([], method="bh").size == 0


def test_ties_and_bounds():
    out = adjust_pvalues([0.02, 0.02, 0.02], method="bh")
    assert out.tolist() == pytest.approx([0.02, 0.02, 0.02])
    assert (adjust_pvalues([0.9, 0.95], method="by") <= 1).all()


def test_errors():
    with pytest.raises(ValueError, match="method: expected one of 'bh', 'by', 'holm', 'bonferroni', 'none', got 'fdr'"):
        adjust_pvalues([0.1], method="fdr")
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\].*1.5"):
        adjust_pvalues([0.1, 1.5])

