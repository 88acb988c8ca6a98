"""mutable-default (AG101): a mutable value as a parameter default.

## What it does
Reports a parameter default — positional, keyword-only, or of a lambda — that is a list,
dict or set display or comprehension (`[]`, `{}`, `{1}`, `[x for x in y]`), or a call that
builds a mutable value (`list()`, `dict()`, `set()`, `bytearray()`, `collections.deque()`,
`defaultdict()`, `OrderedDict()`, `Counter()`, `ChainMap()`; the list is the option
`mutable_calls`). Calls are resolved through imports, so `from collections import deque as
dq` is seen, and a local function named `list` is not.

## Why is this bad?
A default is evaluated once, when the `def` runs, and shared by every call: a function that
appends to its default list keeps the items of earlier calls. The bug shows up far from its
cause, often only in production where the process lives long.

## Example
```python
def add_tag(tag: str, tags: list[str] = []) -> list[str]:
    tags.append(tag)
    return tags
```

## Fix
Default to `None` and build the value inside:
```python
def add_tag(tag: str, tags: list[str] | None = None) -> list[str]:
    tags = [] if tags is None else tags
    tags.append(tag)
    return tags
```
An immutable value (a tuple, a `frozenset`) is fine as a default, too.
"""

from __future__ import annotations

import ast
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, builtin_qualified, option_strings
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "mutable_calls",
        Kind.STRINGS,
        [
            "list", "dict", "set", "bytearray",
            "collections.deque", "collections.defaultdict", "collections.OrderedDict",
            "collections.Counter", "collections.ChainMap",
        ],
        "calls whose result is mutable, as a default value",
    ),
)  # fmt: skip

_DISPLAYS: dict[type[ast.AST], str] = {
    ast.List: "list", ast.Dict: "dict", ast.Set: "set",
    ast.ListComp: "list", ast.DictComp: "dict", ast.SetComp: "set",
}  # fmt: skip


class MutableDefault(Check[frozenset[str]]):
    slug = "mutable-default"

    @classmethod
    def configure(cls, settings: CheckSettings) -> frozenset[str]:
        names = option_strings(settings, OPTIONS, "mutable_calls")
        return frozenset(builtin_qualified(name) for name in names)

    def _defaults(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(
            zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
        )
        pairs.extend(
            (arg, default)
            for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
            if default is not None
        )
        for arg, default in pairs:
            kind = self._mutable(default)
            if kind is not None:
                self.report(
                    default,
                    f"parameter `{arg.arg}` has a mutable default ({kind}): it is created "
                    "once and shared by every call",
                    f"default to `None` and create the {kind} inside the function "
                    f"(`{arg.arg} = {kind}() if {arg.arg} is None else {arg.arg}`)",
                )

    def _mutable(self, default: ast.expr) -> str | None:
        kind = _DISPLAYS.get(default.__class__)
        if kind is not None:
            return kind
        if isinstance(default, ast.Call):
            callee = self.walk.qualified_name(default.func)
            if callee in self.config:
                return callee.removeprefix("builtins.") + "()"
        return None

    enter_FunctionDef = _defaults
    enter_AsyncFunctionDef = _defaults
    enter_Lambda = _defaults


CHECK = MutableDefault
