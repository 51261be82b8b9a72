"""``framing compare`` / ``framing keyness`` and ``framing run`` are one
wiring: the same options and seed give byte-identical tables."""

from __future__ import annotations

import sys
import subprocess


from framing.cli.app import main
from framing.experiment.config import load_config
from framing.experiment.runner import run

from tests.paths import REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"

CONFIG = f"""
schema_version = 1
name = "parity"
seed = 11

[corpus]
path = "{SAMPLE.as_posix()}"

[[comparisons]]
strata = "story_id"
n_resamples = 199

[[keyness]]
min_count = 5
test = "permutation"
n_resamples = 199

[[keyness]]
min_count = 5
method = "g2"
continuity = "williams"
correction = "holm"

[outputs]
figures = []
report = false
examples = 0
"""


def test_compare_and_keyness_match_the_run_byte_for_byte(tmp_path, capsys):
    (tmp_path / "parity.toml").write_text(CONFIG, encoding="utf-8")
    result = run(load_config(tmp_path / "parity.toml"), runs_dir=tmp_path / "runs")
    tables = result.run_dir / "tables"
    out = tmp_path / "cli"
    out.mkdir()
    assert main(["compare", str(SAMPLE), "--strata", "story_id", "--n-resamples", "199", "--seed", "11", "--quiet",
                 "-o", str(out / "pairs.csv"), "--summary-output", str(out / "s.csv"),
                 "--omnibus-output", str(out / "o.csv")]) == 0
    assert main(["keyness", str(SAMPLE), "--min-count", "5", "--test", "permutation", "--n-resamples", "199",
                 "--seed", "11", "--quiet", "-o", str(out / "k.csv")]) == 0
    capsys.readouterr()
    for cli, ran in (("pairs.csv", "comparison-1-pairs.csv"), ("s.csv", "comparison-1-summary.csv"),
                     ("o.csv", "comparison-1-omnibus.csv"), ("k.csv", "keyness-1.csv")):
        assert (out / cli).read_bytes() == (tables / ran).read_bytes(), (cli, ran)
    assert main(["keyness", str(SAMPLE), "--min-count", "5", "--method", "g2", "--continuity", "williams",
                 "--correction", "holm", "--seed", "11", "--quiet", "-o", str(out / "k2.csv")]) == 0
    assert (out / "k2.csv").read_bytes() == (tables / "keyness-2.csv").read_bytes()
    k2 = (out / "k2.csv").read_text(encoding="utf-8").splitlines()
    header = k2[0].split(",")
    assert {k2[1].split(",")[header.index("correction")], k2[1].split(",")[header.index("continuity")]} == {
        "holm", "williams"}
    # the seed is the root: another root gives other resamples
    assert main(["keyness", str(SAMPLE), "--min-count", "5", "--test", "permutation", "--n-resamples", "199",
                 "--seed", "12", "--quiet", "-o", str(out / "k12.csv")]) == 0
    assert (out / "k12.csv").read_bytes() != (out / "k.csv").read_bytes()


def test_compare_with_strata_runs_with_the_default_methods(capsys):
    assert main(["compare", str(SAMPLE), "--strata", "story_id", "--n-resamples", "99", "--category", "threat",
                 "--quiet"]) == 0
    assert "permutation test, within story_id strata" in capsys.readouterr().out


def test_command_line_defaults_are_the_config_defaults():
    from framing.cli.app import build_parser
    from framing.experiment.config import comparison_entry, keyness_entry
    from framing.vocab import DEFAULTS

    parser = build_parser()
    score = parser.parse_args(["score", "x"])
    compare = parser.parse_args(["compare", "x"])
    keyness = parser.parse_args(["keyness", "x", "--min-count", "1"])
    assert score.voice == compare.voice == DEFAULTS["voice"] == "outlet"
    assert (compare.effect, compare.n_resamples, compare.no_omnibus) == (DEFAULTS["effect"], DEFAULTS["n_resamples"],
                                                                         False)
    cmp, key = comparison_entry({}), keyness_entry({"min_count": 1})
    assert (cmp.effect, cmp.n_resamples, cmp.omnibus, cmp.correction) == (
        compare.effect, compare.n_resamples, not compare.no_omnibus, compare.correction)
    # one name per meaning: correction is the multiple-comparison correction of both commands
    assert (key.correction, key.continuity) == (keyness.correction, keyness.continuity) == (
        compare.correction, DEFAULTS["keyness_continuity"]) == ("bh", "none")
    assert (key.method, key.comparison, key.test, key.top) == (keyness.method, keyness.comparison, keyness.test,
                                                               keyness.top) == ("document", "one_vs_rest", "welch", 15)


def test_importing_the_config_loads_neither_sklearn_nor_matplotlib():
    code = ("import sys, framing.experiment.config; "
            "print(sorted(m for m in ('sklearn', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert out.stdout.strip() == "[]"
