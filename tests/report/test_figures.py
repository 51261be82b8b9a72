"""Figures from tiny hand-made result tables in the exact schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import matplotlib.text as mtext
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

import framing.report.figures as F
from framing.stats.compare import COMPARE_COLUMNS
from framing.stats.keyness import KEYNESS_COLUMNS
from framing.stats.summary import SUMMARY_COLUMNS, TIMESERIES_COLUMNS

GROUPS = ("beta", "alpha", "gamma")  # deliberately unsorted


def summary_row(group, category, count, mean, low, high, **extra):
    row = dict(group=group, category=category, n_docs=4, n_units=4, unit="document", tokens=1000, count=count,
               mean_rate=mean, mean_low=low, mean_high=high, pooled_rate=mean + 1, pooled_low=low + 1,
               pooled_high=high + 1, denominator="per_1000_tokens", confidence=0.95, n_resamples=200)
    row.update(extra)
    return row


@pytest.fixture
def summary():
    rows = []
    for k, g in enumerate(GROUPS):
        rows.append(summary_row(g, "threat", 2 + k, 2.0 + k, 1.0 + k, 3.0 + k))
        rows.append(summary_row(g, "hedging", 6 - k, 5.0 - k, 4.0 - k, 6.0 - k))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def compare_row(a, b, category, estimate, p_adj, *, effect="rate_difference", method="permutation"):
    row = {c: 0 for c in COMPARE_COLUMNS}
    row.update(category=category, group_a=a, group_b=b, unit="document", strata="", effect=effect,
               estimate=estimate, ci_low=estimate - 1, ci_high=estimate + 1, method=method, statistic=estimate,
               p_value=p_adj, p_adj=p_adj, correction="bh", alternative="two-sided", confidence=0.95,
               n_resamples=999, rate_a=1.0, rate_b=1.0)
    return row


@pytest.fixture
def compare():
    rows = [
        compare_row("alpha", "beta", "threat", 1.5, 0.004),
        compare_row("alpha", "beta", "hedging", -0.5, 0.2),
        compare_row("alpha", "gamma", "threat", 2.0, 0.0004),
        compare_row("alpha", "gamma", "hedging", 0.0, np.nan),
    ]
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))


def keyness_row(term, count_a, count_b, z, *, a="alpha", b="(rest)", method="log_odds", comparison="one_vs_rest",
                estimate=None):
    row = {c: None for c in KEYNESS_COLUMNS}
    row.update(group_a=a, group_b=b, comparison=comparison, term=term, count_a=count_a, count_b=count_b,
               total_a=1000, total_b=2000, docs_a=5, docs_b=10, rate_a=count_a / 1000, rate_b=count_b / 2000,
               method=method, unit="token", estimate=z / 2 if estimate is None else estimate, se=0.5, statistic=z,
               p_value=0.5, p_adj=0.5, correction="bh", continuity="none")
    return row


@pytest.fixture
def keyness():
    rows = [keyness_row(f"t{i:02d}", 3 + i % 4, 5 + i % 3, z) for i, z in enumerate(np.linspace(-4, 4, 40))]
    return pd.DataFrame(rows, columns=list(KEYNESS_COLUMNS))


def texts(ax):
    return [t.get_text() for t in ax.texts]


# --------------------------------------------------------------------- rates


def test_plot_rates_points_labels_and_groups_sorted_by_estimate(summary):
    ax = F.plot_rates(summary, category="threat")
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    assert len(ax.containers) == 3  # one errorbar per group
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gamma (n=4)", "alpha (n=4)", "beta (n=4)"]
    xs = [c.lines[0].get_xdata()[0] for c in ax.containers]
    assert xs == [4.0, 3.0, 2.0]  # highest rate at the top
    segments = ax.containers[1].lines[2][0].get_segments()[0]
    assert segments[0][0] == pytest.approx(2.0) and segments[1][0] == pytest.approx(4.0)
    assert "per 1,000 tokens" in ax.get_xlabel() and "95% bootstrap CI" in ax.get_xlabel()
    assert "mean per-document rate" in ax.get_xlabel()
    assert ax.get_title() == "threat: cue rate by group"
    # one colour: the labels name the groups
    assert {c.lines[0].get_color() for c in ax.containers} == {F.INK}


def test_plot_rates_pooled_and_given_axes(summary):
    fig = Figure()
    mine = fig.add_subplot()
    ax = F.plot_rates(summary, category="hedging", rate="pooled", ax=mine)
    assert ax is mine
    assert [c.lines[0].get_xdata()[0] for c in ax.containers] == [6.0, 5.0, 4.0]
    assert ax.get_xlabel().startswith("pooled rate")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(category="nope"), r"category: 'nope' is not in summary; choose from hedging, threat"),
        (dict(category="threat", rate="median"), r"rate: expected one of 'mean', 'pooled', got 'median'"),
    ],
)
def test_plot_rates_rejects_unknown_values(summary, kwargs, match):
    with pytest.raises(ValueError, match=match):
        F.plot_rates(summary, **kwargs)


def test_plot_rates_rejects_bad_tables(summary):
    with pytest.raises(ValueError, match=r"summary: missing column\(s\) mean_low, denominator"):
        F.plot_rates(summary.drop(columns=["mean_low", "denominator"]), category="threat")
    with pytest.raises(ValueError, match=r"summary: the table is empty"):
        F.plot_rates(summary.iloc[:0], category="threat")
    with pytest.raises(ValueError, match=r"summary: several rows for group='beta', category='threat'; expected one row per group, category"):
        F.plot_rates(pd.concat([summary, summary]), category="threat")
    with pytest.raises(TypeError, match=r"summary: expected a pandas DataFrame, got list"):
        F.plot_rates([], category="threat")
    with pytest.raises(TypeError, match=r"ax: expected a matplotlib Axes or None, got str"):
        F.plot_rates(summary, category="threat", ax="left")


def test_rates_figure_panels(summary):
    fig = F.rates_figure(summary)
    assert isinstance(fig, Figure)
    assert [a.get_title() for a in fig.axes] == ["hedging", "threat"]  # sorted
    fig = F.rates_figure(summary, categories=["threat", "hedging"], ncols=1)
    assert [a.get_title() for a in fig.axes] == ["threat", "hedging"]
    assert all(len(a.containers) == 3 for a in fig.axes)
    assert "per 1,000 tokens" in fig.get_supxlabel()


def test_rates_figure_errors(summary):
    with pytest.raises(ValueError, match=r"categories: 'x' is not in summary; choose from hedging, threat"):
        F.rates_figure(summary, categories=["threat", "x"])
    with pytest.raises(ValueError, match=r"categories: \['threat', 'threat'\] names a category twice"):
        F.rates_figure(summary, categories=["threat", "threat"])
    with pytest.raises(ValueError, match=r"categories: expected a non-empty list of categories, got 'threat'"):
        F.rates_figure(summary, categories="threat")
    with pytest.raises(ValueError, match=r"ncols: expected an integer >= 1, got 0"):
        F.rates_figure(summary, ncols=0)


# ------------------------------------------------------------------- heatmap


def test_heatmap_cells_marks_and_centre(compare):
    ax = F.plot_effect_heatmap(compare)
    image = ax.images[0]
    # rows: alpha vs beta, alpha vs gamma; columns: hedging, threat (sorted)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["alpha vs beta", "alpha vs gamma"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["hedging", "threat"]
    assert np.asarray(image.get_array()).tolist() == [[-0.5, 1.5], [0.0, 2.0]]
    assert image.norm.vmin == -2.0 and image.norm.vmax == 2.0
    assert texts(ax) == ["−0.5", "1.5\n**", "0\nn/a", "2\n***"]
    assert "BH-adjusted" in ax.get_xlabel() and "permutation" in ax.get_xlabel()
    assert "unit: document" in ax.get_xlabel() and "** < 0.01" in ax.get_xlabel()
    assert "rate difference" in ax.get_title()


def test_heatmap_rate_ratio_is_log2_centred_at_one(compare):
    table = compare.assign(effect="rate_ratio", estimate=[4.0, 0.5, 1.0, np.inf])
    ax = F.plot_effect_heatmap(table)
    image = ax.images[0]
    values = np.asarray(image.get_array())
    assert values[0].tolist() == [-1.0, 2.0]  # log2(0.5), log2(4)
    assert values[1, 1] == 0.0  # ratio 1 -> the centre
    assert values[1, 0] == 2.0  # infinite ratio drawn at the end colour
    assert image.norm.vmin == -image.norm.vmax == -2.0
    assert image.norm(0.0) == pytest.approx(0.5)
    assert image.cmap(image.norm(0.0)) == image.cmap(0.5)
    assert texts(ax) == ["0.5", "4\n**", "∞\nn/a", "1\n***"]
    assert ax.figure.axes[1].get_ylabel() == "log2 rate ratio (first / second group)"


def test_heatmap_method_selection_and_alpha(compare):
    both = pd.concat([compare, compare.assign(method="welch", p_adj=0.03)], ignore_index=True)
    assert "permutation" in F.plot_effect_heatmap(both).get_xlabel()  # first in order of appearance
    ax = F.plot_effect_heatmap(both, method="welch")
    assert texts(ax)[1] == "1.5\n*"
    ax = F.plot_effect_heatmap(compare, alpha=0.01)  # 0.004 < 0.01 but not < 0.002
    assert texts(ax)[1] == "1.5\n*"
    assert "* < 0.01, ** < 0.002, *** < 0.0002" in ax.get_xlabel()


def test_heatmap_top_pairs_and_reference(compare):
    ax = F.plot_effect_heatmap(compare, max_pairs=1)
    assert len(ax.get_yticklabels()) == 1
    assert "largest effects" in ax.get_title()
    groups = sorted(set(compare["group_a"]) | set(compare["group_b"]))
    ax = F.plot_effect_heatmap(compare, reference=groups[0])
    assert all(groups[0] in t.get_text() for t in ax.get_yticklabels())
    ax = F.plot_effect_heatmap(compare.assign(effect="rate_difference"), denominator="per_token")
    assert ax.figure.axes[1].get_ylabel().endswith("per token")


def test_figure_bytes_caps_png_pixels():
    import struct

    fig = Figure(figsize=(10, 60))
    fig.add_subplot().plot([0, 1])
    png = F.figure_bytes(fig, "png", dpi=100, max_pixels=1000)
    width, height = struct.unpack(">II", png[16:24])
    assert height <= 1000 and width <= 200
    with pytest.raises(ValueError, match=r"max_pixels: expected an integer >= 100, got 5"):
        F.figure_bytes(fig, "png", max_pixels=5)


def test_heatmap_errors(compare):
    with pytest.raises(ValueError, match=r"method: 'welch' is not in compare; choose from permutation"):
        F.plot_effect_heatmap(compare, method="welch")
    with pytest.raises(ValueError, match=r"compare: missing column\(s\) p_adj"):
        F.plot_effect_heatmap(compare.drop(columns="p_adj"))
    with pytest.raises(ValueError, match=r"compare: the table is empty"):
        F.plot_effect_heatmap(compare.iloc[:0])
    mixed = compare.assign(effect=["rate_difference", "cohens_d", "rate_difference", "cohens_d"])
    with pytest.raises(ValueError, match=r"compare: rows mix several effect values \(rate_difference, cohens_d\)"):
        F.plot_effect_heatmap(mixed)
    with pytest.raises(ValueError, match=r"effect: expected one of 'rate_difference', .*, got 'odds'"):
        F.plot_effect_heatmap(compare.assign(effect="odds"))
    with pytest.raises(ValueError, match=r"alpha: expected a finite number in \(0, 1\), got 1.5"):
        F.plot_effect_heatmap(compare, alpha=1.5)
    with pytest.raises(ValueError, match=r"compare: several rows for group_a='alpha', group_b='beta'"):
        F.plot_effect_heatmap(pd.concat([compare, compare]))


# ------------------------------------------------------------------- keyness


def label_boxes(ax):
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    return [mtext.Text.get_window_extent(t, renderer) for t in ax.texts]


def test_keyness_points_and_labels(keyness):
    ax = F.plot_keyness(keyness, top=5)
    grey, top_a, top_b = ax.collections[:3]
    assert len(grey.get_offsets()) == 40
    assert len(top_a.get_offsets()) == 5 and len(top_b.get_offsets()) == 5
    np.testing.assert_allclose(grey.get_offsets()[:, 0], np.log10(keyness["count_a"] + keyness["count_b"]))
    np.testing.assert_allclose(grey.get_offsets()[:, 1], keyness["statistic"])
    assert texts(ax) == ["t39", "t38", "t37", "t36", "t35", "t00", "t01", "t02", "t03", "t04"]
    assert ax.get_ylabel().startswith("z-score of the log-odds ratio")
    assert "alpha vs (rest)" in ax.get_title() and "descriptive" in ax.get_title()
    assert top_a.get_facecolor()[0].tolist() == pytest.approx(list(F.mcolors.to_rgba(F.PALETTE[3])))
    assert top_b.get_facecolor()[0].tolist() == pytest.approx(list(F.mcolors.to_rgba("0.25")))


def test_keyness_labels_do_not_overlap(keyness):
    # 30 labels for terms with near-identical positions force nudging
    crowded = keyness.assign(count_a=5, count_b=5)
    ax = F.plot_keyness(crowded, top=15)
    boxes = label_boxes(ax)
    assert len(boxes) == 30
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (ax.texts[i].get_text(), ax.texts[j].get_text())
    inside = ax.bbox
    assert all(b.y0 >= inside.y0 - 0.5 and b.y1 <= inside.y1 + 0.5 for b in boxes)
    assert any(t.arrow_patch is not None for t in ax.texts)  # moved labels have leader lines


def test_keyness_label_placement_is_deterministic(keyness):
    crowded = keyness.assign(count_a=5, count_b=5)
    first = [t.xyann for t in F.plot_keyness(crowded).texts]
    assert first == [t.xyann for t in F.plot_keyness(crowded).texts]


def test_keyness_other_methods(keyness):
    chi2 = keyness.assign(method="chi2", statistic=keyness["statistic"].abs(), estimate=np.nan)
    ax = F.plot_keyness(chi2, top=3)
    y = ax.collections[0].get_offsets()[:, 1]
    np.testing.assert_allclose(y, np.sign(chi2["rate_a"] - chi2["rate_b"]) * chi2["statistic"])
    assert ax.get_ylabel() == "chi-square, signed (+: more frequent in alpha)"
    ratio = keyness.assign(method="odds_ratio", estimate=2.0 ** keyness["statistic"])
    ax = F.plot_keyness(ratio, top=3)
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 1], keyness["statistic"])
    diff = keyness.assign(method="pct_diff", estimate=[np.inf] + list(keyness["estimate"][1:]))
    ax = F.plot_keyness(diff, top=3)
    assert len(ax.collections[0].get_offsets()) == 39
    assert "1 without a finite value not shown" in ax.get_title()
    assert ax.get_ylabel().startswith("%DIFF")


def test_keyness_comparison_choice(keyness):
    other = keyness.assign(group_a="beta")
    both = pd.concat([keyness, other], ignore_index=True)
    with pytest.raises(ValueError, match=r"group_a: keyness holds 2 comparisons \(alpha vs \(rest\), beta vs \(rest\)\); "
                                         r"pass group_a= one of alpha, beta"):
        F.plot_keyness(both)
    ax = F.plot_keyness(both, group_a="beta", top=2)
    assert "beta vs (rest)" in ax.get_title()
    assert ax.collections[1].get_facecolor()[0].tolist() == pytest.approx(list(F.mcolors.to_rgba(F.PALETTE[3])))
    with pytest.raises(ValueError, match=r"group_a: 'delta' is not in keyness; choose from alpha, beta"):
        F.plot_keyness(both, group_a="delta")
    pairwise = pd.concat([keyness.assign(group_b="beta", comparison="pairwise"),
                          keyness.assign(group_b="gamma", comparison="pairwise")])
    with pytest.raises(ValueError, match=r"group_a: 'alpha' matches 2 comparisons \(alpha vs beta, alpha vs gamma\); "
                                         r"filter keyness to one group_b first"):
        F.plot_keyness(pairwise, group_a="alpha")
    ax = F.plot_keyness(pairwise[pairwise.group_b == "gamma"], top=2)
    assert ax.collections[2].get_facecolor()[0].tolist() == pytest.approx(list(F.mcolors.to_rgba(F.PALETTE[4])))
    assert "alpha vs gamma" in ax.get_title()


def test_keyness_errors(keyness):
    with pytest.raises(ValueError, match=r"keyness: missing column\(s\) statistic"):
        F.plot_keyness(keyness.drop(columns="statistic"))
    with pytest.raises(ValueError, match=r"keyness: the table is empty"):
        F.plot_keyness(keyness.iloc[:0])
    mixed = pd.concat([keyness, keyness.assign(method="g2")])
    with pytest.raises(ValueError, match=r"keyness: rows mix several method values \(log_odds, g2\)"):
        F.plot_keyness(mixed)
    with pytest.raises(ValueError, match=r"method: expected one of 'log_odds', .*, got 'tfidf'"):
        F.plot_keyness(keyness.assign(method="tfidf"))
    with pytest.raises(ValueError, match=r"top: expected an integer >= 1, got 0"):
        F.plot_keyness(keyness, top=0)


# --------------------------------------------------------------- composition


def test_composition_bars_and_shares(summary):
    ax = F.plot_composition(summary)
    assert len(ax.patches) == 3 * 2  # groups x categories
    assert [t.get_text() for t in ax.get_yticklabels()] == ["alpha (8 hits)", "beta (8 hits)", "gamma (8 hits)"]
    # alpha: hedging 5 of 8 hits, threat 3 of 8; hedging first (sorted), coloured PALETTE[0]
    assert ax.patches[0].get_width() == pytest.approx(62.5)
    assert ax.patches[3].get_width() == pytest.approx(37.5) and ax.patches[3].get_x() == pytest.approx(62.5)
    assert ax.patches[0].get_facecolor() == pytest.approx(F.mcolors.to_rgba(F.PALETTE[0]))
    assert "62%" in texts(ax) or "63%" in texts(ax)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["hedging", "threat"]


def test_composition_zero_hits_and_errors(summary):
    zero = summary.assign(count=np.where(summary["group"] == "gamma", 0, summary["count"]))
    assert "no cue hits" in texts(F.plot_composition(zero))
    with pytest.raises(ValueError, match=r"summary: no row for group 'alpha', category 'threat'"):
        F.plot_composition(summary.drop(index=summary.index[(summary.group == "alpha") & (summary.category == "threat")]))
    with pytest.raises(ValueError, match=r"summary: count holds negative values"):
        F.plot_composition(summary.assign(count=-1))
    with pytest.raises(ValueError, match=r"summary: missing column\(s\) count"):
        F.plot_composition(summary.drop(columns="count"))


# --------------------------------------------------------------- time series


@pytest.fixture
def timeseries():
    rows = []
    for g in ("beta", "alpha"):
        for k, period in enumerate(("2025-03-03", "2025-03-10", "2025-03-17")):
            row = summary_row(g, "threat", 1, 2.0 + k, 1.0 + k, 3.0 + k)
            row["period"] = period
            rows.append(row)
    return pd.DataFrame(rows, columns=list(TIMESERIES_COLUMNS))


def test_timeseries_lines_and_bands(timeseries):
    ax = F.plot_timeseries(timeseries, category="threat")
    assert [line.get_label() for line in ax.lines] == ["alpha", "beta"]
    assert len(ax.lines[0].get_xdata()) == 3
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2
    assert ax.collections[0].get_alpha() == 0.2
    assert list(ax.lines[0].get_xdata()) == list(pd.to_datetime(["2025-03-03", "2025-03-10", "2025-03-17"]).to_numpy())
    assert ax.get_ylabel() == "mean per-document rate\n(per 1,000 tokens)"
    assert ax.get_title() == "threat: cue rate over time"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["alpha", "beta", "95% bootstrap CI"]


def test_timeseries_errors(timeseries):
    with pytest.raises(ValueError, match=r"category: 'hedging' is not in timeseries; choose from threat"):
        F.plot_timeseries(timeseries, category="hedging")
    with pytest.raises(ValueError, match=r"timeseries: no period is an ISO date \(YYYY-MM-DD\), e.g. 'week 3'"):
        F.plot_timeseries(timeseries.assign(period="week 3").iloc[:1], category="threat")
    with pytest.raises(ValueError, match=r"freq: expected one of 'day', .*, got 'fortnight'"):
        F.plot_timeseries(timeseries, category="threat", freq="fortnight")
    with pytest.raises(TypeError, match=r"legend: expected True or False, got 'yes'"):
        F.plot_timeseries(timeseries, category="threat", legend="yes")
    with pytest.raises(ValueError, match=r"categories: 'x' is not in timeseries"):
        F.timeseries_figure(timeseries, categories=["x"])
    with pytest.raises(ValueError, match=r"categories: expected a non-empty list of categories, got \[\]"):
        F.timeseries_figure(timeseries, categories=[])


def test_timeseries_gaps_invalid_dates_and_year_ticks(timeseries):
    # beta has no row for 2025-03-10: its line has a gap there, not a straight segment
    gappy = timeseries[~((timeseries["group"] == "beta") & (timeseries["period"] == "2025-03-10"))]
    bad = gappy.iloc[:1].assign(period="not a date")
    ax = F.plot_timeseries(pd.concat([gappy, bad]), category="threat", freq="week")
    beta = [line for line in ax.lines if line.get_label() == "beta"][0]
    y = np.asarray(beta.get_ydata(), dtype=float)
    assert len(y) == 3 and np.isnan(y[1]) and not np.isnan(y[0])
    assert "1 row(s) without a valid date left out" in ax.get_title()
    ax.figure.draw_without_rendering()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all("2025" in t for t in ticks)
    # a calendar period missing for every group is a gap too
    monthly = timeseries[timeseries["period"] != "2025-03-10"].assign(
        period=lambda t: t["period"].map({"2025-03-03": "2025-01-01", "2025-03-17": "2025-03-01"}))
    ax = F.plot_timeseries(monthly, category="threat", freq="month")
    assert np.isnan(np.asarray(ax.lines[0].get_ydata(), dtype=float)[1])


def test_timeseries_figure_has_one_legend(timeseries):
    both = pd.concat([timeseries, timeseries.assign(category="hedging")])
    fig = F.timeseries_figure(both, ncols=2)
    assert [a.get_title() for a in fig.axes] == ["hedging: cue rate over time", "threat: cue rate over time"]
    assert all(a.get_legend() is None for a in fig.axes)
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["alpha", "beta", "95% bootstrap CI"]
    with pytest.raises(ValueError, match=r"timeseries: missing column\(s\) period"):
        F.plot_timeseries(timeseries.drop(columns="period"), category="threat")


# ------------------------------------------------------------------- paired


@pytest.fixture
def paired():
    rows = [
        compare_row("beta", "gamma", "threat", 0.5, 0.2, method="sign_flip"),
        compare_row("alpha", "beta", "threat", 2.0, 0.004, method="sign_flip"),
        compare_row("alpha", "beta", "hedging", -1.0, 0.0002, method="sign_flip"),
        compare_row("alpha", "beta", "hedging", -1.0, 0.03, method="wilcoxon"),
    ]
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS)).assign(unit="story", strata="story_id")


def test_paired_forest(paired):
    ax = F.plot_paired(paired)
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "hedging · alpha vs beta", "threat · alpha vs beta", "threat · beta vs gamma"]
    assert [c.lines[0].get_xdata()[0] for c in ax.containers] == [-1.0, 2.0, 0.5]
    assert texts(ax) == ["***", "**", ""]  # marks of the first method, sign_flip
    reference = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(reference) == 1 and list(reference[0].get_xdata()) == [0, 0]
    assert ax.get_xscale() == "linear"
    assert "stories" in ax.get_xlabel() and "sign_flip" in ax.get_title()


def test_paired_ratio_reference_at_one(paired):
    ratio = paired.assign(effect="rate_ratio", estimate=[2.0, 4.0, 0.5, 0.5], ci_low=[1.0, 2.0, 0.0, 0.0],
                          ci_high=[4.0, np.inf, 1.0, 1.0])
    ax = F.plot_paired(ratio)
    assert ax.get_xscale() == "log"
    reference = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert list(reference[0].get_xdata()) == [1, 1]
    assert len(ax.containers) == 3
    arrows = [line.get_marker() for line in ax.lines if line.get_marker() in ("<", ">")]
    assert sorted(arrows) == ["<", ">"]  # ci_low 0 and ci_high inf end at the axis edge
    nonfinite = ratio.assign(estimate=[np.inf, 4.0, 0.5, 0.5])
    assert "  estimate ∞" in texts(F.plot_paired(nonfinite))


def test_paired_one_colour_units_and_top_pairs(paired):
    ax = F.plot_paired(paired, denominator="per_1000_tokens")
    assert {c.lines[0].get_color() for c in ax.containers} == {F.INK}
    assert "rate difference (first − second group), per 1,000 tokens" in ax.get_xlabel()
    assert "rate units" in F.plot_paired(paired).get_xlabel()
    ax = F.plot_paired(paired, max_pairs=1)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["hedging · alpha vs beta", "threat · alpha vs beta"]
    assert "(1 of 2 pairs, largest effects)" in ax.get_title()
    ax = F.plot_paired(paired, reference="gamma")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["threat · beta vs gamma"]
    assert "(1 of 2 pairs with gamma)" in ax.get_title()
    with pytest.raises(ValueError, match=r"max_pairs: expected an integer >= 1, got 0"):
        F.plot_paired(paired, max_pairs=0)
    with pytest.raises(ValueError, match=r"denominator: expected one of .*'per_1000_tokens'.*, got 'per_word'"):
        F.plot_paired(paired, denominator="per_word")
    with pytest.raises(ValueError, match=r"reference: 'delta' is not in the table's groups; choose from alpha, beta, gamma"):
        F.plot_paired(paired, reference="delta")


def test_paired_errors(paired):
    with pytest.raises(ValueError, match=r"paired: missing column\(s\) ci_low, ci_high"):
        F.plot_paired(paired.drop(columns=["ci_low", "ci_high"]))
    with pytest.raises(ValueError, match=r"paired: the table is empty"):
        F.plot_paired(paired.iloc[:0])
    with pytest.raises(ValueError, match=r"effect: expected one of 'rate_difference', .*, got 'ratio'"):
        F.plot_paired(paired.assign(effect="ratio"))


# -------------------------------------------------------------- reliability


def test_reliability_curve():
    predictions = pd.DataFrame({"y_true": [0, 0, 1, 0, 1, 1, 1, True],
                                "score": [0.05, 0.1, 0.15, 0.4, 0.45, 0.6, 0.95, 1.0]})
    ax = F.plot_reliability(predictions, n_bins=4)
    observed = [line for line in ax.lines if line.get_label() == "observed"][0]
    np.testing.assert_allclose(observed.get_xdata(), [0.1, 0.425, 0.6, 0.975])
    np.testing.assert_allclose(observed.get_ydata(), [1 / 3, 0.5, 1.0, 1.0])
    diagonal = [line for line in ax.lines if line.get_label() == "perfect calibration"][0]
    assert list(diagonal.get_xdata()) == [0, 1] and list(diagonal.get_ydata()) == [0, 1]
    assert len(ax.patches) == 4
    assert texts(ax) == ["3", "2", "1", "2"]
    assert "n = 8" in ax.get_title() and "4 equal-width bins" in ax.get_title()


def test_reliability_errors():
    good = pd.DataFrame({"y_true": [0, 1], "score": [0.2, 0.8]})
    with pytest.raises(ValueError, match=r"predictions: y_true must hold 0/1 \(or booleans\), got 'biased'"):
        F.plot_reliability(good.assign(y_true=["biased", "neutral"]))
    with pytest.raises(ValueError, match=r"predictions: y_true must hold 0/1 \(or booleans\), got 2"):
        F.plot_reliability(good.assign(y_true=[0, 2]))
    with pytest.raises(ValueError, match=r"predictions: score must be a probability in \[0, 1\], got 1.5"):
        F.plot_reliability(good.assign(score=[0.2, 1.5]))
    with pytest.raises(ValueError, match=r"predictions: missing column\(s\) score"):
        F.plot_reliability(good.drop(columns="score"))
    with pytest.raises(TypeError, match=r"n_bins: expected an integer >= 1, got 2.5"):
        F.plot_reliability(good, n_bins=2.5)


# ------------------------------------------------------------------- output


def test_figure_bytes_formats(summary):
    fig = F.plot_rates(summary, category="threat").figure
    png = F.figure_bytes(fig, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png == F.figure_bytes(fig, "png")
    assert b"Software" not in png and b"Matplotlib" not in png
    svg = F.figure_bytes(fig, "svg")
    assert svg == F.figure_bytes(fig, "svg")
    assert b"<dc:date>" not in svg and b"Matplotlib v" not in svg
    pdf = F.figure_bytes(fig, "pdf")
    assert pdf.startswith(b"%PDF") and pdf == F.figure_bytes(fig, "pdf")
    assert b"CreationDate" not in pdf and b"ModDate" not in pdf
    assert len(F.figure_bytes(fig, "png", dpi=50)) < len(png)
    assert F.FIGURE_FORMATS == ("png", "svg", "pdf")


def test_figure_bytes_errors(summary):
    ax = F.plot_rates(summary, category="threat")
    with pytest.raises(ValueError, match=r"format: expected one of 'png', 'svg', 'pdf', got 'jpg'"):
        F.figure_bytes(ax.figure, "jpg")
    with pytest.raises(TypeError, match=r"fig: expected a matplotlib Figure \(for an Axes pass ax.figure\), got Axes"):
        F.figure_bytes(ax, "png")
    with pytest.raises(ValueError, match=r"dpi: expected a finite number > 0, got 0"):
        F.figure_bytes(ax.figure, "png", dpi=0)


_SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys
    import pandas as pd
    import framing.report.figures as F
    rows = [dict(group=g, category=c, n_docs=3, n_units=3, unit="document", tokens=900, count=ord(g) + len(c),
                 mean_rate=1.0, mean_low=0.5, mean_high=1.5, pooled_rate=1.0, pooled_low=0.5,
                 pooled_high=1.5, denominator="per_1000_tokens", confidence=0.95, n_resamples=99)
            for g in {groups} for c in ("threat", "hedging")]
    rows.sort(key=lambda r: hash(r["group"]))  # row order differs between hash seeds, contents do not
    fig = F.plot_composition(pd.DataFrame(rows)).figure
    out = {{f: hashlib.sha256(F.figure_bytes(fig, f)).hexdigest() for f in F.FIGURE_FORMATS}}
    out["pyplot"] = "matplotlib.pyplot" in sys.modules
    print(json.dumps(out))
    """
)


