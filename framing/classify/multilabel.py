"""Multi-label frame classification: one model per frame, honest thresholds.

A document can use several frames at once (resolution *and* conflict),
so each frame is its own binary task.  :func:`cross_validate_frames`
evaluates one :class:`~framing.classify.FrameClassifier` per frame on the
same outer folds — predefined folds from a column (a paper's published
folds), whole groups held out, or shuffled folds — and chooses each
frame's decision threshold inside every training fold:

1. inner cross-validation (``inner_splits`` stratified folds of the
   training documents) gives out-of-fold probabilities for the frame;
2. the threshold is the probability cut that maximises F1 on them
   (candidates: the midpoints between consecutive distinct probabilities,
   ties broken towards the cut nearest 0.5) — rare frames (a tenth of
   the articles) are otherwise never predicted at the default 0.5;
3. the model is refitted on all training documents and the threshold is
   applied to the test fold, which is never used for any choice.

A document whose label is missing for a frame (``pd.NA``) is left out of
that frame's training and scoring only (counted in ``n_missing``).

With ``combine="stacked"`` the frames are learned together (stacked
generalisation, Wolpert 1992; label dependence as in classifier chains,
Read et al. 2011): inside each training fold, every frame's first-stage
model gives inner out-of-fold scores, and a small second-stage logistic
regression per frame reads the logits of *all* frames' scores, so a frame
can borrow from the frames it co-occurs with.  ``auxiliary`` adds more
first-stage targets whose gold exists for the training documents only,
e.g. the annotators' answers to the frame questions
(:func:`auxiliary_targets`): their predicted probabilities become
second-stage features (predict the questions, then the frames).  The
auxiliary gold of test documents is never read.  The second stage's
threshold is chosen by cross-validation on the training fold's
out-of-fold features, so the test fold is still never used for a choice.

With ``select`` (e.g. :data:`SELECTION_GRID`), the pipeline itself is
chosen inside every outer training fold: each :class:`FrameVariant`
(independent or stacked; with or without the auxiliary targets; with or
without pooled sentence scores; stacked blended with the first stage or
not; the C of the first stage, or a C chosen per frame) gets its inner
cross-validated macro-F1 on the training documents, and the best is
refitted and applied to the test fold.  The outer figure then estimates
the whole procedure (nested cross-validation; Varma & Simon 2006, Cawley &
Talbot 2010), free of the optimism of picking the variant whose outer
score looked best.  (A per-frame C variant's inner score is the best of
its Cs per frame on the same inner folds, so it is slightly optimistic
against the other variants inside the selection; the outer figure is not
affected.)  :func:`fit_frames` with ``select`` runs the same choice on all
documents and fits the chosen pipeline, and :func:`parse_variant` /
:func:`selection_variants` read variant names (a config's or the command
line's ``select``).

Tables (fixed schemas, the ``*_COLUMNS`` constants)

``predictions``  ``doc_id, fold, frame, true, score, threshold, predicted``
                 (``true`` missing where the label is; ``score`` the
                 out-of-fold probability of the frame)
``summary``      ``metric, frame, value, ci_low, ci_high``: ``f1``,
                 ``precision``, ``recall``, ``prevalence`` (share of
                 documents with the frame) and ``predicted_share`` per
                 frame, and ``macro_f1`` / ``micro_f1`` over frames
                 (``frame = "(all)"``); percentile bootstrap CIs over
                 documents, resampled jointly for all frames so the macro
                 CI respects their correlation
``thresholds``   ``fold, frame, threshold, inner_f1, n_train, n_missing``
                 (stacked: ``inner_f1`` is the second stage's CV F1)
``reliability``  ``frame, bin, lower, upper, mean_predicted,
                 fraction_positive, count`` (calibration of ``score``)
``selection``    ``fold, variant, combine, auxiliary, C, inner_macro_f1,
                 selected`` (``select`` only: every variant's inner-CV
                 macro-F1 per outer fold, one ``selected`` per fold)

With ``soft`` (:func:`framing.classify.soft.soft_targets` of the coders'
answers), the frames' models are trained on soft targets, the share of
coders marking the frame (without ``select``: every frame's model; with it:
the first stage of the ``+soft`` variants); thresholds and scores stay on
the gold labels, and only training documents' shares are read.

:func:`frame_evidence` gives, for a fitted frame model and a document, the
sentences that support the frame most (each sentence scored by the
document-level model — with ``select``, by the whole chosen pipeline),
so a reader can see why an article was coded Conflict.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

from sklearn.linear_model import LogisticRegression

from ..check import (check_bool, check_choice, check_confidence, check_int, check_number, check_random_state,
                     check_str)
from ..display import html_summary, short_repr
from ..seeds import derive_seed, rng
from ..text import sentence_spans
from .evaluate import predefined_splits
from .model import FrameClassifier, make_pipeline
from .soft import answer_values, fit_soft, fit_soft_linear, read_shares, soft_matrix

__all__ = [
    "MULTILABEL_PREDICTION_COLUMNS", "MULTILABEL_SUMMARY_COLUMNS", "THRESHOLD_COLUMNS", "FRAME_RELIABILITY_COLUMNS",
    "EVIDENCE_COLUMNS", "SELECTION_COLUMNS", "ALL_FRAMES", "COMBINE", "SELECTION_GRID", "FrameVariant",
    "MultiLabelEvaluation", "auxiliary_targets", "best_threshold", "cross_validate_frames", "fit_frames",
    "frame_evidence", "parse_variant", "selection_variants",
]

MULTILABEL_PREDICTION_COLUMNS = ("doc_id", "fold", "frame", "true", "score", "threshold", "predicted")
MULTILABEL_SUMMARY_COLUMNS = ("metric", "frame", "value", "ci_low", "ci_high")
THRESHOLD_COLUMNS = ("fold", "frame", "threshold", "inner_f1", "n_train", "n_missing")
FRAME_RELIABILITY_COLUMNS = ("frame", "bin", "lower", "upper", "mean_predicted", "fraction_positive", "count")
EVIDENCE_COLUMNS = ("doc_id", "frame", "rank", "sentence", "start", "end", "score", "text")
#: The ``frame`` value of metrics over all frames.
ALL_FRAMES = "(all)"
_THRESHOLDS = ("inner_cv", "fixed")
#: How the frames' models are combined: one independent model per frame, or
#: a second stage over all frames' (and auxiliary targets') scores.
COMBINE = ("independent", "stacked")


@dataclass(frozen=True)
class MultiLabelEvaluation:
    """The tables of one multi-label cross-validation (see the module notes)."""

    frames: tuple[str, ...]
    predictions: pd.DataFrame
    summary: pd.DataFrame
    thresholds: pd.DataFrame
    reliability: pd.DataFrame
    selection: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(SELECTION_COLUMNS)))

    def value(self, metric: str, frame: str = ALL_FRAMES) -> float:
        """The point value of a summary metric (``"macro_f1"``, or
        ``("f1", "CO")``)."""
        rows = self.summary[(self.summary["metric"] == metric) & (self.summary["frame"] == frame)]
        if rows.empty:
            raise ValueError(f"metric: no {metric!r} for frame {frame!r}; metrics: "
                             f"{', '.join(sorted(set(self.summary['metric'])))}")
        return float(rows["value"].iloc[0])

    def __repr__(self) -> str:
        return short_repr("MultiLabelEvaluation", f"frames {list(self.frames)!r}",
                          f"{self.predictions['doc_id'].nunique() if 'doc_id' in self.predictions else 0} documents")

    def _repr_html_(self) -> str:
        cols = [c for c in self.summary.columns if c in ("frame", "metric", "value", "ci_low", "ci_high")]
        return html_summary("MultiLabelEvaluation", [("frames", ", ".join(self.frames)),
                                                     ("prediction rows", len(self.predictions))],
                            tables=[("summary", cols, self.summary[cols].itertuples(index=False, name=None))])


def best_threshold(y_true: Sequence[int], score: Sequence[float]) -> tuple[float, float]:
    """The probability cut maximising F1 of ``score >= cut`` and that F1.

    Candidates are the midpoints between consecutive distinct scores (and
    0.5 when no positive exists); ties are broken towards the cut nearest
    0.5, then the lower cut.  Returns ``(0.5, 0.0)`` when ``y_true`` has
    no positive.
    """
    y = np.asarray(y_true, dtype=np.int64)
    s = np.asarray(score, dtype=float)
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError(f"y_true and score: expected two 1-D sequences of one length, got {y.shape} and {s.shape}")
    if not y.any():
        return 0.5, 0.0
    values = np.unique(s)
    cuts = (values[:-1] + values[1:]) / 2 if len(values) > 1 else values
    cuts = np.concatenate([cuts, [values[0] - 1e-12]])  # everything positive
    predicted = s[None, :] >= cuts[:, None]
    tp = (predicted & (y[None, :] == 1)).sum(axis=1)
    fp = (predicted & (y[None, :] == 0)).sum(axis=1)
    fn = int(y.sum()) - tp
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(len(cuts)), where=(2 * tp + fp + fn) > 0)
    order = np.lexsort((cuts, np.abs(cuts - 0.5), -f1))
    best = order[0]
    return float(np.clip(cuts[best], 0.0, 1.0)), float(f1[best])


def _labels(frame: pd.DataFrame, labels: Sequence[str]) -> np.ndarray:
    """Documents × frames of 1, 0 and -1 (missing)."""
    out = np.empty((len(frame), len(labels)), dtype=np.int64)
    for j, name in enumerate(labels):
        column = frame[name]
        missing = column.isna().to_numpy()
        values = pd.to_numeric(column.where(~column.isna(), 0), errors="coerce")
        bad = values.isna().to_numpy() | ~np.isin(values.to_numpy(dtype=float, na_value=np.nan), (0.0, 1.0))
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise ValueError(f"labels: column {name!r} must hold 0/1 (or True/False), got {column.tolist()[first]!r} "
                             f"in row {first} (doc_id {frame['doc_id'].iloc[first]!r})")
        out[:, j] = np.where(missing, -1, values.to_numpy(dtype=float, na_value=0).astype(np.int64))
    return out


def _outer_splits(frame: pd.DataFrame, *, folds: str | None, groups: str | None, n_splits: int,
                  random_state: int) -> list[tuple[Any, np.ndarray, np.ndarray]]:
    n = len(frame)
    if folds is not None:
        return predefined_splits(frame, folds)
    if groups is not None:
        g = frame[groups].astype(str).to_numpy()
        if len(set(g.tolist())) < n_splits:
            raise ValueError(f"groups: column {groups!r} has {len(set(g.tolist()))} distinct values, fewer than "
                             f"n_splits={n_splits}")
        return [(k, tr, te) for k, (tr, te) in enumerate(GroupKFold(n_splits).split(np.zeros(n), groups=g))]
    if n < n_splits:
        raise ValueError(f"n_splits: {n_splits} folds need at least {n_splits} documents, got {n}")
    kfold = KFold(n_splits, shuffle=True, random_state=random_state)
    return [(k, tr, te) for k, (tr, te) in enumerate(kfold.split(np.zeros(n)))]


#: Binary targets are given to FrameClassifier as these labels (string
#: labels are what it treats as classes whatever their dtype).
_NEGATIVE, _POSITIVE = "0", "1"


def _fit(model: FrameClassifier, texts: list[str], y: np.ndarray, train: np.ndarray,
         p: np.ndarray | None = None) -> Any:
    """``model`` fitted on the ``train`` documents: on their labels ``y``, or
    with ``p`` (soft targets of all documents) on ``p`` (:func:`fit_soft`)."""
    if p is not None:
        return fit_soft(model, [texts[i] for i in train], p[train])
    est = clone(model)
    return est.fit([texts[i] for i in train], np.where(y[train] == 1, _POSITIVE, _NEGATIVE))


def _positive_proba(model: FrameClassifier, texts: list[str]) -> np.ndarray:
    return model.predict_proba(texts)[:, list(model.classes_).index(_POSITIVE)]


def _fit_proba(model: FrameClassifier, texts: list[str], y: np.ndarray, train: np.ndarray,
               test: np.ndarray, p: np.ndarray | None = None) -> np.ndarray:
    return _positive_proba(_fit(model, texts, y, train, p), [texts[i] for i in test])


def _inner_scores(model: FrameClassifier, texts: list[str], y: np.ndarray, train: np.ndarray, *,
                  inner_splits: int, random_state: int, p: np.ndarray | None = None) -> np.ndarray | None:
    """Inner out-of-fold probabilities for the ``train`` documents (None
    when fewer than 2 positives or negatives allow no 2-fold split)."""
    positives = int(y[train].sum())
    splits = min(inner_splits, positives, len(train) - positives)
    if splits < 2:
        return None
    scores = np.zeros(len(train))
    inner = StratifiedKFold(splits, shuffle=True, random_state=random_state)
    for tr, te in inner.split(np.zeros(len(train)), y[train]):
        scores[te] = _fit_proba(model, texts, y, train[tr], train[te], p)
    return scores


def _inner_threshold(model: FrameClassifier, texts: list[str], y: np.ndarray, train: np.ndarray, *,
                     inner_splits: int, random_state: int, p: np.ndarray | None = None) -> tuple[float, float]:
    scores = _inner_scores(model, texts, y, train, inner_splits=inner_splits, random_state=random_state, p=p)
    if scores is None:
        return 0.5, float("nan")
    return best_threshold(y[train], scores)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


#: Folds of the second stage's threshold selection (fewer with fewer positives).
_STACK_SPLITS = 5


def _second_stage() -> LogisticRegression:
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)


def _second_stage_cut(a: np.ndarray, y: np.ndarray, *, seed: int) -> tuple[float, float]:
    """The second stage's threshold and its F1 on out-of-fold second-stage
    scores (``_STACK_SPLITS`` stratified folds of the rows ``a``, fewer
    with fewer positives)."""
    return best_threshold(y, _second_stage_oof(a, y, seed=seed))


def _second_stage_oof(a: np.ndarray, y: np.ndarray, *, seed: int) -> np.ndarray:
    """Out-of-fold second-stage scores of the rows ``a`` (``_STACK_SPLITS``
    stratified folds, fewer with fewer positives)."""
    positives = int(y.sum())
    splits = min(_STACK_SPLITS, positives, len(y) - positives)
    oof = np.zeros(len(y))
    for tr, te in StratifiedKFold(splits, shuffle=True, random_state=seed).split(a, y):
        oof[te] = _second_stage().fit(a[tr], y[tr]).predict_proba(a[te])[:, 1]
    return oof


def _stacked_fold(model: FrameClassifier, texts: list[str], targets: np.ndarray, names: Sequence[str],
                  n_frames: int, train_all: np.ndarray, test: np.ndarray, *, fold: Any, threshold: str,
                  inner_splits: int, random_state: int) -> tuple[np.ndarray, np.ndarray, list[tuple], list[str]]:
    """One outer fold of ``combine="stacked"``: the test documents' frame
    scores and thresholds, the fold's threshold rows, and the auxiliary
    targets left out of it.

    ``targets`` holds the frames (first ``n_frames`` columns) and then the
    auxiliary targets, 1/0/-1 (missing); only rows ``train_all`` are read.
    An auxiliary target with fewer than 2 positive or 2 negative training
    documents (e.g. a question every coder answered yes) has nothing to
    learn and is left out of the fold; a frame like that is an error.
    """
    n_train, n_targets = len(train_all), targets.shape[1]
    features_train = np.zeros((n_train, n_targets))
    features_test = np.zeros((len(test), n_targets))
    test_texts = [texts[i] for i in test]
    used, skipped = [], []
    for t in range(n_targets):
        y = targets[:, t]
        known = y[train_all] >= 0
        train = train_all[known]
        scores = (_inner_scores(model, texts, y, train, inner_splits=inner_splits, random_state=random_state)
                  if len(set(y[train].tolist())) == 2 else None)
        if scores is None and t >= n_frames:
            skipped.append(names[t])
            continue
        if scores is None:
            raise ValueError(f"labels: frame {names[t]!r} has fewer than 2 positive or 2 negative training "
                             f"documents in fold {fold!r} ({int((y[train] == 1).sum())} positive of {len(train)}); "
                             f"combine='stacked' needs inner out-of-fold scores for it")
        used.append(t)
        fitted = _fit(model, texts, y, train)
        features_test[:, t] = _positive_proba(fitted, test_texts)
        features_train[known, t] = scores
        if not known.all():  # left out of this target's training, so the full model's score is out-of-sample
            features_train[~known, t] = _positive_proba(fitted, [texts[i] for i in train_all[~known]])
    a, b = _logit(features_train[:, used]), _logit(features_test[:, used])
    scores_test = np.empty((len(test), n_frames))
    cuts = np.empty(n_frames)
    rows = []
    seed = derive_seed(random_state, "multilabel", "stack")
    for j in range(n_frames):
        y = targets[train_all, j]
        keep = np.flatnonzero(y >= 0)
        stage = _second_stage().fit(a[keep], y[keep])
        scores_test[:, j] = stage.predict_proba(b)[:, 1]
        cuts[j], inner_f1 = (_second_stage_cut(a[keep], y[keep], seed=seed) if threshold == "inner_cv"
                             else (0.5, float("nan")))
        rows.append((fold, names[j], float(cuts[j]), inner_f1, len(keep), int(n_train - len(keep))))
    return scores_test, cuts, rows, skipped


@dataclass(frozen=True)
class FrameVariant:
    """One candidate pipeline of the inner-CV model selection of
    :func:`cross_validate_frames` (``select=``).

    Parameters
    ----------
    combine : {"independent", "stacked"}
        As ``combine`` of :func:`cross_validate_frames`.
    auxiliary : bool
        Add the ``auxiliary`` targets as first-stage targets (needs
        ``combine="stacked"`` and ``auxiliary=`` in the call).
    C : float or tuple of float, optional
        Inverse regularisation strength of the first-stage logistic
        regressions; None keeps the model's own (single) ``C``.  A tuple
        of at least two values (``combine="independent"`` only) chooses
        ``C`` per frame: each frame takes the value whose inner
        out-of-fold scores give it the highest F1 (ties: the earlier
        value), from the same inner folds that score the variants.
    pool : bool
        Add, per frame, the mean of the ``POOL_TOP`` highest sentence
        scores of the document (each sentence of
        :func:`framing.text.sentence_spans` scored by the frame's
        document-level model) as a second-stage feature: a frame is often
        carried by a few sentences (needs ``combine="stacked"``).
    blend : bool
        Score each frame by the mean of its first-stage (independent)
        probability and its second-stage (stacked) probability, a simple
        average of the two combinations (needs ``combine="stacked"``).
    soft : bool
        Train the frames' first-stage models on the ``soft`` targets of the
        call (the share of coders marking the frame; cross-entropy against
        it, :mod:`framing.classify.soft`) instead of the gold labels; the
        auxiliary targets, the second stage and the thresholds stay on
        the gold labels.
    """

    combine: str = "independent"
    auxiliary: bool = False
    C: float | tuple[float, ...] | None = None
    pool: bool = False
    blend: bool = False
    soft: bool = False

    def __post_init__(self) -> None:
        check_choice("combine", self.combine, COMBINE)
        check_bool("auxiliary", self.auxiliary)
        check_bool("pool", self.pool)
        check_bool("blend", self.blend)
        check_bool("soft", self.soft)
        if self.pool and self.combine != "stacked":
            raise ValueError("pool: the pooled sentence scores are second-stage features, so they need "
                             "combine='stacked', got combine='independent'")
        if self.blend and self.combine != "stacked":
            raise ValueError("blend: the blend averages the first-stage and the second-stage probabilities, so it "
                             "needs combine='stacked', got combine='independent'")
        if isinstance(self.C, (list, tuple)):
            if self.combine != "independent":
                raise ValueError(f"C: a per-frame choice of C (a tuple) applies to combine='independent' only, "
                                 f"got combine={self.combine!r}")
            values = tuple(check_number("C", c, low=0.0, low_open=True) for c in self.C)
            if len(values) < 2 or len(set(values)) != len(values):
                raise ValueError(f"C: expected a number > 0 or a tuple of at least 2 distinct numbers > 0 (C chosen "
                                 f"per frame), got {self.C!r}")
            object.__setattr__(self, "C", values)
        elif self.C is not None:
            object.__setattr__(self, "C", check_number("C", self.C, low=0.0, low_open=True))
        if self.auxiliary and self.combine != "stacked":
            raise ValueError("auxiliary: the auxiliary targets are second-stage features, so they need "
                             "combine='stacked', got combine='independent'")

    @property
    def name(self) -> str:
        """``independent`` or ``stacked`` (``+auxiliary``, ``+pool``,
        ``+blend``), then ``+soft``, with ``C=…`` when set (``C=0.3|1|3``
        for a per-frame choice)."""
        name = (self.combine + ("+auxiliary" if self.auxiliary else "") + ("+pool" if self.pool else "")
                + ("+blend" if self.blend else "") + ("+soft" if self.soft else ""))
        if self.C is None:
            return name
        if isinstance(self.C, tuple):
            return f"{name} C={'|'.join(f'{c:g}' for c in self.C)}"
        return f"{name} C={self.C:g}"


#: The default grid of ``select=``: each combination (independent; stacked;
#: stacked with the auxiliary targets; both stacked ones with pooled
#: sentence scores) at C = 1, 0.3 and 3, in this order (ties go to the
#: earlier variant: the simpler combination, then C = 1).
SELECTION_GRID = tuple(FrameVariant(combine, auxiliary, C, pool) for C in (1.0, 0.3, 3.0)
                       for combine, auxiliary, pool in (("independent", False, False), ("stacked", False, False),
                                                        ("stacked", True, False), ("stacked", False, True),
                                                        ("stacked", True, True)))
#: Sentences pooled per document by ``FrameVariant(pool=True)`` (the mean of the top 3).
POOL_TOP = 3
SELECTION_COLUMNS = ("fold", "variant", "combine", "auxiliary", "C", "inner_macro_f1", "selected")


def parse_variant(name: str) -> FrameVariant:
    """The :class:`FrameVariant` whose :attr:`~FrameVariant.name` is
    ``name`` (e.g. ``"stacked+auxiliary+pool C=3"``, ``"independent
    C=0.3|1|3"``, ``"independent+soft"``; the model's own C when no ``C=``
    is given)."""
    check_str("select", name)
    head, _, C = name.partition(" C=")
    combine, *flags = head.split("+")
    order = ("auxiliary", "pool", "blend", "soft")
    if (combine not in COMBINE or len(set(flags)) != len(flags) or not set(flags) <= set(order)
            or flags != sorted(flags, key=order.index) or (C == "" and " C=" in name)):
        raise ValueError(f"select: {name!r} is not a variant name: independent or stacked, then +auxiliary, +pool, "
                         f"+blend, +soft (in this order), then optionally ' C=<number>' (independent: ' C=0.3|1|3' "
                         f"chooses C per frame), e.g. 'stacked+pool C=3'")
    value: Any = None
    if C:
        try:
            parts = tuple(float(c) for c in C.split("|"))
        except ValueError:
            raise ValueError(f"select: {name!r}: C={C!r} is not a number (or numbers joined by '|')") from None
        value = parts if len(parts) > 1 else parts[0]
    return FrameVariant(combine, "auxiliary" in flags, value, "pool" in flags, "blend" in flags, "soft" in flags)


def selection_variants(select: str | Sequence[str], *, auxiliary: bool) -> tuple[FrameVariant, ...]:
    """The variants of a config's or the command line's ``select``:
    ``"grid"`` is :data:`SELECTION_GRID` (without its ``+auxiliary``
    variants when ``auxiliary`` is False), a sequence of names is parsed
    by :func:`parse_variant`."""
    if isinstance(select, str):
        if select != "grid":
            raise ValueError(f"select: expected 'grid' or a list of variant names, got {select!r}")
        return tuple(v for v in SELECTION_GRID if auxiliary or not v.auxiliary)
    if not isinstance(select, (list, tuple)) or not select:
        raise TypeError(f"select: expected 'grid' or a non-empty list of variant names, got {select!r}")
    return tuple(parse_variant(name) for name in select)


def _check_variants(select: Any, model: FrameClassifier, has_auxiliary: bool,
                    has_soft: bool = False) -> tuple[FrameVariant, ...]:
    if isinstance(select, FrameVariant) or not isinstance(select, (list, tuple)) or not select:
        raise TypeError(f"select: expected a non-empty list or tuple of FrameVariant (e.g. SELECTION_GRID), got "
                        f"{select!r}")
    for i, variant in enumerate(select):
        if not isinstance(variant, FrameVariant):
            raise TypeError(f"select[{i}]: expected a FrameVariant, got {type(variant).__name__}")
    names = [v.name for v in select]
    if len(set(names)) != len(names):
        raise ValueError(f"select: variant {next(n for n in names if names.count(n) > 1)!r} is listed twice")
    needs = [v.name for v in select if v.auxiliary]
    if needs and not has_auxiliary:
        raise ValueError(f"select: variant(s) {', '.join(map(repr, needs))} use auxiliary targets; pass "
                         f"auxiliary= (e.g. auxiliary_targets(answers)) or leave them out of the grid")
    needs = [v.name for v in select if v.soft]
    if needs and not has_soft:
        raise ValueError(f"select: variant(s) {', '.join(map(repr, needs))} train on soft targets; pass soft= "
                         f"(e.g. soft_targets(answers)) or leave them out of the grid")
    if needs and model.kind == "svm":
        raise ValueError("select: +soft variants need a logistic regression; kind='svm' is a calibrated SVM")
    if model.marked:
        raise ValueError("model: marked=True needs marked_words, which select= cannot pass; use marked=False")
    own = model.C
    if any(v.C is None for v in select) and isinstance(own, (list, tuple, np.ndarray)):
        raise ValueError(f"model: C={own!r} is a list, but a variant with C=None uses the model's own C; give the "
                         f"model a single C and the variants their C values")
    if model.kind == "baseline" and any(v.C is not None and v.C != 1.0 for v in select):
        raise ValueError("select: kind='baseline' uses scikit-learn's default C=1.0; leave the variants' C at None")
    return tuple(select)


def _parts(model: FrameClassifier, C: float | None) -> tuple[Any, Any]:
    """Unfitted feature union and linear model of ``model`` at ``C`` (the
    steps of :func:`framing.classify.make_pipeline`)."""
    pipe = make_pipeline(model.kind, C=float(model.C if C is None else C), class_weight=model.class_weight,
                         random_state=model.random_state, **model.feature_params())
    return pipe.named_steps["features"], pipe.named_steps["model"]


def _docs(texts: list[str], rows: Any) -> pd.DataFrame:
    return pd.DataFrame({"text": [texts[i] for i in rows]})


def _frame_f1(y: np.ndarray, s: np.ndarray, threshold: str) -> tuple[float, float]:
    """``(cut, F1)`` of scores ``s``: the inner-CV cut, or 0.5."""
    if threshold == "inner_cv":
        return best_threshold(y, s)
    return 0.5, float(_f1_counts(*_counts(y, s >= 0.5)))


def _variant_f1(truth_train: np.ndarray, oof: dict, pooled: dict, variant: FrameVariant, n_frames: int,
                usable: np.ndarray, *, threshold: str, seed: int) -> tuple[list[tuple[float, float]], list[int], list]:
    """Per frame ``(cut, inner F1)`` of one variant from the inner
    out-of-fold first-stage scores (``oof``: C → documents × targets), the
    first-stage targets it uses and each frame's first-stage C."""
    out = []
    if variant.combine == "independent":
        frame_C = []
        for j in range(n_frames):
            keep = truth_train[:, j] >= 0
            y = truth_train[keep, j]
            choices = variant.C if isinstance(variant.C, tuple) else (variant.C,)
            scored = [_frame_f1(y, oof[(C, variant.soft)][keep, j], threshold) for C in choices]
            best = int(np.argmax([f1 for _, f1 in scored]))  # ties: the earlier C
            out.append(scored[best])
            frame_C.append(choices[best])
        return out, list(range(n_frames)), frame_C
    first = oof[(variant.C, variant.soft)]
    used = [t for t in range(first.shape[1]) if usable[t] and (t < n_frames or variant.auxiliary)]
    a = (_logit(first[:, used]) if not variant.pool
         else np.hstack([_logit(first[:, used]), _logit(pooled[(variant.C, variant.soft)])]))
    for j in range(n_frames):
        keep = truth_train[:, j] >= 0
        y = truth_train[keep, j]
        s = _second_stage_oof(a[keep], y, seed=seed)
        out.append(_frame_f1(y, (first[keep, j] + s) / 2 if variant.blend else s, threshold))
    return out, used, [variant.C] * n_frames


