"""Tests for framing.corpus: every reader, every error path, reports, duplicates."""

from __future__ import annotations

import gzip
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import framing.corpus.readers as corpus_mod
from framing.corpus.readers import (
    Corpus,
    CorpusError,
    CorpusWarning,
    ReadReport,
    iter_documents,
    read_corpus,
    validate_frame,
)
from framing.corpus.dedupe import find_duplicates, find_near_duplicates, text_hash
from framing.records import KNOWN_FIELDS, Document

from tests.paths import FIXTURES as FIXTURE_ROOT

FIXTURES = FIXTURE_ROOT / "corpus"


def write_jsonl(path: Path, records, *, opener=open) -> Path:
    with opener(path, "wt", encoding="utf-8") as fh:
        for rec in records:
            fh.write((rec if isinstance(rec, str) else json.dumps(rec)) + "\n")
    return path


def rec(i, text="Some text.", outlet="A", **kw):
    return {"doc_id": f"d{i}", "outlet": outlet, "text": text, **kw}


# ---------------------------------------------------------------- JSONL / JSON


def test_jsonl_basic_schema_and_values(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [
        rec(1, title="  T1 ", date="2016-09-20", authors="Ann Lee, Bo Wu and Cy Ng", tags='["x", "y"]', score=3),
        rec(2, date="September 20, 2016", authors=["Ann Lee", None, " "], tags="law and order; war", url=""),
        "",
        rec(3, date="2016-09-20T10:00:00Z", authors="By Dana Roe", tags=None, story_id=17),
    ])
    c = read_corpus(path)
    assert isinstance(c, Corpus) and len(c) == 3
    df = c.frame
    assert list(df.columns) == [*KNOWN_FIELDS, "score"]
    assert df["doc_id"].tolist() == ["d1", "d2", "d3"]
    assert df.loc[0, "title"] == "T1"
    assert df["date"].tolist() == ["2016-09-20", "2016-09-20", "2016-09-20T10:00:00+00:00"]
    assert df["authors"].tolist() == [["Ann Lee", "Bo Wu", "Cy Ng"], ["Ann Lee"], ["Dana Roe"]]
    assert df["tags"].tolist() == [["x", "y"], ["law and order", "war"], []]
    assert pd.isna(df.loc[1, "url"]) and df.loc[2, "story_id"] == "17"
    assert df.loc[0, "score"] == 3 and pd.isna(df.loc[1, "score"])
    rep = c.report
    assert (rep.n_read, rep.n_kept, rep.n_skipped, rep.warnings) == (3, 3, 0, ())


def test_jsonl_gz_field_map_and_shadowed_key(tmp_path):
    path = write_jsonl(tmp_path / "abp.jsonl.gz", [
        {"id": 7, "source": "Outlet One", "content": "Body one.", "text": "teaser", "bias": "left"},
        {"id": 8.0, "source": "Outlet Two", "content": "Body two.", "bias": "right"},
    ], opener=gzip.open)
    c = read_corpus(path, fields={"outlet": "source", "doc_id": "id", "text": "content"})
    df = c.frame
    assert df["doc_id"].tolist() == ["7", "8"] and df["outlet"].tolist() == ["Outlet One", "Outlet Two"]
    assert df["text"].tolist() == ["Body one.", "Body two."]
    assert "source" not in df.columns and "id" not in df.columns and df["bias"].tolist() == ["left", "right"]
    assert len(c.report.warnings) == 1
    assert "source key 'text' ignored because fields maps 'text' to 'content'" in c.report.warnings[0]


def test_json_array_and_json_that_is_jsonl(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('[\n  {"doc_id": 1, "outlet": "A", "text": "x"},\n\n  {"doc_id": 2, "outlet": "A", "text": "y"}\n]\n')
    assert read_corpus(path).frame["doc_id"].tolist() == ["1", "2"]
    assert read_corpus(tmp_path / "c.json", format="json").report.n_kept == 2
    (tmp_path / "e.json").write_text(" [ ] ")
    with pytest.raises(CorpusError, match=r"e\.json: no records \(the file is empty, blank or an empty JSON array\)"):
        read_corpus(tmp_path / "e.json")  # an empty array is parsed (no structural error) but holds no records
    lines = write_jsonl(tmp_path / "l.json", [rec(1), rec(2)])
    assert read_corpus(lines).frame["doc_id"].tolist() == ["d1", "d2"]
    path.write_text('[\n {"doc_id": 1, "outlet": "A", "text": "x"},\n 5\n]')
    with pytest.raises(CorpusError, match=r"c\.json, line 3: expected a JSON object, got int"):
        read_corpus(path)


@pytest.mark.parametrize(
    "content, match",
    [
        ('[\n{"doc_id": 1, "outlet": "A", "text": "x"},\n{"doc_id": \n]', r"bad\.json, line 4: malformed JSON array \(Expecting value at column 1\)"),
        ('[{"doc_id": 1, "outlet": "A", "text": "x"}\n{"a": 1}]', r"bad\.json, line 2: malformed JSON array \(expected ',' or '\]'\)"),
        ('[{"doc_id": 1, "outlet": "A", "text": "x"}]\nextra', r"bad\.json, line 2: malformed JSON array \(text after the closing"),
    ],
)
def test_broken_json_array_always_raises(tmp_path, content, match):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CorpusError, match=match):
        read_corpus(path, on_error="skip")


