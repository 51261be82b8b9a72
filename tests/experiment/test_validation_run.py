"""[[validation]] entries: config schema, the stage, the tables, the report section, the manifest.

The coded sheets in tests/fixtures/validation are two *simulated* coders
(tests/fixtures/validation/simulate_coders.py), not real codings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing.cli.app import main
from framing.experiment.config import ConfigError, load_config
from framing.experiment.runner import plan_run, reproduce, run, verify
from framing.experiment.validation import draw_sample, span_data, span_lexicons
from framing.lexicon.files import load_lexicon
from framing.lexicon.validate import coded_units, read_sheet
from framing.match.scoring import hits
from framing.corpus.readers import read_corpus
from framing.seeds import derive_seed
from framing.stats.agreement import krippendorff_alpha, reliability_table
from framing.stats.spans import evaluate_spans
from framing.stats.validation import validate_sheets
from tests.paths import FIXTURES, REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"
SHEETS = FIXTURES / "validation"
PTC = FIXTURES / "datasets" / "ptc"

HEAD = f"""
schema_version = 1
name = "val"
seed = 5

[corpus]
path = "{SAMPLE.as_posix()}"

[outputs]
figures = []
examples = 0

[runtime]
cache_dir = "cache"
"""


def _config(tmp_path: Path, text: str, name: str = "c.toml"):
    path = tmp_path / name
    path.write_text(HEAD + text, encoding="utf-8")
    return load_config(path, env={"PTC": str(PTC), "HOME": str(tmp_path)})


@pytest.fixture
def project(tmp_path):
    for name in ("alice.csv", "bob.csv"):
        shutil.copy(SHEETS / name, tmp_path / name)
    return tmp_path


FULL = """
[[validation]]
name = "cues"
sample = { per_category = 3, by = "outlet" }
sheets = ["alice.csv", "bob.csv"]
n_resamples = 199

