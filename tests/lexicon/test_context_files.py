"""Context rules in lexicon files: reading, validation messages, writing, hashing."""

from __future__ import annotations

import hashlib
import json

import pytest

from framing.lexicon import Category, Entry, Lexicon, LexiconError, check_lexicon, read_lexicon, write_lexicon_toml

HEAD = 'name = "x"\nversion = "1"\ndescription = "d"\n'


def toml(tmp_path, body, head=HEAD):
    path = tmp_path / "lex.toml"
    path.write_text(head + body, encoding="utf-8")
    return path


GOOD = (
    'exceptions = ["media playback is unsupported on your device", "daily beast"]\n\n'
    '[[categories]]\nname = "a"\ndefinition = "A"\nscare_quotes = true\nscare_quote_max_words = 4\n'
    'entries = [\n  { term = "could", followed_by = ["be", "have*"] },\n'
    '  { term = "beast*", weight = 2.0, exceptions = ["beast mode"], not_preceded_by = ["the"] },\n  "sham",\n]\n\n'
    '[[categories]]\nname = "scare"\ndefinition = "only scare quotes"\nscare_quotes = true\n'
    'scare_quote_preceded_by = ["so-called", "Supposed", "alleged*"]\n'
)


def test_toml_reads_and_round_trips(tmp_path):
    lex = read_lexicon(toml(tmp_path, GOOD))
    assert lex.exceptions == ("media playback is unsupported on your device", "daily beast")
    assert lex.entries[0].followed_by == ("be", "have*")
    assert lex.entries[1].exceptions == ("beast mode",) and lex.entries[1].not_preceded_by == ("the",)
    assert lex.categories[0].scare_quotes and lex.categories[0].scare_quote_max_words == 4
    assert lex.entries_of("scare") == ()
    assert lex.categories[0].scare_quote_preceded_by == ()
    assert lex.categories[1].scare_quote_preceded_by == ("so-called", "Supposed", "alleged*")
    assert lex.categories[1].scare_key() == (3, (("alleged*",), ("so", "called"), ("supposed",)))
    out = write_lexicon_toml(lex, tmp_path / "out.toml")
    back = read_lexicon(out)
    assert back.content_hash() == lex.content_hash()
    assert back.entries == tuple(Entry(e.term, e.category, e.weight, e.pattern, b.line, e.followed_by, e.not_followed_by,
                                       e.preceded_by, e.not_preceded_by, e.exceptions)
                                 for e, b in zip(lex.entries, back.entries))
    assert back.categories[0].scare_quote_max_words == 4 and back.exceptions == lex.exceptions
    assert back.categories[1].scare_quote_preceded_by == lex.categories[1].scare_quote_preceded_by
    report = check_lexicon(lex).summary()
    assert "a: 2 entries with context rules; scare quotes of up to 4 words\n" in report
    assert ("scare: 0 entries with context rules; scare quotes of up to 3 words, only right after "
            "'so-called', 'Supposed', 'alleged*'") in report
    summary = check_lexicon(lex).categories[1]
    assert summary.scare_quotes == 3 and summary.scare_quote_preceded_by == ("so-called", "Supposed", "alleged*")
    assert "'daily beast'" in report


def test_hash_of_a_lexicon_without_rules_is_unchanged():
    lex = Lexicon.build("t", [Category("c", negation_window=2)], [("sham", "c", 1.0, None), ("so-called", "c", 2.0, None)])
    payload = {"name": "t", "version": "", "nested_scope": "category", "negators": sorted(lex.negators),
               "categories": [("c", 2)], "entries": sorted((e.category, e.pattern, e.weight) for e in lex.entries)}
    old = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=True).encode("ascii")).hexdigest()
    assert lex.content_hash() == old
    ruled = Lexicon.build("t", [Category("c", negation_window=2)],
                          [Entry("sham", "c", 1.0, (), None, followed_by=("x",)), ("so-called", "c", 2.0, None)])
    assert ruled.content_hash() != old
    assert Lexicon.build("t", lex.categories, lex.entries, exceptions=["x y"]).content_hash() != old


def test_hash_covers_scare_quote_preceded_by():
    plain = Lexicon.build("t", [Category("c", scare_quotes=True)], [])
    marked = Lexicon.build("t", [Category("c", scare_quotes=True, scare_quote_preceded_by=["so-called"])], [])
    other = Lexicon.build("t", [Category("c", scare_quotes=True, scare_quote_preceded_by=("supposed",))], [])
    same = Lexicon.build("t", [Category("c", scare_quotes=True, scare_quote_preceded_by=("So called", "so-called"))], [])
    assert len({plain.content_hash(), marked.content_hash(), other.content_hash()}) == 3
    assert same.content_hash() == marked.content_hash()  # folded, as matching reads them
    # a lexicon without the key keeps the hash it had before the key existed
    payload = {"name": "t", "version": "", "nested_scope": "category", "negators": sorted(plain.negators),
               "categories": [("c", 0)], "entries": [], "scare_quotes": [("c", 3)]}
    old = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=True).encode("ascii")).hexdigest()
    assert plain.content_hash() == old
    assert marked.categories[0].scare_quote_preceded_by == ("so-called",)  # a list is stored as a tuple


