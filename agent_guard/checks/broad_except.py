"""broad-except (AG103): catching every exception and swallowing it.

## What it does
Reports `except:`, `except Exception` and `except BaseException` (also inside a tuple, also
`except*`), and `contextlib.suppress(Exception)`, unless the handler handles the exception.
The rule says "unless you log it or re-raise it", so each of these is handling:

- a `raise` of any kind: a bare `raise`, `raise e`, `raise X from e`, or a new exception
  (`raise HTTPException(400)`, `abort(400)`): the failure is not hidden;
- a log call at any level (`log.warning(...)`, `self.logger.error(...)`, `logging.info(...)`)
  on the `logging` module, on a logger from `logging.getLogger`/`structlog.get_logger`, or on
  a name in the option `logger_names` or ending in `logger`/`log` (`audit_logger`,
  `self._log`); `traceback.print_exc()`/`print_exception()`/`format_exc()`; an error tracker
  (`sentry_sdk.capture_exception`); `warnings.warn`;
- reporting it to the user: `flask.flash`, `click.echo`/`secho`, `typer.echo`, Django
  `messages.*`, `st.error`, the calls in the option `handling_calls`, and an error response
  (a call with `status=`/`status_code=` 4xx or 5xx);
- using the caught exception (`except Exception as e:` and `e` is read in the handler:
  returned, stored, passed on): it is handled explicitly, not swallowed.

A traceback (`log.exception(...)` or `exc_info=`) is required only when the rule asks for one
(its words name a traceback, stack trace or `exc_info`), or with the option
`require_exc_info: true`. A `raise` or log call inside a nested function does not count: it
does not run when the handler does. What stays reported is the swallowing handler:
`except Exception: pass`, `return None`, `continue`.

## Why is this bad?
A broad handler also catches the bugs you did not expect (`TypeError`, `KeyError`,
`KeyboardInterrupt` for a bare `except:`) and, when it neither re-raises nor logs, hides
them: the program goes on in a wrong state and nobody can tell why. The rule file says
"never catch a broad Exception unless you log it or re-raise it".

## Example
```python
try:
    send(invoice)
except Exception:
    return None
```

## Fix
Catch what you expect (`except (ConnectionError, TimeoutError):`), or keep the broad handler
and log it (`log.warning("sending invoice %s failed: %s", invoice.id, error)`), or re-raise
(`raise InvoiceError(...) from error`).
"""

from __future__ import annotations

import ast
import re
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
        False,
        "a log call must keep the traceback (`exc_info`, `log.exception`)",
    ),
    Option(
        "handling_calls",
        Kind.STRINGS,
        [],
        "more calls (qualified) that handle an exception: reporting it counts",
    ),
)

BROAD = frozenset({"builtins.Exception", "builtins.BaseException"})
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"}
)
LOGGER_TYPES = frozenset({"logging", "logging.Logger", "logging.root", "structlog.BoundLogger"})
SUPPRESS = frozenset({"contextlib.suppress"})
#: Calls that record or report the exception: a traceback, an error tracker, the user.
HANDLING_CALLS = frozenset(
    {
        "traceback.print_exc", "traceback.print_exception", "traceback.format_exc",
        "traceback.format_exception", "traceback.print_last",
        "sentry_sdk.capture_exception", "sentry_sdk.capture_message", "warnings.warn",
        "flask.flash", "flask.abort", "click.echo", "click.secho", "typer.echo", "typer.secho",
        "django.contrib.messages.error", "django.contrib.messages.warning",
        "django.contrib.messages.info", "django.contrib.messages.add_message",
        "streamlit.error", "streamlit.exception", "streamlit.warning",
    }
)  # fmt: skip
_TRACEBACK_WORDS = re.compile(r"traceback|stack ?trace|exc_info|log\.exception", re.IGNORECASE)
_STATUS_KEYWORDS = frozenset({"status", "status_code"})


