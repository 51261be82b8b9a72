"""Soft frame targets: learning from every annotator's answers.

The gold frame labels of a corpus like Narrative Frames are aggregates of
several coders' answers, and where the coders disagree the aggregate
throws the disagreement away.  Soft-label training keeps it (learning from
crowds; Peterson, Battleday, Griffiths & Russakovsky 2019, "Human
uncertainty makes classification more robust", ICCV; Uma, Fornaciari,
Hovy, Paun, Plank & Poesio 2021, "Learning from disagreement: a survey",
JAIR 72): each article's target for a frame is the share ``p`` of its
coders whose own answers mark the frame present, and the frame's logistic
regression minimises the cross-entropy against ``p`` instead of against
the 0/1 gold label.

:func:`soft_targets` turns a long table of coders' answers (e.g.
:func:`framing.corpus.datasets.load_narrative_annotations`) into those
shares by a per-frame rule, *applied per coder*: a coder marks the frame
present when at least ``min_yes`` of the frame's questions got a yes from
that coder.  :data:`NARRATIVE_RULES` are the rules that reproduce the
published Narrative Frames gold labels from the published aggregate
answers (checked on all 428 articles: human interest, conflict and
economic are present when at least 2 of their 3 verified questions are
answered yes, moral when at least 1 of its 2 is).  Resolution has no such
rule: its verified question ``re1`` is answered yes for every article and
``re5`` alone does not give the gold label, so it has no soft target and
keeps training on its gold label.

:func:`fit_soft` and :func:`fit_soft_linear` fit with soft targets: every
document appears twice, once as a positive with weight ``p`` and once as a
negative with weight ``1 - p`` (rows of weight 0 are dropped), which is
exactly the cross-entropy against ``p``.  ``class_weight="balanced"`` is
applied to the soft class masses (``n / (2 * sum(p))`` for the positives,
``n / (2 * sum(1 - p))`` for the negatives), which equals scikit-learn's
``"balanced"`` when every ``p`` is 0 or 1; scikit-learn's own
``"balanced"`` would count the duplicated rows instead and balance nothing.

:func:`framing.classify.multilabel.cross_validate_frames` (``soft=``) and
the ``+soft`` flag of :class:`~framing.classify.multilabel.FrameVariant`
use these; a document's soft target is read only when the document is in
a training fold, and thresholds are still chosen (and results scored) on
the gold labels.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from ..check import check_int, check_str
from ..corpus.datasets import NARRATIVE_QUESTIONS
from .model import FrameClassifier, make_pipeline

__all__ = ["NARRATIVE_RULES", "SoftFrameModel", "answer_values", "fit_soft", "fit_soft_linear", "read_shares", "soft_matrix",
           "soft_rows", "soft_targets"]

#: frame -> (its verified questions, the yes answers among them that mark
#: the frame present): the rules that give the Narrative Frames gold labels
#: from the aggregate answers (resolution has none; see the module notes).
NARRATIVE_RULES: dict[str, tuple[tuple[str, ...], int]] = {
    frame: (tuple(sorted(q for q, f in NARRATIVE_QUESTIONS.items() if f == frame)), k)
    for frame, k in (("HI", 2), ("CO", 2), ("MO", 1), ("EC", 2))
}


def _check_rules(rules: Any) -> dict[str, tuple[tuple[str, ...], int]]:
    if not isinstance(rules, Mapping) or not rules:
        raise TypeError(f"rules: expected a non-empty mapping frame -> (questions, min_yes), got {rules!r}")
    out = {}
    for frame, rule in rules.items():
        check_str("rules", frame)
        if not (isinstance(rule, (list, tuple)) and len(rule) == 2 and isinstance(rule[0], (list, tuple))
                and rule[0]):
            raise TypeError(f"rules[{frame!r}]: expected (questions, min_yes) with a non-empty sequence of "
                            f"questions, got {rule!r}")
        questions = tuple(check_str(f"rules[{frame!r}]", q) for q in rule[0])
        min_yes = check_int(f"rules[{frame!r}] min_yes", rule[1], low=1)
        if min_yes > len(questions):
            raise ValueError(f"rules[{frame!r}] min_yes: expected at most {len(questions)} (the number of its "
                             f"questions), got {min_yes}")
        out[str(frame)] = (questions, min_yes)
    return out


def answer_values(annotations: Any, *, columns: Sequence[str], value: str, allowed: str = "0/1 answers") -> pd.Series:
    """The coders' answers of a long ``annotations`` table as floats (1, 0,
    missing), after checking that it is a DataFrame holding ``columns`` and
    ``value`` and that every non-missing answer is 0 or 1 (``allowed`` is how
    the error names what may come in); shared by :func:`soft_targets` and
    :func:`framing.classify.multilabel.auxiliary_targets`."""
    if not isinstance(annotations, pd.DataFrame):
        raise TypeError(f"annotations: expected a DataFrame, got {type(annotations).__name__}")
    missing = [c for c in (*columns, value) if c not in annotations.columns]
    if missing:
        raise ValueError(f"annotations: missing column(s) {', '.join(map(repr, missing))}; columns: "
                         f"{', '.join(map(str, annotations.columns))}")
    values = pd.to_numeric(annotations[value], errors="coerce")
    bad = annotations[value].notna() & (values.isna() | ~values.isin((0, 1)))
    if bad.any():
        raise ValueError(f"annotations: column {value!r} must hold {allowed}, got {annotations[value][bad].iloc[0]!r}")
    return values


def soft_targets(annotations: pd.DataFrame, *, rules: Mapping[str, tuple[Sequence[str], int]] = NARRATIVE_RULES,
                 unit: str = "doc_id", coder: str = "coder", question: str = "question",
                 value: str = "value") -> pd.DataFrame:
    """Per unit and frame, the share of coders whose answers mark the frame.

    Parameters
    ----------
    annotations : DataFrame
        One row per answer: ``unit``, ``coder``, ``question`` and ``value``
        (1 yes, 0 no, missing for any other answer), e.g.
        :func:`framing.corpus.datasets.load_narrative_annotations`.
    rules : mapping
        frame → ``(questions, min_yes)``: a coder marks the frame present
        when at least ``min_yes`` of ``questions`` got a yes (1) from that
        coder.  Default :data:`NARRATIVE_RULES`.
    unit, coder, question, value : str
        Column names.

    Returns
    -------
    DataFrame
        ``doc_id`` (the units, as str, sorted) and one float column per
        frame of ``rules`` (in its order): the share of the unit's coders
        marking the frame, over the coders who answered (yes or no) at
        least one of the frame's questions (an unanswered question counts
        as not yes); missing when no coder did.  A unit is listed when it
        has an answer to any rule's question.

    Raises
    ------
    TypeError
        ``annotations`` is not a DataFrame, or ``rules`` is malformed.
    ValueError
        A missing column, a ``value`` other than 0/1/missing, or
        ``min_yes`` above the number of a frame's questions.
    """
    values = answer_values(annotations, columns=(unit, coder, question), value=value,
                           allowed="0/1 answers (or missing)")
    rules = _check_rules(rules)
    long = pd.DataFrame({"doc_id": annotations[unit].astype(str), "coder": annotations[coder].astype(str),
                         "question": annotations[question].astype(str), "value": values.astype(float)})
    asked = {q for questions, _ in rules.values() for q in questions}
    long = long[long["question"].isin(asked)]
    units = sorted(set(long["doc_id"].tolist()))
    out = pd.DataFrame({"doc_id": units})
    for frame, (questions, min_yes) in rules.items():
        part = long[long["question"].isin(questions) & long["value"].notna()]
        per_coder = part.groupby(["doc_id", "coder"], sort=True)["value"].sum()
        marks = (per_coder >= min_yes).astype(float).groupby(level="doc_id").mean()
        out[frame] = marks.reindex(units).to_numpy(dtype=float)
    return out


def soft_matrix(doc_ids: Sequence[Any], soft: pd.DataFrame, labels: Sequence[str]) -> np.ndarray:
    """Documents × ``labels`` soft targets of ``soft`` (see
    :func:`soft_targets`), NaN where a frame has no column in ``soft`` or a
    document no share; checked to lie in [0, 1].

    Raises
    ------
    TypeError
        ``soft`` is not a DataFrame.
    ValueError
        No ``doc_id`` column, a duplicated ``doc_id``, no column for any
        of ``labels``, or a share outside [0, 1].
    """
    if not isinstance(soft, pd.DataFrame):
        raise TypeError(f"soft: expected a DataFrame with doc_id and one share column per frame (see "
                        f"soft_targets), got {type(soft).__name__}")
    if "doc_id" not in soft.columns:
        raise ValueError(f"soft: no 'doc_id' column; columns: {', '.join(map(str, soft.columns))}")
    present = [name for name in labels if name in soft.columns]
    if not present:
        raise ValueError(f"soft: no column for any frame of {list(labels)}; columns: "
                         f"{', '.join(map(str, soft.columns))}")
    out = np.full((len(doc_ids), len(labels)), np.nan)
    out[:, [j for j, name in enumerate(labels) if name in soft.columns]] = read_shares(soft, doc_ids, present,
                                                                                       name="soft")
    return out


def read_shares(table: pd.DataFrame, doc_ids: Sequence[Any], columns: Sequence[str], *, name: str) -> np.ndarray:
    """Documents × ``columns`` shares in [0, 1] of a table with a
    ``doc_id`` column, in the order of ``doc_ids`` (as text); NaN where a
    document has no row or no value (the reading :func:`soft_matrix` and
    the auxiliary targets of :mod:`framing.classify.multilabel` share).

    Raises
    ------
    ValueError
        A duplicated ``doc_id``, or a value that is not a share in [0, 1]
        (messages start with ``name``).
    """
    ids = table["doc_id"].astype(str)
    if ids.duplicated().any():
        raise ValueError(f"{name}: doc_id {ids[ids.duplicated()].iloc[0]!r} appears more than once")
    table = table.assign(doc_id=ids).set_index("doc_id").reindex([str(d) for d in doc_ids])
    out = np.full((len(doc_ids), len(columns)), np.nan)
    for j, column in enumerate(columns):
        share = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        given = table[column].notna().to_numpy()
        bad = given & (np.isnan(share) | (share < 0) | (share > 1))
        if bad.any():
            raise ValueError(f"{name}: column {column!r} must hold shares in [0, 1], got "
                             f"{table[column].tolist()[int(np.flatnonzero(bad)[0])]!r}")
        out[given, j] = share[given]
    return out


def _check_p(p: Any, n: int) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if p.ndim != 1 or len(p) != n:
        raise ValueError(f"p: expected one soft target per document ({n}), got shape {p.shape}")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"p: expected shares in [0, 1], got {float(p[~((p >= 0) & (p <= 1))][0])!r}")
    if p.sum() <= 0 or (1 - p).sum() <= 0:
        raise ValueError("p: the soft targets need some positive and some negative mass (all are 0, or all 1)")
    return p


def soft_rows(p: Any, *, class_weight: Any = "balanced") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The duplicated rows of a soft-target fit: ``(rows, y, weight)``.

    Document ``i`` with soft target ``p[i]`` becomes a positive row of
    weight ``p[i]`` and a negative row of weight ``1 - p[i]`` (rows of
    weight 0 are dropped); ``rows`` indexes the documents, ``y`` is 1/0.
    ``class_weight``: ``"balanced"`` multiplies the positives' weights by
    ``n / (2 * sum(p))`` and the negatives' by ``n / (2 * sum(1 - p))``
    (scikit-learn's "balanced" when every ``p`` is 0 or 1); a dict
    ``{0: w0, 1: w1}`` multiplies them by its values; None leaves them.
    """
    n = len(np.asarray(p))
    p = _check_p(p, n)
    idx = np.arange(n)
    rows = np.concatenate([idx[p > 0], idx[p < 1]])
    y = np.concatenate([np.ones(int((p > 0).sum()), dtype=np.int64), np.zeros(int((p < 1).sum()), dtype=np.int64)])
    weight = np.concatenate([p[p > 0], 1 - p[p < 1]])
    if isinstance(class_weight, str) and class_weight == "balanced":
        scale = {1: n / (2 * p.sum()), 0: n / (2 * (1 - p).sum())}
    elif isinstance(class_weight, dict):
        try:
            scale = {c: float(class_weight[c]) for c in (0, 1)}
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"class_weight: a dict needs numeric weights for the classes 0 and 1, got "
                             f"{class_weight!r}") from None
    elif class_weight is None:
        scale = {0: 1.0, 1: 1.0}
    else:
        raise ValueError(f"class_weight: expected 'balanced', None or a dict, got {class_weight!r}")
    return rows, y, weight * np.where(y == 1, scale[1], scale[0])


