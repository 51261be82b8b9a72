"""The texts an estimator of :mod:`framing.classify` is given.

One reading of ``X`` for every estimator that takes whole texts
(:class:`~framing.classify.FrameClassifier`, the sentence embedder, the
fine-tuned encoder): an iterable of strings, or a DataFrame with a
``text`` column.  :class:`~framing.classify.CueVectorizer` differs on
purpose: as a ``ColumnTransformer`` step it takes a frame with exactly
one column of any name.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["texts_of"]


def texts_of(X: Any, name: str = "X") -> list[str]:
    """The texts of ``X`` as a list of ``str``.

    Parameters
    ----------
    X : iterable of str or DataFrame
        One text per sample, or a DataFrame whose ``text`` column holds
        them.
    name : str
        How error messages name ``X`` (e.g. ``"SentenceEmbedder X"``).

    Raises
    ------
    TypeError
        ``X`` is a single string, or an item is not a string.
    ValueError
        ``X`` is a DataFrame without a ``text`` column.
    """
    if isinstance(X, str):
        raise TypeError(f"{name} must be an iterable of strings (one text per sample), not a single string")
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError(f"{name} is a DataFrame without a 'text' column; columns: {', '.join(map(str, X.columns))}")
        X = X["text"]
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{name}[{i}] must be a string, got {type(t).__name__}")
    return texts
