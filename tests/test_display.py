"""Notebook summaries: short one-line reprs and compact, escaped HTML
without scripts."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from framing.corpus.readers import Corpus, ReadReport, SkippedRecord, read_corpus
from framing.display import format_value, html_summary, short_repr

from tests.paths import REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


def _safe(text: str) -> None:
    assert "<script" not in text.lower() and "javascript:" not in text.lower() and " on" not in text.lower().replace(
        " one", "")


def test_html_summary_escapes_everything():
    out = html_summary("<T>", [("a<b", "<script>alert(1)</script>"), ("n", 3)],
                       tables=[("c&d", ("x", "y"), [(i, "<i>") for i in range(12)])])
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;T&gt;" in out and "a&lt;b" in out and "c&amp;d" in out
    assert out.count("&lt;i&gt;") == 10 and "… 2 more" in out  # at most 10 rows, the rest counted
    assert format_value(float("nan")) == "–" and format_value(0.123456) == "0.1235"
    assert short_repr("X", "1 a", "2 b") == "X(1 a, 2 b)"


def test_corpus_and_read_report_summaries():
    corpus = read_corpus(SAMPLE)
    text = repr(corpus)
    assert text.startswith("Corpus(75 documents, 3 outlets, 2025-03-03..2025-06-27") and "\n" not in text
    page = corpus._repr_html_()
    _safe(page)
    assert "<table>" in page and "top outlets" in page and ">75<" in page and "2025-03-03 to 2025-06-27" in page
    counts = corpus.frame["outlet"].value_counts()
    assert f">{counts.index[0]}<" in page
    rep = ReadReport("x<y>.jsonl", 3, 1, 2, skipped=(SkippedRecord(1, None, None, "bad json"),
                                                     SkippedRecord(2, None, None, "bad json")),
                     warnings=("decoded <b>latin-1</b>",))
    assert repr(rep) == ("ReadReport('x<y>.jsonl', 3 read, 1 kept, 2 skipped, 0 duplicates, 1 warnings)")
    page = rep._repr_html_()
    _safe(page)
    assert "x&lt;y&gt;.jsonl" in page and "bad json" in page and "&lt;b&gt;latin-1&lt;/b&gt;" in page
    empty = Corpus(pd.DataFrame({"doc_id": ["a"], "outlet": ["o"], "text": ["t"], "date": [None]}), rep)
    assert "no dates" in repr(empty) and "dates" in empty._repr_html_()


def test_run_tables_summary():
    from framing.experiment.stages import RunTables

    lex = SimpleNamespace(id="cues", scores=pd.DataFrame({"a": [1, 2]}))
    cmp = SimpleNamespace(entry=SimpleNamespace(id="c1"), tables={"pairs": pd.DataFrame({"a": [1]})})
    tables = RunTables(config=SimpleNamespace(name="demo<1>"), run_hash="abcdef0123456789", lexicon_sources={},
                       corpus=SimpleNamespace(frame=pd.DataFrame({"doc_id": ["x", "y", "z"]})), lexicons=(lex,),
                       comparisons=(cmp,), keyness=(), classifiers=(), passage_hits=pd.DataFrame())
    assert repr(tables) == "RunTables('demo<1>', hash abcdef012345, 3 documents, 2 tables)"
    page = tables._repr_html_()
    _safe(page)
    assert "demo&lt;1&gt;" in page and "c1-pairs" in page and tables.table_sizes() == [
        ("lexicons", "cues", 2), ("comparisons", "c1-pairs", 1)]
