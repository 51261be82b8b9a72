"""The statistics package's own warning and error types."""

from __future__ import annotations

__all__ = ["SmallGroupError", "StatsWarning"]


class StatsWarning(UserWarning):
    """A statistical caveat the reader of a result should know about.

    Raised with :func:`warnings.warn`; results are still computed.  Turn
    it into an error with ``warnings.simplefilter("error", StatsWarning)``.
    """


class SmallGroupError(ValueError):
    """A group has fewer documents (or clusters) than a comparison needs;
    ``group``, ``size`` and ``needed`` say which, so a caller can offer a
    way out (``framing compare --min-docs``)."""

    def __init__(self, message: str, *, group: str, size: int, needed: int) -> None:
        super().__init__(message)
        self.group = group
        self.size = size
        self.needed = needed