def fit_soft_linear(estimator: LogisticRegression, X: Any, p: Any) -> LogisticRegression:
    """Fit a (cloned) logistic regression on features ``X`` against soft
    targets ``p`` (cross-entropy; see :func:`soft_rows`); the estimator's
    own ``class_weight`` is applied to the soft class masses.

    Raises
    ------
    TypeError
        ``estimator`` is not a LogisticRegression (a calibrated SVM cannot
        take soft targets this way).
    """
    if not isinstance(estimator, LogisticRegression):
        raise TypeError(f"model: soft targets need a logistic regression (kind='logreg' or 'baseline'), got "
                        f"{type(estimator).__name__}")
    rows, y, weight = soft_rows(p, class_weight=estimator.class_weight)
    X = X.tocsr() if hasattr(X, "tocsr") else np.asarray(X)
    fitted = clone(estimator).set_params(class_weight=None)
    return fitted.fit(X[rows], y, sample_weight=weight)


class SoftFrameModel:
    """A frame model fitted on soft targets (:func:`fit_soft`): the fitted
    ``features`` and logistic regression ``linear``, with the ``classes_``
    (``"0"``, ``"1"``) and ``predict_proba`` of a binary
    :class:`~framing.classify.FrameClassifier`."""

    classes_ = np.array(["0", "1"], dtype=object)

    def __init__(self, features: Any, linear: LogisticRegression) -> None:
        self.features, self.linear = features, linear

    def predict_proba(self, texts: Any) -> np.ndarray:
        X = self.features.transform(pd.DataFrame({"text": [str(t) for t in texts]}))
        return self.linear.predict_proba(X)


