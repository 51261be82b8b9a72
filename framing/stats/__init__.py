"""Statistics: comparing sources with valid uncertainty.

Documents are the unit of inference by default; outlets are the unit
when a claim is about outlet groups (a cluster bootstrap / permutation
over outlets).  Token-level statistics are offered but labelled
``unit="token"`` and described as descriptive.

Modules (each a pure-function family with one fixed output schema):

* :mod:`framing.stats.multitest` — Benjamini–Hochberg, Benjamini–Yekutieli,
  Holm and Bonferroni adjusted p-values.
* :mod:`framing.stats.compare` — per-group summaries and comparisons of
  per-document cue rates: effect sizes with CIs, permutation, Welch,
  Mann–Whitney and bootstrap tests, omnibus tests, stratified and paired
  same-story comparisons, time series.
* :mod:`framing.stats.keyness` — which terms distinguish sources
  (Monroe et al. 2008 log-odds, chi-square, G², log ratio, %DIFF, odds
  ratio; document-level keyness).
* :mod:`framing.stats.distinct` — Gentzkow, Shapiro & Taddy (2019)
  leave-out distinctiveness with a permutation null.
* :mod:`framing.stats.simulate` — corpora with planted effects for
  calibration checks and power analyses.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "adjust_pvalues": "multitest",
    "summarize": "summary",
    "timeseries": "summary",
    "effects": "effects",
    "compare": "compare",
    "omnibus": "compare",
    "paired": "paired",
    "distinctiveness": "distinct",
    "term_contributions": "distinct",
    "log_odds": "keyness",
    "keyness": "keyness",
    "document_keyness": "keyness",
    "simulate_scores": "simulate",
    "simulate_term_counts": "simulate",
    "StatsWarning": "_warnings",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing.stats' has no attribute {name!r}")
    return getattr(import_module(f"framing.stats.{module}"), name)
