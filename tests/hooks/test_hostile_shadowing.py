"""Issue 13, point 6: a protected module cannot be shadowed by another form of it.

Real pushes into a bare repository with the pre-receive hook (`server_and_clone`): the seed
rule file protects `**/models.py`, so `app/models.py` is the protected module `app.models`.
"""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo
from tests.hooks.conftest import APPROVER_ENV, push

Servers = tuple[GitRepo, GitRepo]

SHADOWS = (
    "app/models/__init__.py",
    "app/models/user.py",
    "app/models.so",
    "app/models.abi3.so",
    "app/models.cpython-312-x86_64-linux-gnu.so",
    "app/models.pyd",
    "app/models.cp312-win_amd64.pyd",
    "app/models.pyc",
    "app/__pycache__/models.cpython-312.pyc",
)


def _head(server: GitRepo) -> str:
    return server.git("rev-parse", "refs/heads/main").strip()


@pytest.mark.parametrize("path", ["app/models/__init__.py", "app/models.abi3.so"])
def test_a_package_or_extension_shadowing_the_protected_module_is_refused(
    server_and_clone: Servers, path: str
) -> None:
    server, clone = server_and_clone
    before = _head(server)
    clone.write(path, b"\x7fELF\0\0 stand-in" if path.endswith(".so") else "User = None\n")
    clone.commit("Add a helper")
    result = push(clone, "main")
    assert not result.accepted, result
    assert path in result.output and "protected-file" in result.output
    assert "the module protected by `**/models.py`" in result.output
    assert _head(server) == before


def test_every_import_form_of_the_protected_module_is_refused(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = _head(server)
    for path in SHADOWS:
        clone.write(path, b"\0binary stand-in\0" if not path.endswith(".py") else "x = 1\n")
    clone.commit("Speed up the models")
    result = push(clone, "main")
    assert not result.accepted, result
    for path in SHADOWS:
        assert f"{path}:" in result.output, path
    assert _head(server) == before


def test_an_approver_may_push_the_package_and_look_alikes_pass(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    clone.write("app/models_extra.py", "x = 1\n")  # another module
    clone.write("app/modelsx/__init__.py", "")  # another package
    clone.write("app/services.abi3.so", b"\0not protected\0")
    clone.write("app/__pycache__/services.cpython-312.pyc", b"\0not protected\0")
    clean = clone.commit("Unrelated modules")
    result = push(clone, "main")
    assert result.accepted, result
    assert _head(server) == clean

    clone.write("app/models/__init__.py", "from app.models.user import User\n")
    approved = clone.commit("Turn models into a package")
    result = push(clone, "main", env=APPROVER_ENV)
    assert result.accepted, result
    assert _head(server) == approved


def test_an_added_pth_file_is_an_escalation(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = _head(server)
    clone.write("tools/zz_boot.pth", "import os; os.environ['AGENT_GUARD_OFF'] = '1'\n")
    clone.commit("Add a tools path")
    result = push(clone, "main")
    assert not result.accepted, result
    assert "tools/zz_boot.pth" in result.output and "policy-change" in result.output
    assert "runs its import lines at interpreter start" in result.output
    assert _head(server) == before

    result = push(clone, "main", env=APPROVER_ENV)
    assert result.accepted, result


def test_deleting_a_pth_file_passes(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.write("paths.pth", "src\n")
    clone.commit("Add a path file")
    assert push(clone, "main", env=APPROVER_ENV).accepted
    clone.git("rm", "-q", "paths.pth")
    clone.commit("Drop the path file")
    result = push(clone, "main")
    assert result.accepted, result