# ---------------------------------------------------------------- record errors


@pytest.mark.parametrize(
    "line, match, reason, field",
    [
        ('{"doc_id": "d2", "outlet": "A", "text": }', r"bad\.jsonl, line 2: malformed JSON \(Expecting value at column", "malformed JSON", None),
        ("[1, 2]", r"bad\.jsonl, line 2: expected a JSON object, got list", "not an object", None),
        ('{"doc_id": "d2", "outlet": "A"}', r"bad\.jsonl, line 2, field 'text': text is missing \(source key 'text'; keys: doc_id, outlet\)", "missing field", "text"),
        ('{"doc_id": "d2", "outlet": "A", "text": null}', r"bad\.jsonl, line 2, field 'text': text is missing", "missing field", "text"),
        ('{"doc_id": "d2", "text": "x"}', r"bad\.jsonl, line 2, field 'outlet': outlet is missing .*pass outlet=", "missing field", "outlet"),
        ('{"doc_id": "d2", "outlet": "A", "text": "  \\n "}', r"bad\.jsonl, line 2, field 'text': text is empty or white space only", "empty text", "text"),
        ('{"doc_id": "d2", "outlet": "A", "text": 12}', r"bad\.jsonl, line 2, field 'text': text must be a str, got int", "non-string text", "text"),
        ('{"doc_id": "d1", "outlet": "A", "text": "x"}', r"bad\.jsonl, line 2, field 'doc_id': duplicate doc_id 'd1' \(first at line 1\)", "duplicate doc_id", "doc_id"),
        ('{"doc_id": null, "outlet": "A", "text": "x"}', r"bad\.jsonl, line 2, field 'doc_id': doc_id is missing", "missing field", "doc_id"),
        ('{"doc_id": [1], "outlet": "A", "text": "x"}', r"bad\.jsonl, line 2, field 'doc_id': doc_id must be a str or an integer, got list", "bad value", "doc_id"),
        ('{"doc_id": "d2", "outlet": "A", "text": "x", "title": {"a": 1}}', r"bad\.jsonl, line 2, field 'title': title must be a str, got dict", "bad value", "title"),
        ('{"doc_id": "d2", "outlet": "A", "text": "x", "authors": {"a": 1}}', r"bad\.jsonl, line 2, field 'authors': authors must be a list or a delimited string, got dict", "bad value", "authors"),
    ],
)
def test_record_errors_raise_and_skip(tmp_path, line, match, reason, field):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(rec(1)) + "\n" + line + "\n" + json.dumps(rec(3)) + "\n")
    with pytest.raises(CorpusError, match=match) as info:
        read_corpus(path)
    assert (info.value.line, info.value.field, info.value.reason) == (2, field, reason)
    assert info.value.source == str(path)
    c = read_corpus(path, on_error="skip")
    assert c.frame["doc_id"].tolist() == ["d1", "d3"]
    rep = c.report
    assert (rep.n_read, rep.n_kept, rep.n_skipped) == (3, 2, 1)
    assert rep.skipped[0].line == 2 and rep.skipped[0].reason == reason and rep.counts() == {reason: 1}
    assert f"skipped, {reason}: 1 (at 2)" in rep.summary()


def test_skip_report_counts_per_reason_and_to_frame(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(rec(1)), "{oops", json.dumps(rec(2, text="")), json.dumps(rec(1)), "{no"]) + "\n")
    seen: list[ReadReport] = []
    c = read_corpus(path, on_error="skip", report=seen.append)
    assert seen == [c.report]
    assert c.report.counts() == {"duplicate doc_id": 1, "empty text": 1, "malformed JSON": 2}
    summary = c.report.summary()
    assert "5 records read, 1 kept, 4 skipped" in summary and "skipped, malformed JSON: 2 (at 2, 5)" in summary
    table = c.report.to_frame()
    assert list(table.columns) == ["line", "doc_id", "field", "reason", "message", "source"]
    assert set(table["source"]) == {str(path)}
    assert table["line"].tolist() == [2, 3, 4, 5] and table.loc[1, "doc_id"] == "d2"


