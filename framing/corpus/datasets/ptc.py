"""SemEval-2020 Task 11 propaganda corpus (PTC): articles, technique spans, sentence labels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from ...text import sentence_spans
from ._common import DatasetError, canonical, read_text

__all__ = ['PTC_TECHNIQUES', 'load_ptc_articles', 'load_ptc_spans', 'ptc_sentences']

PTC_TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum", "Black-and-White_Fallacy",
    "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
    "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)

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
        text = read_text(file)
        if not text.strip():
            raise DatasetError("empty article", source=str(file), field="text", reason="empty text")
        title = text.split("\n", 1)[0].strip() or None
        rows.append({"doc_id": f"article{article_id}", "outlet": outlet, "text": text, "title": title,
                     "article_id": article_id})
    return canonical(pd.DataFrame(rows), ["article_id"])


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
    for number, line in enumerate(read_text(file).split("\n"), start=1):
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
