"""Paired same-story comparisons: how two outlets frame the *same* stories.

When outlets cover the same events (a shared ``story_id``, as in
NewsWCL50 or the sample corpus), the cleanest contrast is within story:
for each story *s* covered by both groups *a* and *b*, the difference
:math:`d_s = \\bar x_{as} - \\bar x_{bs}` of their mean per-document
rates (several documents of one group on one story are averaged first).
The story is the unit of inference, so what an outlet covers cannot
masquerade as how it frames it.

Effects (``effect=``)
---------------------
``rate_difference``: :math:`\\bar d`; ``rate_ratio``:
:math:`R = \\sum_s \\bar x_{as} / \\sum_s \\bar x_{bs}`; ``cohens_dz``:
:math:`\\bar d / s_d` (Cohen 1988, the standardised mean of paired
differences).

Confidence intervals (``ci_method``)
------------------------------------
The story is the unit: bootstrap intervals resample stories, and the
t-based ones have :math:`n - 1` degrees of freedom for :math:`n` stories.
``"auto"`` (default) uses :data:`PAIRED_AUTO_CI`, the method whose 95%
intervals covered 93–97% in ``benchmarks/bench_coverage.py`` (design
``paired``: 10 and 20 stories, story effects shared by both outlets):

``rate_difference``: ``"t"``
    The one-sample t interval of the differences, :math:`\\bar d \\pm
    t_{n-1,1-\\alpha/2}\\, s_d/\\sqrt n` (``ci_method`` label
    ``paired_t``): the estimate is a mean of independent differences.
``rate_ratio``: ``"studentized"``
    The symmetric bootstrap-t (Hall 1988; Efron & Tibshirani 1993, ch.
    12) of :math:`\\log R`: :math:`\\log R \\pm q^*\\widehat{se}` with
    :math:`q^*` the confidence-level quantile of :math:`|t^*|`, and the
    ratio estimator's linearised standard error
    :math:`\\widehat{se}(\\log R) = s(\\bar x_{as} - R\\bar x_{bs}) /
    (\\sqrt n\\, \\bar x_a)` (Cochran 1977, §6.4) recomputed in every
    replicate (label ``symmetric_studentized_bootstrap_log``).  At 10
    stories the equal-tailed bootstrap-t covered 92.0–93.2% and the t
    interval on the log scale 91.7–92.4%; the symmetric one 93.9–94.1%.  A ratio with a zero
    numerator or denominator has no log: that row falls back to the
    percentile interval and says so.  ``"t"`` is the t interval on the same
    log scale (``t_log``).
``cohens_dz``: ``"t"``
    The noncentral-t interval (Hedges & Olkin 1985; Steiger & Fouladi
    1997): :math:`t = d_z\\sqrt n` is noncentral t on :math:`n - 1`
    degrees of freedom with noncentrality :math:`\\delta_z\\sqrt n` when
    the differences are normal (label ``noncentral_t``).

``"bca"`` (BCa over stories, the jackknife over stories for the
acceleration; Efron 1987) and ``"percentile"`` (the percentile bootstrap
over stories of framing 0.2.0; Efron & Tibshirani 1993, ch. 13) apply to
every effect; ``"studentized"`` to the difference and the ratio.

Tests (``methods``)
-------------------
``"sign_flip"``
    Permutation test of :math:`\\bar d`: under the null of exchangeable
    outlets within a story each :math:`d_s` is equally likely to carry
    either sign.  Exact (all :math:`2^n` sign vectors) when
    :math:`2^n \\le` ``n_resamples``; otherwise Monte Carlo with
    :math:`p = (1 + \\#\\{|T^*| \\ge |T|\\}) / (1 + B)`.
``"wilcoxon"``
    Wilcoxon signed-rank test (:func:`scipy.stats.wilcoxon`, zero
    differences dropped as in Wilcoxon's original procedure).
``"paired_t"``
    One-sample t test of the :math:`d_s` (:func:`scipy.stats.ttest_1samp`).

References
----------
Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.

Cohen, J. (1988). *Statistical Power Analysis for the Behavioral
Sciences* (2nd ed.). Erlbaum.

Efron, B. (1987). Better bootstrap confidence intervals. *JASA*,
82(397), 171–185.

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Hall, P. (1988). Theoretical comparison of bootstrap confidence
intervals. *Annals of Statistics*, 16(3), 927–953.

Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for
Meta-Analysis*. Academic Press.

Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval
estimation and the evaluation of statistical models. In L. L. Harlow,
S. A. Mulaik & J. H. Steiger (Eds.), *What If There Were No
Significance Tests?* (pp. 221–257). Erlbaum.

Wilcoxon, F. (1945). Individual comparisons by ranking methods.
*Biometrics Bulletin*, 1(6), 80–83.
"""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.stats