[[validation]]
name = "ptc"
spans = { dataset = "ptc", path = "${PTC}/articles", annotations = "${PTC}/train-task2-TC.labels" }
"""


# ------------------------------------------------------------------ agreement on the fixture


def test_fixture_alpha_equals_the_reference_implementation():
    krippendorff = pytest.importorskip("krippendorff")
    sheets = [read_sheet(SHEETS / "alice.csv"), read_sheet(SHEETS / "bob.csv")]
    long = coded_units(sheets)
    data = reliability_table(long, unit="unit_id", coder="coder", value="correct")
    ours = krippendorff_alpha(data, level="nominal")
    matrix = np.array([[np.nan if v is None else float(v) for v in row] for row in np.asarray(data, dtype=object).T])
    reference = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert ours == pytest.approx(reference, abs=1e-12)
    table = validate_sheets(sheets, n_resamples=199, random_state=1).agreement
    assert table.loc[table["scope"] == "all", "alpha"].iloc[0] == pytest.approx(reference, abs=1e-12)
    assert 0 < reference < 1  # the simulated coders disagree on some units


# ------------------------------------------------------------------ config


def test_defaults_are_shared_with_the_command_line(project):
    cfg = _config(project, "[[validation]]\nsample = {}\n")
    entry = cfg.validation[0]
    assert (entry.name, entry.lexicon, entry.sheets, entry.spans) == ("validation-1", "framing-cues", (), None)
    s = entry.sample
    assert (s.unit, s.per_category, s.per_entry, s.by, s.seed, s.width, s.coding_page) == (
        "hit", 50, None, None, None, 100, True)
    assert (entry.confidence, entry.prune_below, entry.n_resamples) == (0.95, 0.5, 4999)
    assert "validation.validation-1" in cfg.seeds()
    assert cfg.where("validation", "validation-1") == "validation[0] (id 'validation-1')"


def test_canonical_form_round_trips_and_is_absent_without_entries(project):
    from framing.experiment.config import config_from_dict

    cfg = _config(project, FULL)
    data = json.loads(json.dumps(cfg.to_dict()))
    assert data["validation"][0]["sample"]["seed"] == "" and data["validation"][1]["sample"] == ""
    assert data["validation"][0]["sheets"] == [(project / "alice.csv").as_posix(), (project / "bob.csv").as_posix()]
    assert config_from_dict(data, source=cfg.source, base_dir=project / "elsewhere", env={}) == cfg
    assert "validation" not in _config(project, "").to_dict()


def test_sheets_and_span_files_are_inputs(project):
    cfg = _config(project, FULL)
    keys = [key for key, _ in cfg.input_paths()]
    assert keys == ["corpus.path", "validation[0].sheets[0]", "validation[0].sheets[1]", "validation[1].spans.path",
                    "validation[1].spans.annotations"]
    plan = plan_run(cfg, runs_dir=project / "runs")
    assert plan.identity["config"]["validation"][0]["sheets"][1] == "sha256:" + plan.inputs[
        "validation[0].sheets[1]"]["sha256"]
    moved = project / "moved"
    moved.mkdir()
    for name in ("alice.csv", "bob.csv"):
        shutil.copy(project / name, moved / name)
    other = _config(project, FULL.replace('"alice.csv", "bob.csv"', '"moved/alice.csv", "moved/bob.csv"'), "d.toml")
    assert plan_run(other, runs_dir=project / "runs").run_hash == plan.run_hash  # content, not location


@pytest.mark.parametrize("text, message", [
    ("[[validation]]\nname = 'x'\n", r"validation\[0\]: give at least one of sample .*, sheets .* and spans"),
    ("[[validation]]\nsample = { per_category = 3, per_entry = 2 }\n",
     r"validation\[0\]\.sample\.per_entry: give at most one of per_category and per_entry"),
    ("[[validation]]\nsample = { unit = 'sentence', per_entry = 2 }\n",
     r"validation\[0\]\.sample\.per_entry: sentences are sampled per category"),
    ("[[validation]]\nsample = { unit = 'word' }\n",
     r"validation\[0\]\.sample\.unit: unknown unit 'word'.* allowed: hit, sentence"),
    ("[[validation]]\nsample = { per_category = 0 }\n",
     r"validation\[0\]\.sample\.per_category: expected an integer >= 1, got 0"),
    ("[[validation]]\nsample = { size = 3 }\n", r"validation\[0\]\.sample\.size: unknown key 'size'"),
    ("[[validation]]\nsample = {}\nprune_below = 0.3\n",
     r"validation\[0\]\.prune_below: applies only with sheets \(coded sheets\); remove it"),
    ("[[validation]]\nsheets = ['nope.csv']\n", r"validation\[0\]\.sheets\[0\]: no such file or folder: .*nope\.csv"),
    ("[[validation]]\nsheets = ['alice.csv', './alice.csv']\n", r"validation\[0\]\.sheets\[1\]: .* is listed twice"),
    ("[[validation]]\nsheets = 'alice.csv'\n", r"validation\[0\]\.sheets: expected an array of strings, got a string"),
    ("[[validation]]\nsample = {}\nlexicon = 'other'\n", r"validation\[0\]\.lexicon: unknown lexicon id 'other'"),
    ("[[validation]]\nname = 'a'\nsample = {}\n[[validation]]\nname = 'a'\nsample = {}\n",
     r"validation\[1\]\.name: duplicate name 'a' \(also validation\[0\]\)"),
    ("[[validation]]\nname = 'A b'\nsample = {}\n", r"validation\[0\]\.name: 'A b' does not match"),
    ("[[validation]]\nspans = { dataset = 'semeval', path = 'alice.csv' }\n",
     r"validation\[0\]\.spans\.dataset: unknown dataset 'semeval'.* allowed: babe, ptc, newswcl50"),
    ("[[validation]]\nspans = { dataset = 'ptc', path = '${PTC}/articles' }\n",
     r"validation\[0\]\.spans\.annotations: dataset 'ptc' needs the annotation file"),
    ("[[validation]]\nspans = { dataset = 'babe', path = 'alice.csv', annotations = 'bob.csv' }\n",
     r"validation\[0\]\.spans\.annotations: BABE's biased words are in its CSV file itself"),
    ("[[validation]]\nspans = { dataset = 'babe', path = '${PTC}' }\n",
     r"validation\[0\]\.spans\.path: dataset \"babe\" needs the BABE CSV file, got the folder"),
    ("[[validation]]\nspans = { dataset = 'ptc', path = 'alice.csv', annotations = 'bob.csv' }\n",
     r"validation\[0\]\.spans\.path: dataset 'ptc' needs the articles folder, got the file"),
    ("[[validation]]\nspans = { dataset = 'babe', path = '${NOPE}/babe.csv' }\n",
     r"validation\[0\]\.spans\.path: environment variable NOPE is not set"),
    ("[[validation]]\nspans = { dataset = 'babe', path = 'alice.csv', baselines = ['.'] }\n",
     r"validation\[0\]\.spans\.baselines\[0\]: expected a word list file"),
])
def test_config_errors_name_the_key(project, text, message):
    with pytest.raises(ConfigError, match=message):
        _config(project, text)


# ------------------------------------------------------------------ the run


def test_run_writes_the_tables_the_section_and_verifies(project):
    cfg = _config(project, FULL)
    result = run(cfg, runs_dir=project / "runs")
    folder = result.run_dir
    for name in ("sheet", "precision", "alpha", "disagreements", "recall"):
        assert (folder / "tables" / f"validation-cues-{name}.csv").is_file(), name
    assert (folder / "tables" / "validation-ptc-spans.csv").is_file()
    assert (folder / "coding" / "validation-cues.html").is_file()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {"validation[0].sheets[0]", "validation[0].sheets[1]", "validation[1].spans.path",
            "validation[1].spans.annotations"} <= set(manifest["inputs"])
    assert "tables/validation-cues-precision.csv" in manifest["outputs"]
    assert "validation.cues" in manifest["seeds"] and "validation.cues.sample" in manifest["seeds"]
    # the tables are those of the library
    expected = validate_sheets([read_sheet(project / "alice.csv"), read_sheet(project / "bob.csv")],
                               n_resamples=199, random_state=derive_seed(5, "validation.cues"))
    precision = pd.read_csv(folder / "tables" / "validation-cues-precision.csv")
    assert np.allclose(precision["precision"], expected.precision["precision"], equal_nan=True)
    alpha = pd.read_csv(folder / "tables" / "validation-cues-alpha.csv")
    assert np.allclose(alpha["alpha"], expected.agreement["alpha"], equal_nan=True)
    assert np.allclose(alpha["ci_low"], expected.agreement["ci_low"], equal_nan=True)
    # the report section
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="val-cues"' in report and 'id="val-ptc"' in report
    assert "Lexicon validation — cues" in report and "of sampled hits are the cue (95% CI" in report
    assert "\u03b1 = " in report and 'href="tables/validation-cues-precision.csv"' in report
    assert 'href="tables/validation-ptc-spans.csv"' in report and "coding/validation-cues.html" in report
    # manifest re-check and a re-run from the recorded config reproduce every byte
    assert verify(folder).ok
    assert main(["verify", str(folder)]) == 0
    again = reproduce(folder)
    assert again.identical, again.summary()


def test_a_second_run_reuses_the_cache_with_identical_bytes(project):
    cfg = _config(project, FULL)
    first = run(cfg, runs_dir=project / "runs")
    second = run(cfg, runs_dir=project / "runs2")
    assert "validation" in second.cache_hits
    for rel in first.outputs:
        assert (first.run_dir / rel).read_bytes() == (second.run_dir / rel).read_bytes(), rel


def test_the_sheet_is_the_command_lines_sample(project, capsys):
    cfg = _config(project, "[[validation]]\nname = 'draw'\nsample = { per_category = 3, seed = 42, "
                           "coding_page = false }\n")
    folder = run(cfg, runs_dir=project / "runs").run_dir
    assert not (folder / "coding").exists()
    out = project / "cli.csv"
    assert main(["lexicon", "sample", str(SAMPLE), "--per-category", "3", "--seed", "42", "-o", str(out)]) == 0
    assert (folder / "tables" / "validation-draw-sheet.csv").read_bytes() == out.read_bytes()
    # without a seed, the sample's seed is derived from the run seed
    cfg = _config(project, "[[validation]]\nname = 'draw'\nsample = { per_category = 3 }\n", "d.toml")
    folder = run(cfg, runs_dir=project / "runs").run_dir
    lexicon = load_lexicon("framing-cues")
    corpus = read_corpus(SAMPLE).frame
    found = hits(corpus, lexicon, part="text", voice="outlet")
    sheet = draw_sample(found, corpus, categories=lexicon.category_names, per_category=3,
                        random_state=derive_seed(5, "validation.draw.sample"))
    written = pd.read_csv(folder / "tables" / "validation-draw-sheet.csv", keep_default_na=False)
    assert written["unit_id"].tolist() == sheet["unit_id"].tolist()
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "list the coded copies under sheets = [...]" in report


def test_span_table_is_what_framing_lexicon_evaluate_computes(project):
    cfg = _config(project, FULL)
    folder = run(cfg, runs_dir=project / "runs").run_dir
    corpus, gold = span_data("ptc", PTC / "articles", PTC / "train-task2-TC.labels")
    expected = evaluate_spans(corpus, gold, span_lexicons({"framing-cues": load_lexicon("framing-cues")}),
                              voice="all")
    table = pd.read_csv(folder / "tables" / "validation-ptc-spans.csv")
    assert table["n_predicted"].tolist() == expected["n_predicted"].tolist()
    assert np.allclose(table["f1"], expected["f1"], equal_nan=True)


def test_a_bad_sheet_fails_the_stage_naming_the_entry(project):
    from framing.experiment.runner import RunError

    (project / "bad.csv").write_text("unit_id,unit\nx,hit\n", encoding="utf-8")
    cfg = _config(project, "[[validation]]\nname = 'bad'\nsheets = ['bad.csv']\n")
    with pytest.raises(RunError, match=r"stage failed: validation\[0\] \(id 'bad'\): sheet .*bad\.csv"):
        run(cfg, runs_dir=project / "runs")


def test_span_helpers_name_their_options():
    with pytest.raises(ValueError, match=r"annotations: dataset 'ptc' needs the annotation file"):
        span_data("ptc", PTC / "articles")
    with pytest.raises(ValueError, match=r"--spans: BABE's biased words are in the corpus file itself"):
        span_data("babe", FIXTURES / "datasets" / "babe.csv", "x", annotations_name="--spans")
    with pytest.raises(ValueError, match=r"dataset: expected one of"):
        span_data("semeval", PTC)
    words = FIXTURES / "validation" / "words.txt"
    with pytest.raises(ValueError, match=r"baselines .*words\.txt: a baseline named 'words' is already given"):
        span_lexicons({}, [words, words])


def test_draw_sample_checks_its_unit_and_size():
    with pytest.raises(ValueError, match=r"per_entry: sentences are sampled per category"):
        draw_sample(pd.DataFrame(), pd.DataFrame(), categories=[], unit="sentence", per_entry=2)
    with pytest.raises(ValueError, match=r"unit: expected one of"):
        draw_sample(pd.DataFrame(), pd.DataFrame(), categories=[], unit="word")
