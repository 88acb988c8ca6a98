"""The concise report: one line per finding, as `ruff check --output-format concise` prints.

    app/service.py:4:5: AG102 [print-call] `print()` call: log instead ...
    app/models.py:12:1: AG001 [protected-file] this change modifies ... (approved by lead)
    blocked: 1 error

For editors' problem matchers, grep and people who know what every check means; the text
report explains (rule, fix, approvers). Everything is escaped, so each finding is one line.
"""

from __future__ import annotations

from typing import TextIO

from agent_guard.model import Finding
from agent_guard.report.escape import escape
from agent_guard.report.limits import shown
from agent_guard.verdict import Verdict


def line(finding: Finding) -> str:
    """`path:line:col: CODE [slug] message`, with the approver or commit when there is one."""
    text = f"{escape(finding.path)}:{finding.line}:{finding.column}: "
    text += f"{finding.code} [{finding.check}] {escape(' '.join(finding.message.split()))}"
    if finding.approved:
        text += f" (approved by {escape(finding.approved_by or 'an approver')})"
    elif finding.suppressed and finding.suppression is not None:
        text += f" (suppressed: {escape(finding.suppression.reason) or 'no reason given'})"
    elif finding.baselined:
        text += " (in the baseline)"
    elif finding.commit:
        text += f" (commit {finding.commit[:12]})"
    return text


def write(verdict: Verdict, stream: TextIO, color: bool, *, verbose: bool = False) -> None:
    """A line per finding; suppressed and baselined ones are counted, listed with `verbose`."""
    listed = shown(verdict)
    for finding in listed.findings:
        if (finding.suppressed or finding.baselined) and not verbose:
            continue
        stream.write(line(finding) + "\n")
    if listed.summary():
        stream.write(f"{escape(listed.summary() or '')}\n")
    if verdict.note:
        stream.write(f"note: {escape(verdict.note)}\n")
    stream.write(verdict.summary() + "\n")
