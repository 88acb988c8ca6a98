"""Hooks never modify the index, the work tree or refs — on a pass and on a block.

Every entry point runs between two snapshots (index bytes and entries, a hash of every work
tree file including untracked ones, every ref, HEAD and packed-refs), in a repository with
staged, unstaged and untracked changes, so any `git add`, checkout, stash or ref update a
hook made would show.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RELAXED_BUDGET, GitRepo
from tests.hardening.support import run_cli, snapshot, with_policy

CLEAN = "def ok() -> int:\n    return 2\n"
BLOCKED = "def ok() -> int:\n    print('debug')\n    return 2\n"


def _messy(repo: GitRepo, staged: str) -> None:
    """A staged edit, an unstaged edit on top of it, an untracked file and an ignored one."""
    repo.write(".gitignore", "*.log\n")
    repo.commit("ignore logs")
    repo.write("app/service.py", staged)
    repo.add("app/service.py")
    repo.write("app/service.py", staged + "# unstaged tail\n")
    repo.write("notes/untracked.py", "print('not staged')\n")
    repo.write("debug.log", "ignored\n")


def _expect(result_code: int, blocked: bool, output: bytes) -> None:
    assert b"Traceback" not in output, output.decode("utf-8", "replace")
    assert result_code == (1 if blocked else 0), output.decode("utf-8", "replace")


@pytest.mark.parametrize("blocked", [False, True], ids=["pass", "blocked"])
@pytest.mark.parametrize(
    "args",
    [
        ["hook", "pre-commit"],
        ["hook", "pre-commit", "--escalations", "block"],
        ["diff"],
        ["diff", "--staged"],
        ["diff", "--worktree"],
    ],
    ids=" ".join,
)
def test_local_entry_points_leave_everything_untouched(
    repo: GitRepo, args: list[str], blocked: bool
) -> None:
    with_policy(repo)
    _messy(repo, BLOCKED if blocked else CLEAN)
    before = snapshot(repo)
    result = run_cli(args, repo.path)
    _expect(result.returncode, blocked, result.stdout + result.stderr)
    assert snapshot(repo) == before


@pytest.mark.parametrize("blocked", [False, True], ids=["pass", "blocked"])
def test_commit_msg_leaves_everything_untouched(repo: GitRepo, blocked: bool) -> None:
    with_policy(repo)
    _messy(repo, BLOCKED if blocked else CLEAN)
    message = repo.path / ".git" / "COMMIT_EDITMSG"
    message.write_text("Tidy the service\n\n# a comment git strips\n", encoding="utf-8")
    before = snapshot(repo)
    result = run_cli(["hook", "commit-msg", str(message)], repo.path)
    _expect(result.returncode, blocked, result.stdout + result.stderr)
    assert snapshot(repo) == before
    assert message.read_text(encoding="utf-8").startswith("Tidy the service")


@pytest.mark.parametrize("blocked", [False, True], ids=["pass", "blocked"])
def test_pre_push_leaves_everything_untouched(
    repo: GitRepo, make_repo: Callable[..., GitRepo], blocked: bool
) -> None:
    with_policy(repo)
    remote = make_repo("remote.git", bare=True)
    repo.git("remote", "add", "origin", str(remote.path))
    repo.git("push", "-q", "origin", "main")
    old = repo.git("rev-parse", "HEAD").strip()
    repo.write("app/service.py", BLOCKED if blocked else CLEAN)
    new = repo.commit("change the service")
    _messy(repo, CLEAN)
    before, remote_before = snapshot(repo), snapshot(remote)
    stdin = f"refs/heads/main {new} refs/heads/main {old}\n".encode()
    result = run_cli(["hook", "pre-push", "origin", str(remote.path)], repo.path, input=stdin)
    _expect(result.returncode, blocked, result.stdout + result.stderr)
    assert snapshot(repo) == before
    assert snapshot(remote) == remote_before


def _server_with_pending_push(
    repo: GitRepo, make_repo: Callable[..., GitRepo], content: str
) -> tuple[GitRepo, bytes]:
    """A bare server holding a pushed commit's objects but not yet the ref (as in receive)."""
    with_policy(repo)
    server = make_repo("server.git", bare=True)
    repo.git("push", "-q", str(server.path), "main")
    old = repo.git("rev-parse", "HEAD").strip()
    repo.write("app/service.py", content)
    new = repo.commit("change the service")
    repo.git("push", "-q", str(server.path), f"{new}:refs/pending/x")
    server.git("update-ref", "-d", "refs/pending/x")
    return server, f"{old} {new} refs/heads/main\n".encode()


@pytest.mark.parametrize("blocked", [False, True], ids=["pass", "blocked"])
def test_pre_receive_leaves_the_server_untouched(
    repo: GitRepo, make_repo: Callable[..., GitRepo], blocked: bool
) -> None:
    server, stdin = _server_with_pending_push(repo, make_repo, BLOCKED if blocked else CLEAN)
    before = snapshot(server)
    result = run_cli(["hook", "pre-receive", *RELAXED_BUDGET], server.path, input=stdin)
    _expect(result.returncode, blocked, result.stdout + result.stderr)
    assert snapshot(server) == before


def test_pre_receive_rejecting_garbage_stdin_leaves_the_server_untouched(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    server, _ = _server_with_pending_push(repo, make_repo, CLEAN)
    before = snapshot(server)
    result = run_cli(
        ["hook", "pre-receive", *RELAXED_BUDGET], server.path, input=b"\x1b[2J garbage\r\n"
    )
    assert result.returncode == 1
    out = result.stdout.decode("utf-8", "replace")
    assert "push rejected (fail closed)" in out, out
    assert "\x1b" not in out and "\r" not in out
    assert snapshot(server) == before


def test_snapshot_sees_a_change(repo: GitRepo, tmp_path: Path) -> None:
    """The snapshot is not blind: staging a file or moving a ref changes it."""
    with_policy(repo)
    _messy(repo, CLEAN)
    before = snapshot(repo)
    repo.add("notes/untracked.py")
    assert snapshot(repo) != before
    staged = snapshot(repo)
    repo.git("update-ref", "refs/heads/other", "HEAD")
    assert snapshot(repo) != staged
