r"""Per-group and per-period summaries of cue rates with bootstrap CIs.

Two rates are reported for each group and category:

* ``mean_rate`` — the mean of per-document rates (each document weighs
  the same; the estimand that the document-level tests compare);
* ``pooled_rate`` — total hits / total tokens × scale (long documents
  weigh more; what token-level tools report).

Each has a confidence interval from resampling documents within the
group, or, with ``cluster=`` (e.g. outlets within outlet groups), whole
clusters: then ``mean_rate`` is the mean of the clusters' mean rates
(each outlet weighs the same) and the pooled rate pools the resampled
clusters' documents (the cluster bootstrap; see Field & Welsh 2007).

Intervals (``ci_method``; formulas in :mod:`framing.stats._resample`):

* ``"auto"`` (default): the studentized bootstrap (bootstrap-t; Efron &
  Tibshirani 1993, ch. 12; Hall 1988) over documents or clusters; the
  pooled rate is studentized with the linearised standard error of a
  ratio of sums (Cochran 1977, §6.4).  In ``benchmarks/bench_coverage.py``
  it covers 93–95% at 10 documents per group (percentile: 87%) and
  92–94% at 5 clusters per group (percentile: 80–83%; the t interval
  :math:`\bar x \pm t_{m-1} s/\sqrt m` of Cameron, Gelbach & Miller
  2008's small-cluster advice covers 91–92% there).
* ``"percentile"``: the percentile bootstrap of framing 0.2.0 and earlier
  (Efron & Tibshirani 1993, ch. 13).
* ``"bca"``: bias-corrected and accelerated percentiles (Efron 1987),
  with the analytic jackknife of the mean and of the ratio.
* ``"studentized"``, ``"t"``: forced for either unit.

The table has no ``ci_method`` column; the method follows from
``ci_method`` and ``unit``.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data.
*JRSS B*, 69(3), 369–390.

Efron, B. (1987). Better bootstrap confidence intervals. *JASA*,
82(397), 171–185.

Hall, P. (1988). Theoretical comparison of bootstrap confidence
intervals. *Annals of Statistics*, 16(3), 927–953.

Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based
improvements for inference with clustered errors. *Review of Economics
and Statistics*, 90(3), 414–427.

Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.
"""

from __future__ import annotations

import warnings
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import seeds
from ..check import check_choice
from ..vocab import DEFAULTS
from ._data import RateTable, rate_table
from ._resample import (
    BATCH_ELEMENTS,
    CI_METHODS,
    INDEX_DRAWS_ABOVE,
    acceleration,
    bca_ci,
    bootstrap_weights,
    check_ci_method,
    check_resampling,
    percentile_ci,
    studentized_ci,
    t_ci,
)
from ._warnings import StatsWarning, grouped, warn_once
from .effects import MIN_CLUSTERS

__all__ = ["AUTO_CI", "CI_METHODS", "SUMMARY_COLUMNS", "TIMESERIES_COLUMNS", "FREQUENCIES", "summarize", "timeseries"]

SUMMARY_COLUMNS: tuple[str, ...] = (
    "group",
    "category",
    "n_docs",
    "n_units",
    "unit",
    "tokens",
    "count",
    "mean_rate",
    "mean_low",
    "mean_high",
    "pooled_rate",
    "pooled_low",
    "pooled_high",
    "denominator",
    "confidence",
    "n_resamples",
)
TIMESERIES_COLUMNS: tuple[str, ...] = ("group", "period", *SUMMARY_COLUMNS[1:])
FREQUENCIES: dict[str, str] = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


