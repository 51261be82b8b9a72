"""What benchmarks/bench_classify_babe.py's ``selected`` row relies on:
the branches of :func:`framing.classify.model.make_features` are
independent, so one union with every branch, less the ``marked`` /
``char`` columns and with the ``embed`` columns scaled by a weight, is
exactly the union a smaller candidate would build."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from framing.classify.model import make_features

from tests.classify.test_embed import fake  # noqa: F401  (the stand-in encoder fixture)
from tests.classify.test_model import corpus


def _columns(union) -> dict[str, slice]:
    out, start = {}, 0
    for name, trans in union.transformer_list:
        last = trans.steps[-1][1] if hasattr(trans, "steps") else trans
        width = len(last.get_feature_names_out())
        out[name] = slice(start, start + width)
        start += width
    return out


@pytest.mark.parametrize("marked, char, weight", [(False, None, 2.0), (True, (2, 5), 0.5), (False, (2, 5), 1.0),
                                                  (True, None, 1.0)])
def test_candidate_union_is_a_column_subset_of_the_full_union(fake, marked, char, weight):  # noqa: F811
    data = corpus()
    frame = pd.DataFrame({"text": pd.Series(data["text"].tolist(), dtype=object),
                          "marked_words": data["marked"].tolist()})
    full = make_features(marked=True, char_ngrams=(2, 5), cues=None, embeddings="all-MiniLM-L6-v2",
                         embedding_weight=1.0, random_state=0)
    A = full.fit_transform(frame).tocsr()
    cols = _columns(full)
    assert list(cols) == ["word", "char", "marked", "embed"] and cols["embed"].stop == A.shape[1]
    keep = np.concatenate([np.arange(s.start, s.stop) for name, s in cols.items()
                           if not (name == "marked" and not marked) and not (name == "char" and char is None)])
    scale = np.ones(len(keep))
    scale[-(cols["embed"].stop - cols["embed"].start):] = weight
    derived = (A[:, keep] @ sp.diags(scale, format="csr")).tocsr()
    own = make_features(marked=marked, char_ngrams=char, cues=None, embeddings="all-MiniLM-L6-v2",
                        embedding_weight=weight, random_state=0).fit_transform(frame).tocsr()
    assert own.shape == derived.shape
    assert (own != derived).nnz == 0


def test_selection_with_sentence_pooled_embeddings(fake):  # noqa: F811
    """bench_frames.py's ``selected+emb``: the embed branch in every variant's first stage, pooled variants
    included (their sentences are embedded one by one, from the same memo)."""
    from framing.classify.embed import cache_info
    from framing.classify.model import FrameClassifier
    from framing.classify.multilabel import FrameVariant, cross_validate_frames

    from tests.classify.test_multilabel import corpus as frames_corpus

    data = frames_corpus()
    model = FrameClassifier(cues=None, char_ngrams=None, word_ngrams=(1, 1), embeddings="all-MiniLM-L6-v2",
                            embedding_pooling="sentences")
    grid = [FrameVariant(), FrameVariant("stacked", pool=True)]
    run = cross_validate_frames(data, ["CO", "EC"], model=model, folds="fold", n_resamples=20, select=grid)
    assert set(run.selection["variant"]) == {"independent", "stacked+pool"}
    encoded = cache_info()["encoded"]
    assert encoded == cache_info()["vectors"] > 0  # every distinct sentence encoded once
    again = cross_validate_frames(data, ["CO", "EC"], model=model, folds="fold", n_resamples=20, select=grid)
    pd.testing.assert_frame_equal(run.predictions, again.predictions)
    assert cache_info()["encoded"] == encoded  # the second run reads the memo only
