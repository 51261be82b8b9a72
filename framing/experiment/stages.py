"""The stages of one experiment run, computed in memory (nothing is written here).

:class:`Stages` reads the corpus, scores it with each lexicon, and
computes the configured summaries, comparisons, keyness analyses and
classifier evaluations; :meth:`Stages.compute` returns them all as one
:class:`RunTables`, which :func:`framing.experiment.outputs.write_outputs`
renders (tables, figures, report).  Each expensive result is cached under
a key made of the content hashes it depends on (see
:class:`framing.experiment.store.StageCache`):

=============  ==============================================================
stage          key
=============  ==============================================================
corpus         corpus file hash, ``[corpus]`` options, framing version (the
               metadata table; the texts go to ``corpus-texts/<key>``, a
               :class:`~framing.experiment.textstore.TextStore`)
scores         corpus key, lexicon hash, ``[preprocessing]``
hits           corpus key, lexicon hash, ``preprocessing.part`` (a folder
               ``hits-store/<key>``: a TextStore of the hits, one file per
               piece of a chunk, :mod:`framing.experiment.hitstore`); the
               report's rows of them (``hits/<key>-hits|counts|documents``):
               also voice, ``outputs.examples`` and the explorer's sizes
statistics     scores key, the comparison's options and derived seed
keyness        corpus key, the keyness entry's options and derived seed
classifier     corpus (or data file) key, the entry's options, seed
validation     sample: corpus key, lexicon hash, part, voice, sample options,
               seed; sheets: the sheets' hashes, options, seed; spans: the
               dataset's, annotations' and baselines' hashes, lexicon hash,
               options
passage-texts  corpus key, part, the doc ids the report's passages can
               quote (:func:`~framing.experiment.helpers.passage_documents`)
=============  ==============================================================

Memory: only the corpus metadata and the per-document scores stay in
memory, the scores in compact dtypes (categorical labels, int32 counts:
about 40 bytes a row, 10 rows a document with ten categories;
:func:`framing.match.scoring.compact_scores`, stored in the cache as
codes); scores, hits and keyness counts read the texts chunk by chunk (``chunk_rows`` documents)
and merge per-chunk results in corpus order (scores and hits are per
document; term counts are summed by term before the cut-offs, and
token-level keyness keeps only each group's sums, never a documents ×
terms matrix), so their tables equal those of one pass over the whole
corpus.  With ``[runtime] n_jobs > 1`` the per-chunk work (scoring,
hits, term counting) runs as one task per piece of :data:`PIECE_ROWS`
documents on a local pool of ``n_jobs`` worker processes, started once
per run; with ``engine = "dask"`` as one Dask task per chunk
(:meth:`Stages.engine`, :class:`~framing.experiment.analyses.ChunkEngine`).
Either way the same chunk functions, merged here in chunk order: the
same tables.  Hits go to
disk chunk by chunk (:meth:`Stages.hit_store`); the report gets only
the rows it can show and their counts
(:func:`~framing.experiment.hitstore.passage_hits`).  Classifiers and
validation samples read the whole texts (and the sample every hit) while
they run.  A run whose
stages are all cached reads no text.

Public surface
--------------
``Stages(config, plan=..., cache=..., log=..., progress=None,
engine=None)`` (``engine``: a
:class:`~framing.experiment.analyses.ChunkEngine`, else one made from
``[runtime]`` by :meth:`~Stages.engine` and shut down by
:meth:`~Stages.close`); the
read-only :attr:`~Stages.config`, :attr:`~Stages.plan`,
:attr:`~Stages.seeds` and :attr:`~Stages.timings` (copies); :meth:`~Stages.seed`;
one method per stage — :meth:`~Stages.corpus`, :meth:`~Stages.lexicon`,
:meth:`~Stages.scores`, :meth:`~Stages.hit_store`, :meth:`~Stages.hits`, :meth:`~Stages.summary`,
:meth:`~Stages.comparison`, :meth:`~Stages.keyness`,
:meth:`~Stages.classifier`, :meth:`~Stages.validation` — each computed
once per run; and
:meth:`~Stages.compute`.  A stage that fails on the run's data raises
:class:`StageError` naming the config entry.
"""

from __future__ import annotations

import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import pandas as pd

from .. import __version__
from ..lexicon.files import load_lexicon
from ..match.matcher import Matcher, compile_lexicon
from ..display import html_summary, short_repr
from ..seeds import derive_seed
from ..vocab import DEFAULTS
from .analyses import (ChunkEngine, comparison_data, compute_comparison, compute_keyness, comparison_table_names,
                       keyness_top)
from .classifiers import CLASSIFIER_TABLES, evaluate_classifier, read_classifier_data, reader_options
from .frames import FRAME_TABLES, evaluate_frames
from .config import (ClassifierConfig, ComparisonConfig, Config, KeynessConfig, ValidationConfig, entry_dict,
                     preprocessing_dict)
from .store import StageCache
from .helpers import EXPLORER_ENTRIES, EXPLORER_PASSAGES, MAX_PASSAGE_OUTLETS
from .hitstore import PassageHits, passage_hits, write_hits
from .textstore import CHUNK_ROWS, TextStore, concat_rows, release_memory
from .validation import draw_sample, span_data, span_lexicons, validation_tables

