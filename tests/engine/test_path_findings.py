"""Path findings: pyproject.toml is policy only through its table; quoting the added line."""

from __future__ import annotations

import json

from tests.conftest import SEED_RULE_FILE, GitRepo

PYPROJECT = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n'
TABLE = '\n[tool.agent-guard]\nescalation = {approvers = ["lead"]}\n'


def _checks(repo: GitRepo) -> list[str]:
    result = repo.cli("diff", "--staged", "--format", "json")
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


def test_a_protected_file_finding_quotes_the_first_added_line_with_text(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_bytes())
    repo.write("app/models.py", "class User:\n    name: str\n")
    repo.commit("project")
    repo.write("app/models.py", "class User:\n    name: str\n\n\nclass Coupon:\n    code: str\n")
    repo.add()
    result = repo.cli("diff", "--staged", "--format", "json")
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["path"] == "app/models.py"]
    assert finding["check"] == "protected-file"
    assert finding["line"] == 5
    assert finding["source"] == "class Coupon:"