def test_figure_bytes_identical_across_processes_and_hash_seeds():
    script = _SCRIPT.format(groups=repr({"x", "y", "z"}))  # a set: iteration order depends on the hash seed
    results = []
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "MPLBACKEND": "", "SOURCE_DATE_EPOCH": "86400"}
        env.pop("MPLBACKEND")
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                              check=True)
        results.append(json.loads(done.stdout))
    assert results[0] == results[1]
    assert results[0]["pyplot"] is False


def test_keyness_on_a_given_axes_without_agg_canvas(keyness):
    fig = Figure(figsize=(6, 4))  # a plain FigureCanvasBase: labels are measured with a RendererAgg
    ax = F.plot_keyness(keyness.assign(count_a=5, count_b=5), top=10, ax=fig.add_subplot())
    assert len(ax.texts) == 20
    fig.draw_without_rendering()
    from matplotlib.backends.backend_agg import RendererAgg

    renderer = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    boxes = [mtext.Text.get_window_extent(t, renderer) for t in ax.texts]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(20) for j in range(i + 1, 20))


def test_plotting_leaves_global_rcparams_alone(summary):
    import matplotlib

    before = dict(matplotlib.rcParams)
    F.figure_bytes(F.plot_rates(summary, category="threat").figure, "svg")
    assert dict(matplotlib.rcParams) == before
