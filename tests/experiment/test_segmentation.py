"""[preprocessing] segmentation: the one switch for CJK segmentation in runs (issue 15)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from framing.experiment.config import ConfigError, load_config
from framing.experiment.runner import run
from framing.experiment.store import read_manifest

A = "中国的经济政策在2024年发生了变化。经济学家说经济增长放缓。"
B = "政府不改革政策，经济学不是经济。"

CONFIG = """
schema_version = 1
name = "zh"

[corpus]
path = "articles.jsonl"

[[lexicons]]
path = "zh.csv"

[outputs]
figures = []
report = false
"""


@pytest.fixture
def project(tmp_path):
    rows = [{"doc_id": f"{o}{i}", "outlet": o, "text": t} for i in range(3) for o, t in (("x", A), ("y", B))]
    (tmp_path / "articles.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                              encoding="utf-8")
    (tmp_path / "zh.csv").write_text("term,category\n经济,econ\n经济增长,econ\n政策,policy\n", encoding="utf-8")
    return tmp_path


def _config(project: Path, segmentation: str | None):
    text = CONFIG if segmentation is None else CONFIG + f'\n[preprocessing]\nsegmentation = "{segmentation}"\n'
    (project / "exp.toml").write_text(text, encoding="utf-8")
    return load_config(project / "exp.toml")


def test_default_is_char_and_left_out_of_the_canonical_form(project):
    cfg = _config(project, None)
    assert cfg.preprocessing.segmentation == "char"
    assert "segmentation" not in cfg.to_dict()["preprocessing"]  # run hashes of earlier configs unchanged
    assert _config(project, "char").to_dict() == cfg.to_dict()
    jieba = _config(project, "jieba")
    assert jieba.preprocessing.segmentation == "jieba" and jieba.to_dict()["preprocessing"]["segmentation"] == "jieba"


def test_unknown_segmentation_is_refused(project):
    with pytest.raises(ConfigError, match=r"preprocessing\.segmentation: unknown segmentation 'mecab'; allowed: char, jieba"):
        _config(project, "mecab")


def test_a_jieba_run_counts_words_and_records_the_segmenter(project):
    pytest.importorskip("jieba")
    import jieba

    results = {seg: run(_config(project, seg), runs_dir=project / "runs") for seg in ("char", "jieba")}
    assert results["char"].run_hash != results["jieba"].run_hash
    tokens = {seg: pd.read_csv(r.run_dir / "tables" / "scores-zh.csv").groupby("outlet")["tokens"].first().to_dict()
              for seg, r in results.items()}
    assert tokens == {"char": {"x": 26, "y": 14}, "jieba": {"x": 15, "y": 7}}
    scores = pd.read_csv(results["jieba"].run_dir / "tables" / "scores-zh.csv")
    econ = scores[scores["category"] == "econ"].groupby("outlet")["count"].first().to_dict()
    assert econ == {"x": 2, "y": 1}  # 经济 not inside 经济学家 / 经济学
    manifest = read_manifest(results["jieba"].run_dir)
    assert manifest["environment"]["packages"]["jieba"] == jieba.__version__
    assert "jieba" not in read_manifest(results["char"].run_dir)["environment"]["packages"]
    config = json.loads((results["jieba"].run_dir / "config.json").read_text(encoding="utf-8"))
    assert config["preprocessing"]["segmentation"] == "jieba"


def test_a_jieba_run_without_jieba_stops_before_any_work(project, monkeypatch):
    from framing import text

    cfg = _config(project, "jieba")
    monkeypatch.setitem(sys.modules, "jieba", None)
    text._jieba_tokenizer.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"preprocessing\.segmentation = 'jieba': segmentation='jieba' needs "
                                              r"the optional dependency jieba: pip install 'framing-toolkit\[cjk\]'"):
            run(cfg, runs_dir=project / "runs")
    finally:
        text._jieba_tokenizer.cache_clear()
    assert not (project / "runs").exists()
