"""``framing compare`` and ``framing keyness``: comparing groups with valid inference.

Each command is one config entry run through the same code as ``framing
run``: its options become a ``[[comparisons]]`` / ``[[keyness]]`` entry
checked and completed by the config schema
(:func:`framing.experiment.config.comparison_entry`,
:func:`~framing.experiment.config.keyness_entry`; defaults from
:data:`framing.vocab.DEFAULTS`, errors name the option), then
:func:`framing.experiment.analyses.compute_comparison` /
:func:`~framing.experiment.analyses.compute_keyness` compute the tables.
``--seed`` is the root seed; the entry's ``random_state`` is
``derive_seed(seed, "comparisons", "comparison-1")`` (``"keyness",
"keyness-1"``), as the runner derives it for a config's first entry, so a
config with the same options and seed writes byte-identical tables.
``compare`` prints a readable table of effects with confidence intervals
and adjusted p-values and writes the full tables on request.

``--engine dask [--scheduler ADDRESS]``: the corpus is read here, cut into
chunks of :data:`framing.experiment.textstore.CHUNK_ROWS` documents, and
each chunk is scored (``compare``) or its terms counted (``keyness``) as a
Dask task with the runner's chunk functions
(:class:`framing.experiment.analyses.ChunkEngine`); the chunks' tables are
merged here in chunk order, so the tables equal those of ``--engine
local`` byte for byte.  Only the chunks' texts travel to the workers (no
shared file system needed); the statistics run here.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np
import pandas as pd

from ..check import check_int, check_number
from ..vocab import (
    CI_METHODS,
    ALTERNATIVES,
    CORRECTIONS,
    DEFAULTS,
    ENGINES,
    KEYNESS_COMPARISONS,
    KEYNESS_CONTINUITY,
    KEYNESS_METHODS,
    KEYNESS_PRIORS,
    KEYNESS_TESTS,
    KEYNESS_VARIANCES,
    UNMATCHED,
)
from .common import (CorpusStream, Progress, corpus_chunks, corpus_options, option_hints, print_warnings,
                     read_corpus_args, show_progress, write_table)

__all__ = ["COMPARE_OPTIONS", "KEYNESS_OPTIONS", "comparison_from_args", "format_comparison", "keyness_from_args",
           "register"]

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


def _methods(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [m.strip() for m in text.split(",") if m.strip()]


#: Config key -> the ``framing compare`` option that sets it (named in errors).
COMPARE_OPTIONS = {
    "by": "--by", "strata": "--strata", "pair_on": "--paired", "cluster": "--cluster", "reference": "--reference",
    "methods": "--methods", "effect": "--effect", "correction": "--correction", "alternative": "--alternative",
    "confidence": "--confidence", "n_resamples": "--n-resamples", "categories": "--category",
    "omnibus": "--no-omnibus", "unmatched": "--unmatched", "ci_method": "--ci-method",
}
#: Config key -> the ``framing keyness`` option that sets it.
KEYNESS_OPTIONS = {
    "by": "--by", "method": "--method", "comparison": "--comparison", "min_count": "--min-count",
    "min_docs": "--min-docs", "ngram_max": "--ngram", "prior": "--prior", "alpha": "--alpha-prior",
    "variance": "--variance", "test": "--test", "continuity": "--continuity", "correction": "--correction",
    "n_resamples": "--n-resamples", "top": "--top",
}


def comparison_from_args(args: argparse.Namespace):
    """The ``[[comparisons]]`` entry ``framing compare`` runs: its options
    checked and completed by the config schema
    (:func:`framing.experiment.config.comparison_entry`), so the command and
    a config's first comparison are the same analysis."""
    from ..experiment.config import comparison_entry

    return comparison_entry({
        "by": args.by, "strata": args.strata, "pair_on": args.paired, "cluster": args.cluster,
        "reference": args.reference, "methods": _methods(args.methods), "effect": args.effect,
        "correction": args.correction, "alternative": args.alternative, "confidence": args.confidence,
        "n_resamples": args.n_resamples, "categories": args.category, "omnibus": not args.no_omnibus,
        "unmatched": args.unmatched, "ci_method": args.ci_method,
    }, option_names=COMPARE_OPTIONS)


