"""Tables, figures and the report of a run, in a fixed order.

:func:`write_outputs` is handed everything a run computed
(:class:`framing.experiment.stages.RunTables`) and writes ``config.json``,
then, walking the config — lexicons, comparisons, keyness entries,
classifiers, lexicon validations — every table and figure (the sections of
:mod:`framing.experiment.sections`), then the report.  Nothing here
computes a statistic.  Figures come from :mod:`framing.report.figures`
(rendered with :func:`framing.report.figures.figure_bytes`, byte-stable),
the report from :mod:`framing.report`.  The report inlines a PNG of every
figure and links each table's file (the first format written).

Files go to a sink: :class:`FolderSink` (a run's staging folder: every
file written atomically, its SHA-256 recorded for the manifest) or
:class:`MemorySink` (tests).  A sink has ``put(rel, data)`` for a file
made whole in memory (config, figures, the report) and ``stream(rel,
write)`` for a file written piece by piece: ``write`` is handed a
write-only binary file.

Tables are written per slice of :data:`SLICE_ROWS` rows, so a large table
never exists whole as text or as one Arrow table:

CSV (:func:`write_csv`)
    ``\\n`` line ends, UTF-8, header once; the bytes are exactly
    ``frame.to_csv(index=False, lineterminator="\\n").encode("utf-8")``.
    (A frame with a datetime-like column is handed to one ``to_csv``
    call, which pandas writes per its own chunks: the text of such a
    column depends on the rows formatted together.)
Parquet (:func:`write_parquet`)
    One row group per slice (``pyarrow.parquet.ParquetWriter``, zstd,
    byte-identical for the same frame and pyarrow version).  Columns keep
    their dtypes: integer widths stay, categoricals stay dictionary
    columns (read back as categoricals, unobserved categories kept),
    except a categorical of more than :data:`PARQUET_MAX_CATEGORIES`
    categories (a ``doc_id`` of a large corpus), which is written as plain
    values: a dictionary column would repeat every category in every row
    group.  Parquet's own per-row-group dictionary encoding still stores
    such a column compactly; it reads back as plain values (strings for
    string categories).

A table of more than ``outputs.large_rows`` rows is written in the
formats of ``outputs.large_tables`` (default Parquet only) instead of
``outputs.tables``, and its note in the report says so.
"""

from __future__ import annotations

import io
import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Protocol

import pandas as pd

from .. import __version__
from .helpers import EXPLORER_ENTRIES, EXPLORER_PASSAGES, MAX_PASSAGE_OUTLETS, passage_cells, slug
from .sections import classifier_section, comparison_section, keyness_section, lexicon_section, validation_section
from .store import canonical_bytes, sha256_bytes, write_atomic, write_stream
from .textstore import release_memory

if TYPE_CHECKING:
    from .config import OutputsConfig
    from .stages import RunTables

__all__ = ["PARQUET_MAX_CATEGORIES", "SLICE_ROWS", "TABLE_WRITERS", "FolderSink", "MemorySink", "Sink", "Writer",
           "build_outputs", "table_bytes", "write_csv", "write_outputs", "write_parquet"]

#: Resolution of the PNG inlined in the report: 8-point axis text is 11 px
#: shown at its natural size (the configured formats keep ``outputs.dpi``).
REPORT_DPI = 100
#: Reader warnings shown in the report (all are in run.log).
MAX_WARNINGS_SHOWN = 20
#: Rows per slice when a table is written: CSV text is made and written
#: this many rows at a time, and each Parquet row group holds this many.
SLICE_ROWS = 65_536
#: A categorical column with more categories than this is written to
#: Parquet as plain values, not as a dictionary column (see module notes).
PARQUET_MAX_CATEGORIES = 4_096
#: Names of the table formats in the report's notes.
FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet"}


class Sink(Protocol):
    """Where a run's files go (see the module notes)."""

    def put(self, rel: str, data: bytes) -> None: ...

    def stream(self, rel: str, write: Callable[[BinaryIO], Any]) -> None: ...


class FolderSink:
    """Writes files under ``root`` atomically and records their SHA-256
    (``outputs``: relative path → hex digest, the manifest's outputs)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.outputs: dict[str, str] = {}

    def put(self, rel: str, data: bytes) -> None:
        write_atomic(self.root / rel, data)
        self.outputs[rel] = sha256_bytes(data)

    def stream(self, rel: str, write: Callable[[BinaryIO], Any]) -> None:
        self.outputs[rel] = write_stream(self.root / rel, write)


class MemorySink:
    """Keeps the files in memory (``files``: relative path → bytes)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, rel: str, data: bytes) -> None:
        self.files[rel] = bytes(data)

    def stream(self, rel: str, write: Callable[[BinaryIO], Any]) -> None:
        buffer = io.BytesIO()
        write(buffer)
        self.files[rel] = buffer.getvalue()


