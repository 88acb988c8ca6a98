"""async-without-await (AG105): an `async def` that never awaits.

## What it does
Reports an `async def` whose own body has no `await`, `async for`, `async with` or async
comprehension (those in nested functions do not count: they belong to another function).
Not reported: async generators (a `yield` makes the function an async iterator, which must be
`async`), functions decorated with `@abstractmethod` or `@overload`, stubs whose body is only
a docstring, `...`, `pass` or `raise NotImplementedError`, and functions with a decorator in
the option `exempt_decorators` (e.g. the decorator that marks an override of an async
interface: `typing.override`).

## Why is this bad?
`async` is a promise to the caller that the function does I/O without blocking. A coroutine
that never awaits gives nothing back for the cost of a coroutine object and an event-loop
step, forces every caller to `await` it, and usually means either CPU-bound work dressed as
async or a blocking call hidden inside (see `blocking-in-async`). The rule file lists "using
async without a clear I/O-bound justification" as a top mistake.

## Example
```python
async def total(items: list[Item]) -> int:
    return sum(item.price for item in items)
```

## Fix
Make it a plain `def` (and drop the `await` at the call sites), or await the async I/O it was
meant to do. If an interface requires it to be async, add that interface's decorator to
`exempt_decorators` or suppress it with a reason.
"""

from __future__ import annotations

import ast
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, function_scope, option_strings
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "exempt_decorators",
        Kind.STRINGS,
        [],
        "decorators (qualified names) whose async functions need not await",
    ),
)

EXEMPT = frozenset(
    {
        "abc.abstractmethod", "typing.overload", "typing_extensions.overload",
        "abstractmethod", "overload",
    }
)  # fmt: skip


def is_stub(body: list[ast.stmt]) -> bool:
    """Only a docstring, `...`, `pass` and `raise NotImplementedError`."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # a docstring or `...`
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                continue
        return False
    return True


class AsyncWithoutAwait(Check[frozenset[str]]):
    slug = "async-without-await"

    @classmethod
    def configure(cls, settings: CheckSettings) -> frozenset[str]:
        return EXEMPT | frozenset(option_strings(settings, OPTIONS, "exempt_decorators"))

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        scope = self.walk.scope  # still the function's own scope (see the walker docs)
        if scope.awaits or scope.yields or is_stub(node.body):
            return
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = self.walk.qualified_name(target)
            last = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in self.config or last in self.config:
                return
        self.report(
            node,
            f"`async def {node.name}` never awaits (no `await`, `async for`, `async with`)",
            "make it a plain `def` (and drop `await` at its call sites), or await the async "
            "I/O it should do",
            scope=function_scope(node),
        )


CHECK = AsyncWithoutAwait
