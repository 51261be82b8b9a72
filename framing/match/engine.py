"""Constant-memory scoring on a local process pool or a Dask cluster.

:func:`score_files` and :func:`score_stream` score a corpus and reduce
it, chunk by chunk, to per-group sums (by outlet, or by any metadata
column of the documents: ``by=``); per-document rows are written to
a CSV/TSV/Parquet file as chunks finish (never held whole; Parquet row
groups have a fixed size, so the file does not depend on the chunking).
Both return the table of :func:`framing.match.aggregate` ``(by=by)`` on
the corpus frame (:class:`GroupSums`: the groups are typed, missing
values grouped and sorted by pandas as there, from the distinct values).

What runs where
---------------
:func:`score_files` (``framing score --engine``): the **workers read
their own input**.  The main process cuts a JSONL or Parquet corpus
into parts without parsing it (:func:`framing.corpus.readers.plan_parts`:
byte ranges at line boundaries of an uncompressed JSONL file, each with
its first line number; one part per ``.jsonl.gz`` file, since gzip
cannot be read from the middle, so shard a large corpus into several
``.jsonl.gz`` files; a glob pattern of shards; consecutive whole row
groups of a Parquet file, from its metadata, each with its first row).
Each worker runs
:func:`read_and_score_part`: it reads its part with the corpus reader's
own code (:func:`framing.corpus.readers.iter_part`) and scores it chunk by
chunk, returning compact rows (int32/float64 arrays), the rows already
formatted for the rows file (the CSV/TSV bytes, or pyarrow tables for
Parquet: formatting is the workers' work, not the main process's), the
part's :class:`GroupSums` and the part's read outcome (counts, skipped records, notes, kept ``doc_id``
values with their lines and 64-bit hashes).  The main process merges the
parts in input order (:class:`framing.corpus.readers.PartsMerger`: a
``doc_id`` repeated across parts raises, or is skipped and its rows and
sums removed, exactly as the serial read would; the first error in input
order is the one raised), writes the formatted rows as they are and
adds the sums (only a part with skipped duplicates is re-formatted there).  Its memory
is the parts in flight (``2 × workers``) plus 28 bytes per kept document
for duplicate detection.  Other formats (JSON, CSV/TSV, folders) and
``read_in="main"`` use :func:`score_stream` below.

:func:`score_stream` scores an iterable of documents:

* The **main process** reads the corpus (:func:`framing.corpus.iter_documents`:
  all of the reader's validation, duplicate ids and its report), cuts it
  into chunks of ``chunk_size`` documents, keeps at most ``2 × workers``
  chunks in flight, writes per-document rows in input order and adds
  each chunk's :class:`GroupSums` to the running total.  Its memory is
  bounded by the chunks in flight and the number of groups, not by the
  corpus size (the reader alone keeps the set of seen ``doc_id``).
* **Workers** run the chunk function (:func:`score_partition` is its
  public form): one scan of the chunk
  (:func:`framing.match.scoring.score_texts`, the map step of
  :func:`framing.match.score`), compact per-document rows (int32 counts),
  the rows formatted for the rows file and the chunk's per-group sums.
  The lexicon is compiled once per worker process.
* ``engine="local"``: ``n_jobs`` worker processes
  (``n_jobs=1``: in the main process).
* ``engine="dask"`` (``pip install 'framing-toolkit[dask]'``): the chunks
  are tasks on a ``distributed`` cluster; the lexicon is broadcast to the
  workers once.  ``scheduler`` is a scheduler address or a
  ``distributed.Client``; ``None`` starts a ``LocalCluster`` on this
  machine for the call, whose worker processes are forked from the
  calling process (Dask's ``multiprocessing-method="fork"``: they start
  with framing imported and the lexicon compiled instead of importing
  everything again; a cluster passed as ``scheduler`` keeps its own
  settings).  To use a real cluster start a scheduler and
  workers with the same ``framing`` version installed, e.g. with
  dask-jobqueue (``SLURMCluster(...).scale(jobs=8)``, then pass
  ``cluster.scheduler_address``) or on Kubernetes with the Dask Helm chart
  or dask-kubernetes, and run ``framing score corpus.jsonl.gz --engine dask
  --scheduler tcp://host:8786``.  With :func:`score_stream` (and
  ``read_in="main"``) only the chunks' texts travel to the workers and
  only compact arrays come back; the corpus file is read where
  ``framing`` runs, so workers need no shared file system.  With
  :func:`score_files` the workers open the corpus files themselves: the
  path must be readable on every worker (a shared file system).

Reductions
----------
Every sum is exact, so the reduction is associative and commutative:
counts, negated hits, tokens and documents are integer sums; the sum of
per-document rates behind ``mean_rate`` is accumulated exactly as an
integer multiple of ``2**-1074`` (every float64 is one), and the mean is
that exact sum divided by the document count, rounded once.  Both
engines, any ``chunk_size`` and any number of workers therefore give the
same table bit for bit.  Against :func:`framing.match.aggregate` (which
sums rates in floating point) ``mean_rate`` can differ in the last
binary digit; every other column is identical.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from ..check import check_choice, check_int, check_str
from ..corpus.readers import (PART_BYTES, CorpusError, InputPart, PartOutcome, PartsMerger, ReadReport,
                              iter_documents, iter_part, plan_parts)
from ..csvtext import CsvField, float_cells
from ..lexicon.model import Lexicon
from ..records import KNOWN_FIELDS, Document
from ..vocab import DEFAULTS, ENGINES, NORMALIZATIONS, PARTS, VOICES
from .matcher import Matcher, compile_lexicon
from .scoring import AGGREGATE_COLUMNS, SCORE_COLUMNS, aggregate_table, exact_sums, score_texts

__all__ = ["DASK_START_METHOD", "ENGINES", "READ_IN", "GroupSums", "Partition", "check_by", "local_cluster",
           "read_and_score_part", "score_files", "score_partition", "score_stream"]

#: Who reads a JSONL corpus in :func:`score_files`: ``"workers"`` (each its own parts), ``"main"`` (the
#: main process parses and ships the texts) or ``"auto"``: the workers, unless the local engine has more
#: workers than the corpus has parts (one ``.jsonl.gz`` file is one part), when the main process reads.
READ_IN = ("workers", "main", "auto")

_LIST_FIELDS = ("authors", "tags")
_BY_FIELDS = tuple(f for f in KNOWN_FIELDS if f not in PARTS and f not in _LIST_FIELDS)  # always in a corpus frame
_ABSENT = (None, None)
"""The group key of a document without the ``by`` column (its value in the corpus frame is None)."""


def check_by(by: Any, name: str = "by") -> str:
    """``by`` of :func:`score_stream` and :func:`score_files`: a metadata
    column of the corpus frame (:func:`framing.corpus.read_corpus`) with
    one value per document: ``doc_id``, ``outlet``, a known field (not
    the text parts :data:`framing.vocab.PARTS`, nor the lists ``authors``
    and ``tags``) or a key of the records.  ``name`` names it in errors
    (the command line's ``--by``)."""
    by = check_str(name, by)
    if by in PARTS:
        raise ValueError(f"{name}: expected a metadata column of the corpus, not a text part "
                         f"({', '.join(PARTS)}), got {by!r}")
    if by in _LIST_FIELDS:
        raise ValueError(f"{name}: expected a column with one value per document, got {by!r} (a list per document)")
    if by in SCORE_COLUMNS and by not in ("doc_id", "outlet"):
        raise ValueError(f"{name}: expected a metadata column of the corpus, got {by!r} (a column of the scores: "
                         f"{', '.join(c for c in SCORE_COLUMNS if c not in ('doc_id', 'outlet'))})")
    return by


def _group_key(doc: Document, by: str) -> Any:
    """The key of ``doc``'s group: its ``by`` value as the corpus frame has
    it (:meth:`framing.records.Document.to_row`), tagged with its type so
    that 1, 1.0 and True stay apart until pandas types the column
    (:meth:`GroupSums.table`); :data:`_ABSENT` without the column."""
    extra = doc.extra
    if by in extra:
        value = extra[by]
    elif by in KNOWN_FIELDS:
        value = getattr(doc, by)
    else:
        return _ABSENT
    if value is None:
        return (type(None), None)
    if isinstance(value, float) and math.isnan(value):
        return (float, "nan")
    try:
        hash(value)
    except TypeError:
        raise ValueError(f"by: expected one value per document in column {by!r}, got a {type(value).__name__} in "
                         f"document {doc.doc_id!r}: {str(value)[:60]}") from None
    return (type(value), value)


def _group_value(key: Any, by: str) -> Any:
    """The value behind a group key (the outlet itself for ``by="outlet"``)."""
    if by == "outlet":
        return key
    if key == (float, "nan"):
        return math.nan
    return key[1]


@dataclass
class GroupSums:
    """Per-group sums over scored documents (documents with at least one
    token), one value per lexicon category, the groups being the values
    of the corpus column ``by`` (keyed by :func:`_group_key`, in order of
    first appearance); ``merge`` is associative and commutative (exact
    arithmetic).  ``columns``: the extra columns seen while no document
    had ``by`` (for the error of a column no document has)."""

    categories: tuple[str, ...]
    by: str = DEFAULTS["by"]
    n_docs: dict[Any, int] = field(default_factory=dict)
    tokens: dict[Any, int] = field(default_factory=dict)
    count: dict[Any, list[int]] = field(default_factory=dict)
    negated: dict[Any, list[int]] = field(default_factory=dict)
    rate_sum: dict[Any, list[int]] = field(default_factory=dict)  # exact, in units of 2**-1074
    columns: dict[str, None] = field(default_factory=dict)

    def merge(self, other: "GroupSums") -> "GroupSums":
        if other.categories != self.categories:
            raise ValueError(f"categories differ: {self.categories} vs {other.categories}")
        if other.by != self.by:
            raise ValueError(f"by differs: {self.by!r} vs {other.by!r}")
        k = len(self.categories)
        for key in other.n_docs:
            if key not in self.n_docs:
                self.n_docs[key], self.tokens[key] = 0, 0
                self.count[key], self.negated[key], self.rate_sum[key] = [0] * k, [0] * k, [0] * k
            self.n_docs[key] += other.n_docs[key]
            self.tokens[key] += other.tokens[key]
            for mine, theirs in ((self.count, other.count), (self.negated, other.negated),
                                 (self.rate_sum, other.rate_sum)):
                mine[key] = [a + b for a, b in zip(mine[key], theirs[key])]
        self.columns.update(other.columns)
        return self

    def check_found(self) -> None:
        """Raise ValueError when documents were summed and none has the
        column ``by`` (the corpus frame would have no such column)."""
        if self.n_docs and self.by not in KNOWN_FIELDS and all(key == _ABSENT for key in self.n_docs):
            allowed = list(dict.fromkeys([*_BY_FIELDS, *self.columns]))
            raise ValueError(f"by: expected a column of the corpus ({', '.join(allowed)}), got {self.by!r}: "
                             f"no document has it")

    def table(self, *, part: str, voice: str, denominator: str) -> pd.DataFrame:
        """The table of :func:`framing.match.aggregate` ``(by=self.by)``:
        the groups are typed, grouped (missing values one group) and
        sorted by pandas as ``aggregate`` does on the corpus frame, from
        the distinct values (the column's type does not depend on how
        often each value occurs)."""
        keys = list(self.n_docs)
        k = len(self.categories)
        if not keys:
            return pd.DataFrame([], columns=list(AGGREGATE_COLUMNS))
        values = [_group_value(key, self.by) for key in keys]
        # one row per group key and category, as aggregate's frame has one per document and category
        frame = pd.DataFrame({"by": [v for v in values for _ in range(k)], "part": part, "voice": voice,
                              "category": np.tile(np.array(self.categories, dtype=object), len(keys))})
        grouped = frame.groupby(["by", "part", "voice", "category"], sort=False, dropna=False)
        labels = grouped.size().index
        codes = grouped.ngroup().to_numpy().tolist()  # the group of each key's category j at i * k + j
        m = len(labels)
        n_docs, tokens, count, negated, rate_sum = [0] * m, [0] * m, [0] * m, [0] * m, [0] * m
        for g, n, tok, cnt, neg, rate in zip(codes, (self.n_docs[key] for key in keys for _ in range(k)),
                                             (self.tokens[key] for key in keys for _ in range(k)),
                                             (c for key in keys for c in self.count[key]),
                                             (c for key in keys for c in self.negated[key]),
                                             (r for key in keys for r in self.rate_sum[key])):
            n_docs[g] += n
            tokens[g] += tok
            count[g] += cnt
            negated[g] += neg
            rate_sum[g] += rate
        # every scored document has a rate (it has tokens): n_docs rates per cell
        return aggregate_table(self.by, labels, n_docs=n_docs, tokens=tokens, count=count, negated=negated,
                               rate_sums=rate_sum, n_rates=n_docs, denominator=denominator,
                               category_order={c: i for i, c in enumerate(self.categories)})


@dataclass(frozen=True)
class Partition:
    """What a worker returns for a chunk: compact per-document rows
    (``SCORE_COLUMNS``; int32 counts, categorical labels) and the chunk's
    per-group sums."""

    rows: pd.DataFrame
    sums: GroupSums


@dataclass(frozen=True)
class _Rows:
    """The per-document values of ``n`` scored documents, as compact arrays
    (what the rows file is made of; the labels are the call's): ``count``,
    ``negated`` and ``weight`` hold ``n × k`` values in document then
    category order; ``group_codes`` index ``group_keys``, the documents'
    keys of the column ``by`` (for ``by="outlet"`` the outlet codes and
    names)."""

    categories: tuple[str, ...]
    doc_ids: list[str]
    outlet_codes: np.ndarray  # int64, per document
    outlet_names: list[str]
    count: np.ndarray  # int32
    negated: np.ndarray  # int32
    weight: np.ndarray  # float64
    tokens: np.ndarray  # int32, per document
    by: str
    group_codes: np.ndarray  # int64, per document
    group_keys: list[Any]

    def __len__(self) -> int:
        return len(self.doc_ids)

    def rates(self, normalize: str) -> np.ndarray:
        """``rate`` per document and category, as :func:`framing.match.score` computes it."""
        k = len(self.categories)
        tok = np.repeat(self.tokens.astype(np.int64), k)
        cnt = self.count.astype(np.int64)
        with np.errstate(divide="ignore", invalid="ignore"):
            if normalize == "raw":
                return np.where(tok > 0, cnt.astype(float), np.nan)
            return np.where(tok > 0, NORMALIZATIONS[normalize] * cnt / np.maximum(tok, 1), np.nan)

    def sums(self, normalize: str) -> GroupSums:
        return _group_sums(self.categories, self.by, self.group_codes, self.group_keys, self.tokens.astype(np.int64),
                           self.count.astype(np.int64), self.negated.astype(np.int64), self.rates(normalize))

    def frame(self, *, part: str, voice: str, normalize: str) -> pd.DataFrame:
        """The rows as a DataFrame (``SCORE_COLUMNS``, compact dtypes)."""
        k, n = len(self.categories), len(self)
        return pd.DataFrame({
            "doc_id": np.repeat(np.array(self.doc_ids, dtype=object), k),
            "outlet": pd.Categorical.from_codes(np.repeat(self.outlet_codes, k), self.outlet_names),
            "part": pd.Categorical.from_codes(np.zeros(n * k, dtype=np.int8), [part]),
            "voice": pd.Categorical.from_codes(np.zeros(n * k, dtype=np.int8), [voice]),
            "category": pd.Categorical.from_codes(np.tile(np.arange(k, dtype=np.int16), n), list(self.categories)),
            "count": self.count,
            "negated": self.negated,
            "weight": self.weight,
            "tokens": np.repeat(self.tokens, k),
            "rate": self.rates(normalize),
            "denominator": pd.Categorical.from_codes(np.zeros(n * k, dtype=np.int8), [normalize]),
        }, columns=list(SCORE_COLUMNS))

    def select(self, keep: np.ndarray) -> _Rows:
        """The documents where ``keep`` (bool per document) is true; outlets
        and groups left without a document are dropped."""
        k = len(self.categories)
        cells = np.repeat(keep, k)
        used, codes = np.unique(self.outlet_codes[keep], return_inverse=True)
        outlet_codes, outlet_names = codes.astype(np.int64).reshape(-1), [self.outlet_names[i] for i in used.tolist()]
        if self.by == "outlet":
            group_codes, group_keys = outlet_codes, outlet_names
        else:
            used, codes = np.unique(self.group_codes[keep], return_inverse=True)
            group_codes, group_keys = codes.astype(np.int64).reshape(-1), [self.group_keys[i] for i in used.tolist()]
        return _Rows(self.categories, [d for d, x in zip(self.doc_ids, keep.tolist()) if x], outlet_codes,
                     outlet_names, self.count[cells], self.negated[cells], self.weight[cells], self.tokens[keep],
                     self.by, group_codes, group_keys)


def _score_rows(matcher: Matcher, records: list[tuple[str, str, str | None, Any]], voice: str, by: str) -> _Rows:
    """Score ``(doc_id, outlet, text, group key)`` records: one scan of the chunk."""
    cats = tuple(matcher.categories)
    count, negated, weight, tokens = score_texts(matcher, [r[2] for r in records], voice)
    outlet_codes, outlet_names = pd.factorize(np.array([r[1] for r in records], dtype=object))
    outlet_codes, outlet_names = np.asarray(outlet_codes, dtype=np.int64), outlet_names.tolist()
    if by == "outlet":
        group_codes, group_keys = outlet_codes, outlet_names
    else:
        index: dict[Any, int] = {}
        group_codes = np.array([index.setdefault(r[3], len(index)) for r in records], dtype=np.int64)
        group_keys = list(index)
    return _Rows(cats, [r[0] for r in records], outlet_codes, outlet_names,
                 np.asarray(count).reshape(-1).astype(np.int32), np.asarray(negated).reshape(-1).astype(np.int32),
                 np.asarray(weight, dtype=np.float64).reshape(-1), np.asarray(tokens).astype(np.int32), by,
                 group_codes, group_keys)


def score_partition(lexicon: Lexicon | Matcher | str, records: list[tuple[str, str, str | None]], *, voice: str,
                    part: str, normalize: str) -> Partition:
    """The pure chunk function: score ``(doc_id, outlet, text)`` records
    (sums by outlet).

    The rows equal those of :func:`framing.match.score` for the same
    documents (in compact dtypes).
    """
    rows = _score_rows(compile_lexicon(lexicon), [(d, o, t, o) for d, o, t in records], voice, "outlet")
    return Partition(rows.frame(part=part, voice=voice, normalize=normalize), rows.sums(normalize))


def _group_sums(cats: tuple[str, ...], by: str, group_codes: np.ndarray, group_keys: list[Any], tokens: np.ndarray,
                cnt: np.ndarray, negated: np.ndarray, rate: np.ndarray) -> GroupSums:
    """Per-group sums of ``n`` documents (``tokens`` per document;
    ``cnt``, ``negated``, ``rate`` per document and category)."""
    k = len(cats)
    n = len(group_codes)
    sums = GroupSums(cats, by)
    scored = tokens > 0
    m = len(group_keys)
    doc_n = np.bincount(group_codes[scored], minlength=m)
    doc_tokens = np.bincount(group_codes[scored], weights=np.asarray(tokens)[scored], minlength=m)
    kept = np.repeat(scored, k)
    cell = (np.repeat(group_codes, k) * k + np.tile(np.arange(k), n))[kept]
    cell_count = np.bincount(cell, weights=cnt[kept], minlength=m * k).astype(np.int64)
    cell_neg = np.bincount(cell, weights=negated[kept], minlength=m * k).astype(np.int64)
    rate_sums = exact_sums(rate[kept], cell, m * k)
    for i, key in enumerate(group_keys):
        sums.n_docs[key] = int(doc_n[i])
        sums.tokens[key] = int(round(doc_tokens[i]))
        sums.count[key] = cell_count[i * k:(i + 1) * k].tolist()
        sums.negated[key] = cell_neg[i * k:(i + 1) * k].tolist()
        sums.rate_sum[key] = rate_sums[i * k:(i + 1) * k]
    return sums


class _CsvFormat:
    """Rows as the bytes of ``DataFrame.to_csv(index=False, lineterminator="\\n")``
    (UTF-8), built from the arrays (:mod:`framing.csvtext`: fields quoted
    as pandas' ``csv.writer`` does, integers as ``str``, floats as numpy's
    ``astype(str)`` with NaN empty).  A test compares the two."""

    def __init__(self, sep: str) -> None:
        self.sep = sep
        self.field = CsvField(sep)

    def header(self) -> bytes:
        return (self.sep.join(self.field(c) for c in SCORE_COLUMNS) + "\n").encode("utf-8")

    def body(self, rows: _Rows, *, part: str, voice: str, normalize: str) -> bytes:
        if not len(rows):
            return b""
        sep, field = self.sep, self.field
        outlets = [field(o) for o in rows.outlet_names]
        lead = [f"{field(d)}{sep}{outlets[c]}{sep}{field(part)}{sep}{field(voice)}{sep}"
                for d, c in zip(rows.doc_ids, rows.outlet_codes.tolist())]
        cats = [f"{field(c)}{sep}" for c in rows.categories]
        tail = f"{sep}{field(normalize)}\n"
        tokens = [f"{sep}{t}{sep}" for t in rows.tokens.tolist()]
        weight, rate = float_cells(rows.weight), float_cells(rows.rates(normalize))
        count, negated = rows.count.tolist(), rows.negated.tolist()
        out = []
        add = out.append
        i = 0
        for d in range(len(lead)):
            head, tok = lead[d], tokens[d]
            for c in cats:
                add(f"{head}{c}{count[i]}{sep}{negated[i]}{sep}{weight[i]}{tok}{rate[i]}{tail}")
                i += 1
        return "".join(out).encode("utf-8")


def _parquet_schema():
    import pyarrow as pa

    types = {"count": pa.int32(), "negated": pa.int32(), "tokens": pa.int32(), "weight": pa.float64(),
             "rate": pa.float64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in SCORE_COLUMNS])


