"""Multi-label frames learned together: combine="stacked" and auxiliary targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.classify.multilabel import (
    COMBINE,
    THRESHOLD_COLUMNS,
    auxiliary_targets,
    cross_validate_frames,
)

from .test_multilabel import MODEL, corpus


def questions(data: pd.DataFrame) -> pd.DataFrame:
    """Shares of two coders: q1 follows CO exactly, q2 is EC with disagreements and gaps."""
    share = np.where(np.arange(len(data)) % 3 == 0, np.nan, data["EC"] * 0.5)
    return pd.DataFrame({"doc_id": data["doc_id"], "q1": data["CO"].astype(float), "q2": share})


@pytest.fixture(scope="module")
def stacked():
    data = corpus()
    return cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", combine="stacked",
                                 auxiliary=questions(data), n_resamples=100)


def test_stacked_tables(stacked):
    assert COMBINE == ("independent", "stacked")
    assert tuple(stacked.thresholds.columns) == THRESHOLD_COLUMNS
    assert len(stacked.thresholds) == 8 and set(stacked.thresholds["frame"]) == {"CO", "EC"}  # frames only
    p = stacked.predictions
    assert (p["predicted"] == (p["score"] >= p["threshold"])).all() and p["score"].between(0, 1).all()
    assert stacked.value("macro_f1") > 0.9  # the cue sentences are unambiguous


def test_stacked_is_deterministic_and_needs_no_auxiliary():
    data = corpus()
    a = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", combine="stacked", n_resamples=50)
    b = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", combine="stacked", n_resamples=50)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    assert a.value("macro_f1") > 0.9
    fixed = cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked", threshold="fixed",
                                  n_resamples=20)
    assert set(fixed.thresholds["threshold"]) == {0.5}


def test_auxiliary_of_test_documents_is_never_read():
    data = corpus()
    aux = questions(data)
    scrambled = aux.copy()
    in_fold_1 = (data["fold"] == 1).to_numpy()
    scrambled.loc[in_fold_1, ["q1", "q2"]] = 1 - scrambled.loc[in_fold_1, ["q1", "q2"]].fillna(0)
    runs = [cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", combine="stacked", auxiliary=a,
                                  n_resamples=20).predictions for a in (aux, scrambled)]
    first = [run[run["fold"] == 1].reset_index(drop=True) for run in runs]
    pd.testing.assert_frame_equal(first[0], first[1])  # fold 1's answers only train folds 2-4
    assert not runs[0].equals(runs[1])


def test_auxiliary_targets():
    long = pd.DataFrame({"doc_id": [2, 2, 1, 1, 1], "question": ["b", "a", "a", "a", "b"],
                         "value": [1, 0, 1, 0, pd.NA]})
    wide = auxiliary_targets(long)
    assert wide.columns.tolist() == ["doc_id", "a", "b"] and wide["doc_id"].tolist() == ["1", "2"]
    assert wide["a"].tolist() == [0.5, 0.0] and np.isnan(wide["b"].iloc[0]) and wide["b"].iloc[1] == 1.0
    with pytest.raises(ValueError, match=r"annotations: missing column\(s\) 'question'"):
        auxiliary_targets(long.drop(columns="question"))
    with pytest.raises(ValueError, match=r"annotations: column 'value' must hold 0/1 answers, got 'yes'"):
        auxiliary_targets(long.assign(value=["yes", 1, 0, 1, 0]))
    with pytest.raises(TypeError, match=r"annotations: expected a DataFrame, got list"):
        auxiliary_targets([])


def test_stacked_errors():
    data = corpus()
    aux = questions(data)
    with pytest.raises(ValueError, match=r"combine: expected one of 'independent', 'stacked'"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="chain")
    with pytest.raises(ValueError, match=r"auxiliary: the auxiliary targets are second-stage features, so they "
                                         r"need combine='stacked'"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", auxiliary=aux)
    with pytest.raises(TypeError, match=r"auxiliary: expected a DataFrame with doc_id"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked", auxiliary={"q": 1})
    with pytest.raises(ValueError, match=r"auxiliary: no 'doc_id' column"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked",
                              auxiliary=aux.drop(columns="doc_id"))
    with pytest.raises(ValueError, match=r"auxiliary: no target columns besides doc_id"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked", auxiliary=aux[["doc_id"]])
    with pytest.raises(ValueError, match=r"auxiliary: column\(s\) 'CO' are also frame labels"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked",
                              auxiliary=aux.rename(columns={"q1": "CO"}))
    with pytest.raises(ValueError, match=r"auxiliary: doc_id 'd00' appears more than once"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked",
                              auxiliary=pd.concat([aux, aux.head(1)]))
    with pytest.raises(ValueError, match=r"auxiliary: column 'q1' must hold shares in \[0, 1\], got 2.0"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked",
                              auxiliary=aux.assign(q1=2.0))
    rare = aux.assign(q2=0.0)
    rare.loc[0, "q2"] = 1.0  # one positive: only the folds that train on document 0 see it
    with pytest.warns(UserWarning, match=r"auxiliary: target 'q2' has fewer than 2 positive or 2 negative training "
                                         r"documents in fold\(s\) '1', '2', '3', '4'; left out of their second stage"):
        ev = cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked", auxiliary=rare,
                                   n_resamples=20)
    plain = cross_validate_frames(data, ["CO"], model=MODEL, folds="fold", combine="stacked",
                                  auxiliary=aux[["doc_id", "q1"]], n_resamples=20)
    pd.testing.assert_frame_equal(ev.predictions, plain.predictions)  # as if the column were not given
    few = data.copy()
    few["CO"] = 0
    few.loc[[0, 1], "CO"] = 1
    with pytest.raises(ValueError, match=r"labels: frame 'CO' has fewer than 2 positive or 2 negative training "
                                         r"documents in fold"):
        cross_validate_frames(few, ["CO"], model=MODEL, folds="fold", combine="stacked")
