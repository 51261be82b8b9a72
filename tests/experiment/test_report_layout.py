"""The report of many outlets: figures within a pixel cap, the key columns
of every comparison visible at 1280 px in a real browser."""

from __future__ import annotations

import html
import json
import shutil
import struct
import subprocess
from itertools import combinations
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from framing.experiment.outputs import MemorySink, Writer
from framing.experiment.sections import by_documents, comparison_section, keyness_section, lexicon_section
from framing.report.figures import MAX_FIGURE_PIXELS
from framing.report.html import FigureBlock, ReportData, TableBlock, render_report
from framing.stats.compare import COMPARE_COLUMNS
from framing.stats.keyness import KEYNESS_COLUMNS, REST
from framing.stats.summary import SUMMARY_COLUMNS, TIMESERIES_COLUMNS

CATEGORIES = ("boosters", "hedging", "threat")
N_OUTLETS = 40


def outlets(n: int = N_OUTLETS) -> list[str]:
    return [f"regional-outlet-number-{i:02d}" for i in range(n)]


def summary_table(groups: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for k, g in enumerate(groups):
        for c in CATEGORIES:
            mean = float(rng.uniform(0.5, 9.0))
            rows.append(dict(group=g, category=c, n_docs=1 + (k * 7) % 50, n_units=1 + (k * 7) % 50, unit="document",
                             tokens=5000, count=20, mean_rate=mean, mean_low=mean * 0.7, mean_high=mean * 1.3,
                             pooled_rate=mean, pooled_low=mean * 0.7, pooled_high=mean * 1.3,
                             denominator="per_1000_tokens", confidence=0.95, n_resamples=199))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def pairs_table(groups: list[str], rng: np.random.Generator, *, effect: str, methods: tuple[str, ...],
                strata: str) -> pd.DataFrame:
    rows = []
    for a, b in combinations(groups, 2):
        for c in CATEGORIES:
            est = float(np.exp(rng.normal(0, 0.7))) if effect == "rate_ratio" else float(rng.normal(0, 2))
            lo, hi = (est / 1.8, est * 1.8) if effect == "rate_ratio" else (est - 1.5, est + 1.5)
            for m in methods:
                row = {col: 0 for col in COMPARE_COLUMNS}
                p = float(rng.uniform(0.0001, 1))
                row.update(category=c, group_a=a, group_b=b, n_docs_a=10, n_docs_b=10, unit="document",
                           strata=strata, effect=effect, estimate=est, ci_low=lo, ci_high=hi, method=m,
                           statistic=est, p_value=p, p_adj=min(1.0, 3 * p), correction="bh",
                           alternative="two-sided", confidence=0.95, n_resamples=199, rate_a=1.0, rate_b=1.0)
                rows.append(row)
    return pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))


