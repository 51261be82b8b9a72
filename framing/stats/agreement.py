"""Inter-coder agreement: Krippendorff's alpha with a bootstrap CI over units.

A *reliability table* has one row per unit (a document, a sentence, a cue
hit) and one column per coder; a cell holds the value the coder assigned,
or NaN / None (or ``missing=``) when the coder did not code that unit.
:func:`reliability_table` builds one from a long table of (unit, coder,
value) rows.

Krippendorff's alpha
--------------------
Following Krippendorff (2011), only *pairable* values count: the values of
units coded by at least two coders.  With :math:`m_u` values in unit
:math:`u`, every ordered pair of values :math:`(c, k)` from two different
coders of the unit adds :math:`1/(m_u - 1)` to the coincidence matrix
:math:`o_{ck}`; :math:`n_c = \\sum_k o_{ck}` and :math:`n = \\sum_c n_c`
(the number of pairable values).  Then

.. math::

    \\alpha = 1 - \\frac{D_o}{D_e}
           = 1 - (n - 1)\\,\\frac{\\sum_{c,k} o_{ck}\\,\\delta^2_{ck}}
                                {\\sum_{c,k} n_c n_k\\,\\delta^2_{ck}}

with the difference function of the level of measurement:

``nominal``
    :math:`\\delta^2_{ck} = 0` if :math:`c = k`, else 1.  Values may be
    any hashable objects (strings, numbers).
``ordinal``
    :math:`\\delta^2_{ck} = (\\sum_{g=c}^{k} n_g - (n_c + n_k)/2)^2` over
    the values in sorted order (Python's ordering: numbers by size, strings
    alphabetically, so code ordered labels as numbers); values must be
    mutually comparable.
``interval``
    :math:`\\delta^2_{ck} = (c - k)^2`; values must be real numbers.
``ratio``
    :math:`\\delta^2_{ck} = ((c - k)/(c + k))^2`; values must be real
    numbers >= 0.

Units with fewer than two values carry no information about agreement:
they are dropped and counted (``n_units_dropped``).  When every pairable
value is the same, :math:`D_e = 0` and alpha is undefined: it is NaN and
the reason is given (``note``), rather than an error.

Confidence interval
-------------------
:func:`alpha_table` gives a percentile bootstrap interval (Efron &
Tibshirani 1993) from ``n_resamples`` resamples of the *units* (rows),
drawn with replacement; each replicate recomputes alpha, margins and (for
``ordinal``) the metric from the resampled units.  The units are the
sampled objects, so this respects that a unit's values are coded on the
same material.  It differs from Hayes & Krippendorff's (2007) bootstrap,
which resamples pairs of pairable values and so treats the pairs as
independent; replicates in which alpha is undefined (no variation) are
left out and counted in ``note``.

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a
standard reliability measure for coding data. *Communication Methods and
Measures*, 1(1), 77–89.

Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
Annenberg School for Communication, University of Pennsylvania.
https://repository.upenn.edu/asc_papers/43
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..check import check_choice, check_confidence, check_int, check_random_state, check_str, describe
from ..seeds import rng
from ..vocab import DEFAULTS
from ._warnings import StatsWarning
from ._data import ordered_labels

__all__ = ["ALPHA_LEVELS", "ALPHA_COLUMNS", "krippendorff_alpha", "alpha_table", "reliability_table"]

#: Levels of measurement of :func:`krippendorff_alpha`.
ALPHA_LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
#: The columns of :func:`alpha_table`, in order.
ALPHA_COLUMNS: tuple[str, ...] = (
    "level", "alpha", "ci_low", "ci_high", "confidence", "n_resamples", "n_units", "n_units_dropped",
    "n_coders", "n_pairable", "ci_method", "note",
)
# The ratio metric needs a values × values matrix; this caps its size.
_MAX_RATIO_VALUES = 3000


@dataclass(frozen=True)
class _Prepared:
    """Pairable units of a reliability table, ready for (re)weighting."""

    level: str
    counts: np.ndarray        # units × values: how often each value was assigned in the unit
    values: np.ndarray        # the distinct values' numbers (interval, ratio) or positions
    pair_unit: np.ndarray     # one entry per (unit, c, k) cell of the unit's coincidences
    pair_c: np.ndarray
    pair_k: np.ndarray
    pair_weight: np.ndarray   # o_uck = N_uc (N_uk - [c == k]) / (m_u - 1)
    unit_disagreement: np.ndarray  # sum_ck o_uck delta²_ck for fixed metrics
    unit_coincidences: Any         # ordinal: sparse units × values² matrix of o_uck (else None)
    n_units_dropped: int
    n_coders: int


def _as_matrix(data: Any) -> np.ndarray:
    if isinstance(data, pd.DataFrame):
        matrix = data.to_numpy(dtype=object)
    elif isinstance(data, (np.ndarray, list, tuple)):
        if isinstance(data, (list, tuple)) and data and all(isinstance(r, (list, tuple, np.ndarray)) for r in data) \
                and len({len(r) for r in data}) > 1:
            raise ValueError(f"data: expected a units × coders table with rows of equal length, got rows of "
                             f"lengths {sorted({len(r) for r in data})}")
        try:
            matrix = np.asarray(data, dtype=object)
        except ValueError as error:  # ragged lists
            raise ValueError(f"data: expected a units × coders table with rows of equal length ({error})") from None
    else:
        raise TypeError(f"data: expected a DataFrame or a 2-D array (units × coders), got {type(data).__name__}")
    if matrix.ndim != 2:
        raise ValueError(f"data: expected a 2-D table (units × coders), got an array with {matrix.ndim} dimension(s)")
    return matrix


def _missing_mask(matrix: np.ndarray, missing: Any) -> np.ndarray:
    mask = np.asarray(pd.isna(matrix), dtype=bool)
    if missing is not None and not (isinstance(missing, float) and np.isnan(missing)):
        if isinstance(missing, (list, tuple, set, dict, np.ndarray)):
            raise TypeError(f"missing: expected one value that marks an uncoded cell, got {describe(missing)}")
        for index, cell in np.ndenumerate(matrix):
            if not mask[index] and _same(cell, missing):
                mask[index] = True
    return mask


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _same(cell: Any, missing: Any) -> bool:
    if _is_number(missing):
        return _is_number(cell) and cell == missing
    return type(cell) is type(missing) and cell == missing


def _distinct(level: str, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the cells and the distinct values (sorted where levels need an order)."""
    if level in ("interval", "ratio"):
        bad = [c for c in cells if not _is_number(c)]
        if bad:
            raise ValueError(f"data: level={level!r} needs real numbers, got {describe(bad[0])}; "
                             "use level='nominal' for labels")
        numbers_ = cells.astype(float)
        if level == "ratio" and np.any(numbers_ < 0):
            raise ValueError(f"data: level='ratio' needs values >= 0, got {describe(float(numbers_[numbers_ < 0][0]))}")
        values, codes = np.unique(numbers_, return_inverse=True)
        if level == "ratio" and values.size > _MAX_RATIO_VALUES:
            raise ValueError(f"data: level='ratio' supports at most {_MAX_RATIO_VALUES} distinct values, "
                             f"got {values.size}")
        return codes, values
    if level == "ordinal":
        codes, uniques = pd.factorize(pd.Series(cells, dtype=object), sort=False)
        try:
            order = sorted(range(len(uniques)), key=lambda i: uniques[i])
        except TypeError:
            kinds = sorted({type(c).__name__ for c in cells})
            raise ValueError(f"data: level='ordinal' needs values that can be ordered, got a mix of "
                             f"{', '.join(kinds)}") from None
        rank = np.empty(len(order), dtype=int)
        rank[order] = np.arange(len(order))
        return rank[codes], np.arange(len(uniques), dtype=float)
    codes, uniques = pd.factorize(pd.Series(cells, dtype=object), sort=False)
    return codes, np.arange(len(uniques), dtype=float)


