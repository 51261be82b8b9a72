"""The run's corpus texts on disk, read chunk by chunk (issue 13)."""

from __future__ import annotations

import numpy as np
import pandas.testing as pdt
import pytest

from framing.experiment.analyses import chunked_term_matrix, compute_keyness
from framing.experiment.config import load_config
from framing.experiment.corpus import load_corpus
from framing.experiment.runner import run
from framing.experiment.textstore import TextStore, concat_rows, split_corpus
from framing.match.scoring import hits, score
from framing.match.terms import term_matrix

from .test_runner import LIGHT, project  # noqa: F401  (fixture)


def _corpus(project):
    config = load_config(project / "exp.toml")
    frame, _ = load_corpus(config.corpus, seed=1)
    return config, frame


def test_store_gives_back_the_corpus_frame_exactly(project, tmp_path):
    _, frame = _corpus(project)
    meta, texts = split_corpus(frame)
    assert "text" not in meta.columns and "outlet" in meta.columns
    store = TextStore.write(texts, tmp_path / "t", chunk_rows=5, column_order=frame.columns)
    assert store.chunk_sizes == (5, 5, 5, 3) and TextStore.exists(tmp_path / "t")
    pdt.assert_frame_equal(store.join(meta), frame)
    assert [list(c.columns) for c in store.chunks(["text"])][0] == ["doc_id", "text"]


def test_store_errors_name_what_is_wrong(project, tmp_path):
    _, frame = _corpus(project)
    meta, texts = split_corpus(frame)
    with pytest.raises(ValueError, match="not a text store"):
        TextStore(tmp_path / "nothing")
    with pytest.raises(ValueError, match="chunk_rows: expected"):
        TextStore.write(texts, tmp_path / "t", chunk_rows=0)
    store = TextStore.write(texts, tmp_path / "t", chunk_rows=4)
    with pytest.raises(ValueError, match=r"columns: 'desk' not in the text store"):
        store.read(["desk"])
    with pytest.raises(ValueError, match=r"does not hold the documents of this corpus \(18 stored, 3 expected\)"):
        store.join(meta.head(3))
    with pytest.raises(ValueError, match="frames: expected at least one"):
        concat_rows([])


def test_chunked_scores_hits_and_terms_equal_the_whole_corpus(project, tmp_path):
    config, frame = _corpus(project)
    meta, texts = split_corpus(frame)
    store = TextStore.write(texts, tmp_path / "t", chunk_rows=4, column_order=frame.columns)
    lexicon = str(project / "lexicon.toml")

    def chunks():
        start = 0
        for chunk in store.chunks(["text"]):
            part = meta.iloc[start:start + len(chunk)].reset_index(drop=True)
            part["text"] = chunk["text"].to_numpy()
            start += len(chunk)
            yield part

    pdt.assert_frame_equal(concat_rows([score(c, lexicon) for c in chunks()]), score(frame, lexicon))
    pdt.assert_frame_equal(concat_rows([hits(c, lexicon, voice="all") for c in chunks()]),
                           hits(frame, lexicon, voice="all"))
    whole = term_matrix(frame, min_count=2, min_docs=2, ngram_range=(1, 2))
    merged = chunked_term_matrix(chunks(), min_count=2, min_docs=2, ngram_range=(1, 2))
    assert merged.terms == whole.terms and merged.doc_ids == whole.doc_ids
    assert (merged.counts != whole.counts).nnz == 0 and np.array_equal(merged.doc_tokens, whole.doc_tokens)
    entry = config.keyness[0]
    pdt.assert_frame_equal(compute_keyness(entry, meta, part="text", random_state=3, chunks=chunks),
                           compute_keyness(entry, frame, part="text", random_state=3))
    with pytest.raises(ValueError, match="chunks: the chunks hold 18 documents that are not the 3 rows"):
        compute_keyness(entry, meta.head(3), part="text", random_state=3, chunks=chunks)
    with pytest.raises(ValueError, match="chunks: expected at least one chunk"):
        chunked_term_matrix(iter(()))


def test_tiny_chunks_give_the_same_run_and_a_cached_run_reads_no_text(project, monkeypatch):
    config = load_config(project / "exp.toml", overrides=[LIGHT])
    whole = run(config, runs_dir=project / "whole", use_cache=False)
    from framing.experiment import stages

    original = stages.Stages.__init__

    def small(self, *args, **kwargs):
        kwargs.setdefault("chunk_rows", 4)
        original(self, *args, **kwargs)

    monkeypatch.setattr(stages.Stages, "__init__", small)
    first = run(config, runs_dir=project / "runs")
    for name in ("report.html",):
        assert (first.run_dir / name).read_bytes() == (whole.run_dir / name).read_bytes()
    for path in sorted(whole.run_dir.rglob("*.csv")):
        assert (first.run_dir / path.relative_to(whole.run_dir)).read_bytes() == path.read_bytes(), path.name

    def no_reading(self, *args, **kwargs):
        raise AssertionError("a cached run read the corpus texts")

    monkeypatch.setattr(TextStore, "_read", no_reading)
    import shutil

    shutil.rmtree(first.run_dir)
    again = run(config, runs_dir=project / "runs")
    assert {"corpus", "scores", "hits", "keyness", "passage-texts"} <= set(again.cache_hits)
    assert (again.run_dir / "report.html").read_bytes() == (whole.run_dir / "report.html").read_bytes()


def test_a_cached_corpus_keeps_the_order_of_its_facts(project):
    import shutil

    config = load_config(project / "exp.toml", overrides=[LIGHT, "corpus.filters.exclude={outlet = ['calm']}",
                                                          "corpus.filters.min_tokens=1"])
    first = run(config, runs_dir=project / "runs")
    report = (first.run_dir / "report.html").read_bytes()
    assert b"exclude outlet: 6, repeated lines: no text left: 0, min_tokens: 0" in report  # order applied
    shutil.rmtree(first.run_dir)
    again = run(config, runs_dir=project / "runs")
    assert "corpus-facts" in again.cache_hits
    assert (again.run_dir / "report.html").read_bytes() == report


def test_release_memory_changes_nothing_and_trims_the_heap_on_request():
    from framing.experiment.textstore import release_memory

    values = np.arange(10)
    release_memory()
    release_memory(heap=True)  # also glibc's malloc_trim where there is one; nothing elsewhere
    np.testing.assert_array_equal(values, np.arange(10))