def _counts(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    return (float(((y == 1) & predicted).sum()), float(((y == 0) & predicted).sum()),
            float(((y == 1) & ~predicted).sum()))


def _pooled(features: Any, fitted: dict[tuple, Any], sentences: list[list[str]], fallback: dict[tuple, np.ndarray],
            keys: list[tuple]) -> dict[tuple, np.ndarray]:
    """Per key (C, frame): each document's mean of its ``POOL_TOP`` highest
    sentence scores (the document's own score when it has no sentence)."""
    flat = [t for doc in sentences for t in doc]
    owner = np.repeat(np.arange(len(sentences)), [len(doc) for doc in sentences])
    X = features.transform(pd.DataFrame({"text": flat})) if flat else None
    out = {}
    for key in keys:
        column = fallback[key].copy()
        if X is not None:
            p = fitted[key].predict_proba(X)[:, 1]
            for d in np.unique(owner):
                top = np.sort(p[owner == d])[-POOL_TOP:]
                column[d] = top.mean()
        out[key] = column
    return out


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text) if text[s:e].strip()]


class _Selected:
    """A chosen variant fitted on training documents: frame scores of any
    texts (what the outer test fold, and :func:`frame_evidence`, see)."""

    def __init__(self, variant: FrameVariant, features: Any, first: list[Any], second: list[Any] | None,
                 n_frames: int, cuts: np.ndarray) -> None:
        self.variant, self.features, self.first, self.second = variant, features, first, second
        self.n_frames, self.cuts = n_frames, cuts
        self.selection = pd.DataFrame(columns=list(SELECTION_COLUMNS))  # set by fit_frames

    def scores(self, texts: list[str]) -> np.ndarray:
        """Documents × frames probabilities."""
        X = self.features.transform(pd.DataFrame({"text": list(texts)}))
        first = np.column_stack([m.predict_proba(X)[:, 1] for m in self.first])
        if self.second is None:
            return first[:, :self.n_frames]
        b = _logit(first)
        if self.variant.pool:
            keys = [(None, j) for j in range(self.n_frames)]
            pooled = _pooled(self.features, {key: self.first[key[1]] for key in keys},
                             [_sentences(t) for t in texts], {key: first[:, key[1]] for key in keys}, keys)
            b = np.hstack([b, _logit(np.column_stack([pooled[key] for key in keys]))])
        out = np.column_stack([stage.predict_proba(b)[:, 1] for stage in self.second])
        return (first[:, :self.n_frames] + out) / 2 if self.variant.blend else out


