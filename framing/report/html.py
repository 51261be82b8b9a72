"""A static, self-contained HTML report of an experiment run.

This is the presentation layer at the end of the pipeline (corpus →
tokens → cue hits → statistics → tables/figures/**report**).  Every
function here is pure: it builds a ``str`` from in-memory records and
writes nothing; the experiment runner decides where the file goes.

What the page is
    One HTML5 file with inline CSS and one small inline script
    (:data:`SCRIPT`): no fonts, images, scripts or style sheets fetched
    from anywhere (figures are inlined as ``data:`` URIs), so it opens
    offline, can be archived with a paper and prints cleanly.  The page
    reads without JavaScript: the script only adds sorting (click a
    column header), a filter box per table and enlarging a figure in
    place (without it a click on a figure opens its full-resolution
    file).  Long things are in ``<details>`` elements, which open
    without scripts: the resolved configuration, a summary value longer
    than :data:`MAX_SUMMARY_CHARS` characters, a table marked
    ``collapsed`` (full tables behind their key columns).

Contents, in order
    a header with the title; a table of contents linking the section
    ids; "What was run" (``id="run"``: the summary rows and the resolved
    configuration); one ``<section id=...>`` per :class:`Section`;
    "Example passages" (``id="passages"``); a footer.

Small by construction
    A :class:`TableBlock` shows at most ``max_rows`` rows (default 50)
    and always links the full CSV, and a cell longer than
    :data:`MAX_CELL_CHARS` characters is cut with a visible ``…`` (the
    CSV has the whole value), so the page size does not grow with the
    corpus: only the figures (PNG bytes as given, base64 adds a third)
    and the passages (a sentence each) take space.

Escaping
    Every piece of data text (titles, summary rows, configuration,
    table cells and headers, captions, article text, doc ids, outlets,
    lexicon entries) goes through :func:`html.escape`, so a
    ``<script>`` in an article is shown as text.  Characters that HTML
    does not allow (C0/C1 control characters other than tab, line feed,
    form feed and carriage return, and lone surrogates, which could not
    even be encoded as UTF-8) are shown as U+FFFD.  Links (``href``) must
    be relative paths: a URL scheme (``http:``, ``javascript:``, ...) or
    an absolute path is rejected.

Numbers
    :func:`format_value` formats table cells: 4 significant digits with
    trailing zeros dropped (integer digits are never rounded away:
    ``12345.6`` → ``12346``), scientific notation below 0.001 in absolute
    value (so small p-values read ``3.2e-07``) and from 1e15 up, NaN and
    missing values as ``–``; integers in full.

Passages (keyword in context)
    :func:`select_passages` picks example passages per category and
    outlet from a corpus and its hits (:data:`framing.match.scoring.HIT_COLUMNS`);
    :func:`render_report` shows them with the cue hits highlighted
    (``<mark class="cue" title=entry>``; negated hits struck through and
    labelled) and quoted speech (:func:`framing.quotes.quoted_intervals`)
    tinted with a "quoted" marker, since a cue inside a quotation is the
    source's wording, not the outlet's voice.  A passage's ``text`` is an
    exact slice of the document, ``doc_text[offset:offset + len(text)]``;
    the ellipses of a trimmed sentence are added when rendering.

Lexicon validation
    :func:`validation_readings` gives the key columns and a plain-language
    reading per category of a validation's precision, agreement and recall
    tables (:func:`framing.stats.validation.validate_sheets`), e.g.
    "insinuation: 47% of sampled hits are the cue (95% CI 35–60%; 40
    coded), α = 0.71" — the numbers are those of the tables.
"""

from __future__ import annotations

import base64
import html
import math
import numbers
import re
import struct
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from ..check import check_bool, check_int, check_str, describe
from ..quotes import quoted_intervals
from .explorer import render_explorer
from ..match.scoring import HIT_COLUMNS
from ..text import sentence_spans

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_SUMMARY_CHARS",
    "SCRIPT",
    "RESERVED_IDS",
    "TableBlock",
    "FigureBlock",
    "TextBlock",
    "Passage",
    "Section",
    "ReportData",
    "format_value",
    "select_passages",
    "render_report",
    "VALIDATION_READING_COLUMNS",
    "validation_readings",
]

MAX_CELL_CHARS = 300
"""Table cells longer than this are cut (with ``…``) in the page."""

MAX_SUMMARY_CHARS = 160
"""A "What was run" value longer than this is collapsed (its start shown)."""

RESERVED_IDS: tuple[str, ...] = ("contents", "run", "explorer", "passages")
"""Element ids the report uses itself; a :class:`Section` may not take them."""

MISSING = "\u2013"  # en dash for NaN / missing cells
ELLIPSIS = "\u2026"

_PASSAGE_FRAME_COLUMNS = ("doc_id", "outlet")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NEWLINES = "\n\r\u2028\u2029"
# characters HTML does not allow in text, and lone surrogates (not encodable)
_INVALID = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# ---------------------------------------------------------------- checks


def _check_text(name: str, value: Any, *, empty: bool = True) -> str:
    """:func:`framing.check.check_str`; a title that must not be empty
    must not be white space either."""
    check_str(name, value, empty=empty)
    if not empty and not value.strip():
        raise ValueError(f"{name}: expected a non-empty string, got {describe(value)}")
    return value


def _check_tuple(name: str, value: Any) -> tuple:
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a tuple, got {type(value).__name__}")
    return tuple(value)


def _check_href(name: str, href: Any) -> str:
    href = _check_text(name, href, empty=False)
    if _SCHEME.match(href) or href.startswith(("/", "\\")) or any(c.isspace() and c != " " for c in href):
        raise ValueError(
            f"{name} must be a relative path to a file next to the report (such as 'tables/compare.csv'), "
            f"got {href!r}"
        )
    return href


# ---------------------------------------------------------------- records


@dataclass(frozen=True, eq=False)
class TableBlock:
    """A result table: the first ``max_rows`` rows, and a link to the CSV.

    Attributes
    ----------
    title : str
    frame : pandas.DataFrame
        Shown column by column; the index is shown only when it is not
        the default ``RangeIndex`` (then as leading columns).
    href : str
        Relative path of the full table (CSV), always linked.
    note : str
        Shown under the title (units, what a row is).
    max_rows : int
        At most this many rows (>= 1) go into the page.
    collapsed : bool
        Shown closed in a ``<details>`` element (its summary the title
        and the size): for full tables behind a table of key columns.
    """

    title: str
    frame: pd.DataFrame
    href: str
    note: str = ""
    max_rows: int = 50
    collapsed: bool = False

    def __post_init__(self) -> None:
        _check_text("TableBlock.title", self.title, empty=False)
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError(f"TableBlock.frame must be a pandas DataFrame, got {type(self.frame).__name__}")
        _check_href("TableBlock.href", self.href)
        _check_text("TableBlock.note", self.note)
        object.__setattr__(self, "max_rows", check_int("TableBlock.max_rows", self.max_rows, low=1))
        check_bool("TableBlock.collapsed", self.collapsed)


