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
:math:`\\sum_s \\bar x_{as} / \\sum_s \\bar x_{bs}`; ``cohens_dz``:
:math:`\\bar d / s_d` (Cohen 1988, the standardised mean of paired
differences).  CIs: percentile bootstrap over stories (Efron &
Tibshirani 1993).

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
Cohen, J. (1988). *Statistical Power Analysis for the Behavioral
Sciences* (2nd ed.). Erlbaum.

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Wilcoxon, F. (1945). Individual comparisons by ranking methods.
*Biometrics Bulletin*, 1(6), 80–83.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

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
from ._warnings import warn_once
from ._resample import BATCH_ELEMENTS, check_resampling, percentile_ci, tail_count
from .compare import COMPARE_COLUMNS, adjust_per_method
from .effects import sort_rows

__all__ = ["PAIRED_METHODS", "PAIRED_EFFECTS", "paired"]

_MAX_EXACT = 2**20


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
        ``n_resamples``), else the bootstrap replicates of the interval.

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
        reps = np.empty((n_resamples, xa.shape[1]))
        batch = max(1, BATCH_ELEMENTS // max(n * xa.shape[1], 1))
        for start in range(0, n_resamples, batch):
            m = min(batch, n_resamples - start)
            weights = stream.multinomial(n, np.full(n, 1.0 / n), size=m).astype(float)
            reps[start : start + m] = _effect(effect, xa, xb, weights)
        low, high = percentile_ci(reps, confidence)
        d = xa - xb
        for method in names:
            if method == "sign_flip":
                stream = seeds.rng(random_state, "test", method, a, b)
                stat, p, used = _sign_flip(d, n_resamples=n_resamples, rng=stream, alternative=alternative)
            else:
                used = n_resamples
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
                        "ci_method": "percentile_bootstrap",
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
