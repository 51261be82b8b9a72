r"""Group distinctiveness of term use: the Gentzkow, Shapiro & Taddy (2019) leave-out estimator.

Gentzkow, Shapiro & Taddy (GST) measure how partisan congressional
speech is by asking: if a neutral observer with a 50:50 prior hears one
phrase drawn from a speaker's speech, what posterior probability does
she assign to the speaker's true party, on average over the two
parties?  Here documents (articles) play the speakers, terms play the
phrases, two outlet groups (e.g. left / right media) play the parties,
and the whole corpus plays one session.

Notation (paper → here)
-----------------------
=====================================  =====================================
GST (2019)                             :mod:`framing.stats.distinct`
=====================================  =====================================
speaker :math:`i`                      document (row of ``counts``) :math:`i`
phrase :math:`j`                       term (column of ``counts``) :math:`j`
party :math:`R`, :math:`D`             ``group_a`` (plays R), ``group_b`` (plays D)
session :math:`t`                      the whole corpus (one "session")
:math:`c_{it}`, :math:`m_{it}`         :math:`c_i` (row counts), :math:`m_i = \sum_j c_{ij}`
:math:`\hat q_{it} = c_{it}/m_{it}`    :math:`\hat q_i` (document term shares)
:math:`\hat q^P_t`                     :math:`\hat q_g`, pooled shares of group :math:`g`
=====================================  =====================================

With :math:`A` the documents of ``group_a`` and :math:`B` those of
``group_b`` (documents with :math:`m_i = 0` excluded),

.. math::

    \hat q_{A} = \frac{\sum_{i \in A} c_i}{\sum_{i \in A} m_i}, \qquad
    \hat q_{B} = \frac{\sum_{i \in B} c_i}{\sum_{i \in B} m_i}, \qquad
    \hat\rho_j = \frac{\hat q_{Aj}}{\hat q_{Aj} + \hat q_{Bj}} .

**Plug-in** (GST's "maximum likelihood" / naive estimator; pooled,
token-weighted group shares):

.. math::

    \hat\pi^{\mathrm{MLE}} = \tfrac12\, \hat q_A \cdot \hat\rho
        + \tfrac12\, \hat q_B \cdot (1 - \hat\rho) .

**Leave-out** (GST's leave-out estimator; each *document* weighs
equally within its group, as each speaker does in the paper):

.. math::

    \hat\pi^{\mathrm{LO}} = \tfrac12 \frac{1}{|A|} \sum_{i \in A} \hat q_i \cdot \hat\rho_{-i}
        + \tfrac12 \frac{1}{|B|} \sum_{i \in B} \hat q_i \cdot (1 - \hat\rho_{-i}),

where :math:`\hat\rho_{-i}` is :math:`\hat\rho` computed with document
:math:`i` removed from its own group's pooled shares (the other group's
shares are unchanged): for :math:`i \in A`,
:math:`\hat\rho_{-i,j} = \hat q_{A,-i,j} / (\hat q_{A,-i,j} + \hat q_{Bj})`
with :math:`\hat q_{A,-i} = (\sum_{k \in A} c_k - c_i) / (\sum_{k \in A} m_k - m_i)`,
and symmetrically for :math:`i \in B`.  Because document :math:`i`'s own
words never enter :math:`\hat\rho_{-i}`, the product
:math:`\hat q_i \cdot \hat\rho_{-i}` has expectation
:math:`q_A \cdot E[\hat\rho_{-i}]`, which removes the small-sample
upward bias of the plug-in (whose :math:`\hat\rho` over-fits the very
counts it is multiplied with).  Under no group difference the true
:math:`\pi` is exactly 0.5; the leave-out estimate sits near 0.5 while
the plug-in is biased upward, strongly so for sparse vocabularies.

The estimand is GST's :math:`\pi = \tfrac12 q_A \cdot \rho + \tfrac12 q_B
\cdot (1 - \rho)` with :math:`\rho_j = q_{Aj} / (q_{Aj} + q_{Bj})`.  In
GST's model every speaker of a party draws phrases from the same
:math:`q^P` (given covariates; here there are none), so the pooled
shares and the per-document average target the same :math:`q_g`.  When
documents of a group differ (outlet house styles, topics, lengths), the
two estimators weight them differently: the plug-in pools tokens (long
documents count more), the leave-out averages documents with equal
weight.  This module implements exactly the two formulas above; it does
not fit GST's penalised multinomial model.

Both estimators are symmetric in the two groups (swapping ``group_a``
and ``group_b`` maps :math:`\hat\rho \to 1 - \hat\rho` and leaves
:math:`\hat\pi` unchanged); ``group_a`` only fixes the direction of
:math:`\hat\rho_j` in :func:`term_contributions`.

Conventions of this module (not in the paper)
---------------------------------------------
* **Undefined** :math:`\hat\rho`: when a term has zero pooled share in
  both groups (for :math:`\hat\rho_{-i}`: the term occurs only in
  document :math:`i` among its group, and never in the other group),
  :math:`\hat\rho` is set to :math:`\tfrac12`, the value of a term that
  carries no information about the group.  GST filter rare phrases
  before estimation, so the case seldom arises there; filter your
  vocabulary too if hapaxes dominate.
* **Empty documents** (:math:`m_i = 0`) have no term shares; they are
  excluded and counted in ``n_excluded``.
* **Inference** is by resampling documents, or clusters (e.g. outlets)
  when ``clusters`` is given: a permutation null (labels shuffled) and
  a percentile bootstrap.  In a bootstrap replicate a document drawn
  several times is left out *with all its copies* from its own
  :math:`\hat\rho_{-i}` (a weighted leave-out), so the duplicated copies
  cannot reintroduce the bias that the leave-out removes.  GST report
  intervals from a different procedure; these are this module's choice.

References
----------
Gentzkow, M., Shapiro, J. M., & Taddy, M. (2019). Measuring group
differences in high-dimensional choices: method and application to
congressional speech. *Econometrica*, 87(4), 1307–1340.
https://doi.org/10.3982/ECTA16566

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall (percentile intervals, ch. 13).

Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never
be zero. *Statistical Applications in Genetics and Molecular Biology*,
9(1), Article 39 (the :math:`(1 + b) / (1 + n)` p-value).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import seeds
from ..check import check_confidence, check_int, check_random_state
from ..vocab import DEFAULTS
from ._warnings import StatsWarning

__all__ = ["DISTINCT_COLUMNS", "ESTIMATORS", "TERM_CONTRIBUTION_COLUMNS", "distinctiveness", "term_contributions"]

#: Columns of :func:`distinctiveness`, in order.
DISTINCT_COLUMNS: tuple[str, ...] = (
    "group_a", "group_b", "estimator", "estimate", "ci_low", "ci_high", "null_mean", "null_low", "null_high",
    "p_value", "n_docs_a", "n_docs_b", "n_units_a", "n_units_b", "n_terms", "n_excluded", "unit", "n_resamples",
    "confidence",
)
#: Columns of :func:`term_contributions`, in order.
TERM_CONTRIBUTION_COLUMNS: tuple[str, ...] = (
    "term_index", "term", "group_a", "group_b", "count_a", "count_b", "share_a", "share_b", "rho", "contribution",
    "excess",
)
#: Row order of :func:`distinctiveness`.
ESTIMATORS: tuple[str, ...] = ("leave_out", "plug_in")

#: A cluster design with fewer clusters than this in a group triggers a StatsWarning.
MIN_CLUSTERS_WARN = 5


# --------------------------------------------------------------------------- input handling


@dataclass(frozen=True, eq=False)
class _Design:
    """Validated inputs, empty documents removed, as COO arrays."""

    rows: np.ndarray  # nonzero entries: document index
    cols: np.ndarray  # nonzero entries: term index
    data: np.ndarray  # nonzero entries: count (float64, integral)
    lengths: np.ndarray  # m_i, float64, all > 0
    is_a: np.ndarray  # bool, per kept document
    n_terms_total: int  # columns of the input
    group_a: Any
    group_b: Any
    clusters: np.ndarray | None  # int codes per kept document
    cluster_is_a: np.ndarray | None  # bool per cluster code
    n_excluded: int

    @property
    def n_docs(self) -> int:
        return int(self.lengths.size)


def _counts_coo(counts: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    if sp.issparse(counts):
        matrix = sp.coo_matrix(counts)
        matrix.sum_duplicates()
        rows, cols, data = matrix.row.astype(np.int64), matrix.col.astype(np.int64), np.asarray(matrix.data)
        shape = matrix.shape
    elif isinstance(counts, np.ndarray):
        if counts.ndim != 2:
            raise ValueError(
                f"counts: expected a 2-D documents × terms matrix, got an array with {counts.ndim} dimension(s)"
            )
        rows, cols = np.nonzero(counts)
        data = counts[rows, cols]
        rows, cols = rows.astype(np.int64), cols.astype(np.int64)
        shape = counts.shape
    else:
        raise TypeError(
            f"counts: expected a scipy.sparse matrix or a 2-D numpy.ndarray of non-negative integer counts, "
            f"got {type(counts).__name__}"
        )
    if data.dtype.kind not in "iuf":
        raise TypeError(f"counts: expected integer counts, got dtype {data.dtype}")
    data = data.astype(np.float64)
    if not np.all(np.isfinite(data)):
        raise ValueError("counts: contains NaN or infinite values; expected non-negative integer counts")
    if np.any(data < 0):
        raise ValueError(
            f"counts: contains a negative value ({data[data < 0].min():g}); expected non-negative integer counts"
        )
    if np.any(data != np.floor(data)):
        bad = data[data != np.floor(data)][0]
        raise ValueError(f"counts: contains a non-integer value ({bad:g}); expected non-negative integer counts")
    if np.any(data >= 2.0**53):
        raise ValueError("counts: a count is too large to be summed exactly in float64 (>= 2**53)")
    keep = data > 0
    return rows[keep], cols[keep], data[keep], (int(shape[0]), int(shape[1]))


def _labels(values: Any, name: str, n: int) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(
            f"{name}: expected an array of labels, one per document (row of counts), got {type(values).__name__}"
        )
    if isinstance(values, pd.Series):
        arr = values.to_numpy(dtype=object)
    else:
        arr = np.asarray(values, dtype=object).ravel()
    if arr.size != n:
        raise ValueError(f"{name}: has {arr.size} labels but counts has {n} documents (rows); they must align")
    missing = pd.isna(arr)
    if np.any(missing):
        first = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name}: label of document {first} is missing; every document needs one")
    return arr


def _sorted_unique(arr: np.ndarray, name: str) -> list[Any]:
    try:
        return sorted(pd.unique(arr).tolist())
    except TypeError as exc:
        raise TypeError(f"{name}: labels must be mutually comparable (e.g. all strings) to be sorted; {exc}") from exc


def _design(counts: Any, groups: Any, group_a: Any, clusters: Any) -> _Design:
    rows, cols, data, (n_docs, n_terms) = _counts_coo(counts)
    if n_terms == 0:
        raise ValueError("counts: has no terms (columns)")
    labels = _labels(groups, "groups", n_docs)
    distinct = _sorted_unique(labels, "groups")
    if len(distinct) != 2:
        raise ValueError(
            f"groups: expected exactly 2 distinct labels, got {len(distinct)}: {distinct[:10]}; "
            "select two groups (e.g. left and right outlets) first"
        )
    if group_a is None:
        a, b = distinct
    elif group_a in distinct:
        a = group_a
        b = distinct[1] if distinct[0] == group_a else distinct[0]
    else:
        raise ValueError(f"group_a: {group_a!r} is not one of the group labels {distinct}")
    lengths_all = np.bincount(rows, weights=data, minlength=n_docs)
    nonempty = lengths_all > 0
    n_excluded = int((~nonempty).sum())
    new_index = np.cumsum(nonempty) - 1
    rows = new_index[rows]
    lengths = lengths_all[nonempty]
    is_a = (labels == a)[nonempty]
    is_a = np.asarray(is_a, dtype=bool)
    for name, mask in ((a, is_a), (b, ~is_a)):
        if int(mask.sum()) < 2:
            raise ValueError(
                f"groups: group {name!r} has {int(mask.sum())} document(s) with at least one counted term; the "
                "leave-out estimator needs at least 2 per group (empty documents are excluded)"
            )
    cluster_codes = cluster_is_a = None
    if clusters is not None:
        cl = _labels(clusters, "clusters", n_docs)[nonempty]
        names = _sorted_unique(cl, "clusters")
        index = {v: k for k, v in enumerate(names)}
        cluster_codes = np.fromiter((index[v] for v in cl.tolist()), dtype=np.int64, count=cl.size)
        in_a = np.bincount(cluster_codes, weights=is_a.astype(float), minlength=len(names))
        size = np.bincount(cluster_codes, minlength=len(names))
        mixed = (in_a > 0) & (in_a < size)
        if np.any(mixed):
            raise ValueError(
                f"clusters: cluster {names[int(np.flatnonzero(mixed)[0])]!r} has documents in both groups; clusters "
                "must nest in groups (e.g. outlets within outlet groups)"
            )
        cluster_is_a = in_a == size
        for name, count in ((a, int(cluster_is_a.sum())), (b, int((~cluster_is_a).sum()))):
            if count < 2:
                raise ValueError(
                    f"clusters: group {name!r} has {count} cluster(s) with non-empty documents; resampling clusters "
                    "needs at least 2 per group (pass clusters=None to resample documents)"
                )
    return _Design(
        rows=rows, cols=cols, data=data, lengths=lengths, is_a=is_a, n_terms_total=n_terms, group_a=a, group_b=b,
        clusters=cluster_codes, cluster_is_a=cluster_is_a, n_excluded=n_excluded,
    )


# --------------------------------------------------------------------------- core computation


def _ratio(num: np.ndarray, other: np.ndarray) -> np.ndarray:
    """``num / (num + other)`` with 0/0 → 1/2 (a term with no information)."""
    total = num + other
    out = np.full(total.shape, 0.5)
    np.divide(num, total, out=out, where=total > 0)
    return out


def _shares(d: _Design, weights: np.ndarray, is_a: np.ndarray):
    """Weighted pooled counts and totals of both groups."""
    wa = np.where(is_a, weights, 0.0)
    wb = np.where(is_a, 0.0, weights)
    n_terms = d.n_terms_total
    count_a = np.bincount(d.cols, weights=d.data * wa[d.rows], minlength=n_terms)
    count_b = np.bincount(d.cols, weights=d.data * wb[d.rows], minlength=n_terms)
    return count_a, count_b, float(wa @ d.lengths), float(wb @ d.lengths), wa, wb


def _per_entry(d: _Design, weights: np.ndarray, is_a: np.ndarray):
    """Per nonzero entry (i, j): q_ij times rho_{-i,j} (i in A) or 1 - rho_{-i,j} (i in B).

    Returns ``(values, wa, wb)``; ``values`` is NaN everywhere when some
    document carries all of its group's weighted tokens (leave-out
    undefined).
    """
    count_a, count_b, mass_a, mass_b, wa, wb = _shares(d, weights, is_a)
    rows, cols, data = d.rows, d.cols, d.data
    w = weights[rows]
    own_a = is_a[rows]
    own_count = np.where(own_a, count_a[cols], count_b[cols]) - w * data
    own_mass = np.where(is_a, mass_a, mass_b) - weights * d.lengths  # per document
    used = weights > 0
    if np.any(own_mass[used] <= 0):
        return None, wa, wb
    own_mass_entry = own_mass[rows]
    own_share = np.divide(own_count, own_mass_entry, out=np.zeros_like(own_count), where=own_mass_entry > 0)
    other_share = np.where(own_a, count_b[cols] / mass_b, count_a[cols] / mass_a)
    # rho_{-i} for i in A; 1 - rho_{-i} for i in B: both are own / (own + other)
    values = data / d.lengths[rows] * _ratio(own_share, other_share)
    return values, wa, wb


def _estimates(d: _Design, weights: np.ndarray, is_a: np.ndarray) -> tuple[float, float]:
    """(leave-out, plug-in) for document weights (multiplicities) and labels."""
    count_a, count_b, mass_a, mass_b, _, _ = _shares(d, weights, is_a)
    share_a, share_b = count_a / mass_a, count_b / mass_b
    rho = _ratio(share_a, share_b)
    plug_in = 0.5 * float(share_a @ rho) + 0.5 * float(share_b @ (1.0 - rho))
    values, wa, wb = _per_entry(d, weights, is_a)
    if values is None:
        return math.nan, plug_in
    per_doc = np.bincount(d.rows, weights=values, minlength=d.n_docs)
    leave_out = 0.5 * float(wa @ per_doc) / float(wa.sum()) + 0.5 * float(wb @ per_doc) / float(wb.sum())
    return leave_out, plug_in


def _permuted_labels(d: _Design, rng: np.random.Generator) -> np.ndarray:
    if d.clusters is None:
        return rng.permutation(d.is_a)
    return rng.permutation(d.cluster_is_a)[d.clusters]


def _bootstrap_weights(d: _Design, rng: np.random.Generator) -> np.ndarray:
    if d.clusters is None:
        weights = np.zeros(d.n_docs)
        for mask in (d.is_a, ~d.is_a):
            idx = np.flatnonzero(mask)
            weights += np.bincount(rng.choice(idx, size=idx.size, replace=True), minlength=d.n_docs)
        return weights
    n_clusters = d.cluster_is_a.size
    cluster_weights = np.zeros(n_clusters)
    for mask in (d.cluster_is_a, ~d.cluster_is_a):
        idx = np.flatnonzero(mask)
        cluster_weights += np.bincount(rng.choice(idx, size=idx.size, replace=True), minlength=n_clusters)
    return cluster_weights[d.clusters]


# --------------------------------------------------------------------------- public API


def distinctiveness(
    counts: Any,
    groups: Any,
    *,
    group_a: Any = None,
    clusters: Any = None,
    n_resamples: int = 999,
    confidence: float = DEFAULTS["confidence"],
    random_state: int | None = DEFAULTS["seed"],
) -> pd.DataFrame:
    r"""Leave-out and plug-in distinctiveness of two groups' term use (GST 2019).

    Parameters
    ----------
    counts : scipy.sparse matrix or numpy.ndarray, shape (n_docs, n_terms)
        Non-negative integer term counts, one row per document (article).
        Documents whose row sums to 0 are excluded (``n_excluded``).
    groups : array-like, shape (n_docs,)
        Group label of each document (e.g. the outlet's political
        leaning), exactly two distinct values, none missing.
    group_a : label, optional
        Which label plays GST's party :math:`R` (the first group).
        Default: the first of the two labels in sorted order.  The
        estimates do not depend on it (see the module notes).
    clusters : array-like, shape (n_docs,), optional
        Cluster of each document (e.g. its outlet), nested in ``groups``.
        When given, the permutation null moves whole clusters between
        groups (the number of clusters per group is kept) and the
        bootstrap resamples clusters within group, so the claim is about
        outlet groups rather than about these documents; ``unit`` is
        ``"cluster"``.  At least 2 clusters per group are required and a
        :class:`~framing.stats._warnings.StatsWarning` is issued below 5.
    n_resamples : int, default 999
        Number of permutations and, separately, of bootstrap replicates.
        0 skips both (resampling columns are NaN).
    confidence : float, default 0.95
        Level of the bootstrap percentile interval and of the central
        interval of the permutation null (0.95: the 2.5% and 97.5%
        quantiles).
    random_state : int or None, default 0
        Root seed (``DEFAULTS["seed"]`` of :mod:`framing.vocab`:
        reproducible by default; None draws fresh entropy).  The
        permutations and the bootstrap replicates come from two named
        streams, ``framing.seeds.rng(random_state, "distinctiveness",
        "permutation")`` and ``(..., "distinctiveness", "bootstrap")``.
        Same seed → identical output.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DISTINCT_COLUMNS`, two rows in the order
        ``estimator = "leave_out", "plug_in"``:

        ``group_a``, ``group_b``
            The two labels as strings (``group_a`` plays :math:`R`).
        ``estimate``
            :math:`\hat\pi^{\mathrm{LO}}` or :math:`\hat\pi^{\mathrm{MLE}}`
            (formulas in the module docstring); 0.5 means no
            distinctiveness, 1 means the groups use disjoint terms.
        ``ci_low``, ``ci_high``
            Percentile bootstrap interval (documents resampled within
            group, or clusters when ``clusters`` is given) of the
            leave-out estimate.  NaN for the plug-in, whose bias is of the
            order of its sampling error, so an interval around it would
            mislead; NaN when ``n_resamples == 0``.
        ``null_mean``, ``null_low``, ``null_high``
            Mean and central ``confidence`` interval of the estimator
            over label permutations (the distribution of the estimator
            when group membership carries no information).  Near 0.5 for
            the leave-out; above it for the plug-in.
        ``p_value``
            One-sided permutation p-value
            :math:`(1 + \#\{b: \hat\pi_b \ge \hat\pi\}) / (1 + B)`, the
            alternative being "more distinctive than chance"
            (distinctiveness has no meaningful lower direction).  Valid
            for either estimator, since each is compared with its own
            null.
        ``n_docs_a``, ``n_docs_b``
            Non-empty documents per group.
        ``n_units_a``, ``n_units_b``
            Resampling units per group: documents, or clusters.
        ``n_terms``
            Terms with a positive count in the non-empty documents.
        ``n_excluded``
            Documents excluded because their row sums to 0.
        ``unit``
            ``"document"`` or ``"cluster"``.
        ``n_resamples``, ``confidence``
            As passed.

    Raises
    ------
    TypeError
        ``counts`` not a matrix, non-numeric counts, labels not an
        array or not sortable, bad option types.
    ValueError
        Negative or non-integer counts, misaligned labels, not exactly two
        groups, a group with fewer than 2 non-empty documents (or
        clusters), a cluster spanning both groups, an unknown
        ``group_a``, out-of-range options.

    Warns
    -----
    StatsWarning
        Fewer than 5 clusters in a group (a cluster bootstrap and
        permutation with so few units are coarse and unreliable); some
        bootstrap replicates drew a single distinct document/cluster in a
        group, where the leave-out is undefined (they are dropped and
        counted in the message).

    Notes
    -----
    Cost is :math:`O(\mathrm{nnz})` per estimate (no loop over documents
    or terms in Python); the whole call is
    :math:`O((1 + 2 B)\,\mathrm{nnz})`.

    Bootstrap replicates weight document :math:`i` by its multiplicity
    :math:`w_i`: pooled counts become :math:`\sum_k w_k c_k`, the
    leave-out removes :math:`w_i c_i` (all copies), and group averages
    are :math:`\sum_i w_i\, \hat q_i \cdot \hat\rho_{-i} / \sum_i w_i`.
    With all :math:`w_i = 1` this is the estimator above.

    Calibration (simulations with :func:`framing.stats.simulate.simulate_term_counts`,
    2 × 30 bursty documents, 300 terms, 150 runs each, 199 resamples):
    the permutation test rejects at the nominal rate under the null
    (0.050 at alpha 0.05 over 200 runs).  The percentile bootstrap
    interval is *conservative near* :math:`\pi = 0.5` (coverage 0.987 of
    the true :math:`\pi` at nominal 0.95 for :math:`\pi = 0.50` and
    :math:`0.52`), because there the leave-out estimator is a degenerate
    U-statistic-like functional for which the bootstrap overstates the
    variance; it is close to nominal for clearly distinct groups
    (0.953 at :math:`\pi = 0.58`).  Use ``p_value``, not the interval, to
    test for distinctiveness.  The leave-out estimate itself has a small
    downward bias that grows with :math:`\pi` (-0.002 at 0.50, -0.008 at
    0.58 in that design, about a third of its standard error).

    References
    ----------
    Gentzkow, M., Shapiro, J. M., & Taddy, M. (2019). Measuring group
    differences in high-dimensional choices: method and application to
    congressional speech. *Econometrica*, 87(4), 1307–1340.

    Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never
    be zero. *Statistical Applications in Genetics and Molecular
    Biology*, 9(1), 39.

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[2, 0], [1, 1], [0, 2], [1, 1]])
    >>> out = distinctiveness(counts, ["R", "R", "D", "D"], group_a="R", n_resamples=0)
    >>> out[["estimator", "estimate"]].round(4).values.tolist()
    [['leave_out', 0.5333], ['plug_in', 0.625]]
    """
    n_resamples = check_int("n_resamples", n_resamples, low=0)
    confidence = check_confidence(confidence)
    random_state = check_random_state(random_state)
    d = _design(counts, groups, group_a, clusters)
    if d.clusters is not None:
        units_a, units_b = int(d.cluster_is_a.sum()), int((~d.cluster_is_a).sum())
        if min(units_a, units_b) < MIN_CLUSTERS_WARN:
            warnings.warn(
                f"clusters: only {units_a} and {units_b} clusters in groups {str(d.group_a)!r} and "
                f"{str(d.group_b)!r}; with fewer than {MIN_CLUSTERS_WARN} clusters per group the cluster bootstrap "
                "interval is unreliable and the permutation null has few distinct relabelings",
                StatsWarning,
                stacklevel=2,
            )
    else:
        units_a, units_b = int(d.is_a.sum()), int((~d.is_a).sum())
    ones = np.ones(d.n_docs)
    observed = _estimates(d, ones, d.is_a)

    nan = math.nan
    ci = (nan, nan)
    null = [(nan, nan, nan, nan), (nan, nan, nan, nan)]
    if n_resamples > 0:
        tail = (1.0 - confidence) / 2.0
        shuffles = seeds.rng(random_state, "distinctiveness", "permutation")
        perm = np.array([_estimates(d, ones, _permuted_labels(d, shuffles)) for _ in range(n_resamples)])
        for k in range(2):
            values = perm[:, k]
            p_value = (1.0 + float(np.sum(values >= observed[k]))) / (1.0 + n_resamples)
            low, high = np.quantile(values, [tail, 1.0 - tail])
            null[k] = (float(values.mean()), float(low), float(high), p_value)
        draws = seeds.rng(random_state, "distinctiveness", "bootstrap")
        boot = np.array([_estimates(d, _bootstrap_weights(d, draws), d.is_a)[0] for _ in range(n_resamples)])
        valid = boot[np.isfinite(boot)]
        dropped = n_resamples - valid.size
        if dropped:
            warnings.warn(
                f"{dropped} of {n_resamples} bootstrap replicates drew a single distinct document in a group"
                f"{' (resampling clusters)' if d.clusters is not None else ''}, where the leave-out estimate is "
                "undefined; the interval uses the other replicates (groups are too small for a reliable bootstrap)",
                StatsWarning,
                stacklevel=2,
            )
        if valid.size:
            low, high = np.quantile(valid, [tail, 1.0 - tail])
            ci = (float(low), float(high))

    n_terms_used = int(np.unique(d.cols).size)
    common = {
        "group_a": str(d.group_a),
        "group_b": str(d.group_b),
        "n_docs_a": int(d.is_a.sum()),
        "n_docs_b": int((~d.is_a).sum()),
        "n_units_a": units_a,
        "n_units_b": units_b,
        "n_terms": n_terms_used,
        "n_excluded": d.n_excluded,
        "unit": "cluster" if d.clusters is not None else "document",
        "n_resamples": int(n_resamples),
        "confidence": float(confidence),
    }
    records = []
    for k, estimator in enumerate(ESTIMATORS):
        null_mean, null_low, null_high, p_value = null[k]
        records.append(
            {
                **common,
                "estimator": estimator,
                "estimate": observed[k],
                "ci_low": ci[0] if estimator == "leave_out" else nan,
                "ci_high": ci[1] if estimator == "leave_out" else nan,
                "null_mean": null_mean,
                "null_low": null_low,
                "null_high": null_high,
                "p_value": p_value,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=list(DISTINCT_COLUMNS))
    return frame.astype(
        {
            "estimate": "float64", "ci_low": "float64", "ci_high": "float64", "null_mean": "float64",
            "null_low": "float64", "null_high": "float64", "p_value": "float64", "n_docs_a": "int64",
            "n_docs_b": "int64", "n_units_a": "int64", "n_units_b": "int64", "n_terms": "int64",
            "n_excluded": "int64", "n_resamples": "int64", "confidence": "float64",
        }
    )


def term_contributions(
    counts: Any,
    groups: Any,
    *,
    group_a: Any = None,
    terms: Sequence[str] | None = None,
) -> pd.DataFrame:
    r"""Which terms drive the leave-out distinctiveness: an exact additive decomposition.

    The leave-out estimate is a sum over terms,
    :math:`\hat\pi^{\mathrm{LO}} = \sum_j \kappa_j` with

    .. math::

        \kappa_j = \tfrac12 \frac{1}{|A|} \sum_{i \in A} \hat q_{ij}\, \hat\rho_{-i,j}
            + \tfrac12 \frac{1}{|B|} \sum_{i \in B} \hat q_{ij}\, (1 - \hat\rho_{-i,j}),

    and, since a term that carries no information has
    :math:`\hat\rho = \tfrac12`, its excess over that baseline

    .. math::

        \varepsilon_j = \kappa_j - \tfrac14 \Big( \frac{1}{|A|} \sum_{i \in A} \hat q_{ij}
            + \frac{1}{|B|} \sum_{i \in B} \hat q_{ij} \Big)

    sums to :math:`\hat\pi^{\mathrm{LO}} - \tfrac12`.  A term with large
    positive excess is used mostly by one group *and* consistently so
    across that group's documents; negative excess means the
    left-out-document evidence points the wrong way (noise).  This
    decomposition follows directly from GST's leave-out formula; the
    per-term reading is this module's (the paper ranks phrases with its
    penalised model instead).

    Parameters
    ----------
    counts, groups, group_a
        As in :func:`distinctiveness`.
    terms : sequence of str, optional
        Term labels, one per column of ``counts``.  Default: the column
        index as a string.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TERM_CONTRIBUTION_COLUMNS`, one row per term with a
        positive count in the non-empty documents, sorted by ``excess``
        descending, ties by ``term_index`` ascending:

        ``term_index`` (column of ``counts``), ``term``, ``group_a``,
        ``group_b``; ``count_a``, ``count_b`` (pooled counts);
        ``share_a``, ``share_b`` (pooled shares :math:`\hat q_{Aj}`,
        :math:`\hat q_{Bj}`); ``rho`` (full-sample
        :math:`\hat\rho_j = \hat q_{Aj} / (\hat q_{Aj} + \hat q_{Bj})`,
        > 0.5 favours ``group_a``); ``contribution``
        (:math:`\kappa_j`, sums to the leave-out estimate); ``excess``
        (:math:`\varepsilon_j`, sums to the estimate minus 0.5).

    Raises
    ------
    TypeError, ValueError
        As :func:`distinctiveness`; also ``terms`` of the wrong length.

    References
    ----------
    Gentzkow, M., Shapiro, J. M., & Taddy, M. (2019). Measuring group
    differences in high-dimensional choices: method and application to
    congressional speech. *Econometrica*, 87(4), 1307–1340.
    """
    d = _design(counts, groups, group_a, None)
    if terms is None:
        labels = [str(j) for j in range(d.n_terms_total)]
    else:
        if isinstance(terms, (str, bytes)) or not hasattr(terms, "__len__"):
            raise TypeError(f"terms: expected a sequence of term labels, got {type(terms).__name__}")
        labels = [str(t) for t in terms]
        if len(labels) != d.n_terms_total:
            raise ValueError(f"terms: has {len(labels)} labels but counts has {d.n_terms_total} terms (columns)")
    ones = np.ones(d.n_docs)
    count_a, count_b, mass_a, mass_b, _, _ = _shares(d, ones, d.is_a)
    values, _, _ = _per_entry(d, ones, d.is_a)
    n_a, n_b = float(d.is_a.sum()), float((~d.is_a).sum())
    doc_weight = np.where(d.is_a, 0.5 / n_a, 0.5 / n_b)[d.rows]
    contribution = np.bincount(d.cols, weights=values * doc_weight, minlength=d.n_terms_total)
    baseline = np.bincount(d.cols, weights=d.data / d.lengths[d.rows] * doc_weight * 0.5, minlength=d.n_terms_total)
    share_a, share_b = count_a / mass_a, count_b / mass_b
    used = np.flatnonzero(count_a + count_b > 0)
    excess = contribution - baseline
    order = used[np.lexsort((used, -excess[used]))]
    frame = pd.DataFrame(
        {
            "term_index": order.astype(np.int64),
            "term": [labels[j] for j in order.tolist()],
            "group_a": str(d.group_a),
            "group_b": str(d.group_b),
            "count_a": count_a[order].astype(np.int64),
            "count_b": count_b[order].astype(np.int64),
            "share_a": share_a[order],
            "share_b": share_b[order],
            "rho": _ratio(share_a, share_b)[order],
            "contribution": contribution[order],
            "excess": excess[order],
        },
        columns=list(TERM_CONTRIBUTION_COLUMNS),
    )
    return frame.reset_index(drop=True)
