"""Pieces shared by the ``framing`` sub-commands: progress bar, corpus
options, reading a corpus and writing a table.

Kept apart from :mod:`framing.cli` so that sub-command modules
(:mod:`framing.cli.stats`, :mod:`framing.cli.classify`) can use them
without importing the top-level parser.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence, TextIO

import pandas as pd

from ..vocab import DEFAULTS, ON_ERROR, PARTS, VOICES

__all__ = ["Progress", "corpus_options", "read_corpus_args", "write_table", "show_report", "parse_fields", "reader_options"]


class Progress:
    """A minimal progress bar on a stream (no dependency)."""

    def __init__(self, total: int | None, *, stream: TextIO, enabled: bool, label: str = "scoring") -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled
        self.label = label
        self.done = 0
        self.started = time.monotonic()

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            frac = min(self.done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            msg = f"\r{self.label} [{bar:<30}] {self.done}/{self.total} docs  {rate:,.0f} docs/s"
        else:
            msg = f"\r{self.label} {self.done} docs  {rate:,.0f} docs/s"
        self.stream.write(msg)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def parse_fields(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(f"--field takes NAME=COLUMN (e.g. text=content_original), got {pair!r}")
        name, column = pair.split("=", 1)
        out[name.strip()] = column.strip()
    return out


def read_corpus_args(args: argparse.Namespace):
    from ..corpus.readers import read_corpus

    corpus = read_corpus(
        args.corpus,
        fields=parse_fields(args.field),
        on_error=args.on_error,
        fallback_encoding=args.fallback_encoding,
    )
    show_report(corpus.report)
    return corpus


def write_table(frame: pd.DataFrame, output: str | None) -> None:
    if output is None:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    path = Path(output)
    if path.suffix == ".parquet":
        try:
            frame.to_parquet(path, index=False)
        except ImportError as exc:
            raise ValueError(
                f"writing {output}: Parquet output needs pyarrow (pip install 'framing-toolkit[parquet]')"
            ) from exc
    elif path.suffix in (".csv", ".tsv"):
        frame.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",", lineterminator="\n")
    else:
        raise ValueError(f"--output {output}: use a .csv, .tsv or .parquet file name")


def show_report(report) -> None:
    if report.n_skipped or report.warnings or report.duplicates:
        print(report.summary(), file=sys.stderr)


def reader_options(p: argparse.ArgumentParser, *, positional: str = "corpus") -> None:
    """The corpus argument and the reader options (field map, bad records,
    fallback encoding) every command that reads a corpus takes."""
    p.add_argument(positional, metavar=positional.upper() if positional != "corpus" else None,
                   help="corpus file or folder (.jsonl[.gz], .json, .csv, .tsv, .parquet, folder of .txt)")
    p.add_argument("--field", action="append", metavar="NAME=COLUMN",
                   help="map a framing field to a source column, e.g. --field text=content --field outlet=source")
    p.add_argument("--on-error", choices=ON_ERROR, default=DEFAULTS["on_error"],
                   help="bad records: stop with an error (default) or skip them and report the count")
    p.add_argument("--fallback-encoding", default=None, metavar="ENC",
                   help="decode lines that are not UTF-8 with ENC (e.g. cp1252), with a warning")


def corpus_options(p: argparse.ArgumentParser, *, voice: str | bool = DEFAULTS["voice"]) -> None:
    """The reader options, ``--lexicon``, ``--part``, ``--voice`` (default
    ``voice``, the config's ``preprocessing.voice`` unless a command lists
    hits of every voice; ``False``: no ``--voice``) and ``--quiet``."""
    reader_options(p)
    p.add_argument("--lexicon", default=DEFAULTS["lexicon"],
                   help=f"bundled lexicon name or lexicon file (default: {DEFAULTS['lexicon']})")
    p.add_argument("--part", choices=PARTS, default=DEFAULTS["part"],
                   help=f"which part of each document to use (default: {DEFAULTS['part']})")
    if voice:
        p.add_argument("--voice", choices=VOICES, default=voice,
                       help=f"all tokens, only the outlet's own voice (outside quotes), or only quoted speech "
                            f"(default: {voice})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
