"""The term-matrix builder as it was before vectorisation (one dict lookup
per token), kept as the reference the vectorised builder must equal
byte for byte."""

from __future__ import annotations

import itertools
from typing import Any, Iterable

import numpy as np
import scipy.sparse as sp

from framing.match.terms import TermMatrix
from framing.text import FoldedText, fold, folded_tokens, token_norms


def _stop_set(stop_words):
    return frozenset() if stop_words is None else frozenset(token_norms(w)[0] for w in stop_words)


def _sentences(text: str) -> list[list[str]]:
    """Folded tokens of ``text`` split at the sentence breaks of
    :func:`framing.text.tokenize`."""
    out: list[list[str]] = []
    current: list[str] = []
    last = 0
    for norm, _, _, sentence in folded_tokens(FoldedText(text, fold(text))):
        if sentence != last:
            out.append(current)
            current = []
            last = sentence
        current.append(norm)
    if current:
        out.append(current)
    return out


def _doc_terms(text: str, low: int, high: int, stops: frozenset[str]) -> tuple[list[str], int]:
    """Terms of one document (with repeats; unigram stop words are
    removed later, n-grams with a stop word here) and its token count."""
    if high == 1:
        norms = token_norms(text)
        return norms, len(norms)
    sentences = _sentences(text)
    n_tokens = sum(len(s) for s in sentences)
    out: list[str] = []
    for sent in sentences:
        marked = [None if w in stops else w for w in sent] if stops else sent
        for n in range(low, high + 1):
            if n == 1:
                out.extend(sent)
                continue
            grams = zip(*(marked[i:] for i in range(n)))
            if stops:
                out.extend(" ".join(g) for g in grams if None not in g)
            else:
                out.extend(" ".join(g) for g in grams)
    return out, n_tokens


_INT32_MAX = int(np.iinfo(np.int32).max)
_CHUNK_TERMS = 1 << 18  # term occurrences factorised at once (bounds memory)


