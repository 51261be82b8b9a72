"""framing.corpus.readers partitions of a Parquet file: plan_parts packs
whole row groups, iter_part reads them and PartsMerger gives exactly what
iter_documents gives (documents, report, errors with their rows,
warnings), whatever the number of parts."""

from __future__ import annotations

import pytest

from framing.corpus import readers as corpus_mod
from framing.corpus.readers import CorpusError, InputPart, PartsMerger, iter_part, plan_parts
from tests.corpus.test_partitions import parted, serial

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def write(path, records, row_group_size=3, schema=None):
    pq.write_table(pa.Table.from_pylist(records, schema=schema), path, row_group_size=row_group_size)
    return path


def rec(doc_id, text="Some text here.", outlet="X", **extra):
    return {"doc_id": doc_id, "outlet": outlet, "text": text, **extra}


def records(n=10):
    return [rec(f"d{i}", f"Text number {i}.", "AB"[i % 2]) for i in range(n)]


SPLITS = [(1, 1), (10**9, 1), (10**9, 2), (10**9, 3), (200, 1)]


def same_both_ways(path, **options):
    want = serial(path, **options)
    for part_bytes, min_parts in SPLITS:
        assert parted(path, part_bytes=part_bytes, min_parts=min_parts, **options) == want, (part_bytes, min_parts)
    return want


def test_plan_parts_packs_whole_row_groups(tmp_path):
    path = write(tmp_path / "c.parquet", records(10))  # groups of 3, 3, 3, 1 rows
    meta = pq.ParquetFile(path).metadata
    assert meta.num_row_groups == 4
    one = plan_parts(path, part_bytes=10**9)
    assert one == (InputPart(str(path), first_line=0, kind="parquet", row_groups=(0, 4)),)
    every = plan_parts(path, part_bytes=1)
    assert [(p.row_groups, p.first_line, p.index) for p in every] == [((0, 1), 0, 0), ((1, 2), 3, 1), ((2, 3), 6, 2),
                                                                       ((3, 4), 9, 3)]
    assert plan_parts(path, part_bytes=1, min_parts=50) == every  # never more parts than groups
    two = plan_parts(path, part_bytes=10**9, min_parts=2)
    assert [p.row_groups for p in two] == [(0, 2), (2, 4)] and [p.first_line for p in two] == [0, 6]
    # about part_bytes of uncompressed data a part: two groups fit, three do not
    size = meta.row_group(0).total_byte_size
    packed = plan_parts(path, part_bytes=2 * size + 1)
    assert [p.row_groups for p in packed] == [(0, 2), (2, 4)]
    assert all(p.kind == "parquet" and p.start == 0 and p.end is None for p in packed)
    other = write(tmp_path / "c.data", records(4))
    assert [p.row_groups for p in plan_parts(other, format="parquet", part_bytes=1)] == [(0, 1), (1, 2)]
    assert plan_parts(other) is None  # not a known suffix: not cut


def test_one_group_empty_file_and_unreadable_file(tmp_path):
    single = write(tmp_path / "one.parquet", records(3), row_group_size=100)
    assert plan_parts(single, part_bytes=1, min_parts=4) == (
        InputPart(str(single), first_line=0, kind="parquet", row_groups=(0, 1)),)
    docs, _, _ = same_both_ways(single)
    assert [d.doc_id for d in docs] == ["d0", "d1", "d2"]

    empty = write(tmp_path / "empty.parquet", [], schema=pa.schema([("doc_id", pa.string()), ("outlet", pa.string()),
                                                                    ("text", pa.string())]))
    assert len(plan_parts(empty, part_bytes=1, min_parts=2)) == 1
    got = same_both_ways(empty)
    assert got[0][:2] == ("error", f"{empty}: no records (the file has no rows)")

    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"this is not Parquet at all")
    assert plan_parts(broken, part_bytes=1) == (InputPart(str(broken), first_line=0, kind="parquet"),)
    got = same_both_ways(broken)
    assert got[0][0] == "error" and got[0][1].startswith(f"{broken}: not a readable Parquet file (")


