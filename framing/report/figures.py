"""Publication-ready figures from framing's result tables.

The presentation layer: every function takes a result table with the
documented schema of a lower stage and draws it.  Nothing here computes
statistics, imports pyplot, calls ``show()`` or writes files; figures are
plain :class:`matplotlib.figure.Figure` objects (no global state, no
backend selection) and :func:`figure_bytes` turns one into PNG, SVG or
PDF bytes for the caller to store.

================================  =========================================
function                          table (schema)
================================  =========================================
:func:`plot_rates`                ``summarize`` (``SUMMARY_COLUMNS``)
:func:`rates_figure`              ``summarize`` (small multiples)
:func:`plot_effect_heatmap`       ``compare`` (``COMPARE_COLUMNS``)
:func:`plot_keyness`              ``log_odds``/``keyness``/``document_keyness``
                                  (``KEYNESS_COLUMNS``)
:func:`plot_composition`          ``summarize`` (``count``)
:func:`plot_timeseries`           ``timeseries`` (``TIMESERIES_COLUMNS``)
:func:`timeseries_figure`         ``timeseries`` (small multiples)
:func:`plot_paired`               ``paired`` (``COMPARE_COLUMNS``)
:func:`plot_reliability`          predictions with ``y_true`` (0/1), ``score``
================================  =========================================

Conventions
-----------
* Plot functions take the table first, options keyword-only, and
  ``ax=None``: without an Axes they create a Figure of a suitable size
  (constrained layout) and return the Axes they drew on (its figure is
  ``ax.figure``).
* Inputs are checked at the boundary: missing columns, an empty table,
  an unknown category, group, method or comparison raise ``ValueError``
  naming the argument and listing what is allowed.
* Colours: the Okabe & Ito (2008) colour-blind-safe palette
  (:data:`PALETTE`); groups get colours in sorted group order, so a group
  has the same colour in every figure of a run (the keyness plot colours
  its two sides instead); categories likewise in sorted order (beyond eight, colours repeat with hatching or line
  styles).  Effects use the diverging :data:`DIVERGING_CMAP` with limits
  symmetric about the null, and significance is marked with symbols, not
  by colour alone.  Categories and groups are ordered by sorted name in
  every figure.
* Figures are drawn under matplotlib's default rcParams plus one small
  house style (:func:`_style`), whatever the user's ``matplotlibrc``, so
  the same table gives the same figure on every machine.

References
----------
Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words:
lexical feature selection and evaluation for identifying the content of
political conflict. *Political Analysis*, 16(4), 372–403.

Niculescu-Mizil, A., & Caruana, R. (2005). Predicting good probabilities
with supervised learning. *Proceedings of ICML 2005*, 625–632.

Okabe, M., & Ito, K. (2008). Color universal design (CUD): how to make
figures and presentations that are friendly to colorblind people.
https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import io
import math
from contextlib import contextmanager

from typing import Any, Iterator, Sequence

import matplotlib
import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.style as mstyle
import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..check import check_bool, check_choice, check_int, check_number
from ..stats.keyness import ALL, REST
from ..stats.summary import FREQUENCIES
from ..vocab import CORRECTIONS, NORMALIZATIONS

__all__ = [
    "PALETTE",
    "INK",
    "MAX_FIGURE_PIXELS",
    "DIVERGING_CMAP",
    "FIGURE_FORMATS",
    "plot_rates",
    "rates_figure",
    "plot_effect_heatmap",
    "plot_keyness",
    "plot_composition",
    "plot_timeseries",
    "timeseries_figure",
    "plot_paired",
    "plot_reliability",
    "figure_bytes",
]

#: Okabe & Ito (2008), reordered so that the first colours are the most
#: distinct on white: orange, sky blue, bluish green, blue, vermillion,
#: reddish purple, then yellow (low contrast) and black.
PALETTE: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
#: Diverging colour-blind-safe colormap of the effect heatmap (purple: the
#: first group higher, orange: the second group higher).
DIVERGING_CMAP = "PuOr"
FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: The one colour of figures that label their groups instead of colouring
#: them (Okabe & Ito blue): a cycling palette cannot tell 40 outlets apart.
INK = PALETTE[3]
#: No PNG from :func:`figure_bytes` is wider or taller than this (pixels):
#: a larger figure is rendered at a lower dpi.
MAX_FIGURE_PIXELS = 4000

_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # bundled with matplotlib: identical glyphs everywhere
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.title_fontsize": 8,
    "figure.titlesize": 11,
    "figure.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "grid.color": "0.88",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.hashsalt": "framing",  # stable clip-path ids instead of random UUIDs
    "svg.fonttype": "path",  # text as paths: no dependence on the viewer's fonts
    "pdf.fonttype": 42,  # embedded TrueType (Type 3 fonts are refused by some journals)
    "ps.fonttype": 42,
}
# Version-free producer fields and no dates: the run manifest records the
# matplotlib version, so figures change only when the rendering changes.
_METADATA: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": "framing (matplotlib)"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "framing (matplotlib)", "Producer": None},
}
# effect -> (label, null value)
_EFFECTS: dict[str, tuple[str, float]] = {
    "rate_difference": ("rate difference (first − second group)", 0.0),
    "rate_ratio": ("rate ratio (first / second group)", 1.0),
    "cohens_d": ("Cohen's d (standard deviations)", 0.0),
    "hedges_g": ("Hedges' g (standard deviations)", 0.0),
    "cliffs_delta": ("Cliff's delta (−1 to 1)", 0.0),
    "cohens_dz": ("Cohen's d_z, paired (standard deviations of the differences)", 0.0),
}
# keyness method -> (what is plotted, axis label, centre)
_KEYNESS: dict[str, tuple[str, str, float]] = {
    "log_odds": ("statistic", "z-score of the log-odds ratio (Monroe et al. 2008)", 0.0),
    "log_ratio": ("estimate", "log2 ratio of relative frequencies (Hardie 2014)", 0.0),
    "odds_ratio": ("log2_estimate", "log2 odds ratio", 0.0),
    "pct_diff": ("estimate", "%DIFF (Gabrielatos & Marchi 2012)", 0.0),
    "chi2": ("signed_statistic", "chi-square, signed (+: more frequent in {a})", 0.0),
    "g2": ("signed_statistic", "log-likelihood G², signed (+: more frequent in {a})", 0.0),
    "welch": ("estimate", "difference in mean per-document rate ({a} − {b})", 0.0),
    "permutation": ("estimate", "difference in mean per-document rate ({a} − {b})", 0.0),
    "mannwhitney": ("estimate", "P(rate in {a} > rate in {b}), ties count ½", 0.5),
}
# labels keyed by the vocabulary's names (a name added there fails here, at import)
_CORRECTION_LABELS = {"bh": "BH-adjusted", "by": "BY-adjusted", "holm": "Holm-adjusted",
                      "bonferroni": "Bonferroni-adjusted", "none": "unadjusted"}
_CORRECTIONS = {name: _CORRECTION_LABELS[name] for name in CORRECTIONS}
_DENOMINATOR_LABELS = {"per_1000_tokens": "per 1,000 tokens", "per_token": "per token", "raw": "raw"}
_DENOMINATORS = {name: _DENOMINATOR_LABELS[name] for name in NORMALIZATIONS}
_UNITS = {"story": "stories", "document": "documents", "cluster": "clusters"}
_RATES = {"mean": ("mean_rate", "mean_low", "mean_high"), "pooled": ("pooled_rate", "pooled_low", "pooled_high")}
_KEYNESS_COLORS = (PALETTE[3], PALETTE[4])  # blue, vermillion
_HATCHES = ("", "///", "...", "xxx")
_LINESTYLES = ("-", "--", ":", "-.")
_LABEL_ITERATIONS = 300
_PANEL_WIDTH = 2.6  # inches of one small-multiple panel's plotting area
_ROW_HEIGHT = 0.22  # inches per group row of a rates panel (8 pt labels with a little air)


# ------------------------------------------------------------------ helpers


@contextmanager
def _style() -> Iterator[None]:
    """matplotlib's defaults plus the house style, restored on exit."""
    with mstyle.context(["default", _RC]):
        yield


