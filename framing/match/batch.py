"""Batched counting: a chunk of documents, one automaton scan.

:func:`count_texts` gives, for many texts at once, exactly what
:meth:`framing.match.Matcher.count` gives for each text alone (a test
compares the two on random texts, and the scoring benchmark on real
articles).  It is the scoring hot path (:func:`framing.match.scoring.score_texts`).

How it works.  Each text is folded and encoded on its own
(:meth:`Matcher.raw_bytes`); the raw bytes are joined with the separator
`` !\\x03 `` and the byte rules run once over the chunk.  Every rule looks one byte to each side and the
separator starts and ends with a space, so each document's bytes are
those it has alone; the ``!`` becomes a sentence break, which no phrase
and no negation window crosses, and the ``\\x03`` (a run of its own that
is not a token) marks where one document ends and the next begins.
One scan finds the candidates of the whole chunk: the lexicon's keys in
a DFA of :mod:`ahocorasick_rs` over the chunk's bytes
(:meth:`CompiledLexicon.scan_bytes`), the same matches in the same order
as the per-text path's pyahocorasick automaton.
Single-word candidates are handled as numpy arrays: one row per
occurrence and category (the token's best entry there, from a table of
candidate tokens indexed by integer ids), so no Python object is built
per hit.  Phrase keys go through the matcher's own Python routine
(:meth:`Matcher.phrase_candidates`); an occurrence that a phrase
candidate of its category spans is resolved with the phrases
(:meth:`Matcher.resolve`), every other occurrence is kept, as in the
per-text path.  Tokens, the nearest negator before a hit, sentence
breaks and quote depth are read from arrays over the runs of non-space
bytes, and per-document tallies are ``bincount`` over ``document *
categories + category``.

Weights are summed in any order here, so the batch path is used only
when they sum exactly (:attr:`framing.match.CompiledLexicon.exact_weights`); texts
of another lexicon, texts with more than 2**23 characters and texts that
contain the control characters ``\\x01``-``\\x03`` (which the per-text
path reads as quote markers) are counted by the per-text path.  Context
rules, lexicon exceptions and scare quotes are applied here too, as a
filter on the chunk's candidates (:meth:`Matcher.context_filter`,
:meth:`Matcher.scare_candidates`; see :mod:`framing.match.matcher`).
"""

from __future__ import annotations

import threading
import weakref
from typing import Sequence

import numpy as np

from ..check import check_choice
from ..vocab import VOICES
from .matcher import BATCH_TABLE, EXACT_TOKENS_MAX, TOKEN_BYTES, Matcher

__all__ = ["count_texts"]

_SEP = b" !\x03 "
# bytes of text scanned at once (bounds the memory of the run arrays)
_BATCH_BYTES = 1_000_000
# candidate tokens kept in the id table before it is started afresh
_TOKEN_LIMIT = 200_000
_SPACE, _BREAK, _OPEN, _CLOSE, _SEPARATOR, _DOT, _APOSTROPHE = 32, ord("|"), 1, 2, 3, ord("."), ord("'")
_DOUBLE_MARKS = '"\u201c\u201d\u201e\u201f\u00ab\u00bb'
_IS_TOKEN_BYTE = np.zeros(256, dtype=bool)
_IS_TOKEN_BYTE[list(TOKEN_BYTES)] = True


def _prepare(raw: bytes) -> bytes:
    """The per-text path's byte rules with the batch table, the full stop and
    apostrophe rules applied with numpy: a ``.`` or ``'`` joins only
    between two token bytes; any other ``.`` is a break, any other
    ``'`` a space (both rules read the bytes as they were, as the
    regular expressions of the per-text path do).  The batch tests check
    that the two give the same counts."""
    b = (b" " + raw + b" ").translate(BATCH_TABLE)
    arr = np.frombuffer(b, dtype=np.uint8)
    at = np.flatnonzero((arr == _DOT) | (arr == _APOSTROPHE))  # never the first or last byte
    if len(at):
        lone = at[~(_IS_TOKEN_BYTE[arr[at - 1]] & _IS_TOKEN_BYTE[arr[at + 1]])]
        if len(lone):
            out = arr.copy()
            out[lone] = np.where(arr[lone] == _DOT, _BREAK, _SPACE)
            b = out.tobytes()
    if b"|" in b:
        b = b.replace(b"|", b" | ")
    return b


