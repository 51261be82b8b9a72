r"""Resampling helpers shared inside :mod:`framing.stats` (package-private).

Every random stream of the package comes from :func:`framing.seeds.rng`
with a named step (``rng(random_state, "test", "permutation", "A", "B")``);
this module holds what the resampling functions share besides that: the
option check, the tail count of a permutation/bootstrap p-value and the
bootstrap intervals (percentile, BCa, studentized) and the t interval.

Intervals
---------
``percentile``
    The :math:`\alpha/2` and :math:`1-\alpha/2` order statistics of the
    replicates (Efron & Tibshirani 1993, ch. 13).  First-order accurate;
    too narrow at small samples (a 95% interval of a mean covers about 91%
    with 10 documents per group).
``bca``
    Bias-corrected and accelerated percentiles (Efron 1987; Efron &
    Tibshirani 1993, ch. 14): with :math:`\hat z_0 = \Phi^{-1}(\#\{\theta^*
    < \hat\theta\} / B)` (ties count one half) and the acceleration
    :math:`\hat a` from jackknife influence values,
    the bounds are the replicates' quantiles at
    :math:`\Phi(\hat z_0 + (\hat z_0 + z_q)/(1 - \hat a(\hat z_0 + z_q)))`.
    With several independent samples (two groups) the acceleration sums
    the samples' influence values, :math:`\hat a = \frac16 \sum_g n_g^{-3}
    \sum_i U_{gi}^3 / (\sum_g n_g^{-2} \sum_i U_{gi}^2)^{3/2}` with
    :math:`U_{gi} = (n_g - 1)(\bar\theta_{g(\cdot)} - \hat\theta_{g(i)})`
    (Efron & Tibshirani 1993, §14.3 and problem 14.12).
``studentized``
    The bootstrap-t (Efron & Tibshirani 1993, ch. 12; Hall 1988):
    :math:`[\hat\theta - t^*_{1-\alpha/2}\widehat{se}, \hat\theta -
    t^*_{\alpha/2}\widehat{se}]` with :math:`t^* = (\theta^* -
    \hat\theta)/\widehat{se}^*`, the standard error recomputed in every
    replicate; second-order accurate for smooth statistics such as means.
``symmetric studentized``
    :math:`\hat\theta \pm q^*\widehat{se}` with :math:`q^*` the
    confidence-level quantile of :math:`|t^*|` (Hall 1988, the symmetric
    percentile-t); at very small samples it avoids the equal-tailed
    bootstrap-t's erratic extreme quantiles of :math:`t^*`.
``t``
    :math:`\hat\theta \pm t_{\nu, 1-\alpha/2}\,\widehat{se}` with the
    Welch–Satterthwaite degrees of freedom; for few clusters, where any
    bootstrap has too few distinct resamples (Cameron, Gelbach & Miller
    2008; Imbens & Kolesár 2016 recommend small-sample degrees of freedom).
    Over strata (or paired stories) the degrees of freedom are
    :math:`S - 1` for :math:`S` strata, the stratum being the independent
    unit (the cluster-robust variance with the :math:`S/(S-1)` factor and
    a :math:`t_{S-1}` reference; Cameron & Miller 2015, §VI).
``noncentral_t`` (for standardized mean differences)
    The exact interval for :math:`\delta` under normality (Hedges & Olkin
    1985, ch. 5; Steiger & Fouladi 1997): with :math:`t = d\sqrt{m}`
    (:math:`m = n_a n_b/(n_a+n_b)` for two samples, :math:`m = n` for a
    mean of paired differences) following a noncentral t distribution with
    :math:`\nu` degrees of freedom and noncentrality :math:`\delta\sqrt{m}`,
    the bounds are :math:`\lambda/\sqrt m` for the noncentralities
    :math:`\lambda` at which the observed *t* is the :math:`1-\alpha/2`
    and :math:`\alpha/2` quantile (confidence-interval inversion; the CDF
    decreases in :math:`\lambda`).

References
----------
Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based
improvements for inference with clustered errors. *Review of Economics
and Statistics*, 90(3), 414–427.

Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to
cluster-robust inference. *Journal of Human Resources*, 50(2), 317–372.

Efron, B. (1987). Better bootstrap confidence intervals. *JASA*,
82(397), 171–185.

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for
Meta-Analysis*. Academic Press.

Hall, P. (1988). Theoretical comparison of bootstrap confidence
intervals. *Annals of Statistics*, 16(3), 927–953.

Imbens, G. W., & Kolesár, M. (2016). Robust standard errors in small
samples: some practical advice. *Review of Economics and Statistics*,
98(4), 701–712.

Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval
estimation and the evaluation of statistical models. In L. L. Harlow,
S. A. Mulaik & J. H. Steiger (Eds.), *What If There Were No
Significance Tests?* (pp. 221–257). Erlbaum.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from scipy import stats

from ..vocab import CI_METHODS
from ..check import check_choice, check_confidence, check_int, check_random_state

__all__ = [
    "BATCH_ELEMENTS", "CI_METHODS", "INDEX_DRAWS_ABOVE", "SUBSET_DRAWS_ABOVE", "acceleration", "bca_ci", "bootstrap_weights",
    "check_ci_method", "check_resampling", "noncentral_t_ci", "prefix_sums", "random_orders",
    "percentile_ci", "relabeling_tables", "studentized_ci", "symmetric_studentized_ci", "t_ci", "tail_count",
]

#: Interval methods of the bootstrap-CI functions: ``"auto"`` picks, per
#: statistic and design, the method that reached 93–97% coverage in
#: ``benchmarks/bench_coverage.py``; the others force one method.

#: Elements (replicates × units) held in memory at once by the vectorised resampling loops.
BATCH_ELEMENTS = 2_000_000

#: Above this many units (a group's in a summary, a pair's in an effect's interval), bootstrap samples are ``n`` uniform indices
#: (:func:`bootstrap_weights`), not multinomial draws: the same bootstrap, 5-10x faster to draw.  At or
#: below it the earlier draws are kept, so small comparisons give the same numbers as before.
INDEX_DRAWS_ABOVE = 200
#: Above this many units (a pair's, or all units of an unstratified omnibus test), a permutation
#: relabeling is drawn in two steps (:func:`relabeling_tables`, :func:`random_orders`,
#: :func:`prefix_sums`): how many units of each group get each label (hypergeometric), then which
#: ones (each group's units in a random order, shared by every pair of the group).  The same
#: permutation distribution, drawn in time proportional to the units instead of pairs × units.
#: At or below it, the earlier draws (a shuffle of every label), so small tests keep their numbers.
SUBSET_DRAWS_ABOVE = 2000


def bootstrap_weights(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Bootstrap multiplicities, shape (size, n): row r counts how often each
    of ``n`` units occurs among ``n`` indices drawn uniformly with
    replacement (``rng.integers``); multinomial(n, 1/n) in distribution."""
    idx = rng.integers(0, n, size=(size, n))
    idx += (np.arange(size, dtype=idx.dtype) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=size * n).reshape(size, n).astype(float)


