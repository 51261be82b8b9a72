"""Coverage and bias of corrected frame prevalence (framing.stats.prevalence).

Simulates groups with known true prevalences, an imperfect classifier and
a validation set drawn from the pooled corpus, then compares the
corrected estimate of :func:`framing.stats.prevalence.corrected_prevalence`
(adjusted classify and count with a joint bootstrap of documents and the
validation set) with naive classify and count (the share predicted
positive, Wilson interval).  A third scenario puts documents in outlets
with outlet-level variation in prevalence and uses ``cluster="outlet"``.

Run::

    python benchmarks/bench_prevalence.py --reps 500

and read: coverage of the nominal 95% intervals (target 93-97% for the
corrected estimate), mean bias, CPU seconds and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from framing.seeds import rng
from framing.stats import StatsWarning
from framing.stats.prevalence import corrected_prevalence
from framing.stats.proportions import wilson_interval

PREVALENCES = np.array([0.10, 0.225, 0.35, 0.475, 0.60])
SCENARIOS = {
    # name: (tpr, fpr, documents per group, outlets per group, SD of outlet prevalence on the logit scale)
    "good classifier (tpr .80, fpr .10)": (0.80, 0.10, 500, 0, 0.0),
    "hard classifier (tpr .65, fpr .20)": (0.65, 0.20, 500, 0, 0.0),
    "outlets as clusters (tpr .80, fpr .10)": (0.80, 0.10, 500, 10, 0.5),
}


def _logit(p):
    return np.log(p / (1 - p))


def simulate(generator, *, tpr, fpr, n_docs, n_outlets, outlet_sd, n_validation, independent=False):
    """One corpus: documents with true and predicted labels, and a validation set."""
    groups, outlets, truth = [], [], []
    for g, p in enumerate(PREVALENCES):
        if n_outlets:
            outlet_p = 1 / (1 + np.exp(-(_logit(p) + generator.normal(0, outlet_sd, n_outlets))))
            which = generator.integers(0, n_outlets, n_docs)
            truth.append(generator.random(n_docs) < outlet_p[which])
            outlets.append([f"g{g}o{o}" for o in which])
        else:
            truth.append(generator.random(n_docs) < p)
            outlets.append([f"g{g}"] * n_docs)
        groups.append(np.full(n_docs, f"g{g}"))
    truth = np.concatenate(truth)
    predicted = np.where(truth, generator.random(truth.size) < tpr, generator.random(truth.size) < fpr)
    docs = pd.DataFrame({"group": np.concatenate(groups), "outlet": np.concatenate(outlets),
                         "predicted": predicted.astype(int)})
    if independent:  # hand-coded documents from outside the corpus (same mixture of groups)
        v_truth = generator.random(n_validation) < PREVALENCES[generator.integers(0, PREVALENCES.size, n_validation)]
        v_pred = np.where(v_truth, generator.random(n_validation) < tpr, generator.random(n_validation) < fpr)
    else:  # a random sample of the corpus, hand-coded beside the classifier's labels
        sample = generator.choice(truth.size, n_validation, replace=False)
        v_truth, v_pred = truth[sample], predicted[sample]
    validation = pd.DataFrame({"truth": v_truth.astype(int), "predicted": v_pred.astype(int)})
    return docs, validation


def true_prevalences(n_outlets, outlet_sd, generator):
    """Estimand with clusters: the mean over a group's outlets of their prevalence, averaged over outlet draws."""
    if not n_outlets:
        return PREVALENCES
    draws = _logit(PREVALENCES)[:, None] + generator.normal(0, outlet_sd, (PREVALENCES.size, 200_000))
    return (1 / (1 + np.exp(-draws))).mean(axis=1)


