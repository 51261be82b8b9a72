"""Coverage of framing's 95% confidence intervals at small samples.

Usage::

    python benchmarks/bench_coverage.py [--reps 1000] [--n-resamples 999] [--seed 0]
                                        [--methods percentile auto] [--designs documents clusters]
                                        [--sizes 10 20 50] [--clusters 5 10 20]
                                        [--strata 10 20] [--truths null effect] [--only cohens_d ...]
                                        [--strata-only]

Stratified effects only (the issue-15 cells)::

    python benchmarks/bench_coverage.py --designs paired --strata-only \
        --methods percentile bca auto --strata 10 20

Simulated scores (:func:`framing.stats.simulate_scores`: gamma–Poisson
bursty counts, lognormal document lengths) with known truths:

``documents``
    Two outlets A and B with ``--sizes`` documents each, compared with
    documents as units.  ``null``: equal rates; ``effect``: B's rate is
    1.5 times A's.
``clusters``
    Two classes (``by="outlet_group"``, ``cluster="outlet"``) of
    ``--clusters`` outlets each, 10 documents per outlet; every outlet ×
    category has its own mean-one lognormal rate multiplier (SD of the log
    0.4: outlets differ in house style), so documents of one outlet are
    not independent.  ``null``: equal class rates; ``effect``: class R's
    rates 1.5 times class L's (in expectation over outlets).
``paired``
    Two outlets A and B covering the same ``--strata`` stories, one
    document each per story; every story × category has its own mean-one
    lognormal rate multiplier shared by both outlets (SD of the log 0.5:
    stories differ in how much they call for a frame).  ``null``: equal
    rates; ``effect``: B's rate 1.5 times A's.  Scored: the three effects
    of :func:`framing.stats.paired` (rows ``paired <effect>``) and
    :func:`framing.stats.effects` with ``strata="story_id"`` (rows
    ``strata <effect>``, every effect; ``--strata-only`` skips
    :func:`~framing.stats.paired`).  One document per cell, so the
    stratum weights are equal.

Each category of a simulated table is an independent replicate (counts
are independent across categories), so one call yields many replicates;
``--reps`` replicates per design and sample size.  The intervals scored:
every effect of :func:`framing.stats.effects` (the CIs that
:func:`framing.stats.compare` reports are the same rows) and the
``mean_rate`` and ``pooled_rate`` intervals of
:func:`framing.stats.summarize`, under ``--methods`` (``percentile`` is
framing 0.2.0's; ``auto`` the new default).

Truths: the rate difference and ratio and the summary rates are planted
(base rate × multipliers).  Cohen's d, Hedges' g (same population value)
and Cliff's delta have no closed form under this model; their truths are
computed from one large simulation of the same design (200,000 documents
per group; 4,000 outlets per class), whose own Monte Carlo error is below
0.01 — small next to the intervals' widths.  Under the null they are 0.

Monte Carlo error: a coverage estimate from R replicates has standard
error sqrt(p (1 - p) / R); at p = 0.95 that is 0.69 pp for R = 1000 (a
±1.35 pp 95% margin), 1.5 pp for R = 200.

Output: one line per design × size × statistic × method with the
coverage, the median interval width relative to the percentile
interval's, wall and CPU seconds (``resource.getrusage``, user + system) and the
process's peak resident memory so far.
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd
import scipy.stats

from framing import seeds
from framing.stats import StatsWarning, effects, paired, simulate_scores, summarize

BASE_RATE = 8.0  # hits per 1,000 tokens
RATIO = 1.5
OUTLET_SD = 0.4
DOCS_PER_OUTLET = 10
BATCH = 200  # categories (replicates) per simulated table
EFFECT_NAMES = ("rate_difference", "rate_ratio", "cohens_d", "hedges_g", "cliffs_delta")
PAIRED_NAMES = ("rate_difference", "rate_ratio", "cohens_dz")
STRATA_NAMES = ("rate_difference", "rate_ratio", "cohens_d", "hedges_g", "cliffs_delta")
STORY_SD = 0.5


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def outlet_effects(rng: np.random.Generator, outlets: list[str], categories: list[str], mult: dict[str, float]):
    """Mean-one lognormal multiplier per outlet × category, times the class multiplier."""
    z = rng.normal(size=(len(outlets), len(categories)))
    m = np.exp(OUTLET_SD * z - OUTLET_SD**2 / 2)
    return {o: {c: float(m[i, j] * mult[o]) for j, c in enumerate(categories)} for i, o in enumerate(outlets)}


def table(design: str, size: int, effect: bool, n_cats: int, seed: int) -> tuple[pd.DataFrame, str, str | None]:
    """A simulated scores table, its grouping column and cluster column."""
    cats = [f"c{j:04d}" for j in range(n_cats)]
    if design in ("documents", "paired"):
        effects_ = {"B": dict.fromkeys(cats, RATIO)} if effect else None
        story = {"strata": size, "stratum_sd": STORY_SD} if design == "paired" else {}
        sim = simulate_scores(outlets=["A", "B"], n_docs=size, categories=cats, base_rate=BASE_RATE,
                              outlet_effects=effects_, random_state=seed, **story)
        return sim, "outlet", None
    outlets = [f"L{i:03d}" for i in range(size)] + [f"R{i:03d}" for i in range(size)]
    group_of = {o: o[0] for o in outlets}
    mult = {o: (RATIO if effect and o[0] == "R" else 1.0) for o in outlets}
    planted = outlet_effects(seeds.rng(seed, "bench_coverage", "outlets"), outlets, cats, mult)
    sim = simulate_scores(outlets=outlets, n_docs=DOCS_PER_OUTLET, categories=cats, base_rate=BASE_RATE,
                          outlet_effects=planted, group_of=group_of, random_state=seed)
    return sim, "outlet_group", "outlet"


def population_effects(design: str, effect: bool, seed: int) -> dict[str, float]:
    """Cohen's d (= Hedges' g) and Cliff's delta of the population, from one large simulation."""
    if not effect:
        return {"cohens_d": 0.0, "hedges_g": 0.0, "cliffs_delta": 0.0, "cohens_dz": 0.0}
    if design == "paired":
        sim, by, _ = table("paired", 200_000, True, 1, seed + 10_000)
        sim = sim.sort_values(["story_id", by])
        x = sim.loc[sim[by] == "A", "rate"].to_numpy()
        y = sim.loc[sim[by] == "B", "rate"].to_numpy()
        d = x - y
        pooled = (x.mean() - y.mean()) / math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
        return {"cohens_d": pooled, "hedges_g": pooled, "cliffs_delta": float(np.mean(np.sign(d))), "cohens_dz": d.mean() / d.std(ddof=1)}
    if design == "documents":
        sim, by, cluster = table("documents", 200_000, True, 1, seed + 10_000)
        x = sim.loc[sim[by] == "A", "rate"].to_numpy()
        y = sim.loc[sim[by] == "B", "rate"].to_numpy()
    else:
        sim, by, cluster = table("clusters", 4_000, True, 1, seed + 10_000)
        means = sim.groupby([by, cluster])["rate"].mean()
        x, y = means.loc["L"].to_numpy(), means.loc["R"].to_numpy()
    d = (x.mean() - y.mean()) / math.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2)
    u = scipy.stats.mannwhitneyu(x, y, method="asymptotic").statistic
    return {"cohens_d": d, "hedges_g": d, "cliffs_delta": 2 * u / (len(x) * len(y)) - 1}


