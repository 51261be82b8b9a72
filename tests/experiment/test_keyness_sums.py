"""Token-level keyness of a run from per-group sums merged chunk by chunk
(no documents × terms matrix held): the same GroupCounts and the same
tables, bit for bit, as from the whole corpus's matrix (issue 13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.corpus import read_corpus
from framing.experiment import analyses
from framing.experiment.analyses import chunked_group_counts, chunked_term_matrix, compute_keyness
from framing.experiment.config import keyness_entry
from framing.match.terms import ENGLISH_STOP_WORDS, group_counts, is_number_term, term_matrix, without_terms

from ..paths import REPO

pytestmark = pytest.mark.filterwarnings("ignore::framing.stats._warnings.StatsWarning")

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


@pytest.fixture(scope="module")
def frame():
    return read_corpus(SAMPLE).frame


def pieces(frame: pd.DataFrame, sizes):
    def chunks():
        start = 0
        for size in sizes:
            yield frame.iloc[start:start + size].reset_index(drop=True)
            start += size
        if start < len(frame):
            yield frame.iloc[start:].reset_index(drop=True)
    return chunks


def same_counts(got, want) -> None:
    assert got.terms == want.terms and got.groups == want.groups
    assert (got.counts != want.counts).nnz == 0 and got.counts.dtype == np.int64
    assert np.array_equal(got.n_docs, want.n_docs) and np.array_equal(got.tokens, want.tokens)


@pytest.mark.parametrize("sizes", [[75], [1] * 10, [7, 30, 2], [40]])
@pytest.mark.parametrize("cut", [dict(min_count=1, min_docs=1), dict(min_count=5, min_docs=3), dict(min_count=2, min_docs=9)])
def test_sums_equal_those_of_the_whole_matrix(frame, sizes, cut):
    options = dict(ngram_range=(1, 2), stop_words=list(ENGLISH_STOP_WORDS))
    want = group_counts(term_matrix(frame, **cut, **options), frame["outlet"])
    got = chunked_group_counts(pieces(frame, sizes)(), frame["outlet"], doc_ids=frame["doc_id"], **cut, **options)
    same_counts(got, want)
    merged = chunked_term_matrix(pieces(frame, sizes)(), **cut, drop=is_number_term, **options)
    same_counts(chunked_group_counts(pieces(frame, sizes)(), frame["outlet"], drop=is_number_term, **cut, **options),
                group_counts(merged, frame["outlet"]))
    same_counts(group_counts(without_terms(term_matrix(frame, **cut, **options), is_number_term), frame["outlet"]),
                group_counts(merged, frame["outlet"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d e", "e", "f.", "9", ""]), max_size=8), min_size=4, max_size=20),
       st.integers(1, 4), st.integers(1, 3), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_sums_for_random_texts_and_chunkings(words, min_count, min_docs, n_cuts, seed):
    texts = [" ".join(w) for w in words]
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": texts,
                          "g": rng.choice(["x", "y", "z"], len(texts))})
    cuts = np.sort(rng.integers(0, len(texts) + 1, n_cuts))
    sizes = np.diff(np.concatenate([[0], cuts])).tolist()
    want = group_counts(term_matrix(frame, ngram_range=(1, 2), min_count=min_count, min_docs=min_docs), frame["g"])
    got = chunked_group_counts(pieces(frame, [s for s in sizes if s])(), frame["g"], doc_ids=frame["doc_id"],
                               ngram_range=(1, 2), min_count=min_count, min_docs=min_docs)
    same_counts(got, want)


ENTRIES = [
    dict(method="log_odds", comparison="one_vs_rest", prior="uniform", alpha=0.01, min_count=5, min_docs=3,
         stop_words=["@english", "@numbers", "said"]),
    dict(method="log_odds", comparison="pairwise", prior="pooled", min_count=2, min_docs=2),
    dict(method="log_odds", comparison="vs_pooled", variance="full", ngram_max=2, min_count=3),
    dict(method="g2", comparison="one_vs_rest", continuity="williams", min_count=4, stop_words="english"),
    dict(method="chi2", comparison="pairwise", min_count=3, min_docs=2),
    dict(method="document", comparison="one_vs_rest", test="welch", min_count=5, min_docs=3),
]


@pytest.mark.parametrize("options", ENTRIES, ids=lambda o: f"{o['method']}-{o['comparison']}")
def test_compute_keyness_from_chunks_is_the_whole_corpus_table(frame, options, monkeypatch):
    entry = keyness_entry({"by": "outlet_group", **options})
    alpha0 = 300.0 if options.get("prior") == "pooled" else None
    whole = compute_keyness(entry, frame, part="text", random_state=5, alpha0=alpha0)
    meta = frame.drop(columns=["text"])
    used = []
    original = analyses.chunked_term_matrix
    monkeypatch.setattr(analyses, "chunked_term_matrix", lambda *a, **k: used.append(1) or original(*a, **k))
    chunked = compute_keyness(entry, meta, part="text", random_state=5, alpha0=alpha0,
                              chunks=pieces(frame, [11, 3, 30]))
    pdt.assert_frame_equal(chunked, whole, check_exact=True)
    assert bool(used) == (options["method"] == "document")  # no documents × terms matrix at token level


def test_chunk_errors_name_what_is_wrong(frame):
    chunks = pieces(frame, [20])
    with pytest.raises(ValueError, match="chunks: expected at least one chunk of documents, got none"):
        chunked_group_counts(iter(()), [])
    with pytest.raises(ValueError, match=r"chunks: the chunks hold 75 documents that are not the 10 rows of doc_ids "
                                         r"and groups in order"):
        chunked_group_counts(chunks(), frame["outlet"].head(10), doc_ids=frame["doc_id"].head(10))
    with pytest.raises(ValueError, match=r"chunks: the chunks hold 75 documents that are not the 76 labels of groups"):
        chunked_group_counts(chunks(), frame["outlet"].tolist() + ["x"])
    shuffled = frame["doc_id"].iloc[::-1].reset_index(drop=True)
    with pytest.raises(ValueError, match="chunks: the chunks hold 75 documents that are not the 75 rows"):
        chunked_group_counts(chunks(), frame["outlet"], doc_ids=shuffled)
    with pytest.raises(ValueError, match=r"doc_ids: got 3 document ids for 75 group labels"):
        chunked_group_counts(chunks(), frame["outlet"], doc_ids=["a", "b", "c"])
    with pytest.raises(ValueError, match="min_count: expected an integer >= 1, got 0"):
        chunked_group_counts(chunks(), frame["outlet"], min_count=0)
    with pytest.raises(ValueError, match="groups: label of row 2 is missing"):
        chunked_group_counts(chunks(), frame["outlet"].where(frame.index != 2))
