from __future__ import annotations


import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline

from framing.classify.model import (
    CONTRIBUTION_COLUMNS,
    DOCUMENT_COLUMNS,
    GROUP_COLUMNS,
    SENTENCE_COLUMNS,
    SPAN_COLUMNS,
    TOP_FEATURE_COLUMNS,
    ColumnSelector,
    FrameClassifier,
    MarkedWordScorer,
    classify_sentences,
    document_shares,
    explain,
    group_shares,
    make_features,
    make_pipeline,
    top_features,
)
from framing.classify.evaluate import (
    CONFUSION_COLUMNS,
    FOLD_COLUMNS,
    PER_CLASS_COLUMNS,
    PREDICTION_COLUMNS,
    RELIABILITY_COLUMNS,
    SUMMARY_COLUMNS,
    cross_validate,
    metrics_table,
    reliability_table,
)
from framing.classify.persist import ModelFileError, data_sha256, load_model, save_model

LOADED = ["sham", "disgraceful", "radical", "outrageous", "reckless"]
NEUTRAL = ["said", "reported", "announced", "stated", "noted"]
TOPICS = ["budget", "vote", "council", "plan", "bill", "school"]


def corpus(n: int = 40) -> pd.DataFrame:
    rows = []
    for i in range(n):
        biased = i % 2 == 0
        word = (LOADED if biased else NEUTRAL)[i % 5]
        topic = TOPICS[i % 6]
        text = f"The {topic} {word} on Monday. Officials {NEUTRAL[(i + 1) % 5]} the {topic} plan."
        if biased:
            text = f"It was a {word} {topic}, a {LOADED[(i + 2) % 5]} move. The {topic} passed."
        rows.append({"doc_id": f"d{i:02d}", "outlet": "ABCD"[i % 4], "text": text, "story_id": f"s{i % 8}",
                     "label": "biased" if biased else "neutral", "marked": [word] if biased else [],
                     "topic": topic})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def data():
    return corpus()


@pytest.fixture(scope="module")
def fitted(data, request):
    from framing.lexicon.model import Category, Lexicon

    lex = Lexicon.build("tiny", [Category("loaded", "loaded words"), Category("hedge", "hedges")],
                        [("sham", "loaded", 1.0, None), ("disgraceful", "loaded", 1.0, None),
                         ("reportedly", "hedge", 1.0, None)])
    model = FrameClassifier(cues=lex, char_ngrams=(3, 4), marked=True)
    return model.fit(data["text"], data["label"], marked_words=data["marked"])


def test_pipeline_factories(data):
    pipe = make_pipeline("logreg", cues=None)
    assert isinstance(pipe, Pipeline) and [n for n, _ in pipe.steps] == ["features", "model"]
    frame = data[["text"]]
    pipe.fit(frame, data["label"])
    assert set(pipe.predict(frame)) <= {"biased", "neutral"}
    union = make_features(word_ngrams=(1, 1), char_ngrams=None, cues=None, marked=True)
    assert [n for n, _ in union.transformer_list] == ["word", "marked"]
    base = make_pipeline("baseline")
    assert [n for n, _ in base.named_steps["features"].transformer_list] == ["word"]
    with pytest.raises(ValueError, match="kind: expected one of 'logreg', 'svm', 'baseline', got 'tree'"):
        make_pipeline("tree")
    with pytest.raises(ValueError, match="no features: give word_ngrams, char_ngrams, cues, marked=True or embeddings"):
        make_features(word_ngrams=None, char_ngrams=None, cues=None)
    with pytest.raises(ValueError, match=r"word_ngrams: expected None or a pair \(min_n, max_n\) of integers with "
                                         r"1 <= min_n <= max_n, got \(2, 1\)"):
        make_features(word_ngrams=(2, 1))
    with pytest.raises(TypeError, match=r"word_ngrams: expected None or a pair \(min_n, max_n\).*, got 2"):
        make_features(word_ngrams=2)
    with pytest.raises(ValueError, match="char_ngrams: expected an integer >= 1, got 0"):
        make_features(char_ngrams=(0, 2))
    with pytest.raises(ValueError, match="min_df: expected an integer >= 1, got 0"):
        make_features(min_df=0)
    with pytest.raises(ValueError, match="cue_weight: expected a finite number > 0, got 0"):
        make_features(cue_weight=0)
    with pytest.raises(TypeError, match="cues: expected None, a Lexicon, a Matcher, a bundled lexicon name or a file "
                                        "path, got int"):
        make_features(cues=3)
    with pytest.raises(ValueError, match="C: expected a finite number > 0, got -1"):
        make_pipeline("logreg", C=-1)
    with pytest.raises(TypeError, match="C: expected a finite number > 0, got 'big'"):
        make_pipeline("logreg", C="big")
    with pytest.raises(ValueError, match="expected a DataFrame with a 'text' column"):
        ColumnSelector().transform(["a"])


