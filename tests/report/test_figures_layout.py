"""Figures of many groups with long names (issue 14): no layout warnings,
labels inside the image, whiskers inside their panel, pixel cap."""

from __future__ import annotations

import struct
import warnings

import numpy as np
import pandas as pd
import pytest

import framing.report.figures as F
from framing.stats.compare import COMPARE_COLUMNS
from framing.stats.summary import SUMMARY_COLUMNS, TIMESERIES_COLUMNS

CATEGORIES = ("discrediting", "doubt_attribution", "insinuation", "intensifiers", "loaded_language",
              "partisan_labels")
N_GROUPS = 40


def names(n: int = N_GROUPS) -> list[str]:
    return [f"The Regional Daily Gazette and Evening Courier - Opinion {i:02d}" for i in range(n)]


def big_summary(n: int = N_GROUPS) -> pd.DataFrame:
    rng = np.random.default_rng(14)
    rows = []
    for i, g in enumerate(names(n)):
        n_docs = 4 if i == 3 else int(rng.integers(20, 400))
        for c in CATEGORIES:
            m = float(rng.gamma(2.0, 2.0))
            low, high = m - 1.0, m + 1.5
            if i == 3:  # a small group: a wide interval below 0 and far past every rate
                low, high = -40.0, m + 300.0
            if i == 5 and c == "insinuation":
                high = np.inf
            rows.append(dict(group=g, category=c, n_docs=n_docs, n_units=n_docs, unit="document", tokens=1000,
                             count=int(rng.integers(0, 50)), mean_rate=m, mean_low=low, mean_high=high,
                             pooled_rate=m, pooled_low=low, pooled_high=high, denominator="per_1000_tokens",
                             confidence=0.95, n_resamples=200))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def big_compare(n: int = 12) -> pd.DataFrame:
    gs, rows = names(n), []
    for a in range(n):
        for b in range(a + 1, n):
            for c in CATEGORIES[:3]:
                row = {k: 0 for k in COMPARE_COLUMNS}
                row.update(category=c, group_a=gs[a], group_b=gs[b], unit="document", strata="",
                           effect="rate_difference", estimate=(a - b) / 10, ci_low=(a - b) / 10 - 1,
                           ci_high=(a - b) / 10 + 1, method="permutation", statistic=0.0, p_value=0.01, p_adj=0.03,
                           correction="bh", alternative="two-sided", confidence=0.95, n_resamples=999, rate_a=1.0,
                           rate_b=1.0)
                rows.append(row)
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))


def big_timeseries(n: int = N_GROUPS) -> pd.DataFrame:
    rows = [dict(group=g, period=p, category=c, n_docs=3, n_units=3, unit="document", tokens=100, count=1,
                 mean_rate=1.0, mean_low=0.5, mean_high=1.5, denominator="per_1000_tokens", confidence=0.95)
            for g in names(n) for p in ("2020-01-01", "2020-02-01", "2020-03-01") for c in CATEGORIES]
    return pd.DataFrame(rows).reindex(columns=list(TIMESERIES_COLUMNS))


