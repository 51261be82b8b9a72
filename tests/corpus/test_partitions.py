"""framing.corpus.readers partitions: plan_parts + iter_part + PartsMerger
read a JSONL corpus exactly as iter_documents does (documents, report,
errors, warnings), whatever the number of parts."""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pytest

from framing.corpus.readers import (CorpusError, InputPart, PartsMerger, doc_id_hashes,
                                    iter_documents, iter_part, plan_parts)

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample" / "articles.jsonl"


def serial(path, **options):
    reports = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            docs = list(iter_documents(path, report=reports.append, **options))
        except CorpusError as err:
            return ("error", str(err), err.line, err.field, err.reason), reports, [str(w.message) for w in caught]
    return docs, reports, [str(w.message) for w in caught]


def parted(path, *, part_bytes=64, min_parts=1, **options):
    parts = plan_parts(path, part_bytes=part_bytes, min_parts=min_parts)
    reports = []
    source = str(Path(path)) if Path(path).exists() else str(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        merger = PartsMerger(source, report=reports.append, **options)
        docs = []
        try:
            for part in parts:
                got, outcomes = [], []
                try:
                    got = list(iter_part(part, report=outcomes.append, **options))
                except CorpusError:
                    pass
                drop = set(merger.add(outcomes[0]))
                docs.extend(d for i, d in enumerate(got) if i not in drop)
            merger.finish()
        except CorpusError as err:
            return ("error", str(err), err.line, err.field, err.reason), reports, [str(w.message) for w in caught]
    return docs, reports, [str(w.message) for w in caught]


def write(path: Path, lines: list[str | bytes]) -> Path:
    data = b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines)
    path.write_bytes(data)
    return path


def rec(doc_id, text="Some text here.", outlet="X", **extra):
    return json.dumps({"doc_id": doc_id, "outlet": outlet, "text": text, **extra})


@pytest.mark.parametrize("part_bytes", [1, 40, 200, 10**9])
def test_sample_equals_serial(part_bytes):
    assert parted(SAMPLE, part_bytes=part_bytes) == serial(SAMPLE)


def test_plan_cuts_at_line_boundaries(tmp_path):
    path = write(tmp_path / "c.jsonl", [rec(f"d{i}", "word " * i) for i in range(1, 30)])
    parts = plan_parts(path, part_bytes=100)
    assert len(parts) > 5 and [p.index for p in parts] == list(range(len(parts)))
    data = path.read_bytes()
    assert parts[0].start == 0 and parts[-1].end == len(data)
    for a, b in zip(parts, parts[1:]):
        assert a.end == b.start and data[b.start - 1:b.start] == b"\n"
        assert b.first_line == 1 + data[:b.start].count(b"\n")


