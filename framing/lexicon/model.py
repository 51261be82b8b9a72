"""The lexicon model: categories, entries and their matching patterns.

File formats (TOML, LIWC ``.dic``, CSV) are read by
:mod:`framing.lexicon.files`, which builds the records defined here.

Matching semantics (implemented by :mod:`framing.match`)
---------------------------------------------------------
* Terms are folded and tokenised exactly like the text
  (:mod:`framing.text`): matching is case- and accent-insensitive, a
  hyphen or line break between two words is the same as a space.
* A word matches a token when they are equal, or when the token is the
  word plus a possessive ``'s`` (``regime`` matches ``regime's``).
* Only letters, digits and an apostrophe inside a word make words
  (:data:`framing.text.TOKEN_PATTERN`); a ``*`` at the end of a word
  makes it a prefix glob (``?`` is not a wildcard: it ends a sentence,
  so a term holding it is refused).  Whitespace, hyphens, dashes,
  slashes, apostrophes and ``, ; :`` separate words.  Any other
  character (``+`` in ``c++``, ``#``, ``&``, ``%``, an emoji) is not part
  of any word, so the text tokenizer drops it too: the entry is *kept*
  without it (``c++`` is read as ``c``) and a warning naming the file,
  line, entry and the dropped characters is recorded in
  ``Lexicon.warnings`` (the file readers emit it as a
  :class:`~framing.lexicon.LexiconWarning`).
* A word ending in ``*`` is a prefix glob: ``pretens*`` matches every
  token that starts with ``pretens`` (``pretense``, ``pretenses``,
  ``pretensions``) and nothing inside a word.
* A multi-word term (``ratchet up``, ``so-called``) matches consecutive
  tokens; it never matches across a sentence break.
* Overlaps are resolved leftmost-longest: scanning left to right, at
  each token the longest matching term wins and the scan resumes after
  it.  ``nested_scope="category"`` (the default, quanteda's ``"key"``)
  resolves within each category independently, so one token may count
  once in each of several categories; ``nested_scope="lexicon"``
  resolves across the whole lexicon, so a longer term of one category
  suppresses a shorter overlapping term of another (quanteda's
  ``"dictionary"``).  A token counts at most once per category.
* Ties between terms of the same length at the same token: an exact
  word beats a glob, a longer glob prefix beats a shorter one, then the
  term that sorts first.
* A category with ``negation_window = k`` marks a hit as *negated* when
  one of the lexicon's negators (or a token ending in ``n't``) stands
  among the ``k`` tokens before it in the same sentence.  Negated hits
  are counted apart (``negated``) and not in ``count``.

Context rules (optional; TOML entry tables and CSV columns)
-------------------------------------------------------------
An entry may carry rules about its surroundings; an entry whose rules
fail at a position is *not a candidate there*, so a shorter or another
entry may still match (leftmost-longest applies among the candidates
that pass).  A *word* in a rule is one token, written like a term word
(folded; ``word*`` is a prefix glob; a possessive ``'s`` token counts as
the word).  Every rule looks only inside the sentence of the hit.

* ``followed_by = ["be", "have", "potentially"]``: the token right after
  the matched term must match one of the words; with no next token in
  the sentence the rule fails (``could`` in "it could be" is a
  candidate, in "she could swim" and "if only it could." it is not).
* ``not_followed_by``: the token right after must not match any of the
  words; with no next token in the sentence the rule passes.
* ``preceded_by`` / ``not_preceded_by``: the same for the token right
  before the term (``claims`` with ``not_preceded_by = ["legal"]`` is
  no candidate in "legal claims" but is in "claims of fraud").
* ``exceptions = ["daily beast"]``: phrases (one or more words, globs
  allowed) that each contain the entry's pattern as a contiguous run
  of words (a phrase that could never cover the term is an error).  A
  candidate is dropped when an occurrence of one of its exception
  phrases in the same sentence covers all its tokens ("the Daily
  Beast reported" has no hit of ``beast``; "a beast of a storm" has).

Negation windows are unchanged: a candidate that passes its rules is
negated when a negator stands in the window before its first token.

A lexicon-level ``exceptions`` list (phrases; page furniture and names
such as ``"media playback is unsupported on your device"`` or ``"daily
beast"``) drops every candidate of every entry -- and every scare quote
-- whose tokens overlap an occurrence of one of the phrases (in one
sentence).

Scare quotes (optional; per category)
-------------------------------------
A category with ``scare_quotes = true`` (and ``scare_quote_max_words =
n``, 1-10, default 3) counts each *scare quote* as one hit with the term
``"<scare quote>"`` (:data:`SCARE_QUOTE`, weight 1) spanning the quoted
words.  A scare quote is a span of :func:`framing.quotes.quote_spans`
that is a double-quote span (``"`` ``“”`` ``„“`` ``«»``), closed by its
mark (not by a paragraph end), outermost (depth 0), holding 1 to ``n``
tokens all in one sentence, and *not attributed*.  A span is attributed
(a quotation of someone's words or a title, not a scare quote) when

1. one of :data:`ATTRIBUTION_WORDS` (reporting verbs such as *said*,
   *says*, *told*, *asked*, *added*, *wrote*, *according*, and naming
   words *called*, *titled*, *entitled*, *dubbed*, *named*, *nicknamed*)
   stands among the :data:`SCARE_QUOTE_CONTEXT` (8) tokens before or
   after the span in the same sentence -- except *called* right after
   *so* (``so-called "experts"`` is a scare quote);
2. its first token opens a sentence (a quotation standing as a
   sentence), or the last non-space character before the opening mark
   is a colon (a quotation introduced by a colon).

Examples: ``the "reform" was passed`` -- a scare quote; ``critics of
the so-called "experts" disagreed`` -- a scare quote; ``"We will win,"
he said.`` -- attributed (rule 1 and rule 2); ``he said the plan was
"dead on arrival"`` -- an attributed partial quote, not a scare quote;
``a film titled "Reform"`` and ``what he called "a hoax"`` -- attributed
(naming words); ``He put it bluntly: "No."`` -- attributed (colon).
A category may restrict its scare quotes to those after a marker of
distance with ``scare_quote_preceded_by = ["so-called", "supposed",
"self-styled", "alleged"]``: phrases (one or more words, written like a
term: folded, ``word*`` a prefix glob, a possessive ``'s`` token counts
as the word; ``so-called`` is the two words *so called*).  A span that
is a scare quote by the rules above is then counted only when the
tokens right before its first word, in its sentence, end with one of
the phrases (the opening mark stands between them): ``the so-called
"experts"`` and ``the supposed "reform"`` count, ``the "reform"`` does
not.  The attribution rules still apply (``he said the alleged
"victim"`` is attributed).  Without the key (the default) every
unattributed span counts.

Scare-quote hits compete with the category's entries like a term as
long as the span (a term of the same length at the same token wins
the tie), take the category's negation window, and are dropped by the
lexicon's ``exceptions``.  They are in the *outlet's* voice although
their words lie inside a quotation: an unattributed quotation is the
outlet's own insinuation.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace

from ..check import check_choice
from ..text import TOKEN_PATTERN, fold, term_tokens

__all__ = [
    "ATTRIBUTION_WORDS",
    "CONSTRAINTS",
    "DEFAULT_NEGATORS",
    "SCARE_QUOTE",
    "SCARE_QUOTE_CONTEXT",
    "SCARE_QUOTE_MAX_WORDS",
    "Category",
    "Entry",
    "Lexicon",
    "LexiconError",
    "NESTED_SCOPES",
    "location",
    "parse_term",
]

DEFAULT_NEGATORS: tuple[str, ...] = (
    "not",
    "no",
    "never",
    "neither",
    "nor",
    "none",
    "nobody",
    "nothing",
    "nowhere",
    "without",
    "hardly",
    "barely",
    "scarcely",
    "cannot",
    "lack",
    "lacks",
    "lacked",
)

NESTED_SCOPES: tuple[str, ...] = ("category", "lexicon")

#: The context rules an entry may carry (each a tuple of words).
CONSTRAINTS: tuple[str, ...] = ("followed_by", "not_followed_by", "preceded_by", "not_preceded_by")
#: The term (and entry display) of a scare-quote hit.
SCARE_QUOTE = "<scare quote>"
#: Default and allowed range of ``Category.scare_quote_max_words``.
SCARE_QUOTE_MAX_WORDS: tuple[int, int, int] = (3, 1, 10)
#: Tokens looked at on each side of a quoted span for an attribution word.
SCARE_QUOTE_CONTEXT = 8
#: Words that attribute a quoted span to a speaker or mark it as a name or
#: title (folded tokens; see the module notes on scare quotes).
ATTRIBUTION_WORDS: frozenset[str] = frozenset({
    "said", "says", "say", "saying", "told", "tells", "tell", "telling", "asked", "asks", "ask", "asking",
    "added", "adds", "wrote", "writes", "write", "writing", "according", "stated", "states", "explained",
    "explains", "noted", "notes", "replied", "replies", "answered", "answers", "declared", "declares",
    "announced", "announces", "tweeted", "tweets", "posted", "insisted", "insists", "argued", "argues",
    "claimed", "claims", "warned", "warns", "continued", "recalled", "acknowledged", "admitted", "quoted",
    "quoting", "described", "describes", "calls", "call", "calling",
    "called", "titled", "entitled", "dubbed", "named", "nicknamed",
})


class LexiconError(ValueError):
    """A lexicon is invalid; the message names the file and line."""


def location(source: str | None, line: int | None) -> str:
    """Where a lexicon message points: ``"<file>, line <n>"``, the file
    alone, or ``"lexicon"`` when neither is known (every reader's
    messages start with it)."""
    if source is None and line is None:
        return "lexicon"
    if line is None:
        return f"{source}"
    return f"{source or 'lexicon'}, line {line}"


_TERM_WORD = re.compile(rf"{TOKEN_PATTERN}\*?|\*")
_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212/'\u2018\u2019,;:")


def parse_term(term: str) -> tuple[tuple[str, ...], str]:
    """The word pattern of a lexicon term and the characters it drops.

    Returns ``(pattern, dropped)``: ``pattern`` as from
    :func:`framing.text.term_tokens`; ``dropped`` the characters of the
    folded term that are neither part of a word nor whitespace nor a word
    separator (see the module notes), in order, each once (``"+"`` for
    ``c++``; ``""`` for most terms).

    Raises
    ------
    ValueError
        As :func:`framing.text.term_tokens`, and for a ``?`` (which is not
        a wildcard; only a trailing ``*`` is).
    """
    if "?" in term:
        raise ValueError(f"term {term!r}: '?' is not a wildcard (only '*' at the end of a word is, a prefix glob "
                         f"as in 'pretens*'), and '?' ends a sentence, so a term cannot contain it")
    pattern = term_tokens(term)
    rest = _TERM_WORD.sub(" ", fold(term))
    dropped: dict[str, None] = {}
    for char in rest:
        if char.isspace() or char in _SEPARATORS or unicodedata.category(char).startswith("M"):
            continue
        dropped.setdefault(char, None)
    return pattern, "".join(dropped)


def fold_word(word: str) -> str:
    """The folded form of a one-word rule word (``"Be"`` -> ``"be"``,
    ``"have*"`` stays a glob).

    Raises
    ------
    ValueError
        If ``word`` is not exactly one word (a ``?`` included).
    """
    pattern, _ = parse_term(word)
    if len(pattern) != 1:
        raise ValueError(f"{word!r} is {len(pattern)} words; a context rule word is one token")
    return pattern[0]


def words_overlap(a: str, b: str) -> bool:
    """Can one token match both pattern words ``a`` and ``b`` (exact words
    or ``*`` globs)?"""
    if a.endswith("*") and b.endswith("*"):
        return a[:-1].startswith(b[:-1]) or b[:-1].startswith(a[:-1])
    if a.endswith("*"):
        return b.startswith(a[:-1])
    if b.endswith("*"):
        return a.startswith(b[:-1])
    return a == b


def contains_pattern(phrase: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    """Does ``phrase`` hold ``pattern`` as a contiguous run of words (each
    pair of words able to match one token, :func:`words_overlap`)?"""
    n = len(pattern)
    return any(all(words_overlap(p, w) for p, w in zip(pattern, phrase[k : k + n]))
               for k in range(len(phrase) - n + 1))


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon term in one category.

    ``pattern`` is the folded word sequence from
    :func:`framing.text.term_tokens`; words ending in ``*`` are prefix
    globs.  ``line`` is the line in the source file (for messages).
    ``followed_by``, ``not_followed_by``, ``preceded_by``,
    ``not_preceded_by`` (one-token words, as written) and ``exceptions``
    (phrases) are the entry's context rules (module notes); empty: none.
    """

    term: str
    category: str
    weight: float = 1.0
    pattern: tuple[str, ...] = ()
    line: int | None = None
    followed_by: tuple[str, ...] = ()
    not_followed_by: tuple[str, ...] = ()
    preceded_by: tuple[str, ...] = ()
    not_preceded_by: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()

    @property
    def is_phrase(self) -> bool:
        return len(self.pattern) > 1

    @property
    def has_context(self) -> bool:
        """The entry carries context rules or exceptions (module notes)."""
        return bool(self.followed_by or self.not_followed_by or self.preceded_by or self.not_preceded_by
                    or self.exceptions)

    def context_key(self) -> tuple:
        """The entry's rules in folded form (what matching reads; empty
        tuples when it has none): the four word rules, then the exception
        patterns, each sorted."""
        return (
            *(tuple(sorted({fold_word(w) for w in getattr(self, name)})) for name in CONSTRAINTS),
            tuple(sorted({term_tokens(p) for p in self.exceptions})),
        )

    @property
    def is_glob(self) -> bool:
        return any(word.endswith("*") for word in self.pattern)


