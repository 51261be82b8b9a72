"""AllSides (Baly et al. 2020) media-based split: train -> valid, left/center/right.

Usage::

    python benchmarks/bench_classify_abp.py [--data PATH/abp_media_train_valid.jsonl.gz] [--models ...] [--quick]

Loads the train+valid parts of the media-based split with
:func:`framing.corpus.datasets.load_abp` (sources in valid never appear in
train), trains each model on ``split == "train"`` and reports, on
``split == "valid"``, macro-F1 and accuracy with 95% percentile
bootstrap CIs over articles (1,000 replicates, seed 0), the training
time (wall clock of ``fit``, features included, and the CPU time of
the process, which is less sensitive to other work on a shared machine;
the load average is printed before and after) and the peak resident memory of
the process during the fit (Linux ``VmHWM``, reset before each fit
through ``/proc/self/clear_refs``; it includes the loaded corpus, whose
resident size before the fit is printed as ``base MB``).  For an
external check run one model under ``/usr/bin/time -v`` (maximum
resident set size).

Models, all measured in the same run:

``baseline``       plain unigram TF-IDF + logistic regression (scikit-learn defaults)
``framing``        word 1-2-gram TF-IDF (framing tokens, sublinear tf, min_df 3,
                   at most 300,000 n-grams), balanced logistic regression, C=1
``framing-svm``    the same features, sigmoid-calibrated linear SVM
``framing-cues``   ``framing`` plus framing-cues counts (cue matching adds about
                   a minute on the ~300 MB of training text)
``framing-svm-1gram``  ``framing-svm`` with word unigrams only (faster vocabulary)

``--quick`` trains on 3,000 training articles and tests on 1,000 valid
articles (random, seed 0): a smoke test, not a figure to report.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from framing.classify.model import FrameClassifier
from framing.classify.evaluate import metrics_table
from framing.corpus.datasets import load_abp
from _memory import reset_peak, status_mb  # benchmarks/_memory.py, beside the script

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "abp" / "abp_media_train_valid.jsonl.gz"


def models(seed: int) -> dict[str, FrameClassifier]:
    common = dict(word_ngrams=(1, 2), char_ngrams=None, min_df=3, max_features=300_000, random_state=seed)
    return {
        "baseline": FrameClassifier(kind="baseline", random_state=seed),
        "framing": FrameClassifier(cues=None, **common),
        "framing-svm": FrameClassifier(kind="svm", cues=None, **common),
        "framing-cues": FrameClassifier(**common),
        "framing-svm-1gram": FrameClassifier(kind="svm", cues=None, **{**common, "word_ngrams": (1, 1)}),
    }


def _load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--models", nargs="+", default=["baseline", "framing", "framing-svm"],
                        choices=sorted(models(0)))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="3,000 train / 1,000 valid articles (smoke test)")
    args = parser.parse_args()
    abp = load_abp(args.data)
    train, valid = abp[abp["split"] == "train"], abp[abp["split"] == "valid"]
    if args.quick:
        train = train.sample(n=min(3000, len(train)), random_state=args.seed).sort_index()
        valid = valid.sample(n=min(1000, len(valid)), random_state=args.seed).sort_index()
    print(f"AllSides media split: {len(train)} train articles ({train['outlet'].nunique()} sources), "
          f"{len(valid)} valid articles ({valid['outlet'].nunique()} sources){' [quick]' if args.quick else ''}")
    print(f"before: {_load()}")
    print(f"{'model':<13} {'macro-F1':>8} {'95% CI':>15} {'accuracy':>8} {'95% CI':>15} {'train s':>8} "
          f"{'cpu s':>7} {'base MB':>8} {'peak MB':>8}")
    available = models(args.seed)
    texts, labels = train["text"].tolist(), train["bias"].tolist()
    classes = sorted(set(labels))
    for name in args.models:
        model = available[name]
        base = status_mb("VmRSS")
        reset_peak()
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(texts, labels)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = status_mb("VmHWM")
        proba = model.predict_proba(valid["text"].tolist())
        pred = np.asarray(model.classes_, dtype=object)[proba.argmax(axis=1)]
        table = metrics_table(valid["bias"].tolist(), pred, proba, classes, random_state=args.seed).set_index("metric")
        f1, acc = table.loc["macro_f1"], table.loc["accuracy"]
        print(f"{name:<13} {f1['value']:8.4f} ({f1['ci_low']:.3f}-{f1['ci_high']:.3f}) {acc['value']:8.4f} "
              f"({acc['ci_low']:.3f}-{acc['ci_high']:.3f}) {took:8.1f} {cpu:7.1f} {base:8.0f} {peak:8.0f}", flush=True)
    print(f"after: {_load()}")


if __name__ == "__main__":
    main()
