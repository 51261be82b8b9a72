"""The bundled lexicons: framing-cues 1.0.0 (frozen), framing-bias-cues and framing-dimensions (issue 11)."""

from __future__ import annotations

import hashlib
import re
import warnings

import pytest

from framing.lexicon import bundled_lexicons, check_lexicon, load_lexicon
from framing.lexicon.files import bundled_lexicon_bytes
from framing.match import Matcher

from ..paths import REPO

BUNDLED = REPO / "framing" / "lexicon" / "bundled"
NEW = ("framing-bias-cues", "framing-dimensions")
INDEX_CATEGORIES = ("loaded_language", "discrediting", "insinuation", "doubt_attribution", "intensifiers",
                    "partisan_labels")
DIMENSION_CATEGORIES = ("hedging", "escalation", "boosters", "threat")
READD = {"could", "fight", "fights", "threats", "regime"}  # pruned now, re-added with a constraint


def test_bundled_names_include_the_revision():
    assert {"framing-cues", *NEW} <= set(bundled_lexicons())


@pytest.mark.parametrize("name", ("framing-cues", *NEW))
def test_bundled_lexicon_loads_without_warnings(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lexicon = load_lexicon(name)
    assert lexicon.name == name and lexicon.version == "1.0.0" and lexicon.license == "MIT"
    assert lexicon.warnings == ()
    report = check_lexicon(name)
    assert report.n_entries == len(lexicon.entries)
    assert report.glob_overlaps == () and report.shared_terms == ()


@pytest.mark.parametrize("name", ("framing-cues", *NEW))
def test_every_category_is_documented(name):
    lexicon = load_lexicon(name)
    readme = (BUNDLED / "README.md").read_text(encoding="utf-8")
    assert f"`{name}" in readme
    for category in lexicon.categories:
        assert category.definition.strip(), category.name
        assert category.examples and all(e.strip() for e in category.examples), category.name
        assert category.citations and all(c.strip() for c in category.citations), category.name
        assert f"### {category.name}" in readme, category.name


def test_index_and_dimension_categories():
    assert load_lexicon("framing-bias-cues").category_names == INDEX_CATEGORIES
    assert load_lexicon("framing-dimensions").category_names == DIMENSION_CATEGORIES
    assert load_lexicon("framing-bias-cues").nested_scope == "lexicon"


def test_no_entry_in_two_categories_of_the_index():
    seen: dict[str, str] = {}
    for entry in load_lexicon("framing-bias-cues").entries:
        assert seen.setdefault(entry.pattern, entry.category) == entry.category, entry.pattern


def test_index_and_dimensions_share_no_entry():
    index = {e.pattern for e in load_lexicon("framing-bias-cues").entries}
    dims = {e.pattern for e in load_lexicon("framing-dimensions").entries}
    assert not index & dims


def test_framing_cues_is_frozen():
    # framing-cues 1.0.0 stays byte-identical so earlier runs reproduce (its hash is in their run records)
    digest = hashlib.sha256(bundled_lexicon_bytes("framing-cues")).hexdigest()
    assert digest == "cefa23e5c5fe5311215a56a3d73f9ecf7e27c20f15c711421c80a1b37020b3e0"


def count(name: str, text: str) -> dict[str, int]:
    matcher = Matcher(load_lexicon(name))
    return dict(zip(matcher.categories, matcher.count(text)["all"].count.tolist()))


def test_index_counts_a_token_once():
    # "fake news" (discrediting) and "fake" (insinuation): one hit in the index, not two
    counts = count("framing-bias-cues", "They called it fake news.")
    assert sum(counts.values()) == 1 and counts["discrediting"] == 1


@pytest.mark.parametrize("text", [
    "She could not swim.",                      # ability could: no hedge
    "He always takes the train.",               # frequency always: no booster
    "The group works to fight poverty.",        # fight poverty: no escalation
    "Residents were worried about the rain.",   # literal worried: no threat
])
def test_pruned_false_positives_do_not_match(text):
    assert sum(count("framing-dimensions", text).values()) == 0


def test_epistemic_could_is_a_hedge():
    assert count("framing-dimensions", "The deal could be delayed.")["hedging"] == 1


def test_threat_negator_window_reaches_three_tokens():
    assert count("framing-dimensions", "It is not an immediate threat.")["threat"] == 0
    assert count("framing-dimensions", "It is an immediate threat.")["threat"] == 1


@pytest.mark.parametrize("text", ["He was charged under the regime.", "The alleged robbery took place at night.",
                                  "The company admitted two patients."])
def test_pruned_index_entries_do_not_match(text):
    assert sum(count("framing-bias-cues", text).values()) == 0


def test_pending_constraints_are_documented():
    pending = (BUNDLED / "constraints-pending.md").read_text(encoding="utf-8")
    for key in ("followed_by", "not_preceded_by", "exceptions", "scare_quotes"):
        assert key in pending
    # every TOML line in it names an entry of the lexicon it is for
    entries = {name: {e.term for e in load_lexicon(name).entries} for name in NEW}
    found = re.findall(r"^# (framing-[a-z-]+) \S+: (?:replace|constrain)\n\{ term = \"([^\"]+)\"", pending, flags=re.MULTILINE)
    assert found
    for name, term in found:
        assert term in entries[name] or term in READD, (name, term)
