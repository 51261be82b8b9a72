"""Report sections of a run: each renders the tables it is handed.

Every builder takes a writer ``w`` (:class:`framing.experiment.outputs.Writer`:
``w.table(name, frame, title, note=..., shown=...)`` writes a table's files
and returns its report block, ``w.figure(name, fig, title, caption=...)``
writes a figure's files and returns its block, or None when the run writes
no figures) and one result of :class:`framing.experiment.stages.Stages`;
none computes a statistic.  Table and figure names are stable:
``tables/<name>.csv`` (and ``.parquet`` when asked),
``figures/<name>.<png|svg|pdf>``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from .classifiers import CLASSIFIER_TABLES
from .frame_section import frames_section
from .helpers import new_figure, present, slug

if TYPE_CHECKING:
    from .config import ComparisonConfig, PreprocessingConfig
    from .stages import ClassifierResult, ComparisonResult, KeynessResult, LexiconResult

__all__ = ["MAX_OUTLETS_PER_FIGURE", "classifier_section", "comparison_section", "design_text", "keyness_section",
           "lexicon_section"]

_MAX_TIMESERIES_PANELS = 12
#: Per-outlet figures are drawn up to this many outlets (the tables always hold all).
MAX_OUTLETS_PER_FIGURE = 30


def lexicon_section(w: Any, result: LexiconResult, preprocessing: PreprocessingConfig):
    """The cue rates of one lexicon: its summary and scores tables, the
    rates and composition figures."""
    from ..report.figures import plot_composition, rates_figure
    from ..report.html import Section, TextBlock

    lex_id, summary, scores, pre = result.id, result.summary, result.scores, preprocessing
    n_outlets = summary["group"].nunique()
    blocks: list[Any] = [
        w.table(f"summary-{lex_id}", summary, f"Cue rates per outlet ({lex_id})",
                note=f"Mean per-document and pooled rates ({summary['denominator'].iloc[0]}) with bootstrap CIs "
                     f"over documents; part = {pre.part}, voice = {pre.voice}."),
    ]
    if n_outlets <= MAX_OUTLETS_PER_FIGURE:
        blocks.append(w.figure(f"rates-{lex_id}", rates_figure(summary), f"Cue rates by outlet ({lex_id})",
                               caption="Mean per-document rate with its bootstrap confidence interval, per category."))
        fig = new_figure(8, 0.5 * n_outlets + 2)
        plot_composition(summary, ax=fig.add_subplot())
        blocks.append(w.figure(f"composition-{lex_id}", fig, f"Category composition by outlet ({lex_id})",
                               caption="Share of each outlet's cue hits that falls in each category."))
    else:
        blocks.append(TextBlock(title="Figures", text=(
            f"{n_outlets} outlets are more than a per-outlet figure can show legibly "
            f"(at most {MAX_OUTLETS_PER_FIGURE}); the table above has every outlet, and comparisons by outlet "
            "class have their own figures.")))
    blocks.append(w.table(f"scores-{lex_id}", scores, f"Per-document scores ({lex_id})",
                          note="One row per document × category: count, negated hits, tokens and rate."))
    return Section(id=f"rates-{slug(lex_id)}", title=f"Cue rates — {lex_id}", blocks=present(blocks),
                   intro="Rates are per document; documents, not tokens, are the unit of inference.")


def design_text(cmp: ComparisonConfig) -> str:
    """The design of a comparison in words."""
    if cmp.pair_on:
        return f"paired same-{cmp.pair_on} differences ({', '.join(cmp.methods)})"
    if cmp.strata:
        return f"permutation within {cmp.strata} strata ({', '.join(cmp.methods)})"
    if cmp.cluster:
        return f"{cmp.cluster} as the unit of inference ({', '.join(cmp.methods)})"
    return f"documents as the unit of inference ({', '.join(cmp.methods)})"


def comparison_section(w: Any, result: ComparisonResult):
    """One comparison: its design, tables and effect (or paired, time
    series) figures."""
    from ..report.figures import plot_effect_heatmap, plot_paired, plot_timeseries
    from ..report.html import Section, TextBlock

    cmp, tables, data = result.entry, result.tables, result
    blocks: list[Any] = [TextBlock(title="Design", text=(
        f"Groups: {cmp.by}; {design_text(cmp)}; effect: {cmp.effect}; {cmp.n_resamples} resamples; "
        f"{cmp.confidence:.0%} intervals; multiple comparisons: {cmp.correction} across categories × pairs, "
        f"per method; alternative: {cmp.alternative}."
        + (f" Documents: those with {', '.join(f'{c} in {list(v)}' for c, v in cmp.include)} "
           f"({data.n_outside} others left out)." if cmp.include else "")
        + (f" Left out, no hit in any document: {', '.join(data.left_out)}." if data.left_out else "")))]
    blocks.append(w.table(f"{cmp.id}-summary", tables["summary"], "Per-group rates"))
    if "omnibus" in tables:
        blocks.append(w.table(f"{cmp.id}-omnibus", tables["omnibus"], "Omnibus tests (do the groups differ at all?)"))
    pairs = tables["pairs"]
    blocks.append(w.table(f"{cmp.id}-pairs", pairs, "Pairwise effects and tests"))
    if not pairs.empty and pairs["estimate"].notna().any():
        if cmp.pair_on:
            fig = new_figure(8, 0.28 * len(pairs.drop_duplicates(["group_a", "group_b", "category"])) + 1.8)
            plot_paired(pairs, ax=fig.add_subplot())
            blocks.append(w.figure(f"{cmp.id}-paired", fig, "Same-story paired differences",
                                   caption=f"Paired {cmp.effect} per pair and category with {cmp.confidence:.0%} CI."))
        else:
            n_pairs = pairs[["group_a", "group_b"]].drop_duplicates().shape[0]
            fig = new_figure(max(6.0, 0.9 * pairs["category"].nunique() + 2), 0.6 * n_pairs + 2.2)
            plot_effect_heatmap(pairs, ax=fig.add_subplot())
            blocks.append(w.figure(f"{cmp.id}-effects", fig, "Pairwise effects",
                                   caption=f"Effect estimate per pair and category; marks give the "
                                           f"{cmp.correction}-adjusted significance of the first test "
                                           f"({cmp.methods[0]}): * < 0.05, ** < 0.01, *** < 0.001."))
    if "timeseries" in tables:
        ts = tables["timeseries"]
        blocks.append(w.table(f"{cmp.id}-timeseries", ts, f"Rates per {cmp.timeseries}",
                              note=f"Documents without a date, left out of the series: {data.n_undated}."
                              if data.n_undated else ""))
        categories = sorted(ts["category"].unique())[:_MAX_TIMESERIES_PANELS]
        if categories:
            ncols = min(3, len(categories))
            nrows = math.ceil(len(categories) / ncols)
            fig = new_figure(4.2 * ncols, 3.0 * nrows)
            for i, category in enumerate(categories):
                plot_timeseries(ts, category=category, ax=fig.add_subplot(nrows, ncols, i + 1))
            blocks.append(w.figure(f"{cmp.id}-timeseries", fig, f"Rates per {cmp.timeseries}",
                                   caption="Mean per-document rate per period with its bootstrap CI band."))
    return Section(id=f"cmp-{slug(cmp.id)}", title=f"Comparison — {cmp.id}", blocks=present(blocks))


def keyness_section(w: Any, result: KeynessResult):
    """One keyness table (its top terms shown) and a figure per comparison."""
    from ..report.figures import plot_keyness
    from ..report.html import Section

    entry, table = result.entry, result.table
    blocks: list[Any] = [w.table(entry.id, table, f"Keyness ({entry.method}, {entry.comparison})",
                                 note=f"Top {entry.top} terms at each end of every comparison shown; "
                                      f"min_count = {entry.min_count}, min_docs = {entry.min_docs}.",
                                 shown=result.top)]
    if not table.empty:
        for group_a in sorted(table["group_a"].astype(str).unique()):
            sub = table[table["group_a"].astype(str) == group_a]
            if sub["statistic"].notna().sum() == 0:
                continue
            for group_b in sorted(sub["group_b"].astype(str).unique()):
                block = sub[sub["group_b"].astype(str) == group_b]
                fig = new_figure(8, 5.5)
                plot_keyness(block, top=entry.top, ax=fig.add_subplot())
                blocks.append(w.figure(f"{entry.id}-{group_a}-vs-{group_b}", fig, f"{group_a} vs {group_b}",
                                       caption="Each point a term: total frequency against the statistic; "
                                               "the most distinctive terms at each end are labelled."))
    return Section(id=f"key-{slug(entry.id)}", title=f"Keyness — {entry.id}", blocks=present(blocks))


def _binary_predictions(predictions: pd.DataFrame) -> pd.DataFrame | None:
    """The out-of-fold predictions of a binary task (``y_true`` is 0/1 for
    "the true label is ``scored_class``", ``score`` its probability), else
    None: a multi-class table scores the predicted class, a top-label
    confidence that is not a reliability curve of one class."""
    if predictions["true"].nunique() != 2 or predictions["scored_class"].nunique() != 1:
        return None
    return predictions


def classifier_section(w: Any, result: ClassifierResult):
    """One classifier entry: its design, tables and, for a binary label, a
    reliability figure."""
    from ..report.figures import plot_reliability
    from ..report.html import Section, TextBlock

    if result.entry.multilabel:
        return frames_section(w, result)
    entry, tables = result.entry, result.tables
    design = (f"grouped by {entry.groups} (GroupKFold: test {entry.groups}s unseen in training)"
              if entry.cv == "group" else "stratified")
    blocks: list[Any] = [TextBlock(title="Design", text=(
        f"Label: {entry.label}; model: {entry.model}; {entry.n_splits}-fold {design} cross-validation; "
        f"C chosen inside each training fold from {list(entry.C)}; cue features: {entry.lexicon}. "
        "Metrics with 95% bootstrap CIs over documents."))]
    titles = {"summary": "Cross-validated metrics", "per_class": "Per-class precision and recall",
              "confusion": "Confusion matrix (counts)", "predictions": "Out-of-fold predictions",
              "folds": "Folds"}
    for name, suffix in CLASSIFIER_TABLES:
        blocks.append(w.table(f"{entry.id}-{suffix}", tables[name], titles[name]))
    binary = _binary_predictions(tables["predictions"])
    if binary is not None:
        fig = new_figure(5.5, 5.0)
        plot_reliability(binary, ax=fig.add_subplot())
        blocks.append(w.figure(f"{entry.id}-reliability", fig, "Reliability of the predicted probabilities",
                               caption="Mean predicted probability against the observed share per bin "
                                       "(out-of-fold predictions)."))
    return Section(id=f"clf-{slug(entry.id)}", title=f"Classifier — {entry.id}", blocks=present(blocks))