def keyness_from_args(args: argparse.Namespace):
    """The ``[[keyness]]`` entry ``framing keyness`` runs
    (:func:`framing.experiment.config.keyness_entry`)."""
    from ..experiment.config import keyness_entry

    return keyness_entry({
        "by": args.by, "method": args.method, "comparison": args.comparison, "min_count": args.min_count,
        "min_docs": args.min_docs, "ngram_max": args.ngram, "prior": args.prior, "alpha": args.alpha_prior,
        "variance": args.variance, "test": args.test, "continuity": args.continuity, "correction": args.correction,
        "n_resamples": args.n_resamples, "top": args.top,
    }, option_names=KEYNESS_OPTIONS)


def _engine(args: argparse.Namespace, *, n_workers: int = 1):
    """The :class:`~framing.experiment.analyses.ChunkEngine` of ``--engine``
    / ``--scheduler`` (a local cluster of ``n_workers`` without a scheduler)."""
    from ..experiment.analyses import ChunkEngine

    if args.scheduler is not None and args.engine != "dask":
        raise ValueError(f"--scheduler: only used with --engine dask, got --engine {args.engine}")
    try:
        return ChunkEngine(args.engine, scheduler=args.scheduler, n_workers=n_workers)
    except ImportError as err:
        raise ImportError(f"--engine {args.engine}: {err}") from err


def _engine_options(p: argparse.ArgumentParser, work: str, workers: str) -> None:
    """``--engine`` and ``--scheduler`` (read back by :func:`_engine`)."""
    p.add_argument("--engine", choices=ENGINES, default=DEFAULTS["engine"],
                   help=f"where chunks of the corpus are {work}: here (local, default) or as Dask tasks (dask; needs "
                        "framing-toolkit[dask]); the tables are the same")
    p.add_argument("--scheduler", metavar="ADDRESS", default=DEFAULTS["scheduler"],
                   help=f"Dask scheduler address for --engine dask, e.g. tcp://host:8786 (default: a local cluster"
                        f"{workers})")


def _frame_chunks(frame: pd.DataFrame, columns: list[str]):
    """``frame[columns]`` in chunks of the runner's text-store size, in order."""
    from ..experiment.textstore import CHUNK_ROWS

    for start in range(0, len(frame), CHUNK_ROWS):
        yield frame.iloc[start:start + CHUNK_ROWS][columns].reset_index(drop=True)


def _drop_small_groups(frame: pd.DataFrame, by: str, min_docs: int | None, *,
                       columns: list[str] | None = None) -> pd.DataFrame:
    """``--min-docs N``: leave out the groups of ``by`` with fewer than N
    documents, saying which on stderr (the config's equivalent for outlets
    is ``[corpus] min_docs`` with ``drop_small_outlets = true``).
    ``columns``: the corpus's columns named in errors (default: the
    frame's; a metadata table's corpus also has the text parts)."""
    if min_docs is None:
        return frame
    min_docs = check_int("--min-docs", min_docs, low=1)
    if by not in frame.columns:
        named = frame.columns if columns is None else columns
        raise ValueError(f"--by {by}: not a column of the corpus; columns: {', '.join(map(str, named))}")
    sizes = frame[by].astype(str).value_counts()
    small = sizes[sizes < min_docs].sort_index()
    if small.empty:
        return frame
    kept = frame[~frame[by].astype(str).isin(set(small.index))].reset_index(drop=True)
    if kept.empty:
        raise ValueError(f"--min-docs {min_docs}: every group of {by!r} has fewer documents; nothing is left to compare")
    listed = ", ".join(f"{g} ({n})" for g, n in list(small.items())[:10]) + (" …" if len(small) > 10 else "")
    print(f"--min-docs {min_docs}: left out {len(small)} group(s) of {by!r} with fewer documents "
          f"({int(small.sum())} documents): {listed}", file=sys.stderr)
    return kept


