"""The command line's CSV/TSV writer (``write_table``) writes the bytes of
``DataFrame.to_csv(index=False, lineterminator="\\n")`` for every kind of
frame (strings that need quoting, integers, float64 edge values, other
dtypes)."""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pytest

from framing.cli.common import write_table


def awkward_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = ["plain", "with,comma", 'with "quote"', "line\nbreak", "cr\rhere", "tab\there", "", " space ",
             "ünïcødé 中文 🎉", "nan", "None"]
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-8, 12, n)
    floats[rng.random(n) < 0.1] = np.nan
    floats[rng.random(n) < 0.1] = 0.0
    floats[:6] = [np.inf, -np.inf, -0.0, 1e300, 5e-324, 0.1 + 0.2][: min(6, n)] if n >= 6 else floats[:6]
    return pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(n)],
        "outlet": [names[i % len(names)] for i in range(n)],
        "obj": pd.Series([names[(3 * i) % len(names)] if i % 5 else None for i in range(n)], dtype=object),
        "count": rng.integers(-5, 2 ** 40, n),
        "small": rng.integers(0, 100, n).astype(np.int32),
        "rate": floats,
        "weight": np.round(rng.random(n) * 4, 1),
    })


def via_pandas(frame: pd.DataFrame, sep: str) -> bytes:
    buffer = io.BytesIO()
    frame.to_csv(buffer, index=False, sep=sep, lineterminator="\n", encoding="utf-8")
    return buffer.getvalue()


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_writer_equals_pandas(tmp_path, suffix, sep, n):
    frame = awkward_frame(n)
    path = tmp_path / f"rows{suffix}"
    write_table(frame, str(path))
    assert path.read_bytes() == via_pandas(frame, sep)


def test_writer_on_scores_and_pandas_string_columns(tmp_path):
    from framing.match.scoring import score

    corpus = pd.DataFrame({"doc_id": ["a", "b,1", "c"], "outlet": ['X "x"', "Y", "Y"],
                           "text": ["The claim was disputed, allegedly.", "", "Critics slammed the 'radical' plan."]})
    scores = score(corpus, "framing-cues", voice="all")
    as_str = scores.astype({"doc_id": "str", "outlet": "str", "category": "str"})
    for frame in (scores, as_str):
        path = tmp_path / "rows.csv"
        write_table(frame, str(path))
        assert path.read_bytes() == via_pandas(frame, ",")


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["", "a"]}),  # a lone empty field is quoted
    pd.DataFrame({"a": [True, False], "b": ["x", "y"]}),
    pd.DataFrame({"a": [1.5, 2.5], "b": [1, 2]}, dtype=np.float32),
    pd.DataFrame({"a": ["x", 3], "b": [1, 2]}),
    pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": ["x", "y"]}),
    pd.DataFrame({"a": pd.Categorical(["x", "y"]), "b": [1, 2]}),
    pd.DataFrame({1: ["x", "y"], "b": [1, 2]}),
])
def test_other_frames_have_the_same_bytes(tmp_path, frame):
    path = tmp_path / "t.csv"
    write_table(frame, str(path))
    assert path.read_bytes() == via_pandas(frame, ",")


def test_writer_to_standard_output(monkeypatch):
    frame = awkward_frame(50)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    write_table(frame, None)
    expected = io.StringIO()
    frame.to_csv(expected, index=False, lineterminator="\n")
    assert out.getvalue() == expected.getvalue()


def test_writer_names_a_bad_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"--output .*rows\.txt: use a \.csv, \.tsv or \.parquet file name"):
        write_table(awkward_frame(2), str(tmp_path / "rows.txt"))


@pytest.mark.parametrize("ints", [[0, 1023], [0, 1024], [-1, 5], [2 ** 62, 3], [7, 7]])
def test_integer_cells_small_and_large(tmp_path, ints):
    for dtype in (np.int64, np.int32, np.uint64) if min(ints) >= 0 else (np.int64, np.int32):
        frame = pd.DataFrame({"n": np.array(ints * 3, dtype=dtype if max(ints) < 2 ** 31 or dtype != np.int32 else np.int64),
                              "s": ["a"] * (3 * len(ints))})
        path = tmp_path / "i.csv"
        write_table(frame, str(path))
        assert path.read_bytes() == via_pandas(frame, ",")


def test_writer_opens_files_as_pandas_does(tmp_path, monkeypatch):
    frame = awkward_frame(5)
    with pytest.raises(OSError, match=r"Cannot save file into a non-existent directory: '.*no/such'"):
        write_table(frame, str(tmp_path / "no" / "such" / "rows.csv"))
    (tmp_path / "adir.csv").mkdir()
    with pytest.raises(IsADirectoryError, match=r"\[Errno 21\] Is a directory: '.*adir\.csv'"):
        write_table(frame, str(tmp_path / "adir.csv"))
    monkeypatch.setenv("HOME", str(tmp_path))
    write_table(frame, "~/home.csv")
    assert (tmp_path / "home.csv").read_bytes() == via_pandas(frame, ",")
