"""A multi-label (frames) [[classifiers]] entry through `framing run`."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from framing.experiment.config import load_config
from framing.experiment.frames import AGREEMENT_COLUMNS, FRAME_TABLES, read_annotations
from framing.experiment.runner import run
from tests.classify.test_multilabel import corpus as frames_corpus


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("frames")
    data = frames_corpus(48, seed=5)
    data["bias"] = np.where(data["outlet"].isin(["A", "B"]), "left", "right")
    with open(root / "articles.jsonl", "w", encoding="utf-8") as fh:
        for row in data.to_dict("records"):
            fh.write(json.dumps({k: (int(v) if isinstance(v, np.integer) else v) for k, v in row.items()}) + "\n")
    rng = np.random.default_rng(1)
    rows = []
    for row in data.itertuples():
        for frame in ("CO", "EC"):
            truth = getattr(row, frame)
            for coder in (1, 2):
                value = truth if rng.random() < 0.9 else 1 - truth
                rows.append({"doc_id": row.doc_id, "frame": frame, "question": frame.lower() + "1", "coder": coder,
                             "value": int(value)})
    pd.DataFrame(rows).to_csv(root / "answers.csv", index=False)
    (root / "exp.toml").write_text("""
schema_version = 1
name = "frames"
seed = 7
[corpus]
path = "articles.jsonl"
[[classifiers]]
id = "frames"
labels = ["CO", "EC"]
folds = "fold"
char = false
ngram_max = 1
prevalence_by = ["outlet", "bias"]
prevalence_cluster = "outlet"
annotations = "answers.csv"
evidence = 2
[outputs]
figures = ["png"]
""", encoding="utf-8")
    result = run(load_config(root / "exp.toml"), runs_dir=root / "runs", use_cache=False)
    return root, result.run_dir


def test_tables_written(project):
    _, folder = project
    for _, suffix in FRAME_TABLES:
        assert (folder / "tables" / f"frames-{suffix}.csv").is_file(), suffix
    summary = pd.read_csv(folder / "tables" / "frames-summary.csv")
    assert summary.loc[summary["metric"] == "macro_f1", "value"].iloc[0] > 0.7
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Frames — frames" in report and "Frame shares by group" in report and "Why an article was coded" in report
    assert (folder / "figures" / "frames-prevalence-outlet.png").is_file()


def test_prevalence_has_corrected_and_gold_shares(project):
    _, folder = project
    table = pd.read_csv(folder / "tables" / "frames-prevalence.csv")
    assert set(table["by"]) == {"outlet", "bias"} and set(table["frame"]) == {"CO", "EC"}
    bias = table[table["by"] == "bias"]
    assert set(bias["unit"]) == {"cluster"} and (bias["n_clusters"] == 2).all()
    assert ((table["ci_low"] <= table["corrected_share"]) & (table["corrected_share"] <= table["ci_high"])).all()
    assert table["corrected_share"].between(0, 1).all() and table["clipped"].isin([True, False]).all()
    summary = pd.read_csv(folder / "tables" / "frames-summary.csv")
    f1 = summary[summary["metric"] == "f1"].set_index("frame")["value"]
    best = f1.idxmax()  # with the better-learned frame, the corrected share is close to the gold share
    rows = table[table["frame"] == best]
    assert (rows["corrected_share"] - rows["true_share"]).abs().max() < 0.2, f1.to_dict()


def test_agreement_rows(project):
    _, folder = project
    table = pd.read_csv(folder / "tables" / "frames-agreement.csv")
    assert list(table.columns) == list(AGREEMENT_COLUMNS)
    humans = table[(table["coders"] == "annotators") & (table["question"] == "(all)")]
    assert set(humans["frame"]) == {"CO", "EC"} and (humans["alpha"] > 0.5).all()
    assert set(table[table["coders"] == "model vs gold"]["frame"]) == {"CO", "EC"}


def test_evidence_sentences_are_exact_slices(project):
    root, folder = project
    evidence = pd.read_csv(folder / "tables" / "frames-evidence.csv", dtype={"doc_id": str})
    texts = {json.loads(line)["doc_id"]: json.loads(line)["text"]
             for line in (root / "articles.jsonl").read_text(encoding="utf-8").splitlines()}
    assert len(evidence) and set(evidence["frame"]) <= {"CO", "EC"}
    for row in evidence.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text


def test_read_annotations_errors(tmp_path):
    (tmp_path / "a.csv").write_text("doc_id,coder\n1,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"a.csv: missing column\(s\) frame, value"):
        read_annotations(tmp_path / "a.csv")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=r"expected a .json \(Narrative Frames\) or a .csv/.tsv long table"):
        read_annotations(tmp_path / "a.txt")