@dataclass(frozen=True, slots=True)
class Category:
    """A lexicon category with its documentation."""

    name: str
    definition: str = ""
    examples: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    negation_window: int = 0
    line: int | None = None
    #: count unattributed short double-quoted spans as hits (module notes)
    scare_quotes: bool = False
    scare_quote_max_words: int = SCARE_QUOTE_MAX_WORDS[0]
    #: phrases one of which must stand right before a scare quote (module
    #: notes); empty: no such restriction
    scare_quote_preceded_by: tuple[str, ...] = ()

    def scare_key(self) -> tuple:
        """What matching reads of the category's scare quotes:
        ``(scare_quote_max_words, preceding phrases)``, the phrases folded
        (:func:`framing.text.term_tokens`) and sorted."""
        return (self.scare_quote_max_words, tuple(sorted({term_tokens(p) for p in self.scare_quote_preceded_by})))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A validated lexicon.  Build it with :meth:`Lexicon.build` (or the
    readers in :mod:`framing.lexicon.files`), which checks every entry."""

    name: str
    categories: tuple[Category, ...]
    entries: tuple[Entry, ...]
    version: str = ""
    description: str = ""
    citation: str = ""
    negators: tuple[str, ...] = DEFAULT_NEGATORS
    nested_scope: str = "category"
    source: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)
    license: str = ""
    exceptions: tuple[str, ...] = ()

    @property
    def category_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.categories)

    def category(self, name: str) -> Category:
        for cat in self.categories:
            if cat.name == name:
                return cat
        raise KeyError(f"lexicon {self.name!r} has no category {name!r}; categories: {', '.join(self.category_names)}")

    def entries_of(self, name: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.category == name)

    def with_scope(self, nested_scope: str) -> "Lexicon":
        """Return a copy resolving overlaps in ``nested_scope``."""
        check_choice("nested_scope", nested_scope, NESTED_SCOPES)
        return Lexicon(
            self.name, self.categories, self.entries, self.version, self.description, self.citation,
            self.negators, nested_scope, self.source, self.warnings, self.license, self.exceptions,
        )

    @property
    def has_context(self) -> bool:
        """Some entry has context rules, the lexicon has exceptions or a
        category counts scare quotes (module notes)."""
        return bool(self.exceptions) or any(c.scare_quotes for c in self.categories) or any(
            e.has_context for e in self.entries)

    def content_hash(self) -> str:
        """SHA-256 of the lexicon's matching content (order-independent)."""
        payload = {
            "name": self.name,
            "version": self.version,
            "nested_scope": self.nested_scope,
            "negators": sorted(self.negators),
            "categories": sorted((c.name, c.negation_window) for c in self.categories),
            "entries": sorted((e.category, e.pattern, e.weight) for e in self.entries),
        }
        # context rules join the payload only when present, so a lexicon
        # without them keeps the hash it had before they existed
        contexts = sorted((e.category, e.pattern, e.context_key()) for e in self.entries if e.has_context)
        if contexts:
            payload["contexts"] = contexts
        if self.exceptions:
            payload["exceptions"] = sorted({term_tokens(p) for p in self.exceptions})
        # a category's preceding phrases join its entry only when it has
        # some, so the hash of a lexicon without them is unchanged
        scare = sorted((c.name, c.scare_quote_max_words, *([list(c.scare_key()[1])] if c.scare_quote_preceded_by else []))
                       for c in self.categories if c.scare_quotes)
        if scare:
            payload["scare_quotes"] = scare
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=True).encode("ascii")
        return hashlib.sha256(blob).hexdigest()

    @classmethod
    def build(
        cls,
        name: str,
        categories: list[Category] | tuple[Category, ...],
        entries: list[tuple[str, str, float, int | None]] | list[Entry],
        *,
        version: str = "",
        description: str = "",
        citation: str = "",
        negators: tuple[str, ...] | list[str] | None = None,
        nested_scope: str = "category",
        source: str | None = None,
        on_duplicate: str = "error",
        warnings: tuple[str, ...] = (),
        license: str = "",
        exceptions: tuple[str, ...] | list[str] = (),
    ) -> "Lexicon":
        """Validate and build a lexicon.

        Parameters
        ----------
        entries
            ``(term, category, weight, line)`` tuples or :class:`Entry`
            records (their ``pattern`` is recomputed; their context rules
            are checked and kept).
        on_duplicate : {"error", "warn"}
            The same term twice in one category with the same weight is a
            duplicate: an error, or with ``"warn"`` kept once and reported
            in ``warnings``.  The same term twice with *different*
            weights is always an error (a conflict).

        Raises
        ------
        LexiconError
            Naming the source file and line: an invalid term or glob, an
            entry whose category is not defined, an empty category, a
            conflicting duplicate (the same term in a category with other
            weights or other context rules), a bad negation window or
            scope, a context rule that is not a non-empty list of one-token
            words, an exception phrase that does not contain its entry's
            term, a bad lexicon exception, a bad ``scare_quotes`` flag,
            ``scare_quote_max_words`` outside 1-10, a bad
            ``scare_quote_preceded_by`` phrase or one set on a category
            without ``scare_quotes``.
        """
        check_choice("on_duplicate", on_duplicate, ("error", "warn"))
        if nested_scope not in NESTED_SCOPES:
            raise LexiconError(f"{location(source, None)}: nested_scope must be one of {NESTED_SCOPES}, got {nested_scope!r}")
        if not isinstance(name, str) or not name.strip():
            raise LexiconError(f"{location(source, None)}: the lexicon name must be a non-empty string, got {name!r}")
        cats = tuple(categories)
        if not cats:
            raise LexiconError(f"{location(source, None)}: the lexicon defines no category")
        seen_cats: dict[str, Category] = {}
        for cat in cats:
            if not isinstance(cat, Category):
                raise LexiconError(f"{location(source, None)}: categories must be Category records, got {type(cat).__name__}")
            if not isinstance(cat.name, str) or not cat.name.strip():
                raise LexiconError(f"{location(source, cat.line)}: a category has an empty name")
            if cat.name in seen_cats:
                raise LexiconError(f"{location(source, cat.line)}: category {cat.name!r} is defined twice")
            if not isinstance(cat.negation_window, int) or isinstance(cat.negation_window, bool) or cat.negation_window < 0:
                raise LexiconError(
                    f"{location(source, cat.line)}: category {cat.name!r}: negation_window must be a whole number >= 0, "
                    f"got {cat.negation_window!r}"
                )
            if not isinstance(cat.scare_quotes, bool):
                raise LexiconError(f"{location(source, cat.line)}: category {cat.name!r}: scare_quotes must be true or "
                                   f"false, got {cat.scare_quotes!r}")
            low, high = SCARE_QUOTE_MAX_WORDS[1:]
            max_words = cat.scare_quote_max_words
            if not isinstance(max_words, int) or isinstance(max_words, bool) or not low <= max_words <= high:
                raise LexiconError(f"{location(source, cat.line)}: category {cat.name!r}: scare_quote_max_words must be "
                                   f"a whole number from {low} to {high}, got {max_words!r}")
            owner = f"category {cat.name!r}"
            preceded = _check_phrases(cat.scare_quote_preceded_by, location(source, cat.line), "scare_quote_preceded_by",
                                      owner)
            if preceded and not cat.scare_quotes:
                raise LexiconError(f"{location(source, cat.line)}: {owner}: scare_quote_preceded_by is set but "
                                   f"scare_quotes is not true")
            if cat.scare_quote_preceded_by != preceded:  # a list given: stored as a tuple
                cat = replace(cat, scare_quote_preceded_by=preceded)
            seen_cats[cat.name] = cat
        cats = tuple(seen_cats.values())
        built: list[Entry] = []
        index: dict[tuple[str, tuple[str, ...]], Entry] = {}
        parsed_terms: dict[str, tuple[tuple[str, ...], str]] = {}
        extra_warnings = list(warnings)
        for raw in entries:
            rules: dict[str, tuple[str, ...]] = {}
            if isinstance(raw, Entry):
                term, category, weight, line = raw.term, raw.category, raw.weight, raw.line
                rules = {name: getattr(raw, name) for name in (*CONSTRAINTS, "exceptions")}
            elif isinstance(raw, tuple) and len(raw) == 4:
                term, category, weight, line = raw
            else:
                raise LexiconError(
                    f"{location(source, None)}: each entry must be an Entry or a (term, category, weight, line) tuple, got {raw!r}"
                )
            where = location(source, line)
            if not isinstance(term, str):
                raise LexiconError(f"{where}: entry term must be a string, got {type(term).__name__} {term!r}")
            if category not in seen_cats:
                raise LexiconError(
                    f"{where}: entry {term!r} names category {category!r}, which is not defined; "
                    f"defined: {', '.join(sorted(seen_cats))}"
                )
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
                raise LexiconError(f"{where}: entry {term!r}: weight must be a finite number, got {weight!r}")
            parsed = parsed_terms.get(term)
            if parsed is None:
                try:
                    parsed = parsed_terms[term] = parse_term(term)
                except ValueError as exc:
                    raise LexiconError(f"{where}: {exc}") from None
            pattern, dropped = parsed
            rules = _check_rules(rules, term, pattern, where)
            if dropped:
                shown = ", ".join(repr(c) for c in dropped)
                extra_warnings.append(
                    f"{where}: entry {term!r} in category {category!r} is read as {' '.join(pattern)!r}: "
                    f"{shown} {'is' if len(dropped) == 1 else 'are'} not part of any word and ignored in matching "
                    f"(words are letters and digits; the text tokenizer drops such characters too)"
                )
            key = (category, pattern)
            prior = index.get(key)
            if prior is not None:
                mine = Entry(term, category, float(weight), pattern, line, **rules)
                if mine.context_key() != prior.context_key():
                    raise LexiconError(
                        f"{where}: entry {term!r} in category {category!r} conflicts with {prior.term!r}"
                        f"{' at line ' + str(prior.line) if prior.line is not None else ''}: their context rules differ "
                        f"(give one entry every rule)"
                    )
                if float(prior.weight) != float(weight):
                    raise LexiconError(
                        f"{where}: entry {term!r} in category {category!r} conflicts with {prior.term!r}"
                        f"{' at line ' + str(prior.line) if prior.line is not None else ''}: weights {prior.weight} and {weight}"
                    )
                message = (
                    f"{where}: entry {term!r} in category {category!r} duplicates {prior.term!r}"
                    f"{' at line ' + str(prior.line) if prior.line is not None else ''}"
                )
                if on_duplicate == "error":
                    raise LexiconError(message)
                extra_warnings.append(message + " (kept once)")
                continue
            entry = Entry(term, category, float(weight), pattern, line, **rules)
            index[key] = entry
            built.append(entry)
        used = {e.category for e in built}
        for cat in cats:
            if cat.name not in used and not cat.scare_quotes:
                raise LexiconError(f"{location(source, cat.line)}: category {cat.name!r} has no entries")
        negs = DEFAULT_NEGATORS if negators is None else tuple(negators)
        folded_negs = []
        for neg in negs:
            if not isinstance(neg, str):
                raise LexiconError(f"{location(source, None)}: negator must be a string, got {type(neg).__name__} {neg!r}")
            try:
                words = term_tokens(neg)
            except ValueError as exc:
                raise LexiconError(f"{location(source, None)}: negator {neg!r}: {exc}") from None
            if len(words) != 1 or words[0].endswith("*"):
                raise LexiconError(f"{location(source, None)}: negator {neg!r} must be a single word without '*'")
            folded_negs.append(words[0])
        lexicon_exceptions = _check_phrases(exceptions, location(source, None), "exceptions", "the lexicon")
        return cls(
            name=name,
            categories=cats,
            entries=tuple(built),
            version=version,
            description=description,
            citation=citation,
            negators=tuple(folded_negs),
            nested_scope=nested_scope,
            source=source,
            warnings=tuple(extra_warnings),
            license=license,
            exceptions=lexicon_exceptions,
        )


