"""The fast path for plain records (``_Session._build_plain``) gives what
the general path gives: the same Documents, errors, notes and reports."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import framing.corpus.readers as readers
from framing.corpus.readers import CorpusError, iter_documents, iter_part, iter_records, plan_parts

TRICKY = [
    {"doc_id": "a", "outlet": "X", "text": "plain text", "title": "T"},
    {"doc_id": " b ", "outlet": " X ", "text": "  padded  ", "title": "  ", "url": ""},
    {"doc_id": 7, "outlet": "X", "text": "numeric id"},
    {"doc_id": 7.0, "outlet": "X", "text": "float id"},
    {"doc_id": 7.5, "outlet": "X", "text": "non-integral float id"},
    {"doc_id": True, "outlet": "X", "text": "boolean id"},
    {"doc_id": None, "outlet": "X", "text": "null id"},
    {"doc_id": "", "outlet": "X", "text": "empty id"},
    {"doc_id": "   ", "outlet": "X", "text": "blank id"},
    {"doc_id": "c", "outlet": 3, "text": "numeric outlet"},
    {"doc_id": "d", "outlet": 3.0, "text": "float outlet"},
    {"doc_id": "e", "outlet": 3.5, "text": "non-integral outlet"},
    {"doc_id": "f", "outlet": False, "text": "boolean outlet"},
    {"doc_id": "g", "outlet": ["X"], "text": "list outlet"},
    {"doc_id": "h", "text": "no outlet"},
    {"doc_id": "i", "outlet": None, "text": "null outlet"},
    {"doc_id": "j", "outlet": "  ", "text": "blank outlet"},
    {"doc_id": "k", "outlet": "X"},
    {"doc_id": "l", "outlet": "X", "text": None},
    {"doc_id": "m", "outlet": "X", "text": ""},
    {"doc_id": "n", "outlet": "X", "text": " \n\t\u2003 "},
    {"doc_id": "o", "outlet": "X", "text": 12},
    {"doc_id": "p", "outlet": "X", "text": ["a", "b"]},
    {"doc_id": "q", "outlet": "X", "text": "authors list", "authors": ["A", " B "], "tags": ["t1", None, ""]},
    {"doc_id": "r", "outlet": "X", "text": "authors str", "authors": "By A and B & C", "tags": "t1; t2"},
    {"doc_id": "s", "outlet": "X", "text": "authors json", "authors": '["A", "B"]', "tags": "x|y"},
    {"doc_id": "t", "outlet": "X", "text": "authors dict", "authors": {"a": 1}},
    {"doc_id": "u", "outlet": "X", "text": "authors null", "authors": None, "tags": None},
    {"doc_id": "v", "outlet": "X", "text": "dates", "date": "September 20, 2016"},
    {"doc_id": "w", "outlet": "X", "text": "dates", "date": "7/23/17"},
    {"doc_id": "x", "outlet": "X", "text": "dates", "date": "2016-09-20T00:00:00"},
    {"doc_id": "y", "outlet": "X", "text": "dates", "date": 20160920},
    {"doc_id": "z", "outlet": "X", "text": "dates", "date": ""},
    {"doc_id": "a1", "outlet": "X", "text": "numbers", "title": 5, "story_id": 5.0, "topic": 1.5, "lang": True},
    {"doc_id": "a2", "outlet": "X", "text": "captions", "captions": ["one", "two"], "boilerplate": []},
    {"doc_id": "a3", "outlet": "X", "text": "object title", "title": {"x": 1}},
    {"doc_id": "a4", "outlet": "X", "text": "extras", "score": 1.5, "nothing": None, "nested": {"k": [1, 2]},
     "nan": float("nan")},
    {"doc_id": "a", "outlet": "X", "text": "duplicate of the first id"},
    {"outlet": "X", "text": "no id key"},
    {"doc_id": "a5", "outlet": "X", "text": "nan title", "title": float("nan")},
    {"doc_id": "a6", "outlet": "X", "text": "nan text", "text2": "x"},
    {"doc_id": "a7", "outlet": "X", "text": float("nan")},
    {"doc_id": "a8", "outlet": "X", "text": "shadowed", "content": "mapped text", "source": "Y", "id": "mapped"},
    {"doc_id": "a9", "outlet": "X", "text": "all fields", "title": "t", "date": "2020-01-02", "authors": "A",
     "url": "u", "tags": "t", "genre": "g", "story_id": "s", "topic": "p", "lang": "en", "captions": "c",
     "boilerplate": "b"},
]

OPTIONS = [
    {},
    {"outlet": "Fallback"},
    {"id_prefix": "pre"},
    {"fields": {"text": "content", "outlet": "source", "doc_id": "id"}},
    {"fields": {"doc_id": None}},
    {"fields": {"outlet": None}, "outlet": "Only"},
    {"fields": {"title": "text"}},
    {"fields": {"title": None, "date": None, "authors": "tags"}},
]


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers._Session, "_build_plain", lambda self, item: None)


def _same(a: object, b: object) -> bool:
    """Equality that takes NaN as equal to NaN (kept in ``extra``)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    return type(a) is type(b) and a == b


