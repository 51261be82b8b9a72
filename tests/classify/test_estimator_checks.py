"""scikit-learn's estimator checks on CueVectorizer and FrameClassifier.

Both take texts and declare it as scikit-learn's own text vectorizers do
(``input_tags.string=True``, ``input_tags.two_d_array=False``).  For such
estimators scikit-learn 1.9's ``parametrize_with_checks`` runs only
``check_estimator_cloneable`` (the other checks feed numeric 2-D arrays and
are skipped for text estimators; ``TfidfVectorizer`` even skips every check
through ``_skip_test``), so no check is listed in ``expected_failed_checks``.
The API checks that do not need numeric input are run one by one below,
and the properties the numeric checks would test (``n_features_in_``,
targets with one class, NaN or continuous values, integer labels,
unfitted errors, pandas output) are tested with texts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
import sklearn.utils.estimator_checks as checks
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from framing.classify import CueVectorizer, FrameClassifier

ESTIMATORS = [CueVectorizer(), FrameClassifier(char_ngrams=None)]
TEXTS = ["good news about the economy", "bad news about the war", "good times for growth", "bad times for peace",
         "very good growth", "very bad conflict"] * 3


def _no_expected_failures(estimator):
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_no_expected_failures)
def test_sklearn_compatible(estimator, check):
    check(estimator)


API_CHECKS = ["check_estimator_repr", "check_no_attributes_set_in_init",
              "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order", "check_valid_tag_types",
              "check_estimator_tags_renamed", "check_get_params_invariance", "check_set_params",
              "check_parameters_default_constructible", "check_estimators_unfitted"]


@pytest.mark.parametrize("name", API_CHECKS)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_api_checks_that_take_any_input(estimator, name):
    getattr(checks, name)(type(estimator).__name__, clone(estimator))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_text_input_tags(estimator):
    tags = get_tags(estimator)
    assert tags.input_tags.string and not tags.input_tags.two_d_array and tags.requires_fit


def test_n_features_in_and_params_untouched():
    for est in (CueVectorizer(), FrameClassifier(char_ngrams=None)):
        before = clone(est).get_params()
        fitted = est.fit(TEXTS, ["a", "b"] * 9)
        assert fitted is est and est.n_features_in_ == 1
        assert {k: v for k, v in est.get_params().items()} == before


def test_frame_classifier_integer_and_boolean_labels():
    y = [1, 0] * 9
    model = FrameClassifier(char_ngrams=None).fit(TEXTS, y)
    assert model.classes_.tolist() == [0, 1]
    pred = model.predict(TEXTS)
    assert all(type(v) is int for v in pred) and pred.tolist() == y
    assert FrameClassifier(char_ngrams=None).fit(TEXTS, np.array(y)).classes_.tolist() == [0, 1]
    assert FrameClassifier(char_ngrams=None).fit(TEXTS, [bool(v) for v in y]).classes_.tolist() == [False, True]
    assert FrameClassifier(char_ngrams=None).fit(TEXTS, [1.0, 0.0] * 9).classes_.tolist() == [0.0, 1.0]
    three = FrameClassifier(char_ngrams=None).fit(TEXTS, [0, 1, 2] * 6)
    assert three.predict_proba(TEXTS).shape == (18, 3)


def test_frame_classifier_target_errors():
    with pytest.raises(ValueError, match=r"y has a single class \[1\]"):
        FrameClassifier().fit(TEXTS, [1] * 18)
    with pytest.raises(ValueError, match=r"y\[1\] is missing"):
        FrameClassifier().fit(TEXTS, [1.0, np.nan] * 9)
    with pytest.raises(ValueError, match=r"y\[1\] is not finite"):
        FrameClassifier().fit(TEXTS, [1.0, np.inf] * 9)
    with pytest.raises(ValueError, match="y: expected class labels .* got continuous values such as 0.25 "
                                         "\\(Unknown label type 'continuous'\\)"):
        FrameClassifier().fit(TEXTS, [0.25, 1.0, 2.0] * 6)
    with pytest.raises(NotFittedError, match="FrameClassifier is not fitted yet"):
        FrameClassifier().predict(TEXTS)


def test_cue_vectorizer_pandas_output(lexicon):
    vec = CueVectorizer(lexicon=lexicon).set_output(transform="pandas")
    out = vec.fit_transform(pd.Series(["nothing here", "critics say"], index=[7, 9]))
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == vec.get_feature_names_out().tolist() and out.index.tolist() == [7, 9]
    sparse = CueVectorizer(lexicon=lexicon).fit_transform(["nothing here", "critics say"])
    assert np.array_equal(out.to_numpy(), sparse.toarray())
    with sklearn.config_context(transform_output="pandas"):
        assert isinstance(CueVectorizer(lexicon=lexicon).fit_transform(["x"]), pd.DataFrame)
    assert not isinstance(CueVectorizer(lexicon=lexicon).set_output(transform="default").fit_transform(["x"]),
                          pd.DataFrame)
