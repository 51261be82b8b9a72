"""Small helpers shared by the compute side (:mod:`.stages`) and the
rendering side (:mod:`.outputs`, :mod:`.sections`) of a run.

* :func:`slug` — a safe file-name part for an id or a group name;
* :func:`present` — the report blocks that exist (a figure block is None
  when a run writes no figures);
* :func:`new_figure` — a matplotlib figure with a constrained layout
  (matplotlib is imported on first use);
* :func:`passage_documents` — the documents whose text the report's
  passages and cue explorer can show (the rest of a run's texts stay on
  disk), from the pieces :func:`hit_counts` (summed over chunks by
  :func:`merge_counts`), :func:`passage_cells`, :func:`explorer_cues`,
  :func:`passage_candidates` and :func:`chosen_documents`, which
  :mod:`framing.experiment.hitstore` applies chunk by chunk.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

__all__ = ["EXPLORER_ENTRIES", "EXPLORER_PASSAGES", "HIT_COUNT_COLUMNS", "MAX_PASSAGE_OUTLETS", "chosen_documents",
           "explorer_cues", "hit_counts", "merge_candidates", "merge_counts", "new_figure", "passage_candidates",
           "passage_cells", "passage_documents", "present", "slug"]

#: Passages per cue in the report's cue explorer (distinct documents).
EXPLORER_PASSAGES = 5
#: Cues in the report's cue explorer, at most (those with the most hits).
EXPLORER_ENTRIES = 300
#: Example passages of each category come from this many outlets, those
#: with the most hits in it (see :mod:`framing.experiment.outputs`).
MAX_PASSAGE_OUTLETS = 8
#: Columns of :func:`hit_counts`: hits per category, cue and outlet.
HIT_COUNT_COLUMNS: tuple[str, ...] = ("category", "entry", "outlet", "n")

_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def slug(value: Any) -> str:
    """``value`` as text, lower-cased, each run of characters other than
    ``a-z0-9_-`` replaced by ``-`` (``"x"`` when nothing is left)."""
    return _UNSAFE.sub("-", str(value).lower()).strip("-") or "x"


def present(blocks: Iterable[Any]) -> tuple[Any, ...]:
    """The blocks that are not None, in order."""
    return tuple(b for b in blocks if b is not None)


def new_figure(width: float, height: float):
    """A :class:`matplotlib.figure.Figure` (no pyplot state) of this size in
    inches with a constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _text_columns(hits: Any, names: tuple[str, ...]):
    """``names`` of ``hits`` as a frame of text (object) columns."""
    import pandas as pd

    return pd.DataFrame({name: hits[name].astype(str).to_numpy(dtype=object) for name in names},
                        columns=list(names))


def hit_counts(hits: Any) -> Any:
    """Hits per ``(category, entry, outlet)`` (columns
    :data:`HIT_COUNT_COLUMNS`, values as text, sorted by the keys).  The
    counts of the chunks of a corpus add up to those of the whole
    (:func:`merge_counts`)."""
    h = _text_columns(hits, HIT_COUNT_COLUMNS[:3])
    return h.groupby(list(HIT_COUNT_COLUMNS[:3]), sort=True).size().reset_index(name="n").astype({"n": "int64"})


def merge_counts(frames: Iterable[Any]) -> Any:
    """Several :func:`hit_counts` tables summed key by key (same columns
    and order as one call on all their hits)."""
    import pandas as pd

    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({"category": [], "entry": [], "outlet": [], "n": []}).astype(
            {c: object for c in HIT_COUNT_COLUMNS[:3]} | {"n": "int64"})
    both = pd.concat(frames, ignore_index=True)
    return both.groupby(list(HIT_COUNT_COLUMNS[:3]), sort=True)["n"].sum().reset_index().astype({"n": "int64"})


def passage_cells(counts: Any, *, max_outlets: int = MAX_PASSAGE_OUTLETS) -> set[tuple[str, str]]:
    """The ``(category, outlet)`` cells example passages come from: per
    category the ``max_outlets`` outlets with the most hits in it (ties by
    outlet name), from :func:`hit_counts`."""
    if not len(counts):
        return set()
    sizes = counts.groupby(["category", "outlet"], sort=True)["n"].sum().reset_index()
    sizes = sizes.sort_values(["category", "n", "outlet"], ascending=[True, False, True], kind="mergesort")
    top = sizes.groupby("category", sort=True).head(max_outlets)
    return set(zip(top["category"], top["outlet"]))


def explorer_cues(counts: Any, *, max_entries: int = EXPLORER_ENTRIES) -> set[tuple[str, str]]:
    """The ``(category, entry)`` cues of the cue explorer: the
    ``max_entries`` with the most hits (ties by category, entry), from
    :func:`hit_counts`."""
    if not len(counts):
        return set()
    per_cue = counts.groupby(["category", "entry"], sort=True)["n"].sum()
    return set(sorted(per_cue.index, key=lambda k: (-int(per_cue[k]), k[0], k[1]))[:max_entries])


