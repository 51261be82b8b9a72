"""The fast scorer and the located path agree exactly with a naive
reference implementation of the documented semantics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.lexicon.model import Category, Lexicon
from framing.match.matcher import VOICES, Matcher
from framing.text import fold_char

# ---------------------------------------------------------------- reference


def ref_fold(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    src: list[int] = []
    for i, c in enumerate(text):
        f = fold_char(c)
        chars.append(f)
        src.extend([i] * len(f))
    return "".join(chars), src


def ref_tokens(text: str):
    """[(norm, sentence, orig_start, orig_end)] by a character loop."""
    folded, src = ref_fold(text)
    out = []
    sentence, pending_break = 0, False
    i, n = 0, len(folded)
    while i < n:
        c = folded[i]
        if c.isalnum():
            j = i + 1
            while j < n:
                if folded[j].isalnum():
                    j += 1
                elif folded[j] in ".'" and j + 1 < n and folded[j + 1].isalnum():
                    j += 2
                else:
                    break
            if pending_break and out:
                sentence += 1
            pending_break = False
            out.append((folded[i:j], sentence, src[i], src[j - 1] + 1))
            i = j
        else:
            if c in ".!?":
                pending_break = True
            i += 1
    return out


def word_ok(word: str, token: str) -> bool:
    if word.endswith("*"):
        return token.startswith(word[:-1])
    return token == word or token == word + "'s"


def rank(entry):
    return (sum(w.endswith("*") for w in entry.pattern), -sum(len(w) for w in entry.pattern), entry.term)


def ref_hits(text: str, lexicon: Lexicon):
    toks = ref_tokens(text)
    cands = []
    for e_index, entry in enumerate(lexicon.entries):
        size = len(entry.pattern)
        for i in range(len(toks) - size + 1):
            window = toks[i : i + size]
            if len({t[1] for t in window}) != 1:
                continue
            if all(word_ok(w, t[0]) for w, t in zip(entry.pattern, window)):
                cands.append((i, i + size - 1, size, e_index))
    entries = lexicon.entries
    cats = list(lexicon.category_names)
    kept = []
    if lexicon.nested_scope == "category":
        for cat in cats:
            mine = sorted(
                (c for c in cands if entries[c[3]].category == cat),
                key=lambda c: (c[0], -c[2], rank(entries[c[3]])),
            )
            last = -1
            for c in mine:
                if c[0] > last:
                    kept.append(c)
                    last = c[1]
    else:
        last = -1
        for start in sorted({c[0] for c in cands}):
            if start <= last:
                continue
            here = [c for c in cands if c[0] == start]
            longest = max(c[2] for c in here)
            best = {}
            for c in sorted(here, key=lambda c: rank(entries[c[3]])):
                if c[2] == longest:
                    best.setdefault(entries[c[3]].category, c)
            kept.extend(best.values())
            last = start + longest - 1
    negators = set(lexicon.negators)
    out = []
    for first, last_i, _, e_index in kept:
        entry = entries[e_index]
        window = lexicon.category(entry.category).negation_window
        negated = False
        for k in range(first - 1, first - window - 1, -1):
            if k < 0 or toks[k][1] != toks[first][1]:
                break
            if toks[k][0] in negators or toks[k][0].endswith("n't"):
                negated = True
                break
        out.append((entry.category, entry.term, toks[first][2], toks[last_i][3], negated))
    return sorted(out, key=lambda h: (h[2], cats.index(h[0]))), toks


def ref_counts(text, lexicon, intervals=()):
    found, toks = ref_hits(text, lexicon)

    def quoted(pos):
        return any(s <= pos < e for s, e in intervals)

    cats = list(lexicon.category_names)
    result = {}
    for voice in ("all", "outlet", "quoted"):
        keep = (lambda p: True) if voice == "all" else (lambda p, v=voice: quoted(p) == (v == "quoted"))
        count = np.zeros(len(cats), dtype=int)
        negated = np.zeros(len(cats), dtype=int)
        for cat, _, start, _, neg in found:
            if keep(start):
                (negated if neg else count)[cats.index(cat)] += 1
        tokens = sum(1 for t in toks if keep(t[2]))
        result[voice] = (count.tolist(), negated.tolist(), tokens)
    return result


# ---------------------------------------------------------------- strategies

WORDS = ["ab", "abc", "ba", "b", "cab", "façade", "facade", "naïve", "no", "not", "don't", "x.y", "ab's", "ßa", "ﬁx"]
PIECES = WORDS + ["AB", "Ab", "FAÇADE", "A", "c", "1", "3.5", "é", "bß", "\u00ad", "fix"]
SEPS = [" ", "  ", "\n", "-", "\u2014", ". ", "! ", "? ", ", ", "'", "\u2019", " '", "' ", '"', "\u201c", "\u201d", "...", "\u00a0", ".", "_", "\u2026"]
TERMS = ["ab", "abc", "ab*", "b", "ba*", "c*", "facade", "naive", "ab ba", "ab-b", "b ab*", "cab ab ba", "fix", "x.y", "don't", "ss*"]


@st.composite
def texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPS)), max_size=25))
    return "".join(p + s for p, s in parts)


@st.composite
def lexicons(draw):
    n_cats = draw(st.integers(1, 3))
    cats = [Category(f"c{i}", negation_window=draw(st.integers(0, 2))) for i in range(n_cats)]
    entries = []
    seen = set()
    for term in draw(st.lists(st.sampled_from(TERMS), min_size=1, max_size=10)):
        cat = f"c{draw(st.integers(0, n_cats - 1))}"
        if (term, cat) in seen:
            continue
        seen.add((term, cat))
        entries.append((term, cat, float(draw(st.integers(1, 3))), None))
    used = {c for _, c, _, _ in entries}
    cats = [c for c in cats if c.name in used]
    scope = draw(st.sampled_from(["category", "lexicon"]))
    return Lexicon.build("t", cats, entries, nested_scope=scope, negators=["no", "not"], on_duplicate="warn")


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts(), lexicons())
def test_count_matches_reference(text, lexicon):
    matcher = Matcher(lexicon)
    got = matcher.count(text)["all"]
    expected = ref_counts(text, lexicon)["all"]
    assert (got.count.tolist(), got.negated.tolist(), got.tokens) == expected


@SETTINGS
@given(texts(), lexicons())
def test_find_matches_reference(text, lexicon):
    matcher = Matcher(lexicon)
    got = [(h.category, h.entry, h.start, h.end, h.negated) for h in matcher.find(text)]
    expected, _ = ref_hits(text, lexicon)
    assert got == expected
    for h in matcher.find(text):
        assert text[h.start : h.end].strip() != ""


@SETTINGS
@given(texts(), lexicons(), st.lists(st.tuples(st.integers(0, 40), st.integers(1, 20)), max_size=3))
def test_voice_counts_match_reference(text, lexicon, raw_spans):
    # quoted intervals must begin and end on non-token characters, as
    # the quote detector guarantees (they start and end at quote marks)
    seps = [i for i, c in enumerate(text) if fold_char(c) in (" ", '"', "-", ",", "\n")]
    intervals = []
    last = -1
    for a, length in raw_spans:
        if not seps:
            break
        s = seps[a % len(seps)]
        e_candidates = [i for i in seps if i > s and i >= s + length]
        if s <= last or not e_candidates:
            continue
        e = e_candidates[0]
        intervals.append((s, e + 1))
        last = e
    intervals = [iv for iv in intervals if iv[1] <= len(text)]
    if not intervals:
        return
    matcher = Matcher(lexicon)
    got = matcher.count(text, quoted=tuple(intervals))
    expected = ref_counts(text, lexicon, intervals)
    for voice in ("all", "outlet", "quoted"):
        g = got[voice]
        assert (g.count.tolist(), g.negated.tolist(), g.tokens) == expected[voice], voice


# ---------------------------------------------------------------- examples

def _lex(scope="category"):
    cats = [Category("insinuation", negation_window=3), Category("escalation")]
    entries = [
        ("façade", "insinuation", 1.0, None),
        ("pretens*", "insinuation", 1.0, None),
        ("so-called", "insinuation", 2.0, None),
        ("harsh blow", "escalation", 1.0, None),
        ("harsh", "escalation", 1.0, None),
        ("ratchet up", "escalation", 1.0, None),
        ("blow", "insinuation", 1.0, None),
    ]
    return Lexicon.build("t", cats, entries, nested_scope=scope)


def test_seed_sentences():
    m = Matcher(_lex())
    text = "They build a FAÇADE of alliance on the pretense of the issue, a harsh blow, and ratchet-up\npressure."
    hits = m.find(text)
    assert [(h.category, h.entry, text[h.start : h.end]) for h in hits] == [
        ("insinuation", "façade", "FAÇADE"),
        ("insinuation", "pretens*", "pretense"),
        ("escalation", "harsh blow", "harsh blow"),
        ("insinuation", "blow", "blow"),
        ("escalation", "ratchet up", "ratchet-up"),
    ]
    counts = m.count(text)["all"]
    assert counts.count.tolist() == [3, 2]
    assert counts.weight.tolist() == [3.0, 2.0]


def test_scope_lexicon_suppresses_shorter_other_category():
    m = Matcher(_lex("lexicon"))
    hits = m.find("a harsh blow")
    assert [(h.category, h.entry) for h in hits] == [("escalation", "harsh blow")]


def test_phrase_does_not_cross_sentence_break():
    m = Matcher(_lex())
    assert [h.entry for h in m.find("It was harsh. Blow after blow.")] == ["harsh", "blow", "blow"]


def test_negation_window_and_sentence():
    m = Matcher(_lex())
    hits = m.find("This is not a mere façade. Façade! It isn't really a pretense.")
    assert [(h.entry, h.negated, h.sentence) for h in hits] == [
        ("façade", True, 0),
        ("façade", False, 1),
        ("pretens*", True, 2),
    ]
    counts = m.count("This is not a mere façade. Façade! It isn't really a pretense.")["all"]
    assert counts.count.tolist()[0] == 1 and counts.negated.tolist()[0] == 2


def test_possessive_and_glob_inside_word():
    cats = [Category("c")]
    lex = Lexicon.build("t", cats, [("regime", "c", 1.0, None), ("press*", "c", 1.0, None)])
    m = Matcher(lex)
    assert [h.entry for h in m.find("The regime’s pressure; a depressing oppression")] == ["regime", "press*"]


def test_matcher_type_error():
    with pytest.raises(TypeError, match="lexicon: expected a framing.lexicon.Lexicon, got str"):
        Matcher("framing-cues")


def test_matcher_pickles():
    import pickle

    m = pickle.loads(pickle.dumps(Matcher(_lex())))
    assert m.count("a façade")["all"].count.tolist() == [1, 0]


def test_negated_phrase_counted_as_negated():
    cats = [Category("boosters", negation_window=3)]
    lex = Lexicon.build("t", cats, [("of course", "boosters", 1.0, None), ("clearly", "boosters", 1.0, None)])
    m = Matcher(lex)
    text = "It is not of course true."
    assert [(h.entry, h.negated) for h in m.find(text)] == [("of course", True)]
    counts = m.count(text)["all"]
    assert (counts.count.tolist(), counts.negated.tolist()) == ([0], [1])


# A dense variant: few words, many phrases and negators, so that phrases,
# overlaps across categories, negation windows and breaks collide often.
DENSE_PIECES = ["ab", "ba", "b", "cab", "not", "no", "don't", "x", "ab's"]
DENSE_SEPS = [" ", " ", "-", ". ", "\n", ", "]
DENSE_TERMS = ["ab ba", "b ab*", "cab ab ba", "ab", "ba*", "x ab", "ab ba b", "b"]


@st.composite
def dense_texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(DENSE_PIECES), st.sampled_from(DENSE_SEPS)), max_size=30))
    return "".join(p + s for p, s in parts)


@st.composite
def dense_lexicons(draw):
    n_cats = draw(st.integers(1, 3))
    entries, seen = [], set()
    for term in draw(st.lists(st.sampled_from(DENSE_TERMS), min_size=1, max_size=8)):
        cat = f"c{draw(st.integers(0, n_cats - 1))}"
        if (term, cat) not in seen:
            seen.add((term, cat))
            entries.append((term, cat, 1.0, None))
    used = sorted({c for _, c, _, _ in entries})
    cats = [Category(c, negation_window=draw(st.integers(0, 3))) for c in used]
    scope = draw(st.sampled_from(["category", "lexicon"]))
    return Lexicon.build("dense", cats, entries, nested_scope=scope, negators=["no", "not"])


@SETTINGS
@given(dense_texts(), dense_lexicons())
def test_dense_count_and_find_match_reference(text, lexicon):
    matcher = Matcher(lexicon)
    got = matcher.count(text)["all"]
    assert (got.count.tolist(), got.negated.tolist(), got.tokens) == ref_counts(text, lexicon)["all"]
    expected, _ = ref_hits(text, lexicon)
    assert [(h.category, h.entry, h.start, h.end, h.negated) for h in matcher.find(text)] == expected


def test_count_with_no_quotes_splits_voices():
    result = Matcher(_lex()).count("a façade and a harsh blow", quoted=())
    assert result["outlet"] is result["all"]
    assert result["quoted"].tokens == 0 and result["quoted"].count.tolist() == [0, 0]


# Separators that the fast path sees as more than one space between two
# words of a phrase (punctuation, dashes, runs of spaces, quote marks), so
# that its second route for phrases is exercised as often as its first.
LOOSE_SEPS = [" ", ", ", " \u2014 ", "  ", ' "', '" ', "\u201c", "\u201d ", "(", ") ", "\n\n", " - ", ": ", "'s ", ". "]


@st.composite
def loose_texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(DENSE_PIECES), st.sampled_from(LOOSE_SEPS)), max_size=30))
    return "".join(p + s for p, s in parts)


@SETTINGS
@given(loose_texts(), dense_lexicons())
def test_loose_separators_count_matches_reference(text, lexicon):
    matcher = Matcher(lexicon)
    got = matcher.count(text)["all"]
    assert (got.count.tolist(), got.negated.tolist(), got.tokens) == ref_counts(text, lexicon)["all"]


@SETTINGS
@given(loose_texts(), dense_lexicons())
def test_loose_separators_voices_match_reference(text, lexicon):
    from framing.quotes import quoted_intervals

    intervals = quoted_intervals(text)
    got = Matcher(lexicon).count(text, quoted=intervals)
    expected = ref_counts(text, lexicon, intervals)
    for voice in ("all", "outlet", "quoted"):
        g = got[voice]
        assert (g.count.tolist(), g.negated.tolist(), g.tokens) == expected[voice], voice


@st.composite
def weighted_lexicons(draw, weights):
    n_cats = draw(st.integers(1, 3))
    entries, seen = [], set()
    for term in draw(st.lists(st.sampled_from(DENSE_TERMS), min_size=1, max_size=8)):
        cat = f"c{draw(st.integers(0, n_cats - 1))}"
        if (term, cat) not in seen:
            seen.add((term, cat))
            entries.append((term, cat, draw(st.sampled_from(weights)), None))
    used = sorted({c for _, c, _, _ in entries})
    cats = [Category(c, negation_window=draw(st.integers(0, 3))) for c in used]
    scope = draw(st.sampled_from(["category", "lexicon"]))
    return Lexicon.build("weighted", cats, entries, nested_scope=scope, negators=["no", "not"])


def _hit_weights(matcher, text, intervals=None):
    """Per voice and category, the weights of the counted hits in text
    order (from the located path)."""
    out = {v: {c: [] for c in matcher.categories} for v in ("all", "outlet", "quoted")}
    for h in matcher.find(text):
        if h.negated:
            continue
        out["all"][h.category].append(h.weight)
        if intervals is not None:
            inside = any(s <= h.start < e for s, e in intervals)
            out["quoted" if inside else "outlet"][h.category].append(h.weight)
    return out


@SETTINGS
@given(loose_texts(), weighted_lexicons([0.5, 1.0, 1.25, 3.0]))
def test_dyadic_weights_sum_exactly(text, lexicon):
    # multiples of 2**-10 sum exactly, whatever the order of the additions
    from framing.quotes import quoted_intervals

    matcher = Matcher(lexicon)
    intervals = quoted_intervals(text)
    got = matcher.count(text, quoted=intervals)
    expected = _hit_weights(matcher, text, intervals)
    for voice in ("all", "outlet", "quoted"):
        assert got[voice].weight.tolist() == [sum(expected[voice][c]) for c in matcher.categories], voice


@SETTINGS
@given(loose_texts(), weighted_lexicons([0.1, 0.3, 0.7, 1.0 / 3.0]))
def test_inexact_weights_sum_in_text_order(text, lexicon):
    # A text with a voice split sums hit by hit in text order; the whole
    # text without one may sum per token (n * weight) when no phrase
    # matched, so only closeness is checked there.
    import math
    from functools import reduce
    from operator import add

    from framing.quotes import quoted_intervals

    matcher = Matcher(lexicon)
    intervals = quoted_intervals(text)
    expected = _hit_weights(matcher, text, intervals)
    if intervals:
        got = matcher.count(text, quoted=intervals)
        for voice in ("all", "outlet", "quoted"):
            assert got[voice].weight.tolist() == [reduce(add, expected[voice][c], 0.0) for c in matcher.categories], voice
    plain = matcher.count(text)["all"].weight.tolist()
    for value, c in zip(plain, matcher.categories):
        assert math.isclose(value, math.fsum(expected["all"][c]), rel_tol=1e-12, abs_tol=1e-12)


# ---------------------------------------------------------------- batch path
# framing.match.batch counts a chunk of texts in one scan; for every text
# it must give what Matcher.count gives for that text alone.

from framing.match import batch as match_batch  # noqa: E402
from framing.match.batch import count_texts  # noqa: E402
from framing.quotes import quoted_intervals  # noqa: E402


def _per_text(matcher, texts, voice):
    rows = []
    for text in texts:
        if not text:
            rows.append(([0] * len(matcher.categories), [0] * len(matcher.categories), [0.0] * len(matcher.categories), 0))
            continue
        c = matcher.count(text, quoted=None if voice == "all" else quoted_intervals(text))[voice]
        rows.append((c.count.tolist(), c.negated.tolist(), c.weight.tolist(), c.tokens))
    return rows


def _batched(matcher, texts, voice):
    quoted = None if voice == "all" else [quoted_intervals(t) if t else () for t in texts]
    count, negated, weight, tokens = count_texts(matcher, texts, voice, quoted)
    return [(count[i].tolist(), negated[i].tolist(), weight[i].tolist(), int(tokens[i])) for i in range(len(texts))]


def _text_lists(inner):
    return st.lists(st.one_of(inner, st.sampled_from(["", None, " ", "...", "not", "ab."])), max_size=6)


@pytest.fixture
def tiny_batches(monkeypatch):
    # a few bytes per scan, and the token id table started afresh before
    # every scan
    monkeypatch.setattr(match_batch, "_BATCH_BYTES", 40)
    monkeypatch.setattr(match_batch, "_TOKEN_LIMIT", 0)


@SETTINGS
@given(_text_lists(texts()), lexicons(), st.sampled_from(VOICES))
def test_batch_matches_per_text(texts_, lexicon, voice):
    matcher = Matcher(lexicon)
    assert _batched(matcher, texts_, voice) == _per_text(matcher, texts_, voice)


@SETTINGS
@given(_text_lists(loose_texts()), dense_lexicons(), st.sampled_from(VOICES))
def test_batch_matches_per_text_dense(texts_, lexicon, voice):
    matcher = Matcher(lexicon)
    assert _batched(matcher, texts_, voice) == _per_text(matcher, texts_, voice)


@SETTINGS
@given(_text_lists(dense_texts()), weighted_lexicons([0.5, 1.0, 1.25, 3.0]), st.sampled_from(VOICES))
def test_batch_matches_per_text_weighted(texts_, lexicon, voice):
    matcher = Matcher(lexicon)
    assert _batched(matcher, texts_, voice) == _per_text(matcher, texts_, voice)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_text_lists(loose_texts()), dense_lexicons(), st.sampled_from(VOICES))
def test_batch_split_into_many_scans(tiny_batches, texts_, lexicon, voice):
    matcher = Matcher(lexicon)
    assert _batched(matcher, texts_, voice) == _per_text(matcher, texts_, voice)


def test_batch_phrase_never_crosses_documents():
    m = Matcher(_lex())
    count, _, _, tokens = count_texts(m, ["a harsh", "blow up", "ratchet", "up so", "called"])
    # escalation: harsh (doc 0); insinuation: blow (doc 1); no phrase anywhere
    assert count.tolist() == [[0, 1], [1, 0], [0, 0], [0, 0], [0, 0]]
    assert tokens.tolist() == [2, 2, 1, 2, 1]
    # the same words in one text do make the phrases: so-called and blow;
    # harsh blow (not harsh alone) and ratchet up
    joined = "a harsh blow up ratchet up so called"
    assert count_texts(m, [joined])[0].tolist() == [[2, 2]] == [m.count(joined)["all"].count.tolist()]


def test_batch_negation_never_crosses_documents():
    m = Matcher(_lex())
    count, negated, _, _ = count_texts(m, ["it is not", "a façade", "not a façade", "don't", "façade"])
    assert count[:, 0].tolist() == [0, 1, 0, 0, 1]
    assert negated[:, 0].tolist() == [0, 0, 1, 0, 0]


def test_batch_empty_and_none_texts():
    m = Matcher(_lex())
    count, negated, weight, tokens = count_texts(m, [None, "", "a façade", None, "  ", "!"])
    assert count.shape == (6, 2) and weight.dtype == np.float64
    assert count.tolist() == [[0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [0, 0]]
    assert tokens.tolist() == [0, 0, 2, 0, 0, 0]
    assert count_texts(m, [])[0].shape == (0, 2)
    assert count_texts(m, [None, ""])[3].tolist() == [0, 0]


def test_batch_voices_with_quotes():
    m = Matcher(_lex())
    texts_ = ['He said "a harsh blow, a façade" today.', "none of it quoted: a façade", '"not a façade"', None]
    quoted = [quoted_intervals(t) if t else () for t in texts_]
    outlet = count_texts(m, texts_, "outlet", quoted)
    inside = count_texts(m, texts_, "quoted", quoted)
    whole = count_texts(m, texts_, "all", quoted)
    # quoted: blow and façade (insinuation), harsh blow (escalation); the
    # quoted "not" negates the quoted façade
    assert inside[0].tolist() == [[2, 1], [0, 0], [0, 0], [0, 0]]
    assert inside[1].tolist() == [[0, 0], [0, 0], [1, 0], [0, 0]]
    assert outlet[0].tolist() == [[0, 0], [1, 0], [0, 0], [0, 0]]
    assert outlet[3].tolist() == [3, 6, 0, 0] and inside[3].tolist() == [5, 0, 3, 0]
    assert whole[3].tolist() == [8, 6, 3, 0]
    for voice, got in (("outlet", outlet), ("quoted", inside)):
        assert _batched(m, texts_, voice) == _per_text(m, texts_, voice)
    with pytest.raises(ValueError, match="voice='outlet' needs the quoted intervals"):
        count_texts(m, texts_, "outlet")
    with pytest.raises(ValueError, match="voice: expected one of 'all', 'outlet', 'quoted', got 'both'"):
        count_texts(m, texts_, "both", quoted)


def test_batch_control_characters_and_inexact_weights_go_per_text():
    m = Matcher(_lex())
    texts_ = ["a\x01 façade", "so\x03called", "\x02harsh blow", "a façade"]
    assert _batched(m, texts_, "all") == _per_text(m, texts_, "all")
    cats = [Category("c", negation_window=2)]
    inexact = Matcher(Lexicon.build("w", cats, [("ab", "c", 0.1, None), ("ab ba", "c", 0.3, None)], negators=["no"]))
    texts_ = ["ab ab ba ab, no ab", "ab " * 7]
    assert _batched(inexact, texts_, "all") == _per_text(inexact, texts_, "all")


@SETTINGS
@given(st.lists(st.one_of(texts(), loose_texts()), max_size=4))
def test_batch_bytes_are_the_per_text_bytes(texts_):
    # the numpy byte rules of the batch path = the per-text regular expressions
    from framing.match.matcher import BATCH_TABLE

    raws = [Matcher._raw(t) for t in texts_ if "\x01" not in t and "\x02" not in t and "\x03" not in t]
    joined = match_batch._SEP.join(raws)
    assert match_batch._prepare(joined) == Matcher._bytes(joined, BATCH_TABLE)


# ------------------------------------------- the batch scan (ahocorasick_rs)
# The batch path scans bytes with CompiledLexicon.scan_bytes (a Rust DFA);
# it must yield exactly the (end, key) pairs, in the same order, that the
# per-text path's pyahocorasick automaton yields on the same text.


SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "sample" / "articles.jsonl"


def _scans(matcher, texts_):
    raws = [Matcher._raw(t) for t in texts_ if "\x01" not in t and "\x02" not in t and "\x03" not in t]
    b = match_batch._prepare(match_batch._SEP.join(raws))
    compiled = matcher.compiled
    end, key = compiled.scan_bytes(b)
    assert end.dtype == key.dtype == np.int64
    return list(zip(end.tolist(), key.tolist())), list(compiled.automaton.iter(b.decode("latin-1")))


@SETTINGS
@given(st.lists(st.one_of(texts(), loose_texts(), dense_texts()), max_size=4), st.one_of(lexicons(), dense_lexicons()))
def test_scan_bytes_is_the_automaton_scan(texts_, lexicon):
    got, expected = _scans(Matcher(lexicon), texts_)
    assert got == expected


def test_scan_bytes_on_the_sample_corpus():
    from framing.match import compile_lexicon

    texts_ = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    for name in ("framing-cues", "framing-bias-cues", "framing-dimensions"):
        got, expected = _scans(compile_lexicon(name), texts_)
        assert got == expected and len(got) > 100


class _ShuffledScanner:
    """A scanner that yields the real matches in a scrambled order."""

    def __init__(self, real):
        self.real = real

    def find_matches_as_indexes(self, data, overlapping=False):
        found = self.real.find_matches_as_indexes(data, overlapping=overlapping)
        return found[::-1]


def test_scan_bytes_restores_the_automaton_order():
    matcher = Matcher(Lexicon.build("o", [Category("c", negation_window=2)], [("ab ba", "c", 1.0, None), ("ba*", "c", 1.0, None),
                                                ("a", "c", 1.0, None)], negators=["no"]))
    compiled = matcher.compiled
    b = match_batch._prepare(b"ab ba a ab ba don't no")
    expected = list(compiled.automaton.iter(b.decode("latin-1")))
    assert any(e1 == e2 for (e1, _), (e2, _) in zip(expected, expected[1:]))  # two keys end in one place
    compiled.__dict__["batch_scanner"] = _ShuffledScanner(compiled.batch_scanner)
    try:
        end, key = compiled.scan_bytes(b)
    finally:
        del compiled.__dict__["batch_scanner"]
    assert list(zip(end.tolist(), key.tolist())) == expected


def test_scan_bytes_without_keys():
    # scare-quote categories only: no keys, nothing found, no scanner
    lex = Lexicon.build("s", [Category("scare", scare_quotes=True)], [])
    compiled = Matcher(lex).compiled
    assert compiled.batch_scanner is None
    end, key = compiled.scan_bytes(b" a b ")
    assert end.tolist() == key.tolist() == []


def _count_in_worker(matcher, texts_):
    return _batched(matcher, texts_, "outlet")


def test_matcher_with_a_built_scanner_pickles_to_another_process():
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    matcher = Matcher(_lex())
    texts_ = ["a façade, “not a façade” and a harsh blow", "sham", "ab ba"]
    here = _batched(matcher, texts_, "outlet")
    assert matcher.compiled.batch_scanner is not None  # built, and not picklable itself
    with pytest.raises(TypeError):
        pickle.dumps(matcher.compiled.batch_scanner)
    again = pickle.loads(pickle.dumps(matcher))
    assert _batched(again, texts_, "outlet") == here
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(_count_in_worker, matcher, texts_).result() == here
