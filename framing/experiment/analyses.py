"""The analyses of a run, from config entries to result tables.

Each function maps one ``[[comparisons]]``, or ``[[keyness]]`` entry of a :class:`framing.experiment.config.Config` onto the
statistics and classifier functions, passing every option explicitly, and
returns their tidy tables unchanged (the schemas are those of
:mod:`framing.stats` and :mod:`framing.classify.evaluate`).  Each resampling
step gets its own seed derived from the entry's seed and the step's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .config import ComparisonConfig, KeynessConfig, derive_seed
from .corpus import text_values

__all__ = [
    "ComparisonData",
    "comparison_data",
    "comparison_table_names",
    "compute_comparison",
    "compute_keyness",
    "keyness_top",
]


def comparison_table_names(cmp: ComparisonConfig) -> list[str]:
    """The tables a comparison produces, in order: ``summary`` (per-group
    rates with CIs), ``omnibus`` (do the groups differ at all; not for a
    paired design), ``pairs`` (effects and tests per pair × category) and
    ``timeseries`` when asked."""
    names = ["summary"]
    if cmp.omnibus and not cmp.pair_on:
        names.append("omnibus")
    names.append("pairs")
    if cmp.timeseries:
        names.append("timeseries")
    return names


@dataclass(frozen=True)
class ComparisonData:
    """What one comparison runs on, and what it leaves out (the report
    states both).

    ``scores`` and ``frame`` are restricted to the entry's ``include``
    subset (a document is kept when, for every listed column, its value as
    text is one of the listed values); ``categories`` are those tested:
    with ``categories`` set in the config exactly those (the statistics
    reject one without hits, saying so), else every category with at least
    one hit, the others listed in ``left_out``; ``n_outside`` counts the
    documents outside the subset and ``n_undated`` those in it without a
    date, which a time series cannot place.
    """

    scores: pd.DataFrame
    frame: pd.DataFrame
    categories: list[str]
    left_out: list[str]
    n_outside: int
    n_undated: int


def _restrict(scores: pd.DataFrame, frame: pd.DataFrame, keep: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    subset = frame[keep.to_numpy()].reset_index(drop=True)
    return scores[scores["doc_id"].isin(set(subset["doc_id"]))].reset_index(drop=True), subset


def _has_date(frame: pd.DataFrame) -> pd.Series:
    return frame["date"].map(lambda v: isinstance(v, str) and bool(v.strip()))


def comparison_data(cmp: ComparisonConfig, scores: pd.DataFrame, frame: pd.DataFrame) -> ComparisonData:
    """The documents, scores and categories of one comparison entry."""
    for name in ("by", "strata", "pair_on", "cluster"):
        _check_column(frame, getattr(cmp, name), name)
    n_outside = 0
    if cmp.include:
        keep = pd.Series(True, index=frame.index)
        for column, values in cmp.include:
            _check_column(frame, column, f"include.{column}")
            keep &= text_values(frame[column]).isin(set(values))
        if not keep.any():
            raise ValueError(f"include: no document matches {dict(cmp.include)}")
        n_outside = int((~keep).sum())
        scores, frame = _restrict(scores, frame, keep)
    if cmp.categories:
        categories, left_out = list(cmp.categories), []
    else:
        totals = scores.groupby("category", sort=True)["count"].sum()
        categories = [str(c) for c, n in totals.items() if n > 0]
        left_out = [str(c) for c, n in totals.items() if n == 0]
    n_undated = 0
    if cmp.timeseries:
        _check_column(frame, "date", "timeseries")
        n_undated = int((~_has_date(frame)).sum())
    return ComparisonData(scores=scores, frame=frame, categories=categories, left_out=left_out,
                          n_outside=n_outside, n_undated=n_undated)


def _check_column(frame: pd.DataFrame, column: str, key: str) -> None:
    if column and column not in frame.columns:
        raise ValueError(f"{key}: no column {column!r} in the corpus; columns: {', '.join(map(str, frame.columns))}")


def compute_comparison(cmp: ComparisonConfig, scores: pd.DataFrame, frame: pd.DataFrame, *,
                       seed: int) -> dict[str, pd.DataFrame]:
    """Run one comparison entry (see :func:`comparison_table_names`)."""
    from ..stats.compare import compare, omnibus
    from ..stats.paired import paired
    from ..stats.summary import summarize, timeseries

    data = comparison_data(cmp, scores, frame)
    scores, frame = data.scores, data.frame
    common: dict[str, Any] = dict(by=cmp.by, corpus=frame, categories=data.categories)
    pairs_mode = "reference" if cmp.reference else "all"
    reference = cmp.reference or None
    out: dict[str, pd.DataFrame] = {
        "summary": summarize(scores, cluster=cmp.cluster or None, confidence=cmp.confidence,
                             n_resamples=cmp.n_resamples, random_state=derive_seed(seed, "summary"), **common),
    }
    if cmp.pair_on:
        out["pairs"] = paired(scores, pair_on=cmp.pair_on, methods=list(cmp.methods), effect=cmp.effect,
                              pairs=pairs_mode, unmatched=cmp.unmatched, reference=reference,
                              correction=cmp.correction, alternative=cmp.alternative, confidence=cmp.confidence,
                              n_resamples=cmp.n_resamples, random_state=derive_seed(seed, "pairs"), **common)
    else:
        if cmp.omnibus:
            methods = ["permutation"] if cmp.strata else ["permutation", "kruskal"]
            out["omnibus"] = omnibus(scores, cluster=cmp.cluster or None, strata=cmp.strata or None, methods=methods,
                                     correction=cmp.correction, n_resamples=cmp.n_resamples,
                                     random_state=derive_seed(seed, "omnibus"), **common)
        out["pairs"] = compare(scores, methods=list(cmp.methods), effect=cmp.effect, pairs=pairs_mode,
                               reference=reference, cluster=cmp.cluster or None, strata=cmp.strata or None,
                               unmatched=cmp.unmatched, correction=cmp.correction, alternative=cmp.alternative,
                               confidence=cmp.confidence, n_resamples=cmp.n_resamples,
                               random_state=derive_seed(seed, "pairs"), **common)
    if cmp.timeseries:
        if data.n_undated == len(frame):
            raise ValueError("timeseries: no document has a date")
        dated_scores, dated = _restrict(scores, frame, _has_date(frame))
        out["timeseries"] = timeseries(dated_scores, freq=cmp.timeseries, confidence=cmp.confidence,
                                       n_resamples=cmp.n_resamples, random_state=derive_seed(seed, "timeseries"),
                                       **{**common, "corpus": dated})
    return {name: out[name] for name in comparison_table_names(cmp)}


def compute_keyness(entry: KeynessConfig, frame: pd.DataFrame, *, part: str, seed: int) -> pd.DataFrame:
    """Run one keyness entry: a document × term matrix with the entry's
    explicit cut-offs (:func:`framing.match.terms.term_matrix`), then the named
    method (:func:`framing.stats.keyness.log_odds`,
    :func:`~framing.stats.keyness.document_keyness` or
    :func:`~framing.stats.keyness.keyness`)."""
    from ..stats.keyness import document_keyness, keyness, log_odds
    from ..match.terms import term_matrix

    _check_column(frame, entry.by, "by")
    matrix = term_matrix(frame, ngram_range=(1, entry.ngram_max), min_count=entry.min_count, min_docs=entry.min_docs,
                         part=part)
    groups = frame[entry.by].to_numpy()
    if entry.method == "log_odds":
        return log_odds(matrix, groups, comparison=entry.comparison, prior=entry.prior, alpha=entry.alpha,
                        variance=entry.variance, min_count=entry.min_count, p_adjust=entry.p_adjust)
    if entry.method == "document":
        return document_keyness(matrix, groups, test=entry.test, comparison=entry.comparison,
                                min_count=entry.min_count, n_resamples=entry.n_resamples,
                                random_state=derive_seed(seed, "document"), p_adjust=entry.p_adjust)
    return keyness(matrix, groups, method=entry.method, comparison=entry.comparison, correction=entry.correction,
                   min_count=entry.min_count, p_adjust=entry.p_adjust)


def keyness_top(table: pd.DataFrame, *, top: int) -> pd.DataFrame:
    """The ``top`` terms at each end of every comparison of a keyness
    table (by ``statistic``, ties broken by term), for the report."""
    if table.empty:
        return table
    parts = []
    for (_, _), block in table.groupby(["group_a", "group_b"], sort=True):
        block = block[block["statistic"].notna()].sort_values(["statistic", "term"], ascending=[False, True],
                                                              kind="mergesort")
        parts.append(pd.concat([block.head(top), block.tail(top).iloc[::-1]]).drop_duplicates(subset=["term"]))
    return pd.concat(parts, ignore_index=True) if parts else table.head(0)

