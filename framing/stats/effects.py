"""Effect sizes for two groups of per-document cue rates, with bootstrap CIs.

Effects
-------
With :math:`x_i` the rates of group *a*'s units and :math:`y_j` those of
group *b* (units are documents, or clusters such as outlets; see
``unit`` below), :math:`\\bar x, \\bar y` their means and :math:`s_x, s_y`
their standard deviations (``ddof=1``):

``rate_difference``
    :math:`\\bar x - \\bar y`, on the scores' rate scale (e.g. per 1,000
    tokens).
``rate_ratio``
    :math:`\\bar x / \\bar y`: a ratio of *mean per-document* rates (each
    document weighs the same), not of pooled token rates.
``cohens_d``
    :math:`(\\bar x - \\bar y) / s_p`, with the pooled SD
    :math:`s_p^2 = ((n_a-1)s_x^2 + (n_b-1)s_y^2)/(n_a+n_b-2)` (Cohen 1988).
``hedges_g``
    :math:`J \\cdot d` with the exact small-sample correction
    :math:`J = \\Gamma(\\nu/2) / (\\sqrt{\\nu/2}\\,\\Gamma((\\nu-1)/2))`,
    :math:`\\nu = n_a+n_b-2` (Hedges 1981).
``cliffs_delta``
    :math:`P(X>Y) - P(X<Y)` over all pairs (Cliff 1993), equal to
    :math:`2U_a/(n_a n_b) - 1` with :math:`U_a` the Mann–Whitney statistic
    (ties count one half).

Units
-----
``unit="document"``: the observations are documents.  With
``cluster=`` (e.g. ``"outlet"`` when comparing outlet groups), the
observations are clusters: each cluster's value is the mean rate of its
documents, so every outlet weighs the same and the effective sample size
is the number of outlets (``unit="cluster"``).

Strata
------
With ``strata=`` (e.g. ``"story_id"``), groups are compared *within*
strata, so that differences in what outlets cover are separated from
how they frame it.  Strata that hold only one of the two groups cannot
contribute; by default (``unmatched="error"``) they are an error,
with ``unmatched="drop"`` they are left out and counted
(``n_strata_dropped``).  Per-stratum effects are pooled with the weights
:math:`w_s = n_{as} n_{bs} / (n_{as}+n_{bs})` (inverse of the variance
factor of a difference of two means; one document per cell gives equal
weights):

* ``rate_difference``: :math:`\\sum_s w_s(\\bar x_s - \\bar y_s) / \\sum_s w_s`;
* ``rate_ratio``: :math:`\\sum_s w_s \\bar x_s / \\sum_s w_s \\bar y_s`
  (a Mantel–Haenszel-type ratio);
* ``cohens_d`` / ``hedges_g``: the pooled difference divided by the
  pooled SD of the two groups (not within strata, so that *d* keeps the
  scale of an unstratified *d*);
* ``cliffs_delta``: :math:`\\sum_s w_s \\delta_s / \\sum_s w_s`.

Confidence intervals
--------------------
Units are resampled with replacement within each group (``n_resamples``
replicates); with strata, whole strata are resampled (the stratum, e.g.
a story, is then the independent unit, also for the t-based
intervals).  ``ci_method`` chooses the interval (formulas in
:mod:`framing.stats._resample`):

``"auto"`` (default)
    Per unit and effect, :data:`AUTO_CI`: the method whose 95% intervals
    covered 93–97% in ``benchmarks/bench_coverage.py`` (bursty simulated
    rates; 10 documents per group, 5 outlets per class):

    * documents: the studentized bootstrap (bootstrap-t; Efron &
      Tibshirani 1993, ch. 12; Hall 1988) for ``rate_difference`` (with
      the Welch standard error) and ``rate_ratio`` (on the log scale, with
      the delta-method standard error :math:`s_x^2/(n_a\\bar x^2) +
      s_y^2/(n_b\\bar y^2)`); BCa (Efron 1987) for ``cohens_d`` and
      ``hedges_g``; the percentile interval for ``cliffs_delta`` (BCa
      over-covers there, 97–99%);
    * clusters: the Welch t interval on the cluster means for
      ``rate_difference`` (a t reference distribution with
      Welch–Satterthwaite degrees of freedom, the small-cluster advice of
      Cameron, Gelbach & Miller 2008 and Imbens & Kolesár 2016), the
      studentized bootstrap for ``rate_ratio``, the noncentral-t interval
      for ``cohens_d`` and ``hedges_g`` (below), BCa for ``cliffs_delta``;
    * strata: the stratum-level intervals below (*Intervals over strata*).

    With fewer than 10 clusters per group, or fewer than 10 strata, a
    :class:`StatsWarning` says that intervals are approximate.

    *Noncentral t for d and g with clusters.*  Cohen's d is computed on
    the cluster means, and its interval inverts the noncentral t
    distribution of :math:`t = d\\sqrt{G_a G_b/(G_a+G_b)}` on
    :math:`G_a + G_b - 2` degrees of freedom, :math:`G` the numbers of
    clusters (Hedges & Olkin 1985, ch. 5; the inversion of Steiger &
    Fouladi 1997, :func:`scipy.stats.nct`); exact when the cluster means
    are normal with a common variance.  Hedges' g estimates the same
    population :math:`\\delta`, so its rows carry the same interval (the
    ``J`` correction moves the point estimate, not the bounds).  At 5
    outlets per class this covers 94–96% where BCa covered 91–92% and
    the percentile interval 82–85%; at 10 and 20 outlets 95–97%.

    *Intervals over strata.*  With strata the stratum (e.g. a story) is
    the independent unit, so every interval has the :math:`S - 1` degrees
    of freedom of :math:`S` strata, as the paired design's do
    (:mod:`framing.stats.paired`).  With :math:`D_s` a stratum's value
    and :math:`w_s` its weight (*Strata* above):

    * ``rate_difference`` (``weighted_t_strata``): the weighted mean
      :math:`\\hat\\theta = \\sum_s w_s D_s / \\sum_s w_s` of the
      within-stratum differences :math:`D_s = \\bar x_s - \\bar y_s`, with
      the stratum-level (cluster-robust) standard error
      :math:`\\widehat{se}^2 = \\frac{S}{S-1}\\sum_s w_s^2 (D_s -
      \\hat\\theta)^2 / (\\sum_s w_s)^2` and a :math:`t_{S-1}` reference
      (Cameron & Miller 2015, §VI; with equal weights, one document per
      cell, this is the paired t interval);
    * ``rate_ratio`` (``symmetric_studentized_bootstrap_strata_log``):
      the Mantel–Haenszel-type ratio :math:`R = A/B`, :math:`A = \\sum_s
      w_s \\bar x_s`, :math:`B = \\sum_s w_s \\bar y_s`, on the log scale
      (as for the Mantel–Haenszel estimators, Greenland & Robins 1985)
      with the linearised standard error :math:`\\widehat{se}^2(\\log R) =
      \\frac{S}{S-1}\\sum_s w_s^2 (\\bar x_s/A - \\bar y_s/B)^2`; the
      interval is the symmetric bootstrap-t over strata (Hall 1988),
      :math:`\\log R \\pm q^*\\widehat{se}`, :math:`q^*` the confidence
      quantile of :math:`|t^*|` with the standard error recomputed in
      every resample of strata.  The t interval on the same scale
      (``ci_method="t"``, ``weighted_t_strata_log``) covered 91.7–92.4% at
      10 strata; the symmetric bootstrap-t 93.9–94.6%.  A ratio with a
      zero numerator or denominator has no log: its row falls back to the
      percentile interval over strata and says so;
    * ``cohens_d`` / ``hedges_g`` (``noncentral_t_strata``): with
      :math:`d = \\hat\\theta / s_p` (:math:`s_p` the pooled SD of the
      documents, *Strata*), :math:`t = \\hat\\theta/\\widehat{se} =
      d \\cdot s_p/\\widehat{se}` is, for normal stratum differences,
      noncentral t on :math:`S - 1` degrees of freedom; the interval
      inverts it (Hedges & Olkin 1985; Steiger & Fouladi 1997) and maps
      the noncentralities back with the observed :math:`s_p/\\widehat{se}`
      (treated as fixed, which ignores the sampling error of :math:`s_p`:
      exact at :math:`\\delta = 0`, 96% at :math:`|d| \\approx 0.37` in the
      benchmark).  Hedges' g carries the same interval;
    * ``cliffs_delta`` (``weighted_t_strata``): the weighted t interval of
      the within-stratum deltas :math:`\\delta_s`, clipped to
      :math:`[-1, 1]`.  With one document per cell :math:`\\delta_s` is
      :math:`\\pm 1`, so coverage is discrete: 97.1% (null) and 93.1% (an
      effect) at 10 strata, 95–96% at 20; BCa over strata over-covered
      (98–99% under the null).

    When every stratum has the same :math:`D_s` the standard error is 0
    and the t-based rows have no interval (NaN).  ``"studentized"`` with
    strata is the symmetric bootstrap-t for ``rate_difference``,
    ``rate_ratio`` and ``cliffs_delta``; ``"t"`` applies to every effect.
    BCa over strata (the jackknife over strata for the acceleration)
    covered only 84–88% at 10 strata for the difference and the ratio.
``"percentile"``
    The percentile bootstrap (Efron & Tibshirani 1993, ch. 13) of framing
    0.2.0 and earlier; 91–92% coverage at 10 documents per group and
    87–88% at 5 clusters.
``"bca"``, ``"studentized"``, ``"t"``
    Force one method; without strata the last two need a standard error,
    so only for ``rate_difference`` and ``rate_ratio``; ``"t"`` also
    gives ``cohens_d`` and ``hedges_g`` the noncentral-t interval (with
    documents or clusters as units).  With strata, see *Intervals over
    strata*.  On the log
    scale, a category whose mean rate is 0 in a group has no standard
    error: its row falls back to the percentile interval and says so in
    ``ci_method``.

The ``ci_method`` column names each row's interval.  Replicates where an
effect is 0/0 are undefined and ignored.  A ``rate_ratio`` replicate
whose group-b mean is 0 (no hit in the resampled documents) is infinite:
the percentile and BCa intervals *keep* it, because dropping it would
condition on the denominator being positive and pull the upper bound
down, whereas an infinite upper bound says honestly that the data cannot
bound the ratio; the studentized interval ignores it (its log-scale
:math:`t^*` is undefined).  When such replicates (a zero mean in either
group) reach the interval's tail, :math:`(1 - \\text{confidence})/2` of
the replicates or more, a :class:`StatsWarning` names the rows.

References
----------
Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based
improvements for inference with clustered errors. *Review of Economics
and Statistics*, 90(3), 414–427.

Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to
cluster-robust inference. *Journal of Human Resources*, 50(2), 317–372.

Cliff, N. (1993). Dominance statistics: ordinal analyses to answer
ordinal questions. *Psychological Bulletin*, 114(3), 494–509.

Cohen, J. (1988). *Statistical Power Analysis for the Behavioral
Sciences* (2nd ed.). Erlbaum.

Efron, B. (1987). Better bootstrap confidence intervals. *JASA*,
82(397), 171–185.

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Greenland, S., & Robins, J. M. (1985). Estimation of a common effect
parameter from sparse follow-up data. *Biometrics*, 41(1), 55–68.

Hall, P. (1988). Theoretical comparison of bootstrap confidence
intervals. *Annals of Statistics*, 16(3), 927–953.

Hedges, L. V., & Olkin, I. (1985). *Statistical Methods for
Meta-Analysis*. Academic Press.

Hedges, L. V. (1981). Distribution theory for Glass's estimator of
effect size and related estimators. *Journal of Educational
Statistics*, 6(2), 107–128.

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
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.special import gammaln
from scipy.stats import rankdata

from ..check import check_choice, check_choices
from .. import seeds
from ..vocab import DEFAULTS, EFFECTS, UNMATCHED
from ._data import RateTable, check_common, group_pairs, rate_table
from ._resample import (
    BATCH_ELEMENTS,
    CI_METHODS,
    INDEX_DRAWS_ABOVE,
    acceleration,
    bca_ci,
    bootstrap_weights,
    check_ci_method,
    check_resampling,
    noncentral_t_ci,
    percentile_ci,
    studentized_ci,
    symmetric_studentized_ci,
    t_ci,
)
from ._warnings import StatsWarning, grouped, warn_once

__all__ = ["AUTO_CI", "CI_METHODS", "EFFECTS", "EFFECT_COLUMNS", "UNMATCHED", "effects"]
EFFECT_COLUMNS: tuple[str, ...] = (
    "category",
    "group_a",
    "group_b",
    "n_docs_a",
    "n_docs_b",
    "n_units_a",
    "n_units_b",
    "unit",
    "strata",
    "n_strata",
    "n_strata_dropped",
    "rate_a",
    "rate_b",
    "effect",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_method",
    "confidence",
    "n_resamples",
)
#: Below this many clusters in a group, cluster-level intervals and tests are approximate (a warning).
MIN_CLUSTERS = 10
#: Below this many shared strata, stratum-level intervals are approximate (a warning).
MIN_STRATA = 10


@dataclass(frozen=True)
class PairData:
    """Observations of one pair of groups, ready for effects and tests.

    ``xa``/``xb`` are units × categories; ``sa``/``sb`` the units' stratum
    codes (0..n_strata-1) or None.
    """

    group_a: str
    group_b: str
    xa: np.ndarray
    xb: np.ndarray
    sa: np.ndarray | None
    sb: np.ndarray | None
    n_docs_a: int
    n_docs_b: int
    unit: str
    n_strata: int
    n_strata_dropped: int

    @property
    def stratified(self) -> bool:
        return self.sa is not None


def cluster_means(table: RateTable, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean rate per cluster among the masked documents (clusters sorted)."""
    codes, names = pd.factorize(pd.Series(table.clusters[mask]), sort=True)
    sums = np.zeros((len(names), table.rates.shape[1]))
    np.add.at(sums, codes, table.rates[mask])
    sizes = np.bincount(codes, minlength=len(names))
    return sums / sizes[:, None], np.asarray(names, dtype=object)


