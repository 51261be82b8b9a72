from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.exceptions import NotFittedError

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


def test_word_ngram_vectorizer_equals_tfidf_vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from framing.classify.vectorize import WordNgramVectorizer
    from framing.text import token_norms

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)] + ["Don't", "U.S.", "naïve"]
    docs = [" ".join(rng.choice(words, size=int(rng.integers(0, 40)))) for _ in range(200)] + ["", "one"]
    for ngram, min_df, max_features in [((1, 1), 1, None), ((1, 2), 1, None), ((1, 3), 3, 10 ** 6), ((2, 2), 2, None)]:
        ours = WordNgramVectorizer(tokenizer=token_norms, ngram_range=ngram, min_df=min_df,
                                   max_features=max_features, sublinear_tf=True)
        theirs = TfidfVectorizer(tokenizer=token_norms, lowercase=False, token_pattern=None, ngram_range=ngram,
                                 min_df=min_df, max_features=max_features, sublinear_tf=True)
        A, B = ours.fit_transform(docs[:150]), theirs.fit_transform(docs[:150])
        assert ours.vocabulary_ == theirs.vocabulary_
        assert np.allclose(ours.idf_, theirs.idf_) and abs(A - B).max() < 1e-12
        assert abs(ours.transform(docs[150:]) - theirs.transform(docs[150:])).max() < 1e-12
    capped = WordNgramVectorizer(tokenizer=token_norms, ngram_range=(1, 2), max_features=7).fit(docs)
    assert len(capped.vocabulary_) == 7


def test_word_ngram_vectorizer_auto_min_df_and_errors():
    from framing.classify.vectorize import WordNgramVectorizer, auto_min_df
    from framing.text import token_norms

    assert [auto_min_df(n) for n in (10, 3673, 4000, 26590)] == [1, 1, 2, 13]
    vec = WordNgramVectorizer(tokenizer=token_norms, min_df="auto")
    assert vec.resolved_min_df(26590) == 13
    with pytest.raises(ValueError, match="min_df: no word n-gram occurs in at least 2 of the 2 training documents"):
        WordNgramVectorizer(tokenizer=token_norms, min_df=2).fit(["a b", "c d"])
    with pytest.raises(ValueError, match="min_df: expected an integer >= 1, got 0"):
        WordNgramVectorizer(tokenizer=token_norms, min_df=0).fit(["a"])
    with pytest.raises(TypeError, match="tokenizer: expected a callable"):
        WordNgramVectorizer().fit(["a"])
    with pytest.raises(TypeError, match="X must be an iterable of strings"):
        WordNgramVectorizer(tokenizer=token_norms).fit("a b")
    with pytest.raises(NotFittedError, match="WordNgramVectorizer is not fitted yet"):
        WordNgramVectorizer(tokenizer=token_norms).transform(["a"])


def test_word_ngram_vectorizer_chunks_do_not_change_the_matrix(monkeypatch):
    """Counting in chunks of a few tokens (many merges, n-grams across chunk
    boundaries never formed) gives the same vocabulary, idf and matrix."""
    import framing.classify.vectorize as module
    from framing.classify.vectorize import WordNgramVectorizer
    from framing.text import token_norms

    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(30)]
    docs = [" ".join(rng.choice(words, size=int(rng.integers(0, 25)))) for _ in range(120)]
    options = {"tokenizer": token_norms, "ngram_range": (1, 3), "min_df": 2, "sublinear_tf": True}
    whole = WordNgramVectorizer(**options)
    A = whole.fit_transform(docs)
    monkeypatch.setattr(module, "CHUNK_TOKENS", 7)
    chunked = WordNgramVectorizer(**options)
    B = chunked.fit_transform(docs)
    assert chunked.vocabulary_ == whole.vocabulary_ and np.array_equal(chunked.idf_, whole.idf_)
    assert (A != B).nnz == 0 and B.indices.dtype == np.int32 and B.has_sorted_indices
    assert (chunked.transform(docs[:40]) != whole.transform(docs[:40])).nnz == 0
    clone = pickle.loads(pickle.dumps(chunked))
    assert "_tables" not in clone.__dict__ and (clone.transform(docs) != A).nnz == 0


def test_word_ngram_vectorizer_refuses_tokens_with_spaces():
    from framing.classify.vectorize import WordNgramVectorizer

    def split_on_commas(text):
        return [t.strip() for t in text.split(",") if t.strip()]

    docs = ["new york, city", "new york, state"]
    with pytest.raises(ValueError, match=r"tokenizer: produced a token with a space \('new york'\); word n-grams "
                                         r"are spelled with spaces, so ngram_range=\(1, 2\) needs tokens without"):
        WordNgramVectorizer(tokenizer=split_on_commas, ngram_range=(1, 2)).fit(docs)
    unigrams = WordNgramVectorizer(tokenizer=split_on_commas).fit(docs)
    assert sorted(unigrams.vocabulary_) == ["city", "new york", "state"]
    assert unigrams.transform(["new york, nowhere"]).nnz == 1


def _tally_by_two_sorts(keys, doc):
    """The reference: distinct keys, then distinct (document, key) pairs."""
    ok = keys >= 0
    keys, doc = keys[ok], doc[ok]
    distinct, inverse = np.unique(keys, return_inverse=True)
    pair, count = np.unique(doc.astype(np.int64) * len(distinct) + inverse, return_counts=True)
    which = pair % len(distinct)
    return distinct, np.bincount(which, minlength=len(distinct)), np.bincount(which, weights=count,
                                                                             minlength=len(distinct))


@pytest.mark.parametrize("high", [50, 2 ** 40, 2 ** 62])  # the last overflows the pair code: two sorts
def test_word_ngram_tally_counts_documents_and_tokens(high):
    from framing.classify.vectorize import WordNgramVectorizer

    rng = np.random.default_rng(3)
    doc = np.sort(rng.integers(0, 40, size=3000)).astype(np.int32)
    keys = rng.choice(np.r_[-1, rng.integers(0, high, size=60, dtype=np.int64)], size=3000)
    distinct, df, tf = WordNgramVectorizer._tally(keys, doc)
    ref = _tally_by_two_sorts(keys, doc)
    assert np.array_equal(distinct, ref[0]) and np.array_equal(df, ref[1]) and np.array_equal(tf, ref[2])
    assert df.dtype == tf.dtype == np.int64 and (np.diff(distinct) > 0).all()
    empty = WordNgramVectorizer._tally(np.full(5, -1, dtype=np.int64), np.zeros(5, dtype=np.int32))
    assert [len(part) for part in empty] == [0, 0, 0]


def test_word_ngram_vectorizer_words_unseen_in_fit_and_odd_tokens():
    """Word ids follow first appearance; words unseen in fit are dropped in
    transform; non-str tokens of a custom tokenizer are spelled with str."""
    from framing.classify.vectorize import WordNgramVectorizer

    vec = WordNgramVectorizer(tokenizer=str.split, ngram_range=(1, 2))
    X = vec.fit_transform(["b a b", "a c"])
    assert list(vec.vocabulary_) == sorted(vec.vocabulary_) == ["a", "a b", "a c", "b", "b a", "c"]
    Y = vec.transform(["a zzz c", "zzz"])
    assert Y[1].nnz == 0 and sorted(Y[0].indices.tolist()) == [0, 5]
    assert X.shape == (2, 6) and X[0, 3] > X[0, 0]
    numbered = WordNgramVectorizer(tokenizer=lambda text: [len(w) for w in text.split()]).fit(["aa b", "ccc"])
    assert numbered.vocabulary_ == {"1": 0, "2": 1, "3": 2}