def _check_table(table: Any, name: str, columns: Sequence[str]) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; needs {', '.join(columns)}")
    if table.empty:
        raise ValueError(f"{name}: the table is empty; nothing to plot")


def _choose(value: Any, allowed: Sequence[Any], name: str, where: str) -> None:
    if value not in allowed:
        raise ValueError(f"{name}: {value!r} is not in {where}; choose from {', '.join(map(str, allowed))}")


def _sorted(values: Any) -> list:
    return sorted(pd.unique(pd.Series(list(values), dtype=object)).tolist(), key=str)


def _single(table: pd.DataFrame, column: str, name: str) -> Any:
    values = list(dict.fromkeys(table[column].tolist()))
    if len(values) != 1:
        raise ValueError(f"{name}: rows mix several {column} values ({', '.join(map(str, values))}); "
                         f"pass rows of one {column}")
    return values[0]


def _no_duplicates(table: pd.DataFrame, keys: list[str], name: str) -> None:
    dup = table.duplicated(keys)
    if dup.any():
        row = table.loc[dup, keys].iloc[0]
        where = ", ".join(f"{k}={row[k]!r}" for k in keys)
        raise ValueError(f"{name}: several rows for {where}; expected one row per {', '.join(keys)}")


def _select_method(table: pd.DataFrame, method: str | None, name: str) -> tuple[pd.DataFrame, str]:
    """Rows of one test method: ``method``, or the first in order of appearance."""
    methods = list(dict.fromkeys(table["method"].tolist()))
    if method is None:
        method = methods[0]
    _choose(method, methods, "method", name)
    return table[table["method"] == method], method


def _colors(names: Sequence[Any]) -> dict[Any, str]:
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(_sorted(names))}


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(fig)
        return fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax: expected a matplotlib Axes or None, got {type(ax).__name__}")
    # an Axes made elsewhere took the rcParams of its time: apply the house style to it
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=_RC["xtick.labelsize"])
    ax.set_axisbelow(True)
    return ax


def _text_inches(texts: Sequence[str], fontsize: float) -> float:
    """The width in inches of the widest of ``texts`` at ``fontsize``
    points, measured with the Agg renderer under the current style (call
    inside :func:`_style`): figure sizes follow their labels, so long
    outlet names are never cut off and a layout never collapses."""
    fig = Figure(dpi=72)
    renderer = FigureCanvasAgg(fig).get_renderer()
    widths = [fig.text(0, 0, str(t), fontsize=fontsize).get_window_extent(renderer).width for t in texts]
    return max(widths, default=0.0) / 72


def _grid(ax: Axes, axis: str = "both") -> None:
    ax.grid(True, axis=axis, color=_RC["grid.color"], linewidth=_RC["grid.linewidth"])


def _darker(color: str, amount: float = 0.3) -> tuple[float, float, float]:
    """The colour mixed with black (label text stays legible on white)."""
    return tuple(float(c) * (1 - amount) for c in mcolors.to_rgb(color))


def _levels(alpha: float) -> tuple[float, float, float]:
    """Thresholds of ``*``, ``**``, ``***``: alpha, alpha/5, alpha/50 (0.05, 0.01, 0.001)."""
    return tuple(float(f"{alpha / k:.12g}") for k in (1, 5, 50))  # type: ignore[return-value]


def _marks(p: float, alpha: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    one, two, three = _levels(alpha)
    return "***" if p < three else "**" if p < two else "*" if p < one else ""


def _legend(alpha: float) -> str:
    one, two, three = _levels(alpha)
    return f"* < {one:g}, ** < {two:g}, *** < {three:g}, n/a: no p-value"


def _fmt(v: float) -> str:
    if np.isnan(v):
        return "n/a"
    if np.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:.3g}".replace("-", "−")


def _percent(confidence: float) -> str:
    return f"{100 * float(confidence):g}%"


def _rate_axis_label(rows: pd.DataFrame, rate: str) -> str:
    denominator = str(_single(rows, "denominator", "summary"))
    unit = "per-cluster" if _single(rows, "unit", "summary") == "cluster" else "per-document"
    what = f"mean {unit} rate" if rate == "mean" else "pooled rate"
    scale = _DENOMINATORS.get(denominator, denominator.replace("_", " "))
    return f"{what} ({scale}), {_percent(_single(rows, 'confidence', 'summary'))} bootstrap CI"


# -------------------------------------------------------------------- rates


def _rate_rows(summary: pd.DataFrame, category: Any, rate: str) -> pd.DataFrame:
    _choose(category, _sorted(summary["category"]), "category", "summary")
    rows = summary[summary["category"] == category]
    _no_duplicates(rows, ["group", "category"], "summary")
    return rows.iloc[np.argsort([str(g) for g in rows["group"]], kind="stable")]


def _by_estimate(rows: pd.DataFrame, rate: str) -> pd.DataFrame:
    """Rows ordered by the rate, highest first (NaN last, ties by group name)."""
    est = rows[_RATES[rate][0]].to_numpy(dtype=float)
    keys = [(bool(np.isnan(e)), -e if not np.isnan(e) else 0.0, str(g)) for e, g in zip(est, rows["group"])]
    return rows.iloc[sorted(range(len(rows)), key=keys.__getitem__)]


def _rate_right(rows: pd.DataFrame, rate: str) -> float:
    """The right end of a rate axis (its left end is 0).

    1.05 × the larger of the largest estimate and the smaller of the
    largest finite upper CI bound and twice the largest estimate: every
    point is inside, and so is every whisker unless one CI reaches past
    twice the largest rate (a small group's wide interval), which would
    squash every other row; such a whisker is truncated (see
    :func:`_draw_rates`).  1 when nothing positive is finite.
    """
    est, _, high = (rows[c].to_numpy(dtype=float) for c in _RATES[rate])
    est, high = est[np.isfinite(est)], high[np.isfinite(high)]
    top_est = float(est.max()) if est.size else 0.0
    top_high = float(high.max()) if high.size else 0.0
    right = max(top_est, min(top_high, 2 * top_est)) if top_est > 0 else top_high
    return 1.05 * right if np.isfinite(right) and right > 0 else 1.0


def _draw_rates(ax: Axes, rows: pd.DataFrame, rate: str, right: float | None = None) -> None:
    """Dot and whisker per group on an axis from 0 to ``right`` (default
    :func:`_rate_right`).  Everything is clipped to the axes: a whisker
    end outside it (a negative lower bound, an upper bound past ``right``
    or infinite) stops at the axis edge with an arrowhead instead of a
    cap; a missing (NaN) end has no whisker on that side."""
    right = _rate_right(rows, rate) if right is None else right
    est, low, high = (rows[c].to_numpy(dtype=float) for c in _RATES[rate])
    for i, (e, lo, hi) in enumerate(zip(est, low, high)):
        if not np.isfinite(e):
            ax.errorbar([np.nan], [i], xerr=[[0.0], [0.0]], fmt="o", color=INK, markersize=5)
            continue
        ends = []
        for end, edge, arrow, outside in ((lo, 0.0, "<", lambda v: v < 0.0), (hi, right, ">", lambda v: v > right)):
            if np.isnan(end):
                ends.append((e, None))
            elif outside(end):
                ends.append((edge, arrow))
            else:
                ends.append((float(end), "|"))
        (left, left_mark), (rightmost, right_mark) = ends
        ax.errorbar([e], [i], xerr=[[max(e - left, 0.0)], [max(rightmost - e, 0.0)]], fmt="o", color=INK,
                    markersize=5, elinewidth=1.4, capsize=0)
        for x, marker in ((left, left_mark), (rightmost, right_mark)):
            if marker == "|":
                ax.plot([x], [i], marker="|", color=INK, markersize=6, markeredgewidth=1.4)
            elif marker is not None:  # an arrowhead at the axis edge: the interval goes on
                ax.plot([x], [i], marker=marker, color=INK, markersize=5, markeredgewidth=0, clip_on=False)
    ax.set_yticks(range(len(rows)), _rate_labels(rows))
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, right)
    _grid(ax, "x")
    ax.set_xlabel(_rate_axis_label(rows, rate))


