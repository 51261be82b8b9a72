from __future__ import annotations


def test_package_exports_are_the_functions_even_after_submodule_imports():
    import importlib

    import framing.stats as st

    for name in ("compare", "effects", "keyness"):
        importlib.import_module(f"framing.stats.{name}")
        assert callable(getattr(st, name)), name
        assert getattr(st, name).__module__ == f"framing.stats.{name}"
