"""Bad inputs to the corpus readers: each is a clear error naming the file
and the line (or row, or file below a folder), or -- under
``on_error="skip"`` -- a counted skip with read = kept + skipped."""

from __future__ import annotations

import gzip
import json
import warnings

import pandas as pd
import pytest

from framing.corpus.readers import CorpusError, CorpusWarning, iter_documents, read_corpus, read_text_file

DEEP = 100_000


def good(i: int) -> str:
    return json.dumps({"doc_id": f"d{i}", "outlet": "A", "text": f"Text number {i}."})


def jsonl(bad: str | bytes) -> bytes:
    """A good record, the bad line (line 2), a good record."""
    bad = bad.encode("utf-8") if isinstance(bad, str) else bad
    return good(1).encode() + b"\n" + bad + b"\n" + good(3).encode() + b"\n"


def csv_(bad: str | bytes, header: str = "doc_id,outlet,text") -> bytes:
    """Header, a good row, the bad row (line 3), a good row."""
    bad = bad.encode("utf-8") if isinstance(bad, str) else bad
    return header.encode() + b"\nd1,A,one\n" + bad + b"\nd3,A,three\n"


def rec(**kw) -> str:
    base = {"doc_id": "d2", "outlet": "A", "text": "Two."}
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not _DROP})


_DROP = object()