def _prepare(data: Any, level: str, missing: Any) -> _Prepared:
    level = check_choice("level", level, ALPHA_LEVELS)
    matrix = _as_matrix(data)
    mask = _missing_mask(matrix, missing)
    per_unit = (~mask).sum(axis=1)
    keep = per_unit >= 2
    kept, kept_mask = matrix[keep], mask[keep]
    n_coders = int((~kept_mask).any(axis=0).sum())
    rows, cols = np.nonzero(~kept_mask)
    if rows.size:
        codes, values = _distinct(level, kept[rows, cols])
    else:
        codes, values = np.zeros(0, dtype=int), np.zeros(0)
    n_units, n_values = int(keep.sum()), values.size
    counts = np.zeros((n_units, n_values))
    np.add.at(counts, (rows, codes), 1.0)
    # every (unit, c, k) with both values present in the unit
    unit_of, value_of = np.nonzero(counts)
    distinct_per_unit = np.bincount(unit_of, minlength=n_units)
    start = np.cumsum(distinct_per_unit) - distinct_per_unit
    reps = distinct_per_unit[unit_of]
    first = np.repeat(np.arange(unit_of.size), reps)
    offset = np.arange(first.size) - np.repeat(np.cumsum(reps) - reps, reps)
    second = start[unit_of[first]] + offset
    pair_unit, pair_c, pair_k = unit_of[first], value_of[first], value_of[second]
    m = counts.sum(axis=1)
    weight = counts[pair_unit, pair_c] * (counts[pair_unit, pair_k] - (pair_c == pair_k)) / (m[pair_unit] - 1)
    nonzero = weight > 0
    pair_unit, pair_c, pair_k, weight = pair_unit[nonzero], pair_c[nonzero], pair_k[nonzero], weight[nonzero]
    coincidences = None
    if level == "ordinal":
        unit_disagreement = np.zeros(n_units)  # the metric depends on the margins: computed per replicate
        coincidences = sparse.csr_matrix((weight, (pair_unit, pair_c * n_values + pair_k)),
                                         shape=(n_units, n_values * n_values))
    else:
        delta2 = _fixed_delta2(level, values[pair_c], values[pair_k])
        unit_disagreement = np.bincount(pair_unit, weights=weight * delta2, minlength=n_units)
    return _Prepared(level, counts, values, pair_unit, pair_c, pair_k, weight, unit_disagreement, coincidences,
                     int((~keep).sum()), n_coders)


