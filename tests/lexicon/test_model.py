"""Lexicon.build validation and the Lexicon record."""

from __future__ import annotations

import re

import pytest

from framing.lexicon.model import (
    DEFAULT_NEGATORS,
    NESTED_SCOPES,
    Category,
    Entry,
    Lexicon,
    LexiconError,
    normalize_term,
)

SRC = "cues.toml"


def at(line: int) -> str:
    return re.escape(f"{SRC}, line {line}:")


def build(entries, categories=None, **options):
    cats = categories if categories is not None else [Category("a", "A words", line=1), Category("b", "B words", line=5)]
    return Lexicon.build("lex", cats, entries, source=SRC, **options)


def test_build_valid_lexicon():
    lex = build([("Façade", "a", 1, 2), ("pretens*", "a", 2, 3), ("so-called", "b", 1.5, 6)],
                negators=["NOT", "Never"], version="1", description="d", citation="c")
    assert lex.category_names == ("a", "b")
    assert [e.pattern for e in lex.entries] == [("facade",), ("pretens*",), ("so", "called")]
    assert all(isinstance(e.weight, float) for e in lex.entries)
    assert lex.entries[1].is_glob and not lex.entries[1].is_phrase
    assert lex.entries[2].is_phrase and not lex.entries[2].is_glob
    assert lex.negators == ("not", "never")
    assert (lex.version, lex.description, lex.citation, lex.source) == ("1", "d", "c", SRC)
    assert lex.warnings == ()
    assert build([("x", "a", 1, 1), ("y", "b", 1, 1)]).negators == DEFAULT_NEGATORS


def test_build_accepts_entry_records_and_recomputes_pattern():
    lex = build([Entry("Ratchet Up", "a", 2.0, pattern=("wrong",), line=3), Entry("y", "b")])
    assert lex.entries[0].pattern == ("ratchet", "up")
    assert lex.entries[0].line == 3


def test_build_accepts_empty_definition():
    lex = build([("x", "a", 1, 1)], categories=[Category("a")])
    assert lex.categories[0].definition == ""


def test_duplicate_entry_is_an_error_naming_both_lines():
    with pytest.raises(LexiconError, match=at(4) + " entry 'facade' in category 'a' duplicates 'Façade' at line 2"):
        build([("Façade", "a", 1, 2), ("y", "b", 1, 6), ("facade", "a", 1, 4)])


def test_duplicate_entry_warn_keeps_one():
    lex = build([("so-called", "a", 1, 2), ("y", "b", 1, 6), ("so called", "a", 1, 4)], on_duplicate="warn",
                warnings=("earlier note",))
    assert [e.term for e in lex.entries_of("a")] == ["so-called"]
    assert lex.warnings == ("earlier note", f"{SRC}, line 4: entry 'so called' in category 'a' duplicates "
                                            f"'so-called' at line 2 (kept once)")


def test_same_term_in_two_categories_is_allowed():
    lex = build([("sham", "a", 1, 2), ("sham", "b", 2, 6)])
    assert len(lex.entries) == 2


def test_conflicting_weights_is_always_an_error():
    for mode in ("error", "warn"):
        with pytest.raises(LexiconError, match=at(4) + r" entry 'x' in category 'a' conflicts with 'x' at line 2: "
                           r"weights 1\.0 and 2"):
            build([("x", "a", 1, 2), ("y", "b", 1, 6), ("x", "a", 2, 4)], on_duplicate=mode)


def test_duplicate_without_line_numbers():
    with pytest.raises(LexiconError, match=re.escape(f"{SRC}: entry 'x' in category 'a' duplicates 'x'") + "$"):
        build([("x", "a", 1, None), ("y", "b", 1, None), ("x", "a", 1, None)])


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("pre*tense", r"term 'pre\*tense': '\*' is allowed only at the end of a word"),
        ("*", r"term '\*': '\*' is allowed only at the end of a word"),
        ("pretens**", r"term 'pretens\*\*': '\*' is allowed only at the end of a word"),
        ("* up", r"term '\* up': '\*' is allowed only at the end of a word"),
        ("", "term '' contains no word"),
        ("--", "term '--' contains no word"),
        ("end. start", "term 'end. start' contains sentence-ending punctuation; a phrase cannot span sentences"),
    ],
)
def test_invalid_terms_and_globs(term, message):
    with pytest.raises(LexiconError, match=at(7) + " " + message):
        build([("y", "b", 1, 6), (term, "a", 1, 7)])


def test_glob_forms_that_are_valid():
    lex = build([("pretens*", "a", 1, 1), ("ratchet* up", "a", 1, 2), ("up*", "b", 1, 3)])
    assert [e.pattern for e in lex.entries] == [("pretens*",), ("ratchet*", "up"), ("up*",)]


def test_empty_category_is_an_error():
    with pytest.raises(LexiconError, match=at(5) + " category 'b' has no entries"):
        build([("x", "a", 1, 2)])


def test_undefined_category_lists_defined_ones():
    with pytest.raises(LexiconError, match=at(9) + " entry 'x' names category 'c', which is not defined; defined: a, b"):
        build([("y", "a", 1, 2), ("x", "c", 1, 9)])


@pytest.mark.parametrize("window", [-1, True, 1.5, "3"])
def test_bad_negation_window(window):
    cats = [Category("a", negation_window=window, line=3)]
    with pytest.raises(LexiconError, match=at(3) + " category 'a': negation_window must be a whole number >= 0, "
                       f"got {re.escape(repr(window))}"):
        build([("x", "a", 1, 4)], categories=cats)


