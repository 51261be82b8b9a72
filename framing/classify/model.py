"""Classifiers for frames and bias: pipelines, sentence use, explanations.

Models
    :func:`make_features` builds a :class:`sklearn.pipeline.FeatureUnion`
    of word n-gram TF-IDF (framing's tokens, :func:`framing.text.token_norms`),
    character n-gram TF-IDF (``char_wb``), cue-lexicon counts
    (:class:`framing.classify.vectorize.CueVectorizer`) and, optionally, scores
    learned from annotated biased words (:class:`MarkedWordScorer`).
    Optionally, sentence embeddings (:mod:`framing.classify.embed`, an
    extra).  :func:`make_pipeline` adds a linear model: ``"logreg"``
    (:class:`~sklearn.linear_model.LogisticRegression`), ``"svm"``
    (:class:`~sklearn.svm.LinearSVC` calibrated by
    :class:`~sklearn.calibration.CalibratedClassifierCV` with sigmoid
    calibration and ``ensemble=False``, so one linear model explains the
    prediction) or ``"baseline"`` (plain unigram TF-IDF + logistic
    regression, scikit-learn defaults: the reference point of every
    benchmark).  Multi-label targets use
    :class:`~sklearn.multiclass.OneVsRestClassifier`.
    :class:`FrameClassifier` wraps a pipeline as one estimator: it accepts
    texts (or a DataFrame with a ``text`` column), binary, multi-class or
    multi-label targets (lists of labels, binarised with
    :class:`~sklearn.preprocessing.MultiLabelBinarizer`), and chooses
    ``C`` by an inner cross-validation on the training data when given
    several values (nested CV when used inside :mod:`framing.classify.evaluate`).
Sentence and document use
    :func:`classify_sentences` splits documents with
    :func:`framing.text.sentence_spans` and classifies each sentence;
    :func:`document_shares` and :func:`group_shares` aggregate to
    documents and outlets (share of sentences predicted positive, with a
    percentile bootstrap CI over documents).
Explanations
    :func:`top_features` lists the largest coefficients per class;
    :func:`explain` gives, for one text, each feature's contribution
    (coefficient × feature value), the character spans of the words,
    n-grams and lexicon hits that drove the prediction, and the lexicon
    categories that contributed.
Persistence
    :mod:`framing.classify.persist` (JSON + ``.npz``, never pickle).
Evaluation
    :mod:`framing.classify.evaluate`.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.multiclass import type_of_target

from ..check import check_bool, check_choice, check_confidence, check_int, check_number, describe
from ..match.matcher import compile_lexicon
from ..progress import check_progress, reporter
from ..seeds import rng as seeded_rng
from ..text import sentence_spans, token_norms, tokenize
from ..vocab import DEFAULTS, MODEL_KINDS
from .embed import POOLINGS
from .inputs import texts_of
from .vectorize import CueVectorizer, WordNgramVectorizer

__all__ = [
    "MODEL_KINDS",
    "SENTENCE_COLUMNS",
    "DOCUMENT_COLUMNS",
    "GROUP_COLUMNS",
    "TOP_FEATURE_COLUMNS",
    "CONTRIBUTION_COLUMNS",
    "SPAN_COLUMNS",
    "CATEGORY_COLUMNS",
    "ColumnSelector",
    "Features",
    "MarkedWordScorer",
    "FrameClassifier",
    "Explanation",
    "make_features",
    "stack_into",
    "make_pipeline",
    "classify_sentences",
    "document_shares",
    "group_shares",
    "top_features",
    "explain",
    "check_positive",
]

SENTENCE_COLUMNS = ("doc_id", "outlet", "sentence", "start", "end", "text", "label", "score", "positive")
DOCUMENT_COLUMNS = ("doc_id", "outlet", "n_sentences", "n_positive", "share", "mean_score")
GROUP_COLUMNS = ("by", "group", "n_docs", "n_sentences", "n_positive", "share", "ci_low", "ci_high", "mean_score")
TOP_FEATURE_COLUMNS = ("class", "rank", "feature", "kind", "coefficient")
CONTRIBUTION_COLUMNS = ("feature", "kind", "value", "coefficient", "contribution")
SPAN_COLUMNS = ("feature", "kind", "start", "end", "matched_text", "contribution")
CATEGORY_COLUMNS = ("category", "count", "coefficient", "contribution")


# ---------------------------------------------------------------- input checks

def _frame(texts: list[str], marked: Sequence[Sequence[str]] | None = None) -> pd.DataFrame:
    # an object column holds the caller's str objects as they are (pandas' default string dtype would copy
    # every text into an Arrow buffer: 170 MB for 26,590 news articles)
    frame = pd.DataFrame({"text": pd.Series(texts, dtype=object)})
    frame["marked_words"] = [list(m) for m in marked] if marked is not None else [[] for _ in texts]
    return frame


def check_positive(name: str, value: Any) -> float:
    """A finite number > 0 (a weight, a strength, ``C``), in the form of
    :mod:`framing.check`."""
    return check_number(name, value, low=0.0, low_open=True)


def _check_ngrams(name: str, value: Any) -> None:
    if value is None:
        return
    what = "None or a pair (min_n, max_n) of integers with 1 <= min_n <= max_n"
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name}: expected {what}, got {describe(value)}")
    for v in value:
        check_int(name, v, low=1)
    if value[0] > value[1]:
        raise ValueError(f"{name}: expected {what}, got {describe(value)}")


def compile_cues(cues: Any):
    """The :class:`~framing.match.Matcher` of a cue lexicon (a Lexicon, a
    Matcher, a bundled lexicon name or a file path), compiled once per
    process (:func:`framing.match.compile_lexicon`)."""
    try:
        return compile_lexicon(cues)
    except TypeError:
        raise TypeError("cues: expected None, a Lexicon, a Matcher, a bundled lexicon name or a file path, "
                        f"got {type(cues).__name__}") from None


# ---------------------------------------------------------------- transformers

class ColumnSelector(TransformerMixin, BaseEstimator):
    """Select one column of a DataFrame (stateless; the first step of each
    feature branch so that every branch of the FeatureUnion sees the same
    input)."""

    def __init__(self, *, column="text"):
        self.column = column

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        if not isinstance(X, pd.DataFrame) or self.column not in X.columns:
            raise ValueError(f"expected a DataFrame with a {self.column!r} column")
        return X[self.column]

    def __sklearn_is_fitted__(self):
        return True


class MarkedWordScorer(TransformerMixin, BaseEstimator):
    """Sentence features learned from annotated biased words (e.g. BABE's
    ``biased_words``).

    For every word ``w`` of the training texts, ``r(w) = (marked(w) +
    strength * prior) / (seen(w) + strength)`` where ``seen`` counts the
    training texts containing ``w`` and ``marked`` those in which the
    annotators marked it; unseen words score ``prior``.  A text gets four
    features: the maximum, the sum and the sum of the two largest
    ``r(w)`` over its tokens, and the number of tokens with ``r(w) >
    threshold``.  Words are framing tokens (:func:`framing.text.token_norms`).

    Training rows are **cross-fitted**: :meth:`fit_transform` returns, for
    each training row, features computed from the other folds only
    (``n_splits`` folds), as :class:`sklearn.preprocessing.TargetEncoder`
    does, so the classifier never sees a row's own annotation; the table
    from all training rows is used by :meth:`transform`.

    Input is a DataFrame with ``text`` and ``marked_words`` (lists of
    strings; only read by fitting) columns.

    Attributes
    ----------
    vocabulary_ : ndarray of str
        Sorted words seen in training.
    seen_ : ndarray of int
    marked_ : ndarray of int
    """

    def __init__(self, *, prior=0.02, strength=1.0, threshold=0.2, n_splits=5, random_state=0):
        self.prior = prior
        self.strength = strength
        self.threshold = threshold
        self.n_splits = n_splits
        self.random_state = random_state

    def _validate(self, X) -> None:
        check_number("prior", self.prior, low=0.0)
        check_positive("strength", self.strength)
        check_number("threshold", self.threshold, low=0.0)
        check_int("n_splits", self.n_splits, low=2)
        if not isinstance(X, pd.DataFrame) or "text" not in X.columns or "marked_words" not in X.columns:
            raise ValueError("MarkedWordScorer needs a DataFrame with 'text' and 'marked_words' columns")

    @staticmethod
    def _table(tokens: list[set[str]], marked: list[set[str]]) -> tuple[Counter, Counter]:
        seen, hit = Counter(), Counter()
        for toks, words in zip(tokens, marked):
            seen.update(toks)
            hit.update(toks & words)
        return seen, hit

    def _features(self, tokens: list[list[str]], seen: Counter, hit: Counter) -> np.ndarray:
        out = np.zeros((len(tokens), 4))
        for i, toks in enumerate(tokens):
            if not toks:
                continue
            r = np.array([(hit.get(t, 0) + self.strength * self.prior) / (seen.get(t, 0) + self.strength) for t in toks])
            top = np.sort(r)[-2:]
            out[i] = (r.max(), r.sum(), top.sum(), float((r > self.threshold).sum()))
        return out

    @staticmethod
    def _marked(X) -> list[set[str]]:
        out = []
        for i, words in enumerate(X["marked_words"]):
            if isinstance(words, str) or not isinstance(words, (list, tuple, set, frozenset, np.ndarray)):
                raise TypeError(f"marked_words[{i}] must be a list of strings, got {type(words).__name__}")
            out.append({t for w in words for t in token_norms(str(w))})
        return out

    def fit(self, X, y=None):
        self._validate(X)
        tokens = [set(token_norms(t)) for t in texts_of(X)]
        seen, hit = self._table(tokens, self._marked(X))
        self.vocabulary_ = np.array(sorted(seen), dtype=object)
        self.seen_ = np.array([seen[w] for w in self.vocabulary_], dtype=np.int64)
        self.marked_ = np.array([hit.get(w, 0) for w in self.vocabulary_], dtype=np.int64)
        self._index = None
        return self

    def fit_transform(self, X, y=None, **fit_params):
        self.fit(X)
        token_lists = [token_norms(t) for t in texts_of(X)]
        sets = [set(t) for t in token_lists]
        marked = self._marked(X)
        out = np.zeros((len(token_lists), 4))
        if len(token_lists) < self.n_splits or self.n_splits < 2:
            raise ValueError(f"MarkedWordScorer cross-fits over n_splits={self.n_splits} folds and needs at least "
                             f"that many training texts (and n_splits >= 2), got {len(token_lists)}")
        for train, held in KFold(self.n_splits, shuffle=True, random_state=self.random_state).split(token_lists):
            seen, hit = self._table([sets[i] for i in train], [marked[i] for i in train])
            out[held] = self._features([token_lists[i] for i in held], seen, hit)
        return sp.csr_matrix(out)

    def restore(self, vocabulary: Sequence[str], seen: Sequence[int], marked: Sequence[int]) -> "MarkedWordScorer":
        """Set the fitted table (``vocabulary_``, ``seen_``, ``marked_``)
        from saved arrays (:mod:`framing.classify.persist`)."""
        self.vocabulary_ = np.asarray(vocabulary, dtype=object)
        self.seen_ = np.asarray(seen, dtype=np.int64)
        self.marked_ = np.asarray(marked, dtype=np.int64)
        if not len(self.vocabulary_) == len(self.seen_) == len(self.marked_):
            raise ValueError(f"vocabulary, seen and marked: expected equal lengths, got {len(self.vocabulary_)}, "
                             f"{len(self.seen_)} and {len(self.marked_)}")
        self._index = None
        return self

    def _counters(self) -> tuple[dict, dict]:
        if getattr(self, "_index", None) is None:
            self._index = (dict(zip(self.vocabulary_.tolist(), self.seen_.tolist())),
                           dict(zip(self.vocabulary_.tolist(), self.marked_.tolist())))
        return self._index

    def word_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """``r(w)`` for each token (for explanations)."""
        if not hasattr(self, "vocabulary_"):
            raise NotFittedError("MarkedWordScorer is not fitted yet; call fit first")
        seen, hit = self._counters()
        return np.array([(hit.get(t, 0) + self.strength * self.prior) / (seen.get(t, 0) + self.strength) for t in tokens])

    def transform(self, X):
        if not hasattr(self, "vocabulary_"):
            raise NotFittedError("MarkedWordScorer is not fitted yet; call fit first")
        seen, hit = self._counters()
        return sp.csr_matrix(self._features([token_norms(t) for t in texts_of(X)], seen, hit))

    def get_feature_names_out(self, input_features=None):
        return np.array(["max", "sum", "top2", "count"], dtype=object)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_index"] = None
        return state


# ---------------------------------------------------------------- the feature union

#: Rows per block when :class:`Features` moves a branch's stored values into the combined matrix.
STACK_ROWS = 2048


def _owns(matrix) -> bool:
    return all(part.flags.owndata and part.flags.c_contiguous for part in (matrix.data, matrix.indices))


class Features(FeatureUnion):
    """The :class:`~sklearn.pipeline.FeatureUnion` of :func:`make_features`,
    which stacks its branches' CSR matrices without a second copy of the
    largest one.

    scikit-learn stacks the branches into a new matrix, so for a moment
    the word n-gram matrix exists twice (28 million stored values, about
    340 MB, for 26,590 news articles).  Here the first branch's matrix
    (word n-grams, by far the largest) is grown in place and the other
    branches' columns are moved in behind each row's values, a block of
    :data:`STACK_ROWS` rows at a time from the last row back (no
    corpus-wide temporaries).  The result equals ``scipy.sparse.hstack``
    (same values, columns, sorted indices).  Every branch of
    :func:`make_features` returns a fresh matrix, which is what makes
    reusing the first one safe; inputs that are not all CSR matrices of
    one dtype, or whose first matrix does not own its arrays, are stacked
    by scikit-learn as usual.
    """

    def _hstack(self, Xs):  # FeatureUnion's hook that concatenates the branch outputs
        Xs = list(Xs)
        for X, (name, _) in zip(Xs, self.transformer_list):
            if len(getattr(X, "shape", (0, 0))) != 2:
                raise ValueError(f"transformer {name!r}: returned {len(X.shape)} dimensions, expected 2 "
                                 f"(n_samples, n_features)")
        if all(sp.issparse(X) and X.format == "csr" for X in Xs) and len(Xs) > 1:
            first, rest = Xs[0], Xs[1:]
            if (_owns(first) and all(X.dtype == first.dtype for X in rest)
                    and first.shape[1] + sum(X.shape[1] for X in rest) < 2 ** 31):
                return stack_into(first, rest)
        # otherwise what scikit-learn's FeatureUnion does
        if any(sp.issparse(X) for X in Xs):
            return sp.hstack(Xs).tocsr()
        if all(isinstance(X, pd.DataFrame) for X in Xs):  # pandas output
            return pd.concat(Xs, axis=1)
        return np.hstack([np.asarray(X) for X in Xs])


def stack_into(first, rest):
    """``scipy.sparse.hstack([first, *rest], format="csr")``, reusing
    (and so consuming) ``first``'s arrays: ``first`` must not be used
    afterwards (see :class:`Features`)."""
    n = first.shape[0]
    tail = sp.hstack(rest, format="csr", dtype=first.dtype)
    tail.sort_indices()
    first.sort_indices()
    width = first.shape[1]
    p = first.indptr.astype(np.int64)
    extra = np.diff(tail.indptr).astype(np.int64)
    shift = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(extra, out=shift[1:])
    q = p + shift
    total = int(q[-1])
    index_dtype = first.indices.dtype if total < np.iinfo(first.indices.dtype).max else np.int64
    data, indices = first.data, first.indices
    if not _owns(first):  # not resizable in place: work on copies
        data, indices = data.copy(), indices.copy()
    if index_dtype != indices.dtype:
        indices = indices.astype(index_dtype)
    data.resize(total, refcheck=False)  # grown in place (no copy of the stored values)
    indices.resize(total, refcheck=False)
    tail_cols = tail.indices.astype(index_dtype) + width
    for stop in range(n, 0, -STACK_ROWS):  # from the last rows back: every move goes right, into space already free
        start = max(stop - STACK_ROWS, 0)
        a, b = int(p[start]), int(p[stop])
        lengths = np.diff(p[start:stop + 1])
        if b > a and shift[start] != shift[stop]:
            moved = np.repeat(shift[start:stop], lengths) + np.arange(a, b)
            data[moved] = data[a:b].copy()
            indices[moved] = indices[a:b].copy()
        elif b > a and shift[start]:
            data[a + shift[start]:b + shift[start]] = data[a:b].copy()
            indices[a + shift[start]:b + shift[start]] = indices[a:b].copy()
        ta, tb = int(tail.indptr[start]), int(tail.indptr[stop])
        if tb > ta:
            own = np.diff(tail.indptr[start:stop + 1]).astype(np.int64)
            at = np.repeat(q[start:stop] + lengths, own) + (np.arange(ta, tb) - np.repeat(tail.indptr[start:stop], own))
            data[at] = tail.data[ta:tb]
            indices[at] = tail_cols[ta:tb]
    out = sp.csr_matrix((data, indices, q.astype(index_dtype)), shape=(n, width + tail.shape[1]), copy=False)
    out.has_sorted_indices = True
    return out


# ---------------------------------------------------------------- factories

def make_features(*, word_ngrams=(1, DEFAULTS["ngram_max"]), char_ngrams=(2, 5), cues=DEFAULTS["lexicon"],
                  marked=False, min_df=DEFAULTS["min_df"], char_min_df=2, max_features=DEFAULTS["max_features"],
                  cue_weight=0.5, cue_sublinear=True, marked_weight=1.0, embeddings=None, embedding_weight=1.0,
                  embedding_pooling="text", random_state=0) -> "Features":
    """The feature union of a :class:`FrameClassifier`.

    Parameters
    ----------
    word_ngrams : (int, int) or None
        Word n-gram range of the TF-IDF branch ``word`` (sublinear tf;
        framing tokens; counted with array operations by
        :class:`framing.classify.vectorize.WordNgramVectorizer`, equal to
        scikit-learn's ``TfidfVectorizer``); None leaves it out.
    char_ngrams : (int, int) or None
        Character n-gram range (``char_wb``, lowercased) of the branch ``char``.
    cues : lexicon name, path, Lexicon, Matcher or None
        Lexicon of the ``cues`` branch (counts, weight ``cue_weight``);
        compiled once per process (:func:`framing.match.compile_lexicon`).
    cue_sublinear : bool
        Cue counts ``c > 0`` become ``1 + log(c)`` (default; as the TF-IDF
        branches' sublinear tf).  Raw counts of long articles (up to ~80
        per category) beside TF-IDF values below 1 made the logistic
        regression take hundreds of iterations at corpus scale.
    marked : bool
        Add the ``marked`` branch (:class:`MarkedWordScorer`, weight ``marked_weight``).
    min_df : int or "auto"
        Minimum document frequency of word n-grams; ``"auto"`` (default)
        scales with the training set: ``max(1, n // 2000)`` documents
        (:func:`framing.classify.vectorize.auto_min_df`: every n-gram below
        4,000 texts, 13 documents for 26,590 articles), so that training on
        tens of thousands of articles does not carry millions of n-grams
        seen once or twice.
    char_min_df : int
        Minimum document frequency of character n-grams.
    max_features : int, optional
        Cap on each TF-IDF branch's vocabulary (the most frequent n-grams;
        ties by the n-gram).
    embeddings : str, optional
        Add the ``embed`` branch: sentence embeddings of this model
        (:class:`framing.classify.embed.SentenceEmbedder`, weight
        ``embedding_weight``; needs the optional ``embeddings`` extra).
    embedding_pooling : {"text", "sentences"}
        How the ``embed`` branch turns a text into one vector
        (:data:`framing.classify.embed.POOLINGS`): ``"text"`` (default)
        encodes the whole text as one input, so only its first 256 word
        pieces count; ``"sentences"`` averages the vectors of its sentences
        (L2-normalised), so a whole article counts.

    Returns
    -------
    Features
        A :class:`~sklearn.pipeline.FeatureUnion` (:class:`Features`) with
        branches named ``word``, ``char``, ``cues``, ``marked``, ``embed``; input is a
        DataFrame with a ``text`` (and for ``marked`` a ``marked_words``) column.
    """
    _check_ngrams("word_ngrams", word_ngrams)
    _check_ngrams("char_ngrams", char_ngrams)
    if min_df != "auto":
        check_int("min_df", min_df, low=1)
    check_int("char_min_df", char_min_df, low=1)
    check_positive("cue_weight", cue_weight)
    check_bool("cue_sublinear", cue_sublinear)
    check_positive("marked_weight", marked_weight)
    check_positive("embedding_weight", embedding_weight)
    check_choice("embedding_pooling", embedding_pooling, POOLINGS)
    if max_features is not None:
        check_int("max_features", max_features, low=1)
    branches, weights = [], {}
    if word_ngrams is not None:
        branches.append(("word", Pipeline([("select", ColumnSelector()), ("tfidf", WordNgramVectorizer(
            tokenizer=token_norms, ngram_range=tuple(word_ngrams), sublinear_tf=True, min_df=min_df,
            max_features=max_features, dtype=np.float64))])))
    if char_ngrams is not None:
        branches.append(("char", Pipeline([("select", ColumnSelector()), ("tfidf", TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(char_ngrams), sublinear_tf=True, min_df=char_min_df,
            max_features=max_features, dtype=np.float64))])))
    if cues is not None:
        branches.append(("cues", Pipeline([("select", ColumnSelector()),
                                           ("count", CueVectorizer(lexicon=compile_cues(cues),
                                                                   sublinear=bool(cue_sublinear)))])))
        weights["cues"] = cue_weight
    if marked:
        branches.append(("marked", MarkedWordScorer(random_state=random_state)))
        weights["marked"] = marked_weight
    if embeddings is not None:
        from .embed import SentenceEmbedder, check_model

        check_model(embeddings)
        branches.append(("embed", SentenceEmbedder(model=embeddings, pooling=embedding_pooling)))
        weights["embed"] = embedding_weight
    if not branches:
        raise ValueError("no features: give word_ngrams, char_ngrams, cues, marked=True or embeddings")
    return Features(branches, transformer_weights=weights or None)


#: The solver of ``kind="logreg"``: Newton-CG (a truncated Newton method).  On 26,590 AllSides
#: articles it converges in a few Newton steps where L-BFGS took hundreds of iterations
#: (benchmarks/bench_classify_scale.py); both minimise the same penalised loss.
LOGREG_SOLVER = "newton-cg"

#: Stopping tolerance of ``kind="logreg"`` (scikit-learn's ``tol``: Newton-CG stops when every
#: gradient component is below it).  1e-3 since 0.2.0 session 6 (was 1e-4), adopted because both
#: reference macro-F1s are unchanged within noise, i.e. |difference| < 0.005 and the paired bootstrap
#: 95% CI of the difference (the same resampled documents for both tolerances) covers 0
#: (benchmarks/bench_classify_scale.py --tols, bench_classify_babe.py --tols, same session):
#: AllSides media split valid (26,590 training articles, no character n-grams) 0.2820 -> 0.2849,
#: difference +0.0029 (-0.0006 to +0.0065), 1.5% of predictions changed, largest coefficient change
#: 0.05 (largest coefficient 9.2), solver 34.8 -> 24.3 CPU-s (7 -> 5 Newton steps); BABE 5-fold
#: stratified, C=1, default features: 0.7547 -> 0.7556, +0.0009 (-0.0017 to +0.0034), 0.7% of
#: predictions changed, largest coefficient change 0.40 (of 2.65).  Models fitted before are
#: not refitted; refitting one now gives these slightly different coefficients.
LOGREG_TOL = 1e-3


def _linear_model(kind: str, C: float, class_weight, random_state, multilabel: bool):
    if kind == "svm":
        model = CalibratedClassifierCV(LinearSVC(C=C, class_weight=class_weight, random_state=random_state),
                                       method="sigmoid", cv=3, ensemble=False)
    else:
        model = LogisticRegression(C=C, class_weight=class_weight, solver=LOGREG_SOLVER, tol=LOGREG_TOL, max_iter=3000,
                                   random_state=random_state)
    return OneVsRestClassifier(model) if multilabel else model


def make_pipeline(kind: str = "logreg", *, multilabel: bool = False, C: float = 1.0, class_weight="balanced",
                  random_state: int = 0, **features: Any) -> Pipeline:
    """A ready-to-fit scikit-learn Pipeline ``features`` → ``model``.

    Parameters
    ----------
    kind : {"logreg", "svm", "baseline"}
        ``"baseline"`` ignores every other option: unigram
        ``TfidfVectorizer()`` + ``LogisticRegression(max_iter=3000)``
        with scikit-learn defaults.
    multilabel : bool
        Wrap the model in ``OneVsRestClassifier`` (fit with an indicator matrix).
    C : float
        Inverse regularisation strength.
    class_weight : "balanced", None or dict
    random_state : int
    **features
        Passed to :func:`make_features`.

    Returns
    -------
    Pipeline
        Steps ``features`` and ``model``; input is a DataFrame with a
        ``text`` column (see :class:`FrameClassifier` for plain texts).
    """
    check_choice("kind", kind, MODEL_KINDS)
    if kind == "baseline":
        feats = FeatureUnion([("word", Pipeline([("select", ColumnSelector()), ("tfidf", TfidfVectorizer())]))])
        model = LogisticRegression(max_iter=3000)
        return Pipeline([("features", feats), ("model", OneVsRestClassifier(model) if multilabel else model)])
    check_positive("C", C)
    return Pipeline([("features", make_features(random_state=random_state, **features)),
                     ("model", _linear_model(kind, C, class_weight, random_state, multilabel))])


# ---------------------------------------------------------------- the estimator

#: Folds of the sigmoid calibration of ``kind="svm"``: every class needs this many examples.
SVM_CALIBRATION_FOLDS = 3


def _check_svm_classes(target, classes, multilabel: bool) -> None:
    """kind="svm" calibrates on stratified folds: refuse (never drop) a
    class with fewer examples than folds."""
    if multilabel:
        counts = {c: int(n) for c, n in zip(classes.tolist(), np.asarray(target).sum(axis=0).tolist())}
    else:
        counts = {c: int((target == c).sum()) for c in classes.tolist()}
    rare = {c: n for c, n in counts.items() if n < SVM_CALIBRATION_FOLDS}
    if rare:
        listed = ", ".join(f"{c!r} ({n})" for c, n in sorted(rare.items(), key=lambda item: str(item[0])))
        raise ValueError(f"kind='svm': the sigmoid calibration uses {SVM_CALIBRATION_FOLDS} stratified folds and "
                         f"needs at least {SVM_CALIBRATION_FOLDS} examples of every class, got {listed}; drop "
                         f"those rows or use kind='logreg'")


def _target_array(values: list, classes: np.ndarray) -> np.ndarray:
    """Single labels as the array the linear model is fitted on.

    Numbers and booleans become a numeric array (an object array of
    integers is an "unknown" target type to scikit-learn); strings and
    other labels stay an object array.  Continuous numbers are refused:
    they are a regression target, not classes."""
    if all(isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=bool)
    if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in values):
        return np.asarray(values, dtype=np.int64)
    if all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values):
        arr = np.asarray(values, dtype=np.float64)
        if not np.isfinite(arr).all():
            raise ValueError(f"y[{int(np.flatnonzero(~np.isfinite(arr))[0])}] is not finite; drop unlabelled texts "
                             f"before fitting")
        kind = type_of_target(arr)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"y: expected class labels (strings, integers or booleans), got continuous values "
                             f"such as {float(arr[arr != np.round(arr)][0])!r} (Unknown label type {kind!r}); "
                             f"a classifier needs a finite set of classes")
        return arr
    return np.asarray(values, dtype=object)


def _check_fitted(model: "FrameClassifier") -> None:
    if not hasattr(model, "pipeline_"):
        raise NotFittedError("FrameClassifier is not fitted yet; call fit first")


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Text classifier: n-gram TF-IDF + cue-lexicon features + a linear model.

    Parameters
    ----------
    kind : {"logreg", "svm", "baseline"}
        See :func:`make_pipeline`.
    C : float or sequence of float
        Inverse regularisation strength.  Several values: the best by
        mean macro-F1 in an ``inner_cv``-fold cross-validation on the
        training data only (stratified; grouped when :meth:`fit` gets
        ``groups``; ties: the smaller C).  ``kind="baseline"`` uses
        scikit-learn's default C=1 and refuses any other value.
    class_weight : "balanced", None or dict
    word_ngrams, char_ngrams, cues, marked, min_df, char_min_df, max_features, cue_weight, cue_sublinear, marked_weight
        Feature options of :func:`make_features`.  ``marked=True`` needs
        ``marked_words`` in :meth:`fit`.
    embeddings, embedding_weight, embedding_pooling
        Optional sentence-embedding branch (:mod:`framing.classify.embed`,
        e.g. ``embeddings="all-MiniLM-L6-v2"``; optional extra);
        ``embedding_pooling="sentences"`` embeds every sentence and averages
        them, so a whole article counts (see :func:`make_features`).
    inner_cv : int
        Folds of the inner selection of ``C``.
    random_state : int

    Attributes
    ----------
    classes_ : ndarray
        Class labels (sorted).
    multilabel_ : bool
        True when ``y`` was a sequence of label lists.
    pipeline_ : Pipeline
        The fitted pipeline (:func:`make_pipeline`).
    C_ : float
        The C used for the final fit.
    c_scores_ : DataFrame or None
        ``C, macro_f1`` of the inner selection (None with a single C).
    n_features_in_ : int
        Always 1 (one text column).
    """

    def __init__(self, *, kind=DEFAULTS["model"], C=1.0, class_weight="balanced",
                 word_ngrams=(1, DEFAULTS["ngram_max"]), char_ngrams=(2, 5), cues=DEFAULTS["lexicon"], marked=False,
                 min_df=DEFAULTS["min_df"], char_min_df=2, max_features=DEFAULTS["max_features"], cue_weight=0.5,
                 cue_sublinear=True, marked_weight=1.0, embeddings=None, embedding_weight=1.0,
                 embedding_pooling="text", inner_cv=3, random_state=0):
        self.kind = kind
        self.C = C
        self.class_weight = class_weight
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.cues = cues
        self.marked = marked
        self.min_df = min_df
        self.char_min_df = char_min_df
        self.max_features = max_features
        self.cue_weight = cue_weight
        self.cue_sublinear = cue_sublinear
        self.marked_weight = marked_weight
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight
        self.embedding_pooling = embedding_pooling
        self.inner_cv = inner_cv
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # texts, as scikit-learn's text vectorizers declare them
        tags.input_tags.two_d_array = False
        return tags

    def feature_params(self) -> dict[str, Any]:
        """The keyword arguments of :func:`make_features` for this model
        (after :meth:`fit`, ``cues`` is the compiled lexicon)."""
        cues = getattr(self, "_cues", self.cues)  # the lexicon compiled once per fit (see fit)
        return dict(word_ngrams=self.word_ngrams, char_ngrams=self.char_ngrams, cues=cues, marked=self.marked,
                    min_df=self.min_df, char_min_df=self.char_min_df, max_features=self.max_features,
                    cue_weight=self.cue_weight, cue_sublinear=self.cue_sublinear, marked_weight=self.marked_weight,
                    embeddings=self.embeddings, embedding_weight=self.embedding_weight,
                    embedding_pooling=self.embedding_pooling)

    def _pipeline(self, C: float) -> Pipeline:
        return make_pipeline(self.kind, multilabel=self.multilabel_, C=C, class_weight=self.class_weight,
                             random_state=self.random_state, **self.feature_params())

    def _targets(self, y, n: int):
        y = list(y)
        if len(y) != n:
            raise ValueError(f"X has {n} texts but y has {len(y)} labels")
        multilabel = bool(y) and all(isinstance(v, (list, tuple, set, frozenset)) for v in y)
        if not multilabel and any(isinstance(v, (list, tuple, set, frozenset)) for v in y):
            raise ValueError("y mixes label lists and single labels; give one label per text, or a list of labels "
                             "for every text (multi-label)")
        if multilabel:
            mlb = MultiLabelBinarizer()
            Y = mlb.fit_transform([sorted(map(str, v)) for v in y])
            if len(mlb.classes_) < 1:
                raise ValueError("multi-label y has no labels at all")
            everywhere = [str(c) for c, k in zip(mlb.classes_, Y.sum(axis=0)) if k == n]
            if everywhere:
                raise ValueError(f"multi-label y: label(s) {', '.join(map(repr, everywhere))} are given for every "
                                 f"text, so there is nothing to learn about them; drop them")
            return True, np.asarray(mlb.classes_, dtype=object), Y
        for i, v in enumerate(y):
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                raise ValueError(f"y[{i}] is missing; drop unlabelled texts before fitting")
        values = [v.item() if isinstance(v, np.generic) else v for v in y]
        try:
            classes = np.array(sorted(set(values)), dtype=object)
        except TypeError:
            raise TypeError("y mixes label types that cannot be sorted (e.g. strings and numbers)") from None
        if len(classes) < 2:
            raise ValueError(f"y has a single class {classes.tolist()!r}; a classifier needs at least two")
        return False, classes, _target_array(values, classes)

    def fit(self, X, y, *, marked_words=None, groups=None, progress=DEFAULTS["progress"]):
        """Fit on texts ``X`` (iterable of str, or a DataFrame with a
        ``text`` column) and labels ``y``.

        Parameters
        ----------
        marked_words : sequence of lists of str, optional
            One list of annotated words per text; feeds the ``marked``
            features (required when ``marked=True``).
        groups : sequence, optional
            One group per text (e.g. the outlet).  With several ``C``
            values the inner selection then uses
            :class:`~sklearn.model_selection.GroupKFold`, so ``C`` is
            chosen for unseen groups, as the outer grouped evaluation
            measures; it needs at least ``inner_cv`` distinct groups.
            Ignored with a single ``C``.
        progress : bool or callable, default False
            ``True`` shows the fits done (inner folds choosing ``C``, then
            the final fit) on standard error
            (:func:`framing.progress.reporter`); a callable is called
            with counts of fits.  Never changes the fitted model.
        """
        check_choice("kind", self.kind, MODEL_KINDS)
        check_progress(progress)
        Cs = list(self.C) if isinstance(self.C, (list, tuple, np.ndarray)) else [self.C]
        if not Cs:
            raise ValueError("C must be a positive number or a non-empty sequence of them, got an empty sequence")
        for c in Cs:
            check_positive("C", c)
        if self.kind == "baseline" and [float(c) for c in Cs] != [1.0]:
            raise ValueError(f"kind='baseline' is plain TF-IDF + logistic regression with scikit-learn defaults "
                             f"(C=1.0) and does not use C={self.C!r}; leave C at 1.0 or use kind='logreg'")
        check_int("inner_cv", self.inner_cv, low=2)
        texts = texts_of(X)
        if groups is not None:
            groups = np.asarray([str(g) for g in groups], dtype=object)
            if len(groups) != len(texts):
                raise ValueError(f"groups has {len(groups)} entries for {len(texts)} texts")
        if self.marked and self.kind != "baseline":
            if marked_words is None:
                raise ValueError("marked=True needs marked_words= (one list of annotated words per text) in fit")
            marked_words = list(marked_words)
            if len(marked_words) != len(texts):
                raise ValueError(f"marked_words has {len(marked_words)} entries for {len(texts)} texts")
        self.multilabel_, self.classes_, target = self._targets(y, len(texts))
        if self.kind == "svm":
            _check_svm_classes(target, self.classes_, self.multilabel_)
        # the lexicon is compiled once (per process: compile_lexicon), not once per feature union
        self._cues = compile_cues(self.cues) if self.cues is not None and self.kind != "baseline" else self.cues
        frame = _frame(texts, marked_words if self.marked else None)
        self.c_scores_ = None
        with reporter(progress, total=(self.inner_cv if len(Cs) > 1 else 0) + 1, label="fitting", unit="fits") as bar:
            if len(Cs) > 1:
                self.C_, self.c_scores_ = self._select_C(frame, target, Cs, groups, bar)
            else:
                self.C_ = float(Cs[0])
            self.pipeline_ = self._pipeline(self.C_).fit(frame, target)
            bar(1)
        self.n_features_in_ = 1
        return self

    def _select_C(self, frame: pd.DataFrame, target, Cs: list[float], groups=None,
                  bar=None) -> tuple[float, pd.DataFrame]:
        if groups is not None:
            n_groups = len(set(groups.tolist()))
            if n_groups < self.inner_cv:
                raise ValueError(f"choosing C among {len(Cs)} values by a grouped inner cross-validation needs at "
                                 f"least inner_cv={self.inner_cv} distinct groups in the training data, got "
                                 f"{n_groups}; give a single C, fewer inner folds or more groups")
            splits = GroupKFold(self.inner_cv).split(frame, target if not self.multilabel_ else None, groups)
        elif self.multilabel_:
            splits = KFold(self.inner_cv, shuffle=True, random_state=self.random_state).split(frame)
        else:
            splits = StratifiedKFold(self.inner_cv, shuffle=True, random_state=self.random_state).split(frame, target)
        labels = None if self.multilabel_ else self.classes_.tolist()
        scores = np.zeros(len(Cs))
        for train, test in splits:
            if not self.multilabel_ and len(set(target[train].tolist())) < 2:
                raise ValueError(f"an inner training fold for choosing C holds the single class "
                                 f"{target[train][0]!r} (grouped folds keep whole groups together); give a single C")
            feats = make_features(random_state=self.random_state, **self.feature_params())
            A = feats.fit_transform(frame.iloc[train]).tocsr()
            B = feats.transform(frame.iloc[test]).tocsr()
            for j, c in enumerate(Cs):
                model = _linear_model(self.kind, c, self.class_weight, self.random_state, self.multilabel_)
                model.fit(A, target[train])
                scores[j] += f1_score(target[test], model.predict(B), labels=labels, average="macro", zero_division=0)
            if bar is not None:
                bar(1)
        scores /= self.inner_cv
        best = min(range(len(Cs)), key=lambda j: (-round(scores[j], 12), Cs[j]))
        return float(Cs[best]), pd.DataFrame({"C": [float(c) for c in Cs], "macro_f1": scores})

    def _check(self) -> None:
        _check_fitted(self)

    def transform_features(self, X):
        """The feature matrix (CSR) the linear model sees."""
        self._check()
        return self.pipeline_.named_steps["features"].transform(_frame(texts_of(X))).tocsr()

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order (multi-label:
        independent per-label probabilities)."""
        self._check()
        return np.asarray(self.pipeline_.predict_proba(_frame(texts_of(X))))

    def predict(self, X) -> np.ndarray:
        """Labels (multi-label: an indicator matrix with columns ``classes_``)."""
        self._check()
        out = self.pipeline_.predict(_frame(texts_of(X)))
        if self.multilabel_:
            return np.asarray(out.toarray() if sp.issparse(out) else out, dtype=int)
        return np.array([v.item() if isinstance(v, np.generic) else v for v in out], dtype=object)

    def predict_labels(self, X) -> list:
        """Labels as Python objects (multi-label: a sorted tuple per text)."""
        pred = self.predict(X)
        if self.multilabel_:
            return [tuple(self.classes_[row.astype(bool)].tolist()) for row in pred]
        return pred.tolist()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Feature names ``<branch>__<name>`` (``word__loaded term``,
        ``char__ ab``, ``cues__loaded_language``, ``marked__max``)."""
        self._check()
        names = []
        for branch, trans in self.pipeline_.named_steps["features"].transformer_list:
            last = trans.steps[-1][1] if isinstance(trans, Pipeline) else trans
            names.extend(f"{branch}__{n}" for n in last.get_feature_names_out())
        return np.array(names, dtype=object)

    def linear_model(self) -> tuple[np.ndarray, np.ndarray]:
        """``(coef, intercept)`` of the linear decision function: ``coef``
        has one row per class for multi-class and multi-label models and a
        single row (towards ``classes_[1]``) for binary ones."""
        self._check()
        model = self.pipeline_.named_steps["model"]
        parts = model.estimators_ if isinstance(model, OneVsRestClassifier) else [model]
        coefs, intercepts = [], []
        for part in parts:
            if isinstance(part, CalibratedClassifierCV):
                part = part.calibrated_classifiers_[0].estimator
            coefs.append(np.atleast_2d(part.coef_))
            intercepts.append(np.atleast_1d(part.intercept_))
        return np.vstack(coefs), np.concatenate(intercepts)


# ---------------------------------------------------------------- sentences → documents → outlets

def _corpus_frame(corpus: Any) -> pd.DataFrame:
    frame = getattr(corpus, "frame", corpus)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"corpus must be a DataFrame or a framing Corpus, got {type(corpus).__name__}")
    missing = [c for c in ("doc_id", "outlet", "text") if c not in frame.columns]
    if missing:
        raise ValueError(f"corpus has no column(s) {', '.join(missing)}; columns: {', '.join(map(str, frame.columns))}")
    return frame


