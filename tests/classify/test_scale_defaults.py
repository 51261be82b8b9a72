"""Issue 12 (training at corpus scale): sublinear cue counts, the Newton-CG
solver, and one set of feature defaults shared by FrameClassifier, the
command line and the [[classifiers]] keys."""

from __future__ import annotations

import numpy as np
import pytest

from framing.classify.model import LOGREG_SOLVER, FrameClassifier, make_features
from framing.classify.vectorize import CueVectorizer
from framing.vocab import DEFAULTS

from tests.classify.test_model import corpus


def test_sublinear_cue_counts():
    texts = ["nothing here", "a slammed b", "slammed slammed slammed slammed"]
    raw = CueVectorizer().fit(texts).transform(texts).toarray()
    sub = CueVectorizer(sublinear=True).fit(texts).transform(texts).toarray()
    assert raw.max() >= 2  # the fixture has a repeated cue
    expected = np.where(raw > 0, 1.0 + np.log(np.where(raw > 0, raw, 1.0)), 0.0)
    np.testing.assert_allclose(sub, expected)
    assert (sub[raw == 1] == 1).all() and (sub[raw == 0] == 0).all()


def test_sublinear_refuses_rates_and_non_booleans():
    with pytest.raises(ValueError, match=r"sublinear: applies to counts only \(normalize=None\), got "
                                         r"normalize='per_token'"):
        CueVectorizer(sublinear=True, normalize="per_token").fit(["a"])
    with pytest.raises(TypeError, match="sublinear: expected True or False, got"):
        CueVectorizer(sublinear="yes").fit(["a"])
    with pytest.raises(TypeError, match="cue_sublinear: expected True or False, got"):
        make_features(cue_sublinear=1)


def test_default_model_uses_sublinear_cues_and_newton_cg():
    frame = corpus(24)
    model = FrameClassifier(char_ngrams=None).fit(frame["text"], frame["label"])
    union = model.pipeline_.named_steps["features"]
    assert dict(union.transformer_list)["cues"].steps[-1][1].sublinear is True
    assert model.pipeline_.named_steps["model"].solver == LOGREG_SOLVER == "newton-cg"
    raw = FrameClassifier(char_ngrams=None, cue_sublinear=False).fit(frame["text"], frame["label"])
    assert dict(raw.pipeline_.named_steps["features"].transformer_list)["cues"].steps[-1][1].sublinear is False


def test_feature_defaults_come_from_vocab():
    model = FrameClassifier()
    assert model.word_ngrams == (1, DEFAULTS["ngram_max"])
    assert model.min_df == DEFAULTS["min_df"] == "auto"
    assert model.max_features is DEFAULTS["max_features"] is None
    assert model.kind == DEFAULTS["model"]


def test_saved_models_keep_their_cue_scaling(tmp_path, monkeypatch):
    import framing.classify.persist as persist

    frame = corpus(24)
    for sublinear in (True, False):
        model = FrameClassifier(char_ngrams=None, cue_sublinear=sublinear).fit(frame["text"], frame["label"])
        loaded = persist.load_model(persist.save_model(model, tmp_path / f"m{sublinear}.npz"))
        assert loaded.cue_sublinear is sublinear
        np.testing.assert_allclose(loaded.predict_proba(frame["text"]), model.predict_proba(frame["text"]))
    # a file written before cue_sublinear existed holds a model fitted on raw counts
    raw = FrameClassifier(char_ngrams=None, cue_sublinear=False).fit(frame["text"], frame["label"])
    monkeypatch.setattr(persist, "_PARAMS", tuple(p for p in persist._PARAMS if p != "cue_sublinear"))
    path = persist.save_model(raw, tmp_path / "old.npz")
    monkeypatch.undo()
    loaded = persist.load_model(path)
    assert loaded.cue_sublinear is False
    np.testing.assert_allclose(loaded.predict_proba(frame["text"]), raw.predict_proba(frame["text"]))


def test_default_solver_tolerance_is_the_adopted_one():
    """1e-3 was adopted on evidence (LOGREG_TOL's comment): the fitted model carries it."""
    from framing.classify.model import LOGREG_TOL

    frame = corpus(24)
    model = FrameClassifier(char_ngrams=None).fit(frame["text"], frame["label"])
    assert LOGREG_TOL == 1e-3 and model.pipeline_.named_steps["model"].tol == 1e-3