def _check_phrases(values, where: str, key: str, owner: str) -> tuple[str, ...]:
    """``values`` as a tuple of valid phrases (an empty one allowed)."""
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise LexiconError(f"{where}: {owner}: {key} must be a list of phrases, got {values!r}")
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise LexiconError(f"{where}: {owner}: {key} must be a list of non-empty strings, got {value!r}")
        try:
            parse_term(value)
        except ValueError as exc:
            raise LexiconError(f"{where}: {owner}: {key} phrase {value!r}: {exc}") from None
    return tuple(values)


def _check_rules(rules: dict[str, tuple[str, ...]], term: str, pattern: tuple[str, ...], where: str) -> dict[str, tuple[str, ...]]:
    """An entry's context rules checked (module notes), as tuples."""
    owner = f"entry {term!r}"
    out: dict[str, tuple[str, ...]] = {}
    for name in CONSTRAINTS:
        words = rules.get(name, ())
        if isinstance(words, str) or not isinstance(words, (tuple, list)):
            raise LexiconError(f"{where}: {owner}: {name} must be a list of words, got {words!r}")
        for word in words:
            if not isinstance(word, str) or not word.strip():
                raise LexiconError(f"{where}: {owner}: {name} must be a list of non-empty strings, got {word!r}")
            try:
                fold_word(word)
            except ValueError as exc:
                raise LexiconError(f"{where}: {owner}: {name}: {exc}") from None
        if words:
            out[name] = tuple(words)
    phrases = _check_phrases(rules.get("exceptions", ()), where, "exceptions", owner)
    for phrase in phrases:
        if not contains_pattern(term_tokens(phrase), pattern):
            raise LexiconError(
                f"{where}: {owner}: exception {phrase!r} does not contain the term {' '.join(pattern)!r} as a run of "
                f"words, so it could never block it"
            )
    if phrases:
        out["exceptions"] = phrases
    return out


def normalize_term(term: str) -> str:
    """The folded, space-joined form of a term (for display and lookups)."""
    return " ".join(term_tokens(term)) if term.strip() else fold(term)
