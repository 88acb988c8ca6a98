"""protected-file and policy-change, end to end on real repositories."""

from __future__ import annotations

import os
from collections.abc import Callable

from agent_guard.model import Severity
from agent_guard.verdict import Approvals
from tests.conftest import GitRepo
from tests.engine.helpers import MODELS_RULE, checks_of, judge, only


def _base(repo: GitRepo) -> str:
    repo.write("app/models.py", "class User:\n    pass\n")
    repo.write("app/main.py", "x = 1\n")
    repo.write("pyproject.toml", '[project]\nname = "demo"\n\n[tool.agent-guard]\nrules = []\n')
    return repo.commit("base")


def test_staged_edit_of_a_protected_file_escalates_citing_the_rule(repo: GitRepo) -> None:
    _base(repo)
    repo.write("app/models.py", "class User:\n    is_admin = True\n")
    repo.add()
    verdict = judge(repo)
    finding = only(verdict)
    assert (finding.check, finding.code, finding.severity) == (
        "protected-file",
        "AG001",
        Severity.ESCALATE,
    )
    assert finding.rule == MODELS_RULE
    assert finding.line == 2 and finding.source == "    is_admin = True"
    assert "**/models.py" in finding.message
    assert verdict.blocked
    assert verdict.summary() == "blocked: 1 escalation"


def test_unrelated_change_passes(repo: GitRepo) -> None:
    _base(repo)
    repo.write("app/main.py", "x = 2\n")
    repo.add()
    verdict = judge(repo)
    assert verdict.findings == () and not verdict.blocked
    assert verdict.summary() == "passed: no findings"


def test_rename_away_and_deletion_and_config_pattern(repo: GitRepo) -> None:
    _base(repo)
    repo.write("migrations/0001.sql", "create table x;\n")
    repo.commit("migration")
    repo.git("mv", "app/models.py", "app/entities.py")
    os.remove(repo.path / "migrations/0001.sql")
    repo.add()
    verdict = judge(repo)
    by_path = {f.path: f for f in verdict.findings}
    assert set(by_path) == {"app/entities.py", "migrations/0001.sql"}
    assert "renames app/models.py to app/entities.py" in by_path["app/entities.py"].message
    deleted = by_path["migrations/0001.sql"]
    assert "deletes" in deleted.message
    assert deleted.rule is not None  # falls back to the check's own rule
    assert deleted.source is None


def test_policy_files_escalate(repo: GitRepo) -> None:
    _base(repo)
    repo.write(".agent-guard.yaml", "checks: {}\n")
    repo.write(".cursor/rules/new.mdc", "---\n---\n<agent/>\n")
    repo.write(".agent-guard/allowed_signers", "lead ssh-ed25519 AAAA\n")
    repo.write(".pre-commit-config.yaml", "repos:\n- repo: local\n  hooks:\n  - id: guard\n"
               "    entry: agent-guard hook pre-commit\n    language: system\n")  # fmt: skip
    repo.add()
    verdict = judge(repo)
    assert sorted(checks_of(verdict)) == [
        ("policy-change", ".agent-guard.yaml"),
        ("policy-change", ".agent-guard/allowed_signers"),
        ("policy-change", ".cursor/rules/new.mdc"),
        ("policy-change", ".pre-commit-config.yaml"),
    ]


def test_pyproject_only_when_the_tool_table_changes(repo: GitRepo) -> None:
    _base(repo)
    repo.write("pyproject.toml", '[project]\nname = "renamed"\n\n[tool.agent-guard]\nrules = []\n')
    repo.add()
    assert judge(repo).findings == ()
    repo.write(
        "pyproject.toml", '[project]\nname = "renamed"\n\n[tool.agent-guard]\nrules = ["x"]\n'
    )
    repo.add()
    finding = only(judge(repo))
    assert finding.check == "policy-change" and "[tool.agent-guard]" in finding.message


def test_range_judges_per_commit_and_approvals_belong_to_commits(repo: GitRepo) -> None:
    base = _base(repo)
    repo.write("app/models.py", "class User:\n    a = 1\n")
    first = repo.commit("one")
    repo.write("app/models.py", "class User:\n    a = 1\n    b = 2\n")
    second = repo.commit("two")
    verdict = judge(repo, f"{base}..HEAD")
    assert sorted(f.commit or "" for f in verdict.findings) == sorted([first, second])
    assert verdict.blocked
    partly = judge(repo, f"{base}..HEAD", approvals=Approvals({first: "lead@example.com"}))
    assert partly.blocked
    approved = {f.commit: f for f in partly.findings}
    assert approved[first].approved and approved[first].approved_by == "lead@example.com"
    assert not approved[second].approved
    both = judge(repo, f"{base}..HEAD", approvals=Approvals(everything="lead"))
    assert not both.blocked
    assert both.summary() == "passed: 2 approved"


def test_a_protected_file_added_and_removed_in_a_range_is_still_judged(repo: GitRepo) -> None:
    base = _base(repo)
    repo.write("db/models.py", "x = 1\n")
    added = repo.commit("add")
    os.remove(repo.path / "db/models.py")
    removed = repo.commit("remove")
    verdict = judge(repo, f"{base}..HEAD")
    assert {f.path for f in verdict.findings} == {"db/models.py"}
    assert sorted(f.commit or "" for f in verdict.findings) == sorted([added, removed])


def test_sha256_repository_end_to_end(make_repo: Callable[..., GitRepo]) -> None:
    repo = make_repo("sha256", object_format="sha256")
    repo.write("app/models.py", "x = 1\n")
    repo.add()
    finding = only(judge(repo))  # first commit, against the sha256 empty tree
    assert finding.check == "protected-file" and finding.source == "x = 1"