def _slices(n_rows: int) -> range:
    """Start rows of the slices (one, empty, for an empty table)."""
    return range(0, max(n_rows, 1), SLICE_ROWS)


def _datetime_like(dtype: Any) -> bool:
    if isinstance(dtype, pd.CategoricalDtype):
        return False  # formatted from its categories, whole
    return isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)) or getattr(dtype, "kind", "") in "mM"


def write_csv(frame: pd.DataFrame, file: BinaryIO) -> None:
    """Write ``frame`` as CSV into a binary file, :data:`SLICE_ROWS` rows
    at a time (the same bytes as one ``to_csv``; see the module notes)."""
    if any(_datetime_like(dtype) for dtype in frame.dtypes):
        text = io.TextIOWrapper(file, encoding="utf-8", newline="", write_through=True)
        frame.to_csv(text, index=False, lineterminator="\n")
        text.flush()
        text.detach()
        return
    for start in _slices(len(frame)):
        piece = frame.iloc[start:start + SLICE_ROWS]
        file.write(piece.to_csv(index=False, header=start == 0, lineterminator="\n").encode("utf-8"))


def _plain_categoricals(frame: pd.DataFrame) -> list[int]:
    """Positions of the categorical columns written as plain values."""
    return [i for i, dtype in enumerate(frame.dtypes)
            if isinstance(dtype, pd.CategoricalDtype) and len(dtype.categories) > PARQUET_MAX_CATEGORIES]


def _parquet_piece(frame: pd.DataFrame, start: int, plain: list[int]) -> pd.DataFrame:
    piece = frame.iloc[start:start + SLICE_ROWS]
    if plain:
        piece = piece.copy()
        for i in plain:
            piece.isetitem(i, piece.iloc[:, i].astype(object))
    return piece


def _parquet_schema(frame: pd.DataFrame, plain: list[int]):
    """The Arrow schema of the whole table: the first slice's, with each
    plain categorical as its categories' type and each object column's
    type inferred from all its values (a first slice of only missing
    values would say null)."""
    import pyarrow as pa

    first = frame.iloc[:SLICE_ROWS]
    fields = list(pa.Schema.from_pandas(first, preserve_index=False).remove_metadata())
    for i, dtype in enumerate(frame.dtypes):
        if i in plain:
            fields[i] = fields[i].with_type(fields[i].type.value_type)
        elif dtype == object:
            fields[i] = fields[i].with_type(pa.infer_type(frame.iloc[:, i].to_numpy(), from_pandas=True))
    # the pandas metadata (column names and dtypes for read_parquet) made for these types
    return pa.Table.from_pandas(_parquet_piece(first, 0, plain), schema=pa.schema(fields),
                                preserve_index=False).schema


