"""Experiments: one TOML config → one verifiable run folder.

* :mod:`.config` — the config schema, overrides and sweeps.
* :mod:`.corpus` — the run's corpus (reader options, dedupe, filters).
* :mod:`.analyses` — config entries → statistics tables (the one wiring
  the command line uses too).
* :mod:`.classifiers` — ``[[classifiers]]`` entries → evaluation tables.
* :mod:`.stages` — each stage computed once, cached by content; returns
  every table of a run (the compute side).
* :mod:`.outputs`, :mod:`.sections` — tables, figures and the report of a
  run from the tables they are handed (the rendering side).
* :mod:`.helpers` — ``slug``, ``present``, ``new_figure``,
  ``passage_documents`` (both sides).
* :mod:`.store` — run folders, the stage cache, hashes and verification.
* :mod:`.textstore` — the corpus texts on disk in chunks (a run keeps
  only the metadata in memory; issue 13).
* :mod:`.runner` — :func:`run`, :func:`verify`, :func:`reproduce`.

This is the only package that composes stages and writes files.
"""

from __future__ import annotations

from .config import Config, ConfigError, load_config
from .runner import RunError, RunResult, reproduce, run, verify

__all__ = ["Config", "ConfigError", "RunError", "RunResult", "load_config", "reproduce", "run", "verify"]