def _fields(doc: readers.Document) -> dict:
    return {name: getattr(doc, name) for name in readers.Document.__dataclass_fields__}


def _outcome(path: Path, **options) -> tuple:
    """Documents, report and warnings of a skip read; the error of a raise read."""
    got = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            docs = [_fields(d) for d in iter_documents(path, on_error="skip", report=got.append, **options)]
        except CorpusError as err:  # e.g. every record skipped
            docs = [(type(err), str(err), err.line, err.field, err.reason, err.doc_id)]
        try:
            list(iter_documents(path, on_error="raise", **options))
            error = None
        except CorpusError as err:
            error = (str(err), err.line, err.field, err.reason, err.doc_id, err.source)
    return docs, got, [(w.category, str(w.message)) for w in caught], error


def _write(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: json.dumps(o, sort_keys=True))
def test_tricky_records_equal_general_path(tmp_path, monkeypatch, options):
    path = _write(tmp_path / "c.jsonl", TRICKY)
    fast = _outcome(path, **options)
    _general(monkeypatch)
    slow = _outcome(path, **options)
    assert _same(fast[0], slow[0])
    assert fast[1:] == slow[1:]


@pytest.mark.parametrize("index", range(len(TRICKY)))
def test_each_record_alone_equal_general_path(tmp_path, monkeypatch, index):
    record = TRICKY[index]
    path = _write(tmp_path / "one.jsonl", [{"doc_id": "first", "outlet": "X", "text": "t"}, record])
    fast = [_outcome(path, **options) for options in OPTIONS]
    _general(monkeypatch)
    slow = [_outcome(path, **options) for options in OPTIONS]
    for a, b in zip(fast, slow):
        assert _same(a[0], b[0])
        assert a[1:] == b[1:]


def test_plain_records_take_the_fast_path(tmp_path, monkeypatch):
    """The common record (str values, no defaults) does not fall back."""
    path = _write(tmp_path / "c.jsonl", [{"doc_id": f"d{i}", "outlet": "X", "title": " T ", "text": "t"}
                                         for i in range(3)] + [{"outlet": "X", "text": "generated"}])
    general = []
    original = readers._Session._canonical
    monkeypatch.setattr(readers._Session, "_canonical", lambda self, *a: general.append(1) or original(self, *a))
    docs = list(iter_documents(path))
    assert [d.doc_id for d in docs] == ["d0", "d1", "d2", "c-000004"] and docs[0].title == "T" and not general


def test_parts_and_records_equal_general_path(tmp_path, monkeypatch):
    path = _write(tmp_path / "c.jsonl", TRICKY * 3)
    parts = plan_parts(path, part_bytes=400)
    assert len(parts) > 3

    def read() -> tuple:
        outcomes, docs = [], []
        for part in parts:
            docs.extend(_fields(d) for d in iter_part(part, report=outcomes.append, on_error="skip"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = []
            records = [_fields(d) for d in iter_records(TRICKY, on_error="skip", report=got.append)]
        return docs, records + got, [(o.n_read, o.skipped, o.notes, o.lines, o.doc_ids) for o in outcomes]

    fast = read()
    _general(monkeypatch)
    slow = read()
    assert _same(fast[0], slow[0]) and _same(fast[1], slow[1]) and fast[2] == slow[2]


VALUES = st.one_of(st.none(), st.text(alphabet=" \t\nab1\u2003", max_size=4), st.integers(-2, 2),
                   st.floats(allow_nan=True, allow_infinity=False, width=16), st.booleans(),
                   st.lists(st.one_of(st.none(), st.text(alphabet=" ab;", max_size=3)), max_size=2))
KEYS = st.sampled_from(["doc_id", "outlet", "text", "title", "date", "authors", "tags", "url", "captions",
                        "content", "source", "id", "other"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(KEYS, VALUES, max_size=6), min_size=1, max_size=6),
       options=st.sampled_from(OPTIONS))
def test_random_records_equal_general_path(tmp_path, records, options):
    path = _write(tmp_path / "r.jsonl", records)
    fast = _outcome(path, **options)
    with pytest.MonkeyPatch.context() as mp:
        _general(mp)
        slow = _outcome(path, **options)
    assert _same(fast[0], slow[0])
    assert fast[1:] == slow[1:]


def test_byte_order_mark_inside_the_file_is_malformed_json(tmp_path):
    """json.loads still reads a line that starts with a BOM (its own error)."""
    path = tmp_path / "bom.jsonl"
    path.write_text('{"doc_id": "a", "outlet": "X", "text": "t"}\n\ufeff{"doc_id": "b", "outlet": "X", "text": "t"}\n',
                    encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bom\.jsonl, line 2: malformed JSON \(Unexpected UTF-8 BOM \(decode using "
                                          r"utf-8-sig\) at column 1\)"):
        list(iter_documents(path))
