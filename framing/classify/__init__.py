"""Classifiers (scikit-learn): learn frames or bias labels and explain them.

* :mod:`.model` — :class:`FrameClassifier` and its pipeline, sentence →
  document → outlet shares, explanations.
* :mod:`.vectorize` — :class:`CueVectorizer`, lexicon cue counts as
  features.
* :mod:`.evaluate` — structured cross-validation with bootstrap CIs.
* :mod:`.persist` — safe model files (no pickle).
* :mod:`.embed` — optional sentence embeddings (the ``embeddings`` extra).
* :mod:`.finetune` — :class:`FineTunedEncoder`, the packaged MiniLM
  fine-tuned as a classifier on CPU (the ``embeddings`` extra).
* :mod:`.multilabel` — one model per frame, honest thresholds, pipelines
  chosen by nested cross-validation.
* :mod:`.soft` — soft frame targets from every coder's answers.
* :mod:`.inputs` — `texts_of`, how every text estimator reads ``X``.
"""

from __future__ import annotations

from .evaluate import Evaluation, cross_validate, evaluate_frame
from .finetune import FineTunedEncoder
from .model import FrameClassifier, classify_sentences, document_shares, explain, group_shares, top_features
from .persist import ModelFileError, load_model, save_model
from .vectorize import CueVectorizer

__all__ = [
    "CueVectorizer", "Evaluation", "FineTunedEncoder", "FrameClassifier", "ModelFileError", "classify_sentences", "cross_validate",
    "document_shares", "evaluate_frame", "explain", "group_shares", "load_model", "save_model", "top_features",
]