@dataclass(frozen=True)
class FigureBlock:
    """A figure: PNG bytes inlined as a data URI, linking the full file.

    Attributes
    ----------
    title : str
    png : bytes
        A PNG image (checked by its signature and header); inline it at
        screen resolution, the full-resolution or vector file is ``href``.
    href : str
        Relative path of the full-resolution or vector file (SVG, PDF).
    caption : str
    alt : str
        Alternative text; the title when empty.
    """

    title: str
    png: bytes
    href: str
    caption: str = ""
    alt: str = ""

    def __post_init__(self) -> None:
        _check_text("FigureBlock.title", self.title, empty=False)
        if not isinstance(self.png, (bytes, bytearray, memoryview)):
            raise TypeError(f"FigureBlock.png must be bytes, got {type(self.png).__name__}")
        png = bytes(self.png)
        if not png.startswith(_PNG_SIGNATURE) or png[12:16] != b"IHDR" or len(png) < 24:
            raise ValueError(f"FigureBlock.png is not a PNG image (figure {self.title!r}; first bytes {png[:8]!r})")
        object.__setattr__(self, "png", png)
        _check_href("FigureBlock.href", self.href)
        _check_text("FigureBlock.caption", self.caption)
        _check_text("FigureBlock.alt", self.alt)

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in pixels, from the PNG header."""
        return struct.unpack(">II", self.png[16:24])


@dataclass(frozen=True)
class TextBlock:
    """Prose; blank lines separate paragraphs."""

    title: str
    text: str

    def __post_init__(self) -> None:
        _check_text("TextBlock.title", self.title)
        _check_text("TextBlock.text", self.text)


@dataclass(frozen=True)
class Passage:
    """An excerpt of a document with its cue hits and quoted speech.

    Attributes
    ----------
    doc_id, outlet, category : str
    text : str
        The excerpt, an exact slice of the document's text starting at
        ``offset``.
    offset : int
        Character offset of the excerpt in the document's text.
    hits : tuple of (start, end, entry, negated)
        Cue hits relative to the excerpt (``0 <= start < end <=
        len(text)``); they may overlap each other.
    quotes : tuple of (start, end)
        Quoted speech relative to the excerpt: sorted, non-overlapping.
    cut_before, cut_after : bool
        True when the sentence goes on before / after the excerpt (the
        report shows ``…`` there).
    """

    doc_id: str
    outlet: str
    category: str
    text: str
    offset: int
    hits: tuple[tuple[int, int, str, bool], ...]
    quotes: tuple[tuple[int, int], ...]
    cut_before: bool = False
    cut_after: bool = False

    def __post_init__(self) -> None:
        for name in ("doc_id", "outlet", "category", "text"):
            _check_text(f"Passage.{name}", getattr(self, name))
        object.__setattr__(self, "offset", check_int("Passage.offset", self.offset, low=0))
        n = len(self.text)
        hits = []
        for i, hit in enumerate(_check_tuple("Passage.hits", self.hits)):
            where = f"Passage.hits[{i}] of {self.doc_id!r}"
            if not isinstance(hit, (tuple, list)) or len(hit) != 4:
                raise ValueError(f"{where} must be (start, end, entry, negated), got {hit!r}")
            start, end = self._span(where, hit[0], hit[1], n)
            _check_text(f"{where} entry", hit[2])
            if not isinstance(hit[3], (bool, np.bool_)):
                raise TypeError(f"{where} negated must be a bool, got {type(hit[3]).__name__}")
            hits.append((start, end, hit[2], bool(hit[3])))
        quotes = []
        for i, quote in enumerate(_check_tuple("Passage.quotes", self.quotes)):
            where = f"Passage.quotes[{i}] of {self.doc_id!r}"
            if not isinstance(quote, (tuple, list)) or len(quote) != 2:
                raise ValueError(f"{where} must be (start, end), got {quote!r}")
            start, end = self._span(where, quote[0], quote[1], n)
            if quotes and start < quotes[-1][1]:
                raise ValueError(f"{where} = {(start, end)} overlaps or precedes {quotes[-1]}; quotes must be sorted "
                                 "and non-overlapping")
            quotes.append((start, end))
        object.__setattr__(self, "hits", tuple(hits))
        object.__setattr__(self, "quotes", tuple(quotes))
        for name in ("cut_before", "cut_after"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"Passage.{name} must be a bool, got {type(getattr(self, name)).__name__}")
            object.__setattr__(self, name, bool(getattr(self, name)))

    @staticmethod
    def _span(where: str, start: Any, end: Any, n: int) -> tuple[int, int]:
        start = check_int(f"{where} start", start, low=0)
        end = check_int(f"{where} end", end, low=0)
        if not start < end <= n:
            raise ValueError(f"{where} = ({start}, {end}) must satisfy 0 <= start < end <= len(text) = {n}")
        return start, end


Block = TableBlock | FigureBlock | TextBlock


@dataclass(frozen=True, eq=False)
class Section:
    """A ``<section id=...>`` of results: tables, figures and text.

    ``id`` is a letter followed by letters, digits, ``_`` or ``-`` (safe
    as an HTML id and URL fragment) and not one of :data:`RESERVED_IDS`.
    """

    id: str
    title: str
    blocks: tuple[Block, ...]
    intro: str = ""

    def __post_init__(self) -> None:
        _check_text("Section.id", self.id)
        if not _ID.match(self.id):
            raise ValueError(f"Section.id must be a letter followed by letters, digits, '_' or '-', got {self.id!r}")
        if self.id in RESERVED_IDS:
            raise ValueError(f"Section.id {self.id!r} is reserved by the report ({', '.join(RESERVED_IDS)})")
        _check_text("Section.title", self.title, empty=False)
        _check_text("Section.intro", self.intro)
        blocks = _check_tuple("Section.blocks", self.blocks)
        for i, block in enumerate(blocks):
            if not isinstance(block, (TableBlock, FigureBlock, TextBlock)):
                raise TypeError(f"Section {self.id!r} blocks[{i}] must be a TableBlock, FigureBlock or TextBlock, "
                                f"got {type(block).__name__}")
        object.__setattr__(self, "blocks", blocks)


@dataclass(frozen=True, eq=False)
class ReportData:
    """Everything :func:`render_report` shows.

    Attributes
    ----------
    title : str
    summary : tuple of (label, value)
        Rows of the "What was run" box: data summary with the skipped
        and duplicate counts, run folder, seed, ...
    config_text : str
        The resolved configuration, shown verbatim in a collapsible
        ``<pre>``.
    sections : tuple of Section
        Ids must be distinct.
    passages : tuple of Passage
        Usually from :func:`select_passages`.
    footer : str
    explorer : dict, optional
        Data of the cue explorer, from
        :func:`framing.report.explorer.explorer_data` (no explorer
        section without it, or without entries).
    """

    title: str
    summary: tuple[tuple[str, str], ...]
    config_text: str
    sections: tuple[Section, ...]
    passages: tuple[Passage, ...]
    footer: str = ""
    explorer: dict | None = None

    def __post_init__(self) -> None:
        _check_text("ReportData.title", self.title, empty=False)
        summary = _check_tuple("ReportData.summary", self.summary)
        for i, row in enumerate(summary):
            if not isinstance(row, (tuple, list)) or len(row) != 2:
                raise ValueError(f"ReportData.summary[{i}] must be a (label, value) pair, got {row!r}")
            _check_text(f"ReportData.summary[{i}] label", row[0])
            _check_text(f"ReportData.summary[{i}] value", row[1])
        object.__setattr__(self, "summary", tuple(tuple(row) for row in summary))
        _check_text("ReportData.config_text", self.config_text)
        sections = _check_tuple("ReportData.sections", self.sections)
        seen: set[str] = set()
        for i, section in enumerate(sections):
            if not isinstance(section, Section):
                raise TypeError(f"ReportData.sections[{i}] must be a Section, got {type(section).__name__}")
            if section.id in seen:
                raise ValueError(f"ReportData.sections: duplicate section id {section.id!r}")
            seen.add(section.id)
        object.__setattr__(self, "sections", sections)
        passages = _check_tuple("ReportData.passages", self.passages)
        for i, passage in enumerate(passages):
            if not isinstance(passage, Passage):
                raise TypeError(f"ReportData.passages[{i}] must be a Passage, got {type(passage).__name__}")
        object.__setattr__(self, "passages", passages)
        _check_text("ReportData.footer", self.footer)
        if self.explorer is not None and not (isinstance(self.explorer, dict)
                                              and isinstance(self.explorer.get("entries"), list)):
            raise TypeError(f"ReportData.explorer must be None or a dict from explorer_data(), "
                            f"got {type(self.explorer).__name__}")


# ---------------------------------------------------------------- passages


def _missing_columns(name: str, frame: Any, required: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {', '.join(missing)}; it needs {', '.join(required)}")


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (between paragraph-end characters) around ``[start, end)``."""
    left = max(text.rfind(c, 0, start) for c in _NEWLINES) + 1
    right = min((i for i in (text.find(c, end) for c in _NEWLINES) if i >= 0), default=len(text))
    return left, right


