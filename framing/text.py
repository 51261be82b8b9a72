"""Offline text handling: folding with an offset map, tokens, sentences.

Everything that counts tokens in :mod:`framing` follows the rules below;
the fast scorer in :mod:`framing.match` reproduces them exactly (tests
compare the two on random texts, in English and in other scripts).

Folding (``fold``)
    Folding works on *clusters*: a character that is not a combining
    mark together with the combining marks (Unicode categories ``Mn``,
    ``Mc``, ``Me``) that follow it.  Every folded character comes from
    one cluster and maps back to that cluster's span of the original
    (:func:`fold_with_offsets`); an ASCII character is a cluster of its
    own (marks after an ASCII character are always removed, see 3).

    1. typographic punctuation is mapped to ASCII: curly and angled
       apostrophes (``’ ‘ ‛ ʼ ′ ` ´``) become ``'``; curly, low and angle
       double quotes become ``"``; every dash and the minus sign become
       ``-``; non-breaking, thin and other Unicode spaces become a space;
       the ellipsis ``…`` becomes ``...``; the soft hyphen, zero-width
       joiners and the byte-order mark vanish; the zero-width space
       becomes a space.  Sentence-ending marks of other scripts become
       ASCII: the ideographic full stop ``。``, the Devanagari danda
       ``।`` and double danda ``॥`` and the Urdu full stop ``۔`` become
       ``.``; the Arabic question mark ``؟`` becomes ``?`` (full-width
       ``！ ？`` become ``! ?`` by step 2).  Marks on punctuation are
       removed;
    2. NFKD compatibility decomposition (ligatures such as ``ﬁ`` become
       ``fi``, full-width letters become ASCII, half-width katakana
       become full-width);
    3. combining marks are removed or kept according to the script of
       the letter or digit they sit on (its Unicode block); a mark on
       anything else (punctuation, a space, the start of the text) is
       removed, and so are variation selectors and the combining
       grapheme joiner everywhere:

       * **Latin** (U+0000–U+02AF, U+1D00–U+1DBF, U+1E00–U+1EFF,
         U+2C60–U+2C7F, U+A720–U+A7FF, U+AB30–U+AB6F and the supplementary
         Latin blocks): every mark is removed: ``façade`` = ``facade``; so are
         the tone marks of Vietnamese (``Việt`` = ``viet``).
         Letters with a stroke that Unicode does not decompose
         (``ø ł đ ħ``) are kept as they are.  The Turkish dotless ``ı``
         folds to ``i``, and the dot of ``İ`` is removed, so ``I ı İ i``
         (and Python's ``"İ".lower()``, ``i`` + U+0307) all fold to
         ``i``: ``Iğdır`` = ``IĞDIR`` = ``ığdır`` = ``igdir``,
         ``İstanbul`` = ``istanbul`` (folding is lossy for matching, as
         for every Latin accent);
       * **Greek** (U+0370–U+03FF, U+1F00–U+1FFF): every mark is removed
         (tonos, dialytika, the polytonic breathings, accents and iota
         subscript): ``Αθήνα`` = ``αθηνα``;
       * **Cyrillic** (U+0400–U+052F, U+1C80–U+1C8F, U+A640–U+A69F,
         U+1E030–U+1E08F): marks are kept, since they make distinct
         letters (``й`` is not ``и``, ``ў``, ``ї``, ``ӧ`` …), except
         the stress accents U+0300 and U+0301, which are removed
         (``замо́к`` = ``замок``; but Macedonian ``ѓ`` and ``ќ`` keep
         their acute), and the diaeresis on ``е``: ``ё`` folds to ``е``
         as is conventional in Russian, where ``ё`` is optional in
         ordinary print (``ещё`` = ``еще``);
       * **Hebrew** (U+0590–U+05FF, U+FB1D–U+FB4F): every mark (niqqud
         and cantillation, which ordinary text omits) is removed;
       * **Arabic** (U+0600–U+06FF, U+0750–U+077F, U+0870–U+08FF,
         U+FB50–U+FDFF, U+FE70–U+FEFF): the optional short-vowel signs
         (harakat U+064B–U+0652: tanwin, fatha, damma, kasra, shadda,
         sukun; U+0656–U+065E; the superscript alef U+0670) and the
         Qur'anic annotation signs (U+0610–U+061A, U+06D6–U+06ED) are
         removed, as is the tatweel ``ـ`` (U+0640); hamza and madda
         (U+0653–U+0655) are kept, so ``أ إ آ ؤ ئ`` stay distinct
         letters: ``كَتَبَ`` = ``كتب``;
       * **every other script** (Devanagari and the other Indic scripts,
         Thai, Lao, Tibetan, Myanmar, Khmer, Hangul, Han, Kana, …): every
         mark is kept: vowel signs, viramas, nuktas, anusvara and the
         kana voicing marks are part of the letter (``हिंदी`` keeps all
         five characters; ``が`` is not ``か``);
    4. case folding (``str.casefold``, then marks are filtered again by
       step 3): ``FAÇADE`` = ``façade``, ``Straße`` = ``strasse``,
       ``ς`` = ``σ``;
    5. canonical composition (NFC), so that what is kept is written one
       way whether the input was composed or decomposed (``й``, ``أ``,
       ``が``, Hangul syllables).

Tokens (``tokenize``)
    Computed on the folded text.  A *token character* is a letter or
    digit (``str.isalnum``) or a combining mark (which after folding
    always follows a letter or digit).  A token is a maximal run of token
    characters in which a single apostrophe ``'`` or full stop ``.`` may
    join two token characters.  Hence ``regime's``, ``don't``, ``U.S``,
    ``3.5`` and ``example.com`` are single tokens; ``so-called`` is two
    tokens (``so``, ``called``) because a hyphen separates; ``1,000`` is
    two tokens; a URL splits at ``/ : ? = &`` and so on; leading and
    trailing apostrophes are not part of a token (``countries'`` →
    ``countries``).  Underscores separate.  ``हिंदी भाषा`` is two
    tokens; an Arabic word with harakat is one token.

    Han and Kana (Han ideographs and their extensions, ``々 〇``,
    Hiragana, Katakana including ``ー``; see :data:`CJK_RANGES`) are
    written without spaces, so each such character (with any marks
    after it) is a token of its own: rates of Chinese and Japanese text
    are per character.  A lexicon term written in these scripts is split
    the same way, so ``中国`` is the two-word phrase ``中 国`` and matches
    the two characters in sequence (within a sentence, like every
    phrase).  Hangul, Thai and every other script are tokenised by the
    general rule (Thai, written without spaces, gives one token per
    space-delimited run).

    Opt-in dictionary segmentation: :func:`tokenize`, :func:`token_norms`,
    :func:`count_tokens`, :func:`term_tokens` and :func:`fold_for_scan`
    accept ``segmentation="jieba"`` (extra ``framing-toolkit[cjk]``),
    which cuts each run of Han/Kana tokens that touch in the folded text
    (no space, break or other token between them) into words of jieba's
    bundled dictionary (a local ``jieba.Tokenizer``, HMM off, so no
    unseen-word guessing and the same words on every machine; a cut
    inside a character and its marks is dropped): ``经济政策`` is the two
    tokens ``经济 政策``, and a lexicon term ``经济`` is one word, which
    does not match inside ``经济学`` (another word).  Offsets stay those
    of the original characters.  The default ``"char"`` is the rule
    above.  The scorer takes it from the compiled lexicon
    (``framing.match.compile_lexicon(lexicon, segmentation=...)``), runs
    from ``[preprocessing] segmentation``.

Sentence breaks
    ``!``, ``?`` and every ``.`` that does not join two token characters
    end a sentence (so ``U.S.`` ends one; ``3.5`` does not); by folding
    step 1 this includes ``。 । ॥ ۔ ؟ ！ ？``.  Breaks block
    multi-word phrases and negation windows; the ``sentence`` number of
    a hit counts runs of breaks before it.  For prose sentences with
    abbreviation handling use :func:`sentence_spans` with
    ``method="punkt"`` (NLTK's Punkt, untrained or trained on your own
    corpus; no data download).

The character classes follow the Unicode database of the running
Python (:data:`unicodedata.unidata_version`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

__all__ = [
    "CJK_RANGES",
    "CJK_EXTRA",
    "SEGMENTATIONS",
    "check_segmentation",
    "segmenter_version",
    "PUNCT_MAP",
    "FoldedText",
    "Token",
    "fold",
    "fold_cased",
    "fold_char",
    "fold_for_scan",
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
# ideographic full stop, Devanagari danda and double danda, Urdu full stop
_FULL_STOPS = "\u3002\u0964\u0965\u06d4"

PUNCT_MAP: dict[str, str] = {}
PUNCT_MAP.update({c: "'" for c in _APOSTROPHES})
PUNCT_MAP.update({c: '"' for c in _DQUOTES})
PUNCT_MAP.update({c: "-" for c in _DASHES})
PUNCT_MAP.update({c: " " for c in _SPACES})
PUNCT_MAP.update({c: "" for c in _VANISH})
PUNCT_MAP.update({c: "." for c in _FULL_STOPS})
PUNCT_MAP["\u061f"] = "?"  # Arabic question mark
PUNCT_MAP["\u2026"] = "..."

# Letters folded to another letter (after NFKD and case folding): the
# Turkish dotless i, and the Arabic tatweel (a stretch, not a letter).
_LETTER_MAP = {"\u0131": "i", "\u0640": ""}

# The most frequent non-ASCII characters in English news, replaced with
# str.replace before the per-cluster path (same result, much faster).
_COMMON = ("\u2019", "\u201c", "\u201d", "\u2018", "\u2014", "\u2013", "\u00a0", "\u2026")


def _class(spans: tuple[tuple[int, int], ...], keep: Callable[[str], bool]) -> str:
    """A regular-expression character class body (no brackets) of the
    code points in ``spans`` (inclusive) for which ``keep`` holds."""
    parts: list[str] = []
    run_start = None
    prev = -2
    for lo, hi in spans:
        for cp in range(lo, hi + 1):
            if keep(chr(cp)):
                if cp != prev + 1:
                    if run_start is not None:
                        parts.append((run_start, prev))
                    run_start = cp
                prev = cp
    if run_start is not None:
        parts.append((run_start, prev))

    def esc(cp: int) -> str:
        return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"

    return "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in parts)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


# One combining mark (planes 0, 1 and 14 hold them all).  The marks
# outside the BMP (hundreds of short ranges) are tested only for
# characters outside the BMP: one big class is several times slower.
_BMP_MARKS = _class(((0x0300, 0xFFFF),), _is_mark)
_ASTRAL_MARKS = _class(((0x10000, 0x1FFFF), (0xE0000, 0xE0FFF)), _is_mark)
_MARK = rf"(?:[{_BMP_MARKS}]|(?=[\U00010000-\U0010ffff])[{_ASTRAL_MARKS}])"

#: Blocks whose letters are one token each: Han ideographs (with the
#: radicals, ``々 〇`` and the Hangzhou numerals), Hiragana and Katakana
#: (with their extensions).  Only letters and digits in them count.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3038, 0x303C),
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9D),  # half-width katakana
    (0x1AFF0, 0x1B16F),  # kana extensions and supplement
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
_CJK = _class(CJK_RANGES, str.isalnum)

# Base blocks of the scripts whose marks are (partly) removed by folding.
_SCRIPT_SPANS = sorted(
    [(lo, hi, "latin") for lo, hi in (
        (0x0000, 0x02AF), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF),
        (0xAB30, 0xAB6F), (0x10780, 0x107BF), (0x1DF00, 0x1DFFF),
    )]
    + [(lo, hi, "greek") for lo, hi in ((0x0370, 0x03FF), (0x1F00, 0x1FFF))]
    + [(lo, hi, "cyrillic") for lo, hi in ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0xA640, 0xA69F), (0x1E030, 0x1E08F))]
    + [(lo, hi, "hebrew") for lo, hi in ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))]
    + [(lo, hi, "arabic") for lo, hi in (
        (0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),
    )]
)
_SCRIPT_STARTS = [lo for lo, _, _ in _SCRIPT_SPANS]


def _script(char: str) -> str:
    """``"latin"``, ``"greek"``, ``"cyrillic"``, ``"hebrew"``,
    ``"arabic"`` or ``"other"``, by the block of ``char``."""
    cp = ord(char)
    i = bisect_right(_SCRIPT_STARTS, cp) - 1
    if i >= 0 and cp <= _SCRIPT_SPANS[i][1]:
        return _SCRIPT_SPANS[i][2]
    return "other"


def _spans_set(*spans: tuple[int, int]) -> frozenset[str]:
    return frozenset(chr(cp) for lo, hi in spans for cp in range(lo, hi + 1))


# removed on every base: variation selectors, the combining grapheme joiner
_ALWAYS_REMOVED = _spans_set((0x034F, 0x034F), (0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
_ARABIC_REMOVED = _spans_set(
    (0x0610, 0x061A), (0x064B, 0x0652), (0x0656, 0x065E), (0x0670, 0x0670), (0x06D6, 0x06ED),
)
_CYRILLIC_STRESS = frozenset("\u0300\u0301")


def _keeps(base: str, mark: str) -> bool:
    """Does folding keep ``mark`` on the letter or digit ``base``?"""
    if mark in _ALWAYS_REMOVED:
        return False
    script = _script(base)
    if script == "other":
        return True
    if script == "cyrillic":
        low = base.lower()
        if mark in _CYRILLIC_STRESS:
            return mark == "\u0301" and low in ("\u0433", "\u043a")  # ѓ ќ
        return not (mark == "\u0308" and low == "\u0435")  # ё -> е
    if script == "arabic":
        return mark not in _ARABIC_REMOVED
    return False  # latin, greek, hebrew


def _filter(decomposed: str) -> str:
    """Map the non-mark characters of an NFKD string (punctuation,
    letters) and keep the marks that :func:`_keeps` keeps."""
    out: list[str] = []
    base: str | None = None
    for char in decomposed:
        if _is_mark(char):
            if base is not None and _keeps(base, char):
                out.append(char)
            continue
        mapped = PUNCT_MAP.get(char, char)
        mapped = _LETTER_MAP.get(mapped, mapped)
        out.append(mapped)
        base = char if mapped == char and char.isalnum() else None
    return "".join(out)


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """Fold a non-ASCII cluster: a character that is not a mark and the
    marks after it."""
    mapped = PUNCT_MAP.get(cluster[0])
    if mapped is not None:
        # what follows punctuation is folded as if nothing came before it
        # (as it is when the punctuation was replaced first, see _COMMON)
        return mapped + _fold_cluster(cluster[1:]) if len(cluster) > 1 else mapped
    kept = _filter(unicodedata.normalize("NFKD", cluster))
    folded = _filter(unicodedata.normalize("NFKD", kept.casefold()))
    if folded.isascii():
        return folded.lower()
    return unicodedata.normalize("NFC", folded).lower()


def fold_char(char: str) -> str:
    """Fold one character on its own (see the module docstring): a
    combining mark alone (with no letter before it) folds to ``""``.
    The result is stable under ``str.lower``."""
    if char.isascii():
        return char.lower()
    if _is_mark(char):
        return ""
    return _fold_cluster(char)


# a maximal run of non-ASCII characters; within it, the clusters: a
# character and the marks after it.  The half-width voicing marks
# (letters of their own that NFKD turns into combining marks) join the
# kana before them, and conjoining Hangul vowels and finals the jamo
# before them, so that decomposed (NFD) Hangul composes into syllables;
# the Arabic tatweel, which folding drops, joins the cluster before it, so
# that what it separated composes as if it were never there.
# Marks at the start of a run make a cluster without a base, which folds
# to "".
# (written so, not ``[^\x00-\x7f]+``: the engine then finds the first
# character of a run with its fast character-set search)
_RUN = re.compile(r"[^\x00-\x7f][^\x00-\x7f]*")
_CLUSTER = re.compile(rf"(?s:.)(?:{_MARK}|[\uff9e\uff9f\u1160-\u11ff\ud7b0-\ud7ff\u0640])*")


@lru_cache(maxsize=65536)
def _fold_short_run(run: str) -> str:
    return "".join([_fold_cluster(c) for c in _CLUSTER.findall(run)])


def _fold_run(match: re.Match[str]) -> str:
    """Fold a run of non-ASCII characters; marks at its start (after an
    ASCII character or at the start of the text) are removed."""
    return _fold_run_text(match.group())


def _fold_run_text(run: str) -> str:
    if len(run) <= 32:
        return _fold_short_run(run)
    return "".join([_fold_cluster(c) for c in _CLUSTER.findall(run)])


def fold(text: str) -> str:
    """Return the folded text (no offset map; the scoring hot path)."""
    return fold_cased(text).lower()


def fold_cased(text: str) -> str:
    """:func:`fold` without its final ``str.lower`` pass.

    Every non-ASCII character is already folded and lowered here, so the
    final pass only changes ASCII ``A-Z``.  The fast scorer maps those
    itself in the byte translation it needs anyway, and skips a copy of
    the text.
    """
    text = _replace_common(text)
    if text.isascii():
        return text
    return _RUN.sub(_fold_run, text)


def _replace_common(text: str) -> str:
    """``text`` with the ``_COMMON`` characters replaced (``str.replace``
    finds a single character with a memchr-like search: faster than a
    regular expression or ``str.translate`` on non-ASCII text)."""
    if text.isascii():
        return text
    for char in _COMMON:
        if char in text:
            text = text.replace(char, PUNCT_MAP[char])
    return text


# a non-ASCII character that cannot be part of a token
_NONTOKEN_NONASCII = re.compile(rf"[^\x00-\x7f\w{_BMP_MARKS}](?<![{_ASTRAL_MARKS}])")
# a text cut into ASCII stretches and runs of non-ASCII characters (the
# runs at odd places of ``split``)
_RUN_SPLIT = re.compile(rf"({_RUN.pattern})")


@lru_cache(maxsize=65536)
def _scan_short_run(run: str) -> str:
    return _NONTOKEN_NONASCII.sub(" ", _fold_short_run(run))


def _scan_run(run: str) -> str:
    """A run of non-ASCII characters folded (:func:`_fold_run`) and its
    characters that cannot be part of a token blanked."""
    if len(run) <= 32:
        return _scan_short_run(run)
    return _NONTOKEN_NONASCII.sub(" ", _fold_run_text(run))
_CJK_TOKEN = rf"[{_CJK}]{_MARK}*"
_CJK_ONE = re.compile(_CJK_TOKEN)
# a cheap test first: no character as high, no Han/Kana
_CJK_HIGH = re.compile(rf"[\u{CJK_RANGES[0][0]:04x}-\U0010ffff]")
_CJK_RUN = re.compile(rf"{_CJK_TOKEN}(?:{_CJK_TOKEN})*")


def _space_cjk(match: re.Match[str]) -> str:
    return " " + " ".join(_CJK_ONE.findall(match.group())) + " "


@dataclass(frozen=True, slots=True)
class FoldedText:
    """Folded text with a map back to the original.

    ``src_start[j]`` / ``src_end[j]`` are the original offsets of the
    cluster (a character and the combining marks after it) that produced
    folded character ``j``; both are ``None`` when the text is ASCII
    (the map is then the identity).
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


