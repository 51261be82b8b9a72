"""Lexicon file formats: TOML, LIWC .dic, CSV/TSV; loading, writing, checking."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from framing.lexicon.model import DEFAULT_NEGATORS, Category, Lexicon, LexiconError
from framing.lexicon.check import GlobOverlap, LexiconReport, SharedTerm, check_lexicon
from framing.lexicon.files import (
    FORMATS,
    LexiconWarning,
    bundled_lexicons,
    load_lexicon,
    read_lexicon,
    write_lexicon_toml,
)
from tests.paths import FIXTURES as FIXTURE_ROOT
from tests.paths import REPO, SHARED

FIXTURES = FIXTURE_ROOT / "lexicons"
MFD = SHARED / "data" / "lexicons" / "moral_foundations"
BUNDLED_CUES = REPO / "framing" / "lexicon" / "bundled" / "framing-cues.toml"

pytestmark = pytest.mark.filterwarnings("ignore::framing.lexicon.files.LexiconWarning")


def at(path: Path, line: int) -> str:
    """Regex for the '<file>, line <n>:' prefix of an error message."""
    return re.escape(f"{path}, line {line}:")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


TOML_HEAD = 'name = "t"\nversion = "1"\ndescription = "d"\n'


def toml(tmp_path: Path, body: str, head: str = TOML_HEAD) -> Path:
    return write(tmp_path, "lex.toml", head + body)


# ====================================================================== TOML


def test_toml_fixture_fields_and_lines():
    lex = read_lexicon(FIXTURES / "tiny.toml")
    assert (lex.name, lex.version, lex.citation) == ("tiny-cues", "0.1.0", "framing test suite")
    assert lex.description.startswith("Three small")
    assert lex.negators == ("not", "never", "without")
    assert lex.nested_scope == "category"
    assert lex.source == str(FIXTURES / "tiny.toml")
    assert lex.category_names == ("insinuation", "escalation", "hedge")
    ins = lex.category("insinuation")
    assert ins.negation_window == 3
    assert ins.examples == ("build a façade of strong alliance",)
    assert ins.citations[0].startswith("Entman (1993)")
    assert ins.line == 11
    assert lex.category("escalation").line == 25
    by_term = {(e.category, e.term): e for e in lex.entries}
    assert by_term[("insinuation", "façade")].pattern == ("facade",)
    assert by_term[("insinuation", "façade")].line == 17
    assert by_term[("insinuation", "pretens*")].line == 18
    assert by_term[("insinuation", "so-called")].pattern == ("so", "called")
    assert by_term[("insinuation", "sham")].weight == 1.5
    assert by_term[("insinuation", "sham")].line == 21
    assert by_term[("escalation", "sham")].line == 27
    assert by_term[("escalation", "ratchet up")].weight == 1.0
    assert lex.warnings == ()


def test_toml_defaults(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    lex = read_lexicon(path)
    assert lex.negators == DEFAULT_NEGATORS
    assert lex.nested_scope == "category"
    assert lex.citation == ""
    assert lex.categories[0].negation_window == 0
    assert lex.categories[0].examples == ()


def test_toml_inline_categories_array(tmp_path):
    path = toml(tmp_path, 'categories = [ { name = "a", definition = "x", entries = ["w", "v"] } ]\n')
    lex = read_lexicon(path)
    assert [e.term for e in lex.entries] == ["w", "v"]
    assert lex.entries[0].line == 4


def test_toml_crlf_and_bom(tmp_path):
    text = "\ufeff" + TOML_HEAD + '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w",\n "v"]\n'
    path = write(tmp_path, "lex.toml", text.replace("\n", "\r\n").encode("utf-8"))
    lex = read_lexicon(path)
    assert [e.line for e in lex.entries] == [7, 8]


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 6) + " TOML syntax error"):
        read_lexicon(path)


def test_toml_syntax_error_at_end_of_document(tmp_path):
    path = toml(tmp_path, 'x = [1,\n')
    with pytest.raises(LexiconError, match=re.escape(str(path)) + r", line \d+: TOML syntax error"):
        read_lexicon(path)


def test_toml_unknown_top_level_key(tmp_path):
    path = toml(tmp_path, 'titel = "x"\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" unknown key 'titel'; allowed keys here: name, version"):
        read_lexicon(path)


def test_toml_unknown_category_key_names_path_and_line(tmp_path):
    body = (
        '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n\n'
        '[[categories]]\nname = "b"\ndefinition = "y"\nnegaton_window = 3\nentries = ["v"]\n'
    )
    path = toml(tmp_path, body)
    with pytest.raises(LexiconError, match=at(path, 12) + r" unknown key 'categories\[1\]\.negaton_window'; "
                       r"allowed keys here: name, definition, examples, citations, negation_window, "
                       r"scare_quotes, scare_quote_max_words, scare_quote_preceded_by, entries"):
        read_lexicon(path)


def test_toml_unknown_entry_key(tmp_path):
    body = '[[categories]]\nname = "a"\ndefinition = "x"\nentries = [\n  "w",\n  { term = "sham", wieght = 2 },\n]\n'
    path = toml(tmp_path, body)
    with pytest.raises(LexiconError, match=at(path, 9) + r" unknown key 'categories\[0\]\.entries\[1\]\.wieght'; "
                       r"allowed keys here: term, weight"):
        read_lexicon(path)


def test_toml_unknown_subtable_key(tmp_path):
    path = toml(tmp_path, '[meta]\nx = 1\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" unknown key 'meta'"):
        read_lexicon(path)


@pytest.mark.parametrize("missing", ["name", "version", "description"])
def test_toml_missing_required_top_level(tmp_path, missing):
    head = "".join(line + "\n" for line in TOML_HEAD.splitlines() if not line.startswith(missing))
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n', head=head)
    with pytest.raises(LexiconError, match=re.escape(f"{path}: missing required key '{missing}'")):
        read_lexicon(path)


def test_toml_wrong_type_top_level(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n',
                head='name = "t"\nversion = 1\ndescription = "d"\n')
    with pytest.raises(LexiconError, match=at(path, 2) + r" version must be a non-empty string, got 1 \(int\)"):
        read_lexicon(path)


def test_toml_citation_wrong_type(tmp_path):
    path = toml(tmp_path, 'citation = ["a"]\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" citation must be a string"):
        read_lexicon(path)


def test_toml_bad_nested_scope(tmp_path):
    path = toml(tmp_path, 'nested_scope = "global"\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" nested_scope must be one of category, lexicon, got 'global'"):
        read_lexicon(path)


def test_toml_nested_scope_lexicon(tmp_path):
    path = toml(tmp_path, 'nested_scope = "lexicon"\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    assert read_lexicon(path).nested_scope == "lexicon"


def test_toml_bad_negators(tmp_path):
    path = toml(tmp_path, 'negators = "not"\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" negators must be a list of non-empty strings"):
        read_lexicon(path)


def test_toml_multiword_negator(tmp_path):
    path = toml(tmp_path, 'negators = ["not at all"]\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=re.escape(f"{path}: negator 'not at all' must be a single word")):
        read_lexicon(path)


@pytest.mark.parametrize("bad", ['categories = "a"', "categories = []", "categories = [1]"])
def test_toml_bad_categories(tmp_path, bad):
    path = toml(tmp_path, bad + "\n")
    with pytest.raises(LexiconError, match=at(path, 4) + " categories must be a non-empty array of tables"):
        read_lexicon(path)


def test_toml_no_categories(tmp_path):
    path = toml(tmp_path, "")
    with pytest.raises(LexiconError, match=re.escape(f"{path}: categories must be a non-empty array of tables")):
        read_lexicon(path)


def test_toml_missing_definition_points_at_category(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 5) + r" missing required key 'categories\[0\]\.definition'"):
        read_lexicon(path)


def test_toml_missing_category_name_points_at_block(tmp_path):
    path = toml(tmp_path, '[[categories]]\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" missing required key 'categories\[0\]\.name'"):
        read_lexicon(path)


def test_toml_empty_definition(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "  "\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 6) + r" categories\[0\]\.definition must be a non-empty string"):
        read_lexicon(path)


@pytest.mark.parametrize("value", ['"3"', "-1", "true", "1.5"])
def test_toml_bad_negation_window(tmp_path, value):
    path = toml(tmp_path, f'[[categories]]\nname = "a"\ndefinition = "x"\nnegation_window = {value}\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 7) + r" categories\[0\]\.negation_window must be an integer >= 0"):
        read_lexicon(path)


def test_toml_bad_examples(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nexamples = "e"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 7) + r" categories\[0\]\.examples must be a list of non-empty strings"):
        read_lexicon(path)


@pytest.mark.parametrize("value", ["[]", '"w"'])
def test_toml_bad_entries_list(tmp_path, value):
    path = toml(tmp_path, f'[[categories]]\nname = "a"\ndefinition = "x"\nentries = {value}\n')
    with pytest.raises(LexiconError, match=at(path, 7) + r" categories\[0\]\.entries must be a non-empty list"):
        read_lexicon(path)


def test_toml_missing_entries_points_at_category(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\n')
    with pytest.raises(LexiconError, match=at(path, 5) + r" categories\[0\]\.entries must be a non-empty list"):
        read_lexicon(path)


def test_toml_entry_of_wrong_type(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w", 3]\n')
    with pytest.raises(LexiconError, match=at(path, 7) + r" categories\[0\]\.entries\[1\] must be a string or a table"):
        read_lexicon(path)


def test_toml_entry_table_without_term(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w",\n { weight = 2 }]\n')
    with pytest.raises(LexiconError, match=at(path, 7) + r" categories\[0\]\.entries\[1\]\.term must be a string"):
        read_lexicon(path)


@pytest.mark.parametrize("value", ['"2"', "true", "nan", "inf"])
def test_toml_bad_weight(tmp_path, value):
    path = toml(tmp_path, f'[[categories]]\nname = "a"\ndefinition = "x"\nentries = [\n"w",\n{{ term = "v", weight = {value} }}]\n')
    with pytest.raises(LexiconError, match=at(path, 9) + r" categories\[0\]\.entries\[1\]\.weight must be a finite number"):
        read_lexicon(path)


def test_toml_invalid_glob_names_entry_line(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = [\n"w",\n"pre*tense",\n]\n')
    with pytest.raises(LexiconError, match=at(path, 9) + r" term 'pre\*tense': '\*' is allowed only at the end"):
        read_lexicon(path)


def test_toml_duplicate_entry_names_both_lines(tmp_path):
    body = '[[categories]]\nname = "a"\ndefinition = "x"\nentries = [\n"sham",\n"w",\n"sham",\n]\n'
    path = toml(tmp_path, body)
    with pytest.raises(LexiconError, match=at(path, 10) + r" entry 'sham' in category 'a' duplicates 'sham' at line 8"):
        read_lexicon(path)
    with pytest.warns(LexiconWarning, match=r"duplicates 'sham' at line 8 \(kept once\)"):
        lex = read_lexicon(path, on_duplicate="warn")
    assert [e.term for e in lex.entries] == ["sham", "w"]
    assert len(lex.warnings) == 1


def test_toml_duplicate_by_folding_is_a_duplicate(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["Façade", "facade"]\n')
    with pytest.raises(LexiconError, match=at(path, 7) + r" entry 'facade' in category 'a' duplicates 'Façade'"):
        read_lexicon(path)


def test_toml_conflicting_weights(tmp_path):
    body = '[[categories]]\nname = "a"\ndefinition = "x"\nentries = [\n"sham",\n{ term = "sham", weight = 2 },\n]\n'
    path = toml(tmp_path, body)
    with pytest.raises(LexiconError, match=at(path, 9) + r" entry 'sham' in category 'a' conflicts with 'sham' at line 8"):
        read_lexicon(path, on_duplicate="warn")


def test_toml_duplicate_category(tmp_path):
    body = ('[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w"]\n'
            '[[categories]]\nname = "a"\ndefinition = "y"\nentries = ["v"]\n')
    path = toml(tmp_path, body)
    with pytest.raises(LexiconError, match=at(path, 9) + " category 'a' is defined twice"):
        read_lexicon(path)


def test_toml_category_name_wrong_type(tmp_path):
    path = toml(tmp_path, '[[categories]]\nname = 5\ndefinition = "x"\nentries = ["w"]\n')
    with pytest.raises(LexiconError, match=at(path, 5) + r" categories\[0\]\.name must be a non-empty string, got 5"):
        read_lexicon(path)


# ====================================================================== round trip


def test_toml_round_trip(tmp_path):
    lex = read_lexicon(FIXTURES / "tiny.toml")
    out = write_lexicon_toml(lex, tmp_path / "out.toml")
    back = read_lexicon(out)
    assert back.content_hash() == lex.content_hash()
    assert (back.name, back.version, back.description, back.citation) == (lex.name, lex.version, lex.description, lex.citation)
    assert back.negators == lex.negators
    strip = lambda c: (c.name, c.definition, c.examples, c.citations, c.negation_window)  # noqa: E731
    assert [strip(c) for c in back.categories] == [strip(c) for c in lex.categories]
    assert [(e.term, e.category, e.weight, e.pattern) for e in back.entries] == [
        (e.term, e.category, e.weight, e.pattern) for e in lex.entries
    ]
    # writing the re-read lexicon gives the same text
    assert write_lexicon_toml(back, tmp_path / "again.toml").read_text("utf-8") == out.read_text("utf-8")


def test_toml_round_trip_escapes_and_defaults(tmp_path):
    lex = Lexicon.build(
        "odd \"name\"",
        [Category("q\\cat", 'a "quoted"\ndefinition\twith\x01control', ("ex'ample",), ("c1", "c2"), 2)],
        [("w", "q\\cat", 0.25, None), ("it's", "q\\cat", 1.0, None), ("ratchet up", "q\\cat", -2.0, None)],
        version="2", description="multi\nline", nested_scope="lexicon",
    )
    back = read_lexicon(write_lexicon_toml(lex, tmp_path / "odd.toml"))
    assert back.name == lex.name and back.description == lex.description
    assert back.categories[0].definition == lex.categories[0].definition
    assert back.content_hash() == lex.content_hash()
    assert back.nested_scope == "lexicon" and back.negators == DEFAULT_NEGATORS


def test_write_requires_documentation_for_dic_lexicon(tmp_path):
    lex = read_lexicon(FIXTURES / "sample.dic")
    with pytest.raises(ValueError, match=r"requires non-empty values; pass version=; description=; definitions= for time"):
        write_lexicon_toml(lex, tmp_path / "x.toml")
    out = write_lexicon_toml(lex, tmp_path / "x.toml", version="1", description="converted",
                             definitions={"time": "Time words."})
    back = read_lexicon(out)
    assert back.content_hash() != lex.content_hash()  # the version differs
    assert sorted((e.category, e.pattern) for e in back.entries) == sorted((e.category, e.pattern) for e in lex.entries)
    assert back.category("function").definition == "Function Words"
    assert back.category("time").definition == "Time words."


def test_write_rejects_unknown_definitions_and_types(tmp_path):
    lex = read_lexicon(FIXTURES / "tiny.toml")
    with pytest.raises(ValueError, match=r"definitions: unknown categories nope; categories: insinuation"):
        write_lexicon_toml(lex, tmp_path / "x.toml", definitions={"nope": "x"})
    with pytest.raises(TypeError, match="lexicon must be a Lexicon, got dict"):
        write_lexicon_toml({}, tmp_path / "x.toml")
    with pytest.raises(TypeError, match="path: expected a str or os.PathLike, got int"):
        write_lexicon_toml(lex, 3)


# ====================================================================== LIWC .dic


def test_dic_fixture_categories_entries_and_warnings():
    path = FIXTURES / "sample.dic"
    with pytest.warns(LexiconWarning) as record:
        lex = read_lexicon(path)
    assert len([w for w in record if issubclass(w.category, LexiconWarning)]) == 1  # once per file
    assert lex.name == "sample"
    assert [(c.name, c.definition, c.line) for c in lex.categories] == [
        ("function", "Function Words", 2), ("pronoun", "Pronouns", 3), ("ppron", "Personal Pronouns", 4),
        ("verb", "Verbs", 6), ("affect", "Affect", 7), ("posemo", "Positive Emotions", 8), ("time", "", 10),
    ]
    pairs = [(e.term, e.category, e.line) for e in lex.entries]
    assert pairs == [
        ("they", "function", 15), ("they", "pronoun", 15), ("they", "ppron", 15), ("abandon*", "affect", 17),
        ("run", "verb", 18), ("run", "time", 18), ("like", "time", 19), ("good time", "affect", 22),
        ("good time", "posemo", 22), ("good time", "time", 22), ("happy", "affect", 24), ("happy", "posemo", 24),
    ]
    assert lex.entries_of("affect")[0].is_glob
    assert lex.entries_of("posemo")[0].pattern == ("good", "time")
    text = "\n".join(lex.warnings)
    assert f"{path}, line 5: header line 'othergram (Other Grammar)' has no category id" in text
    assert f"{path}, line 19: entry 'like' has LIWC conditional codes '(02 134)125/464' (category 125 if the previous word" in text
    assert "dropped, kept plain ids 253" in text
    assert f"{path}, line 20: entry 'kind' has LIWC conditional codes '<of>131/125' (category 131 if the next word is 'of', else 125)" in text
    assert "no plain id left, entry skipped" in text
    assert f"{path}, line 23: word 'run' repeats line 18; merged (1 new category)" in text
    assert f"{path}, line 9: category 'adverb' (id 131) has no entries; dropped" in text


def test_dic_names_by_id():
    lex = read_lexicon(FIXTURES / "sample.dic", names="id")
    assert lex.category_names == ("1", "2", "3", "20", "125", "126", "253")


def test_dic_conditional_error():
    path = FIXTURES / "sample.dic"
    with pytest.raises(LexiconError, match=at(path, 19) + r" entry 'like' has LIWC conditional codes .* "
                       r"cannot be represented \(pass conditional='skip'"):
        read_lexicon(path, conditional="error")


def test_dic_conditional_next_word_error(tmp_path):
    path = write(tmp_path, "c.dic", "%\n131\tadverb\n125\taffect\n%\nkind\t<of>131/125\n")
    with pytest.raises(LexiconError, match=at(path, 5) + r" entry 'kind' has LIWC conditional codes '<of>131/125'"):
        read_lexicon(path, conditional="error")


def test_dic_spaces_crlf_bom_multiword_and_leading_zeros(tmp_path):
    text = ("%\r\n01   care\r\n02   harm\r\n%\r\n\r\ncivil rights   01 02\r\nsafe*  1\r\ncare 01\r\n"
            "harm\t 2 \r\n")
    path = write(tmp_path, "s.dic", b"\xef\xbb\xbf" + text.encode("utf-8"))
    lex = read_lexicon(path)
    assert lex.category_names == ("care", "harm")
    assert [(e.term, e.category, e.line) for e in lex.entries] == [
        ("civil rights", "care", 6), ("civil rights", "harm", 6), ("safe*", "care", 7), ("care", "care", 8),
        ("harm", "harm", 9),
    ]
    assert lex.warnings == ()
    assert read_lexicon(path, names="id").category_names == ("01", "02")


def test_dic_latin1_fallback_warns_with_line(tmp_path):
    path = write(tmp_path, "l.dic", "%\n1\tpos\n%\nbon\t1\ncaf\u00e9\t1\n".encode("latin-1"))
    with pytest.warns(LexiconWarning, match=at(path, 5) + " not valid utf-8-sig; the file was decoded as latin-1"):
        lex = read_lexicon(path)
    assert lex.entries[1].term == "café" and lex.entries[1].pattern == ("cafe",)
    assert read_lexicon(path, encoding="latin-1").warnings == ()
    with pytest.raises(LexiconError, match=at(path, 5) + r" not valid utf-8-sig \(byte 0xe9\); pass encoding="):
        read_lexicon(path, fallback_encoding=None)


def test_dic_utf16_with_bom(tmp_path):
    path = write(tmp_path, "u.dic", "%\n1\tpos\n%\nna\u00efve\t1\n".encode("utf-16"))
    assert read_lexicon(path).entries[0].pattern == ("naive",)


def test_unknown_encoding_names_parameter(tmp_path):
    with pytest.raises(ValueError, match="encoding: unknown text encoding 'klingon'"):
        read_lexicon(FIXTURES / "sample.dic", encoding="klingon")
    with pytest.raises(ValueError, match="fallback_encoding: unknown text encoding 'klingon'"):
        read_lexicon(FIXTURES / "sample.dic", fallback_encoding="klingon")


def test_dic_merges_repeated_words(tmp_path):
    path = write(tmp_path, "m.dic", "%\n1\ta\n2\tb\n%\nx\t1\ny\t2\nX\t2\nx\t1\nz\t1 1\n")
    with pytest.warns(LexiconWarning, match=r"and 2 more; all are in Lexicon\.warnings"):
        lex = read_lexicon(path)
    assert [(e.term, e.category, e.line) for e in lex.entries] == [
        ("x", "a", 5), ("x", "b", 5), ("y", "b", 6), ("z", "a", 9),
    ]
    assert lex.warnings == (
        f"{path}, line 7: word 'X' repeats line 5; merged (1 new category)",
        f"{path}, line 8: word 'x' repeats line 5; merged (0 new categories)",
        f"{path}, line 9: entry 'z' lists category id 1 twice",
    )


def test_dic_hyphen_glob_is_read_as_first_part(tmp_path):
    path = write(tmp_path, "h.dic", "%\n1\tfair\n%\nfair-*\t1\n")
    lex = read_lexicon(path)
    assert lex.entries[0].pattern == ("fair",)
    assert lex.warnings[0].startswith(f"{path}, line 4: entry 'fair-*' (LIWC: words starting with 'fair-') is read as 'fair'")


def test_dic_undefined_id_error_and_warn(tmp_path):
    path = write(tmp_path, "u.dic", "%\n1\ta\n2\tb\n%\nx\t1\ny\t1 7\nz\t9\n")
    with pytest.raises(LexiconError, match=at(path, 6) + r" entry 'y' uses category id 7, which the header does not "
                       r"define; defined ids: 1, 2 \(pass on_error='warn' to skip it\)"):
        read_lexicon(path)
    lex = read_lexicon(path, on_error="warn")
    assert [(e.term, e.category) for e in lex.entries] == [("x", "a"), ("y", "a")]
    assert lex.category_names == ("a",)
    assert any(w.startswith(f"{path}, line 7: entry 'z' uses category id 9") and w.endswith("; skipped") for w in lex.warnings)


def test_dic_entry_without_id(tmp_path):
    path = write(tmp_path, "n.dic", "%\n1\ta\n%\nx\t1\nlonely\n")
    with pytest.raises(LexiconError, match=at(path, 5) + " entry 'lonely' has no category id"):
        read_lexicon(path)
    assert [e.term for e in read_lexicon(path, on_error="warn").entries] == ["x"]


def test_dic_unreadable_code(tmp_path):
    path = write(tmp_path, "c.dic", "%\n1\ta\n%\nx\t1\ny\tabc\n")
    with pytest.raises(LexiconError, match=at(path, 5) + r" entry 'y': cannot read 'abc' as a category id"):
        read_lexicon(path)
    path = write(tmp_path, "p.dic", "%\n1\ta\n%\nx\t(02 1\n")
    with pytest.raises(LexiconError, match=at(path, 4) + r" entry 'x': cannot read '\(02' as a category id"):
        read_lexicon(path)


def test_dic_invalid_term(tmp_path):
    path = write(tmp_path, "t.dic", "%\n1\ta\n%\nx\t1\npre*tense\t1\n")
    with pytest.raises(LexiconError, match=at(path, 5) + r" invalid term: term 'pre\*tense'"):
        read_lexicon(path)
    assert [e.term for e in read_lexicon(path, on_error="warn").entries] == ["x"]


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("1\ta\n%\nx\t1\n", 1, r"a LIWC \.dic file must start with a '%' line opening the category header, got '1"),
        ("%\n1\ta\nx\t1\n", 1, "the category header opened here is never closed by a second '%' line"),
        ("%\n1\ta\n7\n%\nx\t1\n", 3, "category id 7 has no name"),
        ("%\n01\ta\n1\tb\n%\nx\t1\n", 3, r"category id 1 is defined twice \(first at line 2\)"),
        ("%\n%\nx\t1\n", 1, "the category header defines no category"),
        ("%\n1\ta\n%\nx\t1\n%\ny\t1\n", 5, "unexpected third '%' line"),
        ("%\n1\ta\n%\n\n", 3, "no entries after the category header"),
        ("%\n1\ta\n2\ta\n%\nx\t1 2\n", 3, "category 'a' is defined twice"),
    ],
)
def test_dic_structure_errors(tmp_path, content, line, message):
    path = write(tmp_path, "bad.dic", content)
    with pytest.raises(LexiconError, match=at(path, line) + " " + message):
        read_lexicon(path)


def test_dic_empty_file(tmp_path):
    path = write(tmp_path, "e.dic", "\n# only a comment\n")
    with pytest.raises(LexiconError, match=re.escape(f"{path}: a LIWC .dic file must start with a '%' line") + ".*empty file"):
        read_lexicon(path)


@pytest.mark.skipif(not MFD.exists(), reason="shared data not available")
def test_dic_mfd2():
    lex = read_lexicon(MFD / "mfd2.0.dic")
    assert lex.category_names == (
        "care.virtue", "care.vice", "fairness.virtue", "fairness.vice", "loyalty.virtue", "loyalty.vice",
        "authority.virtue", "authority.vice", "sanctity.virtue", "sanctity.vice",
    )
    assert len(lex.entries) == 2103
    assert len({e.pattern for e in lex.entries}) == 2040
    assert sum("repeats line" in w for w in lex.warnings) == 63

    def cats(term):
        return {e.category for e in lex.entries if e.term == term}

    assert cats("compassion") == {"care.virtue"}
    assert cats("vulnerable") == {"care.virtue", "care.vice"}
    assert cats("protect") == {"care.virtue", "authority.virtue"}
    assert cats("civil rights") == {"fairness.virtue"}
    assert next(e for e in lex.entries if e.term == "civil rights").is_phrase


@pytest.mark.skipif(not MFD.exists(), reason="shared data not available")
def test_dic_mft_original():
    lex = read_lexicon(MFD / "mft_original.dic")
    assert len(lex.categories) == 11 and lex.category_names[-1] == "moral"
    assert len(lex.entries) == 358  # 359 pairs; 'fair-*' is read as 'fair', already listed

    def cats(term):
        return {e.category for e in lex.entries if e.term == term}

    assert cats("preserve") == {"care.virtue", "authority.virtue", "sanctity.virtue"}
    assert cats("abandon*") == {"care.vice", "loyalty.vice"}
    assert cats("safe*") == {"care.virtue"}
    assert sum(e.is_glob for e in lex.entries) == 184
    assert read_lexicon(MFD / "mft_original.dic", names="id").category_names[:2] == ("01", "02")
    report = check_lexicon(MFD / "mft_original.dic")
    assert report.n_entries == 358 and len(report.shared_terms) > 0


# ====================================================================== CSV / TSV


def test_csv_fixture():
    lex = read_lexicon(FIXTURES / "sample.csv")
    assert lex.name == "sample"
    assert [(c.name, c.definition, c.line) for c in lex.categories] == [("insinuation", "", 2), ("escalation", "", 4)]
    assert [(e.term, e.category, e.weight, e.line) for e in lex.entries] == [
        ("façade", "insinuation", 1.0, 2), ("pretens*", "insinuation", 1.0, 3), ("ratchet up", "escalation", 2.5, 4),
        ("sham", "insinuation", 1.5, 5), ("escalat*", "escalation", 1.0, 7),
    ]


def test_tsv_fixture_without_header():
    lex = read_lexicon(FIXTURES / "sample.tsv")
    assert [(e.term, e.category, e.weight, e.line) for e in lex.entries] == [
        ("pretens*", "insinuation", 1.0, 1), ("façade", "insinuation", 2.0, 2), ("ratchet up", "escalation", 1.0, 3),
    ]


def test_csv_sniffs_tab_and_reorders_header_columns(tmp_path):
    path = write(tmp_path, "w.txt", "category\tterm\nx\ty\n")
    with pytest.raises(LexiconError, match="cannot tell the lexicon format from the suffix '.txt'"):
        read_lexicon(path)
    lex = read_lexicon(path, format="csv")  # sniffed tab; a header of column names only
    assert [(e.term, e.category) for e in lex.entries] == [("y", "x")]
    lex = read_lexicon(write(tmp_path, "d.txt", "category,termx\nx,y\n"), format="csv")  # not a header: data
    assert [(e.term, e.category) for e in lex.entries] == [("category", "termx"), ("x", "y")]
    path = write(tmp_path, "h.csv", '\ufeffweight,Category,TERM\n2,a,"x, y"\n,a,z\n')
    lex = read_lexicon(path)
    assert [(e.term, e.weight, e.pattern) for e in lex.entries] == [("x, y", 2.0, ("x", "y")), ("z", 1.0, ("z",))]
    path = write(tmp_path, "h2.csv", "Term,weight,class\nx,2,a\n")
    with pytest.raises(LexiconError, match=at(path, 1) + r" header row \['Term', 'weight', 'class'\]: the columns must be"):
        read_lexicon(path)
    assert read_lexicon(write(tmp_path, "t.csv", "a\tb\n"), format="tsv").entries[0].term == "a"


def test_csv_multiline_quoted_field_line_numbers(tmp_path):
    path = write(tmp_path, "q.csv", 'term,category\n"so\ncalled",a\nx,a,2,9\n')
    with pytest.raises(LexiconError, match=at(path, 4) + r" expected 'term,category', got 4 cell\(s\)"):
        read_lexicon(path)


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("x,a\ny,a,heavy\n", 2, "weight of 'y' must be a finite number, got 'heavy'"),
        ("x,a\ny,a,nan\n", 2, "weight of 'y' must be a finite number, got 'nan'"),
        ("x,a\ny,a,1,2\n", 2, r"expected 'term,category\[,weight\]', got 4 cell\(s\)"),
        ("x,a\ny\n", 2, r"expected 'term,category\[,weight\]', got 1 cell\(s\)"),
        ("x,a\ny,\n", 2, "empty category"),
        ("x,a\n,a\n", 2, "empty term"),
        ("x,a\npre*tense,a\n", 2, r"invalid term: term 'pre\*tense'"),
    ],
)
def test_csv_row_errors_and_warn(tmp_path, content, line, message):
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(LexiconError, match=at(path, line) + " " + message + r".*\(pass on_error='warn' to skip the row\)"):
        read_lexicon(path)
    lex = read_lexicon(path, on_error="warn")
    assert [e.term for e in lex.entries] == ["x"]
    assert lex.warnings[0].endswith("; row skipped")


def test_csv_malformed_quoting(tmp_path):
    path = write(tmp_path, "m.csv", 'x,a\n"y"z,a\n')
    with pytest.raises(LexiconError, match=at(path, 2) + " malformed CSV"):
        read_lexicon(path)


def test_csv_no_entries(tmp_path):
    path = write(tmp_path, "e.csv", "term,category\n\n")
    with pytest.raises(LexiconError, match=re.escape(f"{path}: no entries")):
        read_lexicon(path)


def test_csv_duplicates_and_conflicts(tmp_path):
    path = write(tmp_path, "d.csv", "x,a\ny,a\nX,a\n")
    with pytest.raises(LexiconError, match=at(path, 3) + " entry 'X' in category 'a' duplicates 'x' at line 1"):
        read_lexicon(path)
    assert len(read_lexicon(path, on_duplicate="warn").entries) == 2
    path = write(tmp_path, "c.csv", "x,a\nx,a,2\n")
    with pytest.raises(LexiconError, match=at(path, 2) + " entry 'x' in category 'a' conflicts with 'x' at line 1"):
        read_lexicon(path, on_duplicate="warn")


# ====================================================================== read_lexicon options


def test_read_lexicon_option_errors(tmp_path):
    path = FIXTURES / "tiny.toml"
    with pytest.raises(ValueError, match="on_duplicate: expected one of 'error', 'warn', got 'keep'"):
        read_lexicon(path, on_duplicate="keep")
    with pytest.raises(ValueError, match="on_error: expected one of 'raise', 'warn', got 'skip'"):
        read_lexicon(path, on_error="skip")
    with pytest.raises(ValueError, match="conditional: expected one of 'skip', 'error', got 'keep'"):
        read_lexicon(path, conditional="keep")
    with pytest.raises(ValueError, match="names: expected one of 'name', 'id', got 'label'"):
        read_lexicon(path, names="label")
    with pytest.raises(ValueError, match="format: expected one of 'toml', 'dic', 'csv', 'tsv', got 'yaml'"):
        read_lexicon(path, format="yaml")
    with pytest.raises(TypeError, match="path: expected a str or os.PathLike, got int"):
        read_lexicon(3)
    missing = tmp_path / "missing.toml"
    with pytest.raises(LexiconError, match=re.escape(f"{missing}: no such lexicon file")):
        read_lexicon(missing)
    with pytest.raises(LexiconError, match=re.escape(f"{tmp_path}: cannot tell the lexicon format from the suffix '(none)'")):
        read_lexicon(tmp_path)
    assert FORMATS == ("toml", "dic", "csv", "tsv")


def test_explicit_format_and_uppercase_suffix(tmp_path):
    path = write(tmp_path, "LEX.DIC", "%\n1\ta\n%\nx\t1\n")
    assert read_lexicon(path).entries[0].term == "x"
    other = write(tmp_path, "lex.txt", (FIXTURES / "tiny.toml").read_text("utf-8"))
    assert read_lexicon(other, format="toml").name == "tiny-cues"


# ====================================================================== load_lexicon


def test_load_lexicon_passes_lexicon_and_reads_paths(tmp_path):
    lex = read_lexicon(FIXTURES / "tiny.toml")
    assert load_lexicon(lex) is lex
    assert load_lexicon(FIXTURES / "tiny.toml") == lex
    assert load_lexicon(str(FIXTURES / "sample.csv"), on_duplicate="warn").name == "sample"


def test_load_lexicon_unknown_name_lists_bundled():
    names = bundled_lexicons()
    assert isinstance(names, tuple) and all(isinstance(n, str) for n in names)
    expected = ", ".join(names) or "none installed"
    with pytest.raises(ValueError, match=re.escape(f"lexicon 'no-such-lexicon' is neither a bundled lexicon ({expected}) "
                                                   f"nor an existing file")):
        load_lexicon("no-such-lexicon")
    with pytest.raises(TypeError, match="lexicon: expected a str or os.PathLike, got int"):
        load_lexicon(42)


@pytest.mark.skipif(not BUNDLED_CUES.exists(), reason="bundled framing-cues lexicon not written yet")
def test_load_bundled_framing_cues():
    assert "framing-cues" in bundled_lexicons()
    lex = load_lexicon("framing-cues")
    assert lex.name == "framing-cues" and lex.entries
    assert check_lexicon("framing-cues").n_entries == len(lex.entries)


# ====================================================================== check_lexicon


def test_check_lexicon_report():
    report = check_lexicon(FIXTURES / "tiny.toml")
    assert isinstance(report, LexiconReport)
    assert (report.name, report.version, report.n_categories, report.n_entries) == ("tiny-cues", "0.1.0", 3, 10)
    ins = report.categories[0]
    assert (ins.name, ins.entries, ins.phrases, ins.globs, ins.negation_window) == ("insinuation", 5, 1, 1, 3)
    assert report.glob_overlaps == (GlobOverlap("insinuation", "pretens*", "pretense", 18, 19),)
    assert report.shared_terms == (SharedTerm("sham", ("insinuation", "escalation")),)
    text = report.summary()
    assert "Lexicon tiny-cues 0.1.0" in text and "3 categories, 10 entries (2 phrases, 2 globs)" in text
    assert "insinuation: 'pretens*' (line 18) also matches 'pretense' (line 19)" in text
    assert "'sham': insinuation, escalation" in text
    with pytest.raises(AttributeError):
        report.name = "x"


def test_check_lexicon_multiword_and_glob_on_glob_overlaps():
    lex = Lexicon.build(
        "g", [Category("a"), Category("b")],
        [("ratchet* up", "a", 1, 1), ("ratcheted up", "a", 1, 2), ("ratchet down", "a", 1, 3), ("esc*", "a", 1, 4),
         ("escalat*", "a", 1, 5), ("es", "a", 1, 6), ("escalate", "b", 1, 7)],
    )
    found = {(g.glob, g.term) for g in check_lexicon(lex).glob_overlaps}
    assert found == {("ratchet* up", "ratcheted up"), ("esc*", "escalat*")}


def test_check_lexicon_warnings_are_reported_not_emitted():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = check_lexicon(FIXTURES / "sample.dic")
    assert len(report.warnings) == 7
    text = report.summary(limit=2)
    assert "Warnings (7):" in text and "... and 5 more" in text
    with pytest.raises(ValueError, match="limit: expected an integer >= 1, got 0"):
        report.summary(limit=0)
    with pytest.raises(TypeError, match="limit: expected an integer >= 1, got 2.0"):
        report.summary(limit=2.0)


def test_check_lexicon_clean_and_invalid(tmp_path):
    assert "No warnings, glob overlaps or shared terms." in check_lexicon(FIXTURES / "sample.tsv").summary()
    path = toml(tmp_path, '[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["w", "w"]\n')
    with pytest.raises(LexiconError, match=at(path, 7) + " entry 'w' in category 'a' duplicates 'w' at line 7"):
        check_lexicon(path)
    assert check_lexicon(path, on_duplicate="warn").n_entries == 1


def test_load_lexicon_warn_false_keeps_the_repairs_silent():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", LexiconWarning)
        lex = load_lexicon(FIXTURES / "sample.dic", warn=False)
    assert lex.warnings
    with pytest.warns(LexiconWarning):
        load_lexicon(FIXTURES / "sample.dic")
    with pytest.raises(TypeError, match="warn: expected True or False, got 'no'"):
        load_lexicon(FIXTURES / "sample.dic", warn="no")
