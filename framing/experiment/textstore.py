"""The texts of a run's corpus, stored once on disk in row chunks.

A run keeps its corpus as two pieces (issue 13): a small in-memory table
of metadata (``doc_id``, ``outlet``, ``date``, labels... every column but
the text parts) and the text parts (:data:`TEXT_COLUMNS` present in the
corpus) in a :class:`TextStore`: one file per chunk of ``chunk_rows``
documents in corpus order, read back chunk by chunk by the stages that
need text (scores, hits, keyness counts, passages, classifiers,
validation samples).  A cached run reads none of them.

Chunks are Parquet files (``.parquet``; pyarrow is a core dependency),
or stage-cache frames (``.npz``, :func:`~framing.experiment.store.frame_to_bytes`,
no pickle) in an install where pyarrow cannot be imported; both give
back the stored frame exactly (object columns of ``str`` / ``None``).  A store is written into a temporary folder that is
renamed into place when complete, so a folder with ``store.json`` is a
whole store.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..check import check_int
from ..vocab import PARTS
from .store import canonical_bytes, default_mode, frame_from_bytes, frame_to_bytes

__all__ = ["CHUNK_ROWS", "TEXT_COLUMNS", "TextStore", "TextStoreWriter", "concat_rows", "filter_store", "release_memory",
           "split_corpus"]

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


def _c_malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or None (another C library, or none found)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None)
    except OSError:
        return None


_TRIM: list[Any] = []  # [malloc_trim or None], looked up once per process


def release_memory(*, heap: bool = False) -> None:
    """Hand memory freed but kept by allocators back to the system.

    pyarrow's pool (``MemoryPool.release_unused``; nothing without
    pyarrow): Parquet reads and pandas's pyarrow-backed string columns
    allocate there, and its allocator (mimalloc or jemalloc) otherwise
    keeps what a chunk freed: reading a corpus's chunks would leave a few
    hundred MB behind (issue 13).  Called after each chunk read.

    With ``heap=True`` (at stage ends), also glibc's ``malloc_trim(0)``:
    the C heap keeps the pages of freed Python and NumPy objects (a
    statistics stage's temporary per-document arrays: ~0.5 GB at a
    million documents) unless asked; it walks the heap (tens of ms for a
    GB), so it is not done per chunk.  On other C libraries there is
    nothing to call.  Neither changes any result."""
    try:
        import pyarrow as pa
    except ImportError:
        pass
    else:
        pa.default_memory_pool().release_unused()
    if not heap:
        return
    if not _TRIM:
        _TRIM.append(_c_malloc_trim())
    if _TRIM[0] is not None:
        _TRIM[0](0)


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
    ``chunk_sizes``, ``dtypes`` (column -> dtype name).
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
        self.dtypes: dict[str, str] = dict(zip(self.columns, info.get("dtypes", ())))
        self._dtypes = self.dtypes

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
        with TextStoreWriter(folder, [str(c) for c in frame.columns], chunk_rows=chunk_rows) as writer:
            for start in range(0, len(frame), chunk_rows):
                writer.write_chunk(frame.iloc[start:start + chunk_rows].reset_index(drop=True))
            return writer.finish(column_order=column_order, dtypes=[str(t) for t in frame.dtypes])

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
            release_memory()  # what the chunk's reading and its caller freed

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


class TextStoreWriter:
    """Write a :class:`TextStore` row by row (a corpus read in a stream).

    ``TextStoreWriter(folder, columns, chunk_rows=...)`` opens a temporary
    folder beside ``folder``; :meth:`append` adds one document's values
    (in ``columns`` order, ``doc_id`` first), written out every
    ``chunk_rows`` rows, each column cast to its dtype in ``dtypes``
    (those of the whole corpus frame: a chunk without any text in a
    column is stored as that column of the whole frame would be); :meth:`finish` completes the store and renames it
    into place (replacing an existing one); :meth:`discard` (or leaving
    the ``with`` block by an exception) removes the unfinished folder.
    The files equal those :meth:`TextStore.write` writes for the same
    rows.
    """

    def __init__(self, folder: Path, columns: Sequence[str], *, chunk_rows: int = CHUNK_ROWS,
                 dtypes: Mapping[str, Any] | None = None) -> None:
        self.chunk_rows = check_int("chunk_rows", chunk_rows, low=1)
        self._astype = {str(c): t for c, t in (dtypes or {}).items()}
        self.columns = [str(c) for c in columns]
        if not self.columns or self.columns[0] != "doc_id":
            raise ValueError(f"columns: expected doc_id first, got {self.columns!r}")
        self.folder = Path(folder)
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        self._tmp: Path | None = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}.", dir=self.folder.parent))
        self._pq = _parquet()
        self._rows: list[Sequence[Any]] = []
        self._files: list[str] = []
        self._sizes: list[int] = []
        self._dtypes: list[str] | None = None

    def __enter__(self) -> "TextStoreWriter":
        return self

    def __exit__(self, kind, value, trace) -> None:
        if kind is not None:
            self.discard()

    def append(self, row: Sequence[Any]) -> None:
        """Add one document (values in ``columns`` order)."""
        self._rows.append(row)
        if len(self._rows) >= self.chunk_rows:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            rows, self._rows = self._rows, []
            chunk = pd.DataFrame({c: [r[i] for r in rows] for i, c in enumerate(self.columns)}, columns=self.columns)
            cast = {c: t for c, t in self._astype.items() if c in chunk.columns and chunk[c].dtype != t}
            self.write_chunk(chunk.astype(cast) if cast else chunk)

    def write_chunk(self, chunk: pd.DataFrame) -> None:
        """Write one whole chunk (range index, ``columns``) as the next file."""
        if self._tmp is None:
            raise ValueError(f"{self.folder}: the text store writer is closed")
        if self._dtypes is None:
            self._dtypes = [str(t) for t in chunk.dtypes]
        name = f"chunk-{len(self._files):05d}" + (".parquet" if self._pq is not None else ".npz")
        if self._pq is not None:
            import pyarrow as pa

            self._pq.write_table(pa.Table.from_pandas(chunk, preserve_index=False), self._tmp / name,
                                 compression="zstd")
        else:
            (self._tmp / name).write_bytes(frame_to_bytes(chunk))
        release_memory()
        self._files.append(name)
        self._sizes.append(len(chunk))

    def finish(self, *, column_order: Sequence[str] | None = None,
               dtypes: Sequence[str] | None = None) -> TextStore:
        """Write the last chunk and the index, and move the store into
        place.  ``column_order``: the corpus's column order (for
        :meth:`TextStore.join`; default ``columns``); ``dtypes``: the
        columns' dtypes (default those given at the start, else those of
        the first chunk, else object)."""
        self._flush()
        if self._tmp is None:
            raise ValueError(f"{self.folder}: the text store writer is closed")
        if dtypes is None and self._astype:
            dtypes = [str(self._astype.get(c, d)) for c, d in zip(self.columns, self._dtypes or ["object"] * len(self.columns))]
        if dtypes is None:
            dtypes = self._dtypes or ["object"] * len(self.columns)
        info = {"columns": self.columns, "chunk_sizes": self._sizes, "files": self._files,
                "dtypes": [str(t) for t in dtypes],
                "column_order": [str(c) for c in (self.columns if column_order is None else column_order)]}
        tmp = self._tmp
        try:
            (tmp / _INDEX).write_bytes(canonical_bytes(info))
            os.chmod(tmp, default_mode(folder=True))
            if self.folder.exists():
                shutil.rmtree(self.folder)
            os.replace(tmp, self.folder)
        except BaseException:
            self.discard()
            raise
        self._tmp = None
        return TextStore(self.folder)

    def discard(self) -> None:
        """Remove the unfinished store."""
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def filter_store(store: TextStore, keep: np.ndarray, folder: Path, *, chunk_rows: int = CHUNK_ROWS) -> TextStore:
    """A new store at ``folder`` with the rows of ``store`` where ``keep``
    is true, in order, in chunks of ``chunk_rows`` (read one chunk at a
    time); the files equal those of :meth:`TextStore.write` on the kept
    rows."""
    keep = np.asarray(keep, dtype=bool)
    if keep.shape != (store.n_rows,):
        raise ValueError(f"keep: expected {store.n_rows} booleans (one per stored row), got shape {keep.shape}")
    dtypes = {c: pd.api.types.pandas_dtype(t) for c, t in store.dtypes.items()}
    with TextStoreWriter(folder, store.columns, chunk_rows=chunk_rows, dtypes=dtypes) as writer:
        start = 0
        for chunk in store.chunks():
            mask = keep[start:start + len(chunk)]
            start += len(chunk)
            for row in chunk[mask].itertuples(index=False, name=None):
                writer.append(row)
        return writer.finish(column_order=store.column_order, dtypes=[store.dtypes.get(c, "object") for c in store.columns])