def pair_data(table: RateTable, group_a: str, group_b: str, *, unmatched: str) -> PairData:
    """Collect the observations of groups *a* and *b*; collapse clusters;
    match strata."""
    check_choice("unmatched", unmatched, UNMATCHED)
    in_a = table.groups == group_a
    in_b = table.groups == group_b
    n_docs_a, n_docs_b = int(in_a.sum()), int(in_b.sum())
    if table.cluster is not None and table.strata is not None:
        raise ValueError("cluster and strata cannot be combined: pick the outlet (cluster) or the stratum as the unit")
    if table.cluster is not None:
        xa, _ = cluster_means(table, in_a)
        xb, _ = cluster_means(table, in_b)
        for name, x in ((group_a, xa), (group_b, xb)):
            if len(x) < 2:
                raise ValueError(
                    f"cluster={table.cluster!r}: group {name!r} has {len(x)} cluster(s); a cluster-level "
                    "comparison needs at least 2 per group"
                )
            if len(x) < MIN_CLUSTERS:
                warnings.warn(grouped(
                    f"{{count}} have fewer than {MIN_CLUSTERS} {table.cluster} clusters ({{items}}); cluster-level "
                    "intervals are approximate and tests coarse (permutation p-values cannot fall below 1 / number "
                    "of relabelings)",
                    f"{name!r}: {len(x)}", noun="groups", total=len(table.group_names)), stacklevel=4)
        return PairData(group_a, group_b, xa, xb, None, None, n_docs_a, n_docs_b, "cluster", 0, 0)
    if table.strata is None:
        return PairData(group_a, group_b, table.rates[in_a], table.rates[in_b], None, None, n_docs_a, n_docs_b, "document", 0, 0)
    strata_a = set(table.strata[in_a].tolist())
    strata_b = set(table.strata[in_b].tolist())
    shared = sorted(strata_a & strata_b)
    lonely = sorted((strata_a | strata_b) - set(shared))
    if lonely and unmatched == "error":
        raise ValueError(
            f"strata={table.strata_name!r}: {len(lonely)} stratum/strata hold only one of the groups "
            f"{group_a!r} and {group_b!r} (e.g. {lonely[:3]}); a within-stratum comparison cannot use them. "
            "Pass unmatched='drop' to leave them out (they are counted in n_strata_dropped)"
        )
    if not shared:
        raise ValueError(
            f"strata={table.strata_name!r}: no stratum holds both {group_a!r} and {group_b!r}; "
            "there is nothing to compare within strata"
        )
    if len(shared) < MIN_STRATA:
        warnings.warn(
            f"strata={table.strata_name!r}: only {len(shared)} strata hold both {group_a!r} and {group_b!r} "
            f"(fewer than {MIN_STRATA}); stratum-level intervals are approximate",
            StatsWarning,
            stacklevel=4,
        )
    code = {s: i for i, s in enumerate(shared)}
    keep_a = in_a & np.isin(table.strata, shared)
    keep_b = in_b & np.isin(table.strata, shared)
    sa = np.array([code[s] for s in table.strata[keep_a]], dtype=np.int64)
    sb = np.array([code[s] for s in table.strata[keep_b]], dtype=np.int64)
    return PairData(
        group_a,
        group_b,
        table.rates[keep_a],
        table.rates[keep_b],
        sa,
        sb,
        int(keep_a.sum()),
        int(keep_b.sum()),
        "document",
        len(shared),
        len(lonely),
    )


