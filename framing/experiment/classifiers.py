"""``[[classifiers]]`` entries of a run: cross-validated evaluation.

Each entry is evaluated with :func:`framing.classify.evaluate.evaluate_frame`
on the run's corpus (after its de-duplication and filters) or on the
entry's own ``data`` file (read with the run's ``[corpus]`` reader
options), with the entry's seed.  The tables are written as
``tables/<id>-<summary|per-class|confusion|predictions|folds>.csv`` and, for
binary labels, a reliability (calibration) figure is drawn from the
out-of-fold predictions.  Results are cached by the data's content key,
the entry's options, the lexicon's hash and the seed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import ClassifierConfig
from .store import StageCache

__all__ = ["CLASSIFIER_TABLES", "classifier_section", "classifier_tables"]

#: Tables of one classifier entry, in order (attribute of the evaluation, file suffix).
CLASSIFIER_TABLES: tuple[tuple[str, str], ...] = (
    ("summary", "summary"),
    ("per_class", "per-class"),
    ("confusion", "confusion"),
    ("predictions", "predictions"),
    ("folds", "folds"),
)


def _data(stages: Any, entry: ClassifierConfig) -> tuple[pd.DataFrame, str]:
    if entry.data is None:
        corpus = stages.corpus()
        return corpus.frame, corpus.key
    from ..corpus.readers import read_corpus

    index = next(i for i, c in enumerate(stages.config.classifiers) if c.id == entry.id)
    c = stages.config.corpus
    digest = stages.plan.inputs[f"classifiers[{index}].data"]["sha256"]
    key = StageCache.key(stage="classifier-data", input=digest, options={
        "format": c.format, "fields": dict(c.fields), "on_error": c.on_error, "encoding": c.encoding,
        "fallback_encoding": c.fallback_encoding})

    def read() -> pd.DataFrame:
        return read_corpus(entry.data, format=None if c.format == "auto" else c.format, fields=dict(c.fields) or None,
                           on_error=c.on_error, encoding=c.encoding,
                           fallback_encoding=c.fallback_encoding or None).frame

    return stages._cached_frame("classifier-data", key, read), key


def classifier_tables(stages: Any, entry: ClassifierConfig) -> dict[str, pd.DataFrame]:
    """Evaluate one entry (cached); return its tables by attribute name."""
    from ..classify.evaluate import evaluate_frame
    from .stages import StageError

    frame, data_key = _data(stages, entry)
    seed = stages._seed("classifiers", entry.id)
    options = next(c for c in stages.config.to_dict()["classifiers"] if c["id"] == entry.id)
    lexicon_hash = stages.plan.lexicons[entry.lexicon]["sha256"]
    keys = {name: StageCache.key(stage="classifier", table=name, data=data_key, options=options, seed=seed,
                                 lexicon=lexicon_hash) for name, _ in CLASSIFIER_TABLES}
    out = {name: stages.cache.get_frame("classifier", keys[name]) for name, _ in CLASSIFIER_TABLES}
    if any(v is None for v in out.values()):
        try:
            evaluation = evaluate_frame(frame, label=entry.label, model=entry.model, cv=entry.cv, groups=entry.groups,
                                        n_splits=entry.n_splits, C=list(entry.C),
                                        lexicon=stages.lexicon(entry.lexicon), random_state=seed)
        except ValueError as exc:
            raise StageError(f"{stages._where('classifiers', entry.id)}: {exc}") from exc
        for name, _ in CLASSIFIER_TABLES:
            out[name] = getattr(evaluation, name).reset_index(drop=True)
            stages.cache.put_frame("classifier", keys[name], out[name])
    for name, suffix in CLASSIFIER_TABLES:
        stages.tables[f"{entry.id}-{suffix}"] = out[name]
    stages.log(f"classifier {entry.id}: {len(out['predictions'])} out-of-fold predictions")
    return out


def _binary_predictions(predictions: pd.DataFrame) -> pd.DataFrame | None:
    """The out-of-fold predictions of a binary task (``y_true`` is 0/1 for
    "the true label is ``scored_class``", ``score`` its probability), else
    None: a multi-class table scores the predicted class, a top-label
    confidence that is not a reliability curve of one class."""
    if predictions["true"].nunique() != 2 or predictions["scored_class"].nunique() != 1:
        return None
    return predictions


def classifier_section(w: Any, entry: ClassifierConfig):
    """The report section of one classifier entry (writes its files)."""
    from ..report.figures import plot_reliability
    from ..report.html import Section, TextBlock
    from .outputs import _new_figure, _present, _slug

    tables = classifier_tables(w.stages, entry)
    design = (f"grouped by {entry.groups} (GroupKFold: test {entry.groups}s unseen in training)"
              if entry.cv == "group" else "stratified")
    blocks: list[Any] = [TextBlock(title="Design", text=(
        f"Label: {entry.label}; model: {entry.model}; {entry.n_splits}-fold {design} cross-validation; "
        f"C chosen inside each training fold from {list(entry.C)}; cue features: {entry.lexicon}. "
        "Metrics with 95% bootstrap CIs over documents."))]
    titles = {"summary": "Cross-validated metrics", "per_class": "Per-class precision and recall",
              "confusion": "Confusion matrix (counts)", "predictions": "Out-of-fold predictions",
              "folds": "Folds"}
    for name, suffix in CLASSIFIER_TABLES:
        blocks.append(w.table(f"{entry.id}-{suffix}", tables[name], titles[name]))
    binary = _binary_predictions(tables["predictions"])
    if binary is not None:
        fig = _new_figure(5.5, 5.0)
        plot_reliability(binary, ax=fig.add_subplot())
        blocks.append(w.figure(f"{entry.id}-reliability", fig, "Reliability of the predicted probabilities",
                               caption="Mean predicted probability against the observed share per bin "
                                       "(out-of-fold predictions)."))
    return Section(id=f"clf-{_slug(entry.id)}", title=f"Classifier — {entry.id}", blocks=_present(blocks))
