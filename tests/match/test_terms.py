"""framing.match.terms: document × term counts under the project's tokenisation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from framing.corpus.readers import read_corpus
from framing.match.terms import GroupCounts, TermMatrix, group_counts, term_matrix
from framing.text import count_tokens


def dense(matrix: TermMatrix) -> dict[str, list[int]]:
    return {t: matrix.counts[:, j].toarray().ravel().tolist() for j, t in enumerate(matrix.terms)}


def test_unigrams_use_framing_text_folding_and_tokens():
    m = term_matrix(["Façade, FAÇADE and the so-called regime\u2019s façade.", "U.S. GDP grew 3.5%."])
    assert m.terms == tuple(sorted(m.terms))
    assert m.counts.dtype == np.int64 and sp.isspmatrix_csr(m.counts)
    counts = dense(m)
    assert counts["facade"] == [3, 0]
    assert counts["so"] == [1, 0] and counts["called"] == [1, 0]  # a hyphen separates
    assert counts["regime's"] == [1, 0]  # curly apostrophe folded, joins
    assert counts["u.s"] == [0, 1] and counts["3.5"] == [0, 1]
    assert m.doc_ids == (0, 1)
    assert m.doc_tokens.tolist() == [count_tokens(t) for t in ["Façade, FAÇADE and the so-called regime\u2019s façade.",
                                                                "U.S. GDP grew 3.5%."]]


def test_ngrams_never_cross_sentence_breaks():
    m = term_matrix(["Tax cuts. Cuts hurt! Tax cuts hurt?"], ngram_range=(2, 3))
    # sentences: [tax cuts] [cuts hurt] [tax cuts hurt]
    assert dense(m) == {"cuts hurt": [2], "tax cuts": [2], "tax cuts hurt": [1]}
    assert m.doc_tokens.tolist() == [7]


def test_ngram_range_mixes_orders_and_a_joining_full_stop_is_not_a_break():
    m = term_matrix(["Growth was 3.5 percent"], ngram_range=(1, 2))
    assert "was 3.5" in m.terms and "3.5 percent" in m.terms and "growth" in m.terms


def test_stop_words_remove_unigrams_and_every_ngram_containing_them():
    m = term_matrix(["The tax cut and the tax hike."], ngram_range=(1, 2), stop_words=["THE", "and"])
    assert dense(m) == {"cut": [1], "hike": [1], "tax": [2], "tax cut": [1], "tax hike": [1]}
    assert m.doc_tokens.tolist() == [7]  # the denominator ignores stop words


def test_cutoffs_are_explicit_and_default_to_none():
    texts = ["a a b c", "a b d", "a e"]
    full = term_matrix(texts)
    assert full.terms == ("a", "b", "c", "d", "e")
    assert term_matrix(texts, min_count=2).terms == ("a", "b")
    assert term_matrix(texts, min_docs=2).terms == ("a", "b")
    assert term_matrix(texts, max_doc_share=0.9).terms == ("b", "c", "d", "e")  # 'a' is in 3/3 documents
    cut = term_matrix(texts, min_count=2, max_doc_share=0.9)
    assert dense(cut) == {"b": [1, 1, 0]}
    assert cut.doc_tokens.tolist() == [4, 3, 2]


def test_dataframe_corpus_and_part(corpus):
    m = term_matrix(corpus)
    assert m.doc_ids == ("a1", "a2", "b1", "b2")
    assert m.doc_tokens.tolist()[3] == 0 and m.counts[3].nnz == 0  # empty text → empty row
    caps = term_matrix(corpus, part="captions")
    assert caps.doc_tokens.tolist() == [0, 5, 0, 0]
    assert dense(caps)["sham"] == [0, 1, 0, 0]


def test_corpus_object_is_accepted(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"doc_id": "x", "outlet": "A", "text": "Big win."},
        {"doc_id": "y", "outlet": "B", "text": "Big loss."},
    ]), encoding="utf-8")
    m = term_matrix(read_corpus(path))
    assert m.doc_ids == ("x", "y") and m.terms == ("big", "loss", "win")


def test_empty_vocabulary_after_cutoffs():
    m = term_matrix(["a b", "c d"], min_docs=2)
    assert m.shape == (2, 0) and m.terms == ()


def test_group_counts_sorts_labels_and_sums():
    m = term_matrix(["a a b", "b c", "a", "c c"])
    gc = group_counts(m, ["R", "L", "R", "L"])
    assert isinstance(gc, GroupCounts)
    assert gc.groups == ("L", "R")
    assert gc.to_frame().to_dict(orient="index") == {"L": {"a": 0, "b": 1, "c": 3}, "R": {"a": 3, "b": 1, "c": 0}}
    assert gc.n_docs.tolist() == [2, 2] and gc.tokens.tolist() == [4, 4]
    with pytest.raises(ValueError, match="got 3 labels for a matrix with 4 documents"):
        group_counts(m, ["R", "L", "R"])


def test_hand_built_matrix_and_tokens_fallback():
    m = TermMatrix(np.array([[1, 2], [0, 3]]), ("x", "y"), ("d1", "d2"))
    assert m.counts.dtype == np.int64 and m.doc_tokens is None
    assert m.tokens().tolist() == [3, 3]
    assert m.to_frame().loc["d2", "y"] == 3


_HASH_SCRIPT = """
import json
from framing.match.terms import term_matrix
m = term_matrix(["Zeta alpha beta. Gamma zeta!", "beta beta delta epsilon alpha"], ngram_range=(1, 2), stop_words={"delta", "gamma"})
print(json.dumps([list(m.terms), m.counts.toarray().tolist()]))
"""


def test_identical_under_any_pythonhashseed():
    outputs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        outputs.add(subprocess.run([sys.executable, "-c", _HASH_SCRIPT], env=env, capture_output=True, text=True,
                                   check=True).stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"ngram_range": (2, 1)}, r"ngram_range: expected a pair of integers \(min_n, max_n\) with 1 <= min_n <= max_n, got \(2, 1\)"),
        ({"ngram_range": (0, 1)}, "ngram_range: expected an integer >= 1, got 0"),
        ({"min_count": 0}, r"min_count: expected an integer >= 1, got 0"),
        ({"max_doc_share": 0}, r"max_doc_share: expected a finite number in \(0, 1\], got 0"),
        ({"max_doc_share": 1.5}, r"max_doc_share: expected a finite number in \(0, 1\], got 1.5"),
        ({"stop_words": "the"}, "stop_words: expected an iterable of words .* got a single string"),
        ({"stop_words": ["so-called"]}, r"stop_words: 'so-called' is not a single token under framing.text rules"),
        ({"stop_words": [3]}, "stop_words: every stop word must be a str, got int 3"),
        ({"part": "captions"}, "part='captions' applies to a Corpus or DataFrame"),
    ],
)
def test_term_matrix_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        term_matrix(["a b c"], **kwargs)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"ngram_range": 2}, r"ngram_range: expected a pair of integers \(min_n, max_n\) .*, got 2"),
        ({"min_docs": 1.5}, r"min_docs: expected an integer >= 1, got 1.5"),
        ({"max_doc_share": "all"}, r"max_doc_share: expected a finite number in \(0, 1\], got 'all'"),
        ({"part": 3}, "part: expected a string, got 3"),
    ],
)
def test_term_matrix_kind_errors(kwargs, match):
    with pytest.raises(TypeError, match=match):
        term_matrix(["a b c"], **kwargs)


def test_corpus_errors(corpus):
    with pytest.raises(ValueError, match="part: the corpus has no 'title' column"):
        term_matrix(corpus, part="title")
    with pytest.raises(ValueError, match="corpus DataFrame has no 'doc_id' column"):
        term_matrix(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(TypeError, match="not a single string"):
        term_matrix("just one text")
    with pytest.raises(TypeError, match="document 1: text must be a string"):
        term_matrix(["fine", 3])
    with pytest.raises(TypeError, match="got int"):
        term_matrix(5)


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.array([[1, -1]]), ("x", "y"), ("d",)), r"counts must be non-negative; got a negative count \(-1\)"),
        ((np.array([[1.5, 1]]), ("x", "y"), ("d",)), "counts must hold whole numbers"),
        ((np.array([[1, 1]]), ("x",), ("d",)), "terms has 1 labels but counts has 2 columns"),
        ((np.array([[1, 1]]), ("x", "x"), ("d",)), "terms must be unique"),
        ((np.array([[1, 1]]), ("x", "y"), ("d", "e")), "doc_ids has 2 labels but counts has 1 rows"),
        ((np.array([1, 1]), ("x", "y"), ("d",)), "counts must be a 2-D documents × terms matrix"),
        ((np.array([[1, 1]]), ("x", "y"), ("d",), np.array([1, 2])), r"doc_tokens must have shape \(1,\)"),
        ((np.array([[1, 3]]), ("x", "y"), ("d",), np.array([2])), "document 'd' has 2 tokens but a term count of 3"),
        ((np.array([[1, 1]]), ("x", "y"), ("d",), np.array([-2])), "doc_tokens must be non-negative whole numbers"),
    ],
)
def test_term_matrix_validation(args, match):
    with pytest.raises(ValueError, match=match):
        TermMatrix(*args)
