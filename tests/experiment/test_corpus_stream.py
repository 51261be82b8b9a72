"""The streaming corpus stage (load_corpus_store) gives exactly what the
in-memory load_corpus + split_corpus + TextStore.write give (issue 13)."""

from __future__ import annotations

import gzip
import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from framing.corpus.datasets import iter_dataset, load_dataset
from framing.corpus.readers import iter_records, read_corpus
from framing.corpus.repeated import LineCounts, remove_repeated_lines
from framing.experiment.config import ConfigError, config_from_dict
from framing.experiment.corpus import load_corpus, load_corpus_store
from framing.experiment.store import frame_to_bytes
from framing.experiment.textstore import TextStore, TextStoreWriter, filter_store, split_corpus

from ..paths import FIXTURES, REPO, SHARED

SAMPLE = REPO / "corpora" / "sample"


def _config(base: Path, corpus: dict):
    raw = {"schema_version": 1, "name": "t", "corpus": corpus}
    return config_from_dict(raw, source=None, base_dir=base, env={}).corpus


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _same(config, tmp_path: Path, chunk_rows: int = 3) -> tuple[pd.DataFrame, dict]:
    with warnings.catch_warnings(record=True) as before:
        warnings.simplefilter("always")
        frame, facts = load_corpus(config, seed=0)
    meta, texts = split_corpus(frame)
    TextStore.write(texts, tmp_path / "whole", chunk_rows=chunk_rows, column_order=frame.columns)
    with warnings.catch_warnings(record=True) as after:
        warnings.simplefilter("always")
        meta2, facts2 = load_corpus_store(config, tmp_path / "stream", seed=0, chunk_rows=chunk_rows)
    pdt.assert_frame_equal(meta2, meta, check_exact=True)
    assert frame_to_bytes(meta2) == frame_to_bytes(meta)
    assert json.dumps(facts2) == json.dumps(facts)
    assert _files(tmp_path / "stream") == _files(tmp_path / "whole")
    # (join gives a column without any text back as object, as for any store)
    pdt.assert_frame_equal(TextStore(tmp_path / "stream").join(meta2), frame, check_dtype=False)
    assert [str(w.message) for w in after] == [str(w.message) for w in before]
    return frame, facts


def _jsonl(path: Path, rows: list[dict]) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


def _messy(n_big: int = 24) -> list:
    """Duplicates, repeated lines, own names, bad dates, a small outlet,
    bad records, extras present in some records only."""
    rows: list = []
    words = ["senate", "budget", "border", "court", "markets", "governor", "protest", "agency", "deficit"]
    for outlet, furniture, every in (("Daily Post", "Advertisement", 2), ("The Evening Star - News", "Sign up now!", 3),
                                     ("Tiny Gazette", None, 1)):
        n = n_big if outlet != "Tiny Gazette" else 3
        for i in range(n):
            w1, w2 = words[i % len(words)], words[(i * 5 + 2) % len(words)]
            lines = [f"The {w1} story opens with the {w2} angle, item {chr(97 + i % 26)}{chr(97 + i // 26)}.",
                     f"Officials said the {w2} {w1} plan was a gamble{'!' * (i % 3)} The Evening Star's "
                     f"desk and Daily Post heard on {words[i % 4]} {chr(97 + i % 26)}."]
            if furniture and i % every == 0:
                lines.insert(1, furniture)
                lines.append(furniture.upper() + f" {i}")
            row = {"doc_id": f"{outlet[:3]}-{i}", "outlet": outlet, "text": "\n".join(lines),
                   "date": f"2019-{1 + i % 12:02d}-15", "title": f"{w1} {i}"}
            if i % 4 == 1:
                row["desk"] = "politics"
            if i % 5 == 2:
                row["rank"] = i
            if i % 7 == 3:
                row["boilerplate"] = "Share this"
            rows.append(row)
    rows[1]["date"] = "2050-09-30"
    rows[2]["date"] = "1/21/18"
    rows[3]["date"] = "someday"
    rows[5]["text"] = "Advertisement"  # nothing left after removal
    rows[7]["text"] = "Advertisement\nShort one."  # short after removal
    rows.append({**rows[4], "doc_id": "dup-1"})  # exact duplicate text
    rows.append({**rows[9], "doc_id": "dup-2", "text": rows[9]["text"].upper() + "  "})  # equal when folded
    rows.append({"doc_id": "bad-1", "outlet": "Daily Post", "text": "   "})  # empty text
    rows.append("{not json")
    rows.append({"doc_id": "Dai-0", "outlet": "Daily Post", "text": "a duplicate id"})
    rows.append({"doc_id": "one-line", "outlet": "Daily Post", "text": "No line breaks here. Advertisement. Then more."})
    return rows