def _fixed_delta2(level: str, c: np.ndarray, k: np.ndarray) -> np.ndarray:
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    total = c + k
    with np.errstate(invalid="ignore", divide="ignore"):
        out = ((c - k) / total) ** 2
    return np.where(total > 0, out, 0.0)


def _alphas(prep: _Prepared, weights: np.ndarray) -> np.ndarray:
    """Alpha for each row of unit weights (how often each unit is counted)."""
    margins = weights @ prep.counts                       # replicates × values
    n = margins.sum(axis=1)
    if prep.level == "ordinal":
        midrank = np.cumsum(margins, axis=1) - margins / 2    # delta_ck = midrank_k - midrank_c
        coincidences = np.asarray((prep.unit_coincidences.T @ weights.T).T)   # replicates × values²
        gap = (midrank[:, None, :] - midrank[:, :, None]).reshape(len(weights), -1)
        observed = (coincidences * gap ** 2).sum(axis=1)
        positions = midrank
    else:
        observed = weights @ prep.unit_disagreement
        positions = np.broadcast_to(prep.values, margins.shape)
    if prep.level == "nominal":
        expected = n ** 2 - (margins ** 2).sum(axis=1)
    elif prep.level == "ratio":
        delta2 = _fixed_delta2("ratio", prep.values[:, None], prep.values[None, :])
        expected = np.einsum("bc,ck,bk->b", margins, delta2, margins)
    else:  # sum_ck n_c n_k (x_c - x_k)^2 = 2 n sum_c n_c (x_c - mean)^2
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (margins * positions).sum(axis=1) / n
        expected = 2 * n * (margins * (positions - mean[:, None]) ** 2).sum(axis=1)
    varied = (margins > 0).sum(axis=1) >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1.0 - (n - 1) * observed / expected
    return np.where(varied, alpha, np.nan)


