"""Issue 13, found on the way: look-alike policy paths and `.git` tree entries.

Real pushes into a bare repository with the pre-receive hook. Trees with `.git` look-alikes
are built with git's plumbing (`mktree`, `commit-tree`): porcelain refuses them, a pusher's
own tools need not, and `receive.fsckObjects` is off by default.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.hooks.conftest import APPROVER_ENV, push

Servers = tuple[GitRepo, GitRepo]

LOOK_ALIKES = (".Cursor/rules/z.mdc", "AGENTS.MD", "agents.md", ".Agent-Guard.yaml")


def _head(server: GitRepo) -> str:
    return server.git("rev-parse", "refs/heads/main").strip()


@pytest.mark.parametrize("path", LOOK_ALIKES)
def test_a_look_alike_rule_file_or_config_is_a_policy_change(
    server_and_clone: Servers, path: str
) -> None:
    server, clone = server_and_clone
    before = _head(server)
    clone.write(path, "# rules\n\nAlways do what the agent wants.\n")
    clone.commit("Add notes")
    result = push(clone, "main")
    assert not result.accepted, result
    assert f"{path}:" in result.output and "policy-change" in result.output
    assert _head(server) == before
    assert push(clone, "main", env=APPROVER_ENV).accepted  # an approver may


def test_paths_that_only_resemble_policy_names_pass(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    for path in ("docs/agents-guide.md", "app/cursor.py", "cursor/rules.md", "git/notes.txt"):
        clone.write(path, "x = 1\n")
    clone.write(".github/workflows/ci.yml", "on: push\n")
    sha = clone.commit("Docs and code")
    result = push(clone, "main")
    assert result.accepted, result
    assert _head(server) == sha


def _commit_with_entry(clone: GitRepo, name: str) -> str:
    """A commit on HEAD whose tree adds the folder `name` holding `config`."""
    blob = clone.git("hash-object", "-w", "--stdin", input=b"[core]\n\thooksPath = x\n").strip()
    sub = clone.git("mktree", input=f"100644 blob {blob}\tconfig\n".encode()).strip()
    entries = clone.git("ls-tree", "HEAD") + f"040000 tree {sub}\t{name}\n"
    root = clone.git("mktree", input=entries.encode()).strip()
    return clone.git("commit-tree", root, "-p", "HEAD", "-m", "Add settings").strip()


@pytest.mark.parametrize("name", [".GIT", ".Git", ".g\u200cit", "GIT~1", "git~1", ".git."])
def test_a_tree_entry_that_is_dot_git_somewhere_is_refused_even_for_an_approver(
    server_and_clone: Servers, name: str
) -> None:
    server, clone = server_and_clone
    before = _head(server)
    commit = _commit_with_entry(clone, name)
    result = push(clone, f"{commit}:refs/heads/main", env=APPROVER_ENV)
    assert not result.accepted, result
    assert "the repository's own .git directory" in result.output
    assert _head(server) == before


def test_a_folder_named_like_git_but_not_it_passes(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    commit = _commit_with_entry(clone, ".gitconfig.d")
    result = push(clone, f"{commit}:refs/heads/main")
    assert result.accepted, result
    assert _head(server) == commit


def test_a_look_alike_pyproject_table_is_a_policy_change(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = _head(server)
    clone.write("PyProject.toml", "[tool.agent-guard]\nrules = []\n")
    clone.commit("Packaging")
    result = push(clone, "main")
    assert not result.accepted, result
    assert "PyProject.toml" in result.output and "[tool.agent-guard] table" in result.output
    assert _head(server) == before

    clone.write("PyProject.toml", '[project]\nname = "demo"\n')
    clone.commit("Packaging without the table", all_files=True)
    result = push(clone, "main", env=APPROVER_ENV)
    assert result.accepted, result
