"""Plain-language readings of pairwise effects: what a reader needs first.

:func:`contrast_readings` turns a pairwise table of
:func:`framing.stats.compare` or :func:`framing.stats.paired`
(``COMPARE_COLUMNS``, one row per category × pair × test) into one row
per category × pair with the estimate, its confidence interval, the
adjusted p-value of every test and a one-line reading, e.g.

    civic-sentinel uses boosters cues 3.6× less often than harbor-watch
    within the same story (95% CI 1.9× to 10×).

Wording per effect
    ``rate_ratio``: "A uses C cues r× as often as B" for r >= 1, and
    "r× less often" with 1/r (and the interval inverted) for r < 1;
    a ratio of 0 or ∞ (one side without cues) reads "A uses C cues and B
    none"; an interval without upper bound reads "r× or more";
    ``rate_difference``: "d more / fewer C cues per 1,000 tokens" (the
    rates' unit, ``denominator``); ``cohens_d``, ``hedges_g``,
    ``cohens_dz``: "higher / lower C rates by s standard deviations";
    ``cliffs_delta``: "a document of A has the higher C rate than one of B
    more / less often than the reverse (δ = x)".  When the interval
    contains the null (1 for a ratio, 0 otherwise) or is missing, the
    reading says "no clear difference" and gives the estimate and
    interval in brackets.  Strata (``strata`` column, e.g. ``story_id``
    for same-story designs) add "within the same story".

Nothing here computes a statistic: the numbers are those of the table,
formatted to 2 significant digits.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..check import check_choice

__all__ = ["READING_COLUMNS", "contrast_readings", "reading"]

READING_COLUMNS: tuple[str, ...] = ("category", "contrast", "estimate", "ci_low", "ci_high", "reading")
"""Leading columns of :func:`contrast_readings`; one ``p_adj <method>``
column per test follows ``ci_high``."""

_NULL = {"rate_ratio": 1.0, "rate_difference": 0.0, "cohens_d": 0.0, "hedges_g": 0.0, "cohens_dz": 0.0,
         "cliffs_delta": 0.0}
_SYMBOL = {"cohens_d": "d", "hedges_g": "g", "cohens_dz": "d_z"}
_UNIT = {"per_1000_tokens": "per 1,000 tokens", "per_token": "per token", "raw": "per document"}
_NEEDED = ("category", "group_a", "group_b", "effect", "estimate", "ci_low", "ci_high", "method", "p_adj",
           "confidence")


def _num(x: float) -> str:
    """Two significant digits, plain (``3.6``, ``0.45``, ``12``, ``1,200``)."""
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    digits = max(0, 1 - math.floor(math.log10(abs(x))))
    text = f"{round(x, digits):,.{digits}f}"
    return text.replace("-", "−")


def _interval(low: float, high: float, suffix: str = "") -> str:
    if math.isinf(high) and high > 0 and not math.isinf(low):
        return f"{_num(low)}{suffix} or more"
    return f"{_num(low)}{suffix} to {_num(high)}{suffix}"


def _within(strata: Any) -> str:
    if strata is None or (isinstance(strata, float) and math.isnan(strata)) or str(strata) in ("", "nan", "None"):
        return ""
    name = str(strata)
    name = name[:-3] if name.endswith("_id") and len(name) > 3 else name
    return f" within the same {name.replace('_', ' ')}"


def reading(effect: str, *, group_a: Any, group_b: Any, category: Any, estimate: float, ci_low: float,
            ci_high: float, confidence: float = 0.95, strata: Any = None, denominator: str | None = None) -> str:
    """One contrast in a sentence (see the module notes for the wording).

    Raises
    ------
    ValueError
        An unknown ``effect`` or ``denominator``.
    """
    check_choice("effect", effect, tuple(_NULL))
    if denominator is not None:
        check_choice("denominator", denominator, tuple(_UNIT))
    a, b, c = str(group_a), str(group_b), str(category)
    e, lo, hi = float(estimate), float(ci_low), float(ci_high)
    null = _NULL[effect]
    conf = f"{100 * float(confidence):g}% CI"
    within = _within(strata)
    unit = _UNIT.get(denominator or "", "rate units")
    if math.isnan(e):
        return f"No estimate for {a} vs {b} on {c} cues."
    clear = not (math.isnan(lo) or math.isnan(hi)) and (lo > null or hi < null)
    if effect == "rate_ratio":
        shown = f"ratio {_num(e)}, {conf} {_interval(lo, hi)}"
        if not clear:
            return f"No clear difference between {a} and {b} in {c} cues{within} ({shown})."
        if math.isinf(e) or e == 0:
            more, none = (a, b) if e > 0 else (b, a)
            return f"{more} uses {c} cues and {none} none{within} (ratio {_num(e)})."
        if e >= 1:
            return f"{a} uses {c} cues {_num(e)}× as often as {b}{within} ({conf} {_interval(lo, hi, '×')})."
        inv = (lambda v: math.inf if v == 0 else 1.0 / v)
        return (f"{a} uses {c} cues {_num(inv(e))}× less often than {b}{within} "
                f"({conf} {_interval(inv(hi), inv(lo), '×')}).")
    if effect == "rate_difference":
        shown = f"difference {_num(e)} {unit}, {conf} {_interval(lo, hi)}"
        if not clear:
            return f"No clear difference between {a} and {b} in {c} cues{within} ({shown})."
        word = "more" if e > 0 else "fewer"
        return (f"{a} has {_num(abs(e))} {word} {c} cues {unit} than {b}{within} "
                f"({conf} {_interval(lo, hi)}).")
    if effect in _SYMBOL:
        symbol = _SYMBOL[effect]
        shown = f"{symbol} = {_num(e)}, {conf} {_interval(lo, hi)}"
        if not clear:
            return f"No clear difference between {a} and {b} in {c} cues{within} ({shown})."
        word = "higher" if e > 0 else "lower"
        return (f"{a} has {word} {c} cue rates than {b}{within}, by {_num(abs(e))} standard deviations "
                f"({shown}).")
    shown = f"δ = {_num(e)}, {conf} {_interval(lo, hi)}"
    if not clear:
        return f"No clear difference between {a} and {b} in {c} cues{within} ({shown})."
    word = "more" if e > 0 else "less"
    return (f"A document of {a} has the higher {c} rate than one of {b}{within} {word} often than the reverse "
            f"({shown}).")


def _size(effect: str, estimate: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.abs(np.log2(estimate)) if effect == "rate_ratio" else np.abs(estimate)
    return np.where(np.isnan(size), -1.0, size)


def contrast_readings(pairs: pd.DataFrame, *, denominator: str | None = None) -> pd.DataFrame:
    """One row per category × pair: the key numbers and a reading.

    Parameters
    ----------
    pairs : DataFrame
        ``COMPARE_COLUMNS`` rows (several tests of one pair repeat the
        estimate and CI; each gives its own ``p_adj``).
    denominator : str, optional
        The rates' unit (``per_1000_tokens``, ``per_token``, ``raw``),
        used in the wording of a rate difference.

    Returns
    -------
    DataFrame
        Columns ``category``, ``contrast`` ("A vs B"), ``estimate``,
        ``ci_low``, ``ci_high``, one ``p_adj <method>`` per test in order
        of appearance, then ``reading``.  Sorted by the first test's
        ``p_adj`` (smallest first, missing last), then the size of the
        effect (largest first; ``|log2|`` of a ratio), then category and
        contrast name: the clearest findings lead, so the first rows of
        a long table are the ones to read.

    Raises
    ------
    ValueError
        A missing column, several effects in one table, or an unknown
        ``denominator``.
    TypeError
        ``pairs`` is not a DataFrame.
    """
    if not isinstance(pairs, pd.DataFrame):
        raise TypeError(f"pairs: expected a pandas DataFrame, got {type(pairs).__name__}")
    missing = [c for c in _NEEDED if c not in pairs.columns]
    if missing:
        raise ValueError(f"pairs: missing column(s) {', '.join(missing)}; needs {', '.join(_NEEDED)}")
    if denominator is not None:
        check_choice("denominator", denominator, tuple(_UNIT))
    methods = [str(m) for m in dict.fromkeys(pairs["method"].tolist())]
    p_columns = [f"p_adj {m}" for m in methods]
    if pairs.empty:
        return pd.DataFrame(columns=[*READING_COLUMNS[:-1], *p_columns, "reading"])
    effects = list(dict.fromkeys(pairs["effect"].tolist()))
    if len(effects) != 1:
        raise ValueError(f"pairs: rows mix several effects ({', '.join(map(str, effects))}); pass rows of one effect")
    effect = effects[0]
    keys = ["category", "group_a", "group_b"]
    first = pairs.drop_duplicates(keys).reset_index(drop=True)
    p = {m: {} for m in methods}
    for c, a, b, m, value in zip(pairs["category"], pairs["group_a"], pairs["group_b"], pairs["method"],
                                 pairs["p_adj"]):
        p[str(m)][(c, a, b)] = float(value)
    strata = first["strata"] if "strata" in first.columns else pd.Series([None] * len(first))
    out = pd.DataFrame({
        "category": first["category"].astype(str),
        "contrast": [f"{a} vs {b}" for a, b in zip(first["group_a"], first["group_b"])],
        "estimate": first["estimate"].astype(float),
        "ci_low": first["ci_low"].astype(float),
        "ci_high": first["ci_high"].astype(float),
    })
    for m, column in zip(methods, p_columns):
        out[column] = [p[m].get(k, np.nan) for k in zip(first["category"], first["group_a"], first["group_b"])]
    out["reading"] = [
        reading(effect, group_a=a, group_b=b, category=c, estimate=e, ci_low=lo, ci_high=hi, confidence=conf,
                strata=s, denominator=denominator)
        for a, b, c, e, lo, hi, conf, s in zip(first["group_a"], first["group_b"], first["category"],
                                               first["estimate"], first["ci_low"], first["ci_high"],
                                               first["confidence"], strata)
    ]
    first_p = out[p_columns[0]].to_numpy(dtype=float)
    size = _size(effect, out["estimate"].to_numpy(dtype=float))
    order = sorted(range(len(out)), key=lambda i: (bool(np.isnan(first_p[i])),
                                                   0.0 if np.isnan(first_p[i]) else first_p[i], -size[i],
                                                   out["category"].iloc[i], out["contrast"].iloc[i]))
    return out.iloc[order].reset_index(drop=True)
