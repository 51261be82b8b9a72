"""The corpus stage of a run: read, de-duplicate, filter, and say so.

:func:`load_corpus` reads the configured corpus with
:func:`framing.corpus.read_corpus` (a published dataset layout, ``format =
"abp" | "babe" | "newswcl50"``, through :func:`framing.corpus.datasets.load_dataset`
first), drops exact duplicates (``dedupe =
"exact"``: the reader keeps the first of each group of equal normalised
texts) or near duplicates (``dedupe = "near"``: exact ones first, then
every document that :func:`framing.corpus.dedupe.find_near_duplicates` pairs with
an earlier one at ``near_threshold``), then applies ``[corpus.filters]`` in
a fixed order: ``include``, ``exclude``, the date range, ``min_tokens``.
Every step's count is returned in the facts, which the report shows; no
document disappears without being counted.

Cleaning already-extracted text (after the filters, in this order)
    1. ``repeated_lines = "remove"`` (the default): each outlet's repeated
       lines (:func:`framing.corpus.repeated.remove_repeated_lines` with
       ``repeated_min_share``, ``repeated_min_docs``,
       ``repeated_min_outlet_docs``) move from ``text`` to
       ``boilerplate``; documents left without text are dropped and counted
       (``filtered["repeated lines: no text left"]``); then ``min_tokens``
       applies to the cleaned text.  ``"keep"`` leaves the text alone.
    2. ``mask_outlet_names = true``: in ``text`` only, every occurrence of
       the document's own outlet name is replaced by one space (see
       :func:`mask_outlet_names`), so an outlet naming itself ("told The
       Washington Times") is neither scored nor a keyness term.  Off by
       default.
    3. ``date_range = [from, to)`` (default :data:`~.config.DATE_RANGE`;
       ``[]`` turns it off): a date that parses (ISO 8601, else the mixed
       formats :func:`framing.stats.summary.timeseries` accepts) outside
       the range is set to missing (the document stays; its original value
       goes to a ``date_out_of_range`` column), so no time series stretches
       to an impossible year.
    4. ``min_docs``: outlets with fewer documents are listed in the facts
       (``small_outlets``), and dropped and counted
       (``filtered["small outlets (< N documents)"]``) with
       ``drop_small_outlets = true``.

A run's corpus stage calls :func:`load_corpus_store`: the same result,
read as a stream (texts straight into the run's text store, no frame of
all texts; ``dedupe = "near"`` stays in memory).

Filter semantics
    ``include = {col = [values]}`` keeps documents whose ``col`` (as text)
    is one of the values; a missing value never matches.  ``exclude``
    drops documents whose value is listed.  ``date_from`` / ``date_to``
    (inclusive, ISO dates) keep documents whose ``date`` parses as an ISO
    date in the range; documents without a parseable date are dropped when
    a date bound is set, and counted as ``no usable date``.
    ``min_tokens`` keeps documents whose body has at least that many
    tokens (:func:`framing.text.count_tokens`).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from .config import ConfigError, CorpusConfig
from .textstore import CHUNK_ROWS, TEXT_COLUMNS, TextStore, TextStoreWriter, filter_store, split_corpus
from ..corpus.readers import CorpusWarning, ReadReport, iter_documents, iter_records, read_corpus
from ..corpus.repeated import LineCounts, remove_repeated_lines
from ..corpus.datasets import DATASET_FORMATS, iter_dataset, load_dataset
from ..corpus.dedupe import find_near_duplicates
from ..corpus.metadata import MetadataRows
from ..records import Document
from ..text import count_tokens

__all__ = ["apply_filters", "flag_dates", "load_corpus", "load_corpus_store", "mask_outlet_names",
           "outlet_name_variants", "text_values"]


def load_corpus(config: CorpusConfig, *, seed: int) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read, de-duplicate and filter the corpus of a run.

    Returns
    -------
    frame : DataFrame
        The corpus (range index).
    facts : dict
        JSON-ready counts: ``n_read``, ``n_skipped`` and ``skipped`` (per
        reason), ``n_exact_duplicates``, ``n_near_duplicates``,
        ``filtered`` (per filter), ``n_documents``, ``n_outlets``,
        ``outlets`` (documents per outlet), ``date_min``, ``date_max``,
        ``reader_warnings``; and of the cleaning steps (module notes):
        ``repeated_lines`` (``mode``, ``n_lines``, ``n_removed``,
        ``n_documents_changed``, ``per_outlet`` removed occurrences, and
        ``lines``: the rows of
        :func:`~framing.corpus.repeated.find_repeated_lines`, for a
        ``removed-lines`` table), ``outlet_names_masked`` (per outlet, or
        None when off), ``dates_out_of_range`` (``range``, ``n``,
        ``examples``: up to 20 ``{doc_id, date}``), ``n_dates_unparsed``,
        ``small_outlets`` (``min_docs``, ``outlets``: name -> documents,
        ``dropped``).
    """
    if config.format in DATASET_FORMATS:
        source: Any = load_dataset(config.format, config.path)
        fmt = None
    else:
        source, fmt = config.path, None if config.format == "auto" else config.format
    corpus = read_corpus(
        source,
        format=fmt,
        fields=dict(config.fields) or None,
        on_error=config.on_error,
        encoding=config.encoding,
        fallback_encoding=config.fallback_encoding or None,
        dedupe=config.dedupe in ("exact", "near"),
    )
    del source  # the dataset's own frame: read_corpus made the corpus frame from it
    report = corpus.report
    frame = corpus.frame
    del corpus
    n_near = 0
    if config.dedupe == "near" and len(frame) > 1:
        pairs = find_near_duplicates(frame, threshold=config.near_threshold, random_state=seed)
        drop = set(pairs["doc_id_b"].tolist())
        n_near = len(drop)
        frame = frame[~frame["doc_id"].isin(drop)]
    min_tokens = config.filters.min_tokens
    frame, filtered = apply_filters(frame, config, min_tokens=False)
    repeated: dict[str, Any] = {"mode": config.repeated_lines, "n_lines": 0, "n_removed": 0,
                                "n_documents_changed": 0, "per_outlet": {}, "lines": []}
    if config.repeated_lines == "remove" and len(frame):
        # a moved segment has a token character, so a changed text is a shorter one (no copy of the texts kept)
        before = frame["text"].map(lambda t: len(t) if isinstance(t, str) else -1).to_numpy()
        frame, table = remove_repeated_lines(frame, min_share=config.repeated_min_share,
                                             min_docs=config.repeated_min_docs,
                                             min_outlet_docs=config.repeated_min_outlet_docs)
        changed = frame["text"].map(lambda t: len(t) if isinstance(t, str) else -1).to_numpy() != before
        emptied = (frame["text"] == "").to_numpy()
        filtered["repeated lines: no text left"] = int(emptied.sum())
        frame = frame[~emptied]
        repeated.update(n_lines=int(len(table)), n_removed=int(table["n_removed"].sum()),
                        n_documents_changed=int(changed.sum()),
                        per_outlet={str(k): int(v) for k, v in table.groupby("outlet", sort=True)["n_removed"].sum().items()},
                        lines=[{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                               for row in table.to_dict(orient="records")])
    if min_tokens:
        tokens = frame["text"].map(lambda t: count_tokens(t) if isinstance(t, str) else 0)
        keep = tokens >= min_tokens
        filtered["min_tokens"] = int((~keep).sum())
        frame = frame[keep.to_numpy()]
    masked = None
    if config.mask_outlet_names:
        frame, masked = mask_outlet_names(frame)
    frame, facts = _finish(config, frame, report, n_near=n_near, filtered=filtered, repeated=repeated, masked=masked)
    return frame.reset_index(drop=True), facts


def _documents(config: CorpusConfig, report: Callable[[ReadReport], None]) -> Iterator[Document]:
    """The documents ``load_corpus``'s ``read_corpus`` call reads, streamed."""
    options = dict(fields=dict(config.fields) or None, on_error=config.on_error, encoding=config.encoding,
                   fallback_encoding=config.fallback_encoding or None, dedupe=config.dedupe in ("exact", "near"),
                   report=report)
    if config.format in DATASET_FORMATS:  # read_corpus(load_dataset(...)): the table's rows as records
        return iter_records(iter_dataset(config.format, config.path), source="DataFrame", **options)
    return iter_documents(config.path, format=None if config.format == "auto" else config.format, **options)


def load_corpus_store(config: CorpusConfig, folder: Path, *, seed: int,
                      chunk_rows: int = CHUNK_ROWS) -> tuple[pd.DataFrame, dict[str, Any]]:
    """:func:`load_corpus` for a run: the metadata table and the facts,
    with the text parts written to a :class:`~.textstore.TextStore` at
    ``folder``, reading the corpus as a stream (issue 13).

    The result equals ``split_corpus(load_corpus(config, seed=seed)[0])``
    and its facts, and the store's files equal those
    :meth:`TextStore.write` writes for that frame; but no table of all
    texts is built.  The corpus is read twice, one document at a time:

    1. the reader (with its exact de-duplication, which keeps only text
       hashes) gives the metadata of every document (the columns but the
       text parts) and, with ``repeated_lines = "remove"``, the 64-bit
       hashes of each document's distinct line keys
       (:class:`framing.corpus.repeated.LineCounts`); the filters apply to
       the metadata table, and the repeated lines of each outlet follow
       from the hashes of the kept documents;
    2. the second read moves repeated lines, drops documents left without
       text and short ones (``min_tokens``), masks outlet names and
       appends each kept document's text parts to the store (not those of
       outlets with fewer than ``min_docs`` filtered documents, when small
       outlets are dropped); dates and small outlets are then settled on
       the metadata table (when cleaning made another outlet small, the
       store is rewritten without it, one chunk at a time).

    Memory grows with the metadata and the line hashes (~8 bytes a
    distinct line of a document), not with the texts.  ``dedupe =
    "near"`` (MinHash over the whole corpus) and an ``include`` /
    ``exclude`` filter on a text column keep the in-memory
    :func:`load_corpus` (then split and stored).  A corpus that changes
    between the two reads raises ValueError.
    """
    folder = Path(folder)
    text_filter = any(column in TEXT_COLUMNS for column, _ in (*config.filters.include, *config.filters.exclude))
    if config.dedupe == "near" or text_filter:
        frame, facts = load_corpus(config, seed=seed)
        meta, texts = split_corpus(frame)
        TextStore.write(texts, folder, chunk_rows=chunk_rows, column_order=frame.columns)
        return meta, facts
    remove = config.repeated_lines == "remove"
    # pass 1: metadata, line hashes
    reports: list[ReadReport] = []
    metadata = MetadataRows()
    counts = LineCounts() if remove else None
    buffer: list[str] = []
    has = {name: [] for name in ("title", "captions", "boilerplate")}  # a text in the part (its column's dtype)
    for doc in _documents(config, reports.append):
        has["title"].append(doc.title is not None)
        has["captions"].append(doc.captions is not None)
        has["boilerplate"].append(doc.boilerplate is not None)
        metadata.add(doc)
        if counts is not None:
            buffer.append(doc.text)
            if len(buffer) >= chunk_rows:
                counts.add(buffer)
                buffer = []
    if counts is not None and buffer:
        counts.add(buffer)
    del buffer
    report = reports[0]
    n, full = metadata.n, metadata.columns
    meta_all = metadata.frame()
    del metadata
    for kind, pairs in (("include", config.filters.include), ("exclude", config.filters.exclude)):
        for column, _ in pairs:
            if column not in full:
                raise _no_column(column, full, f"corpus.filters.{kind}.{column}")
    kept_frame, filtered = apply_filters(meta_all, config, min_tokens=False)
    alive = np.zeros(n, dtype=bool)
    alive[kept_frame.index.to_numpy()] = True
    del kept_frame
    repeated: dict[str, Any] = {"mode": config.repeated_lines, "n_lines": 0, "n_removed": 0,
                                "n_documents_changed": 0, "per_outlet": {}, "lines": []}
    rule = None
    if remove and alive.any():
        rule = counts.rule(meta_all["outlet"].tolist(), alive, min_share=config.repeated_min_share,
                           min_docs=config.repeated_min_docs, min_outlet_docs=config.repeated_min_outlet_docs)
    del counts
    # the dtypes the parts' columns have in the whole corpus frame: str with any text, else object
    present = {name: np.array(flags, dtype=bool) for name, flags in has.items()}
    del has
    any_text = {"text": True, "title": bool(present["title"].any()), "captions": bool(present["captions"].any()),
                "boilerplate": bool(present["boilerplate"].any())}
    dtypes = {name: pd.Series(["x", None] if flag else [None]).dtype for name, flag in any_text.items()}
    if rule is not None:  # remove_repeated_lines assigns the survivors' boilerplate anew, from the column's values
        if bool(present["boilerplate"][alive].any()) or bool(rule.groups):
            dtypes["boilerplate"] = dtypes["text"]
        elif any_text["boilerplate"]:  # a text column's missing values are NaN: a column of NaN is float64
            dtypes["boilerplate"] = pd.Series([float("nan")]).dtype
        else:
            dtypes["boilerplate"] = pd.Series([None]).dtype
    dtypes["doc_id"] = dtypes["text"]
    # pass 2: clean, filter, mask, store
    min_tokens = config.filters.min_tokens
    doc_ids = meta_all["doc_id"]
    kept = np.zeros(n, dtype=bool)
    n_changed = n_emptied = n_short = 0
    masked: dict[str, int] | None = {} if config.mask_outlet_names else None
    patterns: dict[Any, re.Pattern[str] | None] = {}
    text_columns = [c for c in full if c in TEXT_COLUMNS]
    # outlets already too small among the filtered documents stay small (cleaning only drops documents):
    # their documents are not written, so the store is rewritten only when cleaning makes another outlet small
    sizes = meta_all["outlet"][alive].value_counts()
    surely_small = set(sizes[sizes < config.min_docs].index) if config.drop_small_outlets else set()
    written = np.zeros(n, dtype=bool)
    seen = 0
    with warnings.catch_warnings(), TextStoreWriter(folder, ["doc_id", *text_columns], chunk_rows=chunk_rows,
                                                          dtypes=dtypes) as writer:
        warnings.simplefilter("ignore", CorpusWarning)  # said once, by the first read
        for i, doc in enumerate(_documents(config, lambda _: None)):
            if i >= n or doc.doc_id != doc_ids[i]:
                raise ValueError(f"{config.path}: the corpus changed while it was read (document {i + 1} is "
                                 f"{doc.doc_id!r}, was {doc_ids[i] if i < n else None!r})")
            seen = i + 1
            if not alive[i]:
                continue
            text, plate = doc.text, doc.boilerplate
            if rule is not None:
                cleaned, plate = rule.move(doc.outlet, text, plate)
                n_changed += len(cleaned) != len(text)
                text = cleaned
                if text == "":
                    n_emptied += 1
                    continue
            if min_tokens and count_tokens(text) < min_tokens:
                n_short += 1
                continue
            if masked is not None:
                if doc.outlet not in patterns:
                    patterns[doc.outlet] = _name_pattern(str(doc.outlet))
                pattern = patterns[doc.outlet]
                if pattern is not None:
                    text, hits = pattern.subn(" ", text)
                    if hits:
                        masked[str(doc.outlet)] = masked.get(str(doc.outlet), 0) + hits
            kept[i] = True
            if doc.outlet in surely_small:
                continue
            written[i] = True
            values = {"text": text, "title": doc.title, "captions": doc.captions, "boilerplate": plate}
            writer.append((doc.doc_id, *(values[c] for c in text_columns)))
        if seen != n:
            raise ValueError(f"{config.path}: the corpus changed while it was read ({seen} documents, were {n})")
        if remove and alive.any():
            table = rule.table()
            filtered["repeated lines: no text left"] = n_emptied
            repeated.update(n_lines=int(len(table)), n_removed=int(table["n_removed"].sum()),
                            n_documents_changed=int(n_changed),
                            per_outlet={str(k): int(v) for k, v in table.groupby("outlet", sort=True)["n_removed"].sum().items()},
                            lines=[{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                                   for row in table.to_dict(orient="records")])
        if min_tokens:
            filtered["min_tokens"] = n_short
        if masked is not None:
            masked = dict(sorted(masked.items()))
        meta, facts = _finish(config, meta_all[kept], report, n_near=0, filtered=filtered, repeated=repeated,
                              masked=masked)
        del meta_all
        order = full + [c for c in meta.columns if c not in full]
        store = writer.finish(column_order=order)
    final = np.isin(np.flatnonzero(written), meta.index.to_numpy())
    if len(final) != len(meta) or not final.all():
        filter_store(store, final, folder, chunk_rows=chunk_rows)
    return meta.reset_index(drop=True), facts


def _finish(config: CorpusConfig, frame: pd.DataFrame, report: Any, *, n_near: int, filtered: dict[str, int],
            repeated: dict[str, Any], masked: dict[str, int] | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Flag dates, find (and drop) small outlets, and the facts; on the
    whole corpus or on its metadata table (no text is read).  The frame
    keeps its index (the caller resets it)."""
    out_of_range: dict[str, Any] = {"range": list(config.date_range), "n": 0, "examples": []}
    n_unparsed = 0
    if config.date_range and "date" in frame.columns:
        frame, flagged, n_unparsed = flag_dates(frame, config.date_range)
        out_of_range.update(n=len(flagged), examples=flagged[:20])
    sizes = frame["outlet"].value_counts()
    small = {str(k): int(v) for k, v in sorted(sizes[sizes < config.min_docs].items())}
    if config.drop_small_outlets:
        drop = frame["outlet"].isin(set(small)).to_numpy()
        filtered[f"small outlets (< {config.min_docs} documents)"] = int(drop.sum())
        frame = frame[~drop]
    dates = pd.to_datetime(frame["date"], errors="coerce", format="ISO8601") if "date" in frame else None
    valid = dates.dropna() if dates is not None else pd.Series(dtype="datetime64[ns]")
    facts = {
        "source": config.path.as_posix(),
        "n_read": int(report.n_read),
        "n_skipped": int(report.n_skipped),
        "skipped": report.counts(),
        "n_exact_duplicates": int(report.n_duplicates),
        "n_near_duplicates": int(n_near),
        "filtered": filtered,
        "n_documents": int(len(frame)),
        "n_outlets": int(frame["outlet"].nunique()),
        "outlets": {str(k): int(v) for k, v in sorted(frame["outlet"].value_counts().items())},
        "date_min": valid.min().strftime("%Y-%m-%d") if len(valid) else None,
        "date_max": valid.max().strftime("%Y-%m-%d") if len(valid) else None,
        "reader_warnings": list(report.warnings),
        "repeated_lines": repeated,
        "outlet_names_masked": masked,
        "dates_out_of_range": out_of_range,
        "n_dates_unparsed": int(n_unparsed),
        "small_outlets": {"min_docs": config.min_docs, "outlets": small, "dropped": config.drop_small_outlets},
    }
    if not len(frame):
        raise ConfigError("no documents are left after de-duplication and filters "
                          f"({facts['n_read']} read; filtered: {filtered})", key="corpus.filters")
    return frame, facts


def _no_column(column: str, columns: Any, key: str) -> ConfigError:
    return ConfigError(f"no column {column!r} in the corpus; columns: {', '.join(map(str, columns))}", key=key)


def _column(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    if column not in frame.columns:
        raise _no_column(column, frame.columns, key)
    return frame[column]


def text_values(series: pd.Series) -> pd.Series:
    """A column's values as text for matching listed values (a missing
    value is None and never matches)."""
    return series.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))


def apply_filters(frame: pd.DataFrame, config: CorpusConfig, *,
                  min_tokens: bool = True) -> tuple[pd.DataFrame, dict[str, int]]:
    """Apply ``config.filters`` (see the module notes); return the kept
    rows and the number each filter dropped (keys in application order).
    ``min_tokens=False`` leaves the ``min_tokens`` filter out (a run
    applies it after removing repeated lines)."""
    filters = config.filters
    dropped: dict[str, int] = {}
    for column, values in filters.include:
        keep = text_values(_column(frame, column, f"corpus.filters.include.{column}")).isin(set(values))
        dropped[f"include {column}"] = int((~keep).sum())
        frame = frame[keep.to_numpy()]
    for column, values in filters.exclude:
        drop = text_values(_column(frame, column, f"corpus.filters.exclude.{column}")).isin(set(values))
        dropped[f"exclude {column}"] = int(drop.sum())
        frame = frame[~drop.to_numpy()]
    if filters.date_from or filters.date_to:
        dates = pd.to_datetime(_column(frame, "date", "corpus.filters.date_from"), errors="coerce", format="ISO8601")
        usable = dates.notna()
        dropped["no usable date"] = int((~usable).sum())
        keep = usable.copy()
        if filters.date_from:
            keep &= dates >= pd.Timestamp(filters.date_from)
        if filters.date_to:
            keep &= dates <= pd.Timestamp(filters.date_to)
        dropped["date range"] = int((usable & ~keep).sum())
        frame = frame[keep.to_numpy()]
    if filters.min_tokens and min_tokens:
        tokens = frame["text"].map(lambda t: count_tokens(t) if isinstance(t, str) else 0)
        keep = tokens >= filters.min_tokens
        dropped["min_tokens"] = int((~keep).sum())
        frame = frame[keep.to_numpy()]
    return frame, dropped


def outlet_name_variants(outlet: str) -> list[str]:
    """The forms of an outlet's name that :func:`mask_outlet_names` masks:
    the ``outlet`` value itself, without a trailing qualifier (``" - News"``,
    ``" (Online)"``), and each without a leading "The"; longest first, at
    least three characters."""
    names = {outlet.strip()}
    core = re.sub(r"\s*(?:\([^)]*\)|-\s+[^-]*)\s*$", "", outlet).strip()
    names.add(core)
    names |= {re.sub(r"^the\s+", "", n, flags=re.IGNORECASE) for n in list(names)}
    return sorted((n for n in names if len(n) >= 3), key=lambda n: (-len(n), n))


def _name_pattern(outlet: str) -> re.Pattern[str] | None:
    names = outlet_name_variants(outlet)
    if not names:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in n.split()) for n in names)
    return re.compile(rf"(?<![^\W_])(?:the\s+)?(?:{alternatives})(?:['\u2019]s)?(?![^\W_])", re.IGNORECASE)


def mask_outlet_names(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Replace each document's own outlet name in ``text`` by one space.

    Every case-insensitive, whole-word occurrence of a form from
    :func:`outlet_name_variants` of the document's ``outlet`` (with a
    preceding "the" and a following possessive ``'s`` / ``’s``) is
    replaced; other outlets' names, titles, captions and boilerplate are
    left alone.  Returns the new frame and the occurrences masked per
    outlet (sorted by outlet; outlets without any are left out).
    """
    patterns: dict[Any, re.Pattern[str] | None] = {}
    texts, counts = [], {}
    for outlet, text in zip(frame["outlet"], frame["text"]):
        if outlet not in patterns:
            patterns[outlet] = _name_pattern(str(outlet)) if isinstance(outlet, str) else None
        pattern = patterns[outlet]
        if pattern is not None and isinstance(text, str):
            text, n = pattern.subn(" ", text)
            if n:
                counts[str(outlet)] = counts.get(str(outlet), 0) + n
        texts.append(text)
    out = frame.copy()
    out["text"] = texts
    return out, dict(sorted(counts.items()))


def flag_dates(frame: pd.DataFrame, date_range: tuple[str, ...]) -> tuple[pd.DataFrame, list[dict[str, str]], int]:
    """Set dates outside ``[date_range[0], date_range[1])`` to missing.

    A ``date`` is read as ISO 8601, else with pandas' mixed formats (as
    :func:`framing.stats.summary.timeseries` reads it).  Returns the frame
    (with the original values of flagged documents in a new
    ``date_out_of_range`` column, when any is flagged), the flagged
    ``{doc_id, date}`` in corpus order, and the number of non-empty dates
    that parse in neither way (left as they are).
    """
    raw = pd.Series(frame["date"].to_numpy(dtype=object), index=frame.index, dtype=object)
    present = pd.Series([isinstance(v, str) and bool(v.strip()) for v in raw], index=frame.index, dtype=bool)
    parsed = pd.to_datetime(raw.where(present, None), errors="coerce", format="ISO8601")
    retry = present & parsed.isna()
    if retry.any():
        parsed[retry] = pd.to_datetime(raw[retry], errors="coerce", format="mixed")
    low, high = pd.Timestamp(date_range[0]), pd.Timestamp(date_range[1])
    outside = (parsed.notna() & ((parsed < low) | (parsed >= high))).to_numpy(dtype=bool)
    n_unparsed = int((present & parsed.isna()).sum())
    if not outside.any():
        return frame, [], n_unparsed
    out = frame.copy()
    out["date_out_of_range"] = [v if o else None for v, o in zip(raw, outside)]
    out["date"] = [None if o else v for v, o in zip(raw, outside)]
    flagged = [{"doc_id": str(d), "date": str(v)} for d, v in zip(out["doc_id"][outside], raw[outside])]
    return out, flagged, n_unparsed
