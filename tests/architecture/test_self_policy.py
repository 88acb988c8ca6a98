"""agent-guard's own policy on a copy of its own source: only the git runner starts processes.

AGENTS.md says "Modules never import subprocess directly"; `.agent-guard.yaml` maps
`modules` to every file of the package but `agent_guard/changes/git.py`. The test copies
the package and the policy into a fresh repository, commits an import of `subprocess` in
another module and in the runner itself, and runs `agent-guard diff` on the range.
"""

from __future__ import annotations

import ast
import json
import shutil
from collections.abc import Callable

from tests.conftest import ROOT, GitRepo

FUTURE = "from __future__ import annotations\n"


def copy_of_agent_guard(make_repo: Callable[..., GitRepo]) -> GitRepo:
    copy = make_repo("agent-guard-copy")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "agent_guard", copy.path / "agent_guard", ignore=ignore)
    for name in ("AGENTS.md", ".agent-guard.yaml", "pyproject.toml"):
        shutil.copy(ROOT / name, copy.path / name)
    copy.commit("agent-guard's source")
    return copy


def add_import(copy: GitRepo, path: str, statement: str) -> None:
    target = copy.path / path
    text = target.read_text(encoding="utf-8")
    assert FUTURE in text
    target.write_text(text.replace(FUTURE, f"{FUTURE}\n{statement}\n", 1), encoding="utf-8")


def boundary_findings(copy: GitRepo) -> list[dict[str, object]]:
    result = copy.agent_guard("diff", "HEAD~1..HEAD", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return [finding for finding in findings if finding["check"] == "boundary"]


def test_importing_subprocess_outside_the_git_runner_is_a_boundary_finding(
    make_repo: Callable[..., GitRepo],
) -> None:
    copy = copy_of_agent_guard(make_repo)
    add_import(copy, "agent_guard/hooks.py", "import subprocess")
    add_import(copy, "agent_guard/commands/approve.py", "from subprocess import run as _run")
    copy.commit("Start a process outside the runner")
    found = boundary_findings(copy)
    assert sorted((f["path"], f["severity"]) for f in found) == [
        ("agent_guard/commands/approve.py", "error"),
        ("agent_guard/hooks.py", "error"),
    ]
    rule = found[0]["rule"]
    assert isinstance(rule, dict)
    assert rule["text"].startswith("Modules never import subprocess directly")
    assert copy.agent_guard("diff", "HEAD~1..HEAD").returncode == 1


def test_the_runner_itself_may_import_subprocess(make_repo: Callable[..., GitRepo]) -> None:
    copy = copy_of_agent_guard(make_repo)
    add_import(copy, "agent_guard/changes/git.py", "from subprocess import PIPE")
    copy.commit("The runner imports one more name")
    assert boundary_findings(copy) == []


def _imports_subprocess(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] == "subprocess" for alias in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "subprocess":
            return True
    return False


def test_the_package_imports_subprocess_only_in_the_runner() -> None:
    """The same fact read off the whole tree, function-level imports included."""
    importers = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "agent_guard").rglob("*.py")
        if _imports_subprocess(path.read_text(encoding="utf-8"))
    )
    assert importers == ["agent_guard/changes/git.py"]
