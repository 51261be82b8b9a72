"""Lexicon hits against span annotations: token- and span-level precision, recall, F1.

Annotated corpora mark the words that carry bias, propaganda or word
choice: BABE's ``biased_words`` (Spinde et al. 2021), the SemEval-2020
Task 11 propaganda spans (Da San Martino et al. 2020), NewsWCL50's
word-choice mentions (Hamborg et al. 2019).  :func:`evaluate_spans`
measures how well a lexicon's hits find them, per category, with any
number of lexicons (a framing lexicon and plain word-list baselines)
scored on the same documents in one call.

Gold spans
----------
A gold table (:data:`GOLD_COLUMNS`) holds character spans ``[start,
end)`` into the evaluated part of each document, with a ``label``:

* :func:`babe_gold`: BABE gives words, not positions.  Each biased word
  (or phrase) is tokenised like the text (:func:`framing.text.tokenize`)
  and *every* occurrence of its token sequence in the sentence (equal
  folded tokens, consecutive) becomes a gold span, labelled ``biased``;
  a word that does not occur in its sentence is counted, not guessed
  (``unmatched`` in the returned table's ``attrs``).
* :func:`ptc_gold`: the published character offsets, labelled with the
  technique (``None`` for span-only files).
* :func:`newswcl50_gold`: ``mention_start``/``mention_end`` located by
  :func:`framing.corpus.datasets.load_newswcl50_annotations` (pass it the
  articles), labelled with ``code_type``; mentions it could not locate
  (-1) are left out and counted in ``attrs["unmatched"]``.

Matching rules
--------------
Token level
    The documents are tokenised with :func:`framing.text.tokenize` (the
    tokens every count uses).  A token is *gold* when it overlaps a gold
    span by at least one character (``token.start < span.end`` and
    ``span.start < token.end``), and *predicted* for a category when it
    overlaps a hit of that category.  Precision = gold predicted tokens /
    predicted tokens, recall = gold predicted tokens / gold tokens, F1
    their harmonic mean; counts are pooled over documents (micro
    average).
Span level (lenient overlap)
    A hit is a true positive when it overlaps at least one gold span by
    at least one character; a gold span is found when at least one hit
    overlaps it.  Precision = true-positive hits / hits, recall = found
    gold spans / gold spans.  (SemEval-2020 Task 11 gives partial credit
    by overlap length instead; this binary rule is the lenient one.)

Every category is evaluated against *all* gold spans (or those with the
``labels`` given): a lexicon's categories and a dataset's labels are
different vocabularies, so per-category recall is the share of all
annotated material that category finds.  The category ``*`` is the
union of the lexicon's categories.  Hits are those of
:func:`framing.match.hits` with ``voice="all"`` by default (annotators
marked words inside quotations too), negated hits included.  The figures
are descriptive: tokens and spans of one document are not independent,
so no intervals are given.

References
----------
Da San Martino, G., et al. (2020). SemEval-2020 Task 11: Detection of
propaganda techniques in news articles. *SemEval*.

Hamborg, F., Zhukova, A., & Gipp, B. (2019). Automated identification of
media bias by word choice and labeling in news articles. *JCDL*.

Spinde, T., et al. (2021). Neural media bias detection using distant
supervision with BABE. *Findings of EMNLP*.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..check import check_choice, describe
from ..match.matcher import compile_lexicon
from ..match.scoring import hits as find_hits
from ..text import tokenize
from ..vocab import PARTS, VOICES

__all__ = ["GOLD_COLUMNS", "SPAN_EVALUATION_COLUMNS", "ALL_CATEGORIES", "babe_gold", "ptc_gold", "newswcl50_gold",
           "evaluate_spans"]

#: Columns of a gold-span table.
GOLD_COLUMNS: tuple[str, ...] = ("doc_id", "start", "end", "label")
#: Columns of :func:`evaluate_spans`.
SPAN_EVALUATION_COLUMNS: tuple[str, ...] = (
    "lexicon", "category", "level", "n_docs", "n_predicted", "n_gold", "tp_predicted", "tp_gold", "precision",
    "recall", "f1",
)
#: The category name of a lexicon's union of categories.
ALL_CATEGORIES = "*"


def _require(frame: Any, columns: Sequence[str], name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name}: expected a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}")
    return frame


def _gold(rows: list[tuple[str, int, int, Any]], unmatched: int) -> pd.DataFrame:
    gold = pd.DataFrame(rows, columns=list(GOLD_COLUMNS)).astype({"start": "int64", "end": "int64"})
    gold.attrs["unmatched"] = unmatched
    return gold


def babe_gold(babe: pd.DataFrame) -> pd.DataFrame:
    """Gold spans of BABE's ``biased_words`` (see the module docstring).

    Parameters
    ----------
    babe : pandas.DataFrame
        :func:`framing.corpus.datasets.load_babe` output (``doc_id``,
        ``text``, ``biased_words`` lists).

    Returns
    -------
    pandas.DataFrame
        :data:`GOLD_COLUMNS`, label ``"biased"``; ``attrs["unmatched"]``
        counts listed words not found in their sentence.
    """
    _require(babe, ("doc_id", "text", "biased_words"), "babe")
    rows: list[tuple[str, int, int, Any]] = []
    unmatched = 0
    for doc_id, text, words in zip(babe["doc_id"].astype(str), babe["text"], babe["biased_words"]):
        if not isinstance(words, (list, tuple, np.ndarray)):
            raise ValueError(f"babe: biased_words of {doc_id!r}: expected a list of words, got {describe(words)}")
        if not len(words):
            continue
        tokens = tokenize(text if isinstance(text, str) else "")
        norms = [t.norm for t in tokens]
        seen: set[tuple[int, int]] = set()
        for word in words:
            pattern = [t.norm for t in tokenize(str(word))]
            if not pattern:
                unmatched += 1
                continue
            found = False
            for i in range(len(norms) - len(pattern) + 1):
                if norms[i:i + len(pattern)] == pattern:
                    found = True
                    span = (tokens[i].start, tokens[i + len(pattern) - 1].end)
                    if span not in seen:
                        seen.add(span)
                        rows.append((doc_id, span[0], span[1], "biased"))
            unmatched += not found
    return _gold(rows, unmatched)


def ptc_gold(spans: pd.DataFrame) -> pd.DataFrame:
    """Gold spans of PTC (:func:`framing.corpus.datasets.load_ptc_spans`),
    labelled with the technique."""
    _require(spans, ("doc_id", "start", "end", "technique"), "spans")
    rows = [(str(d), int(s), int(e), t) for d, s, e, t in
            zip(spans["doc_id"], spans["start"], spans["end"], spans["technique"])]
    return _gold(rows, 0)


def newswcl50_gold(annotations: pd.DataFrame) -> pd.DataFrame:
    """Gold spans of NewsWCL50 mentions located in their articles
    (:func:`framing.corpus.datasets.load_newswcl50_annotations` with
    ``articles=``), labelled with ``code_type``."""
    _require(annotations, ("doc_id", "code_type", "mention_start", "mention_end"), "annotations")
    located = annotations["mention_start"] >= 0
    rows = [(str(d), int(s), int(e), t) for d, s, e, t in zip(
        annotations.loc[located, "doc_id"], annotations.loc[located, "mention_start"],
        annotations.loc[located, "mention_end"], annotations.loc[located, "code_type"])]
    return _gold(rows, int((~located).sum()))


def _overlaps(a_start: np.ndarray, a_end: np.ndarray, b_start: np.ndarray, b_end: np.ndarray) -> np.ndarray:
    """``[i, j]``: interval ``a_i`` overlaps ``b_j`` by at least one character."""
    return (a_start[:, None] < b_end[None, :]) & (b_start[None, :] < a_end[:, None])


def _prf(tp_predicted: int, n_predicted: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    precision = tp_predicted / n_predicted if n_predicted else np.nan
    recall = tp_gold / n_gold if n_gold else np.nan
    if np.isnan(precision) or np.isnan(recall) or precision + recall == 0:
        f1 = 0.0 if precision == 0 or recall == 0 else np.nan
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def evaluate_spans(corpus: pd.DataFrame, gold: pd.DataFrame, lexicons: Mapping[str, Any], *, part: str = "text",
                   voice: str = "all", labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Token- and span-level precision, recall and F1 of lexicon hits against gold spans.

    Parameters
    ----------
    corpus : pandas.DataFrame
        The annotated documents (``doc_id``, ``outlet`` and the ``part``
        column); every document is evaluated, with or without gold spans.
    gold : pandas.DataFrame
        :data:`GOLD_COLUMNS` (:func:`babe_gold`, :func:`ptc_gold`,
        :func:`newswcl50_gold`), offsets into the ``part`` text.
    lexicons : mapping of str to Lexicon, Matcher, bundled name or path
        The lexicons to evaluate, by the name shown in the table (a
        framing lexicon and word-list baselines,
        :func:`framing.lexicon.wordlist.read_word_list`).
    part : str, default "text"
    voice : {"all", "outlet", "quoted"}, default "all"
        Which hits count (see the module docstring).
    labels : sequence of str, optional
        Only gold spans with these labels count (e.g. PTC's
        ``Loaded_Language``).

    Returns
    -------
    pandas.DataFrame
        :data:`SPAN_EVALUATION_COLUMNS`: per lexicon, its categories in
        lexicon order then ``*``, each at ``level`` ``token`` and ``span``;
        ``tp_predicted``/``tp_gold`` are the true-positive predictions and
        the found gold units (equal at token level).

    Raises
    ------
    ValueError
        For a missing column, gold spans on documents not in the corpus,
        spans outside their text, an empty ``lexicons`` or ``labels``
        that match no gold span.
    """
    check_choice("part", part, PARTS)
    check_choice("voice", voice, VOICES)
    corpus = _require(corpus, ("doc_id", "outlet", part), "corpus")
    gold = _require(gold, GOLD_COLUMNS, "gold")
    if not isinstance(lexicons, Mapping) or not lexicons:
        raise ValueError(f"lexicons: expected a non-empty mapping of name to lexicon, got {describe(lexicons)}")
    if labels is not None:
        wanted = [labels] if isinstance(labels, str) else list(labels)
        present = set(gold["label"].dropna().astype(str))
        unknown = [label for label in wanted if label not in present]
        if unknown:
            raise ValueError(f"labels: {unknown[0]!r} labels no gold span; the labels are "
                             f"{', '.join(sorted(present)) or 'none'}")
        gold = gold[gold["label"].astype(str).isin(wanted)]
    texts = {str(d): (t if isinstance(t, str) else "") for d, t in zip(corpus["doc_id"], corpus[part])}
    doc_ids = list(texts)
    gold_docs = gold["doc_id"].astype(str)
    outside = sorted(set(gold_docs) - set(texts))
    if outside:
        raise ValueError(f"gold: spans on document {outside[0]!r}, which is not in the corpus ({len(outside)} such "
                         "documents)")
    by_doc: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for doc_id, group in gold.assign(doc_id=gold_docs).groupby("doc_id", sort=False):
        starts, ends = group["start"].to_numpy(np.int64), group["end"].to_numpy(np.int64)
        bad = (starts < 0) | (ends <= starts) | (ends > len(texts[doc_id]))
        if bad.any():
            raise ValueError(f"gold: span {int(starts[bad][0])}-{int(ends[bad][0])} of {doc_id!r} is empty or outside "
                             f"its {len(texts[doc_id])}-character {part}")
        by_doc[doc_id] = (starts, ends)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    tokens: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    n_gold_tokens = 0
    n_gold_spans = sum(len(s) for s, _ in by_doc.values())
    for doc_id in doc_ids:
        toks = tokenize(texts[doc_id])
        ts = np.array([t.start for t in toks], np.int64)
        te = np.array([t.end for t in toks], np.int64)
        gs, ge = by_doc.get(doc_id, empty)
        is_gold = _overlaps(ts, te, gs, ge).any(axis=1) if len(gs) else np.zeros(len(ts), bool)
        tokens[doc_id] = (ts, te, is_gold)
        n_gold_tokens += int(is_gold.sum())
    rows = []
    for name, lexicon in lexicons.items():
        matcher = compile_lexicon(lexicon)
        found = find_hits(corpus, matcher, part=part, voice=voice)
        found = found.assign(doc_id=found["doc_id"].astype(str))
        categories = list(matcher.lexicon.category_names)
        for category in [*categories, ALL_CATEGORIES]:
            sub = found if category == ALL_CATEGORIES else found[found["category"] == category]
            spans = sub.drop_duplicates(["doc_id", "start", "end"])
            n_pred_tokens = tp_tokens = n_pred_spans = tp_spans = 0
            found_gold: int = 0
            for doc_id, group in spans.groupby("doc_id", sort=False):
                hs, he = group["start"].to_numpy(np.int64), group["end"].to_numpy(np.int64)
                ts, te, is_gold = tokens[doc_id]
                predicted = _overlaps(ts, te, hs, he).any(axis=1)
                n_pred_tokens += int(predicted.sum())
                tp_tokens += int((predicted & is_gold).sum())
                gs, ge = by_doc.get(doc_id, empty)
                n_pred_spans += len(hs)
                if len(gs):
                    hit_gold = _overlaps(hs, he, gs, ge)
                    tp_spans += int(hit_gold.any(axis=1).sum())
                    found_gold += int(hit_gold.any(axis=0).sum())
            for level, n_pred, tp_pred, tp_gold, n_gold in (
                    ("token", n_pred_tokens, tp_tokens, tp_tokens, n_gold_tokens),
                    ("span", n_pred_spans, tp_spans, found_gold, n_gold_spans)):
                precision, recall, f1 = _prf(tp_pred, n_pred, tp_gold, n_gold)
                rows.append({"lexicon": name, "category": category, "level": level, "n_docs": len(doc_ids),
                             "n_predicted": n_pred, "n_gold": n_gold, "tp_predicted": tp_pred, "tp_gold": tp_gold,
                             "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows, columns=list(SPAN_EVALUATION_COLUMNS))