def _parquet_body(rows: _Rows, *, part: str, voice: str, normalize: str):
    """The rows as a pyarrow Table of the Parquet schema."""
    import pyarrow as pa

    frame = rows.frame(part=part, voice=voice, normalize=normalize)
    plain = {c: (frame[c].astype(object) if isinstance(frame[c].dtype, pd.CategoricalDtype) else frame[c])
             for c in SCORE_COLUMNS}
    return pa.Table.from_pydict({c: pa.array(v, from_pandas=True) for c, v in plain.items()}).cast(_parquet_schema())


def _output_kind(output: str | os.PathLike[str] | None) -> str | None:
    """``"csv"``, ``"tsv"``, ``"parquet"`` or None (no rows file)."""
    return None if output is None else Path(output).suffix.lstrip(".") or None


def _body(rows: _Rows, kind: str | None, *, part: str, voice: str, normalize: str) -> Any:
    """The rows formatted for the rows file (``kind`` from :func:`_output_kind`)."""
    if kind is None or not len(rows):
        return None
    if kind == "parquet":
        return _parquet_body(rows, part=part, voice=voice, normalize=normalize)
    return _CsvFormat("\t" if kind == "tsv" else ",").body(rows, part=part, voice=voice, normalize=normalize)


@dataclass(frozen=True)
class _Scored:
    """Scored documents: their rows (arrays), their per-group sums and the
    rows formatted for the rows file (``body``; None without one), all
    made where the documents were scored."""

    rows: _Rows
    sums: GroupSums
    body: Any


