"""BABE biased vs non-biased: cross-validated macro-F1 of framing's classifiers.

Usage::

    python benchmarks/bench_classify_babe.py [--data PATH/final_labels_SG2.csv] [--quick]
        [--schemes stratified outlet] [--models baseline framing framing+marked framing+marked+embed] [--Cs 1 3 10]
    python benchmarks/bench_classify_babe.py --tols 1e-4 3e-4 1e-3 --models framing --schemes stratified --Cs 1

Loads BABE with :func:`framing.corpus.datasets.load_babe` (the one "No agreement"
sentence dropped; 3,673 sentences) and measures, in the same run and on
the same folds:

``baseline``
    plain unigram TF-IDF + logistic regression, scikit-learn defaults
    (``FrameClassifier(kind="baseline")``);
``framing``
    word 1-2-gram + character 2-5-gram TF-IDF + framing-cues counts,
    balanced logistic regression, C chosen among ``--Cs`` by an inner
    3-fold CV on each training fold (nested: never on the test fold);
``framing+marked``
    the same plus :class:`framing.classify.MarkedWordScorer` features
    learned from the ``biased_words`` annotations of the training fold
    only (cross-fitted inside it; the test fold's annotations are never
    read);
``framing+marked+embed``
    the same plus all-MiniLM-L6-v2 sentence embeddings
    (:mod:`framing.classify.embed`; needs the optional ``embeddings``
    extra, so it is run only when asked with ``--models``).

Two evaluations: 5-fold stratified CV (shuffled, seed 0) and 5-fold
outlet-grouped CV (GroupKFold over the 11 outlets: test outlets unseen
in training; C then chosen by grouped inner folds too).  Macro-F1 with
95% percentile bootstrap CIs over sentences (1,000 replicates), accuracy
and Brier score are printed, with the wall-clock time, the C chosen per
fold and the machine's load average (the machine may be shared).

``--quick`` runs a smoke test on 900 sentences (stratified sample,
seed 0) with a single C: not a figure to report.

``--tols T1 T2 ...`` runs every chosen scheme and model once per solver
tolerance (``framing.classify.model.LOGREG_TOL``) on the same folds and
prints, against the first tolerance, the paired bootstrap CI of the
macro-F1 difference (the same resampled sentences, 1,000 replicates,
seed 0), the share of out-of-fold predictions that change and the
largest change of an out-of-fold probability; then fits the model on all
sentences at each tolerance and prints the largest coefficient change.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from sklearn.base import clone

import framing.classify.model as module
from framing.classify.model import FrameClassifier
from framing.classify.evaluate import cross_validate
from framing.corpus.datasets import load_babe
from bench_classify_scale import paired_macro_f1  # benchmarks/, beside the script

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "babe" / "final_labels_SG2.csv"
MODELS = ("baseline", "framing", "framing+marked", "framing+marked+embed")


def _load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--Cs", type=float, nargs="+", default=[1.0, 3.0, 10.0],
                        help="candidate C values, chosen by inner CV (default 1 3 10)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--schemes", nargs="+", default=["stratified", "outlet"], choices=["stratified", "outlet"])
    parser.add_argument("--models", nargs="+", default=list(MODELS[:3]), choices=MODELS,
                        help="default: the first three; framing+marked+embed needs the embeddings extra")
    parser.add_argument("--quick", action="store_true", help="900 sentences, one C (smoke test)")
    parser.add_argument("--tols", type=float, nargs="+", default=None, metavar="TOL",
                        help="compare these solver tolerances (framing.classify.model.LOGREG_TOL)")
    args = parser.parse_args()
    babe = load_babe(args.data)
    Cs = tuple(args.Cs)
    if args.quick:
        keep = [i for _, rows in babe.groupby("label_bias", sort=True)
                for i in rows.sample(n=450, random_state=args.seed).index]
        babe = babe.loc[sorted(keep)].reset_index(drop=True)
        Cs = Cs[:1]
    print(f"BABE: {len(babe)} sentences, {babe['outlet'].nunique()} outlets, "
          f"{int(babe['biased'].sum())} biased{' [quick]' if args.quick else ''}")
    print(f"before: {_load()}")
    C = Cs if len(Cs) > 1 else Cs[0]
    models = {
        "baseline": (FrameClassifier(kind="baseline", random_state=args.seed), None),
        "framing": (FrameClassifier(C=C, random_state=args.seed), None),
        "framing+marked": (FrameClassifier(C=C, marked=True, random_state=args.seed), "biased_words"),
        "framing+marked+embed": (FrameClassifier(C=C, marked=True, embeddings="all-MiniLM-L6-v2",
                                                 random_state=args.seed), "biased_words"),
    }
    print(f"{'scheme':<11} {'model':<20} {'macro-F1':>8} {'95% CI':>15} {'acc':>6} {'brier':>6} {'time':>6}  C per fold")
    tols = args.tols or [None]
    for scheme in args.schemes:
        for name in args.models:
            model, marked = models[name]
            first = None
            for tol in tols:
                if tol is not None:
                    module.LOGREG_TOL = tol
                started, cpu = time.perf_counter(), time.process_time()
                ev = cross_validate(babe, "label_bias", model=model, groups="outlet" if scheme == "outlet" else None,
                                    n_splits=5, random_state=args.seed, marked=marked)
                took, cpu = time.perf_counter() - started, time.process_time() - cpu
                s = ev.summary.set_index("metric")
                label = name if tol is None else f"{name} tol={tol:g}"
                print(f"{scheme:<11} {label:<20} {s.loc['macro_f1', 'value']:8.4f} "
                      f"({s.loc['macro_f1', 'ci_low']:.3f}-{s.loc['macro_f1', 'ci_high']:.3f}) "
                      f"{s.loc['accuracy', 'value']:6.3f} {s.loc['brier', 'value']:6.3f} {took:5.0f}s  "
                      f"{', '.join(f'{c:g}' for c in ev.folds['C'])}  ({cpu:.0f} CPU-s)", flush=True)
                if tol is None:
                    continue
                p = ev.predictions.set_index("doc_id")
                if first is None:
                    first = (tol, p)
                    continue
                base = first[1].loc[p.index]
                classes = [str(c) for c in ev.classes]
                _, _, diff, (low, high) = paired_macro_f1(p["true"].astype(str).tolist(),
                                                          base["predicted"].astype(str).tolist(),
                                                          p["predicted"].astype(str).tolist(), classes)
                changed = float(np.mean(p["predicted"].to_numpy() != base["predicted"].to_numpy()))
                print(f"{'':<11} {'':<20} vs tol={first[0]:g}: macro-F1 difference {diff:+.4f} (paired 95% CI "
                      f"{low:+.4f} to {high:+.4f}), {changed:.2%} of predictions changed, max |score change| "
                      f"{np.abs(p['score'].to_numpy() - base['score'].to_numpy()).max():.3g}", flush=True)
            if args.tols and len(tols) > 1 and marked is None:
                coefs = []
                for tol in tols:
                    module.LOGREG_TOL = tol
                    fitted = clone(model).fit(babe["text"].tolist(), babe["label_bias"].tolist())
                    coef, intercept = fitted.linear_model()
                    coefs.append(np.hstack([coef, np.asarray(intercept).reshape(len(coef), -1)]))
                for tol, coef in zip(tols[1:], coefs[1:]):
                    print(f"{'':<11} {'':<20} all {len(babe)} sentences, tol={tol:g} vs {tols[0]:g}: max |coefficient "
                          f"change| {np.abs(coef - coefs[0]).max():.3g} (largest |coefficient| "
                          f"{np.abs(coefs[0]).max():.3g})", flush=True)
    print(f"after: {_load()}")


if __name__ == "__main__":
    main()
