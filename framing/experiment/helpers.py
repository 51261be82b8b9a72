"""Small helpers shared by the compute side (:mod:`.stages`) and the
rendering side (:mod:`.outputs`, :mod:`.sections`) of a run.

* :func:`slug` — a safe file-name part for an id or a group name;
* :func:`present` — the report blocks that exist (a figure block is None
  when a run writes no figures);
* :func:`new_figure` — a matplotlib figure with a constrained layout
  (matplotlib is imported on first use);
* :func:`passage_documents` — the documents whose text the report's
  passages and cue explorer can show (the rest of a run's texts stay on
  disk).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = ["EXPLORER_ENTRIES", "EXPLORER_PASSAGES", "MAX_PASSAGE_OUTLETS", "new_figure", "passage_documents", "present",
           "slug"]

#: Passages per cue in the report's cue explorer (distinct documents).
EXPLORER_PASSAGES = 5
#: Cues in the report's cue explorer, at most (those with the most hits).
EXPLORER_ENTRIES = 300
#: Example passages of each category come from this many outlets, those
#: with the most hits in it (see :mod:`framing.experiment.outputs`).
MAX_PASSAGE_OUTLETS = 8

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
    what either shows (the explorer may drop cues to stay small)."""
    if hits.empty or per_cell <= 0:
        return set()
    import pandas as pd

    h = pd.DataFrame({name: hits[name].astype(str) for name in ("category", "outlet", "entry", "doc_id")})
    sizes = h.groupby(["category", "outlet"], sort=True).size().reset_index(name="n")  # hits, as the report counts
    counts = h.groupby(["category", "entry"], sort=True).size()
    h = h.drop_duplicates().reset_index(drop=True)  # then one row per cue and document is all the choice needs
    sizes = sizes.sort_values(["category", "n", "outlet"], ascending=[True, False, True], kind="mergesort")
    top = sizes.groupby("category", sort=True).head(max_outlets)
    shown = set(zip(top["category"], top["outlet"]))
    cells = h[[(c, o) in shown for c, o in zip(h["category"], h["outlet"])]]
    cells = cells.drop_duplicates(["category", "outlet", "doc_id"]).sort_values(
        ["category", "outlet", "doc_id"], kind="mergesort")
    wanted = set(cells.groupby(["category", "outlet"], sort=True).head(per_cell)["doc_id"])
    cues = set(sorted(counts.index, key=lambda k: (-int(counts[k]), k[0], k[1]))[:max_entries])
    firsts = h[[(c, e) in cues for c, e in zip(h["category"], h["entry"])]]
    firsts = firsts.drop_duplicates(["category", "entry", "doc_id"]).sort_values(
        ["category", "entry", "doc_id"], kind="mergesort")
    firsts = firsts.assign(rank=firsts.groupby(["category", "entry", "outlet"], sort=True).cumcount().to_numpy())
    firsts = firsts.sort_values(["category", "entry", "rank", "outlet", "doc_id"], kind="mergesort")
    wanted |= set(firsts.groupby(["category", "entry"], sort=True).head(per_entry)["doc_id"])
    return wanted
