"""Cue-lexicon features for scikit-learn.

:class:`CueVectorizer` turns texts into a sparse document × category
matrix of cue counts (or rates) with exactly the counts of
:func:`framing.match.scoring.score`, so it drops into a ``Pipeline`` next to
word and character n-grams.  It lives apart from :mod:`framing.match.scoring`
so that plain scoring does not import scikit-learn.

It declares text input the way scikit-learn's own text vectorizers do
(``input_tags.string=True``, ``input_tags.two_d_array=False``), so
scikit-learn's estimator checks treat it as a text estimator, and
``set_output(transform="pandas")`` gives a dense DataFrame (one column
per category: the matrix is small).
"""

from __future__ import annotations

from array import array
from itertools import repeat

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer

from ..check import check_bool, check_choice, check_int, describe
from ..match.matcher import compile_lexicon
from ..match.scoring import score_texts
from ..vocab import DEFAULTS, NORMALIZATIONS, VOICES

#: What ``normalize`` may be: counts (None) or a rate.
NORMALIZE_CHOICES: tuple[str | None, ...] = (None, *(name for name in NORMALIZATIONS if name != "raw"))

__all__ = ["AUTO_MIN_DF_DOCS", "CHUNK_TOKENS", "CueVectorizer", "NORMALIZE_CHOICES", "WordNgramVectorizer", "auto_min_df"]


class CueVectorizer(TransformerMixin, BaseEstimator):
    """Texts → sparse document × category cue counts (a scikit-learn
    transformer for use inside a ``Pipeline``).

    Parameters
    ----------
    lexicon : Lexicon, Matcher, bundled name or path, default "framing-cues"
        Compiled once per process (:func:`framing.match.compile_lexicon`).
    normalize : {None, "per_token", "per_1000_tokens"}
        ``None`` returns counts; otherwise rates (0 for an empty text).
    voice : {"all", "outlet", "quoted"}, default "all"
        A classifier's features count every token by default (the
        scoring default, ``"outlet"``, is a measurement choice).
    include_negated : bool
        Add one ``<category>__negated`` column per category.
    sublinear : bool, default False
        Replace a count ``c > 0`` by ``1 + log(c)``, as TF-IDF's
        ``sublinear_tf`` does (a count of 1 stays 1): long articles then
        do not carry counts of 50 beside TF-IDF values below 1, which
        makes a logistic regression's optimisation badly conditioned
        (:class:`framing.classify.FrameClassifier` sets it).  Counts only:
        refused with ``normalize``.

    Attributes
    ----------
    lexicon_ : Lexicon
    matcher_ : Matcher
        The compiled lexicon (shared: :func:`framing.match.compile_lexicon`).
    categories_ : ndarray of str
    n_features_in_ : int
        Always 1 (one text column).

    Notes
    -----
    :meth:`transform` returns a CSR matrix, or a dense array when pandas
    or polars output is configured (``set_output(transform="pandas")`` or
    ``sklearn.set_config(transform_output="pandas")``), which scikit-learn
    then wraps in a DataFrame with the category columns.
    """

    def __init__(self, *, lexicon=DEFAULTS["lexicon"], normalize=None, voice="all", include_negated=False,
                 sublinear=False):
        self.lexicon = lexicon
        self.normalize = normalize
        self.voice = voice
        self.include_negated = include_negated
        self.sublinear = sublinear

    def fit(self, X, y=None):
        """Validate parameters and compile the lexicon."""
        check_choice("normalize", self.normalize, NORMALIZE_CHOICES)
        check_choice("voice", self.voice, VOICES)
        check_bool("include_negated", self.include_negated)
        check_bool("sublinear", self.sublinear)
        if self.sublinear and self.normalize is not None:
            raise ValueError(f"sublinear: applies to counts only (normalize=None), got normalize={self.normalize!r}; "
                             f"set one of them")
        self.matcher_ = compile_lexicon(self.lexicon)
        self.lexicon_ = self.matcher_.lexicon
        self.categories_ = np.array(self.matcher_.categories, dtype=object)
        self.n_features_in_ = 1
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _dense_output(self) -> bool:
        """True when set_output (or the global config) asks for a DataFrame."""
        config = getattr(self, "_sklearn_output_config", {}).get("transform")  # written by set_output on self
        if config is None:
            config = sklearn.get_config()["transform_output"]
        return config in ("pandas", "polars")

    def _texts(self, X) -> list[str]:
        if isinstance(X, str):
            raise TypeError("X must be an iterable of strings (one text per sample), not a single string")
        if isinstance(X, pd.DataFrame):
            if X.shape[1] != 1:
                raise ValueError(f"X must have exactly one text column, got {X.shape[1]} columns")
            X = X.iloc[:, 0]
        texts = list(X)
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise TypeError(f"X[{i}] must be a string, got {type(t).__name__}")
        return texts

    def transform(self, X):
        """Return a CSR matrix of shape (n_samples, n_features) (dense
        when pandas/polars output is configured, see Notes)."""
        if not hasattr(self, "lexicon_"):
            raise NotFittedError("CueVectorizer is not fitted yet; call fit first")
        texts = self._texts(X)
        count, negated, _, tokens = score_texts(self.matcher_, texts, self.voice)
        values = count.astype(float)
        if self.include_negated:
            values = np.hstack([values, negated.astype(float)])
        if self.normalize is not None:
            scale = NORMALIZATIONS[self.normalize]
            values = np.divide(scale * values, tokens[:, None], out=np.zeros_like(values), where=tokens[:, None] > 0)
        elif self.sublinear:
            seen = values > 0
            values[seen] = 1.0 + np.log(values[seen])
        return values if self._dense_output() else sp.csr_matrix(values)

    def get_feature_names_out(self, input_features=None):
        """Category names (and ``<category>__negated`` columns)."""
        if not hasattr(self, "categories_"):
            raise NotFittedError("CueVectorizer is not fitted yet; call fit first")
        names = [str(c) for c in self.categories_]
        if self.include_negated:
            names += [f"{c}__negated" for c in self.categories_]
        return np.array(names, dtype=object)


