"""``framing compare`` reads the corpus as a stream (issue 13): the
tables equal the in-memory computation (``score(read_corpus(...).frame)``
+ ``compute_comparison``), the metadata table equals the corpus frame
without its text parts, and errors name every column of the corpus."""

from __future__ import annotations

import argparse
import json
import warnings

import pandas as pd
import pytest

from framing.cli.app import main
from framing.cli.common import CorpusStream, reader_kwargs, write_table
from framing.cli.stats import _drop_small_groups, comparison_from_args
from framing.corpus.readers import read_corpus
from framing.experiment.analyses import compute_comparison
from framing.experiment.textstore import split_corpus
from framing.match.scoring import score
from framing.seeds import derive_seed
from framing.vocab import DEFAULTS

from tests.paths import REPO

SAMPLE = str(REPO / "corpora" / "sample" / "articles.jsonl")


def _args(argv: list[str]) -> argparse.Namespace:
    from framing.cli.app import build_parser

    return build_parser().parse_args(argv)


def _in_memory_tables(argv: list[str], tmp_path, tag: str) -> dict[str, bytes]:
    """The CSV files of the tables computed with the whole corpus in memory."""
    args = _args(argv)
    entry = comparison_from_args(args)
    frame = _drop_small_groups(read_corpus(args.corpus, **reader_kwargs(args)).frame, args.by, args.min_docs)
    scores = score(frame, args.lexicon, normalize=DEFAULTS["normalize"], voice=args.voice, part=args.part,
                   segmentation=args.segmentation)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the command prints them; compared there
        tables = compute_comparison(entry, scores, frame, random_state=derive_seed(args.seed, "comparisons", entry.id))
    out = {}
    for name, table in tables.items():
        path = tmp_path / f"{tag}-{name}.csv"
        write_table(table, str(path))
        out[name] = path.read_bytes()
    return out


@pytest.mark.parametrize("options", [
    [],
    ["--by", "outlet_group", "--strata", "story_id", "--n-jobs", "2"],
    ["--by", "outlet_group", "--paired", "story_id"],
])
def test_streamed_compare_equals_the_in_memory_computation(options, tmp_path, capsys):
    argv = ["compare", SAMPLE, "--quiet", "--n-resamples", "199", *options]
    expected = _in_memory_tables(argv, tmp_path, "memory")
    outputs = {"pairs": tmp_path / "pairs.csv", "summary": tmp_path / "summary.csv",
               "omnibus": tmp_path / "omnibus.csv"}
    written = ["-o", str(outputs["pairs"]), "--summary-output", str(outputs["summary"])]
    if "omnibus" in expected:
        written += ["--omnibus-output", str(outputs["omnibus"])]
    assert main([*argv, *written]) == 0
    for name, data in expected.items():
        assert outputs[name].read_bytes() == data, name
    assert "75 documents" in capsys.readouterr().out


def test_streamed_compare_with_min_docs_equals_the_in_memory_computation(tmp_path, capsys):
    rows = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    rows[0]["outlet"] = "lonely"  # a group of one document, left out by --min-docs 2
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    argv = ["compare", str(corpus), "--quiet", "--n-resamples", "99", "--min-docs", "2"]
    expected = _in_memory_tables(argv, tmp_path, "memory")
    capsys.readouterr()
    out = tmp_path / "pairs.csv"
    assert main([*argv, "-o", str(out)]) == 0
    assert out.read_bytes() == expected["pairs"]
    captured = capsys.readouterr()
    assert "74 documents" in captured.out
    assert "left out 1 group(s) of 'outlet' with fewer documents (1 documents): lonely (1)" in captured.err


