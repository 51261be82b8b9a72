"""Small helpers shared by the compute side (:mod:`.stages`) and the
rendering side (:mod:`.outputs`, :mod:`.sections`) of a run.

* :func:`slug` — a safe file-name part for an id or a group name;
* :func:`present` — the report blocks that exist (a figure block is None
  when a run writes no figures);
* :func:`new_figure` — a matplotlib figure with a constrained layout
  (matplotlib is imported on first use).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = ["new_figure", "present", "slug"]

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
