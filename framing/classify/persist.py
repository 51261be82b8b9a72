"""Save and load :class:`framing.classify.FrameClassifier` models without pickle.

Choice
    A model is one ``.npz`` file (NumPy's zip of ``.npy`` arrays) holding
    only numeric arrays and UTF-8 bytes: the JSON *manifest* (format
    version, framing and scikit-learn versions, the estimator's
    parameters, the fitted ``C``, classes, the cue lexicon as TOML text
    with its content hash, an optional SHA-256 of the training data, and
    a SHA-256 of every array), the vocabularies (JSON lists of terms) and
    the fitted numbers (``idf_``, coefficients, intercepts, sigmoid
    calibration parameters, learned word counts).  Loading uses
    ``numpy.load(allow_pickle=False)`` and ``json.loads`` only, then
    rebuilds the scikit-learn objects and sets their fitted attributes:
    **nothing in the file is ever executed**, unlike pickle/joblib.
    Predictions of a loaded model equal those of the saved one (tested).
Integrity
    Every array's SHA-256 is checked against the manifest and the
    manifest's own hash against a separate array, so a modified or
    truncated file fails with :class:`ModelFileError` naming what does
    not match.  These hashes detect accidents and naive edits, not a
    deliberate forgery (whoever can rewrite the file can rewrite the
    hashes); they are not a signature.  The safety against code
    execution does not depend on them.
Size
    The zip is read member by member with :mod:`zipfile`: before any
    array is allocated, every member's name must be one a model has, its
    ``.npy`` header must declare the dtype and number of dimensions
    :func:`save_model` writes, the declared size must equal the member's
    size in the zip directory (and be one deflate can produce from the
    compressed bytes), and all declared sizes together must stay under
    ``max_bytes`` (:data:`MAX_BYTES`, 1 GiB), so a small file declaring a
    huge array is refused at once.  A file that is not a zip is refused
    naming what it looks like (JSON text, a pickle, a single ``.npy``).
Limits
    Only :class:`FrameClassifier` models (kinds ``logreg``, ``svm``,
    ``baseline``; binary, multi-class, multi-label) are supported.  A
    model with sentence-embedding features stores no embedding weights:
    it records the version of the package that ships them and is loaded
    only where that version is installed.
    Rebuilding sets fitted attributes of scikit-learn estimators (and,
    for ``svm``, constructs the private
    ``sklearn.calibration._CalibratedClassifier`` and
    ``_SigmoidCalibration``): a model saved with one scikit-learn version
    is refused by another major.minor version (``sklearn_version`` in the
    manifest) rather than risking silently different predictions.  The
    cue lexicon travels inside the file, so a model does not depend on
    the lexicon files present where it is loaded.  The training data are
    not stored: ``data_sha256`` (see :func:`data_sha256`) only records
    what the model was trained on, so that retraining with the stored
    parameters can be checked against the same data.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import LabelBinarizer
from sklearn.svm import LinearSVC

from .. import __version__
from ..check import check_int
from ..vocab import MODEL_KINDS
from .model import FrameClassifier, MarkedWordScorer, make_pipeline

__all__ = ["FORMAT", "MAX_BYTES", "ModelFileError", "data_sha256", "save_model", "load_model"]

FORMAT = "framing-classifier/1"
_PARAMS = ("kind", "C", "class_weight", "word_ngrams", "char_ngrams", "cues", "marked", "min_df", "char_min_df",
           "max_features", "cue_weight", "cue_sublinear", "marked_weight", "embeddings", "embedding_weight",
           "embedding_pooling", "inner_cv", "random_state")
#: Parameters a file written by an earlier 0.2 release lacks, with the value such a model was fitted
#: with (raw cue counts before issue 12; whole-text embeddings before session 8).
_ADDED_PARAMS = {"cue_sublinear": False, "embedding_pooling": "text"}


class ModelFileError(ValueError):
    """A model file is not a valid framing classifier file."""


def data_sha256(texts, labels) -> str:
    """SHA-256 over the training texts and labels, in order (each as
    JSON, one per line), for the manifest's ``data_sha256``."""
    h = hashlib.sha256()
    for text, label in zip(texts, labels):
        if isinstance(label, (list, tuple, set, frozenset)):
            label = sorted(map(str, label))
        elif isinstance(label, np.generic):
            label = label.item()
        h.update(json.dumps([text, label], ensure_ascii=False, default=str).encode("utf-8") + b"\n")
    return h.hexdigest()