def test_corpus_stream_frame_is_the_corpus_frame_without_texts(tmp_path):
    # extra columns first seen part-way, missing values, integers and lists keep read_corpus's dtypes
    records = [
        {"doc_id": "a", "outlet": "x", "text": "One text.", "title": "T"},
        {"doc_id": "b", "outlet": "y", "text": "Two texts.", "rank": 3, "tags": ["p", "q"]},
        {"doc_id": "c", "outlet": "x", "text": "Three.", "rank": 4, "bias": "left", "captions": "c"},
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    args = _args(["compare", str(path)])
    stream = CorpusStream(args)
    ids = [doc.doc_id for doc in stream]
    assert ids == ["a", "b", "c"]
    whole = read_corpus(str(path), **reader_kwargs(args)).frame
    pd.testing.assert_frame_equal(stream.frame(), split_corpus(whole)[0])
    assert stream.columns == list(whole.columns)
    assert not {"text", "title", "captions", "boilerplate"} & set(stream.frame().columns)


def test_streamed_compare_errors_name_every_column(capsys):
    assert main(["compare", SAMPLE, "--quiet", "--by", "colour"]) == 1
    err = capsys.readouterr().err
    assert "by: no column 'colour' in the corpus; columns: doc_id, outlet, text, title, date" in err
    assert main(["compare", SAMPLE, "--quiet", "--strata", "colour"]) == 1
    assert "strata: no column 'colour' in the corpus; columns: doc_id, outlet, text, title" in capsys.readouterr().err
    assert main(["compare", SAMPLE, "--quiet", "--by", "colour", "--min-docs", "2"]) == 1
    err = capsys.readouterr().err
    assert "--by colour: not a column of the corpus; columns: doc_id, outlet, text, title, date" in err


def test_streamed_compare_error_messages_match(capsys):
    with pytest.raises(ValueError, match=r"cluster: no column 'colour' in the corpus; columns: doc_id, outlet, text"):
        from framing.cli.stats import _stream_scores

        args = _args(["compare", SAMPLE, "--cluster", "colour", "--quiet"])
        _stream_scores(args, args.lexicon, comparison_from_args(args),
                       dict(normalize=DEFAULTS["normalize"], voice=args.voice, part=args.part))
    with pytest.raises(ValueError, match=r"--by colour: not a column of the corpus; columns: doc_id, outlet, text"):
        args = _args(["compare", SAMPLE, "--by", "colour", "--min-docs", "2", "--quiet"])
        _stream_scores(args, args.lexicon, comparison_from_args(args),
                       dict(normalize=DEFAULTS["normalize"], voice=args.voice, part=args.part))


def test_grouping_by_a_text_part_reads_the_corpus_in_memory(capsys):
    # every title is its own group: the same error as before streaming, from the whole-corpus path
    assert main(["compare", SAMPLE, "--quiet", "--by", "title", "--n-resamples", "99"]) == 1
    assert "has 1 scored document(s); each group needs at least 2" in capsys.readouterr().err


def test_streamed_compare_reports_bad_records(tmp_path, capsys):
    lines = open(SAMPLE, encoding="utf-8").read().splitlines()
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["compare", str(corpus), "--quiet", "--n-resamples", "99"]) == 1
    assert "line 2" in capsys.readouterr().err
    assert main(["compare", str(corpus), "--quiet", "--n-resamples", "99", "--on-error", "skip", "--no-omnibus"]) == 0
    captured = capsys.readouterr()
    assert "75 documents" in captured.out
    assert "76 records read, 75 kept, 1 skipped" in captured.err


# ---- framing keyness: the metadata from a first read, the counted part from a second, chunk by chunk


def _keyness_in_memory(argv: list[str], tmp_path) -> bytes:
    from framing.cli.stats import keyness_from_args
    from framing.experiment.analyses import compute_keyness

    args = _args(argv)
    entry = keyness_from_args(args)
    frame = read_corpus(args.corpus, **reader_kwargs(args)).frame
    if args.groups:
        frame = frame[frame[args.by].astype(str).isin(args.groups.split(","))].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = compute_keyness(entry, frame, part=args.part, random_state=derive_seed(args.seed, "keyness", entry.id),
                                segmentation=args.segmentation)
    path = tmp_path / "memory.csv"
    write_table(table, str(path))
    return path.read_bytes()