def _fold_run_offsets(run: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """A run of non-ASCII characters folded, with the start and end (in
    the run) of the cluster behind each folded character."""
    if len(run) <= 32:
        return _fold_short_run_offsets(run)
    return _fold_long_run_offsets(run)


@lru_cache(maxsize=16384)
def _fold_short_run_offsets(run: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    return _fold_long_run_offsets(run)


def _fold_long_run_offsets(run: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for cluster in _CLUSTER.finditer(run):
        folded = _fold_cluster(cluster.group())
        pieces.append(folded)
        starts.extend([cluster.start()] * len(folded))
        ends.extend([cluster.end()] * len(folded))
    return "".join(pieces), tuple(starts), tuple(ends)


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
    for run in _RUN.finditer(text):
        i = run.start()
        if i > pos:
            pieces.append(text[pos:i].lower())
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        folded, run_starts, run_ends = _fold_run_offsets(run.group())
        pieces.append(folded)
        starts.extend([i + k for k in run_starts])
        ends.extend([i + k for k in run_ends])
        pos = run.end()
    if pos < len(text):
        pieces.append(text[pos:].lower())
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return FoldedText(text, "".join(pieces), tuple(starts), tuple(ends))


# A word: letters and digits outside Han/Kana, with the marks among and
# after them (a word never starts with a mark: folding keeps marks only
# after a letter or digit).  A Han/Kana character and its marks are a
# token of their own.
_WORD_CHAR = rf"[^\W_{_CJK}]"
_WORD = rf"{_WORD_CHAR}{_WORD_CHAR}*(?:{_MARK}+{_WORD_CHAR}*)*"
TOKEN_PATTERN = rf"{_WORD}(?:['.]{_WORD})*|{_CJK_TOKEN}"
_STREAM = re.compile(rf"({TOKEN_PATTERN})|[.!?]")
_TOKEN = re.compile(TOKEN_PATTERN)
# the same rules for ASCII text (no marks, no Han/Kana), much faster
_ASCII_TOKEN_PATTERN = r"[^\W_]+(?:['.][^\W_]+)*"
_ASCII_STREAM = re.compile(rf"({_ASCII_TOKEN_PATTERN})|[.!?]")
_ASCII_TOKEN = re.compile(_ASCII_TOKEN_PATTERN)


@dataclass(frozen=True, slots=True)
class Token:
    """A token: ``norm`` is its folded form; ``start``/``end`` are
    offsets into the original text; ``sentence`` is its 0-based sentence
    number under the rule-based splitter."""

    norm: str
    start: int
    end: int
    sentence: int


#: How runs of Han/Kana characters become tokens: one token per character
#: (``"char"``, the default) or words of jieba's dictionary (``"jieba"``,
#: extra ``framing-toolkit[cjk]``).
SEGMENTATIONS: tuple[str, ...] = ("char", "jieba")

#: What to install for ``segmentation="jieba"``.
CJK_EXTRA = "pip install 'framing-toolkit[cjk]'"


@lru_cache(maxsize=1)
def _jieba_tokenizer():
    """One local jieba tokenizer per process, dictionary loaded (from the
    package's bundled ``dict.txt``; no network)."""
    try:
        import jieba
    except ImportError as err:
        raise ImportError(
            f"segmentation='jieba' needs the optional dependency jieba: {CJK_EXTRA} (or pip install jieba)"
        ) from err
    import logging

    tk = jieba.Tokenizer()
    # jieba logs "Building prefix dict..." at DEBUG on its own logger
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk.initialize()
    return tk


def segmenter_version(segmentation: str) -> str | None:
    """The version of the segmenter behind ``segmentation`` (``None`` for
    ``"char"``, which is framing's own rule): recorded in run manifests.

    Raises
    ------
    ValueError
        An unknown ``segmentation``.
    ImportError
        ``"jieba"`` without jieba installed (names :data:`CJK_EXTRA`).
    """
    if check_segmentation(segmentation) == "char":
        return None
    _jieba_tokenizer()
    import jieba

    return f"jieba {jieba.__version__}"


def check_segmentation(segmentation: object) -> str:
    """Validate a ``segmentation`` option (one of :data:`SEGMENTATIONS`)."""
    from .check import check_choice

    return check_choice("segmentation", segmentation, SEGMENTATIONS)


# a run of adjacent Han/Kana tokens (each a character and its marks) of
# the folded text, and the boundaries of its tokens
@lru_cache(maxsize=65536)
def _cut_run(run: str) -> tuple[int, ...]:
    """Ends (offsets into ``run``) of the jieba words of a run of Han/Kana
    tokens of the folded text (HMM off).  A cut that jieba makes inside a
    token (between a character and a mark it keeps) is dropped, so every
    word is a sequence of whole one-character tokens."""
    bounds = {m.end() for m in _CJK_ONE.finditer(run)}
    ends = []
    for _, _, end in _jieba_tokenizer().tokenize(run, mode="default", HMM=False):
        if end in bounds:
            ends.append(end)
    if not ends or ends[-1] != len(run):
        ends.append(len(run))
    return tuple(ends)


def _segment_words(run: str) -> list[str]:
    """The jieba words of a run of Han/Kana tokens (see :func:`_cut_run`)."""
    out = []
    start = 0
    for end in _cut_run(run):
        out.append(run[start:end])
        start = end
    return out


def _space_words(match: re.Match[str]) -> str:
    return " " + " ".join(_segment_words(match.group())) + " "


def fold_for_scan(text: str, *, segmentation: str = "char") -> str:
    """:func:`fold_cased` laid out for the fast scorer's byte rules.

    Every non-ASCII character that cannot be part of a token becomes a
    space, and every Han or Kana token is set apart by spaces (a run of
    them is written with single spaces between its tokens), so that the
    tokens of the result are its runs of non-space characters under the
    ASCII rules of :mod:`framing.match.matcher`.  ASCII is left as it is
    (capitals included).  With ``segmentation="jieba"`` the tokens of a
    run of Han/Kana are its jieba words (as :func:`tokenize`); the
    segmenter runs only on texts holding Han or Kana.
    """
    text = _replace_common(text)
    if text.isascii():
        return text
    # = ``_NONTOKEN_NONASCII.sub(" ", fold_cased(text))`` in one pass over
    # the runs of non-ASCII characters only: folding maps each run on its
    # own and leaves ASCII alone, and the blanking reads one character at
    # a time (a test compares the two)
    parts = _RUN_SPLIT.split(text)
    high = False
    for i in range(1, len(parts), 2):
        parts[i] = piece = _scan_run(parts[i])
        if not high and _CJK_HIGH.search(piece):
            high = True
    folded = "".join(parts)
    if high and _CJK_ONE.search(folded):
        if segmentation == "jieba":
            _jieba_tokenizer()  # jieba missing: the ImportError, even where the cuts are cached
            return _CJK_RUN.sub(_space_words, folded)
        folded = _CJK_RUN.sub(_space_cjk, folded)
    return folded


def folded_tokens(ft: FoldedText, *, segmentation: str = "char") -> Iterator[tuple[str, int, int, int]]:
    """Yield ``(norm, fstart, fend, sentence)`` for every token of a
    folded text: offsets into ``ft.folded``, sentence numbers counting
    runs of breaks (the one loop behind :func:`tokenize` and the located
    matching path).

    With ``segmentation="jieba"`` each maximal run of Han/Kana tokens
    that touch in the folded text (no space, break or other token
    between them; hence within one sentence) is one run of words of
    jieba's dictionary, each with the folded offsets of its first and
    last character."""
    sentence = 0
    after_break = False
    seen = False
    folded = ft.folded
    stream = _ASCII_STREAM if folded.isascii() else _STREAM
    jieba = segmentation == "jieba" and stream is _STREAM and _CJK_HIGH.search(folded) is not None \
        and _CJK_ONE.search(folded) is not None
    if jieba:
        _jieba_tokenizer()  # jieba missing: the ImportError, even where the cuts are cached
    run_start = run_end = -1  # a pending run of Han/Kana tokens (jieba)
    run_sentence = 0
    for match in stream.finditer(folded):
        norm = match.group(1)
        if jieba:
            cjk = norm is not None and _CJK_ONE.fullmatch(norm) is not None
            if run_start >= 0 and not (cjk and match.start() == run_end):
                yield from _run_words(folded, run_start, run_end, run_sentence)
                run_start = -1
        if norm is None:
            after_break = True
            continue
        if after_break and seen:
            sentence += 1
        after_break = False
        seen = True
        if jieba and cjk:
            if run_start < 0:
                run_start, run_sentence = match.start(), sentence
            run_end = match.end()
            continue
        yield norm, match.start(), match.end(), sentence
    if jieba and run_start >= 0:
        yield from _run_words(folded, run_start, run_end, run_sentence)


def _run_words(folded: str, start: int, end: int, sentence: int) -> Iterator[tuple[str, int, int, int]]:
    run = folded[start:end]
    begin = 0
    for stop in _cut_run(run):
        yield run[begin:stop], start + begin, start + stop, sentence
        begin = stop


def tokenize(text: str, *, segmentation: str = "char") -> list[Token]:
    """Tokenise ``text`` under the documented rules, with original
    offsets and sentence numbers.

    ``segmentation`` (one of :data:`SEGMENTATIONS`): ``"char"`` makes each
    Han/Kana character a token; ``"jieba"`` cuts runs of them into the
    words of jieba's dictionary (module docstring)."""
    segmentation = check_segmentation(segmentation)
    ft = fold_with_offsets(text)
    return [Token(norm, *ft.span(start, end), sentence)
            for norm, start, end, sentence in folded_tokens(ft, segmentation=segmentation)]


def token_norms(text: str, *, segmentation: str = "char") -> list[str]:
    """The folded tokens of ``text``, in order (no offsets); ``segmentation``
    as in :func:`tokenize`."""
    if segmentation != "char":
        check_segmentation(segmentation)
    folded = fold(text)
    if folded.isascii():
        return _ASCII_TOKEN.findall(folded)
    if segmentation == "jieba" and _CJK_HIGH.search(folded) and _CJK_ONE.search(folded):
        return [t[0] for t in folded_tokens(FoldedText(text, folded), segmentation="jieba")]
    return _TOKEN.findall(folded)


def count_tokens(text: str, *, segmentation: str = "char") -> int:
    """Number of tokens in ``text`` (the denominator of every rate);
    ``segmentation`` as in :func:`tokenize`."""
    return len(token_norms(text, segmentation=segmentation))


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


_GLOB_WORD = re.compile(rf"(?:{TOKEN_PATTERN})\*?|\*")


def term_tokens(term: str, *, segmentation: str = "char") -> tuple[str, ...]:
    """Split a lexicon term into folded word patterns.

    ``"Façade"`` → ``("facade",)``; ``"so-called"`` → ``("so", "called")``;
    ``"pretens*"`` → ``("pretens*",)``; ``"ratchet* up"`` →
    ``("ratchet*", "up")``.  A ``*`` is allowed only at the end of a
    word (a prefix glob).  Han/Kana are split as :func:`tokenize` splits
    them under ``segmentation``: ``"中国"`` is ``("中", "国")`` under
    ``"char"`` and ``("中国",)`` under ``"jieba"``, where ``"经济*"`` is
    the one glob ``("经济*",)`` (every word starting with 经济).

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
    if segmentation != "char" and check_segmentation(segmentation) == "jieba":
        return _term_words(folded)
    return tuple(words)


def _term_words(folded: str) -> tuple[str, ...]:
    """The words of a checked, folded term under jieba: each run of
    adjacent Han/Kana words (a ``*`` only after the last) is cut into
    jieba words, the ``*`` kept on the last."""
    _jieba_tokenizer()  # jieba missing: the ImportError, even where the cuts are cached
    out: list[str] = []
    run: list[str] = []
    run_end = -1
    glob = False

    def flush() -> None:
        if run:
            words = _segment_words("".join(run))
            if glob:
                words[-1] += "*"
            out.extend(words)
            run.clear()

    for match in _GLOB_WORD.finditer(folded):
        word = match.group()
        base = word[:-1] if word.endswith("*") else word
        if _CJK_ONE.fullmatch(base) is not None:
            if not (run and match.start() == run_end and not glob):
                flush()
            run.append(base)
            run_end = match.end()
            glob = word.endswith("*")
        else:
            flush()
            out.append(word)
    flush()
    return tuple(out)
