"""The text report, agent-guard's face: what broke, where, which rule, and what to do next.

    escalate  app/models.py:12:1  protected-file (AG001)  commit 1a2b3c4d
        12 | class User(Base):
      why   this change modifies app/models.py, which is protected by `**/models.py`: ...
      rule  "You must always escalate before modifying models.py or schemas.py."
            .cursor/rules/backend.mdc:19 (authority_boundaries/database_models)
      next  ask an approver to review and approve this change, ...
            approvers: lead, lead@example.com
            how: add the trailer `Escalation-Approved-By: Name <email>` to the commit
                 (`agent-guard approve` writes it), or have an approver push it

    blocked: 1 escalation, 2 errors, 1 warning

Coloured on a terminal (NO_COLOR respected); every name and message is escaped first.
"""

from __future__ import annotations

from typing import TextIO

from agent_guard.model import Finding, Severity
from agent_guard.report.escape import escape
from agent_guard.report.limits import shown
from agent_guard.verdict import Verdict

TRAILER = "Escalation-Approved-By: Name <email>"
_COLORS = {
    Severity.ESCALATE: "\x1b[1;35m",
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[33m",
    Severity.ADVISORY: "\x1b[2m",
}
_BOLD, _DIM, _GREEN, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[1;32m", "\x1b[0m"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.color else text


def write(verdict: Verdict, stream: TextIO, color: bool, *, verbose: bool = False) -> None:
    """Every finding that counts; suppressed ones and those in the baseline are counted in
    the summary and, with `verbose`, listed one line each (with the suppression's reason,
    or the finding's message)."""
    style = _Style(color)
    suppressed: list[Finding] = []
    baselined: list[Finding] = []
    listed = shown(verdict)
    for finding in listed.findings:
        if finding.suppressed:
            suppressed.append(finding)
            continue
        if finding.baselined:
            baselined.append(finding)
            continue
        stream.write("\n".join(_finding(finding, verdict, style)) + "\n\n")
    if verbose and suppressed:
        stream.write("suppressed inline:\n")
        for finding in suppressed:
            assert finding.suppression is not None
            reason = escape(finding.suppression.reason) or "(no reason given)"
            stream.write(f"  {_short(finding)}  {reason}\n")
        stream.write("\n")
    if verbose and baselined:
        stream.write("known, in the baseline:\n")
        for finding in baselined:
            stream.write(f"  {_short(finding)}  {escape(' '.join(finding.message.split()))}\n")
        stream.write("\n")
    if listed.summary():
        stream.write(f"{escape(listed.summary() or '')}\n")
    if verdict.note:
        stream.write(f"note: {escape(verdict.note)}\n")
    summary = verdict.summary()
    stream.write(style(_COLORS[Severity.ERROR] if verdict.blocked else _GREEN, summary) + "\n")


def _short(finding: Finding) -> str:
    where = f"{escape(finding.path)}:{finding.line}:{finding.column}"
    return f"{where}  {finding.check} ({finding.code})"


def _finding(finding: Finding, verdict: Verdict, style: _Style) -> list[str]:
    label = "approved" if finding.approved else finding.severity.value
    head = [
        style(_COLORS[finding.severity], f"{label:<9}"),
        style(_BOLD, f"{escape(finding.path)}:{finding.line}:{finding.column}"),
        f"{finding.check} ({finding.code})",
    ]
    if finding.commit:
        head.append(style(_DIM, f"commit {finding.commit[:12]}"))
    lines = ["  ".join(head)]
    if finding.source is not None:
        lines.append(style(_DIM, f"    {finding.line:>4} | ") + escape(finding.source.strip("\n")))
    lines.append(f"  why   {escape(finding.message)}")
    if finding.rule is not None:
        rule = finding.rule
        where = f"{escape(rule.file)}:{rule.line}"
        if rule.tag_path:
            where += f" ({escape(rule.tag_path)})"
        lines.append(f'  rule  "{escape(rule.text)}"')
        lines.append(f"        {style(_DIM, where)}")
    if finding.approved:
        lines.append(f"  ok    approved by {escape(finding.approved_by or 'an approver')}")
        return lines
    lines.append(f"  next  {escape(finding.fix)}")
    if finding.severity is Severity.ESCALATE:
        lines += _how_to_approve(finding, verdict)
    elif verdict.blocks(finding):
        lines.append(
            "        (an error cannot be approved: fix it, or suppress it inline with a reason)"
        )
    return lines


def _how_to_approve(finding: Finding, verdict: Verdict) -> list[str]:
    approvers = ", ".join(escape(name) for name in verdict.approvers)
    who = (
        f"approvers: {approvers}"
        if approvers
        else ("approvers: none configured (add `escalation.approvers` to .agent-guard.yaml)")
    )
    target = f"commit {finding.commit[:12]}" if finding.commit else "the commit"
    return [
        f"        {who}",
        f"        how: an approver adds the trailer `{TRAILER}` to {target}",
        "             (`agent-guard approve` writes it), or pushes the change themselves",
    ]
