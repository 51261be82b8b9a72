from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from framing.corpus.readers import CorpusError
from framing.corpus.datasets import (
    DatasetError,
    load_abp,
    load_abp_splits,
    load_babe,
    load_newswcl50,
    load_newswcl50_annotations,
    load_ptc_articles,
    load_ptc_spans,
    ptc_sentences,
)
from tests.paths import FIXTURES

FIX = FIXTURES / "datasets"
BABE_HEADER = "text;news_link;outlet;topic;type;label_bias;label_opinion;biased_words"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# ---------------------------------------------------------------- BABE

def test_babe():
    df = load_babe(FIX / "babe.csv")
    assert df["doc_id"].tolist() == ["babe-000002", "babe-000003", "babe-000004", "babe-000006"]
    assert df.columns[:3].tolist() == ["doc_id", "outlet", "text"]
    assert df["text"].iloc[0] == '"Quotes" open this; a calm sentence.'
    assert df["biased_words"].iloc[1] == ["reckless", "disgraceful", "sham"]
    assert df["biased_words"].iloc[3] == ["radical", "outrageous"]
    assert df["biased"].tolist() == [0, 1, 0, 1]
    assert df["lean"].tolist() == ["center", "right", None, "left"]
    assert pd.isna(df["url"].iloc[2]) and df["topic"].iloc[0] == "budget"
    assert df["label_opinion"].iloc[1] == "Expresses writer\u2019s opinion"
    keep = load_babe(FIX / "babe.csv", no_agreement="keep")
    assert len(keep) == 5 and keep["biased"].isna().sum() == 1 and keep["label_bias"].iloc[3] == "No agreement"
    assert isinstance(DatasetError("x"), CorpusError) and isinstance(DatasetError("x"), ValueError)


@pytest.mark.parametrize("body, match", [
    ("text;outlet\nA;B\n", r"babe\.csv, line 1: missing column\(s\) news_link, topic"),
    (BABE_HEADER + "\nA;u;O;t;left;Biased;x\n", r"line 2: row has 7 fields, the header has 8"),
    (BABE_HEADER + "\n ;u;O;t;left;Biased;x;[]\n", r"line 2, field 'text': empty text"),
    (BABE_HEADER + "\nA;u;O;t;left;biased;x;[]\n", r"line 2, field 'label_bias': label_bias must be one of Biased"),
    (BABE_HEADER + "\nA;u;O;t;left;Biased;x;[]\nB;u;O;t;left;Biased;x;__import__('os')\n",
     r"line 3, field 'biased_words': biased_words must be a Python list literal of strings"),
    (BABE_HEADER + "\nA;u;O;t;left;Biased;x;[1, 2]\n", r"biased_words must be a Python list literal"),
    ("", r"empty file; expected the header"),
    (BABE_HEADER + '\n"A;u;O;t;left;Biased;x;[]\n', r"line 2: unreadable CSV"),
])
def test_babe_errors(tmp_path, body, match):
    with pytest.raises(DatasetError, match=match):
        load_babe(_write(tmp_path, "babe.csv", body))


def test_babe_bad_options_and_encoding(tmp_path):
    with pytest.raises(ValueError, match="no_agreement must be 'drop' or 'keep', got 'flag'"):
        load_babe(FIX / "babe.csv", no_agreement="flag")
    path = tmp_path / "b.csv"
    path.write_bytes(BABE_HEADER.encode() + b"\nA\xff;u;O;t;left;Biased;x;[]\n")
    with pytest.raises(DatasetError, match=r"b\.csv, line 2: not UTF-8 \(byte offset"):
        load_babe(path)


# ---------------------------------------------------------------- AllSides

def test_abp_json_folder_with_splits():
    df = load_abp(FIX / "abp" / "data")
    assert df["doc_id"].tolist() == ["aaa111", "bbb222", "ccc333"]
    assert df["bias"].tolist() == ["center", "right", "left"]
    assert df["split"].tolist() == ["train", "valid", "test"]
    assert df["authors"].iloc[0] == ["Ann Writer", "Bo Reporter"]
    assert df["text"].iloc[0] == "The budget passed.\n\nLawmakers voted late."
    assert "content" not in df.columns
    rnd = load_abp(FIX / "abp" / "data" / "jsons", splits=FIX / "abp" / "data" / "splits", split_kind="random")
    assert rnd["split"].tolist() == ["valid", "test", "train"]
    plain = load_abp(FIX / "abp" / "data" / "jsons")
    assert plain["split"].tolist() == [None, None, None]


