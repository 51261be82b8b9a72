"""Run folders on disk: hashing, atomic writes, the stage cache and manifests.

The experiment runner (:mod:`framing.experiment.runner`) is the only stage that touches
the filesystem; this module holds the pieces it writes and checks with.

Hashes
    Every hash is SHA-256 in lower-case hex.  A file hashes its bytes; a
    folder hashes the sorted list of its files (POSIX relative path, size
    and SHA-256 of each; hidden files and ``__pycache__`` are skipped), so a
    folder corpus changes hash when any file in it changes, is added,
    removed or renamed.  :class:`HashCache` remembers file hashes by
    absolute path, size and modification time (nanoseconds), so a large
    corpus is not re-read on every run; a changed size or mtime forces a
    re-hash.
Atomic writes
    :func:`write_atomic` writes to a temporary file in the target folder,
    flushes and ``fsync``\\ s it, then renames it over the target
    (:func:`os.replace`), so a reader never sees a half-written file.
    :func:`write_stream` does the same for a file written piece by piece
    (a table's CSV slices, its Parquet row groups) and returns the file's
    SHA-256, computed from the bytes as they are written: no whole-file
    buffer and no second read.  A whole run is built in a staging folder
    and renamed into place at the end (see :mod:`framing.experiment.runner`).
Stage cache
    :class:`StageCache` stores DataFrames and JSON values under a content
    key in ``<cache_dir>/<stage>/<key>.npz`` / ``.json``.  DataFrames are
    stored without pickle (:func:`frame_to_bytes`): numeric and boolean
    columns as NumPy arrays, categorical columns as their codes (an
    array) and their categories (JSON), every other column as JSON text, with the
    dtypes recorded, so loading a cache file never executes code and
    returns a frame equal to the one stored (``pandas.testing`` equal,
    dtypes included).
Manifest
    ``manifest.json`` records the SHA-256 of every input and every output
    file; :func:`verify_run` re-hashes them and lists every difference.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

__all__ = [
    "MANIFEST_SCHEMA",
    "HashCache",
    "StageCache",
    "VerifyResult",
    "canonical_bytes",
    "default_mode",
    "file_sha256",
    "frame_from_bytes",
    "frame_to_bytes",
    "path_sha256",
    "sha256_bytes",
    "verify_run",
    "write_atomic",
    "write_stream",
]

MANIFEST_SCHEMA = 1
_CHUNK = 1 << 20
_NUMERIC_KINDS = "biufcmM"


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of ``data`` as hex."""
    return hashlib.sha256(data).hexdigest()


def canonical_bytes(value: Any) -> bytes:
    """Canonical JSON bytes of ``value`` (sorted keys, no spaces, UTF-8,
    NaN refused, trailing newline): the form that is hashed and written."""
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"cannot write a non-finite number as canonical JSON: {exc}") from None
    return text.encode("utf-8") + b"\n"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _folder_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        out.extend(Path(dirpath) / name for name in filenames if not name.startswith("."))
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


