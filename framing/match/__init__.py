"""Matching: what is counted in each document.

* :mod:`.matcher` — :class:`Matcher`, the located matching engine (every
  hit with its character offsets, voice and negation).
* :mod:`.batch` — the same counts for a chunk of documents in one
  automaton scan (the fast path behind :func:`score`).
* :mod:`.scoring` — :func:`score`, :func:`hits`, :func:`kwic` and
  :func:`aggregate` over a corpus.
* :mod:`.terms` — document × term count matrices with the project's
  tokenisation (keyness and classifiers read them).
"""

from __future__ import annotations

from .matcher import Counts, Matcher, RawHit
from .scoring import AGGREGATE_COLUMNS, HIT_COLUMNS, KWIC_COLUMNS, SCORE_COLUMNS, aggregate, hits, kwic, score
from .terms import GroupCounts, TermMatrix, group_counts, term_matrix

__all__ = [
    "AGGREGATE_COLUMNS", "Counts", "GroupCounts", "HIT_COLUMNS", "KWIC_COLUMNS", "Matcher", "RawHit",
    "SCORE_COLUMNS", "TermMatrix", "aggregate", "group_counts", "hits", "kwic", "score", "term_matrix",
]
