"""framing.progress: one progress helper; progress goes to stderr only, is
off by default and never changes a result."""

from __future__ import annotations

import io
import sys

import numpy as np
import pandas as pd
import pytest

from framing.progress import LineProgress, check_progress, counted, reporter
from framing.vocab import DEFAULTS

from tests.paths import REPO

SAMPLE = REPO / "corpora" / "sample" / "articles.jsonl"


@pytest.fixture
def no_tqdm(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import tqdm.auto -> ImportError


def test_off_by_default_and_silent():
    assert DEFAULTS["progress"] is False
    for off in (False, None):
        bar = reporter(off, total=3)
        bar(2)
        bar.close()  # no output, no error


def test_a_callable_receives_the_counts():
    got = []
    with reporter(got.append, total=5) as bar:
        bar(2)
        bar.update(3)
    assert got == [2, 3]
    assert list(counted(range(7), got.append, every=3)) == list(range(7))
    assert got[2:] == [3, 3, 1]


def test_bad_progress_is_a_type_error():
    with pytest.raises(TypeError, match=r"progress: expected True, False, None or a callable taking a count, got 'yes'"):
        check_progress("yes")
    with pytest.raises(TypeError, match=r"progress: expected True, False, None or a callable"):
        reporter(1)


def test_line_fallback_without_tqdm_writes_one_line(no_tqdm):
    stream = io.StringIO()
    bar = reporter(True, total=10, label="reading", stream=stream)
    assert isinstance(bar, LineProgress)
    for _ in range(10):
        bar(1)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rreading ") and text.endswith("\n") and text.count("\n") == 1
    assert "10/10 docs (100%)" in text
    assert text.count("\r") <= 3  # at most one redraw per 0.25 s, plus the final one


def test_library_calls_report_on_stderr_only_and_keep_results(capsys, no_tqdm):
    from framing.corpus.readers import read_corpus
    from framing.match.scoring import hits, score
    from framing.match.terms import term_matrix

    quiet = read_corpus(SAMPLE)
    loud = read_corpus(SAMPLE, progress=True)
    pd.testing.assert_frame_equal(quiet.frame, loud.frame)
    pd.testing.assert_frame_equal(score(quiet.frame), score(quiet.frame, progress=True))
    pd.testing.assert_frame_equal(hits(quiet.frame), hits(quiet.frame, progress=True))
    a, b = term_matrix(quiet.frame), term_matrix(quiet.frame, progress=True)
    assert a.terms == b.terms and (a.counts != b.counts).nnz == 0
    out, err = capsys.readouterr()
    assert out == ""
    n = len(quiet.frame)
    for label in ("reading", "scoring", "hits", "term matrix"):
        assert f"{label} " in err
    assert f"{n}/{n} docs (100%)" in err
    for call in (lambda: score(quiet.frame, progress="on"), lambda: hits(quiet.frame, progress=1),
                 lambda: term_matrix(quiet.frame, progress=[]), lambda: read_corpus(SAMPLE, progress="on")):
        with pytest.raises(TypeError, match="progress: expected True, False, None or a callable"):
            call()


def test_classifier_fit_and_cross_validation_count_fits_and_folds(capsys):
    from framing.classify.evaluate import cross_validate
    from framing.classify.model import FrameClassifier

    from tests.classify.test_model import corpus

    data = corpus(40)
    fits: list[int] = []
    model = FrameClassifier(cues=None, char_ngrams=None, C=[0.5, 1.0], inner_cv=3)
    plain = FrameClassifier(cues=None, char_ngrams=None, C=[0.5, 1.0], inner_cv=3).fit(data["text"], data["label"])
    model.fit(data["text"], data["label"], progress=fits.append)
    assert sum(fits) == 3 + 1  # three inner folds choosing C, then the final fit
    assert np.array_equal(model.predict_proba(data["text"]), plain.predict_proba(data["text"]))
    folds: list[int] = []
    small = FrameClassifier(cues=None, char_ngrams=None)
    ev = cross_validate(data, "label", model=small, n_splits=4, n_resamples=20, progress=folds.append)
    assert folds == [1, 1, 1, 1]
    again = cross_validate(data, "label", model=small, n_splits=4, n_resamples=20)
    pd.testing.assert_frame_equal(ev.predictions, again.predictions)
    assert capsys.readouterr().out == ""
    with pytest.raises(TypeError, match="progress: expected True, False, None or a callable"):
        small.fit(data["text"], data["label"], progress="yes")
    with pytest.raises(TypeError, match="progress: expected True, False, None or a callable"):
        cross_validate(data, "label", model=small, progress=2)


def test_tqdm_when_installed_draws_on_stderr(capsys):
    pytest.importorskip("tqdm")
    with reporter(True, total=4, label="scoring") as bar:
        assert not isinstance(bar, LineProgress)
        bar(4)
        bar.total = 5  # a total may be set late (the command line learns it after reading)
    out, err = capsys.readouterr()
    assert out == "" and "scoring" in err
