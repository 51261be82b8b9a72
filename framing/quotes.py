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

Implementations
    The rules run in C when the optional extension ``framing._cquotes``
    was built at install time (``framing/_cquotes.c``; it needs a C
    compiler), else in Python (this module's code, the reference the C
    code is tested against).  Both give the same spans for every text;
    :data:`COMPILED` says which one runs (a run's manifest records it
    under ``environment.quotes``).  The C code reads the text once, by code
    point, deciding letters/digits and spaces with the functions behind
    ``str.isalnum`` and ``str.isspace``.

Speed: in Python, one compiled regular expression scans the text for
quote marks only, and paragraph ends are looked up with ``str.find``
only while a span is open, so the Python work is proportional to the
number of marks, and the whole scan is linear in the text length.  In C
the scan is one table lookup per character: :func:`quoted_intervals_many`
of 20,000 AllSides articles (123 MB) takes about 0.11 CPU-s, against
0.9 in Python.
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .check import check_int, check_str, describe

try:
    from ._cquotes import found as _compiled_found
    from ._cquotes import intervals as _compiled_intervals
except ImportError:  # not built (no C compiler at install time): the Python implementation below runs
    _compiled_found = _compiled_intervals = None

__all__ = ["COMPILED", "QuoteSpan", "quote_spans", "quoted_intervals", "quoted_intervals_many", "voice_at"]

#: True when the quote rules run in C (the extension ``framing._cquotes``
#: was built), False when they run in Python; the results are the same.
COMPILED: bool = _compiled_found is not None

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
    # next mark.  Rule 1 in the pattern: a single mark between
    # two letters/digits is not found at all; an elision makes the match
    # longer than one character (the mark is then skipped; a preceding
    # letter/digit makes it an apostrophe either way, and the ``'`` of
    # ``'n'`` is consumed with it).  Paragraph ends are not marks: they are
    # looked up (``_paragraph_end``) only while a span is open.
    rf"[\"{_SINGLES}{_D_OPEN}{_D_CLOSE}](?:(?<!{_A}{_S})|(?!{_A}))"
    rf"(?:(?<={_S})(?:\d\d[sS]?|(?i:em|til|tis|twas)|[nN]{_S})(?!{_A}))?"
)
_SPAN = re.Match.span


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


def _found(text: str, marks: Iterable[tuple[int, int]] | None = None,
           ends: list[int] | None = None) -> list[tuple[int, int, str, bool]]:
    """The stack machine of the module docstring: ``(start, end, kind,
    closed)`` per span, in the order they were closed.

    One loop over the marks found by ``_SCAN`` (paragraph ends are searched
    for between two marks only while a span is open); the stack holds
    ``(start, kind, mark)``.  A test compares it with the previous
    implementation (one method call per mark and paragraph end) on random
    texts.  ``marks``: the spans of the matches of ``_SCAN.finditer(text)``
    found another way (:func:`_candidate_spans`); ``ends``: the offsets of
    the text's paragraph ends, sorted, then ``len(text)``.
    """
    found: list[tuple[int, int, str, bool]] = []
    stack: list[tuple[int, str, str]] = []
    doubles = 0  # number of double spans on the stack
    last_open = -2  # offset of the last mark that opened a span
    n = len(text)
    since = 0  # paragraph ends before this offset are passed
    ahead = -1  # the first paragraph end at or after ``since`` when ``ahead >= since`` (n: none)
    for i, end in map(_SPAN, _SCAN.finditer(text)) if marks is None else marks:
        if stack:
            if ahead < since:
                ahead = _paragraph_end(text, since, n) if ends is None else ends[bisect_left(ends, since)]
            if ahead < i:
                # rule 8: the paragraph ends with spans open
                _unclosed(stack, found, ahead)
                stack = []
                doubles = 0
        since = end
        if since - i != 1:
            continue  # rule 1: an elision
        char = text[i]
        after = text[i + 1] if i + 1 < n else ""
        if char == '"':
            # rule 4
            if after and not after.isspace() and (
                i == 0 or i - 1 == last_open or text[i - 1].isspace() or text[i - 1] in _OPEN_BEFORE
            ):
                stack.append((i, DOUBLE, char))
                last_open = i
                doubles += 1
            elif doubles:
                _close_double(stack, found, i + 1)
                doubles -= 1
            elif i and after.isalnum():
                prev = text[i - 1]
                if not prev.isalnum() and not prev.isspace():
                    stack.append((i, DOUBLE, char))
                    last_open = i
                    doubles += 1
        elif char in _SINGLES:
            # rules 5 and 6
            if char != "\u2019" and after and not after.isspace() and (
                i == 0 or i - 1 == last_open or text[i - 1].isspace() or text[i - 1] in _OPEN_BEFORE
            ):
                stack.append((i, SINGLE, char))
                last_open = i
            elif (char != "\u2018" and i and not text[i - 1].isspace() and not after.isalnum()
                  and stack and stack[-1][1] == SINGLE):
                found.append((stack.pop()[0], i + 1, SINGLE, True))
        elif char in _D_CLOSE or (char == "\u201c" and doubles and i and not text[i - 1].isspace()
                                  and not after.isalnum()
                                  and next(m for _, kind, m in reversed(stack) if kind == DOUBLE) == "\u201e"):
            # rule 3, and rule 2's exception (the nearest open double span was opened by „)
            if doubles:
                _close_double(stack, found, i + 1)
                doubles -= 1
        else:
            # rule 2
            stack.append((i, DOUBLE, char))
            last_open = i
            doubles += 1
    if stack:
        if ahead < since:
            ahead = _paragraph_end(text, since, n) if ends is None else ends[bisect_left(ends, since)]
        _unclosed(stack, found, ahead)
    return found


