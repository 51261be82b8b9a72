"""Plain word lists (one term a line) read as single-category lexicons.

Published bias and subjectivity resources are often bare word lists
(Recasens et al. 2013's NPOV lexicon, Hyland's hedges, Liu's opinion
words).  :func:`read_word_list` reads one as a :class:`Lexicon` with one
category, so it can be matched with exactly the semantics of every other
lexicon (:mod:`framing.lexicon.model`) and run as a baseline beside a
framing lexicon (``framing lexicon evaluate --baseline``).

Format
------
One term a line (a word, a phrase, or a prefix glob ending in ``*``).
Blank lines and lines starting with ``#`` or ``;`` are comments (the
headers of Hooper's and Liu's lists).  A term may hold letters, digits,
spaces, hyphens, apostrophes and full stops, and may end in ``*``; any
other character (``a+``, ``f**k``, ``2-faced)``) would change what the
term matches after tokenisation (``a+`` would match every ``a``), so such
a line is an error, or with ``on_error="warn"`` skipped and listed in
``Lexicon.warnings``.  A term repeated (after folding) is kept once and
listed in ``warnings``.  Files are decoded as UTF-8, falling back to
latin-1 (Recasens' lists are latin-1) with a note in ``warnings``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..check import check_choice, check_str
from ..text import term_tokens
from .model import Category, Lexicon, LexiconError, location

__all__ = ["read_word_list"]

_TERM = re.compile(r"[^\W_]+(?:[ \-'.\u2019]+[^\W_]+)*\*?")


def read_word_list(path: str | os.PathLike[str], *, category: str | None = None, name: str | None = None,
                   on_error: str = "raise") -> Lexicon:
    """Read a word list (one term a line) as a one-category lexicon.

    Parameters
    ----------
    path : str or path-like
        The list (see the module docstring for the format).
    category : str, optional
        The category's name; default the file stem (``hedges_hyland2005``).
    name : str, optional
        The lexicon's name; default the file stem.
    on_error : {"raise", "warn"}, default "raise"
        A line that is not a plain term raises, or is skipped and listed
        in ``Lexicon.warnings``.

    Returns
    -------
    Lexicon
        One category, every entry of weight 1, ``source`` the path.

    Raises
    ------
    LexiconError
        Naming the file and line: a line that is not a plain term, or a
        list without any term.
    """
    check_choice("on_error", on_error, ("raise", "warn"))
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path: expected a str or os.PathLike, got {type(path).__name__}")
    file = Path(path)
    source = str(path)
    if not file.is_file():
        raise LexiconError(f"{source}: no such word list")
    stem = file.name.split(".")[0] or "words"
    category = stem if category is None else check_str("category", category)
    name = stem if name is None else check_str("name", name)
    data = file.read_bytes()
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        notes.append(f"{location(source, line)}: not UTF-8; the file was read as latin-1")
        text = data.decode("latin-1")
    entries: list[tuple[str, str, float, int | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        term = raw.strip()
        if not term or term.startswith(("#", ";")):
            continue
        problem = None if _TERM.fullmatch(term) else ("is not a plain term (letters, digits, spaces, hyphens, "
                                                      "apostrophes, inner full stops, an ending '*')")
        if problem is None:
            try:
                term_tokens(term)
            except ValueError as exc:
                problem = f"is not a valid term ({exc})"
        if problem is not None:
            message = f"{location(source, number)}: {term!r} {problem}"
            if on_error == "raise":
                raise LexiconError(message)
            notes.append(message + "; skipped")
            continue
        entries.append((term, category, 1.0, number))
    if not entries:
        raise LexiconError(f"{source}: the word list has no terms")
    return Lexicon.build(name, [Category(category, f"words listed in {file.name}")], entries, source=source,
                         on_duplicate="warn", warnings=tuple(notes), description=f"word list {file.name}")
