from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from framing.classify.vectorize import CueVectorizer


def test_cue_vectorizer(corpus, lexicon):
    vec = CueVectorizer(lexicon=lexicon, include_negated=True)
    X = vec.fit_transform(corpus["text"])
    assert X.shape == (4, 4)
    assert list(vec.get_feature_names_out()) == ["insinuation", "escalation", "insinuation__negated", "escalation__negated"]
    assert X.toarray()[1].tolist() == [1, 0, 1, 0]
    rates = CueVectorizer(lexicon=lexicon, normalize="per_token").fit_transform(list(corpus["text"])).toarray()
    assert math.isclose(rates[0, 1], 0.1) and rates[3].tolist() == [0, 0]
    clone = pickle.loads(pickle.dumps(vec))
    assert (clone.transform(corpus["text"]) != X).nnz == 0


def test_cue_vectorizer_in_pipeline(corpus, lexicon):
    pipe = Pipeline([("cues", CueVectorizer(lexicon=lexicon)), ("clf", LogisticRegression())])
    pipe.fit(corpus["text"], [1, 1, 0, 0])
    assert pipe.predict(corpus["text"]).shape == (4,)


def test_cue_vectorizer_errors(lexicon):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="CueVectorizer is not fitted yet"):
        CueVectorizer(lexicon=lexicon).transform(["x"])
    with pytest.raises(NotFittedError, match="CueVectorizer is not fitted yet"):
        CueVectorizer(lexicon=lexicon).get_feature_names_out()
    with pytest.raises(ValueError, match="normalize: expected one of None, 'per_token', 'per_1000_tokens', got 'raw'"):
        CueVectorizer(lexicon=lexicon, normalize="raw").fit(["x"])
    vec = CueVectorizer(lexicon=lexicon).fit(["x"])
    with pytest.raises(TypeError, match="X must be an iterable of strings"):
        vec.transform("a single string")
    with pytest.raises(TypeError, match=r"X\[1\] must be a string, got float"):
        vec.transform(["ok", np.nan])
    with pytest.raises(ValueError, match="X must have exactly one text column, got 2 columns"):
        vec.transform(pd.DataFrame({"a": ["x"], "b": ["y"]}))