def test_frame_classifier_binary(data, fitted):
    assert fitted.classes_.tolist() == ["biased", "neutral"] and not fitted.multilabel_
    pred = fitted.predict(data["text"])
    assert (pred == data["label"].to_numpy()).mean() == 1.0
    proba = fitted.predict_proba(data["text"].tolist())
    assert proba.shape == (40, 2) and np.allclose(proba.sum(axis=1), 1)
    names = fitted.get_feature_names_out()
    assert {n.split("__")[0] for n in names} == {"word", "char", "cues", "marked"}
    assert "cues__loaded" in names and "marked__max" in names
    coef, intercept = fitted.linear_model()
    assert coef.shape == (1, len(names)) and intercept.shape == (1,)
    # the decision function is intercept + coef . x
    x = fitted.transform_features(data["text"][:3])
    lr = fitted.pipeline_.named_steps["model"]
    assert np.allclose(lr.decision_function(x), x @ coef[0] + intercept[0])
    # clone and get_params: scikit-learn conventions
    assert clone(fitted).get_params()["marked"] is True and not hasattr(clone(fitted), "pipeline_")
    svm = FrameClassifier(kind="svm", cues=None, char_ngrams=None).fit(data["text"], data["label"])
    assert svm.predict_proba(data["text"]).shape == (40, 2) and svm.linear_model()[0].shape[0] == 1


def test_c_selection_is_inner(data):
    model = FrameClassifier(C=[0.1, 10.0], cues=None, char_ngrams=None).fit(data["text"], data["label"])
    assert model.C_ in (0.1, 10.0)
    assert model.c_scores_.columns.tolist() == ["C", "macro_f1"] and len(model.c_scores_) == 2


def test_multiclass_and_multilabel(data):
    multi = FrameClassifier(cues=None, char_ngrams=None).fit(data["text"], data["topic"])
    assert multi.predict_proba(data["text"]).shape == (40, 6)
    assert multi.linear_model()[0].shape[0] == 6
    tf = top_features(multi, n=2)
    assert tf.columns.tolist() == list(TOP_FEATURE_COLUMNS) and len(tf) == 12
    ys = [[lab] + (["monday"] if "Monday" in t else []) for lab, t in zip(data["label"], data["text"])]
    ml = FrameClassifier(cues=None, char_ngrams=None).fit(data["text"], ys)
    assert ml.multilabel_ and ml.classes_.tolist() == ["biased", "monday", "neutral"]
    assert ml.predict(data["text"]).shape == (40, 3)
    assert ml.predict_labels(data["text"][:2]) == [("biased",), ("monday", "neutral")]
    ex = explain(ml, data["text"][1], target="monday")
    assert ex.target == "monday"
    with pytest.raises(ValueError, match=r"target= is required for a multi-label model; classes: \['biased'"):
        explain(ml, data["text"][1])
    with pytest.raises(ValueError, match="sentence shares need a binary or multi-class model; this model is multi-label"):
        classify_sentences(ml, data)


