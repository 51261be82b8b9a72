"""Document × term count matrices under the project's tokenisation.

A feature stage between the corpus and :mod:`framing.stats.keyness`: it
imports only the base (:mod:`framing.records`, :mod:`framing.text`,
:mod:`framing.progress`...) and :mod:`framing.corpus` (never
:mod:`framing.stats`).

Terms
    A unigram term is a folded token of :mod:`framing.text`
    (:func:`framing.text.token_norms`: case- and accent-folded, ``U.S``
    and ``don't`` are single tokens, ``so-called`` is two).  An n-gram
    term is ``n`` consecutive tokens of one sentence joined by a single
    space (``"white house"``); n-grams never cross a sentence break
    (``!``, ``?`` or a ``.`` that does not join two token characters,
    exactly the breaks of :func:`framing.text.tokenize`).  Tokens never
    contain spaces, so a term's words are recovered with ``str.split``.
Stop words
    ``stop_words`` is an explicit iterable of words or ``None`` (no stop
    words; nothing is downloaded, no NLTK data is ever needed).  A short
    English list written for this project is bundled as
    :data:`ENGLISH_STOP_WORDS` (never applied unless passed).  Each
    stop word is folded with :func:`framing.text.fold` and must be one
    token.  A unigram that is a stop word is not counted, and an n-gram
    that contains a stop word is not counted (n-grams are formed on the
    full token sequence first, so no n-gram bridges a removed word).
Cut-offs
    ``min_count``, ``min_docs`` and ``max_doc_share`` are explicit; their
    defaults (1, 1, 1.0) keep every term that occurs at least once, i.e.
    they are *no cut-off*.  They are applied once, after counting, on the
    whole matrix.
Denominators
    ``TermMatrix.doc_tokens`` is each document's token count
    (:func:`framing.text.count_tokens` of the counted part), taken before
    stop words and cut-offs are applied: the denominator of every rate in
    :mod:`framing.stats.keyness`, so that a term's rate never depends on
    which other terms were kept.
Order
    ``terms`` are sorted by Python string order (code points), so the
    matrix is identical under any ``PYTHONHASHSEED``; rows follow the
    input order of the documents.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..check import check_int, check_number, check_str, describe
from ..corpus.readers import Corpus
from ..progress import check_progress, reporter
from ..text import TOKEN_PATTERN, FoldedText, check_segmentation, fold, folded_tokens, token_norms
from ..vocab import DEFAULTS

__all__ = ["ENGLISH_STOP_WORDS", "STOP_LISTS", "TermMatrix", "GroupCounts", "term_matrix", "group_counts",
           "check_groups", "is_number_term", "stop_list", "without_terms"]

#: A short English stop list, written for this project (not taken from
#: another list): articles, pronouns and their possessives, prepositions,
#: conjunctions, auxiliary and modal verbs with their contractions (one
#: token each under :mod:`framing.text`: ``don't``, ``it's``), common
#: determiners and function adverbs, and the courtesy titles ``mr``,
#: ``mrs``, ``ms`` (whether a paper writes "Mr. Smith" or "Smith" is house
#: style, not framing).  No content word, no negation cue that a lexicon
#: might use as a word of its own is missing from a keyness table by
#: accident: ``not``, ``no`` and ``never`` are function words and are
#: listed, so they drop out of keyness only (lexicon scoring never reads
#: a stop list).  Sorted; folded (lower case, ASCII apostrophes).
ENGLISH_STOP_WORDS: tuple[str, ...] = tuple(sorted(set("""
a about above after again against all also am an and any are aren't as at
be because been before being below between both but by
can can't cannot could couldn't
did didn't do does doesn't doing don't down during
each either few for from further
had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
i i'd i'll i'm i've if in into is isn't it it's its itself
just let's me more most much must mustn't my myself
neither never no nor not now of off on once only or other ought our ours ourselves out over own
same shall shan't she she'd she'll she's should shouldn't so some such
than that that's the their theirs them themselves then there there's these they they'd they'll they're they've
this those through to too under until up upon us
very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while who
who's whom whose why why's will with won't would wouldn't
you you'd you'll you're you've your yours yourself yourselves
mr mrs ms
""".split())))
#: Bundled stop lists by name (``[[keyness]] stop_words = "english"``).
STOP_LISTS = {"english": ENGLISH_STOP_WORDS}


_NUMBER = re.compile(r"[0-9]+(?:[.'][0-9]+)*")


def is_number_term(term: str) -> bool:
    """Whether a term has a word made of digits only (``"2019"``, ``"3.5"``,
    ``"02 01"``; not ``"covid0"`` nor ``"4th"``)."""
    return any(_NUMBER.fullmatch(word) for word in term.split(" "))


def without_terms(matrix: TermMatrix, drop) -> TermMatrix:
    """``matrix`` without the terms for which ``drop(term)`` is true
    (``doc_tokens`` unchanged, as for stop words)."""
    keep = np.array([not drop(t) for t in matrix.terms], dtype=bool)
    if keep.all():
        return matrix
    return TermMatrix(counts=matrix.counts[:, np.flatnonzero(keep)], terms=tuple(np.asarray(matrix.terms, dtype=object)[keep]),
                      doc_ids=matrix.doc_ids, doc_tokens=matrix.doc_tokens)


def stop_list(name: str) -> tuple[str, ...]:
    """A bundled stop list by name (:data:`STOP_LISTS`)."""
    if name not in STOP_LISTS:
        raise ValueError(f"stop list: expected one of {', '.join(sorted(STOP_LISTS))}, got {name!r}")
    return STOP_LISTS[name]


@dataclass(frozen=True, eq=False)
class TermMatrix:
    """Term counts of documents.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix of int64, shape (n_docs, n_terms)
        ``counts[i, j]``: occurrences of ``terms[j]`` in document ``i``.
    terms : tuple of str
        Column labels, sorted (Python string order).
    doc_ids : tuple
        Row labels in input order (``str`` ids of a corpus; ``0 .. n-1``
        for a sequence of texts).
    doc_tokens : numpy.ndarray of int64, shape (n_docs,), optional
        Tokens in each document (before stop words and cut-offs): the
        rate denominator.  ``None`` (when a matrix is built by hand)
        means the row sums of ``counts``.

    Raises
    ------
    ValueError
        If the shapes disagree, a count is negative, ``terms`` are not
        unique, or a document has a term count above its token count.
    """

    counts: sp.csr_matrix
    terms: tuple[str, ...]
    doc_ids: tuple[Any, ...]
    doc_tokens: np.ndarray | None = None

    def __post_init__(self) -> None:
        counts = self.counts
        if not sp.issparse(counts):
            counts = np.asarray(counts)
            if counts.ndim != 2:
                raise ValueError(f"counts must be a 2-D documents × terms matrix, got an array of shape {counts.shape}")
        if not np.issubdtype(counts.dtype, np.number) or np.issubdtype(counts.dtype, np.complexfloating):
            raise ValueError(f"counts must hold integer counts, got dtype {counts.dtype}")
        values = counts.data if sp.issparse(counts) else counts
        if values.size and not np.issubdtype(values.dtype, np.integer):
            if not np.all(np.isfinite(values)) or not np.all(values == np.round(values)):
                raise ValueError("counts must hold whole numbers; got non-integer values")
        if values.size and values.min() < 0:
            raise ValueError(f"counts must be non-negative; got a negative count ({values.min()})")
        if sp.issparse(counts) and counts.format == "csr" and counts.dtype == np.int64:
            csr = counts
        else:
            csr = sp.csr_matrix(counts, dtype=np.int64)
        csr.sum_duplicates()  # no-op on canonical CSR
        csr.sort_indices()
        n_docs, n_terms = csr.shape
        terms = tuple(self.terms)
        if len(terms) != n_terms:
            raise ValueError(f"terms has {len(terms)} labels but counts has {n_terms} columns")
        if len(set(terms)) != len(terms):
            raise ValueError("terms must be unique")
        doc_ids = tuple(self.doc_ids)
        if len(doc_ids) != n_docs:
            raise ValueError(f"doc_ids has {len(doc_ids)} labels but counts has {n_docs} rows")
        tokens = self.doc_tokens
        if tokens is not None:
            tokens = np.asarray(tokens)
            if tokens.shape != (n_docs,):
                raise ValueError(f"doc_tokens must have shape ({n_docs},), got {tokens.shape}")
            if tokens.size and (not np.all(tokens == np.round(tokens)) or tokens.min() < 0):
                raise ValueError("doc_tokens must be non-negative whole numbers")
            tokens = tokens.astype(np.int64)
            if n_terms and n_docs:
                row_max = csr.max(axis=1).toarray().ravel()
                bad = np.flatnonzero(row_max > tokens)
                if bad.size:
                    i = int(bad[0])
                    raise ValueError(f"doc_tokens: document {doc_ids[i]!r} has {tokens[i]} tokens but a term count of "
                                     f"{row_max[i]}; a term cannot occur more often than the document has tokens")
        object.__setattr__(self, "counts", csr)
        object.__setattr__(self, "terms", terms)
        object.__setattr__(self, "doc_ids", doc_ids)
        object.__setattr__(self, "doc_tokens", tokens)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_docs, n_terms)``."""
        return self.counts.shape

    def tokens(self) -> np.ndarray:
        """Per-document token counts: ``doc_tokens``, or the row sums of
        ``counts`` when ``doc_tokens`` is ``None``."""
        if self.doc_tokens is not None:
            return self.doc_tokens
        return np.asarray(self.counts.sum(axis=1), dtype=np.int64).ravel()

    def to_frame(self) -> pd.DataFrame:
        """Dense DataFrame (rows ``doc_ids``, columns ``terms``); only for
        small matrices."""
        return pd.DataFrame(self.counts.toarray(), index=pd.Index(self.doc_ids, name="doc_id"),
                            columns=pd.Index(self.terms, name="term"))


