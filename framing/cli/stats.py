"""``framing compare`` and ``framing keyness``: comparing groups with valid inference.

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

from .common import Progress, corpus_options, read_corpus_args, write_table

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
    from ..lexicon.files import load_lexicon
    from ..match.scoring import score
    from ..stats.compare import compare, omnibus
    from ..stats.paired import paired
    from ..stats.summary import summarize

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


_TOKEN_METHODS = ("log_odds", "g2", "chi2", "log_ratio", "odds_ratio", "pct_diff")
_DOC_TESTS = ("welch", "mannwhitney", "permutation")


def _read_words(path: str | None) -> list[str] | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    except UnicodeDecodeError as exc:
        raise ValueError(f"--stop-words {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _cmd_keyness(args: argparse.Namespace) -> int:
    from ..stats.keyness import document_keyness, keyness, log_odds
    from ..match.terms import term_matrix

    if args.top < 1:
        raise ValueError(f"--top: expected a positive number of terms, got {args.top}")
    corpus = read_corpus_args(args)
    frame = corpus.frame
    if args.by not in frame.columns:
        raise ValueError(f"--by {args.by}: not a column of the corpus; it has {sorted(frame.columns)}")
    if args.groups:
        wanted = [g.strip() for g in args.groups.split(",") if g.strip()]
        present = sorted(frame[args.by].dropna().astype(str).unique())
        missing = [g for g in wanted if g not in present]
        if missing:
            raise ValueError(f"--groups: {missing} not found in column {args.by!r}; it holds {present[:20]}")
        frame = frame[frame[args.by].astype(str).isin(wanted)]
    matrix = term_matrix(
        frame,
        ngram_range=(1, args.ngram),
        min_count=args.min_count,
        min_docs=args.min_docs,
        stop_words=_read_words(args.stop_words),
        part=args.part,
    )
    groups = frame.set_index(frame["doc_id"].astype(str))[args.by].astype(str).reindex(list(matrix.doc_ids)).to_numpy()
    comparison = "one_vs_rest" if args.one_vs_rest else "pairwise"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if args.method == "document":
            result = document_keyness(matrix, groups, test=args.test, comparison=comparison,
                                      n_resamples=args.n_resamples, random_state=args.seed, p_adjust=args.p_adjust)
        elif args.method == "log_odds":
            result = log_odds(matrix, groups, comparison=comparison, prior=args.prior, alpha=args.alpha_prior,
                              alpha0=args.alpha0, variance=args.variance, p_adjust=args.p_adjust)
        else:
            result = keyness(matrix, groups, method=args.method, comparison=comparison, correction=args.correction,
                             p_adjust=args.p_adjust)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    if args.output:
        write_table(result, args.output)
    unit = result["unit"].iloc[0] if len(result) else ""
    print(f"{args.corpus}: {matrix.shape[0]} documents, {matrix.shape[1]} terms "
          f"(min_count={args.min_count}, min_docs={args.min_docs}); method {args.method}"
          + (f" ({args.test})" if args.method == "document" else ""))
    if unit == "token":
        print("unit: token — descriptive ranking only; tokens of one article are not independent draws. "
              "For claims use --method document.")
    for (a, b), sub in result.groupby(["group_a", "group_b"], sort=True):
        score = sub["statistic"].where(sub["statistic"].notna(), sub["estimate"])
        for label, part in ((a, sub[score > 0]), (b, sub[score < 0])):
            top = part.head(args.top)
            if top.empty:
                continue
            print(f"\n{a} vs {b}: terms more frequent in {label}")
            shown = pd.DataFrame({
                "term": top["term"],
                f"count {a}": top["count_a"],
                f"count {b}": top["count_b"],
                "estimate": top["estimate"].map(lambda v: "NA" if pd.isna(v) else f"{v:.3g}"),
                "statistic": top["statistic"].map(_number),
                "p_adj": top["p_adj"].map(_p),
            })
            print(shown.to_string(index=False))
    if args.output:
        print(f"\nkeyness table written to {args.output}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``compare`` and ``keyness`` sub-commands to the ``framing`` parser."""
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

    p = sub.add_parser(
        "keyness",
        help="which terms distinguish groups (document-level tests, or token-level descriptive statistics)",
        description=(
            "Rank the terms that distinguish groups of documents. The default, --method document, compares "
            "per-document relative frequencies (Welch t, BH across terms): valid for claims. Token-level "
            "methods (log_odds: Monroe et al. 2008; g2: Dunning 1993; chi2; log_ratio; odds_ratio; pct_diff) "
            "are descriptive."
        ),
    )
    corpus_options(p)
    p.add_argument("--by", default="outlet", help="grouping column (default: outlet)")
    p.add_argument("--groups", help="comma-separated groups to keep, e.g. --groups 'CNN,Fox News'")
    p.add_argument("--one-vs-rest", action="store_true", help="each group against all others instead of all pairs")
    p.add_argument("--method", choices=["document", *_TOKEN_METHODS], default="document",
                   help="document (default) or a token-level statistic")
    p.add_argument("--test", choices=list(_DOC_TESTS), default="welch", help="document-level test (default: welch)")
    p.add_argument("--variance", choices=["monroe", "full"], default="monroe", help="log_odds variance (default: monroe)")
    p.add_argument("--prior", choices=["uniform", "pooled"], default="uniform", help="log_odds prior (default: uniform)")
    p.add_argument("--alpha-prior", type=float, default=0.01, help="uniform prior pseudo-count per term (default: 0.01)")
    p.add_argument("--alpha0", type=float, default=None, help="total prior mass for --prior pooled")
    p.add_argument("--correction", choices=["none", "yates", "williams"], default="none",
                   help="chi2/g2 correction (default: none)")
    p.add_argument("--p-adjust", choices=["bh", "by", "holm", "bonferroni", "none"], default="bh",
                   help="multiple-comparison adjustment across terms (default: bh)")
    p.add_argument("--min-count", type=int, required=True,
                   help="keep terms with at least this many occurrences in the corpus (explicit: no silent default)")
    p.add_argument("--min-docs", type=int, default=1, help="keep terms in at least this many documents (default: 1)")
    p.add_argument("--ngram", type=int, default=1, choices=[1, 2, 3], help="longest n-gram (default: 1)")
    p.add_argument("--stop-words", metavar="FILE", help="file of stop words, one per line (none by default)")
    p.add_argument("--top", type=int, default=15, help="terms to print per direction (default: 15)")
    p.add_argument("--n-resamples", type=int, default=999, help="permutations for --test permutation")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--output", "-o", help="write the full table (.csv, .tsv or .parquet)")
    p.set_defaults(func=_cmd_keyness)
