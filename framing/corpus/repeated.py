"""Repeated lines: page furniture in already-extracted text.

Texts that a dataset ships already extracted (JSONL, CSV) still carry the
lines a site repeats under every article: advertisement markers,
newsletter and app promotions, copyright and licensing lines, player
notices ("Media playback is unsupported on your device"), bylines of staff
columnists.  :mod:`framing.corpus.rawtext` removes such lines from raw
``.txt`` articles by their form; this module finds them by their
*recurrence within one outlet*, which needs no list of phrases.

Segments
    A document's ``text`` is cut into lines at ``\\n`` (a ``\\r`` before
    it is whitespace).  A text without any ``\\n`` is cut into sentences
    instead (:func:`framing.text.sentence_spans`, rule-based).
Normalised key
    Each segment is folded (:func:`framing.text.fold`: case, accents,
    typographic punctuation), every run of ASCII digits becomes one ``0``
    (so ``Copyright © 2019 ...`` and ``Copyright © 2020 ...`` are one
    line), and every run of ASCII punctuation and white space becomes one
    space (so "... to this report." and "... to this report" are one
    line).  A segment without a token character
    (``***``, ``___``) is never counted and never moved: it adds no token.
Rule
    Within each outlet (``by``) with at least ``min_outlet_docs``
    documents, a key is *repeated* when it occurs in at least ``min_docs``
    documents **and** in at least ``min_share`` of the outlet's documents
    (a document counts once however often the line recurs in it).
    Outlets with fewer documents are left untouched: a share of a handful
    of documents says nothing about page furniture.
Defaults (``min_share = 0.05``, ``min_docs = 3``, ``min_outlet_docs = 10``)
    Chosen on the AllSides articles of Baly et al. (2020), which are not
    test data: there every line recurring in >= 5% of an outlet's
    documents is a site element, a house sub-heading (TheBlaze's "What are
    the details?") or an aggregator's recycled quote (The Flip Side), and
    no line of news prose reaches 5%; between 2% and 5% lie staff bylines,
    photo credits and wire-service sign-offs, which are furniture too but
    mix with recycled quotes, so 5% is the conservative default.
Moved, not deleted
    Repeated segments leave ``text`` and are appended, in their order, to
    the document's ``boilerplate`` (after what it held, separated by
    ``\\n``), so ``part = "boilerplate"`` still sees them.  The lines that
    stay keep their original text and line breaks.  A document all of
    whose token-bearing segments are repeated is left with ``text = ""``
    (the caller decides: :func:`framing.experiment.corpus.load_corpus`
    drops and counts such documents).

The functions are pure (the input frame is not modified), deterministic
(the table is sorted; results do not depend on ``PYTHONHASHSEED``) and
linear in the size of the corpus (one pass to count keys, one to move).
"""

from __future__ import annotations

import re
from hashlib import blake2b
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ..check import check_int, check_number, check_str
from ..text import fold, sentence_spans

__all__ = ["REPEATED_COLUMNS", "REPEATED_LINES", "LineCounts", "RepeatedLines", "find_repeated_lines", "line_hash", "line_key",
           "remove_repeated_lines", "segments"]

#: What a run does with repeated lines (``[corpus] repeated_lines``).
REPEATED_LINES: tuple[str, ...] = ("remove", "keep")
#: Columns of the table of repeated lines, in order.
REPEATED_COLUMNS: tuple[str, ...] = ("outlet", "line", "example", "n_docs", "outlet_docs", "share", "n_removed")

_WORD = re.compile(r"[^\W_]")
_ASCII_WORD = re.compile(rb"[A-Za-z0-9]")
# bytes of folded text: digits become 0, ASCII punctuation and spaces a space, "\n" stays
_BYTES = bytearray(range(256))
for _c in range(128):
    if not chr(_c).isalnum() and _c != ord("\n"):
        _BYTES[_c] = ord(" ")
for _c in b"123456789":
    _BYTES[_c] = ord("0")
_BYTES = bytes(_BYTES)
del _c


def _line_keys(folded: str) -> list[bytes]:
    """The key of every ``\n``-separated line of a folded text (``b""``
    for a line without a token character); the hot path, in bytes."""
    keys = []
    for line in folded.encode("utf-8").translate(_BYTES).split(b"\n"):
        line = b" ".join(line.split()) if b"  " in line else line.strip(b" ")
        while b"00" in line:
            line = line.replace(b"00", b"0")
        if line and _ASCII_WORD.search(line) is None and _WORD.search(line.decode("utf-8")) is None:
            line = b""
        keys.append(line)
    return keys