BASE = {"on_error": "skip", "repeated_min_docs": 2, "mask_outlet_names": True, "min_docs": 5,
        "drop_small_outlets": True, "filters": {"min_tokens": 5}}


@pytest.mark.parametrize("corpus", [
    {},
    {"drop_small_outlets": False, "mask_outlet_names": False},
    {"repeated_lines": "keep", "dedupe": "none"},
    {"filters": {"min_tokens": 5, "exclude": {"desk": ["politics"]}}},
    {"filters": {"include": {"outlet": ["Daily Post", "Tiny Gazette"]}, "date_from": "2019-02-01"}},
    {"filters": {"include": {"rank": ["2.0", "7.0", "12.0"]}}, "min_docs": 1},  # ints with missing values: floats
    {"date_range": [], "repeated_min_share": 0.2, "repeated_min_outlet_docs": 30},
    {"on_error": "warn"},
])
def test_streaming_load_equals_the_whole_frame_load(tmp_path, corpus):
    _jsonl(tmp_path / "c.jsonl", _messy())
    options = {"path": "c.jsonl", **BASE, **corpus}
    if options.get("repeated_lines") == "keep":
        del options["repeated_min_docs"]
    _, facts = _same(_config(tmp_path, options), tmp_path)
    assert facts["n_read"] == len(_messy())


def test_the_hand_made_case_exercises_every_step(tmp_path):
    _jsonl(tmp_path / "c.jsonl", _messy())
    frame, facts = _same(_config(tmp_path, {"path": "c.jsonl", **BASE}), tmp_path, chunk_rows=4)
    assert facts["n_exact_duplicates"] >= 2 and facts["n_skipped"] == 3
    assert facts["repeated_lines"]["n_lines"] >= 2 and facts["filtered"]["repeated lines: no text left"] == 1
    assert facts["filtered"]["min_tokens"] >= 1 and facts["filtered"]["small outlets (< 5 documents)"] >= 1
    assert facts["outlet_names_masked"]["Daily Post"] > 0 and facts["dates_out_of_range"]["n"] == 1
    assert facts["n_dates_unparsed"] == 1 and "date_out_of_range" in frame.columns


@pytest.mark.parametrize("chunk_rows", [1, 2, 7, 4096])
def test_any_chunk_size_gives_the_same_store(tmp_path, chunk_rows):
    _jsonl(tmp_path / "c.jsonl", _messy(12))
    _same(_config(tmp_path, {"path": "c.jsonl", **BASE}), tmp_path, chunk_rows=chunk_rows)


def test_sample_corpus_and_folder(tmp_path):
    _same(_config(tmp_path, {"path": str(SAMPLE / "articles.jsonl")}), tmp_path / "a")
    _same(_config(tmp_path, {"path": str(SAMPLE / "articles.jsonl"), "mask_outlet_names": True, "min_docs": 30,
                             "repeated_min_docs": 2, "filters": {"min_tokens": 40}}), tmp_path / "b", chunk_rows=5)
    _same(_config(tmp_path, {"path": str(SAMPLE / "raw"), "format": "folder"}), tmp_path / "c")


@pytest.mark.parametrize("fmt,path", [("abp", "abp/abp.jsonl"), ("abp", "abp/data"), ("babe", "babe.csv"),
                                      ("newswcl50", "newswcl50")])
def test_dataset_formats(tmp_path, fmt, path):
    _same(_config(tmp_path, {"path": str(FIXTURES / "datasets" / path), "format": fmt, "min_docs": 1,
                             "repeated_min_outlet_docs": 2, "repeated_min_docs": 2}), tmp_path)


def test_iter_dataset_gives_the_rows_of_load_dataset(tmp_path):
    rows = [{"id": f"a{i}", "source": "S" if i % 2 else "T", "text": f"text {i}", "bias": ["left", 1, "Right"][i % 3],
             **({"split": "train"} if i % 2 else {}), **({"year": i} if i % 3 else {})} for i in range(9)]
    path = _jsonl(tmp_path / "abp.jsonl.gz", rows)
    frame = load_dataset("abp", path)
    whole = read_corpus(frame, dedupe=True)
    reports = []
    streamed = list(iter_records(iter_dataset("abp", path), source="DataFrame", dedupe=True, report=reports.append))
    assert [d.to_row() for d in streamed] == whole.frame.to_dict("records") or \
        pd.DataFrame([d.to_row() for d in streamed]).equals(whole.frame)
    assert reports[0] == whole.report


