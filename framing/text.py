"""Offline text handling: folding with an offset map, tokens, sentences.

Everything that counts tokens in :mod:`framing` follows the rules below;
the fast scorer in :mod:`framing.match` reproduces them exactly (a
property-based test compares the two on random texts).

Folding (``fold``)
    Applied character by character, so every folded character can be
    traced back to the original character it came from
    (:func:`fold_with_offsets`):

    1. typographic punctuation is mapped to ASCII: curly and angled
       apostrophes (``’ ‘ ‛ ʼ ′ ` ´``) become ``'``; curly, low and angle
       double quotes become ``"``; every dash and the minus sign become
       ``-``; non-breaking, thin and other Unicode spaces become a space;
       the ellipsis ``…`` becomes ``...``; the soft hyphen, zero-width
       joiners and the byte-order mark vanish; the zero-width space
       becomes a space;
    2. NFKD compatibility decomposition (ligatures such as ``ﬁ`` become
       ``fi``, full-width letters become ASCII);
    3. every nonspacing combining mark (Unicode category ``Mn``) is
       removed: ``façade`` = ``facade``;
    4. case folding (``str.casefold``): ``FAÇADE`` = ``façade``,
       ``Straße`` = ``strasse``.

Tokens (``tokenize``)
    Computed on the folded text.  A *token character* is a letter or
    digit (``str.isalnum``).  A token is a maximal run of token
    characters in which a single apostrophe ``'`` or full stop ``.`` may
    join two token characters.  Hence ``regime's``, ``don't``, ``U.S``,
    ``3.5`` and ``example.com`` are single tokens; ``so-called`` is two
    tokens (``so``, ``called``) because a hyphen separates; ``1,000`` is
    two tokens; a URL splits at ``/ : ? = &`` and so on; leading and
    trailing apostrophes are not part of a token (``countries'`` →
    ``countries``).  Underscores separate.

Sentence breaks
    ``!``, ``?`` and every ``.`` that does not join two token characters
    end a sentence (so ``U.S.`` ends one; ``3.5`` does not).  Breaks block
    multi-word phrases and negation windows; the ``sentence`` number of
    a hit counts runs of breaks before it.  For prose sentences with
    abbreviation handling use :func:`sentence_spans` with
    ``method="punkt"`` (NLTK's Punkt, untrained or trained on your own
    corpus; no data download).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

__all__ = [
    "PUNCT_MAP",
    "FoldedText",
    "Token",
    "fold",
    "fold_char",
    "fold_with_offsets",
    "tokenize",
    "token_norms",
    "count_tokens",
    "folded_tokens",
    "sentence_spans",
    "term_tokens",
]

_APOSTROPHES = "\u2019\u2018\u201b\u02bc\u2032`\u00b4"
_DQUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u200b\u2028\u2029"
_VANISH = "\u00ad\u200c\u200d\u2060\ufeff"

PUNCT_MAP: dict[str, str] = {}
PUNCT_MAP.update({c: "'" for c in _APOSTROPHES})
PUNCT_MAP.update({c: '"' for c in _DQUOTES})
PUNCT_MAP.update({c: "-" for c in _DASHES})
PUNCT_MAP.update({c: " " for c in _SPACES})
PUNCT_MAP.update({c: "" for c in _VANISH})
PUNCT_MAP["\u2026"] = "..."

# The most frequent non-ASCII characters in English news, replaced with
# str.replace before the per-character path (same result, much faster).
_COMMON = ("\u2019", "\u201c", "\u201d", "\u2018", "\u2014", "\u2013", "\u00a0", "\u2026")

_NONASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """Fold one character (see the module docstring); the result is
    stable under ``str.lower``."""
    if char.isascii():
        return char.lower()
    mapped = PUNCT_MAP.get(char)
    if mapped is not None:
        return mapped
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part) == "Mn":
            continue
        for sub in unicodedata.normalize("NFKD", part.casefold()):
            if unicodedata.category(sub) == "Mn":
                continue
            out.append(PUNCT_MAP.get(sub, sub))
    return "".join(out).lower()


def _fold_match(match: re.Match[str]) -> str:
    return fold_char(match.group())


def fold(text: str) -> str:
    """Return the folded text (no offset map; the scoring hot path)."""
    return _fold_cased(text).lower()


def _fold_cased(text: str) -> str:
    """:func:`fold` without its final ``str.lower`` pass.

    Every non-ASCII character is already folded and lowered here (by
    :func:`fold_char`, whose result is stable under ``str.lower``), so
    the final pass only changes ASCII ``A-Z``.  The fast scorer maps
    those itself in the byte translation it needs anyway, and skips a
    copy of the text.
    """
    if text.isascii():
        return text
    for char in _COMMON:
        if char in text:
            text = text.replace(char, PUNCT_MAP[char])
    if text.isascii():
        return text
    return _NONASCII.sub(_fold_match, text)


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Folded text with a map back to the original.

    ``src_start[j]`` / ``src_end[j]`` are the original offsets of the
    character that produced folded character ``j``; both are ``None``
    when the text is ASCII (the map is then the identity).
    """

    original: str
    folded: str
    src_start: tuple[int, ...] | None = None
    src_end: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span ``[start, end)`` (``end > start``) to the
        original text."""
        if self.src_start is None or self.src_end is None:
            return start, end
        return self.src_start[start], self.src_end[end - 1]

    def position(self, index: int) -> int:
        """Map a folded position (``0 <= index <= len(folded)``) to the
        original text."""
        if self.src_start is None:
            return index
        if index >= len(self.folded):
            return len(self.original)
        return self.src_start[index]


def fold_with_offsets(text: str) -> FoldedText:
    """Fold ``text`` and keep a character offset map to the original.

    ``fold_with_offsets(t).folded == fold(t)`` for every string ``t``.
    """
    if text.isascii():
        return FoldedText(text, text.lower())
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for match in _NONASCII.finditer(text):
        i = match.start()
        if i > pos:
            run = text[pos:i].lower()
            pieces.append(run)
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        folded = fold_char(match.group())
        pieces.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
        pos = i + 1
    if pos < len(text):
        pieces.append(text[pos:].lower())
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return FoldedText(text, "".join(pieces), tuple(starts), tuple(ends))


TOKEN_PATTERN = r"[^\W_]+(?:['.][^\W_]+)*"
_STREAM = re.compile(rf"({TOKEN_PATTERN})|[.!?]")
_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True, slots=True)
class Token:
    """A token: ``norm`` is its folded form; ``start``/``end`` are
    offsets into the original text; ``sentence`` is its 0-based sentence
    number under the rule-based splitter."""

    norm: str
    start: int
    end: int
    sentence: int


def folded_tokens(ft: FoldedText) -> Iterator[tuple[str, int, int, int]]:
    """Yield ``(norm, fstart, fend, sentence)`` for every token of a
    folded text: offsets into ``ft.folded``, sentence numbers counting
    runs of breaks (the one loop behind :func:`tokenize` and the located
    matching path)."""
    sentence = 0
    after_break = False
    seen = False
    for match in _STREAM.finditer(ft.folded):
        norm = match.group(1)
        if norm is None:
            after_break = True
            continue
        if after_break and seen:
            sentence += 1
        after_break = False
        seen = True
        yield norm, match.start(), match.end(), sentence


def tokenize(text: str) -> list[Token]:
    """Tokenise ``text`` under the documented rules, with original
    offsets and sentence numbers."""
    ft = fold_with_offsets(text)
    return [Token(norm, *ft.span(start, end), sentence) for norm, start, end, sentence in folded_tokens(ft)]


def token_norms(text: str) -> list[str]:
    """The folded tokens of ``text``, in order (no offsets)."""
    return _TOKEN.findall(fold(text))


def count_tokens(text: str) -> int:
    """Number of tokens in ``text`` (the denominator of every rate)."""
    return len(token_norms(text))


def sentence_spans(text: str, *, method: str = "rules", punkt=None) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets.

    Parameters
    ----------
    text : str
    method : {"rules", "punkt"}
        ``"rules"`` uses the token rules above (a sentence ends at a
        break).  ``"punkt"`` uses NLTK's Punkt algorithm (Kiss & Strunk
        2006) without any data download: pass a trained
        ``nltk.tokenize.punkt.PunktSentenceTokenizer`` as ``punkt`` (for
        instance trained on your own corpus with ``PunktTrainer``), or
        leave it ``None`` for an untrained one.
    """
    if method == "punkt":
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        tokenizer = punkt if punkt is not None else PunktSentenceTokenizer()
        return [(int(s), int(e)) for s, e in tokenizer.span_tokenize(text)]
    if method != "rules":
        raise ValueError(f"method must be 'rules' or 'punkt', got {method!r}")
    spans: list[tuple[int, int]] = []
    current: list[int] | None = None
    for tok in tokenize(text):
        if current is None or tok.sentence != current[2]:
            if current is not None:
                spans.append((current[0], current[1]))
            current = [tok.start, tok.end, tok.sentence]
        else:
            current[1] = tok.end
    if current is not None:
        spans.append((current[0], current[1]))
    # extend each sentence over its closing punctuation up to the next one
    out = []
    for i, (start, end) in enumerate(spans):
        limit = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        tail = text[end:limit]
        stripped = len(tail) - len(tail.lstrip(".!?\u2026\"'\u201d\u2019)"))
        out.append((start, end + stripped))
    return out