__all__ = ["SUMMARY_RESAMPLES", "ClassifierResult", "ComparisonResult", "CorpusResult", "KeynessResult", "LexiconResult", "RunTables",
           "StageError", "Stages", "ValidationResult"]


#: Bootstrap replicates of each lexicon's per-outlet overview table (a
#: config has no key for it; 2000 keeps the tables of existing run hashes).
SUMMARY_RESAMPLES = 2000
#: Documents per piece of a stored chunk for the in-process per-document
#: work of hits and keyness counts (:meth:`Stages._pieces`).
PIECE_ROWS = 1024


class StageError(ValueError):
    """A stage failed on this run's data; the message names the config
    entry (``comparisons[1] (id 'within')``) and what the stage said."""


@dataclass(frozen=True)
class CorpusResult:
    """The run's corpus (:func:`framing.experiment.corpus.load_corpus`):
    ``meta``, every column but the text parts (one row per document, in
    corpus order), ``texts``, the text parts on disk
    (:class:`~framing.experiment.textstore.TextStore`, read chunk by
    chunk), the cache key and the counts the report shows.
    :attr:`frame` joins both back into the whole corpus frame (it reads
    every text: for callers that need them all)."""

    meta: pd.DataFrame
    texts: TextStore
    key: str
    facts: Mapping[str, Any]

    @property
    def frame(self) -> pd.DataFrame:
        """The whole corpus (metadata and text columns), read from disk."""
        return self.texts.join(self.meta)

    def __len__(self) -> int:
        return len(self.meta)


@dataclass(frozen=True)
class LexiconResult:
    """Per-document scores (compact dtypes, :meth:`Stages.scores`) and the
    per-outlet summary of one lexicon."""

    id: str
    scores: pd.DataFrame
    summary: pd.DataFrame


@dataclass(frozen=True)
class ComparisonResult:
    """One comparison's tables (by name, see
    :func:`~framing.experiment.analyses.comparison_table_names`) and what it
    left out (:class:`~framing.experiment.analyses.ComparisonData`)."""

    entry: ComparisonConfig
    tables: Mapping[str, pd.DataFrame]
    left_out: tuple[str, ...]
    n_outside: int
    n_undated: int


@dataclass(frozen=True)
class KeynessResult:
    """One keyness table and its top terms for the report."""

    entry: KeynessConfig
    table: pd.DataFrame
    top: pd.DataFrame


@dataclass(frozen=True)
class ClassifierResult:
    """One classifier's tables by attribute name (``CLASSIFIER_TABLES``)."""

    entry: ClassifierConfig
    tables: Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class ValidationResult:
    """One ``[[validation]]`` entry's results.

    ``sheet`` is the drawn coding sheet (None without ``sample``) and
    ``n_population`` the lexicon's hits (of the scored voice) it was drawn from;
    ``tables`` holds, by name (:data:`~framing.experiment.validation.VALIDATION_TABLES`),
    ``precision``, ``alpha``, ``disagreements`` and ``recall`` with
    ``sheets`` and ``spans`` with ``spans``; ``coders`` names the coders of
    the sheets."""

    entry: ValidationConfig
    sheet: pd.DataFrame | None
    n_population: int
    tables: Mapping[str, pd.DataFrame]
    coders: tuple[str, ...]


@dataclass(frozen=True)
class RunTables:
    """Everything a run computed, in config order: what the rendering side
    is handed (it computes nothing).

    ``passage_hits`` are the hits the report's passages and cue explorer
    may show: with ``passage_counts`` (hits per category, cue and outlet,
    :data:`~framing.experiment.helpers.HIT_COUNT_COLUMNS`) only those in
    the documents they can quote (:mod:`framing.experiment.hitstore`),
    without it every hit of the scored voice.  ``passage_texts``: the
    corpus those passages are cut from (``doc_id``, ``outlet``, the
    part), by default the whole corpus."""

    config: Config
    run_hash: str
    lexicon_sources: Mapping[str, str]
    corpus: CorpusResult
    lexicons: tuple[LexiconResult, ...]
    comparisons: tuple[ComparisonResult, ...]
    keyness: tuple[KeynessResult, ...]
    classifiers: tuple[ClassifierResult, ...]
    passage_hits: pd.DataFrame
    validation: tuple[ValidationResult, ...] = ()
    passage_texts: pd.DataFrame | None = None
    passage_counts: pd.DataFrame | None = None

    def table_sizes(self) -> list[tuple[str, str, int]]:
        """``(section, id, rows)`` of every computed table, in config order."""
        out = [("lexicons", lex.id, len(lex.scores)) for lex in self.lexicons]
        out += [("comparisons", f"{cmp.entry.id}-{name}", len(table)) for cmp in self.comparisons
                for name, table in cmp.tables.items()]
        out += [("keyness", k.entry.id, len(k.table)) for k in self.keyness]
        out += [("classifiers", f"{c.entry.id}-{name}", len(table)) for c in self.classifiers
                for name, table in c.tables.items()]
        return out

    def _n_documents(self) -> int:
        # the metadata table, never the texts (a corpus given as a bare frame is counted by its rows)
        meta = getattr(self.corpus, "meta", None)
        return len(meta) if meta is not None else len(self.corpus.frame)

    def __repr__(self) -> str:
        return short_repr("RunTables", repr(self.config.name), f"hash {self.run_hash[:12]}",
                          f"{self._n_documents()} documents", f"{len(self.table_sizes())} tables")

    def _repr_html_(self) -> str:
        rows = [("run", self.config.name), ("run hash", self.run_hash), ("documents", self._n_documents()),
                ("lexicons", len(self.lexicons)), ("comparisons", len(self.comparisons)),
                ("keyness", len(self.keyness)), ("classifiers", len(self.classifiers))]
        return html_summary("RunTables", rows, tables=[("tables", ("section", "table", "rows"), self.table_sizes())])


