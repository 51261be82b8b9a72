"""framing.match.engine.score_files: workers read their own parts of a
JSONL corpus; tables, rows files, reports and errors equal those of
score_stream(iter_documents(...)) for any n_jobs, part count and engine."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from framing.corpus.readers import CorpusError, iter_documents
from framing.match.engine import score_files, score_stream

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample" / "articles.jsonl"


def previous(path, tmp_path, suffix=".csv", **options):
    reports = []
    out = tmp_path / f"previous{suffix}"
    reader = {k: options.pop(k) for k in ("on_error", "fallback_encoding") if k in options}
    try:
        table = score_stream(iter_documents(path, report=reports.append, **reader), output=out, **options)
    except CorpusError as err:
        return ("error", str(err)), reports, None
    return table, reports, out.read_bytes()


def files(path, tmp_path, suffix=".csv", name="files", **options):
    reports = []
    out = tmp_path / f"{name}{suffix}"
    try:
        table = score_files(path, output=out, report=reports.append, **options)
    except CorpusError as err:
        return ("error", str(err)), reports, None
    return table, reports, out.read_bytes()


def same(a, b):
    if isinstance(a[0], tuple) or isinstance(b[0], tuple):
        assert a[0] == b[0]
    else:
        pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    assert a[1:] == b[1:]


@pytest.mark.parametrize("n_jobs, part_bytes, chunk_size", [(1, 10**9, 256), (1, 200, 2), (2, 1, 3), (2, 500, 256)])
def test_equals_the_previous_path(tmp_path, n_jobs, part_bytes, chunk_size):
    same(files(SAMPLE, tmp_path, n_jobs=n_jobs, part_bytes=part_bytes, chunk_size=chunk_size),
         previous(SAMPLE, tmp_path, chunk_size=chunk_size))


def write_bad(tmp_path):
    recs = [{"doc_id": f"d{i}", "outlet": "ABC"[i % 3], "text": f"The so-called crisis {i}, allegedly."}
            for i in range(12)]
    lines = [json.dumps(r) for r in recs]
    lines[3] = "{broken"
    lines[5] = json.dumps({**recs[5], "doc_id": "d1"})   # duplicate of line 2
    lines[9] = json.dumps({**recs[9], "doc_id": "d1"})   # again
    lines[10] = json.dumps({**recs[10], "text": ""})
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("on_error", ["raise", "skip"])
@pytest.mark.parametrize("n_jobs, part_bytes", [(1, 1), (1, 10**9), (2, 150)])
def test_bad_records_equal_the_previous_path(tmp_path, on_error, n_jobs, part_bytes):
    path = write_bad(tmp_path)
    got = files(path, tmp_path, n_jobs=n_jobs, part_bytes=part_bytes, on_error=on_error, chunk_size=2)
    want = previous(path, tmp_path, on_error=on_error, chunk_size=2)
    same(got, want)
    if on_error == "raise":
        assert "line 4: malformed JSON" in got[0][1]
    else:
        assert [r.line for r in got[1][0].skipped] == [4, 6, 10, 11]
        assert "duplicate doc_id 'd1' (first at line 2)" in got[1][0].skipped[2].message


def test_duplicate_across_parts_raises_like_the_previous_path(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text("".join(json.dumps({"doc_id": d, "outlet": "X", "text": "a crisis"}) + "\n" for d in "abcb"))
    got = files(path, tmp_path, part_bytes=1, n_jobs=2)
    same(got, previous(path, tmp_path))
    assert got[0][1].endswith("line 4, field 'doc_id': duplicate doc_id 'b' (first at line 2)")


def test_gzip_shards_and_parquet(tmp_path):
    pytest.importorskip("pyarrow")
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    shards = tmp_path / "shards"
    shards.mkdir()
    for k in range(3):
        (shards / f"s{k}.jsonl.gz").write_bytes(gzip.compress(b"".join(lines[k::3]), mtime=0))
    joined = tmp_path / "joined.jsonl"
    joined.write_bytes(b"".join(lines[k::3][i] for k in range(3) for i in range(len(lines[k::3]))))
    pattern = str(shards / "s*.jsonl.gz")
    a = files(pattern, tmp_path, n_jobs=2, suffix=".parquet", name="a")
    b = files(joined, tmp_path, n_jobs=1, part_bytes=300, suffix=".parquet", name="b", chunk_size=1)
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    assert a[2] == b[2]  # byte-identical Parquet whatever the parts and chunks
    rows = pd.read_parquet(tmp_path / "a.parquet")
    _, _, csv = previous(joined, tmp_path)
    want = pd.read_csv(tmp_path / "previous.csv", keep_default_na=False, na_values=[""])
    assert rows["count"].dtype == "int32" and len(rows) == len(want)
    assert rows["doc_id"].tolist() == want["doc_id"].astype(str).tolist()
    assert (rows["count"].to_numpy() == want["count"].to_numpy()).all()


def test_other_formats_fall_back(tmp_path):
    frame = pd.read_json(SAMPLE, lines=True)
    csv = tmp_path / "c.csv"
    frame.to_csv(csv, index=False)
    same(files(csv, tmp_path, n_jobs=2), previous(csv, tmp_path))
    same(files(SAMPLE, tmp_path, read_in="main"), previous(SAMPLE, tmp_path))
    with pytest.raises(ValueError, match="read_in: expected one of"):
        score_files(SAMPLE, read_in="both")


def test_dask_engine_reads_parts_in_workers(tmp_path):
    distributed = pytest.importorskip("distributed")
    want = previous(SAMPLE, tmp_path)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = files(SAMPLE, tmp_path, engine="dask", scheduler=client, part_bytes=400)
        bad = write_bad(tmp_path)
        err = files(bad, tmp_path, engine="dask", scheduler=client, part_bytes=1, name="bad")
    same(got, want)
    same(err, previous(bad, tmp_path))


def test_cli_reads_in_workers_and_in_main(tmp_path, capsys):
    from framing.cli.app import main

    outs = []
    for name, extra in (("workers", ["--n-jobs", "2"]), ("main", ["--read-in", "main"]), ("default", [])):
        out, agg = tmp_path / f"{name}.csv", tmp_path / f"{name}_agg.csv"
        argv = ["score", str(SAMPLE), "-o", str(out), "--by-output", str(agg), "--quiet"]
        assert main(argv + (["--engine", "local"] if name != "default" else []) + extra) == 0
        outs.append((out.read_bytes(), agg.read_bytes()))
    assert outs[0] == outs[1]
    assert outs[0][0] == outs[2][0]


def test_cli_errors_and_hints(tmp_path, capsys):
    from framing.cli.app import main

    # every --by streams on the local engine (the default), so --read-in applies to any of them
    tables = []
    for read_in in ("main", "workers"):
        agg = tmp_path / f"{read_in}_by.csv"
        assert main(["score", str(SAMPLE), "--read-in", read_in, "--by", "outlet_group", "--n-jobs", "2", "--quiet",
                     "--by-output", str(agg)]) == 0
        tables.append(agg.read_bytes())
    assert tables[0] == tables[1] and b"opinionated" in tables[0]
    capsys.readouterr()
    path = tmp_path / "no_outlet.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "text": "a crisis"}) + "\n")
    assert main(["score", str(path), "--engine", "local", "--n-jobs", "2"]) == 1
    assert "(on the command line: --outlet NAME or --field outlet=COLUMN)" in capsys.readouterr().err
    assert main(["score", str(tmp_path / "none*.jsonl"), "--engine", "local"]) == 1
    assert "no file matches the pattern" in capsys.readouterr().err


def test_dask_engine_on_its_own_local_cluster(tmp_path):
    """scheduler=None: the engine starts a LocalCluster whose worker
    processes are forked from this one (no re-import, no recompiling);
    rows, table and report equal the local engine's."""
    pytest.importorskip("distributed")
    same(files(SAMPLE, tmp_path, engine="dask", part_bytes=400, name="dask"), files(SAMPLE, tmp_path, n_jobs=2))


def test_read_in_auto_lets_the_main_process_read_a_corpus_of_fewer_parts_than_workers(tmp_path, monkeypatch):
    # one .jsonl.gz file is one part: with two local workers "auto" reads it in the main process (both workers
    # score), an uncompressed file cut into parts is read by the workers; the same rows, table and report
    import framing.match.engine as engine_module

    gz = tmp_path / "corpus.jsonl.gz"
    with open(SAMPLE, "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    streamed = []
    real = engine_module.score_stream
    monkeypatch.setattr(engine_module, "score_stream", lambda *a, **k: streamed.append(1) or real(*a, **k))
    auto = files(gz, tmp_path, name="auto", n_jobs=2, read_in="auto")
    assert streamed == [1]
    same(auto, files(gz, tmp_path, name="workers", n_jobs=2, read_in="workers"))
    same(auto, previous(gz, tmp_path))
    streamed.clear()
    same(files(SAMPLE, tmp_path, name="cut", n_jobs=2, part_bytes=500, read_in="auto"), previous(SAMPLE, tmp_path))
    assert streamed == []
    with pytest.raises(ValueError, match="read_in: expected one of"):
        score_files(SAMPLE, read_in="both")
