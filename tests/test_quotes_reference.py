"""The fast quote detection equals the previous implementation
(tests/quotes_reference.py) span for span, on random texts made of quote
marks of every kind, paragraph ends, letters, digits, elision tails and
opening-context characters."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from framing.quotes import quote_spans, quoted_intervals

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


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(MARKS + [c for c in OTHER if len(c) == 1]) | st.characters(), max_size=80))
def test_spans_equal_the_reference_on_any_characters(text: str) -> None:
    assert _spans(text) == reference_spans(text)
    assert quoted_intervals(text) == reference_intervals(text)


def test_spans_equal_the_reference_on_allsides_articles() -> None:
    path = SHARED / "data" / "abp" / "abp_media_train_valid.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared)")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for _, line in zip(range(1500), f):
            text = json.loads(line)["text"]
            assert _spans(text) == reference_spans(text)