@dataclass(frozen=True, eq=False)
class GroupCounts:
    """Term counts summed over the documents of each group.

    Attributes
    ----------
    counts : scipy.sparse.csr_matrix of int64, shape (n_groups, n_terms)
    terms : tuple of str
    groups : tuple
        Group labels, sorted.
    n_docs : numpy.ndarray of int64
        Documents per group.
    tokens : numpy.ndarray of int64
        Tokens per group (sum of :meth:`TermMatrix.tokens`).
    """

    counts: sp.csr_matrix
    terms: tuple[str, ...]
    groups: tuple[Any, ...]
    n_docs: np.ndarray
    tokens: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """Dense group × term DataFrame (index ``group``, columns
        ``terms``)."""
        return pd.DataFrame(self.counts.toarray(), index=pd.Index(self.groups, name="group"),
                            columns=pd.Index(self.terms, name="term"))


def check_groups(groups: Any, n_docs: int, *, name: str = "groups") -> tuple[tuple[Any, ...], np.ndarray]:
    """Validate group labels aligned with matrix rows.

    Returns the sorted distinct labels and, for each row, the index of
    its label in that tuple.

    Raises
    ------
    ValueError
        If the labels are not one per row, contain a missing value, or
        cannot be sorted (mixed types).
    """
    if isinstance(groups, (str, bytes)):
        raise ValueError(f"{name}: expected one label per document (an array, list or Series), got a string")
    values = groups.to_numpy(dtype=object) if isinstance(groups, (pd.Series, pd.Index)) else np.asarray(list(groups), dtype=object)
    if values.ndim != 1 or len(values) != n_docs:
        raise ValueError(f"{name}: got {len(values)} labels for a matrix with {n_docs} documents (rows); "
                         "pass one label per row, in row order")
    missing = pd.isna(values)
    if np.any(missing):
        raise ValueError(f"{name}: label of row {int(np.flatnonzero(missing)[0])} is missing (None/NaN); every document needs a group")
    try:
        labels = tuple(sorted(pd.unique(values).tolist()))
    except TypeError as exc:
        raise ValueError(f"{name}: labels cannot be sorted ({exc}); use labels of one type, e.g. str") from None
    index = {label: i for i, label in enumerate(labels)}
    codes = np.fromiter((index[v] for v in values.tolist()), dtype=np.int64, count=len(values))
    return labels, codes


