"""``aggregate`` (one groupby, sums from the rows sorted by group) against
the per-group loop it replaced: the same frame, values, dtypes and order,
bit for bit, on hand-made scores with NaN rates, zero-token documents,
several parts and voices, NaN and integer groups and many documents per
group.  ``mean_rate`` is the exact mean of the rates, rounded once (the
reference computes it with ``fractions.Fraction``), as the streaming
engine gives it."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from framing.match.scoring import AGGREGATE_COLUMNS, SCORE_COLUMNS, aggregate
from framing.vocab import NORMALIZATIONS


def naive_aggregate(scores: pd.DataFrame, *, by: str = "outlet", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = scores
    if by not in scores.columns:
        keys = corpus[["doc_id", by]].drop_duplicates("doc_id")
        keys = keys.assign(doc_id=keys["doc_id"].astype(str))
        frame = scores.merge(keys, on="doc_id", how="left", validate="many_to_one")
    denominators = frame["denominator"].unique()
    denominator = denominators[0] if len(denominators) else "per_1000_tokens"
    scale = NORMALIZATIONS[denominator]
    category_order = {c: i for i, c in enumerate(pd.unique(frame["category"]))}
    rows = []
    for (group, part, voice, category), sub in frame.groupby([by, "part", "voice", "category"], sort=False, dropna=False):
        scored = sub[sub["tokens"] > 0]
        tokens = int(scored["tokens"].sum())
        count = int(scored["count"].sum())
        if denominator == "raw":
            pooled = float(count) if tokens else math.nan
        else:
            pooled = scale * count / tokens if tokens else math.nan
        rows.append({"by": by, "group": group, "part": part, "voice": voice, "category": category,
                     "n_docs": len(scored), "count": count, "negated": int(scored["negated"].sum()),
                     "tokens": tokens, "pooled_rate": pooled,
                     "mean_rate": exact_mean(scored["rate"]),
                     "denominator": denominator})
    out = pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))
    if len(out):
        out["_order"] = out["category"].map(category_order)
        out = out.sort_values(["group", "_order"], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    return out


def exact_mean(rates: pd.Series) -> float:
    values = [Fraction(float(x)) for x in rates if not math.isnan(x)]
    return float(sum(values) / len(values)) if values else math.nan


def scores_frame(seed: int, n_docs: int, *, normalize: str = "per_1000_tokens", n_outlets: int = 5,
                 parts=("text",), voices=("outlet",)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cats = ["zeta", "alpha", "mid"]
    blocks = []
    for part in parts:
        for voice in voices:
            doc = np.repeat(np.arange(n_docs), len(cats))
            tokens = np.repeat(rng.integers(0, 400, n_docs) * (rng.random(n_docs) > 0.2), len(cats))
            count = rng.integers(0, 6, len(doc))
            scale = NORMALIZATIONS[normalize]
            with np.errstate(divide="ignore", invalid="ignore"):
                rate = np.where(tokens > 0, count.astype(float) if normalize == "raw" else scale * count / np.maximum(tokens, 1), np.nan)
            rate[rng.random(len(rate)) < 0.05] = np.nan  # NaN rates even with tokens
            blocks.append(pd.DataFrame({
                "doc_id": [f"d{d}" for d in doc],
                "outlet": [f"outlet {d % n_outlets}" if d % 7 else "Zed, Inc." for d in doc],
                "part": part, "voice": voice, "category": cats * n_docs,
                "count": count, "negated": rng.integers(0, 3, len(doc)), "weight": count * 1.5,
                "tokens": tokens, "rate": rate, "denominator": normalize,
            }, columns=list(SCORE_COLUMNS)))
    return pd.concat(blocks, ignore_index=True)


@pytest.mark.parametrize("normalize", ["per_1000_tokens", "per_token", "raw"])
@pytest.mark.parametrize("seed, n_docs, n_outlets", [(0, 1, 1), (1, 40, 3), (2, 3000, 4), (3, 700, 60)])
def test_aggregate_equals_the_per_group_loop(seed, n_docs, n_outlets, normalize):
    scores = scores_frame(seed, n_docs, normalize=normalize, n_outlets=n_outlets)
    pd.testing.assert_frame_equal(aggregate(scores), naive_aggregate(scores), check_exact=True)


def test_aggregate_several_parts_and_voices_and_zero_token_groups():
    scores = scores_frame(4, 500, parts=("text", "title"), voices=("outlet", "quoted", "all"))
    scores.loc[scores["outlet"] == "outlet 2", "tokens"] = 0  # a group with no scored document
    expected = naive_aggregate(scores)
    got = aggregate(scores)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    empty = got[got["group"] == "outlet 2"]
    assert len(empty) and (empty["n_docs"] == 0).all() and empty["pooled_rate"].isna().all()
    assert empty["mean_rate"].isna().all() and (empty["tokens"] == 0).all()


@pytest.mark.parametrize("values", [[1, 2, 1, 3], ["x", None, "y", "x"], [np.nan, 2.5, 2.5, np.nan]])
def test_aggregate_by_a_corpus_column_with_missing_and_numeric_groups(values):
    scores = scores_frame(5, 4, n_outlets=2)
    corpus = pd.DataFrame({"doc_id": [f"d{i}" for i in range(4)], "topic": values})
    pd.testing.assert_frame_equal(aggregate(scores, by="topic", corpus=corpus),
                                  naive_aggregate(scores, by="topic", corpus=corpus), check_exact=True)


def test_aggregate_of_no_rows():
    scores = scores_frame(6, 3).iloc[:0]
    pd.testing.assert_frame_equal(aggregate(scores), naive_aggregate(scores), check_exact=True)
