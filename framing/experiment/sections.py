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

from typing import TYPE_CHECKING, Any

import pandas as pd

from .classifiers import CLASSIFIER_TABLES
from .frame_section import frames_section
from .helpers import new_figure, present, slug

if TYPE_CHECKING:
    from .config import ComparisonConfig, PreprocessingConfig
    from .stages import ClassifierResult, ComparisonResult, KeynessResult, LexiconResult, ValidationResult

__all__ = ["MAX_OUTLETS_PER_FIGURE", "MAX_PAIRS_PER_FIGURE", "MAX_PAIRED_ROWS", "MAX_SERIES", "RATE_KEY_COLUMNS",
           "by_documents",
           "classifier_section", "comparison_section", "design_text", "keyness_section", "lexicon_section",
           "validation_section"]

_MAX_TIMESERIES_PANELS = 12
#: Per-outlet figures show at most this many outlets, those with the most
#: documents (the tables always hold all).
MAX_OUTLETS_PER_FIGURE = 30
#: The pairwise-effects heatmap shows at most this many pairs (largest effects).
MAX_PAIRS_PER_FIGURE = 30
#: The paired forest plot shows at most this many rows (category × pair).
MAX_PAIRED_ROWS = 60
#: Time-series panels draw at most this many groups (most documents).
MAX_SERIES = 8


def by_documents(table: pd.DataFrame, group: str = "group") -> pd.DataFrame:
    """A per-group table ordered by the group's documents (most first; its
    largest ``n_docs`` over rows), then group name, keeping the row order
    within a group: the outlets a reader looks for lead, single-document
    ones come last."""
    if table.empty or group not in table.columns or "n_docs" not in table.columns:
        return table
    names = table[group].astype(str)
    size = table["n_docs"].groupby(names).transform("max").to_numpy()
    order = sorted(range(len(table)), key=lambda i: (-size[i], names.iloc[i], i))
    return table.iloc[order].reset_index(drop=True)


#: The columns of a per-group rates table shown in the report (the file has all).
RATE_KEY_COLUMNS = ("group", "category", "n_docs", "count", "mean_rate", "mean_low", "mean_high")


def _key_rates(summary: pd.DataFrame) -> pd.DataFrame:
    """A per-group rates table's key columns, outlets with most documents first."""
    return by_documents(summary)[[c for c in RATE_KEY_COLUMNS if c in summary.columns]]


