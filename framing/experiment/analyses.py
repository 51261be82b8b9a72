"""The analyses of a run, from config entries to result tables.

Each function maps one ``[[comparisons]]`` or ``[[keyness]]`` entry of a
:class:`framing.experiment.config.Config` onto the statistics functions,
passing every option explicitly, and returns their tidy tables unchanged
(the schemas are those of :mod:`framing.stats`).  ``framing run`` (through
:class:`framing.experiment.stages.Stages`) and ``framing compare`` /
``framing keyness`` call these same functions with the same entries, so
both doors give the same numbers.  ``random_state`` is the entry's seed
(``derive_seed(seed, "comparisons", entry.id)``, see
:mod:`framing.seeds`); each resampling step derives its own stream from it
and the step's name.

Where chunks run
----------------
:class:`ChunkEngine` maps a pure chunk function (scoring, hits, term
counting) over a corpus given chunk by chunk and gives the results back in
chunk order: in this process (``engine="local"``, one worker), on a
pool of local worker processes (``engine="local"``, ``n_workers > 1``),
or as one Dask task per chunk (``engine="dask"``; ``pip install
'framing-toolkit[dask]'``).  The chunk's rows travel to the worker and
its table comes back; the merge (concatenation in chunk order, sums of
term counts) and everything after it stay in the calling process, so
every engine gives the same tables byte for byte.
"""

from __future__ import annotations

import pickle
import sys
import warnings
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

import pandas as pd

from ..check import check_choice, check_int
from ..seeds import derive_seed
from ..vocab import DEFAULTS, ENGINES, default_omnibus_methods, design_of
from .config import ComparisonConfig, KeynessConfig
from .corpus import text_values

__all__ = [
    "DASK_EXTRA",
    "POOL_START_METHOD",
    "ChunkEngine",
    "ComparisonData",
    "chunked_group_counts",
    "chunked_term_matrix",
    "comparison_data",
    "comparison_table_names",
    "compute_comparison",
    "compute_keyness",
    "has_omnibus",
    "keyness_top",
    "WorkerTraceback",
]


_END = object()

#: What ``engine = "dask"`` needs installed.
DASK_EXTRA = "pip install 'framing-toolkit[dask]'"


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ImportError(f"engine 'dask' needs dask.distributed, which is not installed: {DASK_EXTRA}") from None
    return distributed


#: How the local pool of :class:`ChunkEngine` starts its worker processes:
#: ``"fork"`` on Linux (as ``framing.match.engine.DASK_START_METHOD`` and
#: :func:`framing.match.score`'s pool), ``"spawn"`` elsewhere (Python's own
#: default on macOS and Windows); see the class notes for why.
POOL_START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
#: Seconds a pool waits for a result before it checks that its workers are alive.
_POLL_SECONDS = 1.0


class WorkerTraceback(Exception):
    """The traceback, as text, of an exception raised in a worker process
    of :class:`ChunkEngine`'s local pool (set as the re-raised
    exception's ``__cause__``)."""


def _sendable(exc: BaseException) -> tuple[BaseException, str]:
    """An exception of a worker as it can cross back (itself, when it
    survives pickling), with its traceback as text."""
    import traceback

    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        pickle.loads(pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL))
        return exc, text
    except Exception as err:  # the worker says what it raised and why that cannot be sent back
        return RuntimeError(f"{type(exc).__name__}: {exc} (raised in a worker process of the local pool, whose "
                            f"exception cannot be sent back: {type(err).__name__}: {err})"), text


def _pool_worker(tasks: Any, results: Any, control: Any) -> None:
    """A worker of the local pool: runs tasks ``(serial, index, payload)``
    until it reads None (or its parent is gone); the shared arguments of
    map ``serial`` come once through its own ``control`` queue."""
    import os
    import queue
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the calling process's to handle
    parent = os.getppid()
    key: int | None = None
    shared: tuple = ()
    while True:
        try:
            item = tasks.get(timeout=5.0)
        except queue.Empty:
            if os.getppid() != parent:  # the calling process is gone
                return
            continue
        if item is None:
            return
        serial, index, payload = item
        del item
        try:
            while key != serial:  # maps run one after the other: older maps' arguments are skipped
                key, data = control.get()
                shared = pickle.loads(data) if key == serial else ()
                del data
            function, chunk, options = pickle.loads(payload)
            del payload
            with warnings.catch_warnings(record=True) as caught:  # sent back, to be warned where the map runs
                warnings.simplefilter("always")
                result = function(chunk, *shared, **options)
            del chunk
            found = [(str(w.message), w.category, w.filename, w.lineno) for w in caught]
            message = pickle.dumps((serial, index, True, (result, found)), protocol=pickle.HIGHEST_PROTOCOL)
            del result
        except Exception as exc:
            message = pickle.dumps((serial, index, False, _sendable(exc)), protocol=pickle.HIGHEST_PROTOCOL)
        results.put(message)
        del message


