"""Helpers shared by the hardening tests: a repository with a policy, snapshots, fake gits."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED_RULE_FILE, GitRepo

REAL_GIT = subprocess.run(
    ["which", "git"], capture_output=True, text=True, check=True
).stdout.strip()
CONFIG = """\
escalation:
  approvers: [lead@example.com]
checks:
  print-call: {severity: error}
  syntax-error: {severity: error}
"""


def with_policy(repo: GitRepo, *, config: str = CONFIG) -> GitRepo:
    """The seed rule file and a small config, committed: a repository agent-guard guards."""
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    repo.write(".agent-guard.yaml", config)
    repo.write("app/__init__.py", "")
    repo.write("app/service.py", "def ok() -> int:\n    return 1\n")
    repo.commit("policy")
    return repo


def run_cli(
    args: list[str],
    cwd: Path,
    *,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m agent_guard ARGS` as a hook runs it (bytes in and out, nothing decoded)."""
    return subprocess.run(
        [sys.executable, "-m", "agent_guard", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[bytes], expected: str) -> None:
    """Exit 2, exactly `expected` as the only stderr line, no traceback anywhere."""
    stderr = result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stdout + result.stderr, stderr
    assert result.returncode == 2, (result.returncode, stderr)
    assert stderr.splitlines() == [expected], stderr


def write_script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_git_dir(tmp: Path, body: str) -> Path:
    """A folder holding a `git` wrapper (a Python script) around the real git, for PATH.

    `body` runs with `argv` (the arguments) and `REAL_GIT` defined, before exec'ing git.
    """
    folder = tmp / "fake-git"
    script = f"""#!{sys.executable}
import os, sys, time, signal, subprocess
REAL_GIT = {REAL_GIT!r}
argv = sys.argv[1:]
{body}
os.execv(REAL_GIT, [REAL_GIT, *argv])
"""
    write_script(folder / "git", script)
    return folder


def path_with(folder: Path) -> dict[str, str]:
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


# -- snapshots: hooks must not touch the index, the work tree or refs ------------------------


def snapshot(repo: GitRepo) -> dict[str, object]:
    """Index bytes and entries, every work-tree file's hash (untracked too), every ref."""
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir").strip())
    index = git_dir / "index"
    files: dict[str, str] = {}
    if (repo.path / ".git").exists():
        for folder, dirs, names in os.walk(repo.path):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                target = Path(folder) / name
                relative = target.relative_to(repo.path).as_posix()
                if target.is_symlink():
                    files[relative] = "link:" + os.readlink(target)
                else:
                    files[relative] = hashlib.sha256(target.read_bytes()).hexdigest()
    return {
        "index": index.read_bytes() if index.exists() else None,
        "ls-files": repo.git("ls-files", "-s", "-z") if not _bare(repo) else "",
        "refs": repo.git("for-each-ref", "--format=%(refname) %(objectname) %(symref)"),
        "HEAD": (git_dir / "HEAD").read_bytes(),
        "packed-refs": _read(git_dir / "packed-refs"),
        "files": files,
    }


def _bare(repo: GitRepo) -> bool:
    return repo.git("rev-parse", "--is-bare-repository").strip() == "true"


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None
