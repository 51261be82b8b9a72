"""Narrative Frames loaders on hand-written files in the published layout."""

from __future__ import annotations

import json
import warnings

import pandas as pd
import pytest

from framing.corpus import CorpusWarning, load_dataset
from framing.corpus.datasets import (
    DATASET_FORMATS,
    DatasetError,
    load_narrative_annotations,
    load_narrative_frames,
    load_narrative_roles,
)
from tests.paths import SHARED

HEADER = "ID\tsource\tmbfc\tdate\ttext\tRE\tHI\tCO\tMO\tEC\n"
ROWS = [
    '0\tredstate\tright_bias\t2019-12-02\t"Climate ""alarmists"" want a rebrand."\tFalse\tFalse\tTrue\tTrue\tFalse\n',
    '2\tthehuffingtonpost\tleft_bias\t2018-01-05\tA plan to cut emissions.\tTrue\tFalse\tFalse\tFalse\tTrue\n',
    '3\tThe Huffington Post\tleft_bias\t2017-03-01\t"He said "no" twice."\tTrue\tTrue\tFalse\tFalse\tFalse\n',
    '9\tRedState\tright_bias\t2019-02-02\tFarmers lose crops.\tFalse\tTrue\tFalse\tFalse\tFalse)\n',
    '12\tpoliticususa\tleft_bias\t2019-05-05\tNo labels here.\n',
]


def write(folder, rows=ROWS, folds=True):
    (folder / "articles_metadata.tsv").write_text(HEADER + "".join(rows), encoding="utf-8")
    if folds:
        ids = [r.split("\t", 1)[0] for r in rows]
        (folder / "test_folds.csv").write_text("ID,test_fold\n" + "".join(f"{i},{n % 5 + 1}\n" for n, i in
                                                                           enumerate(ids)), encoding="utf-8")
    return folder


def test_articles_labels_folds_and_outlets(tmp_path):
    with pytest.warns(CorpusWarning, match=r"6 frame label\(s\) neither True nor False, left missing: line 5, EC: "
                                           r"'False\)'; line 6, RE: no value \(the row ends early\)"):
        frame = load_narrative_frames(write(tmp_path))
    assert frame["doc_id"].tolist() == ["0", "2", "3", "9", "12"]
    # spellings merged, named by the spelled-out form
    assert frame["outlet"].tolist() == ["RedState", "The Huffington Post", "The Huffington Post", "RedState",
                                        "politicususa"]
    assert frame["source"].tolist()[:3] == ["redstate", "thehuffingtonpost", "The Huffington Post"]
    assert frame["text"].tolist()[0] == 'Climate "alarmists" want a rebrand.'
    assert frame["text"].tolist()[2] == 'He said "no" twice.'  # a lone quote stays a quote
    assert frame["RE"].tolist()[:4] == [0, 1, 1, 0] and frame["RE"].isna().tolist() == [False] * 4 + [True]
    assert frame["EC"].isna().tolist() == [False, False, False, True, True]
    assert str(frame["EC"].dtype) == "Int64" and frame["test_fold"].tolist() == [1, 2, 3, 4, 5]
    assert frame["bias"].tolist()[0] == "right_bias" and frame["date"].tolist()[0] == "2019-12-02"


