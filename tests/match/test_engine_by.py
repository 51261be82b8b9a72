"""framing.match.engine with ``by=``: the workers sum by any metadata
column and the table is ``aggregate(score(frame), by=by, corpus=frame)``
on the corpus frame (same dtypes, groups, missing values, order), for any
n_jobs, part size and chunk size; the rows file does not depend on ``by``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from framing.corpus.readers import iter_documents, read_corpus
from framing.match import aggregate, score
from framing.match.engine import GroupSums, check_by, score_files, score_stream
from framing.records import Document

TEXTS = [
    "The so-called crisis, allegedly a disaster, they claimed.",
    "Officials slammed the so-called reform as a devastating failure.",
    "!!! ???",
    "A regime said the crisis was unprecedented and catastrophic.",
    "Reportedly, apparently, the plan may perhaps work.",
    "Nothing to see here at all.",
    "Radical extremists threaten a catastrophic collapse, critics warn.",
]
BIAS = ["left", "right", "center"]
TOPICS = ["trade", None, "climate", "trade", None]
RANKS = [1, 2, None, 3]


def write_corpus(tmp_path, n: int = 31):
    """A JSONL corpus whose groups recur throughout (every group spans
    parts): a string column (``bias``), a known field with missing values
    (``topic``, absent from some records, null in others), numbers with
    missing values (``rank``: floats in the frame), a column only some
    records have (``flag``) and a source key to map (``subject``)."""
    records = []
    for i in range(n):
        rec = {"doc_id": f"d{i:02d}", "outlet": f"o{i % 4}", "text": TEXTS[i % len(TEXTS)], "bias": BIAS[i % 3],
               "rank": RANKS[i % 4], "subject": ["econ", "env", None][i % 3]}
        topic = TOPICS[i % 5]
        if topic is not None or i % 2:
            rec["topic"] = topic
        if i % 6 == 1:
            rec["flag"] = bool(i % 4 == 1)
        records.append(rec)
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def in_memory(path, by, **reader):
    frame = read_corpus(path, **reader).frame
    return aggregate(score(frame), by=by, corpus=frame)


def assert_same_table(got: pd.DataFrame, want: pd.DataFrame):
    """Identical, bit for bit (``mean_rate`` is the exact mean rounded once
    on both paths: ``framing.match.scoring.exact_sums``)."""
    pd.testing.assert_frame_equal(got, want, check_exact=True)


CASES = [  # (by, reader options)
    ("outlet", {}),
    ("bias", {}),
    ("topic", {}),
    ("rank", {}),
    ("flag", {}),
    ("genre", {"fields": {"genre": "subject"}}),
]


@pytest.mark.parametrize("by, reader", CASES, ids=[f"{b}-{'mapped' if r else 'plain'}" for b, r in CASES])
@pytest.mark.parametrize("n_jobs, part_bytes, chunk_size", [(1, 1, 1), (1, 10**9, 256), (2, 300, 2), (2, 1, 3)])
def test_streamed_table_equals_the_in_memory_aggregate(tmp_path, by, reader, n_jobs, part_bytes, chunk_size):
    path = write_corpus(tmp_path)
    want = in_memory(path, by, **reader)
    rows, rows_outlet = tmp_path / "rows.csv", tmp_path / "rows_outlet.csv"
    got = score_files(path, by=by, n_jobs=n_jobs, part_bytes=part_bytes, chunk_size=chunk_size, output=rows, **reader)
    assert_same_table(got, want)
    streamed = score_stream(iter_documents(path, **reader), by=by, n_jobs=n_jobs, chunk_size=chunk_size)
    pd.testing.assert_frame_equal(streamed, got, check_exact=True)
    # the rows file is the same whatever by is
    score_files(path, n_jobs=n_jobs, part_bytes=part_bytes, chunk_size=chunk_size, output=rows_outlet, **reader)
    assert rows.read_bytes() == rows_outlet.read_bytes()


def test_group_values_and_missing_values(tmp_path):
    path = write_corpus(tmp_path)
    groups = {by: score_files(path, by=by, part_bytes=200, chunk_size=2).drop_duplicates("group")["group"]
              for by in ("bias", "topic", "rank", "flag")}
    assert groups["bias"].tolist() == ["center", "left", "right"]
    assert groups["topic"].iloc[:2].tolist() == ["climate", "trade"] and groups["topic"].iloc[2:].isna().all()
    # numbers with missing values are floats, missing last; a column only some records have: None elsewhere
    assert groups["rank"].dtype == np.float64 and groups["rank"].iloc[:3].tolist() == [1.0, 2.0, 3.0]
    assert len(groups["rank"]) == 4 and np.isnan(groups["rank"].iloc[3])
    assert groups["flag"].iloc[:2].tolist() == [False, True] and pd.isna(groups["flag"].iloc[2])


def test_csv_corpus_and_dates(tmp_path):
    # other formats are read in the main process (score_stream); a date column groups by its ISO text
    frame = pd.DataFrame({"doc_id": [f"c{i}" for i in range(9)], "outlet": ["a", "b", "c"] * 3,
                          "date": ["2024-01-0" + str(1 + i % 2) if i % 4 else "" for i in range(9)],
                          "text": [TEXTS[i % len(TEXTS)] for i in range(9)], "lean": ["x", "y", "x"] * 3})
    path = tmp_path / "corpus.csv"
    frame.to_csv(path, index=False)
    for by in ("date", "lean", "doc_id"):
        assert_same_table(score_files(path, by=by, n_jobs=2, chunk_size=2), in_memory(path, by))


def test_documents_without_tokens_and_mixed_types():
    # 1 and 1.0 are one group, "1" another (pandas' object column), as aggregate gives them
    docs = [Document(doc_id=f"m{i}", outlet="o", text=TEXTS[i % len(TEXTS)], extra={"v": v})
            for i, v in enumerate([1, 1.0, "1", 2, None, 2])]
    frame = read_corpus(pd.DataFrame([d.to_row() for d in docs])).frame
    want = aggregate(score(frame), by="v", corpus=frame)
    for chunk_size in (1, 4):
        assert_same_table(score_stream(docs, by="v", chunk_size=chunk_size), want)


def test_dask_engine_by_column(tmp_path):
    distributed = pytest.importorskip("distributed")
    path = write_corpus(tmp_path)
    local = score_files(path, by="topic", part_bytes=300, chunk_size=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        in_workers = score_files(path, by="topic", engine="dask", scheduler=client, part_bytes=300, chunk_size=2)
        in_main = score_stream(iter_documents(path), by="topic", engine="dask", scheduler=client, chunk_size=2)
    pd.testing.assert_frame_equal(in_workers, local, check_exact=True)
    pd.testing.assert_frame_equal(in_main, local, check_exact=True)
    assert_same_table(local, in_memory(path, "topic"))


@pytest.mark.parametrize("by, error, message", [
    ("title", ValueError, r"by: expected a metadata column of the corpus, not a text part \(text, title, captions, "
                          r"boilerplate\), got 'title'"),
    ("text", ValueError, "not a text part"),
    ("authors", ValueError,
     r"by: expected a column with one value per document, got 'authors' \(a list per document\)"),
    ("tags", ValueError, "got 'tags'"),
    ("rate", ValueError, r"by: expected a metadata column of the corpus, got 'rate' \(a column of the scores"),
    ("", ValueError, "by: expected a non-empty string, got ''"),
    (3, TypeError, "by: expected a string, got 3"),
])
def test_by_errors(tmp_path, by, error, message):
    with pytest.raises(error, match=message):
        score_files(write_corpus(tmp_path), by=by)
    with pytest.raises(error, match=message):
        score_stream([], by=by)
    with pytest.raises(error, match=message.replace("by:", "--by:")):
        check_by(by, "--by")


def test_a_column_no_document_has(tmp_path):
    path = write_corpus(tmp_path)
    message = (r"by: expected a column of the corpus \(doc_id, outlet, date, url, genre, story_id, topic, lang, bias, "
               r"rank, subject, flag\), got 'bias_class': no document has it")
    for n_jobs in (1, 2):
        with pytest.raises(ValueError, match=message):
            score_files(path, by="bias_class", n_jobs=n_jobs, part_bytes=200)
    with pytest.raises(ValueError, match=message):
        score_stream(iter_documents(path), by="bias_class", chunk_size=3)
    # the in-memory path refuses it too
    with pytest.raises(ValueError, match="by='bias_class' is neither a column of scores nor of the corpus"):
        in_memory(path, "bias_class")
    # a known field is a column of every corpus frame: all missing is one group
    table = score_files(path, by="genre", n_jobs=2, part_bytes=200)
    assert table["group"].isna().all() and len(table) == len(pd.unique(table["category"]))
    assert_same_table(table, in_memory(path, "genre"))


def test_a_list_in_the_column(tmp_path):
    path = tmp_path / "lists.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "outlet": "o", "text": "a crisis", "kind": "x"}) + "\n"
                    + json.dumps({"doc_id": "b", "outlet": "o", "text": "a crisis", "kind": ["x", "y"]}) + "\n")
    with pytest.raises(ValueError, match=r"by: expected one value per document in column 'kind', got a list in "
                                         r"document 'b': \['x', 'y'\]"):
        score_files(path, by="kind", n_jobs=2, part_bytes=1)


def test_group_sums_merge_checks_by():
    with pytest.raises(ValueError, match="by differs: 'outlet' vs 'bias'"):
        GroupSums(("a",)).merge(GroupSums(("a",), "bias"))
