"""Duplicate detection: exact (normalised text hash) and near (MinHash).

Exact duplicates share :func:`text_hash`: the SHA-256 of the text folded
with :func:`framing.text.fold`, white space collapsed.  Near duplicates
are found with MinHash over word shingles and banded locality-sensitive
hashing (Broder 1997; Leskovec, Rajaraman & Ullman, *Mining of Massive
Datasets*, ch. 3), then confirmed with the exact Jaccard similarity.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import Any

import numpy as np
import pandas as pd

from ..check import check_int, check_number
from ..seeds import rng as seeded_rng
from ..text import fold, token_norms

__all__ = ["find_duplicates", "find_near_duplicates", "text_hash"]


def text_hash(text: str) -> str:
    """SHA-256 hex digest of ``text`` folded (:func:`framing.text.fold`)
    with runs of white space collapsed to one space and ends stripped."""
    return hashlib.sha256(" ".join(fold(text).split()).encode("utf-8")).hexdigest()



def _corpus_frame(frame: Any, name: str) -> pd.DataFrame:
    inner = getattr(frame, "frame", None)
    if isinstance(inner, pd.DataFrame):
        frame = inner
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} needs a DataFrame or a Corpus, got {type(frame).__name__}")
    missing = [c for c in ("doc_id", "outlet", "text") if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: the frame has no column(s) {', '.join(map(repr, missing))}; columns: "
                         f"{', '.join(map(str, frame.columns))}")
    for row, text in enumerate(frame["text"].tolist()):
        if not isinstance(text, str):
            raise TypeError(f"{name}: row {row}: text must be a str, got {type(text).__name__}")
    return frame


def find_duplicates(frame: Any) -> pd.DataFrame:
    """List groups of documents with exactly the same normalised text.

    Parameters
    ----------
    frame : DataFrame or Corpus
        With ``doc_id``, ``outlet`` and ``text`` columns.

    Returns
    -------
    DataFrame
        Columns ``group, doc_id, outlet, text_hash`` (:func:`text_hash`),
        one row per document in a group of two or more; groups are
        numbered from 0 in the order of their first document, rows keep
        frame order within a group.
    """
    frame = _corpus_frame(frame, "find_duplicates")
    hashes = [text_hash(t) for t in frame["text"].tolist()]
    members: dict[str, list[int]] = {}
    for row, digest in enumerate(hashes):
        members.setdefault(digest, []).append(row)
    ids, outlets = frame["doc_id"].tolist(), frame["outlet"].tolist()
    out = [
        (group, str(ids[row]), outlets[row], digest)
        for group, (digest, rows) in enumerate((d, r) for d, r in members.items() if len(r) > 1)
        for row in rows
    ]
    return pd.DataFrame(out, columns=["group", "doc_id", "outlet", "text_hash"])


_PRIME = (1 << 31) - 1


def _shingles(text: str, size: int) -> set[str]:
    words = token_norms(text)
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def _rows_per_band(num_perm: int, threshold: float) -> int:
    """Largest band width r (dividing num_perm) whose LSH S-curve still
    makes a pair of Jaccard ``threshold`` a candidate with probability
    >= 0.99."""
    best = 1
    for rows in range(1, num_perm + 1):
        if num_perm % rows == 0 and 1 - (1 - threshold**rows) ** (num_perm // rows) >= 0.99:
            best = rows
    return best


def find_near_duplicates(frame: Any, *, threshold: float = 0.9, shingle: int = 5, num_perm: int = 128,
                         random_state: int | None = 0) -> pd.DataFrame:
    """Find pairs of near-duplicate documents with MinHash.

    Each text is folded and tokenised (:mod:`framing.text` rules) and cut
    into word ``shingle``-grams (a text with fewer words is one shingle;
    an empty one has none and is never paired).  Shingles are hashed with
    CRC-32 and ``num_perm`` hash functions ``(a x + b) mod (2^31 - 1)``
    with ``a, b`` drawn from ``framing.seeds.rng(random_state, "minhash")`` give
    the signature.  Candidate pairs come from LSH banding (the widest band
    that still catches a pair at ``threshold`` with probability 0.99);
    the estimated Jaccard is the share of equal signature values.

    Parameters
    ----------
    frame : DataFrame or Corpus
    threshold : float in (0, 1]
        Minimum estimated Jaccard similarity of a reported pair.
    shingle : int >= 1
        Words per shingle.
    num_perm : int >= 1
        Number of hash functions.
    random_state : int or None
        Seed of the hash functions (None: fresh entropy, so the pairs
        found near ``threshold`` may differ between calls).

    Returns
    -------
    DataFrame
        Columns ``doc_id_a, doc_id_b, outlet_a, outlet_b,
        estimated_jaccard, jaccard`` (``jaccard`` is exact, on the shingle
        sets); ``a`` precedes ``b`` in the frame; sorted by ``jaccard``
        then ``estimated_jaccard`` (both descending), then frame order.
    """
    frame = _corpus_frame(frame, "find_near_duplicates")
    threshold = check_number("threshold", threshold, low=0.0, high=1.0, low_open=True)
    shingle = check_int("shingle", shingle, low=1)
    num_perm = check_int("num_perm", num_perm, low=1)
    rng = seeded_rng(random_state, "minhash")
    a = rng.integers(1, _PRIME, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=num_perm, dtype=np.uint64)
    texts = frame["text"].tolist()
    signatures: dict[int, np.ndarray] = {}
    for row, text in enumerate(texts):
        shingles = _shingles(text, shingle)
        if shingles:
            x = np.fromiter((zlib.crc32(s.encode("utf-8")) % _PRIME for s in shingles), dtype=np.uint64, count=len(shingles))
            signatures[row] = ((a[:, None] * x[None, :] + b[:, None]) % _PRIME).min(axis=1)
    rows = _rows_per_band(num_perm, float(threshold))
    pairs: set[tuple[int, int]] = set()
    for band in range(num_perm // rows):
        buckets: dict[bytes, list[int]] = {}
        for row, sig in signatures.items():
            buckets.setdefault(sig[band * rows:(band + 1) * rows].tobytes(), []).append(row)
        for members in buckets.values():
            pairs.update((members[i], members[j]) for i in range(len(members)) for j in range(i + 1, len(members)))
    ids, outlets = frame["doc_id"].tolist(), frame["outlet"].tolist()
    out = []
    for i, j in sorted(pairs):
        estimate = float(np.mean(signatures[i] == signatures[j]))
        if estimate >= threshold:
            si, sj = _shingles(texts[i], shingle), _shingles(texts[j], shingle)
            exact = len(si & sj) / len(si | sj)
            out.append((i, j, str(ids[i]), str(ids[j]), outlets[i], outlets[j], estimate, exact))
    out.sort(key=lambda r: (-r[7], -r[6], r[0], r[1]))
    return pd.DataFrame([r[2:] for r in out],
                        columns=["doc_id_a", "doc_id_b", "outlet_a", "outlet_b", "estimated_jaccard", "jaccard"])
