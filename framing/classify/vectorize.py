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

from ..check import check_bool, check_choice
from ..match.matcher import compile_lexicon
from ..match.scoring import score_texts
from ..vocab import DEFAULTS, NORMALIZATIONS, VOICES

#: What ``normalize`` may be: counts (None) or a rate.
NORMALIZE_CHOICES: tuple[str | None, ...] = (None, *(name for name in NORMALIZATIONS if name != "raw"))

__all__ = ["CueVectorizer", "NORMALIZE_CHOICES"]


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

    def __init__(self, *, lexicon=DEFAULTS["lexicon"], normalize=None, voice="all", include_negated=False):
        self.lexicon = lexicon
        self.normalize = normalize
        self.voice = voice
        self.include_negated = include_negated

    def fit(self, X, y=None):
        """Validate parameters and compile the lexicon."""
        check_choice("normalize", self.normalize, NORMALIZE_CHOICES)
        check_choice("voice", self.voice, VOICES)
        check_bool("include_negated", self.include_negated)
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
        return values if self._dense_output() else sp.csr_matrix(values)

    def get_feature_names_out(self, input_features=None):
        """Category names (and ``<category>__negated`` columns)."""
        if not hasattr(self, "categories_"):
            raise NotFittedError("CueVectorizer is not fitted yet; call fit first")
        names = [str(c) for c in self.categories_]
        if self.include_negated:
            names += [f"{c}__negated" for c in self.categories_]
        return np.array(names, dtype=object)