def _score_chunk(lexicon: Lexicon | Matcher | str, records: list[tuple[str, str, str | None, Any]], *, voice: str,
                 part: str, normalize: str, kind: str | None, by: str) -> _Scored:
    """The chunk function of :func:`score_stream` (local pool and Dask)."""
    rows = _score_rows(compile_lexicon(lexicon), records, voice, by)
    return _Scored(rows, rows.sums(normalize), _body(rows, kind, part=part, voice=voice, normalize=normalize))


def _records(documents: Iterable[Document], part: str, by: str,
             columns: dict[str, None]) -> Iterator[tuple[str, str, str | None, Any]]:
    """``(doc_id, outlet, text of part, group key)`` of each document
    (:func:`_group_key`; the outlet for ``by="outlet"``); while no
    document has the column ``by``, the extra keys seen go to ``columns``."""
    found = by in KNOWN_FIELDS
    for i, doc in enumerate(documents):
        if not isinstance(doc, Document):
            raise TypeError(f"corpus item {i} is a {type(doc).__name__}, expected framing.records.Document")
        text = getattr(doc, part)
        if text is not None and not isinstance(text, str):
            raise TypeError(f"document {doc.doc_id!r}: {part} must be a string, got {type(text).__name__}")
        if by == "outlet":
            yield doc.doc_id, doc.outlet, text, doc.outlet
            continue
        key = _group_key(doc, by)
        if not found:
            if key == _ABSENT:
                columns.update(dict.fromkeys(doc.extra))
            else:
                found = True
                columns.clear()
        yield doc.doc_id, doc.outlet, text, key


