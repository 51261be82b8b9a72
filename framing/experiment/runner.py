"""The experiment runner: one config → one verifiable run folder.

:func:`run` is the only place in framing that composes stages and writes
files.  Given a validated :class:`framing.experiment.config.Config` it

1. hashes every input (corpus, lexicon files, classifier data) and the
   resolved config without its ``[runtime]`` section; the first 16 hex
   digits of the SHA-256 of both name the run folder
   ``<runs_dir>/<name>/<run_hash>/``.  Input paths enter the hash by their
   content hash, not their location, so moving the data keeps the hash;
2. if that folder exists and verifies against its manifest, reuses it
   (nothing is recomputed); if it exists but does not verify, stops with
   the differences (``force=True`` rebuilds it);
3. otherwise computes the stages in order — corpus (read, dedupe,
   filter) → scores per lexicon → summaries, comparisons, keyness,
   classifiers → tables, figures, report — each stage cached by content
   keys in the cache folder (:class:`framing.experiment.store.StageCache`), so that
   changing a statistics option re-uses the scored corpus;
4. builds everything in a hidden staging folder next to the final one and
   renames it into place only when the manifest is written, so an
   interrupted run never leaves a folder that looks complete.  The
   staging folder records its process id and host; a later run of the
   same name removes staging folders whose process is gone (a run killed
   with SIGKILL) and says so in its log (:func:`remove_stale_staging`).

``config.json`` and the report hold the resolved config without
``[runtime]`` (how a run was executed never changes what it computed; the
runtime settings are in the manifest's unchecked block).

Determinism: every resampling step gets a seed derived from the config's
root seed and the step's name (:func:`framing.seeds.derive_seed`; the seeds
and the scheme, :data:`framing.seeds.SCHEME`, are recorded in the manifest); tables are written as CSV with
``\\n`` line ends and Python's shortest round-trip float repr; figures
through :func:`framing.report.figures.figure_bytes`, which strips dates and fixes
the SVG hash salt.  Two runs of the same config therefore give identical
bytes for every checked output, whatever ``PYTHONHASHSEED``, ``n_jobs``
or ``[runtime] engine`` (``n_jobs > 1`` runs the per-chunk work of
scores, hits and keyness counts on a local pool of worker processes,
``"dask"`` as Dask tasks; both merge them here in chunk order;
:class:`framing.experiment.analyses.ChunkEngine`).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Sequence


from .. import __version__
from ..quotes import COMPILED as QUOTES_COMPILED
from ..seeds import SCHEME as SEED_SCHEME
from ..text import segmenter_version
from ..vocab import EMBEDDING_MODELS
from .config import Config, config_from_dict
from .store import (
    MANIFEST_SCHEMA,
    HashCache,
    StageCache,
    VerifyResult,
    canonical_bytes,
    default_mode,
    path_sha256,
    read_manifest,
    sha256_bytes,
    verify_run,
    write_atomic,
)
from ..lexicon.files import bundled_lexicon_bytes
from .analyses import ChunkEngine
from .outputs import write_outputs
from .stages import StageError, Stages

__all__ = ["STAGING_PREFIX", "RunError", "RunResult", "ReproduceResult", "check_runs_dir", "plan_run",
           "remove_stale_staging", "run", "reproduce", "verify"]

_PACKAGES = ("framing-toolkit", "numpy", "scipy", "pandas", "scikit-learn", "nltk", "matplotlib", "pyahocorasick",
             "ahocorasick-rs", "pyarrow")
_UNCHECKED_FILES = ("run.log",)


class RunError(ValueError):
    """A run that cannot proceed: an existing folder that does not verify,
    or a stage that failed on the run's data (then its
    :class:`~framing.experiment.stages.StageError` is the ``__cause__`` and
    its message, naming the config entry, follows ``"stage failed: "``)."""


@dataclass(frozen=True)
class RunPlan:
    """Where a config's run goes and what identifies it."""

    run_hash: str
    run_dir: Path
    identity: dict[str, Any]
    inputs: dict[str, dict[str, Any]]
    lexicons: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class RunResult:
    """What :func:`run` did.

    ``status`` is ``"created"`` (computed now), ``"rebuilt"`` (an existing
    folder replaced with ``force``) or ``"reused"`` (an existing folder
    that verified).  ``outputs`` lists the checked files, relative to
    ``run_dir``.
    """

    run_dir: Path
    run_hash: str
    status: str
    outputs: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    cache_hits: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def report(self) -> Path | None:
        path = self.run_dir / "report.html"
        return path if path.is_file() else None

    def summary(self) -> str:
        what = {"created": "run written to", "rebuilt": "run rebuilt in", "reused": "up to date, reused"}[self.status]
        line = f"{what} {self.run_dir} ({len(self.outputs)} files"
        if self.status != "reused":
            line += f", {self.seconds:.1f} s"
            if self.cache_hits:
                line += f", cached: {', '.join(sorted(set(self.cache_hits)))}"
        line += ")"
        if self.report is not None:
            line += f"; report: {self.report}"
        return line


