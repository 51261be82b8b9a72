"""The fast quote detection (compiled or Python, whichever runs, and the
Python one also when the compiled one runs) equals the previous implementation
(tests/quotes_reference.py) span for span, on random texts made of quote
marks of every kind, paragraph ends, letters, digits, elision tails and
opening-context characters."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from framing import quotes
from framing.quotes import quote_spans, quoted_intervals, quoted_intervals_many

from .paths import SHARED
from .quotes_reference import reference_intervals, reference_spans

MARKS = ['"', "'", "\u2018", "\u2019", "\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb",
         "`", "\u00b4", "\u201a", "\u201b", "\u2039", "\u203a", "\u301d", "\u301e", "\u2033"]
OTHER = ["\n", "\r", "\u2028", "\u2029", " ", "\t", "a", "B", "n", "N", "s", "7", "9", "_", "é", "ß", "٣",
         "(", "[", "{", "<", "-", "\u2014", "\u2212", ".", ",", ":", "!", "em", "Til", "tis", "TWAS", "90s", "08"]
PIECES = st.sampled_from(MARKS + OTHER)


def _spans(text: str) -> list[tuple[int, int, str, int, bool]]:
    return [(s.start, s.end, s.kind, s.depth, s.closed) for s in quote_spans(text)]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40).map("".join))
@example("rock 'n' roll 'n'")
@example("“a „b“ c” d\n„e“")
@example("'Tis \"'twas\" '90s '08s\u2029'em")
@example("x'n' y\n\"a\r\n\"b")
def test_spans_equal_the_reference_on_random_texts(text: str) -> None:
    assert _spans(text) == reference_spans(text)
    assert quoted_intervals(text) == reference_intervals(text)
    assert quotes._merged(quotes._found(text)) == reference_intervals(text)  # the Python implementation


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(MARKS + [c for c in OTHER if len(c) == 1]) | st.characters(), max_size=80))
def test_spans_equal_the_reference_on_any_characters(text: str) -> None:
    assert _spans(text) == reference_spans(text)
    assert quoted_intervals(text) == reference_intervals(text)


def test_spans_equal_the_reference_on_allsides_articles() -> None:
    path = SHARED / "data" / "abp" / "abp_media_train_valid.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared)")
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for _, line in zip(range(1500), f):
            text = json.loads(line)["text"]
            assert _spans(text) == reference_spans(text)
            texts.append(text)
    assert quoted_intervals_many(texts) == [reference_intervals(text) for text in texts]
    assert quotes._intervals_many(texts) == [reference_intervals(text) for text in texts]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(PIECES | st.characters(), max_size=30).map("".join), max_size=6))
@example(["", "a'b", "x'n' y \"z", "\U0001F600 \"smile\" 'x'", "\u2028\"a\u2029b\""])
@example(["end'", "'start", "\"", "'"])
@example(["\ud800'a \"\udc00\"", "a\ud83d\ude00's \"q\"", "x\udfff'\ud800y"])
@example(["‘Tis x", "(’90s) '08s", "'em' ‘N' 'ſx' 'K", "'٣٤s ' ‘E", "a' 'n' b'"])
def test_many_texts_equal_the_reference(texts: list[str]) -> None:
    """quoted_intervals_many (candidates found with numpy over the UTF-16
    code units of all the texts) gives each text's reference intervals;
    neighbouring texts do not see each other's characters."""
    assert quoted_intervals_many(texts) == [reference_intervals(text) for text in texts]
    assert quoted_intervals_many(texts) == [quoted_intervals(text) for text in texts]
    # the Python implementation too, when the compiled one is active
    assert quotes._intervals_many(texts) == [reference_intervals(text) for text in texts]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(PIECES, max_size=40).map("".join), min_size=1, max_size=4))
@example(["\"a \u201eb\u201c c\u201d", "'x' \u2018y\u2019 z'", "(\"q\") -\u2018r\u2019 \u00abs\u00bb"])
@example(["said:\"Yes\" 12\" \"", "\u201cno \u2018way\u2019\u201d", "\"'a' b\"\n'c", "\u201e\u201c\u201d\u201c"])
def test_many_texts_of_marks_equal_the_reference(texts: list[str]) -> None:
    """Texts dense in marks, contexts and paragraph ends, several at once:
    the pattern tried only where an elision may start gives the reference
    intervals."""
    assert quoted_intervals_many(texts) == [reference_intervals(text) for text in texts]
    assert quotes._intervals_many(texts) == [reference_intervals(text) for text in texts]
