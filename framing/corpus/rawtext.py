"""Parse raw scraped news articles into body, captions and boilerplate.

A *raw article* is a plain-text file written by a scraper::

    Opinion: A title                      <- line 1: title, maybe a genre prefix
    Guest commentary by A B and C D       <- byline (optional)
    ["china", "politics"]                 <- JSON list of tags (optional)
    First paragraph.                      <- body: one paragraph a line
    A photo caption /VCG Photo            <- caption, printed twice by the scraper
                                             (each copy followed by a blank line)
    A photo caption /VCG Photo

    Second paragraph.
    (A B teaches at ... The article reflects the author's opinion ...)

Parsing rules (applied in this order):

1. A leading byte-order mark is removed; ``\\r\\n`` and ``\\r`` line ends
   become ``\\n``.  Lines are split at line ends only (``\\u2028`` inside
   a paragraph stays).  Every line is stripped of surrounding white space,
   including non-breaking spaces; blank lines separate nothing.
2. **Title**: the first non-blank line.  A genre prefix from
   :data:`GENRE_PREFIXES` followed by ``:`` (``"Opinion: ..."``, any case)
   sets ``genre`` to the lower-case prefix and is removed from the title.
3. **Header lines**: the next (at most two) non-blank lines are examined,
   in any order.  A *byline* is a line of at most 200 characters of the
   form ``[up to four lead words] by NAMES`` (``"By A, B and C"``,
   ``"Guest commentary by A and B"``); NAMES is split at ``,``, ``;``,
   ``&`` and the word ``and``, and every name must look like a name (1-6
   words, each capitalised, an initial or a particle such as ``de``/``van``)
   -- so ``"By the end of the year, ..."`` is body text.  A *tags line*
   is a line that looks like a JSON list of strings (``[`` followed by
   ``"`` or ``]``, ending with ``]``); it must then parse as a JSON list of
   strings, else :class:`ValueError` names the source and the line.  A
   header line that is neither starts the body: missing bylines and tags
   are detected, never assumed by position.
4. **Captions**: a body line that ends with a photo credit -- a space (or
   the line start), ``/``, then 1-4 words the first of which is
   capitalised, then ``Photo``, ``Photos``, ``Images``, ``File Photo`` --
   is a caption.  The credit (e.g. ``"VCG Photo"``, without the slash) is
   split off; ``captions[i]`` is credited ``credits[i]``.  Scrapers print
   each caption twice; every further copy of the same caption is dropped,
   so each caption is kept once (a line that is only a credit gives an
   empty caption).  A caption-like line *without* a credit
   stays in the body (even when repeated: nothing is removed on a guess).
5. **Boilerplate**: working back from the end of the body, trailing
   paragraphs that are wholly in parentheses (author bios such as
   ``"(X holds a Ph.D ...)"``) or that match an outlet disclaimer
   (:data:`BOILERPLATE_PATTERNS`: "reflects the author(s)' opinion",
   "not necessarily the views of", "The views expressed ...",
   "Follow us on ...", "Copyright ...", "All rights reserved",
   "contact us at ...") are moved to ``boilerplate`` (in source order).
   The scan stops at the first ordinary paragraph: such text in the
   middle of an article stays in the body.
6. **Body**: the remaining lines, in order, are the paragraphs;
   :attr:`RawArticle.body` joins them with a blank line (``"\\n\\n"``).

Offsets: :attr:`RawArticle.paragraph_starts` holds where each paragraph
starts in the text that was parsed, so :meth:`RawArticle.source_span`
maps a span of the body (a hit's ``start``/``end``) back to the raw text:
``text[a:b] == body[start:end]`` for ``(a, b) = source_span(start, end)``.

:func:`looks_like_raw_article` is the test used by
:func:`framing.corpus.read_corpus` (``raw="auto"``) to decide whether a
``.txt`` file is in this format.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..records import Document

__all__ = [
    "GENRE_PREFIXES",
    "BOILERPLATE_PATTERNS",
    "RawArticle",
    "RawArticleError",
    "parse_raw_article",
    "raw_article_to_document",
    "looks_like_raw_article",
    "split_credit",
]

GENRE_PREFIXES: tuple[str, ...] = (
    "opinion",
    "analysis",
    "commentary",
    "editorial",
    "op-ed",
    "column",
    "interview",
    "review",
    "explainer",
    "feature",
    "perspective",
    "viewpoint",
)

BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"\breflects?\s+(?:only\s+)?the\s+(?:author|writer)",
    r"\bnot\s+necessarily\s+(?:reflect|represent|the\s+views?)",
    r"\bviews\s+expressed\b",
    r"^follow\s+us\s+on\b",
    r"^(?:copyright\b|\u00a9|\(c\)\s*\d{4})",
    r"\ball\s+rights\s+reserved\b",
    r"\bcontact\s+us\s+at\b",
)

_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_PATTERNS), re.IGNORECASE)
_GENRE = re.compile(rf"^(?P<genre>{'|'.join(re.escape(g) for g in GENRE_PREFIXES)})\s*:\s*(?P<rest>\S.*)$", re.IGNORECASE)
_CREDIT = re.compile(
    r"(?:^|\s)/\s?(?P<credit>[A-Z0-9][^\s/]*(?:\s+[^\s/]+){0,3}?\s+(?:[Ff]ile\s+)?(?:[Pp]hotos?|[Ii]mages))\s*$"
)
_TAGS = re.compile(r'^\[\s*(?:"|\]).*\]$')
_BYLINE = re.compile(r"^(?:(?P<lead>[^\W\d_][\w'\u2019-]*(?:\s+[^\W\d_][\w'\u2019-]*){0,3})\s+)?by\s+(?P<names>\S.*)$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_PARTICLES = frozenset({"de", "da", "di", "del", "della", "der", "den", "van", "von", "bin", "al", "el", "la", "le", "du", "dos", "das", "y", "ibn"})
_LINE_END = re.compile(r"\r\n|\r|\n")
_STRIP = " \t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"


@dataclass(frozen=True)
class RawArticle:
    """A parsed raw article (see the module docstring for the rules).

    Attributes
    ----------
    title : str
        Title without its genre prefix.
    genre : str or None
        Lower-case genre prefix (``"opinion"``), or None.
    authors : tuple of str
        Names from the byline, in order.
    tags : tuple of str
        Tags from the JSON tags line.
    paragraphs : tuple of str
        Body paragraphs, in order, without captions and boilerplate.
    captions : tuple of str
        Each photo caption once, without its credit.
    credits : tuple of str
        ``credits[i]`` is the credit of ``captions[i]`` (``"VCG Photo"``).
    boilerplate : tuple of str
        Trailing author bios and outlet disclaimers, in source order.
    paragraph_starts : tuple of int
        ``paragraph_starts[i]`` is the character offset of
        ``paragraphs[i]`` in the text given to :func:`parse_raw_article`
        (empty when the article was built by hand; not compared).
    """

    title: str
    genre: str | None
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]
    credits: tuple[str, ...]
    boilerplate: tuple[str, ...]
    paragraph_starts: tuple[int, ...] = field(default=(), compare=False)

    @property
    def body(self) -> str:
        """The paragraphs joined by a blank line (``"\\n\\n"``)."""
        return "\n\n".join(self.paragraphs)

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a span of :attr:`body` to the parsed text.

        Parameters
        ----------
        start, end : int
            Character offsets into :attr:`body`, ``0 <= start <= end <=
            len(body)``.

        Returns
        -------
        tuple of (int, int) or None
            Offsets ``(a, b)`` into the text given to
            :func:`parse_raw_article` with ``text[a:b] == body[start:end]``;
            None when the span is not inside one paragraph or the article
            has no ``paragraph_starts``.

        Raises
        ------
        TypeError, ValueError
            If ``start``/``end`` are not integers within the body.
        """
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name}: expected an int, got {value!r}")
        if not 0 <= start <= end <= len(self.body):
            raise ValueError(f"start, end: expected 0 <= start <= end <= {len(self.body)}, got {(start, end)!r}")
        if len(self.paragraph_starts) != len(self.paragraphs) or not self.paragraphs:
            return None
        begins, pos = [], 0
        for para in self.paragraphs:
            begins.append(pos)
            pos += len(para) + 2
        i = bisect.bisect_right(begins, start) - 1
        if end > begins[i] + len(self.paragraphs[i]):
            return None
        origin = self.paragraph_starts[i] - begins[i]
        return start + origin, end + origin


