"""Honest evaluation of :class:`framing.classify.FrameClassifier` models.

:func:`cross_validate` runs a cross-validation that respects the
corpus's structure: with ``groups`` (``"outlet"``, or ``"story_id"`` to
keep a story's articles together) folds are
:class:`~sklearn.model_selection.GroupKFold` folds, so a model is not
rewarded for recognising an outlet's house style; otherwise
:class:`~sklearn.model_selection.StratifiedKFold` with ``shuffle=True``
and ``random_state``; or predefined folds from a column (``folds``).
A model with several ``C`` values selects ``C``
inside each training fold (nested CV, grouped by the same column when
the outer folds are grouped); the test fold is never used for tuning.
Single-label (binary and multi-class) targets.
:func:`evaluate_frame` is the entry point of the experiment runner's
``[[classifiers]]`` entries.

Every table has a fixed schema (the ``*_COLUMNS`` constants; column
names never depend on the classes):

``predictions``   ``doc_id, fold, group`` (the ``groups`` value, None for
                  stratified folds), ``true, predicted`` (labels),
                  ``scored_class, y_true, score``: ``score`` is the
                  out-of-fold probability of ``scored_class`` and
                  ``y_true`` is 1 when the true label is ``scored_class``,
                  else 0.  Binary tasks: ``scored_class`` is always
                  ``classes[1]`` (the positive class), so ``y_true``/
                  ``score`` are the usual reliability-curve input;
                  multi-class: ``scored_class`` is the predicted class, so
                  ``y_true`` says whether the prediction is right and
                  ``score`` is its confidence (top-label calibration,
                  Guo et al. 2017)
``probabilities`` ``doc_id, class, probability`` (long form, every class)
``summary``       ``metric, value, ci_low, ci_high`` for ``macro_f1``,
                  ``accuracy`` and ``brier`` (multi-class Brier: mean over
                  documents of the summed squared error of the probability
                  vector; binary: of the ``classes[1]`` probability), with a
                  percentile bootstrap CI over documents (with ``groups``:
                  a cluster bootstrap over the groups)
``per_class``     ``class, precision, recall, f1, support``
``confusion``     ``true, predicted, count`` (every pair, long form)
``reliability``   ``class, bin, lower, upper, mean_predicted,
                  fraction_positive, count`` (equal-width bins; binary: the
                  ``classes[1]`` probability; multi-class: one-vs-rest per class)
``folds``         ``fold, n_train, n_test, macro_f1, C``

Figures are drawn by :mod:`framing.report.figures` (the presentation layer):
``framing.report.figures.plot_reliability(evaluation.predictions)`` for a binary
task.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedKFold

from ..check import check_choice, check_confidence, check_int
from ..display import html_summary, short_repr
from ..progress import check_progress, reporter
from ..seeds import rng as seeded_rng
from ..vocab import CV_SCHEMES, DEFAULTS, MODEL_KINDS
from .model import FrameClassifier, check_positive, compile_cues

__all__ = [
    "CV_SCHEMES",
    "PREDICTION_COLUMNS",
    "PROBABILITY_COLUMNS",
    "SUMMARY_COLUMNS",
    "PER_CLASS_COLUMNS",
    "CONFUSION_COLUMNS",
    "RELIABILITY_COLUMNS",
    "FOLD_COLUMNS",
    "Evaluation",
    "cross_validate",
    "evaluate_frame",
    "metrics_table",
    "predefined_splits",
    "reliability_table",
]

PREDICTION_COLUMNS = ("doc_id", "fold", "group", "true", "predicted", "scored_class", "y_true", "score")
PROBABILITY_COLUMNS = ("doc_id", "class", "probability")
SUMMARY_COLUMNS = ("metric", "value", "ci_low", "ci_high")
PER_CLASS_COLUMNS = ("class", "precision", "recall", "f1", "support")
CONFUSION_COLUMNS = ("true", "predicted", "count")
RELIABILITY_COLUMNS = ("class", "bin", "lower", "upper", "mean_predicted", "fraction_positive", "count")
FOLD_COLUMNS = ("fold", "n_train", "n_test", "macro_f1", "C")


@dataclass(frozen=True)
class Evaluation:
    """The tables of one cross-validation (schemas: the module docstring
    and the ``*_COLUMNS`` constants).

    Attributes
    ----------
    classes : tuple
        The sorted class labels.
    predictions, probabilities, summary, per_class, confusion, reliability, folds : DataFrame
    """

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

    def __repr__(self) -> str:
        f1 = self.summary.loc[self.summary["metric"] == "macro_f1", "value"]
        return short_repr("Evaluation", f"classes {list(self.classes)!r}", f"{len(self.predictions)} documents",
                          f"{len(self.folds)} folds", *([f"macro_f1 {float(f1.iloc[0]):.3f}"] if len(f1) else []))

    def _repr_html_(self) -> str:
        rows = [("classes", ", ".join(map(str, self.classes))), ("documents", len(self.predictions)),
                ("folds", len(self.folds))]
        return html_summary("Evaluation", rows, tables=[("summary", SUMMARY_COLUMNS, self.summary[
            list(SUMMARY_COLUMNS)].itertuples(index=False, name=None))])


def _brier(y: np.ndarray, proba: np.ndarray, classes: list) -> np.ndarray:
    """Per-document Brier loss."""
    onehot = (y[:, None] == np.asarray(classes, dtype=object)[None, :]).astype(float)
    if len(classes) == 2:
        return (proba[:, 1] - onehot[:, 1]) ** 2
    return ((proba - onehot) ** 2).sum(axis=1)


def metrics_table(y_true: Sequence, y_pred: Sequence, proba: np.ndarray, classes: Sequence, *,
                  clusters: Sequence | None = None, n_resamples: int = 1000, confidence: float = 0.95,
                  random_state: int = 0) -> pd.DataFrame:
    """``summary`` table: macro-F1, accuracy and Brier score with a
    percentile bootstrap CI over documents (rows resampled with
    replacement ``n_resamples`` times, ``framing.seeds.rng(random_state, "bootstrap")``).

    With ``clusters`` (one value per document, e.g. the outlet when the
    folds hold whole outlets out) the bootstrap is a cluster bootstrap:
    each replicate draws as many clusters as there are, with replacement
    (clusters in sorted order), and takes all their documents, so the CI
    reflects variation between the units that were held out.

    Macro-F1 averages the F1 of every class in ``classes`` (a class
    absent from a replicate counts 0, as scikit-learn's ``f1_score`` with
    ``labels=classes, zero_division=0``)."""
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    check_confidence(confidence)
    y = np.asarray(y_true, dtype=object)
    p = np.asarray(y_pred, dtype=object)
    proba = np.asarray(proba, dtype=float)
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

    rng = seeded_rng(random_state, "bootstrap")
    n = len(y)
    members = None
    if clusters is not None:
        keys = np.asarray([str(c) for c in clusters], dtype=object)
        if len(keys) != n:
            raise ValueError(f"clusters: expected one value per document ({n}), got {len(keys)}")
        names = sorted(set(keys.tolist()))
        code = {c: i for i, c in enumerate(names)}
        which = np.array([code[c] for c in keys.tolist()], dtype=np.int64)
        members = [np.flatnonzero(which == i) for i in range(len(names))]
    boots = {"macro_f1": [], "accuracy": [], "brier": []}
    for _ in range(n_resamples):
        if members is None:
            idx = rng.integers(0, n, n)
        else:
            idx = np.concatenate([members[i] for i in rng.integers(0, len(members), len(members))])
        boots["macro_f1"].append(macro(idx))
        boots["accuracy"].append(correct[idx].mean())
        boots["brier"].append(brier[idx].mean())
    alpha = (1 - confidence) / 2
    point = {"macro_f1": macro(np.arange(n)), "accuracy": accuracy_score(y, p), "brier": brier.mean()}
    rows = [(m, float(point[m]), float(np.quantile(boots[m], alpha)), float(np.quantile(boots[m], 1 - alpha)))
            for m in ("macro_f1", "accuracy", "brier")]
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def reliability_table(y_true: Sequence, proba: np.ndarray, classes: Sequence, *, n_bins: int = 10) -> pd.DataFrame:
    """Reliability-curve data (``RELIABILITY_COLUMNS``) in ``n_bins``
    equal-width probability bins; empty bins are left out.  Binary: the
    ``classes[1]`` probability only."""
    n_bins = check_int("n_bins", n_bins, low=1)
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


def _corpus(corpus: Any) -> pd.DataFrame:
    frame = getattr(corpus, "frame", corpus)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"corpus must be a DataFrame or a framing Corpus, got {type(corpus).__name__}")
    return frame


def cross_validate(corpus: Any, label: str, *, model: FrameClassifier | None = None, groups: str | None = None,
                   n_splits: int = 5, folds: str | None = None, marked: str | None = None, n_resamples: int = 1000,
                   confidence: float = 0.95, n_bins: int = 10, random_state: int = 0,
                   progress: bool | Callable[[int], Any] | None = DEFAULTS["progress"]) -> Evaluation:
    """Cross-validate a classifier on a labelled corpus.

    Parameters
    ----------
    corpus : DataFrame or Corpus
        Needs ``doc_id``, ``text`` and the ``label`` column (rows with a
        missing label raise).
    label : str
        Target column (single labels).
    model : FrameClassifier, optional
        Cloned for every fold (default ``FrameClassifier()``).  With
        several ``C`` values, ``C`` is chosen inside each training fold
        (nested CV), grouped by the same column when ``groups`` is given.
    groups : str, optional
        Column whose values are kept together (``"outlet"``,
        ``"story_id"``): GroupKFold.  Needs at least ``n_splits`` groups.
        The bootstrap CIs of ``summary`` are then a cluster bootstrap over
        the groups (whole groups resampled, see :func:`metrics_table`),
        since groups are the unit held out.
    n_splits : int
    folds : str, optional
        Column of predefined test folds (each distinct value is one test
        fold, in sorted order, integers numerically; e.g. a paper's
        ``test_fold``); ``n_splits`` is then ignored.  Exclusive with
        ``groups``.  ``predictions.fold`` numbers the folds 0, 1, ...
    marked : str, optional
        Column of annotated word lists passed to ``fit(marked_words=...)``
        (training rows only).
    n_resamples, confidence, n_bins
        Bootstrap replicates and confidence level of the CIs,
        reliability bins.
    random_state : int
        Seeds the stratified folds and the bootstrap; the model's own
        ``random_state`` seeds its inner folds.
    progress : bool or callable, default False
        ``True`` shows the folds fitted on standard error
        (:func:`framing.progress.reporter`); a callable is called with
        counts of folds.  Never changes the result.

    Returns
    -------
    Evaluation
    """
    check_progress(progress)
    frame = _corpus(corpus)
    if folds is not None and groups is not None:
        raise ValueError("folds and groups cannot be combined: predefined folds already say which documents are "
                         "tested together")
    for column in (("doc_id", "text", label) + ((groups,) if groups else ()) + ((marked,) if marked else ())
                   + ((folds,) if folds else ())):
        if column not in frame.columns:
            raise ValueError(f"corpus has no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
    n_splits = check_int("n_splits", n_splits, low=2)
    y = frame[label]
    if y.isna().any():
        first = int(np.flatnonzero(y.isna().to_numpy())[0])
        raise ValueError(f"label column {label!r} is missing in {int(y.isna().sum())} row(s) (first: row {first}, "
                         f"doc_id {frame['doc_id'].iloc[first]!r}); drop unlabelled rows first")
    y = np.asarray(y.tolist(), dtype=object)
    if any(isinstance(v, (list, tuple, set, frozenset, np.ndarray)) for v in y):
        raise ValueError(f"label column {label!r} holds label lists; cross_validate evaluates single-label targets")
    try:
        classes = sorted(set(y.tolist()))
    except TypeError:
        raise TypeError(f"label column {label!r} mixes label types that cannot be sorted (e.g. strings and "
                        f"numbers)") from None
    if len(classes) < 2:
        raise ValueError(f"label column {label!r} has a single class {classes!r}; nothing to classify")
    texts = frame["text"].tolist()
    model = FrameClassifier() if model is None else model
    if not isinstance(model, FrameClassifier):
        raise TypeError(f"model must be a FrameClassifier, got {type(model).__name__}")
    if isinstance(model.cues, str) or hasattr(model.cues, "__fspath__"):
        model = clone(model).set_params(cues=compile_cues(model.cues))  # read the lexicon once, not per fold
    if folds is not None:
        g = np.array([None] * len(y), dtype=object)
        splits = [(train, test) for _, train, test in predefined_splits(frame, folds)]
    elif groups:
        g = frame[groups].astype(str).to_numpy(dtype=object)
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
        splits = list(StratifiedKFold(n_splits, shuffle=True, random_state=random_state).split(texts, y))
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros((len(y), len(classes)))
    fold_of = np.zeros(len(y), dtype=int)
    fold_rows = []
    with reporter(progress, total=len(splits), label="cross-validation", unit="folds") as bar:
        for k, (train, test) in enumerate(splits):
            if len(set(y[train].tolist())) < 2:
                raise ValueError(f"fold {k}: the training documents hold the single class {y[train][0]!r} (groups="
                                 f"{groups!r} keeps whole groups together); use more groups or stratified folds")
            est = clone(model)
            kwargs: dict[str, Any] = {"marked_words": frame[marked].iloc[train].tolist()} if marked else {}
            if groups:
                kwargs["groups"] = g[train]
            est.fit([texts[i] for i in train], y[train], **kwargs)
            p = est.predict_proba([texts[i] for i in test])
            cols = [classes.index(c) for c in est.classes_.tolist()]
            proba[np.ix_(test, cols)] = p
            pred[test] = est.classes_[p.argmax(axis=1)]
            fold_of[test] = k
            fold_rows.append((k, len(train), len(test), float(f1_score(y[test], pred[test], labels=classes,
                                                                       average="macro", zero_division=0)), est.C_))
            bar(1)
    labels = np.array(classes, dtype=object)
    if len(classes) == 2:
        scored = np.full(len(y), classes[1], dtype=object)
        score = proba[:, 1]
    else:
        scored = pred.copy()
        score = proba.max(axis=1)
    predictions = pd.DataFrame({"doc_id": frame["doc_id"].astype(str).to_numpy(), "fold": fold_of, "group": g,
                                "true": y, "predicted": pred, "scored_class": scored,
                                "y_true": (y == scored).astype(np.int64), "score": score},
                               columns=list(PREDICTION_COLUMNS))
    probabilities = pd.DataFrame({"doc_id": np.repeat(predictions["doc_id"].to_numpy(), len(classes)),
                                  "class": np.tile(labels, len(y)), "probability": proba.ravel()},
                                 columns=list(PROBABILITY_COLUMNS))
    prec, rec, f1, sup = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
    per_class = pd.DataFrame({"class": classes, "precision": prec, "recall": rec, "f1": f1, "support": sup},
                             columns=list(PER_CLASS_COLUMNS))
    confusion = pd.DataFrame([(a, b, int(((y == a) & (pred == b)).sum())) for a in classes for b in classes],
                             columns=list(CONFUSION_COLUMNS))
    return Evaluation(
        classes=tuple(classes),
        predictions=predictions,
        probabilities=probabilities,
        summary=metrics_table(y, pred, proba, classes, clusters=g if groups else None, n_resamples=n_resamples,
                              confidence=confidence, random_state=random_state),
        per_class=per_class,
        confusion=confusion,
        reliability=reliability_table(y, proba, classes, n_bins=n_bins),
        folds=pd.DataFrame(fold_rows, columns=list(FOLD_COLUMNS)),
    )


def predefined_splits(frame: pd.DataFrame, folds: str) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(fold name, train rows, test rows)`` for each distinct value of the
    ``folds`` column (each value is one test fold, e.g. a paper's published
    folds), numeric names in numeric order."""
    values = frame[folds]
    if values.isna().any():
        first = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ValueError(f"folds: column {folds!r} is missing in row {first} (doc_id {frame['doc_id'].iloc[first]!r}); "
                         f"every document needs a fold")
    keys = values.astype(str).to_numpy()
    names = sorted(set(keys.tolist()), key=lambda v: (0, int(v)) if v.lstrip("-").isdigit() else (1, v))
    if len(names) < 2:
        raise ValueError(f"folds: column {folds!r} has {len(names)} distinct value(s); at least 2 are needed")
    return [(name, np.flatnonzero(keys != name), np.flatnonzero(keys == name)) for name in names]