def _paragraph_end(text: str, start: int, n: int) -> int:
    """The offset of the first paragraph end at or after ``start`` (``n``:
    none): ``str.find`` per paragraph-end character, each searching only
    before the nearest one found so far (a regular expression's character
    class reads one character at a time, several times slower)."""
    end = text.find(_NEWLINES[0], start)
    if end < 0:
        end = n
    for char in _NEWLINES[1:]:
        at = text.find(char, start, end)
        if at >= 0:
            end = at
    return end


def _close_double(stack: list[tuple[int, str, str]], found: list[tuple[int, int, str, bool]], end: int) -> None:
    """Close the nearest open double span at ``end`` (single spans opened
    inside it are dropped unclosed, as the rules say)."""
    while True:
        start, kind, _ = stack.pop()
        if kind == DOUBLE:
            found.append((start, end, DOUBLE, True))
            return


def _unclosed(stack: list[tuple[int, str, str]], found: list[tuple[int, int, str, bool]], at: int) -> None:
    """Rule 8: the double spans still open end, unclosed, at ``at`` (a
    paragraph end or the end of the text)."""
    found.extend((start, at, DOUBLE, False) for start, kind, _ in stack if kind == DOUBLE)


def _check_text(text: object) -> str:
    return check_str("text", text, empty=True)


def _with_depths(found: list[tuple[int, int, str, bool]]) -> tuple[QuoteSpan, ...]:
    # every span starts at its own mark: sorting by start is sorting by (start, -end)
    found.sort()
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
    return _with_depths(_found(text) if _compiled_found is None else _compiled_found(text))


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
    text = _check_text(text)
    return _merged(_found(text)) if _compiled_intervals is None else _compiled_intervals(text)


def _merged(found: list[tuple[int, int, str, bool]]) -> tuple[tuple[int, int], ...]:
    """The outermost spans of ``found``, touching ones merged."""
    if not found:
        return ()
    found.sort()  # by start (every span starts at its own mark)
    merged: list[tuple[int, int]] = []
    outer_end = -1  # the end of the last outermost span (spans are properly nested)
    for start, end, _, _ in found:
        if start < outer_end:
            continue  # inside the last outermost span
        if merged and start == outer_end:
            merged[-1] = (merged[-1][0], end)  # touching: merged
        else:
            merged.append((start, end))
        outer_end = end
    return tuple(merged)


def quoted_intervals_many(texts: Sequence[str]) -> list[tuple[tuple[int, int], ...]]:
    """Return :func:`quoted_intervals` of many texts at once.

    With the compiled rules (:data:`COMPILED`) one C call per text;
    otherwise the same intervals, found faster than one
    :func:`quoted_intervals` call per text: the candidate quote marks of
    all the texts are located together with numpy over their UTF-16 code
    units (a regular expression's character class reads one character at
    a time), the single marks between two letters/digits (apostrophes,
    rule 1) are dropped there, and the module's pattern is matched only
    at single marks followed by a character that may begin an elision
    (every other candidate is a match of one character).  Texts with
    characters outside the Basic Multilingual Plane are scanned with the
    pattern alone.

    Parameters
    ----------
    texts : sequence of str
        Original (unfolded) texts.

    Returns
    -------
    list of tuple of (int, int)
        ``[quoted_intervals(text) for text in texts]``.

    Raises
    ------
    TypeError
        If ``texts`` is not a sequence (a str is one text: use
        :func:`quoted_intervals`), or one of its items is not a str.
    """
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Sequence):
        raise TypeError(f"texts: expected a sequence of strings (one text: quoted_intervals), got {describe(texts)}")
    for i, text in enumerate(texts):
        check_str(f"texts[{i}]", text, empty=True)
    if _compiled_intervals is not None:
        return list(map(_compiled_intervals, texts))
    return _intervals_many(texts)


