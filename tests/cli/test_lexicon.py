"""``framing lexicon sample|validate|evaluate`` end to end."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from framing.cli.app import main

from tests.paths import FIXTURES, REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


def _code(sheet: pd.DataFrame, coder: str, seed: int) -> pd.DataFrame:
    truth = (~sheet["category"].isin(["hedging"])).astype(int).to_numpy()
    flip = np.random.default_rng(seed).random(len(sheet)) < 0.1
    return sheet.assign(coder=coder, correct=np.where(flip, 1 - truth, truth))


def test_sample_validate_end_to_end(tmp_path, capsys):
    sheet_path, page = tmp_path / "sheet.csv", tmp_path / "sheet.html"
    args = ["lexicon", "sample", str(SAMPLE), "--per-category", "6", "--by", "outlet", "--seed", "5", "-o"]
    assert main([*args, str(sheet_path), "--html", str(page)]) == 0
    assert "sampled" in capsys.readouterr().out
    again = tmp_path / "again.csv"
    assert main([*args, str(again)]) == 0
    assert sheet_path.read_bytes() == again.read_bytes()
    HTMLParser().feed(page.read_text(encoding="utf-8"))
    sheet = pd.read_csv(sheet_path, dtype=str, keep_default_na=False)
    for coder, seed in (("ann", 1), ("ben", 2)):
        _code(sheet, coder, seed).to_csv(tmp_path / f"{coder}.csv", index=False)
    out = tmp_path / "out"
    assert main(["lexicon", "validate", str(tmp_path / "ann.csv"), str(tmp_path / "ben.csv"), "-o", str(out),
                 "--n-resamples", "200"]) == 0
    printed = capsys.readouterr().out
    assert "Precision of all hits" in printed and "Krippendorff's alpha" in printed
    precision = pd.read_csv(out / "precision.csv")
    hedging = precision[(precision["coder"] == "(consensus)") & (precision["level"] == "category")
                        & (precision["category"] == "hedging")].iloc[0]
    assert hedging["precision"] < 0.5
    assert {"agreement.csv", "disagreements.csv", "recall.csv"} <= {p.name for p in out.iterdir()}


def test_sample_sentences_and_errors(tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["lexicon", "sample", str(SAMPLE), "--unit", "sentence", "--per-category", "2", "--seed", "1",
                 "-o", str(out)]) == 0
    assert set(pd.read_csv(out)["unit"]) == {"sentence"}
    capsys.readouterr()
    assert main(["lexicon", "sample", str(SAMPLE), "--unit", "sentence", "--per-entry", "2", "--seed", "1",
                 "-o", str(out)]) == 1
    assert "--per-entry: sentences are sampled per category" in capsys.readouterr().err
    assert main(["lexicon", "sample", str(SAMPLE), "--per-category", "0", "--seed", "1", "-o", str(out)]) == 1
    assert "per_category: expected an integer >= 1, got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["lexicon", "sample", str(SAMPLE), "-o", str(out)])  # --seed is required
    assert "--seed" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    pd.read_csv(out).assign(correct="maybe").to_csv(bad, index=False)
    assert main(["lexicon", "validate", str(bad), "-o", str(tmp_path / "o")]) == 1
    assert "correct: expected 1 or 0 (or empty if not coded), got 'maybe'" in capsys.readouterr().err


def test_evaluate_babe_with_a_baseline(tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text("reckless\nsham\na+\n", encoding="utf-8")
    out = tmp_path / "eval.csv"
    assert main(["lexicon", "evaluate", str(FIXTURES / "datasets" / "babe.csv"), "--format", "babe",
                 "--baseline", str(words), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "1 line(s) skipped" in captured.err and "Token level" in captured.out
    table = pd.read_csv(out)
    base = table[(table["lexicon"] == "baseline:words") & (table["category"] == "*")].set_index("level")
    assert base.loc["token", "precision"] == 1.0 and base.loc["token", "tp_predicted"] == 2
    assert main(["lexicon", "evaluate", str(FIXTURES / "datasets" / "ptc" / "articles"), "--format", "ptc"]) == 1
    assert "--spans: --format ptc needs the annotation file" in capsys.readouterr().err
    assert main(["lexicon", "evaluate", str(FIXTURES / "datasets" / "babe.csv"), "--format", "babe", "--spans",
                 "x"]) == 1
    assert "--spans: BABE's biased words are in the corpus file itself" in capsys.readouterr().err
    assert main(["lexicon", "evaluate", str(FIXTURES / "datasets" / "ptc" / "articles"), "--format", "ptc",
                 "--spans", str(FIXTURES / "datasets" / "ptc" / "train-task2-TC.labels"), "--label",
                 "Loaded_Language"]) == 0
    assert "labels Loaded_Language" in capsys.readouterr().out
