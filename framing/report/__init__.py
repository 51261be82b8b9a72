"""What a reader sees: matplotlib figures and the static HTML report.

* :mod:`.figures` — figures drawn from result tables, byte-stable output.
* :mod:`.html` — the self-contained report and its example passages.
* :mod:`.reading` — plain-language readings of pairwise effects (the key
  findings that lead each comparison).

Both only render tables they are given; nothing here computes statistics
or writes files.
"""

from __future__ import annotations

from .figures import figure_bytes
from .html import FigureBlock, Passage, ReportData, Section, TableBlock, TextBlock, render_report, select_passages
from .reading import contrast_readings

__all__ = [
    "FigureBlock", "Passage", "ReportData", "Section", "TableBlock", "TextBlock", "contrast_readings", "figure_bytes",
    "render_report", "select_passages",
]