class _SelectedFrame:
    """One frame of a :class:`_Selected` pipeline, with the ``classes_`` and
    ``predict_proba`` of a binary :class:`FrameClassifier` (for
    :func:`frame_evidence`); ``variant`` names the pipeline, ``selection``
    is the inner-CV table that chose it (``SELECTION_COLUMNS``, fold
    ``"(all)"``)."""

    classes_ = np.array([_NEGATIVE, _POSITIVE], dtype=object)

    def __init__(self, pipeline: _Selected, j: int) -> None:
        self.pipeline, self.j, self.variant = pipeline, j, pipeline.variant.name

    @property
    def selection(self) -> pd.DataFrame:
        return self.pipeline.selection.copy()

    def predict_proba(self, texts: Any) -> np.ndarray:
        p = self.pipeline.scores(list(texts))[:, self.j]
        return np.column_stack([1 - p, p])


def _select(model: FrameClassifier, texts: list[str], targets: np.ndarray, names: Sequence[str], n_frames: int,
            rows: np.ndarray, variants: tuple[FrameVariant, ...], *, fold: Any, threshold: str, inner_splits: int,
            random_state: int, soft: np.ndarray | None = None) -> tuple[_Selected, list[tuple], list[tuple], list[str]]:
    """Every variant's inner macro-F1 on the documents ``rows``, then the
    best variant fitted on them.

    The documents are split once into ``inner_splits`` shuffled folds
    shared by all targets and variants; the features (TF-IDF, …) are
    fitted once per inner training split and the linear models per target
    and ``C``.  Every document gets an out-of-fold first-stage score for
    every target (also where its label is missing).  Each variant turns
    them into per-frame inner F1 (independent: at the threshold chosen on
    them; stacked: of the second stage's out-of-fold scores); the variant
    with the highest mean over the frames wins, ties the earlier one.
    ``soft`` (documents × frames, the gold label where a document has no
    soft target; only rows ``rows`` are read) trains the frames' first
    stage of ``+soft`` variants; every F1 is against the gold labels.

    Returns the fitted pipeline, the selection rows, the threshold rows and
    the auxiliary targets left out.
    """
    use_aux = any(v.auxiliary for v in variants)
    n_targets = targets.shape[1] if use_aux else n_frames
    Cs = list(dict.fromkeys(c for v in variants for c in (v.C if isinstance(v.C, tuple) else (v.C,))))
    # first-stage scores per (C, soft); auxiliary targets are never soft, so they are fitted once per C
    keys = list(dict.fromkeys((c, v.soft) for v in variants for c in (v.C if isinstance(v.C, tuple) else (v.C,))))
    n = len(rows)
    if n < inner_splits:
        raise ValueError(f"inner_splits: {inner_splits} inner folds need at least {inner_splits} training documents "
                         f"in fold {fold!r}, got {n}")
    seed = derive_seed(random_state, "multilabel", "select", str(fold))
    inner = KFold(inner_splits, shuffle=True, random_state=seed).split(np.zeros(n))
    oof = {key: np.zeros((n, n_targets)) for key in keys}
    pool_keys = list(dict.fromkeys((v.C, v.soft) for v in variants if v.pool))
    pooled = {key: np.zeros((n, n_frames)) for key in pool_keys}
    usable = np.ones(n_targets, dtype=bool)
    models = {C: _parts(model, C)[1] for C in Cs}
    sentences = {i: _sentences(texts[i]) for i in rows} if pool_keys else {}
    for k, (tr, te) in enumerate(inner):
        features = _parts(model, None)[0]
        A = features.fit_transform(_docs(texts, rows[tr]))
        B = features.transform(_docs(texts, rows[te]))
        fitted_here: dict[tuple, Any] = {}
        for t in range(n_targets):
            y = targets[rows[tr], t]
            known = y >= 0
            if not usable[t]:
                continue
            if min(int((y[known] == 1).sum()), int((y[known] == 0).sum())) < 2:
                if t >= n_frames:
                    usable[t] = False
                    continue
                raise ValueError(f"labels: frame {names[t]!r} has fewer than 2 positive or 2 negative documents in "
                                 f"inner training split {k} of fold {fold!r} ({int((y[known] == 1).sum())} positive "
                                 f"of {int(known.sum())}); select= needs both classes in every inner split")
            done: dict[tuple, tuple[Any, np.ndarray]] = {}  # (C, soft fit) -> (model, inner test scores)
            for key in keys:
                C, use_soft = key[0], key[1] and _soft_column(soft, t) is not None
                if (C, use_soft) not in done:
                    fitted = (fit_soft_linear(models[C], A[known], soft[rows[tr], t][known]) if use_soft
                              else clone(models[C]).fit(A[known], y[known]))
                    done[(C, use_soft)] = (fitted, fitted.predict_proba(B)[:, 1])
                fitted, oof[key][te, t] = done[(C, use_soft)]
                if key in pool_keys and t < n_frames:
                    fitted_here[(key, t)] = fitted
        if pool_keys:
            here = list(fitted_here)
            doc_scores = {k: oof[k[0]][te, k[1]] for k in here}
            for (key, t), column in _pooled(features, fitted_here, [sentences[i] for i in rows[te]], doc_scores,
                                            here).items():
                pooled[key][te, t] = column
    truth_train = targets[rows, :n_frames]
    stack_seed = derive_seed(random_state, "multilabel", "stack")
    scored = []
    for variant in variants:
        scored.append(_variant_f1(truth_train, oof, pooled, variant, n_frames, usable, threshold=threshold,
                                  seed=stack_seed))
    macros = [float(np.mean([f1 for _, f1 in per_frame])) for per_frame, _, _ in scored]
    best = int(np.argmax(macros))  # the first of equal values
    variant, (per_frame, used, frame_C) = variants[best], scored[best]
    selection_rows = [(fold, v.name, v.combine, v.auxiliary,
                       float("nan") if isinstance(v.C, tuple) else float(model.C if v.C is None else v.C), m, i == best)
                      for i, (v, m) in enumerate(zip(variants, macros))]
    features = _parts(model, None)[0]
    A = features.fit_transform(_docs(texts, rows))
    first = []
    for t in used:
        y = targets[rows, t]
        known = y >= 0
        if variant.soft and _soft_column(soft, t) is not None:
            first.append(fit_soft_linear(models[frame_C[t]], A[known], soft[rows, t][known]))
        else:
            first.append(clone(models[frame_C[t] if t < n_frames else variant.C]).fit(A[known], y[known]))
    second = None
    if variant.combine == "stacked":
        a = _logit(oof[(variant.C, variant.soft)][:, used])
        if variant.pool:
            a = np.hstack([a, _logit(pooled[(variant.C, variant.soft)])])
        second = []
        for j in range(n_frames):
            keep = truth_train[:, j] >= 0
            second.append(_second_stage().fit(a[keep], truth_train[keep, j]))
    cuts = np.array([cut for cut, _ in per_frame])
    threshold_rows = [(fold, names[j], float(cuts[j]), float(per_frame[j][1]) if threshold == "inner_cv"
                       else float("nan"), int((truth_train[:, j] >= 0).sum()),
                       int((truth_train[:, j] < 0).sum())) for j in range(n_frames)]
    skipped = [names[t] for t in range(n_frames, n_targets) if not usable[t]]
    return _Selected(variant, features, first, second, n_frames, cuts), selection_rows, threshold_rows, skipped


