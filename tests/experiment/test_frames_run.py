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


def test_stacked_with_question_targets(project):
    root, _ = project
    text = (root / "exp.toml").read_text(encoding="utf-8")
    text = text.replace('evidence = 2\n', 'evidence = 0\ncombine = "stacked"\nauxiliary = "questions"\n')
    text = text.replace('prevalence_by = ["outlet", "bias"]\nprevalence_cluster = "outlet"\n', "")
    (root / "stacked.toml").write_text(text, encoding="utf-8")
    config = load_config(root / "stacked.toml")
    assert config.classifiers[0].combine == "stacked" and config.classifiers[0].auxiliary == "questions"
    folder = run(config, runs_dir=root / "runs-stacked", use_cache=False).run_dir
    summary = pd.read_csv(folder / "tables" / "frames-summary.csv")
    # 12-16 training articles per fold after deduplication: a second stage has little to learn from here
    assert summary.loc[summary["metric"] == "macro_f1", "value"].iloc[0] > 0.5
    thresholds = pd.read_csv(folder / "tables" / "frames-thresholds.csv")
    assert set(thresholds["frame"]) == {"CO", "EC"}  # the question targets are not frames


@pytest.mark.parametrize("keys,message", [
    ('combine = "chain"\n', r"classifiers\[0\]\.combine: unknown combination 'chain'"),
    ('auxiliary = "questions"\nannotations = "answers.csv"\n',
     r"classifiers\[0\]\.auxiliary: auxiliary targets feed the second stage, so they need combine = \"stacked\""),
    ('combine = "stacked"\nauxiliary = "questions"\n',
     r"classifiers\[0\]\.auxiliary: auxiliary = \"questions\" reads the coders' answers from annotations"),
    ('auxiliary = "roles"\n', r"classifiers\[0\]\.auxiliary: unknown auxiliary target set 'roles'"),
])
def test_combine_and_auxiliary_keys(tmp_path, keys, message):
    from framing.experiment.config import ConfigError

    (tmp_path / "articles.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "answers.csv").write_text("doc_id,frame,coder,value\n", encoding="utf-8")
    (tmp_path / "exp.toml").write_text(f"""
schema_version = 1
name = "frames"
[corpus]
path = "articles.jsonl"
[[classifiers]]
labels = ["CO", "EC"]
{keys}""", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path / "exp.toml")
    label = (tmp_path / "exp.toml").read_text(encoding="utf-8").replace('labels = ["CO", "EC"]', 'label = "CO"')
    (tmp_path / "exp.toml").write_text(label.replace(keys, 'combine = "stacked"\n'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"classifiers\[0\]\.combine: applies only to multi-label entries"):
        load_config(tmp_path / "exp.toml")


def test_config_accepts_every_library_combination(tmp_path):
    from framing.classify.multilabel import COMBINE

    (tmp_path / "articles.jsonl").write_text("", encoding="utf-8")
    for combine in COMBINE:
        (tmp_path / "exp.toml").write_text(f"""
schema_version = 1
name = "frames"
[corpus]
path = "articles.jsonl"
[[classifiers]]
labels = ["CO", "EC"]
combine = "{combine}"
""", encoding="utf-8")
        assert load_config(tmp_path / "exp.toml").classifiers[0].combine == combine


def test_select_through_the_run(project):
    root, _ = project
    text = (root / "exp.toml").read_text(encoding="utf-8")
    text = text.replace('evidence = 2\n', 'evidence = 1\nauxiliary = "questions"\n'
                        'select = ["independent", "stacked+blend", "stacked+auxiliary C=3", "independent C=0.3|3"]\n')
    text = text.replace('prevalence_by = ["outlet", "bias"]\nprevalence_cluster = "outlet"\n', "")
    (root / "select.toml").write_text(text, encoding="utf-8")
    config = load_config(root / "select.toml")
    entry = config.classifiers[0]
    assert entry.select == ("independent", "stacked+blend", "stacked+auxiliary C=3", "independent C=0.3|3")
    assert load_config(root / "select.toml").to_dict() == config.to_dict()
    folder = run(config, runs_dir=root / "runs-select", use_cache=False).run_dir
    selection = pd.read_csv(folder / "tables" / "frames-selection.csv", dtype={"fold": str})
    folds = sorted(set(selection["fold"]) - {"(all)"})
    assert len(folds) == 4 and "(all)" in set(selection["fold"])
    assert (selection.groupby("fold")["selected"].sum() == 1).all()
    assert selection["variant"].tolist()[:4] == list(entry.select)
    chosen = selection.loc[(selection["fold"] == "(all)") & selection["selected"], "variant"].iloc[0]
    evidence = pd.read_csv(folder / "tables" / "frames-evidence.csv", dtype={"doc_id": str})
    assert len(evidence) and set(evidence["variant"]) == {chosen}  # the evidence follows the fitted pipeline
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Pipeline chosen by inner cross-validation" in report and "inner-CV macro-F1" in report
    summary = pd.read_csv(folder / "tables" / "frames-summary.csv")
    assert summary.loc[summary["metric"] == "macro_f1", "value"].iloc[0] > 0.5


def test_without_select_the_selection_table_is_empty(project):
    _, folder = project
    selection = pd.read_csv(folder / "tables" / "frames-selection.csv")
    assert selection.empty and "inner_macro_f1" in selection.columns
    evidence = pd.read_csv(folder / "tables" / "frames-evidence.csv")
    assert set(evidence["variant"]) == {"independent"}


@pytest.mark.parametrize("keys,message", [
    ('select = "all"\n', r"classifiers\[0\]\.select: expected \"grid\", \"\" \(no selection\) or an array of "
                         r"variant names"),
    ('select = []\n', r"classifiers\[0\]\.select: expected a non-empty array of variant names, got \[\]"),
    ('select = ["stacked+chain"]\n', r"classifiers\[0\]\.select\[0\]: 'stacked\+chain' is not a variant name"),
    ('select = ["independent+pool"]\n', r"classifiers\[0\]\.select\[0\]: 'independent\+pool' is not a variant"),
    ('select = ["stacked C=0.3|1"]\n', r"classifiers\[0\]\.select\[0\]: 'stacked C=0.3\|1' is not a variant"),
    ('select = ["stacked", "stacked"]\n', r"classifiers\[0\]\.select\[1\]: 'stacked' is listed twice"),
    ('select = 3\n', r"classifiers\[0\]\.select: expected a string or an array of strings, got an integer"),
    ('select = ["stacked+auxiliary"]\n', r"classifiers\[0\]\.select: a \+auxiliary variant needs auxiliary = "
                                          r"\"questions\""),
    ('select = "grid"\ncombine = "stacked"\n', r"classifiers\[0\]\.combine: select sets combine per variant"),
    ('select = "grid"\nC = [0.3, 1.0]\n', r"classifiers\[0\]\.C: select sets C per variant"),
])
def test_select_key_errors(tmp_path, keys, message):
    from framing.experiment.config import ConfigError

    (tmp_path / "articles.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "exp.toml").write_text(f"""
schema_version = 1
name = "frames"
[corpus]
path = "articles.jsonl"
[[classifiers]]
labels = ["CO", "EC"]
{keys}""", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path / "exp.toml")


def test_select_applies_to_multilabel_only_and_accepts_every_grid_name(tmp_path):
    from framing.classify.multilabel import SELECTION_GRID, FrameVariant, parse_variant, selection_variants
    from framing.experiment.config import ConfigError

    (tmp_path / "articles.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "answers.csv").write_text("doc_id,frame,coder,value\n", encoding="utf-8")
    extra = (FrameVariant("stacked", True, 1e-3, True, True), FrameVariant(C=(0.3, 1.0, 3.0)), FrameVariant())
    names = [v.name for v in (*SELECTION_GRID, *extra)]
    head = 'schema_version = 1\nname = "frames"\n[corpus]\npath = "articles.jsonl"\n[[classifiers]]\n'
    (tmp_path / "exp.toml").write_text(head + 'labels = ["CO", "EC"]\nauxiliary = "questions"\n'
                                       'annotations = "answers.csv"\nselect = ' + json.dumps(names) + "\n",
                                       encoding="utf-8")
    entry = load_config(tmp_path / "exp.toml").classifiers[0]
    assert selection_variants(entry.select, auxiliary=True) == (*SELECTION_GRID, *extra)
    assert [parse_variant(v.name) for v in extra] == list(extra)
    assert selection_variants("grid", auxiliary=False) == tuple(v for v in SELECTION_GRID if not v.auxiliary)
    (tmp_path / "exp.toml").write_text(head + 'label = "CO"\nselect = "grid"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"classifiers\[0\]\.select: applies only to multi-label entries"):
        load_config(tmp_path / "exp.toml")


@pytest.mark.parametrize("select,error,message", [
    ("all", ValueError, r"select: expected 'grid' or a list of variant names, got 'all'"),
    ([], TypeError, r"select: expected 'grid' or a non-empty list of variant names"),
    (["stacked+pool+auxiliary"], ValueError, r"select: 'stacked\+pool\+auxiliary' is not a variant name"),
    (["stacked C="], ValueError, r"select: 'stacked C=' is not a variant name"),
    (["stacked C=x"], ValueError, r"select: 'stacked C=x': C='x' is not a number"),
    (["independent+blend"], ValueError, r"blend: the blend averages"),
])
def test_selection_variants_errors(select, error, message):
    from framing.classify.multilabel import selection_variants

    with pytest.raises(error, match=message):
        selection_variants(select, auxiliary=False)
