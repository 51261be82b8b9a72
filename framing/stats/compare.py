"""Comparing cue rates between sources: tests with effect sizes first.

Documents are the unit of inference: a cue's per-document rate is one
observation per document, because tokens from one article are not
independent draws (words are bursty; a token-level chi-square on
AllSides rejects a true null most of the time, see
``benchmarks/bench_calibration.py``).  When the claim is about classes
of outlets (left vs right media), pass ``cluster="outlet"``: each
outlet's mean rate is then one observation, and permutations move whole
outlets.

Tests (``methods``)
-------------------
``"permutation"``
    Difference in mean rates, group labels shuffled over units (over
    documents; over clusters with ``cluster=``; within strata with
    ``strata=``, using the stratum-weighted difference of
    :mod:`framing.stats.effects`).  When the number of distinct
    relabelings is at most ``n_resamples`` (few clusters), all of them are
    enumerated and the p-value is exact; otherwise
    :math:`p = (1 + \\#\\{|T^*| \\ge |T|\\}) / (1 + B)` (Phipson & Smyth
    2010), which is never 0.  For a pair of more than 2,000 units
    (``SUBSET_DRAWS_ABOVE``, no strata) a relabeling is drawn as how many
    of each group's units change label (hypergeometric, the pair's stream)
    and which ones (a random order of each group's units per replicate,
    the group's stream ``rng(random_state, "permutation_group", group)``,
    shared by the group's pairs): the same permutation distribution, at
    the cost of one ordering of every group per replicate
    (:func:`permutation_tests`).
``"welch"``
    Welch's t test on the units' rates (:func:`scipy.stats.ttest_ind`
    with ``equal_var=False``).
``"mannwhitney"``
    Mann–Whitney U (:func:`scipy.stats.mannwhitneyu`, ``method="auto"``
    decided per category: exact for small samples without ties, else the
    normal approximation with tie correction).  ``statistic`` is
    :math:`U_a`.
``"bootstrap"``
    Bootstrap test of equal means (Efron & Tibshirani 1993, Algorithm
    16.2): both groups are shifted to the pooled mean, resampled within
    group, and the Welch t of each replicate is compared with the
    observed one.

With ``strata=`` only ``"permutation"`` applies.  Every row also
carries one effect size (``effect=``) with its confidence interval
(``ci_method``; :mod:`framing.stats.effects`).

Multiple comparisons
--------------------
For each method, the family is every category × pair in the result;
``p_adj`` applies ``correction`` (:mod:`framing.stats.multitest`,
Benjamini–Hochberg by default) across it.

References
----------
Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery
rate. *JRSS B*, 57(1), 289–300.

Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
Bootstrap*. Chapman & Hall.

Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion
variance analysis. *JASA*, 47(260), 583–621.

Phipson, B., & Smyth, G. K. (2010). Permutation p-values should never
be zero. *Statistical Applications in Genetics and Molecular Biology*,
9(1), Article 39.

Welch, B. L. (1947). The generalization of "Student's" problem when
several different population variances are involved. *Biometrika*,
34(1–2), 28–35.
"""

from __future__ import annotations

import itertools
import math
import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.stats

from ..check import check_choice, check_choices
from .. import seeds
from ..vocab import (
    ALTERNATIVES,
    CORRECTIONS,
    DEFAULTS,
    EFFECTS,
    METHODS,
    OMNIBUS_METHODS,
    UNMATCHED,
    allowed_methods,
    default_methods,
    default_omnibus_methods,
    design_of,
)
from ._data import RateTable, check_common, group_pairs, rate_table
from ._resample import (
    BATCH_ELEMENTS,
    SUBSET_DRAWS_ABOVE,
    check_resampling,
    prefix_sums,
    random_orders,
    relabeling_tables,
    tail_count,
)
from ._warnings import StatsWarning, warn_once
from ._resample import check_ci_method
from .effects import (
    EFFECT_COLUMNS,
    GroupDraws,
    PairData,
    cluster_means,
    effect_rows,
    pair_data,
    resolve_ci_method,
    sort_rows,
)
from .multitest import adjust_pvalues

__all__ = [
    "METHODS",
    "OMNIBUS_METHODS",
    "ALTERNATIVES",
    "COMPARE_COLUMNS",
    "OMNIBUS_COLUMNS",
    "compare",
    "omnibus",
    "permutation_test",
    "permutation_tests",
]

COMPARE_COLUMNS: tuple[str, ...] = (
    *EFFECT_COLUMNS[: EFFECT_COLUMNS.index("ci_method") + 1],
    "method",
    "statistic",
    "p_value",
    "p_adj",
    "correction",
    "alternative",
    "confidence",
    "n_resamples",
)
OMNIBUS_COLUMNS: tuple[str, ...] = (
    "category",
    "n_groups",
    "n_docs",
    "n_units",
    "unit",
    "strata",
    "n_strata",
    "method",
    "statistic",
    "p_value",
    "p_adj",
    "correction",
    "n_resamples",
)
_TIES_SHARE = 0.5


