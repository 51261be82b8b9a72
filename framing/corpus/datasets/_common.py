"""What every dataset loader shares: the error type, strict UTF-8 reading
and the corpus columns in front of the label columns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..readers import CorpusError, read_corpus

__all__ = ["DatasetError", "canonical", "decode", "read_json", "read_text"]

class DatasetError(CorpusError):
    """A dataset file does not have its published format.

    Same attributes as :class:`framing.corpus.CorpusError` (``source``,
    ``line``, ``field``, ``reason``).
    """


def canonical(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Corpus columns (normalised by read_corpus) then the label columns."""
    corpus = read_corpus(frame.drop(columns=labels)).frame
    for name in labels:
        values = frame[name].astype(object)
        corpus[name] = pd.Series(values.where(values.notna(), None).tolist(), index=corpus.index, dtype=object)
    return corpus


def decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetError(f"not UTF-8 (byte offset {exc.start})", source=str(path), line=line,
                           reason="undecodable") from None


def read_text(path: Path) -> str:
    """The file decoded from UTF-8 without any newline translation."""
    return decode(path, path.read_bytes())


def read_json(path: Path) -> Any:
    """The file's JSON value; malformed JSON is a :class:`DatasetError`
    naming the file and line."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"malformed JSON ({exc.msg})", source=str(path), line=exc.lineno,
                           reason="malformed JSON") from None
