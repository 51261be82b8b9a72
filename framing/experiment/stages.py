"""The stages of one experiment run, computed in memory and written out.

:class:`Stages` is driven by :func:`framing.experiment.runner.run`: it reads the
corpus, scores it with each lexicon, runs the configured comparisons,
keyness analyses and classifier evaluations, renders the figures and the
report, and writes every table, figure and the report into the staging
folder it is given.  Each expensive result is cached under a key made of
the content hashes it depends on (see :class:`framing.experiment.store.StageCache`):

=============  ==============================================================
stage          key
=============  ==============================================================
corpus         corpus file hash, ``[corpus]`` options, framing version
scores         corpus key, lexicon hash, ``[preprocessing]``
hits           corpus key, lexicon hash, ``preprocessing.part``
statistics     scores key, the comparison's options and derived seed
keyness        corpus key, the keyness entry's options and derived seed
classifier     corpus (or data file) key, the entry's options, seed
=============  ==============================================================

Table and figure names are stable: ``tables/<name>.csv`` (and ``.parquet``
when asked), ``figures/<name>.<png|svg|pdf>``.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .. import __version__
from .config import ComparisonConfig, Config, KeynessConfig, derive_seed
from ..corpus.readers import read_corpus
from ..lexicon.model import Lexicon
from ..lexicon.files import load_lexicon
from .store import StageCache, canonical_bytes, sha256_bytes, write_atomic

__all__ = ["StageError", "Stages"]


class StageError(ValueError):
    """A stage failed on this run's data; the message names the config
    entry (``comparisons[1] (id 'within')``) and what the stage said."""

_SAFE = re.compile(r"[^a-z0-9_-]+")


def _slug(value: Any) -> str:
    return _SAFE.sub("-", str(value).lower()).strip("-") or "x"


def _table_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


@dataclass
class _Corpus:
    frame: pd.DataFrame
    key: str
    facts: dict[str, Any]


class Stages:
    """Compute and write one run (see the module notes)."""

    def __init__(self, config: Config, *, plan: Any, cache: StageCache, log: Callable[[str], None],
                 progress: Callable[[str, int], Any] | None = None) -> None:
        self.config = config
        self.plan = plan
        self.cache = cache
        self.log = log
        self.progress = progress
        self.seeds: dict[str, int] = dict(config.seeds())
        self.timings: dict[str, float] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self._corpus: _Corpus | None = None
        self._lexicons: dict[str, Lexicon] = {}
        self._scores: dict[str, tuple[pd.DataFrame, str]] = {}

    # -------------------------------------------------------------- helpers

    def _seed(self, *names: str) -> int:
        key = ".".join(names)
        if key not in self.seeds:
            self.seeds[key] = derive_seed(self.config.seed, key)
        return self.seeds[key]

    def _timed(self, name: str, started: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + time.monotonic() - started

    def _cached_frame(self, stage: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        frame = self.cache.get_frame(stage, key)
        if frame is None:
            frame = compute().reset_index(drop=True)
            self.cache.put_frame(stage, key, frame)
        return frame

    # -------------------------------------------------------------- corpus

    def corpus(self) -> _Corpus:
        if self._corpus is not None:
            return self._corpus
        from .corpus import load_corpus

        started = time.monotonic()
        options = self.config.to_dict()["corpus"]
        options.pop("path")
        key = StageCache.key(stage="corpus", version=__version__, options=options,
                             input=self.plan.inputs["corpus.path"]["sha256"], seed=self._seed("corpus"))
        frame = self.cache.get_frame("corpus", key)
        facts = self.cache.get_json("corpus-facts", key)
        if frame is None or facts is None:
            frame, facts = load_corpus(self.config.corpus, seed=self._seed("corpus"))
            self.cache.put_frame("corpus", key, frame)
            self.cache.put_json("corpus-facts", key, facts)
        self.log(f"corpus: {facts['n_documents']} documents from {facts['n_outlets']} outlets")
        self._corpus = _Corpus(frame=frame, key=key, facts=facts)
        self._timed("corpus", started)
        return self._corpus

    def lexicon(self, lex_id: str) -> Lexicon:
        if lex_id not in self._lexicons:
            spec = self.config.lexicon(lex_id)
            self._lexicons[lex_id] = load_lexicon(spec.name if spec.path is None else spec.path)
        return self._lexicons[lex_id]

    def scores(self, lex_id: str) -> tuple[pd.DataFrame, str]:
        if lex_id in self._scores:
            return self._scores[lex_id]
        from ..match.scoring import score

        corpus = self.corpus()
        pre = self.config.preprocessing
        key = StageCache.key(stage="scores", corpus=corpus.key, lexicon=self.plan.lexicons[lex_id]["sha256"],
                             preprocessing=self.config.to_dict()["preprocessing"])
        started = time.monotonic()

        def compute() -> pd.DataFrame:
            bar = self.progress(f"scoring ({lex_id})", len(corpus.frame)) if self.progress else None
            try:
                return score(corpus.frame, self.lexicon(lex_id), normalize=pre.normalize, voice=pre.voice,
                             part=pre.part, n_jobs=self.config.runtime.n_jobs, progress=bar)
            finally:
                if bar is not None:
                    bar.close()

        frame = self._cached_frame("scores", key, compute)
        self._timed("scores", started)
        self.log(f"scores ({lex_id}): {frame['doc_id'].nunique()} documents × {frame['category'].nunique()} categories")
        self._scores[lex_id] = (frame, key)
        return self._scores[lex_id]

    # -------------------------------------------------------------- analyses

    def lexicon_tables(self) -> None:
        from ..stats.summary import summarize

        for lex in self.config.lexicons:
            scores, key = self.scores(lex.id)
            seed = self._seed("summary", lex.id)
            started = time.monotonic()
            summary = self._cached_frame("statistics", StageCache.key(stage="summary", scores=key, seed=seed),
                                         lambda: summarize(scores, by="outlet", random_state=seed))
            self._timed("statistics", started)
            self.tables[f"scores-{lex.id}"] = scores
            self.tables[f"summary-{lex.id}"] = summary

    def _where(self, section: str, entry_id: str) -> str:
        entries = getattr(self.config, section)
        index = next(i for i, e in enumerate(entries) if e.id == entry_id)
        return f"{section}[{index}] (id {entry_id!r})"

    def comparison_tables(self, cmp: ComparisonConfig) -> dict[str, pd.DataFrame]:
        from .analyses import comparison_table_names, compute_comparison

        scores, key = self.scores(cmp.lexicon)
        seed = self._seed("comparisons", cmp.id)
        options = next(c for c in self.config.to_dict()["comparisons"] if c["id"] == cmp.id)
        started = time.monotonic()
        out: dict[str, pd.DataFrame] = {}
        computed: dict[str, pd.DataFrame] | None = None
        for name in comparison_table_names(cmp):
            cache_key = StageCache.key(stage="comparison", table=name, scores=key, options=options, seed=seed)
            frame = self.cache.get_frame("statistics", cache_key)
            if frame is None:
                if computed is None:
                    try:
                        computed = compute_comparison(cmp, scores, self.corpus().frame, seed=seed)
                    except ValueError as exc:
                        raise StageError(f"{self._where('comparisons', cmp.id)}: {exc}") from exc
                frame = computed[name].reset_index(drop=True)
                self.cache.put_frame("statistics", cache_key, frame)
            out[name] = frame
            self.tables[f"{cmp.id}-{name}"] = frame
        self._timed("statistics", started)
        self.log(f"comparison {cmp.id}: {len(out.get('pairs', []))} rows")
        return out

    def keyness_table(self, entry: KeynessConfig) -> pd.DataFrame:
        from .analyses import compute_keyness

        corpus = self.corpus()
        seed = self._seed("keyness", entry.id)
        options = next(k for k in self.config.to_dict()["keyness"] if k["id"] == entry.id)
        started = time.monotonic()
        cache_key = StageCache.key(stage="keyness", corpus=corpus.key, options=options, seed=seed,
                                   part=self.config.preprocessing.part)
        def compute() -> pd.DataFrame:
            try:
                return compute_keyness(entry, corpus.frame, part=self.config.preprocessing.part, seed=seed)
            except ValueError as exc:
                raise StageError(f"{self._where('keyness', entry.id)}: {exc}") from exc

        frame = self._cached_frame("keyness", cache_key, compute)
        self._timed("keyness", started)
        self.tables[entry.id] = frame
        self.log(f"keyness {entry.id}: {len(frame)} rows")
        return frame

    def hits(self, lex_id: str) -> pd.DataFrame:
        from ..match.scoring import hits

        corpus = self.corpus()
        key = StageCache.key(stage="hits", corpus=corpus.key, lexicon=self.plan.lexicons[lex_id]["sha256"],
                             part=self.config.preprocessing.part)
        return self._cached_frame("hits", key, lambda: hits(corpus.frame, self.lexicon(lex_id),
                                                            part=self.config.preprocessing.part, voice="all"))

    # -------------------------------------------------------------- writing

    def write_all(self, staging: Path) -> dict[str, str]:
        """Compute everything and write it under ``staging``; return the
        checked outputs (relative path → SHA-256)."""
        from .outputs import build_outputs

        outputs: dict[str, str] = {}

        def put(rel: str, data: bytes) -> None:
            write_atomic(staging / rel, data)
            outputs[rel] = sha256_bytes(data)

        put("config.json", canonical_bytes(self.config.identity()))
        started = time.monotonic()
        build_outputs(self, put)
        self._timed("outputs", started)
        return outputs

    def config_text(self) -> str:
        """The resolved config as indented JSON, for the report (without
        ``[runtime]``, like ``config.json``: how a run was executed never
        changes what it computed)."""
        import json

        return json.dumps(self.config.identity(), indent=2, sort_keys=True, ensure_ascii=False)

    def table_bytes(self, name: str, frame: pd.DataFrame) -> dict[str, bytes]:
        """The files of one table in every configured format."""
        return {f"tables/{_slug(name)}.{fmt}": _table_bytes(frame, fmt) for fmt in self.config.outputs.tables}