def _selected_fold(model: FrameClassifier, texts: list[str], targets: np.ndarray, names: Sequence[str],
                   n_frames: int, train_all: np.ndarray, test: np.ndarray, variants: tuple[FrameVariant, ...], *,
                   fold: Any, threshold: str, inner_splits: int, random_state: int,
                   soft: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, list[tuple], list[tuple], list[str]]:
    """One outer fold of ``select=``: the variants scored and the best
    fitted on the training documents (:func:`_select`), then applied to the
    test documents."""
    fitted, selection_rows, threshold_rows, skipped = _select(
        model, texts, targets, names, n_frames, train_all, variants, fold=fold, threshold=threshold,
        inner_splits=inner_splits, random_state=random_state, soft=soft)
    return fitted.scores([texts[i] for i in test]), fitted.cuts, threshold_rows, selection_rows, skipped


def auxiliary_targets(annotations: pd.DataFrame, *, unit: str = "doc_id", target: str = "question",
                      value: str = "value") -> pd.DataFrame:
    """Auxiliary targets for ``combine="stacked"`` from a long table of
    coders' answers: per ``unit``, the share of coders answering 1 to
    each ``target`` (e.g. the Narrative Frames frame questions from
    :func:`framing.corpus.datasets.load_narrative_annotations`).

    Returns
    -------
    DataFrame
        ``doc_id`` (the units, as str, sorted) and one float column per
        target (sorted); missing where no coder answered.
    """
    values = answer_values(annotations, columns=(unit, target), value=value)
    long = pd.DataFrame({"doc_id": annotations[unit].astype(str), "target": annotations[target].astype(str),
                         "value": values.astype(float)})
    wide = long.groupby(["doc_id", "target"], sort=True)["value"].mean().unstack("target")
    wide.columns.name = None
    return wide.reset_index()


