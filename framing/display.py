"""Compact HTML summaries for notebooks (``_repr_html_``).

Result objects (:class:`framing.corpus.Corpus`,
:class:`~framing.corpus.readers.ReadReport`,
:class:`framing.classify.evaluate.Evaluation`,
:class:`framing.experiment.stages.RunTables`) show a small table in
Jupyter through :func:`html_summary`: a title, ``name: value`` rows and
at most a few short tables.  Every value is escaped
(:func:`html.escape`); there are no scripts, styles sheets or external
resources, so a summary is safe to render and to save with a notebook.
Their ``__repr__`` stays one short line (:func:`short_repr`).
"""

from __future__ import annotations

import html
import math
from typing import Any, Iterable, Sequence

__all__ = ["html_summary", "short_repr", "format_value"]

_MAX_ROWS = 10  # rows of an embedded table before "… n more"


def format_value(value: Any) -> str:
    """A compact text form of one cell (floats with 4 significant
    digits, NaN/None as an en dash)."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.4g}"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            return format_value(value.item())
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _cell(tag: str, value: Any, align: str = "left") -> str:
    return f'<{tag} style="text-align:{align}">{html.escape(format_value(value))}</{tag}>'


def _table(header: Sequence[Any] | None, rows: Iterable[Sequence[Any]], *, more: int = 0) -> str:
    parts = ["<table>"]
    if header is not None:
        parts.append("<thead><tr>" + "".join(_cell("th", h) for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(_cell("th" if i == 0 and header is None else "td", v,
                                            "right" if isinstance(v, (int, float)) and not isinstance(v, bool)
                                            else "left")
                                      for i, v in enumerate(row)) + "</tr>")
    if more:
        width = len(header) if header is not None else 2
        parts.append(f'<tr><td colspan="{width}">… {more:,} more</td></tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def html_summary(title: str, rows: Sequence[tuple[str, Any]], *,
                 tables: Sequence[tuple[str, Sequence[Any], Sequence[Sequence[Any]]]] = ()) -> str:
    """A compact, escaped HTML block: a bold title, a two-column table of
    ``(name, value)`` rows, then each ``(caption, header, rows)`` table
    (at most 10 rows shown, the rest counted)."""
    parts = [f"<div><strong>{html.escape(title)}</strong>", _table(None, rows)]
    for caption, header, body in tables:
        body = list(body)
        parts.append(f"<div><em>{html.escape(caption)}</em></div>")
        parts.append(_table(header, body[:_MAX_ROWS], more=max(len(body) - _MAX_ROWS, 0)))
    parts.append("</div>")
    return "".join(parts)


def short_repr(name: str, *facts: str) -> str:
    """``Name(fact, fact, ...)``: a one-line ``__repr__``."""
    return f"{name}({', '.join(facts)})"