def line_key(segment: str) -> str:
    """The normalised form of a line or sentence (see the module notes):
    folded, each run of digits one ``0``, whitespace collapsed; ``""``
    when it has no token character."""
    return " ".join(_line_keys(fold(segment).replace("\n", " "))[0].decode("utf-8").split())


def segments(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of a text's segments: its lines when it
    has a ``\n``, else its sentences (see the module notes)."""
    if not isinstance(text, str):
        return []
    if "\n" not in text:
        return sentence_spans(text) if text.strip() else []
    spans, start = [], 0
    while (end := text.find("\n", start)) >= 0:
        spans.append((start, end))
        start = end + 1
    spans.append((start, len(text)))
    return spans


def _check(frame: Any, by: str, min_share: float, min_docs: int, min_outlet_docs: int) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame: expected a pandas DataFrame (corpus schema), got {type(frame).__name__}")
    check_str("by", by)
    for column in ("text", by):
        if column not in frame.columns:
            raise ValueError(f"frame: expected a column {column!r}, got columns {list(map(str, frame.columns))}")
    check_number("min_share", min_share, low=0.0, high=1.0, low_open=True)
    check_int("min_docs", min_docs, low=1)
    check_int("min_outlet_docs", min_outlet_docs, low=1)


def _text_keys(text: Any) -> list[tuple[int, int, bytes]]:
    """``(start, end, key)`` of a text's token-bearing segments."""
    if not isinstance(text, str):
        return []
    spans = segments(text)
    if "\n" in text:  # folding is per character and keeps every line break
        keys = _line_keys(fold(text))
    else:
        keys = [line_key(text[start:end]).encode("utf-8") for start, end in spans]
    return [(start, end, key) for (start, end), key in zip(spans, keys) if key]


def _doc_keys(frame: pd.DataFrame) -> list[list[tuple[int, int, bytes]]]:
    return [_text_keys(text) for text in frame["text"]]


def _key_hash(key: bytes) -> int:
    return int.from_bytes(blake2b(key, digest_size=8).digest(), "little")


def line_hash(segment: str) -> int:
    """The 64-bit BLAKE2b hash of a segment's :func:`line_key` (the same in
    every process and under any ``PYTHONHASHSEED``), as
    :class:`LineCounts` keeps it."""
    return _key_hash(line_key(segment).encode("utf-8"))


def _repeated(frame: pd.DataFrame, keys: list[list[tuple[int, int, str]]], by: str, min_share: float,
              min_docs: int, min_outlet_docs: int) -> dict[Any, dict[str, list]]:
    """outlet -> key -> [n_docs, outlet_docs, example, n_removed] for repeated keys."""
    groups = frame[by].to_numpy()
    sizes: dict[Any, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    counts: dict[Any, dict[str, list]] = {}
    for g, found in zip(groups, keys):
        if sizes[g] < min_outlet_docs:
            continue
        table = counts.setdefault(g, {})
        text_seen = set()
        for _, _, key in found:
            if key in text_seen:
                continue
            text_seen.add(key)
            entry = table.get(key)
            if entry is None:
                table[key] = [1, sizes[g], None, 0]
            else:
                entry[0] += 1
    out: dict[Any, dict[str, list]] = {}
    for g, table in counts.items():
        need = max(min_docs, int(np.ceil(min_share * sizes[g] - 1e-9)))
        kept = {key: entry for key, entry in table.items() if entry[0] >= need}
        if kept:
            out[g] = kept
    return out


def find_repeated_lines(frame: pd.DataFrame, *, by: str = "outlet", min_share: float = 0.05, min_docs: int = 3,
                        min_outlet_docs: int = 10) -> pd.DataFrame:
    """The repeated lines of each outlet (see the module notes), without
    changing the corpus.

    Parameters
    ----------
    frame : DataFrame
        A corpus (:mod:`framing.records` schema); ``text`` is read.
    by : str, default "outlet"
        The column whose groups have their own page furniture.
    min_share : float in (0, 1], default 0.05
        Share of the group's documents a line must occur in.
    min_docs : int >= 1, default 3
        Documents a line must occur in.
    min_outlet_docs : int >= 1, default 10
        Groups with fewer documents are left untouched.

    Returns
    -------
    DataFrame
        :data:`REPEATED_COLUMNS`: ``outlet`` (the group), ``line`` (the
        normalised key), ``example`` (its first occurrence as written, in
        corpus order), ``n_docs`` (documents containing it),
        ``outlet_docs``, ``share`` (``n_docs / outlet_docs``) and
        ``n_removed`` (occurrences, counting repeats within a document);
        sorted by outlet, then ``n_docs`` descending, then line.
    """
    return remove_repeated_lines(frame, by=by, min_share=min_share, min_docs=min_docs,
                                 min_outlet_docs=min_outlet_docs)[1]


def remove_repeated_lines(frame: pd.DataFrame, *, by: str = "outlet", min_share: float = 0.05, min_docs: int = 3,
                          min_outlet_docs: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move each outlet's repeated lines from ``text`` to ``boilerplate``.

    Parameters are those of :func:`find_repeated_lines`.

    Returns
    -------
    cleaned : DataFrame
        A copy of ``frame`` (same rows, index and columns, plus
        ``boilerplate`` if it had none) with repeated segments moved out of
        ``text`` (see the module notes; ``text`` may become ``""``).
    removed : DataFrame
        The table of :func:`find_repeated_lines`.

    Raises
    ------
    TypeError, ValueError
        For a frame without ``text`` or ``by`` and for thresholds out of
        range, naming the parameter.
    """
    _check(frame, by, min_share, min_docs, min_outlet_docs)
    out = frame.copy()
    texts = list(out["text"])
    plates = list(out["boilerplate"]) if "boilerplate" in out.columns else [None] * len(out)
    rows_of: dict[Any, list[int]] = {}
    for i, g in enumerate(out[by].to_numpy()):
        rows_of.setdefault(g, []).append(i)
    repeated: dict[Any, dict[str, list]] = {}
    # one outlet at a time: only its line keys are held (the rule is per outlet)
    for g, rows in rows_of.items():
        if len(rows) < min_outlet_docs:
            continue
        sub = frame.iloc[rows]
        keys = _doc_keys(sub)
        found_here = _repeated(sub, keys, by, min_share, min_docs, min_outlet_docs)
        if found_here:
            repeated.update(found_here)
            _move(rows, keys, found_here.get(g) or {}, texts, plates)
        del sub, keys
    out["text"] = texts
    out["boilerplate"] = plates
    return out, _removed_table(repeated)


def _move(rows: list[int], keys: list[list[tuple[int, int, bytes]]], table: dict, texts: list, plates: list) -> None:
    """Move the repeated segments of the documents ``rows`` (in place)."""
    for i, found in zip(rows, keys):
        if not table:
            continue
        moved = [(s, e, k) for s, e, k in found if k in table]
        if not moved:
            continue
        text = texts[i]
        # the text without the moved segments: each goes with the line break that follows it
        pieces, pos = [], 0
        for s, e, k in moved:
            entry = table[k]
            if entry[2] is None:
                entry[2] = text[s:e].strip()
            entry[3] += 1
            pieces.append(text[pos:s])
            pos = e
            if text.startswith("\n", pos):
                pos += 1
        pieces.append(text[pos:])
        kept = "".join(pieces)
        texts[i] = kept if line_key(kept) else ""
        old = plates[i]
        removed_text = "\n".join(text[s:e].strip() for s, e, _ in moved)
        plates[i] = removed_text if not isinstance(old, str) or not old else f"{old}\n{removed_text}"


def _removed_table(repeated: dict[Any, dict[str, list]]) -> pd.DataFrame:
    rows = [(g, key.decode("utf-8"), entry[2], entry[0], entry[1], entry[0] / entry[1], entry[3])
            for g, table in repeated.items() for key, entry in table.items()]
    table = pd.DataFrame(rows, columns=list(REPEATED_COLUMNS))
    table = table.astype({"outlet": str, "line": str, "example": str, "n_docs": np.int64, "outlet_docs": np.int64,
                          "share": float, "n_removed": np.int64})
    table = table.sort_values(["outlet", "n_docs", "line"], ascending=[True, False, True], kind="mergesort")
    return table.reset_index(drop=True)


# ---------------------------------------------------------------- in two passes over chunks

class LineCounts:
    """The first pass of a streaming :func:`remove_repeated_lines`.

    :meth:`add` takes the ``text`` values of the documents chunk by chunk,
    in corpus order, and keeps of each document only the 64-bit BLAKE2b
    hashes of its distinct line keys (8 bytes a distinct line, not the
    texts); :meth:`rule` applies the module's rule to the documents a
    caller keeps and gives the :class:`RepeatedLines` that moves lines in
    the second pass.  Together they give exactly what
    :func:`remove_repeated_lines` gives on the kept documents: a hash
    collision that would change a result is detected by
    :meth:`RepeatedLines.table` (an error, never a silent difference).
    """

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self.n_documents = 0

    def add(self, texts: Iterable[Any]) -> None:
        """Count one chunk of ``text`` values (in corpus order)."""
        hashes, counts = [], []
        for text in texts:
            found = np.unique(np.array([_key_hash(key) for _, _, key in _text_keys(text)], dtype=np.uint64))
            hashes.append(found)
            counts.append(len(found))
        if hashes:
            self._hashes.append(np.concatenate(hashes))
            self._counts.append(np.array(counts, dtype=np.int64))
            self.n_documents += len(counts)

    def rule(self, groups: Sequence[Any], keep: np.ndarray | None = None, *, min_share: float = 0.05,
             min_docs: int = 3, min_outlet_docs: int = 10) -> "RepeatedLines":
        """The repeated lines of each group among the kept documents.

        ``groups`` holds every counted document's group (``outlet``);
        ``keep`` (bool, default all) the documents the rule applies to,
        as if the others were not in the corpus.  Thresholds as in
        :func:`find_repeated_lines`.
        """
        check_number("min_share", min_share, low=0.0, high=1.0, low_open=True)
        check_int("min_docs", min_docs, low=1)
        check_int("min_outlet_docs", min_outlet_docs, low=1)
        if len(groups) != self.n_documents:
            raise ValueError(f"groups: expected one group per counted document ({self.n_documents}), "
                             f"got {len(groups)}")
        keep = np.ones(self.n_documents, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
        if keep.shape != (self.n_documents,):
            raise ValueError(f"keep: expected {self.n_documents} booleans, got shape {keep.shape}")
        hashes = np.concatenate(self._hashes) if self._hashes else np.zeros(0, dtype=np.uint64)
        counts = np.concatenate(self._counts) if self._counts else np.zeros(0, dtype=np.int64)
        ends = np.cumsum(counts)
        starts = ends - counts
        rows_of: dict[Any, list[int]] = {}
        for i in np.flatnonzero(keep).tolist():
            rows_of.setdefault(groups[i], []).append(i)
        repeated: dict[Any, dict[int, int]] = {}
        sizes: dict[Any, int] = {}
        for g, rows in rows_of.items():
            sizes[g] = len(rows)
            if len(rows) < min_outlet_docs:
                continue
            found = np.concatenate([hashes[starts[i]:ends[i]] for i in rows])
            values, n_docs = np.unique(found, return_counts=True)
            need = max(min_docs, int(np.ceil(min_share * len(rows) - 1e-9)))
            hit = n_docs >= need
            if hit.any():
                repeated[g] = dict(zip(values[hit].tolist(), n_docs[hit].tolist()))
        return RepeatedLines(repeated, sizes)


class RepeatedLines:
    """The second pass of a streaming :func:`remove_repeated_lines`
    (made by :meth:`LineCounts.rule`): :meth:`move` cleans one document at
    a time, in corpus order, every kept document once; :meth:`table` is
    then the table of :func:`find_repeated_lines`."""

    def __init__(self, repeated: dict[Any, dict[int, int]], sizes: dict[Any, int]) -> None:
        self._repeated = repeated
        self._sizes = sizes
        self._entries: dict[Any, dict[bytes, list]] = {}
        self._hash_of: dict[bytes, int] = {}

    @property
    def groups(self) -> frozenset:
        """The groups that have repeated lines."""
        return frozenset(self._repeated)

    def move(self, group: Any, text: Any, boilerplate: Any) -> tuple[Any, Any]:
        """``(text, boilerplate)`` of one document with its group's
        repeated lines moved (unchanged when it has none)."""
        table = self._repeated.get(group)
        if not table or not isinstance(text, str):
            return text, boilerplate
        found = _text_keys(text)
        entries = self._entries.setdefault(group, {})
        seen = set()
        for _, _, key in found:
            if key in seen:
                continue
            seen.add(key)
            h = _key_hash(key)
            if h in table:
                entry = entries.get(key)
                if entry is None:
                    entries[key] = entry = [0, self._sizes[group], None, 0]
                    self._hash_of[key] = h
                entry[0] += 1
        texts, plates = [text], [boilerplate]
        _move([0], [found], entries, texts, plates)
        return texts[0], plates[0]

    def table(self) -> pd.DataFrame:
        """The table of :func:`find_repeated_lines` (:data:`REPEATED_COLUMNS`).

        Raises RuntimeError when two line keys of a group share a 64-bit
        hash and that changed which lines were moved (never seen; the
        in-memory :func:`remove_repeated_lines` has no hashes)."""
        for g, entries in self._entries.items():
            for key, entry in entries.items():
                if entry[0] != self._repeated[g][self._hash_of[key]]:
                    raise RuntimeError(f"repeated lines of {g!r}: two line keys share a 64-bit hash "
                                       f"({key.decode('utf-8')[:60]!r}); use the in-memory remove_repeated_lines")
        return _removed_table(self._entries)
