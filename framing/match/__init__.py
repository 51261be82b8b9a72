"""Matching: what is counted in each document.

* :mod:`.matcher` — :class:`Matcher`, the located matching engine (every
  hit with its character offsets, voice and negation), built on one
  declared :class:`CompiledLexicon`; :func:`compile_lexicon` gives the one
  matcher of a lexicon per process (every function below compiles
  through it and accepts a Matcher wherever it accepts a lexicon).
* :mod:`.batch` — the same counts for a chunk of documents in one
  automaton scan (the fast path behind :func:`score`).
* :mod:`.scoring` — :func:`score`, :func:`hits`, :func:`kwic` and
  :func:`aggregate` over a corpus.
* :mod:`.terms` — document × term count matrices with the project's
  tokenisation (keyness and classifiers read them).
"""

from __future__ import annotations

from .matcher import CompiledLexicon, CompileInfo, Counts, Matcher, RawHit, ScanKey, TokenInfo, compile_lexicon
from .scoring import AGGREGATE_COLUMNS, HIT_COLUMNS, KWIC_COLUMNS, SCORE_COLUMNS, aggregate, hits, kwic, score
from .terms import GroupCounts, TermMatrix, group_counts, term_matrix

__all__ = [
    "AGGREGATE_COLUMNS", "CompileInfo", "CompiledLexicon", "Counts", "GroupCounts", "HIT_COLUMNS", "KWIC_COLUMNS",
    "Matcher", "RawHit", "SCORE_COLUMNS", "ScanKey", "TermMatrix", "TokenInfo", "aggregate", "compile_lexicon",
    "group_counts", "hits", "kwic", "score", "term_matrix",
]
