"""Bad lexicon files: every case fails with a message naming the file and
the line (or is read with a named warning), through the library and
through ``framing lexicon check`` (exit 1, no traceback)."""

from __future__ import annotations

import re
import time
import warnings
from pathlib import Path

import pytest

from framing.cli.app import main
from framing.lexicon.files import LexiconWarning, read_lexicon
from framing.lexicon.model import Category, Lexicon, LexiconError, parse_term

HEAD = 'name = "t"\nversion = "1"\ndescription = "d"\n'


def toml(entries: str = '"sham", "façade"', *, head: str = HEAD, category: str = "") -> str:
    return f'{head}\n[[categories]]\nname = "a"\ndefinition = "x"\n{category}entries = [{entries}]\n'


TWO_CATS = HEAD + '\n[[categories]]\nname = "a"\ndefinition = "x"\nentries = ["sham"]\n' \
                  '\n[[categories]]\nname = "a"\ndefinition = "y"\nentries = ["ruse"]\n'
DIC_HEAD = "%\n1\tposemo\n2\tnegemo\n%\n"

# (id, file name, content, read_lexicon options, regex the message must match; {f} is the file path)
ERRORS = [
    # --- TOML: syntax, keys, types
    ("toml-syntax", "x.toml", 'name = "t\n', {}, r"{f}, line 1: TOML syntax error"),
    ("toml-syntax-later-line", "x.toml", toml() + "entries = [\n", {}, r"{f}, line 10: TOML syntax error"),  # tomllib: at the end
    ("toml-missing-name", "x.toml", toml(head='version = "1"\ndescription = "d"\n'), {},
     r"{f}: missing required key 'name'"),
    ("toml-missing-version", "x.toml", toml(head='name = "t"\ndescription = "d"\n'), {},
     r"{f}: missing required key 'version'"),
    ("toml-empty-description", "x.toml", toml(head='name = "t"\nversion = "1"\ndescription = " "\n'), {},
     r"{f}, line 3: description must be a non-empty string"),
    ("toml-name-not-string", "x.toml", toml(head='name = 3\nversion = "1"\ndescription = "d"\n'), {},
     r"{f}, line 1: name must be a non-empty string, got 3 \(int\)"),
    ("toml-unknown-top-key", "x.toml", toml(head=HEAD + 'nme = "t"\n'), {},
     r"{f}, line 4: unknown key 'nme'; allowed keys here: name, version"),
    ("toml-unknown-category-key", "x.toml", toml(category="negaton_window = 3\n"), {},
     r"{f}, line 8: unknown key 'categories\[0\]\.negaton_window'"),
    ("toml-negative-window", "x.toml", toml(category="negation_window = -1\n"), {},
     r"{f}, line 8: categories\[0\]\.negation_window must be an integer >= 0, got -1"),
    ("toml-string-window", "x.toml", toml(category='negation_window = "3"\n'), {},
     r"{f}, line 8: categories\[0\]\.negation_window must be an integer >= 0, got '3' \(str\)"),
    ("toml-examples-not-strings", "x.toml", toml(category="examples = [1]\n"), {},
     r"{f}, line 8: categories\[0\]\.examples must be a list of non-empty strings"),
    ("toml-no-categories", "x.toml", HEAD, {}, r"{f}: categories must be a non-empty array of tables"),
    ("toml-empty-entries", "x.toml", toml(""), {}, r"{f}, line 8: categories\[0\]\.entries must be a non-empty list"),
    ("toml-entry-number", "x.toml", toml("1"), {},
     r"{f}, line 8: categories\[0\]\.entries\[0\] must be a string or a table"),
    ("toml-entry-unknown-key", "x.toml", toml('{ term = "sham", wieght = 2 }'), {},
     r"{f}, line 8: unknown key 'categories\[0\]\.entries\[0\]\.wieght'; allowed keys here: term, weight"),
    ("toml-entry-no-term", "x.toml", toml("{ weight = 2 }"), {},
     r"{f}, line 8: categories\[0\]\.entries\[0\]\.term must be a string \(required\)"),
    ("toml-weight-string", "x.toml", toml('{ term = "sham", weight = "high" }'), {},
     r"{f}, line 8: categories\[0\]\.entries\[0\]\.weight must be a finite number, got 'high'"),
    ("toml-weight-nan", "x.toml", toml('{ term = "sham", weight = nan }'), {},
     r"{f}, line 8: .*weight must be a finite number, got nan"),
    ("toml-weight-inf", "x.toml", toml('{ term = "sham", weight = -inf }'), {},
     r"{f}, line 8: .*weight must be a finite number, got -inf"),
    ("toml-weight-bool", "x.toml", toml('{ term = "sham", weight = true }'), {},
     r"{f}, line 8: .*weight must be a finite number, got True"),
    ("toml-bad-scope", "x.toml", toml(head=HEAD + 'nested_scope = "key"\n'), {},
     r"{f}, line 4: nested_scope must be one of category, lexicon, got 'key'"),
    ("toml-negator-phrase", "x.toml", toml(head=HEAD + 'negators = ["not at all"]\n'), {},
     r"{f}: negator 'not at all' must be a single word"),
    ("toml-category-twice", "x.toml", TWO_CATS, {}, r"{f}, line 11: category 'a' is defined twice"),
    # --- TOML: duplicates under each on_duplicate
    ("toml-duplicate-error", "x.toml", toml('"sham", "Sham"'), {"on_duplicate": "error"},
     r"{f}, line 8: entry 'Sham' in category 'a' duplicates 'sham' at line 8"),
    ("toml-conflict-error", "x.toml", toml('"sham", { term = "sham", weight = 2 }'), {"on_duplicate": "error"},
     r"{f}, line 8: entry 'sham' in category 'a' conflicts with 'sham' at line 8: weights 1.0 and 2.0"),
    ("toml-conflict-warn", "x.toml", toml('"sham", { term = "sham", weight = 2 }'), {"on_duplicate": "warn"},
     r"{f}, line 8: entry 'sham' in category 'a' conflicts with 'sham'"),
    # --- terms and globs
    ("glob-leading-star", "x.toml", toml('"*ism"'), {}, r"{f}, line 8: term '\*ism': '\*' is allowed only at the end"),
    ("glob-inner-star", "x.toml", toml('"pre*tend"'), {}, r"{f}, line 8: term 'pre\*tend': '\*' is allowed only"),
    ("glob-star-alone", "x.toml", toml('"*"'), {}, r"{f}, line 8: term '\*': '\*' is allowed only"),
    ("glob-question-mark", "x.toml", toml('"?box"'), {}, r"{f}, line 8: term '\?box': '\?' is not a wildcard "
                                                          r"\(only '\*' at the end of a word is"),
    ("term-sentence-break", "x.toml", toml('"U.S. policy"'), {}, r"{f}, line 8: .*sentence-ending punctuation"),
    ("term-empty", "x.toml", toml('""'), {}, r"{f}, line 8: term '' contains no word"),
    ("term-only-emoji", "x.toml", toml('"🍕"'), {}, r"{f}, line 8: term '🍕' contains no word"),
    # --- encodings
    ("not-utf8-no-fallback", "x.toml", toml().encode("utf-8") + b'\n# caf\xe9\n', {"fallback_encoding": None},
     r"{f}, line 10: not valid utf-8-sig \(byte 0xe9\); pass encoding= or fallback_encoding="),
    ("unknown-encoding", "x.toml", toml(), {"encoding": "utf-9"}, r"^encoding: unknown text encoding 'utf-9'"),
    # --- CSV / TSV
    ("csv-unknown-header", "x.csv", "term,category,wieght\nsham,a,1\n", {},
     r"{f}, line 1: header row \['term', 'category', 'wieght'\]"),
    ("csv-header-no-category", "x.csv", "term,weight\nsham,1\n", {}, r"{f}, line 1: header row"),
    ("csv-too-many-cells", "x.csv", "sham,a,1,extra\n", {},
     r"{f}, line 1: expected 'term,category\[,weight\]', got 4 cell\(s\)"),
    ("csv-one-cell", "x.csv", "sham,a\nruse\n", {}, r"{f}, line 2: expected .*got 1 cell\(s\): \['ruse'\]"),
    ("csv-empty-category", "x.csv", "sham,a\nruse,\n", {}, r"{f}, line 2: empty category in \['ruse', ''\]"),
    ("csv-empty-term", "x.csv", ",a\n", {}, r"{f}, line 1: empty term"),
    ("csv-bad-weight", "x.csv", "sham,a,high\n", {}, r"{f}, line 1: weight of 'sham' must be a finite number, got 'high'"),
    ("csv-inf-weight", "x.csv", "sham,a,inf\n", {}, r"{f}, line 1: weight of 'sham' must be a finite number, got 'inf'"),
    ("csv-unclosed-quote", "x.csv", 'sham,a\n"ruse,a\n', {}, r"{f}, line 2: malformed CSV"),
    ("csv-header-only", "x.csv", "term,category,weight\n", {}, r"{f}: no entries \(expected rows term,category"),
    ("csv-empty-file", "x.csv", "", {}, r"{f}: no entries"),
    ("csv-question-mark", "x.csv", "sham,a\n?box,a\n", {}, r"{f}, line 2: invalid term: term '\?box': '\?' is not a "
                                                           r"wildcard"),
    ("csv-bad-glob", "x.csv", "sham,a\n*ism,a\n", {}, r"{f}, line 2: invalid term: .*'\*' is allowed only"),
    ("csv-duplicate-error", "x.csv", "sham,a\nSHAM,a\n", {"on_duplicate": "error"},
     r"{f}, line 2: entry 'SHAM' in category 'a' duplicates 'sham' at line 1"),
    ("csv-conflict-warn", "x.csv", "sham,a,1\nsham,a,2\n", {"on_duplicate": "warn"},
     r"{f}, line 2: entry 'sham' in category 'a' conflicts with 'sham' at line 1: weights 1.0 and 2.0"),
    ("tsv-with-commas", "x.tsv", "sham,a\n", {}, r"{f}, line 1: expected 'term\\tcategory\[\\tweight\]', got 1 cell"),
    # --- LIWC .dic
    ("dic-empty", "x.dic", "", {}, r"{f}: a LIWC \.dic file must start with a '%' line .*got an empty file"),
    ("dic-no-percent", "x.dic", "1\tposemo\n", {}, r"{f}, line 1: a LIWC \.dic file must start with a '%' line"),
    ("dic-header-open", "x.dic", "%\n1\tposemo\n", {}, r"{f}, line 1: the category header opened here is never closed"),
    ("dic-id-without-name", "x.dic", "%\n1\n%\ngood\t1\n", {}, r"{f}, line 2: category id 1 has no name"),
    ("dic-id-twice", "x.dic", "%\n1\tposemo\n01\tother\n%\ngood\t1\n", {},
     r"{f}, line 3: category id 01 is defined twice \(first at line 2\)"),
    ("dic-no-category", "x.dic", "%\n%\ngood\t1\n", {}, r"{f}, line 1: the category header defines no category"),
    ("dic-no-entries", "x.dic", DIC_HEAD, {}, r"{f}, line 4: no entries after the category header"),
    ("dic-undefined-id", "x.dic", DIC_HEAD + "good\t1\nbad\t7\n", {},
     r"{f}, line 6: entry 'bad' uses category id 7, which the header does not define"),
    ("dic-no-id", "x.dic", DIC_HEAD + "good\t1\nbad\n", {}, r"{f}, line 6: entry 'bad' has no category id"),
    ("dic-bad-code", "x.dic", DIC_HEAD + "good\t1 x2\n", {}, r"{f}, line 5: entry 'good': cannot read 'x2' as a category"),
    ("dic-third-percent", "x.dic", DIC_HEAD + "good\t1\n%\n", {}, r"{f}, line 6: unexpected third '%' line"),
    ("dic-conditional-error", "x.dic", DIC_HEAD + "like\t(1 2)1/2\n", {"conditional": "error"},
     r"{f}, line 5: entry 'like' has LIWC conditional codes .*cannot be represented"),
    ("dic-question-mark", "x.dic", DIC_HEAD + "good\t1\n?box\t2\n", {},
     r"{f}, line 6: invalid term: term '\?box': '\?' is not a wildcard"),
    # --- the file itself
    ("unknown-suffix", "x.txt", "sham,a\n", {}, r"{f}: cannot tell the lexicon format from the suffix '\.txt'"),
]


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("name, content, options, pattern", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_bad_lexicon_file_names_file_and_line(tmp_path, name, content, options, pattern):
    path = _write(tmp_path, name, content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LexiconWarning)
        with pytest.raises(ValueError, match=pattern.replace("{f}", re.escape(str(path)))):
            read_lexicon(path, **options)


CLI_CASES = [c for c in ERRORS if c[0] in {"toml-syntax", "toml-unknown-category-key", "toml-weight-string",
                                           "glob-question-mark", "csv-bad-weight", "dic-undefined-id",
                                           "not-utf8-no-fallback", "unknown-suffix"} and not c[3]]


@pytest.mark.parametrize("name, content, options, pattern", [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
def test_bad_lexicon_file_through_the_cli_is_one_error_line(tmp_path, capsys, name, content, options, pattern):
    path = _write(tmp_path, name, content)
    assert main(["lexicon", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("framing lexicon: error: ")
    assert re.search(pattern.replace("{f}", re.escape(str(path))), err)


# (id, file name, content, options, regex of the warning message)
WARNED = [
    ("toml-duplicate-warn", "x.toml", toml('"sham", "Sham"'), {"on_duplicate": "warn"},
     r"{f}, line 8: entry 'Sham' in category 'a' duplicates 'sham' at line 8 \(kept once\)"),
    ("csv-duplicate-warn", "x.csv", "sham,a\nsham,a\n", {"on_duplicate": "warn"},
     r"{f}, line 2: entry 'sham' in category 'a' duplicates 'sham' at line 1 \(kept once\)"),
    ("dic-repeated-word", "x.dic", DIC_HEAD + "good\t1\ngood\t2\n", {"on_duplicate": "error"},
     r"{f}, line 6: word 'good' repeats line 5; merged \(1 new category\)"),
    ("not-utf8-fallback", "x.csv", b"sham,a\ncaf\xe9,a\n", {}, r"{f}, line 2: not valid utf-8-sig; the file was "
                                                                r"decoded as latin-1"),
    ("csv-bad-row-skipped", "x.csv", "sham,a\nruse,a,high\n", {"on_error": "warn"},
     r"{f}, line 2: weight of 'ruse' must be a finite number, got 'high'; row skipped"),
    ("dic-undefined-id-skipped", "x.dic", DIC_HEAD + "good\t1\nbad\t7\n", {"on_error": "warn"},
     r"{f}, line 6: entry 'bad' uses category id 7, .*; skipped"),
    ("dic-conditional-skipped", "x.dic", DIC_HEAD + "like\t(1 2)1/2 1\n", {},
     r"{f}, line 5: entry 'like' has LIWC conditional codes .*dropped, kept plain ids 1"),
    ("toml-plus-dropped", "x.toml", toml('"c++", "sham"'), {},
     r"{f}, line 8: entry 'c\+\+' in category 'a' is read as 'c': '\+' is not part of any word and ignored"),
    ("toml-emoji-dropped", "x.toml", toml('"sham", "pizza 🍕"'), {},
     r"{f}, line 8: entry 'pizza 🍕' in category 'a' is read as 'pizza': '🍕' is not part of any word"),
    ("csv-symbols-dropped", "x.csv", "sham,a\n#AT&T,a\n", {},
     r"{f}, line 2: entry '#AT&T' in category 'a' is read as 'at t': '#', '&' are not part of any word"),
    ("dic-plus-dropped", "x.dic", DIC_HEAD + "good\t1\nc++\t2\n", {},
     r"{f}, line 6: entry 'c\+\+' in category 'negemo' is read as 'c': '\+' is not part of any word"),
]


@pytest.mark.parametrize("name, content, options, pattern", [c[1:] for c in WARNED], ids=[c[0] for c in WARNED])
def test_repairable_lexicon_file_is_read_with_a_named_warning(tmp_path, name, content, options, pattern):
    path = _write(tmp_path, name, content)
    regex = pattern.replace("{f}", re.escape(str(path)))
    with pytest.warns(LexiconWarning) as caught:
        lexicon = read_lexicon(path, **options)
    assert any(re.search(regex, message) for message in lexicon.warnings), lexicon.warnings
    assert len(caught) == 1 and str(path) in str(caught[0].message)


@pytest.mark.parametrize("prefix, encoding", [(b"\xef\xbb\xbf", "utf-8"), (b"", "utf-16")], ids=["utf8-bom", "utf16-bom"])
def test_a_byte_order_mark_is_honoured(tmp_path, prefix, encoding):
    text = toml('"façade", "sham"')
    data = prefix + text.encode(encoding)  # Python's utf-16 codec writes its own BOM
    path = _write(tmp_path, "bom.toml", data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lexicon = read_lexicon(path)
    assert [e.pattern for e in lexicon.entries] == [("facade",), ("sham",)]
    assert lexicon.entries[1].line == 8


def test_a_folder_or_a_missing_file_is_named(tmp_path):
    folder = tmp_path / "lex.toml"
    folder.mkdir()
    with pytest.raises(LexiconError, match=re.escape(f"{folder}: is a folder, not a lexicon file")):
        read_lexicon(folder)
    with pytest.raises(LexiconError, match=re.escape(f"{tmp_path / 'none.csv'}: no such lexicon file")):
        read_lexicon(tmp_path / "none.csv")


def test_dropped_characters_are_reported_by_lexicon_build_and_parse_term():
    assert parse_term("c++") == (("c",), "+")
    assert parse_term("so-called / e\u2019s, x; y: z") == (("so", "called", "e's", "x", "y", "z"), "")
    assert parse_term("cafe\u0301")[1] == ""  # a combining accent belongs to its letter
    lexicon = Lexicon.build("t", [Category("a")], [("c++", "a", 1.0, 4)], source="mem")
    assert lexicon.warnings == ("mem, line 4: entry 'c++' in category 'a' is read as 'c': '+' is not part of any "
                                "word and ignored in matching (words are letters and digits; the text tokenizer drops "
                                "such characters too)",)
    with pytest.raises(LexiconError, match=r"^mem, line 2: term '\?box': '\?' is not a wildcard"):
        Lexicon.build("t", [Category("a")], [("?box", "a", 1.0, 2)], source="mem")


# ------------------------------------------------------------------ size


def _big_toml(path: Path, n: int) -> Path:
    half = n // 2
    parts = [HEAD]
    for c in range(2):
        parts.append(f'\n[[categories]]\nname = "c{c}"\ndefinition = "d"\nentries = [\n')
        parts.append("".join(f'  "w{i:06d}x{c}",\n' if i % 7 else f'  {{ term = "w{i:06d}x{c}", weight = 2 }},\n'
                             for i in range(half)))
        parts.append("]\n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _timed(path: Path, **options) -> tuple[float, Lexicon]:
    started = time.perf_counter()
    lexicon = read_lexicon(path, **options)
    return time.perf_counter() - started, lexicon


def test_reading_a_large_toml_lexicon_is_linear(tmp_path):
    small, _ = _timed(_big_toml(tmp_path / "small.toml", 5_000))
    seconds, lexicon = _timed(_big_toml(tmp_path / "big.toml", 20_000))
    assert len(lexicon.entries) == 20_000
    assert lexicon.entries[-1].line == 20_014  # every entry still has its own line
    assert lexicon.entries[7].weight == 2.0 and lexicon.entries[7].line == 9 + 7
    # quadratic reading took about 2 s for 8,000 entries, so 20,000 would take > 10 s and 4x the entries 16x the time
    assert seconds < 10
    assert seconds < 8 * small + 0.5


@pytest.mark.parametrize("suffix", ["csv", "tsv", "dic"])
def test_reading_a_large_csv_tsv_or_dic_lexicon_is_fast(tmp_path, suffix):
    n = 20_000
    path = tmp_path / f"big.{suffix}"
    if suffix == "dic":
        path.write_text("%\n1\tc0\n2\tc1\n%\n" + "".join(f"w{i:06d}\t{1 + i % 2}\n" for i in range(n)), encoding="utf-8")
    else:
        sep = "," if suffix == "csv" else "\t"
        path.write_text("".join(f"w{i:06d}{sep}c{i % 2}\n" for i in range(n)), encoding="utf-8")
    seconds, lexicon = _timed(path)
    assert len(lexicon.entries) == n
    assert seconds < 10
