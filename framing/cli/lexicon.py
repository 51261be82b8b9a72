"""``framing lexicon sample|validate|evaluate``: the lexicon validation workflow.

1. ``sample`` draws a stratified random sample of a lexicon's hits (or of
   sentences with and without hits) into a coding sheet, optionally with
   an offline HTML coding page (:mod:`framing.lexicon.validate`,
   :mod:`framing.report.coding`).
2. ``validate`` reads one coded sheet per coder and writes precision,
   recall, agreement and disagreement tables (:mod:`framing.stats.validation`).
3. ``evaluate`` scores hits against span annotations, with word lists as
   baselines (:mod:`framing.stats.spans`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..vocab import DEFAULTS, PARTS, SPAN_DATASETS, VALIDATION_UNITS, VOICES
from .common import read_corpus_args, reader_options, segmentation_option, write_table

__all__ = ["register", "SPAN_FORMATS"]

#: Annotation layouts ``framing lexicon evaluate --format`` reads (:data:`framing.vocab.SPAN_DATASETS`).
SPAN_FORMATS: tuple[str, ...] = SPAN_DATASETS


def _cmd_sample(args: argparse.Namespace) -> int:
    from ..experiment.validation import draw_sample
    from ..lexicon.files import load_lexicon
    from ..match.scoring import hits
    from ..report.coding import coding_page

    if args.unit == "sentence" and args.per_entry is not None:
        raise ValueError("--per-entry: sentences are sampled per category; use --per-category with --unit sentence")
    lexicon = load_lexicon(args.lexicon)
    corpus = read_corpus_args(args)
    found = hits(corpus.frame, lexicon, part=args.part, voice=args.voice, segmentation=args.segmentation)
    sheet = draw_sample(found, corpus.frame, categories=lexicon.category_names, unit=args.unit,
                        per_category=args.per_category, per_entry=args.per_entry, by=args.by, part=args.part,
                        width=args.width, random_state=args.seed)
    write_table(sheet, args.output)
    strata = sheet.drop_duplicates("stratum")
    print(f"{lexicon.name} {lexicon.version} on {args.corpus}: {len(found)} hits; sampled {len(sheet)} "
          f"{args.unit}s from {len(strata)} strata (seed {args.seed}) into {args.output}")
    if args.html:
        page = coding_page(sheet, title=f"Validating {lexicon.name}: {Path(args.output).name}",
                           filename=Path(args.output).name)
        Path(args.html).write_text(page, encoding="utf-8")
        print(f"coding page written to {args.html} (open it in a browser; keys 1/0, arrows)")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from ..experiment.validation import validation_tables
    from ..lexicon.validate import read_sheet

    sheets = [read_sheet(path) for path in args.sheets]
    result = validation_tables(sheets, confidence=args.confidence, prune_below=args.prune_below,
                               n_resamples=args.n_resamples, random_state=args.seed)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in (("precision", result.precision), ("agreement", result.agreement),
                        ("disagreements", result.disagreements), ("recall", result.recall)):
        write_table(table, str(out / f"{name}.csv"))
        written.append(f"{name}.csv")
    print(result.summary())
    print(f"tables written to {out}: {', '.join(written)}")
    return 0


def _gold(args: argparse.Namespace):
    from ..experiment.validation import span_data

    return span_data(args.format, args.corpus, args.spans, annotations_name="--spans",
                     dataset_text=f"--format {args.format}")


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from ..experiment.validation import span_lexicons
    from ..lexicon.files import load_lexicon
    from ..stats.spans import evaluate_spans

    corpus, gold = _gold(args)
    lexicons: dict = {}
    for spec in args.lexicon or [DEFAULTS["lexicon"]]:
        lexicon = load_lexicon(spec)
        lexicons[lexicon.name] = lexicon
    lexicons = span_lexicons(lexicons, args.baseline or [], baselines_name="--baseline",
                             report=lambda message: print(message, file=sys.stderr))
    table = evaluate_spans(corpus, gold, lexicons, part=args.part, voice=args.voice, labels=args.label)
    if args.output:
        write_table(table, args.output)
    unmatched = gold.attrs.get("unmatched", 0)
    print(f"{len(corpus)} documents, {len(gold)} gold spans ({args.format}"
          f"{'; labels ' + ', '.join(args.label) if args.label else ''})"
          f"{f'; {unmatched} annotations not located and left out' if unmatched else ''}")
    shown = table[table["level"] == "token"]
    print("Token level (tokens overlapping a hit vs tokens overlapping a gold span; span level in the table):")
    print(shown[["lexicon", "category", "n_predicted", "tp_predicted", "precision", "recall", "f1"]]
          .to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.output:
        print(f"table written to {args.output}")
    return 0


def register(lexicon_actions: argparse._SubParsersAction) -> None:
    """Add ``sample``, ``validate`` and ``evaluate`` to ``framing lexicon``."""
    p = lexicon_actions.add_parser(
        "sample", help="draw a stratified random sample of hits (or sentences) into a coding sheet",
        description="Draw a stratified random sample of a lexicon's hits (or of sentences with and without "
                    "hits, for recall) into a CSV coding sheet with empty coder/correct/note columns.")
    reader_options(p)
    p.add_argument("--lexicon", default=DEFAULTS["lexicon"],
                   help=f"bundled lexicon name or lexicon file (default: {DEFAULTS['lexicon']})")
    p.add_argument("--part", choices=PARTS, default=DEFAULTS["part"], help="which part of each document")
    p.add_argument("--voice", choices=VOICES, default=DEFAULTS["voice"],
                   help=f"which hits are the population (default: {DEFAULTS['voice']}, as scored)")
    segmentation_option(p)
    size = p.add_mutually_exclusive_group()
    size.add_argument("--per-category", type=int, metavar="N",
                      help=f"units per category (default: {DEFAULTS['validation_per_category']})")
    size.add_argument("--per-entry", type=int, metavar="N", help="hits per entry")
    p.add_argument("--by", default=None, metavar="COLUMN", help="also stratify by this column (e.g. outlet)")
    p.add_argument("--unit", choices=VALIDATION_UNITS, default=DEFAULTS["validation_unit"],
                   help="sample hits (precision) or sentences with and without hits (recall); "
                        f"default: {DEFAULTS['validation_unit']}")
    p.add_argument("--width", type=int, default=DEFAULTS["validation_width"],
                   help=f"characters of context on each side (default: {DEFAULTS['validation_width']})")
    p.add_argument("--seed", type=int, required=True, help="seed of the draws (reproducible sample)")
    p.add_argument("--output", "-o", required=True, help="the sheet (.csv)")
    p.add_argument("--html", default=None, metavar="FILE", help="also write an offline coding page")
    p.set_defaults(func=_cmd_sample)

    p = lexicon_actions.add_parser(
        "validate", help="precision, recall and coder agreement from coded sheets",
        description="Read coded sheets (one per coder, same sample) and write precision per category and entry "
                    "(Wilson CIs, weighted by hit volume), recall for sentence samples, Krippendorff's alpha "
                    "and the disagreements; entries whose precision CI lies below --prune-below are flagged.")
    p.add_argument("sheets", nargs="+", metavar="SHEET", help="coded sheet(s), one per coder")
    p.add_argument("--output", "-o", required=True, metavar="DIR", help="folder for the tables")
    p.add_argument("--confidence", type=float, default=DEFAULTS["confidence"], help="interval coverage (0.95)")
    p.add_argument("--prune-below", type=float, default=DEFAULTS["validation_prune_below"],
                   help="flag entries whose precision CI upper bound is below this "
                        f"(default: {DEFAULTS['validation_prune_below']})")
    p.add_argument("--n-resamples", type=int, default=DEFAULTS["n_resamples"],
                   help=f"bootstrap resamples for alpha and recall (default: {DEFAULTS['n_resamples']})")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="seed of the resampling (default: 0)")
    p.set_defaults(func=_cmd_validate)

    p = lexicon_actions.add_parser(
        "evaluate", help="precision/recall/F1 of hits against span annotations, with word-list baselines",
        description="Token- and span-level precision, recall and F1 of lexicon hits against annotated spans "
                    "(BABE biased words, SemEval PTC spans, NewsWCL50 mentions), per category.")
    p.add_argument("corpus", help="BABE CSV, PTC articles folder or NewsWCL50 articles folder")
    p.add_argument("--format", choices=SPAN_FORMATS, required=True, help="the dataset's layout")
    p.add_argument("--spans", default=None, help="annotation file (PTC .labels, NewsWCL50 Annotations.csv)")
    p.add_argument("--lexicon", action="append", help=f"lexicon (repeatable; default: {DEFAULTS['lexicon']})")
    p.add_argument("--baseline", action="append", metavar="FILE",
                   help="a word list (one term a line) run as a one-category baseline (repeatable)")
    p.add_argument("--label", action="append", help="only gold spans with this label (repeatable)")
    p.add_argument("--part", choices=PARTS, default=DEFAULTS["part"], help="which part of each document")
    p.add_argument("--voice", choices=VOICES, default=DEFAULTS["span_voice"],
                   help=f"which hits count (default: {DEFAULTS['span_voice']})")
    p.add_argument("--output", "-o", default=None, help="write the table (.csv, .tsv, .parquet)")
    p.set_defaults(func=_cmd_evaluate)
