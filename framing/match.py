"""The matching engine: a compiled lexicon that counts and locates hits.

Two paths share one resolution routine and give identical results (a
property-based test checks this against a naive reference):

* :meth:`Matcher.count` is the scoring hot path.  It folds the text,
  turns it into a space-delimited byte string in which every token is
  a run of non-space bytes and every sentence break a ``|`` (a few
  C-level ``translate``/``replace`` passes), counts tokens with
  ``bytes.count``, finds candidate tokens with one trie-shaped regular
  expression anchored on spaces, and phrase starts with a second,
  zero-width one over the phrases' full byte patterns.  Only candidates
  reach Python: a word trie verifies phrases, negation windows are
  checked by bisecting to the nearest negator, and when no phrase
  occurred counts need no positions at all.
* :meth:`Matcher.find` tokenises with offsets (:mod:`framing.text`) and
  returns every hit with character offsets into the original text.

Matching semantics are documented in :mod:`framing.lexicon`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from .lexicon import Entry, Lexicon
from .text import fold, fold_with_offsets, folded_tokens

__all__ = ["Matcher", "Counts", "RawHit", "VOICES"]

VOICES: tuple[str, ...] = ("all", "outlet", "quoted")

_TOKEN_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789" + bytes(range(0x80, 0x100))


def _byte_table() -> bytes:
    table = bytearray(b" " * 256)
    for c in _TOKEN_BYTES:
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32
    table[ord("'")] = ord("'")
    table[ord(".")] = ord(".")
    table[ord("!")] = ord("|")
    table[ord("?")] = ord("|")
    table[1] = 1
    table[2] = 2
    return bytes(table)


_TABLE = _byte_table()
_RUNS = bytes(b" "[0] if c == 32 else b"a"[0] for c in range(256))
_TOK_CLASS = rb"a-z0-9\x80-\xff"
_DOT_BREAK = re.compile(rb"\.(?:(?![" + _TOK_CLASS + rb"])|(?<![" + _TOK_CLASS + rb"]\.))")
_APOS_SEP = re.compile(rb"'(?:(?![" + _TOK_CLASS + rb"])|(?<![" + _TOK_CLASS + rb"]'))")
_NONWORD_NONASCII = re.compile(r"[^\x00-\x7f\w]")
_OPEN, _CLOSE = b"\x01", b"\x02"
_CACHE_LIMIT = 400_000


def _trie_add(trie: dict, key: bytes, leaf: int) -> None:
    node = trie
    for byte in key:
        node = node.setdefault(byte, {})
    node[leaf] = True


_GLOB_REST, _WORD_END, _SEP = -3, -4, -5


def _render(node: dict) -> bytes:
    """Render a byte trie as a regex.  Special keys: -1 end of an exact
    word (optionally followed by a possessive ``'s``), -2 end of a glob
    prefix; inside phrases -3 the rest of a glob word, -4 the end of an
    exact word (optional ``'s``), -5 the separator between words.  Every
    alternative ends at a space, so a match always covers whole tokens."""
    alts = [re.escape(bytes([key])) + _render(node[key]) for key in sorted(k for k in node if k >= 0)]
    if _SEP in node:
        alts.append(rb" +(?:[\x01\x02] +)*" + _render(node[_SEP]))
    if _GLOB_REST in node:
        alts.append(rb"[^ ]*" + _render(node[_GLOB_REST]))
    if _WORD_END in node:
        alts.append(rb"(?:'s)?" + _render(node[_WORD_END]))
    if -2 in node:
        alts.append(rb"[^ ]*(?= )")
    if -1 in node:
        alts.append(rb"(?:'s)?(?= )")
    if len(alts) == 1:
        return alts[0]
    return b"(?:" + b"|".join(alts) + b")"


class _PhraseNode:
    """A word-level trie over phrase patterns (exact words and globs)."""

    __slots__ = ("exact", "globs", "glob_lengths", "ends")

    def __init__(self) -> None:
        self.exact: dict[str, _PhraseNode] = {}
        self.globs: dict[str, _PhraseNode] = {}
        self.glob_lengths: list[int] = []
        self.ends: list[int] = []

    def add(self, pattern: tuple[str, ...], entry: int) -> None:
        node = self
        for word in pattern:
            if word.endswith("*"):
                prefix = word[:-1]
                if prefix not in node.globs:
                    node.globs[prefix] = _PhraseNode()
                    node.glob_lengths = sorted({*node.glob_lengths, len(prefix)})
                node = node.globs[prefix]
            else:
                node = node.exact.setdefault(word, _PhraseNode())
        node.ends.append(entry)

    def step(self, norm: str) -> list["_PhraseNode"]:
        """Children whose word matches the token ``norm``."""
        out = []
        child = self.exact.get(norm)
        if child is not None:
            out.append(child)
        if norm.endswith("'s"):
            child = self.exact.get(norm[:-2])
            if child is not None:
                out.append(child)
        for length in self.glob_lengths:
            if length > len(norm):
                break
            child = self.globs.get(norm[:length])
            if child is not None:
                out.append(child)
        return out

    def walk(self, norms: list[str]) -> list[tuple[int, int]]:
        """``(entry, n_words)`` for every phrase matching a prefix of
        ``norms`` (at least two words)."""
        found = []
        frontier = [self]
        for depth, norm in enumerate(norms, start=1):
            nxt = []
            for node in frontier:
                nxt.extend(node.step(norm))
            if not nxt:
                break
            if depth >= 2:
                for node in nxt:
                    found.extend((entry, depth) for entry in node.ends)
            frontier = nxt
        return found


@dataclass(frozen=True, slots=True)
class Counts:
    """Per-category results for one text and one voice.

    ``count`` excludes negated hits; ``negated`` counts them apart;
    ``weight`` sums the weights of the counted (non-negated) hits;
    ``tokens`` is the denominator for that voice.
    """

    count: np.ndarray
    negated: np.ndarray
    weight: np.ndarray
    tokens: int


def _counts(count: list[int], negated: list[int], weight: list[float], tokens: int) -> Counts:
    return Counts(np.array(count, dtype=np.int64), np.array(negated, dtype=np.int64), np.array(weight), tokens)


@dataclass(frozen=True, slots=True)
class RawHit:
    """A resolved hit before it is attached to a document."""

    category: str
    entry: str
    start: int
    end: int
    sentence: int
    negated: bool
    weight: float


@dataclass(frozen=True, slots=True)
class _TokenInfo:
    norm: str
    singles: tuple[tuple[int, int], ...]  # (category index, entry index), best per category
    phrase_start: bool  # the token matches the first word of some phrase
    negator: bool


class Matcher:
    """A lexicon compiled for fast, exact matching.

    Parameters
    ----------
    lexicon : Lexicon
        A validated lexicon (:mod:`framing.lexicon_io` reads files).

    Notes
    -----
    A matcher is cheap to pickle: it pickles its lexicon and recompiles
    in the receiving process, so it can be sent to worker processes.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        if not isinstance(lexicon, Lexicon):
            raise TypeError(f"lexicon must be a framing.lexicon.Lexicon, got {type(lexicon).__name__}")
        self.lexicon = lexicon
        self.categories: tuple[str, ...] = lexicon.category_names
        self._cat_index = {name: i for i, name in enumerate(self.categories)}
        self._windows = [c.negation_window for c in lexicon.categories]
        self._has_negation = any(self._windows)
        self._scope_lexicon = lexicon.nested_scope == "lexicon"
        self.entries: tuple[Entry, ...] = lexicon.entries
        self._entry_cat = [self._cat_index[e.category] for e in self.entries]
        self._rank = [
            (sum(w.endswith("*") for w in e.pattern), -sum(len(w) for w in e.pattern), e.term, i)
            for i, e in enumerate(self.entries)
        ]
        self._negators = frozenset(lexicon.negators)
        exact: dict[str, list[int]] = {}
        globs: dict[str, list[int]] = {}
        self._phrase_trie = _PhraseNode()
        self._max_phrase = 1
        for i, entry in enumerate(self.entries):
            if entry.is_phrase:
                self._phrase_trie.add(entry.pattern, i)
                self._max_phrase = max(self._max_phrase, len(entry.pattern))
            else:
                word = entry.pattern[0]
                target = globs if word.endswith("*") else exact
                target.setdefault(word.rstrip("*"), []).append(i)
        self._exact, self._globs = exact, globs
        self._glob_lengths = sorted({len(k) for k in globs})
        self._trigger = self._compile_trigger()
        self._phrase_re = self._compile_phrases()
        self._info: dict[bytes, _TokenInfo | None] = {}

    # -- pickling: ship the lexicon, rebuild in the worker ------------------
    def __reduce__(self):
        return (Matcher, (self.lexicon,))

    def _compile_trigger(self) -> re.Pattern[bytes]:
        """One regex for single-token entries: `` (token)`` at a space."""
        trie: dict = {}
        negators = self._negators if self._has_negation else ()
        for key in (*self._exact, *negators):
            _trie_add(trie, key.encode("utf-8"), -1)
        for key in self._globs:
            _trie_add(trie, key.encode("utf-8"), -2)
        if not trie:
            return re.compile(rb"(?!)")
        return re.compile(b" (" + _render(trie) + b")")

    def _compile_phrases(self) -> re.Pattern[bytes] | None:
        """A zero-width regex that matches at the space before every token
        where some phrase matches in full (words separated by spaces or
        quote markers, never by a break).  Only those places reach
        Python, where the phrase is verified and resolved."""
        trie: dict = {}
        for entry in self.entries:
            if not entry.is_phrase:
                continue
            node = trie
            for k, word in enumerate(entry.pattern):
                if k:
                    node = node.setdefault(_SEP, {})
                for byte in word.rstrip("*").encode("utf-8"):
                    node = node.setdefault(byte, {})
                node = node.setdefault(_GLOB_REST if word.endswith("*") else _WORD_END, {})
            node[-1] = True
        if not trie:
            return None
        return re.compile(b" (?=" + _render(trie) + b")")

    # -- token classification (cached per distinct token) -------------------
    def _classify(self, norm: str) -> _TokenInfo | None:
        candidates: list[int] = []
        keys = [norm]
        if norm.endswith("'s"):
            keys.append(norm[:-2])
        for key in keys:
            candidates.extend(self._exact.get(key, ()))
        for length in self._glob_lengths:
            if length > len(norm):
                break
            candidates.extend(self._globs.get(norm[:length], ()))
        phrase_start = bool(self._phrase_trie.step(norm))
        negator = self._is_negator(norm)
        if not candidates and not phrase_start and not negator:
            return None
        best: dict[int, int] = {}
        for i in candidates:
            cat = self._entry_cat[i]
            if cat not in best or self._rank[i] < self._rank[best[cat]]:
                best[cat] = i
        return _TokenInfo(norm, tuple(sorted(best.items())), phrase_start, negator)

    def _info_bytes(self, token: bytes) -> _TokenInfo | None:
        try:
            return self._info[token]
        except KeyError:
            if len(self._info) >= _CACHE_LIMIT:
                self._info.clear()
            info = self._classify(token.decode("utf-8"))
            self._info[token] = info
            return info

    def _is_negator(self, norm: str) -> bool:
        return norm in self._negators or norm.endswith("n't")

    # -- shared resolution --------------------------------------------------
    def _resolve(self, cands: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
        """Leftmost-longest resolution.

        ``cands`` holds ``(start_key, last_key, ntokens, entry_index)``
        where keys are positions of the first and last token (any
        increasing measure).  Returns the kept candidates.
        """
        if not cands:
            return []
        cands.sort(key=lambda c: (c[0], -c[2], self._rank[c[3]]))
        kept: list[tuple[int, int, int, int]] = []
        if self._scope_lexicon:
            last = -1
            i = 0
            while i < len(cands):
                start, _, length, _ = cands[i]
                j = i
                while j < len(cands) and cands[j][0] == start:
                    j += 1
                if start > last:
                    seen: set[int] = set()
                    for cand in cands[i:j]:
                        if cand[2] != length:
                            break
                        cat = self._entry_cat[cand[3]]
                        if cat not in seen:
                            seen.add(cat)
                            kept.append(cand)
                    last = cands[i][1]
                i = j
            return kept
        last_by_cat: dict[int, int] = {}
        for cand in cands:
            cat = self._entry_cat[cand[3]]
            if cand[0] > last_by_cat.get(cat, -1):
                kept.append(cand)
                last_by_cat[cat] = cand[1]
        return kept

    # -- fast path ----------------------------------------------------------
    def _prepare(self, text: str) -> bytes:
        folded = fold(text)
        if folded.isascii():
            raw = folded.encode("ascii")
        else:
            raw = _NONWORD_NONASCII.sub(" ", folded).encode("utf-8")
        b = (b" " + raw + b" ").translate(_TABLE)
        if b"." in b:
            # a full stop before a space never joins: the common case in C
            b = b.replace(b". ", b"| ")
            if b"." in b:
                b = _DOT_BREAK.sub(b"|", b)
        if b"'" in b:
            b = _APOS_SEP.sub(b" ", b)
        if b"|" in b:
            b = b.replace(b"|", b" | ")
        return b

    @staticmethod
    def _after(b: bytes, end: int, n: int) -> list[tuple[bytes, int]]:
        """Up to ``n`` ``(token, start)`` pairs after byte ``end`` (the end
        of a token), skipping quote markers, stopping at a break."""
        out: list[tuple[bytes, int]] = []
        size = len(b)
        while len(out) < n:
            start = end
            while start < size and b[start] == 32:
                start += 1
            if start >= size:
                break
            end = b.index(b" ", start)
            token = b[start:end]
            if token == b"|":
                break
            if token != _OPEN and token != _CLOSE:
                out.append((token, start))
        return out

    def _phrases_at(self, b: bytes, start: int, end: int, info: _TokenInfo) -> list[tuple[int, int, int, int]]:
        """Phrase matches whose first word is the token at ``[start, end)``."""
        after = self._after(b, end, self._max_phrase - 1)
        norms = [info.norm, *(self._norm_bytes(tok) for tok, _ in after)]
        return [
            (start, after[n - 2][1], n, entry) for entry, n in self._phrase_trie.walk(norms)
        ]

    def count(self, text: str, *, quoted: tuple[tuple[int, int], ...] | None = None) -> dict[str, Counts]:
        """Count hits and tokens in ``text``.

        Parameters
        ----------
        text : str
        quoted : tuple of (start, end), optional
            Merged, sorted quoted-speech intervals (offsets into
            ``text``, from :func:`framing.quotes.quoted_intervals`).  When
            given (even empty), the result has the keys ``"all"``,
            ``"outlet"`` and ``"quoted"``; when None only ``"all"``.

        Returns
        -------
        dict of str to Counts
        """
        if quoted:
            pieces = []
            pos = 0
            for s, e in quoted:
                pieces.append(text[pos:s])
                pieces.append(" \x01 ")
                pieces.append(text[s:e])
                pieces.append(" \x02 ")
                pos = e
            pieces.append(text[pos:])
            text = "".join(pieces)
        b = self._prepare(text)
        runs = b.translate(_RUNS)
        n_markers = 2 * len(quoted) if quoted else 0
        total_tokens = runs.count(b" a") - b.count(b"|") - n_markers
        ncat = len(self.categories)
        # one scan: every candidate token with its byte position
        positions: dict[bytes, list[int]] = {}
        for m in self._trigger.finditer(b):
            positions.setdefault(m.group(1), []).append(m.start(1))
        info_of = self._info_bytes
        infos = []
        for token, starts in positions.items():
            info = info_of(token)
            if info is not None:
                infos.append((info, starts, token))
        phrase_hits: list[tuple[int, int, int, int]] = []
        if self._phrase_re is not None:
            for m in self._phrase_re.finditer(b):
                start = m.start() + 1
                end = b.index(b" ", start)
                info = info_of(b[start:end])
                if info is not None and info.phrase_start:
                    phrase_hits.extend(self._phrases_at(b, start, end, info))
        negators = None
        windows = self._windows
        if self._has_negation and (
            any(windows[c] for info, _, _ in infos for c, _ in info.singles)
            or any(windows[self._entry_cat[h[3]]] for h in phrase_hits)
        ):
            negators = self._negator_positions(b, infos)
        if not quoted and not phrase_hits:
            return self._voices(self._tally_simple(b, runs, infos, negators, total_tokens, ncat), quoted)
        cands = phrase_hits
        for info, starts, _ in infos:
            for _, entry in info.singles:
                cands.extend((start, start, 1, entry) for start in starts)
        kept = self._resolve(cands)
        negated = [
            bool(negators) and bool(windows[self._entry_cat[k[3]]])
            and self._negated_at(b, runs, k[0], windows[self._entry_cat[k[3]]], negators)
            for k in kept
        ]
        if not quoted:
            return self._voices(self._tally(kept, negated, range(len(kept)), total_tokens, ncat), quoted)
        opens = [m.start() for m in re.finditer(re.escape(_OPEN), b)]
        closes = [m.start() for m in re.finditer(re.escape(_CLOSE), b)]
        quoted_tokens = 0
        for o, c in zip(opens, closes):
            quoted_tokens += runs.count(b" a", o, c) - b.count(b"|", o, c)
        in_quote = [bisect_left(opens, k[0]) > bisect_left(closes, k[0]) for k in kept]
        return {
            "all": self._tally(kept, negated, range(len(kept)), total_tokens, ncat),
            "outlet": self._tally(
                kept, negated, [i for i, q in enumerate(in_quote) if not q], total_tokens - quoted_tokens, ncat
            ),
            "quoted": self._tally(kept, negated, [i for i, q in enumerate(in_quote) if q], quoted_tokens, ncat),
        }

    def _voices(self, result: Counts, quoted) -> dict[str, Counts]:
        """The result of a text with no quoted span: all of it is the
        outlet's voice (the split is returned only when asked for)."""
        if quoted is None:
            return {"all": result}
        ncat = len(self.categories)
        return {"all": result, "outlet": result, "quoted": _counts([0] * ncat, [0] * ncat, [0.0] * ncat, 0)}

    @staticmethod
    def _negator_positions(b: bytes, infos) -> list[tuple[int, int]]:
        """``(start, end)`` of every negator token, sorted: the lexicon's
        negators (found by the trigger scan) and tokens ending in n't."""
        out = [(start, start + len(token)) for info, starts, token in infos if info.negator for start in starts]
        pos = b.find(b"n't ")
        while pos >= 0:
            out.append((b.rfind(b" ", 0, pos) + 1, pos + 3))
            pos = b.find(b"n't ", pos + 4)
        return sorted(set(out))

    @staticmethod
    def _negated_at(b: bytes, runs: bytes, start: int, window: int, negators: list[tuple[int, int]]) -> bool:
        """Is there a negator among the ``window`` tokens before the token
        at byte ``start``, in the same sentence?  Only the nearest negator
        before it matters: a farther one is farther in tokens too."""
        i = bisect_left(negators, (start, -1)) - 1
        if i < 0:
            return False
        neg_end = negators[i][1]
        if b.count(b"|", neg_end, start):
            return False
        between = runs.count(b" a", neg_end, start) - b.count(_OPEN, neg_end, start) - b.count(_CLOSE, neg_end, start)
        return between < window

    def _tally_simple(self, b: bytes, runs: bytes, infos, negators, tokens: int, ncat: int) -> Counts:
        """Counts when no phrase occurred, so no overlap can arise: each
        candidate token adds its best entry per category once per
        occurrence; occurrences in a negation category are located (only
        when the text has a negator) and checked one by one."""
        count = [0] * ncat
        neg = [0] * ncat
        weight = [0.0] * ncat
        windows = self._windows
        entries = self.entries
        for info, starts, _ in infos:
            n = len(starts)
            for cat, entry in info.singles:
                window = windows[cat]
                k = sum(1 for pos in starts if self._negated_at(b, runs, pos, window, negators)) if window and negators else 0
                count[cat] += n - k
                neg[cat] += k
                weight[cat] += (n - k) * entries[entry].weight
        return _counts(count, neg, weight, tokens)

    def _tally(self, kept, negated, indices, tokens: int, ncat: int) -> Counts:
        count = [0] * ncat
        neg = [0] * ncat
        weight = [0.0] * ncat
        for i in indices:
            entry = kept[i][3]
            cat = self._entry_cat[entry]
            if negated[i]:
                neg[cat] += 1
            else:
                count[cat] += 1
                weight[cat] += self.entries[entry].weight
        return _counts(count, neg, weight, tokens)

    def _norm_bytes(self, token: bytes) -> str:
        info = self._info_bytes(token)
        return info.norm if info is not None else token.decode("utf-8")

    # -- located path ---------------------------------------------------------
    def find(self, text: str) -> list[RawHit]:
        """Every resolved hit in ``text`` with offsets into ``text``.

        Hits are sorted by ``(start, category order)``.
        """
        ft = fold_with_offsets(text)
        norms: list[str] = []
        spans: list[tuple[int, int]] = []
        sentences: list[int] = []
        for norm, start, end, sentence in folded_tokens(ft):
            norms.append(norm)
            spans.append((start, end))
            sentences.append(sentence)
        breaks_before = [False] * len(norms)
        # a break between token i-1 and i  <=>  sentence number changes
        for i in range(1, len(norms)):
            breaks_before[i] = sentences[i] != sentences[i - 1]
        cands: list[tuple[int, int, int, int]] = []
        for i, norm in enumerate(norms):
            info = self._info_bytes(norm.encode("utf-8"))
            if info is None:
                continue
            for _, entry in info.singles:
                cands.append((i, i, 1, entry))
            if info.phrase_start:
                stop = i + 1
                while stop < len(norms) and stop < i + self._max_phrase and not breaks_before[stop]:
                    stop += 1
                for entry, n in self._phrase_trie.walk(norms[i:stop]):
                    cands.append((i, i + n - 1, n, entry))
        kept = self._resolve(cands)
        hits = []
        for first, last, _, entry in kept:
            cat = self._entry_cat[entry]
            window = self._windows[cat]
            negated = False
            if window:
                k = first - 1
                while k >= 0 and k >= first - window and sentences[k] == sentences[first]:
                    if self._is_negator(norms[k]):
                        negated = True
                        break
                    k -= 1
            start, _ = ft.span(*spans[first])
            _, end = ft.span(*spans[last])
            e = self.entries[entry]
            hits.append(RawHit(e.category, e.term, start, end, sentences[first], negated, e.weight))
        hits.sort(key=lambda h: (h.start, self._cat_index[h.category]))
        return hits