def test_abp_jsonl_and_splits(tmp_path):
    df = load_abp(FIX / "abp" / "abp.jsonl")
    assert df["outlet"].tolist() == ["Daily Example", "Partisan Post", "Left Ledger"]
    assert df["split"].tolist() == ["train", "train", "valid"] and df["bias"].tolist() == ["center", "right", "left"]
    gz = tmp_path / "abp.jsonl.gz"
    import gzip

    gz.write_bytes(gzip.compress((FIX / "abp" / "abp.jsonl").read_bytes()))
    assert load_abp(gz)["doc_id"].tolist() == df["doc_id"].tolist()
    table = load_abp_splits(FIX / "abp" / "data" / "splits")
    assert table.to_dict("list") == {"doc_id": ["aaa111", "bbb222", "ccc333"], "split": ["train", "valid", "test"],
                                     "bias": ["center", "right", "left"]}


def test_abp_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="AllSides data .* does not exist"):
        load_abp(tmp_path / "nope")
    with pytest.raises(ValueError, match="split_kind must be 'media' or 'random', got 'x'"):
        load_abp(FIX / "abp" / "abp.jsonl", split_kind="x")
    with pytest.raises(ValueError, match="kind must be 'media' or 'random', got 'x'"):
        load_abp_splits(FIX / "abp" / "data" / "splits", kind="x")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DatasetError, match=r"empty: no \*\.json article files"):
        load_abp(empty)
    _write(tmp_path, "j1/a.json", "{broken")
    with pytest.raises(DatasetError, match=r"a\.json, line 1: malformed JSON"):
        load_abp(tmp_path / "j1")
    _write(tmp_path, "j2/a.json", "[1]")
    with pytest.raises(DatasetError, match="expected one JSON object per file, got a list"):
        load_abp(tmp_path / "j2")
    _write(tmp_path, "j3/a.json", json.dumps({"ID": "a", "source": "S"}))
    with pytest.raises(DatasetError, match=r"a\.json, field 'content_original': missing key 'content_original'"):
        load_abp(tmp_path / "j3")
    _write(tmp_path, "j4/a.json", json.dumps({"ID": "a", "source": "S", "content_original": "t"}))
    with pytest.raises(DatasetError, match=r"missing key 'bias_text' \(or 'bias'\)"):
        load_abp(tmp_path / "j4")
    _write(tmp_path, "j5/a.json", json.dumps({"ID": "a", "source": "S", "content_original": "t", "bias_text": "far"}))
    with pytest.raises(DatasetError, match=r"field 'bias_text': bias must be one of left, center, right .*'far'"):
        load_abp(tmp_path / "j5")
    _write(tmp_path, "j6/a.json", json.dumps({"ID": "a", "source": "S", "content_original": " ", "bias": 1}))
    with pytest.raises(DatasetError, match=r"file a\.json"):
        load_abp(tmp_path / "j6")
    _write(tmp_path, "x.jsonl", json.dumps({"id": "a", "source": "S", "text": "t"}) + "\n")
    with pytest.raises(DatasetError, match="no 'bias' key in any record"):
        load_abp(tmp_path / "x.jsonl")
    _write(tmp_path, "y.jsonl", json.dumps({"id": "a", "source": "S", "text": "t", "bias": "up"}) + "\n")
    with pytest.raises(DatasetError, match=r"y\.jsonl, line 1, field 'bias': bias must be one of"):
        load_abp(tmp_path / "y.jsonl")


def test_abp_split_errors(tmp_path):
    with pytest.raises(DatasetError, match=r"train\.tsv: missing split file; expected train\.tsv, valid\.tsv, test\.tsv"):
        load_abp_splits(tmp_path)
    for name in ("train", "valid", "test"):
        _write(tmp_path, f"media/{name}.tsv", "ID\tbias\n")
    _write(tmp_path, "media/train.tsv", "id\tlabel\n")
    with pytest.raises(DatasetError, match=r"train\.tsv, line 1: header must name the columns ID and bias"):
        load_abp_splits(tmp_path)
    _write(tmp_path, "media/train.tsv", "ID\tbias\na\n")
    with pytest.raises(DatasetError, match=r"line 2: row has 1 tab-separated fields, the header has 2"):
        load_abp_splits(tmp_path)
    _write(tmp_path, "media/train.tsv", "ID\tbias\na\t0\n")
    _write(tmp_path, "media/test.tsv", "ID\tbias\na\t0\n")
    with pytest.raises(DatasetError, match=r"test\.tsv, line 2, field 'ID': article 'a' is already listed in train\.tsv"):
        load_abp_splits(tmp_path)