def test_warn_mode_warns_once_with_summary(tmp_path):
    path = tmp_path / "w.jsonl"
    path.write_text("\n".join([json.dumps(rec(1)), "{oops", "{oops"]) + "\n")
    with pytest.warns(CorpusWarning, match=r"3 records read, 1 kept, 2 skipped") as record:
        c = read_corpus(path, on_error="warn")
    assert len([w for w in record if issubclass(w.category, CorpusWarning)]) == 1
    assert c.report.n_skipped == 2


# ---------------------------------------------------------------- encodings


def test_bom_is_stripped_in_jsonl_and_csv_header(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(rec(1)).encode() + b"\n")
    assert read_corpus(path).frame["doc_id"].tolist() == ["d1"]
    csv_path = tmp_path / "b.csv"
    csv_path.write_bytes("\ufeffdoc_id,outlet,text\n1,A,caf\u00e9\n".encode("utf-8"))
    df = read_corpus(csv_path).frame
    assert df.loc[0, "doc_id"] == "1" and df.loc[0, "text"] == "caf\u00e9"


def test_undecodable_bytes_error_names_line_and_offset(tmp_path):
    path = tmp_path / "u.jsonl"
    first = json.dumps(rec(1)).encode() + b"\n"
    path.write_bytes(first + b'{"doc_id": "d2", "outlet": "A", "text": "caf\xe9"}\n')
    offset = len(first) + 44
    with pytest.raises(CorpusError, match=rf"u\.jsonl, line 2: not valid utf-8 at byte offset {offset} \(byte 0xe9\); pass fallback_encoding="):
        read_corpus(path)
    c = read_corpus(path, on_error="skip")
    assert c.report.counts() == {"undecodable bytes": 1} and len(c) == 1


