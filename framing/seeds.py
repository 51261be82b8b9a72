"""One seed scheme: every random stream is named and derived from one root.

A component's stream is ``numpy.random.SeedSequence(root,
spawn_key=(k,))`` with ``k`` the SHA-256 of its dotted name (the names
joined with ``"."``) read as a big-endian integer (O'Neill 2015 seeding via
:class:`numpy.random.SeedSequence`).  So

* ``derive_seed(1, "comparisons", "x") == derive_seed(1, "comparisons.x")``:
  a name has one spelling however it is passed;
* streams never depend on ``PYTHONHASHSEED``, on the order components are
  run in, or on which other components exist (adding a group or a
  category never changes another comparison's resamples);
* :func:`rng` with no names is ``numpy.random.default_rng(root)``.

An experiment's root is its config's ``seed``; each entry's
``random_state`` is ``derive_seed(seed, "<section>.<id>")`` (recorded in
the run's manifest), and a statistics function derives its steps' streams
from the ``random_state`` it is given with :func:`rng` (``rng(random_state,
"test", "permutation", "A", "B")``).  ``random_state=None`` means fresh
operating-system entropy, as in scikit-learn.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .check import check_random_state

__all__ = ["SCHEME", "derive_seed", "rng", "seed_sequence"]

#: Recorded in run manifests.
SCHEME = "SeedSequence(root, spawn_key=(sha256(dotted name),))"


def _key(names: tuple[str, ...]) -> tuple[int, ...]:
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"names: expected strings, got {type(name).__name__} ({name!r})")
    if not names:
        return ()
    return (int.from_bytes(hashlib.sha256(".".join(names).encode("utf-8")).digest(), "big"),)


def seed_sequence(root: int, *names: str) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` of the component ``names``."""
    root = check_random_state(root, "root")
    if root is None:
        raise TypeError("root: expected an integer >= 0, got None")
    return np.random.SeedSequence(root, spawn_key=_key(names))


def derive_seed(root: int, *names: str) -> int:
    """A seed in ``[0, 2**32)`` for the component ``names`` under ``root``."""
    return int(seed_sequence(root, *names).generate_state(1, np.uint32)[0])


def rng(random_state: int | None, *names: str) -> np.random.Generator:
    """A local generator for one named step; ``None`` gives fresh entropy."""
    random_state = check_random_state(random_state)
    if random_state is None:
        _key(names)
        return np.random.default_rng()
    return np.random.default_rng(seed_sequence(random_state, *names))
