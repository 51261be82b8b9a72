"""The package's layout holds: no import cycles, no reaching into another
module's private names, stages import only the base and earlier stages,
and the curated top-level API."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

PACKAGE = REPO / "framing"
#: Stages in the order data flows; a stage may import the base and earlier stages only.
STAGES = ("corpus", "lexicon", "match", "stats", "classify", "report", "experiment", "cli")
BASE = ("records", "text", "quotes", "vocab", "check", "seeds", "progress", "display", "csvtext")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(name: str) -> list[tuple[str, list[str], int]]:
    """(target module, imported names, line) of every import in a module,
    at any depth (a function-level import is still a dependency), except
    under ``if TYPE_CHECKING:``."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip |= {id(n) for child in node.body for n in ast.walk(child)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "framing" or target.startswith("framing."):
                names = [a.name for a in node.names]
                # "from . import x" where x is a submodule imports the submodule
                subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
                out.append((target, [n for n in names if f"{target}.{n}" not in MODULES], node.lineno))
                out += [(sub, [], node.lineno) for sub in subs]
        elif isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("framing")]
    return out


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _, _ in _imports(name):
            if target in MODULES and target != name:
                graph[name].add(target)
                # importing framing.a.b runs framing.a's __init__ first
                parts = target.split(".")
                for i in range(2, len(parts)):
                    parent = ".".join(parts[:i])
                    if parent in MODULES and not name.startswith(parent + ".") and parent != name:
                        graph[name].add(parent)
    return graph


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _private_module(name: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in name.split("."))


def test_no_module_imports_another_modules_private_names():
    bad = []
    for name in MODULES:
        for target, names, line in _imports(name):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private and target != name:
                bad.append(f"{MODULES[name].relative_to(REPO)}:{line}: {', '.join(private)} from {target}")
            home = name if MODULES[name].name == "__init__.py" else name.rsplit(".", 1)[0]
            if _private_module(target) and not (home + ".").startswith(target.rsplit(".", 1)[0] + "."):
                bad.append(f"{MODULES[name].relative_to(REPO)}:{line}: {target} is private to its package")
    assert not bad, "\n".join(bad)


def _private_attribute_uses(name: str) -> list[str]:
    """``x._name`` where ``x`` is an imported framing module or an object
    other than ``self``/``cls`` (reaching into another object's state)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    # other libraries' modules (argparse._SubParsersAction in annotations) are their business
    outside = {(a.asname or a.name).split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
               for a in node.names if not a.name.startswith("framing")}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if isinstance(owner, ast.Name) and (owner.id in ("self", "cls") or owner.id in outside):
                continue
            found.append(f"{MODULES[name].relative_to(REPO)}:{node.lineno}: .{node.attr} of {ast.unparse(owner)}")
    return found


def test_no_module_reaches_into_private_attributes():
    found = [use for name in MODULES for use in _private_attribute_uses(name)]
    assert not found, "\n".join(found)


def _stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_stages_import_only_the_base_and_earlier_stages():
    bad = []
    for name in MODULES:
        own = _stage(name)
        if own is None:
            continue
        for target, _, line in _imports(name):
            other = _stage(target)
            if other is not None and STAGES.index(other) > STAGES.index(own):
                bad.append(f"{MODULES[name].relative_to(REPO)}:{line}: {own} imports the later stage {other}")
    for base in BASE:
        for target, _, line in _imports(f"framing.{base}"):
            if _stage(target) is not None:
                bad.append(f"framing/{base}.py:{line}: the base imports the stage {target}")
    assert not bad, "\n".join(bad)


def test_curated_top_level_api():
    import framing as fr

    for name in ("read_corpus", "score", "hits", "kwic", "stats", "FrameClassifier", "load_config", "run",
                 "Lexicon", "load_lexicon", "Matcher", "CueVectorizer", "Document"):
        assert name in fr.__all__ and getattr(fr, name) is not None
    assert fr.stats.compare is fr.stats.compare  # a function, not the submodule, on every access
    assert callable(fr.stats.compare) and callable(fr.stats.compare)
    with pytest.raises(AttributeError, match="has no attribute 'Hit'"):
        fr.Hit  # noqa: B018


@pytest.mark.parametrize("module,forbidden", [
    ("framing", ("sklearn", "matplotlib", "pandas")),
    ("framing.experiment.config", ("sklearn", "matplotlib")),
    ("framing.match", ("sklearn", "matplotlib")),
])
def test_import_cost(module, forbidden):
    code = f"import sys, {module}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
