"""Shared fixtures: real git repositories in temporary directories (never a mocked git)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_RULE_FILE = ROOT / "tests" / "data" / "seed.mdc"
EXAMPLES = ROOT / "examples"
# The server hook's default time budget (4 s) is a promise to hosts, not to a test machine
# shared with other jobs: tests that are not about the budget give the hook this much.
RELAXED_BUDGET = ("--time-budget", "300")


class GitRepo:
    """A real repository for a test: write files, stage, commit, run git and agent-guard."""

    def __init__(self, path: Path, *, bare: bool = False, object_format: str = "sha1") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        args = ["init", "-q", "-b", "main", f"--object-format={object_format}"]
        self.git(*args, *(["--bare"] if bare else []), ".")
        if not bare:
            self.git("config", "user.name", "Agent Smith")
            self.git("config", "user.email", "agent@example.com")
            self.git("config", "commit.gpgsign", "false")

    def git(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> str:
        result = subprocess.run(
            ["git", *args],
            cwd=self.path,
            input=input,
            capture_output=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr.decode()}")
        return result.stdout.decode("utf-8", "surrogateescape")

    def write(self, relpath: str, content: str | bytes) -> Path:
        target = self.path / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def add(self, *paths: str) -> None:
        self.git("add", "--", *(paths or (".",)))

    def commit(
        self, message: str = "change", *, all_files: bool = True, env: dict[str, str] | None = None
    ) -> str:
        if all_files:
            self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").strip()

    def cli(
        self, *args: str, input: str = "", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the command line in this process (`main([...])`), in this repository.

        The same code as `agent_guard()` without starting Python each time: use it unless
        the test is about the process boundary (the console script, bytes on a pipe, signals).
        """
        return run_main(list(args), self.path, input=input, env=env)

    def agent_guard(
        self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the real command line in a subprocess, as a hook would."""
        return subprocess.run(
            [sys.executable, "-m", "agent_guard", *args],
            cwd=self.path,
            input=input,
            capture_output=True,
            env={**os.environ, **(env or {})},
            check=False,
            text=input is None,
        )


def run_main(
    args: list[str], cwd: Path, *, input: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`agent_guard.cli.main(args)` with `cwd`, stdin, stdout, stderr and `env` of its own."""
    from agent_guard.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_cwd, saved_stdin, saved_env = Path.cwd(), sys.stdin, dict(os.environ)
    os.chdir(cwd)
    os.environ.update(env or {})
    sys.stdin = io.StringIO(input)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[GitRepo]:
    """An empty non-bare repository on branch main, with a committer identity."""
    yield GitRepo(tmp_path / "repo")


@pytest.fixture
def make_repo(tmp_path: Path) -> Iterator[Callable[..., GitRepo]]:
    """A factory for more repositories: make_repo(name, bare=False, object_format='sha1')."""

    def factory(name: str, *, bare: bool = False, object_format: str = "sha1") -> GitRepo:
        return GitRepo(tmp_path / name, bare=bare, object_format=object_format)

    yield factory


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the user's global git config (hooks, signing, templates) out of every test."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_INDEX_FILE", raising=False)
    for name in ("GL_ID", "GL_USERNAME", "GITHUB_USER_LOGIN", "GITEA_PUSHER_NAME"):
        monkeypatch.delenv(name, raising=False)
