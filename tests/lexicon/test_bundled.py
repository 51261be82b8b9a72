"""The bundled lexicons: framing-cues 1.0.0 (frozen), framing-bias-cues and framing-dimensions 1.1.0 (issue 11)."""

from __future__ import annotations

import hashlib
import warnings

import pytest

from framing.lexicon import bundled_lexicons, check_lexicon, load_lexicon
from framing.lexicon.files import bundled_lexicon_bytes
from framing.lexicon.model import SCARE_QUOTE
from framing.match import Matcher

from ..paths import REPO

BUNDLED = REPO / "framing" / "lexicon" / "bundled"
NEW = ("framing-bias-cues", "framing-dimensions")
INDEX_CATEGORIES = ("loaded_language", "discrediting", "insinuation", "doubt_attribution", "intensifiers",
                    "partisan_labels")
DIMENSION_CATEGORIES = ("hedging", "escalation", "boosters", "threat")
VERSIONS = {"framing-cues": "1.0.0", "framing-bias-cues": "1.1.0", "framing-dimensions": "1.1.0"}


def test_bundled_names_include_the_revision():
    assert {"framing-cues", *NEW} <= set(bundled_lexicons())


@pytest.mark.parametrize("name", ("framing-cues", *NEW))
def test_bundled_lexicon_loads_without_warnings(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lexicon = load_lexicon(name)
    assert lexicon.name == name and lexicon.version == VERSIONS[name] and lexicon.license == "MIT"
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


# ------------------------------------------------------------------ context rules (1.1.0)

PAGE_FURNITURE = "media playback is unsupported on your device"
STOP_FIGHT = ("poverty", "hunger", "cancer", "disease", "diseases", "climate", "crime", "corruption", "fire",
              "fires", "wildfire*", "inflation", "for", "to", "off")


def rules(name: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """term -> its non-empty context rules, for the entries of ``name`` that have any."""
    keys = ("followed_by", "not_followed_by", "preceded_by", "not_preceded_by", "exceptions")
    out = {}
    for entry in load_lexicon(name).entries:
        found = {k: getattr(entry, k) for k in keys if getattr(entry, k)}
        if found:
            out[f"{entry.category}:{entry.term}"] = found
    return out


def test_the_context_rules_are_in_the_files():
    assert not (BUNDLED / "constraints-pending.md").exists()
    for name in NEW:
        assert load_lexicon(name).exceptions == (PAGE_FURNITURE, "daily beast", "the daily beast")
    dims = rules("framing-dimensions")
    assert set(dims) == {"hedging:could", "escalation:fight", "escalation:fights", "threat:threat",
                         "threat:threats", "boosters:of course"}
    assert dims["hedging:could"]["followed_by"][:3] == ("be", "have", "potentially")
    assert dims["escalation:fight"] == dims["escalation:fights"] == {"not_followed_by": STOP_FIGHT}
    assert dims["threat:threat"] == {"not_preceded_by": ("death", "bomb", "terror", "credible")}
    index = rules("framing-bias-cues")
    assert set(index) == {"loaded_language:beast", "loaded_language:regime", "discrediting:lying",
                          "discrediting:unsupported", "doubt_attribution:claimed", "intensifiers:worst"}
    assert index["loaded_language:beast"] == {"exceptions": ("daily beast", "beast mode", "beauty and the beast")}
    assert "brutal" in index["loaded_language:regime"]["preceded_by"]
    # adjusted on dev (README revision notes): "the" is no longer a blocking word of worst and claimed
    assert index["intensifiers:worst"] == {"not_preceded_by": ("its", "their", "his", "her")}
    assert "the" not in index["doubt_attribution:claimed"]["not_followed_by"]
    # the phrases that bare could replaces are gone, so no term is listed twice
    hedges = {e.term for e in load_lexicon("framing-dimensions").entries if e.category == "hedging"}
    assert not hedges & {"could be", "could have", "could potentially", "could well", "could soon"}
    scare = {c.name: c.scare_quote_max_words for c in load_lexicon("framing-bias-cues").categories if c.scare_quotes}
    assert scare == {"insinuation": 1}  # one word: adjusted on dev (README revision notes)
    assert not any(c.scare_quotes for c in load_lexicon("framing-dimensions").categories)


def entries_of(name: str, text: str) -> list[tuple[str, str]]:
    found = Matcher(load_lexicon(name)).find(text)
    return [(h.category, h.entry) for h in found]


@pytest.mark.parametrize("name", NEW)
def test_page_furniture_is_no_hit(name):
    assert entries_of(name, "Media playback is unsupported on your device") == []
    # "unsupported" outside the furniture is still a discrediting cue
    if name == "framing-bias-cues":
        assert entries_of(name, "The claim is unsupported.") == [("discrediting", "unsupported")]


@pytest.mark.parametrize("name", NEW)
def test_daily_beast_is_no_beast(name):
    assert entries_of(name, "The Daily Beast reported the story.") == []


def test_beast_outside_the_name_is_loaded_language():
    assert ("loaded_language", "beast") in entries_of("framing-bias-cues", "He called the senator a beast.")


@pytest.mark.parametrize("text, n", [
    ("The deal could be delayed.", 1),
    ("Prices could soon rise.", 1),
    ("The strike could cost millions.", 1),
    ("He could swim.", 0),
    ("If only it could.", 0),
    ("It could not be verified.", 1),   # the longer phrase entry still matches
])
def test_could_hedges_only_before_the_listed_words(text, n):
    assert count("framing-dimensions", text)["hedging"] == n


@pytest.mark.parametrize("text, n", [
    ("The group works to fight poverty.", 0),
    ("They fight for their rights.", 0),
    ("Firefighters fight wildfires in the hills.", 0),
    ("The senators fight bitterly over the bill.", 1),
    ("She fights the ruling in court.", 1),
    ("He vowed to fight back.", 1),
])
def test_fight_is_escalation_unless_a_cause_follows(text, n):
    assert count("framing-dimensions", text)["escalation"] == n


@pytest.mark.parametrize("text, n", [
    ("She received death threats.", 0),
    ("Police investigated a bomb threat.", 0),
    ("The virus is a threat to the economy.", 1),
    ("Threats to democracy are growing.", 1),
])
def test_threat_rules(text, n):
    assert count("framing-dimensions", text)["threat"] == n


def test_of_course_after_change_is_no_booster():
    assert count("framing-dimensions", "The ship made a change of course.")["boosters"] == 0
    assert count("framing-dimensions", "Of course the plan failed.")["boosters"] == 1


@pytest.mark.parametrize("text, hit", [
    ("He was charged with lying to the FBI.", False),
    ("Flynn pleaded guilty to lying to investigators.", False),
    ("The dog was lying on the floor.", False),
    ("The president is lying to the public.", True),
])
def test_lying_exceptions(text, hit):
    assert (("discrediting", "lying") in entries_of("framing-bias-cues", text)) is hit


@pytest.mark.parametrize("text, hit", [
    ("The brutal regime jailed its critics.", True),
    ("The Iranian regime announced new talks.", False),
    ("He was charged under the regime.", False),
])
def test_regime_only_with_an_evaluative_word_before_it(text, hit):
    assert (("loaded_language", "regime") in entries_of("framing-bias-cues", text)) is hit


@pytest.mark.parametrize("text, hit", [
    ("The minister claimed the figures were accurate.", True),   # the category's own example
    ("He claimed that the vote was rigged.", True),
    ("The group claimed responsibility for the attack.", False),
    ("The storm claimed lives across the state.", False),
])
def test_claimed_rules(text, hit):
    assert (("doubt_attribution", "claimed") in entries_of("framing-bias-cues", text)) is hit


@pytest.mark.parametrize("text, hit", [
    ("He is the worst president in American history.", True),   # kept on dev evidence (README)
    ("It was the worst deal ever negotiated.", True),
    ("The region had its worst drought in decades.", False),
    ("Farmers faced their worst harvest.", False),
])
def test_worst_rules(text, hit):
    assert (("intensifiers", "worst") in entries_of("framing-bias-cues", text)) is hit


def test_scare_quotes_are_insinuation():
    text = 'The government rushed their "reform" through parliament.'
    assert entries_of("framing-bias-cues", text) == [("insinuation", SCARE_QUOTE)]
    # only one-word scare quotes count (scare_quote_max_words = 1)
    assert entries_of("framing-bias-cues", 'The government rushed their "health reform" through parliament.') == []
    # an attributed quotation is not a scare quote
    assert entries_of("framing-bias-cues", 'The minister said the plan was "ready".') == []
    assert sum(count("framing-dimensions", 'They praised their "reform" again.').values()) == 0