def _auxiliary(frame: pd.DataFrame, auxiliary: Any, labels: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Documents × auxiliary targets of 1/0/-1: a share >= 0.5 is 1 (at
    least half the coders said yes), a missing share or document is -1."""
    if not isinstance(auxiliary, pd.DataFrame):
        raise TypeError(f"auxiliary: expected a DataFrame with doc_id and one column per target (see "
                        f"auxiliary_targets), got {type(auxiliary).__name__}")
    if "doc_id" not in auxiliary.columns:
        raise ValueError(f"auxiliary: no 'doc_id' column; columns: {', '.join(map(str, auxiliary.columns))}")
    names = [str(c) for c in auxiliary.columns if c != "doc_id"]
    if not names:
        raise ValueError("auxiliary: no target columns besides doc_id")
    clash = sorted(set(names) & set(labels))
    if clash:
        raise ValueError(f"auxiliary: column(s) {', '.join(map(repr, clash))} are also frame labels; an auxiliary "
                         f"target must be another quantity (the frame itself is always a first-stage target)")
    shares = read_shares(auxiliary, frame["doc_id"].to_numpy(), names, name="auxiliary")
    return np.where(np.isnan(shares), -1, shares >= 0.5).astype(np.int64), names


def _soft(frame: pd.DataFrame, soft: Any, labels: Sequence[str], truth: np.ndarray) -> np.ndarray:
    """Documents × frames soft targets: NaN throughout for a frame without
    a column (it trains on its gold labels as without ``soft``), the gold
    label (0/1; -1 stays -1, never read) for a document without a share."""
    p = soft_matrix(frame["doc_id"].astype(str).tolist(), soft, labels)
    has = [name in soft.columns for name in labels]
    return np.where(np.isnan(p) & np.array(has)[None, :], truth.astype(float), p)


def _soft_column(soft: np.ndarray | None, j: int) -> np.ndarray | None:
    """Frame ``j``'s soft targets, or None when it has none."""
    if soft is None or j >= soft.shape[1] or np.isnan(soft[:, j]).all():
        return None
    return soft[:, j]


def _f1_counts(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros(np.shape(tp)), where=denom > 0)


def _summary(truth: np.ndarray, predicted: np.ndarray, frames: Sequence[str], *, n_resamples: int,
             confidence: float, random_state: int) -> pd.DataFrame:
    """Per-frame and overall metrics with joint bootstrap CIs over documents."""
    known = truth >= 0

    def metrics(idx: np.ndarray) -> dict[tuple[str, str], float]:
        t, p, k = truth[idx], predicted[idx], known[idx]
        tp = ((t == 1) & (p == 1) & k).sum(axis=0).astype(float)
        fp = ((t == 0) & (p == 1) & k).sum(axis=0).astype(float)
        fn = ((t == 1) & (p == 0) & k).sum(axis=0).astype(float)
        n_known = k.sum(axis=0).astype(float)
        f1 = _f1_counts(tp, fp, fn)
        out: dict[tuple[str, str], float] = {}
        for j, name in enumerate(frames):
            out[("f1", name)] = f1[j]
            out[("precision", name)] = tp[j] / (tp[j] + fp[j]) if tp[j] + fp[j] else np.nan
            out[("recall", name)] = tp[j] / (tp[j] + fn[j]) if tp[j] + fn[j] else np.nan
            out[("prevalence", name)] = (tp[j] + fn[j]) / n_known[j] if n_known[j] else np.nan
            out[("predicted_share", name)] = (tp[j] + fp[j]) / n_known[j] if n_known[j] else np.nan
        out[("macro_f1", ALL_FRAMES)] = float(f1.mean())
        out[("micro_f1", ALL_FRAMES)] = float(_f1_counts(tp.sum(), fp.sum(), fn.sum()))
        return out

    n = len(truth)
    point = metrics(np.arange(n))
    generator = rng(random_state, "multilabel", "bootstrap")
    replicates = {key: np.empty(n_resamples) for key in point}
    for r in range(n_resamples):
        values = metrics(generator.integers(0, n, n))
        for key, value in values.items():
            replicates[key][r] = value
    tail = (1 - confidence) / 2
    rows = []
    for (metric, name), value in point.items():
        reps = replicates[(metric, name)]
        reps = reps[np.isfinite(reps)]
        low, high = (np.quantile(reps, [tail, 1 - tail]) if len(reps) else (np.nan, np.nan))
        rows.append((metric, name, float(value), float(low), float(high)))
    order = {m: i for i, m in enumerate(("macro_f1", "micro_f1", "f1", "precision", "recall", "prevalence",
                                         "predicted_share"))}
    rows.sort(key=lambda r: (order[r[0]], r[1] != ALL_FRAMES, list(frames).index(r[1]) if r[1] in frames else -1))
    return pd.DataFrame(rows, columns=list(MULTILABEL_SUMMARY_COLUMNS))


def _reliability(truth: np.ndarray, scores: np.ndarray, frames: Sequence[str], n_bins: int) -> pd.DataFrame:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    rows = []
    for j, name in enumerate(frames):
        keep = truth[:, j] >= 0
        p, hit = scores[keep, j], truth[keep, j].astype(float)
        which = np.clip(np.digitize(p, edges[1:-1], right=True), 0, n_bins - 1)
        for b in range(n_bins):
            mask = which == b
            if mask.any():
                rows.append((name, b, float(edges[b]), float(edges[b + 1]), float(p[mask].mean()),
                             float(hit[mask].mean()), int(mask.sum())))
    return pd.DataFrame(rows, columns=list(FRAME_RELIABILITY_COLUMNS))


def _check_frame(corpus: Any, labels: Any, extra: Sequence[str | None]) -> tuple[pd.DataFrame, list[str]]:
    frame = getattr(corpus, "frame", corpus)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"corpus: expected a DataFrame or a framing Corpus, got {type(corpus).__name__}")
    if isinstance(labels, str):
        labels = [part.strip() for part in labels.split(",") if part.strip()]
    if not isinstance(labels, (list, tuple)) or not labels:
        raise ValueError(f"labels: expected one or more label columns, got {labels!r}")
    labels = [check_str("labels", name) for name in labels]
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels: a column is listed twice in {labels}")
    for column in ("doc_id", "text", *labels, *(c for c in extra if c)):
        if column not in frame.columns:
            raise ValueError(f"corpus has no column {column!r}; columns: {', '.join(map(str, frame.columns))}")
    return frame.reset_index(drop=True), labels