def truths(design: str, effect: bool, pop: dict[str, float]) -> dict[str, float]:
    ra, rb = BASE_RATE, BASE_RATE * (RATIO if effect else 1.0)
    return {"rate_difference": ra - rb, "rate_ratio": ra / rb, **pop, "mean_a": ra, "mean_b": rb}


def paired_parts(sim: pd.DataFrame, method: str, args: argparse.Namespace, seed: int) -> list[pd.DataFrame]:
    """The paired design's interval rows, ``effect`` renamed ``paired <effect>`` / ``strata <effect>``."""
    parts = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)
        for name in PAIRED_NAMES:
            if (args.only and name not in args.only) or (method == "studentized" and name == "cohens_dz") or args.strata_only:
                continue
            rows = paired(sim, pair_on="story_id", methods=["paired_t"], effect=name,
                          n_resamples=args.n_resamples, random_state=seed, ci_method=method)
            parts.append(rows.assign(effect=f"paired {name}"))
        names = [e for e in STRATA_NAMES if (not args.only or e in args.only)
                 and not (method == "studentized" and e in ("cohens_d", "hedges_g"))]
        if names:
            rows = effects(sim, strata="story_id", effects=names, n_resamples=args.n_resamples, random_state=seed,
                           ci_method=method)
            parts.append(rows.assign(effect="strata " + rows["effect"]))
    return parts


