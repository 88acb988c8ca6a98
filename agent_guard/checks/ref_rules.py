"""ref-rules (AG501): a force push to, or the deletion of, a protected ref needs an approver.

## What it does
On the server, flags a ref update that rewrites history (the old tip is not an ancestor of
the new one: `git push --force`, `git push origin HEAD~1:main`) on a ref listed in
`deny_force`, and the deletion of a ref listed in `deny_delete`. The repository's default
branch (what `HEAD` of the server repository names) is always protected against both.

## Why is this bad?
A rewind removes an approved change, or rolls the policy back, without any new commit to
judge; deleting the default branch leaves the server without the tree its policy is read
from. Both are decisions for a human. A force push to any other branch is allowed, and is
still judged from the old tip to the new one (a protected or policy path that differs
between the two tips needs approval).

## Example
```console
$ git push --force origin HEAD~1:main
refs/heads/main: this push rewrites the history of refs/heads/main (...): it needs an approver
```

## Fix
Push a revert commit instead of rewinding, or ask an approver to push the update.
Patterns are matched against the full ref name (`refs/heads/release/*`); a pattern without
`refs/` names a branch (`release/*` is `refs/heads/release/*`).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from agent_guard.checks.base import Context, RefUnit, Unit, make_finding
from agent_guard.checks.options import Kind, Option
from agent_guard.model import Finding

DENY_FORCE: Option[list[str]] = Option(
    "deny_force",
    Kind.STRINGS,
    [],
    "refs whose history may not be rewritten without an approver (besides the default branch)",
)
DENY_DELETE: Option[list[str]] = Option(
    "deny_delete",
    Kind.STRINGS,
    [],
    "refs that may not be deleted without an approver (besides the default branch)",
)
OPTIONS: tuple[Option[Any], ...] = (DENY_FORCE, DENY_DELETE)


def matches(ref: str, patterns: list[str]) -> bool:
    """Whether `ref` (a full name) matches one of `patterns` (see the Fix section)."""
    return any(
        fnmatchcase(ref, pattern if pattern.startswith("refs/") else "refs/heads/" + pattern)
        for pattern in patterns
    )


class RefRulesCheck:
    """The force and delete rules, on each ref update of a push."""

    unit = Unit.REF

    def run(self, unit: RefUnit, context: Context) -> list[Finding]:
        update = unit.update
        settings = context.settings
        where = "the default branch" if update.default_branch else "a protected ref"
        if update.deleted:
            if not (update.default_branch or matches(update.ref, DENY_DELETE.value(settings))):
                return []
            message = f"this push deletes {update.ref}, {where}: it needs an approver"
            fix = "keep the ref, or ask an approver to delete it"
        elif update.forced:
            if not (update.default_branch or matches(update.ref, DENY_FORCE.value(settings))):
                return []
            message = (
                f"this push rewrites the history of {update.ref}, {where} "
                f"({update.old[:12]} is not an ancestor of {update.new[:12]}): it needs an "
                "approver"
            )
            fix = "push a revert commit instead of rewinding, or ask an approver to push it"
        else:
            return []
        return [make_finding(settings, update.ref, 0, 0, message, fix)]


CHECK = RefRulesCheck()