# ---------------------------------------------------------------- PTC

def test_ptc_spans_and_sentences():
    arts = load_ptc_articles(FIX / "ptc" / "articles")
    assert arts["doc_id"].tolist() == ["article101", "article102"]
    assert arts["title"].tolist() == ["Mayor warns of doom", "Quiet day"]
    assert arts["text"].iloc[0].endswith("lie.\n")
    spans = load_ptc_spans(FIX / "ptc" / "train-task2-TC.labels", articles=arts)
    assert spans["span"].tolist() == ["total ruin", "shameful lie", "ruin.\nCritics"]
    assert spans["technique"].iloc[1] == "Name_Calling,Labeling"
    si = load_ptc_spans(FIX / "ptc" / "train-task1-SI.labels")
    assert si["technique"].isna().all() and len(si) == 2
    per = load_ptc_spans(FIX / "ptc" / "per-article")
    assert per[["doc_id", "start"]].values.tolist() == spans[["doc_id", "start"]].values.tolist()[:2]
    sent = ptc_sentences(arts, spans)
    assert sent["doc_id"].tolist() == ["article101-s000", "article101-s001", "article102-s000"]
    assert sent["techniques"].tolist() == [["Exaggeration,Minimisation", "Loaded_Language"],
                                          ["Loaded_Language", "Name_Calling,Labeling"], []]
    assert sent["propaganda"].tolist() == [1, 1, 0]
    text = arts["text"].iloc[0]
    assert all(text[a:b] == t for a, b, t in zip(sent["start"][:2], sent["end"][:2], sent["text"][:2]))
    with_title = ptc_sentences(arts, si, include_title=True)
    assert with_title["text"].iloc[0] == "Mayor warns of doom" and with_title["techniques"].iloc[1] == ["propaganda"]
    rules = ptc_sentences(arts, spans, method="rules")
    assert rules["text"].iloc[0] == "Mayor warns of doom\n\nThe mayor said the city faces total ruin."


def test_ptc_errors(tmp_path):
    arts = load_ptc_articles(FIX / "ptc" / "articles")
    with pytest.raises(FileNotFoundError, match="PTC article folder .* does not exist"):
        load_ptc_articles(tmp_path / "nope")
    with pytest.raises(DatasetError, match=r"no article<ID>\.txt files"):
        load_ptc_articles(tmp_path)
    _write(tmp_path, "a/article5.txt", "  \n")
    with pytest.raises(DatasetError, match=r"article5\.txt, field 'text': empty article"):
        load_ptc_articles(tmp_path / "a")
    with pytest.raises(FileNotFoundError, match="PTC labels .* does not exist"):
        load_ptc_spans(tmp_path / "nope.labels")
    with pytest.raises(DatasetError, match=r"no article<ID>\.task2-TC\.labels"):
        load_ptc_spans(tmp_path / "a")
    cases = [
        ("101\tDoubt\n", r"line 1: expected <ID>\\t<technique>\\t<start>\\t<end>"),
        ("x1\tDoubt\t1\t2\n", r"line 1, field 'id': article id must be numeric, got 'x1'"),
        ("101\tDoubt\t1\t2\n101\tLies\t1\t2\n", r"line 2, field 'technique': unknown technique 'Lies'"),
        ("101\tDoubt\ta\t2\n", r"field 'start': start and end must be integers, got 'a' and '2'"),
        ("101\tDoubt\t5\t2\n", r"field 'start': need 0 <= start < end, got start=5, end=2"),
    ]
    for body, match in cases:
        with pytest.raises(DatasetError, match=match):
            load_ptc_spans(_write(tmp_path, "t.labels", body))
    with pytest.raises(DatasetError, match=r"line 1, field 'id': span on article 'article999', which is not among"):
        load_ptc_spans(_write(tmp_path, "t.labels", "999\tDoubt\t1\t2\n"), articles=arts)
    with pytest.raises(DatasetError, match=r"line 1, field 'end': span 1-9999 ends past the article's 97 characters"):
        load_ptc_spans(_write(tmp_path, "t.labels", "101\tDoubt\t1\t9999\n"), articles=arts)
    _write(tmp_path, "per/article7.task2-TC.labels", "8\tDoubt\t1\t2\n")
    with pytest.raises(DatasetError, match=r"article id '8' in the label file of article '7'"):
        load_ptc_spans(tmp_path / "per")
    with pytest.raises(ValueError, match="method must be 'lines', 'rules' or 'punkt', got 'x'"):
        ptc_sentences(arts, arts, method="x")
    with pytest.raises(ValueError, match=r"spans has no column\(s\) technique, start, end; pass the output of load_ptc_spans"):
        ptc_sentences(arts, arts)


