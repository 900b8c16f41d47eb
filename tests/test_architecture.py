"""One direction of imports: ``nlu`` knows nothing of ``dialogue`` or ``server``; ``dialogue`` nothing of ``server``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN = {"nlu": {"dialogue", "server"}, "dialogue": {"server"}}
# Heavy or optional libraries that must only be imported inside functions (lazily).
LAZY_ONLY = {"redis", "asyncpg", "prometheus_client", "matplotlib", "openapi_core"}


def imported_modules(path: Path) -> list[tuple[str, int, bool]]:
    """(top-level module, line, at module level?) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name.split(".")[0], node.lineno, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module.split(".")[0], node.lineno, id(node) in top_level))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package):
    wrong = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in sorted((REPO / package).rglob("*.py"))
        for module, line, _ in imported_modules(path)
        if module in FORBIDDEN[package]
    ]
    assert wrong == []


@pytest.mark.parametrize("package", ["nlu", "dialogue", "server"])
def test_optional_libraries_are_imported_lazily(package):
    eager = [
        f"{path.relative_to(REPO)}:{line} imports {module} at module level"
        for path in sorted((REPO / package).rglob("*.py"))
        for module, line, at_top in imported_modules(path)
        if at_top and module in LAZY_ONLY
    ]
    assert eager == []
