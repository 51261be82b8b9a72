"""Cue scoring: hits, per-document scores, aggregates, KWIC.

(:class:`framing.classify.vectorize.CueVectorizer` turns the same counts into
features for scikit-learn.)

Scoring is a map over chunks of documents (a chunk → per-document
counts) followed by a merge (concatenation in input order), so the same
code runs in one process, in a process pool (``n_jobs``) or, later, in a
distributed engine.  Workers receive the lexicon once and compile it
themselves; at most ``2 * n_jobs`` chunks are in flight, so a streamed
corpus is never held in memory.

Denominators
------------
``tokens`` counts tokens under the rules of :mod:`framing.text` in the
scored part and voice.  ``rate`` is ``count / tokens`` (``per_token``),
``1000 * count / tokens`` (``per_1000_tokens``) or ``count`` (``raw``);
it is NaN when ``tokens`` is 0.  ``count`` excludes negated hits, which
are in ``negated``.

Voice
-----
``voice="outlet"`` (the default) scores only tokens outside quoted
speech; ``"all"`` every token; ``"quoted"`` only tokens inside it
(:mod:`framing.quotes`).  A hit's voice is the voice at its first
character; phrases and negation windows are resolved on the whole text
before hits are split by voice, so ``all = outlet + quoted`` exactly.
"""

from __future__ import annotations

import math
import pickle
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..check import check_choice, check_int
from ..lexicon.model import Lexicon
from ..progress import check_progress, reporter
from ..quotes import quoted_intervals, quoted_intervals_many, voice_at
from ..records import Document
from ..vocab import DEFAULTS, NORMALIZATIONS, PARTS, VOICES
from .batch import count_texts
from .matcher import Matcher, compile_lexicon

__all__ = [
    "NORMALIZATIONS",
    "PARTS",
    "SCORE_COLUMNS",
    "HIT_COLUMNS",
    "AGGREGATE_COLUMNS",
    "KWIC_COLUMNS",
    "score_texts",
    "EXACT_SCALE_BITS",
    "aggregate",
    "aggregate_table",
    "compact_scores",
    "concat_scores",
    "exact_sums",
    "hits",
    "kwic",
    "score",
]


SCORE_COLUMNS = (
    "doc_id", "outlet", "part", "voice", "category", "count", "negated", "weight", "tokens", "rate", "denominator",
)
HIT_COLUMNS = (
    "doc_id", "outlet", "part", "category", "entry", "matched_text", "start", "end", "sentence", "voice", "negated",
    "weight",
)
AGGREGATE_COLUMNS = (
    "by", "group", "part", "voice", "category", "n_docs", "count", "negated", "tokens", "pooled_rate", "mean_rate",
    "denominator",
)
KWIC_COLUMNS = (
    "doc_id", "outlet", "category", "entry", "left", "match", "right", "start", "end", "voice", "negated",
)


