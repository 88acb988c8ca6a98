"""policy-change covers what changes agent-guard's behaviour, and nothing else (issue 15).

Real repositories, the real policy loader (`rules:` discovery) and `agent-guard diff`.
"""

from __future__ import annotations

import json

import pytest

from agent_guard.verdict.baseline import dumps
from tests.conftest import GitRepo

CONFIG = 'rules: [".cursor/rules/*.mdc"]\n'
RULES = "---\ndescription: backend\nalwaysApply: true\n---\nNever commit secrets.\n"
OTHER_TOOLS = """\
repos:
- repo: https://example.invalid/ruff-pre-commit
  rev: v0.5.0
  hooks:
  - id: ruff
"""
WITH_GUARD = (
    OTHER_TOOLS
    + """\
- repo: https://example.invalid/agent-guard
  rev: v1.0.0
  hooks:
  - id: agent-guard
  - id: agent-guard-commit-msg
    stages: [commit-msg]
"""
)
LOCAL_GUARD = (
    OTHER_TOOLS
    + """\
- repo: local
  hooks:
  - id: lint-docs
    name: docs
    entry: make docs
    language: system
  - id: guard
    name: guard
    entry: python -m agent_guard hook pre-commit
    language: system
"""
)


def base(repo: GitRepo, files: dict[str, str]) -> None:
    repo.write(".agent-guard.yaml", CONFIG)
    repo.write(".cursor/rules/backend.mdc", RULES)
    repo.write("app.py", "x = 1\n")
    for path, text in files.items():
        repo.write(path, text)
    repo.commit("base")


def policy_paths(repo: GitRepo, target: str = "HEAD^..HEAD") -> list[str]:
    result = repo.cli("diff", target, "--format", "json", "--no-color")
    assert result.returncode in (0, 1), result.stderr
    findings = json.loads(result.stdout)["findings"]
    return sorted(f["path"] for f in findings if f["check"] == "policy-change")


def change(repo: GitRepo, path: str, text: str | None) -> None:
    if text is None:
        repo.git("rm", "-q", path)
    else:
        repo.write(path, text)
    repo.commit(f"edit {path}")


def test_a_rule_file_outside_rules_is_not_policy(repo: GitRepo) -> None:
    base(repo, {"AGENTS.md": "# Agents\n\nRun the tests.\n"})
    change(repo, "AGENTS.md", "# Agents\n\nRun the tests first.\n")
    assert policy_paths(repo) == []


def test_the_active_rule_file_and_a_new_one_rules_would_read_are_policy(repo: GitRepo) -> None:
    base(repo, {})
    change(repo, ".cursor/rules/backend.mdc", RULES + "Never print.\n")
    assert policy_paths(repo) == [".cursor/rules/backend.mdc"]
    change(repo, ".cursor/rules/frontend.mdc", RULES)
    assert policy_paths(repo) == [".cursor/rules/frontend.mdc"]


def test_without_rules_the_default_discovery_decides(repo: GitRepo) -> None:
    repo.write(".agent-guard.yaml", "checks: {}\n")
    repo.write("AGENTS.md", "# Agents\n\nNever commit secrets.\n")
    repo.commit("base")
    change(repo, "AGENTS.md", "# Agents\n\nNever commit secrets or keys.\n")
    assert policy_paths(repo) == ["AGENTS.md"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (OTHER_TOOLS, OTHER_TOOLS.replace("v0.5.0", "v0.6.0")),  # no agent-guard at all
        (WITH_GUARD, WITH_GUARD.replace("v0.5.0", "v0.6.0")),  # another tool's rev
        (LOCAL_GUARD, LOCAL_GUARD.replace("make docs", "make html")),  # another local hook
        (WITH_GUARD, WITH_GUARD.replace("- id: ruff\n", "- id: ruff\n  - id: ruff-format\n")),
    ],
    ids=["no-guard", "other-rev", "other-local-hook", "other-hook-added"],
)
def test_other_edits_of_the_pre_commit_config_are_not_policy(
    repo: GitRepo, before: str, after: str
) -> None:
    base(repo, {".pre-commit-config.yaml": before})
    change(repo, ".pre-commit-config.yaml", after)
    assert policy_paths(repo) == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (WITH_GUARD, WITH_GUARD.replace("v1.0.0", "v0.9.0")),  # agent-guard's rev
        (WITH_GUARD, OTHER_TOOLS),  # the hook entry deleted
        (WITH_GUARD, WITH_GUARD.replace("stages: [commit-msg]", "stages: [manual]")),
        (
            WITH_GUARD,
            WITH_GUARD.replace(
                "  - id: agent-guard\n", "  - id: agent-guard\n    args: [--ignore=ALL]\n"
            ),
        ),
        (LOCAL_GUARD, LOCAL_GUARD.replace("hook pre-commit", "--version")),  # the local entry
        (WITH_GUARD, "exclude: '.*'\n" + WITH_GUARD),  # every file excluded from every hook
        (OTHER_TOOLS, WITH_GUARD),  # adding it (a new policy is a policy change too)
        (WITH_GUARD, None),  # the file deleted
        (WITH_GUARD, WITH_GUARD + "  - id: [broken\n"),  # unparsable: fail closed
    ],
    ids=[
        "rev",
        "deleted-hook",
        "stages",
        "args",
        "local-entry",
        "exclude",
        "added",
        "file-deleted",
        "unparsable",
    ],
)
def test_agent_guard_lines_of_the_pre_commit_config_are_policy(
    repo: GitRepo, before: str, after: str | None
) -> None:
    base(repo, {".pre-commit-config.yaml": before})
    change(repo, ".pre-commit-config.yaml", after)
    assert policy_paths(repo) == [".pre-commit-config.yaml"]


def test_the_baseline_and_configured_signers_are_policy(repo: GitRepo) -> None:
    config = CONFIG + "escalation:\n  allowed_signers: [ops/signers]\n"
    base(repo, {".agent-guard.yaml": config, "ops/signers": "lead ssh-ed25519 AAAA\n"})
    change(repo, ".agent-guard-baseline.json", dumps([]))  # an empty, valid baseline
    assert policy_paths(repo) == [".agent-guard-baseline.json"]
    change(repo, "ops/signers", "lead ssh-ed25519 BBBB\n")
    assert policy_paths(repo) == ["ops/signers"]
    change(repo, "ops/other", "x\n")
    assert policy_paths(repo) == []