def test_fit_errors(data):
    texts = data["text"].tolist()
    with pytest.raises(ValueError, match="X has 40 texts but y has 2 labels"):
        FrameClassifier().fit(texts, ["a", "b"])
    with pytest.raises(ValueError, match=r"y has a single class \['a'\]; a classifier needs at least two"):
        FrameClassifier().fit(texts, ["a"] * 40)
    with pytest.raises(ValueError, match="y mixes label lists and single labels"):
        FrameClassifier().fit(texts[:2], [["a"], "b"])
    with pytest.raises(ValueError, match="multi-label y has no labels at all"):
        FrameClassifier().fit(texts[:2], [[], []])
    with pytest.raises(ValueError, match=r"multi-label y: label\(s\) 'a' are given for every text"):
        FrameClassifier().fit(texts[:2], [["a"], ["a", "b"]])
    with pytest.raises(ValueError, match=r"y\[1\] is missing; drop unlabelled texts before fitting"):
        FrameClassifier().fit(texts[:3], ["a", None, "b"])
    with pytest.raises(TypeError, match="y mixes label types that cannot be sorted"):
        FrameClassifier().fit(texts[:3], ["a", 1, "b"])
    with pytest.raises(TypeError, match="X must be an iterable of strings"):
        FrameClassifier().fit("text", ["a"])
    with pytest.raises(TypeError, match=r"X\[1\] must be a string, got float"):
        FrameClassifier().fit(["a", np.nan], ["a", "b"])
    with pytest.raises(ValueError, match="X is a DataFrame without a 'text' column; columns: body"):
        FrameClassifier().fit(pd.DataFrame({"body": ["a", "b"]}), ["a", "b"])
    with pytest.raises(ValueError, match="kind: expected one of 'logreg', 'svm', 'baseline', got 'x'"):
        FrameClassifier(kind="x").fit(texts, data["label"])
    with pytest.raises(ValueError, match="C must be a positive number or a non-empty sequence of them"):
        FrameClassifier(C=[]).fit(texts, data["label"])
    with pytest.raises(ValueError, match="C: expected a finite number > 0, got 0"):
        FrameClassifier(C=0).fit(texts, data["label"])
    with pytest.raises(ValueError, match="inner_cv: expected an integer >= 2, got 1"):
        FrameClassifier(inner_cv=1).fit(texts, data["label"])
    with pytest.raises(ValueError, match=r"marked=True needs marked_words= \(one list of annotated words per text\)"):
        FrameClassifier(marked=True).fit(texts, data["label"])
    with pytest.raises(ValueError, match="marked_words has 1 entries for 40 texts"):
        FrameClassifier(marked=True).fit(texts, data["label"], marked_words=[[]])
    with pytest.raises(NotFittedError, match="FrameClassifier is not fitted yet"):
        FrameClassifier().predict(["a"])


