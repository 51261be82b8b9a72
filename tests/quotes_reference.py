"""Quote detection as it was before the single-loop rewrite (one method call
per mark, a regex that also finds paragraph ends and word-internal
apostrophes), kept as the reference the fast :mod:`framing.quotes` must
equal span for span (tests/test_quotes_reference.py)."""

from __future__ import annotations

import re

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


def reference_spans(text: str) -> list[tuple[int, int, str, int, bool]]:
    """``(start, end, kind, depth, closed)`` per span, sorted as
    :func:`framing.quotes.quote_spans` sorts them."""
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
    found = scanner.found
    found.sort(key=lambda span: (span[0], -span[1]))
    open_ends: list[int] = []
    spans = []
    for start, end, kind, closed in found:
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        spans.append((start, end, kind, len(open_ends), closed))
        open_ends.append(end)
    return spans


def reference_intervals(text: str) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for start, end, _, depth, _ in reference_spans(text):
        if depth:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)
