"""CSV text exactly as :meth:`pandas.DataFrame.to_csv` writes it, cell by cell.

The rows files of :mod:`framing.match.engine` are written from arrays
without pandas' per-cell formatting, byte for byte what
``to_csv(index=False, lineterminator="\\n")`` writes: fields quoted by a
:mod:`csv` writer with pandas' settings, floats as numpy's
``astype(str)`` with NaN empty.  Tests compare the writer with pandas.
"""

from __future__ import annotations

import csv
import io

import numpy as np

__all__ = ["CsvField", "float_cells"]


class CsvField:
    """One field as :mod:`csv` (``QUOTE_MINIMAL``, pandas' settings) writes
    it between others, for the separator ``sep``."""

    def __init__(self, sep: str) -> None:
        self.sep = sep
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n", delimiter=sep, quoting=csv.QUOTE_MINIMAL,
                                 doublequote=True, quotechar='"', escapechar=None)
        self.special = (sep, '"', "\n", "\r")

    def __call__(self, value: str) -> str:
        if not any(c in value for c in self.special):
            return value
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow([value, ""])  # never a lone field (an empty one would be quoted)
        return self.buffer.getvalue()[:-len(self.sep) - 1]


def float_cells(values: np.ndarray) -> list[str]:
    """The CSV cells of float64 ``values``: each distinct value (by its
    bits: -0.0 and every NaN kept apart) formatted once with numpy's
    ``astype(str)``, NaN as the empty cell."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    _, first, inverse = np.unique(values.view(np.int64), return_index=True, return_inverse=True)
    distinct = values[first]
    text = distinct.astype(str)
    text[np.isnan(distinct)] = ""
    return text[inverse.reshape(-1)].tolist()