def test_cp1252_fallback_warns_and_reports(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(json.dumps(rec(1, text="na\u00efve")).encode() + b"\n"
                     + b'{"doc_id": "d2", "outlet": "A", "text": "caf\xe9 \x93quoted\x94"}\n')
    with pytest.warns(CorpusWarning, match=r"f\.jsonl, line 2: not valid utf-8 at byte offset \d+ \(byte 0xe9\); decoded as cp1252"):
        c = read_corpus(path, fallback_encoding="cp1252")
    assert c.frame["text"].tolist() == ["na\u00efve", "caf\u00e9 \u201cquoted\u201d"]
    assert c.report.warnings == (f"not valid utf-8, decoded as cp1252 (1x: {path} line 2)",)


def test_fallback_that_also_fails(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_bytes(b'{"doc_id": "d2", "outlet": "A", "text": "\x81\xe9"}\n')
    with pytest.raises(CorpusError, match=r"g\.jsonl, line 1: not valid utf-8 at byte offset 41 \(byte 0x81\), nor valid cp1252"):
        read_corpus(path, fallback_encoding="cp1252")


def test_utf16_file_is_refused(tmp_path):
    path = tmp_path / "w.jsonl"
    path.write_bytes(json.dumps(rec(1)).encode("utf-16"))
    with pytest.raises(CorpusError, match=r"w\.jsonl, line 1: file starts with a UTF-16 byte-order mark"):
        read_corpus(path)


def test_encoding_options(tmp_path):
    path = tmp_path / "l1.csv"
    path.write_bytes("doc_id,outlet,text\n1,A,Gr\u00fc\u00dfe\n".encode("latin-1"))
    assert read_corpus(path, encoding="latin-1").frame.loc[0, "text"] == "Gr\u00fc\u00dfe"
    with pytest.raises(ValueError, match="encoding: unknown encoding 'klingon'"):
        read_corpus(path, encoding="klingon")
    with pytest.raises(ValueError, match="fallback_encoding: encoding 'utf-16' is not supported"):
        read_corpus(path, fallback_encoding="utf-16")
    with pytest.raises(TypeError, match="encoding must be a str, got int"):
        read_corpus(path, encoding=8)


def test_broken_gzip(tmp_path):
    path = tmp_path / "t.jsonl.gz"
    data = gzip.compress((json.dumps(rec(1)) + "\n").encode() * 50)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorpusError, match=r"t\.jsonl\.gz: broken gzip stream after byte"):
        read_corpus(path)


# ---------------------------------------------------------------- CSV / TSV


def test_csv_semicolon_bom_multiline_quotes(tmp_path):
    path = tmp_path / "babe.csv"
    path.write_bytes(("\ufefftext;news_link;outlet;biased_words\n"
                      '"""Quoted"" start; with semicolon";http://x;Fox;[\'a\', \'b\']\n'
                      '"line one\nline two";http://y;NYT;[]\n').encode("utf-8"))
    c = read_corpus(path, id_prefix="babe")
    df = c.frame
    assert df["doc_id"].tolist() == ["babe-000002", "babe-000003"]
    assert df["text"].tolist() == ['"Quoted" start; with semicolon', "line one\nline two"]
    assert df["outlet"].tolist() == ["Fox", "NYT"] and df["biased_words"].tolist() == ["['a', 'b']", "[]"]
    assert "no doc_id in the source: ids generated as 'babe-<line number>' (2x: line 2, line 3)" in c.report.warnings[0]


def test_csv_line_numbers_after_multiline_field_and_bad_row(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('doc_id,outlet,text\n1,A,"a\nb\nc"\n2,A\n3,A,ok\n')
    with pytest.raises(CorpusError, match=r"m\.csv, line 5: row has 2 fields, the header has 3 \(delimiter ','\)"):
        read_corpus(path)
    c = read_corpus(path, on_error="skip")
    assert c.frame["doc_id"].tolist() == ["1", "3"] and c.report.counts() == {"bad CSV row": 1}


def test_csv_undecodable_line_is_a_bad_record(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes(b"doc_id,outlet,text\n1,A,ok\n2,A,caf\xe9\n3,A,fine\n")
    with pytest.raises(CorpusError, match=r"u\.csv, line 3: not valid utf-8 at byte offset 33 \(byte 0xe9\)"):
        read_corpus(path)
    c = read_corpus(path, on_error="skip")
    assert c.frame["doc_id"].tolist() == ["1", "3"]
    with pytest.warns(CorpusWarning, match=r"u\.csv, line 3: not valid utf-8 at byte offset 33 \(byte 0xe9\); decoded as cp1252"):
        assert read_corpus(path, fallback_encoding="cp1252").frame.loc[1, "text"] == "caf\u00e9"


def test_tsv_pipe_sep_line_and_explicit_delimiter(tmp_path):
    tsv = tmp_path / "t.tsv"
    tsv.write_text("doc_id\toutlet\ttext\n1\tA\thello, world; yes\n")
    assert read_corpus(tsv).frame.loc[0, "text"] == "hello, world; yes"
    pipe = tmp_path / "p.csv"
    pipe.write_text("doc_id|outlet|text\r\n1|A|x, y\r\n")
    assert read_corpus(pipe).frame.loc[0, "text"] == "x, y"
    sep = tmp_path / "s.csv"
    sep.write_text("sep=;\ndoc_id;outlet;text\n1;A;x, y\n2;A;z\n")
    df = read_corpus(sep, fields={"doc_id": None}).frame
    assert df["doc_id"].tolist() == ["s-000003", "s-000004"]
    forced = tmp_path / "f.txt"
    forced.write_text("doc_id;outlet;text\n1;A;x,y\n")
    assert read_corpus(forced, format="csv", delimiter=";").frame.loc[0, "text"] == "x,y"


def test_csv_structural_errors(tmp_path):
    dup = tmp_path / "d.csv"
    dup.write_text("doc_id,text,text\n1,a,b\n")
    with pytest.raises(CorpusError, match=r"d\.csv, line 1: duplicate column name\(s\) 'text'"):
        read_corpus(dup, on_error="skip")
    broken = tmp_path / "q.csv"
    broken.write_text('doc_id,outlet,text\n1,A,"open quote\n')
    with pytest.raises(CorpusError, match=r"q\.csv, line 2: unreadable CSV \(unexpected end of data\)"):
        read_corpus(broken)
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(CorpusError, match=r"e\.csv: no records \(the file is empty or holds only a header\)"):
        read_corpus(empty)
    assert list(read_corpus(pd.DataFrame(columns=["doc_id", "outlet", "text"])).frame.columns) == list(KNOWN_FIELDS)
    unnamed = tmp_path / "n.csv"
    unnamed.write_text(",doc_id,outlet,text\n0,1,A,x\n\n")
    assert read_corpus(unnamed).frame["column_1"].tolist() == ["0"]


# ---------------------------------------------------------------- Parquet / DataFrame


def test_parquet_roundtrip(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "c.parquet"
    pd.DataFrame({"id": [1, 2], "source": ["A", "B"], "text": ["x", "y"],
                  "date": pd.to_datetime(["2020-01-02", "2020-01-03 10:30"], format="ISO8601")}).to_parquet(path)
    df = read_corpus(path, fields={"doc_id": "id", "outlet": "source"}).frame
    assert df["doc_id"].tolist() == ["1", "2"] and df["date"].tolist() == ["2020-01-02", "2020-01-03T10:30:00"]
    pd.DataFrame({"outlet": ["A"], "text": ["  "]}).to_parquet(path)
    with pytest.raises(CorpusError, match=r"c\.parquet, row 0, field 'text': text is empty"):
        read_corpus(path)


def test_parquet_without_pyarrow(tmp_path, monkeypatch):
    path = tmp_path / "c.parquet"
    path.write_bytes(b"PAR1")
    real = corpus_mod.importlib.util.find_spec
    monkeypatch.setattr(corpus_mod.importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(ImportError, match=r"pip install framing-toolkit\[parquet\]"):
        read_corpus(path)


def test_dataframe_input_and_validate_frame():
    df = pd.DataFrame({"doc_id": [1, 2], "outlet": ["A", "B"], "text": ["x", "y"], "title": [np.nan, "T"],
                       "tags": [["a"], "b|c"], "extra": [pd.NA, 5]})
    out = validate_frame(df)
    assert out["doc_id"].tolist() == ["1", "2"] and pd.isna(out.loc[0, "title"]) and out.loc[1, "title"] == "T"
    assert out["tags"].tolist() == [["a"], ["b", "c"]] and pd.isna(out.loc[0, "extra"])
    bad = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["A", "B"], "text": ["x", None]})
    with pytest.raises(CorpusError, match=r"DataFrame, row 1, field 'text': text is missing"):
        validate_frame(bad)
    c = read_corpus(bad, on_error="skip")
    assert c.report.source == "DataFrame" and c.report.skipped[0].line == 1
    ids = read_corpus(pd.DataFrame({"text": ["x", "y"]}), outlet="Solo").frame
    assert ids["doc_id"].tolist() == ["doc-000000", "doc-000001"] and ids["outlet"].tolist() == ["Solo", "Solo"]
    dup = pd.DataFrame([[1, "A", "x"]], columns=["doc_id", "text", "text"])
    with pytest.raises(CorpusError, match=r"DataFrame: duplicate column name\(s\) 'text'"):
        read_corpus(dup)
    with pytest.raises(TypeError, match="df must be a pandas DataFrame, got list"):
        validate_frame([1])
    with pytest.raises(ValueError, match="format='csv' does not apply to a DataFrame"):
        read_corpus(df, format="csv")


# ---------------------------------------------------------------- options


def test_generated_ids_outlet_constant_and_explicit_doc_id(tmp_path):
    path = write_jsonl(tmp_path / "news.jsonl", [{"text": "a"}, {"text": "b", "outlet": "Own"}])
    c = read_corpus(path, outlet="Default")
    assert c.frame["doc_id"].tolist() == ["news-000001", "news-000002"]
    assert c.frame["outlet"].tolist() == ["Default", "Own"]
    assert "no doc_id in the source" in c.report.warnings[0]
    assert read_corpus(path, outlet="X", id_prefix="p").frame["doc_id"].tolist() == ["p-000001", "p-000002"]
    assert read_corpus(path, fields={"outlet": None}, outlet="C").frame["outlet"].tolist() == ["C", "C"]
    with pytest.raises(CorpusError, match=r"news\.jsonl, line 1, field 'doc_id': doc_id is missing \(source key 'uid'; keys: text\)"):
        read_corpus(path, outlet="X", fields={"doc_id": "uid"})


def test_dates_kept_raw_are_counted(tmp_path):
    path = write_jsonl(tmp_path / "d.jsonl", [rec(1, date="7/23/17"), rec(2, date=""), rec(3, date="20 Sep 2016"),
                                              rec(4, date="2016-09-20 00:00:00"), rec(5, date=20160920)])
    c = read_corpus(path)
    assert c.frame["date"].tolist()[:1] == ["7/23/17"] and pd.isna(c.frame.loc[1, "date"])
    assert c.frame["date"].tolist()[2:] == ["2016-09-20", "2016-09-20", "20160920"]
    assert c.report.warnings == ("field 'date': values that are not ISO dates were kept as they are "
                                 "(2x: line 1 '7/23/17', line 5 '20160920')",)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"fields": {"body": "x"}}, ValueError, r"fields: unknown field name\(s\) 'body'; known: doc_id, outlet, text, title"),
        ({"fields": ["text"]}, TypeError, "fields must be a mapping"),
        ({"fields": {"text": 3}}, TypeError, r"fields\['text'\] must be a column name \(str\) or None, got int"),
        ({"fields": {"text": None}}, ValueError, r"fields\['text'\] cannot be None"),
        ({"fields": {"outlet": None}}, ValueError, r"fields\['outlet'\] is None: pass outlet="),
        ({"on_error": "ignore"}, ValueError, "on_error: expected one of 'raise', 'skip', 'warn', got 'ignore'"),
        ({"outlet": ""}, ValueError, "outlet must be a non-empty str or None, got ''"),
        ({"id_prefix": 3}, ValueError, "id_prefix must be a non-empty str or None, got 3"),
        ({"dedupe": "yes"}, TypeError, "dedupe: expected True or False, got 'yes'"),
        ({"delimiter": ";;"}, ValueError, "delimiter must be a single character or None, got ';;'"),
        ({"raw": "yes"}, ValueError, "raw must be True, False or 'auto', got 'yes'"),
        ({"format": "xml"}, ValueError, "format must be one of 'jsonl', 'json', 'csv', 'tsv', 'parquet', 'folder', 'txt' or None, got 'xml'"),
        ({"format": "folder"}, ValueError, r"format='folder' needs a directory, got the file"),
        ({"sidecar": "meta.csv"}, ValueError, r"sidecar= applies only to folders of \.txt files"),
    ],
)
def test_option_errors(tmp_path, kwargs, exc, match):
    path = write_jsonl(tmp_path / "c.jsonl", [rec(1)])
    with pytest.raises(exc, match=match):
        read_corpus(path, **kwargs)


