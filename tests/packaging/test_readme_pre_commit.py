"""The README's `.pre-commit-config.yaml` and its install step, run literally by the real
pre-commit in a new repository: a blocked commit, an approved escalation, a clean commit."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, GitRepo
from tests.hooks import test_pre_commit_framework as framework
from tests.hooks.conftest import MODELS, write_project
from tests.hooks.test_local_hooks import BLOCKING
from tests.hooks.test_pre_commit_framework import PIP_CONFIG, PRE_COMMIT

pytestmark = pytest.mark.slow
hook_repo = framework.hook_repo  # the snapshot of this checkout and pre-commit's store

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIG_BLOCK = re.compile(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", re.S)
INSTALL_BLOCK = re.compile(
    r"```yaml\n# \.pre-commit-config\.yaml\n.*?```\n\n"
    r"(?:<!-- not-run: [^\n]*-->\n)?"  # the docs test skips it: it needs the network
    r"```sh\n(.*?)```",
    re.S,
)


def _snippet() -> str:
    found = CONFIG_BLOCK.search(README)
    assert found, "README.md has no `# .pre-commit-config.yaml` block"
    return found.group(1)


def _install_steps() -> list[list[str]]:
    """The sh block right after the config, one command a line (comments dropped)."""
    found = INSTALL_BLOCK.search(README)
    assert found, "README.md gives no install commands right after the config"
    return [shlex.split(line, comments=True) for line in found.group(1).splitlines() if line]


def _tags() -> set[str]:
    out = subprocess.run(["git", "tag", "-l"], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_readme_rev_is_a_tag_or_the_readme_pins_a_commit() -> None:
    """`rev:` names a tag of this repository, or (before the first release is tagged) the
    README's install step replaces it with a commit id."""
    rev = re.search(r"^\s*rev:\s*(\S+)", _snippet(), re.M)
    assert rev is not None
    steps = [" ".join(step) for step in _install_steps()]
    pins = "pre-commit autoupdate --bleeding-edge --freeze" in steps
    assert rev.group(1) in _tags() or pins, (rev.group(1), sorted(_tags()), steps)


def test_the_readme_config_installed_as_written_blocks_and_passes_commits(
    repo: GitRepo, hook_repo: tuple[Path, Path]
) -> None:
    snapshot, home = hook_repo
    write_project(repo)
    repo.commit("Initial project")  # before the hooks: adding models.py is an escalation
    # The only edit: `repo:` names the project's public home, which a test cannot reach (no
    # network), so it points at a local git clone of this checkout's files (the snapshot).
    # `rev:` is left as the README writes it: the README's own install step pins it.
    config, count = re.subn(r"(?m)^(\s*- repo:\s*)\S+", rf"\g<1>{snapshot}", _snippet())
    assert count == 1
    repo.write(".pre-commit-config.yaml", config)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home / "store")}
    if PIP_CONFIG.exists():
        env.setdefault("PIP_CONFIG_FILE", str(PIP_CONFIG))
    for step in _install_steps():
        assert step[0] == "pre-commit", step
        done = subprocess.run(
            [str(PRE_COMMIT), *step[1:]],
            cwd=repo.path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    for hook_type in ("pre-commit", "commit-msg", "pre-push"):
        assert (repo.path / ".git" / "hooks" / hook_type).is_file(), hook_type
    assert str(snapshot) in (repo.path / ".pre-commit-config.yaml").read_text()

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "commit", "-q", "-m", message],
            cwd=repo.path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    repo.add(".pre-commit-config.yaml")
    # The config's own commit goes through the hooks: a policy file, approved by a trailer.
    adopted = commit("Use pre-commit\n\nEscalation-Approved-By: Lead <lead@example.com>")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr

    repo.write("app/handlers.py", BLOCKING)
    repo.add()
    blocked = commit("Add a handler")
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "blocking-in-async" in blocked.stdout + blocked.stderr
    repo.git("reset", "-q", "--hard")

    repo.write("app/models.py", MODELS + "    email: str\n")  # protected: needs an approval
    repo.add()
    refused = commit("Add email")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "protected-file" in refused.stdout + refused.stderr
    approved = commit("Add email\n\nEscalation-Approved-By: Lead <lead@example.com>")
    assert approved.returncode == 0, approved.stdout + approved.stderr

    repo.write("app/services.py", "def greet(who: str) -> str:\n    return who\n")
    repo.add()
    clean = commit("Greet")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert repo.git("log", "-1", "--format=%s").strip() == "Greet"
