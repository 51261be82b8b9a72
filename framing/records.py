"""Frozen records shared by every stage.

A corpus travels as a :class:`pandas.DataFrame` (or a stream of
:class:`Document` records for large files).  The DataFrame schema is:

required columns
    ``doc_id`` (str, unique), ``outlet`` (str), ``text`` (str, non-empty)
optional columns
    ``title``, ``date``, ``authors``, ``url``, ``tags``, ``genre``,
    ``story_id``, ``topic``, ``lang``, ``captions``, ``boilerplate``
any other columns
    kept as they are (``Document.extra`` when streamed)

``authors`` and ``tags`` are tuples of strings in records and lists in a
DataFrame; ``captions`` and ``boilerplate`` hold text that a raw scraped
article carried but that is not the outlet's framing (see
:mod:`framing.corpus.rawtext`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

REQUIRED_FIELDS: tuple[str, ...] = ("doc_id", "outlet", "text")
OPTIONAL_FIELDS: tuple[str, ...] = (
    "title",
    "date",
    "authors",
    "url",
    "tags",
    "genre",
    "story_id",
    "topic",
    "lang",
    "captions",
    "boilerplate",
)
KNOWN_FIELDS: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS


@dataclass(frozen=True, slots=True)
class Document:
    """One news document.

    ``text`` is the body that is scored by default.  ``captions`` and
    ``boilerplate`` are kept apart so that photo captions, credits, author
    bios and disclaimers are never counted as the outlet's framing unless
    a caller asks for them (``part="captions"`` etc. in scoring).
    """

    doc_id: str
    outlet: str
    text: str
    title: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    url: str | None = None
    tags: tuple[str, ...] = ()
    genre: str | None = None
    story_id: str | None = None
    topic: str | None = None
    lang: str | None = None
    captions: str | None = None
    boilerplate: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """Return the document as a flat dict (one DataFrame row)."""
        row: dict[str, Any] = {
            "doc_id": self.doc_id,
            "outlet": self.outlet,
            "text": self.text,
            "title": self.title,
            "date": self.date,
            "authors": list(self.authors),
            "url": self.url,
            "tags": list(self.tags),
            "genre": self.genre,
            "story_id": self.story_id,
            "topic": self.topic,
            "lang": self.lang,
            "captions": self.captions,
            "boilerplate": self.boilerplate,
        }
        row.update(self.extra)
        return row
