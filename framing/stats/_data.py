"""Shared input handling for the rate-comparison functions.

A *scores table* is the output of :func:`framing.match.scoring.score` (one row
per document × category, with ``count``, ``tokens``, ``rate`` and
``denominator``), or any DataFrame with the columns ``doc_id``,
``category``, ``count``, ``tokens``, ``rate`` and ``denominator``.
Grouping, cluster, stratum and date columns come from the scores table
or, when absent there, from a corpus joined on ``doc_id``.

:func:`rate_table` turns it into dense arrays (documents × categories)
so that every resampling step is vectorised.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..check import check_choice
from ..vocab import NORMALIZATIONS
from ._warnings import SmallGroupError, StatsWarning

__all__ = ["RateTable", "rate_table", "group_pairs", "check_common", "check_nesting", "ordered_labels", "PAIRS"]

_REQUIRED = ("doc_id", "category", "count", "tokens", "rate", "denominator")
#: How groups are paired: every pair, or each group against a reference.
PAIRS: tuple[str, ...] = ("all", "reference")


@dataclass(frozen=True)
class RateTable:
    """Per-document rates as dense arrays, one row per scored document.

    Attributes
    ----------
    doc_ids : ndarray of str, shape (n,)
    groups : ndarray of str, shape (n,)
        The ``by`` column, as strings.
    categories : tuple of str
        In the order they first appear in the scores (the lexicon order).
    rates : ndarray of float, shape (n, n_categories)
        Per-document rates on the scores' denominator scale.
    counts : ndarray of int, shape (n, n_categories)
    tokens : ndarray of int, shape (n,)
    clusters, strata, dates : ndarray of str or None
    denominator : str
    scale : float
        Rate per token × ``scale`` = ``rate`` (1 or 1000).
    n_excluded : int
        Documents left out because they had no tokens in the scored part
        and voice (their rate is undefined).
    by, cluster, strata_name : str or None
        Column names, for the output tables.
    """

    doc_ids: np.ndarray
    groups: np.ndarray
    categories: tuple[str, ...]
    rates: np.ndarray
    counts: np.ndarray
    tokens: np.ndarray
    clusters: np.ndarray | None
    strata: np.ndarray | None
    dates: np.ndarray | None
    denominator: str
    scale: float
    n_excluded: int
    by: str
    cluster: str | None
    strata_name: str | None

    @property
    def group_names(self) -> list[str]:
        """Distinct groups, sorted."""
        return sorted(set(self.groups.tolist()))


def _text(values: pd.Series) -> pd.Series:
    """``values.astype(str)``, except that a categorical column stays
    categorical with its categories as ``str``: one conversion per
    category instead of one string per row (the experiment runner holds
    its per-document scores with categorical labels,
    :func:`framing.match.scoring.compact_scores`)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories.astype(str)
        if categories.is_unique:  # e.g. 1 and "1" would merge: then strings per row, as for any column
            return values.cat.rename_categories(categories)
    return values.astype(str)


def _corpus_frame(corpus: Any) -> pd.DataFrame | None:
    if corpus is None:
        return None
    frame = getattr(corpus, "frame", corpus)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"corpus: expected a framing Corpus or a pandas DataFrame, got {type(corpus).__name__}")
    if "doc_id" not in frame.columns:
        raise ValueError("corpus: the corpus has no doc_id column to join the scores on")
    return frame


def _select(frame: pd.DataFrame, column: str, value: str | None, param: str) -> pd.DataFrame:
    if column not in frame.columns:
        return frame
    present = sorted(_text(frame[column].dropna()).unique())
    if value is None:
        if len(present) > 1:
            raise ValueError(
                f"{param}: the scores hold several {column} values {present}; choose one with {param}=..."
            )
        return frame
    if value not in present:
        raise ValueError(f"{param}={value!r} is not in the scores; they hold {present}")
    return frame[(_text(frame[column]) == value).to_numpy()]


