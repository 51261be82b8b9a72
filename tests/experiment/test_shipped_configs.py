"""The configs shipped in experiments/ stay valid as the schema evolves."""

from __future__ import annotations


import pytest

from framing.experiment.config import ConfigError, load_config
from tests.paths import REPO

EXPERIMENTS = REPO / "experiments"


@pytest.fixture
def data_env(tmp_path):
    babe = tmp_path / "final_labels_SG2.csv"
    babe.write_text("text;outlet\n", encoding="utf-8")
    abp = tmp_path / "abp.jsonl.gz"
    abp.write_bytes(b"")
    wcl = tmp_path / "NewsWCL50"
    wcl.mkdir()
    narrative = tmp_path / "narrative_framing"
    narrative.mkdir()
    (narrative / "full_annotations.json").write_text("{}", encoding="utf-8")
    return {"FRAMING_BABE": str(babe), "FRAMING_ABP": str(abp), "FRAMING_NEWSWCL50": str(wcl),
            "FRAMING_NARRATIVE": str(narrative)}


def test_every_shipped_config_is_valid(data_env):
    names = sorted(p.name for p in EXPERIMENTS.glob("*.toml"))
    assert names == ["allsides.toml", "babe.toml", "demo.toml", "lexicon_validation.toml",
                     "lexicon_validation_climate.toml", "narrative_frames.toml", "newswcl50.toml"]
    for path in EXPERIMENTS.glob("*.toml"):
        config = load_config(path, env=data_env)
        assert config.name == path.stem


def test_a_dataset_config_without_its_variable_says_how_to_set_it():
    with pytest.raises(ConfigError, match=r"corpus\.path.*FRAMING_BABE"):
        load_config(EXPERIMENTS / "babe.toml", env={})


def test_demo_runs_on_the_bundled_sample_only():
    config = load_config(EXPERIMENTS / "demo.toml", env={})
    assert config.corpus.path == (EXPERIMENTS.parent / "corpora" / "sample" / "articles.jsonl").resolve()
    # it draws a coding sheet; it ships no coded sheets (the codes would not be real)
    [entry] = config.validation
    assert entry.sample is not None and entry.sample.coding_page and not entry.sheets and entry.spans is None


