"""Paths the tests share: the repository, the test fixtures, and
``../shared`` (public datasets; tests that need it skip without it)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"