def test_csv_rule_columns(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("term,category,followed_by,exceptions,not_preceded_by\ncould,a,be|have,,\n"
                    "beast,a,,daily beast|beast mode,\nclaims,a,,,legal\n", encoding="utf-8")
    lex = read_lexicon(path)
    assert [(e.followed_by, e.exceptions, e.not_preceded_by) for e in lex.entries] == [
        (("be", "have"), (), ()), ((), ("daily beast", "beast mode"), ()), ((), (), ("legal",))]


def test_csv_empty_rule_value(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("term,category,followed_by\ncould,a,be||have\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"l\.csv, line 2: followed_by of 'could' must be '\|'-separated non-empty"):
        read_lexicon(path)


@pytest.mark.parametrize("body, message", [
    ('[[categories]]\nname = "a"\ndefinition = "A"\nentries = [{ term = "could", folowed_by = ["be"] }]\n',
     r"line 7: unknown key 'categories\[0\]\.entries\[0\]\.folowed_by'; allowed keys here: term, weight, followed_by"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nentries = [{ term = "could", followed_by = "be" }]\n',
     r"line 7: categories\[0\]\.entries\[0\]\.followed_by must be a non-empty list of non-empty strings, got 'be'"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nentries = [{ term = "could", followed_by = [] }]\n',
     r"line 7: categories\[0\]\.entries\[0\]\.followed_by must be a non-empty list of non-empty strings, got \[\]"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nentries = [{ term = "could", preceded_by = ["be here"] }]\n',
     r"line 7: entry 'could': preceded_by: 'be here' is 2 words; a context rule word is one token"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nentries = [{ term = "beast", exceptions = ["daily news"] }]\n',
     r"line 7: entry 'beast': exception 'daily news' does not contain the term 'beast' as a run of words, "
     r"so it could never block it"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quotes = true\nscare_quote_max_words = 11\nentries = ["x"]\n',
     r"line 8: categories\[0\]\.scare_quote_max_words must be an integer from 1 to 10, got 11"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quote_max_words = 2\nentries = ["x"]\n',
     r"line 7: categories\[0\]\.scare_quote_max_words is set but scare_quotes is not true"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quotes = "yes"\nentries = ["x"]\n',
     r"line 7: categories\[0\]\.scare_quotes must be true or false, got 'yes'"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quote_preceded_by = ["so-called"]\nentries = ["x"]\n',
     r"line 7: categories\[0\]\.scare_quote_preceded_by is set but scare_quotes is not true"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quotes = true\nscare_quote_preceded_by = "so-called"\n',
     r"line 8: categories\[0\]\.scare_quote_preceded_by must be a non-empty list of non-empty strings, got 'so-called'"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quotes = true\nscare_quote_preceded_by = []\n',
     r"line 8: categories\[0\]\.scare_quote_preceded_by must be a non-empty list of non-empty strings, got \[\]"),
    ('[[categories]]\nname = "a"\ndefinition = "A"\nscare_quotes = true\nscare_quote_preceded_by = ["so called?"]\n',
     r"lex\.toml, line 5: category 'a': scare_quote_preceded_by phrase 'so called\?': term 'so called\?': '\?' is not"),
    ('exceptions = []\n[[categories]]\nname = "a"\ndefinition = "A"\nentries = ["x"]\n',
     r"line 4: exceptions must be a non-empty list of non-empty strings, got \[\]"),
    ('exceptions = ["why?"]\n[[categories]]\nname = "a"\ndefinition = "A"\nentries = ["x"]\n',
     r"lex\.toml: the lexicon: exceptions phrase 'why\?': term 'why\?': '\?' is not a wildcard"),
])
def test_toml_rule_errors(tmp_path, body, message):
    with pytest.raises(LexiconError, match=message):
        read_lexicon(toml(tmp_path, body))


def test_build_rule_errors():
    cat = [Category("c")]
    with pytest.raises(LexiconError, match=r"lexicon: entry 'x': followed_by must be a list of words, got 'be'"):
        Lexicon.build("t", cat, [Entry("x", "c", followed_by="be")])
    with pytest.raises(LexiconError, match=r"entry 'x' in category 'c' conflicts with 'x': their context rules differ"):
        Lexicon.build("t", cat, [Entry("x", "c", followed_by=("be",)), Entry("x", "c")])
    with pytest.raises(LexiconError, match=r"category 'c': scare_quote_max_words must be a whole number from 1 to 10, got 0"):
        Lexicon.build("t", [Category("c", scare_quotes=True, scare_quote_max_words=0)], [])
    with pytest.raises(LexiconError, match=r"category 'c': scare_quotes must be true or false, got 1"):
        Lexicon.build("t", [Category("c", scare_quotes=1)], [("x", "c", 1.0, None)])
    with pytest.raises(LexiconError, match=r"lexicon: category 'c': scare_quote_preceded_by is set but scare_quotes is "
                       r"not true"):
        Lexicon.build("t", [Category("c", scare_quote_preceded_by=("so-called",))], [("x", "c", 1.0, None)])
    with pytest.raises(LexiconError, match=r"category 'c': scare_quote_preceded_by must be a list of phrases, "
                       r"got 'so-called'"):
        Lexicon.build("t", [Category("c", scare_quotes=True, scare_quote_preceded_by="so-called")], [])
    with pytest.raises(LexiconError, match=r"category 'c': scare_quote_preceded_by must be a list of non-empty strings, "
                       r"got ' '"):
        Lexicon.build("t", [Category("c", scare_quotes=True, scare_quote_preceded_by=(" ",))], [])
    with pytest.raises(LexiconError, match=r"category 'c' has no entries"):
        Lexicon.build("t", cat, [])
    with pytest.raises(LexiconError, match=r"the lexicon: exceptions must be a list of phrases, got 'daily beast'"):
        Lexicon.build("t", cat, [("x", "c", 1.0, None)], exceptions="daily beast")
    # globs: an exception word the glob matches is contained
    lex = Lexicon.build("t", cat, [Entry("beast*", "c", exceptions=("daily beasts",))])
    assert lex.entries[0].exceptions == ("daily beasts",)
