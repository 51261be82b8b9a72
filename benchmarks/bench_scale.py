"""Scale benchmark for ``framing score``: the in-memory path, the
streaming engine with the main process reading (``--read-in main``, the
path before workers read their own input) and the streaming engine with
workers reading their own parts (``framing.match.engine.score_files``),
on the local pool (n_jobs 1 and 2) and on Dask.

Corpus: AllSides (``$FRAMING_ABP``, else ``../shared/data/abp``) replicated with distinct ids,
or synthetic text when it is absent, written to a scratch folder as one
uncompressed JSONL file and as 8 ``.jsonl.gz`` shards (read through the
pattern ``shards_<corpus>/*.jsonl.gz``).  Sizes 10k and 100k articles
(``--million`` adds 1M; scratch space per size, from AllSides: the JSONL
corpus 34 MB per 10k articles, its 8 shards 12 MB per 10k, and one rows
file of 7 MB per 10k for each configuration run, so 1M with every
configuration needs about 10 GB, with ``--only workers dask`` about
7.5 GB).  Each configuration runs in a fresh child
process (whole ``framing score`` command); printed: wall, CPU seconds of
the main process and of its descendants, uncompressed MB of input per
CPU-second, peak RSS of the main process and of the largest worker
(RUSAGE_CHILDREN of the child).

    nice -n 10 python benchmarks/bench_scale.py --sizes 10000 --n-jobs 2

``--framing-run`` measures ``framing run`` instead (cold, then cached): on
the generated corpus with a small config, or with ``--allsides`` the
shipped ``experiments/allsides.toml`` on AllSides replicated to each size
in its own layout (:func:`make_allsides`; 100k: 0.2 GB gzip).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# AllSides: $FRAMING_ABP (as experiments/allsides.toml), else ../shared next to the repository
ABP = Path(os.environ.get("FRAMING_ABP") or ROOT.parent / "shared" / "data" / "abp" / "abp_media_train_valid.jsonl.gz")

CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
from framing.cli.app import main
t = time.perf_counter()
rc = main({argv!r})
wall = time.perf_counter() - t
self_, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
# the main process's own peak from /proc (VmHWM starts afresh at exec; ru_maxrss keeps the peak of the
# process this one was forked from, here the benchmark that built the corpus files in memory)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("RESULT", rc, wall, self_.ru_utime + self_.ru_stime, kids.ru_utime + kids.ru_stime,
      hwm / 1024, kids.ru_maxrss / 1024, file=sys.stderr)
"""


