"""The lexicon validation workflow: samples, sheets, validation statistics,
the coding page, word lists and span evaluation."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from framing.corpus import read_corpus
from framing.corpus.datasets import load_babe
from framing.lexicon.model import LexiconError
from framing.lexicon.validate import SHEET_COLUMNS, check_sheet, coded_units, read_sheet, sample_hits, sample_sentences
from framing.lexicon.wordlist import read_word_list
from framing.match import hits
from framing.report.coding import coding_page
from framing.stats.spans import GOLD_COLUMNS, babe_gold, evaluate_spans, newswcl50_gold, ptc_gold
from framing.stats.validation import CONSENSUS, validate_sheets
from framing.stats.proportions import precision_table, wilson_interval

from tests.paths import FIXTURES, REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


@pytest.fixture(scope="module")
def sample_corpus():
    frame = read_corpus(SAMPLE).frame
    return frame, hits(frame, "framing-cues")


def _coder(sheet: pd.DataFrame, name: str, seed: int, noise: float) -> pd.DataFrame:
    """Codes from a fixed rule (hedging and boosters hits are wrong, the rest
    right) flipped with probability ``noise``."""
    truth = (~sheet["category"].isin(["hedging", "boosters"])).astype(int).to_numpy()
    flip = np.random.default_rng(seed).random(len(sheet)) < noise
    out = sheet.copy()
    out["coder"] = name
    out["correct"] = np.where(flip, 1 - truth, truth)
    return out


# ------------------------------------------------------------------ sampling

def test_sample_is_reproducible_and_stratified(sample_corpus):
    frame, found = sample_corpus
    a = sample_hits(found, frame, per_category=5, random_state=7)
    b = sample_hits(found.iloc[::-1], frame, per_category=5, random_state=7)  # corpus order does not matter
    pd.testing.assert_frame_equal(a, b)
    c = sample_hits(found, frame, per_category=5, random_state=8)
    assert set(a["unit_id"]) != set(c["unit_id"])
    assert list(a.columns) == list(SHEET_COLUMNS)
    counts = found["category"].value_counts()
    for category, group in a.groupby("category"):
        assert len(group) == min(5, counts[category])
        assert set(group["stratum_total"]) == {counts[category]}
    assert a["correct"].isna().all() and (a["coder"] == "").all()
    text = dict(zip(frame["doc_id"], frame["text"]))
    assert all(text[d][s:e] == m for d, s, e, m in zip(a["doc_id"], a["start"], a["end"], a["match"]))


def test_a_strata_draw_does_not_depend_on_other_strata(sample_corpus):
    frame, found = sample_corpus
    full = sample_hits(found, frame, per_category=4, random_state=1)
    only = sample_hits(found[found["category"] == "threat"], frame, per_category=4, random_state=1)
    assert set(only["unit_id"]) == set(full.loc[full["category"] == "threat", "unit_id"])


def test_sample_per_entry_by_outlet(sample_corpus):
    frame, found = sample_corpus
    sheet = sample_hits(found, frame, per_entry=2, by="outlet", random_state=0)
    sizes = found.groupby(["category", "entry", "outlet"]).size()
    for (category, entry, outlet), group in sheet.groupby(["category", "entry", "group"]):
        assert len(group) == min(2, sizes[(category, entry, outlet)])
        assert group["stratum"].iloc[0] == f"category={category}|entry={entry}|outlet={outlet}"
    assert (sheet["by"] == "outlet").all()


def test_sample_sentences_with_and_without_hits(sample_corpus):
    frame, found = sample_corpus
    categories = ["threat", "hedging"]
    sheet = sample_sentences(found[found["category"].isin(categories)], frame, categories=categories,
                             per_category=3, random_state=2)
    assert len(sheet) == 12 and set(sheet["unit"]) == {"sentence"}
    assert sheet.groupby(["category", "has_hit"]).size().tolist() == [3, 3, 3, 3]
    with_hit = sheet[sheet["has_hit"]]
    assert all(e for e in with_hit["entry"]) and not any(sheet.loc[~sheet["has_hit"], "entry"])
    again = sample_sentences(found[found["category"].isin(categories)], frame, categories=categories,
                             per_category=3, random_state=2)
    pd.testing.assert_frame_equal(sheet, again)


@pytest.mark.parametrize("kwargs,error,match", [
    ({}, ValueError, "per_category, per_entry: expected exactly one of them, got neither"),
    ({"per_category": 2, "per_entry": 2}, ValueError, "expected exactly one of them, got both"),
    ({"per_category": 0}, ValueError, "per_category: expected an integer >= 1, got 0"),
    ({"per_entry": 1.5}, TypeError, "per_entry: expected an integer >= 1, got 1.5"),
    ({"per_category": 1, "by": "nope"}, ValueError, "by: column 'nope' is in neither the hits nor the corpus"),
    ({"per_category": 1, "random_state": -1}, ValueError, "random_state: expected an integer >= 0, got -1"),
])
def test_sample_errors(sample_corpus, kwargs, error, match):
    frame, found = sample_corpus
    with pytest.raises(error, match=match):
        sample_hits(found, frame, **kwargs)


def test_sample_input_errors(sample_corpus):
    frame, found = sample_corpus
    with pytest.raises(ValueError, match="hits: missing column.s. entry"):
        sample_hits(found.drop(columns="entry"), frame, per_category=1)
    with pytest.raises(TypeError, match="hits: expected a DataFrame of hits"):
        sample_hits([], frame, per_category=1)
    with pytest.raises(ValueError, match="hits: document .* is not in the corpus"):
        sample_hits(found, frame.iloc[:3], per_category=1)
    with pytest.raises(ValueError, match="categories: expected a non-empty list of category names"):
        sample_sentences(found, frame, categories=[], per_category=1)
    with pytest.raises(ValueError, match="hits: category 'boosters' is not among categories \\(hedging\\)"):
        sample_sentences(found, frame, categories=["hedging"], per_category=1)


# ------------------------------------------------------------------ validation

@pytest.fixture(scope="module")
def coded(sample_corpus):
    frame, found = sample_corpus
    sheet = sample_hits(found, frame, per_category=12, random_state=3)
    return sheet, _coder(sheet, "alice", 1, 0.1), _coder(sheet, "bob", 2, 0.2)


def test_alpha_equals_the_reference_implementation(coded):
    krippendorff = pytest.importorskip("krippendorff")
    _, alice, bob = coded
    result = validate_sheets([alice, bob], n_resamples=200, random_state=0)
    reference = krippendorff.alpha(reliability_data=np.vstack([alice["correct"], bob["correct"]]).astype(float),
                                   level_of_measurement="nominal")
    row = result.agreement[result.agreement["scope"] == "all"].iloc[0]
    assert row["alpha"] == pytest.approx(reference, abs=1e-12)
    assert row["ci_low"] <= row["alpha"] <= row["ci_high"] and row["n_coders"] == 2
    again = validate_sheets([alice, bob], n_resamples=200, random_state=0)
    pd.testing.assert_frame_equal(result.agreement, again.agreement)


def test_precision_equals_wilson_by_hand(coded):
    sheet, alice, bob = coded
    result = validate_sheets([alice, bob], n_resamples=100)
    both = alice["correct"].to_numpy() + bob["correct"].to_numpy()
    consensus = alice.assign(correct=np.where(both == 2, 1.0, np.where(both == 0, 0.0, np.nan)))
    table = result.precision[result.precision["coder"] == CONSENSUS]
    for category, group in consensus.groupby("category"):
        row = table[(table["level"] == "category") & (table["category"] == category)].iloc[0]
        codes = group["correct"].dropna()
        low, high = wilson_interval(int(codes.sum()), len(codes))
        assert (row["n_coded"], row["n_correct"], row["n_ties"]) == (len(codes), int(codes.sum()),
                                                                     int(group["correct"].isna().sum()))
        assert row["precision"] == pytest.approx(codes.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
        assert row["hits"] == group["stratum_total"].iloc[0]
    # overall: volume-weighted over the category strata
    decided = consensus.dropna(subset=["correct"])
    weights = decided.groupby("stratum")["stratum_total"].first().to_dict()
    expected = precision_table(decided, by="stratum", weights=weights).iloc[-1]
    overall = table[table["level"] == "overall"].iloc[0]
    assert overall["precision"] == pytest.approx(expected["precision"])
    assert (overall["ci_low"], overall["ci_high"]) == pytest.approx((expected["ci_low"], expected["ci_high"]))
    assert overall["method"] == "stratified_wilson"
    # one coder alone
    alone = result.precision[(result.precision["coder"] == "alice") & (result.precision["level"] == "category")]
    first = alone.iloc[0]
    codes = alice.loc[alice["category"] == first["category"], "correct"]
    assert first["precision"] == pytest.approx(codes.mean())
    # disagreements: exactly the units coded differently
    assert set(result.disagreements["unit_id"]) == set(alice.loc[alice["correct"] != bob["correct"], "unit_id"])
    assert "Krippendorff's alpha" in result.summary() and "Per category" in result.summary()


def test_pruning_rule_flags_credibly_bad_entries():
    rows = []
    for i in range(6):
        rows.append({"entry": "bad", "correct": 0})
        rows.append({"entry": "good", "correct": 1})
    rows += [{"entry": "rare", "correct": 0}] * 3
    sheet = pd.DataFrame([{c: "" for c in SHEET_COLUMNS} | r | {
        "unit_id": f"d:{i}-{i + 1}:cat", "unit": "hit", "doc_id": "d", "category": "cat", "start": i, "end": i + 1,
        "stratum": "category=cat", "stratum_total": 100, "stratum_sampled": 15, "coder": "x"}
        for i, r in enumerate(rows)])
    result = validate_sheets([sheet], n_resamples=10)
    entries = result.precision[result.precision["level"] == "entry"].set_index("entry")
    assert entries.loc["bad", "prune"] and entries.loc["bad", "ci_high"] < 0.5
    assert not entries.loc["good", "prune"]
    assert not entries.loc["rare", "prune"]  # 0 of 3: upper bound 0.56, not credibly low
    assert result.agreement.empty and "needs two or more coders" in result.summary()
    assert "cat/bad: 0 of 6 correct" in result.summary()


def test_recall_from_a_sentence_sample(sample_corpus):
    frame, found = sample_corpus
    sheet = sample_sentences(found[found["category"] == "threat"], frame, categories=["threat"], per_category=10,
                             random_state=4)
    sheet = sheet.assign(coder="c", correct=np.where(sheet["has_hit"], 1, 0))
    sheet.loc[sheet.index[~sheet["has_hit"]][:2], "correct"] = 1
    result = validate_sheets([sheet], n_resamples=500)
    row = result.recall.iloc[0]
    n_hit, n_no = row["sentences_hit"], row["sentences_no_hit"]
    expected = n_hit * 1.0 / (n_hit * 1.0 + n_no * 2 / 10)
    assert row["recall"] == pytest.approx(expected) and row["ci_low"] < row["recall"] < row["ci_high"]
    assert row["precision"] == 1.0 and row["miss_rate"] == pytest.approx(0.2)


def test_sheet_errors(coded, tmp_path):
    sheet, alice, bob = coded
    with pytest.raises(ValueError, match="sheets\\[0\\]: missing column.s. note"):
        coded_units([alice.drop(columns="note")])
    with pytest.raises(ValueError, match="correct: expected 1 or 0 .or empty if not coded., got 'yes'"):
        check_sheet(alice.astype({"correct": object}).assign(correct="yes"))
    with pytest.raises(ValueError, match="appears more than once"):
        check_sheet(pd.concat([alice, alice.iloc[:1]]))
    with pytest.raises(ValueError, match="coder 'alice' also coded sheets\\[0\\]"):
        coded_units([alice, alice])
    moved = bob.copy()
    moved.loc[0, "start"] = moved.loc[0, "start"] + 1
    with pytest.raises(ValueError, match="differs from the same unit in an earlier sheet"):
        coded_units([alice, moved])
    with pytest.raises(ValueError, match="no unit is coded"):
        coded_units([sheet])
    with pytest.raises(ValueError, match="is coded without a coder name"):
        coded_units([alice.assign(coder="")])
    with pytest.raises(ValueError, match="sheets: expected a non-empty list of coding sheets"):
        coded_units([])
    with pytest.raises(ValueError, match="prune_below: expected a finite number in \\(0, 1\\], got 0"):
        validate_sheets([alice], prune_below=0)
    two = pd.concat([alice.iloc[:3], bob.iloc[3:6]])
    path = tmp_path / "two.csv"
    two.to_csv(path, index=False)
    with pytest.raises(ValueError, match="coder: expected one coder per sheet, got 'alice', 'bob'"):
        read_sheet(path)
    with pytest.raises(ValueError, match="no such file"):
        read_sheet(tmp_path / "none.csv")
    unnamed = alice.assign(coder="")
    path = tmp_path / "carol.csv"
    unnamed.to_csv(path, index=False)
    assert set(read_sheet(path)["coder"]) == {"carol"}
    bad_total = alice.copy()
    bad_total.loc[bad_total.index[0], "stratum_total"] = 10 ** 6
    with pytest.raises(ValueError, match="has different stratum_total values"):
        check_sheet(bad_total)


# ------------------------------------------------------------------ the coding page

class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.urls, self.scripts, self.ids, self.data = [], [], [], set(), {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("meta", "input", "br"):
            self.stack.append(tag)
        self.urls += [v for k, v in attrs.items() if k in ("src", "href") and v]
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self._current = attrs.get("id") if tag == "script" else None

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "script":
            self.scripts.append((self._current, data))


def test_coding_page_is_self_contained(coded):
    sheet, alice, _ = coded
    sheet = sheet.copy()
    sheet.loc[0, "left"] = "</script><b>tricky & \"quoted\", text"
    page = coding_page(sheet, filename="s.csv")
    parser = _Collect()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert parser.urls == []
    assert "http://" not in page and "https://" not in page and "@import" not in page
    assert {"coder", "download", "note", "sheet-data", "match"} <= parser.ids
    data = json.loads(dict(parser.scripts)["sheet-data"])
    assert data["columns"] == list(SHEET_COLUMNS) and len(data["rows"]) == len(sheet)
    assert data["rows"][0]["left"] == sheet.loc[0, "left"] and data["rows"][0]["correct"] is None
    with pytest.raises(ValueError, match="sheet: missing column.s. note"):
        coding_page(sheet.drop(columns="note"))


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_coding_page_csv_reads_back(coded, tmp_path):
    sheet, _, _ = coded
    page = coding_page(sheet)
    parser = _Collect()
    parser.feed(page)
    script = [text for ident, text in parser.scripts if ident is None][0]
    data = json.loads(dict(parser.scripts)["sheet-data"])
    codes = {row["unit_id"]: {"correct": i % 2, "note": "a, \"b\"\nc" if i == 0 else ""}
             for i, row in enumerate(data["rows"])}
    program = script + f"\nprocess.stdout.write(toCSV({json.dumps(data['columns'])}, " \
                       f"applyCodes({json.dumps(data['rows'])}, {json.dumps(codes)}, 'dana')));"
    js = tmp_path / "page.js"
    js.write_text(program, encoding="utf-8")
    out = tmp_path / "coded.csv"
    out.write_text(subprocess.run(["node", str(js)], capture_output=True, text=True, check=True).stdout,
                   encoding="utf-8")
    back = read_sheet(out)
    assert list(back["unit_id"]) == list(sheet["unit_id"]) and set(back["coder"]) == {"dana"}
    assert back["correct"].tolist() == [float(i % 2) for i in range(len(sheet))]
    assert back.loc[0, "note"] == "a, \"b\"\nc"


# ------------------------------------------------------------------ word lists and spans

def test_word_list(tmp_path):
    path = tmp_path / "hedges.txt"
    path.write_text("# a comment\n; another\n\nperhaps\nsort of\nlikely*\nperhaps\n", encoding="utf-8")
    lexicon = read_word_list(path)
    assert lexicon.category_names == ("hedges",) and [e.term for e in lexicon.entries] == ["perhaps", "sort of",
                                                                                          "likely*"]
    assert "duplicates" in lexicon.warnings[0]
    bad = tmp_path / "bad.txt"
    bad.write_bytes("ok\na+\nna\xefve\n".encode("latin-1"))
    with pytest.raises(LexiconError, match="bad.txt, line 2: 'a\\+' is not a plain term"):
        read_word_list(bad)
    lenient = read_word_list(bad, on_error="warn", category="words")
    assert [e.term for e in lenient.entries] == ["ok", "na\xefve"] and len(lenient.warnings) == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="the word list has no terms"):
        read_word_list(empty)
    with pytest.raises(LexiconError, match="no such word list"):
        read_word_list(tmp_path / "none.txt")


def test_babe_gold_and_evaluation_counts(lexicon):
    babe = load_babe(FIXTURES / "datasets" / "babe.csv")
    gold = babe_gold(babe)
    assert list(gold.columns) == list(GOLD_COLUMNS)
    for doc_id, start, end in zip(gold["doc_id"], gold["start"], gold["end"]):
        text = babe.set_index("doc_id").loc[doc_id, "text"]
        assert 0 <= start < end <= len(text)
    corpus = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": ["A", "B"],
                           "text": ["A façade and a sham, a harsh blow.", "Nothing here but a sham."]})
    spans = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "start": [2, 23, 0], "end": [8, 33, 7],
                          "label": ["x", "y", "x"]})
    table = evaluate_spans(corpus, spans, {"tiny": lexicon})
    row = table.set_index(["category", "level"])
    # token level: gold tokens = façade, harsh, blow, Nothing; insinuation predicts façade, sham, sham
    assert tuple(row.loc[("insinuation", "token"), ["n_predicted", "tp_predicted", "n_gold"]]) == (3, 1, 4)
    assert row.loc[("insinuation", "token"), "precision"] == pytest.approx(1 / 3)
    assert row.loc[("insinuation", "token"), "recall"] == pytest.approx(1 / 4)
    # span level: hits façade, sham, sham; harsh blow; gold spans 3
    assert tuple(row.loc[("escalation", "span"), ["n_predicted", "tp_predicted", "tp_gold"]]) == (1, 1, 1)
    assert tuple(row.loc[("*", "span"), ["n_predicted", "tp_predicted", "tp_gold", "n_gold"]]) == (4, 2, 2, 3)
    assert row.loc[("*", "span"), "f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    only_y = evaluate_spans(corpus, spans, {"tiny": lexicon}, labels=["y"]).set_index(["category", "level"])
    assert only_y.loc[("*", "span"), "n_gold"] == 1
    with pytest.raises(ValueError, match="labels: 'z' labels no gold span; the labels are x, y"):
        evaluate_spans(corpus, spans, {"tiny": lexicon}, labels=["z"])
    with pytest.raises(ValueError, match="gold: spans on document 'd9', which is not in the corpus"):
        evaluate_spans(corpus, spans.assign(doc_id="d9"), {"tiny": lexicon})
    with pytest.raises(ValueError, match="gold: span 0-99 of 'd2' is empty or outside its 24-character text"):
        evaluate_spans(corpus, spans.iloc[2:].assign(end=99), {"tiny": lexicon})
    with pytest.raises(ValueError, match="lexicons: expected a non-empty mapping"):
        evaluate_spans(corpus, spans, {})
    with pytest.raises(ValueError, match="gold: missing column.s. label"):
        evaluate_spans(corpus, spans.drop(columns="label"), {"tiny": lexicon})


def test_ptc_and_newswcl50_gold():
    from framing.corpus.datasets import load_newswcl50, load_newswcl50_annotations, load_ptc_articles, load_ptc_spans

    articles = load_ptc_articles(FIXTURES / "datasets" / "ptc" / "articles")
    gold = ptc_gold(load_ptc_spans(FIXTURES / "datasets" / "ptc" / "train-task2-TC.labels", articles=articles))
    assert len(gold) == 3 and gold["label"].iloc[0] == "Exaggeration,Minimisation"
    news = load_newswcl50(FIXTURES / "datasets" / "newswcl50" / "articles")
    annotations = load_newswcl50_annotations(FIXTURES / "datasets" / "newswcl50" / "Annotations.csv", articles=news)
    wcl = newswcl50_gold(annotations)
    assert len(wcl) == 3 and wcl.attrs["unmatched"] == 1
    with pytest.raises(ValueError, match="annotations: missing column.s. mention_start, mention_end"):
        newswcl50_gold(load_newswcl50_annotations(FIXTURES / "datasets" / "newswcl50" / "Annotations.csv"))
