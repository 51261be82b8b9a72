"""The statistics package's own warning and error types, and the rule
that one call warns once per condition.

A caveat that can hold for several items of one call (groups with few
clusters, category × pair rows whose rate ratio is unbounded) is raised
as a *grouped* :class:`StatsWarning` (:func:`grouped`): a ``condition``
text with ``{count}`` and ``{items}`` placeholders and one item.  Public
functions decorated with :func:`warn_once` collect the warnings of the
call and emit each condition once, listing the affected items ("2 of 3
groups ('a' 2, 'b' 3) ..."), and every other distinct message once.
Nested decorated calls merge into the outermost one.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, Sequence, TypeVar

__all__ = ["SmallGroupError", "StatsWarning", "grouped", "warn_once"]

F = TypeVar("F", bound=Callable[..., Any])
_SHOWN = 8  # items named in a grouped message; the rest are counted


class StatsWarning(UserWarning):
    """A statistical caveat the reader of a result should know about.

    Raised with :func:`warnings.warn`; results are still computed.  Turn
    it into an error with ``warnings.simplefilter("error", StatsWarning)``.
    A grouped warning (``condition`` set) names every affected item of
    one call in one message.
    """

    def __init__(self, message: str = "", *, condition: str | None = None, items: Sequence[str] = (),
                 noun: str = "", total: int | None = None) -> None:
        self.condition = condition
        self.items = tuple(items)
        self.noun = noun
        self.total = total
        super().__init__(message if condition is None else _text(condition, self.items, noun, total))


def _text(condition: str, items: tuple[str, ...], noun: str, total: int | None) -> str:
    if total is not None:
        count = f"{len(items)} of {total} {noun}"
    else:  # "1 category comparison", "3 category comparisons"
        count = f"{len(items)} {noun[:-1] if len(items) == 1 and noun.endswith('s') else noun}"
    listed = ", ".join(items[:_SHOWN]) + (f", ... ({len(items) - _SHOWN} more)" if len(items) > _SHOWN else "")
    return condition.replace("{count}", count).replace("{items}", listed)


def grouped(condition: str, item: str, *, noun: str, total: int | None = None) -> StatsWarning:
    """A grouped warning for one item (see the module notes); pass it to
    :func:`warnings.warn`."""
    return StatsWarning(condition=condition, items=(item,), noun=noun, total=total)


def _emit(caught: list[warnings.WarningMessage]) -> None:
    merged: dict[tuple, list[str]] = {}
    order: list[tuple[str, Any]] = []
    seen: set[tuple] = set()
    for record in caught:
        message = record.message
        if isinstance(message, StatsWarning) and message.condition is not None:
            key = (type(message), message.condition, message.noun, message.total)
            if key not in merged:
                merged[key] = []
                order.append(("grouped", key))
            merged[key].extend(i for i in message.items if i not in merged[key])
        else:
            key = (record.category, str(message))
            if key not in seen:
                seen.add(key)
                order.append(("plain", record))
    for kind, value in order:
        if kind == "grouped":
            category, condition, noun, total = value
            warnings.warn(category(condition=condition, items=merged[value], noun=noun, total=total), stacklevel=3)
        else:
            warnings.warn(value.message, stacklevel=3)  # at the caller's line, as the grouped ones


def warn_once(func: F) -> F:
    """Decorate a public function so that one call emits each condition
    once (see the module notes)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        catcher = warnings.catch_warnings(record=True)
        caught = catcher.__enter__()
        warnings.simplefilter("always")
        try:
            return func(*args, **kwargs)
        finally:
            catcher.__exit__(None, None, None)  # the caller's filters again, then one warning per condition
            _emit(caught)

    return wrapper  # type: ignore[return-value]


class SmallGroupError(ValueError):
    """A group has fewer documents (or clusters) than a comparison needs;
    ``group``, ``size`` and ``needed`` say which, so a caller can offer a
    way out (``framing compare --min-docs``)."""

    def __init__(self, message: str, *, group: str, size: int, needed: int) -> None:
        super().__init__(message)
        self.group = group
        self.size = size
        self.needed = needed