def _sha(arr: np.ndarray) -> str:
    h = hashlib.sha256(str(arr.dtype).encode() + str(arr.shape).encode())
    h.update(np.ascontiguousarray(arr).tobytes())
    return h.hexdigest()


def _text_array(value: Any) -> np.ndarray:
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8).copy()


def _label(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def save_model(model: FrameClassifier, path: str | os.PathLike, *, data_hash: str | None = None) -> Path:
    """Write a fitted model to ``path`` (``.npz`` is appended when missing).

    Parameters
    ----------
    model : FrameClassifier
    path : str or Path
    data_hash : str, optional
        SHA-256 of the training data (:func:`data_sha256`), recorded.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    TypeError
        If ``model`` is not a FrameClassifier.
    ValueError
        If it is not fitted, or a class label is not a str/int/float/bool.
    """
    if not isinstance(model, FrameClassifier):
        raise TypeError(f"model must be a FrameClassifier, got {type(model).__name__}")
    if not hasattr(model, "pipeline_"):
        raise ValueError("model is not fitted; call fit before save_model")
    classes = [_label(c) for c in model.classes_]
    for c in classes:
        if not isinstance(c, (str, int, float, bool)):
            raise ValueError(f"class labels must be str, int, float or bool to be saved, got {type(c).__name__}")
    arrays: dict[str, np.ndarray] = {}
    params = {}
    for name in _PARAMS:
        value = getattr(model, name)
        if name == "cues" and value is not None:
            value = "embedded"
        if isinstance(value, np.ndarray):
            value = value.tolist()
        params[name] = list(value) if isinstance(value, tuple) else value
    manifest: dict[str, Any] = {
        "format": FORMAT, "framing_version": __version__, "sklearn_version": sklearn.__version__,
        "params": params, "C_": model.C_, "classes": classes, "multilabel": bool(model.multilabel_),
        "data_sha256": data_hash, "branches": [], "lexicon_sha256": None, "embedding_version": None,
    }
    union = model.pipeline_.named_steps["features"]
    for branch, trans in union.transformer_list:
        manifest["branches"].append(branch)
        last = trans.steps[-1][1] if hasattr(trans, "steps") else trans
        if branch in ("word", "char"):
            terms = [None] * len(last.vocabulary_)
            for term, j in last.vocabulary_.items():
                terms[j] = term
            arrays[f"{branch}.vocabulary"] = _text_array(terms)
            arrays[f"{branch}.idf"] = np.asarray(last.idf_, dtype=np.float64)
        elif branch == "cues":
            from ..lexicon.files import read_lexicon, write_lexicon_toml

            lex = last.lexicon_
            with tempfile.TemporaryDirectory() as tmp:
                # the TOML format requires a version, a description and a definition per category; a lexicon
                # built in memory may lack them, so the embedded copy states that explicitly ("unversioned", ...)
                file = write_lexicon_toml(lex, Path(tmp) / "lexicon.toml", version=lex.version or "unversioned",
                                          description=lex.description or f"lexicon {lex.name} embedded in a model",
                                          definitions={c.name: c.definition or c.name for c in lex.categories})
                arrays["cues.lexicon_toml"] = np.frombuffer(file.read_bytes(), dtype=np.uint8).copy()
                embedded = read_lexicon(file)
            if list(embedded.category_names) != list(lex.category_names):
                raise ValueError(f"the cue lexicon {lex.name!r} does not survive a TOML round trip "
                                 f"(categories {list(lex.category_names)} became {list(embedded.category_names)})")
            manifest["lexicon_sha256"] = embedded.content_hash()
        elif branch == "embed":  # no fitted numbers: the weights are those of the installed package
            manifest["embedding_version"] = last.version_
        elif branch == "marked":
            arrays["marked.vocabulary"] = _text_array(last.vocabulary_.tolist())
            arrays["marked.seen"] = last.seen_.astype(np.int64)
            arrays["marked.marked"] = last.marked_.astype(np.int64)
    estimator = model.pipeline_.named_steps["model"]
    parts = estimator.estimators_ if isinstance(estimator, OneVsRestClassifier) else [estimator]
    for i, part in enumerate(parts):
        if isinstance(part, CalibratedClassifierCV):
            cal = part.calibrated_classifiers_[0]
            arrays[f"model.{i}.coef"] = np.asarray(cal.estimator.coef_, dtype=np.float64)
            arrays[f"model.{i}.intercept"] = np.asarray(cal.estimator.intercept_, dtype=np.float64)
            arrays[f"model.{i}.sigmoid"] = np.array([[c.a_, c.b_] for c in cal.calibrators], dtype=np.float64)
            arrays[f"model.{i}.classes"] = _text_array([_label(c) for c in cal.estimator.classes_])
        else:
            arrays[f"model.{i}.coef"] = np.asarray(part.coef_, dtype=np.float64)
            arrays[f"model.{i}.intercept"] = np.asarray(part.intercept_, dtype=np.float64)
            arrays[f"model.{i}.classes"] = _text_array([_label(c) for c in part.classes_])
    manifest["n_parts"] = len(parts)
    manifest["arrays"] = {name: _sha(arr) for name, arr in sorted(arrays.items())}
    arrays["manifest"] = _text_array(manifest)
    arrays["manifest.sha256"] = _text_array(_sha(arrays["manifest"]))
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    return path


def _json(arrays: Any, name: str, source: str) -> Any:
    try:
        return json.loads(bytes(arrays[name]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{source}: array {name!r} is not UTF-8 JSON ({exc})") from None


MAX_BYTES = 1 << 30
"""Default cap on the total size of the arrays a model file declares (1 GiB)."""

_DTYPES = {"uint8": np.dtype("|u1"), "float64": np.dtype("<f8"), "int64": np.dtype("<i8")}
_MEMBER = re.compile(r"^(?:(manifest|manifest\.sha256|word\.vocabulary|char\.vocabulary|cues\.lexicon_toml"
                     r"|marked\.vocabulary)|(word\.idf|char\.idf|model\.\d+\.intercept)"
                     r"|(model\.\d+\.coef|model\.\d+\.sigmoid)|(marked\.seen|marked\.marked)"
                     r"|model\.\d+\.classes)\.npy$")
_ZIP_MAGIC = b"PK\x03\x04"
_DEFLATE_RATIO = 1100  # deflate cannot expand more than ~1032:1; a member declaring more lies about its size


def _expected(name: str) -> tuple[str, int]:
    """(dtype name, number of dimensions) that save_model writes for a member."""
    match = _MEMBER.match(name)
    if match is None:
        raise KeyError(name)
    if match.group(2):
        return "float64", 1
    if match.group(3):
        return "float64", 2
    if match.group(4):
        return "int64", 1
    return "uint8", 1


def _not_a_model(source: str, head: bytes) -> ModelFileError:
    if head.startswith((b"{", b"[")):
        what = "it holds JSON text"
    elif head.startswith(b"\x93NUMPY"):
        what = "it is a single .npy array"
    elif head.startswith(b"\x80"):
        what = "it is a Python pickle, which framing never loads"
    elif not head:
        what = "it is empty"
    else:
        what = f"it starts with {head[:16]!r}"
    return ModelFileError(f"{source}: not a framing model file (expected a .npz zip written by save_model); {what}")


def _read_arrays(path: Path, source: str, max_bytes: int) -> dict[str, np.ndarray]:
    """Read every array of a model file, checking each member's name, dtype,
    shape and declared size against the zip directory and ``max_bytes``
    *before* anything is allocated; nothing is unpickled."""
    with open(path, "rb") as handle:
        head = handle.read(16)
    if not head.startswith(_ZIP_MAGIC):
        raise _not_a_model(source, head)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelFileError(f"{source}: not a framing model file (broken or truncated zip archive: {exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > 4096:
            raise ModelFileError(f"{source}: {len(infos)} members; a framing model file has far fewer")
        plans = []
        total = 0
        for info in infos:
            name = info.filename
            try:
                dtype_name, ndim = _expected(name)
            except KeyError:
                raise ModelFileError(f"{source}: member {name!r} is not part of a framing model file (written by "
                                     f"save_model)") from None
            try:
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    if version == (1, 0):
                        shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
                    elif version in ((2, 0), (3, 0)):
                        shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
                    else:
                        raise ValueError(f"unknown .npy version {version}")
                    offset = member.tell()
            except ValueError as exc:
                raise ModelFileError(f"{source}: member {name!r} is not a NumPy array ({exc})") from None
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                raise ModelFileError(f"{source}: member {name!r} cannot be read; the file is truncated or "
                                     f"corrupted ({exc})") from None
            array = name[: -len(".npy")]
            if dtype.hasobject:
                raise ModelFileError(f"{source}: array {array!r} holds Python objects (pickled data), which framing "
                                     f"never loads; a framing model stores only numbers and UTF-8 bytes")
            if dtype != _DTYPES[dtype_name]:
                raise ModelFileError(f"{source}: array {array!r} has dtype {dtype}; a framing model stores it as "
                                     f"{dtype_name}")
            if len(shape) != ndim or not all(isinstance(n, int) and n >= 0 for n in shape):
                raise ModelFileError(f"{source}: array {array!r} has shape {shape}; expected {ndim} dimension(s)")
            count = math.prod(shape)
            nbytes = count * dtype.itemsize
            total += nbytes
            if total > max_bytes:
                raise ModelFileError(
                    f"{source}: array {array!r} declares {count:,} {dtype_name} values ({nbytes:,} bytes); the "
                    f"arrays would need more than the {max_bytes:,}-byte limit (pass max_bytes= to raise it for a "
                    f"model you trust)")
            if info.file_size != offset + nbytes:
                raise ModelFileError(f"{source}: array {array!r} declares {nbytes:,} bytes of data but its zip member "
                                     f"holds {max(info.file_size - offset, 0):,}; the file is corrupted or was edited")
            if info.compress_type == zipfile.ZIP_STORED:
                plausible = info.compress_size >= info.file_size
            else:
                plausible = info.file_size <= _DEFLATE_RATIO * max(info.compress_size, 1) + 1024
            if not plausible:
                raise ModelFileError(f"{source}: member {name!r} claims {info.file_size:,} bytes from "
                                     f"{info.compress_size:,} compressed; the file is corrupted or was edited")
            plans.append((info, array, shape, fortran, dtype, nbytes, offset))
        arrays: dict[str, np.ndarray] = {}
        for info, array, shape, fortran, dtype, nbytes, offset in plans:
            if array in arrays:
                raise ModelFileError(f"{source}: array {array!r} is stored twice")
            buffer = bytearray(nbytes)
            try:
                with archive.open(info) as member:
                    member.read(offset)
                    got = member.readinto(buffer) if nbytes else 0
            except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                raise ModelFileError(f"{source}: member {info.filename!r} cannot be read; the file is truncated or "
                                     f"corrupted ({exc})") from None
            if got != nbytes:
                raise ModelFileError(f"{source}: array {array!r} is truncated ({got:,} of {nbytes:,} bytes)")
            arrays[array] = np.frombuffer(buffer, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return arrays


def load_model(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> FrameClassifier:
    """Read a model written by :func:`save_model` (no code is executed).

    Parameters
    ----------
    path : str or Path
    max_bytes : int, default :data:`MAX_BYTES` (1 GiB)
        Refuse a file whose arrays together declare more bytes.  Every
        member's name, dtype, shape and declared size are checked against
        the zip directory and this cap before any array is allocated, so a
        small file declaring a huge array is refused at once.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ModelFileError
        Not an ``.npz`` model file (saying what it is instead, e.g. JSON
        text), a member that is not one of a model's arrays, a wrong dtype
        or shape, a declared size over ``max_bytes`` or inconsistent with
        the zip, a truncated or corrupted member, an unknown format, a
        different scikit-learn version, a missing array, or an array or
        manifest whose SHA-256 does not match (the file was modified).
    """
    max_bytes = check_int("max_bytes", max_bytes, low=1)
    path = Path(path)
    if path.is_dir():
        raise ModelFileError(f"{path}: is a folder, not a framing model file")
    if not path.is_file():
        raise FileNotFoundError(f"model file {path} does not exist")
    source = str(path)
    arrays = _read_arrays(path, source, max_bytes)
    for name in ("manifest", "manifest.sha256"):
        if name not in arrays:
            raise ModelFileError(f"{source}: no {name!r} array; not a model written by framing.classify.persist.save_model")
    if _sha(arrays["manifest"]) != _json(arrays, "manifest.sha256", source):
        raise ModelFileError(f"{source}: the manifest does not match its SHA-256; the file was modified or corrupted")
    manifest = _json(arrays, "manifest", source)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        got = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise ModelFileError(f"{source}: format {got!r}; this framing reads {FORMAT!r}")
    _check_manifest(manifest, source)
    saved, here = manifest["sklearn_version"].split(".")[:2], sklearn.__version__.split(".")[:2]
    if saved != here:
        raise ModelFileError(f"{source}: saved with scikit-learn {manifest['sklearn_version']}, this is "
                             f"{sklearn.__version__}; retrain the model with this version")
    expected = manifest["arrays"]
    for name in sorted(set(expected) | (set(arrays) - {"manifest", "manifest.sha256"})):
        if name not in arrays:
            raise ModelFileError(f"{source}: array {name!r} listed in the manifest is missing")
        if name not in expected:
            raise ModelFileError(f"{source}: array {name!r} is not listed in the manifest")
        if _sha(arrays[name]) != expected[name]:
            raise ModelFileError(f"{source}: array {name!r} does not match its SHA-256 in the manifest; the file was "
                                 f"modified or corrupted")
    try:
        return _rebuild(manifest, arrays, source)
    except KeyError as exc:  # an array the manifest's parameters need but does not list
        raise ModelFileError(f"{source}: array {exc.args[0]!r} needed by the model's parameters is missing") from None


_MANIFEST = {"format": str, "framing_version": str, "sklearn_version": str, "params": dict, "C_": (int, float),
             "classes": list, "multilabel": bool, "data_sha256": (str, type(None)), "branches": list,
             "lexicon_sha256": (str, type(None)), "embedding_version": (str, type(None)), "n_parts": int,
             "arrays": dict}


def _check_manifest(manifest: dict, source: str) -> None:
    """Keys and types of the manifest, so that a hand-made file fails with
    a ModelFileError instead of a KeyError deep in the rebuild."""
    for key, kind in _MANIFEST.items():
        if key not in manifest:
            raise ModelFileError(f"{source}: the manifest has no {key!r} key")
        if not isinstance(manifest[key], kind) or (kind is int and isinstance(manifest[key], bool)):
            raise ModelFileError(f"{source}: manifest key {key!r} has a {type(manifest[key]).__name__} value")
    extra = sorted(set(manifest) - set(_MANIFEST))
    if extra:
        raise ModelFileError(f"{source}: unknown manifest key(s) {', '.join(map(repr, extra))}")
    params = manifest["params"]
    if sorted(params) != sorted(_PARAMS) and sorted(set(params) | set(_ADDED_PARAMS)) != sorted(_PARAMS):
        raise ModelFileError(f"{source}: manifest params {sorted(params)} differ from the expected {sorted(_PARAMS)}")
    if params["kind"] not in MODEL_KINDS:
        raise ModelFileError(f"{source}: unknown model kind {params['kind']!r}; expected one of "
                             f"{', '.join(MODEL_KINDS)}")
    if manifest["n_parts"] < 1:
        raise ModelFileError(f"{source}: n_parts must be >= 1, got {manifest['n_parts']}")


def _rebuild(manifest: dict, arrays: dict, source: str) -> FrameClassifier:
    params = {**_ADDED_PARAMS, **manifest["params"]}
    for name in ("word_ngrams", "char_ngrams"):
        if params[name] is not None:
            params[name] = tuple(params[name])
    if isinstance(params["C"], list):
        params["C"] = tuple(params["C"])
    lexicon = None
    if "cues.lexicon_toml" in arrays:
        from ..lexicon.files import read_lexicon

        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "lexicon.toml"
            file.write_bytes(arrays["cues.lexicon_toml"].tobytes())
            lexicon = read_lexicon(file)
        if lexicon.content_hash() != manifest["lexicon_sha256"]:
            raise ModelFileError(f"{source}: the embedded lexicon's content hash differs from the manifest")
    params["cues"] = lexicon if params["cues"] is not None else None
    model = FrameClassifier(**params)
    model.multilabel_ = bool(manifest["multilabel"])
    model.classes_ = np.array(manifest["classes"], dtype=object)
    model.C_ = float(manifest["C_"])
    model.c_scores_ = None
    model.n_features_in_ = 1
    pipe = make_pipeline(model.kind, multilabel=model.multilabel_, C=model.C_, class_weight=model.class_weight,
                         random_state=model.random_state, **model.feature_params())
    union = pipe.named_steps["features"]
    branches = [b for b, _ in union.transformer_list]
    if branches != manifest["branches"]:
        raise ModelFileError(f"{source}: feature branches {manifest['branches']} do not match the parameters "
                             f"({branches})")
    n_features = 0
    for branch, trans in union.transformer_list:
        last = trans.steps[-1][1] if hasattr(trans, "steps") else trans
        if branch in ("word", "char"):
            terms = _json(arrays, f"{branch}.vocabulary", source)
            last.vocabulary_ = {term: j for j, term in enumerate(terms)}
            last.idf_ = arrays[f"{branch}.idf"]
            n_features += len(terms)
        elif branch == "cues":
            last.fit([])
            n_features += len(last.get_feature_names_out())
        elif branch == "embed":
            last.fit()
            if last.version_ != manifest["embedding_version"]:
                raise ModelFileError(f"{source}: saved with the embedding package version "
                                     f"{manifest['embedding_version']}, this is {last.version_}; retrain the model")
            n_features += last.n_dims_
        elif isinstance(last, MarkedWordScorer):
            last.restore(_json(arrays, "marked.vocabulary", source), arrays["marked.seen"], arrays["marked.marked"])
            n_features += 4
    estimator = pipe.named_steps["model"]
    parts = []
    for i in range(int(manifest["n_parts"])):
        coef, intercept = arrays[f"model.{i}.coef"], arrays[f"model.{i}.intercept"]
        if coef.shape[1] != n_features:
            raise ModelFileError(f"{source}: model.{i}.coef has {coef.shape[1]} columns for {n_features} features")
        part_classes = np.array(_json(arrays, f"model.{i}.classes", source),
                                dtype=object if not model.multilabel_ else None)
        if f"model.{i}.sigmoid" in arrays:
            from sklearn.calibration import _CalibratedClassifier, _SigmoidCalibration

            svc = LinearSVC()
            svc.coef_, svc.intercept_, svc.classes_, svc.n_features_in_ = coef, intercept, part_classes, n_features
            calibrators = []
            for a, b in arrays[f"model.{i}.sigmoid"]:
                sig = _SigmoidCalibration()
                sig.a_, sig.b_ = float(a), float(b)
                calibrators.append(sig)
            cal = CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)
            cal.calibrated_classifiers_ = [_CalibratedClassifier(svc, calibrators, classes=part_classes,
                                                                 method="sigmoid")]
            cal.classes_, cal.n_features_in_ = part_classes, n_features
            parts.append(cal)
        else:
            lr = LogisticRegression()
            lr.coef_, lr.intercept_, lr.classes_, lr.n_features_in_ = coef, intercept, part_classes, n_features
            parts.append(lr)
    if isinstance(estimator, OneVsRestClassifier):
        estimator.estimators_ = parts
        binarizer = LabelBinarizer(sparse_output=True)
        binarizer.fit(np.eye(len(model.classes_), dtype=int) if len(model.classes_) > 1 else np.array([[1], [0]]))
        estimator.label_binarizer_ = binarizer
        estimator.n_features_in_ = n_features
        pipe.steps[-1] = ("model", estimator)
    else:
        pipe.steps[-1] = ("model", parts[0])
    model.pipeline_ = pipe
    return model
