"""Corpus readers: JSONL(.gz), JSON, CSV/TSV, Parquet, DataFrames, folders, one text file.

A corpus is a :class:`pandas.DataFrame` with the schema of
:mod:`framing.records` (required ``doc_id``, ``outlet``, ``text``; the
optional fields; any other source column kept as it is), wrapped with the
:class:`ReadReport` of how it was read in a :class:`Corpus`; or a stream
of :class:`framing.records.Document` (:func:`iter_documents`).

Formats
    Chosen by ``format=`` or the file name: ``.jsonl``/``.ndjson`` (one
    JSON object a line, streamed), ``.json`` (a JSON array, or JSONL when
    the first character is not ``[``; read whole), ``.csv`` (delimiter
    sniffed from the header line among ``, ; <tab> |``, ties in that
    order, unless ``delimiter=`` is given; an Excel ``sep=X`` first line
    is honoured), ``.tsv``/``.tab``, ``.parquet`` (needs the optional
    pyarrow, streamed one row group at a time, by batches), a DataFrame, a directory of ``.txt``
    files, or one ``.txt`` file (``"txt"``: one document, read like a
    file of a folder, ``doc_id`` = the file stem, ``outlet`` from
    ``outlet=``).  Gzip compression is detected from the file's magic
    bytes, so ``.jsonl.gz``, ``.csv.gz`` etc. work.
Field map
    ``fields={"text": "content", "outlet": "source", "doc_id": "id"}``
    maps a canonical name to the source key/column.  Unmapped canonical
    names are read from the key of the same name.  When a canonical name
    is mapped elsewhere, a source key carrying that name is ignored and
    counted in ``report.warnings``.  Mapping an optional field (or
    ``doc_id``) to ``None`` ignores the source key; ``outlet`` may map to
    ``None`` only with ``outlet=``.
Values
    ``doc_id``: coerced to ``str`` (integral floats lose ``.0``).  When
    the source has no ``doc_id`` key and ``fields`` does not map one (or
    maps it to ``None``), ids are generated as
    ``f"{id_prefix or file stem}-{n:06d}"`` where ``n`` is the record's
    location number (see Locations) and the count is recorded in
    ``report.warnings``.  ``outlet``: text (stripped).  An integer or an
    integer-valued float becomes its integer text (``1`` and ``1.0`` ->
    ``"1"``, the same outlet as the text ``"1"``; CSV cells are text and
    stay as written) and such conversions are counted in
    ``report.warnings``; a boolean, a non-integral number or any other
    type is a bad record ("outlet must be text, got a boolean").
    ``outlet=`` fills records that have none (it never overrides a present
    value; with ``fields={"outlet": None}`` every document gets it).
    ``text``: must be a
    non-blank ``str`` and is kept unchanged.  ``authors``/``tags``: a
    list, a JSON or Python list literal, or a delimited string: split at
    ``;`` if present, else at ``|``, else at ``,`` (authors also at
    `` and `` and ``&``; a leading ``By`` is removed); lists in the
    DataFrame, tuples in Documents.  ``date``: ISO dates stay
    ``YYYY-MM-DD``; ISO date-times are kept in ISO form (midnight without a
    time zone becomes the date); ``September 20, 2016``, ``20 Sep 2016``
    and ``2016/09/20`` become ``YYYY-MM-DD``; anything else (``7/23/17``
    is ambiguous) is kept raw and counted in ``report.warnings``.  NaN,
    ``pd.NA`` and ``NaT`` become None; blank optional strings become None.
    Other source keys are kept as they are (NaN becomes None; CSV cells
    stay strings).
Locations
    Files count 1-based physical lines (a CSV record is located at the
    line where it starts); DataFrames and Parquet files count 0-based
    rows (``df.iloc[n]``); folder documents are located by file (the
    report lists a skipped folder document by its path below the folder,
    and its line when one is known).  Blank JSONL lines and empty CSV rows
    are not records.
Errors
    A bad record raises :class:`CorpusError` (a ``ValueError``) naming the
    file, the line or row and the field: malformed JSON (also JSON nested
    too deeply to read), a line that is not an object, undecodable bytes (with the byte offset), a missing required
    field, an empty or non-string text, a bad value, a duplicate
    ``doc_id``, a CSV row with the wrong number of fields.  With
    ``on_error="skip"`` the record is skipped and listed in the report;
    ``"warn"`` also emits one :class:`CorpusWarning` with the summary.
    Structural problems (a broken JSON array, an unparseable CSV, a
    duplicate CSV column, a broken gzip stream, a UTF-16 file, a file that
    is not Parquet) always raise: the rest of the file cannot be located.
    A read that yields no document raises too: a file or folder with no
    records ("no records", e.g. a 0-byte ``.jsonl.gz``; an empty
    DataFrame is allowed), and a read whose every record was skipped
    ("no records left", with the count per reason).
Encodings
    Input is decoded line by line with ``encoding`` (default UTF-8; a
    UTF-8 byte-order mark is removed, also before CSV headers).  With
    ``fallback_encoding`` a line (or ``.txt`` file) that does not decode is
    decoded with the fallback, recorded in ``report.warnings`` and
    announced once per read with a :class:`CorpusWarning` naming the file
    and line.  Only encodings in which ``\\n`` is the byte ``0x0A`` are
    supported (not UTF-16/32).  Reading CSV raises the ``csv`` module's
    field size limit (a process-wide setting) so that long articles fit.
Folders
    Every ``*.txt`` file below the folder (sorted by relative path; hidden
    files and folders skipped) is one document with ``doc_id`` = the
    relative path without ``.txt``.  ``outlet`` comes from a sidecar
    column, else from the first sub-folder (``folder/<outlet>/a.txt``),
    else from ``outlet=``.  A sidecar CSV (``metadata.csv`` in the folder,
    or ``sidecar=``) has a ``file`` column (relative path, ``.txt``
    optional) and any metadata columns (the field map applies to them);
    its values take precedence over values parsed from the file, except
    ``text``, ``captions`` and ``boilerplate`` which always come from the
    file.  A sidecar row naming a missing file is a bad record.  With
    ``fields={"outlet": None}`` (and ``outlet=``) neither the sidecar nor
    the sub-folder gives the outlet.  With
    ``raw=True`` each file is parsed by
    :func:`framing.corpus.rawtext.parse_raw_article`; with ``raw=False`` the whole
    file (line ends normalised to ``\\n``) is the text; with ``raw="auto"``
    (default) a file is parsed when
    :func:`framing.corpus.rawtext.looks_like_raw_article` says so (its second or
    third non-blank line looks like a JSON list, or a line ends with a
    photo credit).
Duplicates
    :func:`text_hash` is the SHA-256 of the text folded with
    :func:`framing.text.fold` and with white space collapsed.
    ``dedupe=True`` keeps the first document of each group of equal hashes
    and lists the groups in the report; :func:`framing.corpus.dedupe.find_duplicates` lists them
    without dropping; :func:`framing.corpus.dedupe.find_near_duplicates` finds near copies with
    MinHash.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import csv
import datetime as dt
import gzip
import importlib.util
import itertools
import json
import math
import re
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

import numpy as np
import pandas as pd

from .dedupe import text_hash
from .rawtext import RawArticleError, looks_like_raw_article, parse_raw_article
from ..check import check_bool, check_choice
from ..display import html_summary, short_repr
from ..progress import check_progress, counted, reporter
from ..records import KNOWN_FIELDS, Document
from ..vocab import DEFAULTS, ON_ERROR

__all__ = [
    "FORMATS",
    "Corpus",
    "CorpusError",
    "CorpusWarning",
    "DuplicateGroup",
    "ReadReport",
    "SkippedRecord",
    "InputPart",
    "PART_BYTES",
    "PartOutcome",
    "PartsMerger",
    "doc_id_hashes",
    "iter_documents",
    "iter_part",
    "iter_records",
    "plan_parts",
    "read_corpus",
    "read_text_file",
    "validate_frame",
]

FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "tsv", "parquet", "folder", "txt")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
             ".parquet": "parquet", ".txt": "txt"}
_DELIMITERS = (",", ";", "\t", "|")
_STR_FIELDS = ("title", "url", "genre", "story_id", "topic", "lang", "captions", "boilerplate")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%B %d %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")
_EXAMPLES = 5
_EMPTY = {
    "jsonl": "the file is empty or holds only blank lines",
    "json": "the file is empty, blank or an empty JSON array",
    "csv": "the file is empty or holds only a header",
    "tsv": "the file is empty or holds only a header",
    "parquet": "the file has no rows",
    "folder": "no .txt files below the folder (hidden files and folders are skipped)",
    "txt": "the file is empty",
}
_LINE_BUFFER = 1 << 20  # bytes read at a time by _raw_lines: long lines are split ~2.5x cheaper than with 8 KiB
_ABSENT = object()  # a key that is not in a record
_NAMES = re.compile(r"\s*(?:,|&|\band\b)\s*")
_BY = re.compile(r"^by\s+", re.IGNORECASE)


class CorpusError(ValueError):
    """A corpus record or file is invalid.

    Attributes
    ----------
    source : str or None
        File (or ``"DataFrame"``).
    line : int or None
        1-based line, or 0-based row for DataFrames and Parquet files.
    field : str or None
        Canonical field name, when one field is at fault.
    reason : str
        Short category used to count skipped records (``"empty text"``).
    doc_id : str or None
        The record's id when it was known.
    """

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None, field: str | None = None,
                 reason: str = "bad value", unit: str = "line", doc_id: str | None = None) -> None:
        self.source, self.line, self.field, self.reason, self.doc_id = source, line, field, reason, doc_id
        parts = [p for p in (source, None if line is None else f"{unit} {line}", None if field is None else f"field {field!r}") if p]
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)


class CorpusWarning(UserWarning):
    """A corpus was read with repairs or skipped records; see the report."""


@dataclass(frozen=True)
class SkippedRecord:
    """A record left out under ``on_error="skip"``/``"warn"``."""

    line: int | None
    doc_id: str | None
    field: str | None
    reason: str
    message: str = ""
    source: str | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Documents whose texts have the same :func:`text_hash`; the first
    one (``doc_ids[0]``) is the one kept by ``dedupe=True``."""

    group: int
    text_hash: str
    doc_ids: tuple[str, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class ReadReport:
    """What happened while reading a corpus.

    ``n_read == n_kept + n_skipped + n_duplicates`` (``n_duplicates``:
    documents dropped by ``dedupe=True``): every record read is either
    kept, skipped (listed in ``skipped``, with its file in ``source``)
    or dropped as a duplicate.  ``warnings`` are aggregated
    messages (repairs that kept the record).
    """

    source: str
    n_read: int
    n_kept: int
    n_skipped: int
    skipped: tuple[SkippedRecord, ...] = ()
    duplicates: tuple[DuplicateGroup, ...] = ()
    warnings: tuple[str, ...] = ()
    n_duplicates: int = 0

    def counts(self) -> dict[str, int]:
        """Number of skipped records per reason, sorted by reason."""
        out: dict[str, int] = {}
        for rec in self.skipped:
            out[rec.reason] = out.get(rec.reason, 0) + 1
        return dict(sorted(out.items()))

    def summary(self) -> str:
        """Readable multi-line text: counts, skipped records per reason,
        duplicate groups and warnings."""
        lines = [f"{self.source}: {self.n_read} records read, {self.n_kept} kept, {self.n_skipped} skipped"
                 + (f", {self.n_duplicates} dropped as exact duplicates" if self.n_duplicates else "")]
        for reason, count in self.counts().items():
            where = [self._where(r) for r in self.skipped if r.reason == reason]
            more = ", ..." if len(where) > _EXAMPLES else ""
            lines.append(f"  skipped, {reason}: {count} (at {', '.join(where[:_EXAMPLES])}{more})")
        if self.duplicates:
            lines.append(f"  exact duplicate groups: {len(self.duplicates)}")
            for grp in self.duplicates[:_EXAMPLES]:
                lines.append(f"    kept {grp.doc_ids[0]!r}, dropped {', '.join(map(repr, grp.doc_ids[1:]))}")
        for message in self.warnings:
            lines.append(f"  warning: {message}")
        return "\n".join(lines)

    def _where(self, rec: SkippedRecord) -> str:
        """Where a skipped record was: its line (or id) in the read file,
        or the file below the read folder (and its line)."""
        if rec.source is None or rec.source == self.source:
            return str(rec.line if rec.line is not None else rec.doc_id)
        try:
            name = Path(rec.source).relative_to(self.source).as_posix()
        except ValueError:
            name = rec.source
        return name if rec.line is None else f"{name} line {rec.line}"

    def to_frame(self) -> pd.DataFrame:
        """The skipped records as a DataFrame (``line, doc_id, field,
        reason, message, source``; ``source`` is the file that held the
        record)."""
        cols = ["line", "doc_id", "field", "reason", "message", "source"]
        return pd.DataFrame([[getattr(r, c) for c in cols] for r in self.skipped], columns=cols)

    def __repr__(self) -> str:
        return short_repr("ReadReport", repr(self.source), f"{self.n_read} read", f"{self.n_kept} kept",
                          f"{self.n_skipped} skipped", f"{self.n_duplicates} duplicates",
                          f"{len(self.warnings)} warnings")

    def _repr_html_(self) -> str:
        return html_summary("ReadReport", self.summary_rows(), tables=[
            ("skipped, by reason", ("reason", "records"), list(self.counts().items())),
            ("warnings", ("warning",), [(w,) for w in self.warnings])])

    def summary_rows(self) -> list[tuple[str, Any]]:
        """The report's counts as ``(name, value)`` rows (its HTML summary)."""
        return [("source", self.source), ("records read", self.n_read), ("kept", self.n_kept),
                ("skipped", self.n_skipped), ("dropped as duplicates", self.n_duplicates),
                ("warnings", len(self.warnings))]


@dataclass(frozen=True, eq=False)
class Corpus:
    """A corpus DataFrame and the report of how it was read."""

    frame: pd.DataFrame
    report: ReadReport

    def __len__(self) -> int:
        return len(self.frame)

    def _facts(self) -> tuple[int, list[tuple[str, int]], tuple[str, str] | None]:
        """Documents, (outlet, documents) by size then name, date range."""
        outlets = self.frame["outlet"].astype(str).value_counts() if "outlet" in self.frame else pd.Series(dtype=int)
        by_size = sorted(((str(k), int(v)) for k, v in outlets.items()), key=lambda kv: (-kv[1], kv[0]))
        dates = self.frame["date"].dropna().astype(str) if "date" in self.frame else pd.Series(dtype=str)
        dates = dates[dates != ""]
        return len(self.frame), by_size, (dates.min(), dates.max()) if len(dates) else None

    def __repr__(self) -> str:
        n, outlets, dates = self._facts()
        return short_repr("Corpus", f"{n} documents", f"{len(outlets)} outlets",
                          f"{dates[0]}..{dates[1]}" if dates else "no dates", f"source {self.report.source!r}")

    def _repr_html_(self) -> str:
        n, outlets, dates = self._facts()
        rows = [("documents", n), ("outlets", len(outlets)),
                ("dates", f"{dates[0]} to {dates[1]}" if dates else "none"), *self.report.summary_rows()]
        return html_summary("Corpus", rows, tables=[("top outlets", ("outlet", "documents"), outlets[:5])])


# ---------------------------------------------------------------- options

@dataclass(frozen=True)
class _Options:
    items: tuple[tuple[str, str], ...]  # (canonical, source key) pairs that are read
    consumed: frozenset[str]
    shadowed: tuple[tuple[str, str], ...]  # (source key ignored, what it is mapped to)
    generate_ids: bool
    on_error: str
    encoding: str
    fallback: str | None
    outlet: str | None
    id_prefix: str | None
    dedupe: bool
    delimiter: str | None
    raw: bool | str
    sidecar: Path | None


def _check_encoding(name: str, value: Any, *, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str{' or None' if optional else ''}, got {type(value).__name__}")
    try:
        codec = codecs.lookup(value)
    except LookupError:
        raise ValueError(f"{name}: unknown encoding {value!r}") from None
    if not "a\n".encode(codec.name).endswith(b"a\n"):
        raise ValueError(f"{name}: encoding {value!r} is not supported (lines are split at byte 0x0A); convert the file to UTF-8")
    return value


def _options(fields: Mapping[str, str | None] | None, on_error: str, encoding: str, fallback_encoding: str | None,
             outlet: str | None, id_prefix: str | None, dedupe: bool, delimiter: str | None, raw: Any,
             sidecar: Any) -> _Options:
    if fields is None:
        fields = {}
    if not isinstance(fields, Mapping):
        raise TypeError(f"fields must be a mapping of field name to source column, got {type(fields).__name__}")
    unknown = sorted(str(k) for k in fields if k not in KNOWN_FIELDS)
    if unknown:
        raise ValueError(f"fields: unknown field name(s) {', '.join(map(repr, unknown))}; known: {', '.join(KNOWN_FIELDS)}")
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"fields[{key!r}] must be a column name (str) or None, got {type(value).__name__}")
    if "text" in fields and fields["text"] is None:
        raise ValueError("fields['text'] cannot be None: every document needs a text column")
    check_choice("on_error", on_error, ON_ERROR)
    for name, value in (("outlet", outlet), ("id_prefix", id_prefix)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ValueError(f"{name} must be a non-empty str or None, got {value!r}")
    if "outlet" in fields and fields["outlet"] is None and outlet is None:
        raise ValueError("fields['outlet'] is None: pass outlet= to give every document an outlet")
    dedupe = check_bool("dedupe", dedupe)
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ValueError(f"delimiter must be a single character or None, got {delimiter!r}")
    if raw is not True and raw is not False and raw != "auto":
        raise ValueError(f"raw must be True, False or 'auto', got {raw!r}")
    mapping = {name: fields.get(name, name) for name in KNOWN_FIELDS}
    used = {key for key in mapping.values() if key is not None}
    shadowed = tuple((name, str(fields[name])) for name in KNOWN_FIELDS if name in fields and fields[name] != name and name not in used)
    return _Options(
        items=tuple((name, key) for name, key in mapping.items() if key is not None),
        consumed=frozenset(used | {name for name, _ in shadowed}),
        shadowed=shadowed,
        generate_ids=not isinstance(fields.get("doc_id"), str),
        on_error=on_error,
        encoding=_check_encoding("encoding", encoding, optional=False) or "utf-8",
        fallback=_check_encoding("fallback_encoding", fallback_encoding, optional=True),
        outlet=outlet,
        id_prefix=id_prefix,
        dedupe=dedupe,
        delimiter=delimiter,
        raw=raw,
        sidecar=None if sidecar is None else Path(sidecar),
    )


# ---------------------------------------------------------------- values

def _missing(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return False
    return value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _split_list(value: Any, *, names: bool) -> list[str] | None:
    """Normalise authors/tags; None when the value is not list-like."""
    if _missing(value):
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [s for s in (str(v).strip(" \"'\u201c\u201d") for v in value if not _missing(v)) if s]
    if isinstance(value, (dict, set)):
        return None
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        parsed: Any = None
        try:
            parsed = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            try:
                parsed = ast.literal_eval(text)
            except (ValueError, SyntaxError, RecursionError):
                parsed = None
        if isinstance(parsed, list):
            return _split_list(parsed, names=names)
    if ";" in text:
        parts = text.split(";")
    elif "|" in text:
        parts = text.split("|")
    elif names:
        parts = _NAMES.split(text)
    else:
        parts = text.split(",")
    out = [p.strip(" \"'\u201c\u201d") for p in parts]
    if names:
        out = [_BY.sub("", p) for p in out]
    return [p for p in out if p]


def _date(value: Any) -> tuple[str | None, bool]:
    """Return (normalised date, parsed?)."""
    if _missing(value):
        return None, True
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat(), True
        return value.isoformat(), True
    if isinstance(value, dt.date):
        return value.isoformat(), True
    text = str(value).strip()
    if not text:
        return None, True
    if not isinstance(value, str):
        return text, False
    try:
        return dt.date.fromisoformat(text).isoformat(), True
    except ValueError:
        pass
    try:
        return _date(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat(), True
        except ValueError:
            continue
    return text, False


def _id(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


class _Item(NamedTuple):
    number: int | None
    record: Any  # a mapping of source keys, or a CorpusError
    source: str
    defaults: Mapping[str, Any] | None = None
    forced: Mapping[str, Any] | None = None


# ---------------------------------------------------------------- session

class _Session:
    """Mutable state of one read; produces the frozen ReadReport."""

    def __init__(self, source: str, opts: _Options, unit: str, stem: str, empty: str | None = None) -> None:
        self.source, self.opts, self.unit, self.prefix = source, opts, unit, opts.id_prefix or stem
        self.empty = empty  # why a read with no records is an error (None: an empty DataFrame is allowed)
        self.n_read = self.n_kept = self.n_dupes = 0
        self.skipped: list[SkippedRecord] = []
        self.notes: dict[str, list[Any]] = {}
        self.ids: dict[str, str] = {}
        self.first: dict[str, tuple[int, str, str]] = {}
        self.groups: dict[str, list[tuple[str, str]]] = {}
        self.warned_fallback = False
        self.deferred: list[str] | None = None  # partition reads: the fallback warning is kept for the main process
        self.kept_lines: list[int] | None = None  # partition reads: the line of every kept document
        # _build_plain: source key -> the canonical names read from it, () for a shadowed key
        self.plain_names: dict[str, tuple[str, ...]] = {name: () for name, _ in opts.shadowed}
        for name, key in opts.items:
            self.plain_names[key] = self.plain_names.get(key, ()) + (name,)

    def note(self, message: str, where: str) -> None:
        entry = self.notes.setdefault(message, [0, []])
        entry[0] += 1
        if len(entry[1]) < _EXAMPLES:
            entry[1].append(where)

    def decode(self, raw: bytes, source: str, line: int, offset: int) -> str:
        """Decode one line (or file); raise CorpusError when impossible."""
        try:
            return raw.decode(self.opts.encoding)
        except UnicodeDecodeError as exc:
            byte = offset + exc.start
            bad = f"not valid {self.opts.encoding} at byte offset {byte} (byte 0x{raw[exc.start]:02x})"
            if self.opts.fallback is None:
                raise CorpusError(f"{bad}; pass fallback_encoding= (e.g. 'cp1252') to decode such lines",
                                  source=source, line=line, reason="undecodable bytes") from None
        try:
            text = raw.decode(self.opts.fallback)
        except UnicodeDecodeError:
            raise CorpusError(f"{bad}, nor valid {self.opts.fallback}", source=source, line=line, reason="undecodable bytes") from None
        self.note(f"not valid {self.opts.encoding}, decoded as {self.opts.fallback}", f"{source} line {line}")
        if not self.warned_fallback and self.opts.on_error != "warn":  # "warn": the read's one summary names it
            self.warned_fallback = True
            message = (f"{source}, line {line}: {bad}; decoded as {self.opts.fallback} "
                       "(further such lines are listed in the read report)")
            if self.deferred is not None:
                self.deferred.append(message)
            else:
                warnings.warn(message, CorpusWarning, stacklevel=4)
        return text

    def fail(self, err: CorpusError) -> None:
        if self.opts.on_error == "raise":
            raise err
        self.skipped.append(SkippedRecord(err.line, err.doc_id, err.field, err.reason, str(err), err.source))

    def run(self, items: Iterable[_Item]) -> Iterator[Document]:
        build, dedupe, kept_lines = self.build, self.opts.dedupe, self.kept_lines
        for item in items:
            self.n_read += 1
            try:
                if isinstance(item.record, CorpusError):
                    raise item.record
                doc = build(item)
            except CorpusError as err:
                self.fail(err)
                continue
            if dedupe and self.duplicate(doc):
                continue
            self.n_kept += 1
            if kept_lines is not None:
                kept_lines.append(item.number)
            yield doc

    def duplicate(self, doc: Document) -> bool:
        digest = text_hash(doc.text)
        first = self.first.get(digest)
        if first is None:
            self.first[digest] = (len(self.first), doc.doc_id, doc.outlet)
            return False
        self.groups.setdefault(digest, [first[1:]]).append((doc.doc_id, doc.outlet))
        self.n_dupes += 1
        return True

    def build(self, item: _Item) -> Document:
        """Map, validate and normalise one record (raise CorpusError)."""
        if item.defaults is None and item.forced is None and type(item.record) is dict:
            doc = self._build_plain(item)
            if doc is not None:
                return doc
        number = item.number
        where = item.source if number is None else f"{self.unit} {number}"
        canon, extra = self._canonical(item, where)
        doc_id = self._doc_id(canon, item, where)
        outlet = self._outlet(canon.get("outlet"), where, item, doc_id) or self.opts.outlet
        if not outlet:
            raise self._error(item, "outlet", "missing field", f"outlet is missing (source key {self._key('outlet')!r}; "
                              f"keys: {_keys(item.record)}); map it with fields={{'outlet': ...}} or pass outlet=", doc_id)
        text = canon.get("text")
        if text is None:
            raise self._error(item, "text", "missing field",
                              f"text is missing (source key {self._key('text')!r}; keys: {_keys(item.record)})", doc_id)
        if not isinstance(text, str):
            raise self._error(item, "text", "non-string text", f"text must be a str, got {type(text).__name__}", doc_id)
        if not text.strip():
            raise self._error(item, "text", "empty text", "text is empty or white space only", doc_id)
        values = self._optional(canon, where, item, doc_id)
        previous = self.ids.get(doc_id)
        if previous is not None:
            raise self._error(item, "doc_id", "duplicate doc_id", f"duplicate doc_id {doc_id!r} (first at {previous})",
                              doc_id)
        self.ids[doc_id] = where
        return Document(doc_id=doc_id, outlet=outlet, text=text, extra=extra, **values)

    def _build_plain(self, item: _Item) -> Document | None:
        """The fast path of :meth:`build` for the common record, or None.

        It applies to a ``dict`` record without defaults or forced values
        in which every key that is read holds a ``str`` (``doc_id`` and
        ``text`` not blank) or ``None``, no shadowed key occurs, the
        outlet is present (or ``outlet=`` given), ``doc_id`` is present
        (or generated) and not seen before.  For such a record it returns
        the Document that the general path builds, with the same notes;
        for any other record it returns None before changing anything,
        and the general path builds the record or raises its error.
        """
        values: dict[str, Any] = {}  # canonical name -> its str or None
        extra: dict[str, Any] = {}
        names_of = self.plain_names
        for key, value in item.record.items():
            names = names_of.get(key)
            if names is None:
                extra[key] = None if _missing(value) else value
                continue
            if not names or (value is not None and type(value) is not str):
                return None  # a shadowed key, or a value to convert or reject
            for name in names:
                values[name] = value
        number = item.number
        doc_id = values.pop("doc_id", _ABSENT)
        generated = doc_id is _ABSENT
        if generated:
            if not self.opts.generate_ids:
                return None
            doc_id = f"{self.prefix}-{number or 0:06d}"
        elif doc_id is not None:
            doc_id = doc_id.strip()
        outlet = values.pop("outlet", None)
        outlet = (outlet.strip() if outlet is not None else None) or self.opts.outlet
        text = values.pop("text", None)
        if not doc_id or not outlet or not text or text.isspace() or doc_id in self.ids:
            return None  # text.isspace() is `not text.strip()` without copying the text
        authors, tags, date = values.pop("authors", None), values.pop("tags", None), values.pop("date", None)
        for name, value in values.items():  # the optional str fields
            values[name] = (value.strip() or None) if value else None
        date, parsed = (None, True) if date is None else _date(date)
        where = item.source if number is None else f"{self.unit} {number}"
        if generated:
            self.note(f"no doc_id in the source: ids generated as '{self.prefix}-<{self.unit} number>'", where)
        if not parsed:
            self.note("field 'date': values that are not ISO dates were kept as they are", f"{where} {date!r}")
        self.ids[doc_id] = where
        return Document(doc_id=doc_id, outlet=outlet, text=text, date=date,
                        authors=() if authors is None else tuple(_split_list(authors, names=True)),
                        tags=() if tags is None else tuple(_split_list(tags, names=False)), extra=extra, **values)

    def _error(self, item: _Item, field: str | None, reason: str, message: str, doc_id: str | None = None) -> CorpusError:
        """The error of a bad record (made only when a record fails)."""
        return CorpusError(message, source=item.source, line=item.number, unit=self.unit, field=field, reason=reason,
                           doc_id=doc_id)

    def _outlet(self, value: Any, where: str, item: _Item, doc_id: str) -> str | None:
        """The outlet as text (see "Values" in the module docstring)."""
        if value is None or isinstance(value, str):
            return value.strip() or None if isinstance(value, str) else None
        if isinstance(value, (bool, np.bool_)):
            raise self._error(item, "outlet", "bad value", f"outlet must be text, got a boolean ({value!r})", doc_id)
        if isinstance(value, (int, np.integer)) or (isinstance(value, (float, np.floating)) and float(value).is_integer()):
            text = str(int(value))
            self.note("field 'outlet': numbers converted to their integer text (1 and 1.0 become '1', the same "
                      "outlet as the text '1')", f"{where} {value!r} -> {text!r}")
            return text
        what = "a number" if isinstance(value, (float, np.floating)) else f"a {type(value).__name__}"
        raise self._error(item, "outlet", "bad value", f"outlet must be text, got {what} ({str(value)[:60]!r})", doc_id)

    def _canonical(self, item: _Item, where: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Canonical values (field map, then defaults, then forced values)
        and the extra source keys."""
        opts, record = self.opts, item.record
        canon: dict[str, Any] = {}
        for name, key in opts.items:
            if key in record:
                value = record[key]
                canon[name] = None if _missing(value) else value
        for name, target in opts.shadowed:
            if name in record:
                self.note(f"source key {name!r} ignored because fields maps {name!r} to {target!r}", where)
        for name, value in (item.defaults or {}).items():
            current = canon.get(name)
            if current is None or (isinstance(current, str) and not current.strip()):
                canon[name] = value
        canon.update(item.forced or {})
        extra = {k: (None if _missing(v) else v) for k, v in record.items() if k not in opts.consumed}
        return canon, extra

    def _doc_id(self, canon: dict[str, Any], item: _Item, where: str) -> str:
        if "doc_id" not in canon and self.opts.generate_ids:
            self.note(f"no doc_id in the source: ids generated as '{self.prefix}-<{self.unit} number>'", where)
            return f"{self.prefix}-{item.number or 0:06d}"
        got = canon.get("doc_id")
        doc_id = _id(got)
        if doc_id is None:
            what = "is missing" if got is None else f"must be a str or an integer, got {type(got).__name__} {got!r}"
            raise self._error(item, "doc_id", "missing field" if got is None else "bad value",
                              f"doc_id {what} (source key {self._key('doc_id')!r}; keys: {_keys(item.record)})")
        return doc_id

    def _optional(self, canon: dict[str, Any], where: str, item: _Item, doc_id: str) -> dict[str, Any]:
        """Normalised optional fields (see the module docstring)."""
        values: dict[str, Any] = {}
        for name in _STR_FIELDS:
            value = canon.get(name)
            if value is None or isinstance(value, str):
                values[name] = (value.strip() or None) if isinstance(value, str) else None
            elif name in ("captions", "boilerplate") and isinstance(value, (list, tuple)):
                values[name] = "\n".join(str(v) for v in value) or None
            elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
                values[name] = _id(value)
            else:
                raise self._error(item, name, "bad value",
                                  f"{name} must be a str, got {type(value).__name__} {str(value)[:60]!r}", doc_id)
        for name in ("authors", "tags"):
            parts = _split_list(canon.get(name), names=name == "authors")
            if parts is None:
                raise self._error(item, name, "bad value",
                                  f"{name} must be a list or a delimited string, got {type(canon[name]).__name__}", doc_id)
            values[name] = tuple(parts)
        values["date"], parsed = _date(canon.get("date"))
        if not parsed:
            self.note("field 'date': values that are not ISO dates were kept as they are", f"{where} {values['date']!r}")
        return values

    def _key(self, name: str) -> str:
        return dict(self.opts.items).get(name, name)

    def report(self) -> ReadReport:
        notes = _note_texts(self.notes)
        order = sorted(self.groups, key=lambda h: self.first[h][0])
        groups = tuple(
            DuplicateGroup(i, h, tuple(d for d, _ in self.groups[h]), tuple(o for _, o in self.groups[h]))
            for i, h in enumerate(order)
        )
        return ReadReport(self.source, self.n_read, self.n_kept, len(self.skipped), tuple(self.skipped), groups,
                          tuple(notes), self.n_dupes)


def _note_texts(notes: Mapping[str, list[Any]]) -> list[str]:
    """``report.warnings``: each aggregated message with its count and examples."""
    out = []
    for message, (count, where) in notes.items():
        more = ", ..." if count > len(where) else ""
        out.append(f"{message} ({count}x: {', '.join(where)}{more})")
    return out


def _keys(record: Mapping[str, Any]) -> str:
    keys = [str(k) for k in record]
    return ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "") if keys else "none"


# ---------------------------------------------------------------- files

def _open(path: Path, buffering: int = -1):
    with path.open("rb") as fh:
        magic = fh.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb", buffering=buffering)


def _raw_lines(path: Path, session: _Session, start: int = 0, end: int | None = None,
               first_line: int = 1) -> Iterator[tuple[int, int, bytes]]:
    """Yield (1-based line, byte offset, bytes) with the UTF-8 BOM removed;
    with ``start``/``end`` only the lines of that byte range of an
    uncompressed file (``start`` is the first byte of line ``first_line``)."""
    source = str(path)
    offset = start
    try:
        whole = start == 0 and end is None
        with (_open(path, _LINE_BUFFER) if whole else path.open("rb", buffering=_LINE_BUFFER)) as fh:
            if start:
                fh.seek(start)
            for lineno, raw in enumerate(fh, start=first_line):
                if end is not None and offset >= end:
                    break
                begin = offset
                offset += len(raw)
                if lineno == 1:
                    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                        raise CorpusError("file starts with a UTF-16 byte-order mark; convert it to UTF-8", source=source, line=1,
                                          reason="undecodable bytes")
                    if raw.startswith(codecs.BOM_UTF8) and codecs.lookup(session.opts.encoding).name.startswith("utf-8"):
                        raw, begin = raw[3:], 3
                yield lineno, begin, raw
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise CorpusError(f"broken gzip stream after byte {offset}: {exc}", source=source, reason="malformed file") from None


def _text_lines(path: Path, session: _Session, *span: int | None) -> Iterator[tuple[int, str | CorpusError]]:
    source = str(path)
    for lineno, start, raw in _raw_lines(path, session, *span):
        try:
            yield lineno, session.decode(raw, source, lineno, start)
        except CorpusError as err:
            yield lineno, err


def _jsonl_items(path: Path, session: _Session, *span: int | None) -> Iterator[_Item]:
    source = str(path)
    loads = json.loads
    decode = json.JSONDecoder().decode  # what json.loads calls for a str, without its checks of the argument
    encoding = session.opts.encoding
    for lineno, start, raw in _raw_lines(path, session, *span):  # decoded here as _text_lines does, one step less
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError:
            try:
                line = session.decode(raw, source, lineno, start)  # the fallback encoding, or the error
            except CorpusError as err:
                yield _Item(lineno, err, source)
                continue
        try:
            record = loads(line) if line.startswith("\ufeff") else decode(line)  # json.loads names a BOM
        except json.JSONDecodeError as exc:
            if not line.strip():
                continue
            yield _Item(lineno, CorpusError(f"malformed JSON ({exc.msg.removesuffix(' at')} at column {exc.colno}): "
                                            f"{line.strip()[:60]!r}",
                                            source=source, line=lineno, reason="malformed JSON"), source)
            continue
        except RecursionError:
            yield _Item(lineno, CorpusError(f"JSON nested too deeply to read: {line.strip()[:60]!r}", source=source,
                                            line=lineno, reason="malformed JSON"), source)
            continue
        if not isinstance(record, dict):
            record = CorpusError(f"expected a JSON object, got {type(record).__name__}", source=source, line=lineno, reason="not an object")
        yield _Item(lineno, record, source)


def _whole_text(path: Path, session: _Session) -> str:
    with _open(path) as fh:
        data = fh.read()
    start = 0
    if data.startswith(codecs.BOM_UTF8) and codecs.lookup(session.opts.encoding).name.startswith("utf-8"):
        data, start = data[3:], 3
    try:
        return data.decode(session.opts.encoding)
    except UnicodeDecodeError:
        pass
    # decode line by line: lines that are not valid in the encoding go to the fallback (or raise)
    parts, offset = [], start
    for lineno, raw in enumerate(data.splitlines(keepends=True), start=1):
        parts.append(session.decode(raw, str(path), lineno, offset))
        offset += len(raw)
    return "".join(parts)


def _json_items(path: Path, session: _Session) -> Iterator[_Item]:
    source = str(path)
    with _open(path) as fh:
        head = fh.read(65536).removeprefix(codecs.BOM_UTF8).lstrip()
        while not head and (chunk := fh.read(65536)):
            head = chunk.lstrip()
    if not head.startswith(b"["):
        yield from _jsonl_items(path, session)
        return
    text = _whole_text(path, session)
    pos = len(text) - len(text.lstrip())
    decoder, space = json.JSONDecoder(), re.compile(r"\s*")
    line, last = 1, 0

    def at(p: int) -> int:
        nonlocal line, last
        line += text.count("\n", last, p)
        last = p
        return line

    pos = space.match(text, pos + 1).end()
    if text[pos:pos + 1] == "]":
        pos += 1
    else:
        while True:
            try:
                record, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"malformed JSON array ({exc.msg} at column {exc.colno}); the rest of the file cannot be read",
                                  source=source, line=exc.lineno, reason="malformed JSON") from None
            except RecursionError:
                raise CorpusError("JSON nested too deeply to read; the rest of the file cannot be read", source=source,
                                  line=at(pos), reason="malformed JSON") from None
            start_line = at(pos)
            if not isinstance(record, dict):
                record = CorpusError(f"expected a JSON object, got {type(record).__name__}", source=source, line=start_line,
                                     reason="not an object")
            yield _Item(start_line, record, source)
            pos = space.match(text, end).end()
            if text[pos:pos + 1] == ",":
                pos = space.match(text, pos + 1).end()
                continue
            if text[pos:pos + 1] == "]":
                pos += 1
                break
            raise CorpusError("malformed JSON array (expected ',' or ']')", source=source, line=at(pos), reason="malformed JSON")
    if text[pos:].strip():
        pos = space.match(text, pos).end()
        raise CorpusError("malformed JSON array (text after the closing ']')", source=source, line=at(pos), reason="malformed JSON")


def _sniff(header: str) -> str:
    best, width = ",", 0
    for delim in _DELIMITERS:
        n = len(next(csv.reader([header], delimiter=delim), []))
        if n > width:
            best, width = delim, n
    return best


def _csv_items(path: Path, session: _Session, delimiter: str | None) -> Iterator[_Item]:
    source = str(path)
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
    bad: dict[int, CorpusError] = {}
    lines = _text_lines(path, session)
    consumed = [0]

    def feed(first: list[tuple[int, str | CorpusError]]) -> Iterator[str]:
        for lineno, line in itertools.chain(first, lines):
            consumed[0] = lineno
            if isinstance(line, CorpusError):
                bad[lineno] = line
                yield "\n"
            else:
                yield line

    first = next(lines, None)
    if first is None:
        return
    if isinstance(first[1], CorpusError):
        raise first[1]
    skip = 0
    match = re.fullmatch(r"sep=(.)\r?\n?", first[1])
    if match is not None and delimiter is None:
        delimiter, skip, first = match.group(1), 1, next(lines, None)
        if first is None:
            return
        if isinstance(first[1], CorpusError):
            raise first[1]
    if "\r" in first[1].rstrip("\r\n"):
        raise CorpusError("the header line holds a bare carriage return (classic Mac line ends?); convert the file to "
                          "LF or CRLF line ends", source=source, line=first[0], reason="malformed file")
    try:
        delimiter = delimiter or _sniff(first[1])
    except csv.Error as exc:
        raise CorpusError(f"unreadable CSV header ({exc})", source=source, line=first[0], reason="malformed file") from None
    reader = csv.reader(feed([first]), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        names = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise CorpusError(f"duplicate column name(s) {', '.join(map(repr, dupes))}", source=source, line=1 + skip,
                              reason="malformed file")
        done = reader.line_num
        for row in reader:
            start, done = done + 1 + skip, reader.line_num
            errors = [bad.pop(n) for n in range(start, done + skip + 1) if n in bad]
            if errors:
                yield _Item(start, errors[0], source)
            elif not row:
                continue
            elif len(row) != len(names):
                yield _Item(start, CorpusError(f"row has {len(row)} fields, the header has {len(names)} "
                                               f"(delimiter {delimiter!r})", source=source, line=start,
                                               reason="bad CSV row"), source)
            else:
                yield _Item(start, dict(zip(names, row)), source)
    except csv.Error as exc:
        raise CorpusError(f"unreadable CSV ({exc}); the rest of the file cannot be read", source=source,
                          line=consumed[0], reason="malformed file") from None


def _frame_items(frame: pd.DataFrame, source: str) -> Iterator[_Item]:
    dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
    if dupes:
        raise CorpusError(f"duplicate column name(s) {', '.join(map(repr, dupes))}", source=source, reason="malformed file")
    for row, record in enumerate(frame.to_dict("records")):
        yield _Item(row, record, source)


_PARQUET_BATCH = 128  # rows a batch
_PARQUET_BUFFER = 1 << 20  # bytes of a column chunk read at a time


def _parquet_items(path: Path, row_groups: tuple[int, int] | None = None, first_row: int = 0) -> Iterator[_Item]:
    """The rows of a Parquet file (or of its row groups ``[first, stop)``,
    whose first row is ``first_row``), read one row group at a time in
    batches of 128 rows, so that a whole read and a read by parts see
    the same batches (and report a broken batch at the same row).  Column
    chunks are streamed through a 1 MiB buffer, not pre-buffered whole,
    which bounds a worker's memory: ``framing score --n-jobs 2`` on 100k
    AllSides articles in 5,000-row groups, largest process 313-327 MiB
    with pre-buffered 2,048-row batches, 235 MiB so (same CPU time)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = first_row
    try:
        file = pq.ParquetFile(path, buffer_size=_PARQUET_BUFFER, pre_buffer=False)
        groups = range(file.metadata.num_row_groups) if row_groups is None else range(*row_groups)
        for group in groups:
            for batch in file.iter_batches(batch_size=_PARQUET_BATCH, row_groups=[group]):
                for record in batch.to_pylist():
                    yield _Item(row, record, str(path))
                    row += 1
    except (pa.ArrowException, OSError) as exc:
        raise CorpusError(f"not a readable Parquet file ({exc})", source=str(path), line=row or None, unit="row",
                          reason="malformed file") from None


# ---------------------------------------------------------------- folders

def _file_key(name: str) -> str:
    key = name.strip().replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key[:-4] if key.lower().endswith(".txt") else key


def _sidecar(path: Path, session: _Session, delimiter: str | None) -> tuple[dict[str, tuple[int, dict[str, Any]]], list[_Item]]:
    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    bad: list[_Item] = []
    for item in _csv_items(path, session, delimiter):
        if isinstance(item.record, CorpusError):
            bad.append(item)
            continue
        if "file" not in item.record:
            raise CorpusError(f"sidecar needs a 'file' column; columns: {_keys(item.record)}", source=str(path), line=1,
                              field="file", reason="malformed file")
        record = dict(item.record)
        key = _file_key(str(record.pop("file") or ""))
        if key in rows:
            bad.append(_Item(item.number, CorpusError(f"file {key!r} listed twice (first at line {rows[key][0]})", source=str(path),
                                                      line=item.number, field="file", reason="duplicate file"), str(path)))
            continue
        rows[key] = (item.number or 0, record)
    return rows, bad


def _text_file_item(path: Path, key: str, defaults: dict[str, Any], record: Mapping[str, Any],
                    session: _Session) -> _Item:
    """One ``.txt`` file as one document (see "Folders" in the module docstring)."""
    opts = session.opts
    try:
        text = _whole_text(path, session)
    except CorpusError as err:
        err.doc_id = key
        return _Item(None, err, str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    forced: dict[str, Any] = {"text": text}
    extra: dict[str, Any] = {}
    if opts.raw is True or (opts.raw == "auto" and looks_like_raw_article(text)):
        try:
            art = parse_raw_article(text)
        except RawArticleError as exc:
            return _Item(None, CorpusError(exc.reason, source=str(path), line=exc.line, reason="unreadable article",
                                           doc_id=key), str(path))
        defaults = dict(defaults, title=art.title, genre=art.genre, authors=list(art.authors), tags=list(art.tags))
        forced = {"text": art.body, "captions": "\n".join(art.captions) or None,
                  "boilerplate": "\n".join(art.boilerplate) or None}
        extra["credits"] = list(art.credits)
    record = dict(record)
    record.update({k: v for k, v in extra.items() if k not in record})
    return _Item(None, record, str(path), defaults, forced)


def _folder_items(root: Path, session: _Session) -> Iterator[_Item]:
    opts = session.opts
    files = sorted(
        (p for p in root.rglob("*.txt") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)),
        key=lambda p: p.relative_to(root).as_posix(),
    )
    sidecar = opts.sidecar if opts.sidecar is not None else (root / "metadata.csv")
    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    if opts.sidecar is not None or sidecar.is_file():
        if not sidecar.is_file():
            raise FileNotFoundError(f"sidecar {sidecar} does not exist")
        rows, bad = _sidecar(sidecar, session, opts.delimiter)
        yield from bad
    from_folder = "outlet" in dict(opts.items)  # fields={"outlet": None}: the sub-folder is not the outlet either
    for path in files:
        rel = path.relative_to(root)
        key = rel.with_suffix("").as_posix()
        outlet = rel.parts[0] if len(rel.parts) > 1 and from_folder else None
        yield _text_file_item(path, key, {"doc_id": key, "outlet": outlet}, rows.pop(key, (0, {}))[1], session)
    for key, (line, _) in rows.items():
        yield _Item(line, CorpusError(f"file {key!r} listed in the sidecar does not exist in {root}", source=str(sidecar),
                                      line=line, field="file", reason="missing file", doc_id=key), str(sidecar))


def _txt_items(path: Path, session: _Session) -> Iterator[_Item]:
    key = _stem(path)
    yield _text_file_item(path, key, {"doc_id": key, "outlet": None}, {}, session)


# ---------------------------------------------------------------- public

def _stem(path: Path) -> str:
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    return name[: -len(suffix)] if suffix.lower() in _SUFFIXES else name


def _prepare(path_or_df: Any, format: str | None, opts: _Options) -> tuple[_Session, Iterator[_Item]]:
    if isinstance(path_or_df, pd.DataFrame):
        if format is not None:
            raise ValueError(f"format={format!r} does not apply to a DataFrame; leave it None")
        session = _Session("DataFrame", opts, "row", "doc")
        return session, _frame_items(path_or_df, "DataFrame")
    if not isinstance(path_or_df, (str, Path)) and not hasattr(path_or_df, "__fspath__"):
        raise TypeError(f"path_or_df must be a path or a pandas DataFrame, got {type(path_or_df).__name__}")
    path = Path(path_or_df)
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))} or None, got {format!r}")
    if not path.exists():
        raise FileNotFoundError(f"corpus {path} does not exist")
    if path.is_dir():
        if format not in (None, "folder"):
            raise ValueError(f"{path} is a folder; format={format!r} needs a file")
        session = _Session(str(path), opts, "line", path.name, _EMPTY["folder"])
        return session, _folder_items(path, session)
    if format == "folder":
        raise ValueError(f"format='folder' needs a directory, got the file {path}")
    name = path.name.lower()
    suffix = Path(name[:-3] if name.endswith(".gz") else name).suffix
    kind = format or _SUFFIXES.get(suffix)
    if kind is None:
        raise ValueError(f"cannot tell the format of {path} from its suffix {suffix!r}; use one of "
                         f"{', '.join(sorted(_SUFFIXES))} (optionally + .gz) or pass format= ({', '.join(FORMATS)})")
    if opts.sidecar is not None:
        raise ValueError("sidecar= applies only to folders of .txt files")
    unit = "row" if kind == "parquet" else "line"
    session = _Session(str(path), opts, unit, _stem(path), _EMPTY[kind])
    if kind == "txt":
        return session, _txt_items(path, session)
    if kind == "jsonl":
        return session, _jsonl_items(path, session)
    if kind == "json":
        return session, _json_items(path, session)
    if kind == "parquet":
        _need_pyarrow(path)
        return session, _parquet_items(path)
    return session, _csv_items(path, session, opts.delimiter or ("\t" if kind == "tsv" else None))


def _need_pyarrow(path: Path) -> None:
    if importlib.util.find_spec("pyarrow") is None:
        raise ImportError(f"reading {path} needs pyarrow: pip install framing-toolkit[parquet]")


def _stream(path_or_df: Any, format: str | None, opts: _Options) -> tuple[_Session, Iterator[Document]]:
    session, items = _prepare(path_or_df, format, opts)
    return session, session.run(items)


def _check_records(empty: str | None, rep: ReadReport) -> None:
    """Raise when a read produced no document (see "Errors")."""
    if rep.n_read == 0 and empty is not None:
        raise CorpusError(f"no records ({empty})", source=rep.source, reason="no records")
    if rep.n_kept == 0 and rep.n_skipped:
        counts = ", ".join(f"{reason}: {n}" for reason, n in rep.counts().items())
        first = rep.skipped[0].message
        raise CorpusError(f"no records left: all {rep.n_read} records read were skipped ({counts}); first: {first}",
                          source=rep.source, reason="no records")


def _finish(session: _Session, report: Callable[[ReadReport], None] | None, streamed: bool) -> ReadReport:
    rep = session.report()
    if report is not None:
        report(rep)
    _check_records(session.empty, rep)
    _warn_summary(rep, session.opts.on_error, report, streamed)
    return rep


def _warn_summary(rep: ReadReport, on_error: str, report: Callable[[ReadReport], None] | None, streamed: bool) -> None:
    if on_error == "warn" and (rep.n_skipped or rep.warnings):
        warnings.warn(rep.summary(), CorpusWarning, stacklevel=4)
    elif streamed and report is None and rep.warnings:
        warnings.warn(rep.summary(), CorpusWarning, stacklevel=4)


def _frame(docs: list[Document]) -> pd.DataFrame:
    rows = [doc.to_row() for doc in docs]
    extra: dict[str, None] = {}
    for doc in docs:
        for key in doc.extra:
            extra.setdefault(key, None)
    columns = list(KNOWN_FIELDS) + [k for k in extra if k not in KNOWN_FIELDS]
    return pd.DataFrame({name: [row.get(name) for row in rows] for name in columns}, columns=columns)


def read_corpus(path_or_df: Any, *, format: str | None = None, fields: Mapping[str, str | None] | None = None,
                on_error: str = DEFAULTS["on_error"], encoding: str = "utf-8", fallback_encoding: str | None = None,
                outlet: str | None = None, id_prefix: str | None = None,
                report: Callable[[ReadReport], None] | None = None, dedupe: bool = False, delimiter: str | None = None,
                raw: bool | str = "auto", sidecar: str | Path | None = None,
                progress: bool | Callable[[int], Any] | None = DEFAULTS["progress"]) -> Corpus:
    """Read a corpus into a DataFrame with a report.

    Parameters
    ----------
    path_or_df : str, Path or DataFrame
        A ``.jsonl``, ``.json``, ``.csv``, ``.tsv``, ``.parquet``, ``.txt``
        file (gzip allowed except for Parquet), a folder of ``.txt`` files,
        or a DataFrame.
    format : {"jsonl", "json", "csv", "tsv", "parquet", "folder", "txt"}, optional
        Overrides the suffix.
    fields : mapping, optional
        Canonical name -> source key (see the module docstring).
    on_error : {"raise", "skip", "warn"}
        What to do with a bad record.
    encoding, fallback_encoding : str
        Input encoding and the encoding tried on lines that do not decode.
    outlet : str, optional
        Outlet of records that have none.
    id_prefix : str, optional
        Prefix of generated ids (default: the file stem).
    report : callable, optional
        Called once with the final :class:`ReadReport`.
    dedupe : bool
        Drop exact duplicate texts (first kept; groups in the report).
    delimiter : str, optional
        CSV/TSV delimiter (default: sniffed; tab for ``.tsv``).
    raw : bool or "auto"
        Folders and ``.txt`` files: parse them as raw scraped articles.
    sidecar : str or Path, optional
        Folders: metadata CSV (default ``metadata.csv`` when present).
    progress : bool or callable, default False
        ``True`` shows the documents read so far on standard error
        (:func:`framing.progress.reporter`); a callable is called with
        counts of documents.  Never changes the result.

    Returns
    -------
    Corpus
        ``frame`` has the columns of :data:`framing.records.KNOWN_FIELDS`
        followed by the extra source columns; ``report`` says what was
        skipped, dropped or repaired.

    Raises
    ------
    CorpusError
        A bad record (with ``on_error="raise"``), a structural problem, or
        no document at all (see "Errors" in the module docstring).
    FileNotFoundError
        If the path does not exist.
    ImportError
        For Parquet without pyarrow.
    TypeError, ValueError
        For bad options.
    """
    opts = _options(fields, on_error, encoding, fallback_encoding, outlet, id_prefix, dedupe, delimiter, raw, sidecar)
    check_progress(progress)
    session, docs = _stream(path_or_df, format, opts)
    total = len(path_or_df) if isinstance(path_or_df, pd.DataFrame) else None
    with reporter(progress, total=total, label="reading") as bar:
        frame = _frame(list(counted(docs, bar)))
    return Corpus(frame, _finish(session, report, streamed=False))


def iter_documents(path: Any, *, format: str | None = None, fields: Mapping[str, str | None] | None = None,
                   on_error: str = DEFAULTS["on_error"], encoding: str = "utf-8", fallback_encoding: str | None = None,
                   outlet: str | None = None, id_prefix: str | None = None,
                   report: Callable[[ReadReport], None] | None = None, dedupe: bool = False,
                   delimiter: str | None = None, raw: bool | str = "auto",
                   sidecar: str | Path | None = None) -> Iterator[Document]:
    """Stream the documents of a corpus, one at a time.

    Same parameters as :func:`read_corpus`.  JSONL, CSV/TSV, Parquet and
    folders are read incrementally (memory grows only with the set of
    seen ``doc_id`` values, and with the text hashes when ``dedupe``);
    a JSON array is read whole.  A read without any document raises
    :class:`CorpusError` when the iterator is exhausted.  Options are checked at the call.  The
    report is passed to ``report`` when the iterator is exhausted; with
    ``report=None`` its warnings are emitted as one
    :class:`CorpusWarning`.  ``on_error="skip"`` needs ``report=`` so that
    skipped records are seen (or use ``"warn"``).

    Yields
    ------
    Document
    """
    opts = _options(fields, on_error, encoding, fallback_encoding, outlet, id_prefix, dedupe, delimiter, raw, sidecar)
    if on_error == "skip" and report is None:
        raise ValueError("on_error='skip' in iter_documents needs report= (a callable receiving the ReadReport), "
                         "or use on_error='warn', so that skipped records are not lost silently")
    session, docs = _stream(path, format, opts)

    def generate() -> Iterator[Document]:
        yield from docs
        _finish(session, report, streamed=True)

    return generate()


def iter_records(records: Iterable[Mapping[str, Any]], *, source: str = "records",
                 fields: Mapping[str, str | None] | None = None, on_error: str = DEFAULTS["on_error"],
                 encoding: str = "utf-8", fallback_encoding: str | None = None, outlet: str | None = None,
                 id_prefix: str | None = None, report: Callable[[ReadReport], None] | None = None,
                 dedupe: bool = False) -> Iterator[Document]:
    """Stream documents from record mappings read like the rows of a DataFrame.

    Each mapping is one record (source key -> value), located by its
    0-based ``row`` number; ``source`` names the input in messages and in
    the report (``read_corpus(frame)`` says ``"DataFrame"``).  Reading the
    records of ``frame.to_dict("records")`` gives the documents
    ``read_corpus(frame, ...)`` reads, with the same report, without a
    frame of all records at once (the records may come one by one, e.g.
    from :func:`framing.corpus.datasets.iter_dataset`).  Other parameters
    as in :func:`iter_documents`; like a DataFrame, no record at all is
    not an error.

    Yields
    ------
    Document
    """
    opts = _options(fields, on_error, encoding, fallback_encoding, outlet, id_prefix, dedupe, None, "auto", None)
    if not isinstance(source, str) or not source:
        raise TypeError(f"source: expected a non-empty str, got {source!r}")
    if on_error == "skip" and report is None:
        raise ValueError("on_error='skip' in iter_records needs report= (a callable receiving the ReadReport), "
                         "or use on_error='warn', so that skipped records are not lost silently")
    session = _Session(source, opts, "row", "doc")
    docs = session.run(_Item(row, record, source) for row, record in enumerate(records))

    def generate() -> Iterator[Document]:
        yield from docs
        _finish(session, report, streamed=True)

    return generate()


def read_text_file(path: str | Path, *, encoding: str = "utf-8", fallback_encoding: str | None = None) -> str:
    """The text of one file decoded as the readers decode a ``.txt`` file.

    Gzip is detected from the magic bytes, a UTF-8 byte-order mark is
    removed, line ends are kept as they are.  Offsets into this text are
    offsets into ``open(path, encoding="utf-8-sig", newline="").read()``
    for an uncompressed UTF-8 file.

    Parameters
    ----------
    path : str or Path
    encoding, fallback_encoding : str
        As in :func:`read_corpus` (a line decoded with the fallback is
        announced with a :class:`CorpusWarning`).

    Returns
    -------
    str

    Raises
    ------
    CorpusError
        Bytes that decode neither with ``encoding`` nor the fallback.
    FileNotFoundError, IsADirectoryError
        If ``path`` is not a file.
    """
    opts = _options(None, "raise", encoding, fallback_encoding, None, None, False, None, "auto", None)
    path = Path(path)
    return _whole_text(path, _Session(str(path), opts, "line", path.name))


def validate_frame(df: pd.DataFrame, *, fields: Mapping[str, str | None] | None = None, outlet: str | None = None) -> pd.DataFrame:
    """Check and normalise a corpus DataFrame.

    Parameters
    ----------
    df : DataFrame
    fields, outlet
        As in :func:`read_corpus`.

    Returns
    -------
    DataFrame
        A new frame with the corpus schema (values normalised).

    Raises
    ------
    CorpusError
        Naming the 0-based row and the field of the first bad record.
    TypeError
        If ``df`` is not a DataFrame.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    return read_corpus(df, fields=fields, outlet=outlet).frame


# ---------------------------------------------------------------- partitions

PART_BYTES = 32 * 2**20
"""Default size of the parts :func:`plan_parts` cuts a corpus into: bytes of
an uncompressed JSONL file, uncompressed bytes of Parquet row groups."""

_GLOB = re.compile(r"[*?\[]")
_PART_UNITS = {"jsonl": "line", "parquet": "row"}  # the kinds of InputPart and the unit of their locations


@dataclass(frozen=True)
class InputPart:
    """A part of a JSONL or Parquet corpus that a worker reads on its own.

    ``kind="jsonl"`` (the default): ``end=None`` is the whole file ``path``
    (gzip detected from the magic bytes, as for every read); otherwise
    the lines of the byte range ``[start, end)`` of an uncompressed file,
    where ``start`` is the first byte of line ``first_line``.

    ``kind="parquet"``: the whole row groups ``row_groups = (first,
    stop)`` (``range(first, stop)``) of the Parquet file ``path``, whose
    first row is ``first_line`` (the reader's location of a Parquet
    record: its 0-based row); ``row_groups=None`` is the whole file (a
    file whose metadata cannot be read: its read raises the reader's
    error).  ``start`` and ``end`` are not used.

    ``index`` is the part's place in input order.
    """

    path: str
    start: int = 0
    end: int | None = None
    first_line: int = 1
    index: int = 0
    kind: str = "jsonl"
    row_groups: tuple[int, int] | None = None


@dataclass(frozen=True)
class PartOutcome:
    """What reading one :class:`InputPart` gave, for the main process
    (:class:`PartsMerger`): counts, skipped records and aggregated notes
    as the part's own read saw them, the line (a Parquet part: the
    0-based row), ``doc_id`` and 64-bit
    ``doc_id`` hash (:func:`doc_id_hashes`) of every kept document in
    order, the bad record or structural problem that stopped the read
    (``error``), and the fallback-decoding warning it held back."""

    part: InputPart
    n_read: int
    skipped: tuple[SkippedRecord, ...]
    notes: tuple[tuple[str, int, tuple[str, ...]], ...]
    lines: tuple[int, ...]
    doc_ids: tuple[str, ...]
    hashes: np.ndarray
    error: CorpusError | None = None
    warning: str | None = None


def doc_id_hashes(doc_ids: Iterable[str]) -> np.ndarray:
    """64-bit BLAKE2b hashes (``uint64``) of ``doc_id`` values; the same in
    every process and under any ``PYTHONHASHSEED``."""
    from hashlib import blake2b

    return np.array([int.from_bytes(blake2b(d.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
                     for d in doc_ids], dtype=np.uint64)


def _kind(path: Path, format: str | None) -> str | None:
    """The format a file is read as (``format=``, else its suffix)."""
    name = path.name.lower()
    suffix = Path(name[:-3] if name.endswith(".gz") else name).suffix
    return format or _SUFFIXES.get(suffix)


def _row_group_parts(path: Path, part_bytes: int, min_parts: int) -> list[InputPart]:
    """Consecutive whole row groups of a Parquet file packed into parts of
    about ``part_bytes`` uncompressed bytes (``total_byte_size``), at least
    ``min_parts`` when there are as many groups; one whole-file part when
    the metadata cannot be read (its read then raises the reader's error)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        sizes = [meta.row_group(g).total_byte_size for g in range(meta.num_row_groups)]
        rows = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
    except (pa.ArrowException, OSError):
        return [InputPart(str(path), kind="parquet", first_line=0)]
    n_groups, total = len(sizes), sum(sizes)
    if total == 0:  # no sizes recorded: every group weighs the same
        sizes, total = [1] * n_groups, n_groups
    n = min(n_groups, max(min_parts, -(-total // part_bytes)))
    # cut before group g where the running size is nearest to total * i / n (the earlier group on a tie),
    # leaving at least one group to each part
    ends = list(itertools.accumulate(sizes))
    cuts = [0]
    for i in range(1, n):
        target = total * i / n
        low, high = cuts[-1] + 1, n_groups - (n - i)
        after = bisect.bisect_left(ends, target)  # ends[after] >= target > ends[after - 1]
        near = {min(max(g, low), high) for g in (after, after + 1)}
        cuts.append(min(near, key=lambda g: (abs(ends[g - 1] - target), g)))
    cuts.append(n_groups)
    firsts = [0, *itertools.accumulate(rows)]
    return [InputPart(str(path), first_line=firsts[a], index=i, kind="parquet", row_groups=(a, b))
            for i, (a, b) in enumerate(zip(cuts, cuts[1:]))]


def _cut(path: Path, part_bytes: int, min_parts: int, first: int) -> list[InputPart]:
    """Byte ranges of about ``part_bytes`` cut after a ``\\n`` (one part for
    a gzip or empty file), each with the number of its first line.  The
    file is read in blocks into one buffer (not mapped: the main process's
    memory stays that of the buffer whatever the file size)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    n = max(min_parts, -(-size // part_bytes))
    if gz or size == 0 or n <= 1:
        return [InputPart(str(path), index=first)]
    block = bytearray(1 << 22)
    view = memoryview(block)

    def newline_at_or_after(fh: Any, position: int) -> int:
        fh.seek(position)
        while True:
            got = fh.readinto(view[:1 << 16])
            if not got:
                return -1
            at = block.find(b"\n", 0, got)
            if at >= 0:
                return position + at
            position += got

    def newlines(fh: Any, begin: int, end: int) -> int:
        fh.seek(begin)
        total = 0
        while begin < end:
            got = fh.readinto(view[:min(len(block), end - begin)])
            if not got:
                break
            total += block.count(b"\n", 0, got)
            begin += got
        return total

    parts: list[InputPart] = []
    start, line = 0, 1
    with path.open("rb", buffering=0) as fh:
        for i in range(1, n):
            newline = newline_at_or_after(fh, max(size * i // n - 1, start))
            if newline < 0:
                break
            end = newline + 1
            if end <= start or end >= size:
                continue
            parts.append(InputPart(str(path), start, end, line, first + len(parts)))
            line += newlines(fh, start, end)
            start = end
    parts.append(InputPart(str(path), start, size if start else None, line, first + len(parts)))
    return parts


def plan_parts(path: Any, *, format: str | None = None, part_bytes: int = PART_BYTES,
               min_parts: int = 1) -> tuple[InputPart, ...] | None:
    """Cut a JSONL or Parquet corpus into parts that workers read on their
    own, without parsing any record.

    An uncompressed ``.jsonl``/``.ndjson`` file (or ``format="jsonl"``) is
    cut into byte ranges of about ``part_bytes`` (at least ``min_parts``)
    at line boundaries; a gzip-compressed file is one part (gzip cannot be
    read from the middle: shard a large corpus into several
    ``.jsonl.gz`` files to read it in parallel).  A glob pattern
    (``"shards/*.jsonl.gz"``, quoted on the command line) names one or
    more JSONL files, taken in sorted order, each cut the same way.

    A ``.parquet`` file (or ``format="parquet"``) is cut into whole row
    groups (from its metadata only): consecutive groups packed into parts
    of about ``part_bytes`` of uncompressed data (the groups'
    ``total_byte_size``), at least ``min_parts`` parts when the file has
    as many groups, each knowing its group range and first row
    (:class:`InputPart`).  A file of one row group is one part; a file
    whose metadata cannot be read is one part, whose read raises the
    reader's error.  Parquet files are taken one at a time (not by a
    pattern).

    Returns
    -------
    tuple of InputPart, or None
        ``None`` when the corpus cannot be cut (a DataFrame, a folder,
        JSON, CSV/TSV, a ``.txt`` file): read it with
        :func:`iter_documents` in one process.

    Raises
    ------
    FileNotFoundError
        If the path does not exist or the pattern matches no file.
    ValueError
        A pattern matching a file that is not JSONL, or a bad option.
    ImportError
        For a Parquet file without pyarrow (as reading it).
    """
    if isinstance(path, pd.DataFrame):
        return None
    if not isinstance(path, (str, Path)) and not hasattr(path, "__fspath__"):
        raise TypeError(f"path must be a path or a glob pattern, got {type(path).__name__}")
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))} or None, got {format!r}")
    for name, value in (("part_bytes", part_bytes), ("min_parts", min_parts)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name}: expected an integer >= 1, got {value!r}")
    text = str(path)
    if not Path(text).exists() and _GLOB.search(text):
        root = Path(text)
        anchor = Path(root.anchor) if root.is_absolute() else Path(".")
        files = sorted(p for p in anchor.glob(str(root.relative_to(anchor)) if root.is_absolute() else text)
                       if p.is_file())
        if not files:
            raise FileNotFoundError(f"corpus {text}: no file matches the pattern")
        other = [str(p) for p in files if _kind(p, format) != "jsonl"]
        if other:
            raise ValueError(f"corpus {text}: a pattern must match JSONL files only (.jsonl, .ndjson, optionally "
                             f"+ .gz; Parquet files are taken one at a time), got {other[0]}")
    else:
        one = Path(text)
        if not one.exists():
            raise FileNotFoundError(f"corpus {one} does not exist")
        if one.is_dir():
            return None
        kind = _kind(one, format)
        if kind == "parquet":
            _need_pyarrow(one)
            return tuple(_row_group_parts(one, part_bytes, min_parts))
        if kind != "jsonl":
            return None
        files = [one]
    parts: list[InputPart] = []
    per_file = max(1, -(-min_parts // len(files)))
    for file in files:
        parts.extend(_cut(file, part_bytes, per_file, len(parts)))
    return tuple(parts)


def iter_part(part: InputPart, *, report: Callable[[PartOutcome], None], fields: Mapping[str, str | None] | None = None,
              on_error: str = DEFAULTS["on_error"], encoding: str = "utf-8", fallback_encoding: str | None = None,
              outlet: str | None = None, id_prefix: str | None = None) -> Iterator[Document]:
    """Stream the documents of one part of a JSONL or Parquet corpus
    (:func:`plan_parts`), read by the same code and with the same options
    as :func:`iter_documents` (for Parquet: only the part's row groups,
    locations are 0-based rows).

    The part is read as if on its own: a ``doc_id`` is checked against
    the part's earlier records only, and the fallback-decoding warning is
    held back.  ``report`` receives the :class:`PartOutcome` when the
    iterator is exhausted, or, before the error is raised, when a bad
    record (``on_error="raise"``) or a structural problem stops the read;
    :class:`PartsMerger` turns the outcomes of all parts, in input order,
    into the report and the errors of reading the whole corpus at once.
    """
    if not callable(report):
        raise TypeError(f"report: expected a callable receiving the PartOutcome, got {type(report).__name__}")
    if part.kind not in _PART_UNITS:
        raise ValueError(f"part.kind: expected one of {', '.join(map(repr, _PART_UNITS))}, got {part.kind!r}")
    opts = _options(fields, on_error, encoding, fallback_encoding, outlet, id_prefix, False, None, "auto", None)
    path = Path(part.path)
    session = _Session(str(path), opts, _PART_UNITS[part.kind], _stem(path), _EMPTY[part.kind])
    session.deferred, session.kept_lines = [], []
    if part.kind == "parquet":
        _need_pyarrow(path)
        items = _parquet_items(path, part.row_groups, part.first_line)
    else:
        items = _jsonl_items(path, session, *(() if part.end is None else (part.start, part.end, part.first_line)))
    ids: list[str] = []

    def outcome(error: CorpusError | None) -> PartOutcome:
        return PartOutcome(part, session.n_read, tuple(session.skipped),
                           tuple((m, c, tuple(w)) for m, (c, w) in session.notes.items()),
                           tuple(session.kept_lines or ()), tuple(ids), doc_id_hashes(ids), error,
                           session.deferred[0] if session.deferred else None)

    def generate() -> Iterator[Document]:
        try:
            for doc in session.run(items):
                ids.append(doc.doc_id)
                yield doc
        except CorpusError as err:
            report(outcome(err))
            raise
        report(outcome(None))

    return generate()


class _Seen:
    """The 64-bit hashes of kept ``doc_id`` values, each with its number in
    the sequence of kept documents (12 bytes a document), in sorted runs
    merged like a binary counter; a number maps back to (part, position)
    through the parts' first numbers (and their dropped positions)."""

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []
        self.starts: list[int] = []  # first number of each added part
        self.parts: list[int] = []  # its index
        self.kept: list[np.ndarray | None] = []  # its kept positions, None when it kept every document
        self.n = 0

    def add(self, hashes: np.ndarray, part: int, positions: np.ndarray, n_docs: int) -> None:
        """Add a part's kept hashes (at ``positions`` of its ``n_docs``)."""
        numbers = np.arange(self.n, self.n + len(hashes), dtype=np.uint32 if self.n + len(hashes) < 2**32 else np.uint64)
        self.starts.append(self.n)
        self.parts.append(part)
        self.kept.append(None if len(positions) == n_docs else np.asarray(positions, dtype=np.int64))
        self.n += len(hashes)
        order = np.argsort(hashes, kind="stable")
        self.runs.append((hashes[order], numbers[order]))
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (bk, bn), (ak, an) = self.runs.pop(), self.runs.pop()
            keys = np.concatenate([ak, bk])
            order = np.argsort(keys, kind="stable")
            keys = keys[order]
            numbers = np.concatenate([an.astype(bn.dtype, copy=False), bn])[order]
            del order
            self.runs.append((keys, numbers))

    def _where(self, number: int) -> tuple[int, int]:
        i = int(np.searchsorted(np.asarray(self.starts), number, side="right")) - 1
        j = number - self.starts[i]
        kept = self.kept[i]
        return self.parts[i], j if kept is None else int(kept[j])

    def candidates(self, hashes: np.ndarray) -> dict[int, list[tuple[int, int]]]:
        """Query index -> [(part, position)] of stored equal hashes."""
        out: dict[int, list[tuple[int, int]]] = {}
        for keys, numbers in self.runs:
            left = np.searchsorted(keys, hashes, side="left")
            right = np.searchsorted(keys, hashes, side="right")
            for q in np.flatnonzero(right > left).tolist():
                for j in range(left[q], right[q]):
                    out.setdefault(q, []).append(self._where(int(numbers[j])))
        return out


class PartsMerger:
    """Merge the :class:`PartOutcome` of every part of a corpus, in input
    order, into what reading it at once (:func:`iter_documents`) gives.

    :meth:`add` checks each kept ``doc_id`` against the earlier parts (a
    set of 64-bit hashes, 12 bytes a document, verified by re-reading the
    earlier part on a hit, which also gives its line, or row for
    Parquet): under ``on_error="raise"`` it raises the first error in input
    order (a duplicate ``doc_id`` naming both lines or rows, or the part's
    own error), as the serial read would; otherwise it returns the positions
    of the documents to drop as duplicates and lists them as skipped.
    :meth:`finish` returns the :class:`ReadReport` with the checks and
    warnings of the serial read.  Options are those given to
    :func:`iter_part`.
    """

    def __init__(self, source: str, *, report: Callable[[ReadReport], None] | None = None, **options: Any) -> None:
        self.source, self.report, self.options = str(source), report, options
        self.on_error = options.get("on_error", DEFAULTS["on_error"])
        self.n_read = self.n_kept = 0
        self.skipped: list[SkippedRecord] = []
        self.notes: dict[str, list[Any]] = {}
        self.seen = _Seen()
        self.parts: dict[int, InputPart] = {}
        self.kind = "jsonl"  # of the parts added (a Parquet file is read alone)
        self.warned = False
        self._cache: tuple[int, PartOutcome] | None = None

    def _read_again(self, index: int) -> PartOutcome:
        if self._cache is None or self._cache[0] != index:
            got: list[PartOutcome] = []
            for _ in iter_part(self.parts[index], report=got.append, **self.options):
                pass
            self._cache = (index, got[0])
        return self._cache[1]

    def _first(self, doc_id: str, found: list[tuple[int, int]]) -> tuple[int, int] | None:
        for index, position in sorted(found):
            again = self._read_again(index)
            if again.doc_ids[position] == doc_id:
                return index, again.lines[position]
        return None

    def _where(self, outcome: PartOutcome, index: int, line: int) -> str:
        path, unit = self.parts[index].path, _PART_UNITS[self.parts[index].kind]
        return f"{unit} {line}" if path == outcome.part.path else f"{path} {unit} {line}"

    def add(self, outcome: PartOutcome) -> tuple[int, ...]:
        """Account for the next part; return the positions (in
        ``outcome.doc_ids``) of documents to drop as duplicate ids."""
        part = outcome.part
        found = self.seen.candidates(outcome.hashes)
        dupes: list[tuple[int, int, str]] = []  # (line, position, where the id was first)
        first_at: dict[str, str] = {}
        for position in sorted(found):
            doc_id = outcome.doc_ids[position]
            first = self._first(doc_id, found[position])
            if first is not None:
                where = self._where(outcome, *first)
                dupes.append((outcome.lines[position], position, where))
                first_at[doc_id] = where
        self.parts[part.index] = part
        self.kind = part.kind
        source, unit = str(Path(part.path)), _PART_UNITS[part.kind]

        def duplicate(doc_id: str, line: int, where: str) -> CorpusError:
            return CorpusError(f"duplicate doc_id {doc_id!r} (first at {where})", source=source, line=line,
                               field="doc_id", reason="duplicate doc_id", unit=unit, doc_id=doc_id)

        error = outcome.error  # a bad record under on_error="raise", or a structural problem
        stop = math.inf if error is None or error.line is None else error.line
        if self.on_error == "raise" and dupes and dupes[0][0] < stop:
            line, position, where = dupes[0]
            raise duplicate(outcome.doc_ids[position], line, where)
        if error is not None:
            raise error
        if not self.warned and outcome.warning is not None:
            self.warned = True
            warnings.warn(outcome.warning, CorpusWarning, stacklevel=2)
        skipped = []
        for rec in outcome.skipped:
            if rec.reason == "duplicate doc_id" and rec.doc_id in first_at:
                err = duplicate(rec.doc_id, rec.line, first_at[rec.doc_id])
                rec = SkippedRecord(err.line, err.doc_id, err.field, err.reason, str(err), err.source)
            skipped.append(rec)
        for line, position, where in dupes:
            err = duplicate(outcome.doc_ids[position], line, where)
            skipped.append(SkippedRecord(err.line, err.doc_id, err.field, err.reason, str(err), err.source))
        skipped.sort(key=lambda r: -1 if r.line is None else r.line)
        self.skipped.extend(skipped)
        for message, count, where in outcome.notes:
            entry = self.notes.setdefault(message, [0, []])
            entry[0] += count
            entry[1].extend(where[:_EXAMPLES - len(entry[1])])
        drop = tuple(position for _, position, _ in dupes)
        keep = np.ones(len(outcome.doc_ids), dtype=bool)
        keep[list(drop)] = False
        self.seen.add(outcome.hashes[keep], part.index, np.flatnonzero(keep), len(keep))
        self.n_read += outcome.n_read
        self.n_kept += int(keep.sum())
        return drop

    def finish(self) -> ReadReport:
        """The report of the whole read; raises as the serial read does
        when no document was read or every record was skipped."""
        rep = ReadReport(self.source, self.n_read, self.n_kept, len(self.skipped), tuple(self.skipped), (),
                         tuple(_note_texts(self.notes)))
        if self.report is not None:
            self.report(rep)
        _check_records(_EMPTY[self.kind], rep)
        _warn_summary(rep, self.on_error, self.report, True)
        return rep
