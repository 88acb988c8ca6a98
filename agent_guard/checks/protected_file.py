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

A rule that names `models.py` means the module `models`, in every form `import` loads it
from: protecting `app/models.py` also protects the package `app/models/` and every file in
it (an app whose models live in `app/models/__init__.py`, `app/models/user.py` ... is
protected as well), extension modules (`app/models.abi3.so`,
`app/models.cpython-312-x86_64-linux-gnu.so`, `app/models.pyd`) and bytecode
(`app/models.pyc`, `app/__pycache__/models.*.pyc`): each of them is what `import
app.models` would run. A bare name is protected wherever the rule file's place puts it:
everywhere for a top-level rule file, under `backend/` for `backend/AGENTS.md`.
`agent-guard rules` lists the files each pattern matches in the tree.

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
        finding = make_finding(
            settings,
            file.path,
            line,
            1,
            f"this change {what}, {_how(hit, protected.pattern)}: it needs an approver",
            "ask an approver to review and approve this change, "
            "or solve the problem without touching the protected file",
            commit=commit,
            extra=(("pattern", protected.pattern), ("protected_path", hit)),
        )
        findings.append(finding._replace(rule=protected.rule or settings.rule))
        break
    return findings


def _how(path: str, pattern: str) -> str:
    """Why `path` is protected by `pattern`: it is the file named, a file of the package that
    is the module named (`app/models/` for `models.py`), or another form of that module."""
    name = pattern.rsplit("/", 1)[-1]
    if any(char in name for char in "*?[") or path.rsplit("/", 1)[-1] == name:
        return f"which is protected by `{pattern}`"
    package = name.removesuffix(".py")
    head, found, _ = ("/" + path).partition(f"/{package}/")
    if found and name.endswith(".py"):
        folder = f"{head}/{package}/".lstrip("/")
        return f"which is in {folder}, the package form of the module protected by `{pattern}`"
    return f"which Python would import in place of the module protected by `{pattern}`"
