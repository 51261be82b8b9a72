from __future__ import annotations

import dataclasses
import gzip
import json
import re
from itertools import islice, pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.quotes import QuoteSpan, quote_spans, quoted_intervals, quoted_intervals_many, voice_at
from tests.paths import SHARED

ABP = SHARED / "data" / "abp" / "abp_media_train_valid.jsonl.gz"

D, S = "double", "single"


def spans(text: str) -> list[tuple[int, int, str, int, bool]]:
    return [(s.start, s.end, s.kind, s.depth, s.closed) for s in quote_spans(text)]


# ---------------------------------------------------------------- examples


def test_simple_curly_quote() -> None:
    text = "He said “no” today."
    assert spans(text) == [(8, 12, D, 0, True)]
    assert text[8:12] == "“no”"


def test_straight_double_quotes() -> None:
    text = '"Hello," he said. "Bye."'
    assert spans(text) == [(0, 8, D, 0, True), (18, 24, D, 0, True)]


def test_nested_single_inside_double() -> None:
    text = "“He said ‘no’ twice”"
    assert spans(text) == [(0, 20, D, 0, True), (9, 13, S, 1, True)]
    assert text[9:13] == "‘no’"


def test_nested_straight_quotes() -> None:
    text = "\"He said 'no' twice\""
    assert spans(text) == [(0, 20, D, 0, True), (9, 13, S, 1, True)]


def test_nested_straight_doubles() -> None:
    # rule 4a: a straight double in opening context opens, even inside one
    text = '"He said "no" twice"'
    assert spans(text) == [(0, 20, D, 0, True), (9, 13, D, 1, True)]


def test_single_quote_with_punctuation_inside() -> None:
    text = "‘We will win,’ he said."
    assert spans(text) == [(0, 14, S, 0, True)]


@pytest.mark.parametrize(
    "text",
    [
        "don’t",
        "Trump’s plan",
        "the countries’ relationships",
        "the countries' relationships",
        "in the ’90s",
        "in the '90s and ‘08",
        "rock'n'roll",
        "rock ’n’ roll",
        "rock 'n' roll",
        "Jones' car is 'em",
        "’Tis the season",
        "the U.S.'s position",
        "I don’t think the regime's leaders’ plans will work, they’re 5'11",
    ],
)
def test_apostrophes_never_produce_spans(text: str) -> None:
    assert spans(text) == []


def test_apostrophes_inside_a_quotation_do_not_close_it() -> None:
    text = "“It’s Trump’s ’90s plan,” he said"
    assert spans(text) == [(0, 25, D, 0, True)]


def test_single_quote_then_plural_possessive_is_an_apostrophe() -> None:
    text = "'Yes,' the students' view"
    assert spans(text) == [(0, 6, S, 0, True)]


def test_unclosed_double_runs_to_paragraph_end_then_reopens() -> None:
    text = "“First part.\n\n“Second part,” he said."
    assert spans(text) == [(0, 12, D, 0, False), (14, 28, D, 0, True)]
    assert text[12] == "\n"


def test_unclosed_straight_double_over_paragraphs() -> None:
    text = '"One.\n"Two," he said.'
    assert spans(text) == [(0, 5, D, 0, False), (6, 12, D, 0, True)]


def test_crlf_ends_a_paragraph_at_the_carriage_return() -> None:
    text = "“One.\r\nTwo”"
    assert spans(text) == [(0, 5, D, 0, False)]


def test_unclosed_single_is_discarded_at_paragraph_end() -> None:
    assert spans("He said ‘hello\nworld’ then.") == []
    assert spans("He said 'hello") == []


def test_unclosed_inner_double_shares_the_paragraph_end() -> None:
    text = "“a “b\nc"
    assert spans(text) == [(0, 5, D, 0, False), (3, 5, D, 1, False)]


def test_stray_closers_are_ignored() -> None:
    assert spans("He said” no » way") == []
    assert spans("a “b” c” d") == [(2, 5, D, 0, True)]


def test_stray_double_closer_keeps_open_single() -> None:
    text = "‘a” b’ c"
    assert spans(text) == [(0, 6, S, 0, True)]


