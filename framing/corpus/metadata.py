"""A corpus's metadata table, collected one document at a time.

Streaming readers of a corpus (the runner's corpus stage,
``framing compare`` and ``framing keyness``) keep each document's
metadata and never its text: :class:`MetadataRows` holds the values of
every column of the corpus frame except the text parts
(:data:`framing.vocab.PARTS`), and its :meth:`~MetadataRows.frame` is
that frame's metadata (same columns, order and dtypes).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..records import KNOWN_FIELDS, Document
from ..vocab import PARTS

__all__ = ["MetadataRows"]


class MetadataRows:
    """The metadata of the documents added so far: the known fields but
    the text parts, then every extra key in order of first appearance
    (``None`` for the documents before it)."""

    def __init__(self) -> None:
        self._values: dict[str, list[Any]] = {name: [] for name in KNOWN_FIELDS if name not in PARTS}
        self._extra: list[str] = []
        self.n = 0

    def add(self, doc: Document) -> None:
        """Keep ``doc``'s metadata (its text parts are not kept)."""
        values = self._values
        for key in doc.extra:
            if key not in values and key not in KNOWN_FIELDS:
                values[key] = [None] * self.n
                self._extra.append(key)
        row = doc.to_row()
        for name, column in values.items():
            column.append(row.get(name))
        self.n += 1

    @property
    def columns(self) -> list[str]:
        """Every column of the corpus frame, the text parts included."""
        return list(KNOWN_FIELDS) + self._extra

    def frame(self) -> pd.DataFrame:
        """The metadata table of the documents added (range index)."""
        names = [c for c in self.columns if c not in PARTS]
        return pd.DataFrame({name: self._values[name] for name in names}, columns=names)