def _records(corpus: Any, part: str) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``(doc_id, outlet, text_of_part)`` from any accepted corpus."""
    frame = getattr(corpus, "frame", None)
    if isinstance(frame, pd.DataFrame):
        corpus = frame
    if isinstance(corpus, pd.DataFrame):
        for column in ("doc_id", "outlet"):
            if column not in corpus.columns:
                raise ValueError(f"corpus DataFrame has no {column!r} column; columns: {', '.join(map(str, corpus.columns))}")
            missing = corpus[column].isna().to_numpy()
            if missing.any():  # str() would turn it into a label "nan" / "None"
                row = int(np.flatnonzero(missing)[0])
                raise ValueError(f"corpus DataFrame: {column!r} is missing in {int(missing.sum())} row(s), the first "
                                 f"at position {row}; every document needs one (fill it in or drop the row)")
        if part not in corpus.columns:
            if part == "text":
                raise ValueError("corpus DataFrame has no 'text' column")
            texts: Iterable[Any] = [None] * len(corpus)
        else:
            texts = corpus[part].tolist()
        for doc_id, outlet, text in zip(corpus["doc_id"].tolist(), corpus["outlet"].tolist(), texts):
            yield str(doc_id), str(outlet), _text_or_none(text, doc_id, part)
        return
    if isinstance(corpus, (str, bytes)):
        raise TypeError("corpus must be a DataFrame, a framing Corpus or an iterable of Document, not a string")
    for i, doc in enumerate(corpus):
        if not isinstance(doc, Document):
            raise TypeError(f"corpus item {i} is a {type(doc).__name__}, expected framing.records.Document")
        yield doc.doc_id, doc.outlet, _text_or_none(getattr(doc, part), doc.doc_id, part)


def _text_or_none(value: Any, doc_id: Any, part: str) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, str):
        raise TypeError(f"document {doc_id!r}: {part} must be a string, got {type(value).__name__}")
    return value


def _chunks(records: Iterator[tuple[str, str, str | None]], size: int) -> Iterator[list[tuple[str, str, str | None]]]:
    chunk: list[tuple[str, str, str | None]] = []
    for rec in records:
        chunk.append(rec)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_texts(matcher: Matcher, texts: Sequence[str | None], voice: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The map step: counts for a chunk of texts in one voice (one scan
    of the chunk: :mod:`framing.match.batch`).

    Returns ``(count, negated, weight, tokens)`` with shapes
    ``(n, k)``, ``(n, k)``, ``(n, k)`` and ``(n,)``.
    """
    quoted = None if voice == "all" else quoted_intervals_many([text or "" for text in texts])
    return count_texts(matcher, texts, voice, quoted)


_WORKER: dict[str, Matcher] = {}


def _init_worker(lexicon: Lexicon, segmentation: str = "char") -> None:
    _WORKER["matcher"] = compile_lexicon(lexicon, segmentation=segmentation)


def _work(texts: bytes, voice: str):
    return score_texts(_WORKER["matcher"], pickle.loads(texts), voice)


def _pickled_texts(chunk: list[tuple[str, str, str | None]]) -> bytes:
    # Pickled here with the C pickler (about 2.5x faster than the pool's
    # own pickler for a list of str, which then copies the bytes as they are).
    return pickle.dumps([t for _, _, t in chunk], protocol=pickle.HIGHEST_PROTOCOL)


def _map_chunks(
    matcher: Matcher,
    chunks: Iterator[list[tuple[str, str, str | None]]],
    voice: str,
    n_jobs: int,
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[list[tuple[str, str, str | None]], tuple[np.ndarray, ...]]]:
    if n_jobs == 1:
        for chunk in chunks:
            result = score_texts(matcher, [t for _, _, t in chunk], voice)
            if progress is not None:
                progress(len(chunk))
            yield chunk, result
        return
    with ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(matcher.lexicon, matcher.segmentation)) as pool:
        pending: deque[tuple[list, Future]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.submit(_work, _pickled_texts(chunk), voice)))
            if len(pending) >= 2 * n_jobs:
                done_chunk, future = pending.popleft()
                if progress is not None:
                    progress(len(done_chunk))
                yield done_chunk, future.result()
        while pending:
            done_chunk, future = pending.popleft()
            if progress is not None:
                progress(len(done_chunk))
            yield done_chunk, future.result()