def test_path_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"corpus .*nope\.jsonl does not exist"):
        read_corpus(tmp_path / "nope.jsonl")
    (tmp_path / "c.xml").write_text("<a/>")
    with pytest.raises(ValueError, match=r"cannot tell the format of .*c\.xml from its suffix '\.xml'"):
        read_corpus(tmp_path / "c.xml")
    with pytest.raises(TypeError, match="path_or_df must be a path or a pandas DataFrame, got int"):
        read_corpus(3)
    with pytest.raises(ValueError, match=r"is a folder; format='csv' needs a file"):
        read_corpus(tmp_path, format="csv")


# ---------------------------------------------------------------- folders


def make_outlet_folder(root: Path) -> Path:
    (root / "harbor").mkdir(parents=True)
    (root / "times").mkdir()
    (root / ".hidden").mkdir()
    shutil.copy(FIXTURES / "article_full.txt", root / "harbor" / "talks.txt")
    once = (FIXTURES / "article_once.txt").read_text(encoding="utf-8")
    (root / "times" / "budget.txt").write_bytes(("\ufeff" + once.replace("\n", "\r\n")).encode("utf-8"))
    (root / "times" / "plain.txt").write_text("Plain text line one.\r\nLine two.\r\n")
    (root / ".hidden" / "x.txt").write_text("ignored")
    (root / "notes.md").write_text("ignored")
    return root


