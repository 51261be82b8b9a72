"""The texts of a run's corpus, stored once on disk in row chunks.

A run keeps its corpus as two pieces (issue 13): a small in-memory table
of metadata (``doc_id``, ``outlet``, ``date``, labels... every column but
the text parts) and the text parts (:data:`TEXT_COLUMNS` present in the
corpus) in a :class:`TextStore`: one file per chunk of ``chunk_rows``
documents in corpus order, read back chunk by chunk by the stages that
need text (scores, hits, keyness counts, passages, classifiers,
validation samples).  A cached run reads none of them.

Chunks are Parquet files when ``pyarrow`` is installed (``.parquet``),
else stage-cache frames (``.npz``, :func:`~framing.experiment.store.frame_to_bytes`,
no pickle); both give back the stored frame exactly (object columns of
``str`` / ``None``).  A store is written into a temporary folder that is
renamed into place when complete, so a folder with ``store.json`` is a
whole store.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Sequence

import pandas as pd

from ..check import check_int
from ..vocab import PARTS
from .store import canonical_bytes, default_mode, frame_from_bytes, frame_to_bytes

__all__ = ["CHUNK_ROWS", "TEXT_COLUMNS", "TextStore", "concat_rows", "split_corpus"]

#: The corpus columns kept on disk (the parts a document is scored on).
TEXT_COLUMNS: tuple[str, ...] = PARTS
#: Documents per stored chunk (a chunk of news articles is ~20 MB of text).
CHUNK_ROWS = 4096
_INDEX = "store.json"


def _parquet():
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet as pq
    except ImportError:
        return None
    return pq


def split_corpus(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(meta, texts)``: every column but :data:`TEXT_COLUMNS`, and
    ``doc_id`` with the text columns present (both with a range index)."""
    text_columns = [c for c in frame.columns if c in TEXT_COLUMNS]
    meta = frame[[c for c in frame.columns if c not in TEXT_COLUMNS]].reset_index(drop=True)
    texts = frame[["doc_id", *text_columns]].reset_index(drop=True)
    return meta, texts


def concat_rows(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Per-chunk tables stacked in chunk order (range index); chunks
    without rows are left out unless every chunk is empty, so the
    columns keep the dtypes one call on the whole corpus gives."""
    if not frames:
        raise ValueError("frames: expected at least one per-chunk table, got none")
    full = [f for f in frames if len(f)]
    if not full:
        return frames[0].reset_index(drop=True)
    if len(full) == 1:
        return full[0].reset_index(drop=True)
    return pd.concat(full, ignore_index=True)


class TextStore:
    """Text columns of a corpus in chunk files under ``folder``.

    Open an existing store with ``TextStore(folder)`` (ValueError when the
    folder holds no complete store); write one with :meth:`write`.
    Attributes: ``folder``, ``n_rows``, ``columns`` (``doc_id`` first),
    ``chunk_sizes``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        index = self.folder / _INDEX
        if not index.is_file():
            raise ValueError(f"{self.folder}: not a text store (no {_INDEX})")
        info = json.loads(index.read_text(encoding="utf-8"))
        self.columns: tuple[str, ...] = tuple(info["columns"])
        self.chunk_sizes: tuple[int, ...] = tuple(int(n) for n in info["chunk_sizes"])
        self.files: tuple[str, ...] = tuple(info["files"])
        self.n_rows = sum(self.chunk_sizes)
        self.column_order: tuple[str, ...] = tuple(info.get("column_order", self.columns))
        self._dtypes = dict(zip(self.columns, info.get("dtypes", ())))

    @staticmethod
    def exists(folder: Path) -> bool:
        """Whether ``folder`` holds a complete store."""
        return (Path(folder) / _INDEX).is_file()

    @classmethod
    def write(cls, frame: pd.DataFrame, folder: Path, *, chunk_rows: int = CHUNK_ROWS,
              column_order: Sequence[str] | None = None) -> "TextStore":
        """Store ``frame`` (``doc_id`` and text columns) in chunks of
        ``chunk_rows`` rows; an existing store at ``folder`` is replaced.
        ``column_order`` records the corpus's column order, for
        :meth:`join`."""
        chunk_rows = check_int("chunk_rows", chunk_rows, low=1)
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            pq = _parquet()
            files, sizes = [], []
            for number, start in enumerate(range(0, len(frame), chunk_rows)):
                chunk = frame.iloc[start:start + chunk_rows].reset_index(drop=True)
                name = f"chunk-{number:05d}" + (".parquet" if pq is not None else ".npz")
                if pq is not None:
                    import pyarrow as pa

                    table = pa.Table.from_pandas(chunk, preserve_index=False)
                    pq.write_table(table, tmp / name, compression="zstd")
                else:
                    (tmp / name).write_bytes(frame_to_bytes(chunk))
                files.append(name)
                sizes.append(len(chunk))
            info = {"columns": [str(c) for c in frame.columns], "chunk_sizes": sizes, "files": files,
                    "dtypes": [str(t) for t in frame.dtypes],
                    "column_order": [str(c) for c in (frame.columns if column_order is None else column_order)]}
            (tmp / _INDEX).write_bytes(canonical_bytes(info))
            os.chmod(tmp, default_mode(folder=True))
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(folder)

    def _read(self, name: str, columns: list[str]) -> pd.DataFrame:
        path = self.folder / name
        if name.endswith(".parquet"):
            pq = _parquet()
            if pq is None:
                raise ValueError(f"{path}: a Parquet chunk, but pyarrow is not installed (pip install pyarrow)")
            frame = pq.read_table(path, columns=columns).to_pandas()
        else:
            frame = frame_from_bytes(path.read_bytes())[columns]
        for column in columns:  # a chunk whose column is all missing comes back as object
            dtype = self._dtypes.get(column)
            if dtype is not None and str(frame[column].dtype) != dtype:
                frame[column] = frame[column].astype(dtype)
        return frame

    def _columns(self, columns: Sequence[str] | None) -> list[str]:
        if columns is None:
            return list(self.columns)
        unknown = [c for c in columns if c not in self.columns]
        if unknown:
            raise ValueError(f"columns: {', '.join(map(repr, unknown))} not in the text store; it holds "
                             f"{', '.join(self.columns)}")
        return ["doc_id", *[c for c in columns if c != "doc_id"]]

    def chunks(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The stored rows chunk by chunk, in corpus order (``doc_id`` and
        ``columns``, default all; each chunk with a range index)."""
        wanted = self._columns(columns)
        for name in self.files:
            yield self._read(name, wanted)

    def read(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Every stored row at once (``doc_id`` and ``columns``): for the
        stages that need whole texts (classifiers, validation samples)."""
        parts = list(self.chunks(columns))
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in self._columns(columns)})
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def join(self, meta: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """``meta`` with the stored text columns added back, in the
        corpus's column order (the whole corpus frame when ``columns`` is
        None)."""
        texts = self.read(columns)
        if len(texts) != len(meta) or not texts["doc_id"].astype(str).equals(meta["doc_id"].astype(str)):
            raise ValueError(f"{self.folder}: the text store does not hold the documents of this corpus "
                             f"({len(texts)} stored, {len(meta)} expected); remove it to rebuild")
        out = meta.copy()
        for column in texts.columns:
            if column != "doc_id":
                out[column] = texts[column].to_numpy()
        order = [c for c in self.column_order if c in out.columns]
        order += [c for c in out.columns if c not in order]
        return out[order]
