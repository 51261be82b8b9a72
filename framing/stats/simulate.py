r"""Simulated corpora with planted effects, for calibration tests and power analyses.

Two generators, both pure and seeded (``random_state`` → a local
generator, :func:`framing.seeds.rng` with the function's name as the
step; the same arguments give the same output under any
``PYTHONHASHSEED``):

:func:`simulate_scores`
    A scores table shaped exactly like :func:`framing.match.scoring.score`'s
    output (columns :data:`framing.match.scoring.SCORE_COLUMNS`) plus the
    metadata columns ``outlet_group``, ``story_id`` and ``date``, with
    cue counts drawn from a gamma–Poisson (negative binomial) model:
    planted outlet × category rate multipliers, per-document burstiness,
    variable document lengths and shared stories (strata).  Feed it to
    the rate comparisons of :mod:`framing.stats` to check their error
    rates or to estimate power.

:func:`simulate_term_counts`
    A documents × terms count matrix for two groups of outlets, drawn
    from a Zipf-like vocabulary with Dirichlet–multinomial (bursty)
    documents, a planted group difference on a documented subset of
    terms and outlet random effects; for
    :mod:`framing.stats.distinct` and :mod:`framing.stats.keyness`.

Why burstiness matters: a word that occurs once in an article is likely
to occur again in it, so token counts are overdispersed relative to a
Poisson or multinomial with one rate per outlet, and token-level tests
reject far too often (Church & Gale 1995; Madsen, Kauchak & Elkan 2005).
Both generators plant this overdispersion explicitly.

References
----------
Church, K. W., & Gale, W. A. (1995). Poisson mixtures. *Natural Language
Engineering*, 1(2), 163–190.

Madsen, R. E., Kauchak, D., & Elkan, C. (2005). Modeling word burstiness
using the Dirichlet distribution. *Proceedings of the 22nd International
Conference on Machine Learning*, 545–552.

Greenwood, M., & Yule, G. U. (1920). An inquiry into the nature of
frequency distributions representative of multiple happenings.
*Journal of the Royal Statistical Society*, 83(2), 255–279 (the
gamma–Poisson mixture).

Zipf, G. K. (1949). *Human Behavior and the Principle of Least Effort*.
Addison-Wesley.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .. import seeds
from ..check import check_choice, check_int, check_number, check_str
from ..match.scoring import SCORE_COLUMNS
from ..vocab import DEFAULTS, PARTS

__all__ = [
    "LENGTH_DISTRIBUTIONS",
    "METADATA_COLUMNS",
    "SIMULATED_SCORE_COLUMNS",
    "SimulatedTermCounts",
    "simulate_scores",
    "simulate_term_counts",
]

#: Metadata columns that :func:`simulate_scores` appends after ``SCORE_COLUMNS``.
METADATA_COLUMNS: tuple[str, ...] = ("outlet_group", "story_id", "date")
#: All columns of :func:`simulate_scores`, in order.
SIMULATED_SCORE_COLUMNS: tuple[str, ...] = (*SCORE_COLUMNS, *METADATA_COLUMNS)
#: Document-length distributions of :func:`simulate_scores`.
LENGTH_DISTRIBUTIONS: tuple[str, ...] = ("lognormal", "negative_binomial")


# --------------------------------------------------------------------------- validation helpers


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _names(name: str, value: Any, prefix: str) -> list[str]:
    """An int k → ``prefix1..prefixk`` (zero-padded); a sequence of unique non-empty strings as is."""
    if _is_int(value):
        k = check_int(name, value, low=1)
        width = len(str(k))
        return [f"{prefix}{i:0{width}d}" for i in range(1, k + 1)]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name}: expected an int (how many) or a sequence of unique names, got {type(value).__name__}")
    names = list(value)
    if not names:
        raise ValueError(f"{name}: expected at least one name, got an empty sequence")
    for item in names:
        check_str(name, item)
    seen: set[str] = set()
    for item in names:
        if item in seen:
            raise ValueError(f"{name}: names must be unique, {item!r} appears more than once")
        seen.add(item)
    return names


def _date(name: str, value: Any) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name}: expected an ISO date 'YYYY-MM-DD', got {value!r}") from None
    raise TypeError(f"{name}: expected an ISO date string or datetime.date, got {type(value).__name__}")


def _gamma_multipliers(rng: np.random.Generator, dispersion: float, size: Any) -> np.ndarray:
    """Mean-one gamma multipliers with variance ``dispersion`` (all ones when it is 0)."""
    if dispersion == 0:
        return np.ones(size)
    return rng.gamma(shape=1.0 / dispersion, scale=dispersion, size=size)


def _lengths(rng: np.random.Generator, n: int, mean: float, sd: float, distribution: str) -> np.ndarray:
    if sd == 0:
        return np.full(n, max(1, round(mean)), dtype=np.int64)
    if distribution == "lognormal":
        sigma2 = math.log1p((sd / mean) ** 2)
        draws = rng.lognormal(mean=math.log(mean) - sigma2 / 2.0, sigma=math.sqrt(sigma2), size=n)
        return np.maximum(1, np.rint(draws)).astype(np.int64)
    # negative binomial with mean `mean` and variance sd**2 (needs sd**2 > mean)
    r = mean**2 / (sd**2 - mean)
    draws = rng.negative_binomial(r, r / (r + mean), size=n)
    return np.maximum(1, draws).astype(np.int64)


# --------------------------------------------------------------------------- simulate_scores


def simulate_scores(
    *,
    outlets: int | Sequence[str],
    n_docs: int,
    categories: int | Sequence[str],
    base_rate: float | Mapping[str, float],
    outlet_effects: Mapping[str, Mapping[str, float]] | None = None,
    group_of: Mapping[str, str] | None = None,
    dispersion: float = 0.5,
    length_mean: float = 600.0,
    length_sd: float = 250.0,
    length_distribution: str = "lognormal",
    strata: int | None = None,
    stratum_sd: float = 0.0,
    start_date: str = "2024-01-01",
    end_date: str = "2024-12-31",
    part: str = "text",
    random_state: int | None = DEFAULTS["seed"],
) -> pd.DataFrame:
    r"""Simulate a per-document scores table with planted outlet effects.

    **Generative model.**

    For outlet :math:`o`, its documents :math:`d = 1..n` (``n_docs``) and
    each category :math:`c`:

    1. Length: :math:`T_d \sim` ``length_distribution`` with mean
       ``length_mean`` and standard deviation ``length_sd`` — a lognormal
       with :math:`\sigma^2 = \log(1 + s^2/m^2)`,
       :math:`\mu = \log m - \sigma^2/2`, rounded; or a negative binomial
       with :math:`r = m^2/(s^2 - m)` (needs :math:`s^2 > m`).  Values
       below 1 are set to 1; ``length_sd = 0`` gives every document
       ``round(length_mean)`` tokens.
    2. Story (only with ``strata = S``): document :math:`d` of every
       outlet covers story :math:`s(d) = d \bmod S` (so with
       ``n_docs >= S`` every outlet covers every story, equally often when
       ``n_docs`` is a multiple of ``S``), and story :math:`s` multiplies
       category :math:`c`'s rate by
       :math:`\eta_{sc} = \exp(\sigma_s Z_{sc} - \sigma_s^2/2)`,
       :math:`Z_{sc} \sim N(0, 1)`, :math:`\sigma_s` = ``stratum_sd``
       (mean one, shared by all outlets).  Without strata
       :math:`\eta = 1`.
    3. Burstiness: :math:`G_{dc} \sim \mathrm{Gamma}(\text{shape}=1/\phi,
       \text{scale}=\phi)` with :math:`\phi` = ``dispersion`` (mean 1,
       variance :math:`\phi`), independently per document and category;
       :math:`\phi = 0` gives :math:`G = 1`.
    4. Count:

       .. math::

           Y_{dc} \sim \mathrm{Poisson}\Big(\frac{T_d}{1000}\,
               \lambda_c\, \beta_{oc}\, \eta_{s(d)c}\, G_{dc}\Big),

       with :math:`\lambda_c` = ``base_rate`` (hits per 1,000 tokens) and
       :math:`\beta_{oc}` = ``outlet_effects[o][c]`` (default 1).  So
       :math:`E[Y_{dc} / T_d \mid T_d] = \lambda_c \beta_{oc} / 1000`
       averaged over stories, and given the mean :math:`\mu`,
       :math:`\mathrm{Var}(Y) = \mu + \phi \mu^2` (negative binomial).

    The planted rate ratio between outlets :math:`o` and :math:`o'` in
    category :math:`c` is :math:`\beta_{oc} / \beta_{o'c}`; with no
    ``outlet_effects`` every outlet has the same rates (the null).

    Parameters
    ----------
    outlets : int or sequence of str
        Outlet names, or how many (named ``outlet1``, ``outlet2``, ...).
    n_docs : int
        Documents per outlet (>= 1; >= ``strata`` when strata are given).
    categories : int or sequence of str
        Category names, or how many (``cat1``, ``cat2``, ...).
    base_rate : float or mapping category → float
        :math:`\lambda_c`, expected hits per 1,000 tokens (>= 0).  A
        mapping must give every category.
    outlet_effects : mapping outlet → (mapping category → float), optional
        Planted rate multipliers :math:`\beta_{oc} > 0`; missing outlets
        or categories are 1.
    group_of : mapping outlet → str, optional
        ``outlet_group`` of each outlet (e.g. ``"left"``/``"right"``);
        must cover every outlet.  Default: every outlet in group
        ``"all"``.
    dispersion : float, default 0.5
        :math:`\phi \ge 0`, the gamma burstiness variance.
    length_mean, length_sd : float, default 600, 250
        Mean (> 0) and standard deviation (>= 0) of document length in
        tokens.
    length_distribution : {"lognormal", "negative_binomial"}
        See step 1.
    strata : int, optional
        Number of shared stories :math:`S` (>= 1).  ``None``: no stories
        (``story_id`` is missing).
    stratum_sd : float, default 0.0
        :math:`\sigma_s \ge 0`; must be 0 without strata.
    start_date, end_date : ISO date str, default 2024-01-01, 2024-12-31
        Dates are drawn uniformly over this inclusive range: one per story
        (all its documents share it) with strata, else one per document.
    part : str, default "text"
        Value of the ``part`` column, one of
        :data:`framing.vocab.PARTS` (``"text"`` is the body).
    random_state : int or None, default 0
        Root seed (``DEFAULTS["seed"]`` of :mod:`framing.vocab`: the same
        corpus by default; pass a different seed per replicate of a
        simulation study, or None for fresh entropy).  The draws come from
        the named stream ``framing.seeds.rng(random_state,
        "simulate_scores")``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SIMULATED_SCORE_COLUMNS`: exactly
        :data:`framing.match.scoring.SCORE_COLUMNS` (``doc_id`` =
        ``"{outlet}-{d:04d}"``, ``voice="all"``, ``negated=0``,
        ``weight=float(count)``, ``rate = 1000 * count / tokens``,
        ``denominator="per_1000_tokens"``) then ``outlet_group``,
        ``story_id`` (``"s001"``, ...; missing without strata) and
        ``date`` (ISO string).  One row per document × category,
        documents in outlet order then ``d``, categories in the given
        order.

    Raises
    ------
    TypeError, ValueError
        Any parameter of the wrong type or out of range; the message
        names the parameter, the value received and what is allowed.

    References
    ----------
    Greenwood, M., & Yule, G. U. (1920). An inquiry into the nature of
    frequency distributions representative of multiple happenings.
    *JRSS*, 83(2), 255–279.

    Church, K. W., & Gale, W. A. (1995). Poisson mixtures. *Natural
    Language Engineering*, 1(2), 163–190.

    Examples
    --------
    >>> s = simulate_scores(outlets=["left", "right"], n_docs=50, categories=["threat"],
    ...                     base_rate=4.0, outlet_effects={"right": {"threat": 1.5}},
    ...                     random_state=0)
    >>> s.shape
    (100, 14)
    """
    outlet_names = _names("outlets", outlets, "outlet")
    n = check_int("n_docs", n_docs, low=1)
    category_names = _names("categories", categories, "cat")
    k = len(category_names)

    if isinstance(base_rate, Mapping):
        unknown = sorted(str(c) for c in base_rate if c not in category_names)
        if unknown:
            raise ValueError(f"base_rate: unknown categories {unknown}; categories are {category_names}")
        missing = [c for c in category_names if c not in base_rate]
        if missing:
            raise ValueError(f"base_rate: a mapping must give every category; missing {missing}")
        rates = np.array([check_number(f"base_rate[{c!r}]", base_rate[c], low=0.0) for c in category_names])
    else:
        rates = np.full(k, check_number("base_rate", base_rate, low=0.0))

    beta = np.ones((len(outlet_names), k))
    if outlet_effects is not None:
        if not isinstance(outlet_effects, Mapping):
            raise TypeError(
                "outlet_effects: expected a mapping outlet → {category: multiplier}, got "
                f"{type(outlet_effects).__name__}"
            )
        unknown = sorted(str(o) for o in outlet_effects if o not in outlet_names)
        if unknown:
            raise ValueError(f"outlet_effects: unknown outlets {unknown}; outlets are {outlet_names}")
        for o, outlet in enumerate(outlet_names):
            effects = outlet_effects.get(outlet)
            if effects is None:
                continue
            if not isinstance(effects, Mapping):
                raise TypeError(
                    f"outlet_effects[{outlet!r}]: expected a mapping category → multiplier, "
                    f"got {type(effects).__name__}"
                )
            unknown = sorted(str(c) for c in effects if c not in category_names)
            if unknown:
                raise ValueError(
                    f"outlet_effects[{outlet!r}]: unknown categories {unknown}; categories are {category_names}"
                )
            for c, category in enumerate(category_names):
                if category in effects:
                    name = f"outlet_effects[{outlet!r}][{category!r}]"
                    beta[o, c] = check_number(name, effects[category], low=0.0, low_open=True)

    if group_of is None:
        group_names = ["all"] * len(outlet_names)
    else:
        if not isinstance(group_of, Mapping):
            raise TypeError(f"group_of: expected a mapping outlet → group name, got {type(group_of).__name__}")
        unknown = sorted(str(o) for o in group_of if o not in outlet_names)
        if unknown:
            raise ValueError(f"group_of: unknown outlets {unknown}; outlets are {outlet_names}")
        missing = [o for o in outlet_names if o not in group_of]
        if missing:
            raise ValueError(f"group_of: must give the group of every outlet; missing {missing}")
        for o in outlet_names:
            check_str(f"group_of[{o!r}]", group_of[o])
        group_names = [group_of[o] for o in outlet_names]

    phi = check_number("dispersion", dispersion, low=0.0)
    m = check_number("length_mean", length_mean, low=0.0, low_open=True)
    s = check_number("length_sd", length_sd, low=0.0)
    check_choice("length_distribution", length_distribution, LENGTH_DISTRIBUTIONS)
    if length_distribution == "negative_binomial" and 0 < s and s**2 <= m:
        raise ValueError(
            f"length_sd: a negative binomial needs variance > mean, i.e. length_sd**2 > length_mean; got "
            f"length_sd={s:g}, length_mean={m:g} (use length_distribution='lognormal' or a larger length_sd)"
        )
    n_strata = None if strata is None else check_int("strata", strata, low=1)
    sigma_s = check_number("stratum_sd", stratum_sd, low=0.0)
    if n_strata is None and sigma_s > 0:
        raise ValueError(
            f"stratum_sd: is {sigma_s:g} but strata is None; set strata=<number of stories> or stratum_sd=0"
        )
    if n_strata is not None and n < n_strata:
        raise ValueError(
            f"n_docs: is {n} but strata={n_strata}; every outlet must cover every story, so n_docs >= strata"
        )
    first, last = _date("start_date", start_date), _date("end_date", end_date)
    if last < first:
        raise ValueError(f"end_date: {last.isoformat()} is before start_date {first.isoformat()}")
    check_choice("part", part, PARTS)
    rng = seeds.rng(random_state, "simulate_scores")

    n_outlets = len(outlet_names)
    n_total = n_outlets * n
    span = (last - first).days + 1
    # draws, in a fixed order: stories (effects, dates), lengths, bursts, counts, document dates
    if n_strata is not None:
        eta = np.exp(sigma_s * rng.standard_normal((n_strata, k)) - sigma_s**2 / 2.0)
        story_days = rng.integers(0, span, size=n_strata)
        story = np.tile(np.arange(n) % n_strata, n_outlets)
        width = max(3, len(str(n_strata)))
        story_ids = np.array([f"s{j + 1:0{width}d}" for j in range(n_strata)], dtype=object)[story]
        days = story_days[story]
        eta_doc = eta[story]
    else:
        eta_doc = np.ones((n_total, k))
        story_ids = np.full(n_total, None, dtype=object)
        days = None
    tokens = _lengths(rng, n_total, m, s, length_distribution)
    bursts = _gamma_multipliers(rng, phi, (n_total, k))
    outlet_index = np.repeat(np.arange(n_outlets), n)
    mean = tokens[:, None] / 1000.0 * rates[None, :] * beta[outlet_index] * eta_doc * bursts
    count = rng.poisson(mean).astype(np.int64)
    if days is None:
        days = rng.integers(0, span, size=n_total)
    dates = np.array([(first + _dt.timedelta(days=int(x))).isoformat() for x in days.tolist()], dtype=object)

    doc_ids = np.array(
        [f"{outlet}-{d:04d}" for outlet in outlet_names for d in range(1, n + 1)], dtype=object
    )
    outlets_col = np.repeat(np.array(outlet_names, dtype=object), n)
    groups_col = np.repeat(np.array(group_names, dtype=object), n)
    frame = pd.DataFrame(
        {
            "doc_id": np.repeat(doc_ids, k),
            "outlet": np.repeat(outlets_col, k),
            "part": part,
            "voice": "all",
            "category": np.tile(np.array(category_names, dtype=object), n_total),
            "count": count.reshape(-1),
            "negated": np.zeros(n_total * k, dtype=np.int64),
            "weight": count.reshape(-1).astype(np.float64),
            "tokens": np.repeat(tokens, k),
            "rate": (1000.0 * count / tokens[:, None]).reshape(-1),
            "denominator": "per_1000_tokens",
            "outlet_group": np.repeat(groups_col, k),
            "story_id": np.repeat(story_ids, k),
            "date": np.repeat(dates, k),
        },
        columns=list(SIMULATED_SCORE_COLUMNS),
    )
    return frame


# --------------------------------------------------------------------------- simulate_term_counts


@dataclass(frozen=True, eq=False)
class SimulatedTermCounts:
    """A simulated documents × terms corpus of two outlet groups.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix of int64, shape (n_docs, n_terms)
        Term counts; rows are the documents of group ``"a"`` then ``"b"``.
    groups : ndarray of str, shape (n_docs,)
        ``"a"`` or ``"b"``.
    outlets : ndarray of str, shape (n_docs,)
        ``"a1"``, ``"a2"``, ... / ``"b1"``, ...; nested in ``groups``.
    planted_terms : ndarray of int
        Column indices of the terms with a planted group difference.
    planted_direction : ndarray of int
        +1 where the planted term is more frequent in group ``"a"``, -1
        where in ``"b"`` (aligned with ``planted_terms``).
    base_probs : ndarray of float, shape (n_terms,)
        The Zipf base distribution :math:`p^{(0)}`.
    group_probs : ndarray of float, shape (2, n_terms)
        Term distributions of groups ``"a"`` and ``"b"`` (before outlet
        effects).
    """

    counts: sp.csr_matrix
    groups: np.ndarray
    outlets: np.ndarray
    planted_terms: np.ndarray
    planted_direction: np.ndarray
    base_probs: np.ndarray
    group_probs: np.ndarray


def simulate_term_counts(
    *,
    n_docs_per_group: int,
    n_terms: int,
    dispersion: float,
    length_mean: float,
    length_sd: float = 0.0,
    group_effect: float = 0.0,
    n_effect_terms: int | None = None,
    zipf_exponent: float = 1.0,
    n_outlets_per_group: int = 1,
    outlet_sd: float = 0.0,
    random_state: int | None = DEFAULTS["seed"],
) -> SimulatedTermCounts:
    r"""Simulate bursty term counts for two groups of outlets with a planted difference.

    **Generative model.**

    1. Base vocabulary (Zipf): :math:`p^{(0)}_j \propto (j + 1)^{-a}`,
       :math:`j = 0..V-1`, :math:`a` = ``zipf_exponent``, :math:`V` =
       ``n_terms``.
    2. Planted difference: :math:`K` = ``n_effect_terms`` terms (default
       :math:`\max(2, \lfloor V/10 \rfloor)`) at the column indices
       ``round(linspace(0, V - 1, K))`` (spread over the frequency
       ranks); the 1st, 3rd, ... of them favour group ``a``
       (:math:`\delta_j = +1`), the 2nd, 4th, ... group ``b``
       (:math:`\delta_j = -1`), others :math:`\delta_j = 0`.  With
       :math:`\Delta` = ``group_effect``,

       .. math::

           p^{a}_j \propto p^{(0)}_j e^{+\Delta \delta_j / 2}, \qquad
           p^{b}_j \propto p^{(0)}_j e^{-\Delta \delta_j / 2},

       so a planted term's odds between the groups differ by the factor
       :math:`e^{\Delta}` (up to normalisation); :math:`\Delta = 0` is
       the null.
    3. Outlets: each group has ``n_outlets_per_group`` outlets; outlet
       :math:`o` of group :math:`g` uses
       :math:`p^{o}_j \propto p^{g}_j e^{u_{oj}}`,
       :math:`u_{oj} \sim N(0, \sigma_o^2)`, :math:`\sigma_o` =
       ``outlet_sd`` (outlet house style, a random effect).  Documents
       are assigned to their group's outlets in turn (document :math:`d`
       → outlet :math:`d \bmod O`).
    4. Documents: length :math:`m_d` = ``round(length_mean)`` when
       ``length_sd = 0``, else lognormal with that mean and sd (at least
       1); per-document term distribution
       :math:`\theta_d \sim \mathrm{Dirichlet}(p^{o(d)} / \phi)` with
       :math:`\phi` = ``dispersion`` (:math:`\phi = 0`:
       :math:`\theta_d = p^{o(d)}`), then
       :math:`c_d \sim \mathrm{Multinomial}(m_d, \theta_d)` — the
       Dirichlet-multinomial of Madsen et al. (2005), whose counts have
       :math:`\mathrm{Var}(c_{dj}) = m_d p_j (1 - p_j)
       \big(1 + (m_d - 1)\,\phi / (1 + \phi)\big)`.

    Parameters
    ----------
    n_docs_per_group : int
        Documents in each of the two groups (>= 1).
    n_terms : int
        Vocabulary size :math:`V` (>= 2).
    dispersion : float
        :math:`\phi \ge 0`, burstiness (0: plain multinomial).
    length_mean : float
        Mean document length in tokens (> 0).
    length_sd : float, default 0.0
        Standard deviation of document length (>= 0; 0 = fixed length).
    group_effect : float, default 0.0
        :math:`\Delta`, the log odds ratio planted on each planted term.
    n_effect_terms : int, optional
        :math:`K`, number of planted terms (1 .. ``n_terms``).
    zipf_exponent : float, default 1.0
        :math:`a \ge 0` (0: uniform vocabulary).
    n_outlets_per_group : int, default 1
        Outlets per group (>= 1, at most ``n_docs_per_group``).
    outlet_sd : float, default 0.0
        :math:`\sigma_o \ge 0`.
    random_state : int or None, default 0
        Root seed, as in :func:`simulate_scores`; the stream is
        ``framing.seeds.rng(random_state, "simulate_term_counts")``.

    Returns
    -------
    SimulatedTermCounts

    Raises
    ------
    TypeError, ValueError
        Any parameter of the wrong type or out of range; the message
        names the parameter, the value received and what is allowed.

    References
    ----------
    Madsen, R. E., Kauchak, D., & Elkan, C. (2005). Modeling word
    burstiness using the Dirichlet distribution. *ICML 2005*, 545–552.

    Zipf, G. K. (1949). *Human Behavior and the Principle of Least
    Effort*. Addison-Wesley.

    Examples
    --------
    >>> sim = simulate_term_counts(n_docs_per_group=20, n_terms=100, dispersion=0.5,
    ...                            length_mean=200, random_state=0)
    >>> sim.counts.shape, sorted(set(sim.groups.tolist()))
    ((40, 100), ['a', 'b'])
    """
    n_per = check_int("n_docs_per_group", n_docs_per_group, low=1)
    v = check_int("n_terms", n_terms, low=2)
    phi = check_number("dispersion", dispersion, low=0.0)
    m = check_number("length_mean", length_mean, low=0.0, low_open=True)
    s = check_number("length_sd", length_sd, low=0.0)
    delta = check_number("group_effect", group_effect)
    if n_effect_terms is None:
        k = max(2, v // 10)
    else:
        k = check_int("n_effect_terms", n_effect_terms, low=1)
        if k > v:
            raise ValueError(f"n_effect_terms: is {k} but n_terms is {v}; expected 1 <= n_effect_terms <= n_terms")
    a = check_number("zipf_exponent", zipf_exponent, low=0.0)
    n_out = check_int("n_outlets_per_group", n_outlets_per_group, low=1)
    if n_out > n_per:
        raise ValueError(
            f"n_outlets_per_group: is {n_out} but n_docs_per_group is {n_per}; every outlet needs a document"
        )
    sigma_o = check_number("outlet_sd", outlet_sd, low=0.0)
    rng = seeds.rng(random_state, "simulate_term_counts")

    base = (np.arange(1, v + 1, dtype=float)) ** (-a)
    base /= base.sum()
    planted = np.unique(np.rint(np.linspace(0, v - 1, k)).astype(np.int64))
    direction = np.where(np.arange(planted.size) % 2 == 0, 1, -1).astype(np.int64)
    shift = np.zeros(v)
    shift[planted] = direction * delta / 2.0
    group_probs = np.vstack([base * np.exp(shift), base * np.exp(-shift)])
    group_probs /= group_probs.sum(axis=1, keepdims=True)

    # draws, in a fixed order: outlet effects, lengths, document distributions, counts
    n_docs = 2 * n_per
    outlet_probs = np.repeat(group_probs, n_out, axis=0)  # rows: a1..aO, b1..bO
    if sigma_o > 0:
        outlet_probs = outlet_probs * np.exp(sigma_o * rng.standard_normal(outlet_probs.shape))
        outlet_probs /= outlet_probs.sum(axis=1, keepdims=True)
    group_index = np.repeat(np.array([0, 1]), n_per)
    outlet_within = np.tile(np.arange(n_per) % n_out, 2)
    outlet_index = group_index * n_out + outlet_within
    lengths = _lengths(rng, n_docs, m, s, "lognormal")
    probs = outlet_probs[outlet_index]
    if phi > 0:
        theta = np.empty_like(probs)
        for o in range(outlet_probs.shape[0]):  # one vectorised draw per outlet
            rows = np.flatnonzero(outlet_index == o)
            theta[rows] = rng.dirichlet(outlet_probs[o] / phi, size=rows.size)
        theta /= theta.sum(axis=1, keepdims=True)
    else:
        theta = probs
    counts = rng.multinomial(lengths, theta).astype(np.int64)

    group_labels = np.array(["a", "b"], dtype=object)[group_index]
    outlet_labels = np.array(
        [f"{g}{o + 1}" for g, o in zip(group_labels.tolist(), outlet_within.tolist())], dtype=object
    )
    return SimulatedTermCounts(
        counts=sp.csr_matrix(counts),
        groups=group_labels,
        outlets=outlet_labels,
        planted_terms=planted,
        planted_direction=direction,
        base_probs=base,
        group_probs=group_probs,
    )