def write_parquet(frame: pd.DataFrame, file: BinaryIO) -> None:
    """Write ``frame`` as Parquet into a binary file, one row group of
    :data:`SLICE_ROWS` rows at a time (see the module notes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    plain = _plain_categoricals(frame)
    schema = _parquet_schema(frame, plain)
    with pq.ParquetWriter(file, schema, compression="zstd") as writer:
        for start in _slices(len(frame)):
            table = pa.Table.from_pandas(_parquet_piece(frame, start, plain), schema=schema, preserve_index=False)
            writer.write_table(table, row_group_size=SLICE_ROWS)


#: The table writers by format: ``write(frame, file)``.
TABLE_WRITERS: dict[str, Callable[[pd.DataFrame, BinaryIO], None]] = {"csv": write_csv, "parquet": write_parquet}


def table_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """A table's whole file in one format (:data:`TABLE_WRITERS`), in
    memory: for small tables and tests (a run streams its tables)."""
    if fmt not in TABLE_WRITERS:
        raise ValueError(f"fmt: expected one of {', '.join(TABLE_WRITERS)}, got {fmt!r}")
    buffer = io.BytesIO()
    TABLE_WRITERS[fmt](frame, buffer)
    return buffer.getvalue()


class Writer:
    """Writes tables and figures in the configured formats and returns
    their report blocks (what :mod:`framing.experiment.sections` is handed)."""

    def __init__(self, outputs: OutputsConfig, sink: Sink) -> None:
        from ..report.figures import figure_bytes

        self.sink = sink
        self.outputs = outputs
        self._figure_bytes = figure_bytes

    def put(self, rel: str, data: bytes) -> None:
        """Write one file made whole in memory (a figure, a coding page)."""
        self.sink.put(rel, data)

    def table(self, name: str, frame: pd.DataFrame, title: str, *, note: str = "", shown: pd.DataFrame | None = None,
              collapsed: bool = False):
        """Write a table in the configured formats (``outputs.tables``, or
        ``outputs.large_tables`` for a table of more than
        ``outputs.large_rows`` rows, which the note then says) and return
        its report block: ``shown`` (default the table) in the page,
        linking the first file written; ``collapsed`` puts it behind a
        ``<details>``."""
        from ..report.html import TableBlock

        large = len(frame) > self.outputs.large_rows
        formats = self.outputs.large_tables if large else self.outputs.tables
        href = ""
        for fmt in formats:
            rel = f"tables/{slug(name)}.{fmt}"
            self.sink.stream(rel, partial(TABLE_WRITERS[fmt], frame))
            href = href or rel
            release_memory()  # the slices' text and Arrow buffers (pyarrow's pool)
        if large:
            written = " and ".join(FORMAT_NAMES[fmt] for fmt in formats)
            note = (f"{note} " if note else "") + (
                f"{len(frame):,} rows, more than outputs.large_rows = {self.outputs.large_rows:,}: written as "
                f"{written} (outputs.large_tables).")
        return TableBlock(title=title, frame=frame if shown is None else shown, href=href, note=note,
                          max_rows=self.outputs.report_rows, collapsed=collapsed)

    def figure(self, name: str, fig: Any, title: str, *, caption: str = ""):
        """Write a figure in the configured formats and return its report
        block (None with ``outputs.figures = []``: no figures anywhere)."""
        from ..report.html import FigureBlock

        if not self.outputs.figures:
            return None
        stem = f"figures/{slug(name)}"
        href = ""
        for fmt in self.outputs.figures:
            self.put(f"{stem}.{fmt}", self._figure_bytes(fig, fmt, dpi=self.outputs.dpi))
            href = href or f"{stem}.{fmt}"
        png = self._figure_bytes(fig, "png", dpi=min(self.outputs.dpi, REPORT_DPI))
        return FigureBlock(title=title, png=png, href=href, caption=caption, alt=title)


def _passage_hits(hits: pd.DataFrame, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The hits example passages are drawn from: per category, those of
    the :data:`MAX_PASSAGE_OUTLETS` outlets with the most hits in it (ties
    by outlet name), so a corpus of many outlets keeps a readable report.
    ``counts`` (:func:`~framing.experiment.helpers.hit_counts` of every
    hit) ranks the outlets when ``hits`` holds only some rows."""
    if hits.empty:
        return hits
    if counts is None:
        counts = hits[["category", "outlet"]].astype(str).groupby(["category", "outlet"], sort=True).size() \
            .reset_index(name="n")
    keep = passage_cells(counts, max_outlets=MAX_PASSAGE_OUTLETS)
    mask = [(str(c), str(o)) in keep for c, o in zip(hits["category"], hits["outlet"])]
    return hits[mask].reset_index(drop=True)


def _summary_rows(tables: RunTables) -> tuple[tuple[str, str], ...]:
    facts = tables.corpus.facts
    cfg = tables.config
    filtered = ", ".join(f"{k}: {v}" for k, v in facts["filtered"].items()) or "none"
    skipped = ", ".join(f"{k}: {v}" for k, v in facts["skipped"].items()) or "none"
    rows = [
        ("run", f"{cfg.name} ({tables.run_hash})"),
        ("corpus", facts["source"]),
        ("records read", str(facts["n_read"])),
        ("skipped records", f"{facts['n_skipped']} ({skipped})"),
        ("exact duplicates dropped", str(facts["n_exact_duplicates"])),
        ("near duplicates dropped", str(facts["n_near_duplicates"])),
        ("filtered out", filtered),
        ("documents analysed", str(facts["n_documents"])),
        ("outlets", f"{facts['n_outlets']}, by documents: "
                    + ", ".join(f"{k}: {v}" for k, v in sorted(facts["outlets"].items(), key=lambda kv: (-kv[1], kv[0])))),
        ("dates", f"{facts['date_min']} to {facts['date_max']}" if facts["date_min"] else "none"),
        *_cleaning_rows(facts),
        ("lexicons", ", ".join(f"{k} ({source})" for k, source in tables.lexicon_sources.items())),
        ("scored", f"part = {cfg.preprocessing.part}, voice = {cfg.preprocessing.voice}, "
                   f"rate = {cfg.preprocessing.normalize}"),
        ("seed", str(cfg.seed)),
    ]
    return tuple(rows)