#: version -> (its two coders, consensus (correct, coded) per category of each sheet, overall alpha per sheet)
SHIPPED_ROUNDS = {
    "1.1.0": (("a", "b"), {
        "bias-cues": {"loaded_language": (14, 25), "discrediting": (19, 30), "insinuation": (9, 29),
                      "doubt_attribution": (21, 28), "intensifiers": (18, 26), "partisan_labels": (19, 28)},
        "dimensions": {"hedging": (18, 29), "escalation": (28, 30), "boosters": (18, 26), "threat": (11, 27)},
    }, {"bias-cues": 0.839, "dimensions": 0.852}),
    "1.2.0": (("c", "d"), {
        "bias-cues": {"loaded_language": (20, 25), "discrediting": (23, 29), "insinuation": (16, 28),
                      "doubt_attribution": (17, 29), "intensifiers": (22, 28), "partisan_labels": (18, 29)},
        "dimensions": {"hedging": (23, 28), "escalation": (28, 29), "boosters": (19, 30), "threat": (11, 27)},
    }, {"bias-cues": 0.848, "dimensions": 0.881}),
    # 277 of the 300 units drawn with seed 2028: the 23 that lay within the context of a
    # unit coded in rounds 1.1.0/1.2.0 were removed before coding (corpora/README.md)
    "1.3.0": (("e", "f"), {
        "bias-cues": {"loaded_language": (23, 26), "discrediting": (20, 24), "insinuation": (21, 23),
                      "doubt_attribution": (20, 26), "intensifiers": (23, 27), "partisan_labels": (21, 24)},
        "dimensions": {"hedging": (26, 30), "escalation": (19, 28), "boosters": (20, 27), "threat": (21, 28)},
    }, {"bias-cues": 0.742, "dimensions": 0.953}),
    # 458 of the 500 units drawn with seed 2029 (50 per category): 42 within the context of
    # a unit coded in an earlier round were removed before coding
    "1.4.0": (("g", "h"), {
        "bias-cues": {"loaded_language": (33, 45), "discrediting": (33, 41), "insinuation": (34, 38),
                      "doubt_attribution": (40, 48), "intensifiers": (30, 40), "partisan_labels": (28, 38)},
        "dimensions": {"hedging": (41, 49), "escalation": (33, 47), "boosters": (39, 46), "threat": (17, 37)},
    }, {"bias-cues": 0.838, "dimensions": 0.824}),
    # 431 of the 500 units drawn with seed 2030 (50 per category): 69 within the context of
    # a unit coded in an earlier round were removed before coding
    "1.5.0": (("i", "j"), {
        "bias-cues": {"loaded_language": (29, 43), "discrediting": (29, 39), "insinuation": (21, 24),
                      "doubt_attribution": (39, 45), "intensifiers": (28, 44), "partisan_labels": (28, 37)},
        "dimensions": {"hedging": (37, 44), "escalation": (37, 48), "boosters": (41, 47), "threat": (28, 45)},
    }, {"bias-cues": 0.903, "dimensions": 0.912}),
    # 386 of the 500 units drawn with seed 2031 (50 per category): 114 within the context of
    # a unit coded in an earlier round were removed before coding
    "1.6.0": (("m", "n"), {
        "bias-cues": {"loaded_language": (41, 44), "discrediting": (32, 35), "insinuation": (14, 15),
                      "doubt_attribution": (29, 38), "intensifiers": (39, 41), "partisan_labels": (31, 34)},
        "dimensions": {"hedging": (34, 43), "escalation": (29, 42), "boosters": (39, 42), "threat": (30, 40)},
    }, {"bias-cues": 0.839, "dimensions": 0.915}),
    # 325 of the 500 units drawn with seed 2032 (50 per category): 175 within the context of
    # a unit coded in an earlier round were removed before coding
    "1.7.0": (("r", "s"), {
        "bias-cues": {"loaded_language": (23, 39), "discrediting": (21, 23), "insinuation": (6, 10),
                      "doubt_attribution": (25, 32), "intensifiers": (32, 35), "partisan_labels": (29, 31)},
        "dimensions": {"hedging": (41, 44), "escalation": (38, 41), "boosters": (33, 35), "threat": (23, 27)},
    }, {"bias-cues": 0.947, "dimensions": 0.810}),
    # experiments/lexicon_validation_climate.toml: another corpus (Narrative Frames climate articles), seed 2033,
    # 50 per category (insinuation: all 44 hits); 494 units, none removed
    "1.8.0": (("v", "w"), {
        "bias-cues": {"loaded_language": (34, 49), "discrediting": (49, 50), "insinuation": (44, 44),
                      "doubt_attribution": (46, 50), "intensifiers": (45, 49), "partisan_labels": (47, 50)},
        "dimensions": {"hedging": (38, 48), "escalation": (34, 46), "boosters": (45, 48), "threat": (40, 50)},
    }, {"bias-cues": 0.961, "dimensions": 0.873}),
}


@pytest.mark.parametrize("version", list(SHIPPED_ROUNDS))
def test_shipped_coded_sheets_give_the_readme_precision_table(version):
    # corpora/validation holds the two coders' codes of experiments/lexicon_validation.toml's
    # sample (context columns blank); the README's precision-in-context table comes from them
    from framing.lexicon.validate import read_sheet
    from framing.stats.validation import validate_sheets

    folder = REPO / "corpora" / "validation" / version
    coders, expected, alphas = SHIPPED_ROUNDS[version]
    for name, categories in expected.items():
        sheets = [read_sheet(folder / f"{name}-coder_{c}.csv") for c in coders]
        assert all((sheet["left"] == "").all() and (sheet["right"] == "").all() for sheet in sheets)
        result = validate_sheets(sheets, n_resamples=199)
        rows = result.precision[(result.precision["coder"] == "(consensus)") & (result.precision["level"] == "category")]
        got = {r.category: (int(r.n_correct), int(r.n_coded)) for r in rows.itertuples()}
        assert got == categories
        overall = result.agreement[result.agreement["scope"] == "all"]["alpha"].iloc[0]
        assert overall == pytest.approx(alphas[name], abs=5e-4)