def _window(text: str, base: tuple[int, int], hit: tuple[int, int], width: int) -> tuple[int, int]:
    """About ``width`` characters of ``base`` around ``hit``, cut at word boundaries."""
    lo, hi = base
    start, end = hit
    if hi - lo <= width:
        return lo, hi
    room = max(0, width - (end - start))
    left = min(room // 2, start - lo)
    right = min(room - left, hi - end)
    left = min(room - right, start - lo)
    s, e = start - left, end + right
    if s > lo and not text[s - 1].isspace() and not text[s].isspace():
        while s < start and not text[s].isspace():  # drop the cut word
            s += 1
    if e < hi and not text[e - 1].isspace() and not text[e].isspace():
        while e > end and not text[e - 1].isspace():
            e -= 1
    return s, e


def _strip(text: str, s: int, e: int, hit: tuple[int, int]) -> tuple[int, int]:
    while s < hit[0] and text[s].isspace():
        s += 1
    while e > hit[1] and text[e - 1].isspace():
        e -= 1
    return s, e


class _Document:
    """Sentences, quotes and hits of one document, computed once."""

    __slots__ = ("doc_id", "outlet", "text", "_sentences", "_starts", "_quotes")

    def __init__(self, doc_id: str, outlet: str, text: str) -> None:
        self.doc_id, self.outlet, self.text = doc_id, outlet, text
        self._sentences: list[tuple[int, int]] | None = None
        self._starts: list[int] = []
        self._quotes: tuple[tuple[int, int], ...] | None = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        if self._sentences is None:
            self._sentences = sentence_spans(self.text)
            self._starts = [s for s, _ in self._sentences]
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and start < self._sentences[i][1]:
            s, e = self._sentences[i]
            return min(s, start), max(e, end)
        return start, end  # not inside a sentence span: the hit alone, widened by the caller's width

    def quotes(self, s: int, e: int) -> tuple[tuple[int, int], ...]:
        if self._quotes is None:
            self._quotes = quoted_intervals(self.text)
        return tuple((max(qs, s) - s, min(qe, e) - s) for qs, qe in self._quotes if qs < e and qe > s)


def _documents(frame: pd.DataFrame, part: str, doc_ids: set[str]) -> dict[str, _Document]:
    ids = frame["doc_id"].astype(str)
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        raise ValueError(f"frame has duplicate doc_id values: {', '.join(map(repr, dupes[:5]))}")
    keep = ids.isin(doc_ids).to_numpy()
    docs = {}
    for doc_id, outlet, text in zip(ids[keep], frame["outlet"][keep], frame[part][keep]):
        if not isinstance(text, str):
            raise ValueError(f"frame {part} of document {doc_id!r} is {text!r}, but hits refer to it")
        docs[doc_id] = _Document(doc_id, str(outlet), text)
    unknown = sorted(doc_ids - docs.keys())
    if unknown:
        raise ValueError(f"hits refer to doc_id(s) not in frame: {', '.join(map(repr, unknown[:5]))}")
    return docs


def _check_hit(doc: _Document, outlet: str, start: int, end: int, matched: str) -> None:
    if doc.outlet != outlet or not 0 <= start < end <= len(doc.text) or doc.text[start:end] != matched:
        raise ValueError(
            f"hit ({start}, {end}) {matched!r} of outlet {outlet!r} does not match document {doc.doc_id!r} "
            f"(outlet {doc.outlet!r}, {len(doc.text)} characters); were the hits computed on this frame?"
        )


def select_passages(frame: pd.DataFrame, hits: pd.DataFrame, *, per_cell: int = 2, width: int = 240) -> tuple[Passage, ...]:
    """Pick example passages (keyword in context) per category and outlet.

    Parameters
    ----------
    frame : DataFrame
        A corpus with columns ``doc_id``, ``outlet`` and the scored part
        (``text`` usually; other columns are ignored); doc ids are
        compared as strings.
    hits : DataFrame
        Columns :data:`framing.match.scoring.HIT_COLUMNS`, as from
        ``framing.match.scoring.hits(frame, part=...)``: offsets into the
        column named by ``part`` (one part for all rows), ``text``
        below.
    per_cell : int, keyword-only
        Passages per (category, outlet) cell, at most; 0 gives none.
    width : int, keyword-only
        A sentence longer than this (in characters, >= 20) is trimmed to
        about this many characters around the hit, at word boundaries.

    Returns
    -------
    tuple of Passage
        Sorted by category, then outlet, then ``(doc_id, offset)``.

    Notes
    -----
    Deterministic: in each cell the candidate hits are ordered by
    ``(doc_id, start, end, entry, negated)``.  The first hit of each
    document is taken in that order (distinct documents first); when
    the cell has fewer documents than ``per_cell`` the remaining slots
    take the next hits that lie outside the excerpts already chosen.

    The excerpt is the sentence containing the hit
    (:func:`framing.text.sentence_spans`), kept within the hit's
    paragraph (line), trimmed to ``width`` as above, then widened so
    that no hit of the category is cut in two, and stripped of white
    space at the ends.  ``Passage.text`` is exactly
    ``text[offset:offset + len(passage.text)]``; ``cut_before`` and
    ``cut_after`` say where the sentence was trimmed.  ``hits`` holds
    every hit of the category inside the excerpt (negated ones too),
    ``quotes`` the quoted intervals of the whole text
    (:func:`framing.quotes.quoted_intervals`) clipped to the excerpt.

    Raises
    ------
    ValueError
        If a column is missing, ``per_cell`` < 0 or ``width`` < 20, the
        hits mix several parts, a hit refers to a document not
        in ``frame`` (or its offsets do not match the text), or doc ids
        repeat in ``frame``.
    TypeError
        If ``frame`` or ``hits`` is not a DataFrame, or ``per_cell`` or
        ``width`` is not an integer.
    """
    _missing_columns("hits", hits, HIT_COLUMNS)
    parts = sorted(set(map(str, hits["part"].unique())))
    if len(parts) > 1:
        raise ValueError(f"hits mix the parts {', '.join(parts)}; pass the hits of one part (offsets into one column)")
    part = parts[0] if parts else "text"
    _missing_columns("frame", frame, (*_PASSAGE_FRAME_COLUMNS, part))
    per_cell = check_int("per_cell", per_cell, low=0)
    width = check_int("width", width, low=20)
    if per_cell == 0 or hits.empty:
        return ()
    h = pd.DataFrame({
        "category": hits["category"].astype(str), "outlet": hits["outlet"].astype(str),
        "doc_id": hits["doc_id"].astype(str), "start": hits["start"].astype("int64"),
        "end": hits["end"].astype("int64"), "entry": hits["entry"].astype(str),
        "negated": hits["negated"].astype(bool), "matched_text": hits["matched_text"].astype(str),
    }).sort_values(["category", "outlet", "doc_id", "start", "end", "entry", "negated"], kind="mergesort")
    firsts = h.drop_duplicates(["category", "outlet", "doc_id"]).groupby(["category", "outlet"], sort=True)
    n_docs = firsts.size()
    chosen = firsts.head(per_cell)
    short = set(n_docs.index[n_docs < per_cell])
    # cells with fewer documents than per_cell take further hits of those documents
    wanted = set(chosen["doc_id"])
    docs = _documents(frame, part, wanted)
    pool = h[h["doc_id"].isin(wanted)]
    by_doc: dict[tuple[str, str], list[tuple[int, int, str, bool, str, str]]] = {}
    for cat, outlet, doc_id, start, end, entry, neg, matched in pool.itertuples(index=False, name=None):
        by_doc.setdefault((doc_id, cat), []).append((start, end, entry, neg, matched, outlet))

    out: list[Passage] = []
    for (cat, outlet), cell in chosen.groupby(["category", "outlet"], sort=True):
        taken: list[Passage] = []
        for doc_id, start, end in zip(cell["doc_id"], cell["start"], cell["end"]):
            taken.append(_passage(docs[doc_id], cat, outlet, int(start), int(end), by_doc[(doc_id, cat)], width))
        if (cat, outlet) in short:
            for doc_id in cell["doc_id"]:
                for start, end, _, _, _, hit_outlet in by_doc[(doc_id, cat)]:
                    if len(taken) >= per_cell:
                        break
                    if hit_outlet != outlet or any(
                        p.doc_id == doc_id and p.offset <= start < p.offset + len(p.text) for p in taken
                    ):
                        continue
                    taken.append(_passage(docs[doc_id], cat, outlet, start, end, by_doc[(doc_id, cat)], width))
        out.extend(sorted(taken, key=lambda p: (p.doc_id, p.offset, len(p.text))))
    return tuple(out)


def _passage(doc: _Document, category: str, outlet: str, start: int, end: int,
             cat_hits: list[tuple[int, int, str, bool, str, str]], width: int) -> Passage:
    for h_start, h_end, _, _, matched, h_outlet in cat_hits:
        _check_hit(doc, h_outlet, h_start, h_end, matched)
    text = doc.text
    base = doc.sentence(start, end)
    para = _paragraph(text, start, end)
    base = _strip(text, max(base[0], para[0]), min(base[1], para[1]), (start, end))
    s, e = _window(text, base, (start, end), width)
    changed = True
    while changed:  # never cut a hit of the category in two
        changed = False
        for h_start, h_end, *_ in cat_hits:
            if h_start < s < h_end:
                s, changed = h_start, True
            if h_start < e < h_end:
                e, changed = h_end, True
    s, e = _strip(text, s, e, (start, end))
    inside = sorted({(hs - s, he - s, entry, neg) for hs, he, entry, neg, _, _ in cat_hits if s <= hs and he <= e})
    return Passage(doc_id=doc.doc_id, outlet=outlet, category=category, text=text[s:e], offset=s,
                   hits=tuple(inside), quotes=doc.quotes(s, e), cut_before=s > base[0], cut_after=e < base[1])


# ---------------------------------------------------------------- formatting


def _esc(value: str) -> str:
    return html.escape(_INVALID.sub("\ufffd", value), quote=True)


def _href(href: str) -> str:
    from urllib.parse import quote

    return _esc(quote(href, safe="/%._-~+()!,;=@&#?"))


def _format_float(x: float) -> str:
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "\u221e" if x > 0 else "\u2212\u221e"
    if x == 0:
        return "0"
    a = abs(x)
    if a < 1e-3 or a >= 1e15:
        mantissa, exponent = f"{x:.3e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{exponent}"
    digits = math.floor(math.log10(a)) + 1
    s = f"{x:.{max(0, 4 - digits)}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def format_value(value: Any) -> str:
    """Format a table cell as plain (unescaped) text.

    Floats: 4 significant digits without trailing zeros, integer digits
    kept (``12345.6`` → ``"12346"``, ``0.012345`` → ``"0.01235"``);
    scientific notation when the absolute value is below 0.001 or at
    least 1e15 (``3.2e-07``); NaN, None, ``pd.NA`` and ``NaT`` → ``"–"``;
    infinities → ``"∞"``/``"−∞"``.  Integers in full, bools as
    ``True``/``False``, anything else by ``str``.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return _format_float(float(value))
    if isinstance(value, (np.datetime64, np.timedelta64)) and np.isnat(value):
        return MISSING
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


_SHORT_CELL = 40  # cells up to this length stay on one line ("civic-sentinel" is not broken at its hyphen)


def _cell(value: Any) -> str:
    text = format_value(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS] + ELLIPSIS
    if _is_number(value):
        return f'<td class="num">{_esc(text)}</td>'
    if len(text) > _SHORT_CELL:
        return f'<td class="long">{_esc(text)}</td>'
    return f"<td>{_esc(text)}</td>"


def _count(n: int) -> str:
    return f"{n:,}"


def _paragraphs(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p{attr}>{_esc(p)}</p>\n" for p in parts)


# ---------------------------------------------------------------- blocks


def _table_frame(frame: pd.DataFrame) -> pd.DataFrame:
    index = frame.index
    default = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None
    if not default:
        frame = frame.reset_index()
    return frame


def _column_name(column: Any) -> str:
    if isinstance(column, tuple):
        return " / ".join(str(c) for c in column if str(c))
    return str(column)


def _render_table(block: TableBlock) -> str:
    frame = _table_frame(block.frame)
    total = len(frame)
    shown = frame.iloc[: block.max_rows]
    if block.collapsed:
        size = f"{_count(total)} row{'' if total == 1 else 's'} \u00d7 {len(frame.columns)} columns"
        out = [f'<details class="block table-block">\n<summary>{_esc(block.title)} '
               f'<span class="more">({size})</span></summary>\n', _paragraphs(block.note, "note")]
    else:
        out = [f'<div class="block table-block">\n<h3>{_esc(block.title)}</h3>\n', _paragraphs(block.note, "note")]
    if len(frame.columns) == 0 or total == 0:
        out.append('<p class="empty">(no rows)</p>\n' if total == 0 else '<p class="empty">(no columns)</p>\n')
    else:
        out.append('<div class="scroll"><table class="data">\n<thead><tr>')
        for column, dtype in zip(frame.columns, frame.dtypes):
            numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            cls = ' class="num"' if numeric else ""
            out.append(f'<th scope="col"{cls}>{_esc(_column_name(column))}</th>')
        out.append("</tr></thead>\n<tbody>\n")
        for row in shown.itertuples(index=False, name=None):
            out.append("<tr>" + "".join(_cell(v) for v in row) + "</tr>\n")
        out.append("</tbody>\n</table></div>\n")
    link = f'<a href="{_href(block.href)}">{_esc(block.href)}</a>'
    if total > len(shown):
        out.append(f'<p class="more">showing {_count(len(shown))} of {_count(total)} rows \u2014 full table: {link}</p>\n')
    else:
        rows = "1 row" if total == 1 else f"{_count(total)} rows"
        out.append(f'<p class="more">{rows} \u2014 full table: {link}</p>\n')
    out.append("</details>\n" if block.collapsed else "</div>\n")
    return "".join(out)


def _render_figure(block: FigureBlock) -> str:
    width, height = block.size
    data = base64.b64encode(block.png).decode("ascii")
    alt = block.alt or block.title
    caption = _esc(block.caption) + " " if block.caption else ""
    return (
        f'<figure class="block figure-block">\n<h3>{_esc(block.title)}</h3>\n'
        f'<a class="zoom" href="{_href(block.href)}" title="Click to enlarge">'
        f'<img src="data:image/png;base64,{data}" alt="{_esc(alt)}" width="{width}" height="{height}"></a>\n'
        f'<figcaption>{caption}<span class="more">Click the figure to enlarge it; full resolution: '
        f'<a href="{_href(block.href)}">{_esc(block.href)}</a></span></figcaption>\n</figure>\n'
    )


def _render_text(block: TextBlock) -> str:
    title = f"<h3>{_esc(block.title)}</h3>\n" if block.title else ""
    return f'<div class="block text-block">\n{title}{_paragraphs(block.text)}</div>\n'


def _render_block(block: Block) -> str:
    if isinstance(block, TableBlock):
        return _render_table(block)
    if isinstance(block, FigureBlock):
        return _render_figure(block)
    return _render_text(block)


# ---------------------------------------------------------------- excerpts


class _Open:
    """An open tag whose classes may still grow (``cue-end``)."""

    __slots__ = ("tag", "classes", "title")

    def __init__(self, tag: str, classes: list[str], title: str | None = None) -> None:
        self.tag, self.classes, self.title = tag, classes, title

    def __str__(self) -> str:
        title = f' title="{_esc(self.title)}"' if self.title is not None else ""
        return f'<{self.tag} class="{" ".join(self.classes)}"{title}>'


def _render_excerpt(passage: Passage) -> str:
    """The excerpt with nested ``<span class="q">`` and ``<mark class="cue">``.

    The text is split at every hit and quote boundary; for each segment
    the wanted stack of open elements is (the quote, then the hits
    containing it ordered by start); elements beyond the common prefix
    with the current stack are closed and the rest opened, so the markup
    is always properly nested (an element crossing another one's
    boundary is closed and reopened, the pieces marked ``-start`` and
    ``-end`` at the true ends).
    """
    text = passage.text
    order = sorted(range(len(passage.hits)), key=lambda i: (passage.hits[i][0], -passage.hits[i][1], i))
    hits = [passage.hits[i] for i in order]
    bounds = sorted({0, len(text), *(b for h in hits for b in h[:2]), *(b for q in passage.quotes for b in q)})
    out: list[Any] = []
    stack: list[tuple[tuple[str, int], _Open]] = []
    for a, b in pairwise(bounds):
        want: list[tuple[str, int]] = [("q", i) for i, (qs, qe) in enumerate(passage.quotes) if qs <= a and b <= qe]
        want += [("h", i) for i, (hs, he, _, _) in enumerate(hits) if hs <= a and b <= he]
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep][0] == want[keep]:
            keep += 1
        _close(out, stack, keep, a, passage.quotes, hits)
        for key in want[keep:]:
            kind, i = key
            if kind == "q":
                tag = _Open("span", ["q"] + (["q-start"] if passage.quotes[i][0] == a else []))
            else:
                start, _, entry, negated = hits[i]
                classes = ["cue"] + (["neg"] if negated else []) + (["cue-start"] if start == a else [])
                tag = _Open("mark", classes, entry + (" (negated)" if negated else ""))
            out.append(tag)
            stack.append((key, tag))
        out.append(_esc(text[a:b]))
    _close(out, stack, 0, len(text), passage.quotes, hits)
    return "".join(map(str, out))


def _close(out: list[Any], stack: list[tuple[tuple[str, int], _Open]], keep: int, at: int,
           quotes: tuple[tuple[int, int], ...], hits: list[tuple[int, int, str, bool]]) -> None:
    while len(stack) > keep:
        (kind, i), tag = stack.pop()
        if kind == "q":
            if quotes[i][1] == at:
                tag.classes.append("q-end")
            out.append("</span>")
        else:
            if hits[i][1] == at:
                tag.classes.append("cue-end")
            out.append("</mark>")


def _render_passages(passages: tuple[Passage, ...]) -> str:
    out = ['<section id="passages">\n<h2>Example passages</h2>\n']
    out.append(
        '<div class="legend"><span><mark class="cue cue-start cue-end">cue</mark> a lexicon hit (hover for the '
        'entry)</span> <span><mark class="cue neg cue-start cue-end">cue</mark> a negated hit, not counted</span> '
        '<span><span class="q q-start q-end">\u201cquoted speech\u201d</span> hits inside quotes are the '
        "source\u2019s words, not the outlet\u2019s voice</span></div>\n"
    )
    if not passages:
        out.append('<p class="empty">No example passages (no cue hits were selected).</p>\n</section>\n')
        return "".join(out)
    groups: dict[str, dict[str, list[Passage]]] = {}
    for passage in passages:
        groups.setdefault(passage.category, {}).setdefault(passage.outlet, []).append(passage)
    for category in sorted(groups):
        out.append(f'<div class="category">\n<h3>{_esc(category)}</h3>\n')
        for outlet in sorted(groups[category]):
            out.append(f'<h4><span class="label">outlet</span> {_esc(outlet)}</h4>\n')
            for p in groups[category][outlet]:
                before = f'<span class="cut">{ELLIPSIS}</span>' if p.cut_before else ""
                after = f'<span class="cut">{ELLIPSIS}</span>' if p.cut_after else ""
                where = f"characters {_count(p.offset)}\u2013{_count(p.offset + len(p.text))}"
                out.append(
                    f'<div class="passage">\n<p class="excerpt">{before}{_render_excerpt(p)}{after}</p>\n'
                    f'<p class="source"><span class="doc">{_esc(p.doc_id)}</span> \u00b7 {_esc(p.outlet)} \u00b7 '
                    f"{where}</p>\n</div>\n"
                )
        out.append("</div>\n")
    out.append("</section>\n")
    return "".join(out)


# ---------------------------------------------------------------- page

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1f2328;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 70rem; margin: 0 auto; padding: 1.5rem 2rem 2rem; }
header { border-bottom: 3px solid #0072b2; padding-bottom: .6rem; margin-bottom: 1rem; }
header h1 { margin: 0; font-size: 1.9rem; line-height: 1.25; }
header p { margin: .3rem 0 0; color: #59636e; font-size: .9rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid #d1d9e0; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: .95rem; margin: 1rem 0 .3rem; }
a { color: #0061a3; }
nav#contents { background: #f6f8fa; border: 1px solid #d1d9e0; border-radius: 6px; padding: .5rem 1.2rem; }
nav#contents h2 { font-size: 1rem; margin: .2rem 0; border: 0; padding: 0; }
nav#contents ol { margin: .2rem 0 .3rem; padding-left: 1.4rem; }
.intro, .note { color: #3d444d; }
.note { font-size: .9rem; margin: .2rem 0 .5rem; }
.more, .source, .empty { color: #59636e; font-size: .85rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: .85rem; }
table.data th, table.data td { padding: .25rem .5rem; border-bottom: 1px solid #e4e8ec; text-align: left;
  vertical-align: top; white-space: nowrap; }
table.data td.long { white-space: normal; min-width: 12rem; }
table.data thead th { background: #f0f3f6; border-bottom: 2px solid #8b949e; white-space: normal; }
table.data tbody tr:nth-child(even) { background: #fafbfc; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th, table.summary td { padding: .2rem 1rem .2rem 0; text-align: left; vertical-align: top;
  border-bottom: 1px solid #eef1f4; }
table.summary th { font-weight: 600; white-space: nowrap; }
details { margin: .8rem 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: #f6f8fa; border: 1px solid #d1d9e0; border-radius: 6px; padding: .7rem 1rem; font-size: .8rem;
  line-height: 1.4; white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e4e8ec; cursor: zoom-in; }
figure.zoomed { position: fixed; inset: 0; z-index: 10; margin: 0; padding: 1rem; overflow: auto;
  background: rgba(255, 255, 255, .97); }
figure.zoomed img { max-width: none; cursor: zoom-out; }
details.table-block > summary { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
details.long-value { margin: 0; }
details.long-value > summary { font-weight: normal; }
table.data th.sortable { cursor: pointer; }
table.data th[aria-sort=ascending]::after { content: " \25b2"; font-size: .7em; }
table.data th[aria-sort=descending]::after { content: " \25bc"; font-size: .7em; }
.explorer-cols { display: flex; gap: 1.2rem; align-items: flex-start; }
.explorer-list { flex: 0 0 16rem; max-height: 32rem; overflow-y: auto; margin: 0; padding-left: 1.6rem;
  font-size: .85rem; }
.explorer-view { flex: 1 1 auto; min-width: 0; }
button.linkish { font: inherit; color: #0061a3; background: none; border: 0; padding: 0; cursor: pointer;
  text-decoration: underline; }
input.filter { font: inherit; font-size: .85rem; padding: .15rem .4rem; margin: .2rem 0 .4rem; width: 16rem;
  max-width: 100%; border: 1px solid #d1d9e0; border-radius: 4px; }
figcaption { font-size: .9rem; color: #3d444d; margin-top: .3rem; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.4rem; font-size: .85rem; background: #f6f8fa;
  border: 1px solid #d1d9e0; border-radius: 6px; padding: .5rem .9rem; }
.category { margin-bottom: 1.2rem; }
.label { font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: #59636e; font-weight: 600; }
.passage { border-left: 3px solid #d1d9e0; padding: .1rem 0 .1rem .9rem; margin: .5rem 0 .9rem;
  break-inside: avoid; }
.excerpt { margin: 0; font-family: Georgia, "Times New Roman", serif; font-size: 1.02rem; line-height: 1.75; }
.source { margin: .1rem 0 0; }
.doc { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .8rem; color: #1f2328; }
.cut { color: #8b949e; }
mark, .q { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
mark.cue { background: #fde2ad; color: inherit; border-bottom: 2px solid #e69f00; padding: 0; }
mark.cue.cue-start { padding-left: .08em; }
mark.cue.cue-end { padding-right: .08em; }
mark.cue mark.cue { padding: 0; }
mark.cue.neg { background: #ececec; border-bottom: 2px dashed #6e7781; text-decoration: line-through;
  text-decoration-thickness: 2px; color: #3d444d; }
mark.cue.neg.cue-end::after { content: "negated"; display: inline-block; margin-left: .3em; padding: 0 .3em;
  border: 1px solid #6e7781; border-radius: 3px; font: 600 .62rem/1.5 system-ui, sans-serif;
  text-transform: uppercase; letter-spacing: .04em; color: #3d444d; background: #fff; vertical-align: .15em; }
.q { background: #dbeefa; border-radius: 2px; }
.q.q-start { border-left: 3px solid #0072b2; padding-left: .15em; }
.q.q-start::before { content: "quoted"; display: inline-block; margin-right: .3em; padding: 0 .3em;
  border-radius: 3px; font: 600 .62rem/1.5 system-ui, sans-serif; text-transform: uppercase;
  letter-spacing: .04em; color: #fff; background: #0072b2; vertical-align: .15em; }
footer { margin-top: 2.5rem; padding-top: .6rem; border-top: 1px solid #d1d9e0; color: #59636e; font-size: .85rem; }
@media print {
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table.data td, table.data th { white-space: normal; }
  a { color: inherit; }
  h2, h3, h4 { break-after: avoid; }
  figure, .table-block tr { break-inside: avoid; }
  input.filter { display: none; }
}
"""


def _summary_value(value: str) -> str:
    """A summary value; a long one (a list of 182 outlets) collapsed
    behind its start, cut at a comma or space."""
    if len(value) <= MAX_SUMMARY_CHARS:
        return _esc(value)
    head = value[:MAX_SUMMARY_CHARS]
    cut = max(head.rfind(", "), head.rfind(" "))
    head = head[:cut] if cut > MAX_SUMMARY_CHARS // 2 else head
    return (f'<details class="long-value"><summary>{_esc(head)}{ELLIPSIS} <span class="more">(show all, '
            f'{_count(len(value))} characters)</span></summary>{_esc(value)}</details>')


SCRIPT = """
(function () {
  "use strict";
  function key(cell) {
    var t = cell.textContent.trim().replace("\u2212", "-");
    if (cell.classList.contains("num")) {
      if (t === "\u221e") return [0, Infinity];
      if (t === "-\u221e") return [0, -Infinity];
      var x = parseFloat(t);
      return isNaN(x) ? [1, 0] : [0, x];
    }
    return [0, t.toLowerCase()];
  }
  function compare(a, b) {
    if (a[0] !== b[0]) return a[0] - b[0];
    return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.data"), function (table) {
    var body = table.tBodies[0], heads = table.tHead ? table.tHead.rows[0].cells : [];
    if (!body) return;
    var original = Array.prototype.slice.call(body.rows);
    Array.prototype.forEach.call(heads, function (th, i) {
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.title = "Sort by this column";
      function sort() {
        var state = th.getAttribute("aria-sort");
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        var rows = original.slice();
        if (state !== "descending") {
          var dir = state === "ascending" ? -1 : 1;
          rows.sort(function (a, b) {
            var c = compare(key(a.cells[i]), key(b.cells[i]));
            return a[0] === 1 ? c : c * dir;
          });
          th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        }
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
    if (original.length < 6) return;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "filter";
    box.placeholder = "Filter rows\u2026";
    box.setAttribute("aria-label", "Filter the rows of this table");
    box.addEventListener("input", function () {
      var q = box.value.trim().toLowerCase();
      original.forEach(function (r) { r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0; });
    });
    var wrap = table.parentNode;
    wrap.parentNode.insertBefore(box, wrap);
  });
  Array.prototype.forEach.call(document.querySelectorAll("figure a.zoom"), function (link) {
    link.addEventListener("click", function (e) {
      e.preventDefault();
      link.parentNode.classList.toggle("zoomed");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    Array.prototype.forEach.call(document.querySelectorAll("figure.zoomed"), function (f) { f.classList.remove("zoomed"); });
  });
})();
"""
"""The page's one inline script: sortable columns (click a header: ascending,
descending, original order; numbers by value, missing last), a filter box
over each table of more than five rows, click to enlarge a figure (Escape
closes).  Without it the page reads the same."""


def render_report(data: ReportData) -> str:
    """Render the report as one self-contained HTML5 document.

    Parameters
    ----------
    data : ReportData

    Returns
    -------
    str
        The page; deterministic (the same data give the same string).
        Write it as UTF-8.

    Raises
    ------
    TypeError
        If ``data`` is not a :class:`ReportData`.
    """
    if not isinstance(data, ReportData):
        raise TypeError(f"data must be a ReportData, got {type(data).__name__}")
    explorer = render_explorer(data.explorer) if data.explorer is not None else ""
    toc = ([("run", "What was run")] + [(s.id, s.title) for s in data.sections]
           + ([("explorer", "Cue explorer")] if explorer else []) + [("passages", "Example passages")])
    out = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{_esc(data.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        f"<header>\n<h1>{_esc(data.title)}</h1>\n<p>A self-contained report: no network needed. "
        "Tables show their first rows and key columns; each links its full CSV. Click a column header to sort, "
        "a figure to enlarge it.</p>\n</header>\n",
        '<nav id="contents" aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n',
        *(f'<li><a href="#{sid}">{_esc(title)}</a></li>\n' for sid, title in toc),
        "</ol>\n</nav>\n<main>\n",
        '<section id="run">\n<h2>What was run</h2>\n',
    ]
    if data.summary:
        out.append('<table class="summary">\n<tbody>\n')
        out.extend(f'<tr><th scope="row">{_esc(k)}</th><td>{_summary_value(v)}</td></tr>\n' for k, v in data.summary)
        out.append("</tbody>\n</table>\n")
    out.append(f"<details>\n<summary>Resolved configuration</summary>\n<pre>{_esc(data.config_text)}</pre>\n</details>\n")
    out.append("</section>\n")
    for section in data.sections:
        out.append(f'<section id="{section.id}">\n<h2>{_esc(section.title)}</h2>\n{_paragraphs(section.intro, "intro")}')
        out.extend(_render_block(block) for block in section.blocks)
        out.append("</section>\n")
    out.append(explorer)
    out.append(_render_passages(data.passages))
    out.append("</main>\n<footer>\n")
    out.append(_paragraphs(data.footer) if data.footer.strip() else "")
    out.append(f"</footer>\n</div>\n<script>{SCRIPT}</script>\n</body>\n</html>\n")
    return "".join(out)


# ---------------------------------------------------------------- lexicon validation

#: Columns of :func:`validation_readings`.
VALIDATION_READING_COLUMNS: tuple[str, ...] = (
    "category", "coded", "precision [CI]", "hits", "alpha [CI]", "recall [CI]", "reading")


def _share(value: float) -> str:
    return "NA" if value is None or pd.isna(value) else f"{100 * value:.0f}%"


def _share_interval(value: float, low: float, high: float) -> str:
    if value is None or pd.isna(value):
        return MISSING
    if pd.isna(low) or pd.isna(high):
        return _share(value)
    return f"{_share(value)} [{100 * low:.0f}\u2013{100 * high:.0f}%]"


def _alpha_text(value: float, low: float, high: float) -> str:
    if value is None or pd.isna(value):
        return MISSING
    if pd.isna(low) or pd.isna(high):
        return f"{value:.2f}"
    return f"{value:.2f} [{low:.2f}, {high:.2f}]"


def validation_readings(precision: pd.DataFrame, agreement: pd.DataFrame,
                        recall: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key figures and a reading per category of a lexicon validation.

    Parameters
    ----------
    precision, agreement, recall : pandas.DataFrame
        :attr:`framing.stats.validation.Validation.precision`,
        ``.agreement`` and ``.recall`` (recall optional; any may be empty).

    Returns
    -------
    pandas.DataFrame
        :data:`VALIDATION_READING_COLUMNS`: one row for all hits (category
        ``(all hits)``) and one per category, from the consensus codes;
        intervals in brackets, e.g. the reading "insinuation: 47% of
        sampled hits are the cue (95% CI 35–60%; 40 coded), α = 0.71"
        (α of the category's units when two or more coders coded them).
        Categories with sentence samples read their recall instead.
    """
    from ..stats.validation import CONSENSUS

    _missing_columns("precision", precision, ("coder", "level", "category", "n_coded", "n_ties", "precision",
                                              "ci_low", "ci_high", "hits", "confidence"))
    _missing_columns("agreement", agreement, ("scope", "alpha", "ci_low", "ci_high"))
    alphas = {str(row.scope): (row.alpha, row.ci_low, row.ci_high) for row in agreement.itertuples(index=False)}
    rows: list[dict[str, Any]] = []
    cons = precision[(precision["coder"] == CONSENSUS) & precision["level"].isin(["overall", "category"])]
    for row in cons.itertuples(index=False):
        category = "(all hits)" if row.level == "overall" else str(row.category)
        scope = "all" if row.level == "overall" else category
        alpha = alphas.get(scope, (math.nan, math.nan, math.nan))
        pct = f"{row.confidence:.0%}"
        if pd.isna(row.precision):
            text = f"{category}: no coded hit (ties: {int(row.n_ties)})"
        else:
            interval = ("" if pd.isna(row.ci_low) else
                        f"{pct} CI {100 * row.ci_low:.0f}\u2013{100 * row.ci_high:.0f}%; ")
            text = (f"{category}: {_share(row.precision)} of sampled hits are the cue ({interval}"
                    f"{int(row.n_coded)} coded{f', {int(row.n_ties)} ties left out' if row.n_ties else ''})")
        if not pd.isna(alpha[0]):
            text += f", \u03b1 = {alpha[0]:.2f}"
        rows.append({"category": category, "coded": int(row.n_coded),
                     "precision [CI]": _share_interval(row.precision, row.ci_low, row.ci_high),
                     "hits": MISSING if pd.isna(row.hits) else str(int(row.hits)),
                     "alpha [CI]": _alpha_text(*alpha), "recall [CI]": MISSING, "reading": text})
    if recall is not None and not recall.empty:
        _missing_columns("recall", recall, ("coder", "category", "recall", "ci_low", "ci_high", "confidence",
                                            "n_coded_hit", "n_coded_no_hit"))
        for row in recall[recall["coder"] == CONSENSUS].itertuples(index=False):
            alpha = alphas.get(str(row.category), (math.nan, math.nan, math.nan))
            if pd.isna(row.recall):
                note = str(getattr(row, "note", "") or "")
                text = f"{row.category}: recall not estimable" + (f" ({note})" if note else "")
            else:
                text = (f"{row.category}: the lexicon finds {_share(row.recall)} of the sentences expressing it "
                        f"({row.confidence:.0%} CI {100 * row.ci_low:.0f}\u2013{100 * row.ci_high:.0f}%; "
                        f"{int(row.n_coded_hit) + int(row.n_coded_no_hit)} coded sentences)")
            if not pd.isna(alpha[0]):
                text += f", \u03b1 = {alpha[0]:.2f}"
            rows.append({"category": str(row.category), "coded": int(row.n_coded_hit) + int(row.n_coded_no_hit),
                         "precision [CI]": MISSING, "hits": MISSING, "alpha [CI]": _alpha_text(*alpha),
                         "recall [CI]": _share_interval(row.recall, row.ci_low, row.ci_high), "reading": text})
    return pd.DataFrame(rows, columns=list(VALIDATION_READING_COLUMNS))
