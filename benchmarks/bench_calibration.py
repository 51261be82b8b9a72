"""False-positive rates of framing's tests on real news under a true null.

Usage::

    python benchmarks/bench_calibration.py [--data PATH] [--reps 200] [--n-resamples 499] [--seed 0]

Data: the AllSides articles of Baly et al. (2020) at
``../shared/data/abp/abp_media_train_valid.jsonl.gz`` (or ``--data``),
one JSON object a line with ``id``, ``source``, ``bias`` (left /
center / right) and ``text``.  Without the file the script stops: the point is to
measure on real, bursty text.

Three nulls, each repeated ``--reps`` times:

1. **Split one outlet.**  One of the five largest outlets' articles are
   split at random into two pseudo-outlets of equal size (at most 300
   each).  Nothing distinguishes them, so every rejection is a false
   positive.
2. **Permuted labels.**  Two different outlets' articles with their
   outlet labels shuffled.
3. **Split an outlet class.**  The outlets of one AllSides class (e.g.
   ``left``) are split at random into two pseudo-classes; the comparison
   is by class.  Here documents are *not* independent (each outlet has
   its own house style), so document-level tests are expected to reject
   too often and the cluster-level (outlet) tests not.

Measured on the 10 categories of the bundled lexicon and on 15 common
words (per-document relative frequencies), every test at alpha = 0.05
on raw p-values, next to the token-level chi-square on pooled counts
that keyness tools report as significance.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.stats

from framing.match.scoring import score
from framing.stats._warnings import StatsWarning
from framing.stats.compare import compare
from framing.text import token_norms

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "abp" / "abp_media_train_valid.jsonl.gz"
WORDS = ("said", "government", "people", "president", "new", "percent", "would", "state", "police", "year",
         "could", "country", "trump", "health", "war")
METHODS = ["permutation", "welch", "mannwhitney", "bootstrap"]


def load(path: Path, per_outlet: int, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec.get("text") or ""
            if text.strip():
                rows.append((rec["id"], rec["source"], rec["bias"], text))
    frame = pd.DataFrame(rows, columns=["doc_id", "outlet", "side", "text"]).drop_duplicates("doc_id")
    # cap each outlet so that scoring stays quick; sample reproducibly
    parts = []
    for _, sub in frame.groupby("outlet", sort=True):
        take = min(len(sub), per_outlet)
        parts.append(sub.iloc[np.sort(rng.choice(len(sub), size=take, replace=False))])
    return pd.concat(parts, ignore_index=True)


def word_scores(corpus: pd.DataFrame) -> pd.DataFrame:
    """Per-document counts of WORDS in the scores schema (rate per 1,000)."""
    rows = []
    for doc_id, outlet, text in zip(corpus["doc_id"], corpus["outlet"], corpus["text"]):
        norms = token_norms(text)
        counts = Counter(norms)
        n = len(norms)
        for w in WORDS:
            c = counts.get(w, 0)
            rows.append((doc_id, outlet, "text", "all", f"word:{w}", c, 0, float(c), n,
                         1000.0 * c / n if n else np.nan, "per_1000_tokens"))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "part", "voice", "category", "count", "negated", "weight",
                                       "tokens", "rate", "denominator"])


def token_chi2(scores: pd.DataFrame, labels: pd.Series) -> pd.Series:
    """Token-level chi-square (no correction) per category on pooled counts."""
    frame = scores.assign(g=scores["doc_id"].map(labels))
    totals = frame.groupby(["category", "g"])[["count", "tokens"]].sum()
    out = {}
    for category, sub in totals.groupby(level=0):
        c = sub["count"].to_numpy()
        t = sub["tokens"].to_numpy()
        if c.sum() == 0:
            continue
        out[category] = scipy.stats.chi2_contingency(np.array([c, t - c]), correction=False).pvalue
    return pd.Series(out)


def run_null(kind, scores, corpus, reps, n_resamples, rng, seed):
    rejections: dict[str, list[float]] = {}
    sizes = corpus["outlet"].value_counts()
    big = sorted(sizes[sizes >= 200].index[:5].tolist()) or sorted(sizes.index[:5].tolist())
    sides = corpus.drop_duplicates("outlet").groupby("side")["outlet"].apply(sorted)
    for r in range(reps):
        if kind == "split outlet":
            outlet = big[r % len(big)]
            docs = corpus.loc[corpus["outlet"] == outlet, "doc_id"].to_numpy()
            docs = rng.permutation(docs)[: min(len(docs) // 2 * 2, 600)]
            labels = pd.Series(np.where(np.arange(len(docs)) % 2 == 0, "A", "B"), index=docs)
            cluster = None
        elif kind == "permuted labels":
            o1, o2 = rng.choice(big, size=2, replace=False)
            docs = corpus.loc[corpus["outlet"].isin([o1, o2]), "doc_id"].to_numpy()
            docs = rng.permutation(docs)[:600]
            labels = pd.Series(rng.permutation(np.where(np.arange(len(docs)) % 2 == 0, "A", "B")), index=docs)
            cluster = None
        else:
            side = sorted(s for s in sides.index if len(sides[s]) >= 12)[r % 2]
            outlets = rng.permutation(sides[side])
            half = len(outlets) // 2
            label_of = {o: ("A" if i < half else "B") for i, o in enumerate(outlets)}
            sub = corpus[corpus["outlet"].isin(outlets)]
            docs = sub["doc_id"].to_numpy()
            labels = pd.Series(sub["outlet"].map(label_of).to_numpy(), index=docs)
            cluster = "outlet"
        sel = scores[scores["doc_id"].isin(labels.index)].assign(group=lambda f: f["doc_id"].map(labels))
        hit = sel.groupby("category")["count"].sum()
        sel = sel[sel["category"].isin(hit[hit > 0].index)]  # a measure never seen in this subset has no test
        result = compare(sel, by="group", methods=METHODS, correction="none", n_resamples=n_resamples,
                         random_state=seed + r)
        def record(name, categories, p_values):
            words = np.char.startswith(np.asarray(categories, dtype=str), "word:")
            for kind, mask in (("lexicon", ~words), ("words", words)):
                if mask.any():
                    rejections.setdefault((name, kind), []).append(float((np.asarray(p_values)[mask] < 0.05).mean()))

        for method, sub in result.groupby("method"):
            record(f"document: {method}", sub["category"], sub["p_value"])
        if cluster is not None:
            result = compare(sel, by="group", cluster="outlet", methods=["permutation", "welch"], correction="none",
                             n_resamples=n_resamples, random_state=seed + r)
            for method, sub in result.groupby("method"):
                record(f"outlet cluster: {method}", sub["category"], sub["p_value"])
        chi = token_chi2(sel, labels)
        record("token chi-square (descriptive)", chi.index, chi.to_numpy())
    return {k: float(np.mean(v)) for k, v in rejections.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--n-resamples", type=int, default=499)
    parser.add_argument("--per-outlet", type=int, default=600, help="at most this many articles per outlet")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    # the caveats (ties, few clusters) are what this script measures
    warnings.simplefilter("ignore", StatsWarning)
    if not args.data.exists():
        print(f"data not found: {args.data} (the AllSides JSONL; see corpora/README.md)", file=sys.stderr)
        return 1
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    corpus = load(args.data, args.per_outlet, rng)
    scores = score(corpus, "framing-cues", n_jobs=2)
    scores = pd.concat([scores, word_scores(corpus)], ignore_index=True)
    scores = scores[scores["tokens"] > 0]
    print(f"{len(corpus)} articles from {corpus['outlet'].nunique()} outlets; "
          f"{scores['category'].nunique()} measures (10 lexicon categories, {len(WORDS)} words); "
          f"{args.reps} repetitions per null; alpha 0.05 on raw p; prepared in {time.perf_counter() - t0:.0f} s")
    table = {}
    for kind in ("split outlet", "permuted labels", "split outlet class"):
        t = time.perf_counter()
        table[kind] = run_null(kind, scores, corpus, args.reps, args.n_resamples, np.random.default_rng(args.seed + 1),
                               args.seed)
        print(f"  {kind}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    frame = pd.DataFrame({(null, kind): {test: v for (test, k), v in res.items() if k == kind}
                          for null, res in table.items() for kind in ("lexicon", "words")}).sort_index()
    print("\nFalse-positive rate at alpha 0.05 (share of true-null tests rejected; nominal 0.05)")
    print("columns: null design / measures (10 lexicon categories, 15 common words)")
    print(frame.map(lambda v: "" if pd.isna(v) else f"{v:.3f}").to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