def _cleaning_rows(facts: dict) -> list[tuple[str, str]]:
    """Summary rows of the input cleaning steps (:mod:`framing.experiment.corpus`)."""
    rows = []
    repeated = facts.get("repeated_lines")
    if repeated and repeated.get("mode") == "remove":
        rows.append(("repeated lines moved to boilerplate",
                     f"{repeated['n_lines']} distinct lines, {repeated['n_removed']} occurrences in "
                     f"{repeated['n_documents_changed']} documents"
                     + (" (table removed-lines)" if repeated["n_lines"] else "")))
    dates = facts.get("dates_out_of_range")
    if dates and dates.get("n"):
        rows.append(("dates outside the plausible range", f"{dates['n']} (set to missing; range "
                                                           f"{' to '.join(map(str, dates['range']))})"))
    if facts.get("n_dates_unparsed"):
        rows.append(("dates not understood", str(facts["n_dates_unparsed"])))
    small = facts.get("small_outlets")
    if small and small.get("outlets"):
        what = "dropped" if small.get("dropped") else "kept, flagged"
        rows.append((f"outlets with fewer than {small['min_docs']} documents",
                     f"{len(small['outlets'])} ({what})"))
    if facts.get("outlet_names_masked"):
        rows.append(("outlet self-mentions masked", str(sum(facts["outlet_names_masked"].values()))))
    return rows


def _cleaning_section(w: Writer, facts: dict):
    """The removed-lines table (what the repeated-line step moved out of
    the outlets' voice), or None when nothing was removed."""
    import pandas as pd

    from ..corpus.repeated import REPEATED_COLUMNS
    from ..report.html import Section

    repeated = facts.get("repeated_lines") or {}
    lines = repeated.get("lines") or []
    if not lines:
        return None
    table = pd.DataFrame(lines, columns=list(REPEATED_COLUMNS))
    block = w.table("removed-lines", table, "Repeated lines moved to boilerplate",
                    note="Lines recurring in a large share of one outlet's documents (ads, promos, copyright and "
                         "player notices); they are not counted as the outlet's framing.")
    return Section(id="cleaning", title="Input cleaning", blocks=(block,))


def _passage_frame(tables: RunTables) -> pd.DataFrame:
    """The corpus the passages are cut from: the run's
    ``passage_texts`` (only the texts a passage can come from), else the
    whole corpus."""
    return tables.passage_texts if tables.passage_texts is not None else tables.corpus.frame


def config_text(tables: RunTables) -> str:
    """The resolved config as indented JSON, for the report (without
    ``[runtime]``, like ``config.json``: how a run was executed never
    changes what it computed)."""
    return json.dumps(tables.config.identity(), indent=2, sort_keys=True, ensure_ascii=False)


def build_outputs(tables: RunTables, sink: Sink) -> None:
    """Write every table and figure, then the report, into ``sink`` (see
    the module notes)."""
    from ..report.explorer import explorer_data
    from ..report.html import ReportData, Section, TextBlock, render_report, select_passages

    w = Writer(tables.config.outputs, sink)
    cfg = tables.config
    sections = [lexicon_section(w, result, cfg.preprocessing) for result in tables.lexicons]
    sections += [comparison_section(w, result) for result in tables.comparisons]
    sections += [keyness_section(w, result) for result in tables.keyness]
    sections += [classifier_section(w, result) for result in tables.classifiers]
    sections += [validation_section(w, result) for result in tables.validation]
    cleaning = _cleaning_section(w, tables.corpus.facts)
    if cleaning is not None:
        sections.append(cleaning)
    passages = (select_passages(_passage_frame(tables), _passage_hits(tables.passage_hits, tables.passage_counts),
                                per_cell=cfg.outputs.examples)
                if cfg.outputs.examples else ())
    warned = tables.corpus.facts["reader_warnings"]
    if warned:
        shown = [TextBlock(title="", text=m) for m in warned[:MAX_WARNINGS_SHOWN]]
        if len(warned) > MAX_WARNINGS_SHOWN:
            shown.append(TextBlock(title="", text=f"… and {len(warned) - MAX_WARNINGS_SHOWN} more."))
        sections.append(Section(id="reader-warnings", title="Reader warnings", blocks=tuple(shown)))
    if not cfg.outputs.report:
        return
    data = ReportData(
        title=f"framing run: {cfg.name}",
        summary=_summary_rows(tables),
        config_text=config_text(tables),
        sections=tuple(sections),
        passages=tuple(passages),
        footer=f"framing {__version__} · run {tables.run_hash} · verify with `framing verify <this folder>`",
        explorer=(explorer_data(_passage_frame(tables), tables.passage_hits, per_entry=EXPLORER_PASSAGES,
                                max_entries=EXPLORER_ENTRIES, counts=tables.passage_counts)
                  if cfg.outputs.examples and not tables.passage_hits.empty else None),
    )
    sink.put("report.html", render_report(data).encode("utf-8"))


def write_outputs(tables: RunTables, staging: Path) -> dict[str, str]:
    """Write ``config.json`` and every output under ``staging``; return the
    checked outputs (relative path → SHA-256)."""
    sink = FolderSink(staging)
    sink.put("config.json", canonical_bytes(tables.config.identity()))
    build_outputs(tables, sink)
    return sink.outputs
