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
* :mod:`framing.stats.agreement` — Krippendorff's alpha of coders'
  reliability data, with a bootstrap CI over units.
* :mod:`framing.stats.proportions` — Wilson intervals and the precision of
  coded cue hits (per group and volume-weighted over strata).
* :mod:`framing.stats.prevalence` — frame prevalence corrected for
  classifier error (adjusted classify and count) with CIs that include
  the classifier's uncertainty.
* :mod:`framing.stats.validation` — a lexicon's precision in context and
  coders' agreement from coded sample sheets (the ``framing lexicon
  validate`` workflow).
* :mod:`framing.stats.spans` — token- and span-level precision and recall
  of cue hits against span annotations (BABE, PTC, NewsWCL50).
"""

from __future__ import annotations

# Eager imports: three functions share their module's name (compare, effects,
# keyness).  With lazy attribute loading, importing the submodule rebinds the
# package attribute to the module, so ``framing.stats.compare`` would be the
# function once and the module after that; explicit imports bind the functions.
from ._warnings import SmallGroupError, StatsWarning
from .agreement import alpha_table, krippendorff_alpha, reliability_table
from .compare import compare, omnibus
from .distinct import distinctiveness, term_contributions
from .effects import effects
from .keyness import document_keyness, keyness, log_odds
from .multitest import adjust_pvalues
from .paired import paired
from .prevalence import corrected_prevalence, error_rates
from .proportions import precision_table, wilson_interval
from .simulate import simulate_scores, simulate_term_counts
from .summary import summarize, timeseries

__all__ = [
    "SmallGroupError",
    "StatsWarning",
    "adjust_pvalues",
    "alpha_table",
    "compare",
    "corrected_prevalence",
    "distinctiveness",
    "document_keyness",
    "effects",
    "error_rates",
    "keyness",
    "krippendorff_alpha",
    "log_odds",
    "omnibus",
    "paired",
    "precision_table",
    "reliability_table",
    "simulate_scores",
    "simulate_term_counts",
    "summarize",
    "term_contributions",
    "timeseries",
    "wilson_interval",
]