@pytest.mark.parametrize("rows,message", [
    ([{"id": "a", "source": "S", "text": "t", "bias": "up"}, "{broken"], "malformed JSON"),
    ([{"id": "a", "source": "S", "text": "t", "bias": "up"}, {"id": "b", "source": "S", "text": "u", "bias": "left"}],
     r"line 1.*bias must be one of"),
    ([{"id": "a", "source": "S", "text": "t"}, {"id": "b", "source": "S", "text": "u", "bias": "left"}],
     r"line 1.*got nan"),
    ([{"id": "a", "source": "S", "text": "t"}, {"id": "b", "source": "S", "text": "u"}], "no 'bias' key in any record"),
])
def test_streamed_abp_errors_are_those_of_load_abp(tmp_path, rows, message):
    path = _jsonl(tmp_path / "abp.jsonl", rows)
    with pytest.raises(ValueError, match=message):
        load_dataset("abp", path)
    with pytest.raises(ValueError, match=message):
        list(iter_dataset("abp", path))


def test_iter_records_checks_its_options():
    with pytest.raises(ValueError, match="on_error='skip' in iter_records needs report="):
        iter_records([], on_error="skip")
    with pytest.raises(TypeError, match="source: expected a non-empty str"):
        iter_records([], source="")
    assert list(iter_records([], report=lambda r: None)) == []


def test_no_documents_left_raises_and_leaves_no_store(tmp_path):
    _jsonl(tmp_path / "c.jsonl", _messy(4))
    config = _config(tmp_path, {"path": "c.jsonl", "on_error": "skip", "filters": {"min_tokens": 10_000}})
    with pytest.raises(ConfigError, match="no documents are left"):
        load_corpus_store(config, tmp_path / "s", seed=0)
    assert not (tmp_path / "s").exists() and list(tmp_path.glob(".s.*")) == []
    with pytest.raises(ConfigError, match=r"no column 'desk2' in the corpus; columns: doc_id, outlet, text"):
        load_corpus_store(_config(tmp_path, {"path": "c.jsonl", "on_error": "skip",
                                             "filters": {"exclude": {"desk2": ["x"]}}}),
                          tmp_path / "s", seed=0)


def test_a_corpus_changing_between_the_reads_is_an_error(tmp_path, monkeypatch):
    import framing.experiment.corpus as module

    _jsonl(tmp_path / "c.jsonl", _messy(4))
    calls = itertools.count()
    real = module._documents

    def documents(config, report):
        docs = real(config, report)
        return docs if next(calls) == 0 else itertools.islice(docs, 3)

    monkeypatch.setattr(module, "_documents", documents)
    with pytest.raises(ValueError, match="the corpus changed while it was read"):
        load_corpus_store(_config(tmp_path, {"path": "c.jsonl", "on_error": "skip"}), tmp_path / "s", seed=0)


def test_near_dedupe_keeps_the_in_memory_path(tmp_path):
    _jsonl(tmp_path / "c.jsonl", _messy(12))
    _same(_config(tmp_path, {"path": "c.jsonl", **BASE, "dedupe": "near"}), tmp_path)


def test_line_counts_in_chunks_equal_remove_repeated_lines():
    rows = _messy(30)
    frame = read_corpus(pd.DataFrame([r for r in rows if isinstance(r, dict)]), on_error="skip").frame
    keep = np.arange(len(frame)) % 5 != 1
    cleaned, table = remove_repeated_lines(frame[keep], min_docs=2, min_share=0.1, min_outlet_docs=3)
    counts = LineCounts()
    for start in range(0, len(frame), 4):
        counts.add(frame["text"].iloc[start:start + 4])
    rule = counts.rule(frame["outlet"].tolist(), keep, min_docs=2, min_share=0.1, min_outlet_docs=3)
    moved = [rule.move(g, t, b) for g, t, b in zip(frame["outlet"][keep], frame["text"][keep],
                                                    frame["boilerplate"][keep])]
    assert [m[0] for m in moved] == cleaned["text"].tolist()
    assert [m[1] for m in moved] == cleaned["boilerplate"].tolist()
    pdt.assert_frame_equal(rule.table(), table)
    with pytest.raises(ValueError, match=r"groups: expected one group per counted document"):
        counts.rule(["x"])
    with pytest.raises(ValueError, match=r"keep: expected \d+ booleans"):
        counts.rule(frame["outlet"].tolist(), keep[:3])


