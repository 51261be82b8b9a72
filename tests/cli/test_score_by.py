"""``framing score --by COLUMN`` streams for every metadata column (the
default engine, --engine local with several workers): the --by-output
table is the in-memory ``aggregate`` of the corpus frame, the rows file
is the one of --by outlet, and --by errors name the option."""

from __future__ import annotations

import json

import pytest

from framing.cli.app import main
from framing.cli.common import write_table
from framing.corpus.readers import read_corpus
from framing.match import aggregate, score
from tests.match.test_engine_by import write_corpus


def same_csv_tables(got_path, want_path):
    """The two CSV files are the same bytes (``mean_rate`` is the exact mean
    rounded once, streamed or in memory)."""
    assert got_path.read_bytes() == want_path.read_bytes()


@pytest.mark.parametrize("by, reader", [("bias", []), ("topic", []), ("rank", []),
                                        ("genre", ["--field", "genre=subject"])])
@pytest.mark.parametrize("engine", [[], ["--engine", "local", "--n-jobs", "2"]], ids=["default", "local-2"])
def test_score_by_streams_the_in_memory_table(tmp_path, capsys, by, reader, engine):
    path = write_corpus(tmp_path)
    frame = read_corpus(path, fields={"genre": "subject"} if reader else None).frame
    want = tmp_path / "want.csv"
    write_table(aggregate(score(frame), by=by, corpus=frame), str(want))
    rows, by_rows, agg = tmp_path / "rows.csv", tmp_path / "by_rows.csv", tmp_path / "agg.csv"
    assert main(["score", str(path), *reader, *engine, "--quiet", "-o", str(rows)]) == 0
    capsys.readouterr()
    assert main(["score", str(path), *reader, *engine, "--by", by, "--quiet", "-o", str(by_rows),
                 "--by-output", str(agg)]) == 0
    out = capsys.readouterr().out
    same_csv_tables(agg, want)
    assert by_rows.read_bytes() == rows.read_bytes()
    n_tokens = int((score(frame).drop_duplicates("doc_id")["tokens"] > 0).sum())
    assert f"on {path}: {len(frame)} documents, {n_tokens} with tokens" in out
    assert f"Cue rates by {by}" in out


def test_missing_values_are_a_group_of_the_printed_table(tmp_path, capsys):
    path = write_corpus(tmp_path)
    assert main(["score", str(path), "--by", "topic", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[2].split()
    assert header == ["topic", "climate", "trade", "NaN"]
    documents = lines[3].split()
    assert documents[0] == "documents" and "NaN" not in documents


@pytest.mark.parametrize("by, message", [
    ("title", "--by: expected a metadata column of the corpus, not a text part (text, title, captions, boilerplate), "
              "got 'title'"),
    ("authors", "--by: expected a column with one value per document, got 'authors' (a list per document)"),
    ("category", "--by: expected a metadata column of the corpus, got 'category' (a column of the scores"),
    ("bias_class", "--by: expected a column of the corpus (doc_id, outlet, date, url, genre, story_id, topic, lang, "
                   "bias, rank, subject, flag), got 'bias_class': no document has it"),
])
def test_by_errors_name_the_option(tmp_path, capsys, by, message):
    path = write_corpus(tmp_path)
    for engine in ([], ["--engine", "local", "--n-jobs", "2"]):
        assert main(["score", str(path), "--by", by, *engine, "--quiet"]) == 1
        assert f"framing score: error: {message}" in capsys.readouterr().err


def test_a_list_in_the_by_column(tmp_path, capsys):
    path = tmp_path / "lists.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "outlet": "o", "text": "a crisis", "kind": "x"}) + "\n"
                    + json.dumps({"doc_id": "b", "outlet": "o", "text": "a crisis", "kind": ["x", "y"]}) + "\n")
    assert main(["score", str(path), "--by", "kind", "--quiet"]) == 1
    assert ("--by: expected one value per document in column 'kind', got a list in document 'b': ['x', 'y']"
            in capsys.readouterr().err)
