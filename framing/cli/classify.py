"""The ``framing classify`` sub-command (train, predict, evaluate, explain).

``framing.cli`` calls :func:`register` with its sub-parsers; every
handler returns the exit status (0 success; data errors raise
``ValueError``/``OSError``, which ``framing.cli.app`` reports on stderr
with status 1; argparse usage errors exit with 2).  DATA is any corpus
:func:`framing.corpus.read_corpus` accepts.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time

import pandas as pd

from ..vocab import DEFAULTS, MODEL_KINDS
from .common import read_corpus_args, reader_options, show_progress, write_table

__all__ = ["register", "run", "main"]

_KINDS = MODEL_KINDS


def _read(args: argparse.Namespace):
    return read_corpus_args(args, args.data).frame


def _labels(frame: pd.DataFrame, column: str, data: str) -> tuple[pd.DataFrame, list]:
    if column not in frame.columns:
        raise ValueError(f"--label {column!r} is not a column of {data}; columns: {', '.join(map(str, frame.columns))}")
    values = frame[column]
    keep = values.notna() & values.astype(str).str.strip().ne("")
    dropped = int((~keep).sum())
    if dropped:
        print(f"framing classify: {dropped} row(s) without a {column!r} label left out", file=sys.stderr)
    frame = frame[keep].reset_index(drop=True)
    labels = frame[column].tolist()
    labels = [_list_literal(v, column, i) if isinstance(v, str) and v.strip().startswith("[") else v
              for i, v in enumerate(labels)]
    if not labels:
        raise ValueError(f"no labelled rows in {data} (column {column!r})")
    return frame, labels


def _list_literal(value: str, column: str, row: int) -> list:
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        parsed = None
    if not isinstance(parsed, list):
        raise ValueError(f"column {column!r}, row {row}: {value[:40]!r} starts with '[' but is not a list literal")
    return parsed


def _model(args: argparse.Namespace):
    from ..classify.model import FrameClassifier

    min_df = args.min_df if args.min_df == "auto" else _positive_int("--min-df", args.min_df)
    if args.ngram is not None and args.ngram_max is not None:
        raise ValueError(f"--ngram {args.ngram[0]} {args.ngram[1]} and --ngram-max {args.ngram_max} cannot be "
                         f"combined; give one of them")
    if args.ngram_max is not None and args.ngram_max < 1:
        raise ValueError(f"--ngram-max: expected an integer >= 1, got {args.ngram_max}")
    if args.embedding_pooling != "text" and args.embeddings is None:
        raise ValueError(f"--embedding-pooling {args.embedding_pooling} needs --embeddings MODEL "
                         f"(e.g. --embeddings all-MiniLM-L6-v2)")
    if args.ngram is not None:
        ngrams = tuple(args.ngram)
    else:
        ngrams = (1, DEFAULTS["ngram_max"] if args.ngram_max is None else args.ngram_max)
    return FrameClassifier(kind=args.model, C=tuple(args.C) if len(args.C) > 1 else args.C[0],
                           cues=None if args.no_cues else args.lexicon, random_state=args.seed,
                           char_ngrams=None if args.no_char else (2, 5), embeddings=args.embeddings,
                           embedding_pooling=args.embedding_pooling, word_ngrams=ngrams, min_df=min_df,
                           max_features=args.max_features)


def _positive_int(name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(f"{name}: expected 'auto' or an integer >= 1, got {value!r}")
    return number


class _Stage:
    """A note on stderr around a long step (only on a terminal, not with --quiet)."""

    def __init__(self, args: argparse.Namespace, what: str):
        self.enabled = sys.stderr.isatty() and not getattr(args, "quiet", False)
        self.what = what

    def __enter__(self):
        self.started = time.perf_counter()
        if self.enabled:
            print(f"framing classify: {self.what} ...", file=sys.stderr, flush=True)
        return self

    def __exit__(self, *exc):
        if self.enabled and exc[0] is None:
            print(f"framing classify: {self.what}: done in {time.perf_counter() - self.started:.1f} s",
                  file=sys.stderr, flush=True)
        return False


def _cmd_train(args: argparse.Namespace) -> int:
    from ..classify.persist import data_sha256, save_model

    frame, labels = _labels(_read(args), args.label, args.data)
    # training needs the texts and labels only: one list of str, shared by fit and the data hash (the frame,
    # with its other columns and an Arrow copy of the texts, is let go before fitting)
    texts = frame["text"].tolist()
    del frame
    with _Stage(args, f"training {args.model} on {len(texts)} documents"):
        model = _model(args).fit(texts, labels, progress=show_progress(args))
    path = save_model(model, args.output, data_hash=data_sha256(texts, labels))
    print(f"trained {args.model} on {len(texts)} documents, classes {', '.join(map(str, model.classes_))}, "
          f"C={model.C_:g}; model written to {path}")
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from ..classify.persist import load_model

    model = load_model(args.model_file)
    frame = _read(args)
    proba = model.predict_proba(frame["text"].tolist())
    out = pd.DataFrame({"doc_id": frame["doc_id"].astype(str)})
    classes = [str(c) for c in model.classes_]
    if model.multilabel_:
        out["label"] = [";".join(c for c, p in zip(classes, row) if p >= 0.5) for row in proba]
        for j, c in enumerate(classes):
            out[f"score_{c}"] = proba[:, j]
    elif len(classes) == 2:  # the probability of the second class, named: score_<class>
        out["label"] = model.classes_[proba.argmax(axis=1)]
        out[f"score_{classes[1]}"] = proba[:, 1]
    else:
        out["label"] = model.classes_[proba.argmax(axis=1)]
        for j, c in enumerate(classes):
            out[f"score_{c}"] = proba[:, j]
    write_table(out, args.output)
    if args.output:
        print(f"{len(out)} predictions written to {args.output}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    frame = _read(args)
    if args.groups and args.folds_column:
        raise ValueError("--groups and --folds-column cannot be combined: predefined folds already say which "
                         "documents are tested together")
    columns = [c.strip() for c in args.label.split(",") if c.strip()]
    if len(columns) > 1:
        return _evaluate_frames(args, frame, columns)
    if args.select:
        raise ValueError(f"--select chooses the pipeline of multi-label frames; give several 0/1 label columns "
                         f"(e.g. --label RE,HI,CO) or leave out --select (--label is {args.label!r})")
    from ..classify.evaluate import cross_validate

    frame, labels = _labels(frame, args.label, args.data)
    frame = frame.assign(**{args.label: labels})
    with _Stage(args, f"cross-validating {args.model} on {len(frame)} documents"):
        ev = cross_validate(frame, args.label, model=_model(args), groups=args.groups, n_splits=args.folds,
                            folds=args.folds_column, random_state=args.seed, progress=show_progress(args))
    if args.folds_column:
        how = f"predefined-fold (column {args.folds_column!r})"
        n = len(ev.folds)
    else:
        how = f"grouped by {args.groups!r} (GroupKFold; CIs resample whole groups)" if args.groups else "stratified"
        n = args.folds
    print(f"{n}-fold {how} cross-validation of {args.model} on {len(frame)} documents")
    print(ev.summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print()
    print(ev.per_class.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print()
    print("confusion (rows true, columns predicted)")
    print(ev.confusion.pivot(index="true", columns="predicted", values="count").to_string())
    print()
    print("C per fold: " + ", ".join(f"{c:g}" for c in ev.folds["C"])
          + (" (chosen by an inner cross-validation on the training folds)" if len(args.C) > 1 else ""))
    _write_outputs(args, ev.predictions, ev.summary)
    return 0


def _evaluate_frames(args: argparse.Namespace, frame: pd.DataFrame, columns: list[str]) -> int:
    """Several 0/1 label columns: one model per frame
    (:func:`framing.classify.multilabel.cross_validate_frames`)."""
    from ..classify.multilabel import cross_validate_frames

    variants = _variants(args)
    with _Stage(args, f"cross-validating {args.model} on {len(frame)} documents, {len(columns)} frames"):
        ev = cross_validate_frames(frame, columns, model=_model(args), folds=args.folds_column, groups=args.groups,
                                   n_splits=args.folds, select=variants, random_state=args.seed)
    if args.folds_column:
        how = f"predefined folds (column {args.folds_column!r})"
    else:
        how = f"{args.folds} folds " + (f"grouped by {args.groups!r}" if args.groups else "(shuffled)")
    pipeline = ("one model per frame" if variants is None else
                f"the pipeline chosen by inner CV in each training fold from {len(variants)} variants")
    print(f"multi-label cross-validation of {args.model}, {pipeline} ({', '.join(columns)}), {how}, "
          f"on {len(frame)} documents; thresholds chosen by inner CV")
    print(ev.summary.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if variants is not None:
        chosen = ev.selection[ev.selection["selected"]]
        print("\nchosen per fold (inner-CV macro-F1): " + "; ".join(
            f"{row.fold}: {row.variant} ({row.inner_macro_f1:.3f})" for row in chosen.itertuples()))
        if args.selection_output:
            write_table(ev.selection, args.selection_output)
            print(f"selection table written to {args.selection_output}")
    _write_outputs(args, ev.predictions, ev.summary)
    return 0


def _variants(args: argparse.Namespace):
    """The variants of ``--select`` (None without it): ``grid`` is
    SELECTION_GRID without its +auxiliary variants (the command line reads
    no coders' answers), else comma-separated variant names."""
    from ..classify.multilabel import selection_variants

    if not args.select:
        if args.selection_output:
            raise ValueError("--selection-output writes the table of --select; give --select (e.g. --select grid)")
        return None
    if list(args.C) != list(DEFAULTS["C"]):
        raise ValueError(f"--C {' '.join(f'{c:g}' for c in args.C)}: --select sets C per variant (e.g. "
                         f"'independent C=0.3'); leave out --C")
    spec = args.select.strip()
    names = "grid" if spec == "grid" else [name.strip() for name in spec.split(",") if name.strip()]
    needs = [name for name in names if "+auxiliary" in name] if names != "grid" else []
    if needs:
        raise ValueError(f"--select: variant(s) {', '.join(map(repr, needs))} use the coders' answers as auxiliary "
                         f"targets, which framing classify evaluate does not read; use a config with auxiliary = "
                         f"\"questions\", or leave them out")
    return selection_variants(names, auxiliary=False)


def _write_outputs(args: argparse.Namespace, predictions: pd.DataFrame, summary: pd.DataFrame) -> None:
    if args.output:
        write_table(predictions, args.output)
        print(f"out-of-fold predictions written to {args.output}")
    if args.summary_output:
        write_table(summary, args.summary_output)
        print(f"summary written to {args.summary_output}")


def _cmd_explain(args: argparse.Namespace) -> int:
    from ..classify.model import explain
    from ..classify.persist import load_model

    model = load_model(args.model_file)
    frame = _read(args)
    rows = frame[frame["doc_id"].astype(str) == args.doc_id]
    if rows.empty:
        raise ValueError(f"--doc-id {args.doc_id!r} is not in {args.data} ({len(frame)} documents)")
    target = args.target
    if target is not None:
        matches = [c for c in model.classes_ if str(c) == target]
        if not matches:
            raise ValueError(f"--target {target!r} is not a class of the model; classes: "
                             f"{', '.join(map(str, model.classes_))}")
        target = matches[0]
    ex = explain(model, rows["text"].iloc[0], n=args.top, target=target)
    print(f"{args.doc_id}: predicted {ex.label}; "
          + ", ".join(f"P({c})={p:.3f}" for c, p in ex.scores.items()))
    print(f"contributions towards {ex.target} (intercept {ex.intercept:+.3f}):")
    print(ex.contributions.head(args.top).to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    if not ex.categories.empty:
        print("\nlexicon categories:")
        print(ex.categories.to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    if not ex.spans.empty:
        print("\nspans:")
        print(ex.spans.to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    if args.output:
        write_table(ex.spans, args.output)
    return 0


def run(args: argparse.Namespace) -> int:
    """Dispatch ``framing classify ACTION`` to its handler."""
    return int(args.classify_func(args))


def _data_options(p: argparse.ArgumentParser) -> None:
    reader_options(p, positional="data")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress notes on stderr")


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--label", required=True, metavar="COLUMN", help="column holding the labels")
    p.add_argument("--model", choices=_KINDS, default=DEFAULTS["model"],
                   help="logreg (default), svm (calibrated linear SVM; refuses a class with fewer than 3 "
                        "examples, which its 3 calibration folds need) or baseline (plain TF-IDF + LR)")
    p.add_argument("--C", type=float, nargs="+", default=list(DEFAULTS["C"]),
                   help="inverse regularisation; several values are chosen by inner CV "
                        f"(default {' '.join(f'{c:g}' for c in DEFAULTS['C'])})")
    p.add_argument("--lexicon", default=DEFAULTS["lexicon"],
                   help=f"cue lexicon (bundled name or file; default {DEFAULTS['lexicon']})")
    p.add_argument("--no-cues", action="store_true", help="leave out the cue-lexicon features")
    p.add_argument("--no-char", action="store_true", help="leave out character n-grams (faster on long articles)")
    p.add_argument("--embeddings", default=None, metavar="MODEL", choices=["all-MiniLM-L6-v2"],
                   help="add sentence-embedding features (all-MiniLM-L6-v2; needs the optional embeddings extra)")
    p.add_argument("--embedding-pooling", default="text", choices=["text", "sentences"],
                   help="with --embeddings: 'text' (default) embeds each text as one input (only its first ~200 "
                        "words count); 'sentences' embeds every sentence and averages them (whole articles count)")
    # defaults: framing.vocab.DEFAULTS, shared with FrameClassifier and the [[classifiers]] keys of a config
    p.add_argument("--ngram", type=int, nargs=2, default=None, metavar=("MIN", "MAX"),
                   help=f"word n-gram range (default 1 {DEFAULTS['ngram_max']})")
    p.add_argument("--ngram-max", type=int, default=None, metavar="N",
                   help=f"word 1..N-grams, as the ngram_max key of [[classifiers]] (default {DEFAULTS['ngram_max']})")
    p.add_argument("--min-df", default=DEFAULTS["min_df"], metavar="N",
                   help="minimum number of training documents of a word n-gram (the min_df key); 'auto' "
                        "(default): max(1, documents // 2000), i.e. 1 below 4,000 documents, 13 for 26,590 articles")
    p.add_argument("--max-features", type=int, default=DEFAULTS["max_features"], metavar="N",
                   help="keep only the N most frequent n-grams of each TF-IDF branch (the max_features key; "
                        "default: no cap)")
    p.add_argument("--seed", type=int, default=DEFAULTS["seed"], help=f"random seed (default {DEFAULTS['seed']})")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``classify`` sub-command to ``framing``'s sub-parsers."""
    p = subparsers.add_parser("classify", help="train, apply, evaluate and explain text classifiers",
                              description="Learn frames or bias labels from a labelled corpus.")
    sub = p.add_subparsers(dest="classify_command", metavar="ACTION")
    sub.required = True
    p.set_defaults(func=run)

    t = sub.add_parser("train", help="train a model and save it (.npz, no pickle)",
                       description="Train a classifier on DATA's text and --label column; save it to --output.")
    _data_options(t)
    _model_options(t)
    t.add_argument("--output", "-o", required=True, metavar="MODEL", help="model file (.npz)")
    t.set_defaults(classify_func=_cmd_train)

    q = sub.add_parser("predict", help="predict labels for a corpus",
                       description="Write doc_id, label and score_<class>: for a binary model one column, the "
                                   "probability of the second class in sorted order (e.g. score_non-biased for "
                                   "biased/non-biased); otherwise one column per class.")
    q.add_argument("model_file", metavar="MODEL", help="model file written by 'framing classify train'")
    _data_options(q)
    q.add_argument("--output", "-o", help="predictions file (.csv, .tsv, .parquet); default: CSV on stdout")
    q.set_defaults(classify_func=_cmd_predict)

    e = sub.add_parser("evaluate", help="cross-validated report",
                       description="Cross-validate a classifier: macro-F1, accuracy, Brier score with bootstrap CIs "
                                   "(over groups with --groups), per-class precision/recall, confusion matrix.  "
                                   "--label A,B,C (several 0/1 columns) evaluates one model per frame with "
                                   "thresholds chosen by inner CV (framing.classify.multilabel).")
    _data_options(e)
    _model_options(e)
    e.add_argument("--groups", default=None, metavar="COLUMN",
                   help="keep these groups together across folds (e.g. outlet, story_id); default: stratified folds")
    e.add_argument("--folds", type=int, default=DEFAULTS["n_splits"],
                   help=f"number of folds (default {DEFAULTS['n_splits']})")
    e.add_argument("--folds-column", default=None, metavar="COLUMN",
                   help="predefined test folds (each value one fold, e.g. test_fold); replaces --folds/--groups")
    e.add_argument("--select", nargs="?", const="grid", default=DEFAULTS["frame_select"], metavar="VARIANTS",
                   help="multi-label only: choose the frame pipeline inside every training fold by inner-CV "
                        "macro-F1 (nested CV) from 'grid' (the default when VARIANTS is left out: "
                        "framing.classify.multilabel.SELECTION_GRID without its +auxiliary variants) or "
                        "comma-separated variant names, e.g. 'independent C=1,stacked+pool C=3,stacked+blend'")
    e.add_argument("--output", "-o", help="write the out-of-fold predictions (.csv, .tsv, .parquet)")
    e.add_argument("--summary-output", default=None, metavar="FILE", help="write the summary table")
    e.add_argument("--selection-output", default=None, metavar="FILE",
                   help="with --select: write every variant's inner-CV macro-F1 per fold and the one chosen")
    e.set_defaults(classify_func=_cmd_evaluate)

    x = sub.add_parser("explain", help="explain the prediction for one document",
                       description="Feature contributions, lexicon categories and the spans that drove a prediction.")
    x.add_argument("model_file", metavar="MODEL", help="model file written by 'framing classify train'")
    _data_options(x)
    x.add_argument("--doc-id", required=True, metavar="ID", help="the document to explain")
    x.add_argument("--target", default=None, help="class to explain (default: positive / predicted class)")
    x.add_argument("--top", type=int, default=15, help="features listed and highlighted (default 15)")
    x.add_argument("--output", "-o", help="write the spans table (.csv, .tsv, .parquet)")
    x.set_defaults(classify_func=_cmd_explain)
    return p


def main(argv=None) -> int:
    """Run ``classify`` on its own (``python -m framing.cli.classify
    ACTION ...``), with the exit statuses of ``framing``: 0 success, 1
    data error (message on stderr), 2 usage error."""
    parser = argparse.ArgumentParser(prog="framing")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    register(sub)
    args = parser.parse_args(["classify", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.func(args))
    except (ValueError, OSError, ImportError) as exc:
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
