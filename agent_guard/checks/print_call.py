"""print-call (AG102): `print()` in production code.

## What it does
Reports calls of the builtin `print` (and `pprint.pprint`; the option `functions`) in
production code. A `print` that is shadowed — a parameter, a local variable, an imported
name, a module-level function called `print` — is not the builtin and is not reported;
`from builtins import print as p` and `import pprint as pp; pp.pprint(x)` are. Tests are not
production code: files matching the option `test_patterns` (`tests/**`, `**/test_*.py`,
`**/*_test.py`, `**/conftest.py`) are skipped; set it to `[]` to check them too.

## Why is this bad?
`print` writes to stdout with no level, no logger name, no timestamp and no way to turn it
off: debug output left in a service ends up in production logs (or in a response stream),
can leak data, and cannot be filtered. The rule file says "never use print() for production
debugging".

## Example
```python
def charge(order):
    print("charging", order.id, order.card)
    ...
```

## Fix
Use a logger: `log = logging.getLogger(__name__)`, then `log.debug("charging %s", order.id)`.
A command-line tool that must write to stdout should say so with a suppression:
`# agent-guard: ignore[print-call] CLI output`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, builtin_qualified, option_strings
from agent_guard.globs import glob_to_regex
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
        ["tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py"],
        "globs of test files, where printing is allowed",
    ),
)


@dataclass(frozen=True, slots=True)
class Config:
    functions: frozenset[str]
    last_names: frozenset[str]
    tests: re.Pattern[str] | None


class PrintCall(Check[Config]):
    slug = "print-call"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        functions = frozenset(
            builtin_qualified(name) for name in option_strings(settings, OPTIONS, "functions")
        )
        patterns = option_strings(settings, OPTIONS, "test_patterns")
        tests = (
            re.compile("|".join(f"(?:{glob_to_regex(p)})" for p in patterns)) if patterns else None
        )
        last_names = frozenset(name.rpartition(".")[2] for name in functions)
        return Config(functions, last_names, tests)

    @classmethod
    def skips(cls, config: Config, path: str) -> bool:
        return config.tests is not None and config.tests.fullmatch(path) is not None

    def enter_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id not in self.config.last_names and func.id not in self.walk.imported:
                return  # the cheap test first: most calls are not print or an alias
        elif isinstance(func, ast.Attribute):
            if func.attr not in self.config.last_names:
                return
        else:
            return
        name = self.walk.qualified_name(func)
        if name is not None and name in self.config.functions:
            self.report(
                node,
                f"`{name.removeprefix('builtins.')}()` in production code",
                "log instead: `log = logging.getLogger(__name__)` and `log.debug(...)`/"
                "`log.info(...)`; for intended CLI output, suppress with a reason",
            )


CHECK = PrintCall