def _stratum_design(pair: PairData):
    """Combined observations sorted by stratum, with the indicator matrix."""
    x = np.vstack([pair.xa, pair.xb])
    labels = np.concatenate([np.ones(len(pair.xa)), np.zeros(len(pair.xb))])
    strata = np.concatenate([pair.sa, pair.sb])
    order = np.argsort(strata, kind="stable")
    x, labels, strata = x[order], labels[order], strata[order]
    n = len(strata)
    z = sp.csr_matrix((np.ones(n), (np.arange(n), strata)), shape=(n, pair.n_strata))
    return x, labels, strata, z


def _stratified_stat(masks: np.ndarray, x: np.ndarray, z: sp.csr_matrix, na_s, nb_s, total_s, w) -> np.ndarray:
    """Stratum-weighted mean difference for label masks (replicates × units).

    ``na_s``/``nb_s``/``w`` are per stratum, ``total_s`` strata ×
    categories; within-stratum permutations keep them fixed."""
    out = np.empty((masks.shape[0], x.shape[1]))
    for j in range(x.shape[1]):
        sums_a = np.asarray((z.T @ (masks * x[:, j]).T).T)
        diff = sums_a / na_s - (total_s[:, j] - sums_a) / nb_s
        out[:, j] = diff @ w / w.sum()
    return out


