"""GitHub Actions workflow commands: one annotation per finding, then the summary line.

    ::error file=app/models.py,line=12,col=1,title=AG001 protected-file::this change ...

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`,
CR and LF become %25, %0D, %0A; in properties `:` and `,` are escaped too (%3A, %2C).
escalate/error -> `::error`, warning -> `::warning`, advisory and approved -> `::notice`.
Every annotation names a file: a commit-message finding is shown on COMMIT_EDITMSG.

In Actions (`GITHUB_ACTIONS=true`), the verdict and a table of the findings are also
appended to the job summary (`$GITHUB_STEP_SUMMARY`, Markdown), so a blocked run says why
on the run's page. Only this format writes it: a run can hold several agent-guard steps,
and each one that asks for GitHub output gets its own section.
"""

from __future__ import annotations

import html
import logging
import os
import re
from typing import TextIO

from agent_guard.model import Finding, Severity
from agent_guard.report import location
from agent_guard.report.escape import escape
from agent_guard.report.limits import shown
from agent_guard.verdict import Verdict

log = logging.getLogger(__name__)
SUMMARY_ROWS = 100  # findings listed in the job summary; the rest are counted

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
        if finding.baselined:  # legacy code: counted in the summary, not annotated
            continue
        command = "notice" if finding.approved or finding.suppressed else _COMMAND[finding.severity]
        properties = ",".join(
            f"{key}={escape_property(value)}"
            for key, value in (
                ("file", escape(location(finding))),
                ("line", str(max(finding.line, 1))),
                ("col", str(max(finding.column, 1))),
                ("title", f"{finding.code} {finding.check}"),
            )
        )
        stream.write(f"::{command} {properties}::{escape_data(_message(finding))}\n")
    if listed.summary():
        stream.write(f"::warning::{escape_data(listed.summary() or '')}\n")
    stream.write(f"agent-guard {verdict.summary()}\n")
    write_job_summary(verdict)


def _cell(text: str) -> str:
    """Text for one Markdown table cell: no HTML, no markup, no line break, no `|`."""
    text = html.escape(escape(text), quote=False)
    return re.sub(r"([\\`*_\[\]|#~!])", r"\\\1", text)


def job_summary(verdict: Verdict) -> str:
    """The Markdown section for the job summary: the verdict, then one row per finding."""
    lines = [f"### agent-guard: {verdict.summary()}", ""]
    rows = [finding for finding in verdict.findings if not finding.baselined]
    if rows:
        lines += ["| severity | where | check | what |", "|---|---|---|---|"]
        for finding in rows[:SUMMARY_ROWS]:
            label = "approved" if finding.approved else finding.severity.value
            where = f"{location(finding)}:{max(finding.line, 1)}"
            if finding.commit:
                where += f" (commit {finding.commit[:12]})"
            check = f"{finding.check} ({finding.code})"
            cells = (label, where, check, finding.message)
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        if len(rows) > SUMMARY_ROWS:
            lines += ["", f"... and {len(rows) - SUMMARY_ROWS} more findings"]
    return "\n".join(lines) + "\n\n"


def write_job_summary(verdict: Verdict) -> None:
    """Append `job_summary` to `$GITHUB_STEP_SUMMARY` when running in GitHub Actions."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if os.environ.get("GITHUB_ACTIONS") != "true" or not path:
        return
    try:
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as summary:
            summary.write(job_summary(verdict))
    except OSError as error:  # the annotations are out already: a summary is a nicety
        log.warning("cannot write the job summary to %s: %s", path, error.strerror)
