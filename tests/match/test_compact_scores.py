"""compact_scores / concat_scores: the experiment runner's per-document
scores in compact dtypes, with the same values and the same CSV text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing.match.scoring import COUNT_COLUMNS, LABEL_COLUMNS, SCORE_COLUMNS, compact_scores, concat_scores, score
from framing.stats.compare import compare
from framing.stats.summary import summarize


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Labels back to strings and counts to int64 (what score() gives)."""
    out = frame.copy()
    for name in LABEL_COLUMNS:
        out[name] = out[name].astype(str)
    for name in COUNT_COLUMNS:
        out[name] = out[name].astype(np.int64)
    return out


def test_compact_scores_same_values_and_csv(corpus, lexicon):
    plain = score(corpus, lexicon)
    compact = compact_scores(plain)
    assert list(compact.columns) == list(SCORE_COLUMNS)
    assert all(isinstance(compact[c].dtype, pd.CategoricalDtype) for c in LABEL_COLUMNS)
    assert all(compact[c].dtype == np.int32 for c in COUNT_COLUMNS)
    assert compact["rate"].dtype == np.float64 and compact["weight"].dtype == np.float64
    assert compact.to_csv(index=False) == plain.to_csv(index=False)
    pd.testing.assert_frame_equal(_plain(compact), plain.astype({c: str for c in LABEL_COLUMNS}))
    assert compact_scores(compact) is not compact  # a new frame ...
    pd.testing.assert_frame_equal(compact_scores(compact), compact)  # ... equal: idempotent


def test_compact_scores_keeps_int64_when_a_value_does_not_fit(corpus, lexicon):
    plain = score(corpus, lexicon)
    plain.loc[0, "tokens"] = 2 ** 40
    assert compact_scores(plain)["tokens"].dtype == np.int64
    assert compact_scores(plain)["count"].dtype == np.int32


def test_concat_scores_unions_categories_in_order(corpus, lexicon):
    frame = getattr(corpus, "frame", corpus)
    whole = compact_scores(score(frame, lexicon))
    chunks = [score(frame.iloc[:1], lexicon), score(frame.iloc[1:2], lexicon), score(frame.iloc[2:], lexicon)]
    stacked = concat_scores(chunks)
    pd.testing.assert_frame_equal(stacked, whole)
    assert isinstance(stacked["outlet"].dtype, pd.CategoricalDtype) and len(stacked["outlet"].cat.categories) > 1
    assert list(stacked["outlet"].cat.categories) == sorted(set(stacked["outlet"].astype(str)))


@pytest.mark.filterwarnings("ignore:.*no tokens in the scored part")
def test_statistics_same_on_compact_scores(corpus, lexicon):
    plain = score(corpus, lexicon)
    compact = compact_scores(plain)
    options = dict(by="outlet", n_resamples=200, random_state=3)
    pd.testing.assert_frame_equal(summarize(compact, **options), summarize(plain, **options))
    texts = ["a façade and a sham", "a harsh blow, a façade", "ratchet up the pretense", "nothing here at all"]
    larger = pd.DataFrame({"doc_id": [f"d{i}" for i in range(12)], "outlet": ["A", "B", "C"] * 4,
                           "text": [texts[(i * 7) % 4] + " word" * i for i in range(12)]})
    plain = score(larger, lexicon)
    pairs = dict(by="outlet", methods=["welch", "permutation"], n_resamples=99, random_state=3)
    pd.testing.assert_frame_equal(compare(compact_scores(plain), **pairs), compare(plain, **pairs))


def test_compact_and_concat_errors(corpus, lexicon):
    with pytest.raises(TypeError, match="scores: expected a pandas DataFrame"):
        compact_scores([1, 2])
    with pytest.raises(ValueError, match=r"scores: missing columns \['rate'\]"):
        compact_scores(score(corpus, lexicon).drop(columns="rate"))
    with pytest.raises(ValueError, match="tables: expected at least one scores table"):
        concat_scores([])
    table = score(corpus, lexicon)
    with pytest.raises(ValueError, match=r"tables\[1\]: columns .* differ from tables\[0\]'s"):
        concat_scores([table, table[list(reversed(table.columns))]])
