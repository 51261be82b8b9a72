"""The lexicon validation workflow on real data: sample, simulated coders, validate, evaluate.

On AllSides (``../shared/data/abp``) the bundled lexicon's hits are found,
a stratified sample is drawn (per category, or per entry, by outlet), and
two simulated coders code it: every entry gets a latent precision (drawn
once from Beta(4, 2)), each hit a true code drawn from it, and each coder
flips the true code with probability 0.10 / 0.15.  Because every hit has
a true code, the true precision of each category and of all hits is
known, and the table shows whether the validation's intervals cover it.
Then BABE (``../shared/data/babe``), if present, is evaluated against the
lexicon and the Recasens/Riloff word lists as baselines.

Run::

    python benchmarks/bench_validation.py --docs 5000 --per-category 100

and read the timings, the estimated vs true precision and coverage, alpha,
and the BABE token/span figures.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from framing.corpus.datasets import load_abp, load_babe
from framing.lexicon.files import load_lexicon
from framing.lexicon.validate import sample_hits
from framing.lexicon.wordlist import read_word_list
from framing.match import compile_lexicon, hits
from framing.stats.spans import babe_gold, evaluate_spans
from framing.stats.validation import CONSENSUS, validate_sheets
from framing.seeds import rng

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BASELINES = ("npov_lexicon.txt", "strong_subjectives_riloff2003.txt", "hedges_hyland2005.txt")


def _truth(found: pd.DataFrame, seed: int) -> np.ndarray:
    entries = sorted(set(zip(found["category"], found["entry"])))
    latent = dict(zip(entries, rng(seed, "bench", "latent").beta(4, 2, size=len(entries))))
    p = np.array([latent[(c, e)] for c, e in zip(found["category"], found["entry"])])
    return (rng(seed, "bench", "truth").random(len(found)) < p).astype(int)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="AllSides documents used (default 5000; 0 = all)")
    parser.add_argument("--per-category", type=int, default=100)
    parser.add_argument("--per-entry", type=int, default=None, help="sample per entry instead")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-resamples", type=int, default=999)
    args = parser.parse_args()
    lexicon = load_lexicon("framing-cues")
    matcher = compile_lexicon(lexicon)
    abp = SHARED / "abp" / "abp_media_train_valid.jsonl.gz"
    if abp.is_file():
        t = time.perf_counter()
        corpus = load_abp(abp)
        if args.docs:
            corpus = corpus.iloc[: args.docs].reset_index(drop=True)
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        found = hits(corpus, matcher)
        t_hits = time.perf_counter() - t
        found = found.assign(truth=_truth(found, args.seed))
        t = time.perf_counter()
        per = {"per_entry": args.per_entry} if args.per_entry else {"per_category": args.per_category}
        sheet = sample_hits(found, corpus, by="outlet" if args.per_entry is None else None,
                            random_state=args.seed, **per)
        t_sample = time.perf_counter() - t
        key = found.assign(unit_id=[f"{d}:{s}-{e}:{c}" for d, s, e, c in
                                    zip(found["doc_id"], found["start"], found["end"], found["category"])])
        truth = sheet["unit_id"].map(dict(zip(key["unit_id"], key["truth"]))).to_numpy()
        coders = []
        for name, noise in (("sim-a", 0.10), ("sim-b", 0.15)):
            flip = rng(args.seed, "bench", name).random(len(sheet)) < noise
            coders.append(sheet.assign(coder=name, correct=np.where(flip, 1 - truth, truth)))
        t = time.perf_counter()
        result = validate_sheets(coders, n_resamples=args.n_resamples, random_state=args.seed)
        t_validate = time.perf_counter() - t
        print(f"AllSides: {len(corpus)} documents read in {t_read:.1f}s; {len(found)} hits in {t_hits:.1f}s; "
              f"{len(sheet)} units sampled in {t_sample:.2f}s; validated in {t_validate:.1f}s "
              f"({args.n_resamples} resamples)")
        table = result.precision[(result.precision["coder"] == CONSENSUS)]
        true_cat = found.groupby("category")["truth"].mean()
        covered = 0
        rows = []
        for row in table[table["level"].isin(["overall", "category"])].itertuples(index=False):
            true = found["truth"].mean() if row.level == "overall" else true_cat[row.category]
            inside = row.ci_low <= true <= row.ci_high
            covered += inside
            rows.append((row.category or "(all hits)", row.n_coded, row.n_ties, round(row.precision, 3),
                         f"[{row.ci_low:.3f}, {row.ci_high:.3f}]", round(true, 3), inside))
        print(pd.DataFrame(rows, columns=["category", "coded", "ties", "estimate", "CI", "true", "covered"])
              .to_string(index=False))
        print(f"covered {covered} of {len(rows)} (consensus codes of noisy coders estimate a slightly different "
              "quantity than the true codes, so coverage below nominal is expected as noise grows)")
        alpha = result.agreement[result.agreement["scope"] == "all"].iloc[0]
        print(f"Krippendorff's alpha {alpha.alpha:.3f} [{alpha.ci_low:.3f}, {alpha.ci_high:.3f}]; "
              f"{len(result.disagreements)} disagreements; "
              f"{int(table['prune'].sum())} entries flagged for pruning")
    else:
        print(f"AllSides not found at {abp}: sampling/validation skipped")
    babe_file = SHARED / "babe" / "final_labels_SG2.csv"
    if babe_file.is_file():
        babe = load_babe(babe_file)
        gold = babe_gold(babe)
        lexicons = {lexicon.name: matcher}
        folder = SHARED / "lexicons" / "recasens2013_via_neutralizing_bias"
        for name in BASELINES:
            if (folder / name).is_file():
                words = read_word_list(folder / name, on_error="warn")
                lexicons[f"baseline:{words.name}"] = words
        t = time.perf_counter()
        table = evaluate_spans(babe, gold, lexicons)
        print(f"\nBABE: {len(babe)} sentences, {len(gold)} gold spans ({gold.attrs['unmatched']} biased words not "
              f"found in their sentence); evaluated {len(lexicons)} lexicons in {time.perf_counter() - t:.1f}s")
        star = table[table["category"] == "*"]
        print(star.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    else:
        print(f"BABE not found at {babe_file}: span evaluation skipped")


if __name__ == "__main__":
    main()
