"""The catalog of checks as data: stable slug and code, family, default severity.

Codes are stable forever once released: a retired check keeps its code reserved.
The documentation of a check is the docstring of its module, `agent_guard.checks.<slug>`
(dashes become underscores); `agent-guard explain SLUG` prints it. Importing this module
does not import any check.
"""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import NamedTuple

from agent_guard.model import Severity


class Unit(StrEnum):
    """What a check reads. The order is the order the engine runs them in."""

    PATH = "path"  # one changed file of one commit (`FileUnit`): its paths and status
    PYTHON = "python"  # one changed Python file, parsed: the single walk (`checks.python`)
    CONTENT = "content"  # one changed blob's bytes and the lines the change added
    IMPORTS = "imports"  # the import graph of the whole change (`checks.architecture`)
    MESSAGE = "message"  # one commit's message (`MessageUnit`)
    REF = "ref"  # one ref update of a push (`RefUnit`)

    @property
    def line_filtered(self) -> bool:
        """True when a finding counts only on a line the change added (code checks): a
        path, content, message or ref finding is about the change itself."""
        return self in (Unit.PYTHON, Unit.IMPORTS)


class CheckInfo(NamedTuple):
    slug: str
    code: str
    family: str  # "path" | "python" | "architecture" | "secret" | "commit": how docs group it
    unit: Unit  # what the check reads; the engine groups checks by it
    default_severity: Severity
    summary: str
    module_name: str = ""  # where its CHECK and OPTIONS live; default: by slug

    @property
    def module(self) -> str:
        return self.module_name or "agent_guard.checks." + self.slug.replace("-", "_")


CHECKS: tuple[CheckInfo, ...] = (
    CheckInfo("protected-file", "AG001", "path", Unit.PATH, Severity.ESCALATE,
              "a change to a file the rules protect needs an approver"),
    CheckInfo("policy-change", "AG002", "path", Unit.PATH, Severity.ESCALATE,
              "a change to agent-guard's own policy needs an approver"),
    CheckInfo("mutable-default", "AG101", "python", Unit.PYTHON, Severity.WARNING,
              "a mutable value as a parameter default"),
    CheckInfo("print-call", "AG102", "python", Unit.PYTHON, Severity.ERROR,
              "print() in production code"),
    CheckInfo("broad-except", "AG103", "python", Unit.PYTHON, Severity.ERROR,
              "catching Exception without re-raising or logging"),
    CheckInfo("blocking-in-async", "AG104", "python", Unit.PYTHON, Severity.ERROR,
              "a blocking call inside an async function"),
    CheckInfo("async-without-await", "AG105", "python", Unit.PYTHON, Severity.WARNING,
              "an async function that never awaits"),
    CheckInfo("missing-annotation", "AG106", "python", Unit.PYTHON, Severity.WARNING,
              "a function without parameter or return annotations"),
    CheckInfo("logic-in-route", "AG107", "python", Unit.PYTHON, Severity.WARNING,
              "business logic inside a route handler"),
    CheckInfo("syntax-error", "AG108", "python", Unit.PYTHON, Severity.WARNING,
              "a changed Python file that does not parse"),
    CheckInfo("suppression-reason", "AG109", "python", Unit.PYTHON, Severity.WARNING,
              "an inline suppression without a reason"),
    CheckInfo("banned-code", "AG110", "python", Unit.PYTHON, Severity.WARNING,
              "code a rule of the project bans"),
    CheckInfo("docstring", "AG111", "python", Unit.PYTHON, Severity.WARNING,
              "a public class or function added without a docstring"),
    CheckInfo("boundary", "AG201", "architecture", Unit.IMPORTS, Severity.ERROR,
              "an import that crosses a forbidden component boundary"),
    CheckInfo("llm-writes", "AG202", "architecture", Unit.PYTHON, Severity.ERROR,
              "code of a read-only component that writes data"),
    CheckInfo("new-dependency", "AG203", "architecture", Unit.IMPORTS, Severity.WARNING,
              "a new third-party dependency without a justification"),
    CheckInfo("import-cycle", "AG204", "architecture", Unit.IMPORTS, Severity.WARNING,
              "an import that closes a cycle among first-party modules"),
    CheckInfo("secret", "AG301", "secret", Unit.CONTENT, Severity.ERROR,
              "a credential or secret committed to history"),
    CheckInfo("refactor-explained", "AG401", "commit", Unit.MESSAGE, Severity.ERROR,
              "a refactor commit whose message does not say what and why"),
    CheckInfo("ref-rules", "AG501", "commit", Unit.REF, Severity.ESCALATE,
              "a force push to, or the deletion of, a protected ref needs an approver"),
    CheckInfo("commit-message", "AG402", "commit", Unit.MESSAGE, Severity.ERROR,
              "a commit message that breaks the project's message rules"),
    CheckInfo("branch-protection", "AG403", "commit", Unit.REF, Severity.ERROR,
              "a push, force-push or deletion the rules forbid on a protected branch"),
)  # fmt: skip

BY_SLUG: dict[str, CheckInfo] = {info.slug: info for info in CHECKS}
BY_CODE: dict[str, CheckInfo] = {info.code: info for info in CHECKS}


def register(info: CheckInfo) -> None:
    """Add a check at run time (a plugin, or a test's throw-away check of any unit).

    Codes and slugs are unique: registering a taken one is a programming error.
    """
    if info.slug in BY_SLUG or info.code in BY_CODE:
        raise ValueError(f"check {info.slug} ({info.code}) is already registered")
    BY_SLUG[info.slug] = info
    BY_CODE[info.code] = info


def unregister(slug: str) -> None:
    """Remove a check registered at run time (built-in checks stay)."""
    info = BY_SLUG.pop(slug, None)
    if info is not None:
        BY_CODE.pop(info.code, None)


def lookup(name: str) -> CheckInfo | None:
    """Find a check by slug or code, case-insensitively."""
    return BY_SLUG.get(name.lower()) or BY_CODE.get(name.upper())


def documentation(info: CheckInfo) -> str:
    """The check's "What it does / Why is this bad / Example / Fix" text."""
    module = importlib.import_module(info.module)
    return (module.__doc__ or info.summary).strip()
