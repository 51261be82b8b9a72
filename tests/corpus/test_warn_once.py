"""A read warns once per condition: with on_error="warn" the fallback
decoding is named in the one summary warning, not warned twice."""

from __future__ import annotations

import warnings

from framing.corpus.readers import CorpusWarning, iter_documents, read_corpus


def test_fallback_decoding_under_warn_is_one_warning(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"doc_id": "a", "outlet": "o", "text": "caf\xe9 one"}\n'
                     b'{"doc_id": "b", "outlet": "o", "text": "caf\xe9 two"}\n'
                     b'{"doc_id": "c", "outlet": "o"}\n')
    for read in (lambda: read_corpus(path, fallback_encoding="cp1252", on_error="warn"),
                 lambda: list(iter_documents(path, fallback_encoding="cp1252", on_error="warn"))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            read()
        messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
        assert len(messages) == 1  # was two: the first fallback line, then the summary naming it again
        assert "1 skipped" in messages[0] and "decoded as cp1252 (2x" in messages[0]