def _rate_labels(rows: pd.DataFrame) -> list[str]:
    return [f"{g} (n={n})" for g, n in zip(rows["group"], rows["n_docs"])]


def _check_rates(summary: pd.DataFrame, rate: str) -> None:
    check_choice("rate", rate, tuple(_RATES))
    _check_table(summary, "summary", ("group", "category", *_RATES[rate], "n_docs", "unit", "denominator", "confidence"))


def plot_rates(summary: pd.DataFrame, *, category: Any, rate: str = "mean", ax: Axes | None = None) -> Axes:
    """Dot-and-whisker plot of one category's rate per group with its CI.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`framing.stats.summarize` (``SUMMARY_COLUMNS``).
    category : str
        The category to plot.
    rate : {"mean", "pooled"}
        ``mean_rate`` (mean of per-document rates) or ``pooled_rate``
        (hits / tokens), each with its bootstrap CI.  The axis label names
        the denominator and the confidence level.
    ax : Axes, optional

    Returns
    -------
    Axes
        One errorbar container per group, in one colour (the labels name
        the groups), highest rate at the top (ties by group name; a group
        with one unit has no whisker).  Whiskers stay inside the axes: one
        reaching past the x-range (see :func:`rates_figure`) ends in an
        arrowhead at the edge.
    """
    _check_rates(summary, rate)
    rows = _by_estimate(_rate_rows(summary, category, rate), rate)
    with _style():
        labels = _text_inches(_rate_labels(rows), _RC["ytick.labelsize"])
        ax = _new_axes(ax, (max(5.5, labels + 3.9), 0.3 * len(rows) + 1.6))
        _draw_rates(ax, rows, rate)
        ax.set_title(f"{category}: cue rate by group")
    return ax


def rates_figure(summary: pd.DataFrame, *, rate: str = "mean", categories: Sequence[Any] | None = None,
                 ncols: int = 3, sharex: bool = False) -> Figure:
    """Small multiples of :func:`plot_rates`, one panel per category.

    ``categories`` gives the panels and their order (default: every
    category, sorted); ``ncols`` panels per row.  Groups are in one order
    in every panel: by their mean rate over the panels, highest first
    (ties by name), so a group is on the same row everywhere, and its
    label is written once per row of panels (on every panel only when the
    panels hold different groups or document counts).
    ``sharex=True`` gives every panel the same x-scale, so panels can be
    compared by eye; by default each panel has its own.  An axis runs
    from 0 to 1.05 × the larger of the largest rate and the smaller of the
    largest finite upper CI bound and twice the largest rate: a whisker
    reaching further (or below 0, or infinite) is truncated at the axis
    edge and ends in an arrowhead instead of a cap; nothing is drawn
    outside its panel.

    The figure's size follows its content: 0.22 in per group row, a
    2.6 in wide plotting area per panel and a left margin as wide as the
    widest group label (measured), with fixed margins in inches instead
    of a layout engine, so 40 outlets with long names neither cut labels
    off nor collapse the layout.  Returns the Figure.
    """
    _check_rates(summary, rate)
    allowed = _sorted(summary["category"])
    if categories is None:
        categories = allowed
    else:
        if isinstance(categories, str) or not len(categories):
            raise ValueError(f"categories: expected a non-empty list of categories, got {categories!r}")
        for category in categories:
            _choose(category, allowed, "categories", "summary")
        if len(set(categories)) != len(categories):
            raise ValueError(f"categories: {list(categories)!r} names a category twice")
    ncols = min(check_int("ncols", ncols, low=1), len(categories))
    check_bool("sharex", sharex)
    nrows = math.ceil(len(categories) / ncols)
    panels = [_rate_rows(summary, c, rate) for c in categories]
    chosen = pd.concat(panels)
    means = chosen.groupby(chosen["group"].astype(str), sort=True)[_RATES[rate][0]].mean()
    rank = {g: i for i, g in enumerate(sorted(means.index, key=lambda g: (bool(np.isnan(means[g])),
                                                                        -np.nan_to_num(means[g]), g)))}
    panels = [p.iloc[np.argsort([rank[str(g)] for g in p["group"]], kind="stable")] for p in panels]
    same_groups = all(p["group"].tolist() == panels[0]["group"].tolist()
                      and p["n_docs"].tolist() == panels[0]["n_docs"].tolist() for p in panels)
    n_groups = max(len(p) for p in panels)
    right = _rate_right(chosen, rate) if sharex else None
    with _style():
        # the layout in inches, from the number of groups and panels and the widest label: fixed
        # margins instead of a layout engine, so it cannot collapse and warns about nothing
        label = _text_inches([t for p in panels for t in _rate_labels(p)], _RC["ytick.labelsize"]) + 0.15
        panel_w, plot_h = _PANEL_WIDTH, _ROW_HEIGHT * n_groups
        title_h, ticks_h, row_gap, top, bottom, left, right_margin = 0.32, 0.3, 0.2, 0.45, 0.4, 0.1, 0.3
        gap = 0.35 if same_groups else label + 0.35  # labels once per row of panels, or on every panel
        width = left + label + ncols * panel_w + (ncols - 1) * gap + right_margin
        height = top + nrows * (title_h + plot_h + ticks_h) + (nrows - 1) * row_gap + bottom
        fig = Figure(figsize=(width, height))
        FigureCanvasAgg(fig)
        axes = []
        for i in range(len(categories)):
            r, c = divmod(i, ncols)
            x0 = left + label + c * (panel_w + gap)
            y0 = height - top - title_h - plot_h - r * (title_h + plot_h + ticks_h + row_gap)
            axes.append(fig.add_axes((x0 / width, y0 / height, panel_w / width, plot_h / height)))
        for i, (category, rows) in enumerate(zip(categories, panels)):
            _draw_rates(axes[i], rows, rate, right)
            axes[i].set_title(str(category))
            axes[i].set_xlabel("")
            if same_groups and i % ncols:
                axes[i].tick_params(labelleft=False)
        fig.suptitle("Cue rates by group and category", y=1 - 0.12 / height, va="top")
        fig.supxlabel(_rate_axis_label(summary, rate), x=(left + label + (width - left - label - right_margin) / 2)
                      / width, y=0.08 / height, va="bottom")
    return fig


# ------------------------------------------------------------------ effects


def _effect(table: pd.DataFrame, name: str) -> str:
    effect = _single(table, "effect", name)
    check_choice("effect", effect, tuple(_EFFECTS))
    return effect


def _effect_label(effect: str, denominator: str | None) -> str:
    """The axis label of an effect, with its unit: a rate difference is in
    the rates' unit (``denominator``, "rate units" when not given)."""
    label = _EFFECTS[effect][0]
    if effect == "rate_difference":
        unit = "rate units" if denominator is None else _DENOMINATORS[denominator]
        label = f"{label}, {unit}"
    return label