def split_credit(line: str) -> tuple[str, str] | None:
    """Split a caption line into ``(caption, credit)``.

    Parameters
    ----------
    line : str
        One stripped line.

    Returns
    -------
    tuple of (str, str) or None
        ``("US President Donald Trump", "VCG Photo")`` for
        ``"US President Donald Trump /VCG Photo"``; None when the line does
        not end with a photo credit.
    """
    match = _CREDIT.search(line)
    if match is None:
        return None
    return line[: match.start()].strip(_STRIP), match.group("credit")


def _lines(text: str) -> list[str]:
    return [line for _, line in _located_lines(text)]


def _located_lines(text: str) -> list[tuple[int, str]]:
    """Every line, stripped, with the offset of its first kept character."""
    pos = 1 if text.startswith("\ufeff") else 0
    out = []
    for match in _LINE_END.finditer(text + "\n", pos):
        raw = text[pos: match.start()]
        stripped = raw.lstrip(_STRIP)
        out.append((pos + len(raw) - len(stripped), stripped.rstrip(_STRIP)))
        pos = match.end()
    return out


class RawArticleError(ValueError):
    """A raw article cannot be parsed; ``source``, ``line`` and
    ``reason`` say where and why (the message joins them)."""

    def __init__(self, source: str | None, line: int, reason: str) -> None:
        super().__init__(f"{source or 'raw article'}, line {line}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


def _is_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6:
        return False
    for word in words:
        if word.lower() in _PARTICLES:
            continue
        if not word[0].isupper() or any(ch.isdigit() for ch in word):
            return False
    return True


def _byline(line: str) -> tuple[str, ...] | None:
    """Return the authors when ``line`` is a byline, else None."""
    if len(line) > 200:
        return None
    match = _BYLINE.match(line)
    if match is None:
        return None
    names = [n.strip(" .\"'\u201c\u201d") for n in _NAME_SPLIT.split(match.group("names"))]
    names = [n for n in names if n]
    if not names or not all(_is_name(n) for n in names):
        return None
    return tuple(names)


def _tags(line: str, source: str | None, lineno: int) -> tuple[str, ...] | None:
    """Return the tags when ``line`` is a tags line, else None."""
    if not _TAGS.match(line):
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise RawArticleError(
            source, lineno, f"tags line looks like a JSON list but does not parse ({exc.msg}): {line[:80]!r}"
        ) from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RawArticleError(source, lineno, f"tags line must be a JSON list of strings, got {line[:80]!r}")
    return tuple(v.strip() for v in value if v.strip())


def looks_like_raw_article(text: str) -> bool:
    """Whether ``text`` looks like a raw scraped article.

    True when the second or third non-blank line looks like a JSON list
    (a tags line) or when any line ends with a photo credit
    (:func:`split_credit`).

    Parameters
    ----------
    text : str

    Returns
    -------
    bool
    """
    lines = [line for line in _lines(text) if line]
    if any(_TAGS.match(line) for line in lines[1:3]):
        return True
    return any(_CREDIT.search(line) for line in lines[1:])


def parse_raw_article(text: str, *, source: str | None = None) -> RawArticle:
    """Parse a raw scraped article.

    Parameters
    ----------
    text : str
        The whole file, decoded.
    source : str, optional
        Name of the file, used in error messages.

    Returns
    -------
    RawArticle

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    RawArticleError
        A ``ValueError`` with ``source``, ``line`` (1-based) and
        ``reason``: the article is empty (no title line), or a tags line
        looks like JSON but is not a JSON list of strings.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    located = _located_lines(text)
    numbered = [(i, line) for i, (_, line) in enumerate(located, start=1) if line]
    if not numbered:
        raise RawArticleError(source, 1, "empty article (no title line)")
    title, genre = numbered[0][1], None
    match = _GENRE.match(title)
    if match is not None:
        genre, title = match.group("genre").lower(), match.group("rest")
    authors: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    pos = 1
    while pos < len(numbered) and pos <= 2:
        lineno, line = numbered[pos]
        if authors is None and (found := _byline(line)) is not None:
            authors = found
        elif tags is None and (found := _tags(line, source, lineno)) is not None:
            tags = found
        else:
            break
        pos += 1
    body, captions, credits = _split_captions([(located[i - 1][0], line) for i, line in numbered[pos:]])
    body, boilerplate = _split_boilerplate(body)
    return RawArticle(
        title=title,
        genre=genre,
        authors=authors or (),
        tags=tags or (),
        paragraphs=tuple(line for _, line in body),
        captions=tuple(captions),
        credits=tuple(credits),
        boilerplate=tuple(line for _, line in boilerplate),
        paragraph_starts=tuple(start for start, _ in body),
    )


def _split_captions(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[str], list[str]]:
    body: list[tuple[int, str]] = []
    captions: list[str] = []
    credits: list[str] = []
    seen: set[str] = set()
    for start, line in lines:
        split = split_credit(line)
        if split is None:
            body.append((start, line))
            continue
        if line in seen:
            continue
        seen.add(line)
        captions.append(split[0])
        credits.append(split[1])
    return body, captions, credits


def _is_boilerplate(paragraph: str) -> bool:
    if paragraph.startswith("(") and paragraph.endswith(")"):
        return True
    return _BOILERPLATE.search(paragraph) is not None


def _split_boilerplate(paragraphs: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    end = len(paragraphs)
    while end > 0 and _is_boilerplate(paragraphs[end - 1][1]):
        end -= 1
    return paragraphs[:end], paragraphs[end:]


_RESERVED = ("text", "captions", "boilerplate", "doc_id", "outlet", "extra")
_DOC_FIELDS = ("title", "date", "authors", "url", "tags", "genre", "story_id", "topic", "lang")


def raw_article_to_document(article: RawArticle, *, doc_id: str, outlet: str, **metadata: Any) -> Document:
    """Turn a parsed article into a :class:`framing.records.Document`.

    Parameters
    ----------
    article : RawArticle
    doc_id, outlet : str
    **metadata
        Values for the other Document fields (``date``, ``url``,
        ``story_id``, ``topic``, ``lang``; ``title``, ``genre``,
        ``authors``, ``tags`` override the parsed ones when not None) and
        any other key, which goes to ``Document.extra``.

    Returns
    -------
    Document
        ``text`` is the body; ``captions`` and ``boilerplate`` are joined
        by ``"\\n"`` (None when there are none); ``extra["credits"]`` is the
        list of photo credits, parallel to the caption lines.

    Raises
    ------
    TypeError
        If ``article`` is not a RawArticle, or ``metadata`` names
        ``text``, ``captions``, ``boilerplate`` or ``extra`` (they come
        from the article).
    """
    if not isinstance(article, RawArticle):
        raise TypeError(f"article must be a RawArticle, got {type(article).__name__}")
    clash = sorted(k for k in metadata if k in _RESERVED)
    if clash:
        raise TypeError(f"metadata may not set {', '.join(clash)}: these come from the article")
    fields: dict[str, Any] = {
        "title": article.title,
        "genre": article.genre,
        "authors": article.authors,
        "tags": article.tags,
    }
    extra: dict[str, Any] = {"credits": list(article.credits)}
    for key, value in metadata.items():
        if key in _DOC_FIELDS:
            if value is not None:
                if key in ("authors", "tags"):
                    value = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
                fields[key] = value
        else:
            extra[key] = value
    return Document(
        doc_id=doc_id,
        outlet=outlet,
        text=article.body,
        captions="\n".join(article.captions) if article.captions else None,
        boilerplate="\n".join(article.boilerplate) if article.boilerplate else None,
        extra=extra,
        **fields,
    )
