"""Scoring throughput, memory and baselines.

Usage::

    python benchmarks/bench_scoring.py [--data PATH] [--lexicon NAME] [--baseline-mb 20] [--rules]

Corpus: the AllSides articles of Baly et al. (2020) at
``../shared/data/abp/abp_media_train_valid.jsonl.gz`` when present (or
``--data``), else a generated corpus of similar size (seeded).

Prints, for framing's scorer: MB/s per core (UTF-8 bytes of text per
CPU-second of scoring in one process, ``time.process_time``: ``score_texts`` on chunks of
256 documents, the map step of ``score``, in voice ``"all"`` and in the
default voice ``"outlet"``, which adds the quote detection), tokens/s, the same for the
per-text path (``Matcher.count`` one text at a time, the engine before
the batch path) with the ratio, MB/s of ``score(..., n_jobs=2)``, and
the peak resident memory (RUSAGE maxrss) of a *streamed* run (the
corpus is read line by line from disk, never held in memory).  Before
timing it checks that the batch path and the per-text path give
identical counts, negated counts, weights and tokens on the first
``--check-docs`` documents in every voice (exit status 1 if not).  In the
same run and on the same text (the first ``--baseline-mb`` MB) it prints
the automaton scan alone (the batch path's ahocorasick_rs DFA against
pyahocorasick; exit status 1 if their matches differ) and the same throughput for:
framing, plain regex tokenising (for scale), a naive NLTK Treebank-tokenise +
dict-lookup scorer (single words and prefix globs only), and the
``liwc`` and ``empath`` PyPI packages when they are installed (``pip
install 'framing-toolkit[bench]'``).  The baselines lack phrases,
negation and quote voices; empath scores its own built-in categories.

``--rules`` adds context rules to the lexicon (:func:`with_rules`: three
entry rules, two lexicon exceptions and a scare-quote category) and first
prints the CPU seconds of scoring the first ``--rules-docs`` documents
with and without them (batch path, voice ``"all"``), with the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from framing.lexicon.files import load_lexicon
from framing.match.matcher import VOICES, Matcher
from framing.quotes import quoted_intervals
from framing.match.scoring import score, score_texts
from framing.text import count_tokens

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "abp" / "abp_media_train_valid.jsonl.gz"


def load_texts(path: Path | None, n_docs: int, seed: int) -> tuple[list[str], str]:
    if path is not None and path.exists():
        texts = []
        with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8") as fh:
            for line in fh:
                texts.append(json.loads(line)["text"])
        return texts, str(path)
    return generate_texts(n_docs, seed), f"generated ({n_docs} documents, seed {seed})"


def generate_texts(n_docs: int, seed: int) -> list[str]:
    """News-like texts: Zipf-distributed words, sentences, curly quotes,
    hyphens and possessives, ~12 KB a document like the AllSides set."""
    rng = np.random.default_rng(seed)
    syll = ["ta", "ro", "mi", "ne", "ka", "lo", "su", "ve", "di", "pa", "re", "co", "an", "el", "is", "or"]
    vocab = ["".join(rng.choice(syll, size=rng.integers(1, 4))) for _ in range(20000)]
    vocab += ["claimed", "alleged", "so-called", "crisis", "threat", "clearly", "may", "could", "escalated",
              "façade", "pretense", "sham", "reckless", "regime’s", "said", "not", "hardline"]
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05
    weights /= weights.sum()
    texts = []
    for _ in range(n_docs):
        words = rng.choice(len(vocab), size=int(rng.integers(900, 2600)), p=weights)
        out = []
        for i, w in enumerate(words):
            word = vocab[w]
            if i % 17 == 0:
                word = word.capitalize()
            out.append(word)
            if i % 19 == 18:
                out.append(".")
            if i % 53 == 0:
                out.append("“quoted words”")
        texts.append(" ".join(out).replace(" .", "."))
    return texts


RULES = {
    "could": {"followed_by": ("be", "have", "potentially")},
    "claims": {"not_preceded_by": ("legal",)},
    "beast": {"exceptions": ("daily beast",)},
}
LEXICON_EXCEPTIONS = ("media playback is unsupported on your device", "daily beast")
SCARE_CATEGORY = "insinuation"


def with_rules(lexicon):
    """``lexicon`` with the context rules of ``--rules``: :data:`RULES` on
    the entries of those terms, :data:`LEXICON_EXCEPTIONS`, and scare
    quotes counted in :data:`SCARE_CATEGORY` (when present)."""
    from dataclasses import replace

    entries = [replace(e, **RULES[e.term]) if e.term in RULES else e for e in lexicon.entries]
    categories = [replace(c, scare_quotes=True) if c.name == SCARE_CATEGORY else c for c in lexicon.categories]
    return lexicon.build(
        f"{lexicon.name}+rules", categories, entries, version=lexicon.version, negators=lexicon.negators,
        nested_scope=lexicon.nested_scope, exceptions=LEXICON_EXCEPTIONS, on_duplicate="warn",
    )


def cpu_seconds(fn, texts) -> float:
    start = time.process_time()
    fn(texts)
    return time.process_time() - start


def rules_cost(lexicon, texts: list[str]) -> None:
    """CPU seconds of the batch scorer with and without :func:`with_rules`."""
    ruled = with_rules(lexicon)
    size = mb(texts)
    secs = {}
    for name, lex in (("without rules", lexicon), ("with rules", ruled)):
        run = framing_scorer(lex)
        run(texts[:64])
        secs[name] = cpu_seconds(run, texts)
        print(f"  {name:<14}: {secs[name]:6.2f} s CPU for {len(texts)} documents, {size:.1f} MB")
    print(f"  rules cost {secs['with rules'] / secs['without rules']:.2f}x")


def mb(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def time_it(fn, texts):
    """CPU seconds of ``fn(texts)`` in this process (robust to other jobs
    on the machine, unlike wall time)."""
    start = time.process_time()
    fn(texts)
    return time.process_time() - start


def scan_speed(matcher: Matcher, texts: list[str]) -> tuple[str, bool]:
    """The batch path's automaton scan (ahocorasick_rs DFA over bytes,
    ``CompiledLexicon.scan_bytes``) against pyahocorasick's ``iter`` over
    the latin-1 str (the per-text path's scanner) on the same bytes: the
    texts' raw bytes joined, through the batch byte table; the matches
    must be the same, in the same order.  CPU seconds, best of three."""
    from itertools import chain

    from framing.match.matcher import BATCH_TABLE

    compiled = matcher.compiled
    b = (b" " + b" !\x03 ".join(matcher.raw_bytes(t) for t in texts) + b" ").translate(BATCH_TABLE)
    s = b.decode("latin-1")
    compiled.batch_scanner  # built before timing (once per process)
    secs_py = secs_rs = float("inf")
    for _ in range(3):  # best of three
        start = time.process_time()
        found = np.fromiter(chain.from_iterable(compiled.automaton.iter(s)), dtype=np.int64)
        secs_py = min(secs_py, time.process_time() - start)
        start = time.process_time()
        end, key = compiled.scan_bytes(b)
        secs_rs = min(secs_rs, time.process_time() - start)
    same = np.array_equal(found[0::2], end) and np.array_equal(found[1::2], key)
    size = len(b) / 1e6
    return (f"automaton scan ({size:.0f} MB, {len(end):,} matches): ahocorasick_rs DFA {size / secs_rs:.0f} MB/s, "
            f"pyahocorasick {size / secs_py:.0f} MB/s ({secs_py / secs_rs:.2f}x; "
            f"{'identical matches' if same else 'MATCHES DIFFER'})"), same


def framing_scorer(lexicon, chunk_size: int = 256, voice: str = "all"):
    """The map step of ``score``: one batch per chunk of documents (in the
    outlet's or quoted voice including the quote detection)."""
    matcher = Matcher(lexicon)

    def run(texts):
        for i in range(0, len(texts), chunk_size):
            score_texts(matcher, texts[i : i + chunk_size], voice)

    return run


def per_text_scorer(lexicon):
    """``Matcher.count`` one text at a time (the engine's per-text path)."""
    matcher = Matcher(lexicon)

    def run(texts):
        for t in texts:
            matcher.count(t)

    return run


def check_exact(lexicon, texts: list[str]) -> int:
    """Mismatches between the batch path and the per-text path, in every
    voice (counts, negated counts, weights, tokens)."""
    matcher = Matcher(lexicon)
    bad = 0
    for voice in VOICES:
        got = [np.concatenate(a) for a in zip(*(score_texts(matcher, texts[i : i + 256], voice) for i in range(0, len(texts), 256)))]
        for i, text in enumerate(texts):
            c = matcher.count(text, quoted=None if voice == "all" else quoted_intervals(text))[voice]
            row = (got[0][i].tolist(), got[1][i].tolist(), got[2][i].tolist(), int(got[3][i]))
            if row != (c.count.tolist(), c.negated.tolist(), c.weight.tolist(), c.tokens):
                bad += 1
                if bad <= 5:
                    print(f"  MISMATCH voice={voice} document {i}: batch {row}, per text {c}")
    return bad


def naive_nltk_scorer(lexicon):
    from nltk.tokenize import TreebankWordTokenizer

    tok = TreebankWordTokenizer()
    exact, globs = {}, {}
    for e in lexicon.entries:
        if len(e.pattern) == 1:
            w = e.pattern[0]
            (globs if w.endswith("*") else exact).setdefault(w.rstrip("*"), set()).add(e.category)
    lengths = sorted({len(g) for g in globs})

    def run(texts):
        for t in texts:
            counts: dict[str, int] = {}
            for token in tok.tokenize(t.lower()):
                cats = exact.get(token)
                if cats is None:
                    for n in lengths:
                        cats = globs.get(token[:n])
                        if cats:
                            break
                if cats:
                    for c in cats:
                        counts[c] = counts.get(c, 0) + 1

    return run


def liwc_scorer(lexicon, workdir: Path):
    import liwc

    ids = {c: i + 1 for i, c in enumerate(lexicon.category_names)}
    path = workdir / "framing-cues.dic"
    lines = ["%"] + [f"{i}\t{c}" for c, i in ids.items()] + ["%"]
    by_word: dict[str, list[int]] = {}
    for e in lexicon.entries:
        if len(e.pattern) == 1:
            by_word.setdefault(e.pattern[0], []).append(ids[e.category])
    lines += [f"{w}\t" + "\t".join(map(str, sorted(set(v)))) for w, v in sorted(by_word.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parse, _ = liwc.load_token_parser(str(path))
    word = re.compile(r"\w+")

    def run(texts):
        for t in texts:
            counts: dict[str, int] = {}
            for m in word.finditer(t.lower()):
                for c in parse(m.group()):
                    counts[c] = counts.get(c, 0) + 1

    return run


def tokenise_only():
    """Not a scorer: the cost of just tokenising (re.findall of \\w+) and
    counting tokens, for scale."""
    word = re.compile(r"\w+")

    def run(texts):
        for t in texts:
            len(word.findall(t))

    return run


def empath_scorer():
    from empath import Empath

    lex = Empath()

    def run(texts):
        for t in texts:
            lex.analyze(t, normalize=False)

    return run


STREAM_SCRIPT = r"""
import resource, sys, json, gzip
from framing.corpus.readers import iter_documents
from framing.match.scoring import score
path, lexicon, n_jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
scores = score(iter_documents(path, fields={"outlet": "source", "doc_id": "id"}), lexicon, n_jobs=n_jobs, chunk_size=128)
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"docs": int(scores["doc_id"].nunique()), "self_mb": self_kb / 1024, "child_mb": child_kb / 1024}))
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--lexicon", default="framing-cues")
    ap.add_argument("--baseline-mb", type=float, default=20.0)
    ap.add_argument("--docs", type=int, default=29000, help="documents to generate when no data is present")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--rules", action="store_true", help="add context rules, exceptions and a scare-quote category")
    ap.add_argument("--rules-docs", type=int, default=3000, help="documents timed with and without --rules")
    ap.add_argument("--check-docs", type=int, default=2000, help="documents on which the batch and per-text paths are compared")
    args = ap.parse_args(argv)

    lexicon = load_lexicon(args.lexicon)
    # Memory first, in fresh processes, while this one is still small: Linux
    # keeps a process's peak RSS across execve, so a child started after the
    # corpus is loaded here would report this process's peak.
    memory: list[str] = []
    if not args.skip_memory and not args.rules and args.data is not None and args.data.exists():
        for n_jobs in (1, 2):
            out = subprocess.run([sys.executable, "-c", STREAM_SCRIPT, str(args.data), args.lexicon, str(n_jobs)],
                                 capture_output=True, text=True, check=True)
            mem = json.loads(out.stdout.strip().splitlines()[-1])
            memory.append(f"peak memory, streamed from disk, n_jobs={n_jobs}: main process {mem['self_mb']:.0f} MB, "
                  f"largest worker {mem['child_mb']:.0f} MB ({mem['docs']} documents)")

    texts, source = load_texts(args.data, args.docs, args.seed)
    total_mb = mb(texts)
    print(f"corpus: {source}: {len(texts)} documents, {total_mb:.1f} MB of UTF-8 text")
    print(f"lexicon: {lexicon.name} {lexicon.version}: {len(lexicon.categories)} categories, {len(lexicon.entries)} entries")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if args.rules:
        print(f"context rules: {RULES}, lexicon exceptions {LEXICON_EXCEPTIONS}, scare quotes in {SCARE_CATEGORY!r}")
        rules_cost(lexicon, texts[: args.rules_docs])
        lexicon = with_rules(lexicon)

    check = texts[: args.check_docs]
    start = time.perf_counter()
    bad = check_exact(lexicon, check)
    print(f"exactness: batch path vs per-text path on the first {len(check)} documents, voices {', '.join(VOICES)}: "
          f"{'identical' if not bad else f'{bad} MISMATCHES'} ({time.perf_counter() - start:.0f} s)")
    if bad:
        return 1

    # warm the per-token caches the way a long run would, then time the full corpus
    n_tokens = sum(count_tokens(t) for t in texts)
    run = framing_scorer(lexicon)
    run(texts[:256])
    secs = time_it(run, texts)
    print(f"\nframing, 1 process : {total_mb / secs:6.1f} MB/s per core, {n_tokens / secs / 1e6:5.2f} M tokens/s "
          f"({secs:.1f} s for {total_mb:.0f} MB; score_texts, 256-document chunks)")
    run = framing_scorer(lexicon, voice="outlet")
    run(texts[:256])
    secs_outlet = time_it(run, texts)
    print(f"  voice='outlet'   : {total_mb / secs_outlet:6.1f} MB/s per core ({secs_outlet:.1f} s; the default voice of "
          "score and `framing score`: quoted speech found, tokens and hits split by voice)")
    run = per_text_scorer(lexicon)
    run(texts[:256])
    secs_text = time_it(run, texts)
    print(f"per-text path      : {total_mb / secs_text:6.1f} MB/s per core, {n_tokens / secs_text / 1e6:5.2f} M tokens/s "
          f"(Matcher.count one text at a time; batch path {secs_text / secs:.2f}x faster in this run)")

    from framing.records import Document

    docs = [Document(doc_id=str(i), outlet="x", text=t) for i, t in enumerate(texts)]
    start = time.perf_counter()
    score(docs, lexicon, n_jobs=2, chunk_size=256)
    secs2 = time.perf_counter() - start
    print(f"framing, n_jobs=2  : {total_mb / secs2:6.1f} MB/s total ({secs2:.1f} s wall, including sending texts to workers)")
    for line in memory:
        print(line)

    # baselines on the same text
    sample, size = [], 0.0
    for t in texts:
        sample.append(t)
        size += len(t.encode("utf-8")) / 1e6
        if size >= args.baseline_mb:
            break
    print(f"\nSame text for every scorer: the first {len(sample)} documents, {size:.1f} MB")
    line, same = scan_speed(Matcher(lexicon), sample)
    print(line)
    if not same:
        return 1
    rows = [("framing (phrases, globs, negation, offsets-exact)", framing_scorer(lexicon))]
    rows.append(("for scale: re.findall(r'\\w+') tokenising only", tokenise_only()))
    rows.append(("naive NLTK Treebank + dict lookup (words, globs)", naive_nltk_scorer(lexicon)))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            rows.append(("liwc 0.5 package, same lexicon's words/globs", liwc_scorer(lexicon, Path(tmp))))
        except ImportError:
            print("liwc: not installed (pip install 'framing-toolkit[bench]')")
        try:
            rows.append(("empath package (its own 194 categories)", empath_scorer()))
        except ImportError:
            print("empath: not installed (pip install 'framing-toolkit[bench]')")
        base = None
        for name, fn in rows:
            secs = time_it(fn, sample)
            rate = size / secs
            base = base or rate
            print(f"  {name:<52} {rate:6.1f} MB/s   ({rate / base:4.2f}x framing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