def test_folder_with_outlet_subfolders(tmp_path):
    root = make_outlet_folder(tmp_path / "corpus")
    c = read_corpus(root)
    df = c.frame.set_index("doc_id")
    assert list(df.index) == ["harbor/talks", "times/budget", "times/plain"]
    assert df["outlet"].tolist() == ["harbor", "times", "times"]
    talks = df.loc["harbor/talks"]
    assert talks["genre"] == "analysis" and talks["authors"] == ["Mara Quill", "Tomas Edd", "Ines de la Vega"]
    assert "fa\u00e7ade" in talks["text"] and "Photo" not in talks["text"]
    assert talks["captions"].count("\n") == 1 and "reflects the authors" in talks["boilerplate"]
    assert talks["credits"] == ["Harbor Daily Photo", "Getty Images"]
    assert df.loc["times/budget", "credits"] == ["Northport Times File Photo"]
    assert df.loc["times/plain", "text"] == "Plain text line one.\nLine two.\n" and pd.isna(df.loc["times/plain", "title"])
    plain = read_corpus(root, raw=False).frame.set_index("doc_id")
    assert plain.loc["harbor/talks", "text"].startswith("Analysis: Harbor talks") and "credits" not in plain.columns
    forced = read_corpus(root, raw=True).frame.set_index("doc_id")
    assert forced.loc["times/plain", "title"] == "Plain text line one." and forced.loc["times/plain", "text"] == "Line two."


