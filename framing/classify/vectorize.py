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

__all__ = ["AUTO_MIN_DF_DOCS", "CueVectorizer", "NORMALIZE_CHOICES", "WordNgramVectorizer", "auto_min_df"]


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


def auto_min_df(n_documents: int) -> int:
    """The document-frequency floor of ``min_df="auto"``: ``max(1, n //
    2000)`` documents (BABE's 3,673 sentences: 1, i.e. every n-gram;
    AllSides' 26,590 articles: 13)."""
    return max(1, int(n_documents) // AUTO_MIN_DF_DOCS)


class WordNgramVectorizer(TfidfVectorizer):
    """Word n-gram TF-IDF built with array operations (a drop-in
    :class:`~sklearn.feature_extraction.text.TfidfVectorizer` for a
    tokenizer-based word analyzer).

    scikit-learn counts n-grams one at a time in Python, which dominates
    training on tens of thousands of news articles (about a minute for
    26,590 articles of 1,000 words with 1-2-grams).  This subclass
    tokenizes each text once with ``tokenizer``, encodes tokens as
    integers as it goes (only distinct words are kept as strings), encodes
    n-grams as integers (:func:`pandas.factorize`) and counts them with
    array operations.  The result equals ``TfidfVectorizer(
    tokenizer=tokenizer, lowercase=False, token_pattern=None,
    ngram_range=..., min_df=..., max_features=..., sublinear_tf=...)``
    (same vocabulary in the same sorted order, same idf and values) except
    where ``max_features`` cuts through tied term counts: ties are broken
    by the term (alphabetical), where scikit-learn's order is unspecified.

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

    def _grams(self, raw_documents):
        """Per n-gram order in ``ngram_range``: the distinct (document,
        n-gram) pairs as ``(doc, code, count)`` arrays and the first token
        position of each code (codes are local to the order), with the
        distinct words and the token ids they index.  Terms are spelled
        out later (:meth:`_terms`), only for the n-grams that are kept."""
        if isinstance(raw_documents, str):
            raise TypeError("X must be an iterable of strings (one text per sample), not a single string")
        # one text at a time: only the distinct words are kept as strings, tokens become integers
        index: dict[str, int] = {}
        chunks, lengths = [], []
        for text in raw_documents:
            chunk = [index.setdefault(tok, len(index)) for tok in self.tokenizer(text)]
            chunks.append(np.array(chunk, dtype=np.int64))
            lengths.append(len(chunk))
        n_docs = len(chunks)
        ids = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        del chunks
        words = np.empty(len(index), dtype=object)
        words[:] = list(index)
        del index
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), np.asarray(lengths, dtype=np.int64))
        lo, hi = self.ngram_range
        out = []
        codes = ids  # codes[i]: the order-k n-gram starting at token i (length len(ids) - k + 1)
        for k in range(1, hi + 1):
            if k > 1:
                same = doc[k - 1:] == doc[:len(doc) - k + 1]  # the n-gram stays inside one document
                pair = np.where(same, codes[:-1] * max(len(words), 1) + ids[k - 1:], -1)
                del codes
                codes = pd.factorize(pair, sort=False, use_na_sentinel=False)[0].astype(np.int64, copy=False)
                del pair
                starts = np.flatnonzero(same)
                del same
            else:
                starts = None  # every position
            if k < lo:
                continue
            if starts is not None and not len(starts) or not len(ids):
                out.append((k, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64),
                            np.zeros(0, np.int64)))
                continue
            n_codes = int(codes.max()) + 1
            # factorize numbers codes in order of first appearance: the first position of each code
            running = np.maximum.accumulate(codes)
            first = np.flatnonzero(np.concatenate([[True], running[1:] > running[:-1]]))
            del running
            # one int64 key per (document, n-gram) occurrence, built in place (27M tokens: ~200 MB per array)
            key = doc.copy() if starts is None else doc[starts]
            key *= n_codes
            key += codes if starts is None else codes[starts]
            del starts
            key, count = np.unique(key, return_counts=True)
            out.append((k, key // n_codes, key % n_codes, count.astype(np.int64), first))
        return n_docs, words, ids, out

    @staticmethod
    def _terms(words: np.ndarray, ids: np.ndarray, first: np.ndarray, k: int) -> np.ndarray:
        """The order-``k`` n-grams starting at token positions ``first``, as strings."""
        if not len(first):
            return np.zeros(0, dtype=object)
        terms = words[ids[first]]
        for m in range(1, k):
            terms = terms + " " + words[ids[np.minimum(first + m, len(ids) - 1)]]
        return terms

    def _weigh(self, counts):
        """Sublinear tf, idf and l2 row normalisation of a CSR count matrix
        with sorted indices, in place on its data array."""
        X = counts
        if self.sublinear_tf:
            np.log(X.data, out=X.data)
            X.data += 1.0
        if len(self.idf_):
            X.data *= self.idf_[X.indices]
        row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        norms = np.sqrt(np.bincount(row, weights=X.data * X.data, minlength=X.shape[0]))
        norms[norms == 0] = 1.0
        X.data *= (1.0 / norms)[row]
        return X.astype(self.dtype, copy=False)

    def fit_transform(self, raw_documents, y=None):
        self._validate()
        n_docs, words, ids, grams = self._grams(raw_documents)
        min_df = self.resolved_min_df(n_docs)
        # candidates: (order, code) with df >= min_df; only they are spelled out
        cand_terms, cand_tf, cand_df, cand_order, cand_code = [], [], [], [], []
        for j, (k, d, c, count, first) in enumerate(grams):
            df = np.bincount(c, minlength=len(first))
            tf = np.bincount(c, weights=count, minlength=len(first))
            keep = np.flatnonzero(df >= min_df)
            cand_terms.append(self._terms(words, ids, first[keep], k))
            cand_tf.append(tf[keep])
            cand_df.append(df[keep])
            cand_order.append(np.full(len(keep), j))
            cand_code.append(keep)
        terms = np.concatenate(cand_terms) if cand_terms else np.zeros(0, dtype=object)
        tf, df = np.concatenate(cand_tf), np.concatenate(cand_df)
        order_of, code_of = np.concatenate(cand_order), np.concatenate(cand_code)
        if not len(terms):
            raise ValueError(f"min_df: no word n-gram occurs in at least {min_df} of the {n_docs} training "
                             f"documents; lower min_df or give more text")
        chosen = range(len(terms))
        if self.max_features is not None and len(terms) > self.max_features:
            chosen = sorted(chosen, key=lambda j: (-tf[j], terms[j]))[:self.max_features]
        chosen = sorted(chosen, key=lambda j: terms[j])
        chosen = np.asarray(chosen, dtype=np.int64)
        self.vocabulary_ = {str(terms[j]): i for i, j in enumerate(chosen.tolist())}
        self.fixed_vocabulary_ = False
        self.idf_ = np.log((1.0 + n_docs) / (1.0 + df[chosen])) + 1.0
        columns = []
        for j, (k, d, c, count, first) in enumerate(grams):
            column = np.full(len(first), -1, dtype=np.int64)
            mine = order_of[chosen] == j
            column[code_of[chosen][mine]] = np.flatnonzero(mine)
            columns.append(column)
        return self._weigh(self._matrix(n_docs, grams, columns, len(chosen)))

    def _matrix(self, n_docs: int, grams, columns: list[np.ndarray], n_features: int):
        """The count matrix (CSR, sorted indices), built per n-gram order
        straight from the (document, n-gram) pairs, which are sorted by
        document (no COO triplets: they cost about 100 bytes per stored
        value at corpus scale)."""
        total = None
        for (_, d, c, count, _), column in zip(grams, columns):
            col = column[c]
            hit = col >= 0
            rows = d[hit]
            indptr = np.zeros(n_docs + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
            del rows
            part = sp.csr_matrix((count[hit].astype(np.float64), col[hit], indptr), shape=(n_docs, n_features))
            part.sort_indices()
            total = part if total is None else total + part  # the orders never share a column
        if total is None:
            return sp.csr_matrix((n_docs, n_features))
        total.sort_indices()
        return total

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents)
        return self

    def transform(self, raw_documents):
        if not hasattr(self, "vocabulary_"):
            raise NotFittedError("WordNgramVectorizer is not fitted yet; call fit first")
        self._validate()
        n_docs, words, ids, grams = self._grams(raw_documents)
        vocabulary = self.vocabulary_
        columns = []
        for k, _, _, _, first in grams:
            terms = self._terms(words, ids, first, k)
            columns.append(np.fromiter((vocabulary.get(t, -1) for t in terms), dtype=np.int64, count=len(terms)))
        return self._weigh(self._matrix(n_docs, grams, columns, len(vocabulary)))