class _TokenTable:
    """Candidate tokens of one matcher as integer ids, for the batch path.

    Per token id: the token, its best entry per category (-1: none),
    whether it is a negator and whether one of its single-word entries
    has context rules (:meth:`Matcher.ruled_singles`); per automaton key: the id of its token when the key is
    a whole token (-1 otherwise).  Built from :meth:`Matcher.token_info`
    and :attr:`Matcher.compiled`; grows as new tokens are met and starts
    afresh past ``_TOKEN_LIMIT`` tokens.
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.ncat = len(matcher.categories)
        self.reset()

    def reset(self) -> None:
        self.ids: dict[str, int] = {}
        self.tokens: list[str] = []
        self.entry = np.full((1024, self.ncat), -1, dtype=np.int64)
        self.negator = np.zeros(1024, dtype=bool)
        self.ruled = np.zeros(1024, dtype=bool)
        self.key_token = np.array([self.token_id(k.single) if k.single else -1 for k in self.matcher.compiled.keys],
                                  dtype=np.int64)

    def token_id(self, token: str) -> int:
        """The id of a token (latin-1 str of its UTF-8 bytes)."""
        tid = self.ids.get(token)
        if tid is not None:
            return tid
        tid = len(self.ids)
        if tid == len(self.negator):
            self.entry = np.concatenate([self.entry, np.full_like(self.entry, -1)])
            self.negator = np.concatenate([self.negator, np.zeros_like(self.negator)])
            self.ruled = np.concatenate([self.ruled, np.zeros_like(self.ruled)])
        info = self.matcher.token_info(token)
        if info is not None:
            for cat, entry in info.singles:
                self.entry[tid, cat] = entry
            self.negator[tid] = info.negator
            self.ruled[tid] = bool(self.matcher.ruled_singles(token))
        self.ids[token] = tid
        self.tokens.append(token)
        return tid


# one token table per live matcher (dropped with the matcher)
_token_tables: "weakref.WeakKeyDictionary[Matcher, _TokenTable]" = weakref.WeakKeyDictionary()
_tables_lock = threading.Lock()


def _tables(matcher: Matcher) -> _TokenTable:
    with _tables_lock:
        tables = _token_tables.get(matcher)
        if tables is None:
            tables = _token_tables[matcher] = _TokenTable(matcher)
        elif len(tables.ids) > _TOKEN_LIMIT:
            tables.reset()
        return tables


def _member(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """``np.isin(values, pool)`` for a small pool, by bisection."""
    pool = np.sort(pool)
    at = np.minimum(np.searchsorted(pool, values), len(pool) - 1)
    return pool[at] == values


def count_texts(
    matcher: Matcher,
    texts: Sequence[str | None],
    voice: str = "all",
    quoted: Sequence[tuple[tuple[int, int], ...] | None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts of many texts in one voice.

    Parameters
    ----------
    matcher : Matcher
    texts : sequence of str or None
        None and empty texts get zeros.
    voice : {"all", "outlet", "quoted"}
    quoted : sequence of interval tuples, optional
        Per text, its merged, sorted quoted-speech intervals (as for
        :meth:`Matcher.count`); required for ``"outlet"`` and ``"quoted"``.

    Returns
    -------
    count, negated, weight, tokens : ndarray
        Shapes ``(n, k)``, ``(n, k)``, ``(n, k)`` and ``(n,)``: for text
        ``i`` what ``matcher.count(texts[i], quoted=...)[voice]`` holds.
    """
    check_choice("voice", voice, VOICES)
    if voice != "all" and quoted is None:
        raise ValueError(f"voice={voice!r} needs the quoted intervals of every text (quoted=)")
    compiled = matcher.compiled
    n, k = len(texts), len(matcher.categories)
    count = np.zeros((n, k), dtype=np.int64)
    negated = np.zeros((n, k), dtype=np.int64)
    weight = np.zeros((n, k), dtype=np.float64)
    tokens = np.zeros(n, dtype=np.int64)
    batch: list[int] = []
    raws: list[bytes] = []
    scares: list[tuple[int, str, tuple]] = []  # (place in the batch, text, spans)
    size = 0
    for i, text in enumerate(texts):
        if not text:
            continue
        intervals = None if quoted is None else quoted[i]
        if (
            not compiled.exact_weights
            or len(text) >= EXACT_TOKENS_MAX
            or "\x01" in text
            or "\x02" in text
            or "\x03" in text
        ):
            row = matcher.count_rows(text, intervals)[voice]
            count[i], negated[i], weight[i], tokens[i] = row
            continue
        if compiled.context is not None and compiled.context.scare_max:
            spans = matcher.scare_spans(text)
            if spans is None or spans:
                raw = matcher.raw_bytes(text, intervals)
                if spans is None or raw.count(b'"') != sum(text.count(c) for c in _DOUBLE_MARKS):
                    row = matcher.count_rows(text, intervals)[voice]
                    count[i], negated[i], weight[i], tokens[i] = row
                    continue
                scares.append((len(batch), text, spans))
            else:
                raw = matcher.raw_bytes(text, intervals)
        else:
            raw = matcher.raw_bytes(text, intervals)
        batch.append(i)
        raws.append(raw)
        size += len(raw)
        if size >= _BATCH_BYTES:
            _count_batch(matcher, batch, raws, voice, count, negated, weight, tokens, scares)
            batch, raws, scares, size = [], [], [], 0
    if batch:
        _count_batch(matcher, batch, raws, voice, count, negated, weight, tokens, scares)
    return count, negated, weight, tokens


