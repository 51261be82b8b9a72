from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pandas as pd
import pytest

from framing.experiment.store import (
    MANIFEST_SCHEMA,
    HashCache,
    StageCache,
    canonical_bytes,
    file_sha256,
    frame_from_bytes,
    frame_to_bytes,
    path_sha256,
    read_manifest,
    verify_run,
    write_atomic,
    write_stream,
)


def test_canonical_bytes_sorted_compact_and_refuses_nan():
    assert canonical_bytes({"b": 1, "a": [1.5, "é"]}) == '{"a":[1.5,"é"],"b":1}\n'.encode("utf-8")
    with pytest.raises(ValueError, match="non-finite"):
        canonical_bytes({"x": float("nan")})


def test_file_and_folder_hashes(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"hello")
    assert path_sha256(f) == (hashlib.sha256(b"hello").hexdigest(), 5)
    folder = tmp_path / "corpus"
    (folder / "x").mkdir(parents=True)
    (folder / "x" / "1.txt").write_text("one")
    (folder / "2.txt").write_text("two")
    (folder / ".hidden").write_text("ignored")
    first, size = path_sha256(folder)
    assert size == 6
    (folder / ".hidden").write_text("still ignored")
    assert path_sha256(folder)[0] == first
    (folder / "x" / "1.txt").rename(folder / "x" / "3.txt")  # a rename changes the hash
    assert path_sha256(folder)[0] != first
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        path_sha256(tmp_path / "missing")


def test_hash_cache_reuses_by_size_and_mtime(tmp_path):
    f = tmp_path / "data.bin"
    f.write_bytes(b"abc")
    store = tmp_path / "hashes.json"
    cache = HashCache(store)
    digest = cache.file(f)
    cache.save()
    again = HashCache(store)
    assert again.file(f) == digest
    # a changed file (size differs) is re-hashed
    f.write_bytes(b"abcd")
    assert again.file(f) == hashlib.sha256(b"abcd").hexdigest()


def test_unreadable_hash_cache_is_rebuilt_with_a_warning(tmp_path):
    store = tmp_path / "hashes.json"
    store.write_text("{not json")
    with pytest.warns(UserWarning, match="hashes.json.*rebuilt"):
        cache = HashCache(store)
    f = tmp_path / "x"
    f.write_bytes(b"x")
    assert cache.file(f) == hashlib.sha256(b"x").hexdigest()


def test_write_atomic_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    write_atomic(target, b"a,b\n")
    write_atomic(target, b"a,b\n1,2\n")
    assert target.read_bytes() == b"a,b\n1,2\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.csv"]
    old = os.umask(0o022)
    try:
        write_atomic(target, b"x")
        assert target.stat().st_mode & 0o777 == 0o644  # as an ordinary open() would, not mkstemp's 0600
    finally:
        os.umask(old)


def test_write_stream_hashes_what_it_writes_from_chunks_or_a_callback(tmp_path):
    target = tmp_path / "sub" / "t.csv"
    chunks = [b"a,b\n", bytearray(b"1,2\n"), memoryview(b"3,4\n")]
    digest = write_stream(target, iter(chunks))
    assert target.read_bytes() == b"a,b\n1,2\n3,4\n"
    assert digest == hashlib.sha256(b"a,b\n1,2\n3,4\n").hexdigest() == file_sha256(target)

    def write(handle):
        for i in range(1000):
            assert handle.tell() == 6 * i
            handle.write(f"{i:05d}\n".encode())

    digest = write_stream(target, write)
    assert digest == file_sha256(target) and target.stat().st_size == 6000
    assert sorted(p.name for p in target.parent.iterdir()) == ["t.csv"]
    old = os.umask(0o022)
    try:
        write_stream(target, [b"x"])
        assert target.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


def test_write_stream_failure_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    write_atomic(target, b"old")

    def broken(handle):
        handle.write(b"half")
        raise RuntimeError("writer died")

    with pytest.raises(RuntimeError, match="writer died"):
        write_stream(target, broken)
    with pytest.raises(TypeError, match=r"source: chunk 1 is str, expected bytes"):
        write_stream(target, [b"a", "b"])
    with pytest.raises(TypeError, match=r"source: expected a writer callback or an iterable of byte chunks, got "
                                        r"bytes \(use write_atomic"):
        write_stream(target, b"whole")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def _sample_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": pd.Series(["a", "b", "c"], dtype="str"),
        "outlet": pd.Series(["x", None, "y"], dtype="str"),
        "authors": pd.Series([["A", "B"], [], None], dtype=object),
        "count": np.array([1, 2, 3], dtype=np.int64),
        "rate": np.array([0.1, np.nan, 1 / 3]),
        "flag": np.array([True, False, True]),
        "mixed": pd.Series([1, "two", None], dtype=object),
    })


