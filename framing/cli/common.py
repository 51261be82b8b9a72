"""Pieces shared by the ``framing`` sub-commands: progress bar, corpus
options, reading a corpus and writing a table.

Kept apart from :mod:`framing.cli` so that sub-command modules
(:mod:`framing.cli.stats`, :mod:`framing.cli.classify`) can use them
without importing the top-level parser.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings
from pathlib import Path
from typing import Iterator, Sequence, TextIO

import pandas as pd

from ..corpus.readers import FORMATS, CorpusError
from ..progress import reporter
from ..records import KNOWN_FIELDS
from ..text import SEGMENTATIONS
from ..vocab import DEFAULTS, ON_ERROR, PARTS, VOICES

__all__ = ["Progress", "show_progress", "warning_line", "print_warnings", "one_line_warnings", "corpus_options", "read_corpus_args", "CorpusStream", "corpus_chunks", "write_table", "show_report", "parse_fields", "reader_options", "segmentation_option",
           "reader_kwargs", "option_hints"]


def show_progress(args: argparse.Namespace) -> bool:
    """Progress bars are drawn on standard error when it is a terminal and
    the command has no ``--quiet``; never on standard output."""
    return not getattr(args, "quiet", False) and sys.stderr.isatty()


class Progress:
    """The command line's progress bar: :func:`framing.progress.reporter`
    (tqdm when installed, else one ``\\r``-updated line) on ``stream``
    when ``enabled``; silent otherwise.  ``total`` may be set before the
    first count."""

    def __init__(self, total: int | None, *, stream: TextIO, enabled: bool, label: str = "scoring") -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled
        self.label = label
        self.done = 0
        self._bar = None

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = reporter(True, total=self.total, label=self.label, stream=self.stream)
        self._bar(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def warning_line(message: object) -> str:
    """A warning as one stderr line: ``warning: <text>`` with a multi-line
    text (a read report) joined by ``"; "``."""
    lines = [line.strip() for line in str(message).splitlines() if line.strip()]
    return "warning: " + "; ".join(lines)


def print_warnings(caught: Sequence[warnings.WarningMessage], stream: TextIO | None = None) -> None:
    """Print recorded warnings, one line each, each distinct text once."""
    seen: set[str] = set()
    for record in caught:
        line = warning_line(record.message)
        if line not in seen:
            seen.add(line)
            print(line, file=sys.stderr if stream is None else stream)


@contextlib.contextmanager
def one_line_warnings() -> Iterator[None]:
    """Within a command: every warning shown as one ``warning: ...`` line
    on standard error (no file/line/source echo), each distinct text once.
    The filters (``-W``, ``PYTHONWARNINGS``) still decide what is shown."""
    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = warning_line(message)
        if text not in seen:
            seen.add(text)
            print(text, file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


def parse_fields(pairs: Sequence[str] | None) -> dict[str, str] | None:
    """``["text=content", ...]`` -> ``{"text": "content", ...}``; a
    ``ValueError`` names the bad ``--field`` value."""
    if not pairs:
        return None
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(f"--field: expected NAME=COLUMN (e.g. text=content_original), got {pair!r}")
        name, column = (part.strip() for part in pair.split("=", 1))
        if name not in KNOWN_FIELDS:
            raise ValueError(f"--field: expected NAME=COLUMN with NAME one of {', '.join(KNOWN_FIELDS)}, got {pair!r}")
        if not column:
            raise ValueError(f"--field: expected NAME=COLUMN with a column name after '=', got {pair!r}")
        if name in out and out[name] != column:
            raise ValueError(f"--field: {name} is mapped twice ({name}={out[name]} and {pair!r})")
        out[name] = column
    return out


def reader_kwargs(args: argparse.Namespace) -> dict:
    """Keyword arguments of :func:`framing.corpus.read_corpus` from the
    reader options (:func:`reader_options`)."""
    fields = parse_fields(args.field)
    outlet = getattr(args, "outlet", None)
    if outlet is not None:
        if not outlet.strip():
            raise ValueError(f"--outlet: expected a non-empty outlet name, got {outlet!r}")
        if fields and "outlet" in fields:
            raise ValueError(f"--outlet {outlet} and --field outlet={fields['outlet']} cannot be combined: --outlet gives "
                             "every document the same outlet")
        fields = {**(fields or {}), "outlet": None}
    return {"format": getattr(args, "format", None), "fields": fields, "on_error": args.on_error,
            "fallback_encoding": args.fallback_encoding, "outlet": outlet}


@contextlib.contextmanager
def option_hints() -> Iterator[None]:
    """Add the command-line options to a reader's "missing field" error
    (the library names its keyword arguments)."""
    try:
        yield
    except CorpusError as err:
        if err.reason != "missing field" or err.field not in ("doc_id", "outlet", "text"):
            raise
        how = "--outlet NAME or --field outlet=COLUMN" if err.field == "outlet" else f"--field {err.field}=COLUMN"
        raise ValueError(f"{err} (on the command line: {how})") from None


def read_corpus_args(args: argparse.Namespace, path: str | None = None):
    """Read the corpus named by ``args.corpus`` (or ``path``) with the
    reader options; print the read report's problems on stderr."""
    from ..corpus.readers import read_corpus

    with option_hints():
        corpus = read_corpus(args.corpus if path is None else path, **reader_kwargs(args),
                             progress=show_progress(args))
    show_report(corpus.report)
    return corpus


