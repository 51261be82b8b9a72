"""framing.check: one message form, TypeError for kinds, ValueError for values."""

from __future__ import annotations

import numpy as np
import pytest

from framing.check import (
    check_bool,
    check_choice,
    check_choices,
    check_confidence,
    check_int,
    check_number,
    check_random_state,
    check_str,
    describe,
)


def test_choice():
    assert check_choice("voice", "outlet", ("all", "outlet")) == "outlet"
    with pytest.raises(ValueError, match=r"voice: expected one of 'all', 'outlet', got 'al'"):
        check_choice("voice", "al", ("all", "outlet"))
    with pytest.raises(ValueError, match=r"x: expected one of 'a', got \['a'\]"):
        check_choice("x", ["a"], {"a": 1})


def test_choices():
    assert check_choices("methods", ["welch", "permutation", "welch"], ("permutation", "welch")) == ["welch", "permutation"]
    assert check_choices("methods", "welch", ("welch",)) == ["welch"]
    with pytest.raises(ValueError, match=r"methods: expected at least one of 'welch', got an empty list"):
        check_choices("methods", [], ("welch",))
    with pytest.raises(TypeError, match=r"methods: expected a name or a list of names from 'welch', got 3"):
        check_choices("methods", 3, ("welch",))
    with pytest.raises(ValueError, match=r"methods: expected one of 'welch', got 'ttest'"):
        check_choices("methods", ["ttest"], ("welch",))


def test_int():
    assert check_int("n", np.int32(4), low=1) == 4 and type(check_int("n", np.int32(4))) is int
    with pytest.raises(TypeError, match=r"n_resamples: expected an integer >= 99, got True"):
        check_int("n_resamples", True, low=99)
    with pytest.raises(TypeError, match=r"n: expected an integer in \[1, 3\], got 2.0"):
        check_int("n", 2.0, low=1, high=3)
    with pytest.raises(ValueError, match=r"n: expected an integer <= 3, got 4"):
        check_int("n", 4, high=3)


def test_number():
    assert check_number("x", 1, low=0) == 1.0
    with pytest.raises(ValueError, match=r"alpha: expected a finite number > 0, got 0"):
        check_number("alpha", 0, low=0, low_open=True)
    with pytest.raises(ValueError, match=r"x: expected a finite number, got nan"):
        check_number("x", float("nan"))
    with pytest.raises(TypeError, match=r"x: expected a finite number < 1, got '0.5'"):
        check_number("x", "0.5", high=1, high_open=True)
    with pytest.raises(TypeError, match=r"x: expected a finite number, got False"):
        check_number("x", False)


def test_confidence_and_seed():
    assert check_confidence(0.9) == 0.9
    with pytest.raises(ValueError, match=r"confidence: expected a finite number in \(0, 1\), got 1"):
        check_confidence(1)
    assert check_random_state(None) is None and check_random_state(np.uint8(3)) == 3
    with pytest.raises(ValueError, match=r"random_state: expected an integer >= 0, got -1"):
        check_random_state(-1)
    with pytest.raises(TypeError, match=r"seed: expected an integer >= 0, got 'a'"):
        check_random_state("a", "seed")


def test_str_bool_describe():
    assert check_str("name", "") == "" if False else check_str("name", "x") == "x"
    assert check_str("name", "", empty=True) == ""
    with pytest.raises(ValueError, match=r"name: expected a non-empty string, got ''"):
        check_str("name", "")
    with pytest.raises(TypeError, match=r"name: expected a string, got 3"):
        check_str("name", 3)
    assert check_bool("flag", np.bool_(True)) is True
    with pytest.raises(TypeError, match=r"flag: expected True or False, got 1"):
        check_bool("flag", 1)
    assert describe("x" * 100).endswith("...") and len(describe("x" * 100)) == 80
