"""Tables written per slice (framing.experiment.outputs): CSV bytes equal
to one ``to_csv``, Parquet row groups with compact dtypes, the sinks."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import framing.experiment.outputs as outputs
from framing.experiment.outputs import (
    PARQUET_MAX_CATEGORIES,
    SLICE_ROWS,
    FolderSink,
    MemorySink,
    Writer,
    table_bytes,
    write_csv,
    write_parquet,
)
from framing.experiment.store import file_sha256

pq = pytest.importorskip("pyarrow.parquet")


def reference_csv(frame: pd.DataFrame) -> bytes:
    """What a run wrote before tables were streamed (the pinned bytes)."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def mixed_frame(n: int, seed: int = 0) -> pd.DataFrame:
    """Every kind of column a run's tables hold, with awkward values."""
    rng = np.random.default_rng(seed)
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-320, 300, size=n)
    specials = np.array([np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308, -0.0, 0.1, 1e16, 123456789.0])
    floats[: min(n, len(specials))] = specials[: min(n, len(specials))]
    words = np.array(["plain", "a,comma", 'a "quote"', "new\nline", "façade", "中文", "", " lead", "tab\there",
                      "crlf\r\nend"], dtype=object)
    text = words[rng.integers(0, len(words), size=n)].astype(object)
    text[::7] = None
    outlet = pd.Categorical(rng.choice(["calm", "loud", "mixed"], size=n), categories=["calm", "loud", "mixed", "unseen"])
    codes = rng.integers(-1, 3, size=n)  # -1: missing
    category = pd.Categorical.from_codes(codes, categories=["threat", "a,b", 'say "x"', "never"])
    return pd.DataFrame({
        "doc_id": pd.Categorical([f"d{i}" for i in range(n)]),
        "outlet": outlet,
        "category": category,
        "count": rng.integers(0, 50, size=n).astype("int32"),
        "n_tokens": rng.integers(0, 10**12, size=n),
        "rate": floats,
        "small": rng.random(size=n).astype("float32"),
        "flag": rng.random(size=n) < 0.5,
        "text": text,
        "label": pd.array(rng.choice(["x", "y"], size=n), dtype="str"),
        "nullable": pd.array(np.where(rng.random(size=n) < 0.2, None, rng.integers(0, 9, size=n)), dtype="Int64"),
    })


SIZES = [0, 1, 7, SLICE_ROWS, 2 * SLICE_ROWS + 5]


@pytest.mark.parametrize("n", SIZES)
def test_csv_bytes_equal_one_to_csv_for_every_slicing(n):
    frame = mixed_frame(n)
    assert table_bytes(frame, "csv") == reference_csv(frame)


def test_csv_of_an_empty_and_a_columnless_frame():
    for frame in (pd.DataFrame({"a": pd.Series([], dtype="int32"), "b": pd.Categorical([])}), pd.DataFrame()):
        assert table_bytes(frame, "csv") == reference_csv(frame)


def test_csv_of_datetime_columns_matches_to_csv(monkeypatch):
    # a datetime column's text depends on the rows formatted together (dates only or with times)
    monkeypatch.setattr(outputs, "SLICE_ROWS", 3)
    frame = pd.DataFrame({"day": pd.to_datetime(["2025-01-01"] * 4 + ["2025-01-01 10:30", None], format="ISO8601"),
                          "span": pd.to_timedelta([1, 2, 3, 4, 5, None], unit="D"),
                          "n": np.arange(6)})
    assert table_bytes(frame, "csv") == reference_csv(frame)


def test_csv_slices_are_written_one_by_one(monkeypatch):
    monkeypatch.setattr(outputs, "SLICE_ROWS", 4)
    writes: list[bytes] = []

    class Recorder(io.BytesIO):
        def write(self, data):
            writes.append(bytes(data))
            return super().write(data)

    frame = mixed_frame(10)
    buffer = Recorder()
    write_csv(frame, buffer)
    assert len(writes) == 3 and buffer.getvalue() == reference_csv(frame)
    assert writes[0].startswith(b"doc_id,outlet,") and not writes[1].startswith(b"doc_id")


