"""Features stacks its branches without copying the first one, with the result of scipy.sparse.hstack."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from framing.classify.model import Features, make_features, stack_into


def _random_csr(rng, n, m, density, empty_rows=()):
    X = sp.random(n, m, density=density, format="csr", random_state=rng, dtype=np.float64)
    X = X.tolil()
    for r in empty_rows:
        X.rows[r], X.data[r] = [], []
    X = X.tocsr()
    return sp.csr_matrix((X.data.copy(), X.indices.astype(np.int32), X.indptr.astype(np.int32)), shape=X.shape)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stack_into_equals_hstack(seed, monkeypatch):
    import framing.classify.model as module

    monkeypatch.setattr(module, "STACK_ROWS", 7)  # many blocks
    rng = np.random.default_rng(seed)
    first = _random_csr(rng, 50, 40, 0.2, empty_rows=(0, 13, 49))
    rest = [_random_csr(rng, 50, 5, 0.5, empty_rows=(3, 13)), _random_csr(rng, 50, 3, 0.3)]
    expected = sp.hstack([first, *rest], format="csr")
    expected.sort_indices()
    got = stack_into(first.copy(), [r.copy() for r in rest])
    assert got.shape == expected.shape
    assert got.has_sorted_indices
    np.testing.assert_array_equal(got.indptr, expected.indptr)
    np.testing.assert_array_equal(got.indices, expected.indices)
    np.testing.assert_array_equal(got.data, expected.data)


def test_stack_into_with_empty_tail():
    rng = np.random.default_rng(3)
    first = _random_csr(rng, 20, 10, 0.3)
    rest = [sp.csr_matrix((20, 4))]
    expected = sp.hstack([first, *rest], format="csr")
    got = stack_into(first.copy(), rest)
    assert (got != expected).nnz == 0 and got.shape == (20, 14)


def test_features_match_feature_union():
    from sklearn.pipeline import FeatureUnion

    texts = ["The senator slammed the radical plan.", "Officials said the plan passed.", "",
             "Critics warned of a crisis; supporters praised the bold reform."] * 3
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object), "marked_words": [[] for _ in texts]})
    ours = make_features(char_ngrams=(2, 3))
    assert isinstance(ours, Features)
    plain = FeatureUnion(make_features(char_ngrams=(2, 3)).transformer_list,
                         transformer_weights=ours.transformer_weights)
    A, B = ours.fit_transform(frame), plain.fit_transform(frame)
    assert A.shape == B.shape and abs(A - B).max() == 0
    C, D = ours.transform(frame), plain.transform(frame)
    assert abs(C - D).max() == 0


def test_stack_into_copies_a_matrix_that_does_not_own_its_arrays():
    rng = np.random.default_rng(4)
    base = _random_csr(rng, 10, 6, 0.5)
    nnz = base.nnz
    view = sp.csr_matrix((base.data[:], base.indices[:], base.indptr), shape=base.shape)
    view.data, view.indices = base.data[:], base.indices[:]  # views, not resizable
    tail = sp.csr_matrix(np.ones((10, 2)))
    out = stack_into(view, [tail])
    assert (out != sp.hstack([base, tail], format="csr")).nnz == 0
    assert len(base.data) == nnz  # the original arrays are untouched


def test_word_branch_output_is_grown_in_place():
    from framing.classify.vectorize import WordNgramVectorizer
    from framing.text import token_norms

    X = WordNgramVectorizer(tokenizer=token_norms, ngram_range=(1, 2)).fit_transform(["a b c", "b c d", "c"])
    assert X.data.flags.owndata and X.indices.flags.owndata


def test_features_other_outputs_and_a_bad_dimension():
    from sklearn.preprocessing import FunctionTransformer

    X = np.arange(12.0).reshape(4, 3)
    dense = Features([("a", FunctionTransformer()), ("b", FunctionTransformer(lambda v: v * 2))])
    np.testing.assert_array_equal(dense.fit_transform(X), np.hstack([X, 2 * X]))
    mixed = Features([("a", FunctionTransformer(sp.csr_matrix)), ("b", FunctionTransformer(lambda v: sp.coo_matrix(v)))])
    assert (mixed.fit_transform(X) != sp.csr_matrix(np.hstack([X, X]))).nnz == 0
    framed = Features([("a", FunctionTransformer()), ("b", FunctionTransformer())]).set_output(transform="pandas")
    out = framed.fit_transform(pd.DataFrame(X, columns=["x", "y", "z"]))
    assert isinstance(out, pd.DataFrame) and out.shape == (4, 6)
    np.testing.assert_array_equal(out.to_numpy(), np.hstack([X, X]))
    flat = Features([("a", FunctionTransformer(lambda v: v.ravel()))])
    with pytest.raises(ValueError, match=r"transformer 'a': returned 1 dimensions, expected 2 \(n_samples, n_features\)"):
        flat.fit_transform(X)
