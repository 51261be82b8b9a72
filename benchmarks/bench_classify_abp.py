"""AllSides (Baly et al. 2020) media-based split: train -> valid, left/center/right.

Usage::

    python benchmarks/bench_classify_abp.py [--data PATH/abp_media_train_valid.jsonl.gz] [--models ...]

Loads the train+valid parts of the media-based split with
:func:`framing.datasets.load_abp` (sources in valid never appear in
train), trains each model on ``split == "train"`` and reports macro-F1
and accuracy on ``split == "valid"``, the training time (wall clock of
``fit``, features included) and the process's peak resident memory after
the fit (``resource.getrusage``; it includes the loaded corpus and is
monotonic, so models run later inherit earlier peaks: run one model per
process with ``--models`` for a clean figure).

Models, all measured in the same run:

``baseline``       plain unigram TF-IDF + logistic regression (scikit-learn defaults)
``framing``        word 1-2-gram TF-IDF (framing tokens, sublinear tf, min_df 3,
                   at most 300,000 n-grams), balanced logistic regression, C=1
``framing-svm``    the same features, sigmoid-calibrated linear SVM
``framing-cues``   ``framing`` plus framing-cues counts (cue matching costs about
                   a minute on the ~300 MB of training text)
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from sklearn.metrics import accuracy_score, f1_score

from framing.classify import FrameClassifier
from framing.datasets import load_abp

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "abp" / "abp_media_train_valid.jsonl.gz"


def models(seed: int) -> dict[str, FrameClassifier]:
    common = dict(word_ngrams=(1, 2), char_ngrams=None, min_df=3, max_features=300_000, random_state=seed)
    return {
        "baseline": FrameClassifier(kind="baseline", random_state=seed),
        "framing": FrameClassifier(cues=None, **common),
        "framing-svm": FrameClassifier(kind="svm", cues=None, **common),
        "framing-cues": FrameClassifier(**common),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--models", nargs="+", default=["baseline", "framing", "framing-svm"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    abp = load_abp(args.data)
    train, valid = abp[abp["split"] == "train"], abp[abp["split"] == "valid"]
    print(f"AllSides media split: {len(train)} train articles ({train['outlet'].nunique()} sources), "
          f"{len(valid)} valid articles ({valid['outlet'].nunique()} sources)")
    print(f"{'model':<13} {'macro-F1':>8} {'accuracy':>8} {'train s':>8} {'peak MB':>8}")
    available = models(args.seed)
    for name in args.models:
        model = available[name]
        started = time.perf_counter()
        model.fit(train["text"].tolist(), train["bias"].tolist())
        took = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        pred = model.predict(valid["text"].tolist())
        print(f"{name:<13} {f1_score(valid['bias'], pred, average='macro'):8.4f} "
              f"{accuracy_score(valid['bias'], pred):8.4f} {took:8.1f} {peak:8.0f}", flush=True)


if __name__ == "__main__":
    main()
