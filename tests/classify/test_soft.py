"""Soft frame targets from every coder's answers (framing.classify.soft) and the +soft frame models."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from framing.classify import FrameClassifier
from framing.classify.multilabel import (
    SELECTION_GRID,
    FrameVariant,
    cross_validate_frames,
    fit_frames,
    parse_variant,
)
from framing.classify.soft import (
    NARRATIVE_RULES,
    SoftFrameModel,
    fit_soft,
    fit_soft_linear,
    soft_matrix,
    soft_rows,
    soft_targets,
)

from ..paths import SHARED
from .test_multilabel import MODEL, corpus


def answers() -> pd.DataFrame:
    """Two articles; frame A asks a1, a2, a3 (present: >= 2 yes), frame B asks b1 (present: yes)."""
    rows = [
        # doc 1, coder 1: a1, a2 yes -> A; b1 no
        ("1", 1, "a1", 1), ("1", 1, "a2", 1), ("1", 1, "a3", 0), ("1", 1, "b1", 0),
        # doc 1, coder 2: only a1 yes -> not A; b1 yes
        ("1", 2, "a1", 1), ("1", 2, "a2", 0), ("1", 2, "a3", 0), ("1", 2, "b1", 1),
        # doc 1, coder 3: a2 and a3 yes (a1 unanswered) -> A; b1 unanswered (n/a)
        ("1", 3, "a2", 1), ("1", 3, "a3", 1), ("1", 3, "b1", None),
        # doc 2, coder 1: nothing yes; coder 4: all yes; nobody answered b1
        ("2", 1, "a1", 0), ("2", 1, "a2", 0), ("2", 1, "a3", 0),
        ("2", 4, "a1", 1), ("2", 4, "a2", 1), ("2", 4, "a3", 1),
        # a question of no rule is ignored
        ("2", 4, "zz", 1),
    ]
    frame = pd.DataFrame(rows, columns=["doc_id", "coder", "question", "value"])
    frame["value"] = pd.array(frame["value"].tolist(), dtype="Int64")
    return frame


RULES = {"A": (("a1", "a2", "a3"), 2), "B": (("b1",), 1)}


def test_soft_targets_by_hand():
    soft = soft_targets(answers(), rules=RULES)
    assert soft.columns.tolist() == ["doc_id", "A", "B"]
    assert soft["doc_id"].tolist() == ["1", "2"]
    assert soft["A"].tolist() == pytest.approx([2 / 3, 1 / 2])  # doc 1: coders 1 and 3 of 3; doc 2: 1 of 2
    assert soft["B"].iloc[0] == pytest.approx(1 / 2)  # coder 3 gave no yes/no: not counted
    assert np.isnan(soft["B"].iloc[1])  # nobody answered b1 for doc 2


def test_narrative_rules():
    assert NARRATIVE_RULES == {"HI": (("hi1", "hi2", "hi5"), 2), "CO": (("co1", "co2", "co3"), 2),
                               "MO": (("mo1", "mo2"), 1), "EC": (("ec1", "ec2", "ec3"), 2)}


def test_soft_targets_errors():
    with pytest.raises(TypeError, match="annotations: expected a DataFrame, got list"):
        soft_targets([], rules=RULES)
    with pytest.raises(ValueError, match="annotations: missing column\\(s\\) 'coder'"):
        soft_targets(answers().drop(columns="coder"), rules=RULES)
    bad = answers().astype({"value": object})
    bad.loc[0, "value"] = 2
    with pytest.raises(ValueError, match="annotations: column 'value' must hold 0/1 answers \\(or missing\\), got 2"):
        soft_targets(bad, rules=RULES)
    with pytest.raises(TypeError, match="rules: expected a non-empty mapping frame -> \\(questions, min_yes\\), got {}"):
        soft_targets(answers(), rules={})
    with pytest.raises(TypeError, match="rules\\['A'\\]: expected \\(questions, min_yes\\)"):
        soft_targets(answers(), rules={"A": ("a1", 1)})
    with pytest.raises(ValueError, match="rules\\['A'\\] min_yes: expected at most 3 \\(the number of its questions\\), "
                                         "got 4"):
        soft_targets(answers(), rules={"A": (("a1", "a2", "a3"), 4)})
    with pytest.raises(ValueError, match="rules\\['A'\\] min_yes: expected an integer >= 1, got 0"):
        soft_targets(answers(), rules={"A": (("a1",), 0)})


def test_soft_matrix_and_errors():
    soft = pd.DataFrame({"doc_id": ["b", "a"], "CO": [0.5, 1.0], "other": [0.1, 0.2]})
    m = soft_matrix(["a", "b", "c"], soft, ["CO", "EC"])
    np.testing.assert_array_equal(m[:, 0], [1.0, 0.5, np.nan])
    assert np.isnan(m[:, 1]).all()
    with pytest.raises(TypeError, match="soft: expected a DataFrame with doc_id"):
        soft_matrix(["a"], {"CO": 1}, ["CO"])
    with pytest.raises(ValueError, match="soft: no 'doc_id' column; columns: CO"):
        soft_matrix(["a"], soft[["CO"]], ["CO"])
    with pytest.raises(ValueError, match="soft: no column for any frame of \\['EC'\\]"):
        soft_matrix(["a"], soft, ["EC"])
    with pytest.raises(ValueError, match="soft: doc_id 'a' appears more than once"):
        soft_matrix(["a"], pd.DataFrame({"doc_id": ["a", "a"], "CO": [0.0, 1.0]}), ["CO"])
    with pytest.raises(ValueError, match="soft: column 'CO' must hold shares in \\[0, 1\\], got 1.5"):
        soft_matrix(["a"], pd.DataFrame({"doc_id": ["a"], "CO": [1.5]}), ["CO"])


def test_soft_rows_by_hand():
    rows, y, w = soft_rows([1.0, 0.25, 0.0], class_weight=None)
    assert rows.tolist() == [0, 1, 1, 2] and y.tolist() == [1, 1, 0, 0]
    assert w.tolist() == pytest.approx([1.0, 0.25, 0.75, 1.0])
    rows, y, w = soft_rows([1.0, 0.25, 0.0])  # balanced: 3 / (2 * 1.25) and 3 / (2 * 1.75)
    assert w.tolist() == pytest.approx([1.2, 0.3, 0.75 * 3 / 3.5, 3 / 3.5])
    rows, y, w = soft_rows([1.0, 0.5], class_weight={0: 2, 1: 1})
    assert w.tolist() == pytest.approx([1.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="p: expected shares in \\[0, 1\\], got 1.5"):
        soft_rows([0.0, 1.5])
    with pytest.raises(ValueError, match="p: the soft targets need some positive and some negative mass"):
        soft_rows([0.0, 0.0])
    with pytest.raises(ValueError, match="class_weight: expected 'balanced', None or a dict, got 'auto'"):
        soft_rows([0.0, 1.0], class_weight="auto")
    with pytest.raises(ValueError, match="class_weight: a dict needs numeric weights for the classes 0 and 1"):
        soft_rows([0.0, 1.0], class_weight={1: 2})


def _xy(n=60, seed=0):
    g = np.random.default_rng(seed)
    X = g.normal(size=(n, 4))
    p = 1 / (1 + np.exp(-(X[:, 0] - 0.8)))
    return X, np.round(p * 4) / 4  # shares in quarters, like 4 coders


def test_soft_fit_equals_explicit_weighted_fit():
    X, p = _xy()
    est = LogisticRegression(C=0.7, class_weight="balanced", tol=1e-10, max_iter=10_000)
    fitted = fit_soft_linear(est, X, p)
    # the same fit written out: every row twice, weights p and 1 - p times the soft balanced class weights
    XX = np.vstack([X, X])
    yy = np.r_[np.ones(len(p)), np.zeros(len(p))]
    ww = np.r_[p * len(p) / (2 * p.sum()), (1 - p) * len(p) / (2 * (1 - p).sum())]
    explicit = LogisticRegression(C=0.7, tol=1e-10, max_iter=10_000).fit(XX, yy, sample_weight=ww)
    np.testing.assert_allclose(fitted.coef_, explicit.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(fitted.intercept_, explicit.intercept_, rtol=1e-6, atol=1e-8)
    assert est.class_weight == "balanced"  # the given estimator is cloned, not changed


def test_hard_soft_targets_equal_the_balanced_hard_fit():
    X, p = _xy(seed=1)
    hard = (p >= 0.5).astype(float)
    est = LogisticRegression(class_weight="balanced", tol=1e-10, max_iter=10_000)
    soft_fit = fit_soft_linear(est, X, hard)
    plain = LogisticRegression(class_weight="balanced", tol=1e-10, max_iter=10_000).fit(X, hard.astype(int))
    np.testing.assert_allclose(soft_fit.coef_, plain.coef_, rtol=1e-6, atol=1e-8)


def test_fit_soft_model_and_errors():
    data = corpus()
    p = np.where(data["CO"] == 1, 0.75, 0.25)
    fitted = fit_soft(MODEL, data["text"].tolist(), p)
    assert isinstance(fitted, SoftFrameModel) and fitted.classes_.tolist() == ["0", "1"]
    proba = fitted.predict_proba(data["text"].tolist())
    assert proba.shape == (len(data), 2) and np.allclose(proba.sum(axis=1), 1)
    assert proba[data["CO"].to_numpy() == 1, 1].min() > proba[data["CO"].to_numpy() == 0, 1].max()
    with pytest.raises(TypeError, match="model: expected a FrameClassifier, got str"):
        fit_soft("logreg", ["a", "b"], [0.0, 1.0])
    with pytest.raises(ValueError, match="model: soft targets need a logistic regression; kind='svm'"):
        fit_soft(FrameClassifier(kind="svm", cues=None), ["a", "b"], [0.0, 1.0])
    with pytest.raises(ValueError, match="model: C=\\[0.3, 1.0\\] is a list"):
        fit_soft(FrameClassifier(C=[0.3, 1.0], cues=None), ["a", "b"], [0.0, 1.0])
    with pytest.raises(ValueError, match="p: expected one soft target per document \\(2\\), got shape \\(3,\\)"):
        fit_soft(MODEL, ["a", "b"], [0.0, 1.0, 0.5])
    with pytest.raises(TypeError, match="model: soft targets need a logistic regression \\(kind='logreg' or "
                                        "'baseline'\\), got str"):
        fit_soft_linear("svm", np.zeros((2, 1)), [0.0, 1.0])


def test_variant_soft_flag_and_names():
    v = FrameVariant("stacked", True, 3.0, True, soft=True)
    assert v.name == "stacked+auxiliary+pool+soft C=3"
    assert parse_variant(v.name) == v
    assert parse_variant("independent+soft") == FrameVariant(soft=True)
    with pytest.raises(ValueError, match="select: 'independent\\+soft\\+pool' is not a variant name: .*\\+blend, "
                                         "\\+soft \\(in this order\\)"):
        parse_variant("independent+soft+pool")
    with pytest.raises(TypeError, match="soft: expected True or False, got 1"):
        FrameVariant(soft=1)
    assert not any(v.soft for v in SELECTION_GRID)


def soft_of(data: pd.DataFrame) -> pd.DataFrame:
    """Shares of 4 coders: CO mostly agreed, EC uncertain on a third of the articles."""
    ec = np.where(np.arange(len(data)) % 3 == 0, 0.5, data["EC"].astype(float))
    return pd.DataFrame({"doc_id": data["doc_id"], "CO": np.where(data["CO"] == 1, 1.0, 0.25), "EC": ec})


def test_cross_validate_with_soft_targets_ignores_test_shares():
    data = corpus()
    soft = soft_of(data)
    scrambled = soft.copy()
    in_fold_1 = (data["fold"] == 1).to_numpy()
    scrambled.loc[in_fold_1, ["CO", "EC"]] = 1 - scrambled.loc[in_fold_1, ["CO", "EC"]]
    runs = [cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", soft=s, n_resamples=20)
            for s in (soft, soft, scrambled)]
    pd.testing.assert_frame_equal(runs[0].predictions, runs[1].predictions)
    first = [run.predictions[run.predictions["fold"] == 1].reset_index(drop=True) for run in (runs[0], runs[2])]
    pd.testing.assert_frame_equal(first[0], first[1])  # fold 1's shares only train folds 2-4
    assert not runs[0].predictions.equals(runs[2].predictions)
    hard = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20)
    assert not np.allclose(runs[0].predictions["score"], hard.predictions["score"])
    assert runs[0].value("macro_f1") > 0.8


def test_frame_without_soft_column_trains_on_gold():
    data = corpus()
    only_co = soft_of(data)[["doc_id", "CO"]]
    run = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", soft=only_co, n_resamples=20)
    hard = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20)
    ec = [r.predictions[r.predictions["frame"] == "EC"].reset_index(drop=True) for r in (run, hard)]
    pd.testing.assert_frame_equal(ec[0], ec[1])


def test_select_with_soft_variants():
    data = corpus()
    grid = [FrameVariant(), FrameVariant(soft=True), FrameVariant("stacked", soft=True)]
    run = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", select=grid, soft=soft_of(data),
                                n_resamples=20)
    s = run.selection
    assert s["variant"].tolist()[:3] == ["independent", "independent+soft", "stacked+soft"]
    assert (s.groupby("fold")["selected"].sum() == 1).all()
    # the chosen +soft pipeline's first stage is the soft fit of fit_frames without select, not the hard one
    texts = data["text"].tolist()
    chosen = fit_frames(data, ["CO", "EC"], model=MODEL, select=[FrameVariant(soft=True)], soft=soft_of(data))
    plain = fit_frames(data, ["CO", "EC"], model=MODEL, soft=soft_of(data))
    hard = fit_frames(data, ["CO", "EC"], model=MODEL, select=[FrameVariant()])
    for name in ("CO", "EC"):
        np.testing.assert_allclose(chosen[name][0].predict_proba(texts), plain[name][0].predict_proba(texts))
        assert not np.allclose(chosen[name][0].predict_proba(texts), hard[name][0].predict_proba(texts))
    scrambled = soft_of(data)
    in_fold_1 = (data["fold"] == 1).to_numpy()
    scrambled.loc[in_fold_1, ["CO", "EC"]] = 1 - scrambled.loc[in_fold_1, ["CO", "EC"]]
    other = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", select=grid, soft=scrambled,
                                  n_resamples=20)
    first = [r.predictions[r.predictions["fold"] == 1].reset_index(drop=True) for r in (run, other)]
    pd.testing.assert_frame_equal(first[0], first[1])
    models = fit_frames(data, ["CO", "EC"], model=MODEL, select=grid, soft=soft_of(data))
    assert models["CO"][0].variant in {v.name for v in grid}
    # the soft grid of the benchmark: SELECTION_GRID, then each variant +soft
    soft_grid = (*SELECTION_GRID, *(replace(v, soft=True) for v in SELECTION_GRID))
    assert len({v.name for v in soft_grid}) == 30


def test_fit_frames_with_soft_targets():
    data = corpus()
    models = fit_frames(data, ["CO", "EC"], model=MODEL, soft=soft_of(data))
    assert isinstance(models["CO"][0], SoftFrameModel) and 0 <= models["CO"][1] <= 1
    with pytest.raises(ValueError, match="soft: soft targets need a logistic regression with a single C, got "
                                         "kind='logreg', C=\\[0.3, 1.0\\]"):
        fit_frames(data, ["CO", "EC"], model=FrameClassifier(C=[0.3, 1.0], cues=None), soft=soft_of(data))


def test_soft_argument_errors():
    data = corpus()
    soft = soft_of(data)
    with pytest.raises(ValueError, match="soft: soft targets without select= train independent models; use "
                                         "combine='independent' or a '\\+soft' variant in select=, got "
                                         "combine='stacked'"):
        cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", combine="stacked", soft=soft)
    with pytest.raises(ValueError, match="select: variant\\(s\\) 'independent\\+soft' train on soft targets; pass "
                                         "soft="):
        cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", select=[FrameVariant(soft=True)])
    with pytest.raises(ValueError, match="soft: soft targets need a logistic regression; kind='svm'"):
        cross_validate_frames(data, ["CO", "EC"], model=FrameClassifier(kind="svm", cues=None), folds="fold",
                              soft=soft)
    with pytest.raises(ValueError, match="soft: soft targets need a model with a single C, got C=\\[0.3, 1.0\\]"):
        cross_validate_frames(data, ["CO", "EC"], model=FrameClassifier(C=[0.3, 1.0], cues=None), folds="fold",
                              soft=soft)
    with pytest.raises(ValueError, match="select: \\+soft variants need a logistic regression; kind='svm'"):
        cross_validate_frames(data, ["CO", "EC"], model=FrameClassifier(kind="svm", cues=None), folds="fold",
                              select=[FrameVariant(soft=True)], soft=soft)
    with pytest.raises(ValueError, match="soft: no column for any frame of \\['CO', 'EC'\\]"):
        cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", soft=soft[["doc_id"]].assign(X=0.5))


@pytest.mark.skipif(not (SHARED / "data" / "narrative_framing").is_dir(), reason="needs ../shared")
def test_narrative_soft_targets_match_the_unanimous_gold():
    """Where every coder's own answers agree, the share is 0 or 1 and equals the gold label."""
    import warnings

    from framing.corpus.datasets import load_narrative_annotations, load_narrative_frames
    folder = SHARED / "data" / "narrative_framing"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gold = load_narrative_frames(folder).set_index("doc_id")
    soft = soft_targets(load_narrative_annotations(folder)).set_index("doc_id").reindex(gold.index)
    for frame in NARRATIVE_RULES:
        p, g = soft[frame], gold[frame]
        sure = p.isin([0.0, 1.0]) & g.notna()
        assert sure.mean() > 0.5
        assert ((p[sure] == 1) == (g[sure] == 1)).mean() > 0.9


def test_soft_with_auxiliary_and_pooled_variants():
    from .test_multilabel_stacked import questions
    data = corpus()
    grid = [FrameVariant("stacked", True), FrameVariant("stacked", True, pool=True, soft=True),
            FrameVariant("stacked", pool=True, soft=True, C=3.0)]
    run = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", select=grid, soft=soft_of(data),
                                auxiliary=questions(data), n_resamples=20)
    assert run.selection["variant"].tolist()[:3] == ["stacked+auxiliary", "stacked+auxiliary+pool+soft",
                                                    "stacked+pool+soft C=3"]
    assert run.value("macro_f1") > 0.8
    again = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", select=grid, soft=soft_of(data),
                                  auxiliary=questions(data), n_resamples=20)
    pd.testing.assert_frame_equal(run.predictions, again.predictions)
    pd.testing.assert_frame_equal(run.selection, again.selection)
