"""One parameter check: the validation every public function uses.

Each helper checks one argument and returns it normalised (an ``int`` for
a NumPy integer, a ``float`` for an ``int`` where a number is expected), or
raises with one message form, ``"{name}: expected {what}, got {value!r}"``:
:class:`TypeError` when the kind is wrong (a string where a number is
expected; a boolean is never a number), :class:`ValueError` when the kind
is right but the value is not allowed.  Names are the parameter names a
caller wrote (``n_resamples``, ``--min-count``, ``comparisons[0].effect``).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Sequence

import numpy as np

__all__ = [
    "check_choice", "check_choices", "check_int", "check_number", "check_confidence", "check_random_state",
    "check_str", "check_bool", "describe",
]


def describe(value: Any) -> str:
    """``repr`` of a value, cut to 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _listed(allowed: Sequence[Any]) -> str:
    return ", ".join(repr(a) for a in allowed)


def check_choice(name: str, value: Any, allowed: Sequence[Any]) -> Any:
    """``value`` if it is one of ``allowed``."""
    try:
        ok = value in allowed
    except TypeError:  # an unhashable value against a mapping's keys
        ok = False
    if not ok:
        raise ValueError(f"{name}: expected one of {_listed(allowed)}, got {describe(value)}")
    return value


def check_choices(name: str, value: Any, allowed: Sequence[Any]) -> list[Any]:
    """One name or a non-empty sequence of names from ``allowed``; returned
    in the given order without repeats."""
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else None
    if items is None:
        raise TypeError(f"{name}: expected a name or a list of names from {_listed(allowed)}, got {describe(value)}")
    if not items:
        raise ValueError(f"{name}: expected at least one of {_listed(allowed)}, got an empty list")
    for item in items:
        check_choice(name, item, allowed)
    return list(dict.fromkeys(items))


def _bounds(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" {'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f" {'<' if high_open else '<='} {high:g}"
    return ""


def _within(value: float, low: float | None, high: float | None, low_open: bool, high_open: bool) -> bool:
    return (low is None or (value > low if low_open else value >= low)) and (
        high is None or (value < high if high_open else value <= high))


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number (Python or NumPy, not a boolean) in ``[low, high]``."""
    what = "an integer" + _bounds(low, high, False, False)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected {what}, got {describe(value)}")
    if not _within(int(value), low, high, False, False):
        raise ValueError(f"{name}: expected {what}, got {describe(value)}")
    return int(value)


def check_number(name: str, value: Any, *, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number (not a boolean) within the bounds; ``low_open``
    / ``high_open`` exclude the bound itself."""
    what = "a finite number" + _bounds(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected {what}, got {describe(value)}")
    number = float(value)
    if not math.isfinite(number) or not _within(number, low, high, low_open, high_open):
        raise ValueError(f"{name}: expected {what}, got {describe(value)}")
    return number


def check_confidence(value: Any, name: str = "confidence") -> float:
    """A confidence level strictly between 0 and 1 (e.g. 0.95)."""
    return check_number(name, value, low=0.0, high=1.0, low_open=True, high_open=True)


def check_random_state(value: Any, name: str = "random_state") -> int | None:
    """A seed: an integer >= 0, or None for fresh operating-system entropy
    (results then differ between calls)."""
    if value is None:
        return None
    return check_int(name, value, low=0)


def check_str(name: str, value: Any, *, empty: bool = False) -> str:
    """A string (non-empty unless ``empty``)."""
    if not isinstance(value, str):
        raise TypeError(f"{name}: expected a string, got {describe(value)}")
    if not empty and not value:
        raise ValueError(f"{name}: expected a non-empty string, got ''")
    return value


def check_bool(name: str, value: Any) -> bool:
    """A boolean (Python or NumPy)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {describe(value)}")
    return bool(value)
