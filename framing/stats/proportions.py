"""Proportions with score intervals: Wilson CIs and the precision of coded hits.

A lexicon is validated by coding a sample of its cue hits as correct (the
cue carries the frame) or not.  :func:`precision_table` turns such a
coding sheet into the precision of each group of hits (a category, an
entry, an outlet) with Wilson intervals, and, for a sample stratified by
group, into the precision of *all* hits, weighting each stratum by its
share of the hits.

Wilson interval
---------------
For :math:`x` successes in :math:`n` trials, :math:`\\hat p = x/n` and
:math:`z` the :math:`1 - (1 - \\text{confidence})/2` normal quantile, the
score interval of Wilson (1927) is

.. math::

    \\frac{\\hat p + z^2/(2n)}{1 + z^2/n} \\pm
    \\frac{z}{1 + z^2/n}\\sqrt{\\frac{\\hat p(1-\\hat p)}{n} + \\frac{z^2}{4n^2}}.

Unlike the Wald interval it stays inside [0, 1] and keeps close to its
nominal coverage for small :math:`n` and proportions near 0 or 1 (Brown,
Cai & DasGupta 2001).  It equals ``statsmodels``'
``proportion_confint(method="wilson")``.

Stratified precision
--------------------
With strata :math:`h` (the groups), weights :math:`W_h` (each stratum's
share of all hits, :math:`\\sum_h W_h = 1`), and :math:`x_h` of
:math:`n_h` coded hits correct, the overall precision is
:math:`\\hat p = \\sum_h W_h \\hat p_h` with the stratified-sampling
variance :math:`v = \\sum_h W_h^2 \\hat p_h(1 - \\hat p_h)/n_h` (Cochran
1977, ch. 5; no finite-population correction, which is conservative).
Its interval is the Wilson interval at the *effective sample size*
:math:`n^* = \\hat p(1-\\hat p)/v` with :math:`\\hat p n^*` successes
(Korn & Graubard 1998, who use it with Clopper–Pearson; Dean & Pagano
2015 found the Wilson form to perform well).  When :math:`v = 0` (every
stratum all correct or all wrong) :math:`n^*` is the number of coded
hits, as Korn & Graubard prescribe.  ``n_effective`` reports :math:`n^*`.

References
----------
Brown, L. D., Cai, T. T., & DasGupta, A. (2001). Interval estimation for
a binomial proportion. *Statistical Science*, 16(2), 101–133.

Cochran, W. G. (1977). *Sampling Techniques* (3rd ed.). Wiley.

Dean, N., & Pagano, M. (2015). Evaluating confidence interval methods for
binomial proportions in clustered surveys. *Journal of Survey Statistics
and Methodology*, 3(4), 484–503.

Korn, E. L., & Graubard, B. I. (1998). Confidence intervals for
proportions with small expected number of positive counts estimated from
survey data. *Survey Methodology*, 24(2), 193–201.

Wilson, E. B. (1927). Probable inference, the law of succession, and
statistical inference. *JASA*, 22(158), 209–212.
"""

from __future__ import annotations

import numbers
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..check import check_confidence, check_str, describe
from ._data import ordered_labels

__all__ = ["PRECISION_COLUMNS", "wilson_interval", "precision_table"]

#: The columns of :func:`precision_table`, in order.
PRECISION_COLUMNS: tuple[str, ...] = (
    "by", "group", "scope", "n_coded", "n_correct", "precision", "ci_low", "ci_high", "weight", "n_effective",
    "method", "confidence",
)


def _counts(name: str, value: Any) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name}: expected numbers, got {describe(value)}")
    array = array.astype(float)
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name}: expected finite numbers >= 0, got {describe(value)}")
    return array