# ---------------------------------------------------------------- word n-grams at corpus scale

#: ``min_df="auto"``: a word n-gram must occur in at least ``max(1, n // AUTO_MIN_DF_DOCS)``
#: training documents (1 below 4,000 documents, 13 at 26,590).
AUTO_MIN_DF_DOCS = 2000


#: :class:`WordNgramVectorizer` counts documents in chunks of about this many tokens (the
#: per-chunk arrays of (document, n-gram) keys are its largest temporaries, ~8 bytes per token each).
CHUNK_TOKENS = 1_000_000


def auto_min_df(n_documents: int) -> int:
    """The document-frequency floor of ``min_df="auto"``: ``max(1, n //
    2000)`` documents (BABE's 3,673 sentences: 1, i.e. every n-gram;
    AllSides' 26,590 articles: 13)."""
    return max(1, int(n_documents) // AUTO_MIN_DF_DOCS)


class _WordIds(dict):
    """Word -> id, a new word getting the next id when first looked up
    (one C-level dict lookup per token: ``map(ids.__getitem__, tokens)``)."""

    def __missing__(self, word: str) -> int:
        self[word] = n = len(self)
        return n


class WordNgramVectorizer(TfidfVectorizer):
    """Word n-gram TF-IDF built with array operations (a drop-in
    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` for a
    tokenizer-based word analyzer).

    scikit-learn counts n-grams one at a time in Python, which dominates
    training on tens of thousands of news articles (about a minute for
    26,590 articles of 1,000 words with 1-2-grams).  This subclass
    tokenizes each text once with ``tokenizer`` into 32-bit word ids
    (only distinct words are kept as strings) and counts n-grams with
    array operations, in chunks of about :data:`CHUNK_TOKENS` tokens and
    one n-gram order at a time: an n-gram can only reach ``min_df``
    documents if the two (n-1)-grams it starts and ends with do, so each
    order is encoded from the kept n-grams of the order below and only
    n-grams that pass ``min_df`` are ever given a column or spelled out
    (apriori pruning; the result is exact, not an approximation).  The
    count matrix is assembled chunk by chunk with 32-bit indices.

    The result equals ``TfidfVectorizer(tokenizer=tokenizer,
    lowercase=False, token_pattern=None, ngram_range=..., min_df=...,
    max_features=..., sublinear_tf=...)`` (same vocabulary in the same
    sorted order, same idf and values) except where ``max_features`` cuts
    through tied term counts: ties are broken by the term (alphabetical),
    where scikit-learn's order is unspecified.  With n-grams longer than
    one word, tokens must not contain spaces (n-grams are spelled with
    spaces, so such a vocabulary would be ambiguous; refused).

    Only the options below are used; ``min_df`` may also be ``"auto"``
    (:func:`auto_min_df` of the number of training texts).  Fitted
    attributes are those of ``TfidfVectorizer`` (``vocabulary_``,
    ``idf_``), so a fitted vectorizer is saved and restored like one.
    """

    def __init__(self, *, tokenizer=None, ngram_range=(1, 1), min_df=1, max_features=None, sublinear_tf=False,
                 dtype=np.float64):
        super().__init__(tokenizer=tokenizer, lowercase=False, token_pattern=None, ngram_range=ngram_range,
                         min_df=min_df, max_features=max_features, sublinear_tf=sublinear_tf, dtype=dtype)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _validate(self) -> tuple[int, int]:
        if not callable(self.tokenizer):
            raise TypeError(f"tokenizer: expected a callable text -> list of tokens, got {describe(self.tokenizer)}")
        lo, hi = self.ngram_range
        check_int("ngram_range", lo, low=1)
        check_int("ngram_range", hi, low=lo)
        if self.min_df != "auto":
            check_int("min_df", self.min_df, low=1)
        if self.max_features is not None:
            check_int("max_features", self.max_features, low=1)
        return lo, hi

    def resolved_min_df(self, n_documents: int) -> int:
        """``min_df`` as a number of documents for ``n_documents`` training texts."""
        return auto_min_df(n_documents) if self.min_df == "auto" else int(self.min_df)

    # ------------------------------------------------------------ tokens and chunks

    def _token_ids(self, raw_documents, index: dict[str, int] | None):
        """Tokenize each text once into one int32 array of word ids and the
        documents' token offsets.  With ``index=None`` (fit) every word gets
        an id in order of first appearance and the words are returned;
        otherwise words missing from ``index`` get -1."""
        if isinstance(raw_documents, str):
            raise TypeError("X must be an iterable of strings (one text per sample), not a single string")
        buffer = array("i")
        lengths = array("q")
        grow = index is None
        if grow:  # new words get ids in order of first appearance (_WordIds.__missing__)
            index = _WordIds()
            encode = index.__getitem__
            for text in raw_documents:
                tokens = self.tokenizer(text)
                buffer.extend(map(encode, tokens))
                lengths.append(len(tokens))
        else:  # words missing from the index get -1
            get, missing = index.get, repeat(-1)
            for text in raw_documents:
                tokens = self.tokenizer(text)
                buffer.extend(map(get, tokens, missing))
                lengths.append(len(tokens))
        if len(index) >= 2 ** 31 - 1:
            raise ValueError(f"X: {len(index)} distinct words do not fit 32-bit word ids")
        ids = np.frombuffer(buffer, dtype=np.intc).astype(np.int32, copy=False) if len(buffer) else np.zeros(0, np.int32)
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        if len(lengths):
            np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=offsets[1:])
        words = None
        if grow:
            words = np.empty(len(index), dtype=object)
            words[:] = list(index)
        return ids, offsets, words

    @staticmethod
    def _chunks(offsets: np.ndarray):
        """(first, stop) document ranges of about :data:`CHUNK_TOKENS` tokens (at least one document)."""
        n_docs, start = len(offsets) - 1, 0
        while start < n_docs:
            stop = int(np.searchsorted(offsets, offsets[start] + CHUNK_TOKENS, side="right")) - 1
            stop = min(max(stop, start + 1), n_docs)
            yield start, stop
            start = stop

    @staticmethod
    def _next_keys(codes: np.ndarray, doc: np.ndarray, k: int, n_below: int) -> np.ndarray:
        """Keys of the order-``k`` n-grams at each start position from the
        codes of the order ``k - 1`` (``prefix * n_below + suffix``; -1
        where either is not kept or the n-gram crosses a document)."""
        a, b = codes[:-1], codes[1:]
        n = len(a)
        valid = (a >= 0) & (b >= 0) & (doc[:n] == doc[k - 1:k - 1 + n])
        keys = a.astype(np.int64)
        keys *= n_below
        keys += b
        keys[~valid] = -1
        return keys

    @staticmethod
    def _lookup(keys: np.ndarray, table: pd.Index) -> np.ndarray:
        """Position of each key in ``table`` (a hash lookup; -1 when absent)."""
        if not len(table):
            return np.full(len(keys), -1, dtype=np.int32)
        return table.get_indexer(keys).astype(np.int32, copy=False)

    def _codes(self, ids, doc, lookup, tables, upto: int) -> list[np.ndarray]:
        """Codes (positions in the kept tables, -1 if not kept) of the
        n-grams of orders 1..``upto`` at each start position of a chunk."""
        codes = np.where(ids >= 0, lookup[ids], -1).astype(np.int32) if len(lookup) else np.full(len(ids), -1, np.int32)
        out = [codes]
        for k in range(2, upto + 1):
            if len(codes) < 2:
                codes = np.zeros(0, dtype=np.int32)
            else:
                codes = self._lookup(self._next_keys(codes, doc, k, len(tables[k - 2])), tables[k - 1])
            out.append(codes)
        return out

    # ------------------------------------------------------------ fit

    @staticmethod
    def _tally(keys: np.ndarray, doc: np.ndarray):
        """Distinct valid keys of a chunk (ascending) with their document and
        token counts: one sort of the (key, document) pairs, then runs."""
        ok = keys >= 0
        keys, doc = keys[ok], doc[:len(ok)][ok]
        if not len(keys):
            return keys, np.zeros(0, np.int64), np.zeros(0, np.int64)
        n_docs = int(doc[-1]) + 1  # chunk-local documents, ascending
        if int(keys.max()) >= (2 ** 63 - 1) // n_docs:  # the pair code would overflow: two sorts
            distinct, inverse = np.unique(keys, return_inverse=True)
            pair = doc.astype(np.int64) * len(distinct) + inverse.ravel()
            pair, count = np.unique(pair, return_counts=True)
            which = pair % len(distinct)
            df = np.bincount(which, minlength=len(distinct)).astype(np.int64)
            tf = np.bincount(which, weights=count, minlength=len(distinct)).astype(np.int64)
            return distinct, df, tf
        pair = keys * n_docs
        pair += doc
        pair.sort()
        key = pair // n_docs
        new_pair = np.empty(len(pair), dtype=bool)
        new_pair[0] = True
        np.not_equal(pair[1:], pair[:-1], out=new_pair[1:])
        new_key = np.empty(len(pair), dtype=bool)
        new_key[0] = True
        np.not_equal(key[1:], key[:-1], out=new_key[1:])
        starts = np.flatnonzero(new_key)
        distinct = key[starts]
        tf = np.diff(np.append(starts, len(pair))).astype(np.int64)  # tokens: every position is one
        df = np.add.reduceat(new_pair.view(np.int8), starts, dtype=np.int64)  # distinct documents per key
        return distinct, df, tf

    @staticmethod
    def _merge(parts):
        """Sum (keys, df, tf) triples over chunks."""
        if len(parts) == 1:
            return parts[0]
        keys = np.concatenate([p[0] for p in parts])
        keys, inverse = np.unique(keys, return_inverse=True)
        df = np.bincount(inverse, weights=np.concatenate([p[1] for p in parts]), minlength=len(keys))
        tf = np.bincount(inverse, weights=np.concatenate([p[2] for p in parts]), minlength=len(keys))
        return keys, df.astype(np.int64), tf.astype(np.int64)

    def fit_transform(self, raw_documents, y=None):
        lo, hi = self._validate()
        ids, offsets, words = self._token_ids(raw_documents, None)
        n_docs = len(offsets) - 1
        min_df = self.resolved_min_df(n_docs)
        if hi > 1:
            spaced = [w for w in words if " " in w]
            if spaced:
                raise ValueError(f"tokenizer: produced a token with a space ({spaced[0]!r}); word n-grams are "
                                 f"spelled with spaces, so ngram_range={self.ngram_range!r} needs tokens without them")
        chunks = list(self._chunks(offsets))
        lookup = np.zeros(0, dtype=np.int32)
        tables: list[np.ndarray] = []
        kept = []  # per order: (terms, df, tf) of the kept n-grams
        terms = last = None
        for k in range(1, hi + 1):
            parts, buffered, total = [], 0, 0
            for start, stop in chunks:
                chunk = ids[offsets[start]:offsets[stop]]
                doc = np.repeat(np.arange(stop - start, dtype=np.int32), np.diff(offsets[start:stop + 1]))
                if k == 1:
                    keys = chunk.astype(np.int64)
                else:
                    below = self._codes(chunk, doc, lookup, tables, k - 1)[-1]
                    keys = self._next_keys(below, doc, k, len(tables[k - 2])) if len(below) > 1 else \
                        np.zeros(0, np.int64)
                parts.append(self._tally(keys, doc))
                buffered += len(parts[-1][0])
                if buffered > max(total, 4 * CHUNK_TOKENS):  # merge now and then: bounded, amortised
                    parts = [self._merge(parts)]
                    buffered = total = len(parts[0][0])
            keys, df, tf = self._merge(parts) if parts else (np.zeros(0, np.int64),) * 3
            del parts
            keep = df >= min_df
            table, df, tf = keys[keep], df[keep], tf[keep]
            if k == 1:
                lookup = np.full(len(words), -1, dtype=np.int32)
                lookup[table] = np.arange(len(table), dtype=np.int32)
                terms = last = words[table]
            else:
                n_below = len(tables[k - 2])
                prefix, suffix = table // n_below, table % n_below
                terms = terms[prefix] + " " + last[suffix] if len(table) else np.zeros(0, dtype=object)
                last = last[suffix]
            tables.append(pd.Index(table))
            kept.append((terms, df, tf))
        candidates = kept[lo - 1:]
        terms = np.concatenate([c[0] for c in candidates])
        tf = np.concatenate([c[2] for c in candidates])
        df = np.concatenate([c[1] for c in candidates])
        order_of = np.concatenate([np.full(len(c[0]), lo + j) for j, c in enumerate(candidates)])
        code_of = np.concatenate([np.arange(len(c[0])) for c in candidates])
        if not len(terms):
            raise ValueError(f"min_df: no word n-gram occurs in at least {min_df} of the {n_docs} training "
                             f"documents; lower min_df or give more text")
        if self.max_features is not None and len(terms) > self.max_features:
            chosen = sorted(range(len(terms)), key=lambda j: (-tf[j], terms[j]))[:self.max_features]
            chosen = np.asarray(sorted(chosen, key=lambda j: terms[j]), dtype=np.int64)
        else:  # the terms are distinct str: the order of sorted()
            chosen = np.argsort(terms, kind="stable").astype(np.int64)
        self.vocabulary_ = dict(zip(map(str, terms[chosen].tolist()), range(len(chosen))))
        self.fixed_vocabulary_ = False
        self.idf_ = np.log((1.0 + n_docs) / (1.0 + df[chosen])) + 1.0
        self._tables = None
        columns = {}
        for k in range(lo, hi + 1):
            column = np.full(len(tables[k - 1]), -1, dtype=np.int32)
            mine = order_of[chosen] == k
            column[code_of[chosen][mine]] = np.flatnonzero(mine)
            columns[k] = column
        return self._matrix(ids, offsets, chunks, lookup, tables, columns, len(chosen))

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents)
        return self

    # ------------------------------------------------------------ the matrix

    def _matrix(self, ids, offsets, chunks, lookup, tables, columns: dict[int, np.ndarray], n_features: int):
        """The TF-IDF matrix (CSR, sorted indices, 32-bit indices where they
        fit), counted and weighted (:meth:`_weigh`) chunk by chunk from the
        (document, column) pairs, so no corpus-wide temporaries are built."""
        n_docs = len(offsets) - 1
        lo, hi = min(columns), max(columns)
        width = max(n_features, 1)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        # every stored value is a distinct (document, n-gram) pair, so there are at most as many as n-gram
        # positions: allocate that much (untouched pages cost no memory), fill chunk by chunk, shrink in place
        bound = sum(max(len(ids) - (k - 1), 0) for k in range(lo, hi + 1))
        index_dtype = np.int32 if max(bound, n_features) < 2 ** 31 else np.int64
        all_data, all_indices = np.empty(bound, dtype=self.dtype), np.empty(bound, dtype=index_dtype)
        for start, stop in chunks:
            chunk = ids[offsets[start]:offsets[stop]]
            doc = np.repeat(np.arange(stop - start, dtype=np.int32), np.diff(offsets[start:stop + 1]))
            codes = self._codes(chunk, doc, lookup, tables, hi)
            rows, cols = [], []
            for k in range(lo, hi + 1):
                code = codes[k - 1]
                col = np.where(code >= 0, columns[k][code], -1) if len(columns[k]) else np.full(len(code), -1)
                hit = col >= 0
                rows.append(doc[:len(code)][hit])
                cols.append(col[hit])
            del codes, doc
            pair = np.concatenate(rows).astype(np.int64) * width + np.concatenate(cols)
            del rows, cols
            pair, count = np.unique(pair, return_counts=True)
            counts = np.bincount(pair // width, minlength=stop - start)
            np.cumsum(counts, out=indptr[start + 1:stop + 1])
            indptr[start + 1:stop + 1] += indptr[start]
            local = np.zeros(stop - start + 1, dtype=np.int64)
            np.cumsum(counts, out=local[1:])
            at, end = int(indptr[start]), int(indptr[stop])
            all_indices[at:end] = pair % width
            del pair
            all_data[at:end] = self._weigh(count.astype(np.float64), all_indices[at:end], local)
        nnz = int(indptr[-1])
        all_data.resize(nnz, refcheck=False)  # only this function holds them: shrink without a copy
        all_indices.resize(nnz, refcheck=False)
        X = sp.csr_matrix((all_data, all_indices, indptr.astype(index_dtype)), shape=(n_docs, n_features))
        # the matrix holds the arrays themselves, not views of them (scipy may wrap them), so a feature union
        # can grow them in place (framing.classify.model.Features)
        X.data, X.indices = all_data, all_indices
        X.has_sorted_indices = True
        return X

    def _weigh(self, values: np.ndarray, columns: np.ndarray, indptr: np.ndarray) -> np.ndarray:
        """Sublinear tf, idf and l2 row normalisation of the counts of a
        block of CSR rows (``values`` in place; float64 throughout)."""
        if self.sublinear_tf:
            np.log(values, out=values)
            values += 1.0
        if len(self.idf_):
            values *= self.idf_[columns]
        row = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))
        norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(indptr) - 1))
        norms[norms == 0] = 1.0
        values *= (1.0 / norms)[row]
        return values

    # ------------------------------------------------------------ transform

    def _vocabulary_tables(self):
        """The lookup and kept tables of :meth:`_codes` rebuilt from
        ``vocabulary_`` (every sub-n-gram of a vocabulary term is kept),
        the column of each kept n-gram, and the word index; cached."""
        cached = getattr(self, "_tables", None)
        if cached is not None and cached[0] is self.vocabulary_:
            return cached[1]
        lo, hi = self.ngram_range
        grams = [tuple(term.split(" ")) if hi > 1 else (term,) for term in self.vocabulary_]
        index = {w: i for i, w in enumerate(sorted({w for g in grams for w in g}))}
        lookup = np.arange(len(index), dtype=np.int32)
        tables = [pd.Index(np.arange(len(index), dtype=np.int64))]
        position: dict[tuple, int] = {(w,): i for w, i in index.items()}
        columns = {}
        for k in range(1, hi + 1):
            if k > 1:
                subs = {g[i:i + k] for g in grams for i in range(len(g) - k + 1)}
                n_below = len(tables[k - 2])
                pairs = sorted((position[s[:-1]] * n_below + position[s[1:]], s) for s in subs)
                tables.append(pd.Index(np.array([p[0] for p in pairs], dtype=np.int64)))
                position = {s: i for i, (_, s) in enumerate(pairs)}
            if k >= lo:
                column = np.full(len(position), -1, dtype=np.int32)
                for s, i in position.items():
                    column[i] = self.vocabulary_.get(" ".join(s), -1)
                columns[k] = column
        built = (index, lookup, tables, columns)
        self._tables = (self.vocabulary_, built)
        return built

    def transform(self, raw_documents):
        if not hasattr(self, "vocabulary_"):
            raise NotFittedError("WordNgramVectorizer is not fitted yet; call fit first")
        self._validate()
        index, lookup, tables, columns = self._vocabulary_tables()
        ids, offsets, _ = self._token_ids(raw_documents, index)
        return self._matrix(ids, offsets, list(self._chunks(offsets)), lookup, tables, columns,
                            len(self.vocabulary_))

    def __getstate__(self):
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__.copy()
        state = dict(state)
        state.pop("_tables", None)
        return state
