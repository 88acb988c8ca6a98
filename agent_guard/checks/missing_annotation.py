"""missing-annotation (AG106): a function without parameter or return annotations.

## What it does
Reports each function and method that lacks an annotation on a parameter (`*args` and
`**kwargs` included; not the first parameter `self`/`cls` of a method, and not
`_`-prefixed dummies when the option `allow_dummy_args` is true) or on its return
(`__init__` is exempt: it always returns None). Lambdas are not reported (they cannot be
annotated). One finding per function, at its `def`, listing everything missing.

## Why is this bad?
Annotations are the documentation a type checker verifies. A function without them accepts
and returns anything as far as tools are concerned, so mistakes at its call sites go
unnoticed, and the next reader has to read the body to learn what it takes. The rule file
lists "introducing implicit or undocumented types" as a top mistake.

## Example
```python
def find_user(session, user_id, active=True):
    ...
```

## Fix
Annotate every parameter and the return type:
```python
def find_user(session: Session, user_id: int, active: bool = True) -> User | None:
    ...
```
The finding covers the signature only (decorators to the line before the body), so editing
the body of an old unannotated function does not report it. Each gap (a parameter, the
return type) is judged on its own against the file's old version: a change that touches a
signature with an old gap (a default changed, an annotated parameter added, `async`
dropped) is quiet, and one that adds an unannotated parameter to it is reported.

Generated code is not checked — the tool that writes it writes its signatures: migrations
(`**/migrations/**`, `**/alembic/versions/**`: the option `generated_patterns`) and files
that say so in their first lines (`# This file is auto-generated`, `DO NOT EDIT`,
`@generated`).
In test files (the option `test_patterns`), the `test_*` functions and methods are not
checked: pytest calls them, injects their parameters by name and ignores what they return;
the helpers and fixtures of a test file still are.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.fingerprint import parts_extra
from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import (
    Check,
    ScopeKind,
    Walk,
    option,
    option_strings,
    signature_scope,
)
from agent_guard.globs import glob_to_regex
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "allow_dummy_args",
        Kind.BOOL,
        False,
        "parameters named `_` or `__` need no annotation",
    ),
    Option(
        "generated_patterns",
        Kind.STRINGS,
        ["**/migrations/**", "**/alembic/versions/**"],
        "globs of generated files (migrations), not checked",
    ),
    Option(
        "test_patterns",
        Kind.STRINGS,
        ["tests/**", "**/tests/**", "**/test_*.py", "**/*_test.py", "**/conftest.py"],
        "globs of test files, which this check leaves alone",
    ),
)


#: The marker of a generated file, looked for in its first lines.
GENERATED = re.compile(r"auto[- ]?generated|do not edit|@generated", re.IGNORECASE)
_HEAD = 400  # characters


@dataclass(frozen=True, slots=True)
class Config:
    allow_dummy_args: bool
    generated: re.Pattern[str] | None
    tests: re.Pattern[str] | None


def _globs(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{glob_to_regex(p)})" for p in patterns))


_STATIC = frozenset({"builtins.staticmethod", "staticmethod"})


class MissingAnnotation(Check[Config]):
    slug = "missing-annotation"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        return Config(
            bool(option(settings, OPTIONS, "allow_dummy_args")),
            _globs(option_strings(settings, OPTIONS, "generated_patterns")),
            _globs(option_strings(settings, OPTIONS, "test_patterns")),
        )

    def __init__(self, walk: Walk, settings: CheckSettings, config: Config) -> None:
        super().__init__(walk, settings, config)
        self.in_tests = config.tests is not None and config.tests.fullmatch(walk.path) is not None
        self.generated = GENERATED.search(walk.text[:_HEAD]) is not None

    @classmethod
    def skips(cls, config: Config, path: str) -> bool:
        return config.generated is not None and config.generated.fullmatch(path) is not None

    def _check(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if self.generated:
            return
        if self.in_tests and node.name.startswith("test"):
            return  # pytest calls it: no caller reads its types
        args = node.args
        params = [*args.posonlyargs, *args.args]
        if params and self.walk.scope.kind == ScopeKind.CLASS and not self._static(node):
            params = params[1:]  # self / cls
        if args.vararg is not None:
            params.append(args.vararg)
        params.extend(args.kwonlyargs)
        if args.kwarg is not None:
            params.append(args.kwarg)
        dummies = self.config.allow_dummy_args
        missing = [
            self._shown(arg, args)
            for arg in params
            if arg.annotation is None and not (dummies and arg.arg.startswith("_"))
        ]
        no_return = node.returns is None and node.name != "__init__"
        if not missing and not no_return:
            return
        parts = []
        if missing:
            parts.append("parameter" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
        if no_return:
            parts.append("the return type")
        gaps = [*missing, *(["the return type"] if no_return else [])]
        self.report(
            node,
            f"`{node.name}` is missing annotations: {' and '.join(parts)}",
            "annotate every parameter and the return type (`-> None` when it returns nothing)",
            scope=signature_scope(node),
            extra=(parts_extra(gaps),),  # each gap is old or new on its own
        )

    def _static(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name) and self.walk.qualified_name(decorator) in _STATIC:
                return True
        return False

    @staticmethod
    def _shown(arg: ast.arg, args: ast.arguments) -> str:
        if arg is args.vararg:
            return f"`*{arg.arg}`"
        if arg is args.kwarg:
            return f"`**{arg.arg}`"
        return f"`{arg.arg}`"

    enter_FunctionDef = _check
    enter_AsyncFunctionDef = _check


CHECK = MissingAnnotation