def _intervals_many(texts: Sequence[str]) -> list[tuple[tuple[int, int], ...]]:
    """:func:`quoted_intervals_many` in Python (numpy over UTF-16 code
    units, then :func:`_found` per text), for checked ``texts``."""
    encoded = [text.encode("utf-16-le", "surrogatepass") for text in texts]
    # each text followed by one U+0000 (neither a mark nor a letter/digit), so no text sees its neighbours
    # (one copy: the empty last piece gives the last U+0000)
    encoded.append(b"")
    units = np.frombuffer(b"\0\0".join(encoded), dtype=np.uint16)
    encoded.pop()
    starts = np.cumsum([0] + [len(e) // 2 + 1 for e in encoded]).tolist()
    # quote marks and paragraph ends: one pass for the code units that may be one, then their class
    maybe = units == 10
    maybe |= units == 13
    maybe |= units == 34
    maybe |= units == 39
    maybe |= units >= 0xAB
    at = np.flatnonzero(maybe)
    kind = _UNIT_KIND[units[at]]
    breaks = at[kind == _BREAK]
    at = at[kind >= _MARK]
    if len(at):
        # rule 1 as ``_SCAN`` reads it: a single mark with a letter/digit on both sides is never found
        alnum = _alnum_units()
        single = _UNIT_KIND[units[at]] == _SINGLE_MARK
        apostrophe = single & alnum[units[at - 1]] & alnum[units[at + 1]]
        keep = ~apostrophe
        # the single marks an elision may follow (its first character next): only there is the pattern
        # matched; every other candidate is a match of one character
        elide = (single & _elision_start_units()[units[at + 1]])[keep]
        at = at[keep]
        elisions = at[elide]
    else:
        elisions = at
    bounds = np.searchsorted(at, starts).tolist()
    elision_bounds = np.searchsorted(elisions, starts).tolist()
    elision_list = elisions.tolist()
    positions = at.tolist()
    break_bounds = np.searchsorted(breaks, starts).tolist()
    break_list = breaks.tolist()
    out: list[tuple[tuple[int, int], ...]] = []
    for i, text in enumerate(texts):
        if not text:
            out.append(())
        elif len(encoded[i]) != 2 * len(text):
            out.append(_merged(_found(text)))  # surrogate pairs: code units are not characters
        else:
            start = starts[i]
            marks = [p - start for p in positions[bounds[i] : bounds[i + 1]]]
            if marks:
                ends = [p - start for p in break_list[break_bounds[i] : break_bounds[i + 1]]]
                ends.append(len(text))
                if elision_bounds[i] == elision_bounds[i + 1]:
                    spans: Iterable[tuple[int, int]] = zip(marks, map((1).__add__, marks))
                else:
                    elide = {p - start for p in elision_list[elision_bounds[i] : elision_bounds[i + 1]]}
                    spans = _candidate_spans(text, marks, elide)
                out.append(_merged(_found(text, spans, ends)))
            else:
                out.append(())
    return out


def _candidate_spans(text: str, candidates: list[int], elide: set[int] | None = None) -> Iterator[tuple[int, int]]:
    """The spans of the matches of ``_SCAN.finditer(text)``, given (sorted)
    offsets that include every offset where a match starts, and at which
    no single mark has a letter/digit on both sides: the pattern is tried
    at each single mark past the end of the previous match (an elision
    may follow it); a double mark is a match of its own.  ``elide``: the
    single marks followed by a character that may begin an elision, if
    known (the pattern is tried only there; any other mark is a match of
    one character)."""
    match = _SCAN.match
    since = 0
    for i in candidates:
        if i >= since:
            if (text[i] in _SINGLES) if elide is None else (i in elide):
                found = match(text, i)
                if found is None:
                    continue
                since = found.end()
            else:
                since = i + 1
            yield i, since


# the kind of each UTF-16 code unit for quoted_intervals_many
_BREAK, _MARK, _SINGLE_MARK = 1, 2, 3
_UNIT_KIND = np.zeros(65536, dtype=np.uint8)
_UNIT_KIND[[ord(c) for c in _NEWLINES]] = _BREAK
_UNIT_KIND[[ord(c) for c in f'"{_D_OPEN}{_D_CLOSE}']] = _MARK
_UNIT_KIND[[ord(c) for c in _SINGLES]] = _SINGLE_MARK


@functools.cache
def _elision_start_units() -> np.ndarray:
    """Per UTF-16 code unit, whether it may begin the elision that the
    pattern reads after a single mark (``\\d``, ``e``/``t`` in any case,
    ``n``/``N``), by the pattern's own rules; built on first use.  A
    single mark not followed by one is a match of one character."""
    first = re.compile(r"\d|(?i:e|t)|[nN]")
    return np.fromiter((first.match(chr(c)) is not None for c in range(65536)), dtype=bool, count=65536)


@functools.cache
def _alnum_units() -> np.ndarray:
    """``str.isalnum`` (the pattern's letter/digit) per UTF-16 code unit,
    built on first use; surrogates are not letters/digits."""
    return np.fromiter((chr(c).isalnum() for c in range(65536)), dtype=bool, count=65536)


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
