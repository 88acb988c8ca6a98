"""policy-change (AG002): a change to agent-guard's own policy needs an approver.

## What it does
Flags every change to the files that decide what agent-guard enforces: the rule files, the
config (`.agent-guard.yaml`, or the `[tool.agent-guard]` table of `pyproject.toml` — other
edits of `pyproject.toml` are not flagged), `.pre-commit-config.yaml` (which runs the hook)
and anything under `.agent-guard/` (e.g. the allowed signers of approvers).

## Why is this bad
An agent that may edit its own rules is not bound by them: deleting a line of the rule
file, excluding a folder in the config or removing the hook from `.pre-commit-config.yaml`
would silently switch a check off. On the server, a push is judged by the policy at the tip
of the ref being updated, not by the pushed one, so a loosened policy never judges itself.

## Example
```diff
# .agent-guard.yaml
 checks:
-  print-call: {severity: error}
+  print-call: {enabled: false}
```

## Fix
Policy changes are for humans: ask an approver to review and approve the change with a
commit trailer `Escalation-Approved-By: Name <email>` (`agent-guard approve` writes it).
"""

from __future__ import annotations

from collections.abc import Callable

from agent_guard.changes.model import ChangedFile
from agent_guard.checks.base import Context, FileUnit, Unit, make_finding
from agent_guard.checks.options import Option
from agent_guard.model import Finding
from agent_guard.policy.load import is_rule_file_path
from agent_guard.policy.model import CheckSettings, Policy

OPTIONS: tuple[Option[object], ...] = ()

CONFIG_FILES = (".agent-guard.yaml", ".agent-guard.yml", ".pre-commit-config.yaml")
POLICY_DIR = ".agent-guard/"
PYPROJECT = "pyproject.toml"

BlobReader = Callable[[str], bytes]


def is_policy_path(path: str, policy: Policy) -> bool:
    """True for a file that is (or would become) part of the policy; pyproject.toml aside."""
    if path == PYPROJECT:
        return False  # only its [tool.agent-guard] table is policy: see check_file
    if path in CONFIG_FILES or path.startswith(POLICY_DIR):
        return True
    if is_rule_file_path(path):  # a new rule file wherever discovery would read it
        return True
    if path == policy.config_path or any(rule_file.path == path for rule_file in policy.rule_files):
        return True
    return bool(policy.policy_files) and policy.policy_files.matches(path)


def _tool_table(data: bytes | None) -> object:
    """The `[tool.agent-guard]` table of a pyproject.toml blob (None when absent).

    A file that does not parse yields its raw bytes when it mentions agent-guard, so a
    broken file never hides a change (fail closed).
    """
    if data is None:
        return None
    import tomllib

    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return data if b"agent-guard" in data else None
    tool = document.get("tool")
    return tool.get("agent-guard") if isinstance(tool, dict) else None


def check_file(
    file: ChangedFile,
    policy: Policy,
    settings: CheckSettings,
    read_blob: BlobReader,
    commit: str | None,
) -> Finding | None:
    """A finding when `file` changes the policy; pyproject.toml only if its table changed."""
    hit = next((path for path in file.paths if is_policy_path(path, policy)), None)
    what = "agent-guard's policy"
    if hit is None and PYPROJECT in file.paths:
        old = read_blob(file.old_oid) if file.old_oid and not file.is_submodule else None
        new = read_blob(file.new_oid) if file.new_oid and not file.is_submodule else None
        if _tool_table(old) == _tool_table(new):
            return None
        hit, what = PYPROJECT, "the [tool.agent-guard] table of pyproject.toml"
    if hit is None:
        return None
    line = min(file.added_lines) if file.added_lines else 1
    return make_finding(
        settings,
        file.path,
        line,
        1,
        f"this change {file.status} {hit}, part of {what}: an agent must not change "
        "the rules it is judged by",
        "ask an approver to review and approve this policy change",
        commit=commit,
        extra=(("policy_path", hit),),
    )


class PolicyChangeCheck:
    """Each changed path: is it (or does it become) part of agent-guard's policy?"""

    unit = Unit.PATH

    def run(self, unit: FileUnit, context: Context) -> list[Finding]:
        read = context.objects.read_blob
        found = check_file(unit.file, context.policy, context.settings, read, unit.commit)
        return [found] if found is not None else []


CHECK = PolicyChangeCheck()
