"""The corpus stage of a run: read, de-duplicate, filter, and say so.

:func:`load_corpus` reads the configured corpus with
:func:`framing.corpus.read_corpus` (a published dataset layout, ``format =
"abp" | "babe" | "newswcl50"``, through :func:`framing.corpus.datasets.load_dataset`
first), drops exact duplicates (``dedupe =
"exact"``: the reader keeps the first of each group of equal normalised
texts) or near duplicates (``dedupe = "near"``: exact ones first, then
every document that :func:`framing.corpus.dedupe.find_near_duplicates` pairs with
an earlier one at ``near_threshold``), then applies ``[corpus.filters]`` in
a fixed order: ``include``, ``exclude``, the date range, ``min_tokens``.
Every step's count is returned in the facts, which the report shows; no
document disappears without being counted.

Filter semantics
    ``include = {col = [values]}`` keeps documents whose ``col`` (as text)
    is one of the values; a missing value never matches.  ``exclude``
    drops documents whose value is listed.  ``date_from`` / ``date_to``
    (inclusive, ISO dates) keep documents whose ``date`` parses as an ISO
    date in the range; documents without a parseable date are dropped when
    a date bound is set, and counted as ``no usable date``.
    ``min_tokens`` keeps documents whose body has at least that many
    tokens (:func:`framing.text.count_tokens`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import ConfigError, CorpusConfig
from ..corpus.readers import read_corpus
from ..corpus.datasets import DATASET_FORMATS, load_dataset
from ..corpus.dedupe import find_near_duplicates
from ..text import count_tokens

__all__ = ["apply_filters", "load_corpus", "text_values"]


def load_corpus(config: CorpusConfig, *, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read, de-duplicate and filter the corpus of a run.

    Returns
    -------
    frame : DataFrame
        The corpus (range index).
    facts : dict
        JSON-ready counts: ``n_read``, ``n_skipped`` and ``skipped`` (per
        reason), ``n_exact_duplicates``, ``n_near_duplicates``,
        ``filtered`` (per filter), ``n_documents``, ``n_outlets``,
        ``outlets`` (documents per outlet), ``date_min``, ``date_max``,
        ``reader_warnings``.
    """
    if config.format in DATASET_FORMATS:
        source: Any = load_dataset(config.format, config.path)
        fmt = None
    else:
        source, fmt = config.path, None if config.format == "auto" else config.format
    corpus = read_corpus(
        source,
        format=fmt,
        fields=dict(config.fields) or None,
        on_error=config.on_error,
        encoding=config.encoding,
        fallback_encoding=config.fallback_encoding or None,
        dedupe=config.dedupe in ("exact", "near"),
    )
    report = corpus.report
    frame = corpus.frame
    n_near = 0
    if config.dedupe == "near" and len(frame) > 1:
        pairs = find_near_duplicates(frame, threshold=config.near_threshold, random_state=seed)
        drop = set(pairs["doc_id_b"].tolist())
        n_near = len(drop)
        frame = frame[~frame["doc_id"].isin(drop)]
    frame, filtered = apply_filters(frame, config)
    frame = frame.reset_index(drop=True)
    dates = pd.to_datetime(frame["date"], errors="coerce", format="ISO8601") if "date" in frame else None
    valid = dates.dropna() if dates is not None else pd.Series(dtype="datetime64[ns]")
    facts = {
        "source": config.path.as_posix(),
        "n_read": int(report.n_read),
        "n_skipped": int(report.n_skipped),
        "skipped": report.counts(),
        "n_exact_duplicates": int(report.n_duplicates),
        "n_near_duplicates": int(n_near),
        "filtered": filtered,
        "n_documents": int(len(frame)),
        "n_outlets": int(frame["outlet"].nunique()),
        "outlets": {str(k): int(v) for k, v in sorted(frame["outlet"].value_counts().items())},
        "date_min": valid.min().strftime("%Y-%m-%d") if len(valid) else None,
        "date_max": valid.max().strftime("%Y-%m-%d") if len(valid) else None,
        "reader_warnings": list(report.warnings),
    }
    if not len(frame):
        raise ConfigError("no documents are left after de-duplication and filters "
                          f"({facts['n_read']} read; filtered: {filtered})", key="corpus.filters")
    return frame, facts


def _column(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    if column not in frame.columns:
        raise ConfigError(f"no column {column!r} in the corpus; columns: {', '.join(map(str, frame.columns))}",
                          key=key)
    return frame[column]


def text_values(series: pd.Series) -> pd.Series:
    """A column's values as text for matching listed values (a missing
    value is None and never matches)."""
    return series.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))


def apply_filters(frame: pd.DataFrame, config: CorpusConfig) -> tuple[pd.DataFrame, dict[str, int]]:
    """Apply ``config.filters`` (see the module notes); return the kept
    rows and the number each filter dropped (keys in application order)."""
    filters = config.filters
    dropped: dict[str, int] = {}
    for column, values in filters.include:
        keep = text_values(_column(frame, column, f"corpus.filters.include.{column}")).isin(set(values))
        dropped[f"include {column}"] = int((~keep).sum())
        frame = frame[keep.to_numpy()]
    for column, values in filters.exclude:
        drop = text_values(_column(frame, column, f"corpus.filters.exclude.{column}")).isin(set(values))
        dropped[f"exclude {column}"] = int(drop.sum())
        frame = frame[~drop.to_numpy()]
    if filters.date_from or filters.date_to:
        dates = pd.to_datetime(_column(frame, "date", "corpus.filters.date_from"), errors="coerce", format="ISO8601")
        usable = dates.notna()
        dropped["no usable date"] = int((~usable).sum())
        keep = usable.copy()
        if filters.date_from:
            keep &= dates >= pd.Timestamp(filters.date_from)
        if filters.date_to:
            keep &= dates <= pd.Timestamp(filters.date_to)
        dropped["date range"] = int((usable & ~keep).sum())
        frame = frame[keep.to_numpy()]
    if filters.min_tokens:
        tokens = frame["text"].map(lambda t: count_tokens(t) if isinstance(t, str) else 0)
        keep = tokens >= filters.min_tokens
        dropped["min_tokens"] = int((~keep).sum())
        frame = frame[keep.to_numpy()]
    return frame, dropped
