"""Narrative Frames (Frermann, Li, Khanehzar & Mikolajczak 2023, ACL).

"Conflicts, Villains, Resolutions: Towards models of Narrative Media
Framing": 428 English climate-change articles (2017–2019) from 60+ outlets
with their Media Bias/Fact Check class, five generic frames (Semetko &
Valkenburg 2000) as multi-label annotations, every annotator's answers to
the 21 frame questions, and hero/villain/victim roles of entities.  MIT
licence; the data are not shipped with framing.

Files (one folder):

``articles_metadata.tsv``
    tab-separated, quoted text: ``ID, source, mbfc, date, text, RE, HI,
    CO, MO, EC`` with ``True``/``False`` frame labels.
``test_folds.csv``
    ``ID, test_fold`` (1–5): the paper's cross-validation folds.
``full_annotations.json``
    per article ID, per question ``[aggregate, [coder1, .., coder4]]``
    with ``-1`` for "not annotated by this coder".
``role_and_frame_annoations.tsv``
    ``ID, entity, group, role, mbfc`` and the five frames (file name as
    published, misspelling included).

Outlets are spelled two ways in the published file (``thehuffingtonpost``
and ``The Huffington Post``): :func:`load_narrative_frames` merges the
spellings whose letters and digits agree case-insensitively and names the
outlet by its spelled-out form (the variant with capitals; the most
frequent, ties alphabetically); ``source`` keeps the spelling as published.

Label cells other than ``True``/``False`` (one article has no labels, one
says ``False)``) are never guessed: the frame is missing (``pd.NA``) for
that article, and each such cell is reported — a warning naming the file,
line, column and value (``on_error="warn"``, the default), an error
(``"raise"``) or nothing (``"skip"``).  Classifiers drop an article whose
label is missing for the frame they learn.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ...check import check_choice
from ..readers import CorpusWarning
from ._common import DatasetError, canonical, read_json, read_text

__all__ = [
    "NARRATIVE_FRAMES", "NARRATIVE_QUESTIONS", "NARRATIVE_BIAS", "load_narrative_frames",
    "load_narrative_annotations", "load_narrative_roles",
]

#: The five frames, column name → name (Semetko & Valkenburg 2000).
NARRATIVE_FRAMES: dict[str, str] = {"RE": "resolution", "HI": "human interest", "CO": "conflict",
                                    "MO": "moral", "EC": "economic"}
#: The questions the paper verified as predictive of each frame (its SOURCE_README).
NARRATIVE_QUESTIONS: dict[str, str] = {
    "co1": "CO", "co2": "CO", "co3": "CO", "ec1": "EC", "ec2": "EC", "ec3": "EC", "hi1": "HI", "hi2": "HI",
    "hi5": "HI", "mo1": "MO", "mo2": "MO", "re1": "RE", "re5": "RE",
}
#: Media Bias/Fact Check classes of the outlets.
NARRATIVE_BIAS: tuple[str, ...] = ("left_bias", "left_center_bias", "right_bias", "questionable_source")
_ARTICLES = "articles_metadata.tsv"
_FOLDS = "test_folds.csv"
_ANNOTATIONS = "full_annotations.json"
_ROLES = "role_and_frame_annoations.tsv"
_COLUMNS = ("ID", "source", "mbfc", "date", "text", *NARRATIVE_FRAMES)
_ON_ERROR = ("raise", "warn", "skip")


def _file(path: str | Path, name: str) -> Path:
    path = Path(path)
    if path.is_dir():
        path = path / name
    if not path.is_file():
        raise FileNotFoundError(f"Narrative Frames file {path} does not exist (expected the dataset folder or {name})")
    return path


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == '"' and field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def _rows(path: Path, delimiter: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str | None]]]:
    """(1-based line, record) of a delimited file without embedded newlines.

    The published TSV files are read line by line and split at the
    delimiter (their texts hold no tabs or newlines); a field wrapped in
    double quotes is unwrapped and ``""`` read as ``"``, while a lone
    ``"`` inside it stays a literal quote (line 68 of
    ``articles_metadata.tsv`` has one, which a strict CSV parser rejects
    and a lenient one mangles).  A row with fewer fields than the header
    gets None for the missing trailing cells (the loaders report them);
    one with more is an error.
    """
    lines = read_text(path).split("\n")
    header = [h.strip() for h in lines[0].rstrip("\r").split(delimiter)] if lines and lines[0].strip() else None
    if header is None:
        raise DatasetError(f"empty file; expected the header {', '.join(required)}", source=str(path), line=1,
                           reason="malformed file")
    missing = [c for c in required if c not in header]
    if missing:
        raise DatasetError(f"missing column(s) {', '.join(missing)}; got {', '.join(header)}", source=str(path),
                           line=1, reason="malformed file")
    out: list[tuple[int, dict[str, str | None]]] = []
    for number, raw in enumerate(lines[1:], start=2):
        raw = raw.rstrip("\r")
        if not raw.strip():
            continue
        fields: list[str | None] = [_unquote(f) for f in raw.split(delimiter)]
        if len(fields) > len(header):
            raise DatasetError(f"row has {len(fields)} fields, the header has {len(header)}", source=str(path),
                               line=number, reason="bad row")
        fields += [None] * (len(header) - len(fields))
        out.append((number, dict(zip(header, fields))))
    return out


def _outlet_names(sources: list[str]) -> dict[str, str]:
    """Published spelling → one name per outlet (see the module notes)."""
    groups: dict[str, dict[str, int]] = {}
    for source in sources:
        key = re.sub(r"[^a-z0-9]", "", source.lower())
        groups.setdefault(key, {}).setdefault(source, 0)
        groups[key][source] += 1
    names = {}
    for spellings in groups.values():
        ranked = sorted(spellings, key=lambda s: (s == s.lower(), -spellings[s], s))
        names.update({spelling: ranked[0] for spelling in spellings})
    return names


def load_narrative_frames(path: str | Path, *, folds: str | Path | None = None, on_error: str = "warn") -> pd.DataFrame:
    """Read the Narrative Frames articles with their five frame labels.

    Parameters
    ----------
    path : str or Path
        The dataset folder or its ``articles_metadata.tsv``.
    folds : str or Path, optional
        ``test_folds.csv``; by default the one beside the articles file
        when it exists (else no ``test_fold`` column values).
    on_error : {"warn", "raise", "skip"}
        What to do with a label cell that is not ``True``/``False`` (the
        frame is missing for that article in every case but ``"raise"``).

    Returns
    -------
    DataFrame
        Corpus columns (``doc_id`` = the published ``ID``, ``outlet`` (one
        name per outlet), ``text``, ``date``), then ``source`` (as
        published), ``bias`` (the MBFC class), ``RE``, ``HI``, ``CO``,
        ``MO``, ``EC`` (nullable Int64: 1, 0 or missing) and ``test_fold``
        (nullable Int64).

    Raises
    ------
    DatasetError
        A missing column, a row with the wrong number of fields, a
        duplicate or empty ``ID``, an empty text, an unknown MBFC class, a
        fold file that misses an article or names an unknown one (file and
        line named).
    FileNotFoundError
        If the folder or file does not exist.
    """
    check_choice("on_error", on_error, _ON_ERROR)
    articles = _file(path, _ARTICLES)
    rows = _rows(articles, "\t", _COLUMNS)
    seen: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for line, rec in rows:
        for column in ("ID", "source", "mbfc", "date", "text"):
            if rec[column] is None:
                raise DatasetError(f"row ends before the {column} column", source=str(articles), line=line,
                                   field=column, reason="bad row")
        doc_id = rec["ID"].strip()
        if not doc_id:
            raise DatasetError("empty ID", source=str(articles), line=line, field="ID")
        if doc_id in seen:
            raise DatasetError(f"duplicate ID {doc_id!r} (also line {seen[doc_id]})", source=str(articles), line=line,
                               field="ID")
        seen[doc_id] = line
        if not rec["text"].strip():
            raise DatasetError("empty text", source=str(articles), line=line, field="text", reason="empty text")
        bias = rec["mbfc"].strip()
        if bias not in NARRATIVE_BIAS:
            raise DatasetError(f"mbfc must be one of {', '.join(NARRATIVE_BIAS)}, got {bias!r}", source=str(articles),
                               line=line, field="mbfc")
        out: dict[str, Any] = {"doc_id": doc_id, "source": rec["source"].strip(), "text": rec["text"],
                               "date": rec["date"].strip() or None, "bias": bias}
        for frame in NARRATIVE_FRAMES:
            cell = rec[frame]
            if cell is not None and cell.strip() in ("True", "False"):
                out[frame] = int(cell.strip() == "True")
                continue
            got = "no value (the row ends early)" if cell is None else repr(cell)
            if on_error == "raise":
                raise DatasetError(f"{frame} must be True or False, got {got}", source=str(articles), line=line,
                                   field=frame)
            out[frame] = pd.NA
            problems.append(f"line {line}, {frame}: {got}")
        records.append(out)
    if problems and on_error == "warn":
        warnings.warn(f"{articles}: {len(problems)} frame label(s) neither True nor False, left missing: "
                      f"{'; '.join(problems)}", CorpusWarning, stacklevel=2)
    names = _outlet_names([r["source"] for r in records])
    for rec in records:
        rec["outlet"] = names[rec["source"]]
    folds_path = Path(folds) if folds is not None else articles.parent / _FOLDS
    fold_of = _folds(folds_path, seen) if folds is not None or folds_path.is_file() else {}
    for rec in records:
        rec["test_fold"] = fold_of.get(rec["doc_id"], pd.NA)
    labels = ["source", "bias", *NARRATIVE_FRAMES, "test_fold"]
    frame = pd.DataFrame(records, columns=["doc_id", "outlet", "text", "date", *labels])
    result = canonical(frame, labels)
    for column in (*NARRATIVE_FRAMES, "test_fold"):
        result[column] = pd.array(result[column].tolist(), dtype="Int64")
    return result


def _folds(path: Path, articles: dict[str, int]) -> dict[str, int]:
    if not path.is_file():
        raise FileNotFoundError(f"folds file {path} does not exist")
    out: dict[str, int] = {}
    for line, rec in _rows(path, ",", ("ID", "test_fold")):
        doc_id, fold = rec["ID"].strip(), rec["test_fold"].strip()
        if doc_id not in articles:
            raise DatasetError(f"ID {doc_id!r} is not an article of the articles file", source=str(path), line=line,
                               field="ID")
        if doc_id in out:
            raise DatasetError(f"ID {doc_id!r} is listed twice", source=str(path), line=line, field="ID")
        if not fold.isdigit():
            raise DatasetError(f"test_fold must be a whole number, got {fold!r}", source=str(path), line=line,
                               field="test_fold")
        out[doc_id] = int(fold)
    missing = sorted(set(articles) - set(out), key=articles.get)
    if missing:
        raise DatasetError(f"{len(missing)} article(s) have no fold, e.g. ID {missing[0]!r}", source=str(path),
                           field="ID")
    return out


def load_narrative_annotations(path: str | Path, *, questions: str = "frames") -> pd.DataFrame:
    """Every annotator's answer to the frame questions, one row per answer.

    Parameters
    ----------
    path : str or Path
        The dataset folder or its ``full_annotations.json``.
    questions : {"frames", "all"}
        The questions the paper verified for the five frames
        (:data:`NARRATIVE_QUESTIONS`, default) or all 21 (and their
        sub-questions).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``question``, ``frame`` (the frame a verified
        question belongs to, else None), ``coder`` (1–4, the annotator's
        position in the file), ``answer`` (as published: ``yes``, ``no``
        or another answer such as ``n/a: problem is resolved``) and
        ``value`` (nullable Int64: 1 yes, 0 no, missing otherwise);
        sorted by doc_id (numerically), question, coder.  A coder who did
        not annotate an article (``-1``) has no row.  Ready for
        :func:`framing.stats.agreement` style reliability tables (units =
        ``doc_id``, coders = ``coder``).

    Raises
    ------
    DatasetError
        Malformed JSON or an entry not of the published shape
        ``[aggregate, [answers...]]`` (file and key named).
    """
    check_choice("questions", questions, ("frames", "all"))
    file = _file(path, _ANNOTATIONS)
    data = read_json(file)
    if not isinstance(data, dict):
        raise DatasetError(f"expected a JSON object of articles, got a {type(data).__name__}", source=str(file))
    rows = []
    for doc_id, entry in data.items():
        if not isinstance(entry, dict):
            raise DatasetError(f"article {doc_id!r}: expected an object of questions, got {type(entry).__name__}",
                               source=str(file), field=doc_id)
        for question, value in entry.items():
            if question.startswith("_"):
                continue
            if questions == "frames" and question not in NARRATIVE_QUESTIONS:
                continue
            if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
                raise DatasetError(f"article {doc_id!r}, question {question!r}: expected [aggregate, [answers]], got "
                                   f"{str(value)[:60]}", source=str(file), field=question)
            for coder, answer in enumerate(value[1], start=1):
                if answer == -1:
                    continue
                if not isinstance(answer, str):
                    raise DatasetError(f"article {doc_id!r}, question {question!r}: coder {coder} answered "
                                       f"{answer!r}; expected a string or -1", source=str(file), field=question)
                rows.append({"doc_id": str(doc_id), "question": question, "frame": NARRATIVE_QUESTIONS.get(question),
                             "coder": coder, "answer": answer, "value": {"yes": 1, "no": 0}.get(answer, pd.NA)})
    frame = pd.DataFrame(rows, columns=["doc_id", "question", "frame", "coder", "answer", "value"])
    frame["value"] = pd.array(frame["value"].tolist(), dtype="Int64")
    order = frame["doc_id"].map(lambda d: (0, int(d), "") if d.isdigit() else (1, 0, d))
    frame = frame.assign(_order=order).sort_values(["_order", "question", "coder"], kind="mergesort")
    return frame.drop(columns="_order").reset_index(drop=True)


def load_narrative_roles(path: str | Path) -> pd.DataFrame:
    """Entities and their narrative roles (hero, villain, victim).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``entity``, ``group`` (stakeholder category),
        ``role`` and ``bias``, in file order.
    """
    file = _file(path, _ROLES)
    rows = _rows(file, "\t", ("ID", "entity", "group", "role", "mbfc"))
    return pd.DataFrame([{"doc_id": rec["ID"].strip(), "entity": rec["entity"], "group": rec["group"].strip(),
                          "role": rec["role"].strip(), "bias": rec["mbfc"].strip()} for _, rec in rows],
                        columns=["doc_id", "entity", "group", "role", "bias"])
