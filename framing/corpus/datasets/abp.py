"""AllSides-labelled articles of Baly et al. (2020) and their splits."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from ..readers import CorpusError, iter_documents, read_corpus
from ...records import KNOWN_FIELDS
from ._common import DatasetError, canonical, read_json, read_text

__all__ = ['ABP_LABELS', 'frame_records', 'iter_abp', 'load_abp', 'load_abp_splits']

ABP_LABELS: tuple[str, ...] = ("left", "center", "right")
_SPLITS = ("train", "valid", "test")


def load_abp(path: str | Path, *, splits: str | Path | None = None, split_kind: str = "media") -> pd.DataFrame:
    """Read the AllSides articles of Baly et al. (2020).

    Parameters
    ----------
    path : str or Path
        Either the folder of per-article JSON files (``data/jsons``, or
        ``data`` when it holds ``jsons/``), each one object with at least
        ``ID``, ``source``, ``content_original`` and ``bias_text`` (or an
        integer ``bias`` 0/1/2), or a ``.jsonl``/``.jsonl.gz`` file with
        the keys ``id, source, text, bias`` (``bias`` a text label) and
        optionally ``split``.
    splits : str or Path, optional
        The ``splits`` folder holding ``{random,media}/{train,valid,test}.tsv``
        (see :func:`load_abp_splits`); sets or replaces the ``split``
        column.  Defaults to ``<data>/splits`` when ``path`` is the
        ``data`` folder and it exists.  Articles missing from the split
        files get ``split`` None.
    split_kind : {"media", "random"}
        Which split to attach.

    Returns
    -------
    DataFrame
        Corpus columns (``doc_id`` = article id, ``outlet`` = AllSides
        source name, ``text`` = the untokenised body, ``title``, ``date``,
        ``authors``, ``url``, ``topic``), then ``source_url``, ``bias``
        (``left``/``center``/``right``) and ``split``.  The tokenised
        ``content`` of the JSON files is not kept.  Labels describe
        sources, not articles.

    Raises
    ------
    DatasetError
        Unreadable JSON, a missing key, an unknown bias label (file and
        key named; line for JSONL).
    FileNotFoundError
        If ``path`` or ``splits`` does not exist.
    """
    if split_kind not in ("media", "random"):
        raise ValueError(f"split_kind must be 'media' or 'random', got {split_kind!r}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"AllSides data {path} does not exist")
    if path.is_dir():
        folder = path / "jsons" if (path / "jsons").is_dir() else path
        if splits is None and folder != path and (path / "splits").is_dir():
            splits = path / "splits"
        frame = _abp_json_folder(folder)
    else:
        frame = _abp_jsonl(path)
    if splits is not None:
        table = load_abp_splits(splits, kind=split_kind)
        frame["split"] = frame["doc_id"].map(dict(zip(table["doc_id"], table["split"])))
        frame["split"] = frame["split"].astype(object).where(frame["split"].notna(), None)
    return frame


def frame_records(frame: pd.DataFrame, *, chunk_rows: int = 4096) -> Iterator[dict[str, Any]]:
    """``frame.to_dict("records")`` one record at a time (converted
    ``chunk_rows`` rows at a time, with the whole frame's column dtypes)."""
    for start in range(0, len(frame), chunk_rows):
        yield from frame.iloc[start:start + chunk_rows].to_dict("records")


def iter_abp(path: str | Path) -> Iterator[dict[str, Any]]:
    """The rows of ``load_abp(path)`` one at a time, as records.

    A ``.jsonl``/``.jsonl.gz`` file is streamed: memory does not grow with
    the articles (only with the reader's set of seen ids).  Each record
    has the corpus fields of :data:`framing.records.KNOWN_FIELDS`, then
    ``source_url``, ``bias``, ``split`` and the file's other keys of that
    article (a key another article has is absent, where the table holds
    None).  A folder of JSON files is read whole by :func:`load_abp`.
    Errors are those of :func:`load_abp`, in the same order: a bad
    record of the file before any bias label, and the first bad label
    (or no ``bias`` key in any record) after the whole file is read.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"AllSides data {path} does not exist")
    if path.is_dir():
        return frame_records(load_abp(path))
    docs = iter_documents(path, format="jsonl", fields={"outlet": "source", "doc_id": "id"},
                          report=lambda _: None)
    return _abp_records(path, docs)


def _abp_records(path: Path, docs: Iterator[Any]) -> Iterator[dict[str, Any]]:
    error: DatasetError | None = None
    any_bias = False
    for i, doc in enumerate(docs):
        extra = doc.extra
        any_bias = any_bias or "bias" in extra
        if error is not None:
            continue  # read on: a bad record of the file raises first, as when the file is read whole
        try:
            # a missing label is NaN, as in the table of load_abp (a column of text or of numbers)
            label = _bias_label(extra.get("bias", float("nan")), str(path), i + 1, "bias")
        except DatasetError as err:
            error = err
            continue
        record = {name: value for name, value in doc.to_row().items() if name in KNOWN_FIELDS}
        record.update(source_url=extra.get("source_url"), bias=label, split=extra.get("split"))
        record.update((k, v) for k, v in extra.items() if k not in record)
        yield record
    if error is not None:
        if not any_bias:
            raise DatasetError("no 'bias' key in any record; expected left/center/right labels", source=str(path),
                               field="bias", reason="missing field")
        raise error


def _bias_label(value: Any, source: str, line: int | None, field: str) -> str:
    if isinstance(value, str) and value.strip().lower() in ABP_LABELS:
        return value.strip().lower()
    if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip() in ("0", "1", "2"):
        return ABP_LABELS[int(str(value).strip())]
    raise DatasetError(f"bias must be one of left, center, right (or 0, 1, 2), got {value!r}", source=source,
                       line=line, field=field)


def _abp_json_folder(folder: Path) -> pd.DataFrame:
    files = sorted(folder.glob("*.json"))
    if not files:
        raise DatasetError("no *.json article files in the folder", source=str(folder), reason="malformed file")
    rows = []
    for file in files:
        obj = read_json(file)
        if not isinstance(obj, dict):
            raise DatasetError(f"expected one JSON object per file, got a {type(obj).__name__}", source=str(file))
        for key in ("ID", "source", "content_original"):
            if key not in obj:
                raise DatasetError(f"missing key {key!r}; keys: {', '.join(sorted(obj))}", source=str(file), field=key,
                                   reason="missing field")
        if "bias_text" in obj:
            bias = _bias_label(obj["bias_text"], str(file), None, "bias_text")
        elif "bias" in obj:
            bias = _bias_label(obj["bias"], str(file), None, "bias")
        else:
            raise DatasetError("missing key 'bias_text' (or 'bias')", source=str(file), field="bias_text",
                               reason="missing field")
        rows.append({"doc_id": obj["ID"], "outlet": obj["source"], "text": obj["content_original"],
                     "title": obj.get("title"), "date": obj.get("date"), "authors": obj.get("authors"),
                     "url": obj.get("url"), "topic": obj.get("topic"), "source_url": obj.get("source_url"),
                     "bias": bias, "split": None})
    frame = pd.DataFrame(rows)
    try:
        return canonical(frame, ["source_url", "bias", "split"])
    except CorpusError as err:
        raise DatasetError(f"{err} (file {files[err.line].name})" if err.line is not None else str(err),
                           source=str(folder), field=err.field, reason=err.reason) from None


def _abp_jsonl(path: Path) -> pd.DataFrame:
    corpus = read_corpus(path, format="jsonl", fields={"outlet": "source", "doc_id": "id"})
    frame = corpus.frame
    if "bias" not in frame.columns:
        raise DatasetError("no 'bias' key in any record; expected left/center/right labels", source=str(path),
                           field="bias", reason="missing field")
    labels = []
    for i, value in enumerate(frame["bias"].tolist()):
        labels.append(_bias_label(value, str(path), i + 1, "bias"))
    frame["bias"] = labels
    if "split" not in frame.columns:
        frame["split"] = None
    extra = [c for c in frame.columns if c not in KNOWN_FIELDS and c not in ("source_url", "bias", "split")]
    ordered = list(KNOWN_FIELDS) + ["source_url", "bias", "split"] + extra
    if "source_url" not in frame.columns:
        frame["source_url"] = None
    return frame[ordered]


def load_abp_splits(folder: str | Path, *, kind: str = "media") -> pd.DataFrame:
    """Read the split files ``<folder>/<kind>/{train,valid,test}.tsv``.

    Each file is tab-separated with a header naming an ``ID`` column
    and a ``bias`` column (0/1/2 or left/center/right).

    Returns
    -------
    DataFrame
        Columns ``doc_id, split, bias`` (text labels), in file order
        (train, valid, test).

    Raises
    ------
    DatasetError
        A missing file, a header without ``ID``/``bias``, a short row,
        an unknown label or an id listed twice.
    """
    if kind not in ("media", "random"):
        raise ValueError(f"kind must be 'media' or 'random', got {kind!r}")
    root = Path(folder)
    base = root / kind if (root / kind).is_dir() else root
    rows: list[tuple[str, str, str]] = []
    seen: dict[str, str] = {}
    for split in _SPLITS:
        file = base / f"{split}.tsv"
        if not file.is_file():
            raise DatasetError(f"missing split file; expected {', '.join(s + '.tsv' for s in _SPLITS)} in {base}",
                               source=str(file), reason="missing file")
        lines = read_text(file).replace("\r\n", "\n").split("\n")
        header = [h.strip().lower() for h in lines[0].split("\t")]
        if "id" not in header or "bias" not in header:
            raise DatasetError(f"header must name the columns ID and bias (tab-separated), got {lines[0][:80]!r}",
                               source=str(file), line=1, reason="malformed file")
        i_id, i_bias = header.index("id"), header.index("bias")
        for number, line in enumerate(lines[1:], start=2):
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) != len(header):
                raise DatasetError(f"row has {len(cells)} tab-separated fields, the header has {len(header)}",
                                   source=str(file), line=number, reason="bad row")
            doc_id = cells[i_id].strip()
            if doc_id in seen:
                raise DatasetError(f"article {doc_id!r} is already listed in {seen[doc_id]}.tsv", source=str(file),
                                   line=number, field="ID", reason="duplicate doc_id")
            seen[doc_id] = split
            rows.append((doc_id, split, _bias_label(cells[i_bias], str(file), number, "bias")))
    return pd.DataFrame(rows, columns=["doc_id", "split", "bias"])