def test_folder_flat_with_sidecar(tmp_path):
    root = tmp_path / "flat"
    root.mkdir()
    shutil.copy(FIXTURES / "article_full.txt", root / "a.txt")
    shutil.copy(FIXTURES / "article_bare.txt", root / "b.txt")
    (root / "metadata.csv").write_text("file,source,date,title\na.txt,Harbor Daily,2024-05-01,\nb,Northport Times,05/02/24,Override\n")
    c = read_corpus(root, fields={"outlet": "source"})
    df = c.frame.set_index("doc_id")
    assert df["outlet"].tolist() == ["Harbor Daily", "Northport Times"]
    assert df.loc["a", "title"].startswith("Harbor talks") and df.loc["b", "title"] == "Override"
    assert df.loc["a", "date"] == "2024-05-01" and df.loc["b", "date"] == "05/02/24"
    assert "source" not in df.columns and "file" not in df.columns
    side = tmp_path / "elsewhere.csv"
    side.write_text("file;outlet\na;X\nb;Y\nmissing.txt;Z\n")
    with pytest.raises(CorpusError, match=r"elsewhere\.csv, line 4, field 'file': file 'missing' listed in the sidecar does not exist"):
        read_corpus(root, sidecar=side)
    c = read_corpus(root, sidecar=side, on_error="skip")
    assert c.frame["outlet"].tolist() == ["X", "Y"] and c.report.counts() == {"missing file": 1}


def test_folder_errors(tmp_path):
    root = tmp_path / "f"
    root.mkdir()
    (root / "top.txt").write_text("Title\nBody.\n")
    with pytest.raises(CorpusError, match=r"top\.txt, field 'outlet': outlet is missing"):
        read_corpus(root)
    assert read_corpus(root, outlet="Solo").frame.loc[0, "outlet"] == "Solo"
    (root / "bad.txt").write_text('Title\n["x", oops]\nBody.\n')
    with pytest.raises(CorpusError, match=r"bad\.txt, line 2: tags line looks like a JSON list but does not parse"):
        read_corpus(root, outlet="Solo")
    (root / "cp.txt").write_bytes(b"Caf\xe9 society\n")
    c = read_corpus(root, outlet="Solo", on_error="skip")
    assert c.report.counts() == {"undecodable bytes": 1, "unreadable article": 1}
    assert {s.doc_id for s in c.report.skipped} == {"bad", "cp"}
    with pytest.warns(CorpusWarning, match=r"cp\.txt, line 1: not valid utf-8 at byte offset 3"):
        c = read_corpus(root, outlet="Solo", on_error="skip", fallback_encoding="cp1252")
    assert c.frame.set_index("doc_id").loc["cp", "text"] == "Caf\u00e9 society\n"
    (root / "metadata.csv").write_text("name,outlet\ntop,X\n")
    with pytest.raises(CorpusError, match=r"metadata\.csv, line 1, field 'file': sidecar needs a 'file' column; columns: name, outlet"):
        read_corpus(root)
    (root / "metadata.csv").write_text("file,outlet\ntop,X\ntop.txt,Y\n")
    with pytest.raises(CorpusError, match=r"metadata\.csv, line 3, field 'file': file 'top' listed twice \(first at line 2\)"):
        read_corpus(root)
    with pytest.raises(FileNotFoundError, match=r"sidecar .*none\.csv does not exist"):
        read_corpus(root, sidecar=root / "none.csv")


# ---------------------------------------------------------------- streaming


