"""Scale benchmark for the statistics of ``framing compare`` (issue 13).

No text is scored: a per-document scores table (the columns of
:func:`framing.match.scoring.score`) is *simulated* per outlet with the
framing-cues lexicon's 10 categories and realistic rates — per-category
mean rates and gamma burstiness measured once on a 2,068-article AllSides
sample (every 14th ABP article, ``framing score`` defaults), document
lengths lognormal with that sample's mean and SD (815 and 623 tokens),
outlet sizes skewed like AllSides (share of outlet i proportional to
``1 / (i + 2)``) and outlet rate multipliers ``exp(N(0, 0.2^2))``.

Two designs, run as ``compute_comparison`` runs them for ``framing
compare`` defaults (``--methods permutation,welch --effect rate_ratio``,
``n_resamples`` and ``ci_method`` from ``DEFAULTS``, omnibus on):

* ``outlet``: ``--by outlet``, documents as units; ``--outlets-by-outlet``
  outlets (default 12, i.e. 66 pairs).
* ``cluster``: ``--by bias --cluster outlet``, outlets as units;
  ``--outlets-cluster`` outlets (default 60) in left/center/right.

Per function (``summarize``, ``omnibus``, ``compare``; and ``effects``
with the rate ratio alone, the effect-size share of ``compare``) it
prints CPU seconds (``time.process_time``), wall seconds and peak RSS.
Each tree given with ``--trees`` (the working tree by default; e.g. a
checkout of main as the baseline) runs in its own child process per
size and design, one after the other, so that the load of the machine
is shared between them.

    nice -n 10 python benchmarks/bench_compare_scale.py --sizes 10000 100000 \\
        --trees /tmp/base-main .

``--profile N`` also prints each function's N most expensive callees
(``cProfile``, by own time; the timings then include the profiler's
overhead).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Mean rate per 1,000 tokens and gamma dispersion per category (AllSides sample, see the docstring).
RATES = {
    "insinuation": (0.53, 4.2), "escalation": (2.40, 1.2), "hedging": (6.57, 1.05), "boosters": (1.88, 2.1),
    "doubt_attribution": (1.98, 2.0), "discrediting": (0.74, 12.5), "loaded_language": (4.03, 2.0),
    "threat": (1.91, 9.5), "intensifiers": (2.29, 1.7), "partisan_labels": (1.38, 6.5),
}
BIASES = ("left", "center", "right")


def simulate(n_docs: int, n_outlets: int, seed: int = 13):
    """The scores table and the corpus frame (doc_id, outlet, bias)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    share = 1.0 / (np.arange(n_outlets) + 2.0)
    sizes = np.maximum(np.floor(share / share.sum() * n_docs).astype(int), 2)
    sizes[0] += n_docs - sizes.sum()
    outlet = np.repeat([f"outlet{i:03d}" for i in range(n_outlets)], sizes)
    bias = np.repeat([BIASES[i % 3] for i in range(n_outlets)], sizes)
    n = len(outlet)
    sigma2 = np.log(1 + (623 / 815) ** 2)
    tokens = np.maximum(np.rint(rng.lognormal(np.log(815) - sigma2 / 2, np.sqrt(sigma2), n)), 20).astype(np.int64)
    cats = list(RATES)
    effect = np.repeat(np.exp(rng.normal(0, 0.2, (n_outlets, len(cats)))), sizes, axis=0)
    base = np.array([RATES[c][0] for c in cats])
    phi = np.array([RATES[c][1] for c in cats])
    gamma = rng.gamma(1 / phi, phi, (n, len(cats)))
    counts = rng.poisson(tokens[:, None] / 1000 * base * effect * gamma)
    doc_ids = np.array([f"d{i:07d}" for i in range(n)], dtype=object)
    scores = pd.DataFrame({
        "doc_id": np.repeat(doc_ids, len(cats)),
        "part": "text",
        "voice": "outlet",
        "category": np.tile(cats, n),
        "count": counts.ravel(),
        "negated": 0,
        "weight": counts.ravel().astype(float),
        "tokens": np.repeat(tokens, len(cats)),
        "rate": (1000.0 * counts / tokens[:, None]).ravel(),
        "denominator": "per_1000_tokens",
    })
    frame = pd.DataFrame({"doc_id": doc_ids, "outlet": outlet, "bias": bias})
    return scores, frame


