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
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field

from ..check import check_choice
from ..text import TOKEN_PATTERN, fold, term_tokens

__all__ = [
    "DEFAULT_NEGATORS",
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


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon term in one category.

    ``pattern`` is the folded word sequence from
    :func:`framing.text.term_tokens`; words ending in ``*`` are prefix
    globs.  ``line`` is the line in the source file (for messages).
    """

    term: str
    category: str
    weight: float = 1.0
    pattern: tuple[str, ...] = ()
    line: int | None = None

    @property
    def is_phrase(self) -> bool:
        return len(self.pattern) > 1

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
            self.negators, nested_scope, self.source, self.warnings, self.license,
        )

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
    ) -> "Lexicon":
        """Validate and build a lexicon.

        Parameters
        ----------
        entries
            ``(term, category, weight, line)`` tuples or :class:`Entry`
            records (their ``pattern`` is recomputed).
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
            conflicting duplicate, a bad negation window or scope.
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
            seen_cats[cat.name] = cat
        built: list[Entry] = []
        index: dict[tuple[str, tuple[str, ...]], Entry] = {}
        parsed_terms: dict[str, tuple[tuple[str, ...], str]] = {}
        extra_warnings = list(warnings)
        for raw in entries:
            if isinstance(raw, Entry):
                term, category, weight, line = raw.term, raw.category, raw.weight, raw.line
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
            entry = Entry(term, category, float(weight), pattern, line)
            index[key] = entry
            built.append(entry)
        used = {e.category for e in built}
        for cat in cats:
            if cat.name not in used:
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
        )


def normalize_term(term: str) -> str:
    """The folded, space-joined form of a term (for display and lookups)."""
    return " ".join(term_tokens(term)) if term.strip() else fold(term)