def fit_soft(model: FrameClassifier, texts: Sequence[str], p: Any) -> SoftFrameModel:
    """Fit ``model``'s features and logistic regression on ``texts``
    against soft targets ``p`` (one share in [0, 1] per text).

    Raises
    ------
    TypeError
        ``model`` is not a FrameClassifier.
    ValueError
        ``model`` has ``kind="svm"``, several ``C`` (chosen by inner CV),
        or ``marked=True``; or ``p`` is malformed.
    """
    if not isinstance(model, FrameClassifier):
        raise TypeError(f"model: expected a FrameClassifier, got {type(model).__name__}")
    if model.kind == "svm":
        raise ValueError("model: soft targets need a logistic regression; kind='svm' is a calibrated SVM, use "
                         "kind='logreg'")
    if isinstance(model.C, (list, tuple, np.ndarray)):
        raise ValueError(f"model: C={model.C!r} is a list (chosen by inner CV), which soft targets do not "
                         f"support; give a single C")
    if model.marked:
        raise ValueError("model: marked=True needs marked_words, which soft targets cannot pass; use marked=False")
    texts = [str(t) for t in texts]
    p = _check_p(p, len(texts))
    pipe = make_pipeline(model.kind, C=float(model.C), class_weight=model.class_weight,
                         random_state=model.random_state, **model.feature_params())
    features, linear = pipe.named_steps["features"], pipe.named_steps["model"]
    X = features.fit_transform(pd.DataFrame({"text": texts}))
    return SoftFrameModel(features, fit_soft_linear(linear, X, p))
