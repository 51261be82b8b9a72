"""Bad command lines and bad inputs, run in-process through
:func:`framing.cli.app.main`: exit 2 for usage errors, 1 for data errors,
a message naming the file/line/option on stderr, never a traceback; and a
closed output pipe ends quietly with 0."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest

from framing.cli.app import main

from tests.paths import FIXTURES, REPO

TINY = FIXTURES / "lexicons" / "tiny.toml"


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "c.jsonl"
    rows = [{"doc_id": f"d{i}", "outlet": "AB"[i % 2], "text": f"They built a façade, number {i}."} for i in range(4)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def run(argv, capsys):
    """Exit status and stderr of ``framing ARGV`` (usage errors: argparse's SystemExit)."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return status, err


# (id, argv with {corpus} / {tmp} placeholders, files to write first, exit status, stderr regex)
CASES = [
    ("unknown-option", ["hits", "{corpus}", "--frobnicate"], {}, 2, r"unrecognized arguments: --frobnicate"),
    ("unknown-command", ["frobnicate"], {}, 2, r"invalid choice: 'frobnicate'"),
    ("bad-format-choice", ["hits", "{corpus}", "--format", "xml"], {}, 2, r"--format: invalid choice: 'xml'"),
    ("bad-on-error-choice", ["score", "{corpus}", "--on-error", "ignore"], {}, 2, r"--on-error: invalid choice: 'ignore'"),
    ("missing-corpus-argument", ["hits"], {}, 2, r"the following arguments are required: corpus"),
    ("outlet-without-value", ["hits", "{corpus}", "--outlet"], {}, 2, r"--outlet: expected one argument"),
    ("n-jobs-zero", ["score", "{corpus}", "--n-jobs", "0"], {}, 2, r"--n-jobs must be >= 1"),
    ("missing-file", ["hits", "{tmp}/nope.jsonl"], {}, 1, r"framing hits: error: corpus .*nope\.jsonl does not exist"),
    ("missing-lexicon", ["hits", "{corpus}", "--lexicon", "{tmp}/nope.toml"], {}, 1, r"framing hits: error: lexicon '.*nope\.toml' is neither a bundled lexicon"),
    ("lexicon-is-a-directory", ["hits", "{corpus}", "--lexicon", "{tmp}"], {}, 1,
     r"framing hits: error: lexicon '.*' is neither a bundled lexicon \(framing-bias-cues, framing-cues, framing-dimensions\) nor an existing file"),
    ("unknown-suffix", ["hits", "{tmp}/c.xml"], {"c.xml": b"<x/>"}, 1,
     r"cannot tell the format of .*c\.xml from its suffix '\.xml'"),
    ("folder-with-file-format", ["hits", "{tmp}", "--format", "jsonl"], {}, 1, r"is a folder; format='jsonl' needs a file"),
    ("file-with-folder-format", ["hits", "{corpus}", "--format", "folder"], {}, 1, r"format='folder' needs a directory"),
    ("field-without-equals", ["hits", "{corpus}", "--field", "text"], {}, 1,
     r"--field: expected NAME=COLUMN \(e\.g\. text=content_original\), got 'text'"),
    ("field-unknown-name", ["hits", "{corpus}", "--field", "body=content"], {}, 1,
     r"--field: expected NAME=COLUMN with NAME one of doc_id, outlet, text, .*got 'body=content'"),
    ("field-empty-column", ["hits", "{corpus}", "--field", "text="], {}, 1,
     r"--field: expected NAME=COLUMN with a column name after '=', got 'text='"),
    ("field-mapped-twice", ["hits", "{corpus}", "--field", "text=a", "--field", "text=b"], {}, 1,
     r"--field: text is mapped twice \(text=a and 'text=b'\)"),
    ("field-absent-column", ["hits", "{corpus}", "--field", "text=content"], {}, 1,
     r"c\.jsonl, line 1, field 'text': text is missing \(source key 'content'.*--field text=COLUMN"),
    ("outlet-and-outlet-field", ["hits", "{corpus}", "--outlet", "X", "--field", "outlet=src"], {}, 1,
     r"--outlet X and --field outlet=src cannot be combined"),
    ("blank-outlet", ["hits", "{corpus}", "--outlet", " "], {}, 1, r"--outlet: expected a non-empty outlet name, got ' '"),
    ("bad-json-line", ["hits", "{tmp}/b.jsonl"], {"b.jsonl": b'{"doc_id": "1", "outlet": "A", "text": "x"}\n{oops\n'}, 1,
     r"b\.jsonl, line 2: malformed JSON"),
    ("deep-json-line", ["hits", "{tmp}/b.jsonl"], {"b.jsonl": b"[" * 100_000 + b"\n"}, 1, r"b\.jsonl, line 1: JSON nested too deeply"),
    ("deep-json-all-skipped", ["hits", "{tmp}/b.jsonl", "--on-error", "skip"], {"b.jsonl": b"[" * 100_000 + b"\n"}, 1,
     r"b\.jsonl: no records left: all 1 records read were skipped \(malformed JSON: 1\)"),
    ("empty-gzip", ["hits", "{tmp}/e.jsonl.gz"], {"e.jsonl.gz": b""}, 1, r"e\.jsonl\.gz: no records"),
    ("empty-gzip-streamed", ["score", "{tmp}/e.jsonl.gz"], {"e.jsonl.gz": b""}, 1,
     r"framing score: error: .*e\.jsonl\.gz: no records"),
    ("blank-jsonl-kwic", ["kwic", "{tmp}/e.jsonl"], {"e.jsonl": b"\n\n"}, 1, r"framing kwic: error: .*e\.jsonl: no records"),
    ("garbage-parquet", ["hits", "{tmp}/g.parquet"], {"g.parquet": b"not parquet" * 10}, 1,
     r"g\.parquet(: not a readable Parquet file| needs pyarrow)"),  # without the parquet extra: says so
    ("bool-outlet", ["hits", "{tmp}/b.jsonl"], {"b.jsonl": b'{"doc_id": "1", "outlet": true, "text": "x"}\n'}, 1,
     r"b\.jsonl, line 1, field 'outlet': outlet must be text, got a boolean"),
    ("utf16-file", ["hits", "{tmp}/u.csv"], {"u.csv": "doc_id,outlet,text\n".encode("utf-16")}, 1,
     r"u\.csv, line 1: file starts with a UTF-16 byte-order mark"),
    ("bad-fallback-encoding", ["hits", "{corpus}", "--fallback-encoding", "nope"], {}, 1,
     r"fallback_encoding: unknown encoding 'nope'"),
    ("output-bad-suffix", ["hits", "{corpus}", "-o", "{tmp}/out.xlsx"], {}, 1, r"use a \.csv, \.tsv or \.parquet file name"),
    ("output-missing-directory", ["hits", "{corpus}", "-o", "{tmp}/no/such/dir/out.csv"], {}, 1,
     r"framing hits: error: Cannot save file into a non-existent directory: '.*no/such/dir'"),
    ("output-is-a-directory", ["hits", "{corpus}", "-o", "{tmp}/adir.csv"], {"adir.csv/x": b""}, 1,
     r"framing hits: error: \[Errno 21\] Is a directory: '.*adir\.csv'"),
    ("classify-missing-data", ["classify", "predict", "{tmp}/m.npz", "{tmp}/nope.csv"], {}, 1, r"framing classify: error: model file .*m\.npz does not exist"),
    ("classify-field-syntax", ["classify", "train", "{corpus}", "--label", "x", "--field", "oops", "-o", "{tmp}/m.npz"], {}, 1,
     r"--field: expected NAME=COLUMN"),
    ("compare-on-empty", ["compare", "{tmp}/e.jsonl"], {"e.jsonl": b""}, 1, r"framing compare: error: .*e\.jsonl: no records"),
]


@pytest.mark.parametrize("argv, files, status, match", [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_command_line(tmp_path, corpus, capsys, argv, files, status, match):
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    argv = [a.replace("{corpus}", str(corpus)).replace("{tmp}", str(tmp_path)) for a in argv]
    if argv[0] in ("hits", "score", "kwic") and "--lexicon" not in argv:
        argv += ["--lexicon", str(TINY)]  # fast to load
    got, err = run(argv, capsys)
    assert got == status, err
    assert re.search(match, err), err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
def test_unreadable_file(tmp_path, corpus, capsys):
    corpus.chmod(0)
    try:
        status, err = run(["hits", corpus, "--lexicon", TINY], capsys)
    finally:
        corpus.chmod(0o644)
    assert status == 1 and "Permission denied" in err and "c.jsonl" in err


def test_skipped_records_are_counted_on_stderr(tmp_path, capsys):
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join([json.dumps({"doc_id": "a", "outlet": "A", "text": "a façade"}), "{oops",
                               json.dumps({"doc_id": "b", "outlet": False, "text": "x"}),
                               json.dumps({"doc_id": "c", "outlet": 3, "text": "a pretense"})]) + "\n", encoding="utf-8")
    status = main(["hits", str(path), "--on-error", "skip", "--lexicon", str(TINY)])
    out, err = capsys.readouterr()
    assert status == 0 and "Traceback" not in err
    assert "4 records read, 2 kept, 2 skipped" in err
    assert "skipped, bad value: 1 (at 3)" in err and "skipped, malformed JSON: 1 (at 2)" in err
    assert "numbers converted to their integer text" in err
    assert "façade" in out and ",3," in out  # outlet 3 became the text "3"


class _ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_closed_pipe_in_process_is_quiet(monkeypatch, corpus, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    status = main(["hits", str(corpus), "--lexicon", str(TINY)])
    err = capsys.readouterr().err
    assert status == 0 and err == ""


def test_closed_pipe_from_head_exits_quietly(tmp_path):
    path = tmp_path / "big.jsonl"
    rows = ({"doc_id": f"d{i}", "outlet": "A", "text": "a façade and a pretense " * 20} for i in range(800))
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "framing", "hits", str(path), "--lexicon", str(TINY)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0, err
    assert first.startswith(b"doc_id,outlet,part") and err == ""


def test_unreadable_file_simulated(monkeypatch, corpus, capsys):
    """As root can read anything, a denied open is simulated."""
    import pathlib

    real_open = pathlib.Path.open

    def denied(self, *args, **kwargs):
        if self == corpus:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", denied)
    status, err = run(["hits", corpus, "--lexicon", TINY], capsys)
    assert status == 1 and re.search(r"framing hits: error: \[Errno 13\] Permission denied: '.*c\.jsonl'", err), err
