"""The JSON report: a stable contract for tools (see docs/reports.md).

Kept fields: verdict, findings[].{check, code, severity, path, line, column, commit,
message, fix, approved, rule{file, line, text}}, and (added) suppressed, suppression{reason,
line, honoured}: a suppressed finding is listed, with `blocks` false; (added) baselined, on
each finding and in all: a finding the baseline records, listed, `blocks` false; and
(added) omitted{count, by_path}: the findings over the report's limits (`report.limits`),
counted but not listed.
Others may be added, never removed.
Names that are not UTF-8 are given with `\\xNN` escapes for the bytes that are not.
"""

from __future__ import annotations

import json
from typing import TextIO

from agent_guard.model import Finding
from agent_guard.report.limits import shown
from agent_guard.verdict import Verdict


def display_path(path: str) -> str:
    """A path as valid Unicode: undecodable bytes (surrogates) become `\\xNN`."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def finding_dict(finding: Finding) -> dict[str, object]:
    rule = finding.rule
    return {
        "check": finding.check,
        "code": finding.code,
        "severity": finding.severity.value,
        "path": display_path(finding.path),
        "line": finding.line,
        "column": finding.column,
        "commit": finding.commit,
        "message": display_path(finding.message),
        "fix": finding.fix,
        "approved": finding.approved,
        "approved_by": finding.approved_by,
        "rule": None
        if rule is None
        else {"file": rule.file, "line": rule.line, "text": rule.text, "tag_path": rule.tag_path},
        "source": None if finding.source is None else display_path(finding.source),
        "scope": list(finding.scope) if finding.scope else None,
        "blocks": None,  # filled by `report`
        "extra": {key: display_path(value) for key, value in finding.extra},
        "suppressed": finding.suppressed,
        "baselined": finding.baselined,
        "suppression": None
        if finding.suppression is None
        else {
            "reason": display_path(finding.suppression.reason),
            "line": finding.suppression.line,
            "honoured": finding.suppression.honoured,
        },
    }


def report(verdict: Verdict) -> dict[str, object]:
    findings = []
    listed = shown(verdict)
    for finding in listed.findings:
        item = finding_dict(finding)
        item["blocks"] = verdict.blocks(finding)
        findings.append(item)
    return {
        "verdict": "blocked" if verdict.blocked else "passed",
        "summary": verdict.summary(),
        "counts": {severity.value: count for severity, count in verdict.counts.items()},
        "suppressed": verdict.suppressed,
        "baselined": verdict.baselined,
        "fail_on": verdict.fail_on.value,
        "approvers": list(verdict.approvers),
        "note": verdict.note,
        "findings": findings,
        # (added) what the report left out (`report.limits`): the counts above include it
        "omitted": {"count": listed.omitted, "by_path": listed.omitted_by_path},
    }


def write(verdict: Verdict, stream: TextIO, color: bool) -> None:
    json.dump(report(verdict), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
