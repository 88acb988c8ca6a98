"""docstring (AG111): a public class or function added without a docstring.

## What it does
When a rule asks for docstrings ("public APIs must have docstrings", "all functions need
Google-style docstrings"), reports each public definition the change adds without one: a
class, a function or a method (modules are not judged: the walk cannot tell a new module
from an old one whose first line changed). Public means no name along the way
starts with an underscore (`_helper`, `_Private.method`, `__init__` and other dunders are not
public), it is not nested in a function, and the file is not a test (`tests/**`,
`test_*.py`, `*_test.py`, `conftest.py`) nor an `__init__.py` / `__main__.py` module. An
overload (`@overload`) and a method that overrides (`@override`) need none. Only the
presence of a docstring is checked: the `style` a rule names (Google, NumPy) is not judged.
The finding is at the `def`/`class` line, so a definition the change does not touch is
never reported.

## Why is this bad?
The rule file asks for it: a public function without a docstring leaves its callers (and
the next agent) to guess what it promises. Caught at commit time, it costs one sentence.

## Example
```python
def settle(invoice, ledger):
    ...
```

## Fix
Say what it does and why, first line a sentence:
```python
def settle(invoice, ledger):
    \"\"\"Post the invoice's payments to the ledger; idempotent per invoice id.\"\"\"
```
"""

from __future__ import annotations

import ast
import re

from agent_guard.checks.options import Option
from agent_guard.checks.python import Check, Walk
from agent_guard.globs import glob_to_regex
from agent_guard.policy.model import Binding, CheckSettings

OPTIONS: tuple[Option[object], ...] = ()

_TESTS = re.compile(
    "|".join(
        f"(?:{glob_to_regex(p)})"
        for p in ("tests/**", "test/**", "**/test_*.py", "**/*_test.py", "**/conftest.py")
    )
)
_EXEMPT_DECORATORS = frozenset(
    {"typing.overload", "typing_extensions.overload", "typing.override",
     "typing_extensions.override"}
)  # fmt: skip
_Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class Docstring(Check[None]):
    slug = "docstring"

    def __init__(self, walk: Walk, settings: CheckSettings, config: None) -> None:
        super().__init__(walk, settings, config)
        path = walk.path
        name = path.rpartition("/")[2]
        self.binding: Binding | None = None
        if _TESTS.fullmatch(path) or name.startswith(("__init__.", "__main__.")):
            return
        self.binding = next(
            (b for b in walk.policy.bindings_for("docstring") if b.applies_to(path)), None
        )

    def enter_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._definition(node)

    def enter_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._definition(node)

    def enter_ClassDef(self, node: ast.ClassDef) -> None:
        self._definition(node)

    def _definition(self, node: _Definition) -> None:
        if self.binding is None or not self._public(node):
            return
        if ast.get_docstring(node, clean=False) is not None:
            return
        if any(self.walk.qualified_name(_callee(d)) in _EXEMPT_DECORATORS
               for d in node.decorator_list):  # fmt: skip
            return
        kind = "class" if isinstance(node, ast.ClassDef) else "function"
        self.report(
            node,
            f"public {kind} `{node.name}` has no docstring",
            "add a docstring: its first line says what it does (and why, when not obvious)",
        )
        found = self.walk.findings[-1]  # the rule that asks for it, at its severity
        self.walk.findings[-1] = found._replace(
            severity=self.binding.severity, rule=self.binding.rule
        )

    def _public(self, node: _Definition) -> bool:
        """Public: no leading underscore here or in an enclosing class; not inside a def."""
        if node.name.startswith("_"):
            return False
        scope = self.walk.scope
        while scope.parent is not None:
            owner = scope.node
            if not isinstance(owner, ast.ClassDef):
                return False  # nested in a function, lambda or comprehension
            if owner.name.startswith("_"):
                return False
            scope = scope.parent
        return True


def _callee(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


CHECK = Docstring