def _ordered(value: Any) -> Any:
    """JSON data with every object as ``{"items": [[key, value], ...]}``:
    the cache writes sorted keys, and the facts keep their order (e.g.
    ``filtered`` in the order the filters apply), cached or not."""
    if isinstance(value, dict):
        return {"items": [[k, _ordered(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def _unordered(value: Any) -> Any:
    """Inverse of :func:`_ordered`."""
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value["items"]}
    if isinstance(value, list):
        return [_unordered(v) for v in value]
    return value


class Stages:
    """Compute one run's stages, each once, cached by content (see the
    module notes for the public surface)."""

    def __init__(self, config: Config, *, plan: Any, cache: StageCache, log: Callable[[str], None],
                 progress: Callable[[str, int], Any] | None = None, chunk_rows: int = CHUNK_ROWS,
                 engine: ChunkEngine | None = None) -> None:
        self._config = config
        self._chunk_rows = chunk_rows
        self._engine = engine
        self._own_engine = engine is None
        self._scratch: Any = None
        self._plan = plan
        self._cache = cache
        self._log = log
        self._progress = progress
        self._seeds: dict[str, int] = dict(config.seeds())
        self._timings: dict[str, float] = {}
        self._corpus: CorpusResult | None = None
        self._lexicons: dict[str, Matcher] = {}
        self._scores: dict[str, tuple[pd.DataFrame, str]] = {}
        self._done: dict[tuple[str, str], Any] = {}

    # -------------------------------------------------------------- read-only state

    @property
    def config(self) -> Config:
        return self._config

    @property
    def plan(self) -> Any:
        return self._plan

    @property
    def seeds(self) -> dict[str, int]:
        """Every seed derived so far (the config's and each stage's), by dotted name."""
        return dict(self._seeds)

    @property
    def timings(self) -> dict[str, float]:
        """Seconds spent per stage."""
        return dict(self._timings)

    def seed(self, *names: str) -> int:
        """``derive_seed(config.seed, *names)``, recorded under the dotted name."""
        key = ".".join(names)
        if key not in self._seeds:
            self._seeds[key] = derive_seed(self._config.seed, key)
        return self._seeds[key]

    # -------------------------------------------------------------- helpers

    def _timed(self, name: str, started: float) -> None:
        self._timings[name] = self._timings.get(name, 0.0) + time.monotonic() - started
        release_memory(heap=True)  # a stage ends: what it freed goes back to the system

    def _frame(self, stage: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        frame = self._cache.get_frame(stage, key)
        if frame is None:
            frame = compute().reset_index(drop=True)
            self._cache.put_frame(stage, key, frame)
        return frame

    def _text_folder(self, key: str) -> Path:
        """Where the corpus texts are stored: in the cache, else in a
        scratch folder removed with this object."""
        return self._store_folder("corpus-texts", key)

    def _store_folder(self, kind: str, key: str) -> Path:
        """``<cache>/<kind>/<key>``, else a folder in a scratch folder
        removed with this object."""
        if self._cache.root is not None:
            return Path(self._cache.root) / kind / key
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="framing-texts-")
        return Path(self._scratch.name) / kind / key

    def _chunks(self, columns: tuple[str, ...]) -> Any:
        """The corpus chunk by chunk: metadata joined with the stored
        ``columns`` (those the corpus has), in corpus order."""
        corpus = self.corpus()
        wanted = tuple(c for c in columns if c in corpus.texts.columns)
        start = 0
        for chunk in corpus.texts.chunks(wanted):
            meta = corpus.meta.iloc[start:start + len(chunk)].reset_index(drop=True)
            start += len(chunk)
            for column in wanted:  # the stored (Arrow) strings: each piece's consumer makes its Python strings
                meta[column] = chunk[column].array
            del chunk
            yield meta
            del meta  # nor is the last chunk held while the next one is read

    @staticmethod
    def _pieces(chunks: Any, rows: int | None = None) -> Any:
        """Each chunk in pieces of at most ``rows`` documents, in order: the
        per-document work of hits and term counts holds one piece's
        intermediate objects at a time (their merged results are those
        of whole chunks); ``rows`` defaults to :data:`PIECE_ROWS`."""
        rows = PIECE_ROWS if rows is None else rows
        for chunk in chunks:
            if len(chunk) <= rows:
                yield chunk
            else:
                for start in range(0, len(chunk), rows):
                    yield chunk.iloc[start:start + rows].reset_index(drop=True)
            del chunk  # not held while the next chunk is read

    def engine(self) -> ChunkEngine:
        """Where the per-chunk work of scores, hits and keyness counts runs:
        the ``engine`` given, else one made from ``[runtime]`` (``engine``,
        ``scheduler``, ``n_jobs`` workers: of the local pool for ``engine =
        "local"``, of a local Dask cluster for ``"dask"``), closed by
        :meth:`close`.  It starts no pool and connects to no cluster until
        a chunk is sent."""
        if self._engine is None:
            runtime = self._config.runtime
            self._engine = ChunkEngine(runtime.engine, scheduler=runtime.scheduler, n_workers=runtime.n_jobs)
        return self._engine

    def close(self) -> None:
        """Shut down the engine this object made (and the pool or Dask
        cluster it started); an engine given to the constructor is left open.  The
        results stay usable."""
        if self._own_engine and self._engine is not None:
            self._engine.close()
            self._engine = None

    def _mapped(self, function: Callable[..., pd.DataFrame], columns: tuple[str, ...], *shared: Any,
                bar: Any = None, **options: Any) -> list[pd.DataFrame]:
        """``function(chunk, *shared, **options)`` of every chunk on a
        pooled engine (:attr:`ChunkEngine.pooled`): the chunk's ``doc_id``,
        ``outlet`` and ``columns`` go to a worker, its table comes back; in
        chunk order.  On the local pool the chunks go in pieces of
        :data:`PIECE_ROWS` documents (:meth:`_pieces`: less held by each
        worker and by this process, and the last chunk shared by all
        workers), on Dask whole."""
        return list(self._mapped_lazily(function, columns, *shared, bar=bar, **options))

    def _mapped_lazily(self, function: Callable[..., pd.DataFrame], columns: tuple[str, ...], *shared: Any,
                       bar: Any = None, **options: Any) -> Any:
        """:meth:`_mapped`, each table yielded as it comes back."""
        corpus = self.corpus()
        engine = self.engine()
        slim = ("doc_id", "outlet", *(c for c in columns if c in corpus.texts.columns))
        chunks = self._chunks(columns)
        if engine.local:
            chunks = self._pieces(chunks)
        sizes: deque[int] = deque()

        def sent() -> Any:
            for chunk in chunks:
                sizes.append(len(chunk))
                yield chunk[[c for c in slim if c in chunk.columns]]
                del chunk

        for table in engine.map(function, sent(), *shared, **options):
            yield table
            if bar is not None:
                bar(sizes.popleft())

    def _failed(self, section: str, entry_id: str, exc: ValueError) -> StageError:
        return StageError(f"{self._config.where(section, entry_id)}: {exc}")

    # -------------------------------------------------------------- corpus and scores

    def corpus(self) -> CorpusResult:
        """The run's corpus (read, de-duplicated and filtered once)."""
        if self._corpus is not None:
            return self._corpus
        from .corpus import load_corpus_store

        started = time.monotonic()
        options = entry_dict(self._config.corpus)
        options.pop("path")
        seed = self.seed("corpus")
        key = StageCache.key(stage="corpus", version=__version__, options=options,
                             input=self._plan.inputs["corpus.path"]["sha256"], seed=seed, layout="meta+texts")
        folder = self._text_folder(key)
        meta = facts = None
        if TextStore.exists(folder):
            meta = self._cache.get_frame("corpus", key)
            stored = self._cache.get_json("corpus-facts", key)
            facts = _unordered(stored) if stored is not None else None
        if meta is None or facts is None:
            # read as a stream: texts go to the store as they are cleaned, no frame of all texts (issue 13)
            meta, facts = load_corpus_store(self._config.corpus, folder, seed=seed, chunk_rows=self._chunk_rows)
            self._cache.put_frame("corpus", key, meta)
            self._cache.put_json("corpus-facts", key, _ordered(facts))
        self._log(f"corpus: {facts['n_documents']} documents from {facts['n_outlets']} outlets")
        self._corpus = CorpusResult(meta=meta, texts=TextStore(folder), key=key, facts=MappingProxyType(facts))
        self._timed("corpus", started)
        return self._corpus

    def lexicon(self, lex_id: str) -> Matcher:
        """The lexicon declared with this id, read and compiled once per run
        (:func:`framing.match.compile_lexicon`); scoring, hits and every
        classifier of the run share the one compiled structure."""
        if lex_id not in self._lexicons:
            spec = self._config.lexicon(lex_id)
            self._lexicons[lex_id] = compile_lexicon(load_lexicon(spec.name if spec.path is None else spec.path),
                                                     segmentation=self._config.preprocessing.segmentation)
        return self._lexicons[lex_id]

    def _segmented(self) -> dict[str, str]:
        """``{"segmentation": ...}`` when ``preprocessing.segmentation`` is
        not ``"char"``, else ``{}`` (cache keys of "char" runs unchanged)."""
        segmentation = self._config.preprocessing.segmentation
        return {} if segmentation == "char" else {"segmentation": segmentation}

    def _scored(self, lex_id: str) -> tuple[pd.DataFrame, str]:
        if lex_id in self._scores:
            return self._scores[lex_id]
        from ..match.scoring import compact_scores, concat_scores, score

        corpus = self.corpus()
        pre = self._config.preprocessing
        key = StageCache.key(stage="scores", corpus=corpus.key, lexicon=self._plan.lexicons[lex_id]["sha256"],
                             preprocessing=preprocessing_dict(pre))
        started = time.monotonic()

        def compute() -> pd.DataFrame:
            bar = self._progress(f"scoring ({lex_id})", len(corpus.meta)) if self._progress else None
            options = dict(normalize=pre.normalize, voice=pre.voice, part=pre.part)
            try:  # per chunk of documents, stacked in corpus order
                if self.engine().pooled:  # one task per chunk (per piece on the local pool)
                    tables = self._mapped_lazily(score, (pre.part,), self.lexicon(lex_id), bar=bar, n_jobs=1,
                                                 progress=False, **options)
                else:
                    tables = (score(chunk, self.lexicon(lex_id), n_jobs=self._config.runtime.n_jobs, progress=bar,
                                    **options) for chunk in self._chunks((pre.part,)))
                return concat_scores(tables)  # each chunk made compact as it comes
            finally:
                if bar is not None:
                    bar.close()

        frame = self._frame("scores", key, compute)
        if not isinstance(frame["doc_id"].dtype, pd.CategoricalDtype):  # a cache written before compact scores
            frame = compact_scores(frame)
        self._timed("scores", started)
        self._log(f"scores ({lex_id}): {frame['doc_id'].nunique()} documents × "
                  f"{frame['category'].nunique()} categories")
        self._scores[lex_id] = (frame, key)
        return self._scores[lex_id]

    def scores(self, lex_id: str) -> pd.DataFrame:
        """Per-document scores with one lexicon (``[preprocessing]`` options),
        in compact dtypes (:func:`framing.match.scoring.compact_scores`:
        categorical labels, int32 counts; the values of
        :func:`framing.match.score`)."""
        return self._scored(lex_id)[0]

    def hit_store(self, lex_id: str) -> TextStore:
        """Every hit of one lexicon in ``preprocessing.part``, of every
        voice, on disk: one file per piece of a corpus chunk (at most
        :data:`PIECE_ROWS` documents; one per chunk on Dask)
        (:func:`~framing.experiment.hitstore.write_hits`), in the cache
        (``hits-store/<key>``) or a scratch folder; computed once."""
        from ..match.scoring import HIT_COLUMNS, hits

        corpus = self.corpus()
        part = self._config.preprocessing.part
        key = StageCache.key(stage="hits", corpus=corpus.key, lexicon=self._plan.lexicons[lex_id]["sha256"], part=part,
                             **self._segmented())
        folder = self._store_folder("hits-store", key)
        if TextStore.exists(folder):
            if self._cache.root is not None:
                self._cache.hits.append("hits")
            return TextStore(folder)
        if self._cache.root is not None:
            self._cache.misses.append("hits")
        started = time.monotonic()
        if self.engine().pooled:  # one task per piece (local pool) or chunk (Dask), written as they come back
            tables = self._mapped_lazily(hits, (part,), self.lexicon(lex_id), part=part, voice="all",
                                         progress=False)
        else:
            tables = (hits(piece, self.lexicon(lex_id), part=part, voice="all")
                      for piece in self._pieces(self._chunks((part,))))
        store = write_hits(tables, folder, HIT_COLUMNS)
        self._timed("hits", started)
        return store

    def hits(self, lex_id: str) -> pd.DataFrame:
        """Every hit of one lexicon in ``preprocessing.part``, of every voice
        (the whole table, read from :meth:`hit_store`)."""
        from ..match.scoring import HIT_COLUMNS

        store = self.hit_store(lex_id)
        frames = list(store.chunks())
        if not frames:
            return pd.DataFrame({c: [] for c in HIT_COLUMNS})
        return concat_rows(frames)[list(HIT_COLUMNS)]

    # -------------------------------------------------------------- analyses

    def summary(self, lex_id: str) -> pd.DataFrame:
        """Per-outlet rates of one lexicon with bootstrap CIs (``by`` and
        ``confidence`` from :data:`framing.vocab.DEFAULTS`,
        :data:`SUMMARY_RESAMPLES` replicates)."""
        from ..stats.summary import summarize

        if ("summary", lex_id) in self._done:
            return self._done["summary", lex_id]
        scores, key = self._scored(lex_id)
        seed = self.seed("summary", lex_id)
        options = {"by": DEFAULTS["by"], "confidence": DEFAULTS["confidence"], "n_resamples": SUMMARY_RESAMPLES}
        started = time.monotonic()
        frame = self._frame("statistics", StageCache.key(stage="summary", scores=key, seed=seed, options=options),
                            lambda: summarize(scores, by=options["by"], corpus=None, cluster=None, categories=None,
                                              part=None, voice=None, confidence=options["confidence"],
                                              n_resamples=options["n_resamples"], random_state=seed))
        self._timed("statistics", started)
        self._done["summary", lex_id] = frame
        return frame

    def comparison(self, cmp: ComparisonConfig) -> ComparisonResult:
        """One ``[[comparisons]]`` entry's tables
        (:func:`~framing.experiment.analyses.compute_comparison`)."""
        if ("comparisons", cmp.id) in self._done:
            return self._done["comparisons", cmp.id]
        scores, key = self._scored(cmp.lexicon)
        frame = self.corpus().meta
        seed = self.seed("comparisons", cmp.id)
        options = entry_dict(cmp)
        started = time.monotonic()
        try:
            data = comparison_data(cmp, scores, frame)
        except ValueError as exc:
            raise self._failed("comparisons", cmp.id, exc) from exc
        tables: dict[str, pd.DataFrame] = {}
        computed: dict[str, pd.DataFrame] | None = None
        for name in comparison_table_names(cmp):
            cache_key = StageCache.key(stage="comparison", table=name, scores=key, options=options, seed=seed)
            table = self._cache.get_frame("statistics", cache_key)
            if table is None:
                if computed is None:
                    try:
                        computed = compute_comparison(cmp, scores, frame, random_state=seed)
                    except ValueError as exc:
                        raise self._failed("comparisons", cmp.id, exc) from exc
                table = computed[name].reset_index(drop=True)
                self._cache.put_frame("statistics", cache_key, table)
            tables[name] = table
        self._timed("statistics", started)
        self._log(f"comparison {cmp.id}: {len(tables['pairs'])} rows")
        result = ComparisonResult(entry=cmp, tables=MappingProxyType(tables), left_out=tuple(data.left_out),
                                  n_outside=data.n_outside, n_undated=data.n_undated)
        self._done["comparisons", cmp.id] = result
        return result

    def keyness(self, entry: KeynessConfig) -> KeynessResult:
        """One ``[[keyness]]`` entry's table
        (:func:`~framing.experiment.analyses.compute_keyness`)."""
        if ("keyness", entry.id) in self._done:
            return self._done["keyness", entry.id]
        corpus = self.corpus()
        seed = self.seed("keyness", entry.id)
        part = self._config.preprocessing.part
        started = time.monotonic()
        cache_key = StageCache.key(stage="keyness", corpus=corpus.key, options=entry_dict(entry), seed=seed, part=part,
                                   **self._segmented())

        def compute() -> pd.DataFrame:
            try:
                engine = self.engine()
                chunks = self._chunks((part,))
                if engine.local:  # counted in pieces (here or on the local pool): the same matrix, less held at once
                    chunks = self._pieces(chunks)
                if engine.pooled:  # only doc_id and the part travel to the workers
                    chunks = (chunk[["doc_id", part]] if part in chunk.columns else chunk[["doc_id"]]
                              for chunk in chunks)
                return compute_keyness(entry, corpus.meta, part=part, random_state=seed,
                                       chunks=lambda: chunks, engine=engine, **self._segmented())
            except ValueError as exc:
                raise self._failed("keyness", entry.id, exc) from exc

        table = self._frame("keyness", cache_key, compute)
        self._timed("keyness", started)
        self._log(f"keyness {entry.id}: {len(table)} rows")
        result = KeynessResult(entry=entry, table=table, top=keyness_top(table, top=entry.top))
        self._done["keyness", entry.id] = result
        return result

    def _index(self, section: str, entry_id: str) -> int:
        return next(i for i, e in enumerate(getattr(self._config, section)) if e.id == entry_id)

    def _classifier_data(self, entry: ClassifierConfig) -> tuple[pd.DataFrame, str]:
        if entry.data is None:  # the classifier needs the texts: read them for it, dropped after
            corpus = self.corpus()
            return corpus.frame, corpus.key
        digest = self._plan.inputs[f"classifiers[{self._index('classifiers', entry.id)}].data"]["sha256"]
        key = StageCache.key(stage="classifier-data", input=digest, options=reader_options(self._config.corpus))
        return self._frame("classifier-data", key, lambda: read_classifier_data(entry, self._config.corpus)), key

    def classifier(self, entry: ClassifierConfig) -> ClassifierResult:
        """One ``[[classifiers]]`` entry's cross-validated tables
        (:func:`~framing.experiment.classifiers.evaluate_classifier`)."""
        if ("classifiers", entry.id) in self._done:
            return self._done["classifiers", entry.id]
        frame, data_key = self._classifier_data(entry)
        seed = self.seed("classifiers", entry.id)
        options = entry_dict(entry)
        lexicon_hash = self._plan.lexicons[entry.lexicon]["sha256"]
        names = [name for name, _ in (FRAME_TABLES if entry.multilabel else CLASSIFIER_TABLES)]
        inputs = {"annotations": self._plan.inputs[f"classifiers[{self._index('classifiers', entry.id)}].annotations"]
                  ["sha256"]} if entry.annotations is not None else {}
        keys = {name: StageCache.key(stage="classifier", table=name, data=data_key, options=options, seed=seed,
                                     lexicon=lexicon_hash, **inputs, **self._segmented()) for name in names}
        started = time.monotonic()
        tables = {name: self._cache.get_frame("classifier", keys[name]) for name in names}
        if any(v is None for v in tables.values()):
            evaluate = evaluate_frames if entry.multilabel else evaluate_classifier
            try:
                tables = evaluate(entry, frame, lexicon=self.lexicon(entry.lexicon), random_state=seed)
            except ValueError as exc:
                raise self._failed("classifiers", entry.id, exc) from exc
            for name in names:
                self._cache.put_frame("classifier", keys[name], tables[name])
        self._timed("classifiers", started)
        self._log(f"classifier {entry.id}: {len(tables['predictions'])} out-of-fold predictions")
        result = ClassifierResult(entry=entry, tables=MappingProxyType(tables))
        self._done["classifiers", entry.id] = result
        return result

    def _validation_sample(self, entry: ValidationConfig) -> tuple[pd.DataFrame, int]:
        sample, pre = entry.sample, self._config.preprocessing
        corpus = self.corpus()
        found = self.hits(entry.lexicon)
        if pre.voice != "all":  # the population is what was scored
            found = found[found["voice"] == pre.voice].reset_index(drop=True)
        seed = sample.seed if sample.seed is not None else self.seed("validation", entry.name, "sample")
        key = StageCache.key(stage="validation-sample", corpus=corpus.key, lexicon=self._plan.lexicons[entry.lexicon]
                             ["sha256"], part=pre.part, voice=pre.voice, options=entry_dict(sample), seed=seed,
                             **self._segmented())

        def compute() -> pd.DataFrame:
            try:
                return draw_sample(found, corpus.frame, categories=self.lexicon(entry.lexicon).categories,
                                   unit=sample.unit, per_category=sample.per_category, per_entry=sample.per_entry,
                                   by=sample.by, part=pre.part, width=sample.width, random_state=seed)
            except ValueError as exc:
                raise self._failed("validation", entry.name, exc) from exc

        return self._frame("validation", key, compute), len(found)

    def _validation_sheets(self, entry: ValidationConfig) -> tuple[dict[str, pd.DataFrame], tuple[str, ...]]:
        from ..lexicon.validate import read_sheet

        index = self._index("validation", entry.name)
        digests = [self._plan.inputs[f"validation[{index}].sheets[{j}]"]["sha256"] for j in range(len(entry.sheets))]
        seed = self.seed("validation", entry.name)
        options = {"confidence": entry.confidence, "prune_below": entry.prune_below, "n_resamples": entry.n_resamples}
        names = ("precision", "alpha", "disagreements", "recall")
        keys = {name: StageCache.key(stage="validation", table=name, sheets=digests, options=options, seed=seed)
                for name in (*names, "coders")}
        tables = {name: self._cache.get_frame("validation", keys[name]) for name in names}
        coders = self._cache.get_json("validation-coders", keys["coders"])
        if coders is None or any(table is None for table in tables.values()):
            try:
                sheets = [read_sheet(path) for path in entry.sheets]
                result = validation_tables(sheets, confidence=entry.confidence, prune_below=entry.prune_below,
                                           n_resamples=entry.n_resamples, random_state=seed)
            except ValueError as exc:
                raise self._failed("validation", entry.name, exc) from exc
            tables = {"precision": result.precision, "alpha": result.agreement,
                      "disagreements": result.disagreements, "recall": result.recall}
            tables = {name: table.reset_index(drop=True) for name, table in tables.items()}
            coders = list(result.coders)
            for name in names:
                self._cache.put_frame("validation", keys[name], tables[name])
            self._cache.put_json("validation-coders", keys["coders"], coders)
        return tables, tuple(coders)

    def _validation_spans(self, entry: ValidationConfig) -> pd.DataFrame:
        import warnings

        from ..stats.spans import evaluate_spans

        spans = entry.spans
        index = self._index("validation", entry.name)
        prefix = f"validation[{index}].spans"
        inputs = {name: self._plan.inputs[f"{prefix}.{name}"]["sha256"] for name in ("path", "annotations")
                  if f"{prefix}.{name}" in self._plan.inputs}
        baselines = [self._plan.inputs[f"{prefix}.baselines[{j}]"]["sha256"] for j in range(len(spans.baselines))]
        key = StageCache.key(stage="validation-spans", inputs=inputs, baselines=baselines,
                             lexicon=self._plan.lexicons[entry.lexicon]["sha256"], lexicon_id=entry.lexicon,
                             options=entry_dict(spans), part=DEFAULTS["part"])

        def compute() -> pd.DataFrame:
            try:
                corpus, gold = span_data(spans.dataset, spans.path, spans.annotations,
                                         annotations_name=f"{prefix}.annotations")
                lexicons = span_lexicons({entry.lexicon: self.lexicon(entry.lexicon)}, spans.baselines,
                                         baselines_name=f"{prefix}.baselines", report=warnings.warn)
                return evaluate_spans(corpus, gold, lexicons, part=DEFAULTS["part"], voice=spans.voice,
                                      labels=list(spans.labels) or None)
            except ValueError as exc:
                raise self._failed("validation", entry.name, exc) from exc

        return self._frame("validation", key, compute)

    def validation(self, entry: ValidationConfig) -> ValidationResult:
        """One ``[[validation]]`` entry: the drawn coding sheet, the tables of
        its coded sheets and its span evaluation (see
        :mod:`framing.experiment.validation`)."""
        if ("validation", entry.name) in self._done:
            return self._done["validation", entry.name]
        started = time.monotonic()
        sheet, n_population = self._validation_sample(entry) if entry.sample is not None else (None, 0)
        tables: dict[str, pd.DataFrame] = {}
        coders: tuple[str, ...] = ()
        if entry.sheets:
            coded, coders = self._validation_sheets(entry)
            tables.update(coded)
        if entry.spans is not None:
            tables["spans"] = self._validation_spans(entry)
        self._timed("validation", started)
        done = [f"a sheet of {len(sheet)} units" if sheet is not None else "",
                f"{len(coders)} coder(s)" if entry.sheets else "",
                f"{len(tables['spans'])} span rows" if "spans" in tables else ""]
        self._log(f"validation {entry.name}: {', '.join(part for part in done if part)}")
        result = ValidationResult(entry=entry, sheet=sheet, n_population=n_population,
                                  tables=MappingProxyType(tables), coders=coders)
        self._done["validation", entry.name] = result
        return result

    # -------------------------------------------------------------- everything

    def compute(self) -> RunTables:
        """Every stage of the config, in order: corpus, per-lexicon scores
        and summaries, comparisons, keyness, classifiers, validation, and the hits
        example passages are drawn from (the first lexicon's, of the scored
        voice)."""
        cfg = self._config
        corpus = self.corpus()
        lexicons = tuple(LexiconResult(id=lex.id, scores=self.scores(lex.id), summary=self.summary(lex.id))
                         for lex in cfg.lexicons)
        comparisons = tuple(self.comparison(cmp) for cmp in cfg.comparisons)
        keyness = tuple(self.keyness(entry) for entry in cfg.keyness)
        classifiers = tuple(self.classifier(entry) for entry in cfg.classifiers)
        validation = tuple(self.validation(entry) for entry in cfg.validation)
        shown = self.passage_hits(cfg.lexicons[0].id)
        texts = self.passage_texts(shown.documents)
        release_memory(heap=True)
        return RunTables(config=cfg, run_hash=self._plan.run_hash,
                         lexicon_sources=MappingProxyType({k: v["source"] for k, v in self._plan.lexicons.items()}),
                         corpus=corpus, lexicons=lexicons, comparisons=comparisons, keyness=keyness,
                         classifiers=classifiers, passage_hits=shown.hits, validation=validation,
                         passage_texts=texts, passage_counts=shown.counts)

    def passage_hits(self, lex_id: str) -> PassageHits:
        """The hits of one lexicon the report can show, of the scored voice,
        and their counts (:func:`~framing.experiment.hitstore.passage_hits`,
        ``outputs.examples`` per cell); cached, so a cached run reads
        neither texts nor hits."""
        corpus = self.corpus()
        pre = self._config.preprocessing
        key = StageCache.key(stage="passage-hits", corpus=corpus.key, lexicon=self._plan.lexicons[lex_id]["sha256"],
                             part=pre.part, voice=pre.voice, per_cell=self._config.outputs.examples,
                             per_entry=EXPLORER_PASSAGES, max_outlets=MAX_PASSAGE_OUTLETS,
                             max_entries=EXPLORER_ENTRIES, **self._segmented())
        names = ("hits", "counts", "documents")
        found = {name: self._cache.get_frame("hits", f"{key}-{name}") for name in names}
        if all(frame is not None for frame in found.values()):
            return PassageHits(hits=found["hits"], counts=found["counts"],
                               documents=frozenset(found["documents"]["doc_id"]))
        store = self.hit_store(lex_id)  # timed as "hits" by itself
        started = time.monotonic()
        shown = passage_hits(store, voice=pre.voice, per_cell=self._config.outputs.examples)
        frames = {"hits": shown.hits, "counts": shown.counts,
                  "documents": pd.DataFrame({"doc_id": sorted(shown.documents)}, dtype=object)}
        for name in names:
            self._cache.put_frame("hits", f"{key}-{name}", frames[name])
        self._timed("hits", started)
        return shown

    def passage_texts(self, documents: Any) -> pd.DataFrame:
        """The documents the report's passages and cue explorer can show
        (``documents``: doc ids as text, e.g. :attr:`PassageHits.documents
        <framing.experiment.hitstore.PassageHits>`) as they read them:
        ``doc_id``, ``outlet`` and the text of the scored part, in corpus
        order; cached, so a cached run reads no text."""

        corpus = self.corpus()
        part = self._config.preprocessing.part
        wanted = {str(d) for d in documents}
        key = StageCache.key(stage="passage-texts", corpus=corpus.key, part=part,
                             doc_ids=sorted(wanted))

        def compute() -> pd.DataFrame:
            kept = []
            if wanted:
                for chunk in corpus.texts.chunks((part,) if part in corpus.texts.columns else ()):
                    if part in chunk.columns:
                        kept.append(chunk[chunk["doc_id"].astype(str).isin(wanted)])
                    del chunk  # not held while the next chunk is read
            texts = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame({"doc_id": [], part: []})
            return pd.DataFrame({"doc_id": texts["doc_id"].astype(str).to_numpy(dtype=object),
                                 "text": texts[part].to_numpy(dtype=object) if len(texts) else []})

        found = self._frame("passage-texts", key, compute)
        lookup = dict(zip(found["doc_id"], found["text"]))
        ids = corpus.meta["doc_id"].astype(str)
        keep = ids.isin(wanted).to_numpy()
        return pd.DataFrame({"doc_id": corpus.meta["doc_id"].to_numpy()[keep],
                             "outlet": corpus.meta["outlet"].to_numpy()[keep],
                             part: [lookup.get(d, "") for d in ids[keep]]})