def test_double_closer_discards_open_single_inside() -> None:
    text = "“He said ‘no” then"
    assert spans(text) == [(0, 13, D, 0, True)]


def test_single_closer_blocked_by_open_inner_double() -> None:
    # ’ cannot close ‘ while “ opened inside it is open: it is an apostrophe
    text = "‘a “b’ c” d"
    assert spans(text) == [(3, 9, D, 0, True)]


def test_guillemets() -> None:
    assert spans("«Bonjour», dit-il.") == [(0, 9, D, 0, True)]
    assert spans("Il a dit « oui » hier") == [(9, 16, D, 0, True)]
    assert spans("«Il a dit “oui” hier»") == [(0, 21, D, 0, True), (10, 15, D, 1, True)]


def test_german_low_nine_pair() -> None:
    text = "Er sagte „Hallo“ und ging."
    assert spans(text) == [(9, 16, D, 0, True)]


def test_low_nine_with_english_closer() -> None:
    assert spans("„Witaj” – powiedział") == [(0, 7, D, 0, True)]


def test_quotes_at_start_and_end_of_text() -> None:
    assert spans('"Yes"') == [(0, 5, D, 0, True)]
    assert spans("She said “no”") == [(9, 13, D, 0, True)]
    assert spans("“Unclosed to the end") == [(0, 20, D, 0, False)]
    assert spans("‘No’") == [(0, 4, S, 0, True)]


def test_empty_and_quote_free_text() -> None:
    assert quote_spans("") == ()
    assert quoted_intervals("") == ()
    assert quote_spans("No quotes here.\n\nNone.") == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        ('said:"Yes"', [(5, 10, D, 0, True)]),  # rule 4c
        ('a 12" screen', []),  # inch mark, nothing open: ignored
        ('"Wait—" he said', [(0, 7, D, 0, True)]),
        ('("quoted")', [(1, 9, D, 0, True)]),
        ("—'quoted'", [(1, 9, S, 0, True)]),
        ("\"'Tis,' he said\"", [(0, 16, D, 0, True)]),
        ('the "Squad"\'s members', [(4, 11, D, 0, True)]),
        ('"a" "b"', [(0, 3, D, 0, True), (4, 7, D, 0, True)]),
    ],
)
def test_straight_mark_context(text: str, expected: list) -> None:
    assert spans(text) == expected


