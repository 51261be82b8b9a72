"""``framing lexicon check``: validate a lexicon and summarise it."""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from typing import Any

from ..check import check_int
from .model import Entry, Lexicon
from .files import load_lexicon

__all__ = ["CategorySummary", "GlobOverlap", "LexiconReport", "SharedTerm", "check_lexicon"]


@dataclass(frozen=True, slots=True)
class CategorySummary:
    """Entry counts of one category (a glob is any entry with a ``*`` word;
    ``with_rules`` counts the entries with context rules or exceptions;
    ``scare_quotes`` is the category's ``scare_quote_max_words`` when it
    counts scare quotes, else 0; ``scare_quote_preceded_by`` its phrases
    one of which must stand right before a counted scare quote, as
    written in the file; empty when every unattributed span counts)."""

    name: str
    entries: int
    phrases: int
    globs: int
    negation_window: int
    with_rules: int = 0
    scare_quotes: int = 0
    scare_quote_preceded_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GlobOverlap:
    """A glob entry that also matches another entry of its own category
    (same number of words; e.g. ``pretens*`` and ``pretense``).  Both can
    match the same token; the tie rules of :mod:`framing.lexicon` pick the
    exact word (or the longer glob), so the glob's weight does not apply."""

    category: str
    glob: str
    term: str
    glob_line: int | None
    term_line: int | None


@dataclass(frozen=True, slots=True)
class SharedTerm:
    """A term (folded pattern, words joined by spaces) listed in several
    categories; each of them counts it."""

    term: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LexiconReport:
    """The result of :func:`check_lexicon`; ``summary()`` renders it."""

    name: str
    version: str
    source: str | None
    n_categories: int
    n_entries: int
    categories: tuple[CategorySummary, ...]
    warnings: tuple[str, ...]
    glob_overlaps: tuple[GlobOverlap, ...]
    shared_terms: tuple[SharedTerm, ...]
    exceptions: tuple[str, ...] = ()

    def summary(self, *, limit: int = 20) -> str:
        """Readable text; each list shows at most ``limit`` items."""
        limit = check_int("limit", limit, low=1)
        phrases = sum(c.phrases for c in self.categories)
        globs = sum(c.globs for c in self.categories)
        title = f"Lexicon {self.name}" + (f" {self.version}" if self.version else "")
        lines = [title + (f" ({self.source})" if self.source else ""),
                 f"{_count(self.n_categories, 'category', 'categories')}, {_count(self.n_entries, 'entry', 'entries')} "
                 f"({_count(phrases, 'phrase', 'phrases')}, {_count(globs, 'glob', 'globs')})", ""]
        width = max(len("category"), *(len(c.name) for c in self.categories))
        lines.append(f"  {'category':<{width}}  entries  phrases  globs  negation_window")
        for c in self.categories:
            lines.append(f"  {c.name:<{width}}  {c.entries:>7}  {c.phrases:>7}  {c.globs:>5}  {c.negation_window:>15}")

        def section(title: str, items: list[str]) -> None:
            if not items:
                return
            lines.extend(["", f"{title} ({len(items)}):"])
            lines.extend(f"  - {item}" for item in items[:limit])
            if len(items) > limit:
                lines.append(f"  ... and {len(items) - limit} more")

        section("Context rules (framing.lexicon.model: entries with rules, scare quotes)",
                [f"{c.name}: {_count(c.with_rules, 'entry', 'entries')} with context rules" + _scare_text(c)
                 for c in self.categories if c.with_rules or c.scare_quotes])
        section("Lexicon exceptions (no hit overlapping them counts)", [repr(p) for p in self.exceptions])
        section("Warnings", list(self.warnings))
        section("Glob overlaps (a glob also matches another entry of its category; the exact or longer entry wins)",
                [f"{g.category}: {g.glob!r} (line {g.glob_line}) also matches {g.term!r} (line {g.term_line})"
                 for g in self.glob_overlaps])
        section("Terms in several categories (counted in each)",
                [f"{s.term!r}: {', '.join(s.categories)}" for s in self.shared_terms])
        if not (self.warnings or self.glob_overlaps or self.shared_terms):
            lines.extend(["", "No warnings, glob overlaps or shared terms."])
        return "\n".join(lines)


