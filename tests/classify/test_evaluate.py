"""The runner's entry point (evaluate_frame), the predictions/probabilities
schemas, grouped inner selection of C and the hardened model loader."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from framing.classify import persist as classify_io
from framing.classify.model import FrameClassifier, MODEL_KINDS
from framing.classify.evaluate import (
    CONFUSION_COLUMNS,
    CV_SCHEMES,
    PER_CLASS_COLUMNS,
    PREDICTION_COLUMNS,
    PROBABILITY_COLUMNS,
    SUMMARY_COLUMNS,
    Evaluation,
    cross_validate,
    evaluate_frame,
)
from framing.classify.persist import ModelFileError, load_model, save_model
from framing.corpus.readers import read_corpus
from framing.lexicon.model import Category, Lexicon

from tests.classify.test_model import corpus
from tests.paths import REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


@pytest.fixture(scope="module")
def data():
    return corpus(40)


@pytest.fixture(scope="module")
def tiny_lexicon():
    return Lexicon.build("tiny", [Category("loaded", "loaded words")],
                         [("sham", "loaded", 1.0, None), ("disgraceful", "loaded", 1.0, None)])


def test_binary_predictions_feed_a_reliability_curve(data):
    ev = cross_validate(data, "label", model=FrameClassifier(cues=None, char_ngrams=None), n_splits=4, n_resamples=50)
    pred = ev.predictions
    assert pred.columns.tolist() == list(PREDICTION_COLUMNS)
    assert set(pred["scored_class"]) == {"neutral"}  # classes[1] of ["biased", "neutral"]
    assert pred["y_true"].dtype == np.int64 and set(pred["y_true"]) == {0, 1}
    assert (pred["y_true"] == (pred["true"] == "neutral")).all()
    long = ev.probabilities
    assert long.columns.tolist() == list(PROBABILITY_COLUMNS) and len(long) == 80
    p_neutral = long[long["class"] == "neutral"].set_index("doc_id")["probability"]
    assert np.allclose(pred.set_index("doc_id")["score"], p_neutral.loc[pred["doc_id"]])
    assert np.allclose(long.groupby("doc_id")["probability"].sum(), 1.0)
    # the predicted label is the more probable class
    assert ((pred["score"] > 0.5) == (pred["predicted"] == "neutral")).all()


def test_multiclass_predictions_are_top_label(data):
    ev = cross_validate(data, "topic", model=FrameClassifier(cues=None, char_ngrams=None), n_splits=2, n_resamples=20)
    pred = ev.predictions
    assert (pred["scored_class"] == pred["predicted"]).all()
    assert (pred["y_true"] == (pred["true"] == pred["predicted"]).astype(int)).all()
    top = ev.probabilities.groupby("doc_id")["probability"].max()
    assert np.allclose(pred.set_index("doc_id")["score"], top.loc[pred["doc_id"]])
    assert sorted(ev.probabilities["class"].unique()) == sorted(set(data["topic"]))


def test_grouped_inner_selection_of_C(data):
    texts, labels, outlets = data["text"].tolist(), data["label"].tolist(), data["outlet"].tolist()
    model = FrameClassifier(C=[0.1, 10.0], cues=None, char_ngrams=None)
    model.fit(texts, labels, groups=outlets)
    assert model.C_ in (0.1, 10.0) and len(model.c_scores_) == 2
    with pytest.raises(ValueError, match=r"needs at least inner_cv=3 distinct groups in the training data, got 2"):
        FrameClassifier(C=[0.1, 10.0], cues=None, char_ngrams=None).fit(texts, labels, groups=["A", "B"] * 20)
    with pytest.raises(ValueError, match="groups has 2 entries for 40 texts"):
        FrameClassifier(cues=None, char_ngrams=None).fit(texts, labels, groups=["A", "B"])
    # two groups of biased texts, one of neutral ones: holding out the neutral group leaves one class
    by_class = ["n" if lab == "neutral" else f"b{i % 4}" for i, lab in enumerate(labels)]
    with pytest.raises(ValueError, match="an inner training fold for choosing C holds the single class 'biased'"):
        FrameClassifier(C=[0.1, 10.0], cues=None, char_ngrams=None).fit(texts, labels, groups=by_class)
    # cross_validate passes the training groups to the inner selection
    desks = data.assign(desk=[f"k{(i // 2) % 5}" for i in range(40)])  # every desk has both classes
    ev = cross_validate(desks, "label", model=FrameClassifier(C=[0.1, 10.0], cues=None, char_ngrams=None),
                        groups="desk", n_splits=5, n_resamples=20)
    assert set(ev.folds["C"]) <= {0.1, 10.0}
    with pytest.raises(ValueError, match="an inner training fold for choosing C holds the single class"):
        # stories hold one class each: the grouped inner folds cannot score C, and say so
        cross_validate(data, "label", model=FrameClassifier(C=[0.1, 10.0], cues=None, char_ngrams=None),
                       groups="story_id", n_splits=4)
    with pytest.raises(ValueError, match=r"fold 0: the training documents hold the single class"):
        two = data.assign(desk=np.where(data["label"] == "biased", "x", "y"))
        cross_validate(two, "label", model=FrameClassifier(cues=None, char_ngrams=None), groups="desk", n_splits=2)


def test_baseline_refuses_a_C_it_would_ignore(data):
    base = FrameClassifier(kind="baseline").fit(data["text"], data["label"])
    assert base.C_ == 1.0
    with pytest.raises(ValueError, match=r"kind='baseline' is plain TF-IDF \+ logistic regression with scikit-learn "
                                         r"defaults \(C=1.0\) and does not use C=\(0.1, 1.0\)"):
        FrameClassifier(kind="baseline", C=(0.1, 1.0)).fit(data["text"], data["label"])


def test_evaluate_frame_on_the_sample_corpus(tiny_lexicon):
    frame = read_corpus(SAMPLE).frame
    assert len(frame) == 75
    # a synthetic label: the outlet's desk (wire vs opinionated), predicted from text only
    ev = evaluate_frame(frame, label="outlet_group", model="logreg", cv="group", groups="story_id", n_splits=3,
                        C=[1.0], lexicon=tiny_lexicon, random_state=3)
    assert isinstance(ev, Evaluation) and ev.classes == ("opinionated", "wire")
    assert ev.summary.columns.tolist() == list(SUMMARY_COLUMNS)
    assert ev.per_class.columns.tolist() == list(PER_CLASS_COLUMNS)
    assert ev.confusion.columns.tolist() == list(CONFUSION_COLUMNS) and ev.confusion["count"].sum() == 75
    assert ev.predictions.columns.tolist() == list(PREDICTION_COLUMNS) and len(ev.predictions) == 75
    for fold in range(3):  # whole stories are held out
        test_stories = set(ev.predictions.loc[ev.predictions["fold"] == fold, "group"])
        train_stories = set(ev.predictions.loc[ev.predictions["fold"] != fold, "group"])
        assert not test_stories & train_stories
    again = evaluate_frame(frame, label="outlet_group", model="logreg", cv="group", groups="story_id", n_splits=3,
                           C=[1.0], lexicon=tiny_lexicon, random_state=3)
    for name in ("summary", "per_class", "confusion", "predictions", "probabilities", "reliability", "folds"):
        pd.testing.assert_frame_equal(getattr(ev, name), getattr(again, name))
    strat = evaluate_frame(frame, label="outlet_group", model="baseline", cv="stratified", n_splits=3, lexicon=None)
    assert strat.predictions["group"].isna().all() and strat.value("accuracy") > 0.5


def test_evaluate_frame_errors(data):
    assert MODEL_KINDS == ("logreg", "svm", "baseline") and CV_SCHEMES == ("stratified", "group")
    with pytest.raises(ValueError, match="model: expected one of 'logreg', 'svm', 'baseline', got 'tree'"):
        evaluate_frame(data, label="label", model="tree")
    with pytest.raises(ValueError, match="cv: expected one of 'stratified', 'group', got 'random'"):
        evaluate_frame(data, label="label", cv="random")
    with pytest.raises(ValueError, match="groups must name a column when cv='group', got ''"):
        evaluate_frame(data, label="label", cv="group", groups="")
    with pytest.raises(TypeError, match="C must be a list of positive numbers, got float"):
        evaluate_frame(data, label="label", C=1.0)
    with pytest.raises(ValueError, match="C: expected a non-empty list of positive numbers, got an empty list"):
        evaluate_frame(data, label="label", C=[])
    with pytest.raises(ValueError, match="C: expected a finite number > 0, got -1"):
        evaluate_frame(data, label="label", C=[-1])
    with pytest.raises(ValueError, match="random_state: expected an integer >= 0, got -1"):
        evaluate_frame(data, label="label", random_state=-1)
    with pytest.raises(TypeError, match="random_state: expected an integer >= 0, got None"):
        evaluate_frame(data, label="label", random_state=None)
    with pytest.raises(ValueError, match="corpus has no column 'desk'"):
        evaluate_frame(data, label="label", cv="group", groups="desk")
    with pytest.raises(ValueError, match="groups='outlet' has 4 distinct values, fewer than n_splits=5"):
        evaluate_frame(data, label="label", cv="group", lexicon=None)
    with pytest.raises(ValueError, match=r"label column 'outlet' has a single class \['A'\]"):
        evaluate_frame(data.assign(outlet="A"), label="outlet")
    with pytest.raises(TypeError, match="cues: expected None, a Lexicon, a Matcher, a bundled lexicon name or a file path, got int"):
        evaluate_frame(data, label="label", lexicon=3, n_splits=2)
    with pytest.raises(TypeError, match="model must be a FrameClassifier, got str"):
        cross_validate(data, "label", model="logreg")
    with pytest.raises(ValueError, match=r"confidence: expected a finite number in \(0, 1\), got 1.5"):
        cross_validate(data, "label", model=FrameClassifier(cues=None, char_ngrams=None), n_splits=2, confidence=1.5)


def _rewrite_manifest(path, tmp_path, change):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(bytes(arrays["manifest"]))
    change(meta, arrays)
    arrays["manifest"] = classify_io._text_array(meta)
    arrays["manifest.sha256"] = classify_io._text_array(classify_io._sha(arrays["manifest"]))
    out = tmp_path / "edited.npz"
    np.savez(out, **arrays)
    return out


def test_hand_edited_manifests_fail_cleanly(tmp_path, data):
    model = FrameClassifier(cues=None, char_ngrams=None).fit(data["text"], data["label"])
    path = save_model(model, tmp_path / "m.npz")
    cases = [
        (lambda m, a: m.pop("classes"), r"the manifest has no 'classes' key"),
        (lambda m, a: m.update(n_parts="1"), r"manifest key 'n_parts' has a str value"),
        (lambda m, a: m.update(extra=1), r"unknown manifest key\(s\) 'extra'"),
        (lambda m, a: m["params"].pop("kind"), r"manifest params .* differ from the expected"),
        (lambda m, a: m["params"].update(kind="tree"), r"unknown model kind 'tree'"),
        (lambda m, a: m.update(n_parts=2), r"array 'model.1.coef' needed by the model's parameters is missing"),
    ]
    for change, message in cases:
        with pytest.raises(ModelFileError, match=message):
            load_model(_rewrite_manifest(path, tmp_path, change))
    assert np.allclose(load_model(path).predict_proba(data["text"]), model.predict_proba(data["text"]))


def test_cluster_bootstrap_over_groups():
    from framing.classify.evaluate import metrics_table

    y = np.array(["a", "b"] * 20, dtype=object)
    pred = y.copy()
    pred[:10] = np.where(y[:10] == "a", "b", "a")  # cluster 0 is all wrong, the others all right
    proba = np.column_stack([(pred == "a").astype(float), (pred == "b").astype(float)])
    clusters = np.repeat(["g0", "g1", "g2", "g3"], 10)
    docs = metrics_table(y, pred, proba, ["a", "b"], random_state=0).set_index("metric")
    grouped = metrics_table(y, pred, proba, ["a", "b"], clusters=clusters, random_state=0).set_index("metric")
    assert docs.loc["accuracy", "value"] == grouped.loc["accuracy", "value"] == 0.75
    # four clusters: the accuracy of a replicate is a multiple of 1/4, and the interval is wider
    width = lambda t: t.loc["accuracy", "ci_high"] - t.loc["accuracy", "ci_low"]
    assert width(grouped) > width(docs)
    assert grouped.equals(metrics_table(y, pred, proba, ["a", "b"], clusters=clusters, random_state=0)
                          .set_index("metric"))
    with pytest.raises(ValueError, match=r"clusters: expected one value per document \(40\), got 3"):
        metrics_table(y, pred, proba, ["a", "b"], clusters=["x", "y", "z"])


def test_grouped_cross_validation_resamples_groups(data):
    from framing.classify.evaluate import metrics_table

    model = FrameClassifier(char_ngrams=None, cues=None)
    frame = data.assign(desk=[f"k{(i // 2) % 4}" for i in range(len(data))])  # both labels in every desk
    ev = cross_validate(frame, "label", model=model, groups="desk", n_splits=2, random_state=0)
    p = ev.predictions
    proba = ev.probabilities.pivot(index="doc_id", columns="class", values="probability").loc[p["doc_id"]]
    expected = metrics_table(p["true"], p["predicted"], proba.to_numpy(), list(ev.classes), clusters=p["group"],
                             random_state=0)
    pd.testing.assert_frame_equal(ev.summary, expected)


def test_predefined_folds(data):
    frame = data.assign(fold=[("x", "y", "z")[i % 3] for i in range(len(data))])
    ev = cross_validate(frame, "label", model=FrameClassifier(char_ngrams=None, cues=None), folds="fold")
    assert len(ev.folds) == 3 and ev.predictions["fold"].tolist() == [i % 3 for i in range(len(data))]
    with pytest.raises(ValueError, match="folds and groups cannot be combined"):
        cross_validate(frame, "label", folds="fold", groups="outlet")
    with pytest.raises(ValueError, match="folds: column 'one' has 1 distinct value"):
        cross_validate(frame.assign(one=1), "label", folds="one")
    with pytest.raises(ValueError, match=r"folds: column 'fold' is missing in row 0"):
        cross_validate(frame.assign(fold=[None] + frame["fold"].tolist()[1:]), "label", folds="fold")


def test_evaluation_reprs_are_short_and_html_is_escaped(data):
    from framing.classify.multilabel import MultiLabelEvaluation

    ev = cross_validate(data, "label", model=FrameClassifier(cues=None, char_ngrams=None), n_splits=4, n_resamples=20)
    text = repr(ev)
    assert text.startswith("Evaluation(classes ['biased', 'neutral'], 40 documents, 4 folds, macro_f1 ")
    assert "\n" not in text
    page = ev._repr_html_()
    assert "<script" not in page and "macro_f1" in page and "<table>" in page
    ml = MultiLabelEvaluation(frames=("CO", "<EC>"), predictions=pd.DataFrame({"doc_id": ["a", "a", "b"]}),
                              summary=pd.DataFrame({"frame": ["CO"], "metric": ["f1"], "value": [0.5]}),
                              thresholds=pd.DataFrame(), reliability=pd.DataFrame())
    assert repr(ml) == "MultiLabelEvaluation(frames ['CO', '<EC>'], 2 documents)"
    assert "&lt;EC&gt;" in ml._repr_html_() and "<EC>" not in ml._repr_html_()