def score(
    corpus: Any,
    lexicon: Lexicon | Matcher | str = DEFAULTS["lexicon"],
    *,
    normalize: str = DEFAULTS["normalize"],
    voice: str = DEFAULTS["voice"],
    part: str = DEFAULTS["part"],
    n_jobs: int = 1,
    chunk_size: int = 256,
    progress: bool | Callable[[int], Any] | None = DEFAULTS["progress"],
    segmentation: str | None = None,
) -> pd.DataFrame:
    """Score every document on every lexicon category.

    Parameters
    ----------
    corpus : DataFrame, framing.corpus.Corpus or iterable of Document
        A DataFrame needs ``doc_id``, ``outlet`` and the scored ``part``
        column; an iterator is consumed in chunks (streaming).
    lexicon : Lexicon, Matcher, bundled name or path
        Compiled once per process (:func:`framing.match.compile_lexicon`).
    normalize : {"per_1000_tokens", "per_token", "raw"}
        The denominator of ``rate``; recorded in the ``denominator``
        column.
    voice : {"outlet", "all", "quoted"}
        Default ``"outlet"`` (``framing.vocab.DEFAULTS``): the outlet's own
        words, outside quoted speech.
    part : {"text", "title", "captions", "boilerplate"}
        Which part of each document to score.  The body (``text``) is
        the default: captions, credits and boilerplate of raw articles
        are not the outlet's framing unless asked for.
    n_jobs : int
        Worker processes (1 = in process).
    chunk_size : int
        Documents per map task.
    progress : bool or callable, default False
        ``True`` shows a progress bar on standard error
        (:func:`framing.progress.reporter`: tqdm when installed, else one
        line); a callable is called with the number of documents finished
        after each chunk.  Never changes the result.
    segmentation : {"char", "jieba"} or None, default None
        How runs of Han/Kana become tokens, in the texts (every
        ``tokens`` denominator) and in the lexicon's terms
        (:class:`framing.match.Matcher`): ``"char"`` one token per
        character, ``"jieba"`` jieba's dictionary words (extra
        ``framing-toolkit[cjk]``).  None: a Matcher's own, else
        ``"char"`` (``framing.vocab.DEFAULTS``).

    Returns
    -------
    DataFrame
        One row per document × category, in input order then lexicon
        category order, with the columns of ``SCORE_COLUMNS``:
        ``doc_id, outlet, part, voice, category, count, negated, weight,
        tokens, rate, denominator``.
    """
    check_choice("normalize", normalize, tuple(NORMALIZATIONS))
    check_choice("voice", voice, VOICES)
    check_choice("part", part, PARTS)
    n_jobs = check_int("n_jobs", n_jobs, low=1)
    chunk_size = check_int("chunk_size", chunk_size, low=1)
    check_progress(progress)
    matcher = compile_lexicon(lexicon, segmentation=segmentation)
    cats = matcher.categories
    k = len(cats)
    ids: list[str] = []
    outlets: list[str] = []
    parts: list[tuple[np.ndarray, ...]] = []
    with reporter(progress, total=_size(corpus), label="scoring") as bar:
        for chunk, result in _map_chunks(matcher, _chunks(_records(corpus, part), chunk_size), voice, n_jobs, bar):
            ids.extend(d for d, _, _ in chunk)
            outlets.extend(o for _, o, _ in chunk)
            parts.append(result)
    n = len(ids)
    if parts:
        count, negated, weight, tokens = (np.concatenate(arrays) for arrays in zip(*parts))
    else:
        count = negated = np.zeros((0, k), dtype=np.int64)
        weight = np.zeros((0, k))
        tokens = np.zeros(0, dtype=np.int64)
    tok = np.repeat(tokens, k)
    cnt = count.reshape(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalize == "raw":
            rate = np.where(tok > 0, cnt.astype(float), np.nan)
        else:
            rate = np.where(tok > 0, NORMALIZATIONS[normalize] * cnt / np.maximum(tok, 1), np.nan)
    return pd.DataFrame(
        {
            "doc_id": np.repeat(np.array(ids, dtype=object), k),
            "outlet": np.repeat(np.array(outlets, dtype=object), k),
            "part": part,
            "voice": voice,
            "category": np.tile(np.array(cats, dtype=object), n),
            "count": cnt,
            "negated": negated.reshape(-1),
            "weight": weight.reshape(-1),
            "tokens": tok,
            "rate": rate,
            "denominator": normalize,
        },
        columns=list(SCORE_COLUMNS),
    )


#: The label columns of a scores table that :func:`compact_scores` holds as pandas Categorical.
LABEL_COLUMNS = ("doc_id", "outlet", "part", "voice", "category", "denominator")
#: The integer columns of a scores table that :func:`compact_scores` holds as int32 when every value fits.
COUNT_COLUMNS = ("count", "negated", "tokens")


def _compact_column(column: pd.Series, name: str) -> pd.Series:
    if name in LABEL_COLUMNS:
        if isinstance(column.dtype, pd.CategoricalDtype):
            return column
        return column.astype("category")  # categories sorted, each distinct value stored once
    if name in COUNT_COLUMNS and column.dtype.kind in "iu" and column.dtype.itemsize > 4:
        info = np.iinfo(np.int32)
        if not len(column) or (int(column.min()) >= info.min and int(column.max()) <= info.max):
            return column.astype(np.int32)
    return column


def compact_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """A scores table (:func:`score`) with compact dtypes and the same values.

    The label columns (:data:`LABEL_COLUMNS`: ``doc_id``, ``outlet``,
    ``part``, ``voice``, ``category``, ``denominator``) become pandas
    Categorical columns (sorted categories: a document id or an outlet
    name is stored once, not once per row), the counts
    (:data:`COUNT_COLUMNS`) int32 when every value fits (else they stay
    int64); ``weight`` and ``rate`` stay float64 and any other column is
    kept as it is.  A table of ten categories takes about 40 bytes a row
    instead of about 130 with string columns (the experiment runner holds
    its per-document scores this way: 10 rows per document).  Values,
    row order and the CSV text written from the table are unchanged;
    compacting a compact table returns it unchanged.

    Parameters
    ----------
    scores : DataFrame
        A table with (at least) the columns of :data:`SCORE_COLUMNS`.

    Returns
    -------
    DataFrame
        The same rows and columns, with a range index.

    Raises
    ------
    TypeError
        If ``scores`` is not a DataFrame.
    ValueError
        If a column of :data:`SCORE_COLUMNS` is missing.
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"scores: expected a pandas DataFrame from framing.match.scoring.score, "
                        f"got {type(scores).__name__}")
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise ValueError(f"scores: missing columns {missing}; pass the output of framing.match.scoring.score")
    return pd.DataFrame({name: _compact_column(scores[name], name).reset_index(drop=True) for name in scores.columns},
                        columns=scores.columns)


def concat_scores(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Per-chunk scores tables stacked in order, compact (:func:`compact_scores`).

    Each table is made compact as it is taken from ``tables`` (which may
    be a generator: only compact tables are held while the rest come).
    The label columns' categories are the sorted union of the tables'
    (``pandas.api.types.union_categoricals``), so no column falls back to
    strings when chunks hold different outlets or documents.  The tables
    must have the same columns in the same order.

    Raises
    ------
    ValueError
        For no table, or tables whose columns differ.
    """
    from pandas.api.types import union_categoricals

    compact: list[pd.DataFrame] = []
    columns: list[Any] = []
    for i, table in enumerate(tables):
        if not compact:
            columns = list(table.columns)
        elif list(table.columns) != columns:
            raise ValueError(f"tables[{i}]: columns {list(table.columns)} differ from tables[0]'s {columns}")
        compact.append(compact_scores(table))
    if not compact:
        raise ValueError("tables: expected at least one scores table, got none")
    if len(compact) == 1:
        return compact[0]
    out = {}
    for name in columns:
        pieces = [t[name] for t in compact]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces):
            out[name] = pd.Series(union_categoricals(pieces, sort_categories=True), name=name)
        else:
            out[name] = pd.concat(pieces, ignore_index=True)
    return pd.DataFrame(out, columns=columns)


