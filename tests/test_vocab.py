"""framing.vocab: designs and their tests decided in one place."""

from __future__ import annotations

import pytest

from framing import vocab


def test_design_of():
    assert vocab.design_of() == "independent"
    assert vocab.design_of(strata="story_id") == "strata"
    assert vocab.design_of(pair_on="story_id") == "paired"
    assert vocab.design_of(cluster="outlet", strata=None) == "cluster"
    with pytest.raises(ValueError, match=r"strata and cluster cannot be combined"):
        vocab.design_of(strata="a", cluster="b")


def test_default_methods_are_allowed_for_their_design():
    for design in vocab.DESIGNS:
        assert set(vocab.default_methods(design)) <= set(vocab.allowed_methods(design))
    assert vocab.default_methods("strata") == ("permutation",)
    assert vocab.default_methods("paired") == ("sign_flip", "wilcoxon")
    assert vocab.default_omnibus_methods("strata") == ("permutation",)
    with pytest.raises(ValueError, match=r"design: unknown value 'x'"):
        vocab.default_methods("x")
    with pytest.raises(ValueError, match=r"design: unknown value 'x'"):
        vocab.allowed_methods("x")


def test_defaults_are_in_their_vocabularies():
    d = vocab.DEFAULTS
    assert d["voice"] in vocab.VOICES and d["part"] in vocab.PARTS and d["normalize"] in vocab.NORMALIZATIONS
    assert d["effect"] in vocab.EFFECTS and d["correction"] in vocab.CORRECTIONS
    assert d["keyness_method"] in vocab.KEYNESS_METHODS and d["keyness_comparison"] in vocab.KEYNESS_COMPARISONS
    assert d["model"] in vocab.MODEL_KINDS and d["cv"] in vocab.CV_SCHEMES
    with pytest.raises(TypeError):
        d["voice"] = "all"  # read-only
