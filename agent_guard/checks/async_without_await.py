"""async-without-await (AG105): an `async def` that never awaits.

## What it does
Reports an `async def` whose own body has no `await`, `async for`, `async with` or async
comprehension (those in nested functions do not count: they belong to another function).
Not reported, because something else requires them to be `async`:

- async generators (a `yield` makes the function an async iterator);
- the async protocol methods: `__aenter__`, `__aexit__`, `__aiter__`, `__anext__`,
  `__await__`, `__call__` (an ASGI application);
- methods that override or implement an interface: `@override`, and every method of a class
  whose bases come from elsewhere (the base may declare it async: agent-guard cannot see it,
  so it stays quiet); a base in the same file counts when it declares the same method async;
- framework handlers: functions registered by an attribute decorator (`@router.get("/")`,
  `@app.on_event("startup")`, `@app.middleware("http")`, `@bot.command()`), and FastAPI
  dependencies and handlers (a parameter defaulting to `Depends(...)`, `Query(...)`, ... or
  annotated `Annotated[..., Depends(...)]`): the framework awaits them;
- test doubles: in test files (`tests/**`, `test_*.py`, `conftest.py`; the option
  `test_patterns`) every async def but the `test_*` functions themselves (fakes, stubs and
  mocks must be awaitable);
- functions decorated with `@abstractmethod` or `@overload`, stubs whose body is only a
  docstring, `...`, `pass` or `raise NotImplementedError`, and functions with a decorator in
  the option `exempt_decorators`.

`exempt_handlers: false` reports framework handlers and dependencies too.

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
import re
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import (
    Check,
    ScopeKind,
    Walk,
    function_scope,
    option,
    option_strings,
)
from agent_guard.globs import glob_to_regex
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "exempt_decorators",
        Kind.STRINGS,
        [],
        "decorators (qualified names) whose async functions need not await",
    ),
    Option(
        "exempt_handlers",
        Kind.BOOL,
        True,
        "framework handlers and dependencies (FastAPI, Starlette) need not await",
    ),
    Option(
        "test_patterns",
        Kind.STRINGS,
        ["tests/**", "**/tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py"],
        "globs of test files, which this check leaves alone",
    ),
)

EXEMPT = frozenset(
    {
        "abc.abstractmethod", "typing.overload", "typing_extensions.overload",
        "abstractmethod", "overload", "typing.override", "typing_extensions.override",
        "override",
    }
)  # fmt: skip
PROTOCOL_METHODS = frozenset(
    {"__aenter__", "__aexit__", "__aiter__", "__anext__", "__await__", "__call__"}
)
#: Wrappers that register nothing: a method decorated with them is still judged.
PLAIN_DECORATORS = ("functools.", "builtins.", "contextlib.", "abc.", "typing.")
#: FastAPI parameter functions: a function taking them is called by FastAPI.
FASTAPI_PARAMS = frozenset(
    {"Depends", "Security", "Query", "Path", "Body", "Header", "Cookie", "File", "Form"}
)
_PLAIN_BASES = frozenset({"builtins.object", "object"})


@dataclass(frozen=True, slots=True)
class Config:
    exempt: frozenset[str]
    tests: re.Pattern[str] | None
    handlers: bool  # exempt framework handlers (attribute decorators, FastAPI parameters)


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


class AsyncWithoutAwait(Check[Config]):
    slug = "async-without-await"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        exempt = EXEMPT | frozenset(option_strings(settings, OPTIONS, "exempt_decorators"))
        patterns = option_strings(settings, OPTIONS, "test_patterns")
        tests = (
            re.compile("|".join(f"(?:{glob_to_regex(p)})" for p in patterns)) if patterns else None
        )
        handlers = bool(option(settings, OPTIONS, "exempt_handlers"))
        return Config(exempt, tests, handlers)

    def __init__(self, walk: Walk, settings: CheckSettings, config: Config) -> None:
        super().__init__(walk, settings, config)
        self.in_tests = config.tests is not None and config.tests.fullmatch(walk.path) is not None
        #: class name -> the async methods it declares, for bases in the same file
        self.async_methods: dict[str, set[str]] = {}

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        scope = self.walk.scope  # still the function's own scope (see the walker docs)
        owner = scope.parent
        if (
            owner is not None
            and owner.kind == ScopeKind.CLASS
            and isinstance(owner.node, ast.ClassDef)
        ):
            self.async_methods.setdefault(owner.node.name, set()).add(node.name)
        if scope.awaits or scope.yields or is_stub(node.body) or self._required(node):
            return
        self.report(
            node,
            f"`async def {node.name}` never awaits (no `await`, `async for`, `async with`)",
            "make it a plain `def` (and drop `await` at its call sites), or await the async "
            "I/O it should do",
            scope=function_scope(node),
        )

    def _required(self, node: ast.AsyncFunctionDef) -> bool:
        """Something else makes the function async: a protocol, a base, a framework, a test."""
        if node.name in PROTOCOL_METHODS:
            return True
        if self.in_tests and not node.name.startswith("test"):
            return True
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = self.walk.qualified_name(target)
            last = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in self.config.exempt or last in self.config.exempt:
                return True
            framework = not (name or "").startswith(PLAIN_DECORATORS)
            if self.config.handlers and isinstance(target, ast.Attribute) and framework:
                return True  # `@router.get(...)`, `@app.on_event(...)`: a framework awaits it
        if self.config.handlers and self._takes_fastapi_params(node.args):
            return True
        owner = self.walk.scope.parent
        if (
            owner is not None
            and owner.kind == ScopeKind.CLASS
            and isinstance(owner.node, ast.ClassDef)
        ):
            return self._overrides(owner.node, node.name)
        return False

    def _overrides(self, cls: ast.ClassDef, method: str) -> bool:
        """True unless every base is known here and none declares `method` async."""
        for base in cls.bases:
            target = base.value if isinstance(base, ast.Subscript) else base
            if self.walk.qualified_name(target) in _PLAIN_BASES:
                continue
            if not isinstance(target, ast.Name):
                return True  # `module.Base`: defined elsewhere
            if method in self.async_methods.get(target.id, ()):
                return True
            bound, meaning = self.walk.binding(target.id)
            if not (bound and meaning is None):
                return True  # imported (or unknown): it may declare the method async
        return False

    def _takes_fastapi_params(self, args: ast.arguments) -> bool:
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        annotations = [a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        for expr in (*defaults, *(a for a in annotations if a is not None)):
            for inner in ast.walk(expr):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    last = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                    if last in FASTAPI_PARAMS:
                        return True
        return False


CHECK = AsyncWithoutAwait
