"""The lexicon validation workflow end to end on AllSides: ``[[validation]]`` sample, two coders, validate.

The workflow runs through the experiment runner, as a researcher would
run it (``framing run``):

1. a config with a ``[[validation]]`` entry ``sample = {per_category, by =
   "outlet"}`` on the first ``--docs`` records of AllSides
   (``../shared/data/abp``) writes the coding sheet (and its coding page)
   into the run folder;
2. two coders code the sheet.  **They are simulated** (there are no real
   codings of AllSides here): every entry of the bundled lexicon gets a
   latent precision drawn once from Beta(4, 2), each hit of the scored
   voice a true code drawn from it, and each coder flips the true code
   with probability 0.10 / 0.15;
3. the same entry with ``sheets = [coder-a.csv, coder-b.csv]`` (and, when
   BABE is present, a second entry with ``spans = {dataset = "babe",
   baselines = [the Recasens/Riloff/Hyland word lists]}``) runs again: the
   sample comes from the stage cache, the precision, alpha, disagreement
   and span tables and the report section are written.

Because every hit has a true code, the true precision of each category
and of all hits is known, and the output shows whether the intervals
cover it.  Each step prints wall time, CPU seconds and peak memory.

Run::

    nice -n 10 python benchmarks/bench_validation.py --docs 3000 --per-category 60

(``--docs 0``: all ~29k records.)
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _memory import reset_peak, status_mb  # noqa: E402

from framing.experiment.config import load_config  # noqa: E402
from framing.experiment.runner import run  # noqa: E402
from framing.lexicon.files import load_lexicon  # noqa: E402
from framing.match import hits  # noqa: E402
from framing.report.html import validation_readings  # noqa: E402
from framing.seeds import rng  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BASELINES = ("npov_lexicon.txt", "strong_subjectives_riloff2003.txt", "hedges_hyland2005.txt")


def _truth(found: pd.DataFrame, seed: int) -> np.ndarray:
    entries = sorted(set(zip(found["category"], found["entry"])))
    latent = dict(zip(entries, rng(seed, "bench", "latent").beta(4, 2, size=len(entries))))
    p = np.array([latent[(c, e)] for c, e in zip(found["category"], found["entry"])])
    return (rng(seed, "bench", "truth").random(len(found)) < p).astype(int)


class _Step:
    """Wall time, CPU seconds and peak memory of one step."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> "_Step":
        self.reset = reset_peak()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        peak = status_mb("VmHWM")
        print(f"  [{self.name}] wall {wall:.1f} s, CPU {cpu:.1f} s, peak memory {peak:.0f} MB"
              f"{'' if self.reset else ' (peak of the process)'}")


