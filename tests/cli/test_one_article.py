"""One raw article from the command line: ``framing hits article.txt
--outlet NAME`` with body offsets and offsets into the file."""

from __future__ import annotations

import gzip
import io
import shutil

import pandas as pd
import pytest

from framing.cli.app import FILE_COLUMNS, main
from framing.corpus.rawtext import parse_raw_article
from framing.match import HIT_COLUMNS

from tests.paths import FIXTURES, SHARED

ARTICLE = FIXTURES / "corpus" / "raw_hits.txt"
SHARED_ARTICLE = SHARED / "examples" / "000_237058374dd5f869.txt"
TINY = FIXTURES / "lexicons" / "tiny.toml"  # fast to load; the bundled lexicon is used where it matters


def run(argv, capsys):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def hits_table(argv, capsys) -> pd.DataFrame:
    status, out, err = run(["hits", *argv], capsys)
    assert status == 0, err
    return pd.read_csv(io.StringIO(out), keep_default_na=False, dtype={"file_start": "Int64", "file_end": "Int64"})


def file_text(path) -> str:
    """The text file offsets refer to (byte-order mark removed, line ends kept)."""
    if path.suffix == ".gz":
        return gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return fh.read()


def check_offsets(table: pd.DataFrame, path, body: str) -> None:
    raw = file_text(path)
    assert list(table.columns) == [*HIT_COLUMNS, *FILE_COLUMNS]
    for row in table.itertuples(index=False):
        assert body[row.start:row.end] == row.matched_text
        assert raw[row.file_start:row.file_end] == row.matched_text
        assert row.file == str(path)


def test_hits_on_one_raw_article_lists_body_and_file_offsets(capsys):
    table = hits_table([ARTICLE, "--outlet", "coastline"], capsys)
    assert {"façade", "pretense"} <= set(table["matched_text"])
    assert set(table["outlet"]) == {"coastline"} and set(table["doc_id"]) == {"raw_hits"}
    body = parse_raw_article(ARTICLE.read_text(encoding="utf-8")).body
    check_offsets(table, ARTICLE, body)
    facade = table[table["matched_text"] == "façade"].iloc[0]
    assert (facade["start"], facade["end"]) != (facade["file_start"], facade["file_end"])  # the header lines differ


@pytest.mark.parametrize("variant", ["crlf-bom", "gzip", "other-suffix", "folder", "sub-folder"])
def test_hits_file_offsets_follow_the_file(variant, tmp_path, capsys):
    text = ARTICLE.read_text(encoding="utf-8")
    argv = ["--outlet", "coastline", "--lexicon", TINY]
    if variant == "crlf-bom":
        path = tmp_path / "a.txt"
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
        corpus = path
    elif variant == "gzip":
        path = corpus = tmp_path / "a.txt.gz"
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    elif variant == "other-suffix":
        path = corpus = tmp_path / "a.article"
        shutil.copy(ARTICLE, path)
        argv += ["--format", "txt"]
    else:
        corpus = tmp_path / "folder"
        path = corpus / ("x" if variant == "sub-folder" else "") / "a.txt"
        path.parent.mkdir(parents=True)
        shutil.copy(ARTICLE, path)
    table = hits_table([corpus, *argv], capsys)
    assert {"façade", "pretense"} <= set(table["matched_text"])
    assert set(table["outlet"]) == {"coastline"}  # --outlet: also over the sub-folder
    if variant != "gzip":
        check_offsets(table, path, parse_raw_article(text).body)
    else:
        raw = file_text(path)
        assert all(raw[r.file_start:r.file_end] == r.matched_text for r in table.itertuples())


def test_hits_plain_text_file_offsets_and_other_parts(tmp_path, capsys):
    path = tmp_path / "plain.txt"
    path.write_bytes("A line.\r\nThey built a façade.\r\nAnd a pretense.\r\n".encode("utf-8"))
    table = hits_table([path, "--outlet", "o", "--lexicon", TINY], capsys)
    raw = file_text(path)
    assert set(table["matched_text"]) == {"façade", "pretense"}
    assert all(raw[r.file_start:r.file_end] == r.matched_text for r in table.itertuples())
    assert list(table["start"]) != list(table["file_start"])  # the \r\n were normalised in the text
    titles = hits_table([ARTICLE, "--outlet", "o", "--part", "title", "--lexicon", TINY], capsys)
    assert list(titles.columns) == [*HIT_COLUMNS, *FILE_COLUMNS]
    assert (titles["file"] == "").all()  # no mapping for titles: empty


def test_hits_on_jsonl_keeps_the_hit_columns(tmp_path, capsys):
    path = tmp_path / "c.jsonl"
    path.write_text('{"doc_id": "a", "outlet": "A", "text": "a façade"}\n', encoding="utf-8")
    assert list(hits_table([path, "--lexicon", TINY], capsys).columns) == list(HIT_COLUMNS)


@pytest.mark.parametrize("command", [["score"], ["kwic"], ["score", "--by", "genre"], ["compare"],
                                     ["keyness", "--min-count", "1"]])
def test_every_corpus_command_takes_format_and_outlet(command, tmp_path, capsys):
    path = tmp_path / "a.article"
    shutil.copy(ARTICLE, path)
    lexicon = [] if command[0] == "keyness" else ["--lexicon", TINY]
    status, out, err = run([*command, path, "--format", "txt", "--outlet", "coastline", *lexicon], capsys)
    if command[0] in ("compare", "keyness"):  # one document of one outlet: read, then refused by the statistics
        assert status == 1 and f"framing {command[0]}: error:" in err and "coastline" in err
    else:
        assert status == 0, err
        assert "1 documents" in out or "[façade]" in out


@pytest.mark.parametrize("action", ["train", "predict", "evaluate", "explain"])
def test_classify_takes_format_and_outlet(action, capsys):
    with pytest.raises(SystemExit):
        main(["classify", action, "--help"])
    out = capsys.readouterr().out
    assert "--format" in out and "--outlet NAME" in out


def test_one_article_without_outlet_names_the_option(tmp_path, capsys):
    status, _, err = run(["hits", ARTICLE, "--lexicon", TINY], capsys)
    assert status == 1
    assert "raw_hits.txt, field 'outlet': outlet is missing" in err and "--outlet NAME" in err
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(ARTICLE, folder / "a.txt")
    status, _, err = run(["score", folder, "--lexicon", TINY], capsys)
    assert status == 1 and "a.txt, field 'outlet': outlet is missing" in err and "--outlet NAME" in err


@pytest.mark.skipif(not SHARED_ARTICLE.exists(), reason="../shared is not present")
def test_hits_on_the_shared_example(capsys):
    table = hits_table([SHARED_ARTICLE, "--outlet", "cgtn"], capsys)
    assert {"façade", "pretense"} <= set(table["matched_text"])
    check_offsets(table, SHARED_ARTICLE, parse_raw_article(file_text(SHARED_ARTICLE)).body)
