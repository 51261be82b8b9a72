"""Multiple-comparison control: adjusted p-values for one family of tests.

A *family* is every test whose result a reader may pick from: in
:func:`framing.stats.compare.compare` it is all categories × all group
pairs of one method.  Adjusted p-values are reported beside the raw ones
(never instead of them).

Methods
-------
``"bh"``
    Benjamini & Hochberg (1995), false-discovery rate under independence
    or positive dependence (PRDS).  The default.
``"by"``
    Benjamini & Yekutieli (2001), false-discovery rate under any
    dependence (BH multiplied by ``sum(1/i, i=1..m)``).
``"holm"``
    Holm (1979) step-down, family-wise error rate under any dependence.
``"bonferroni"``
    Bonferroni, family-wise error rate; ``min(1, m * p)``.
``"none"``
    No adjustment (the raw p-values are returned).

References
----------
Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery
rate: a practical and powerful approach to multiple testing. *JRSS B*,
57(1), 289–300.

Benjamini, Y., & Yekutieli, D. (2001). The control of the false
discovery rate in multiple testing under dependency. *Annals of
Statistics*, 29(4), 1165–1188.

Holm, S. (1979). A simple sequentially rejective multiple test
procedure. *Scandinavian Journal of Statistics*, 6(2), 65–70.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from ..check import check_choice
from ..vocab import CORRECTIONS, DEFAULTS

__all__ = ["CORRECTIONS", "adjust_pvalues"]


def adjust_pvalues(p_values: Iterable[float], *, method: str = DEFAULTS["correction"]) -> np.ndarray:
    """Adjust one family of p-values for multiple comparisons.

    Parameters
    ----------
    p_values : array-like of float
        Raw p-values in [0, 1].  NaN marks a test that could not be
        computed; it is left out of the family (it does not count in
        ``m``) and its adjusted value is NaN.
    method : {"bh", "by", "holm", "bonferroni", "none"}, default "bh"
        See the module docstring.

    Returns
    -------
    numpy.ndarray of float
        Adjusted p-values in the input order, each in [raw p, 1].

    Raises
    ------
    ValueError
        If ``method`` is unknown or a p-value lies outside [0, 1].

    Notes
    -----
    With the finite p-values sorted ascending, :math:`p_{(1)} \\le \\dots
    \\le p_{(m)}`:

    * BH: :math:`\\tilde p_{(i)} = \\min_{j \\ge i} \\min(1, m p_{(j)} / j)`;
    * BY: the BH value times :math:`c_m = \\sum_{k=1}^m 1/k`, capped at 1;
    * Holm: :math:`\\tilde p_{(i)} = \\max_{j \\le i} \\min(1, (m - j + 1) p_{(j)})`.

    Ties keep their input order when sorted (a stable sort), which does
    not change any adjusted value.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="bh").round(4).tolist()
    [0.03, 0.04, 0.04]
    >>> adjust_pvalues([0.01, 0.04, 0.03], method="holm").round(4).tolist()
    [0.03, 0.06, 0.06]
    """
    check_choice("method", method, CORRECTIONS)
    p = np.asarray(list(p_values) if not isinstance(p_values, np.ndarray) else p_values, dtype=float).ravel()
    finite = ~np.isnan(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        bad = p[finite][(p[finite] < 0) | (p[finite] > 1)][0]
        raise ValueError(f"p_values: every p-value must lie in [0, 1] (or be NaN for a missing test); got {bad!r}")
    out = np.full(p.shape, np.nan)
    values = p[finite]
    m = values.size
    if m == 0:
        return out
    if method == "none":
        out[finite] = values
        return out
    if method == "bonferroni":
        out[finite] = np.minimum(1.0, values * m)
        return out
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    rank = np.arange(1, m + 1, dtype=float)
    if method in ("bh", "by"):
        adjusted = ranked * m / rank
        if method == "by":
            adjusted = adjusted * np.sum(1.0 / rank)
        adjusted = np.minimum.accumulate(adjusted[::-1])[::-1]
    else:  # holm
        adjusted = np.maximum.accumulate(ranked * (m - rank + 1))
    adjusted = np.minimum(1.0, adjusted)
    result = np.empty(m)
    result[order] = adjusted
    out[finite] = result
    return out