def cross_validate_frames(corpus: Any, labels: Sequence[str] | str, *, model: FrameClassifier | None = None,
                          folds: str | None = None, groups: str | None = None, n_splits: int = 5,
                          threshold: str = "inner_cv", inner_splits: int = 3, combine: str = "independent",
                          auxiliary: pd.DataFrame | None = None, select: Sequence[FrameVariant] | None = None,
                          soft: pd.DataFrame | None = None, n_resamples: int = 1000, confidence: float = 0.95,
                          n_bins: int = 10, random_state: int = 0) -> MultiLabelEvaluation:
    """Cross-validate one binary model per frame (see the module notes).

    Parameters
    ----------
    corpus : DataFrame or Corpus
        ``doc_id``, ``text`` and one 0/1 column per frame (missing values
        allowed: that document is left out of that frame).
    labels : sequence of str or str
        The frame columns (``["RE", "HI", "CO", "MO", "EC"]`` or
        ``"RE,HI,CO,MO,EC"``).
    model : FrameClassifier, optional
        Cloned for every frame and fold (default ``FrameClassifier()``).
    folds : str, optional
        Column of predefined test folds (each value is one test fold, e.g.
        a paper's ``test_fold``).  Exclusive with ``groups``.
    groups : str, optional
        Column kept together (GroupKFold with ``n_splits``).  Without
        ``folds`` and ``groups``: shuffled KFold seeded by ``random_state``.
    n_splits : int
    threshold : {"inner_cv", "fixed"}
        Per-frame thresholds chosen by inner CV (default), or 0.5.
    inner_splits : int
        Folds of the inner threshold selection (fewer when a frame has
        fewer positives in the training fold; below 2, 0.5 is used).
    combine : {"independent", "stacked"}
        One model per frame (default), or a second stage per frame over
        the inner out-of-fold scores of all frames and of the
        ``auxiliary`` targets (see the module notes; every frame and
        frame then needs 2 positives and 2 negatives in each training fold;
        an auxiliary target without them is left out of that fold, with a
        ``UserWarning``).  The first stage costs ``inner_splits + 1`` fits
        per frame and auxiliary target and outer fold.
    auxiliary : DataFrame, optional
        ``doc_id`` and one column per auxiliary target: shares in [0, 1]
        (a share >= 0.5 counts as yes; missing: the document is left out
        of that target), e.g. :func:`auxiliary_targets` of the coders'
        answers to the frame questions.  Read for training documents only.
        Needs ``combine="stacked"`` (or a variant with ``auxiliary=True``
        in ``select``).
    select : sequence of FrameVariant, optional
        Choose the pipeline inside every outer training fold: each variant
        (combine, auxiliary targets, C; e.g. :data:`SELECTION_GRID`) is
        scored by its inner cross-validated macro-F1 on the training
        documents only (``inner_splits`` shuffled folds shared by all
        frames and variants), and the best (ties: the earlier in
        ``select``) is refitted on them and applied to the test fold, so
        the outer figure is that of the whole selection procedure, not of
        a variant picked by looking at the test folds.  The choices are in
        ``selection``.  ``combine`` must stay ``"independent"`` (the
        variants set it).
    soft : DataFrame, optional
        ``doc_id`` and one column of shares in [0, 1] per frame (e.g.
        :func:`framing.classify.soft.soft_targets` of the coders'
        answers): soft targets (:mod:`framing.classify.soft`).  Without
        ``select``, every frame's model is trained on them
        (``combine="independent"`` only); with ``select``, the ``+soft``
        variants' first stage is.  A frame without a column, or a
        document without a share, trains on its gold label; thresholds
        are chosen, and results scored, on the gold labels; only training
        documents' shares are read.  Columns that are not frames of
        ``labels`` are ignored.  Needs a logistic regression with one
        ``C``.
    n_resamples, confidence, n_bins
        Bootstrap replicates and level of the CIs; reliability bins.
    random_state : int
        Seeds the shuffled folds, the inner folds and the bootstrap.

    Returns
    -------
    MultiLabelEvaluation
    """
    frame, labels = _check_frame(corpus, labels, (folds, groups))
    if folds is not None and groups is not None:
        raise ValueError("folds and groups cannot be combined: predefined folds already say which documents are "
                         "tested together")
    n_splits = check_int("n_splits", n_splits, low=2)
    inner_splits = check_int("inner_splits", inner_splits, low=2)
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    n_bins = check_int("n_bins", n_bins, low=1)
    confidence = check_confidence(confidence)
    random_state = check_random_state(random_state)
    if random_state is None:
        raise TypeError("random_state: expected an integer >= 0, got None (evaluations are reproducible)")
    check_choice("threshold", threshold, _THRESHOLDS)
    check_choice("combine", combine, COMBINE)
    model = FrameClassifier() if model is None else model
    if not isinstance(model, FrameClassifier):
        raise TypeError(f"model: expected a FrameClassifier, got {type(model).__name__}")
    truth = _labels(frame, labels)
    variants = None
    if select is not None:
        if combine != "independent":
            raise ValueError(f"combine: select= sets combine per variant; leave combine at 'independent', got "
                             f"{combine!r}")
        variants = _check_variants(select, model, auxiliary is not None, soft is not None)
    elif soft is not None and combine != "independent":
        raise ValueError(f"soft: soft targets without select= train independent models; use "
                         f"combine='independent' or a '+soft' variant in select=, got combine={combine!r}")
    if soft is not None and select is None and model.kind == "svm":
        raise ValueError("soft: soft targets need a logistic regression; kind='svm' is a calibrated SVM")
    if soft is not None and select is None and isinstance(model.C, (list, tuple, np.ndarray)):
        raise ValueError(f"soft: soft targets need a model with a single C, got C={model.C!r}")
    soft_p = _soft(frame, soft, labels, truth) if soft is not None else None
    if select is None and auxiliary is not None and combine != "stacked":
        raise ValueError("auxiliary: the auxiliary targets are second-stage features, so they need "
                         "combine='stacked', got combine='independent'")
    aux, aux_names = _auxiliary(frame, auxiliary, labels) if auxiliary is not None else (
        np.empty((len(frame), 0), dtype=np.int64), [])
    targets = np.hstack([truth, aux])
    texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in frame["text"].tolist()]
    splits = _outer_splits(frame, folds=folds, groups=groups, n_splits=n_splits, random_state=random_state)
    scores = np.full(truth.shape, np.nan)
    cuts = np.full(truth.shape, np.nan)
    fold_of = np.empty(len(frame), dtype=object)
    threshold_rows, selection_rows = [], []
    skipped: dict[str, list[Any]] = {}
    for fold, train_all, test in splits:
        fold_of[test] = fold
        if variants is not None:
            scores[test], cuts[test], rows, chosen, left_out = _selected_fold(
                model, texts, targets, [*labels, *aux_names], len(labels), train_all, test, variants, fold=fold,
                threshold=threshold, inner_splits=inner_splits, random_state=random_state, soft=soft_p)
            threshold_rows.extend(rows)
            selection_rows.extend(chosen)
            for name in left_out:
                skipped.setdefault(name, []).append(fold)
            continue
        if combine == "stacked":
            scores[test], cuts[test], rows, left_out = _stacked_fold(
                model, texts, targets, [*labels, *aux_names], len(labels), train_all, test, fold=fold,
                threshold=threshold, inner_splits=inner_splits, random_state=random_state)
            threshold_rows.extend(rows)
            for name in left_out:
                skipped.setdefault(name, []).append(fold)
            continue
        for j, name in enumerate(labels):
            y = truth[:, j]
            train = train_all[y[train_all] >= 0]
            n_missing = int(len(train_all) - len(train))
            if len(set(y[train].tolist())) < 2:
                raise ValueError(f"labels: frame {name!r} has a single class in the training documents of fold "
                                 f"{fold!r}; it cannot be learned there")
            p = _soft_column(soft_p, j)
            if threshold == "inner_cv":
                cut, inner_f1 = _inner_threshold(model, texts, y, train, inner_splits=inner_splits,
                                                 random_state=random_state, p=p)
            else:
                cut, inner_f1 = 0.5, float("nan")
            scores[test, j] = _fit_proba(model, texts, y, train, test, p)
            cuts[test, j] = cut
            threshold_rows.append((fold, name, cut, inner_f1, int(len(train)), n_missing))
    for name, where in skipped.items():
        warnings.warn(f"auxiliary: target {name!r} has fewer than 2 positive or 2 negative training documents in "
                      f"fold(s) {', '.join(map(repr, where))}; left out of their second stage (nothing to learn)",
                      UserWarning, stacklevel=2)
    predicted = (scores >= cuts).astype(np.int64)
    n = len(frame)
    predictions = pd.DataFrame({
        "doc_id": np.repeat(frame["doc_id"].astype(str).to_numpy(), len(labels)),
        "fold": np.repeat(fold_of, len(labels)),
        "frame": np.tile(np.array(labels, dtype=object), n),
        "true": pd.array(np.where(truth.ravel() >= 0, truth.ravel(), 0), dtype="Int64"),
        "score": scores.ravel(), "threshold": cuts.ravel(), "predicted": predicted.ravel(),
    }, columns=list(MULTILABEL_PREDICTION_COLUMNS))
    predictions.loc[truth.ravel() < 0, "true"] = pd.NA
    return MultiLabelEvaluation(
        frames=tuple(labels),
        predictions=predictions,
        summary=_summary(truth, predicted, labels, n_resamples=n_resamples, confidence=confidence,
                         random_state=random_state),
        thresholds=pd.DataFrame(threshold_rows, columns=list(THRESHOLD_COLUMNS)),
        reliability=_reliability(truth, scores, labels, n_bins),
        selection=pd.DataFrame(selection_rows, columns=list(SELECTION_COLUMNS)),
    )


