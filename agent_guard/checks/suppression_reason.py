"""suppression-reason (AG109): an inline suppression without a reason.

## What it does
Reports an `# agent-guard: ignore[slug]` comment that does not say why the finding is
accepted, and one that names a check agent-guard does not know.

## Why is this bad?
A suppression turns a rule off for one line. Without a reason, the next reader (human or
agent) cannot tell a considered exception from a way to make the hook pass, and nobody can
review it. An unknown check name suppresses nothing and hides a typo.

## Example
```python
print(report)  # agent-guard: ignore[print-call]
```

## Fix
Say why after the brackets, on the same line:
```python
print(report)  # agent-guard: ignore[print-call] CLI output, this module is the report writer
```
Suppressions apply to the line of the finding (for function-level checks such as
`missing-annotation`, also the `def` line or its first decorator line). `ignore[a,b]` names
several checks; slugs (`print-call`) and codes (`AG102`) both work. A finding of severity
`escalate` cannot be suppressed inline: it needs an approver.
"""

from __future__ import annotations

from agent_guard.checks.options import Option

# Reported by the suppression stage (`agent_guard.verdict.suppressions.stage`), which reads every
# suppression comment; this module holds its documentation and (no) options.
OPTIONS: tuple[Option[object], ...] = ()
