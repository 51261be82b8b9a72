"""``[runtime] engine = "dask"``: the runner's per-chunk work as Dask tasks,
tables byte-identical to the local engine (issue 13)."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from framing.experiment.analyses import ChunkEngine, compute_keyness
from framing.experiment.config import keyness_entry, load_config
from framing.experiment.runner import run
from framing.experiment.store import read_manifest

from .test_runner import LIGHT, project  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def cluster():
    """A Dask cluster in this process, bound to 127.0.0.1, no dashboard."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(host="127.0.0.1", protocol="tcp", dashboard_address=None, processes=False, n_workers=1,
                                  threads_per_worker=2) as local:
        yield local


def _small_chunks(monkeypatch):
    from framing.experiment import stages

    original = stages.Stages.__init__

    def small(self, *args, **kwargs):
        kwargs.setdefault("chunk_rows", 4)
        original(self, *args, **kwargs)

    monkeypatch.setattr(stages.Stages, "__init__", small)


def _submitted(monkeypatch) -> list[str]:
    """Names of the functions sent to Dask workers (a spy on Client.submit)."""
    import distributed

    names: list[str] = []
    original = distributed.Client.submit

    def submit(self, function, *args, **kwargs):
        names.append(function.__name__)
        return original(self, function, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "submit", submit)
    return names


def test_dask_run_is_byte_identical_to_the_local_run(project, cluster, monkeypatch):
    config = load_config(project / "exp.toml", overrides=[LIGHT])
    local = run(config, runs_dir=project / "local", use_cache=False)
    _small_chunks(monkeypatch)
    sent = _submitted(monkeypatch)
    dask_config = load_config(project / "exp.toml", overrides=[
        LIGHT, "runtime.engine=dask", f"runtime.scheduler={json.dumps(cluster.scheduler_address)}"])
    done = run(dask_config, runs_dir=project / "dask", use_cache=False)
    assert done.run_hash == local.run_hash  # the runtime is not part of a run's identity
    # one task per chunk of 4 documents (18 documents: 5 chunks) for scores, hits and keyness counts
    assert sent.count("score") == 5 and sent.count("hits") == 5 and sent.count("term_matrix") == 5 * len(config.keyness)
    assert sorted(done.outputs) == sorted(local.outputs)
    for name in local.outputs:
        assert (done.run_dir / name).read_bytes() == (local.run_dir / name).read_bytes(), name
    runtime = read_manifest(done.run_dir)["unchecked"]["runtime"]
    assert runtime["engine"] == "dask" and runtime["scheduler"] == cluster.scheduler_address
    assert "distributed" in read_manifest(done.run_dir)["environment"]["packages"]
    assert read_manifest(local.run_dir)["unchecked"]["runtime"]["engine"] == "local"


def test_a_cached_dask_run_starts_no_cluster(project, monkeypatch):
    pytest.importorskip("distributed")
    config = load_config(project / "exp.toml", overrides=[LIGHT])
    first = run(config, runs_dir=project / "runs")
    import shutil

    shutil.rmtree(first.run_dir)

    def no_cluster(self):
        raise AssertionError("a cached run connected to a cluster")

    monkeypatch.setattr(ChunkEngine, "_connect", no_cluster)
    again = run(load_config(project / "exp.toml", overrides=[LIGHT, "runtime.engine=dask"]), runs_dir=project / "runs")
    assert (again.run_dir / "report.html").read_bytes() == (first.run_dir / "report.html").read_bytes()


