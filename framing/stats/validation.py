"""Validating a lexicon from coded sheets: precision, recall, agreement, pruning.

The coding sheets come from :mod:`framing.lexicon.validate` (``framing
lexicon sample``): a stratified random sample of a lexicon's hits (or of
sentences with and without hits), one sheet per coder, each unit marked
``correct`` 1/0.  :func:`validate_sheets` turns them into the tables a
reviewer asks for.  (It lives in :mod:`framing.report` because it needs
both the statistics stage and the lexicon's sheets; it computes with
:mod:`framing.stats.proportions` and :mod:`framing.stats.agreement` and
writes nothing.)

Consensus codes
---------------
Precision and recall use one code per unit: the majority of its coders'
codes.  A tie (one coder 1, one coder 0) is left out and counted
(``n_ties``); adjudicate such units (they are in the disagreements
table) and pass the adjudicated sheet as one more coder, or as the only
sheet.  The same tables are also given for each coder alone (``coder``
column), so a reader sees how much the choice of coder matters.

Precision (``unit="hit"``)
--------------------------
For a *domain* :math:`d` (all hits, a category, an entry), with strata
:math:`h` of the sample (``stratum``; categories or entries, crossed with
an outlet), :math:`N_h` the stratum's hits in the corpus
(``stratum_total``), :math:`n_h` its coded units and :math:`n_{hd}` of
them in the domain, the stratum's weight is :math:`N_h n_{hd}/n_h` (the
estimated number of the domain's hits in the stratum; :math:`N_h` when
the strata are the domain's own).  The domain's precision is the
weighted mean of the strata's proportions with the stratified Wilson
interval of :func:`framing.stats.precision_table` (Cochran 1977; Korn &
Graubard 1998), which treats the weights as known.  A domain within one
stratum gets the plain Wilson interval (Wilson 1927) of its coded hits.
Strata with hits but no coded unit cannot be weighted: they are left out
and their hits reported (``hits_uncovered``).

Pruning rule
------------
An entry is flagged ``prune`` when the upper bound of its precision
interval (consensus codes) is below ``prune_below`` (0.5): even the most
favourable precision consistent with the codes says most of its hits are
wrong.  With 95% intervals this needs at least four coded hits (0 of 4
gives an upper bound of 0.49), so rarely coded entries are never flagged
on thin evidence; they stay listed with wide intervals.

Recall (``unit="sentence"``)
----------------------------
Per category, :math:`A = \\sum_h N_h p_h` over the strata of sentences
with a hit and :math:`B = \\sum_h N_h p_h` over those without (``p_h`` the
share coded 1) estimate the sentences expressing the category that the
lexicon finds and misses; recall is :math:`A / (A + B)`.  Its interval is
simulated: each stratum's proportion is drawn from its Jeffreys posterior
:math:`\\mathrm{Beta}(x_h + 1/2, n_h - x_h + 1/2)` (Brown, Cai & DasGupta
2001), ``n_resamples`` times, with the stream
``framing.seeds.rng(random_state, "recall", category)``; the interval is
the percentile interval of the simulated recalls.  When a large stratum
is coded all 0 on few sentences, the plug-in recall (from the coded
proportions) can lie outside that interval (the posterior keeps a small
miss rate possible); the row's ``note`` then says so.

Agreement
---------
Krippendorff's alpha (nominal) of the coders' 1/0 codes over every unit
and within each category, with the bootstrap interval over units of
:func:`framing.stats.alpha_table` (stream ``rng(derive_seed(random_state,
"agreement", scope), "bootstrap")``).  It needs two or more coders.

References
----------
Brown, Cai & DasGupta (2001); Cochran (1977); Korn & Graubard (1998);
Krippendorff (2011); Wilson (1927) — see :mod:`framing.stats.proportions`
and :mod:`framing.stats.agreement`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..check import check_confidence, check_int, check_number, check_random_state
from ..lexicon.validate import check_sheet, coded_units
from ..seeds import derive_seed, rng
from .agreement import ALPHA_COLUMNS, alpha_table, reliability_table
from .proportions import precision_table
from ..vocab import DEFAULTS

__all__ = [
    "VALIDATION_PRECISION_COLUMNS", "VALIDATION_AGREEMENT_COLUMNS", "DISAGREEMENT_COLUMNS", "RECALL_COLUMNS",
    "CONSENSUS", "Validation", "validate_sheets",
]

#: The ``coder`` value of rows computed from consensus (majority) codes.
CONSENSUS = "(consensus)"
#: Columns of :attr:`Validation.precision`, in order.
VALIDATION_PRECISION_COLUMNS: tuple[str, ...] = (
    "coder", "level", "category", "entry", "n_coded", "n_correct", "n_ties", "precision", "ci_low", "ci_high",
    "n_effective", "method", "n_strata", "hits", "hits_uncovered", "prune", "confidence",
)
#: Columns of :attr:`Validation.agreement`: the scope, then :data:`framing.stats.agreement.ALPHA_COLUMNS`.
VALIDATION_AGREEMENT_COLUMNS: tuple[str, ...] = ("scope", *ALPHA_COLUMNS)
#: Columns of :attr:`Validation.disagreements`.
DISAGREEMENT_COLUMNS: tuple[str, ...] = (
    "unit_id", "unit", "doc_id", "category", "entry", "left", "match", "right", "codes", "notes",
)
#: Columns of :attr:`Validation.recall`.
RECALL_COLUMNS: tuple[str, ...] = (
    "coder", "category", "n_coded_hit", "n_coded_no_hit", "n_ties", "sentences_hit", "sentences_no_hit",
    "precision", "miss_rate", "recall", "ci_low", "ci_high", "method", "n_resamples", "confidence", "note",
)


@dataclass(frozen=True)
class Validation:
    """The tables of :func:`validate_sheets` (each with a fixed schema).

    Attributes
    ----------
    precision : pandas.DataFrame
        :data:`VALIDATION_PRECISION_COLUMNS`; ``level`` is ``overall``,
        ``category`` or ``entry``; ``coder`` is :data:`CONSENSUS` or one
        coder's name.  Empty when no hit units are coded.
    agreement : pandas.DataFrame
        :data:`VALIDATION_AGREEMENT_COLUMNS`; ``scope`` is ``all`` or a
        category.  Empty with fewer than two coders.
    disagreements : pandas.DataFrame
        :data:`DISAGREEMENT_COLUMNS`: units whose coders disagree, with
        ``codes`` (``alice=1; bob=0``) and ``notes``.
    recall : pandas.DataFrame
        :data:`RECALL_COLUMNS`; empty when no sentence units are coded.
    coders : tuple of str
    prune_below, confidence : float
    """

    precision: pd.DataFrame
    agreement: pd.DataFrame
    disagreements: pd.DataFrame
    recall: pd.DataFrame
    coders: tuple[str, ...]
    prune_below: float
    confidence: float

    def summary(self) -> str:
        """A readable summary of the consensus figures."""
        pct = f"{self.confidence:.0%}"
        lines = [f"Lexicon validation: {len(self.coders)} coder(s) ({', '.join(self.coders)})"]
        cons = self.precision[self.precision["coder"] == CONSENSUS] if not self.precision.empty else self.precision
        if not cons.empty:
            overall = cons[cons["level"] == "overall"].iloc[0]
            lines.append(f"Precision of all hits (weighted by hit volume): {overall.precision:.2f} "
                         f"[{overall.ci_low:.2f}, {overall.ci_high:.2f}] ({pct} CI; {int(overall.n_coded)} coded hits"
                         f"{'; ' + str(int(overall.n_ties)) + ' ties left out' if overall.n_ties else ''})")
            if overall.hits_uncovered > 0:
                lines.append(f"  {int(overall.hits_uncovered)} hits are in strata without a coded unit and are not "
                             "covered")
            lines.append("Per category:")
            for row in cons[cons["level"] == "category"].itertuples(index=False):
                lines.append(f"  {row.category:<24} {row.precision:5.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]  "
                             f"n={row.n_coded:<4} hits={row.hits}")
            flagged = cons[(cons["level"] == "entry") & cons["prune"].astype(bool)]
            lines.append(f"Entries flagged for pruning (upper {pct} bound < {self.prune_below:g}): "
                         f"{len(flagged) or 'none'}")
            for row in flagged.itertuples(index=False):
                lines.append(f"  {row.category}/{row.entry}: {row.n_correct} of {row.n_coded} correct, upper bound "
                             f"{row.ci_high:.2f}")
        if not self.recall.empty:
            lines.append("Recall (sentences with and without hits):")
            for row in self.recall[self.recall["coder"] == CONSENSUS].itertuples(index=False):
                value = "n/a" if math.isnan(row.recall) else f"{row.recall:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"
                lines.append(f"  {row.category:<24} {value}{'  (' + row.note + ')' if row.note else ''}")
        if self.agreement.empty:
            lines.append("Agreement: needs two or more coders")
        else:
            row = self.agreement[self.agreement["scope"] == "all"].iloc[0]
            value = "undefined" if math.isnan(row.alpha) else \
                f"{row.alpha:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}]"
            lines.append(f"Krippendorff's alpha (nominal, all units): {value} over {int(row.n_units)} units"
                         f"{' (' + row.note + ')' if row.note else ''}")
            lines.append(f"Units the coders disagree on: {len(self.disagreements)}")
        return "\n".join(lines)


def _consensus(long: pd.DataFrame) -> pd.DataFrame:
    """One row per unit with the majority code (NaN on a tie)."""
    mean = long.groupby("unit_id", sort=True)["correct"].mean()
    code = np.where(mean > 0.5, 1.0, np.where(mean < 0.5, 0.0, np.nan))
    first = long.drop_duplicates("unit_id").set_index("unit_id").loc[mean.index]
    out = first.reset_index()
    out["correct"] = code
    return out


def _domain(units: pd.DataFrame, mask: np.ndarray, totals: dict[str, int], confidence: float) -> dict[str, Any]:
    """Weighted precision of the coded units in ``mask`` (see the module docstring)."""
    coded = units[units["correct"].notna()]
    inside = coded[mask[units["correct"].notna().to_numpy()]]
    n_h = coded.groupby("stratum")["correct"].size()
    strata = sorted(set(inside["stratum"]))
    if len(strata) == 1:
        row = precision_table(inside, by="stratum", confidence=confidence).iloc[0]
        method = "wilson"
    else:
        n_hd = inside.groupby("stratum")["correct"].size()
        weights = {s: totals[s] * n_hd[s] / n_h[s] for s in strata}
        row = precision_table(inside, by="stratum", weights=weights, confidence=confidence).iloc[-1]
        method = row["method"]
    return {"n_coded": int(row["n_coded"]), "n_correct": int(row["n_correct"]), "precision": float(row["precision"]),
            "ci_low": float(row["ci_low"]), "ci_high": float(row["ci_high"]),
            "n_effective": float(row["n_effective"]), "method": method, "n_strata": len(strata)}


def _precision_rows(units: pd.DataFrame, coder: str, strata: dict[str, tuple[str, str | None]],
                    totals: dict[str, int], prune_below: float, confidence: float) -> list[dict[str, Any]]:
    """``strata``: every hit stratum of the sample -> (category, entry if the strata are entries)."""
    units = units[["category", "entry", "stratum", "correct"]].reset_index(drop=True)  # slim: faster slicing
    tie = units["correct"].isna().to_numpy()
    covered_all = set(units.loc[~tie, "stratum"])
    scopes: list[tuple[str, Any, Any, np.ndarray]] = [("overall", None, None, np.ones(len(units), dtype=bool))]
    for category in sorted(set(units["category"])):
        in_category = (units["category"] == category).to_numpy()
        scopes.append(("category", category, None, in_category))
        for entry in sorted(set(units.loc[in_category, "entry"])):
            scopes.append(("entry", category, entry, in_category & (units["entry"] == entry).to_numpy()))
    rows = []
    for level, category, entry, mask in scopes:
        own = [s for s, (c, e) in strata.items()
               if level == "overall" or (c == category and (level == "category" or e == entry))]
        covered = set(units.loc[mask & ~tie, "stratum"])
        row: dict[str, Any] = {"coder": coder, "level": level, "category": category, "entry": entry,
                               "n_ties": int((mask & tie).sum()), "confidence": confidence}
        if level == "entry" and not all(strata[s][1] == entry for s in set(units.loc[mask, "stratum"])):
            # sampled per category: the entry's share of a stratum's hits is not recorded
            row["hits"], row["hits_uncovered"] = np.nan, np.nan
        else:
            row["hits"] = int(sum(totals[s] for s in own if s in covered_all and s in covered))
            row["hits_uncovered"] = int(sum(totals[s] for s in own if s not in covered_all))
        if covered:
            row.update(_domain(units, mask, totals, confidence))
        else:
            row.update({"n_coded": 0, "n_correct": 0, "precision": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                        "n_effective": 0.0, "method": "none", "n_strata": 0})
        row["prune"] = bool(level == "entry" and covered and row["ci_high"] < prune_below)
        rows.append(row)
    return rows


def _recall_rows(units: pd.DataFrame, coder: str, totals: dict[str, int], confidence: float, n_resamples: int,
                 random_state: int | None) -> list[dict[str, Any]]:
    rows = []
    tail = (1 - confidence) / 2
    for category in sorted(set(units["category"])):
        sub = units[units["category"] == category]
        ties = int(sub["correct"].isna().sum())
        coded = sub[sub["correct"].notna()]
        tally = coded.groupby("stratum")["correct"].agg(["size", "sum"])
        strata = sorted(set(sub["stratum"]))
        hit = [s for s in strata if s.endswith("|sample=hit")]
        miss = [s for s in strata if s.endswith("|sample=no_hit")]
        notes = []
        uncovered = [s for s in strata if s not in tally.index]
        if uncovered:
            notes.append(f"{len(uncovered)} strata without coded sentences left out")
        hit_c, miss_c = [s for s in hit if s in tally.index], [s for s in miss if s in tally.index]
        row = {"coder": coder, "category": category, "n_ties": ties,
               "n_coded_hit": int(tally.loc[hit_c, "size"].sum()) if hit_c else 0,
               "n_coded_no_hit": int(tally.loc[miss_c, "size"].sum()) if miss_c else 0,
               "sentences_hit": int(sum(totals[s] for s in hit)), "sentences_no_hit": int(sum(totals[s] for s in miss)),
               "method": "jeffreys_simulation", "n_resamples": n_resamples, "confidence": confidence}

        def volume(strata_: list[str]) -> tuple[float, float]:
            n = sum(totals[s] for s in strata_)
            found = sum(totals[s] * tally.at[s, "sum"] / tally.at[s, "size"] for s in strata_)
            return found, n

        found_hit, n_hit = volume(hit_c)
        found_miss, n_miss = volume(miss_c)
        row["precision"] = found_hit / n_hit if n_hit else np.nan
        row["miss_rate"] = found_miss / n_miss if n_miss else np.nan
        if not hit_c or (not miss_c and row["sentences_no_hit"] > 0):
            notes.append("needs coded sentences with and without hits")
            row.update(recall=np.nan, ci_low=np.nan, ci_high=np.nan)
        elif found_hit + found_miss == 0:
            notes.append("no sentence coded 1: recall is undefined")
            row.update(recall=np.nan, ci_low=np.nan, ci_high=np.nan)
        else:
            row["recall"] = found_hit / (found_hit + found_miss)
            generator = rng(random_state, "recall", category)
            draws = {}
            for s in hit_c + miss_c:
                x, n = tally.at[s, "sum"], tally.at[s, "size"]
                draws[s] = generator.beta(x + 0.5, n - x + 0.5, size=n_resamples) * totals[s]
            a = sum(draws[s] for s in hit_c)
            b = sum(draws[s] for s in miss_c) if miss_c else np.zeros(n_resamples)
            simulated = a / (a + b)
            row["ci_low"], row["ci_high"] = (float(v) for v in np.quantile(simulated, [tail, 1 - tail]))
            if not row["ci_low"] <= row["recall"] <= row["ci_high"]:
                notes.append("the plug-in recall lies outside its interval (a stratum coded all 0 or all 1 on few "
                             "sentences); code more sentences")
        row["note"] = "; ".join(notes)
        rows.append(row)
    return rows


def _disagreements(long: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for unit_id, group in long.groupby("unit_id", sort=True):
        if group["correct"].nunique() < 2:
            continue
        first = group.iloc[0]
        codes = "; ".join(f"{c}={int(v)}" for c, v in zip(group["coder"], group["correct"]))
        notes = "; ".join(f"{c}: {n}" for c, n in zip(group["coder"], group["note"]) if str(n).strip())
        rows.append({"unit_id": unit_id, "unit": first["unit"], "doc_id": first["doc_id"],
                     "category": first["category"], "entry": first["entry"], "left": first["left"],
                     "match": first["match"], "right": first["right"], "codes": codes, "notes": notes})
    return pd.DataFrame(rows, columns=list(DISAGREEMENT_COLUMNS))


def _agreement(long: pd.DataFrame, confidence: float, n_resamples: int, random_state: int | None) -> pd.DataFrame:
    tables = []
    for scope in ["all", *sorted(set(long["category"]))]:
        sub = long if scope == "all" else long[long["category"] == scope]
        data = reliability_table(sub, unit="unit_id", coder="coder", value="correct")
        seed = None if random_state is None else derive_seed(random_state, "agreement", scope)
        table = alpha_table(data, level="nominal", confidence=confidence, n_resamples=n_resamples, random_state=seed)
        table.insert(0, "scope", scope)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)[list(VALIDATION_AGREEMENT_COLUMNS)]


def validate_sheets(sheets: Sequence[pd.DataFrame], *, confidence: float = float(DEFAULTS["confidence"]),
                    prune_below: float = float(DEFAULTS["validation_prune_below"]), n_resamples: int = int(DEFAULTS["n_resamples"]),
                    random_state: int | None = 0) -> Validation:
    """Precision, recall, agreement and pruning candidates from coded sheets.

    Parameters
    ----------
    sheets : sequence of pandas.DataFrame
        One coding sheet per coder, all of the same sample
        (:func:`framing.lexicon.validate.read_sheet` reads them; the
        coded rows of each must name their coder).
    confidence : float, default 0.95
        Coverage of every interval.
    prune_below : float, default 0.5
        Entries whose precision interval lies wholly below this are
        flagged ``prune`` (see the module docstring).
    n_resamples : int, default 4999
        Bootstrap resamples of alpha's interval and simulations of the
        recall interval.
    random_state : int or None, default 0
        Root seed of both.

    Returns
    -------
    Validation

    Raises
    ------
    ValueError
        For sheets that are not codings of one sample (see
        :func:`framing.lexicon.validate.coded_units`), and for bad options.
    """
    confidence = check_confidence(confidence)
    prune_below = check_number("prune_below", prune_below, low=0.0, high=1.0, low_open=True)
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    random_state = check_random_state(random_state)
    long = coded_units(sheets)
    totals: dict[str, int] = {}
    hit_strata: dict[str, tuple[str, str | None]] = {}
    for i, sheet in enumerate(sheets):
        checked = check_sheet(sheet, name=f"sheets[{i}]")
        for stratum, total, unit, category, entry in zip(*(checked[c] for c in (
                "stratum", "stratum_total", "unit", "category", "entry"))):
            total = int(total)
            if totals.setdefault(stratum, total) != total:
                raise ValueError(f"sheets[{i}]: stratum {stratum!r} has stratum_total {total}, another sheet "
                                 f"{totals[stratum]}; the sheets are not codings of the same sample")
            if unit == "hit":
                per_entry = f"|entry={entry}" in f"|{stratum}"
                hit_strata[stratum] = (str(category), str(entry) if per_entry else None)
    coders = tuple(sorted(set(long["coder"])))
    precision_rows: list[dict[str, Any]] = []
    recall_rows: list[dict[str, Any]] = []
    subsets = [(CONSENSUS, _consensus(long))] + ([(c, long[long["coder"] == c]) for c in coders]
                                                 if len(coders) > 1 else [])
    for coder, units in subsets:
        hit_units = units[units["unit"] == "hit"].reset_index(drop=True)
        sentence_units = units[units["unit"] == "sentence"].reset_index(drop=True)
        if not hit_units.empty:
            precision_rows += _precision_rows(hit_units, coder, hit_strata, totals, prune_below, confidence)
        if not sentence_units.empty:
            recall_rows += _recall_rows(sentence_units, coder, totals, confidence, n_resamples, random_state)
    precision = pd.DataFrame(precision_rows, columns=list(VALIDATION_PRECISION_COLUMNS))
    precision = precision.astype({"hits": "Int64", "hits_uncovered": "Int64", "n_strata": "int64"})
    recall = pd.DataFrame(recall_rows, columns=list(RECALL_COLUMNS))
    if len(coders) > 1:
        agreement = _agreement(long, confidence, n_resamples, random_state)
    else:
        agreement = pd.DataFrame(columns=list(VALIDATION_AGREEMENT_COLUMNS))
    return Validation(precision, agreement, _disagreements(long), recall, coders, prune_below, confidence)
