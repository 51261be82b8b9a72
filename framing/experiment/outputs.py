"""Tables, figures and the report of a run, in a fixed order.

:func:`build_outputs` walks the config — lexicons, comparisons, keyness
entries, classifiers — asks :class:`framing.experiment.stages.Stages` for each
result, and hands every file to ``put(relative_path, bytes)``.  Figures
come from :mod:`framing.report.figures` (rendered with
:func:`framing.report.figures.figure_bytes`, byte-stable), the report from
:mod:`framing.report`.  The report inlines a PNG of every figure and links
the files of the configured formats and the full CSV tables.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import pandas as pd
from matplotlib.figure import Figure

from .. import __version__
from .analyses import comparison_data, keyness_top
from .stages import _slug

__all__ = ["build_outputs"]

_MAX_TIMESERIES_PANELS = 12
#: Per-outlet figures are drawn up to this many outlets (the tables always hold all).
MAX_OUTLETS_PER_FIGURE = 30
#: Example passages come from at most this many outlets per category (those with most hits).
MAX_PASSAGE_OUTLETS = 8
#: Reader warnings shown in the report (all are in run.log).
MAX_WARNINGS_SHOWN = 20


class _Writer:
    """Writes tables and figures and collects the report blocks."""

    def __init__(self, stages: Any, put: Callable[[str, bytes], None]) -> None:
        from ..report.figures import figure_bytes

        self.stages = stages
        self.put = put
        self.outputs = stages.config.outputs
        self._figure_bytes = figure_bytes

    def table(self, name: str, frame: pd.DataFrame, title: str, *, note: str = "", shown: pd.DataFrame | None = None):
        from ..report.html import TableBlock

        files = self.stages.table_bytes(name, frame)
        for rel, data in files.items():
            self.put(rel, data)
        href = next(iter(files))
        return TableBlock(title=title, frame=frame if shown is None else shown, href=href, note=note,
                          max_rows=self.outputs.report_rows)

    def figure(self, name: str, fig: Figure, title: str, *, caption: str = ""):
        """Write a figure in the configured formats and return its report
        block (None with ``outputs.figures = []``: no figures anywhere)."""
        from ..report.html import FigureBlock

        if not self.outputs.figures:
            return None
        stem = f"figures/{_slug(name)}"
        href = ""
        for fmt in self.outputs.figures:
            self.put(f"{stem}.{fmt}", self._figure_bytes(fig, fmt, dpi=self.outputs.dpi))
            href = href or f"{stem}.{fmt}"
        png = self._figure_bytes(fig, "png", dpi=min(self.outputs.dpi, 80))
        return FigureBlock(title=title, png=png, href=href, caption=caption, alt=title)


def _present(blocks: list[Any]) -> tuple[Any, ...]:
    return tuple(b for b in blocks if b is not None)


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _lexicon_section(w: _Writer, lex_id: str):
    from ..report.figures import plot_composition, rates_figure
    from ..report.html import Section, TextBlock

    st = w.stages
    summary = st.tables[f"summary-{lex_id}"]
    scores = st.tables[f"scores-{lex_id}"]
    pre = st.config.preprocessing
    n_outlets = summary["group"].nunique()
    blocks: list[Any] = [
        w.table(f"summary-{lex_id}", summary, f"Cue rates per outlet ({lex_id})",
                note=f"Mean per-document and pooled rates ({summary['denominator'].iloc[0]}) with bootstrap CIs "
                     f"over documents; part = {pre.part}, voice = {pre.voice}."),
    ]
    if n_outlets <= MAX_OUTLETS_PER_FIGURE:
        blocks.append(w.figure(f"rates-{lex_id}", rates_figure(summary), f"Cue rates by outlet ({lex_id})",
                               caption="Mean per-document rate with its bootstrap confidence interval, per category."))
        fig = _new_figure(8, 0.5 * n_outlets + 2)
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
    return Section(id=f"rates-{_slug(lex_id)}", title=f"Cue rates — {lex_id}", blocks=_present(blocks),
                   intro="Rates are per document; documents, not tokens, are the unit of inference.")


def _design(cmp: Any) -> str:
    if cmp.pair_on:
        return f"paired same-{cmp.pair_on} differences ({', '.join(cmp.methods)})"
    if cmp.strata:
        return f"permutation within {cmp.strata} strata ({', '.join(cmp.methods)})"
    if cmp.cluster:
        return f"{cmp.cluster} as the unit of inference ({', '.join(cmp.methods)})"
    return f"documents as the unit of inference ({', '.join(cmp.methods)})"


def _comparison_section(w: _Writer, cmp: Any):
    from ..report.figures import plot_effect_heatmap, plot_paired, plot_timeseries
    from ..report.html import Section, TextBlock

    tables = w.stages.comparison_tables(cmp)
    data = comparison_data(cmp, w.stages.scores(cmp.lexicon)[0], w.stages.corpus().frame)
    blocks: list[Any] = [TextBlock(title="Design", text=(
        f"Groups: {cmp.by}; {_design(cmp)}; effect: {cmp.effect}; {cmp.n_resamples} resamples; "
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
            fig = _new_figure(8, 0.28 * len(pairs.drop_duplicates(["group_a", "group_b", "category"])) + 1.8)
            plot_paired(pairs, ax=fig.add_subplot())
            blocks.append(w.figure(f"{cmp.id}-paired", fig, "Same-story paired differences",
                                   caption=f"Paired {cmp.effect} per pair and category with {cmp.confidence:.0%} CI."))
        else:
            n_pairs = pairs[["group_a", "group_b"]].drop_duplicates().shape[0]
            fig = _new_figure(max(6.0, 0.9 * pairs["category"].nunique() + 2), 0.6 * n_pairs + 2.2)
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
            fig = _new_figure(4.2 * ncols, 3.0 * nrows)
            for i, category in enumerate(categories):
                plot_timeseries(ts, category=category, ax=fig.add_subplot(nrows, ncols, i + 1))
            blocks.append(w.figure(f"{cmp.id}-timeseries", fig, f"Rates per {cmp.timeseries}",
                                   caption="Mean per-document rate per period with its bootstrap CI band."))
    return Section(id=f"cmp-{_slug(cmp.id)}", title=f"Comparison — {cmp.id}", blocks=_present(blocks))


def _keyness_section(w: _Writer, entry: Any):
    from ..report.figures import plot_keyness
    from ..report.html import Section

    table = w.stages.keyness_table(entry)
    blocks: list[Any] = [w.table(entry.id, table, f"Keyness ({entry.method}, {entry.comparison})",
                                 note=f"Top {entry.top} terms at each end of every comparison shown; "
                                      f"min_count = {entry.min_count}, min_docs = {entry.min_docs}.",
                                 shown=keyness_top(table, top=entry.top))]
    if not table.empty:
        for group_a in sorted(table["group_a"].astype(str).unique()):
            sub = table[table["group_a"].astype(str) == group_a]
            if sub["statistic"].notna().sum() == 0:
                continue
            for group_b in sorted(sub["group_b"].astype(str).unique()):
                block = sub[sub["group_b"].astype(str) == group_b]
                fig = _new_figure(8, 5.5)
                plot_keyness(block, top=entry.top, ax=fig.add_subplot())
                blocks.append(w.figure(f"{entry.id}-{group_a}-vs-{group_b}", fig, f"{group_a} vs {group_b}",
                                       caption="Each point a term: total frequency against the statistic; "
                                               "the most distinctive terms at each end are labelled."))
    return Section(id=f"key-{_slug(entry.id)}", title=f"Keyness — {entry.id}", blocks=_present(blocks))


def _passage_hits(hits: pd.DataFrame) -> pd.DataFrame:
    """The hits example passages are drawn from: per category, those of
    the :data:`MAX_PASSAGE_OUTLETS` outlets with the most hits in it (ties
    by outlet name), so a corpus of many outlets keeps a readable report."""
    if hits.empty:
        return hits
    counts = hits.groupby(["category", "outlet"], sort=True).size().reset_index(name="n")
    counts = counts.sort_values(["category", "n", "outlet"], ascending=[True, False, True], kind="mergesort")
    chosen = counts.groupby("category", sort=True).head(MAX_PASSAGE_OUTLETS)
    keep = set(zip(chosen["category"], chosen["outlet"]))
    mask = [(c, o) in keep for c, o in zip(hits["category"], hits["outlet"])]
    return hits[mask].reset_index(drop=True)


def _summary_rows(stages: Any) -> tuple[tuple[str, str], ...]:
    facts = stages.corpus().facts
    cfg = stages.config
    filtered = ", ".join(f"{k}: {v}" for k, v in facts["filtered"].items()) or "none"
    skipped = ", ".join(f"{k}: {v}" for k, v in facts["skipped"].items()) or "none"
    rows = [
        ("run", f"{cfg.name} ({stages.plan.run_hash})"),
        ("corpus", facts["source"]),
        ("records read", str(facts["n_read"])),
        ("skipped records", f"{facts['n_skipped']} ({skipped})"),
        ("exact duplicates dropped", str(facts["n_exact_duplicates"])),
        ("near duplicates dropped", str(facts["n_near_duplicates"])),
        ("filtered out", filtered),
        ("documents analysed", str(facts["n_documents"])),
        ("outlets", f"{facts['n_outlets']} ({', '.join(f'{k}: {v}' for k, v in facts['outlets'].items())})"),
        ("dates", f"{facts['date_min']} to {facts['date_max']}" if facts["date_min"] else "none"),
        ("lexicons", ", ".join(f"{k} ({v['source']})" for k, v in stages.plan.lexicons.items())),
        ("scored", f"part = {cfg.preprocessing.part}, voice = {cfg.preprocessing.voice}, "
                   f"rate = {cfg.preprocessing.normalize}"),
        ("seed", str(cfg.seed)),
    ]
    return tuple(rows)


def build_outputs(stages: Any, put: Callable[[str, bytes], None]) -> None:
    """Write every table and figure, then the report (see module notes)."""
    from ..report.html import ReportData, Section, TextBlock, render_report, select_passages
    from .classifiers import classifier_section

    w = _Writer(stages, put)
    cfg = stages.config
    corpus = stages.corpus()
    stages.lexicon_tables()
    sections = [_lexicon_section(w, lex.id) for lex in cfg.lexicons]
    sections += [_comparison_section(w, cmp) for cmp in cfg.comparisons]
    sections += [_keyness_section(w, entry) for entry in cfg.keyness]
    sections += [classifier_section(w, entry) for entry in cfg.classifiers]
    first = cfg.lexicons[0].id
    hits = stages.hits(first)
    if cfg.preprocessing.voice != "all":  # examples of what was scored; quotes inside them stay marked
        hits = hits[hits["voice"] == cfg.preprocessing.voice].reset_index(drop=True)
    passages = (select_passages(corpus.frame, _passage_hits(hits), per_cell=cfg.outputs.examples)
                if cfg.outputs.examples else ())
    warned = corpus.facts["reader_warnings"]
    if warned:
        shown = [TextBlock(title="", text=m) for m in warned[:MAX_WARNINGS_SHOWN]]
        if len(warned) > MAX_WARNINGS_SHOWN:
            shown.append(TextBlock(title="", text=f"… and {len(warned) - MAX_WARNINGS_SHOWN} more."))
        sections.append(Section(id="reader-warnings", title="Reader warnings", blocks=tuple(shown)))
    if not cfg.outputs.report:
        return
    data = ReportData(
        title=f"framing run: {cfg.name}",
        summary=_summary_rows(stages),
        config_text=stages.config_text(),
        sections=tuple(sections),
        passages=tuple(passages),
        footer=f"framing {__version__} · run {stages.plan.run_hash} · verify with `framing verify <this folder>`",
    )
    put("report.html", render_report(data).encode("utf-8"))