# ----------------------------------------------------------------- formulas


def hedges_j(df: np.ndarray | float) -> np.ndarray:
    """Exact small-sample correction factor of Hedges (1981)."""
    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2))


def cliffs_delta(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    """Cliff's delta per column: :math:`2U_a/(n_a n_b) - 1`."""
    na, nb = len(xa), len(xb)
    ranks = rankdata(np.concatenate([xa, xb]), axis=0)
    u_a = ranks[:na].sum(axis=0) - na * (na + 1) / 2
    return 2 * u_a / (na * nb) - 1


def _combine(effect: str, ma, mb, diff, ra, rb, na, nb, t1a, t2a, t1b, t2b, delta) -> np.ndarray:
    """One effect from (possibly resampled) sufficient statistics.

    ``ma``/``mb`` feed the ratio numerator/denominator, ``diff`` the
    difference; ``na, t1a, t2a`` (count, sum, sum of squares) the pooled SD.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        if effect == "rate_difference":
            return diff
        if effect == "rate_ratio":
            return ra / rb
        if effect in ("cohens_d", "hedges_g"):
            va = (t2a - t1a**2 / na) / (na - 1)
            vb = (t2b - t1b**2 / nb) / (nb - 1)
            pooled = ((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)
            d = diff / np.sqrt(np.maximum(pooled, 0.0))
            if effect == "hedges_g":
                d = d * hedges_j(na + nb - 2)
            return d
        if effect == "cliffs_delta":
            return delta
    check_choice("effect", effect, EFFECTS)
    raise NotImplementedError(f"effect {effect!r} has no formula")  # unreachable: every EFFECTS name is handled


class _Strata:
    """Per-stratum sufficient statistics of one pair (strata × categories)."""

    def __init__(self, pair: PairData) -> None:
        s = pair.n_strata
        k = pair.xa.shape[1]
        self.na = np.bincount(pair.sa, minlength=s).astype(float)
        self.nb = np.bincount(pair.sb, minlength=s).astype(float)
        self.s1a = np.zeros((s, k))
        self.s2a = np.zeros((s, k))
        self.s1b = np.zeros((s, k))
        self.s2b = np.zeros((s, k))
        np.add.at(self.s1a, pair.sa, pair.xa)
        np.add.at(self.s2a, pair.sa, pair.xa**2)
        np.add.at(self.s1b, pair.sb, pair.xb)
        np.add.at(self.s2b, pair.sb, pair.xb**2)
        self.w = self.na * self.nb / (self.na + self.nb)
        self.ma = self.s1a / self.na[:, None]
        self.mb = self.s1b / self.nb[:, None]
        self.delta = np.zeros((s, k))
        for i in range(s):
            self.delta[i] = cliffs_delta(pair.xa[pair.sa == i], pair.xb[pair.sb == i])

    def evaluate(self, effect: str, c: np.ndarray) -> np.ndarray:
        """Effect for stratum multiplicities ``c`` (replicates × strata)."""
        cw = c * self.w
        total = cw.sum(axis=1)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = cw @ (self.ma - self.mb) / total
            ra, rb = cw @ self.ma / total, cw @ self.mb / total
            delta = cw @ self.delta / total
        na = (c @ self.na)[:, None]
        nb = (c @ self.nb)[:, None]
        return _combine(effect, None, None, diff, ra, rb, na, nb, c @ self.s1a, c @ self.s2a, c @ self.s1b, c @ self.s2b, delta)

    def pooled_sd(self) -> np.ndarray:
        """The pooled SD of the two groups' documents (the denominator of
        the stratified Cohen's d), per category."""
        na, nb = self.na.sum(), self.nb.sum()
        va = (self.s2a.sum(0) - self.s1a.sum(0) ** 2 / na) / (na - 1)
        vb = (self.s2b.sum(0) - self.s1b.sum(0) ** 2 / nb) / (nb - 1)
        with np.errstate(invalid="ignore"):
            return np.sqrt(np.maximum(((na - 1) * va + (nb - 1) * vb) / (na + nb - 2), 0.0))

    def se_scale(self, effect: str, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Estimate and stratum-level standard error on the studentized
        scale for stratum multiplicities ``c`` (replicates × strata).

        ``rate_difference`` / ``cliffs_delta``: the weighted mean
        :math:`\\hat\\theta = \\sum_s w_s D_s / \\sum_s w_s` of the stratum
        values :math:`D_s` (:math:`\\bar x_s - \\bar y_s` or
        :math:`\\delta_s`) with :math:`\\widehat{se}^2 = \\frac{S}{S-1}
        \\sum_s w_s^2 (D_s - \\hat\\theta)^2 / (\\sum_s w_s)^2`;
        ``rate_ratio``: :math:`\\log R`, :math:`R = A/B`, :math:`A =
        \\sum_s w_s\\bar x_s`, :math:`B = \\sum_s w_s \\bar y_s`, with the
        linearised :math:`\\widehat{se}^2 = \\frac{S}{S-1} \\sum_s w_s^2
        (\\bar x_s/A - \\bar y_s/B)^2`.  :math:`S` counts strata with
        multiplicity."""
        cw = c * self.w
        w2 = c * self.w**2
        n = c.sum(axis=1)[:, None]
        total = cw.sum(axis=1)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = n / (n - 1)
            if effect == "rate_ratio":
                a, b = cw @ self.ma, cw @ self.mb
                ss = w2 @ self.ma**2 / a**2 - 2 * (w2 @ (self.ma * self.mb)) / (a * b) + w2 @ self.mb**2 / b**2
                return np.log(a) - np.log(b), np.sqrt(np.maximum(factor * ss, 0.0))
            values = self.delta if effect == "cliffs_delta" else self.ma - self.mb
            theta = cw @ values / total
            ss = w2 @ values**2 - 2 * theta * (w2 @ values) + theta**2 * w2.sum(axis=1)[:, None]
            return theta, np.sqrt(np.maximum(factor * ss, 0.0)) / total


def group_rates(pair: PairData) -> tuple[np.ndarray, np.ndarray]:
    """The two groups' mean rates on the comparison's own footing
    (stratum-weighted when stratified)."""
    if pair.stratified:
        st = _Strata(pair)
        ones = np.ones((1, pair.n_strata))
        cw = ones * st.w
        return (cw @ st.ma / cw.sum())[0], (cw @ st.mb / cw.sum())[0]
    return pair.xa.mean(axis=0), pair.xb.mean(axis=0)


def point_estimate(pair: PairData, effect: str) -> np.ndarray:
    """The effect per category."""
    if pair.stratified:
        return _Strata(pair).evaluate(effect, np.ones((1, pair.n_strata)))[0]
    xa, xb = pair.xa, pair.xb
    na, nb = float(len(xa)), float(len(xb))
    ma, mb = xa.mean(axis=0), xb.mean(axis=0)
    delta = cliffs_delta(xa, xb) if effect == "cliffs_delta" else None
    return _combine(effect, ma, mb, ma - mb, ma, mb, na, nb, xa.sum(0), (xa**2).sum(0), xb.sum(0), (xb**2).sum(0), delta)


def _weighted_delta(xa: np.ndarray, xb: np.ndarray, wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """Cliff's delta for bootstrap weights (replicates × units), one column.

    For each x_i, the weighted number of y below and above it comes from a
    cumulative sum of the y weights in sorted order, so a replicate costs
    O(n_a + n_b) instead of O(n_a n_b)."""
    order = np.argsort(xb, kind="stable")
    ys = xb[order]
    lo = np.searchsorted(ys, xa, side="left")
    hi = np.searchsorted(ys, xa, side="right")
    cum = np.zeros((wb.shape[0], len(xb) + 1))
    np.cumsum(wb[:, order], axis=1, out=cum[:, 1:])
    below = cum[:, lo]
    above = cum[:, -1:] - cum[:, hi]
    return (wa * (below - above)).sum(axis=1) / (len(xa) * len(xb))


def group_moments(x: np.ndarray, *, n_resamples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of one group's column sums and sums of squares
    (each n_resamples × columns), from :func:`bootstrap_weights` draws:
    what every effect but Cliff's delta needs of a resampled group."""
    n, k = x.shape
    both = np.hstack([x, x**2])
    t1, t2 = np.empty((n_resamples, k)), np.empty((n_resamples, k))
    batch = max(1, BATCH_ELEMENTS // max(n, 1))
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        sums = bootstrap_weights(rng, n, b) @ both
        t1[start : start + b], t2[start : start + b] = sums[:, :k], sums[:, k:]
    return t1, t2


#: Per-group bootstrap moments shared by a call's pairs and effects: group name -> (sums, sums of squares).
GroupDraws = dict


def large_pair_moments(pair: PairData, effect: str, *, n_resamples: int, random_state: int | None,
                       draws: GroupDraws | None = None) -> Callable[[], tuple] | None:
    """For a pair of more than ``INDEX_DRAWS_ABOVE`` units (no strata; not Cliff's
    delta): a function giving the groups' bootstrap moments
    (:func:`group_moments`), each group drawn once from its own stream
    ``rng(random_state, "effect_group", group)`` and kept in ``draws`` for
    the other pairs and effects of the call; else None (the pair's own
    multinomial draws)."""
    if pair.stratified or effect == "cliffs_delta" or len(pair.xa) + len(pair.xb) <= INDEX_DRAWS_ABOVE:
        return None
    cache: GroupDraws = {} if draws is None else draws

    def moments() -> tuple:
        out = []
        for group, x in ((pair.group_a, pair.xa), (pair.group_b, pair.xb)):
            if group not in cache:
                cache[group] = group_moments(x, n_resamples=n_resamples,
                                             rng=seeds.rng(random_state, "effect_group", group))
            out.extend(cache[group])
        return tuple(out)

    return moments


def bootstrap_replicates(pair: PairData, effect: str, *, n_resamples: int, rng: np.random.Generator,
                         studentize: bool = False,
                         moments: Callable[[], tuple] | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Bootstrap replicates of an effect, shape (n_resamples, categories).

    With ``studentize`` (``rate_difference`` and ``rate_ratio``; with
    strata also ``cliffs_delta``, on the scale of :meth:`_Strata.se_scale`)
    also the studentized replicates :math:`t^* = (\\theta^* -
    \\hat\\theta)/\\widehat{se}^*` on the scale of :func:`studentized_scale`
    (the log scale for the ratio); else None.  The draws do not depend on
    ``studentize``, so every interval method sees the same resamples.
    ``moments`` (:func:`large_pair_moments`) supplies the groups' resampled
    sums instead of drawing multinomial weights from ``rng``."""
    k = pair.xa.shape[1]
    out = np.empty((n_resamples, k))
    if pair.stratified:
        st = _Strata(pair)
        s = pair.n_strata
        batch = max(1, BATCH_ELEMENTS // max(s * k, 1))
        t_out = np.empty((n_resamples, k)) if studentize else None
        if studentize:
            theta_hat, _ = st.se_scale(effect, np.ones((1, s)))
        for start in range(0, n_resamples, batch):
            b = min(batch, n_resamples - start)
            c = rng.multinomial(s, np.full(s, 1.0 / s), size=b).astype(float)
            out[start : start + b] = st.evaluate(effect, c)
            if t_out is not None:
                theta, se = st.se_scale(effect, c)
                with np.errstate(invalid="ignore", divide="ignore"):
                    t_out[start : start + b] = np.where(se > 0, (theta - theta_hat) / se, np.nan)
        return out, t_out
    xa, xb = pair.xa, pair.xb
    na, nb = len(xa), len(xb)
    t_out = np.empty((n_resamples, k)) if studentize else None
    if studentize:
        theta_hat, _, _ = studentized_scale(pair, effect)

    def fill(rows: slice, t1a, t2a, t1b, t2b) -> None:
        ma, mb = t1a / na, t1b / nb
        out[rows] = _combine(effect, ma, mb, ma - mb, ma, mb, float(na), float(nb), t1a, t2a, t1b, t2b, None)
        if t_out is not None:
            va = np.maximum(t2a - na * ma**2, 0.0) / (na - 1)
            vb = np.maximum(t2b - nb * mb**2, 0.0) / (nb - 1)
            theta, se, _ = _scale_parts(effect, ma, mb, va, vb, na, nb)
            with np.errstate(invalid="ignore", divide="ignore"):
                t = (theta - theta_hat) / se
            # a replicate without spread (every draw the same unit) has no t
            t_out[rows] = np.where(se > 0, t, np.nan)

    if moments is not None and effect != "cliffs_delta":
        fill(slice(0, n_resamples), *moments())
        return out, t_out
    batch = max(1, BATCH_ELEMENTS // max((na + nb) * max(k, 1), 1))
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        wa = rng.multinomial(na, np.full(na, 1.0 / na), size=b).astype(float)
        wb = rng.multinomial(nb, np.full(nb, 1.0 / nb), size=b).astype(float)
        if effect == "cliffs_delta":
            out[start : start + b] = np.column_stack([_weighted_delta(xa[:, j], xb[:, j], wa, wb) for j in range(k)])
            continue
        fill(slice(start, start + b), wa @ xa, wa @ xa**2, wb @ xb, wb @ xb**2)
    return out, t_out


def _scale_parts(effect: str, ma, mb, va, vb, na, nb):
    """Estimate, standard error and Welch–Satterthwaite df on the
    studentized scale: :math:`\\bar x - \\bar y` for the difference,
    :math:`\\log\\bar x - \\log\\bar y` for the ratio with the delta-method
    :math:`se^2 = s_x^2/(n_a\\bar x^2) + s_y^2/(n_b\\bar y^2)`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if effect == "rate_difference":
            qa, qb = va / na, vb / nb
            theta = ma - mb
        else:
            qa, qb = va / (na * ma**2), vb / (nb * mb**2)
            theta = np.log(ma) - np.log(mb)
        se = np.sqrt(qa + qb)
        df = (qa + qb) ** 2 / (qa**2 / (na - 1) + qb**2 / (nb - 1))
    return theta, se, df


def studentized_scale(pair: PairData, effect: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The observed estimate, its standard error and Welch df on the
    studentized scale (see :func:`_scale_parts`)."""
    xa, xb = pair.xa, pair.xb
    return _scale_parts(effect, xa.mean(0), xb.mean(0), xa.var(0, ddof=1), xb.var(0, ddof=1), len(xa), len(xb))


def jackknife(pair: PairData, effect: str) -> list[np.ndarray]:
    """Leave-one-out estimates for the BCa acceleration: one array (units ×
    categories) per group, or one over strata when stratified."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if pair.stratified:
            s = pair.n_strata
            return [_Strata(pair).evaluate(effect, 1.0 - np.eye(s))]
        xa, xb = pair.xa, pair.xb
        na, nb = len(xa), len(xb)
        if effect == "cliffs_delta":
            ra = np.empty_like(xa)
            rb = np.empty_like(xb)
            for j in range(xa.shape[1]):
                ys, xs = np.sort(xb[:, j]), np.sort(xa[:, j])
                ra[:, j] = np.searchsorted(ys, xa[:, j], "left") - (nb - np.searchsorted(ys, xa[:, j], "right"))
                # for y_j: #x above minus #x below
                rb[:, j] = (na - np.searchsorted(xs, xb[:, j], "right")) - np.searchsorted(xs, xb[:, j], "left")
            total = ra.sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                return [(total - ra) / ((na - 1) * nb), (total - rb) / (na * (nb - 1))]
        sa, qa, sb, qb = xa.sum(0), (xa**2).sum(0), xb.sum(0), (xb**2).sum(0)
        ma, mb = sa / na, sb / nb
        sa_i, qa_i = sa - xa, qa - xa**2
        ma_i = sa_i / (na - 1)
        sb_j, qb_j = sb - xb, qb - xb**2
        mb_j = sb_j / (nb - 1)
        theta_a = _combine(effect, ma_i, mb, ma_i - mb, ma_i, mb, na - 1.0, float(nb), sa_i, qa_i, sb, qb, None)
        theta_b = _combine(effect, ma, mb_j, ma - mb_j, ma, mb_j, float(na), nb - 1.0, sa, qa, sb_j, qb_j, None)
        return [theta_a, theta_b]


#: What ``ci_method="auto"`` uses, per unit of the comparison and effect: the
#: method whose 95% intervals covered 93–97% in ``benchmarks/bench_coverage.py``
#: at 10 documents per group and at 5 clusters per class.
AUTO_CI: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "document": MappingProxyType({"rate_difference": "studentized", "rate_ratio": "studentized", "cohens_d": "bca",
                                  "hedges_g": "bca", "cliffs_delta": "percentile"}),
    "cluster": MappingProxyType({"rate_difference": "t", "rate_ratio": "studentized", "cohens_d": "t",
                                 "hedges_g": "t", "cliffs_delta": "bca"}),
    "strata": MappingProxyType({"rate_difference": "t", "rate_ratio": "studentized", "cohens_d": "t",
                                "hedges_g": "t", "cliffs_delta": "t"}),
})
_SE_EFFECTS = ("rate_difference", "rate_ratio")
_D_EFFECTS = ("cohens_d", "hedges_g")
_CI_LABELS = {"percentile": "percentile_bootstrap", "bca": "bca_bootstrap", "studentized": "studentized_bootstrap",
              "t": "welch_t", "nct": "noncentral_t"}
_STRATA_LABELS = {"t": "weighted_t_strata", "studentized": "symmetric_studentized_bootstrap_strata",
                  "nct": "noncentral_t_strata"}


def resolve_ci_method(ci_method: str, effect: str, *, unit: str, stratified: bool) -> str:
    """The interval method for one effect: ``AUTO_CI`` for ``"auto"``;
    otherwise ``ci_method`` if it is defined for the effect and design."""
    key = "strata" if stratified else unit
    if ci_method == "auto":
        return AUTO_CI[key][effect]
    if ci_method in ("studentized", "t") and stratified:
        if ci_method == "studentized" and effect in _D_EFFECTS:
            raise ValueError(f"ci_method='studentized' is not available for {effect} with strata; choose 'auto', "
                             "'t' (the noncentral t), 'bca' or 'percentile'")
        return ci_method
    if ci_method in ("studentized", "t"):
        if ci_method == "t" and effect in _D_EFFECTS:
            return ci_method
        if effect not in _SE_EFFECTS:
            also = " / cohens_d / hedges_g" if ci_method == "t" else ""
            raise ValueError(f"ci_method={ci_method!r} needs a standard error, which {effect} does not have here; "
                             f"choose 'auto', 'bca' or 'percentile' (or effects rate_difference / rate_ratio{also})")
    return ci_method


def noncentral_t_interval(pair: PairData, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """The noncentral-t interval of the standardized difference
    :math:`\\delta` (Hedges & Olkin 1985; Steiger & Fouladi 1997) from
    Cohen's *d* of the pair's units, with :math:`t = d\\sqrt{n_a n_b/(n_a +
    n_b)}` on :math:`n_a + n_b - 2` degrees of freedom (units: documents or
    clusters).  Hedges' *g* estimates the same :math:`\\delta`, so its rows
    carry the same interval."""
    d = point_estimate(pair, "cohens_d")
    na, nb = len(pair.xa), len(pair.xb)
    scale = np.sqrt(na * nb / (na + nb))
    with np.errstate(invalid="ignore", over="ignore"):
        return noncentral_t_ci(d * scale, float(na + nb - 2), scale, confidence)


def warn_zero_replicates(pair: PairData, reps: np.ndarray, confidence: float,
                         categories: Sequence[str] | None, *, stacklevel: int = 5) -> None:
    """Warn when a ``rate_ratio`` category has zero/infinite/undefined
    replicates in at least the interval's tail share."""
    zero = np.mean(~np.isfinite(reps) | (reps == 0), axis=0)
    tail = np.flatnonzero(zero >= (1 - confidence) / 2)
    if len(tail):
        condition = (f"rate_ratio: in {{count}} ({{items}}) at least {100 * (1 - confidence) / 2:g}% of "
                     "bootstrap replicates have no hit in a group (ratio 0, infinite or undefined); those "
                     "intervals are unbounded or unreliable: prefer rate_difference")
        for j in tail:
            name = str(categories[j]) if categories is not None else str(j)
            warnings.warn(grouped(condition, f"{name} ({pair.group_a} vs {pair.group_b})",
                                  noun="category comparisons"), stacklevel=stacklevel)


def strata_interval(pair: PairData, effect: str, estimate: np.ndarray, *, method: str, confidence: float,
                    n_resamples: int, rng: np.random.Generator,
                    categories: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """The stratum-level ``"t"`` and ``"studentized"`` intervals of a
    stratified pair (module docstring, *Strata*), with :math:`S - 1`
    degrees of freedom for :math:`S` strata."""
    k = len(estimate)
    s = pair.n_strata
    st = _Strata(pair)
    df = np.full(k, s - 1.0)
    used = 0
    if method == "t" and effect in _D_EFFECTS:
        # t = D / se(D) on S - 1 df, with d = D / s_p: t = d * (s_p / se(D))
        diff, se_diff = (v[0] for v in st.se_scale("rate_difference", np.ones((1, s))))
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            scale = st.pooled_sd() / se_diff
            low, high = noncentral_t_ci(diff / se_diff, float(s - 1), scale, confidence)
        return low, high, [_STRATA_LABELS["nct"]] * k, 0
    theta, se = (v[0] for v in st.se_scale(effect, np.ones((1, s))))
    reps = None
    if method == "t":
        low, high = t_ci(theta, se, df, confidence)
        label = _STRATA_LABELS["t"]
    else:
        reps, t_reps = bootstrap_replicates(pair, effect, n_resamples=n_resamples, rng=rng, studentize=True)
        used = n_resamples
        if effect == "rate_ratio":
            warn_zero_replicates(pair, reps, confidence, categories, stacklevel=6)
        low, high = symmetric_studentized_ci(theta, se, t_reps, confidence)
        label = _STRATA_LABELS["studentized"]
    if effect == "cliffs_delta":
        low, high = np.clip(low, -1.0, 1.0), np.clip(high, -1.0, 1.0)
    if effect != "rate_ratio":
        return low, high, [label] * k, used
    with np.errstate(over="ignore"):
        low, high = np.exp(low), np.exp(high)
    labels = [label + "_log"] * k
    undefined = ~(estimate > 0) | ~np.isfinite(estimate)
    if undefined.any():
        if reps is None:
            reps, _ = bootstrap_replicates(pair, effect, n_resamples=n_resamples, rng=rng)
            warn_zero_replicates(pair, reps, confidence, categories, stacklevel=6)
            used = n_resamples
        p_low, p_high = percentile_ci(reps, confidence)
        low, high = np.where(undefined, p_low, low), np.where(undefined, p_high, high)
        labels = [_CI_LABELS["percentile"] + "_strata" if u else lab for u, lab in zip(undefined, labels)]
    return low, high, labels, used


def effect_interval(pair: PairData, effect: str, estimate: np.ndarray, *, method: str, confidence: float,
                    n_resamples: int, rng: np.random.Generator, categories: Sequence[str] | None = None,
                    moments: Callable[[], tuple] | None = None) -> tuple[np.ndarray, np.ndarray, list[str], int]:
    """CI bounds of one effect per category, each row's ``ci_method`` label
    and the bootstrap replicates drawn (0 for the t interval).

    On the log scale (``rate_ratio`` with ``studentized``/``t``), a category
    whose mean rate is zero in either group has no log-scale standard
    error; its row uses the percentile interval and says so in its label.
    ``moments``: see :func:`bootstrap_replicates`."""
    if pair.stratified and method in ("t", "studentized"):
        return strata_interval(pair, effect, estimate, method=method, confidence=confidence,
                               n_resamples=n_resamples, rng=rng, categories=categories)
    suffix = "_strata" if pair.stratified else ""
    k = len(estimate)
    if method == "t" and effect in _D_EFFECTS:
        low, high = noncentral_t_interval(pair, confidence)
        return low, high, [_CI_LABELS["nct"]] * k, 0
    if method == "t":
        theta, se, df = studentized_scale(pair, effect)
        low, high = t_ci(theta, se, df, confidence)
        used = 0
        reps = None
    else:
        reps, t_reps = bootstrap_replicates(pair, effect, n_resamples=n_resamples, rng=rng,
                                            studentize=method == "studentized", moments=moments)
        used = n_resamples
        if method == "percentile":
            low, high = percentile_ci(reps, confidence)
        elif method == "bca":
            low, high = bca_ci(reps, estimate, acceleration(jackknife(pair, effect)), confidence)
        else:
            theta, se, _ = studentized_scale(pair, effect)
            low, high = studentized_ci(theta, se, t_reps, confidence)
    labels = [_CI_LABELS[method] + suffix] * k
    if effect == "rate_ratio" and reps is not None:
        warn_zero_replicates(pair, reps, confidence, categories)
    if method in ("t", "studentized"):
        if effect == "rate_ratio":
            with np.errstate(over="ignore"):
                low, high = np.exp(low), np.exp(high)
            undefined = ~np.isfinite(np.log(np.where(estimate > 0, estimate, np.nan)))
            labels = [label + "_log" for label in labels]
        else:
            undefined = np.zeros(k, dtype=bool)
        if undefined.any():
            if reps is None:
                reps, _ = bootstrap_replicates(pair, effect, n_resamples=n_resamples, rng=rng, moments=moments)
                used = n_resamples
            p_low, p_high = percentile_ci(reps, confidence)
            low, high = np.where(undefined, p_low, low), np.where(undefined, p_high, high)
            labels = [_CI_LABELS["percentile"] if u else lab for u, lab in zip(undefined, labels)]
    return low, high, labels, used


def effect_rows(
    pair: PairData,
    categories: Sequence[str],
    effect: str,
    *,
    confidence: float,
    n_resamples: int,
    random_state: int | None,
    strata_name: str | None,
    ci_method: str = "auto",
    draws: GroupDraws | None = None,
) -> list[dict[str, Any]]:
    """Rows of ``EFFECT_COLUMNS`` for one pair and one effect.

    A pair of more than ``INDEX_DRAWS_ABOVE`` units resamples each group once
    per call (:func:`large_pair_moments`; ``draws`` keeps them for the
    call's other pairs and effects), others draw from the pair's stream
    ``rng(random_state, "effect", effect, group_a, group_b)``."""
    estimate = point_estimate(pair, effect)
    stream = seeds.rng(random_state, "effect", effect, pair.group_a, pair.group_b)
    method = resolve_ci_method(ci_method, effect, unit=pair.unit, stratified=pair.stratified)
    moments = large_pair_moments(pair, effect, n_resamples=n_resamples, random_state=random_state, draws=draws)
    low, high, labels, used = effect_interval(pair, effect, estimate, method=method, confidence=confidence,
                                              n_resamples=n_resamples, rng=stream, categories=categories,
                                              moments=moments)
    rate_a, rate_b = group_rates(pair)
    rows = []
    for j, category in enumerate(categories):
        rows.append(
            {
                "category": category,
                "group_a": pair.group_a,
                "group_b": pair.group_b,
                "n_docs_a": pair.n_docs_a,
                "n_docs_b": pair.n_docs_b,
                "n_units_a": len(pair.xa),
                "n_units_b": len(pair.xb),
                "unit": pair.unit,
                "strata": strata_name or "",
                "n_strata": pair.n_strata,
                "n_strata_dropped": pair.n_strata_dropped,
                "rate_a": float(rate_a[j]),
                "rate_b": float(rate_b[j]),
                "effect": effect,
                "estimate": float(estimate[j]),
                "ci_low": float(low[j]),
                "ci_high": float(high[j]),
                "ci_method": labels[j],
                "confidence": float(confidence),
                "n_resamples": int(used),
            }
        )
    return rows


def sort_rows(frame: pd.DataFrame, categories: Sequence[str], last: str, order: Sequence[str]) -> pd.DataFrame:
    """Sort by category (lexicon order), group_a, group_b, then ``last`` in ``order``."""
    if frame.empty:
        return frame.reset_index(drop=True)
    cat_rank = {c: i for i, c in enumerate(categories)}
    last_rank = {m: i for i, m in enumerate(order)}
    keyed = frame.assign(_c=frame["category"].map(cat_rank), _m=frame[last].map(last_rank))
    keyed = keyed.sort_values(["_c", "group_a", "group_b", "_m"], kind="mergesort")
    return keyed.drop(columns=["_c", "_m"]).reset_index(drop=True)


@warn_once
def effects(
    scores: pd.DataFrame,
    *,
    by: str = DEFAULTS["by"],
    corpus: Any = None,
    effects: Sequence[str] = EFFECTS,
    pairs: str = "all",
    reference: str | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    unmatched: str = DEFAULTS["unmatched"],
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    confidence: float = DEFAULTS["confidence"],
    n_resamples: int = DEFAULTS["n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
    ci_method: str = "auto",
) -> pd.DataFrame:
    """Effect sizes with bootstrap confidence intervals for pairs of groups.

    Parameters
    ----------
    scores : DataFrame
        Per-document scores from :func:`framing.match.scoring.score`.
    by : str, default "outlet"
        The grouping column (of ``scores``, or of ``corpus`` joined on
        ``doc_id``).
    corpus : Corpus or DataFrame, optional
        Source of ``by``/``cluster``/``strata`` columns missing from
        ``scores`` (e.g. ``outlet_group``, ``story_id``).
    effects : sequence of str
        Any of ``EFFECTS`` (see the module docstring for formulas).
    pairs : {"all", "reference"}
        All pairs of groups (sorted, ``group_a < group_b``), or every group
        against ``reference`` (``group_b`` is the reference).
    cluster : str, optional
        Resampling unit when groups are classes of outlets (e.g.
        ``cluster="outlet"`` with ``by="outlet_group"``).
    strata : str, optional
        Compare within strata (e.g. ``"story_id"``).
    unmatched : {"error", "drop"}
        What to do with strata holding only one of the two groups.
    categories, part, voice : optional
        Restrict to some categories; choose the part/voice when the
        scores hold several.
    confidence : float, default 0.95
    n_resamples : int, default 4999
        Bootstrap replicates (``DEFAULTS["n_resamples"]`` of
        :mod:`framing.vocab`).
    random_state : int or None, default 0
        Root seed (``DEFAULTS["seed"]``, so results are reproducible by
        default; None draws fresh entropy).  Each pair and effect gets its
        own named stream, ``framing.seeds.rng(random_state, "effect",
        effect, group_a, group_b)``, so a row does not change when other
        groups are added and results are identical for the same seed under
        any ``PYTHONHASHSEED``.  A pair of more than ``INDEX_DRAWS_ABOVE``
        (200) units instead resamples each group from the group's stream
        ``rng(random_state, "effect_group", group)`` (uniform indices,
        :func:`framing.stats._resample.bootstrap_weights`), once per call
        for all its pairs and effects (Cliff's delta and strata keep the
        pair's stream); rows still do not depend on other groups.
    ci_method : {"auto", "percentile", "bca", "studentized", "t"}, default "auto"
        The interval (module docstring, *Confidence intervals*).  ``"auto"``
        uses :data:`AUTO_CI`; ``"percentile"`` gives the intervals of
        framing 0.2.0 and earlier.  Without strata ``"studentized"`` and
        ``"t"`` need a standard error: only ``rate_difference`` and
        ``rate_ratio`` (and, for ``"t"``, the noncentral-t interval of
        ``cohens_d`` and ``hedges_g``); with strata ``"t"`` applies to
        every effect and ``"studentized"`` to all but ``cohens_d`` and
        ``hedges_g``.

    Returns
    -------
    DataFrame
        Columns ``EFFECT_COLUMNS``: ``category, group_a, group_b,
        n_docs_a, n_docs_b`` (documents used), ``n_units_a, n_units_b``
        (documents or clusters), ``unit`` ("document" or "cluster"),
        ``strata`` (column name or ""), ``n_strata``, ``n_strata_dropped``,
        ``rate_a, rate_b`` (the groups' mean rates, stratum-weighted when
        stratified), ``effect``, ``estimate``, ``ci_low``, ``ci_high``,
        ``ci_method`` (the interval of the row: ``percentile_bootstrap``,
        ``bca_bootstrap``, ``studentized_bootstrap``, ``welch_t`` or
        ``noncentral_t``, with ``_strata`` when strata were the unit, and
        with strata also ``weighted_t_strata`` and
        ``symmetric_studentized_bootstrap_strata``; ``_log`` when computed
        on the log scale), ``confidence``, ``n_resamples`` (bootstrap
        replicates drawn for the row's interval; 0 for the t-based
        ones).  Sorted by category
        (lexicon order), group_a, group_b, effect (``EFFECTS`` order).

    Raises
    ------
    ValueError
        Unknown effects, a group with fewer than 2 documents (or
        clusters), a category with no hit in any document, unmatched
        strata (unless ``unmatched="drop"``), invalid resampling options,
        an unknown ``ci_method`` or one not defined for an effect.

    Warns
    -----
    StatsWarning
        Fewer than 10 clusters in a group, or fewer than 10 strata: the
        intervals are approximate.

    See Also
    --------
    framing.stats.compare.compare : tests with p-values and FDR control.
    """
    names = check_choices("effects", effects, EFFECTS)
    n_resamples, confidence, random_state = check_resampling(n_resamples, confidence, random_state)
    check_choice("unmatched", unmatched, UNMATCHED)
    ci_method = check_ci_method(ci_method)
    for effect in names:
        resolve_ci_method(ci_method, effect, unit="cluster" if cluster else "document", stratified=strata is not None)
    table = rate_table(
        scores, by=by, corpus=corpus, cluster=cluster, strata=strata, categories=categories, part=part, voice=voice
    )
    check_common(table)
    rows: list[dict[str, Any]] = []
    draws: GroupDraws = {}
    for a, b in group_pairs(table.group_names, pairs=pairs, reference=reference):
        pair = pair_data(table, a, b, unmatched=unmatched)
        for effect in names:
            rows.extend(
                effect_rows(
                    pair,
                    table.categories,
                    effect,
                    confidence=confidence,
                    n_resamples=n_resamples,
                    random_state=random_state,
                    strata_name=strata,
                    ci_method=ci_method,
                    draws=draws,
                )
            )
    frame = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
    return sort_rows(frame, table.categories, "effect", EFFECTS)
