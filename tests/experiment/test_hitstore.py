"""The report's hits read chunk by chunk from the hit store equal what the
whole hits table gives (issue 13)."""

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from framing.experiment.helpers import hit_counts, merge_counts, passage_documents
from framing.experiment.hitstore import passage_hits, write_hits
from framing.experiment.outputs import _passage_hits
from framing.lexicon.files import load_lexicon
from framing.match import compile_lexicon
from framing.match.scoring import HIT_COLUMNS, hits
from framing.report.explorer import explorer_data
from framing.report.html import select_passages

from .test_runner import project  # noqa: F401  (fixture)


def corpus(n=90, outlets=12, seed=7):
    lexicon = load_lexicon("framing-cues")
    phrases = [e for c in lexicon.categories for e in c.examples]
    rng = np.random.default_rng(seed)
    ids = [f"d{int(v):05d}" for v in rng.permutation(10 * n)[:n]]  # doc id order is not corpus order
    texts = []
    for i in range(n):
        k = 1 + int(rng.integers(0, 6))
        chosen = [phrases[int(j)] for j in rng.integers(0, len(phrases), size=k)]
        quoted = f' "{chosen[0]}," he said.' if i % 3 == 0 else ""
        texts.append(" ".join(f"It is said that {p}." for p in chosen) + quoted)
    return pd.DataFrame({"doc_id": ids, "outlet": [f"o{int(v):02d}" for v in rng.integers(0, outlets, size=n)],
                         "text": texts})


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    frame = corpus()
    matcher = compile_lexicon(load_lexicon("framing-cues"))
    folder = tmp_path_factory.mktemp("hits") / "store"
    store = write_hits((hits(frame.iloc[i:i + 4], matcher, voice="all") for i in range(0, len(frame), 4)), folder,
                       HIT_COLUMNS)
    return frame, hits(frame, matcher, voice="all"), store


@pytest.mark.parametrize("voice", ["outlet", "all"])
def test_the_report_shows_the_same_from_tiny_chunks_as_from_every_hit(case, voice):
    frame, whole, store = case
    assert len(store.chunk_sizes) == 23 and store.n_rows == len(whole)
    every = whole if voice == "all" else whole[whole["voice"] == voice].reset_index(drop=True)
    options = dict(per_cell=1, per_entry=2, max_entries=6)
    shown = passage_hits(store, voice=voice, **options)
    assert shown.documents == passage_documents(every, **options)
    assert 0 < len(shown.hits) < len(every)
    pdt.assert_frame_equal(shown.counts, hit_counts(every))
    pdt.assert_frame_equal(shown.hits, every[every["doc_id"].isin(shown.documents)].reset_index(drop=True))
    quoted = frame[frame["doc_id"].isin(shown.documents)].reset_index(drop=True)  # only the texts it can quote
    assert (select_passages(quoted, _passage_hits(shown.hits, shown.counts), per_cell=1)
            == select_passages(frame, _passage_hits(every), per_cell=1))
    explorer = dict(per_entry=2, max_entries=6)
    assert (explorer_data(quoted, shown.hits, counts=shown.counts, **explorer)
            == explorer_data(frame, every, **explorer))


@pytest.mark.parametrize("merge_rows", [0, 5, 10**9])
def test_merging_chunk_candidates_early_or_late_picks_the_same_documents(case, monkeypatch, merge_rows):
    # 0: merged after every chunk; 5: every few chunks, as the buffer outgrows the last merge;
    # 10**9: once, at the end (the documents must not depend on when candidates are merged)
    from framing.experiment import hitstore

    frame, whole, store = case
    monkeypatch.setattr(hitstore, "MERGE_ROWS", merge_rows)
    options = dict(per_cell=1, per_entry=2, max_entries=6)
    shown = passage_hits(store, voice="all", **options)
    assert shown.documents == passage_documents(whole, **options)
    pdt.assert_frame_equal(shown.hits, whole[whole["doc_id"].isin(shown.documents)].reset_index(drop=True))


def test_no_examples_read_no_passages(case):
    _, whole, store = case
    shown = passage_hits(store, voice="outlet", per_cell=0)
    assert shown.hits.empty and list(shown.hits.columns) == list(HIT_COLUMNS) and not shown.documents
    assert shown.counts["n"].sum() == (whole["voice"] == "outlet").sum()


def test_counts_of_chunks_add_up():
    a = pd.DataFrame({"category": ["x", "x", "y"], "entry": ["e", "e", "f"], "outlet": ["A", "B", "A"]})
    b = pd.DataFrame({"category": ["x", "z"], "entry": ["e", "g"], "outlet": ["B", "A"]})
    pdt.assert_frame_equal(merge_counts([hit_counts(a), hit_counts(a.iloc[:0]), hit_counts(b)]),
                           hit_counts(pd.concat([a, b])))
    assert list(merge_counts([]).columns) == ["category", "entry", "outlet", "n"]


def test_explorer_counts_must_fit_the_hits(case):
    frame, whole, _ = case
    counts = hit_counts(whole)
    with pytest.raises(ValueError, match="counts: missing column"):
        explorer_data(frame, whole, counts=counts.drop(columns="n"))
    with pytest.raises(TypeError, match="counts: expected a pandas DataFrame"):
        explorer_data(frame, whole, counts=[1])
    with pytest.raises(ValueError, match=r"counts: expected whole numbers of hits >= 1 in column n, got 0"):
        explorer_data(frame, whole, counts=counts.assign(n=0))
    with pytest.raises(ValueError, match=r"counts: expected whole numbers of hits >= 1 in column n, got 'x'"):
        explorer_data(frame, whole, counts=counts.astype({"n": object}).assign(n="x"))
    other = pd.concat([counts, pd.DataFrame({"category": ["hedging"], "entry": ["zzz"], "outlet": ["o01"],
                                             "n": [10 ** 6]})], ignore_index=True)
    with pytest.raises(ValueError, match=r"hits: no hit of the cue 'zzz' \(hedging\) that counts list"):
        explorer_data(frame, whole, counts=other)


def test_a_run_in_tiny_chunks_and_pieces_writes_the_same_report(project, monkeypatch):
    import shutil

    from framing.experiment import stages
    from framing.experiment.config import load_config
    from framing.experiment.runner import run

    from .test_runner import LIGHT

    config = load_config(project / "exp.toml", overrides=[LIGHT])
    whole = run(config, runs_dir=project / "whole", use_cache=False)
    original = stages.Stages.__init__

    def small(self, *args, **kwargs):
        kwargs.setdefault("chunk_rows", 7)
        original(self, *args, **kwargs)

    monkeypatch.setattr(stages.Stages, "__init__", small)
    monkeypatch.setattr(stages, "PIECE_ROWS", 3)
    pieces = list(stages.Stages._pieces([pd.DataFrame({"a": range(7)})]))
    assert [len(p) for p in pieces] == [3, 3, 1] and list(pieces[2].index) == [0]
    first = run(config, runs_dir=project / "runs")
    assert (first.run_dir / "report.html").read_bytes() == (whole.run_dir / "report.html").read_bytes()
    for path in sorted(whole.run_dir.rglob("*.csv")):
        assert (first.run_dir / path.relative_to(whole.run_dir)).read_bytes() == path.read_bytes(), path.name
    shutil.rmtree(first.run_dir)
    again = run(config, runs_dir=project / "runs")  # the report's hits from the cache
    assert "hits" in again.cache_hits
    assert (again.run_dir / "report.html").read_bytes() == (whole.run_dir / "report.html").read_bytes()
