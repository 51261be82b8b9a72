"""``engine = "local"`` with ``n_workers > 1``: the runner's per-chunk work
on a local pool of worker processes, tables byte-identical to the
in-process run (issue 13)."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import subprocess
import sys
import threading

import pandas as pd
import pytest

from framing.experiment import stages
from framing.experiment.analyses import ChunkEngine, WorkerTraceback, compute_keyness
from framing.experiment.config import keyness_entry, load_config
from framing.experiment.runner import run

from .test_runner import LIGHT, project  # noqa: F401  (fixture)

KEYNESS = """
[[keyness]]
id = "docs"
method = "document"
min_count = 2
"""


def _pool_processes() -> list[multiprocessing.Process]:
    return [p for p in multiprocessing.active_children() if p.name.startswith("framing-pool-")]


class Failing(Exception):
    """An exception that cannot be pickled: it holds a lock (whatever
    reducer for exceptions a library such as tblib may have installed in
    the process the workers were forked from)."""

    def __init__(self, a, b):
        super().__init__(f"{a}-{b}")
        self.lock = threading.Lock()


def fails_oddly(chunk):
    raise Failing(chunk, "x")


def test_engine_properties_and_repr():
    here, pool = ChunkEngine("local"), ChunkEngine("local", n_workers=2)
    assert here.local and not here.pooled and repr(here) == "ChunkEngine('local')"
    assert pool.local and pool.pooled and repr(pool) == "ChunkEngine('local', n_workers=2)"
    assert not pool.started  # nothing starts before a chunk is sent


def test_pool_map_equals_the_in_process_map_in_chunk_order():
    chunks = [pd.DataFrame({"doc_id": [f"d{i}"], "text": ["x " * (i % 5) + "y"]}) for i in range(13)]
    here = list(ChunkEngine("local").map(pow, range(13), 3))
    with ChunkEngine("local", n_workers=2) as engine:
        assert list(engine.map(pow, range(13), 3)) == here  # shared argument
        assert list(engine.map(pow, range(5), 2)) == [0, 1, 4, 9, 16]  # another map, other shared arguments
        assert list(engine.map(divmod, [7, 9], 4)) == [(1, 3), (2, 1)]
        assert list(engine.map(int, [])) == []
        from framing.match.terms import term_matrix

        pooled = [m.terms for m in engine.map(term_matrix, chunks, part="text", min_count=1, min_docs=1)]
        assert engine.started and len(_pool_processes()) == 2
    assert pooled == [term_matrix(c, part="text", min_count=1, min_docs=1).terms for c in chunks]
    assert not engine.started and not _pool_processes()  # the context manager stopped the pool


def test_pool_errors_reach_the_caller_with_their_type_and_message():
    engine = ChunkEngine("local", n_workers=2)
    try:
        with pytest.raises(ValueError, match=r"^invalid literal for int\(\) with base 10: 'x'$") as caught:
            list(engine.map(int, ["1", "2", "x", "4"]))
        assert isinstance(caught.value.__cause__, WorkerTraceback)
        assert "ValueError" in str(caught.value.__cause__)
        assert not engine.started  # a map left early stops its pool ...
        assert list(engine.map(int, ["5"])) == [5]  # ... and the next map starts another
        with pytest.raises(RuntimeError, match=r"^Failing: 3-x \(raised in a worker process of the local pool, whose "
                                               r"exception cannot be sent back: TypeError"):
            list(engine.map(fails_oddly, [3]))
        with pytest.raises(RuntimeError, match=r"engine: worker process framing-pool-\d of the local pool ended "
                                               r"unexpectedly \(exit code 3"):
            list(engine.map(os._exit, [3]))
        with pytest.raises((AttributeError, pickle.PicklingError), match=r"local object"):  # raised here, not in a worker
            list(engine.map(lambda chunk: chunk, [1]))
    finally:
        engine.close()
    assert not _pool_processes()


def test_a_map_left_early_stops_the_pool():
    engine = ChunkEngine("local", n_workers=2)
    for value in engine.map(abs, range(-20, 0)):
        assert value == 20
        break
    engine.map(abs, []).close()  # a map never started starts nothing
    assert list(engine.map(abs, [-1])) == [1]
    engine.close()
    engine.close()  # closing twice is fine
    assert not engine.started and not _pool_processes()


def test_keyness_pool_engine_needs_chunks():
    frame = pd.DataFrame({"doc_id": ["1", "2"], "outlet": ["a", "b"], "text": ["x y", "y z"]})
    entry = keyness_entry({"min_count": 1, "method": "log_odds"})
    with ChunkEngine("local", n_workers=2) as engine:
        with pytest.raises(ValueError, match=r"engine: 'local' with n_workers=2 runs chunks; pass the corpus as "
                                             r"chunks= too"):
            compute_keyness(entry, frame, part="text", random_state=0, engine=engine)
        assert not engine.started


def _outputs(result) -> dict[str, bytes]:
    return {name: (result.run_dir / name).read_bytes() for name in result.outputs
            if name not in ("manifest.json", "run.log")}


def test_pooled_run_is_byte_identical_to_the_in_process_run(project, monkeypatch):
    (project / "exp.toml").write_text((project / "exp.toml").read_text() + KEYNESS, encoding="utf-8")
    here = run(load_config(project / "exp.toml", overrides=[LIGHT]), runs_dir=project / "here", use_cache=False)
    monkeypatch.setattr(stages, "PIECE_ROWS", 3)  # several pieces per chunk, several chunks
    original = stages.Stages.__init__

    def small(self, *args, **kwargs):
        kwargs.setdefault("chunk_rows", 7)
        original(self, *args, **kwargs)

    monkeypatch.setattr(stages.Stages, "__init__", small)
    sent: list[str] = []
    map_pool = ChunkEngine._map_pool

    def spy(self, function, chunks, shared, options):
        sent.append(function.__name__)
        return map_pool(self, function, chunks, shared, options)

    monkeypatch.setattr(ChunkEngine, "_map_pool", spy)
    config = load_config(project / "exp.toml", overrides=[LIGHT, "runtime.n_jobs=2"])
    pooled = run(config, runs_dir=project / "pooled")
    assert sorted(sent) == ["hits", "score", "term_matrix", "term_matrix"]
    assert pooled.run_hash == here.run_hash
    assert _outputs(pooled) == _outputs(here)
    assert not _pool_processes()  # the runner closed its engine

    def no_pool(self, *args):
        raise AssertionError("a cached run started the pool")

    monkeypatch.setattr(ChunkEngine, "_map_pool", no_pool)
    again = run(config, runs_dir=project / "pooled", force=True)  # every stage cached: no pool
    assert _outputs(again) == _outputs(here)


def warns(chunk):
    import warnings

    warnings.warn(f"chunk {chunk} is odd", UserWarning)
    return chunk


def test_pool_warnings_are_issued_where_the_map_runs():
    with ChunkEngine("local", n_workers=2) as engine:
        with pytest.warns(UserWarning, match=r"^chunk 3 is odd$"):
            assert list(engine.map(warns, [3])) == [3]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_plain_script_needs_no_main_guard(tmp_path):
    # with "forkserver" or "spawn" each worker re-runs the script's top level, so an unguarded
    # script that maps on the pool failed; forked workers do not run it
    script = tmp_path / "plain.py"
    script.write_text(
        "from framing.experiment.analyses import ChunkEngine\n"
        "with ChunkEngine('local', n_workers=2) as engine:\n"
        "    print(list(engine.map(sorted, [[1, 3], [0, 2], [4, 5]], reverse=True)))\n",
        encoding="utf-8")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[[3, 1], [2, 0], [5, 4]]"