def _stream_scores(args: argparse.Namespace, lexicon, entry, options: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``framing compare``'s scores and corpus table, reading the corpus
    as a stream (:class:`~framing.cli.common.CorpusStream`): the scores
    of every document, then those of the groups ``--min-docs`` keeps, and
    the metadata table of the kept documents (no text parts).  Equal to
    scoring ``_drop_small_groups(read_corpus_args(args).frame, ...)``;
    a grouping column missing from the corpus raises the error
    :func:`~framing.experiment.analyses.compute_comparison` gives, naming
    every column of the corpus."""
    from ..match.scoring import score

    progress = Progress(None, stream=sys.stderr, enabled=show_progress(args))
    with option_hints():
        stream = CorpusStream(args)
        scores = score(stream, lexicon, n_jobs=args.n_jobs, progress=progress, segmentation=args.segmentation,
                       **options)
    progress.close()
    stream.show_report()
    meta = stream.frame()
    frame = _drop_small_groups(meta, args.by, args.min_docs, columns=stream.columns)
    if frame is not meta:
        scores = scores[scores["doc_id"].isin(set(frame["doc_id"]))].reset_index(drop=True)
    for key, name in (("by", entry.by), ("strata", entry.strata), ("pair_on", entry.pair_on),
                      ("cluster", entry.cluster)):
        if name and name not in frame.columns:
            raise ValueError(f"{key}: no column {name!r} in the corpus; columns: {', '.join(map(str, stream.columns))}")
    return scores, frame


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..experiment.analyses import comparison_table_names, compute_comparison
    from ..experiment.textstore import TEXT_COLUMNS, concat_rows
    from ..lexicon.files import load_lexicon
    from ..match.matcher import compile_lexicon
    from ..match.scoring import score
    from ..seeds import derive_seed
    from ..stats import SmallGroupError

    check_number("--alpha", args.alpha, low=0, high=1, low_open=True, high_open=True)
    seed = check_int("--seed", args.seed, low=0)
    entry = comparison_from_args(args)
    if args.omnibus_output and "omnibus" not in comparison_table_names(entry):
        raise ValueError(f"--omnibus-output: there is no omnibus table "
                         f"{'with --paired' if entry.pair_on else 'with --no-omnibus'}; leave the option out")
    engine = _engine(args, n_workers=args.n_jobs)
    lexicon = load_lexicon(args.lexicon)
    options = dict(normalize=DEFAULTS["normalize"], voice=args.voice, part=args.part)
    named = [entry.by, entry.strata, entry.pair_on, entry.cluster]
    if engine.local and not any(name in TEXT_COLUMNS for name in named if name):
        # stream (issue 13): score the documents as they are read, keeping their metadata, never the texts
        scores, frame = _stream_scores(args, lexicon, entry, options)
    else:  # a text part as a grouping column, or Dask: the whole corpus in memory
        frame = _drop_small_groups(read_corpus_args(args).frame, args.by, args.min_docs)
        progress = Progress(len(frame), stream=sys.stderr, enabled=show_progress(args))
        if engine.local:
            scores = score(frame, lexicon, n_jobs=args.n_jobs, progress=progress, segmentation=args.segmentation,
                           **options)
        else:  # one Dask task per chunk, merged in corpus order
            with engine:
                matcher = compile_lexicon(lexicon, segmentation=args.segmentation)
                columns = ["doc_id", "outlet", *([args.part] if args.part in frame.columns else [])]
                tables = []
                for table in engine.map(score, _frame_chunks(frame, columns), matcher, n_jobs=1, progress=False,
                                        **options):
                    tables.append(table)
                    progress(table["doc_id"].nunique())
                scores = concat_rows(tables) if tables else score(frame, matcher, progress=False, **options)
        progress.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tables = compute_comparison(entry, scores, frame, random_state=derive_seed(seed, "comparisons", entry.id))
        except SmallGroupError as exc:
            if args.min_docs is not None:
                raise
            raise ValueError(f"{exc}; leave such groups out with --min-docs N (e.g. --min-docs {exc.needed})") from exc
    print_warnings(caught)
    summary, result, tests = tables["summary"], tables["pairs"], tables.get("omnibus")
    if args.output:
        write_table(result, args.output)
    if args.summary_output:
        write_table(summary, args.summary_output)
    if args.omnibus_output:
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


def _read_words(path: str | None) -> list[str] | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            return [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    except UnicodeDecodeError as exc:
        raise ValueError(f"--stop-words {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _read_metadata(args: argparse.Namespace) -> tuple[CorpusStream, pd.DataFrame]:
    """The corpus read as a stream for its metadata table (no text
    parts; :class:`~framing.cli.common.CorpusStream`), with the read's
    progress bar and report as :func:`~framing.cli.common.read_corpus_args`."""
    progress = Progress(None, stream=sys.stderr, enabled=show_progress(args), label="reading")
    with option_hints():
        stream = CorpusStream(args)
        for _ in stream:
            progress(1)
    progress.close()
    stream.show_report()
    return stream, stream.frame()


def _cmd_keyness(args: argparse.Namespace) -> int:
    from ..experiment.analyses import compute_keyness
    from ..experiment.textstore import TEXT_COLUMNS
    from ..seeds import derive_seed

    seed = check_int("--seed", args.seed, low=0)
    entry = keyness_from_args(args)
    engine = _engine(args)
    stream = None
    if engine.local and args.by not in TEXT_COLUMNS:
        # two reads of the corpus as a stream (issue 13): its metadata, then the counted part chunk by chunk
        stream, frame = _read_metadata(args)
        first = frame["doc_id"].tolist()  # the second read must see the same documents
        columns = stream.columns
    else:  # Dask tasks get chunks of the table; a text part as the groups: the whole corpus in memory
        frame = read_corpus_args(args).frame
        columns = list(frame.columns)
    if args.by not in frame.columns:
        raise ValueError(f"--by {args.by}: not a column of the corpus; it has {sorted(columns)}")
    if args.groups:
        wanted = [g.strip() for g in args.groups.split(",") if g.strip()]
        present = sorted(frame[args.by].dropna().astype(str).unique())
        missing = [g for g in wanted if g not in present]
        if missing:
            raise ValueError(f"--groups: {missing} not found in column {args.by!r}; it holds {present[:20]}")
        frame = frame[frame[args.by].astype(str).isin(wanted)].reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chunked = {}
        if stream is not None:  # the terms counted per chunk of the second read, merged here
            kept = None if len(frame) == stream.n_documents else set(frame["doc_id"])
            chunked = {"chunks": lambda: corpus_chunks(args, args.part, kept, expected=first), "engine": engine}
        elif not engine.local:  # the terms counted per chunk as Dask tasks, merged here
            columns = ["doc_id", *([args.part] if args.part in frame.columns else [])]
            chunked = {"chunks": lambda: _frame_chunks(frame, columns), "engine": engine}
        with engine:
            result = compute_keyness(entry, frame, part=args.part, random_state=derive_seed(seed, "keyness", entry.id),
                                     stop_words=_read_words(args.stop_words), alpha0=args.alpha0,
                                     segmentation=args.segmentation, **chunked)
    print_warnings(caught)
    if args.output:
        write_table(result, args.output)
    unit = result["unit"].iloc[0] if len(result) else ""
    print(f"{args.corpus}: {len(frame)} documents, {result['term'].nunique()} terms "
          f"(min_count={entry.min_count}, min_docs={entry.min_docs}); method {entry.method}"
          + (f" ({entry.test})" if entry.method == "document" else ""))
    if unit == "token":
        print("unit: token — descriptive ranking only; tokens of one article are not independent draws. "
              "For claims use --method document.")
    for (a, b), sub in result.groupby(["group_a", "group_b"], sort=True):
        score = sub["statistic"].where(sub["statistic"].notna(), sub["estimate"])
        for label, part in ((a, sub[score > 0]), (b, sub[score < 0])):
            top = part.head(entry.top)
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


def _keyness_correction(text: str) -> str:
    """``--correction`` of ``framing keyness``: a continuity correction
    there is an earlier version's spelling, refused with a pointer to --continuity."""
    if text in KEYNESS_CONTINUITY and text not in CORRECTIONS:
        raise argparse.ArgumentTypeError(f"{text!r} is a continuity correction, now set with --continuity {text}; "
                                         f"--correction is the multiple-comparison correction "
                                         f"({', '.join(CORRECTIONS)})")
    return text


class _Renamed(argparse.Action):
    """An option of an earlier version: refused with the new name."""

    def __init__(self, option_strings, dest, *, new: str, **kwargs) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.new = new

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        parser.error(f"{option_string} was renamed to {self.new} (the multiple-comparison correction); "
                     "the chi2/g2 continuity correction, formerly --correction, is now --continuity")


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
    p.add_argument("--by", default=DEFAULTS["by"], help=f"grouping column of the corpus (default: {DEFAULTS['by']})")
    p.add_argument("--cluster", help="unit of inference for classes of outlets, e.g. --by outlet_group --cluster outlet")
    p.add_argument("--strata", help="compare within strata of this column, e.g. story_id or topic")
    p.add_argument("--paired", metavar="COLUMN", help="paired same-story differences on this column, e.g. story_id")
    p.add_argument("--unmatched", choices=UNMATCHED, default=DEFAULTS["unmatched"],
                   help="strata/stories covered by only one group of a pair: stop (default) or drop them")
    p.add_argument("--reference", help="compare every group with this one instead of all pairs")
    p.add_argument("--methods", help="comma-separated tests (default: permutation,welch; with --strata: "
                                     "permutation; with --paired: sign_flip,wilcoxon); the first is printed")
    p.add_argument("--effect", default=DEFAULTS["effect"],
                   help=f"effect size per row (default: {DEFAULTS['effect']}): rate_difference, rate_ratio, cohens_d, "
                        "hedges_g, cliffs_delta (with --paired: rate_difference, rate_ratio, cohens_dz)")
    p.add_argument("--correction", choices=CORRECTIONS, default=DEFAULTS["correction"],
                   help=f"multiple-comparison correction across categories x pairs (default: {DEFAULTS['correction']})")
    p.add_argument("--alternative", choices=ALTERNATIVES, default=DEFAULTS["alternative"],
                   help=f"alternative hypothesis of the tests (default: {DEFAULTS['alternative']})")
    p.add_argument("--confidence", type=float, default=DEFAULTS["confidence"],
                   help=f"confidence level of the intervals (default: {DEFAULTS['confidence']})")
    p.add_argument("--category", action="append", help="only these categories (repeatable)")
    p.add_argument("--n-resamples", type=int, default=DEFAULTS["n_resamples"],
                   help=f"permutations / bootstrap replicates, the summary's too (default: {DEFAULTS['n_resamples']})")
    p.add_argument("--ci-method", choices=list(CI_METHODS), default=DEFAULTS["ci_method"],
                   help="interval method of the summary and effects: auto (default: per statistic and unit, the "
                        "one closest to nominal coverage), percentile, bca, studentized or t")
    p.add_argument("--min-docs", type=int, default=None, metavar="N",
                   help="leave out groups of --by with fewer than N documents, listed on stderr (default: keep all)")
    p.add_argument("--no-omnibus", action="store_true",
                   help="skip the k-group omnibus tests (run by default, as in a config; never with --paired)")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"],
                   help=f"root random seed, as a config's seed (default: {DEFAULTS['seed']})")
    p.add_argument("--alpha", type=float, default=0.05, help="level for the * marks (default: 0.05)")
    p.add_argument("--show", type=int, default=_SHOW, help=f"rows to print at most (default: {_SHOW})")
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes for scoring (default: 1)")
    _engine_options(p, "scored", " of --n-jobs workers")
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
    corpus_options(p, voice=False)
    p.add_argument("--by", default=DEFAULTS["by"], help=f"grouping column (default: {DEFAULTS['by']})")
    p.add_argument("--groups", help="comma-separated groups to keep, e.g. --groups 'CNN,Fox News'")
    p.add_argument("--comparison", choices=KEYNESS_COMPARISONS, default=DEFAULTS["keyness_comparison"],
                   help="each group against all others (one_vs_rest, default), all pairs (pairwise) or each group "
                        "against the pooled corpus (vs_pooled, log_odds only)")
    p.add_argument("--method", choices=KEYNESS_METHODS, default=DEFAULTS["keyness_method"],
                   help="document (default) or a token-level statistic")
    p.add_argument("--test", choices=KEYNESS_TESTS, default=DEFAULTS["keyness_test"],
                   help=f"document-level test (default: {DEFAULTS['keyness_test']})")
    p.add_argument("--variance", choices=KEYNESS_VARIANCES, default=DEFAULTS["keyness_variance"],
                   help=f"log_odds variance (default: {DEFAULTS['keyness_variance']})")
    p.add_argument("--prior", choices=[x for x in KEYNESS_PRIORS if x != "background"],
                   default=DEFAULTS["keyness_prior"], help=f"log_odds prior (default: {DEFAULTS['keyness_prior']})")
    p.add_argument("--alpha-prior", type=float, default=DEFAULTS["keyness_alpha"],
                   help=f"uniform prior pseudo-count per term (default: {DEFAULTS['keyness_alpha']})")
    p.add_argument("--alpha0", type=float, default=None, help="total prior mass for --prior pooled")
    p.add_argument("--continuity", choices=KEYNESS_CONTINUITY, default=DEFAULTS["keyness_continuity"],
                   help=f"chi2/g2 continuity correction (default: {DEFAULTS['keyness_continuity']})")
    p.add_argument("--correction", type=_keyness_correction, choices=CORRECTIONS, default=DEFAULTS["correction"],
                   help=f"multiple-comparison correction across terms (default: {DEFAULTS['correction']})")
    p.add_argument("--p-adjust", action=_Renamed, new="--correction", help=argparse.SUPPRESS)
    p.add_argument("--min-count", type=int, required=True,
                   help="keep terms with at least this many occurrences in the corpus (explicit: no silent default)")
    p.add_argument("--min-docs", type=int, default=DEFAULTS["keyness_min_docs"],
                   help=f"keep terms in at least this many documents (default: {DEFAULTS['keyness_min_docs']})")
    p.add_argument("--ngram", type=int, default=DEFAULTS["keyness_ngram_max"],
                   help=f"longest n-gram, 1 to 3 (default: {DEFAULTS['keyness_ngram_max']})")
    p.add_argument("--stop-words", metavar="FILE", help="file of stop words, one per line (none by default)")
    p.add_argument("--top", type=int, default=DEFAULTS["keyness_top"],
                   help=f"terms to print per direction (default: {DEFAULTS['keyness_top']})")
    p.add_argument("--n-resamples", type=int, default=DEFAULTS["keyness_n_resamples"],
                   help=f"permutations for --test permutation (default: {DEFAULTS['keyness_n_resamples']})")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"],
                   help=f"root random seed, as a config's seed (default: {DEFAULTS['seed']})")
    _engine_options(p, "counted", "")
    p.add_argument("--output", "-o", help="write the full table (.csv, .tsv or .parquet)")
    p.set_defaults(func=_cmd_keyness)