# ---------------------------------------------------------------- NewsWCL50

def test_newswcl50():
    wcl = load_newswcl50(FIX / "newswcl50")
    assert wcl["doc_id"].tolist() == ["0_LL", "0_RR", "4_L"]
    assert wcl["outlet"].tolist() == ["HuffPost", "Breitbart", "New York Times"]
    assert wcl["story_id"].tolist() == ["event_0", "event_0", "event_4"]
    assert "\r" not in "".join(wcl["text"]) and wcl["title"].iloc[0] == "Leader meets envoy"
    ann = load_newswcl50_annotations(FIX / "newswcl50" / "Annotations.csv", articles=wcl)
    assert ann["doc_id"].tolist() == ["0_LL", "0_RR", "0_LL", "4_L"]
    assert ann["code_name"].iloc[1] == "Leader, the" and ann["end"].tolist() == [1, 6, 1, 1]
    text = dict(zip(wcl["doc_id"], wcl["text"]))
    assert [text[d][s:e] if s >= 0 else None for d, s, e in zip(ann["doc_id"], ann["mention_start"], ann["mention_end"])] \
        == ["The leader", "the dictator", None, "The summit"]
    plain = load_newswcl50_annotations(FIX / "newswcl50" / "Annotations.csv")
    assert "mention_start" not in plain.columns and plain["target_concept"].isna().all()


def test_newswcl50_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="NewsWCL50 folder .* does not exist"):
        load_newswcl50(tmp_path / "nope")
    with pytest.raises(DatasetError, match=r"no event_<e>/<e>_<code>\.txt articles found"):
        load_newswcl50(tmp_path)
    _write(tmp_path, "a/event_1/1_XX.txt", "t")
    with pytest.raises(DatasetError, match=r"1_XX\.txt, field 'outlet': unknown outlet code 'XX'"):
        load_newswcl50(tmp_path / "a")
    _write(tmp_path, "b/event_1/2_L.txt", "t")
    with pytest.raises(DatasetError, match=r"file of event 2 in folder event_1; expected event_2"):
        load_newswcl50(tmp_path / "b")
    _write(tmp_path, "c/event_1/1_L.txt", "\r\n")
    with pytest.raises(DatasetError, match=r"1_L\.txt, field 'text': empty article"):
        load_newswcl50(tmp_path / "c")
    head = "id,code_type,code_name,code_mention,target_concept,event_id,publisher_id,paragraph,sentence,start,end"
    cases = [
        ("sep=,\nid,code\n", r"line 2: header must have the columns id, code_type"),
        (head + "\n1,A,B,C,,0,L,0,0,1\n", r"line 2: row has 10 fields, the header has 11"),
        ("sep=,\n" + head + "\n1,A,B,C,,0,L,x,0,1,2\n", r"line 3, field 'paragraph': paragraph must be a whole number"),
        (head + '\n1,A,"B,C,,0,L,0,0,1,2\n', r"unreadable CSV"),
    ]
    for body, match in cases:
        with pytest.raises(DatasetError, match=match):
            load_newswcl50_annotations(_write(tmp_path, "ann.csv", body))
    wcl = load_newswcl50(FIX / "newswcl50")
    with pytest.raises(DatasetError, match=r"line 2, field 'publisher_id': annotation of article '9_L'"):
        load_newswcl50_annotations(_write(tmp_path, "ann.csv", head + "\n1,A,B,C,,9,L,0,0,1,2\n"), articles=wcl)
