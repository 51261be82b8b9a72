"""The ``framing`` command line.

Exit status: 0 on success, 2 on a usage error (unknown option, missing
argument), 1 on a data error (unreadable corpus or lexicon, bad values);
messages go to stderr.  Progress bars go to stderr, only when stderr is a
terminal and ``--quiet`` is not given.  When the reader of the output
goes away (``framing hits ... | head``) the command stops quietly with
status 0.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Callable, Sequence

import pandas as pd

from .. import __version__
from ..vocab import DEFAULTS, ENGINES, NORMALIZATIONS
from .common import (Progress, corpus_options, one_line_warnings, option_hints, read_corpus_args, reader_kwargs,
                     show_report, write_table)

#: Columns ``framing hits`` adds after :data:`framing.match.HIT_COLUMNS`
#: when the corpus is a ``.txt`` article or a folder of ``.txt`` files.
FILE_COLUMNS: tuple[str, ...] = ("file", "file_start", "file_end")

__all__ = ["main", "build_parser"]


def _outlet_table(agg: pd.DataFrame) -> str:
    """A readable table of pooled rates: groups as columns when there are
    no more groups than categories (the usual outlet comparison), else
    groups as rows (e.g. 150 outlets)."""
    if agg.empty:
        return "(no documents scored)"
    categories = list(pd.unique(agg["category"]))
    wide = agg.pivot(index="group", columns="category", values="pooled_rate")[categories]
    rates = wide.apply(lambda col: col.map(lambda v: "" if pd.isna(v) else f"{v:.2f}"))
    counts = agg.groupby("group", sort=True, dropna=False)[["n_docs", "tokens"]].max()
    counts = counts.rename(columns={"n_docs": "documents"})
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


def _cmd_score(args: argparse.Namespace) -> int:
    """``framing score``: constant-memory streaming by any ``--by`` column
    (:func:`framing.match.engine.score_files`: workers read their own
    parts of a JSONL or Parquet corpus; other formats are read in the main process;
    ``--engine`` default ``DEFAULTS["engine"]``, as for compare and
    keyness).  The rows file is the same whatever ``--by``."""
    from ..lexicon.files import load_lexicon
    from ..match.engine import check_by, score_files

    check_by(args.by, "--by")
    if args.scheduler is not None and args.engine != "dask":
        raise ValueError("--scheduler: only used with --engine dask")
    lexicon = load_lexicon(args.lexicon)
    progress = Progress(None, stream=sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    reports = []
    try:
        with option_hints():
            agg = score_files(args.corpus, lexicon, normalize=args.normalize, voice=args.voice, part=args.part,
                              engine=args.engine, n_jobs=args.n_jobs, scheduler=args.scheduler,
                              read_in=args.read_in or "auto", output=args.output, progress=progress,
                              report=reports.append, segmentation=args.segmentation, by=args.by,
                              **reader_kwargs(args))
    except ValueError as err:
        if str(err).startswith("by: "):  # the column's values (found while reading), named as on the command line
            raise ValueError(f"--{err}") from None
        raise
    progress.close()
    for report in reports:
        show_report(report)
    if args.by_output:
        write_table(agg, args.by_output)
    # documents with tokens: each group has one row per category
    n_docs = int(agg.loc[agg["category"] == agg["category"].iloc[0], "n_docs"].sum()) if len(agg) else 0
    n_kept = sum(report.n_kept for report in reports)
    print(f"{lexicon.name} {lexicon.version} on {args.corpus}: {n_kept} documents, {n_docs} with tokens")
    print(_outlet_table(agg))
    if args.output:
        print(f"per-document scores written to {args.output}")
    return 0


def _text_files(args: argparse.Namespace) -> Path | None:
    """The .txt article or folder of .txt files the corpus is, else None."""
    path = Path(args.corpus)
    if path.is_dir():
        return path
    name = path.name.lower().removesuffix(".gz")
    if args.format == "txt" or (args.format is None and name.endswith(".txt")):
        return path
    return None


def _span_map(raw: str, text: str) -> Callable[[int, int], tuple[int, int] | None] | None:
    """Map spans of a document's ``text`` to the file's ``raw`` text: the
    raw-article parse (body paragraphs), or the whole file with its line
    ends normalised; None when ``text`` is neither."""
    from ..corpus.rawtext import RawArticleError, parse_raw_article

    try:
        article = parse_raw_article(raw)
    except RawArticleError:
        article = None
    if article is not None and article.body == text:
        return article.source_span
    if raw.replace("\r\n", "\n").replace("\r", "\n") != text:
        return None
    # the i-th removed "\r" (of a "\r\n") sat before position shifts[i] of the normalised text
    shifts = [m.start() - i for i, m in enumerate(re.finditer("\r\n", raw))]

    def span(start: int, end: int) -> tuple[int, int]:
        return start + bisect.bisect_right(shifts, start), end + bisect.bisect_left(shifts, end)

    return span


def _with_file_offsets(table: pd.DataFrame, frame: pd.DataFrame, root: Path, args: argparse.Namespace) -> pd.DataFrame:
    """Add :data:`FILE_COLUMNS`: the file of each hit's document and the
    hit's offsets into that file's text (see ``framing hits --help``)."""
    from ..corpus.readers import read_text_file

    texts = dict(zip(frame["doc_id"], frame["text"]))
    files: dict[str, str | None] = {}
    maps: dict[str, Callable[[int, int], tuple[int, int] | None] | None] = {}
    for doc_id in pd.unique(table["doc_id"]):
        path = root / f"{doc_id}.txt" if root.is_dir() else root
        if args.part != "text" or not path.is_file():
            files[doc_id], maps[doc_id] = None, None
            continue
        with warnings.catch_warnings():  # a fallback decoding was already reported by the read
            warnings.simplefilter("ignore")
            raw = read_text_file(path, fallback_encoding=args.fallback_encoding)
        files[doc_id], maps[doc_id] = str(path), _span_map(raw, texts[doc_id])
    spans = [
        None if maps[d] is None else maps[d](int(s), int(e))
        for d, s, e in zip(table["doc_id"], table["start"], table["end"])
    ]
    out = table.copy()
    out["file"] = [files[d] if span is not None else None for d, span in zip(table["doc_id"], spans)]
    out["file_start"] = pd.array([None if span is None else span[0] for span in spans], dtype="Int64")
    out["file_end"] = pd.array([None if span is None else span[1] for span in spans], dtype="Int64")
    return out


def _cmd_hits(args: argparse.Namespace) -> int:
    from ..lexicon.files import load_lexicon
    from ..match.scoring import hits

    lexicon = load_lexicon(args.lexicon)
    corpus = read_corpus_args(args)
    table = hits(corpus.frame, lexicon, part=args.part, voice=args.voice, segmentation=args.segmentation)
    root = _text_files(args)
    if root is not None:
        table = _with_file_offsets(table, corpus.frame, root, args)
    write_table(table, args.output)
    return 0


def _cmd_kwic(args: argparse.Namespace) -> int:
    from ..lexicon.files import load_lexicon
    from ..match.scoring import kwic

    lexicon = load_lexicon(args.lexicon)
    corpus = read_corpus_args(args)
    lines = kwic(
        corpus.frame, lexicon, width=args.width, categories=args.category, part=args.part, voice=args.voice,
        limit=args.limit, segmentation=args.segmentation,
    )
    if args.output:
        write_table(lines, args.output)
        return 0
    for row in lines.itertuples(index=False):
        mark = " [negated]" if row.negated else ""
        quoted = " [quoted]" if row.voice == "quoted" else ""
        print(f"{row.doc_id:<24} {row.category:<18} {row.left:>{args.width}} [{row.match}] {row.right}{mark}{quoted}")
    return 0


def _cmd_lexicon_check(args: argparse.Namespace) -> int:
    from ..lexicon.check import check_lexicon

    report = check_lexicon(args.file)
    print(report.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framing", description="Measure and compare how news outlets frame events.")
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("score", help="score documents on lexicon categories and print rates per outlet (or --by group)",
                       description="Score every document on every lexicon category; print a table per outlet (or "
                                   "per --by group).")
    corpus_options(p)
    p.add_argument("--normalize", choices=list(NORMALIZATIONS), default=DEFAULTS["normalize"],
                   help=f"denominator of the rate (default: {DEFAULTS['normalize']})")
    p.add_argument("--by", default=DEFAULTS["by"], metavar="COLUMN",
                   help="corpus column to aggregate by: outlet (default), doc_id, a metadata field (date, genre, "
                        "story_id, topic, lang, url, a --field mapped one) or any other key of the records (e.g. "
                        "bias, outlet_group); not the text parts nor authors/tags; the corpus is streamed in "
                        "constant memory whatever the column")
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes (default: 1)")
    p.add_argument("--output", "-o", help="write per-document scores (.csv, .tsv or .parquet)")
    p.add_argument("--by-output", help="write the aggregated table (.csv, .tsv or .parquet)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULTS["engine"],
                   help="where the corpus is scored, streamed in constant memory: local worker processes "
                        "(--n-jobs) or a Dask cluster; the workers read their own parts of a JSONL or Parquet corpus "
                        "(a .jsonl file is cut into byte ranges, a .jsonl.gz file is one part: shard a large corpus "
                        "into several .jsonl.gz files and pass a quoted pattern such as 'shards/*.jsonl.gz'; a "
                        ".parquet file is cut into whole row groups); "
                        f"other formats are read by the main process (default: {DEFAULTS['engine']})")
    p.add_argument("--read-in", choices=["workers", "main", "auto"], default=None,
                   help="who reads the corpus (workers: each its own parts; main: the main process "
                        "parses every record and ships the texts, for clusters without a shared file system; "
                        "default auto: the workers, unless there are fewer parts than --n-jobs, e.g. one .jsonl.gz "
                        "file, when the main process reads)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler address for --engine dask, e.g. tcp://host:8786 (default: a local cluster)")
    p.set_defaults(func=_cmd_score)

    from .stats import register as register_stats

    register_stats(sub)

    from .classify import register as register_classify

    register_classify(sub)

    from .run import register as register_run

    register_run(sub)

    p = sub.add_parser(
        "hits", help="list every hit with character offsets",
        description="List every lexicon hit with offsets, sentence, voice and negation.  Columns: doc_id, outlet, "
                    "part, category, entry, matched_text, start, end (character offsets into the document's text, "
                    "for a raw article its body), sentence, voice, negated, weight.  When the corpus is a .txt "
                    "article or a folder of .txt files, three more columns: file, file_start, file_end -- the "
                    "hit's offsets into the file's text (as open(file, encoding='utf-8-sig', newline='').read() "
                    "gives it: byte-order mark removed, line ends kept), empty where no mapping exists (--part "
                    "other than text, or a document whose text is not the file's).")
    corpus_options(p, voice="all")
    p.add_argument("--output", "-o", help="output file (.csv, .tsv, .parquet); default: CSV on stdout")
    p.set_defaults(func=_cmd_hits)

    p = sub.add_parser("kwic", help="keyword-in-context lines for hits",
                       description="Print keyword-in-context lines for lexicon hits.")
    corpus_options(p, voice="all")
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
    from .lexicon import register as register_lexicon

    register_lexicon(lsub)
    return parser


def _drop_stdout() -> None:
    """After the reader of stdout went away: point stdout at the null
    device so that the final flush at exit does not fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (e.g. captured in tests): nothing is flushed at exit
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if getattr(args, "n_jobs", 1) is not None and getattr(args, "n_jobs", 1) < 1:
        parser.error("--n-jobs must be >= 1")
    try:
        with one_line_warnings():
            status = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        _drop_stdout()
        return 0
    except (ValueError, OSError, ImportError) as exc:
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