class _LocalPool:
    """``n_workers`` processes reading tasks from one queue (see
    :class:`ChunkEngine`)."""

    def __init__(self, n_workers: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context(POOL_START_METHOD)
        self.tasks = context.Queue()
        self.results = context.Queue()
        self.controls = [context.Queue() for _ in range(n_workers)]
        self.workers = [context.Process(target=_pool_worker, args=(self.tasks, self.results, control), daemon=True,
                                        name=f"framing-pool-{i}") for i, control in enumerate(self.controls)]
        self.serial = 0
        for worker in self.workers:
            worker.start()

    def begin(self, shared: tuple) -> int:
        """A new map: its shared arguments, pickled once, to every worker."""
        self.serial += 1
        data = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        for control in self.controls:
            control.put((self.serial, data))
        return self.serial

    def send(self, serial: int, index: int, function: Callable[..., Any], chunk: Any, options: dict) -> None:
        # pickled here (an error is raised here, not lost in the queue's thread); then only the bytes wait
        self.tasks.put((serial, index, pickle.dumps((function, chunk, options), protocol=pickle.HIGHEST_PROTOCOL)))

    def receive(self) -> tuple[int, int, bool, Any]:
        import queue

        while True:
            try:
                return pickle.loads(self.results.get(timeout=_POLL_SECONDS))
            except queue.Empty:
                dead = [w for w in self.workers if w.exitcode is not None]
                if dead:
                    raise RuntimeError(f"engine: worker process {dead[0].name} of the local pool ended unexpectedly "
                                       f"(exit code {dead[0].exitcode}, e.g. out of memory or killed); its chunk "
                                       f"was lost") from None

    def close(self, *, wait: bool) -> None:
        """Stop the workers: after their current task (``wait``), else at once."""
        if wait:
            for _ in self.workers:
                self.tasks.put(None)
            for worker in self.workers:
                worker.join(timeout=30)
        for worker in self.workers:
            if worker.exitcode is None:
                worker.terminate()
                worker.join()
        for q in (self.tasks, self.results, *self.controls):
            q.cancel_join_thread()  # what no worker read is dropped
            q.close()


class ChunkEngine:
    """Run a pure chunk function over a corpus's chunks: here, on a local
    pool of worker processes, or on Dask.

    Parameters
    ----------
    engine : {"local", "dask"}, default ``DEFAULTS["engine"]``
        ``"local"``: on this machine; with ``n_workers=1`` each chunk in
        this process, one after the other (a chunk function may still use
        its own ``n_jobs``), with ``n_workers > 1`` one task per chunk on a
        pool of ``n_workers`` worker processes (see the notes).
        ``"dask"``: one task per chunk on a ``distributed`` cluster, at
        most two tasks per worker thread in flight.  Results come back in
        chunk order whatever runs them.
    scheduler : str, distributed.Client or None, default ``DEFAULTS["scheduler"]``
        The Dask scheduler (``"tcp://host:8786"``) or a client; None starts a
        ``LocalCluster`` on 127.0.0.1 (no dashboard) of ``n_workers``
        single-threaded worker processes, when the first chunk is sent.
        Only with ``engine="dask"``.
    n_workers : int, default 1
        ``"local"``: worker processes of the local pool (1: none, chunks
        run in this process); ``"dask"``: worker processes of the local
        cluster started for ``scheduler=None``.

    Notes
    -----
    The local pool (``engine="local"``, ``n_workers > 1``) is started
    once per engine, when :meth:`map` sends its first chunk, and stopped
    by :meth:`close`.  Each :meth:`map` sends its ``shared`` arguments
    (a compiled lexicon travels as its lexicon and is compiled once per
    worker, :func:`framing.match.compile_lexicon`) pickled once, to
    every worker once; each chunk is pickled here when it is sent (then
    this process holds only its bytes until a worker has read them, and
    nothing once it has); at most ``2 * n_workers`` chunks are in
    flight, and the results are yielded in chunk order.  An exception a
    chunk function raises in a worker is raised here, the same type with
    the same message (its traceback in the worker is the ``__cause__``,
    a :class:`WorkerTraceback`), and the warnings it issues are issued
    here, after the chunk's result arrives; a worker that dies (killed, out of
    memory) is a RuntimeError; a map left early (an error, or its
    consumer stopped) stops the pool, and the next map starts another.

    The workers start with :data:`POOL_START_METHOD`: ``"fork"`` on
    Linux, so a plain script works without an ``if __name__ ==
    "__main__":`` guard (with ``"forkserver"`` or ``"spawn"`` every worker
    runs the calling script's top level again, and an unguarded script
    that calls the runner fails) and each worker starts in ~0.02 s with
    framing imported.  The cost, known and accepted as for
    :func:`framing.match.score`'s pool and the local Dask cluster
    (``framing.match.engine.DASK_START_METHOD``): the calling process has
    threads (pyarrow's, a progress bar's, the queues' own) whose state the
    child inherits, and Python >= 3.12 warns (DeprecationWarning) on
    forking a threaded process; the workers only unpickle tasks and run
    framing's chunk functions on them.  Elsewhere ``"spawn"``, Python's
    default there: each worker imports framing (~2.5 CPU-s each,
    measured on Linux), and a script must guard its entry point (the
    ``framing`` command does).  Chunk functions and shared arguments must
    be importable and picklable, as for Dask.

    Only the chunk's rows and the shared arguments (a compiled lexicon, sent
    once to every worker) travel to the workers, and only the chunk's table
    comes back: the workers need the same ``framing`` version installed but
    no access to the corpus or the text store.  The engine starts nothing
    until :meth:`map` first needs a worker, so a run whose stages are cached
    connects to no cluster.  Close it (:meth:`close`, or use it as a context
    manager) to shut down the cluster it started.

    Raises
    ------
    ImportError
        ``engine="dask"`` without ``distributed`` installed (names the extra).
    """

    def __init__(self, engine: str = DEFAULTS["engine"], *, scheduler: Any = DEFAULTS["scheduler"],
                 n_workers: int = 1) -> None:
        self.engine = check_choice("engine", engine, ENGINES)
        self.n_workers = check_int("n_workers", n_workers, low=1)
        if scheduler is not None and engine != "dask":
            raise ValueError(f"scheduler: only used with engine 'dask', got engine {engine!r} and scheduler "
                             f"{scheduler!r}")
        if engine == "dask":
            distributed = _distributed()
            if not (scheduler is None or isinstance(scheduler, (str, distributed.Client))):
                raise TypeError(f"scheduler: expected an address such as 'tcp://host:8786', a distributed.Client "
                                f"or None, got {type(scheduler).__name__}")
            if isinstance(scheduler, str) and not scheduler.strip():
                raise ValueError(f"scheduler: expected an address such as 'tcp://host:8786', got {scheduler!r}")
        self.scheduler = scheduler
        self._client: Any = None
        self._closers: list[Any] = []
        self._pool: _LocalPool | None = None

    @property
    def local(self) -> bool:
        """Whether chunks run on this machine without a cluster
        (``engine="local"``): in this process, or on the local pool when
        :attr:`pooled`."""
        return self.engine == "local"

    @property
    def pooled(self) -> bool:
        """Whether chunks run in other processes (the local pool of
        ``n_workers > 1``, or Dask), so only what :meth:`map` is given
        travels: the chunk and the shared arguments."""
        return not self.local or self.n_workers > 1

    @property
    def started(self) -> bool:
        """Whether this engine has a pool or cluster running now."""
        return self._pool is not None or self._client is not None

    def __repr__(self) -> str:
        if self.local:
            return f"ChunkEngine('local', n_workers={self.n_workers})" if self.pooled else "ChunkEngine('local')"
        return f"ChunkEngine({self.engine!r}, scheduler={self.scheduler!r})"

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        distributed = _distributed()
        if isinstance(self.scheduler, distributed.Client):
            self._client = self.scheduler
        elif self.scheduler is None:
            from ..match.engine import local_cluster

            cluster = local_cluster(n_workers=self.n_workers, threads_per_worker=1)
            self._closers.append(cluster)
            self._client = distributed.Client(cluster)
            self._closers.append(self._client)
        else:
            try:
                self._client = distributed.Client(self.scheduler)
            except OSError as exc:
                raise OSError(f"scheduler: cannot reach the Dask scheduler at {self.scheduler!r}: {exc}") from exc
            self._closers.append(self._client)
        return self._client

    def map(self, function: Callable[..., Any], chunks: Iterable[Any], *shared: Any, **options: Any) -> Iterator[Any]:
        """``function(chunk, *shared, **options)`` for every chunk, in chunk
        order (lazily: chunks are read as tasks are sent).  ``function``
        must be importable by the workers (a module-level function) and
        pure; ``shared`` objects are sent to each worker once."""
        if not self.pooled:
            for chunk in chunks:
                result = function(chunk, *shared, **options)
                del chunk  # neither held while the next chunk is read
                yield result
                del result
            return
        if self.local:
            yield from self._map_pool(function, chunks, shared, options)
            return
        client = self._connect()
        sent = client.scatter(list(shared), broadcast=True, hash=False) if shared else []  # a fresh key per call
        limit = 2 * max(1, sum(client.nthreads().values()))
        pending: deque = deque()
        try:
            for chunk in chunks:
                pending.append(client.submit(function, chunk, *sent, pure=False, **options))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def _map_pool(self, function: Callable[..., Any], chunks: Iterable[Any], shared: tuple,
                  options: dict) -> Iterator[Any]:
        if self._pool is None:
            self._pool = _LocalPool(self.n_workers)
        pool = self._pool
        serial = pool.begin(shared)
        limit = 2 * self.n_workers
        done: dict[int, tuple[bool, Any]] = {}
        sent = given = 0
        finished = False
        iterator = iter(chunks)
        more = True
        try:
            while True:
                while more and sent - given < limit:
                    chunk = next(iterator, _END)
                    if chunk is _END:
                        more = False
                        break
                    pool.send(serial, sent, function, chunk, options)
                    del chunk  # only its bytes wait, until a worker reads them
                    sent += 1
                if given == sent:
                    break
                while given not in done:
                    got, index, ok, value = pool.receive()
                    if got == serial:
                        done[index] = (ok, value)
                    del value
                ok, value = done.pop(given)
                given += 1
                if not ok:
                    error, text = value
                    raise error from WorkerTraceback(text)
                value, found = value
                for text, category, filename, lineno in found:
                    warnings.warn_explicit(text, category, filename, lineno)
                yield value
                del value
            finished = True
        finally:
            if not finished:  # tasks may still run: the pool is stopped, the next map starts another
                self._pool = None
                pool.close(wait=False)

    def close(self) -> None:
        """Stop the local pool, and shut down the client and cluster this
        engine started (a client given as ``scheduler`` is left open)."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close(wait=True)
        for closer in reversed(self._closers):
            closer.close()
        self._closers.clear()
        self._client = None

    def __enter__(self) -> "ChunkEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def has_omnibus(cmp: ComparisonConfig) -> bool:
    """Whether a comparison runs the k-group omnibus tests: when its
    ``omnibus`` is true, whatever the number of groups, except in a paired
    design (pairs are its only unit)."""
    return cmp.omnibus and not cmp.pair_on


def comparison_table_names(cmp: ComparisonConfig) -> list[str]:
    """The tables a comparison produces, in order: ``summary`` (per-group
    rates with CIs), ``omnibus`` (do the groups differ at all; not for a
    paired design), ``pairs`` (effects and tests per pair × category) and
    ``timeseries`` when asked."""
    names = ["summary"]
    if has_omnibus(cmp):
        names.append("omnibus")
    names.append("pairs")
    if cmp.timeseries:
        names.append("timeseries")
    return names


@dataclass(frozen=True)
class ComparisonData:
    """What one comparison runs on, and what it leaves out (the report
    states both).

    ``scores`` and ``frame`` are restricted to the entry's ``include``
    subset (a document is kept when, for every listed column, its value as
    text is one of the listed values); ``categories`` are those tested:
    with ``categories`` set in the config exactly those (the statistics
    reject one without hits, saying so), else every category with at least
    one hit, the others listed in ``left_out``; ``n_outside`` counts the
    documents outside the subset and ``n_undated`` those in it without a
    date, which a time series cannot place.
    """

    scores: pd.DataFrame
    frame: pd.DataFrame
    categories: list[str]
    left_out: list[str]
    n_outside: int
    n_undated: int


def _restrict(scores: pd.DataFrame, frame: pd.DataFrame, keep: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    subset = frame[keep.to_numpy()].reset_index(drop=True)
    return scores[scores["doc_id"].isin(set(subset["doc_id"]))].reset_index(drop=True), subset


def _has_date(frame: pd.DataFrame) -> pd.Series:
    return frame["date"].map(lambda v: isinstance(v, str) and bool(v.strip()))


def comparison_data(cmp: ComparisonConfig, scores: pd.DataFrame, frame: pd.DataFrame) -> ComparisonData:
    """The documents, scores and categories of one comparison entry."""
    for name in ("by", "strata", "pair_on", "cluster"):
        _check_column(frame, getattr(cmp, name), name)
    n_outside = 0
    if cmp.include:
        keep = pd.Series(True, index=frame.index)
        for column, values in cmp.include:
            _check_column(frame, column, f"include.{column}")
            keep &= text_values(frame[column]).isin(set(values))
        if not keep.any():
            raise ValueError(f"include: no document matches {dict(cmp.include)}")
        n_outside = int((~keep).sum())
        scores, frame = _restrict(scores, frame, keep)
    if cmp.categories:
        categories, left_out = list(cmp.categories), []
    else:
        totals = scores.groupby("category", sort=True, observed=True)["count"].sum()
        categories = [str(c) for c, n in totals.items() if n > 0]
        left_out = [str(c) for c, n in totals.items() if n == 0]
    n_undated = 0
    if cmp.timeseries:
        _check_column(frame, "date", "timeseries")
        n_undated = int((~_has_date(frame)).sum())
    return ComparisonData(scores=scores, frame=frame, categories=categories, left_out=left_out,
                          n_outside=n_outside, n_undated=n_undated)


def _check_column(frame: pd.DataFrame, column: str, key: str) -> None:
    if column and column not in frame.columns:
        raise ValueError(f"{key}: no column {column!r} in the corpus; columns: {', '.join(map(str, frame.columns))}")


def compute_comparison(cmp: ComparisonConfig, scores: pd.DataFrame, frame: pd.DataFrame, *,
                       random_state: int) -> dict[str, pd.DataFrame]:
    """Run one comparison entry (see :func:`comparison_table_names`).

    Parameters
    ----------
    cmp : ComparisonConfig
        The entry (:func:`framing.experiment.config.comparison_entry` builds
        one from options).
    scores : DataFrame
        Per-document scores (:func:`framing.match.score`).
    frame : DataFrame
        The corpus the scores come from (its grouping columns).
    random_state : int
        The entry's seed; the summary, omnibus, pairs and time series steps
        use ``derive_seed(random_state, "<step>")``.

    Returns
    -------
    dict of DataFrame
        By table name, in the order of :func:`comparison_table_names`.
    """
    from ..stats.compare import compare, omnibus
    from ..stats.paired import paired
    from ..stats.summary import summarize, timeseries

    data = comparison_data(cmp, scores, frame)
    scores, frame = data.scores, data.frame
    common: dict[str, Any] = dict(by=cmp.by, corpus=frame, categories=data.categories, part=None, voice=None)
    pairs_mode = "reference" if cmp.reference else "all"
    out: dict[str, pd.DataFrame] = {
        "summary": summarize(scores, cluster=cmp.cluster, confidence=cmp.confidence, ci_method=cmp.ci_method, n_resamples=cmp.n_resamples,
                             random_state=derive_seed(random_state, "summary"), **common),
    }
    if cmp.pair_on:
        out["pairs"] = paired(scores, pair_on=cmp.pair_on, methods=list(cmp.methods), effect=cmp.effect,
                              pairs=pairs_mode, unmatched=cmp.unmatched, reference=cmp.reference,
                              correction=cmp.correction, alternative=cmp.alternative, confidence=cmp.confidence,
                              ci_method=cmp.ci_method, n_resamples=cmp.n_resamples,
                              random_state=derive_seed(random_state, "pairs"), **common)
    else:
        if has_omnibus(cmp):
            design = design_of(strata=cmp.strata, pair_on=cmp.pair_on, cluster=cmp.cluster)
            out["omnibus"] = omnibus(scores, cluster=cmp.cluster, strata=cmp.strata,
                                     methods=list(default_omnibus_methods(design)), correction=cmp.correction,
                                     n_resamples=cmp.n_resamples, random_state=derive_seed(random_state, "omnibus"),
                                     **common)
        out["pairs"] = compare(scores, methods=list(cmp.methods), effect=cmp.effect, pairs=pairs_mode, ci_method=cmp.ci_method,
                               reference=cmp.reference, cluster=cmp.cluster, strata=cmp.strata,
                               unmatched=cmp.unmatched, correction=cmp.correction, alternative=cmp.alternative,
                               confidence=cmp.confidence, n_resamples=cmp.n_resamples,
                               random_state=derive_seed(random_state, "pairs"), **common)
    if cmp.timeseries:
        if data.n_undated == len(frame):
            raise ValueError("timeseries: no document has a date")
        dated_scores, dated = _restrict(scores, frame, _has_date(frame))
        out["timeseries"] = timeseries(dated_scores, freq=cmp.timeseries, confidence=cmp.confidence, ci_method=cmp.ci_method,
                                       n_resamples=cmp.n_resamples,
                                       random_state=derive_seed(random_state, "timeseries"),
                                       **{**common, "corpus": dated})
    return {name: out[name] for name in comparison_table_names(cmp)}


def chunked_term_matrix(chunks: Iterable[pd.DataFrame], *, min_count: int = 1, min_docs: int = 1,
                        engine: ChunkEngine | None = None, drop: Callable[[str], bool] | None = None,
                        **options: Any) -> Any:
    """:func:`framing.match.terms.term_matrix` of a corpus given chunk by
    chunk (DataFrames in corpus order), equal to the matrix of the whole
    corpus: each chunk is counted without cut-offs (its counts wait in a
    temporary folder), the totals and document frequencies are summed by
    term (sums are associative), and ``min_count`` / ``min_docs`` are
    applied to the corpus totals.  ``options`` are passed on
    (``ngram_range``, ``stop_words``, ``part``, ``segmentation``).  With
    ``engine`` (:class:`ChunkEngine`) the chunks are counted where it
    runs them; the merge is here, in chunk order.  ``drop``: terms for
    which ``drop(term)`` is true are left out after the cut-offs (the
    matrix :func:`framing.match.terms.without_terms` gives, without a
    second copy).  The matrix is assembled in place, chunk by chunk
    (memory: the matrix and one chunk's counts)."""
    import tempfile

    import numpy as np
    import scipy.sparse as sp

    from ..match.terms import TermMatrix, term_matrix

    check_int("min_count", min_count, low=1)
    check_int("min_docs", min_docs, low=1)
    column: dict[str, int] = {}  # term -> id in order of first sight
    totals = np.zeros(0, dtype=np.int64)
    dfs = np.zeros(0, dtype=np.int64)
    maps: list[np.ndarray] = []
    doc_ids: list[Any] = []
    tokens: list[np.ndarray] = []
    with tempfile.TemporaryDirectory(prefix="framing-terms-") as scratch:
        counted = (engine or ChunkEngine("local")).map(term_matrix, chunks, min_count=1, min_docs=1, **options)
        for number, m in enumerate(counted):
            ids = np.fromiter((column.setdefault(t, len(column)) for t in m.terms), dtype=np.int64, count=len(m.terms))
            if len(column) > len(totals):
                grow = len(column) - len(totals)
                totals = np.concatenate([totals, np.zeros(grow, dtype=np.int64)])
                dfs = np.concatenate([dfs, np.zeros(grow, dtype=np.int64)])
            totals[ids] += np.asarray(m.counts.sum(axis=0), dtype=np.int64).ravel()  # ids are distinct
            dfs[ids] += np.diff(m.counts.tocsc().indptr)
            sp.save_npz(f"{scratch}/{number}.npz", m.counts, compressed=False)
            maps.append(ids)
            doc_ids.extend(m.doc_ids)
            tokens.append(m.doc_tokens)
            del m
        if not maps:
            raise ValueError("chunks: expected at least one chunk of documents, got none")
        terms = list(column)
        del column
        kept = sorted(np.flatnonzero((totals >= min_count) & (dfs >= min_docs)).tolist(), key=terms.__getitem__)
        if drop is not None:
            kept = [j for j in kept if not drop(terms[j])]
        remap = np.full(len(terms), -1, dtype=np.int64)
        remap[np.asarray(kept, dtype=np.int64)] = np.arange(len(kept), dtype=np.int64)
        blocks = []
        for number, ids in enumerate(maps):  # each chunk's kept columns, renumbered (CSR, sorted per row below)
            counts = sp.load_npz(f"{scratch}/{number}.npz").tocsr()
            new = remap[ids]
            cols = np.flatnonzero(new >= 0)
            sub = counts[:, cols]
            del counts
            sub = sp.csr_matrix((sub.data.astype(np.int64, copy=False), new[cols][sub.indices], sub.indptr),
                                shape=sub.shape)
            blocks.append(sub)
    n_rows = sum(b.shape[0] for b in blocks)
    nnz = sum(b.nnz for b in blocks)
    index_type = np.int32 if max(nnz, len(kept)) < np.iinfo(np.int32).max else np.int64
    data = np.empty(nnz, dtype=np.int64)
    indices = np.empty(nnz, dtype=index_type)
    indptr = np.zeros(n_rows + 1, dtype=index_type)
    row = at = 0
    blocks.reverse()
    while blocks:  # copied in chunk order, each block freed once copied
        b = blocks.pop()
        data[at:at + b.nnz] = b.data
        indices[at:at + b.nnz] = b.indices
        indptr[row + 1:row + 1 + b.shape[0]] = b.indptr[1:] + at
        row += b.shape[0]
        at += b.nnz
        del b
    matrix = sp.csr_matrix((data, indices, indptr), shape=(n_rows, len(kept)))
    matrix.sort_indices()
    return TermMatrix(matrix, tuple(terms[j] for j in kept), tuple(doc_ids), np.concatenate(tokens))


class _Sums:
    """Integer sums keyed by an int64 key, merged in batches (sort and
    ``numpy.add.reduceat``: exact, whatever the order of the additions)."""

    def __init__(self) -> None:
        import numpy as np

        self.keys = np.zeros(0, dtype=np.int64)
        self.values = np.zeros(0, dtype=np.int64)
        self.pending: list[tuple[Any, Any]] = []
        self.size = 0

    def add(self, keys: Any, values: Any) -> None:
        self.pending.append((keys, values))
        self.size += len(keys)
        if self.size > max(len(self.keys), 1 << 20):  # merged when the batch outgrows the sums: linear overall
            self.merge()

    def merge(self) -> None:
        import numpy as np

        if not self.pending:
            return
        keys = np.concatenate([self.keys, *(k for k, _ in self.pending)])
        values = np.concatenate([self.values, *(v for _, v in self.pending)])
        self.pending, self.size = [], 0
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order]
        del order
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else np.zeros(0, dtype=np.int64)
        self.keys = keys[starts]
        self.values = np.add.reduceat(values, starts) if len(starts) else values


def chunked_group_counts(chunks: Iterable[pd.DataFrame], groups: Any, *, doc_ids: Sequence[Any] | None = None,
                         min_count: int = 1, min_docs: int = 1, engine: ChunkEngine | None = None,
                         drop: Callable[[str], bool] | None = None, **options: Any) -> Any:
    """The per-group term sums (:class:`framing.match.terms.GroupCounts`) of
    a corpus given chunk by chunk, without its documents × terms matrix.

    Equal to ``group_counts(chunked_term_matrix(chunks, ...), groups)``
    (and to :func:`framing.match.terms.group_counts` of the whole corpus's
    :func:`~framing.match.terms.term_matrix`): each chunk is counted
    without cut-offs and at once reduced to its sums per group (term
    counts, tokens) and its document frequencies; the sums are merged by
    term string; ``min_count`` / ``min_docs`` are applied to the corpus
    totals after the merge, then ``drop`` (as in
    :func:`chunked_term_matrix`); terms are sorted.  Memory: the sums,
    the vocabulary and one chunk's counts, not a row per document.

    Parameters
    ----------
    chunks : iterable of DataFrame
        The corpus in order (``doc_id`` and the counted ``part``).
    groups : array-like
        One label per document of all chunks together, in order.
    doc_ids : sequence, optional
        The documents the chunks must hold, in order (compared as
        strings); a mismatch is an error.
    min_count, min_docs, engine, drop, **options
        As for :func:`chunked_term_matrix`.

    Raises
    ------
    ValueError
        No chunks; chunks that are not the documents of ``groups`` /
        ``doc_ids`` in order; bad cut-offs or labels (as
        :func:`framing.match.terms.check_groups`).
    """
    import numpy as np
    import scipy.sparse as sp

    from ..match.terms import GroupCounts, check_groups, term_matrix

    check_int("min_count", min_count, low=1)
    check_int("min_docs", min_docs, low=1)
    values = groups.to_numpy(dtype=object) if isinstance(groups, (pd.Series, pd.Index)) else groups
    labels, codes = check_groups(values, len(values))
    del values
    if doc_ids is not None and len(doc_ids) != len(codes):
        raise ValueError(f"doc_ids: got {len(doc_ids)} document ids for {len(codes)} group labels; pass one per document")
    expected = doc_ids.iloc if isinstance(doc_ids, pd.Series) else doc_ids
    k = len(labels)
    column: dict[str, int] = {}  # term -> id in order of first sight
    totals = np.zeros(1024, dtype=np.int64)
    dfs = np.zeros(1024, dtype=np.int64)
    sums = _Sums()  # key term id * k + group -> count
    tokens = np.zeros(k, dtype=np.int64)
    n_seen = 0
    aligned = True
    n_chunks = 0
    counted = (engine or ChunkEngine("local")).map(term_matrix, chunks, min_count=1, min_docs=1, **options)
    for m in counted:
        n_chunks += 1
        n = m.shape[0]
        start, n_seen = n_seen, n_seen + n
        aligned = aligned and n_seen <= len(codes) and (
            expected is None or m.doc_ids == tuple(str(d) for d in list(expected[start:n_seen])))
        if not aligned:  # counted on only to say how many documents the chunks hold
            continue
        ids = np.fromiter((column.setdefault(t, len(column)) for t in m.terms), dtype=np.int64, count=len(m.terms))
        if len(column) > len(totals):
            size = max(len(column), 2 * len(totals))
            totals = np.concatenate([totals, np.zeros(size - len(totals), dtype=np.int64)])
            dfs = np.concatenate([dfs, np.zeros(size - len(dfs), dtype=np.int64)])
        chunk_codes = codes[start:n_seen]
        indicator = sp.csr_matrix((np.ones(n, dtype=np.int64), (chunk_codes, np.arange(n))), shape=(k, n))
        summed = (indicator @ sp.csr_matrix(m.counts, dtype=np.int64)).tocoo()
        totals[ids] += np.asarray(summed.sum(axis=0), dtype=np.int64).ravel()  # ids are distinct
        dfs[ids] += np.bincount(m.counts.indices, minlength=len(m.terms))
        sums.add(ids[summed.col] * k + summed.row, summed.data.astype(np.int64, copy=False))
        tokens += np.bincount(chunk_codes, weights=m.tokens(), minlength=k).round().astype(np.int64)
        del m, summed, indicator
    if not n_chunks:
        raise ValueError("chunks: expected at least one chunk of documents, got none")
    if not aligned or n_seen != len(codes):
        what = "rows of doc_ids and groups" if doc_ids is not None else "labels of groups"
        raise ValueError(f"chunks: the chunks hold {n_seen} documents that are not the {len(codes)} {what} in order")
    sums.merge()
    terms = list(column)
    del column
    kept = sorted(np.flatnonzero((totals[:len(terms)] >= min_count) & (dfs[:len(terms)] >= min_docs)).tolist(),
                  key=terms.__getitem__)
    if drop is not None:
        kept = [j for j in kept if not drop(terms[j])]
    remap = np.full(len(terms), -1, dtype=np.int64)
    remap[np.asarray(kept, dtype=np.int64)] = np.arange(len(kept), dtype=np.int64)
    term_of, group_of = np.divmod(sums.keys, k)
    new = remap[term_of]
    keep = new >= 0
    counts = sp.csr_matrix((sums.values[keep], (group_of[keep], new[keep])), shape=(k, len(kept)), dtype=np.int64)
    counts.sort_indices()
    return GroupCounts(counts, tuple(terms[j] for j in kept), labels, np.bincount(codes, minlength=k).astype(np.int64),
                       tokens)


def compute_keyness(entry: KeynessConfig, frame: pd.DataFrame, *, part: str, random_state: int,
                    stop_words: Sequence[str] | None = None, alpha0: float | None = None,
                    segmentation: str = DEFAULTS["segmentation"],
                    chunks: Callable[[], Iterable[pd.DataFrame]] | None = None,
                    engine: ChunkEngine | None = None) -> pd.DataFrame:
    """Run one keyness entry: a document × term matrix with the entry's
    explicit cut-offs (:func:`framing.match.terms.term_matrix`), then the named
    method (:func:`framing.stats.keyness.log_odds`,
    :func:`~framing.stats.keyness.document_keyness` or
    :func:`~framing.stats.keyness.keyness`).

    Parameters
    ----------
    entry : KeynessConfig
        The entry (:func:`framing.experiment.config.keyness_entry`).
    frame : DataFrame
        The corpus; ``entry.by`` names the grouping column.
    part : str
        The part of each document counted (``preprocessing.part``).
    random_state : int
        The entry's seed (the document-level permutation test uses
        ``derive_seed(random_state, "document")``).
    stop_words : sequence of str, optional
        Terms left out of the matrix (the command line's ``--stop-words``),
        in addition to the entry's own ``stop_words`` (a bundled list's
        name such as ``"english"``, :data:`framing.match.terms.STOP_LISTS`,
        or the words of a list or file, read by the config; an entry
        ``"@english"`` names a bundled list, ``"@numbers"`` drops every
        term with a word of digits only).
    alpha0 : float, optional
        The pooled prior's total mass (``log_odds`` with ``prior =
        "pooled"``; the command line's ``--alpha0``).
    segmentation : {"char", "jieba"}, default "char"
        How runs of Han/Kana become terms (``preprocessing.segmentation``;
        :func:`framing.match.terms.term_matrix`).
    chunks : callable, optional
        Returns the corpus chunk by chunk (DataFrames with ``doc_id`` and
        ``part``, in the order of ``frame``'s rows); the terms are then
        counted per chunk and merged, and ``frame`` only needs ``doc_id``
        and ``entry.by``.  The token-level methods (``log_odds``, the
        :func:`~framing.stats.keyness.keyness` methods) need only each
        group's sums, merged without a documents × terms matrix
        (:func:`chunked_group_counts`); ``document`` needs the matrix
        (:func:`chunked_term_matrix`).  Either way the table is the one
        of the whole corpus, bit for bit.  ``framing run`` passes its
        stored texts this way.
    engine : ChunkEngine, optional
        Where the chunks are counted (with ``chunks`` only; default here).
    """
    from ..stats.keyness import document_keyness, keyness, log_odds
    from ..match.terms import is_number_term, stop_list, term_matrix, without_terms

    _check_column(frame, entry.by, "by")
    if isinstance(stop_words, (str, bytes)):
        raise TypeError(f"stop_words: expected a sequence of words or None, got a single string {stop_words!r}")
    own = (f"@{entry.stop_words}",) if isinstance(entry.stop_words, str) else entry.stop_words or ()
    words: list[str] = []
    for word in (*own, *(stop_words or ())):
        words += [w for w in (stop_list(word[1:]) if word.startswith("@") and word != "@numbers" else (word,))
                  if w not in words]
    numbers = "@numbers" in words
    words = [w for w in words if w != "@numbers"]
    counting = dict(ngram_range=(1, entry.ngram_max), min_count=entry.min_count, min_docs=entry.min_docs,
                    stop_words=words if words or stop_words is not None else None, part=part,
                    segmentation=segmentation)
    groups = frame[entry.by].to_numpy()
    if chunks is None:
        if engine is not None and engine.pooled:
            where = f"'local' with n_workers={engine.n_workers}" if engine.local else repr(engine.engine)
            raise ValueError(f"engine: {where} runs chunks; pass the corpus as chunks= too")
        matrix = term_matrix(frame, **counting)
        if numbers:
            matrix = without_terms(matrix, is_number_term)
    elif entry.method != "document":  # token level: the sums per group are all it needs (no matrix held)
        matrix = chunked_group_counts(chunks(), groups, doc_ids=frame["doc_id"], engine=engine,
                                      drop=is_number_term if numbers else None, **counting)
        groups = None
    else:  # numbers dropped while the matrix is assembled (the same matrix, one copy)
        matrix = chunked_term_matrix(chunks(), engine=engine, drop=is_number_term if numbers else None, **counting)
        if matrix.doc_ids != tuple(str(d) for d in frame["doc_id"].tolist()):
            raise ValueError(f"chunks: the chunks hold {len(matrix.doc_ids)} documents that are not the "
                             f"{len(frame)} rows of frame in order")
    confidence = DEFAULTS["confidence"]
    if entry.method == "log_odds":
        return log_odds(matrix, groups, comparison=entry.comparison, prior=entry.prior, alpha=entry.alpha,
                        alpha0=alpha0, variance=entry.variance, min_count=entry.min_count, confidence=confidence,
                        correction=entry.correction)
    if alpha0 is not None:
        raise ValueError(f"alpha0: applies only to method 'log_odds' (method is {entry.method!r})")
    if entry.method == "document":
        return document_keyness(matrix, groups, test=entry.test, comparison=entry.comparison,
                                min_count=entry.min_count, n_resamples=entry.n_resamples,
                                random_state=derive_seed(random_state, "document"), confidence=confidence,
                                correction=entry.correction)
    return keyness(matrix, groups, method=entry.method, comparison=entry.comparison, continuity=entry.continuity,
                   min_count=entry.min_count, confidence=confidence, correction=entry.correction)


def keyness_top(table: pd.DataFrame, *, top: int) -> pd.DataFrame:
    """The ``top`` terms at each end of every comparison of a keyness
    table (by ``statistic``, ties broken by term), for the report."""
    if table.empty:
        return table
    parts = []
    for (_, _), block in table.groupby(["group_a", "group_b"], sort=True):
        block = block[block["statistic"].notna()].sort_values(["statistic", "term"], ascending=[False, True],
                                                              kind="mergesort")
        parts.append(pd.concat([block.head(top), block.tail(top).iloc[::-1]]).drop_duplicates(subset=["term"]))
    return pd.concat(parts, ignore_index=True) if parts else table.head(0)

