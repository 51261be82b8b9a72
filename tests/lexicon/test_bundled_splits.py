"""The held-out split rules of benchmarks/_splits.py (issue 11): deterministic, documented, half each."""

from __future__ import annotations

import hashlib
import importlib.util

import pandas as pd

from ..paths import REPO

_spec = importlib.util.spec_from_file_location("lexrev_splits", REPO / "benchmarks" / "_splits.py")
splits = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(splits)


def test_hash_unit_is_the_documented_sha256_rule():
    digest = hashlib.sha256(b"framing-lexrev-2026:article111111111").hexdigest()
    assert splits.hash_unit("article111111111") == int(digest[:16], 16) / 2.0 ** 64
    assert 0 <= splits.hash_unit("x") < 1


def test_ptc_split_is_by_article_and_roughly_half():
    articles = pd.DataFrame({"doc_id": [f"article{i}" for i in range(400)]})
    parts = splits.ptc_split(articles)
    assert set(parts) == {"dev", "test"} and 150 < (parts == "dev").sum() < 250
    assert parts.equals(splits.ptc_split(articles))


def test_babe_sentences_of_one_article_share_a_side():
    babe = pd.DataFrame({"url": ["http://a/1"] * 5 + [None, ""] , "text": list("abcdefg")})
    parts = splits.babe_split(babe)
    assert parts.iloc[:5].nunique() == 1


def test_newswcl50_split_is_half_of_the_events():
    articles = pd.DataFrame({"event_id": [e for e in range(10) for _ in range(5)]})
    parts = splits.newswcl50_split(articles)
    by_event = parts.groupby(articles["event_id"]).agg(set)
    assert all(len(s) == 1 for s in by_event)
    assert (parts == "dev").sum() == 25


def test_abp_valid_is_the_coding_split():
    parts = splits.abp_split(pd.DataFrame({"split": ["train", "valid", None]}))
    assert parts.tolist() == ["dev", "coding", "unused"]