@pytest.mark.parametrize("on_error", ["raise", "skip", "warn"])
def test_duplicate_ids_across_groups_and_bad_records(tmp_path, on_error):
    recs = records(12)
    recs[7] = rec("d1", "A copy of the id of row 1.")  # row 7 (group 2) repeats the id of row 1 (group 0)
    recs[4] = rec("d4", None)  # missing text in group 1
    recs[5] = rec("d1", "Within group 1 too.")  # row 5 repeats row 1 as well
    path = write(tmp_path / "bad.parquet", recs)
    docs, reports, caught = same_both_ways(path, on_error=on_error)
    if on_error == "raise":
        assert docs[1] == f"{path}, row 4, field 'text': text is missing (source key 'text'; keys: doc_id, outlet, text)"
        assert docs[2] == 4
    else:
        rep = reports[0]
        assert [(r.line, r.reason) for r in rep.skipped] == [(4, "missing field"), (5, "duplicate doc_id"),
                                                            (7, "duplicate doc_id")]
        assert rep.skipped[2].message == f"{path}, row 7, field 'doc_id': duplicate doc_id 'd1' (first at row 1)"
        assert rep.n_read == 12 and rep.n_kept == 9
        assert [d.doc_id for d in docs] == [f"d{i}" for i in (0, 1, 2, 3, 6, 8, 9, 10, 11)]
        assert bool(caught) == (on_error == "warn")


def test_duplicate_across_parts_raises_with_both_rows(tmp_path):
    path = write(tmp_path / "dup.parquet", [rec(d) for d in "abcdefgb"])
    got = same_both_ways(path)
    assert got[0][1] == f"{path}, row 7, field 'doc_id': duplicate doc_id 'b' (first at row 1)"
    merger = PartsMerger(str(path))
    with pytest.raises(CorpusError, match=r"dup\.parquet, row 7, field 'doc_id': duplicate doc_id 'b' \(first at row 1\)"):
        for part in plan_parts(path, part_bytes=1):
            outcomes = []
            list(iter_part(part, report=outcomes.append))
            merger.add(outcomes[0])


def test_field_mapping_generated_ids_and_notes(tmp_path):
    recs = [{"id": f"x{i}", "source": i % 3, "content": f"Body {i}.", "extra": i} for i in range(11)]
    path = write(tmp_path / "mapped.parquet", recs)
    docs, reports, _ = same_both_ways(path, fields={"text": "content", "outlet": "source", "doc_id": "id"})
    assert [d.doc_id for d in docs][:2] == ["x0", "x1"] and docs[2].outlet == "2" and docs[3].extra == {"extra": 3}
    assert any("outlet" in w for w in reports[0].warnings)  # integers turned into text: counted, with rows
    # no id column: ids from the 0-based rows, also in later parts
    docs, reports, _ = same_both_ways(path, fields={"text": "content", "outlet": "source", "doc_id": None},
                                      id_prefix="p")
    assert [d.doc_id for d in docs][9:] == ["p-000009", "p-000010"]


def test_all_skipped_and_bad_part_kind(tmp_path):
    path = write(tmp_path / "blank.parquet", [rec(f"d{i}", " ") for i in range(5)])
    got = same_both_ways(path, on_error="skip")
    assert got[0][0] == "error" and "no records left: all 5 records read were skipped (empty text: 5)" in got[0][1]
    with pytest.raises(ValueError, match=r"part.kind: expected one of 'jsonl', 'parquet', got 'csv'"):
        iter_part(InputPart(str(path), kind="csv"), report=print)


def test_pattern_of_parquet_files_and_no_pyarrow(tmp_path, monkeypatch):
    write(tmp_path / "a.parquet", records(2))
    write(tmp_path / "b.parquet", records(2))
    with pytest.raises(ValueError, match=r"must match JSONL files only .*Parquet files are taken one at a time\), "
                                         r"got .*a\.parquet"):
        plan_parts(tmp_path / "*.parquet")
    real = corpus_mod.importlib.util.find_spec
    monkeypatch.setattr(corpus_mod.importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(ImportError, match=r"a\.parquet needs pyarrow: pip install framing-toolkit\[parquet\]"):
        plan_parts(tmp_path / "a.parquet")
    with pytest.raises(ImportError, match=r"a\.parquet needs pyarrow: pip install framing-toolkit\[parquet\]"):
        next(iter_part(InputPart(str(tmp_path / "a.parquet"), first_line=0, kind="parquet", row_groups=(0, 1)),
                       report=print))


def test_broken_row_group_is_reported_at_its_first_row(tmp_path):
    path = write(tmp_path / "corrupt.parquet", [rec(f"d{i}", f"Body number {i} " * 20) for i in range(12)])
    column = pq.ParquetFile(path).metadata.row_group(2).column(2)  # the text of rows 6-8
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start + 8:start + 40] = b"\xff" * 32  # the page header cannot be read
    path.write_bytes(bytes(data))
    got = same_both_ways(path, on_error="skip")  # a broken file always raises
    assert got[0][0] == "error" and got[0][2] == 6
    with pytest.raises(CorpusError, match=r"corrupt\.parquet, row 6: not a readable Parquet file \("):
        list(corpus_mod.iter_documents(path))
