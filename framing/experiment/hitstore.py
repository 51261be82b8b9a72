"""A run's hits on disk, chunk by chunk, and the few rows its report shows.

A lexicon's hits on a large corpus are a long table (one row per hit,
:data:`framing.match.scoring.HIT_COLUMNS`: ~1.5 million rows for the
AllSides corpus, ~55 million for a million articles), and the report
shows a few thousand of them (issue 13).  So a run keeps them where it
keeps its texts: :func:`write_hits` stores the per-chunk tables of
:func:`framing.match.scoring.hits` as they come, one file per piece of
the corpus (:meth:`framing.experiment.stages.Stages.hit_store`), in a :class:`~framing.experiment.textstore.TextStore` (Parquet, or
stage-cache frames without pyarrow), and :func:`passage_hits` reads them
back chunk by chunk, three times, keeping only small tables:

1. the hits per category, cue and outlet
   (:func:`~framing.experiment.helpers.hit_counts`, summed over chunks):
   which outlets' cells the example passages come from and which cues
   the explorer lists, with their counts;
2. per chosen cell and per chosen cue and outlet, the first documents by
   doc id (:func:`~framing.experiment.helpers.passage_candidates`, merged
   over chunks): the documents the report can quote
   (:func:`~framing.experiment.helpers.chosen_documents`);
3. every hit (of the scored voice) of those documents, in corpus order.

The report's readers (:func:`framing.report.html.select_passages`,
:func:`framing.report.explorer.explorer_data`) given those rows and the
counts show exactly what they show given every hit: the rows hold, for
each cell and each cue, the first documents they take and every hit of
those documents, in the original order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .helpers import (EXPLORER_ENTRIES, EXPLORER_PASSAGES, MAX_PASSAGE_OUTLETS, chosen_documents, explorer_cues,
                      hit_counts, merge_candidates, merge_counts, passage_candidates, passage_cells)
from .textstore import TextStore, TextStoreWriter

__all__ = ["MERGE_ROWS", "PassageHits", "passage_hits", "write_hits"]

#: Candidate rows (:func:`~framing.experiment.helpers.passage_candidates`)
#: gathered from chunks before they are merged (:func:`passage_hits`).
MERGE_ROWS = 200_000


def write_hits(tables: Iterable[pd.DataFrame], folder: Path, columns: Iterable[str]) -> TextStore:
    """Store per-chunk hit tables (``columns``, ``doc_id`` first) as they
    come, one file each, in chunk order; the store at ``folder`` is
    replaced when complete (a failure leaves no partial store)."""
    with TextStoreWriter(folder, list(columns), chunk_rows=1) as writer:
        for table in tables:
            writer.write_chunk(table.reset_index(drop=True))
        return writer.finish()


@dataclass(frozen=True)
class PassageHits:
    """What a run's report needs of a lexicon's hits (see the module
    notes): ``hits``, every hit (``HIT_COLUMNS``) of the scored voice in
    the ``documents`` the report can quote, in corpus order; ``counts``,
    the hits of that voice per category, cue and outlet
    (:data:`~framing.experiment.helpers.HIT_COUNT_COLUMNS`)."""

    hits: pd.DataFrame
    counts: pd.DataFrame
    documents: frozenset[str]


def _voiced(store: TextStore, columns: tuple[str, ...], voice: str) -> Iterable[pd.DataFrame]:
    wanted = tuple(dict.fromkeys((*columns, "voice")))
    for chunk in store.chunks(wanted):
        if voice != "all":
            chunk = chunk[chunk["voice"] == voice]
        yield chunk


def passage_hits(store: TextStore, *, voice: str, per_cell: int, per_entry: int = EXPLORER_PASSAGES,
                 max_outlets: int = MAX_PASSAGE_OUTLETS, max_entries: int = EXPLORER_ENTRIES) -> PassageHits:
    """The hits of ``store`` the report shows, read chunk by chunk (see
    the module notes): those of ``voice`` (``"all"``: every voice) in the
    documents :func:`~framing.experiment.helpers.passage_documents` picks
    (none when ``per_cell`` is 0), and the counts of that voice."""
    counts = merge_counts(hit_counts(chunk) for chunk in _voiced(store, ("category", "entry", "outlet"), voice))
    empty = next(iter(store.chunks()), None)
    empty = empty.iloc[:0] if empty is not None else pd.DataFrame({c: [] for c in store.columns})
    if per_cell <= 0 or not len(counts):
        return PassageHits(hits=empty.reset_index(drop=True), counts=counts, documents=frozenset())
    cells, cues = passage_cells(counts, max_outlets=max_outlets), explorer_cues(counts, max_entries=max_entries)
    # each chunk's candidates are kept and merged only when they outgrow the last merge (at least
    # MERGE_ROWS rows), so the work stays linear in the chunks even with thousands of outlets (merging
    # after every chunk re-sorted every outlet's candidates once per chunk: most of a 1M-article run)
    pending: list[tuple[Any, Any]] = []
    rows = merged = 0
    for chunk in _voiced(store, ("category", "entry", "outlet"), voice):
        found = passage_candidates(chunk, cells=cells, cues=cues, per_cell=per_cell, per_entry=per_entry)
        pending.append(found)
        rows += len(found[0]) + len(found[1])
        if rows > max(MERGE_ROWS, 2 * merged):
            pending = [merge_candidates(pending, per_cell=per_cell, per_entry=per_entry)]
            rows = merged = len(pending[0][0]) + len(pending[0][1])
    cell_docs, cue_docs = merge_candidates(pending, per_cell=per_cell, per_entry=per_entry)
    documents = chosen_documents(cell_docs, cue_docs, per_entry=per_entry)
    kept = [chunk[chunk["doc_id"].astype(str).isin(documents)] for chunk in _voiced(store, tuple(store.columns), voice)]
    kept = [k for k in kept if len(k)]
    rows = pd.concat(kept, ignore_index=True) if kept else empty
    return PassageHits(hits=rows[list(store.columns)].reset_index(drop=True), counts=counts,
                       documents=frozenset(documents))
