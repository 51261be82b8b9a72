"""NewsWCL50 (Hamborg et al. 2019): the same events in five outlets, word-choice annotations."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from ._common import DatasetError, canonical, read_text

__all__ = ['NEWSWCL50_OUTLETS', 'load_newswcl50', 'load_newswcl50_annotations']

NEWSWCL50_OUTLETS: dict[str, str] = {"LL": "HuffPost", "L": "New York Times", "M": "USA Today", "R": "Fox News",
                                     "RR": "Breitbart"}
_WCL_COLUMNS = ("id", "code_type", "code_name", "code_mention", "target_concept", "event_id", "publisher_id",
                "paragraph", "sentence", "start", "end")
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
        text = read_text(file).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise DatasetError("empty article", source=str(file), field="text", reason="empty text")
        title = next(line.strip() for line in text.split("\n") if line.strip())
        rows.append({"doc_id": f"{event}_{code}", "outlet": NEWSWCL50_OUTLETS[code], "text": text, "title": title,
                     "story_id": f"event_{event}", "outlet_code": code, "event_id": int(event)})
    if not rows:
        raise DatasetError("no event_<e>/<e>_<code>.txt articles found", source=str(root), reason="malformed file")
    rows.sort(key=lambda r: (r["event_id"], list(NEWSWCL50_OUTLETS).index(r["outlet_code"])))
    return canonical(pd.DataFrame(rows), ["outlet_code", "event_id"])


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
    text = read_text(file).lstrip("\ufeff")
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
