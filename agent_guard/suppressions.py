"""Inline suppressions: `# agent-guard: ignore[slug] reason` accepts one finding, with a reason.

A suppression applies to findings on its own line; for a function-level finding (one with a
`scope`) also to the first line of that scope (the first decorator, or the `def`). It names
checks by slug or code (`ignore[print-call,AG103]`). The reason is mandatory: a suppression
without one still works, but is reported by `suppression-reason` so that a reviewer sees it.
Findings of severity `escalate` are never suppressed inline: they need an approver.

Cost: this runs on every file of every commit, and suppressions are rare. Text without
"agent-guard" costs one substring test; text where one regular expression finds a candidate
is tokenized, so that only real comments count (a docstring that shows a suppression is not
one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent_guard.checks.base import make_finding
from agent_guard.checks.registry import lookup
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import Policy

MARKER = "agent-guard"
_SUPPRESSION = re.compile(r"#\s*agent-guard\s*:\s*ignore\s*\[([^\]\n]*)\]([^\n]*)")
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One `ignore[...]` comment: where it is, which checks it names, and why."""

    line: int
    column: int
    checks: frozenset[str]  # slugs
    unknown: tuple[str, ...]  # names that are no known slug or code
    reason: str

    @property
    def has_reason(self) -> bool:
        return _WORD.search(self.reason) is not None


def find_suppressions(text: str) -> dict[int, Suppression]:
    """Every suppression comment in `text`, by 1-based line."""
    found: dict[int, Suppression] = {}
    if MARKER not in text or _SUPPRESSION.search(text) is None:
        return found
    for line, column, match in _comment_matches(text):
        checks: set[str] = set()
        unknown: list[str] = []
        for raw in match.group(1).split(","):
            name = raw.strip()
            if not name:
                continue
            info = lookup(name)
            if info is None:
                unknown.append(name)
            else:
                checks.add(info.slug)
        reason = match.group(2).strip().lstrip("-:—–").strip()
        found[line] = Suppression(line, column, frozenset(checks), tuple(unknown), reason)
    return found


def _comment_matches(text: str) -> list[tuple[int, int, re.Match[str]]]:
    """(line, column, match) of the suppressions in real comments, not in strings.

    `tokenize` is only run on text where the regular expression already found a candidate;
    if the text cannot be tokenized, every candidate line counts (the line scan)."""
    import io
    import tokenize

    matches: list[tuple[int, int, re.Match[str]]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                match = _SUPPRESSION.search(token.string)
                if match is not None:
                    row, col = token.start
                    matches.append((row, col + match.start() + 1, match))
    except (tokenize.TokenError, SyntaxError):
        matches.clear()
        for number, line in enumerate(text.splitlines(), start=1):
            match = _SUPPRESSION.search(line) if MARKER in line else None
            if match is not None:
                matches.append((number, match.start() + 1, match))
    return matches


def is_suppressed(finding: Finding, suppressions: dict[int, Suppression]) -> bool:
    """True when a suppression on the finding's line (or its scope's first line) names it."""
    if finding.severity is Severity.ESCALATE:
        return False
    lines = (finding.line,) if finding.scope is None else (finding.line, finding.scope[0])
    for line in lines:
        suppression = suppressions.get(line)
        if suppression is not None and finding.check in suppression.checks:
            return True
    return False


def apply_suppressions(
    findings: list[Finding], text: str, path: str, policy: Policy
) -> list[Finding]:
    """Drop suppressed findings; add a `suppression-reason` finding for each suppression
    without a reason or with an unknown check name (when that check is enabled)."""
    if MARKER not in text:
        return findings
    suppressions = find_suppressions(text)
    if not suppressions:
        return findings
    kept = [finding for finding in findings if not is_suppressed(finding, suppressions)]
    settings = policy.checks.get("suppression-reason")
    if settings is None or not settings.applies_to(path):
        return kept
    for suppression in suppressions.values():
        where = (path, suppression.line, suppression.column)
        if not suppression.has_reason:
            kept.append(
                make_finding(
                    settings, *where,
                    "an inline suppression without a reason",
                    "say why after the brackets: "
                    "`# agent-guard: ignore[check] <why this is acceptable here>`",
                )
            )  # fmt: skip
        for name in suppression.unknown:
            kept.append(
                make_finding(
                    settings, *where,
                    f"the suppression names an unknown check `{name}`",
                    "use a check's slug or code (`agent-guard explain` lists them)",
                )
            )  # fmt: skip
    return kept