#: every finite float64 is an integer multiple of 2**-1074: :func:`exact_sums` scales by 2**1074
EXACT_SCALE_BITS = 1074


def exact_sums(values: np.ndarray, groups: np.ndarray, n_groups: int) -> list[int]:
    """``sum(values[groups == g]) * 2**1074`` exactly, as Python ints, for
    finite non-negative float64 ``values`` and int ``groups`` in ``[0, n_groups)``.

    The group mean ``total / (n << EXACT_SCALE_BITS)`` (int / int) is then
    the exact mean correctly rounded once, whatever the order or the
    chunking of the values: :func:`aggregate` and the streaming engine
    (:mod:`framing.match.engine`, which adds chunks' sums) give the same
    float."""
    out = [0] * n_groups
    if not values.size:
        return out
    mantissa, exponent = np.frexp(values)
    whole = (mantissa * float(1 << 53)).astype(np.int64)  # exact: values == whole * 2**(exponent-53)
    shift = exponent.astype(np.int64) + (EXACT_SCALE_BITS - 53)
    high, low = np.divmod(whole, np.int64(1 << 27))  # int64 sums stay exact up to 2**36 values
    key = groups.astype(np.int64) * 4096 + shift
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    high_sums = np.add.reduceat(high[order], starts)
    low_sums = np.add.reduceat(low[order], starts)
    for k, h, lo in zip(key[starts].tolist(), high_sums.tolist(), low_sums.tolist()):
        g, s = divmod(k, 4096)
        out[g] += (h << (s + 27)) + (lo << s)
    return out


