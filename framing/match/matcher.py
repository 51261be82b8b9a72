"""The matching engine: a compiled lexicon that counts and locates hits.

Two paths share one resolution routine and give identical results (a
property-based test checks this against a naive reference):

* :meth:`Matcher.count` is the scoring hot path.  It folds the text,
  turns it into a space-delimited byte string in which every token is
  a run of non-space bytes and every sentence break a ``|`` (a few
  C-level ``translate``/``replace`` passes), counts tokens with one
  vectorised pass, and finds every candidate with ONE scan of a
  multi-pattern (Aho-Corasick) automaton, :mod:`ahocorasick`, over that
  string: single-word entries and negators are keyed with the spaces
  around them (`` word ``, `` word's ``, or `` prefix`` for a glob), and
  phrases by their words joined with single spaces.  Only candidates
  reach Python.  A phrase whose words are separated by anything but one
  space (a comma, a dash, a quote marker) is caught by a second kind of
  key (its leading words followed by a second space or a marker) and,
  when the next token can continue the phrase, verified by the word
  trie.  Negation windows are checked by bisecting to the nearest
  negator; single-token hits that no phrase candidate spans need no
  resolution, and are counted per distinct token.
* :meth:`Matcher.find` tokenises with offsets (:mod:`framing.text`) and
  returns every hit with character offsets into the original text.

Scoring counts whole chunks of documents at once with
:func:`framing.match.batch.count_texts`: the documents' bytes joined by
a separator that is a sentence break, ONE scan of the same keys (as a
DFA of :mod:`ahocorasick_rs` over the bytes,
:meth:`CompiledLexicon.scan_bytes`: the same matches in the same order,
about 2.4 times as fast on long chunks; the per-text path keeps
:mod:`ahocorasick`, which searches its latin-1 str directly),
and the single-word candidates, negation windows and per-document
tallies as numpy arrays; it gives for every text what :meth:`Matcher.count`
gives (tests compare the two).

What is compiled is declared once: :class:`CompiledLexicon` (the
automaton and its key table, per-entry categories, weights and ranks,
negation windows, the phrase trie, and the same tables as read-only
arrays for the batch path), built by :meth:`CompiledLexicon.build` when a
:class:`Matcher` is made.  :func:`compile_lexicon` memoises the matcher of
a lexicon (the same or an equal :class:`~framing.lexicon.Lexicon`) per
process, so scoring, hits, KWIC and the classifiers' cue features share
one compilation.  The batch path reads only :attr:`Matcher.compiled` and
the public methods :meth:`Matcher.token_info`, :meth:`Matcher.raw_bytes`,
:meth:`Matcher.count_rows`, :meth:`Matcher.phrase_candidates`,
:meth:`Matcher.spanned` and :meth:`Matcher.resolve`.

Context rules, lexicon exceptions and scare quotes
(:mod:`framing.lexicon.model`) are compiled into :class:`ContextRules`
(``CompiledLexicon.context``; None for a lexicon without them, whose
paths are unchanged).  :meth:`Matcher.find` applies them token by token
(every candidate of every entry, the rules, then the shared resolution):
that is the reference.  The fast paths (:meth:`Matcher.count` and the
batch path) apply them as a filter on their own candidates before
resolution (:meth:`Matcher.context_filter`): the occurrences of tokens of
entries with rules (:meth:`Matcher.ruled_singles`) are checked one by one
against the previous and next tokens of the prepared text (every entry
of the token, so a failed rule lets another entry match), phrase
candidates with rules likewise, and a second small automaton finds the
lexicon's exceptions, whose tokens no candidate may overlap.  Scare
quotes: a text is scanned for a pair of double quote marks that could
enclose one (:meth:`Matcher.needs_token_path`); only the paragraphs with
such a pair are read by :func:`framing.quotes.quote_spans`
(:meth:`Matcher.scare_spans`), and the quotations' marks (each one ``"``
byte in the raw bytes) are mapped to the prepared text
(:meth:`Matcher.byte_positions`), where the candidate's tokens, its
sentence and the attribution window are read
(:meth:`Matcher.scare_candidates`); a scare quote then competes like a
phrase.  A text whose marks cannot be mapped that way (it holds another
character that folds to ``"``) takes the token path.  Tests compare the
fast paths with :meth:`Matcher.find` on generated texts and lexicons.

Matching semantics are documented in :mod:`framing.lexicon`.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, reduce
from itertools import chain
from types import MappingProxyType
from typing import Mapping, NamedTuple

import ahocorasick
import ahocorasick_rs
import numpy as np

from ..lexicon.model import ATTRIBUTION_WORDS, CONSTRAINTS, SCARE_QUOTE, SCARE_QUOTE_CONTEXT, Entry, Lexicon, fold_word
from ..quotes import quote_spans, voice_at
from ..text import check_segmentation, segmenter_version, fold_for_scan, fold_with_offsets, folded_tokens, term_tokens
from ..vocab import DEFAULTS, VOICES

__all__ = [
    "Matcher", "CompiledLexicon", "ScanKey", "TokenInfo", "Counts", "RawHit", "VOICES", "compile_lexicon",
    "CompileInfo", "TOKEN_BYTES", "BATCH_TABLE", "EXACT_TOKENS_MAX", "ContextRules",
]

TOKEN_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789" + bytes(range(0x80, 0x100))


def _byte_table() -> bytes:
    table = bytearray(b" " * 256)
    for c in TOKEN_BYTES:
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32
    table[ord("'")] = ord("'")
    table[ord(".")] = ord(".")
    table[ord("!")] = ord("|")
    table[ord("?")] = ord("|")
    table[1] = 1
    table[2] = 2
    return bytes(table)


_TABLE = _byte_table()
#: The byte table of the batch path (:mod:`framing.match.batch`), which
#: joins documents with a separator containing \x03 that this table keeps
#: (texts that contain \x01-\x03 themselves are counted one by one).
BATCH_TABLE = _TABLE[:3] + b"\x03" + _TABLE[4:]
_TOK_CLASS = rb"a-z0-9\x80-\xff"
_DOT_BREAK = re.compile(rb"\.(?:(?![" + _TOK_CLASS + rb"])|(?<![" + _TOK_CLASS + rb"]\.))")
_APOS_SEP = re.compile(rb"'(?:(?![" + _TOK_CLASS + rb"])|(?<![" + _TOK_CLASS + rb"]'))")
_OPEN, _CLOSE = b"\x01", b"\x02"
_CACHE_LIMIT = 400_000
# What may follow a phrase's word when the separator before the next word
# is not exactly one space: a second space (a run of them, from
# punctuation) or a quote marker.  Keys ending so send their place to the
# verified (trie) path.
_LOOSE_SEPARATORS = ("  ", " \x01", " \x02")
# the token after a loose separator (spaces and quote markers skipped)
_NEXT_TOKEN = re.compile("[ \x01\x02]*([^ ]*)")
# Weights that are multiples of 2**-10 no larger than 2**20 in magnitude
# sum exactly (every partial sum is a representable double while a text
# has fewer than 2**23 tokens), so their sums do not depend on the order
# of the additions and hits can be summed per token instead of one by one.
_EXACT_WEIGHT_SCALE, _EXACT_WEIGHT_MAX = 2.0**10, 2.0**20
#: Texts of this many characters or more have their weights summed in
#: text order (see :attr:`CompiledLexicon.exact_weights`).
EXACT_TOKENS_MAX = 2**23


def _latin(raw: bytes) -> str:
    """Bytes as a str of the same length (one character per byte): the
    automaton searches str, and positions must stay byte positions."""
    return raw.decode("latin-1")


def _variants(words: tuple[str, ...]) -> list[str]:
    """Every way to write exact ``words`` as tokens joined by single
    spaces, each word alone or with a possessive ``'s``."""
    out = [""]
    for word in words:
        out = [f"{head} {form}" if head else form for head in out for form in (word, word + "'s")]
    return out


class _PhraseNode:
    """A word-level trie over phrase patterns (exact words and globs)."""

    __slots__ = ("exact", "globs", "glob_lengths", "ends")

    def __init__(self) -> None:
        self.exact: dict[str, _PhraseNode] = {}
        self.globs: dict[str, _PhraseNode] = {}
        self.glob_lengths: list[int] = []
        self.ends: list[int] = []

    def add(self, pattern: tuple[str, ...], entry: int) -> None:
        node = self
        for word in pattern:
            if word.endswith("*"):
                prefix = word[:-1]
                if prefix not in node.globs:
                    node.globs[prefix] = _PhraseNode()
                    node.glob_lengths = sorted({*node.glob_lengths, len(prefix)})
                node = node.globs[prefix]
            else:
                node = node.exact.setdefault(word, _PhraseNode())
        node.ends.append(entry)

    def step(self, norm: str) -> list["_PhraseNode"]:
        """Children whose word matches the token ``norm``."""
        out = []
        child = self.exact.get(norm)
        if child is not None:
            out.append(child)
        if norm.endswith("'s"):
            child = self.exact.get(norm[:-2])
            if child is not None:
                out.append(child)
        for length in self.glob_lengths:
            if length > len(norm):
                break
            child = self.globs.get(norm[:length])
            if child is not None:
                out.append(child)
        return out

    def walk(self, norms: list[str]) -> list[tuple[int, int]]:
        """``(entry, n_words)`` for every phrase matching a prefix of
        ``norms`` (at least two words)."""
        found = []
        frontier = [self]
        for depth, norm in enumerate(norms, start=1):
            nxt = []
            for node in frontier:
                nxt.extend(node.step(norm))
            if not nxt:
                break
            if depth >= 2:
                for node in nxt:
                    found.extend((entry, depth) for entry in node.ends)
            frontier = nxt
        return found


@dataclass(frozen=True, slots=True)
class Counts:
    """Per-category results for one text and one voice.

    ``count`` excludes negated hits; ``negated`` counts them apart;
    ``weight`` sums the weights of the counted (non-negated) hits;
    ``tokens`` is the denominator for that voice.
    """

    count: np.ndarray
    negated: np.ndarray
    weight: np.ndarray
    tokens: int


def _counts(count: list[int], negated: list[int], weight: list[float], tokens: int) -> Counts:
    return Counts(np.array(count, dtype=np.int64), np.array(negated, dtype=np.int64), np.array(weight), tokens)


