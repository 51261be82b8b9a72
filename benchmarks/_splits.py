"""Held-out splits for validating the bundled lexicons (issue 11).

The rules were fixed *before* any dataset was looked at while revising the
bundled lexicons, and they never change: a lexicon entry may be written,
kept or pruned by looking at **dev** parts only.  **test** parts are only
ever scored as aggregates by ``bench_lexicon_validity.py`` (no text, no
hit is printed), and the AllSides **coding** split is reserved for the
precision-in-context coding of issue 11 and is not read at all while
writing entries.

Every assignment is a pure function of a stable key, so it is the same
on every machine and under any ``PYTHONHASHSEED``::

    h(key) = int(sha256(("framing-lexrev-2026:" + key).encode("utf-8")).hexdigest()[:16], 16) / 2**64

Rules
-----
BABE (sentences)
    Key: the article link (``url``, from ``news_link``) when it is not
    empty, else the sentence text.  Grouping by article keeps sentences
    of one article on one side.  ``dev`` if ``h(key) < 0.5`` else
    ``test``.
PTC (SemEval-2020 Task 11 training articles)
    Key: the article ``doc_id`` (``article<ID>``).  ``dev`` if
    ``h(key) < 0.5`` else ``test``.
NewsWCL50 (10 events x 5 outlets)
    Split by event, so that one story never sits on both sides: the ten
    events ``event_<e>`` are sorted by ``h("event_<e>")`` and the first
    half (5 events) is ``dev``, the rest ``test``.
AllSides / ABP (Baly et al. 2020, media split)
    The ``valid`` part of the media-based split (sources not in
    ``train``) is the **coding** split: it is never read while entries
    are written, and the precision-in-context sample is drawn from it.
    The ``train`` part may be used as ``dev`` (unlabelled reading).
"""

from __future__ import annotations

import hashlib

import pandas as pd

SALT = "framing-lexrev-2026"
SPLITS = ("dev", "test")

__all__ = ["SALT", "SPLITS", "abp_split", "babe_split", "hash_unit", "newswcl50_split", "ptc_split"]


def hash_unit(key: str) -> float:
    """The key's position in [0, 1): the first 64 bits of SHA-256 of ``SALT:key``."""
    digest = hashlib.sha256(f"{SALT}:{key}".encode()).hexdigest()
    return int(digest[:16], 16) / 2.0 ** 64


def _half(keys) -> pd.Series:
    return pd.Series(["dev" if hash_unit(str(k)) < 0.5 else "test" for k in keys], dtype=object)


def babe_split(babe: pd.DataFrame) -> pd.Series:
    """``dev``/``test`` per BABE sentence (:func:`framing.corpus.datasets.load_babe` rows)."""
    keys = [u if isinstance(u, str) and u.strip() else f"text:{t}" for u, t in zip(babe["url"], babe["text"])]
    return _half(keys).set_axis(babe.index)


def ptc_split(articles: pd.DataFrame) -> pd.Series:
    """``dev``/``test`` per PTC article (by ``doc_id``)."""
    return _half(articles["doc_id"].astype(str)).set_axis(articles.index)


def newswcl50_split(articles: pd.DataFrame) -> pd.Series:
    """``dev``/``test`` per NewsWCL50 article: half of the events each, chosen by hash."""
    events = sorted({int(e) for e in articles["event_id"]}, key=lambda e: (hash_unit(f"event_{e}"), e))
    dev = set(events[: len(events) // 2])
    return pd.Series(["dev" if int(e) in dev else "test" for e in articles["event_id"]], index=articles.index,
                     dtype=object)


def abp_split(abp: pd.DataFrame) -> pd.Series:
    """``coding`` for the media split's ``valid`` articles, ``dev`` for ``train``, else ``unused``."""
    return pd.Series(["coding" if s == "valid" else "dev" if s == "train" else "unused" for s in abp["split"]],
                     index=abp.index, dtype=object)