@dataclass(frozen=True, slots=True)
class Config:
    logger_names: frozenset[str]
    require_exc_info: bool
    handling_calls: frozenset[str]


@dataclass(slots=True)
class _Handler:
    node: ast.ExceptHandler
    function: Scope
    caught: str
    handled: bool = False


def wants_traceback(settings: CheckSettings) -> bool:
    """True when the rule asks for the traceback, not just for logging."""
    if "require_exc_info" in settings.options:
        return bool(option(settings, OPTIONS, "require_exc_info"))
    return settings.rule is not None and bool(_TRACEBACK_WORDS.search(settings.rule.text))


class BroadExcept(Check[Config]):
    slug = "broad-except"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        names = frozenset(option_strings(settings, OPTIONS, "logger_names"))
        calls = HANDLING_CALLS | frozenset(option_strings(settings, OPTIONS, "handling_calls"))
        return Config(names, wants_traceback(settings), calls)

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
        if handler.handled or (not self.config.require_exc_info and _uses_caught(node)):
            return
        wanted = "logs the traceback" if self.config.require_exc_info else "logs or reports it"
        self.report(
            node,
            f"the handler catches {handler.caught} and neither re-raises nor {wanted}",
            "catch the exceptions you expect, or log it (`log.warning(...)`, "
            "`log.exception(...)` for the traceback), or re-raise "
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
        if node.exc is None or not self.config.require_exc_info:
            self._mark()  # any raise: the failure is not hidden
            return
        names = {h.node.name for h in self.handlers if h.node.name}
        for expr in (node.exc, node.cause):
            if isinstance(expr, ast.Name) and expr.id in names:
                self._mark()
                return

    def enter_Call(self, node: ast.Call) -> None:
        func = node.func
        if self.handlers and (self._is_log_call(func, node) or self._reports(func, node)):
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

    def _reports(self, func: ast.expr, node: ast.Call) -> bool:
        """A traceback print, an error tracker, a message to the user, an error response."""
        if self.config.require_exc_info:
            return False
        for keyword in node.keywords:
            if keyword.arg in _STATUS_KEYWORDS and _is_error_status(keyword.value):
                return True
        if not isinstance(func, ast.Name | ast.Attribute):
            return False
        name = self.walk.qualified_name(func)
        if name is None:
            return False
        return name in self.config.handling_calls

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
        name = None
        if isinstance(receiver, ast.Name):
            name = receiver.id
        elif isinstance(receiver, ast.Attribute):
            name = receiver.attr
        if name is not None and (
            name in self.config.logger_names or name.lower().endswith(("logger", "_log"))
        ):
            return True
        if isinstance(receiver, ast.Name | ast.Attribute | ast.Call):
            return self.walk.qualified_name(receiver) in LOGGER_TYPES
        return False


def _is_error_status(value: ast.expr) -> bool:
    """`500`, `status.HTTP_400_BAD_REQUEST`, `HTTPStatus.NOT_FOUND`-style error statuses."""
    if isinstance(value, ast.Constant) and isinstance(value.value, int):
        return 400 <= value.value < 600
    if isinstance(value, ast.Attribute):
        attr = value.attr
        return attr.startswith(("HTTP_4", "HTTP_5")) or attr in {
            "BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT",
            "UNPROCESSABLE_ENTITY", "INTERNAL_SERVER_ERROR", "BAD_GATEWAY",
            "SERVICE_UNAVAILABLE", "GATEWAY_TIMEOUT",
        }  # fmt: skip
    return False


def _uses_caught(node: ast.ExceptHandler) -> bool:
    """The handler reads the exception it bound (`except Exception as e: return str(e)`)."""
    if not node.name:
        return False
    for child in node.body:
        for inner in ast.walk(child):
            if isinstance(inner, ast.Name) and inner.id == node.name:
                return isinstance(inner.ctx, ast.Load)
    return False


CHECK = BroadExcept