def child(size: int, design: str, outlets: int, n_resamples: int | None, profile: int = 0) -> dict:
    """Time the statistics of one comparison in this process."""
    import cProfile
    import io
    import pstats
    import time
    import warnings

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _memory import reset_peak, status_mb

    from framing.seeds import derive_seed
    from framing.stats import compare, effects, omnibus, summarize
    from framing.vocab import DEFAULTS, default_omnibus_methods, design_of

    scores, frame = simulate(size, outlets)
    by, cluster = ("outlet", None) if design == "outlet" else ("bias", "outlet")
    seed = DEFAULTS["seed"]
    b = n_resamples or DEFAULTS["n_resamples"]
    common = dict(by=by, corpus=frame, categories=list(RATES), part=None, voice=None)
    opts = dict(confidence=DEFAULTS["confidence"], n_resamples=b)
    calls = {
        "summarize": lambda: summarize(scores, cluster=cluster, ci_method=DEFAULTS["ci_method"],
                                       random_state=derive_seed(seed, "summary"), **opts, **common),
        "omnibus": lambda: omnibus(scores, cluster=cluster, strata=None,
                                   methods=list(default_omnibus_methods(design_of(strata=None, pair_on=None,
                                                                                  cluster=cluster))),
                                   correction=DEFAULTS["correction"], n_resamples=b,
                                   random_state=derive_seed(seed, "omnibus"), **common),
        "compare": lambda: compare(scores, methods=["permutation", "welch"], effect=DEFAULTS["effect"], pairs="all",
                                   ci_method=DEFAULTS["ci_method"], reference=None, cluster=cluster, strata=None,
                                   unmatched=DEFAULTS["unmatched"], correction=DEFAULTS["correction"],
                                   alternative=DEFAULTS["alternative"], random_state=derive_seed(seed, "pairs"),
                                   **opts, **common),
        "effects": lambda: effects(scores, effects=[DEFAULTS["effect"]], cluster=cluster,
                                   ci_method=DEFAULTS["ci_method"], random_state=derive_seed(seed, "pairs"),
                                   **opts, **common),
    }
    out = {}
    for name, call in calls.items():
        reset_peak()
        profiler = cProfile.Profile() if profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if profiler is not None:
                profiler.enable()
            table = call()
            if profiler is not None:
                profiler.disable()
        if profiler is not None:
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(profile)
            print(f"PROFILE {name}\n" + text.getvalue().split("\n\n", 2)[-1].rstrip())
        out[name] = {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                     "peak_mb": status_mb("VmHWM"), "rows": len(table),
                     "digest": float(table.select_dtypes("number").fillna(0).abs().to_numpy().sum())}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--designs", nargs="+", choices=["outlet", "cluster"], default=["outlet", "cluster"])
    parser.add_argument("--trees", nargs="+", default=[str(ROOT)], help="source trees to import framing from")
    parser.add_argument("--outlets-by-outlet", type=int, default=12)
    parser.add_argument("--outlets-cluster", type=int, default=60)
    parser.add_argument("--n-resamples", type=int, default=None, help="default: DEFAULTS['n_resamples']")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print each function's N most expensive callees (cProfile)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        size, design, outlets = int(args.child[0]), args.child[1], int(args.child[2])
        print("RESULT " + json.dumps(child(size, design, outlets, args.n_resamples, args.profile)))
        return
    print(f"{'size':>7} {'design':8} {'tree':28} {'function':10} {'CPU-s':>8} {'wall-s':>8} {'peak MB':>8} "
          f"{'rows':>6} digest")
    for size in args.sizes:
        for design in args.designs:
            outlets = args.outlets_by_outlet if design == "outlet" else args.outlets_cluster
            for tree in args.trees:
                cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(size), design, str(outlets)]
                if args.n_resamples:
                    cmd += ["--n-resamples", str(args.n_resamples)]
                if args.profile:
                    cmd += ["--profile", str(args.profile)]
                env = {"PYTHONPATH": str(Path(tree).resolve()), "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0",
                       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
                res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                line = [ln for ln in res.stdout.splitlines() if ln.startswith("RESULT ")]
                if res.returncode or not line:
                    print(f"{size:>7} {design:8} {tree[-28:]:28} failed: {res.stderr.strip().splitlines()[-1:]}")
                    continue
                if args.profile:
                    print(f"--- {size} {design} {tree}")
                    print("\n".join(ln for ln in res.stdout.splitlines() if not ln.startswith("RESULT ")))
                for name, r in json.loads(line[0][7:]).items():
                    print(f"{size:>7} {design:8} {tree[-28:]:28} {name:10} {r['cpu']:8.2f} {r['wall']:8.2f} "
                          f"{r['peak_mb']:8.0f} {r['rows']:6d} {r['digest']:.10g}", flush=True)


if __name__ == "__main__":
    main()