def run(args: argparse.Namespace) -> pd.DataFrame:
    records = []
    for design in args.designs:
        sizes = {"documents": args.sizes, "clusters": args.clusters, "paired": args.strata}[design]
        for effect in [t == "effect" for t in args.truths]:
            pop = population_effects(design, effect, args.seed)
            truth = truths(design, effect, pop)
            for size in sizes:
                n_tables = math.ceil(args.reps / BATCH)
                for method in args.methods:
                    start = cpu()
                    t0 = time.perf_counter()
                    eff_parts, sum_parts = [], []
                    for rep in range(n_tables):
                        n_cats = min(BATCH, args.reps - rep * BATCH)
                        seed = args.seed * 1_000_003 + rep * 7919 + size * 31 + (1 if effect else 0)
                        sim, by, cluster = table(design, size, effect, n_cats, seed)
                        if design == "paired":
                            eff_parts.extend(paired_parts(sim, method, args, seed))
                            continue
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", StatsWarning)
                            names = [e for e in EFFECT_NAMES if (method in ("auto", "percentile", "bca") or
                                     e in ("rate_difference", "rate_ratio") or
                                     (method == "t" and e in ("cohens_d", "hedges_g")))
                                     and (not args.only or e in args.only)]
                            if names:
                                eff_parts.append(effects(sim, by=by, cluster=cluster, effects=names,
                                                         n_resamples=args.n_resamples, random_state=seed,
                                                         ci_method=method))
                            if not args.only or "summary" in args.only:
                                sum_parts.append(summarize(sim, by=by, cluster=cluster,
                                                           n_resamples=args.n_resamples, random_state=seed,
                                                           ci_method=method))
                    seconds = cpu() - start
                    wall = time.perf_counter() - t0
                    eff = pd.concat(eff_parts) if eff_parts else pd.DataFrame(columns=["effect"])
                    summ = pd.concat(sum_parts) if sum_parts else pd.DataFrame(columns=["group"])
                    key = {"design": design, "truth": "effect" if effect else "null", "size": size, "method": method,
                           "cpu_s": seconds, "wall_s": wall, "peak_mb": peak_mb()}
                    for name, rows in eff.groupby("effect", sort=False):
                        target = truth[name.split(" ")[-1]]
                        cover = (rows["ci_low"] <= target) & (target <= rows["ci_high"])
                        width = (rows["ci_high"] - rows["ci_low"]).replace([np.inf, -np.inf], np.nan)
                        labels = ",".join(sorted(rows["ci_method"].unique()))
                        records.append({**key, "statistic": name, "coverage": cover.mean(), "n": len(rows),
                                        "median_width": width.median(), "ci_method": labels})
                    groups = sorted(summ["group"].unique())
                    for col, what in (("mean", "summary mean_rate"), ("pooled", "summary pooled_rate")) if len(summ) else ():
                        covered, widths = [], []
                        for g, target in zip(groups, (truth["mean_a"], truth["mean_b"])):
                            rows = summ[summ["group"] == g]
                            covered.append((rows[f"{col}_low"] <= target) & (target <= rows[f"{col}_high"]))
                            widths.append(rows[f"{col}_high"] - rows[f"{col}_low"])
                        cover = pd.concat(covered)
                        records.append({**key, "statistic": what, "coverage": cover.mean(), "n": len(cover),
                                        "median_width": pd.concat(widths).median(), "ci_method": method})
                    print(f"  done {design} {'effect' if effect else 'null'} size={size} {method}: "
                          f"{seconds:.1f} CPU s, peak {peak_mb():.0f} MB", file=sys.stderr, flush=True)
    return pd.DataFrame(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=1000, help="replicates per design and size (default 1000)")
    parser.add_argument("--n-resamples", type=int, default=999, help="bootstrap replicates per interval")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", nargs="+", default=["percentile", "auto"],
                        choices=["percentile", "auto", "bca", "studentized", "t"])
    parser.add_argument("--designs", nargs="+", default=["documents", "clusters", "paired"],
                        choices=["documents", "clusters", "paired"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10, 20, 50], help="documents per group")
    parser.add_argument("--clusters", nargs="+", type=int, default=[5, 10, 20], help="outlets per class")
    parser.add_argument("--strata", nargs="+", type=int, default=[10, 20], help="stories (paired design)")
    parser.add_argument("--truths", nargs="+", default=["null", "effect"], choices=["null", "effect"])
    parser.add_argument("--only", nargs="+", default=[], choices=[*EFFECT_NAMES, "cohens_dz", "summary"],
                        help="score only these statistics (default: all)")
    parser.add_argument("--strata-only", action="store_true",
                        help="design paired: score only effects(..., strata=...), not paired()")
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error(f"--reps: expected an integer >= 1, got {args.reps}")
    out = run(args)
    se = math.sqrt(0.95 * 0.05 / args.reps)
    print(f"Coverage of 95% intervals; {args.reps} replicates per row (Monte Carlo SE {100 * se:.2f} pp at 0.95), "
          f"{args.n_resamples} bootstrap replicates per interval.")
    wide = out.pivot_table(index=["design", "truth", "size", "statistic"], columns="method", values="coverage",
                           sort=False)
    print(wide.round(3).to_string())
    cost = out.groupby(["design", "truth", "size", "method"], sort=False)[["wall_s", "cpu_s", "peak_mb"]].first()
    print("\nWall and CPU seconds (effects + summarize, all replicates) and peak memory (MB, process so far):")
    print(cost.round(1).to_string())
    labels = out[out["method"] == "auto"].groupby(["design", "statistic"], sort=False)["ci_method"].first()
    if len(labels):
        print("\nci_method of the auto rows:")
        print(labels.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
