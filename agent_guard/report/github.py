"""GitHub Actions workflow commands: one annotation per finding, then the summary line.

    ::error file=app/models.py,line=12,col=1,title=AG001 protected-file::this change ...

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`,
CR and LF become %25, %0D, %0A; in properties `:` and `,` are escaped too (%3A, %2C).
escalate/error -> `::error`, warning -> `::warning`, advisory and approved -> `::notice`.
"""

from __future__ import annotations

from typing import TextIO

from agent_guard.model import Finding, Severity
from agent_guard.report.escape import escape
from agent_guard.report.limits import shown
from agent_guard.verdict import Verdict

_COMMAND = {
    Severity.ESCALATE: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.ADVISORY: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _message(finding: Finding) -> str:
    parts = [f"[{finding.severity.value}] {escape(finding.message)}"]
    if finding.rule is not None:
        rule = finding.rule
        parts.append(f'Rule ({escape(rule.file)}:{rule.line}): "{escape(rule.text)}"')
    if finding.approved:
        parts.append(f"Approved by {escape(finding.approved_by or 'an approver')}.")
    elif finding.suppressed and finding.suppression is not None:
        reason = finding.suppression.reason or "no reason given"
        parts.append(f"Suppressed inline: {escape(reason)}")
    else:
        parts.append(f"Next: {escape(finding.fix)}")
    if finding.commit:
        parts.append(f"Commit {finding.commit[:12]}")
    return "\n".join(parts)


def write(verdict: Verdict, stream: TextIO, color: bool) -> None:
    listed = shown(verdict)
    for finding in listed.findings:
        command = "notice" if finding.approved or finding.suppressed else _COMMAND[finding.severity]
        properties = ",".join(
            f"{key}={escape_property(value)}"
            for key, value in (
                ("file", escape(finding.path)),
                ("line", str(max(finding.line, 1))),
                ("col", str(max(finding.column, 1))),
                ("title", f"{finding.code} {finding.check}"),
            )
        )
        stream.write(f"::{command} {properties}::{escape_data(_message(finding))}\n")
    if listed.summary():
        stream.write(f"::warning::{escape_data(listed.summary() or '')}\n")
    stream.write(f"agent-guard {verdict.summary()}\n")
