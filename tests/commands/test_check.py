"""`agent-guard check [PATH...]`: whole files, as `ruff check` reads them."""

from __future__ import annotations

import json

from tests.conftest import GitRepo
from tests.secrets import fakes

RULES = (
    "- Never use print() for debugging.\n"
    "- Never commit secrets or credentials.\n"
    "- You must escalate before modifying app/models.py.\n"
    "- Prefer the standard library; a new third-party dependency needs a reason.\n"
)


def _repo(repo: GitRepo) -> None:
    repo.write("AGENTS.md", RULES)
    repo.write("app/__init__.py", "")
    repo.write("app/models.py", "class User: ...\n")
    repo.write("app/report.py", "def show(rows):\n    print(rows)\n")
    repo.write("requirements.txt", "requests==2.32\n")
    repo.write("app/client.py", "import requests\n")
    repo.commit("legacy code, committed long ago")


def _findings(repo: GitRepo, *args: str) -> list[tuple[str, str, int]]:
    result = repo.cli("check", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return sorted((f["check"], f["path"], f["line"]) for f in report["findings"])


def test_committed_violations_are_found_on_every_line(repo: GitRepo) -> None:
    _repo(repo)
    assert _findings(repo) == [("print-call", "app/report.py", 2)]
    assert repo.cli("check").returncode == 1


def test_only_the_files_under_the_given_paths(repo: GitRepo) -> None:
    _repo(repo)
    repo.write("lib/tool.py", "print('hi')\n")  # untracked, not ignored: checked too
    assert [path for _, path, _ in _findings(repo, "lib")] == ["lib/tool.py"]
    assert _findings(repo, "app/models.py") == []


def test_ignored_files_and_the_change_checks_stay_out(repo: GitRepo) -> None:
    """A whole-file run judges content: no protected-file or policy-change escalation for
    simply existing, no "new" dependency in a list with nothing before it."""
    _repo(repo)
    repo.write(".gitignore", "build/\n")
    repo.write("build/out.py", "print('generated')\n")
    checks = {check for check, _, _ in _findings(repo)}
    assert checks == {"print-call"}


def test_secrets_anywhere_in_a_file_are_found(repo: GitRepo) -> None:
    _repo(repo)
    repo.write("deploy/env.sh", f"export GITHUB_TOKEN={fakes.github_token()}\n")
    assert ("secret", "deploy/env.sh", 1) in _findings(repo)


def test_a_path_outside_the_repository_is_one_clear_error(repo: GitRepo) -> None:
    _repo(repo)
    result = repo.cli("check", "/")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(f"/: outside the repository ({repo.path.resolve()})")
    assert "Traceback" not in result.stderr


def test_a_clean_tree_passes(repo: GitRepo) -> None:
    repo.write("AGENTS.md", RULES)
    repo.write("app/ok.py", "import logging\nlog = logging.getLogger(__name__)\n")
    repo.commit("clean")
    result = repo.cli("check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("passed: no findings")