def group_counts(matrix: TermMatrix, groups: Any) -> GroupCounts:
    """Sum a term matrix over groups of documents.

    Parameters
    ----------
    matrix : TermMatrix
    groups : array-like
        One label per row of ``matrix`` (e.g. ``corpus["outlet"]``).

    Returns
    -------
    GroupCounts
        Rows in sorted label order.

    Raises
    ------
    ValueError
        If ``groups`` is not aligned with the matrix rows or has missing
        or unsortable labels.
    """
    if not isinstance(matrix, TermMatrix):
        raise TypeError(f"matrix must be a TermMatrix (see term_matrix), got {type(matrix).__name__}")
    labels, codes = check_groups(groups, matrix.shape[0])
    k = len(labels)
    indicator = sp.csr_matrix((np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))), shape=(k, len(codes)))
    counts = sp.csr_matrix(indicator @ matrix.counts, dtype=np.int64)
    counts.sort_indices()
    n_docs = np.bincount(codes, minlength=k).astype(np.int64)
    tokens = np.bincount(codes, weights=matrix.tokens(), minlength=k).round().astype(np.int64)
    return GroupCounts(counts, matrix.terms, labels, n_docs, tokens)


# ---------------------------------------------------------------- building

_ROWS = 2048  # DataFrame rows converted to Python strings at a time


