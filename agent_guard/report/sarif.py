"""The SARIF 2.1.0 report, for code-scanning upload (e.g. GitHub's upload-sarif action).

One run; the driver lists every check of the registry as a rule (id = code, name = slug).
`escalate` and `error` map to level "error", `warning` to "warning", `advisory` to "note";
the agent-guard severity, commit and rule quote travel in `properties`. An approved
escalation carries an accepted external suppression, and so does a finding the baseline
records (with `baselineState: unchanged`). Paths are relative URIs against
%SRCROOT%, percent-encoded (a name with spaces or non-UTF-8 bytes stays a valid URI), never
empty: a commit-message finding is located on COMMIT_EDITMSG (`report.location`).

The log is valid against the final SARIF 2.1.0 schema (OASIS Standard, errata 01) and
passes Microsoft's SARIF Multitool `validate` with no error and no warning (both in tests).
"""

from __future__ import annotations

import json
from typing import TextIO
from urllib.parse import quote

from agent_guard import HOMEPAGE, __version__
from agent_guard.checks.registry import CHECKS
from agent_guard.model import Finding, Severity
from agent_guard.report import location
from agent_guard.report.limits import shown
from agent_guard.verdict import Verdict

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {
    Severity.ESCALATE: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.ADVISORY: "note",
}
_RULE_INDEX = {info.code: index for index, info in enumerate(CHECKS)}


def uri(path: str) -> str:
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _result(finding: Finding) -> dict[str, object]:
    path = uri(location(finding))
    text = finding.message
    if finding.rule is not None:
        text += f'\nRule ({finding.rule.file}:{finding.rule.line}): "{finding.rule.text}"'
    text += f"\nNext: {finding.fix}"
    region: dict[str, object] = {
        "startLine": max(finding.line, 1),
        "startColumn": max(finding.column, 1),
    }
    if finding.source is not None:
        region["snippet"] = {"text": finding.source}
    properties: dict[str, object] = {"severity": finding.severity.value, "check": finding.check}
    if finding.commit:
        properties["commit"] = finding.commit
    if finding.rule is not None:
        properties["rule"] = {
            "file": finding.rule.file,
            "line": finding.rule.line,
            "text": finding.rule.text,
        }
    result: dict[str, object] = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {
            "agentGuard/v1": f"{finding.code}:{uri(finding.path)}:{finding.line}",
        },
        "properties": properties,
    }
    if finding.code in _RULE_INDEX:
        result["ruleIndex"] = _RULE_INDEX[finding.code]
    if finding.suppressed and finding.suppression is not None:
        result["suppressions"] = [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": finding.suppression.reason or "no reason given",
            }
        ]
    elif finding.baselined:
        result["baselineState"] = "unchanged"
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": "a known finding, recorded in the baseline "
                "(.agent-guard-baseline.json)",
            }
        ]
    elif finding.approved:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"escalation approved by {finding.approved_by or 'an approver'}",
            }
        ]
    return result


def report(verdict: Verdict) -> dict[str, object]:
    rules = [
        {
            "id": info.code,
            "name": info.slug,
            "shortDescription": {"text": info.summary},
            "defaultConfiguration": {"level": _LEVEL[info.default_severity]},
            "properties": {"family": info.family, "severity": info.default_severity.value},
        }
        for info in CHECKS
    ]
    listed = shown(verdict)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "agent-guard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(finding) for finding in listed.findings],
                "properties": {
                    "verdict": "blocked" if verdict.blocked else "passed",
                    **({"omitted": listed.omitted} if listed.omitted else {}),
                },
            }
        ],
    }


def write(verdict: Verdict, stream: TextIO, color: bool) -> None:
    json.dump(report(verdict), stream, indent=2, ensure_ascii=True)
    stream.write("\n")
