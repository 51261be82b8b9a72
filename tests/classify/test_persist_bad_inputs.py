"""Bad model files: each is refused with a ModelFileError naming the file
and what is wrong, before any large allocation; through ``framing
classify predict`` as one error line (exit 1, no traceback)."""

from __future__ import annotations

import io
import json
import pickle
import re
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from framing.classify.model import FrameClassifier
from framing.classify.persist import ModelFileError, load_model, save_model
from framing.cli.app import main

TEXTS = [f"The {w} plan was {'a sham' if i % 2 else 'announced'} on day {i}." for i, w in
         enumerate(["budget", "vote", "council", "bill", "school", "road"] * 4)]
LABELS = ["biased" if i % 2 else "neutral" for i in range(len(TEXTS))]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    model = FrameClassifier(cues=None, char_ngrams=None).fit(TEXTS, LABELS)
    return save_model(model, tmp_path_factory.mktemp("model") / "good.npz")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _header_only(shape: tuple[int, ...], descr: str = "<f8", payload: bytes = b"\0" * 64) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue() + payload


def _edit(model_file: Path, tmp_path: Path, **changes: bytes | None) -> Path:
    members = _members(model_file)
    for name, data in changes.items():
        name = name.replace("__", ".") + ".npy"
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    return _zip(tmp_path / "edited.npz", members)


def _renamed(model_file: Path, tmp_path: Path) -> Path:
    members = _members(model_file)
    members["weights.npy"] = members.pop("model.0.coef.npy")
    return _zip(tmp_path / "renamed.npz", members)


def _coef(model_file: Path) -> np.ndarray:
    return np.load(io.BytesIO(_members(model_file)["model.0.coef.npy"]))


