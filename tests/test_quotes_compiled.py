"""The compiled quote rules (framing/_cquotes.c) equal the Python
implementation of framing/quotes.py (the reference) on random texts rich
in quote marks, paragraph ends, elisions and characters whose class
(letter/digit, space, decimal digit, case) decides a rule.

Every test here needs the built extension and skips without it, unless
FRAMING_REQUIRE_COMPILED=1 is set (CI), when its absence fails."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from framing import quotes
from tests.paths import REPO

REQUIRE = "FRAMING_REQUIRE_COMPILED"


def _compiled():
    """The extension module, or skip (fail under FRAMING_REQUIRE_COMPILED=1)."""
    try:
        return importlib.import_module("framing._cquotes")
    except ImportError as error:
        message = (f"framing._cquotes is not built ({error}); build it with `python setup.py build_ext --inplace` "
                   "or `pip install -e .` (needs a C compiler)")
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{REQUIRE}=1 but {message}")
        pytest.skip(message)


@pytest.fixture(scope="module")
def cq():
    return _compiled()


def test_compiled_is_active_when_built(cq) -> None:
    assert quotes.COMPILED is True
    assert isinstance(quotes.COMPILED, bool)


def test_missing_extension_skips_or_fails_by_the_environment_variable(monkeypatch) -> None:
    """Without the extension the compiled tests skip, and fail naming the
    variable when FRAMING_REQUIRE_COMPILED=1."""
    real = importlib.import_module

    def no_extension(name, *args):
        if name == "framing._cquotes":
            raise ImportError("No module named 'framing._cquotes'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_extension)
    monkeypatch.delenv(REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="framing._cquotes is not built"):
        _compiled()
    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE}=1 but framing._cquotes is not built"):
        _compiled()


MARKS = ['"', "'", "\u2018", "\u2019", "\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb",
         "`", "\u00b4", "\u201a", "\u201b", "\u2039", "\u203a", "\u2033"]
BREAKS = ["\n", "\r", "\u2028", "\u2029", "\r\n"]
# characters whose class matters: letters/digits (incl. U+00B2, U+0660, non-BMP), spaces (NBSP,
# U+001C-U+001F, U+0085), neither (_), the case-insensitive elision letters (U+0130, U+0131, U+017F)
CLASSES = [" ", "\t", "\u00a0", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u3000", "_", "a", "B", "n", "N",
           "s", "S", "7", "\u00b2", "\u0660", "\u0663", "\u00e9", "\u00df", "\u0130", "\u0131", "\u017f",
           "\u212a", "\U0001d7ce", "\U0001f600", "\U00010400", "\ud800", "\udc00", "\x00"]
CONTEXT = ["(", "[", "{", "<", "-", "\u2010", "\u2014", "\u2015", "\u2212", ".", ",", ":", "!"]
ELISIONS = ["90s", "08", "0S", "\u0660\u0661s", "em", "EM", "eM", "til", "Til", "TIL", "tis", "TIS", "twas",
            "TWAS", "tWaS", "t\u0130l", "t\u0131s", "twa\u017f", "n'", "N\u2019", "n\u2018"]
PIECES = st.sampled_from(MARKS + BREAKS + CLASSES + CONTEXT + ELISIONS)
TEXTS = st.lists(PIECES, max_size=50).map("".join)


def _spans(found: list[tuple[int, int, str, bool]]) -> tuple[quotes.QuoteSpan, ...]:
    return quotes._with_depths(list(found))


def _same(cq, text: str) -> None:
    reference = quotes._found(text)
    assert cq.found(text) == reference
    assert cq.intervals(text) == quotes._merged(list(reference))
    assert quotes.quote_spans(text) == _spans(reference)
    assert quotes.quoted_intervals(text) == quotes._merged(list(reference))


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
@example("rock 'n' roll 'n'")
@example("\u201ca \u201eb\u201c c\u201d d\n\u201ee\u201c")
@example("'Tis \"'twas\" '90s '08s\u2029'em")
@example("x'n' y\n\"a\r\n\"b")
@example("a'\u00b2 \u2018x a'\u0660 y\u2019 '\u00b2\u00b2s")
@example("\"\u00a0x\" \"\x1cy\" '\x85z' \u2018_a\u2019")
@example("'\U0001d7ce\U0001d7cfs' \u2018\U0001f600\u2019 \U00010400'\U00010400")
@example("'T\u0130L' 't\u0131s' 'twa\u017f' 'tw\u0430s'")
def test_compiled_equals_python_on_random_texts(cq, text: str) -> None:
    _same(cq, text)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from(MARKS + CLASSES + CONTEXT) | st.characters(), max_size=80))
def test_compiled_equals_python_on_any_characters(cq, text: str) -> None:
    _same(cq, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS | st.text(max_size=20), max_size=6))
@example(["", "a'b", "x'n' y \"z", "\U0001F600 \"smile\" 'x'", "\u2028\"a\u2029b\""])
def test_compiled_many_equals_python_many(cq, texts: list[str]) -> None:
    assert quotes.quoted_intervals_many(texts) == quotes._intervals_many(texts)


def _probe(char: str) -> str:
    """One paragraph in which the class of ``char`` decides spans: a
    letter/digit after an apostrophe (rule 1), a space after an opener
    (rule 5) and before a straight double (rule 4), a decimal digit in
    an elision (each of its characters: decimal digits, the letters of
    ``(?i:em|til|tis|twas)``, ``n``), and as the character a closer
    follows."""
    elisions = (f"1{char}", f"{char}1", f"{char}m", f"e{char}", f"{char}il", f"t{char}s", f"ti{char}", f"tw{char}s",
                f"twa{char}", f"{char}'", f"n{char}", f"12{char}")
    return (f"\u2018x a'{char} y\u2019 \u2018{char}x\u2019 '{char}{char}s {char}\"{char}\" \u201c{char}'b{char}\u2019 z "
            + " ".join(f"'{tail} x'" for tail in elisions) + "\n")


@pytest.mark.parametrize("low, high, step", [(0, 0x10000, 1), (0x10000, 0x110000, 61)])
def test_compiled_equals_python_for_every_character_class(cq, low: int, high: int, step: int) -> None:
    """Every BMP code point (and a sample of the others, with every
    non-BMP decimal digit) in contexts where its class decides a rule."""
    points = list(range(low, high, step))
    if low >= 0x10000:
        points += [c for c in range(low, high) if chr(c).isdecimal() or chr(c).isspace()]
    for at in range(0, len(points), 4096):
        text = "".join(_probe(chr(c)) for c in points[at : at + 4096])
        assert cq.found(text) == quotes._found(text)
        assert cq.intervals(text) == quotes._merged(quotes._found(text))


def test_compiled_handles_deep_nesting_and_long_texts(cq) -> None:
    for text in ["\u201c" * 5000 + "\u201d" * 5000, "'a " * 5000 + '"' * 5000, '"' * 10001, "\u201ea\u201c" * 3000,
                 "\u2018" * 3000 + "x" + "\u2019" * 3000, ("\u201ca \u2018b " * 200 + "\n") * 50]:
        _same(cq, text)


@pytest.mark.parametrize("func", ["found", "intervals"])
def test_compiled_functions_reject_non_str(cq, func: str) -> None:
    with pytest.raises(TypeError, match="text: expected a string, got bytes"):
        getattr(cq, func)(b"abc")
    with pytest.raises(TypeError, match="text: expected a string, got NoneType"):
        getattr(cq, func)(None)


def test_compiled_kinds_are_the_module_strings(cq) -> None:
    found = cq.found("\u201ca \u2018b\u2019\u201d")
    assert found == [(3, 6, "single", True), (0, 7, "double", True)]


def test_without_the_extension_the_python_implementation_runs() -> None:
    """Where framing._cquotes cannot be imported (not built), framing.quotes
    imports, says COMPILED is False and gives the same results."""
    code = """