def wilson_interval(successes: Any, n: Any, *, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of a proportion (vectorised).

    Parameters
    ----------
    successes : int, float or array-like
        Number of successes, in ``[0, n]``.  Non-integers are allowed
        (effective counts of a weighted design).
    n : int, float or array-like
        Number of trials (broadcast against ``successes``); 0 gives NaN.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    (low, high) : floats, or arrays of the broadcast shape

    Raises
    ------
    TypeError
        If the counts are not numbers.
    ValueError
        If a count is negative or not finite, ``successes > n``, or
        ``confidence`` is not in (0, 1).

    References
    ----------
    Wilson (1927); Brown, Cai & DasGupta (2001).

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(1, 10)]
    [0.0179, 0.4042]
    """
    confidence = check_confidence(confidence)
    x, trials = np.broadcast_arrays(_counts("successes", successes), _counts("n", n))
    if np.any(x > trials):
        i = np.flatnonzero((x > trials).ravel())[0]
        raise ValueError(f"successes: expected at most n, got {x.ravel()[i]:g} successes in "
                         f"{trials.ravel()[i]:g} trials")
    z = norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / trials
        scale = 1 + z * z / trials
        centre = (p + z * z / (2 * trials)) / scale
        half = z / scale * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    low = np.where(trials > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(trials > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def _weights(weights: Any, groups: list) -> np.ndarray:
    if not isinstance(weights, (Mapping, pd.Series)):
        raise TypeError(f"weights: expected a mapping of group to its number (or share) of hits, got "
                        f"{type(weights).__name__}")
    given = dict(weights.items())
    unknown = [g for g in given if g not in set(groups)]
    if unknown and any(given[g] != 0 for g in unknown):
        raise ValueError(f"weights: group {describe(unknown[0])} has hits but no coded sample in the sheet; every "
                         "stratum with hits must be sampled")
    absent = [g for g in groups if g not in given]
    if absent:
        raise ValueError(f"weights: no weight for group {describe(absent[0])}; give every group's number of hits")
    values = []
    for g in groups:
        w = given[g]
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not np.isfinite(w) or w < 0:
            raise ValueError(f"weights: expected finite numbers >= 0, got {describe(w)} for group {describe(g)}")
        values.append(float(w))
    total = sum(values)
    if total <= 0:
        raise ValueError("weights: expected a positive total, got all zero")
    return np.array(values) / total


def precision_table(sheet: pd.DataFrame, *, by: str, correct: str = "correct", weights: Any = None,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Precision of coded cue hits per group, with Wilson intervals.

    Parameters
    ----------
    sheet : pandas.DataFrame
        One row per coded hit: a ``by`` column and a 0/1 (or boolean)
        ``correct`` column.  Uncoded rows must be removed first.
    by : str
        Column of the groups (strata of a stratified sample), e.g.
        ``"category"``.
    correct : str, default "correct"
        Column of the codes: 1 if the hit is correct.
    weights : mapping or pandas.Series, optional
        For a sample stratified by ``by``: each group's number (or share)
        of *all* hits, normalised to shares.  Every group in the sheet
        needs a weight, and every group with hits must be in the sheet.
        Gives the volume-weighted overall precision (see the module
        docstring).  Without weights the overall row pools the coded hits,
        which estimates the precision of all hits only if the sheet is a
        simple random sample of them.
    confidence : float, default 0.95
        Coverage of the intervals.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PRECISION_COLUMNS`: ``by`` (the column name),
        ``group``, ``scope`` (``"group"``, or ``"overall"`` for the last
        row, whose ``group`` is None), ``n_coded``, ``n_correct``,
        ``precision``, ``ci_low``, ``ci_high``, ``weight`` (the stratum's
        share of hits; NaN without weights), ``n_effective`` (the sample
        size the interval uses), ``method`` (``"wilson"``, or
        ``"stratified_wilson"`` for the weighted overall row) and
        ``confidence``.  Groups sorted (order of first appearance if the
        labels cannot be sorted).

    Raises
    ------
    ValueError
        If a column is missing, ``correct`` holds anything but 0/1 (or is
        missing), a group label is missing, the sheet is empty, or the
        weights do not match the groups.
    """
    if not isinstance(sheet, pd.DataFrame):
        raise TypeError(f"sheet: expected a DataFrame, got {type(sheet).__name__}")
    confidence = check_confidence(confidence)
    for parameter, column in (("by", check_str("by", by)), ("correct", check_str("correct", correct))):
        if column not in sheet.columns:
            raise ValueError(f"{parameter}: column {column!r} not in the sheet; it has "
                             f"{', '.join(map(str, sheet.columns))}")
    if sheet.empty:
        raise ValueError("sheet: expected coded hits, got an empty table")
    if sheet[by].isna().any():
        raise ValueError(f"by: column {by!r} has {int(sheet[by].isna().sum())} missing group labels")
    codes = sheet[correct]
    if codes.isna().any():
        raise ValueError(f"correct: column {correct!r} has {int(codes.isna().sum())} missing codes; drop uncoded "
                         "rows first")
    bad = ~codes.isin([0, 1])
    if bad.any():
        first = _plain(codes[bad].iloc[0])
        raise ValueError(f"correct: expected 0/1 codes in column {correct!r}, got {describe(first)}")
    groups = ordered_labels(sheet[by])
    tally = codes.astype(float).groupby(sheet[by], sort=False).agg(["size", "sum"]).loc[groups]
    n_h, x_h = tally["size"].to_numpy(float), tally["sum"].to_numpy(float)
    low, high = wilson_interval(x_h, n_h, confidence=confidence)
    share = _weights(weights, groups) if weights is not None else np.full(len(groups), np.nan)
    rows = [{"by": by, "group": g, "scope": "group", "n_coded": int(n), "n_correct": int(x), "precision": x / n,
             "ci_low": lo, "ci_high": hi, "weight": w, "n_effective": n, "method": "wilson",
             "confidence": confidence} for g, n, x, lo, hi, w in zip(groups, n_h, x_h, low, high, share)]
    if weights is None:
        p, n_eff, method = x_h.sum() / n_h.sum(), n_h.sum(), "wilson"
    else:
        p_h = x_h / n_h
        p = float(np.sum(share * p_h))
        variance = float(np.sum(share ** 2 * p_h * (1 - p_h) / n_h))
        n_eff = p * (1 - p) / variance if variance > 0 else n_h.sum()
        method = "stratified_wilson"
    lo, hi = wilson_interval(min(p * n_eff, n_eff), n_eff, confidence=confidence)
    rows.append({"by": by, "group": None, "scope": "overall", "n_coded": int(n_h.sum()),
                 "n_correct": int(x_h.sum()), "precision": p, "ci_low": lo, "ci_high": hi,
                 "weight": 1.0 if weights is not None else np.nan, "n_effective": float(n_eff), "method": method,
                 "confidence": confidence})
    table = pd.DataFrame(rows, columns=list(PRECISION_COLUMNS))
    table["group"] = pd.Series([row["group"] for row in rows], dtype=object)  # None stays None on the overall row
    return table


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
