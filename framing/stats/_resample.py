"""Resampling helpers shared inside :mod:`framing.stats` (package-private).

Every random stream of the package comes from :func:`framing.seeds.rng`
with a named step (``rng(random_state, "test", "permutation", "A", "B")``);
this module holds what the resampling functions share besides that: the
option check, the tail count of a permutation/bootstrap p-value and the
percentile interval.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..check import check_confidence, check_int, check_random_state

__all__ = ["BATCH_ELEMENTS", "check_resampling", "percentile_ci", "tail_count"]

#: Elements (replicates × units) held in memory at once by the vectorised resampling loops.
BATCH_ELEMENTS = 2_000_000


def check_resampling(n_resamples: object, confidence: object, random_state: object) -> tuple[int, float, int | None]:
    """``n_resamples`` (an integer >= 1), ``confidence`` (strictly between 0
    and 1) and ``random_state`` (an integer >= 0 or None), normalised;
    raises the :mod:`framing.check` errors."""
    return (
        check_int("n_resamples", n_resamples, low=1),
        check_confidence(confidence),
        check_random_state(random_state),
    )


def tail_count(null: np.ndarray, observed: np.ndarray, alternative: str) -> np.ndarray:
    """How many null statistics (rows) are at least as extreme as observed.

    A relative tolerance of 1e-9 counts floating-point ties as ties."""
    tol = 1e-9 * np.maximum(np.abs(observed), 1e-12)
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