# (id, file name, content, read options, error regex under on_error="raise", skip reason)
RECORD_CASES = [
    ("deep-array-line", "c.jsonl", jsonl("[" * DEEP + "]" * DEEP), {}, r"c\.jsonl, line 2: JSON nested too deeply",
     "malformed JSON"),
    ("deep-object-value", "c.jsonl", jsonl('{"doc_id": "d2", "x": ' + '{"a": ' * DEEP + "1" + "}" * DEEP + "}"), {},
     r"c\.jsonl, line 2: JSON nested too deeply", "malformed JSON"),
    ("deep-unclosed", "c.jsonl", jsonl("[" * DEEP), {}, r"c\.jsonl, line 2: (JSON nested too deeply|malformed JSON)",
     "malformed JSON"),
    ("malformed-json", "c.jsonl", jsonl('{"doc_id": "d2",'), {}, r"c\.jsonl, line 2: malformed JSON", "malformed JSON"),
    ("json-list-line", "c.jsonl", jsonl("[1, 2]"), {}, r"line 2: expected a JSON object, got list", "not an object"),
    ("json-number-line", "c.jsonl", jsonl("42"), {}, r"line 2: expected a JSON object, got int", "not an object"),
    ("json-string-line", "c.jsonl", jsonl('"text"'), {}, r"line 2: expected a JSON object, got str", "not an object"),
    ("nul-outside-string", "c.jsonl", jsonl(b'{"doc_id": "d2"\x00}'), {}, r"line 2: malformed JSON", "malformed JSON"),
    ("nul-inside-string", "c.jsonl", jsonl(b'{"doc_id": "d2", "outlet": "A", "text": "a\x00b"}'), {},
     r"line 2: malformed JSON \(Invalid control character at column", "malformed JSON"),
    ("invalid-utf8", "c.jsonl", jsonl(b'{"doc_id": "d2", "outlet": "A", "text": "caf\xe9"}'), {},
     r"c\.jsonl, line 2: not valid utf-8 at byte offset \d+ \(byte 0xe9\); pass fallback_encoding=", "undecodable bytes"),
    ("invalid-utf8-and-fallback", "c.jsonl", jsonl(b'{"doc_id": "d2", "outlet": "A", "text": "\x81"}'),
     {"fallback_encoding": "cp1252"}, r"line 2: not valid utf-8 .*nor valid cp1252", "undecodable bytes"),
    ("missing-text", "c.jsonl", jsonl(rec(text=_DROP)), {}, r"line 2, field 'text': text is missing \(source key 'text'",
     "missing field"),
    ("null-text", "c.jsonl", jsonl(rec(text=None)), {}, r"line 2, field 'text': text is missing", "missing field"),
    ("number-text", "c.jsonl", jsonl(rec(text=3)), {}, r"line 2, field 'text': text must be a str, got int",
     "non-string text"),
    ("list-text", "c.jsonl", jsonl(rec(text=["a"])), {}, r"field 'text': text must be a str, got list", "non-string text"),
    ("blank-text", "c.jsonl", jsonl(rec(text=" \n\t")), {}, r"field 'text': text is empty or white space only",
     "empty text"),
    ("missing-outlet", "c.jsonl", jsonl(rec(outlet=_DROP)), {}, r"line 2, field 'outlet': outlet is missing",
     "missing field"),
    ("blank-outlet", "c.jsonl", jsonl(rec(outlet="  ")), {}, r"field 'outlet': outlet is missing", "missing field"),
    ("bool-outlet", "c.jsonl", jsonl(rec(outlet=True)), {},
     r"c\.jsonl, line 2, field 'outlet': outlet must be text, got a boolean \(True\)", "bad value"),
    ("list-outlet", "c.jsonl", jsonl(rec(outlet=["A"])), {}, r"field 'outlet': outlet must be text, got a list",
     "bad value"),
    ("fraction-outlet", "c.jsonl", jsonl(rec(outlet=1.5)), {}, r"field 'outlet': outlet must be text, got a number \('1\.5'\)",
     "bad value"),
    ("null-doc-id", "c.jsonl", jsonl(rec(doc_id=None)), {}, r"line 2, field 'doc_id': doc_id is missing", "missing field"),
    ("bool-doc-id", "c.jsonl", jsonl(rec(doc_id=False)), {},
     r"field 'doc_id': doc_id must be a str or an integer, got bool False", "bad value"),
    ("dict-doc-id", "c.jsonl", jsonl(rec(doc_id={"a": 1})), {}, r"field 'doc_id': doc_id must be a str or an integer, got dict",
     "bad value"),
    ("duplicate-doc-id", "c.jsonl", jsonl(rec(doc_id="d1")), {}, r"line 2, field 'doc_id': duplicate doc_id 'd1' \(first at line 1\)",
     "duplicate doc_id"),
    ("duplicate-numeric-doc-id", "c.jsonl", b'{"doc_id": 1, "outlet": "A", "text": "x"}\n{"doc_id": 1.0, "outlet": "A", "text": "y"}\n'
     + good(3).encode(), {}, r"line 2, field 'doc_id': duplicate doc_id '1'", "duplicate doc_id"),
    ("dict-title", "c.jsonl", jsonl(rec(title={"a": 1})), {}, r"line 2, field 'title': title must be a str, got dict",
     "bad value"),
    ("dict-authors", "c.jsonl", jsonl(rec(authors={"a": 1})), {},
     r"field 'authors': authors must be a list or a delimited string, got dict", "bad value"),
    ("map-names-absent-key", "c.jsonl", jsonl(json.dumps({"doc_id": "d2", "outlet": "A", "body": "x"})),
     {"fields": {"text": "body"}}, r"line 1, field 'text': text is missing \(source key 'body'; keys: doc_id, outlet, text\)",
     None),
    ("csv-wrong-field-count", "c.csv", csv_("d2,A"), {}, r"c\.csv, line 3: row has 2 fields, the header has 3", "bad CSV row"),
    ("csv-too-many-fields", "c.csv", csv_("d2,A,two,extra"), {}, r"line 3: row has 4 fields, the header has 3 \(delimiter ','\)",
     "bad CSV row"),
    ("csv-invalid-utf8", "c.csv", csv_(b"d2,A,caf\xe9"), {}, r"c\.csv, line 3: not valid utf-8", "undecodable bytes"),
    ("csv-empty-text", "c.csv", csv_("d2,A,"), {}, r"line 3, field 'text': text is empty", "empty text"),
    ("csv-duplicate-id", "c.csv", csv_("d1,A,again"), {}, r"line 3, field 'doc_id': duplicate doc_id 'd1' \(first at line 2\)",
     "duplicate doc_id"),
    ("csv-missing-outlet", "c.csv", csv_("d2,,two"), {}, r"line 3, field 'outlet': outlet is missing", "missing field"),
    ("csv-multiline-quoted-bad", "c.csv", csv_('d2,A,"two\nlines",x'), {}, r"line 3: row has 4 fields", "bad CSV row"),
    ("tsv-wrong-field-count", "c.tsv", csv_("d2\tA", header="doc_id\toutlet\ttext").replace(b",", b"\t"), {},
     r"c\.tsv, line 3: row has 2 fields, the header has 3 \(delimiter '\\t'\)", "bad CSV row"),
    ("json-array-non-object", "c.json", ("[" + good(1) + ",\n 5,\n" + good(3) + "]").encode(), {},
     r"c\.json, line 2: expected a JSON object, got int", "not an object"),
    ("json-array-missing-text", "c.json", ("[" + good(1) + ",\n" + rec(text=_DROP) + ",\n" + good(3) + "]").encode(), {},
     r"c\.json, line 2, field 'text': text is missing", "missing field"),
]