def permutation_test(
    pair: PairData, *, n_resamples: int, rng: np.random.Generator, alternative: str = "two-sided"
) -> tuple[np.ndarray, np.ndarray, int]:
    """Permutation test of the (stratum-weighted) difference in means.

    Without strata and with more than ``SUBSET_DRAWS_ABOVE`` units, the
    relabelings are drawn as in :func:`permutation_tests`: the
    hypergeometric counts from ``rng``, the two groups' random orders from
    ``rng.spawn(2)`` (so ``rng`` must come from a seed sequence, as
    :func:`numpy.random.default_rng` makes them).

    Returns
    -------
    statistic, p_value : ndarray, shape (categories,)
    n_used : int
        Relabelings used: all of them when enumerated exactly, else
        ``n_resamples``.
    """
    scale = np.abs(np.vstack([pair.xa, pair.xb])).mean(axis=0)
    if pair.stratified:
        x, labels, strata, z = _stratum_design(pair)
        na_s = np.bincount(strata, weights=labels, minlength=pair.n_strata)
        nb_s = np.bincount(strata, weights=1 - labels, minlength=pair.n_strata)
        total_s = np.asarray(z.T @ x)
        w = na_s * nb_s / (na_s + nb_s)
        observed = _stratified_stat(labels[None, :], x, z, na_s, nb_s, total_s, w)[0]
        batch = max(1, BATCH_ELEMENTS // max(len(x), 1))
        count = np.zeros(x.shape[1])
        for start in range(0, n_resamples, batch):
            b = min(batch, n_resamples - start)
            keys = strata[None, :] + rng.random((b, len(x)))
            masks = labels[np.argsort(keys, axis=1)]
            null = _stratified_stat(masks, x, z, na_s, nb_s, total_s, w)
            count += tail_count(null, observed, alternative, scale)
        return observed, (1 + count) / (1 + n_resamples), n_resamples
    x = np.vstack([pair.xa, pair.xb])
    na, nb = len(pair.xa), len(pair.xb)
    total = x.sum(axis=0)
    observed = pair.xa.mean(axis=0) - pair.xb.mean(axis=0)

    def stat(masks: np.ndarray) -> np.ndarray:
        sums = masks @ x
        return sums / na - (total - sums) / nb

    n = na + nb
    if enumerable(na, nb, n_resamples):
        combos = np.array(list(itertools.combinations(range(n), na)))
        masks = np.zeros((len(combos), n))
        np.put_along_axis(masks, combos, 1.0, axis=1)
        count = tail_count(stat(masks), observed, alternative, scale)
        return observed, count / len(combos), len(combos)
    if n > SUBSET_DRAWS_ABOVE:
        # the pair's own draws from rng, each group's orders from a child stream of it
        orders_a, orders_b = rng.spawn(2)
        ((observed, p),) = permutation_tests({"a": pair.xa, "b": pair.xb}, [("a", "b")], n_resamples=n_resamples,
                                             pair_rngs=[rng], group_rngs={"a": orders_a, "b": orders_b},
                                             alternative=alternative)
        return observed, p, n_resamples
    count = np.zeros(x.shape[1])
    base = np.concatenate([np.ones(na), np.zeros(nb)])
    batch = max(1, BATCH_ELEMENTS // max(n, 1))
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        masks = rng.permuted(np.tile(base, (b, 1)), axis=1)
        count += tail_count(stat(masks), observed, alternative, scale)
    return observed, (1 + count) / (1 + n_resamples), n_resamples


def enumerable(na: int, nb: int, n_resamples: int) -> bool:
    """Whether the ``C(na + nb, na)`` relabelings are at most
    ``n_resamples`` (then :func:`permutation_test` enumerates them).
    ``C(n, k) >= n`` for ``1 <= k < n``, so more than ``n_resamples``
    units settle it without the (large) binomial coefficient."""
    n = na + nb
    if 0 < na < n and n > n_resamples:
        return False
    return math.comb(n, na) <= n_resamples


def permutation_tests(
    groups: dict[str, np.ndarray],
    pairs: Sequence[tuple[str, str]],
    *,
    n_resamples: int,
    pair_rngs: Sequence[np.random.Generator],
    group_rngs: dict[str, np.random.Generator],
    alternative: str = "two-sided",
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Monte Carlo permutation tests of the difference in means of several
    pairs of groups, sharing each group's draws between its pairs.

    ``groups`` maps a group to its units × categories observations.  A
    relabeling of pair (a, b), with :math:`m` the smaller group's size and
    :math:`n` the pair's, is drawn in two steps: :math:`c`, the number of
    the smaller group's units that keep its label, from the
    hypergeometric distribution (:math:`m` draws from :math:`n` units of
    which :math:`m` are its own; the pair's stream ``pair_rngs[i]``, all
    replicates at once); then which units: the first :math:`c` of the
    smaller group and the first :math:`m - c` of the other in that
    replicate's random ordering of each group (:func:`random_orders`, the
    group's stream ``group_rngs[g]``).  Given :math:`c` these are uniform
    subsets of each group, independent of each other, so the relabeling is
    uniform over all :math:`\\binom{n}{m}`: each pair's null distribution is
    the permutation distribution, with the cost of one ordering of every
    group per replicate instead of one subset per pair.  The pairs of one
    group share its orderings, so their Monte Carlo errors are dependent;
    each p-value is exact in distribution,
    :math:`(1 + \\#\\{T^* \\text{ as extreme as } T\\})/(1 + B)`.

    Returns
    -------
    list of (statistic, p_value)
        Per pair, arrays over categories (the mean difference a − b).
    """
    pairs = list(pairs)
    used = sorted({g for pair in pairs for g in pair}, key=[g for pair in pairs for g in pair].index)
    columns: dict[str, list[np.ndarray]] = {g: [] for g in used}
    plan = []
    for (a, b), stream in zip(pairs, pair_rngs):
        xa, xb = groups[a], groups[b]
        na, nb = len(xa), len(xb)
        small, large = (a, b) if na <= nb else (b, a)
        m = min(na, nb)
        kept = stream.hypergeometric(m, na + nb - m, m, size=n_resamples)
        x = np.vstack([xa, xb])
        total = x.sum(axis=0)
        scale = np.abs(x).mean(axis=0)
        columns[small].append(kept)
        columns[large].append(m - kept)
        plan.append((small == a, len(columns[small]) - 1, len(columns[large]) - 1, small, large, na, nb,
                     total, xa.mean(axis=0) - xb.mean(axis=0), scale))
    counts = [np.zeros(groups[a].shape[1]) for a, _ in pairs]
    batch = max(1, BATCH_ELEMENTS // max(len(groups[g]) for g in used)) if used else 1
    for start in range(0, n_resamples, batch):
        stop = min(start + batch, n_resamples)
        prefix = {}
        for g in used:
            cuts = np.column_stack([c[start:stop] for c in columns[g]])
            prefix[g] = prefix_sums(random_orders(group_rngs[g], len(groups[g]), stop - start), cuts, groups[g])
        for i, (small_is_a, js, jl, small, large, na, nb, total, observed, scale) in enumerate(plan):
            sums = prefix[small][:, js] + prefix[large][:, jl]  # the smaller group's label
            sums_a = sums if small_is_a else total - sums
            counts[i] += tail_count(sums_a / na - (total - sums_a) / nb, observed, alternative, scale)
    return [(row[8], (1 + count) / (1 + n_resamples)) for row, count in zip(plan, counts)]


def _welch_parts(xa: np.ndarray, xb: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xa.mean(0) - xb.mean(0)) / np.sqrt(xa.var(0, ddof=1) / len(xa) + xb.var(0, ddof=1) / len(xb))


def bootstrap_test(
    pair: PairData, *, n_resamples: int, rng: np.random.Generator, alternative: str = "two-sided"
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap test of equal means (Efron & Tibshirani 1993, Alg. 16.2)."""
    xa, xb = pair.xa, pair.xb
    na, nb = len(xa), len(xb)
    observed = _welch_parts(xa, xb)
    pooled = np.vstack([xa, xb]).mean(axis=0)
    ya, yb = xa - xa.mean(0) + pooled, xb - xb.mean(0) + pooled
    count = np.zeros(xa.shape[1])
    batch = max(1, BATCH_ELEMENTS // max((na + nb) * xa.shape[1], 1))
    for start in range(0, n_resamples, batch):
        b = min(batch, n_resamples - start)
        wa = rng.multinomial(na, np.full(na, 1.0 / na), size=b).astype(float)
        wb = rng.multinomial(nb, np.full(nb, 1.0 / nb), size=b).astype(float)
        ma, mb = wa @ ya / na, wb @ yb / nb
        va = (wa @ ya**2 - na * ma**2) / (na - 1)
        vb = (wb @ yb**2 - nb * mb**2) / (nb - 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (ma - mb) / np.sqrt(np.maximum(va, 0) / na + np.maximum(vb, 0) / nb)
        t = np.where(np.isnan(t), 0.0, t)
        count += tail_count(t, observed, alternative)
    p = (1 + count) / (1 + n_resamples)
    flat = welch_undefined(pair) | np.isnan(observed)
    return np.where(flat, np.nan, observed), np.where(flat, np.nan, p)


def _scipy_test(method: str, pair: PairData, alternative: str) -> tuple[np.ndarray, np.ndarray]:
    """Welch's t or Mann–Whitney U per category.

    Welch: NaN statistic and p where both groups have zero variance (the
    standard error is 0, so t is undefined, not infinite).  Mann–Whitney:
    ``method="auto"`` decided per category (exact for a small category
    without ties, asymptotic otherwise), not once for all categories."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == "welch":
            res = scipy.stats.ttest_ind(pair.xa, pair.xb, equal_var=False, axis=0, alternative=alternative)
            stat = np.atleast_1d(np.asarray(res.statistic, dtype=float))
            p = np.atleast_1d(np.asarray(res.pvalue, dtype=float))
            flat = welch_undefined(pair)
            return np.where(flat, np.nan, stat), np.where(flat, np.nan, p)
        k = pair.xa.shape[1]
        stat, p = np.full(k, np.nan), np.full(k, np.nan)
        for j in range(k):
            xa, xb = pair.xa[:, j], pair.xb[:, j]
            if np.all(xa == xa[0]) and np.all(xb == xa[0]):
                continue  # all values identical: no information, not p = 1 by accident of the approximation
            res = scipy.stats.mannwhitneyu(xa, xb, alternative=alternative, method="auto")
            stat[j], p[j] = float(res.statistic), float(res.pvalue)
    return stat, p


def welch_undefined(pair: PairData) -> np.ndarray:
    """Per category: both groups without spread (up to rounding relative
    to the data's scale), so Welch's standard error is 0 and t undefined."""
    scale = np.maximum(np.abs(np.vstack([pair.xa, pair.xb])).max(axis=0), 1e-300)
    spread_a = np.ptp(pair.xa, axis=0) <= 1e-12 * scale
    spread_b = np.ptp(pair.xb, axis=0) <= 1e-12 * scale
    return spread_a & spread_b


def _check_design_methods(names: list[str], allowed: Sequence[str], design: str, strata: str | None,
                          hint: str = "") -> None:
    """The named tests must be defined for the comparison's design."""
    other = [m for m in names if m not in allowed]
    if other:
        where = f"with strata={strata!r}" if design == "strata" else f"for the {design} design"
        raise ValueError(f"methods: {other} are not defined {where}; choose from {list(allowed)}{hint}")


def _warn_ties(table: RateTable, methods: Sequence[str]) -> None:
    if "mannwhitney" not in methods:
        return
    heavy = []
    for j, category in enumerate(table.categories):
        _, counts = np.unique(table.rates[:, j], return_counts=True)
        if counts.max() / len(table.rates) > _TIES_SHARE:
            heavy.append(category)
    if heavy:
        warnings.warn(
            f"categories {heavy}: more than half of the documents share one rate (usually 0); Mann-Whitney U and "
            "Cliff's delta are dominated by ties there. Prefer the permutation test and rate differences",
            StatsWarning,
            stacklevel=3,
        )


@warn_once
def compare(
    scores: pd.DataFrame,
    *,
    by: str = DEFAULTS["by"],
    corpus: Any = None,
    methods: Sequence[str] | None = None,
    effect: str = DEFAULTS["effect"],
    pairs: str = "all",
    reference: str | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    unmatched: str = DEFAULTS["unmatched"],
    correction: str = DEFAULTS["correction"],
    alternative: str = DEFAULTS["alternative"],
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    confidence: float = DEFAULTS["confidence"],
    n_resamples: int = DEFAULTS["n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
    ci_method: str = "auto",
) -> pd.DataFrame:
    """Compare per-document cue rates between pairs of groups.

    Parameters
    ----------
    scores : DataFrame
        Per-document scores from :func:`framing.match.scoring.score`.
    by : str, default "outlet"
        The grouping column (of ``scores``, or of ``corpus``).
    corpus : Corpus or DataFrame, optional
        Source of ``by``/``cluster``/``strata`` columns missing from
        ``scores``.
    methods : sequence of str, optional
        Tests from ``METHODS``; see the module docstring.  None (the
        default) runs the design's tests,
        :func:`framing.vocab.default_methods`: permutation and Welch for
        documents or clusters as units, the permutation test within strata
        with ``strata=``.  Mann–Whitney is opt-in: cue rates are mostly
        zeros, and rank tests then test "how often any cue occurs" more
        than "how much".
    effect : str, default "rate_ratio"
        The effect size reported on every row, with its bootstrap CI (one of
        :data:`framing.stats.effects.EFFECTS`; all of them at once:
        :func:`framing.stats.effects.effects`).  Defaults are those of
        ``framing.vocab.DEFAULTS``.
    pairs : {"all", "reference"}, default "all"
    reference : str, optional
        With ``pairs="reference"``: each group is compared with it
        (``group_b`` is the reference).
    cluster : str, optional
        Unit of inference when groups are classes of outlets (e.g.
        ``by="outlet_group", cluster="outlet"``).
    strata : str, optional
        Compare within strata (e.g. ``"story_id"``, ``"topic"``); only the
        permutation test applies.
    unmatched : {"error", "drop"}, default "error"
        Strata holding only one of a pair's groups: an error, or dropped
        and counted in ``n_strata_dropped``.
    correction : {"bh", "by", "holm", "bonferroni", "none"}, default "bh"
        Applied per method across categories × pairs.
    alternative : {"two-sided", "greater", "less"}, default "two-sided"
        "greater" tests whether group_a's rate is higher.
    categories, part, voice : optional
        Restrict categories; choose a part/voice when several are scored.
    confidence : float, default 0.95
    n_resamples : int, default 4999
        Permutations, bootstrap-test replicates and bootstrap CI replicates.
    random_state : int or None, default 0
        Root seed (``DEFAULTS["seed"]``: reproducible by default; None
        draws fresh entropy).  Every pair, method and effect gets its own
        named stream (:func:`framing.seeds.rng`, e.g. ``rng(random_state,
        "test", "permutation", group_a, group_b)``), so a row does not
        change when other groups or categories are added.  Large samples
        draw differently (same methods): a pair of more than 2,000 units
        takes its relabelings as random subsets of the smaller group
        (``SUBSET_DRAWS_ABOVE``), and effect intervals of pairs of more
        than 200 units resample each group once per call
        (:func:`framing.stats.effects.effects`, ``random_state``).
    ci_method : {"auto", "percentile", "bca", "studentized", "t"}, default "auto"
        The effect's interval, as in :func:`framing.stats.effects.effects`
        (``"percentile"`` reproduces framing 0.2.0).  The table has no
        ``ci_method`` column; :func:`~framing.stats.effects.effects` with the
        same options reports it per row.

    Returns
    -------
    DataFrame
        Columns ``COMPARE_COLUMNS``: the identification and effect columns
        of ``framing.stats.effects.EFFECT_COLUMNS`` (``category, group_a,
        group_b, n_docs_a, n_docs_b, n_units_a, n_units_b, unit, strata,
        n_strata, n_strata_dropped, rate_a, rate_b, effect, estimate,
        ci_low, ci_high``) then ``method, statistic, p_value, p_adj,
        correction, alternative, confidence, n_resamples``.  ``statistic``
        is the mean difference (permutation), Welch's t (welch, bootstrap)
        or :math:`U_a` (mannwhitney).  ``n_resamples`` is what the row's
        p-value used: for permutation rows the relabelings actually used
        (all of them, ``C(n_a + n_b, n_a)``, when enumerated exactly, which
        happens when that is at most ``n_resamples``), for bootstrap rows
        the replicates; for welch and mannwhitney rows, which have no
        resampled p-value, the bootstrap replicates of the effect's
        interval (0 for the t interval).  Sorted by category (lexicon order),
        group_a, group_b, method (``METHODS`` order).  A test that cannot
        be computed (e.g. every rate equal; Welch and bootstrap when both
        groups have zero variance, whose t would be infinite) has NaN
        ``statistic`` and ``p_value`` and is left out of the correction
        family.

    Raises
    ------
    TypeError, ValueError
        Unknown method, effect, correction or alternative; bad
        ``n_resamples``, ``confidence`` or ``random_state``; a group with
        fewer than 2 documents (or clusters); a category with no hit in
        any document; unmatched strata; non-stratified methods with
        ``strata``; ``cluster`` with ``strata``.

    Warns
    -----
    StatsWarning
        Fewer than 10 clusters per group (intervals approximate); heavy
        ties with Mann–Whitney; Welch/bootstrap rows left undefined because
        both groups have zero variance (the rows are named).
    """
    design = design_of(strata=strata, cluster=cluster)
    names = check_choices("methods", default_methods(design) if methods is None else methods, METHODS)
    _check_design_methods(names, allowed_methods(design), design, strata,
                          " (or framing.stats.paired for same-story differences)" if design == "strata" else "")
    check_choice("effect", effect, EFFECTS)
    check_choice("unmatched", unmatched, UNMATCHED)
    check_choice("correction", correction, CORRECTIONS)
    check_choice("alternative", alternative, ALTERNATIVES)
    n_resamples, confidence, random_state = check_resampling(n_resamples, confidence, random_state)
    ci_method = check_ci_method(ci_method)
    resolve_ci_method(ci_method, effect, unit="cluster" if cluster else "document", stratified=strata is not None)
    table = rate_table(
        scores, by=by, corpus=corpus, cluster=cluster, strata=strata, categories=categories, part=part, voice=voice
    )
    check_common(table)
    _warn_ties(table, names)
    rows: list[dict[str, Any]] = []
    flat_rows: list[str] = []
    draws: GroupDraws = {}
    pair_names = list(group_pairs(table.group_names, pairs=pairs, reference=reference))
    shared = (_large_permutation_tests(table, pair_names, n_resamples=n_resamples, random_state=random_state,
                                       alternative=alternative) if "permutation" in names else {})
    for a, b in pair_names:
        pair = pair_data(table, a, b, unmatched=unmatched)
        base = effect_rows(
            pair,
            table.categories,
            effect,
            confidence=confidence,
            n_resamples=n_resamples,
            random_state=random_state,
            strata_name=strata,
            ci_method=ci_method,
            draws=draws,
        )
        flat = welch_undefined(pair) if {"welch", "bootstrap"} & set(names) else None
        if flat is not None and flat.any():
            flat_rows.extend(f"{table.categories[j]} ({a} vs {b})" for j in np.flatnonzero(flat))
        for method in names:
            stream = seeds.rng(random_state, "test", method, a, b)
            used = None
            if method == "permutation" and (a, b) in shared:
                (stat, p), used = shared[a, b], n_resamples
            elif method == "permutation":
                stat, p, used = permutation_test(pair, n_resamples=n_resamples, rng=stream, alternative=alternative)
            elif method == "bootstrap":
                stat, p = bootstrap_test(pair, n_resamples=n_resamples, rng=stream, alternative=alternative)
                used = n_resamples
            else:
                stat, p = _scipy_test(method, pair, alternative)
            for j, row in enumerate(base):
                out = {c: row[c] for c in COMPARE_COLUMNS if c in row}
                out.update(
                    method=method,
                    statistic=float(stat[j]),
                    p_value=float(p[j]),
                    correction=correction,
                    alternative=alternative,
                )
                if used is not None:
                    out["n_resamples"] = int(used)
                rows.append(out)
    if flat_rows:
        warnings.warn(
            f"{len(flat_rows)} comparison(s) have zero variance in both groups, so Welch's t is undefined (not "
            f"infinite); their welch/bootstrap statistic and p-value are NaN: {', '.join(flat_rows[:5])}"
            f"{', ...' if len(flat_rows) > 5 else ''}. The permutation test still applies",
            StatsWarning,
            stacklevel=2,
        )
    frame = adjust_per_method(pd.DataFrame(rows, columns=list(COMPARE_COLUMNS)), correction)
    return sort_rows(frame, table.categories, "method", METHODS)


def _large_permutation_tests(table: RateTable, pair_names: list[tuple[str, str]], *, n_resamples: int,
                             random_state: int | None, alternative: str) -> dict[tuple[str, str], tuple]:
    """The permutation tests of the pairs of more than ``SUBSET_DRAWS_ABOVE``
    units (no strata), all at once (:func:`permutation_tests`): the pair's
    stream ``rng(random_state, "test", "permutation", a, b)``, each group's
    orderings from ``rng(random_state, "permutation_group", group)``, so a
    pair's p-values do not depend on which other pairs are compared."""
    if table.strata is not None:
        return {}
    units: dict[str, np.ndarray] = {}
    for g in dict.fromkeys(g for pair in pair_names for g in pair):
        mask = table.groups == g
        units[g] = table.rates[mask] if table.cluster is None else cluster_means(table, mask)[0]
    large = [(a, b) for a, b in pair_names
             if len(units[a]) + len(units[b]) > SUBSET_DRAWS_ABOVE
             and not enumerable(len(units[a]), len(units[b]), n_resamples)]
    if not large:
        return {}
    results = permutation_tests(
        {g: units[g] for pair in large for g in pair}, large, n_resamples=n_resamples,
        pair_rngs=[seeds.rng(random_state, "test", "permutation", a, b) for a, b in large],
        group_rngs={g: seeds.rng(random_state, "permutation_group", g) for pair in large for g in pair},
        alternative=alternative)
    return dict(zip(large, results))


def adjust_per_method(frame: pd.DataFrame, correction: str) -> pd.DataFrame:
    """Fill ``p_adj``: one multiple-comparison family per ``method``."""
    frame = frame.assign(p_adj=np.nan)
    for method in pd.unique(frame["method"]):
        sel = frame["method"] == method
        frame.loc[sel, "p_adj"] = adjust_pvalues(frame.loc[sel, "p_value"].to_numpy(dtype=float), method=correction)
    return frame


def _omnibus_units(table: RateTable) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Observations (units × categories), their group codes, stratum codes."""
    names = table.group_names
    if table.cluster is None:
        codes = pd.Categorical(table.groups, categories=names).codes.astype(np.int64)
        strata = None if table.strata is None else pd.factorize(pd.Series(table.strata), sort=True)[0]
        return table.rates, codes, strata
    xs, codes = [], []
    for g, name in enumerate(names):
        x, _ = cluster_means(table, table.groups == name)
        xs.append(x)
        codes.append(np.full(len(x), g))
    return np.vstack(xs), np.concatenate(codes), None


def _between_ss(labels: np.ndarray, x: np.ndarray, expected: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Between-group statistic for label rows (replicates × units):
    :math:`\\sum_g D_g^2 / n_g` with :math:`D_g = \\sum_{i \\in g} x_i - E_g`,
    where :math:`E_g = \\sum_s n_{gs} \\bar x_s` is group g's expected sum
    given its stratum sizes (fixed under permutation within strata).
    Without strata this is the between-group sum of squares
    :math:`\\sum_g n_g (\\bar x_g - \\bar x)^2`."""
    out = np.zeros((labels.shape[0], x.shape[1]))
    for g in range(len(sizes)):
        dev = (labels == g).astype(float) @ x - expected[g]
        out += dev**2 / sizes[g]
    return out


def _permuted_between_ss(perms: np.ndarray, labels: np.ndarray, x: np.ndarray, expected: np.ndarray,
                         sizes: np.ndarray, members: np.ndarray | None = None) -> np.ndarray:
    """:func:`_between_ss` of the relabelings ``labels[perms]`` (perms:
    replicates × units, each row a permutation), without a pass over the
    units per group: unit ``i`` gets the label of unit ``perms[r, i]``, so
    group g's sum in row r is the sum of ``x`` over ``inv[r, p]`` for the
    units p of group g (``inv`` the inverse permutation), one sparse
    product for every row and group at once.  ``members``: the units
    sorted by label (``argsort(labels, kind="stable")``), if known."""
    b, n = perms.shape
    k = len(sizes)
    inv = np.empty_like(perms)
    np.put_along_axis(inv, perms, np.broadcast_to(np.arange(n, dtype=perms.dtype), perms.shape), axis=1)
    if members is None:
        members = np.argsort(labels, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(labels, minlength=k))])
    indptr = np.concatenate([(np.arange(b)[:, None] * n + bounds[None, :-1]).ravel(), [b * n]])
    product = sp.csr_matrix((np.ones(b * n), inv[:, members].ravel(), indptr), shape=(b * k, n)) @ x
    dev = np.asarray(product).reshape(b, k, -1) - expected[None]
    return (dev**2 / sizes[None, :, None]).sum(axis=1)


def _large_omnibus_count(x: np.ndarray, labels: np.ndarray, expected: np.ndarray, sizes: np.ndarray,
                         observed: np.ndarray, *, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Null counts of the unstratified omnibus statistic for more than
    ``SUBSET_DRAWS_ABOVE`` units: each relabeling drawn in two steps, the
    table of how many of group g's units get label h
    (:func:`relabeling_tables`, from ``rng``), then which ones: group g's
    units in a random order (:func:`random_orders`, from child stream g of
    ``rng``) cut into consecutive runs of those sizes.  A uniform
    relabeling, as a shuffle of all labels; the sums of the largest label
    are the total less the others' (:func:`prefix_sums` sums only the
    other runs)."""
    k = len(sizes)
    tables = relabeling_tables(rng, sizes.astype(np.int64), n_resamples)
    children = rng.spawn(k)
    units = [x[labels == g] for g in range(k)]
    big = int(np.argmax(sizes))
    keep = [h for h in range(k) if h != big]
    total = x.sum(axis=0)
    count = np.zeros(x.shape[1])
    batch = max(1, BATCH_ELEMENTS // max(len(u) for u in units))
    for start in range(0, n_resamples, batch):
        table = tables[start : start + batch]
        b = len(table)
        sums = np.zeros((b, k, x.shape[1]))
        for g in range(k):
            ends = prefix_sums(random_orders(children[g], len(units[g]), b), np.cumsum(table[:, g, keep], axis=1),
                               units[g])
            sums[:, keep] += np.diff(ends, axis=1, prepend=0.0)
        sums[:, big] = total - sums[:, keep].sum(axis=1)
        null = ((sums - expected[None]) ** 2 / sizes[None, :, None]).sum(axis=1)
        count += tail_count(null, observed, "greater")
    return count


@warn_once
def omnibus(
    scores: pd.DataFrame,
    *,
    by: str = DEFAULTS["by"],
    corpus: Any = None,
    methods: Sequence[str] | None = None,
    cluster: str | None = None,
    strata: str | None = None,
    correction: str = DEFAULTS["correction"],
    categories: Sequence[str] | None = None,
    part: str | None = None,
    voice: str | None = None,
    n_resamples: int = DEFAULTS["n_resamples"],
    random_state: int | None = DEFAULTS["seed"],
) -> pd.DataFrame:
    """Do the groups' rates differ at all?  One test per category across k groups.

    ``"permutation"``: the between-group sum of squares of the units'
    rates, :math:`\\sum_g n_g(\\bar x_g - \\bar x)^2` (equivalent under
    permutation to the one-way ANOVA F), with labels shuffled over units.
    With ``strata``, labels are shuffled within strata and the statistic
    is :math:`\\sum_g D_g^2/n_g`, :math:`D_g = \\sum_{i\\in g} x_i -
    \\sum_s n_{gs}\\bar x_s` (each group's excess over what its stratum
    mix predicts).  ``statistic`` is reported as the one-way F for the
    unstratified test and as :math:`\\sum_g D_g^2/n_g` otherwise.
    ``"kruskal"``: Kruskal–Wallis H (:func:`scipy.stats.kruskal`);
    not available with strata.

    ``methods=None`` (the default) runs the design's k-group tests,
    :func:`framing.vocab.default_omnibus_methods`: both, or the
    permutation test alone with ``strata``.  Other options and their
    defaults are those of :func:`compare` (``random_state`` 0; the
    permutation stream is ``rng(random_state, "omnibus", *groups)``).
    With more than 2,000 units and no strata a relabeling is drawn as the
    table of how many of each group's units get each label (multivariate
    hypergeometric) and a random order of each group's units (child
    streams of that stream) cut into runs of those sizes: the same
    permutation distribution as a shuffle of every label, without the sort.

    Returns
    -------
    DataFrame
        Columns ``OMNIBUS_COLUMNS``: ``category, n_groups, n_docs,
        n_units, unit, strata, n_strata, method, statistic, p_value,
        p_adj, correction, n_resamples``; sorted by category then method.
        ``p_adj`` corrects across categories, per method.

    Raises
    ------
    TypeError, ValueError
        Unknown method or correction; ``kruskal`` with strata; ``cluster``
        with ``strata``; bad ``n_resamples`` or ``random_state``; a group
        with fewer than 2 documents; a category with no hit at all.
    """
    design = design_of(strata=strata, cluster=cluster)
    allowed = default_omnibus_methods(design)
    names = check_choices("methods", allowed if methods is None else methods, OMNIBUS_METHODS)
    _check_design_methods(names, allowed, design, strata)
    check_choice("correction", correction, CORRECTIONS)
    n_resamples, _, random_state = check_resampling(n_resamples, DEFAULTS["confidence"], random_state)
    table = rate_table(
        scores, by=by, corpus=corpus, cluster=cluster, strata=strata, categories=categories, part=part, voice=voice
    )
    check_common(table)
    x, labels, strata_codes = _omnibus_units(table)
    k = len(table.group_names)
    n = len(x)
    rows: list[dict[str, Any]] = []
    common = {
        "n_groups": k,
        "n_docs": len(table.rates),
        "n_units": n,
        "unit": "cluster" if cluster is not None else "document",
        "strata": strata or "",
        "n_strata": 0 if strata_codes is None else int(strata_codes.max() + 1),
        "correction": correction,
    }
    for method in names:
        if method == "kruskal":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                stats, ps = [], []
                for j in range(x.shape[1]):
                    samples = [x[labels == g, j] for g in range(k)]
                    if np.all(x[:, j] == x[0, j]):
                        stats.append(np.nan)
                        ps.append(np.nan)
                        continue
                    res = scipy.stats.kruskal(*samples)
                    stats.append(float(res.statistic))
                    ps.append(float(res.pvalue))
            used = 0
        else:
            stream = seeds.rng(random_state, "omnibus", *table.group_names)
            s_codes = np.zeros(n, dtype=np.int64) if strata_codes is None else strata_codes
            n_s = np.bincount(s_codes)
            mean_s = np.zeros((len(n_s), x.shape[1]))
            np.add.at(mean_s, s_codes, x)
            mean_s /= n_s[:, None]
            sizes = np.bincount(labels, minlength=k).astype(float)
            expected = np.zeros((k, x.shape[1]))
            np.add.at(expected, labels, mean_s[s_codes])
            observed = _between_ss(labels[None, :], x, expected, sizes)[0]
            if strata_codes is None and n > SUBSET_DRAWS_ABOVE:
                count = _large_omnibus_count(x, labels, expected, sizes, observed, n_resamples=n_resamples,
                                             rng=stream)
            else:
                order = np.argsort(s_codes, kind="stable")
                xs, ls, ss = x[order], labels[order], s_codes[order]
                count = np.zeros(x.shape[1])
                members = np.argsort(ls, kind="stable")
                batch = max(1, BATCH_ELEMENTS // max(n, 1))
                for start in range(0, n_resamples, batch):
                    b = min(batch, n_resamples - start)
                    keys = ss[None, :] + stream.random((b, n))
                    null = _permuted_between_ss(np.argsort(keys, axis=1), ls, xs, expected, sizes, members)
                    count += tail_count(null, observed, "greater")
            ps = list((1 + count) / (1 + n_resamples))
            constant = np.all(x == x[:1], axis=0)
            ps = [np.nan if c else p for c, p in zip(constant, ps)]
            if strata_codes is None:
                sst = ((x - x.mean(axis=0)) ** 2).sum(axis=0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    stats = list((observed / (k - 1)) / ((sst - observed) / (n - k)))
            else:
                stats = list(observed)
            used = n_resamples
        adjusted = adjust_pvalues(np.asarray(ps, dtype=float), method=correction)
        for j, category in enumerate(table.categories):
            rows.append(
                {
                    "category": category,
                    **common,
                    "method": method,
                    "statistic": float(stats[j]),
                    "p_value": float(ps[j]),
                    "p_adj": float(adjusted[j]),
                    "n_resamples": used,
                }
            )
    frame = pd.DataFrame(rows, columns=list(OMNIBUS_COLUMNS))
    rank = {c: i for i, c in enumerate(table.categories)}
    mrank = {m: i for i, m in enumerate(OMNIBUS_METHODS)}
    frame = frame.assign(_c=frame["category"].map(rank), _m=frame["method"].map(mrank))
    return frame.sort_values(["_c", "_m"], kind="mergesort").drop(columns=["_c", "_m"]).reset_index(drop=True)