def fit_frames(corpus: Any, labels: Sequence[str] | str, *, model: FrameClassifier | None = None,
               threshold: str = "inner_cv", inner_splits: int = 3, select: Sequence[FrameVariant] | None = None,
               auxiliary: pd.DataFrame | None = None, soft: pd.DataFrame | None = None,
               random_state: int = 0) -> dict[str, tuple[Any, float]]:
    """Fit the frame models on all labelled documents, with their thresholds
    (chosen by inner CV as in :func:`cross_validate_frames`, or 0.5).

    Without ``select``: one independent model per frame (a fitted
    :class:`FrameClassifier`).  With ``select`` (and ``auxiliary`` for
    variants that use it): the variants are scored by inner CV on all
    documents exactly as inside one outer training fold of
    :func:`cross_validate_frames`, and the best pipeline is fitted on them;
    each frame's model is then that pipeline's score for the frame (an
    object with the ``classes_`` and ``predict_proba`` of a binary
    classifier, whose ``variant`` names the pipeline chosen and whose
    ``selection`` is the inner-CV table that chose it), so
    :func:`frame_evidence` ranks sentences by the model actually used.
    ``soft`` is as in :func:`cross_validate_frames` (without ``select``,
    each frame's model is then a
    :class:`~framing.classify.soft.SoftFrameModel`).

    Returns
    -------
    dict
        frame → ``(fitted model, threshold)``.
    """
    frame, labels = _check_frame(corpus, labels, ())
    check_choice("threshold", threshold, _THRESHOLDS)
    inner_splits = check_int("inner_splits", inner_splits, low=2)
    random_state = check_random_state(random_state)
    model = FrameClassifier() if model is None else model
    if not isinstance(model, FrameClassifier):
        raise TypeError(f"model: expected a FrameClassifier, got {type(model).__name__}")
    truth = _labels(frame, labels)
    texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in frame["text"].tolist()]
    if select is None and auxiliary is not None:
        raise ValueError("auxiliary: fit_frames reads auxiliary targets only for select= variants that use them")
    if soft is not None and select is None and (model.kind == "svm" or isinstance(model.C, (list, tuple, np.ndarray))):
        raise ValueError(f"soft: soft targets need a logistic regression with a single C, got kind={model.kind!r}, "
                         f"C={model.C!r}")
    soft_p = _soft(frame, soft, labels, truth) if soft is not None else None
    if select is not None:
        if random_state is None:
            raise TypeError("random_state: expected an integer >= 0, got None (select= is reproducible)")
        variants = _check_variants(select, model, auxiliary is not None, soft is not None)
        aux, aux_names = _auxiliary(frame, auxiliary, labels) if auxiliary is not None else (
            np.empty((len(frame), 0), dtype=np.int64), [])
        for j, name in enumerate(labels):
            if len(set(truth[truth[:, j] >= 0, j].tolist())) < 2:
                raise ValueError(f"labels: frame {name!r} has a single class; it cannot be learned")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # an auxiliary target without both classes: left out
            fitted, selection, _, _ = _select(model, texts, np.hstack([truth, aux]), [*labels, *aux_names],
                                              len(labels), np.arange(len(frame)), variants, fold=ALL_FRAMES,
                                              threshold=threshold, inner_splits=inner_splits,
                                              random_state=random_state, soft=soft_p)
        fitted.selection = pd.DataFrame(selection, columns=list(SELECTION_COLUMNS))
        return {name: (_SelectedFrame(fitted, j), float(fitted.cuts[j])) for j, name in enumerate(labels)}
    out = {}
    for j, name in enumerate(labels):
        y = truth[:, j]
        train = np.flatnonzero(y >= 0)
        if len(set(y[train].tolist())) < 2:
            raise ValueError(f"labels: frame {name!r} has a single class; it cannot be learned")
        p = _soft_column(soft_p, j)
        cut = _inner_threshold(model, texts, y, train, inner_splits=inner_splits,
                               random_state=random_state, p=p)[0] if threshold == "inner_cv" else 0.5
        out[name] = (_fit(model, texts, y, train, p), cut)
    return out