def random_orders(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """``size`` uniform random orderings of ``range(n)`` (rows; a Fisher-Yates
    shuffle per row, ``rng.permuted``).  Row r does not depend on ``size``:
    drawing 2 × 50 rows gives the same rows as 1 × 100."""
    return rng.permuted(np.tile(np.arange(n, dtype=np.int64), (size, 1)), axis=1)


def prefix_sums(orders: np.ndarray, cuts: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Sums of ``x`` rows over prefixes of random orderings.

    ``orders`` (size × n, rows from :func:`random_orders`), ``cuts`` (size ×
    q integers in 0..n), ``x`` (n × columns): ``out[r, j]`` is the column sum
    of ``x[orders[r, :cuts[r, j]]]``; shape (size, q, columns).  One sparse
    product over the segments between each row's sorted cuts (up to its
    largest cut), then a cumulative sum over the segments."""
    size, q = cuts.shape
    n = orders.shape[1]
    rank = np.argsort(cuts, axis=1, kind="stable")
    ends = np.take_along_axis(cuts, rank, axis=1).astype(np.int64)
    lengths = ends[:, -1]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    indices = orders[np.arange(n)[None, :] < lengths[:, None]]
    indptr = np.concatenate([[0], (starts[:, None] + ends).ravel()])
    segments = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(size * q, n)) @ x
    cumulative = np.cumsum(np.asarray(segments).reshape(size, q, -1), axis=1)
    out = np.empty_like(cumulative)
    np.put_along_axis(out, rank[:, :, None], cumulative, axis=1)
    return out


def relabeling_tables(rng: np.random.Generator, sizes: np.ndarray, size: int) -> np.ndarray:
    """``size`` random k × k tables ``t[g, h]``: how many of group g's units
    get label h when the labels (``sizes[h]`` of label h) are shuffled over
    all units, i.e. the multivariate hypergeometric counts of a uniform
    relabeling, drawn label by label as a chain of univariate
    hypergeometric draws (``rng.hypergeometric``); shape (size, k, k), rows
    summing to ``sizes`` and columns to ``sizes``."""
    sizes = np.asarray(sizes, dtype=np.int64)
    k = len(sizes)
    tables = np.zeros((size, k, k), dtype=np.int64)
    left = np.tile(sizes, (size, 1))  # units of each group not labelled yet
    for h in range(k - 1):
        need = np.full(size, sizes[h], dtype=np.int64)
        rest = left.sum(axis=1)
        for g in range(k - 1):
            rest = rest - left[:, g]
            tables[:, g, h] = rng.hypergeometric(left[:, g], rest, need)
            need = need - tables[:, g, h]
        tables[:, k - 1, h] = need
        left -= tables[:, :, h]
    tables[:, :, k - 1] = left
    return tables


def check_resampling(n_resamples: object, confidence: object, random_state: object) -> tuple[int, float, int | None]:
    """``n_resamples`` (an integer >= 1), ``confidence`` (strictly between 0
    and 1) and ``random_state`` (an integer >= 0 or None), normalised;
    raises the :mod:`framing.check` errors."""
    return (
        check_int("n_resamples", n_resamples, low=1),
        check_confidence(confidence),
        check_random_state(random_state),
    )


def check_ci_method(ci_method: object, allowed: tuple[str, ...] = CI_METHODS) -> str:
    """``ci_method`` must be one of ``allowed`` (default :data:`CI_METHODS`)."""
    return check_choice("ci_method", ci_method, allowed)


def tail_count(null: np.ndarray, observed: np.ndarray, alternative: str, scale: np.ndarray | float | None = None) -> np.ndarray:
    """How many null statistics (rows) are at least as extreme as observed.

    A tolerance of 1e-9 relative to ``max(|observed|, scale)`` counts
    floating-point ties as ties.  ``scale`` is the size of the data the
    statistic is made of (e.g. the mean absolute value per column): an
    observed statistic that is zero up to rounding (2.5e-17 for data of
    order 1) then ties with the null's exact zeros instead of beating them."""
    floor = 1e-12 if scale is None else np.maximum(np.asarray(scale, dtype=float), 1e-12)
    tol = 1e-9 * np.maximum(np.abs(observed), floor)
    if alternative == "two-sided":
        return (np.abs(null) >= np.abs(observed) - tol).sum(axis=0)
    if alternative == "greater":
        return (null >= observed - tol).sum(axis=0)
    return (null <= observed + tol).sum(axis=0)


def percentile_ci(replicates: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column, ignoring undefined (NaN) replicates.

    Order statistics (``method="inverted_cdf"``), not interpolation, so an
    infinite replicate (a ratio over a zero rate) yields an infinite bound
    instead of NaN."""
    alpha = 1 - confidence
    quantile = np.nanquantile if np.isnan(replicates).any() else np.quantile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = quantile(replicates, [alpha / 2, 1 - alpha / 2], axis=0, method="inverted_cdf")
    return low, high


def _order_stat(replicates: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per column j, the ``level[j]`` quantile (inverted CDF) of the column's
    non-NaN replicates (NaN where a column has none or the level is NaN)."""
    out = np.full(replicates.shape[1], np.nan)
    for j in range(replicates.shape[1]):
        col = replicates[:, j]
        col = col[~np.isnan(col)]
        if len(col) == 0 or not np.isfinite(level[j]):
            continue
        out[j] = np.quantile(col, min(max(level[j], 0.0), 1.0), method="inverted_cdf")
    return out


def acceleration(influence: list[np.ndarray]) -> np.ndarray:
    """BCa acceleration from jackknife leave-one-out values, one array
    (units × columns) per independent sample (see the module docstring).

    Zero where the jackknife values do not vary (the statistic does not
    depend on any single unit)."""
    num = 0.0
    den = 0.0
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN leave-one-out columns (two units)
        for theta in influence:
            n = theta.shape[0]
            u = (n - 1) * (np.nanmean(theta, axis=0) - theta)
            num = num + np.nansum(u**3, axis=0) / n**3
            den = den + np.nansum(u**2, axis=0) / n**2
        a = num / (6.0 * den**1.5)
    return np.where(np.isfinite(a), a, 0.0)


def bca_ci(replicates: np.ndarray, estimate: np.ndarray, accel: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """BCa interval per column (Efron 1987); undefined (NaN) replicates are
    ignored, infinite ones kept.  NaN where the estimate is not finite.
    When every replicate equals the estimate the interval is that point."""
    alpha = 1 - confidence
    est = np.asarray(estimate, dtype=float)
    valid = ~np.isnan(replicates)
    b = valid.sum(axis=0)
    below = ((replicates < est) & valid).sum(axis=0) + 0.5 * ((replicates == est) & valid).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z0 = stats.norm.ppf(below / b)
        levels = []
        for q in (alpha / 2, 1 - alpha / 2):
            zq = stats.norm.ppf(q)
            levels.append(stats.norm.cdf(z0 + (z0 + zq) / (1 - accel * (z0 + zq))))
    # z0 is infinite when every replicate lies on one side: the interval is then the
    # replicates' extreme order statistic on that side (the BCa level saturates at 0 or 1)
    low, high = _order_stat(replicates, levels[0]), _order_stat(replicates, levels[1])
    bad = ~np.isfinite(est)
    low[bad] = np.nan
    high[bad] = np.nan
    return low, high


def studentized_ci(estimate: np.ndarray, se: np.ndarray, t_replicates: np.ndarray,
                   confidence: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Bootstrap-t interval per column from the studentized replicates
    :math:`t^* = (\theta^* - \hat\theta)/\widehat{se}^*` (NaN ones, e.g. a
    replicate with zero spread, are ignored).  NaN where ``se`` is 0 or not
    finite."""
    alpha = 1 - confidence
    n = t_replicates.shape[1]
    t_low = _order_stat(t_replicates, np.full(n, alpha / 2))
    t_high = _order_stat(t_replicates, np.full(n, 1 - alpha / 2))
    ok = np.isfinite(se) & (se > 0) & np.isfinite(estimate)
    with np.errstate(invalid="ignore"):
        low = np.where(ok, estimate - t_high * se, np.nan)
        high = np.where(ok, estimate - t_low * se, np.nan)
    return low, high


def symmetric_studentized_ci(estimate: np.ndarray, se: np.ndarray, t_replicates: np.ndarray,
                             confidence: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Symmetric bootstrap-t interval per column: :math:`\hat\theta \pm
    q^*\,\widehat{se}`, :math:`q^*` the ``confidence`` quantile of the
    :math:`|t^*|` (NaN replicates ignored).  NaN where ``se`` is 0 or not
    finite."""
    n = t_replicates.shape[1]
    q = _order_stat(np.abs(t_replicates), np.full(n, confidence))
    ok = np.isfinite(se) & (se > 0) & np.isfinite(estimate)
    with np.errstate(invalid="ignore"):
        return np.where(ok, estimate - q * se, np.nan), np.where(ok, estimate + q * se, np.nan)


def t_ci(estimate: np.ndarray, se: np.ndarray, df: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`\hat\theta \pm t_{df, (1+c)/2}\,se`; NaN where ``se`` is 0 or
    not finite."""
    ok = np.isfinite(se) & (se > 0) & np.isfinite(estimate) & (np.asarray(df) > 0)
    with np.errstate(invalid="ignore"):
        q = stats.t.ppf(0.5 + confidence / 2, np.where(ok, df, 1.0))
        return np.where(ok, estimate - q * se, np.nan), np.where(ok, estimate + q * se, np.nan)


def _nct_ncp(t: np.ndarray, df: np.ndarray, p: float) -> np.ndarray:
    """Per element, the noncentrality :math:`\\lambda` with
    ``nct.cdf(t, df, lambda) = p`` (the CDF decreases in lambda): a bracket
    doubled outward from ``t``, then bisection to a relative 1e-12."""
    def below(ncp: np.ndarray) -> np.ndarray:  # cdf(t; ncp) < p: ncp is above the root
        return stats.nct.cdf(t, df, ncp) < p

    step = np.ones_like(t)
    lo, hi = t - step, t + step
    for _ in range(64):
        move = below(lo)
        if not move.any():
            break
        step = np.where(move, 2 * step, step)
        lo = np.where(move, t - step, lo)
    step = np.ones_like(t)
    for _ in range(64):
        move = ~below(hi)
        if not move.any():
            break
        step = np.where(move, 2 * step, step)
        hi = np.where(move, t + step, hi)
    for _ in range(200):
        mid = (lo + hi) / 2
        up = below(mid)
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
        if np.all(hi - lo <= 1e-12 * np.maximum(1.0, np.abs(mid))):
            break
    root = (lo + hi) / 2
    # where scipy's CDF is undefined (NaN far in a tail) the bisection has no root to find: NaN, not a bound
    off = ~(np.abs(stats.nct.cdf(t, df, root) - p) <= 1e-6)
    return np.where(off, np.nan, root)


def noncentral_t_ci(t: np.ndarray, df: np.ndarray | float, scale: np.ndarray | float,
                    confidence: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Noncentral-t interval for a standardized mean difference (module
    docstring): ``t`` the observed t statistic(s) :math:`d\sqrt m`, ``df``
    their degrees of freedom, ``scale`` :math:`\sqrt m`; returns the bounds
    on the *d* scale.  NaN where ``t`` is not finite or ``df`` < 1."""
    t = np.asarray(t, dtype=float)
    df = np.broadcast_to(np.asarray(df, dtype=float), t.shape)
    ok = np.isfinite(t) & (df >= 1)
    low = np.full(t.shape, np.nan)
    high = np.full(t.shape, np.nan)
    if ok.any():
        alpha = 1 - confidence
        tt, dd = t[ok], df[ok]
        low[ok] = _nct_ncp(tt, dd, 1 - alpha / 2)
        high[ok] = _nct_ncp(tt, dd, alpha / 2)
    scale = np.broadcast_to(np.asarray(scale, dtype=float), t.shape)
    return low / scale, high / scale