def test_quote_span_is_frozen() -> None:
    span = quote_spans("“a”")[0]
    assert span == QuoteSpan(start=0, end=3, kind=D, depth=0, closed=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 1  # type: ignore[misc]


# ---------------------------------------------------- intervals and voice


def test_quoted_intervals_keeps_outermost_and_merges_touching() -> None:
    assert quoted_intervals("x “a ‘b’ c” y “d”“e” z") == ((2, 11), (14, 20))


def test_voice_at() -> None:
    text = "He said “no” today."
    intervals = quoted_intervals(text)
    assert intervals == ((8, 12),)
    voices = [voice_at(intervals, i) for i in range(len(text))]
    assert voices[7] == "outlet"
    assert voices[8:12] == ["quoted"] * 4
    assert voices[12] == "outlet"
    assert voice_at(intervals, 1000) == "outlet"
    assert voice_at((), 0) == "outlet"
    assert voice_at([(0, 2), (5, 9)], np.int64(6)) == "quoted"
    assert voice_at([(0, 2), (5, 9)], 2) == "outlet"


# ----------------------------------------------------------------- errors


@pytest.mark.parametrize("func", [quote_spans, quoted_intervals])
def test_text_must_be_str(func) -> None:
    with pytest.raises(TypeError, match="text: expected a string, got b"):
        func(b"abc")
    with pytest.raises(TypeError, match="text: expected a string, got None"):
        func(None)


def test_voice_at_rejects_bad_intervals() -> None:
    with pytest.raises(TypeError, match=r"intervals: expected a tuple or list of \(start, end\) pairs from quoted_intervals, got str"):
        voice_at("abc", 0)  # type: ignore[arg-type]


@pytest.mark.parametrize("offset, name", [("3", "'3'"), (1.5, "1.5"), (None, "None")])
def test_voice_at_rejects_non_integer_offset(offset, name) -> None:
    with pytest.raises(TypeError, match=f"offset: expected an integer >= 0, got {name}"):
        voice_at((), offset)


def test_voice_at_rejects_bool_offset() -> None:
    with pytest.raises(TypeError, match="offset: expected an integer >= 0, got True"):
        voice_at((), True)


def test_voice_at_rejects_negative_offset() -> None:
    with pytest.raises(ValueError, match="offset: expected an integer >= 0, got -1"):
        voice_at((), -1)


# --------------------------------------------------------------- property

_ALPHABET = "ab1 \n\r\u2028.,:-—(\"'“”„‟«»‘’"
_DOUBLE_OPENERS = "\"“„‟«"
_DOUBLE_CLOSERS = "\"”»“"
_PARAGRAPH_ENDS = "\n\r\u2028\u2029"


def _check_invariants(text: str) -> None:
    result = quote_spans(text)
    assert list(result) == sorted(result, key=lambda s: (s.start, s.depth))
    assert len({s.start for s in result}) == len(result)
    for span in result:
        assert 0 <= span.start < span.end <= len(text)
        assert span.kind in (D, S)
        opener = text[span.start]
        assert opener in (_DOUBLE_OPENERS if span.kind == D else "'‘")
        if span.closed:
            assert text[span.end - 1] in (_DOUBLE_CLOSERS if span.kind == D else "'’")
        else:
            assert span.kind == D
            assert span.end == len(text) or text[span.end] in _PARAGRAPH_ENDS
        inside = text[span.start : span.end]
        assert not any(char in inside for char in _PARAGRAPH_ENDS)
        containing = [o for o in result if o is not span and o.start <= span.start and span.end <= o.end]
        assert span.depth == len(containing)
    for a in result:
        for b in result:
            disjoint = a.end <= b.start or b.end <= a.start
            nested = (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)
            assert disjoint or nested
    intervals = quoted_intervals(text)
    for (s1, e1), (s2, e2) in pairwise(intervals):
        assert s1 < e1 < s2 < e2
    covered = set()
    for span in result:
        covered.update(range(span.start, span.end))
    for offset in range(len(text) + 1):
        expected = "quoted" if offset in covered else "outlet"
        assert voice_at(intervals, offset) == expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_property_spans_are_well_formed(text: str) -> None:
    _check_invariants(text)


def test_pathological_inputs_are_fast_and_valid() -> None:
    texts = [
        "“" * 5000 + "”" * 5000,
        "'a " * 5000 + '"' * 5000,
        '"' * 10000,
        "„a“" * 3000,
    ]
    for text in texts:
        result = quote_spans(text)
        for span in result[:50]:
            assert 0 <= span.start < span.end <= len(text)


# --------------------------------------------------------------- real data


@pytest.mark.skipif(not ABP.exists(), reason="shared ABP data not available")
def test_real_news_texts_are_well_formed() -> None:
    with gzip.open(ABP, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in islice(handle, 200)]
    quoted = total = 0
    for text in texts:
        intervals = quoted_intervals(text)
        quoted += sum(end - start for start, end in intervals)
        total += len(text)
        for span in quote_spans(text):
            assert text[span.start] in _DOUBLE_OPENERS + "'‘"
    assert 0.05 < quoted / total < 0.5


@pytest.mark.parametrize("texts, message", [
    ("abc", "texts: expected a sequence of strings (one text: quoted_intervals), got 'abc'"),
    (None, "texts: expected a sequence of strings (one text: quoted_intervals), got None"),
    (["a", b"b"], "texts[1]: expected a string, got b'b'"),
    (["a", None], "texts[1]: expected a string, got None"),
])
def test_quoted_intervals_many_rejects_bad_texts(texts, message) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        quoted_intervals_many(texts)


@pytest.mark.parametrize("texts", [[], [""], ["", ""], ['"a"'], ["", '"a" b', "", "x \u201cy\u201d"]])
def test_quoted_intervals_many_of_few_or_empty_texts(texts) -> None:
    assert quoted_intervals_many(texts) == [quoted_intervals(text) for text in texts]
