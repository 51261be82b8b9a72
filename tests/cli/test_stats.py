from __future__ import annotations


import pandas as pd
import pytest

from framing.cli.app import main
from framing.stats.compare import COMPARE_COLUMNS
from framing.stats.summary import SUMMARY_COLUMNS
from framing.cli.stats import format_comparison

from tests.paths import REPO
SAMPLE = str(REPO / "corpora" / "sample" / "articles.jsonl")


def test_compare_on_the_sample(tmp_path, capsys):
    out, summ, omni = tmp_path / "c.csv", tmp_path / "s.csv", tmp_path / "o.csv"
    code = main(["compare", SAMPLE, "--n-resamples", "199", "--category", "hedging", "--category", "threat",
                 "--output", str(out), "--summary-output", str(summ), "--omnibus-output", str(omni), "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "75 documents, 3 groups by outlet" in printed
    assert "Pairwise comparisons (permutation test; 199 resamples; p_adj: bh across 6 comparisons" in printed
    assert "ratio [95% CI]" in printed and "omnibus p_adj" in printed  # effect: DEFAULTS["effect"]
    table = pd.read_csv(out)
    assert list(table.columns) == list(COMPARE_COLUMNS)
    assert set(table["method"]) == {"permutation", "welch"}
    assert list(pd.read_csv(summ).columns) == list(SUMMARY_COLUMNS)
    hedging = table[(table.category == "hedging") & (table.group_b == "meridian-ledger") & (table.method == "permutation")]
    assert (hedging["p_adj"] < 0.05).all() and (hedging["estimate"] < 1).all()  # a rate ratio


def test_compare_paired_and_strata(capsys):
    assert main(["compare", SAMPLE, "--paired", "story_id", "--n-resamples", "99", "--category", "hedging",
                 "--effect", "rate_ratio", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "sign_flip test, paired on story_id" in printed and "ratio [95% CI]" in printed
    assert main(["compare", SAMPLE, "--strata", "story_id", "--methods", "permutation", "--n-resamples", "99",
                 "--category", "threat", "--reference", "meridian-ledger", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "within story_id strata" in printed and "across 2 comparisons" in printed


def test_compare_cluster(capsys):
    code = main(["compare", SAMPLE, "--by", "outlet_group", "--cluster", "outlet", "--n-resamples", "99",
                 "--category", "hedging", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "group 'wire' has 1 cluster(s); a cluster-level comparison needs at least 2 per group" in captured.err


@pytest.mark.parametrize("options, message", [
    (["--methods", "ttest"], "--methods: unknown method 'ttest'; allowed: permutation, welch, mannwhitney, bootstrap"),
    (["--alpha", "5"], "--alpha: expected a finite number in (0, 1), got 5.0"),
    (["--strata", "story_id", "--n-resamples", "9"], "--n-resamples: expected an integer >= 99, got 9"),
    (["--strata", "story_id", "--methods", "permutation,welch"],
     "--methods: 'welch' is not a stratified test; allowed with strata: permutation"),
    (["--strata", "story_id", "--paired", "story_id"], "--paired: strata and pair_on cannot be combined"),
    (["--effect", "cohens_dz"], "--effect: unknown effect 'cohens_dz'"),
    (["--paired", "story_id", "--effect", "cohens_d"], "--effect: unknown effect 'cohens_d'"),
    (["--unmatched", "drop"], "--unmatched: applies only with strata or pair_on"),
    (["--confidence", "95"], "--confidence: expected a number in (0, 1), got 95.0"),
    (["--seed", "-1"], "--seed: expected an integer >= 0, got -1"),
    (["--paired", "story_id", "--omnibus-output", "o.csv"], "--omnibus-output: there is no omnibus table with --paired"),
    (["--no-omnibus", "--omnibus-output", "o.csv"], "--omnibus-output: there is no omnibus table with --no-omnibus"),
])
def test_compare_errors_name_the_option(options, message, capsys):
    assert main(["compare", SAMPLE, "--quiet", *options]) == 1
    assert message in capsys.readouterr().err


def test_format_comparison_truncates():
    rows = pd.DataFrame(
        {
            "category": ["x"] * 5, "group_a": list("abcde"), "group_b": ["z"] * 5, "rate_a": 1.0, "rate_b": 2.0,
            "effect": "rate_difference", "estimate": -1.0, "ci_low": -2.0, "ci_high": float("inf"),
            "p_value": [0.5, 0.01, 0.2, 0.0001, float("nan")], "p_adj": [0.5, 0.02, 0.3, 0.0005, float("nan")],
            "confidence": 0.9,
        }
    )
    text = format_comparison(rows, show=2)
    assert "difference [90% CI]" in text and "<0.001" in text and "inf]" in text
    assert "... 3 more rows" in text
    assert text.index(" d ") < text.index(" b ")
    assert format_comparison(rows.iloc[:0]) == "(no comparisons)"


def test_keyness_document_level(tmp_path, capsys):
    out = tmp_path / "k.csv"
    code = main(["keyness", SAMPLE, "--min-count", "5", "--groups", "civic-sentinel,meridian-ledger", "--top", "3",
                 "-o", str(out), "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "50 documents" in printed and "method document (welch)" in printed
    assert "terms more frequent in meridian-ledger" in printed
    table = pd.read_csv(out)
    assert (table["unit"] == "document").all()
    said = table[table.term == "said"].iloc[0]
    assert said["statistic"] < 0 and said["p_adj"] < 0.05


def test_keyness_token_level_is_labelled_descriptive(tmp_path, capsys):
    stop = tmp_path / "stop.txt"
    stop.write_text("# stop words\nthe\na\n", encoding="utf-8")
    assert main(["keyness", SAMPLE, "--min-count", "5", "--method", "g2", "--stop-words", str(stop), "--top", "2",
                 "--comparison", "one_vs_rest", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "unit: token — descriptive ranking only" in printed and "(rest)" in printed


def test_keyness_errors(capsys):
    with pytest.raises(SystemExit):
        main(["keyness", SAMPLE])  # --min-count is required: cut-offs are never silent
    capsys.readouterr()
    assert main(["keyness", SAMPLE, "--min-count", "2", "--groups", "nowhere", "--quiet"]) == 1
    assert "--groups: ['nowhere'] not found in column 'outlet'" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "2", "--by", "colour", "--quiet"]) == 1
    assert "--by colour: not a column of the corpus" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "2", "--top", "0", "--quiet"]) == 1
    assert "--top: expected an integer >= 1, got 0" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "0", "--quiet"]) == 1
    assert "--min-count: expected an integer >= 1, got 0" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "2", "--comparison", "vs_pooled", "--quiet"]) == 1
    assert "--comparison: 'vs_pooled' is defined for method = \"log_odds\" only" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "2", "--method", "log_odds", "--test", "permutation", "--quiet"]) == 1
    assert "--test: applies only to method = \"document\" (method is 'log_odds')" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "2", "--alpha0", "5", "--quiet"]) == 1
    assert "alpha0: applies only to method 'log_odds' (method is 'document')" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["keyness", SAMPLE, "--min-count", "2", "--one-vs-rest"])  # replaced by --comparison
    capsys.readouterr()


