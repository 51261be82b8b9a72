"""The ``framing`` command line.

Exit status: 0 on success, 2 on a usage error (unknown option, missing
argument), 1 on a data error (unreadable corpus or lexicon, bad values);
messages go to stderr.  Progress bars go to stderr, only when stderr is a
terminal and ``--quiet`` is not given.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

import pandas as pd

from .. import __version__
from ..vocab import DEFAULTS, NORMALIZATIONS
from .common import Progress, corpus_options, parse_fields, read_corpus_args, show_report, write_table

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


def _cmd_score(args: argparse.Namespace) -> int:
    from ..corpus.readers import iter_documents
    from ..lexicon.files import load_lexicon
    from ..match.scoring import aggregate, score

    lexicon = load_lexicon(args.lexicon)
    progress = Progress(None, stream=sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    frame = None
    if args.by == "outlet":
        # stream: the corpus is never held in memory
        reports = []
        documents = iter_documents(
            args.corpus, fields=parse_fields(args.field), on_error=args.on_error,
            fallback_encoding=args.fallback_encoding, report=reports.append,
        )
        scores = score(documents, lexicon, normalize=args.normalize, voice=args.voice, part=args.part,
                       n_jobs=args.n_jobs, progress=progress)
        for report in reports:
            show_report(report)
    else:
        frame = read_corpus_args(args).frame
        progress.total = len(frame)
        scores = score(frame, lexicon, normalize=args.normalize, voice=args.voice, part=args.part,
                       n_jobs=args.n_jobs, progress=progress)
    progress.close()
    if args.output:
        write_table(scores, args.output)
    agg = aggregate(scores, by=args.by, corpus=frame)
    if args.by_output:
        write_table(agg, args.by_output)
    n_docs = scores["doc_id"].nunique()
    print(f"{lexicon.name} {lexicon.version} on {args.corpus}: {n_docs} documents")
    print(_outlet_table(agg))
    if args.output:
        print(f"per-document scores written to {args.output}")
    return 0


def _cmd_hits(args: argparse.Namespace) -> int:
    from ..lexicon.files import load_lexicon
    from ..match.scoring import hits

    lexicon = load_lexicon(args.lexicon)
    corpus = read_corpus_args(args)
    write_table(hits(corpus.frame, lexicon, part=args.part, voice=args.voice), args.output)
    return 0


def _cmd_kwic(args: argparse.Namespace) -> int:
    from ..lexicon.files import load_lexicon
    from ..match.scoring import kwic

    lexicon = load_lexicon(args.lexicon)
    corpus = read_corpus_args(args)
    lines = kwic(
        corpus.frame, lexicon, width=args.width, categories=args.category, part=args.part, voice=args.voice,
        limit=args.limit,
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

    p = sub.add_parser("score", help="score documents on lexicon categories and print rates per outlet",
                       description="Score every document on every lexicon category; print a per-outlet table.")
    corpus_options(p)
    p.add_argument("--normalize", choices=list(NORMALIZATIONS), default=DEFAULTS["normalize"],
                   help=f"denominator of the rate (default: {DEFAULTS['normalize']})")
    p.add_argument("--by", default=DEFAULTS["by"],
                   help="corpus column to aggregate by (default: outlet; the corpus is then streamed, "
                        "otherwise read into memory)")
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes (default: 1)")
    p.add_argument("--output", "-o", help="write per-document scores (.csv, .tsv or .parquet)")
    p.add_argument("--by-output", help="write the aggregated table (.csv, .tsv or .parquet)")
    p.set_defaults(func=_cmd_score)

    from .stats import register as register_stats

    register_stats(sub)

    from .classify import register as register_classify

    register_classify(sub)

    from .run import register as register_run

    register_run(sub)

    p = sub.add_parser("hits", help="list every hit with character offsets",
                       description="List every lexicon hit with offsets, sentence, voice and negation.")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
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