def _check_denominator(denominator: Any) -> str | None:
    if denominator is not None:
        check_choice("denominator", denominator, tuple(_DENOMINATORS))
    return denominator


def _top_pairs(table: pd.DataFrame, effect: str, max_pairs: int | None, reference: Any) -> tuple[list, int]:
    """The pairs a figure shows and how many there are: those with
    ``reference`` as one side (when given), then at most ``max_pairs`` of
    them with the largest absolute effect in any category (``log2`` of a
    ratio; NaN counts as 0; ties by pair name), in name order."""
    pairs = sorted(dict.fromkeys(zip(table["group_a"], table["group_b"])), key=lambda p: (str(p[0]), str(p[1])))
    total = len(pairs)
    if reference is not None:
        groups = _sorted(list(table["group_a"]) + list(table["group_b"]))
        _choose(reference, groups, "reference", "the table's groups")
        pairs = [p for p in pairs if reference in p]
    if max_pairs is not None and len(pairs) > max_pairs:
        with np.errstate(divide="ignore", invalid="ignore"):
            est = table["estimate"].to_numpy(dtype=float)
            size = np.abs(np.log2(est) if effect == "rate_ratio" else est)
        size = np.where(np.isnan(size), 0.0, size)
        biggest: dict[tuple, float] = {}
        for a, b, v in zip(table["group_a"], table["group_b"], size):
            biggest[(a, b)] = max(biggest.get((a, b), 0.0), float(v))
        ranked = sorted(pairs, key=lambda p: (-biggest[p], str(p[0]), str(p[1])))[:max_pairs]
        keep = set(ranked)
        pairs = [p for p in pairs if p in keep]
    return pairs, total


def plot_effect_heatmap(compare: pd.DataFrame, *, method: str | None = None, alpha: float = 0.05,
                        max_pairs: int | None = None, reference: Any = None, denominator: str | None = None,
                        ax: Axes | None = None) -> Axes:
    """Heatmap of pairwise effects: rows = pairs "A vs B", columns = categories.

    Colour is the effect estimate on a diverging scale with symmetric
    limits: ``log2(rate ratio)`` centred at 0 (ratio 1) for
    ``effect="rate_ratio"``, the estimate centred at 0 for differences,
    *d*, *g* and Cliff's delta.  Infinite estimates (a zero rate) take the
    end colour; NaN cells are light grey.  Each cell shows the estimate
    and marks from ``p_adj``: ``*`` < ``alpha``, ``**`` < ``alpha / 5``,
    ``***`` < ``alpha / 50`` (0.05, 0.01, 0.001 by default), ``n/a`` when
    there is no p-value.  Text is white on dark cells.

    Parameters
    ----------
    compare : DataFrame
        Output of :func:`framing.stats.compare` (``COMPARE_COLUMNS``).
    method : str, optional
        The test whose ``p_adj`` marks the cells when the table holds
        several methods; default the first method in order of appearance
        (the first of ``compare(methods=...)``).
    alpha : float, default 0.05
        Level of a single ``*``; the thresholds are printed under the
        heatmap.
    max_pairs : int, optional
        Show at most this many pairs: those with the largest absolute
        effect in any category (``log2`` of a ratio; ties by pair name).
        k groups make k(k−1)/2 pairs; the title says how many are shown.
    reference : optional
        Show only the pairs with this group on one side (a reference
        outlet), before ``max_pairs``.
    denominator : str, optional
        The rates' unit (``per_1000_tokens``, ``per_token``, ``raw``),
        named on the colour bar of a rate difference.
    ax : Axes, optional
        A colour bar is added next to it.
    """
    _check_table(compare, "compare",
                 ("category", "group_a", "group_b", "effect", "estimate", "method", "p_adj", "correction", "unit"))
    check_number("alpha", alpha, low=0.0, high=1.0, low_open=True, high_open=True)
    if max_pairs is not None:
        max_pairs = check_int("max_pairs", max_pairs, low=1)
    denominator = _check_denominator(denominator)
    table, method = _select_method(compare, method, "compare")
    effect = _effect(table, "compare")
    correction, unit = _single(table, "correction", "compare"), _single(table, "unit", "compare")
    _no_duplicates(table, ["group_a", "group_b", "category"], "compare")
    pairs, n_all = _top_pairs(table, effect, max_pairs, reference)
    index = {p: i for i, p in enumerate(pairs)}
    table = table[[(a, b) in index for a, b in zip(table["group_a"], table["group_b"])]]
    categories = _sorted(table["category"])
    estimate = np.full((len(pairs), len(categories)), np.nan)
    p_adj = np.full_like(estimate, np.nan)
    present = np.zeros(estimate.shape, dtype=bool)
    for a, b, c, e, p in zip(table["group_a"], table["group_b"], table["category"], table["estimate"], table["p_adj"]):
        i, j = index[(a, b)], categories.index(c)
        estimate[i, j], p_adj[i, j], present[i, j] = e, p, True
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.log2(estimate) if effect == "rate_ratio" else estimate.copy()
    finite = np.abs(values[np.isfinite(values)])
    vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    norm = mcolors.Normalize(vmin=-vmax, vmax=vmax)
    cmap = matplotlib.colormaps[DIVERGING_CMAP].with_extremes(bad="0.85")
    label = _effect_label(effect, denominator)
    shown = "" if len(pairs) == n_all else (
        f"\n{len(pairs)} of {n_all} pairs" + (f" with {reference}" if reference is not None else "")
        + (", largest effects" if max_pairs is not None and len(pairs) == max_pairs else ""))
    title = f"Pairwise effects by category: {label}{shown}"
    xlabel = (f"marks: {method} test, {_CORRECTIONS.get(correction, correction)} p {_legend(alpha)}; "
              f"unit: {unit}")
    pair_labels = [f"{a} vs {b}" for a, b in pairs]
    with _style():
        # wide enough for the pair labels, the cells and the colour bar, and for the title and the
        # marks line (centred on the cells, so they may need the label margin on both sides)
        names = _text_inches(pair_labels, _RC["ytick.labelsize"]) + 0.2
        texts = max(_text_inches(title.split("\n"), _RC["axes.titlesize"]), _text_inches([xlabel], 7.5))
        width = max(4.8, names + 0.72 * len(categories) + 2.2, texts + names + 0.4)
        ax = _new_axes(ax, (width, max(2.8, 0.5 * len(pairs) + 2.4)))
        image = ax.imshow(np.ma.masked_invalid(np.clip(values, -vmax, vmax)), cmap=cmap, norm=norm, aspect="auto")
        for i in range(len(pairs)):
            for j in range(len(categories)):
                if not present[i, j]:
                    continue
                shade = 0.5 if np.isnan(values[i, j]) else norm(np.clip(values[i, j], -vmax, vmax))
                ink = "white" if abs(float(shade) - 0.5) > 0.32 else "black"
                marks = _marks(p_adj[i, j], alpha)
                ax.text(j, i, _fmt(estimate[i, j]) + (f"\n{marks}" if marks else ""), ha="center", va="center",
                        fontsize=7, color=ink)
        ax.set_xticks(range(len(categories)), [str(c) for c in categories], rotation=40, ha="right",
                      rotation_mode="anchor")
        ax.set_yticks(range(len(pairs)), pair_labels)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.9)
        bar.set_label(f"log2 {label}" if effect == "rate_ratio" else label)
        ax.set_title(title)
        ax.set_xlabel(xlabel, fontsize=7.5)
    return ax


# ------------------------------------------------------------------ keyness


def _renderer(fig: Figure) -> Any:
    get = getattr(fig.canvas, "get_renderer", None)
    return get() if get is not None else RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)


