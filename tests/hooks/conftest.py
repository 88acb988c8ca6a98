"""A small project with the seed rule file, and a bare server with agent-guard's pre-receive."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import RELAXED_BUDGET, SEED_RULE_FILE, GitRepo

CONFIG = """\
escalation:
  approvers: ["lead", "lead@example.com"]
"""
MODELS = "class User:\n    name: str\n"
SERVICE = "def greet(name: str) -> str:\n    return f'hello {name}'\n"
APPROVER_ENV = {"GL_USERNAME": "lead"}


def write_project(repo: GitRepo, config: str = CONFIG) -> None:
    """The rule file, the config and two app modules (one of them protected)."""
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_bytes())
    repo.write(".agent-guard.yaml", config)
    repo.write("app/__init__.py", "")
    repo.write("app/models.py", MODELS)
    repo.write("app/services.py", SERVICE)


def pre_receive_script(*args: str) -> str:
    budget = () if "--time-budget" in args else RELAXED_BUDGET
    command = " ".join([sys.executable, "-m", "agent_guard", "hook", "pre-receive", *budget, *args])
    return f'#!/bin/sh\nexec {command} "$@"\n'


def install_pre_receive(server: GitRepo, *args: str) -> None:
    hook = server.path / "hooks" / "pre-receive"
    hook.write_text(pre_receive_script(*args))
    hook.chmod(0o755)


class Push:
    """The result of one `git push`: accepted or not, and what the server said."""

    def __init__(self, result: subprocess.CompletedProcess[bytes]) -> None:
        self.returncode = result.returncode
        self.output = result.stderr.decode("utf-8", "replace") + result.stdout.decode()

    @property
    def accepted(self) -> bool:
        return self.returncode == 0

    def __repr__(self) -> str:
        return f"Push(rc={self.returncode}):\n{self.output}"


def push(
    repo: GitRepo, *refspecs: str, env: dict[str, str] | None = None, options: tuple[str, ...] = ()
) -> Push:
    args = ["git", "push", "--porcelain", *(f"--push-option={o}" for o in options), "origin"]
    result = subprocess.run(
        [*args, *refspecs],
        cwd=repo.path,
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Push(result)


@pytest.fixture
def server_and_clone(
    make_repo: Callable[..., GitRepo],
) -> Iterator[tuple[GitRepo, GitRepo]]:
    """A bare server with the hook, seeded by an approver, and an agent's clone of it."""
    server = make_repo("server.git", bare=True)
    install_pre_receive(server)
    clone = make_repo("clone")
    write_project(clone)
    clone.commit("Initial project")
    clone.git("remote", "add", "origin", str(server.path))
    seeded = push(clone, "main", env=APPROVER_ENV)  # the first push adds the policy: approver
    assert seeded.accepted, seeded
    clone.git("branch", "--set-upstream-to=origin/main")
    yield server, clone
