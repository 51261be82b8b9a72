"""Quoted speech in news text: which characters are the outlet's own voice.

Every lexicon hit can be labelled ``"quoted"`` (inside a quotation, the
words of a source) or ``"outlet"`` (the outlet's own voice).  This module
finds quotation spans by their quote marks; all offsets are into the
ORIGINAL text (not the folded one), ``end`` exclusive.

Recognised marks
    double quotes
        straight ``"``; curly openers ``“`` (U+201C), ``„`` (U+201E),
        ``‟`` (U+201F) and the curly closer ``”`` (U+201D); guillemets
        ``«`` (always opens) and ``»`` (always closes).
    single quotes
        straight ``'``, curly ``‘`` (U+2018) and ``’`` (U+2019).
    Not recognised (ordinary characters): TeX-style pairs ````…''``,
    the backtick and acute accent, ``‚ ‛``, single guillemets ``‹ ›``,
    ``〝 〞``, the double prime ``″``, and the reversed guillemet style
    ``»…«``.  A double quote is closed by any double closing mark and a
    single quote by any single closing mark (mixed styles such as
    ``“…"`` pair up).

Definitions used below
    *A* ("letter or digit")
        a character for which ``str.isalnum`` is true.
    *space*
        a character for which ``str.isspace`` is true.
    *opening context* of a mark at offset ``i``
        ``i == 0``, or the character before is a space, one of ``( [ { <``,
        a dash (``- ‐ ‑ ‒ – — ― −``), or a quote mark that itself opened a
        span (e.g. the ``'`` in ``"'Tis`` follows an opening ``"``).
    *paragraph end*
        each of ``\\n``, ``\\r``, U+2028, U+2029 (a blank line is two of them;
        ``\\r\\n`` ends the paragraph at the ``\\r``).

Rules, applied to the marks from left to right with a stack of open spans
    1. Apostrophes are never quotes: a single mark with an *A* on both sides
       (``don’t``, ``regime's``, ``rock'n'roll``), and these elisions when not
       preceded or followed by an *A*: a single mark followed by two digits
       and an optional ``s`` (``’90s``, ``'08``), by ``n`` and another single
       mark (``rock 'n' roll``), or by ``em``, ``til``, ``tis``, ``twas``
       (any case).
    2. ``“ „ ‟ «`` always open a double span.  One exception for the German
       ``„…“`` pair: ``“`` closes the nearest open double span when that
       span was opened by ``„``, the character before ``“`` is not a space
       and the character after is not an *A* (or there is none).
    3. ``” »`` close the nearest open double span; with no double span open
       they are ignored (stray closer).
    4. Straight ``"``: (a) in opening context and followed by a non-space
       character it opens a double span (nested if one is already open);
       (b) otherwise, if a double span is open, it closes the nearest one;
       (c) otherwise, if preceded by a character that is neither *A* nor a
       space and followed by an *A*, it opens (``said:"Yes``); (d) otherwise
       it is ignored (stray closer, inch mark).
    5. ``‘`` and straight ``'`` in opening context and followed by a
       non-space character open a single span *tentatively*.
    6. ``’``, and a straight ``'`` not covered by rule 5, preceded by a
       non-space character and followed by a character that is not an *A*
       (or by nothing) close the nearest open single span if that span is
       the innermost open span; otherwise (nothing open, or a double span
       opened inside it is still open) the mark is an apostrophe
       (``countries’ relationships``, ``Jones' car``).  Any other ``‘ ’ '``
       is an apostrophe.
    7. Closing a double span discards the single spans opened inside it
       that are still open (they were apostrophes).
    8. At a paragraph end every open single span is discarded and every
       open double span is closed there with ``closed=False`` and ``end``
       at the offset of the paragraph-end character (news convention: a
       quotation running over several paragraphs reopens each paragraph
       without closing the previous one).  The end of the text acts the
       same way with ``end = len(text)``.

Depth is computed on the final spans: the number of spans that contain the
span (0 = outermost).  Spans are properly nested: two spans are either
disjoint or one contains the other; inner and outer span may share their
end when both were closed at the same paragraph end.

Voice
    :func:`quoted_intervals` keeps the outermost spans (depth 0) and merges
    touching ones; :func:`voice_at` says ``"quoted"`` for an offset with
    ``start <= offset < end`` in some interval (the quote marks themselves
    are quoted), else ``"outlet"``.  Label a hit by its start offset.

Known limits: a plural possessive or a trailing elision inside a single
quotation closes it early (``‘The countries’ view,’ he said`` gives the
span ``‘The countries’``); an inch mark ``12"`` inside an open double
quotation closes it; ``»…«`` texts are read backwards.

Speed: one compiled regular expression scans the text for quote marks and
paragraph ends only, so the Python work is proportional to the number of
marks, and the whole scan is linear in the text length.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from .check import check_int, check_str

__all__ = ["QuoteSpan", "quote_spans", "quoted_intervals", "voice_at"]

DOUBLE = "double"
SINGLE = "single"

_D_OPEN = "\u201c\u201e\u201f\u00ab"  # “ „ ‟ «
_D_CLOSE = "\u201d\u00bb"  # ” »
_SINGLES = "'\u2018\u2019"  # ' ‘ ’
_NEWLINES = "\n\r\u2028\u2029"
_OPEN_BEFORE = frozenset("([{<-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")

_A = r"[^\W_]"  # str.isalnum, as re's \w minus the underscore
_S = f"[{_SINGLES}]"
_SCAN = re.compile(
    # One character class first, so that the regex engine skips fast to the
    # next mark.  The optional tail makes the match longer than one
    # character (and the mark is then skipped) for rule 1: a single mark
    # between two letters/digits (the letter after it is consumed), or an
    # elision (a preceding letter/digit makes it an apostrophe either way).
    rf"[\"{_SINGLES}{_D_OPEN}{_D_CLOSE}{_NEWLINES}]"
    rf"(?:(?<={_A}{_S}){_A}|(?<={_S})(?:\d\d[sS]?|(?i:em|til|tis|twas)|[nN]{_S})(?!{_A}))?"
)


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """One quotation found by :func:`quote_spans`.

    Attributes
    ----------
    start : int
        Offset of the opening quote mark in the original text.
    end : int
        Offset just after the closing mark; for an unclosed span the offset
        of the paragraph-end character, or ``len(text)``.
    kind : str
        ``"double"`` or ``"single"``.
    depth : int
        Number of spans that contain this one (0 = outermost).
    closed : bool
        False when a paragraph end or the end of the text closed the span
        instead of a closing mark.
    """

    start: int
    end: int
    kind: str
    depth: int
    closed: bool


class _Scanner:
    """The stack machine of the module docstring (one text)."""

    __slots__ = ("doubles", "found", "last_open", "stack", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[tuple[int, str, str]] = []  # (start, kind, mark)
        self.found: list[tuple[int, int, str, bool]] = []
        self.last_open = -2
        self.doubles = 0  # number of double spans on the stack

    def push(self, i: int, kind: str) -> None:
        self.stack.append((i, kind, self.text[i]))
        self.last_open = i
        if kind == DOUBLE:
            self.doubles += 1

    def close_double(self, end: int) -> None:
        stack = self.stack
        while stack:
            start, kind, _ = stack.pop()
            if kind == DOUBLE:
                self.found.append((start, end, DOUBLE, True))
                self.doubles -= 1
                return

    def close_single(self, end: int) -> None:
        stack = self.stack
        if stack and stack[-1][1] == SINGLE:
            self.found.append((stack.pop()[0], end, SINGLE, True))

    def flush(self, end: int) -> None:
        for start, kind, _ in self.stack:
            if kind == DOUBLE:
                self.found.append((start, end, DOUBLE, False))
        self.stack.clear()
        self.doubles = 0

    def opening_context(self, i: int) -> bool:
        if i == 0 or i - 1 == self.last_open:
            return True
        prev = self.text[i - 1]
        return prev.isspace() or prev in _OPEN_BEFORE

    def mark(self, i: int, char: str) -> None:
        text = self.text
        after = text[i + 1] if i + 1 < len(text) else ""
        if char in _SINGLES:
            if char != "\u2019" and after and not after.isspace() and self.opening_context(i):
                self.push(i, SINGLE)
            elif char != "\u2018" and i and not text[i - 1].isspace() and not after.isalnum():
                self.close_single(i + 1)
        elif char == '"':
            self.straight_double(i, after)
        elif char in _D_CLOSE:
            if self.doubles:
                self.close_double(i + 1)
        elif char == "\u201c" and self.closes_low_nine(i, after):
            self.close_double(i + 1)
        else:
            self.push(i, DOUBLE)

    def straight_double(self, i: int, after: str) -> None:
        if after and not after.isspace() and self.opening_context(i):
            self.push(i, DOUBLE)
        elif self.doubles:
            self.close_double(i + 1)
        elif i and after.isalnum():
            prev = self.text[i - 1]
            if not prev.isalnum() and not prev.isspace():
                self.push(i, DOUBLE)

    def closes_low_nine(self, i: int, after: str) -> bool:
        if not self.doubles or i == 0 or self.text[i - 1].isspace() or after.isalnum():
            return False
        for _, kind, mark in reversed(self.stack):
            if kind == DOUBLE:
                return mark == "\u201e"
        return False


def _check_text(text: object) -> str:
    return check_str("text", text, empty=True)


def _with_depths(found: list[tuple[int, int, str, bool]]) -> tuple[QuoteSpan, ...]:
    found.sort(key=lambda span: (span[0], -span[1]))
    open_ends: list[int] = []
    spans: list[QuoteSpan] = []
    for start, end, kind, closed in found:
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        spans.append(QuoteSpan(start, end, kind, len(open_ends), closed))
        open_ends.append(end)
    return tuple(spans)


def quote_spans(text: str) -> tuple[QuoteSpan, ...]:
    """Find the quotations of a text (rules in the module docstring).

    Parameters
    ----------
    text : str
        Original (unfolded) text.

    Returns
    -------
    tuple of QuoteSpan
        Sorted by ``(start, depth)``; properly nested.

    Raises
    ------
    TypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> [(s.start, s.end, s.kind, s.depth) for s in quote_spans("He said “no ‘way’” today.")]
    [(8, 18, 'double', 0), (12, 17, 'single', 1)]
    """
    text = _check_text(text)
    scanner = _Scanner(text)
    for match in _SCAN.finditer(text):
        i = match.start()
        if match.end() - i != 1:
            continue
        char = text[i]
        if char in _NEWLINES:
            if scanner.stack:
                scanner.flush(i)
        else:
            scanner.mark(i, char)
    scanner.flush(len(text))
    return _with_depths(scanner.found)


def quoted_intervals(text: str) -> tuple[tuple[int, int], ...]:
    """Return the quoted parts of a text as merged ``(start, end)`` intervals.

    Parameters
    ----------
    text : str
        Original (unfolded) text.

    Returns
    -------
    tuple of (int, int)
        The outermost spans of :func:`quote_spans`, touching ones merged;
        sorted and non-overlapping, ``end`` exclusive.

    Raises
    ------
    TypeError
        If ``text`` is not a str.
    """
    merged: list[list[int]] = []
    for span in quote_spans(text):
        if span.depth:
            continue
        if merged and span.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end])
    return tuple((start, end) for start, end in merged)


def voice_at(intervals: Sequence[tuple[int, int]], offset: int) -> str:
    """Say whose voice the character at ``offset`` is in.

    Parameters
    ----------
    intervals : sequence of (int, int)
        Sorted, non-overlapping ``(start, end)`` pairs, as returned by
        :func:`quoted_intervals` (not re-checked, for speed).
    offset : int
        Offset of a character (e.g. a hit's start) in the original text.

    Returns
    -------
    str
        ``"quoted"`` if ``start <= offset < end`` for some interval, else
        ``"outlet"``.  Binary search: O(log n).

    Raises
    ------
    TypeError
        If ``intervals`` is not a tuple or list, or ``offset`` is not an
        integer.
    ValueError
        If ``offset`` is negative.
    """
    if not isinstance(intervals, (tuple, list)):
        raise TypeError("intervals: expected a tuple or list of (start, end) pairs from quoted_intervals, "
                        f"got {type(intervals).__name__}")
    offset = check_int("offset", offset, low=0)
    index = bisect_right(intervals, (offset, math.inf)) - 1
    if index >= 0 and offset < intervals[index][1]:
        return "quoted"
    return "outlet"