def _chunks(records: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = list(itertools.islice(records, size))
        if not chunk:
            return
        yield chunk


def _ordered(submit: Callable[[Any], Any], items: Iterable[Any], window: int) -> Iterator[Any]:
    """Results of ``submit(item).result()`` in input order, with at most
    ``window`` futures in flight."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


_WORKER: dict[str, Lexicon | Matcher] = {}


def _init_worker(lexicon: Lexicon | Matcher) -> None:
    _WORKER["lexicon"] = lexicon
    compile_lexicon(lexicon)


def _local_task(records: list, voice: str, part: str, normalize: str, kind: str | None, by: str) -> _Scored:
    return _score_chunk(_WORKER["lexicon"], records, voice=voice, part=part, normalize=normalize, kind=kind, by=by)


@dataclass(frozen=True)
class _PartScores:
    """What a worker returns for one input part: the rows of each chunk,
    the part's per-group sums, its rows formatted for the rows file
    (:class:`_Scored`; the CSV bytes of the whole part, or one pyarrow
    Table per chunk) and its read outcome."""

    chunks: list[_Rows]
    sums: GroupSums
    body: Any
    outcome: PartOutcome


def _read_and_score(lexicon: Lexicon | Matcher | str, input_part: InputPart, *, voice: str, part: str,
                    normalize: str, chunk_size: int, reader: dict[str, Any], kind: str | None,
                    by: str) -> _PartScores:
    matcher = compile_lexicon(lexicon)
    outcomes: list[PartOutcome] = []
    chunks: list[_Rows] = []
    sums = GroupSums(tuple(matcher.categories), by)
    documents = iter_part(input_part, report=outcomes.append, **reader)
    try:
        for chunk in _chunks(_records(documents, part, by, sums.columns), chunk_size):
            rows = _score_rows(matcher, chunk, voice, by)
            chunks.append(rows)
            sums.merge(rows.sums(normalize))
    except CorpusError:
        if not outcomes:
            raise
    style = {"part": part, "voice": voice, "normalize": normalize}
    if kind == "parquet":
        body: Any = [_body(rows, kind, **style) for rows in chunks if len(rows)]
    elif kind is not None:
        body = b"".join(_body(rows, kind, **style) or b"" for rows in chunks)
    else:
        body = None
    return _PartScores(chunks, sums, body, outcomes[0])


def read_and_score_part(lexicon: Lexicon | Matcher | str, input_part: InputPart, *, voice: str, part: str,
                        normalize: str, chunk_size: int, reader: dict[str, Any],
                        output_kind: str | None = None, by: str = DEFAULTS["by"]) -> _PartScores:
    """Read one part of a JSONL or Parquet corpus (:func:`framing.corpus.readers.iter_part`
    with the ``reader`` options) and score it chunk by chunk
    (:func:`score_partition`), summing by the column ``by``.  A bad record
    that stops the read is in the outcome, for the main process to raise
    in input order.  ``output_kind`` (``"csv"``, ``"tsv"``, ``"parquet"``
    or None) has the rows formatted here for the main process's rows
    file."""
    return _read_and_score(lexicon, input_part, voice=voice, part=part, normalize=normalize, chunk_size=chunk_size,
                           reader=reader, kind=output_kind, by=by)


def _local_part_task(input_part: InputPart, options: dict[str, Any]) -> _PartScores:
    return _read_and_score(_WORKER["lexicon"], input_part, **options)


PARQUET_ROW_GROUP = 1 << 17
"""Rows per row group of a Parquet output (fixed, so that the file does not depend on the chunking)."""


class _Writer:
    """Per-document rows appended to a .csv/.tsv/.parquet file in input order."""

    def __init__(self, output: str | os.PathLike[str] | None) -> None:
        self.path = None if output is None else Path(output)
        if self.path is not None and self.path.suffix not in (".csv", ".tsv", ".parquet"):
            raise ValueError(f"output: expected a .csv, .tsv or .parquet file name (rows are appended chunk by chunk), "
                             f"got {str(output)!r}")
        self.kind = _output_kind(self.path)
        self.parquet = self.kind == "parquet"
        if self.parquet and importlib.util.find_spec("pyarrow") is None:
            raise ImportError(f"output: writing {self.path} needs pyarrow: pip install 'framing-toolkit[parquet]'")
        self.handle: Any = None
        self.pending: list[Any] = []
        self.n_pending = 0

    def _flush(self, final: bool) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.handle is None:
            self.handle = pq.ParquetWriter(self.path, _parquet_schema(), compression="zstd")
        table = pa.concat_tables(self.pending) if self.pending else _parquet_schema().empty_table()
        while len(table) >= PARQUET_ROW_GROUP or (final and len(table)):
            size = min(PARQUET_ROW_GROUP, len(table))
            self.handle.write_table(table.slice(0, size), row_group_size=size)
            table = table.slice(size)
        self.pending, self.n_pending = ([table] if len(table) else []), len(table)

    def write_body(self, body: Any) -> None:
        """Append rows formatted by :func:`_body` (for this writer's kind)."""
        if self.path is None or body is None:
            return
        if self.parquet:
            for table in body if isinstance(body, list) else [body]:
                self.pending.append(table)
                self.n_pending += len(table)
                if self.n_pending >= PARQUET_ROW_GROUP:
                    self._flush(final=False)
            return
        if self.handle is None:
            self.handle = open(self.path, "wb")
            self.handle.write(_CsvFormat("\t" if self.kind == "tsv" else ",").header())
        self.handle.write(body)

    def write(self, rows: _Rows, *, part: str, voice: str, normalize: str) -> None:
        """Append rows formatted here."""
        if self.path is not None and len(rows):
            self.write_body(_body(rows, self.kind, part=part, voice=voice, normalize=normalize))

    def close(self, columns: tuple[str, ...]) -> None:
        if self.parquet:
            if self.handle is None or self.pending:
                self._flush(final=True)
            self.handle.close()
            return
        if self.path is not None and self.handle is None:  # no documents: a header only
            pd.DataFrame(columns=list(columns)).to_csv(self.path, index=False,
                                                       sep="\t" if self.path.suffix == ".tsv" else ",",
                                                       lineterminator="\n")
        if self.handle is not None:
            self.handle.close()


DASK_START_METHOD = "fork"
"""How a local Dask cluster that framing starts itself (no ``scheduler``
given) starts its worker processes: forked from the calling process, so
they begin with framing imported and the lexicon compiled (spawned
workers would import everything again, seconds of CPU each).  A cluster
passed as ``scheduler`` keeps its own settings."""


def local_cluster(*, n_workers: int | None = None, threads_per_worker: int | None = None):
    """A ``distributed.LocalCluster`` on 127.0.0.1 with no dashboard and
    :data:`DASK_START_METHOD` workers: the cluster :func:`score_files`,
    :func:`score_stream` and the experiment runner start when no
    ``scheduler`` is given."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.multiprocessing-method": DASK_START_METHOD}):
        return LocalCluster(host="127.0.0.1", dashboard_address=None, n_workers=n_workers,
                            threads_per_worker=threads_per_worker)


def _dask_client(scheduler: Any):
    try:
        from distributed import Client
    except ImportError:
        raise ImportError("engine='dask' needs dask.distributed: pip install 'framing-toolkit[dask]'") from None
    if scheduler is None:
        cluster = local_cluster()
        client = Client(cluster)
        return client, [client, cluster]
    if isinstance(scheduler, Client):
        return scheduler, []
    if not isinstance(scheduler, str):
        raise TypeError(f"scheduler: expected an address such as 'tcp://host:8786', a distributed.Client or None, "
                        f"got {type(scheduler).__name__}")
    client = Client(scheduler)
    return client, [client]


def _check_run(*, normalize: str, voice: str, part: str, engine: str, n_jobs: int, chunk_size: int,
               scheduler: Any) -> tuple[int, int]:
    """The options :func:`score_stream` and :func:`score_files` share;
    returns the checked ``(n_jobs, chunk_size)``."""
    check_choice("normalize", normalize, tuple(NORMALIZATIONS))
    check_choice("voice", voice, VOICES)
    check_choice("part", part, PARTS)
    check_choice("engine", engine, ENGINES)
    n_jobs = check_int("n_jobs", n_jobs, low=1)
    chunk_size = check_int("chunk_size", chunk_size, low=1)
    if scheduler is not None and engine != "dask":
        raise ValueError(f"scheduler: only used with engine='dask', got engine={engine!r} and scheduler={scheduler!r}")
    return n_jobs, chunk_size


def _close_all(closers: list[Any]) -> None:
    """Shut down the pools and Dask clients/clusters a call started, last first."""
    for closer in reversed(closers):
        if isinstance(closer, ProcessPoolExecutor):
            closer.shutdown(cancel_futures=True)
        else:
            closer.close()


def score_stream(
    documents: Iterable[Document],
    lexicon: Lexicon | Matcher | str = DEFAULTS["lexicon"],
    *,
    normalize: str = DEFAULTS["normalize"],
    voice: str = DEFAULTS["voice"],
    part: str = DEFAULTS["part"],
    engine: str = "local",
    n_jobs: int = 1,
    scheduler: Any = None,
    chunk_size: int = 256,
    output: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    segmentation: str | None = None,
    by: str = DEFAULTS["by"],
) -> pd.DataFrame:
    """Score a stream of documents in bounded memory; return per-group
    aggregates (by outlet unless ``by`` names another column).

    Parameters
    ----------
    documents : iterable of Document
        E.g. :func:`framing.corpus.iter_documents`; consumed once, in
        chunks.
    lexicon, normalize, voice, part, segmentation
        As for :func:`framing.match.score`.
    engine : {"local", "dask"}
        Where chunks are scored (see the module docstring).
    n_jobs : int
        Worker processes of the local engine (1 = in process).
    scheduler : str, distributed.Client or None
        The Dask scheduler (``"tcp://host:8786"``); ``None`` starts a
        local cluster.  Only with ``engine="dask"``.
    chunk_size : int
        Documents per task.
    output : path, optional
        A ``.csv`` or ``.tsv`` file for the per-document rows (the same
        file :func:`framing.match.score` + ``to_csv`` writes).
    progress : callable, optional
        Called with the number of documents finished after each chunk.
    by : str, default "outlet"
        The corpus column to aggregate by (:func:`check_by`): ``doc_id``,
        ``outlet``, a known metadata field (``date``, ``genre``,
        ``topic``, ...) or any other key of the records (``bias``,
        ``outlet_group``, a ``fields``-mapped column ...).  The workers
        sum by its values; the rows file is the same whatever ``by``.

    Returns
    -------
    DataFrame
        ``AGGREGATE_COLUMNS`` by ``by``, as :func:`framing.match.aggregate`
        ``(score(frame), by=by, corpus=frame)`` on the corpus frame of
        :func:`framing.corpus.read_corpus` (the groups typed, missing
        values grouped and sorted as there; ``mean_rate`` is the exactly
        rounded mean, see the module docstring).

    Raises
    ------
    ValueError
        ``by`` is a text part, a list column (``authors``, ``tags``) or a
        column of the scores; a document holds a list or mapping in the
        column; no document has the column.
    """
    n_jobs, chunk_size = _check_run(normalize=normalize, voice=voice, part=part, engine=engine, n_jobs=n_jobs,
                                    chunk_size=chunk_size, scheduler=scheduler)
    by = check_by(by)
    matcher = compile_lexicon(lexicon, segmentation=segmentation)
    lex = matcher  # sent to workers as its lexicon and segmentation (Matcher.__reduce__)
    writer = _Writer(output)
    total = GroupSums(tuple(matcher.categories), by)
    chunks = _chunks(_records(documents, part, by, total.columns), chunk_size)
    options = {"voice": voice, "part": part, "normalize": normalize, "kind": writer.kind, "by": by}
    closers: list[Any] = []
    try:
        if engine == "dask":
            client, closers = _dask_client(scheduler)
            # a fresh key per call: a content-hash key shared with an earlier call that failed can be released under it
            [lex_future] = client.scatter([lex], broadcast=True, hash=False)
            workers = max(1, sum(client.nthreads().values()))
            results = _ordered(lambda chunk: client.submit(_score_chunk, lex_future, chunk, pure=False, **options),
                               chunks, 2 * workers)
            yield_from = results
        elif n_jobs == 1:
            yield_from = (_score_chunk(matcher, chunk, **options) for chunk in chunks)
        else:
            pool = ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(lex,))
            closers.append(pool)
            yield_from = _ordered(lambda chunk: pool.submit(_local_task, chunk, voice, part, normalize, writer.kind,
                                                            by), chunks, 2 * n_jobs)
        for result in yield_from:
            writer.write_body(result.body)
            total.merge(result.sums)
            if progress is not None:
                progress(len(result.rows))
    finally:
        writer.close(SCORE_COLUMNS)
        _close_all(closers)
    total.check_found()
    return total.table(part=part, voice=voice, denominator=normalize)


def score_files(
    path: str | os.PathLike[str],
    lexicon: Lexicon | Matcher | str = DEFAULTS["lexicon"],
    *,
    normalize: str = DEFAULTS["normalize"],
    voice: str = DEFAULTS["voice"],
    part: str = DEFAULTS["part"],
    engine: str = "local",
    n_jobs: int = 1,
    scheduler: Any = None,
    read_in: str = "workers",
    chunk_size: int = 256,
    part_bytes: int = PART_BYTES,
    output: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
    report: Callable[[ReadReport], None] | None = None,
    segmentation: str | None = None,
    format: str | None = None,
    fields: Mapping[str, str | None] | None = None,
    on_error: str = DEFAULTS["on_error"],
    encoding: str = "utf-8",
    fallback_encoding: str | None = None,
    outlet: str | None = None,
    id_prefix: str | None = None,
    by: str = DEFAULTS["by"],
) -> pd.DataFrame:
    """Score a corpus file whose parts the workers read themselves; return
    per-group aggregates (by outlet unless ``by`` names another column).

    A JSONL or Parquet corpus is cut into parts without parsing it
    (:func:`framing.corpus.readers.plan_parts`: byte ranges of about
    ``part_bytes`` of an uncompressed JSONL file, one part per
    ``.jsonl.gz`` file, a glob pattern of shards, consecutive whole row
    groups of about ``part_bytes`` of uncompressed data of a Parquet
    file).  Each worker reads its part with the
    corpus reader's own code (:func:`framing.corpus.readers.iter_part`)
    and scores it; the main process only merges, in input order: the
    per-document rows (written to ``output``), the exact per-group sums
    and the read reports
    (:class:`framing.corpus.readers.PartsMerger`: duplicate ``doc_id``
    across parts, skipped records, warnings).  Tables, the rows file, the
    report and every error (message and line) are those of
    ``score_stream(iter_documents(path, ...))``, for any ``n_jobs``,
    engine and number of parts.  Gzip is not seekable: shard a large
    corpus into several ``.jsonl.gz`` files (``"shards/*.jsonl.gz"``) to
    read it in parallel; a Parquet file is read in parallel when it has
    several row groups (write it with ``row_group_size=`` of some
    thousand rows).  With ``engine="dask"`` the workers open the
    files themselves, so the path must be readable on every worker (a
    shared file system); ``read_in="main"`` ships the texts instead.

    Other formats (JSON, CSV/TSV, folders, ``.txt``) and
    ``read_in="main"`` fall back to reading in the main process:
    ``score_stream(iter_documents(path, ...))``.

    Parameters
    ----------
    path : path or str
        A corpus file (JSONL and Parquet files are read by parts), or a
        glob pattern of JSONL files.
    lexicon, normalize, voice, part, engine, n_jobs, scheduler, chunk_size, output, progress, segmentation, by
        As for :func:`score_stream` (``output`` may also be ``.parquet``).
    read_in : {"workers", "main", "auto"}
        Who reads the corpus (``"main"``: the main process, for clusters
        without a shared file system; ``"auto"``: the workers, unless
        the local engine has more workers than the corpus has parts, e.g.
        one ``.jsonl.gz`` file, or a Parquet file of one row group, with
        ``n_jobs=2``: then the main process reads and the workers only
        score, so every worker is busy).
    part_bytes : int
        Target size of the byte ranges of an uncompressed JSONL file, and
        of the uncompressed data of a part's Parquet row groups.
    report : callable, optional
        Called with the :class:`framing.corpus.ReadReport` of the whole read.
    format, fields, on_error, encoding, fallback_encoding, outlet, id_prefix
        As for :func:`framing.corpus.iter_documents`.

    Returns
    -------
    DataFrame
        As :func:`score_stream`.
    """
    check_choice("read_in", read_in, READ_IN)
    reader = {"fields": fields, "on_error": on_error, "encoding": encoding, "fallback_encoding": fallback_encoding,
              "outlet": outlet, "id_prefix": id_prefix}
    options = {"normalize": normalize, "voice": voice, "part": part, "engine": engine, "n_jobs": n_jobs,
               "scheduler": scheduler, "chunk_size": chunk_size, "output": output, "progress": progress,
               "segmentation": segmentation, "by": by}
    n_jobs, chunk_size = _check_run(normalize=normalize, voice=voice, part=part, engine=engine, n_jobs=n_jobs,
                                    chunk_size=chunk_size, scheduler=scheduler)
    by = check_by(by)
    # Dask: here only whether the corpus can be cut (one part a file, no line counted); it is cut once the
    # number of workers is known
    parts = None if read_in == "main" else plan_parts(path, format=format,
                                                      part_bytes=part_bytes if engine == "local" else 1 << 62,
                                                      min_parts=n_jobs if engine == "local" else 1)
    if read_in == "auto" and engine == "local" and parts is not None and len(parts) < n_jobs:
        parts = None  # fewer parts than workers (a .jsonl.gz file is one part): the main process reads
    if parts is None:
        if on_error == "skip" and report is None:
            report = lambda rep: None  # noqa: E731 (the caller asked for no report)
        documents = iter_documents(path, format=format, report=report, **reader)
        return score_stream(documents, lexicon, **options)
    matcher = compile_lexicon(lexicon, segmentation=segmentation)
    lex = matcher  # sent to workers as its lexicon and segmentation (Matcher.__reduce__)
    source = str(Path(path)) if Path(path).exists() else str(path)
    merger = PartsMerger(source, report=report, **reader)
    writer = _Writer(output)
    total = GroupSums(tuple(matcher.categories), by)
    style = {"voice": voice, "part": part, "normalize": normalize}
    task = {**style, "chunk_size": chunk_size, "reader": reader, "by": by}
    closers: list[Any] = []
    try:
        if engine == "dask":
            client, closers = _dask_client(scheduler)
            workers = max(1, sum(client.nthreads().values()))
            parts = plan_parts(path, format=format, part_bytes=part_bytes, min_parts=workers)
            # a fresh key per call: a content-hash key shared with an earlier call that failed can be released under it
            [lex_future] = client.scatter([lex], broadcast=True, hash=False)
            results = _ordered(lambda p: client.submit(read_and_score_part, lex_future, p, pure=False,
                                                       output_kind=writer.kind, **task), parts, 2 * workers)
        elif n_jobs == 1:
            results = (_read_and_score(matcher, p, kind=writer.kind, **task) for p in parts)
        else:
            pool = ProcessPoolExecutor(max_workers=n_jobs, initializer=_init_worker, initargs=(lex,))
            closers.append(pool)
            results = _ordered(lambda p: pool.submit(_local_part_task, p, {**task, "kind": writer.kind}), parts,
                               2 * n_jobs)
        for result in results:
            drop = np.asarray(merger.add(result.outcome), dtype=np.int64)  # duplicate ids under on_error="skip"
            if not len(drop):
                writer.write_body(result.body)
                total.merge(result.sums)
            else:
                done = 0
                for rows in result.chunks:
                    n = len(rows)
                    keep = np.ones(n, dtype=bool)
                    keep[drop[(drop >= done) & (drop < done + n)] - done] = False
                    piece = rows.select(keep)
                    writer.write(piece, **style)
                    total.merge(piece.sums(normalize))
                    done += n
                total.columns.update(result.sums.columns)
            if progress is not None:
                progress(len(result.outcome.doc_ids) - len(drop))
        merger.finish()
    finally:
        writer.close(SCORE_COLUMNS)
        _close_all(closers)
    total.check_found()
    return total.table(part=part, voice=voice, denominator=normalize)
