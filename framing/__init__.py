"""framing: measure and compare how news outlets frame events.

Stages, lowest first (each imports only those before it):
``records`` → ``text``/``quotes`` → ``rawtext``/``corpus`` → ``lexicon``/``lexicon_io``
→ ``match`` → ``scoring`` → ``vectorize`` → ``cli``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Document": "records",
    "Hit": "records",
    "read_corpus": "corpus",
    "iter_documents": "corpus",
    "Lexicon": "lexicon",
    "read_lexicon": "lexicon_io",
    "load_lexicon": "lexicon_io",
    "Matcher": "match",
    "score": "scoring",
    "hits": "scoring",
    "kwic": "scoring",
    "aggregate": "scoring",
    "CueVectorizer": "vectorize",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'framing' has no attribute {name!r}")
    return getattr(import_module(f"framing.{module}"), name)
