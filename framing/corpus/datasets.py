"""Loaders for public annotated news datasets in their published formats.

Every loader returns a :class:`pandas.DataFrame` whose first columns are
the corpus schema of :mod:`framing.records` (``doc_id``, ``outlet``,
``text`` and the optional fields), followed by the dataset's label
columns, so the result can be passed to :func:`framing.corpus.read_corpus`,
:func:`framing.match.scoring.score` or :mod:`framing.classify` as it is.
The formats are described in ``corpora/README.md``; the data are not
shipped with framing.

=================================  =============================================
loader                             dataset
=================================  =============================================
:func:`load_babe`                  BABE ``final_labels_SG2.csv`` (sentences)
:func:`load_abp`                   AllSides / Baly et al. 2020 (JSON files,
                                   JSONL or JSONL.gz), :func:`load_abp_splits`
:func:`load_ptc_articles`          SemEval-2020 Task 11 PTC articles,
:func:`load_ptc_spans`             its technique spans and
:func:`ptc_sentences`              sentence labels derived from the spans
:func:`load_newswcl50`             NewsWCL50 articles and
:func:`load_newswcl50_annotations` its word-choice annotations
=================================  =============================================

Errors
    A malformed file raises :class:`DatasetError` (a
    :class:`framing.corpus.CorpusError`, hence a ``ValueError``) whose
    message names the file, the 1-based line (when there is one), the
    field and what was expected.  Nothing is evaluated as code: BABE's
    ``biased_words`` list literals are parsed with :func:`ast.literal_eval`.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .readers import CorpusError, read_corpus
from ..records import KNOWN_FIELDS
from ..text import sentence_spans

__all__ = [
    "ABP_LABELS",
    "DATASET_FORMATS",
    "load_dataset",
    "BABE_COLUMNS",
    "NEWSWCL50_OUTLETS",
    "PTC_TECHNIQUES",
    "DatasetError",
    "load_abp",
    "load_abp_splits",
    "load_babe",
    "load_newswcl50",
    "load_newswcl50_annotations",
    "load_ptc_articles",
    "load_ptc_spans",
    "ptc_sentences",
]

BABE_COLUMNS: tuple[str, ...] = ("text", "news_link", "outlet", "topic", "type", "label_bias", "label_opinion",
                                 "biased_words")
_BABE_BIAS = ("Biased", "Non-biased", "No agreement")
ABP_LABELS: tuple[str, ...] = ("left", "center", "right")
PTC_TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum", "Black-and-White_Fallacy",
    "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
    "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
NEWSWCL50_OUTLETS: dict[str, str] = {"LL": "HuffPost", "L": "New York Times", "M": "USA Today", "R": "Fox News",
                                     "RR": "Breitbart"}
_WCL_COLUMNS = ("id", "code_type", "code_name", "code_mention", "target_concept", "event_id", "publisher_id",
                "paragraph", "sentence", "start", "end")
_SPLITS = ("train", "valid", "test")


class DatasetError(CorpusError):
    """A dataset file does not have its published format.

    Same attributes as :class:`framing.corpus.CorpusError` (``source``,
    ``line``, ``field``, ``reason``).
    """


def _canonical(frame: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Corpus columns (normalised by read_corpus) then the label columns."""
    corpus = read_corpus(frame.drop(columns=labels)).frame
    for name in labels:
        values = frame[name].astype(object)
        corpus[name] = pd.Series(values.where(values.notna(), None).tolist(), index=corpus.index, dtype=object)
    return corpus


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetError(f"not UTF-8 (byte offset {exc.start})", source=str(path), line=line,
                           reason="undecodable") from None


def _read_text(path: Path) -> str:
    """The file decoded from UTF-8 without any newline translation."""
    return _decode(path, path.read_bytes())


# ---------------------------------------------------------------- BABE