def evaluate_frame(frame: Any, *, label: str, model: str = DEFAULTS["model"], cv: str = DEFAULTS["cv"],
                   groups: str = DEFAULTS["by"], n_splits: int = DEFAULTS["n_splits"],
                   C: Sequence[float] = DEFAULTS["C"], lexicon: Any = DEFAULTS["lexicon"],
                   random_state: int = DEFAULTS["seed"]) -> Evaluation:
    """Cross-validate the classifier of one ``[[classifiers]]`` entry of an
    experiment config (the experiment runner's entry point).

    Builds ``FrameClassifier(kind=model, C=C, cues=lexicon,
    random_state=random_state)`` (word 1-2-gram and character 2-5-gram
    TF-IDF, cue-lexicon counts, balanced linear model; ``"baseline"``:
    plain unigram TF-IDF + logistic regression) and runs
    :func:`cross_validate` on it: ``cv="stratified"`` shuffled
    :class:`~sklearn.model_selection.StratifiedKFold`, ``cv="group"``
    :class:`~sklearn.model_selection.GroupKFold` over the ``groups``
    column (whole outlets, or stories, held out; the CIs are then a
    cluster bootstrap over that column).  With several ``C``
    the value is chosen inside each training fold (nested; grouped too
    under ``cv="group"``).  Bootstrap CIs: 1,000 replicates over
    documents (``cv="group"``: over groups), 95%; reliability: 10 equal-width bins.  The result is a
    function of the arguments and the data only: the same call gives
    identical tables.

    Parameters
    ----------
    frame : DataFrame or Corpus
        Needs ``doc_id``, ``text``, the ``label`` column (no missing
        values) and, for ``cv="group"``, the ``groups`` column.
    label : str
        Target column (binary or multi-class labels).
    model : str
        One of :data:`framing.classify.MODEL_KINDS`.
    cv : {"stratified", "group"}
    groups : str
        Column kept together under ``cv="group"`` (ignored otherwise).
    n_splits : int
        Outer folds (>= 2).
    C : sequence of float
        Candidate inverse regularisation strengths (``"baseline"``: only
        ``[1.0]``).
    lexicon : Lexicon, Matcher, bundled name, path or None
        Cue lexicon of the ``cues`` features (None: no cue features;
        ignored by ``"baseline"``).
    random_state : int
        Seeds the folds, the inner folds and the bootstrap.

    Returns
    -------
    Evaluation
        Frozen dataclass; the tables the runner writes are ``summary``
        (``SUMMARY_COLUMNS``), ``per_class`` (``PER_CLASS_COLUMNS``),
        ``confusion`` (``CONFUSION_COLUMNS``), ``predictions``
        (``PREDICTION_COLUMNS``; ``y_true``/``score`` feed
        ``framing.report.figures.plot_reliability``); also ``probabilities``,
        ``reliability`` and ``folds``.

    Raises
    ------
    ValueError
        A bad option (named), a missing column, missing labels, too few
        groups or examples per class for ``n_splits``.
    """
    check_choice("model", model, MODEL_KINDS)
    check_choice("cv", cv, CV_SCHEMES)
    if cv == "group" and not (isinstance(groups, str) and groups):
        raise ValueError(f"groups must name a column when cv='group', got {groups!r}")
    if isinstance(C, (str, bytes)) or not isinstance(C, (Sequence, np.ndarray)):
        raise TypeError(f"C must be a list of positive numbers, got {type(C).__name__}")
    Cs = [float(c) if isinstance(c, numbers.Real) and not isinstance(c, bool) else c for c in C]
    for c in Cs:
        check_positive("C", c)
    if not Cs:
        raise ValueError("C: expected a non-empty list of positive numbers, got an empty list")
    random_state = check_int("random_state", random_state, low=0)  # not None: the tables must be reproducible
    estimator = FrameClassifier(kind=model, C=tuple(Cs) if len(Cs) > 1 else Cs[0], cues=lexicon,
                                random_state=random_state)
    return cross_validate(frame, label, model=estimator, groups=groups if cv == "group" else None, n_splits=n_splits,
                          random_state=random_state)