class CorpusStream:
    """The corpus named by ``args.corpus`` read as a stream
    (:func:`framing.corpus.readers.iter_documents` with the reader
    options of :func:`read_corpus_args`), keeping each document's
    metadata as it passes, never its text (issue 13).

    Iterate over it once (e.g. ``framing.match.score(stream, ...)``,
    within :func:`option_hints`); then :meth:`frame` is
    ``read_corpus_args(args).frame`` without the text parts (the columns
    of :data:`framing.vocab.PARTS`; :class:`framing.corpus.metadata.MetadataRows`), same columns,
    order and dtypes; :attr:`columns` are all the columns of that frame,
    text parts included; :meth:`show_report` prints the read report as
    :func:`read_corpus_args` does.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        from ..corpus.metadata import MetadataRows
        from ..corpus.readers import iter_documents

        self._reports: list = []
        self._documents = iter_documents(args.corpus, **reader_kwargs(args), report=self._reports.append)
        self._metadata = MetadataRows()

    def __iter__(self):
        add = self._metadata.add
        for doc in self._documents:
            add(doc)
            yield doc

    @property
    def n_documents(self) -> int:
        """The documents read so far."""
        return self._metadata.n

    @property
    def columns(self) -> list[str]:
        """The columns of the whole corpus frame (text parts included)."""
        return self._metadata.columns

    def frame(self) -> pd.DataFrame:
        """The metadata table of the documents read (range index)."""
        return self._metadata.frame()

    def show_report(self) -> None:
        for report in self._reports:
            show_report(report)


def corpus_chunks(args: argparse.Namespace, part: str, doc_ids: set[str] | None = None,
                  rows: int | None = None, expected: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
    """The corpus named by ``args.corpus`` read again as a stream, as
    DataFrames of ``rows`` documents (default: the runner's chunk size)
    with the columns ``doc_id`` and ``part`` (the values of
    ``read_corpus_args(args).frame``), in corpus order; with ``doc_ids``
    only those documents.  For a second pass after :class:`CorpusStream`:
    the read's report and warnings were shown by the first pass, so this
    one's are not shown again.  ``expected``: the ``doc_id`` of every
    document of the first pass, in order; a corpus that reads otherwise
    now (changed between the two reads) raises ValueError."""
    from ..corpus.readers import iter_documents
    from ..experiment.textstore import CHUNK_ROWS

    rows = CHUNK_ROWS if rows is None else rows
    with option_hints():
        documents = iter_documents(args.corpus, **reader_kwargs(args), report=lambda report: None)
    done = False
    seen = 0
    while not done:
        ids: list[str] = []
        texts: list = []
        # the warnings of the first pass, not shown twice (no yield inside the context)
        with warnings.catch_warnings(), option_hints():
            warnings.simplefilter("ignore")
            while len(ids) < rows:
                doc = next(documents, None)
                if doc is None:
                    done = True
                    if expected is not None and seen != len(expected):
                        raise ValueError(f"{args.corpus}: the corpus changed between its two reads ({seen} documents, "
                                         f"were {len(expected)})")
                    break
                if expected is not None and (seen >= len(expected) or doc.doc_id != expected[seen]):
                    was = expected[seen] if seen < len(expected) else None
                    raise ValueError(f"{args.corpus}: the corpus changed between its two reads (document {seen + 1} "
                                     f"is {doc.doc_id!r}, was {was!r})")
                seen += 1
                if doc_ids is None or doc.doc_id in doc_ids:
                    ids.append(doc.doc_id)
                    texts.append(getattr(doc, part))
        if ids:
            yield pd.DataFrame({"doc_id": ids, part: texts}, columns=["doc_id", part])


def write_table(frame: pd.DataFrame, output: str | None) -> None:
    if output is None:
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return
    path = Path(output)
    if path.suffix == ".parquet":
        try:
            frame.to_parquet(path, index=False)
        except ImportError as exc:
            raise ValueError(
                f"writing {output}: Parquet output needs pyarrow (pip install 'framing-toolkit[parquet]')"
            ) from exc
    elif path.suffix in (".csv", ".tsv"):
        frame.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",", lineterminator="\n")
    else:
        raise ValueError(f"--output {output}: use a .csv, .tsv or .parquet file name")


def show_report(report) -> None:
    if report.n_skipped or report.warnings or report.duplicates:
        print(report.summary(), file=sys.stderr)


def reader_options(p: argparse.ArgumentParser, *, positional: str = "corpus") -> None:
    """The corpus argument and the reader options (format, field map,
    constant outlet, bad records, fallback encoding) every command that
    reads a corpus takes."""
    p.add_argument(positional, metavar=positional.upper() if positional != "corpus" else None,
                   help="corpus file or folder (.jsonl[.gz], .json, .csv, .tsv, .parquet, folder of .txt, one .txt "
                        "article)")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="corpus format (default: from the file name; a folder is a folder of .txt files)")
    p.add_argument("--outlet", default=None, metavar="NAME",
                   help="give every document the outlet NAME (the source's outlet column, sub-folders and sidecar "
                        "are then ignored); needed for a single .txt article or a flat folder")
    p.add_argument("--field", action="append", metavar="NAME=COLUMN",
                   help="map a framing field to a source column, e.g. --field text=content --field outlet=source")
    p.add_argument("--on-error", choices=ON_ERROR, default=DEFAULTS["on_error"],
                   help="bad records: stop with an error (default) or skip them and report the count")
    p.add_argument("--fallback-encoding", default=None, metavar="ENC",
                   help="decode lines that are not UTF-8 with ENC (e.g. cp1252), with a warning")


def segmentation_option(p: argparse.ArgumentParser) -> None:
    """``--segmentation`` (the config's ``preprocessing.segmentation``):
    how runs of Han/Kana become tokens, in the texts and in the lexicon's
    terms."""
    p.add_argument("--segmentation", choices=SEGMENTATIONS, default=DEFAULTS["segmentation"],
                   help="Chinese/Japanese (Han/Kana) tokens: one per character (char, default) or jieba's "
                        "dictionary words (jieba; pip install 'framing-toolkit[cjk]')")


def corpus_options(p: argparse.ArgumentParser, *, voice: str | bool = DEFAULTS["voice"]) -> None:
    """The reader options, ``--lexicon``, ``--part``, ``--voice`` (default
    ``voice``, the config's ``preprocessing.voice`` unless a command lists
    hits of every voice; ``False``: no ``--voice``), ``--segmentation``
    (:func:`segmentation_option`) and ``--quiet``."""
    reader_options(p)
    p.add_argument("--lexicon", default=DEFAULTS["lexicon"],
                   help=f"bundled lexicon name or lexicon file (default: {DEFAULTS['lexicon']})")
    p.add_argument("--part", choices=PARTS, default=DEFAULTS["part"],
                   help=f"which part of each document to use (default: {DEFAULTS['part']})")
    if voice:
        p.add_argument("--voice", choices=VOICES, default=voice,
                       help=f"all tokens, only the outlet's own voice (outside quotes), or only quoted speech "
                            f"(default: {voice})")
    segmentation_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