def _member(frame: Any, columns: list[str], keys: set[tuple[str, ...]]) -> Any:
    import numpy as np

    if not keys or not len(frame):
        return np.zeros(len(frame), dtype=bool)
    return np.fromiter((k in keys for k in zip(*(frame[c] for c in columns))), dtype=bool, count=len(frame))


def passage_candidates(hits: Any, *, cells: set[tuple[str, str]], cues: set[tuple[str, str]], per_cell: int,
                       per_entry: int) -> tuple[Any, Any]:
    """The documents the report may quote, per key: in each ``cells``
    cell the first ``per_cell`` doc ids (as text, in text order; columns
    ``category, outlet, doc_id``), and for each ``cues`` cue in each
    outlet the first ``per_entry`` (``category, entry, outlet, doc_id``).
    The candidates of a corpus's chunks, stacked and passed through again,
    equal those of the whole (the first ``k`` of a union are among the
    first ``k`` of its parts); :func:`chosen_documents` picks from them."""
    h = _text_columns(hits, ("category", "outlet", "entry", "doc_id")).drop_duplicates()
    cell_keys, cue_keys = ["category", "outlet"], ["category", "entry", "outlet"]
    in_cells = h[_member(h, cell_keys, cells)][[*cell_keys, "doc_id"]]
    in_cues = h[_member(h, ["category", "entry"], cues)][[*cue_keys, "doc_id"]]
    return merge_candidates([(in_cells, in_cues)], per_cell=per_cell, per_entry=per_entry)


def merge_candidates(parts: Sequence[tuple[Any, Any]], *, per_cell: int, per_entry: int) -> tuple[Any, Any]:
    """The candidates of the union of several parts' hits, from each
    part's :func:`passage_candidates` (or an earlier merge): the first
    ``per_cell`` / ``per_entry`` doc ids per key of the stacked candidates,
    which equal those of the whole (the first ``k`` of a union are among
    the first ``k`` of its parts).  Every row already lies in a cell or
    cue, so nothing is tested again: the cost is that of the rows given."""
    import pandas as pd

    cell_keys, cue_keys = ["category", "outlet"], ["category", "entry", "outlet"]
    cells = pd.concat([part[0] for part in parts], ignore_index=True).drop_duplicates()
    cells = cells.sort_values([*cell_keys, "doc_id"], kind="mergesort")
    cues = pd.concat([part[1] for part in parts], ignore_index=True).drop_duplicates()
    cues = cues.sort_values([*cue_keys, "doc_id"], kind="mergesort")
    return (cells.groupby(cell_keys, sort=True).head(per_cell).reset_index(drop=True),
            cues.groupby(cue_keys, sort=True).head(per_entry).reset_index(drop=True))


def chosen_documents(cell_docs: Any, cue_docs: Any, *, per_entry: int) -> set[str]:
    """The doc ids the report can quote, from :func:`passage_candidates`:
    every cell candidate, and for each cue the ``per_entry`` documents
    the cue explorer takes in turn from its outlets (each outlet's
    documents by doc id, outlets by name)."""
    wanted = set(cell_docs["doc_id"])
    firsts = cue_docs.sort_values(["category", "entry", "outlet", "doc_id"], kind="mergesort")
    firsts = firsts.assign(rank=firsts.groupby(["category", "entry", "outlet"], sort=True).cumcount().to_numpy())
    firsts = firsts.sort_values(["category", "entry", "rank", "outlet", "doc_id"], kind="mergesort")
    return wanted | set(firsts.groupby(["category", "entry"], sort=True).head(per_entry)["doc_id"])


def passage_documents(hits: Any, *, per_cell: int, per_entry: int = EXPLORER_PASSAGES,
                      max_outlets: int = MAX_PASSAGE_OUTLETS, max_entries: int = EXPLORER_ENTRIES) -> set[str]:
    """The doc ids (as text) whose text the report can quote, from the
    hits alone: in each (category, outlet) cell of the ``max_outlets``
    outlets with most hits in the category, the first ``per_cell``
    documents by doc id (:func:`framing.report.html.select_passages`
    takes its passages there), and for each of the ``max_entries`` cues
    with most hits the ``per_entry`` documents the cue explorer takes in
    turn from the outlets (:func:`framing.report.explorer.explorer_data`:
    each outlet's documents by doc id, outlets by name).  A superset of
    what either shows (the explorer may drop cues to stay small).  The
    same set :func:`framing.experiment.hitstore.passage_hits` finds
    chunk by chunk."""
    if hits.empty or per_cell <= 0:
        return set()
    counts = hit_counts(hits)
    cells, cues = passage_candidates(hits, cells=passage_cells(counts, max_outlets=max_outlets),
                                     cues=explorer_cues(counts, max_entries=max_entries), per_cell=per_cell,
                                     per_entry=per_entry)
    return chosen_documents(cells, cues, per_entry=per_entry)