def aggregate_table(by: str, keys: Iterable[tuple[Any, str, str, str]], *, n_docs: Sequence[int],
                    tokens: Sequence[int], count: Sequence[int], negated: Sequence[int], rate_sums: Sequence[int],
                    n_rates: Sequence[int], denominator: str, category_order: Mapping[str, int]) -> pd.DataFrame:
    """The table of :func:`aggregate` from per-cell sums: one row per
    ``(group, part, voice, category)`` key with its documents with tokens
    (``n_docs``), integer sums, the exact rate sum (:func:`exact_sums`)
    of its ``n_rates`` defined rates; pooled rate = count / tokens on the
    ``denominator`` scale, mean rate = the exact mean rounded once.
    Sorted by group, then ``category_order``.  :func:`aggregate` and the
    streaming engine (:class:`framing.match.engine.GroupSums`) both build
    their table here."""
    scale = NORMALIZATIONS[denominator]
    rows = []
    for i, (group, part, voice, category) in enumerate(keys):
        cnt, tok, n_rate = count[i], tokens[i], n_rates[i]
        if denominator == "raw":
            pooled = float(cnt) if tok else math.nan
        else:
            pooled = scale * cnt / tok if tok else math.nan
        # int / int is correctly rounded: the exact mean rounded once
        mean = rate_sums[i] / (n_rate << EXACT_SCALE_BITS) if n_rate else math.nan
        rows.append({"by": by, "group": group, "part": part, "voice": voice, "category": category,
                     "n_docs": n_docs[i], "count": cnt, "negated": negated[i], "tokens": tok,
                     "pooled_rate": pooled, "mean_rate": mean, "denominator": denominator})
    out = pd.DataFrame(rows, columns=list(AGGREGATE_COLUMNS))
    if len(out):
        out["_order"] = out["category"].map(category_order)
        out = out.sort_values(["group", "_order"], kind="mergesort").drop(columns="_order").reset_index(drop=True)
    return out


