"""Multi-label frames: the pipeline chosen by inner CV inside each outer training fold (select=)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from framing.classify import FrameClassifier
from framing.classify.multilabel import (
    SELECTION_COLUMNS,
    SELECTION_GRID,
    THRESHOLD_COLUMNS,
    FrameVariant,
    cross_validate_frames,
    fit_frames,
    frame_evidence,
)

from .test_multilabel import MODEL, corpus
from .test_multilabel_stacked import questions

GRID = [FrameVariant(), FrameVariant("stacked"), FrameVariant("stacked", True, C=3.0)]


@pytest.fixture(scope="module")
def selected():
    data = corpus()
    return cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", auxiliary=questions(data),
                                 select=GRID, n_resamples=100)


def test_selection_table(selected):
    s = selected.selection
    assert tuple(s.columns) == SELECTION_COLUMNS
    assert len(s) == 4 * len(GRID) and s["variant"].tolist()[:3] == ["independent", "stacked", "stacked+auxiliary C=3"]
    assert (s.groupby("fold")["selected"].sum() == 1).all()
    best = s.loc[s.groupby("fold")["inner_macro_f1"].idxmax()]
    assert best["selected"].all()  # the highest inner macro-F1 wins; ties the earlier variant (idxmax: first)
    assert s["C"].tolist()[:3] == [1.0, 1.0, 3.0]
    assert tuple(selected.thresholds.columns) == THRESHOLD_COLUMNS and len(selected.thresholds) == 8
    p = selected.predictions
    assert (p["predicted"] == (p["score"] >= p["threshold"])).all() and p["score"].between(0, 1).all()
    assert selected.value("macro_f1") > 0.9


def test_selection_is_deterministic_and_ignores_test_answers():
    data = corpus()
    aux = questions(data)
    scrambled = aux.copy()
    in_fold_1 = (data["fold"] == 1).to_numpy()
    scrambled.loc[in_fold_1, ["q1", "q2"]] = 1 - scrambled.loc[in_fold_1, ["q1", "q2"]].fillna(0)
    runs = [cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", auxiliary=a, select=GRID,
                                  n_resamples=20) for a in (aux, aux, scrambled)]
    pd.testing.assert_frame_equal(runs[0].predictions, runs[1].predictions)
    pd.testing.assert_frame_equal(runs[0].selection, runs[1].selection)
    first = [run.predictions[run.predictions["fold"] == 1].reset_index(drop=True) for run in (runs[0], runs[2])]
    pd.testing.assert_frame_equal(first[0], first[1])  # fold 1's answers only train folds 2-4
    sel = [run.selection[run.selection["fold"] == 1].reset_index(drop=True) for run in (runs[0], runs[2])]
    pd.testing.assert_frame_equal(sel[0], sel[1])


def test_selection_of_one_variant_is_that_variant_without_auxiliary():
    data = corpus()
    one = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", select=[FrameVariant()],
                                threshold="fixed", n_resamples=20)
    assert one.selection["selected"].all() and set(one.thresholds["threshold"]) == {0.5}
    assert one.value("macro_f1") > 0.8
    plain = cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", n_resamples=20)
    assert plain.selection.empty and tuple(plain.selection.columns) == SELECTION_COLUMNS


def test_grid():
    assert len(SELECTION_GRID) == 15 and SELECTION_GRID[0] == FrameVariant(C=1.0)
    assert [v.name for v in SELECTION_GRID[:5]] == ["independent C=1", "stacked C=1", "stacked+auxiliary C=1",
                                                    "stacked+pool C=1", "stacked+auxiliary+pool C=1"]
    assert FrameVariant().name == "independent"


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(combine="chained"), ValueError, r"combine: expected one of"),
    (dict(combine="independent", auxiliary=True), ValueError, r"auxiliary: .* need combine='stacked'"),
    (dict(auxiliary="yes"), TypeError, r"auxiliary: expected"),
    (dict(C=0), ValueError, r"C: expected"),
    (dict(pool=True), ValueError, r"pool: the pooled sentence scores are second-stage features, so they need "
                                  r"combine='stacked'"),
    (dict(combine="stacked", pool=1), TypeError, r"pool: expected"),
    (dict(blend=True), ValueError, r"blend: the blend averages the first-stage and the second-stage probabilities, "
                                   r"so it needs combine='stacked'"),
    (dict(combine="stacked", blend="yes"), TypeError, r"blend: expected"),
    (dict(combine="stacked", C=(1.0, 3.0)), ValueError, r"C: a per-frame choice of C \(a tuple\) applies to "
                                                        r"combine='independent' only, got combine='stacked'"),
    (dict(C=(1.0,)), ValueError, r"C: expected a number > 0 or a tuple of at least 2 distinct numbers > 0"),
    (dict(C=(1.0, 1.0)), ValueError, r"C: expected a number > 0 or a tuple of at least 2 distinct"),
    (dict(C=(1.0, -1.0)), ValueError, r"C: expected"),
])
def test_variant_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        FrameVariant(**kwargs)


def test_select_errors():
    data = corpus()
    run = dict(model=MODEL, folds="fold", n_resamples=10)
    with pytest.raises(TypeError, match=r"select: expected a non-empty list or tuple of FrameVariant"):
        cross_validate_frames(data, ["CO"], select=FrameVariant(), **run)
    with pytest.raises(TypeError, match=r"select: expected a non-empty list or tuple of FrameVariant"):
        cross_validate_frames(data, ["CO"], select=[], **run)
    with pytest.raises(TypeError, match=r"select\[1\]: expected a FrameVariant, got str"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant(), "stacked"], **run)
    with pytest.raises(ValueError, match=r"select: variant 'stacked' is listed twice"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant("stacked")] * 2, **run)
    with pytest.raises(ValueError, match=r"select: variant\(s\) 'stacked\+auxiliary' use auxiliary targets; pass"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant("stacked", True)], **run)
    with pytest.raises(ValueError, match=r"combine: select= sets combine per variant"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant()], combine="stacked", **run)
    with pytest.raises(ValueError, match=r"model: C=\[1.0, 3.0\] is a list"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant()], **{**run, "model": clone(MODEL).set_params(C=[1.0, 3.0])})
    with pytest.raises(ValueError, match=r"kind='baseline' uses scikit-learn's default C=1.0"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant(C=3.0)],
                              **{**run, "model": FrameClassifier(kind="baseline", cues=None)})
    with pytest.raises(ValueError, match=r"model: marked=True needs marked_words"):
        cross_validate_frames(data, ["CO"], select=[FrameVariant()], **{**run, "model": FrameClassifier(marked=True)})
    rare = data.assign(CO=np.where(np.arange(len(data)) < 3, 1, 0))
    with pytest.raises(ValueError, match=r"labels: frame 'CO' has fewer than 2 positive or 2 negative documents in "
                                         r"inner training split"):
        cross_validate_frames(rare, ["CO"], select=[FrameVariant()], **run)


def test_pooled_sentence_scores():
    data = corpus()
    run = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20,
                                select=[FrameVariant("stacked", pool=True), FrameVariant("stacked", pool=True, C=3.0)])
    assert run.selection["variant"].tolist()[:2] == ["stacked+pool", "stacked+pool C=3"]
    assert run.value("macro_f1") > 0.9  # one sentence carries each frame here
    again = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20,
                                  select=[FrameVariant("stacked", pool=True), FrameVariant("stacked", pool=True, C=3.0)])
    pd.testing.assert_frame_equal(run.predictions, again.predictions)


def test_blend_and_per_frame_C():
    data = corpus()
    grid = [FrameVariant("stacked", blend=True), FrameVariant(C=(0.3, 3.0)), FrameVariant("stacked", pool=True,
                                                                                       blend=True, C=3.0)]
    assert [v.name for v in grid] == ["stacked+blend", "independent C=0.3|3", "stacked+pool+blend C=3"]
    assert FrameVariant(C=[0.3, 3]).C == (0.3, 3.0)
    run = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20, select=grid)
    s = run.selection
    assert s["variant"].tolist()[:3] == [v.name for v in grid]
    assert np.isnan(s["C"].iloc[1]) and s["C"].iloc[0] == 1.0  # a per-frame C has no single value
    assert (s.groupby("fold")["selected"].sum() == 1).all()
    assert run.value("macro_f1") > 0.9
    # per-frame C alone equals the independent model at the C each frame prefers; with one C it is that model
    one = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20,
                                select=[FrameVariant(C=(1.0, 1e-6))])
    plain = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=20,
                                  select=[FrameVariant(C=1.0)])
    assert one.value("macro_f1") >= plain.value("macro_f1") - 1e-12


def test_fit_frames_fits_the_selected_pipeline():
    data = corpus()
    models = fit_frames(data, ["CO", "EC"], model=MODEL, select=GRID, auxiliary=questions(data))
    again = fit_frames(data, ["CO", "EC"], model=MODEL, select=GRID, auxiliary=questions(data))
    assert set(models) == {"CO", "EC"}
    chosen = {m.variant for m, _ in models.values()}
    assert len(chosen) == 1 and chosen <= {v.name for v in GRID}
    model, cut = models["CO"]
    assert 0 <= cut <= 1 and list(model.classes_) == ["0", "1"]
    p = model.predict_proba(data["text"].tolist())
    assert p.shape == (len(data), 2) and np.allclose(p.sum(axis=1), 1)
    np.testing.assert_array_equal(p, again["CO"][0].predict_proba(data["text"].tolist()))
    assert ((p[:, 1] >= cut) == data["CO"].astype(bool)).mean() > 0.9
    evidence = frame_evidence(models, data.head(8), top=1)
    conflict = evidence[evidence["frame"] == "CO"]
    assert not conflict.empty and conflict["text"].str.contains("fight|attacked").all()
    # the stacked pipeline itself: a stacked-only grid gives a stacked model
    stacked = fit_frames(data, ["CO", "EC"], model=MODEL, select=[FrameVariant("stacked", pool=True, blend=True)])
    assert stacked["EC"][0].variant == "stacked+pool+blend"
    assert stacked["EC"][0].predict_proba(["Taxes rise and the budget deficit grows."])[0, 1] > 0.5


def test_fit_frames_errors():
    data = corpus()
    with pytest.raises(ValueError, match=r"auxiliary: fit_frames reads auxiliary targets only for select="):
        fit_frames(data, ["CO"], model=MODEL, auxiliary=questions(data))
    with pytest.raises(ValueError, match=r"select: variant\(s\) 'stacked\+auxiliary' use auxiliary targets"):
        fit_frames(data, ["CO"], model=MODEL, select=[FrameVariant("stacked", True)])
    with pytest.raises(TypeError, match=r"random_state: expected an integer >= 0, got None \(select= is"):
        fit_frames(data, ["CO"], model=MODEL, select=[FrameVariant()], random_state=None)
    with pytest.raises(ValueError, match=r"labels: frame 'CO' has a single class; it cannot be learned"):
        fit_frames(data.assign(CO=0), ["CO"], model=MODEL, select=[FrameVariant()])