@pytest.mark.parametrize("options", [
    ["--min-count", "5"],
    ["--min-count", "3", "--method", "log_odds", "--ngram", "2", "--groups", "civic-sentinel,harbor-watch"],
    ["--min-count", "2", "--method", "g2", "--part", "title", "--by", "outlet_group"],
])
def test_streamed_keyness_equals_the_in_memory_computation(options, tmp_path, capsys):
    argv = ["keyness", SAMPLE, "--quiet", *options]
    expected = _keyness_in_memory(argv, tmp_path)
    out = tmp_path / "keyness.csv"
    assert main([*argv, "-o", str(out)]) == 0
    assert out.read_bytes() == expected
    assert " documents, " in capsys.readouterr().out


def test_corpus_chunks_are_the_part_of_the_kept_documents_in_order():
    from framing.cli.common import corpus_chunks

    args = _args(["keyness", SAMPLE, "--min-count", "2"])
    whole = read_corpus(SAMPLE).frame
    chunks = list(corpus_chunks(args, "title", rows=10))
    assert [len(c) for c in chunks] == [10] * 7 + [5]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole[["doc_id", "title"]])
    kept = set(whole["doc_id"][::2])
    chunks = list(corpus_chunks(args, "text", kept, rows=1000))
    assert len(chunks) == 1 and chunks[0]["doc_id"].tolist() == whole["doc_id"][::2].tolist()


def test_streamed_keyness_shows_the_read_report_and_warnings_once(tmp_path, capsys):
    lines = open(SAMPLE, encoding="utf-8").read().splitlines()
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["keyness", str(corpus), "--quiet", "--min-count", "5", "--on-error", "warn"]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: ") == 1 and err.count("76 records read, 75 kept, 1 skipped") == 2  # warning, report
    assert main(["keyness", str(corpus), "--quiet", "--min-count", "5"]) == 1
    assert "line 2" in capsys.readouterr().err


def test_streamed_keyness_warns_of_a_fallback_encoding_once(tmp_path, capsys):
    lines = open(SAMPLE, encoding="utf-8").read().splitlines()
    corpus = tmp_path / "cp.jsonl"
    corpus.write_bytes(("\n".join(lines[:-1]) + "\n").encode() + lines[-1].replace("Lorandia", "Lorand\u00eda").encode("cp1252")
                       + b"\n")
    assert main(["keyness", str(corpus), "--quiet", "--min-count", "5", "--fallback-encoding", "cp1252"]) == 0
    err = capsys.readouterr().err
    assert err.count("not valid utf-8 at byte offset") == 1, err  # the first read's warning, not the second's


def test_streamed_keyness_errors_name_every_column(capsys):
    assert main(["keyness", SAMPLE, "--quiet", "--min-count", "2", "--by", "colour"]) == 1
    err = capsys.readouterr().err
    assert "--by colour: not a column of the corpus; it has ['authors', 'boilerplate', 'captions', 'date'" in err
    assert "'text', 'title'" in err


def test_second_read_must_see_the_first_reads_documents():
    from framing.cli.common import corpus_chunks

    args = _args(["keyness", SAMPLE, "--min-count", "2"])
    ids = [d["doc_id"] for d in map(json.loads, open(SAMPLE, encoding="utf-8"))]
    assert [c for chunk in corpus_chunks(args, "text", expected=ids) for c in chunk["doc_id"]] == ids
    with pytest.raises(ValueError, match=f"the corpus changed between its two reads \\(document 1 is '{ids[0]}', was 'x'\\)"):
        list(corpus_chunks(args, "text", expected=["x", *ids[1:]]))
    with pytest.raises(ValueError, match=f"the corpus changed between its two reads \\({len(ids)} documents, were {len(ids) + 1}\\)"):
        list(corpus_chunks(args, "text", expected=[*ids, "y"]))