def test_keyness_old_correction_spellings_fail_with_the_new_names(capsys):
    # --p-adjust became --correction; the continuity correction (formerly --correction) is --continuity
    with pytest.raises(SystemExit):
        main(["keyness", SAMPLE, "--min-count", "2", "--p-adjust", "holm"])
    err = capsys.readouterr().err
    assert "--p-adjust was renamed to --correction (the multiple-comparison correction)" in err
    assert "the chi2/g2 continuity correction, formerly --correction, is now --continuity" in err
    with pytest.raises(SystemExit):
        main(["keyness", SAMPLE, "--min-count", "2", "--method", "g2", "--correction", "yates"])
    assert "'yates' is a continuity correction, now set with --continuity yates" in capsys.readouterr().err
    assert main(["keyness", SAMPLE, "--min-count", "5", "--method", "log_ratio", "--continuity", "yates",
                 "--quiet"]) == 1
    assert "--continuity: applies only to method = \"chi2\" or \"g2\" (method is 'log_ratio')" in capsys.readouterr().err


def test_compare_min_docs_leaves_out_small_groups(tmp_path, capsys):
    corpus = tmp_path / "with-solo.jsonl"
    lines = open(SAMPLE, encoding="utf-8").read().splitlines()
    lines.append('{"doc_id": "solo-1", "outlet": "Solo Column", "text": "A sham, they said. It was a harsh blow."}')
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["compare", str(corpus), "--quiet", "--n-resamples", "99", "--no-omnibus"]) == 1
    err = capsys.readouterr().err
    assert "group 'Solo Column' has 1 scored document(s)" in err and "leave such groups out with --min-docs N" in err
    assert main(["compare", str(corpus), "--quiet", "--n-resamples", "99", "--no-omnibus", "--min-docs", "2"]) == 0
    err = capsys.readouterr().err
    assert "--min-docs 2: left out 1 group(s) of 'outlet' with fewer documents (1 documents): Solo Column (1)" in err
    assert main(["compare", str(corpus), "--quiet", "--min-docs", "0"]) == 1
    assert "--min-docs: expected an integer >= 1, got 0" in capsys.readouterr().err
    assert main(["compare", str(corpus), "--quiet", "--min-docs", "100000"]) == 1
    assert "every group of 'outlet' has fewer documents" in capsys.readouterr().err


