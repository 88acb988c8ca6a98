"""Approvals over a real transport: `git daemon --enable=receive-pack` on 127.0.0.1.

Over a local path the pusher's own environment reaches the hook (`GL_USERNAME=lead git push
/srv/repo.git` would approve): a path push is not a security boundary (docs/security.md).
Over a transport, the hook sees the SERVER's environment: here the daemon's, which stands
for the host that authenticated the pusher. The pusher's variables stay on its machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.hooks.conftest import APPROVER_ENV, MODELS, install_pre_receive, push, write_project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def git_daemon(base: Path, identity: str) -> Iterator[str]:
    """A `git daemon` serving `base` (pushes enabled), whose hooks see GL_USERNAME=identity,
    as a host's hooks see the user it authenticated. Yields the URL prefix."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GL_", "GIT_"))}
    env["GL_USERNAME"] = identity
    process = subprocess.Popen(
        [
            "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
            "--listen=127.0.0.1", f"--port={port}", f"--base-path={base}", str(base),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.skip("git daemon did not start")
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def seeded(make_repo: Callable[..., GitRepo]) -> tuple[GitRepo, GitRepo]:
    server = make_repo("srv/project.git", bare=True)
    install_pre_receive(server)
    clone = make_repo("clone")
    write_project(clone)
    clone.commit("Initial project")
    clone.git("remote", "add", "origin", str(server.path))
    assert push(clone, "main", env=APPROVER_ENV).accepted
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.commit("Add email to User")
    return server, clone


def test_the_pushers_own_identity_variable_does_not_cross_the_transport(
    seeded: tuple[GitRepo, GitRepo],
) -> None:
    server, clone = seeded
    before = server.git("rev-parse", "main").strip()
    with git_daemon(server.path.parent, identity="agent-bot") as url:
        clone.git("remote", "set-url", "origin", f"{url}/project.git")
        result = push(clone, "main", env=APPROVER_ENV)  # GL_USERNAME=lead, on the client
    assert not result.accepted, result
    assert "protected-file" in result.output
    assert server.git("rev-parse", "main").strip() == before


def test_an_approver_authenticated_by_the_server_approves(
    seeded: tuple[GitRepo, GitRepo],
) -> None:
    server, clone = seeded
    with git_daemon(server.path.parent, identity="lead") as url:
        clone.git("remote", "set-url", "origin", f"{url}/project.git")
        result = push(clone, "main")
    assert result.accepted, result
    assert server.git("rev-parse", "main").strip() == clone.git("rev-parse", "HEAD").strip()
