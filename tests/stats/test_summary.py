import numpy as np
import pandas as pd
import pytest

from framing.stats.summary import SUMMARY_COLUMNS, TIMESERIES_COLUMNS, summarize, timeseries

from .conftest import make_scores


def test_summary_rates(two_groups):
    out = summarize(two_groups, n_resamples=500)
    assert list(out.columns) == list(SUMMARY_COLUMNS)
    a = out.set_index("group").loc["A"]
    assert a["mean_rate"] == pytest.approx(20.0) and a["pooled_rate"] == pytest.approx(1000 * 6 / 300)
    assert a["n_docs"] == 3 and a["tokens"] == 300 and a["count"] == 6
    assert a["mean_low"] < 20 < a["mean_high"]
    # the percentile interval of 0.2.0 stays within the data's range
    old = summarize(two_groups, n_resamples=500, ci_method="percentile").set_index("group").loc["A"]
    assert 10 <= old["mean_low"] <= 20 <= old["mean_high"] <= 30


def test_pooled_and_mean_rates_differ_with_lengths():
    scores = make_scores([("a1", "A", "x", 1, 100), ("a2", "A", "x", 1, 900)])
    row = summarize(scores, n_resamples=50).iloc[0]
    assert row["mean_rate"] == pytest.approx((10 + 1000 / 900) / 2)
    assert row["pooled_rate"] == pytest.approx(2)


def test_cluster_summary_weights_outlets_equally():
    rows = [("d1", "o1", "x", 1, 100, {"side": "L"}), ("d2", "o1", "x", 1, 100, {"side": "L"}), ("d3", "o2", "x", 4, 100, {"side": "L"})]
    scores = make_scores(rows)
    with pytest.warns(UserWarning, match=r"1 of 1 groups have fewer than 10 outlet clusters \('L': 2\)"):
        row = summarize(scores, by="side", cluster="outlet", n_resamples=200).iloc[0]
    assert row["mean_rate"] == pytest.approx((10 + 40) / 2) and row["n_units"] == 2 and row["unit"] == "cluster"
    assert row["pooled_rate"] == pytest.approx(1000 * 6 / 300)


def test_part_voice_selection():
    scores = make_scores([("a1", "A", "x", 1, 100), ("a2", "A", "x", 2, 100)])
    both = pd.concat([scores, scores.assign(voice="quoted")])
    with pytest.raises(ValueError, match=r"voice: the scores hold several voice values \['all', 'quoted'\]; choose one with voice=..."):
        summarize(both)
    assert len(summarize(both, voice="quoted", n_resamples=10)) == 1
    with pytest.raises(ValueError, match=r"voice='outlet' is not in the scores; they hold \['all', 'quoted'\]"):
        summarize(both, voice="outlet")


def test_input_errors(two_groups):
    with pytest.raises(TypeError, match="scores: expected a pandas DataFrame"):
        summarize([1, 2])
    with pytest.raises(ValueError, match=r"scores: missing columns \['rate'\]"):
        summarize(two_groups.drop(columns="rate"))
    with pytest.raises(ValueError, match="denominator 'raw' is not a rate; score with normalize="):
        summarize(two_groups.assign(denominator="raw"))
    with pytest.raises(ValueError, match=r"categories: \['y'\] not in the scores"):
        summarize(two_groups, categories=["y"])
    with pytest.raises(ValueError, match="by='side' is neither a column of scores nor of the corpus"):
        summarize(two_groups, by="side")
    with pytest.raises(ValueError, match="by='side': document 'a1' has no value"):
        summarize(two_groups, by="side", corpus=pd.DataFrame({"doc_id": ["a2"], "side": ["L"]}))


def test_zero_token_documents_are_excluded_with_a_warning(two_groups):
    scores = pd.concat([two_groups, make_scores([("a0", "A", "x", 0, 0)])])
    with pytest.warns(UserWarning, match="1 document\\(s\\) have no tokens"):
        out = summarize(scores, n_resamples=10)
    assert out.set_index("group").loc["A", "n_docs"] == 3


def test_corpus_join():
    scores = make_scores([("a1", "A", "x", 1, 100), ("a2", "A", "x", 2, 100), ("b1", "B", "x", 0, 100)])
    corpus = pd.DataFrame({"doc_id": ["a1", "a2", "b1"], "side": ["L", "L", "R"], "text": ["", "", ""]})
    out = summarize(scores, by="side", corpus=corpus, n_resamples=10)
    assert out["group"].tolist() == ["L", "R"] and out["n_docs"].tolist() == [2, 1]
    assert np.isnan(out.loc[1, "mean_low"])


def test_timeseries():
    rows = [
        ("a1", "A", "x", 1, 100, {"date": "2024-01-03"}),
        ("a2", "A", "x", 3, 100, {"date": "2024-01-30"}),
        ("a3", "A", "x", 2, 100, {"date": "2024-02-01"}),
        ("a4", "A", "x", 2, 100, {"date": "2024-02-11T10:00:00"}),
    ]
    out = timeseries(make_scores(rows), freq="month", n_resamples=100)
    assert list(out.columns) == list(TIMESERIES_COLUMNS)
    assert out["period"].tolist() == ["2024-01-01", "2024-02-01"]
    assert out["mean_rate"].tolist() == pytest.approx([20.0, 20.0])
    with pytest.warns(UserWarning, match="2 group-period cell\\(s\\) hold a single document; their CIs are NaN"):
        weekly = timeseries(make_scores(rows), freq="week", n_resamples=10)
    assert weekly["period"].tolist()[0] == "2024-01-01"  # Monday of the ISO week
    with pytest.raises(ValueError, match="freq: expected one of 'day', 'week', 'month', 'quarter', 'year', got 'hour'"):
        timeseries(make_scores(rows), freq="hour")
    bad = make_scores([("a1", "A", "x", 1, 100, {"date": "soon"})])
    with pytest.raises(ValueError, match="date='date': document 'a1' has date 'soon', which is not an ISO date"):
        timeseries(bad)


