from __future__ import annotations

import math

import pandas as pd
import pytest

from framing.records import Document
from framing.match.scoring import (
    AGGREGATE_COLUMNS,
    HIT_COLUMNS,
    KWIC_COLUMNS,
    SCORE_COLUMNS,
    aggregate,
    hits,
    kwic,
    score,
)


def test_score_schema_and_values(corpus, lexicon):
    s = score(corpus, lexicon, normalize="raw", voice="all")
    assert tuple(s.columns) == SCORE_COLUMNS
    assert len(s) == 8
    row = s[(s.doc_id == "a2") & (s.category == "insinuation")].iloc[0]
    assert (row["count"], row["negated"], row["weight"], row["tokens"]) == (1, 1, 2.0, 11)
    empty = s[s.doc_id == "b2"]
    assert (empty["tokens"] == 0).all() and empty["rate"].isna().all()


def test_score_rates(corpus, lexicon):
    s = score(corpus, lexicon)
    row = s[(s.doc_id == "a1") & (s.category == "escalation")].iloc[0]
    assert row["tokens"] == 10 and math.isclose(row["rate"], 1000 * 1 / 10)
    assert (s["denominator"] == "per_1000_tokens").all()
    per_token = score(corpus, lexicon, normalize="per_token")
    assert math.isclose(per_token.loc[row.name, "rate"], 0.1)


def test_score_voices_add_up(corpus, lexicon):
    all_ = score(corpus, lexicon, voice="all", normalize="raw")
    outlet = score(corpus, lexicon, voice="outlet", normalize="raw")
    quoted = score(corpus, lexicon, voice="quoted", normalize="raw")
    assert (all_["count"].values == outlet["count"].values + quoted["count"].values).all()
    assert (all_["tokens"].values == outlet["tokens"].values + quoted["tokens"].values).all()
    q = quoted[(quoted.doc_id == "a2") & (quoted.category == "insinuation")].iloc[0]
    assert q["count"] == 1 and q["tokens"] == 2  # "a sham"


def test_score_parts(corpus, lexicon):
    s = score(corpus, lexicon, part="captions", normalize="raw")
    assert (s["part"] == "captions").all()
    row = s[(s.doc_id == "a2") & (s.category == "insinuation")].iloc[0]
    assert row["count"] == 1
    assert s[s.doc_id == "a1"]["rate"].isna().all()


def test_score_streamed_documents_and_jobs(corpus, lexicon):
    docs = [Document(doc_id=r.doc_id, outlet=r.outlet, text=r.text) for r in corpus.itertuples()]
    one = score(iter(docs), lexicon, chunk_size=1)
    two = score(docs, lexicon, n_jobs=2, chunk_size=1)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, score(corpus, lexicon))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"normalize": "per_word"}, "normalize: expected one of 'per_token', 'per_1000_tokens', 'raw', got 'per_word'"),
        ({"voice": "source"}, "voice: expected one of 'all', 'outlet', 'quoted', got 'source'"),
        ({"part": "body"}, "part: expected one of 'text', 'title', 'captions', 'boilerplate', got 'body'"),
        ({"n_jobs": 0}, "n_jobs: expected an integer >= 1, got 0"),
        ({"chunk_size": 0}, "chunk_size: expected an integer >= 1, got 0"),
    ],
)
def test_score_bad_options(corpus, lexicon, kwargs, message):
    with pytest.raises(ValueError, match=message):
        score(corpus, lexicon, **kwargs)


def test_score_option_kinds(corpus, lexicon):
    with pytest.raises(TypeError, match="n_jobs: expected an integer >= 1, got 1.5"):
        score(corpus, lexicon, n_jobs=1.5)
    with pytest.raises(TypeError, match="chunk_size: expected an integer >= 1, got True"):
        score(corpus, lexicon, chunk_size=True)


def test_score_default_voice_is_the_outlets(corpus, lexicon):
    # the library, the command line and the config share one default (framing.vocab.DEFAULTS)
    pd.testing.assert_frame_equal(score(corpus, lexicon), score(corpus, lexicon, voice="outlet"))
    pd.testing.assert_frame_equal(hits(corpus, lexicon), hits(corpus, lexicon, voice="outlet"))


