"""The core does not point at the features (#14): features register with the core, not the
other way round. Read from the source, so a new import anywhere in the core fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ("portal/community", "portal/home", "portal/dashboard", "portal/accounts")
FEATURES = (
    "consultations",
    "voting",
    "deliberation",
    "portal.knowledge",
    "portal.notices",
    "search",
    "demo",
)


def imported_modules(path: Path) -> set[str]:
    """Return every module the file imports, at any level (function-level imports too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def core_files() -> list[Path]:
    return sorted(
        path
        for package in CORE
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_core_has_files_to_check():
    assert len(core_files()) > 20


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_core_module_imports_a_feature_app(path):
    offending = sorted(
        name
        for name in imported_modules(path)
        if any(name == feature or name.startswith(f"{feature}.") for feature in FEATURES)
    )
    assert offending == []


def test_the_check_sees_function_level_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from voting.rules import tally\n", encoding="utf-8")
    assert "voting.rules" in imported_modules(module)
