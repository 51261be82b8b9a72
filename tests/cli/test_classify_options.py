"""framing classify: binary score column names, svm and rare classes, --quiet, progress notes,
n-gram options, predefined folds, summary output, multi-label evaluation."""

from __future__ import annotations

import pandas as pd
import pytest

from framing.cli.classify import main

from tests.classify.test_model import corpus


@pytest.fixture
def data_csv(tmp_path):
    frame = corpus(24).drop(columns=["marked"])
    frame["fold"] = [i % 3 for i in range(24)]
    frame["RE"] = [int(v == "biased") for v in frame["label"]]
    frame["CO"] = [int(i % 2 == 0) for i in range(24)]
    path = tmp_path / "train.csv"
    frame.to_csv(path, index=False)
    return path


def test_binary_predictions_name_the_scored_class(tmp_path, data_csv, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "-o", str(model)]) == 0
    assert main(["predict", str(model), str(data_csv), "-o", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")
    assert table.columns.tolist() == ["doc_id", "label", "score_neutral"]
    assert ((table["score_neutral"] >= 0.5) == (table["label"] == "neutral")).all()
    with pytest.raises(SystemExit):
        main(["predict", "--help"])
    assert "score_<class>" in capsys.readouterr().out


def test_svm_refuses_a_class_with_too_few_examples(tmp_path, data_csv, capsys):
    frame = pd.read_csv(data_csv)
    frame.loc[0, "label"] = "rare"
    frame.to_csv(data_csv, index=False)
    assert main(["train", str(data_csv), "--label", "label", "--model", "svm", "--no-char", "--no-cues",
                 "-o", str(tmp_path / "m.npz")]) == 1
    assert ("kind='svm': the sigmoid calibration uses 3 stratified folds and needs at least 3 examples of every "
            "class, got 'rare' (1); drop those rows or use kind='logreg'") in capsys.readouterr().err


def test_quiet_and_progress_notes(tmp_path, data_csv, capsys, monkeypatch):
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    argv = ["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "-o", str(tmp_path / "m.npz")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "framing classify: training logreg on 24 documents ..." in err and "done in" in err
    assert main([*argv, "--quiet"]) == 0
    assert "training" not in capsys.readouterr().err


def test_ngram_min_df_max_features(tmp_path, data_csv, capsys):
    from framing.classify.persist import load_model

    model = tmp_path / "m.npz"
    assert main(["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "--ngram", "1", "1",
                 "--min-df", "2", "--max-features", "5", "-o", str(model)]) == 0
    fitted = load_model(model)
    assert fitted.word_ngrams == (1, 1) and fitted.min_df == 2 and fitted.max_features == 5
    assert len(fitted.get_feature_names_out()) == 5
    assert main(["train", str(data_csv), "--label", "label", "--min-df", "0", "-o", str(model)]) == 1
    assert "--min-df: expected 'auto' or an integer >= 1, got '0'" in capsys.readouterr().err
    assert main(["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "--ngram", "2", "1",
                 "-o", str(model)]) == 1
    assert "word_ngrams: expected None or a pair (min_n, max_n)" in capsys.readouterr().err


def test_predefined_folds_and_summary_output(tmp_path, data_csv, capsys):
    summary = tmp_path / "summary.csv"
    oof = tmp_path / "oof.csv"
    assert main(["evaluate", str(data_csv), "--label", "label", "--folds-column", "fold", "--no-char", "--no-cues",
                 "-o", str(oof), "--summary-output", str(summary)]) == 0
    out = capsys.readouterr().out
    assert "3-fold predefined-fold (column 'fold') cross-validation of logreg on 24 documents" in out
    assert pd.read_csv(summary).columns.tolist() == ["metric", "value", "ci_low", "ci_high"]
    folds = pd.read_csv(oof)["fold"].to_numpy()
    assert folds.tolist() == [i % 3 for i in range(24)]
    assert main(["evaluate", str(data_csv), "--label", "label", "--folds-column", "fold", "--groups", "outlet"]) == 1
    assert "--groups and --folds-column cannot be combined" in capsys.readouterr().err


def test_multilabel_evaluation(tmp_path, data_csv, capsys):
    oof = tmp_path / "oof.csv"
    summary = tmp_path / "summary.csv"
    assert main(["evaluate", str(data_csv), "--label", "RE,CO", "--folds-column", "fold", "--no-char", "--no-cues",
                 "-o", str(oof), "--summary-output", str(summary)]) == 0
    out = capsys.readouterr().out
    assert "multi-label cross-validation of logreg, one model per frame (RE, CO), predefined folds" in out
    table = pd.read_csv(oof)
    assert table.columns.tolist() == ["doc_id", "fold", "frame", "true", "score", "threshold", "predicted"]
    assert len(table) == 48 and set(table["frame"]) == {"RE", "CO"}
    assert pd.read_csv(summary).columns.tolist() == ["metric", "frame", "value", "ci_low", "ci_high"]
    assert main(["evaluate", str(data_csv), "--label", "RE,label", "--no-char", "--no-cues"]) == 1
    assert "labels: column 'label' must hold 0/1" in capsys.readouterr().err


def _parse(argv):
    import argparse

    from framing.cli.classify import register

    parser = argparse.ArgumentParser(prog="framing")
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["classify", *argv])


def test_model_options_share_the_library_defaults():
    from framing.classify.model import FrameClassifier
    from framing.cli.classify import _model
    from framing.experiment.config import _CLASSIFIER
    from framing.vocab import DEFAULTS

    for action in ("train", "evaluate"):
        args = _parse([action, "data.csv", "--label", "y", *(["-o", "m.npz"] if action == "train" else [])])
        built, library = _model(args), FrameClassifier()
        for name in ("word_ngrams", "min_df", "max_features", "kind", "C", "random_state"):
            assert built.get_params()[name] == library.get_params()[name], name
    assert _CLASSIFIER["ngram_max"].default == DEFAULTS["ngram_max"] == library.word_ngrams[1]
    assert _CLASSIFIER["min_df"].default == DEFAULTS["min_df"] == library.min_df
    assert _CLASSIFIER["max_features"].default == "" and library.max_features is None


def test_ngram_max_option(tmp_path, data_csv, capsys):
    from framing.cli.classify import _model

    assert _model(_parse(["train", "d.csv", "--label", "y", "-o", "m", "--ngram-max", "3"])).word_ngrams == (1, 3)
    assert _model(_parse(["train", "d.csv", "--label", "y", "-o", "m", "--ngram", "2", "3"])).word_ngrams == (2, 3)
    model = tmp_path / "m.npz"
    assert main(["train", str(data_csv), "--label", "label", "--ngram", "1", "2", "--ngram-max", "3",
                 "-o", str(model)]) == 1
    assert "--ngram 1 2 and --ngram-max 3 cannot be combined; give one of them" in capsys.readouterr().err
    assert main(["train", str(data_csv), "--label", "label", "--ngram-max", "0", "-o", str(model)]) == 1
    assert "--ngram-max: expected an integer >= 1, got 0" in capsys.readouterr().err
    assert main(["train", str(data_csv), "--label", "label", "--max-features", "0", "-o", str(model)]) == 1
    assert "max_features: expected an integer >= 1, got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = capsys.readouterr().out
    assert "--ngram-max N" in out and "--max-features N" in out and "--min-df N" in out


def test_progress_bar_on_a_terminal_only(tmp_path, data_csv, capsys, monkeypatch):
    import sys

    import framing.progress as progress

    made = []
    real = progress.reporter

    def spy(p, **kwargs):
        made.append((p, kwargs.get("label")))
        return real(False, **{k: v for k, v in kwargs.items() if k != "stream"})

    monkeypatch.setattr(progress, "reporter", spy)
    import framing.classify.model as model_module
    import framing.classify.evaluate as evaluate_module

    monkeypatch.setattr(model_module, "reporter", spy)
    monkeypatch.setattr(evaluate_module, "reporter", spy)
    argv = ["train", str(data_csv), "--label", "label", "--no-char", "--no-cues", "-o", str(tmp_path / "m.npz")]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(argv) == 0
    assert (True, "fitting") in made
    made.clear()
    assert main([*argv, "--quiet"]) == 0
    assert (True, "fitting") not in made
    made.clear()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert main(argv) == 0
    assert (True, "fitting") not in made
    made.clear()
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["evaluate", str(data_csv), "--label", "label", "--no-char", "--no-cues", "--folds", "2"]) == 0
    assert any(p is True for p, _ in made)
