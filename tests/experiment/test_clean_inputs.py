"""Cleaning already-extracted text in a run: repeated lines, outlet names,
implausible dates, small outlets, keyness stop words."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from framing.experiment.analyses import compute_keyness
from framing.experiment.config import ConfigError, config_from_dict, keyness_entry
from framing.experiment.corpus import flag_dates, load_corpus, mask_outlet_names, outlet_name_variants
from framing.match.terms import ENGLISH_STOP_WORDS

WORDS = ["senate", "budget", "border", "court", "markets", "governor", "protest", "agency", "deficit", "ruling",
         "climate", "tariff", "election", "vaccine", "pipeline", "strike", "housing", "police", "school", "drought"]


def docs(outlet: str, n: int, *, furniture: str | None = None, every: int = 1, start: int = 0) -> list[dict]:
    rows = []
    for i in range(n):
        w1, w2 = WORDS[(start + i) % len(WORDS)], WORDS[((start + i) * 7 + 3 + start // 20) % len(WORDS)]
        lines = [f"The {w1} story opens with the {w2} angle.", f"Officials said the {w2} plan was a reckless gamble."]
        if furniture and i % every == 0:
            lines.insert(1, furniture)
        rows.append({"doc_id": f"{outlet[:3]}-{i}", "outlet": outlet, "text": "\n".join(lines),
                     "date": f"2019-{1 + (start + i) % 12:02d}-15"})
    return rows


@pytest.fixture
def data(tmp_path):
    rows = docs("Daily Post", 20, furniture="Advertisement", every=2)
    rows += docs("Evening Star (Online)", 12, furniture="Sign up for the Evening Star newsletter", every=3, start=41)
    rows += docs("Tiny Gazette", 2, start=85)
    rows[0]["text"] += "\nThe senator told The Daily Post's reporter that Daily Post readers agree."
    rows[1]["date"] = "2050-09-30"
    rows[2]["date"] = "1/21/18"
    rows[3]["date"] = "someday"
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return tmp_path


def config(base, corpus=None, keyness=None, env=None):
    raw = {"schema_version": 1, "name": "t", "corpus": {"path": "c.jsonl", **(corpus or {})}}
    if keyness is not None:
        raw["keyness"] = keyness
    return config_from_dict(raw, source=None, base_dir=base, env=env or {})


def test_defaults_remove_repeated_lines_and_flag_dates_and_small_outlets(data):
    frame, facts = load_corpus(config(data).corpus, seed=0)
    rep = facts["repeated_lines"]
    assert rep["mode"] == "remove" and rep["n_lines"] == 2 and rep["n_removed"] == 10 + 4
    assert rep["per_outlet"] == {"Daily Post": 10, "Evening Star (Online)": 4}
    assert [(r["outlet"], r["line"], r["n_docs"]) for r in rep["lines"]] == [
        ("Daily Post", "advertisement", 10), ("Evening Star (Online)", "sign up for the evening star newsletter", 4)]
    assert rep["n_documents_changed"] == 14
    assert not frame["text"].str.contains("Advertisement").any()
    assert frame.loc[frame["doc_id"] == "Dai-0", "boilerplate"].item() == "Advertisement"
    # the 2050 date is missing now (kept apart); the US-style date parses and stays
    assert facts["dates_out_of_range"] == {"range": ["1990-01-01", "2030-01-01"], "n": 1,
                                           "examples": [{"doc_id": "Dai-1", "date": "2050-09-30"}]}
    assert facts["n_dates_unparsed"] == 1
    row = frame.set_index("doc_id").loc["Dai-1"]
    assert pd.isna(row["date"]) and row["date_out_of_range"] == "2050-09-30"
    assert facts["date_max"] == "2019-12-15"
    assert facts["small_outlets"] == {"min_docs": 10, "outlets": {"Tiny Gazette": 2}, "dropped": False}
    assert facts["n_documents"] == 34 and facts["outlet_names_masked"] is None
    assert facts["filtered"] == {"repeated lines: no text left": 0}
    json.dumps(facts)  # JSON-ready


def test_keep_and_switches(data):
    cfg = config(data, {"repeated_lines": "keep", "date_range": [], "min_docs": 10, "drop_small_outlets": True,
                        "mask_outlet_names": True})
    frame, facts = load_corpus(cfg.corpus, seed=0)
    assert facts["repeated_lines"]["n_lines"] == 0 and frame["text"].str.contains("Advertisement").any()
    assert facts["dates_out_of_range"]["n"] == 0 and "date_out_of_range" not in frame.columns
    assert facts["filtered"] == {"small outlets (< 10 documents)": 2}
    assert facts["small_outlets"]["dropped"] is True and set(frame["outlet"]) == {"Daily Post", "Evening Star (Online)"}
    assert facts["outlet_names_masked"] == {"Daily Post": 2, "Evening Star (Online)": 4}  # its newsletter line too
    text = frame.loc[frame["doc_id"] == "Dai-0", "text"].item()
    assert text.endswith("The senator told   reporter that   readers agree.")


def test_min_tokens_applies_to_the_cleaned_text_and_emptied_documents_are_counted(data):
    rows = [json.loads(line) for line in (data / "c.jsonl").read_text().splitlines()]
    rows.append({"doc_id": "ad-only", "outlet": "Daily Post", "text": "Advertisement\nAdvertisement"})
    (data / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    frame, facts = load_corpus(config(data, {"filters": {"min_tokens": 12}}).corpus, seed=0)
    assert facts["filtered"]["repeated lines: no text left"] == 1
    assert "ad-only" not in set(frame["doc_id"])
    # documents of 2 × 9 tokens pass only once... none has 12 tokens without the furniture line
    assert facts["filtered"]["min_tokens"] == facts["n_read"] - facts["n_exact_duplicates"] - 1 - facts["n_documents"]


def test_outlet_name_variants_and_masking():
    assert outlet_name_variants("New York Times - News") == ["New York Times - News", "New York Times"]
    assert outlet_name_variants("The Hill") == ["The Hill", "Hill"]
    assert outlet_name_variants("CNN (Web News)") == ["CNN (Web News)", "CNN"]
    f = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["The Hill", "CNN (Web News)"],
                      "text": ["Told the Hill's team; uphill; THE HILL.", "CNN said, citing The Hill. CNNs"]})
    out, counts = mask_outlet_names(f)
    assert out["text"].tolist() == ["Told   team; uphill;  .", "  said, citing The Hill. CNNs"]
    assert counts == {"CNN (Web News)": 1, "The Hill": 2}


def test_flag_dates_reads_iso_then_mixed_formats():
    f = pd.DataFrame({"doc_id": ["a", "b", "c", "d", "e"], "date": ["2019-01-01", "1/21/18", "1989-12-31", None, "x"]})
    out, flagged, n_unparsed = flag_dates(f, ("1990-01-01", "2021-01-01"))
    assert flagged == [{"doc_id": "c", "date": "1989-12-31"}] and n_unparsed == 1
    assert [None if pd.isna(v) else v for v in out["date"]] == ["2019-01-01", "1/21/18", None, None, "x"]
    assert [None if pd.isna(v) else v for v in out["date_out_of_range"]] == [None, None, "1989-12-31", None, None]


@pytest.mark.parametrize("corpus, key, match", [
    ({"repeated_lines": "drop"}, "corpus.repeated_lines", r"unknown repeated_lines mode 'drop'.*allowed: remove, keep"),
    ({"repeated_min_share": 0}, "corpus.repeated_min_share", r"expected a number in \(0, 1\], got 0"),
    ({"repeated_min_docs": 0}, "corpus.repeated_min_docs", r"expected an integer >= 1, got 0"),
    ({"repeated_lines": "keep", "repeated_min_docs": 5}, "corpus.repeated_min_docs",
     r"applies only to repeated_lines = \"remove\""),
    ({"date_range": ["2020-01-01"]}, "corpus.date_range", r"expected \[\] or two dates"),
    ({"date_range": ["2020-01-01", "2019-01-01"]}, "corpus.date_range", r"2019-01-01 is not after 2020-01-01"),
    ({"date_range": ["2020-01-01", "soon"]}, "corpus.date_range[1]", r"'soon' is not a date in the form YYYY-MM-DD"),
    ({"date_range": "2020-01-01"}, "corpus.date_range", r"expected an array of date strings \(YYYY-MM-DD\), got a string"),
    ({"min_docs": -1}, "corpus.min_docs", r"expected an integer >= 0, got -1"),
    ({"min_docs": 0, "drop_small_outlets": True}, "corpus.drop_small_outlets", r"needs min_docs >= 1"),
    ({"mask_outlet_names": "yes"}, "corpus.mask_outlet_names", r"expected a boolean, got a string"),
    ({"repeated_line": "keep"}, "corpus.repeated_line", r"did you mean 'repeated_lines'"),
])
def test_corpus_key_errors_name_the_key(data, corpus, key, match):
    with pytest.raises(ConfigError, match=match) as info:
        config(data, corpus)
    assert info.value.key == key


def test_date_range_accepts_toml_dates(data):
    import datetime as dt

    cfg = config(data, {"date_range": [dt.date(2000, 1, 1), "2021-01-01"]})
    assert cfg.corpus.date_range == ("2000-01-01", "2021-01-01")
    assert cfg.to_dict()["corpus"]["date_range"] == ["2000-01-01", "2021-01-01"]


def test_keyness_stop_words_forms(data):
    (data / "stop.txt").write_text("# mine\nthe\n\nOfficials\nthe\n", encoding="utf-8")
    entries = [{"min_count": 1}, {"min_count": 1, "stop_words": "english"},
               {"min_count": 1, "stop_words": ["the", "said"]}, {"min_count": 1, "stop_words": "stop.txt"}]
    cfg = config(data, keyness=entries)
    assert [k.stop_words for k in cfg.keyness] == [None, "english", ("the", "said"), ("the", "Officials")]
    assert [k["stop_words"] for k in cfg.to_dict()["keyness"]] == ["", "english", ["the", "said"], ["the", "Officials"]]
    frame, _ = load_corpus(cfg.corpus, seed=0)
    terms = [set(compute_keyness(k, frame, part="text", random_state=0)["term"]) for k in cfg.keyness]
    assert "the" in terms[0] and "said" in terms[0] and "officials" in terms[0]
    assert not terms[1] & set(ENGLISH_STOP_WORDS) and "said" in terms[1]
    assert "the" not in terms[2] and "said" not in terms[2]
    assert "the" not in terms[3] and "officials" not in terms[3] and "said" in terms[3]
    # the command line's list adds to the entry's own
    both = compute_keyness(cfg.keyness[2], frame, part="text", random_state=0, stop_words=["officials"])
    assert not {"the", "said", "officials"} & set(both["term"])
    with pytest.raises(TypeError, match=r"stop_words: expected a sequence of words or None, got a single string"):
        compute_keyness(cfg.keyness[0], frame, part="text", random_state=0, stop_words="the")


@pytest.mark.parametrize("value, key, match", [
    (["the", "so-called"], "keyness[0].stop_words[1]", r"'so-called' is not a single token"),
    ([""], "keyness[0].stop_words[0]", r"expected a non-empty string"),
    ("missing.txt", "keyness[0].stop_words", r"no such file or folder: .*missing.txt"),
    (".", "keyness[0].stop_words", r"expected a file of stop words \(one per line\) or a bundled list \(english\)"),
    (3, "keyness[0].stop_words", r"expected a string or an array of strings, got an integer"),
])
def test_keyness_stop_word_errors_name_the_key(data, value, key, match):
    with pytest.raises(ConfigError, match=match) as info:
        config(data, keyness=[{"min_count": 1, "stop_words": value}])
    assert info.value.key == key


def test_stop_word_file_errors_name_the_line(data):
    (data / "bad.txt").write_text("the\nwell-known\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'well-known' is not a single token") as info:
        config(data, keyness=[{"min_count": 1, "stop_words": "bad.txt"}])
    assert info.value.key == "keyness[0].stop_words (bad.txt line 2)"
    (data / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"empty.txt: no stop word in the file"):
        config(data, keyness=[{"min_count": 1, "stop_words": "empty.txt"}])
    (data / "latin.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(ConfigError, match=r"latin.txt: not UTF-8 text \(byte 3\)"):
        config(data, keyness=[{"min_count": 1, "stop_words": "latin.txt"}])


def test_keyness_entry_takes_stop_words_too():
    assert keyness_entry({"min_count": 2, "stop_words": "english"}).stop_words == "english"
    assert keyness_entry({"min_count": 2}).stop_words is None


def test_stop_word_classes_numbers_and_bundled_lists(data):
    cfg = config(data, keyness=[{"min_count": 1, "stop_words": ["@english", "@numbers", "officials"]}])
    assert cfg.keyness[0].stop_words == ("@english", "@numbers", "officials")
    frame = pd.DataFrame({"doc_id": list("abcd"), "outlet": ["x", "x", "y", "y"],
                          "text": ["The 2019 budget", "In 2019 the budget", "3.5 percent of the border", "4th border"]})
    terms = set(compute_keyness(cfg.keyness[0], frame, part="text", random_state=0)["term"])
    assert terms == {"budget", "percent", "border", "4th"}
    with pytest.raises(ConfigError, match=r"unknown stop list '@englsh'; did you mean '@english'\? allowed: "
                                          r"@english, @numbers") as info:
        config(data, keyness=[{"min_count": 1, "stop_words": ["@englsh"]}])
    assert info.value.key == "keyness[0].stop_words[0]"


def test_is_number_term_and_without_terms():
    from framing.match.terms import is_number_term, term_matrix, without_terms

    assert [is_number_term(t) for t in ["2019", "3.5", "02 01", "covid19", "4th", "the 2019"]] == [
        True, True, True, False, False, True]
    m = term_matrix(["In 2019 the budget grew 3.5 percent", "the budget"])
    kept = without_terms(m, is_number_term)
    assert kept.terms == ("budget", "grew", "in", "percent", "the")
    assert kept.doc_tokens.tolist() == m.doc_tokens.tolist() == [7, 2]
    assert without_terms(m, lambda t: False) is m