@dataclass(frozen=True)
class ReproduceResult:
    """What :func:`reproduce` found: ``differences`` lists each output whose
    bytes differ between the recorded run and the re-run, or that one of
    them lacks; empty when the re-run reproduced every byte."""

    run_dir: Path
    rerun_dir: Path | None
    n_compared: int
    differences: tuple[str, ...]

    @property
    def identical(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        if self.identical:
            return f"{self.run_dir}: re-ran from its recorded config; all {self.n_compared} outputs are byte-identical"
        where = f" (re-run kept in {self.rerun_dir})" if self.rerun_dir else ""
        return (f"{self.run_dir}: re-run differs in {len(self.differences)} of {self.n_compared} outputs{where}:\n"
                + "\n".join(f"  {d}" for d in self.differences))


@dataclass
class _Log:
    """Lines of run.log and optional echo to the caller."""

    echo: Callable[[str], None] | None
    lines: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def __call__(self, message: str) -> None:
        self.lines.append(f"[{time.monotonic() - self.started:8.2f}s] {message}")
        if self.echo is not None:
            self.echo(message)


# ------------------------------------------------------------------ hashing

def _set_key(tree: dict[str, Any], key: str, value: Any) -> None:
    """Set ``corpus.path`` / ``lexicons[0].path`` / ``validation[0].sheets[1]`` in a nested dict."""
    node: Any = tree
    parts = key.replace("]", "").replace("[", ".").split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = value


def plan_run(config: Config, *, runs_dir: Path | str = "runs", hashes: HashCache | None = None) -> RunPlan:
    """Hash the inputs and the resolved config; return where the run goes.

    The run hash covers ``config.identity()`` with every input path
    replaced by ``sha256:<content hash>``, the hash of each bundled
    lexicon file and framing's version.
    """
    hashes = hashes or HashCache()
    identity = config.identity()
    inputs: dict[str, dict[str, Any]] = {}
    for key, path in config.input_paths():
        digest, size = path_sha256(path, hashes)
        inputs[key] = {"path": path.as_posix(), "sha256": digest, "bytes": size}
        _set_key(identity, key, f"sha256:{digest}")
    lexicons: dict[str, dict[str, Any]] = {}
    for i, lex in enumerate(config.lexicons):
        if lex.path is None:
            lexicons[lex.id] = {"source": f"bundled:{lex.name}", "sha256": sha256_bytes(bundled_lexicon_bytes(lex.name))}
        else:
            lexicons[lex.id] = {"source": lex.path.as_posix(), "sha256": inputs[f"lexicons[{i}].path"]["sha256"]}
    hashed = {"config": identity, "lexicons": {k: v["sha256"] for k, v in lexicons.items()}, "framing": __version__}
    run_hash = sha256_bytes(canonical_bytes(hashed))[:16]
    run_dir = Path(runs_dir) / config.name / run_hash
    return RunPlan(run_hash=run_hash, run_dir=run_dir, identity=hashed, inputs=inputs, lexicons=lexicons)


# ------------------------------------------------------------------ environment

def _packages() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git(folder: Path) -> dict[str, Any] | None:
    """Commit and dirty flag of the git repository holding ``folder``, or
    None when it is not inside one (or git is not installed)."""
    try:
        commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10)
        if commit.returncode != 0:
            return None
        status = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def _environment(config: Config) -> dict[str, Any]:
    """Python, platform and package versions; with
    ``preprocessing.segmentation = "jieba"`` also jieba's version (its
    bundled dictionary decides the tokens) under ``packages``; with
    ``runtime.engine = "dask"`` dask's and distributed's (of this process;
    the workers need the same framing version); with a classifier's
    ``embeddings``, the versions of the package that ships the model's
    weights, sentence-transformers, transformers and torch.  ``quotes``:
    which implementation of the quote rules ran, ``"compiled"`` or
    ``"python"`` (:data:`framing.quotes.COMPILED`; the same results
    either way, so the run hash does not include it)."""
    packages = _packages()
    if config.preprocessing.segmentation == "jieba":
        packages["jieba"] = _package_version("jieba")
    if config.runtime.engine == "dask":
        packages["dask"] = _package_version("dask")
        packages["distributed"] = _package_version("distributed")
    for model in sorted({entry.embeddings for entry in config.classifiers if entry.embeddings}):
        for name in (EMBEDDING_MODELS[model][1], "sentence-transformers", "transformers", "torch"):
            packages[name] = _package_version(name)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": packages,
        "quotes": "compiled" if QUOTES_COMPILED else "python",
    }


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