def _why_undefined(prep: _Prepared) -> str:
    if prep.counts.shape[0] == 0:
        return "no unit has values from two or more coders; alpha is undefined"
    return "every pairable value is the same (no variation); alpha is undefined"


def krippendorff_alpha(data: Any, *, level: str = "nominal", missing: Any = None) -> float:
    """Krippendorff's alpha of a units × coders reliability table.

    Parameters
    ----------
    data : pandas.DataFrame or 2-D array-like
        One row per unit, one column per coder; NaN / None mark cells a
        coder did not code (build the table from long data with
        :func:`reliability_table`).  Nominal values may be strings.
    level : {"nominal", "ordinal", "interval", "ratio"}, default "nominal"
        Level of measurement (the difference function; see the module
        docstring).
    missing : scalar, optional
        A further value that marks an uncoded cell (e.g. ``"*"`` or
        ``-1``), matched by type and equality.

    Returns
    -------
    float
        Alpha (1 is perfect agreement, 0 agreement at chance level); NaN,
        with a :class:`~framing.stats.StatsWarning` giving the reason,
        when it is undefined (no pairable units, or no variation).

    Raises
    ------
    ValueError
        If ``level`` is unknown, the table is not 2-D, or the values do not
        fit the level (non-numbers for interval/ratio, negative numbers for
        ratio, unorderable values for ordinal).

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.

    Examples
    --------
    >>> round(krippendorff_alpha([[0, 1], [1, 1], [0, 1], [0, 0], [0, 0],
    ...                           [0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]), 3)
    0.095
    """
    prep = _prepare(data, level, missing)
    alpha = float(_alphas(prep, np.ones((1, prep.counts.shape[0])))[0])
    if np.isnan(alpha):
        warnings.warn(_why_undefined(prep), StatsWarning, stacklevel=2)
    return alpha