def rate_table(
    scores: pd.DataFrame,
    *,
    by: str,
    corpus: Any = None,
    cluster: str | None = None,
    strata: str | None = None,
    date: str | None = None,
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    labels: dict[str, str] | None = None,
) -> RateTable:
    """Validate a scores table and reshape it into a :class:`RateTable`.

    ``labels`` renames parameters in error messages (e.g.
    ``{"strata": "pair_on"}`` when a caller exposes ``strata`` under
    another name).

    Raises
    ------
    TypeError
        If ``scores`` is not a DataFrame.
    ValueError
        Missing columns, several parts/voices without a choice, a raw
        (un-normalised) denominator, a document with two groups or no
        group, unknown categories, a category with no hit at all.
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores: expected a pandas DataFrame from framing.match.scoring.score, got {type(scores).__name__}")
    missing = [c for c in _REQUIRED if c not in scores.columns]
    if missing:
        raise ValueError(f"scores: missing columns {missing}; pass the output of framing.match.scoring.score")
    if cluster is not None and strata is not None:
        raise ValueError(
            f"cluster={cluster!r} and strata={strata!r} cannot be combined: pick the outlet (cluster) or the "
            "stratum as the unit of inference"
        )
    frame = _select(scores, "part", part, "part")
    frame = _select(frame, "voice", voice, "voice")
    if frame.empty:
        raise ValueError("scores: the table is empty; nothing to compare")
    denominators = sorted(_text(frame["denominator"]).unique())
    if len(denominators) > 1:
        raise ValueError(f"scores: mixed denominators {denominators}; compare one scoring at a time")
    denominator = denominators[0]
    scale = NORMALIZATIONS.get(denominator, math.nan)
    if math.isnan(scale):
        rates = [name for name, value in NORMALIZATIONS.items() if not math.isnan(value)]
        raise ValueError(
            f"scores: denominator {denominator!r} is not a rate; score with normalize= one of "
            f"{', '.join(map(repr, rates))} to compare sources"
        )
    wanted = {"by": by, "cluster": cluster, "strata": strata, "date": date}
    label = {name: (labels or {}).get(name, name) for name in wanted}
    columns = {name: col for name, col in wanted.items() if col is not None}
    corpus_frame = _corpus_frame(corpus)
    frame = frame.assign(doc_id=_text(frame["doc_id"]))
    joined: list[str] = []
    for param, col in columns.items():
        if col in frame.columns or col in joined:
            continue
        if corpus_frame is None or col not in corpus_frame.columns:
            raise ValueError(
                f"{label[param]}={col!r} is neither a column of scores nor of the corpus; "
                "pass corpus= with that column, or name an existing column"
            )
        joined.append(col)
    if joined:  # one join for every column the corpus supplies
        keys = corpus_frame[["doc_id", *joined]].drop_duplicates("doc_id")
        keys = keys.assign(doc_id=keys["doc_id"].astype(str))
        ids = frame["doc_id"]
        if isinstance(ids.dtype, pd.CategoricalDtype) and not ids.isna().any():
            # compact scores: look each distinct document up once, then spread by its codes
            per_doc = keys.set_index("doc_id").reindex(ids.cat.categories)
            codes = ids.cat.codes.to_numpy()
            frame = frame.assign(**{col: per_doc[col].to_numpy()[codes] for col in joined})
        else:
            frame = frame.merge(keys, on="doc_id", how="left", validate="many_to_one")

    all_categories = [str(c) for c in pd.unique(_text(frame["category"]))]
    if categories is not None:
        if isinstance(categories, str):
            categories = [categories]
        unknown = [c for c in categories if c not in all_categories]
        if unknown:
            raise ValueError(f"categories: {unknown} not in the scores; they hold {all_categories}")
        frame = frame[_text(frame["category"]).isin(list(categories)).to_numpy()]
        cats = list(categories)
    else:
        cats = all_categories

    doc_codes, doc_ids = pd.factorize(frame["doc_id"], sort=False)
    cat_index = {c: i for i, c in enumerate(cats)}
    # a lookup per distinct category, not per row
    row_codes, row_categories = pd.factorize(_text(frame["category"]))
    cat_codes = np.array([cat_index[c] for c in row_categories], dtype=np.int64)[row_codes]
    n, k = len(doc_ids), len(cats)
    rates = np.full((n, k), np.nan)
    counts = np.zeros((n, k), dtype=np.int64)
    rates[doc_codes, cat_codes] = frame["rate"].to_numpy(dtype=float)
    counts[doc_codes, cat_codes] = frame["count"].to_numpy(dtype=np.int64)
    tokens = np.zeros(n, dtype=np.int64)
    tokens[doc_codes] = frame["tokens"].to_numpy(dtype=np.int64)

    meta: dict[str, np.ndarray | None] = {}
    for param in ("by", "cluster", "strata", "date"):
        col = wanted[param]
        if col is None:
            meta[param] = None
            continue
        per_doc = frame[["doc_id", col]].drop_duplicates()
        clash = per_doc["doc_id"].duplicated(keep=False)
        if clash.any():
            doc = per_doc.loc[clash, "doc_id"].iloc[0]
            values = sorted(per_doc.loc[per_doc["doc_id"] == doc, col].astype(str))
            raise ValueError(
                f"{label[param]}={col!r}: document {doc!r} has several values {values}; each document needs one"
            )
        values = per_doc.set_index("doc_id")[col].reindex(doc_ids)
        if values.isna().any():
            doc = values[values.isna()].index[0]
            raise ValueError(
                f"{label[param]}={col!r}: document {doc!r} has no value; fill it in the corpus or drop the document"
            )
        meta[param] = values.astype(str).to_numpy(dtype=object)

    holes = np.isnan(rates) & (tokens[:, None] > 0)
    if holes.any():
        row = int(np.argwhere(holes)[0][0])
        raise ValueError(
            f"scores: document {doc_ids[row]!r} lacks a row for some category; every document needs one row per category"
        )
    keep = tokens > 0
    n_excluded = int((~keep).sum())
    if n_excluded:
        warnings.warn(
            f"{n_excluded} document(s) have no tokens in the scored part and voice; their rate is undefined "
            "and they are left out (counted in n_excluded)",
            StatsWarning,
            stacklevel=3,
        )
    table = RateTable(
        doc_ids=np.asarray(doc_ids, dtype=object)[keep],
        groups=meta["by"][keep],
        categories=tuple(cats),
        rates=rates[keep],
        counts=counts[keep],
        tokens=tokens[keep],
        clusters=None if meta["cluster"] is None else meta["cluster"][keep],
        strata=None if meta["strata"] is None else meta["strata"][keep],
        dates=None if meta["date"] is None else meta["date"][keep],
        denominator=denominator,
        scale=scale,
        n_excluded=n_excluded,
        by=by,
        cluster=cluster,
        strata_name=strata,
    )
    if cluster is not None:
        check_nesting(table)
    return table


def check_nesting(table: RateTable) -> None:
    """Clusters must nest in groups (an outlet belongs to one outlet group)."""
    frame = pd.DataFrame({"cluster": table.clusters, "group": table.groups}).drop_duplicates()
    multi = frame["cluster"].duplicated(keep=False)
    if multi.any():
        name = frame.loc[multi, "cluster"].iloc[0]
        groups = sorted(frame.loc[frame["cluster"] == name, "group"])
        raise ValueError(
            f"cluster={table.cluster!r}: cluster {name!r} spans groups {groups}; clusters must nest in the "
            f"{table.by!r} groups (e.g. outlets within outlet groups)"
        )


def check_common(table: RateTable, *, min_docs: int = 2) -> None:
    """Errors every comparison shares: tiny groups and categories without any hit."""
    names, sizes = np.unique(table.groups.astype(str), return_counts=True)
    if len(names) < 2:
        raise ValueError(f"by={table.by!r}: need at least 2 groups to compare, found {[str(n) for n in names]}")
    small = [(str(g), int(s)) for g, s in zip(names, sizes) if s < min_docs]
    if small:
        raise SmallGroupError(
            f"by={table.by!r}: group {small[0][0]!r} has {small[0][1]} scored document(s); each group needs at "
            f"least {min_docs}. Merge or drop small groups before comparing",
            group=small[0][0], size=small[0][1], needed=min_docs)
    zero = [c for j, c in enumerate(table.categories) if not np.any(table.counts[:, j])]
    if zero:
        raise ValueError(
            f"categories {zero} have zero hits in every document, so there is nothing to compare; "
            "leave them out with categories=[...]"
        )


def group_pairs(groups: list[str], *, pairs: str, reference: str | None) -> list[tuple[str, str]]:
    """``pairs="all"``: every pair (a < b, sorted); ``"reference"``: each
    group against ``reference`` (``group_b`` = the reference)."""
    check_choice("pairs", pairs, PAIRS)
    if reference is not None and reference not in groups:
        raise ValueError(f"reference={reference!r} is not one of the groups {groups}")
    if pairs == "reference":
        if reference is None:
            raise ValueError("pairs='reference' needs reference=<group name>")
        return [(g, reference) for g in groups if g != reference]
    return [(a, b) for i, a in enumerate(groups) for b in groups[i + 1 :]]


def ordered_labels(values: pd.Series) -> list:
    """The distinct labels of a column, sorted; mixed kinds of labels that
    cannot be sorted keep the order of first appearance."""
    uniques = list(pd.unique(values))
    try:
        return sorted(uniques)
    except TypeError:
        return uniques
