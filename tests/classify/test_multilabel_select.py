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