class _Builder:
    """Accumulates CSR pieces chunk by chunk.  Each chunk of documents is
    mapped to column ids with one C-level ``map`` over a dict (new terms
    are added first, in sorted order) and counted with ``numpy.unique``.
    Documents must be added in row order."""

    def __init__(self, stops: frozenset[str], n_docs: int) -> None:
        self.vocab: dict[str, int] = {word: -1 for word in sorted(stops)}  # stop words map to -1
        self.words: list[str] = []  # column id -> term
        self.entries = np.zeros(n_docs, dtype=np.int64)  # stored entries per document
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.pending: list[list[str]] = []
        self.pending_rows: list[int] = []
        self.size = 0

    def add(self, row: int, terms: list[str]) -> None:
        if terms:
            self.pending.append(terms)
            self.pending_rows.append(row)
            self.size += len(terms)
            if self.size >= _CHUNK_TERMS:
                self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        vocab, words = self.vocab, self.words
        lengths = np.fromiter((len(t) for t in self.pending), dtype=np.int64, count=len(self.pending))
        flat = list(itertools.chain.from_iterable(self.pending))
        for term in sorted(set(flat).difference(vocab)):
            vocab[term] = len(words)
            words.append(term)
        ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
        del flat
        local = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        keep = ids >= 0
        width = len(words) + 1
        keys, counts = np.unique(local[keep] * width + ids[keep], return_counts=True)
        doc, gid = np.divmod(keys, width)
        self.entries[np.asarray(self.pending_rows, dtype=np.int64)] = np.bincount(doc, minlength=len(lengths))
        self.cols.append(gid.astype(np.int32 if len(words) < _INT32_MAX else np.int64))
        self.vals.append(counts.astype(np.int32 if len(counts) == 0 or counts.max() < _INT32_MAX else np.int64))
        self.pending, self.pending_rows, self.size = [], [], 0

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and counts of every stored entry, in row order."""
        cols = np.concatenate(self.cols).astype(np.int64 if len(self.words) >= _INT32_MAX else np.int32, copy=False) \
            if self.cols else np.zeros(0, dtype=np.int32)
        self.cols = []
        vals = np.concatenate(self.vals, dtype=np.int64) if self.vals else np.zeros(0, dtype=np.int64)
        self.vals = []
        return cols, vals


def reference_term_matrix(
    corpus: Any,
    *,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
    min_docs: int = 1,
    max_doc_share: float = 1.0,
    stop_words: Iterable[str] | None = None,
    part: str = "text",
) -> TermMatrix:
    """Count folded tokens (and n-grams) of every document.

    Parameters
    ----------
    corpus : Corpus, pandas.DataFrame or sequence of str
        A :class:`framing.corpus.Corpus`, a DataFrame with ``doc_id`` and
        the ``part`` column, or a sequence of texts (row ``i`` gets
        ``doc_id`` ``i``).  A missing text (None/NaN) is an empty
        document (a row of zeros, ``doc_tokens`` 0).
    ngram_range : (int, int), default (1, 1)
        Count every n-gram with ``min_n <= n <= max_n`` (within one
        sentence; see the module docstring).
    min_count : int, default 1
        Keep a term whose total count over all documents is at least
        this.  The default 1 is no cut-off.
    min_docs : int, default 1
        Keep a term that occurs in at least this many documents.  The
        default 1 is no cut-off.
    max_doc_share : float in (0, 1], default 1.0
        Keep a term that occurs in at most ``max_doc_share * n_docs``
        documents.  The default 1.0 is no cut-off.
    stop_words : iterable of str or None, default None
        Words not counted (nor any n-gram containing one).  ``None`` is
        no stop words; no stop-word list is built in or downloaded.
    part : str, default "text"
        The column to count for a Corpus or DataFrame (``"title"``,
        ``"captions"``...).

    Returns
    -------
    TermMatrix
        ``counts`` documents × terms (CSR, int64), ``terms`` sorted,
        ``doc_ids`` in input order, ``doc_tokens`` the token count of
        each document's ``part`` (before stop words and cut-offs).

    Raises
    ------
    ValueError
        A bad ``ngram_range``, cut-off, stop word or ``part``.
    TypeError
        A corpus or text of the wrong type.

    Examples
    --------
    >>> m = term_matrix(["The U.S. economy grew.", "The economy shrank!"], ngram_range=(1, 2))
    >>> m.terms
    ('economy', 'economy grew', 'economy shrank', 'grew', 'shrank', 'the', 'the economy', 'the u.s', 'u.s')
    >>> m.counts.toarray().tolist()
    [[1, 1, 0, 1, 0, 1, 0, 1, 1], [1, 0, 1, 0, 1, 1, 1, 0, 0]]

    ``U.S.`` ends a sentence, so ``"u.s economy"`` is not a bigram.
    """
    low, high = ngram_range
    stops = _stop_set(stop_words)
    texts = list(corpus)
    doc_ids = tuple(range(len(texts)))
    n_docs = len(doc_ids)

    builder = _Builder(stops, n_docs)
    doc_tokens = np.zeros(n_docs, dtype=np.int64)
    for i, text in enumerate(texts):
        if text:
            terms, doc_tokens[i] = _doc_terms(text, low, high, stops)
            builder.add(i, terms)
    builder.flush()
    words, entries = builder.words, builder.entries
    indices, data = builder.arrays()
    del builder

    n_vocab = len(words)
    totals = np.bincount(indices, weights=data, minlength=n_vocab)
    dfs = np.bincount(indices, minlength=n_vocab)
    keep = (totals >= min_count) & (dfs >= min_docs) & (dfs <= float(max_doc_share) * n_docs)
    del totals, dfs
    order = sorted(np.flatnonzero(keep).tolist(), key=words.__getitem__)
    remap = np.full(n_vocab, -1, dtype=np.int64)  # old column id -> new (sorted) id, -1 = cut
    remap[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int64)
    index_dtype = np.int32 if max(len(indices), n_vocab) < _INT32_MAX else np.int64
    indices = remap.astype(index_dtype)[indices]
    if not keep.all():
        kept = indices >= 0
        row_of = np.repeat(np.arange(n_docs, dtype=np.int64), entries)
        entries = np.bincount(row_of[kept], minlength=n_docs)
        del row_of
        indices, data = indices[kept], data[kept]
        del kept
    indptr = np.zeros(n_docs + 1, dtype=index_dtype)
    np.cumsum(entries, out=indptr[1:])
    counts = sp.csr_matrix((data, indices, indptr), shape=(n_docs, len(order)))
    counts.sort_indices()
    return TermMatrix(counts, tuple(words[j] for j in order), doc_ids, doc_tokens)
