"""One progress helper for long library calls.

The long calls (:func:`framing.corpus.read_corpus`,
:func:`framing.match.score`, :func:`~framing.match.hits`,
:func:`~framing.match.terms.term_matrix`,
:meth:`framing.classify.FrameClassifier.fit` and
:func:`framing.classify.evaluate.cross_validate`) take a ``progress``
keyword and hand it to :func:`reporter`:

``False`` or ``None`` (the library default, ``DEFAULTS["progress"]``)
    Nothing is shown.
``True``
    A progress bar on **standard error**: ``tqdm.auto`` when tqdm is
    installed (the optional extra ``framing[progress]``; in a notebook it
    draws a widget), otherwise :class:`LineProgress`, one line rewritten
    with ``\\r`` at most four times a second.
a callable
    Called with the number of items finished since the last call (the
    command line passes its own bar this way).

Progress never writes to standard output and never changes a result: a
reporter only counts what the caller has already done.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")

__all__ = ["LineProgress", "reporter", "check_progress", "counted"]

_MIN_INTERVAL = 0.25  # seconds between two redraws of the fallback line


def check_progress(progress: Any, name: str = "progress") -> Any:
    """``progress`` if it is a bool, None or a callable, else a TypeError
    in the form of :mod:`framing.check`."""
    if progress is None or isinstance(progress, bool) or callable(progress):
        return progress
    raise TypeError(f"{name}: expected True, False, None or a callable taking a count, got {progress!r}")


class _Silent:
    """The reporter of ``progress=False``: does nothing."""

    total: int | None = None

    def __call__(self, n: int = 1) -> None:
        return None

    update = __call__

    def close(self) -> None:
        return None

    def __enter__(self) -> "_Silent":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class _Callback(_Silent):
    """The reporter of a callable ``progress``: forwards the counts."""

    def __init__(self, callback: Callable[[int], Any], total: int | None) -> None:
        self.callback = callback
        self.total = total

    def __call__(self, n: int = 1) -> None:
        self.callback(n)

    update = __call__


class LineProgress(_Silent):
    """A no-dependency progress line on a stream (standard error).

    ``label done/total (pct%)  rate/s``, rewritten in place with ``\\r``
    at most every 0.25 s (and once more on :meth:`close`, which ends the
    line).  Counts passed in are added up; nothing else is touched.
    """

    def __init__(self, total: int | None = None, *, label: str = "", unit: str = "docs",
                 stream: TextIO | None = None) -> None:
        self.total = total
        self.label = label
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.started = time.monotonic()
        self._shown = -float("inf")
        self._width = 0
        self._closed = False

    def __call__(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._shown >= _MIN_INTERVAL:
            self._draw(now)

    update = __call__

    def _draw(self, now: float) -> None:
        self._shown = now
        rate = self.done / max(now - self.started, 1e-9)
        head = f"{self.label} " if self.label else ""
        if self.total:
            line = f"{head}{self.done:,}/{self.total:,} {self.unit} ({min(self.done / self.total, 1.0):.0%})"
        else:
            line = f"{head}{self.done:,} {self.unit}"
        line += f"  {rate:,.0f} {self.unit}/s"
        pad = " " * max(self._width - len(line), 0)
        self._width = len(line)
        self.stream.write("\r" + line + pad)
        self.stream.flush()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()


def _tqdm_class() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


class _Tqdm(_Silent):
    def __init__(self, bar: Any) -> None:
        self.bar = bar

    @property
    def total(self) -> int | None:  # type: ignore[override]
        return self.bar.total

    @total.setter
    def total(self, value: int | None) -> None:
        self.bar.total = value
        self.bar.refresh()

    def __call__(self, n: int = 1) -> None:
        self.bar.update(n)

    update = __call__

    def close(self) -> None:
        self.bar.close()


def reporter(progress: Any, *, total: int | None = None, label: str = "", unit: str = "docs",
             stream: TextIO | None = None) -> Any:
    """The reporter for a ``progress`` argument (see the module docstring).

    The returned object is called (or ``.update``-d) with counts of
    finished items and closed with ``.close()`` (or used as a context
    manager); its ``total`` may be set later.

    Parameters
    ----------
    progress : bool, None or callable
    total : int, optional
        The number of items, when known.
    label, unit : str
        Shown before the count / after it.
    stream : file, optional
        Where a bar is drawn; standard error by default (never standard
        output).

    Raises
    ------
    TypeError
        ``progress`` is not a bool, None or a callable.
    """
    progress = check_progress(progress)
    if progress is None or progress is False:
        return _Silent()
    if progress is not True:
        return _Callback(progress, total)
    out = sys.stderr if stream is None else stream
    tqdm = _tqdm_class()
    if tqdm is None:
        return LineProgress(total, label=label, unit=unit, stream=out)
    return _Tqdm(tqdm(total=total, desc=label or None, unit=unit.rstrip("s") or "it", file=out,
                      mininterval=_MIN_INTERVAL, dynamic_ncols=True))


def counted(items: Iterable[T], bar: Callable[[int], Any], *, every: int = 256) -> Iterator[T]:
    """Yield ``items`` unchanged, reporting them to ``bar`` in batches of
    ``every`` (and the rest when the iteration ends)."""
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == every:
            bar(pending)
            pending = 0
    if pending:
        bar(pending)