def test_score_bad_corpus(lexicon):
    with pytest.raises(ValueError, match="corpus DataFrame has no 'outlet' column"):
        score(pd.DataFrame({"doc_id": ["1"], "text": ["x"]}), lexicon)
    with pytest.raises(TypeError, match="corpus must be a DataFrame, a framing Corpus or an iterable of Document"):
        score("some text", lexicon)
    with pytest.raises(TypeError, match="corpus item 0 is a str, expected framing.records.Document"):
        score(["some text"], lexicon)
    with pytest.raises(TypeError, match="document '1': text must be a string, got int"):
        score(pd.DataFrame({"doc_id": ["1"], "outlet": ["A"], "text": [3]}), lexicon)
    with pytest.raises(TypeError, match="lexicon: expected a Lexicon, a Matcher, a bundled lexicon name or a file path, got int"):
        score(pd.DataFrame({"doc_id": ["1"], "outlet": ["A"], "text": ["x"]}), 3)
    # a missing outlet or id is refused, not scored under a label "nan" / "None"
    with pytest.raises(ValueError, match=r"corpus DataFrame: 'outlet' is missing in 2 row\(s\), the first at position 1; "
                                         r"every document needs one"):
        score(pd.DataFrame({"doc_id": ["1", "2", "3"], "outlet": ["A", None, float("nan")], "text": ["x"] * 3}), lexicon)
    with pytest.raises(ValueError, match=r"'doc_id' is missing in 1 row\(s\), the first at position 0"):
        score(pd.DataFrame({"doc_id": [None, "2"], "outlet": ["A", "B"], "text": ["x", "y"]}), lexicon)


def test_aggregate(corpus, lexicon):
    agg = aggregate(score(corpus, lexicon, voice="all"))
    assert tuple(agg.columns) == AGGREGATE_COLUMNS
    a = agg[(agg.group == "A") & (agg.category == "insinuation")].iloc[0]
    # A: a1 has 1 hit in 10 tokens, a2 has 1 counted hit in 11 tokens
    assert a["n_docs"] == 2 and a["count"] == 2 and a["tokens"] == 21 and a["negated"] == 1
    assert math.isclose(a["pooled_rate"], 1000 * 2 / 21)
    assert math.isclose(a["mean_rate"], (100 + 1000 / 11) / 2)
    b = agg[(agg.group == "B") & (agg.category == "insinuation")].iloc[0]
    assert b["n_docs"] == 1  # the empty document is not counted
    assert list(agg["group"]) == ["A", "A", "B", "B"]


def test_aggregate_by_corpus_column(corpus, lexicon):
    frame = corpus.assign(group=["x", "y", "x", "y"])
    agg = aggregate(score(frame, lexicon), by="group", corpus=frame)
    assert set(agg["group"]) == {"x", "y"} and (agg["by"] == "group").all()
    with pytest.raises(ValueError, match="by='nope' is neither a column of scores nor of the corpus"):
        aggregate(score(frame, lexicon), by="nope", corpus=frame)
    with pytest.raises(ValueError, match="scores is missing columns"):
        aggregate(pd.DataFrame({"doc_id": []}))


def test_aggregate_mixed_denominators(corpus, lexicon):
    mixed = pd.concat([score(corpus, lexicon), score(corpus, lexicon, normalize="raw")])
    with pytest.raises(ValueError, match="scores mix denominators"):
        aggregate(mixed)


def test_hits(corpus, lexicon):
    h = hits(corpus, lexicon, voice="all")
    assert tuple(h.columns) == HIT_COLUMNS
    texts = dict(zip(corpus.doc_id, corpus.text))
    for row in h.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.matched_text
    a2 = h[h.doc_id == "a2"]
    assert list(zip(a2.entry, a2.voice, a2.negated, a2.sentence)) == [
        ("sham", "quoted", False, 0),
        ("façade", "outlet", True, 1),
    ]
    assert list(hits(corpus, lexicon, voice="quoted")["entry"]) == ["sham"]


@pytest.mark.parametrize("voice", ["all", "outlet", "quoted"])
def test_hits_agree_with_score(corpus, lexicon, voice):
    h = hits(corpus, lexicon, voice=voice)
    s = score(corpus, lexicon, normalize="raw", voice=voice)
    counted = h[~h.negated].groupby(["doc_id", "category"]).size()
    for (doc_id, category), n in counted.items():
        assert s[(s.doc_id == doc_id) & (s.category == category)]["count"].iloc[0] == n


def test_kwic(corpus, lexicon):
    lines = kwic(corpus, lexicon, width=10, categories=["escalation"], voice="all")
    assert tuple(lines.columns) == KWIC_COLUMNS
    assert list(lines["match"]) == ["harsh blow", "ratchet up"]
    first = lines.iloc[0]
    assert first["left"] == " unity. A " and first["right"] == " followed."
    assert len(kwic(corpus, lexicon, limit=1, voice="all")) == 2
    with pytest.raises(ValueError, match=r"unknown categories \['nope'\]"):
        kwic(corpus, lexicon, categories=["nope"])
    with pytest.raises(ValueError, match="width: expected an integer >= 0, got -1"):
        kwic(corpus, lexicon, width=-1)
    with pytest.raises(ValueError, match="limit: expected an integer >= 1, got 0"):
        kwic(corpus, lexicon, limit=0)
    with pytest.raises(TypeError, match="width: expected an integer >= 0, got '10'"):
        kwic(corpus, lexicon, width="10")