from .. import seeds
from ..check import check_choice, check_choices
from ..vocab import (
    ALTERNATIVES,
    CORRECTIONS,
    DEFAULTS,
    PAIRED_EFFECTS,
    PAIRED_METHODS,
    UNMATCHED,
    allowed_methods,
    default_methods,
)
from ._data import check_common, group_pairs, rate_table
from ._resample import (
    BATCH_ELEMENTS,
    CI_METHODS,
    acceleration,
    bca_ci,
    check_ci_method,
    check_resampling,
    noncentral_t_ci,
    percentile_ci,
    symmetric_studentized_ci,
    t_ci,
    tail_count,
)
from ._warnings import warn_once
from .compare import COMPARE_COLUMNS, adjust_per_method
from .effects import sort_rows

__all__ = ["PAIRED_AUTO_CI", "PAIRED_METHODS", "PAIRED_EFFECTS", "paired"]

_MAX_EXACT = 2**20

#: What ``ci_method="auto"`` uses per paired effect: the method whose 95%
#: intervals covered 93–97% in ``benchmarks/bench_coverage.py`` (design ``paired``).
PAIRED_AUTO_CI: Mapping[str, str] = MappingProxyType(
    {"rate_difference": "t", "rate_ratio": "studentized", "cohens_dz": "t"})
_LABELS = {
    ("rate_difference", "t"): "paired_t", ("rate_ratio", "t"): "t_log", ("cohens_dz", "t"): "noncentral_t",
    ("rate_difference", "studentized"): "symmetric_studentized_bootstrap",
    ("rate_ratio", "studentized"): "symmetric_studentized_bootstrap_log",
}


