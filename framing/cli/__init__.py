"""The ``framing`` command: one module per command family.

* :mod:`.app` — the parser, ``score``, ``hits``, ``kwic``, ``lexicon``.
* :mod:`.stats` — ``compare`` and ``keyness``.
* :mod:`.classify` — ``classify train|predict|evaluate|explain``.
* :mod:`.run` — ``run``, ``verify``, ``reproduce``.
* :mod:`.common` — options and helpers the families share.
"""

from __future__ import annotations

from .app import build_parser, main

__all__ = ["build_parser", "main"]
