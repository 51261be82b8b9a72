"""Loaders for public annotated news datasets in their published formats.

Every loader returns a :class:`pandas.DataFrame` whose first columns are
the corpus schema of :mod:`framing.records` (``doc_id``, ``outlet``,
``text`` and the optional fields), followed by the dataset's label
columns, so the result can be passed to :func:`framing.corpus.read_corpus`,
:func:`framing.match.score` or :mod:`framing.classify` as it is.
The formats are described in ``corpora/README.md``; the data are not
shipped with framing.  One module per dataset:

=================================  =============================================
loader                             dataset
=================================  =============================================
:func:`load_babe`                  BABE ``final_labels_SG2.csv`` (sentences)
:func:`load_abp`                   AllSides / Baly et al. 2020 (JSON files,
                                   JSONL or JSONL.gz), :func:`load_abp_splits`
:func:`load_ptc_articles`          SemEval-2020 Task 11 PTC articles,
:func:`load_ptc_spans`             its technique spans and
:func:`ptc_sentences`              sentence labels derived from the spans
:func:`load_newswcl50`             NewsWCL50 articles and
:func:`load_newswcl50_annotations` its word-choice annotations
:func:`load_narrative_frames`      Narrative Frames (Frermann et al. 2023):
:func:`load_narrative_annotations` climate articles with five generic frames,
:func:`load_narrative_roles`       every annotator's answers, entity roles
=================================  =============================================

Errors
    A malformed file raises :class:`DatasetError` (a
    :class:`framing.corpus.CorpusError`, hence a ``ValueError``) whose
    message names the file, the 1-based line (when there is one), the
    field and what was expected.  Nothing is evaluated as code: BABE's
    ``biased_words`` list literals are parsed with :func:`ast.literal_eval`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from ...check import check_choice
from ._common import DatasetError
from .abp import ABP_LABELS, frame_records, iter_abp, load_abp, load_abp_splits
from .babe import BABE_COLUMNS, load_babe
from .narrative import (
    NARRATIVE_FRAMES,
    NARRATIVE_QUESTIONS,
    load_narrative_annotations,
    load_narrative_frames,
    load_narrative_roles,
)
from .newswcl50 import NEWSWCL50_OUTLETS, load_newswcl50, load_newswcl50_annotations
from .ptc import PTC_TECHNIQUES, load_ptc_articles, load_ptc_spans, ptc_sentences

__all__ = [
    "ABP_LABELS", "BABE_COLUMNS", "DATASET_FORMATS", "DatasetError", "NARRATIVE_FRAMES", "NARRATIVE_QUESTIONS",
    "NEWSWCL50_OUTLETS", "PTC_TECHNIQUES", "iter_abp", "iter_dataset", "load_abp", "load_abp_splits", "load_babe", "load_dataset",
    "load_narrative_annotations", "load_narrative_frames", "load_narrative_roles", "load_newswcl50",
    "load_newswcl50_annotations", "load_ptc_articles", "load_ptc_spans", "ptc_sentences",
]

_LOADERS = {"abp": load_abp, "babe": load_babe, "narrative_frames": load_narrative_frames,
            "newswcl50": load_newswcl50}
#: Published dataset layouts the experiment runner reads by name (``[corpus] format``).
DATASET_FORMATS: tuple[str, ...] = tuple(_LOADERS)


def load_dataset(format: str, path: str | Path) -> pd.DataFrame:
    """Read a published dataset layout by name, with the loader's defaults.

    ``"abp"`` → :func:`load_abp` (JSON files, JSONL or JSONL.gz),
    ``"babe"`` → :func:`load_babe` (the ``No agreement`` sentence dropped),
    ``"narrative_frames"`` → :func:`load_narrative_frames` (the folder or
    ``articles_metadata.tsv``; test folds attached when ``test_folds.csv``
    is beside it), ``"newswcl50"`` → :func:`load_newswcl50`.  This is how a
    config's ``[corpus] format = "babe"`` is read.
    """
    check_choice("format", format, DATASET_FORMATS)
    return _LOADERS[format](path)


def iter_dataset(format: str, path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of ``load_dataset(format, path)`` one at a time, as records
    (dicts of column -> value), for a streaming read
    (:func:`framing.corpus.readers.iter_records` gives the documents
    ``read_corpus(load_dataset(format, path))`` gives).

    ``"abp"`` JSONL(.gz) is streamed (:func:`iter_abp`); the other
    layouts are small and are read whole, then handed out row by row.
    """
    check_choice("format", format, DATASET_FORMATS)
    if format == "abp":
        return iter_abp(path)
    return frame_records(_LOADERS[format](path))
