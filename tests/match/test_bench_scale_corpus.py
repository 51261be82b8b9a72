"""benchmarks/bench_scale.py names its generated corpora by source, so a
synthetic file left in a scratch folder is never measured as AllSides (the
session-6 100k figures were, by a file named ``corpus_100000.jsonl``)."""

from __future__ import annotations

import gzip
import importlib.util
import json

from tests.paths import REPO


def _bench():
    spec = importlib.util.spec_from_file_location("bench_scale", REPO / "benchmarks" / "bench_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_files_are_named_by_source(tmp_path, monkeypatch, capsys) -> None:
    bench = _bench()
    monkeypatch.setattr(bench, "ABP", tmp_path / "missing.jsonl.gz")
    synthetic = bench.make_corpus(tmp_path, 30)
    assert synthetic.name == "synthetic_corpus_30.jsonl"
    assert "synthetic" in capsys.readouterr().err
    abp = tmp_path / "abp.jsonl.gz"
    with gzip.open(abp, "wt", encoding="utf-8") as f:
        for i in range(3):
            f.write(json.dumps({"source": f"outlet{i}", "title": "t", "text": f"A “real” article {i}."}) + "\n")
    monkeypatch.setattr(bench, "ABP", abp)
    real = bench.make_corpus(tmp_path, 30)
    assert real.name == "allsides_corpus_30.jsonl"  # the synthetic file of the same size is not reused
    lines = real.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 30 and json.loads(lines[4])["text"] == "A “real” article 1."
    assert "allsides" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.part"))


def test_shards_hold_the_corpus_lines_in_order(tmp_path) -> None:
    bench = _bench()
    corpus = tmp_path / "allsides_corpus_10.jsonl"
    corpus.write_bytes(b"".join(b'{"doc_id": "d%d"}\n' % i for i in range(10)))
    pattern = bench.make_shards(tmp_path, corpus, 10, k=4)
    assert pattern.endswith("shards_allsides_corpus_10/*.jsonl.gz")
    files = sorted((tmp_path / "shards_allsides_corpus_10").glob("*.jsonl.gz"))
    assert len(files) == 4
    assert b"".join(gzip.decompress(f.read_bytes()) for f in files) == corpus.read_bytes()