def load_babe(path: str | Path, *, no_agreement: str = "drop") -> pd.DataFrame:
    """Read BABE's ``final_labels_SG2.csv`` (or SG1/MBIC files of the same layout).

    Parameters
    ----------
    path : str or Path
        The ``;``-separated CSV, UTF-8 with a byte-order mark, header
        ``text;news_link;outlet;topic;type;label_bias;label_opinion;biased_words``.
    no_agreement : {"drop", "keep"}
        Sentences whose ``label_bias`` is ``No agreement`` are dropped
        (default) or kept with ``biased`` missing (``pd.NA``).

    Returns
    -------
    DataFrame
        The corpus columns of :data:`framing.records.KNOWN_FIELDS`
        (``doc_id`` is ``babe-<line>`` with the 6-digit 1-based CSV line,
        as ``read_corpus(..., id_prefix="babe")`` would generate it;
        ``url`` from ``news_link``; ``topic``), then ``lean`` (the
        ``type`` column: ``left``/``center``/``right`` or None),
        ``label_bias``, ``label_opinion``, ``biased_words`` (list of
        str) and ``biased`` (nullable Int64: 1 Biased, 0 Non-biased).

    Raises
    ------
    DatasetError
        A missing column, a row with the wrong number of fields, an empty
        text, an unknown ``label_bias`` or a ``biased_words`` cell that is
        not a list literal of strings (file and line named).
    ValueError
        For a bad ``no_agreement``.

    Examples
    --------
    >>> babe = load_babe("final_labels_SG2.csv")          # doctest: +SKIP
    >>> babe.groupby("outlet")["biased"].mean()           # doctest: +SKIP
    """
    if no_agreement not in ("drop", "keep"):
        raise ValueError(f"no_agreement must be 'drop' or 'keep', got {no_agreement!r}")
    path = Path(path)
    text = _read_text(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DatasetError(f"unreadable CSV header ({exc})", source=str(path), line=1, reason="malformed file") from None
    if header is None:
        raise DatasetError("empty file; expected the header " + ";".join(BABE_COLUMNS), source=str(path), line=1,
                           reason="malformed file")
    header = [h.strip() for h in header]
    missing = [c for c in BABE_COLUMNS if c not in header]
    if missing:
        raise DatasetError(f"missing column(s) {', '.join(missing)}; expected a ';'-separated header with "
                           f"{', '.join(BABE_COLUMNS)}, got {', '.join(header)}", source=str(path), line=1,
                           reason="malformed file")
    index = {c: header.index(c) for c in BABE_COLUMNS}
    rows: list[dict[str, Any]] = []
    done = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DatasetError(f"unreadable CSV ({exc})", source=str(path), line=done + 1,
                               reason="malformed file") from None
        line, done = done + 1, reader.line_num
        if not row:
            continue
        if len(row) != len(header):
            raise DatasetError(f"row has {len(row)} fields, the header has {len(header)} (delimiter ';')",
                               source=str(path), line=line, reason="bad CSV row")
        rec = {c: row[i] for c, i in index.items()}
        if not rec["text"].strip():
            raise DatasetError("empty text", source=str(path), line=line, field="text", reason="empty text")
        label = rec["label_bias"].strip()
        if label not in _BABE_BIAS:
            raise DatasetError(f"label_bias must be one of {', '.join(_BABE_BIAS)}, got {label!r}", source=str(path),
                               line=line, field="label_bias")
        if label == "No agreement" and no_agreement == "drop":
            continue
        rows.append({
            "doc_id": f"babe-{line:06d}",
            "outlet": rec["outlet"].strip(),
            "text": rec["text"],
            "url": rec["news_link"].strip() or None,
            "topic": rec["topic"].strip() or None,
            "lean": rec["type"].strip() or None,
            "label_bias": label,
            "label_opinion": rec["label_opinion"].strip() or None,
            "biased_words": _word_list(rec["biased_words"], path, line),
            "biased": {"Biased": 1, "Non-biased": 0}.get(label, pd.NA),
        })
    frame = pd.DataFrame(rows, columns=["doc_id", "outlet", "text", "url", "topic", "lean", "label_bias",
                                        "label_opinion", "biased_words", "biased"])
    out = _canonical(frame, ["lean", "label_bias", "label_opinion", "biased_words", "biased"])
    out["biased"] = out["biased"].astype("Int64")
    return out


def _word_list(cell: str, path: Path, line: int) -> list[str]:
    cell = cell.strip()
    if not cell:
        return []
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise DatasetError(f"biased_words must be a Python list literal of strings such as ['a', 'b'] or [], "
                           f"got {cell[:60]!r}", source=str(path), line=line, field="biased_words")
    return value


# ---------------------------------------------------------------- AllSides / Baly et al.

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
        try:
            obj = json.loads(_read_text(file))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"malformed JSON ({exc.msg})", source=str(file), line=exc.lineno,
                               reason="malformed JSON") from None
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
        return _canonical(frame, ["source_url", "bias", "split"])
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
        lines = _read_text(file).replace("\r\n", "\n").split("\n")
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


# ---------------------------------------------------------------- PTC

