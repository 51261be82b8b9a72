"""``framing compare``: score a corpus and compare groups with valid inference.

The command scores every document, then compares per-document cue rates
between groups (:func:`framing.stats.compare.compare`, or
:func:`framing.stats.paired.paired` with ``--paired``), prints a
readable table of effects with confidence intervals and adjusted
p-values, and writes the full result tables on request.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np
import pandas as pd

from .cli_common import Progress, corpus_options, read_corpus_args, write_table

__all__ = ["register", "format_comparison"]

_EFFECT_LABELS = {
    "rate_difference": "difference",
    "rate_ratio": "ratio",
    "cohens_d": "Cohen's d",
    "hedges_g": "Hedges' g",
    "cliffs_delta": "Cliff's delta",
    "cohens_dz": "Cohen's d_z",
}
_SHOW = 60


def _number(value: float) -> str:
    if pd.isna(value):
        return "NA"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.2f}" if abs(value) < 1000 else f"{value:.3g}"


def _p(value: float) -> str:
    if pd.isna(value):
        return "NA"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def format_comparison(result: pd.DataFrame, *, alpha: float = 0.05, show: int = _SHOW) -> str:
    """A readable table of one method's comparison rows.

    Rows are in the result's order (category, then pair) when there are at
    most ``show`` of them, else the ``show`` smallest adjusted p-values.
    """
    if result.empty:
        return "(no comparisons)"
    first = result.iloc[0]
    effect = _EFFECT_LABELS.get(first["effect"], first["effect"])
    rows = result
    note = ""
    if len(rows) > show:
        rows = rows.sort_values(["p_adj", "category", "group_a", "group_b"], kind="mergesort").head(show)
        note = f"\n... {len(result) - show} more rows (smallest adjusted p-values shown); write them all with --output"
    level = int(round(100 * first["confidence"]))
    table = pd.DataFrame(
        {
            "category": rows["category"],
            "group_a": rows["group_a"],
            "group_b": rows["group_b"],
            "rate_a": rows["rate_a"].map(_number),
            "rate_b": rows["rate_b"].map(_number),
            f"{effect} [{level}% CI]": [
                f"{_number(e)} [{_number(lo)}, {_number(hi)}]"
                for e, lo, hi in zip(rows["estimate"], rows["ci_low"], rows["ci_high"])
            ],
            "p": rows["p_value"].map(_p),
            "p_adj": rows["p_adj"].map(_p),
            "": np.where(rows["p_adj"] < alpha, "*", ""),
        }
    )
    return table.to_string(index=False) + note


def _methods(text: str | None, default: tuple[str, ...]) -> list[str]:
    if not text:
        return list(default)
    return [m.strip() for m in text.split(",") if m.strip()]


def _cmd_compare(args: argparse.Namespace) -> int:
    from .lexicon_io import load_lexicon
    from .scoring import score
    from .stats.compare import compare, omnibus
    from .stats.paired import paired
    from .stats.summary import summarize

    if not 0 < args.alpha < 1:
        raise ValueError(f"--alpha: expected a level between 0 and 1 (e.g. 0.05), got {args.alpha}")
    lexicon = load_lexicon(args.lexicon)
    corpus = read_corpus_args(args)
    frame = corpus.frame
    progress = Progress(len(frame), stream=sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    scores = score(frame, lexicon, part=args.part, voice=args.voice, n_jobs=args.n_jobs, progress=progress)
    progress.close()
    categories = args.category or None
    common = dict(by=args.by, corpus=frame, categories=categories, random_state=args.seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        summary = summarize(scores, cluster=args.cluster, n_resamples=min(args.n_resamples, 2000), **common)
        if args.paired:
            result = paired(
                scores,
                pair_on=args.paired,
                methods=_methods(args.methods, ("sign_flip", "wilcoxon")),
                effect=args.effect,
                pairs="reference" if args.reference else "all",
                reference=args.reference,
                unmatched=args.unmatched,
                correction=args.correction,
                n_resamples=args.n_resamples,
                **common,
            )
            tests = None
        else:
            result = compare(
                scores,
                methods=_methods(args.methods, ("permutation", "welch")),
                effect=args.effect,
                pairs="reference" if args.reference else "all",
                reference=args.reference,
                cluster=args.cluster,
                strata=args.strata,
                unmatched=args.unmatched,
                correction=args.correction,
                n_resamples=args.n_resamples,
                **common,
            )
            tests = None
            if summary["group"].nunique() > 2:
                tests = omnibus(
                    scores,
                    cluster=args.cluster,
                    strata=args.strata,
                    methods=["permutation"] if args.strata else ["permutation", "kruskal"],
                    correction=args.correction,
                    n_resamples=args.n_resamples,
                    **common,
                )
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    if args.output:
        write_table(result, args.output)
    if args.summary_output:
        write_table(summary, args.summary_output)
    if args.omnibus_output and tests is not None:
        write_table(tests, args.omnibus_output)

    n_groups = summary["group"].nunique()
    print(f"{lexicon.name} {lexicon.version} on {args.corpus}: {scores['doc_id'].nunique()} documents, "
          f"{n_groups} groups by {args.by}")
    level = int(round(100 * summary["confidence"].iloc[0]))
    rates = summary.assign(
        cell=[f"{_number(m)} [{_number(lo)}, {_number(hi)}]" for m, lo, hi in zip(summary.mean_rate, summary.mean_low, summary.mean_high)]
    ).pivot(index="category", columns="group", values="cell")
    rates = rates.loc[list(pd.unique(summary["category"]))]
    rates.columns.name = args.by
    if tests is not None:
        perm = tests[tests["method"] == "permutation"].set_index("category")
        rates["omnibus p_adj"] = perm["p_adj"].reindex(rates.index).map(_p)
    unit = "outlets (cluster means)" if args.cluster else "documents"
    print(f"\nMean per-document rate per 1,000 tokens [{level}% bootstrap CI], unit: {unit}")
    if tests is not None:
        print("omnibus p_adj: do the groups differ at all? (permutation test across all groups, "
              f"{tests['correction'].iloc[0]} across categories)")
    print(rates.to_string())
    primary = result["method"].iloc[0] if len(result) else ""
    shown = result[result["method"] == primary]
    first = shown.iloc[0] if len(shown) else None
    if first is not None:
        where = f", within {first['strata']} strata" if first["strata"] and not args.paired else ""
        where += f", paired on {args.paired}" if args.paired else ""
        print(
            f"\nPairwise comparisons ({primary} test{where}; {first['n_resamples']} resamples; "
            f"p_adj: {first['correction']} across {len(shown)} comparisons; * p_adj < {args.alpha})"
        )
        print(format_comparison(shown, alpha=args.alpha, show=args.show))
        others = [m for m in pd.unique(result["method"]) if m != primary]
        if others:
            print(f"(also computed: {', '.join(others)}; see --output)")
    if args.output:
        print(f"comparison table written to {args.output}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` sub-command to the ``framing`` parser."""
    p = sub.add_parser(
        "compare",
        help="compare cue rates between outlets (or any grouping) with CIs and adjusted p-values",
        description=(
            "Score a corpus and compare per-document cue rates between groups: effect sizes with bootstrap "
            "confidence intervals, permutation / Welch / Mann-Whitney tests, Benjamini-Hochberg adjusted "
            "p-values. Documents are the unit of inference; with --cluster, outlets are."
        ),
    )
    corpus_options(p)
    p.add_argument("--by", default="outlet", help="grouping column of the corpus (default: outlet)")
    p.add_argument("--cluster", help="unit of inference for classes of outlets, e.g. --by outlet_group --cluster outlet")
    p.add_argument("--strata", help="compare within strata of this column, e.g. story_id or topic")
    p.add_argument("--paired", metavar="COLUMN", help="paired same-story differences on this column, e.g. story_id")
    p.add_argument("--unmatched", choices=["error", "drop"], default="error",
                   help="strata/stories covered by only one group of a pair: stop (default) or drop them")
    p.add_argument("--reference", help="compare every group with this one instead of all pairs")
    p.add_argument("--methods", help="comma-separated tests (default: permutation,welch; "
                                     "with --paired: sign_flip,wilcoxon); the first is printed")
    p.add_argument("--effect", default="rate_difference",
                   help="effect size per row: rate_difference (default), rate_ratio, cohens_d, hedges_g, cliffs_delta"
                        " (with --paired: rate_difference, rate_ratio, cohens_dz)")
    p.add_argument("--correction", choices=["bh", "by", "holm", "bonferroni", "none"], default="bh",
                   help="multiple-comparison correction across categories x pairs (default: bh)")
    p.add_argument("--category", action="append", help="only these categories (repeatable)")
    p.add_argument("--n-resamples", type=int, default=4999, help="permutations / bootstrap replicates (default: 4999)")
    p.add_argument("--seed", type=int, default=0, help="root random seed (default: 0)")
    p.add_argument("--alpha", type=float, default=0.05, help="level for the * marks (default: 0.05)")
    p.add_argument("--show", type=int, default=_SHOW, help=f"rows to print at most (default: {_SHOW})")
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes for scoring (default: 1)")
    p.add_argument("--output", "-o", help="write the full comparison table (.csv, .tsv or .parquet)")
    p.add_argument("--summary-output", help="write per-group rates with CIs")
    p.add_argument("--omnibus-output", help="write the k-group omnibus tests")
    p.set_defaults(func=_cmd_compare)
