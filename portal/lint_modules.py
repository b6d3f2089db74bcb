"""Fail when the modules stop being ones a person can hold in their head (#14 item 4).

    python -m portal.lint_modules      (run by `make lint`)

Three checks over the project's own Python source (tests, migrations and the virtualenv are
not checked):

1. No import cycle between first-party modules at module level. The graph is built with
   `ast` from the imports a module runs when it is loaded (its body, class bodies, `if` and
   `try` blocks; not functions, not `if TYPE_CHECKING:`). `from package import name` points
   at `package.name` when that is a module, else at the package. Importing a submodule does
   not count as importing its parent package, so a package's `__init__` may re-export its
   submodules.
2. Every function-level import of a first-party module has a comment on its line, on the
   line above, or above the run of imports it stands in, saying why it is not at the top
   (app-loading order, a heavy optional import).
   A function-level import that only hides a cycle is the thing check 1 exists to catch.
3. No module over MAX_LINES lines unless its docstring says why, in a line starting
   "Long because:". Split a module that mixes concerns instead of justifying it.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "portal",
    "consultations",
    "voting",
    "search",
    "deliberation",
    "themes",
    "demo",
    "proposals",
    "disclosures",
    "benchmarks",
    "loadtest",
)
SKIP_PARTS = {".venv", "node_modules", "migrations", "tests", "__pycache__", ".git", "static"}
MAX_LINES = 400
JUSTIFICATION = "Long because:"

# Modules another branch is reworking right now, each with that branch; checks 2 and 3 skip
# them until it lands. Keep this empty on main: a stale entry fails the lint (see problems).
PENDING: dict[str, str] = {}


@dataclass
class Module:
    name: str
    path: Path
    relative: str
    tree: ast.Module
    lines: list[str]
    comment_lines: set[int] = field(default_factory=set)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def load_modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Module]:
    """Return every first-party module under root, by dotted name."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if SKIP_PARTS & set(path.relative_to(root).parts):
                continue
            text = path.read_text(encoding="utf-8")
            module = Module(
                module_name(path, root),
                path,
                path.relative_to(root).as_posix(),
                ast.parse(text, str(path)),
                text.splitlines(),
            )
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type == tokenize.COMMENT:
                    module.comment_lines.add(token.start[0])
            modules[module.name] = module
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _load_time_imports(body: list[ast.stmt]):
    """Yield the import statements that run when the module is loaded."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _load_time_imports(node.body)
            yield from _load_time_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _load_time_imports(block)
            for handler in node.handlers:
                yield from _load_time_imports(handler.body)
        elif isinstance(node, ast.With | ast.ClassDef):
            yield from _load_time_imports(node.body)


def _function_imports(tree: ast.Module):
    """Yield (import statement, first line of its run) for the imports inside functions.

    A run is a sequence of import statements one after another in the same block: one
    comment above the run explains all of it (a `ready()` importing what it registers).
    """
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            for block in (getattr(inner, name, None) for name in ("body", "orelse", "finalbody")):
                if not isinstance(block, list):
                    continue
                run_start = None
                for statement in block:
                    if isinstance(statement, ast.Import | ast.ImportFrom):
                        run_start = run_start or statement.lineno
                        yield statement, run_start
                    else:
                        run_start = None


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def targets(module: Module, node: ast.Import | ast.ImportFrom, known: dict) -> set[str]:
    """Return the first-party modules an import statement loads (its direct targets)."""
    found = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in known:
                found.add(alias.name)
        return found
    source = _absolute(module, node)
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        if submodule in known:
            found.add(submodule)
        elif source in known:
            found.add(source)
    return found


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Return module → first-party modules it imports at load time."""
    return {
        name: set().union(
            *(targets(module, node, modules) for node in _load_time_imports(module.tree.body))
        )
        - {name}
        for name, module in modules.items()
    }


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for child in graph.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other (in a cycle), each sorted.

    A few hundred modules: reachability from each is quick and plainly right.
    """
    reach = {name: _reachable(graph, name) for name in graph}
    groups = []
    placed: set[str] = set()
    for name in sorted(graph):
        if name in placed or name not in reach[name]:
            continue
        group = sorted(other for other in reach[name] if name in reach[other])
        placed.update(group)
        groups.append(group)
    return groups


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """Return one shortest cycle through the component's first module, for the message."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return paths[node] + [start]
            if child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return component


def cycles(modules: dict[str, Module]) -> list[str]:
    graph = import_graph(modules)
    return [
        "import cycle: " + " -> ".join(_one_cycle(graph, component))
        for component in _strongly_connected(graph)
    ]


def unexplained_function_imports(modules: dict[str, Module]) -> list[str]:
    found = []
    for module in modules.values():
        if module.relative in PENDING:
            continue
        for node, run_start in dict(_function_imports(module.tree)).items():
            if not targets(module, node, modules):
                continue
            if {node.lineno, node.lineno - 1, run_start - 1} & module.comment_lines:
                continue
            line = module.lines[node.lineno - 1].strip()
            found.append(
                f"{module.relative}:{node.lineno}: function-level import "
                f"without a comment saying why — {line}"
            )
    return found


def long_modules(modules: dict[str, Module]) -> list[str]:
    found = []
    for module in modules.values():
        if len(module.lines) <= MAX_LINES or module.relative in PENDING:
            continue
        docstring = ast.get_docstring(module.tree) or ""
        if any(line.strip().startswith(JUSTIFICATION) for line in docstring.splitlines()):
            continue
        found.append(
            f"{module.relative}: {len(module.lines)} lines (over {MAX_LINES}) "
            f'and no "{JUSTIFICATION} ..." line in its docstring'
        )
    return found


def stale_pending(root: Path = ROOT) -> list[str]:
    """Return PENDING entries whose module no longer exists (the rework landed: remove them)."""
    return [
        f"{name}: listed in portal/lint_modules.py PENDING but missing; remove it"
        for name in PENDING
        if not (root / name).exists()
    ]


def problems(root: Path = ROOT) -> list[str]:
    modules = load_modules(root)
    return (
        cycles(modules)
        + unexplained_function_imports(modules)
        + long_modules(modules)
        + stale_pending(root)
    )


def main() -> int:
    found = problems()
    for problem in found:
        print(problem)
    if found:
        print(
            "\nModules a person can hold in their head: break a cycle by moving what both "
            "sides need into a third module (or by having one side register with the other); "
            "say why on a function-level import; split a long module by concern (a package "
            "with re-exports) or say in its docstring why it is long."
        )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
