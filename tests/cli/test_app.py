from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from framing.cli.app import main

from tests.paths import REPO
SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"

LEXICON = """\
name = "tiny"
version = "1.0"
description = "A tiny test lexicon."

[[categories]]
name = "insinuation"
definition = "Delegitimising words."
negation_window = 3
entries = ["façade", "pretens*", "sham"]

[[categories]]
name = "escalation"
definition = "Conflict words."
entries = ["harsh blow", "ratchet up"]
"""


@pytest.fixture
def files(tmp_path):
    docs = [
        {"doc_id": "a1", "outlet": "A", "text": "They built a façade of unity. A harsh blow followed."},
        {"doc_id": "a2", "outlet": "A", "text": "He called it \u201ca sham\u201d. It was not a façade."},
        {"doc_id": "b1", "outlet": "B", "text": "They ratchet up pressure on the pretense of security."},
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    lexicon = tmp_path / "tiny.toml"
    lexicon.write_text(LEXICON, encoding="utf-8")
    return corpus, lexicon


def test_score_prints_outlet_table_and_writes_csv(files, tmp_path, capsys):
    corpus, lexicon = files
    out = tmp_path / "scores.csv"
    assert main(["score", str(corpus), "--lexicon", str(lexicon), "-o", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Cue rates by outlet" in printed and "insinuation" in printed and "escalation" in printed
    frame = pd.read_csv(out)
    assert len(frame) == 6 and set(frame["category"]) == {"insinuation", "escalation"}


def test_score_voice_and_parquet(files, tmp_path, capsys):
    pytest.importorskip("pyarrow")
    corpus, lexicon = files
    out = tmp_path / "scores.parquet"
    assert main(["score", str(corpus), "--lexicon", str(lexicon), "--voice", "outlet", "-o", str(out)]) == 0
    frame = pd.read_parquet(out)
    assert (frame["voice"] == "outlet").all()
    assert "voice=outlet" in capsys.readouterr().out


def test_hits_to_stdout(files, capsys):
    corpus, lexicon = files
    assert main(["hits", str(corpus), "--lexicon", str(lexicon)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("doc_id,outlet,part,category,entry,matched_text,start,end")
    assert len(lines) == 1 + 6


def test_kwic_prints_lines(files, capsys):
    corpus, lexicon = files
    assert main(["kwic", str(corpus), "--lexicon", str(lexicon), "--category", "insinuation", "--width", "12"]) == 0
    out = capsys.readouterr().out
    assert "[façade]" in out and "[negated]" in out and "[quoted]" in out


def test_lexicon_check(files, capsys):
    _, lexicon = files
    assert main(["lexicon", "check", str(lexicon)]) == 0
    assert "tiny" in capsys.readouterr().out


def test_data_error_exit_1(tmp_path, files, capsys):
    _, lexicon = files
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "1", "outlet": "A", "text": "ok"}\n{not json\n', encoding="utf-8")
    assert main(["score", str(bad), "--lexicon", str(lexicon)]) == 1
    err = capsys.readouterr().err
    assert "framing score: error:" in err and "bad.jsonl" in err and "line 2" in err


def test_missing_lexicon_exit_1(files, capsys):
    corpus, _ = files
    assert main(["score", str(corpus), "--lexicon", "no-such-lexicon"]) == 1
    assert "no-such-lexicon" in capsys.readouterr().err


def test_bad_output_suffix_exit_1(files, tmp_path, capsys):
    corpus, lexicon = files
    assert main(["hits", str(corpus), "--lexicon", str(lexicon), "-o", str(tmp_path / "x.xlsx")]) == 1
    assert "use a .csv, .tsv or .parquet file name" in capsys.readouterr().err


def test_bad_field_exit_1(files, capsys):
    corpus, lexicon = files
    assert main(["score", str(corpus), "--lexicon", str(lexicon), "--field", "text"]) == 1
    assert "--field: expected NAME=COLUMN (e.g. text=content_original), got 'text'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [[], ["score"], ["score", "x", "--voice", "nobody"], ["frobnicate"], ["score", "x", "--n-jobs", "0"], ["lexicon"]],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["score"], ["hits"], ["kwic"], ["lexicon", "check"]])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    assert "usage: framing" in capsys.readouterr().out


@pytest.mark.skipif(not SAMPLE.exists(), reason="sample corpus not present")
def test_console_script_on_sample():
    result = subprocess.run(
        [sys.executable, "-m", "framing", "score", str(SAMPLE), "--quiet"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for outlet in ("meridian-ledger", "harbor-watch", "civic-sentinel"):
        assert outlet in result.stdout


def test_score_by_other_column_and_skip_report(tmp_path, files, capsys):
    _, lexicon = files
    corpus = tmp_path / "grouped.jsonl"
    rows = [
        {"doc_id": "1", "outlet": "A", "group": "g1", "text": "A façade."},
        {"doc_id": "2", "outlet": "B", "group": "g1", "text": ""},
        {"doc_id": "3", "outlet": "C", "group": "g2", "text": "A harsh blow."},
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    for by in ("group", "outlet"):
        assert main(["score", str(corpus), "--lexicon", str(lexicon), "--by", by, "--on-error", "skip"]) == 0
        captured = capsys.readouterr()
        assert f"Cue rates by {by}" in captured.out and "2 documents" in captured.out
        assert "skipped" in captured.err
