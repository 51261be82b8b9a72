"""Lexicon validation for a run and for ``framing lexicon sample|validate|evaluate``.

The one wiring of the validation workflow that the experiment stage
(:meth:`framing.experiment.stages.Stages.validation`, a ``[[validation]]``
entry) and the command line (:mod:`framing.cli.lexicon`) share, so that
both draw the same sample, compute the same tables and read the same span
annotations with the same options and defaults
(:data:`framing.vocab.DEFAULTS`):

* :func:`draw_sample` — a coding sheet from a lexicon's hits
  (:func:`framing.lexicon.validate.sample_hits` or
  :func:`~framing.lexicon.validate.sample_sentences`);
* :func:`validation_tables` — precision, agreement, disagreements and
  recall from coded sheets (:func:`framing.stats.validation.validate_sheets`);
* :func:`span_data` and :func:`span_lexicons` — a span-annotated
  dataset's documents and gold spans, and the lexicons (with plain word
  lists as baselines) that :func:`framing.stats.spans.evaluate_spans`
  scores against them.

Nothing here writes a file.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from ..vocab import DEFAULTS, SPAN_DATASETS

__all__ = ["VALIDATION_TABLES", "draw_sample", "span_data", "span_lexicons", "validation_tables"]

#: The tables of a ``[[validation]]`` entry, by name: the run writes
#: ``tables/validation-<name>-<table>.csv`` for those it computed.
VALIDATION_TABLES: tuple[str, ...] = ("precision", "alpha", "disagreements", "recall", "spans")


def draw_sample(hits: pd.DataFrame, corpus: pd.DataFrame, *, categories: Sequence[str], unit: str = "hit",
                per_category: int | None = None, per_entry: int | None = None, by: str | None = None,
                part: str = str(DEFAULTS["part"]), width: int = int(DEFAULTS["validation_width"]),
                random_state: int | None = 0) -> pd.DataFrame:
    """A coding sheet: a stratified random sample of ``hits`` (``unit="hit"``)
    or of the sentences with and without hits (``unit="sentence"``).

    ``per_category`` defaults to ``DEFAULTS["validation_per_category"]``
    (50) when neither it nor ``per_entry`` is given; sentences are drawn
    per category only.

    Raises
    ------
    ValueError
        For ``per_entry`` with ``unit="sentence"``, an unknown unit, and
        whatever the samplers reject.
    """
    from ..check import check_choice
    from ..lexicon.validate import sample_hits, sample_sentences

    unit = check_choice("unit", unit, ("hit", "sentence"))
    if unit == "sentence" and per_entry is not None:
        raise ValueError("per_entry: sentences are sampled per category; give per_category with unit = 'sentence'")
    if per_category is None and per_entry is None:
        per_category = int(DEFAULTS["validation_per_category"])
    if unit == "hit":
        return sample_hits(hits, corpus, per_category=per_category, per_entry=per_entry, by=by, part=part,
                           width=width, random_state=random_state)
    return sample_sentences(hits, corpus, categories=list(categories), per_category=per_category, by=by, part=part,
                            width=width, random_state=random_state)


def validation_tables(sheets: Sequence[pd.DataFrame], *, confidence: float = float(DEFAULTS["confidence"]),
                      prune_below: float = float(DEFAULTS["validation_prune_below"]),
                      n_resamples: int = int(DEFAULTS["n_resamples"]), random_state: int | None = 0):
    """:func:`framing.stats.validation.validate_sheets` with the shared
    defaults; returns its :class:`~framing.stats.validation.Validation`."""
    from ..stats.validation import validate_sheets

    return validate_sheets(sheets, confidence=confidence, prune_below=prune_below, n_resamples=n_resamples,
                           random_state=random_state)


def span_data(dataset: str, path: str | os.PathLike[str], annotations: str | os.PathLike[str] | None = None, *,
              annotations_name: str = "annotations", dataset_text: str | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A span-annotated dataset's documents and its gold spans
    (:data:`framing.stats.spans.GOLD_COLUMNS`).

    Parameters
    ----------
    dataset : {"babe", "ptc", "newswcl50"}
        The layout (:data:`framing.vocab.SPAN_DATASETS`).
    path : path
        BABE's CSV, PTC's articles folder or NewsWCL50's articles folder.
    annotations : path, optional
        The span file: PTC's ``.labels`` file or folder, NewsWCL50's
        ``Annotations.csv``; BABE's biased words are in its CSV (none).
    annotations_name, dataset_text : str
        How errors name the annotations and the dataset (the command line
        passes ``"--spans"`` and ``"--format ptc"``).

    Raises
    ------
    ValueError
        An annotation file given for BABE or missing for PTC and
        NewsWCL50, naming ``annotations_name``.
    """
    from ..check import check_choice
    from ..corpus.datasets import load_babe, load_newswcl50, load_newswcl50_annotations, load_ptc_articles, \
        load_ptc_spans
    from ..stats.spans import babe_gold, newswcl50_gold, ptc_gold

    dataset = check_choice("dataset", dataset, SPAN_DATASETS)
    described = dataset_text or f"dataset {dataset!r}"
    if dataset == "babe":
        if annotations is not None:
            raise ValueError(f"{annotations_name}: BABE's biased words are in the corpus file itself; leave "
                             f"{annotations_name} out")
        corpus = load_babe(path)
        return corpus, babe_gold(corpus)
    if annotations is None:
        raise ValueError(f"{annotations_name}: {described} needs the annotation file (PTC: the .labels file or "
                         "folder; NewsWCL50: Annotations.csv)")
    if dataset == "ptc":
        corpus = load_ptc_articles(path)
        return corpus, ptc_gold(load_ptc_spans(annotations, articles=corpus))
    corpus = load_newswcl50(path)
    return corpus, newswcl50_gold(load_newswcl50_annotations(annotations, articles=corpus))


def span_lexicons(lexicons: Mapping[str, Any], baselines: Sequence[str | os.PathLike[str]] = (), *,
                  baselines_name: str = "baselines", report: Callable[[str], None] | None = None) -> dict[str, Any]:
    """The lexicons a span evaluation scores: ``lexicons`` (name -> lexicon
    or matcher) then each word list in ``baselines`` as the one-category
    lexicon ``"baseline:<file stem>"`` (:func:`framing.lexicon.wordlist.read_word_list`,
    bad lines skipped and reported through ``report``).

    Raises
    ------
    ValueError
        When two baselines (or a baseline and a lexicon) share a name,
        naming ``baselines_name`` and the file.
    """
    from ..lexicon.wordlist import read_word_list

    out = dict(lexicons)
    for path in baselines:
        words = read_word_list(path, on_error="warn")
        if words.warnings and report is not None:
            report(f"baseline {os.fspath(path)}: {len(words.warnings)} line(s) skipped or repaired; first: "
                   f"{words.warnings[0]}")
        name = f"baseline:{words.name}"
        if name in out:
            raise ValueError(f"{baselines_name} {os.fspath(path)}: a baseline named {words.name!r} is already given; "
                             "rename the file")
        out[name] = words
    return out