def aggregate(scores: pd.DataFrame, *, by: str = DEFAULTS["by"], corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """Aggregate per-document scores to groups (outlets by default):
    descriptive sums and rates, no uncertainty.

    Which per-group table to use: this one is the cheap descriptive
    table (sums of counts, negations and tokens, pooled and mean rates,
    for every scored ``part`` × ``voice``; what ``framing score --by``
    writes).  To *report* per-group rates use
    :func:`framing.stats.summarize`, which estimates the same
    ``mean_rate`` and ``pooled_rate`` (identical point values for
    documents as units) with bootstrap confidence intervals, documents
    or clusters (``cluster="outlet"``) as the units.  Neither is a
    subset of the other: this table has the sums and every part/voice,
    the summary has the intervals and the unit.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`score`.
    by : str
        A column of ``scores`` (``"outlet"``) or of ``corpus`` joined on
        ``doc_id`` (e.g. ``"outlet_group"``, ``"topic"``).
    corpus : DataFrame, optional
        Needed when ``by`` is not a column of ``scores``.

    Returns
    -------
    DataFrame
        Columns ``AGGREGATE_COLUMNS``: ``by`` (the grouping column's
        name), ``group``, ``part``, ``voice``, ``category``, ``n_docs``
        (documents with at least one token), ``count``, ``negated``,
        ``tokens``, ``pooled_rate`` (total count / total tokens, on the
        scores' denominator scale) and ``mean_rate`` (exact mean of per-document
        rates: each document weighs the same), ``denominator``.  Sorted
        by group then category order.  Pooled and mean rates are
        descriptive; for inference use :mod:`framing.stats`.

    See Also
    --------
    framing.stats.summarize : the same rates with confidence intervals.
    """
    missing = [c for c in SCORE_COLUMNS if c not in scores.columns]
    if missing:
        raise ValueError(f"scores is missing columns {missing}; pass the output of framing.match.scoring.score")
    frame = scores
    if by not in scores.columns:
        if corpus is None or by not in getattr(corpus, "columns", ()):
            raise ValueError(f"by={by!r} is neither a column of scores nor of the corpus passed as corpus=")
        keys = corpus[["doc_id", by]].drop_duplicates("doc_id")
        keys = keys.assign(doc_id=keys["doc_id"].astype(str))
        frame = scores.merge(keys, on="doc_id", how="left", validate="many_to_one")
    denominators = frame["denominator"].unique()
    if len(denominators) > 1:
        raise ValueError(f"scores mix denominators {sorted(denominators)}; aggregate one scoring at a time")
    denominator = denominators[0] if len(denominators) else DEFAULTS["normalize"]
    category_order = {c: i for i, c in enumerate(pd.unique(frame["category"]))}
    # One groupby for the keys (first-appearance order, as iterating it would give), then the sums over each
    # group's documents with tokens from the rows sorted by group (stable: each group's rows in input order).
    # The mean rate is the exact mean of the group's rates (NaN left out), rounded once (exact_sums), so the
    # streaming engine's chunked sums give the same float; integer sums are exact.
    grouped = frame.groupby([by, "part", "voice", "category"], sort=False, dropna=False)
    keys = grouped.size().index
    codes = grouped.ngroup().to_numpy()
    scored = frame["tokens"].to_numpy() > 0
    order = np.argsort(codes[scored], kind="stable")
    bounds = np.searchsorted(codes[scored][order], np.arange(len(keys) + 1), side="left")
    n_docs = np.diff(bounds)

    def sums(column: str) -> list[int]:
        values = frame[column].to_numpy()[scored][order]
        total = np.concatenate([np.zeros(1, dtype=values.dtype), np.cumsum(values)])
        return [int(v) for v in total[bounds[1:]] - total[bounds[:-1]]]

    rates = np.asarray(frame["rate"].to_numpy()[scored][order], dtype=np.float64)
    valid = ~np.isnan(rates)
    n_valid = np.concatenate([[0], np.cumsum(valid)])
    rate_sums = exact_sums(rates[valid], np.repeat(np.arange(len(keys)), n_docs)[valid], len(keys))
    return aggregate_table(by, keys, n_docs=n_docs.tolist(), tokens=sums("tokens"), count=sums("count"),
                           negated=sums("negated"), rate_sums=rate_sums, n_rates=np.diff(n_valid[bounds]).tolist(),
                           denominator=denominator, category_order=category_order)


def _size(corpus: Any) -> int | None:
    """The number of documents, when known without consuming the corpus."""
    frame = getattr(corpus, "frame", corpus)
    return len(frame) if isinstance(frame, pd.DataFrame) else None


def _iter_hits(corpus: Any, matcher: Matcher, part: str, voice: str, bar: Callable[[int], Any] | None = None):
    for doc_id, outlet, text in _records(corpus, part):
        if bar is not None:
            bar(1)
        if not text:
            continue
        intervals = quoted_intervals(text)
        for hit in matcher.find(text):
            # a scare quote is the outlet's own (framing.lexicon.model)
            hit_voice = "outlet" if hit.scare_quote else voice_at(intervals, hit.start)
            if voice != "all" and hit_voice != voice:
                continue
            yield doc_id, outlet, text, hit, hit_voice


def hits(corpus: Any, lexicon: Lexicon | Matcher | str = DEFAULTS["lexicon"], *, part: str = DEFAULTS["part"],
         voice: str = DEFAULTS["voice"], progress: bool | Callable[[int], Any] | None = DEFAULTS["progress"],
         segmentation: str | None = None) -> pd.DataFrame:
    """Every lexicon hit with character offsets into the original text.

    ``lexicon`` is a Lexicon, a Matcher, a bundled name or a path
    (compiled once per process); ``voice`` keeps the hits in that voice
    (default ``"outlet"``; ``"all"`` keeps every hit); ``progress`` as in
    :func:`score` (counts documents); ``segmentation`` as in
    :func:`score` (offsets stay those of the original text).

    Returns
    -------
    DataFrame
        Columns ``HIT_COLUMNS``: ``doc_id, outlet, part, category, entry,
        matched_text, start, end, sentence, voice, negated, weight``;
        ``text[start:end] == matched_text``.  Rows are in corpus order,
        then by ``start``, then lexicon category order.  Negated hits are
        included (``negated=True``).
    """
    check_choice("voice", voice, VOICES)
    check_choice("part", part, PARTS)
    check_progress(progress)
    matcher = compile_lexicon(lexicon, segmentation=segmentation)
    with reporter(progress, total=_size(corpus), label="hits") as bar:
        rows = [
            (doc_id, outlet, part, h.category, h.entry, text[h.start : h.end], h.start, h.end, h.sentence, v, h.negated,
             h.weight)
            for doc_id, outlet, text, h, v in _iter_hits(corpus, matcher, part, voice, bar)
        ]
    frame = pd.DataFrame(rows, columns=list(HIT_COLUMNS))
    return frame.astype({"start": "int64", "end": "int64", "sentence": "int64", "negated": "bool", "weight": "float64"})


def kwic(
    corpus: Any,
    lexicon: Lexicon | Matcher | str = DEFAULTS["lexicon"],
    *,
    width: int = 40,
    categories: Sequence[str] | None = None,
    part: str = DEFAULTS["part"],
    voice: str = DEFAULTS["voice"],
    limit: int | None = None,
    segmentation: str | None = None,
) -> pd.DataFrame:
    """Keyword-in-context lines for hits, for reading examples.

    ``left`` and ``right`` hold up to ``width`` characters of context
    with line breaks shown as spaces.  ``limit`` caps the lines per
    category (the first hits in corpus order).  ``lexicon``, ``part``,
    ``voice`` and ``segmentation`` are as for :func:`hits`.

    Returns
    -------
    DataFrame
        Columns ``KWIC_COLUMNS``.
    """
    width = check_int("width", width, low=0)
    if limit is not None:
        limit = check_int("limit", limit, low=1)
    check_choice("voice", voice, VOICES)
    check_choice("part", part, PARTS)
    matcher = compile_lexicon(lexicon, segmentation=segmentation)
    lex = matcher.lexicon
    wanted = None
    if categories is not None:
        wanted = set(categories)
        unknown = sorted(wanted - set(lex.category_names))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; lexicon {lex.name!r} has {', '.join(lex.category_names)}")
    taken: dict[str, int] = {}
    rows = []
    for doc_id, outlet, text, h, v in _iter_hits(corpus, matcher, part, voice):
        if wanted is not None and h.category not in wanted:
            continue
        if limit is not None and taken.get(h.category, 0) >= limit:
            continue
        taken[h.category] = taken.get(h.category, 0) + 1
        left = text[max(0, h.start - width) : h.start].replace("\n", " ")
        right = text[h.end : h.end + width].replace("\n", " ")
        rows.append((doc_id, outlet, h.category, h.entry, left, text[h.start : h.end], right, h.start, h.end, v, h.negated))
    return pd.DataFrame(rows, columns=list(KWIC_COLUMNS))