def _count_batch(matcher: Matcher, rows: list[int], raws: list[bytes], voice: str, count, negated, weight, tokens,
                 scares=()) -> None:
    """Count the documents ``raws`` (raw bytes) into rows ``rows`` of the
    output arrays; ``scares`` holds ``(place in rows, text, spans)`` of the
    documents with possible scare quotes (:meth:`Matcher.scare_spans`)."""
    tables = _tables(matcher)
    compiled = matcher.compiled
    k = tables.ncat
    nd = len(rows)
    b = _prepare(_SEP.join(raws))
    arr = np.frombuffer(b, dtype=np.uint8)
    nonspace = arr != _SPACE
    # runs of non-space bytes (``b`` starts and ends with a space)
    run_start = np.flatnonzero(nonspace[1:] > nonspace[:-1]) + 1
    if not len(run_start):
        return  # a single document without a token: zeros
    first = arr[run_start]
    is_break = first == _BREAK
    is_open = first == _OPEN
    is_close = first == _CLOSE
    is_sep = first == _SEPARATOR
    is_marker = is_open | is_close
    real = ~(is_break | is_marker | is_sep)
    sep_runs = np.flatnonzero(is_sep)
    seps = run_start[sep_runs]
    # a document's runs lie between two separators (each preceded by a
    # break run, so no two separators are neighbours)
    doc_runs = np.concatenate([[0], sep_runs])
    split = voice != "all"
    if split:
        # quote depth per run: one cumulative sum of +1 (open) / -1 (close)
        depth = np.cumsum(is_open.view(np.int8) - is_close.view(np.int8), dtype=np.int32)
        in_voice = real & ((depth > 0) if voice == "quoted" else (depth == 0))
        tokens[rows] = np.add.reduceat(in_voice, doc_runs, dtype=np.int64)
    else:
        tokens[rows] = np.add.reduceat(real, doc_runs, dtype=np.int64)

    # one scan (of the bytes, by the Rust automaton, in the order of the
    # per-text path's scan): single-word keys as arrays, phrase keys to Python
    end_arr, kid_arr = compiled.scan_bytes(b)
    if not len(end_arr) and not scares:
        return
    s = b.decode("latin-1")
    picked = np.flatnonzero(compiled.key_phrase[kid_arr])
    if len(picked):
        # drop the loose keys whose next token (past spaces and quote
        # markers) cannot start a word that may follow
        row = compiled.follow_row[kid_arr[picked]]
        tested = np.flatnonzero(row >= 0)
        if len(tested):
            nxt = np.searchsorted(run_start, end_arr[picked[tested]] + 1)
            plain = np.flatnonzero(~is_marker)
            nxt = np.searchsorted(plain, nxt)
            byte = np.zeros(len(tested), dtype=np.int64)
            inside = nxt < len(plain)
            byte[inside] = first[plain[nxt[inside]]]
            ok = compiled.follow_first[row[tested], byte] & inside
            keep = np.ones(len(picked), dtype=bool)
            keep[tested[~ok]] = False
            picked = picked[keep]
    phrase_hits = matcher.phrase_candidates(s, zip(end_arr[picked].tolist(), kid_arr[picked].tolist())) if len(picked) else []

    single = compiled.key_single[kid_arr]
    kid1 = kid_arr[single]
    start1 = end_arr[single] - compiled.key_size[kid1] + 2
    if len(start1) > 1 and not np.all(start1[1:] >= start1[:-1]):
        order = np.argsort(start1, kind="stable")
        start1, kid1 = start1[order], kid1[order]
    if len(start1):
        # several keys (globs, the exact word) may end in one token: one
        # occurrence per start, its token from the exact key if there is
        # one, else read from the text
        group = np.flatnonzero(np.r_[True, start1[1:] != start1[:-1]])
        occ_start = start1[group]
        occ_token = np.maximum.reduceat(tables.key_token[kid1], group)
        unknown = np.flatnonzero(occ_token < 0)
        if len(unknown):
            index, token_id = s.index, tables.token_id
            occ_token[unknown] = [token_id(s[p : index(" ", p)]) for p in occ_start[unknown].tolist()]
        occ_entry = tables.entry[occ_token]
        negator_starts = occ_start[tables.negator[occ_token]]
    else:
        occ_start = occ_token = negator_starts = np.zeros(0, dtype=np.int64)
        occ_entry = np.zeros((0, k), dtype=np.int64)
    extra: list = []
    if compiled.context is not None:
        # context rules and exceptions: the occurrences of tokens of entries
        # with rules are checked one by one, blocked ones dropped
        ruled_at = np.flatnonzero(tables.ruled[occ_token])
        ruled = list(zip(occ_start[ruled_at].tolist(), [tables.tokens[t] for t in occ_token[ruled_at].tolist()]))
        phrase_hits, extra, blocked = matcher.context_filter(s, phrase_hits, ruled)
        if scares:
            joined = np.frombuffer(_SEP.join(raws), dtype=np.uint8)
            raw_marks = np.flatnonzero(joined == ord('"'))
            offsets = np.concatenate([[0], np.cumsum([len(r) + len(_SEP) for r in raws])])
            bounds = np.searchsorted(raw_marks, offsets)
            parts = [raw_marks[bounds[place] : bounds[place + 1]] for place, _, _ in scares]
            marks = matcher.byte_positions(b, np.concatenate(parts))
            used = 0
            for (place, text, spans), part in zip(scares, parts):
                n_marks = len(part)
                # a scare quote competes like a phrase: it contests the tokens it spans
                phrase_hits.extend(matcher.scare_candidates(s, text, spans, marks[used : used + n_marks], blocked))
                used += n_marks
        drop = np.zeros(len(occ_start), dtype=bool)
        drop[ruled_at] = True
        if blocked:
            drop |= _member(occ_start, np.array(blocked, dtype=np.int64))
        if drop.any():
            occ_entry = occ_entry.copy()
            occ_entry[drop] = -1
    which, cat = np.nonzero(occ_entry >= 0)
    pos = occ_start[which]
    entry = occ_entry[which, cat]

    if phrase_hits or extra:
        contested = np.zeros(len(pos), dtype=bool)
        if phrase_hits:
            spanned = matcher.spanned(s, phrase_hits)
            if compiled.scope_lexicon:
                contested = _member(pos, np.fromiter(spanned[-1], dtype=np.int64))
            else:
                keys = [p * k + c for c, starts in spanned.items() for p in starts]
                contested = _member(pos * k + cat, np.array(keys, dtype=np.int64))
        cands = [*phrase_hits, *extra]
        if contested.any():
            cands.extend(zip(pos[contested].tolist(), pos[contested].tolist(), [1] * int(contested.sum()), entry[contested].tolist()))
            keep = ~contested
            pos, cat, entry = pos[keep], cat[keep], entry[keep]
        kept = matcher.resolve(cands)
        if kept:
            kept_pos = np.array([c[0] for c in kept], dtype=np.int64)
            kept_entry = np.array([c[3] for c in kept], dtype=np.int64)
            # scare quotes are pseudo-entries ``len(entries) + category``
            n_entries = len(compiled.entries)
            kept_cat = np.where(kept_entry < n_entries, compiled.entry_category_array[np.minimum(kept_entry, n_entries - 1)]
                                if n_entries else 0, kept_entry - n_entries)
            pos = np.concatenate([pos, kept_pos])
            entry = np.concatenate([entry, kept_entry])
            cat = np.concatenate([cat, kept_cat])
    if not len(pos):
        return

    is_negated = np.zeros(len(pos), dtype=bool)
    window = compiled.window_array[cat]
    windowed = np.flatnonzero(window > 0)
    if len(windowed):
        # negators: the lexicon's and tokens ending in n't (both found by the scan)
        nt_ends = end_arr[kid_arr == compiled.nt_key]
        negator_runs = np.sort(np.concatenate([
            np.searchsorted(run_start, negator_starts),
            np.searchsorted(run_start, nt_ends, side="right") - 1,
        ]))
        if len(negator_runs):
            r = np.searchsorted(run_start, pos[windowed])
            j = np.searchsorted(negator_runs, r) - 1  # the nearest negator before the hit
            q = negator_runs[np.maximum(j, 0)]
            # no break between the negator and the hit, and fewer than
            # ``window`` tokens (quote markers are not tokens)
            breaks = np.flatnonzero(is_break)
            markers = np.flatnonzero(is_marker)
            unbroken = np.searchsorted(breaks, r) == np.searchsorted(breaks, q)
            between = r - q - 1 - (np.searchsorted(markers, r) - np.searchsorted(markers, q))
            is_negated[windowed] = (j >= 0) & unbroken & (between < window[windowed])
    doc = np.searchsorted(seps, pos)
    scare = entry >= len(compiled.entries)
    if split:
        hit_depth = np.where(scare, 0, depth[np.searchsorted(run_start, pos)])
        voiced = (hit_depth > 0) if voice == "quoted" else (hit_depth == 0)
        doc, cat, entry, is_negated = doc[voiced], cat[voiced], entry[voiced], is_negated[voiced]
    cell = doc * k + cat
    counted = ~is_negated
    size = nd * k
    count[rows] = np.bincount(cell[counted], minlength=size).reshape(nd, k)
    negated[rows] = np.bincount(cell[is_negated], minlength=size).reshape(nd, k)
    if scare.any():
        entry_weight = np.concatenate([compiled.entry_weight_array, np.ones(k)])
    else:
        entry_weight = compiled.entry_weight_array
    weight[rows] = np.bincount(cell[counted], weights=entry_weight[entry[counted]], minlength=size).reshape(nd, k)
