"""Lexicons: categories of framing cues and their entries.

* :mod:`.model` — :class:`Lexicon`, :class:`Category`, :class:`Entry` and
  the matching semantics every entry is checked against.
* :mod:`.files` — lexicon files (TOML, CSV/TSV, LIWC ``.dic``) and the
  bundled lexicons in ``framing/lexicon/bundled/``.
* :mod:`.dic` — the LIWC/Moral Foundations ``.dic`` reader.
* :mod:`.check` — a lexicon's self-check report (overlapping globs,
  entries shared between categories).
"""

from __future__ import annotations

from .check import LexiconReport, check_lexicon
from .files import FORMATS, LexiconWarning, bundled_lexicons, load_lexicon, read_lexicon, write_lexicon_toml
from .model import DEFAULT_NEGATORS, Category, Entry, Lexicon, LexiconError

__all__ = [
    "DEFAULT_NEGATORS", "FORMATS", "Category", "Entry", "Lexicon", "LexiconError", "LexiconReport",
    "LexiconWarning", "bundled_lexicons", "check_lexicon", "load_lexicon", "read_lexicon", "write_lexicon_toml",
]
