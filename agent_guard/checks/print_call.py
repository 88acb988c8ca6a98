"""print-call (AG102): `print()` in production code.

## What it does
Reports calls of the builtin `print` (and `pprint.pprint`; the option `functions`) in
production code. A `print` that is shadowed — a parameter, a local variable, an imported
name, a module-level function called `print` — is not the builtin and is not reported;
`from builtins import print as p` and `import pprint as pp; pp.pprint(x)` are.

The rule says "production code", and printing is the job of a command-line program, so
these are not reported:

- tests: files matching the option `test_patterns` (`tests/**`, `**/tests/**`,
  `**/test_*.py`, `**/*_test.py`, `**/conftest.py`);
- command-line programs: files matching the option `cli_patterns` (`scripts/`, `bin/`,
  `tools/` folders at any depth, Django `management/commands/`, `cli/` packages and
  `cli.py`, `__main__.py`, `manage.py`, `setup.py`, `noxfile.py`, `docs/`);
- the `if __name__ == "__main__":` block, and the module's functions it calls
  (`def main(): print(...)` run from the block);
- a module that builds an `argparse.ArgumentParser`: a script;
- click and typer commands: functions decorated with `@click.command`, `@click.group`,
  `@app.command()`, `@cli.group()` and the functions nested in them;
- console-script targets: the functions named in the option `entry_points`
  (`["app.cli:main"]`); unset, the checked tree's `[project.scripts]`,
  `[project.gui-scripts]` and `[tool.poetry.scripts]` (`agent-guard explain print-call`
  shows which).

Set `test_patterns` or `cli_patterns` to `[]` to check those files too.

## Why is this bad?
`print` writes to stdout with no level, no logger name, no timestamp and no way to turn it
off: debug output left in a service ends up in production logs (or in a response stream),
can leak data, and cannot be filtered. The rule file says "never leave print() calls in
production code".

## Example
```python
def charge(order):
    print("charging", order.id, order.card)
    ...
```

## Fix
Use a logger: `log = logging.getLogger(__name__)`, then `log.debug("charging %s", order.id)`.
A command-line tool outside the folders above that must write to stdout can say so with a
suppression: `# agent-guard: ignore[print-call] CLI output`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, ScopeKind, Walk, builtin_qualified, option_strings
from agent_guard.globs import glob_to_regex
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "functions",
        Kind.STRINGS,
        ["print", "pprint.pprint"],
        "the print-like functions (qualified; a bare name is a builtin)",
    ),
    Option(
        "test_patterns",
        Kind.STRINGS,
        [
            "tests/**", "**/tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py",
        ],
        "globs of test files, which this check leaves alone",
    ),
    Option(
        "cli_patterns",
        Kind.STRINGS,
        [
            "**/scripts/**", "**/bin/**", "**/tools/**", "**/management/commands/**",
            "**/cli/**", "**/cli.py", "**/__main__.py", "**/manage.py", "**/setup.py",
            "**/noxfile.py", "docs/**",
        ],
        "globs of command-line code (scripts, management commands), where printing is output",
    ),
    Option(
        "entry_points",
        Kind.STRINGS,
        [],
        "console-script targets (`module:function`) whose code may print (empty: those of "
        "the checked tree's [project.scripts] / [project.gui-scripts] / poetry scripts)",
    ),
)  # fmt: skip

#: Decorators (their last attribute) that make a function a click / typer command.
CLI_DECORATORS = frozenset({"command", "group", "callback"})
CLI_PACKAGES = ("click.", "typer.", "asyncclick.")
ARGPARSE = frozenset({"argparse.ArgumentParser"})


@dataclass(frozen=True, slots=True)
class Config:
    functions: frozenset[str]
    last_names: frozenset[str]
    skipped: re.Pattern[str] | None  # tests and command-line programs
    entry_points: frozenset[tuple[str, str]]  # (module, function)


def _globs(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{glob_to_regex(p)})" for p in patterns))


class PrintCall(Check[Config]):
    slug = "print-call"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        functions = frozenset(
            builtin_qualified(name) for name in option_strings(settings, OPTIONS, "functions")
        )
        patterns = option_strings(settings, OPTIONS, "test_patterns")
        patterns += option_strings(settings, OPTIONS, "cli_patterns")
        entry_points = frozenset(
            (module.strip(), function.strip().partition(".")[0])
            for module, _, function in (
                target.partition(":")
                for target in option_strings(settings, OPTIONS, "entry_points")
            )
            if function
        )
        last_names = frozenset(name.rpartition(".")[2] for name in functions)
        return Config(functions, last_names, _globs(patterns), entry_points)

    @classmethod
    def skips(cls, config: Config, path: str) -> bool:
        return config.skipped is not None and config.skipped.fullmatch(path) is not None

    def __init__(self, walk: Walk, settings: CheckSettings, config: Config) -> None:
        super().__init__(walk, settings, config)
        self.script = False  # the module builds an argparse parser: a command-line program
        self.cli_nodes: set[ast.AST] = set()  # click / typer commands
        self.main_lines: list[tuple[int, int]] = []  # `if __name__ == "__main__":` blocks
        self.main_called: set[str] = {f for m, f in config.entry_points if m == walk.module}
        self.reported: list[tuple[Finding, str | None]] = []  # (finding, top-level function)

    def _enter_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            last = target.attr if isinstance(target, ast.Attribute) else ""
            name = self.walk.qualified_name(target) or ""
            if last in CLI_DECORATORS or name.startswith(CLI_PACKAGES):
                self.cli_nodes.add(node)
                return

    enter_FunctionDef = _enter_def
    enter_AsyncFunctionDef = _enter_def

    def enter_If(self, node: ast.If) -> None:
        if self.walk.scope.kind != ScopeKind.MODULE or not _is_main_guard(node.test):
            return
        self.main_lines.append((node.lineno, node.end_lineno or node.lineno))
        called = {
            inner.func.id
            for stmt in node.body
            for inner in ast.walk(stmt)
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
        }
        self.main_called |= called
        self._retract(lambda top: top in called)

    def enter_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in self.config.last_names and func.id not in self.walk.imported:
                return  # the cheap test first: most calls are not print or an alias
        elif isinstance(func, ast.Attribute):
            if func.attr not in self.config.last_names and func.attr != "ArgumentParser":
                return
        else:
            return
        name = self.walk.qualified_name(func)
        if name in ARGPARSE:
            self.script = True
            self._retract(lambda top: True)
            return
        if name is None or name not in self.config.functions or self.script:
            return
        top = self._command_line(node.lineno)
        if top is True:
            return
        assert top is not False
        self.report(
            node,
            f"`{name.removeprefix('builtins.')}()` in production code",
            "log instead: `log = logging.getLogger(__name__)` and `log.debug(...)`/"
            "`log.info(...)`; for intended CLI output, suppress with a reason",
        )
        self.reported.append((self.walk.findings[-1], top))

    def _command_line(self, line: int) -> str | bool | None:
        """True inside a command (or the main block); else the top-level function's name."""
        scope = self.walk.scope
        top: str | None = None
        while scope.parent is not None:
            if scope.node in self.cli_nodes:
                return True
            if scope.parent.parent is None:
                top = getattr(scope.node, "name", None)
            scope = scope.parent
        if top is not None and top in self.main_called:
            return True
        if any(first <= line <= last for first, last in self.main_lines):
            return True
        return top

    def _retract(self, matches: Callable[[str | None], bool]) -> None:
        """Withdraw this check's findings in code that turned out to be a command line."""
        drop = [finding for finding, top in self.reported if matches(top)]
        if drop:
            self.walk.findings[:] = [f for f in self.walk.findings if all(f is not d for d in drop)]
            self.reported = [(f, t) for f, t in self.reported if all(f is not d for d in drop)]


def _is_main_guard(test: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = {ast.unparse(test.left), ast.unparse(test.comparators[0])}
    return sides == {"__name__", "'__main__'"}


CHECK = PrintCall