import importlib.abc, json, sys

class NoExtension(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "framing._cquotes":
            raise ImportError("blocked")
        return None

sys.meta_path.insert(0, NoExtension())
from framing import quotes
from tests.paths import REPO
text = "He said \\u201cno \\u2018way\\u2019\\u201d 'em, then\\n\\"more"
print(json.dumps([quotes.COMPILED, quotes.quoted_intervals(text), quotes.quoted_intervals_many([text, ""]),
                  [[s.start, s.end, s.kind, s.depth, s.closed] for s in quotes.quote_spans(text)]]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    compiled, intervals, many, spans = json.loads(done.stdout)
    text = "He said \u201cno \u2018way\u2019\u201d 'em, then\n\"more"
    assert compiled is False
    assert intervals == [list(pair) for pair in quotes.quoted_intervals(text)]
    assert many == [intervals, []]
    assert spans == [[s.start, s.end, s.kind, s.depth, s.closed] for s in quotes.quote_spans(text)]
    assert spans == [[8, 18, "double", 0, True], [12, 17, "single", 1, True], [29, 34, "double", 0, False]]


def test_the_manifest_records_the_implementation_but_the_run_hash_does_not(monkeypatch) -> None:
    from framing.experiment import runner
    from framing.experiment.config import load_config

    config = load_config(REPO / "experiments" / "demo.toml")
    assert runner._environment(config)["quotes"] == ("compiled" if quotes.COMPILED else "python")
    hashes = set()
    for compiled, name in ((True, "compiled"), (False, "python")):
        monkeypatch.setattr(runner, "QUOTES_COMPILED", compiled)
        assert runner._environment(config)["quotes"] == name
        hashes.add(runner.plan_run(config, runs_dir=REPO / "runs").run_hash)
    assert len(hashes) == 1