def _texts(corpus: Any, part: str) -> tuple[tuple[Any, ...], Iterator[str | None]]:
    """Document ids and a lazy iterator over the texts (a DataFrame column
    is converted to Python strings a slice at a time, so that a large
    Arrow-backed corpus is never copied whole)."""
    frame = corpus.frame if isinstance(corpus, Corpus) else corpus
    if isinstance(frame, pd.DataFrame):
        if "doc_id" not in frame.columns:
            raise ValueError(f"corpus DataFrame has no 'doc_id' column; columns: {', '.join(map(str, frame.columns))}")
        if part not in frame.columns:
            raise ValueError(f"part: the corpus has no {part!r} column; columns: {', '.join(map(str, frame.columns))}")
        column = frame[part]
        doc_ids = tuple(str(d) for d in frame["doc_id"].tolist())
        raw: Iterator[Any] = itertools.chain.from_iterable(
            column.iloc[start:start + _ROWS].tolist() for start in range(0, len(column), _ROWS))
    elif isinstance(corpus, (str, bytes)):
        raise TypeError("corpus must be a Corpus, a DataFrame or a sequence of texts, not a single string")
    elif isinstance(corpus, Iterable):
        if part != "text":
            raise ValueError(f"part={part!r} applies to a Corpus or DataFrame; a sequence of texts has only 'text'")
        items = list(corpus)
        doc_ids = tuple(range(len(items)))
        raw = iter(items)
    else:
        raise TypeError(f"corpus must be a Corpus, a DataFrame or a sequence of texts, got {type(corpus).__name__}")

    def checked() -> Iterator[str | None]:
        for doc_id, text in zip(doc_ids, raw):
            if text is None or (isinstance(text, float) and math.isnan(text)):
                yield None
            elif isinstance(text, str):
                yield text
            else:
                raise TypeError(f"document {doc_id!r}: {part} must be a string (or missing), got {type(text).__name__}")

    return doc_ids, checked()


def _stop_set(stop_words: Iterable[str] | None, segmentation: str = "char") -> frozenset[str]:
    if stop_words is None:
        return frozenset()
    if isinstance(stop_words, (str, bytes)):
        raise ValueError("stop_words: expected an iterable of words (e.g. a list) or None, got a single string")
    out = []
    for word in stop_words:
        if not isinstance(word, str):
            raise ValueError(f"stop_words: every stop word must be a str, got {type(word).__name__} {word!r}")
        norms = token_norms(word, segmentation=segmentation)
        if len(norms) != 1:
            raise ValueError(f"stop_words: {word!r} is not a single token under framing.text rules "
                             f"(it tokenises as {norms}); give single words")
        out.append(norms[0])
    return frozenset(out)


def _check_ngram_range(ngram_range: Any) -> tuple[int, int]:
    what = "a pair of integers (min_n, max_n) with 1 <= min_n <= max_n"
    if not isinstance(ngram_range, (tuple, list)) or len(ngram_range) != 2:
        raise TypeError(f"ngram_range: expected {what}, got {describe(ngram_range)}")
    low, high = (check_int("ngram_range", v, low=1) for v in ngram_range)
    if low > high:
        raise ValueError(f"ngram_range: expected {what}, got {describe(ngram_range)}")
    return low, high


# Tokens and sentence breaks in one pass, as framing.text.folded_tokens:
# group 1 is a token, an empty string a break ("!", "?" or a "." that
# does not join two token characters).
_STREAM = re.compile(rf"({TOKEN_PATTERN})|[.!?]")
# The same rules for ASCII text (no marks, no Han/Kana), several times
# faster; the tests compare both against framing.text.folded_tokens.
_ASCII_STREAM = re.compile(r"([^\W_]+(?:['.][^\W_]+)*)|[.!?]")