_PTC_NAME = re.compile(r"article(\d+)\.txt")
_PTC_LABEL_FILE = re.compile(r"article(\d+)\.(task2-TC|task-flc-tc|task1-SI|task-si)\.labels")


def load_ptc_articles(folder: str | Path, *, outlet: str = "ptc") -> pd.DataFrame:
    """Read the PTC article folder (``article<ID>.txt`` files).

    The text is the whole file decoded from UTF-8 **without** any
    newline translation or stripping, so the span offsets of the label
    files index it directly.  Line 1 is the title, line 2 empty, then one
    sentence a line.

    Returns
    -------
    DataFrame
        Corpus columns (``doc_id`` = ``article<ID>``, ``outlet`` =
        ``outlet``, ``text``, ``title`` = the first line), then
        ``article_id`` (the numeric ``<ID>`` as a string).  Sorted by
        ``article_id`` numerically.

    Raises
    ------
    DatasetError
        No article files, or an empty article.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"PTC article folder {root} does not exist")
    files = [(m.group(1), p) for p in root.iterdir() if (m := _PTC_NAME.fullmatch(p.name))]
    if not files:
        raise DatasetError("no article<ID>.txt files in the folder", source=str(root), reason="malformed file")
    rows = []
    for article_id, file in sorted(files, key=lambda item: (int(item[0]), item[0])):
        text = _read_text(file)
        if not text.strip():
            raise DatasetError("empty article", source=str(file), field="text", reason="empty text")
        title = text.split("\n", 1)[0].strip() or None
        rows.append({"doc_id": f"article{article_id}", "outlet": outlet, "text": text, "title": title,
                     "article_id": article_id})
    return _canonical(pd.DataFrame(rows), ["article_id"])


def load_ptc_spans(path: str | Path, *, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read PTC span annotations.

    Parameters
    ----------
    path : str or Path
        A combined label file (``train-task2-TC.labels``: ``<ID>\\t<technique>\\t<start>\\t<end>``;
        or ``train-task1-SI.labels``: ``<ID>\\t<start>\\t<end>``, technique None), or a
        folder of per-article files ``article<ID>.task2-TC.labels``,
        ``article<ID>.task-flc-tc.labels`` (techniques) or
        ``article<ID>.task1-SI.labels``/``.task-si.labels`` (spans only).
        Split on tabs only: technique names contain commas.
    articles : DataFrame, optional
        Output of :func:`load_ptc_articles`; when given, every span must
        fall inside its article and a ``span`` column with the covered
        text is added.

    Returns
    -------
    DataFrame
        Columns ``doc_id`` (``article<ID>``), ``article_id``,
        ``technique``, ``start``, ``end`` (0-based character offsets,
        end exclusive), and ``span`` when ``articles`` is given.  In file
        order.

    Raises
    ------
    DatasetError
        A line without 3 or 4 tab-separated fields, non-integer or
        reversed offsets, a technique outside :data:`PTC_TECHNIQUES`, a
        span on an unknown article or past its end.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"PTC labels {root} does not exist")
    rows: list[tuple[str, str, str | None, int, int]] = []
    if root.is_dir():
        files = sorted(((m.group(1), p) for p in root.iterdir() if (m := _PTC_LABEL_FILE.fullmatch(p.name))),
                       key=lambda item: (int(item[0]), item[1].name))
        if not files:
            raise DatasetError("no article<ID>.task2-TC.labels / .task-flc-tc.labels / .task1-SI.labels files in "
                               "the folder", source=str(root), reason="malformed file")
        for article_id, file in files:
            rows.extend(_ptc_label_lines(file, expect_id=article_id))
    else:
        rows.extend(_ptc_label_lines(root, expect_id=None))
    frame = pd.DataFrame(rows, columns=["doc_id", "article_id", "technique", "start", "end", "_line", "_file"])
    if articles is not None:
        texts = dict(zip(articles["doc_id"].astype(str), articles["text"]))
        spans = []
        for doc_id, start, end, line, file in zip(frame["doc_id"], frame["start"], frame["end"], frame["_line"],
                                                  frame["_file"]):
            if doc_id not in texts:
                raise DatasetError(f"span on article {doc_id!r}, which is not among the {len(texts)} articles given",
                                   source=file, line=line, field="id", reason="unknown article")
            if end > len(texts[doc_id]):
                raise DatasetError(f"span {start}-{end} ends past the article's {len(texts[doc_id])} characters",
                                   source=file, line=line, field="end")
            spans.append(texts[doc_id][start:end])
        frame["span"] = spans
    frame = frame.drop(columns=["_line", "_file"])
    return frame.astype({"start": "int64", "end": "int64"})


def _ptc_label_lines(file: Path, expect_id: str | None) -> Iterable[tuple]:
    for number, line in enumerate(_read_text(file).split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) == 4:
            article_id, technique, start, end = cells
        elif len(cells) == 3:
            (article_id, start, end), technique = cells, None
        else:
            raise DatasetError(f"expected <ID>\\t<technique>\\t<start>\\t<end> (or <ID>\\t<start>\\t<end>), got "
                               f"{len(cells)} tab-separated field(s): {line[:60]!r}", source=str(file), line=number,
                               reason="bad row")
        article_id = article_id.strip()
        if not article_id.isdigit():
            raise DatasetError(f"article id must be numeric, got {article_id!r}", source=str(file), line=number,
                               field="id")
        if expect_id is not None and article_id != expect_id:
            raise DatasetError(f"article id {article_id!r} in the label file of article {expect_id!r}",
                               source=str(file), line=number, field="id")
        if technique is not None and technique not in PTC_TECHNIQUES:
            raise DatasetError(f"unknown technique {technique!r}; expected one of {', '.join(PTC_TECHNIQUES)}",
                               source=str(file), line=number, field="technique")
        try:
            s, e = int(start), int(end)
        except ValueError:
            raise DatasetError(f"start and end must be integers, got {start!r} and {end!r}", source=str(file),
                               line=number, field="start") from None
        if not 0 <= s < e:
            raise DatasetError(f"need 0 <= start < end, got start={s}, end={e}", source=str(file), line=number,
                               field="start")
        yield f"article{article_id}", article_id, technique, s, e, number, str(file)


def ptc_sentences(articles: pd.DataFrame, spans: pd.DataFrame, *, method: str = "lines",
                  include_title: bool = False) -> pd.DataFrame:
    """Sentence-level technique labels derived from PTC spans.

    A sentence ``[a, b)`` is labelled with a technique when a span
    ``[s, e)`` of that technique overlaps it (``s < b`` and ``e > a``);
    a span across two sentences labels both.

    Parameters
    ----------
    articles : DataFrame
        Output of :func:`load_ptc_articles`.
    spans : DataFrame
        Output of :func:`load_ptc_spans` (``technique`` None counts as
        ``"propaganda"`` for task-1 files).
    method : {"lines", "rules", "punkt"}
        ``"lines"``: the distributed sentence split (one sentence a
        non-blank line, white space trimmed from the span);
        ``"rules"``/``"punkt"``: :func:`framing.text.sentence_spans`.
    include_title : bool
        Keep the first line (the title) as a sentence (``"lines"`` only).

    Returns
    -------
    DataFrame
        One row per sentence, a corpus itself: ``doc_id``
        (``<article doc_id>-s<n>``, n 0-based and 3 digits),
        ``outlet``, ``text`` (the sentence), then ``article``, ``sentence``
        (n), ``start``, ``end`` (offsets into the article),
        ``techniques`` (sorted list, the multi-label target) and
        ``propaganda`` (int 0/1: any technique).
    """
    if method not in ("lines", "rules", "punkt"):
        raise ValueError(f"method must be 'lines', 'rules' or 'punkt', got {method!r}")
    for name, frame, cols in (("articles", articles, ("doc_id", "outlet", "text")),
                              ("spans", spans, ("doc_id", "technique", "start", "end"))):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} has no column(s) {', '.join(missing)}; pass the output of "
                             f"{'load_ptc_articles' if name == 'articles' else 'load_ptc_spans'}")
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for doc_id, technique, start, end in zip(spans["doc_id"], spans["technique"], spans["start"], spans["end"]):
        by_doc.setdefault(str(doc_id), []).append((int(start), int(end), technique or "propaganda"))
    rows = []
    for doc_id, outlet, text in zip(articles["doc_id"].astype(str), articles["outlet"], articles["text"]):
        if method == "lines":
            bounds = []
            pos = 0
            for i, line in enumerate(text.split("\n")):
                stripped = line.strip()
                if stripped and (i > 0 or include_title):
                    a = pos + line.index(stripped)
                    bounds.append((a, a + len(stripped)))
                pos += len(line) + 1
        else:
            bounds = sentence_spans(text, method=method)
        doc_spans = by_doc.get(doc_id, [])
        for n, (a, b) in enumerate(bounds):
            found = sorted({t for s, e, t in doc_spans if s < b and e > a})
            rows.append({"doc_id": f"{doc_id}-s{n:03d}", "outlet": outlet, "text": text[a:b], "article": doc_id,
                         "sentence": n, "start": a, "end": b, "techniques": found, "propaganda": int(bool(found))})
    frame = pd.DataFrame(rows, columns=["doc_id", "outlet", "text", "article", "sentence", "start", "end",
                                        "techniques", "propaganda"])
    return frame


# ---------------------------------------------------------------- NewsWCL50

_WCL_NAME = re.compile(r"(\d+)_([A-Z]+)\.txt(?:\.txt)?")


def load_newswcl50(folder: str | Path) -> pd.DataFrame:
    """Read the NewsWCL50 articles ``articles/event_<e>/<e>_<code>.txt``.

    Accepts the ``articles`` folder or its parent.  Event 4's
    ``.txt.txt`` names are handled; CRLF line ends become ``\\n``; a
    byte-order mark is removed.  Files that do not match
    ``<e>_<code>.txt`` (such as ``README.md``) are ignored.

    Returns
    -------
    DataFrame
        Corpus columns (``doc_id`` = ``<e>_<code>`` as in the annotations'
        ids, ``outlet`` = outlet name from :data:`NEWSWCL50_OUTLETS`,
        ``text``, ``title`` = first non-blank line, ``story_id`` =
        ``event_<e>``), then ``outlet_code`` and ``event_id`` (int).
        Sorted by event then outlet code.

    Raises
    ------
    DatasetError
        An unknown outlet code, a file whose event number disagrees with
        its folder, an empty article, or no article at all.
    """
    root = Path(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"NewsWCL50 folder {root} does not exist")
    if (root / "articles").is_dir():
        root = root / "articles"
    rows = []
    for file in sorted(root.glob("event_*/*.txt")):
        match = _WCL_NAME.fullmatch(file.name)
        if match is None:
            continue
        event, code = match.groups()
        if file.parent.name != f"event_{event}":
            raise DatasetError(f"file of event {event} in folder {file.parent.name}; expected event_{event}",
                               source=str(file), reason="malformed file")
        if code not in NEWSWCL50_OUTLETS:
            raise DatasetError(f"unknown outlet code {code!r}; expected one of {', '.join(NEWSWCL50_OUTLETS)}",
                               source=str(file), field="outlet")
        text = _read_text(file).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise DatasetError("empty article", source=str(file), field="text", reason="empty text")
        title = next(line.strip() for line in text.split("\n") if line.strip())
        rows.append({"doc_id": f"{event}_{code}", "outlet": NEWSWCL50_OUTLETS[code], "text": text, "title": title,
                     "story_id": f"event_{event}", "outlet_code": code, "event_id": int(event)})
    if not rows:
        raise DatasetError("no event_<e>/<e>_<code>.txt articles found", source=str(root), reason="malformed file")
    rows.sort(key=lambda r: (r["event_id"], list(NEWSWCL50_OUTLETS).index(r["outlet_code"])))
    return _canonical(pd.DataFrame(rows), ["outlet_code", "event_id"])


def load_newswcl50_annotations(path: str | Path, *, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read NewsWCL50's ``Annotations.csv``.

    The optional first line ``sep=,`` is skipped; CRLF line ends are
    accepted.  ``paragraph`` and ``sentence`` are 0-based (sentences
    numbered through the article); ``start``/``end`` are the annotators'
    **token** positions within the sentence, ``end`` inclusive.

    Parameters
    ----------
    path : str or Path
    articles : DataFrame, optional
        Output of :func:`load_newswcl50`.  When given, adds
        ``paragraph_start``/``paragraph_end`` (character offsets of the
        paragraph, the ``paragraph``-th non-blank line, headline = 0; -1
        when the text has fewer paragraphs) and
        ``mention_start``/``mention_end``: the first case-insensitive
        occurrence of ``code_mention`` inside that paragraph, or -1 when
        it is not found there (the annotators' tokenisation and quote
        normalisation differ from the text, so this is a best-effort
        location, not the published token position).

    Returns
    -------
    DataFrame
        ``doc_id`` (``<event_id>_<publisher_id>``) then the file's columns
        ``id, code_type, code_name, code_mention, target_concept,
        event_id, publisher_id, paragraph, sentence, start, end``
        (integers as int64; empty ``target_concept`` as None).

    Raises
    ------
    DatasetError
        A header without those columns, a short row or a non-integer
        position (file and line named), or an annotation of an article
        missing from ``articles``.
    """
    file = Path(path)
    text = _read_text(file).lstrip("\ufeff")
    lines = text.split("\n")
    skip = 1 if lines and lines[0].strip().lower().startswith("sep=") else 0
    reader = csv.reader(io.StringIO("\n".join(lines[skip:]), newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in _WCL_COLUMNS if c not in header]
        if missing:
            raise DatasetError(f"header must have the columns {', '.join(_WCL_COLUMNS)}; missing {', '.join(missing)}",
                               source=str(file), line=1 + skip, reason="malformed file")
        rows = []
        done = reader.line_num
        for row in reader:
            line, done = done + 1 + skip, reader.line_num
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise DatasetError(f"row has {len(row)} fields, the header has {len(header)}", source=str(file),
                                   line=line, reason="bad CSV row")
            rec = {c: row[header.index(c)].strip() for c in _WCL_COLUMNS}
            for key in ("event_id", "paragraph", "sentence", "start", "end"):
                if not re.fullmatch(r"\d+", rec[key]):
                    raise DatasetError(f"{key} must be a whole number >= 0, got {rec[key]!r}", source=str(file),
                                       line=line, field=key)
                rec[key] = int(rec[key])
            rec["target_concept"] = rec["target_concept"] or None
            rec["doc_id"] = f"{rec['event_id']}_{rec['publisher_id']}"
            rec["_line"] = line
            rows.append(rec)
    except csv.Error as exc:
        raise DatasetError(f"unreadable CSV ({exc})", source=str(file), line=reader.line_num + skip,
                           reason="malformed file") from None
    frame = pd.DataFrame(rows, columns=["doc_id", *_WCL_COLUMNS, "_line"])
    if articles is not None:
        _locate_mentions(frame, articles, str(file))
    frame = frame.drop(columns="_line").astype({k: "int64" for k in ("event_id", "paragraph", "sentence", "start", "end")})
    frame["target_concept"] = pd.Series([v if isinstance(v, str) else None for v in frame["target_concept"]],
                                        index=frame.index, dtype=object)
    return frame


def _locate_mentions(frame: pd.DataFrame, articles: pd.DataFrame, source: str) -> None:
    paragraphs: dict[str, list[tuple[int, int]]] = {}
    texts = dict(zip(articles["doc_id"].astype(str), articles["text"]))
    for doc_id, text in texts.items():
        spans, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                spans.append((pos, pos + len(line)))
            pos += len(line) + 1
        paragraphs[doc_id] = spans
    out = {k: [] for k in ("paragraph_start", "paragraph_end", "mention_start", "mention_end")}
    for doc_id, par, mention, line in zip(frame["doc_id"], frame["paragraph"], frame["code_mention"], frame["_line"]):
        if doc_id not in texts:
            raise DatasetError(f"annotation of article {doc_id!r}, which is not among the articles given",
                               source=source, line=line, field="publisher_id", reason="unknown article")
        if par >= len(paragraphs[doc_id]):  # the collected text has fewer paragraphs than the annotated one
            for key in out:
                out[key].append(-1)
            continue
        a, b = paragraphs[doc_id][par]
        found = texts[doc_id][a:b].lower().find(mention.lower()) if mention else -1
        out["paragraph_start"].append(a)
        out["paragraph_end"].append(b)
        out["mention_start"].append(a + found if found >= 0 else -1)
        out["mention_end"].append(a + found + len(mention) if found >= 0 else -1)
    for key, values in out.items():
        frame[key] = pd.Series(values, index=frame.index, dtype="int64")


#: Published dataset layouts the experiment runner reads by name (``[corpus] format``).
DATASET_FORMATS: tuple[str, ...] = ("abp", "babe", "newswcl50")


def load_dataset(format: str, path: str | Path) -> pd.DataFrame:
    """Read a published dataset layout by name, with the loader's defaults.

    ``"abp"`` → :func:`load_abp` (JSON files, JSONL or JSONL.gz),
    ``"babe"`` → :func:`load_babe` (the ``No agreement`` sentence dropped),
    ``"newswcl50"`` → :func:`load_newswcl50`.  This is how a config's
    ``[corpus] format = "babe"`` is read.
    """
    loaders = {"abp": load_abp, "babe": load_babe, "newswcl50": load_newswcl50}
    if format not in loaders:
        raise ValueError(f"format must be one of {', '.join(map(repr, DATASET_FORMATS))}, got {format!r}")
    return loaders[format](path)