def test_same_seed_same_output(two_groups):
    pd.testing.assert_frame_equal(summarize(two_groups, random_state=5), summarize(two_groups, random_state=5))


def test_resampling_option_errors(two_groups):
    with pytest.raises(ValueError, match="n_resamples: expected an integer >= 1, got 0"):
        summarize(two_groups, n_resamples=0)
    with pytest.raises(ValueError, match=r"confidence: expected a finite number in \(0, 1\), got 1.0"):
        timeseries(two_groups.assign(date="2024-01-01"), confidence=1.0)
    with pytest.raises(TypeError, match="random_state: expected an integer >= 0, got 2.5"):
        summarize(two_groups, random_state=2.5)


def test_defaults_are_reproducible(two_groups):
    # random_state defaults to DEFAULTS["seed"] and n_resamples to DEFAULTS["n_resamples"]
    first = summarize(two_groups)
    pd.testing.assert_frame_equal(first, summarize(two_groups))
    assert (first["n_resamples"] == 4999).all()


def test_ci_methods_of_the_summary(two_groups):
    a = {m: summarize(two_groups, n_resamples=400, ci_method=m).set_index("group").loc["A"]
         for m in ("auto", "studentized", "t", "bca", "percentile")}
    pd.testing.assert_series_equal(a["auto"], a["studentized"])
    # t: 20 +- t_{2, 0.975} * 10 / sqrt(3); no resamples drawn
    half = 4.302652729911275 * 10 / np.sqrt(3)
    assert (a["t"]["mean_low"], a["t"]["mean_high"]) == pytest.approx((20 - half, 20 + half))
    assert a["t"]["n_resamples"] == 0 and a["auto"]["n_resamples"] == 400
    for m in ("bca", "percentile"):
        assert 10 <= a[m]["mean_low"] <= 20 <= a[m]["mean_high"] <= 30
    with pytest.raises(ValueError, match="ci_method: expected one of 'auto', 'percentile', 'bca', 'studentized', "
                                         "'t', got 'wild'"):
        summarize(two_groups, ci_method="wild")
    with pytest.raises(ValueError, match="ci_method: expected one of .*got 'exact'"):
        timeseries(two_groups.assign(date="2024-01-01"), ci_method="exact")


def test_few_clusters_warn_that_intervals_are_approximate():
    rows = [(f"d{i}", f"o{i % 6}", "x", i % 4, 100, {"side": "L"}) for i in range(18)]
    with pytest.warns(UserWarning, match=r"1 of 1 groups have fewer than 10 outlet clusters \('L': 6\); their "
                                         "intervals are approximate"):
        summarize(make_scores(rows), by="side", cluster="outlet", n_resamples=50)


def test_aggregate_and_summarize_agree_on_the_point_values():
    # one obvious way: aggregate = descriptive sums and rates, summarize = the same rates with CIs
    from framing.corpus.readers import read_corpus
    from framing.match import aggregate, score

    from tests.paths import REPO

    scores = score(read_corpus(REPO / "corpora" / "sample" / "articles.jsonl"))
    sums = aggregate(scores).set_index(["group", "category"])
    est = summarize(scores, n_resamples=20).set_index(["group", "category"])
    joined = sums.merge(est, left_index=True, right_index=True, suffixes=("_agg", "_sum"))
    assert len(joined) == len(sums) == len(est)
    assert np.allclose(joined["mean_rate_agg"], joined["mean_rate_sum"], equal_nan=True)
    assert np.allclose(joined["pooled_rate_agg"], joined["pooled_rate_sum"], equal_nan=True)
    assert (joined["n_docs_agg"] == joined["n_docs_sum"]).all()
    assert {"mean_low", "pooled_high"} <= set(est.columns) and not {"mean_low", "pooled_high"} & set(sums.columns)


def test_compact_scores_same_tables_and_errors(two_groups):
    """Categorical labels and int32 counts (what the runner holds,
    framing.match.scoring.compact_scores) read like plain columns: corpus
    joins look each document up once, errors name the same document."""
    from framing.match.scoring import compact_scores

    scores = make_scores([("a1", "A", "x", 1, 100), ("a2", "A", "x", 2, 100), ("b1", "B", "x", 0, 100),
                          ("b2", "B", "x", 4, 100), ("a1", "A", "y", 3, 100), ("a2", "A", "y", 0, 100),
                          ("b1", "B", "y", 1, 100), ("b2", "B", "y", 2, 100)])
    compact = compact_scores(scores)
    corpus = pd.DataFrame({"doc_id": ["b2", "a1", "a2", "b1"], "side": ["R", "L", "L", "R"]})
    for options in (dict(by="side", corpus=corpus), dict(by="outlet", categories=["y"]), dict(by="outlet")):
        pd.testing.assert_frame_equal(summarize(compact, n_resamples=50, random_state=1, **options),
                                      summarize(scores, n_resamples=50, random_state=1, **options))
    with pytest.raises(ValueError, match="by='side': document 'a1' has no value"):
        summarize(compact_scores(two_groups), by="side", corpus=pd.DataFrame({"doc_id": ["a2"], "side": ["L"]}))
