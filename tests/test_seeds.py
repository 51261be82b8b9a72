"""framing.seeds: one scheme, one spelling per name, no hash-seed dependence."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from framing.seeds import derive_seed, rng, seed_sequence


def test_a_name_has_one_spelling():
    assert derive_seed(1, "comparisons", "x") == derive_seed(1, "comparisons.x")
    assert derive_seed(1, "a", "b", "c") == derive_seed(1, "a.b", "c") == derive_seed(1, "a.b.c")


def test_value_is_the_documented_construction():
    key = int.from_bytes(hashlib.sha256(b"comparisons.x").digest(), "big")
    expected = int(np.random.SeedSequence(7, spawn_key=(key,)).generate_state(1, np.uint32)[0])
    assert derive_seed(7, "comparisons", "x") == expected
    assert 0 <= expected < 2**32


def test_rng_without_names_is_default_rng_of_the_root():
    assert rng(3).random() == np.random.default_rng(3).random()
    assert rng(np.int64(3)).random() == np.random.default_rng(3).random()


def test_named_streams_differ_and_repeat():
    a = rng(5, "test", "permutation", "A", "B").random(4)
    b = rng(5, "test", "permutation", "A", "C").random(4)
    assert not np.array_equal(a, b)
    assert np.array_equal(a, rng(5, "test.permutation.A.B").random(4))
    assert np.array_equal(seed_sequence(5, "x").generate_state(2), seed_sequence(5, "x").generate_state(2))


def test_none_is_fresh_entropy():
    assert isinstance(rng(None, "x"), np.random.Generator)


def test_errors():
    with pytest.raises(ValueError, match=r"root: expected an integer >= 0, got -1"):
        derive_seed(-1, "x")
    with pytest.raises(TypeError, match=r"root: expected an integer >= 0, got 1.5"):
        derive_seed(1.5, "x")
    with pytest.raises(TypeError, match=r"root: expected an integer >= 0, got None"):
        derive_seed(None, "x")
    with pytest.raises(TypeError, match=r"names: expected strings, got int"):
        derive_seed(0, 1)
    with pytest.raises(TypeError, match=r"names: expected strings, got int"):
        rng(None, 1)
    with pytest.raises(ValueError, match=r"random_state: expected an integer >= 0, got -2"):
        rng(-2)


def test_independent_of_pythonhashseed():
    code = "from framing.seeds import derive_seed; print(derive_seed(11, 'keyness', 'words'))"
    out = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("0", "1", "2")}
    assert out == {f"{derive_seed(11, 'keyness.words')}\n"}
