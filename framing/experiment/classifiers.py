"""``[[classifiers]]`` entries of a run: cross-validated evaluation.

Each entry is evaluated with :func:`framing.classify.evaluate.evaluate_frame`
on the run's corpus (after its de-duplication and filters) or on the
entry's own ``data`` file (read by :func:`read_classifier_data` with the
run's ``[corpus]`` reader options), with the entry's seed.  This module
only computes; :class:`framing.experiment.stages.Stages` caches the tables
(by the data's content key, the entry's options, the lexicon's hash and
the seed) and :mod:`framing.experiment.sections` renders them as
``tables/<id>-<summary|per-class|confusion|predictions|folds>.csv`` and,
for binary labels, a reliability (calibration) figure.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import ClassifierConfig, CorpusConfig

__all__ = ["CLASSIFIER_TABLES", "evaluate_classifier", "read_classifier_data", "reader_options"]

#: Tables of one classifier entry, in order (attribute of the evaluation, file suffix).
CLASSIFIER_TABLES: tuple[tuple[str, str], ...] = (
    ("summary", "summary"),
    ("per_class", "per-class"),
    ("confusion", "confusion"),
    ("predictions", "predictions"),
    ("folds", "folds"),
)


def reader_options(corpus: CorpusConfig) -> dict[str, Any]:
    """The ``[corpus]`` reader options a classifier's ``data`` file is read
    with (JSON data, for cache keys)."""
    return {"format": corpus.format, "fields": dict(corpus.fields), "on_error": corpus.on_error,
            "encoding": corpus.encoding, "fallback_encoding": corpus.fallback_encoding or ""}


def read_classifier_data(entry: ClassifierConfig, corpus: CorpusConfig) -> pd.DataFrame:
    """Read an entry's own ``data`` file with the run's reader options."""
    from ..corpus.readers import read_corpus

    if entry.data is None:
        raise ValueError(f"classifier {entry.id!r} has no data file of its own; it uses the run's corpus")
    return read_corpus(entry.data, format=None if corpus.format == "auto" else corpus.format,
                       fields=dict(corpus.fields) or None, on_error=corpus.on_error, encoding=corpus.encoding,
                       fallback_encoding=corpus.fallback_encoding).frame


def evaluate_classifier(entry: ClassifierConfig, frame: pd.DataFrame, *, lexicon: Any,
                        random_state: int) -> dict[str, pd.DataFrame]:
    """Cross-validate one entry on ``frame``; its tables by attribute name
    (:data:`CLASSIFIER_TABLES`), with a range index."""
    from ..classify.evaluate import cross_validate
    from .frames import frames_model

    # the classifier evaluate_frame would build, with the entry's feature keys (ngram_max, char, min_df, max_features)
    evaluation = cross_validate(frame, entry.label, model=frames_model(entry, lexicon, random_state),
                                groups=entry.groups if entry.cv == "group" else None, n_splits=entry.n_splits,
                                random_state=random_state)
    return {name: getattr(evaluation, name).reset_index(drop=True) for name, _ in CLASSIFIER_TABLES}