def _top_groups(table: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` groups with the most documents (ties by name)."""
    counts = table.groupby(table["group"].astype(str))["n_docs"].max()
    return sorted(counts.index, key=lambda g: (-counts[g], g))[:k]


def _denominator(summary: pd.DataFrame) -> str | None:
    values = summary["denominator"].dropna().unique() if "denominator" in summary.columns else []
    return str(values[0]) if len(values) == 1 else None


def lexicon_section(w: Any, result: LexiconResult, preprocessing: PreprocessingConfig):
    """The cue rates of one lexicon: its summary and scores tables, the
    rates and composition figures."""
    from ..report.figures import plot_composition, rates_figure
    from ..report.html import Section

    lex_id, summary, scores, pre = result.id, result.summary, result.scores, preprocessing
    n_outlets = summary["group"].nunique()
    blocks: list[Any] = [
        w.table(f"summary-{lex_id}", summary, f"Cue rates per outlet ({lex_id})",
                note=f"Mean per-document and pooled rates ({summary['denominator'].iloc[0]}) with bootstrap CIs "
                     f"over documents; part = {pre.part}, voice = {pre.voice}. Outlets with the most documents "
                     "first; the file has the pooled rates and every other column.", shown=_key_rates(summary)),
    ]
    drawn = summary
    some = ""
    if n_outlets > MAX_OUTLETS_PER_FIGURE:
        keep = set(_top_groups(summary, MAX_OUTLETS_PER_FIGURE))
        drawn = summary[summary["group"].astype(str).isin(keep)]
        some = (f" The {MAX_OUTLETS_PER_FIGURE} outlets with the most documents of {n_outlets}; the table has "
                "every outlet.")
    n_drawn = drawn["group"].nunique()
    blocks.append(w.figure(f"rates-{lex_id}", rates_figure(drawn), f"Cue rates by outlet ({lex_id})",
                           caption="Mean per-document rate with its bootstrap confidence interval, per category; "
                                   f"outlets by their mean rate, highest first.{some}"))
    fig = new_figure(8, 0.45 * n_drawn + 2)
    plot_composition(drawn, ax=fig.add_subplot())
    blocks.append(w.figure(f"composition-{lex_id}", fig, f"Category composition by outlet ({lex_id})",
                           caption=f"Share of each outlet's cue hits that falls in each category.{some}"))
    blocks.append(w.table(f"scores-{lex_id}", scores, f"Per-document scores ({lex_id})",
                          note="One row per document × category: count, negated hits, tokens and rate.",
                          collapsed=True))
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
    """One comparison: its design, the key findings (estimate, CI,
    adjusted p and a reading per contrast), the full tables collapsed, and
    effect (or paired, time series) figures."""
    from ..report.figures import plot_effect_heatmap, plot_paired, timeseries_figure
    from ..report.html import Section, TextBlock
    from ..report.reading import contrast_readings

    cmp, tables, data = result.entry, result.tables, result
    denominator = _denominator(tables["summary"])
    blocks: list[Any] = [TextBlock(title="Design", text=(
        f"Groups: {cmp.by}; {design_text(cmp)}; effect: {cmp.effect}; {cmp.n_resamples} resamples; "
        f"{cmp.confidence:.0%} intervals; multiple comparisons: {cmp.correction} across categories × pairs, "
        f"per method; alternative: {cmp.alternative}."
        + (f" Documents: those with {', '.join(f'{c} in {list(v)}' for c, v in cmp.include)} "
           f"({data.n_outside} others left out)." if cmp.include else "")
        + (f" Left out, no hit in any document: {', '.join(data.left_out)}." if data.left_out else "")))]
    pairs = tables["pairs"]
    if not pairs.empty:
        readings = contrast_readings(pairs, denominator=denominator)
        blocks.append(w.table(f"{cmp.id}-findings", readings, "Key findings: pairwise contrasts",
                              note=f"Per contrast the {cmp.effect.replace('_', ' ')} with its {cmp.confidence:.0%} "
                                   f"CI and the {cmp.correction}-adjusted p of each test, clearest first; "
                                   "\u201cno clear difference\u201d when the CI contains the null. Every column is "
                                   "in the full pairwise table below."))
    blocks.append(w.table(f"{cmp.id}-summary", tables["summary"], "Per-group rates",
                          note="Groups with the most documents first; the file has the pooled rates and every "
                               "other column.", shown=_key_rates(tables["summary"])))
    if "omnibus" in tables:
        blocks.append(w.table(f"{cmp.id}-omnibus", tables["omnibus"], "Omnibus tests (do the groups differ at all?)"))
    blocks.append(w.table(f"{cmp.id}-pairs", pairs, "Pairwise effects and tests (all columns)", collapsed=True))
    if not pairs.empty and pairs["estimate"].notna().any():
        n_categories = max(1, pairs["category"].nunique())
        if cmp.pair_on:
            most = max(1, MAX_PAIRED_ROWS // n_categories)
            n_pairs = min(most, pairs[["group_a", "group_b"]].drop_duplicates().shape[0])
            fig = new_figure(8, 0.28 * n_pairs * n_categories + 1.8)
            plot_paired(pairs, max_pairs=most, denominator=denominator, ax=fig.add_subplot())
            blocks.append(w.figure(f"{cmp.id}-paired", fig, "Same-story paired differences",
                                   caption=f"Paired {cmp.effect} per pair and category with {cmp.confidence:.0%} CI"
                                           f"; at most {most} pairs, those with the largest effects."))
        else:
            n_pairs = min(MAX_PAIRS_PER_FIGURE, pairs[["group_a", "group_b"]].drop_duplicates().shape[0])
            fig = new_figure(max(6.0, 0.9 * n_categories + 2), 0.6 * n_pairs + 2.2)
            plot_effect_heatmap(pairs, max_pairs=MAX_PAIRS_PER_FIGURE, denominator=denominator, ax=fig.add_subplot())
            blocks.append(w.figure(f"{cmp.id}-effects", fig, "Pairwise effects",
                                   caption=f"Effect estimate per pair and category; marks give the "
                                           f"{cmp.correction}-adjusted significance of the first test "
                                           f"({cmp.methods[0]}): * < 0.05, ** < 0.01, *** < 0.001. At most "
                                           f"{MAX_PAIRS_PER_FIGURE} pairs, those with the largest effects."))
    if "timeseries" in tables:
        ts = tables["timeseries"]
        blocks.append(w.table(f"{cmp.id}-timeseries", ts, f"Rates per {cmp.timeseries}",
                              note=f"Documents without a date, left out of the series: {data.n_undated}."
                              if data.n_undated else "", collapsed=True))
        categories = sorted(ts["category"].unique())[:_MAX_TIMESERIES_PANELS]
        if categories:
            groups = _top_groups(ts, MAX_SERIES)
            drawn = ts[ts["group"].astype(str).isin(set(groups))]
            some = (f" The {MAX_SERIES} groups with the most documents of {ts['group'].nunique()}."
                    if ts["group"].nunique() > MAX_SERIES else "")
            fig = timeseries_figure(drawn, categories=categories, freq=cmp.timeseries)
            blocks.append(w.figure(f"{cmp.id}-timeseries", fig, f"Rates per {cmp.timeseries}",
                                   caption="Mean per-document rate per period with its bootstrap CI band; a gap is "
                                           f"a period without documents.{some}"))
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
                blocks.append(w.figure("-".join((slug(entry.id), slug(group_a), "vs", slug(group_b))), fig,
                                       f"{group_a} vs {group_b}",
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
        f"C chosen inside each training fold from {list(entry.C)}; cue features: {entry.lexicon if entry.cues else 'none'}. "
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


#: Columns of a coding sheet shown in the report (the file has them all).
SHEET_KEY_COLUMNS = ("unit_id", "outlet", "category", "entry", "left", "match", "right")
#: Columns of the span evaluation shown in the report (token level; the file has the span level too).
SPAN_KEY_COLUMNS = ("lexicon", "category", "n_predicted", "n_gold", "precision", "recall", "f1")


def _sample_text(result: ValidationResult, sheet_href: str, page_href: str | None) -> str:
    sample, entry = result.entry.sample, result.entry
    size = (f"{sample.per_entry} per entry" if sample.per_entry is not None else f"{sample.per_category} per category"
            + (" for sentences with and without hits" if sample.unit == "sentence" else ""))
    seed = f"seed {sample.seed}" if sample.seed is not None else f"seed derived from the run seed (validation.{entry.name}.sample)"
    return (f"A stratified random sample of {len(result.sheet)} {sample.unit}s ({size}"
            f"{f', by {sample.by}' if sample.by else ''}; {seed}) drawn from {result.n_population} hits of "
            f"{entry.lexicon} is in {sheet_href}"
            + (f", with an offline coding page in {page_href} (keys 1/0, arrows; it downloads the coded sheet)"
               if page_href else "")
            + ". Each coder codes a copy (correct = 1 when the hit carries the category's frame, else 0, and "
              "their name in coder); list the coded copies under sheets = [...] in this [[validation]] entry and "
              "run again for precision, agreement and pruning flags.")


def validation_section(w: Any, result: ValidationResult):
    """One ``[[validation]]`` entry: the coding sheet drawn (and its coding
    page), precision per category with a reading line, coder agreement,
    disagreements, recall and the span evaluation, each linking its full
    table."""
    from ..report.coding import coding_page
    from ..report.html import Section, TextBlock, validation_readings
    from ..stats.validation import CONSENSUS

    entry, tables = result.entry, result.tables
    name = slug(entry.name)
    prefix = f"validation-{name}"
    blocks: list[Any] = []
    if result.sheet is not None:
        sheet_block = w.table(f"{prefix}-sheet", result.sheet, "Coding sheet (to be coded)",
                              shown=result.sheet[list(SHEET_KEY_COLUMNS)], collapsed=True)
        page_href = None
        if entry.sample.coding_page:
            page_href = f"coding/{prefix}.html"
            page = coding_page(result.sheet, title=f"Validating {entry.lexicon}: {entry.name}",
                               filename=sheet_block.href.rsplit("/", 1)[-1])
            w.put(page_href, page.encode("utf-8"))
        blocks += [TextBlock(title="Coding sheet", text=_sample_text(result, sheet_block.href, page_href)),
                   sheet_block]
    if entry.sheets:
        precision, agreement, recall = tables["precision"], tables["alpha"], tables["recall"]
        coders = ", ".join(result.coders) or "none"
        blocks.append(TextBlock(title="Coded sheets", text=(
            f"{len(entry.sheets)} sheet(s), coders: {coders}. Precision and recall use each unit's majority code "
            "(ties left out and listed among the disagreements); precision is weighted by the strata's hit volume "
            f"(stratified Wilson intervals), {entry.confidence:.0%} intervals; Krippendorff's alpha (nominal) with "
            f"a bootstrap interval over units ({entry.n_resamples} resamples). Entries whose whole precision "
            f"interval lies below {entry.prune_below:g} are flagged for pruning.")))
        readings = validation_readings(precision, agreement, recall)
        blocks.append(w.table(f"{prefix}-precision", precision, "Precision per category",
                              note="Consensus codes; one reading per category. The file has every entry and each "
                                   "coder's own figures.", shown=readings))
        flagged = precision[(precision["coder"] == CONSENSUS) & (precision["level"] == "entry")
                            & precision["prune"].astype(bool)] if not precision.empty else precision
        if not precision.empty:
            blocks.append(TextBlock(title="Pruning candidates", text=(
                "; ".join(f"{row.category}/{row.entry}: {int(row.n_correct)} of {int(row.n_coded)} correct "
                          f"(upper bound {row.ci_high:.2f})" for row in flagged.itertuples(index=False))
                or f"No entry's precision interval lies wholly below {entry.prune_below:g}.")))
        alpha_note = ("Needs two or more coders." if agreement.empty else
                      "Nominal alpha of the coders' 1/0 codes over all units and within each category.")
        blocks.append(w.table(f"{prefix}-alpha", agreement, "Coder agreement (Krippendorff's alpha)", note=alpha_note,
                              shown=agreement[[c for c in ("scope", "alpha", "ci_low", "ci_high", "n_units",
                                                           "n_coders", "note") if c in agreement.columns]]))
        blocks.append(w.table(f"{prefix}-disagreements", tables["disagreements"], "Units the coders disagree on",
                              collapsed=True))
        recall_block = w.table(f"{prefix}-recall", recall, "Recall (sentences with and without hits)",
                               collapsed=recall.empty)
        if not recall.empty:
            blocks.append(recall_block)
    if "spans" in tables:
        spans = tables["spans"]
        token = spans[spans["level"] == "token"] if not spans.empty else spans
        blocks.append(w.table(f"{prefix}-spans", spans, f"Hits against {entry.spans.dataset} span annotations",
                              note="Token level: tokens overlapping a hit vs tokens overlapping a gold span; every "
                                   "category against all gold spans, '*' the union, plain word lists as baselines. "
                                   "The file has the span level (lenient overlap) too.",
                              shown=token[[c for c in SPAN_KEY_COLUMNS if c in token.columns]]))
    return Section(id=f"val-{name}", title=f"Lexicon validation — {entry.name}", blocks=present(blocks),
                   intro=f"Does {entry.lexicon} measure what it names in this material? Human codes of sampled "
                         "hits estimate its precision; span annotations its precision and recall on a labelled "
                         "dataset.")