def _config(folder: Path, corpus: Path, *, per_category: int, seed: int, n_resamples: int,
            sheets: list[Path] | None = None, babe: Path | None = None, baselines: list[Path] = ()) -> Path:
    lines = [
        "schema_version = 1", 'name = "bench-validation"', f"seed = {seed}",
        "[corpus]", f'path = "{corpus.as_posix()}"', 'format = "abp"',
        "[outputs]", "figures = []", "examples = 0",
        "[runtime]", f'cache_dir = "{(folder / "cache").as_posix()}"', "progress = false",
        "[[validation]]", 'name = "cues"',
        f'sample = {{ per_category = {per_category}, by = "outlet", seed = {seed} }}',
    ]
    if sheets:
        lines += [f"sheets = [{', '.join(f'{chr(34)}{p.as_posix()}{chr(34)}' for p in sheets)}]",
                  f"n_resamples = {n_resamples}"]
    if babe is not None:
        listed = ", ".join(f'"{p.as_posix()}"' for p in baselines)
        lines += ["[[validation]]", 'name = "babe"',
                  f'spans = {{ dataset = "babe", path = "{babe.as_posix()}", baselines = [{listed}] }}']
    path = folder / ("validate.toml" if sheets else "sample.toml")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="first AllSides records used (default 3000; 0 = all)")
    parser.add_argument("--per-category", type=int, default=60, help="hits per category and outlet stratum")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-resamples", type=int, default=999)
    args = parser.parse_args()
    abp = SHARED / "abp" / "abp_media_train_valid.jsonl.gz"
    if not abp.is_file():
        print(f"AllSides not found at {abp}: nothing to run")
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    corpus = folder / "abp.jsonl"
    with gzip.open(abp, "rt", encoding="utf-8") as src, open(corpus, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if args.docs and i >= args.docs:
                break
            dst.write(line)
    runs = folder / "runs"
    print(f"AllSides: the first {args.docs or 'all'} records; run folders under {runs}")

    print("1. [[validation]] sample: draw the coding sheet")
    with _Step("framing run (sample)"):
        first = run(load_config(_config(folder, corpus, per_category=args.per_category, seed=args.seed,
                                         n_resamples=args.n_resamples)), runs_dir=runs)
    sheet = pd.read_csv(first.run_dir / "tables" / "validation-cues-sheet.csv", dtype=str, keep_default_na=False)
    print(f"  {len(sheet)} hits sampled from {sheet['stratum'].nunique()} strata; coding page: "
          f"{(first.run_dir / 'coding' / 'validation-cues.html').is_file()}")

    print("2. two SIMULATED coders code the sheet (latent entry precision ~ Beta(4, 2); flips 0.10 / 0.15)")
    with _Step("truth for every hit"):
        cfg = load_config(folder / "sample.toml")
        from framing.experiment.corpus import load_corpus

        frame, _ = load_corpus(cfg.corpus, seed=cfg.seeds()["corpus"])  # the run's corpus
        found = hits(frame, load_lexicon("framing-cues"), part=cfg.preprocessing.part, voice=cfg.preprocessing.voice)
        found = found.assign(truth=_truth(found, args.seed))
        key = [f"{d}:{s}-{e}:{c}" for d, s, e, c in zip(found["doc_id"], found["start"], found["end"], found["category"])]
        truth = sheet["unit_id"].map(dict(zip(key, found["truth"]))).to_numpy()
    if np.isnan(truth.astype(float)).any():
        raise SystemExit("a sampled hit is not among the hits of the scored voice: the bench's corpus differs")
    sheets = []
    for name, noise in (("sim-a", 0.10), ("sim-b", 0.15)):
        flip = rng(args.seed, "bench", name).random(len(sheet)) < noise
        path = folder / f"{name}.csv"
        sheet.assign(coder=name, correct=np.where(flip, 1 - truth, truth)).to_csv(path, index=False)
        sheets.append(path)

    babe = SHARED / "babe" / "final_labels_SG2.csv"
    lists = SHARED / "lexicons" / "recasens2013_via_neutralizing_bias"
    baselines = [lists / name for name in BASELINES if (lists / name).is_file()]
    print("3. [[validation]] sheets (+ spans on BABE): validate")
    with _Step("framing run (validate)"):
        second = run(load_config(_config(folder, corpus, per_category=args.per_category, seed=args.seed,
                                          n_resamples=args.n_resamples, sheets=sheets,
                                          babe=babe if babe.is_file() else None, baselines=baselines)),
                     runs_dir=runs)
    print(f"  {second.summary()}")
    tables = second.run_dir / "tables"
    precision = pd.read_csv(tables / "validation-cues-precision.csv")
    alpha = pd.read_csv(tables / "validation-cues-alpha.csv", keep_default_na=False, na_values=[""])
    cons = precision[precision["coder"] == "(consensus)"]
    true_cat = found.groupby("category")["truth"].mean()
    rows, covered = [], 0
    for row in cons[cons["level"].isin(["overall", "category"])].itertuples(index=False):
        true = found["truth"].mean() if row.level == "overall" else true_cat[row.category]
        inside = row.ci_low <= true <= row.ci_high
        covered += inside
        rows.append((row.category if row.level == "category" else "(all hits)", row.n_coded, row.n_ties,
                     round(row.precision, 3), f"[{row.ci_low:.3f}, {row.ci_high:.3f}]", round(true, 3), inside))
    print(pd.DataFrame(rows, columns=["category", "coded", "ties", "estimate", "CI", "true", "covered"])
          .to_string(index=False))
    print(f"covered {covered} of {len(rows)} (consensus codes of noisy coders estimate a slightly different "
          "quantity than the true codes, so coverage below nominal is expected as noise grows)")
    overall = alpha[alpha["scope"] == "all"].iloc[0]
    print(f"Krippendorff's alpha {overall.alpha:.3f} [{overall.ci_low:.3f}, {overall.ci_high:.3f}]; "
          f"{len(pd.read_csv(tables / 'validation-cues-disagreements.csv'))} disagreements; "
          f"{int(cons['prune'].sum())} entries flagged for pruning")
    print("Report readings:")
    for reading in validation_readings(precision, alpha)["reading"]:
        print(f"  {reading}")
    if (tables / "validation-babe-spans.csv").is_file():
        spans = pd.read_csv(tables / "validation-babe-spans.csv")
        print("\nBABE (token and span level, category '*' = the union):")
        print(spans[spans["category"] == "*"].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    else:
        print(f"BABE not found at {babe}: span evaluation skipped")


if __name__ == "__main__":
    main()
