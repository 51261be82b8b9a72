"""Multi-label frames: per-frame models, inner-CV thresholds, predefined folds, evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from framing.classify import FrameClassifier
from framing.classify.multilabel import (
    ALL_FRAMES,
    MULTILABEL_PREDICTION_COLUMNS,
    MULTILABEL_SUMMARY_COLUMNS,
    THRESHOLD_COLUMNS,
    best_threshold,
    cross_validate_frames,
    fit_frames,
    frame_evidence,
)

CONFLICT = ["Rivals clashed in a bitter fight over the bill.", "The senators attacked each other in a row."]
ECONOMY = ["The plan costs billions and jobs will be lost.", "Taxes rise and the budget deficit grows."]
FILLER = ["The report was published on Tuesday.", "Officials met in the capital.", "It rained in the morning."]


def corpus(n=40, seed=3):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        co, ec = int(rng.random() < 0.5), int(rng.random() < 0.4)
        parts = [FILLER[i % 3]]
        if co:
            parts.append(CONFLICT[i % 2])
        if ec:
            parts.append(ECONOMY[(i // 2) % 2])
        parts.append(FILLER[(i + 1) % 3])
        rows.append({"doc_id": f"d{i:02d}", "outlet": "ABCD"[i % 4], "text": " ".join(parts), "CO": co, "EC": ec,
                     "fold": i % 4 + 1})
    return pd.DataFrame(rows)


MODEL = FrameClassifier(cues=None, char_ngrams=None, word_ngrams=(1, 1))


@pytest.fixture(scope="module")
def evaluation():
    return cross_validate_frames(corpus(), ["CO", "EC"], model=MODEL, folds="fold", n_resamples=200)


def test_tables_and_schema(evaluation):
    assert evaluation.frames == ("CO", "EC")
    assert tuple(evaluation.predictions.columns) == MULTILABEL_PREDICTION_COLUMNS
    assert tuple(evaluation.summary.columns) == MULTILABEL_SUMMARY_COLUMNS
    assert tuple(evaluation.thresholds.columns) == THRESHOLD_COLUMNS
    assert len(evaluation.predictions) == 80 and len(evaluation.thresholds) == 8  # 4 folds x 2 frames
    assert evaluation.thresholds["fold"].tolist()[:2] == ["1", "1"]
    assert evaluation.summary["metric"].tolist()[:2] == ["macro_f1", "micro_f1"]
    assert evaluation.summary["frame"].tolist()[:2] == [ALL_FRAMES, ALL_FRAMES]


def test_metrics_equal_sklearn_on_the_predictions(evaluation):
    p = evaluation.predictions
    f1s = []
    for name in ("CO", "EC"):
        rows = p[p["frame"] == name]
        f1 = f1_score(rows["true"].astype(int), rows["predicted"])
        f1s.append(f1)
        assert evaluation.value("f1", name) == pytest.approx(f1)
        assert (rows["predicted"] == (rows["score"] >= rows["threshold"])).all()
    assert evaluation.value("macro_f1") == pytest.approx(np.mean(f1s))
    assert evaluation.value("macro_f1") > 0.9  # the cue sentences are unambiguous
    row = evaluation.summary[evaluation.summary["metric"] == "macro_f1"].iloc[0]
    assert row["ci_low"] <= row["value"] <= row["ci_high"]


def test_deterministic_and_missing_labels():
    data = corpus()
    data["EC"] = data["EC"].astype("Int64")
    data.loc[[0, 5], "EC"] = pd.NA
    a = cross_validate_frames(data, "CO,EC", model=MODEL, folds="fold", n_resamples=50)
    b = cross_validate_frames(data, ["CO", "EC"], model=MODEL, folds="fold", n_resamples=50)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    ec = a.predictions[a.predictions["frame"] == "EC"]
    assert ec["true"].isna().sum() == 2
    assert a.thresholds[a.thresholds["frame"] == "EC"]["n_missing"].sum() == 2 * 3  # each is in 3 training folds


def test_shuffled_and_grouped_folds_and_fixed_threshold():
    data = corpus()
    ev = cross_validate_frames(data, ["CO"], model=MODEL, n_splits=3, threshold="fixed", n_resamples=20)
    assert set(ev.thresholds["threshold"]) == {0.5} and len(ev.thresholds) == 3
    ev = cross_validate_frames(data, ["CO"], model=MODEL, groups="outlet", n_splits=2, n_resamples=20)
    assert len(ev.thresholds) == 2


def test_best_threshold():
    assert best_threshold([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == (pytest.approx(0.25), 1.0)
    cut, f1 = best_threshold([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4])
    assert f1 == pytest.approx(max(f1_score([0, 1, 0, 1], np.array([0.1, 0.2, 0.3, 0.4]) >= c)
                                   for c in (0.15, 0.25, 0.35, 0.05)))
    assert best_threshold([0, 0], [0.3, 0.4]) == (0.5, 0.0)
    with pytest.raises(ValueError, match=r"y_true and score: expected two 1-D sequences of one length"):
        best_threshold([0, 1], [0.5])


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(labels=[]), ValueError, r"labels: expected one or more label columns, got \[\]"),
    (dict(labels=["CO", "CO"]), ValueError, r"labels: a column is listed twice"),
    (dict(labels=["XX"]), ValueError, r"corpus has no column 'XX'"),
    (dict(labels=["CO"], folds="fold", groups="outlet"), ValueError, r"folds and groups cannot be combined"),
    (dict(labels=["CO"], threshold="best"), ValueError, r"threshold: expected one of 'inner_cv', 'fixed'"),
    (dict(labels=["CO"], n_splits=1), ValueError, r"n_splits: expected an integer >= 2, got 1"),
    (dict(labels=["CO"], model="logreg"), TypeError, r"model: expected a FrameClassifier, got str"),
    (dict(labels=["CO"], random_state=None), TypeError, r"random_state: expected an integer >= 0, got None"),
    (dict(labels=["CO"], groups="outlet", n_splits=5), ValueError, r"groups: column 'outlet' has 4 distinct values"),
])
def test_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        cross_validate_frames(corpus(), **kwargs)


def test_label_and_fold_errors():
    data = corpus()
    data.loc[3, "CO"] = 2
    with pytest.raises(ValueError, match=r"labels: column 'CO' must hold 0/1 \(or True/False\), got 2 in row 3"):
        cross_validate_frames(data, ["CO"], model=MODEL)
    data = corpus()
    data["fold"] = data["fold"].astype(object)
    data.loc[2, "fold"] = None
    with pytest.raises(ValueError, match=r"folds: column 'fold' is missing in row 2"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold")
    data = corpus()
    data["CO"] = 0
    with pytest.raises(ValueError, match=r"frame 'CO' has a single class in the training documents of fold"):
        cross_validate_frames(data, ["CO"], model=MODEL, folds="fold")
    with pytest.raises(TypeError, match=r"corpus: expected a DataFrame or a framing Corpus, got list"):
        cross_validate_frames([], ["CO"])


def test_fit_frames_and_evidence():
    data = corpus()
    models = fit_frames(data, ["CO", "EC"], model=MODEL)
    assert set(models) == {"CO", "EC"} and all(0 <= cut <= 1 for _, cut in models.values())
    evidence = frame_evidence(models, data.head(8), top=1)
    assert list(evidence.columns) == ["doc_id", "frame", "rank", "sentence", "start", "end", "score", "text"]
    co = evidence[evidence["frame"] == "CO"]
    assert len(co) and all(any(s in t for s in CONFLICT) for t in co["text"])
    for _, row in evidence.iterrows():
        text = data.set_index("doc_id").loc[row["doc_id"], "text"]
        assert text[row["start"]:row["end"]] == row["text"]
    everything = frame_evidence(models, data.head(8), top=2, only_predicted=False)
    assert len(everything) == 8 * 2 * 2
    with pytest.raises(ValueError, match=r"top: expected an integer >= 1, got 0"):
        frame_evidence(models, data, top=0)
    with pytest.raises(TypeError, match=r"models: expected the dict returned by fit_frames"):
        frame_evidence({}, data)