def test_compare_ci_method_reaches_the_tables(tmp_path, capsys):
    out = tmp_path / "pairs.csv"
    assert main(["compare", SAMPLE, "--quiet", "--n-resamples", "99", "--no-omnibus", "--ci-method", "percentile",
                 "-o", str(out)]) == 0
    pairs = pd.read_csv(out)
    assert all(m.startswith("percentile") for m in pairs["ci_method"])
    with pytest.raises(SystemExit) as exc:
        main(["compare", SAMPLE, "--quiet", "--ci-method", "exact"])
    assert exc.value.code == 2 and "invalid choice: 'exact'" in capsys.readouterr().err


def test_compare_ci_method_reaches_paired_tables(tmp_path):
    out_auto, out_pct = tmp_path / "auto.csv", tmp_path / "pct.csv"
    common = ["compare", SAMPLE, "--quiet", "--n-resamples", "99", "--paired", "story_id"]
    assert main([*common, "-o", str(out_auto)]) == 0
    assert main([*common, "--ci-method", "percentile", "-o", str(out_pct)]) == 0
    auto, pct = pd.read_csv(out_auto), pd.read_csv(out_pct)
    assert not all(m.startswith("percentile") for m in auto["ci_method"])
    assert all(m.startswith("percentile") for m in pct["ci_method"])


def test_compare_prints_each_warning_once_on_one_line(capsys):
    # the rate-ratio caveat used to come once per pair of outlets (three lines); now once, naming every row
    assert main(["compare", SAMPLE, "--n-resamples", "99", "--quiet"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith("warning: ") for line in lines) and len(lines) == len(set(lines))
    ratio = [line for line in lines if line.startswith("warning: rate_ratio: in ")]
    assert len(ratio) == 1 and "(civic-sentinel vs harbor-watch)" in ratio[0] and "more)" in ratio[0]


def test_warnings_are_one_line_each_and_distinct(capsys):
    import warnings

    from framing.cli.common import one_line_warnings, warning_line

    assert warning_line("a.jsonl: 3 records read\n  skipped, bad json: 1\n") == (
        "warning: a.jsonl: 3 records read; skipped, bad json: 1")
    with one_line_warnings():
        for _ in range(3):
            warnings.warn("x.jsonl: 2 records read\n  warning: decoded as cp1252", UserWarning)
        warnings.warn("another", RuntimeWarning)
    assert capsys.readouterr().err.splitlines() == [
        "warning: x.jsonl: 2 records read; warning: decoded as cp1252", "warning: another"]
