"""Per-group and per-period summaries of cue rates with bootstrap CIs.

Two rates are reported for each group and category:

* ``mean_rate`` — the mean of per-document rates (each document weighs
  the same; the estimand that the document-level tests compare);
* ``pooled_rate`` — total hits / total tokens × scale (long documents
  weigh more; what token-level tools report).

Each has a percentile bootstrap CI (Efron & Tibshirani 1993) from
resampling documents within the group, or, with ``cluster=`` (e.g.
outlets within outlet groups), resampling whole clusters: then
``mean_rate`` is the mean of the clusters' mean rates (each outlet
weighs the same) and the pooled rate pools the resampled clusters'
documents (the cluster bootstrap; see Field & Welsh 2007).

References
----------
Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Field, C. A., & Welsh, A. H. (2007). Bootstrapping clustered data.
*JRSS B*, 69(3), 369–390.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import seeds
from ..check import check_choice
from ..vocab import DEFAULTS
from ._data import RateTable, rate_table
from ._resample import BATCH_ELEMENTS, check_resampling, percentile_ci
from ._warnings import StatsWarning

__all__ = ["SUMMARY_COLUMNS", "TIMESERIES_COLUMNS", "FREQUENCIES", "summarize", "timeseries"]

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


def _summary_rows(
    table: RateTable, mask: np.ndarray, key: dict[str, Any], rng: np.random.Generator, confidence: float, n_resamples: int
) -> list[dict[str, Any]]:
    rates, counts, tokens = _units(table, mask)
    n, k = rates.shape
    mean = rates.mean(axis=0)
    pooled = table.scale * counts.sum(axis=0) / tokens.sum()
    if n >= 2:
        mean_reps = np.empty((n_resamples, k))
        pooled_reps = np.empty((n_resamples, k))
        batch = max(1, BATCH_ELEMENTS // max(n * k, 1))
        for start in range(0, n_resamples, batch):
            b = min(batch, n_resamples - start)
            w = rng.multinomial(n, np.full(n, 1.0 / n), size=b).astype(float)
            mean_reps[start : start + b] = w @ rates / n
            with np.errstate(invalid="ignore", divide="ignore"):
                pooled_reps[start : start + b] = table.scale * (w @ counts) / (w @ tokens)[:, None]
        mean_low, mean_high = percentile_ci(mean_reps, confidence)
        pooled_low, pooled_high = percentile_ci(pooled_reps, confidence)
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
                "unit": "cluster" if table.cluster is not None else "document",
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
                "n_resamples": int(n_resamples),
            }
        )
    return rows


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
) -> pd.DataFrame:
    """Per-group cue rates with bootstrap confidence intervals.

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

    Returns
    -------
    DataFrame
        Columns ``SUMMARY_COLUMNS``: ``group, category, n_docs, n_units,
        unit, tokens, count, mean_rate, mean_low, mean_high, pooled_rate,
        pooled_low, pooled_high, denominator, confidence, n_resamples``.
        Sorted by group, then category (lexicon order).  A group with one
        unit has NaN CIs.

    Examples
    --------
    >>> import framing, framing.stats as st              # doctest: +SKIP
    >>> corpus = framing.read_corpus("corpora/sample/articles.jsonl")
    >>> st.summarize(framing.score(corpus))
    """
    n_resamples, confidence, random_state = check_resampling(n_resamples, confidence, random_state)
    table = rate_table(scores, by=by, corpus=corpus, cluster=cluster, categories=categories, part=part, voice=voice)
    rows: list[dict[str, Any]] = []
    for group in table.group_names:
        mask = table.groups == group
        if cluster is not None:
            n_clusters = len(set(table.clusters[mask].tolist()))
            if n_clusters < 5:
                warnings.warn(
                    f"group {group!r} has only {n_clusters} {cluster} cluster(s); a cluster bootstrap CI from so "
                    "few clusters is coarse (NaN with one)",
                    StatsWarning,
                    stacklevel=2,
                )
        stream = seeds.rng(random_state, "summary", group)
        rows.extend(_summary_rows(table, mask, {"group": group}, stream, confidence, n_resamples))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


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
            rows.extend(_summary_rows(table, mask, {"group": group, "period": period}, stream, confidence, n_resamples))
    if singles:
        warnings.warn(
            f"{singles} group-period cell(s) hold a single document; their CIs are NaN. A longer freq= helps",
            StatsWarning,
            stacklevel=2,
        )
    return pd.DataFrame(rows, columns=list(TIMESERIES_COLUMNS))
