"""--segmentation on the corpus commands (issue 15)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from framing.cli.app import main

A = "中国的经济政策在2024年发生了变化。经济学家说经济增长放缓。"
B = "政府不改革政策，经济学不是经济。"


@pytest.fixture
def files(tmp_path):
    rows = [{"doc_id": "a", "outlet": "x", "text": A}, {"doc_id": "b", "outlet": "y", "text": B}]
    corpus = tmp_path / "zh.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    lexicon = tmp_path / "zh.csv"
    lexicon.write_text("term,category\n经济,econ\n经济增长,econ\n政策,policy\n", encoding="utf-8")
    return corpus, lexicon


def test_score_and_hits_switch_segmentation(files, tmp_path, capsys):
    pytest.importorskip("jieba")
    corpus, lexicon = files
    tokens = {}
    for seg in ("char", "jieba"):
        out = tmp_path / f"scores-{seg}.csv"
        assert main(["score", str(corpus), "--lexicon", str(lexicon), "--voice", "all", "--segmentation", seg,
                     "-o", str(out), "--quiet"]) == 0
        tokens[seg] = pd.read_csv(out).groupby("doc_id")["tokens"].first().to_dict()
    assert tokens == {"char": {"a": 26, "b": 14}, "jieba": {"a": 15, "b": 7}}
    out = tmp_path / "hits.csv"
    assert main(["hits", str(corpus), "--lexicon", str(lexicon), "--segmentation", "jieba", "-o", str(out)]) == 0
    found = pd.read_csv(out)
    assert list(zip(found["entry"], found["start"], found["end"])) == [
        ("经济", 3, 5), ("政策", 5, 7), ("经济增长", 24, 28), ("政策", 5, 7), ("经济", 13, 15)]
    assert main(["kwic", str(corpus), "--lexicon", str(lexicon), "--segmentation", "jieba", "--category", "econ"]) == 0
    assert capsys.readouterr().out.count("[经济") == 3


def test_keyness_and_sample_take_the_option(files, tmp_path):
    pytest.importorskip("jieba")
    _, lexicon = files
    corpus = tmp_path / "zh4.jsonl"
    rows = [{"doc_id": f"{o}{i}", "outlet": o, "text": t} for i in range(2) for o, t in (("x", A), ("y", B))]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "key.csv"
    assert main(["keyness", str(corpus), "--segmentation", "jieba", "--min-count", "1", "--method", "log_ratio",
                 "-o", str(out), "--quiet"]) == 0
    assert "经济学家" in set(pd.read_csv(out)["term"])
    sheet = tmp_path / "sheet.csv"
    assert main(["lexicon", "sample", str(corpus), "--lexicon", str(lexicon), "--segmentation", "jieba", "--voice", "all",
                 "--seed", "1", "-o", str(sheet)]) == 0
    assert len(pd.read_csv(sheet)) == 10


def test_unknown_segmentation_is_refused(files, capsys):
    corpus, lexicon = files
    with pytest.raises(SystemExit):
        main(["hits", str(corpus), "--lexicon", str(lexicon), "--segmentation", "mecab"])
    assert "--segmentation: invalid choice: 'mecab' (choose from 'char', 'jieba')" in capsys.readouterr().err
