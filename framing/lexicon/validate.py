"""Coding sheets for validating a lexicon: stratified samples and reading codes back.

A reviewer's first question about a dictionary study is whether the
words measure the construct *in this corpus*.  The answer is a coded
sample: people read a random sample of the lexicon's hits in context and
mark each as correct (the cue carries the category's frame) or not, which
estimates precision; coding sentences *without* hits as well estimates
what the lexicon misses (recall).

This module draws the samples from a hits table (the output of
:func:`framing.match.hits`) and reads coded sheets back; the statistics
are in :mod:`framing.stats.validation` and the offline coding page in
:mod:`framing.report.coding`.

Sampling design
---------------
``unit="hit"``
    The population is every hit in the table (one row per hit and
    category; negated hits included, marked ``negated``).  Strata are the
    categories (``per_category=n``) or the entries (``per_entry=n``),
    crossed with the values of a ``by`` column (an outlet) when given.
    From each stratum ``min(n, stratum size)`` hits are drawn at random
    without replacement.
``unit="sentence"``
    The population is every sentence of the scored part (rule-based
    sentences, :func:`framing.text.sentence_spans`).  For each category
    (crossed with ``by``) there are two strata: sentences with at least
    one hit of the category and sentences without; ``per_category=n``
    sentences are drawn from each.  Coders mark whether the sentence
    expresses the category (1/0), so a 1 in the ``no_hit`` stratum is a
    sentence the lexicon missed.

Every stratum records its size in the population (``stratum_total``: its
hits, or its sentences), which :mod:`framing.stats.validation` uses to
weight precision back to the hit volume.  Draws are reproducible: the
stratum ``s`` uses the stream ``framing.seeds.rng(random_state,
"lexicon.sample", s)``, so a stratum's draw does not depend on which
other strata exist, on the corpus order (units are sorted by document,
offsets, category and entry before drawing) or on ``PYTHONHASHSEED``;
the sheet's row order is shuffled with the stream ``"lexicon.sample.order"``
so coders do not see one category's hits in a block.

Sheet schema
------------
:data:`SHEET_COLUMNS`: ``unit_id`` (``doc_id:start-end:category`` for
hits, ``doc_id:s<sentence>:category`` for sentences; the key that joins
coders' sheets), ``unit`` (``hit``/``sentence``), ``doc_id``, ``outlet``,
``category``, ``entry`` (for sentences the ``;``-joined entries hit in it,
empty if none), ``has_hit``, ``left``, ``match``, ``right`` (the hit, or
the whole sentence, with up to ``width`` characters of context, line
breaks as spaces), ``start``, ``end`` (character offsets in the scored
part), ``sentence`` (rule-based sentence number), ``voice``, ``negated``,
``by`` (the stratifying column's name, empty without one), ``group`` (its
value), ``stratum``, ``stratum_total``, ``stratum_sampled``, then the
code columns :data:`CODE_COLUMNS` ``coder``, ``correct`` (1/0; empty
until coded) and ``note``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..check import check_int, check_random_state, check_str, describe
from ..seeds import rng
from ..text import sentence_spans

__all__ = [
    "SHEET_COLUMNS", "CODE_COLUMNS", "UNITS", "HIT_TABLE_COLUMNS", "sample_hits", "sample_sentences",
    "read_sheet", "check_sheet", "coded_units",
]

#: What a sheet's rows are.
UNITS: tuple[str, ...] = ("hit", "sentence")
#: The columns a coder fills in.
CODE_COLUMNS: tuple[str, ...] = ("coder", "correct", "note")
#: The columns of a coding sheet, in order.
SHEET_COLUMNS: tuple[str, ...] = (
    "unit_id", "unit", "doc_id", "outlet", "category", "entry", "has_hit", "left", "match", "right", "start", "end",
    "sentence", "voice", "negated", "by", "group", "stratum", "stratum_total", "stratum_sampled", *CODE_COLUMNS,
)
#: The columns of a hits table the samplers read (``framing.match.HIT_COLUMNS`` has them all).
HIT_TABLE_COLUMNS: tuple[str, ...] = (
    "doc_id", "outlet", "category", "entry", "start", "end", "sentence", "voice", "negated",
)
_IDENTITY = ("unit", "doc_id", "category", "start", "end")


def _texts(corpus: Any, part: str) -> dict[str, str]:
    if not isinstance(corpus, pd.DataFrame):
        frame = getattr(corpus, "frame", None)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"corpus: expected a DataFrame (or a framing Corpus), got {type(corpus).__name__}")
        corpus = frame
    for column in ("doc_id", part):
        if column not in corpus.columns:
            raise ValueError(f"corpus: no {column!r} column; it has {', '.join(map(str, corpus.columns))}")
    out: dict[str, str] = {}
    for doc_id, text in zip(corpus["doc_id"].astype(str), corpus[part]):
        out[doc_id] = text if isinstance(text, str) else ""
    return out


def _frame(corpus: Any) -> pd.DataFrame:
    return corpus if isinstance(corpus, pd.DataFrame) else corpus.frame


def _check_hits(hits: Any) -> pd.DataFrame:
    if not isinstance(hits, pd.DataFrame):
        raise TypeError(f"hits: expected a DataFrame of hits (framing.match.hits), got {type(hits).__name__}")
    missing = [c for c in HIT_TABLE_COLUMNS if c not in hits.columns]
    if missing:
        raise ValueError(f"hits: missing column(s) {', '.join(missing)}; expected the table of framing.match.hits")
    return hits


def _groups(hits_or_units: pd.DataFrame, corpus: Any, by: str | None) -> pd.Series:
    """The ``by`` value of each row (from the row, else the document's)."""
    if by is None:
        return pd.Series([""] * len(hits_or_units), index=hits_or_units.index, dtype=object)
    by = check_str("by", by)
    if by in hits_or_units.columns:
        values = hits_or_units[by]
    else:
        frame = _frame(corpus)
        if by not in frame.columns:
            raise ValueError(f"by: column {by!r} is in neither the hits nor the corpus; the corpus has "
                             f"{', '.join(map(str, frame.columns))}")
        lookup = dict(zip(frame["doc_id"].astype(str), frame[by]))
        values = hits_or_units["doc_id"].astype(str).map(lookup)
    if values.isna().any():
        raise ValueError(f"by: column {by!r} is missing for {int(values.isna().sum())} units; fill it or stratify "
                         "by another column")
    return values.astype(str)


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    def flat(s: str) -> str:
        return s.replace("\r", " ").replace("\n", " ")
    return flat(text[max(0, start - width):start]), flat(text[start:end]), flat(text[end:end + width])


def _draw(keys: list[str], sizes: dict[str, int], n: int, random_state: int | None) -> dict[str, np.ndarray]:
    """Positions drawn in each stratum (sorted)."""
    out = {}
    for key in keys:
        size = sizes[key]
        take = min(n, size)
        picks = rng(random_state, "lexicon.sample", key).permutation(size)[:take]
        out[key] = np.sort(picks)
    return out


def _finish(rows: pd.DataFrame, random_state: int | None) -> pd.DataFrame:
    rows = rows.sort_values("unit_id", kind="mergesort").reset_index(drop=True)
    order = rng(random_state, "lexicon.sample.order").permutation(len(rows))
    sheet = rows.iloc[order].reset_index(drop=True)
    sheet["coder"] = ""
    sheet["correct"] = pd.Series([pd.NA] * len(sheet), dtype="Int64")
    sheet["note"] = ""
    return sheet[list(SHEET_COLUMNS)]


def _stratum_key(parts: Iterable[tuple[str, str]]) -> str:
    return "|".join(f"{name}={value}" for name, value in parts)


def sample_hits(hits: pd.DataFrame, corpus: Any, *, per_category: int | None = None, per_entry: int | None = None,
                by: str | None = None, part: str = "text", width: int = 100,
                random_state: int | None = 0) -> pd.DataFrame:
    """A stratified random sample of hits as a coding sheet.

    Parameters
    ----------
    hits : pandas.DataFrame
        Hits of one lexicon on the corpus (:func:`framing.match.hits`,
        columns :data:`HIT_TABLE_COLUMNS` at least).  The population.
    corpus : pandas.DataFrame or Corpus
        The documents the hits were found in (``doc_id`` and the ``part``
        column), for the context.
    per_category, per_entry : int
        Hits drawn per category or per entry (exactly one of them); a
        stratum with fewer hits is taken whole.
    by : str, optional
        A further stratifying column of the hits or the corpus (e.g.
        ``"outlet"``): ``n`` hits per category (or entry) *and* value.
    part : str, default "text"
        The part the hits were found in.
    width : int, default 100
        Characters of context on each side.
    random_state : int or None, default 0
        Root seed of the draws (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        A sheet with the columns :data:`SHEET_COLUMNS`, code columns empty.

    Raises
    ------
    ValueError
        If both or neither of ``per_category`` and ``per_entry`` are given,
        a count is < 1, a column is missing or a hit's document is not in
        the corpus.
    """
    if (per_category is None) == (per_entry is None):
        raise ValueError("per_category, per_entry: expected exactly one of them, got "
                         f"{'both' if per_category is not None else 'neither'}")
    level = "category" if per_category is not None else "entry"
    n = check_int(f"per_{level}", per_category if per_category is not None else per_entry, low=1)
    width = check_int("width", width, low=0)
    random_state = check_random_state(random_state)
    part = check_str("part", part)
    hits = _check_hits(hits)
    texts = _texts(corpus, part)
    unknown = sorted(set(hits["doc_id"].astype(str)) - set(texts))
    if unknown:
        raise ValueError(f"hits: document {unknown[0]!r} is not in the corpus ({len(unknown)} unknown documents); "
                         "sample with the corpus the hits were found in")
    table = hits.reset_index(drop=True).copy()
    table["doc_id"] = table["doc_id"].astype(str)
    table["group"] = _groups(table, corpus, by).to_numpy()
    table = table.sort_values(["doc_id", "start", "end", "category", "entry"], kind="mergesort").reset_index(drop=True)
    strata_parts = [("category", table["category"].astype(str))]
    if level == "entry":
        strata_parts.append(("entry", table["entry"].astype(str)))
    if by is not None:
        strata_parts.append((by, table["group"]))
    keys = [_stratum_key(zip([name for name, _ in strata_parts], values))
            for values in zip(*[col.tolist() for _, col in strata_parts])] if len(table) else []
    table["stratum"] = keys
    members: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        members.setdefault(key, []).append(i)
    sizes = {key: len(rows) for key, rows in members.items()}
    drawn = _draw(sorted(members), sizes, n, random_state)
    chosen = [members[key][j] for key in sorted(members) for j in drawn[key]]
    sample = table.iloc[chosen].reset_index(drop=True)
    rows = []
    for rec in sample.itertuples(index=False):
        left, match, right = _context(texts[rec.doc_id], int(rec.start), int(rec.end), width)
        rows.append({
            "unit_id": f"{rec.doc_id}:{int(rec.start)}-{int(rec.end)}:{rec.category}", "unit": "hit",
            "doc_id": rec.doc_id, "outlet": rec.outlet, "category": rec.category, "entry": rec.entry,
            "has_hit": True, "left": left, "match": match, "right": right, "start": int(rec.start),
            "end": int(rec.end), "sentence": int(rec.sentence), "voice": rec.voice, "negated": bool(rec.negated),
            "by": by or "", "group": rec.group, "stratum": rec.stratum, "stratum_total": sizes[rec.stratum],
            "stratum_sampled": len(drawn[rec.stratum]),
        })
    return _finish(pd.DataFrame(rows, columns=list(SHEET_COLUMNS[:-len(CODE_COLUMNS)])), random_state)


def sample_sentences(hits: pd.DataFrame, corpus: Any, *, categories: Sequence[str], per_category: int,
                     by: str | None = None, part: str = "text", width: int = 100,
                     random_state: int | None = 0) -> pd.DataFrame:
    """A sample of sentences with and without hits of each category, for recall.

    Parameters
    ----------
    hits : pandas.DataFrame
        Hits of the lexicon (:func:`framing.match.hits`) in the scored
        voice: a sentence "has a hit" of a category when one of these hits
        starts in it.
    corpus : pandas.DataFrame or Corpus
        Every document of the population (``doc_id``, ``outlet`` and the
        ``part`` column); documents without text have no sentences.
    categories : sequence of str
        The lexicon's categories (those without hits still get a
        ``no_hit`` stratum).
    per_category : int
        Sentences drawn from each stratum (with hits, without hits) of
        each category (and ``by`` value).
    by, part, width, random_state
        As in :func:`sample_hits`.

    Returns
    -------
    pandas.DataFrame
        A sheet with the columns :data:`SHEET_COLUMNS`: ``unit`` is
        ``"sentence"``, ``match`` the sentence, ``has_hit`` whether it has
        a hit of the row's category, ``stratum`` ends in
        ``|sample=hit`` or ``|sample=no_hit``.
    """
    n = check_int("per_category", per_category, low=1)
    width = check_int("width", width, low=0)
    random_state = check_random_state(random_state)
    part = check_str("part", part)
    hits = _check_hits(hits)
    if isinstance(categories, str) or not isinstance(categories, Sequence) or not categories:
        raise ValueError(f"categories: expected a non-empty list of category names, got {describe(categories)}")
    categories = list(dict.fromkeys(str(c) for c in categories))
    texts = _texts(corpus, part)
    frame = _frame(corpus)
    if "outlet" not in frame.columns:
        raise ValueError(f"corpus: no 'outlet' column; it has {', '.join(map(str, frame.columns))}")
    outlets = dict(zip(frame["doc_id"].astype(str), frame["outlet"].astype(str)))
    unknown = sorted(set(hits["doc_id"].astype(str)) - set(texts))
    if unknown:
        raise ValueError(f"hits: document {unknown[0]!r} is not in the corpus ({len(unknown)} unknown documents); "
                         "sample with the corpus the hits were found in")
    unknown_categories = sorted(set(hits["category"].astype(str)) - set(categories))
    if unknown_categories:
        raise ValueError(f"hits: category {unknown_categories[0]!r} is not among categories "
                         f"({', '.join(categories)})")
    sentences = [(doc_id, i, start, end) for doc_id in sorted(texts)
                 for i, (start, end) in enumerate(sentence_spans(texts[doc_id]))]
    units = pd.DataFrame(sentences, columns=["doc_id", "sentence", "start", "end"])
    units["group"] = _groups(units, corpus, by).to_numpy() if len(units) else pd.Series(dtype=object)
    hit_entries: dict[tuple[str, int, str], list[str]] = {}
    for doc_id, sentence, category, entry in zip(hits["doc_id"].astype(str), hits["sentence"].astype(int),
                                                 hits["category"].astype(str), hits["entry"].astype(str)):
        hit_entries.setdefault((doc_id, sentence, category), []).append(entry)
    rows = []
    for category in categories:
        has = np.array([(d, s, category) in hit_entries for d, s in zip(units["doc_id"], units["sentence"])],
                       dtype=bool)
        members: dict[str, list[int]] = {}
        for i, (flag, group) in enumerate(zip(has, units["group"])):
            parts = [("category", category)] + ([(by, group)] if by is not None else []) + \
                [("sample", "hit" if flag else "no_hit")]
            members.setdefault(_stratum_key(parts), []).append(i)
        sizes = {key: len(v) for key, v in members.items()}
        drawn = _draw(sorted(members), sizes, n, random_state)
        for key in sorted(members):
            for j in drawn[key]:
                i = members[key][j]
                doc_id, sentence, start, end, group = (units.at[i, c] for c in
                                                       ("doc_id", "sentence", "start", "end", "group"))
                left, match, right = _context(texts[doc_id], int(start), int(end), width)
                entries = sorted(set(hit_entries.get((doc_id, int(sentence), category), [])))
                rows.append({
                    "unit_id": f"{doc_id}:s{int(sentence)}:{category}", "unit": "sentence", "doc_id": doc_id,
                    "outlet": outlets.get(doc_id, ""), "category": category, "entry": ";".join(entries),
                    "has_hit": bool(has[i]), "left": left, "match": match, "right": right, "start": int(start),
                    "end": int(end), "sentence": int(sentence), "voice": "", "negated": False, "by": by or "",
                    "group": group, "stratum": key, "stratum_total": sizes[key], "stratum_sampled": len(drawn[key]),
                })
    return _finish(pd.DataFrame(rows, columns=list(SHEET_COLUMNS[:-len(CODE_COLUMNS)])), random_state)


# ------------------------------------------------------------------ reading coded sheets

def _code(value: Any) -> float:
    """A ``correct`` cell as 1.0 / 0.0, NaN when empty; None when invalid."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return math.nan
    text = str(value).strip().lower()
    if text == "":
        return math.nan
    return {"1": 1.0, "0": 0.0, "1.0": 1.0, "0.0": 0.0, "true": 1.0, "false": 0.0}.get(text)  # type: ignore[return-value]


def check_sheet(sheet: pd.DataFrame, *, name: str = "sheet") -> pd.DataFrame:
    """Check a (coded) sheet and return it with ``correct`` as a float
    column (1.0, 0.0, NaN where uncoded) and ``coder`` as strings.

    Raises
    ------
    ValueError
        Naming ``name``: a missing column, a duplicated ``unit_id``, a
        ``correct`` cell other than 1/0 (or empty), a unit coded without a
        coder name, or a stratum whose ``stratum_total`` differs between
        rows.
    """
    if not isinstance(sheet, pd.DataFrame):
        raise TypeError(f"{name}: expected a DataFrame, got {type(sheet).__name__}")
    missing = [c for c in SHEET_COLUMNS if c not in sheet.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; a coding sheet has "
                         f"{', '.join(SHEET_COLUMNS)}")
    if sheet.empty:
        raise ValueError(f"{name}: the sheet has no rows")
    out = sheet.copy()
    twice = out["unit_id"].duplicated()
    if twice.any():
        raise ValueError(f"{name}: unit_id {out.loc[twice, 'unit_id'].iloc[0]!r} appears more than once")
    codes = [_code(v) for v in out["correct"]]
    bad = [i for i, c in enumerate(codes) if c is None]
    if bad:
        i = bad[0]
        raise ValueError(f"{name}: correct: expected 1 or 0 (or empty if not coded), got "
                         f"{describe(out['correct'].iloc[i])} for unit {out['unit_id'].iloc[i]!r}")
    out["correct"] = np.array(codes, dtype=float)
    out["coder"] = out["coder"].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v))
                                    else str(v).strip())
    out["note"] = out["note"].map(lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
    kinds = set(out["unit"].astype(str))
    if not kinds <= set(UNITS):
        raise ValueError(f"{name}: unit: expected {' or '.join(UNITS)}, got {sorted(kinds - set(UNITS))[0]!r}")
    totals = out.groupby("stratum", sort=True)["stratum_total"].nunique()
    if (totals > 1).any():
        raise ValueError(f"{name}: stratum {totals[totals > 1].index[0]!r} has different stratum_total values")
    return out


def read_sheet(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a coding sheet (CSV, as written by ``framing lexicon sample`` or
    the coding page) and check it with :func:`check_sheet`.

    A sheet holds one coder's codes.  An empty ``coder`` column on coded
    rows is filled with the file's stem; two coder names in one file is
    an error.

    Raises
    ------
    ValueError
        For an unreadable file, a sheet failing :func:`check_sheet`, or
        more than one coder in the file.
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"sheet {str(path)!r}: no such file")
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"sheet {str(path)!r}: not a readable CSV ({exc})") from None
    sheet = check_sheet(frame, name=f"sheet {str(path)!r}")
    for column, kind in (("start", int), ("end", int), ("sentence", int), ("stratum_total", int),
                         ("stratum_sampled", int)):
        try:
            sheet[column] = sheet[column].astype(kind)
        except ValueError:
            raise ValueError(f"sheet {str(path)!r}: {column}: expected whole numbers") from None
    for column in ("has_hit", "negated"):
        sheet[column] = sheet[column].astype(str).str.lower().isin(["true", "1"])
    names = sorted(set(sheet["coder"]) - {""})
    if len(names) > 1:
        raise ValueError(f"sheet {str(path)!r}: coder: expected one coder per sheet, got {', '.join(map(repr, names))}")
    coded = sheet["correct"].notna()
    sheet.loc[coded & (sheet["coder"] == ""), "coder"] = names[0] if names else file.stem
    return sheet


def coded_units(sheets: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Several coders' sheets of the same sample as one long table.

    Each sheet is one coder's (checked with :func:`check_sheet`; its coded
    rows must name a coder).  Units are joined on ``unit_id``; a unit
    whose document, category, offsets or unit kind differ between sheets
    is an error, so sheets from different samples are never mixed.

    Returns
    -------
    pandas.DataFrame
        The coded rows of every sheet (``correct`` not NaN), columns
        :data:`SHEET_COLUMNS`, sorted by ``unit_id`` then ``coder``.

    Raises
    ------
    ValueError
        If no sheet is given, two sheets share a coder, coded rows have no
        coder name, units conflict between sheets, or nothing is coded.
    """
    if isinstance(sheets, pd.DataFrame) or not isinstance(sheets, Sequence) or not sheets:
        raise ValueError(f"sheets: expected a non-empty list of coding sheets, got {describe(sheets)}")
    checked = [check_sheet(s, name=f"sheets[{i}]") for i, s in enumerate(sheets)]
    coders: dict[str, int] = {}
    reference: dict[str, tuple] = {}
    parts = []
    for i, sheet in enumerate(checked):
        coded = sheet[sheet["correct"].notna()]
        unnamed = coded["coder"] == ""
        if unnamed.any():
            raise ValueError(f"sheets[{i}]: unit {coded.loc[unnamed, 'unit_id'].iloc[0]!r} is coded without a coder "
                             "name; fill the coder column")
        for coder in sorted(set(coded["coder"])):
            if coder in coders and coders[coder] != i:
                raise ValueError(f"sheets[{i}]: coder {coder!r} also coded sheets[{coders[coder]}]; give each "
                                 "coder's sheet once")
            coders[coder] = i
        for rec in sheet[["unit_id", *_IDENTITY]].itertuples(index=False):
            identity = tuple(str(v) for v in rec[1:])
            prior = reference.setdefault(rec.unit_id, identity)
            if prior != identity:
                raise ValueError(f"sheets[{i}]: unit {rec.unit_id!r} differs from the same unit in an earlier sheet "
                                 f"({', '.join(_IDENTITY)}: {identity} vs {prior}); the sheets are not codings of "
                                 "the same sample")
        parts.append(coded)
    long = pd.concat(parts, ignore_index=True)
    if long.empty:
        raise ValueError("sheets: no unit is coded; fill the correct column with 1 or 0")
    return long.sort_values(["unit_id", "coder"], kind="mergesort").reset_index(drop=True)[list(SHEET_COLUMNS)]
