"""Honest evaluation of :class:`framing.classify.FrameClassifier` models.

:func:`cross_validate` runs a cross-validation that respects the
corpus's structure: with ``groups`` (``"outlet"``, or ``"story_id"`` to
keep a story's articles together) folds are
:class:`~sklearn.model_selection.GroupKFold` folds, so a model is not
rewarded for recognising an outlet's house style; otherwise
:class:`~sklearn.model_selection.StratifiedKFold` with ``shuffle=True``
and ``random_state=seed``.  A model with several ``C`` values selects
``C`` inside each training fold (nested CV); the test fold is never
used for tuning.  Single-label (binary and multi-class) targets.

Every table has a fixed schema (the ``*_COLUMNS`` constants):

``predictions``  ``doc_id, fold, group, y_true, y_pred, score`` (score:
                 probability of the predicted class; binary: of ``classes[1]``)
``probabilities`` ``doc_id`` then one column per class
``summary``      ``metric, value, ci_low, ci_high`` for ``macro_f1``,
                 ``accuracy`` and ``brier`` (multi-class Brier: mean over
                 documents of the summed squared error of the probability
                 vector; binary: of the ``classes[1]`` probability), with a
                 percentile bootstrap CI over documents
``per_class``    ``class, precision, recall, f1, support``
``confusion``    ``true, predicted, count`` (every pair, long form)
``reliability``  ``class, bin, lower, upper, mean_predicted,
                 fraction_positive, count`` (equal-width bins; binary: the
                 ``classes[1]`` probability; multi-class: one-vs-rest per class)
``folds``        ``fold, n_train, n_test, macro_f1, C``

:func:`plot_reliability` draws the reliability table on a matplotlib
``Axes`` (never calls ``show``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedKFold

from .classify import FrameClassifier, _check_number

__all__ = [
    "PREDICTION_COLUMNS",
    "SUMMARY_COLUMNS",
    "PER_CLASS_COLUMNS",
    "CONFUSION_COLUMNS",
    "RELIABILITY_COLUMNS",
    "FOLD_COLUMNS",
    "Evaluation",
    "cross_validate",
    "metrics_table",
    "reliability_table",
    "plot_reliability",
]

PREDICTION_COLUMNS = ("doc_id", "fold", "group", "y_true", "y_pred", "score")
SUMMARY_COLUMNS = ("metric", "value", "ci_low", "ci_high")
PER_CLASS_COLUMNS = ("class", "precision", "recall", "f1", "support")
CONFUSION_COLUMNS = ("true", "predicted", "count")
RELIABILITY_COLUMNS = ("class", "bin", "lower", "upper", "mean_predicted", "fraction_positive", "count")
FOLD_COLUMNS = ("fold", "n_train", "n_test", "macro_f1", "C")


@dataclass(frozen=True)
class Evaluation:
    """The tables of one cross-validation (see the module docstring)."""

    classes: tuple
    predictions: pd.DataFrame
    probabilities: pd.DataFrame
    summary: pd.DataFrame
    per_class: pd.DataFrame
    confusion: pd.DataFrame
    reliability: pd.DataFrame
    folds: pd.DataFrame

    def value(self, metric: str) -> float:
        """The point value of a summary metric (``"macro_f1"`` ...)."""
        rows = self.summary[self.summary["metric"] == metric]
        if rows.empty:
            raise ValueError(f"unknown metric {metric!r}; metrics: {', '.join(self.summary['metric'])}")
        return float(rows["value"].iloc[0])


def _brier(y: np.ndarray, proba: np.ndarray, classes: list) -> np.ndarray:
    """Per-document Brier loss."""
    onehot = (y[:, None] == np.asarray(classes, dtype=object)[None, :]).astype(float)
    if len(classes) == 2:
        return (proba[:, 1] - onehot[:, 1]) ** 2
    return ((proba - onehot) ** 2).sum(axis=1)


def metrics_table(y_true: Sequence, y_pred: Sequence, proba: np.ndarray, classes: Sequence, *, n_boot: int = 1000,
                  level: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """``summary`` table: macro-F1, accuracy and Brier score with a
    percentile bootstrap CI over documents (rows resampled with
    replacement, ``numpy.random.default_rng(seed)``)."""
    _check_number("n_boot", n_boot, integer=True)
    if not (isinstance(level, float) and 0 < level < 1):
        raise ValueError(f"level must be a float in (0, 1), got {level!r}")
    y = np.asarray(y_true, dtype=object)
    p = np.asarray(y_pred, dtype=object)
    classes = list(classes)
    if len(y) != len(p) or proba.shape != (len(y), len(classes)):
        raise ValueError(f"y_true ({len(y)}), y_pred ({len(p)}) and proba {proba.shape} do not match "
                         f"{len(classes)} classes")
    brier = _brier(y, proba, classes)
    correct = (y == p).astype(float)

    code = {c: i for i, c in enumerate(classes)}
    yi = np.array([code.get(v, -1) for v in y.tolist()])
    pi = np.array([code.get(v, -1) for v in p.tolist()])
    if (yi < 0).any() or (pi < 0).any():
        bad = next(v for v in list(y) + list(p) if v not in code)
        raise ValueError(f"label {bad!r} is not among the classes {classes}")
    k = len(classes)

    def macro(idx):  # macro-F1 over all classes from counts (= sklearn's f1_score, zero_division=0)
        a, b = yi[idx], pi[idx]
        tp = np.bincount(a[a == b], minlength=k)
        denom = np.bincount(a, minlength=k) + np.bincount(b, minlength=k)
        return float(np.mean(np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)))

    rng = np.random.default_rng(seed)
    n = len(y)
    boots = {"macro_f1": [], "accuracy": [], "brier": []}
    for _ in range(n_boot):
        idx = rng.integers(0, n, n)
        boots["macro_f1"].append(macro(idx))
        boots["accuracy"].append(correct[idx].mean())
        boots["brier"].append(brier[idx].mean())
    alpha = (1 - level) / 2
    point = {"macro_f1": macro(np.arange(n)), "accuracy": accuracy_score(y, p), "brier": brier.mean()}
    rows = [(m, float(point[m]), float(np.quantile(boots[m], alpha)), float(np.quantile(boots[m], 1 - alpha)))
            for m in ("macro_f1", "accuracy", "brier")]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def reliability_table(y_true: Sequence, proba: np.ndarray, classes: Sequence, *, n_bins: int = 10) -> pd.DataFrame:
    """Reliability-curve data (``RELIABILITY_COLUMNS``) in ``n_bins``
    equal-width probability bins; empty bins are left out.  Binary: the
    ``classes[1]`` probability only."""
    _check_number("n_bins", n_bins, integer=True)
    y = np.asarray(y_true, dtype=object)
    classes = list(classes)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    rows = []
    for k in ([1] if len(classes) == 2 else range(len(classes))):
        p = proba[:, k]
        hit = (y == classes[k]).astype(float)
        which = np.clip(np.digitize(p, edges[1:-1], right=True), 0, n_bins - 1)
        for b in range(n_bins):
            mask = which == b
            if mask.any():
                rows.append((classes[k], b, float(edges[b]), float(edges[b + 1]), float(p[mask].mean()),
                             float(hit[mask].mean()), int(mask.sum())))
    return pd.DataFrame(rows, columns=list(RELIABILITY_COLUMNS))


def cross_validate(corpus: Any, label: str, *, model: FrameClassifier | None = None, groups: str | None = None,
                   n_splits: int = 5, seed: int = 0, marked: str | None = None, n_boot: int = 1000,
                   level: float = 0.95, n_bins: int = 10) -> Evaluation:
    """Cross-validate a classifier on a labelled corpus.

    Parameters
    ----------
    corpus : DataFrame or Corpus
        Needs ``doc_id``, ``text`` and the ``label`` column (rows with a
        missing label raise).
    label : str
        Target column (single labels).
    model : FrameClassifier, optional
        Cloned for every fold (default ``FrameClassifier()``).
    groups : str, optional
        Column whose values are kept together (``"outlet"``,
        ``"story_id"``): GroupKFold.  Needs at least ``n_splits`` groups.
    n_splits : int
    seed : int
        Seeds the stratified folds and the bootstrap.
    marked : str, optional
        Column of annotated word lists passed to ``fit(marked_words=...)``
        (training rows only).
    n_boot, level, n_bins
        Bootstrap replicates, CI level, reliability bins.

    Returns
    -------
    Evaluation
    """
    frame = getattr(corpus, "frame", corpus)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"corpus must be a DataFrame or a framing Corpus, got {type(corpus).__name__}")
    for column in ("doc_id", "text", label) + ((groups,) if groups else ()) + ((marked,) if marked else ()):
        if column not in frame.columns:
            raise ValueError(f"corpus has no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
    _check_number("n_splits", n_splits, low=1, integer=True)
    y = frame[label]
    if y.isna().any():
        first = int(np.flatnonzero(y.isna().to_numpy())[0])
        raise ValueError(f"label column {label!r} is missing in {int(y.isna().sum())} row(s) (first: row {first}, "
                         f"doc_id {frame['doc_id'].iloc[first]!r}); drop unlabelled rows first")
    y = np.asarray(y.tolist(), dtype=object)
    if any(isinstance(v, (list, tuple, set)) for v in y):
        raise ValueError(f"label column {label!r} holds label lists; cross_validate evaluates single-label targets")
    classes = sorted(set(y.tolist()))
    texts = frame["text"].tolist()
    model = FrameClassifier() if model is None else model
    if groups:
        g = frame[groups].astype(str).to_numpy()
        n_groups = len(set(g.tolist()))
        if n_groups < n_splits:
            raise ValueError(f"groups={groups!r} has {n_groups} distinct values, fewer than n_splits={n_splits}")
        splits = list(GroupKFold(n_splits).split(texts, y, g))
    else:
        g = np.array([None] * len(y), dtype=object)
        counts = pd.Series(y).value_counts()
        if counts.min() < n_splits:
            raise ValueError(f"class {counts.idxmin()!r} has {int(counts.min())} example(s), fewer than "
                             f"n_splits={n_splits}")
        splits = list(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(texts, y))
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros((len(y), len(classes)))
    fold_of = np.zeros(len(y), dtype=int)
    fold_rows = []
    for k, (train, test) in enumerate(splits):
        est = clone(model)
        kwargs = {"marked_words": frame[marked].iloc[train].tolist()} if marked else {}
        est.fit([texts[i] for i in train], y[train], **kwargs)
        p = est.predict_proba([texts[i] for i in test])
        cols = [classes.index(c) for c in est.classes_.tolist()]
        proba[np.ix_(test, cols)] = p
        pred[test] = est.classes_[p.argmax(axis=1)]
        fold_of[test] = k
        fold_rows.append((k, len(train), len(test), float(f1_score(y[test], pred[test], labels=classes,
                                                                   average="macro", zero_division=0)), est.C_))
    labels = np.array(classes, dtype=object)
    score = proba[:, 1] if len(classes) == 2 else proba.max(axis=1)
    predictions = pd.DataFrame({"doc_id": frame["doc_id"].astype(str).to_numpy(), "fold": fold_of, "group": g,
                                "y_true": y, "y_pred": pred, "score": score}, columns=list(PREDICTION_COLUMNS))
    probabilities = pd.concat([predictions[["doc_id"]], pd.DataFrame(proba, columns=[str(c) for c in classes])], axis=1)
    prec, rec, f1, sup = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    per_class = pd.DataFrame({"class": classes, "precision": prec, "recall": rec, "f1": f1, "support": sup},
                             columns=list(PER_CLASS_COLUMNS))
    confusion = pd.DataFrame([(a, b, int(((y == a) & (pred == b)).sum())) for a in classes for b in classes],
                             columns=list(CONFUSION_COLUMNS))
    return Evaluation(
        classes=tuple(classes),
        predictions=predictions,
        probabilities=probabilities,
        summary=metrics_table(y, pred, proba, classes, n_boot=n_boot, level=level, seed=seed),
        per_class=per_class,
        confusion=confusion,
        reliability=reliability_table(y, proba, classes, n_bins=n_bins),
        folds=pd.DataFrame(fold_rows, columns=list(FOLD_COLUMNS)),
    )


def plot_reliability(table: pd.DataFrame, ax=None):
    """Plot reliability-curve data (output of :func:`reliability_table`
    or ``Evaluation.reliability``): mean predicted probability against
    observed frequency per class, with the diagonal.  Returns the Axes;
    never calls ``show()``."""
    missing = [c for c in ("class", "mean_predicted", "fraction_positive") if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing column(s) {', '.join(missing)}; pass Evaluation.reliability")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4, 4))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfectly calibrated")
    for label, sub in table.groupby("class", sort=True):
        ax.plot(sub["mean_predicted"], sub["fraction_positive"], marker="o", label=str(label))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed frequency")
    ax.legend(loc="best", fontsize="small")
    return ax