def _positive(model: FrameClassifier, positive: Any) -> Any:
    if model.multilabel_:
        raise ValueError("sentence shares need a binary or multi-class model; this model is multi-label")
    if positive is None:
        if len(model.classes_) != 2:
            raise ValueError(f"positive= is required for a multi-class model; classes: {model.classes_.tolist()}")
        return model.classes_[1]
    if positive not in model.classes_.tolist():
        raise ValueError(f"positive={positive!r} is not a class of the model; classes: {model.classes_.tolist()}")
    return positive


def classify_sentences(model: FrameClassifier, corpus: Any, *, positive: Any = None, method: str = "rules",
                       punkt=None) -> pd.DataFrame:
    """Classify every sentence of every document.

    Parameters
    ----------
    model : FrameClassifier
        A fitted binary or multi-class model (typically trained on
        sentences, e.g. BABE).
    corpus : DataFrame or Corpus
        Needs ``doc_id``, ``outlet``, ``text``.
    positive : label, optional
        The class whose share is measured (binary default: ``classes_[1]``).
    method, punkt
        Sentence splitting, see :func:`framing.text.sentence_spans`.

    Returns
    -------
    DataFrame
        Columns ``SENTENCE_COLUMNS``: ``doc_id, outlet, sentence`` (0-based),
        ``start, end`` (character offsets into the document), ``text``,
        ``label`` (predicted), ``score`` (probability of ``positive``),
        ``positive`` (bool: ``label == positive``).  Documents without a
        sentence contribute no rows.
    """
    _check_fitted(model)
    positive = _positive(model, positive)
    frame = _corpus_frame(corpus)
    rows = []
    for doc_id, outlet, text in zip(frame["doc_id"].astype(str), frame["outlet"], frame["text"]):
        for n, (a, b) in enumerate(sentence_spans(text, method=method, punkt=punkt)):
            rows.append((doc_id, outlet, n, a, b, text[a:b]))
    out = pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS[:6]))
    if rows:
        proba = model.predict_proba(out["text"].tolist())
        k = model.classes_.tolist().index(positive)
        out["label"] = model.classes_[proba.argmax(axis=1)]
        out["score"] = proba[:, k]
    else:
        out["label"], out["score"] = pd.Series(dtype=object), pd.Series(dtype=float)
    out["positive"] = (out["label"] == positive).astype(bool)
    return out[list(SENTENCE_COLUMNS)]