_GLOB_WORD = re.compile(rf"{TOKEN_PATTERN}\*?|\*")


def term_tokens(term: str) -> tuple[str, ...]:
    """Split a lexicon term into folded word patterns.

    ``"Façade"`` → ``("facade",)``; ``"so-called"`` → ``("so", "called")``;
    ``"pretens*"`` → ``("pretens*",)``; ``"ratchet* up"`` →
    ``("ratchet*", "up")``.  A ``*`` is allowed only at the end of a
    word (a prefix glob).

    Raises
    ------
    ValueError
        If the term is empty, contains a sentence break, or places ``*``
        anywhere but at the end of a word.
    """
    folded = fold(term)
    words = _GLOB_WORD.findall(folded)
    if not words:
        raise ValueError(f"term {term!r} contains no word")
    rest = _GLOB_WORD.sub(" ", folded)
    if re.search(r"[.!?]", rest):
        raise ValueError(f"term {term!r} contains sentence-ending punctuation; a phrase cannot span sentences")
    for word in words:
        if word == "*" or word.count("*") > 1 or ("*" in word and not word.endswith("*")):
            raise ValueError(f"term {term!r}: '*' is allowed only at the end of a word (prefix glob), as in 'pretens*'")
    if "*" in rest or re.search(r"\*[^\W_]", folded):
        raise ValueError(f"term {term!r}: '*' is allowed only at the end of a word (prefix glob), as in 'pretens*'")
    return tuple(words)