@dataclass(frozen=True, slots=True)
class RawHit:
    """A resolved hit before it is attached to a document."""

    category: str
    entry: str
    start: int
    end: int
    sentence: int
    negated: bool
    weight: float
    #: a scare quote (:data:`framing.lexicon.model.SCARE_QUOTE`): in the
    #: outlet's voice although its words are quoted
    scare_quote: bool = False


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What a lexicon makes of one token (see :meth:`Matcher.token_info`).

    ``norm`` is the folded token; ``singles`` holds ``(category index,
    entry index)`` of the best single-word entry per category the token
    matches; ``phrase_start`` says it matches the first word of some
    phrase; ``negator`` that it is one of the lexicon's negators or ends
    in ``n't``; ``windowed`` that some of ``singles`` is in a category
    with a negation window.
    """

    norm: str
    singles: tuple[tuple[int, int], ...]
    phrase_start: bool
    negator: bool
    windowed: bool


class ScanKey(NamedTuple):
    """One key of the automaton of a :class:`CompiledLexicon` (the value
    the scan yields is the key's index in ``CompiledLexicon.keys``).

    ``size`` is the key's length in bytes.  ``single`` (not None) says the
    key finds a single-word entry or a negator: the token itself (`` word ``
    / `` word's ``) or ``""`` for the prefix of a glob (the token is then
    read from the text).  ``full`` (not None) says the key is a whole phrase
    written with single spaces: ``(offset of the last word, number of
    words, entries whose last word is exact, entries whose last word is a
    glob)``; an exact last word still needs a space or ``'s `` after the
    key.  ``loose`` (not None) says the key is the start of a phrase that
    the full keys cannot see (its leading words followed by a separator
    other than one space, or its words up to a glob that is not the last
    word): a ``frozenset`` of the exact words that may come next, or
    ``True`` when a glob may; such a place is walked in the word trie.
    """

    size: int
    single: str | None
    full: tuple[int, int, tuple[int, ...], tuple[int, ...]] | None
    loose: frozenset[str] | bool | None


def _readonly(values, dtype) -> np.ndarray:
    arr = np.array(values, dtype=dtype)
    arr.setflags(write=False)
    return arr


_DOUBLE_MARK = re.compile('["\u201c\u201d\u201e\u201f\u00ab\u00bb]')
_PARAGRAPH_ENDS = "\n\r\u2028\u2029"
_PARAGRAPH_END = re.compile("[\n\r\u2028\u2029]")
_RARE_PARAGRAPH_END = re.compile("[\r\u2028\u2029]")
_DOUBLE_CHARS = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'
_DOUBLE_CLOSERS = "\u201d\u00bb"
# characters other than the double quote marks that fold to ``"``
_OTHER_DOUBLE = re.compile("[\u2033\u301d\u301e\uff02]")
# characters before a straight double quote that make it open (framing.quotes)
_OPEN_BEFORE = frozenset("([{<-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
# a whitespace-delimited chunk holding a letter or digit (at least one token)
_WORDY_CHUNK = re.compile(r"\S*?[^\W_]\S*")


def _word_ok(word: str, norm: str) -> bool:
    """Does the token ``norm`` match the pattern word ``word`` (exact, with
    a possessive ``'s``, or a ``*`` glob)?"""
    if word.endswith("*"):
        return norm.startswith(word[:-1])
    return norm == word or norm == word + "'s"


def _any_word(words: tuple[str, ...], norm: str) -> bool:
    return any(_word_ok(word, norm) for word in words)


def _occurs(pattern: tuple[str, ...], at: int, norms: list[str], sentences: list[int]) -> bool:
    """Does ``pattern`` match the tokens from ``at`` on, in one sentence?"""
    stop = at + len(pattern)
    if at < 0 or stop > len(norms) or sentences[stop - 1] != sentences[at]:
        return False
    return all(_word_ok(word, norms[at + k]) for k, word in enumerate(pattern))


def _ends_with(patterns: tuple[tuple[str, ...], ...], before: list[str]) -> bool:
    """Does one of ``patterns`` match the tokens ``before`` a scare quote
    (nearest first, in its sentence) right up to it?"""
    return any(len(p) <= len(before) and all(_word_ok(p[-1 - k], before[k]) for k in range(len(p)))
               for p in patterns)


@dataclass(frozen=True, eq=False)
class ContextRules:
    """The context rules of a lexicon compiled for matching
    (:attr:`CompiledLexicon.context`; see :mod:`framing.lexicon.model`).

    Attributes
    ----------
    rules : mapping of int to tuple
        Per entry index with rules: its ``followed_by``,
        ``not_followed_by``, ``preceded_by``, ``not_preceded_by`` (folded
        words) and its exception patterns.
    exceptions : tuple of tuple of str
        The lexicon's exception patterns.
    scare : tuple of (int, int, tuple)
        ``(category index, scare_quote_max_words, preceding phrases)`` per
        scare-quote category (the folded ``scare_quote_preceded_by``
        patterns; empty: no restriction).
    scare_max : int
        The largest ``scare_quote_max_words`` (0: no scare quotes).
    automaton : ahocorasick.Automaton or None
        Keys for the first words of the entries with rules and of the
        lexicon's exceptions, in the fast path's prepared text (None when
        there are none): a text without a match cannot be affected by them.
    """

    rules: Mapping[int, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...],
                              tuple[tuple[str, ...], ...]]]
    exceptions: tuple[tuple[str, ...], ...]
    scare: tuple[tuple[int, int, tuple[tuple[str, ...], ...]], ...]
    scare_max: int
    automaton: "ahocorasick.Automaton | None" = field(repr=False)
    #: keys for the first words of the lexicon's exceptions (None without
    #: exceptions); a value is ``(key size, exception indices)``
    exception_automaton: "ahocorasick.Automaton | None" = field(default=None, repr=False)

    @property
    def exception_max(self) -> int:
        """Words of the longest lexicon exception (0: none)."""
        return max((len(p) for p in self.exceptions), default=0)

    @classmethod
    def build(cls, lexicon: Lexicon, entries: tuple[Entry, ...] | None = None, *,
              segmentation: str = "char") -> "ContextRules | None":
        """The rules of ``lexicon`` (its ``entries`` with their patterns
        under ``segmentation``, default the lexicon's own), or None when it
        has none."""
        if not lexicon.has_context:
            return None
        rules = {}
        firsts: set[str] = set()
        for i, entry in enumerate(lexicon.entries if entries is None else entries):
            if entry.has_context:
                rules[i] = (
                    *(tuple(fold_word(w) for w in getattr(entry, name)) for name in CONSTRAINTS),
                    tuple(term_tokens(p, segmentation=segmentation) for p in entry.exceptions),
                )
                firsts.add(entry.pattern[0])
        exceptions = tuple(term_tokens(p, segmentation=segmentation) for p in lexicon.exceptions)
        firsts.update(p[0] for p in exceptions)
        scare = tuple((k, c.scare_quote_max_words,
                       tuple(term_tokens(p, segmentation=segmentation) for p in c.scare_quote_preceded_by))
                      for k, c in enumerate(lexicon.categories) if c.scare_quotes)
        automaton = None
        if firsts:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
            for word in sorted(firsts):
                keys = (f" {word[:-1]}",) if word.endswith("*") else (f" {word} ", f" {word}'s ")
                for key in keys:
                    automaton.add_word(_latin(key.encode("utf-8")), 0)
            automaton.make_automaton()
        exception_automaton = None
        if exceptions:
            by_key: dict[str, list[int]] = {}
            for k, pattern in enumerate(exceptions):
                word = pattern[0]
                keys = (f" {word[:-1]}",) if word.endswith("*") else (f" {word} ", f" {word}'s ")
                for key in keys:
                    by_key.setdefault(_latin(key.encode("utf-8")), []).append(k)
            exception_automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
            for key, found in sorted(by_key.items()):
                exception_automaton.add_word(key, (len(key), tuple(found)))
            exception_automaton.make_automaton()
        return cls(MappingProxyType(rules), exceptions, scare, max((m for _, m, _ in scare), default=0), automaton,
                   exception_automaton)


