"""Context rules, lexicon exceptions and scare quotes: every path agrees
with a naive reference and with the documented examples
(:mod:`framing.lexicon.model`)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framing.lexicon.model import SCARE_QUOTE, Category, Entry, Lexicon
from framing.match import hits as hits_frame
from framing.match.batch import count_texts
from framing.match.matcher import Matcher
from framing.quotes import quoted_intervals
from framing.records import Document

from .test_matcher import rank, ref_tokens, word_ok

# ---------------------------------------------------------------- reference


def _occurs(pattern, at, toks):
    stop = at + len(pattern)
    if at < 0 or stop > len(toks) or len({t[1] for t in toks[at:stop]}) != 1:
        return False
    return all(word_ok(w, t[0]) for w, t in zip(pattern, toks[at:stop]))


def ref_context_hits(text, lexicon):
    """Candidates of every entry, the rules, then leftmost-longest (no
    scare quotes: the lexicons here have none)."""
    from framing.text import term_tokens

    toks = ref_tokens(text)
    blocked = set()
    for phrase in lexicon.exceptions:
        p = term_tokens(phrase)
        for at in range(len(toks)):
            if _occurs(p, at, toks):
                blocked.update(range(at, at + len(p)))
    cands = []
    for e_index, entry in enumerate(lexicon.entries):
        size = len(entry.pattern)
        for i in range(len(toks) - size + 1):
            if not _occurs(entry.pattern, i, toks):
                continue
            last = i + size - 1
            if blocked & set(range(i, last + 1)):
                continue
            nxt = toks[last + 1][0] if last + 1 < len(toks) and toks[last + 1][1] == toks[i][1] else None
            prv = toks[i - 1][0] if i > 0 and toks[i - 1][1] == toks[i][1] else None
            fold = lambda words: [term_tokens(w)[0] for w in words]  # noqa: E731
            if entry.followed_by and (nxt is None or not any(word_ok(w, nxt) for w in fold(entry.followed_by))):
                continue
            if entry.not_followed_by and nxt is not None and any(word_ok(w, nxt) for w in fold(entry.not_followed_by)):
                continue
            if entry.preceded_by and (prv is None or not any(word_ok(w, prv) for w in fold(entry.preceded_by))):
                continue
            if entry.not_preceded_by and prv is not None and any(word_ok(w, prv) for w in fold(entry.not_preceded_by)):
                continue
            if any(_occurs(term_tokens(p), a, toks) for p in entry.exceptions
                   for a in range(last - len(term_tokens(p)) + 1, i + 1)):
                continue
            cands.append((i, last, size, e_index))
    entries = lexicon.entries
    cats = list(lexicon.category_names)
    kept = []
    if lexicon.nested_scope == "category":
        for cat in cats:
            last = -1
            for c in sorted((c for c in cands if entries[c[3]].category == cat),
                            key=lambda c: (c[0], -c[2], rank(entries[c[3]]))):
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
        negated = any(toks[k][0] in negators or toks[k][0].endswith("n't")
                      for k in range(max(0, first - window), first) if toks[k][1] == toks[first][1])
        out.append((entry.category, entry.term, toks[first][2], toks[last_i][3], negated))
    return sorted(out, key=lambda h: (h[2], cats.index(h[0])))


# ---------------------------------------------------------------- strategies

WORDS = ["ab", "abc", "ba", "b", "cab", "no", "not", "x", "ab's", "be", "daily", "beast", "legal", "said", "so",
         "called", "\u00e9t\u00e9", "b.c"]
SEPS = [" ", "  ", "-", ". ", ", ", '"', " \u201c", "\u201d ", "\n", ' "', '" ', ": ", "! ", " \u00ab", "\u00bb ", "'s "]
TERMS = ["ab", "ab*", "b", "ba*", "ab ba", "b ab*", "beast", "be", "cab ab ba"]
RULE_WORDS = ["ab", "b", "ba*", "x", "be", "legal", "no"]
PRECEDING = ["so-called", "ab", "ba*", "x ab", "the", "Été"]


@st.composite
def texts(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)), max_size=25))
    return "".join(p + s for p, s in parts)


@st.composite
def context_lexicons(draw, scare=False):
    n_cats = draw(st.integers(1, 2))
    cats = []
    for i in range(n_cats):
        quotes = scare and draw(st.booleans())
        preceded = tuple(draw(st.lists(st.sampled_from(PRECEDING), max_size=2, unique=True))) if quotes else ()
        cats.append(Category(f"c{i}", negation_window=draw(st.integers(0, 2)), scare_quotes=quotes,
                             scare_quote_max_words=draw(st.integers(1, 3)), scare_quote_preceded_by=preceded))
    entries, seen = [], set()
    for term in draw(st.lists(st.sampled_from(TERMS), min_size=1, max_size=7)):
        cat = f"c{draw(st.integers(0, n_cats - 1))}"
        if (term, cat) in seen:
            continue
        seen.add((term, cat))
        rules = {}
        for name in ("followed_by", "not_followed_by", "preceded_by", "not_preceded_by"):
            if draw(st.integers(0, 3)) == 0:
                rules[name] = tuple(draw(st.lists(st.sampled_from(RULE_WORDS), min_size=1, max_size=2, unique=True)))
        if draw(st.integers(0, 3)) == 0:
            before = draw(st.sampled_from(["", "daily ", "x "]))
            after = draw(st.sampled_from(["", " b", " x"]))
            if before or after:
                rules["exceptions"] = (f"{before}{term}{after}",)
        entries.append(Entry(term, cat, float(draw(st.integers(1, 2))), (), None, **rules))
    used = {e.category for e in entries}
    cats = [c for c in cats if c.name in used or c.scare_quotes]
    exceptions = draw(st.sampled_from([(), ("daily beast",), ("x ab",)]))
    scope = draw(st.sampled_from(["category", "lexicon"]))
    return Lexicon.build("t", cats, entries, nested_scope=scope, negators=["no", "not"], exceptions=exceptions)


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts(), context_lexicons())
def test_find_matches_reference(text, lexicon):
    got = [(h.category, h.entry, h.start, h.end, h.negated) for h in Matcher(lexicon).find(text)]
    assert got == ref_context_hits(text, lexicon)


@SETTINGS
@given(st.lists(texts(), max_size=6), context_lexicons(scare=True), st.sampled_from(["all", "outlet", "quoted"]))
def test_batch_equals_per_text_and_find(texts_, lexicon, voice):
    """The fast paths (batch and per text, which check the rules on their
    candidates) against the token-by-token path (:meth:`Matcher.find`)."""
    matcher = Matcher(lexicon)
    quoted = [quoted_intervals(t) for t in texts_]
    count, negated, weight, tokens = count_texts(matcher, texts_, voice, quoted)
    cats = list(matcher.categories)
    for i, text in enumerate(texts_):
        row = matcher.count(text, quoted=quoted[i])[voice]
        assert count[i].tolist() == row.count.tolist()
        assert negated[i].tolist() == row.negated.tolist()
        assert weight[i].tolist() == row.weight.tolist()
        assert tokens[i] == row.tokens
        # counts from the located hits
        expect = np.zeros(len(cats), dtype=int)
        for h in matcher.find(text):
            v = "outlet" if h.scare_quote else ("quoted" if any(a <= h.start < b for a, b in quoted[i]) else "outlet")
            if not h.negated and (voice == "all" or v == voice):
                expect[cats.index(h.category)] += 1
        assert row.count.tolist() == expect.tolist()


# ---------------------------------------------------------------- examples


def _found(lexicon, text):
    return [(h.category, h.entry, text[h.start:h.end], h.negated) for h in Matcher(lexicon).find(text)]


def _one(term, **rules):
    return Lexicon.build("t", [Category("c", negation_window=3)], [Entry(term, "c", 1.0, (), None, **rules)])


def test_followed_by():
    lex = _one("could", followed_by=["be", "have", "potentially"])
    assert _found(lex, "It could be worse.") == [("c", "could", "could", False)]
    assert _found(lex, "She could swim. It could potentially fail.") == [("c", "could", "could", False)]
    # no next token in the sentence: fails; a sentence break is not crossed
    assert _found(lex, "If only it could. Be calm.") == []


def test_not_followed_by_passes_at_sentence_end():
    lex = _one("claims", not_followed_by=["court"])
    assert _found(lex, "The claims court met. He repeated the claims.") == [("c", "claims", "claims", False)]


def test_preceded_and_not_preceded():
    lex = _one("claims", not_preceded_by=["legal"])
    assert _found(lex, "Legal claims were filed. Claims of fraud spread.") == [("c", "claims", "Claims", False)]
    lex = _one("fire", preceded_by=["open*"])
    assert _found(lex, "Troops opened fire. The fire spread. Fire!") == [("c", "fire", "fire", False)]


def test_possessive_counts_as_the_word():
    lex = _one("regime", followed_by=["leader"])
    assert _found(lex, "The regime's leader spoke.") == [("c", "regime", "regime's", False)]
    assert _found(lex, "The regime leader's speech.") == [("c", "regime", "regime", False)]
    assert _found(lex, "The regime leaders met. The regime fell.") == []


def test_negation_window_with_constraints():
    lex = _one("could", followed_by=["be"])
    assert _found(lex, "It could not be. Nothing could be worse.") == [("c", "could", "could", True)]


def test_failed_rule_lets_another_entry_match():
    cats = [Category("c")]
    lex = Lexicon.build("t", cats, [Entry("could", "c", 2.0, (), None, followed_by=("be",)), ("could*", "c", 1.0, None)])
    hits = Matcher(lex).find("It could be. It could swim.")
    assert [(h.entry, h.weight) for h in hits] == [("could", 2.0), ("could*", 1.0)]


def test_entry_exceptions():
    lex = _one("beast", exceptions=["daily beast"])
    assert _found(lex, "The Daily Beast reported a beast of a storm.") == [("c", "beast", "beast", False)]
    # the phrase must be in one sentence
    assert _found(lex, "It was daily. Beast mode.") == [("c", "beast", "Beast", False)]


def test_lexicon_exceptions_block_every_overlapping_candidate():
    cats = [Category("c"), Category("d")]
    lex = Lexicon.build("t", cats, [("unsupported", "c", 1.0, None), ("playback is", "d", 1.0, None), ("device", "d", 1.0, None)],
                        exceptions=["media playback is unsupported on your device"])
    text = "Media playback is unsupported on your device. The device is unsupported."
    assert _found(lex, text) == [("d", "device", "device", False), ("c", "unsupported", "unsupported", False)]


def test_lexicon_scope_with_constraints():
    cats = [Category("a"), Category("b")]
    entries = [Entry("harsh blow", "a", 1.0, (), None, not_followed_by=("to",)), ("harsh", "b", 1.0, None)]
    lex = Lexicon.build("t", cats, entries, nested_scope="lexicon")
    assert _found(lex, "A harsh blow to them.") == [("b", "harsh", "harsh", False)]
    assert _found(lex, "A harsh blow indeed.") == [("a", "harsh blow", "harsh blow", False)]


def test_constrained_lexicon_scores_through_every_path():
    lex = _one("could", followed_by=["be"])
    texts = ["It could be.", "She could swim.", None, "", "could could be"]
    count, *_ = count_texts(Matcher(lex), texts)
    assert count[:, 0].tolist() == [1, 0, 0, 0, 1]


# ---------------------------------------------------------------- scare quotes

SCARE = [
    ('The "reform" was passed on Tuesday.', ["reform"]),
    ("Critics of the so-called \u201cexperts\u201d disagreed.", ["experts"]),
    ('The agency\'s "independent review" found nothing.', ["independent review"]),
    ('"We will win," he said.', []),
    ('He said the plan was "dead on arrival".', []),
    ('The plan was "dead on arrival", the senator said.', []),
    ('A film titled "Reform" opened.', []),
    ('It is what he called "a hoax".', []),
    ('He put it bluntly: "No deal".', []),
    ('"Reform" is a loaded word.', []),
    ('The group demanded "a complete and total shutdown of the border" today.', []),
    ('The "reform\nwas passed.', []),
    ('The "reform. Really" was passed.', []),
]


@pytest.mark.parametrize("text, expected", SCARE)
def test_scare_quotes(text, expected):
    lex = Lexicon.build("t", [Category("insinuation", scare_quotes=True)], [("sham", "insinuation", 1.0, None)])
    found = Matcher(lex).find(text)
    assert [text[h.start:h.end] for h in found] == expected
    assert all(h.entry == SCARE_QUOTE and h.scare_quote and h.weight == 1.0 for h in found)


def test_scare_quote_max_words_and_voice():
    cats = [Category("short", scare_quotes=True, scare_quote_max_words=1), Category("long", scare_quotes=True,
                                                                                   scare_quote_max_words=4)]
    lex = Lexicon.build("t", cats, [])
    text = 'The "reform" and the "peace process" went on.'
    m = Matcher(lex)
    assert [(h.category, text[h.start:h.end]) for h in m.find(text)] == [
        ("short", "reform"), ("long", "reform"), ("long", "peace process")]
    counts = m.count(text, quoted=quoted_intervals(text))
    assert counts["outlet"].count.tolist() == [1, 2]
    assert counts["quoted"].count.tolist() == [0, 0]
    frame = hits_frame([Document("d1", "o", text=text)], m, voice="outlet")
    assert frame["matched_text"].tolist() == ["reform", "reform", "peace process"]


def test_scare_quote_competes_with_entries_and_exceptions():
    cats = [Category("c", scare_quotes=True, negation_window=2)]
    lex = Lexicon.build("t", cats, [("reform", "c", 2.0, None)], exceptions=["daily beast"])
    m = Matcher(lex)
    text = 'The "reform" passed. It was not "progress". The "Daily Beast" ran it.'
    assert [(h.entry, text[h.start:h.end], h.negated) for h in m.find(text)] == [
        ("reform", "reform", False), (SCARE_QUOTE, "progress", True)]
    c = m.count(text)["all"]
    assert (c.count.tolist(), c.negated.tolist(), c.weight.tolist()) == ([1], [1], [2.0])


SCARE_PRECEDED = [
    ('The so-called "experts" disagreed.', ["experts"]),
    ("Critics of the So-Called \u201cexperts\u201d disagreed.", ["experts"]),
    ('A supposed "reform" and the self-styled "king" won.', ["reform", "king"]),
    ("The alleged \u00ab victim \u00bb's lawyer.", ["victim"]),
    ('The "reform" was passed.', []),
    ('The so "called" reform.', []),
    ('It was so-called. "Reform" passed.', []),
    ('He said the alleged "victim" lied.', []),  # attributed: the attribution rules still apply
    ('The so-called "experts" said nothing.', []),
    ('The so-called "peace process" stalled.', ["peace process"]),
]


@pytest.mark.parametrize("text, expected", SCARE_PRECEDED)
def test_scare_quote_preceded_by(text, expected):
    cats = [Category("insinuation", scare_quotes=True,
                     scare_quote_preceded_by=("so-called", "supposed", "self-styled", "alleged"))]
    m = Matcher(Lexicon.build("t", cats, []))
    assert [text[h.start:h.end] for h in m.find(text)] == expected
    quoted = quoted_intervals(text)
    assert m.count(text, quoted=quoted)["all"].count.tolist() == [len(expected)]
    assert count_texts(m, [text])[0].tolist() == [[len(expected)]]


def test_scare_quote_preceded_by_per_category():
    cats = [Category("any", scare_quotes=True), Category("marked", scare_quotes=True,
                                                         scare_quote_preceded_by=["so-called", "alleged*"])]
    m = Matcher(Lexicon.build("t", cats, []))
    text = 'The "reform" and the allegedly "secret" plan.'
    assert [(h.category, text[h.start:h.end]) for h in m.find(text)] == [
        ("any", "reform"), ("any", "secret"), ("marked", "secret")]


def test_plain_lexicon_is_not_contextual():
    lex = Lexicon.build("t", [Category("c")], [("reform", "c", 1.0, None)])
    m = Matcher(lex)
    assert m.compiled.context is None and not m.needs_context('the "reform"')
    assert not any(h.scare_quote for h in m.find('the "reform"'))


def test_fast_paths_do_not_fall_back_to_the_token_path(monkeypatch):
    """Rules, exceptions and scare quotes are applied on the fast paths: the
    token-by-token path (the reference) is not used for counting."""
    cats = [Category("c", scare_quotes=True, negation_window=2), Category("d")]
    entries = [Entry("could", "c", 1.0, (), None, followed_by=("be",)), ("reform", "c", 2.0, None),
               Entry("beast", "d", 1.0, (), None, exceptions=("daily beast",)), ("playback is", "d", 1.0, None)]
    lex = Lexicon.build("t", cats, entries, exceptions=["media playback is unsupported"])
    m = Matcher(lex)
    texts_ = ['It could be a "reform" or not "progress". The Daily Beast, a beast, said "hello there".',
              "Media playback is unsupported. Playback is fine.\nIt could swim \u201cso\u201d well.",
              'A "b" c. \u00ab\u00e9t\u00e9 x\u00bb said. The \u201cso-called\u201d experts.']
    expected = [[sum(1 for h in m.find(t) if not h.negated and h.category == c) for c in ("c", "d")] for t in texts_]

    def boom(*args, **kwargs):
        raise AssertionError("token path used")

    monkeypatch.setattr(Matcher, "_context_rows", boom)
    assert [m.count(t)["all"].count.tolist() for t in texts_] == expected
    assert count_texts(m, texts_)[0].tolist() == expected


def test_byte_positions_skip_the_break_spaces():
    m = Matcher(_one("could", followed_by=["be"]))
    raw = m.raw_bytes('a. "b" c! "d"')
    b = Matcher._bytes(raw)
    marks = [i for i, c in enumerate(raw) if c == ord('"')]
    assert [b[p : p + 1] for p in m.byte_positions(b, marks)] == [b" "] * 4
    assert m.byte_positions(b, marks) == [6, 8, 15, 17]