def frame_evidence(models: dict[str, tuple[Any, float]], corpus: Any, *, top: int = 3,
                   only_predicted: bool = True) -> pd.DataFrame:
    """The sentences that support each frame in each document.

    Every sentence (:func:`framing.text.sentence_spans`) is scored by the
    frame's document-level model; the ``top`` highest-scoring sentences of
    a document are its evidence for the frame.  With ``only_predicted``
    (default), only frames the document is predicted to use (its
    document score at or above the frame's threshold) get evidence.

    Returns
    -------
    DataFrame
        ``EVIDENCE_COLUMNS``: ``doc_id, frame, rank`` (1 = strongest),
        ``sentence`` (0-based index), ``start, end`` (character offsets
        into ``text``), ``score`` and the sentence ``text``; sorted by
        document order, frame order, rank.
    """
    frame = getattr(corpus, "frame", corpus)
    if not isinstance(frame, pd.DataFrame) or not {"doc_id", "text"} <= set(frame.columns):
        raise TypeError("corpus: expected a DataFrame or Corpus with doc_id and text columns")
    top = check_int("top", top, low=1)
    if not isinstance(models, dict) or not models:
        raise TypeError("models: expected the dict returned by fit_frames (frame -> (model, threshold))")
    rows = []
    for doc_id, text in zip(frame["doc_id"].astype(str), frame["text"].tolist()):
        text = "" if not isinstance(text, str) else text
        spans = [(s, e) for s, e in sentence_spans(text) if text[s:e].strip()]
        if not spans:
            continue
        sentences = [text[s:e] for s, e in spans]
        for name, (model, cut) in models.items():
            if only_predicted and _positive_proba(model, [text])[0] < cut:
                continue
            score = _positive_proba(model, sentences)
            order = np.lexsort((np.arange(len(score)), -score))[:top]
            for rank, i in enumerate(order, start=1):
                rows.append((doc_id, name, rank, int(i), spans[i][0], spans[i][1], float(score[i]), sentences[i]))
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))