class HashCache:
    """File hashes remembered by path, size and mtime.

    Parameters
    ----------
    path : Path or None
        A JSON file holding the remembered hashes; ``None`` keeps them in
        memory only.  :meth:`save` writes it atomically.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                loaded = exc
            if isinstance(loaded, dict):
                self._entries = {k: v for k, v in loaded.items() if isinstance(v, dict)}
            else:
                # the hash cache only saves time: a damaged one is rebuilt, and the user is told
                warnings.warn(f"{path}: unreadable file-hash cache ({loaded!r:.80}); it will be rebuilt",
                              UserWarning, stacklevel=2)

    def file(self, path: Path) -> str:
        """SHA-256 of one file, from memory when size and mtime match."""
        path = Path(path).resolve()
        stat = path.stat()
        key = str(path)
        entry = self._entries.get(key)
        if entry and entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns:
            return str(entry["sha256"])
        digest = file_sha256(path)
        self._entries[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        self._dirty = True
        return digest

    def save(self) -> None:
        if self.path is not None and self._dirty:
            write_atomic(self.path, canonical_bytes(dict(sorted(self._entries.items()))))
            self._dirty = False


def path_sha256(path: Path, hashes: HashCache | None = None) -> tuple[str, int]:
    """Hash of a file or folder and its size in bytes (see the module notes)."""
    hashes = hashes or HashCache()
    path = Path(path)
    if path.is_file():
        return hashes.file(path), path.stat().st_size
    if path.is_dir():
        listing, total = [], 0
        for file in _folder_files(path):
            size = file.stat().st_size
            listing.append([file.relative_to(path).as_posix(), size, hashes.file(file)])
            total += size
        return sha256_bytes(canonical_bytes(listing)), total
    raise FileNotFoundError(f"no such file or folder: {path}")


def default_mode(*, folder: bool = False) -> int:
    """The permission bits an ordinary ``open``/``mkdir`` would give under
    the current umask (temporary files and folders are private at first)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if folder else 0o666) & ~mask


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file for ``path``: a temporary file in its folder, flushed,
    ``fsync``\ ed and renamed over ``path`` when the block ends; removed
    (and ``path`` left as it was) when the block raises."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    with _atomic_file(path) as handle:
        handle.write(data)


