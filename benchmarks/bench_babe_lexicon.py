"""Validate a lexicon on BABE: sentence-level ROC AUC of the cue rate.

Usage::

    python benchmarks/bench_babe_lexicon.py [--data PATH] [--lexicon framing-cues] [--compare FILE ...]

BABE (Spinde et al. 2021, Findings of EMNLP) labels 3,674 news sentences
"Biased", "Non-biased" or "No agreement"; the last are dropped.  For each
sentence the overall cue rate is (non-negated hits over all categories) /
(tokens), with framing's matching and tokenisation; the AUC is
``sklearn.metrics.roc_auc_score`` of that rate for biased (1) against
non-biased (0), with a 95% percentile bootstrap CI over sentences (2,000
resamples, seed 0).  Per-category AUCs and the share of sentences with at
least one hit follow.  ``--compare`` adds other lexicon files (.toml,
.dic, .csv) measured the same way in the same run, e.g. a word list
converted to CSV.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from framing.lexicon.files import load_lexicon
from framing.match.matcher import Matcher

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "babe" / "final_labels_SG2.csv"


def read_babe(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    frame = frame[frame["label_bias"].isin(["Biased", "Non-biased"])].reset_index(drop=True)
    frame["y"] = (frame["label_bias"] == "Biased").astype(int)
    return frame


def rates(texts: list[str], lexicon) -> tuple[np.ndarray, np.ndarray, list[str]]:
    matcher = Matcher(lexicon)
    counts = np.zeros((len(texts), len(matcher.categories)))
    tokens = np.zeros(len(texts))
    for i, text in enumerate(texts):
        result = matcher.count(text)["all"]
        counts[i] = result.count
        tokens[i] = result.tokens
    return counts, tokens, list(matcher.categories)


def bootstrap_auc(y: np.ndarray, score: np.ndarray, *, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() == y[idx].max():
            continue
        values.append(roc_auc_score(y[idx], score[idx]))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def report(name: str, frame: pd.DataFrame, lexicon) -> None:
    counts, tokens, cats = rates(frame["text"].tolist(), lexicon)
    y = frame["y"].to_numpy()
    overall = counts.sum(axis=1) / np.maximum(tokens, 1)
    auc = roc_auc_score(y, overall)
    low, high = bootstrap_auc(y, overall)
    print(f"\n{name}: {len(lexicon.entries)} entries, {len(cats)} categories")
    print(f"  overall cue rate AUC {auc:.3f} (95% CI {low:.3f}-{high:.3f})")
    print(f"  {'category':<20} {'AUC':>6}  {'hit share biased':>17}  {'non-biased':>10}")
    for j, cat in enumerate(cats):
        rate = counts[:, j] / np.maximum(tokens, 1)
        hit = counts[:, j] > 0
        print(f"  {cat:<20} {roc_auc_score(y, rate):6.3f}  {hit[y == 1].mean():17.1%}  {hit[y == 0].mean():10.1%}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--lexicon", default="framing-cues")
    ap.add_argument("--compare", nargs="*", default=[], help="other lexicon files measured the same way")
    ap.add_argument("--wordlist", nargs="*", default=None,
                    help="plain word lists (one word a line; ';' or '#' comments; latin-1), each read as a one-category "
                         "lexicon; default: the Recasens et al. lists in ../shared when present")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"BABE not found at {args.data}; pass --data (see corpora/README.md)", file=sys.stderr)
        return 1
    frame = read_babe(args.data)
    print(f"BABE: {len(frame)} sentences ({int(frame['y'].sum())} biased, {int((1 - frame['y']).sum())} non-biased)")
    report(args.lexicon, frame, load_lexicon(args.lexicon))
    for path in args.compare:
        report(path, frame, load_lexicon(path))
    lists = args.wordlist
    if lists is None:
        folder = DEFAULT.parents[1] / "lexicons" / "recasens2013_via_neutralizing_bias"
        names = ("strong_subjectives_riloff2003.txt", "negative_liu2005.txt", "npov_lexicon.txt")
        lists = [str(folder / n) for n in names if (folder / n).exists()]
    for path in lists:
        report(f"word list {Path(path).name}", frame, wordlist_lexicon(Path(path)))
    return 0


def wordlist_lexicon(path: Path):
    """A one-category lexicon from a plain word list (kept in memory only)."""
    from framing.lexicon.model import Category, Lexicon
    from framing.text import term_tokens

    words, invalid = [], []
    for line in path.read_text(encoding="latin-1").splitlines():
        word = line.strip()
        if word and not word.startswith((";", "#")):
            try:
                term_tokens(word)
            except ValueError:
                invalid.append(word)
                continue
            words.append(word)
    if invalid:
        print(f"  ({path.name}: {len(invalid)} lines are not valid terms and were left out, e.g. {invalid[0]!r})")
    entries = [(w, "words", 1.0, None) for w in dict.fromkeys(words)]
    return Lexicon.build(path.stem, [Category("words")], entries, on_duplicate="warn")


if __name__ == "__main__":
    sys.exit(main())