def _scare_text(c: CategorySummary) -> str:
    """The scare-quote part of a category's context-rule line."""
    if not c.scare_quotes:
        return ""
    after = ", ".join(repr(p) for p in c.scare_quote_preceded_by)
    return f"; scare quotes of up to {c.scare_quotes} words" + (f", only right after {after}" if after else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _word_covers(glob: str, word: str) -> bool:
    if glob.endswith("*"):
        return word.rstrip("*").startswith(glob[:-1]) and len(word.rstrip("*")) >= len(glob) - 1
    return word == glob


def _glob_overlaps(lexicon: Lexicon) -> list[GlobOverlap]:
    found: list[GlobOverlap] = []
    for cat in lexicon.categories:
        entries = lexicon.entries_of(cat.name)
        by_first: dict[str, list[Entry]] = {}
        for e in entries:
            by_first.setdefault(e.pattern[0], []).append(e)
        firsts = sorted(by_first)
        for g in entries:
            if not g.is_glob:
                continue
            head = g.pattern[0]
            if head.endswith("*"):
                lo = bisect.bisect_left(firsts, head[:-1])
                keys = []
                for key in firsts[lo:]:
                    if not key.startswith(head[:-1]):
                        break
                    keys.append(key)
            else:
                keys = [head] if head in by_first else []
            for key in keys:
                for other in by_first[key]:
                    if other is g or len(other.pattern) != len(g.pattern):
                        continue
                    if all(_word_covers(a, b) for a, b in zip(g.pattern, other.pattern)):
                        found.append(GlobOverlap(cat.name, g.term, other.term, g.line, other.line))
    return found


def _shared_terms(lexicon: Lexicon) -> list[SharedTerm]:
    order = {name: i for i, name in enumerate(lexicon.category_names)}
    groups: dict[tuple[str, ...], set[str]] = {}
    for e in lexicon.entries:
        groups.setdefault(e.pattern, set()).add(e.category)
    shared = [SharedTerm(" ".join(p), tuple(sorted(c, key=order.__getitem__))) for p, c in groups.items() if len(c) > 1]
    return sorted(shared, key=lambda s: s.term)


def check_lexicon(spec: str | os.PathLike[str] | Lexicon, **options: Any) -> LexiconReport:
    """Validate a lexicon and summarise it.

    Parameters
    ----------
    spec : str, path-like or Lexicon
        A lexicon file, a bundled lexicon name or a :class:`Lexicon`.
    **options
        Passed to :func:`read_lexicon` (``format``, ``encoding``,
        ``on_duplicate``, ...).

    Returns
    -------
    LexiconReport
        Counts per category, the reader's warnings (not emitted again as
        Python warnings), glob overlaps within categories and terms shared
        by several categories.

    Raises
    ------
    LexiconError
        If the lexicon is invalid (the message names the file and line).
    """
    lexicon = load_lexicon(spec, warn=False, **options)
    cats = tuple(
        CategorySummary(c.name, len(es := lexicon.entries_of(c.name)), sum(e.is_phrase for e in es),
                        sum(e.is_glob for e in es), c.negation_window, sum(e.has_context for e in es),
                        c.scare_quote_max_words if c.scare_quotes else 0, tuple(c.scare_quote_preceded_by))
        for c in lexicon.categories
    )
    return LexiconReport(
        name=lexicon.name, version=lexicon.version, source=lexicon.source, n_categories=len(lexicon.categories),
        n_entries=len(lexicon.entries), categories=cats, warnings=lexicon.warnings,
        glob_overlaps=tuple(_glob_overlaps(lexicon)), shared_terms=tuple(_shared_terms(lexicon)),
        exceptions=lexicon.exceptions,
    )