def document_shares(sentences: pd.DataFrame) -> pd.DataFrame:
    """Per document: ``DOCUMENT_COLUMNS`` = ``doc_id, outlet, n_sentences,
    n_positive, share`` (n_positive / n_sentences), ``mean_score``; in
    order of first appearance."""
    missing = [c for c in ("doc_id", "outlet", "score", "positive") if c not in sentences.columns]
    if missing:
        raise ValueError(f"sentences is missing column(s) {', '.join(missing)}; pass the output of classify_sentences")
    g = sentences.groupby("doc_id", sort=False)
    out = pd.DataFrame({"outlet": g["outlet"].first(), "n_sentences": g.size(), "n_positive": g["positive"].sum(),
                        "mean_score": g["score"].mean()}).reset_index()
    out["n_positive"] = out["n_positive"].astype("int64")
    out["share"] = out["n_positive"] / out["n_sentences"]
    return out[list(DOCUMENT_COLUMNS)]


def group_shares(sentences: pd.DataFrame, *, by: str = "outlet", corpus: Any = None, n_resamples: int = 1000,
                 confidence: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Share of sentences predicted positive per outlet (or other group),
    with a percentile bootstrap CI over documents.

    The share is pooled (positive sentences / sentences of the group).
    Each bootstrap replicate resamples the group's documents with
    replacement (``framing.seeds.rng(random_state, "bootstrap")``, groups
    in sorted order), so the CI reflects variation between documents, not between
    sentences of one document.

    Parameters
    ----------
    sentences : DataFrame
        Output of :func:`classify_sentences`.
    by : str
        ``"outlet"`` or a corpus column (e.g. ``"story_id"``, ``"lean"``)
        joined on ``doc_id`` from ``corpus``.
    corpus : DataFrame or Corpus, optional
    n_resamples : int
        Bootstrap replicates.
    confidence : float
        Confidence level of the interval, in (0, 1).
    random_state : int

    Returns
    -------
    DataFrame
        Columns ``GROUP_COLUMNS``: ``by, group, n_docs, n_sentences,
        n_positive, share, ci_low, ci_high, mean_score`` (mean sentence
        score); sorted by group.  A group of one document has a
        zero-width CI.
    """
    n_resamples = check_int("n_resamples", n_resamples, low=1)
    check_confidence(confidence)
    docs = document_shares(sentences)
    docs = docs.merge(sentences.groupby("doc_id", sort=False)["score"].sum().rename("score_sum").reset_index(),
                      on="doc_id")
    if by != "outlet":
        if corpus is None:
            raise ValueError(f"by={by!r} is not 'outlet': pass corpus= with a {by!r} column")
        frame = getattr(corpus, "frame", corpus)
        if by not in frame.columns:
            raise ValueError(f"by={by!r} is not a column of the corpus; columns: {', '.join(map(str, frame.columns))}")
        keys = frame[["doc_id", by]].drop_duplicates("doc_id").assign(doc_id=lambda f: f["doc_id"].astype(str))
        docs = docs.drop(columns=[by] if by in docs.columns else []).merge(keys, on="doc_id", how="left")
    rng = seeded_rng(random_state, "bootstrap")
    alpha = (1 - confidence) / 2
    rows = []
    for group, sub in sorted(docs.groupby(by, sort=False, dropna=False), key=lambda item: str(item[0])):
        pos = sub["n_positive"].to_numpy(float)
        cnt = sub["n_sentences"].to_numpy(float)
        idx = rng.integers(0, len(sub), size=(n_resamples, len(sub)))
        boot = pos[idx].sum(axis=1) / cnt[idx].sum(axis=1)
        rows.append((by, group, len(sub), int(cnt.sum()), int(pos.sum()), pos.sum() / cnt.sum(),
                     float(np.quantile(boot, alpha)), float(np.quantile(boot, 1 - alpha)),
                     sub["score_sum"].sum() / cnt.sum()))
    return pd.DataFrame(rows, columns=list(GROUP_COLUMNS))


# ---------------------------------------------------------------- explanations

def _kind(name: str) -> str:
    return name.split("__", 1)[0]


def top_features(model: FrameClassifier, *, n: int = 20) -> pd.DataFrame:
    """The ``n`` largest coefficients per class.

    Binary models have one coefficient vector: the ``n`` largest are
    listed for ``classes_[1]`` and the ``n`` most negative for
    ``classes_[0]`` (coefficients as they are, so negative).

    Returns
    -------
    DataFrame
        Columns ``TOP_FEATURE_COLUMNS``: ``class, rank`` (1-based),
        ``feature`` (``<branch>__<name>``), ``kind`` (``word``, ``char``,
        ``cues``, ``marked``), ``coefficient``.  Ties broken by feature name.
    """
    n = check_int("n", n, low=1)
    coef, _ = model.linear_model()
    names = model.get_feature_names_out()
    rows = []
    if coef.shape[0] == 1:
        targets = [(model.classes_[1], coef[0]), (model.classes_[0], -coef[0])]
    else:
        targets = list(zip(model.classes_, coef))
    for label, vector in targets:
        order = sorted(range(len(vector)), key=lambda j: (-vector[j], names[j]))[:n]
        sign = -1.0 if coef.shape[0] == 1 and label == model.classes_[0] else 1.0
        for rank, j in enumerate(order, start=1):
            rows.append((label, rank, names[j], _kind(names[j]), float(sign * vector[j])))
    return pd.DataFrame(rows, columns=list(TOP_FEATURE_COLUMNS))


@dataclass(frozen=True)
class Explanation:
    """Why a model predicted what it did for one text.

    Attributes
    ----------
    label : object
        The predicted label (multi-label: the explained ``target``).
    target : object
        The class the contributions push towards.
    scores : dict
        Class → probability.
    intercept : float
    contributions : DataFrame
        ``CONTRIBUTION_COLUMNS`` for every non-zero feature, sorted by
        absolute contribution (ties by feature name); ``intercept +
        contributions.contribution.sum()`` is the decision value.
    spans : DataFrame
        ``SPAN_COLUMNS``: character spans in the text of the ``n`` features
        with the largest absolute contributions (word n-grams: token
        spans; character n-grams: every occurrence in the lowercased text;
        lexicon categories: each hit; marked words: tokens with a learned
        score above the scorer's threshold, contribution = coefficient of
        ``marked__sum`` × word score × branch weight); sorted by start.
    categories : DataFrame
        ``CATEGORY_COLUMNS`` for lexicon categories with a hit.
    """

    label: Any
    target: Any
    scores: dict
    intercept: float
    contributions: pd.DataFrame
    spans: pd.DataFrame
    categories: pd.DataFrame


def explain(model: FrameClassifier, text: str, *, n: int = 10, target: Any = None) -> Explanation:
    """Explain the prediction for one text (see :class:`Explanation`).

    Parameters
    ----------
    model : FrameClassifier
    text : str
    n : int
        How many of the top features get spans.
    target : label, optional
        The class to explain (default: ``classes_[1]`` for binary models,
        the predicted class otherwise; required for multi-label models).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    n = check_int("n", n, low=1)
    coef, intercept = model.linear_model()
    classes = model.classes_.tolist()
    proba = model.predict_proba([text])[0]
    scores = {c: float(p) for c, p in zip(classes, proba)}
    if target is None:
        if model.multilabel_:
            raise ValueError(f"target= is required for a multi-label model; classes: {classes}")
        target = classes[1] if len(classes) == 2 else classes[int(np.argmax(proba))]
    if target not in classes:
        raise ValueError(f"target={target!r} is not a class of the model; classes: {classes}")
    row = 0 if coef.shape[0] == 1 else classes.index(target)
    sign = -1.0 if coef.shape[0] == 1 and target == classes[0] else 1.0
    w = sign * coef[row]
    b = sign * float(intercept[row])
    x = model.transform_features([text])
    names = model.get_feature_names_out()
    idx = x.indices
    vals = x.data
    contrib = vals * w[idx]
    table = pd.DataFrame({"feature": names[idx], "kind": [_kind(s) for s in names[idx]], "value": vals,
                          "coefficient": w[idx], "contribution": contrib}, columns=list(CONTRIBUTION_COLUMNS))
    table["_abs"] = -table["contribution"].abs()
    table = table.sort_values(["_abs", "feature"], kind="mergesort").drop(columns="_abs").reset_index(drop=True)
    union = model.pipeline_.named_steps["features"]
    branches = dict(union.transformer_list)
    weights = union.transformer_weights or {}
    spans: list[tuple] = []
    tokens = tokenize(text)
    lowered = text.lower()
    for feature, kind, contribution in table[["feature", "kind", "contribution"]].head(n).itertuples(index=False):
        name = feature.split("__", 1)[1]
        if kind == "word":
            words = name.split(" ")
            k = len(words)
            for i in range(len(tokens) - k + 1):
                if [t.norm for t in tokens[i:i + k]] == words:
                    spans.append((feature, kind, tokens[i].start, tokens[i + k - 1].end,
                                  text[tokens[i].start:tokens[i + k - 1].end], contribution))
        elif kind == "char" and len(lowered) == len(text) and name.strip():
            core = name.strip()
            pos = lowered.find(core)
            while pos >= 0:
                spans.append((feature, kind, pos, pos + len(core), text[pos:pos + len(core)], contribution))
                pos = lowered.find(core, pos + 1)
    categories = pd.DataFrame(columns=list(CATEGORY_COLUMNS))
    if "cues" in branches:
        from ..match.scoring import hits

        cue_vec = branches["cues"].steps[-1][1]
        found = hits(pd.DataFrame({"doc_id": ["x"], "outlet": ["x"], "text": [text]}), cue_vec.matcher_,
                     voice=cue_vec.voice)
        found = found[~found["negated"]]
        cue_w = weights.get("cues", 1.0)
        by_cat = []
        for category, sub in found.groupby("category", sort=True):
            j = names.tolist().index(f"cues__{category}")
            per_hit = float(w[j] * cue_w)
            by_cat.append((category, len(sub), float(w[j]), per_hit * len(sub)))
            for h in sub.itertuples(index=False):
                spans.append((f"cues__{category}", "cues", int(h.start), int(h.end), h.matched_text, per_hit))
        categories = pd.DataFrame(by_cat, columns=list(CATEGORY_COLUMNS))
    if "marked" in branches:
        scorer = branches["marked"]
        j = names.tolist().index("marked__sum")
        mw = weights.get("marked", 1.0)
        r = scorer.word_scores([t.norm for t in tokens])
        for t, score in zip(tokens, r):
            if score > scorer.threshold:
                spans.append(("marked__sum", "marked", t.start, t.end, text[t.start:t.end], float(w[j] * score * mw)))
    span_frame = pd.DataFrame(spans, columns=list(SPAN_COLUMNS))
    span_frame = span_frame.sort_values(["start", "end", "feature"], kind="mergesort").reset_index(drop=True)
    label = target if model.multilabel_ else classes[int(np.argmax(proba))]
    return Explanation(label, target, scores, b, table, span_frame, categories)