def _place_labels(ax: Axes, items: list[tuple[float, float, str, str, int]], fontsize: float = 7.0) -> list:
    """Label points ``(x, y, text, colour, direction)`` without overlapping labels.

    Labels start next to their point (left of it in the right quarter of
    the axes).  The layout is then fixed (``draw_without_rendering``), the
    labels' extents are measured with the canvas renderer, and labels are
    placed one by one in the given order: while a label overlaps one
    already placed, it is nudged vertically in its ``direction`` (-1 down,
    +1 up) just clear of the overlapped ones (at most
    ``_LABEL_ITERATIONS`` nudges).  Callers order each end of a plot from
    the outside in and nudge towards the centre, so a label stays near its
    point.  Labels are kept inside the axes; only when more labels are
    asked for than fit in its height can two overlap.  Deterministic.
    Labels that moved get a thin leader line to their point; labels do
    not take part in the layout (``set_in_layout(False)``).
    """
    if not items:
        return []
    fig = ax.figure
    fig.draw_without_rendering()  # final layout, so display positions are those of the saved figure
    renderer = _renderer(fig)
    x_lo, x_hi = ax.get_xlim()
    anns = []
    for x, y, text, color, _ in items:
        left = (x - x_lo) / (x_hi - x_lo) > 0.75
        ann = ax.annotate(text, (x, y), xytext=(-4 if left else 4, 0), textcoords="offset points",
                          ha="right" if left else "left", va="center", fontsize=fontsize, color=color)
        ann.set_in_layout(False)
        anns.append(ann)
    boxes = [a.get_window_extent(renderer) for a in anns]  # no arrows yet: the text boxes
    n = len(anns)
    # the labelled points themselves are obstacles too (indices n..2n-1)
    marks = ax.transData.transform([(x, y) for x, y, *_ in items])
    r = 3.0 * fig.dpi / 72
    x0 = np.array([b.x0 for b in boxes] + list(marks[:, 0] - r))
    x1 = np.array([b.x1 for b in boxes] + list(marks[:, 0] + r))
    y0 = np.array([b.y0 for b in boxes] + list(marks[:, 1] - r))
    h = np.array([b.height for b in boxes] + [2 * r] * n)
    pad = 1.5 * fig.dpi / 72
    lo, hi = ax.bbox.y0, ax.bbox.y1
    bottom = y0.copy()
    bottom[:n] = np.clip(y0[:n], lo, np.maximum(hi - h[:n], lo))
    placed: list[int] = list(range(n, 2 * n))
    for i, (*_, direction) in enumerate(items):
        for _ in range(_LABEL_ITERATIONS):
            hits = [j for j in placed if x0[i] < x1[j] and x0[j] < x1[i]
                    and bottom[i] < bottom[j] + h[j] + pad and bottom[j] < bottom[i] + h[i] + pad]
            if not hits:
                break
            if direction < 0:
                bottom[i] = min(bottom[j] for j in hits) - pad - h[i]
            else:
                bottom[i] = max(bottom[j] + h[j] for j in hits) + pad
        bottom[i] = min(max(bottom[i], lo), max(hi - h[i], lo))
        placed.append(i)
    points = 72 / fig.dpi
    result = []
    for ann, b, y_start in zip(anns, bottom[:n], y0[:n]):
        dy = (b - y_start) * points
        kwargs: dict[str, Any] = dict(xytext=(ann.xyann[0], dy), textcoords="offset points", ha=ann.get_ha(),
                                      va="center", fontsize=fontsize, color=ann.get_color())
        if abs(dy) > 3:
            kwargs["arrowprops"] = dict(arrowstyle="-", color="0.6", linewidth=0.5, shrinkA=1, shrinkB=2)
        text, xy = ann.get_text(), ann.xy
        ann.remove()
        new = ax.annotate(text, xy, **kwargs)
        new.set_in_layout(False)
        result.append(new)
    return result