def test_dask_engine_without_dask_installed_names_the_extra(project, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    config = load_config(project / "exp.toml", overrides=[LIGHT, "runtime.engine=dask"])
    with pytest.raises(ImportError, match=r"runtime\.engine = 'dask': engine 'dask' needs dask\.distributed, which is "
                                          r"not installed: pip install 'framing-toolkit\[dask\]'"):
        run(config, runs_dir=project / "runs")
    assert not (project / "runs").exists() or not any((project / "runs").rglob("manifest.json"))
    with pytest.raises(ImportError, match=r"framing-toolkit\[dask\]"):
        ChunkEngine("dask")


def test_chunk_engine_errors_name_the_parameter():
    with pytest.raises(ValueError, match=r"engine: .*'spark'"):
        ChunkEngine("spark")
    with pytest.raises(ValueError, match=r"scheduler: only used with engine 'dask', got engine 'local' and "
                                         r"scheduler 'tcp://h:8786'"):
        ChunkEngine("local", scheduler="tcp://h:8786")
    with pytest.raises(ValueError, match=r"n_workers: expected an integer >= 1, got 0"):
        ChunkEngine("local", n_workers=0)
    pytest.importorskip("distributed")
    with pytest.raises(TypeError, match=r"scheduler: expected an address such as 'tcp://host:8786', a "
                                        r"distributed.Client or None, got int"):
        ChunkEngine("dask", scheduler=8786)
    with pytest.raises(ValueError, match=r"scheduler: expected an address such as 'tcp://host:8786', got ' '"):
        ChunkEngine("dask", scheduler=" ")


def test_unreachable_scheduler_is_named():
    pytest.importorskip("distributed")
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        engine = ChunkEngine("dask", scheduler="tcp://127.0.0.1:9")
        with pytest.raises(OSError, match=r"scheduler: cannot reach the Dask scheduler at 'tcp://127\.0\.0\.1:9'"):
            list(engine.map(len, [[1]]))


def test_keyness_engine_needs_chunks():
    pytest.importorskip("distributed")
    frame = pd.DataFrame({"doc_id": ["1", "2"], "outlet": ["a", "b"], "text": ["x y", "y z"]})
    entry = keyness_entry({"min_count": 1, "method": "log_odds"})
    with ChunkEngine("dask") as engine:
        with pytest.raises(ValueError, match=r"engine: 'dask' runs chunks; pass the corpus as chunks= too"):
            compute_keyness(entry, frame, part="text", random_state=0, engine=engine)


def test_chunk_engine_local_cluster_and_client(cluster):
    import distributed

    chunks = [list(range(n)) for n in (3, 1, 4, 1, 5)]
    with ChunkEngine("local") as here:
        expected = list(here.map(sum, chunks, ))
    with distributed.Client(cluster) as client:
        engine = ChunkEngine("dask", scheduler=client)
        assert list(engine.map(sum, chunks)) == expected
        engine.close()
        assert client.status == "running"  # a client given is left open
    with ChunkEngine("dask", n_workers=1) as started:  # a LocalCluster of forked worker processes
        assert list(started.map(max, chunks, )) == [max(c) for c in chunks]


# ------------------------------------------------------------------ the command line

def test_compare_and_keyness_on_dask_equal_local(project, cluster, monkeypatch, capsys):
    from framing.cli.app import main
    from framing.experiment import textstore

    corpus, lexicon = str(project / "data" / "articles.jsonl"), str(project / "lexicon.toml")
    common = {"compare": ["compare", corpus, "--lexicon", lexicon, "--n-resamples", "199", "--quiet"],
              "keyness": ["keyness", corpus, "--min-count", "1", "--method", "log_odds"]}
    outputs = {}
    for engine in ("local", "dask"):
        if engine == "dask":
            monkeypatch.setattr(textstore, "CHUNK_ROWS", 4)  # several chunks of the 18 documents
            sent = _submitted(monkeypatch)
        extra = ["--engine", "dask", "--scheduler", cluster.scheduler_address] if engine == "dask" else []
        for command, argv in common.items():
            path = project / f"{command}-{engine}.csv"
            assert main([*argv, *extra, "--output", str(path)]) == 0, capsys.readouterr().err
            printed = capsys.readouterr().out.replace(str(path), "OUTPUT")
            outputs[command, engine] = (path.read_bytes(), printed)
    assert sent.count("score") == 5 and sent.count("term_matrix") == 5
    for command in common:
        assert outputs[command, "dask"] == outputs[command, "local"], command


def test_command_line_engine_errors(project, capsys, monkeypatch):
    from framing.cli.app import main

    corpus = str(project / "data" / "articles.jsonl")
    assert main(["keyness", corpus, "--min-count", "1", "--scheduler", "tcp://h:8786"]) == 1
    assert "--scheduler: only used with --engine dask, got --engine local" in capsys.readouterr().err
    assert main(["compare", corpus, "--scheduler", "tcp://h:8786"]) == 1
    assert "--scheduler: only used with --engine dask" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["compare", corpus, "--engine", "dask"]) == 1
    assert ("--engine dask: engine 'dask' needs dask.distributed, which is not installed: "
            "pip install 'framing-toolkit[dask]'") in capsys.readouterr().err
    assert main(["run", str(project / "exp.toml"), "--runs-dir", str(project / "runs"), "--scheduler", "tcp://h:1",
                 "--quiet"]) == 1
    assert 'runtime.scheduler: only used with engine = "dask"' in capsys.readouterr().err
    assert main(["run", str(project / "exp.toml"), "--runs-dir", str(project / "runs"), "--engine", "dask",
                 "--quiet"]) == 1
    assert "runtime.engine = 'dask': engine 'dask' needs dask.distributed" in capsys.readouterr().err