def run(scenario, *, reps, n_validation, n_resamples, seed, independent=False):
    tpr, fpr, n_docs, n_outlets, outlet_sd = SCENARIOS[scenario]
    truth = true_prevalences(n_outlets, outlet_sd, rng(seed, "truth"))
    generator = rng(seed, "simulate", scenario)
    covered = {"corrected": np.zeros(PREVALENCES.size), "naive": np.zeros(PREVALENCES.size)}
    error = {"corrected": np.zeros(PREVALENCES.size), "naive": np.zeros(PREVALENCES.size)}
    width = np.zeros(PREVALENCES.size)
    n_clipped = 0
    cpu = 0.0
    for rep in range(reps):
        docs, validation = simulate(generator, tpr=tpr, fpr=fpr, n_docs=n_docs, n_outlets=n_outlets,
                                    outlet_sd=outlet_sd, n_validation=n_validation, independent=independent)
        start = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", StatsWarning)
            table = corrected_prevalence(docs, validation, by="group", cluster="outlet" if n_outlets else None,
                                         n_resamples=n_resamples, random_state=rep)
        cpu += time.process_time() - start
        covered["corrected"] += (table.ci_low <= truth) & (truth <= table.ci_high)
        error["corrected"] += table.corrected_share.to_numpy() - truth
        width += (table.ci_high - table.ci_low).to_numpy()
        n_clipped += int(table.clipped.sum())
        positives = (table.raw_share * table.n_docs).round().to_numpy()
        low, high = wilson_interval(positives, table.n_docs.to_numpy(dtype=float))
        covered["naive"] += (low <= truth) & (truth <= high)
        error["naive"] += table.raw_share.to_numpy() - truth
    return {"truth": truth, "covered": {k: v / reps for k, v in covered.items()},
            "bias": {k: v / reps for k, v in error.items()}, "width": width / reps, "clipped": n_clipped, "cpu": cpu}


def peak_memory(n_resamples):
    docs, validation = simulate(rng(0, "memory"), tpr=0.8, fpr=0.1, n_docs=500, n_outlets=0, outlet_sd=0.0,
                                n_validation=400)
    tracemalloc.start()
    corrected_prevalence(docs, validation, by="group", n_resamples=n_resamples)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500, help="simulated corpora per scenario (default 500)")
    parser.add_argument("--validation", type=int, default=400, help="hand-coded validation documents (default 400)")
    parser.add_argument("--resamples", type=int, default=1999, help="bootstrap replicates (default 1999)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--independent-validation", action="store_true",
                        help="draw the validation set from outside the corpus instead of sampling the corpus")
    parser.add_argument("--scenario", choices=list(SCENARIOS), action="append", help="run only these scenarios")
    args = parser.parse_args(argv)
    print(f"{args.reps} repetitions per scenario, validation n={args.validation}, "
          f"{args.resamples} bootstrap replicates, true prevalences {PREVALENCES.tolist()}, validation set "
          f"{'independent of' if args.independent_validation else 'sampled from'} the corpus")
    for scenario in args.scenario or SCENARIOS:
        result = run(scenario, reps=args.reps, n_validation=args.validation, n_resamples=args.resamples,
                     seed=args.seed, independent=args.independent_validation)
        print(f"\n{scenario}")
        print(f"  {'truth':>8} {'cov corr':>9} {'cov naive':>9} {'bias corr':>10} {'bias naive':>10} {'CI width':>9}")
        for i, p in enumerate(result["truth"]):
            print(f"  {p:8.3f} {result['covered']['corrected'][i]:9.3f} {result['covered']['naive'][i]:9.3f} "
                  f"{result['bias']['corrected'][i]:+10.4f} {result['bias']['naive'][i]:+10.4f} "
                  f"{result['width'][i]:9.3f}")
        print(f"  overall coverage: corrected {result['covered']['corrected'].mean():.3f}, "
              f"naive {result['covered']['naive'].mean():.3f}; clipped estimates {result['clipped']}; "
              f"CPU {result['cpu']:.2f} s in corrected_prevalence ({result['cpu'] / args.reps * 1000:.1f} ms a call)")
    print(f"\npeak traced memory of one call: {peak_memory(args.resamples) / 1e6:.2f} MB; "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
