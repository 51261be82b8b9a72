"""Corpora: reading news collections into one document schema.

* :mod:`.readers` — JSONL(.gz), JSON, CSV/TSV, Parquet, DataFrames and
  folders of ``.txt`` files into :class:`~framing.records.Document` rows,
  with a report of every skipped record.
* :mod:`.rawtext` — raw scraped articles: title, byline, tags, body,
  captions and boilerplate told apart, so captions and credits are never
  counted as the outlet's framing.
* :mod:`.dedupe` — exact and near (MinHash) duplicates.
* :mod:`.metadata` — a corpus's metadata table collected one document
  at a time (streaming readers that never hold the text).
* :mod:`.repeated` — each outlet's repeated lines (page furniture in
  already-extracted text) moved from ``text`` to ``boilerplate``.
* :mod:`.datasets` — published dataset layouts (BABE, AllSides/Baly et al.,
  SemEval-2020 PTC, NewsWCL50).
"""

from __future__ import annotations

from .datasets import DATASET_FORMATS, DatasetError, load_dataset
from .dedupe import find_duplicates, find_near_duplicates, text_hash
from .repeated import REPEATED_COLUMNS, find_repeated_lines, remove_repeated_lines
from .rawtext import RawArticle, RawArticleError, parse_raw_article, raw_article_to_document
from .readers import (
    FORMATS,
    Corpus,
    CorpusError,
    CorpusWarning,
    DuplicateGroup,
    ReadReport,
    SkippedRecord,
    iter_documents,
    read_corpus,
    validate_frame,
)

__all__ = [
    "DATASET_FORMATS", "FORMATS", "Corpus", "CorpusError", "CorpusWarning", "DatasetError", "DuplicateGroup",
    "REPEATED_COLUMNS", "RawArticle", "RawArticleError", "ReadReport", "SkippedRecord", "find_duplicates", "find_near_duplicates",
    "iter_documents", "load_dataset", "parse_raw_article", "raw_article_to_document", "read_corpus", "find_repeated_lines", "remove_repeated_lines", "text_hash",
    "validate_frame",
]