# (id, builder(model_file, tmp_path) -> path, regex; {f} is the file)
CASES = [
    ("jsonl", lambda m, t: _write(t / "model.jsonl", b'{"doc_id": "a", "text": "x"}\n'),
     r"^{f}: not a framing model file \(expected a \.npz zip written by save_model\); it holds JSON text$"),
    ("empty", lambda m, t: _write(t / "empty.npz", b""), r"^{f}: not a framing model file .*; it is empty$"),
    ("pickle", lambda m, t: _write(t / "m.pkl", pickle.dumps({"coef": [1.0]})),
     r"^{f}: not a framing model file .*; it is a Python pickle, which framing never loads$"),
    ("single-npy", lambda m, t: _write(t / "m.npy", _npy(np.zeros(3))), r"^{f}: not a framing model file .*single \.npy"),
    ("text", lambda m, t: _write(t / "m.npz", b"hello world"), r"^{f}: not a framing model file .*starts with b'hello"),
    ("truncated-zip", lambda m, t: _write(t / "cut.npz", m.read_bytes()[: m.stat().st_size // 2]),
     r"^{f}: not a framing model file \(broken or truncated zip archive"),
    ("truncated-tail", lambda m, t: _write(t / "cut.npz", m.read_bytes()[:-30]),
     r"^{f}: not a framing model file \(broken or truncated zip archive"),
    ("renamed-member", _renamed, r"^{f}: member 'weights\.npy' is not part of a framing model file"),
    ("extra-member", lambda m, t: _edit(m, t, notes=_npy(np.zeros(2))),
     r"^{f}: member 'notes\.npy' is not part of a framing model file"),
    ("member-not-npy", lambda m, t: _edit(m, t, model__0__coef=b"just some bytes"),
     r"^{f}: member 'model\.0\.coef\.npy' is not a NumPy array"),
    ("object-array", lambda m, t: _edit(m, t, manifest=_npy(np.array([{"evil": 1}], dtype=object))),
     r"^{f}: array 'manifest' holds Python objects \(pickled data\), which framing never loads"),
    ("wrong-dtype", lambda m, t: _edit(m, t, model__0__coef=_npy(_coef(m).astype(np.float32))),
     r"^{f}: array 'model\.0\.coef' has dtype float32; a framing model stores it as float64$"),
    ("big-endian", lambda m, t: _edit(m, t, model__0__coef=_npy(_coef(m).astype(">f8"))),
     r"^{f}: array 'model\.0\.coef' has dtype >f8; a framing model stores it as float64$"),
    ("wrong-ndim", lambda m, t: _edit(m, t, model__0__coef=_npy(_coef(m).ravel())),
     r"^{f}: array 'model\.0\.coef' has shape \(\d+,\); expected 2 dimension\(s\)$"),
    ("text-as-float", lambda m, t: _edit(m, t, manifest=_npy(np.zeros(4))),
     r"^{f}: array 'manifest' has dtype float64; a framing model stores it as uint8$"),
    ("declared-huge", lambda m, t: _edit(m, t, model__0__coef=_header_only((300_000_000, 1))),
     r"^{f}: array 'model\.0\.coef' declares 300,000,000 float64 values \(2,400,000,000 bytes\); the arrays would "
     r"need more than the 1,073,741,824-byte limit \(pass max_bytes= to raise it for a model you trust\)$"),
    ("declared-larger-than-member", lambda m, t: _edit(m, t, model__0__coef=_header_only((1000, 1000))),
     r"^{f}: array 'model\.0\.coef' declares 8,000,000 bytes of data but its zip member holds 64; the file is "
     r"corrupted or was edited$"),
    ("declared-smaller-than-member", lambda m, t: _edit(m, t, model__0__coef=_header_only((2, 2))),
     r"^{f}: array 'model\.0\.coef' declares 32 bytes of data but its zip member holds 64"),
    ("tampered-values", lambda m, t: _edit(m, t, model__0__coef=_npy(_coef(m) * 2)),
     r"^{f}: array 'model\.0\.coef' does not match its SHA-256 in the manifest; the file was modified"),
    ("tampered-manifest", lambda m, t: _edit(m, t, manifest=_npy(np.frombuffer(
        np.load(io.BytesIO(_members(m)["manifest.npy"])).tobytes().replace(b'"C_": 1.0', b'"C_": 2.0'), np.uint8))),
     r"^{f}: the manifest does not match its SHA-256; the file was modified or corrupted$"),
    ("tampered-hash", lambda m, t: _edit(m, t, manifest__sha256=_npy(np.frombuffer(json.dumps("0" * 64).encode(),
                                                                                  np.uint8))),
     r"^{f}: the manifest does not match its SHA-256"),
    ("hash-not-json", lambda m, t: _edit(m, t, manifest__sha256=_npy(np.frombuffer(b"\xff\xfe", np.uint8))),
     r"^{f}: array 'manifest\.sha256' is not UTF-8 JSON"),
    ("missing-manifest", lambda m, t: _edit(m, t, manifest=None), r"^{f}: no 'manifest' array; not a model written"),
    ("missing-array", lambda m, t: _edit(m, t, word__idf=None),
     r"^{f}: array 'word\.idf' listed in the manifest is missing$"),
    ("unlisted-array", lambda m, t: _edit(m, t, model__7__coef=_npy(np.zeros((1, 1)))),
     r"^{f}: array 'model\.7\.coef' is not listed in the manifest$"),
    ("corrupted-bytes", lambda m, t: _write(t / "flip.npz", _flip_inside(m)),
     r"^{f}: member '[\w.]+' cannot be read; the file is truncated or corrupted \(Bad CRC-32"),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _flip_inside(model_file: Path) -> bytes:
    """The model file with a byte flipped inside the compressed data of its largest member."""
    data = bytearray(model_file.read_bytes())
    with zipfile.ZipFile(model_file) as archive:
        info = max(archive.infolist(), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    return bytes(data)


@pytest.mark.parametrize("build, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_model_file_is_refused_with_a_named_reason(model_file, tmp_path, build, pattern):
    path = build(model_file, tmp_path)
    with pytest.raises(ModelFileError, match=pattern.replace("{f}", re.escape(str(path)))):
        load_model(path)


def test_the_unedited_file_loads(model_file, tmp_path):
    again = _edit(model_file, tmp_path)  # re-zipped, same members
    assert load_model(again).predict(TEXTS).tolist() == load_model(model_file).predict(TEXTS).tolist()


def test_a_declared_huge_array_is_refused_before_allocating(model_file, tmp_path):
    path = _edit(model_file, tmp_path, model__0__coef=_header_only((300_000_000, 1)))
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="declares 300,000,000 float64 values"):
            load_model(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000


def test_a_real_compression_bomb_is_refused_by_the_cap(model_file, tmp_path):
    bomb = _edit(model_file, tmp_path, model__0__coef=_npy(np.zeros((2_000_000, 1))))  # 16 MB of zeros, ~16 kB zipped
    assert bomb.stat().st_size < 200_000
    with pytest.raises(ModelFileError, match=r"declares 2,000,000 float64 values \(16,000,000 bytes\); the arrays would "
                                             r"need more than the 1,000,000-byte limit"):
        load_model(bomb, max_bytes=1_000_000)


def test_max_bytes_is_checked(model_file):
    with pytest.raises(ValueError, match=r"max_bytes: expected an integer >= 1, got 0"):
        load_model(model_file, max_bytes=0)
    with pytest.raises(ModelFileError, match="the arrays would need more than the 10-byte limit"):
        load_model(model_file, max_bytes=10)


def test_a_folder_is_not_a_model_file(tmp_path):
    folder = tmp_path / "model.npz"
    folder.mkdir()
    with pytest.raises(ModelFileError, match=re.escape(f"{folder}: is a folder, not a framing model file")):
        load_model(folder)


@pytest.mark.parametrize("case", ["jsonl", "declared-huge", "tampered-values", "renamed-member"])
def test_classify_predict_reports_a_bad_model_file_in_one_line(model_file, tmp_path, capsys, case):
    _, build, pattern = next(c for c in CASES if c[0] == case)
    path = build(model_file, tmp_path)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"doc_id": "a", "outlet": "A", "text": "A sham plan."}) + "\n", encoding="utf-8")
    assert main(["classify", "predict", str(path), str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert re.search(pattern.replace("{f}", re.escape(str(path))).lstrip("^"), err.split("error: ", 1)[1])