def test_on_error(tmp_path):
    write(tmp_path)
    with pytest.raises(DatasetError, match=r"articles_metadata.tsv, line 5.*EC must be True or False, got 'False\)'"):
        load_narrative_frames(tmp_path, on_error="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = load_narrative_frames(tmp_path / "articles_metadata.tsv", on_error="skip")
    assert len(frame) == 5
    with pytest.raises(ValueError, match=r"on_error: expected one of 'raise', 'warn', 'skip', got 'ignore'"):
        load_narrative_frames(tmp_path, on_error="ignore")


def test_without_folds_and_errors(tmp_path):
    write(tmp_path, ROWS[:3], folds=False)
    frame = load_narrative_frames(tmp_path)
    assert frame["test_fold"].isna().all()
    with pytest.raises(FileNotFoundError, match=r"folds file .*nope.csv does not exist"):
        load_narrative_frames(tmp_path, folds=tmp_path / "nope.csv")
    (tmp_path / "f.csv").write_text("ID,test_fold\n0,1\n2,x\n3,1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"f.csv, line 3.*test_fold must be a whole number, got 'x'"):
        load_narrative_frames(tmp_path, folds=tmp_path / "f.csv")
    (tmp_path / "f.csv").write_text("ID,test_fold\n0,1\n2,1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"1 article\(s\) have no fold, e.g. ID '3'"):
        load_narrative_frames(tmp_path, folds=tmp_path / "f.csv")
    (tmp_path / "f.csv").write_text("ID,test_fold\n0,1\n2,1\n3,1\n77,2\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"line 5.*ID '77' is not an article of the articles file"):
        load_narrative_frames(tmp_path, folds=tmp_path / "f.csv")
    with pytest.raises(FileNotFoundError, match=r"expected the dataset folder or articles_metadata.tsv"):
        load_narrative_frames(tmp_path / "missing")


@pytest.mark.parametrize("rows,message", [
    ([ROWS[0], ROWS[0]], r"line 3.*duplicate ID '0' \(also line 2\)"),
    (["0\tx\tcentrist\t2019-01-01\tText.\tTrue\tTrue\tTrue\tTrue\tTrue\n"], r"line 2.*mbfc must be one of"),
    (["0\tx\tleft_bias\t2019-01-01\t\tTrue\tTrue\tTrue\tTrue\tTrue\n"], r"line 2.*empty text"),
    (["0\tx\tleft_bias\n"], r"line 2.*row ends before the date column"),
    (["0\tx\tleft_bias\t2019\tT\tTrue\tTrue\tTrue\tTrue\tTrue\textra\n"], r"line 2.*row has 11 fields, the header has 10"),
])
def test_malformed_articles(tmp_path, rows, message):
    write(tmp_path, rows, folds=False)
    with pytest.raises(DatasetError, match=message):
        load_narrative_frames(tmp_path)


def test_missing_column(tmp_path):
    (tmp_path / "articles_metadata.tsv").write_text("ID\tsource\ttext\n0\tx\ty\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"line 1.*missing column\(s\) mbfc, date, RE, HI, CO, MO, EC"):
        load_narrative_frames(tmp_path)
    (tmp_path / "articles_metadata.tsv").write_text("", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"empty file; expected the header ID, source"):
        load_narrative_frames(tmp_path)


def test_annotations(tmp_path):
    data = {
        "10": {"_source": "x", "co1": ["yes", ["yes", "yes", -1, -1]], "hi3": ["no", ["no", -1, "no", -1]],
               "re5": ["NO AGREEMENT", ["n/a: problem is resolved", "no", -1, -1]]},
        "2": {"_source": "y", "ec1": ["no", ["no", "no", -1, -1]]},
    }
    (tmp_path / "full_annotations.json").write_text(json.dumps(data), encoding="utf-8")
    long = load_narrative_annotations(tmp_path)
    assert list(long.columns) == ["doc_id", "question", "frame", "coder", "answer", "value"]
    assert long["doc_id"].tolist() == ["2", "2", "10", "10", "10", "10"]  # numeric order; hi3 is not a frame question
    assert long["frame"].tolist() == ["EC", "EC", "CO", "CO", "RE", "RE"]
    assert long["value"].isna().tolist() == [False] * 4 + [True, False]
    assert len(load_narrative_annotations(tmp_path, questions="all")) == 8
    with pytest.raises(ValueError, match=r"questions: expected one of 'frames', 'all', got 'some'"):
        load_narrative_annotations(tmp_path, questions="some")
    (tmp_path / "full_annotations.json").write_text(json.dumps({"1": {"co1": "yes"}}), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"article '1', question 'co1': expected \[aggregate, \[answers\]\]"):
        load_narrative_annotations(tmp_path)
    (tmp_path / "full_annotations.json").write_text(json.dumps({"1": {"co1": ["yes", [3]]}}), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"coder 1 answered 3; expected a string or -1"):
        load_narrative_annotations(tmp_path)
    (tmp_path / "full_annotations.json").write_text("{", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"malformed JSON"):
        load_narrative_annotations(tmp_path)
    (tmp_path / "full_annotations.json").write_text("[]", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"expected a JSON object of articles, got a list"):
        load_narrative_annotations(tmp_path)


def test_roles(tmp_path):
    (tmp_path / "role_and_frame_annoations.tsv").write_text(
        "ID\tentity\tgroup\trole\tmbfc\tRE\tHI\tCO\tMO\tEC\n0\tclimate alarmists\tENV\tvillain\tright_bias\t"
        "False\tFalse\tTrue\tTrue\tFalse\n", encoding="utf-8")
    roles = load_narrative_roles(tmp_path)
    assert roles.to_dict("records") == [{"doc_id": "0", "entity": "climate alarmists", "group": "ENV",
                                         "role": "villain", "bias": "right_bias"}]


def test_load_dataset_by_name(tmp_path):
    assert "narrative_frames" in DATASET_FORMATS
    write(tmp_path, ROWS[:3])
    assert load_dataset("narrative_frames", tmp_path)["doc_id"].tolist() == ["0", "2", "3"]


REAL = SHARED / "data" / "narrative_framing"


@pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared/data/narrative_framing")
def test_published_files():
    with pytest.warns(CorpusWarning, match=r"6 frame label"):
        frame = load_narrative_frames(REAL)
    assert len(frame) == 428 and frame["test_fold"].notna().all()
    assert frame["EC"].isna().sum() == 2 and frame["RE"].isna().sum() == 1
    assert frame["outlet"].nunique() == 36
    long = load_narrative_annotations(REAL)
    assert set(long["frame"]) == {"RE", "HI", "CO", "MO", "EC"} and set(long["coder"]) <= {1, 2, 3, 4}
    assert isinstance(load_narrative_roles(REAL), pd.DataFrame)