def test_a_hash_collision_is_detected():
    from framing.corpus.repeated import RepeatedLines, line_hash

    texts = ["one line\nshared furniture", "two line\nshared furniture", "three\nother furniture"]
    counts = LineCounts()
    counts.add(texts)
    rule = counts.rule(["o"] * 3, min_docs=2, min_share=0.5, min_outlet_docs=1)
    # pretend "other furniture" collided with "shared furniture": it is moved too, and counted once
    repeated = {"o": {line_hash("shared furniture"): 2, line_hash("Other furniture."): 2}}
    forged = RepeatedLines(repeated, {"o": 3})
    for text in texts:
        forged.move("o", text, None)
    with pytest.raises(RuntimeError, match="two line keys share a 64-bit hash"):
        forged.table()
    for text in texts:
        rule.move("o", text, None)
    assert rule.table()["line"].tolist() == ["shared furniture"]


def test_store_writer_and_filter(tmp_path):
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(7)], "text": [f"t{i}" for i in range(7)],
                          "title": [None] * 3 + ["x"] * 4})
    TextStore.write(frame, tmp_path / "a", chunk_rows=3)
    with TextStoreWriter(tmp_path / "b", list(frame.columns), chunk_rows=3, dtypes=dict(frame.dtypes)) as writer:
        for row in frame.itertuples(index=False, name=None):
            writer.append(row)
        writer.finish()
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    keep = np.array([True, False, True, True, False, False, True])
    filter_store(TextStore(tmp_path / "b"), keep, tmp_path / "b", chunk_rows=3)
    TextStore.write(frame[keep].reset_index(drop=True), tmp_path / "c", chunk_rows=3)
    assert _files(tmp_path / "b") == _files(tmp_path / "c")
    with pytest.raises(ValueError, match=r"keep: expected 4 booleans"):
        filter_store(TextStore(tmp_path / "c"), keep, tmp_path / "d")
    with pytest.raises(ValueError, match="columns: expected doc_id first"):
        TextStoreWriter(tmp_path / "e", ["text"])
    with pytest.raises(RuntimeError):
        with TextStoreWriter(tmp_path / "f", ["doc_id"]) as writer:
            writer.append(("x",))
            raise RuntimeError("stop")
    assert not (tmp_path / "f").exists() and list(tmp_path.glob(".f.*")) == []


@pytest.mark.skipif(not (SHARED / "data" / "abp" / "abp_media_train_valid.jsonl.gz").is_file(),
                    reason="needs ../shared/data/abp")
def test_allsides_subset_streams_exactly(tmp_path):
    source = SHARED / "data" / "abp" / "abp_media_train_valid.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        lines = list(itertools.islice(fh, 2500))
    path = tmp_path / "abp.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        copies = [json.dumps({**json.loads(line), "id": f"copy-{i}"}) + "\n" for i, line in enumerate(lines[:40])]
        fh.writelines(lines + copies)  # exact duplicates
    corpus = {"path": str(path), "format": "abp", "dedupe": "exact", "repeated_lines": "remove",
              "mask_outlet_names": True, "date_range": ["1990-01-01", "2021-01-01"], "min_docs": 10,
              "drop_small_outlets": True, "on_error": "skip",
              "filters": {"min_tokens": 50, "exclude": {"outlet": ["Al Jazeera", "ProPublica"]}}}
    _, facts = _same(_config(tmp_path, corpus), tmp_path, chunk_rows=300)
    assert facts["repeated_lines"]["n_lines"] > 0 and facts["n_exact_duplicates"] >= 40


def test_outlets_made_small_by_cleaning_are_rewritten_out_of_the_store(tmp_path, monkeypatch):
    import framing.experiment.corpus as module

    calls = []
    monkeypatch.setattr(module, "filter_store", lambda *a, **k: calls.append(1) or filter_store(*a, **k))
    wire = [{"doc_id": f"w{i}", "outlet": "Big Wire",
             "text": " ".join(f"{chr(97 + i % 26)}{chr(97 + i // 26)}{chr(97 + j)}" for j in range(20)) + "."}
            for i in range(40)]
    _jsonl(tmp_path / "c.jsonl", _messy() + wire)
    rewrites = {}
    for min_docs in (3, 18, 19, 20, 21, 22, 23, 24):
        options = {"path": "c.jsonl", **BASE, "min_docs": min_docs, "filters": {"min_tokens": 12}}
        calls.clear()
        try:
            _same(_config(tmp_path, options), tmp_path / str(min_docs))
        except ConfigError:
            continue
        rewrites[min_docs] = len(calls)
    assert 1 in rewrites.values() and 0 in rewrites.values(), rewrites  # both ways of leaving small outlets out
