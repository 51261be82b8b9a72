"""The vectorised term-matrix builder equals the per-token builder it
replaced (tests/match/terms_reference.py), byte for byte: vocabulary,
CSR arrays and token denominators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.corpus.readers import read_corpus
from framing.match.terms import term_matrix

from .terms_reference import reference_term_matrix

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample" / "articles.jsonl"


def assert_same(new, old):
    assert new.terms == old.terms
    assert new.doc_ids == old.doc_ids
    for name in ("data", "indices", "indptr"):
        a, b = getattr(new.counts, name), getattr(old.counts, name)
        assert a.dtype == b.dtype, name
        assert a.tobytes() == b.tobytes(), name
    assert new.counts.shape == old.counts.shape
    assert new.doc_tokens.dtype == old.doc_tokens.dtype
    assert new.doc_tokens.tobytes() == old.doc_tokens.tobytes()


SETTINGS = [
    {},
    {"ngram_range": (1, 2)},
    {"ngram_range": (2, 3), "stop_words": ["the", "a", "of", "and"]},
    {"ngram_range": (1, 3), "min_count": 2, "max_doc_share": 0.8},
    {"stop_words": ["the", "to"], "min_docs": 2},
]


@pytest.mark.parametrize("options", SETTINGS, ids=[str(o) for o in SETTINGS])
def test_sample_corpus_matches_the_reference(options):
    texts = read_corpus(SAMPLE).frame["text"].tolist()
    assert len(texts) > 5
    assert_same(term_matrix(texts, **options), reference_term_matrix(texts, **options))


def test_chunk_boundaries_do_not_change_the_matrix(monkeypatch):
    import framing.match.terms as terms

    texts = read_corpus(SAMPLE).frame["text"].tolist() * 3
    whole = term_matrix(texts, ngram_range=(1, 2))
    monkeypatch.setattr(terms, "_CHUNK_TERMS", 50)  # many small chunks, growing vocabulary
    assert_same(term_matrix(texts, ngram_range=(1, 2)), whole)
    assert_same(term_matrix(texts, ngram_range=(1, 2)), reference_term_matrix(texts, ngram_range=(1, 2)))


PIECES = ["Tax", "tax", "cuts", "CUTS", "the", "U.S", "U.S.", "3.5", "don't", "so-called", "Façade", "façade",
          "Мой", "ещё", "中国", "经济", "हिंदी", "كَتَبَ", "Straße", "a", "", "e\u0301", "ｶﾞｲﾄﾞ"]
SEPS = [" ", ". ", "! ", "? ", ", ", "\n", "...", "—", "'", "’", "。", "“", "”", ""]


@st.composite
def texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPS)), max_size=25))
    return "".join(p + s for p, s in parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(texts(), st.none(), st.text(max_size=40)), max_size=8),
    st.tuples(st.integers(1, 3), st.integers(0, 2)).map(lambda t: (t[0], t[0] + t[1])),
    st.one_of(st.none(), st.lists(st.sampled_from(["the", "tax", "a", "ещё", "中"]), max_size=3)),
    st.integers(1, 3),
)
def test_random_texts_match_the_reference(batch, ngram_range, stop_words, min_count):
    options = {"ngram_range": ngram_range, "stop_words": stop_words, "min_count": min_count}
    assert_same(term_matrix(batch, **options), reference_term_matrix(batch, **options))


def test_empty_inputs_match_the_reference():
    for batch in ([], [None, ""], ["...", "!?"]):
        for ngram_range in ((1, 1), (1, 2), (2, 2)):
            assert_same(term_matrix(batch, ngram_range=ngram_range), reference_term_matrix(batch, ngram_range=ngram_range))
    assert np.all(term_matrix(["...", "!?"], ngram_range=(1, 2)).doc_tokens == 0)