def alpha_table(data: Any, *, level: str = "nominal", missing: Any = None, confidence: float = 0.95,
                n_resamples: int = int(DEFAULTS["n_resamples"]), random_state: int | None = 0) -> pd.DataFrame:
    """Krippendorff's alpha with a bootstrap confidence interval, as one row.

    Parameters
    ----------
    data, level, missing
        As in :func:`krippendorff_alpha`.
    confidence : float, default 0.95
        Coverage of the interval.
    n_resamples : int, default 4999
        Bootstrap resamples of the units.
    random_state : int or None, default 0
        Seed of the resampling stream (``framing.seeds.rng(random_state,
        "bootstrap")``); None for fresh entropy.

    Returns
    -------
    pandas.DataFrame
        One row with the columns :data:`ALPHA_COLUMNS`: ``level``,
        ``alpha``, ``ci_low``, ``ci_high`` (percentile bootstrap over
        units, see the module docstring), ``confidence``, ``n_resamples``,
        ``n_units`` (units with >= 2 values), ``n_units_dropped`` (units
        with fewer), ``n_coders`` (coders with a pairable value),
        ``n_pairable`` (pairable values, Krippendorff's *n*),
        ``ci_method`` and ``note`` (why alpha or its interval is missing,
        and how many replicates were left out; empty otherwise).

    Raises
    ------
    ValueError, TypeError
        As :func:`krippendorff_alpha`, and for a bad ``confidence``,
        ``n_resamples`` or ``random_state``.
    """
    confidence = check_confidence(confidence)
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    random_state = check_random_state(random_state)
    prep = _prepare(data, level, missing)
    n_units = prep.counts.shape[0]
    alpha = float(_alphas(prep, np.ones((1, n_units)))[0]) if n_units else np.nan
    notes: list[str] = []
    low = high = np.nan
    if np.isnan(alpha):
        notes.append(_why_undefined(prep))
    else:
        generator = rng(random_state, "bootstrap")
        width = max(n_units, prep.values.size ** 2 if prep.level in ("ordinal", "ratio") else 1, 1)
        chunk = int(max(1, min(256, 4_000_000 // width)))
        replicates = np.empty(n_resamples)
        for begin in range(0, n_resamples, chunk):
            size = min(chunk, n_resamples - begin)
            draws = generator.integers(0, n_units, size=(size, n_units))
            flat = (draws + np.arange(size)[:, None] * n_units).ravel()
            weights = np.bincount(flat, minlength=size * n_units).reshape(size, n_units).astype(float)
            replicates[begin:begin + size] = _alphas(prep, weights)
        finite = replicates[np.isfinite(replicates)]
        if finite.size < n_resamples:
            notes.append(f"{n_resamples - finite.size} of {n_resamples} resamples had no variation and were "
                         "left out of the interval")
        if finite.size:
            tail = (1 - confidence) / 2
            low, high = (float(v) for v in np.quantile(finite, [tail, 1 - tail]))
    row = {
        "level": prep.level, "alpha": alpha, "ci_low": low, "ci_high": high, "confidence": confidence,
        "n_resamples": n_resamples, "n_units": n_units, "n_units_dropped": prep.n_units_dropped,
        "n_coders": prep.n_coders, "n_pairable": int(prep.counts.sum()), "ci_method": "percentile_bootstrap_units",
        "note": "; ".join(notes),
    }
    return pd.DataFrame([row], columns=list(ALPHA_COLUMNS))


def reliability_table(long: pd.DataFrame, *, unit: str = "unit", coder: str = "coder",
                      value: str = "value") -> pd.DataFrame:
    """A units × coders reliability table from long (unit, coder, value) rows.

    Parameters
    ----------
    long : pandas.DataFrame
        One row per coding decision.
    unit, coder, value : str
        Column names of the unit id, the coder id and the assigned value.

    Returns
    -------
    pandas.DataFrame
        Index: the units; columns: the coders (both sorted when sortable,
        else in order of first appearance); cells the values (``object``
        dtype), NaN where a coder did not code a unit.

    Raises
    ------
    ValueError
        If a column is missing, a unit or coder id is missing, or a coder
        coded a unit twice.
    """
    if not isinstance(long, pd.DataFrame):
        raise TypeError(f"long: expected a DataFrame, got {type(long).__name__}")
    names = {"unit": check_str("unit", unit), "coder": check_str("coder", coder), "value": check_str("value", value)}
    for parameter, column in names.items():
        if column not in long.columns:
            raise ValueError(f"{parameter}: column {column!r} not in the table; it has "
                             f"{', '.join(map(str, long.columns))}")
    for parameter in ("unit", "coder"):
        if long[names[parameter]].isna().any():
            raise ValueError(f"{parameter}: column {names[parameter]!r} has missing ids")
    twice = long.duplicated([unit, coder], keep=False)
    if twice.any():
        who, what = (_plain(long.loc[twice, column].iloc[0]) for column in (coder, unit))
        raise ValueError(f"long: coder {who!r} coded unit {what!r} more than once "
                         f"({int(twice.sum())} duplicated rows)")
    units = ordered_labels(long[unit])
    coders = ordered_labels(long[coder])
    cells = np.full((len(units), len(coders)), np.nan, dtype=object)
    cells[pd.Index(units).get_indexer(long[unit]), pd.Index(coders).get_indexer(long[coder])] = \
        long[value].to_numpy(dtype=object)
    return pd.DataFrame(cells, index=pd.Index(units, name=unit), columns=pd.Index(coders, name=coder))


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