def timeseries_table(groups: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for k, g in enumerate(groups):
        for month in ("2024-11-01", "2024-12-01", "2025-02-01", "2025-03-01", "not-a-date"):
            for c in CATEGORIES:
                mean = float(rng.uniform(0.5, 9.0))
                rows.append(dict(group=g, period=month, category=c, n_docs=1 + k % 9, n_units=1 + k % 9,
                                 unit="document", tokens=900, count=3, mean_rate=mean, mean_low=mean * 0.6,
                                 mean_high=mean * 1.4, pooled_rate=mean, pooled_low=mean * 0.6,
                                 pooled_high=mean * 1.4, denominator="per_1000_tokens", confidence=0.95,
                                 n_resamples=199))
    return pd.DataFrame(rows, columns=list(TIMESERIES_COLUMNS))


def keyness_table(groups: list[str], rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for g in groups[:2]:
        for t in range(60):
            z = float(rng.normal(0, 3))
            row = {col: 0 for col in KEYNESS_COLUMNS}
            row.update(group_a=g, group_b=REST, comparison="one_vs_rest", term=f"term{t}", count_a=5 + t,
                       count_b=9 + t, method="log_odds", unit="token", estimate=z / 2, statistic=z,
                       rate_a=1.0, rate_b=1.0)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(KEYNESS_COLUMNS))


def comparison(cid: str, pairs: pd.DataFrame, summary: pd.DataFrame, *, pair_on: str = "", timeseries=None):
    entry = SimpleNamespace(id=cid, by="outlet", pair_on=pair_on, strata="" if pair_on else "story_id", cluster="",
                            methods=tuple(dict.fromkeys(pairs["method"])), effect=pairs["effect"].iloc[0],
                            n_resamples=199, confidence=0.95, correction="bh", alternative="two-sided", include=(),
                            timeseries="month" if timeseries is not None else "")
    tables = {"summary": summary, "pairs": pairs}
    if timeseries is not None:
        tables["timeseries"] = timeseries
    return SimpleNamespace(entry=entry, tables=tables, left_out=(), n_outside=0, n_undated=0)


def many_outlet_sections(figures=("png",)):
    rng = np.random.default_rng(7)
    groups = outlets()
    summary = summary_table(groups, rng)
    put = MemorySink()
    w = Writer(SimpleNamespace(tables=("csv",), figures=figures, dpi=150, report_rows=50, large_rows=1_000_000,
                               large_tables=("parquet",)), put)
    scores = pd.DataFrame({"doc_id": ["d1"], "outlet": [groups[0]], "category": ["threat"], "count": [1]})
    sections = [
        lexicon_section(w, SimpleNamespace(id="cues", summary=summary, scores=scores),
                        SimpleNamespace(part="text", voice="outlet")),
        comparison_section(w, comparison("within", pairs_table(groups, rng, effect="rate_ratio",
                                                               methods=("permutation",), strata="story_id"),
                                         summary, timeseries=timeseries_table(groups, rng))),
        comparison_section(w, comparison("paired", pairs_table(groups, rng, effect="rate_difference",
                                                               methods=("sign_flip", "wilcoxon"), strata="story_id"),
                                         summary, pair_on="story_id")),
    ]
    table = keyness_table(groups, rng)
    entry = SimpleNamespace(id="words", method="log_odds", comparison="one_vs_rest", top=10, min_count=3, min_docs=1)
    sections.append(keyness_section(w, SimpleNamespace(entry=entry, table=table, top=table.head(20))))
    return sections, put.files


@pytest.fixture(scope="module")
def built():
    return many_outlet_sections()


def test_forty_outlets_every_figure_within_the_pixel_cap(built):
    sections, files = built
    pngs = {rel: data for rel, data in files.items() if rel.endswith(".png")}
    assert {"figures/rates-cues.png", "figures/composition-cues.png", "figures/within-effects.png",
            "figures/within-timeseries.png", "figures/paired-paired.png"} <= set(pngs)
    for rel, data in pngs.items():
        width, height = struct.unpack(">II", data[16:24])
        assert max(width, height) <= MAX_FIGURE_PIXELS, (rel, width, height)
        assert max(width, height) <= 3200, (rel, width, height)  # top-k views keep them well under the cap
    inline = [b for s in sections for b in s.blocks if isinstance(b, FigureBlock)]
    assert inline and all(max(b.size) <= 2200 for b in inline)
    # no "--" in file names ("words-x-vs--rest.png")
    assert "figures/words-regional-outlet-number-00-vs-rest.png" in pngs
    assert not [rel for rel in files if "--" in rel]


def test_forty_outlets_tables_lead_with_what_a_reader_needs(built):
    sections, _ = built
    within = next(s for s in sections if s.id == "cmp-within")
    tables = [b for b in within.blocks if isinstance(b, TableBlock)]
    findings = tables[0]
    assert findings.title == "Key findings: pairwise contrasts" and not findings.collapsed
    assert list(findings.frame.columns) == ["category", "contrast", "estimate", "ci_low", "ci_high",
                                            "p_adj permutation", "reading"]
    p = findings.frame["p_adj permutation"].to_numpy()
    assert (np.diff(p) >= 0).all()  # clearest first
    full = next(b for b in tables if b.title.startswith("Pairwise effects and tests"))
    assert full.collapsed and len(full.frame.columns) == len(COMPARE_COLUMNS)
    rates = next(b for b in tables if b.title == "Per-group rates")
    docs = rates.frame.drop_duplicates("group")["n_docs"].to_numpy()
    assert (np.diff(docs) <= 0).all()  # most documents first, not alphabetical
    assert len(rates.frame.columns) <= 7


def test_by_documents_orders_groups_and_keeps_rows():
    table = pd.DataFrame({"group": ["b", "a", "b", "c"], "category": ["x", "x", "y", "x"], "n_docs": [3, 1, 3, 9]})
    assert by_documents(table)[["group", "category"]].values.tolist() == [["c", "x"], ["b", "x"], ["b", "y"],
                                                                           ["a", "x"]]


def test_long_summary_values_are_collapsed():
    names = ", ".join(f"{o}: {i}" for i, o in enumerate(outlets(182)))
    page = render_report(ReportData(title="t", summary=(("outlets", names),), config_text="", sections=(),
                                    passages=()))
    assert '<details class="long-value"><summary>' in page and "(show all," in page


# ---------------------------------------------------------------- real browser

_MEASURE = """<script>
(function () {
  var out = [];
  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (t) {
    if (t.offsetParent === null) return;
    var wrap = t.parentNode, heads = [];
    Array.prototype.forEach.call(t.tHead.rows[0].cells, function (th) {
      var box = th.getBoundingClientRect();
      heads.push([th.textContent, Math.round(box.left), Math.round(box.right)]);
    });
    var title = t.closest(".table-block").querySelector("h3");
    out.push({title: title ? title.textContent : "", section: t.closest("section").id,
              scroll: wrap.scrollWidth > wrap.clientWidth + 1, heads: heads});
  });
  document.body.setAttribute("data-measure", JSON.stringify({width: window.innerWidth,
    page: document.documentElement.scrollWidth, tables: out}));
})();
</script>
</body>"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_key_columns_visible_at_1280_px_in_headless_chromium(tmp_path, built):
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium binary found (tried chromium, chromium-browser, google-chrome)")
    sections, _ = built
    page = render_report(ReportData(title="forty outlets", summary=(("outlets", "40"),), config_text="",
                                    sections=tuple(sections), passages=()))
    assert page.count("</body>") == 1
    path = tmp_path / "report.html"
    path.write_text(page.replace("</body>", _MEASURE), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900", "--dump-dom"]
    done = subprocess.run([browser, *flags, path.as_uri()], capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    start = done.stdout.index('data-measure="') + len('data-measure="')
    measure = json.loads(html.unescape(done.stdout[start:done.stdout.index('"', start)]))
    assert measure["width"] == 1280
    assert measure["page"] <= 1280  # no horizontal scrolling of the page
    findings = [t for t in measure["tables"] if t["title"] == "Key findings: pairwise contrasts"]
    assert {t["section"] for t in findings} == {"cmp-within", "cmp-paired"}
    for table in findings:
        assert not table["scroll"], table
        for name, left, right in table["heads"]:
            assert 0 <= left and right <= 1280, (table["section"], name, left, right)
        names = [h[0] for h in table["heads"]]
        assert names[:5] == ["category", "contrast", "estimate", "ci_low", "ci_high"] and names[-1] == "reading"
    # the visible per-group tables (key columns) fit too
    for table in measure["tables"]:
        if table["title"] == "Per-group rates":
            assert not table["scroll"], table
