"""Small hand-made score tables for the statistics tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def make_scores(rows, *, denominator="per_1000_tokens"):
    """rows: (doc_id, group, category, count, tokens[, extra dict])."""
    records = []
    scale = 1000.0 if denominator == "per_1000_tokens" else 1.0
    for row in rows:
        doc_id, group, category, count, tokens = row[:5]
        extra = row[5] if len(row) > 5 else {}
        records.append(
            {
                "doc_id": doc_id,
                "outlet": group,
                "part": "text",
                "voice": "all",
                "category": category,
                "count": count,
                "negated": 0,
                "weight": float(count),
                "tokens": tokens,
                "rate": scale * count / tokens if tokens else np.nan,
                "denominator": denominator,
                **extra,
            }
        )
    return pd.DataFrame(records)


def null_scores(*, n_cats, groups, n_docs, rng, dispersion=1.0, rate=0.01, length=400, extra=None, effects=None):
    """Many independent categories: each category is one replicate of a
    bursty (gamma-Poisson) null, so one call tests ``n_cats`` nulls."""
    rows = []
    doc = 0
    for g in groups:
        for _ in range(n_docs):
            tokens = int(rng.integers(length // 2, length * 3 // 2))
            mult = effects.get(g, 1.0) if effects else 1.0
            lam = rng.gamma(1 / dispersion, dispersion, size=n_cats) * rate * tokens * mult
            counts = rng.poisson(lam)
            meta = extra(g, doc) if extra else {}
            for c in range(n_cats):
                rows.append((f"d{doc}", g, f"c{c:04d}", int(counts[c]), tokens, meta))
            doc += 1
    return make_scores(rows)


@pytest.fixture
def two_groups():
    # rates per 1000: A = 10, 20, 30 ; B = 0, 10 ; tokens 100 each
    rows = [
        ("a1", "A", "x", 1, 100),
        ("a2", "A", "x", 2, 100),
        ("a3", "A", "x", 3, 100),
        ("b1", "B", "x", 0, 100),
        ("b2", "B", "x", 1, 100),
    ]
    return make_scores(rows)
