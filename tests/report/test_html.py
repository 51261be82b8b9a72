from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.quotes import quoted_intervals
from framing.report.html import (
    MAX_CELL_CHARS,
    MAX_SUMMARY_CHARS,
    SCRIPT,
    FigureBlock,
    Passage,
    ReportData,
    Section,
    TableBlock,
    TextBlock,
    format_value,
    render_report,
    select_passages,
)
from framing.match.scoring import HIT_COLUMNS, hits as find_hits

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Balance(HTMLParser):
    """Checks that every element is closed in order; collects text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def balanced(markup: str) -> Balance:
    parser = Balance()
    parser.feed(markup)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def tiny_png() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    buf = io.BytesIO()
    plt.imsave(buf, rng.random((12, 20)), format="png", cmap="viridis")
    return buf.getvalue()


@pytest.fixture
def quoted_corpus():
    return pd.DataFrame(
        {
            "doc_id": ["b2", "a1", "a2", "c1"],
            "outlet": ["B", "A", "A", "B"],
            "text": [
                "Officials will ratchet up pressure.",
                "Critics called the plan a sham. The minister replied: \u201cThis is a sham and a fa\u00e7ade.\u201d",
                "Another sham. And a pretense of calm that was no sham at all.",
                "Nothing to see here.",
            ],
        }
    )


def passage_checks(frame: pd.DataFrame, passages) -> None:
    texts = dict(zip(frame["doc_id"], frame["text"]))
    for p in passages:
        doc = texts[p.doc_id]
        assert doc[p.offset : p.offset + len(p.text)] == p.text
        expected = tuple(
            (max(s, p.offset) - p.offset, min(e, p.offset + len(p.text)) - p.offset)
            for s, e in quoted_intervals(doc)
            if s < p.offset + len(p.text) and e > p.offset
        )
        assert p.quotes == expected


# ---------------------------------------------------------------- select_passages


def test_passages_are_exact_slices_with_quotes(quoted_corpus, lexicon):
    hits = find_hits(quoted_corpus, lexicon, voice="all")
    passages = select_passages(quoted_corpus, hits, per_cell=2)
    passage_checks(quoted_corpus, passages)
    cells = [(p.category, p.outlet, p.doc_id) for p in passages]
    assert cells == [("escalation", "B", "b2"), ("insinuation", "A", "a1"), ("insinuation", "A", "a2")]
    a1 = passages[1]
    # the first hit of a1 is the outlet's "sham" in the first sentence: no quotes there
    assert a1.text == "Critics called the plan a sham."
    assert (a1.offset, a1.quotes, a1.hits) == (0, (), ((26, 30, "sham", False),))
    assert not a1.cut_before and not a1.cut_after
    # a2: two hits in the first sentence? no: "Another sham." only
    assert passages[2].text == "Another sham."


def test_hits_inside_and_outside_quotes(lexicon):
    frame = pd.DataFrame({
        "doc_id": ["q1"], "outlet": ["X"],
        "text": ["He said \u201cthe pretense is a sham\u201d, yet the sham went on."],
    })
    hits = find_hits(frame, lexicon, voice="all")
    assert list(hits["voice"]) == ["quoted", "quoted", "outlet"]
    (p,) = select_passages(frame, hits, per_cell=1)
    passage_checks(frame, [p])
    assert p.text == frame.text[0]
    assert p.quotes == ((8, 32),)
    assert p.text[8:32] == "\u201cthe pretense is a sham\u201d"
    assert [(p.text[s:e], entry) for s, e, entry, _ in p.hits] == [
        ("pretense", "pretens*"), ("sham", "sham"), ("sham", "sham")]
    out = render_report(report(passages=(p,)))
    assert "source\u2019s words, not the outlet\u2019s voice" in out
    assert out.count('class="q q-start q-end"') == 2  # the passage and the legend


def test_distinct_documents_first_then_more_hits(lexicon):
    frame = pd.DataFrame({
        "doc_id": ["d2", "d1"], "outlet": ["X", "X"],
        "text": ["A sham. Then another sham. A third sham.", "One sham here."],
    })
    hits = find_hits(frame, lexicon, voice="all")
    two = select_passages(frame, hits, per_cell=2)
    assert [(p.doc_id, p.text) for p in two] == [("d1", "One sham here."), ("d2", "A sham.")]
    four = select_passages(frame, hits, per_cell=4)
    assert [(p.doc_id, p.text) for p in four] == [
        ("d1", "One sham here."), ("d2", "A sham."), ("d2", "Then another sham."), ("d2", "A third sham.")]
    assert len(select_passages(frame, hits, per_cell=9)) == 4  # every hit is in some excerpt
    assert select_passages(frame, hits, per_cell=0) == ()
    passage_checks(frame, four)


def test_selection_ignores_row_order(quoted_corpus, lexicon):
    hits = find_hits(quoted_corpus, lexicon, voice="all")
    first = select_passages(quoted_corpus, hits, per_cell=3)
    shuffled = select_passages(quoted_corpus.sample(frac=1, random_state=1), hits.sample(frac=1, random_state=2),
                               per_cell=3)
    assert first == shuffled


def test_long_sentence_trimmed_at_word_boundaries(lexicon):
    words = " ".join(f"word{i}" for i in range(40))
    text = f"{words} a sham {words} end."
    frame = pd.DataFrame({"doc_id": ["long"], "outlet": ["X"], "text": [text]})
    (p,) = select_passages(frame, find_hits(frame, lexicon, voice="all"), width=60)
    passage_checks(frame, [p])
    assert 40 <= len(p.text) <= 60
    assert p.cut_before and p.cut_after
    assert text[p.offset - 1] == " " and text[p.offset + len(p.text)] == " "
    assert re.fullmatch(r"word\d+( word\d+)* a sham( word\d+)*", p.text)
    html_text = render_report(report(passages=(p,)))
    assert f'<span class="cut">\u2026</span>{p.text[:10]}' in html_text


def test_excerpt_stays_in_its_paragraph_and_never_cuts_a_hit(lexicon):
    text = "Headline without a stop\nThe harsh blow came. Then silence"
    frame = pd.DataFrame({"doc_id": ["p"], "outlet": ["X"], "text": [text]})
    (p,) = select_passages(frame, find_hits(frame, lexicon, voice="all"))
    assert p.text == "The harsh blow came."
    assert p.hits == ((4, 14, "harsh blow", False),)
    # width smaller than the room around a two-word hit still keeps the hit whole
    text = "Officials " * 10 + "then dealt a harsh blow to them " + "and more " * 10
    frame = pd.DataFrame({"doc_id": ["w"], "outlet": ["X"], "text": [text]})
    (p,) = select_passages(frame, find_hits(frame, lexicon, voice="all"), width=20)
    assert "harsh blow" in p.text and len(p.text) <= 24


def test_passages_of_another_part(lexicon):
    frame = pd.DataFrame({"doc_id": ["t"], "outlet": ["X"], "text": ["Calm."], "title": ["A sham vote, critics say"]})
    (p,) = select_passages(frame, find_hits(frame, lexicon, part="title"))
    assert (p.text, p.offset, p.hits) == ("A sham vote, critics say", 0, ((2, 6, "sham", False),))


def test_negated_hits_are_passages_too(lexicon):
    frame = pd.DataFrame({"doc_id": ["n"], "outlet": ["X"], "text": ["It was not a fa\u00e7ade."]})
    hits = find_hits(frame, lexicon, voice="all")
    (p,) = select_passages(frame, hits)
    assert p.hits == ((13, 19, "fa\u00e7ade", True),)
    out = render_report(report(passages=(p,)))
    assert '<mark class="cue neg cue-start cue-end" title="fa\u00e7ade (negated)">fa\u00e7ade</mark>' in out


def test_select_passages_errors(quoted_corpus, lexicon):
    hits = find_hits(quoted_corpus, lexicon, voice="all")
    with pytest.raises(ValueError, match=r"frame is missing column\(s\) outlet, text; it needs doc_id, outlet, text"):
        select_passages(quoted_corpus[["doc_id"]], hits)
    with pytest.raises(ValueError, match=r"hits is missing column\(s\) matched_text, voice"):
        select_passages(quoted_corpus, hits.drop(columns=["voice", "matched_text"]))
    with pytest.raises(TypeError, match="hits must be a pandas DataFrame, got list"):
        select_passages(quoted_corpus, [])
    with pytest.raises(ValueError, match="per_cell: expected an integer >= 0, got -1"):
        select_passages(quoted_corpus, hits, per_cell=-1)
    with pytest.raises(TypeError, match="per_cell: expected an integer >= 0, got True"):
        select_passages(quoted_corpus, hits, per_cell=True)
    with pytest.raises(ValueError, match="width: expected an integer >= 20, got 5"):
        select_passages(quoted_corpus, hits, width=5)
    with pytest.raises(ValueError, match=r"hits mix the parts text, title; pass the hits of one part"):
        select_passages(quoted_corpus, hits.assign(part=["title"] + ["text"] * (len(hits) - 1)))
    with pytest.raises(ValueError, match=r"frame is missing column\(s\) title; it needs doc_id, outlet, title"):
        select_passages(quoted_corpus, hits.assign(part="title"))
    with pytest.raises(ValueError, match=r"hits refer to doc_id\(s\) not in frame: 'a1'"):
        select_passages(quoted_corpus[quoted_corpus.doc_id != "a1"], hits)
    with pytest.raises(ValueError, match=r"does not match document 'b2'.*computed on this frame\?"):
        select_passages(quoted_corpus.assign(text=quoted_corpus.text.str.upper()), hits)
    with pytest.raises(ValueError, match="frame has duplicate doc_id values: 'a1'"):
        select_passages(pd.concat([quoted_corpus, quoted_corpus.iloc[[1]]]), hits)
    with pytest.raises(ValueError, match="frame text of document 'a1' is nan, but hits refer to it"):
        select_passages(quoted_corpus.assign(text=[quoted_corpus.text[0], None, *quoted_corpus.text[2:]]), hits)
    assert select_passages(quoted_corpus, hits.iloc[:0]) == ()
    assert list(hits.columns) == list(HIT_COLUMNS)


# ---------------------------------------------------------------- formatting and tables


@pytest.mark.parametrize(
    "value, text",
    [
        (0.5, "0.5"), (1.234567, "1.235"), (-1.234567, "-1.235"), (12345.678, "12346"), (0.0123456, "0.01235"),
        (0.001, "0.001"), (0.0012345, "0.001234"), (1.234e-7, "1.234e-07"), (0.00099996, "1e-03"),
        (2e-300, "2e-300"), (3.0, "3"), (0.0, "0"), (-0.0, "0"), (1e20, "1e+20"), (999.96, "1000"),
        (np.float32(0.25), "0.25"), (float("nan"), "\u2013"), (None, "\u2013"), (pd.NA, "\u2013"),
        (pd.NaT, "\u2013"), (float("inf"), "\u221e"), (-float("inf"), "\u2212\u221e"), (np.int64(123456789), "123456789"),
        (7, "7"), (True, "True"), (np.bool_(False), "False"), ("x", "x"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def test_table_truncated_with_link_and_formatted_numbers():
    frame = pd.DataFrame({
        "outlet": [f"o{i}" for i in range(120)],
        "p_value": [1.234e-7] * 120,
        "estimate": [0.123456] * 120,
        "n": range(120),
    })
    frame.loc[3, "estimate"] = np.nan
    out = render_report(report(sections=(Section("res", "Results", (TableBlock("T", frame, "tables/t.csv"),)),)))
    assert 'showing 50 of 120 rows \u2014 full table: <a href="tables/t.csv">tables/t.csv</a>' in out
    body = out.split("<tbody>")[2].split("</tbody>")[0]  # [1] is the summary box
    assert body.count("<tr>") == 50
    assert '<td class="num">1.234e-07</td><td class="num">0.1235</td><td class="num">0</td>' in body
    assert '<td class="num">\u2013</td>' in body
    assert "o49" in body and "o50" not in body
    assert '<th scope="col" class="num">p_value</th>' in out and '<th scope="col">outlet</th>' in out


def test_small_table_index_long_cells_and_hrefs():
    frame = pd.DataFrame({"rate": [1.5, 2.25]}, index=pd.Index(["x", "y"], name="outlet"))
    long = pd.DataFrame({"text": ["y" * 1000]})
    out = render_report(report(sections=(Section("s", "S", (
        TableBlock("Indexed", frame, "tables/my table.csv", note="Per 1000 tokens."),
        TableBlock("Long", long, "tables/long.csv", max_rows=1),
        TableBlock("Empty", frame.iloc[:0], "tables/empty.csv"),
    )),)))
    assert '2 rows \u2014 full table: <a href="tables/my%20table.csv">tables/my table.csv</a>' in out
    assert '<th scope="col">outlet</th><th scope="col" class="num">rate</th>' in out
    assert "<td>x</td><td class=\"num\">1.5</td>" in out
    assert f'<td class="long">{"y" * MAX_CELL_CHARS}\u2026</td>' in out
    assert '1 row \u2014 full table: <a href="tables/long.csv">' in out
    assert '(no rows)</p>\n<p class="more">0 rows \u2014 full table:' in out
    assert '<p class="note">Per 1000 tokens.</p>' in out


# ---------------------------------------------------------------- rendering


def report(**kw) -> ReportData:
    base = dict(title="Run", summary=(("documents", "4 read, 3 kept, 1 skipped, 0 duplicates"),),
                config_text='name = "demo"\nseed = 0\n', sections=(), passages=(), footer="framing 0.1.0")
    base.update(kw)
    return ReportData(**base)


def full_report(png: bytes) -> ReportData:
    tricky = Passage(
        "<script>doc</script>", "<script>alert('outlet')</script>", "insinuation",
        "said \u201ca pretense\u201d, no sham: <script>alert(1)</script> & more", 10,
        hits=((8, 16, "pretens*", False), (12, 26, "sham", True), (2, 7, "<b>x</b>", False)),
        quotes=((5, 17),), cut_before=True,
    )
    plain = Passage("a1", "A", "escalation", "A harsh blow followed.", 30, ((2, 12, "harsh blow", False),), ())
    return ReportData(
        title="Framing <i>demo</i>",
        summary=(("corpus", "articles.jsonl"), ("documents", "75 read, 73 kept, 1 skipped, 1 duplicate")),
        config_text='name = "<script>alert(2)</script>"\n[corpus]\npath = "articles.jsonl"\n',
        sections=(
            Section("rates", "Cue rates", (
                TableBlock("Rates", pd.DataFrame({"outlet": ["A", "<script>"], "rate": [1.5, 0.0001234]}),
                           "tables/rates.csv", note="<per 1000 tokens>"),
                FigureBlock("Rates by outlet", png, "figures/rates.svg", caption="Dots: <rates>.", alt="dot plot"),
            ), intro="How often cues occur."),
            Section("tests", "Comparisons", (TextBlock("Method", "Permutation tests.\n\nBH-adjusted <p>."),)),
        ),
        passages=(plain, tricky),
        footer="framing 0.1.0 <footer>",
    )


def test_page_structure_and_escaping():
    png = tiny_png()
    out = render_report(full_report(png))
    page = balanced(out)
    assert out.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    # the page's own inline script is the only one: the data's <script>s stay text
    assert out.lower().count("<script") == 1 and f"<script>{SCRIPT}</script>" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;script&gt;alert(&#x27;outlet&#x27;)&lt;/script&gt;" in out
    assert "&lt;script&gt;doc&lt;/script&gt;" in out
    assert "Framing &lt;i&gt;demo&lt;/i&gt;" in out and "<i>" not in out
    assert 'name = &quot;&lt;script&gt;alert(2)&lt;/script&gt;&quot;' in out
    assert "&lt;per 1000 tokens&gt;" in out and "<td>&lt;script&gt;</td>" in out
    assert "framing 0.1.0 &lt;footer&gt;" in out and "BH-adjusted &lt;p&gt;." in out
    ids = [attrs["id"] for tag, attrs in page.tags if tag == "section"]
    assert ids == ["run", "rates", "tests", "passages"]
    toc = [attrs["href"] for tag, attrs in page.tags if tag == "a" and attrs["href"].startswith("#")]
    assert toc == ["#run", "#rates", "#tests", "#passages"]
    assert "<details>\n<summary>Resolved configuration</summary>\n<pre>" in out
    assert "<th scope=\"row\">documents</th><td>75 read, 73 kept, 1 skipped, 1 duplicate</td>" in out
    # self-contained: no scripts, styles or images from anywhere but the page itself
    srcs = [attrs.get("src") for tag, attrs in page.tags if "src" in attrs]
    assert srcs == ["data:image/png;base64," + __import__("base64").b64encode(png).decode()]
    assert not re.search(r"https?:|@import|url\(|<link|<iframe|<object", out)
    img = next(attrs for tag, attrs in page.tags if tag == "img")
    assert (img["alt"], img["width"], img["height"]) == ("dot plot", "20", "12")
    assert 'full resolution: <a href="figures/rates.svg">figures/rates.svg</a>' in out
    assert '<a class="zoom" href="figures/rates.svg" title="Click to enlarge"><img ' in out
    # passages grouped by category: escalation before insinuation
    assert out.index("<h3>escalation</h3>") < out.index("<h3>insinuation</h3>")


def test_overlapping_hits_and_quotes_nest():
    passage = full_report(tiny_png()).passages[1]
    from framing.report.html import _render_excerpt

    markup = _render_excerpt(passage)
    parsed = balanced(markup)
    assert html.unescape("".join(parsed.text)) == passage.text  # markup adds no text
    assert markup.count("cue-start") == 3 and markup.count("cue-end") == 3
    assert markup.count("q-start") == 1 and markup.count("q-end") == 1
    assert passage.text[8:16] == "pretense" and passage.text[5:17] == "\u201ca pretense\u201d"
    # (2, 7) crosses the quote's start: one piece before it, one inside
    assert markup.count('title="&lt;b&gt;x&lt;/b&gt;"') == 2
    assert markup.startswith('sa<mark class="cue cue-start" title="&lt;b&gt;x&lt;/b&gt;">id </mark>'
                             '<span class="q q-start q-end"><mark class="cue cue-end" title="&lt;b&gt;x&lt;/b&gt;">')
    # "pretense" lies inside the quote in one piece; (12, 26) starts inside it, crosses its end and the
    # quote's end: three pieces, the last one labelled (cue-end)
    assert markup.count('title="pretens*"') == 1
    assert markup.count('title="sham (negated)"') == 3
    assert ('<mark class="cue neg cue-end" title="sham (negated)">, no sham</mark>: &lt;script&gt;') in markup


def test_many_overlaps_are_well_formed():
    rng = np.random.default_rng(5)
    text = "abcdefghij" * 6
    for _ in range(200):
        hits = []
        for _ in range(int(rng.integers(0, 6))):
            s = int(rng.integers(0, len(text) - 1))
            hits.append((s, int(rng.integers(s + 1, len(text) + 1)), "e", bool(rng.integers(0, 2))))
        cuts = sorted(set(int(x) for x in rng.integers(0, len(text) + 1, size=int(rng.integers(0, 5)) * 2)))
        quotes = tuple((a, b) for a, b in zip(cuts[::2], cuts[1::2]) if a < b)
        from framing.report.html import _render_excerpt

        markup = _render_excerpt(Passage("d", "o", "c", text, 0, tuple(hits), quotes))
        parsed = balanced(markup)
        assert "".join(parsed.text) == text
        assert markup.count("cue-start") == len(hits) == markup.count("cue-end")
        assert markup.count("q-start") == len(quotes) == markup.count("q-end")


def test_render_is_deterministic_across_hash_seeds(tmp_path):
    png = tiny_png()
    assert render_report(full_report(png)) == render_report(full_report(png))
    script = tmp_path / "render.py"
    script.write_text(
        "import hashlib, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_html import full_report, tiny_png\n"
        "from framing.report.html import render_report\n"
        "print(hashlib.sha256(render_report(full_report(tiny_png())).encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert digests == {hashlib.sha256(render_report(full_report(png)).encode()).hexdigest()}


def test_report_size_is_bounded_by_truncation():
    rng = np.random.default_rng(0)
    n = 10_000
    frame = pd.DataFrame({
        "doc_id": [f"doc-{i:05d}" for i in range(n)],
        "outlet": rng.choice(["alpha", "beta", "gamma"], n),
        "rate": rng.random(n),
        "p_value": rng.random(n) ** 4,
        "count": rng.integers(0, 1000, n),
        "text": ["some words of a fairly long sentence " * 3] * n,
    })
    sections = tuple(
        Section(f"s{i}", f"Table {i}", (TableBlock(f"T{i}", frame, f"tables/t{i}.csv"),)) for i in range(20)
    )
    out = render_report(report(sections=sections))
    assert len(out.encode("utf-8")) < 1_500_000
    assert out.count("showing 50 of 10,000 rows") == 20


def test_text_with_invalid_characters_is_encodable():
    p = Passage("d\x00", "o", "c", "a \udcff b\x07", 0, (), ())
    out = render_report(report(title="T\x1b", passages=(p,)))
    out.encode("utf-8")
    assert "d\ufffd" in out and "a \ufffd b\ufffd" in out and "T\ufffd" in out


# ---------------------------------------------------------------- validation


def test_record_errors():
    png = tiny_png()
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="Section.id must be a letter followed by letters, digits, '_' or '-', got '1a'"):
        Section("1a", "T", ())
    with pytest.raises(ValueError, match="Section.id must be a letter .* got 'a b'"):
        Section("a b", "T", ())
    with pytest.raises(ValueError, match="Section.id 'passages' is reserved by the report"):
        Section("passages", "T", ())
    with pytest.raises(TypeError, match=r"Section 's' blocks\[0\] must be a TableBlock, FigureBlock or TextBlock, got str"):
        Section("s", "T", ("text",))
    with pytest.raises(ValueError, match="Section.title: expected a non-empty string, got ' '"):
        Section("s", " ", ())
    with pytest.raises(ValueError, match="ReportData.sections: duplicate section id 's'"):
        report(sections=(Section("s", "A", ()), Section("s", "B", ())))
    with pytest.raises(ValueError, match=r"ReportData.summary\[0\] must be a \(label, value\) pair"):
        report(summary=(("only",),))
    with pytest.raises(TypeError, match=r"ReportData.summary\[0\] value: expected a string, got 3"):
        report(summary=(("documents", 3),))
    with pytest.raises(TypeError, match=r"ReportData.passages\[0\] must be a Passage, got dict"):
        report(passages=({},))
    with pytest.raises(TypeError, match="data must be a ReportData, got dict"):
        render_report({})
    with pytest.raises(ValueError, match="TableBlock.max_rows: expected an integer >= 1, got 0"):
        TableBlock("T", frame, "t.csv", max_rows=0)
    with pytest.raises(TypeError, match="TableBlock.frame must be a pandas DataFrame, got list"):
        TableBlock("T", [], "t.csv")
    for href in ("javascript:alert(1)", "https://example.org/t.csv", "/abs/t.csv", "a\nb.csv"):
        with pytest.raises(ValueError, match="TableBlock.href must be a relative path to a file next to the report"):
            TableBlock("T", frame, href)
    with pytest.raises(ValueError, match="FigureBlock.href: expected a non-empty string, got ''"):
        FigureBlock("F", png, "")
    with pytest.raises(ValueError, match=r"FigureBlock.png is not a PNG image \(figure 'F'; first bytes b'GIF89a\\x00\\x00'\)"):
        FigureBlock("F", b"GIF89a" + bytes(30), "f.svg")
    with pytest.raises(TypeError, match="FigureBlock.png must be bytes, got str"):
        FigureBlock("F", "png", "f.svg")
    with pytest.raises(ValueError, match=r"Passage.hits\[0\] of 'd' = \(2, 9\) must satisfy 0 <= start < end <= len\(text\) = 5"):
        Passage("d", "o", "c", "hello", 0, ((2, 9, "e", False),), ())
    with pytest.raises(ValueError, match=r"Passage.hits\[0\] of 'd' must be \(start, end, entry, negated\)"):
        Passage("d", "o", "c", "hello", 0, ((2, 3),), ())
    with pytest.raises(TypeError, match=r"Passage.hits\[0\] of 'd' negated must be a bool, got int"):
        Passage("d", "o", "c", "hello", 0, ((2, 3, "e", 1),), ())
    with pytest.raises(ValueError, match=r"Passage.quotes\[1\] of 'd' = \(1, 4\) overlaps or precedes \(0, 2\)"):
        Passage("d", "o", "c", "hello", 0, (), ((0, 2), (1, 4)))
    with pytest.raises(ValueError, match="Passage.offset: expected an integer >= 0, got -1"):
        Passage("d", "o", "c", "hello", -1, (), ())
    with pytest.raises(TypeError, match="Passage.hits must be a tuple, got str"):
        Passage("d", "o", "c", "hello", 0, "x", ())


def test_records_are_frozen_and_normalised():
    p = Passage("d", "o", "c", "hello", np.int64(3), [[0, 2, "e", np.bool_(True)]], [[1, 2]])
    assert (p.offset, p.hits, p.quotes) == (3, ((0, 2, "e", True),), ((1, 2),))
    assert type(p.offset) is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.offset = 4
    assert Section("s", "S", [TextBlock("", "x")]).blocks == (TextBlock("", "x"),)


# ---------------------------------------------------------------- real browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_report_in_headless_chromium(tmp_path, quoted_corpus, lexicon):
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium binary found (tried chromium, chromium-browser, google-chrome)")
    import matplotlib.image as mpimg

    data = full_report(tiny_png())
    passages = select_passages(quoted_corpus, find_hits(quoted_corpus, lexicon, voice="all"))
    data = dataclasses.replace(data, passages=data.passages + passages)
    page = tmp_path / "report.html"
    page.write_text(render_report(data), encoding="utf-8")
    url = page.as_uri()

    def run(*args: str, profile: str) -> subprocess.CompletedProcess:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / profile}"]
        done = subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        return done

    shot = tmp_path / "report.png"
    run(f"--screenshot={shot}", "--window-size=1200,1600", url, profile="profile-shot")
    image = mpimg.imread(shot)
    assert image.shape[:2] == (1600, 1200)
    rgb = image[..., :3]
    assert rgb.std() > 0.02
    assert (rgb < 0.9).any(axis=-1).mean() > 0.01  # not all white: text and boxes are drawn

    dom = run("--dump-dom", url, profile="profile-dom").stdout
    for section_id in ("run", "rates", "tests", "passages"):
        assert f'<section id="{section_id}">' in dom
    assert '<nav id="contents"' in dom and '<mark class="cue' in dom and 'class="q q-start' in dom
    assert dom.lower().count("<script") == 1  # the page's own; the article's <script> stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_collapsed_table_and_its_errors():
    block = TableBlock("Full pairs", pd.DataFrame({"a": [1, 2]}), "tables/p.csv", collapsed=True)
    out = render_report(ReportData(title="t", summary=(), config_text="",
                                   sections=(Section("s", "S", (block,)),), passages=()))
    assert ('<details class="block table-block">\n<summary>Full pairs <span class="more">(2 rows \u00d7 1 columns)'
            '</span></summary>') in out
    assert balanced(out)
    with pytest.raises(TypeError, match=r"TableBlock.collapsed: expected True or False, got 'yes'"):
        TableBlock("x", pd.DataFrame(), "t.csv", collapsed="yes")


def test_long_summary_value_is_collapsed_at_a_word():
    value = "outlets: " + ", ".join(f"outlet-{i}: {i}" for i in range(60))
    out = render_report(ReportData(title="t", summary=(("outlets", value),), config_text="", sections=(),
                                   passages=()))
    assert len(value) > MAX_SUMMARY_CHARS
    assert '<details class="long-value"><summary>outlets: outlet-0: 0, ' in out
    assert f"{_esc_text(value)}</details>" in out


def _esc_text(value):
    import html as _html

    return _html.escape(value, quote=True)