def _story_means(rates: np.ndarray, stories: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, names = pd.factorize(pd.Series(stories), sort=True)
    sums = np.zeros((len(names), rates.shape[1]))
    np.add.at(sums, codes, rates)
    return sums / np.bincount(codes)[:, None], np.asarray(names, dtype=object)


def _effect(effect: str, xa: np.ndarray, xb: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Effect for story multiplicities ``weights`` (replicates × stories)."""
    n = weights.sum(axis=1)[:, None]
    d = xa - xb
    with np.errstate(invalid="ignore", divide="ignore"):
        if effect == "rate_difference":
            return weights @ d / n
        if effect == "rate_ratio":
            return (weights @ xa) / (weights @ xb)
        mean = weights @ d / n
        var = (weights @ d**2 - n * mean**2) / (n - 1)
        return mean / np.sqrt(np.maximum(var, 0.0))


def _se_scale(effect: str, xa: np.ndarray, xb: np.ndarray, weights: np.ndarray):
    """Estimate and standard error on the studentized scale for story
    multiplicities ``weights`` (replicates × stories): the mean difference
    and :math:`s_d/\\sqrt n`, or :math:`\\log R` and the ratio estimator's
    :math:`s(x_a - R x_b)/(\\sqrt n\\,\\bar x_a)`."""
    n = weights.sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        if effect == "rate_difference":
            d = xa - xb
            mean = weights @ d / n
            var = np.maximum(weights @ d**2 - n * mean**2, 0.0) / (n - 1)
            return mean, np.sqrt(var / n)
        ma, mb = weights @ xa / n, weights @ xb / n
        ratio = ma / mb
        # residuals e_s = x_as - R x_bs, per replicate: sum w e^2 - n mean(e)^2 with mean(e) = 0 by construction
        e2 = weights @ xa**2 - 2 * ratio * (weights @ (xa * xb)) + ratio**2 * (weights @ xb**2)
        var = np.maximum(e2, 0.0) / (n - 1)
        return np.log(ratio), np.sqrt(var / n) / ma


def _paired_interval(effect: str, method: str, xa: np.ndarray, xb: np.ndarray, estimate: np.ndarray, *,
                     confidence: float, n_resamples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """CI bounds per category, each row's ``ci_method`` label and the
    bootstrap replicates drawn (0 for the t-based intervals)."""
    n, k = xa.shape
    ones = np.ones((1, n))
    if method == "t":
        if effect == "cohens_dz":
            with np.errstate(invalid="ignore", over="ignore"):
                low, high = noncentral_t_ci(estimate * np.sqrt(n), float(n - 1), np.sqrt(n), confidence)
            return low, high, [_LABELS[effect, method]] * k, 0
        theta, se = (v[0] for v in _se_scale(effect, xa, xb, ones))
        low, high = t_ci(theta, se, np.full(k, n - 1.0), confidence)
        used = 0
        reps = t_reps = None
    else:
        reps = np.empty((n_resamples, k))
        t_reps = np.empty((n_resamples, k)) if method == "studentized" else None
        theta_hat = _se_scale(effect, xa, xb, ones)[0][0] if t_reps is not None else None
        batch = max(1, BATCH_ELEMENTS // max(n * k, 1))
        for start in range(0, n_resamples, batch):
            m = min(batch, n_resamples - start)
            weights = rng.multinomial(n, np.full(n, 1.0 / n), size=m).astype(float)
            reps[start : start + m] = _effect(effect, xa, xb, weights)
            if t_reps is not None:
                theta, se = _se_scale(effect, xa, xb, weights)
                with np.errstate(invalid="ignore", divide="ignore"):
                    t_reps[start : start + m] = np.where(se > 0, (theta - theta_hat) / se, np.nan)
        used = n_resamples
        if method == "percentile":
            return (*percentile_ci(reps, confidence), ["percentile_bootstrap"] * k, used)
        if method == "bca":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                jack = _effect(effect, xa, xb, 1.0 - np.eye(n))
            return (*bca_ci(reps, estimate, acceleration([jack]), confidence), ["bca_bootstrap"] * k, used)
        theta, se = (v[0] for v in _se_scale(effect, xa, xb, ones))
        low, high = symmetric_studentized_ci(theta, se, t_reps, confidence)
    labels = [_LABELS[effect, method]] * k
    if effect == "rate_ratio":
        with np.errstate(over="ignore"):
            low, high = np.exp(low), np.exp(high)
        undefined = ~(estimate > 0) | ~np.isfinite(estimate)
        if undefined.any():
            if reps is None:
                reps = np.empty((n_resamples, k))
                for start in range(0, n_resamples, max(1, BATCH_ELEMENTS // max(n * k, 1))):
                    m = min(max(1, BATCH_ELEMENTS // max(n * k, 1)), n_resamples - start)
                    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=m).astype(float)
                    reps[start : start + m] = _effect(effect, xa, xb, weights)
                used = n_resamples
            p_low, p_high = percentile_ci(reps, confidence)
            low, high = np.where(undefined, p_low, low), np.where(undefined, p_high, high)
            labels = ["percentile_bootstrap" if u else lab for u, lab in zip(undefined, labels)]
    return low, high, labels, used


def _sign_flip(d: np.ndarray, *, n_resamples: int, rng: np.random.Generator, alternative: str):
    """Sign-flip test of the mean difference: statistic, p-value and the
    number of sign vectors used (``2**n`` when enumerated exactly).

    Ties are judged with a tolerance relative to the data's scale (the
    mean absolute difference), so an observed mean that is zero up to
    rounding (2.5e-17) ties with the null's zeros and p is 1, not 0.98."""
    n = len(d)
    observed = d.mean(axis=0)
    scale = np.abs(d).mean(axis=0)
    if 2**n <= min(n_resamples, _MAX_EXACT):
        signs = 1 - 2 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1)
        count = tail_count(signs @ d / n, observed, alternative, scale)
        return observed, count / 2**n, 2**n
    count = np.zeros(d.shape[1])
    batch = max(1, BATCH_ELEMENTS // max(n, 1))
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        signs = rng.choice(np.array([-1.0, 1.0]), size=(b, n))
        count += tail_count(signs @ d / n, observed, alternative, scale)
    return observed, (1 + count) / (1 + n_resamples), n_resamples


@warn_once
def paired(
    scores: pd.DataFrame,
    *,
    by: str = DEFAULTS["by"],
    pair_on: str = "story_id",
    corpus: Any = None,
    methods: Sequence[str] | None = None,
    effect: str = DEFAULTS["effect"],
    pairs: str = "all",
    reference: str | None = None,
    unmatched: str = DEFAULTS["unmatched"],
    correction: str = DEFAULTS["correction"],
    alternative: str = DEFAULTS["alternative"],
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    confidence: float = DEFAULTS["confidence"],
    n_resamples: int = DEFAULTS["n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
    ci_method: str = "auto",
) -> pd.DataFrame:
    """Paired within-story differences between groups.

    Parameters
    ----------
    scores : DataFrame
        Per-document scores from :func:`framing.match.scoring.score`.
    by : str, default "outlet"
    pair_on : str, default "story_id"
        The column naming the shared story (event); from ``scores`` or
        ``corpus``.
    corpus : Corpus or DataFrame, optional
    methods : sequence of str, optional
        From ``PAIRED_METHODS``; None (the default) runs the paired
        design's tests, :func:`framing.vocab.default_methods`
        (``"sign_flip"`` and ``"wilcoxon"``).
    effect : {"rate_difference", "rate_ratio", "cohens_dz"}, default "rate_ratio"
    pairs, reference : as in :func:`framing.stats.compare.compare`
    unmatched : {"error", "drop"}, default "error"
        Stories covered by only one group of a pair: an error, or dropped
        and counted in ``n_strata_dropped``.
    correction, alternative, categories, part, voice, confidence,
    n_resamples, random_state : as in :func:`framing.stats.compare.compare`
        (same defaults).  The streams are ``rng(random_state,
        "paired_effect", effect, group_a, group_b)`` for the bootstrap CI
        and ``rng(random_state, "test", "sign_flip", group_a, group_b)``
        for the sign-flip test (:func:`framing.seeds.rng`).
    ci_method : {"auto", "percentile", "bca", "studentized", "t"}, default "auto"
        The effect's interval (module docstring, *Confidence intervals*):
        ``"auto"`` uses :data:`PAIRED_AUTO_CI`; ``"percentile"`` gives the
        intervals of framing 0.2.0; ``"studentized"`` only for
        ``rate_difference`` and ``rate_ratio``.

    Returns
    -------
    DataFrame
        Columns ``COMPARE_COLUMNS`` of :mod:`framing.stats.compare`, with
        ``unit="story"``, ``n_units_a = n_units_b = n_strata`` = the
        number of stories compared, ``strata`` = ``pair_on``; ``rate_a``
        and ``rate_b`` are means over those stories.  ``statistic`` is
        :math:`\\bar d` (sign_flip), Wilcoxon's *W* or the paired *t*.
        ``n_resamples``: for sign_flip rows the sign vectors actually used
        (``2**n`` when enumerated exactly, i.e. when that is at most
        ``n_resamples``), else the bootstrap replicates of the interval
        (0 for a t-based interval).  ``ci_method`` names each row's
        interval: ``paired_t``, ``t_log``, ``noncentral_t``,
        ``symmetric_studentized_bootstrap`` (``_log`` for the ratio),
        ``bca_bootstrap`` or ``percentile_bootstrap``.

    Raises
    ------
    TypeError, ValueError
        Unknown method/effect/correction/alternative/unmatched; bad
        ``n_resamples``, ``confidence`` or ``random_state``; unmatched
        stories; fewer than 2 shared stories.
    """
    names = check_choices("methods", default_methods("paired") if methods is None else methods,
                          allowed_methods("paired"))
    check_choice("effect", effect, PAIRED_EFFECTS)
    check_choice("correction", correction, CORRECTIONS)
    check_choice("alternative", alternative, ALTERNATIVES)
    check_choice("unmatched", unmatched, UNMATCHED)
    n_resamples, confidence, random_state = check_resampling(n_resamples, confidence, random_state)
    ci_method = check_ci_method(ci_method, CI_METHODS)
    method_ci = PAIRED_AUTO_CI[effect] if ci_method == "auto" else ci_method
    if method_ci == "studentized" and effect == "cohens_dz":
        raise ValueError("ci_method='studentized' needs a standard error, which cohens_dz does not have here; choose "
                         "'auto', 't' (the noncentral t), 'bca' or 'percentile'")
    table = rate_table(
        scores,
        by=by,
        corpus=corpus,
        strata=pair_on,
        categories=categories,
        part=part,
        voice=voice,
        labels={"strata": "pair_on"},
    )
    check_common(table, min_docs=1)
    rows: list[dict[str, Any]] = []
    for a, b in group_pairs(table.group_names, pairs=pairs, reference=reference):
        in_a, in_b = table.groups == a, table.groups == b
        xa_all, stories_a = _story_means(table.rates[in_a], table.strata[in_a])
        xb_all, stories_b = _story_means(table.rates[in_b], table.strata[in_b])
        shared = sorted(set(stories_a.tolist()) & set(stories_b.tolist()))
        lonely = sorted(set(stories_a.tolist()) ^ set(stories_b.tolist()))
        if lonely and unmatched == "error":
            raise ValueError(
                f"pair_on={pair_on!r}: {len(lonely)} story/stories are covered by only one of {a!r} and {b!r} "
                f"(e.g. {lonely[:3]}); pass unmatched='drop' to compare the shared stories only"
            )
        if len(shared) < 2:
            raise ValueError(
                f"pair_on={pair_on!r}: {a!r} and {b!r} share {len(shared)} story/stories; a paired comparison "
                "needs at least 2"
            )
        xa = xa_all[np.searchsorted(stories_a, shared)]
        xb = xb_all[np.searchsorted(stories_b, shared)]
        n = len(shared)
        estimate = _effect(effect, xa, xb, np.ones((1, n)))[0]
        stream = seeds.rng(random_state, "paired_effect", effect, a, b)
        low, high, labels, ci_used = _paired_interval(effect, method_ci, xa, xb, estimate, confidence=confidence,
                                                      n_resamples=n_resamples, rng=stream)
        d = xa - xb
        for method in names:
            if method == "sign_flip":
                stream = seeds.rng(random_state, "test", method, a, b)
                stat, p, used = _sign_flip(d, n_resamples=n_resamples, rng=stream, alternative=alternative)
            else:
                used = ci_used
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    warnings.simplefilter("ignore", UserWarning)
                    stat, p = np.full(d.shape[1], np.nan), np.full(d.shape[1], np.nan)
                    for j in range(d.shape[1]):
                        if not np.any(d[:, j]):
                            continue
                        if method == "wilcoxon":
                            res = scipy.stats.wilcoxon(d[:, j], zero_method="wilcox", alternative=alternative)
                        else:
                            res = scipy.stats.ttest_1samp(d[:, j], 0.0, alternative=alternative)
                        stat[j], p[j] = float(res.statistic), float(res.pvalue)
            for j, category in enumerate(table.categories):
                rows.append(
                    {
                        "category": category,
                        "group_a": a,
                        "group_b": b,
                        "n_docs_a": int((in_a & np.isin(table.strata, shared)).sum()),
                        "n_docs_b": int((in_b & np.isin(table.strata, shared)).sum()),
                        "n_units_a": n,
                        "n_units_b": n,
                        "unit": "story",
                        "strata": pair_on,
                        "n_strata": n,
                        "n_strata_dropped": len(lonely),
                        "rate_a": float(xa[:, j].mean()),
                        "rate_b": float(xb[:, j].mean()),
                        "effect": effect,
                        "estimate": float(estimate[j]),
                        "ci_low": float(low[j]),
                        "ci_high": float(high[j]),
                        "ci_method": labels[j],
                        "method": method,
                        "statistic": float(stat[j]),
                        "p_value": float(p[j]),
                        "p_adj": np.nan,
                        "correction": correction,
                        "alternative": alternative,
                        "confidence": float(confidence),
                        "n_resamples": int(used),
                    }
                )
    frame = adjust_per_method(pd.DataFrame(rows, columns=list(COMPARE_COLUMNS)), correction)
    return sort_rows(frame, table.categories, "method", PAIRED_METHODS)
