"""Validity of the bundled lexicons on every annotated dataset, dev and test apart (issue 11).

Usage::

    python benchmarks/bench_lexicon_validity.py [--data PATH] [--split dev test] [--boot 1000]
    python benchmarks/bench_lexicon_validity.py --entries framing-bias-cues   # dev only: per-entry table

Splits are those of ``benchmarks/_splits.py`` (fixed before the revision;
entries were written and pruned on ``dev`` only).  For each dataset and
split the script prints, for ``framing-cues`` 1.0.0 (all categories), the
bias-cue index ``framing-bias-cues`` (all its categories), each category
of ``framing-bias-cues`` and ``framing-dimensions`` for reference, and
plain word-list baselines read in the same run with
:func:`framing.lexicon.wordlist.read_word_list`:

* span level (lenient overlap, :func:`framing.stats.spans.evaluate_spans`,
  ``voice="all"``, negated hits included): precision, recall, F1;
* document level, from the rate = non-negated hits / tokens:
  BABE: sentence ROC AUC and point-biserial r of the rate with
  Biased (1) vs Non-biased (0); PTC and NewsWCL50: Pearson r and
  Spearman rho of the article rate with the share of the article's
  tokens inside gold spans.

Gold: BABE ``biased_words`` (:func:`framing.stats.spans.babe_gold`);
PTC spans of Loaded_Language, Name_Calling,Labeling, Doubt and
Exaggeration,Minimisation; NewsWCL50 ``PROPERTY`` annotations (the
codebook's evaluative word-choice properties of actors, e.g. "surprisingly
brave"; the other code types mark mentions of actors, countries and
events, mostly names, which no cue lexicon is meant to find).

Baselines: Recasens et al. (2013) NPOV bias lexicon, Riloff & Wiebe
strong subjectives, Liu negative opinion words, MPQA ``strongsubj``
clues (the same words as Riloff & Wiebe's list, so the two rows agree), VADER words with mean <= -1, Hyland hedges and the wooorm
hedges/weasels lists (each one category).  For the index the script
prints, per split, the difference to the best baseline of each metric
with a 95 % percentile bootstrap CI over documents (``--boot``
resamples, seeds from :func:`framing.seeds.rng`).  Test figures are
aggregates only; no test text or hit is ever printed.  CPU seconds and
peak memory are printed at the end.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _memory import status_mb
from _splits import babe_split, newswcl50_split, ptc_split

from framing.corpus.datasets import (
    load_babe,
    load_newswcl50,
    load_newswcl50_annotations,
    load_ptc_articles,
    load_ptc_spans,
)
from framing.lexicon.files import bundled_lexicons, load_lexicon
from framing.lexicon.wordlist import read_word_list
from framing.match import hits as find_hits
from framing.seeds import rng
from framing.stats.spans import babe_gold, evaluate_spans, newswcl50_gold, ptc_gold
from framing.text import tokenize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PTC_LABELS = ("Loaded_Language", "Name_Calling,Labeling", "Doubt", "Exaggeration,Minimisation")
WCL_LABELS = ("PROPERTY",)
INDEX = "framing-bias-cues"
DIMENSIONS = "framing-dimensions"
OLD = "framing-cues"


# ------------------------------------------------------------------ data


def load_datasets(data: Path) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """name -> (corpus with ``split`` and ``target``, gold spans)."""
    out = {}
    babe = load_babe(data / "babe" / "final_labels_SG2.csv")
    babe = babe.assign(split=babe_split(babe), target=babe["biased"].astype(float))
    out["BABE"] = (babe, babe_gold(babe))
    ptc = load_ptc_articles(data / "ptc" / "train-articles")
    spans = load_ptc_spans(data / "ptc" / "train-task2-TC.labels", articles=ptc)
    gold = ptc_gold(spans)
    gold = gold[gold["label"].isin(PTC_LABELS)].reset_index(drop=True)
    ptc = ptc.assign(split=ptc_split(ptc), target=gold_share(ptc, gold))
    out["PTC"] = (ptc, gold)
    wcl = load_newswcl50(data / "newswcl50" / "articles")
    ann = load_newswcl50_annotations(data / "newswcl50" / "Annotations.csv", articles=wcl)
    gold = newswcl50_gold(ann)
    gold = gold[gold["label"].isin(WCL_LABELS)].reset_index(drop=True)
    wcl = wcl.assign(split=newswcl50_split(wcl), target=gold_share(wcl, gold))
    out["NewsWCL50"] = (wcl, gold)
    return out


def gold_share(corpus: pd.DataFrame, gold: pd.DataFrame) -> np.ndarray:
    """Per document: share of its tokens that overlap a gold span."""
    by_doc = {d: g for d, g in gold.groupby("doc_id")}
    shares = []
    for doc_id, text in zip(corpus["doc_id"].astype(str), corpus["text"]):
        toks = tokenize(text)
        g = by_doc.get(doc_id)
        if g is None or not toks:
            shares.append(0.0)
            continue
        ts = np.array([t.start for t in toks])
        te = np.array([t.end for t in toks])
        gs, ge = g["start"].to_numpy(), g["end"].to_numpy()
        inside = ((ts[:, None] < ge[None, :]) & (gs[None, :] < te[:, None])).any(axis=1)
        shares.append(float(inside.mean()))
    return np.array(shares)


# ------------------------------------------------------------------ baselines


def _list_lexicon(name: str, words, folder: Path):
    path = folder / f"{name}.txt"
    path.write_text("\n".join(dict.fromkeys(words)) + "\n", encoding="utf-8")
    return read_word_list(path, on_error="warn", category="words")


def baselines(data: Path, folder: Path) -> dict:
    root = data / "lexicons"
    rec = root / "recasens2013_via_neutralizing_bias"
    out = {}
    for label, path in (("Recasens NPOV", rec / "npov_lexicon.txt"),
                        ("Riloff strongsubj", rec / "strong_subjectives_riloff2003.txt"),
                        ("Liu negative", rec / "negative_liu2005.txt"),
                        ("Hyland hedges", rec / "hedges_hyland2005.txt"),
                        ("wooorm hedges", root / "wooorm_hedges_weasels_npm" / "hedges.txt"),
                        ("wooorm weasels", root / "wooorm_hedges_weasels_npm" / "weasels.txt")):
        if path.exists():
            out[label] = read_word_list(path, on_error="warn", category="words")
    mpqa = root / "mpqa_subjectivity" / "subjclueslen1-HLTEMNLP05.tff"
    if mpqa.exists():
        words = []
        for line in mpqa.read_text(encoding="latin-1").splitlines():
            fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
            if fields.get("type") == "strongsubj" and "word1" in fields:
                words.append(fields["word1"])
        out["MPQA strongsubj"] = _list_lexicon("mpqa_strongsubj", words, folder)
    vader = root / "vader" / "vader_lexicon.txt"
    if vader.exists():
        words = []
        for line in vader.read_text(encoding="utf-8").splitlines():
            cells = line.split("\t")
            if len(cells) >= 2 and float(cells[1]) <= -1.0:
                words.append(cells[0])
        out["VADER negative"] = _list_lexicon("vader_negative", words, folder)
    return out


# ------------------------------------------------------------------ measures


def per_doc(corpus: pd.DataFrame, gold: pd.DataFrame, lexicon, categories=None) -> pd.DataFrame:
    """Per document: span counts (the span-level rule of evaluate_spans) and the non-negated rate."""
    found = find_hits(corpus[["doc_id", "outlet", "text"]], lexicon, voice="all")
    found = found.assign(doc_id=found["doc_id"].astype(str))
    if categories is not None:
        found = found[found["category"].isin(categories)]
    counted = found[~found["negated"]].groupby("doc_id").size()
    spans = found.drop_duplicates(["doc_id", "start", "end"])
    by_hit = {d: g for d, g in spans.groupby("doc_id", sort=False)}
    by_gold = {d: g for d, g in gold.assign(doc_id=gold["doc_id"].astype(str)).groupby("doc_id", sort=False)}
    rows = []
    for doc_id, text in zip(corpus["doc_id"].astype(str), corpus["text"]):
        h = by_hit.get(doc_id)
        g = by_gold.get(doc_id)
        n_pred = 0 if h is None else len(h)
        n_gold = 0 if g is None else len(g)
        tp = found_gold = 0
        if n_pred and n_gold:
            hs, he = h["start"].to_numpy(), h["end"].to_numpy()
            gs, ge = g["start"].to_numpy(), g["end"].to_numpy()
            m = (hs[:, None] < ge[None, :]) & (gs[None, :] < he[:, None])
            tp, found_gold = int(m.any(axis=1).sum()), int(m.any(axis=0).sum())
        tokens = max(len(tokenize(text)), 1)
        rows.append((doc_id, n_pred, tp, n_gold, found_gold, counted.get(doc_id, 0) / tokens))
    return pd.DataFrame(rows, columns=["doc_id", "n_pred", "tp", "n_gold", "found", "rate"])


def f1_of(t: pd.DataFrame | np.ndarray) -> float:
    n_pred, tp, n_gold, found = (t[:, 0].sum(), t[:, 1].sum(), t[:, 2].sum(), t[:, 3].sum())
    p = tp / n_pred if n_pred else 0.0
    r = found / n_gold if n_gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def doc_metric(dataset: str, target: np.ndarray, rate: np.ndarray) -> float:
    if dataset == "BABE":
        return float(roc_auc_score(target, rate))
    if np.std(rate) == 0 or np.std(target) == 0:
        return float("nan")
    return float(pearsonr(rate, target)[0])


def doc_row(dataset: str, target: np.ndarray, rate: np.ndarray) -> dict:
    if dataset == "BABE":
        r = pearsonr(rate, target)[0] if np.std(rate) > 0 else np.nan
        return {"doc": roc_auc_score(target, rate), "doc2": r}
    ok = np.std(rate) > 0
    return {"doc": pearsonr(rate, target)[0] if ok else np.nan, "doc2": spearmanr(rate, target)[0] if ok else np.nan}


def bootstrap_diff(dataset, split, target, a: pd.DataFrame, b: pd.DataFrame, n: int):
    """95 % CIs of (index - baseline) in span F1 and in the document metric, resampling documents."""
    gen = rng(0, "lexicon-validity", dataset, split)
    ta = a[["n_pred", "tp", "n_gold", "found"]].to_numpy()
    tb = b[["n_pred", "tp", "n_gold", "found"]].to_numpy()
    ra, rb = a["rate"].to_numpy(), b["rate"].to_numpy()
    df1, ddoc = [], []
    size = len(target)
    for _ in range(n):
        idx = gen.integers(0, size, size)
        df1.append(f1_of(ta[idx]) - f1_of(tb[idx]))
        y = target[idx]
        if dataset == "BABE" and y.min() == y.max():
            continue
        ddoc.append(doc_metric(dataset, y, ra[idx]) - doc_metric(dataset, y, rb[idx]))
    return np.nanpercentile(df1, [2.5, 97.5]), np.nanpercentile(ddoc, [2.5, 97.5])


def evaluate(dataset: str, corpus: pd.DataFrame, gold: pd.DataFrame, split: str, lexicons: dict, boot: int) -> None:
    part = corpus[corpus["split"] == split].reset_index(drop=True)
    docs = set(part["doc_id"].astype(str))
    g = gold[gold["doc_id"].astype(str).isin(docs)].reset_index(drop=True)
    target = part["target"].to_numpy(float)
    spans = evaluate_spans(part, g, lexicons, voice="all")
    spans = spans[spans["level"] == "span"].set_index(["lexicon", "category"])
    doc_names = ("AUC", "r_pb") if dataset == "BABE" else ("r", "rho")
    print(f"\n== {dataset} {split}: {len(part)} documents, {len(g)} gold spans"
          + (f", {int(target.sum())} biased" if dataset == "BABE" else f", mean gold token share {target.mean():.3f}"))
    print(f"  {'lexicon / category':<40} {'hits':>6} {'P':>6} {'R':>6} {'F1':>6} {doc_names[0]:>7} {doc_names[1]:>7}")
    tables: dict[str, pd.DataFrame] = {}
    summary = {}
    for name, lexicon in lexicons.items():
        cats = list(load_lexicon(lexicon, warn=False).category_names)
        table = per_doc(part, g, lexicon)
        tables[name] = table
        rows = [("*", table)]
        if name in (INDEX, DIMENSIONS):
            rows += [(c, per_doc(part, g, lexicon, [c])) for c in cats]
        for cat, t in rows:
            s = spans.loc[(name, cat)]
            d = doc_row(dataset, target, t["rate"].to_numpy())
            label = name if cat == "*" else f"  {name}:{cat}"
            print(f"  {label:<40} {int(s['n_predicted']):>6} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
                  f"{d['doc']:7.3f} {d['doc2']:7.3f}")
            if cat == "*":
                summary[name] = (float(s["f1"]), float(d["doc"]))
    base = [n for n in lexicons if n not in (INDEX, DIMENSIONS, OLD)]
    if INDEX in lexicons and base:
        for k, metric in ((0, "span F1"), (1, doc_names[0])):
            best = max(base, key=lambda n: (np.nan_to_num(summary[n][k], nan=-9), n))
            ci_f1, ci_doc = bootstrap_diff(dataset, split, target, tables[INDEX], tables[best], boot)
            ci = ci_f1 if k == 0 else ci_doc
            print(f"  index - best baseline ({best}) in {metric}: {summary[INDEX][k] - summary[best][k]:+.3f} "
                  f"(95% CI {ci[0]:+.3f} to {ci[1]:+.3f}, {boot} resamples)")


def entry_table(name: str, datasets: dict) -> None:
    """Dev only: per entry, hits and share of hits on gold, per dataset, and BABE biased share."""
    frames = []
    for dataset, (corpus, gold) in datasets.items():
        part = corpus[corpus["split"] == "dev"].reset_index(drop=True)
        found = find_hits(part[["doc_id", "outlet", "text"]], name, voice="all")
        found = found.assign(doc_id=found["doc_id"].astype(str))
        gd = {d: x for d, x in gold.assign(doc_id=gold["doc_id"].astype(str)).groupby("doc_id")}
        on_gold = []
        for d, s, e in zip(found["doc_id"], found["start"], found["end"]):
            x = gd.get(d)
            on_gold.append(bool(x is not None and ((x["start"] < e) & (s < x["end"])).any()))
        found["on_gold"] = on_gold
        if dataset == "BABE":
            y = dict(zip(part["doc_id"].astype(str), part["biased"]))
            found["biased"] = found["doc_id"].map(y).astype(float)
        found["dataset"] = dataset
        frames.append(found)
    allh = pd.concat(frames, ignore_index=True)
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 5000)
    out = allh.pivot_table(index=["category", "entry"], columns="dataset", values="on_gold", aggfunc=["size", "mean"])
    babe = allh[allh["dataset"] == "BABE"].groupby(["category", "entry"])["biased"].mean().rename("babe_biased")
    out.columns = [f"{a}_{b}" for a, b in out.columns]
    print(out.join(babe).round(2).to_string())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--split", nargs="*", default=["dev", "test"], choices=["dev", "test"])
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--entries", default=None, help="print the dev-only per-entry table of this lexicon and stop")
    args = ap.parse_args(argv)
    if not (args.data / "babe").is_dir():
        print(f"shared data not found at {args.data}; pass --data", file=sys.stderr)
        return 1
    wall = time.perf_counter()
    datasets = load_datasets(args.data)
    if args.entries:
        entry_table(args.entries, datasets)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        lexicons = {name: name for name in (OLD, INDEX, DIMENSIONS) if name in bundled_lexicons()}
        lexicons.update(baselines(args.data, Path(tmp)))
        for dataset, (corpus, gold) in datasets.items():
            for split in args.split:
                evaluate(dataset, corpus, gold, split, lexicons, args.boot)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nwall {time.perf_counter() - wall:.1f} s, CPU {usage.ru_utime + usage.ru_stime:.1f} s, "
          f"peak memory {status_mb('VmHWM'):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