def _keyness_y(rows: pd.DataFrame, kind: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "statistic":
            return rows["statistic"].to_numpy(dtype=float)
        if kind == "log2_estimate":
            return np.log2(rows["estimate"].to_numpy(dtype=float))
        if kind == "signed_statistic":
            sign = np.sign(rows["rate_a"].to_numpy(dtype=float) - rows["rate_b"].to_numpy(dtype=float))
            return sign * rows["statistic"].to_numpy(dtype=float)
        return rows["estimate"].to_numpy(dtype=float)


def plot_keyness(keyness: pd.DataFrame, *, group_a: Any = None, top: int = 15, ax: Axes | None = None) -> Axes:
    """Distinctive terms in the style of Monroe et al. (2008), "Fightin' Words".

    x is ``log10(count_a + count_b)`` (total frequency of the term), y
    the method's signed distinctiveness: ``statistic`` (*z*) for
    ``log_odds``; otherwise ``estimate`` (``log2`` of it for
    ``odds_ratio``; for ``chi2``/``g2``, which have no estimate, the
    statistic signed by ``rate_a - rate_b``; ``mannwhitney`` is centred at
    0.5).  Every term is a small grey point; the ``top`` terms at each end
    are coloured by side (``group_a`` blue, ``group_b`` vermillion, or dark
    grey for ``(rest)``/``(all)``: a two-sided contrast, and a table
    filtered to one comparison no longer knows every group, so the
    per-group colours of the other figures could not be kept reliably)
    and labelled without overlap
    (:func:`_place_labels`).  Terms with no finite value (e.g. a %DIFF of
    +inf) cannot be placed and are counted in the title.  Token-level
    tables are marked as descriptive (see :mod:`framing.stats.keyness`).

    Parameters
    ----------
    keyness : DataFrame
        ``KEYNESS_COLUMNS`` rows of one method.
    group_a : optional
        The comparison to plot (its ``group_a``) when the table holds
        several; required then.
    top : int, default 15
    ax : Axes, optional
    """
    _check_table(keyness, "keyness", ("group_a", "group_b", "comparison", "term", "count_a", "count_b", "method",
                                      "unit", "estimate", "statistic", "rate_a", "rate_b"))
    top = check_int("top", top, low=1)
    comparisons = sorted(dict.fromkeys(zip(keyness["group_a"], keyness["group_b"])),
                         key=lambda p: (str(p[0]), str(p[1])))
    names = ", ".join(f"{a} vs {b}" for a, b in comparisons)
    if group_a is None:
        if len(comparisons) > 1:
            raise ValueError(f"group_a: keyness holds {len(comparisons)} comparisons ({names}); pass group_a= one of "
                             f"{', '.join(map(str, dict.fromkeys(a for a, _ in comparisons)))}")
        group_a = comparisons[0][0]
    _choose(group_a, list(dict.fromkeys(a for a, _ in comparisons)), "group_a", "keyness")
    chosen = [c for c in comparisons if c[0] == group_a]
    if len(chosen) > 1:
        raise ValueError(f"group_a: {group_a!r} matches {len(chosen)} comparisons "
                         f"({', '.join(f'{a} vs {b}' for a, b in chosen)}); filter keyness to one group_b first")
    group_b = chosen[0][1]
    rows = keyness[(keyness["group_a"] == group_a) & (keyness["group_b"] == group_b)]
    method = _single(rows, "method", "keyness")
    check_choice("method", method, tuple(_KEYNESS))
    _no_duplicates(rows, ["term"], "keyness")
    kind, ylabel, centre = _KEYNESS[method]
    y = _keyness_y(rows, kind)
    with np.errstate(divide="ignore"):
        x = np.log10(rows["count_a"].to_numpy(dtype=float) + rows["count_b"].to_numpy(dtype=float))
    terms = rows["term"].astype(str).to_numpy()
    keep = np.isfinite(x) & np.isfinite(y)
    order_hi = sorted((i for i in np.flatnonzero(keep) if y[i] > centre), key=lambda i: (-y[i], terms[i]))[:top]
    order_lo = sorted((i for i in np.flatnonzero(keep) if y[i] < centre), key=lambda i: (y[i], terms[i]))[:top]
    color_a, color_b = _KEYNESS_COLORS[0], ("0.25" if group_b in (REST, ALL) else _KEYNESS_COLORS[1])
    with _style():
        ax = _new_axes(ax, (8.5, 5.8))
        ax.scatter(x[keep], y[keep], s=5, color="0.72", linewidths=0, zorder=1)
        for order, color, name in ((order_hi, color_a, group_a), (order_lo, color_b, group_b)):
            ax.scatter(x[order], y[order], s=16, color=color, linewidths=0, zorder=2,
                       label=f"top {len(order)}: {name}")
        ax.axhline(centre, color="0.45", linewidth=0.8, zorder=0)
        _grid(ax)
        span_x = max(float(np.ptp(x[keep])), 1.0) if keep.any() else 1.0
        span_y = max(float(np.ptp(y[keep])), 1.0) if keep.any() else 1.0
        if keep.any():
            ax.set_xlim(x[keep].min() - 0.04 * span_x, x[keep].max() + 0.04 * span_x)
            ax.set_ylim(y[keep].min() - 0.08 * span_y, y[keep].max() + 0.08 * span_y)
        ax.set_xlabel(f"log10 frequency (count in {group_a} + {group_b})")
        ax.set_ylabel(ylabel.format(a=group_a, b=group_b))
        note = _single(rows, "unit", "keyness")
        hidden = int((~keep).sum())
        ax.set_title(f"Distinctive terms: {group_a} vs {group_b}\n{method}, {note}-level"
                     f"{' (descriptive)' if note == 'token' else ''}, {int(keep.sum())} terms"
                     f"{f'; {hidden} without a finite value not shown' if hidden else ''}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, markerscale=1.2)
        ink_a, ink_b = _darker(color_a), _darker(color_b)
        items = [(x[i], y[i], terms[i], ink_a, -1) for i in order_hi] + [(x[i], y[i], terms[i], ink_b, 1) for i in order_lo]
        _place_labels(ax, items)
    return ax


# ------------------------------------------------------------- composition


def plot_composition(summary: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Horizontal stacked bars: each group's cue hits (``count``) split by category.

    One bar per group (sorted, first at the top); segments are the
    category shares of that group's hits, in sorted category order with
    consistent colours (hatched beyond eight categories).  Shares of at
    least 6% are written in the segment.  A group without any hits has an
    empty bar marked "no cue hits".
    """
    _check_table(summary, "summary", ("group", "category", "count"))
    _no_duplicates(summary, ["group", "category"], "summary")
    groups, categories = _sorted(summary["group"]), _sorted(summary["category"])
    counts = summary.pivot(index="group", columns="category", values="count").reindex(index=groups, columns=categories)
    if counts.isna().any().any():
        g, c = counts.stack(future_stack=True).loc[lambda s: s.isna()].index[0]
        raise ValueError(f"summary: no row for group {g!r}, category {c!r}; pass a complete summarize() table")
    counts = counts.to_numpy(dtype=float)
    if (counts < 0).any():
        raise ValueError("summary: count holds negative values; expected hit counts")
    totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = 100 * counts / totals[:, None]
    labels = [f"{g} ({int(t)} hits)" for g, t in zip(groups, totals)]
    with _style():
        # the group labels, 4.5 in of bars and the legend beside them
        legend_w = _text_inches(["category", *map(str, categories)], _RC["legend.fontsize"]) + 0.6
        width = max(8.0, _text_inches(labels, _RC["ytick.labelsize"]) + 4.9 + legend_w)
        ax = _new_axes(ax, (width, 0.45 * len(groups) + 1.9))
        left = np.zeros(len(groups))
        for j, category in enumerate(categories):
            width = np.nan_to_num(shares[:, j])
            color = PALETTE[j % len(PALETTE)]
            ax.barh(range(len(groups)), width, left=left, height=0.7, color=color, edgecolor="white",
                    linewidth=0.6, hatch=_HATCHES[(j // len(PALETTE)) % len(_HATCHES)], label=str(category))
            r, g, b = mcolors.to_rgb(color)
            ink = "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"
            for i, w in enumerate(width):
                if w >= 6:
                    ax.text(left[i] + w / 2, i, f"{w:.0f}%", ha="center", va="center", fontsize=7, color=ink)
            left += width
        for i, total in enumerate(totals):
            if total == 0:
                ax.text(1, i, "no cue hits", va="center", fontsize=8, color="0.3")
        ax.set_yticks(range(len(groups)), labels)
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel("share of the group's cue hits (%)")
        ax.set_title("Composition of cue hits by group")
        ax.legend(title="category", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


# ------------------------------------------------------------- time series


def _period_dates(timeseries: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows with a valid ISO ``period`` (as ``_date``) and how many
    rows were left out for an invalid one."""
    dates = pd.to_datetime(timeseries["period"].astype(str), errors="coerce", format="ISO8601")
    valid = dates.notna().to_numpy()
    return timeseries[valid].assign(_date=dates[valid].to_numpy()), int((~valid).sum())


def _calendar(dates: pd.Series, freq: str | None) -> np.ndarray:
    """Every period start from the first to the last date: the calendar
    sequence of ``freq`` (see :data:`framing.stats.summary.FREQUENCIES`),
    or the distinct dates of the table without one."""
    if freq is None or dates.empty:
        return np.sort(pd.unique(dates.to_numpy(dtype="datetime64[ns]")))
    periods = pd.period_range(dates.min(), dates.max(), freq=FREQUENCIES[freq])
    starts = periods.start_time.to_numpy(dtype="datetime64[ns]")
    return np.union1d(starts, dates.to_numpy(dtype="datetime64[ns]"))


def _date_axis(ax: Axes) -> None:
    """At most about six date ticks, each with its year (``Mar 2025``)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    formats = ["%Y", "%b %Y", "%d %b %Y", "%d %b %Y %H:%M", "%H:%M", "%H:%M:%S.%f"]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, formats=formats, zero_formats=formats,
                                                             show_offset=False))


def _draw_series(ax: Axes, rows: pd.DataFrame, calendar: np.ndarray, groups: list, colors: dict) -> None:
    for k, group in enumerate(groups):
        sub = rows[rows["group"] == group]
        full = pd.DataFrame({"_date": calendar}).merge(sub, on="_date", how="left")
        d = full["_date"].to_numpy(dtype="datetime64[ns]")
        ax.fill_between(d, full["mean_low"].to_numpy(dtype=float), full["mean_high"].to_numpy(dtype=float),
                        color=colors[group], alpha=0.2, linewidth=0)
        ax.plot(d, full["mean_rate"].to_numpy(dtype=float), marker="o", markersize=3, linewidth=1.4,
                linestyle=_LINESTYLES[(k // len(PALETTE)) % len(_LINESTYLES)], color=colors[group], label=str(group),
                clip_on=False)


def _check_timeseries(timeseries: pd.DataFrame, freq: str | None) -> tuple[pd.DataFrame, int]:
    _check_table(timeseries, "timeseries", ("group", "period", "category", "mean_rate", "mean_low", "mean_high",
                                            "denominator", "confidence", "unit"))
    if freq is not None:
        check_choice("freq", freq, tuple(FREQUENCIES))
    valid, n_invalid = _period_dates(timeseries)
    if valid.empty:
        bad = timeseries["period"].iloc[0]
        raise ValueError(f"timeseries: no period is an ISO date (YYYY-MM-DD), e.g. {bad!r}; nothing to plot")
    return valid, n_invalid


def plot_timeseries(timeseries: pd.DataFrame, *, category: Any, freq: str | None = None, legend: bool = True,
                    ax: Axes | None = None) -> Axes:
    """One line per group of a category's mean rate over ``period``, with CI bands.

    Bands are the ``mean_low``–``mean_high`` bootstrap CIs (missing for
    periods with a single document, which leave a gap in the band).
    ``period`` holds ISO dates (the first day of each period); rows whose
    period is not one are left out (the title counts them).  A period
    without a row for a group is a gap in its line, never a straight line
    across: the periods are the calendar sequence of ``freq`` (``day``,
    ``week``, ``month``, ``quarter``, ``year``) from the first to the last
    period, or, without ``freq``, every period of the table.  Date ticks
    carry the year.  The legend (``legend=True``) sits under the axes;
    :func:`timeseries_figure` draws small multiples with one legend.
    """
    rows, n_invalid = _check_timeseries(timeseries, freq)
    check_bool("legend", legend)
    _choose(category, _sorted(timeseries["category"]), "category", "timeseries")
    calendar = _calendar(rows["_date"], freq)
    rows = rows[rows["category"] == category]
    _no_duplicates(rows, ["group", "period", "category"], "timeseries")
    if rows.empty:
        raise ValueError(f"timeseries: category {category!r} has no row with an ISO date period; nothing to plot")
    colors = _colors(timeseries["group"])
    with _style():
        n_entries = len(_sorted(rows["group"])) + 1
        entry = _text_inches([str(g) for g in _sorted(rows["group"])], 7.0) + 0.55
        size = (max(7.5, 2 * entry + 0.6), 4.0 + (0.17 * math.ceil(n_entries / 2) + 0.3 if legend else 0.0))
        ax = _new_axes(ax, size)
        _draw_series(ax, rows, calendar, _sorted(rows["group"]), colors)
        _date_axis(ax)
        ax.set_ylim(bottom=0)
        _grid(ax, "y")
        ax.set_xlabel("period start")
        label = _rate_axis_label(rows, "mean")
        ax.set_ylabel(label[: label.rindex(",")].replace(" (", "\n("))
        ax.set_title(f"{category}: cue rate over time"
                     + (f"\n{n_invalid} row(s) without a valid date left out" if n_invalid else ""))
        if legend:
            handles, names = ax.get_legend_handles_labels()
            band = Patch(facecolor="0.6", alpha=0.35, linewidth=0)
            below = mtransforms.offset_copy(ax.transAxes, fig=ax.figure, y=-32, units="points")
            ax.legend([*handles, band], [*names, label[label.rindex(",") + 2:]],
                      loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncols=2,
                      fontsize=7, frameon=False, handlelength=1.6, columnspacing=1.0)
    return ax


def timeseries_figure(timeseries: pd.DataFrame, *, categories: Sequence[Any] | None = None, freq: str | None = None,
                      ncols: int = 3) -> Figure:
    """Small multiples of :func:`plot_timeseries`, one panel per category
    (default every category, sorted), with one legend for the figure
    under the panels.  Returns the Figure."""
    rows, _ = _check_timeseries(timeseries, freq)
    allowed = _sorted(timeseries["category"])
    categories = allowed if categories is None else list(categories)
    if not categories:
        raise ValueError("categories: expected a non-empty list of categories, got []")
    for category in categories:
        _choose(category, allowed, "categories", "timeseries")
    ncols = min(check_int("ncols", ncols, low=1), len(categories))
    nrows = math.ceil(len(categories) / ncols)
    n_groups = len(_sorted(timeseries["group"]))
    label = _rate_axis_label(rows, "mean")
    band_label = label[label.rindex(",") + 2:]
    with _style():
        # as many legend columns (at most 4) as fit the figure, which is made wide enough for two
        entry = _text_inches([*map(str, _sorted(timeseries["group"])), band_label], _RC["legend.fontsize"]) + 0.75
        width = max(4.2 * ncols, min(2, n_groups + 1) * entry + 0.4)
        legend_cols = max(1, min(4, n_groups + 1, int((width - 0.4) // entry)))
        fig = Figure(figsize=(width, 3.0 * nrows + 0.2 * math.ceil((n_groups + 1) / legend_cols) + 0.5),
                     layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, category in zip(axes, categories):
            plot_timeseries(timeseries, category=category, freq=freq, legend=False, ax=ax)
        for extra in axes[len(categories):]:
            fig.delaxes(extra)
        handles, names = axes[0].get_legend_handles_labels()
        band = Patch(facecolor="0.6", alpha=0.35, linewidth=0)
        fig.legend([*handles, band], [*names, band_label], loc="outside lower center",
                   ncols=legend_cols, frameon=False, handlelength=1.6)
    return fig


# ------------------------------------------------------------------ paired


def plot_paired(paired: pd.DataFrame, *, max_pairs: int | None = None, reference: Any = None,
                denominator: str | None = None, ax: Axes | None = None) -> Axes:
    """Forest plot of same-story paired effects (:func:`framing.stats.paired`).

    One row per category × pair, sorted by category then pair (first at
    the top): the estimate with its bootstrap CI over stories, a dashed
    reference line at the null (1 for ``rate_ratio``, drawn on a log2
    axis; 0 otherwise) and, at the right, marks from ``p_adj`` (``*`` <
    0.05, ``**`` < 0.01, ``***`` < 0.001).  The estimates and CIs do not
    depend on the test, so with several methods the first one in order of
    appearance supplies the marks.  A CI end that cannot be drawn
    (infinite, or not positive on the ratio axis) ends in an arrowhead at
    the axis edge; a non-finite estimate is written out instead of drawn.
    Every row is drawn in one colour (the labels name the pairs).

    ``max_pairs``, ``reference`` and ``denominator`` are those of
    :func:`plot_effect_heatmap`: at most ``max_pairs`` pairs (largest
    effects), only pairs with ``reference``, the rates' unit on the axis
    of a rate difference.
    """
    _check_table(paired, "paired", ("category", "group_a", "group_b", "effect", "estimate", "ci_low", "ci_high",
                                    "method", "p_adj", "correction", "confidence", "unit"))
    if max_pairs is not None:
        max_pairs = check_int("max_pairs", max_pairs, low=1)
    denominator = _check_denominator(denominator)
    table, method = _select_method(paired, None, "paired")
    effect = _effect(table, "paired")
    _no_duplicates(table, ["category", "group_a", "group_b"], "paired")
    pairs, n_all = _top_pairs(table, effect, max_pairs, reference)
    keep = set(pairs)
    table = table[[(a, b) in keep for a, b in zip(table["group_a"], table["group_b"])]]
    order = sorted(range(len(table)), key=lambda i: tuple(str(table[c].iloc[i]) for c in ("category", "group_a", "group_b")))
    table = table.iloc[order]
    est, low, high = (table[c].to_numpy(dtype=float) for c in ("estimate", "ci_low", "ci_high"))
    ratio = effect == "rate_ratio"
    null = _EFFECTS[effect][1]

    def drawable(v: np.ndarray) -> np.ndarray:
        return np.isfinite(v) & (v > 0) if ratio else np.isfinite(v)

    values = np.concatenate([v[drawable(v)] for v in (est, low, high)] + [np.array([null])])
    lo, hi = float(values.min()), float(values.max())
    if ratio:
        lo, hi = lo / 1.25, hi * 1.25
    else:
        pad = 0.06 * max(hi - lo, 1e-9)
        lo, hi = lo - pad, hi + pad
    row_labels = [f"{c} · {a} vs {b}" for c, a, b in zip(table["category"], table["group_a"], table["group_b"])]
    with _style():
        # the row labels, 4 in of axis and the marks at its right; the three title lines fit above
        names = _text_inches(row_labels, _RC["ytick.labelsize"]) + 0.2
        ax = _new_axes(ax, (max(8.0, names + 4.6, 2 * names + 1.0), 0.26 * len(table) + 2.0))
        if ratio:
            ax.set_xscale("log", base=2)
        marks_at = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
        for i, (e, l, h) in enumerate(zip(est, low, high)):
            color = INK
            if drawable(np.array([e]))[0]:
                left = l if drawable(np.array([l]))[0] else lo
                right = h if drawable(np.array([h]))[0] else hi
                if np.isnan(l) and np.isnan(h):
                    left = right = e
                ax.errorbar([e], [i], xerr=[[e - left], [right - e]], fmt="o", color=color, markersize=4.5,
                            elinewidth=1.3, capsize=2.5)
                for end, edge, marker in ((l, lo, "<"), (h, hi, ">")):
                    if not np.isnan(end) and not drawable(np.array([end]))[0]:
                        ax.plot([edge], [i], marker=marker, color=color, markersize=5, clip_on=False)
            else:
                ax.text(null, i, f"  estimate {_fmt(e)}", va="center", fontsize=7, color="0.3")
            ax.text(1.035, i, _marks(table["p_adj"].iloc[i], 0.05), transform=marks_at, va="center", fontsize=8)
        ax.axvline(null, color="0.35", linestyle="--", linewidth=0.9, zorder=0)
        ax.set_xlim(lo, hi)
        ax.set_yticks(range(len(table)), row_labels)
        ax.set_ylim(len(table) - 0.5, -0.5)
        _grid(ax, "x")
        conf = _percent(_single(table, "confidence", "paired"))
        correction = _single(table, "correction", "paired")
        unit = str(_single(table, "unit", "paired"))
        ax.set_xlabel(f"{_effect_label(effect, denominator)}{', log2 axis' if ratio else ''}\n{conf} bootstrap CI "
                      f"over {_UNITS.get(unit, unit)}")
        shown = "" if len(pairs) == n_all else (
            f" ({len(pairs)} of {n_all} pairs" + (f" with {reference}" if reference is not None else "")
            + (", largest effects" if max_pairs is not None and len(pairs) == max_pairs else "") + ")")
        ax.set_title(f"Same-story paired effects{shown}\nmarks: {method} test, "
                     f"{_CORRECTIONS.get(correction, correction)} p\n{_legend(0.05)}", fontsize=9)
    return ax


# ------------------------------------------------------------- reliability


def plot_reliability(predictions: pd.DataFrame, *, n_bins: int = 10, ax: Axes | None = None) -> Axes:
    """Reliability (calibration) curve (Niculescu-Mizil & Caruana 2005).

    ``score`` (probability of the positive class) is cut into ``n_bins``
    equal-width bins on [0, 1] (right-closed, the first also holds 0, as
    :func:`framing.classify.evaluate.reliability_table`); each non-empty bin
    is a point at (mean score, observed fraction of ``y_true == 1``), with
    the diagonal of perfect calibration and grey bars at the bottom whose
    heights are proportional to the bin counts (written above them).

    Parameters
    ----------
    predictions : DataFrame
        ``y_true`` (0/1 or bool) and ``score`` in [0, 1], e.g. the
        ``predictions`` of a binary
        :func:`framing.classify.evaluate.cross_validate` run (``y_true`` says
        whether the true label is ``scored_class`` = ``classes[1]``,
        ``score`` is its out-of-fold probability).
    n_bins : int, default 10
    ax : Axes, optional
    """
    _check_table(predictions, "predictions", ("y_true", "score"))
    n_bins = check_int("n_bins", n_bins, low=1)
    y = pd.to_numeric(predictions["y_true"].astype(object).map(lambda v: v if not isinstance(v, str) else np.nan),
                      errors="coerce").to_numpy(dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        bad = predictions["y_true"].tolist()[int(np.flatnonzero(~np.isin(y, (0.0, 1.0)))[0])]
        raise ValueError(f"predictions: y_true must hold 0/1 (or booleans), got {bad!r}")
    score = pd.to_numeric(predictions["score"], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(score) & (score >= 0) & (score <= 1)).all():
        bad = predictions["score"].tolist()[int(np.flatnonzero(~(np.isfinite(score) & (score >= 0) & (score <= 1)))[0])]
        raise ValueError(f"predictions: score must be a probability in [0, 1], got {bad!r}")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(score, edges[1:-1], right=True), 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    used = np.flatnonzero(counts)
    mean_score = np.bincount(which, weights=score, minlength=n_bins)[used] / counts[used]
    observed = np.bincount(which, weights=y, minlength=n_bins)[used] / counts[used]
    with _style():
        ax = _new_axes(ax, (4.8, 4.8))
        bars = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
        centres, width = (edges[:-1] + edges[1:]) / 2, 1.0 / n_bins
        heights = 0.18 * counts / counts.max()
        ax.bar(centres, heights, width=0.9 * width, color="0.85", transform=bars, zorder=0, label="predictions per bin (bar height ∝ count)")
        for c, h, n in zip(centres, heights, counts):
            if n and n_bins <= 20:
                ax.text(c, h + 0.01, str(int(n)), transform=bars, ha="center", va="bottom", fontsize=6.5, color="0.35")
        ax.plot([0, 1], [0, 1], linestyle="--", color="0.45", linewidth=1, label="perfect calibration")
        ax.plot(mean_score, observed, marker="o", markersize=4, color=PALETTE[3], label="observed")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        _grid(ax)
        ax.set_xlabel("mean predicted probability (positive class)")
        ax.set_ylabel("observed fraction positive")
        ax.set_title(f"Reliability curve (n = {len(score)}, {n_bins} equal-width bins)")
        ax.legend(loc="upper left", frameon=False)
    return ax


# ------------------------------------------------------------------ output


def figure_bytes(fig: Figure, format: str, *, dpi: float = 150, max_pixels: int = MAX_FIGURE_PIXELS) -> bytes:
    """The figure as PNG, SVG or PDF bytes, identical for the same figure.

    Byte-for-byte deterministic across processes and ``PYTHONHASHSEED``
    values: the SVG hash salt is fixed (stable ids), text is drawn as
    paths (SVG) or embedded TrueType (PDF), and no dates are written
    (even with ``SOURCE_DATE_EPOCH``).  Producer fields carry no
    matplotlib version (PNG: none; SVG/PDF: "framing (matplotlib)"): the
    run manifest records package versions, so a matplotlib patch release
    changes the bytes only if it changes the drawing.  Rendering uses
    matplotlib's default rcParams plus the house style, not the user's
    ``matplotlibrc``.

    A PNG is at most ``max_pixels`` wide and tall: a figure that would
    be larger at ``dpi`` is rendered at the dpi that fits (callers keep
    figures small by showing fewer rows; this is the backstop).

    Raises
    ------
    ValueError
        ``format`` not in :data:`FIGURE_FORMATS`; ``dpi`` not positive;
        ``max_pixels`` < 100.
    """
    check_choice("format", format, FIGURE_FORMATS)
    if not isinstance(fig, Figure):
        raise TypeError(f"fig: expected a matplotlib Figure (for an Axes pass ax.figure), got {type(fig).__name__}")
    check_number("dpi", dpi, low=0.0, low_open=True)
    max_pixels = check_int("max_pixels", max_pixels, low=100)
    if format == "png":
        largest = max(fig.get_size_inches())
        if largest * dpi > max_pixels:
            dpi = math.floor(max_pixels / largest * 100) / 100
    buffer = io.BytesIO()
    with _style():
        fig.savefig(buffer, format=format, dpi=dpi, metadata=dict(_METADATA[format]), facecolor="white",
                    edgecolor="none")
    return buffer.getvalue()
