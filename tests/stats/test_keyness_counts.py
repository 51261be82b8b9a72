"""framing.stats.keyness from per-group sums (a GroupCounts): the same
table, bit for bit, as from the documents × terms matrix (issue 13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.corpus import read_corpus
from framing.match.terms import ENGLISH_STOP_WORDS, GroupCounts, TermMatrix, group_counts, term_matrix
from framing.stats.keyness import document_keyness, keyness, log_odds

from ..paths import REPO

pytestmark = pytest.mark.filterwarnings("ignore::framing.stats._warnings.StatsWarning")

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"
TOKEN_METHODS = ["chi2", "g2", "log_ratio", "odds_ratio", "pct_diff"]


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pdt.assert_frame_equal(left, right, check_exact=True)


@pytest.fixture(scope="module")
def sample():
    frame = read_corpus(SAMPLE).frame
    return term_matrix(frame, ngram_range=(1, 2), stop_words=ENGLISH_STOP_WORDS, min_count=3, min_docs=2), frame


@pytest.mark.parametrize("by", ["outlet", "outlet_group", "topic"])
@pytest.mark.parametrize("comparison", ["one_vs_rest", "pairwise", "vs_pooled"])
def test_log_odds_on_the_sample_corpus(sample, by, comparison):
    matrix, frame = sample
    groups = frame[by]
    summed = group_counts(matrix, groups)
    for options in (dict(prior="uniform", alpha=0.01), dict(prior="pooled", alpha0=500.0),
                    dict(prior="uniform", alpha=0.5, variance="full", min_count=10)):
        same(log_odds(summed, comparison=comparison, **options), log_odds(matrix, groups, comparison=comparison, **options))
    background = np.arange(1, len(matrix.terms) + 1)
    same(log_odds(summed, comparison=comparison, prior="background", alpha0=100.0, background=background),
         log_odds(matrix, groups, comparison=comparison, prior="background", alpha0=100.0, background=background))


@pytest.mark.parametrize("comparison", ["one_vs_rest", "pairwise"])
@pytest.mark.parametrize("continuity", ["none", "yates", "williams"])
def test_token_keyness_on_the_sample_corpus(sample, comparison, continuity):
    matrix, frame = sample
    summed = group_counts(matrix, frame["outlet_group"])
    same(keyness(summed, method=TOKEN_METHODS, comparison=comparison, continuity=continuity, min_count=4),
         keyness(matrix, frame["outlet_group"], method=TOKEN_METHODS, comparison=comparison, continuity=continuity,
                 min_count=4))


@st.composite
def sparse_corpora(draw):
    n_docs = draw(st.integers(4, 30))
    n_terms = draw(st.integers(1, 12))
    k = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    counts = rng.poisson(draw(st.sampled_from([0.2, 1.0, 5.0])), size=(n_docs, n_terms))
    counts[rng.random((n_docs, n_terms)) < draw(st.floats(0.0, 0.9))] = 0
    codes = np.concatenate([np.repeat(np.arange(k), 2), rng.integers(0, k, n_docs - 2 * k)]) if n_docs >= 2 * k \
        else None
    if codes is None:
        k = 2
        codes = np.concatenate([[0, 0, 1, 1], rng.integers(0, 2, n_docs - 4)])
    rng.shuffle(codes)
    labels = np.array(["left", "center", "right", "wire"], dtype=object)[codes]
    extra = rng.integers(0, 50, n_docs)
    tokens = counts.sum(axis=1) + extra + 1
    matrix = TermMatrix(sp.csr_matrix(counts), tuple(f"t{j:02d}" for j in range(n_terms)),
                        tuple(f"d{i}" for i in range(n_docs)), tokens)
    return matrix, labels, draw(st.integers(1, 6))


@settings(max_examples=60, deadline=None)
@given(sparse_corpora(), st.sampled_from(["one_vs_rest", "pairwise", "vs_pooled"]),
       st.sampled_from(["uniform", "pooled"]), st.sampled_from(["monroe", "full"]))
def test_log_odds_from_sums_equals_the_matrix_path(corpus, comparison, prior, variance):
    matrix, labels, min_count = corpus
    summed = group_counts(matrix, labels)
    options = dict(comparison=comparison, prior=prior, variance=variance, min_count=min_count,
                   **(dict(alpha=0.05) if prior == "uniform" else dict(alpha0=20.0)))
    same(log_odds(summed, **options), log_odds(matrix, labels, **options))


@settings(max_examples=40, deadline=None)
@given(sparse_corpora(), st.sampled_from(["one_vs_rest", "pairwise"]), st.sampled_from(["none", "yates", "williams"]))
def test_token_keyness_from_sums_equals_the_matrix_path(corpus, comparison, continuity):
    matrix, labels, min_count = corpus
    summed = group_counts(matrix, labels)
    options = dict(method=TOKEN_METHODS, comparison=comparison, continuity=continuity, min_count=min_count)
    same(keyness(summed, **options), keyness(matrix, labels, **options))


def test_dense_counts_are_accepted():
    matrix = TermMatrix(np.array([[3, 0], [1, 2], [0, 4], [2, 2]]), ("a", "b"), tuple("wxyz"), np.array([9, 9, 9, 9]))
    summed = group_counts(matrix, ["L", "L", "R", "R"])
    dense = GroupCounts(summed.counts.toarray(), summed.terms, summed.groups, summed.n_docs, summed.tokens)
    same(log_odds(dense), log_odds(matrix, ["L", "L", "R", "R"]))


def _summed() -> GroupCounts:
    matrix = TermMatrix(np.array([[3, 0], [1, 2], [0, 4], [2, 2]]), ("a", "b"), tuple("wxyz"), np.array([9, 9, 9, 9]))
    return group_counts(matrix, ["L", "L", "R", "R"])


def _with(**changes) -> GroupCounts:
    s = _summed()
    fields = dict(counts=s.counts, terms=s.terms, groups=s.groups, n_docs=s.n_docs, tokens=s.tokens)
    return GroupCounts(**{**fields, **changes})


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: log_odds(_summed(), ["L", "L", "R", "R"]), "groups: a GroupCounts already holds its groups"),
        (lambda: keyness(_summed(), ["L", "R"]), r"pass groups=None, got list"),
        (lambda: log_odds(TermMatrix(np.eye(2, dtype=int), ("a", "b"), ("x", "y"))),
         r"groups: expected one label per matrix row \(2\), got None"),
        (lambda: log_odds(_with(counts=sp.csr_matrix(np.ones((2, 3), dtype=np.int64)))),
         r"GroupCounts.counts has shape \(2, 3\), expected \(2, 2\)"),
        (lambda: log_odds(_with(groups=("R", "L"))), r"GroupCounts.groups must be distinct and sorted.*\('R', 'L'\)"),
        (lambda: log_odds(_with(groups=("L", "L"))), "GroupCounts.groups must be distinct and sorted"),
        (lambda: log_odds(_with(groups=("L", 1))), "GroupCounts.groups must be distinct and sorted"),
        (lambda: log_odds(_with(n_docs=np.array([2]))), r"GroupCounts.n_docs must hold one non-negative integer per "
                                                         r"group \(2\), got \[2\]"),
        (lambda: log_odds(_with(tokens=np.array([1.5, 2.0]))), r"GroupCounts.tokens must hold one non-negative integer"),
        (lambda: log_odds(_with(counts=sp.csr_matrix(np.array([[1, -1], [0, 2]])))),
         "GroupCounts.counts must be non-negative integers"),
        (lambda: log_odds(_with(counts=np.array([[1.0, 1.0], [0.0, 2.0]]))),
         "GroupCounts.counts must be non-negative integers"),
        (lambda: log_odds(_with(n_docs=np.array([2, 1]))), r"every group needs at least 2 documents; too few in 'R' \(1\)"),
        (lambda: log_odds(_with(groups=("(rest)", "L"))), r"the label '\(rest\)' is reserved"),
        (lambda: log_odds(_with(tokens=np.array([9, 0]))), r"group '\(rest\)' has no tokens; token-level keyness needs text on both sides"),
    ],
)
def test_group_counts_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_type_errors_name_what_is_accepted():
    with pytest.raises(TypeError, match="matrix: expected a framing.match.terms.TermMatrix or GroupCounts"):
        log_odds(np.ones((2, 2)), ["a", "b"])
    with pytest.raises(TypeError, match=r"document-level keyness compares per-document rates.*got a GroupCounts"):
        document_keyness(_summed(), ["L", "R"])
    with pytest.raises(TypeError, match=r"matrix: expected a framing.match.terms.TermMatrix \(see"):
        document_keyness(np.ones((2, 2)), ["a", "b"])