def drawn_cleanly(make):
    """Build and draw a figure; return it with the UserWarnings raised on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = make()
        fig.canvas.draw()
    return fig, [w for w in caught if issubclass(w.category, UserWarning)]


def assert_labels_inside(fig):
    box = fig.bbox
    for ax in fig.axes:
        for label in ax.get_yticklabels():
            if not label.get_text() or not label.get_visible():
                continue
            e = label.get_window_extent()
            assert box.x0 - 0.5 <= e.x0 and e.x1 <= box.x1 + 0.5, label.get_text()
            assert box.y0 - 0.5 <= e.y0 and e.y1 <= box.y1 + 0.5, label.get_text()


FIGURES = {
    "rates": lambda: F.rates_figure(big_summary()),
    "rates-sharex": lambda: F.rates_figure(big_summary(), sharex=True),
    "rates-one-panel": lambda: F.plot_rates(big_summary(), category="insinuation").figure,
    "composition": lambda: F.plot_composition(big_summary()).figure,
    "heatmap": lambda: F.plot_effect_heatmap(big_compare(), max_pairs=30).figure,
    "paired": lambda: F.plot_paired(big_compare(), max_pairs=20).figure,
    "timeseries": lambda: F.timeseries_figure(big_timeseries(), freq="month"),
    "timeseries-one-panel": lambda: F.timeseries_figure(big_timeseries(), freq="month", categories=["insinuation"]),
    "timeseries-legend": lambda: F.plot_timeseries(big_timeseries(), freq="month", category="insinuation").figure,
}


@pytest.mark.parametrize("name", list(FIGURES))
def test_forty_long_groups_no_layout_warning_labels_inside_and_pixel_cap(name):
    fig, caught = drawn_cleanly(FIGURES[name])
    assert not caught, [str(w.message) for w in caught]
    assert_labels_inside(fig)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = F.figure_bytes(fig, "png")
    assert not [w for w in caught if issubclass(w.category, UserWarning)]
    width, height = struct.unpack(">II", png[16:24])
    assert max(width, height) <= F.MAX_FIGURE_PIXELS, (width, height)
    assert max(width, height) <= 3200, (width, height)  # sized to the content, well under the cap at 150 dpi


def test_rates_figure_labels_once_per_row_of_panels():
    fig = F.rates_figure(big_summary())
    assert [a.get_title() for a in fig.axes] == list(CATEGORIES)
    fig.canvas.draw()
    labelled = [bool(a.yaxis.get_tick_params()["labelleft"]) for a in fig.axes]
    assert labelled == [True, False, False, True, False, False]
    # panels of one row are level, rows do not overlap
    boxes = [a.get_position() for a in fig.axes]
    assert len({round(b.y0, 6) for b in boxes[:3]}) == 1 and boxes[3].y1 < boxes[0].y0


def test_rates_figure_grows_with_groups_and_labels():
    small, large = F.rates_figure(big_summary(10)), F.rates_figure(big_summary(40))
    assert large.get_size_inches()[1] > small.get_size_inches()[1] + 5
    short = big_summary(10).assign(group=lambda t: t["group"].str[-2:])
    assert F.rates_figure(short).get_size_inches()[0] < small.get_size_inches()[0] - 2


def _whisker_extent(ax):
    xs = []
    for container in ax.containers:
        for collection in container.lines[2]:
            for segment in collection.get_segments():
                xs.extend(np.asarray(segment)[:, 0].tolist())
    return min(xs), max(xs)


def test_rates_whiskers_stay_inside_their_panel_with_arrowheads():
    table = big_summary()
    fig = F.rates_figure(table)
    small = "The Regional Daily Gazette and Evening Courier - Opinion 03"
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        assert lo == 0
        left, right = _whisker_extent(ax)
        assert left >= lo and right <= hi
        rows = table[table["category"] == ax.get_title()]
        # every point is inside, and the axis ends at 1.05 x min(largest upper bound, twice the largest rate)
        top = rows["mean_rate"].max()
        assert rows["mean_rate"].max() <= hi
        assert hi == pytest.approx(1.05 * max(top, min(rows["mean_high"][np.isfinite(rows["mean_high"])].max(),
                                                       2 * top)))
        markers = [(line.get_marker(), float(line.get_xdata()[0])) for line in ax.lines
                   if line.get_marker() in ("<", ">")]
        row = [t.get_text() for t in fig.axes[0].get_yticklabels()].index(f"{small} (n=4)")
        ends = {m: x for m, x in markers}
        assert ends["<"] == 0 and ends[">"] == pytest.approx(hi)  # truncated both ways: arrowheads at the edges
        arrows_at_row = [line for line in ax.lines if line.get_marker() in ("<", ">")
                         and float(line.get_ydata()[0]) == row]
        assert len(arrows_at_row) == 2
        if ax.get_title() == "insinuation":  # an infinite upper bound is an arrowhead too
            assert sum(1 for m, _ in markers if m == ">") == 2
        assert all(not line.get_clip_on() for line in ax.lines if line.get_marker() in ("<", ">"))
        assert all(c.lines[2][0].get_clip_on() for c in ax.containers if c.lines[2])


def test_rates_sharex_one_axis_for_every_panel():
    fig = F.rates_figure(big_summary(), sharex=True)
    assert len({a.get_xlim() for a in fig.axes}) == 1


def test_rates_nan_ends_and_nan_estimates():
    table = big_summary(3)
    table.loc[0, ["mean_low", "mean_high"]] = np.nan  # one unit: no whisker
    table.loc[1, "mean_rate"] = np.nan
    ax = F.plot_rates(table, category=table.loc[0, "category"])
    assert ax.get_xlim()[0] == 0 and np.isfinite(ax.get_xlim()[1])
    # a category where every rate is 0 and no interval is known still gets an axis
    zero = table.assign(mean_rate=0.0, mean_low=np.nan, mean_high=np.nan)
    assert F.plot_rates(zero, category=CATEGORIES[0]).get_xlim() == (0.0, 1.0)