def test_plan_falls_back_and_names_problems(tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("doc_id,outlet,text\n1,X,hi\n")
    assert plan_parts(csv) is None and plan_parts(tmp_path) is None
    gz = tmp_path / "c.jsonl.gz"
    gz.write_bytes(gzip.compress((rec("a") + "\n").encode() * 3))
    assert plan_parts(gz, part_bytes=1) == (InputPart(str(gz)),)
    with pytest.raises(FileNotFoundError, match="no file matches the pattern"):
        plan_parts(tmp_path / "none*.jsonl")
    with pytest.raises(ValueError, match=r"a pattern must match JSONL files only \(.*Parquet files are taken one at a time\)"):
        plan_parts(tmp_path / "c.*")
    with pytest.raises(ValueError, match="part_bytes: expected an integer >= 1, got 0"):
        plan_parts(csv, part_bytes=0)
    with pytest.raises(TypeError, match="report: expected a callable"):
        iter_part(InputPart(str(gz)), report=None)


BAD = [
    rec("a"), "", "{not json", rec("b", date="7/23/17"), rec("a"), json.dumps([1]), rec("c", text=" "),
    rec("b"), rec("d", date="7/24/17"), rec("a"), rec("e"), json.dumps({"doc_id": "f", "text": "x"}), rec("g"),
]


@pytest.mark.parametrize("on_error", ["raise", "skip", "warn"])
@pytest.mark.parametrize("part_bytes", [1, 30, 120, 10**9])
def test_bad_records_and_duplicates_equal_serial(tmp_path, on_error, part_bytes):
    path = write(tmp_path / "bad.jsonl", BAD)
    assert parted(path, part_bytes=part_bytes, on_error=on_error) == serial(path, on_error=on_error)


@pytest.mark.parametrize("part_bytes", [1, 50, 10**9])
def test_duplicate_across_parts_raises_naming_both_lines(tmp_path, part_bytes):
    path = write(tmp_path / "dup.jsonl", [rec("a"), rec("b"), rec("c"), rec("b")])
    got = parted(path, part_bytes=part_bytes)
    assert got == serial(path)
    assert "line 4, field 'doc_id': duplicate doc_id 'b' (first at line 2)" in got[0][1]


@pytest.mark.parametrize("part_bytes", [1, 70, 10**9])
def test_generated_ids_fallback_encoding_and_bom(tmp_path, part_bytes):
    lines = [b"\xef\xbb\xbf" + json.dumps({"outlet": "X", "text": "caf\u00e9 one"}, ensure_ascii=False).encode(),
             json.dumps({"outlet": "X", "text": "t\u00e9l\u00e9"}, ensure_ascii=False).encode("utf-8").replace(b"\xc3\xa9", b"\xe9"),
             json.dumps({"outlet": "Y", "text": "two"}).encode(),
             json.dumps({"outlet": "Y", "text": "\u00e9\u00e9"}, ensure_ascii=False).encode("utf-8").replace(b"\xc3\xa9", b"\xe9")]
    path = write(tmp_path / "enc.jsonl", lines)
    want = serial(path, fallback_encoding="cp1252")
    assert parted(path, part_bytes=part_bytes, fallback_encoding="cp1252") == want
    assert len(want[2]) == 1 and "line 2" in want[2][0]
    assert parted(path, part_bytes=part_bytes) == serial(path)


@pytest.mark.parametrize("lines", [[], [""], [rec("a", text=" ")]])
def test_no_records_equal_serial(tmp_path, lines):
    path = write(tmp_path / "empty.jsonl", lines) if lines else tmp_path / "empty.jsonl"
    path.touch()
    for on_error in ("raise", "skip"):
        assert parted(path, part_bytes=1, on_error=on_error) == serial(path, on_error=on_error)


def test_shards_by_pattern(tmp_path):
    for k in range(3):
        data = "".join(rec(f"s{k}-{i}") + "\n" for i in range(4)).encode()
        (tmp_path / f"part{k}.jsonl.gz").write_bytes(gzip.compress(data, mtime=0))
    (tmp_path / "part9.jsonl").write_text(rec("s0-1") + "\n" + rec("z") + "\n")
    pattern = str(tmp_path / "part*.jsonl*")
    assert len(plan_parts(pattern)) == 4
    docs, _, _ = parted(pattern, on_error="skip")
    assert [d.doc_id for d in docs][-2:] == ["s2-3", "z"]
    err = parted(pattern)[0]
    assert err[0] == "error" and err[2] == 1
    assert f"duplicate doc_id 's0-1' (first at {tmp_path / 'part0.jsonl.gz'} line 2)" in err[1]


def test_hash_collision_is_verified(tmp_path, monkeypatch):
    import framing.corpus.readers as readers

    path = write(tmp_path / "c.jsonl", [rec("a"), rec("b"), rec("c"), rec("a")])
    monkeypatch.setattr(readers, "doc_id_hashes", lambda ids: doc_id_hashes(["same" for _ in ids]))
    assert parted(path, part_bytes=1) == serial(path)