# ------------------------------------------------------------------ the run

def _cache_root(config: Config, runs_dir: Path) -> Path | None:
    if not config.runtime.cache:
        return None
    return config.runtime.cache_dir if config.runtime.cache_dir is not None else runs_dir / ".cache"


def run(config: Config, *, runs_dir: Path | str = "runs", command: Sequence[str] = (), force: bool = False,
        use_cache: bool = True, echo: Callable[[str], None] | None = None, progress: Callable[[str, int], Any] | None = None) -> RunResult:
    """Run an experiment and write its run folder.

    Parameters
    ----------
    config : Config
        A validated config (:func:`framing.experiment.config.load_config`).
    runs_dir : path
        The folder that holds ``<name>/<run_hash>/`` run folders.
    command : sequence of str
        The command line recorded in the manifest.
    force : bool
        Rebuild an existing run folder even if it verifies (or when it
        does not).
    use_cache : bool
        False computes every stage afresh whatever ``runtime.cache`` says
        (:func:`reproduce` uses this).
    echo : callable, optional
        Receives one line per stage (the CLI prints them on stderr).
    progress : callable, optional
        ``progress(label, total)`` returns a callable taking the number of
        documents done and having a ``close()`` method (a progress bar).

    Returns
    -------
    RunResult

    Raises
    ------
    RunError
        If the run folder exists but does not match its manifest (and
        ``force`` is false), or when a stage fails (the message names the
        stage and the config entry).
    """
    started = time.monotonic()
    if config.preprocessing.segmentation != "char":
        try:  # before any work: a missing segmenter is found at once
            segmenter_version(config.preprocessing.segmentation)
        except ImportError as err:
            raise ImportError(f"preprocessing.segmentation = {config.preprocessing.segmentation!r}: {err}") from err
    try:  # a Dask engine without dask installed is found at once (no cluster is started here)
        engine = ChunkEngine(config.runtime.engine, scheduler=config.runtime.scheduler, n_workers=config.runtime.n_jobs)
    except ImportError as err:
        raise ImportError(f"runtime.engine = {config.runtime.engine!r}: {err}") from err
    runs_dir = check_runs_dir(runs_dir)
    cache_root = _cache_root(config, runs_dir) if use_cache else None
    hashes = HashCache(cache_root / "file-hashes.json" if cache_root is not None else None)
    plan = plan_run(config, runs_dir=runs_dir, hashes=hashes)
    log = _Log(echo)
    remove_stale_staging(plan.run_dir.parent, log=log)
    status = "created"
    if plan.run_dir.exists():
        checked = _check_existing(plan.run_dir)
        if not force:
            if not checked.ok:
                raise RunError(f"{plan.run_dir} exists but does not match its manifest — it was changed after the "
                               "run:\n" + "\n".join(f"  {p}" for p in checked.problems)
                               + "\nmove it away, or re-run with --force to rebuild it")
            return RunResult(run_dir=plan.run_dir, run_hash=plan.run_hash, status="reused",
                             outputs=tuple(sorted(read_manifest(plan.run_dir)["outputs"])),
                             seconds=time.monotonic() - started)
        status = "rebuilt"
    log(f"run {config.name} → {plan.run_dir}")
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{plan.run_hash}-", dir=_mkdir(plan.run_dir.parent)))
    try:
        _claim(staging)
        cache = StageCache(cache_root)
        stages = Stages(config, plan=plan, cache=cache, log=log, progress=progress, engine=engine)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with engine:  # the local pool or Dask cluster, if one was started, is shut down after the stages
                    tables = stages.compute()
            except StageError as exc:
                raise RunError(f"{config.name}: stage failed: {exc}") from exc
            written = time.monotonic()
            outputs = write_outputs(tables, staging)
        timings = {**stages.timings, "outputs": time.monotonic() - written}
        messages = _warning_lines(caught)
        for message in messages:
            log(f"warning: {message}")
        hashes.save()
        seconds = time.monotonic() - started
        manifest = _manifest(config, plan, outputs, stages, command=command, cache=cache, seconds=seconds,
                             timings=timings, warnings_=messages)
        write_atomic(staging / "run.log", ("\n".join(log.lines) + "\n").encode("utf-8"))
        write_atomic(staging / "manifest.json", canonical_bytes(manifest))
        staging.chmod(default_mode(folder=True))
        (staging / _OWNER).unlink()
        if plan.run_dir.exists():
            shutil.rmtree(plan.run_dir)
        staging.rename(plan.run_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RunResult(run_dir=plan.run_dir, run_hash=plan.run_hash, status=status, outputs=tuple(sorted(outputs)),
                     warnings=tuple(messages), cache_hits=tuple(cache.hits), seconds=time.monotonic() - started)


STAGING_PREFIX = ".staging-"
_OWNER = ".owner.json"


def check_runs_dir(runs_dir: Path | str, *, name: str = "runs_dir") -> Path:
    """Check that ``runs_dir`` is, or can be made, a writable folder.

    Raises
    ------
    TypeError
        If it is not a str or path.
    RunError
        Naming ``name`` (``--runs-dir`` on the command line), the path and
        the problem: a file, a folder that cannot be written, or a path
        that cannot be created (the first existing part is a file or not
        writable).
    """
    if not isinstance(runs_dir, (str, os.PathLike)):
        raise TypeError(f"{name}: expected a str or path, got {type(runs_dir).__name__}")
    path = Path(runs_dir)
    if path.exists():
        if not path.is_dir():
            raise RunError(f"{name}: {path} is a file, not a folder of runs")
        if not os.access(path, os.W_OK | os.X_OK):
            raise RunError(f"{name}: cannot write in {path} (permission denied)")
        return path
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise RunError(f"{name}: cannot create {path}: {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RunError(f"{name}: cannot create {path}: cannot write in {parent} (permission denied)")
    return path


def _claim(staging: Path) -> None:
    """Record the process and host that own a staging folder."""
    owner = {"pid": os.getpid(), "host": platform.node(),
             "started_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    write_atomic(staging / _OWNER, canonical_bytes(owner))


def _owner_gone(owner: Any) -> str | None:
    """Why the owner of a staging folder is known to be gone, or None when
    it may still be running (or cannot be checked from here)."""
    if not isinstance(owner, dict):
        return None
    pid, host = owner.get("pid"), owner.get("host")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0 or host != platform.node():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f"its run (pid {pid} on {host}) is gone"
    except OSError:  # e.g. PermissionError: the process exists, under another user
        return None
    return None


def remove_stale_staging(folder: Path | str, *, log: Callable[[str], None] | None = None) -> list[Path]:
    """Remove the staging folders of killed runs from one run name's folder.

    A run builds in ``<runs_dir>/<name>/.staging-<hash>-*`` and records its
    process id and host there; a run killed before it finished (SIGKILL,
    power loss) leaves that folder behind.  A staging folder is removed only
    when its record names this host and a process id that no longer exists
    (``os.kill(pid, 0)``); a folder of a live run, of another host, or
    without a readable record is left alone (and logged).

    Returns
    -------
    list of Path
        The folders removed.
    """
    folder = Path(folder)
    say = log or (lambda message: None)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for child in sorted(folder.iterdir()):
        if not child.name.startswith(STAGING_PREFIX) or not child.is_dir() or child.is_symlink():
            continue
        try:
            owner = json.loads((child / _OWNER).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            say(f"left {child}: no readable owner record ({_OWNER}); remove it by hand if no run is using it")
            continue
        reason = _owner_gone(owner)
        if reason is None:
            say(f"left {child}: its run (pid {owner.get('pid') if isinstance(owner, dict) else '?'} on "
                f"{owner.get('host') if isinstance(owner, dict) else '?'}) may still be running")
            continue
        shutil.rmtree(child, ignore_errors=True)
        if child.exists():
            say(f"could not remove the stale staging folder {child} ({reason})")
            continue
        removed.append(child)
        say(f"removed the stale staging folder {child}: {reason}")
    return removed


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_existing(run_dir: Path) -> VerifyResult:
    """Verify an existing run folder; a folder without a manifest (left by
    something else) is never taken over."""
    if not (run_dir / "manifest.json").is_file():
        raise RunError(f"{run_dir} exists but holds no manifest.json: it is not a finished framing run; "
                       "move it away and run again")
    return verify_run(run_dir)


def _warning_lines(caught: list[warnings.WarningMessage]) -> list[str]:
    seen: dict[str, None] = {}
    for item in caught:
        seen.setdefault(f"{item.category.__name__}: {item.message}", None)
    return list(seen)


def _manifest(config: Config, plan: RunPlan, outputs: dict[str, str], stages: Stages, *, command: Sequence[str],
              cache: StageCache, seconds: float, timings: dict[str, float], warnings_: list[str]) -> dict[str, Any]:
    folder = config.source.parent if config.source is not None else Path.cwd()
    return {
        "manifest_schema": MANIFEST_SCHEMA,
        "name": config.name,
        "run_hash": plan.run_hash,
        "framing_version": __version__,
        "config_file": config.source.as_posix() if config.source is not None else None,
        "inputs": plan.inputs,
        "lexicons": plan.lexicons,
        "outputs": dict(sorted(outputs.items())),
        "seeds": dict(sorted(stages.seeds.items())),
        "seed_scheme": SEED_SCHEME,
        "environment": _environment(config),
        "git": _git(folder),
        "command": list(command),
        "warnings": warnings_,
        "unchecked_files": list(_UNCHECKED_FILES),
        "unchecked": {
            "note": "timings, host and cache use: informative, not part of any check",
            "finished_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "seconds": round(seconds, 3),
            "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
            "host": platform.node(),
            "runtime": config.to_dict()["runtime"],
            "cache_hits": sorted(set(cache.hits)),
            "cache_misses": sorted(set(cache.misses)),
        },
    }


# ------------------------------------------------------------------ verify / reproduce

def verify(run_dir: Path | str, *, inputs: bool = False) -> VerifyResult:
    """Re-hash a run folder against its manifest (see
    :func:`framing.experiment.store.verify_run`)."""
    return verify_run(Path(run_dir), inputs=inputs)


def reproduce(run_dir: Path | str, *, overrides: Sequence[tuple[str, Any]] = (), keep: bool = False,
              echo: Callable[[str], None] | None = None) -> ReproduceResult:
    """Re-run a run folder's recorded config and compare every output.

    Parameters
    ----------
    run_dir : path
        A finished run folder.
    overrides : sequence of (key, value)
        Applied to the recorded config first, e.g. ``("corpus.path", ...)``
        when the data moved (input paths do not enter the run hash, their
        content does).
    keep : bool
        Keep the re-run folder even when it is identical (it is always
        kept when it differs, for inspection).

    Returns
    -------
    ReproduceResult
    """
    from .config import apply_overrides

    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    if not manifest.get("run_hash"):
        raise ValueError(f"{run_dir / 'manifest.json'}: no run_hash; not the manifest of a finished run")
    config_path = run_dir / "config.json"
    try:
        raw = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{config_path}: cannot read the recorded config ({exc})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{config_path}: the recorded config must be a JSON object, got {type(raw).__name__}")
    raw = apply_overrides(raw, list(overrides), file=str(config_path))
    config = config_from_dict(raw, source=config_path, base_dir=run_dir)
    scratch = Path(tempfile.mkdtemp(prefix="framing-reproduce-"))
    result = run(config, runs_dir=scratch, command=["reproduce", str(run_dir)], use_cache=False, echo=echo)
    rerun = read_manifest(result.run_dir)
    recorded, fresh = manifest["outputs"], rerun["outputs"]
    differences = []
    for rel in sorted(set(recorded) | set(fresh)):
        if rel not in fresh:
            differences.append(f"only in the recorded run: {rel}")
        elif rel not in recorded:
            differences.append(f"only in the re-run: {rel}")
        elif recorded[rel] != fresh[rel]:
            differences.append(f"differs: {rel}")
    if result.run_hash != manifest["run_hash"]:
        differences.insert(0, f"run hash {result.run_hash} differs from the recorded {manifest['run_hash']} "
                              "(inputs or config changed)")
    kept: Path | None = result.run_dir
    if not differences and not keep:
        shutil.rmtree(scratch, ignore_errors=True)
        kept = None
    return ReproduceResult(run_dir=run_dir, rerun_dir=kept, n_compared=len(set(recorded) | set(fresh)),
                           differences=tuple(differences))
