"""Shared fixtures: a tiny lexicon and a tiny corpus with quotes,
negation, phrases, an empty text and a caption."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import settings

# CI runs the property tests with a fixed derandomised seed, so a landing never
# depends on the draw; local runs keep exploring new examples.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, print_blob=True)
    settings.load_profile("ci")

from framing.lexicon.model import Category, Lexicon


@pytest.fixture
def lexicon():
    cats = [Category("insinuation", "delegitimising", negation_window=3), Category("escalation", "conflict")]
    entries = [
        ("façade", "insinuation", 1.0, None),
        ("pretens*", "insinuation", 1.0, None),
        ("sham", "insinuation", 2.0, None),
        ("harsh blow", "escalation", 1.0, None),
        ("ratchet up", "escalation", 1.0, None),
    ]
    return Lexicon.build("tiny", cats, entries)


@pytest.fixture
def corpus():
    return pd.DataFrame(
        {
            "doc_id": ["a1", "a2", "b1", "b2"],
            "outlet": ["A", "A", "B", "B"],
            "text": [
                "They built a façade of unity. A harsh blow followed.",
                "The minister called it \u201ca sham\u201d. It was not a façade.",
                "Officials will ratchet up pressure on the pretense of security.",
                "",
            ],
            "captions": [None, "A sham photo /VCG Photo", None, None],
        }
    )
