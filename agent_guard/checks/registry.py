"""The catalog of checks as data: stable slug and code, family, default severity.

Codes are stable forever once released: a retired check keeps its code reserved.
The documentation of a check is the docstring of its module, `agent_guard.checks.<slug>`
(dashes become underscores); `agent-guard explain SLUG` prints it. Importing this module
does not import any check.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from agent_guard.model import Severity


@dataclass(frozen=True, slots=True)
class CheckInfo:
    slug: str
    code: str
    family: str  # "path" | "python" | "architecture" | "secret" | "commit"
    default_severity: Severity
    summary: str

    @property
    def module(self) -> str:
        return "agent_guard.checks." + self.slug.replace("-", "_")


CHECKS: tuple[CheckInfo, ...] = (
    CheckInfo("protected-file", "AG001", "path", Severity.ESCALATE,
              "a change to a file the rules protect needs an approver"),
    CheckInfo("policy-change", "AG002", "path", Severity.ESCALATE,
              "a change to agent-guard's own policy needs an approver"),
    CheckInfo("mutable-default", "AG101", "python", Severity.WARNING,
              "a mutable value as a parameter default"),
    CheckInfo("print-call", "AG102", "python", Severity.ERROR,
              "print() in production code"),
    CheckInfo("broad-except", "AG103", "python", Severity.ERROR,
              "catching Exception without re-raising or logging"),
    CheckInfo("blocking-in-async", "AG104", "python", Severity.ERROR,
              "a blocking call inside an async function"),
    CheckInfo("async-without-await", "AG105", "python", Severity.WARNING,
              "an async function that never awaits"),
    CheckInfo("missing-annotation", "AG106", "python", Severity.WARNING,
              "a function without parameter or return annotations"),
    CheckInfo("logic-in-route", "AG107", "python", Severity.WARNING,
              "business logic inside a route handler"),
    CheckInfo("syntax-error", "AG108", "python", Severity.WARNING,
              "a changed Python file that does not parse"),
    CheckInfo("suppression-reason", "AG109", "python", Severity.WARNING,
              "an inline suppression without a reason"),
    CheckInfo("boundary", "AG201", "architecture", Severity.ERROR,
              "an import that crosses a forbidden component boundary"),
    CheckInfo("llm-writes", "AG202", "architecture", Severity.ERROR,
              "code of a read-only component that writes data"),
    CheckInfo("new-dependency", "AG203", "architecture", Severity.WARNING,
              "a new third-party dependency without a justification"),
    CheckInfo("import-cycle", "AG204", "architecture", Severity.WARNING,
              "an import that closes a cycle among first-party modules"),
    CheckInfo("secret", "AG301", "secret", Severity.ERROR,
              "a credential or secret committed to history"),
    CheckInfo("refactor-explained", "AG401", "commit", Severity.ERROR,
              "a refactor commit whose message does not say what and why"),
)  # fmt: skip

BY_SLUG: dict[str, CheckInfo] = {info.slug: info for info in CHECKS}
BY_CODE: dict[str, CheckInfo] = {info.code: info for info in CHECKS}


def lookup(name: str) -> CheckInfo | None:
    """Find a check by slug or code, case-insensitively."""
    return BY_SLUG.get(name.lower()) or BY_CODE.get(name.upper())


def documentation(info: CheckInfo) -> str:
    """The check's "What it does / Why is this bad / Example / Fix" text."""
    module = importlib.import_module(info.module)
    return (module.__doc__ or info.summary).strip()
