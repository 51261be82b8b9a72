from __future__ import annotations


def test_package_exports_are_the_functions_even_after_submodule_imports():
    import importlib

    import framing.stats as st

    for name in ("compare", "effects", "keyness"):
        importlib.import_module(f"framing.stats.{name}")
        assert callable(getattr(st, name)), name
        assert getattr(st, name).__module__ == f"framing.stats.{name}"


def test_vocabulary_is_re_exported_not_redefined():
    # the stats modules re-export framing.vocab's closed sets under their old names (the same objects)
    import importlib

    import framing.vocab as vocab

    compare, effects, keyness, multitest, paired = (
        importlib.import_module(f"framing.stats.{name}") for name in ("compare", "effects", "keyness", "multitest", "paired")
    )

    pairs = [
        (compare.METHODS, vocab.METHODS), (compare.OMNIBUS_METHODS, vocab.OMNIBUS_METHODS),
        (compare.ALTERNATIVES, vocab.ALTERNATIVES), (effects.EFFECTS, vocab.EFFECTS),
        (effects.UNMATCHED, vocab.UNMATCHED), (paired.PAIRED_METHODS, vocab.PAIRED_METHODS),
        (paired.PAIRED_EFFECTS, vocab.PAIRED_EFFECTS), (multitest.CORRECTIONS, vocab.CORRECTIONS),
        (keyness.TOKEN_METHODS, vocab.KEYNESS_TOKEN_METHODS), (keyness.DOCUMENT_TESTS, vocab.KEYNESS_TESTS),
        (keyness.COMPARISONS, vocab.KEYNESS_COMPARISONS), (keyness.VARIANCES, vocab.KEYNESS_VARIANCES),
        (keyness.PRIORS, vocab.KEYNESS_PRIORS), (keyness.CONTINUITY, vocab.KEYNESS_CONTINUITY),
        (keyness.CORRECTIONS, vocab.CORRECTIONS),
    ]
    for ours, theirs in pairs:
        assert ours is theirs


def test_no_private_names_from_sibling_modules():
    # inside framing.stats, shared helpers live in the package-private modules (_data, _resample,
    # _warnings); no module imports a _name of a public sibling
    import ast
    import pathlib

    import framing.stats

    for path in pathlib.Path(framing.stats.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level and not (node.module or "").startswith("_"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, (path.name, node.module, private)


def test_signature_defaults_come_from_vocab():
    import inspect

    from framing.stats import compare, distinctiveness, document_keyness, effects, keyness, log_odds, omnibus
    from framing.stats import paired, simulate_scores, simulate_term_counts, summarize, timeseries
    from framing.vocab import DEFAULTS

    for func in (compare, omnibus, paired, effects, summarize, timeseries, document_keyness, distinctiveness,
                 simulate_scores, simulate_term_counts):
        assert inspect.signature(func).parameters["random_state"].default == DEFAULTS["seed"], func.__name__
    for func in (compare, paired):
        params = inspect.signature(func).parameters
        assert params["methods"].default is None and params["effect"].default == DEFAULTS["effect"]
        assert params["n_resamples"].default == DEFAULTS["n_resamples"]
        assert params["correction"].default == DEFAULTS["correction"]
        assert params["alternative"].default == DEFAULTS["alternative"]
    for func in (keyness, log_odds, document_keyness):
        assert inspect.signature(func).parameters["comparison"].default == DEFAULTS["keyness_comparison"]
    assert inspect.signature(document_keyness).parameters["n_resamples"].default == DEFAULTS["keyness_n_resamples"]
