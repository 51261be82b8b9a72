"""One compiled lexicon: compile_lexicon builds a lexicon's Matcher once
per process, and scoring, hits, KWIC and the classifiers share it."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest

from framing.lexicon.model import Category, Lexicon
from framing.match import CompiledLexicon, Matcher, compile_lexicon, hits, kwic, score
from framing.match.batch import count_texts


@pytest.fixture
def compilations(monkeypatch):
    """Counts every compilation of a lexicon in the test (a fresh memo)."""
    built: list[str] = []
    original = CompiledLexicon.build.__func__

    def counting(cls, lexicon, **options):
        built.append(lexicon.name)
        return original(cls, lexicon, **options)

    monkeypatch.setattr(CompiledLexicon, "build", classmethod(counting))
    compile_lexicon.cache_clear()
    yield built
    compile_lexicon.cache_clear()


def test_score_hits_kwic_and_a_classifier_compile_once(compilations, corpus, lexicon):
    from framing.classify import CueVectorizer, FrameClassifier

    score(corpus, lexicon)
    hits(corpus, lexicon, voice="all")
    kwic(corpus, lexicon)
    # an equal lexicon (built again from the same records) is the same lexicon
    again = Lexicon.build("tiny", lexicon.categories, list(lexicon.entries))
    assert again is not lexicon and again == lexicon
    score(corpus, again, voice="quoted")
    texts = ["a sham deal", "a harsh blow", "plain words", "the façade fell", "ratchet up the pressure", "calm"]
    labels = ["x", "y", "y", "x", "y", "x"]
    FrameClassifier(cues=lexicon, C=[0.5, 1.0], inner_cv=2, char_ngrams=None).fit(texts, labels)
    CueVectorizer(lexicon=again).fit(texts).transform(texts)
    assert compilations == ["tiny"]
    info = compile_lexicon.cache_info()
    assert info.compilations == 1 and info.hits >= 4 and info.size == 1


def test_a_bundled_lexicon_read_twice_compiles_once(compilations):
    first = compile_lexicon("framing-cues")
    assert compile_lexicon("framing-cues") is first
    assert compilations == ["framing-cues"]


def test_compile_lexicon_accepts_a_matcher_and_refuses_other_kinds(lexicon):
    matcher = Matcher(lexicon)
    assert compile_lexicon(matcher) is matcher
    with pytest.raises(TypeError, match="lexicon: expected a Lexicon, a Matcher, a bundled lexicon name or a file "
                                        "path, got int"):
        compile_lexicon(3)


def test_functions_accept_a_matcher(corpus, lexicon):
    matcher = compile_lexicon(lexicon)
    pd.testing.assert_frame_equal(score(corpus, matcher), score(corpus, lexicon))
    pd.testing.assert_frame_equal(hits(corpus, matcher), hits(corpus, lexicon))


def test_different_lexicons_compile_apart(compilations, lexicon):
    scoped = lexicon.with_scope("lexicon")
    assert compile_lexicon(scoped) is not compile_lexicon(lexicon)
    assert len(compilations) == 2


def test_a_matcher_is_shared_not_copied(lexicon):
    matcher = compile_lexicon(lexicon)
    assert copy.copy(matcher) is matcher and copy.deepcopy(matcher) is matcher
    assert repr(matcher) == "Matcher('tiny': 2 categories, 5 entries)"  # no address: estimator reprs stay stable
    # unpickled in the same process: the memoised matcher
    assert pickle.loads(pickle.dumps(matcher)) is matcher


def test_the_compiled_structure(lexicon):
    compiled = compile_lexicon(lexicon).compiled
    assert isinstance(compiled, CompiledLexicon)
    assert compiled.categories == ("insinuation", "escalation")
    assert compiled.windows == (3, 0) and compiled.has_negation
    assert compiled.entry_category == (0, 0, 0, 1, 1)
    assert compiled.entry_weight == (1.0, 1.0, 2.0, 1.0, 1.0) and compiled.exact_weights
    assert len(compiled.keys) == len(compiled.key_size) == len(compiled.follow_row)
    assert compiled.keys[compiled.nt_key].size == 4
    with pytest.raises(ValueError, match="read-only"):
        compiled.entry_weight_array[0] = 5.0
    with pytest.raises(AttributeError):
        compiled.windows = (0, 0)  # type: ignore[misc]
    with pytest.raises(TypeError, match="lexicon: expected a framing.lexicon.Lexicon, got str"):
        CompiledLexicon.build("tiny")


def test_the_batch_path_reads_the_compiled_structure(lexicon):
    # a matcher's batch token table lives beside it; a fresh matcher counts the same
    texts = ["They built a façade.", "It was not a sham, not a pretense.", "", "harsh blow; ratchet up"]
    a = count_texts(compile_lexicon(lexicon), texts, "all")
    b = count_texts(Matcher(lexicon), texts, "all")
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    no_negation = Lexicon.build("plain", [Category("c", "d")], [("sham", "c", 1.0, None)])
    assert compile_lexicon(no_negation).compiled.nt_key == -1