def _units(table: RateTable, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-unit (document or cluster) mean rates, hit counts and tokens."""
    rates, counts, tokens = table.rates[mask], table.counts[mask].astype(float), table.tokens[mask].astype(float)
    if table.cluster is None:
        return rates, counts, tokens
    codes, names = pd.factorize(pd.Series(table.clusters[mask]), sort=True)
    m = len(names)
    sizes = np.bincount(codes, minlength=m)
    rate_sum = np.zeros((m, rates.shape[1]))
    count_sum = np.zeros((m, rates.shape[1]))
    np.add.at(rate_sum, codes, rates)
    np.add.at(count_sum, codes, counts)
    return rate_sum / sizes[:, None], count_sum, np.bincount(codes, weights=tokens, minlength=m)


#: What ``ci_method="auto"`` uses per unit, for ``mean_rate`` and ``pooled_rate``:
#: the methods whose 95% intervals covered 93–97% in ``benchmarks/bench_coverage.py``.
AUTO_CI: Mapping[str, str] = MappingProxyType({"document": "studentized", "cluster": "studentized"})


def _ratio_se(w: np.ndarray, counts: np.ndarray, tokens: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pooled rate per token and its linearised standard error (Cochran 1977,
    §6.4) for unit multiplicities ``w`` (replicates × units)."""
    return _ratio_parts(w @ counts, w @ counts**2, w @ (counts * tokens[:, None]), w @ tokens, w @ tokens**2, n)


def _ratio_parts(c1: np.ndarray, c2: np.ndarray, ct: np.ndarray, t1: np.ndarray, t2: np.ndarray,
                 n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_ratio_se` from the weighted sums of counts, squared counts,
    counts × tokens (replicates × categories), tokens and squared tokens
    (replicates)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = c1 / t1[:, None]
        resid2 = c2 - 2 * ratio * ct + ratio**2 * t2[:, None]
        se = np.sqrt(np.maximum(resid2, 0.0) / (n * (n - 1))) / (t1[:, None] / n)
    return ratio, se


def _intervals(method: str, rates: np.ndarray, counts: np.ndarray, tokens: np.ndarray, scale: float,
               rng: np.random.Generator, confidence: float, n_resamples: int):
    """(mean_low, mean_high, pooled_low, pooled_high) per category."""
    n, k = rates.shape
    mean = rates.mean(axis=0)
    ones = np.ones((1, n))
    pooled, pooled_se = _ratio_se(ones, counts, tokens, n)
    pooled, pooled_se = pooled[0], pooled_se[0]
    mean_se = rates.std(axis=0, ddof=1) / np.sqrt(n)
    if method == "t":
        m = t_ci(mean, mean_se, np.full(k, n - 1.0), confidence)
        p = t_ci(pooled, pooled_se, np.full(k, n - 1.0), confidence)
        return m[0], m[1], scale * p[0], scale * p[1]
    mean_reps = np.empty((n_resamples, k))
    pooled_reps = np.empty((n_resamples, k))
    student = method == "studentized"
    if student:
        mean_t = np.empty((n_resamples, k))
        pooled_t = np.empty((n_resamples, k))
    large = n > INDEX_DRAWS_ABOVE
    if large:
        # every weighted sum a replicate needs, from one product per batch
        t = tokens[:, None]
        z = np.hstack([rates, rates**2, counts, counts**2, counts * t, t, t**2])
        batch = max(1, BATCH_ELEMENTS // n)
    else:
        batch = max(1, BATCH_ELEMENTS // max(n * k, 1))
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        if large:
            sums = bootstrap_weights(rng, n, b) @ z
            m, rates2 = sums[:, :k] / n, sums[:, k : 2 * k]
            ratio, se = _ratio_parts(sums[:, 2 * k : 3 * k], sums[:, 3 * k : 4 * k], sums[:, 4 * k : 5 * k],
                                     sums[:, 5 * k], sums[:, 5 * k + 1], n)
        else:
            w = rng.multinomial(n, np.full(n, 1.0 / n), size=b).astype(float)
            m = w @ rates / n
            ratio, se = _ratio_se(w, counts, tokens, n)
            rates2 = w @ rates**2 if student else None
        mean_reps[start : start + b] = m
        pooled_reps[start : start + b] = scale * ratio
        if student:
            with np.errstate(invalid="ignore", divide="ignore"):
                m_se = np.sqrt(np.maximum(rates2 - n * m**2, 0.0) / (n - 1) / n)
                mean_t[start : start + b] = np.where(m_se > 0, (m - mean) / m_se, np.nan)
                pooled_t[start : start + b] = np.where(se > 0, (ratio - pooled) / se, np.nan)
    if method == "percentile":
        return (*percentile_ci(mean_reps, confidence), *percentile_ci(pooled_reps, confidence))
    if method == "studentized":
        m_low, m_high = studentized_ci(mean, mean_se, mean_t, confidence)
        p_low, p_high = studentized_ci(pooled, pooled_se, pooled_t, confidence)
        return m_low, m_high, scale * p_low, scale * p_high
    # BCa with the analytic jackknife of a mean and of a ratio of sums
    with np.errstate(invalid="ignore", divide="ignore"):
        jack_mean = (rates.sum(axis=0) - rates) / (n - 1)
        jack_pooled = scale * (counts.sum(axis=0) - counts) / (tokens.sum() - tokens)[:, None]
    m = bca_ci(mean_reps, mean, acceleration([jack_mean]), confidence)
    p = bca_ci(pooled_reps, scale * pooled, acceleration([jack_pooled]), confidence)
    return m[0], m[1], p[0], p[1]


def _summary_rows(
    table: RateTable, mask: np.ndarray, key: dict[str, Any], rng: np.random.Generator, confidence: float,
    n_resamples: int, ci_method: str = "auto",
) -> list[dict[str, Any]]:
    rates, counts, tokens = _units(table, mask)
    n, k = rates.shape
    mean = rates.mean(axis=0)
    pooled = table.scale * counts.sum(axis=0) / tokens.sum()
    unit = "cluster" if table.cluster is not None else "document"
    method = AUTO_CI[unit] if ci_method == "auto" else ci_method
    used = 0 if method == "t" or n < 2 else n_resamples
    if n >= 2:
        mean_low, mean_high, pooled_low, pooled_high = _intervals(
            method, rates, counts, tokens, table.scale, rng, confidence, n_resamples)
    else:
        mean_low = mean_high = pooled_low = pooled_high = np.full(k, np.nan)
    rows = []
    for j, category in enumerate(table.categories):
        rows.append(
            {
                **key,
                "category": category,
                "n_docs": int(mask.sum()),
                "n_units": int(n),
                "unit": unit,
                "tokens": int(tokens.sum()),
                "count": int(counts[:, j].sum()),
                "mean_rate": float(mean[j]),
                "mean_low": float(mean_low[j]),
                "mean_high": float(mean_high[j]),
                "pooled_rate": float(pooled[j]),
                "pooled_low": float(pooled_low[j]),
                "pooled_high": float(pooled_high[j]),
                "denominator": table.denominator,
                "confidence": float(confidence),
                "n_resamples": int(used),
            }
        )
    return rows


@warn_once
def summarize(
    scores: pd.DataFrame,
    *,
    by: str = DEFAULTS["by"],
    corpus: Any = None,
    cluster: str | None = None,
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    confidence: float = DEFAULTS["confidence"],
    n_resamples: int = DEFAULTS["n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
    ci_method: str = "auto",
) -> pd.DataFrame:
    """Per-group cue rates with bootstrap confidence intervals.

    The per-group table to report: each rate is an estimate with an
    interval, documents (or the ``cluster`` values) as the units.  For the plain
    descriptive sums (counts, negations, tokens, for every scored part
    and voice, no resampling) use :func:`framing.match.aggregate`; its
    ``mean_rate`` and ``pooled_rate`` equal this table's point values
    when documents are the units.

    Parameters
    ----------
    scores : DataFrame
        Per-document scores from :func:`framing.match.scoring.score`.
    by : str, default "outlet"
        Grouping column of ``scores`` or of ``corpus`` (joined on doc_id).
    corpus : Corpus or DataFrame, optional
        Source of ``by``/``cluster`` columns missing from ``scores``.
    cluster : str, optional
        Resample whole clusters (e.g. ``"outlet"`` with
        ``by="outlet_group"``).
    categories, part, voice : optional
        Restrict categories; choose a part/voice when several are scored.
    confidence : float, default 0.95
    n_resamples : int, default 4999
        Bootstrap replicates.
    random_state : int or None, default 0
        Root seed (defaults from ``framing.vocab.DEFAULTS``: reproducible
        by default; None draws fresh entropy).  Each group has its own
        named stream, ``framing.seeds.rng(random_state, "summary",
        group)`` (``"timeseries", group, period`` in :func:`timeseries`).
        A group of more than ``INDEX_DRAWS_ABOVE`` (200) units draws its
        bootstrap samples as uniform indices rather than multinomial
        weights (the same bootstrap, faster; earlier versions drew
        multinomial weights at every size).
    ci_method : {"auto", "percentile", "bca", "studentized", "t"}, default "auto"
        The interval of both rates (module docstring); ``"percentile"``
        reproduces framing 0.2.0.

    Returns
    -------
    DataFrame
        Columns ``SUMMARY_COLUMNS``: ``group, category, n_docs, n_units,
        unit, tokens, count, mean_rate, mean_low, mean_high, pooled_rate,
        pooled_low, pooled_high, denominator, confidence, n_resamples``
        (bootstrap replicates drawn; 0 for the t interval and for a group
        with one unit).  Sorted by group, then category (lexicon order).
        A group with one unit has NaN CIs; so has a rate without spread
        under the studentized and t intervals (every unit the same).

    Warns
    -----
    StatsWarning
        Groups with fewer than 10 clusters (one warning naming them all):
        their intervals are approximate.

    See Also
    --------
    framing.match.aggregate : descriptive sums and rates, no intervals.

    Examples
    --------
    >>> import framing, framing.stats as st              # doctest: +SKIP
    >>> corpus = framing.read_corpus("corpora/sample/articles.jsonl")
    >>> st.summarize(framing.score(corpus))
    """
    n_resamples, confidence, random_state = check_resampling(n_resamples, confidence, random_state)
    ci_method = check_ci_method(ci_method)
    table = rate_table(scores, by=by, corpus=corpus, cluster=cluster, categories=categories, part=part, voice=voice)
    rows: list[dict[str, Any]] = []
    for group in table.group_names:
        mask = table.groups == group
        if cluster is not None:
            n_clusters = len(set(table.clusters[mask].tolist()))
            if n_clusters < MIN_CLUSTERS:
                warnings.warn(grouped(
                    f"{{count}} have fewer than {MIN_CLUSTERS} {cluster} clusters ({{items}}); their intervals are "
                    "approximate (NaN with one cluster)",
                    f"{group!r}: {n_clusters}", noun="groups", total=len(table.group_names)), stacklevel=2)
        stream = seeds.rng(random_state, "summary", group)
        rows.extend(_summary_rows(table, mask, {"group": group}, stream, confidence, n_resamples, ci_method))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


@warn_once
def timeseries(
    scores: pd.DataFrame,
    *,
    by: str = DEFAULTS["by"],
    date: str = "date",
    freq: str = "month",
    corpus: Any = None,
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    confidence: float = DEFAULTS["confidence"],
    n_resamples: int = DEFAULTS["n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
    ci_method: str = "auto",
) -> pd.DataFrame:
    """Cue rates per group and period with bootstrap CIs over documents.

    Parameters
    ----------
    date : str, default "date"
        Column of ISO dates (``YYYY-MM-DD``, or full timestamps) in
        ``scores`` or ``corpus``.
    freq : {"day", "week", "month", "quarter", "year"}
        Period length; weeks start on Monday.  ``period`` is the ISO date
        of the period's first day.
    Other parameters as in :func:`summarize`.

    Returns
    -------
    DataFrame
        Columns ``TIMESERIES_COLUMNS`` (``group, period`` then the
        summary columns), sorted by group, period, category.  Only periods
        with documents appear; a period with one document has NaN CIs.

    Raises
    ------
    TypeError, ValueError
        Unknown ``freq``; bad resampling options; a date that cannot be parsed (named with its
        document).
    """
    check_choice("freq", freq, tuple(FREQUENCIES))
    n_resamples, confidence, random_state = check_resampling(n_resamples, confidence, random_state)
    ci_method = check_ci_method(ci_method)
    table = rate_table(scores, by=by, corpus=corpus, date=date, categories=categories, part=part, voice=voice)
    parsed = pd.to_datetime(pd.Series(table.dates), errors="coerce", format="mixed")
    if parsed.isna().any():
        i = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise ValueError(
            f"date={date!r}: document {table.doc_ids[i]!r} has date {table.dates[i]!r}, which is not an ISO date"
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    periods = parsed.dt.to_period(FREQUENCIES[freq]).dt.start_time.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    rows: list[dict[str, Any]] = []
    singles = 0
    for group in table.group_names:
        in_group = table.groups == group
        for period in sorted(set(periods[in_group].tolist())):
            mask = in_group & (periods == period)
            singles += int(mask.sum() == 1)
            stream = seeds.rng(random_state, "timeseries", group, period)
            rows.extend(_summary_rows(table, mask, {"group": group, "period": period}, stream, confidence, n_resamples,
                                     ci_method))
    if singles:
        warnings.warn(
            f"{singles} group-period cell(s) hold a single document; their CIs are NaN. A longer freq= helps",
            StatsWarning,
            stacklevel=2,
        )
    return pd.DataFrame(rows, columns=list(TIMESERIES_COLUMNS))
