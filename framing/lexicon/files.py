"""Read, write, load and check lexicon files.

Every reader builds its result with :meth:`framing.lexicon.Lexicon.build`,
which validates each term (see :func:`framing.text.term_tokens`).  Every
error is a :class:`~framing.lexicon.LexiconError` (a ``ValueError``) whose
message starts with ``<file>, line <n>:`` when a line is known.
Problems that a reader can repair (a repeated ``.dic`` word, a skipped
LIWC conditional code, a fallback decoding) are collected in
``Lexicon.warnings`` and also emitted once per file as one
:class:`LexiconWarning`.

Formats (``read_lexicon`` dispatches on the suffix, or ``format=``)
--------------------------------------------------------------------
``.toml`` (our format, read with :mod:`tomllib`)
    Top-level keys ``name``, ``version``, ``description`` (required,
    non-empty strings), ``citation``, ``license`` (strings),
    ``nested_scope`` (``"category"`` or ``"lexicon"``), ``negators``
    (list of single words; default :data:`~framing.lexicon.DEFAULT_NEGATORS`)
    and ``[[categories]]`` tables with ``name``, ``definition``
    (required, non-empty), ``examples``, ``citations`` (lists of strings),
    ``negation_window`` (integer >= 0, default 0), ``scare_quotes``
    (boolean, default false), ``scare_quote_max_words`` (integer 1-10,
    default 3; only with ``scare_quotes = true``),
    ``scare_quote_preceded_by`` (non-empty list of phrases, one of which
    must stand right before a scare quote; only with ``scare_quotes =
    true``) and ``entries``
    (required and non-empty unless ``scare_quotes = true``; each a string
    or ``{ term = "...", weight = x }``, weight a finite number, default
    1, with the optional context rules ``followed_by``,
    ``not_followed_by``, ``preceded_by``, ``not_preceded_by`` (non-empty
    lists of one-token words, globs allowed) and ``exceptions``
    (non-empty list of phrases containing the term)).  A top-level
    ``exceptions`` (non-empty list of phrases) blocks every hit
    overlapping one of them.  Semantics: :mod:`framing.lexicon.model`.  An unknown key or a wrong type
    anywhere is an error naming the key path (``categories[2].negaton_window``,
    0-based indices), the line and the allowed keys.  tomllib reports no
    positions, so lines are found in the raw text: a category's line is
    the line of its ``name =`` inside the n-th ``[[categories]]`` block;
    an entry's line is the line of the k-th occurrence of its string
    literal in that block (k-th for the k-th entry with the same term).
``.dic`` (LIWC)
    A header between two ``%`` lines with one ``id<whitespace>name`` per
    line, then one entry a line: ``word<whitespace>id id ...``.  Tabs or
    spaces, CRLF, a byte-order mark and indented (LIWC2015-style nested)
    headers are accepted; ids compare numerically (``01`` = ``1``) and may be
    dotted (``1.2``).  A header name written ``function (Function Words)``
    gives the category ``function`` with definition ``Function Words``
    (otherwise the definition is empty); ``names="id"`` names categories by
    their id instead.  A header line without an id (a group heading) is
    skipped with a warning.  Lines starting with ``#`` or ``//`` and blank
    lines are ignored.  An entry such as ``fair-*`` (LIWC: words starting
    with ``fair-``) is read as ``fair`` with a warning, since a hyphen or
    slash splits tokens.  If the line has a tab, the word is everything
    before the first tab (so it may be a phrase such as ``civil rights``);
    otherwise the ids are the longest run of trailing id tokens after the
    first token.  LIWC2007 conditional codes -- ``(02 134)125/464``
    (category 125 if the previous word is in category 02 or 134, else 464)
    and ``<of>131/125`` (131 if the next word is ``of``, else 125) -- cannot
    be represented: with ``conditional="skip"`` (default) the code is
    dropped with a warning naming the line and the plain ids of the line
    are kept (an entry left without any id is skipped); with
    ``conditional="error"`` it is an error.  A word listed on several lines
    is merged (union of its categories, line of its first occurrence) with
    a warning.  An undefined id, a line without any id or an invalid term
    is an error, or with ``on_error="warn"`` skipped with a warning.  A
    header category without entries is dropped with a warning.  Every
    entry has weight 1 and the lexicon is named after the file stem.
``.csv`` / ``.tsv``
    Rows ``term,category[,weight]``; an optional header row is recognised
    by its first cell ``term``, or by cells that are all column names
    including ``term`` (case-insensitive); the columns ``term``,
    ``category`` and optional ``weight`` may then come in any order, with
    the optional context-rule columns ``followed_by``, ``not_followed_by``,
    ``preceded_by``, ``not_preceded_by`` and ``exceptions`` (values
    separated by ``|``; an empty cell: no rule).  The delimiter is a tab for ``.tsv``
    and ``format="tsv"``, a comma for ``.csv``, else a tab if the first
    non-blank line has one.  Standard CSV quoting; blank rows are
    ignored; an empty weight is 1.  Categories are created in order of
    first appearance with an empty definition and no category options
    (negation window, scare quotes and their ``scare_quote_preceded_by``
    exist only in TOML: write the CSV lexicon with
    :func:`write_lexicon_toml` and add them there).  A bad row is an error,
    or with ``on_error="warn"`` skipped with a warning.

Terms: every reader checks each term with
:func:`framing.lexicon.model.parse_term`.  A ``?`` is refused (it is not a
wildcard; only a trailing ``*`` is).  Characters that are not part of any
word and are not word separators (``+`` in ``c++``, ``#``, ``&``, an
emoji) are dropped with a warning naming the file, line, entry and
characters -- the entry is kept, never refused, since the text tokenizer
drops them as well (see :mod:`framing.lexicon.model`).

Size: reading is linear in the size of the file (a 100,000-entry TOML
lexicon reads in about a second).

Decoding: the bytes are decoded with ``encoding`` (a UTF-8 or UTF-16
byte-order mark is honoured); if that fails and ``fallback_encoding`` is
set (default ``"latin-1"``; ``"cp1252"`` suits files saved on Windows),
the file is decoded with it and a warning names the first bad line;
``fallback_encoding=None`` makes it an error.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import tomllib
import warnings as _warnings
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from ..check import check_bool, check_choice
from .model import (
    CONSTRAINTS,
    DEFAULT_NEGATORS,
    NESTED_SCOPES,
    SCARE_QUOTE_MAX_WORDS,
    Category,
    Entry,
    Lexicon,
    LexiconError,
    location,
    parse_term,
)
from .dic import read_dic


__all__ = [
    "FORMATS",
    "LexiconWarning",
    "bundled_lexicon_bytes",
    "bundled_lexicons",
    "load_lexicon",
    "read_lexicon",
    "write_lexicon_toml",
]

FORMATS: tuple[str, ...] = ("toml", "dic", "csv", "tsv")
_SUFFIXES = {".toml": "toml", ".dic": "dic", ".csv": "csv", ".tsv": "tsv"}


class LexiconWarning(UserWarning):
    """A lexicon file was read with repairs; details in ``Lexicon.warnings``."""


# ------------------------------------------------------------------ decoding


def _decode(data: bytes, source: str, encoding: str, fallback: str | None, notes: list[str]) -> str:
    """Decode ``data``; normalise line ends to ``\\n`` and drop a BOM."""
    for name in (encoding, fallback):
        if name is not None:
            try:
                codecs.lookup(name)
            except LookupError:
                param = "encoding" if name == encoding else "fallback_encoding"
                raise ValueError(f"{param}: unknown text encoding {name!r}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if fallback is None:
            raise LexiconError(
                f"{location(source, line)}: not valid {encoding} (byte {data[exc.start]:#04x}); "
                f"pass encoding= or fallback_encoding="
            ) from None
        text = data.decode(fallback)
        notes.append(f"{location(source, line)}: not valid {encoding}; the file was decoded as {fallback}")
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------------ TOML

_TOP_KEYS = ("name", "version", "description", "citation", "license", "nested_scope", "negators", "exceptions",
             "categories")
_CATEGORY_KEYS = ("name", "definition", "examples", "citations", "negation_window", "scare_quotes",
                  "scare_quote_max_words", "scare_quote_preceded_by", "entries")
_RULE_KEYS = (*CONSTRAINTS, "exceptions")
_ENTRY_KEYS = ("term", "weight", *_RULE_KEYS)
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_HEADER = re.compile(rf"^\s*\[\[?\s*{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*\s*\]\]?\s*(?:#.*)?$")
_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"' + r"|'[^'\n]*'|#.*")  # a basic or literal string, or a comment
_CATEGORIES_HEADER = re.compile(r"""^\s*\[\[\s*(?:categories|"categories"|'categories')\s*\]\]\s*(?:#.*)?$""")


class _TomlLines:
    """Find lines in raw TOML text (tomllib reports no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        headers = [i for i, line in enumerate(self.lines) if _HEADER.match(line)]
        self.preamble_end = headers[0] if headers else len(self.lines)
        self.blocks: list[tuple[int, int]] = []
        self._literals: dict[tuple[int, int], dict[str, list[int]]] = {}
        for k, start in enumerate(headers):
            if _CATEGORIES_HEADER.match(self.lines[start]):
                end = headers[k + 1] if k + 1 < len(headers) else len(self.lines)
                self.blocks.append((start, end))

    def _span(self, index: int | None) -> tuple[int, int]:
        if index is None:
            return 0, self.preamble_end
        if index < len(self.blocks):
            return self.blocks[index]
        return 0, len(self.lines)

    def key(self, key: str, index: int | None = None) -> int | None:
        """1-based line of ``key =`` at top level (``index=None``) or in
        category block ``index``."""
        pattern = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
        start, end = self._span(index)
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i + 1
        if index is None:
            table = re.compile(rf"""^\s*\[\[?\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[\].]""")
            return next((i + 1 for i, line in enumerate(self.lines) if table.match(line)), None)
        return None

    def category(self, index: int) -> int | None:
        line = self.key("name", index)
        if line is None and index < len(self.blocks):
            return self.blocks[index][0] + 1
        return line if line is not None else self.key("categories")

    def literal(self, index: int, term: str, occurrence: int) -> int | None:
        """Line of the ``occurrence``-th (0-based) string literal ``term``
        in category block ``index``.

        The block's string literals are indexed once (term -> lines), so
        locating every entry of a lexicon is linear in its size."""
        span = self._span(index)
        found = self._literals.get(span)
        if found is None:
            found = self._literals[span] = self._index_literals(*span)
        lines = found.get(term)
        if lines:
            return lines[min(occurrence, len(lines) - 1)]
        return self.key("entries", index) or self.category(index)

    def _index_literals(self, start: int, end: int) -> dict[str, list[int]]:
        """Every one-line string literal outside comments in lines
        ``start..end`` -> the 1-based lines it stands on, in order."""
        out: dict[str, list[int]] = {}
        for i in range(start, end):
            for match in _LITERAL.finditer(self.lines[i]):
                text = match.group(0)
                if text.startswith("#"):
                    break
                value = text[1:-1]
                if text.startswith('"') and "\\" in value:
                    try:
                        value = tomllib.loads(f"v = {text}")["v"]
                    except tomllib.TOMLDecodeError:
                        continue
                out.setdefault(value, []).append(i + 1)
        return out


def _kind(value: Any) -> str:
    return type(value).__name__


class _TomlReader:
    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.where_lines = _TomlLines(text)
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"at line (\d+)", str(exc))
            line = int(match.group(1)) if match else len(text.split("\n"))
            reason = re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)\s*$", "", str(exc))
            raise LexiconError(f"{location(source, line)}: TOML syntax error: {reason}") from None

    def fail(self, line: int | None, message: str) -> LexiconError:
        return LexiconError(f"{location(self.source, line)}: {message}")

    def keys(self, table: dict[str, Any], allowed: tuple[str, ...], prefix: str, index: int | None) -> None:
        for key in table:
            if key not in allowed:
                line = self.where_lines.key(key, index)
                raise self.fail(line, f"unknown key {prefix + key!r}; allowed keys here: {', '.join(allowed)}")

    def string(self, table: dict[str, Any], key: str, prefix: str, index: int | None, *, required: bool) -> str:
        if key not in table:
            if required:
                line = self.where_lines.category(index) if index is not None else None
                raise self.fail(line, f"missing required key {prefix + key!r} (a non-empty string)")
            return ""
        value = table[key]
        if not isinstance(value, str) or (required and not value.strip()):
            line = self.where_lines.key(key, index)
            kind = "non-empty string" if required else "string"
            raise self.fail(line, f"{prefix + key} must be a {kind}, got {value!r} ({_kind(value)})")
        return value

    def strings(self, table: dict[str, Any], key: str, prefix: str, index: int | None, *,
                non_empty: bool = False, line: int | None = None) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) or (
                non_empty and not value):
            line = line if line is not None else self.where_lines.key(key, index)
            kind = "a non-empty list" if non_empty else "a list"
            raise self.fail(line, f"{prefix + key} must be {kind} of non-empty strings, got {value!r}")
        return tuple(value)

    def read(self, on_duplicate: str, notes: list[str]) -> Lexicon:
        data = self.data
        self.keys(data, _TOP_KEYS, "", None)
        name = self.string(data, "name", "", None, required=True)
        version = self.string(data, "version", "", None, required=True)
        description = self.string(data, "description", "", None, required=True)
        citation = self.string(data, "citation", "", None, required=False)
        license_ = self.string(data, "license", "", None, required=False)
        scope = data.get("nested_scope", "category")
        if scope not in NESTED_SCOPES:
            raise self.fail(self.where_lines.key("nested_scope"),
                            f"nested_scope must be one of {', '.join(NESTED_SCOPES)}, got {scope!r}")
        negators = self.strings(data, "negators", "", None) if "negators" in data else DEFAULT_NEGATORS
        exceptions = self.strings(data, "exceptions", "", None, non_empty=True) if "exceptions" in data else ()
        cats_raw = data.get("categories")
        if not isinstance(cats_raw, list) or not cats_raw or not all(isinstance(c, dict) for c in cats_raw):
            raise self.fail(self.where_lines.key("categories"),
                            f"categories must be a non-empty array of tables ([[categories]]), got {cats_raw!r}")
        categories: list[Category] = []
        entries: list[Entry] = []
        for index, table in enumerate(cats_raw):
            category, rows = self.category(table, index)
            categories.append(category)
            entries.extend(rows)
        return Lexicon.build(
            name, categories, entries, version=version, description=description, citation=citation,
            negators=negators, nested_scope=scope, source=self.source, on_duplicate=on_duplicate,
            warnings=tuple(notes), license=license_, exceptions=exceptions,
        )

    def category(self, table: dict[str, Any], index: int) -> tuple[Category, list[Entry]]:
        prefix = f"categories[{index}]."
        self.keys(table, _CATEGORY_KEYS, prefix, index)
        name = self.string(table, "name", prefix, index, required=True)
        definition = self.string(table, "definition", prefix, index, required=True)
        examples = self.strings(table, "examples", prefix, index)
        citations = self.strings(table, "citations", prefix, index)
        window = table.get("negation_window", 0)
        if not isinstance(window, int) or isinstance(window, bool) or window < 0:
            raise self.fail(self.where_lines.key("negation_window", index),
                            f"{prefix}negation_window must be an integer >= 0, got {window!r} ({_kind(window)})")
        scare = table.get("scare_quotes", False)
        if not isinstance(scare, bool):
            raise self.fail(self.where_lines.key("scare_quotes", index),
                            f"{prefix}scare_quotes must be true or false, got {scare!r} ({_kind(scare)})")
        max_words = table.get("scare_quote_max_words", SCARE_QUOTE_MAX_WORDS[0])
        low, high = SCARE_QUOTE_MAX_WORDS[1:]
        if "scare_quote_max_words" in table and (
                not isinstance(max_words, int) or isinstance(max_words, bool) or not low <= max_words <= high):
            raise self.fail(self.where_lines.key("scare_quote_max_words", index),
                            f"{prefix}scare_quote_max_words must be an integer from {low} to {high}, "
                            f"got {max_words!r} ({_kind(max_words)})")
        if "scare_quote_max_words" in table and not scare:
            raise self.fail(self.where_lines.key("scare_quote_max_words", index),
                            f"{prefix}scare_quote_max_words is set but scare_quotes is not true")
        preceded = ()
        if "scare_quote_preceded_by" in table:
            preceded = self.strings(table, "scare_quote_preceded_by", prefix, index, non_empty=True)
            if not scare:
                raise self.fail(self.where_lines.key("scare_quote_preceded_by", index),
                                f"{prefix}scare_quote_preceded_by is set but scare_quotes is not true")
        raw_entries = table.get("entries", [] if scare else None)
        if not isinstance(raw_entries, list) or (not raw_entries and not scare):
            line = self.where_lines.key("entries", index) or self.where_lines.category(index)
            raise self.fail(line, f"{prefix}entries must be a non-empty list of terms, got {raw_entries!r}")
        rows: list[Entry] = []
        seen: dict[str, int] = {}
        for k, item in enumerate(raw_entries):
            path = f"{prefix}entries[{k}]"
            term, weight, rules = self.entry(item, path, index)
            occurrence = seen.get(term, 0)
            seen[term] = occurrence + 1
            rows.append(Entry(term, name, weight, (), self.where_lines.literal(index, term, occurrence), **rules))
        category = Category(name, definition, examples, citations, window, self.where_lines.category(index),
                            scare, max_words, preceded)
        return category, rows

    def entry(self, item: Any, path: str, index: int) -> tuple[str, float, dict[str, tuple[str, ...]]]:
        if isinstance(item, str):
            return item, 1.0, {}
        if not isinstance(item, dict):
            raise self.fail(self.where_lines.key("entries", index),
                            f"{path} must be a string or a table {{ term = ..., weight = ... }}, "
                            f"got {item!r} ({_kind(item)})")
        term = item.get("term")
        if isinstance(term, str):
            line = self.where_lines.literal(index, term, 0)
        else:
            line = self.where_lines.key("entries", index)
        for key in item:
            if key not in _ENTRY_KEYS:
                raise self.fail(line, f"unknown key {path + '.' + key!r}; allowed keys here: {', '.join(_ENTRY_KEYS)}")
        if not isinstance(term, str):
            raise self.fail(line, f"{path}.term must be a string (required), got {term!r} ({_kind(term)})")
        weight = item.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            raise self.fail(line, f"{path}.weight must be a finite number, got {weight!r} ({_kind(weight)})")
        rules = {key: self.strings(item, key, path + ".", index, non_empty=True, line=line)
                 for key in _RULE_KEYS if key in item}
        return term, float(weight), rules


# ------------------------------------------------------------------ CSV / TSV

_CSV_COLUMNS = ("term", "category", "weight", *_RULE_KEYS)


def _read_csv(text: str, source: str, delimiter: str, on_duplicate: str, on_error: str, notes: list[str]) -> Lexicon:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    columns: dict[str, int] | None = None
    categories: dict[str, Category] = {}
    entries: list[Entry] = []

    def problem(line: int, message: str) -> None:
        if on_error == "raise":
            raise LexiconError(f"{location(source, line)}: {message} (pass on_error='warn' to skip the row)")
        notes.append(f"{location(source, line)}: {message}; row skipped")

    previous = 0
    first_row = True
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise LexiconError(f"{location(source, previous + 1)}: malformed CSV: {exc}") from None
        line, previous = previous + 1, reader.line_num
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        names = [c.lower() for c in cells]
        if first_row and (names[0] == "term" or ("term" in names and set(names) <= set(_CSV_COLUMNS))):
            first_row = False
            if any(c not in _CSV_COLUMNS for c in names) or len(set(names)) != len(names) or "category" not in names:
                raise LexiconError(f"{location(source, line)}: header row {cells!r}: the columns must be term, category "
                                   f"and optionally weight, {', '.join(_RULE_KEYS)}, each once")
            columns = {c: names.index(c) for c in names}
            continue
        first_row = False
        layout = columns or {"term": 0, "category": 1, "weight": 2}
        needed = max(layout["term"], layout["category"]) + 1
        if not needed <= len(cells) <= (len(columns) if columns else 3):
            if columns:
                expected = delimiter.join(sorted(layout, key=layout.__getitem__))
            else:
                expected = f"term{delimiter}category[{delimiter}weight]"
            problem(line, f"expected {expected!r}, got {len(cells)} cell(s): {cells!r}")
            continue
        term, category = cells[layout["term"]], cells[layout["category"]]
        raw_weight = cells[layout["weight"]] if "weight" in layout and layout["weight"] < len(cells) else ""
        if not term or not category:
            problem(line, f"empty {'term' if not term else 'category'} in {cells!r}")
            continue
        try:
            weight = float(raw_weight) if raw_weight else 1.0
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight):
            problem(line, f"weight of {term!r} must be a finite number, got {raw_weight!r}")
            continue
        try:
            parse_term(term)
        except ValueError as exc:
            problem(line, f"invalid term: {exc}")
            continue
        rules: dict[str, tuple[str, ...]] = {}
        for key in _RULE_KEYS:
            cell = cells[layout[key]] if key in layout and layout[key] < len(cells) else ""
            if cell:
                values = tuple(v.strip() for v in cell.split("|"))
                if not all(values):
                    problem(line, f"{key} of {term!r} must be '|'-separated non-empty values, got {cell!r}")
                    break
                rules[key] = values
        else:
            categories.setdefault(category, Category(category, "", line=line))
            entries.append(Entry(term, category, weight, (), line, **rules))
    if not entries:
        raise LexiconError(f"{source}: no entries (expected rows term{delimiter}category[{delimiter}weight])")
    return Lexicon.build(Path(source).stem, list(categories.values()), entries, source=source,
                         on_duplicate=on_duplicate, warnings=tuple(notes))


def _csv_delimiter(text: str, fmt: str, suffix: str) -> str:
    if fmt == "tsv" or suffix == ".tsv":
        return "\t"
    if suffix == ".csv":
        return ","
    first = next((line for line in text.split("\n") if line.strip()), "")
    return "\t" if "\t" in first else ","


# ------------------------------------------------------------------ public readers


def _as_path(path: Any, param: str = "path") -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{param}: expected a str or os.PathLike, got {type(path).__name__}")
    return Path(path)


def _read(path: str | os.PathLike[str], *, format: str | None = None, encoding: str = "utf-8",
          fallback_encoding: str | None = "latin-1", on_duplicate: str = "error", on_error: str = "raise",
          conditional: str = "skip", names: str = "name") -> Lexicon:
    """Read without emitting warnings (see :func:`read_lexicon`)."""
    p = _as_path(path)
    source = str(path)
    check_choice("on_duplicate", on_duplicate, ("error", "warn"))
    check_choice("on_error", on_error, ("raise", "warn"))
    check_choice("conditional", conditional, ("skip", "error"))
    check_choice("names", names, ("name", "id"))
    suffix = p.suffix.lower()
    if format is None:
        fmt = _SUFFIXES.get(suffix)
        if fmt is None:
            raise LexiconError(f"{source}: cannot tell the lexicon format from the suffix {suffix or '(none)'!r}; "
                               f"use one of {', '.join(_SUFFIXES)} or pass format= ({', '.join(FORMATS)})")
    else:
        check_choice("format", format, FORMATS)
        fmt = format
    if p.is_dir():
        raise LexiconError(f"{source}: is a folder, not a lexicon file")
    if not p.is_file():
        raise LexiconError(f"{source}: no such lexicon file")
    notes: list[str] = []
    text = _decode(p.read_bytes(), source, encoding, fallback_encoding, notes)
    if fmt == "toml":
        return _TomlReader(text, source).read(on_duplicate, notes)
    if fmt == "dic":
        return read_dic(text, source, on_error=on_error, conditional=conditional, names=names,
                        on_duplicate=on_duplicate, notes=notes)
    return _read_csv(text, source, _csv_delimiter(text, fmt, suffix), on_duplicate, on_error, notes)


def _emit(lexicon: Lexicon, stacklevel: int) -> None:
    if not lexicon.warnings:
        return
    n = len(lexicon.warnings)
    more = f" (and {n - 1} more; all are in Lexicon.warnings)" if n > 1 else ""
    _warnings.warn(f"{lexicon.warnings[0]}{more}", LexiconWarning, stacklevel=stacklevel + 1)


def read_lexicon(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    fallback_encoding: str | None = "latin-1",
    on_duplicate: str = "error",
    on_error: str = "raise",
    conditional: str = "skip",
    names: str = "name",
) -> Lexicon:
    """Read a lexicon file (``.toml``, LIWC ``.dic``, ``.csv``/``.tsv``).

    Parameters
    ----------
    path : str or path-like
    format : {"toml", "dic", "csv", "tsv"}, optional
        Default: from the suffix.
    encoding : str, default "utf-8"
    fallback_encoding : str or None, default "latin-1"
        Used, with a warning, when ``encoding`` fails; ``None`` makes that
        an error.
    on_duplicate : {"error", "warn"}
        The same term twice in one category (see :meth:`Lexicon.build`).
        A word on several lines of a ``.dic`` file is always merged with a
        warning.
    on_error : {"raise", "warn"}
        ``.dic`` and CSV only: an undefined category id, an entry without
        category or an invalid term raises, or is skipped with a warning.
    conditional : {"skip", "error"}
        ``.dic`` only: LIWC2007 conditional codes (see the module doc).
    names : {"name", "id"}
        ``.dic`` only: name categories by their header name or id.

    Returns
    -------
    Lexicon
        With repairs listed in ``warnings``; they are also emitted once as
        a :class:`LexiconWarning`.

    Raises
    ------
    LexiconError
        Naming the file, the line and what is wrong.
    """
    lexicon = _read(path, format=format, encoding=encoding, fallback_encoding=fallback_encoding,
                    on_duplicate=on_duplicate, on_error=on_error, conditional=conditional, names=names)
    _emit(lexicon, 2)
    return lexicon


def _bundled_folder():
    return resources.files("framing.lexicon") / "bundled"


def bundled_lexicons() -> tuple[str, ...]:
    """Names of the lexicons shipped in ``framing/lexicon/bundled`` (sorted)."""
    folder = _bundled_folder()
    if not folder.is_dir():
        return ()
    return tuple(sorted(item.name[: -len(".toml")] for item in folder.iterdir() if item.name.endswith(".toml")))


def bundled_lexicon_bytes(name: str) -> bytes:
    """The file of the bundled lexicon ``name`` as bytes (what a run hashes)."""
    if name not in bundled_lexicons():
        raise ValueError(f"name: {name!r} is not a bundled lexicon; bundled: {', '.join(bundled_lexicons()) or 'none'}")
    return (_bundled_folder() / f"{name}.toml").read_bytes()


def _resolve(spec: Any, **options: Any) -> Lexicon:
    if isinstance(spec, str) and spec in bundled_lexicons():
        with resources.as_file(_bundled_folder() / f"{spec}.toml") as file:
            return _read(file, **options)
    path = _as_path(spec, "lexicon")
    if isinstance(spec, str) and not path.is_file():
        names = bundled_lexicons()
        raise ValueError(f"lexicon {spec!r} is neither a bundled lexicon ({', '.join(names) or 'none installed'}) "
                         f"nor an existing file")
    return _read(path, **options)


def load_lexicon(spec: str | os.PathLike[str] | Lexicon, *, warn: bool = True, **options: Any) -> Lexicon:
    """Return a lexicon from a :class:`Lexicon`, a bundled name or a path.

    Parameters
    ----------
    spec : Lexicon, str or path-like
        A :class:`Lexicon` is returned unchanged; a string naming a bundled
        lexicon (:func:`bundled_lexicons`) loads it; anything else is read
        as a file with :func:`read_lexicon`.
    warn : bool
        Emit the reader's repairs as one :class:`LexiconWarning` (they are
        in ``Lexicon.warnings`` either way; :func:`check_lexicon` reports
        them instead).
    **options
        Passed to :func:`read_lexicon`.

    Raises
    ------
    ValueError
        If a string is neither a bundled name nor an existing file (the
        message lists the bundled names); :class:`LexiconError` for an
        invalid file.
    TypeError
        If ``spec`` is of another type.
    """
    check_bool("warn", warn)
    if isinstance(spec, Lexicon):
        return spec
    lexicon = _resolve(spec, **options)
    if warn:
        _emit(lexicon, 2)
    return lexicon


# ------------------------------------------------------------------ writing


def _toml_str(value: str) -> str:
    out = ['"']
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def write_lexicon_toml(
    lexicon: Lexicon,
    path: str | os.PathLike[str],
    *,
    version: str | None = None,
    description: str | None = None,
    definitions: Mapping[str, str] | None = None,
) -> Path:
    """Write ``lexicon`` in the TOML format; :func:`read_lexicon` reads it back
    to an equal lexicon (same :meth:`Lexicon.content_hash`, categories,
    documentation and entry order).

    Parameters
    ----------
    lexicon : Lexicon
    path : str or path-like
        The ``.toml`` file to write (overwritten).
    version, description : str, optional
        Replace the lexicon's values (required when they are empty, as for a
        lexicon read from ``.dic`` or CSV).
    definitions : mapping of category name to str, optional
        Replace category definitions (required for empty ones).

    Returns
    -------
    Path

    Raises
    ------
    TypeError
        If ``lexicon`` is not a :class:`Lexicon`.
    ValueError
        If a required field would be empty (the TOML format requires a
        version, a description and a definition for every category), naming
        the fields and the parameter that supplies them.
    """
    if not isinstance(lexicon, Lexicon):
        raise TypeError(f"lexicon must be a Lexicon, got {type(lexicon).__name__}")
    p = _as_path(path)
    definitions = dict(definitions or {})
    unknown = sorted(set(definitions) - set(lexicon.category_names))
    if unknown:
        raise ValueError(f"definitions: unknown categories {', '.join(unknown)}; "
                         f"categories: {', '.join(lexicon.category_names)}")
    version = lexicon.version if version is None else version
    description = lexicon.description if description is None else description
    missing = [label for label, value in (("version=", version), ("description=", description)) if not value.strip()]
    no_definition = [c.name for c in lexicon.categories if not definitions.get(c.name, c.definition).strip()]
    if no_definition:
        missing.append(f"definitions= for {', '.join(no_definition)}")
    if missing:
        raise ValueError(
            f"cannot write {p}: the TOML lexicon format requires non-empty values; pass {'; '.join(missing)}"
        )
    out = [f"name = {_toml_str(lexicon.name)}", f"version = {_toml_str(version)}",
           f"description = {_toml_str(description)}"]
    if lexicon.citation:
        out.append(f"citation = {_toml_str(lexicon.citation)}")
    if lexicon.license:
        out.append(f"license = {_toml_str(lexicon.license)}")
    out.append(f"nested_scope = {_toml_str(lexicon.nested_scope)}")
    if tuple(lexicon.negators) != DEFAULT_NEGATORS:
        out.append(f"negators = {_toml_list(lexicon.negators)}")
    if lexicon.exceptions:
        out.append(f"exceptions = {_toml_list(lexicon.exceptions)}")
    by_category: dict[str, list] = {c.name: [] for c in lexicon.categories}
    for entry in lexicon.entries:
        by_category[entry.category].append(entry)
    for cat in lexicon.categories:
        out += ["", "[[categories]]", f"name = {_toml_str(cat.name)}",
                f"definition = {_toml_str(definitions.get(cat.name, cat.definition))}"]
        if cat.examples:
            out.append(f"examples = {_toml_list(cat.examples)}")
        if cat.citations:
            out.append(f"citations = {_toml_list(cat.citations)}")
        if cat.negation_window:
            out.append(f"negation_window = {cat.negation_window}")
        if cat.scare_quotes:
            out.append("scare_quotes = true")
            if cat.scare_quote_max_words != SCARE_QUOTE_MAX_WORDS[0]:
                out.append(f"scare_quote_max_words = {cat.scare_quote_max_words}")
            if cat.scare_quote_preceded_by:
                out.append(f"scare_quote_preceded_by = {_toml_list(cat.scare_quote_preceded_by)}")
        if not by_category[cat.name]:
            continue  # a scare-quote category without entries
        out.append("entries = [")
        for entry in by_category[cat.name]:
            rules = "".join(f", {key} = {_toml_list(getattr(entry, key))}" for key in _RULE_KEYS if getattr(entry, key))
            if entry.weight == 1.0 and not rules:
                out.append(f"    {_toml_str(entry.term)},")
            elif entry.weight == 1.0:
                out.append(f"    {{ term = {_toml_str(entry.term)}{rules} }},")
            else:
                out.append(f"    {{ term = {_toml_str(entry.term)}, weight = {entry.weight!r}{rules} }},")
        out.append("]")
    p.write_text("\n".join(out) + "\n", encoding="utf-8")
    return p
