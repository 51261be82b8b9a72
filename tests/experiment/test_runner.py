from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from framing.cli.app import main
from framing.experiment.config import ConfigError, load_config
from framing.experiment.runner import RunError, plan_run, reproduce, run, verify
from framing.experiment.stages import StageError
from framing.seeds import SCHEME
from framing.experiment.store import read_manifest
from tests.paths import FIXTURES

TINY = FIXTURES / "lexicons" / "tiny.toml"

_STYLES = {
    "calm": "The council met on {day} and said the plan may change. Officials said it was reviewed.",
    "loud": "The council built a façade of unity on {day}, a sham that will escalate the dispute. "
            "Critics vowed to ratchet up pressure on the pretense of order.",
    "mixed": "On {day} the council said the plan was \u201ca sham\u201d, critics said. "
             "It was not a façade, officials said, and the row may escalate.",
}


def _write_corpus(path: Path, *, extra: str = "") -> None:
    rows = []
    for outlet, style in _STYLES.items():
        for story in range(1, 7):
            day = f"2025-0{1 + story % 3}-{10 + story:02d}"
            rows.append({"doc_id": f"{outlet}-{story}", "outlet": outlet, "story_id": f"s{story}", "date": day,
                         "text": style.format(day=day) + f" Story {story} details follow{extra}.",
                         "loaded": "yes" if outlet == "loud" or story % 2 else "no"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


CONFIG = """
schema_version = 1
name = "tiny"
seed = 7

[corpus]
path = "data/articles.jsonl"

[[lexicons]]
path = "lexicon.toml"

[[comparisons]]
id = "within"
by = "outlet"
strata = "story_id"
methods = ["permutation"]
effect = "rate_difference"
n_resamples = 99
timeseries = "month"

[[comparisons]]
id = "paired"
pair_on = "story_id"
n_resamples = 99

[[keyness]]
id = "words"
min_count = 2

[outputs]
figures = ["svg"]
examples = 1

[runtime]
cache_dir = "cache"
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "data").mkdir()
    _write_corpus(tmp_path / "data" / "articles.jsonl")
    shutil.copy(TINY, tmp_path / "lexicon.toml")
    (tmp_path / "exp.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


LIGHT = "outputs.figures=[]"  # no figure rendering: for the tests about folders, caches and hashes


def _run(project: Path, *overrides: str, **kwargs):
    config = load_config(project / "exp.toml", overrides=[LIGHT, *overrides])
    return run(config, runs_dir=project / "runs", **kwargs)


def test_run_writes_a_complete_verifiable_folder(project):
    result = _run(project, "outputs.figures=['png', 'svg']")  # overrides LIGHT
    assert result.status == "created"
    folder = result.run_dir
    assert folder.parent == project / "runs" / "tiny" and folder.name == result.run_hash
    names = set(result.outputs)
    for expected in ("config.json", "report.html", "tables/scores-lexicon.csv", "tables/summary-lexicon.csv",
                     "tables/within-summary.csv", "tables/within-omnibus.csv", "tables/within-pairs.csv",
                     "tables/within-timeseries.csv", "tables/paired-summary.csv", "tables/paired-pairs.csv",
                     "tables/words.csv", "figures/rates-lexicon.png", "figures/rates-lexicon.svg",
                     "figures/within-effects.svg", "figures/paired-paired.png"):
        assert expected in names, expected
    assert (folder / "run.log").is_file()
    assert folder.stat().st_mode & 0o755 == 0o755 and (folder / "report.html").stat().st_mode & 0o644 == 0o644
    manifest = read_manifest(folder)
    assert manifest["run_hash"] == result.run_hash
    assert set(manifest["inputs"]) == {"corpus.path", "lexicons[0].path"}
    assert manifest["seeds"]["comparisons.within"] == load_config(project / "exp.toml").seeds()["comparisons.within"]
    assert "numpy" in manifest["environment"]["packages"]
    assert manifest["seed_scheme"] == SCHEME and "report" not in manifest["seeds"]
    assert "seconds" in manifest["unchecked"]
    assert verify(folder).ok
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".staging")]
    html = (folder / "report.html").read_text(encoding="utf-8")
    for section in ("rates-lexicon", "cmp-within", "cmp-paired", "key-words", "passages"):
        assert f'id="{section}"' in html
    assert "tables/within-pairs.csv" in html


def test_same_config_is_reused_and_a_changed_output_is_refused(project):
    first = _run(project)
    again = _run(project)
    assert again.status == "reused" and again.run_dir == first.run_dir
    target = first.run_dir / "tables" / "within-pairs.csv"
    data = bytearray(target.read_bytes())
    data[-2] ^= 1
    target.write_bytes(bytes(data))
    assert not verify(first.run_dir).ok
    with pytest.raises(RunError, match="(?s)does not match its manifest.*changed: tables/within-pairs.csv"):
        _run(project)
    rebuilt = _run(project, force=True)
    assert rebuilt.status == "rebuilt" and verify(rebuilt.run_dir).ok


def test_a_foreign_folder_at_the_run_path_is_never_taken_over(project):
    config = load_config(project / "exp.toml")
    plan = plan_run(config, runs_dir=project / "runs")
    plan.run_dir.mkdir(parents=True)
    (plan.run_dir / "notes.txt").write_text("mine")
    with pytest.raises(RunError, match="holds no manifest.json"):
        run(config, runs_dir=project / "runs")
    assert (plan.run_dir / "notes.txt").read_text() == "mine"


def test_runtime_does_not_change_the_hash_but_inputs_and_options_do(project):
    base = plan_run(load_config(project / "exp.toml"), runs_dir=project / "runs").run_hash
    same = plan_run(load_config(project / "exp.toml", overrides=["runtime.n_jobs=2", "runtime.cache=false"]),
                    runs_dir=project / "runs").run_hash
    assert same == base
    other = plan_run(load_config(project / "exp.toml", overrides=["comparisons.0.n_resamples=199"]),
                     runs_dir=project / "runs").run_hash
    assert other != base
    # moving the data keeps the hash (content, not location, is hashed)
    (project / "moved").mkdir()
    shutil.copy(project / "data" / "articles.jsonl", project / "moved" / "articles.jsonl")
    moved = plan_run(load_config(project / "exp.toml", overrides=["corpus.path=moved/articles.jsonl"]),
                     runs_dir=project / "runs").run_hash
    assert moved == base
    _write_corpus(project / "moved" / "articles.jsonl", extra=" today")
    changed = plan_run(load_config(project / "exp.toml", overrides=["corpus.path=moved/articles.jsonl"]),
                       runs_dir=project / "runs").run_hash
    assert changed != base


def test_changing_a_statistics_option_reuses_the_cached_scores(project):
    _run(project)
    result = _run(project, "comparisons.0.n_resamples=199")
    assert result.status == "created"
    assert {"corpus", "scores", "hits", "keyness"} <= set(result.cache_hits)
    manifest = read_manifest(result.run_dir)
    assert "scores" in manifest["unchecked"]["cache_hits"]


def test_cached_and_uncached_runs_are_byte_identical(project):
    first = _run(project)
    manifest = read_manifest(first.run_dir)
    shutil.rmtree(project / "runs")
    second = _run(project, "runtime.cache=false")
    fresh = read_manifest(second.run_dir)
    differ = [k for k in manifest["outputs"] if manifest["outputs"][k] != fresh["outputs"][k]]
    assert differ == []  # config.json and the report leave [runtime] out; it is in the manifest
    assert fresh["unchecked"]["runtime"]["cache"] is False


def test_an_interrupted_run_leaves_nothing_that_looks_complete(project, monkeypatch):
    import framing.experiment.outputs as outputs

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "keyness_section", boom)
    with pytest.raises(KeyboardInterrupt):
        _run(project)
    runs = project / "runs" / "tiny"
    assert [p.name for p in runs.iterdir()] == []


def test_reproduce_is_byte_identical_and_reports_differences(project):
    result = _run(project)
    again = reproduce(result.run_dir)
    assert again.identical, again.summary()
    assert again.rerun_dir is None and "byte-identical" in again.summary()
    # a changed input is reported
    _write_corpus(project / "data" / "articles.jsonl", extra=" later")
    changed = reproduce(result.run_dir)
    assert not changed.identical
    assert "run hash" in changed.differences[0]
    assert changed.rerun_dir is not None and changed.rerun_dir.is_dir()


def test_sweep_runs_every_point_and_rejects_bad_values(project, capsys):
    status = main(["run", str(project / "exp.toml"), "--runs-dir", str(project / "runs"), "--quiet", "--set", LIGHT,
                   "--sweep", "comparisons.0.n_resamples=[99, 199]"])
    assert status == 0
    out = capsys.readouterr()
    assert out.out.count("run written to") == 2
    assert len(list((project / "runs" / "tiny").iterdir())) == 2
    status = main(["run", str(project / "exp.toml"), "--runs-dir", str(project / "runs"), "--quiet", "--set", LIGHT,
                   "--sweep", "comparisons.0.n_resamples=99"])
    assert status == 1
    assert "--sweep" in capsys.readouterr().err


def test_cli_run_verify_reproduce_and_errors(project, capsys):
    runs = project / "runs"
    assert main(["run", str(project / "exp.toml"), "--runs-dir", str(runs), "--quiet", "--set", LIGHT]) == 0
    out = capsys.readouterr().out
    assert "run written to" in out and "report.html" in out
    folder = next((runs / "tiny").iterdir())
    assert main(["verify", str(folder)]) == 0
    assert "all match" in capsys.readouterr().out
    (folder / "report.html").write_text("changed")
    assert main(["verify", str(folder)]) == 1
    assert "changed: report.html" in capsys.readouterr().err
    assert main(["verify", str(project)]) == 1
    assert "not a framing run folder" in capsys.readouterr().err
    assert main(["run", str(project / "exp.toml"), "--runs-dir", str(runs), "--set", "comparisons.0.strata=topic",
                 "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "comparisons[0] (id 'within'): strata='topic': document 'calm-1' has no value" in err
    assert main(["run", str(project / "exp.toml"), "--runs-dir", str(runs), "--set", "keyness.0.by=desk",
                 "--quiet"]) == 1
    assert "keyness[0] (id 'words'): by: no column 'desk' in the corpus" in capsys.readouterr().err
    assert main(["run", str(project / "exp.toml"), "--set", "nope=1"]) == 1
    assert "nope" in capsys.readouterr().err


def test_classifier_entry_writes_tables_and_a_reliability_figure(project):
    result = _run(project, "comparisons=[]", "keyness=[]", "outputs.figures=['svg']",
                  "classifiers=[{id = 'loaded', label = 'loaded', n_splits = 3}]")
    for suffix in ("summary", "per-class", "confusion", "predictions", "folds"):
        assert f"tables/loaded-{suffix}.csv" in result.outputs
    assert "figures/loaded-reliability.svg" in result.outputs
    summary = (result.run_dir / "tables" / "loaded-summary.csv").read_text()
    assert "macro_f1" in summary
    assert 'id="clf-loaded"' in (result.run_dir / "report.html").read_text(encoding="utf-8")
    again = _run(project, "comparisons=[]", "keyness=[]", "outputs.figures=['svg']",
                 "classifiers=[{id = 'loaded', label = 'loaded', n_splits = 3}]", force=True)
    assert "classifier" in again.cache_hits
    with pytest.raises(RunError, match=r"stage failed: classifiers\[0\] \(id 'bad'\): .*desk") as info:
        _run(project, "comparisons=[]", "keyness=[]", "classifiers=[{id = 'bad', label = 'desk'}]")
    assert isinstance(info.value.__cause__, StageError)


def test_a_comparison_can_use_a_subset_of_the_documents(project):
    result = _run(project, "keyness=[]", "comparisons=[{id = 'sub', include = {outlet = ['calm', 'loud']}, "
                                         "methods = ['welch'], n_resamples = 99}]")
    pairs = (result.run_dir / "tables" / "sub-pairs.csv").read_text()
    assert "calm,loud" in pairs and "mixed" not in pairs
    assert "(6 others left out)" in (result.run_dir / "report.html").read_text(encoding="utf-8")
    with pytest.raises(RunError, match=r"stage failed: comparisons\[0\] \(id 'sub'\): include: no document matches"):
        _run(project, "keyness=[]", "comparisons=[{id = 'sub', include = {outlet = ['none']}}]")


def test_undated_documents_are_left_out_of_the_time_series_and_counted(project):
    path = project / "data" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows[0]["date"] = None
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = _run(project, "keyness=[]", "comparisons=[{id = 'ts', methods = ['welch'], timeseries = 'month', "
                                         "n_resamples = 99}]")
    html = (result.run_dir / "report.html").read_text(encoding="utf-8")
    assert "Documents without a date, left out of the series: 1." in html
    summary = (result.run_dir / "tables" / "ts-summary.csv").read_text()
    assert "calm,insinuation,6," in summary  # the undated document still counts in the comparison


def test_unmatched_strata_stop_the_run_or_are_dropped_as_configured(project):
    path = project / "data" / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")  # calm-1 gone: story s1 lacks one outlet
    with pytest.raises(RunError, match=r"comparisons\[0\] \(id 'within'\): .*s1") as info:
        _run(project, "keyness=[]", "comparisons=[{id = 'within', strata = 'story_id', n_resamples = 99}]")
    assert isinstance(info.value.__cause__, StageError) and str(info.value.__cause__) in str(info.value)
    result = _run(project, "keyness=[]", "comparisons=[{id = 'within', strata = 'story_id', n_resamples = 99, "
                                         "unmatched = 'drop', omnibus = false}]")
    import pandas as pd

    pairs = pd.read_csv(result.run_dir / "tables" / "within-pairs.csv")
    dropped = pairs.groupby(["group_a", "group_b"])["n_strata_dropped"].max().to_dict()
    assert dropped[("calm", "loud")] == 1 and dropped[("loud", "mixed")] == 0


def test_unknown_column_in_filters_names_the_key(project):
    with pytest.raises(ConfigError, match=r"corpus\.filters\.include\.desk: no column 'desk'"):
        _run(project, "corpus.filters.include={desk = ['news']}")
    with pytest.raises(ConfigError, match=r"corpus\.filters: no documents are left .*'include genre': 18"):
        _run(project, "corpus.filters.include={genre = ['news']}")


def test_filters_are_applied_and_counted(project):
    result = _run(project, "corpus.filters.exclude={outlet = ['calm']}", "corpus.filters.date_from=2025-02-01",
                  "keyness=[]", "comparisons=[]")
    html = (result.run_dir / "report.html").read_text(encoding="utf-8")
    assert "exclude outlet: 6" in html
    summary = (result.run_dir / "tables" / "summary-lexicon.csv").read_text()
    assert "calm" not in summary


_SCRIPT = """
import json, sys
from framing.experiment.config import load_config
from framing.experiment.runner import run
config = load_config(sys.argv[1], overrides=["runtime.n_jobs=" + sys.argv[3], "runtime.cache=false",
                                            "outputs.figures=['png', 'svg']"])
result = run(config, runs_dir=sys.argv[2])
print(json.dumps(json.load(open(result.run_dir / "manifest.json"))["outputs"]))
"""


def test_outputs_identical_under_other_hash_seeds_and_n_jobs(project):
    outputs = []
    for i, (seed, jobs) in enumerate((("1", "1"), ("4242", "2"))):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(project / "exp.toml"), str(project / f"r{i}"), jobs],
                              capture_output=True, text=True, env=env, timeout=300, check=True)
        outputs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    differ = sorted(k for k in outputs[0] if outputs[0][k] != outputs[1].get(k))
    assert differ == []


def test_many_outlets_keep_the_report_readable(project, monkeypatch):
    import pandas as pd

    import framing.experiment.outputs as outputs

    hits = pd.DataFrame({"category": ["a"] * 6 + ["b"], "outlet": ["x", "x", "y", "z", "z", "z", "y"]})
    monkeypatch.setattr(outputs, "MAX_PASSAGE_OUTLETS", 2)
    kept = outputs._passage_hits(hits)
    assert sorted(set(zip(kept["category"], kept["outlet"]))) == [("a", "x"), ("a", "z"), ("b", "y")]
    import framing.experiment.sections as sections

    monkeypatch.setattr(sections, "MAX_OUTLETS_PER_FIGURE", 2)
    result = _run(project, "keyness=[]", "comparisons=[]", "outputs.figures=['svg']")
    assert [o for o in result.outputs if o.startswith("figures/rates-")]  # drawn for the outlets with most documents
    assert "The 2 outlets with the most documents of 3; the table has every outlet." in (
        result.run_dir / "report.html").read_text()


def test_tables_can_also_be_written_as_parquet(project):
    import pandas as pd

    result = _run(project, "keyness=[]", "comparisons=[]", "outputs.tables=['csv', 'parquet']")
    assert "tables/summary-lexicon.parquet" in result.outputs
    csv = pd.read_csv(result.run_dir / "tables" / "summary-lexicon.csv")
    parquet = pd.read_parquet(result.run_dir / "tables" / "summary-lexicon.parquet")
    assert list(parquet.columns) == list(csv.columns) and len(parquet) == len(csv)


def test_large_tables_are_written_as_parquet_and_verified(project, capsys):
    import pandas as pd

    from framing.experiment.store import file_sha256

    # the per-document scores (54 rows) are large, every other table (18 rows at most) is not
    result = _run(project, "keyness=[]", "outputs.large_rows=20")
    names = set(result.outputs)
    assert "tables/scores-lexicon.parquet" in names and "tables/scores-lexicon.csv" not in names
    assert not (result.run_dir / "tables" / "scores-lexicon.csv").exists()
    tables = sorted(rel for rel in names if rel.startswith("tables/"))
    assert [rel for rel in tables if not rel.endswith(".csv")] == ["tables/scores-lexicon.parquet"]
    assert "tables/summary-lexicon.csv" in names and "tables/within-timeseries.csv" in names
    listed = read_manifest(result.run_dir)["outputs"]
    assert set(listed) == names
    assert listed["tables/scores-lexicon.parquet"] == file_sha256(result.run_dir / "tables" / "scores-lexicon.parquet")
    assert verify(result.run_dir).ok
    assert main(["verify", str(result.run_dir)]) == 0 and "all match" in capsys.readouterr().out
    html = (result.run_dir / "report.html").read_text(encoding="utf-8")
    assert 'href="tables/scores-lexicon.parquet"' in html and 'href="tables/summary-lexicon.csv"' in html
    assert "54 rows, more than outputs.large_rows = 20: written as Parquet (outputs.large_tables)." in html
    scores = pd.read_parquet(result.run_dir / "tables" / "scores-lexicon.parquet")
    assert len(scores) == 54

    both = _run(project, "keyness=[]", "outputs.large_rows=20", "outputs.large_tables=['csv', 'parquet']")
    assert {"tables/scores-lexicon.csv", "tables/scores-lexicon.parquet"} <= set(both.outputs)
    assert both.run_hash != result.run_hash and verify(both.run_dir).ok
    csv = pd.read_csv(both.run_dir / "tables" / "scores-lexicon.csv")
    assert list(csv.columns) == list(scores.columns) and csv["doc_id"].tolist() == scores["doc_id"].astype(str).tolist()
    html = (both.run_dir / "report.html").read_text(encoding="utf-8")
    assert 'href="tables/scores-lexicon.csv"' in html and "written as CSV and Parquet" in html
