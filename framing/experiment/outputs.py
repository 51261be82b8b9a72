"""Tables, figures and the report of a run, in a fixed order.

:func:`write_outputs` is handed everything a run computed
(:class:`framing.experiment.stages.RunTables`) and writes ``config.json``,
then, walking the config — lexicons, comparisons, keyness entries,
classifiers, lexicon validations — every table and figure (the sections of
:mod:`framing.experiment.sections`), then the report.  Nothing here
computes a statistic.  Figures come from :mod:`framing.report.figures`
(rendered with :func:`framing.report.figures.figure_bytes`, byte-stable),
the report from :mod:`framing.report`.  The report inlines a PNG of every
figure and links the files of the configured formats and the full CSV
tables.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from .. import __version__
from .helpers import EXPLORER_ENTRIES, EXPLORER_PASSAGES, MAX_PASSAGE_OUTLETS, passage_cells, slug
from .sections import classifier_section, comparison_section, keyness_section, lexicon_section, validation_section
from .store import canonical_bytes, sha256_bytes, write_atomic
from .textstore import release_memory

if TYPE_CHECKING:
    from .config import OutputsConfig
    from .stages import RunTables

__all__ = ["Writer", "build_outputs", "table_bytes", "write_outputs"]

#: Resolution of the PNG inlined in the report: 8-point axis text is 11 px
#: shown at its natural size (the configured formats keep ``outputs.dpi``).
REPORT_DPI = 100
#: Reader warnings shown in the report (all are in run.log).
MAX_WARNINGS_SHOWN = 20


def table_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    """A table's file in one format: CSV with ``\\n`` line ends, or Parquet."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


class Writer:
    """Writes tables and figures in the configured formats and returns
    their report blocks (what :mod:`framing.experiment.sections` is handed)."""

    def __init__(self, outputs: OutputsConfig, put: Callable[[str, bytes], None]) -> None:
        from ..report.figures import figure_bytes

        self.put = put
        self.outputs = outputs
        self._figure_bytes = figure_bytes

    def table(self, name: str, frame: pd.DataFrame, title: str, *, note: str = "", shown: pd.DataFrame | None = None,
              collapsed: bool = False):
        """Write a table in the configured formats and return its report
        block: ``shown`` (default the table) in the page, linking the
        full file; ``collapsed`` puts it behind a ``<details>``."""
        from ..report.html import TableBlock

        href = ""
        for fmt in self.outputs.tables:
            rel = f"tables/{slug(name)}.{fmt}"
            self.put(rel, table_bytes(frame, fmt))
            href = href or rel
        release_memory()  # the file's bytes (pyarrow-backed text columns write through pyarrow's pool)
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


def build_outputs(tables: RunTables, put: Callable[[str, bytes], None]) -> None:
    """Write every table and figure, then the report (see module notes)."""
    from ..report.explorer import explorer_data
    from ..report.html import ReportData, Section, TextBlock, render_report, select_passages

    w = Writer(tables.config.outputs, put)
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
    put("report.html", render_report(data).encode("utf-8"))


def write_outputs(tables: RunTables, staging: Path) -> dict[str, str]:
    """Write ``config.json`` and every output under ``staging``; return the
    checked outputs (relative path → SHA-256)."""
    outputs: dict[str, str] = {}

    def put(rel: str, data: bytes) -> None:
        write_atomic(staging / rel, data)
        outputs[rel] = sha256_bytes(data)

    put("config.json", canonical_bytes(tables.config.identity()))
    build_outputs(tables, put)
    return outputs