@pytest.mark.parametrize("name, content, options, match, reason",
                         [pytest.param(*case[1:], id=case[0]) for case in RECORD_CASES])
def test_bad_record_raises_or_is_counted(tmp_path, name, content, options, match, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=match):
        read_corpus(path, **options)
    if reason is None:  # the good records miss the mapped key; the bad one has it
        rep = read_corpus(path, on_error="skip", **options).report
        assert (rep.n_read, rep.n_kept, rep.n_skipped) == (3, 1, 2) and rep.counts() == {"missing field": 2}
        return
    corpus = read_corpus(path, on_error="skip", **options)
    rep = corpus.report
    assert (rep.n_read, rep.n_kept, rep.n_skipped) == (3, 2, 1)
    assert rep.n_read == rep.n_kept + rep.n_skipped + rep.n_duplicates
    assert rep.counts() == {reason: 1} and rep.skipped[0].source == str(path)
    assert "3 records read, 2 kept, 1 skipped" in rep.summary()
    with pytest.warns(CorpusWarning, match=rf"skipped, {reason}: 1 \(at \d\)"):
        assert len(read_corpus(path, on_error="warn", **options)) == 2


# (id, file name, content, read options, error regex) -- always an error, also under on_error="skip"
FILE_CASES = [
    ("empty-jsonl", "c.jsonl", b"", {}, r"c\.jsonl: no records \(the file is empty or holds only blank lines\)"),
    ("blank-jsonl", "c.jsonl", b"\n  \n\r\n\t\n", {}, r"c\.jsonl: no records"),
    ("zero-byte-gzip", "c.jsonl.gz", b"", {}, r"c\.jsonl\.gz: no records"),
    ("gzip-of-nothing", "c.jsonl.gz", gzip.compress(b""), {}, r"c\.jsonl\.gz: no records"),
    ("truncated-gzip", "c.jsonl.gz", gzip.compress("\n".join(good(i) for i in range(500)).encode())[:-30], {},
     r"c\.jsonl\.gz: broken gzip stream"),
    ("empty-json-array", "c.json", b"[]", {}, r"c\.json: no records \(the file is empty, blank or an empty JSON array\)"),
    ("broken-json-array", "c.json", ("[" + good(1) + ", {").encode(), {}, r"c\.json, line 1: malformed JSON array"),
    ("deep-json-array", "c.json", b"[" + b"[" * DEEP + b"]" * DEEP + b"]", {}, r"c\.json, line 1: JSON nested too deeply"),
    ("json-text-after-array", "c.json", ("[" + good(1) + "] x").encode(), {}, r"text after the closing"),
    ("empty-csv", "c.csv", b"", {}, r"c\.csv: no records \(the file is empty or holds only a header\)"),
    ("header-only-csv", "c.csv", b"doc_id,outlet,text\r\n", {}, r"c\.csv: no records"),
    ("csv-duplicate-column", "c.csv", b"doc_id,text,text\n1,a,b\n", {}, r"c\.csv, line 1: duplicate column name\(s\) 'text'"),
    ("csv-unclosed-quote", "c.csv", b'doc_id,outlet,text\nd1,A,"open\n', {}, r"c\.csv, line 2: unreadable CSV"),
    ("csv-nul-header", "c.csv", b"\x00\x00\x00\n\x00\n", {}, (r"c\.csv, line 2, field 'outlet': outlet is missing",
     r"c\.csv: no records left: all 1 records read were skipped \(missing field: 1\)")),
    ("csv-cr-line-ends", "c.csv", b"doc_id,outlet,text\rd1,A,one\rd2,A,two\r", {},
     r"c\.csv, line 1: the header line holds a bare carriage return \(classic Mac line ends\?\)"),
    ("tsv-cr-line-ends", "c.tsv", b"doc_id\toutlet\ttext\rd1\tA\tone\r", {}, r"c\.tsv, line 1: the header line holds a bare"),
    ("utf16", "c.jsonl", "\ufeff".encode("utf-16-le") + good(1).encode("utf-16-le"), {},
     r"c\.jsonl, line 1: file starts with a UTF-16 byte-order mark"),
    ("all-records-bad", "c.jsonl", b"{\n[1]\n{}\n", {}, (r"c\.jsonl, line 1: malformed JSON",
     r"c\.jsonl: no records left: all 3 records read were skipped \(malformed JSON: 1, missing field: 1, not an object: 1\); "
     r"first: .*line 1: malformed JSON")),
    ("field-map-absent-csv-column", "c.csv", csv_("d2,A,two"), {"fields": {"outlet": "source"}},
     (r"c\.csv, line 2, field 'outlet': outlet is missing \(source key 'source'; keys: doc_id, outlet, text\)",
      r"c\.csv: no records left: all 3 records read were skipped \(missing field: 3\); first: .*source key 'source'")),
    ("empty-txt", "a.txt", b"", {"outlet": "o"}, (r"a\.txt, field 'text': text is empty or white space only",
     r"a\.txt: no records left: all 1 records read were skipped \(empty text: 1\)")),
    ("txt-without-outlet", "a.txt", b"Some text.", {}, (r"a\.txt, field 'outlet': outlet is missing",
     r"a\.txt: no records left: all 1 records read were skipped \(missing field: 1\)")),
    ("blank-raw-txt", "a.txt", b" \n\n ", {"raw": True, "outlet": "o"}, r"a\.txt.*empty article"),
]


