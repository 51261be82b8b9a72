"""BABE (Spinde et al. 2021): sentences with bias labels, biased words and outlets."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from ._common import DatasetError, canonical, read_text

__all__ = ['BABE_COLUMNS', 'load_babe']

BABE_COLUMNS: tuple[str, ...] = ("text", "news_link", "outlet", "topic", "type", "label_bias", "label_opinion",
                                 "biased_words")
_BABE_BIAS = ("Biased", "Non-biased", "No agreement")


def load_babe(path: str | Path, *, no_agreement: str = "drop") -> pd.DataFrame:
    """Read BABE's ``final_labels_SG2.csv`` (or SG1/MBIC files of the same layout).

    Parameters
    ----------
    path : str or Path
        The ``;``-separated CSV, UTF-8 with a byte-order mark, header
        ``text;news_link;outlet;topic;type;label_bias;label_opinion;biased_words``.
    no_agreement : {"drop", "keep"}
        Sentences whose ``label_bias`` is ``No agreement`` are dropped
        (default) or kept with ``biased`` missing (``pd.NA``).

    Returns
    -------
    DataFrame
        The corpus columns of :data:`framing.records.KNOWN_FIELDS`
        (``doc_id`` is ``babe-<line>`` with the 6-digit 1-based CSV line,
        as ``read_corpus(..., id_prefix="babe")`` would generate it;
        ``url`` from ``news_link``; ``topic``), then ``lean`` (the
        ``type`` column: ``left``/``center``/``right`` or None),
        ``label_bias``, ``label_opinion``, ``biased_words`` (list of
        str) and ``biased`` (nullable Int64: 1 Biased, 0 Non-biased).

    Raises
    ------
    DatasetError
        A missing column, a row with the wrong number of fields, an empty
        text, an unknown ``label_bias`` or a ``biased_words`` cell that is
        not a list literal of strings (file and line named).
    ValueError
        For a bad ``no_agreement``.

    Examples
    --------
    >>> babe = load_babe("final_labels_SG2.csv")          # doctest: +SKIP
    >>> babe.groupby("outlet")["biased"].mean()           # doctest: +SKIP
    """
    if no_agreement not in ("drop", "keep"):
        raise ValueError(f"no_agreement must be 'drop' or 'keep', got {no_agreement!r}")
    path = Path(path)
    text = read_text(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DatasetError(f"unreadable CSV header ({exc})", source=str(path), line=1, reason="malformed file") from None
    if header is None:
        raise DatasetError("empty file; expected the header " + ";".join(BABE_COLUMNS), source=str(path), line=1,
                           reason="malformed file")
    header = [h.strip() for h in header]
    missing = [c for c in BABE_COLUMNS if c not in header]
    if missing:
        raise DatasetError(f"missing column(s) {', '.join(missing)}; expected a ';'-separated header with "
                           f"{', '.join(BABE_COLUMNS)}, got {', '.join(header)}", source=str(path), line=1,
                           reason="malformed file")
    index = {c: header.index(c) for c in BABE_COLUMNS}
    rows: list[dict[str, Any]] = []
    done = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DatasetError(f"unreadable CSV ({exc})", source=str(path), line=done + 1,
                               reason="malformed file") from None
        line, done = done + 1, reader.line_num
        if not row:
            continue
        if len(row) != len(header):
            raise DatasetError(f"row has {len(row)} fields, the header has {len(header)} (delimiter ';')",
                               source=str(path), line=line, reason="bad CSV row")
        rec = {c: row[i] for c, i in index.items()}
        if not rec["text"].strip():
            raise DatasetError("empty text", source=str(path), line=line, field="text", reason="empty text")
        label = rec["label_bias"].strip()
        if label not in _BABE_BIAS:
            raise DatasetError(f"label_bias must be one of {', '.join(_BABE_BIAS)}, got {label!r}", source=str(path),
                               line=line, field="label_bias")
        if label == "No agreement" and no_agreement == "drop":
            continue
        rows.append({
            "doc_id": f"babe-{line:06d}",
            "outlet": rec["outlet"].strip(),
            "text": rec["text"],
            "url": rec["news_link"].strip() or None,
            "topic": rec["topic"].strip() or None,
            "lean": rec["type"].strip() or None,
            "label_bias": label,
            "label_opinion": rec["label_opinion"].strip() or None,
            "biased_words": _word_list(rec["biased_words"], path, line),
            "biased": {"Biased": 1, "Non-biased": 0}.get(label, pd.NA),
        })
    frame = pd.DataFrame(rows, columns=["doc_id", "outlet", "text", "url", "topic", "lean", "label_bias",
                                        "label_opinion", "biased_words", "biased"])
    out = canonical(frame, ["lean", "label_bias", "label_opinion", "biased_words", "biased"])
    out["biased"] = out["biased"].astype("Int64")
    return out


def _word_list(cell: str, path: Path, line: int) -> list[str]:
    cell = cell.strip()
    if not cell:
        return []
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise DatasetError(f"biased_words must be a Python list literal of strings such as ['a', 'b'] or [], "
                           f"got {cell[:60]!r}", source=str(path), line=line, field="biased_words")
    return value
