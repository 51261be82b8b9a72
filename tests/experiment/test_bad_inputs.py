"""Bad experiment configs, overrides, run folders and faults: each is one
clear error naming the file and key (no traceback through ``framing``)."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from framing.cli.app import main
from framing.experiment.config import ConfigError, expand_sweeps, load_config
from framing.experiment.runner import (
    STAGING_PREFIX,
    RunError,
    check_runs_dir,
    remove_stale_staging,
    run,
    verify,
)
from tests.paths import FIXTURES

BASE = """schema_version = 1
name = "bad"

[corpus]
path = "data.jsonl"

[[lexicons]]
path = "lexicon.toml"

[outputs]
figures = []
report = false

[runtime]
cache = false
"""


@pytest.fixture
def project(tmp_path):
    rows = [{"doc_id": f"{o}{i}", "outlet": o, "text": f"The council built a façade, a sham {i}. Officials said so."}
            for o in "AB" for i in range(4)]
    (tmp_path / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    shutil.copy(FIXTURES / "lexicons" / "tiny.toml", tmp_path / "lexicon.toml")
    (tmp_path / "exp.toml").write_text(BASE, encoding="utf-8")
    return tmp_path


def _config(project: Path, text: str) -> Path:
    path = project / "exp.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _with(section_text: str) -> str:
    return BASE + "\n" + section_text


def _replace(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


# (id, config text, --set overrides, regex the message must match; {f} is the config file)
CONFIGS = [
    ("invalid-toml", "name = \n", [], r"{f}: invalid TOML: "),
    ("not-a-table-of-schema", "schema_version = 2\nname = \"x\"\n", [], r"{f}: schema_version: unsupported version 2"),
    ("missing-schema", _replace("schema_version = 1\n", ""), [], r"{f}: schema_version: missing required key"),
    ("unknown-top-key", _replace('name = "bad"', 'name = "bad"\nnmae = "x"'), [], r"{f}: nmae: unknown key 'nmae'"),
    ("bad-name", _replace('name = "bad"', 'name = "my run"'), [], r"{f}: name: 'my run' does not match"),
    ("negative-seed", _replace('name = "bad"', 'name = "bad"\nseed = -1'), [], r"{f}: seed: expected .*got -1"),
    ("string-seed", _replace('name = "bad"', 'name = "bad"\nseed = "7"'), [], r"{f}: seed: expected an integer"),
    ("no-corpus", "schema_version = 1\nname = \"bad\"\n", [], r"{f}: corpus: missing required table"),
    ("missing-corpus-file", _replace('"data.jsonl"', '"nope.jsonl"'), [], r"{f}: corpus\.path: no such file or folder"),
    ("bad-corpus-format", _replace('path = "data.jsonl"', 'path = "data.jsonl"\nformat = "xml"'), [],
     r"{f}: corpus\.format: unknown format 'xml'"),
    ("bad-encoding", _replace('path = "data.jsonl"', 'path = "data.jsonl"\nencoding = "utf-9"'), [],
     r"{f}: corpus\.encoding: unknown encoding 'utf-9'"),
    ("threshold-without-near", _replace('path = "data.jsonl"', 'path = "data.jsonl"\nnear_threshold = 0.5'), [],
     r"{f}: corpus\.near_threshold: applies only to dedupe = \"near\""),
    ("dates-reversed", _with('[corpus.filters]\ndate_from = "2025-02-01"\ndate_to = "2025-01-01"\n'), [],
     r"{f}: corpus\.filters\.date_to: 2025-01-01 is before date_from 2025-02-01"),
    ("bad-date", _with('[corpus.filters]\ndate_from = "1 May"\n'), [],
     r"{f}: corpus\.filters\.date_from: '1 May' is not a date in the form YYYY-MM-DD"),
    ("lexicon-name-and-path", _replace('path = "lexicon.toml"', 'path = "lexicon.toml"\nname = "framing-cues"'), [],
     r"{f}: lexicons\[0\]: give exactly one of name"),
    ("lexicon-not-bundled", _replace('path = "lexicon.toml"', 'name = "liwc"'), [],
     r"{f}: lexicons\[0\]\.name: unknown bundled lexicon 'liwc'"),
    ("lexicon-wrong-suffix", _replace('path = "lexicon.toml"', 'path = "data.jsonl"'), [],
     r"{f}: lexicons\[0\]\.path: expected a lexicon file \(\.toml, \.dic, \.csv, \.tsv\)"),
    ("lexicons-empty", _replace('name = "bad"', 'name = "bad"\nlexicons = []').replace('[[lexicons]]\npath = "lexicon.toml"\n', ''), [],
     r"{f}: lexicons: empty; leave \[\[lexicons\]\] out for the default"),
    ("env-unset", _replace('"data.jsonl"', '"${FRAMING_TEST_UNSET}/data.jsonl"'), [],
     r"{f}: corpus\.path: environment variable FRAMING_TEST_UNSET is not set .*--set corpus\.path=PATH"),
    ("env-empty", _replace('"data.jsonl"', '"${FRAMING_TEST_EMPTY}/data.jsonl"'), [],
     r"{f}: corpus\.path: environment variable FRAMING_TEST_EMPTY is set but empty"),
    ("env-bad-dollar", _replace('"data.jsonl"', '"data$.jsonl"'), [],
     r"{f}: corpus\.path: 'data\$\.jsonl': a '\$' must start \$\{VAR\} or \$VAR"),
    ("env-unclosed-brace", _replace('"data.jsonl"', '"${FRAMING_TEST_EMPTY/data.jsonl"'), [],
     r"{f}: corpus\.path: .*a '\$' must start"),
    ("unknown-method", _with('[[comparisons]]\nmethods = ["anova"]\n'), [],
     r"{f}: comparisons\[0\]\.methods\[0\]: unknown method 'anova'"),
    ("confidence-out-of-range", _with("[[comparisons]]\nconfidence = 1.5\n"), [],
     r"{f}: comparisons\[0\]\.confidence: expected .*got 1\.5"),
    ("too-few-resamples", _with("[[comparisons]]\nn_resamples = 10\n"), [],
     r"{f}: comparisons\[0\]\.n_resamples: expected an integer >= 99, got 10"),
    ("two-designs", _with('[[comparisons]]\nstrata = "a"\npair_on = "b"\n'), [], r"{f}: comparisons\[0\]\.pair_on: "),
    ("unknown-lexicon-id", _with('[[comparisons]]\nlexicon = "other"\n'), [],
     r"{f}: comparisons\[0\]\.lexicon: unknown lexicon id 'other'"),
    ("duplicate-ids", _with('[[comparisons]]\nid = "x"\n[[comparisons]]\nid = "x"\n'), [],
     r"{f}: comparisons\[1\]\.id: duplicate id 'x' \(also comparisons\[0\]\)"),
    ("keyness-no-min-count", _with("[[keyness]]\n"), [], r"{f}: keyness\[0\]\.min_count: missing required key"),
    ("keyness-vs-pooled", _with('[[keyness]]\nmin_count = 2\ncomparison = "vs_pooled"\n'), [],
     r"{f}: keyness\[0\]\.comparison: 'vs_pooled' is defined for method = \"log_odds\" only"),
    ("classifier-no-label", _with("[[classifiers]]\n"), [], r"{f}: classifiers\[0\]: give exactly one of label"),
    ("classifier-groups", _with('[[classifiers]]\nlabel = "x"\ngroups = "story_id"\n'), [],
     r"{f}: classifiers\[0\]\.groups: applies only to cv = \"group\""),
    ("tables-without-csv", _replace("figures = []", 'figures = []\ntables = ["parquet"]'), [],
     r"{f}: outputs\.tables: must contain \"csv\""),
    ("dpi-too-low", _replace("figures = []", "figures = []\ndpi = 10"), [], r"{f}: outputs\.dpi: expected .*got 10"),
    ("bool-as-int", _replace("report = false", "report = 0"), [], r"{f}: outputs\.report: expected a boolean, got"),
    ("n-jobs-zero", _replace("cache = false", "cache = false\nn_jobs = 0"), [],
     r"{f}: runtime\.n_jobs: expected an integer >= 1, got 0"),
    # --set
    ("set-unknown-key", BASE, ["seeds=3"], r"{f}: --set seeds: unknown key 'seeds'"),
    ("set-type-change", BASE, ["seed=x"], r"{f}: --set seed: expected an integer, got"),
    ("set-float-for-int", BASE, ["seed=1.5"], r"{f}: --set seed: expected an integer, got"),
    ("set-list-for-string", BASE, ["name=[1]"], r"{f}: --set name: expected a string"),
    ("set-index-past-end", BASE, ["lexicons.3.path=x.toml"], r"{f}: --set lexicons\.3\.path: index 3 is past the end"),
    ("set-into-scalar", BASE, ["seed.x=1"], r"{f}: --set seed\.x: seed is an integer; it has no key 'x'"),
    ("set-no-equals", BASE, ["seed"], r"^--set: expected KEY=VALUE"),
    ("set-bad-key", BASE, ["comparisons[0].id=x"], r"^--set: 'comparisons\[0\]\.id' is not a dotted key"),
    ("set-bad-literal", BASE, ['name="abc'], r"^--set: 'name=\"abc': the value is not a TOML literal"),
    ("set-bad-value", BASE, ["corpus.dedupe=fuzzy"], r"{f}: corpus\.dedupe: unknown "),
]


@pytest.mark.parametrize("text, overrides, pattern", [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS])
def test_bad_config_names_file_and_key(project, text, overrides, pattern):
    path = _config(project, text)
    env = {"FRAMING_TEST_EMPTY": ""}
    with pytest.raises(ConfigError, match=pattern.replace("{f}", re.escape(str(path)))):
        load_config(path, overrides=overrides, env=env)


def test_config_file_problems_are_named(project):
    with pytest.raises(ConfigError, match=re.escape(f"{project / 'none.toml'}: cannot read the config file")):
        load_config(project / "none.toml")
    (project / "latin.toml").write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=re.escape(f"{project / 'latin.toml'}: not UTF-8 text (byte")):
        load_config(project / "latin.toml")


def _deny(monkeypatch, denied: Path) -> None:
    """Make ``os.access`` refuse ``denied`` (the tests run as root, who may read anything)."""
    real = os.access

    def access(path, mode, *args, **kwargs):
        return False if Path(path) == denied else real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_an_unreadable_corpus_path_names_the_key(project, monkeypatch):
    _deny(monkeypatch, project / "data.jsonl")
    with pytest.raises(ConfigError, match=re.escape(f"{project / 'exp.toml'}: corpus.path: cannot read "
                                                    f"{project / 'data.jsonl'} (permission denied; from 'data.jsonl')")):
        load_config(project / "exp.toml")


# ------------------------------------------------------------------ the command line


def _cli(capsys, *argv: str) -> str:
    status = main(list(argv))
    err = capsys.readouterr().err
    assert status == 1, err
    assert "Traceback" not in err
    return err


def test_cli_refuses_a_large_sweep_without_yes(project, capsys):
    err = _cli(capsys, "run", str(project / "exp.toml"), "--runs-dir", str(project / "runs"), "--quiet",
               "--sweep", f"seed={list(range(20))}", "--sweep", "corpus.dedupe=['exact', 'none', 'near']")
    assert (f"{project / 'exp.toml'}: --sweep: 60 points (20 × 3 values) would start 60 runs; more than 50 need "
            "confirming: add --yes to run them all") in err
    assert not (project / "runs").exists()
    with pytest.raises(ValueError, match=r"max_points: expected an integer >= 1 or None, got 0"):
        expand_sweeps({}, ["seed=[1]"], max_points=0)
    assert len(expand_sweeps({}, ["seed=[1, 2, 3]"], max_points=3)) == 3


@pytest.mark.parametrize("where, pattern", [
    ("file", r"--runs-dir: {r} is a file, not a folder of runs"),
    ("under-file", r"--runs-dir: cannot create {r}: {p} is a file"),
    ("unwritable", r"--runs-dir: cannot write in {r} \(permission denied\)"),
    ("unwritable-parent", r"--runs-dir: cannot create {r}: cannot write in {p} \(permission denied\)"),
], ids=lambda v: v if "/" not in v and "{" not in v else "")
def test_cli_names_a_bad_runs_dir(project, capsys, monkeypatch, where, pattern):
    parent = project / "place"
    runs = parent / "runs"
    if where == "file":
        parent.mkdir()
        runs.write_text("not a folder")
    elif where == "under-file":
        parent.write_text("a file")
    elif where == "unwritable":
        runs.mkdir(parents=True)
        _deny(monkeypatch, runs)
    else:
        parent.mkdir()
        _deny(monkeypatch, parent)
    err = _cli(capsys, "run", str(project / "exp.toml"), "--runs-dir", str(runs), "--quiet")
    assert re.search(pattern.format(r=re.escape(str(runs)), p=re.escape(str(parent))), err), err
    with pytest.raises(RunError, match=r"^runs_dir: "):
        check_runs_dir(runs)


def test_check_runs_dir_type():
    with pytest.raises(TypeError, match=r"runs_dir: expected a str or path, got int"):
        check_runs_dir(3)


@pytest.mark.parametrize("argv, pattern", [
    (["run", "{p}/none.toml"], r"framing run: error: {p}/none\.toml: cannot read the config file"),
    (["run", "{p}/exp.toml", "--set", "seed=x"], r"framing run: error: {p}/exp\.toml: --set seed: expected an integer"),
    (["run", "{p}/exp.toml", "--sweep", "seed=3"], r"{p}/exp\.toml: --sweep: seed: expected a non-empty TOML array"),
    (["run", "{p}/exp.toml", "--sweep", "seed=[1]", "--sweep", "seed=[2]"], r"--sweep: seed is swept twice"),
    (["verify", "{p}/nowhere"], r"framing verify: error: {p}/nowhere: no such run folder"),
    (["verify", "{p}/data.jsonl"], r"{p}/data\.jsonl: not a framing run folder \(a file, not a folder\)"),
    (["verify", "{p}"], r"framing verify: error: {p}: not a framing run folder \(no manifest\.json\)"),
    (["reproduce", "{p}"], r"framing reproduce: error: {p}: not a framing run folder \(no manifest\.json\)"),
], ids=["missing-config", "set-type", "sweep-scalar", "sweep-twice", "verify-missing", "verify-file",
        "verify-garbage-folder", "reproduce-garbage-folder"])
def test_cli_errors_are_one_line(project, capsys, argv, pattern):
    err = _cli(capsys, *[a.replace("{p}", str(project)) for a in argv])
    assert re.search(pattern.replace("{p}", re.escape(str(project))), err), err
    assert err.count("\n") == 1


# ------------------------------------------------------------------ run folders


@pytest.fixture
def finished(project):
    result = run(load_config(project / "exp.toml"), runs_dir=project / "runs")
    return result.run_dir


def _problems(folder: Path) -> str:
    result = verify(folder)
    assert not result.ok
    return "\n".join(result.problems)


def test_tampered_run_folders_are_reported(finished, capsys):
    manifest = json.loads((finished / "manifest.json").read_text())
    first, second = sorted(manifest["outputs"])[:2]
    (finished / first).write_bytes((finished / first).read_bytes() + b" ")
    (finished / second).unlink()
    (finished / second).mkdir()
    (finished / second / "inside.txt").write_text("x")
    (finished / "notes.txt").write_text("mine")
    text = _problems(finished)
    assert f"changed: {first}" in text
    assert f"a folder, not a file: {second}" in text
    assert "not in the manifest: notes.txt" in text and "inside.txt" not in text
    assert main(["verify", str(finished)]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("manifest, pattern", [
    ("{oops", r"not valid JSON"),
    ("[1, 2]", r"not a framing manifest \(manifest_schema 1 expected\)"),
    ('{"manifest_schema": 1}', r"key 'outputs' must be a table, got NoneType; the manifest was edited"),
    ('{"manifest_schema": 1, "outputs": []}', r"key 'outputs' must be a table, got list"),
    ('{"manifest_schema": 1, "outputs": {"a": 1}}', r"'outputs' must map file names to SHA-256 strings"),
    ('{"manifest_schema": 1, "outputs": {}, "inputs": {"corpus.path": "x"}}',
     r"inputs\['corpus\.path'\] must be a table with 'path' and 'sha256' strings"),
    ('{"manifest_schema": 1, "outputs": {}, "unchecked_files": [1]}', r"'unchecked_files' must be a list of file names"),
    ('{"manifest_schema": 1, "outputs": {}, "run_hash": 5}', r"key 'run_hash' must be a string, got int"),
], ids=["not-json", "list", "no-outputs", "outputs-list", "outputs-numbers", "inputs-strings", "unchecked-numbers",
        "run-hash-number"])
def test_damaged_manifests_are_named(tmp_path, capsys, manifest, pattern):
    (tmp_path / "manifest.json").write_text(manifest)
    for command in ("verify", "reproduce"):
        err = _cli(capsys, command, str(tmp_path))
        assert re.search(re.escape(str(tmp_path)) + r"/manifest\.json: " + pattern, err), err


def test_a_manifest_replaced_by_a_folder_is_named(tmp_path, capsys):
    (tmp_path / "manifest.json").mkdir()
    err = _cli(capsys, "verify", str(tmp_path))
    assert f"{tmp_path / 'manifest.json'}: a folder where the run's manifest file should be" in err


def test_reproduce_on_a_folder_without_a_usable_config(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text('{"manifest_schema": 1, "outputs": {}}')
    err = _cli(capsys, "reproduce", str(tmp_path))
    assert f"{tmp_path / 'manifest.json'}: no run_hash; not the manifest of a finished run" in err
    (tmp_path / "manifest.json").write_text('{"manifest_schema": 1, "outputs": {}, "run_hash": "abc"}')
    assert f"{tmp_path / 'config.json'}: cannot read the recorded config" in _cli(capsys, "reproduce", str(tmp_path))
    (tmp_path / "config.json").write_text("[1]")
    assert (f"{tmp_path / 'config.json'}: the recorded config must be a JSON object, got list"
            in _cli(capsys, "reproduce", str(tmp_path)))
    (tmp_path / "config.json").write_text('{"schema_version": 1}')
    assert f"{tmp_path / 'config.json'}: name: missing required key" in _cli(capsys, "reproduce", str(tmp_path))


def test_a_foreign_folder_at_the_run_path_is_refused(project, finished, capsys):
    shutil.rmtree(finished)
    finished.mkdir()
    (finished / "x.csv").write_text("mine")
    err = _cli(capsys, "run", str(project / "exp.toml"), "--runs-dir", str(project / "runs"), "--quiet")
    assert f"{finished} exists but holds no manifest.json: it is not a finished framing run" in err


# ------------------------------------------------------------------ stale staging folders


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(child.stdout)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return pid
    pytest.skip(f"pid {pid} was reused at once")


def _staging(folder: Path, suffix: str, owner: dict | None) -> Path:
    path = folder / f"{STAGING_PREFIX}{suffix}"
    (path / "tables").mkdir(parents=True)
    (path / "tables" / "half.csv").write_text("a\n")
    if owner is not None:
        (path / ".owner.json").write_text(json.dumps(owner))
    return path


def test_a_later_run_removes_stale_staging_folders_of_its_name_only(project, capsys):
    folder = project / "runs" / "bad"
    folder.mkdir(parents=True)
    host = platform.node()
    dead = _staging(folder, "0123-dead", {"pid": _dead_pid(), "host": host})
    alive = _staging(folder, "0123-alive", {"pid": os.getpid(), "host": host})
    elsewhere = _staging(folder, "0123-other", {"pid": _dead_pid(), "host": host + "-elsewhere"})
    unknown = _staging(folder, "0123-unknown", None)
    other_name = _staging(project / "runs", "0123-dead", {"pid": _dead_pid(), "host": host})
    lines: list[str] = []
    result = run(load_config(project / "exp.toml"), runs_dir=project / "runs", echo=lines.append)
    assert not dead.exists()
    assert alive.exists() and elsewhere.exists() and unknown.exists() and other_name.exists()
    log = (result.run_dir / "run.log").read_text()
    assert f"removed the stale staging folder {dead}: its run (pid " in log
    assert f"left {alive}: its run (pid {os.getpid()} on {host}) may still be running" in log
    assert f"left {unknown}: no readable owner record (.owner.json)" in log
    assert any(line.startswith("removed the stale staging folder") for line in lines)
    assert not (result.run_dir / ".owner.json").exists()
    assert verify(result.run_dir).ok
    assert remove_stale_staging(project / "missing") == []


def test_a_killed_run_leaves_a_staging_folder_the_next_run_removes(project):
    script = (f"import os, signal, framing.experiment.runner as r\n"
              f"from framing.experiment.config import load_config\n"
              f"import framing.experiment.outputs as o\n"
              f"def die(*a, **k): os.kill(os.getpid(), signal.SIGKILL)\n"
              f"r.write_outputs = die\n"
              f"r.run(load_config({str(project / 'exp.toml')!r}), runs_dir={str(project / 'runs')!r})\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr.decode()
    left = [p for p in (project / "runs" / "bad").iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert len(left) == 1 and json.loads((left[0] / ".owner.json").read_text())["host"] == platform.node()
    result = run(load_config(project / "exp.toml"), runs_dir=project / "runs")
    assert not left[0].exists()
    assert "removed the stale staging folder" in (result.run_dir / "run.log").read_text()