@dataclass(frozen=True, eq=False)
class CompiledLexicon:
    """A lexicon compiled for matching: built once per lexicon by
    :meth:`CompiledLexicon.build` (through :class:`Matcher` and
    :func:`compile_lexicon`), read by the per-text path of
    :class:`Matcher` and by the batch path of :mod:`framing.match.batch`.

    Categories and entries are indexed in lexicon order.  Strings in
    ``keys`` and ``exact``/``globs`` are as the fast path sees tokens:
    latin-1 strs of UTF-8 bytes for keys, folded words for the tables.
    The numpy arrays are read-only.

    Attributes
    ----------
    lexicon : Lexicon
    categories : tuple of str
        Category names.
    entries : tuple of Entry
    windows : tuple of int
        Negation window per category (0: none).
    entry_category : tuple of int
        Category index per entry.
    entry_weight : tuple of float
        Weight per entry.
    rank : tuple
        Per entry, its tie-break key (fewer globs, longer words, then the
        term, then lexicon order; see :mod:`framing.lexicon.model`).
    negators : frozenset of str
    has_negation : bool
        Some category has a negation window.
    scope_lexicon : bool
        ``nested_scope == "lexicon"``.
    exact_weights : bool
        Every weight is a multiple of 2**-10 no larger than 2**20 in
        magnitude, so weights sum exactly in any order (the batch path
        needs this).
    exact, globs : mapping of str to tuple of int
        Single-word entries by word / by glob prefix.
    glob_lengths : tuple of int
        The distinct glob prefix lengths, ascending.
    max_phrase : int
        Words of the longest entry.
    automaton : ahocorasick.Automaton
        One automaton for every candidate of the fast path; its values
        index ``keys``.
    keys : tuple of ScanKey
    key_bytes : tuple of bytes
        The automaton's keys as bytes, in the order of ``keys`` (what
        :attr:`batch_scanner` is built from).
    nt_key : int
        The key of ``n't `` ending a token (a negator whatever the
        lexicon says), or -1 when no category has a negation window.
    key_size, key_single, key_phrase : ndarray
        ``keys`` as arrays: length, finds a single-word candidate, is a
        phrase (full or loose) key.
    follow_row, follow_first : ndarray
        For loose keys that name the words that may come next (and are
        nothing else): ``follow_first[follow_row[key], byte]`` says a word
        that may follow starts with ``byte`` (-1 rows: no such test).
    window_array, entry_category_array, entry_weight_array : ndarray
        ``windows``, ``entry_category`` and ``entry_weight`` as arrays.
    context : ContextRules or None
        The context rules, exceptions and scare-quote categories (None
        when the lexicon has none).
    segmentation : str
        How Han/Kana runs are cut into tokens, in texts and in the terms
        (:data:`framing.text.SEGMENTATIONS`): under ``"jieba"`` ``entries``
        carry their terms' patterns re-split by jieba.
    """

    lexicon: Lexicon
    categories: tuple[str, ...]
    entries: tuple[Entry, ...]
    windows: tuple[int, ...]
    entry_category: tuple[int, ...]
    entry_weight: tuple[float, ...]
    rank: tuple[tuple, ...]
    negators: frozenset[str]
    has_negation: bool
    scope_lexicon: bool
    exact_weights: bool
    exact: Mapping[str, tuple[int, ...]]
    globs: Mapping[str, tuple[int, ...]]
    glob_lengths: tuple[int, ...]
    phrase_trie: "_PhraseNode" = field(repr=False)
    max_phrase: int
    automaton: ahocorasick.Automaton = field(repr=False)
    keys: tuple[ScanKey, ...] = field(repr=False)
    key_bytes: tuple[bytes, ...] = field(repr=False)
    nt_key: int
    key_size: np.ndarray = field(repr=False)
    key_single: np.ndarray = field(repr=False)
    key_phrase: np.ndarray = field(repr=False)
    follow_row: np.ndarray = field(repr=False)
    follow_first: np.ndarray = field(repr=False)
    window_array: np.ndarray = field(repr=False)
    entry_category_array: np.ndarray = field(repr=False)
    entry_weight_array: np.ndarray = field(repr=False)
    context: ContextRules | None = field(default=None, repr=False)
    segmentation: str = "char"

    @classmethod
    def build(cls, lexicon: Lexicon, *, segmentation: str = "char") -> "CompiledLexicon":
        """Compile ``lexicon`` (every call compiles afresh; use
        :func:`compile_lexicon` to compile a lexicon once per process).
        ``segmentation`` (:data:`framing.text.SEGMENTATIONS`) splits the
        terms' Han/Kana as the texts' are split."""
        if not isinstance(lexicon, Lexicon):
            raise TypeError(f"lexicon: expected a framing.lexicon.Lexicon, got {type(lexicon).__name__}")
        segmentation = check_segmentation(segmentation)
        segmenter_version(segmentation)  # jieba missing: an ImportError naming the extra, before any text
        categories = lexicon.category_names
        cat_index = {name: i for i, name in enumerate(categories)}
        windows = tuple(c.negation_window for c in lexicon.categories)
        entries = lexicon.entries
        if segmentation != "char":
            entries = tuple(
                dataclasses.replace(e, pattern=pattern) if pattern != e.pattern else e
                for e in entries
                for pattern in (term_tokens(e.term, segmentation=segmentation),)
            )
        has_negation = any(windows)
        exact: dict[str, list[int]] = {}
        globs: dict[str, list[int]] = {}
        trie = _PhraseNode()
        max_phrase = 1
        for i, entry in enumerate(entries):
            if entry.is_phrase:
                trie.add(entry.pattern, i)
                max_phrase = max(max_phrase, len(entry.pattern))
            else:
                word = entry.pattern[0]
                target = globs if word.endswith("*") else exact
                target.setdefault(word.rstrip("*"), []).append(i)
        weights = tuple(e.weight for e in entries)
        negators = frozenset(lexicon.negators)
        keys, key_bytes, automaton, nt_key = _compile_scanner(entries, exact, globs, negators if has_negation else ())
        follow_row = np.full(len(keys), -1, dtype=np.int64)
        firsts = []
        for kid, key in enumerate(keys):
            if key.single is None and key.full is None and isinstance(key.loose, frozenset):
                row = np.zeros(256, dtype=bool)
                row[[ord(word[0]) for word in key.loose if word]] = True
                follow_row[kid] = len(firsts)
                firsts.append(row)
        follow_row.setflags(write=False)
        entry_category = tuple(cat_index[e.category] for e in entries)
        return cls(
            lexicon=lexicon,
            categories=categories,
            entries=entries,
            windows=windows,
            entry_category=entry_category,
            entry_weight=weights,
            rank=tuple(
                (sum(w.endswith("*") for w in e.pattern), -sum(len(w) for w in e.pattern), e.term, i)
                for i, e in enumerate(entries)
            ),
            negators=negators,
            has_negation=has_negation,
            scope_lexicon=lexicon.nested_scope == "lexicon",
            exact_weights=all(abs(w) <= _EXACT_WEIGHT_MAX and (w * _EXACT_WEIGHT_SCALE).is_integer() for w in weights),
            exact=MappingProxyType({k: tuple(v) for k, v in exact.items()}),
            globs=MappingProxyType({k: tuple(v) for k, v in globs.items()}),
            glob_lengths=tuple(sorted({len(k) for k in globs})),
            phrase_trie=trie,
            max_phrase=max_phrase,
            automaton=automaton,
            keys=keys,
            key_bytes=key_bytes,
            nt_key=nt_key,
            key_size=_readonly([k.size for k in keys], np.int64),
            key_single=_readonly([k.single is not None for k in keys], bool),
            key_phrase=_readonly([k.full is not None or k.loose is not None for k in keys], bool),
            follow_row=follow_row,
            follow_first=_readonly(firsts, bool).reshape(len(firsts), 256),
            window_array=_readonly(windows, np.int64),
            entry_category_array=_readonly(entry_category, np.int64),
            entry_weight_array=_readonly(weights, np.float64),
            context=ContextRules.build(lexicon, entries, segmentation=segmentation),
            segmentation=segmentation,
        )

    @cached_property
    def batch_scanner(self) -> "ahocorasick_rs.BytesAhoCorasick | None":
        """The batch path's automaton (:meth:`scan_bytes`): ``key_bytes``
        in a DFA of :mod:`ahocorasick_rs` (the Rust ``aho-corasick``
        crate), which scans news text about 2.4 times as fast as
        :attr:`automaton` and finds the same matches.  Built on first use
        and kept (about 13 MB for 15,000 keys); it cannot be pickled, and
        needs not be: a :class:`Matcher` pickles as its lexicon and is
        compiled afresh in the receiving process, which builds its own.
        None when the lexicon has no keys (scare-quote categories only).

        The per-text path keeps :attr:`automaton` (pyahocorasick): on one
        short text at a time it is as fast, and it searches the latin-1
        str that path works on.
        """
        if not self.key_bytes:
            return None
        return ahocorasick_rs.BytesAhoCorasick(
            list(self.key_bytes),
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.DFA,
        )

    def scan_bytes(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Every occurrence of every key in ``data``, overlapping ones
        included, by :attr:`batch_scanner`.

        Returns
        -------
        end, key : ndarray of int64
            Per occurrence, the position of its last byte and its key's
            index in ``keys``; ordered as :attr:`automaton` yields them
            on ``data.decode("latin-1")``: by end, then longest key first
            (two keys of one length ending at one place are one key).
        """
        scanner = self.batch_scanner
        if scanner is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        # (key, start, end exclusive) triples flattened into one array
        found = np.fromiter(
            chain.from_iterable(scanner.find_matches_as_indexes(data, overlapping=True)), dtype=np.int64
        )
        key = found[0::3]
        end = found[2::3] - 1
        if len(end) > 1:
            size = self.key_size[key]
            step = np.diff(end)
            if not np.all((step > 0) | ((step == 0) & (size[1:] < size[:-1]))):
                order = np.lexsort((-size, end))
                end, key = end[order], key[order]
        return end, key


def _compile_scanner(entries, exact, globs, negators) -> tuple[tuple[ScanKey, ...], tuple[bytes, ...],
                                                              ahocorasick.Automaton, int]:
    """The keys (:class:`ScanKey`), the keys as bytes (in the same
    order), the automaton over them and the index of the ``n't`` key (-1
    without negators).

    Keys are latin-1 strs of UTF-8 bytes, so that positions in the
    searched string are byte positions.
    """
    slots: dict[str, list] = {}

    def slot(key: str) -> list:
        return slots.setdefault(_latin(key.encode("utf-8")), [None, None, None])

    def add_loose(key: str, following: str | None) -> None:
        entry = slot(key)
        if following is None or entry[2] is True:
            entry[2] = True
        else:
            entry[2] = (entry[2] or set()) | {_latin(following.encode("utf-8"))}

    for word in (*exact, *negators):
        for token in (word, word + "'s"):
            slot(f" {token} ")[0] = _latin(token.encode("utf-8"))
    for prefix in globs:
        slot(f" {prefix}")[0] = ""
    full: dict[str, tuple[int, int, list[int], list[int]]] = {}
    for i, entry in enumerate(entries):
        if not entry.is_phrase:
            continue
        words = entry.pattern
        first_glob = next((k for k, w in enumerate(words) if w.endswith("*")), len(words))
        # separators other than one space after any leading exact word
        for k in range(1, min(first_glob, len(words) - 1) + 1):
            following = None if words[k].endswith("*") else words[k]
            for head in _variants(words[:k]):
                for sep in _LOOSE_SEPARATORS:
                    add_loose(f" {head}{sep}", following)
        if first_glob < len(words) - 1:
            for head in _variants(words[:first_glob]):
                glob = words[first_glob][:-1]
                add_loose(f" {head} {glob}" if head else f" {glob}", None)
            continue
        last = words[-1]
        for head in _variants(words[:-1]):
            key = f" {head} {last.rstrip('*')}"
            offset = len(f" {head} ".encode("utf-8")) - 1
            group = full.setdefault(key, (offset, len(words), [], []))
            group[3 if last.endswith("*") else 2].append(i)
    for key, (offset, n, exact_last, glob_last) in full.items():
        slot(key)[1] = (offset, n, tuple(exact_last), tuple(glob_last))
    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
    keys: list[ScanKey] = []
    key_bytes: list[bytes] = []
    for key, (single, whole, loose) in slots.items():
        if isinstance(loose, set):
            loose = frozenset(loose)
        automaton.add_word(key, len(keys))
        keys.append(ScanKey(len(key), single, whole, loose))
        key_bytes.append(key.encode("latin-1"))
    # ``n't`` ending a token: a negator whatever the lexicon says.  The
    # per-text path looks these up only where a hit needs them; the
    # batch path takes their places from the scan.  (Every other key
    # starts with a space, so no other key is this one.)
    nt_key = -1
    if negators:
        nt_key = len(keys)
        automaton.add_word("n't ", nt_key)
        keys.append(ScanKey(4, None, None, None))
        key_bytes.append(b"n't ")
    if not keys:
        # a lexicon of scare-quote categories only: a key that no prepared
        # text holds (byte 0 is blanked), so the scan finds nothing
        automaton.add_word("\x00", -1)
    automaton.make_automaton()
    return tuple(keys), tuple(key_bytes), automaton, nt_key


class Matcher:
    """A lexicon compiled for fast, exact matching.

    Parameters
    ----------
    lexicon : Lexicon
        A validated lexicon (:mod:`framing.lexicon.files` reads files).
        Every construction compiles; :func:`compile_lexicon` gives the one
        matcher of a lexicon per process.
    segmentation : {"char", "jieba"}, default "char"
        How runs of Han/Kana become tokens, in the texts (every count's
        denominator) and in the lexicon's terms (:mod:`framing.text`):
        one token per character, or jieba's dictionary words (extra
        ``framing-toolkit[cjk]``).  Texts without Han/Kana are matched
        alike under both.

    Attributes
    ----------
    lexicon : Lexicon
    compiled : CompiledLexicon
        The compiled structure (built once, here).
    categories : tuple of str
    entries : tuple of Entry
        The lexicon's entries, their patterns under ``segmentation``.
    segmentation : str

    Notes
    -----
    A matcher is cheap to pickle: it pickles its lexicon and is rebuilt
    by :func:`compile_lexicon` in the receiving process, so it can be
    sent to worker processes.  Copies (``copy``/``deepcopy``, scikit-learn's
    ``clone``) are the matcher itself: it never changes what it matches.
    """

    def __init__(self, lexicon: Lexicon, *, segmentation: str = "char") -> None:
        if not isinstance(lexicon, Lexicon):
            raise TypeError(f"lexicon: expected a framing.lexicon.Lexicon, got {type(lexicon).__name__}")
        compiled = CompiledLexicon.build(lexicon, segmentation=segmentation)
        self.lexicon = lexicon
        self.compiled = compiled
        self.segmentation: str = compiled.segmentation
        self.categories: tuple[str, ...] = compiled.categories
        self.entries: tuple[Entry, ...] = compiled.entries
        # short names for the hot paths below (views of ``compiled``)
        self._cat_index = {name: i for i, name in enumerate(self.categories)}
        self._windows = compiled.windows
        self._has_negation = compiled.has_negation
        self._scope_lexicon = compiled.scope_lexicon
        self._entry_cat = compiled.entry_category
        self._rank = compiled.rank
        self._negators = compiled.negators
        self._phrase_trie = compiled.phrase_trie
        self._max_phrase = compiled.max_phrase
        self._exact, self._globs = compiled.exact, compiled.globs
        self._glob_lengths = compiled.glob_lengths
        self._weights = compiled.entry_weight
        self._exact_weights = compiled.exact_weights
        self._keys = compiled.keys
        self._scanner = compiled.automaton
        self._context = compiled.context
        if self._context is not None:
            # scare quotes resolve as pseudo-entries ``len(entries) + category``
            # that lose ties to every real entry
            self._rank = (*self._rank, *((10**9, 0, "", len(self.entries) + k) for k in range(len(self.categories))))
            self._entry_cat = (*self._entry_cat, *range(len(self.categories)))
            self._weights = (*self._weights, *(1.0 for _ in self.categories))
        # token (as a latin-1 str of its UTF-8 bytes) -> classification
        self._info: dict[str, TokenInfo | None] = {}
        # folded token -> every single-word entry it matches (context path)
        self._singles: dict[str, tuple[int, ...]] = {}
        # token (latin-1 str) -> its single-word entries when one has rules, else ()
        self._ruled: dict[str, tuple[int, ...]] = {}

    # -- pickling: ship the lexicon, rebuild in the worker ------------------
    def __reduce__(self):
        return (_rebuild, (self.lexicon, self.segmentation))

    def __copy__(self) -> "Matcher":
        return self

    def __repr__(self) -> str:
        lex = self.lexicon
        version = f" {lex.version}" if lex.version else ""
        seg = "" if self.segmentation == "char" else f", segmentation {self.segmentation!r}"
        return f"Matcher({lex.name!r}{version}: {len(self.categories)} categories, {len(self.entries)} entries{seg})"

    def __deepcopy__(self, memo) -> "Matcher":
        return self

    # -- token classification (cached per distinct token) -------------------
    def _classify(self, norm: str) -> TokenInfo | None:
        candidates: list[int] = []
        keys = [norm]
        if norm.endswith("'s"):
            keys.append(norm[:-2])
        for key in keys:
            candidates.extend(self._exact.get(key, ()))
        for length in self._glob_lengths:
            if length > len(norm):
                break
            candidates.extend(self._globs.get(norm[:length], ()))
        phrase_start = bool(self._phrase_trie.step(norm))
        negator = self._is_negator(norm)
        if not candidates and not phrase_start and not negator:
            return None
        best: dict[int, int] = {}
        for i in candidates:
            cat = self._entry_cat[i]
            if cat not in best or self._rank[i] < self._rank[best[cat]]:
                best[cat] = i
        windowed = any(self._windows[cat] for cat in best)
        return TokenInfo(norm, tuple(sorted(best.items())), phrase_start, negator, windowed)

    def token_info(self, token: str) -> TokenInfo | None:
        """Classification of a token given as a latin-1 str of its UTF-8
        bytes (how the fast path sees it), cached."""
        try:
            return self._info[token]
        except KeyError:
            if len(self._info) >= _CACHE_LIMIT:
                self._info.clear()
            info = self._classify(token.encode("latin-1").decode("utf-8"))
            self._info[token] = info
            return info

    def _is_negator(self, norm: str) -> bool:
        return norm in self._negators or norm.endswith("n't")

    def _token_negated(self, first: int, window: int, norms: list[str], sentences: list[int]) -> bool:
        """Whether a negator stands among the ``window`` tokens before token
        ``first`` in its sentence (the token path's negation rule)."""
        k = first - 1
        while k >= 0 and k >= first - window and sentences[k] == sentences[first]:
            if self._is_negator(norms[k]):
                return True
            k -= 1
        return False

    # -- shared resolution --------------------------------------------------

    def resolve(self, cands: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
        """Leftmost-longest resolution (sorts ``cands`` in place).

        ``cands`` holds ``(start_key, last_key, ntokens, entry_index)``
        where keys are positions of the first and last token (any
        increasing measure).  Returns the kept candidates.
        """
        if not cands:
            return []
        cands.sort(key=lambda c: (c[0], -c[2], self._rank[c[3]]))
        kept: list[tuple[int, int, int, int]] = []
        if self._scope_lexicon:
            last = -1
            i = 0
            while i < len(cands):
                start, _, length, _ = cands[i]
                j = i
                while j < len(cands) and cands[j][0] == start:
                    j += 1
                if start > last:
                    seen: set[int] = set()
                    for cand in cands[i:j]:
                        if cand[2] != length:
                            break
                        cat = self._entry_cat[cand[3]]
                        if cat not in seen:
                            seen.add(cat)
                            kept.append(cand)
                    last = cands[i][1]
                i = j
            return kept
        last_by_cat: dict[int, int] = {}
        for cand in cands:
            cat = self._entry_cat[cand[3]]
            if cand[0] > last_by_cat.get(cat, -1):
                kept.append(cand)
                last_by_cat[cat] = cand[1]
        return kept

    # -- fast path ----------------------------------------------------------
    def _prepare(self, text: str) -> bytes:
        return self._bytes(self._raw(text, self.segmentation))

    @staticmethod
    def _raw(text: str, segmentation: str = "char") -> bytes:
        """The folded text as UTF-8 with every non-ASCII character that is
        not a token character blanked and Han/Kana tokens set apart
        (:func:`framing.text.fold_for_scan`)."""
        # ``fold_for_scan`` leaves ASCII capitals alone: ``_TABLE`` lowers them
        return fold_for_scan(text, segmentation=segmentation).encode("utf-8")

    @staticmethod
    def _bytes(raw: bytes, table: bytes = _TABLE) -> bytes:
        """The space-delimited byte string of :meth:`_raw` bytes: tokens
        as runs of non-space bytes, sentence breaks as `` | ``.  Every rule
        looks at most one byte to each side, so pieces of ``raw`` joined
        by separators that start and end with a space come out as the
        pieces would alone, joined by the separators' own bytes."""
        b = (b" " + raw + b" ").translate(table)
        if b"." in b:
            # a full stop before a space never joins: the common case in C
            b = b.replace(b". ", b"| ")
            if b"." in b:
                b = _DOT_BREAK.sub(b"|", b)
        if b"'" in b:
            b = _APOS_SEP.sub(b" ", b)
        if b"|" in b:
            b = b.replace(b"|", b" | ")
        return b

    @staticmethod
    def _after(s: str, end: int, n: int) -> list[tuple[str, int]]:
        """Up to ``n`` ``(token, start)`` pairs after position ``end`` (the
        end of a token), skipping quote markers, stopping at a break."""
        out: list[tuple[str, int]] = []
        size = len(s)
        while len(out) < n:
            start = end
            while start < size and s[start] == " ":
                start += 1
            if start >= size:
                break
            end = s.index(" ", start)
            token = s[start:end]
            if token == "|":
                break
            if token != "\x01" and token != "\x02":
                out.append((token, start))
        return out

    def _phrases_at(self, s: str, start: int, end: int, info: TokenInfo) -> list[tuple[int, int, int, int]]:
        """Phrase matches whose first word is the token at ``[start, end)``."""
        after = self._after(s, end, self._max_phrase - 1)
        norms = [info.norm, *(self._norm_of(tok) for tok, _ in after)]
        return [
            (start, after[n - 2][1], n, entry) for entry, n in self._phrase_trie.walk(norms)
        ]

    def _scan(self, s: str) -> tuple[dict[str, list[int]], list[tuple[int, int, int, int]]]:
        """One pass of the automaton over the prepared text (as latin-1).

        Returns the start of every occurrence of every candidate token
        (single-word entries and negators), grouped by token in order of
        first occurrence, and every phrase match ``(start, start of the
        last word, words, entry)``.
        """
        positions: dict[str, list[int]] = {}
        others: list[tuple[int, int]] = []
        keys = self._keys
        last = -1
        index = s.index
        for end, kid in self._scanner.iter(s):
            size, single, full, follow = keys[kid]
            start = end - size + 2  # keys start with the space before the token
            if single is not None and start != last:
                # several keys (globs, the exact word) may end in one token
                last = start
                token = single or s[start : index(" ", start)]
                found = positions.get(token)
                if found is None:
                    positions[token] = [start]
                else:
                    found.append(start)
            if full is not None or follow is not None:
                others.append((end, kid))
        return positions, self.phrase_candidates(s, others)

    def phrase_candidates(self, s: str, matches) -> list[tuple[int, int, int, int]]:
        """Phrase matches ``(start, start of the last word, words, entry)``
        from the automaton's matches ``(end, key index)`` of phrase keys
        (full or loose; :attr:`CompiledLexicon.keys`) in the prepared text
        ``s`` (a latin-1 str of the byte string), in order of ``end``.

        Works on any prepared text, including many documents joined by
        separators: a phrase never reads past a sentence break.
        """
        keys = self._keys
        phrases: list[tuple[int, int, int, int]] = []
        loose: list[int] = []
        for end, kid in matches:
            size, _, full, follow = keys[kid]
            start = end - size + 2
            if full is not None:
                offset, n, exact_last, glob_last = full
                if exact_last and (s[end + 1] == " " or s.startswith("'s ", end + 1)):
                    phrases.extend([(start, start + offset, n, entry) for entry in exact_last])
                if glob_last:
                    phrases.extend([(start, start + offset, n, entry) for entry in glob_last])
            if follow is not None:
                if follow is not True:
                    # cheap test before the trie: the next token (past spaces
                    # and quote markers) must be a possible next word
                    token = _NEXT_TOKEN.match(s, end + 1).group(1)
                    if token not in follow and not (token.endswith("'s") and token[:-2] in follow):
                        continue
                loose.append(start)
        if loose:
            # The trie finds every phrase starting at a walked place, so the
            # full keys' matches there are dropped rather than doubled.
            walked: set[int] = set()
            found_there: list[tuple[int, int, int, int]] = []
            index = s.index
            for start in sorted(set(loose)):
                end = index(" ", start)
                info = self.token_info(s[start:end])
                if info is not None and info.phrase_start:
                    walked.add(start)
                    found_there.extend(self._phrases_at(s, start, end, info))
            if walked:
                phrases = [h for h in phrases if h[0] not in walked]
                phrases.extend(found_there)
        return phrases

    def spanned(self, s: str, phrase_hits) -> dict[int, set[int]]:
        """Token starts spanned by a phrase candidate of
        :meth:`phrase_candidates` in the prepared text ``s``, per category
        index (for ``nested_scope="lexicon"``: for every category, key -1)."""
        entry_cat = self._entry_cat
        spanned: dict[int, set[int]] = {}
        for first, last, n, entry in phrase_hits:
            key = -1 if self._scope_lexicon else entry_cat[entry]
            inside = spanned.setdefault(key, set())
            inside.update((first, last))
            if n > 2:
                inside.update(start for _, start in self._after(s, s.index(" ", first), n - 2))
        return spanned

    def count(self, text: str, *, quoted: tuple[tuple[int, int], ...] | None = None) -> dict[str, Counts]:
        """Count hits and tokens in ``text``.

        Parameters
        ----------
        text : str
        quoted : tuple of (start, end), optional
            Merged, sorted quoted-speech intervals (offsets into
            ``text``, from :func:`framing.quotes.quoted_intervals`).  When
            given (even empty), the result has the keys ``"all"``,
            ``"outlet"`` and ``"quoted"``; when None only ``"all"``.

        Returns
        -------
        dict of str to Counts
        """
        out: dict[str, Counts] = {}
        made: dict[int, Counts] = {}  # a voice that is the whole text shares its result
        for voice, row in self.count_rows(text, quoted).items():
            if id(row) not in made:
                made[id(row)] = _counts(*row)
            out[voice] = made[id(row)]
        return out

    def raw_bytes(self, text: str, quoted: tuple[tuple[int, int], ...] | None = None) -> bytes:
        """The folded text as UTF-8 with every non-ASCII character that is
        not a token character blanked and, when ``quoted`` is not empty,
        quote markers around the quoted intervals: the bytes the fast path
        reads before its byte rules (:mod:`framing.match.batch` joins these
        of many documents).  The raw bytes of a concatenation are the
        concatenation of the raw bytes."""
        return self._raw(self._mark(text, quoted) if quoted else text, self.segmentation)

    def count_rows(self, text: str, quoted) -> dict[str, tuple[list[int], list[int], list[float], int]]:
        """:meth:`count` as plain ``(count, negated, weight, tokens)`` rows
        (lists and an int: what the scorer copies into its arrays)."""
        original = text
        if quoted:
            text = self._mark(text, quoted)
        raw = self._raw(text, self.segmentation)
        b = self._bytes(raw)
        # token starts: a non-space byte after a space (``b`` starts with one);
        # ``starts[i]`` is true when a token starts at ``i + 1``
        nonspace = np.frombuffer(b, dtype=np.uint8) != 32
        starts = nonspace[1:] > nonspace[:-1]
        n_markers = 2 * len(quoted) if quoted else 0
        total_tokens = int(np.count_nonzero(starts)) - b.count(b"|") - n_markers
        s = _latin(b)
        context = self._context
        extra: list[tuple[int, int, int, int]] = []
        scare = ()
        if context is not None and context.scare_max:
            scare = self.scare_spans(original)
            if scare is None:
                return self._context_rows(original, quoted, b, starts, total_tokens)
        positions, phrase_hits = self._scan(s)
        info_of = self.token_info
        infos = []
        windowed = False
        for token, found in positions.items():
            info = info_of(token)
            if info is not None:
                infos.append((info, found, token))
                windowed = windowed or info.windowed
        if context is not None:
            # rules and exceptions drop candidates (never negators): the
            # tokens of entries with rules go to ``extra`` one occurrence
            # at a time, the rest keep the per-token counting
            ruled = []
            counted = infos
            if context.rules:
                counted = []
                for item in infos:
                    if self.ruled_singles(item[2]):
                        ruled.extend((start, item[2]) for start in item[1])
                    else:
                        counted.append(item)
            phrase_hits, extra, blocked = self.context_filter(s, phrase_hits, ruled)
            if scare:
                marks = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == ord('"'))
                if len(marks) != sum(original.count(c) for c in _DOUBLE_CHARS):
                    return self._context_rows(original, quoted, b, starts, total_tokens)
                marks = self.byte_positions(b, marks)
                # a scare quote competes like a phrase: it contests the tokens it spans
                phrase_hits.extend(self.scare_candidates(s, original, scare, marks, blocked))
            if blocked:
                blocked_set = set(blocked)
                counted = [(info, [p for p in found if p not in blocked_set], token) for info, found, token in counted]
            windowed = windowed or any(self._windows[self._entry_cat[h[3]]] for h in extra)
        negators = None
        if self._has_negation and (windowed or any(self._windows[self._entry_cat[h[3]]] for h in phrase_hits)):
            negators = self._negator_positions(infos)
            if not negators and b"n't " not in b:
                negators = None
        if context is not None:
            infos = [item for item in counted if item[1] and item[0].singles]
        exact = self._exact_weights and total_tokens < EXACT_TOKENS_MAX
        if not quoted and (exact or (not phrase_hits and context is None)):
            return self._voices(self._tally_simple(b, s, starts, infos, phrase_hits, negators, total_tokens, extra),
                                quoted)
        groups = self._kept_groups(phrase_hits, infos, extra)
        ncat = len(self.categories)
        if not quoted:
            return self._voices(self._tally(b, starts, groups, negators, None, total_tokens, ncat), quoted)
        opens, closes, quoted_tokens = self._quoted_tokens(b, starts)
        voices = self._tally(b, starts, groups, negators, (opens, closes), total_tokens, ncat)
        return {
            "all": voices[0],
            "outlet": (voices[1][0], voices[1][1], voices[1][2], total_tokens - quoted_tokens),
            "quoted": (voices[2][0], voices[2][1], voices[2][2], quoted_tokens),
        }

    @staticmethod
    def _quoted_tokens(b: bytes, starts: np.ndarray) -> tuple[list[int], list[int], int]:
        """The quote markers' places in ``b`` and the tokens between them."""
        opens = [m.start() for m in re.finditer(re.escape(_OPEN), b)]
        closes = [m.start() for m in re.finditer(re.escape(_CLOSE), b)]
        quoted_tokens = 0
        for o, c in zip(opens, closes):
            quoted_tokens += int(np.count_nonzero(starts[o : c - 1])) - b.count(b"|", o, c)
        return opens, closes, quoted_tokens

    @staticmethod
    def _mark(text: str, quoted) -> str:
        """``text`` with `` \x01 `` before and `` \x02 `` after each quoted
        interval (quote markers: tokens of their own)."""
        pieces = []
        pos = 0
        for q_start, q_end in quoted:
            pieces.append(text[pos:q_start])
            pieces.append(" \x01 ")
            pieces.append(text[q_start:q_end])
            pieces.append(" \x02 ")
            pos = q_end
        pieces.append(text[pos:])
        return "".join(pieces)

    def _kept_groups(self, phrase_hits, infos, extra=()) -> list[tuple[int, list[int]]]:
        """The resolved hits as ``(entry, starts)`` groups.

        Only a phrase can overlap another hit, so single-token hits of a
        category without a phrase hit in this text are all kept (under
        ``nested_scope="lexicon"`` that holds only when no phrase occurred
        at all); the rest go through :meth:`resolve`.
        """
        entry_cat = self._entry_cat
        contested = {entry_cat[h[3]] for h in phrase_hits}
        scope_lexicon = self._scope_lexicon and bool(phrase_hits)
        groups: list[tuple[int, list[int]]] = []
        cands = [*phrase_hits, *extra]
        for info, found, _ in infos:
            for cat, entry in info.singles:
                if scope_lexicon or cat in contested:
                    cands.extend([(start, start, 1, entry) for start in found])
                else:
                    groups.append((entry, found))
        groups.extend((k[3], [k[0]]) for k in self.resolve(cands))
        return groups

    def _voices(self, result, quoted) -> dict[str, tuple]:
        """The rows of a text with no quoted span: all of it is the
        outlet's voice (the split is returned only when asked for)."""
        if quoted is None:
            return {"all": result}
        ncat = len(self.categories)
        return {"all": result, "outlet": result, "quoted": ([0] * ncat, [0] * ncat, [0.0] * ncat, 0)}

    @staticmethod
    def _negator_positions(infos) -> list[tuple[int, int]]:
        """``(start, end)`` of every occurrence of the lexicon's negators
        (found by the scan), sorted.  Tokens ending in n't are looked up
        only where a hit needs them (:meth:`_negated_at`)."""
        return sorted((start, start + len(token)) for info, found, token in infos if info.negator for start in found)

    @staticmethod
    def _negated_at(b: bytes, starts: np.ndarray, start: int, window: int, negators: list[tuple[int, int]]) -> bool:
        """Is there a negator among the ``window`` tokens before the token
        at byte ``start``, in the same sentence?  Only the nearest negator
        before it matters (a farther one is farther in tokens too): the
        nearest of the lexicon's, or the nearest token ending in n't."""
        i = bisect_left(negators, (start, -1)) - 1
        neg_start, neg_end = negators[i] if i >= 0 else (-1, -1)
        pos = b.rfind(b"n't ", 0, start)
        if pos >= 0:
            token_start = b.rfind(b" ", 0, pos) + 1
            if token_start > neg_start:
                neg_start, neg_end = token_start, pos + 3
        if neg_start < 0:
            return False
        if start - neg_end <= 256:
            # a short gap (the usual case): split it, cheaper than numpy
            gap = b[neg_end:start].split()
            if b"|" in gap:
                return False
            between = len(gap) - gap.count(_OPEN) - gap.count(_CLOSE)
        else:
            if b.count(b"|", neg_end, start):
                return False
            between = int(np.count_nonzero(starts[neg_end : start - 1]))
            between -= b.count(_OPEN, neg_end, start) + b.count(_CLOSE, neg_end, start)
        return between < window

    def _tally_simple(self, b: bytes, s: str, starts: np.ndarray, infos, phrase_hits, negators, tokens: int, extra=()):
        """Rows of the whole text, counting single-token hits per token.

        Only a phrase can overlap another hit, so an occurrence of a
        candidate token that no phrase candidate of its category (under
        ``nested_scope="lexicon"``: of any category) spans is always kept
        and cannot change what else is kept: it adds its best entry per
        category without resolution.  The occurrences inside a phrase
        candidate go through :meth:`resolve` with the phrases.
        Occurrences in a negation category are checked one by one (only
        when the text has a negator).  Weights are added per token:
        :meth:`count_rows` comes here only when no phrase occurred (the
        order the reference sums in) or the weights sum exactly.
        """
        ncat = len(self.categories)
        count = [0] * ncat
        neg = [0] * ncat
        weight = [0.0] * ncat
        windows = self._windows
        weights = self._weights
        negated_at = self._negated_at
        entry_cat = self._entry_cat
        spanned = self.spanned(s, phrase_hits)
        every = spanned.get(-1)
        cands = [*phrase_hits, *extra]
        for info, found, _ in infos:
            for cat, entry in info.singles:
                rest = found
                inside = spanned.get(cat, every)
                if inside is not None:
                    contested = [start for start in found if start in inside]
                    if contested:
                        cands.extend([(start, start, 1, entry) for start in contested])
                        rest = [start for start in found if start not in inside]
                n = len(rest)
                window = windows[cat]
                k = sum(1 for pos in rest if negated_at(b, starts, pos, window, negators)) if window and negators is not None else 0
                count[cat] += n - k
                neg[cat] += k
                weight[cat] += (n - k) * weights[entry]
        if cands:
            for start, _, _, entry in self.resolve(cands):
                cat = entry_cat[entry]
                window = windows[cat]
                if window and negators is not None and negated_at(b, starts, start, window, negators):
                    neg[cat] += 1
                else:
                    count[cat] += 1
                    weight[cat] += weights[entry]
        return count, neg, weight, tokens

    def _tally(self, b: bytes, starts: np.ndarray, groups, negators, markers, tokens: int, ncat: int):
        """Rows of the resolved hits ``groups`` for the whole text and, when
        ``markers`` (quote opens, closes) is given, for the outlet's and
        the quoted voice (a hit's voice is that of its first token).

        Weights are summed hit by hit in text order, as a reader would;
        when they sum exactly (:data:`_EXACT_WEIGHT_SCALE`) any order gives
        the same bits, so a group adds ``n * weight`` at once.
        """
        n_voices = 1 if markers is None else 3
        rows = [([0] * ncat, [0] * ncat, [0.0] * ncat) for _ in range(n_voices)]
        exact = self._exact_weights and tokens < EXACT_TOKENS_MAX
        pending = None if exact else [[[] for _ in range(ncat)] for _ in range(n_voices)]
        windows = self._windows
        weights = self._weights
        entry_cat = self._entry_cat
        negated_at = self._negated_at
        for entry, found in groups:
            cat = entry_cat[entry]
            window = windows[cat]
            w = weights[entry]
            flags = [negated_at(b, starts, p, window, negators) for p in found] if window and negators is not None else None
            if markers is None:
                parts = [(found, flags)]
            else:
                opens, closes = markers
                if entry >= len(self.entries):  # a scare quote: the outlet's voice
                    inside = [False] * len(found)
                else:
                    inside = [bisect_left(opens, p) > bisect_left(closes, p) for p in found]
                parts = [(found, flags)]
                for want in (False, True):
                    parts.append((
                        [p for p, q in zip(found, inside) if q is want],
                        None if flags is None else [f for f, q in zip(flags, inside) if q is want],
                    ))
            for v, (ps, fs) in enumerate(parts):
                count, neg, weight = rows[v]
                k = sum(fs) if fs else 0
                count[cat] += len(ps) - k
                neg[cat] += k
                if exact:
                    weight[cat] += (len(ps) - k) * w
                else:
                    pending[v][cat].extend((p, w) for i, p in enumerate(ps) if not (fs and fs[i]))
        if pending is not None:
            for v in range(n_voices):
                weight = rows[v][2]
                for cat in range(ncat):
                    weight[cat] = reduce(operator.add, [w for _, w in sorted(pending[v][cat])], 0.0)
        if markers is None:
            return (*rows[0], tokens)
        return [(*row, tokens) for row in rows]

    def _norm_of(self, token: str) -> str:
        info = self.token_info(token)
        return info.norm if info is not None else token.encode("latin-1").decode("utf-8")

    # -- context rules ------------------------------------------------------
    def ruled_singles(self, token: str) -> tuple[int, ...]:
        """Every single-word entry the token (a latin-1 str of its UTF-8
        bytes, as the fast path sees it) matches when one of them has
        context rules, else ``()`` (cached).  The fast paths send the
        occurrences of such tokens to :meth:`context_filter`."""
        found = self._ruled.get(token)
        if found is None:
            if len(self._ruled) >= _CACHE_LIMIT:
                self._ruled.clear()
            found = ()
            rules = self._context.rules if self._context is not None else {}
            if rules:
                entries = self._all_singles(self._norm_of(token))
                if any(entry in rules for entry in entries):
                    found = entries
            self._ruled[token] = found
        return found

    @staticmethod
    def _before(s: str, start: int, n: int) -> list[tuple[str, int]]:
        """Up to ``n`` ``(token, start)`` pairs before the token starting at
        ``start``, nearest first, skipping quote markers, stopping at a
        break or a document separator (``\x03``)."""
        out: list[tuple[str, int]] = []
        pos = start - 1
        while len(out) < n:
            while pos >= 0 and s[pos] == " ":
                pos -= 1
            if pos < 0:
                break
            begin = s.rfind(" ", 0, pos) + 1
            token = s[begin : pos + 1]
            if token == "|" or token == "\x03":
                break
            if token != "\x01" and token != "\x02":
                out.append((token, begin))
            pos = begin - 1
        return out

    @staticmethod
    def _norm(token: str) -> str:
        """The folded token of a token of the prepared text."""
        return token if token.isascii() else token.encode("latin-1").decode("utf-8")

    def _fast_passes(self, rule, s: str, first: int, last: int, n: int) -> bool:
        """:meth:`_passes` on the prepared text: the candidate's tokens start
        at ``first`` .. ``last`` (``n`` tokens)."""
        followed, not_followed, preceded, not_preceded, exceptions = rule
        norm_of = self._norm
        if followed or not_followed:
            after = self._after(s, s.index(" ", last), 1)
            nxt = norm_of(after[0][0]) if after else None
            if followed and (nxt is None or not _any_word(followed, nxt)):
                return False
            if not_followed and nxt is not None and _any_word(not_followed, nxt):
                return False
        if preceded or not_preceded:
            before = self._before(s, first, 1)
            prev = norm_of(before[0][0]) if before else None
            if preceded and (prev is None or not _any_word(preceded, prev)):
                return False
            if not_preceded and prev is not None and _any_word(not_preceded, prev):
                return False
        if exceptions:
            most = max(len(p) for p in exceptions) - n
            if most < 0:
                most = 0
            before = [norm_of(t) for t, _ in reversed(self._before(s, first, most))] if most else []
            end = s.index(" ", first)
            inner = [norm_of(s[first:end])]
            if n > 1:
                inner.extend(norm_of(t) for t, _ in self._after(s, end, n - 1))
            after = [norm_of(t) for t, _ in self._after(s, s.index(" ", last), most)] if most else []
            norms = [*before, *inner, *after]
            sentences = [0] * len(norms)
            lo, hi = len(before), len(before) + n - 1
            for pattern in exceptions:
                for at in range(max(0, hi - len(pattern) + 1), lo + 1):
                    if _occurs(pattern, at, norms, sentences):
                        return False
        return True

    def _blocked(self, s: str) -> list[int]:
        """Sorted starts of the tokens covered by an occurrence of one of
        the lexicon's exceptions in the prepared text ``s``."""
        context = self._context
        blocked: set[int] = set()
        seen: set[tuple[int, int]] = set()
        patterns = context.exceptions
        index = s.index
        for end, (size, found) in context.exception_automaton.iter(s):
            start = end - size + 2
            stop = index(" ", start)
            norm = self._norm(s[start:stop])
            following = None
            for k in found:
                if (start, k) in seen:
                    continue
                seen.add((start, k))
                pattern = patterns[k]
                if not _word_ok(pattern[0], norm):
                    continue
                if len(pattern) > 1:
                    # the next token first (cheap), then the rest
                    second = _NEXT_TOKEN.match(s, stop).group(1)
                    if not _word_ok(pattern[1], self._norm(second)):
                        continue
                    if following is None:
                        following = self._after(s, stop, context.exception_max - 1)
                    if len(following) < len(pattern) - 1 or not all(
                        _word_ok(word, self._norm(following[j][0])) for j, word in enumerate(pattern[1:])
                    ):
                        continue
                    blocked.update(following[j][1] for j in range(len(pattern) - 1))
                blocked.add(start)
        return sorted(blocked)

    def context_filter(self, s: str, phrase_hits, ruled) -> tuple[list, list, list[int]]:
        """Apply the lexicon's context rules and exceptions on the fast path.

        Parameters
        ----------
        s : str
            The prepared text (latin-1 str of the byte string; may be many
            documents joined by separators).
        phrase_hits : list of (start, last start, words, entry)
            Phrase candidates of :meth:`phrase_candidates`.
        ruled : iterable of (start, token)
            Occurrences of tokens whose :meth:`ruled_singles` is not empty
            (taken out of the caller's single-word candidates).

        Returns
        -------
        phrase_hits : list
            The phrase candidates that pass their rules and overlap no
            lexicon exception.
        extra : list of (start, start, 1, entry)
            The single-word candidates of ``ruled`` (every entry of the
            token) that pass; they go through :meth:`resolve`.
        blocked : list of int
            Sorted starts of the tokens inside an occurrence of a lexicon
            exception: the caller drops its single-word candidates there.
        """
        context = self._context
        rules = context.rules
        blocked = self._blocked(s) if context.exception_automaton is not None else []

        def free(first: int, last: int) -> bool:
            if not blocked:
                return True
            at = bisect_left(blocked, first)
            return at == len(blocked) or blocked[at] > last

        kept = []
        for hit in phrase_hits:
            rule = rules.get(hit[3])
            if free(hit[0], hit[1]) and (rule is None or self._fast_passes(rule, s, hit[0], hit[1], hit[2])):
                kept.append(hit)
        extra = []
        for start, token in ruled:
            if not free(start, start):
                continue
            for entry in self.ruled_singles(token):
                rule = rules.get(entry)
                if rule is None or self._fast_passes(rule, s, start, start, 1):
                    extra.append((start, start, 1, entry))
        return kept, extra, blocked

    @staticmethod
    def byte_positions(b: bytes, raw_positions) -> list[int]:
        """Positions in the prepared bytes ``b`` of the bytes at
        ``raw_positions`` (sorted) of the raw bytes it was prepared from
        (:meth:`raw_bytes`; for the batch path, the joined raw bytes of a
        chunk): the byte rules keep every byte in place but for the
        leading space and the two spaces around each sentence break."""
        bars = np.flatnonzero(np.frombuffer(b, dtype=np.uint8) == ord("|"))
        pre = bars - 2 * np.arange(len(bars)) - 1
        at = np.asarray(raw_positions, dtype=np.int64) + 1
        return (at + 2 * np.searchsorted(pre, at)).tolist()

    def scare_spans(self, text: str) -> tuple[tuple[int, int, int], ...] | None:
        """The quotations of ``text`` that may be scare quotes, as ``(start,
        opening mark, closing mark)``: the offset of the opening mark and
        the ordinals of the two marks among the text's double quote marks
        (each is one ``"`` in :meth:`raw_bytes`).  Only the paragraphs
        with a pair of :meth:`needs_token_path` are read by
        :func:`framing.quotes.quote_spans`.  None when the marks cannot be
        located that way (the text holds another character that folds to
        ``"``); then the token path is used."""
        context = self._context
        if context is None or not context.scare_max:
            return ()
        paragraphs = self._scare_paragraphs(text)
        if not paragraphs:
            return ()
        if _OTHER_DOUBLE.search(text):
            return None
        out = []
        for begin, stop, seen in paragraphs:
            piece = text[begin:stop]
            marks = [m.start() for m in _DOUBLE_MARK.finditer(piece)]
            for span in quote_spans(piece):
                if span.kind == "double" and span.closed and not span.depth:
                    out.append((begin + span.start, seen + bisect_left(marks, span.start),
                                seen + bisect_left(marks, span.end - 1)))
        return tuple(out)

    def scare_candidates(self, s: str, text: str, spans, marks: list[int], blocked: list[int]) -> list:
        """Scare-quote candidates ``(first, last, tokens, len(entries) +
        category)`` (token starts in the prepared text ``s``) of the
        :meth:`scare_spans` ``spans`` of ``text``, given the positions in
        ``s`` of the text's double quote marks; tokens in ``blocked``
        (:meth:`context_filter`) are not candidates."""
        context = self._context
        most = context.scare_max
        longest = max((len(p) for _, _, phrases in context.scare for p in phrases), default=0)
        n_entries = len(self.entries)
        norm_of = self._norm
        out = []
        for start, open_mark, close_mark in spans:
            pos, stop = marks[open_mark], marks[close_mark]
            tokens: list[int] = []
            broken = False
            while True:
                while pos < stop and s[pos] == " ":
                    pos += 1
                if pos >= stop:
                    break
                end = s.index(" ", pos)
                token = s[pos:end]
                if token == "|":
                    broken = broken or bool(tokens)
                elif token != "\x01" and token != "\x02":
                    if broken:
                        tokens = []  # tokens in two sentences: no candidate
                        break
                    tokens.append(pos)
                    if len(tokens) > most:
                        break
                pos = end
            size = len(tokens)
            if not size or size > most:
                continue
            first, last = tokens[0], tokens[-1]
            if blocked:
                at = bisect_left(blocked, first)
                if at < len(blocked) and blocked[at] <= last:
                    continue
            before = self._before(s, first, max(SCARE_QUOTE_CONTEXT + 1, longest))
            if not before:
                continue  # opens a sentence: attributed
            k = start - 1
            while k >= 0 and text[k].isspace():
                k -= 1
            if k >= 0 and text[k] == ":":
                continue
            norms_before = [norm_of(t) for t, _ in before]
            after = [norm_of(t) for t, _ in self._after(s, s.index(" ", last), SCARE_QUOTE_CONTEXT)]
            last_norm = norm_of(s[last : s.index(" ", last)])
            attributed = False
            for j in range(min(SCARE_QUOTE_CONTEXT, len(norms_before))):
                norm = norms_before[j]
                if norm in ATTRIBUTION_WORDS and not (
                        norm == "called" and j + 1 < len(norms_before) and norms_before[j + 1] == "so"):
                    attributed = True
                    break
            if not attributed:
                for j, norm in enumerate(after):
                    if norm in ATTRIBUTION_WORDS and not (
                            norm == "called" and (after[j - 1] if j else last_norm) == "so"):
                        attributed = True
                        break
            if attributed:
                continue
            out.extend((first, last, size, n_entries + cat) for cat, limit, phrases in context.scare
                       if size <= limit and (not phrases or _ends_with(phrases, norms_before)))
        return out

    def _scare_paragraphs(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, marks before)`` of the paragraphs (each with its
        paragraph-end character) of ``text`` holding a pair of
        :meth:`needs_token_path`, with the number of double quote marks
        before each."""
        context = self._context
        if context is None or not context.scare_max or not _DOUBLE_MARK.search(text):
            return []
        most = context.scare_max
        size = len(text)
        opened = -1
        skip = -1  # marks before this end lie in a paragraph already found
        found: list[tuple[int, int, int]] = []
        newline_only = not _RARE_PARAGRAPH_END.search(text)
        marks = [m.start() for m in _DOUBLE_MARK.finditer(text)]
        for ordinal, i in enumerate(marks):
            if i < skip:
                continue
            char = text[i]
            after = text[i + 1] if i + 1 < size else ""
            prev = text[i - 1] if i else ""
            if char == '"':
                opens_here = bool(after) and not after.isspace()
                can_open = opens_here and not prev.isalnum()
                can_close = not (opens_here and (not i or prev.isspace() or prev in _OPEN_BEFORE))
            else:
                can_open = char not in _DOUBLE_CLOSERS
                can_close = char in _DOUBLE_CLOSERS or char == "\u201c"
            if opened >= 0 and can_close and (text.find("\n", opened, i) < 0 if newline_only
                                              else not _PARAGRAPH_END.search(text, opened, i)):
                words = 0
                for _ in _WORDY_CHUNK.finditer(text, opened + 1, i):
                    words += 1
                    if words > most:
                        break
                if words <= most:
                    if newline_only:
                        begin = text.rfind("\n", 0, opened) + 1
                        skip = text.find("\n", i) + 1 or size
                    else:
                        begin = max(text.rfind(c, 0, opened) for c in _PARAGRAPH_ENDS) + 1
                        end = _PARAGRAPH_END.search(text, i)
                        skip = end.start() + 1 if end is not None else size
                    found.append((begin, skip, bisect_left(marks, begin)))
                    opened = -1
                    continue
            opened = i if can_open else -1
        return found

    def needs_token_path(self, text: str) -> bool:
        """May ``text`` hold a scare quote?  True only for a lexicon that
        counts scare quotes and a text with two consecutive double quote
        marks in one paragraph, the first of which can open a quotation
        and the second close one (:mod:`framing.quotes`), with at most
        ``scare_quote_max_words`` words between them (every scare quote
        holds such a pair: its innermost double quotation).  Such texts
        have their quotations read (:meth:`scare_spans`); context rules
        and exceptions are applied on the fast paths
        (:meth:`context_filter`)."""
        return bool(self._scare_paragraphs(text))

    def needs_context(self, text: str) -> bool:
        """Could the lexicon's context rules, exceptions or scare quotes
        change what is found in ``text``?  False for every text when the
        lexicon has none; else True when a token matches the first word of
        an entry with rules or of a lexicon exception, or (with a
        scare-quote category) the text holds a closed outermost double
        quotation of few enough words.  A text for which this is False
        gives the same result on the fast paths (the batch path asks)."""
        if self._context is None:
            return False
        return self._triggered(text, None)

    def _triggered(self, text: str, s: str | None) -> bool:
        context = self._context
        if context.scare_max and _DOUBLE_MARK.search(text):
            for span in quote_spans(text):
                if span.kind == "double" and span.closed and not span.depth:
                    if len(_WORDY_CHUNK.findall(text, span.start + 1, span.end - 1)) <= context.scare_max:
                        return True
        if context.automaton is None:
            return False
        if s is None:
            s = _latin(self._prepare(text))
        for _ in context.automaton.iter(s):
            return True
        return False

    def _all_singles(self, norm: str) -> tuple[int, ...]:
        """Every single-word entry the token ``norm`` matches (cached)."""
        found = self._singles.get(norm)
        if found is None:
            if len(self._singles) >= _CACHE_LIMIT:
                self._singles.clear()
            out = list(self._exact.get(norm, ()))
            if norm.endswith("'s"):
                out.extend(self._exact.get(norm[:-2], ()))
            for length in self._glob_lengths:
                if length > len(norm):
                    break
                out.extend(self._globs.get(norm[:length], ()))
            found = self._singles[norm] = tuple(out)
        return found

    @staticmethod
    def _passes(rule, first: int, last: int, norms: list[str], sentences: list[int]) -> bool:
        """Does the candidate on tokens ``first..last`` pass an entry's rules?"""
        followed, not_followed, preceded, not_preceded, exceptions = rule
        sentence = sentences[first]
        if followed or not_followed:
            nxt = norms[last + 1] if last + 1 < len(norms) and sentences[last + 1] == sentence else None
            if followed and (nxt is None or not _any_word(followed, nxt)):
                return False
            if not_followed and nxt is not None and _any_word(not_followed, nxt):
                return False
        if preceded or not_preceded:
            prev = norms[first - 1] if first > 0 and sentences[first - 1] == sentence else None
            if preceded and (prev is None or not _any_word(preceded, prev)):
                return False
            if not_preceded and prev is not None and _any_word(not_preceded, prev):
                return False
        for pattern in exceptions:
            for at in range(max(0, last - len(pattern) + 1), first + 1):
                if _occurs(pattern, at, norms, sentences):
                    return False
        return True

    @staticmethod
    def _attributed(text: str, start: int, first: int, last: int, norms: list[str], sentences: list[int]) -> bool:
        """Is the quoted span opening at ``start`` (tokens ``first..last``)
        attributed to a speaker or a name (module notes of
        :mod:`framing.lexicon.model`)?"""
        sentence = sentences[first]
        if first == 0 or sentences[first - 1] != sentence:
            return True
        k = start - 1
        while k >= 0 and text[k].isspace():
            k -= 1
        if k >= 0 and text[k] == ":":
            return True

        def attributing(i: int) -> bool:
            norm = norms[i]
            if norm not in ATTRIBUTION_WORDS:
                return False
            return not (norm == "called" and i > 0 and norms[i - 1] == "so" and sentences[i - 1] == sentences[i])

        for i in range(first - 1, max(-1, first - 1 - SCARE_QUOTE_CONTEXT), -1):
            if sentences[i] != sentence:
                break
            if attributing(i):
                return True
        for i in range(last + 1, min(len(norms), last + 1 + SCARE_QUOTE_CONTEXT)):
            if sentences[i] != sentence:
                break
            if attributing(i):
                return True
        return False

    def _context_kept(self, text: str):
        """The token path with context rules: ``(ft, norms, spans,
        sentences, kept)`` with ``kept`` the resolved candidates ``(first
        token, last token, tokens, entry)`` (scare quotes as pseudo-entries
        ``len(entries) + category``)."""
        context = self._context
        ft = fold_with_offsets(text)
        norms: list[str] = []
        spans: list[tuple[int, int]] = []
        sentences: list[int] = []
        for norm, start, end, sentence in folded_tokens(ft, segmentation=self.segmentation):
            norms.append(norm)
            spans.append((start, end))
            sentences.append(sentence)
        n = len(norms)
        cands: list[tuple[int, int, int, int]] = []
        for i, norm in enumerate(norms):
            info = self.token_info(_latin(norm.encode("utf-8")))
            if info is None:
                continue
            cands.extend((i, i, 1, entry) for entry in self._all_singles(norm))
            if info.phrase_start:
                stop = i + 1
                while stop < n and stop < i + self._max_phrase and sentences[stop] == sentences[i]:
                    stop += 1
                cands.extend((i, i + k - 1, k, entry) for entry, k in self._phrase_trie.walk(norms[i:stop]))
        blocked = None
        if context.exceptions:
            marks = [False] * n
            for at in range(n):
                for pattern in context.exceptions:
                    if _occurs(pattern, at, norms, sentences):
                        marks[at : at + len(pattern)] = [True] * len(pattern)
            if any(marks):
                blocked = marks
        rules = context.rules
        if rules or blocked is not None:
            cands = [
                c for c in cands
                if (blocked is None or not any(blocked[c[0] : c[1] + 1]))
                and (c[3] not in rules or self._passes(rules[c[3]], c[0], c[1], norms, sentences))
            ]
        if context.scare and n:
            starts = [ft.span(a, b)[0] for a, b in spans]
            ends = [ft.span(a, b)[1] for a, b in spans]
            n_entries = len(self.entries)
            for span in quote_spans(text):
                if span.kind != "double" or not span.closed or span.depth:
                    continue
                first = bisect_left(starts, span.start)
                last = bisect_left(starts, span.end) - 1
                if last < first or ends[last] > span.end or sentences[first] != sentences[last]:
                    continue
                if blocked is not None and any(blocked[first : last + 1]):
                    continue
                size = last - first + 1
                if size > context.scare_max or self._attributed(text, span.start, first, last, norms, sentences):
                    continue
                before = []
                for i in range(first - 1, -1, -1):
                    if sentences[i] != sentences[first]:
                        break
                    before.append(norms[i])
                cands.extend((first, last, size, n_entries + cat) for cat, most, phrases in context.scare
                             if size <= most and (not phrases or _ends_with(phrases, before)))
        return ft, norms, spans, sentences, self.resolve(cands)

    def _context_hits(self, text: str) -> list[RawHit]:
        """:meth:`find` for a lexicon with context rules."""
        ft, norms, spans, sentences, kept = self._context_kept(text)
        n_entries = len(self.entries)
        hits = []
        for first, last, _, entry in kept:
            cat = self._entry_cat[entry]
            negated = self._token_negated(first, self._windows[cat], norms, sentences)
            start, _ = ft.span(*spans[first])
            _, end = ft.span(*spans[last])
            if entry >= n_entries:
                hits.append(RawHit(self.categories[cat], SCARE_QUOTE, start, end, sentences[first], negated, 1.0, True))
            else:
                e = self.entries[entry]
                hits.append(RawHit(e.category, e.term, start, end, sentences[first], negated, e.weight))
        hits.sort(key=lambda h: (h.start, self._cat_index[h.category]))
        return hits

    def _context_rows(self, text: str, quoted, b: bytes, starts: np.ndarray, total_tokens: int):
        """:meth:`count_rows` by the token path (a lexicon with context
        rules; weights summed hit by hit in text order)."""
        ncat = len(self.categories)
        split = quoted is not None
        rows = [([0] * ncat, [0] * ncat, [0.0] * ncat) for _ in range(3 if split else 1)]
        for hit in self._context_hits(text):
            cat = self._cat_index[hit.category]
            targets = [rows[0]]
            if split:
                voice = "outlet" if hit.scare_quote or not quoted else voice_at(quoted, hit.start)
                targets.append(rows[1] if voice == "outlet" else rows[2])
            for count, neg, weight in targets:
                if hit.negated:
                    neg[cat] += 1
                else:
                    count[cat] += 1
                    weight[cat] += hit.weight
        if not split:
            return {"all": (*rows[0], total_tokens)}
        quoted_tokens = self._quoted_tokens(b, starts)[2] if quoted else 0
        return {
            "all": (*rows[0], total_tokens),
            "outlet": (*rows[1], total_tokens - quoted_tokens),
            "quoted": (*rows[2], quoted_tokens),
        }

    # -- located path ---------------------------------------------------------
    def find(self, text: str) -> list[RawHit]:
        """Every resolved hit in ``text`` with offsets into ``text``.

        Hits are sorted by ``(start, category order)``.  A scare quote
        (:data:`framing.lexicon.model.SCARE_QUOTE`) has ``scare_quote``
        set.
        """
        if self._context is not None:
            return self._context_hits(text)
        ft = fold_with_offsets(text)
        norms: list[str] = []
        spans: list[tuple[int, int]] = []
        sentences: list[int] = []
        for norm, start, end, sentence in folded_tokens(ft, segmentation=self.segmentation):
            norms.append(norm)
            spans.append((start, end))
            sentences.append(sentence)
        breaks_before = [False] * len(norms)
        # a break between token i-1 and i  <=>  sentence number changes
        for i in range(1, len(norms)):
            breaks_before[i] = sentences[i] != sentences[i - 1]
        cands: list[tuple[int, int, int, int]] = []
        for i, norm in enumerate(norms):
            info = self.token_info(_latin(norm.encode("utf-8")))
            if info is None:
                continue
            for _, entry in info.singles:
                cands.append((i, i, 1, entry))
            if info.phrase_start:
                stop = i + 1
                while stop < len(norms) and stop < i + self._max_phrase and not breaks_before[stop]:
                    stop += 1
                for entry, n in self._phrase_trie.walk(norms[i:stop]):
                    cands.append((i, i + n - 1, n, entry))
        kept = self.resolve(cands)
        hits = []
        for first, last, _, entry in kept:
            cat = self._entry_cat[entry]
            negated = self._token_negated(first, self._windows[cat], norms, sentences)
            start, _ = ft.span(*spans[first])
            _, end = ft.span(*spans[last])
            e = self.entries[entry]
            hits.append(RawHit(e.category, e.term, start, end, sentences[first], negated, e.weight))
        hits.sort(key=lambda h: (h.start, self._cat_index[h.category]))
        return hits


# ---------------------------------------------------------------- one matcher per lexicon

class CompileInfo(NamedTuple):
    """Counters of :func:`compile_lexicon`'s memo: ``hits`` (a matcher
    reused), ``compilations`` (a lexicon compiled), ``size`` (matchers
    held) and ``maxsize``."""

    hits: int
    compilations: int
    size: int
    maxsize: int


_MEMO_SIZE = 16
_memo: "OrderedDict[tuple[Lexicon, str], Matcher]" = OrderedDict()
_memo_lock = threading.Lock()
_memo_counts = {"hits": 0, "compilations": 0}


def compile_lexicon(lexicon: "Lexicon | Matcher | str | os.PathLike[str]", *,
                    segmentation: str | None = None) -> Matcher:
    """The one :class:`Matcher` of a lexicon (and segmentation) in this process.

    Parameters
    ----------
    lexicon : Lexicon, Matcher, bundled lexicon name or path
        A :class:`Matcher` is returned as it is; a name or a path is read
        with :func:`framing.lexicon.load_lexicon`.
    segmentation : {"char", "jieba"} or None, default None
        How Han/Kana become tokens, in texts and terms (:class:`Matcher`).
        None: a Matcher's own, else ``framing.vocab.DEFAULTS["segmentation"]``
        (``"char"``).  A Matcher compiled with another segmentation is
        refused (compile its ``lexicon`` instead).

    Returns
    -------
    Matcher
        Memoised (least recently used, up to 16 lexicons): the same
        :class:`~framing.lexicon.Lexicon`, or an equal one (the same
        categories, entries in the same order, negators, scope and
        metadata; e.g. the same file read twice), compiles once per
        process.  :func:`framing.match.score`, :func:`~framing.match.hits`,
        :func:`~framing.match.kwic` and the classifiers' cue features
        all compile through here, so a run that scores, lists hits and
        trains classifiers with one lexicon compiles it once.
        ``compile_lexicon.cache_info()`` returns a :class:`CompileInfo`;
        ``compile_lexicon.cache_clear()`` empties the memo.

    Raises
    ------
    TypeError
        For another kind of ``lexicon``.
    ValueError
        An unknown ``segmentation``, or a Matcher of another segmentation.
    ImportError
        ``segmentation="jieba"`` without jieba (``pip install 'framing-toolkit[cjk]'``).
    """
    if segmentation is not None:
        segmentation = check_segmentation(segmentation)
    if isinstance(lexicon, Matcher):
        if segmentation is not None and segmentation != lexicon.segmentation:
            raise ValueError(f"segmentation: expected the matcher's own {lexicon.segmentation!r} (a Matcher is "
                             f"compiled with its segmentation; pass its lexicon to recompile), got {segmentation!r}")
        return lexicon
    if segmentation is None:
        segmentation = DEFAULTS["segmentation"]
    if not isinstance(lexicon, Lexicon):
        if isinstance(lexicon, str) or hasattr(lexicon, "__fspath__"):
            from ..lexicon.files import load_lexicon

            lexicon = load_lexicon(lexicon)
        else:
            raise TypeError("lexicon: expected a Lexicon, a Matcher, a bundled lexicon name or a file path, "
                            f"got {type(lexicon).__name__}")
    key = (lexicon, segmentation)
    with _memo_lock:
        matcher = _memo.get(key)
        if matcher is not None:
            _memo.move_to_end(key)
            _memo_counts["hits"] += 1
            return matcher
    matcher = Matcher(lexicon, segmentation=segmentation)
    with _memo_lock:
        kept = _memo.get(key)
        if kept is not None:  # another thread compiled it meanwhile: keep one
            return kept
        _memo[key] = matcher
        _memo_counts["compilations"] += 1
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return matcher


def _rebuild(lexicon: Lexicon, segmentation: str) -> Matcher:
    """Unpickle a :class:`Matcher`: the one of its lexicon and segmentation."""
    return compile_lexicon(lexicon, segmentation=segmentation)


def _cache_info() -> CompileInfo:
    with _memo_lock:
        return CompileInfo(_memo_counts["hits"], _memo_counts["compilations"], len(_memo), _MEMO_SIZE)


def _cache_clear() -> None:
    with _memo_lock:
        _memo.clear()
        _memo_counts["hits"] = _memo_counts["compilations"] = 0


compile_lexicon.cache_info = _cache_info  # type: ignore[attr-defined]
compile_lexicon.cache_clear = _cache_clear  # type: ignore[attr-defined]