@pytest.mark.parametrize("name, content, options, match",
                         [pytest.param(*case[1:], id=case[0]) for case in FILE_CASES])
@pytest.mark.parametrize("on_error", ["raise", "skip"])
def test_bad_file_is_an_error(tmp_path, name, content, options, match, on_error):
    path = tmp_path / name
    path.write_bytes(content)
    if isinstance(match, tuple):  # the first bad record under "raise"; nothing left under "skip"
        match = match[on_error == "skip"]
    with pytest.raises(CorpusError, match=match):
        read_corpus(path, on_error=on_error, **options)


def test_deep_nesting_keeps_the_good_records(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_bytes(jsonl("[" * DEEP + "]" * DEEP) + jsonl("{" * 5))
    seen = []
    docs = list(iter_documents(path, on_error="skip", report=seen.append))
    assert [d.doc_id for d in docs] == ["d1", "d3"]  # the later d1/d3 are duplicates: skipped and counted
    rep = seen[0]
    assert rep.n_read == 6 == rep.n_kept + rep.n_skipped
    assert rep.counts() == {"duplicate doc_id": 2, "malformed JSON": 2}


def test_deep_list_literal_in_a_tags_cell_is_no_crash(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("doc_id,outlet,text,tags\nd1,A,one," + "[" * DEEP + "\n", encoding="utf-8")
    assert read_corpus(path).frame["tags"].tolist() == [["[" * DEEP]]


def test_outlets_one_and_one_point_zero_are_counted_when_converted(tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [{"doc_id": "a", "outlet": 1, "text": "x"}, {"doc_id": "b", "outlet": "1", "text": "y"},
            {"doc_id": "c", "outlet": 1.0, "text": "z"}, {"doc_id": "d", "outlet": " B ", "text": "w"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    corpus = read_corpus(path)
    assert corpus.frame["outlet"].tolist() == ["1", "1", "1", "B"]
    (warning,) = corpus.report.warnings
    assert "field 'outlet': numbers converted to their integer text" in warning and "(2x: line 1 1 -> '1', line 3 1.0 -> '1')" in warning
    with pytest.warns(CorpusWarning, match="numbers converted"):
        read_corpus(path, on_error="warn")


def test_outlet_types_from_parquet_and_dataframes(tmp_path):
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": [True, False, True], "text": ["x", "y", "z"]})
    with pytest.raises(CorpusError, match=r"DataFrame, row 0, field 'outlet': outlet must be text, got a boolean \(True\)"):
        read_corpus(frame)
    ints = read_corpus(pd.DataFrame({"doc_id": ["a", "b"], "outlet": [7, 8], "text": ["x", "y"]}))
    assert ints.frame["outlet"].tolist() == ["7", "8"] and "2x" in ints.report.warnings[0]
    pytest.importorskip("pyarrow")
    path = tmp_path / "c.parquet"
    frame.to_parquet(path)
    with pytest.raises(CorpusError, match=r"c\.parquet, row 0, field 'outlet': outlet must be text, got a boolean"):
        read_corpus(path)
    with pytest.raises(CorpusError, match=r"c\.parquet: no records left: all 3 records read were skipped \(bad value: 3\)"):
        read_corpus(path, on_error="skip")


def test_garbage_parquet_names_the_file(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "garbage.parquet"
    path.write_bytes(b"this is not parquet at all" * 20)
    with pytest.raises(CorpusError, match=r"garbage\.parquet: not a readable Parquet file \("):
        read_corpus(path, on_error="skip")
    empty = tmp_path / "empty.parquet"
    pd.DataFrame({"doc_id": pd.Series([], dtype=str), "outlet": pd.Series([], dtype=str),
                  "text": pd.Series([], dtype=str)}).to_parquet(empty)
    with pytest.raises(CorpusError, match=r"empty\.parquet: no records \(the file has no rows\)"):
        read_corpus(empty)


def test_folder_skips_are_listed_by_file(tmp_path):
    root = tmp_path / "news"
    (root / "A").mkdir(parents=True)
    (root / "A" / "good.txt").write_text("A fine article.", encoding="utf-8")
    (root / "A" / "bad.txt").write_bytes(b"caf\xe9 au lait")
    (root / "A" / "blank.txt").write_text("  \n", encoding="utf-8")
    (root / "A" / "tags.txt").write_text('Title\n["a", oops]\nBody /VCG Photo\n', encoding="utf-8")
    (root / "flat.txt").write_text("No outlet here.", encoding="utf-8")
    corpus = read_corpus(root, on_error="skip")
    rep = corpus.report
    assert corpus.frame["doc_id"].tolist() == ["A/good"]
    assert rep.n_read == 5 == rep.n_kept + rep.n_skipped
    summary = rep.summary()
    assert "skipped, undecodable bytes: 1 (at A/bad.txt line 1)" in summary
    assert "skipped, empty text: 1 (at A/blank.txt)" in summary
    assert "skipped, unreadable article: 1 (at A/tags.txt line 2)" in summary
    assert "skipped, missing field: 1 (at flat.txt)" in summary
    assert rep.to_frame()["source"].tolist() == [str(root / p) for p in ("A/bad.txt", "A/blank.txt", "A/tags.txt", "flat.txt")]
    with pytest.raises(CorpusError, match=r"news/A/bad\.txt, line 1: not valid utf-8 at byte offset 3"):
        read_corpus(root)


def test_folder_sidecar_problems(tmp_path):
    root = tmp_path / "f"
    root.mkdir()
    (root / "a.txt").write_text("One.", encoding="utf-8")
    (root / "metadata.csv").write_text("file,outlet\na.txt,A\nghost.txt,B\na,C\n", encoding="utf-8")
    rep = read_corpus(root, on_error="skip").report
    assert rep.n_read == 3 == rep.n_kept + rep.n_skipped
    assert rep.counts() == {"duplicate file": 1, "missing file": 1}
    assert "(at metadata.csv line 3)" in rep.summary() and "(at metadata.csv line 4)" in rep.summary()
    (root / "metadata.csv").write_text("name,outlet\na.txt,A\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"metadata\.csv, line 1, field 'file': sidecar needs a 'file' column"):
        read_corpus(root, on_error="skip")
    empty = tmp_path / "empty"
    (empty / ".hidden").mkdir(parents=True)
    (empty / ".hidden" / "x.txt").write_text("Hidden.", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"empty: no records \(no \.txt files below the folder"):
        read_corpus(empty, outlet="o")


def test_outlet_none_mapping_overrides_sub_folders_and_sidecar(tmp_path):
    root = tmp_path / "f"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("One.", encoding="utf-8")
    (root / "metadata.csv").write_text("file,outlet\nsub/a.txt,Side\n", encoding="utf-8")
    assert read_corpus(root).frame["outlet"].tolist() == ["Side"]
    assert read_corpus(root, fields={"outlet": None}, outlet="Mine").frame["outlet"].tolist() == ["Mine"]


@pytest.mark.parametrize("variant", ["bom", "crlf", "bom-crlf", "huge-line", "gzip", "nul-in-csv-cell"])
def test_awkward_but_valid_inputs_are_read(tmp_path, variant):
    body = jsonl(good(2))
    name = "c.jsonl"
    if variant.startswith("bom"):
        body = b"\xef\xbb\xbf" + body
    if variant.endswith("crlf"):
        body = body.replace(b"\n", b"\r\n")
    if variant == "huge-line":
        body = jsonl(rec(text="word " * 2_000_000))
    if variant == "gzip":
        name, body = "c.jsonl.gz", gzip.compress(body)
    if variant == "nul-in-csv-cell":
        name, body = "c.csv", csv_(b"d2,A,a\x00b")
    path = tmp_path / name
    path.write_bytes(body)
    corpus = read_corpus(path)
    rep = corpus.report
    assert rep.n_skipped == 0 and rep.n_read == rep.n_kept == len(corpus) >= 2
    assert all(t == t.strip() or variant == "huge-line" for t in corpus.frame["text"])


def test_latin1_line_with_fallback_is_kept_and_reported(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(jsonl(b'{"doc_id": "d2", "outlet": "A", "text": "caf\xe9"}'))
    with pytest.warns(CorpusWarning, match=r"c\.jsonl, line 2: not valid utf-8 .*decoded as cp1252"):
        corpus = read_corpus(path, fallback_encoding="cp1252")
    assert corpus.frame["text"].tolist()[1] == "café" and "decoded as cp1252" in corpus.report.warnings[0]


def test_undated_and_odd_dates_are_kept_and_counted(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join([rec(doc_id="a", date="7/23/17"), rec(doc_id="b", date=20160920),
                               rec(doc_id="c", date="September 20, 2016")]) + "\n", encoding="utf-8")
    corpus = read_corpus(path)
    assert corpus.frame["date"].tolist() == ["7/23/17", "20160920", "2016-09-20"]
    assert "values that are not ISO dates were kept as they are (2x" in corpus.report.warnings[0]


@pytest.mark.parametrize(
    "options, exc, match",
    [
        ({"encoding": "utf-16"}, ValueError, r"encoding: encoding 'utf-16' is not supported"),
        ({"encoding": "no-such-codec"}, ValueError, r"encoding: unknown encoding 'no-such-codec'"),
        ({"fallback_encoding": 5}, TypeError, r"fallback_encoding must be a str or None, got int"),
        ({"format": "txt"}, ValueError, r"is a folder; format='txt' needs a file"),
    ],
)
def test_bad_options(tmp_path, options, exc, match):
    with pytest.raises(exc, match=match):
        read_corpus(tmp_path, **options)


def test_read_equals_kept_plus_skipped_for_every_reader(tmp_path):
    pytest.importorskip("pyarrow")
    rows = [{"doc_id": "a", "outlet": "A", "text": "One."}, {"doc_id": "b", "outlet": "", "text": "Two."},
            {"doc_id": "a", "outlet": "A", "text": "Dup id."}, {"doc_id": "c", "outlet": "B", "text": " "},
            {"doc_id": "d", "outlet": "B", "text": "One."}, {"doc_id": "e", "outlet": "B", "text": "Five."}]
    frame = pd.DataFrame(rows)
    paths = {"jsonl": tmp_path / "c.jsonl", "json": tmp_path / "c.json", "csv": tmp_path / "c.csv",
             "tsv": tmp_path / "c.tsv", "parquet": tmp_path / "c.parquet"}
    paths["jsonl"].write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8")
    paths["json"].write_text(json.dumps(rows + [[1]]), encoding="utf-8")
    frame.to_csv(paths["csv"], index=False)
    with open(paths["csv"], "a", encoding="utf-8") as fh:
        fh.write("x,A\n")
    frame.to_csv(paths["tsv"], index=False, sep="\t")
    frame.to_parquet(paths["parquet"])
    for kind, path in [*paths.items(), ("frame", frame)]:
        for dedupe in (False, True):
            rep = read_corpus(path, on_error="skip", dedupe=dedupe).report
            assert rep.n_read == rep.n_kept + rep.n_skipped + rep.n_duplicates, (kind, rep)
            assert rep.n_read == len(rows) + (kind in ("jsonl", "json", "csv")), kind
            assert rep.n_skipped == len(rep.skipped) == 3 + (kind in ("jsonl", "json", "csv")), kind
            assert rep.n_duplicates == (1 if dedupe else 0), kind
            assert f"{rep.n_read} records read, {rep.n_kept} kept, {rep.n_skipped} skipped" in rep.summary()


def test_read_text_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfOne\r\ntwo\xe9\n")
    with pytest.raises(CorpusError, match=r"a\.txt, line 2: not valid utf-8 at byte offset 11"):
        read_text_file(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        assert read_text_file(path, fallback_encoding="cp1252") == "One\r\ntwo\u00e9\n"
    with pytest.raises(FileNotFoundError):
        read_text_file(tmp_path / "missing.txt")
