"""The single walker: one parse, ONE walk per Python file, every code check dispatched from it.

Why one walk: the checks run on every commit, on the developer's machine, so their cost is
counted against `ast.parse` of the same file (target: at most 2x). Walking the tree once per
check would multiply it. Like pyflakes and flake8-bugbear, one visitor walks the tree and
calls the handlers the enabled checks registered for each node type; adding a check adds a
handler, never a pass.

The walker tracks what several checks need, once:
- scopes (module, class, function, lambda, comprehension), async or not, nesting depth;
- bindings per scope: imports and their aliases (`import time as t`, `from requests import get
  as fetch`), instances created from or annotated with a known class (`client = httpx.Client()`,
  `session: Session`), and every other local, parameter or definition (which shadows a builtin);
- `if TYPE_CHECKING:` blocks;
- whether a function awaits (`await`, `async for`, `async with`, async comprehensions) or yields;
- every import, as an `ImportRecord`, for the architecture checks.

## The interface a check implements (stable; `llm-writes` plugs in the same way)

A check module `agent_guard.checks.<slug_with_underscores>` that runs in the walk exposes
`CHECK`, a subclass of `Check`. Its handlers are methods named after the node class:

    class MyCheck(Check[MyConfig]):
        @classmethod
        def configure(cls, settings: CheckSettings) -> MyConfig:   # once per policy
            return MyConfig(...settings.options...)

        def enter_Call(self, node: ast.Call) -> None: ...          # before the children
        def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None: ...  # after

    CHECK = MyCheck

- `enter_<Node>` runs before the node's children are walked, `leave_<Node>` after. A handler
  named after an abstract class (`enter_stmt`, `enter_expr`) runs for every subclass.
- Enter handlers see the scope that CONTAINS the node (a `def` is a statement of the enclosing
  scope; its decorators and defaults are evaluated there). Leave handlers of a node that opens
  a scope (def, lambda, class, comprehension) run while that scope is still current, so they
  can read its facts (`walk.scope.awaits`, `walk.scope.yields`).
- `self.walk` is the `Walk`: `path`, `module`, `policy`, `scope`, `function` (innermost
  def/lambda/class/module scope), `in_async`, `type_checking`, `imports` (the records so
  far), `imported` (names bound by imports: a cheap test before resolving an alias),
  `qualified_name(expr)`, `binding(name)`, `annotation_type(expr)`. `self.settings` and
  `self.config` are the check's settings and compiled configuration.
- Report with `self.report(node, message, fix, scope=...)` (function-level findings pass
  `scope=function_scope(node)`). Inline suppressions are applied after the walk; a handler
  never filters by changed lines (the engine does).
- One instance is created per file, so per-file state lives on `self`; `configure` runs once
  per (policy, check) and its result is shared, so put compiled options there.
- A check module that is not part of the walk (syntax-error, suppression-reason) has no CHECK.

Which modules the walker consults: `walker_checks()`, the registered checks of unit `python`.

The package, along its seams: `scopes` (scopes, bindings, what a name means), `walk` (the one
iterative pass and its dispatch to handlers), `dispatch` (the check base class, which checks
run on a file, a blob checked end to end).
"""

from __future__ import annotations

from agent_guard.checks.python.dispatch import (
    BlobResult,
    Check,
    PythonResult,
    builtin_qualified,
    check_blob,
    check_class,
    check_python,
    function_scope,
    handler_table,
    option,
    option_mapping,
    option_strings,
    signature_scope,
    syntax_error_finding,
    too_large,
    walker_checks,
)
from agent_guard.checks.python.scopes import FACTORIES, Scope, ScopeKind, Walk, instance_type
from agent_guard.checks.python.walk import walk_tree

__all__ = [
    "FACTORIES",
    "BlobResult",
    "Check",
    "PythonResult",
    "Scope",
    "ScopeKind",
    "Walk",
    "builtin_qualified",
    "check_blob",
    "check_class",
    "check_python",
    "function_scope",
    "handler_table",
    "instance_type",
    "option",
    "option_mapping",
    "option_strings",
    "signature_scope",
    "syntax_error_finding",
    "too_large",
    "walk_tree",
    "walker_checks",
]
