"""framing.match.engine: streaming scoring on the local pool and on Dask
gives the tables of framing.match.score + aggregate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.corpus.readers import iter_documents, read_corpus
from framing.match import aggregate, score
from framing.match.engine import GroupSums, score_partition, score_stream

SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample" / "articles.jsonl"


def expected(tmp_path, **options):
    frame = read_corpus(SAMPLE).frame
    scores = score(frame, **options)
    path = tmp_path / "expected.csv"
    scores.to_csv(path, index=False, lineterminator="\n")
    return aggregate(scores), path.read_bytes()


def assert_tables(got: pd.DataFrame, want: pd.DataFrame):
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.mark.parametrize("n_jobs, chunk_size", [(1, 256), (1, 1), (2, 3)])
@pytest.mark.parametrize("normalize", ["per_1000_tokens", "raw"])
def test_local_engine_equals_score_and_aggregate(tmp_path, n_jobs, chunk_size, normalize):
    want, want_csv = expected(tmp_path, normalize=normalize)
    out = tmp_path / "rows.csv"
    got = score_stream(iter_documents(SAMPLE), normalize=normalize, n_jobs=n_jobs, chunk_size=chunk_size, output=out)
    assert_tables(got, want)
    assert out.read_bytes() == want_csv


def test_reduction_is_exact_whatever_the_chunking(tmp_path):
    tables = [score_stream(iter_documents(SAMPLE), chunk_size=size, voice="all") for size in (1, 2, 5, 1000)]
    for table in tables[1:]:
        pd.testing.assert_frame_equal(table, tables[0], check_exact=True)


def test_exact_mean_of_rates():
    records = [("a", "X", "tax tax cut"), ("b", "X", "a b c d e f g"), ("c", "Y", None)]
    part = score_partition("framing-cues", records, voice="all", part="text", normalize="per_token")
    table = part.sums.table(part="text", voice="all", denominator="per_token")
    assert table.loc[table["group"] == "Y", "n_docs"].tolist() == [0] * len(part.sums.categories)
    assert table.loc[table["group"] == "Y", "mean_rate"].isna().all()
    rows = part.rows[part.rows["tokens"] > 0]
    for category, sub in rows.groupby("category", observed=True):
        got = table.loc[(table["group"] == "X") & (table["category"] == category), "mean_rate"].item()
        assert got == pytest.approx(sub["rate"].mean(), rel=1e-15)


def test_compact_dtypes():
    part = score_partition("framing-cues", [("a", "X", "Some text here.")], voice="outlet", part="text",
                           normalize="per_1000_tokens")
    assert part.rows["count"].dtype == np.int32 and part.rows["tokens"].dtype == np.int32
    assert isinstance(part.rows["outlet"].dtype, pd.CategoricalDtype)


def test_merge_rejects_other_categories():
    with pytest.raises(ValueError, match="categories differ"):
        GroupSums(("a",)).merge(GroupSums(("b",)))


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="engine: expected one of"):
        score_stream([], engine="spark")
    with pytest.raises(ValueError, match="scheduler: only used with engine='dask'"):
        score_stream([], scheduler="tcp://x:8786")
    with pytest.raises(ValueError, match=r"output: expected a \.csv, \.tsv or \.parquet file name"):
        score_stream([], output=tmp_path / "x.xlsx")
    with pytest.raises(TypeError, match="corpus item 0 is a str"):
        score_stream(["text"])


def test_empty_stream_writes_a_header(tmp_path):
    out = tmp_path / "rows.tsv"
    table = score_stream([], output=out)
    assert table.empty
    assert out.read_text().startswith("doc_id\toutlet\t")


def test_dask_engine_equals_local_engine(tmp_path):
    distributed = pytest.importorskip("distributed")
    local_out, dask_out = tmp_path / "local.csv", tmp_path / "dask.csv"
    local = score_stream(iter_documents(SAMPLE), chunk_size=2, output=local_out)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        got = score_stream(iter_documents(SAMPLE), engine="dask", scheduler=client, chunk_size=2, output=dask_out)
        with pytest.raises(TypeError, match="scheduler: expected an address"):
            score_stream([], engine="dask", scheduler=42)
    pd.testing.assert_frame_equal(got, local, check_exact=True)
    assert dask_out.read_bytes() == local_out.read_bytes()


def test_cli_engine_writes_the_same_rows(tmp_path, capsys):
    # framing score streams by default (--by outlet: the local engine); its rows and table are those of the
    # in-memory library path, with one process or several
    from framing.cli.app import main
    from framing.cli.common import write_table

    frame = read_corpus(SAMPLE).frame
    reference = score(frame, "framing-cues")
    ref, ref_agg = tmp_path / "ref.csv", tmp_path / "ref_agg.csv"
    write_table(reference, str(ref))
    write_table(aggregate(reference), str(ref_agg))
    for argv in ([], ["--engine", "local", "--n-jobs", "2"]):
        new, new_agg = tmp_path / "new.csv", tmp_path / "new_agg.csv"
        assert main(["score", str(SAMPLE), *argv, "-o", str(new), "--by-output", str(new_agg), "--quiet"]) == 0
        assert new.read_bytes() == ref.read_bytes()
        assert_tables(pd.read_csv(new_agg), pd.read_csv(ref_agg))
        n_tokens = int((reference.drop_duplicates("doc_id")["tokens"] > 0).sum())
        assert f"{len(frame)} documents, {n_tokens} with tokens" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--scheduler", "tcp://x:8786"], "--scheduler: only used with --engine dask"),
    (["--engine", "local", "--scheduler", "tcp://x:8786"], "--scheduler: only used with --engine dask"),
    (["--by", "title"], "--by: expected a metadata column of the corpus, not a text part (text, title, captions, "
                        "boilerplate), got 'title'"),
    (["--engine", "local", "--by", "tags"], "--by: expected a column with one value per document, got 'tags'"),
    (["--by", "count"], "--by: expected a metadata column of the corpus, got 'count' (a column of the scores"),
    (["--by", "nope", "--n-jobs", "2"], "--by: expected a column of the corpus (doc_id, outlet, date, url, genre, "
                                        "story_id, topic, lang, outlet_name, outlet_group), got 'nope': no document "
                                        "has it"),
])
def test_cli_engine_errors(argv, message, capsys):
    from framing.cli.app import main

    assert main(["score", str(SAMPLE), *argv]) == 1
    assert message in capsys.readouterr().err


TRICKY = [  # (doc_id, outlet, text): labels the CSV writer must quote, a document without tokens, weights
    ("plain", "Outlet A", "The so-called crisis, allegedly a disaster, they claimed."),
    ("comma,id", 'Say "Hi"', "A regime said the crisis was \"unprecedented\" and catastrophic."),
    ("line\nbreak", "tab\tout", "Officials slammed the so-called reform as a devastating failure."),
    ("cr\rid", "Ünïcode ‘outlet’", "Ærø — allegedly, reportedly, apparently: a crisis."),
    (" spaced ", "", "..."),
    ("quote\"mid", "Outlet A", "!!! ???"),
]


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_rows_file_is_what_pandas_writes(tmp_path, suffix, sep, n_jobs):
    """The rows are formatted from arrays (in the workers); the bytes are
    those of ``score(...).to_csv`` for labels that need quoting, NaN
    rates (no tokens) and every normalisation."""
    from framing.records import Document

    docs = [Document(doc_id=d, outlet=o or "-", text=t) for d, o, t in TRICKY]
    for normalize in ("per_1000_tokens", "per_token", "raw"):
        want = tmp_path / f"want{suffix}"
        score(docs, normalize=normalize).to_csv(want, index=False, sep=sep, lineterminator="\n")
        got = tmp_path / f"got{suffix}"
        score_stream(docs, normalize=normalize, n_jobs=n_jobs, chunk_size=4, output=got)
        assert got.read_bytes() == want.read_bytes()
    assert b'"comma,id"' in got.read_bytes() or sep == "\t"


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
def test_rows_file_weights_formatted_as_pandas(tmp_path, suffix, sep):
    """Weights and rates are formatted once per distinct value (by bits):
    fractional, negative and cancelling weights, zeros and NaN rates give
    the bytes pandas writes."""
    from framing.lexicon.model import Category, Entry, Lexicon
    from framing.records import Document

    lex = Lexicon.build("w", [Category("a"), Category("b")],
                        [Entry("up", "a", 0.1), Entry("down", "a", -0.1), Entry("odd", "b", 1e-7),
                         Entry("big", "b", 123456789.25), Entry("neg", "b", -2.5)])
    texts = ["up down", "up up up down odd", "big neg neg", "", "!!!", "down down odd big", "nothing here",
             "up " * 7 + "odd " * 3]
    docs = [Document(doc_id=f"d{i}", outlet=f"o{i % 3}", text=t or "-") for i, t in enumerate(texts)]
    for normalize in ("per_1000_tokens", "per_token", "raw"):
        want = tmp_path / f"want{suffix}"
        score(docs, lex, normalize=normalize, voice="all").to_csv(want, index=False, sep=sep, lineterminator="\n")
        got = tmp_path / f"got{suffix}"
        score_stream(docs, lex, normalize=normalize, voice="all", chunk_size=3, output=got)
        assert got.read_bytes() == want.read_bytes()
    assert b"-0.2" in got.read_bytes() or b"-0.1" in got.read_bytes()