class _HashingFile(io.RawIOBase):
    """A write-only binary file that hashes what it passes on to ``handle``
    (what :func:`write_stream` hands a writer callback; pyarrow accepts
    it as a Python file object)."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle = handle
        self._digest = hashlib.sha256()
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:  # bytes, bytearray or memoryview (pyarrow hands buffers)
        view = memoryview(data).cast("B")
        self._handle.write(view)
        self._digest.update(view)
        self._size += len(view)
        return len(view)

    def tell(self) -> int:
        return self._size

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def write_stream(path: Path, source: Callable[[BinaryIO], Any] | Iterable[bytes]) -> str:
    """Write a file piece by piece, atomically, and return its SHA-256.

    Parameters
    ----------
    path : Path
        The target; written through a temporary file in its folder, which
        is flushed, ``fsync``\\ ed and renamed over it (as
        :func:`write_atomic`).  On any error the temporary file is removed
        and the target is left as it was.
    source : callable or iterable of bytes
        Either a callback handed a write-only binary file (call its
        ``write``; pyarrow's writers accept it) or an iterable of byte
        chunks, written in order.

    Returns
    -------
    str
        SHA-256 (hex) of the bytes written, hashed as they are written
        (equal to :func:`file_sha256` of the file).
    """
    if not callable(source) and isinstance(source, (bytes, bytearray, memoryview, str)):
        raise TypeError(f"source: expected a writer callback or an iterable of byte chunks, got "
                        f"{type(source).__name__} (use write_atomic for one bytes value)")
    with _atomic_file(path) as handle:
        sink = _HashingFile(handle)
        if callable(source):
            source(sink)
        else:
            for i, chunk in enumerate(source):
                if not isinstance(chunk, (bytes, bytearray, memoryview)):
                    raise TypeError(f"source: chunk {i} is {type(chunk).__name__}, expected bytes")
                sink.write(chunk)
    return sink.hexdigest()


# ------------------------------------------------------------ frame codec

def _json_cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (list, tuple)):
        return [_json_cell(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_json_cell(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _json_cell(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store a cell of type {type(value).__name__} in the stage cache")


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise a DataFrame without pickle (see the module notes).

    The index is not kept (stage tables have a plain range index).
    """
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {"columns": [], "dtypes": [], "kinds": []}
    for i, name in enumerate(frame.columns):
        series = frame[name]
        dtype = series.dtype
        meta["columns"].append(str(name))
        meta["dtypes"].append(str(dtype))
        if isinstance(dtype, np.dtype) and dtype.kind in _NUMERIC_KINDS:
            arrays[f"c{i}"] = series.to_numpy()
            meta["kinds"].append("array")
        elif isinstance(dtype, pd.CategoricalDtype):  # codes as an array, the categories once as JSON
            arrays[f"c{i}"] = series.cat.codes.to_numpy()
            categories = {"values": [_json_cell(v) for v in dtype.categories.tolist()],
                          "dtype": str(dtype.categories.dtype), "ordered": bool(dtype.ordered)}
            arrays[f"k{i}"] = np.frombuffer(json.dumps(categories, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
            meta["kinds"].append("categorical")
        else:
            cells = [_json_cell(v) for v in series.tolist()]
            arrays[f"c{i}"] = np.frombuffer(json.dumps(cells, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
            meta["kinds"].append("json")
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _restore(values: list[Any], dtype: str) -> pd.Series:
    if dtype == "object":
        return pd.Series([list(v) if isinstance(v, list) else v for v in values], dtype=object)
    return pd.Series(values, dtype=dtype)


def frame_from_bytes(data: bytes) -> pd.DataFrame:
    """Inverse of :func:`frame_to_bytes` (never unpickles)."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
        columns = {}
        for i, (name, dtype, kind) in enumerate(zip(meta["columns"], meta["dtypes"], meta["kinds"])):
            raw = npz[f"c{i}"]
            if kind == "array":
                columns[name] = pd.Series(raw, dtype=np.dtype(dtype))
            elif kind == "categorical":
                spec = json.loads(npz[f"k{i}"].tobytes().decode("utf-8"))
                categories = pd.Index(spec["values"], dtype=spec["dtype"])
                columns[name] = pd.Series(pd.Categorical.from_codes(raw, categories, ordered=spec["ordered"]))
            else:
                columns[name] = _restore(json.loads(raw.tobytes().decode("utf-8")), dtype)
    return pd.DataFrame(columns, columns=meta["columns"])


class StageCache:
    """Content-keyed cache of stage results.

    Parameters
    ----------
    root : Path or None
        The cache folder; ``None`` disables caching (every lookup misses,
        nothing is written).
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits: list[str] = []
        self.misses: list[str] = []

    @staticmethod
    def key(**parts: Any) -> str:
        """A cache key: the SHA-256 of the canonical JSON of ``parts``."""
        return sha256_bytes(canonical_bytes(parts))

    def _path(self, stage: str, key: str, suffix: str) -> Path:
        return self.root / stage / f"{key}{suffix}"  # type: ignore[operator]

    def get_frame(self, stage: str, key: str) -> pd.DataFrame | None:
        if self.root is None:
            return None
        path = self._path(stage, key, ".npz")
        if not path.is_file():
            self.misses.append(stage)
            return None
        self.hits.append(stage)
        return frame_from_bytes(path.read_bytes())

    def put_frame(self, stage: str, key: str, frame: pd.DataFrame) -> None:
        if self.root is not None:
            write_atomic(self._path(stage, key, ".npz"), frame_to_bytes(frame))

    def get_json(self, stage: str, key: str) -> Any:
        if self.root is None:
            return None
        path = self._path(stage, key, ".json")
        if not path.is_file():
            self.misses.append(stage)
            return None
        self.hits.append(stage)
        return json.loads(path.read_text(encoding="utf-8"))

    def put_json(self, stage: str, key: str, value: Any) -> None:
        if self.root is not None:
            write_atomic(self._path(stage, key, ".json"), canonical_bytes(value))


# ------------------------------------------------------------ verification

@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_run`.

    ``problems`` lists one line per difference (a changed, missing or
    unlisted file, a changed input); ``ok`` is true when there are none.
    """

    run_dir: Path
    n_checked: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = f"{self.run_dir}: {self.n_checked} files checked, "
        if self.ok:
            return head + "all match the manifest"
        return head + f"{len(self.problems)} problem(s):\n" + "\n".join(f"  {p}" for p in self.problems)


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """The manifest of a run folder (ValueError naming the file if it is
    missing or not a manifest)."""
    run_dir = Path(run_dir)
    if not run_dir.exists():
        raise ValueError(f"{run_dir}: no such run folder")
    if not run_dir.is_dir():
        raise ValueError(f"{run_dir}: not a framing run folder (a file, not a folder)")
    path = run_dir / "manifest.json"
    if path.is_dir():
        raise ValueError(f"{path}: a folder where the run's manifest file should be")
    if not path.is_file():
        raise ValueError(f"{run_dir}: not a framing run folder (no manifest.json)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("manifest_schema") != MANIFEST_SCHEMA:
        raise ValueError(f"{path}: not a framing manifest (manifest_schema {MANIFEST_SCHEMA} expected)")
    for key, kind, what, default in _MANIFEST_KEYS:
        value = manifest.get(key, default)
        if not isinstance(value, kind):
            raise ValueError(f"{path}: key {key!r} must be {what}, got {type(value).__name__}; the manifest was "
                             f"edited or damaged")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in manifest["outputs"].items()):
        raise ValueError(f"{path}: 'outputs' must map file names to SHA-256 strings; the manifest was edited or damaged")
    unchecked = manifest.get("unchecked_files", [])
    if not isinstance(unchecked, list) or not all(isinstance(name, str) for name in unchecked):
        raise ValueError(f"{path}: 'unchecked_files' must be a list of file names; the manifest was edited or damaged")
    for name, record in manifest.get("inputs", {}).items():
        if not (isinstance(record, dict) and isinstance(record.get("path"), str)
                and isinstance(record.get("sha256"), str)):
            raise ValueError(f"{path}: inputs[{name!r}] must be a table with 'path' and 'sha256' strings; the "
                             f"manifest was edited or damaged")
    return manifest


# key, type, description, value when absent (None: required)
_MANIFEST_KEYS = (("outputs", dict, "a table", None), ("inputs", dict, "a table", {}),
                  ("run_hash", str, "a string", ""))


def _listed(run_dir: Path) -> Iterable[str]:
    for file in _folder_files(run_dir):
        yield file.relative_to(run_dir).as_posix()


def verify_run(run_dir: Path, *, inputs: bool = False, hashes: HashCache | None = None) -> VerifyResult:
    """Re-hash a run folder against its manifest.

    Parameters
    ----------
    run_dir : Path
    inputs : bool
        Also re-hash the input files recorded in the manifest (they may
        live elsewhere or be large).

    Returns
    -------
    VerifyResult
        Every output whose bytes differ (a one-byte change is found),
        every listed file that is missing, every file in the folder that
        the manifest does not list (other than the manifest itself and
        the unchecked ``run.log``), and with ``inputs`` every changed or
        missing input.
    """
    run_dir = Path(run_dir)
    manifest = read_manifest(run_dir)
    outputs: Mapping[str, Any] = manifest.get("outputs", {})
    problems: list[str] = []
    for rel, expected in sorted(outputs.items()):
        path = run_dir / rel
        if path.is_dir():
            problems.append(f"a folder, not a file: {rel}")
            continue
        if not path.is_file():
            problems.append(f"missing: {rel}")
            continue
        actual = file_sha256(path)
        if actual != expected:
            problems.append(f"changed: {rel} (sha256 {actual[:12]}…, manifest {str(expected)[:12]}…)")
    unchecked = {"manifest.json", *manifest.get("unchecked_files", [])}
    replaced = tuple(f"{rel}/" for rel in outputs if (run_dir / rel).is_dir())
    for rel in _listed(run_dir):
        if rel.startswith(replaced):
            continue
        if rel not in outputs and rel not in unchecked:
            problems.append(f"not in the manifest: {rel}")
    n_checked = len(outputs)
    if inputs:
        hashes = hashes or HashCache()
        for key, record in sorted(manifest.get("inputs", {}).items()):
            path = Path(record["path"])
            n_checked += 1
            if not path.exists():
                problems.append(f"input missing: {key} ({path})")
                continue
            actual, _ = path_sha256(path, hashes)
            if actual != record["sha256"]:
                problems.append(f"input changed: {key} ({path})")
    return VerifyResult(run_dir=run_dir, n_checked=n_checked, problems=tuple(problems))
