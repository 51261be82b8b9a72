"""The report section of a multi-label (frames) ``[[classifiers]]`` entry.

Renders the tables of :func:`framing.experiment.frames.evaluate_frames`:
per-frame F1 with CIs, human and model agreement, corrected frame shares
per group (with a figure when the groups fit on one), supporting sentences
and the full tables as files.  Computes nothing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .frames import FRAME_TABLES
from .helpers import new_figure, present, slug

__all__ = ["frames_section", "MAX_GROUPS_PER_FIGURE"]

#: Prevalence figures are drawn up to this many groups per panel.
MAX_GROUPS_PER_FIGURE = 30


def _interval(value: float, low: float, high: float, digits: int = 2) -> str:
    if pd.isna(value):
        return "NA"
    if pd.isna(low) or pd.isna(high):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _metrics_shown(summary: pd.DataFrame) -> pd.DataFrame:
    cells = summary.assign(cell=[_interval(v, lo, hi) for v, lo, hi in
                                 zip(summary["value"], summary["ci_low"], summary["ci_high"])])
    wide = cells.pivot(index="frame", columns="metric", values="cell")
    order = [f for f in pd.unique(summary["frame"])]
    wide = wide.reindex(order)
    columns = [c for c in ("macro_f1", "micro_f1", "f1", "precision", "recall", "prevalence", "predicted_share")
               if c in wide.columns]
    return wide[columns].fillna("").reset_index()


def _agreement_shown(agreement: pd.DataFrame) -> pd.DataFrame:
    rows = agreement[agreement["question"] == "(all)"]
    return pd.DataFrame({
        "frame": rows["frame"], "coders": rows["coders"],
        "alpha [95% CI]": [_interval(a, lo, hi) for a, lo, hi in zip(rows["alpha"], rows["ci_low"], rows["ci_high"])],
        "units": rows["n_units"], "note": rows["note"].fillna(""),
    })


def _prevalence_shown(prevalence: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "frame": prevalence["frame"], "by": prevalence["by"], "group": prevalence["group"],
        "documents": prevalence["n_docs"], "raw share": prevalence["raw_share"].map(lambda v: f"{v:.2f}"),
        "corrected share [95% CI]": [_interval(v, lo, hi) for v, lo, hi in
                                     zip(prevalence["corrected_share"], prevalence["ci_low"], prevalence["ci_high"])],
        "gold share": prevalence["true_share"].map(lambda v: "NA" if pd.isna(v) else f"{v:.2f}"),
    })


def _prevalence_figure(table: pd.DataFrame, frames: list[str]):
    groups = sorted(table["group"].astype(str).unique())
    n = len(frames)
    fig = new_figure(3.2 * n, 0.32 * len(groups) + 1.6)
    axes = fig.subplots(1, n, sharey=True, squeeze=False)[0]
    position = {g: i for i, g in enumerate(groups)}
    for ax, frame in zip(axes, frames):
        rows = table[table["frame"] == frame]
        y = rows["group"].astype(str).map(position).to_numpy()
        ax.errorbar(rows["corrected_share"], y, xerr=[rows["corrected_share"] - rows["ci_low"],
                                                       rows["ci_high"] - rows["corrected_share"]],
                    fmt="o", color="#0072B2", ecolor="#0072B2", capsize=2, label="corrected [95% CI]")
        ax.plot(rows["raw_share"], y, "x", color="#D55E00", label="classify and count")
        ax.set_title(frame)
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of documents")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(groups)), groups)
    axes[0].invert_yaxis()
    axes[-1].legend(loc="lower right", fontsize="small")
    return fig


def frames_section(w: Any, result: Any):
    """One multi-label entry's report section (writes its files through ``w``)."""
    from ..report.html import Section, TextBlock

    entry, tables = result.entry, result.tables
    folds = (f"the predefined folds of column {entry.folds!r}" if entry.folds else
             f"{entry.n_splits}-fold {'grouped by ' + entry.groups if entry.cv == 'group' else 'shuffled'} folds")
    selection = tables.get("selection", pd.DataFrame())
    if entry.select is not None:
        grid = "SELECTION_GRID" if entry.select == "grid" else ", ".join(entry.select)
        pipeline = (f"the pipeline chosen inside every outer training fold by inner-CV macro-F1 from {grid} "
                    f"(nested cross-validation; the test fold is used for nothing)")
    else:
        pipeline = (f"one binary {entry.model} model per frame" if entry.combine == "independent" else
                    f"a {entry.model} model per frame and a second stage over all frames' scores")
    blocks: list[Any] = [TextBlock(title="Design", text=(
        f"Frames: {', '.join(entry.labels)} ({pipeline}); {folds}; decision "
        f"thresholds {'chosen per frame inside each training fold (inner CV)' if entry.threshold == 'inner_cv' else 'fixed at 0.5'}; "
        f"features: word 1–{entry.ngram_max}-grams{', character 2–5-grams' if entry.char else ''}"
        f"{', cue counts of ' + entry.lexicon if entry.cues else ''}. Metrics with 95% bootstrap CIs over documents. Frame shares per group are corrected for "
        "the classifier's cross-validated error rates (adjusted classify and count); their intervals include the "
        "classifier's uncertainty."))]
    summary = tables["summary"]
    blocks.append(w.table(f"{entry.id}-summary", summary, "Cross-validated frame detection",
                          shown=_metrics_shown(summary)))
    agreement = tables["agreement"]
    if not agreement.empty:
        blocks.append(w.table(f"{entry.id}-agreement", agreement, "Agreement: human coders and model vs gold",
                              note="Krippendorff's alpha (nominal): among the annotators per frame (units: document "
                                   "× question; per-question rows in the file), and between the gold labels and the "
                                   "model's out-of-fold predictions.",
                              shown=_agreement_shown(agreement)))
    prevalence = tables["prevalence"]
    if not prevalence.empty:
        blocks.append(w.table(f"{entry.id}-prevalence", prevalence, "Frame shares by group",
                              note="raw share: documents predicted to carry the frame; corrected share: adjusted for "
                                   "the classifier's error rates; gold share: the hand-coded share (for checking).",
                              shown=_prevalence_shown(prevalence)))
        for by in pd.unique(prevalence["by"]):
            rows = prevalence[prevalence["by"] == by]
            if rows["group"].nunique() <= MAX_GROUPS_PER_FIGURE:
                fig = _prevalence_figure(rows, list(entry.labels))
                blocks.append(w.figure(f"{entry.id}-prevalence-{by}", fig, f"Frame shares by {by}",
                                       caption="Corrected share with its 95% CI (dots) and the naive classify-and-"
                                               "count share (crosses)."))
    if selection.empty:  # the file is written all the same (its header: no selection in this run)
        w.table(f"{entry.id}-selection", selection, "Pipeline chosen by inner cross-validation")
    else:
        chosen = selection[selection["selected"].astype(bool)]
        blocks.append(w.table(f"{entry.id}-selection", selection, "Pipeline chosen by inner cross-validation",
                              note="Every variant's inner cross-validated macro-F1 on the training documents of each "
                                   "outer fold; the chosen one (highest, ties: the earlier) was refitted there and "
                                   "scored the test fold. Fold (all): the choice on all documents, which fitted "
                                   "the evidence model.",
                              shown=pd.DataFrame({"fold": chosen["fold"], "chosen variant": chosen["variant"],
                                                  "inner macro-F1": chosen["inner_macro_f1"].round(3)})))
    evidence = tables["evidence"]
    if not evidence.empty:
        shown = evidence[["frame", "doc_id", "rank", "score", "text"]].assign(score=evidence["score"].round(2))
        blocks.append(w.table(f"{entry.id}-evidence", evidence, "Why an article was coded with a frame",
                              note="For each frame, the articles with the highest out-of-fold score that carry it, "
                                   "and their sentences that support the frame most (scored by the frame's model "
                                   "fitted on all documents: the pipeline in the variant column).",
                              shown=shown))
    titles = {"thresholds": "Per-frame thresholds chosen in each fold", "reliability": "Reliability of the scores",
              "predictions": "Out-of-fold predictions"}
    for name, suffix in FRAME_TABLES:
        if name in titles:
            blocks.append(w.table(f"{entry.id}-{suffix}", tables[name], titles[name]))
    return Section(id=f"clf-{slug(entry.id)}", title=f"Frames — {entry.id}", blocks=present(blocks))
