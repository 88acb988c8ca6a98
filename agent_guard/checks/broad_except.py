"""broad-except (AG103): catching every exception without re-raising or logging it.

## What it does
Reports `except:`, `except Exception` and `except BaseException` (also inside a tuple, also
`except*`), and `contextlib.suppress(Exception)`, unless the handler

- re-raises: a bare `raise`, `raise e` of the caught exception, or `raise X from e`; or
- logs the exception with its traceback: `log.exception(...)`, or any log call with
  `exc_info=` (not `False`/`None`) — on the `logging` module, on a logger obtained from
  `logging.getLogger`/`structlog.get_logger`, or on a name in the option `logger_names`
  (`logger`, `log`, ... also as an attribute: `self.logger`). With the option
  `require_exc_info: false`, any log call counts.

A `raise` or log call inside a nested function does not count: it does not run when the
handler does.

## Why is this bad?
A broad handler also catches the bugs you did not expect (`TypeError`, `KeyError`,
`KeyboardInterrupt` for a bare `except:`) and, when it neither re-raises nor logs the
traceback, hides them: the program goes on in a wrong state and nobody can tell why. The
rule file says "never catch broad Exception without explicit handling or logging".

## Example
```python
try:
    send(invoice)
except Exception:
    return None
```

## Fix
Catch what you expect (`except (ConnectionError, TimeoutError):`), or keep the broad handler
and log the traceback (`log.exception("sending invoice %s failed", invoice.id)`), or
re-raise (`raise InvoiceError(...) from error`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check, Scope, Walk, option, option_strings
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "logger_names",
        Kind.STRINGS,
        ["logger", "log", "logging", "structlog", "_logger", "_log", "LOGGER", "LOG"],
        "names that are a logger (`log.warning(...)` in a handler counts as handling)",
    ),
    Option(
        "require_exc_info",
        Kind.BOOL,
        True,
        "a log call must keep the traceback (`exc_info`, `log.exception`)",
    ),
)

BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"}
)
LOGGER_TYPES = frozenset({"logging", "logging.Logger", "logging.root", "structlog.BoundLogger"})
SUPPRESS = frozenset({"contextlib.suppress"})


@dataclass(frozen=True, slots=True)
class Config:
    logger_names: frozenset[str]
    require_exc_info: bool


@dataclass(slots=True)
class _Handler:
    node: ast.ExceptHandler
    function: Scope
    caught: str
    handled: bool = False


class BroadExcept(Check[Config]):
    slug = "broad-except"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        names = frozenset(option_strings(settings, OPTIONS, "logger_names"))
        return Config(names, bool(option(settings, OPTIONS, "require_exc_info")))

    def __init__(self, walk: Walk, settings: CheckSettings, config: Config) -> None:
        super().__init__(walk, settings, config)
        self.handlers: list[_Handler] = []

    def broad_type(self, node: ast.expr | None) -> str | None:
        """What a handler's type catches that is too broad, or None."""
        if node is None:
            return "everything (bare `except:`)"
        candidates = node.elts if isinstance(node, ast.Tuple) else [node]
        for candidate in candidates:
            name = self.walk.qualified_name(candidate)
            if name in BROAD:
                return f"`{name.removeprefix('builtins.')}`"
        return None

    def enter_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        caught = self.broad_type(node.type)
        if caught is not None:
            self.handlers.append(_Handler(node, self.walk.function, caught))

    def leave_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if not self.handlers or self.handlers[-1].node is not node:
            return
        handler = self.handlers.pop()
        if handler.handled:
            return
        self.report(
            node,
            f"the handler catches {handler.caught} and neither re-raises nor logs the traceback",
            "catch the exceptions you expect, or log with `log.exception(...)`, or re-raise "
            "(`raise` / `raise SomeError(...) from error`)",
        )

    def _mark(self) -> None:
        function = self.walk.function
        for handler in self.handlers:
            if handler.function is function:
                handler.handled = True

    def enter_Raise(self, node: ast.Raise) -> None:
        if not self.handlers:
            return
        if node.exc is None:
            self._mark()
            return
        names = {h.node.name for h in self.handlers if h.node.name}
        for expr in (node.exc, node.cause):
            if isinstance(expr, ast.Name) and expr.id in names:
                self._mark()
                return

    def enter_Call(self, node: ast.Call) -> None:
        func = node.func
        if self.handlers and self._is_log_call(func, node):
            self._mark()
        if isinstance(func, ast.Name):
            maybe_suppress = func.id == "suppress" or func.id in self.walk.imported
        else:
            maybe_suppress = isinstance(func, ast.Attribute) and func.attr == "suppress"
        if maybe_suppress and self.walk.qualified_name(func) in SUPPRESS:
            for arg in node.args:
                caught = self.broad_type(arg)
                if caught is not None:
                    self.report(
                        node,
                        f"`contextlib.suppress({caught.strip('`')})` silently swallows every "
                        "exception",
                        "suppress only the exceptions you expect, or catch and log them",
                    )
                    return

    def _is_log_call(self, func: ast.expr, node: ast.Call) -> bool:
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method not in LOG_METHODS or not self._is_logger(func.value):
                return False
        elif isinstance(func, ast.Name):
            name = self.walk.qualified_name(func)
            if name is None or not name.startswith("logging."):
                return False
            method = name.rpartition(".")[2]
            if method not in LOG_METHODS:
                return False
        else:
            return False
        if method == "exception" or not self.config.require_exc_info:
            return True
        for keyword in node.keywords:
            if keyword.arg == "exc_info":
                value = keyword.value
                return not (isinstance(value, ast.Constant) and not value.value)
        return False

    def _is_logger(self, receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Name) and receiver.id in self.config.logger_names:
            return True
        if isinstance(receiver, ast.Attribute) and receiver.attr in self.config.logger_names:
            return True
        if isinstance(receiver, ast.Name | ast.Attribute | ast.Call):
            return self.walk.qualified_name(receiver) in LOGGER_TYPES
        return False


CHECK = BroadExcept
