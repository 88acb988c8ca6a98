"""The package's own structure: no import cycle, and one place that exits the process.

Read from the source with `ast`, not by importing it: an import inside a function counts
(it runs when the function does, and a cycle through it is still a knot a reader has to
untie), an import under `if TYPE_CHECKING:` does not (it never runs).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "agent_guard"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, at any depth, except the bodies of `if TYPE_CHECKING:` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield child
                yield from _runtime_nodes(child)
            continue
        yield node
        yield from _runtime_nodes(node)


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, anywhere in it (functions included).

    `from x import y` is the module `x.y` when that is a module, else `x`; relative imports
    are resolved against the importing module's package.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                child = f"{source}.{alias.name}"
                found.add(child if child in known else source)
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as [a, b, ..., a], or None: a depth-first search with a path stack."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            target = next(stack[-1], None)
            if target is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif target in on_path:
                return [*path[path.index(target) :], target]
            elif target not in done:
                path.append(target)
                on_path.add(target)
                stack.append(iter(sorted(graph[target])))
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert graph.get("agent_guard.cli"), "the graph is empty"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_function_level_and_relative_imports_are_edges(tmp_path: Path) -> None:
    """The graph builder is not vacuous: it sees the imports a cycle can hide in."""
    source = tmp_path / "mod.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from agent_guard import engine\n"
        "def later():\n"
        "    from agent_guard.commands import diff\n"
        "    from . import params\n"
        "    import agent_guard.errors\n",
        encoding="utf-8",
    )
    known = set(package_modules())
    found = imported_modules("agent_guard.commands.mod", source, known)
    assert found == {
        "agent_guard.commands.diff",
        "agent_guard.commands.params",
        "agent_guard.errors",
    }


def test_the_cycle_finder_reports_the_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


# -- one place exits the process -------------------------------------------------------------


def exits(path: Path) -> list[str]:
    """`sys.exit(...)`, `raise SystemExit`, `ctx.exit(...)`, `click.exceptions.Exit` uses."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        text = ast.unparse(node) if isinstance(node, ast.Call | ast.Raise) else ""
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if (owner, node.func.attr) in {("sys", "exit"), ("ctx", "exit"), ("os", "_exit")}:
                found.append(f"{path.name}:{node.lineno}: {text}")
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = ast.unparse(node.exc)
            if raised.startswith(("SystemExit", "click.exceptions.Exit", "Exit(")):
                found.append(f"{path.name}:{node.lineno}: {text}")
    return found


def test_only_the_entry_point_exits() -> None:
    """Commands return exit codes; `python -m agent_guard` (and the console script's
    wrapper) turns `main()`'s code into the process's status. So tests call `main([...])`."""
    found = [
        hit
        for name, path in package_modules().items()
        if name != "agent_guard.__main__"
        for hit in exits(path)
    ]
    assert not found, found
    assert exits(PACKAGE / "__main__.py"), "the detector sees nothing"
