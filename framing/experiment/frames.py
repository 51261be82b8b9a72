"""Multi-label ``[[classifiers]]`` entries (``labels = [...]``): frames.

For an entry with several 0/1 frame columns the runner computes, with the
entry's seed:

``summary``, ``predictions``, ``thresholds``, ``reliability``
    :func:`framing.classify.multilabel.cross_validate_frames` on the
    entry's folds (``folds`` column, else ``cv``/``n_splits``), one
    :class:`~framing.classify.FrameClassifier` per frame with per-frame
    thresholds chosen inside each training fold.
``prevalence``
    for each ``prevalence_by`` column and frame, the share of documents
    with the frame per group, corrected for classifier error
    (:func:`framing.stats.prevalence.corrected_prevalence`): the
    out-of-fold predictions are the classified documents and, with the
    gold labels, the validation table of error rates, so the interval
    carries both the sampling of documents (or of ``prevalence_cluster``
    units) and the classifier's uncertainty.  The gold share is given
    beside it (``true_share``; available here because every document is
    hand-coded, which is what lets a reader check the correction).
``agreement``
    with ``annotations``: Krippendorff's alpha (nominal) among the human
    coders per frame (units: document × question) and per question
    (units: documents), and the model's agreement with the gold labels per
    frame (alpha between the two "coders" gold and predicted), each with a
    bootstrap CI (:func:`framing.stats.agreement.alpha_table`).
``evidence``
    the sentences that support each frame in the ``evidence`` documents
    with the highest out-of-fold score for it that carry the frame, from
    models fitted on all documents (:func:`~framing.classify.multilabel.
    frame_evidence`); with ``select``, from the pipeline chosen by inner
    CV on all documents (:func:`~framing.classify.multilabel.fit_frames`
    ``select=``), named in the table's ``variant`` column.
``selection``
    with ``select``: every variant's inner-CV macro-F1 per outer fold and
    the one chosen (``SELECTION_COLUMNS``), then (when ``evidence`` > 0)
    the choice on all documents that fitted the evidence model (``fold =
    "(all)"``); empty without ``select``.

Table schemas: those of the functions named, with a leading ``frame``
column where a function is called once per frame (``prevalence``), and
:data:`AGREEMENT_COLUMNS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .config import ClassifierConfig

__all__ = ["FRAME_TABLES", "AGREEMENT_COLUMNS", "evaluate_frames", "frames_model", "read_annotations"]

#: Tables of a multi-label entry, in order (key, file suffix).
FRAME_TABLES: tuple[tuple[str, str], ...] = (
    ("summary", "summary"),
    ("thresholds", "thresholds"),
    ("selection", "selection"),
    ("prevalence", "prevalence"),
    ("agreement", "agreement"),
    ("evidence", "evidence"),
    ("reliability", "reliability"),
    ("predictions", "predictions"),
)
AGREEMENT_COLUMNS = ("frame", "question", "coders", "level", "alpha", "ci_low", "ci_high", "confidence",
                     "n_resamples", "n_units", "n_units_dropped", "n_coders", "n_pairable", "ci_method", "note")
#: Fixed resampling of the derived tables (the report's intervals).
_RESAMPLES = 1999
_ALL = "(all)"


def frames_model(entry: ClassifierConfig, lexicon: Any, random_state: int):
    """The :class:`~framing.classify.FrameClassifier` an entry describes."""
    from ..classify.model import FrameClassifier

    C = entry.C[0] if len(entry.C) == 1 else tuple(entry.C)
    return FrameClassifier(kind=entry.model, C=C, cues=lexicon if entry.cues else None,
                           word_ngrams=(1, entry.ngram_max), char_ngrams=(2, 5) if entry.char else None,
                           min_df=entry.min_df, max_features=entry.max_features, embeddings=entry.embeddings,
                           embedding_pooling=entry.embedding_pooling, random_state=random_state)


def read_annotations(path: Path) -> pd.DataFrame:
    """Every coder's answers as ``doc_id, frame, question, coder, value``.

    A ``.json`` file is read as the Narrative Frames ``full_annotations.json``
    (:func:`framing.corpus.datasets.load_narrative_annotations`, the
    questions verified for the frames); a ``.csv``/``.tsv`` file must have
    the columns ``doc_id``, ``frame``, ``coder`` and ``value`` (0/1), and
    may have ``question``.
    """
    from ..corpus.datasets import load_narrative_annotations

    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".json":
        long = load_narrative_annotations(path)
    elif path.suffix.lower() in (".csv", ".tsv"):
        long = pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", dtype={"doc_id": str})
        missing = [c for c in ("doc_id", "frame", "coder", "value") if c not in long.columns]
        if missing:
            raise ValueError(f"annotations {path}: missing column(s) {', '.join(missing)}; expected doc_id, frame, "
                             "coder, value (and optionally question)")
        if "question" not in long.columns:
            long["question"] = long["frame"]
    else:
        raise ValueError(f"annotations {path}: expected a .json (Narrative Frames) or a .csv/.tsv long table")
    long = long.dropna(subset=["frame", "value"])
    return long[["doc_id", "frame", "question", "coder", "value"]].reset_index(drop=True)


def _alpha_rows(long: pd.DataFrame, unit: list[str], *, frame: str, question: str, coders: str,
                random_state: int) -> dict[str, Any]:
    from ..stats.agreement import alpha_table, reliability_table

    units = long.assign(_unit=long[unit].astype(str).agg("|".join, axis=1))
    wide = reliability_table(units, unit="_unit", coder="coder", value="value")
    row = alpha_table(wide, level="nominal", n_resamples=_RESAMPLES, random_state=random_state).iloc[0].to_dict()
    return {"frame": frame, "question": question, "coders": coders, **row}


def _agreement(entry: ClassifierConfig, predictions: pd.DataFrame, random_state: int) -> pd.DataFrame:
    import warnings

    from ..stats import StatsWarning

    rows = []
    long = read_annotations(entry.annotations) if entry.annotations is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)  # undefined alphas carry their reason in `note`
        for frame in entry.labels:
            if long is not None:
                mine = long[long["frame"] == frame]
                if not mine.empty:
                    rows.append(_alpha_rows(mine, ["doc_id", "question"], frame=frame, question=_ALL,
                                            coders="annotators", random_state=random_state))
                    for question in sorted(mine["question"].unique()):
                        rows.append(_alpha_rows(mine[mine["question"] == question], ["doc_id"], frame=frame,
                                                question=question, coders="annotators", random_state=random_state))
            rows_frame = predictions[(predictions["frame"] == frame) & predictions["true"].notna()]
            model = pd.concat([
                pd.DataFrame({"doc_id": rows_frame["doc_id"], "coder": "gold", "value": rows_frame["true"].astype(int)}),
                pd.DataFrame({"doc_id": rows_frame["doc_id"], "coder": "model", "value": rows_frame["predicted"]}),
            ], ignore_index=True)
            rows.append(_alpha_rows(model, ["doc_id"], frame=frame, question=_ALL, coders="model vs gold",
                                    random_state=random_state))
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def _prevalence(entry: ClassifierConfig, frame: pd.DataFrame, predictions: pd.DataFrame,
                random_state: int) -> pd.DataFrame:
    import warnings

    from ..stats import StatsWarning
    from ..stats.prevalence import PREVALENCE_COLUMNS, corrected_prevalence

    columns = ["frame", *PREVALENCE_COLUMNS, "true_share"]
    parts = []
    meta_columns = sorted({*entry.prevalence_by, *([entry.prevalence_cluster] if entry.prevalence_cluster else [])})
    for name in meta_columns:
        if name not in frame.columns:
            raise ValueError(f"prevalence: no column {name!r} in the corpus; columns: "
                             f"{', '.join(map(str, frame.columns))}")
    meta = frame[["doc_id", *meta_columns]].astype({"doc_id": str})
    for label in entry.labels:
        rows = predictions[(predictions["frame"] == label) & predictions["true"].notna()]
        docs = rows[["doc_id", "predicted", "true"]].merge(meta, on="doc_id", how="left")
        docs = docs.rename(columns={"true": "truth"}).astype({"truth": int})
        for by in entry.prevalence_by:
            cluster = entry.prevalence_cluster if entry.prevalence_cluster and entry.prevalence_cluster != by else None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", StatsWarning)  # the table's note says why a replicate was left out
                table = corrected_prevalence(docs, docs, by=by, cluster=cluster, n_resamples=_RESAMPLES,
                                             random_state=random_state)
            if cluster:  # the gold share in the same units: the mean of the clusters' shares
                per_cluster = docs.groupby([by, cluster], sort=True)["truth"].mean().reset_index()
                truth = per_cluster.groupby(by, sort=True)["truth"].mean()
            else:
                truth = docs.groupby(by, sort=True)["truth"].mean()
            truth.index = truth.index.astype(str)
            table.insert(0, "frame", label)
            table["true_share"] = table["group"].astype(str).map(truth).to_numpy()
            parts.append(table)
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def _evidence(entry: ClassifierConfig, frame: pd.DataFrame, predictions: pd.DataFrame, model: Any,
              random_state: int, *, variants: Any = None, auxiliary: Any = None,
              chosen: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    from ..classify.multilabel import EVIDENCE_COLUMNS, fit_frames, frame_evidence

    columns = [*EVIDENCE_COLUMNS, "variant"]
    chosen = [] if chosen is None else chosen  # receives the selection on all documents (select only)
    if entry.evidence == 0:
        return pd.DataFrame(columns=columns)
    # the evidence ranks sentences by score alone (only_predicted=False), so no threshold is needed: no inner CV
    # for the independent models; with select, the inner CV that chooses the pipeline on all documents
    models = fit_frames(frame, list(entry.labels), model=model, threshold="fixed" if variants is None else
                        entry.threshold, select=variants, auxiliary=auxiliary, random_state=random_state)
    variant = {label: getattr(fitted, "variant", "independent") for label, (fitted, _) in models.items()}
    if variants is not None:
        chosen.append(next(iter(models.values()))[0].selection)
    parts = []
    for label in entry.labels:
        rows = predictions[(predictions["frame"] == label) & (predictions["true"] == 1)]
        rows = rows.sort_values(["score", "doc_id"], ascending=[False, True], kind="mergesort").head(entry.evidence)
        docs = frame[frame["doc_id"].astype(str).isin(set(rows["doc_id"]))]
        found = frame_evidence({label: models[label]}, docs, top=2, only_predicted=False)
        order = {doc: i for i, doc in enumerate(rows["doc_id"])}
        found = found.assign(_o=found["doc_id"].map(order)).sort_values(["_o", "rank"], kind="mergesort")
        parts.append(found.drop(columns="_o").assign(variant=variant[label]))
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def evaluate_frames(entry: ClassifierConfig, frame: pd.DataFrame, *, lexicon: Any,
                    random_state: int) -> dict[str, pd.DataFrame]:
    """Every table of a multi-label entry (:data:`FRAME_TABLES`), range-indexed."""
    from ..classify.multilabel import auxiliary_targets, cross_validate_frames, selection_variants

    model = frames_model(entry, lexicon, random_state)
    auxiliary = None
    if entry.auxiliary == "questions":  # the config requires annotations with it
        auxiliary = auxiliary_targets(read_annotations(entry.annotations), target="question")
    variants = (None if entry.select is None else
                selection_variants(entry.select, auxiliary=auxiliary is not None))
    evaluation = cross_validate_frames(frame, list(entry.labels), model=model, folds=entry.folds,
                                       groups=entry.groups if entry.cv == "group" and not entry.folds else None,
                                       n_splits=entry.n_splits, threshold=entry.threshold, combine=entry.combine,
                                       auxiliary=auxiliary, select=variants, random_state=random_state)
    predictions = evaluation.predictions
    chosen: list[pd.DataFrame] = []
    evidence = _evidence(entry, frame, predictions, model, random_state, variants=variants, auxiliary=auxiliary,
                         chosen=chosen)
    tables = {
        "summary": evaluation.summary,
        "thresholds": evaluation.thresholds,
        "selection": (pd.concat([evaluation.selection, *chosen], ignore_index=True) if chosen
                      else evaluation.selection).astype({"fold": str}),
        "prevalence": _prevalence(entry, frame, predictions, random_state),
        "agreement": _agreement(entry, predictions, random_state),
        "evidence": evidence,
        "reliability": evaluation.reliability,
        "predictions": predictions,
    }
    return {name: table.reset_index(drop=True) for name, table in tables.items()}
