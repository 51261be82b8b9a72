"""The ``framing`` command line.

Exit status: 0 on success, 2 on a usage error (unknown option, missing
argument), 1 on a data error (unreadable corpus or lexicon, bad values);
messages go to stderr.  Progress bars go to stderr, only when stderr is a
terminal and ``--quiet`` is not given.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Sequence, TextIO

import pandas as pd

from . import __version__

__all__ = ["main", "build_parser"]


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


def _fields(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(f"--field takes NAME=COLUMN (e.g. text=content_original), got {pair!r}")
        name, column = pair.split("=", 1)
        out[name.strip()] = column.strip()
    return out


def _read(args: argparse.Namespace):
    from .corpus import read_corpus

    corpus = read_corpus(
        args.corpus,
        fields=_fields(args.field),
        on_error=args.on_error,
        fallback_encoding=args.fallback_encoding,
    )
    _show_report(corpus.report)
    return corpus


def _write(frame: pd.DataFrame, output: str | None) -> None:
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


def _outlet_table(agg: pd.DataFrame) -> str:
    """A readable table of pooled rates: groups as columns when there are
    no more groups than categories (the usual outlet comparison), else
    groups as rows (e.g. 150 outlets)."""
    if agg.empty:
        return "(no documents scored)"
    categories = list(pd.unique(agg["category"]))
    wide = agg.pivot(index="group", columns="category", values="pooled_rate")[categories]
    rates = wide.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else f"{v:.2f}"))
    counts = agg.groupby("group", sort=True)[["n_docs", "tokens"]].max().rename(columns={"n_docs": "documents"})
    table = pd.concat([counts.astype(str), rates], axis=1)
    if len(table) <= len(categories):
        table = table.T
        table.columns.name = agg["by"].iloc[0]
    else:
        table.index.name = agg["by"].iloc[0]
    scale = {"per_1000_tokens": "hits per 1,000 tokens", "per_token": "hits per token", "raw": "hits"}[
        agg["denominator"].iloc[0]
    ]
    title = (
        f"Cue rates by {agg['by'].iloc[0]} (pooled {scale}; part={agg['part'].iloc[0]}, voice={agg['voice'].iloc[0]}). "
        "Descriptive: for inference compare per-document rates."
    )
    return title + "\n" + table.to_string()


def _show_report(report) -> None:
    if report.n_skipped or report.warnings or report.duplicates:
        print(report.summary(), file=sys.stderr)


def _cmd_score(args: argparse.Namespace) -> int:
    from .corpus import iter_documents
    from .lexicon_io import load_lexicon
    from .scoring import aggregate, score

    lexicon = load_lexicon(args.lexicon)
    progress = Progress(None, stream=sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    frame = None
    if args.by == "outlet":
        # stream: the corpus is never held in memory
        reports = []
        documents = iter_documents(
            args.corpus, fields=_fields(args.field), on_error=args.on_error,
            fallback_encoding=args.fallback_encoding, report=reports.append,
        )
        scores = score(documents, lexicon, normalize=args.normalize, voice=args.voice, part=args.part,
                       n_jobs=args.n_jobs, progress=progress)
        for report in reports:
            _show_report(report)
    else:
        frame = _read(args).frame
        progress.total = len(frame)
        scores = score(frame, lexicon, normalize=args.normalize, voice=args.voice, part=args.part,
                       n_jobs=args.n_jobs, progress=progress)
    progress.close()
    if args.output:
        _write(scores, args.output)
    agg = aggregate(scores, by=args.by, corpus=frame)
    if args.by_output:
        _write(agg, args.by_output)
    n_docs = scores["doc_id"].nunique()
    print(f"{lexicon.name} {lexicon.version} on {args.corpus}: {n_docs} documents")
    print(_outlet_table(agg))
    if args.output:
        print(f"per-document scores written to {args.output}")
    return 0


def _cmd_hits(args: argparse.Namespace) -> int:
    from .lexicon_io import load_lexicon
    from .scoring import hits

    lexicon = load_lexicon(args.lexicon)
    corpus = _read(args)
    _write(hits(corpus.frame, lexicon, part=args.part, voice=args.voice), args.output)
    return 0


def _cmd_kwic(args: argparse.Namespace) -> int:
    from .lexicon_io import load_lexicon
    from .scoring import kwic

    lexicon = load_lexicon(args.lexicon)
    corpus = _read(args)
    lines = kwic(
        corpus.frame, lexicon, width=args.width, categories=args.category, part=args.part, voice=args.voice,
        limit=args.limit,
    )
    if args.output:
        _write(lines, args.output)
        return 0
    for row in lines.itertuples(index=False):
        mark = " [negated]" if row.negated else ""
        quoted = " [quoted]" if row.voice == "quoted" else ""
        print(f"{row.doc_id:<24} {row.category:<18} {row.left:>{args.width}} [{row.match}] {row.right}{mark}{quoted}")
    return 0


def _cmd_lexicon_check(args: argparse.Namespace) -> int:
    from .lexicon_check import check_lexicon

    report = check_lexicon(args.file)
    print(report.summary())
    return 0


def _corpus_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus file or folder (.jsonl[.gz], .json, .csv, .tsv, .parquet, folder of .txt)")
    p.add_argument("--field", action="append", metavar="NAME=COLUMN",
                   help="map a framing field to a source column, e.g. --field text=content --field outlet=source")
    p.add_argument("--on-error", choices=["raise", "skip", "warn"], default="raise",
                   help="bad records: stop with an error (default) or skip them and report the count")
    p.add_argument("--fallback-encoding", default=None, metavar="ENC",
                   help="decode lines that are not UTF-8 with ENC (e.g. cp1252), with a warning")
    p.add_argument("--lexicon", default="framing-cues", help="bundled lexicon name or lexicon file (default: framing-cues)")
    p.add_argument("--part", choices=["text", "title", "captions", "boilerplate"], default="text",
                   help="which part of each document to score (default: the body text)")
    p.add_argument("--voice", choices=["all", "outlet", "quoted"], default="all",
                   help="score all tokens, only the outlet's own voice, or only quoted speech")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Measure and compare how news outlets frame events.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("score", help="score documents on lexicon categories and print rates per outlet",
                       description="Score every document on every lexicon category; print a per-outlet table.")
    _corpus_options(p)
    p.add_argument("--normalize", choices=["per_1000_tokens", "per_token", "raw"], default="per_1000_tokens",
                   help="denominator of the rate (default: per_1000_tokens)")
    p.add_argument("--by", default="outlet",
                   help="corpus column to aggregate by (default: outlet; the corpus is then streamed, "
                        "otherwise read into memory)")
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes (default: 1)")
    p.add_argument("--output", "-o", help="write per-document scores (.csv, .tsv or .parquet)")
    p.add_argument("--by-output", help="write the aggregated table (.csv, .tsv or .parquet)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("hits", help="list every hit with character offsets",
                       description="List every lexicon hit with offsets, sentence, voice and negation.")
    _corpus_options(p)
    p.add_argument("--output", "-o", help="output file (.csv, .tsv, .parquet); default: CSV on stdout")
    p.set_defaults(func=_cmd_hits)

    p = sub.add_parser("kwic", help="keyword-in-context lines for hits",
                       description="Print keyword-in-context lines for lexicon hits.")
    _corpus_options(p)
    p.add_argument("--category", action="append", help="only these categories (repeatable)")
    p.add_argument("--width", type=int, default=40, help="characters of context on each side (default: 40)")
    p.add_argument("--limit", type=int, default=None, help="at most this many lines per category")
    p.add_argument("--output", "-o", help="write the lines to a file instead of printing them")
    p.set_defaults(func=_cmd_kwic)

    p = sub.add_parser("lexicon", help="lexicon tools", description="Lexicon tools.")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    lsub.required = True
    c = lsub.add_parser("check", help="validate a lexicon file and summarise it",
                        description="Validate a lexicon file (.toml, .dic, .csv) and summarise it.")
    c.add_argument("file", help="lexicon file or bundled lexicon name")
    c.set_defaults(func=_cmd_lexicon_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "n_jobs", 1) is not None and getattr(args, "n_jobs", 1) < 1:
        parser.error("--n-jobs must be >= 1")
    try:
        return int(args.func(args))
    except (ValueError, OSError, ImportError) as exc:
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