def test_marked_word_scorer():
    X = pd.DataFrame({"text": ["a sham deal", "a fair deal", "sham again", "fair again", "a deal"],
                      "marked_words": [["sham"], [], ["Sham"], [], []]})
    scorer = MarkedWordScorer(n_splits=2)
    cross = scorer.fit_transform(X).toarray()
    full = scorer.transform(X).toarray()
    assert scorer.vocabulary_.tolist() == ["a", "again", "deal", "fair", "sham"]
    assert scorer.marked_.tolist() == [0, 0, 0, 0, 2] and scorer.seen_.tolist() == [3, 2, 3, 2, 2]
    assert full[0, 0] == pytest.approx((2 + 0.02) / 3)  # sham: marked 2 of 2, smoothed
    assert cross[0, 0] < full[0, 0]  # cross-fitted: a row never sees its own annotation
    assert scorer.get_feature_names_out().tolist() == ["max", "sum", "top2", "count"]
    with pytest.raises(ValueError, match="MarkedWordScorer needs a DataFrame with 'text' and 'marked_words' columns"):
        MarkedWordScorer().fit(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(ValueError, match=r"MarkedWordScorer cross-fits over n_splits=5 folds and needs at least"):
        MarkedWordScorer().fit_transform(X.iloc[:3])
    with pytest.raises(TypeError, match=r"marked_words\[0\] must be a list of strings, got str"):
        MarkedWordScorer().fit(pd.DataFrame({"text": ["a"], "marked_words": ["sham"]}))
    with pytest.raises(ValueError, match="prior: expected a finite number >= 0, got -1"):
        MarkedWordScorer(prior=-1).fit(X)
    with pytest.raises(ValueError, match="strength: expected a finite number > 0, got 0"):
        MarkedWordScorer(strength=0).fit(X)
    with pytest.raises(ValueError, match="n_splits: expected an integer >= 2, got 1"):
        MarkedWordScorer(n_splits=1).fit(X)
    with pytest.raises(ValueError, match="vocabulary, seen and marked: expected equal lengths, got 1, 0 and 0"):
        MarkedWordScorer().restore(["a"], [], [])
    with pytest.raises(NotFittedError, match="MarkedWordScorer is not fitted yet"):
        MarkedWordScorer().transform(X)
    with pytest.raises(NotFittedError, match="MarkedWordScorer is not fitted yet"):
        MarkedWordScorer().word_scores(["a"])


def test_sentences_documents_groups(data, fitted):
    docs = data.iloc[:8].copy()
    docs["text"] = docs["text"] + " Another plain sentence here."
    sent = classify_sentences(fitted, docs)
    assert sent.columns.tolist() == list(SENTENCE_COLUMNS)
    assert (sent.groupby("doc_id").size() == 3).all()
    first = sent.iloc[0]
    assert docs["text"].iloc[0][first["start"]:first["end"]] == first["text"]
    assert sent["positive"].tolist() == (sent["label"] == "neutral").tolist()
    per_doc = document_shares(sent)
    assert per_doc.columns.tolist() == list(DOCUMENT_COLUMNS) and per_doc["n_sentences"].tolist() == [3] * 8
    groups = group_shares(sent, n_resamples=200, random_state=1)
    assert groups.columns.tolist() == list(GROUP_COLUMNS) and groups["group"].tolist() == ["A", "B", "C", "D"]
    assert ((groups["ci_low"] <= groups["share"]) & (groups["share"] <= groups["ci_high"])).all()
    assert group_shares(sent, n_resamples=200, random_state=1).equals(groups)  # deterministic
    by_story = group_shares(sent, by="story_id", corpus=docs, n_resamples=50)
    assert by_story["by"].iloc[0] == "story_id" and by_story["n_docs"].sum() == 8
    biased = classify_sentences(fitted, docs, positive="biased")
    assert biased["score"].to_numpy() == pytest.approx(1 - sent["score"].to_numpy())
    with pytest.raises(ValueError, match=r"positive='x' is not a class of the model; classes: \['biased', 'neutral'\]"):
        classify_sentences(fitted, docs, positive="x")
    with pytest.raises(ValueError, match="by='story_id' is not 'outlet': pass corpus= with a 'story_id' column"):
        group_shares(sent, by="story_id")
    with pytest.raises(ValueError, match="by='nope' is not a column of the corpus"):
        group_shares(sent, by="nope", corpus=docs)
    with pytest.raises(ValueError, match=r"confidence: expected a finite number in \(0, 1\), got 95"):
        group_shares(sent, confidence=95)
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        group_shares(sent, n_resamples=0)
    with pytest.raises(ValueError, match=r"sentences is missing column\(s\) score, positive"):
        document_shares(sent[["doc_id", "outlet"]])
    with pytest.raises(ValueError, match=r"corpus has no column\(s\) outlet"):
        classify_sentences(fitted, docs[["doc_id", "text"]])
    with pytest.raises(TypeError, match="corpus must be a DataFrame or a framing Corpus, got list"):
        classify_sentences(fitted, ["a"])
    multi = FrameClassifier(cues=None, char_ngrams=None).fit(data["text"], data["topic"])
    with pytest.raises(ValueError, match="positive= is required for a multi-class model"):
        classify_sentences(multi, docs)


def test_explain(data, fitted):
    text = "It was a sham budget, a disgraceful move."
    ex = explain(fitted, text, n=30)
    assert ex.target == "neutral" and ex.label == "biased"
    assert ex.contributions.columns.tolist() == list(CONTRIBUTION_COLUMNS)
    x = fitted.transform_features([text])
    assert len(ex.contributions) == x.nnz
    lr = fitted.pipeline_.named_steps["model"]
    assert ex.intercept + ex.contributions["contribution"].sum() == pytest.approx(lr.decision_function(x)[0])
    assert ex.spans.columns.tolist() == list(SPAN_COLUMNS)
    assert all(text[s:e] == m for s, e, m in zip(ex.spans["start"], ex.spans["end"], ex.spans["matched_text"]))
    kinds = set(ex.spans["kind"])
    assert {"word", "cues", "marked"} <= kinds
    assert ex.categories["category"].tolist() == ["loaded"] and ex.categories["count"].tolist() == [2]
    towards_biased = explain(fitted, text, target="biased")
    assert towards_biased.intercept == pytest.approx(-ex.intercept)
    top = top_features(fitted, n=3)
    assert top["class"].tolist() == ["neutral"] * 3 + ["biased"] * 3
    assert (top[top["class"] == "biased"]["coefficient"] < 0).all()
    with pytest.raises(TypeError, match="text must be a string, got int"):
        explain(fitted, 3)
    with pytest.raises(ValueError, match=r"target='x' is not a class of the model"):
        explain(fitted, text, target="x")
    with pytest.raises(ValueError, match="n: expected an integer >= 1, got 0"):
        top_features(fitted, n=0)
    with pytest.raises(ValueError, match="n: expected an integer >= 1, got 0"):
        explain(fitted, text, n=0)


def test_cross_validate(data):
    model = FrameClassifier(cues=None, char_ngrams=None)
    ev = cross_validate(data, "label", model=model, n_splits=4, n_resamples=100)
    assert ev.predictions.columns.tolist() == list(PREDICTION_COLUMNS)
    assert ev.summary.columns.tolist() == list(SUMMARY_COLUMNS)
    assert ev.summary["metric"].tolist() == ["macro_f1", "accuracy", "brier"]
    assert ev.per_class.columns.tolist() == list(PER_CLASS_COLUMNS) and ev.per_class["support"].tolist() == [20, 20]
    assert ev.confusion.columns.tolist() == list(CONFUSION_COLUMNS) and ev.confusion["count"].sum() == 40
    assert ev.reliability.columns.tolist() == list(RELIABILITY_COLUMNS) and ev.reliability["count"].sum() == 40
    assert ev.folds.columns.tolist() == list(FOLD_COLUMNS) and ev.folds["n_test"].sum() == 40
    assert ev.value("macro_f1") > 0.9
    again = cross_validate(data, "label", model=model, n_splits=4, n_resamples=100)
    assert again.summary.equals(ev.summary)  # fixed seeds
    grouped = cross_validate(data, "label", model=model, groups="outlet", n_splits=4, n_resamples=50)
    for fold in range(4):
        assert grouped.predictions[grouped.predictions["fold"] == fold]["group"].nunique() == 1
    marked = cross_validate(data, "label", model=FrameClassifier(cues=None, char_ngrams=None, marked=True),
                            n_splits=2, marked="marked", n_resamples=20)
    assert len(marked.predictions) == 40
    multi = cross_validate(data, "topic", model=model, n_splits=2, n_resamples=20)
    assert len(multi.reliability["class"].unique()) <= 6 and multi.probabilities.shape == (240, 3)
    with pytest.raises(ValueError, match="unknown metric 'auc'; metrics: macro_f1, accuracy, brier"):
        ev.value("auc")
    with pytest.raises(ValueError, match="corpus has no column 'nope'"):
        cross_validate(data, "nope")
    with pytest.raises(ValueError, match="groups='outlet' has 4 distinct values, fewer than n_splits=5"):
        cross_validate(data, "label", groups="outlet")
    with pytest.raises(ValueError, match="class 'biased' has 3 example\\(s\\), fewer than n_splits=5"):
        cross_validate(data.iloc[:6], "label")
    bad = data.assign(label=[None] + data["label"].tolist()[1:])
    with pytest.raises(ValueError, match=r"label column 'label' is missing in 1 row\(s\) \(first: row 0, doc_id 'd00'\)"):
        cross_validate(bad, "label")
    with pytest.raises(ValueError, match="label column 'marked' holds label lists"):
        cross_validate(data, "marked")
    with pytest.raises(TypeError, match="corpus must be a DataFrame or a framing Corpus, got list"):
        cross_validate([], "label")
    with pytest.raises(ValueError, match="n_splits: expected an integer >= 2, got 1"):
        cross_validate(data, "label", n_splits=1)


def test_metrics_and_reliability_plot():
    y = ["a", "b", "b", "a"]
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
    table = metrics_table(y, ["a", "b", "a", "a"], proba, ["a", "b"], n_resamples=50)
    brier = table.set_index("metric").loc["brier", "value"]
    from sklearn.metrics import f1_score

    assert table["value"].iloc[0] == pytest.approx(f1_score(y, ["a", "b", "a", "a"], average="macro"))
    with pytest.raises(ValueError, match=r"label 'c' is not among the classes \['a', 'b'\]"):
        metrics_table(y, ["a", "b", "c", "a"], proba, ["a", "b"])
    assert brier == pytest.approx(np.mean([0.01, 0.04, 0.36, 0.09]))
    rel = reliability_table(y, proba, ["a", "b"], n_bins=2)
    assert rel["count"].sum() == 4 and set(rel["class"]) == {"b"}
    with pytest.raises(ValueError, match=r"y_true \(4\), y_pred \(1\) and proba \(4, 2\) do not match 2 classes"):
        metrics_table(y, ["a"], proba, ["a", "b"])
    with pytest.raises(ValueError, match="n_bins: expected an integer >= 1, got 0"):
        reliability_table(y, proba, ["a", "b"], n_bins=0)
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        metrics_table(y, y, proba, ["a", "b"], n_resamples=0)


def test_save_and_load(tmp_path, data, fitted):
    path = save_model(fitted, tmp_path / "model", data_hash=data_sha256(data["text"], data["label"]))
    assert path.name == "model.npz"
    loaded = load_model(path)
    assert np.array_equal(loaded.predict_proba(data["text"]), fitted.predict_proba(data["text"]))
    assert loaded.get_feature_names_out().tolist() == fitted.get_feature_names_out().tolist()
    assert explain(loaded, data["text"][0]).contributions.equals(explain(fitted, data["text"][0]).contributions)
    for kind in ("svm", "baseline"):
        m = FrameClassifier(kind=kind, cues=None, char_ngrams=None).fit(data["text"], data["topic"])
        again = load_model(save_model(m, tmp_path / f"{kind}.npz"))
        assert np.allclose(again.predict_proba(data["text"]), m.predict_proba(data["text"]))
    ys = [[lab, "x"] if i % 3 else [lab] for i, lab in enumerate(data["label"])]
    ml = FrameClassifier(kind="svm", cues=None, char_ngrams=None).fit(data["text"], ys)
    again = load_model(save_model(ml, tmp_path / "ml.npz"))
    assert np.allclose(again.predict_proba(data["text"]), ml.predict_proba(data["text"]))
    assert data_sha256(["a"], [["y", "x"]]) == data_sha256(["a"], [["x", "y"]])


def _rewrite(path, tmp_path, change):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    change(arrays)
    out = tmp_path / "tampered.npz"
    np.savez(out, **arrays)
    return out


def test_tampered_model_files(tmp_path, data, fitted):
    path = save_model(fitted, tmp_path / "m.npz")

    def coef(arrays):
        arrays["model.0.coef"] = arrays["model.0.coef"] * 2

    with pytest.raises(ModelFileError, match=r"array 'model\.0\.coef' does not match its SHA-256 in the manifest"):
        load_model(_rewrite(path, tmp_path, coef))

    def manifest(arrays):
        arrays["manifest"] = np.frombuffer(bytes(arrays["manifest"]).replace(b'"C_": 1.0', b'"C_": 9.0'), dtype=np.uint8)

    with pytest.raises(ModelFileError, match="the manifest does not match its SHA-256; the file was modified"):
        load_model(_rewrite(path, tmp_path, manifest))
    with pytest.raises(ModelFileError, match=r"array 'word\.idf' listed in the manifest is missing"):
        load_model(_rewrite(path, tmp_path, lambda a: a.pop("word.idf")))
    with pytest.raises(ModelFileError, match=r"member 'extra\.npy' is not part of a framing model file"):
        load_model(_rewrite(path, tmp_path, lambda a: a.update(extra=np.zeros(1))))
    with pytest.raises(ModelFileError, match=r"no 'manifest' array; not a model written by"):
        load_model(_rewrite(path, tmp_path, lambda a: a.pop("manifest")))
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, manifest=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ModelFileError, match=r"array 'manifest' holds Python objects \(pickled data\), which framing never"):
        load_model(pickled)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelFileError, match="not a framing model file"):
        load_model(broken)
    with pytest.raises(FileNotFoundError, match="model file .* does not exist"):
        load_model(tmp_path / "nope.npz")

    import json

    from framing.classify import persist as classify_io

    def fake(version=None, fmt=None):
        def change(arrays):
            meta = json.loads(bytes(arrays["manifest"]))
            if version:
                meta["sklearn_version"] = version
            if fmt:
                meta["format"] = fmt
            arrays["manifest"] = classify_io._text_array(meta)
            arrays["manifest.sha256"] = classify_io._text_array(classify_io._sha(arrays["manifest"]))
        return change

    with pytest.raises(ModelFileError, match=r"saved with scikit-learn 0\.1\.0, this is .*; retrain the model"):
        load_model(_rewrite(path, tmp_path, fake(version="0.1.0")))
    with pytest.raises(ModelFileError, match=r"format 'other/9'; this framing reads 'framing-classifier/1'"):
        load_model(_rewrite(path, tmp_path, fake(fmt="other/9")))
    with pytest.raises(TypeError, match="model must be a FrameClassifier, got str"):
        save_model("x", tmp_path / "x.npz")
    with pytest.raises(ValueError, match="model is not fitted; call fit before save_model"):
        save_model(FrameClassifier(), tmp_path / "x.npz")
