"""Warning class for statistical caveats (few clusters, heavy ties, dropped data)."""

from __future__ import annotations

__all__ = ["StatsWarning"]


class StatsWarning(UserWarning):
    """A statistical caveat the reader of a result should know about.

    Raised with :func:`warnings.warn`; results are still computed.  Turn
    it into an error with ``warnings.simplefilter("error", StatsWarning)``.
    """
