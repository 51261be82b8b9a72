"""framing.match.engine.score_files on a Parquet corpus: workers read
whole row groups; tables, rows files, reports and errors equal those of
score_stream(iter_documents(...)) for any n_jobs, part size and engine."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from framing.corpus.readers import CorpusError, plan_parts
from framing.match.engine import score_files
from tests.match.test_engine_files import files, previous, same

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample" / "articles.jsonl"


def sample_parquet(tmp_path, row_group_size=7, name="sample.parquet"):
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = tmp_path / name
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=row_group_size)
    return path


def write_bad(tmp_path):
    recs = [{"doc_id": f"d{i}", "outlet": "ABC"[i % 3], "text": f"The so-called crisis {i}, allegedly."}
            for i in range(12)]
    recs[3] = {**recs[3], "text": None}  # missing text, group 1
    recs[5] = {**recs[5], "doc_id": "d1"}  # duplicate of row 1, group 1
    recs[9] = {**recs[9], "doc_id": "d1"}  # again, group 3
    recs[10] = {**recs[10], "text": ""}
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(recs), path, row_group_size=3)
    return path


@pytest.mark.parametrize("n_jobs, part_bytes, chunk_size", [(1, 10**9, 256), (1, 1, 2), (2, 1, 3), (2, 10**9, 256),
                                                            (2, 20_000, 5)])
def test_equals_the_previous_path(tmp_path, n_jobs, part_bytes, chunk_size):
    path = sample_parquet(tmp_path)
    assert len(plan_parts(path, part_bytes=part_bytes, min_parts=n_jobs)) >= n_jobs
    same(files(path, tmp_path, n_jobs=n_jobs, part_bytes=part_bytes, chunk_size=chunk_size),
         previous(path, tmp_path, chunk_size=chunk_size))


def test_parquet_rows_file_and_by(tmp_path):
    path = sample_parquet(tmp_path)
    a = files(path, tmp_path, n_jobs=2, part_bytes=1, suffix=".parquet", name="a", by="outlet_group")
    b = previous(path, tmp_path, suffix=".parquet", by="outlet_group")
    same(a, b)  # byte-identical Parquet rows file


@pytest.mark.parametrize("on_error", ["raise", "skip", "warn"])
@pytest.mark.parametrize("n_jobs, part_bytes", [(1, 1), (1, 10**9), (2, 1)])
def test_bad_records_equal_the_previous_path(tmp_path, on_error, n_jobs, part_bytes):
    path = write_bad(tmp_path)
    with warnings.catch_warnings(record=True) as got_warnings:
        warnings.simplefilter("always")
        got = files(path, tmp_path, n_jobs=n_jobs, part_bytes=part_bytes, on_error=on_error, chunk_size=2)
    with warnings.catch_warnings(record=True) as want_warnings:
        warnings.simplefilter("always")
        want = previous(path, tmp_path, on_error=on_error, chunk_size=2)
    same(got, want)
    assert [str(w.message) for w in got_warnings] == [str(w.message) for w in want_warnings]
    assert len(got_warnings) == (on_error == "warn")
    if on_error == "raise":
        assert got[0][1] == f"{path}, row 3, field 'text': text is missing (source key 'text'; keys: doc_id, outlet, text)"
    else:
        assert [r.line for r in got[1][0].skipped] == [3, 5, 9, 10]
        assert got[1][0].skipped[2].message == f"{path}, row 9, field 'doc_id': duplicate doc_id 'd1' (first at row 1)"


def test_duplicate_across_parts_raises_like_the_previous_path(tmp_path):
    path = tmp_path / "dup.parquet"
    pq.write_table(pa.Table.from_pylist([{"doc_id": d, "outlet": "X", "text": "a crisis"} for d in "abcdefgb"]), path,
                   row_group_size=3)
    same(files(path, tmp_path, part_bytes=1, n_jobs=2), previous(path, tmp_path))
    with pytest.raises(CorpusError, match=r"dup\.parquet, row 7, field 'doc_id': duplicate doc_id 'b' \(first at row 1\)"):
        score_files(path, part_bytes=1, n_jobs=2)
    empty = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"doc_id": pa.array([], pa.string()), "outlet": pa.array([], pa.string()),
                             "text": pa.array([], pa.string())}), empty)
    with pytest.raises(CorpusError, match=r"empty\.parquet: no records \(the file has no rows\)"):
        score_files(empty, n_jobs=2, read_in="workers")


def test_auto_reads_one_group_in_main(tmp_path, monkeypatch):
    import framing.match.engine as engine

    one = sample_parquet(tmp_path, row_group_size=1000, name="one.parquet")
    many = sample_parquet(tmp_path, name="many.parquet")
    calls = []
    real = engine.iter_documents
    monkeypatch.setattr(engine, "iter_documents", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    want = previous(one, tmp_path)
    same(files(one, tmp_path, n_jobs=2, read_in="auto"), want)
    assert calls == [one]  # one part, two workers: the main process reads
    same(files(many, tmp_path, n_jobs=2, read_in="auto"), previous(many, tmp_path))
    same(files(one, tmp_path, n_jobs=2, read_in="workers"), want)
    assert calls == [one]


def test_dask_engine_reads_row_groups_in_workers(tmp_path):
    distributed = pytest.importorskip("distributed")
    path = sample_parquet(tmp_path)
    bad = write_bad(tmp_path)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        # calls that raise alternate with calls that succeed on one client: the scattered lexicon gets a fresh
        # key each call (with content-hash keys, a call right after one that raised could lose it)
        for _ in range(3):
            err = files(bad, tmp_path, engine="dask", scheduler=client, part_bytes=1, name="bad")
            got = files(path, tmp_path, engine="dask", scheduler=client, part_bytes=1)
            skip = files(bad, tmp_path, engine="dask", scheduler=client, part_bytes=1, name="skip", on_error="skip")
            same(got, previous(path, tmp_path))
            same(err, previous(bad, tmp_path))
            same(skip, previous(bad, tmp_path, on_error="skip"))