def read_back(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


@pytest.mark.parametrize("n", [0, 7, SLICE_ROWS + 3])
def test_parquet_reads_back_the_same_values_and_dtypes(n):
    frame = mixed_frame(n)
    back = read_back(table_bytes(frame, "parquet"))
    assert list(back.columns) == list(frame.columns)
    for column in ("outlet", "category"):
        assert isinstance(back[column].dtype, pd.CategoricalDtype)
        if n:  # (an empty table has no dictionary page to keep them in)
            assert list(back[column].cat.categories) == list(frame[column].cat.categories)  # unobserved kept
    assert back["count"].dtype == np.int32 and back["small"].dtype == np.float32 and back["flag"].dtype == bool
    pd.testing.assert_frame_equal(back, frame, check_dtype=False, check_categorical=False)


def test_parquet_row_group_per_slice_and_compact_types(monkeypatch):
    monkeypatch.setattr(outputs, "SLICE_ROWS", 4)
    frame = mixed_frame(10)
    data = table_bytes(frame, "parquet")
    meta = pq.ParquetFile(io.BytesIO(data))
    assert meta.metadata.num_row_groups == 3
    assert [meta.metadata.row_group(i).num_rows for i in range(3)] == [4, 4, 2]
    schema = meta.schema_arrow
    assert str(schema.field("count").type) == "int32"
    assert str(schema.field("outlet").type).startswith("dictionary<values=string")
    pd.testing.assert_frame_equal(read_back(data), frame, check_dtype=False, check_categorical=False)


def test_parquet_categorical_of_very_many_categories_is_written_as_plain_values():
    n = PARQUET_MAX_CATEGORIES + 10
    ids = [f"doc-{i:06d}" for i in range(n)]
    frame = pd.DataFrame({"doc_id": pd.Categorical(ids[::-1] * 2, categories=ids),
                          "outlet": pd.Categorical(["a", "b"] * n), "count": np.arange(2 * n, dtype="int32")})
    data = table_bytes(frame, "parquet")
    schema = pq.ParquetFile(io.BytesIO(data)).schema_arrow
    assert "dictionary" not in str(schema.field("doc_id").type)
    assert str(schema.field("outlet").type).startswith("dictionary")
    back = read_back(data)
    assert back["doc_id"].astype(str).tolist() == frame["doc_id"].astype(str).tolist()
    assert isinstance(back["outlet"].dtype, pd.CategoricalDtype) and back["count"].dtype == np.int32


def test_parquet_object_column_typed_from_all_its_values(monkeypatch):
    monkeypatch.setattr(outputs, "SLICE_ROWS", 2)
    frame = pd.DataFrame({"note": [None, None, "late", None, "x"], "n": [1, 2, 3, 4, 5]})
    back = read_back(table_bytes(frame, "parquet"))
    assert back["note"].tolist()[2::2] == ["late", "x"] and back["note"].isna().sum() == 3


def test_parquet_bytes_are_deterministic():
    frame = mixed_frame(SLICE_ROWS + 3, seed=3)
    first = table_bytes(frame, "parquet")
    assert table_bytes(frame.copy(), "parquet") == first
    buffer = io.BytesIO()
    write_parquet(frame, buffer)
    assert buffer.getvalue() == first


def test_table_bytes_refuses_an_unknown_format():
    with pytest.raises(ValueError, match=r"fmt: expected one of csv, parquet, got 'xlsx'"):
        table_bytes(pd.DataFrame({"a": [1]}), "xlsx")


def test_folder_sink_records_the_hash_of_what_it_streams(tmp_path):
    sink = FolderSink(tmp_path)
    frame = mixed_frame(20)
    sink.stream("tables/t.csv", lambda f: write_csv(frame, f))
    sink.stream("tables/t.parquet", lambda f: write_parquet(frame, f))
    sink.put("report.html", b"<html></html>")
    assert (tmp_path / "tables" / "t.csv").read_bytes() == reference_csv(frame)
    assert sink.outputs == {rel: file_sha256(tmp_path / rel) for rel in ("tables/t.csv", "tables/t.parquet",
                                                                          "report.html")}
    memory = MemorySink()
    memory.stream("tables/t.parquet", lambda f: write_parquet(frame, f))
    assert memory.files["tables/t.parquet"] == (tmp_path / "tables" / "t.parquet").read_bytes()


def _outputs(**kw):
    base = dict(tables=("csv",), figures=(), dpi=150, report_rows=50, large_rows=1_000_000, large_tables=("parquet",))
    return SimpleNamespace(**{**base, **kw})


def test_writer_writes_large_tables_in_the_large_formats():
    sink = MemorySink()
    w = Writer(_outputs(large_rows=5), sink)
    small = w.table("small", pd.DataFrame({"a": range(5)}), "Small", note="Five rows.")
    large = w.table("big one", pd.DataFrame({"a": range(6)}), "Large", note="Six rows.")
    assert set(sink.files) == {"tables/small.csv", "tables/big-one.parquet"}
    assert small.href == "tables/small.csv" and small.note == "Five rows."
    assert large.href == "tables/big-one.parquet"
    assert large.note == ("Six rows. 6 rows, more than outputs.large_rows = 5: written as Parquet "
                          "(outputs.large_tables).")
    both = Writer(_outputs(large_rows=5, large_tables=("csv", "parquet"), tables=("csv", "parquet")), MemorySink())
    block = both.table("big", pd.DataFrame({"a": range(6)}), "Large")
    assert set(both.sink.files) == {"tables/big.csv", "tables/big.parquet"} and block.href == "tables/big.csv"
    assert block.note.endswith("written as CSV and Parquet (outputs.large_tables).")