def test_good_negation_window():
    lex = build([("x", "a", 1, 4)], categories=[Category("a", negation_window=4)])
    assert lex.categories[0].negation_window == 4


def test_no_categories():
    with pytest.raises(LexiconError, match=re.escape(f"{SRC}: the lexicon defines no category")):
        build([], categories=[])


@pytest.mark.parametrize("name", ["", "   ", None])
def test_empty_category_name(name):
    with pytest.raises(LexiconError, match=at(2) + " a category has an empty name"):
        build([("x", "a", 1, 4)], categories=[Category(name, line=2)])


def test_category_defined_twice():
    with pytest.raises(LexiconError, match=at(8) + " category 'a' is defined twice"):
        build([("x", "a", 1, 4)], categories=[Category("a", line=2), Category("a", line=8)])


@pytest.mark.parametrize("weight", ["2", True, float("nan"), None])
def test_weight_must_be_a_number(weight):
    with pytest.raises(LexiconError, match=at(4) + " entry 'x': weight must be a finite number"):
        build([("y", "b", 1, 6), ("x", "a", weight, 4)])


def test_bad_scope_and_duplicate_option():
    with pytest.raises(LexiconError, match=re.escape(f"{SRC}: nested_scope must be one of ('category', 'lexicon'), got 'all'")):
        build([("x", "a", 1, 1), ("y", "b", 1, 1)], nested_scope="all")
    with pytest.raises(ValueError, match="on_duplicate: expected one of 'error', 'warn', got 'skip'"):
        build([("x", "a", 1, 1), ("y", "b", 1, 1)], on_duplicate="skip")


@pytest.mark.parametrize("negator", ["not at all", "no*"])
def test_negators_must_be_single_plain_words(negator):
    with pytest.raises(LexiconError, match=re.escape(f"{SRC}: negator {negator!r} must be a single word without '*'")):
        build([("x", "a", 1, 1), ("y", "b", 1, 1)], negators=[negator])


def test_error_without_source():
    with pytest.raises(LexiconError, match=r"^lexicon: the lexicon defines no category$"):
        Lexicon.build("x", [], [])
    with pytest.raises(LexiconError, match=r"^lexicon, line 3: category 'a' has no entries$"):
        Lexicon.build("x", [Category("a", line=3)], [])


# ------------------------------------------------------------ type and value checks


def test_empty_negator_is_a_lexicon_error():
    with pytest.raises(LexiconError, match=re.escape(SRC)):
        build([("x", "a", 1, 1), ("y", "b", 1, 1)], negators=[""])


def test_non_string_term_is_a_lexicon_error():
    with pytest.raises((LexiconError, TypeError), match=re.escape(SRC)):
        build([("y", "b", 1, 6), (None, "a", 1, 4)])


def test_non_string_negator_is_an_error():
    with pytest.raises((LexiconError, TypeError), match="negator"):
        build([("x", "a", 1, 1), ("y", "b", 1, 1)], negators=[3])


# ------------------------------------------------------------ the record


def test_lexicon_accessors():
    lex = build([("x", "a", 1, 2), ("y", "b", 1, 6), ("z", "a", 1, 3)])
    assert lex.category("b").line == 5
    assert [e.term for e in lex.entries_of("a")] == ["x", "z"]
    with pytest.raises(KeyError, match="lexicon 'lex' has no category 'c'; categories: a, b"):
        lex.category("c")
    scoped = lex.with_scope("lexicon")
    assert scoped.nested_scope == "lexicon" and scoped.entries == lex.entries
    with pytest.raises(ValueError, match="nested_scope: expected one of 'category', 'lexicon', got 'x'"):
        lex.with_scope("x")
    assert NESTED_SCOPES == ("category", "lexicon")


def test_content_hash_is_order_independent_and_content_sensitive():
    one = build([("x", "a", 1, 2), ("y", "b", 1, 6), ("z", "a", 1, 3)])
    two = build([("Z", "a", 1, 9), ("y", "b", 1, 8), ("x", "a", 1, 7)],
                categories=[Category("b", "other"), Category("a", "text")])
    assert one.content_hash() == two.content_hash()
    assert len(one.content_hash()) == 64
    three = build([("x", "a", 2, 2), ("y", "b", 1, 6), ("z", "a", 1, 3)])
    assert three.content_hash() != one.content_hash()
    assert one.with_scope("lexicon").content_hash() != one.content_hash()


def test_warnings_do_not_affect_equality():
    one = build([("x", "a", 1, 2), ("y", "b", 1, 6)])
    two = build([("x", "a", 1, 2), ("y", "b", 1, 6)], warnings=("note",))
    assert one == two


def test_normalize_term():
    assert normalize_term("So-Called") == "so called"
    assert normalize_term("Pretens*") == "pretens*"
    assert normalize_term("  ") == "  "


def test_category_name_must_be_a_string():
    with pytest.raises(LexiconError, match="a category has an empty name"):
        Lexicon.build("x", [Category(3)], [("a", 3, 1.0, None)])


def test_entry_must_be_a_four_tuple():
    with pytest.raises(LexiconError, match=r"each entry must be an Entry or a \(term, category, weight, line\) tuple"):
        Lexicon.build("x", [Category("a")], [("a", "a")])


def test_lexicon_name_must_not_be_empty():
    with pytest.raises(LexiconError, match="the lexicon name must be a non-empty string, got ' '"):
        Lexicon.build(" ", [Category("a")], [("a", "a", 1.0, None)])


def test_license_is_kept():
    lex = Lexicon.build("x", [Category("a")], [("a", "a", 1.0, None)], license="MIT")
    assert lex.license == "MIT" and lex.with_scope("lexicon").license == "MIT"
