"""``framing run``, ``framing verify`` and ``framing reproduce``.

Registered on the ``framing`` command by :mod:`framing.cli`.  Exit status:
0 on success (``verify``: every file matches; ``reproduce``: every output
byte-identical), 1 on a data or config error or a mismatch (the details on
stderr), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..vocab import ENGINES
from .common import Progress

__all__ = ["SWEEP_LIMIT", "register"]

SWEEP_LIMIT = 50
"""``framing run`` refuses more sweep points than this unless ``--yes`` is given."""


def _echo(args: argparse.Namespace):
    if args.quiet:
        return None
    return lambda message: print(message, file=sys.stderr, flush=True)


def _progress(args: argparse.Namespace):
    if args.quiet or not sys.stderr.isatty():
        return None
    return lambda label, total: Progress(total, stream=sys.stderr, enabled=True, label=label)


def _cmd_run(args: argparse.Namespace) -> int:
    from ..experiment.config import apply_overrides, config_from_dict, expand_sweeps, parse_assignment, read_toml
    from ..experiment.runner import check_runs_dir, run

    path = Path(args.config)
    raw = read_toml(path)
    assignments = [parse_assignment(text) for text in args.set or []]
    # --engine / --scheduler: [runtime] engine / scheduler, after any --set
    assignments += [(f"runtime.{name}", value) for name, value in (("engine", args.engine),
                                                                   ("scheduler", args.scheduler)) if value is not None]
    raw = apply_overrides(raw, assignments, file=str(path))
    points = expand_sweeps(raw, args.sweep or [], file=str(path), max_points=None if args.yes else SWEEP_LIMIT)
    check_runs_dir(args.runs_dir, name="--runs-dir")
    configs = [(point, config_from_dict(tree, source=path.resolve(), base_dir=path.resolve().parent))
               for point, tree in points]  # every point is validated before anything runs
    command = ["framing", *(args.argv or [])]
    for point, config in configs:
        if point:
            label = ", ".join(f"{k}={v!r}" for k, v in point.items())
            print(f"sweep point: {label}", file=sys.stderr)
        result = run(config, runs_dir=args.runs_dir, command=command, force=args.force, echo=_echo(args),
                     progress=_progress(args))
        for message in result.warnings:
            print(f"warning: {message}", file=sys.stderr)
        print(result.summary())
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from ..experiment.runner import verify

    result = verify(args.run_dir, inputs=args.inputs)
    print(result.summary(), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from ..experiment.config import parse_assignment
    from ..experiment.runner import reproduce

    overrides = [parse_assignment(text) for text in args.set or []]
    result = reproduce(args.run_dir, overrides=overrides, keep=args.keep, echo=_echo(args))
    print(result.summary(), file=sys.stdout if result.identical else sys.stderr)
    return 0 if result.identical else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add the run, verify and reproduce sub-commands."""
    p = sub.add_parser(
        "run", help="run an experiment config into a verifiable run folder",
        description="Run the experiment described by a TOML config. Output goes to RUNS_DIR/<name>/<hash>/ "
                    "(tables, figures, report.html, manifest.json); an existing identical run is reused.")
    p.add_argument("config", help="experiment config (.toml)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a config value, e.g. --set comparisons.0.n_resamples=999 (TOML literal; "
                        "a bare word is a string); repeatable")
    p.add_argument("--sweep", action="append", metavar="KEY=[V1,V2]",
                   help="run once per value, e.g. --sweep 'comparisons.0.n_resamples=[999,4999]'; "
                        "several sweeps give every combination")
    p.add_argument("--yes", action="store_true",
                   help=f"confirm a sweep of more than {SWEEP_LIMIT} points (refused without it)")
    p.add_argument("--runs-dir", default="runs", help="folder of run folders (default: ./runs)")
    p.add_argument("--force", action="store_true", help="rebuild the run folder even if it exists")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="where the per-chunk work of scores, hits and keyness counts runs: local or dask "
                        "(default: the config's [runtime] engine, else local); the outputs are the same")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler address with --engine dask, e.g. tcp://host:8786 (default: the config's "
                        "[runtime] scheduler, else a local cluster of runtime.n_jobs workers)")
    p.add_argument("--quiet", "-q", action="store_true", help="no stage messages or progress bars")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("verify", help="re-hash a run folder against its manifest",
                       description="Check every file of a run folder against the SHA-256 in its manifest.")
    p.add_argument("run_dir", help="a run folder (holds manifest.json)")
    p.add_argument("--inputs", action="store_true", help="also re-hash the recorded input files")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("reproduce", help="re-run a run folder's recorded config and compare every output",
                       description="Re-run the config recorded in RUN_DIR/config.json in a scratch folder and "
                                   "report every output that differs.")
    p.add_argument("run_dir", help="a run folder (holds manifest.json and config.json)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a recorded value, e.g. --set corpus.path=/new/place/data.jsonl")
    p.add_argument("--keep", action="store_true", help="keep the re-run folder even when identical")
    p.add_argument("--quiet", "-q", action="store_true", help="no stage messages")
    p.set_defaults(func=_cmd_reproduce)

