"""framing: measure and compare how news outlets frame events.

The package is laid out by stage, in the order data flows through it;
a stage imports only the base and the stages before it::

    records, text, quotes, vocab, check, seeds,     the base
    progress, display, csvtext
    corpus/      news collections → documents
    lexicon/     framing-cue lexicons and their files
    match/       documents → cue hits, counts, term matrices
    stats/       counts → comparisons with valid uncertainty
    classify/    scikit-learn models of frames and bias labels
    report/      tables → figures and the HTML report
    experiment/  a TOML config → a verifiable run folder (the only writer)
    cli/         the ``framing`` command

Folders rather than prefixes (``lexicon_*``, ``run_*``) so a newcomer finds
each stage's room from the tree; the curated names below are the front door
(``import framing as fr``), each stage's own ``__init__`` the next one.
Heavy stages (scikit-learn, matplotlib) load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.2.0"

_EXPORTS = {
    "Document": "framing.records",
    "read_corpus": "framing.corpus",
    "iter_documents": "framing.corpus",
    "Lexicon": "framing.lexicon",
    "load_lexicon": "framing.lexicon",
    "read_lexicon": "framing.lexicon",
    "Matcher": "framing.match",
    "score": "framing.match",
    "hits": "framing.match",
    "kwic": "framing.match",
    "aggregate": "framing.match",
    "term_matrix": "framing.match",
    "CueVectorizer": "framing.classify",
    "FrameClassifier": "framing.classify",
    "load_config": "framing.experiment",
    "run": "framing.experiment",
    "verify": "framing.experiment",
    "reproduce": "framing.experiment",
}
_SUBPACKAGES = ("corpus", "lexicon", "match", "stats", "classify", "report", "experiment", "cli")

__all__ = ["__version__", *sorted(_EXPORTS), *_SUBPACKAGES]


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return import_module(f"framing.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
