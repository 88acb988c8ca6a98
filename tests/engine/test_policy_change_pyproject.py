"""pyproject.toml is policy only through its [tool.agent-guard] table, even as the config."""

from __future__ import annotations

import json

from tests.conftest import SEED_RULE_FILE, GitRepo

PYPROJECT = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n'
TABLE = '\n[tool.agent-guard]\nescalation = {approvers = ["lead"]}\n'


def _checks(repo: GitRepo) -> list[str]:
    result = repo.agent_guard("diff", "--staged", "--format", "json")
    return [finding["check"] for finding in json.loads(result.stdout)["findings"]]


def test_other_tables_of_a_pyproject_config_are_not_policy(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_bytes())
    repo.write("pyproject.toml", PYPROJECT + TABLE)
    repo.commit("project with its agent-guard table")
    repo.write("pyproject.toml", PYPROJECT.replace("100", "120") + TABLE)
    repo.add()
    assert "policy-change" not in _checks(repo)


def test_the_agent_guard_table_of_pyproject_is_policy(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_bytes())
    repo.write("pyproject.toml", PYPROJECT + TABLE)
    repo.commit("project with its agent-guard table")
    repo.write("pyproject.toml", PYPROJECT + TABLE.replace('"lead"', '"lead", "agent"'))
    repo.add()
    assert "policy-change" in _checks(repo)
