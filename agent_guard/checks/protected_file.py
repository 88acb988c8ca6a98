"""protected-file (AG001): a change to a file the rules protect needs an approver.

## What it does
Flags every change — add, modify, delete, rename from or to — of a path that matches a
protected pattern: one derived from the rule file ("You must always escalate before
modifying models.py or schemas.py" protects `**/models.py` and `**/schemas.py`) or listed
in the config under `escalation.protected`.

## Why is this bad
The rule file says a human decides these changes. An agent that edits `models.py` on its
own changes the database schema behind everyone's back; a rename or a deletion is the same
change by another name, so they are flagged too. In a push, every commit is judged on its
own: an approval belongs to a commit, and history keeps what a later commit reverts.

A protected module is protected in every form `import` loads it from: protecting
`app/models.py` also protects the package `app/models/` and everything in it, extension
modules (`app/models.abi3.so`, `app/models.cpython-312-x86_64-linux-gnu.so`,
`app/models.pyd`) and bytecode (`app/models.pyc`, `app/__pycache__/models.*.pyc`): each of
them, added next to the protected file, is what `import app.models` would run instead.

## Example
```diff
# app/models.py
 class User(Base):
+    is_admin = Column(Boolean, default=False)
```

## Fix
Ask an approver to review the change. They approve it with a commit trailer
`Escalation-Approved-By: Name <email>` (`agent-guard approve` writes it), or by pushing it
themselves to a server running the pre-receive hook. Otherwise, solve the problem without
touching the protected file.
"""

from __future__ import annotations

from dataclasses import replace

from agent_guard.changes.model import ChangedFile, Status
from agent_guard.checks.base import Context, FileUnit, Unit, make_finding
from agent_guard.checks.options import Option
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings, Policy

OPTIONS: tuple[Option[object], ...] = ()


class ProtectedFileCheck:
    """Each changed path against the protected patterns of the policy."""

    unit = Unit.PATH

    def run(self, unit: FileUnit, context: Context) -> list[Finding]:
        return check_file(unit.file, context.policy, context.settings, unit.commit)


CHECK = ProtectedFileCheck()

_VERBS = {
    Status.ADDED: "adds",
    Status.MODIFIED: "modifies",
    Status.DELETED: "deletes",
    Status.RENAMED: "renames",
    Status.COPIED: "copies to",
    Status.TYPE_CHANGED: "changes the type of",
}


def check_file(
    file: ChangedFile, policy: Policy, settings: CheckSettings, commit: str | None
) -> list[Finding]:
    """One finding per protected pattern this change touches (its first match per path)."""
    findings: list[Finding] = []
    for protected in policy.protected:
        hit = next((path for path in file.paths if protected.globs.matches(path)), None)
        if hit is None:
            continue
        verb = _VERBS[file.status]
        what = (
            f"renames {file.old_path} to {file.path}"
            if file.status is Status.RENAMED
            else f"{verb} {file.path}"
        )
        line = min(file.added_lines) if file.added_lines else 1
        how = (
            "which is protected"
            if _same_name(hit, protected.pattern)
            else "which Python would import in place of the module protected"
        )
        finding = make_finding(
            settings,
            file.path,
            line,
            1,
            f"this change {what}, {how} by `{protected.pattern}`: it needs an approver",
            "ask an approver to review and approve this change, "
            "or solve the problem without touching the protected file",
            commit=commit,
            extra=(("pattern", protected.pattern), ("protected_path", hit)),
        )
        findings.append(replace(finding, rule=protected.rule or settings.rule))
        break
    return findings


def _same_name(path: str, pattern: str) -> bool:
    """True when `path` is the file the pattern names (not another form of its module)."""
    name = pattern.rsplit("/", 1)[-1]
    return any(char in name for char in "*?[") or path.rsplit("/", 1)[-1] == name