def _stream(text: str, segmentation: str = "char") -> list[str]:
    """Folded tokens of ``text`` with ``""`` at every sentence break and
    one ``""`` at the end (so that no n-gram spans two documents); under
    ``segmentation="jieba"`` a text holding Han/Kana has its tokens from
    :func:`framing.text.folded_tokens` and one ``""`` per change of
    sentence (the same n-grams)."""
    folded = fold(text)
    if folded.isascii():
        items = _ASCII_STREAM.findall(folded)
    elif segmentation == "jieba":
        items = []
        last = 0
        for norm, _, _, sentence in folded_tokens(FoldedText(text, folded), segmentation="jieba"):
            if sentence != last:
                items.append("")
                last = sentence
            items.append(norm)
    else:
        items = _STREAM.findall(folded)
    items.append("")
    return items


_INT32_MAX = int(np.iinfo(np.int32).max)
_CHUNK_TERMS = 1 << 18  # tokens (and breaks) factorised at once (bounds memory)


class _Builder:
    """Accumulates CSR pieces chunk by chunk, without a Python operation
    per token.

    Each chunk of documents is one flat object array of tokens (and, for
    n-grams, ``""`` breaks), factorised at C level with
    :func:`pandas.factorize`.  Only the chunk's *distinct* tokens are
    looked up in the vocabulary dict (new terms are added in sorted
    order).  An n-gram is identified by folding its token codes pairwise
    (``pandas.factorize`` of ``code_so_far * n_distinct + next_code``);
    its string is built once per distinct n-gram of the chunk.  Counts
    per (document, term) come from ``numpy.unique``.  Documents must be
    added in row order.
    """

    def __init__(self, stops: frozenset[str], n_docs: int, low: int, high: int, segmentation: str = "char") -> None:
        self.segmentation = segmentation
        self.vocab: dict[str, int] = {word: -1 for word in sorted(stops)}  # stop words map to -1
        self.words: list[str] = []  # column id -> term
        self.low, self.high = low, high
        self.entries = np.zeros(n_docs, dtype=np.int64)  # stored entries per document
        self.doc_tokens = np.zeros(n_docs, dtype=np.int64)
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.pending: list[list[str]] = []
        self.pending_rows: list[int] = []
        self.size = 0

    def add(self, row: int, text: str) -> None:
        items = token_norms(text, segmentation=self.segmentation) if self.high == 1 else _stream(text, self.segmentation)
        if len(items) > (self.high > 1):
            self.pending.append(items)
            self.pending_rows.append(row)
            self.size += len(items)
            if self.size >= _CHUNK_TERMS:
                self.flush()

    def _ids(self, strings: np.ndarray) -> np.ndarray:
        """Column ids of a chunk's distinct terms: one dict lookup per
        distinct term; new terms get the next ids in order of first
        occurrence (the final column order is sorted anyway); stop words
        are -1."""
        vocab, words = self.vocab, self.words
        values = strings.tolist()
        ids = np.fromiter(map(vocab.get, values, itertools.repeat(-2)), dtype=np.int64, count=len(values))
        new = np.flatnonzero(ids == -2)
        if new.size:
            fresh = [values[i] for i in new.tolist()]
            vocab.update(zip(fresh, range(len(words), len(words) + len(fresh))))
            ids[new] = np.arange(len(words), len(words) + len(fresh), dtype=np.int64)
            words.extend(fresh)
        return ids

    def flush(self) -> None:
        if not self.pending:
            return
        lengths = np.fromiter((len(t) for t in self.pending), dtype=np.int64, count=len(self.pending))
        flat = np.empty(int(lengths.sum()), dtype=object)
        flat[:] = list(itertools.chain.from_iterable(self.pending))
        self.pending = []
        codes, uniques = pd.factorize(flat)
        del flat
        local = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        is_break = uniques == ""
        if is_break.any():
            uniques = uniques.copy()
            uniques[is_break] = None  # never a term
        token_ids = np.full(len(uniques), -1, dtype=np.int64)
        words_at = np.flatnonzero(~is_break)
        token_ids[words_at] = self._ids(uniques[words_at])
        breaks = is_break[codes]
        tokens = np.bincount(local[~breaks], minlength=len(lengths))
        docs: list[np.ndarray] = []
        ids: list[np.ndarray] = []
        if self.low == 1:
            unigram = token_ids[codes]
            keep = unigram >= 0
            docs.append(local[keep])
            ids.append(unigram[keep])
        usable = ~breaks & (token_ids[codes] >= 0)  # a token that is not a stop word
        n_distinct = len(uniques)
        for n in range(max(self.low, 2), self.high + 1):
            m = len(codes) - n + 1
            if m <= 0:
                break
            window = usable[:m].copy()
            for j in range(1, n):
                window &= usable[j:j + m]
            starts = np.flatnonzero(window)
            if not starts.size:
                continue
            key = codes[starts].astype(np.int64)
            for j in range(1, n):
                key, _ = pd.factorize(key * n_distinct + codes[starts + j])
            # the first occurrence of each distinct n-gram (ids are in order of first occurrence)
            first = starts[np.unique(key, return_index=True)[1]]
            grams = uniques[codes[first]]
            for j in range(1, n):
                grams = grams + " " + uniques[codes[first + j]]
            docs.append(local[starts])
            ids.append(self._ids(grams)[key])
        width = len(self.words) + 1
        rows = np.asarray(self.pending_rows, dtype=np.int64)
        self.doc_tokens[rows] = tokens
        if docs:
            doc = np.concatenate(docs)
            gid = np.concatenate(ids)
            keys, counts = np.unique(doc * width + gid, return_counts=True)
            doc, gid = np.divmod(keys, width)
            self.entries[rows] = np.bincount(doc, minlength=len(lengths))
            self.cols.append(gid.astype(np.int32 if len(self.words) < _INT32_MAX else np.int64))
            self.vals.append(counts.astype(np.int32 if len(counts) == 0 or counts.max() < _INT32_MAX else np.int64))
        self.pending_rows, self.size = [], 0

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and counts of every stored entry, in row order."""
        cols = np.concatenate(self.cols).astype(np.int64 if len(self.words) >= _INT32_MAX else np.int32, copy=False) \
            if self.cols else np.zeros(0, dtype=np.int32)
        self.cols = []
        vals = np.concatenate(self.vals, dtype=np.int64) if self.vals else np.zeros(0, dtype=np.int64)
        self.vals = []
        return cols, vals


def term_matrix(
    corpus: Any,
    *,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
    min_docs: int = 1,
    max_doc_share: float = 1.0,
    stop_words: Iterable[str] | None = None,
    part: str = "text",
    progress: bool | Callable[[int], Any] | None = DEFAULTS["progress"],
    segmentation: str = DEFAULTS["segmentation"],
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
        no stop words; nothing is downloaded.  A bundled list is passed
        explicitly, e.g. ``stop_words=ENGLISH_STOP_WORDS``.
    part : str, default "text"
        The column to count for a Corpus or DataFrame (``"title"``,
        ``"captions"``...).
    progress : bool or callable, default False
        ``True`` shows a progress bar of the documents counted on
        standard error (:func:`framing.progress.reporter`); a callable is
        called with counts of documents.  Never changes the result.
    segmentation : {"char", "jieba"}, default "char"
        How runs of Han/Kana become tokens (:func:`framing.text.tokenize`):
        one term per character, or jieba's dictionary words (extra
        ``framing-toolkit[cjk]``); also splits the stop words.

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
    low, high = _check_ngram_range(ngram_range)
    check_int("min_count", min_count, low=1)  # 1 = no cut-off
    check_int("min_docs", min_docs, low=1)
    check_number("max_doc_share", max_doc_share, low=0.0, high=1.0, low_open=True)  # 1.0 = no cut-off
    check_str("part", part)
    check_progress(progress)
    segmentation = check_segmentation(segmentation)
    stops = _stop_set(stop_words, segmentation)
    doc_ids, texts = _texts(corpus, part)
    n_docs = len(doc_ids)

    builder = _Builder(stops, n_docs, low, high, segmentation)
    with reporter(progress, total=n_docs, label="term matrix") as bar:
        for i, text in enumerate(texts):
            if text:
                builder.add(i, text)
            if (i + 1) % _ROWS == 0:
                bar(_ROWS)
        bar(n_docs % _ROWS)
    builder.flush()
    words, entries, doc_tokens = builder.words, builder.entries, builder.doc_tokens
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