def test_frame_codec_round_trip_exactly_without_pickle(tmp_path):
    frame = _sample_frame()
    data = frame_to_bytes(frame)
    back = frame_from_bytes(data)
    pd.testing.assert_frame_equal(back, frame)
    # the file loads with allow_pickle=False (np.load raises on object arrays otherwise)
    path = tmp_path / "f.npz"
    path.write_bytes(data)
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[name].dtype != object for name in npz.files)


def test_frame_codec_round_trips_categoricals_as_codes(tmp_path):
    frame = pd.DataFrame({
        "doc_id": pd.Categorical(["b", "a", "b", None], categories=["a", "b", "z"]),  # unobserved "z", a missing cell
        "level": pd.Categorical(["lo", "hi", "lo", "hi"], categories=["lo", "hi"], ordered=True),
        "n": pd.Categorical([3, 1, 3, 2]),  # non-string categories
        "count": np.array([1, 2, 3, 4], dtype=np.int32),
    })
    data = frame_to_bytes(frame)
    back = frame_from_bytes(data)
    pd.testing.assert_frame_equal(back, frame)
    assert list(back["doc_id"].cat.categories) == ["a", "b", "z"] and back["level"].cat.ordered
    path = tmp_path / "f.npz"
    path.write_bytes(data)
    with np.load(path, allow_pickle=False) as npz:  # codes as an integer array, not one JSON cell per row
        assert npz["c0"].dtype.kind == "i" and len(npz["c0"]) == 4


def test_frame_codec_rejects_unstorable_cells():
    frame = pd.DataFrame({"x": pd.Series([object()], dtype=object)})
    with pytest.raises(TypeError, match="cannot store a cell of type object"):
        frame_to_bytes(frame)


def test_stage_cache_hits_and_misses(tmp_path):
    cache = StageCache(tmp_path / "cache")
    key = StageCache.key(stage="scores", corpus="abc")
    assert key == StageCache.key(corpus="abc", stage="scores")  # order of parts does not matter
    assert cache.get_frame("scores", key) is None
    cache.put_frame("scores", key, _sample_frame())
    pd.testing.assert_frame_equal(cache.get_frame("scores", key), _sample_frame())
    cache.put_json("facts", key, {"n": 1})
    assert cache.get_json("facts", key) == {"n": 1}
    assert cache.hits == ["scores", "facts"] and cache.misses == ["scores"]
    off = StageCache(None)
    off.put_frame("scores", key, _sample_frame())
    assert off.get_frame("scores", key) is None and off.get_json("facts", key) is None


def _run_folder(tmp_path):
    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "t.csv").write_bytes(b"a\n1\n")
    (run / "report.html").write_bytes(b"<html></html>")
    (run / "run.log").write_text("log")
    data = tmp_path / "data.jsonl"
    data.write_text("{}\n")
    outputs = {rel: hashlib.sha256((run / rel).read_bytes()).hexdigest() for rel in ("tables/t.csv", "report.html")}
    manifest = {"manifest_schema": MANIFEST_SCHEMA, "outputs": outputs, "unchecked_files": ["run.log"],
                "inputs": {"corpus.path": {"path": str(data), "sha256": path_sha256(data)[0]}}}
    (run / "manifest.json").write_bytes(canonical_bytes(manifest))
    return run, data


def test_verify_detects_one_changed_byte_missing_and_unlisted_files(tmp_path):
    run, data = _run_folder(tmp_path)
    result = verify_run(run, inputs=True)
    assert result.ok and result.n_checked == 3
    assert "all match" in result.summary()
    (run / "tables" / "t.csv").write_bytes(b"a\n2\n")
    (run / "report.html").unlink()
    (run / "extra.txt").write_text("?")
    data.write_text("{}\n{}\n")
    result = verify_run(run, inputs=True)
    assert not result.ok
    text = "\n".join(result.problems)
    assert "changed: tables/t.csv" in text
    assert "missing: report.html" in text
    assert "not in the manifest: extra.txt" in text
    assert "input changed: corpus.path" in text
    assert "4 problem(s)" in result.summary()


def test_read_manifest_errors(tmp_path):
    with pytest.raises(ValueError, match="not a framing run folder"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{oops")
    with pytest.raises(ValueError, match="manifest.json: not valid JSON"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"manifest_schema": 99}))
    with pytest.raises(ValueError, match="not a framing manifest"):
        read_manifest(tmp_path)
