"""Keyness: which terms distinguish groups of documents.

Two kinds of result share one output schema (:data:`KEYNESS_COLUMNS`):

Token-level keyness (``unit="token"``) — descriptive
    :func:`log_odds` (Monroe, Colaresi & Quinn 2008) and :func:`keyness`
    (chi-square, G², log ratio, %DIFF, odds ratio) compare the *pooled*
    counts of a term in two groups as if every token were an independent
    draw.  Words are bursty (Church & Gale 1995; Kilgarriff 2005): tokens
    of one article are not independent, so these p-values are far too
    small.  On the AllSides articles (Baly et al. 2020), splitting one
    outlet's articles at random into two pseudo-outlets — a true null —
    a token-level chi-square rejects 29% of the time at alpha 0.05 on the
    lexicon categories and 36% on common words, six to seven times the
    nominal 5% (the README's *Calibration* section, measured by
    ``benchmarks/bench_calibration.py``; Lijffijt et al. 2016 report the
    same phenomenon).  Use token-level
    rows to *describe* and rank terms, never as evidence that a
    difference is real.
Document-level keyness (``unit="document"``) — for claims
    :func:`document_keyness` treats documents as the unit: each term's
    per-document rate (count / document tokens) is compared between the
    groups with Welch's t test, the Mann–Whitney U test or a permutation
    test over documents, and p-values are adjusted for the number of
    terms tested (Benjamini–Hochberg by default).  Under the same null
    these reject about 5% of the time.  This is what to report when
    claiming that a term distinguishes two groups.  When the claim is
    about outlet *groups* (left vs right media) the outlets, not the
    documents, are the independent units: aggregate to outlets first.

Groups and comparisons
    ``groups`` holds one label per matrix row (e.g. ``corpus["outlet"]``);
    labels are sorted.  ``comparison="pairwise"`` compares every pair of
    labels ``(a, b)`` with ``a < b`` in sorted order (two labels give one
    pair); ``"one_vs_rest"`` compares each label with all other documents
    (``group_b`` is ``"(rest)"``); ``"vs_pooled"`` (only :func:`log_odds`)
    compares each label with the whole corpus including itself
    (``group_b`` is ``"(all)"``).  Positive estimates / statistics mean
    the term is more frequent in ``group_a``.  The default is
    ``"one_vs_rest"`` (``DEFAULTS["keyness_comparison"]`` of
    :mod:`framing.vocab`, shared with the command line and the experiment
    config); with two labels it gives both directions of the one pair.
Per-group sums
    The token-level functions (:func:`log_odds`, :func:`keyness`) use only
    each group's term counts, tokens and documents, so they also take a
    :class:`framing.match.terms.GroupCounts` (from
    :func:`~framing.match.terms.group_counts`, or summed chunk by chunk by
    :func:`framing.experiment.analyses.chunked_group_counts`) in place of
    the matrix, with ``groups=None``: the same table to the last bit,
    without a documents × terms matrix in memory.
    :func:`document_keyness` needs the per-document rows.
Terms tested
    A term enters a comparison when its count on the two sides together
    (for ``vs_pooled``: in the whole corpus) is at least ``min_count``.
    The default ``min_count=1`` leaves out only terms absent from both
    sides, whose statistics are undefined.  Any stricter cut-off is the
    caller's explicit choice (here or in
    :func:`framing.match.terms.term_matrix`).
Totals
    ``total_a`` / ``total_b`` are the tokens of the side's documents
    (:meth:`framing.match.terms.TermMatrix.tokens`, taken before stop words and
    cut-offs), the corpus size of every token-level formula: a term's
    statistics do not change when other terms are filtered out.
Multiple testing
    ``p_adj`` is :func:`framing.stats.multitest.adjust_pvalues` with
    ``correction`` (default ``"bh"``, ``DEFAULTS["correction"]``: the
    multiple-comparison correction, named as in every comparison) over
    one family: all rows (terms ×
    comparisons) of one method in one call.  NaN p-values are left out of
    the family.

Output schema (:data:`KEYNESS_COLUMNS`, the same for every function)
--------------------------------------------------------------------
``group_a``, ``group_b``
    The compared sides (``"(rest)"`` / ``"(all)"`` for ``group_b``; see
    above).
``comparison``
    ``"pairwise"``, ``"one_vs_rest"`` or ``"vs_pooled"``.
``term``
    The term (a column label of the matrix).
``count_a``, ``count_b``
    Occurrences of the term on each side (int).
``total_a``, ``total_b``
    Tokens on each side (int).
``docs_a``, ``docs_b``
    Documents on each side (for document-level rows: documents with at
    least one token, the ones that were tested).
``rate_a``, ``rate_b``
    Token-level rows: pooled rate ``count / total``.  Document-level rows:
    mean of the per-document rates.
``method``
    ``"log_odds"``, ``"chi2"``, ``"g2"``, ``"log_ratio"``, ``"pct_diff"``,
    ``"odds_ratio"`` (``unit="token"``); ``"welch"``, ``"mannwhitney"``,
    ``"permutation"`` (``unit="document"``).
``unit``
    ``"token"`` (descriptive) or ``"document"``.
``estimate``, ``se``, ``statistic``, ``ci_low``, ``ci_high``
    See each method below; NaN where a method has no such value.
``p_value``
    Two-sided p-value (NaN where a method has none).
``p_adj``, ``correction``
    Adjusted p-value and the multiple-comparison correction that
    adjusted it (``"bh"``, ``"by"``, ``"holm"``, ``"bonferroni"``,
    ``"none"``), as in :mod:`framing.stats.compare`.
``continuity``
    The continuity (or zero-count) correction applied to the statistic:
    ``"none"``, ``"yates"``,
    ``"williams"`` (chi2, g2); ``"zero_to_0.5"`` (log_ratio rows with a
    smoothed zero count); ``"haldane_0.5"`` (odds_ratio rows with a zero
    cell); ``"continuity"`` (mannwhitney).
``variance``, ``prior``, ``alpha0``
    The Monroe et al. variant of :func:`log_odds` rows (None / NaN
    elsewhere).
``params``
    The remaining options of the call as a JSON object with sorted keys
    (``confidence``, ``min_count``, ``alpha``, ``n_resamples``,
    ``random_state``), so that every row says how it was computed.

Row order
    By comparison (sorted pairs, or sorted ``group_a``), then ``method``
    (alphabetical), then descending ``|statistic|`` (descending
    ``|estimate|`` for ``pct_diff``, which has no statistic; NaN last),
    then ``term``.

Methods and formulas
--------------------
Notation for one term and one comparison: ``y_a``, ``y_b`` the term's
counts, ``n_a``, ``n_b`` the token totals, ``N = n_a + n_b``; the 2 × 2
table has cells ``a = y_a``, ``b = y_b``, ``c = n_a - y_a``,
``d = n_b - y_b``, row totals ``R1 = a + b``, ``R2 = c + d``, column
totals ``C1 = n_a``, ``C2 = n_b`` and expected counts
``E = row total × column total / N``.  ``z_q`` is the standard normal
quantile for ``confidence``.

``log_odds`` (Monroe et al. 2008, eqs. 15–18 with an informative Dirichlet prior)
    ``delta = log((y_a + α_w) / (n_a + α0 - y_a - α_w)) - log((y_b + α_w) / (n_b + α0 - y_b - α_w))``;
    ``variance="monroe"``: ``var = 1/(y_a + α_w) + 1/(y_b + α_w)`` (the
    paper's approximation); ``variance="full"``: ``var = 1/(y_a + α_w) +
    1/(n_a + α0 - y_a - α_w) + 1/(y_b + α_w) + 1/(n_b + α0 - y_b - α_w)``
    (the delta-method variance of both log-odds).  ``estimate = delta``,
    ``se = sqrt(var)``, ``statistic = z = delta / se``, two-sided
    ``p = 2 (1 - Φ(|z|))``, ``CI = delta ± z_q se``.  Scattertext and
    several "Fightin' Words" scripts report a one-sided p (or a z without
    p); this is two-sided.
``chi2`` (Pearson 1900)
    ``X² = Σ (O - E)² / E`` over the four cells, df 1.  ``yates`` (Yates
    1934): each observed count is moved towards its expected count by
    ``min(0.5, |O - E|)`` before summing (as
    :func:`scipy.stats.chi2_contingency`).  ``williams``: ``X² / q`` with
    Williams' (1976) ``q = 1 + (N/R1 + N/R2 - 1)(N/C1 + N/C2 - 1) / (6N)``;
    Williams derived ``q`` for G², and applying it to X² is a heuristic
    offered for comparison with tools that do so.  ``estimate``, ``se``
    and the CI are NaN; ``statistic = X²``.
``g2`` (Dunning 1993)
    ``G² = 2 Σ O log(O / E)`` (``0 log 0 = 0``), df 1; ``williams`` gives
    ``G² / q`` (Williams 1976); ``yates`` moves the observed counts as for
    ``chi2`` first (as :func:`scipy.stats.chi2_contingency` with
    ``lambda_="log-likelihood"``).
``log_ratio`` (Hardie 2014)
    ``estimate = log2((y_a' / n_a) / (y_b' / n_b))`` where a zero count
    ``y_a`` or ``y_b`` (only the zero one, never a non-zero count and never
    a total) is replaced by 0.5: ``y' = y if y > 0 else 0.5``.  ``se`` is
    the Katz et al. (1978) standard error of a log rate ratio, in binary
    log units: ``sqrt(1/y_a' - 1/n_a + 1/y_b' - 1/n_b) / log(2)``;
    ``statistic = estimate / se`` (a Wald z), ``CI = estimate ± z_q se``.
``pct_diff`` (Gabrielatos & Marchi 2012)
    ``%DIFF = 100 (y_a/n_a - y_b/n_b) / (y_b/n_b)``; ``+inf`` when
    ``y_b = 0`` (no smoothing).  No se, statistic, CI or p.
``odds_ratio``
    ``OR = (a d) / (b c)``; when any of the four cells is 0, 0.5 is added
    to all four (Haldane 1956), recorded as ``continuity="haldane_0.5"``.
    Woolf's (1955) ``se = sqrt(1/a + 1/b + 1/c + 1/d)`` of ``log OR``;
    ``statistic = log(OR) / se``; Wald ``CI = exp(log OR ± z_q se)``;
    ``estimate = OR``.
``welch`` (Welch 1947), per-document rates ``r = count / tokens``
    ``estimate = mean(r_a) - mean(r_b)``, ``se = sqrt(s_a²/m_a + s_b²/m_b)``
    (sample variances, ``m`` = documents), ``statistic = t =
    estimate / se``, Welch–Satterthwaite df, two-sided p and a t-based
    CI; identical to ``scipy.stats.ttest_ind(equal_var=False)``.
``mannwhitney`` (Mann & Whitney 1947)
    ``U_a`` = rank sum of side a minus ``m_a (m_a + 1) / 2`` (mid-ranks
    for ties); ``estimate = U_a / (m_a m_b)``, the probability that a
    random document of a has a higher rate than one of b, ties counting
    one half (McGraw & Wong 1992); ``statistic`` is the continuity- and
    tie-corrected normal z, ``sign(U_a - μ) max(|U_a - μ| - 0.5, 0) / σ``
    with ``μ = m_a m_b / 2``, ``σ² = m_a m_b / 12 ((M + 1) - Σ(t³ - t) /
    (M (M - 1)))``, ``M = m_a + m_b``; ``p = min(1, 2 (1 - Φ(|z|)))``,
    identical to ``scipy.stats.mannwhitneyu(method="asymptotic")``.
``permutation``
    ``estimate = statistic = mean(r_a) - mean(r_b)``; the side labels are
    shuffled over the documents of the comparison ``n_resamples`` times
    (the same shuffles for every term); ``p = (1 + #{|d*| ≥ |d|}) / (1 +
    n_resamples)`` (Phipson & Smyth 2010), with ``|d*| ≥ |d|`` tested
    with a relative tolerance of 1e-9 so that rounding does not break
    ties.  The smallest attainable p is ``1 / (1 + n_resamples)``: with
    many terms and an FDR adjustment use enough resamples.

References
----------
Baly, R., Da San Martino, G., Glass, J., & Nakov, P. (2020). We can
detect your bias: predicting the political ideology of news articles.
*Proceedings of EMNLP 2020*, 4982–4991.

Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery
rate: a practical and powerful approach to multiple testing. *JRSS B*,
57(1), 289–300.

Church, K. W., & Gale, W. A. (1995). Poisson mixtures. *Natural
Language Engineering*, 1(2), 163–190.

Dunning, T. (1993). Accurate methods for the statistics of surprise and
coincidence. *Computational Linguistics*, 19(1), 61–74.

Gabrielatos, C., & Marchi, A. (2012). Keyness: appropriate metrics and
practical issues. *CADS International Conference 2012*, University of
Bologna, 13–14 September 2012.

Haldane, J. B. S. (1956). The estimation and significance of the
logarithm of a ratio of frequencies. *Annals of Human Genetics*, 20(4),
309–311.

Hardie, A. (2014). Log Ratio – an informal introduction. ESRC Centre
for Corpus Approaches to Social Science (CASS), Lancaster University,
28 April 2014.

Katz, D., Baptista, J., Azen, S. P., & Pike, M. C. (1978). Obtaining
confidence intervals for the risk ratio in cohort studies. *Biometrics*,
34(3), 469–474.

Kessler, J. S. (2017). Scattertext: a browser-based tool for visualizing
how corpora differ. *Proceedings of ACL 2017, System Demonstrations*,
85–90.

Kilgarriff, A. (2005). Language is never, ever, ever, random. *Corpus
Linguistics and Linguistic Theory*, 1(2), 263–276.

Lijffijt, J., Nevalainen, T., Säily, T., Papapetrou, P., Puolamäki, K.,
& Mannila, H. (2016). Significance testing of word frequencies in
corpora. *Digital Scholarship in the Humanities*, 31(2), 374–397.

Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two
random variables is stochastically larger than the other. *Annals of
Mathematical Statistics*, 18(1), 50–60.

McGraw, K. O., & Wong, S. P. (1992). A common language effect size
statistic. *Psychological Bulletin*, 111(2), 361–365.

Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words:
lexical feature selection and evaluation for identifying the content of
political conflict. *Political Analysis*, 16(4), 372–403.

Pearson, K. (1900). On the criterion that a given system of deviations
from the probable in the case of a correlated system of variables is
such that it can be reasonably supposed to have arisen from random
sampling. *Philosophical Magazine*, 50(302), 157–175.

Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never
be zero: calculating exact p-values when permutations are randomly
drawn. *Statistical Applications in Genetics and Molecular Biology*,
9(1), Article 39.

Welch, B. L. (1947). The generalization of "Student's" problem when
several different population variances are involved. *Biometrika*,
34(1–2), 28–35.

Williams, D. A. (1976). Improved likelihood ratio tests for complete
contingency tables. *Biometrika*, 63(1), 33–37.

Woolf, B. (1955). On estimating the relation between blood group and
disease. *Annals of Human Genetics*, 19(4), 251–253.

Yates, F. (1934). Contingency tables involving small numbers and the χ²
test. *Supplement to the Journal of the Royal Statistical Society*,
1(2), 217–235.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import special, stats

from .. import seeds
from ..check import check_choice, check_choices, check_confidence, check_int, check_number, check_random_state
from ..match.terms import GroupCounts, TermMatrix, check_groups
from ..vocab import CORRECTIONS, DEFAULTS
from ..vocab import KEYNESS_COMPARISONS as COMPARISONS
from ..vocab import KEYNESS_CONTINUITY as CONTINUITY
from ..vocab import KEYNESS_PRIORS as PRIORS
from ..vocab import KEYNESS_TESTS as DOCUMENT_TESTS
from ..vocab import KEYNESS_TOKEN_METHODS as TOKEN_METHODS
from ..vocab import KEYNESS_VARIANCES as VARIANCES
from ._warnings import StatsWarning
from .multitest import adjust_pvalues

__all__ = [
    "KEYNESS_COLUMNS",
    "TOKEN_METHODS",
    "DOCUMENT_TESTS",
    "COMPARISONS",
    "VARIANCES",
    "PRIORS",
    "CONTINUITY",
    "REST",
    "ALL",
    "log_odds",
    "keyness",
    "document_keyness",
]

KEYNESS_COLUMNS: tuple[str, ...] = (
    "group_a", "group_b", "comparison", "term",
    "count_a", "count_b", "total_a", "total_b", "docs_a", "docs_b", "rate_a", "rate_b",
    "method", "unit", "estimate", "se", "statistic", "ci_low", "ci_high",
    "p_value", "p_adj", "correction", "continuity", "variance", "prior", "alpha0", "params",
)
REST = "(rest)"
ALL = "(all)"

_INT_COLUMNS = ("count_a", "count_b", "total_a", "total_b", "docs_a", "docs_b")
_FLOAT_COLUMNS = ("rate_a", "rate_b", "estimate", "se", "statistic", "ci_low", "ci_high", "p_value", "p_adj", "alpha0")
_PERM_TOL = 1e-9
_PERM_BLOCK = 2_000_000  # terms × resamples held in memory at once


# ---------------------------------------------------------------- validation

def _methods(name: str, value: Any, allowed: Sequence[str]) -> list[str]:
    """One name or a list of names from ``allowed``, sorted (the row order
    is alphabetical by method)."""
    return sorted(check_choices(name, value, allowed))


def _check_matrix(matrix: Any, *, grouped: bool = True) -> None:
    """A TermMatrix, or (``grouped``: token-level statistics) a GroupCounts."""
    if isinstance(matrix, TermMatrix) or (grouped and isinstance(matrix, GroupCounts)):
        return
    if isinstance(matrix, GroupCounts):
        raise TypeError("matrix: document-level keyness compares per-document rates and needs a "
                        "framing.match.terms.TermMatrix (documents × terms), got a GroupCounts (sums per group)")
    if grouped:
        raise TypeError("matrix: expected a framing.match.terms.TermMatrix or GroupCounts (see "
                        f"framing.match.terms.term_matrix and group_counts), got {type(matrix).__name__}")
    raise TypeError("matrix: expected a framing.match.terms.TermMatrix (see framing.match.terms.term_matrix), "
                    f"got {type(matrix).__name__}")


def _check_group_counts(counts: GroupCounts, groups: Any) -> tuple[tuple[Any, ...], np.ndarray]:
    """The labels and documents per group of a :class:`GroupCounts`, after
    checking that its arrays agree (one row per sorted, distinct label;
    one column per term; non-negative integer counts)."""
    if groups is not None:
        raise ValueError("groups: a GroupCounts already holds its groups (one row per label); pass groups=None, "
                         f"got {type(groups).__name__}")
    labels = tuple(counts.groups)
    k, n_terms = len(labels), len(counts.terms)
    shape = getattr(counts.counts, "shape", None)
    if shape != (k, n_terms):
        raise ValueError(f"matrix: GroupCounts.counts has shape {shape}, expected ({k}, {n_terms}) "
                         "(one row per group, one column per term)")
    try:
        ordered = list(labels) == sorted(set(labels))
    except TypeError:
        ordered = False
    if not ordered:
        raise ValueError(f"matrix: GroupCounts.groups must be distinct and sorted (as group_counts gives them), "
                         f"got {labels!r}")
    for name in ("n_docs", "tokens"):
        values = np.asarray(getattr(counts, name))
        if values.shape != (k,) or values.dtype.kind not in "iu" or np.any(values < 0):
            raise ValueError(f"matrix: GroupCounts.{name} must hold one non-negative integer per group ({k}), "
                             f"got {values.tolist()!r}")
    data = np.asarray(counts.counts.data if sp.issparse(counts.counts) else counts.counts)
    if data.dtype.kind not in "iu" or np.any(data < 0):
        raise ValueError("matrix: GroupCounts.counts must be non-negative integers")
    return labels, np.asarray(counts.n_docs, dtype=np.int64)


@dataclass(frozen=True)
class _Side:
    label: Any
    members: tuple[int, ...]  # group indices


@dataclass(frozen=True)
class _Setup:
    matrix: TermMatrix | GroupCounts
    labels: tuple[Any, ...]
    codes: np.ndarray | None  # group of each document (None for a GroupCounts)
    pairs: tuple[tuple[_Side, _Side], ...]
    comparison: str


def _setup(matrix: Any, groups: Any, comparison: str, *, allow_pooled: bool, doc_mask: np.ndarray | None = None) -> _Setup:
    _check_matrix(matrix)
    allowed = COMPARISONS if allow_pooled else COMPARISONS[:2]
    if comparison == "vs_pooled" and not allow_pooled:
        raise ValueError("comparison: 'vs_pooled' compares a group with a corpus that contains it, which is defined for "
                         "log_odds only; choose 'pairwise' or 'one_vs_rest'")
    check_choice("comparison", comparison, allowed)
    codes: np.ndarray | None = None
    if isinstance(matrix, GroupCounts):
        labels, sizes = _check_group_counts(matrix, groups)
        n_terms = len(matrix.terms)
    else:
        n_docs, n_terms = matrix.shape
        if groups is None:
            raise ValueError(f"groups: expected one label per matrix row ({n_docs}), got None; only a GroupCounts "
                             "holds its own groups")
    if n_terms == 0:
        raise ValueError("matrix has no terms (columns); relax the cut-offs of term_matrix")
    if not isinstance(matrix, GroupCounts):
        labels, codes = check_groups(groups, n_docs)
        sizes = np.bincount(codes[doc_mask] if doc_mask is not None else codes, minlength=len(labels))
    for label in labels:
        if label in (REST, ALL):
            raise ValueError(f"groups: the label {label!r} is reserved for one_vs_rest / vs_pooled output; rename that group")
    if len(labels) < 2:
        raise ValueError(f"groups: need at least 2 groups to compare, got {len(labels)} ({', '.join(map(repr, labels))})")
    small = [(label, int(size)) for label, size in zip(labels, sizes) if size < 2]
    if small:
        extra = " with at least one token" if doc_mask is not None else ""
        listed = ", ".join(f"{label!r} ({size})" for label, size in small)
        raise ValueError(f"groups: every group needs at least 2 documents{extra}; too few in {listed}. "
                         "Drop or merge these groups before comparing")
    k = len(labels)
    if comparison == "pairwise":
        pairs = tuple((_Side(labels[i], (i,)), _Side(labels[j], (j,))) for i in range(k) for j in range(i + 1, k))
    elif comparison == "one_vs_rest":
        pairs = tuple((_Side(labels[i], (i,)), _Side(REST, tuple(j for j in range(k) if j != i))) for i in range(k))
    else:
        pairs = tuple((_Side(labels[i], (i,)), _Side(ALL, tuple(range(k)))) for i in range(k))
    return _Setup(matrix, labels, codes, pairs, comparison)


def _check_correction(correction: Any) -> None:
    """``correction`` is the multiple-comparison correction; a continuity
    correction there is an earlier version's spelling and is refused, never
    reinterpreted."""
    if isinstance(correction, str) and correction in CONTINUITY and correction not in CORRECTIONS:
        raise ValueError(f"correction: {correction!r} is a continuity correction; continuity corrections are now "
                         f"continuity={correction!r}, and correction= is the multiple-comparison correction "
                         f"(one of {', '.join(map(repr, CORRECTIONS))})")
    check_choice("correction", correction, CORRECTIONS)


def _renamed_keywords(func: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Refuse the keyword ``p_adjust`` (renamed to ``correction``) with a
    message that says so, instead of Python's bare unexpected-keyword
    error; the signature seen by :mod:`inspect` is the function's own."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> pd.DataFrame:
        if "p_adjust" in kwargs:
            raise TypeError(f"{func.__name__}: the keyword p_adjust was renamed to correction (the "
                            f"multiple-comparison correction, one of {', '.join(map(repr, CORRECTIONS))}); "
                            "pass correction= instead")
        return func(*args, **kwargs)

    return wrapper


def _params(**kwargs: Any) -> str:
    return json.dumps(kwargs, sort_keys=True)


def _warn(message: str) -> None:
    warnings.warn(message, StatsWarning, stacklevel=3)


# ---------------------------------------------------------------- assembly

def _block(setup: _Setup, a: _Side, b: _Side, cols: np.ndarray, *, count_a, count_b, total_a, total_b, docs_a, docs_b,
           rate_a, rate_b, method: str, unit: str, estimate, se, statistic, ci_low, ci_high, p_value, continuity,
           correction: str, params: str, variance: str | None = None, prior: str | None = None,
           alpha0: float = math.nan) -> pd.DataFrame:
    m = len(cols)

    def arr(value: Any, dtype: Any = float) -> np.ndarray:
        out = np.asarray(value, dtype=dtype)
        return np.full(m, out, dtype=dtype) if out.ndim == 0 else out

    key = np.abs(arr(estimate) if method == "pct_diff" else arr(statistic))
    key = np.where(np.isnan(key), -np.inf, key)
    order = np.lexsort((cols, -key))
    terms = np.asarray(setup.matrix.terms, dtype=object)
    data = {
        "group_a": [a.label] * m,
        "group_b": [b.label] * m,
        "comparison": [setup.comparison] * m,
        "term": terms[cols][order],
        "count_a": arr(count_a, np.int64)[order],
        "count_b": arr(count_b, np.int64)[order],
        "total_a": arr(total_a, np.int64)[order],
        "total_b": arr(total_b, np.int64)[order],
        "docs_a": arr(docs_a, np.int64)[order],
        "docs_b": arr(docs_b, np.int64)[order],
        "rate_a": arr(rate_a)[order],
        "rate_b": arr(rate_b)[order],
        "method": [method] * m,
        "unit": [unit] * m,
        "estimate": arr(estimate)[order],
        "se": arr(se)[order],
        "statistic": arr(statistic)[order],
        "ci_low": arr(ci_low)[order],
        "ci_high": arr(ci_high)[order],
        "p_value": arr(p_value)[order],
        "p_adj": np.full(m, np.nan),
        "correction": [correction] * m,
        "continuity": arr(continuity, object)[order] if not isinstance(continuity, str) else [continuity] * m,
        "variance": [variance] * m,
        "prior": [prior] * m,
        "alpha0": np.full(m, alpha0, dtype=float),
        "params": [params] * m,
    }
    return pd.DataFrame(data, columns=list(KEYNESS_COLUMNS))


def _finish(blocks: list[pd.DataFrame], correction: str) -> pd.DataFrame:
    if not blocks:
        frame = pd.DataFrame({c: pd.Series(dtype=np.int64 if c in _INT_COLUMNS else float if c in _FLOAT_COLUMNS else object)
                              for c in KEYNESS_COLUMNS})
        return frame
    frame = pd.concat(blocks, ignore_index=True)
    for method in sorted(frame["method"].unique().tolist()):
        rows = (frame["method"] == method).to_numpy()
        frame.loc[rows, "p_adj"] = adjust_pvalues(frame.loc[rows, "p_value"].to_numpy(dtype=float), method=correction)
    return frame[list(KEYNESS_COLUMNS)]


# ---------------------------------------------------------------- token level

@dataclass(frozen=True)
class _Pooled:
    """Group-level totals for token-level comparisons."""

    counts: np.ndarray  # groups × terms (dense int64)
    tokens: np.ndarray  # groups
    n_docs: np.ndarray  # groups


def _pooled(setup: _Setup) -> _Pooled:
    k = len(setup.labels)
    if isinstance(setup.matrix, GroupCounts):  # already summed: the same integers
        given = setup.matrix.counts
        counts = np.asarray(given.toarray() if sp.issparse(given) else given, dtype=np.int64)
        return _Pooled(counts, np.asarray(setup.matrix.tokens, dtype=np.int64),
                       np.asarray(setup.matrix.n_docs, dtype=np.int64))
    codes = setup.codes
    indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(k, len(codes)))
    counts = np.asarray((indicator @ setup.matrix.counts).toarray()).round().astype(np.int64)
    tokens = np.bincount(codes, weights=setup.matrix.tokens(), minlength=k).round().astype(np.int64)
    return _Pooled(counts, tokens, np.bincount(codes, minlength=k).astype(np.int64))


def _side_totals(pooled: _Pooled, side: _Side) -> tuple[np.ndarray, int, int]:
    idx = list(side.members)
    tokens = int(pooled.tokens[idx].sum())
    if tokens == 0:
        raise ValueError(f"groups: group {side.label!r} has no tokens; token-level keyness needs text on both sides")
    return pooled.counts[idx].sum(axis=0), tokens, int(pooled.n_docs[idx].sum())


def _tested(ya: np.ndarray, yb: np.ndarray, min_count: int, pooled_b: bool) -> np.ndarray:
    together = yb if pooled_b else ya + yb
    return np.flatnonzero(together >= min_count)


def _zcrit(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _two_sided_normal(z: np.ndarray) -> np.ndarray:
    return 2.0 * stats.norm.sf(np.abs(z))


def _table(ya: np.ndarray, yb: np.ndarray, na: int, nb: int) -> tuple[np.ndarray, np.ndarray]:
    """Observed and expected cells, shape (4, m): [a, b, c, d] =
    [term in A, term in B, other in A, other in B]."""
    ya = ya.astype(float)
    yb = yb.astype(float)
    observed = np.vstack([ya, yb, na - ya, nb - yb])
    n = float(na + nb)
    r1 = ya + yb
    r2 = n - r1
    expected = np.vstack([r1 * na / n, r1 * nb / n, r2 * na / n, r2 * nb / n])
    return observed, expected


def _williams_q(ya: np.ndarray, yb: np.ndarray, na: int, nb: int) -> np.ndarray:
    n = float(na + nb)
    r1 = (ya + yb).astype(float)
    r2 = n - r1
    return 1.0 + (n / r1 + n / r2 - 1.0) * (n / na + n / nb - 1.0) / (6.0 * n)


def _contingency(method: str, continuity: str, ya: np.ndarray, yb: np.ndarray, na: int, nb: int) -> np.ndarray:
    observed, expected = _table(ya, yb, na, nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        if continuity == "yates":
            diff = expected - observed
            observed = observed + np.sign(diff) * np.minimum(0.5, np.abs(diff))
        if method == "chi2":
            stat = np.sum((observed - expected) ** 2 / expected, axis=0)
        else:
            stat = 2.0 * np.sum(special.xlogy(observed, observed) - special.xlogy(observed, expected), axis=0)
            stat = np.maximum(stat, 0.0)
        if continuity == "williams":
            stat = stat / _williams_q(ya, yb, na, nb)
    return stat


@_renamed_keywords
def keyness(
    matrix: TermMatrix | GroupCounts,
    groups: Any = None,
    *,
    method: str | Sequence[str] = "g2",
    comparison: str = DEFAULTS["keyness_comparison"],
    continuity: str = DEFAULTS["keyness_continuity"],
    min_count: int = 1,
    confidence: float = DEFAULTS["confidence"],
    correction: str = DEFAULTS["correction"],
) -> pd.DataFrame:
    """Token-level keyness statistics (descriptive) for every term.

    Every row has ``unit="token"``: the statistics treat each token as an
    independent draw, which words are not (see the module docstring).
    Use them to describe and rank terms; for claims use
    :func:`document_keyness`.

    Parameters
    ----------
    matrix : framing.match.terms.TermMatrix or GroupCounts
        Documents × terms counts (:func:`framing.match.terms.term_matrix`),
        or their sums per group (:func:`framing.match.terms.group_counts`,
        or summed chunk by chunk): token-level statistics need only those,
        and give the same table from either.
    groups : array-like, optional
        One label per matrix row (e.g. ``corpus["outlet"]``); None (the
        only allowed value) with a GroupCounts.
    method : str or sequence of str, default "g2"
        Any of ``"chi2"``, ``"g2"``, ``"log_ratio"``, ``"odds_ratio"``,
        ``"pct_diff"`` (formulas in the module docstring).
    comparison : {"pairwise", "one_vs_rest"}, default "one_vs_rest"
        ``DEFAULTS["keyness_comparison"]`` of :mod:`framing.vocab`, as
        for every keyness function.
    continuity : {"none", "yates", "williams"}, default "none"
        Continuity correction of ``chi2`` and ``g2`` rows
        (``DEFAULTS["keyness_continuity"]``).  Other methods have their
        own fixed zero handling (recorded per row in ``continuity``).
    min_count : int, default 1
        A term is tested when its count on the two sides together is at
        least this (1 = only terms absent from both are left out).
    confidence : float, default 0.95
        Level of the Wald CIs (log_ratio, odds_ratio).
    correction : {"bh", "by", "holm", "bonferroni", "none"}, default "bh"
        Multiple-comparison correction of ``p_adj`` over all rows of one
        method (``DEFAULTS["correction"]``, as in
        :func:`framing.stats.compare.compare`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KEYNESS_COLUMNS`, rows in the documented order.

    Raises
    ------
    ValueError
        An unknown method, comparison, continuity or correction
        (a continuity correction passed as ``correction``); a continuity
        correction that no requested method accepts; groups misaligned
        with the matrix; a group with fewer than 2 documents.

    Warns
    -----
    StatsWarning
        When chi2/g2 rows have expected counts below 5, when zero counts
        were smoothed (log_ratio, odds_ratio) or %DIFF is infinite.
    """
    methods = _methods("method", method, TOKEN_METHODS)
    check_choice("continuity", continuity, CONTINUITY)
    if continuity != "none" and not any(m in ("chi2", "g2") for m in methods):
        raise ValueError(f"continuity: {continuity!r} applies to method 'chi2' or 'g2', but method is "
                         f"{', '.join(map(repr, methods))}; use continuity='none'")
    _check_correction(correction)
    min_count = check_int("min_count", min_count, low=1)
    confidence = check_confidence(confidence)
    setup = _setup(matrix, groups, comparison, allow_pooled=False)
    pooled = _pooled(setup)
    zq = _zcrit(confidence)
    params = _params(confidence=confidence, min_count=min_count)
    blocks: list[pd.DataFrame] = []
    small_expected = smoothed = infinite = 0
    for side_a, side_b in setup.pairs:
        ya_all, na, da = _side_totals(pooled, side_a)
        yb_all, nb, db = _side_totals(pooled, side_b)
        cols = _tested(ya_all, yb_all, min_count, False)
        ya, yb = ya_all[cols], yb_all[cols]
        common = dict(count_a=ya, count_b=yb, total_a=na, total_b=nb, docs_a=da, docs_b=db,
                      rate_a=ya / na, rate_b=yb / nb, unit="token", correction=correction, params=params)
        for name in methods:
            nan = np.full(len(cols), np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                if name in ("chi2", "g2"):
                    stat = _contingency(name, continuity, ya, yb, na, nb)
                    _, expected = _table(ya, yb, na, nb)
                    small_expected += int(np.sum(expected.min(axis=0) < 5))
                    blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=nan, se=nan, statistic=stat,
                                         ci_low=nan, ci_high=nan, p_value=stats.chi2.sf(stat, 1), continuity=continuity,
                                         **common))
                elif name == "log_ratio":
                    za, zb = ya == 0, yb == 0
                    ya_s = np.where(za, 0.5, ya)
                    yb_s = np.where(zb, 0.5, yb)
                    smoothed += int(np.sum(za | zb))
                    est = np.log2((ya_s / na) / (yb_s / nb))
                    se = np.sqrt(1 / ya_s - 1 / na + 1 / yb_s - 1 / nb) / math.log(2)
                    z = est / se
                    blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=est, se=se, statistic=z,
                                         ci_low=est - zq * se, ci_high=est + zq * se, p_value=_two_sided_normal(z),
                                         continuity=np.where(za | zb, "zero_to_0.5", "none").astype(object), **common))
                elif name == "pct_diff":
                    nfa, nfb = ya / na, yb / nb
                    est = np.where(yb == 0, np.inf, 100.0 * (nfa - nfb) / np.where(yb == 0, 1.0, nfb))
                    infinite += int(np.sum(yb == 0))
                    blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=est, se=nan, statistic=nan,
                                         ci_low=nan, ci_high=nan, p_value=nan, continuity="none", **common))
                else:  # odds_ratio
                    observed, _ = _table(ya, yb, na, nb)
                    zero = np.any(observed == 0, axis=0)
                    cells = observed + np.where(zero, 0.5, 0.0)
                    smoothed += int(np.sum(zero))
                    a, b, c, d = cells
                    log_or = np.log(a) + np.log(d) - np.log(b) - np.log(c)
                    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
                    z = log_or / se
                    blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=np.exp(log_or), se=se,
                                         statistic=z, ci_low=np.exp(log_or - zq * se), ci_high=np.exp(log_or + zq * se),
                                         p_value=_two_sided_normal(z),
                                         continuity=np.where(zero, "haldane_0.5", "none").astype(object), **common))
    if small_expected:
        _warn(f"{small_expected} chi2/g2 rows have an expected count below 5; their chi-square approximation is "
              "unreliable (raise min_count), and token-level p-values are descriptive in any case")
    if smoothed:
        _warn(f"{smoothed} log_ratio/odds_ratio rows have a zero count (or cell) and were smoothed with 0.5 "
              "(see the 'continuity' column)")
    if infinite:
        _warn(f"{infinite} pct_diff rows have count_b = 0 and an infinite %DIFF")
    return _finish(blocks, correction)


@_renamed_keywords
def log_odds(
    matrix: TermMatrix | GroupCounts,
    groups: Any = None,
    *,
    comparison: str = DEFAULTS["keyness_comparison"],
    prior: str = DEFAULTS["keyness_prior"],
    alpha: float = DEFAULTS["keyness_alpha"],
    alpha0: float | None = None,
    background: Any = None,
    variance: str = DEFAULTS["keyness_variance"],
    min_count: int = 1,
    confidence: float = DEFAULTS["confidence"],
    correction: str = DEFAULTS["correction"],
) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008).

    Token-level and descriptive (``unit="token"``): the z-scores treat
    tokens as independent draws (see the module docstring).

    Parameters
    ----------
    matrix : framing.match.terms.TermMatrix or GroupCounts
        Documents × terms counts, or their sums per group (see
        :func:`keyness`; the same table from either).
    groups : array-like, optional
        One label per matrix row; None (the only allowed value) with a
        GroupCounts.
    comparison : {"pairwise", "one_vs_rest", "vs_pooled"}, default "one_vs_rest"
        ``vs_pooled`` compares each group with the whole corpus (which
        contains it); the two sides then overlap, so the variance formula
        (which assumes independent sides) overstates the variance and the
        z-scores are conservative.
    prior : {"uniform", "background", "pooled"}, default "uniform"
        The prior pseudo-counts ``α_w`` of every term (over all terms of
        the matrix, so ``α0 = Σ_w α_w``):

        * ``"uniform"``: ``α_w = alpha`` and ``α0 = alpha × n_terms``;
        * ``"background"``: ``α_w = alpha0 × background_w / Σ background``
          (every tested term needs a positive background count);
        * ``"pooled"``: ``α_w = alpha0 × pooled_w / Σ pooled``, the pooled
          counts of all documents of the matrix.
    alpha : float, default 0.01
        Per-term pseudo-count of the uniform prior (used only with
        ``prior="uniform"``).
    alpha0 : float, optional
        Total prior mass for ``"background"`` and ``"pooled"``
        (required there; must be None with ``"uniform"``).  Recorded in
        every row (for ``"uniform"`` the implied ``alpha × n_terms``).
    background : array-like of shape (n_terms,), optional
        Background counts aligned with ``matrix.terms``; required for
        ``prior="background"`` (and only there).  Every tested term needs
        a positive background count.
    variance : {"monroe", "full"}, default "monroe"
        ``"monroe"``: ``1/(y_a + α_w) + 1/(y_b + α_w)``; ``"full"`` adds
        ``1/(n_a + α0 - y_a - α_w) + 1/(n_b + α0 - y_b - α_w)``.
    min_count : int, default 1
        A term is tested when its count on the two sides together (the
        whole corpus for ``vs_pooled``) is at least this.
    confidence : float, default 0.95
        Level of the normal CI of delta.
    correction : {"bh", "by", "holm", "bonferroni", "none"}, default "bh"

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KEYNESS_COLUMNS` with ``method="log_odds"``:
        ``estimate`` delta, ``se``, ``statistic`` z, two-sided
        ``p_value``, ``variance``, ``prior`` and ``alpha0`` filled.

    Raises
    ------
    ValueError
        An unknown comparison, prior or variance; alpha/alpha0/background
        missing, misplaced or out of range; background of the wrong
        shape, negative or with zero entries; groups misaligned with the
        matrix; a group with fewer than 2 documents.

    Warns
    -----
    StatsWarning
        When at least half of the rows have a zero count on one side
        (their delta is driven by the prior).

    Notes
    -----
    ``delta = log((y_a + α_w) / (n_a + α0 - y_a - α_w)) - log((y_b + α_w)
    / (n_b + α0 - y_b - α_w))`` (Monroe et al. 2008, section 3.5); the
    rest of the vocabulary ("not w") carries the prior mass ``α0 - α_w``.
    ``z = delta / sqrt(var)``; ``p = 2 (1 - Φ(|z|))``, two-sided.
    Scattertext (Kessler 2017) reports a one-sided p-value for the same z.
    """
    check_choice("comparison", comparison, COMPARISONS)
    check_choice("prior", prior, PRIORS)
    check_choice("variance", variance, VARIANCES)
    _check_correction(correction)
    min_count = check_int("min_count", min_count, low=1)
    confidence = check_confidence(confidence)
    setup = _setup(matrix, groups, comparison, allow_pooled=True)
    n_terms = len(matrix.terms)
    if prior != "background" and background is not None:
        raise ValueError(f"background: background counts are used only with prior='background', got prior={prior!r}")
    if prior == "uniform":
        if alpha0 is not None:
            raise ValueError("alpha0: with prior='uniform' the prior is set by alpha (alpha0 = alpha × n_terms); "
                             "pass alpha, or use prior='pooled'/'background' with alpha0")
        alpha = check_number("alpha", alpha, low=0.0, low_open=True)
        prior_w = np.full(n_terms, alpha)
        a0 = alpha * n_terms
        params = _params(alpha=alpha, confidence=confidence, min_count=min_count)
    else:
        if alpha0 is None:
            raise ValueError(f"alpha0: prior={prior!r} needs alpha0, the total prior mass (e.g. alpha0=1000)")
        a0 = check_number("alpha0", alpha0, low=0.0, low_open=True)
        if prior == "background":
            if background is None:
                raise ValueError("background: prior='background' needs background counts aligned with matrix.terms")
            bg = np.asarray(background, dtype=float) if not sp.issparse(background) else background.toarray().ravel().astype(float)
            if bg.shape != (n_terms,):
                raise ValueError(f"background: expected counts of shape ({n_terms},), one per matrix term, got shape {bg.shape}")
            if not np.all(np.isfinite(bg)) or np.any(bg < 0):
                raise ValueError("background: counts must be finite and non-negative")
            if not bg.sum() > 0:
                raise ValueError("background: the background counts sum to 0; give counts of a background corpus")
            prior_w = a0 * bg / bg.sum()
        else:
            # a tested term occurs in the corpus, so its pooled prior is positive; terms that never
            # occur get α_w = 0 but are never tested (min_count >= 1)
            totals = np.asarray(matrix.counts.sum(axis=0), dtype=float).ravel()
            prior_w = a0 * totals / totals.sum()
        params = _params(confidence=confidence, min_count=min_count)
    pooled = _pooled(setup)
    zq = _zcrit(confidence)
    blocks: list[pd.DataFrame] = []
    zero_rows = n_rows = 0
    for side_a, side_b in setup.pairs:
        ya_all, na, da = _side_totals(pooled, side_a)
        yb_all, nb, db = _side_totals(pooled, side_b)
        cols = _tested(ya_all, yb_all, min_count, comparison == "vs_pooled")
        ya, yb, aw = ya_all[cols].astype(float), yb_all[cols].astype(float), prior_w[cols]
        if np.any(aw == 0):
            zero = cols[aw == 0]
            raise ValueError(f"background: {len(zero)} tested terms have a zero background count (first: "
                             f"{matrix.terms[int(zero[0])]!r}); every tested term needs a positive prior: add a "
                             "pseudo-count to the background counts")
        with np.errstate(divide="ignore", invalid="ignore"):
            rest_a = na + a0 - ya - aw
            rest_b = nb + a0 - yb - aw
            delta = np.log(ya + aw) - np.log(rest_a) - np.log(yb + aw) + np.log(rest_b)
            var = 1.0 / (ya + aw) + 1.0 / (yb + aw)
            if variance == "full":
                var = var + 1.0 / rest_a + 1.0 / rest_b
            se = np.sqrt(var)
            z = delta / se
        zero_rows += int(np.sum((ya == 0) | (yb == 0)))
        n_rows += len(cols)
        blocks.append(_block(setup, side_a, side_b, cols, count_a=ya_all[cols], count_b=yb_all[cols], total_a=na, total_b=nb,
                             docs_a=da, docs_b=db, rate_a=ya / na, rate_b=yb / nb, method="log_odds", unit="token",
                             estimate=delta, se=se, statistic=z, ci_low=delta - zq * se, ci_high=delta + zq * se,
                             p_value=_two_sided_normal(z), continuity="none", correction=correction, params=params,
                             variance=variance, prior=prior, alpha0=a0))
    if n_rows and zero_rows * 2 >= n_rows:
        _warn(f"{zero_rows} of {n_rows} log_odds rows have a zero count on one side; their delta is driven by the "
              "prior (see alpha/alpha0)")
    return _finish(blocks, correction)


# ---------------------------------------------------------------- document level

def document_rates(counts: Any, doc_tokens: np.ndarray) -> sp.csr_matrix:
    """Per-document rates ``count / tokens`` as a sparse matrix (rows
    without tokens are 0).

    Each rate is one correctly rounded division, so equal fractions give
    equal floats (2/200 == 1/100) and rank tests see them as ties; the
    product ``count × (1/tokens)`` rounds twice and can split such ties."""
    rates = sp.csr_matrix(counts, dtype=float, copy=True)
    rows = np.repeat(np.arange(rates.shape[0]), np.diff(rates.indptr))
    tokens = np.asarray(doc_tokens, dtype=float)[rows]
    rates.data = np.where(tokens > 0, rates.data / np.where(tokens > 0, tokens, 1.0), 0.0)
    rates.eliminate_zeros()
    return rates


def _welch(ra: sp.csr_matrix, rb: sp.csr_matrix, cols: np.ndarray, zq_level: float):
    def moments(r: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        m = r.shape[0]
        sub = r[:, cols].tocsr()
        mean = np.asarray(sub.sum(axis=0)).ravel() / m
        dev = sub.data - mean[sub.indices]
        nnz = np.bincount(sub.indices, minlength=len(cols))
        ss = np.bincount(sub.indices, weights=dev * dev, minlength=len(cols)) + (m - nnz) * mean * mean
        return mean, ss / (m - 1)

    ma, va = moments(ra)
    mb, vb = moments(rb)
    na, nb = ra.shape[0], rb.shape[0]
    qa, qb = va / na, vb / nb
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(qa + qb)
        diff = ma - mb
        ok = se > 0
        t = np.where(ok, diff / np.where(ok, se, 1.0), np.nan)
        df = np.where(ok, (qa + qb) ** 2 / (qa * qa / (na - 1) + qb * qb / (nb - 1)), np.nan)
        p = np.where(ok, 2.0 * stats.t.sf(np.abs(t), df), np.nan)
        tq = np.where(ok, stats.t.ppf(0.5 + zq_level / 2, df), np.nan)
    return ma, mb, diff, np.where(ok, se, np.nan), t, diff - tq * se, diff + tq * se, p


def _mannwhitney(pair: sp.csr_matrix, in_a: np.ndarray, cols: np.ndarray):
    """Vectorised Mann–Whitney U over columns of a sparse non-negative
    rate matrix (zeros form one tie group below every positive rate)."""
    csc = pair[:, cols].tocsc()
    csc.eliminate_zeros()
    csc.sort_indices()
    n_cols = len(cols)
    total = pair.shape[0]
    na = int(in_a.sum())
    nb = total - na
    counts = np.diff(csc.indptr)
    col_of = np.repeat(np.arange(n_cols), counts)
    order = np.lexsort((csc.data, col_of))
    col_s, val_s, a_s = col_of[order], csc.data[order], in_a[csc.indices[order]].astype(float)
    n = len(val_s)
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (col_s[1:] != col_s[:-1]) | (val_s[1:] != val_s[:-1])
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, n))
    group = np.cumsum(new) - 1
    pos = np.arange(n) - csc.indptr[:-1][col_s]  # 0-based position among the column's positive rates
    zeros = total - counts
    mid = pos[starts][group] + (lengths[group] - 1) / 2.0
    rank = zeros[col_s] + 1.0 + mid
    zeros_a = na - np.bincount(col_s, weights=a_s, minlength=n_cols)
    rank_sum_a = zeros_a * (zeros + 1) / 2.0 + np.bincount(col_s, weights=rank * a_s, minlength=n_cols)
    u_a = rank_sum_a - na * (na + 1) / 2.0
    ties = np.bincount(col_s[starts], weights=lengths.astype(float) ** 3 - lengths, minlength=n_cols)
    ties = ties + zeros.astype(float) ** 3 - zeros
    mu = na * nb / 2.0
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.sqrt(na * nb / 12.0 * ((total + 1) - ties / (total * (total - 1.0))))
        d = u_a - mu
        z = np.where(sigma > 0, np.sign(d) * np.maximum(np.abs(d) - 0.5, 0.0) / sigma, np.nan)
    p = np.minimum(1.0, 2.0 * stats.norm.sf(np.abs(z)))
    zero_share = zeros / total
    return u_a / (na * nb), z, p, zero_share


def _permutation(pair: sp.csr_matrix, in_a: np.ndarray, cols: np.ndarray, n_resamples: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    rates_t = pair[:, cols].T.tocsr()  # terms × documents
    total = pair.shape[0]
    na = int(in_a.sum())
    nb = total - na
    sums = np.asarray(rates_t.sum(axis=1)).ravel()

    def diff(indicator: np.ndarray) -> np.ndarray:  # indicator: documents × batch
        sa = np.asarray(rates_t @ indicator)
        return sa / na - (sums[:, None] - sa) / nb

    observed = diff(in_a.astype(float)[:, None])[:, 0]
    threshold = np.abs(observed) * (1.0 - _PERM_TOL)
    exceed = np.zeros(len(cols), dtype=np.int64)
    batch = max(1, min(n_resamples, _PERM_BLOCK // max(len(cols), 1)))
    done = 0
    while done < n_resamples:
        size = min(batch, n_resamples - done)
        picks = np.argsort(rng.random((size, total)), axis=1)[:, :na]
        indicator = np.zeros((total, size))
        indicator[picks.T, np.arange(size)[None, :]] = 1.0
        exceed += np.sum(np.abs(diff(indicator)) >= threshold[:, None], axis=1)
        done += size
    return observed, (1.0 + exceed) / (1.0 + n_resamples)


@_renamed_keywords
def document_keyness(
    matrix: TermMatrix,
    groups: Any,
    *,
    test: str | Sequence[str] = DEFAULTS["keyness_test"],
    comparison: str = DEFAULTS["keyness_comparison"],
    min_count: int = 1,
    n_resamples: int = DEFAULTS["keyness_n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
    confidence: float = DEFAULTS["confidence"],
    correction: str = DEFAULTS["correction"],
) -> pd.DataFrame:
    """Document-level keyness: per-document rates compared between groups.

    The recommended keyness for claims (``unit="document"``): documents,
    not tokens, are the independent units, so burstiness does not
    inflate the false-positive rate.

    Parameters
    ----------
    matrix : framing.match.terms.TermMatrix
        Its :meth:`~framing.match.terms.TermMatrix.tokens` are the rate
        denominators: ``rate = count / document tokens``.  Documents with
        no tokens have no rate and are left out (with a warning).
    groups : array-like
        One label per matrix row.
    test : str or sequence of str, default "welch"
        ``"welch"`` (Welch's t on the rates), ``"mannwhitney"`` (Mann–
        Whitney U, normal approximation with tie and continuity
        corrections) and/or ``"permutation"`` (difference in mean rates,
        labels shuffled over documents).
    comparison : {"pairwise", "one_vs_rest"}, default "one_vs_rest"
    min_count : int, default 1
        A term is tested when its count on the two sides together is at
        least this.  Every tested term counts in the FDR family: a
        stricter cut-off (chosen before looking at results) raises power.
    n_resamples : int, default 999
        Shuffles per comparison for ``"permutation"``; the smallest
        possible p is ``1 / (n_resamples + 1)``.
    random_state : int or None, default 0
        Root seed (``DEFAULTS["seed"]``: reproducible by default).  Each
        comparison's shuffles come from its own named stream,
        ``framing.seeds.rng(random_state, "document_keyness",
        "permutation", group_a, group_b)``, so adding a group never
        changes another comparison's p-values.  ``None`` draws fresh
        entropy (results then differ between runs).
    confidence : float, default 0.95
        Level of the Welch CI.
    correction : {"bh", "by", "holm", "bonferroni", "none"}, default "bh"
        Adjustment over all rows (terms × comparisons) of one test.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`KEYNESS_COLUMNS`, ``unit="document"``; formulas in
        the module docstring.

    Raises
    ------
    ValueError
        An unknown test, comparison or correction; bad n_resamples,
        random_state or confidence; groups misaligned with the matrix; a
        group with fewer than 2 documents that have tokens.

    Warns
    -----
    StatsWarning
        Documents without tokens were left out; a Welch test was
        undefined (both sides with zero variance); Mann–Whitney on terms
        absent from most documents (heavy ties at zero: the test then
        mostly compares how many documents use the term).
    """
    tests = _methods("test", test, DOCUMENT_TESTS)
    _check_correction(correction)
    min_count = check_int("min_count", min_count, low=1)
    confidence = check_confidence(confidence)
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    random_state = check_random_state(random_state)
    _check_matrix(matrix, grouped=False)
    doc_tokens = matrix.tokens()
    has_tokens = doc_tokens > 0
    setup = _setup(matrix, groups, comparison, allow_pooled=False, doc_mask=has_tokens)
    empty = int(np.sum(~has_tokens))
    if empty:
        _warn(f"{empty} documents have no tokens and no rate; they were left out of the document-level tests")
    counts = matrix.counts
    rates = document_rates(counts, doc_tokens)
    params_base: dict[str, Any] = {"confidence": confidence, "min_count": min_count}
    blocks: list[pd.DataFrame] = []
    undefined = heavy_ties = mw_rows = 0
    for side_a, side_b in setup.pairs:
        rows_a = np.flatnonzero(np.isin(setup.codes, side_a.members) & has_tokens)
        rows_b = np.flatnonzero(np.isin(setup.codes, side_b.members) & has_tokens)
        ya_all = np.asarray(counts[rows_a].sum(axis=0)).ravel().astype(np.int64)
        yb_all = np.asarray(counts[rows_b].sum(axis=0)).ravel().astype(np.int64)
        cols = _tested(ya_all, yb_all, min_count, False)
        ra, rb = rates[rows_a], rates[rows_b]
        pair = sp.vstack([ra, rb]).tocsr()
        in_a = np.zeros(len(rows_a) + len(rows_b), dtype=bool)
        in_a[: len(rows_a)] = True
        mean_a, mean_b, diff, se, t, lo, hi, p_welch = _welch(ra, rb, cols, confidence)
        common = dict(count_a=ya_all[cols], count_b=yb_all[cols], total_a=int(doc_tokens[rows_a].sum()),
                      total_b=int(doc_tokens[rows_b].sum()), docs_a=len(rows_a), docs_b=len(rows_b), rate_a=mean_a,
                      rate_b=mean_b, unit="document", correction=correction)
        nan = np.full(len(cols), np.nan)
        for name in tests:
            if name == "welch":
                undefined += int(np.sum(np.isnan(p_welch)))
                blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=diff, se=se, statistic=t,
                                     ci_low=lo, ci_high=hi, p_value=p_welch, continuity="none",
                                     params=_params(**params_base), **common))
            elif name == "mannwhitney":
                effect, z, p, zero_share = _mannwhitney(pair, in_a, cols)
                heavy_ties += int(np.sum(zero_share > 0.5))
                mw_rows += len(cols)
                blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=effect, se=nan, statistic=z,
                                     ci_low=nan, ci_high=nan, p_value=p, continuity="continuity",
                                     params=_params(**params_base), **common))
            else:
                stream = seeds.rng(random_state, "document_keyness", "permutation", str(side_a.label),
                                   str(side_b.label))
                observed, p = _permutation(pair, in_a, cols, n_resamples, stream)
                blocks.append(_block(setup, side_a, side_b, cols, method=name, estimate=observed, se=nan,
                                     statistic=observed, ci_low=nan, ci_high=nan, p_value=p, continuity="none",
                                     params=_params(**params_base, n_resamples=int(n_resamples),
                                                    random_state=random_state),
                                     **common))
    if undefined:
        _warn(f"{undefined} welch rows are undefined (both sides have zero variance in the term's rate); p is NaN")
    if mw_rows and heavy_ties * 2 >= mw_rows:
        _warn(f"{heavy_ties} of {mw_rows} mannwhitney rows have a zero rate in more than half of the documents "
              "(heavy ties): the test then mostly compares how many documents use the term")
    return _finish(blocks, correction)
