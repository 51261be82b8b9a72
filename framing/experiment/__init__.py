"""Experiments: one TOML config → one verifiable run folder.

* :mod:`.config` — the config schema, overrides and sweeps.
* :mod:`.corpus` — the run's corpus (reader options, dedupe, filters).
* :mod:`.analyses` — config entries → statistics tables (the one wiring
  the command line uses too).
* :mod:`.classifiers` — ``[[classifiers]]`` entries → evaluation tables.
* :mod:`.stages` — each stage computed once, cached by content.
* :mod:`.outputs` — tables, figures and report sections of a run.
* :mod:`.store` — run folders, the stage cache, hashes and verification.
* :mod:`.runner` — :func:`run`, :func:`verify`, :func:`reproduce`.

This is the only package that composes stages and writes files.
"""

from __future__ import annotations

from .config import Config, ConfigError, load_config
from .runner import RunError, RunResult, reproduce, run, verify

__all__ = ["Config", "ConfigError", "RunError", "RunResult", "load_config", "reproduce", "run", "verify"]
