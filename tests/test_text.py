from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.text import (
    count_tokens,
    fold,
    fold_char,
    fold_with_offsets,
    sentence_spans,
    term_tokens,
    token_norms,
    tokenize,
)


@pytest.mark.parametrize(
    "raw, folded",
    [
        ("Façade", "facade"),
        ("FAÇADE", "facade"),
        ("fac\u0327ade", "facade"),  # decomposed cedilla
        ("Straße", "strasse"),
        ("\ufb01nance", "finance"),  # ligature
        ("regime\u2019s", "regime's"),
        ("\u201cso\u2011called\u201d", '"so-called"'),
        ("a\u00a0b", "a b"),
        ("wait\u2026", "wait..."),
        ("inter\u00adnational", "international"),
        ("ＡＢＣ", "abc"),  # full width
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_char_is_lower_stable():
    for c in ["\u0130", "\u03a3", "\u1e9e", "\u13a0", "\u00c5"]:
        assert fold_char(c) == fold_char(c).lower()


# characters of many scripts, with combining marks, so that random texts
# have clusters (a letter and the marks after it) of every kind
MULTI = (
    "aeiIıİçñß ÇÉ\u0301\u0306\u0308\u0300\u0327.'!?-\u2019\u201c"
    "йиеёЁЙгќѓ\u0435\u0438"
    "αάΐᾳΣς"
    "كتبَُِّْأإآ\u0654\u0640؟"
    "हिंदीभाषा\u093c\u094d।"
    "中国人の日本語がガｶﾞー々。"
    "한국\u1100\u1161ภาษาไทย"
    "\ufe0f\u20e3❤\ufb01１"
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=MULTI)))
def test_fold_with_offsets_agrees_with_fold(text):
    ft = fold_with_offsets(text)
    assert ft.folded == fold(text)
    if ft.src_start is not None:
        assert len(ft.src_start) == len(ft.folded) == len(ft.src_end)
        assert list(ft.src_start) == sorted(ft.src_start)
        for j, (s, e) in enumerate(zip(ft.src_start, ft.src_end)):
            # each folded character comes from the cluster it maps back to
            assert ft.folded[j] in fold(text[s:e])
            assert e > s


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=MULTI)))
def test_token_offsets_cover_their_source(text):
    for tok in tokenize(text):
        assert tok.norm in token_norms(text[tok.start : tok.end])


def test_offsets_map_back_to_original():
    text = "Une FAÇADE, pas une \ufb01n."
    toks = tokenize(text)
    assert [t.norm for t in toks] == ["une", "facade", "pas", "une", "fin"]
    assert [text[t.start : t.end] for t in toks] == ["Une", "FAÇADE", "pas", "une", "\ufb01n"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("the regime's plan", ["the", "regime's", "plan"]),
        ("so-called experts", ["so", "called", "experts"]),
        ("don't stop", ["don't", "stop"]),
        ("rock'n'roll", ["rock'n'roll"]),
        ("the countries' ties", ["the", "countries", "ties"]),
        ("'tis the '90s", ["tis", "the", "90s"]),
        ("U.S. growth of 3.5% in 2024", ["u.s", "growth", "of", "3.5", "in", "2024"]),
        ("1,000 people", ["1", "000", "people"]),
        ("https://example.org/a_b?x=1", ["https", "example.org", "a", "b", "x", "1"]),
        ("snake_case", ["snake", "case"]),
        ("a..b", ["a", "b"]),
        ("", []),
    ],
)
def test_token_rules(text, tokens):
    assert [t.norm for t in tokenize(text)] == tokens
    assert count_tokens(text) == len(tokens)


def test_sentence_numbers():
    toks = tokenize("One two. Three! Four? Five... six")
    assert [(t.norm, t.sentence) for t in toks] == [
        ("one", 0), ("two", 0), ("three", 1), ("four", 2), ("five", 3), ("six", 4),
    ]


def test_sentence_spans_rules_and_punkt():
    text = "First sentence here. Second one! Third"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["First sentence here.", "Second one!", "Third"]
    spans = sentence_spans(text, method="punkt")
    assert [text[s:e] for s, e in spans] == ["First sentence here.", "Second one!", "Third"]


def test_sentence_spans_bad_method():
    with pytest.raises(ValueError, match="method must be 'rules' or 'punkt', got 'nltk'"):
        sentence_spans("x", method="nltk")


@pytest.mark.parametrize(
    "term, words",
    [
        ("Façade", ("facade",)),
        ("so-called", ("so", "called")),
        ("ratchet  up", ("ratchet", "up")),
        ("pretens*", ("pretens*",)),
        ("ratchet* up", ("ratchet*", "up")),
        ("regime's", ("regime's",)),
    ],
)
def test_term_tokens(term, words):
    assert term_tokens(term) == words


@pytest.mark.parametrize(
    "term, message",
    [
        ("", "contains no word"),
        ("***", "allowed only at the end of a word"),
        ("*ism", "allowed only at the end of a word"),
        ("pre*tens", "allowed only at the end of a word"),
        ("a** b", "allowed only at the end of a word"),
        ("end. start", "sentence-ending punctuation"),
        ("why? not", "sentence-ending punctuation"),
    ],
)
def test_term_tokens_errors(term, message):
    with pytest.raises(ValueError, match=message):
        term_tokens(term)