def test_iter_documents_streams_and_reports(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", [rec(1), "{bad", rec(2, date="7/23/17")])
    reports: list[ReadReport] = []
    stream = iter_documents(path, on_error="skip", report=reports.append)
    first = next(stream)
    assert isinstance(first, Document) and first.doc_id == "d1" and reports == []
    rest = list(stream)
    assert [d.doc_id for d in rest] == ["d2"] and reports[0].n_skipped == 1 and reports[0].n_kept == 2
    with pytest.raises(ValueError, match="on_error='skip' in iter_documents needs report="):
        iter_documents(path, on_error="skip")
    with pytest.raises(ValueError, match="on_error: expected one of 'raise', 'skip', 'warn', got 'nope'"):
        iter_documents(path, on_error="nope")
    good = write_jsonl(tmp_path / "g.jsonl", [rec(1, date="7/23/17")])
    with pytest.warns(CorpusWarning, match="values that are not ISO dates"):
        assert len(list(iter_documents(good))) == 1
    with pytest.raises(CorpusError, match=r"s\.jsonl, line 2: malformed JSON"):
        list(iter_documents(path))


# ---------------------------------------------------------------- duplicates


def test_dedupe_and_find_duplicates(tmp_path):
    texts = ["The Fa\u00e7ade  fell.", "Something else.", "the facade\nfell.", "Other.", "THE FACADE FELL."]
    path = write_jsonl(tmp_path / "dup.jsonl", [rec(i, text=t, outlet="AB"[i % 2]) for i, t in enumerate(texts)])
    c = read_corpus(path, dedupe=True)
    assert c.frame["doc_id"].tolist() == ["d0", "d1", "d3"]
    rep = c.report
    assert (rep.n_read, rep.n_kept, rep.n_skipped, rep.n_duplicates) == (5, 3, 0, 2)
    (group,) = rep.duplicates
    assert group.doc_ids == ("d0", "d2", "d4") and group.outlets == ("A", "A", "A") and group.text_hash == text_hash(texts[0])
    assert "kept 'd0', dropped 'd2', 'd4'" in rep.summary() and "2 dropped as exact duplicates" in rep.summary()
    full = read_corpus(path)
    found = find_duplicates(full)
    assert list(found.columns) == ["group", "doc_id", "outlet", "text_hash"]
    assert found["doc_id"].tolist() == ["d0", "d2", "d4"] and set(found["group"]) == {0}
    assert find_duplicates(full.frame.iloc[:2]).empty
    assert text_hash(" A\u00a0b ") == text_hash("a B")


def test_find_near_duplicates_tiny():
    base = ("the council met on monday to discuss the harbor plan and the new schedule for the eastern docks "
            "while workers waited outside in the rain for news about their jobs and the future of the port")
    words = base.split()
    near = " ".join(words[:-1] + ["city"])
    frame = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "outlet": ["X", "Y", "X", "Z"],
                          "text": [base, "Completely different words about a marathon in the rain today.", near, base.upper()]})
    pairs = find_near_duplicates(frame, threshold=0.8)
    assert list(pairs.columns) == ["doc_id_a", "doc_id_b", "outlet_a", "outlet_b", "estimated_jaccard", "jaccard"]
    assert pairs[["doc_id_a", "doc_id_b"]].values.tolist() == [["a", "d"], ["a", "c"], ["c", "d"]]
    assert pairs["jaccard"].tolist()[0] == 1.0
    expected = (len(words) - 5) / (len(words) - 5 + 2)
    assert pairs["jaccard"].tolist()[1] == pytest.approx(expected)
    again = find_near_duplicates(frame, threshold=0.8)
    pd.testing.assert_frame_equal(pairs, again)
    assert find_near_duplicates(frame, threshold=1.0)[["doc_id_a", "doc_id_b"]].values.tolist() == [["a", "d"]]
    short = pd.DataFrame({"doc_id": ["s", "t", "u"], "outlet": ["X"] * 3, "text": ["Tiny text", "tiny TEXT", "!!"]})
    assert find_near_duplicates(short)[["doc_id_a", "doc_id_b"]].values.tolist() == [["s", "t"]]


def test_duplicate_helpers_errors():
    frame = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": ["x"]})
    with pytest.raises(ValueError, match="threshold: expected a finite number in \\(0, 1\\], got 0"):
        find_near_duplicates(frame, threshold=0)
    with pytest.raises(ValueError, match="shingle: expected an integer >= 1, got 0"):
        find_near_duplicates(frame, shingle=0)
    with pytest.raises(TypeError, match="num_perm: expected an integer >= 1, got 2.5"):
        find_near_duplicates(frame, num_perm=2.5)
    with pytest.raises(ValueError, match="random_state: expected an integer >= 0, got -1"):
        find_near_duplicates(frame, random_state=-1)
    with pytest.raises(TypeError, match="find_duplicates needs a DataFrame or a Corpus, got list"):
        find_duplicates([])
    with pytest.raises(ValueError, match="find_duplicates: the frame has no column\\(s\\) 'outlet'"):
        find_duplicates(frame.drop(columns="outlet"))
    with pytest.raises(TypeError, match="find_near_duplicates: row 0: text must be a str, got float"):
        find_near_duplicates(frame.assign(text=[np.nan]))


def test_corpus_error_attributes_and_plain_message():
    err = CorpusError("boom", source="f.jsonl", line=4, field="text", reason="empty text")
    assert str(err) == "f.jsonl, line 4, field 'text': boom" and isinstance(err, ValueError)
    assert (err.source, err.line, err.field, err.reason, err.doc_id) == ("f.jsonl", 4, "text", "empty text", None)
    assert str(CorpusError("plain")) == "plain"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_corpus(pd.DataFrame({"doc_id": ["a"], "outlet": ["b"], "text": ["c"]})).report.summary() == (
            "DataFrame: 1 records read, 1 kept, 0 skipped")
