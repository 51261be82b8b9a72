"""Training cost of the default FrameClassifier at corpus scale, against the previous default.

Usage::

    python benchmarks/bench_classify_scale.py [--data PATH/abp_media_train_valid.jsonl.gz] [--char]
        [--synthetic N] [--train N] [--only baseline|default] [--tol TOL]
    python benchmarks/bench_classify_scale.py --tols 1e-4 3e-4 1e-3 [--data ...] [--train N]

Fits two models on the AllSides media split's training articles (or, with
``--synthetic N`` or without the data, on N synthetic articles of about 500
words), each what ``framing classify train --no-char`` builds:

``baseline``
    the settings before issue 12, passed explicitly: word 1-2-gram TF-IDF
    with ``min_df="auto"``, raw framing-cues counts (``cue_sublinear=False``),
    balanced logistic regression with C=1 fitted by L-BFGS (``max_iter=3000``);
``default``
    ``FrameClassifier(char_ngrams=None)`` as it is now (sublinear cue counts,
    Newton-CG).

For each it prints the CPU seconds (``time.process_time``, all threads) and
wall seconds of the fit, the peak resident memory of the process during the
fit (Linux ``VmHWM``, reset through ``/proc/self/clear_refs`` before each
fit; it includes the loaded corpus, whose resident size is printed as
``base``; elsewhere ``resource.getrusage``, which includes loading), the
number of features, and macro-F1 and accuracy on the valid split with 95%
bootstrap CIs.  ``--char`` adds the character 2-5-gram branch to both;
``--train N`` fits on the first N training articles; ``--only`` runs one
of the two; ``--tol`` sets the stopping tolerance of both fits
(``framing.classify.model.LOGREG_TOL``) for a comparison.

``--tols T1 T2 ...`` instead compares stopping tolerances of the default
model on the same features: the default's features are fitted once, then
its logistic regression (``make_pipeline``'s model step with ``tol``
set) at each tolerance.  For each it prints the CPU seconds of the
solver alone, its iterations, macro-F1 on the valid split with a 95%
bootstrap CI and, against the first tolerance, the paired bootstrap CI
of the macro-F1 difference (the same resampled articles for both, 1,000
replicates, seed 0), the share of valid predictions that change and the
largest absolute change of a coefficient or intercept.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from framing.classify.evaluate import metrics_table
from framing.classify.model import FrameClassifier
from _memory import reset_peak, status_mb  # benchmarks/_memory.py, beside the script

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "abp" / "abp_media_train_valid.jsonl.gz"


def synthetic(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(50_000)], dtype=object)
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    labels = np.array(["left", "center", "right"], dtype=object)[rng.integers(0, 3, n)]
    texts = [" ".join(rng.choice(vocab, size=500, p=weights)) + "." for _ in range(n)]
    return texts, labels.tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--synthetic", type=int, default=None, metavar="N")
    parser.add_argument("--char", action="store_true")
    parser.add_argument("--train", type=int, default=None, metavar="N")
    parser.add_argument("--only", choices=("baseline", "default"), default=None)
    parser.add_argument("--tol", type=float, default=None, help="framing.classify.model.LOGREG_TOL for both fits")
    parser.add_argument("--tols", type=float, nargs="+", default=None, metavar="TOL",
                        help="compare these solver tolerances of the default model on the same features")
    args = parser.parse_args()
    if args.tol is not None:
        import framing.classify.model as module

        module.LOGREG_TOL = args.tol
        print(f"LOGREG_TOL={args.tol:g}", flush=True)
    valid = None
    if args.synthetic is None and args.data.exists():
        from framing.corpus.datasets import load_abp

        abp = load_abp(args.data)
        train, valid = abp[abp["split"] == "train"], abp[abp["split"] == "valid"]
        if args.train is not None:
            train = train.iloc[:args.train]
        texts, labels = train["text"].tolist(), train["bias"].tolist()
        source = f"AllSides media split, {len(texts)} training articles"
    else:
        texts, labels = synthetic(args.synthetic or 27_000)
        source = f"{len(texts)} synthetic articles of 500 words"
    char = (2, 5) if args.char else None
    if args.tols:
        compare_tols(texts, labels, valid, source, char, args.tols)
        return
    models = {"baseline": FrameClassifier(char_ngrams=char, min_df="auto", max_features=None, cue_sublinear=False),
              "default": FrameClassifier(char_ngrams=char)}
    for name, model in models.items():
        if args.only not in (None, name):
            continue
        if name == "baseline":  # the estimator before issue 12: L-BFGS, max_iter=3000
            model.fit = _lbfgs_fit(model)
        base = status_mb("VmRSS")
        reset = reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(texts, labels)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = status_mb("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        n_features = len(model.get_feature_names_out())
        print(f"{name}: {source}: fit {took:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:.0f} MB (base {base:.0f} MB), "
              f"{n_features} features", flush=True)
        if valid is not None:
            proba = model.predict_proba(valid["text"].tolist())
            pred = np.asarray(model.classes_, dtype=object)[proba.argmax(axis=1)]
            table = metrics_table(valid["bias"].tolist(), pred, proba, sorted(set(labels))).set_index("metric")
            for metric in ("macro_f1", "accuracy"):
                row = table.loc[metric]
                print(f"{name}: valid {metric}: {row['value']:.4f} ({row['ci_low']:.3f}-{row['ci_high']:.3f})",
                      flush=True)


def paired_macro_f1(y_true, pred_a, pred_b, classes, *, n_resamples: int = 1000, seed: int = 0):
    """Macro-F1 of two prediction vectors and a paired percentile
    bootstrap of ``b - a`` (the same resampled rows for both).

    Returns ``(f1_a, f1_b, diff, (low, high))``, the interval 95%."""
    code = {c: i for i, c in enumerate(classes)}
    k = len(classes)
    y = np.array([code[v] for v in y_true])
    a = np.array([code.get(v, -1) for v in pred_a])
    b = np.array([code.get(v, -1) for v in pred_b])

    def macro(idx):  # idx: (r, n) row indices -> (r,) macro-F1, a class absent everywhere counts 0
        out = []
        for p in (a, b):
            yt, pt = y[idx], p[idx]
            f1 = np.zeros(idx.shape[0])
            for c in range(k):
                tp = ((yt == c) & (pt == c)).sum(axis=1)
                denom = (yt == c).sum(axis=1) + (pt == c).sum(axis=1)
                f1 += np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)
            out.append(f1 / k)
        return out

    full_a, full_b = (v[0] for v in macro(np.arange(len(y))[None, :]))
    draws = np.random.default_rng(seed).integers(0, len(y), size=(n_resamples, len(y)))
    diffs = np.concatenate([np.subtract(*macro(draws[i:i + 100])[::-1]) for i in range(0, n_resamples, 100)])
    return float(full_a), float(full_b), float(full_b - full_a), tuple(np.percentile(diffs, [2.5, 97.5]).tolist())


def compare_tols(texts, labels, valid, source, char, tols) -> None:
    """``--tols``: the default model's solver at several tolerances on the same features."""
    from sklearn.base import clone

    from framing.classify.model import make_pipeline

    params = FrameClassifier(char_ngrams=char).feature_params()
    pipe = make_pipeline("logreg", **params)
    cpu = time.process_time()
    as_frame = lambda values: pd.DataFrame({"text": pd.Series(values, dtype=object)})  # what FrameClassifier feeds
    X = pipe.named_steps["features"].fit_transform(as_frame(texts)).tocsr()
    print(f"features: {source}: {X.shape[1]} features, {X.nnz} stored values, "
          f"{time.process_time() - cpu:.1f} s CPU", flush=True)
    V = pipe.named_steps["features"].transform(as_frame(valid["text"].tolist())).tocsr() if valid is not None else None
    y = np.asarray(labels, dtype=object)
    classes = sorted(set(labels))
    first = None
    for tol in tols:
        model = clone(pipe.named_steps["model"]).set_params(tol=tol)
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(X, y)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        coef = np.hstack([model.coef_, model.intercept_[:, None]])
        line = f"tol={tol:g}: solver {took:.1f} s wall, {cpu:.1f} s CPU, n_iter {int(np.max(model.n_iter_))}"
        if V is None:
            print(line, flush=True)
            continue
        pred = model.predict(V)
        if first is None:
            first = (tol, pred, coef)
            table = metrics_table(valid["bias"].tolist(), pred, model.predict_proba(V), classes).set_index("metric")
            row = table.loc["macro_f1"]
            line += f", valid macro-F1 {row['value']:.4f} ({row['ci_low']:.3f}-{row['ci_high']:.3f})"
        else:
            f1a, f1b, diff, (low, high) = paired_macro_f1(valid["bias"].tolist(), first[1], pred, classes)
            table = metrics_table(valid["bias"].tolist(), pred, model.predict_proba(V), classes).set_index("metric")
            row = table.loc["macro_f1"]
            line += (f", valid macro-F1 {row['value']:.4f} ({row['ci_low']:.3f}-{row['ci_high']:.3f}); "
                     f"vs tol={first[0]:g}: difference {diff:+.4f} (paired 95% CI {low:+.4f} to {high:+.4f}), "
                     f"{np.mean(pred != first[1]):.2%} of predictions changed, "
                     f"max |coefficient change| {np.abs(coef - first[2]).max():.3g} "
                     f"(largest |coefficient| {np.abs(first[2]).max():.3g})")
        print(line, flush=True)


def _lbfgs_fit(model: FrameClassifier):
    """``model.fit`` with the pipeline's logistic regression set to L-BFGS (the solver before issue 12)."""
    import framing.classify.model as module

    def fit(texts, labels):
        original = module.LOGREG_SOLVER
        module.LOGREG_SOLVER = "lbfgs"
        try:
            return FrameClassifier.fit(model, texts, labels)
        finally:
            module.LOGREG_SOLVER = original

    return fit

if __name__ == "__main__":
    main()