def make_shards(folder: Path, corpus: Path, n: int, k: int = 8) -> str:
    """``corpus`` cut into ``k`` gzip shards; the glob pattern naming them
    (a folder named after the corpus file, so shards of another corpus are
    never reused)."""
    shards = folder / f"shards_{corpus.name.removesuffix('.jsonl')}"
    if not shards.exists():
        part = shards.with_name(shards.name + ".part")
        part.mkdir(exist_ok=True)
        # streamed (a 1M-article corpus is 6.4 GB): lines counted, then written k files of equal line counts
        with open(corpus, "rb") as f:
            n_lines = sum(1 for _ in f)
        step = -(-n_lines // k)
        with open(corpus, "rb") as f:
            for i in range(k):
                with gzip.GzipFile(part / f"part{i:03d}.jsonl.gz", "wb", compresslevel=6, mtime=0) as out:
                    for _, line in zip(range(step), f):
                        out.write(line)
        part.rename(shards)
    return str(shards / "*.jsonl.gz")


def make_corpus(folder: Path, n: int) -> Path:
    """``n`` articles as one JSONL file: AllSides (``ABP``) replicated with
    distinct ids, or synthetic text when it is absent.  The file is named by
    its source (``allsides_corpus_N.jsonl`` or ``synthetic_corpus_N.jsonl``),
    so a file of the other kind left in the scratch folder is never reused;
    the size per article is printed."""
    source = "allsides" if ABP.exists() else "synthetic"
    path = folder / f"{source}_corpus_{n}.jsonl"
    if not path.exists():
        _write_corpus(path, n)
    size = path.stat().st_size
    print(f"corpus: {path} ({source}, {size / 1e6:.0f} MB, {size / n / 1e3:.1f} KB per article)", file=sys.stderr)
    return path


def _write_corpus(path: Path, n: int) -> None:
    base = []
    if ABP.exists():
        with gzip.open(ABP, "rt", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                base.append((r["source"], r.get("title") or "", r["text"]))
                if len(base) >= min(n, 28000):
                    break
    else:
        import numpy as np
        rng = np.random.default_rng(0)
        words = [f"w{i}" for i in range(5000)] + ["allegedly", "so-called", "claimed", "regime", "crisis"]
        for i in range(2000):
            text = " ".join(rng.choice(words, 600)) + "."
            base.append((f"outlet{i % 20}", f"title {i}", text))
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as out:
        for i in range(n):
            outlet, title, text = base[i % len(base)]
            out.write(json.dumps({"doc_id": f"d{i}", "outlet": outlet, "title": title, "text": text}) + "\n")
    part.replace(path)


def run(argv: list[str]) -> dict:
    code = CHILD.format(root=str(ROOT), argv=argv)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    line = [x for x in proc.stderr.splitlines() if x.startswith("RESULT")]
    if not line:
        raise RuntimeError(proc.stderr[-2000:])
    _, rc, wall, cpu_self, cpu_kids, rss_self, rss_kids = line[-1].split()
    return {"rc": int(rc), "wall": float(wall), "cpu_main": float(cpu_self), "cpu_workers": float(cpu_kids),
            "rss_main": float(rss_self), "rss_workers": float(rss_kids)}


RUN_CONFIG = """schema_version = 1
name = "bench-run"
seed = 1

[corpus]
path = "{corpus}"

[[lexicons]]
name = "framing-cues"

[[comparisons]]
id = "outlets"
by = "outlet"
methods = ["welch"]

[[keyness]]
id = "words"
by = "outlet"
min_count = 200
min_docs = 20
stop_words = ["@english", "@numbers"]

[outputs]
figures = []
examples = 2

[runtime]
n_jobs = {n_jobs}
cache_dir = "{cache}"
"""


def make_allsides(folder: Path, n: int) -> Path:
    """AllSides (``ABP``) replicated to ``n`` articles in its own layout
    (``.jsonl.gz``, every key kept): replica ``r`` > 0 of an article has the
    id ``<id>-r<r>``, the source ``<source> (r<r>)`` (its own outlet, so each
    outlet's repeated lines and sizes are those of the original; outlet-name
    masking strips the qualifier) and `` (r<r>)`` after its text (not an
    exact duplicate)."""
    path = folder / f"allsides_{n}.jsonl.gz"
    if path.exists():
        return path
    with gzip.open(ABP, "rt", encoding="utf-8") as f:
        base = [json.loads(line) for line in f]
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for i in range(n):
            r, record = i // len(base), dict(base[i % len(base)])
            if r:
                record.update(id=f"{record['id']}-r{r}", source=f"{record['source']} (r{r})",
                              text=f"{record['text']} (r{r})")
            out.write(json.dumps(record) + "\n")
    return path


def _cold_and_cached(config: Path, folder: Path, n: int) -> None:
    """``framing run config`` twice, cold then with every stage cached (the
    run folder is removed in between, not the stage cache); one row each."""
    import shutil

    for label in ("cold", "cached"):
        shutil.rmtree(folder / "runs", ignore_errors=True)
        r = run(["run", str(config), "--runs-dir", str(folder / "runs"), "--quiet"])
        print(f"{n:>8} {label:<11} {r['wall']:>7.1f} {r['cpu_main']:>8.1f} {r['cpu_workers']:>8.1f} "
              f"{r['rss_main']:>8.0f} {r['rss_workers']:>8.0f}", flush=True)


def bench_allsides(scratch: Path, sizes: list[int]) -> None:
    """``framing run`` of ``experiments/allsides.toml`` (a copy pointing at
    :func:`make_allsides`'s corpus, with its own stage cache): cold, then
    cached."""
    import shutil

    print(f"{'size':>8} {'allsides':<11} {'wall s':>7} {'CPU main':>8} {'CPU wrk':>8} {'RSS main':>8} {'RSS wrk':>8}")
    text = (ROOT / "experiments" / "allsides.toml").read_text(encoding="utf-8")
    for n in sizes:
        corpus = make_allsides(scratch, n)
        folder = scratch / f"allsides_run_{n}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        config = folder / "allsides.toml"
        config.write_text(_replicated_config(text, corpus, folder, n), encoding="utf-8")
        _cold_and_cached(config, folder, n)


def _replicated_config(text: str, corpus: Path, folder: Path, n: int) -> str:
    """``experiments/allsides.toml`` for :func:`make_allsides`'s corpus of
    ``n`` articles: its path, its own stage cache, and the config's excluded
    outlets (the three sources with two AllSides labels) excluded in every
    replica too (``<source> (r<r>)``): a replica of a source that spans two
    classes spans them as well, and outlets must nest in their class."""
    import re

    line = re.search(r"^exclude = \{ outlet = \[(.*)\] \}$", text, flags=re.M)
    if line is None:
        raise ValueError("experiments/allsides.toml: no 'exclude = { outlet = [...] }' line to extend")
    names = json.loads(f"[{line.group(1)}]")
    with gzip.open(ABP, "rb") as f:
        replicas = -(-n // sum(1 for _ in f))  # replica r of make_allsides: r < replicas
    names += [f"{name} (r{r})" for r in range(1, replicas) for name in names]
    text = text.replace(line.group(0), f"exclude = {{ outlet = {json.dumps(names)} }}")
    return text.replace("${FRAMING_ABP}", corpus.as_posix()).replace(
        "[runtime]\n", f"[runtime]\ncache_dir = \"{(folder / 'cache').as_posix()}\"\n")


def bench_run(scratch: Path, sizes: list[int], n_jobs: int) -> None:
    """``framing run`` (issue 13) on the generated corpora: a cold run, then
    the same config again with every stage cached; wall, CPU-s (main +
    workers) and peak RSS of each."""
    import shutil

    print(f"{'size':>8} {'framing run':<11} {'wall s':>7} {'CPU main':>8} {'CPU wrk':>8} {'RSS main':>8} {'RSS wrk':>8}")
    for n in sizes:
        corpus = make_corpus(scratch, n)
        folder = scratch / f"run_{n}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        config = folder / "bench.toml"
        config.write_text(RUN_CONFIG.format(corpus=corpus.as_posix(), n_jobs=n_jobs,
                                            cache=(folder / "cache").as_posix()), encoding="utf-8")
        _cold_and_cached(config, folder, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="also 1,000,000 articles")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--scratch", default=None, help="folder for generated corpora (default: a temp folder)")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--only", nargs="+", default=None, help="run only these configurations (names below)")
    parser.add_argument("--framing-run", action="store_true", help="measure `framing run` (cold, cached) instead")
    parser.add_argument("--allsides", action="store_true",
                        help="with --framing-run: experiments/allsides.toml on AllSides replicated to each size")
    args = parser.parse_args()
    sizes = args.sizes + ([1_000_000] if args.million else [])
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="framing-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if args.framing_run and args.allsides:
        bench_allsides(scratch, sizes)
        return
    if args.framing_run:
        bench_run(scratch, sizes, args.n_jobs)
        return
    jobs = str(args.n_jobs)
    configs = [  # (name, input: jsonl or shards, extra arguments)
        ("in-memory", "jsonl", ["--n-jobs", jobs]),
        ("main-read", "jsonl", ["--engine", "local", "--read-in", "main", "--n-jobs", jobs]),
        ("workers1", "jsonl", ["--engine", "local", "--n-jobs", "1"]),
        ("workers", "jsonl", ["--engine", "local", "--n-jobs", jobs]),
        ("workers1", "shards", ["--engine", "local", "--n-jobs", "1"]),
        ("workers", "shards", ["--engine", "local", "--n-jobs", jobs]),
    ]
    if not args.no_dask:
        try:
            import distributed  # noqa: F401
            configs += [("dask", "jsonl", ["--engine", "dask"]), ("dask", "shards", ["--engine", "dask"])]
        except ImportError:
            print("dask not installed: skipping the Dask engine", file=sys.stderr)
    if args.only:
        configs = [c for c in configs if c[0] in args.only or f"{c[0]}/{c[1]}" in args.only]
    print(f"{'size':>8} {'path':<10} {'input':<6} {'MB in':>7} {'wall s':>7} {'CPU main':>8} {'CPU wrk':>8} "
          f"{'MB/CPU-s':>8} {'RSS main':>8} {'RSS wrk':>8}")
    for n in sizes:
        corpus = make_corpus(scratch, n)
        mb = corpus.stat().st_size / 1e6
        inputs = {"jsonl": str(corpus)}
        if any(kind == "shards" for _, kind, _ in configs):
            inputs["shards"] = make_shards(scratch, corpus, n)
        for name, kind, extra in configs:
            out = scratch / f"scores_{n}_{name}_{kind}.csv"
            r = run(["score", inputs[kind], "-o", str(out), "--quiet", *extra])
            cpu = r["cpu_main"] + r["cpu_workers"]
            print(f"{n:>8} {name:<10} {kind:<6} {mb:>7.0f} {r['wall']:>7.1f} {r['cpu_main']:>8.1f} "
                  f"{r['cpu_workers']:>8.1f} {mb / cpu:>8.1f} {r['rss_main']:>8.0f} {r['rss_workers']:>8.0f}",
                  flush=True)


if __name__ == "__main__":
    main()
